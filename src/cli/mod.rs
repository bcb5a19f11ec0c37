//! The command line: argument definitions and one function per command.
//!
//! Commands return an [`Exit`] code instead of exiting, and write to the
//! writers they are given, so tests can run them in-process. Colour is used
//! only when stdout is a terminal (and `NO_COLOR` is unset), or when asked.

pub(crate) mod check;
mod format;
mod practice;
mod style;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::guide::{self, Reference};
use crate::search::{IndexOptions, SearchIndex};
pub use format::CheckFormat;
pub use style::Style;

/// Exit codes: 0 success, 1 nothing found (or, for `check`, warnings
/// reported), 2 usage or input error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    NotFound = 1,
    Error = 2,
}

#[derive(Debug, Parser)]
#[command(
    name = "pyguide",
    version,
    about = "Senior-level Python and Django practice, in your editor and your terminal.",
    long_about = "pyguide carries a guide of expert Python and Django topics and searches it.\n\
                  Try: pyguide search \"n+1 queries\", pyguide explain asyncio-gather, pyguide topics."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Add a folder of topic files in the guide's format (repeatable).
    #[arg(long = "guide", value_name = "DIR", global = true)]
    pub guides: Vec<PathBuf>,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Log level for messages on stderr (also: PYGUIDE_LOG).
    #[arg(long, value_name = "LEVEL", global = true)]
    pub log_level: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search the guide's topics (typos and partial words are fine).
    Search {
        /// What to look for: words, identifiers (`select_related`) or a question.
        #[arg(required = true, num_args = 1.., value_name = "QUERY")]
        query: Vec<String>,
        /// How many results at most.
        #[arg(long, short = 'n', default_value_t = 10)]
        limit: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print a whole topic as Markdown, by id or else by best search match.
    Explain {
        /// A topic id (see `pyguide topics`) or a search query.
        #[arg(required = true, num_args = 1.., value_name = "ID_OR_QUERY")]
        topic: Vec<String>,
    },
    /// Check Python files for the constructs the guide explains and the
    /// anti-patterns it warns about.
    Check {
        /// Files or folders (folders are walked, honouring .gitignore and
        /// skipping virtualenvs).
        #[arg(required = true, num_args = 1.., value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Also report educational hints (links from constructs to topics).
        #[arg(long)]
        hints: bool,
        /// Only these rule codes or prefixes (comma-separated, e.g. PG401,PG2).
        #[arg(long, value_name = "CODES", value_delimiter = ',')]
        select: Vec<String>,
        /// Skip these rule codes or prefixes (comma-separated).
        #[arg(long, value_name = "CODES", value_delimiter = ',')]
        ignore: Vec<String>,
        /// Exit 0 even when warnings are reported.
        #[arg(long)]
        exit_zero: bool,
        /// Apply the safe fixes and write the files (with
        /// `--unsafe-fixes`, the unsafe ones too).
        #[arg(long)]
        fix: bool,
        /// Also apply fixes that may change behaviour (with `--fix` or
        /// `--diff`); without them, count those fixes as available.
        #[arg(long)]
        unsafe_fixes: bool,
        /// Print the fixes as a unified diff instead of writing them; exit 1
        /// when there is something to fix.
        #[arg(long)]
        diff: bool,
        /// The path to report for `-` (the source read from stdin).
        #[arg(long, value_name = "PATH")]
        stdin_filename: Option<PathBuf>,
    },
    /// Run the language server (LSP over stdin/stdout; logs on stderr).
    Serve {
        /// Talk LSP over stdin/stdout. This is the only transport and the
        /// default; the flag is accepted because language clients
        /// (vscode-languageclient's `TransportKind.stdio`) append it.
        #[arg(long)]
        stdio: bool,
    },
    /// Practise the guide's cards, spaced repetition (FSRS): due cards
    /// first, then new ones. Progress is kept in
    /// $PYGUIDE_DATA_DIR/practice.sqlite3 (else the platform data folder).
    Practice {
        /// At most this many new cards.
        #[arg(long = "new", value_name = "N", default_value_t = 10)]
        new: usize,
        /// Only cards of this module (e.g. asyncio; see `pyguide topics`).
        #[arg(long, value_name = "MODULE")]
        module: Option<String>,
        /// Only cards of this topic id.
        #[arg(long, value_name = "TOPIC")]
        topic: Option<String>,
        /// Check this code (like `check --hints`) and ask first the cards of
        /// the topics it raises, most frequent first (repeatable).
        #[arg(long = "from", value_name = "PATH")]
        from: Vec<PathBuf>,
        /// Print progress: seen, due and mastered cards per module, streak.
        #[arg(long)]
        stats: bool,
        /// `json` asks nothing: prints the cards it would ask, in order (with
        /// `--stats`, the figures).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Write the whole progress to FILE as JSON.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["import", "stats"])]
        export: Option<PathBuf>,
        /// Merge a `--export` file into the progress (by card and review time).
        #[arg(long, value_name = "FILE", conflicts_with = "stats")]
        import: Option<PathBuf>,
    },
    /// List every topic of the guide.
    Topics {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print a shell completion script, e.g.
    /// `pyguide completions bash > ~/.local/share/bash-completion/completions/pyguide`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// A `pyguide topics --format json` entry.
#[derive(Serialize)]
struct TopicEntry<'a> {
    id: &'a str,
    title: &'a str,
    module: &'a str,
    summary: &'a str,
    references: &'a [Reference],
    triggers: &'a [String],
}

/// Runs a parsed command line.
pub fn run(
    cli: Cli,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: Style,
) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Check {
            paths,
            format,
            hints,
            select,
            ignore,
            exit_zero,
            fix,
            unsafe_fixes,
            diff,
            stdin_filename,
        } => {
            let mode = check::FixMode {
                apply: fix && !diff,
                diff,
                unsafe_fixes,
            };
            run_check(
                &paths,
                stdin_filename.as_deref(),
                format,
                hints,
                &select,
                &ignore,
                exit_zero,
                mode,
                out,
                err,
                style,
            )
        }
        Command::Serve { .. } => {
            // The server owns the process's stdin/stdout, not these writers.
            writeln!(
                err,
                "error: `serve` runs only as the `pyguide serve` process"
            )?;
            Ok(Exit::Error)
        }
        Command::Completions { shell } => {
            completions(shell, out);
            Ok(Exit::Ok)
        }
        command => run_guide(command, &cli.global, out, err, style),
    }
}

