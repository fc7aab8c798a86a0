//! What a store hands the report: rows already reduced by the store's own queries (per
//! journey, per step name, per field key), never raw beacons. Both stores answer the same
//! questions with the same integers; the statistics over them are computed once, in
//! [`crate::report::build`], so that the SQLite and ClickHouse reports agree exactly.

use serde::Serialize;

/// Which beacons a report covers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Filter {
    /// Only this service code.
    pub service: Option<String>,
    /// Only this portal (the browser origin beacons came from).
    pub portal: Option<String>,
    /// Received at or after, epoch ms.
    pub from_ms: i64,
    /// Received before, epoch ms.
    pub to_ms: i64,
}

/// One journey: its beacons reduced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JourneyRow {
    /// Random journey id.
    pub journey: String,
    /// Its service code.
    pub service: String,
    /// The portal (origin) its beacons came from.
    pub portal: String,
    /// First and last beacon received, epoch ms.
    pub first_ms: i64,
    /// Last beacon received, epoch ms.
    pub last_ms: i64,
    /// The citizen logged in (the clock ran).
    pub logged_in: bool,
    /// Ended with a successful submission.
    pub submitted: bool,
    /// Reported abandoned by the probe.
    pub abandoned: bool,
    /// Ended by the portal as expired.
    pub expired: bool,
    /// Login to submission, ms (submitted journeys).
    pub duration_ms: Option<i64>,
    /// Of it, active, ms.
    pub active_ms: Option<i64>,
    /// The field an abandoned journey stopped at.
    pub last_field: Option<String>,
    /// The path of the journey's last beacon.
    pub last_path: String,
    /// The citizen's rating of the journey: 1–5, or 0 for a dismissed question.
    pub rating: Option<i64>,
    /// The reasons given with it, comma-separated.
    pub reasons: Option<String>,
}

/// One step name over the submitted journeys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    /// Scrubbed path or the portal's step name.
    pub name: String,
    /// Submitted journeys that went through it.
    pub journeys: i64,
    /// Its time in all of them, ms.
    pub ms_sum: i64,
    /// Of it, active, ms.
    pub active_sum: i64,
}

/// One field key with one origin (and source), over the last beacon of every page view.
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
    /// Validation failures in all of them.
    pub invalid: i64,
    /// Runs of deletions in all of them.
    pub corrections: i64,
    /// Sum of the hesitations measured, ms.
    pub hesitation_sum: i64,
    /// How many hesitations were measured.
    pub hesitation_count: i64,
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
    /// Every journey with a beacon in the period.
    pub journeys: Vec<JourneyRow>,
    /// Steps of the submitted journeys.
    pub steps: Vec<StepRow>,
    /// Fields by key and origin.
    pub fields: Vec<FieldRow>,
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
