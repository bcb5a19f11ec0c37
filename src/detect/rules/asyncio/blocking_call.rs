//! PG206–PG209 `blocking-call-in-async`: a blocking call made directly in an
//! `async def`.
//!
//! **What it matches** (resolved through the file's imports, only when the
//! innermost enclosing function is `async def`), as broad as flake8-async's
//! ASYNC210–251:
//! - PG206 `time.sleep(...)`: **fix** (unsafe: other tasks now run during
//!   the pause) → `await asyncio.sleep(...)`, adding `import asyncio` when
//!   needed;
//! - PG207 network calls: `requests.*`, `httpx.get/post/...`, creating a
//!   synchronous `httpx.Client`, `urllib.request.urlopen`,
//!   `urllib3.request`, `http.client` connections, `socket` look-ups and
//!   connections (`create_connection`, `getaddrinfo`, `gethostbyname`, ...);
//! - PG208 processes: `subprocess.run/call/check_call/check_output/Popen/
//!   getoutput`, `os.system`, `os.popen`, `os.wait*`, `os.spawn*`;
//! - PG209 file and terminal I/O: the builtin `open(...)`, `io.open`,
//!   `input()`, `shutil` copies, moves and removals, `os` file operations
//!   (`remove`, `rename`, `replace`, `makedirs`, `listdir`, `scandir`,
//!   `walk`, ...), and `pathlib.Path` reads and writes (`read_text`,
//!   `write_bytes`, `open`, ...) on a `Path(...)` or a name the function
//!   assigned from one.
//!
//! **Why**: the event loop runs every task on one thread and switches only
//! at `await`. A blocking call freezes every other task until it returns
//! (event-loop starvation). Use the async equivalent (`asyncio.sleep`, an
//! async HTTP client, `asyncio.create_subprocess_exec`) or move the call to a
//! thread with `await asyncio.to_thread(...)`. Only `time.sleep` has a
//! mechanical fix.
//!
//! **References**: <https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::{Ctx, root_of};
use crate::detect::{Applicability, Edit, Finding, Fix, Rule, Severity};

pub(crate) static SLEEP: Rule = Rule {
    code: "PG206",
    construct: "blocking-call-in-async",
    severity: Severity::Warning,
    fixable: true,
    topic: "asyncio-event-loop",
    summary: "`time.sleep` in `async def` blocks the event loop; use `await asyncio.sleep`",
};

pub(crate) static HTTP: Rule = Rule {
    code: "PG207",
    construct: "blocking-call-in-async",
    severity: Severity::Warning,
    fixable: false,
    topic: "asyncio-event-loop",
    summary: "blocking HTTP call in `async def` stalls every task; use an async client or `asyncio.to_thread`",
};

pub(crate) static SUBPROCESS: Rule = Rule {
    code: "PG208",
    construct: "blocking-call-in-async",
    severity: Severity::Warning,
    fixable: false,
    topic: "asyncio-event-loop",
    summary: "blocking subprocess call in `async def`; use `asyncio.create_subprocess_exec` or `asyncio.to_thread`",
};

pub(crate) static OPEN: Rule = Rule {
    code: "PG209",
    construct: "blocking-call-in-async",
    severity: Severity::Warning,
    fixable: false,
    topic: "asyncio-event-loop",
    summary: "synchronous file I/O in `async def`; use `asyncio.to_thread` or an async file library",
};

const HTTP_CALLS: &[&str] = &[
    "requests.get",
    "requests.post",
    "requests.put",
    "requests.patch",
    "requests.delete",
    "requests.head",
    "requests.options",
    "requests.request",
    "httpx.get",
    "httpx.post",
    "httpx.put",
    "httpx.patch",
    "httpx.delete",
    "httpx.head",
    "httpx.options",
    "httpx.request",
    "httpx.stream",
    "httpx.Client",
    "urllib.request.urlopen",
    "urllib3.request",
    "http.client.HTTPConnection",
    "http.client.HTTPSConnection",
    "socket.create_connection",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyname_ex",
    "socket.gethostbyaddr",
    "socket.getfqdn",
];
const SUBPROCESS_CALLS: &[&str] = &[
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "os.system",
    "os.popen",
    "os.wait",
    "os.wait3",
    "os.wait4",
    "os.waitpid",
    "os.spawnl",
    "os.spawnle",
    "os.spawnlp",
    "os.spawnv",
    "os.spawnve",
    "os.spawnvp",
    "os.posix_spawn",
    "os.posix_spawnp",
];
const FILE_CALLS: &[&str] = &[
    "builtins.open",
    "io.open",
    "shutil.copy",
    "shutil.copy2",
    "shutil.copyfile",
    "shutil.copyfileobj",
    "shutil.copytree",
    "shutil.move",
    "shutil.rmtree",
    "shutil.make_archive",
    "shutil.unpack_archive",
    "os.remove",
    "os.unlink",
    "os.rename",
    "os.renames",
    "os.replace",
    "os.makedirs",
    "os.mkdir",
    "os.rmdir",
    "os.removedirs",
    "os.listdir",
    "os.scandir",
    "os.walk",
    "os.truncate",
];
/// `pathlib.Path` methods that read or write the file system.
const PATH_IO_METHODS: &[&str] = &[
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "open",
    "unlink",
    "rmdir",
    "mkdir",
    "rename",
    "replace",
    "touch",
    "iterdir",
    "glob",
    "rglob",
];

