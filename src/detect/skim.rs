//! Skimmed parsing, for `check`: the bodies of functions where none of the
//! selected rules can fire are left out of the parse.
//!
//! Parsing is half of `check`'s time, and most of a file's bytes are
//! function bodies. Each rule that can be skimmed declares a *unit guard*
//! (`rules::unit_guard`, a [`Guard`]): a test of a function's text (from
//! its first decorator to the end of its body) that is false only when no
//! finding of the rule can start in that function. A top-level function
//! or a method of a top-level class whose text passes no selected rule's
//! guard is *skimmed*: its header (decorators, signature) is parsed, its
//! body is not. The parser reads a copy of the text where the body's first
//! three bytes read `...`, and tree-sitter's included ranges leave out the
//! rest of the body, so the function parses as `def f(...):\n    ...`.
//! Nodes keep their offsets, and the document's text is the file's own.
//!
//! The code outside those functions (module-level statements, class
//! bodies, functions nested in a block or on one line) is one more unit
//! ([`Unit::outside`]). A file where no selected rule's guard passes on
//! any unit is *quiet*: nothing can be found in it, and `check` does not
//! parse it at all (unless the model index needs it). Where the analysis
//! runs, the walk leaves out every body no guard passes on, parsed or
//! not ([`analyze_skimmed`] asks the guards again once the project's
//! relations are known).
//!
//! What a rule reads outside the function it reports in stays whole:
//! every module-level statement, every class's header and class-level
//! statements, every function's decorators and signature. A body is never
//! skimmed when it may import or bind a builtin's name (the file's
//! imports are read from every statement,
//! `imports::may_import_or_bind_in_body`; the header, parameters
//! included, is always parsed) or holds `global`; for the model pass
//! ([`Keep::Models`]), nor when the model index reads it. What rules read
//! of other functions' bodies goes through `Ctx`: the module facts, the
//! module's serializers, the callers of private helpers. In a skimmed
//! analysis those reads are counted (`Ctx::reads_other_statements`), and
//! any of them makes the caller parse the whole file instead
//! ([`analyze_skimmed`] returns `None`). [`parse`] gives no tree for a
//! file whose brackets do not balance, a tree with a syntax error, a body
//! the lexer and tree-sitter disagree on, and a selected rule with no
//! guard.
//!
//! `tests/skim.rs` holds every guard to its rule on every fixture,
//! example and editor test file (each finding starts in a unit that
//! passes its rule's guard), the skimmed analysis to the whole one, and
//! the skimmed model index to the whole one.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use super::imports::may_import_or_bind_in_body;
use super::model_files::{Lexer, contains_word, is_ident_byte, word_starts};
use super::{Analyzer, Finding, ModelIndex, Options};
use crate::python::Document;

/// One function a skimmed parse may leave the body of: a top-level
/// function or a method of a top-level class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Function {
    /// From its first decorator to the end of its body: the text its
    /// rules' guards read.
    pub range: Range<usize>,
    /// Where its header ends: the start of the body's first line.
    pub header_end: usize,
    /// What the parse leaves out: from just after the body's first three
    /// bytes (read as `...`) to the body's last line break.
    pub hole: Range<usize>,
    /// What its tokens hold, decorators included.
    pub lexed: Lexed,
    /// Its decorator lines, nested functions' and classes' too: from the
    /// `@` to the next logical line.
    pub decorators: Vec<Range<usize>>,
    /// A method of a class (else a top-level function).
    pub method: bool,
}

impl Function {
    /// Where its body's first token starts: the `...` of a skimmed parse,
    /// and the start of the body's `block` node.
    fn body_start(&self) -> usize {
        self.hole.start - 3
    }
}

/// One logical line: where its first token starts, the start of its
/// physical line, its indentation, its first two tokens, where its first
/// `lambda` starts, and what its tokens hold (outside strings and
/// comments).
struct Line {
    start: usize,
    line_start: usize,
    indent: usize,
    first: Range<usize>,
    second: Option<Range<usize>>,
    lambda: Option<usize>,
    lexed: Lexed,
}

/// What the tokens of some lines hold (strings and comments left out).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Lexed {
    /// Statements starting with `def` (or `async def`).
    pub defs: usize,
    /// Statements starting with `class`.
    pub classes: usize,
    pub lambda: bool,
    pub r#for: bool,
    pub r#while: bool,
    /// An `is` PG401's scan finds suspicious ([`super::rules::IsScan`]).
    pub is_literal: bool,
    /// A `def` or `lambda` whose parameters may have a mutable default:
    /// after the keyword, on its logical line, an `=` then a bracket or a
    /// called name (PG101's `may_default_mutable`).
    pub mutable_default: bool,
    /// A `def` or `lambda` in a loop: on a line inside the block of a
    /// `for` or `while` statement, or a `lambda` on a line with a `for`
    /// (a comprehension's).
    pub closure_in_loop: bool,
    /// A string that may have values formatted into it where it stands
    /// (PG611's `formatted`): an f- or t-string, a `%` or `+` with a
    /// string or a bracketed expression next to it, or a string's
    /// `.format`.
    pub formats_string: bool,
}

impl Lexed {
    fn add(&mut self, other: &Lexed) {
        self.defs += other.defs;
        self.classes += other.classes;
        self.lambda |= other.lambda;
        self.r#for |= other.r#for;
        self.r#while |= other.r#while;
        self.is_literal |= other.is_literal;
        self.mutable_default |= other.mutable_default;
        self.closure_in_loop |= other.closure_in_loop;
        self.formats_string |= other.formats_string;
    }
}

