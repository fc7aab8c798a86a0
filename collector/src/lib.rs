//! Reference collector for journey-probe beacons.
//!
//! Receives the anonymous JSON beacons the journey-probe SDK sends, validates
//! each against `schema/beacon.schema.json` (embedded at build time), stores
//! them exactly once (SQLite, or ClickHouse past one machine), and reports per
//! service against the QCVN targets (JSON, CSV, Markdown, an HTML dashboard).
//! `main.rs` only parses the command line, installs the log (`tracing` on stderr) and calls
//! [`run`].
//!
//! Embedding in tests or another program:
//! ```no_run
//! # async fn demo() -> Result<(), journey_collector::Error> {
//! use journey_collector::{serve, AllowedOrigins, ServeConfig};
//! let server = serve(ServeConfig::sqlite(
//!     "journey.db".into(),
//!     "127.0.0.1:0".parse().unwrap(),
//!     AllowedOrigins::Any,
//! ))
//! .await?;
//! println!("on {}", server.local_addr());
//! server.shutdown().await
//! # }
//! ```
#![deny(missing_docs)]

pub mod cli;
pub mod clock;
pub mod counters;
pub mod error;
pub mod facts;
pub mod gate;
pub mod http;
pub mod list;
pub mod metrics;
pub mod period;
pub mod ratelimit;
pub mod refusal_log;
pub mod render;
pub mod report;
pub mod server;
pub mod store;
pub mod validate;

use std::io::Write;

pub use cli::{Command, ListArgs, ListFormat, ReportArgs, ReportFormat};
pub use clock::Clock;
pub use error::Error;
pub use http::AllowedOrigins;
pub use server::{run_until_signal, serve, RunningServer, ServeConfig, StoreSpec};

/// Runs a parsed command to completion (`serve` blocks until SIGINT/SIGTERM).
pub fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Help(text) => {
            print!("{text}");
            Ok(())
        }
        Command::Completions(shell) => std::io::stdout()
            .lock()
            .write_all(&cli::completions(shell))
            .map_err(Error::Output),
        Command::List(args) => list::list(&args, &mut std::io::stdout().lock()),
        Command::Report(args) => report_command(&args, &mut std::io::stdout().lock()),
        Command::Serve(config) => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(Error::Server)?
            .block_on(run_until_signal(*config)),
    }
}

/// `journey-collector report`: the report of `args.query` printed in `args.format`.
pub fn report_command(args: &ReportArgs, out: &mut dyn std::io::Write) -> Result<(), Error> {
    let store = args.store.open_existing()?;
    let now = args.now_ms.unwrap_or_else(clock::system_now_ms);
    let (filter, targets) =
        report::query::parse(Some(&args.query), now).map_err(|e| Error::Usage(e.detail))?;
    let input = store.report_input(&filter)?;
    let report = report::build(&input, &filter, targets, now);
    let text = match args.format {
        ReportFormat::Json => render::json(&report),
        ReportFormat::Csv => render::csv(&report),
        ReportFormat::Markdown => render::markdown(&report),
    };
    out.write_all(text.as_bytes()).map_err(Error::Output)
}
