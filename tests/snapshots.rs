//! Snapshot tests: every fixture under `tests/fixtures/` analysed with all
//! rules (hints included), rendered one finding a line with its fix applied
//! to the finding's own line, and compared with `tests/snapshots/`.
//! Update with `INSTA_UPDATE=always cargo test --test snapshots` and review
//! the diff.

use std::fmt::Write;

use pyguide::detect::{analyze, apply_fix};
use pyguide::python::{Document, LineIndex};

fn render(src: &str) -> String {
    let doc = Document::parse(src);
    let lines = LineIndex::new(src);
    let mut out = String::new();
    for f in analyze(&doc) {
        let p = lines.char_pos(src, f.range.start);
        let _ = writeln!(
            out,
            "{}:{} {} [{}] {}",
            p.line + 1,
            p.col + 1,
            f.code(),
            f.topic(),
            f.message
        );
        if let Some(fix) = &f.fix {
            let fixed = apply_fix(src, fix);
            let line = lines.line_of(f.range.start);
            let changed: Vec<&str> = fixed
                .lines()
                .skip(line.saturating_sub(1))
                .take(4 + fix.edits.len())
                .filter(|l| !src.lines().any(|o| o == *l))
                .collect();
            let _ = writeln!(out, "    fix: {} => {:?}", fix.message, changed);
        }
    }
    out
}

macro_rules! fixture {
    ($name:ident) => {
        #[test]
        fn $name() {
            let src = include_str!(concat!("fixtures/", stringify!($name), ".py"));
            insta::assert_snapshot!(render(src));
        }
    };
}

fixture!(asyncio_service);
fixture!(comparisons);
fixture!(core_patterns);
fixture!(classes);
fixture!(concurrency);
fixture!(django_settings);
fixture!(django_views);
fixture!(celery_tasks);
fixture!(modern_python);
fixture!(django_orm_loops);
fixture!(async_logging);