/// The logical lines of `b`; `None` when its brackets do not balance (a
/// syntax error that may run a statement on to the end of the file, past
/// what the lines would say is a function's end).
fn logical_lines(b: &[u8]) -> Option<Vec<Line>> {
    let mut lines: Vec<Line> = Vec::new();
    let mut lexer = Lexer::new(b);
    let mut want_second = false;
    let mut is_scan = super::rules::IsScan::default();
    let mut formats = FormatScan::default();
    while let Some(tok) = lexer.next() {
        let text = &b[tok.start..tok.end];
        let suspicious = is_scan.token(b, tok.start, tok.end, tok.ident);
        let formatting = formats.token(text, tok.ident);
        if let Some(indent) = tok.first_of_line {
            let line_start = b[..tok.start]
                .iter()
                .rposition(|&c| c == b'\n' || c == b'\r')
                .map_or(0, |p| p + 1);
            lines.push(Line {
                start: tok.start,
                line_start,
                indent,
                first: tok.start..tok.end,
                second: None,
                lambda: None,
                lexed: Lexed {
                    defs: usize::from(text == b"def"),
                    classes: usize::from(text == b"class"),
                    ..Lexed::default()
                },
            });
            want_second = true;
        } else if want_second {
            if let Some(line) = lines.last_mut() {
                line.second = Some(tok.start..tok.end);
                if text == b"def" && &b[line.first.clone()] == b"async" {
                    line.lexed.defs = 1;
                }
            }
            want_second = false;
        }
        if let Some(line) = lines.last_mut() {
            let lexed = &mut line.lexed;
            lexed.is_literal |= suspicious;
            lexed.formats_string |= formatting;
            if tok.ident {
                match text {
                    b"lambda" => {
                        lexed.lambda = true;
                        line.lambda.get_or_insert(tok.start);
                    }
                    b"for" => lexed.r#for = true,
                    b"while" => lexed.r#while = true,
                    _ => {}
                }
            }
        }
    }
    if !lexer.balanced() {
        return None;
    }
    closures(b, &mut lines);
    Some(lines)
}

