//! Which files of a project the model index (`models.rs`) needs, decided
//! from their bytes alone, before anything is parsed.
//!
//! `check` builds the project's model index before it runs the detectors,
//! and parsing is most of its cost: a file parsed for the index is held
//! until the detectors are done with it. Django's own tree has 218 files
//! that mention `class` and `models`, but 49 hold a class the index needs.
//!
//! A light lexer ([`scan`]) reads each file's class headers (skipping
//! strings, comments and bracketed continuation lines): the class's name,
//! the identifiers of its bases, and whether it is a *root*, a class the
//! index may record as a model, manager or queryset on its own:
//! - a base is named `Model`, `AbstractUser`, `AbstractBaseUser`,
//!   `Manager`, `BaseManager`, `QuerySet` or `from_queryset` (or an
//!   import alias of one: `Model as DjangoModel`);
//! - or its body mentions a field or a manager (`Field`, `ForeignKey`,
//!   `Manager`, `QuerySet`, `as_manager`, `from_queryset`, or an alias
//!   of one), the other ways `models.rs` marks a class as a model.
//!
//! [`needed`] then follows the bases by name across files: the roots,
//! every class deriving from one (a model's subclass is a model), and
//! every class those derive from (a mixin's attributes are a model's).
//! A file is needed when it holds a class of one of those names. Every
//! class the index records and any query reads is among them: a class
//! outside them is neither a model, a manager nor a queryset, and no
//! model, manager or queryset derives from it. The test is a superset by
//! construction (an identifier, not a resolved name; a body read to the
//! next line indented no deeper than the header), so it can cost a parse,
//! never a finding. `tests/model_files.rs` checks that on every fixture.

use std::collections::{HashMap, HashSet};

/// Base names that make a class a model, manager or queryset by
/// themselves (the last segment of `models.rs`'s `MODEL_BASES` and
/// `MANAGER_BASES`, and a `from_queryset(...)` base).
const ROOT_BASES: &[&str] = &[
    "Model",
    "AbstractUser",
    "AbstractBaseUser",
    "Manager",
    "BaseManager",
    "QuerySet",
    "from_queryset",
];

/// Words without which a class body declares no model field and no
/// manager (`models.rs`'s `field`, `declares_model_field`, `manager_call`):
/// every field class's name ends in `Field` or `ForeignKey`.
const BODY_SIGNALS: &[&str] = &[
    "Field",
    "ForeignKey",
    "Manager",
    "QuerySet",
    "as_manager",
    "from_queryset",
];

/// What a file's class headers say, for [`needed`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileClasses {
    classes: Vec<ClassHead>,
}

impl FileClasses {
    /// Whether the file defines no class with a base.
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }

    /// Whether a class is a model, manager or queryset by its own bases or
    /// body (see the module's doc).
    pub fn has_root(&self) -> bool {
        self.classes.iter().any(|c| c.root)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ClassHead {
    name: String,
    /// Every identifier between the header's parentheses.
    bases: Vec<String>,
    /// A model, manager or queryset by its bases or body alone.
    root: bool,
}

/// The classes with bases that `text` defines (nested ones too).
pub fn scan(text: &str) -> FileClasses {
    if !text.contains("class") {
        return FileClasses::default();
    }
    let (lines, aliases) = logical_lines(text.as_bytes());
    let bytes = text.as_bytes();
    let mut classes = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(head) = &line.class else { continue };
        if head.bases.is_empty() {
            // `models.rs` records no class without a base.
            continue;
        }
        let root = head
            .bases
            .iter()
            .any(|b| ROOT_BASES.contains(&b.as_str()) || aliases.contains(b.as_str()))
            || body_lines(&lines, i, bytes.len())
                .any(|(start, end)| assigns_signal(&text[start..end], &aliases));
        classes.push(ClassHead {
            name: head.name.clone(),
            bases: head.bases.clone(),
            root,
        });
    }
    FileClasses { classes }
}

