//! Where beacons are kept: the [`Store`] trait, and its two implementations — SQLite, the
//! embedded default ([`SqliteStore`]: one file, WAL, no setup), and ClickHouse, for collectors
//! that run stateless behind a load balancer ([`ClickHouseStore`], over its HTTP interface).
//!
//! Stores are synchronous; the HTTP layer calls them through `tokio::task::spawn_blocking`.
//! A store answers the report's questions with reduced rows ([`ReportInput`]); the statistics
//! are computed once, in [`crate::report::build`].

pub mod clickhouse;
pub mod group;
pub mod queries;
pub mod sqlite;

pub use clickhouse::ClickHouseStore;
pub use group::GroupCommit;
pub use sqlite::SqliteStore;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::Error;
use crate::report::{Filter, ReportInput};
use crate::validate::Beacon;

/// Result of storing one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct InsertOutcome {
    /// Items newly stored.
    pub accepted: usize,
    /// Items skipped because their id was already stored (or repeated in the batch).
    pub duplicates: usize,
    /// Ends (`submitted`, `abandoned`, `expired`) stored for a journey that already had one:
    /// kept, never used (the first wins), counted in `/metrics` — not told to the sender.
    #[serde(skip)]
    pub second_ends: usize,
}

/// One stored beacon with its receipt time, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct StoredBeacon {
    /// When the collector received it, epoch milliseconds.
    pub received_ms: i64,
    /// The beacon exactly as stored (compact JSON).
    pub beacon: Box<RawValue>,
    /// Where it stands in its store's listing order: `before` of the next page (opaque).
    #[serde(skip)]
    pub cursor: String,
}

/// Which beacons to list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListQuery {
    /// At most this many: the most recent ones, returned oldest first.
    pub limit: u32,
    /// Only beacons of this journey id.
    pub journey: Option<String>,
    /// Only beacons listed before this one (a [`StoredBeacon::cursor`]): the next page back.
    pub before: Option<String>,
}

/// A back-office processing event (criterion 3): a dossier received or its result returned,
/// online or in person. No personal data: `dossier` is the back office's opaque key.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessingEvent {
    /// Opaque dossier key (1–64 of letters, digits, `.`, `-`, `_`), e.g. a hash of the code.
    pub dossier: String,
    /// Service code.
    pub service: String,
    /// `online` or `in_person`.
    pub channel: String,
    /// `received` or `returned`.
    pub event: String,
    /// When, epoch ms (server-to-server: the back office's clock).
    pub at_ms: i64,
}

/// One request's beacons, as a store receives them.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a> {
    /// When the collector received them, epoch ms.
    pub received_ms: i64,
    /// The portal (browser origin) they came from, or `unknown`.
    pub portal: &'a str,
    /// The beacons, validated.
    pub beacons: &'a [Beacon],
}

/// A place beacons are kept.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Stores several requests' batches in one go (one transaction, one round of inserts):
    /// each batch all-or-nothing, with its own outcome; beacons whose id is already stored
    /// (or earlier in these batches) are skipped. Returns only once the batches are durable.
    fn insert_many(&self, batches: &[Batch<'_>]) -> Vec<Result<InsertOutcome, Error>>;

    /// Stores one batch (see [`Store::insert_many`]).
    fn insert(
        &self,
        received_ms: i64,
        portal: &str,
        beacons: &[Beacon],
    ) -> Result<InsertOutcome, Error> {
        self.insert_many(&[Batch {
            received_ms,
            portal,
            beacons,
        }])
        .pop()
        .unwrap_or(Ok(InsertOutcome {
            accepted: 0,
            duplicates: 0,
            second_ends: 0,
        }))
    }
    /// The most recent `query.limit` beacons (of one journey if asked), oldest first.
    fn list(&self, query: &ListQuery) -> Result<Vec<StoredBeacon>, Error>;
    /// The rows a report over `filter` is built from.
    fn report_input(&self, filter: &Filter) -> Result<ReportInput, Error>;
    /// Stores processing events; a repeated event (same dossier, service and event) replaces
    /// the time it carried.
    fn insert_processing(&self, events: &[ProcessingEvent]) -> Result<InsertOutcome, Error>;
    /// Whether the store answers now.
    fn ping(&self) -> Result<(), Error>;
    /// What it is, for logs: `sqlite:PATH` or `clickhouse:URL`.
    fn describe(&self) -> String;
}
