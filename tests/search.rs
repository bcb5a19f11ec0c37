//! Search quality and behaviour over the shipped guide: a table of natural
//! queries with the topic each must find in its top 3, typos, identifiers,
//! prefixes, snippets, and the persisted cache for large guides.

use std::sync::{Arc, OnceLock};

use pyguide::guide::{self, Guide, Origin};
use pyguide::search::{IndexOptions, SearchIndex};

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let loaded = guide::load_builtin();
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        SearchIndex::build(Arc::new(loaded.guide)).expect("index builds")
    })
}

/// Asserts that `query` finds `expect` within the first `rank` hits.
fn check_rank(query: &str, expect: &str, rank: usize) -> Result<(), String> {
    let hits = index().search(query, rank).expect("search runs");
    if hits.iter().any(|h| h.id == expect) {
        Ok(())
    } else {
        let got: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
        Err(format!(
            "{query:?}: expected {expect} in top {rank}, got {got:?}"
        ))
    }
}

/// Runs a whole table and reports every failing row at once.
fn check_table(rows: &[(&str, &str)], rank: usize) {
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|(q, id)| check_rank(q, id, rank).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} queries failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[test]
fn natural_language_queries_find_their_topic_in_the_top_3() {
    check_table(
        &[
            ("diamond problem", "mro-c3-linearization"),
            ("method resolution order", "mro-c3-linearization"),
            ("too many queries in a loop", "n-plus-one-queries"),
            ("identity vs equality", "is-vs-equality"),
            ("x is None or x == None", "is-vs-equality"),
            ("global interpreter lock", "gil-and-free-threading"),
            (
                "can python threads run in parallel",
                "gil-and-free-threading",
            ),
            ("no-GIL build overhead", "free-threading-in-practice"),
            ("python3.13t", "free-threading-in-practice"),
            ("what does functools.wraps do", "decorators-under-the-hood"),
            ("decorator with arguments", "decorators-under-the-hood"),
            ("what is a decorator", "decorators-in-simple-terms"),
            ("yield vs return lazy iteration", "generators-vs-iterators"),
            ("StopIteration", "generators-vs-iterators"),
            ("blocking call freezes the event loop", "asyncio-event-loop"),
            ("time.sleep in async def", "asyncio-event-loop"),
            (
                "cpu bound work asyncio or processes",
                "async-vs-multiprocessing",
            ),
            ("run coroutines concurrently", "asyncio-gather"),
            ("return_exceptions", "asyncio-gather"),
            ("middleware order", "django-middleware-order"),
            ("process_view process_exception", "django-middleware-order"),
            (
                "JOIN vs separate query",
                "select-related-vs-prefetch-related",
            ),
            ("Prefetch to_attr", "select-related-vs-prefetch-related"),
            ("assertNumQueries", "n-plus-one-queries"),
            (
                "slow django queries only defer values",
                "django-query-performance",
            ),
            ("__eq__ and __hash__", "dunder-methods"),
            ("magic methods", "dunder-methods"),
            ("mutable default argument", "list-vs-tuple"),
            ("tuple immutable hashable", "list-vs-tuple"),
            ("why are dicts fast", "dict-internals"),
            ("hash table collisions", "dict-internals"),
            ("venv isolated packages", "virtual-environments"),
            ("csrf token with react", "csrf-xss-django-spa"),
            ("mark_safe XSS", "csrf-xss-django-spa"),
            ("content security policy", "csrf-xss-django-spa"),
            ("celery workers redis broker", "horizontal-scaling-celery"),
            ("scale django horizontally", "horizontal-scaling-celery"),
            ("sharding vs partitioning", "partitioning-vs-sharding"),
            ("database routers", "partitioning-vs-sharding"),
            ("memory leak reference counting", "memory-management"),
            ("tracemalloc", "memory-management"),
            ("cProfile", "profiling"),
            ("sampling profiler py-spy", "profiling"),
            ("write python extension in rust", "rust-extensions-pyo3"),
            ("maturin", "rust-extensions-pyo3"),
            ("dataclass or pydantic", "dataclass-vs-pydantic"),
            ("runtime validation", "dataclass-vs-pydantic"),
            ("src layout pyproject", "project-layout"),
            ("Protocol structural typing", "static-typing"),
            ("TypeGuard TypeIs narrowing", "static-typing"),
        ],
        3,
    );
}

