//! Educational hints (and a few warnings) for well-known APIs, recognised by
//! qualified name through the file's imports: `aio.gather(...)` is
//! `asyncio.gather`, a local function named `gather` is not.
//!
//! One table row per rule: the rule and the qualified names that trigger it.
//! A name used as a call reports the whole call; used otherwise (a base
//! class, an annotation, a decorator) it reports the name itself.
//!
//! **References**: each rule's topic cites the official documentation.

use crate::detect::syntax::{NodeExt, field};
use crate::text::code_span;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule};

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

// Context managers, exceptions, caching, threads.
hint!(
    CONTEXTMANAGER,
    "PG112",
    "contextmanager-decorator",
    "context-managers",
    "`@contextmanager`: a generator becomes a context manager; wrap its single `yield` in try/finally"
);
hint!(
    EXIT_STACK,
    "PG113",
    "exit-stack",
    "context-managers",
    "`ExitStack`: enters a dynamic number of context managers and exits them in reverse order"
);
hint!(
    EXCEPTION_GROUP,
    "PG115",
    "exception-group",
    "exception-groups",
    "`ExceptionGroup`: several unrelated exceptions raised together; handle them with `except*` (3.11+)"
);
hint!(
    LRU_CACHE,
    "PG117",
    "lru-cache-decorator",
    "functools-lru-cache",
    "`lru_cache` / `cache`: memoizes by (hashable) arguments; the cache keeps every key and result alive"
);
hint!(
    THREADING_LOCK,
    "PG307",
    "threading-lock",
    "threading-locks-race-conditions",
    "`threading.Lock`: guards a check-then-act or read-modify-write sequence; the GIL doesn't"
);
hint!(
    QUEUE_QUEUE,
    "PG308",
    "queue-queue",
    "threading-locks-race-conditions",
    "`queue.Queue`: thread-safe hand-off between threads, with blocking `get`/`put` and `task_done`/`join`"
);
hint!(
    THREADING_LOCAL,
    "PG309",
    "threading-local",
    "contextvars",
    "`threading.local`: per-thread values; every asyncio task on a loop shares one thread, so use `ContextVar` there"
);

// asyncio beyond gather.
hint!(
    ASYNCIO_TIMEOUT,
    "PG211",
    "asyncio-timeout",
    "asyncio-cancellation-timeouts",
    "`asyncio.timeout`: cancels the block at the deadline and raises `TimeoutError` outside it (3.11+)"
);
hint!(
    WAIT_FOR,
    "PG212",
    "asyncio-wait-for",
    "asyncio-cancellation-timeouts",
    "`asyncio.wait_for`: awaits with a timeout, cancelling the awaitable when it expires"
);
hint!(
    SHIELD,
    "PG213",
    "asyncio-shield",
    "asyncio-cancellation-timeouts",
    "`asyncio.shield`: protects the inner task from cancellation; the awaiting caller is still cancelled"
);
hint!(
    ASYNCIO_QUEUE,
    "PG215",
    "asyncio-queue",
    "asyncio-queues",
    "`asyncio.Queue`: producer/consumer tasks on one loop; `maxsize` gives backpressure, `task_done`/`join` track work"
);
hint!(
    SEMAPHORE,
    "PG216",
    "asyncio-semaphore",
    "asyncio-semaphore-concurrency-limits",
    "`asyncio.Semaphore`: caps how many coroutines are inside `async with sem:` at once"
);
hint!(
    TO_THREAD,
    "PG217",
    "asyncio-to-thread",
    "asyncio-to-thread",
    "`asyncio.to_thread`: runs a blocking function in the default thread pool without blocking the loop"
);
hint!(
    CONTEXT_VAR,
    "PG219",
    "context-var",
    "contextvars",
    "`ContextVar`: a value per execution context; each asyncio task works on a copy of its creator's context"
);
hint!(
    COPY_CONTEXT,
    "PG220",
    "copy-context",
    "contextvars",
    "`copy_context()`: a snapshot of the current context, to run a callable in with `ctx.run(...)`"
);
hint!(
    ASYNC_CONTEXTMANAGER,
    "PG221",
    "asynccontextmanager-decorator",
    "async-context-managers-iterators",
    "`@asynccontextmanager`: an async generator becomes an `async with` context manager"
);
hint!(
    ACLOSING,
    "PG222",
    "aclosing",
    "async-context-managers-iterators",
    "`aclosing()`: closes an async generator when the block exits, so its cleanup runs now (3.10+)"
);

