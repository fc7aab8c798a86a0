//! The report's questions to the side tables, written once in the SQL both stores speak, and
//! rendered per store by a [`Dialect`]: which beacons a question reads (the last beacon of every
//! page view, or the ends of the submitted journeys) and how a table is named (ClickHouse reads
//! its versioned tables `FINAL`). The answers come back as rows of JSON values from either
//! store, and one decoder per question turns them into [`ReportInput`]'s rows, so the two
//! stores cannot drift apart in what they ask or how they read the answer.
//!
//! The journeys themselves (their ends, ratings and last beacons) and the processing events
//! stay written per store: SQLite picks them with correlated subqueries and window functions,
//! which the ClickHouse the collector supports (18.16) does not have.

use serde_json::Value;

use crate::report::input::{CounterRow, FieldRow, KeyJourneys, PageSpeedRow, StepRow};
use crate::report::ReportInput;

/// Which beacons a question reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    /// The last beacon of every page view of the covered journeys (`abandoned` and `rating`
    /// beacons aside): side-table rows whose `beacon` is one of them.
    PageViews,
    /// The same beacons, read from the beacons table itself (`id` is one of them).
    PageViewBeacons,
    /// The ends of the covered journeys that started and were submitted with a duration.
    SubmittedEnds,
}

/// How a store names what a question needs.
pub trait Dialect {
    /// What comes before the `SELECT` (SQLite's common table expressions).
    fn prefix(&self, over: Over) -> String;
    /// A table as the query reads it.
    fn table(&self, name: &str) -> String;
    /// The condition that keeps the rows of the beacons `over` reads.
    fn over(&self, over: Over) -> String;
}

/// One question: `SELECT {select} FROM {table} WHERE {over} [AND {filter}] [GROUP BY {group}]
/// [ORDER BY {order}]`. `{inner}` in `table` is another question's text (a subquery).
#[derive(Debug, Clone, Copy)]
pub struct Question {
    /// Columns and aggregates.
    pub select: &'static str,
    /// The table read.
    pub table: &'static str,
    /// Which beacons.
    pub over: Over,
    /// A further condition.
    pub filter: Option<&'static str>,
    /// Grouping columns.
    pub group: Option<&'static str>,
    /// Order of the rows (every question with several rows has one, for identical reports).
    pub order: Option<&'static str>,
}

impl Question {
    /// The question as `dialect` asks it.
    pub fn sql(&self, dialect: &dyn Dialect) -> String {
        format!(
            "{}\n{}",
            dialect.prefix(self.over),
            self.body(dialect, &dialect.table(self.table))
        )
    }

    /// The question without the prefix, reading `from`.
    fn body(&self, dialect: &dyn Dialect, from: &str) -> String {
        let mut sql = format!(
            "SELECT {} FROM {from} WHERE {}",
            self.select,
            dialect.over(self.over)
        );
        for (word, part) in [
            (" AND ", self.filter),
            (" GROUP BY ", self.group),
            (" ORDER BY ", self.order),
        ] {
            if let Some(part) = part {
                sql.push_str(word);
                sql.push_str(part);
            }
        }
        sql
    }
}

/// Fields by key, origin and source: page views, and of them overwritten.
pub const FIELDS: Question = Question {
    select: "key, origin, source, COUNT(*), SUM(overwritten)",
    table: "fields",
    over: Over::PageViews,
    filter: None,
    group: Some("key, origin, source"),
    order: Some("key, origin, source"),
};

/// Counters by field key and name: their sum, and the page views that carried them.
pub const COUNTERS: Question = Question {
    select: "key, name, SUM(value), COUNT(*)",
    table: "field_counters",
    over: Over::PageViews,
    filter: None,
    group: Some("key, name"),
    order: Some("key, name"),
};

/// Field keys: the journeys they appeared in, and of them those where the citizen typed them.
pub const KEYS: Question = Question {
    select:
        "key, COUNT(DISTINCT journey), COUNT(DISTINCT CASE WHEN origin = 'user' THEN journey END)",
    table: "fields",
    over: Over::PageViews,
    filter: None,
    group: Some("key"),
    order: Some("key"),
};

/// Forms seen, and of them with any pre-filled field.
pub const FORMS: Question = Question {
    select: "COUNT(*), COALESCE(SUM(prefilled > 0), 0)",
    table: "forms",
    over: Over::PageViews,
    filter: None,
    group: None,
    order: None,
};

/// Journeys that met a form, and of them journeys that met a pre-filled field.
pub const FORM_JOURNEYS: Question = Question {
    select: "COUNT(DISTINCT journey), COUNT(DISTINCT CASE WHEN prefilled > 0 THEN journey END)",
    table: "forms",
    over: Over::PageViews,
    filter: None,
    group: None,
    order: None,
};

/// Per end and step name: the step's time (every visit), active time and first position.
const STEPS_PER_END: Question = Question {
    select:
        "beacon, name, SUM(ms) AS step_ms, SUM(active_ms) AS step_active, MIN(idx) AS first_idx",
    table: "steps",
    over: Over::SubmittedEnds,
    filter: None,
    group: Some("beacon, name"),
    order: None,
};