/// `pyguide completions SHELL`: the completion script clap_complete
/// generates from these argument definitions.
fn completions(shell: clap_complete::Shell, out: &mut dyn Write) {
    use clap::CommandFactory;
    clap_complete::generate(shell, &mut Cli::command(), "pyguide", out);
}

/// `pyguide serve`: LSP over the process's stdin/stdout until `exit`.
/// Exit 0 when the client shut the server down first, 1 otherwise.
pub fn serve(global: &GlobalArgs) -> anyhow::Result<Exit> {
    let options = crate::server::ServerOptions::from_env(global.guides.clone());
    let clean = crate::server::run_stdio(options)?;
    Ok(if clean { Exit::Ok } else { Exit::NotFound })
}

/// `pyguide check`: needs no guide, only the detectors.
#[allow(clippy::too_many_arguments)]
fn run_check(
    paths: &[PathBuf],
    stdin_name: Option<&std::path::Path>,
    format: CheckFormat,
    hints: bool,
    select: &[String],
    ignore: &[String],
    exit_zero: bool,
    mode: check::FixMode,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: Style,
) -> anyhow::Result<Exit> {
    let codes = check::parse_codes(select).and_then(|s| Ok((s, check::parse_codes(ignore)?)));
    let (select, ignore) = match codes {
        Ok(c) => c,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(Exit::Error);
        }
    };
    let selection = crate::detect::Selection {
        select,
        ignore,
        hints,
    };
    let outcome = check::run(paths, stdin_name, &selection, mode, format, out, err, style)?;
    Ok(if outcome.errors > 0 {
        Exit::Error
    } else if outcome.warnings > 0 && !exit_zero {
        Exit::NotFound
    } else {
        Exit::Ok
    })
}