// Classes: properties, ABCs, enums, generics.
hint!(
    PROPERTY,
    "PG508",
    "property-decorator",
    "descriptors-and-property",
    "`property`: a data descriptor; attribute access calls its getter/setter and wins over the instance `__dict__`"
);
hint!(
    CACHED_PROPERTY,
    "PG509",
    "cached-property",
    "descriptors-and-property",
    "`cached_property`: a non-data descriptor; computes once, then the value in the instance `__dict__` wins"
);
hint!(
    ABC_BASE,
    "PG515",
    "abc-base",
    "abstract-base-classes",
    "`ABC` / `ABCMeta`: the class can't be instantiated while an `@abstractmethod` is unimplemented"
);
hint!(
    ABSTRACT_METHOD,
    "PG516",
    "abc-abstractmethod",
    "abstract-base-classes",
    "`@abstractmethod`: subclasses must override it before they can be instantiated (needs `ABCMeta`)"
);
hint!(
    ENUM_CLASS,
    "PG517",
    "enum-class",
    "enums",
    "`Enum`: members are singletons; a plain `Enum` member never equals its raw value"
);
hint!(
    STR_ENUM,
    "PG518",
    "str-enum-mixin",
    "enums",
    "`StrEnum` / `(str, Enum)`: members are strings; only `StrEnum` formats as its value in f-strings (3.11+)"
);
hint!(
    ENUM_AUTO,
    "PG519",
    "enum-auto",
    "enums",
    "`auto()`: generated member values (1, 2, 3...; lower-cased names for `StrEnum`; powers of two for `Flag`)"
);
hint!(
    TYPEVAR,
    "PG520",
    "typevar-definition",
    "generics-and-typevar",
    "`TypeVar`: links types across a signature; 3.12+ can write `def f[T](...)` instead"
);
hint!(
    GENERIC_BASE,
    "PG521",
    "generic-base",
    "generics-and-typevar",
    "`Generic[T]`: a generic class before 3.12; 3.12+ writes `class Box[T]:`"
);
hint!(
    PARAMSPEC,
    "PG522",
    "paramspec",
    "generics-and-typevar",
    "`ParamSpec`: captures a callable's parameters, so a decorator's type keeps the signature (3.10+)"
);

// Logging and pytest.
hint!(
    GET_LOGGER,
    "PG810",
    "logging-getlogger",
    "logging-best-practices",
    "`logging.getLogger`: one logger per module, `getLogger(__name__)`, configured once at the entry point"
);
hint!(
    LOGGING_ROOT,
    "PG812",
    "logging-root-call",
    "logging-best-practices",
    "module-level `logging.info(...)` logs through the root logger (and configures it if unset); use a named logger"
);
hint!(
    LOGGING_CONFIG,
    "PG813",
    "logging-config",
    "logging-best-practices",
    "logging configuration: do it once, at the program's entry point, not in library modules"
);
hint!(
    PYTEST_FIXTURE,
    "PG815",
    "pytest-fixture",
    "pytest-fixtures",
    "`@pytest.fixture`: tests request it by parameter name; code after `yield` is teardown"
);
hint!(
    PYTEST_PARAMETRIZE,
    "PG816",
    "pytest-parametrize",
    "pytest-fixtures",
    "`@pytest.mark.parametrize`: one test, run once per row of arguments"
);

