//! ANSI styling for terminal output; every method is the identity when
//! colour is off.

use std::io::IsTerminal;

use super::ColorChoice;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    enabled: bool,
}

impl Style {
    pub const PLAIN: Style = Style { enabled: false };

    /// Colour for `choice`: `auto` means stdout is a terminal and `NO_COLOR` is unset.
    pub fn for_stdout(choice: ColorChoice) -> Style {
        let enabled = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Style { enabled }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    pub fn id(&self, s: &str) -> String {
        self.paint("36", s)
    }
    pub fn title(&self, s: &str) -> String {
        self.paint("1", s)
    }
    pub fn heading(&self, s: &str) -> String {
        self.paint("1;4", s)
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    pub fn warning(&self, s: &str) -> String {
        self.paint("33;1", s)
    }
    /// A right answer.
    pub fn ok(&self, s: &str) -> String {
        self.paint("32;1", s)
    }
    /// A wrong answer.
    pub fn bad(&self, s: &str) -> String {
        self.paint("31;1", s)
    }
    /// The mastered part of a progress bar.
    pub fn bar_mastered(&self, s: &str) -> String {
        self.paint("32", s)
    }
    /// The seen part of a progress bar.
    pub fn bar_seen(&self, s: &str) -> String {
        self.paint("36", s)
    }

    /// A snippet's `**match**` markers become bold yellow, or plain words
    /// without colour.
    pub fn snippet(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for (i, part) in s.split("**").enumerate() {
            if i % 2 == 1 {
                out.push_str(&self.paint("1;33", part));
            } else {
                out.push_str(part);
            }
        }
        out
    }
}
