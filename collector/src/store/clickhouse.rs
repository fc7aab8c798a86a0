//! The scale-out store: ClickHouse over its HTTP interface, for collectors that run stateless
//! behind a load balancer. Written for the common SQL subset that Debian's old 18.16 release
//! and current releases share: `ReplacingMergeTree`, `Nullable`, `JSONEachRow`, `FINAL`.
//!
//! Exactly once: a batch's ids already stored are skipped before the insert, and every table
//! is a `ReplacingMergeTree` keyed by beacon id, read with `FINAL`, so that two collectors
//! racing on the same resent beacon still count it once. A batch writes its side tables
//! (steps, forms, fields) first and its beacons last: every query starts from the beacons
//! table, so a batch cut short is invisible until it is retried, and the retry replaces
//! whatever half of it arrived.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use super::queries::{self, Dialect, Over};
use super::{Batch, InsertOutcome, ListQuery, ProcessingEvent, Store, StoredBeacon};
use crate::error::Error;
use crate::report::input::{JourneyRow, ProcessingRow};
use crate::report::{Filter, ReportInput};
use crate::validate::Beacon;

const TABLES: [&str; 6] = [
    "CREATE TABLE IF NOT EXISTS beacons (id String, received_ms Int64, journey String, seq Int64,
        trigger String, service String, path String, body String, portal String, page_n Int64,
        logged_in UInt8, outcome Nullable(String), duration_ms Nullable(Int64),
        active_ms Nullable(Int64), last_field Nullable(String), rating Nullable(Int64),
        reasons Nullable(String), ttfb_ms Nullable(Int64), server_ms Nullable(Int64),
        fcp_ms Nullable(Int64), lcp_ms Nullable(Int64), cls_x1000 Nullable(Int64),
        inp_ms Nullable(Int64), inp_field Nullable(String), since_login_ms Nullable(Int64),
        ver UInt64)
     ENGINE = ReplacingMergeTree(ver) ORDER BY id",
    "CREATE TABLE IF NOT EXISTS steps (beacon String, journey String, idx Int64, name String,
        ms Int64, active_ms Int64, ver UInt64) ENGINE = ReplacingMergeTree(ver) ORDER BY (beacon, idx)",
    "CREATE TABLE IF NOT EXISTS forms (beacon String, journey String, idx Int64, key String,
        total Int64, prefilled Int64, typed Int64, overwritten Int64, ver UInt64)
     ENGINE = ReplacingMergeTree(ver) ORDER BY (beacon, idx)",
    "CREATE TABLE IF NOT EXISTS fields (beacon String, journey String, idx Int64, form String,
        key String, origin String, source Nullable(String), overwritten UInt8, ver UInt64)
     ENGINE = ReplacingMergeTree(ver) ORDER BY (beacon, idx)",
    "CREATE TABLE IF NOT EXISTS field_counters (beacon String, idx Int64, key String,
        name String, value Int64, ver UInt64)
     ENGINE = ReplacingMergeTree(ver) ORDER BY (beacon, idx, name)",
    "CREATE TABLE IF NOT EXISTS processing (dossier String, service String, channel String,
        event String, at_ms Int64) ENGINE = ReplacingMergeTree ORDER BY (dossier, service, event)",
];

/// A ClickHouse database reached over HTTP.
#[derive(Debug)]
pub struct ClickHouseStore {
    /// `http://host:port/` with no query.
    base: String,
    /// The database name.
    database: String,
    agent: ureq::Agent,
}

/// The row version of a beacon received at `received_ms`: `ReplacingMergeTree(ver)` keeps the
/// highest, so the earliest received body of an id wins, as the first stored does in SQLite.
fn version(received_ms: i64) -> u64 {
    u64::try_from(i64::MAX.saturating_sub(received_ms.max(0))).unwrap_or(0)
}

/// Side-table rows of the beacons `ids` selects, in the version the beacons table kept: two
/// racing bodies of one beacon never mix their rows.
fn kept(ids: &str) -> String {
    format!("(beacon, ver) IN (SELECT id, ver FROM beacons FINAL WHERE id IN ({ids}))")
}