/// Each rule with the qualified names that trigger it.
pub(crate) static TABLE: &[(&Rule, &[&str])] = &[
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
    // Context managers, exceptions, caching, threads.
    (&CONTEXTMANAGER, &["contextlib.contextmanager"]),
    (
        &EXIT_STACK,
        &["contextlib.ExitStack", "contextlib.AsyncExitStack"],
    ),
    (
        &EXCEPTION_GROUP,
        &["builtins.ExceptionGroup", "builtins.BaseExceptionGroup"],
    ),
    (&LRU_CACHE, &["functools.lru_cache", "functools.cache"]),
    (&THREADING_LOCK, &["threading.Lock", "threading.RLock"]),
    (
        &QUEUE_QUEUE,
        &[
            "queue.Queue",
            "queue.LifoQueue",
            "queue.PriorityQueue",
            "queue.SimpleQueue",
        ],
    ),
    (&THREADING_LOCAL, &["threading.local"]),
    // asyncio beyond gather.
    (&ASYNCIO_TIMEOUT, &["asyncio.timeout", "asyncio.timeout_at"]),
    (&WAIT_FOR, &["asyncio.wait_for"]),
    (&SHIELD, &["asyncio.shield"]),
    (
        &ASYNCIO_QUEUE,
        &[
            "asyncio.Queue",
            "asyncio.PriorityQueue",
            "asyncio.LifoQueue",
        ],
    ),
    (
        &SEMAPHORE,
        &["asyncio.Semaphore", "asyncio.BoundedSemaphore"],
    ),
    (&TO_THREAD, &["asyncio.to_thread"]),
    (&CONTEXT_VAR, &["contextvars.ContextVar"]),
    (&COPY_CONTEXT, &["contextvars.copy_context"]),
    (&ASYNC_CONTEXTMANAGER, &["contextlib.asynccontextmanager"]),
    (&ACLOSING, &["contextlib.aclosing"]),
    // Classes: properties, ABCs, enums, generics.
    (&PROPERTY, &["builtins.property"]),
    (&CACHED_PROPERTY, &["functools.cached_property"]),
    (&ABC_BASE, &["abc.ABC", "abc.ABCMeta"]),
    (
        &ABSTRACT_METHOD,
        &[
            "abc.abstractmethod",
            "abc.abstractproperty",
            "abc.abstractclassmethod",
            "abc.abstractstaticmethod",
        ],
    ),
    (
        &ENUM_CLASS,
        &["enum.Enum", "enum.IntEnum", "enum.Flag", "enum.IntFlag"],
    ),
    (&STR_ENUM, &["enum.StrEnum"]),
    (&ENUM_AUTO, &["enum.auto"]),
    (
        &TYPEVAR,
        &[
            "typing.TypeVar",
            "typing.TypeVarTuple",
            "typing_extensions.TypeVar",
            "typing_extensions.TypeVarTuple",
        ],
    ),
    (
        &GENERIC_BASE,
        &["typing.Generic", "typing_extensions.Generic"],
    ),
    (
        &PARAMSPEC,
        &["typing.ParamSpec", "typing_extensions.ParamSpec"],
    ),
    // Logging and pytest.
    (&GET_LOGGER, &["logging.getLogger"]),
    (
        &LOGGING_ROOT,
        &[
            "logging.debug",
            "logging.info",
            "logging.warning",
            "logging.warn",
            "logging.error",
            "logging.exception",
            "logging.critical",
            "logging.fatal",
            "logging.log",
        ],
    ),
    (
        &LOGGING_CONFIG,
        &[
            "logging.basicConfig",
            "logging.config.dictConfig",
            "logging.config.fileConfig",
        ],
    ),
    (&PYTEST_FIXTURE, &["pytest.fixture"]),
    (&PYTEST_PARAMETRIZE, &["pytest.mark.parametrize"]),
];

/// The table indexed by qualified name (the first row naming it wins).
static BY_NAME: LazyLock<HashMap<&'static str, &'static Rule>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for (rule, names) in tables().into_iter().flatten() {
        for name in *names {
            map.entry(*name).or_insert(*rule);
        }
    }
    map
});

