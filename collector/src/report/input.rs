//! What a store hands the report: rows already reduced by the store's own queries (per
//! journey, per step name, per field key), never raw beacons. Both stores answer the same
//! questions with the same integers; the statistics over them are computed once, in
//! [`crate::report::build`], so that the SQLite and ClickHouse reports agree exactly.

use serde::Serialize;

/// Which journeys a report covers: those that began in `[from_ms, to_ms)` (the collector
/// first received one of their beacons then), of one service or portal if asked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Filter {
    /// Only journeys of this service code.
    pub service: Option<String>,
    /// Only journeys of this portal (the browser origin their beacons came from).
    pub portal: Option<String>,
    /// Began at or after, epoch ms.
    pub from_ms: i64,
    /// Began before, epoch ms.
    pub to_ms: i64,
}

/// One journey that began in the report's period: all its beacons reduced, as the README's
/// "How the report counts" defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JourneyRow {
    /// Random journey id.
    pub journey: String,
    /// Its service code (of its beacons other than ratings; the smallest if they disagree).
    pub service: String,
    /// The portal (origin) its beacons came from (same rule).
    pub portal: String,
    /// When the collector first received one of its beacons, epoch ms: the period it belongs to.
    pub first_ms: i64,
    /// When it last received one, epoch ms: how long the journey has been silent.
    pub last_ms: i64,
    /// A beacon said `logged_in`: the journey started.
    pub started: bool,
    /// How its end says it ended (`submitted`, `abandoned`, `expired`); `None` without an end.
    pub outcome: Option<String>,
    /// Login to submission, ms, from its end.
    pub duration_ms: Option<i64>,
    /// Of it, active, ms, from its end.
    pub active_ms: Option<i64>,
    /// The last field touched, from its end.
    pub last_field: Option<String>,
    /// The path of its last beacon other than a rating (highest `seq`).
    pub last_path: String,
    /// Its first rating: 1–5, or 0 for a dismissed question.
    pub rating: Option<i64>,
    /// The reasons given with it, comma-separated.
    pub reasons: Option<String>,
}

impl JourneyRow {
    /// Whether its end is this outcome.
    pub fn ended(&self, outcome: &str) -> bool {
        self.outcome.as_deref() == Some(outcome)
    }
}

/// One step name over the ends of the submitted journeys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    /// Scrubbed path or the portal's step name.
    pub name: String,
    /// Submitted journeys that went through it (once each, however many visits).
    pub journeys: i64,
    /// Its time in all of them, ms.
    pub ms_sum: i64,
    /// Of it, active, ms.
    pub active_sum: i64,
    /// The sum, over those journeys, of where the step first came (1 = the first step).
    pub position_sum: i64,
}

/// One field key with one origin (and source), over the last beacon of every page view of the
/// journeys that began in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    /// The field's key.
    pub key: String,
    /// Where its value came from.
    pub origin: String,
    /// The declared database (declared fields).
    pub source: Option<String>,
    /// Page views where the field had this origin.
    pub views: i64,
    /// Of them, the citizen changed the pre-filled value.
    pub overwritten: i64,
}

/// One counter of one field key (see [`crate::counters`]), over the last beacon of every
/// page view of the journeys that began in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterRow {
    /// The field's key.
    pub key: String,
    /// The counter's name.
    pub name: String,
    /// Its values summed.
    pub sum: i64,
    /// Page views that carried it.
    pub views: i64,
}

/// One field key: in how many journeys it appeared, and in how many the citizen typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyJourneys {
    /// The field's key.
    pub key: String,
    /// Journeys where the field appeared.
    pub journeys: i64,
    /// Of them, journeys where the citizen typed its value.
    pub typed: i64,
}

/// One page view's speed (its last beacon's), with the step (path) it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSpeedRow {
    /// The page's scrubbed path.
    pub path: String,
    /// The speed figures.
    pub speed: crate::facts::SpeedFact,
}

/// Back-office processing times of one channel (criterion 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessingRow {
    /// `online` or `in_person`.
    pub channel: String,
    /// Dossiers received and returned in the period.
    pub dossiers: i64,
    /// Their processing times summed, ms.
    pub ms_sum: i64,
}

/// Everything a report is built from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportInput {
    /// Every journey that began in the period (see [`JourneyRow`]).
    pub journeys: Vec<JourneyRow>,
    /// Steps of the ends of the started, submitted journeys that have a duration.
    pub steps: Vec<StepRow>,
    /// Fields by key and origin.
    pub fields: Vec<FieldRow>,
    /// Counters by field key and name.
    pub counters: Vec<CounterRow>,
    /// Fields by key: journeys and typed journeys.
    pub keys: Vec<KeyJourneys>,
    /// Forms seen (last beacon per page view), and of them with any pre-filled field.
    pub forms: (i64, i64),
    /// Journeys that met a form, and of them journeys that met a pre-filled field.
    pub form_journeys: (i64, i64),
    /// Processing times per channel.
    pub processing: Vec<ProcessingRow>,
    /// Page views with speed figures.
    pub pages: Vec<PageSpeedRow>,
}
