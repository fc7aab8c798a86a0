//! The beacon: what the probe sends, exactly as `schema/beacon.schema.json` defines it.
//!
//! Every field here is a count, a rounded relative duration, a random id, a public code or a
//! scrubbed path. Nothing in this module can hold a value a citizen entered: the types do not
//! allow it. [`Beacon::to_json`] writes the exact bytes that are sent.

use crate::core::prelude::*;

use crate::core::config::ServiceCode;
use crate::core::field::{Origin, RoundedCounters};
use crate::core::fields::FieldCounts;
use crate::core::ids::{BeaconId, JourneyId};
use crate::core::json::Object;
use crate::core::time::round_ms;
use crate::core::ua::UserAgentClass;

/// Version of the beacon format (`"v"`).
pub const VERSION: u8 = 1;
/// Most fields one beacon describes one by one; the page's counts cover all of them. Keeps a
/// beacon well under the 64 KiB a browser lets a page send while it is being left.
pub const MAX_REPORTED_FIELDS: usize = 100;

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
    /// The page's forms, with their fields one by one; empty on pages without fields.
    pub forms: Vec<FormReport>,
    /// The browser, coarsely.
    pub ua: UserAgentClass,
    /// Beacons the outbox dropped (full while the collector was unreachable) since the last
    /// beacon said so.
    pub dropped: u32,
    /// The citizen's satisfaction rating (trigger `rating` only).
    pub satisfaction: Option<crate::core::survey::Rating>,
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
                    .opt_uint("duration_ms", self.journey.duration_ms)
                    .opt_uint("active_ms", self.journey.active_ms)
                    .opt_uint("hidden_ms", self.journey.hidden_ms)
                    .opt_uint("blocked_ms", self.journey.blocked_ms)
                    .opt_uint("failed", self.journey.failed.map(u64::from))
                    .uint("target_s", self.journey.target_s.into())
                    .opt_str("last_field", self.journey.last_field.as_deref());
                if let Some(met) = self.journey.met {
                    j.bool("met", met);
                }
                j.opt_array("steps", &self.journey.steps, |o, step| {
                    o.str("name", &step.name)
                        .uint("ms", round_ms(step.ms))
                        .uint("active_ms", round_ms(step.active_ms));
                });
            })
            .object("page", |p| {
                p.uint("n", u64::from(self.page.n))
                    .str("path", &self.page.path)
                    .uint("t_ms", self.page.t_ms)
                    .opt_object("speed", self.page.speed.as_ref(), |o, (speed, key)| {
                        speed.write(o, |_| key.clone());
                    });
            })
            .opt_object("fields", self.fields.as_ref(), |o, f| {
                o.uint("total", f.total.into());
                for origin in Origin::ALL {
                    o.uint(origin.as_str(), f.of(origin).into());
                }
                o.uint("overwritten", f.overwritten.into());
            })
            .opt_array("forms", &self.forms, |o, form| form.write(o))
            .opt_uint(
                "dropped",
                (self.dropped > 0).then_some(u64::from(self.dropped)),
            )
            .opt_object("satisfaction", self.satisfaction.as_ref(), |o, r| {
                r.write(o)
            })
            .object("ua", |u| {
                u.bool("mobile", self.ua.mobile)
                    .str("browser", self.ua.browser.as_str())
                    .uint("major", self.ua.major.into());
            });
        out
    }
}

/// One form in a beacon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormReport {
    /// The form's key.
    pub key: String,
    /// Submit attempts.
    pub attempts: u32,
    /// Attempts validation stopped.
    pub blocked: u32,
    /// Keys of the fields that stopped an attempt.
    pub blocked_by: Vec<String>,
    /// The form's fields by what filled them (all of them, described one by one or not).
    pub summary: FormSummary,
    /// The form's fields, one by one.
    pub fields: Vec<FieldReport>,
    /// Fields left out of `fields` (past [`MAX_REPORTED_FIELDS`]).
    pub omitted: u32,
}

/// A form's fields counted: criterion 1 per form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FormSummary {
    /// Fields of the form.
    pub total: u32,
    /// Fields the state's side filled (declared, server, script).
    pub prefilled: u32,
    /// Fields the citizen filled.
    pub typed: u32,
    /// Pre-filled fields the citizen changed.
    pub overwritten: u32,
}

