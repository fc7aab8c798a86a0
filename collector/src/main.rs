//! `journey-collector`: see `journey-collector --help`.

use std::io::IsTerminal;
use std::process::ExitCode;

use tracing_subscriber::filter::{EnvFilter, LevelFilter};

/// Where the log's level comes from, first found first: e.g. `JOURNEY_COLLECTOR_LOG=warn` or
/// `RUST_LOG=journey_collector=debug`; `info` without either.
const LOG_ENV: [&str; 2] = ["JOURNEY_COLLECTOR_LOG", "RUST_LOG"];

fn main() -> ExitCode {
    let args = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned());
    let command = match journey_collector::cli::parse(args) {
        Ok(command) => command,
        Err(e) => {
            // Plain, before any log exists: a usage error is the command's answer, not a log line.
            eprint!("{}", e.render());
            return ExitCode::from(2);
        }
    };
    install_log();
    match journey_collector::run(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Plain too: `list` and `report` answer with it, and it is the last word of `serve`.
            eprintln!("journey-collector: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The log: one line per event on stderr, colours only on a terminal.
fn install_log() {
    let directives = LOG_ENV
        .iter()
        .find_map(|name| std::env::var(name).ok())
        .unwrap_or_default();
    let filter = EnvFilter::builder()
        .with_default_directive(LevelFilter::INFO.into())
        .parse_lossy(directives);
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(filter)
        .init();
}
