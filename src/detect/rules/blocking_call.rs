//! PG206–PG209 `blocking-call-in-async`: a blocking call made directly in an
//! `async def`.
//!
//! **What it matches** (resolved through the file's imports, only when the
//! innermost enclosing function is `async def`):
//! - PG206 `time.sleep(...)`: **fix** → `await asyncio.sleep(...)`, adding
//!   `import asyncio` when needed;
//! - PG207 `requests.get/post/put/patch/delete/head/options/request(...)`,
//!   `httpx.get/post/...` and `urllib.request.urlopen(...)`;
//! - PG208 `subprocess.run/call/check_call/check_output(...)`, `os.system(...)`;
//! - PG209 the builtin `open(...)`.
//!
//! **Why**: the event loop runs every task on one thread and switches only
//! at `await`. A blocking call freezes every other task until it returns
//! (event-loop starvation). Use the async equivalent (`asyncio.sleep`, an
//! async HTTP client, `asyncio.create_subprocess_exec`) or move the call to a
//! thread with `await asyncio.to_thread(...)`. Only `time.sleep` has a
//! mechanical fix.
//!
//! **References**: <https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code>

use tree_sitter::Node;

use crate::detect::context::{Ctx, root_of};
use crate::detect::{Edit, Finding, Fix, Rule, Severity};

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
    "urllib.request.urlopen",
];
const SUBPROCESS_CALLS: &[&str] = &[
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "os.system",
];

pub(crate) fn check(ctx: &Ctx, call: Node, out: &mut Vec<Finding>) {
    let Some(func) = call.child_by_field_name("function") else {
        return;
    };
    let Some(name) = ctx.resolve(func) else {
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
        "builtins.open" => (
            &OPEN,
            "`open()` does synchronous file I/O on the event loop's thread",
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
    }
}
