//! PG705 `mark-safe`: `mark_safe(...)` of text built from data.
//!
//! **What it matches** (a call of `django.utils.safestring.mark_safe`, any
//! import spelling): a **warning** when the argument formats or
//! concatenates non-literal text into an HTML template: an f-string with
//! interpolations, `"...".format(...)`, `"..." % (...)` (the template a
//! literal, a translated literal `_("...")` or a local variable holding
//! one) or `"<b>" + name + "</b>"`, where some interpolated value is not
//! known to be safe. Values known to be safe: literals and numbers, calls
//! of escaping functions (`escape`, `conditional_escape`, `format_html`,
//! `flatatt`, `json_script`, `escapejs`, `urlencode`, `quote`, …, and a
//! local alias of one such as the `esc = conditional_escape` of Django's
//! `needs_autoescape` filters), `x.__html__()` and template `render(...)`
//! output. Any other non-literal argument (a variable, `"".join(parts)`,
//! the output of a Markdown renderer or sanitiser) is a **hint**: whether
//! it is already HTML can't be told from the code.
//!
//! **Why**: `mark_safe` switches Django's autoescaping off for the whole
//! string. When any part of it comes from data (a user's name, a bio, a
//! query parameter, a translation), that part is rendered as raw HTML:
//! stored or reflected XSS. `format_html(template, *args)` escapes each
//! argument and marks only the template safe.
//!
//! **Fix** (unsafe: arguments that are themselves HTML would now be
//! escaped): for an f-string or `template.format(...)`,
//! `format_html("<p>{}</p>", user.bio)` (adding `from django.utils.html
//! import format_html` when needed). No fix when an argument looks like
//! HTML already (a joined or rendered fragment, a name mentioning html).
//!
//! **Not reported**: a string literal (`mark_safe("<br>")`, concatenated
//! literals, `"a" if x else "b"`, `_("literal")`); calls in a function that
//! escapes values itself or tests `isinstance(x, SafeData)`: its author
//! manages escaping explicitly. A local function named `mark_safe` is not
//! Django's.
//!
//! **References**: <https://docs.djangoproject.com/en/5.2/ref/utils/#django.utils.safestring.mark_safe>,
//! <https://docs.djangoproject.com/en/5.2/ref/utils/#django.utils.html.format_html>,
//! <https://docs.djangoproject.com/en/5.2/howto/custom-template-tags/#filters-and-auto-escaping>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::{Ctx, root_of, visit_own};
use crate::detect::rules::django_settings::settings::literal_str;
use crate::detect::{Applicability, Edit, Finding, Fix, Rule, Severity};

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

/// Last names of functions whose output holds no HTML-significant
/// character from their input (escapers, encoders, numbers).
const SAFE_VALUE_FUNCTIONS: &[&str] = &[
    "escape",
    "conditional_escape",
    "format_html",
    "format_html_join",
    "escapejs",
    "escape_uri_path",
    "flatatt",
    "json_script",
    "urlencode",
    "quote",
    "quote_plus",
    "iri_to_uri",
    "int",
    "float",
    "len",
    "render_to_string",
    "render",
    "__html__",
];

/// `call` is a `call` node.
pub(crate) fn check<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut Vec<Finding>) {
    let Some(name) = call
        .child_by_field_id(field::FUNCTION)
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
    let escapers = local_escapers(ctx, call);
    match formats_data(ctx, arg, call, &escapers) {
        Some(value) => out.push(Finding {
            rule: &RULE,
            range: call.byte_range(),
            message: format!(
                "`mark_safe` over a template with `{}` formatted into it: that text is rendered as raw HTML (XSS); build it with `format_html(template, value)`, which escapes each value",
                short(ctx.text(value))
            ),
            fix: fix(ctx, call, arg),
        }),
        None => out.push(Finding {
            rule: RULE.as_hint(),
            range: call.byte_range(),
            message: "`mark_safe` of a computed value: autoescaping is off for all of it, so it must already be safe HTML (escaped or sanitised); prefer `format_html` when building HTML from data".into(),
            fix: None,
        }),
    }
}

/// At most 40 characters of `text`, on one line.
fn short(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &one_line[..at]),
        None => one_line,
    }
}

