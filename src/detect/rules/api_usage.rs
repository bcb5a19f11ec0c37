//! Educational hints (and a few warnings) for well-known APIs, recognised by
//! qualified name through the file's imports: `aio.gather(...)` is
//! `asyncio.gather`, a local function named `gather` is not.
//!
//! One table row per rule: the rule and the qualified names that trigger it.
//! A name used as a call reports the whole call; used otherwise (a base
//! class, an annotation, a decorator) it reports the name itself.
//!
//! **References**: each rule's topic cites the official documentation.

use std::collections::HashSet;
use std::sync::LazyLock;

use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

macro_rules! hint {
    ($name:ident, $code:literal, $construct:literal, $topic:literal, $summary:literal) => {
        pub(crate) static $name: Rule = Rule {
            code: $code,
            construct: $construct,
            severity: Severity::Hint,
            fixable: false,
            topic: $topic,
            summary: $summary,
        };
    };
}

hint!(
    GATHER,
    "PG201",
    "asyncio-gather",
    "asyncio-gather",
    "`asyncio.gather`: runs awaitables concurrently; the first error propagates but does not cancel the others"
);
hint!(
    RUN,
    "PG202",
    "asyncio-run",
    "asyncio-event-loop",
    "`asyncio.run`: creates an event loop, runs the coroutine to completion, closes the loop"
);
hint!(
    TASK_GROUP,
    "PG204",
    "task-group",
    "asyncio-taskgroup",
    "`asyncio.TaskGroup`: structured concurrency; the first failure cancels the other tasks"
);
hint!(
    CREATE_TASK,
    "PG210",
    "create-task",
    "asyncio-task-references",
    "`asyncio.create_task`: schedules a coroutine; keep a reference to the task"
);
hint!(
    THREAD,
    "PG301",
    "threading-thread",
    "gil-and-free-threading",
    "`threading.Thread`: threads overlap I/O, but the GIL serialises CPU-bound Python code"
);
hint!(
    THREAD_POOL,
    "PG302",
    "thread-pool-executor",
    "gil-and-free-threading",
    "`ThreadPoolExecutor`: good for blocking I/O; CPU-bound Python work is limited by the GIL"
);
hint!(
    MP_POOL,
    "PG303",
    "multiprocessing-pool",
    "async-vs-multiprocessing",
    "`multiprocessing.Pool`: parallel CPU work in processes; arguments and results are pickled"
);
hint!(
    MP_PROCESS,
    "PG304",
    "multiprocessing-process",
    "async-vs-multiprocessing",
    "`multiprocessing.Process`: a separate interpreter with its own GIL and memory"
);
hint!(
    PROCESS_POOL,
    "PG305",
    "process-pool-executor",
    "async-vs-multiprocessing",
    "`ProcessPoolExecutor`: CPU-bound work across processes; pays start-up and pickling costs"
);
hint!(
    GIL_ENABLED,
    "PG306",
    "sys-is-gil-enabled",
    "free-threading-in-practice",
    "`sys._is_gil_enabled()`: whether this interpreter currently runs with the GIL (3.13+)"
);
hint!(
    SUPER,
    "PG502",
    "super-call",
    "mro-c3-linearization",
    "`super()`: the next class in the instance's MRO, not simply the parent"
);
hint!(
    DATACLASS,
    "PG801",
    "dataclass",
    "dataclass-vs-pydantic",
    "`@dataclass`: generated __init__/__repr__/__eq__, no runtime validation"
);
hint!(
    PYDANTIC,
    "PG802",
    "pydantic-model",
    "dataclass-vs-pydantic",
    "pydantic `BaseModel`: validates and converts data at runtime"
);
hint!(
    CPROFILE,
    "PG803",
    "cprofile",
    "profiling",
    "`cProfile`: deterministic profiler; every call is counted, with overhead"
);
hint!(
    PSTATS,
    "PG804",
    "pstats",
    "profiling",
    "`pstats`: sorts and prints cProfile results"
);
hint!(
    TRACEMALLOC,
    "PG805",
    "tracemalloc",
    "memory-management",
    "`tracemalloc`: traces where memory was allocated; compare snapshots to find leaks"
);
hint!(
    GC,
    "PG806",
    "gc-usage",
    "memory-management",
    "`gc`: the cycle collector; reference counting frees everything else"
);
hint!(
    WEAKREF,
    "PG807",
    "weakref",
    "memory-management",
    "`weakref`: references that don't keep objects alive (caches, back-references)"
);
hint!(
    PROTOCOL,
    "PG808",
    "typing-protocol",
    "static-typing",
    "`Protocol`: structural typing; any class with the right methods matches"
);
hint!(
    TYPE_GUARD,
    "PG809",
    "type-guard",
    "static-typing",
    "`TypeGuard` / `TypeIs`: user-defined type narrowing functions"
);

