//! PG750–PG756 Celery tasks: definitions, enqueueing, retries, late acks,
//! and `.delay()` inside a database transaction.
//!
//! **What it matches**, after learning from the whole file which names are
//! Celery apps and tasks:
//! - apps: a module-level `app = Celery(...)` (`celery.Celery`, any import
//!   spelling), or a name imported from a project module called `celery`
//!   (`from proj.celery import app`, `from .celery import app`);
//! - tasks: functions decorated with `@shared_task` / `@shared_task(...)` or
//!   `@<app>.task` / `@<app>.task(...)`, and names imported from a module
//!   called `tasks` (`from .tasks import send_email`);
//!
//! then:
//! - PG750 `celery-task` (hint): the task decorator;
//! - PG751 `celery-delay` (hint): `<task>.delay(...)`,
//!   `.apply_async(...)`, `.delay_on_commit(...)`,
//!   `.apply_async_on_commit(...)` on a known task, also
//!   `tasks.<name>.delay(...)` on an imported `tasks` module;
//! - PG752 `celery-retry` (hint): `self.retry(...)` in a `bind=True` task;
//! - PG753 `celery-autoretry` (hint): `autoretry_for=` in the decorator;
//! - PG754 `celery-autoretry` (**warning**): `autoretry_for` listing
//!   `Exception` or `BaseException`, which retries bugs and bad input too;
//! - PG755 `celery-acks-late` (hint): `acks_late=True`;
//! - PG756 `delay-on-commit` (**warning**): `.delay()` / `.apply_async()`
//!   of a known task inside `with transaction.atomic():` or a function
//!   decorated with `@transaction.atomic`, in the same function: the worker
//!   can pick the task up before the transaction commits (the row is not
//!   there yet) or after it rolled back. Use `transaction.on_commit(lambda:
//!   task.delay(...))` or Celery 5.4's `task.delay_on_commit(...)`.
//!
//! **Not reported**: `.delay`/`.apply_async` on anything not known to be a
//! task (`pool.apply_async(f)` of `multiprocessing` is not Celery), calls
//! inside a `lambda` or nested `def` (that is how `on_commit` defers them).
//!
//! **References**: <https://docs.celeryq.dev/en/stable/userguide/tasks.html>,
//! <https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html>,
//! <https://docs.djangoproject.com/en/5.2/topics/db/transactions/#performing-actions-after-commit>

use crate::detect::syntax::{NodeExt, field};
use crate::text::code_span;
use std::collections::HashSet;

use tree_sitter::Node;

use crate::detect::context::{Ctx, visit_own};
use crate::detect::{Finding, Lib, Rule};

rule!(
    TASK,
    "PG750",
    Hint,
    "celery-task",
    "celery-idempotency-retries",
    "Celery task: delivery is at-least-once, so the task may run twice; make it idempotent and pass ids, not objects"
);
rule!(
    DELAY,
    "PG751",
    Hint,
    "celery-delay",
    "horizontal-scaling-celery",
    "task enqueued: a worker runs it later, in another process; arguments are serialized"
);
rule!(
    RETRY,
    "PG752",
    Hint,
    "celery-retry",
    "celery-idempotency-retries",
    "`self.retry()`: raises to re-queue the task; retry only transient errors, with a countdown and bounded `max_retries`"
);
rule!(
    AUTORETRY,
    "PG753",
    Hint,
    "celery-autoretry",
    "celery-idempotency-retries",
    "`autoretry_for`: automatic retries; pair with `retry_backoff` and a bounded `max_retries`"
);
rule!(
    AUTORETRY_BROAD,
    "PG754",
    Warning,
    "celery-autoretry",
    "celery-idempotency-retries",
    "`autoretry_for=(Exception,)` retries bugs and bad input too; list the transient errors (timeouts, connection errors)"
);
rule!(
    ACKS_LATE,
    "PG755",
    Hint,
    "celery-acks-late",
    "celery-idempotency-retries",
    "`acks_late=True`: a crashed worker's task is redelivered, so it can run twice; it must be idempotent"
);
rule!(
    DELAY_IN_ATOMIC,
    "PG756",
    Warning,
    "delay-on-commit",
    "celery-idempotency-retries",
    "task enqueued inside `transaction.atomic`: it can run before the commit or after a rollback; use `transaction.on_commit` / `delay_on_commit`"
);

