//! PG511 `metaclass-keyword` and PG512 `type-subclass`: metaclasses.
//!
//! **What it matches**: the `metaclass=M` keyword of a `class` line (PG511;
//! not for `abc.ABCMeta`, which PG515 links to the ABC topic), and a class
//! that derives from the builtin `type` (PG512), i.e. defines a metaclass.
//!
//! **Why**: educational. A metaclass is the class of a class: it runs when
//! the `class` statement executes and builds the class object from the
//! executed body. Registration, validation and defaults are usually simpler
//! with `__init_subclass__` or a class decorator, and two bases with
//! unrelated metaclasses can't be combined.
//!
//! **References**: <https://docs.python.org/3/reference/datamodel.html#metaclasses>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static KEYWORD: Rule = Rule {
    code: "PG511",
    construct: "metaclass-keyword",
    severity: Severity::Hint,
    fixable: false,
    topic: "metaclasses",
    summary: "`metaclass=`: this metaclass builds the class object; `__init_subclass__` often suffices",
};

pub(crate) static TYPE_SUBCLASS: Rule = Rule {
    code: "PG512",
    construct: "type-subclass",
    severity: Severity::Hint,
    fixable: false,
    topic: "metaclasses",
    summary: "subclass of `type`: a metaclass, which creates classes the way classes create instances",
};

/// `class` is a `class_definition`.
pub(crate) fn check(ctx: &Ctx, class: Node, out: &mut Vec<Finding>) {
    let (Some(name), Some(bases)) = (
        class.child_by_field_id(field::NAME),
        class.child_by_field_id(field::SUPERCLASSES),
    ) else {
        return;
    };
    let name = ctx.text(name);
    let mut c = bases.walk();
    for base in bases.named_children(&mut c) {
        if base.kind_str() == "keyword_argument" {
            let (Some(key), Some(value)) = (
                base.child_by_field_id(field::NAME),
                base.child_by_field_id(field::VALUE),
            ) else {
                continue;
            };
            if ctx.text(key) != "metaclass"
                || ctx.resolve(value).is_some_and(|q| q == "abc.ABCMeta")
            {
                continue;
            }
            out.push(Finding {
                rule: &KEYWORD,
                range: base.byte_range(),
                message: format!(
                    "`{}` builds the class `{name}` (and its subclasses) from the executed class body; if it only registers or validates subclasses, `__init_subclass__` is simpler",
                    ctx.text(value)
                ),
                fix: None,
            });
        } else if ctx.resolve(base).is_some_and(|q| q == "builtins.type") {
            out.push(Finding {
                rule: &TYPE_SUBCLASS,
                range: base.byte_range(),
                message: format!(
                    "`{name}` derives from `type`, so it is a metaclass: its `__new__`/`__init__` run when a `class` statement using `metaclass={name}` executes"
                ),
                fix: None,
            });
        }
    }
}
