//! PG705 `mark-safe`: `mark_safe(...)` of something other than a string
//! literal.
//!
//! **What it matches**: a call of `django.utils.safestring.mark_safe` (any
//! import spelling) whose argument is not a plain string literal: an
//! f-string with interpolations, `"...".format(...)`, `%` formatting, a
//! variable, a concatenation.
//!
//! **Why**: `mark_safe` switches Django's autoescaping off for the whole
//! string. When any part of it comes from data (a user's name, a bio, a
//! query parameter), that part is rendered as raw HTML: stored or reflected
//! XSS. `format_html(template, *args)` escapes each argument and marks only
//! the template safe.
//!
//! **Fix**: for an f-string or `"...".format(...)` argument,
//! `format_html("<p>{}</p>", user.bio)` (adding
//! `from django.utils.html import format_html` when needed). Other shapes
//! get the message only.
//!
//! **Not reported**: a string literal (`mark_safe("<br>")`, concatenated
//! literals, `"a" if x else "b"`); arguments that are already escaped HTML:
//! calls of `format_html`, `format_html_join`, `escape`,
//! `conditional_escape`, `json_script`, `linebreaks`, `urlize`,
//! `render_to_string` or a `.render(...)` method (templates autoescape);
//! and calls in a function that escapes values itself (calls one of those
//! functions) or tests `isinstance(x, SafeData)`: its author manages
//! escaping explicitly, and which parts are safe can't be told statically.
//! A local function named `mark_safe` is not Django's.
//!
//! **References**: <https://docs.djangoproject.com/en/5.2/ref/utils/#django.utils.safestring.mark_safe>,
//! <https://docs.djangoproject.com/en/5.2/ref/utils/#django.utils.html.format_html>

use tree_sitter::Node;

use super::django_settings::literal_str;
use crate::detect::context::{Ctx, root_of, visit_own};
use crate::detect::{Edit, Finding, Fix, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG705",
    construct: "mark-safe",
    severity: Severity::Warning,
    fixable: true,
    topic: "csrf-xss-django-spa",
    summary: "`mark_safe` of a non-literal: any data inside is rendered as raw HTML (XSS); use `format_html`",
};

/// Functions whose result is already escaped HTML.
const ESCAPING: &[&str] = &[
    "django.utils.html.format_html",
    "django.utils.html.format_html_join",
    "django.utils.html.escape",
    "django.utils.html.conditional_escape",
    "django.utils.html.json_script",
    "django.utils.html.linebreaks",
    "django.utils.html.urlize",
    "django.template.loader.render_to_string",
];

/// `call` is a `call` node.
pub(crate) fn check<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut Vec<Finding>) {
    let Some(name) = call
        .child_by_field_name("function")
        .and_then(|f| ctx.resolve(f))
    else {
        return;
    };
    if !matches!(
        name.as_str(),
        "django.utils.safestring.mark_safe" | "django.utils.html.mark_safe"
    ) {
        return;
    }
    let Some(arg) = single_argument(call) else {
        return;
    };
    if is_constant(ctx, arg) || is_escaped(ctx, arg) || manages_escaping(ctx, call) {
        return;
    }
    out.push(Finding {
        rule: &RULE,
        range: call.byte_range(),
        message: "`mark_safe` turns autoescaping off for the whole string: any data interpolated into it is rendered as raw HTML (XSS); build it with `format_html(\"<p>{}</p>\", value)`, which escapes the arguments".into(),
        fix: fix(ctx, call, arg),
    });
}

/// The only argument of `call`, when it has exactly one positional one.
fn single_argument(call: Node) -> Option<Node> {
    let args = call.child_by_field_name("arguments")?;
    let mut c = args.walk();
    let mut named = args
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment");
    let first = named.next()?;
    (named.next().is_none()
        && !matches!(
            first.kind(),
            "keyword_argument" | "list_splat" | "dictionary_splat"
        ))
    .then_some(first)
}

/// A string literal, or a conditional choosing between two of them.
fn is_constant(ctx: &Ctx, arg: Node) -> bool {
    if arg.kind() == "conditional_expression" {
        let mut c = arg.walk();
        let parts: Vec<Node> = arg.named_children(&mut c).collect();
        return parts.len() == 3 && is_constant(ctx, parts[0]) && is_constant(ctx, parts[2]);
    }
    literal_str(ctx, arg).is_some()
}

/// A call of an escaping function, or of a `render` method (template output
/// is autoescaped).
fn is_escaped(ctx: &Ctx, arg: Node) -> bool {
    let Some(func) = arg
        .child_by_field_name("function")
        .filter(|_| arg.kind() == "call")
    else {
        return false;
    };
    let method = func
        .child_by_field_name("attribute")
        .filter(|_| func.kind() == "attribute")
        .map(|a| ctx.text(a));
    let short = |q: &str| q.rsplit('.').next().unwrap_or_default().to_string();
    matches!(method, Some("render" | "render_to_string"))
        || match ctx.resolve(func) {
            Some(q) => ESCAPING.contains(&q.as_str()),
            // An escaping function defined in this very file (django.utils.html).
            None => {
                func.kind() == "identifier" && ESCAPING.iter().any(|e| short(e) == ctx.text(func))
            }
        }
}

