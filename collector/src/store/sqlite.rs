//! The embedded store: one SQLite file in WAL mode. Beacons are stored exactly once by id,
//! with the columns and side tables (steps, forms, fields) the report queries; a batch is one
//! transaction, committed before the collector answers.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::value::RawValue;

use super::queries::{self, Dialect, Over};
use super::{Batch, InsertOutcome, ListQuery, ProcessingEvent, Store, StoredBeacon};
use crate::error::Error;
use crate::facts::Facts;
use crate::report::input::{JourneyRow, ProcessingRow};
use crate::report::{Filter, ReportInput};

/// `PRAGMA user_version` of the layout this collector creates.
pub const SCHEMA_VERSION: i64 = 6;

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS beacons (
    id          TEXT PRIMARY KEY,
    received_ms INTEGER NOT NULL,
    journey     TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    trigger     TEXT NOT NULL,
    service     TEXT NOT NULL,
    path        TEXT NOT NULL,
    body        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS beacons_journey_seq ON beacons (journey, seq);
CREATE INDEX IF NOT EXISTS beacons_service ON beacons (service);
CREATE TABLE IF NOT EXISTS health (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL);
";

/// Version 2: the columns and tables the report reads (added to a version-1 file in place,
/// filled from the stored bodies).
const CREATE_V2: &str = "
ALTER TABLE beacons ADD COLUMN portal TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE beacons ADD COLUMN page_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE beacons ADD COLUMN logged_in INTEGER NOT NULL DEFAULT 0;
ALTER TABLE beacons ADD COLUMN outcome TEXT;
ALTER TABLE beacons ADD COLUMN duration_ms INTEGER;
ALTER TABLE beacons ADD COLUMN active_ms INTEGER;
ALTER TABLE beacons ADD COLUMN last_field TEXT;
CREATE INDEX IF NOT EXISTS beacons_received ON beacons (received_ms);
CREATE TABLE IF NOT EXISTS steps (
    beacon TEXT NOT NULL, idx INTEGER NOT NULL, name TEXT NOT NULL,
    ms INTEGER NOT NULL, active_ms INTEGER NOT NULL, PRIMARY KEY (beacon, idx)
);
CREATE TABLE IF NOT EXISTS forms (
    beacon TEXT NOT NULL, key TEXT NOT NULL, total INTEGER NOT NULL, prefilled INTEGER NOT NULL,
    typed INTEGER NOT NULL, overwritten INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS forms_beacon ON forms (beacon);
CREATE TABLE IF NOT EXISTS fields (
    beacon TEXT NOT NULL, form TEXT NOT NULL, key TEXT NOT NULL, origin TEXT NOT NULL,
    source TEXT, overwritten INTEGER NOT NULL, invalid INTEGER NOT NULL,
    corrections INTEGER NOT NULL, hesitation_ms INTEGER
);
CREATE INDEX IF NOT EXISTS fields_beacon ON fields (beacon);
CREATE TABLE IF NOT EXISTS processing (
    dossier TEXT NOT NULL, service TEXT NOT NULL, channel TEXT NOT NULL,
    received_ms INTEGER, returned_ms INTEGER, PRIMARY KEY (dossier, service)
);
";

/// Version 3: the satisfaction rating (criterion 4).
const CREATE_V3: &str = "
ALTER TABLE beacons ADD COLUMN rating INTEGER;
ALTER TABLE beacons ADD COLUMN reasons TEXT;
";

/// Version 4: page speed.
const CREATE_V4: &str = "
ALTER TABLE beacons ADD COLUMN ttfb_ms INTEGER;
ALTER TABLE beacons ADD COLUMN server_ms INTEGER;
ALTER TABLE beacons ADD COLUMN fcp_ms INTEGER;
ALTER TABLE beacons ADD COLUMN lcp_ms INTEGER;
ALTER TABLE beacons ADD COLUMN cls_x1000 INTEGER;
ALTER TABLE beacons ADD COLUMN inp_ms INTEGER;
ALTER TABLE beacons ADD COLUMN inp_field TEXT;
";

/// Version 5: the journey clock of each beacon, for the plausibility of ends.
const CREATE_V5: &str = "
ALTER TABLE beacons ADD COLUMN since_login_ms INTEGER;
";

/// Version 6: per-field counters as rows (one per counter a beacon carries, see
/// [`crate::counters`]), so that a new counter needs no migration; the fields table loses its
/// counter columns, and fields and forms carry their journey, as in ClickHouse, so that the
/// report asks both stores the same questions ([`queries`]).
const CREATE_V6: &str = "
DROP TABLE IF EXISTS fields;
DROP TABLE IF EXISTS forms;
CREATE TABLE forms (
    beacon TEXT NOT NULL, idx INTEGER NOT NULL, journey TEXT NOT NULL, key TEXT NOT NULL,
    total INTEGER NOT NULL, prefilled INTEGER NOT NULL, typed INTEGER NOT NULL,
    overwritten INTEGER NOT NULL, PRIMARY KEY (beacon, idx)
);
CREATE TABLE fields (
    beacon TEXT NOT NULL, idx INTEGER NOT NULL, journey TEXT NOT NULL, form TEXT NOT NULL,
    key TEXT NOT NULL, origin TEXT NOT NULL, source TEXT, overwritten INTEGER NOT NULL,
    PRIMARY KEY (beacon, idx)
);
CREATE TABLE field_counters (
    beacon TEXT NOT NULL, idx INTEGER NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL,
    value INTEGER NOT NULL, PRIMARY KEY (beacon, idx, name)
);
";

/// How far (ms) a beacon's journey clock may pass its journey's end before the end is taken
/// for a forgery: the clock stops at the submission, so a true end is never passed.
pub const END_SLACK_MS: i64 = 2_000;

/// The journeys a report covers (parameters ?1 from, ?2 to, ?3 service, ?4 portal), as the
/// README's "How the report counts" defines them: those whose first beacon was received in the
/// period (found through the beacons received in it), with the service and portal of their
/// beacons other than ratings. Every later query starts with these common table expressions.
const JOURNEYS: &str = "
WITH picked AS (SELECT DISTINCT journey FROM beacons WHERE received_ms >= ?1 AND received_ms < ?2),
j AS (
    SELECT b.journey AS journey, MIN(b.received_ms) AS first_ms, MAX(b.received_ms) AS last_ms,
        MAX(b.logged_in) AS started,
        MAX(CASE WHEN b.trigger <> 'rating' THEN COALESCE(b.since_login_ms, 0) ELSE 0 END) AS max_since,
        COALESCE(MIN(CASE WHEN b.trigger <> 'rating' THEN b.service END), MIN(b.service)) AS svc,
        COALESCE(MIN(CASE WHEN b.trigger <> 'rating' THEN b.portal END), MIN(b.portal)) AS prt
    FROM beacons b WHERE b.journey IN (SELECT journey FROM picked) GROUP BY b.journey
    HAVING first_ms >= ?1 AND first_ms < ?2 AND (?3 IS NULL OR svc = ?3) AND (?4 IS NULL OR prt = ?4)
)";

/// Each covered journey with the beacon that speaks for its end: of its plausible ends (a
/// duration no shorter, within [`END_SLACK_MS`], than the journey clock any of its beacons
/// showed), the first `submitted`, `abandoned` or `expired` received — same millisecond: lower seq, then lower id — else the
/// first that only repeats an outcome), its first rating, and its last beacon other than a
/// rating (highest seq, then the latest received, then the highest id).
const ENDS: &str = ",
je AS (
    SELECT j.*,
        (SELECT e.id FROM beacons e WHERE e.journey = j.journey AND e.outcome IS NOT NULL
           AND (e.duration_ms IS NULL OR e.duration_ms + 2000 >= j.max_since)
         ORDER BY e.trigger NOT IN ('submitted', 'abandoned', 'expired'), e.received_ms, e.seq, e.id
         LIMIT 1) AS end_id,
        (SELECT r.id FROM beacons r WHERE r.journey = j.journey AND r.trigger = 'rating'
         ORDER BY r.received_ms, r.seq, r.id LIMIT 1) AS rating_id,
        (SELECT l.id FROM beacons l WHERE l.journey = j.journey AND l.trigger <> 'rating'
         ORDER BY l.seq DESC, l.received_ms DESC, l.id DESC LIMIT 1) AS last_id
    FROM j
)";

/// The last beacon of every page view of the covered journeys (highest seq, then the latest
/// received, then the highest id; `abandoned` and `rating` beacons carry no page of their own).
const LATEST: &str = ",
latest AS (
    SELECT id FROM (
        SELECT id, ROW_NUMBER() OVER (PARTITION BY journey, page_n
                                      ORDER BY seq DESC, received_ms DESC, id DESC) AS rank
        FROM beacons
        WHERE journey IN (SELECT journey FROM j) AND trigger NOT IN ('abandoned', 'rating')
    ) WHERE rank = 1
)";

/// The report's side questions ([`queries`]) as SQLite asks them: after the covered journeys'
/// common table expressions, with the beacons they read picked by those.
struct SqliteDialect;

impl Dialect for SqliteDialect {
    fn prefix(&self, over: Over) -> String {
        match over {
            Over::SubmittedEnds => format!("{JOURNEYS}{ENDS}"),
            Over::PageViews | Over::PageViewBeacons => format!("{JOURNEYS}{LATEST}"),
        }
    }

    fn table(&self, name: &str) -> String {
        name.to_owned()
    }

    fn over(&self, over: Over) -> String {
        match over {
            Over::PageViews => "beacon IN (SELECT id FROM latest)".into(),
            Over::PageViewBeacons => "id IN (SELECT id FROM latest)".into(),
            Over::SubmittedEnds => {
                "beacon IN (SELECT je.end_id FROM je JOIN beacons e ON e.id = je.end_id
                WHERE je.started = 1 AND e.outcome = 'submitted' AND e.duration_ms IS NOT NULL)"
                    .into()
            }
        }
    }
}

/// A query's rows as JSON values, in `SELECT` order.
fn rows_of(
    conn: &Connection,
    sql: &str,
    p: &[&dyn rusqlite::ToSql],
) -> Result<Vec<Vec<serde_json::Value>>, Error> {
    use rusqlite::types::ValueRef;
    let mut statement = conn.prepare_cached(sql)?;
    let width = statement.column_count();
    let rows = statement
        .query_map(p, |r| {
            (0..width)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        ValueRef::Null => serde_json::Value::Null,
                        ValueRef::Integer(n) => n.into(),
                        ValueRef::Real(x) => x.into(),
                        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                        ValueRef::Blob(_) => serde_json::Value::Null,
                    })
                })
                .collect::<rusqlite::Result<Vec<_>>>()
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Longest a report (or a list) may read before it is stopped.
pub const READ_BUDGET: Duration = Duration::from_secs(20);
/// Read connections kept open between reads.
const IDLE_READERS: usize = 4;