/// Every name a relation the model index reads from `text` may have
/// (`ModelIndex::relation_names`), and more, from bytes alone: for each
/// class with bases, its name lowercased, with and without `_set` (the
/// default reverse accessors), and in its direct statements every name
/// before an `=` or a `:` (its fields' names, keyword arguments too), the
/// string after each `related_name=`, and the name of each method under a
/// decorator naming `property`.
pub fn relation_words(text: &str) -> Vec<String> {
    if !text.contains("class") {
        return Vec::new();
    }
    let (lines, _) = logical_lines(text.as_bytes());
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(head) = line.class.as_ref().filter(|h| !h.bases.is_empty()) else {
            continue;
        };
        let lower = head.name.to_lowercase();
        out.push(format!("{lower}_set"));
        out.push(lower);
        let mut property = false;
        for (start, end) in body_lines(&lines, i, text.len()) {
            statement_words(&text[start..end], &mut property, &mut out);
        }
    }
    out
}

/// What one direct statement of a class body adds to [`relation_words`];
/// `property` says whether the decorators read so far (the statements
/// before, up to a `def`) name `property`.
fn statement_words(statement: &str, property: &mut bool, out: &mut Vec<String>) {
    let mut lexer = Lexer::new(statement.as_bytes());
    let tokens: Vec<Tok> = std::iter::from_fn(|| lexer.next()).collect();
    let text = |t: &Tok| &statement[t.start..t.end];
    let decorated = *property;
    *property = tokens.first().is_some_and(|t| text(t) == "@")
        && (decorated
            || tokens
                .iter()
                .any(|t| t.ident && text(t).contains("property")));
    for (k, t) in tokens.iter().enumerate().filter(|(_, t)| t.ident) {
        let next = tokens.get(k + 1);
        match (text(t), next.map(text)) {
            ("def", _) if decorated => {
                out.extend(next.filter(|n| n.ident).map(|n| text(n).to_string()));
            }
            ("related_name", Some("=")) => {
                let value = tokens.get(k + 2).filter(|v| !v.ident).map(text);
                let unquoted =
                    value.map(|v| v.trim_start_matches(|c: char| c.is_ascii_alphabetic()));
                out.extend(unquoted.map(|v| v.trim_matches(['"', '\'']).to_string()));
            }
            (name, Some("=" | ":")) => out.push(name.to_string()),
            _ => {}
        }
    }
}

/// The byte ranges of the statements directly in the body of the class
/// whose header is `lines[i]`, where `models.rs` reads fields and
/// managers (the header's own line too: `class A(B): x = F()`).
fn body_lines(lines: &[Line], i: usize, len: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let header = &lines[i];
    let body = lines[i + 1..]
        .iter()
        .take_while(move |l| l.indent > header.indent);
    let direct = lines.get(i + 1).map(|l| l.indent);
    let ends = lines[i + 1..].iter().map(|l| l.start).chain([len]);
    std::iter::once((header.start, lines.get(i + 1).map_or(len, |l| l.start))).chain(
        body.zip(ends.skip(1))
            .filter(move |(l, _)| Some(l.indent) == direct)
            .map(|(l, end)| (l.start, end)),
    )
}

/// Whether a statement assigns a call whose callee names a field or a
/// manager: after an `=` outside brackets, a dotted name holding a body
/// signal or an alias, then `(` (`author = models.ForeignKey(`, `objects =
/// PostQuerySet.as_manager(`, `b: Rel = FK(`), what `models.rs` reads as a
/// field or a manager.
fn assigns_signal(statement: &str, aliases: &HashSet<String>) -> bool {
    /// Where the reading of `= dotted.name(` is.
    enum At {
        /// Not after a top-level `=`.
        Nothing,
        /// Just after it: a name comes next.
        Assigned,
        /// Reading the callee from this byte; a `.` or a `(` comes next.
        Name(usize),
        /// After `.`: the next segment comes next.
        Dot(usize),
    }
    let b = statement.as_bytes();
    let mut lexer = Lexer::new(b);
    let mut at = At::Nothing;
    let mut last_end = 0;
    while let Some(t) = lexer.next() {
        let byte = (t.end - t.start == 1).then(|| b[t.start]);
        at = match (at, byte) {
            (At::Assigned, _) if t.ident => At::Name(t.start),
            (At::Name(from), Some(b'.')) => At::Dot(from),
            (At::Dot(from), _) if t.ident => At::Name(from),
            (At::Name(from), Some(b'(')) => {
                let callee = &statement[from..last_end];
                if BODY_SIGNALS.iter().any(|s| callee.contains(s))
                    || aliases.iter().any(|a| contains_word(callee, a))
                {
                    return true;
                }
                At::Nothing
            }
            _ => {
                let assigns = lexer.depth == 0
                    && byte == Some(b'=')
                    && b.get(t.end) != Some(&b'=')
                    && !t
                        .start
                        .checked_sub(1)
                        .is_some_and(|p| b"=!<>".contains(&b[p]));
                if assigns { At::Assigned } else { At::Nothing }
            }
        };
        last_end = t.end;
    }
    false
}

