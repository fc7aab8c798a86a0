//! The probe of one page view: the state machine the shell feeds with observations and asks
//! for beacons.
//!
//! Everything time- or randomness-dependent comes in as an argument ([`Now`], random bytes),
//! so the whole behaviour is reproducible in native tests.

use crate::core::beacon::{Beacon, JourneySection, Outcome, PageSection, Trigger, VERSION};
use crate::core::config::Config;
use crate::core::field::{FieldFacts, FieldModel};
use crate::core::ids::{BeaconId, JourneyId};
use crate::core::journey::{Journey, Resumed};
use crate::core::json::Object;
use crate::core::time::round_ms;
use crate::core::ua::{classify, UserAgentClass};
use crate::core::url::scrub_path;
use std::fmt;

/// The two clocks the shell reads for every event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Now {
    /// Wall-clock milliseconds since the Unix epoch (`Date.now()`): spans page loads.
    pub epoch_ms: f64,
    /// Milliseconds since this page started loading (`performance.now()`): monotonic.
    pub page_ms: f64,
}

impl Now {
    /// The clocks as they were at `epoch_ms`, an earlier wall-clock time (when a portal queued
    /// a command before the probe had loaded). A time that is not a number, or lies in the
    /// future, is taken as now; the page clock never goes below zero.
    pub fn at_epoch(self, epoch_ms: f64) -> Now {
        if !epoch_ms.is_finite() || epoch_ms > self.epoch_ms {
            return self;
        }
        let lag = self.epoch_ms - epoch_ms;
        Now {
            epoch_ms,
            page_ms: (self.page_ms - lag).max(0.0),
        }
    }
}

/// A call a portal makes through `JourneyProbe.push([...])` or a method of `JourneyProbe`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// The citizen has logged in: the journey clock starts.
    Login,
    /// The dossier was submitted successfully: the journey ends.
    Submitted,
}

/// A command name the probe does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCommand(pub String);

impl fmt::Display for UnknownCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name: String = self.0.chars().take(40).collect();
        write!(
            f,
            "unknown command \"{name}\": accepted commands are {}",
            Command::NAMES.join(", ")
        )
    }
}

impl Command {
    /// Every command name, as portals write them.
    pub const NAMES: [&'static str; 2] = ["login", "submitted"];

    /// Parses a command name.
    pub fn parse(name: &str) -> Result<Command, UnknownCommand> {
        match name {
            "login" => Ok(Command::Login),
            "submitted" => Ok(Command::Submitted),
            other => Err(UnknownCommand(other.to_string())),
        }
    }
}

/// What the shell knows when a page starts.
#[derive(Clone, Debug)]
pub struct PageStart<'a> {
    /// The validated configuration.
    pub config: Config,
    /// The journey the tab stored, if any (already checked to be well-formed).
    pub stored: Option<Journey>,
    /// `location.pathname`.
    pub path: &'a str,
    /// `navigator.userAgent`.
    pub user_agent: &'a str,
    /// The clocks at start.
    pub now: Now,
    /// 16 random bytes, used if a new journey starts.
    pub random_journey_id: [u8; 16],
}

/// The probe's state for one page view.
#[derive(Clone, Debug)]
pub struct Probe {
    config: Config,
    journey: Journey,
    resumed: Resumed,
    path: String,
    ua: UserAgentClass,
    fields: FieldModel,
    /// Whether a beacon went out since the page was last visible: one hide, one beacon.
    sent_since_visible: bool,
}

impl Probe {
    /// Starts the probe for a page view: resumes or starts the journey, scrubs the path.
    pub fn start(page: PageStart<'_>) -> Probe {
        let (journey, resumed) = Journey::resume(
            page.stored,
            &page.config.service,
            page.now.epoch_ms,
            JourneyId::from_random(page.random_journey_id),
        );
        let path = scrub_path(page.path, &[page.config.service.as_str()]);
        Probe {
            ua: classify(page.user_agent),
            config: page.config,
            journey,
            resumed,
            path,
            fields: FieldModel::default(),
            sent_since_visible: false,
        }
    }

    /// The configuration the probe runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The journey, as the shell must store it after every change.
    pub fn journey(&self) -> &Journey {
        &self.journey
    }

    /// How this page's journey relates to what the tab stored.
    pub fn resumed(&self) -> Resumed {
        self.resumed
    }

    /// The scrubbed path beacons of this page carry.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The page's fields.
    pub fn fields(&self) -> &FieldModel {
        &self.fields
    }

