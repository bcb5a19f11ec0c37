//! Practice cards: the gradable questions each topic carries in its front
//! matter (`key_points` and `[[cards]]`, see `index/README.md`).
//!
//! This module owns the card format and its validation. It parses the raw
//! TOML tables into plain [`Card`] data and reports every problem with the
//! line of the card it concerns. It knows nothing of the detectors (a spot
//! card's rule code is checked by the tests that run the detectors over it),
//! of scheduling or of storage.

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// At least this many key points when a topic lists them.
pub const KEY_POINTS_MIN: usize = 2;
/// At most this many key points: what a good answer names, not an essay.
pub const KEY_POINTS_MAX: usize = 6;
/// A multiple-choice card has this many wrong options, at least...
pub const WRONG_MIN: usize = 2;
/// ...and at most.
pub const WRONG_MAX: usize = 4;
/// The longest prompt, option or key point, in characters.
pub const TEXT_MAX_CHARS: usize = 400;
/// The longest snippet of an output or spot card, in lines: a card is read
/// in a terminal or a small webview.
pub const CODE_MAX_LINES: usize = 30;

/// One gradable card of a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Card {
    /// Unique within its topic (kebab-case); the stable key of its schedule
    /// is `"<topic-id>#<id>"`.
    pub id: String,
    /// What the card asks, one or two sentences.
    pub prompt: String,
    #[serde(flatten)]
    pub kind: CardKind,
    /// 1-based line of the card's `[[cards]]` table in the topic file.
    #[serde(skip)]
    pub line: usize,
}

/// What kind of answer a card expects, with what grades it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CardKind {
    /// Pick the right option; each wrong option is a misconception the guide
    /// corrects.
    Choice {
        answer: String,
        /// Why the answer is right, shown after grading.
        why: String,
        wrong: Vec<WrongOption>,
    },
    /// Predict the exact standard output of a short, self-contained snippet
    /// run with `python3`.
    Output { code: String, output: String },
    /// Find the problem in a snippet: the detectors report `rule` at `line`
    /// (1-based, within `code`).
    Spot {
        code: String,
        rule: String,
        line: usize,
    },
}

impl CardKind {
    /// The kind's name as written in the file: `choice`, `output` or `spot`.
    pub fn name(&self) -> &'static str {
        match self {
            CardKind::Choice { .. } => "choice",
            CardKind::Output { .. } => "output",
            CardKind::Spot { .. } => "spot",
        }
    }
}

/// A wrong option of a multiple-choice card and why it is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrongOption {
    pub option: String,
    pub why: String,
}

/// A `[[cards]]` table as written, before validation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCard {
    id: Spanned<String>,
    kind: Spanned<String>,
    prompt: Spanned<String>,
    answer: Option<Spanned<String>>,
    why: Option<Spanned<String>>,
    #[serde(default)]
    wrong: Vec<Spanned<WrongOption>>,
    code: Option<Spanned<String>>,
    output: Option<Spanned<String>>,
    rule: Option<Spanned<String>>,
    line: Option<Spanned<usize>>,
}

/// A problem found in the cards: the byte span to report and the message.
pub(super) type Problem = (std::ops::Range<usize>, String);

/// Validates `key_points`; returns the normalised points and the problems.
pub(super) fn key_points(points: &[Spanned<String>]) -> (Vec<String>, Vec<Problem>) {
    let mut problems = Vec::new();
    if !points.is_empty() && !(KEY_POINTS_MIN..=KEY_POINTS_MAX).contains(&points.len()) {
        problems.push((
            points[0].span(),
            format!(
                "`key_points` has {} entries; a model answer names {KEY_POINTS_MIN} to {KEY_POINTS_MAX}",
                points.len()
            ),
        ));
    }
    let mut out = Vec::new();
    for p in points {
        let text = super::parse::normalize_ws(p.get_ref());
        if let Some(msg) = text_problem("`key_points` entry", &text) {
            problems.push((p.span(), msg));
        }
        out.push(text);
    }
    (out, problems)
}