/// Reads tokens in order for [`Lexed::formats_string`].
#[derive(Default)]
struct FormatScan {
    /// What the last two tokens were.
    last: [Kind; 2],
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Kind {
    #[default]
    Other,
    /// A string, or a closing bracket (which may close a bracketed one).
    StringLike,
    Dot,
    /// A `+`.
    Plus,
}

impl FormatScan {
    /// Whether the token `text` (`ident`: a name or keyword) makes a
    /// string formatted where it stands, given the tokens before it.
    fn token(&mut self, text: &[u8], ident: bool) -> bool {
        let quote = text.iter().position(|c| matches!(c, b'"' | b'\''));
        let string = !ident && quote.is_some();
        let kind = match text {
            _ if string => Kind::StringLike,
            b")" | b"]" | b"}" => Kind::StringLike,
            b"." => Kind::Dot,
            b"+" => Kind::Plus,
            _ => Kind::Other,
        };
        let found = match text {
            // An f-string or a t-string (its prefix is before the quote).
            _ if string => {
                let prefix = &text[..quote.unwrap_or(0)];
                prefix
                    .iter()
                    .any(|c| matches!(c, b'f' | b'F' | b't' | b'T'))
                    || self.last[1] == Kind::Plus
            }
            // `"..." % x`, `(...) % x`, `"..." + x`.
            b"%" | b"+" => self.last[1] == Kind::StringLike,
            // `x + (...)`.
            b"(" => self.last[1] == Kind::Plus,
            b"format" => self.last == [Kind::StringLike, Kind::Dot],
            _ => false,
        };
        self.last = [self.last[1], kind];
        found
    }
}

/// Sets what [`Lexed`] says of the `def`s and `lambda`s of `lines`: their
/// possibly mutable defaults, and whether they are in a loop.
fn closures(b: &[u8], lines: &mut [Line]) {
    // The indentation of each `for` or `while` statement whose block the
    // line being read may be in.
    let mut loops: Vec<usize> = Vec::new();
    for i in 0..lines.len() {
        let end = lines.get(i + 1).map_or(b.len(), |l| l.line_start);
        let line = &lines[i];
        while loops.last().is_some_and(|&indent| line.indent <= indent) {
            loops.pop();
        }
        let first = &b[line.first.clone()];
        let second = line.second.as_ref().map(|r| &b[r.clone()]);
        let def = line.lexed.defs > 0;
        let from = match (def, line.lambda) {
            (true, _) => Some(line.start),
            (false, lambda) => lambda,
        };
        let mutable_default = from.is_some_and(|from| {
            std::str::from_utf8(&b[from..end]).is_ok_and(super::rules::may_default_mutable)
        });
        let in_loop = !loops.is_empty() || (line.lambda.is_some() && line.lexed.r#for);
        let opens_loop =
            matches!(first, b"for" | b"while") || (first == b"async" && second == Some(b"for"));
        let lexed = &mut lines[i].lexed;
        lexed.mutable_default = mutable_default;
        lexed.closure_in_loop = (def || lexed.lambda) && in_loop;
        if opens_loop {
            loops.push(lines[i].indent);
        }
    }
}

/// What the lines outside a file's [`functions`] hold: their tokens,
/// where their decorator lines are (from the `@` to the next logical
/// line), and where their import statements are (from the line's start
/// to the next logical line's).
#[derive(Debug, Clone, Default)]
struct Outside {
    lexed: Lexed,
    decorators: Vec<Range<usize>>,
    imports: Vec<Range<usize>>,
}

/// The functions of `text` a skimmed parse may leave the body of, in
/// order (see [`Function`]), and what the lines outside them hold. A
/// function whose body starts on its header's line, or whose body's
/// first line holds fewer than three bytes, is not one; `None` when the
/// brackets of `text` do not balance.
fn functions(text: &str) -> Option<(Vec<Function>, Outside)> {
    let b = text.as_bytes();
    let lines = logical_lines(b)?;
    let word = |r: &Range<usize>| &b[r.clone()];
    let is_def = |l: &Line| {
        word(&l.first) == b"def"
            || (word(&l.first) == b"async" && l.second.as_ref().is_some_and(|s| word(s) == b"def"))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        if line.indent != 0 {
            i += 1;
            continue;
        }
        if is_def(line) {
            if let Some(f) = function(text, &lines, i) {
                out.push(f);
            }
        } else if word(&line.first) == b"class"
            && let Some(body) = lines.get(i + 1).filter(|l| l.indent > 0)
        {
            let direct = body.indent;
            let mut j = i + 1;
            while j < lines.len() && lines[j].indent > 0 {
                if lines[j].indent == direct
                    && is_def(&lines[j])
                    && let Some(f) = function(text, &lines, j)
                {
                    out.push(f);
                }
                j += 1;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    // The lines no function holds (functions and lines are in order).
    let mut outside = Outside::default();
    let mut next = out.iter().peekable();
    for (k, line) in lines.iter().enumerate() {
        while next.peek().is_some_and(|f| f.range.end <= line.line_start) {
            next.next();
        }
        if next.peek().is_none_or(|f| f.range.start > line.line_start) {
            outside.lexed.add(&line.lexed);
            let end = lines.get(k + 1).map_or(b.len(), |n| n.line_start);
            if b[line.start] == b'@' {
                outside.decorators.push(line.start..end);
            }
            if matches!(word(&line.first), b"import" | b"from") {
                outside.imports.push(line.line_start..end);
            }
        }
    }
    Some((out, outside))
}

/// The function whose `def` line is `lines[i]`, if its body can be left
/// out.
fn function(text: &str, lines: &[Line], i: usize) -> Option<Function> {
    let b = text.as_bytes();
    let def = &lines[i];
    let body = lines.get(i + 1).filter(|l| l.indent > def.indent)?;
    let (mut start, mut first_line) = (def.line_start, i);
    for (k, d) in lines[..i].iter().enumerate().rev() {
        if d.indent != def.indent || b[d.start] != b'@' {
            break;
        }
        (start, first_line) = (d.line_start, k);
    }
    let last_line = lines[i + 1..]
        .iter()
        .position(|l| l.indent <= def.indent)
        .map_or(lines.len(), |k| i + 1 + k);
    let end = lines.get(last_line).map_or(b.len(), |l| l.line_start);
    let mut lexed = Lexed::default();
    let mut decorators = Vec::new();
    for (k, l) in lines[first_line..last_line].iter().enumerate() {
        lexed.add(&l.lexed);
        if b[l.start] == b'@' {
            let next = lines.get(first_line + k + 1).map_or(end, |n| n.line_start);
            decorators.push(l.start..next);
        }
    }
    // The hole ends at the body's last line break, so the next statement
    // starts a line of its own after the `...`.
    let last_break = b[..end].iter().rposition(|&c| c == b'\n');
    let hole_end = match last_break {
        Some(p) if end < b.len() || p + 1 == b.len() => p,
        _ => b.len(),
    };
    let first = body.start;
    let room = b.get(first..first + 3)?;
    if room.iter().any(|&c| c == b'\n' || c == b'\r')
        || !text.is_char_boundary(first + 3)
        || first + 3 >= hole_end
    {
        return None;
    }
    Some(Function {
        range: start..end,
        header_end: body.line_start,
        hole: first + 3..hole_end,
        lexed,
        decorators,
        method: def.indent > 0,
    })
}

/// What a rule's guard reads: one function's text and tokens, and what
/// the project tells.
pub(crate) struct Unit<'a> {
    pub text: &'a str,
    /// What its tokens hold.
    pub lexed: Lexed,
    /// The text of its decorator lines.
    pub decorators: Vec<&'a str>,
    /// The names of every relation the model index knows (PG601), when
    /// known.
    pub relations: Option<&'a HashSet<String>>,
}

impl<'a> Unit<'a> {
    fn of(text: &'a str, f: &Function, relations: Option<&'a HashSet<String>>) -> Unit<'a> {
        Unit {
            text: &text[f.range.clone()],
            lexed: f.lexed,
            decorators: f.decorators.iter().map(|r| &text[r.clone()]).collect(),
            relations,
        }
    }

    /// What the guards read of the code outside `text`'s [`functions`]:
    /// its text, `rest` ([`outside_text`]), its lines' tokens and
    /// decorator lines, `outside`, as if in a function of their own (one
    /// more `def`: a `def` there is a nested one to a guard).
    fn outside(
        text: &'a str,
        rest: &'a str,
        outside: &Outside,
        relations: Option<&'a HashSet<String>>,
    ) -> Unit<'a> {
        Unit {
            text: rest,
            lexed: Lexed {
                defs: outside.lexed.defs + 1,
                ..outside.lexed
            },
            decorators: outside
                .decorators
                .iter()
                .map(|r| &text[r.clone()])
                .collect(),
            relations,
        }
    }

    /// Whether `w` occurs in the function as a whole word.
    pub fn word(&self, w: &str) -> bool {
        contains_word(self.text, w)
    }

    /// Whether `w` occurs as a whole word followed by `(` (over spaces,
    /// line breaks and closing parentheses: `(qs.raw)(sql)`).
    pub fn calls(&self, w: &str) -> bool {
        let b = self.text.as_bytes();
        word_starts(self.text, w).any(|i| {
            let mut at = i + w.len();
            while b
                .get(at)
                .is_some_and(|&c| c.is_ascii_whitespace() || matches!(c, b'\\' | b')'))
            {
                at += 1;
            }
            b.get(at) == Some(&b'(')
        })
    }

    /// Where the name right after each whole-word `word` in the function
    /// is ([`name_at`]), as offsets in its text.
    pub fn names_after<'s>(&'s self, word: &'s str) -> impl Iterator<Item = Range<usize>> + 's {
        let b = self.text.as_bytes();
        word_starts(self.text, word).filter_map(move |at| name_at(b, at + word.len()))
    }

    /// Whether `w` occurs as a whole word on a decorator line.
    pub fn decorated_by(&self, w: &str) -> bool {
        self.decorators.iter().any(|d| contains_word(d, w))
    }
}

/// The text of `text` outside `functions` (in order) and outside the
/// import statements among it (`outside`): the lines between them,
/// joined. No guarded rule reports in an import statement (none looks
/// at one), so what an import spells is no guard's business; the file's
/// imports under other names are ([`Guard::renamed`]). Each cut starts
/// and ends at a line's start, so no two words of the result meet that
/// did not in `text`.
fn outside_text(text: &str, functions: &[Function], outside: &Outside) -> String {
    let mut cuts: Vec<&Range<usize>> = functions.iter().map(|f| &f.range).collect();
    cuts.extend(&outside.imports);
    cuts.sort_by_key(|r| r.start);
    let mut rest = String::new();
    let mut at = 0;
    for cut in cuts {
        rest.push_str(&text[at..cut.start.max(at)]);
        at = at.max(cut.end);
    }
    rest.push_str(&text[at..]);
    rest
}

/// The name starting at the first byte of `b` at or after `at` that is no
/// whitespace and no line continuation ([`skip_space`]), if one does.
pub(crate) fn name_at(b: &[u8], at: usize) -> Option<Range<usize>> {
    let start = skip_space(b, at);
    let end = super::model_files::name_end(b, start);
    (end > start).then_some(start..end)
}

/// The first byte of `b` at or after `at` that is no whitespace and no
/// line continuation (a guard's way over the gaps between tokens).
pub(crate) fn skip_space(b: &[u8], mut at: usize) -> usize {
    while b
        .get(at)
        .is_some_and(|c| c.is_ascii_whitespace() || *c == b'\\')
    {
        at += 1;
    }
    at
}

/// A rule's unit guard: false only when no finding of the rule can start
/// in the function.
#[derive(Clone, Copy)]
pub(crate) enum Guard {
    /// Its findings spell one of its literals in the function they start
    /// in: one of them occurs there (as the pre-filter reads them in the
    /// file: as a substring), or the file imports one under another name
    /// ([`aliased`]).
    Spelled,
    /// Its findings are strings formatted where they stand given to a
    /// call of one of these names: the function calls one (as a whole
    /// word, then `(`) and may format a string
    /// ([`Lexed::formats_string`]), or the file imports one under another
    /// name.
    CallsFormatting(&'static [&'static str]),
    /// Its findings are on functions decorated with one of these names
    /// (as whole words on a decorator line), or the file imports one
    /// under another name.
    DecoratedBy(&'static [&'static str]),
    /// A test of what its construct needs.
    Test(fn(&Unit) -> bool),
    /// A test of what its construct needs, which reads these names as
    /// spelled: it gives up when the file imports one under another name.
    TestNaming(fn(&Unit) -> bool, &'static [&'static str]),
}

