//! The `pyguide` binary: parses arguments, sets up logging on stderr and
//! runs the command. Exit codes: 0 success, 1 nothing found, 2 usage or input error.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use pyguide::cli::{Cli, Command, Exit, Style, run, serve};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    pyguide::python::use_mimalloc_for_trees();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                Exit::Error as u8
            } else {
                Exit::Ok as u8
            });
        }
    };
    init_logging(cli.global.log_level.as_deref());
    if matches!(cli.command, Command::Serve { .. }) {
        // Before stdout is locked below: the server writes it from its own thread.
        return match serve(&cli.global) {
            Ok(code) => ExitCode::from(code as u8),
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "error: {e:#}");
                ExitCode::from(Exit::Error as u8)
            }
        };
    }
    let style = Style::for_stdout(cli.global.color);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut err = std::io::stderr();
    match run(cli, &mut out, &mut err, style) {
        Ok(code) => {
            let _ = out.flush();
            ExitCode::from(code as u8)
        }
        Err(e) => {
            // A closed pipe (`pyguide topics | head`) is not an error worth a message.
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(err, "error: {e:#}");
            ExitCode::from(Exit::Error as u8)
        }
    }
}

/// Logs go to stderr only (stdout belongs to the command's output or, for
/// the server, the LSP channel). `--log-level` wins over `PYGUIDE_LOG`.
fn init_logging(level: Option<&str>) {
    let filter = level
        .map(EnvFilter::new)
        .or_else(|| EnvFilter::try_from_env("PYGUIDE_LOG").ok())
        .unwrap_or_else(|| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
