//! The shipped guide loads cleanly and completely, and user guide folders
//! are loaded with broken files reported (file and line) and skipped.

use std::fs;

use pyguide::guide::{self, MODULES, Origin};

/// The 27 core topics of the outline (`shared/GUIDE_OUTLINE.md`).
const CORE_TOPICS: [&str; 27] = [
    "gil-and-free-threading",
    "decorators-under-the-hood",
    "generators-vs-iterators",
    "asyncio-event-loop",
    "async-vs-multiprocessing",
    "asyncio-gather",
    "django-middleware-order",
    "select-related-vs-prefetch-related",
    "n-plus-one-queries",
    "mro-c3-linearization",
    "dunder-methods",
    "list-vs-tuple",
    "is-vs-equality",
    "dict-internals",
    "decorators-in-simple-terms",
    "virtual-environments",
    "csrf-xss-django-spa",
    "horizontal-scaling-celery",
    "partitioning-vs-sharding",
    "free-threading-in-practice",
    "memory-management",
    "profiling",
    "rust-extensions-pyo3",
    "dataclass-vs-pydantic",
    "django-query-performance",
    "project-layout",
    "static-typing",
];

#[test]
fn the_shipped_guide_has_no_problems() {
    let loaded = guide::load_builtin();
    let errors: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
    assert!(
        errors.is_empty(),
        "the built-in guide has problems:\n{}",
        errors.join("\n")
    );
    for id in CORE_TOPICS {
        assert!(loaded.guide.get(id).is_some(), "core topic {id} is missing");
    }
    for t in loaded.guide.topics() {
        assert_eq!(t.origin, Origin::Builtin);
        assert!(
            MODULES.contains(&t.module.as_str()),
            "{}: unknown module {}",
            t.path,
            t.module
        );
        assert!(
            !t.references.is_empty() && t.references.iter().all(|r| r.url.starts_with("https://"))
        );
        assert!(
            t.aliases.len() >= 3,
            "{}: give searchers at least 3 aliases",
            t.path
        );
        assert!(
            (3..=8).contains(&t.asked.len()),
            "{}: `asked` needs 3 to 8 ways people really ask it, has {}",
            t.path,
            t.asked.len()
        );
        assert!(
            t.body.contains("```python")
                || t.module == "security-scaling"
                || t.id == "virtual-environments"
                || t.id == "project-layout",
            "{}: a Python topic shows Python code",
            t.path
        );
    }
}

#[test]
fn the_review_log_ships_beside_the_topics_but_is_not_one() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("index");
    let review = fs::read_to_string(root.join("REVIEW.md")).expect("index/REVIEW.md exists");
    assert!(review.contains("| topic |"), "REVIEW.md has its table");
    let loaded = guide::load_builtin();
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert!(
        loaded
            .guide
            .topics()
            .iter()
            .all(|t| !t.path.to_ascii_lowercase().ends_with("review.md")),
        "REVIEW.md was loaded as a topic"
    );
    // Loading index/ as a user folder skips it the same way.
    let (files, errors) = guide::read_dir_sources(&root).expect("index/ is readable");
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        files
            .iter()
            .all(|f| !f.path.ends_with("REVIEW.md") && !f.path.ends_with("README.md")),
        "a documentation file was read as a topic source"
    );
}

#[test]
fn topics_are_listed_in_teaching_order() {
    let loaded = guide::load_builtin();
    let ranks: Vec<usize> = loaded
        .guide
        .topics()
        .iter()
        .map(|t| MODULES.iter().position(|m| *m == t.module).unwrap())
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
}

#[test]
fn rendering_shows_the_whole_topic() {
    let loaded = guide::load_builtin();
    let topic = loaded.guide.get("asyncio-gather").unwrap();
    let md = guide::to_markdown(topic, &loaded.guide);
    assert!(md.starts_with(&format!(
        "# {}\n\n> {}\n\n{}\n",
        topic.title, topic.question, topic.summary
    )));
    for section in [
        "## Answer",
        "## Example",
        "### Bad",
        "### Good",
        "## Pitfalls",
        "## Related",
        "## References",
    ] {
        assert!(md.contains(section), "missing {section}");
    }
    let first_related = loaded.guide.get(&topic.related[0]).unwrap();
    assert!(md.contains(&format!(
        "- `{}`: {}",
        first_related.id, first_related.title
    )));
    assert!(md.contains(&format!("]({})", topic.references[0].url)));
}

fn topic_file(id: &str, related: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\ntitle = \"Team topic {id}\"\nmodule = \"team\"\nquestion = \"How do we do {id}?\"\n\
         summary = \"Our team's rule for {id}, written in the guide's format.\"\nrelated = [{related}]\n\n\
         [[references]]\ntitle = \"Python\"\nurl = \"https://docs.python.org/3/\"\n+++\n\n## Answer\n\nDo it well.\n\n\
         ## Example\n\n### Bad\n\n```python\nbad = 1\n```\n\n### Good\n\n```python\ngood = 1\n```\n\n## Pitfalls\n\n- Forgetting.\n"
    )
}

#[test]
fn user_guides_load_and_broken_files_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("team/sub");
    fs::create_dir_all(&nested).unwrap();
    fs::write(
        nested.join("good.md"),
        topic_file("our-logging", "\"asyncio-gather\""),
    )
    .unwrap();
    fs::write(dir.path().join("README.md"), "# Not a topic\n").unwrap();
    fs::write(
        nested.join("REVIEW.md"),
        "# Review log\n\n| topic | claims checked |\n|---|---|\n| our-logging | 3 |\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("bad-toml.md"),
        topic_file("bad-toml", "").replace("title = \"Team", "title = Team"),
    )
    .unwrap();
    fs::write(
        dir.path().join("dangling.md"),
        topic_file("dangling", "\"no-such-topic\""),
    )
    .unwrap();
    fs::write(dir.path().join("dup.md"), topic_file("asyncio-gather", "")).unwrap();
    let mut latin1 = topic_file("latin", "").into_bytes();
    latin1.extend_from_slice(b"\ncaf\xe9\n");
    fs::write(dir.path().join("latin.md"), latin1).unwrap();

    let loaded = guide::load(&[dir.path().to_path_buf(), dir.path().join("missing")]);
    let builtin = guide::load_builtin().guide.len();
    assert_eq!(
        loaded.guide.len(),
        builtin + 1,
        "every built-in topic plus the good user topic"
    );
    assert_eq!(
        loaded.guide.get("our-logging").unwrap().origin,
        Origin::User
    );
    assert_eq!(
        loaded.guide.get("asyncio-gather").unwrap().origin,
        Origin::Builtin
    );

    let shown = |name: &str| dir.path().join(name).display().to_string();
    let errors: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
    let expect = [
        format!("{}:36: not valid UTF-8 (byte ", shown("latin.md")),
        format!("{}: cannot read guide folder: ", shown("missing")),
        format!("{}:3: invalid front matter: ", shown("bad-toml.md")),
        format!(
            "{}:2: duplicate id `asyncio-gather` (first defined at index/asyncio/asyncio-gather.md:2)",
            shown("dup.md")
        ),
        format!(
            "{}:7: `related` names unknown topic `no-such-topic`",
            shown("dangling.md")
        ),
    ];
    assert_eq!(errors.len(), expect.len(), "{errors:#?}");
    for want in &expect {
        assert!(
            errors.iter().any(|e| e.starts_with(want.as_str())),
            "no error starting with {want:?} in {errors:#?}"
        );
    }
}
