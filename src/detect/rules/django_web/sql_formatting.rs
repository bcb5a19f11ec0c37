//! PG611 `sql-string-formatting`: SQL built by formatting values into the
//! string given to `raw()`, `extra()`, `RawSQL()` or `cursor.execute()`.
//!
//! **What it matches**: the SQL argument of `<queryset>.raw(sql)`,
//! `<queryset>.extra(where=[...], select={...})`, `RawSQL(sql, params)` and
//! `<cursor>.execute(sql)` / `executemany(sql)` when it is an f-string with
//! a replacement field, a `"..." % value`, a `"...".format(value)` or a
//! `"..." + value` concatenation. For `execute`, the string must also look
//! like SQL (it starts with a statement keyword), since `execute` is a
//! common method name.
//!
//! **Why**: a value formatted into SQL is SQL. Quotes in user input end the
//! literal and the rest runs as a statement: SQL injection. Database
//! drivers send parameters separately from the statement, so they can't be
//! misread as SQL.
//!
//! **Example**: `Post.objects.raw(f"SELECT * FROM blog_post WHERE slug = '{slug}'")`
//! → `Post.objects.raw("SELECT * FROM blog_post WHERE slug = %s", [slug])`.
//! No automatic fix: the placeholders and the parameter list need a human.
//!
//! **Not reported**: constant strings, `%s` placeholders with a separate
//! params argument, `%` formatting whose only values are calls to
//! `quote_name` / `connection.ops.quote_name` (identifiers, quoted by the
//! backend), and strings built elsewhere (a variable).
//!
//! **References**:
//! <https://docs.djangoproject.com/en/stable/topics/db/sql/#passing-parameters-into-raw>,
//! <https://docs.djangoproject.com/en/stable/topics/security/#sql-injection-protection>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::readers::queryset::is_queryset;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG611",
    construct: "sql-string-formatting",
    severity: Severity::Warning,
    fixable: false,
    topic: "sql-injection-raw-extra",
    summary: "SQL built with string formatting: pass the values as query parameters",
};

const SQL_STARTS: &[&str] = &[
    "select ", "insert ", "update ", "delete ", "with ", "merge ", "replace ",
];

/// `call` is a `call` node.
pub(crate) fn check<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut Vec<Finding>) {
    let Some(function) = call.child_by_field_id(field::FUNCTION) else {
        return;
    };
    let Some(args) = call.child_by_field_id(field::ARGUMENTS) else {
        return;
    };
    let first = args
        .named_child(0)
        .filter(|a| a.kind_str() != "keyword_argument");
    let mut sql_args: Vec<Node> = Vec::new();
    let mut must_look_like_sql = false;
    let mut what = "";
    if let Some(q) = ctx.resolve(function)
        && (q == "django.db.models.expressions.RawSQL" || q == "django.db.models.RawSQL")
    {
        sql_args.extend(first);
        what = "RawSQL()";
    }
    if let Some((receiver, name, _)) = ctx.method_call(call).filter(|_| sql_args.is_empty()) {
        let on_queryset = || is_queryset(ctx, receiver);
        match name {
            "raw" if on_queryset() => {
                sql_args.extend(first);
                what = "raw()";
            }
            "extra" if on_queryset() => {
                let mut c = args.walk();
                for kw in args.named_children(&mut c) {
                    let key = kw.child_by_field_id(field::NAME).map(|n| ctx.text(n));
                    if let (Some("where" | "select" | "tables" | "order_by"), Some(v)) =
                        (key, kw.child_by_field_id(field::VALUE))
                    {
                        let mut c2 = v.walk();
                        for item in v.named_children(&mut c2) {
                            sql_args.push(match item.kind_str() {
                                "pair" => item.child_by_field_id(field::VALUE).unwrap_or(item),
                                _ => item,
                            });
                        }
                    }
                }
                what = "extra()";
            }
            "execute" | "executemany" if is_cursor_like(ctx, function) => {
                sql_args.extend(first);
                must_look_like_sql = true;
                what = "execute()";
            }
            _ => {}
        }
    }
    for arg in sql_args {
        if let Some(literal) = formatted(ctx, arg) {
            if must_look_like_sql && !looks_like_sql(ctx.text(literal)) {
                continue;
            }
            if !formats_a_value(ctx, arg, literal) {
                continue;
            }
            out.push(Finding {
                rule: &RULE,
                range: arg.byte_range(),
                message: format!(
                    "values formatted into the SQL of `{what}` can inject SQL; use `%s` placeholders and pass the values as params"
                ),
                fix: None,
            });
        }
    }
}

