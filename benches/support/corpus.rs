//! What the server benches measure on: Django's source files, largest
//! first, and the place in a file where they type (an assignment near the
//! middle). Shared by `benches/server.rs` and `benches/server_vs_ruff.rs`.

use std::path::{Path, PathBuf};

/// Django's Python files, largest first.
pub fn django_files(src: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut stack = vec![src.join("django")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "py")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                files.push((path, text));
            }
        }
    }
    files.sort_by_key(|(p, t)| (std::cmp::Reverse(t.len()), p.clone()));
    files
}

/// The first line at or after the middle of `text` that assigns to a
/// plain name (`    name = ...`): its line and the name's column.
pub fn assignment_near_middle(text: &str) -> (usize, usize) {
    let lines: Vec<&str> = text.lines().collect();
    (lines.len() / 2..lines.len())
        .find_map(|i| {
            let line = lines[i];
            let trimmed = line.trim_start();
            let name: String = trimmed
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let is_name = name.starts_with(|c: char| c.is_ascii_alphabetic());
            (is_name && trimmed[name.len()..].starts_with(" = "))
                .then(|| (i, line.len() - trimmed.len()))
        })
        .expect("an assignment in the second half")
}

/// The big file the benches edit: Django's files, largest first,
/// concatenated until it has 20,000 lines (whole files only: 21,897).
pub fn big_file(files: &[(PathBuf, String)]) -> String {
    let mut big = String::new();
    let mut lines = 0;
    for (_, text) in files {
        if lines >= 20_000 {
            break;
        }
        big.push_str(text);
        if !big.ends_with('\n') {
            big.push('\n');
        }
        lines += text.lines().count();
    }
    big
}