/// One field in a beacon: its key, where its value came from, how the citizen got on with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldReport {
    /// The field's key.
    pub key: String,
    /// Where its value came from.
    pub origin: Origin,
    /// The declared database.
    pub source: Option<String>,
    /// Read-only or disabled.
    pub locked: bool,
    /// A pre-filled value the citizen changed.
    pub overwritten: bool,
    /// The field left the page.
    pub removed: bool,
    /// Order in which it was filled on this page.
    pub filled: Option<u32>,
    /// Counters, rounded.
    pub counters: RoundedCounters,
}

impl FormReport {
    fn write(&self, o: &mut Object<'_>) {
        let s = &self.summary;
        o.str("key", &self.key)
            .uint("total", s.total.into())
            .uint("prefilled", s.prefilled.into())
            .uint("typed", s.typed.into())
            .uint("overwritten", s.overwritten.into())
            .uint("attempts", self.attempts.into())
            .uint("blocked", self.blocked.into());
        if !self.blocked_by.is_empty() {
            o.strings("blocked_by", &self.blocked_by);
        }
        o.array("fields", &self.fields, |o, f| f.write(o));
        if self.omitted > 0 {
            o.uint("omitted", self.omitted.into());
        }
    }
}

impl FieldReport {
    /// Writes the field; flags and counters only when set, to keep beacons small.
    fn write(&self, o: &mut Object<'_>) {
        o.str("key", &self.key)
            .str("origin", self.origin.as_str())
            .opt_str("source", self.source.as_deref());
        for (flag, set) in [
            ("locked", self.locked),
            ("overwritten", self.overwritten),
            ("removed", self.removed),
        ] {
            if set {
                o.bool(flag, true);
            }
        }
        let c = &self.counters;
        let nonzero = |n: u32| (n > 0).then_some(u64::from(n));
        o.opt_uint("filled", self.filled.map(u64::from))
            .opt_uint("focus_ms", (c.focus_ms > 0).then_some(c.focus_ms))
            .opt_uint("visits", nonzero(c.visits))
            .opt_uint("hesitation_ms", c.hesitation_ms)
            .opt_uint("corrections", nonzero(c.corrections))
            .opt_uint("pastes", nonzero(c.pastes))
            .opt_uint("invalid", nonzero(c.invalid))
            .opt_uint("refocus", nonzero(c.refocus));
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
    /// The tab's previous journey was found idle past the timeout.
    Abandoned,
    /// The portal ended the journey as expired.
    Expired,
    /// The citizen answered (or dismissed) the satisfaction question.
    Rating,
}

impl Trigger {
    /// The word the beacon carries.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Hidden => "hidden",
            Trigger::Pagehide => "pagehide",
            Trigger::Submitted => "submitted",
            Trigger::Abandoned => "abandoned",
            Trigger::Expired => "expired",
            Trigger::Rating => "rating",
        }
    }
}

/// How a journey ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The dossier was submitted successfully.
    Submitted,
    /// The citizen left the journey idle past the timeout.
    Abandoned,
    /// The portal ended the journey without a submission (session or draft expired).
    Expired,
}

impl Outcome {
    /// The word the beacon carries.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Submitted => "submitted",
            Outcome::Abandoned => "abandoned",
            Outcome::Expired => "expired",
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
    /// Of the time since login, the page was visible and focused, rounded.
    pub active_ms: Option<u64>,
    /// Of the time since login, the page was hidden, rounded.
    pub hidden_ms: Option<u64>,
    /// Of the time since login, the citizen was blocked on validation errors, rounded.
    pub blocked_ms: Option<u64>,
    /// Submissions refused by validation since login.
    pub failed: Option<u32>,
    /// The target from login to submission, seconds.
    pub target_s: u32,
    /// Whether the journey met the target (once it was submitted).
    pub met: Option<bool>,
    /// The last field the citizen touched (on an abandoned journey).
    pub last_field: Option<String>,
    /// The journey's steps with their time (on a journey that ended).
    pub steps: Vec<crate::core::journey::Step>,
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
    /// The page view's speed, with the key of the field whose interaction set INP.
    pub speed: Option<(crate::core::vitals::Speed, Option<String>)>,
}
