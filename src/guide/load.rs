//! Loading: the built-in guide plus user guide folders, parsed and validated.
//!
//! The only module of `guide` that does IO (reading `--guide` folders). A broken
//! user file is reported and skipped; it never costs a built-in topic.

use std::fs;
use std::path::{Path, PathBuf};

use crate::files::ReadError;

use super::{
    Guide, Loaded, MODULES, Origin, SourceFile, Topic, TopicError, builtin, parse_topic, validate,
};

/// Loads the built-in guide alone.
pub fn load_builtin() -> Loaded {
    load(&[])
}

/// Loads the built-in guide, then every user folder in order.
pub fn load(user_dirs: &[PathBuf]) -> Loaded {
    let mut sources = builtin::sources();
    let mut errors = Vec::new();
    for dir in user_dirs {
        match read_dir_sources(dir) {
            Ok((files, errs)) => {
                sources.extend(files);
                errors.extend(errs);
            }
            Err(e) => errors.push(e),
        }
    }
    let mut loaded = load_sources(sources);
    errors.append(&mut loaded.errors);
    loaded.errors = errors;
    loaded
}

/// Loads one user folder on its own (no built-in topics): what a check of a
/// user guide wants.
pub fn load_dir(dir: &Path) -> Loaded {
    match read_dir_sources(dir) {
        Ok((files, mut errs)) => {
            let mut loaded = load_sources(files);
            errs.append(&mut loaded.errors);
            loaded.errors = errs;
            loaded
        }
        Err(e) => Loaded {
            guide: Guide::default(),
            errors: vec![e],
        },
    }
}

/// Parses and validates sources; built-in files also get their place checked
/// (`index/<module>/<id>.md`).
fn load_sources(sources: Vec<SourceFile>) -> Loaded {
    let mut errors = Vec::new();
    let mut topics: Vec<Topic> = Vec::with_capacity(sources.len());
    for src in &sources {
        match parse_topic(&src.path, &src.text, src.origin) {
            Ok(topic) => match check_placement(&topic) {
                None => topics.push(topic),
                Some(e) => errors.push(e),
            },
            Err(mut errs) => errors.append(&mut errs),
        }
    }
    // Built-in topics first (so validation keeps them over user duplicates),
    // then by module in teaching order; the sort is stable, so file order
    // (sorted paths) is kept within a module.
    topics.sort_by_key(|t| {
        let rank = MODULES.iter().position(|m| *m == t.module);
        (t.origin != Origin::Builtin, rank.unwrap_or(MODULES.len()))
    });
    let (topics, mut errs) = validate(topics);
    errors.append(&mut errs);
    Loaded {
        guide: Guide::from_validated(topics),
        errors,
    }
}

/// Built-in topics live at `index/<module>/<id>.md`.
fn check_placement(topic: &Topic) -> Option<TopicError> {
    if topic.origin != Origin::Builtin {
        return None;
    }
    let expected = format!("index/{}/{}.md", topic.module, topic.id);
    (topic.path != expected).then(|| {
        TopicError::new(
            &topic.path,
            topic.lines.id,
            format!("a built-in topic with this id and module belongs at {expected}"),
        )
    })
}

/// Files in a guide folder that document the guide rather than being topics:
/// the format description and the accuracy review log.
pub(crate) const NON_TOPIC_FILES: [&str; 2] = ["README.md", "REVIEW.md"];

/// Topic files are `*.md` other than [`NON_TOPIC_FILES`] (any case) and
/// names starting with `_`.
pub(crate) fn is_topic_file_name(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.ends_with(".md")
        && !NON_TOPIC_FILES.iter().any(|f| name.eq_ignore_ascii_case(f))
        && !name.starts_with('_')
}

/// Reads every topic file under `dir` (recursively, hidden folders skipped,
/// sorted by path). Returns the readable files and an error per unreadable
/// or non-UTF-8 one; `Err` when `dir` itself cannot be read.
pub fn read_dir_sources(dir: &Path) -> Result<(Vec<SourceFile>, Vec<TopicError>), TopicError> {
    let shown = dir.display().to_string();
    let meta = fs::metadata(dir)
        .map_err(|e| TopicError::new(&shown, 0, format!("cannot read guide folder: {e}")))?;
    if !meta.is_dir() {
        return Err(TopicError::new(&shown, 0, "guide path is not a folder"));
    }
    let mut paths = Vec::new();
    let mut errors = Vec::new();
    walk(dir, &mut paths, &mut errors);
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let shown = path.display().to_string();
        // Bounded: regular files only (a FIFO would block the load forever,
        // a link to /dev/zero fill memory), at most 2 MB.
        match crate::files::read_text(&path, crate::files::Limit::Topic) {
            Ok(text) => files.push(SourceFile {
                path: shown,
                text,
                origin: Origin::User,
            }),
            Err(ReadError::NotUtf8 { line, byte, .. }) => errors.push(TopicError::new(
                &shown,
                line,
                format!("not valid UTF-8 (byte {byte}); save the file as UTF-8"),
            )),
            Err(e) => {
                let message = e.to_string();
                let message = message
                    .strip_prefix(&format!("{shown}: "))
                    .unwrap_or(&message);
                errors.push(TopicError::new(&shown, 0, message.to_string()));
            }
        }
    }
    Ok((files, errors))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<TopicError>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(TopicError::new(
                dir.display().to_string(),
                0,
                format!("cannot read folder: {e}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        match entry.file_type() {
            Ok(ft) if ft.is_dir() => walk(&path, out, errors),
            Ok(_) if is_topic_file_name(&name.to_string_lossy()) => out.push(path),
            _ => {}
        }
    }
}