/// True when the function around `call` escapes values itself (calls an
/// escaping function) or checks `isinstance(x, SafeData)`: its author
/// manages escaping explicitly, and which parts are safe can't be told
/// from here.
fn manages_escaping<'t>(ctx: &Ctx<'t>, call: Node<'t>) -> bool {
    let Some(body) = ctx
        .enclosing_function(call)
        .and_then(|f| f.child_by_field_name("body"))
    else {
        return false;
    };
    let mut found = false;
    visit_own(body, &mut |n| {
        found = found
            || (n.kind() == "call" && is_escaped(ctx, n))
            || (n.kind() == "identifier"
                && ctx.text(n) == "SafeData"
                && ctx
                    .resolve(n)
                    .is_some_and(|q| q.starts_with("django.utils.safestring.")));
    });
    found
}

/// `format_html(template, args...)` for an f-string or `"...".format(...)`.
fn fix(ctx: &Ctx, call: Node, arg: Node) -> Option<Fix> {
    let (template, args) = match arg.kind() {
        "string" => f_string_parts(ctx, arg)?,
        "call" => format_call_parts(ctx, arg)?,
        _ => return None,
    };
    let (spelling, import) = format_html_spelling(ctx, call)?;
    let mut edits: Vec<Edit> = import.into_iter().collect();
    let mut content = format!("{spelling}({template}");
    for a in args {
        content.push_str(", ");
        content.push_str(&a);
    }
    content.push(')');
    edits.push(Edit {
        range: call.byte_range(),
        content,
    });
    Some(Fix {
        message: format!("Use `{spelling}(...)`, which escapes its arguments"),
        edits,
    })
}

/// The local spelling of `format_html` and the import to add, if any.
fn format_html_spelling(ctx: &Ctx, call: Node) -> Option<(String, Option<Edit>)> {
    if let Some(s) = ctx.imports.spelling_of("django.utils.html.format_html") {
        return Some((s, None));
    }
    if ctx.src.contains("format_html") {
        return None; // some other `format_html` is in the file: don't shadow it
    }
    let mut edit = ctx.add_import(root_of(call), "django.utils.html")?;
    edit.content = edit.content.replace(
        "import django.utils.html",
        "from django.utils.html import format_html",
    );
    Some(("format_html".into(), Some(edit)))
}

/// An f-string as a `str.format` template plus the interpolated expressions;
/// `None` when an interpolation can't be moved out (`=`, nested fields,
/// several expressions).
fn f_string_parts(ctx: &Ctx, s: Node) -> Option<(String, Vec<String>)> {
    let mut template = String::new();
    let mut args = Vec::new();
    let mut c = s.walk();
    for part in s.children(&mut c) {
        match part.kind() {
            "string_start" => {
                let start = ctx.text(part);
                if !start.contains(['f', 'F']) {
                    return None;
                }
                template.push_str(&start.replace(['f', 'F'], ""));
            }
            "string_content" | "string_end" => template.push_str(ctx.text(part)),
            "interpolation" => {
                template.push('{');
                let mut ic = part.walk();
                for piece in part.children(&mut ic) {
                    match piece.kind() {
                        "{" | "}" => {}
                        "type_conversion" => template.push_str(ctx.text(piece)),
                        "format_specifier" if piece.named_child_count() == 0 => {
                            template.push_str(ctx.text(piece))
                        }
                        _ if part.child_by_field_name("expression") == Some(piece)
                            && !matches!(
                                piece.kind(),
                                "expression_list" | "yield" | "list_splat" | "pattern_list"
                            ) =>
                        {
                            args.push(ctx.text(piece).to_string())
                        }
                        _ => return None,
                    }
                }
                template.push('}');
            }
            _ => return None,
        }
    }
    (!args.is_empty()).then_some((template, args))
}

/// `"<a>{}</a>".format(x, y=1)` → (`"<a>{}</a>"`, [`x`, `y=1`]).
fn format_call_parts(ctx: &Ctx, call: Node) -> Option<(String, Vec<String>)> {
    let func = call.child_by_field_name("function")?;
    let object = func.child_by_field_name("object")?;
    if func.kind() != "attribute"
        || func
            .child_by_field_name("attribute")
            .is_none_or(|a| ctx.text(a) != "format")
        || literal_str(ctx, object).is_none()
    {
        return None;
    }
    let args = call.child_by_field_name("arguments")?;
    let mut c = args.walk();
    let list: Vec<String> = args
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .map(|n| ctx.text(n).to_string())
        .collect();
    (!list.is_empty()).then(|| (ctx.text(object).to_string(), list))
}
