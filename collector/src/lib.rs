//! Reference collector for journey-probe beacons.
//!
//! Receives the anonymous JSON beacons the journey-probe SDK sends, validates
//! each against `schema/beacon.schema.json` (embedded at build time), and
//! stores them exactly once in SQLite. `main.rs` only parses the command line
//! and calls [`run`].
//!
//! Embedding in tests or another program:
//! ```no_run
//! # async fn demo() -> Result<(), journey_collector::Error> {
//! use journey_collector::{serve, AllowedOrigins, ServeConfig};
//! let server = serve(ServeConfig {
//!     db: "journey.db".into(),
//!     listen: "127.0.0.1:0".parse().unwrap(),
//!     allow_origins: AllowedOrigins::Any,
//! })
//! .await?;
//! println!("on {}", server.local_addr());
//! server.shutdown().await
//! # }
//! ```
#![deny(missing_docs)]

pub mod cli;
pub mod error;
pub mod http;
pub mod list;
pub mod server;
pub mod store;
pub mod validate;

pub use cli::{AllowedOrigins, Command, ListArgs, ListFormat};
pub use error::Error;
pub use server::{run_until_signal, serve, RunningServer, ServeConfig};

/// Runs a parsed command to completion (`serve` blocks until SIGINT/SIGTERM).
pub fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Help => {
            print!("{}", cli::USAGE);
            Ok(())
        }
        Command::List(args) => list::list(&args, &mut std::io::stdout().lock()),
        Command::Serve(config) => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(Error::Server)?
            .block_on(run_until_signal(config)),
    }
}