/// The string literal of `arg` when `arg` formats values into it.
fn formatted<'t>(ctx: &Ctx<'t>, arg: Node<'t>) -> Option<Node<'t>> {
    match arg.kind_str() {
        "string" => {
            let mut c = arg.walk();
            let interpolates = arg
                .named_children(&mut c)
                .any(|p| p.kind_str() == "interpolation");
            interpolates.then_some(arg)
        }
        "concatenated_string" => {
            let mut c = arg.walk();
            let parts: Vec<Node> = arg.named_children(&mut c).collect();
            parts
                .iter()
                .any(|p| formatted(ctx, *p).is_some())
                .then(|| parts[0])
        }
        "binary_operator" => {
            let left = arg.child_by_field_id(field::LEFT)?;
            let right = arg.child_by_field_id(field::RIGHT)?;
            let op = ctx.text(arg.child_by_field_id(field::OPERATOR)?);
            let literal =
                string_side(left).or_else(|| (op == "+").then(|| string_side(right)).flatten())?;
            match op {
                "%" => (!only_quoted_names(ctx, right)).then_some(literal),
                "+" => {
                    let other = if literal == left { right } else { left };
                    (string_side(other).is_none()).then_some(literal)
                }
                _ => None,
            }
        }
        "call" => {
            let f = arg.child_by_field_id(field::FUNCTION)?;
            let object = f.child_by_field_id(field::OBJECT)?;
            let is_format = f.kind_str() == "attribute"
                && f.child_by_field_id(field::ATTRIBUTE)
                    .is_some_and(|a| ctx.text(a) == "format");
            (is_format && object.kind_str() == "string").then_some(object)
        }
        "parenthesized_expression" => formatted(ctx, arg.named_child(0)?),
        _ => None,
    }
}

fn string_side(node: Node) -> Option<Node> {
    match node.kind_str() {
        "string" => Some(node),
        "concatenated_string" => node.named_child(0),
        "parenthesized_expression" => string_side(node.named_child(0)?),
        _ => None,
    }
}

/// `"... %s" % qn(name)` or `% (quote_name(a), quote_name(b))`: identifiers
/// quoted by the backend.
fn only_quoted_names(ctx: &Ctx, values: Node) -> bool {
    let is_quoted = |n: Node| {
        n.kind_str() == "call"
            && n.child_by_field_id(field::FUNCTION).is_some_and(|f| {
                let t = ctx.text(f);
                let last = t.rsplit('.').next().unwrap_or(t);
                matches!(last, "quote_name" | "qn" | "quote_name_unless_alias")
            })
    };
    match values.kind_str() {
        "tuple" | "parenthesized_expression" => {
            let mut c = values.walk();
            let items: Vec<Node> = values.named_children(&mut c).collect();
            !items.is_empty() && items.into_iter().all(is_quoted)
        }
        _ => is_quoted(values),
    }
}

fn looks_like_sql(literal: &str) -> bool {
    let body = literal
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .trim_start_matches(['"', '\''])
        .trim_start()
        .to_ascii_lowercase();
    SQL_STARTS.iter().any(|k| body.starts_with(k))
}