    /// What the probe sees on this page, as the JSON text `JourneyProbe.snapshot()` parses:
    /// service, journey, page view, path as sent, and every field's key, origin, source and
    /// whether it was overwritten — never a value. The journey id is the random one beacons
    /// carry.
    pub fn snapshot_json(&self, has_value_now: &[bool]) -> String {
        let journey = &self.journey;
        let mut out = String::with_capacity(256 + 64 * self.fields.fields().len());
        Object::open(&mut out)
            .str("service", self.config.service.as_str())
            .str("journey", journey.id.as_str())
            .bool("logged_in", journey.login_at.is_some())
            .bool("submitted", journey.submitted_at.is_some())
            .uint("page", journey.page_index().into())
            .str("path", &self.path)
            .array(
                "fields",
                self.fields.fields().iter().enumerate(),
                |o, (i, field)| {
                    let now = has_value_now.get(i).copied().unwrap_or(false);
                    o.str("key", &field.key)
                        .str("origin", field.origin(now).as_str())
                        .opt_str("source", field.prefill_source.as_deref())
                        .bool("overwritten", field.overwritten(now));
                },
            );
        out
    }

    /// Records a field the shell found; returns its index.
    pub fn field_seen(&mut self, facts: FieldFacts) -> usize {
        self.fields.observe(facts, &self.journey.typed)
    }

    /// Records trusted citizen input on a field; the journey remembers the field's key.
    pub fn field_input(&mut self, index: usize) {
        self.fields.user_input(index);
        if let Some(field) = self.fields.fields().get(index) {
            self.journey.typed_in(&field.key);
        }
    }

    /// Applies a command. Returns the beacon to send at once, if the command calls for one
    /// (a successful submission is reported immediately: the citizen may close the tab next).
    pub fn command(
        &mut self,
        command: Command,
        now: Now,
        has_value_now: &[bool],
        beacon_id: [u8; 8],
    ) -> Option<Beacon> {
        match command {
            Command::Login => {
                self.journey.login(now.epoch_ms);
                None
            }
            Command::Submitted => self
                .journey
                .submit(now.epoch_ms)
                .then(|| self.beacon(Trigger::Submitted, now, has_value_now, beacon_id)),
        }
    }

    /// The page became visible again: the next hide sends a fresh beacon.
    pub fn page_visible(&mut self) {
        self.sent_since_visible = false;
    }

    /// The page is being hidden or left. Returns the beacon to send, unless one already went
    /// out since the page was last visible (a navigation fires both `visibilitychange` and
    /// `pagehide`; the citizen's page must be counted once).
    pub fn page_hidden(
        &mut self,
        trigger: Trigger,
        now: Now,
        has_value_now: &[bool],
        beacon_id: [u8; 8],
    ) -> Option<Beacon> {
        if self.sent_since_visible {
            return None;
        }
        self.sent_since_visible = true;
        Some(self.beacon(trigger, now, has_value_now, beacon_id))
    }