pub(crate) fn rules() -> impl Iterator<Item = &'static Rule> {
    [
        &TASK,
        &DELAY,
        &RETRY,
        &AUTORETRY,
        &AUTORETRY_BROAD,
        &ACKS_LATE,
        &DELAY_IN_ATOMIC,
    ]
    .into_iter()
}

const ENQUEUE: &[&str] = &[
    "delay",
    "apply_async",
    "delay_on_commit",
    "apply_async_on_commit",
];

/// What the file says about Celery.
#[derive(Default)]
struct Facts<'a> {
    /// Local names of Celery app instances.
    apps: HashSet<&'a str>,
    /// Local names of tasks (defined or imported).
    tasks: HashSet<&'a str>,
    /// Local names bound to a `tasks` module (`from app import tasks`).
    task_modules: HashSet<&'a str>,
}

/// `module` is the tree's root: one walk to learn, one to report, both only
/// in files that mention "task".
pub(crate) fn check<'a>(ctx: &Ctx<'a>, module: Node<'a>, out: &mut Vec<Finding>) {
    // Celery apps, `shared_task`, or tasks imported from a `tasks` module;
    // not just any file that says "task" (asyncio code does).
    if ![
        "celery",
        "Celery",
        "shared_task",
        "tasks import",
        "import tasks",
    ]
    .iter()
    .any(|w| ctx.mentions(w))
    {
        return;
    }
    let facts = learn(ctx, module);
    if facts.apps.is_empty() && facts.tasks.is_empty() && facts.task_modules.is_empty() {
        return;
    }
    crate::python::walk(module, |node| {
        match node.kind_str() {
            "decorator" => check_decorator(ctx, &facts, node, out),
            "call" => check_enqueue(ctx, &facts, node, out),
            _ => {}
        }
        true
    });
}

/// What the file says about Celery: file-wide facts (`Ctx::module_fact`),
/// so a file analysed in parts knows the apps and tasks of every part.
fn learn<'a>(ctx: &Ctx<'a>, module: Node<'a>) -> Facts<'a> {
    let set = |key: &'static str, fact: crate::detect::context::ModuleFact| {
        ctx.module_fact(key, || fact(ctx, module))
            .iter()
            .copied()
            .collect::<HashSet<&'a str>>()
    };
    let apps = set("celery apps", module_apps);
    let mut tasks = set("celery tasks", module_tasks);
    // `@app.task` functions whose app another part of the file defines.
    let pairs = ctx.module_fact("celery app tasks", || module_app_tasks(ctx, module));
    for pair in pairs.chunks_exact(2) {
        if apps.contains(pair[0]) {
            tasks.insert(pair[1]);
        }
    }
    Facts {
        apps,
        tasks,
        task_modules: set("celery task modules", module_task_modules),
    }
}

/// Module-level functions decorated `@<name>.task` (or `@<name>.task(...)`),
/// as `[name, function, name, function, ...]` (a file-wide fact: they are
/// tasks when `name` is an app).
/// The name of the function a `decorated_definition` defines (none for a
/// decorated class).
fn decorated_function_name(decorated: Node) -> Option<Node> {
    decorated
        .child_by_field_id(field::DEFINITION)
        .filter(|d| d.kind_str() == "function_definition")
        .and_then(|d| d.child_by_field_id(field::NAME))
}

pub(crate) fn module_app_tasks<'a>(ctx: &Ctx<'a>, module: Node) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut c = module.walk();
    for node in module
        .named_children(&mut c)
        .filter(|n| n.kind_str() == "decorated_definition")
    {
        let Some(name) = decorated_function_name(node) else {
            continue;
        };
        let mut d = node.walk();
        for decorator in node
            .named_children(&mut d)
            .filter(|d| d.kind_str() == "decorator")
        {
            let Some(mut target) = decorator.named_child(0) else {
                continue;
            };
            if target.kind_str() == "call"
                && let Some(f) = target.child_by_field_id(field::FUNCTION)
            {
                target = f;
            }
            if target.kind_str() == "attribute"
                && target
                    .child_by_field_id(field::ATTRIBUTE)
                    .is_some_and(|a| ctx.text(a) == "task")
                && let Some(app) = target
                    .child_by_field_id(field::OBJECT)
                    .filter(|o| o.kind_str() == "identifier")
            {
                out.push(ctx.text(app));
                out.push(ctx.text(name));
            }
        }
    }
    out
}

