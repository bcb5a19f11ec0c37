//! Embeds the built-in guide: every Markdown file under `index/` becomes an
//! `include_str!` entry in `$OUT_DIR/builtin_guide.rs`, so the binary works
//! from any directory with no files beside it. `REVIEW.md` (the accuracy
//! review log) is left out.

use std::path::{Path, PathBuf};
use std::{env, fs};

/// `index/REVIEW.md` records the accuracy review; it is not a topic and the
/// binary does not need it (the guide loader skips it too).
fn is_review_log(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case("REVIEW.md"))
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "md") && !is_review_log(&path) {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let index = root.join("index");
    println!("cargo:rerun-if-changed=index");
    let mut files = Vec::new();
    collect(&index, &mut files);
    let mut code = String::from("pub(crate) static FILES: &[(&str, &str)] = &[\n");
    for path in files {
        let rel = path.strip_prefix(&root).expect("under the manifest dir");
        let rel = rel.to_string_lossy().replace('\\', "/");
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR")).join("builtin_guide.rs");
    fs::write(out, code).expect("write builtin_guide.rs");
}