pub(crate) fn rules() -> impl Iterator<Item = &'static Rule> {
    TABLE.iter().map(|(r, _)| *r)
}

/// Every name table: this file's and the Django one (`django_api.rs`).
fn tables() -> [&'static [(&'static Rule, &'static [&'static str])]; 2] {
    [TABLE, crate::detect::rules::django_web::django_api::TABLE]
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
    if node.kind_str() == "attribute"
        && !node
            .child_by_field_id(field::ATTRIBUTE)
            .is_some_and(|a| LAST_SEGMENTS.contains(ctx.text(a)))
    {
        return;
    }
    // Only whole dotted names (`aio.gather`, not its `aio` part), and never
    // inside import statements or as a keyword-argument name.
    let is_part = match parent.kind_str() {
        "attribute" => parent.child_by_field_id(field::OBJECT) == Some(node),
        "dotted_name" | "aliased_import" | "import_from_statement" | "import_statement" => true,
        "keyword_argument" => parent.child_by_field_id(field::NAME) == Some(node),
        _ => false,
    };
    if is_part
        || (parent.kind_str() == "attribute"
            && parent.child_by_field_id(field::ATTRIBUTE) == Some(node))
    {
        return;
    }
    let Some(name) = ctx.resolve(node) else {
        return;
    };
    let Some(rule) = BY_NAME.get(name.as_str()).copied() else {
        return;
    };
    let call = (parent.kind_str() == "call"
        && parent.child_by_field_id(field::FUNCTION) == Some(node))
    .then_some(parent);
    if std::ptr::eq(
        rule,
        &crate::detect::rules::django_web::django_api::CSRF_EXEMPT,
    ) {
        out.push(crate::detect::rules::django_web::csrf_exempt::finding(
            ctx,
            call.unwrap_or(node),
            parent,
        ));
        return;
    }
    let message = call
        .and_then(|c| specific_message(ctx, rule, c))
        .unwrap_or_else(|| rule.summary.to_string());
    out.push(Finding {
        rule,
        range: call.unwrap_or(node).byte_range(),
        message,
        fix: None,
    });
}

/// A message about this very call, for the rules that have one.
fn specific_message(ctx: &Ctx, rule: &Rule, call: Node) -> Option<String> {
    let args = call
        .child_by_field_id(field::ARGUMENTS)
        .filter(|a| a.kind_str() == "argument_list")?;
    match rule.code {
        "PG201" => Some(gather_message(ctx, args)),
        _ => None,
    }
}

/// `asyncio.gather(a(), b(), return_exceptions=True)`: how many awaitables
/// it runs and what happens when one fails.
fn gather_message(ctx: &Ctx, args: Node) -> String {
    let mut c = args.walk();
    let mut count = 0;
    let mut splat = false;
    let mut return_exceptions = None;
    for arg in args.named_children(&mut c) {
        match arg.kind_str() {
            "keyword_argument" => {
                if arg
                    .child_by_field_id(field::NAME)
                    .is_some_and(|n| ctx.text(n) == "return_exceptions")
                {
                    return_exceptions = arg.child_by_field_id(field::VALUE).map(|v| ctx.text(v));
                }
            }
            "list_splat" => splat = true,
            "comment" | "dictionary_splat" => {}
            _ => count += 1,
        }
    }
    let what = match (count, splat) {
        (_, true) => "gathers the unpacked awaitables".to_string(),
        (1, false) => "gathers 1 awaitable".to_string(),
        (n, false) => format!("gathers {n} awaitables"),
    };
    match return_exceptions {
        Some("True") => format!(
            "{what} concurrently; with `return_exceptions=True` exceptions are returned in the result list, in argument order, so check each result"
        ),
        Some("False") | None => format!(
            "{what} concurrently; without `return_exceptions=True` the first exception propagates here and the other awaitables keep running (they are not cancelled)"
        ),
        Some(v) => format!(
            "{what} concurrently; when {} is true exceptions are returned in the result list, otherwise the first one propagates and the others keep running",
            code_span(v)
        ),
    }
}