/// The first value formatted or concatenated into an HTML template by
/// `arg` that is not known to be safe; `None` when `arg` is no such
/// formatting.
fn formats_data<'t>(
    ctx: &Ctx<'t>,
    arg: Node<'t>,
    call: Node<'t>,
    escapers: &[&str],
) -> Option<Node<'t>> {
    let unsafe_value = |v: Node<'t>| (!is_safe_value(ctx, v, escapers)).then_some(v);
    match arg.kind_str() {
        "parenthesized_expression" => formats_data(ctx, arg.named_child(0)?, call, escapers),
        // f"<p>{x}</p>"
        "string" => {
            let mut c = arg.walk();
            let parts: Vec<Node> = arg.named_children(&mut c).collect();
            let literal: String = parts
                .iter()
                .filter(|p| p.kind_str() == "string_content")
                .map(|p| ctx.text(*p))
                .collect();
            if !looks_like_html(&literal) {
                return None;
            }
            parts
                .iter()
                .filter(|p| p.kind_str() == "interpolation")
                .filter_map(|p| p.child_by_field_id(field::EXPRESSION))
                .find_map(unsafe_value)
        }
        // "<p>{}</p>".format(x)
        "call" => {
            let func = arg.child_by_field_id(field::FUNCTION)?;
            let method = func.child_by_field_id(field::ATTRIBUTE)?;
            if func.kind_str() != "attribute" || ctx.text(method) != "format" {
                return None;
            }
            let template = func.child_by_field_id(field::OBJECT)?;
            if !html_template(ctx, template, call) {
                return None;
            }
            let args = arg.child_by_field_id(field::ARGUMENTS)?;
            let mut c = args.walk();
            let values: Vec<Node> = args
                .named_children(&mut c)
                .filter(|n| n.kind_str() != "comment")
                .map(|n| match n.kind_str() {
                    "keyword_argument" => n.child_by_field_id(field::VALUE).unwrap_or(n),
                    _ => n,
                })
                .collect();
            values.into_iter().find_map(unsafe_value)
        }
        "binary_operator" => {
            let op = arg.child_by_field_id(field::OPERATOR).map(|o| ctx.text(o));
            let left = arg.child_by_field_id(field::LEFT)?;
            let right = arg.child_by_field_id(field::RIGHT)?;
            match op {
                // "<p>%s</p>" % (x,)
                Some("%") => {
                    if !html_template(ctx, left, call) {
                        return None;
                    }
                    let values: Vec<Node> = match right.kind_str() {
                        "tuple" | "parenthesized_expression" => {
                            let mut c = right.walk();
                            right.named_children(&mut c).collect()
                        }
                        "dictionary" => {
                            let mut c = right.walk();
                            right
                                .named_children(&mut c)
                                .filter_map(|p| p.child_by_field_id(field::VALUE))
                                .collect()
                        }
                        _ => vec![right],
                    };
                    values.into_iter().find_map(unsafe_value)
                }
                // "<b>" + name + "</b>"
                Some("+") => {
                    let mut operands = Vec::new();
                    flatten_concat(ctx, arg, &mut operands);
                    // `_("Label") + "<span>{}</span>".format(x)`: a part
                    // that formats data into HTML itself.
                    if let Some(v) = operands
                        .iter()
                        .filter(|o| o.kind_str() != "binary_operator")
                        .find_map(|o| formats_data(ctx, *o, call, escapers))
                    {
                        return Some(v);
                    }
                    let has_html = operands.iter().any(|o| {
                        literal_or_translated(ctx, *o).is_some_and(|t| looks_like_html(&t))
                    });
                    if !has_html {
                        return None;
                    }
                    // Translated text counts as data: translators' strings
                    // are not escaped either.
                    operands
                        .into_iter()
                        .filter(|o| literal_str(ctx, *o).is_none())
                        .find_map(unsafe_value)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The operands of a chain of `+`, left to right (iterative: a chain of
/// any length costs no stack).
fn flatten_concat<'t>(ctx: &Ctx, node: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let n = match n.kind_str() {
            "parenthesized_expression" => match n.named_child(0) {
                Some(inner) if inner.kind_str() == "binary_operator" => inner,
                _ => n,
            },
            _ => n,
        };
        let is_plus = n.kind_str() == "binary_operator"
            && n.child_by_field_id(field::OPERATOR)
                .is_some_and(|o| ctx.text(o) == "+");
        if !is_plus {
            out.push(n);
            continue;
        }
        // Right first, so the left operand is handled next.
        if let Some(r) = n.child_by_field_id(field::RIGHT) {
            stack.push(r);
        }
        if let Some(l) = n.child_by_field_id(field::LEFT) {
            stack.push(l);
        }
    }
}

/// Whether `text` holds markup: a tag or an entity.
fn looks_like_html(text: &str) -> bool {
    text.contains('<') || text.contains("&")
}

/// A string literal, or a translated one (`_("...")`, `gettext(...)`,
/// `gettext_lazy(...)`, `pgettext(ctx, "...")`): its text.
fn literal_or_translated(ctx: &Ctx, node: Node) -> Option<String> {
    if let Some(s) = literal_str(ctx, node) {
        return Some(s);
    }
    if node.kind_str() != "call" {
        return None;
    }
    let func = node.child_by_field_id(field::FUNCTION)?;
    let name = ctx.text(func).rsplit('.').next().unwrap_or_default();
    if !matches!(
        name,
        "_" | "gettext"
            | "gettext_lazy"
            | "ugettext"
            | "ugettext_lazy"
            | "pgettext"
            | "pgettext_lazy"
            | "ngettext"
            | "ngettext_lazy"
    ) {
        return None;
    }
    let args = node.child_by_field_id(field::ARGUMENTS)?;
    let mut c = args.walk();
    let texts: Option<Vec<String>> = args
        .named_children(&mut c)
        .filter(|a| a.kind_str() != "comment")
        .filter(|a| !matches!(a.kind_str(), "integer" | "identifier" | "attribute"))
        .map(|a| literal_str(ctx, a))
        .collect();
    texts.map(|t| t.concat())
}

/// A template of HTML: a literal or translated literal with markup, or a
/// local variable of the function around `call` assigned one.
fn html_template<'t>(ctx: &Ctx<'t>, template: Node<'t>, call: Node<'t>) -> bool {
    if let Some(t) = literal_or_translated(ctx, template) {
        return looks_like_html(&t);
    }
    if template.kind_str() != "identifier" {
        return false;
    }
    ctx.enclosing_function(call).is_some()
        && ctx.assigns(call, ctx.text(template), |r| {
            literal_or_translated(ctx, r).is_some_and(|t| looks_like_html(&t))
        })
}

/// A value that can't carry markup into the result: a literal, a number,
/// an escaped or encoded value, safe HTML by protocol.
fn is_safe_value(ctx: &Ctx, v: Node, escapers: &[&str]) -> bool {
    match v.kind_str() {
        "string" | "concatenated_string" => literal_str(ctx, v).is_some(),
        "integer" | "float" | "none" | "true" | "false" => true,
        "parenthesized_expression" => v
            .named_child(0)
            .is_some_and(|i| is_safe_value(ctx, i, escapers)),
        "conditional_expression" => {
            let mut c = v.walk();
            let parts: Vec<Node> = v.named_children(&mut c).collect();
            parts.len() == 3
                && is_safe_value(ctx, parts[0], escapers)
                && is_safe_value(ctx, parts[2], escapers)
        }
        "call" => {
            let Some(func) = v.child_by_field_id(field::FUNCTION) else {
                return false;
            };
            let text = ctx.text(func);
            let last = text.rsplit('.').next().unwrap_or(text);
            SAFE_VALUE_FUNCTIONS.contains(&last) || escapers.contains(&text) || is_escaped(ctx, v)
        }
        _ => false,
    }
}

/// Names the function around `call` binds to an escaping function
/// (`esc = conditional_escape`, the `needs_autoescape` pattern) or takes
/// as an escaper parameter named `esc`/`escape`.
fn local_escapers<'a>(ctx: &Ctx<'a>, call: Node<'a>) -> Vec<&'a str> {
    let mut out = Vec::new();
    let Some(body) = ctx
        .enclosing_function(call)
        .and_then(|f| f.child_by_field_id(field::BODY))
    else {
        return out;
    };
    visit_own(body, &mut |n| {
        if n.kind_str() != "assignment" {
            return;
        }
        let (Some(left), Some(right)) = (
            n.child_by_field_id(field::LEFT),
            n.child_by_field_id(field::RIGHT),
        ) else {
            return;
        };
        let value = ctx.text(right);
        let last = value.rsplit('.').next().unwrap_or(value);
        if left.kind_str() == "identifier"
            && matches!(right.kind_str(), "identifier" | "attribute")
            && SAFE_VALUE_FUNCTIONS.contains(&last)
        {
            out.push(ctx.text(left));
        }
    });
    out
}

/// The only argument of `call`, when it has exactly one positional one.
fn single_argument(call: Node) -> Option<Node> {
    let args = call.child_by_field_id(field::ARGUMENTS)?;
    let mut c = args.walk();
    let mut named = args
        .named_children(&mut c)
        .filter(|n| n.kind_str() != "comment");
    let first = named.next()?;
    (named.next().is_none()
        && !matches!(
            first.kind_str(),
            "keyword_argument" | "list_splat" | "dictionary_splat"
        ))
    .then_some(first)
}

/// A string literal, or a conditional choosing between two of them.
fn is_constant(ctx: &Ctx, arg: Node) -> bool {
    if arg.kind_str() == "conditional_expression" {
        let mut c = arg.walk();
        let parts: Vec<Node> = arg.named_children(&mut c).collect();
        return parts.len() == 3 && is_constant(ctx, parts[0]) && is_constant(ctx, parts[2]);
    }
    literal_or_translated(ctx, arg).is_some()
}

/// A call of an escaping function, or of a `render` method (template output
/// is autoescaped).
fn is_escaped(ctx: &Ctx, arg: Node) -> bool {
    let Some(func) = arg
        .child_by_field_id(field::FUNCTION)
        .filter(|_| arg.kind_str() == "call")
    else {
        return false;
    };
    let method = func
        .child_by_field_id(field::ATTRIBUTE)
        .filter(|_| func.kind_str() == "attribute")
        .map(|a| ctx.text(a));
    let short = |q: &str| q.rsplit('.').next().unwrap_or_default().to_string();
    matches!(method, Some("render" | "render_to_string" | "__html__"))
        || match ctx.resolve(func) {
            Some(q) => ESCAPING.contains(&q.as_str()),
            // An escaping function defined in this very file (django.utils.html).
            None => {
                func.kind_str() == "identifier"
                    && ESCAPING.iter().any(|e| short(e) == ctx.text(func))
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
        .and_then(|f| f.child_by_field_id(field::BODY))
    else {
        return false;
    };
    let mut found = false;
    visit_own(body, &mut |n| {
        found = found
            || (n.kind_str() == "call" && is_escaped(ctx, n))
            || (n.kind_str() == "identifier"
                && ctx.text(n) == "SafeData"
                && ctx
                    .resolve(n)
                    .is_some_and(|q| q.starts_with("django.utils.safestring.")));
    });
    found
}

/// `format_html(template, args...)` for an f-string or `"...".format(...)`.
fn fix(ctx: &Ctx, call: Node, arg: Node) -> Option<Fix> {
    let (template, args) = match arg.kind_str() {
        "string" => f_string_parts(ctx, arg)?,
        "call" => format_call_parts(ctx, arg)?,
        _ => return None,
    };
    if args.iter().any(|a| may_be_html(a)) {
        return None; // format_html would escape the markup it carries
    }
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
        applicability: Applicability::Unsafe,
    })
}

/// The local spelling of `format_html` and the import to add, if any.
fn format_html_spelling(ctx: &Ctx, call: Node) -> Option<(String, Option<Edit>)> {
    let imported = ctx
        .imports
        .spelling_of("django.utils.html.format_html")
        .is_some();
    if !imported && ctx.mentions("format_html") {
        return None; // some other `format_html` is in the file: don't shadow it
    }
    Some(ctx.import_from(root_of(call), "django.utils.html", "format_html"))
}

/// An f-string as a `str.format` template plus the interpolated expressions;
/// `None` when an interpolation can't be moved out (`=`, nested fields,
/// several expressions).
fn f_string_parts(ctx: &Ctx, s: Node) -> Option<(String, Vec<String>)> {
    let mut template = String::new();
    let mut args = Vec::new();
    let mut c = s.walk();
    for part in s.children(&mut c) {
        match part.kind_str() {
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
                    match piece.kind_str() {
                        "{" | "}" => {}
                        "type_conversion" => template.push_str(ctx.text(piece)),
                        "format_specifier" if piece.named_child_count() == 0 => {
                            template.push_str(ctx.text(piece))
                        }
                        _ if part.child_by_field_id(field::EXPRESSION) == Some(piece)
                            && !matches!(
                                piece.kind_str(),
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

/// Whether an argument's text suggests it is HTML already: a joined or
/// rendered fragment, `__html__()`, a name that says html, tags, a safe
/// string.
fn may_be_html(arg: &str) -> bool {
    let lower = arg.to_ascii_lowercase();
    [
        "join(",
        "html",
        "render",
        "mark_safe",
        "safe",
        "tag",
        "widget",
        "<",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// `"<a>{}</a>".format(x, y=1)` → (`"<a>{}</a>"`, [`x`, `y=1`]).
fn format_call_parts(ctx: &Ctx, call: Node) -> Option<(String, Vec<String>)> {
    let func = call.child_by_field_id(field::FUNCTION)?;
    let object = func.child_by_field_id(field::OBJECT)?;
    if func.kind_str() != "attribute"
        || func
            .child_by_field_id(field::ATTRIBUTE)
            .is_none_or(|a| ctx.text(a) != "format")
        || (literal_or_translated(ctx, object).is_none() && object.kind_str() != "identifier")
    {
        return None;
    }
    let args = call.child_by_field_id(field::ARGUMENTS)?;
    let mut c = args.walk();
    let list: Vec<String> = args
        .named_children(&mut c)
        .filter(|n| n.kind_str() != "comment")
        .map(|n| ctx.text(n).to_string())
        .collect();
    (!list.is_empty()).then(|| (ctx.text(object).to_string(), list))
}