/// `cursor.execute`, `cur.execute`, `conn.execute`, `connection.execute`:
/// DB-API objects, not `self.execute` of some runner.
fn is_cursor_like(ctx: &Ctx, function: Node) -> bool {
    let Some(receiver) = function.child_by_field_id(field::OBJECT) else {
        return false;
    };
    let name = match receiver.kind_str() {
        "identifier" => ctx.text(receiver),
        "attribute" => receiver
            .child_by_field_id(field::ATTRIBUTE)
            .map_or("", |a| ctx.text(a)),
        // `connection.cursor().execute(...)`
        "call" => {
            return receiver
                .child_by_field_id(field::FUNCTION)
                .is_some_and(|f| ctx.text(f).ends_with("cursor"));
        }
        _ => "",
    };
    name.contains("cursor") || matches!(name, "cur" | "conn" | "con" | "connection" | "db")
}

/// Whether something is formatted where SQL expects a value (after `=`,
/// `<`, `>`, `LIKE`, inside quotes, in `IN (...)` or `VALUES (...)`), as
/// opposed to an identifier (a table or column name after `FROM`, in a
/// select list, in backticks), which frameworks legitimately format in after
/// quoting it. `%%s` is an escaped placeholder for a real parameter.
fn formats_a_value(ctx: &Ctx, arg: Node, literal: Node) -> bool {
    let text = ctx.text(literal);
    let offsets: Vec<usize> = match arg.kind_str() {
        "binary_operator"
            if ctx.text(arg.child_by_field_id(field::OPERATOR).unwrap_or(arg)) == "+" =>
        {
            if arg
                .child_by_field_id(field::LEFT)
                .is_some_and(|l| l.end_byte() >= literal.end_byte())
            {
                // `"... = " + value`: the value comes after the literal.
                let body = text.trim_end_matches(['"', '\'']);
                vec![body.len()]
            } else {
                Vec::new()
            }
        }
        "binary_operator" => percent_placeholders(text),
        "call" => brace_placeholders(text),
        _ => {
            // f-strings: each replacement field.
            let mut c = literal.walk();
            literal
                .named_children(&mut c)
                .filter(|p| p.kind_str() == "interpolation")
                .map(|p| p.start_byte() - literal.start_byte())
                .collect()
        }
    };
    // `%` with a tuple: the value filling each placeholder.
    let values: Vec<Node> = match arg.child_by_field_id(field::RIGHT) {
        Some(t) if arg.kind_str() == "binary_operator" && t.kind_str() == "tuple" => {
            let mut c = t.walk();
            t.named_children(&mut c).collect()
        }
        _ => Vec::new(),
    };
    let open = text.len()
        - text
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .len();
    let open = open + text[open..].len() - text[open..].trim_start_matches(['"', '\'']).len();
    offsets.into_iter().enumerate().any(|(i, at)| {
        let builds_placeholders = values
            .get(i)
            .is_some_and(|v| ctx.text(*v).contains("\"%s\"") || ctx.text(*v).contains("'%s'"));
        at >= open && !builds_placeholders && is_value_position(&text[open..at])
    })
}

fn percent_placeholders(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            match bytes.get(i + 1) {
                Some(b'%') => i += 1,
                Some(b's' | b'd' | b'r' | b'f' | b'(' | b'i') => out.push(i),
                _ => {}
            }
        }
        i += 1;
    }
    out
}

fn brace_placeholders(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'{' {
            if bytes.get(i + 1) == Some(&b'{') {
                i += 1;
            } else {
                out.push(i);
            }
        }
        i += 1;
    }
    out
}

fn is_value_position(before: &str) -> bool {
    // Inside a quoted SQL literal (`slug = '{slug}'`, `LIKE '%{q}%'`): an
    // odd number of single quotes before it.
    if before.matches('\'').count() % 2 == 1 {
        return true;
    }
    let b = before.trim_end();
    let lower = b.to_ascii_lowercase();
    if lower.ends_with(['=', '<', '>']) || lower.ends_with(" like") {
        return true;
    }
    // In `IN (...)` / `VALUES (...)`: the nearest open parenthesis.
    let open = lower.rfind('(');
    let close = lower.rfind(')');
    match open {
        Some(o) if close.is_none_or(|c| c < o) => {
            let head = lower[..o].trim_end();
            head.ends_with(" in") || head.ends_with("values")
        }
        _ => false,
    }
}
