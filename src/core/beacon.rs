//! The beacon: what the probe sends, exactly as `schema/beacon.schema.json` defines it.
//!
//! Every field here is a count, a rounded relative duration, a random id, a public code or a
//! scrubbed path. Nothing in this module can hold a value a citizen entered: the types do not
//! allow it.

use crate::core::config::ServiceCode;
use crate::core::field::FieldCounts;
use crate::core::ids::{BeaconId, JourneyId};
use crate::core::ua::UserAgentClass;

/// Version of the beacon format (`"v"`).
pub const VERSION: u8 = 1;

/// One beacon.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Beacon {
    /// Format version, [`VERSION`].
    pub v: u8,
    /// Unique id, for de-duplication at the collector.
    pub id: BeaconId,
    /// Order within the journey.
    pub seq: u32,
    /// What made the probe send.
    pub trigger: Trigger,
    /// The service code.
    pub service: ServiceCode,
    /// The journey.
    pub journey: JourneySection,
    /// The page view.
    pub page: PageSection,
    /// Field counts by origin; absent on pages without fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<FieldCounts>,
    /// The browser, coarsely.
    pub ua: UserAgentClass,
}

/// What made the probe send a beacon.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    /// The page became hidden (tab switched, phone locked, app switched).
    Hidden,
    /// The page is being left (navigation, close, or entering the back/forward cache).
    Pagehide,
    /// The journey has just ended with a successful submission.
    Submitted,
}

/// How a journey ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The dossier was submitted successfully.
    Submitted,
}

/// The journey part of a beacon.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct JourneySection {
    /// Random journey id.
    pub id: JourneyId,
    /// Whether the journey clock runs.
    pub logged_in: bool,
    /// Login to now (or to the submission), rounded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_login_ms: Option<u64>,
    /// Set once the journey has ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// Login to submission, rounded; with `outcome`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

/// The page part of a beacon.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PageSection {
    /// Index of the page view within the journey.
    pub n: u32,
    /// Scrubbed path.
    pub path: String,
    /// Time since the page started loading, rounded.
    pub t_ms: u64,
}