/// Which of `files` the model index needs (same order).
pub fn needed<'f>(files: impl IntoIterator<Item = &'f FileClasses>) -> Vec<bool> {
    let files: Vec<&FileClasses> = files.into_iter().collect();
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut bases: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut models: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&str> = Vec::new();
    for c in files.iter().flat_map(|f| &f.classes) {
        for b in &c.bases {
            children.entry(b).or_default().push(&c.name);
            bases.entry(&c.name).or_default().push(b);
        }
        if c.root {
            stack.push(&c.name);
        }
    }
    // Roots and everything deriving from them.
    while let Some(name) = stack.pop() {
        if models.insert(name) {
            stack.extend(children.get(name).into_iter().flatten());
        }
    }
    // And everything those derive from.
    let mut wanted = models.clone();
    let mut stack: Vec<&str> = models.iter().copied().collect();
    while let Some(name) = stack.pop() {
        for b in bases.get(name).into_iter().flatten() {
            if wanted.insert(b) {
                stack.push(b);
            }
        }
    }
    files
        .iter()
        .map(|f| f.classes.iter().any(|c| wanted.contains(c.name.as_str())))
        .collect()
}

/// One logical line: where it starts, its indentation, and its class
/// header if it is one.
#[derive(Debug)]
struct Line {
    start: usize,
    indent: usize,
    class: Option<Head>,
}

#[derive(Debug, Default)]
struct Head {
    name: String,
    bases: Vec<String>,
}

/// Where a class header is in being read.
enum HeadState {
    None,
    /// After `class`: the name comes next.
    Name,
    /// After the name: `(` opens the bases.
    AfterName,
    /// Between the parentheses opened at this bracket depth.
    Bases(usize),
}