impl Guard {
    /// The words a guard of rule `code` looks for (none for a test).
    fn words(self, code: &str) -> Vec<&'static str> {
        match self {
            Guard::Spelled => super::rules::literals(code),
            Guard::CallsFormatting(words)
            | Guard::DecoratedBy(words)
            | Guard::TestNaming(_, words) => words.to_vec(),
            Guard::Test(_) => Vec::new(),
        }
    }

    /// Whether one of its `words` is among `renamed`, the names the file
    /// imports under another name ([`renamed_imports`]:
    /// `from x import mark_safe as ms`): a guard that looks for the word
    /// would then miss `ms(...)`. A literal counts when the name holds it
    /// (the pre-filter reads literals as substrings), a name when it is
    /// the name.
    fn renamed(self, words: &[&str], renamed: &[&str]) -> bool {
        match self {
            Guard::Spelled => renamed.iter().any(|n| words.iter().any(|w| n.contains(w))),
            Guard::CallsFormatting(_) | Guard::DecoratedBy(_) | Guard::TestNaming(..) => {
                renamed.iter().any(|n| words.contains(n))
            }
            Guard::Test(_) => false,
        }
    }

    /// Whether it passes on `unit` (`words`: [`Guard::words`]); an import
    /// under another name is not its business (see [`Guard::renamed`]).
    fn passes(self, words: &[&str], unit: &Unit) -> bool {
        match self {
            Guard::Spelled => words.iter().any(|w| unit.text.contains(w)),
            Guard::CallsFormatting(_) => {
                unit.lexed.formats_string && words.iter().any(|w| unit.calls(w))
            }
            Guard::DecoratedBy(_) => words.iter().any(|w| unit.decorated_by(w)),
            Guard::Test(test) | Guard::TestNaming(test, _) => test(unit),
        }
    }
}