/// A string as a ClickHouse literal.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The report's side questions ([`queries`]) as ClickHouse asks them: versioned tables read
/// `FINAL`, and side rows only of the beacon version kept ([`kept`]).
struct ClickHouseDialect {
    /// The covered journeys' query ([`ClickHouseStore::covered`]).
    covered: String,
    /// Their page views' last beacons ([`ClickHouseStore::latest`]).
    latest: String,
}

impl Dialect for ClickHouseDialect {
    fn prefix(&self, _: Over) -> String {
        String::new()
    }

    fn table(&self, name: &str) -> String {
        format!("{name} FINAL")
    }

    fn over(&self, over: Over) -> String {
        match over {
            Over::PageViews => kept(&self.latest),
            Over::PageViewBeacons => format!("id IN ({})", self.latest),
            Over::SubmittedEnds => kept(&format!(
                "SELECT end_id FROM ({}) WHERE started > 0 AND ended > 0
                   AND end_outcome = 'submitted' AND end_duration >= 0",
                self.covered
            )),
        }
    }
}

impl ClickHouseStore {
    /// Connects to `url` (`http://HOST:PORT/?database=NAME`, database `journeys` if not
    /// given), creating the database and tables if missing.
    pub fn open(url: &str) -> Result<ClickHouseStore, Error> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let database = query
            .split('&')
            .find_map(|p| p.strip_prefix("database="))
            .unwrap_or("journeys")
            .to_owned();
        if database.is_empty()
            || !database
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(Error::Store(format!(
                "database '{database}' in {url}: expected letters, digits and '_'"
            )));
        }
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .http_status_as_error(false)
            .build()
            .new_agent();
        let store = ClickHouseStore {
            base: format!("{}/", base.trim_end_matches('/')),
            database,
            agent,
        };
        store.run_in(
            None,
            &format!("CREATE DATABASE IF NOT EXISTS {}", store.database),
        )?;
        let had_counters = store.has_table("field_counters")?;
        for table in TABLES {
            store.run(table)?;
        }
        // Columns added since the first layout, for tables an older collector created (the
        // ClickHouse Debian ships has no `ADD COLUMN IF NOT EXISTS`). Their engine stays
        // unversioned: there, of two racing bodies of one beacon the last is kept.
        for (table, column, kind) in [
            ("beacons", "since_login_ms", "Nullable(Int64)"),
            ("beacons", "ver", "UInt64"),
            ("steps", "ver", "UInt64"),
            ("forms", "ver", "UInt64"),
            ("forms", "idx", "Int64"),
            ("fields", "ver", "UInt64"),
        ] {
            let has = store.run(&format!(
                "SELECT count() FROM system.columns WHERE database = {} AND table = {}
                   AND name = {} FORMAT TSV",
                quote(&store.database),
                quote(table),
                quote(column)
            ))?;
            if has.trim() == "0" {
                store.run(&format!("ALTER TABLE {table} ADD COLUMN {column} {kind}"))?;
            }
        }
        if !had_counters {
            store.counters_from_columns()?;
        }
        Ok(store)
    }

    /// Whether `table` exists in the database.
    fn has_table(&self, table: &str) -> Result<bool, Error> {
        let n = self.run(&format!(
            "SELECT count() FROM system.tables WHERE database = {} AND name = {} FORMAT TSV",
            quote(&self.database),
            quote(table)
        ))?;
        Ok(n.trim() != "0")
    }

    /// A database an older collector made keeps its counters as columns of `fields`: they
    /// become rows of `field_counters` once, when that table is created.
    fn counters_from_columns(&self) -> Result<(), Error> {
        for (column, present) in [
            ("invalid", "invalid > 0"),
            ("corrections", "corrections > 0"),
            ("hesitation_ms", "isNotNull(hesitation_ms)"),
        ] {
            let has = self.run(&format!(
                "SELECT count() FROM system.columns WHERE database = {} AND table = 'fields'
                   AND name = {} FORMAT TSV",
                quote(&self.database),
                quote(column)
            ))?;
            if has.trim() != "0" {
                self.run(&format!(
                    "INSERT INTO field_counters (beacon, idx, key, name, value, ver)
                     SELECT beacon, idx, key, {}, assumeNotNull({column}), ver
                     FROM fields WHERE {present}",
                    quote(column)
                ))?;
            }
        }
        Ok(())
    }

    /// Runs a statement (or a query with its `FORMAT`) in `database`; returns the body.
    fn run_in(&self, database: Option<&str>, sql: &str) -> Result<String, Error> {
        let mut url = format!("{}?output_format_json_quote_64bit_integers=0", self.base);
        if let Some(db) = database {
            url.push_str("&database=");
            url.push_str(db);
        }
        let mut response = self.agent.post(&url).send(sql.as_bytes()).map_err(|e| {
            Error::Store(format!("ClickHouse at {} does not answer: {e}", self.base))
        })?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| Error::Store(format!("ClickHouse answer unreadable: {e}")))?;
        if status != 200 {
            let first = body
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(300)
                .collect::<String>();
            return Err(Error::Store(format!(
                "ClickHouse answered HTTP {status}: {first}"
            )));
        }
        Ok(body)
    }

    fn run(&self, sql: &str) -> Result<String, Error> {
        self.run_in(Some(&self.database), sql)
    }

    /// A query's rows, one JSON object each.
    fn rows<T: DeserializeOwned>(&self, sql: &str) -> Result<Vec<T>, Error> {
        self.run(&format!("{sql} FORMAT JSONEachRow"))?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str(l)
                    .map_err(|e| Error::Store(format!("unexpected row {l}: {e}")))
            })
            .collect()
    }

    /// A query's rows as arrays (`JSONCompact`: 18.16 has no `JSONCompactEachRow`).
    fn compact_rows<T: DeserializeOwned>(&self, sql: &str) -> Result<Vec<T>, Error> {
        #[derive(Deserialize)]
        struct Compact<T> {
            data: Vec<T>,
        }
        let body = self.run(&format!("{sql} FORMAT JSONCompact"))?;
        serde_json::from_str::<Compact<T>>(&body)
            .map(|c| c.data)
            .map_err(|e| Error::Store(format!("unexpected answer to a query: {e}")))
    }

    /// Inserts rows as `JSONEachRow`.
    fn insert_rows(&self, table: &str, rows: &[Value]) -> Result<(), Error> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut sql = format!("INSERT INTO {table} FORMAT JSONEachRow\n");
        for row in rows {
            sql.push_str(&row.to_string());
            sql.push('\n');
        }
        self.run(&sql).map(|_| ())
    }

    /// Stores the batches with one duplicate check and one insert per table.
    fn insert_all(&self, batches: &[Batch<'_>]) -> Result<Vec<InsertOutcome>, Error> {
        let all: Vec<&Beacon> = batches.iter().flat_map(|b| b.beacons.iter()).collect();
        if all.is_empty() {
            return Ok(batches
                .iter()
                .map(|_| InsertOutcome {
                    accepted: 0,
                    duplicates: 0,
                    second_ends: 0,
                })
                .collect());
        }
        let ids: Vec<String> = all.iter().map(|b| quote(&b.id)).collect();
        #[derive(Deserialize)]
        struct Id {
            id: String,
        }
        let known: Vec<Id> = self.rows(&format!(
            "SELECT DISTINCT id FROM beacons FINAL WHERE id IN ({})",
            ids.join(",")
        ))?;
        let mut seen: std::collections::HashSet<&str> =
            known.iter().map(|k| k.id.as_str()).collect();
        // Journeys that already have an end: a new end of theirs is kept but never used.
        let ending: std::collections::BTreeSet<String> = all
            .iter()
            .filter(|b| crate::store::sqlite::is_end(&b.trigger))
            .map(|b| quote(&b.journey))
            .collect();
        #[derive(Deserialize)]
        struct Ended {
            journey: String,
        }
        let mut ended: std::collections::HashSet<String> = if ending.is_empty() {
            std::collections::HashSet::new()
        } else {
            self.rows::<Ended>(&format!(
                "SELECT DISTINCT journey FROM beacons FINAL WHERE journey IN ({})
                   AND trigger IN ('submitted', 'abandoned', 'expired')",
                ending.into_iter().collect::<Vec<_>>().join(",")
            ))?
            .into_iter()
            .map(|e| e.journey)
            .collect()
        };
        let (mut steps, mut forms, mut fields, mut counters, mut rows) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut outcomes = Vec::with_capacity(batches.len());
        for batch in batches {
            let mut accepted = 0;
            let mut second_ends = 0;
            for b in batch.beacons.iter().filter(|b| seen.insert(b.id.as_str())) {
                accepted += 1;
                if crate::store::sqlite::is_end(&b.trigger) && !ended.insert(b.journey.clone()) {
                    second_ends += 1;
                }
                let f = &b.facts;
                let sp = f.speed.clone().unwrap_or_default();
                let ver = version(batch.received_ms);
                for (i, s) in f.steps.iter().enumerate() {
                    steps.push(json!({"beacon": b.id, "journey": b.journey, "idx": i, "name": s.name, "ms": s.ms,
                        "active_ms": s.active_ms, "ver": ver}));
                }
                for (i, form) in f.forms.iter().enumerate() {
                    forms.push(json!({"beacon": b.id, "journey": b.journey, "idx": i, "key": form.key, "total": form.total,
                        "prefilled": form.prefilled, "typed": form.typed, "overwritten": form.overwritten, "ver": ver}));
                }
                for (i, x) in f.fields.iter().enumerate() {
                    fields.push(json!({"beacon": b.id, "journey": b.journey, "idx": i, "form": x.form, "key": x.key,
                        "origin": x.origin, "source": x.source, "overwritten": u8::from(x.overwritten), "ver": ver}));
                    for (name, value) in &x.counters {
                        counters.push(json!({"beacon": b.id, "idx": i, "key": x.key, "name": name,
                            "value": value, "ver": ver}));
                    }
                }
                rows.push(json!({"id": b.id, "received_ms": batch.received_ms, "journey": b.journey, "seq": b.seq,
                    "trigger": b.trigger, "service": b.service, "path": b.path, "body": b.body, "portal": batch.portal,
                    "page_n": f.page_n, "logged_in": u8::from(f.logged_in), "outcome": f.outcome,
                    "duration_ms": f.duration_ms, "active_ms": f.active_ms, "last_field": f.last_field,
                    "rating": f.rating, "reasons": f.reasons,
                    "ttfb_ms": sp.ttfb_ms, "server_ms": sp.server_ms, "fcp_ms": sp.fcp_ms, "lcp_ms": sp.lcp_ms,
                    "cls_x1000": sp.cls_x1000, "inp_ms": sp.inp_ms, "inp_field": sp.inp_field,
                    "since_login_ms": f.since_login_ms, "ver": ver}));
            }
            outcomes.push(InsertOutcome {
                accepted,
                duplicates: batch.beacons.len() - accepted,
                second_ends,
            });
        }
        // Side tables first, beacons last: a batch cut short is not seen (see the module doc).
        self.insert_rows("steps", &steps)?;
        self.insert_rows("forms", &forms)?;
        self.insert_rows("fields", &fields)?;
        self.insert_rows("field_counters", &counters)?;
        self.insert_rows("beacons", &rows)?;
        Ok(outcomes)
    }

    /// One row per journey the report covers (see the README's "How the report counts"):
    /// those whose first beacon was received in the period, with the service and portal of
    /// their beacons other than ratings, and what their end, first rating and last beacon say.
    /// `argMin` over a tuple picks one row deterministically; a `Nullable` argument would make
    /// `argMin` skip the rows where it is `NULL`, so those go through a sentinel (−1 or '').
    fn covered(filter: &Filter) -> String {
        let (from, to) = (filter.from_ms, filter.to_ms);
        let mut having = format!("first_ms >= {from} AND first_ms < {to}");
        if let Some(s) = &filter.service {
            having.push_str(&format!(" AND svc = {}", quote(s)));
        }
        if let Some(p) = &filter.portal {
            having.push_str(&format!(" AND prt = {}", quote(p)));
        }
        let end_key =
            "(trigger NOT IN ('submitted', 'abandoned', 'expired'), received_ms, seq, id)";
        let rating_key = "(received_ms, seq, id)";
        // An end counts only if plausible: its duration no shorter (within 2 s) than the
        // journey clock any beacon of the journey showed (the clock stops at the submission).
        let end = "isNotNull(outcome) AND (isNull(duration_ms) OR duration_ms + 2000 >= max_since)";
        format!(
            "SELECT journey, min(received_ms) AS first_ms, max(received_ms) AS last_ms,
                max(logged_in) AS started,
                if(countIf(trigger != 'rating') > 0, minIf(service, trigger != 'rating'), min(service)) AS svc,
                if(countIf(trigger != 'rating') > 0, minIf(portal, trigger != 'rating'), min(portal)) AS prt,
                countIf({end}) AS ended,
                argMinIf(id, {end_key}, {end}) AS end_id,
                argMinIf(ifNull(outcome, ''), {end_key}, {end}) AS end_outcome,
                argMinIf(ifNull(duration_ms, -1), {end_key}, {end}) AS end_duration,
                argMinIf(ifNull(active_ms, -1), {end_key}, {end}) AS end_active,
                argMinIf(ifNull(last_field, ''), {end_key}, {end}) AS end_field,
                argMaxIf(path, (seq, received_ms, id), trigger != 'rating') AS last_path,
                countIf(trigger = 'rating') AS rated,
                argMinIf(ifNull(rating, -1), {rating_key}, trigger = 'rating') AS first_rating,
                argMinIf(ifNull(reasons, ''), {rating_key}, trigger = 'rating') AS first_reasons
             FROM beacons FINAL
             ANY LEFT JOIN (
                SELECT journey, max(if(trigger != 'rating', ifNull(since_login_ms, 0), 0)) AS max_since
                FROM beacons FINAL
                WHERE journey IN (SELECT journey FROM beacons FINAL
                                  WHERE received_ms >= {from} AND received_ms < {to})
                GROUP BY journey) USING journey
             WHERE journey IN (SELECT journey FROM beacons FINAL
                               WHERE received_ms >= {from} AND received_ms < {to})
             GROUP BY journey HAVING {having}"
        )
    }

    /// The last beacon of every page view of the covered journeys (highest seq, then the latest
    /// received, then the highest id; `abandoned` and `rating` beacons carry no page).
    fn latest(filter: &Filter) -> String {
        format!(
            "SELECT argMax(id, (seq, received_ms, id)) FROM beacons FINAL
             WHERE journey IN (SELECT journey FROM ({})) AND trigger NOT IN ('abandoned', 'rating')
             GROUP BY journey, page_n",
            Self::covered(filter)
        )
    }
}