/// Validates every card; returns the cards that passed (with their lines
/// filled in by `line_of`) and the problems of the others.
pub(super) fn cards(
    raw: Vec<Spanned<RawCard>>,
    line_of: impl Fn(usize) -> usize,
) -> (Vec<Card>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut out: Vec<Card> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for spanned in raw {
        let span = spanned.span();
        let raw = spanned.into_inner();
        let before = problems.len();
        let id = raw.id.get_ref().clone();
        if !super::parse::is_kebab(&id) {
            problems.push((
                raw.id.span(),
                format!("card `id` {id:?} is not kebab-case (a-z, 0-9, '-')"),
            ));
        } else if ids.contains(&id) {
            problems.push((raw.id.span(), format!("card `id` {id:?} is used twice")));
        }
        ids.push(id.clone());
        let prompt = super::parse::normalize_ws(raw.prompt.get_ref());
        if let Some(msg) = text_problem("card `prompt`", &prompt) {
            problems.push((raw.prompt.span(), msg));
        }
        let kind = card_kind(&raw, &span, &mut problems);
        if problems.len() == before
            && let Some(kind) = kind
        {
            out.push(Card {
                id,
                prompt,
                kind,
                line: line_of(span.start),
            });
        }
    }
    (out, problems)
}

/// Which fields each kind takes, for the "does not take" message.
const FIELDS: [(&str, &[&str]); 3] = [
    ("choice", &["answer", "why", "wrong"]),
    ("output", &["code", "output"]),
    ("spot", &["code", "rule", "line"]),
];

fn card_kind(
    raw: &RawCard,
    span: &std::ops::Range<usize>,
    problems: &mut Vec<Problem>,
) -> Option<CardKind> {
    let kind = raw.kind.get_ref().as_str();
    let Some((_, takes)) = FIELDS.iter().find(|(k, _)| *k == kind) else {
        problems.push((
            raw.kind.span(),
            format!("card `kind` {kind:?} is not one of \"choice\", \"output\", \"spot\""),
        ));
        return None;
    };
    let present: [(&str, Option<std::ops::Range<usize>>); 7] = [
        ("answer", raw.answer.as_ref().map(Spanned::span)),
        ("why", raw.why.as_ref().map(Spanned::span)),
        ("wrong", raw.wrong.first().map(Spanned::span)),
        ("code", raw.code.as_ref().map(Spanned::span)),
        ("output", raw.output.as_ref().map(Spanned::span)),
        ("rule", raw.rule.as_ref().map(Spanned::span)),
        ("line", raw.line.as_ref().map(Spanned::span)),
    ];
    for (name, at) in &present {
        if let Some(at) = at
            && !takes.contains(name)
        {
            problems.push((
                at.clone(),
                format!("a `{kind}` card does not take `{name}`"),
            ));
        }
    }
    let missing = |name: &str, problems: &mut Vec<Problem>| {
        problems.push((span.clone(), format!("a `{kind}` card needs `{name}`")));
    };
    match kind {
        "choice" => {
            let (Some(answer), Some(why)) = (&raw.answer, &raw.why) else {
                if raw.answer.is_none() {
                    missing("answer", problems);
                }
                if raw.why.is_none() {
                    missing("why", problems);
                }
                return None;
            };
            let answer_text = super::parse::normalize_ws(answer.get_ref());
            if let Some(msg) = text_problem("card `answer`", &answer_text) {
                problems.push((answer.span(), msg));
            }
            let why_text = super::parse::normalize_ws(why.get_ref());
            if let Some(msg) = text_problem("card `why`", &why_text) {
                problems.push((why.span(), msg));
            }
            if !(WRONG_MIN..=WRONG_MAX).contains(&raw.wrong.len()) {
                problems.push((
                    span.clone(),
                    format!(
                        "a `choice` card has {WRONG_MIN} to {WRONG_MAX} `wrong` options; this one has {}",
                        raw.wrong.len()
                    ),
                ));
            }
            let mut seen = vec![answer_text.to_lowercase()];
            let mut wrong = Vec::new();
            for w in &raw.wrong {
                let option = super::parse::normalize_ws(&w.get_ref().option);
                let why = super::parse::normalize_ws(&w.get_ref().why);
                for (name, text) in [("option", &option), ("why", &why)] {
                    if let Some(msg) = text_problem(&format!("`wrong` {name}"), text) {
                        problems.push((w.span(), msg));
                    }
                }
                if seen.contains(&option.to_lowercase()) {
                    problems.push((w.span(), format!("option {option:?} is listed twice")));
                }
                seen.push(option.to_lowercase());
                wrong.push(WrongOption { option, why });
            }
            Some(CardKind::Choice {
                answer: answer_text,
                why: why_text,
                wrong,
            })
        }
        "output" => {
            let (Some(code), Some(output)) = (&raw.code, &raw.output) else {
                if raw.code.is_none() {
                    missing("code", problems);
                }
                if raw.output.is_none() {
                    missing("output", problems);
                }
                return None;
            };
            let code_text = snippet(code, problems)?;
            // The expected output is compared exactly, after the one newline
            // TOML's `'''` adds at the start is dropped by the TOML parser.
            let out = output.get_ref().replace("\r\n", "\n");
            if out.trim().is_empty() {
                problems.push((output.span(), "card `output` is empty".to_string()));
            }
            Some(CardKind::Output {
                code: code_text,
                output: out,
            })
        }
        _ => {
            let (Some(code), Some(rule), Some(line)) = (&raw.code, &raw.rule, &raw.line) else {
                for (name, absent) in [
                    ("code", raw.code.is_none()),
                    ("rule", raw.rule.is_none()),
                    ("line", raw.line.is_none()),
                ] {
                    if absent {
                        missing(name, problems);
                    }
                }
                return None;
            };
            let code_text = snippet(code, problems)?;
            let rule_text = rule.get_ref().trim().to_string();
            if !is_rule_code(&rule_text) {
                problems.push((
                    rule.span(),
                    format!("card `rule` {rule_text:?} is not a rule code such as \"PG201\""),
                ));
            }
            let lines = code_text.lines().count();
            let at = *line.get_ref();
            if at == 0 || at > lines {
                problems.push((
                    line.span(),
                    format!("card `line` {at} is not a line of its {lines}-line `code`"),
                ));
            }
            Some(CardKind::Spot {
                code: code_text,
                rule: rule_text,
                line: at,
            })
        }
    }
}