#[test]
fn queries_for_the_neighbour_topics_find_them_in_the_top_3() {
    check_table(
        &[
            ("TaskGroup cancel on failure", "asyncio-taskgroup"),
            (
                "task garbage collected create_task",
                "asyncio-task-references",
            ),
            ("asyncio.timeout wait_for", "asyncio-cancellation-timeouts"),
            (
                "limit concurrent requests semaphore",
                "asyncio-semaphore-concurrency-limits",
            ),
            ("contextvars request id", "contextvars"),
            ("async with __aenter__", "async-context-managers-iterators"),
            ("run blocking code in thread", "asyncio-to-thread"),
            ("producer consumer queue", "asyncio-queues"),
            ("late binding lambda in loop", "closures-late-binding"),
            ("lru_cache on method memory leak", "functools-lru-cache"),
            ("with statement __exit__", "context-managers"),
            (
                "race condition counter threads lock",
                "threading-locks-race-conditions",
            ),
            ("except* ExceptionGroup", "exception-groups"),
            ("class body comprehension NameError", "comprehension-scope"),
            ("__slots__ memory", "slots"),
            ("descriptor __get__ property", "descriptors-and-property"),
            ("metaclass __init_subclass__", "metaclasses"),
            ("__new__ vs __init__", "new-vs-init"),
            ("abstractmethod ABC", "abstract-base-classes"),
            ("StrEnum auto", "enums"),
            ("TypeVar generic ParamSpec", "generics-and-typevar"),
            ("match case capture pattern", "structural-pattern-matching"),
            ("def f(x=[]) shared list", "mutable-default-arguments"),
            (
                "queryset evaluated lazily cache",
                "queryset-laziness-caching",
            ),
            ("F() race condition update", "f-expressions-race-conditions"),
            ("select_for_update row lock", "select-for-update"),
            ("transaction.atomic on_commit", "transaction-atomic"),
            ("bulk_create without save", "bulk-create-update"),
            ("exists() vs count()", "exists-vs-count"),
            ("annotate Count distinct", "annotate-aggregate"),
            ("post_save signal", "django-signals"),
            ("async views aget", "async-views-async-orm"),
            ("cache_page redis", "django-caching"),
            ("DRF nested serializer queries", "drf-serializer-n-plus-one"),
            ("CONN_MAX_AGE pool pgbouncer", "database-connection-pooling"),
            (
                "add column large table migration",
                "migrations-large-tables",
            ),
            ("db_index Meta.indexes", "django-database-indexes"),
            ("AUTH_USER_MODEL custom user", "custom-user-model"),
            ("sql injection raw extra", "sql-injection-raw-extra"),
            ("X-Frame-Options clickjacking", "clickjacking"),
            ("ALLOWED_HOSTS host header", "allowed-hosts-host-header"),
            ("rotate SECRET_KEY", "secret-key-management"),
            ("argon2 password hashers", "password-hashing"),
            ("check --deploy HSTS", "django-deployment-checklist"),
            (
                "celery retry idempotent acks_late",
                "celery-idempotency-retries",
            ),
            ("logger f-string getLogger", "logging-best-practices"),
            ("pytest fixture conftest", "pytest-fixtures"),
        ],
        3,
    );
}

#[test]
fn typos_still_find_their_topic() {
    check_table(
        &[
            ("prefetch_relatd", "select-related-vs-prefetch-related"),
            ("decoratr", "decorators-under-the-hood"),
            ("decoratr", "decorators-in-simple-terms"),
            ("middlewear order", "django-middleware-order"),
            ("asyncio.gahter", "asyncio-gather"),
            ("generater", "generators-vs-iterators"),
            ("pydantc", "dataclass-vs-pydantic"),
        ],
        3,
    );
}

#[test]
fn identifiers_match_whole_and_split() {
    for query in [
        "select_related",
        "select related",
        "Select Related",
        "prefetch_related",
        "prefetch related",
    ] {
        let hits = index().search(query, 1).unwrap();
        assert_eq!(hits[0].id, "select-related-vs-prefetch-related", "{query}");
    }
    check_table(
        &[
            ("functools.wraps", "decorators-under-the-hood"),
            ("sys._is_gil_enabled", "free-threading-in-practice"),
        ],
        3,
    );
}

