//! SQLite storage of beacons (WAL mode, one table, exactly-once by beacon id).
//!
//! [`Store`] is synchronous; the HTTP layer calls it through
//! `tokio::task::spawn_blocking` so SQLite never blocks the async runtime.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::error::Error;
use crate::validate::Beacon;

/// `PRAGMA user_version` of the layout this collector creates.
pub const SCHEMA_VERSION: i64 = 1;

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
";

/// Result of storing one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InsertOutcome {
    /// Beacons newly stored.
    pub accepted: usize,
    /// Beacons skipped because their id was already stored (or repeated in the batch).
    pub duplicates: usize,
}

/// One stored beacon with its receipt time, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct StoredBeacon {
    /// When the collector received it, epoch milliseconds.
    pub received_ms: i64,
    /// The beacon exactly as stored (compact JSON).
    pub beacon: Box<RawValue>,
}

/// Which beacons to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// At most this many: the most recent ones, returned oldest first.
    pub limit: u32,
    /// Only beacons of this journey id.
    pub journey: Option<String>,
}

/// A beacon database.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (creating if missing) the database at `path`, switches it to WAL
    /// and creates the table and indexes.
    pub fn open(path: &Path) -> Result<Store, Error> {
        let open_err = |source| Error::OpenDb {
            path: path.to_owned(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(Duration::from_secs(5))
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
            conn.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(open_err)?;
        }
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    /// Opens a database that must already exist (for `list`: a typo in `--db`
    /// should not silently create an empty file).
    pub fn open_existing(path: &Path) -> Result<Store, Error> {
        if !path.exists() {
            return Err(Error::DbMissing {
                path: PathBuf::from(path),
            });
        }
        Store::open(path)
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-done transaction
        // committed, so the connection is still usable.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores a batch in one transaction; beacons whose id is already stored are skipped.
    pub fn insert(&self, received_ms: i64, beacons: &[Beacon]) -> Result<InsertOutcome, Error> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut accepted = 0;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO beacons (id, received_ms, journey, seq, trigger, service, path, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING",
            )?;
            for b in beacons {
                accepted += stmt.execute(params![
                    b.id,
                    received_ms,
                    b.journey,
                    b.seq,
                    b.trigger,
                    b.service,
                    b.path,
                    b.body
                ])?;
            }
        }
        tx.commit()?;
        Ok(InsertOutcome {
            accepted,
            duplicates: beacons.len() - accepted,
        })
    }

    /// The most recent `query.limit` beacons (of one journey if asked), oldest first.
    pub fn list(&self, query: &ListQuery) -> Result<Vec<StoredBeacon>, Error> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT received_ms, body FROM (
                 SELECT rowid, received_ms, body FROM beacons
                 WHERE ?1 IS NULL OR journey = ?1
                 ORDER BY rowid DESC LIMIT ?2
             ) ORDER BY rowid ASC",
        )?;
        let rows = stmt.query_map(params![query.journey, query.limit], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (received_ms, body) = row?;
            let beacon = RawValue::from_string(body).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, e.into())
            })?;
            out.push(StoredBeacon {
                received_ms,
                beacon,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beacon(id: &str, journey: &str, seq: i64) -> Beacon {
        Beacon {
            id: id.into(),
            journey: journey.into(),
            seq,
            trigger: "hidden".into(),
            service: "1.0".into(),
            path: "/".into(),
            body: format!(r#"{{"id":"{id}","seq":{seq}}}"#),
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
        let store = Store::open(&path).unwrap();
        let out = store
            .insert(
                10,
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
                duplicates: 1
            }
        );
        let out = store
            .insert(20, &[beacon("c", "j2", 0), beacon("b", "j1", 1)])
            .unwrap();
        assert_eq!(
            out,
            InsertOutcome {
                accepted: 1,
                duplicates: 1
            }
        );

        let all = store
            .list(&ListQuery {
                limit: 100,
                journey: None,
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
            })
            .unwrap();
        assert_eq!(last2.len(), 2);
        assert!(last2[0].beacon.get().contains("\"b\""));

        let j1 = store
            .list(&ListQuery {
                limit: 100,
                journey: Some("j1".into()),
            })
            .unwrap();
        assert_eq!(j1.len(), 2);
    }

    #[test]
    fn reopen_keeps_data_and_sets_version() {
        let path = temp_db("reopen");
        Store::open(&path)
            .unwrap()
            .insert(1, &[beacon("a", "j", 0)])
            .unwrap();
        let store = Store::open_existing(&path).unwrap();
        assert_eq!(
            store
                .list(&ListQuery {
                    limit: 5,
                    journey: None
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
            .pragma_update(None, "user_version", 2)
            .unwrap();
        let err = Store::open(&path).unwrap_err().to_string();
        assert!(err.contains("schema version 2"), "{err}");
    }

    #[test]
    fn open_errors_name_the_path() {
        let err = Store::open(Path::new("/nonexistent-dir/x/y.db"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cannot open database /nonexistent-dir/x/y.db: "),
            "{err}"
        );
        let err = Store::open_existing(Path::new("/nonexistent-dir/y.db"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not exist"), "{err}");
    }
}