pub(crate) fn check<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut Vec<Finding>) {
    let Some(func) = call.child_by_field_id(field::FUNCTION) else {
        return;
    };
    let Some(name) = ctx.resolve(func) else {
        check_path_method(ctx, call, out);
        return;
    };
    let (rule, what) = match name.as_str() {
        "time.sleep" => (
            &SLEEP,
            "`time.sleep` blocks the event loop: no other task runs until it returns",
        ),
        n if HTTP_CALLS.contains(&n) => (
            &HTTP,
            "this HTTP call blocks the event loop until the response arrives",
        ),
        n if SUBPROCESS_CALLS.contains(&n) => (
            &SUBPROCESS,
            "this subprocess call blocks the event loop until the process exits",
        ),
        "builtins.open" | "io.open" => (
            &OPEN,
            "`open()` does synchronous file I/O on the event loop's thread",
        ),
        "builtins.input" => (
            &OPEN,
            "`input()` blocks the event loop until the user types a line",
        ),
        n if FILE_CALLS.contains(&n) => (
            &OPEN,
            "this file-system call does synchronous I/O on the event loop's thread",
        ),
        _ => return,
    };
    if !ctx.in_async_function(call) {
        return;
    }
    let fix = (rule.code == SLEEP.code).then(|| sleep_fix(ctx, call, func));
    let advice = match rule.code {
        "PG206" => "; use `await asyncio.sleep(...)`",
        "PG207" => {
            "; use an async client (httpx.AsyncClient, aiohttp) or `await asyncio.to_thread(...)`"
        }
        "PG208" => "; use `asyncio.create_subprocess_exec` or `await asyncio.to_thread(...)`",
        _ => "; use `await asyncio.to_thread(...)` or an async file library",
    };
    out.push(Finding {
        rule,
        range: call.byte_range(),
        message: format!("{what}{advice}"),
        fix,
    });
}

/// `Path(...).read_text()` and the like, or on a name assigned a
/// `Path(...)` in the same function.
fn check_path_method<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut Vec<Finding>) {
    let Some((receiver, method, _)) = ctx.method_call(call) else {
        return;
    };
    if !PATH_IO_METHODS.contains(&method) || !ctx.in_async_function(call) || !is_path(ctx, receiver)
    {
        return;
    }
    out.push(Finding {
        rule: &OPEN,
        range: call.byte_range(),
        message: format!(
            "`Path.{method}()` does synchronous file I/O on the event loop's thread; use `await asyncio.to_thread(...)` or an async file library"
        ),
        fix: None,
    });
}

/// A `pathlib.Path(...)` call, `Path(...) / "x"`, or a name the enclosing
/// function assigned from one (followed through at most two names, so
/// `p = p / "x"` ends).
fn is_path<'t>(ctx: &Ctx<'t>, expr: Node<'t>) -> bool {
    is_path_within(ctx, expr, 2)
}

fn is_path_within<'t>(ctx: &Ctx<'t>, expr: Node<'t>, names_left: u8) -> bool {
    let is_path_call = |n: Node| {
        n.kind_str() == "call"
            && n.child_by_field_id(field::FUNCTION)
                .and_then(|f| ctx.resolve(f))
                .is_some_and(|q| {
                    matches!(
                        q.as_str(),
                        "pathlib.Path" | "pathlib.PosixPath" | "pathlib.WindowsPath"
                    )
                })
    };
    match expr.kind_str() {
        "call" => is_path_call(expr),
        "parenthesized_expression" => expr
            .named_child(0)
            .is_some_and(|e| is_path_within(ctx, e, names_left)),
        "binary_operator" => expr
            .child_by_field_id(field::LEFT)
            .is_some_and(|l| is_path_within(ctx, l, names_left)),
        // Only inside a function: a module-level path is not blocking I/O
        // of this coroutine's making.
        "identifier" if names_left > 0 && ctx.enclosing_function(expr).is_some() => {
            ctx.assigns(expr, ctx.text(expr), |r| {
                is_path_within(ctx, r, names_left - 1)
            })
        }
        _ => false,
    }
}

fn sleep_fix(ctx: &Ctx, call: Node, func: Node) -> Fix {
    debug_assert_eq!(call.start_byte(), func.start_byte());
    let (spelling, import) = ctx.spelling_or_import(root_of(call), "asyncio", "sleep");
    let mut edits: Vec<Edit> = import.into_iter().collect();
    // `func` starts the call, so one edit both adds `await` and renames.
    edits.push(Edit {
        range: func.byte_range(),
        content: format!("await {spelling}"),
    });
    Fix {
        message: format!("Replace with `await {spelling}(...)`"),
        edits,
        applicability: Applicability::Unsafe,
    }
}