/// A SQLite beacon database: one write connection, and read-only connections for reports and
/// lists (WAL: readers never wait for the writer, nor the writer for them).
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    conn: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// The device and inode of the file opened (Unix), to notice it removed or replaced.
    identity: Option<(u64, u64)>,
    /// Set once the file is found removed or replaced: the error every write gets since.
    lost: Mutex<Option<String>>,
    /// Why the last beacon write failed for want of storage, until one commits again.
    failing: Mutex<Option<String>>,
}

/// Whether SQLite failed for want of storage (full disk, an I/O error, a read-only file),
/// rather than for the data.
fn is_storage_failure(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::{CannotOpen, DiskFull, ReadOnly, SystemIoFailure};
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if matches!(f.code, DiskFull | SystemIoFailure | ReadOnly | CannotOpen))
}

/// The device and inode of `path`, or `None` where it has none (or cannot be read).
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// A read connection borrowed from the pool, returned on drop; stopped past its budget.
struct Reader<'a> {
    store: &'a SqliteStore,
    conn: Option<Connection>,
    interrupted: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl std::ops::Deref for Reader<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
            .as_ref()
            .expect("a reader holds its connection until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            // A reader whose handler cannot be cleared is not kept.
            if conn.progress_handler(0, None::<fn() -> bool>).is_err() {
                return;
            }
            let mut idle = self
                .store
                .readers
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if idle.len() < IDLE_READERS {
                idle.push(conn);
            }
        }
    }
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `path`, switches it to WAL
    /// and creates the table and indexes.
    pub fn open(path: &Path) -> Result<SqliteStore, Error> {
        let open_err = |source| Error::OpenDb {
            path: path.to_owned(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(open_err)?;
        // A beacon acknowledged is on disk: every commit is synced (WAL, synchronous FULL).
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        // journal_mode returns a row; query it rather than execute.
        let _mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(open_err)?;
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(open_err)?;
        if found > SCHEMA_VERSION {
            return Err(Error::DbVersion {
                path: path.to_owned(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        conn.execute_batch(CREATE).map_err(open_err)?;
        if found < SCHEMA_VERSION {
            migrate(&mut conn).map_err(open_err)?;
        }
        Ok(SqliteStore {
            path: path.to_owned(),
            conn: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            identity: file_identity(path),
            lost: Mutex::new(None),
            failing: Mutex::new(None),
        })
    }

    /// Records how the last beacon write went (`Some`: why it failed for want of storage).
    fn write_failed(&self, why: Option<String>) {
        *self.failing.lock().unwrap_or_else(PoisonError::into_inner) = why;
    }

    /// A read-only connection whose queries stop after `budget`.
    fn reader(&self, budget: Duration) -> Result<Reader<'_>, Error> {
        use rusqlite::OpenFlags;
        // A replaced file would be read as if it were this one: refused like the writes.
        let lost = self
            .lost
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if lost.is_some() || (self.identity.is_some() && file_identity(&self.path) != self.identity)
        {
            return Err(Error::DbReplaced {
                path: self.path.clone(),
                rescue: lost.unwrap_or_default(),
            });
        }
        let pooled = self
            .readers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut conn = match pooled {
            Some(conn) => conn,
            None => {
                let conn = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                conn.busy_timeout(Duration::from_secs(5))?;
                conn
            }
        };
        let deadline = std::time::Instant::now() + budget;
        let interrupted = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = interrupted.clone();
        conn.progress_handler(
            10_000,
            Some(move || {
                let over = std::time::Instant::now() > deadline;
                if over {
                    flag.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                over
            }),
        )?;
        Ok(Reader {
            store: self,
            conn: Some(conn),
            interrupted,
        })
    }

    /// Fails when the file is no longer the one opened. The first time, what the open file
    /// holds is copied beside it (`PATH.rescued-MS.db`), so nothing acknowledged is lost.
    fn check_file(&self, conn: &Connection) -> Result<(), Error> {
        let mut lost = self.lost.lock().unwrap_or_else(PoisonError::into_inner);
        if lost.is_none() {
            let Some(opened) = self.identity else {
                return Ok(());
            };
            if file_identity(&self.path) == Some(opened) {
                return Ok(());
            }
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis());
            let rescue = PathBuf::from(format!("{}.rescued-{now}.db", self.path.display()));
            let copied = conn.execute("VACUUM INTO ?1", params![rescue.to_string_lossy()]);
            *lost = Some(match copied {
                Ok(_) => format!("; stored beacons copied to {}", rescue.display()),
                Err(e) => format!(
                    "; copying the stored beacons to {} failed: {e}",
                    rescue.display()
                ),
            });
            tracing::error!(
                "database file {} was removed or replaced{}",
                self.path.display(),
                lost.as_deref().unwrap_or_default()
            );
        }
        Err(Error::DbReplaced {
            path: self.path.clone(),
            rescue: lost.clone().unwrap_or_default(),
        })
    }

    /// Opens a database that must already exist (for `list`: a typo in `--db`
    /// should not silently create an empty file).
    pub fn open_existing(path: &Path) -> Result<SqliteStore, Error> {
        if !path.exists() {
            return Err(Error::DbMissing {
                path: PathBuf::from(path),
            });
        }
        SqliteStore::open(path)
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-done transaction
        // committed, so the connection is still usable.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl SqliteStore {
    /// The report's rows, read on `conn`.
    fn read_report(&self, conn: &Connection, filter: &Filter) -> Result<ReportInput, Error> {
        let p = params![filter.from_ms, filter.to_ms, filter.service, filter.portal];
        let journeys = conn
            .prepare_cached(&format!(
                "{JOURNEYS}{ENDS}
                 SELECT je.journey, je.svc, je.prt, je.first_ms, je.last_ms, je.started, e.outcome,
                     e.duration_ms, e.active_ms, e.last_field, COALESCE(l.path, ''), r.rating,
                     r.reasons
                 FROM je LEFT JOIN beacons e ON e.id = je.end_id
                     LEFT JOIN beacons l ON l.id = je.last_id
                     LEFT JOIN beacons r ON r.id = je.rating_id
                 ORDER BY je.journey"
            ))?
            .query_map(p, |r| {
                Ok(JourneyRow {
                    journey: r.get(0)?,
                    service: r.get(1)?,
                    portal: r.get(2)?,
                    first_ms: r.get(3)?,
                    last_ms: r.get(4)?,
                    started: r.get(5)?,
                    outcome: r.get(6)?,
                    duration_ms: r.get(7)?,
                    active_ms: r.get(8)?,
                    last_field: r.get(9)?,
                    last_path: r.get(10)?,
                    rating: r.get(11)?,
                    reasons: r.get(12)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let answers = queries::ask_all(&SqliteDialect, &mut |sql| rows_of(conn, sql, p))?;
        let processing = conn
            .prepare_cached(
                "SELECT channel, COUNT(*), SUM(returned_ms - received_ms) FROM processing
                 WHERE returned_ms >= ?1 AND returned_ms < ?2 AND received_ms IS NOT NULL
                   AND returned_ms >= received_ms AND (?3 IS NULL OR service = ?3)
                 GROUP BY channel ORDER BY channel",
            )?
            .query_map(params![filter.from_ms, filter.to_ms, filter.service], |r| {
                Ok(ProcessingRow {
                    channel: r.get(0)?,
                    dossiers: r.get(1)?,
                    ms_sum: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut input = ReportInput {
            journeys,
            processing,
            ..ReportInput::default()
        };
        answers.into_input(&mut input);
        Ok(input)
    }
}

impl Store for SqliteStore {
    fn insert_many(&self, batches: &[Batch<'_>]) -> Vec<Result<InsertOutcome, Error>> {
        let mut conn = self.conn();
        if let Err(e) = self.check_file(&conn) {
            let text = e.to_string();
            return batches
                .iter()
                .map(|_| Err(Error::Store(text.clone())))
                .collect();
        }
        let tx = match conn.transaction() {
            Ok(tx) => tx,
            Err(e) => {
                return batches
                    .iter()
                    .map(|_| Err(Error::Store(e.to_string())))
                    .collect()
            }
        };
        // One savepoint per batch: a batch that fails is undone alone.
        let mut outcomes: Vec<Result<InsertOutcome, Error>> = Vec::with_capacity(batches.len());
        for batch in batches {
            let outcome = tx.execute_batch("SAVEPOINT batch").and_then(|()| {
                let result = insert_batch(&tx, batch);
                match &result {
                    Ok(_) => tx.execute_batch("RELEASE batch")?,
                    Err(_) => tx.execute_batch("ROLLBACK TO batch; RELEASE batch")?,
                }
                result
            });
            outcomes.push(outcome.map_err(Error::from));
        }
        if let Err(e) = tx.commit() {
            self.write_failed(Some(format!("commit failed: {e}")));
            return batches
                .iter()
                .map(|_| Err(Error::Store(format!("commit failed: {e}"))))
                .collect();
        }
        // A batch the disk refused (full, an I/O error) says the store cannot take writes, even
        // if a smaller write (the health check's) would still fit; one that committed says it can.
        let refused = outcomes.iter().find_map(|o| match o {
            Err(Error::Db(e)) if is_storage_failure(e) => Some(e.to_string()),
            _ => None,
        });
        self.write_failed(refused);
        outcomes
    }

    fn list(&self, query: &ListQuery) -> Result<Vec<StoredBeacon>, Error> {
        let conn = self.reader(READ_BUDGET)?;
        let before = match &query.before {
            None => None,
            Some(cursor) => Some(cursor.parse::<i64>().map_err(|_| {
                Error::Usage(format!(
                    "before '{cursor}': not a cursor of this store's listing"
                ))
            })?),
        };
        let mut stmt = conn.prepare_cached(
            "SELECT received_ms, body, rowid FROM (
                 SELECT rowid, received_ms, body FROM beacons
                 WHERE (?1 IS NULL OR journey = ?1) AND (?3 IS NULL OR rowid < ?3)
                 ORDER BY rowid DESC LIMIT ?2
             ) ORDER BY rowid ASC",
        )?;
        let rows = stmt.query_map(params![query.journey, query.limit, before], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (received_ms, body, rowid) = row?;
            let beacon = RawValue::from_string(body).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, e.into())
            })?;
            out.push(StoredBeacon {
                received_ms,
                beacon,
                cursor: rowid.to_string(),
            });
        }
        Ok(out)
    }

    fn report_input(&self, filter: &Filter) -> Result<ReportInput, Error> {
        let conn = self.reader(READ_BUDGET)?;
        self.read_report(&conn, filter).map_err(|e| {
            if conn.interrupted.load(std::sync::atomic::Ordering::Relaxed) {
                Error::TooSlow {
                    seconds: READ_BUDGET.as_secs(),
                }
            } else {
                e
            }
        })
    }

    fn insert_processing(&self, events: &[ProcessingEvent]) -> Result<InsertOutcome, Error> {
        let mut conn = self.conn();
        self.check_file(&conn)?;
        let tx = conn.transaction()?;
        for e in events {
            let column = if e.event == "received" {
                "received_ms"
            } else {
                "returned_ms"
            };
            tx.execute(
                &format!(
                    "INSERT INTO processing (dossier, service, channel, {column}) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (dossier, service) DO UPDATE SET {column} = ?4, channel = ?3"
                ),
                params![e.dossier, e.service, e.channel, e.at_ms],
            )?;
        }
        tx.commit()?;
        Ok(InsertOutcome {
            accepted: events.len(),
            duplicates: 0,
            second_ends: 0,
        })
    }

    /// Whether a write commits now, to the file opened: one real write (a row in `health`).
    fn ping(&self) -> Result<(), Error> {
        let conn = self.conn();
        self.check_file(&conn)?;
        if let Some(why) = self
            .failing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
        {
            return Err(Error::Store(format!("the last beacon write failed: {why}")));
        }
        conn.execute(
            "INSERT OR REPLACE INTO health (id, at_ms) VALUES (1, ?1)",
            params![crate::clock::system_now_ms()],
        )?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }
}

/// Whether a beacon of this trigger ends its journey.
pub fn is_end(trigger: &str) -> bool {
    matches!(trigger, "submitted" | "abandoned" | "expired")
}

/// Inserts one batch inside the open transaction; its outcome.
fn insert_batch(
    tx: &rusqlite::Transaction<'_>,
    batch: &Batch<'_>,
) -> rusqlite::Result<InsertOutcome> {
    let mut accepted = 0;
    let mut second_ends = 0;
    for b in batch.beacons {
        let sp = b.facts.speed.clone().unwrap_or_default();
        let earlier_end = is_end(&b.trigger)
            && tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM beacons WHERE journey = ?1 AND id <> ?2
                         AND trigger IN ('submitted', 'abandoned', 'expired'))",
                )?
                .query_row(params![b.journey, b.id], |r| r.get::<_, bool>(0))?;
        let inserted = tx
            .prepare_cached(
                "INSERT INTO beacons (id, received_ms, journey, seq, trigger, service, path, body,
                     portal, page_n, logged_in, outcome, duration_ms, active_ms, last_field,
                     rating, reasons, ttfb_ms, server_ms, fcp_ms, lcp_ms, cls_x1000, inp_ms, inp_field,
                     since_login_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                     ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)
                 ON CONFLICT (id) DO NOTHING",
            )?
            .execute(params![
                b.id,
                batch.received_ms,
                b.journey,
                b.seq,
                b.trigger,
                b.service,
                b.path,
                b.body,
                batch.portal,
                b.facts.page_n,
                b.facts.logged_in,
                b.facts.outcome,
                b.facts.duration_ms,
                b.facts.active_ms,
                b.facts.last_field,
                b.facts.rating,
                b.facts.reasons,
                sp.ttfb_ms,
                sp.server_ms,
                sp.fcp_ms,
                sp.lcp_ms,
                sp.cls_x1000,
                sp.inp_ms,
                sp.inp_field,
                b.facts.since_login_ms,
            ])?;
        if inserted == 1 {
            insert_facts(tx, &b.id, &b.journey, &b.facts)?;
            accepted += 1;
            second_ends += usize::from(earlier_end);
        }
    }
    Ok(InsertOutcome {
        accepted,
        duplicates: batch.beacons.len() - accepted,
        second_ends,
    })
}

/// Writes a beacon's steps, forms and fields.
fn insert_facts(
    tx: &rusqlite::Transaction<'_>,
    id: &str,
    journey: &str,
    facts: &Facts,
) -> rusqlite::Result<()> {
    for (i, s) in facts.steps.iter().enumerate() {
        tx.prepare_cached(
            "INSERT INTO steps (beacon, idx, name, ms, active_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![id, i as i64, s.name, s.ms, s.active_ms])?;
    }
    for (i, f) in facts.forms.iter().enumerate() {
        tx.prepare_cached(
            "INSERT INTO forms (beacon, idx, journey, key, total, prefilled, typed, overwritten)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            id,
            i as i64,
            journey,
            f.key,
            f.total,
            f.prefilled,
            f.typed,
            f.overwritten
        ])?;
    }
    for (i, f) in facts.fields.iter().enumerate() {
        tx.prepare_cached(
            "INSERT INTO fields (beacon, idx, journey, form, key, origin, source, overwritten)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            id,
            i as i64,
            journey,
            f.form,
            f.key,
            f.origin,
            f.source,
            f.overwritten
        ])?;
        for (name, value) in &f.counters {
            tx.prepare_cached(
                "INSERT INTO field_counters (beacon, idx, key, name, value) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![id, i as i64, f.key, name, value])?;
        }
    }
    Ok(())
}

/// Adds the columns and tables of versions 2 and 3 to an older (or new) file and fills them
/// from the stored bodies, in one transaction.
fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    let has = |column: &str| -> rusqlite::Result<bool> {
        Ok(tx
            .query_row(
                "SELECT 1 FROM pragma_table_info('beacons') WHERE name = ?1",
                [column],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .is_some())
    };
    if !has("portal")? {
        tx.execute_batch(CREATE_V2)?;
    }
    if !has("rating")? {
        tx.execute_batch(CREATE_V3)?;
    }
    if !has("lcp_ms")? {
        tx.execute_batch(CREATE_V4)?;
    }
    if !has("since_login_ms")? {
        tx.execute_batch(CREATE_V5)?;
    }
    let has_counters = tx
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'field_counters'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
        .is_some();
    if !has_counters {
        tx.execute_batch(CREATE_V6)?;
    }
    let old: Vec<(String, String, String)> = tx
        .prepare("SELECT id, journey, body FROM beacons")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (id, journey, body) in old {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&body) else {
            continue;
        };
        let facts = crate::facts::read(&value);
        let sp = facts.speed.clone().unwrap_or_default();
        tx.execute(
            "UPDATE beacons SET page_n = ?2, logged_in = ?3, outcome = ?4, duration_ms = ?5,
                active_ms = ?6, last_field = ?7, rating = ?8, reasons = ?9, ttfb_ms = ?10,
                server_ms = ?11, fcp_ms = ?12, lcp_ms = ?13, cls_x1000 = ?14, inp_ms = ?15,
                inp_field = ?16, since_login_ms = ?17 WHERE id = ?1",
            params![
                id,
                facts.page_n,
                facts.logged_in,
                facts.outcome,
                facts.duration_ms,
                facts.active_ms,
                facts.last_field,
                facts.rating,
                facts.reasons,
                sp.ttfb_ms,
                sp.server_ms,
                sp.fcp_ms,
                sp.lcp_ms,
                sp.cls_x1000,
                sp.inp_ms,
                sp.inp_field,
                facts.since_login_ms
            ],
        )?;
        tx.execute("DELETE FROM steps WHERE beacon = ?1", [&id])?;
        tx.execute("DELETE FROM forms WHERE beacon = ?1", [&id])?;
        tx.execute("DELETE FROM fields WHERE beacon = ?1", [&id])?;
        tx.execute("DELETE FROM field_counters WHERE beacon = ?1", [&id])?;
        insert_facts(&tx, &id, &journey, &facts)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Beacon;

    fn beacon(id: &str, journey: &str, seq: i64) -> Beacon {
        Beacon {
            id: id.into(),
            journey: journey.into(),
            seq,
            trigger: "hidden".into(),
            service: "1.0".into(),
            path: "/".into(),
            body: format!(r#"{{"id":"{id}","seq":{seq}}}"#),
            facts: Facts::default(),
            redacted: Vec::new(),
        }
    }

    fn temp_db(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "journey-collector-store-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("t.db")
    }

    #[test]
    fn insert_dedups_and_lists_oldest_first() {
        let path = temp_db("dedup");
        let store = SqliteStore::open(&path).unwrap();
        let out = store
            .insert(
                10,
                "unknown",
                &[
                    beacon("a", "j1", 0),
                    beacon("b", "j1", 1),
                    beacon("a", "j1", 0),
                ],
            )
            .unwrap();
        assert_eq!(
            out,
            InsertOutcome {
                accepted: 2,
                duplicates: 1,
                second_ends: 0,
            }
        );
        let out = store
            .insert(20, "unknown", &[beacon("c", "j2", 0), beacon("b", "j1", 1)])
            .unwrap();
        assert_eq!(
            out,
            InsertOutcome {
                accepted: 1,
                duplicates: 1,
                second_ends: 0,
            }
        );

        let all = store
            .list(&ListQuery {
                limit: 100,
                journey: None,
                before: None,
            })
            .unwrap();
        let ids: Vec<_> = all.iter().map(|b| b.beacon.get()).collect();
        assert_eq!(
            ids,
            [
                r#"{"id":"a","seq":0}"#,
                r#"{"id":"b","seq":1}"#,
                r#"{"id":"c","seq":0}"#
            ]
        );
        assert_eq!(all[2].received_ms, 20);

        let last2 = store
            .list(&ListQuery {
                limit: 2,
                journey: None,
                before: None,
            })
            .unwrap();
        assert_eq!(last2.len(), 2);
        assert!(last2[0].beacon.get().contains("\"b\""));

        let j1 = store
            .list(&ListQuery {
                limit: 100,
                journey: Some("j1".into()),
                before: None,
            })
            .unwrap();
        assert_eq!(j1.len(), 2);
    }

    #[test]
    fn a_failing_batch_is_undone_alone_and_group_commit_answers_each() {
        let path = temp_db("savepoints");
        let store = SqliteStore::open(&path).unwrap();
        store
            .conn()
            .execute_batch(
                "CREATE TRIGGER boom BEFORE INSERT ON beacons WHEN NEW.service = 'boom'
                 BEGIN SELECT RAISE(ABORT, 'boom'); END;",
            )
            .unwrap();
        let mut bad = beacon("x2", "j2", 1);
        bad.service = "boom".into();
        let (one, two, three) = (
            [beacon("x1", "j1", 0)],
            [beacon("x3", "j2", 0), bad],
            [beacon("x4", "j3", 0), beacon("x1", "j1", 0)],
        );
        let batch = |beacons: &'static [Beacon]| Batch {
            received_ms: 5,
            portal: "unknown",
            beacons,
        };
        let (one, two, three) = (
            Box::leak(Box::new(one)),
            Box::leak(Box::new(two)),
            Box::leak(Box::new(three)),
        );
        let outcomes = store.insert_many(&[batch(one), batch(two), batch(three)]);
        assert_eq!(outcomes[0].as_ref().unwrap().accepted, 1);
        assert!(outcomes[1].is_err(), "the batch with the failing beacon");
        assert_eq!(
            *outcomes[2].as_ref().unwrap(),
            InsertOutcome {
                accepted: 1,
                duplicates: 1,
                second_ends: 0,
            },
            "a duplicate of an earlier batch in the same write"
        );
        let ids: Vec<String> = store
            .list(&ListQuery {
                limit: 10,
                journey: None,
                before: None,
            })
            .unwrap()
            .iter()
            .map(|b| b.beacon.get().to_string())
            .collect();
        assert_eq!(ids.len(), 2, "x3 went with its batch: {ids:?}");

        let grouped = std::sync::Arc::new(super::super::GroupCommit::new(
            std::sync::Arc::new(store),
            Duration::ZERO,
        ));
        let threads: Vec<_> = (0..16)
            .map(|t| {
                let grouped = grouped.clone();
                std::thread::spawn(move || {
                    grouped
                        .insert(7, "unknown", &[beacon(&format!("g{t}"), "jg", t)])
                        .unwrap()
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap().accepted, 1);
        }
        assert_eq!(
            grouped
                .list(&ListQuery {
                    limit: 100,
                    journey: Some("jg".into()),
                    before: None,
                })
                .unwrap()
                .len(),
            16
        );
    }

    #[test]
    fn a_version_1_file_is_migrated_with_its_facts() {
        let path = temp_db("v1");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(CREATE).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            let body = include_str!("../../../schema/examples/beacon.json");
            let body: serde_json::Value = serde_json::from_str(body).unwrap();
            conn.execute(
                "INSERT INTO beacons (id, received_ms, journey, seq, trigger, service, path, body)
                 VALUES ('0123456789abcdef', 1, '0123456789abcdef0123456789abcdef', 2, 'pagehide',
                         '1.001234', '/dich-vu/1.001234/buoc-1', ?1)",
                [body.to_string()],
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let version: i64 = store
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let input = store
            .report_input(&Filter {
                from_ms: 0,
                to_ms: i64::MAX,
                ..Filter::default()
            })
            .unwrap();
        assert_eq!(input.journeys.len(), 1);
        assert_eq!(
            input.fields.iter().map(|f| f.views).sum::<i64>(),
            4,
            "fields backfilled"
        );
        let mut counters: Vec<(String, String, i64)> = input
            .counters
            .iter()
            .map(|c| (c.key.clone(), c.name.clone(), c.sum))
            .collect();
        counters.sort();
        let row = |k: &str, n: &str, v: i64| (k.to_owned(), n.to_owned(), v);
        assert_eq!(
            counters,
            [
                row("noi_thuong_tru", "corrections", 1),
                row("noi_thuong_tru", "focus_ms", 8400),
                row("noi_thuong_tru", "hesitation_ms", 1200),
                row("noi_thuong_tru", "visits", 1),
                row("so_dien_thoai", "corrections", 2),
                row("so_dien_thoai", "focus_ms", 5300),
                row("so_dien_thoai", "hesitation_ms", 900),
                row("so_dien_thoai", "invalid", 1),
                row("so_dien_thoai", "pastes", 1),
                row("so_dien_thoai", "refocus", 1),
                row("so_dien_thoai", "visits", 2),
            ],
            "every counter of the stored bodies backfilled as a row"
        );
    }

    #[test]
    fn reopen_keeps_data_and_sets_version() {
        let path = temp_db("reopen");
        SqliteStore::open(&path)
            .unwrap()
            .insert(1, "unknown", &[beacon("a", "j", 0)])
            .unwrap();
        let store = SqliteStore::open_existing(&path).unwrap();
        assert_eq!(
            store
                .list(&ListQuery {
                    limit: 5,
                    journey: None,
                    before: None,
                })
                .unwrap()
                .len(),
            1
        );
        let v: i64 = store
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let mode: String = store
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn newer_version_is_refused() {
        let path = temp_db("newer");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let err = SqliteStore::open(&path).unwrap_err().to_string();
        assert!(
            err.contains(&format!("schema version {}", SCHEMA_VERSION + 1)),
            "{err}"
        );
    }

    #[test]
    fn open_errors_name_the_path() {
        let err = SqliteStore::open(Path::new("/nonexistent-dir/x/y.db"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cannot open database /nonexistent-dir/x/y.db: "),
            "{err}"
        );
        let err = SqliteStore::open_existing(Path::new("/nonexistent-dir/y.db"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not exist"), "{err}");
    }
}