/// The names before an `as` in the file's imports: an `as` after a name
/// counts when the names before it on the statement (over brackets and
/// continued lines) lead back to `import`, or to a comment (it may sit
/// inside a bracketed import).
fn renamed_imports(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for i in word_starts(text, "as") {
        let mut end = i;
        while end > 0 && (b[end - 1].is_ascii_whitespace() || b[end - 1] == b'\\') {
            end -= 1;
        }
        let mut start = end;
        while start > 0 && is_ident_byte(b[start - 1]) {
            start -= 1;
        }
        if start < end && in_import(b, start) {
            out.push(&text[start..end]);
        }
    }
    out
}

/// Whether the name at `i` may be in an import statement (see
/// [`renamed_imports`]).
fn in_import(b: &[u8], i: usize) -> bool {
    let mut at = i;
    // Whether the walk went up a line: a `#` before the name on its own
    // line makes the name part of a comment.
    let mut crossed = false;
    while at > 0 {
        let c = b[at - 1];
        if c == b'#' {
            return crossed;
        }
        if c == b'\n' || c == b'\r' {
            // A statement goes on over a line only inside brackets or
            // after a backslash: look at what ends the line above.
            let mut k = at - 1;
            while k > 0 && matches!(b[k - 1], b' ' | b'\t' | b'\r' | b'\n') {
                k -= 1;
            }
            if k == 0 || !matches!(b[k - 1], b'(' | b',' | b'\\') && !is_ident_byte(b[k - 1]) {
                break;
            }
            crossed = true;
            if is_ident_byte(b[k - 1]) && !b[..k].ends_with(b"as") {
                // A name ending the line above (`a as b` then a newline
                // in brackets, or a comment's last word).
                let line = b[..k]
                    .iter()
                    .rposition(|&c| c == b'\n')
                    .map_or(0, |p| p + 1);
                if b[line..k].contains(&b'#') {
                    return true;
                }
            }
        } else if !(is_ident_byte(c) || matches!(c, b'.' | b',' | b' ' | b'\t' | b'(' | b'\\')) {
            break;
        }
        at -= 1;
    }
    contains_word(std::str::from_utf8(&b[at..i]).unwrap_or("import"), "import")
}

/// Whether rule `code`'s guard passes on the unit of `text` that holds
/// offset `at` (a finding's start): the function a skimmed parse may
/// leave the body of that holds it, else the code outside them
/// ([`Unit::outside`]). `None` when the rule has no guard or the brackets
/// of `text` do not balance. For the tests that hold each guard to its
/// rule.
pub fn guard_at(text: &str, code: &str, at: usize, relations: &HashSet<String>) -> Option<bool> {
    let relations = Some(relations);
    let guard = super::rules::unit_guard(code)?;
    let (units, outside) = functions(text)?;
    let rest = outside_text(text, &units, &outside);
    let unit = match units.iter().find(|f| f.range.contains(&at)) {
        Some(f) => Unit::of(text, f, relations),
        None => Unit::outside(text, &rest, &outside, relations),
    };
    let words = guard.words(code);
    Some(guard.passes(&words, &unit) || guard.renamed(&words, &renamed_imports(text)))
}

/// A skimmed parse of a file: its document (the file's own text, with
/// some function bodies left out of the tree) and what the guards read of
/// it, to tell again, once the project's relations are known, where the
/// rules can fire.
pub struct Skimmed {
    doc: Document,
    /// The file's functions a skimmed parse may leave the body of, and
    /// what the lines outside them hold ([`functions`]).
    functions: Vec<Function>,
    outside: Outside,
    /// From each function whose body the parse left out, its first
    /// decorator to its body's end, in order.
    left_out: Vec<Range<usize>>,
}

impl Skimmed {
    pub fn doc(&self) -> &Document {
        &self.doc
    }
}

/// What a skimmed parse must keep beyond what the rules' guards keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Nothing more: the file declares no model class of its own
    /// ([`super::FileClasses::has_root`] is false).
    Rules,
    /// What the model index reads of methods too (`models.rs`:
    /// `self.x = ...` targets, `@property` bodies, methods returning a
    /// queryset built from `self`), so [`ModelIndex::from_document`] of
    /// the skimmed tree is the whole tree's.
    Models,
}

/// What [`parse`] gives.
pub struct Skim {
    /// No selected rule's guard passes anywhere in the file: in no
    /// function and not in the code outside them ([`Unit::outside`]), so
    /// the rules find nothing in it, whatever they would read.
    pub quiet: bool,
    /// The skimmed tree; `None` when the text can't be skimmed (the
    /// caller then parses the whole text), or is quiet and the parse is
    /// not for the model index.
    pub tree: Option<Skimmed>,
}