fn sorted<'a>(names: &HashSet<&'a str>) -> Vec<&'a str> {
    let mut out: Vec<&'a str> = names.iter().copied().collect();
    out.sort_unstable();
    out
}

/// The module's Celery apps (a file-wide fact).
pub(crate) fn module_apps<'a>(ctx: &Ctx<'a>, module: Node) -> Vec<&'a str> {
    sorted(&learn_module(ctx, module).apps)
}

/// The module's Celery tasks (a file-wide fact; in a file read in parts,
/// a task decorated with an app of another part is not known).
pub(crate) fn module_tasks<'a>(ctx: &Ctx<'a>, module: Node) -> Vec<&'a str> {
    sorted(&learn_module(ctx, module).tasks)
}

/// The module's names bound to a `tasks` module (a file-wide fact).
pub(crate) fn module_task_modules<'a>(ctx: &Ctx<'a>, module: Node) -> Vec<&'a str> {
    sorted(&learn_module(ctx, module).task_modules)
}

/// One walk over the module's statements: imports and `Celery(...)` apps,
/// and the decorated functions, which are tasks once every app is known.
fn learn_module<'a>(ctx: &Ctx<'a>, module: Node) -> Facts<'a> {
    let mut facts = Facts::default();
    let mut decorated = Vec::new();
    crate::python::walk(module, |node| {
        match node.kind_str() {
            "import_from_statement" => learn_import(ctx, node, &mut facts),
            "decorated_definition" => decorated.push(node),
            _ => {}
        }
        // Apps, imports and tasks are module-level statements (maybe under
        // `if`/`try`): never look inside functions, classes or expressions.
        matches!(
            node.kind_str(),
            "module"
                | "block"
                | "if_statement"
                | "elif_clause"
                | "else_clause"
                | "try_statement"
                | "except_clause"
                | "finally_clause"
                | "with_statement"
                | "expression_statement"
        )
    });
    // `app = Celery(...)` at the top level.
    let mut c = module.walk();
    for stmt in module.named_children(&mut c) {
        let Some(assign) = stmt
            .named_child(0)
            .filter(|a| stmt.kind_str() == "expression_statement" && a.kind_str() == "assignment")
        else {
            continue;
        };
        let is_app = assign
            .child_by_field_id(field::RIGHT)
            .filter(|r| r.kind_str() == "call")
            .and_then(|r| r.child_by_field_id(field::FUNCTION))
            .and_then(|f| ctx.resolve(f))
            .is_some_and(|q| q == "celery.Celery");
        if let Some(left) = assign
            .child_by_field_id(field::LEFT)
            .filter(|l| is_app && l.kind_str() == "identifier")
        {
            facts.apps.insert(ctx.text(left));
        }
    }
    for node in decorated {
        let Some(name) = decorated_function_name(node) else {
            continue;
        };
        let mut c = node.walk();
        if node
            .named_children(&mut c)
            .any(|d| d.kind_str() == "decorator" && task_decorator(ctx, &facts, d).is_some())
        {
            facts.tasks.insert(ctx.text(name));
        }
    }
    facts
}

/// `from .tasks import a, b as c`, `from proj.celery import app`, `from app import tasks`.
fn learn_import<'a>(ctx: &Ctx<'a>, node: Node, facts: &mut Facts<'a>) {
    let Some(module) = node.child_by_field_id(field::MODULE_NAME) else {
        return;
    };
    let module_text = ctx.text(module);
    let last = module_text.rsplit('.').next().unwrap_or(module_text).trim();
    let mut c = node.walk();
    for name in node.children_by_field_name("name", &mut c) {
        let (imported, local) = match name.kind_str() {
            "dotted_name" => (ctx.text(name), ctx.text(name)),
            "aliased_import" => match (
                name.child_by_field_id(field::NAME),
                name.child_by_field_id(field::ALIAS),
            ) {
                (Some(n), Some(a)) => (ctx.text(n), ctx.text(a)),
                _ => continue,
            },
            _ => continue,
        };
        if last == "tasks" {
            facts.tasks.insert(local);
        } else if last == "celery" && module_text.trim() != "celery" {
            facts.apps.insert(local);
        } else if imported == "tasks" {
            facts.task_modules.insert(local);
        }
    }
}