/// Checks a card's snippet: not empty, at most [`CODE_MAX_LINES`] lines.
fn snippet(code: &Spanned<String>, problems: &mut Vec<Problem>) -> Option<String> {
    let text = code.get_ref().replace("\r\n", "\n");
    if text.trim().is_empty() {
        problems.push((code.span(), "card `code` is empty".to_string()));
        return None;
    }
    let lines = text.lines().count();
    if lines > CODE_MAX_LINES {
        problems.push((
            code.span(),
            format!("card `code` has {lines} lines; at most {CODE_MAX_LINES} fit a card"),
        ));
    }
    Some(text)
}

fn text_problem(what: &str, text: &str) -> Option<String> {
    let chars = text.chars().count();
    if text.is_empty() {
        Some(format!("{what} is empty"))
    } else if chars > TEXT_MAX_CHARS {
        Some(format!(
            "{what} is {chars} characters; at most {TEXT_MAX_CHARS}"
        ))
    } else {
        None
    }
}

/// `PG` followed by three digits.
fn is_rule_code(s: &str) -> bool {
    s.len() == 5 && s.starts_with("PG") && s[2..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use crate::guide::{CardKind, Origin, parse_topic};

    /// Lines 1 to 6; the front matter under test starts on line 7.
    const HEAD: &str = r#"+++
id = "sample-topic"
title = "A sample"
module = "core-internals"
question = "What is a sample?"
summary = "A sample is a small, complete topic used by the tests of the card parser."
"#;
    const BODY: &str = "\n[[references]]\ntitle = \"Python docs\"\nurl = \"https://docs.python.org/3/\"\n+++\n\n## Answer\n\nText.\n\n## Example\n\n### Bad\n\n```python\nx = 1\n```\n\n### Good\n\n```python\nx = 2\n```\n\n## Pitfalls\n\n- One.\n";

    const CHOICE: &str = r#"
[[cards]]
id = "pick"
kind = "choice"
prompt = "Which one?"
answer = "This one."
why = "Because it is."
wrong = [
    { option = "That one.", why = "It is not." },
    { option = "The other one.", why = "Nor is it." },
]
"#;

    fn topic(front: &str) -> String {
        format!("{HEAD}{front}{BODY}")
    }

    /// Parses a topic whose front matter ends with `front`; returns
    /// `path:line: message` lines, or "ok".
    fn check(front: &str, expect: &[&str]) {
        let text = topic(front);
        let got = match parse_topic("t.md", &text, Origin::User) {
            Ok(_) => vec!["ok".to_string()],
            Err(errs) => errs.iter().map(ToString::to_string).collect(),
        };
        assert_eq!(got, expect, "for input:\n{text}");
    }

    #[test]
    fn accepts_every_kind_with_its_line() {
        let front = format!(
            "key_points = [\"one point\", \"another point\"]\n{CHOICE}{}",
            r#"
[[cards]]
id = "what-prints"
kind = "output"
prompt = "What does this print?"
code = '''
print(1 + 1)
'''
output = '''
2
'''

[[cards]]
id = "where"
kind = "spot"
prompt = "Which line?"
code = '''
x = 1
y = 2
'''
rule = "PG201"
line = 2
"#
        );
        check(&front, &["ok"]);
        let t = parse_topic("t.md", &topic(&front), Origin::User).unwrap();
        assert_eq!(t.key_points, ["one point", "another point"]);
        let lines: Vec<(&str, usize)> = t.cards.iter().map(|c| (c.id.as_str(), c.line)).collect();
        assert_eq!(lines, [("pick", 9), ("what-prints", 20), ("where", 31)]);
        assert!(matches!(&t.cards[0].kind, CardKind::Choice { wrong, .. } if wrong.len() == 2));
        assert_eq!(
            t.cards[1].kind,
            CardKind::Output {
                code: "print(1 + 1)\n".to_string(),
                output: "2\n".to_string()
            }
        );
        assert!(matches!(t.cards[2].kind, CardKind::Spot { line: 2, .. }));
    }

    #[test]
    fn reports_card_problems_with_their_lines() {
        check(
            &CHOICE.replace("kind = \"choice\"", "kind = \"quiz\""),
            &["t.md:10: card `kind` \"quiz\" is not one of \"choice\", \"output\", \"spot\""],
        );
        check(
            &CHOICE.replace("id = \"pick\"", "id = \"Pick_One\""),
            &["t.md:9: card `id` \"Pick_One\" is not kebab-case (a-z, 0-9, '-')"],
        );
        check(
            &format!("{CHOICE}{CHOICE}"),
            &["t.md:20: card `id` \"pick\" is used twice"],
        );
        check(
            &CHOICE.replace(
                "    { option = \"The other one.\", why = \"Nor is it.\" },\n",
                "",
            ),
            &["t.md:8: a `choice` card has 2 to 4 `wrong` options; this one has 1"],
        );
        check(
            &CHOICE.replace("The other one.", "this one."),
            &["t.md:16: option \"this one.\" is listed twice"],
        );
        check(
            &CHOICE.replace("answer = \"This one.\"\n", ""),
            &["t.md:8: a `choice` card needs `answer`"],
        );
        check(
            &CHOICE.replace("why = \"Because it is.\"", "why = \"Because.\"\nline = 3"),
            &["t.md:14: a `choice` card does not take `line`"],
        );
        check(
            &CHOICE.replace("Which one?", &"long ".repeat(90)),
            &["t.md:11: card `prompt` is 449 characters; at most 400"],
        );
    }

    #[test]
    fn reports_snippet_and_rule_problems() {
        let spot = "\n[[cards]]\nid = \"where\"\nkind = \"spot\"\nprompt = \"Which line?\"\ncode = '''\nx = 1\n'''\nrule = \"PG201\"\nline = 1\n";
        check(spot, &["ok"]);
        check(
            &spot.replace("line = 1", "line = 2"),
            &["t.md:16: card `line` 2 is not a line of its 1-line `code`"],
        );
        check(
            &spot.replace("PG201", "E501"),
            &["t.md:15: card `rule` \"E501\" is not a rule code such as \"PG201\""],
        );
        check(
            &spot.replace("x = 1\n", &"x = 1\n".repeat(31)),
            &["t.md:12: card `code` has 31 lines; at most 30 fit a card"],
        );
        check(
            &spot.replace("rule = \"PG201\"\n", ""),
            &["t.md:8: a `spot` card needs `rule`"],
        );
        let output = "\n[[cards]]\nid = \"out\"\nkind = \"output\"\nprompt = \"What prints?\"\ncode = \"print()\"\noutput = \"  \"\n";
        check(output, &["t.md:13: card `output` is empty"]);
    }

    #[test]
    fn reports_key_point_problems() {
        check(
            "key_points = [\"only one\"]\n",
            &["t.md:7: `key_points` has 1 entries; a model answer names 2 to 6"],
        );
        check(
            "key_points = [\"one\", \"  \"]\n",
            &["t.md:7: `key_points` entry is empty"],
        );
    }
}