/// Each rule with the qualified names that trigger it.
static TABLE: &[(&Rule, &[&str])] = &[
    (&GATHER, &["asyncio.gather"]),
    (&RUN, &["asyncio.run"]),
    (&TASK_GROUP, &["asyncio.TaskGroup"]),
    (
        &CREATE_TASK,
        &["asyncio.create_task", "asyncio.ensure_future"],
    ),
    (&THREAD, &["threading.Thread"]),
    (
        &THREAD_POOL,
        &[
            "concurrent.futures.ThreadPoolExecutor",
            "concurrent.futures.thread.ThreadPoolExecutor",
        ],
    ),
    (
        &MP_POOL,
        &["multiprocessing.Pool", "multiprocessing.pool.Pool"],
    ),
    (&MP_PROCESS, &["multiprocessing.Process"]),
    (
        &PROCESS_POOL,
        &[
            "concurrent.futures.ProcessPoolExecutor",
            "concurrent.futures.process.ProcessPoolExecutor",
        ],
    ),
    (&GIL_ENABLED, &["sys._is_gil_enabled"]),
    (&SUPER, &["builtins.super"]),
    (&DATACLASS, &["dataclasses.dataclass"]),
    (
        &PYDANTIC,
        &["pydantic.BaseModel", "pydantic.main.BaseModel"],
    ),
    (
        &CPROFILE,
        &["cProfile.Profile", "cProfile.run", "cProfile.runctx"],
    ),
    (&PSTATS, &["pstats.Stats"]),
    (
        &TRACEMALLOC,
        &[
            "tracemalloc.start",
            "tracemalloc.take_snapshot",
            "tracemalloc.get_traced_memory",
        ],
    ),
    (
        &GC,
        &["gc.collect", "gc.disable", "gc.freeze", "gc.get_referrers"],
    ),
    (
        &WEAKREF,
        &[
            "weakref.ref",
            "weakref.proxy",
            "weakref.finalize",
            "weakref.WeakSet",
            "weakref.WeakKeyDictionary",
            "weakref.WeakValueDictionary",
            "weakref.WeakMethod",
        ],
    ),
    (
        &PROTOCOL,
        &["typing.Protocol", "typing_extensions.Protocol"],
    ),
    (
        &TYPE_GUARD,
        &[
            "typing.TypeGuard",
            "typing.TypeIs",
            "typing_extensions.TypeGuard",
            "typing_extensions.TypeIs",
        ],
    ),
];

pub(crate) fn rules() -> impl Iterator<Item = &'static Rule> {
    TABLE.iter().map(|(r, _)| *r)
}

/// Every name table: this file's and the Django one (`django_api.rs`).
fn tables() -> [&'static [(&'static Rule, &'static [&'static str])]; 2] {
    [TABLE, super::django_api::TABLE]
}

/// Last segments of every name in the tables (`gather`, `Thread`...): an
/// attribute whose name is not one of them is not resolved at all.
static LAST_SEGMENTS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    tables()
        .into_iter()
        .flatten()
        .flat_map(|(_, names)| names.iter())
        .filter_map(|n| n.rsplit('.').next())
        .collect()
});

/// `node` is an `identifier` or `attribute`, `parent` its parent: reported
/// when it is a whole dotted name that resolves to a qualified name of a
/// table row.
pub(crate) fn check(ctx: &Ctx, node: Node, parent: Node, out: &mut Vec<Finding>) {
    if node.kind() == "attribute"
        && !node
            .child_by_field_name("attribute")
            .is_some_and(|a| LAST_SEGMENTS.contains(ctx.text(a)))
    {
        return;
    }
    // Only whole dotted names (`aio.gather`, not its `aio` part), and never
    // inside import statements or as a keyword-argument name.
    let is_part = match parent.kind() {
        "attribute" => parent.child_by_field_name("object") == Some(node),
        "dotted_name" | "aliased_import" | "import_from_statement" | "import_statement" => true,
        "keyword_argument" => parent.child_by_field_name("name") == Some(node),
        _ => false,
    };
    if is_part
        || (parent.kind() == "attribute" && parent.child_by_field_name("attribute") == Some(node))
    {
        return;
    }
    let Some(name) = ctx.resolve(node) else {
        return;
    };
    let Some((rule, _)) = tables()
        .into_iter()
        .flatten()
        .find(|(_, names)| names.contains(&name.as_str()))
    else {
        return;
    };
    let range = if parent.kind() == "call" && parent.child_by_field_name("function") == Some(node) {
        parent.byte_range()
    } else {
        node.byte_range()
    };
    out.push(Finding {
        rule,
        range,
        message: rule.summary.to_string(),
        fix: None,
    });
}