/// The selected rules' guards, each with the words it looks for; `None`
/// when one has no guard, or the file imports one of a guard's names
/// under another name ([`Guard::renamed`]).
fn guards(text: &str, rules: &super::RuleSet) -> Option<Vec<(Guard, Vec<&'static str>)>> {
    let mut guards = Vec::new();
    // Read on the first rule that needs them.
    let mut renamed: Option<Vec<&str>> = None;
    for code in rules.codes() {
        let guard = super::rules::unit_guard(code)?;
        let words = guard.words(code);
        if !matches!(guard, Guard::Test(_))
            && guard.renamed(&words, renamed.get_or_insert_with(|| renamed_imports(text)))
        {
            return None;
        }
        guards.push((guard, words));
    }
    Some(guards)
}

/// Where the guards pass in a file.
struct Passing {
    /// For each of its [`functions`], whether one passes on it.
    each: Vec<bool>,
    /// Whether one passes anywhere (on a function or outside them).
    any: bool,
}

/// Where `guards` pass in `text` (see [`Passing`]).
fn passing(
    text: &str,
    guards: &[(Guard, Vec<&'static str>)],
    functions: &[Function],
    outside: &Outside,
    relations: Option<&HashSet<String>>,
) -> Passing {
    let passes = |unit: &Unit| guards.iter().any(|(g, words)| g.passes(words, unit));
    let each: Vec<bool> = functions
        .iter()
        .map(|f| passes(&Unit::of(text, f, relations)))
        .collect();
    let any = each.contains(&true) || {
        let rest = outside_text(text, functions, outside);
        passes(&Unit::outside(text, &rest, outside, relations))
    };
    Passing { each, any }
}

/// `text` parsed with the bodies of the functions where none of `rules`
/// can fire left out (see the module's doc), and whether the rules can
/// fire anywhere in it. `relations` are the relation names of the
/// project's model index ([`ModelIndex::relation_names`]) or more
/// (`model_files::relation_words`), `None` when not known (PG601's guard
/// then keeps every function with a loop).
pub fn parse(
    text: &Arc<str>,
    rules: &super::RuleSet,
    relations: Option<&HashSet<String>>,
    keep: Keep,
) -> Skim {
    parse_passing(text, rules, relations, keep).0
}

/// [`parse`], and where the guards passed (`None` when it can't skim).
fn parse_passing(
    text: &Arc<str>,
    rules: &super::RuleSet,
    relations: Option<&HashSet<String>>,
    keep: Keep,
) -> (Skim, Option<Passing>) {
    let plan = guards(text, rules).and_then(|guards| {
        let (functions, outside) = functions(text)?;
        let passing = passing(text, &guards, &functions, &outside, relations);
        Some((functions, outside, passing))
    });
    let Some((functions, outside, passing)) = plan else {
        let skim = Skim {
            quiet: false,
            tree: None,
        };
        return (skim, None);
    };
    // A body's `global` statements are a module fact
    // (`rules::SKIM_EXACT_FACTS`).
    let kept = |(f, passes): (&Function, &bool)| {
        let body = &text[f.header_end..f.range.end];
        *passes
            || may_import_or_bind_in_body(body)
            || contains_word(body, "global")
            || (keep == Keep::Models
                && f.method
                && super::models::may_read_method(&Unit::of(text, f, relations), body))
    };
    let left_out: Vec<&Function> = functions
        .iter()
        .zip(&passing.each)
        .filter(|&p| !kept(p))
        .map(|(f, _)| f)
        .collect();
    // Nothing reads the tree of a quiet file but the model index.
    let doc = (passing.any || keep == Keep::Models)
        .then(|| skimmed(text, &left_out))
        .flatten();
    let left_out = left_out.iter().map(|f| f.range.clone()).collect();
    let skim = Skim {
        quiet: !passing.any,
        tree: doc.map(|doc| Skimmed {
            doc,
            functions,
            outside,
            left_out,
        }),
    };
    (skim, Some(passing))
}

/// The tree of `text` without the bodies of `left_out`; `None` when it
/// is not the whole one's but for them.
fn skimmed(text: &Arc<str>, left_out: &[&Function]) -> Option<Document> {
    let firsts = || left_out.iter().map(|f| f.body_start());
    let holes: Vec<Range<usize>> = left_out.iter().map(|f| f.hole.clone()).collect();
    let doc = match holes.is_empty() {
        true => Document::parse_skimmed(text.clone(), text, &holes),
        false => {
            let mut masked = String::with_capacity(text.len());
            let mut at = 0;
            for first in firsts() {
                masked.push_str(&text[at..first]);
                masked.push_str("...");
                at = first + 3;
            }
            masked.push_str(&text[at..]);
            Document::parse_skimmed(text.clone(), &masked, &holes)
        }
    };
    let root = doc.root();
    if root.has_error() {
        return None;
    }
    // Each left-out body must read as the `...` of a function's block.
    for first in firsts() {
        let node = root.descendant_for_byte_range(first, first + 3)?;
        let block = node
            .parent()
            .filter(|p| p.kind() == "expression_statement" && node.kind() == "ellipsis")
            .and_then(|s| s.parent())
            .filter(|b| b.kind() == "block")?;
        block
            .parent()
            .filter(|f| f.kind() == "function_definition")?;
    }
    Some(doc)
}

/// The findings of `skimmed` for `options`' rules (the rules it was
/// skimmed for, or fewer), as the whole tree's analysis reports them;
/// `None` when a rule read what the skimmed tree may not hold (see the
/// module's doc): the caller then analyses the whole text. The guards
/// are asked again with the project's `relations`: the walk leaves out
/// every function body where none passes, parsed or not, and a file
/// where none passes anywhere is not walked at all.
pub fn analyze_skimmed(
    skimmed: &Skimmed,
    models: &ModelIndex,
    relations: &HashSet<String>,
    options: &Options,
) -> Option<Vec<Finding>> {
    let text = skimmed.doc.text();
    let guards = guards(text, options.rules.as_ref()?)?;
    let outside = &skimmed.outside;
    let passing = passing(text, &guards, &skimmed.functions, outside, Some(relations));
    analyze_passing(skimmed, &passing, models, options)
}

/// [`analyze_skimmed`] where the guards pass as `passing` says.
fn analyze_passing(
    skimmed: &Skimmed,
    passing: &Passing,
    models: &ModelIndex,
    options: &Options,
) -> Option<Vec<Finding>> {
    if !passing.any {
        return Some(Vec::new());
    }
    // No finding can start in these: none of their rules' guards pass.
    let quiet: Vec<&Function> = skimmed
        .functions
        .iter()
        .zip(&passing.each)
        .filter(|(_, passes)| !**passes)
        .map(|(f, _)| f)
        .collect();
    let mut analyzer = Analyzer::new(options.clone());
    analyzer.set_skimmed(!skimmed.left_out.is_empty());
    analyzer.set_skip_bodies(quiet.iter().map(|f| f.body_start()).collect());
    let mut findings = analyzer.analyze(&skimmed.doc, models);
    if analyzer.last_other_reads() > 0 {
        return None;
    }
    // Among them the left-out bodies (the guards pass on fewer functions
    // once the relations are known, and for fewer rules), where what the
    // `...` may say is not the file's.
    let ranges: Vec<&Range<usize>> = quiet.iter().map(|f| &f.range).collect();
    debug_assert!(skimmed.left_out.iter().all(|r| ranges.contains(&r)));
    findings.retain(|f| {
        let i = ranges.partition_point(|r| r.end <= f.range.start);
        !ranges.get(i).is_some_and(|r| r.contains(&f.range.start))
    });
    Some(findings)
}

/// The findings of `options`' rules in `text` as the whole tree's
/// analysis reports them: none, unparsed, when the file is quiet for them
/// ([`Skim::quiet`]), else [`parse`] then [`analyze_skimmed`]. `keep` is
/// [`Keep::Models`] for a file with model classes of its own (the
/// analysis reads its models from the tree). `None` when the caller must
/// analyse the whole text.
pub fn analyze(
    text: &Arc<str>,
    keep: Keep,
    models: &ModelIndex,
    relations: &HashSet<String>,
    options: &Options,
) -> Option<Vec<Finding>> {
    let (skim, passing) = parse_passing(text, options.rules.as_ref()?, Some(relations), keep);
    if skim.quiet {
        return Some(Vec::new());
    }
    analyze_passing(&skim.tree?, &passing?, models, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The functions of `text`, each as (its text, its header, what the
    /// parse leaves out).
    fn check(text: &str, expect: &[(&str, &str, &str)]) {
        let got: Vec<(&str, &str, &str)> = functions(text)
            .map(|(functions, _)| functions)
            .unwrap_or_default()
            .iter()
            .map(|f| {
                (
                    &text[f.range.clone()],
                    &text[f.range.start..f.header_end],
                    &text[f.hole.clone()],
                )
            })
            .collect();
        assert_eq!(got, expect, "{text:?}");
    }

    #[test]
    fn top_level_functions_and_methods() {
        check(
            "import os\n\n@dec\ndef f(a,\n      b):\n    x = 1\n    return x\n\nX = 1\n",
            &[(
                "@dec\ndef f(a,\n      b):\n    x = 1\n    return x\n\n",
                "@dec\ndef f(a,\n      b):\n",
                " 1\n    return x\n",
            )],
        );
        check(
            "class A(B):\n    y = 2\n\n    async def m(self):\n        await g()\n    # c\n\n    def n(self): return 1\nz = 3",
            &[(
                "    async def m(self):\n        await g()\n    # c\n\n",
                "    async def m(self):\n",
                "it g()\n    # c\n",
            )],
        );
    }

    #[test]
    fn bodies_it_does_not_skim() {
        // On the header's line; too short a first line; nested in an `if`;
        // a nested class's methods.
        check("def f(): return 1\n", &[]);
        // Brackets that do not balance: a syntax error that may run on.
        check(
            "def f():\n    g(\n    return 1\n\ndef h():\n    return 2\n",
            &[],
        );
        check("def f():\n    g())\n    return 1\n", &[]);
        check("def f():\n    x\n    y = 2\n", &[]);
        check("if X:\n    def f():\n        return 1\n", &[]);
        check(
            "class A:\n    class B:\n        def f(self):\n            return 1\n",
            &[],
        );
    }

    #[test]
    fn strings_and_brackets_do_not_cut_a_body() {
        check(
            "def f():\n    s = '''\ndef g():\n    pass\n'''\n    return (1,\n2)\nend = 1\n",
            &[(
                "def f():\n    s = '''\ndef g():\n    pass\n'''\n    return (1,\n2)\n",
                "def f():\n",
                " '''\ndef g():\n    pass\n'''\n    return (1,\n2)",
            )],
        );
    }

    #[test]
    fn the_last_function_runs_to_the_end() {
        check(
            "def f():\n    return 1",
            &[("def f():\n    return 1", "def f():\n", "urn 1")],
        );
    }

    /// What the lines of `text` say of its closures: (a possibly mutable
    /// default, a closure in a loop).
    fn check_closures(text: &str, expect: (bool, bool)) {
        let mut all = Lexed::default();
        for line in logical_lines(text.as_bytes()).unwrap_or_default() {
            all.add(&line.lexed);
        }
        let got = (all.mutable_default, all.closure_in_loop);
        assert_eq!(got, expect, "{text:?}");
    }

    #[test]
    fn closures_and_their_defaults() {
        check_closures("def f(a=[], b=1):\n    pass\n", (true, false));
        check_closures("def f(a=None,\n      b=dict()):\n    pass\n", (true, false));
        check_closures("def f(a=x.y.z()):\n    pass\n", (false, false));
        check_closures(
            "def f(a=collections . defaultdict(list)):\n    pass\n",
            (true, false),
        );
        check_closures("def f(a=OrderedDict()):\n    pass\n", (true, false));
        // A tuple, or anything in parentheses, is no mutable default.
        check_closures("def f(a=(), b=([])):\n    pass\n", (false, false));
        check_closures("def f(a=frozenset()):\n    pass\n", (false, false));
        check_closures("def f(a=None, b=X):\n    x = g()\n", (false, false));
        // A call's keyword before a lambda is no default of it.
        check_closures("xs = sorted(ys, key=lambda y: y.f(a=1))\n", (false, false));
        check_closures("h = lambda a={}: a\n", (true, false));
        check_closures(
            "for x in xs:\n    def f():\n        return x\n",
            (false, true),
        );
        check_closures(
            "async for x in xs:\n    fs.append(lambda: x)\n",
            (false, true),
        );
        check_closures(
            "while x:\n    if y:\n        def f(): pass\n",
            (false, true),
        );
        check_closures("fs = [\n    lambda: x\n    for x in xs]\n", (false, true));
        // The loop's block ends before the closure.
        check_closures("for x in xs:\n    pass\nf = lambda: x\n", (false, false));
        check_closures("s = 'for x in y'\nf = lambda: 1\n", (false, false));
    }

    /// Whether each of `texts` may format a string where it stands
    /// ([`Lexed::formats_string`]).
    fn check_formats(texts: &[(&str, bool)]) {
        for (text, expect) in texts {
            let lines = logical_lines(text.as_bytes()).unwrap();
            let got = lines.iter().any(|l| l.lexed.formats_string);
            assert_eq!(got, *expect, "{text:?}");
        }
    }

    #[test]
    fn strings_formatted_where_they_stand() {
        check_formats(&[
            ("c.execute(f'SELECT {x}')\n", true),
            ("c.execute(rF\"SELECT {x}\")\n", true),
            ("c.execute('SELECT %s' % x)\n", true),
            ("c.execute(('SELECT ' 'a %s') % x)\n", true),
            ("c.execute('SELECT ' + x)\n", true),
            ("c.execute(x + 'SELECT')\n", true),
            ("c.execute(x + (y))\n", true),
            ("c.execute('SELECT {}'.format(x))\n", true),
            ("c.execute('SELECT {}' .\n format(x))\n", true),
            // Placeholders with separate parameters; formatting a name.
            ("c.execute('SELECT %s', [x])\n", false),
            ("c.execute(sql, [x % 2])\n", false),
            ("c.execute(sql.format(x))\n", false),
            ("c.execute(sql)  # 'a' % b\n", false),
            ("c.execute('''a % b''')\n", false),
            ("n = a + b\n", false),
        ]);
    }

    /// Whether a call guard of `words` sees an import of one under
    /// another name in `text`.
    fn aliased(text: &str, words: &'static [&'static str]) -> bool {
        Guard::CallsFormatting(words).renamed(words, &renamed_imports(text))
    }

    #[test]
    fn an_alias_is_seen() {
        assert!(aliased(
            "from x import (\n  mark_safe  as ms)\n",
            &["mark_safe"]
        ));
        assert!(aliased(
            "from x import executemany as em\n",
            &["executemany"]
        ));
        // A name holding the word is another name.
        assert!(!aliased("from x import executed as e\n", &["execute"]));
        assert!(Guard::Spelled.renamed(&["mark_safe"], &["mark_safe_lazy"]));
        assert!(aliased(
            "from x import (\n    a as b,\n    raw as r,\n)\n",
            &["raw"]
        ));
        assert!(aliased(
            "from x import (  # c\n    raw as r,\n)\n",
            &["raw"]
        ));
        assert!(aliased("import a.raw as r\n", &["raw"]));
        // A comment's `as` is none of an import's.
        assert!(!aliased("x = 1  # keep a set as the key\n", &["set"]));
        assert!(!aliased("# from x import raw as r\n", &["raw"]));
        assert!(!aliased(
            "from x import mark_safe\nmark_safe_as = 1\n",
            &["mark_safe"]
        ));
        assert!(!aliased(
            "try:\n    f()\nexcept (A,\n        CancelledError) as e:\n    pass\n",
            &["CancelledError"]
        ));
        assert!(!aliased("with raw_cursor() as c:\n    pass\n", &["raw"]));
    }
}
