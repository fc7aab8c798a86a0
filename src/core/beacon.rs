//! The beacon: what the probe sends, exactly as `schema/beacon.schema.json` defines it.
//!
//! Every field here is a count, a rounded relative duration, a random id, a public code or a
//! scrubbed path. Nothing in this module can hold a value a citizen entered: the types do not
//! allow it. [`Beacon::to_json`] writes the exact bytes that are sent.

use crate::core::config::ServiceCode;
use crate::core::field::FieldCounts;
use crate::core::ids::{BeaconId, JourneyId};
use crate::core::json::Object;
use crate::core::ua::UserAgentClass;

/// Version of the beacon format (`"v"`).
pub const VERSION: u8 = 1;

/// One beacon.
#[derive(Clone, Debug, PartialEq)]
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
    pub fields: Option<FieldCounts>,
    /// The browser, coarsely.
    pub ua: UserAgentClass,
}

impl Beacon {
    /// The beacon as the JSON text that is sent, keys in the schema's order.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(512);
        Object::open(&mut out)
            .uint("v", u64::from(self.v))
            .str("id", self.id.as_str())
            .uint("seq", u64::from(self.seq))
            .str("trigger", self.trigger.as_str())
            .str("service", self.service.as_str())
            .object("journey", |j| {
                j.str("id", self.journey.id.as_str())
                    .bool("logged_in", self.journey.logged_in)
                    .opt_uint("since_login_ms", self.journey.since_login_ms)
                    .opt_str("outcome", self.journey.outcome.map(Outcome::as_str))
                    .opt_uint("duration_ms", self.journey.duration_ms);
            })
            .object("page", |p| {
                p.uint("n", u64::from(self.page.n))
                    .str("path", &self.page.path)
                    .uint("t_ms", self.page.t_ms);
            })
            .opt_object("fields", self.fields.as_ref(), |o, f| {
                o.uint("total", f.total.into())
                    .uint("declared", f.declared.into())
                    .uint("server", f.server.into())
                    .uint("script", f.script.into())
                    .uint("user", f.user.into())
                    .uint("empty", f.empty.into())
                    .uint("overwritten", f.overwritten.into());
            })
            .object("ua", |u| {
                u.bool("mobile", self.ua.mobile)
                    .str("browser", self.ua.browser.as_str())
                    .uint("major", self.ua.major.into());
            });
        out
    }
}

/// What made the probe send a beacon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// The page became hidden (tab switched, phone locked, app switched).
    Hidden,
    /// The page is being left (navigation, close, or entering the back/forward cache).
    Pagehide,
    /// The journey has just ended with a successful submission.
    Submitted,
}

impl Trigger {
    /// The word the beacon carries.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Hidden => "hidden",
            Trigger::Pagehide => "pagehide",
            Trigger::Submitted => "submitted",
        }
    }
}

/// How a journey ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The dossier was submitted successfully.
    Submitted,
}

impl Outcome {
    /// The word the beacon carries.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Submitted => "submitted",
        }
    }
}

/// The journey part of a beacon.
#[derive(Clone, Debug, PartialEq)]
pub struct JourneySection {
    /// Random journey id.
    pub id: JourneyId,
    /// Whether the journey clock runs.
    pub logged_in: bool,
    /// Login to now (or to the submission), rounded.
    pub since_login_ms: Option<u64>,
    /// Set once the journey has ended.
    pub outcome: Option<Outcome>,
    /// Login to submission, rounded; with `outcome`.
    pub duration_ms: Option<u64>,
}

/// The page part of a beacon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageSection {
    /// Index of the page view within the journey.
    pub n: u32,
    /// Scrubbed path.
    pub path: String,
    /// Time since the page started loading, rounded.
    pub t_ms: u64,
}