/// The decorator's call (if it has arguments) when it makes a Celery task.
fn task_decorator<'t>(ctx: &Ctx, facts: &Facts, decorator: Node<'t>) -> Option<Option<Node<'t>>> {
    let expr = decorator.named_child(0)?;
    let (target, call) = if expr.kind_str() == "call" {
        (expr.child_by_field_id(field::FUNCTION)?, Some(expr))
    } else {
        (expr, None)
    };
    let is_task = match ctx.resolve(target).as_deref() {
        Some("celery.shared_task") => true,
        _ => {
            target.kind_str() == "attribute"
                && target
                    .child_by_field_id(field::ATTRIBUTE)
                    .is_some_and(|a| ctx.text(a) == "task")
                && target.child_by_field_id(field::OBJECT).is_some_and(|o| {
                    o.kind_str() == "identifier" && facts.apps.contains(ctx.text(o))
                })
        }
    };
    is_task.then_some(call)
}

fn check_decorator(ctx: &Ctx, facts: &Facts, decorator: Node, out: &mut Vec<Finding>) {
    let Some(call) = task_decorator(ctx, facts, decorator) else {
        return;
    };
    push(out, &TASK, decorator, TASK.summary.to_string());
    let Some(args) = call.and_then(|c| c.child_by_field_id(field::ARGUMENTS)) else {
        return;
    };
    let mut bind = false;
    let mut c = args.walk();
    for kw in args
        .named_children(&mut c)
        .filter(|k| k.kind_str() == "keyword_argument")
    {
        let (Some(name), Some(value)) = (
            kw.child_by_field_id(field::NAME),
            kw.child_by_field_id(field::VALUE),
        ) else {
            continue;
        };
        match (ctx.text(name), ctx.text(value)) {
            ("autoretry_for", _) if catches_everything(ctx, value) => push(
                out,
                &AUTORETRY_BROAD,
                kw,
                "`autoretry_for` with `Exception` retries programming errors and invalid input too, each attempt repeating side effects; list the transient errors (timeouts, connection errors, HTTP 429/5xx)".into(),
            ),
            ("autoretry_for", _) => push(out, &AUTORETRY, kw, AUTORETRY.summary.to_string()),
            ("acks_late", "True") => push(out, &ACKS_LATE, kw, ACKS_LATE.summary.to_string()),
            ("bind", "True") => bind = true,
            _ => {}
        }
    }
    if bind {
        check_retries(ctx, decorator, out);
    }
}

/// `Exception` or `BaseException` named in an `autoretry_for` value.
fn catches_everything(ctx: &Ctx, value: Node) -> bool {
    let mut found = false;
    crate::python::walk(value, |n| {
        if n.kind_str() == "identifier" && matches!(ctx.text(n), "Exception" | "BaseException") {
            found = true;
        }
        true
    });
    found
}

/// PG752 on `<first parameter>.retry(...)` in a bound task's own body.
fn check_retries(ctx: &Ctx, decorator: Node, out: &mut Vec<Finding>) {
    let Some(func) = decorator
        .parent()
        .and_then(|d| d.child_by_field_id(field::DEFINITION))
        .filter(|d| d.kind_str() == "function_definition")
    else {
        return;
    };
    let Some(first) = func
        .child_by_field_id(field::PARAMETERS)
        .and_then(|p| p.named_child(0))
        .filter(|p| p.kind_str() == "identifier")
    else {
        return;
    };
    let me = ctx.text(first);
    let Some(body) = func.child_by_field_id(field::BODY) else {
        return;
    };
    visit_own(body, &mut |n| {
        let is_retry = n.kind_str() == "call"
            && n.child_by_field_id(field::FUNCTION).is_some_and(|f| {
                f.kind_str() == "attribute"
                    && f.child_by_field_id(field::OBJECT)
                        .is_some_and(|o| ctx.text(o) == me)
                    && f.child_by_field_id(field::ATTRIBUTE)
                        .is_some_and(|a| ctx.text(a) == "retry")
            });
        if is_retry {
            push(out, &RETRY, n, RETRY.summary.to_string());
        }
    });
}