/// A covered journey's row as [`ClickHouseStore::covered`] selects it (integers come back as
/// numbers).
#[derive(Deserialize)]
struct Journey(
    String,
    i64,
    i64,
    u8,
    String,
    String,
    u64,
    String,
    i64,
    i64,
    String,
    String,
    u64,
    i64,
    String,
);

impl Journey {
    fn row(self) -> JourneyRow {
        let ended = self.6 > 0;
        let rated = self.12 > 0;
        let some_int = |v: i64, present: bool| (present && v >= 0).then_some(v);
        let some_text = |v: String, present: bool| (present && !v.is_empty()).then_some(v);
        JourneyRow {
            journey: self.0,
            first_ms: self.1,
            last_ms: self.2,
            started: self.3 > 0,
            service: self.4,
            portal: self.5,
            outcome: some_text(self.7, ended),
            duration_ms: some_int(self.8, ended),
            active_ms: some_int(self.9, ended),
            last_field: some_text(self.10, ended),
            last_path: self.11,
            rating: some_int(self.13, rated),
            reasons: some_text(self.14, rated),
        }
    }
}

impl Store for ClickHouseStore {
    fn insert_many(&self, batches: &[Batch<'_>]) -> Vec<Result<InsertOutcome, Error>> {
        match self.insert_all(batches) {
            Ok(outcomes) => outcomes.into_iter().map(Ok).collect(),
            // One round of inserts: when it fails, every batch in it is refused (and retried).
            Err(e) => batches
                .iter()
                .map(|_| Err(Error::Store(e.to_string())))
                .collect(),
        }
    }

    fn list(&self, query: &ListQuery) -> Result<Vec<StoredBeacon>, Error> {
        let mut conds = Vec::new();
        if let Some(j) = &query.journey {
            conds.push(format!("journey = {}", quote(j)));
        }
        if let Some(cursor) = &query.before {
            // `received_ms.seq.journey.id`, as the rows below write it.
            let bad = || {
                Error::Usage(format!(
                    "before '{cursor}': not a cursor of this store's listing"
                ))
            };
            let mut parts = cursor.splitn(4, '.');
            let (Some(ms), Some(seq), Some(journey), Some(id)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(bad());
            };
            let (ms, seq) = (
                ms.parse::<i64>().map_err(|_| bad())?,
                seq.parse::<i64>().map_err(|_| bad())?,
            );
            conds.push(format!(
                "(received_ms, journey, seq, id) < ({ms}, {}, {seq}, {})",
                quote(journey),
                quote(id)
            ));
        }
        let cond = if conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conds.join(" AND "))
        };
        #[derive(Deserialize)]
        struct Row {
            received_ms: i64,
            body: String,
            journey: String,
            seq: i64,
            id: String,
        }
        let mut rows: Vec<Row> = self.rows(&format!(
            "SELECT received_ms, body, journey, seq, id FROM beacons FINAL {cond}
             ORDER BY received_ms DESC, journey DESC, seq DESC, id DESC LIMIT {}",
            query.limit
        ))?;
        rows.reverse();
        rows.into_iter()
            .map(|r| {
                Ok(StoredBeacon {
                    received_ms: r.received_ms,
                    cursor: format!("{}.{}.{}.{}", r.received_ms, r.seq, r.journey, r.id),
                    beacon: serde_json::value::RawValue::from_string(r.body)
                        .map_err(|e| Error::Store(format!("stored body is not JSON: {e}")))?,
                })
            })
            .collect()
    }

    fn report_input(&self, filter: &Filter) -> Result<ReportInput, Error> {
        let covered = Self::covered(filter);
        let latest = Self::latest(filter);
        let journeys: Vec<Journey> = self.compact_rows(&format!(
            "SELECT journey, first_ms, last_ms, started, svc, prt, ended, end_outcome,
                end_duration, end_active, end_field, last_path, rated, first_rating, first_reasons
             FROM ({covered}) ORDER BY journey"
        ))?;
        let journeys = journeys.into_iter().map(Journey::row).collect();
        let compact = |sql: String| self.compact_rows::<Vec<Value>>(&sql);
        let int = |v: &Value| v.as_i64().unwrap_or(0);
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        let dialect = ClickHouseDialect { covered, latest };
        let answers = queries::ask_all(&dialect, &mut |sql| self.compact_rows::<Vec<Value>>(sql))?;
        let service = filter
            .service
            .as_ref()
            .map_or(String::new(), |s| format!("WHERE service = {}", quote(s)));
        let processing = compact(format!(
            "SELECT channel, count(), sum(returned - received) FROM (
                 SELECT dossier, service, argMax(channel, at_ms) AS channel,
                     maxIf(at_ms, event = 'received') AS received, maxIf(at_ms, event = 'returned') AS returned,
                     countIf(event = 'received') AS has_received, countIf(event = 'returned') AS has_returned
                 FROM processing FINAL {service} GROUP BY dossier, service)
             WHERE has_received > 0 AND has_returned > 0 AND returned >= {} AND returned < {}
               AND returned >= received
             GROUP BY channel ORDER BY channel",
            filter.from_ms, filter.to_ms
        ))?
        .iter()
        .map(|r| ProcessingRow { channel: text(&r[0]), dossiers: int(&r[1]), ms_sum: int(&r[2]) })
        .collect();
        let mut input = ReportInput {
            journeys,
            processing,
            ..ReportInput::default()
        };
        answers.into_input(&mut input);
        Ok(input)
    }

    fn insert_processing(&self, events: &[ProcessingEvent]) -> Result<InsertOutcome, Error> {
        let rows: Vec<Value> = events
            .iter()
            .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
            .collect();
        self.insert_rows("processing", &rows)?;
        Ok(InsertOutcome {
            accepted: events.len(),
            duplicates: 0,
            second_ends: 0,
        })
    }

    fn ping(&self) -> Result<(), Error> {
        self.run("SELECT 1").map(|_| ())
    }

    fn describe(&self) -> String {
        format!("clickhouse:{}?database={}", self.base, self.database)
    }
}
