//! `journey-collector`: see `journey-collector --help`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned());
    let command = match journey_collector::cli::parse(args) {
        Ok(command) => command,
        Err(e) => {
            eprint!("{}", e.render());
            return ExitCode::from(2);
        }
    };
    match journey_collector::run(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("journey-collector: {e}");
            ExitCode::FAILURE
        }
    }
}