/// The commands that read the guide: topics, search, explain.
fn run_guide(
    command: Command,
    global: &GlobalArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: Style,
) -> anyhow::Result<Exit> {
    let loaded = guide::load(&global.guides);
    for e in &loaded.errors {
        writeln!(err, "{} {e} (topic skipped)", style.warning("warning:"))?;
    }
    let guide = Arc::new(loaded.guide);
    match command {
        Command::Topics { format } => {
            match format {
                Format::Json => {
                    let entries: Vec<TopicEntry> = guide
                        .topics()
                        .iter()
                        .map(|t| TopicEntry {
                            id: &t.id,
                            title: &t.title,
                            module: &t.module,
                            summary: &t.summary,
                            references: &t.references,
                            triggers: &t.triggers,
                        })
                        .collect();
                    serde_json::to_writer_pretty(&mut *out, &entries)?;
                    writeln!(out)?;
                }
                Format::Text => {
                    let width = guide.topics().iter().map(|t| t.id.len()).max().unwrap_or(0);
                    let mut module = "";
                    for t in guide.topics() {
                        if t.module != module {
                            module = &t.module;
                            writeln!(out, "{}", style.heading(module))?;
                        }
                        writeln!(
                            out,
                            "  {}  {}",
                            style.id(&format!("{:width$}", t.id)),
                            t.title
                        )?;
                    }
                }
            }
            Ok(Exit::Ok)
        }
        Command::Search {
            query,
            limit,
            format,
        } => {
            let query = query.join(" ");
            let index = open_index(guide)?;
            let found = index.lookup(&query, limit)?;
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut *out, &found)?;
                    writeln!(out)?;
                }
                Format::Text => {
                    for (i, hit) in found.hits.iter().enumerate() {
                        writeln!(
                            out,
                            "{:>2}. {}  {}  {}",
                            i + 1,
                            style.id(&hit.id),
                            style.title(&hit.title),
                            style.dim(&format!("[{}] {:.2}", hit.module, hit.score)),
                        )?;
                        writeln!(out, "    {}", style.snippet(&hit.snippet))?;
                    }
                    if !found.suggestions.is_empty() {
                        if !found.hits.is_empty() {
                            writeln!(out)?;
                        }
                        writeln!(out, "{}", style.heading("did you mean:"))?;
                        for s in &found.suggestions {
                            writeln!(
                                out,
                                "    {}  {}  {}",
                                style.id(&s.id),
                                style.title(&s.title),
                                style.dim(&format!("(\"{}\")", s.snippet)),
                            )?;
                        }
                    }
                }
            }
            if found.hits.is_empty() {
                writeln!(err, "no topic matches {query:?}")?;
                return Ok(Exit::NotFound);
            }
            Ok(Exit::Ok)
        }
        Command::Explain { topic } => {
            let wanted = topic.join(" ");
            let id = match guide.get(wanted.trim()) {
                Some(t) => t.id.clone(),
                None => {
                    let index = open_index(guide.clone())?;
                    match index.search(&wanted, 1)?.into_iter().next() {
                        Some(hit) => {
                            writeln!(
                                err,
                                "no topic has the id {wanted:?}; showing the best match, `{}`",
                                hit.id
                            )?;
                            hit.id
                        }
                        None => {
                            writeln!(
                                err,
                                "no topic matches {wanted:?} (list them with `pyguide topics`)"
                            )?;
                            return Ok(Exit::NotFound);
                        }
                    }
                }
            };
            let topic = guide.get(&id).context("topic vanished from the guide")?;
            write!(out, "{}", guide::to_markdown(topic, &guide))?;
            Ok(Exit::Ok)
        }
        Command::Practice {
            new,
            module,
            topic,
            from,
            stats,
            format,
            export,
            import,
        } => {
            let args = practice::PracticeArgs {
                new,
                module,
                topic,
                from,
                stats,
                json: format == Format::Json,
                export,
                import,
            };
            practice::run(&args, &guide, out, err, style)
        }
        Command::Check { .. } | Command::Serve { .. } | Command::Completions { .. } => {
            // `run` routes these elsewhere; reaching here is a wiring bug.
            writeln!(err, "error: {command:?} was routed to the guide commands")?;
            Ok(Exit::Error)
        }
    }
}

fn open_index(guide: Arc<guide::Guide>) -> anyhow::Result<SearchIndex> {
    Ok(SearchIndex::open(guide, &IndexOptions::default())?)
}