/// PG751 / PG756 on `<task>.delay(...)` and friends.
fn check_enqueue(ctx: &Ctx, facts: &Facts, call: Node, out: &mut Vec<Finding>) {
    let Some((receiver, method, _)) = ctx.method_call(call) else {
        return;
    };
    if !ENQUEUE.contains(&method) || !is_task(ctx, facts, receiver) {
        return;
    }
    let task = ctx.text(receiver);
    if matches!(method, "delay" | "apply_async") && in_atomic_block(ctx, call) {
        push(
            out,
            &DELAY_IN_ATOMIC,
            call,
            if ctx.at_least(Lib::Celery, 5, 4) {
                format!(
                    "{} inside `transaction.atomic`: a worker can run the task before this transaction commits (the rows are not visible yet) or after it rolls back; use {} or {}",
                    code_span(&format!("{task}.{method}()")),
                    code_span(&format!("{task}.delay_on_commit(...)")),
                    code_span(&format!(
                        "transaction.on_commit(lambda: {task}.{method}(...))"
                    )),
                )
            } else {
                format!(
                    "{} inside `transaction.atomic`: a worker can run the task before this transaction commits (the rows are not visible yet) or after it rolls back; use {}; `delay_on_commit` needs Celery 5.4, and this project is on {}",
                    code_span(&format!("{task}.{method}()")),
                    code_span(&format!(
                        "transaction.on_commit(lambda: {task}.{method}(...))"
                    )),
                    ctx.options.versions.describe(Lib::Celery)
                )
            },
        );
    } else {
        push(out, &DELAY, call, DELAY.summary.to_string());
    }
}

fn is_task(ctx: &Ctx, facts: &Facts, receiver: Node) -> bool {
    match receiver.kind_str() {
        "identifier" => facts.tasks.contains(ctx.text(receiver)),
        // `tasks.send_email` with `tasks` an imported module.
        "attribute" => receiver.child_by_field_id(field::OBJECT).is_some_and(|o| {
            let text = ctx.text(o);
            (o.kind_str() == "identifier" && facts.task_modules.contains(text))
                || ((text == "tasks" || text.ends_with(".tasks")) && ctx.resolve(o).is_some())
        }),
        _ => false,
    }
}

/// True when `node` runs inside `with transaction.atomic(...)` or a function
/// decorated with `transaction.atomic`, without a `def`/`lambda` in between.
fn in_atomic_block(ctx: &Ctx, node: Node) -> bool {
    let is_atomic = |n: Node| {
        ctx.resolve(n)
            .is_some_and(|q| q == "django.db.transaction.atomic")
    };
    let mut cur = node.parent();
    while let Some(p) = cur {
        match p.kind_str() {
            "with_statement" => {
                let mut found = false;
                crate::python::walk(p.named_child(0).unwrap_or(p), |n| {
                    if n.kind_str() == "call"
                        && n.child_by_field_id(field::FUNCTION).is_some_and(is_atomic)
                    {
                        found = true;
                    }
                    n.kind_str() != "block"
                });
                if found {
                    return true;
                }
            }
            "function_definition" => {
                return p.parent().is_some_and(|d| {
                    let mut c = d.walk();
                    d.kind_str() == "decorated_definition"
                        && d.named_children(&mut c)
                            .filter(|x| x.kind_str() == "decorator")
                            .filter_map(|x| x.named_child(0))
                            .any(|e| {
                                is_atomic(e)
                                    || e.child_by_field_id(field::FUNCTION).is_some_and(is_atomic)
                            })
                });
            }
            "lambda" | "class_definition" => return false,
            _ => {}
        }
        cur = p.parent();
    }
    false
}

fn push(out: &mut Vec<Finding>, rule: &'static Rule, node: Node, message: String) {
    out.push(Finding {
        rule,
        range: node.byte_range(),
        message,
        fix: None,
    });
}