/// The logical lines of `b` (blank and comment-only lines left out), with
/// the class headers among them; and the names `X as Y` binds where `X`
/// is a root base or carries a body signal (`Model as DjangoModel`,
/// `ForeignKey as FK`): the file may spell those through `Y`.
fn logical_lines(b: &[u8]) -> (Vec<Line>, HashSet<String>) {
    let mut lines: Vec<Line> = Vec::new();
    let mut aliases = HashSet::new();
    let mut state = HeadState::None;
    let mut lexer = Lexer::new(b);
    let mut last: [Option<(usize, usize)>; 2] = [None, None];
    while let Some(tok) = lexer.next() {
        let here = tok.ident.then_some((tok.start, tok.end));
        if let (Some(x), Some(r#as), Some(y)) = (last[0], last[1], here)
            && &b[r#as.0..r#as.1] == b"as"
            && is_signal(&b[x.0..x.1])
        {
            aliases.insert(String::from_utf8_lossy(&b[y.0..y.1]).into_owned());
        }
        last = [last[1], here];
        if let Some(indent) = tok.first_of_line {
            if let Some(line) = lines.last_mut() {
                finish(line, &mut state);
            }
            lines.push(Line {
                start: tok.start,
                indent,
                class: None,
            });
            if tok.ident && &b[tok.start..tok.end] == b"class" {
                state = HeadState::Name;
                continue;
            }
        }
        let Some(line) = lines.last_mut() else {
            continue;
        };
        state = match state {
            HeadState::None => HeadState::None,
            HeadState::Name if tok.ident => {
                line.class = Some(Head {
                    name: String::from_utf8_lossy(&b[tok.start..tok.end]).into_owned(),
                    bases: Vec::new(),
                });
                HeadState::AfterName
            }
            HeadState::AfterName if &b[tok.start..tok.end] == b"(" => HeadState::Bases(lexer.depth),
            HeadState::Bases(open) if lexer.depth >= open => {
                if tok.ident
                    && let Some(head) = &mut line.class
                {
                    head.bases
                        .push(String::from_utf8_lossy(&b[tok.start..tok.end]).into_owned());
                }
                HeadState::Bases(open)
            }
            _ => HeadState::None,
        };
    }
    if let Some(line) = lines.last_mut() {
        finish(line, &mut state);
    }
    (lines, aliases)
}

/// Ends a line's header: one cut short (no name) is no header.
fn finish(line: &mut Line, state: &mut HeadState) {
    if matches!(state, HeadState::Name) {
        line.class = None;
    }
    *state = HeadState::None;
}

/// Whether an imported name is a root base or carries a body signal.
fn is_signal(name: &[u8]) -> bool {
    let name = String::from_utf8_lossy(name);
    ROOT_BASES.contains(&name.as_ref()) || BODY_SIGNALS.iter().any(|s| name.contains(s))
}

/// Whether `word` occurs in `text` as a whole identifier.
pub(crate) fn contains_word(text: &str, word: &str) -> bool {
    word_starts(text, word).next().is_some()
}

/// Where `word` starts in `text` as a whole identifier (no name byte
/// right before or after it).
pub(crate) fn word_starts<'t>(text: &'t str, word: &'t str) -> impl Iterator<Item = usize> + 't {
    let b = text.as_bytes();
    text.match_indices(word)
        .map(|(i, _)| i)
        .filter(move |&i| is_whole_word(b, i, i + word.len()))
}

/// Whether `b[start..end]` is not part of a longer name.
pub(crate) fn is_whole_word(b: &[u8], start: usize, end: usize) -> bool {
    let before = start.checked_sub(1).map(|j| b[j]);
    !before.is_some_and(is_ident_byte) && !b.get(end).is_some_and(|&c| is_ident_byte(c))
}

/// The end of the name starting at `at` (`at` itself when none does).
pub(crate) fn name_end(b: &[u8], mut at: usize) -> usize {
    while b.get(at).is_some_and(|&c| is_ident_byte(c)) {
        at += 1;
    }
    at
}

/// Whether byte `c` may be part of a Python name (any non-ASCII byte
/// counts, as a name may hold non-ASCII letters); the byte scans before
/// the walks (`imports`, `models`) use it too.
pub(crate) fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// One token: an identifier (or keyword), or any other byte outside
/// strings and comments. Strings and numbers' digits are skipped whole.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) ident: bool,
    /// The indentation (in columns, a tab to the next multiple of 8) when
    /// this is the first token of a logical line.
    pub(crate) first_of_line: Option<usize>,
}

/// A Python lexer that knows only what [`logical_lines`] (and
/// `skim.rs`'s function finder) needs: strings
/// (any prefix, triple-quoted, escapes), comments, bracket depth and
/// backslash continuations. Error-tolerant: an unterminated one-line
/// string ends at its line, an unterminated triple-quoted one at the end.
pub(crate) struct Lexer<'a> {
    b: &'a [u8],
    i: usize,
    /// Open brackets: newlines inside them continue the line.
    depth: usize,
    /// A closing bracket came with none open.
    stray_close: bool,
    /// The next token starts a logical line.
    line_start: bool,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(b: &'a [u8]) -> Lexer<'a> {
        Lexer {
            b,
            // A byte order mark is no part of the first line's first token.
            i: if b.starts_with("\u{feff}".as_bytes()) {
                3
            } else {
                0
            },
            depth: 0,
            stray_close: false,
            line_start: true,
        }
    }

    /// Whether the brackets read so far balance: none left open, none
    /// closed that was not open.
    pub(crate) fn balanced(&self) -> bool {
        self.depth == 0 && !self.stray_close
    }

    pub(crate) fn next(&mut self) -> Option<Tok> {
        let b = self.b;
        let mut indent = 0;
        let mut counting = self.line_start;
        loop {
            let c = *b.get(self.i)?;
            match c {
                b' ' | b'\x0c' => {
                    indent += 1;
                    self.i += 1;
                }
                b'\t' => {
                    indent = (indent / 8 + 1) * 8;
                    self.i += 1;
                }
                b'\r' | b'\n' => {
                    self.i += 1;
                    if self.depth == 0 {
                        self.line_start = true;
                        counting = true;
                        indent = 0;
                    }
                }
                b'#' => {
                    while self.i < b.len() && b[self.i] != b'\n' && b[self.i] != b'\r' {
                        self.i += 1;
                    }
                }
                b'\\' if matches!(b.get(self.i + 1), Some(b'\n' | b'\r')) => {
                    // A continuation: the next line goes on this one.
                    let crlf =
                        b.get(self.i + 1) == Some(&b'\r') && b.get(self.i + 2) == Some(&b'\n');
                    self.i += if crlf { 3 } else { 2 };
                    counting = false;
                }
                _ => break,
            }
        }
        let first_of_line = (self.line_start && counting).then_some(indent);
        self.line_start = false;
        let start = self.i;
        let c = b[start];
        if c == b'"' || c == b'\'' {
            self.string(start);
            return Some(Tok {
                start,
                end: self.i,
                ident: false,
                first_of_line,
            });
        }
        if is_ident_byte(c) {
            while self.i < b.len() && is_ident_byte(b[self.i]) {
                self.i += 1;
            }
            // A string prefix (`f"`, `rb'`): the string belongs to it.
            if self.i < b.len()
                && (b[self.i] == b'"' || b[self.i] == b'\'')
                && self.i - start <= 2
                && b[start..self.i].iter().all(|c| b"rRbBuUfFtT".contains(c))
            {
                let quote = self.i;
                self.string(quote);
                return Some(Tok {
                    start,
                    end: self.i,
                    ident: false,
                    first_of_line,
                });
            }
            return Some(Tok {
                start,
                end: self.i,
                ident: !c.is_ascii_digit(),
                first_of_line,
            });
        }
        match c {
            b'(' | b'[' | b'{' => self.depth += 1,
            b')' | b']' | b'}' => {
                self.stray_close |= self.depth == 0;
                self.depth = self.depth.saturating_sub(1);
            }
            _ => {}
        }
        self.i += 1;
        Some(Tok {
            start,
            end: self.i,
            ident: false,
            first_of_line,
        })
    }

    /// Skips the string whose opening quote is at `at`.
    fn string(&mut self, at: usize) {
        let b = self.b;
        let q = b[at];
        let triple = b.get(at + 1) == Some(&q) && b.get(at + 2) == Some(&q);
        self.i = at + if triple { 3 } else { 1 };
        while self.i < b.len() {
            match b[self.i] {
                b'\\' => self.i += 2,
                c if c == q => {
                    if !triple {
                        self.i += 1;
                        return;
                    }
                    if b.get(self.i + 1) == Some(&q) && b.get(self.i + 2) == Some(&q) {
                        self.i += 3;
                        return;
                    }
                    self.i += 1;
                }
                b'\n' | b'\r' if !triple => return,
                _ => self.i += 1,
            }
        }
        self.i = self.i.min(b.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which of `files` are needed, as their indexes.
    fn check(files: &[&str], expect: &[usize]) {
        let scanned: Vec<FileClasses> = files.iter().map(|t| scan(t)).collect();
        let got: Vec<usize> = needed(&scanned)
            .iter()
            .enumerate()
            .filter(|(_, n)| **n)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(got, expect, "{scanned:#?}");
    }

    #[test]
    fn roots_by_base() {
        check(&["class A(models.Model):\n    x = 1\n"], &[0]);
        check(&["class A(Model): pass"], &[0]);
        check(&["class M(models.Manager): pass"], &[0]);
        check(&["class Q(QuerySet): pass"], &[0]);
        check(&["class M(models.Manager.from_queryset(Q)): pass"], &[0]);
        check(&["class U(AbstractUser): pass"], &[0]);
        // Not a root: a name that merely contains one.
        check(
            &["class A(admin.ModelAdmin):\n    list_display = []\n"],
            &[],
        );
        check(&["class F(forms.ModelForm): pass"], &[]);
        // No base, no record.
        check(&["class A:\n    x = models.ForeignKey(B)\n"], &[]);
        check(&["class A():\n    x = models.ForeignKey(B)\n"], &[]);
    }

    #[test]
    fn roots_by_alias() {
        check(
            &["from django.db.models import Model as DjangoModel\nclass A(DjangoModel): pass\n"],
            &[0],
        );
        check(
            &[
                "from django.db.models import ForeignKey as FK\nclass A(Base):\n    b = FK(B, on_delete=CASCADE)\n",
            ],
            &[0],
        );
        check(&["import x as y\nclass A(Base):\n    b = y(1)\n"], &[]);
    }

    #[test]
    fn roots_by_body() {
        check(
            &[
                "class A(TimeStamped):\n    \"\"\"Doc.\n\nclass Fake(models.Model) in a string\n\"\"\"\n    b = models.ForeignKey(B)\n",
            ],
            &[0],
        );
        // The body ends at the next line indented no deeper.
        check(
            &["class A(Base):\n    x = 1\n\nb = models.ForeignKey(B)\n"],
            &[],
        );
        // Continuation lines belong to the header's line.
        check(
            &["class A(\n    Base,\n    Mixin,\n):\n    b = models.CharField()\n"],
            &[0],
        );
        // A comment or a string mentioning a field is skipped by the header,
        // not by the body (which is read as bytes, a superset).
        check(&["# class A(Model):\nclass B(Base):\n    pass\n"], &[]);
        check(
            &["s = '''\nclass A(Model):\n'''\nclass B(Base): pass\n"],
            &[],
        );
    }

    #[test]
    fn body_assignments() {
        let yes = [
            "class A(B):\n    output_field = FloatField()\n",
            "class A(B):\n    author: Author = models.ForeignKey(Author)\n",
            "class A(B):\n    objects = PostQuerySet.as_manager()\n",
            "class A(B):\n    objects = models.Manager.from_queryset(Q)()\n",
            "class A(B):\n    x = 1; y = models.ForeignKey(X)\n",
            "class A(B): x = models.ForeignKey(X)\n",
            "class A(B):\n    x = (\n        1\n    )\n    y = models.\\\n        ForeignKey(X)\n",
        ];
        for text in yes {
            check(&[text], &[0]);
        }
        let no = [
            // A keyword argument, a comparison, a nested block, a string.
            "class A(B):\n    ops = [Op(field=models.ForeignKey(X))]\n",
            "class A(B):\n    same = x == models.Field(1)\n",
            "class A(B):\n    if X:\n        y = models.ForeignKey(X)\n",
            "class A(B):\n    doc = 'y = models.ForeignKey('\n",
            "class A(B):\n    def f(self):\n        y = models.ForeignKey(X)\n",
            "class A(B):\n    y = make(models.ForeignKey)\n",
        ];
        for text in no {
            check(&[text], &[]);
        }
    }

    #[test]
    fn bases_followed_across_files() {
        let abstract_models =
            "class AbstractOrder(models.Model):\n    class Meta:\n        abstract = True\n";
        let concrete = "from .abstract_models import *\nclass Order(AbstractOrder):\n    pass\n";
        let grandchild = "class SpecialOrder(Order, Mixin):\n    pass\n";
        let mixin = "class Mixin(Base):\n    def total(self): ...\n";
        let base = "class Base(object):\n    pass\n";
        let unrelated = "class Form(Base2):\n    pass\nclass Other(Mixin2): pass\n";
        check(
            &[
                abstract_models,
                concrete,
                grandchild,
                mixin,
                base,
                unrelated,
            ],
            &[0, 1, 2, 3, 4],
        );
        // A sibling of a model's mixin is not needed.
        let view = "class View(Mixin): pass";
        let thing = "class Thing(Mixin, Model): pass";
        check(&[mixin, view, base, thing], &[0, 2, 3]);
        // No model, nothing needed.
        check(&[mixin, view, base], &[]);
    }

    #[test]
    fn nested_and_odd_headers() {
        // A nested class.
        check(
            &["if True:\n    class A(models.Model):\n        pass\n"],
            &[0],
        );
        // A tab-indented body, a backslash continuation.
        check(&["class A(Base):\n\tb = models.ForeignKey(X)\n"], &[0]);
        check(
            &["class A \\\n  (Base):\n  b = models.ForeignKey(X)\n"],
            &[0],
        );
        // `class` as part of a line, or an attribute, is no header.
        check(&["x.class_(Model)\nklass = 1\n"], &[]);
        // String prefixes and escaped quotes.
        check(
            &["s = rb'it\\'s'\nt = f\"{x}\"\nclass A(Model): pass\n"],
            &[0],
        );
        // Non-ASCII names; a byte order mark before the first header.
        check(&["class Café(models.Model): pass\n"], &[0]);
        check(&["\u{feff}class A(Model): pass\n"], &[0]);
        // An unterminated string ends at its line.
        check(&["s = 'oops\nclass A(Model): pass\n"], &[0]);
    }
}
