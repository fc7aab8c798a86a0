//! Errors of the collector outside the HTTP layer: opening the database,
//! binding the listener, writing output.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Anything that stops a collector command from doing its job.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The SQLite database could not be opened or prepared.
    #[error("cannot open database {path}: {source}")]
    OpenDb {
        /// The path given with `--db`.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The database file does not exist (only `list` refuses to create it).
    #[error(
        "database {path} does not exist (run `journey-collector serve --db {path}` to create it)"
    )]
    DbMissing {
        /// The path given with `--db`.
        path: PathBuf,
    },
    /// The database was written by a newer collector whose layout this one does not know.
    #[error(
        "database {path} has schema version {found}; this collector knows version {known} only"
    )]
    DbVersion {
        /// The path given with `--db`.
        path: PathBuf,
        /// `PRAGMA user_version` found in the file.
        found: i64,
        /// The version this collector writes.
        known: i64,
    },
    /// A query or insert failed on an open database.
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address given with `--listen`.
        addr: SocketAddr,
        /// What the OS said.
        source: io::Error,
    },
    /// The server failed while running, or the async runtime could not start.
    #[error("server error: {0}")]
    Server(io::Error),
    /// A store other than SQLite failed (ClickHouse unreachable, a query refused).
    #[error("store error: {0}")]
    Store(String),
    /// The database file is no longer the one the collector opened (removed or replaced):
    /// writes would go into a file nobody can read, so they are refused.
    #[error("database file {path} was removed or replaced since the collector opened it; writes are refused{rescue} — restart the collector")]
    DbReplaced {
        /// The path opened.
        path: PathBuf,
        /// Where what was stored before was copied, if it could be (`; stored beacons copied to …`).
        rescue: String,
    },
    /// A report took longer than its budget and was stopped, so that it cannot hold the
    /// store's readers.
    #[error("the report took longer than {seconds} s and was stopped; narrow it with service, portal, from or to")]
    TooSlow {
        /// The budget, seconds.
        seconds: u64,
    },
    /// Arguments that passed the command line but not the command (e.g. from after to).
    #[error("{0}")]
    Usage(String),
    /// Printing results failed (e.g. closed pipe).
    #[error("cannot write output: {0}")]
    Output(io::Error),
}