/// Per step name over the submitted ends: journeys, time, active time, positions summed.
pub fn steps(dialect: &dyn Dialect) -> String {
    let inner = STEPS_PER_END.body(dialect, &dialect.table(STEPS_PER_END.table));
    format!(
        "{}\nSELECT name, COUNT(*), SUM(step_ms), SUM(step_active), SUM(first_idx + 1)
         FROM ({inner}) GROUP BY name ORDER BY name",
        dialect.prefix(Over::SubmittedEnds)
    )
}

/// Page views with speed figures: the page's path and its figures.
pub const PAGES: Question = Question {
    select: "path, ttfb_ms, server_ms, fcp_ms, lcp_ms, cls_x1000, inp_ms, inp_field",
    table: "beacons",
    over: Over::PageViewBeacons,
    filter: Some(
        "(ttfb_ms IS NOT NULL OR server_ms IS NOT NULL OR fcp_ms IS NOT NULL \
         OR lcp_ms IS NOT NULL OR cls_x1000 IS NOT NULL OR inp_ms IS NOT NULL)",
    ),
    group: None,
    order: Some("path, id"),
};

/// A query's rows, each its values in `SELECT` order.
pub type Rows = Vec<Vec<Value>>;

/// A store's answers to the questions above, each as rows of values in `SELECT` order.
#[derive(Debug, Default)]
pub struct Answers {
    /// To [`steps`].
    pub steps: Rows,
    /// To [`FIELDS`].
    pub fields: Rows,
    /// To [`COUNTERS`].
    pub counters: Rows,
    /// To [`KEYS`].
    pub keys: Rows,
    /// To [`FORMS`] (one row).
    pub forms: Rows,
    /// To [`FORM_JOURNEYS`] (one row).
    pub form_journeys: Rows,
    /// To [`PAGES`].
    pub pages: Rows,
}

fn int(row: &[Value], i: usize) -> i64 {
    row.get(i).and_then(Value::as_i64).unwrap_or(0)
}

fn opt_int(row: &[Value], i: usize) -> Option<i64> {
    row.get(i).and_then(Value::as_i64)
}

fn text(row: &[Value], i: usize) -> String {
    opt_text(row, i).unwrap_or_default()
}

fn opt_text(row: &[Value], i: usize) -> Option<String> {
    row.get(i).and_then(Value::as_str).map(str::to_owned)
}

fn pair(rows: &[Vec<Value>]) -> (i64, i64) {
    rows.first().map_or((0, 0), |r| (int(r, 0), int(r, 1)))
}

impl Answers {
    /// Fills `input`'s side rows (everything but the journeys and the processing times).
    pub fn into_input(self, input: &mut ReportInput) {
        input.steps = self
            .steps
            .iter()
            .map(|r| StepRow {
                name: text(r, 0),
                journeys: int(r, 1),
                ms_sum: int(r, 2),
                active_sum: int(r, 3),
                position_sum: int(r, 4),
            })
            .collect();
        input.fields = self
            .fields
            .iter()
            .map(|r| FieldRow {
                key: text(r, 0),
                origin: text(r, 1),
                source: opt_text(r, 2),
                views: int(r, 3),
                overwritten: int(r, 4),
            })
            .collect();
        input.counters = self
            .counters
            .iter()
            .map(|r| CounterRow {
                key: text(r, 0),
                name: text(r, 1),
                sum: int(r, 2),
                views: int(r, 3),
            })
            .collect();
        input.keys = self
            .keys
            .iter()
            .map(|r| KeyJourneys {
                key: text(r, 0),
                journeys: int(r, 1),
                typed: int(r, 2),
            })
            .collect();
        input.forms = pair(&self.forms);
        input.form_journeys = pair(&self.form_journeys);
        input.pages = self
            .pages
            .iter()
            .map(|r| PageSpeedRow {
                path: text(r, 0),
                speed: crate::facts::SpeedFact {
                    ttfb_ms: opt_int(r, 1),
                    server_ms: opt_int(r, 2),
                    fcp_ms: opt_int(r, 3),
                    lcp_ms: opt_int(r, 4),
                    cls_x1000: opt_int(r, 5),
                    inp_ms: opt_int(r, 6),
                    inp_field: opt_text(r, 7),
                },
            })
            .collect();
    }
}

/// Asks every question of `dialect`'s store through `ask`, which runs one query and returns
/// its rows.
pub fn ask_all(
    dialect: &dyn Dialect,
    ask: &mut dyn FnMut(&str) -> Result<Rows, crate::error::Error>,
) -> Result<Answers, crate::error::Error> {
    Ok(Answers {
        steps: ask(&steps(dialect))?,
        fields: ask(&FIELDS.sql(dialect))?,
        counters: ask(&COUNTERS.sql(dialect))?,
        keys: ask(&KEYS.sql(dialect))?,
        forms: ask(&FORMS.sql(dialect))?,
        form_journeys: ask(&FORM_JOURNEYS.sql(dialect))?,
        pages: ask(&PAGES.sql(dialect))?,
    })
}