    fn beacon(
        &mut self,
        trigger: Trigger,
        now: Now,
        has_value_now: &[bool],
        id: [u8; 8],
    ) -> Beacon {
        let seq = self.journey.take_seq();
        let journey = &self.journey;
        let fields = (!self.fields.fields().is_empty()).then(|| self.fields.counts(has_value_now));
        Beacon {
            v: VERSION,
            id: BeaconId::from_random(id),
            seq,
            trigger,
            service: self.config.service.clone(),
            journey: JourneySection {
                id: journey.id.clone(),
                logged_in: journey.login_at.is_some(),
                since_login_ms: journey.since_login_ms(now.epoch_ms),
                outcome: journey.submitted_at.map(|_| Outcome::Submitted),
                duration_ms: journey.duration_ms(),
            },
            page: PageSection {
                n: journey.page_index(),
                path: self.path.clone(),
                t_ms: round_ms(now.page_ms),
            },
            fields,
            ua: self.ua.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::field::FieldCounts;

    const T0: f64 = 1_795_000_000_000.0;
    const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

    fn config() -> Config {
        Config::from_attributes([
            ("data-collector", "http://127.0.0.1:8787/v1/beacons"),
            ("data-service", "1.001234"),
        ])
        .unwrap()
    }

    fn start(stored: Option<Journey>, path: &str, epoch_ms: f64) -> Probe {
        Probe::start(PageStart {
            config: config(),
            stored,
            path,
            user_agent: CHROME,
            now: Now {
                epoch_ms,
                page_ms: 0.0,
            },
            random_journey_id: [0xab; 16],
        })
    }

    fn at(epoch_ms: f64, page_ms: f64) -> Now {
        Now { epoch_ms, page_ms }
    }

    #[test]
    fn one_hide_sends_one_beacon() {
        let mut probe = start(None, "/dich-vu/1.001234", T0);
        let first = probe.page_hidden(Trigger::Hidden, at(T0 + 5_000.0, 5_012.3), &[], [1; 8]);
        assert!(first.is_some());
        assert!(probe
            .page_hidden(Trigger::Pagehide, at(T0 + 5_001.0, 5_013.0), &[], [2; 8])
            .is_none());
        probe.page_visible();
        let second = probe
            .page_hidden(Trigger::Pagehide, at(T0 + 9_000.0, 9_000.0), &[], [3; 8])
            .unwrap();
        assert_eq!((second.seq, second.page.t_ms), (1, 9_000));
    }

    #[test]
    fn a_journey_from_login_to_receipt() {
        // Login page: not logged in yet.
        let mut login_page = start(None, "/dang-nhap", T0);
        let b = login_page
            .page_hidden(Trigger::Pagehide, at(T0 + 3_000.0, 3_000.0), &[], [1; 8])
            .unwrap();
        assert_eq!(
            (b.journey.logged_in, b.journey.since_login_ms, b.page.n),
            (false, None, 0)
        );

        // Step 1: the portal says the citizen just logged in; the citizen types one field.
        let mut step1 = start(
            Some(login_page.journey().clone()),
            "/dich-vu/1.001234/buoc-1",
            T0 + 4_000.0,
        );
        step1.command(Command::Login, at(T0 + 4_100.0, 100.0), &[], [2; 8]);
        let name = step1.field_seen(FieldFacts {
            name: Some("ho_ten".into()),
            id: None,
            position: 0,
            prefill_source: Some("CSDLQG-DC".into()),
            has_value: true,
            value_is_default: true,
        });
        let phone = step1.field_seen(FieldFacts {
            name: Some("so_dien_thoai".into()),
            id: None,
            position: 1,
            prefill_source: None,
            has_value: false,
            value_is_default: true,
        });
        step1.field_input(phone);
        let b = step1
            .page_hidden(
                Trigger::Pagehide,
                at(T0 + 64_100.0, 60_100.0),
                &[true, true],
                [3; 8],
            )
            .unwrap();
        assert_eq!((name, phone), (0, 1));
        assert_eq!(b.page.path, "/dich-vu/1.001234/buoc-1");
        assert_eq!(
            (b.seq, b.page.n, b.journey.since_login_ms),
            (1, 1, Some(60_000))
        );
        assert_eq!(
            b.fields,
            Some(FieldCounts {
                total: 2,
                declared: 1,
                user: 1,
                ..Default::default()
            })
        );

        // Receipt: the dossier code in the path is scrubbed; submission ends the journey at once.
        let mut receipt = start(
            Some(step1.journey().clone()),
            "/dich-vu/1.001234/bien-nhan/H99.12-261122-0001",
            T0 + 200_000.0,
        );
        let b = receipt
            .command(Command::Submitted, at(T0 + 200_040.0, 40.0), &[], [4; 8])
            .unwrap();
        assert_eq!(b.trigger, Trigger::Submitted);
        assert_eq!(b.page.path, "/dich-vu/1.001234/bien-nhan/:id");
        assert_eq!(
            (b.journey.outcome, b.journey.duration_ms),
            (Some(Outcome::Submitted), Some(195_900))
        );
        assert_eq!(b.fields, None, "a page without fields reports none");
        assert!(receipt
            .command(Command::Submitted, at(T0 + 200_050.0, 50.0), &[], [5; 8])
            .is_none());
        assert_eq!(
            b.journey.id,
            login_page.journey().id,
            "one journey from login page to receipt"
        );
    }

    #[test]
    fn a_queued_command_keeps_the_time_it_was_made() {
        let now = at(T0 + 2_500.0, 2_500.0);
        assert_eq!(now.at_epoch(T0 + 300.0), at(T0 + 300.0, 300.0));
        assert_eq!(
            now.at_epoch(T0 - 10_000.0),
            at(T0 - 10_000.0, 0.0),
            "queued before this page"
        );
        assert_eq!(now.at_epoch(T0 + 9_000.0), now, "the future is now");
        assert_eq!(now.at_epoch(f64::NAN), now);

        let mut probe = start(None, "/dich-vu/1.001234/buoc-1", T0);
        probe.command(Command::Login, now.at_epoch(T0 + 300.0), &[], [1; 8]);
        assert_eq!(probe.journey().login_at, Some(T0 + 300.0));
    }

    #[test]
    fn the_snapshot_lists_fields_without_values() {
        let mut probe = start(None, "/dich-vu/1.001234/buoc-1?cccd=001190012345", T0);
        probe.field_seen(FieldFacts {
            name: Some("ho_ten".into()),
            id: None,
            position: 0,
            prefill_source: Some("CSDLQG-DC".into()),
            has_value: true,
            value_is_default: true,
        });
        let json = probe.snapshot_json(&[true]);
        assert_eq!(
            json,
            format!(
                r#"{{"service":"1.001234","journey":"{}","logged_in":false,"submitted":false,"page":0,"path":"/dich-vu/1.001234/buoc-1","fields":[{{"key":"ho_ten","origin":"declared","source":"CSDLQG-DC","overwritten":false}}]}}"#,
                "ab".repeat(16)
            )
        );
    }

    #[test]
    fn commands_have_names_and_unknown_ones_say_what_is_accepted() {
        assert_eq!(Command::parse("login"), Ok(Command::Login));
        assert_eq!(Command::parse("submitted"), Ok(Command::Submitted));
        let err = Command::parse("logn").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown command \"logn\": accepted commands are login, submitted"
        );
    }
}