#[test]
fn prefixes_match_as_you_type() {
    check_table(
        &[
            ("prefe", "select-related-vs-prefetch-related"),
            ("middlew", "django-middleware-order"),
            ("asyncio gath", "asyncio-gather"),
            ("tracemal", "memory-management"),
        ],
        3,
    );
}

#[test]
fn nothing_found_is_an_empty_list() {
    for query in ["", "   ", "?!", "xyzzyqwv", "zzzzzzzzzzzz"] {
        assert_eq!(index().search(query, 5).unwrap(), vec![], "{query:?}");
    }
    assert_eq!(index().search("gather", 0).unwrap(), vec![]);
}

#[test]
fn hits_are_best_first_with_highlighted_snippets() {
    let hits = index().search("gather return_exceptions", 5).unwrap();
    assert_eq!(hits[0].id, "asyncio-gather");
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(hits[0].snippet.contains("**"), "{}", hits[0].snippet);
    assert!(
        hits[0].snippet.chars().count() <= 200,
        "{}",
        hits[0].snippet
    );
    // A typo is highlighted through the word it was matched to.
    let hit = &index().search("decoratr", 1).unwrap()[0];
    assert!(
        hit.snippet.to_lowercase().contains("**decorator"),
        "{}",
        hit.snippet
    );
}

#[test]
fn limit_is_respected_and_results_are_unique() {
    let hits = index().search("python", 4).unwrap();
    assert_eq!(hits.len(), 4);
    let mut ids: Vec<_> = hits.iter().map(|h| h.id.clone()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 4);
}

/// A generated guide of `n` topics, each findable by its own word.
fn synthetic_guide(n: usize) -> Guide {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n {
        let text = format!(
            "+++\nid = \"topic-{i}\"\ntitle = \"Synthetic topic {i} about uniqueword{i}\"\nmodule = \"generated\"\n\
             question = \"What is uniqueword{i}?\"\nsummary = \"A generated topic used to exercise the persisted index cache.\"\n\
             [[references]]\ntitle = \"Python\"\nurl = \"https://docs.python.org/3/\"\n+++\n\n## Answer\n\nText {i}.\n\n\
             ## Example\n\n### Bad\n\n```python\nx = {i}\n```\n\n### Good\n\n```python\ny = {i}\n```\n\n## Pitfalls\n\n- None.\n"
        );
        std::fs::write(dir.path().join(format!("t{i}.md")), text).unwrap();
    }
    let loaded = guide::load_dir(dir.path());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert!(
        loaded
            .guide
            .topics()
            .iter()
            .all(|t| t.origin == Origin::User)
    );
    loaded.guide
}

#[test]
fn large_guides_are_persisted_and_reopened_from_the_cache() {
    let cache = tempfile::tempdir().unwrap();
    let options = IndexOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        persist_threshold: 50,
    };
    let guide = Arc::new(synthetic_guide(60));

    let first = SearchIndex::open(guide.clone(), &options).unwrap();
    assert!(!first.from_cache());
    assert_eq!(first.search("uniqueword42", 1).unwrap()[0].id, "topic-42");
    drop(first);

    let second = SearchIndex::open(guide.clone(), &options).unwrap();
    assert!(second.from_cache(), "the second open reuses the cache");
    assert_eq!(second.search("uniqueword17", 1).unwrap()[0].id, "topic-17");
    assert_eq!(
        second.search("uniquewrd17", 1).unwrap()[0].id,
        "topic-17",
        "fuzzy works on a reopened index"
    );

    // A different guide gets its own entry; a corrupt entry is rebuilt, not fatal.
    let other = Arc::new(synthetic_guide(55));
    assert!(!SearchIndex::open(other, &options).unwrap().from_cache());
    let base = std::fs::read_dir(cache.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    for entry in std::fs::read_dir(&base).unwrap() {
        let dir = entry.unwrap().path();
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if file.file_name().unwrap() == "meta.json" {
                std::fs::write(&file, "{ not json").unwrap();
            }
        }
    }
    let rebuilt = SearchIndex::open(guide.clone(), &options).unwrap();
    assert!(!rebuilt.from_cache());
    assert_eq!(rebuilt.search("uniqueword3", 1).unwrap()[0].id, "topic-3");

    // Small guides never touch the cache.
    let small = IndexOptions {
        cache_dir: Some(cache.path().join("unused")),
        persist_threshold: 1000,
    };
    SearchIndex::open(guide, &small).unwrap();
    assert!(!cache.path().join("unused").exists());
}
