//! The session: one page view's probe with the tab's outbox, and every decision about what is
//! stored and sent and when — the rules `src/shell` used to apply by itself. The browser is
//! behind a [`Host`] (storage, transport, one timer, random bytes, warnings, the overlay's
//! feed), so that these rules are tested natively with an in-memory twin ([`MemoryHost`]), as
//! the journey's rules are.
//!
//! What it decides:
//! - whether beacons may be stored and sent ([`crate::core::consent`]: Global Privacy Control,
//!   an opt-out, consent, sampling) — held in memory before consent, never kept at all when
//!   they may never go;
//! - when the journey and the outbox are written (after every change; the outbox merged with
//!   what other tabs stored);
//! - when to send: at once for a journey's end; everything waiting when the page is hidden or
//!   left (without waiting for an answer); otherwise one request at a time while visible, after
//!   the backoff the core's outbox sets ([`crate::core::outbox`]);
//! - what an answer means ([`Outbox::answered`]), and when to try again ([`Host::later`]).

use crate::core::prelude::*;

use crate::core::beacon::{Beacon, Trigger};
use crate::core::clock::PageState;
use crate::core::config::{Config, Format};
use crate::core::consent::{self, SendPolicy, Signals};
use crate::core::field::{FieldEvent, FieldFacts};
use crate::core::fields::{FormFacts, Observed};
use crate::core::journey::Journey;
use crate::core::outbox::{Outbox, Then};
use crate::core::probe::{Command, Now, PageStart, Probe};
use crate::core::vitals::Entry;

/// `sessionStorage` key of the tab's journey.
pub const JOURNEY_KEY: &str = "journey-probe:v1";
/// `localStorage` key of the outbox every tab of the portal shares.
pub const OUTBOX_KEY: &str = "journey-probe:outbox";
/// `localStorage` key that remembers the citizen's consent (`data-consent="required"`).
pub const CONSENT_KEY: &str = "journey-probe:consent";
/// `localStorage` key that remembers the citizen opted out.
pub const OPT_OUT_KEY: &str = "journey-probe:opt-out";

/// What the session needs of the browser. Every method must return (never throw, never block);
/// storage that is unavailable reads as absent.
pub trait Host {
    /// The text stored under `key` (`JOURNEY_KEY` in `sessionStorage`, the others in
    /// `localStorage`).
    fn load(&mut self, key: &str) -> Option<String>;
    /// Stores `value` under `key`.
    fn store(&mut self, key: &str, value: &str);
    /// Removes `key`.
    fn remove(&mut self, key: &str);
    /// Sends `body` to `url` (`json`: as `application/json`, for OTLP; else `text/plain`).
    /// With `wait`, the host later reports the answer through [`Session::answered`]; without,
    /// the page is being left and no answer can be read. Returns whether the browser took it.
    fn send(&mut self, url: &str, body: &str, json: bool, wait: bool) -> bool;
    /// Calls [`Session::tick`] after `ms` (replacing a timer asked for before).
    fn later(&mut self, ms: f64);
    /// Tells the developer, once per call, in the console.
    fn warn(&mut self, text: &str);
    /// Tells the QA overlay what happened to a beacon or a request (`queued`, `held`,
    /// `not-sent`, `sent`, `sent-leaving`, `answered`), if it listens.
    fn report(&mut self, kind: &str, text: &str);
    /// Fills `out` with random bytes (`crypto.getRandomValues`).
    fn random(&mut self, out: &mut [u8]);
    /// Whether the browser sends Global Privacy Control.
    fn gpc(&mut self) -> bool;
}

/// One page view's probe and the tab's delivery.
pub struct Session<H: Host> {
    host: H,
    probe: Probe,
    outbox: Outbox,
    /// The ids of the beacons the request under way carries.
    in_flight: Option<Vec<String>>,
    /// The raw `location.pathname` the page started on (the URL patterns match it).
    path: String,
    /// Whether [`Session::ready`] ran.
    ready: bool,
    /// Whether the page is visible, as last told.
    visible: bool,
    /// When the timer asked of the host fires (wall clock), if one is pending.
    timer_at: Option<f64>,
}

impl<H: Host> Session<H> {
    /// Starts the session of a page view: resumes (or starts) the tab's journey, reads the
    /// outbox and sends what an earlier page left waiting. `None` when the citizen opted out in
    /// this browser (nothing runs then).
    #[allow(clippy::too_many_arguments)]
    pub fn begin(
        mut host: H,
        config: Config,
        path: &str,
        query: &str,
        user_agent: &str,
        now: Now,
        state: PageState,
    ) -> Option<Session<H>> {
        if host.load(OPT_OUT_KEY).as_deref() == Some("1") {
            return None;
        }
        let mut random_journey_id = [0u8; 16];
        host.random(&mut random_journey_id);
        let stored = host.load(JOURNEY_KEY).and_then(|t| Journey::decode(&t));
        let outbox = Outbox::decode(&host.load(OUTBOX_KEY).unwrap_or_default());
        let probe = Probe::start(PageStart {
            config,
            stored,
            path,
            query,
            user_agent,
            now,
            random_journey_id,
            state,
        });
        let mut session = Session {
            host,
            probe,
            outbox,
            in_flight: None,
            path: path.to_string(),
            ready: false,
            visible: state.visible,
            timer_at: None,
        };
        session.save_journey();
        // Beacons an earlier page left waiting (the collector was down, or the page was left
        // before its answer came): sent again; the collector stores each once.
        session.flush(false, now);
        Some(session)
    }

    /// The probe, for what the shell asks of it (its configuration, the snapshot).
    pub fn probe(&self) -> &Probe {
        &self.probe
    }

    /// The host (the shell's own, and the tests' twin).
    pub fn host(&mut self) -> &mut H {
        &mut self.host
    }

    /// The page's fields have been found: what the page's URL says is applied (a success URL's
    /// beacon describes the page's fields, so it waits for them) and a journey abandoned in this
    /// tab is reported. Once; every later call of the session does it first if the shell did
    /// not.
    pub fn ready(&mut self, now: Now) {
        if self.ready {
            return;
        }
        self.ready = true;
        let id = self.beacon_id();
        if let Some(beacon) = self.probe.take_abandoned(id) {
            self.send_now(beacon, now);
        }
        let id = self.beacon_id();
        let path = self.path.clone();
        if let Some(beacon) = self.probe.page_signals(&path, now, id) {
            self.send_now(beacon, now);
        }
        self.save_journey();
        self.arm_idle(now);
    }

    /// Registers a form; its index.
    pub fn form(&mut self, facts: FormFacts) -> usize {
        self.probe.form_seen(facts)
    }

    /// Registers a field the shell found.
    pub fn field(&mut self, facts: FieldFacts) -> Option<Observed> {
        self.probe.field_seen(facts)
    }

    /// What happened to a field; the journey is stored when that changed it.
    pub fn event(&mut self, index: usize, event: FieldEvent, now: Now) {
        self.ready(now);
        if self.probe.field_event(index, event, now) {
            self.save_journey();
        }
        self.arm_idle(now);
    }

    /// The citizen clicked, tapped or pressed a key outside every field (a popup's day, option
    /// or arrow).
    pub fn outside(&mut self, now: Now) {
        self.ready(now);
        self.probe.outside_action(now);
        self.arm_idle(now);
    }

    /// A field made of several elements learned its group's whole value.
    pub fn rebased(&mut self, index: usize, value: crate::core::field::ValueState) {
        self.probe.field_rebased(index, value);
    }

    /// A field's element left the page.
    pub fn removed(&mut self, index: usize) {
        self.probe.field_removed(index);
    }

    /// A form was submitted.
    pub fn submit(&mut self, form: usize, now: Now) {
        self.ready(now);
        if self.probe.form_submitted(form, now) {
            self.save_journey();
        }
        self.arm_idle(now);
    }

    /// A portal command, made at `at` (a queued call keeps its time).
    pub fn command(&mut self, command: Command, at: Now, now: Now) {
        self.ready(now);
        match command {
            Command::Consent(given) => {
                if given {
                    self.host.store(CONSENT_KEY, "1");
                    // What was held in memory may now be stored and sent.
                    self.save_outbox();
                    self.flush(false, now);
                } else {
                    self.host.remove(CONSENT_KEY);
                    self.outbox = Outbox::default();
                    self.host.remove(OUTBOX_KEY);
                }
            }
            Command::OptOut => {
                // Everything the probe stored is forgotten; only the opt-out is remembered.
                self.host.remove(JOURNEY_KEY);
                self.host.remove(OUTBOX_KEY);
                self.host.remove(CONSENT_KEY);
                self.host.store(OPT_OUT_KEY, "1");
                self.outbox = Outbox::default();
            }
            command => {
                if matches!(command, Command::SetService(_) | Command::Expired) {
                    self.provide_journey_id();
                }
                let id = self.beacon_id();
                let beacon = self.probe.command(command, at, id);
                self.save_journey();
                if let Some(beacon) = beacon {
                    self.send_now(beacon, now);
                }
                self.arm_idle(now);
            }
        }
    }

    /// The page's visibility or the window's focus changed; coming back to a tab hidden past
    /// the idle timeout reports the journey left there as abandoned.
    pub fn state(&mut self, state: PageState, now: Now) {
        self.ready(now);
        self.provide_journey_id();
        self.probe.page_state(state, now);
        self.visible = state.visible;
        self.report_abandoned(now);
    }

    /// The page became visible again: its next hide sends a fresh beacon, and what waits may go.
    pub fn visible(&mut self, now: Now) {
        self.visible = true;
        self.probe.page_visible();
        self.flush(false, now);
    }

    /// The page came back from the back/forward cache: a new page view and step.
    pub fn restored(&mut self, now: Now) {
        self.probe.restored(now);
        self.save_journey();
    }

    /// The page moved to another view without loading (History API, `hashchange`).
    pub fn navigated(&mut self, path: &str, query: &str, now: Now) {
        self.ready(now);
        let id = self.beacon_id();
        let beacon = self.probe.navigated(path, query, now, id);
        self.save_journey();
        if let Some(beacon) = beacon {
            self.send_now(beacon, now);
        }
    }

    /// The page is being hidden (`visibilitychange`) or left (`pagehide`): its beacon goes, with
    /// whatever waits, in the one request a page being left may make. It stays in the outbox
    /// until a later page reads the collector's answer.
    pub fn hidden(&mut self, trigger: Trigger, now: Now) {
        self.ready(now);
        self.visible = false;
        let id = self.beacon_id();
        if let Some(beacon) = self.probe.page_hidden(trigger, now, id) {
            self.save_journey();
            self.queue(beacon);
            self.flush(true, now);
        }
    }

    /// A Performance entry (see [`crate::core::vitals`]); `Restored` is a back/forward-cache
    /// restore's paint.
    pub fn perf(&mut self, entry: Option<Entry>, restored_paint: Option<f64>) {
        if let Some(paint) = restored_paint {
            self.probe.perf_restored(paint);
        }
        if let Some(entry) = entry {
            self.probe.perf_entry(entry);
        }
    }

    /// The request under way was answered with `status` (0: no answer, or none in time).
    pub fn answered(&mut self, status: u16, now: Now) {
        let Some(ids) = self.in_flight.take() else {
            return;
        };
        self.host
            .report("answered", &crate::core::text::number(status.into()));
        let then = self.outbox.answered(&ids, status, now.epoch_ms);
        self.save_outbox();
        match then {
            Then::SendNext => self.flush(false, now),
            // A little after the backoff, so that the try is due when the timer fires.
            Then::RetryIn(ms) => self.arm(now.epoch_ms + ms + 50.0, now),
        }
    }

    /// The timer [`Host::later`] asked for fired: a journey left idle in a visible tab is
    /// abandoned, a retry that is due goes, and the timer is set for what comes next.
    pub fn tick(&mut self, now: Now) {
        self.ready(now);
        self.timer_at = None;
        if self.probe.idle(now) {
            self.report_abandoned(now);
        }
        self.flush(false, now);
        // A retry still to come (none while a request is under way: its answer decides).
        let retry = self.outbox.retry_due_at().filter(|at| *at > now.epoch_ms);
        if let (None, Some(at)) = (&self.in_flight, retry) {
            self.arm(at + 50.0, now);
        }
        self.arm_idle(now);
    }

    /// Asks the host for the timer at `deadline` (wall clock), unless one fires sooner: one
    /// timer serves retries and the idle timeout, and an event costs no timer call.
    fn arm(&mut self, deadline: f64, now: Now) {
        // A timer due to fire sooner is kept (one that should have fired already is not).
        if self
            .timer_at
            .is_some_and(|at| at <= deadline && at > now.epoch_ms)
        {
            return;
        }
        self.timer_at = Some(deadline);
        self.host.later((deadline - now.epoch_ms).max(0.0));
    }

    /// The timer for the idle timeout of the journey under way, if one is.
    fn arm_idle(&mut self, now: Now) {
        if let Some(deadline) = self.probe.idle_deadline() {
            self.arm(deadline, now);
        }
    }

    /// `JourneyProbe.snapshot()` as JSON.
    pub fn snapshot(&mut self, now: Now) -> String {
        self.probe.snapshot_json(now)
    }

    /// Whether the satisfaction question should be shown now.
    pub fn survey_due(&self) -> bool {
        self.probe.survey_due()
    }

    /// Hands the probe random bits for the id of a journey it may start next.
    fn provide_journey_id(&mut self) {
        let mut journey_id = [0u8; 16];
        self.host.random(&mut journey_id);
        self.probe.provide_journey_id(journey_id);
    }

    /// Sends the end of a journey the probe now calls abandoned, if there is one, with the
    /// tab's next journey stored first.
    fn report_abandoned(&mut self, now: Now) {
        let id = self.beacon_id();
        if let Some(beacon) = self.probe.take_abandoned(id) {
            self.save_journey();
            self.send_now(beacon, now);
        }
    }

    fn beacon_id(&mut self) -> [u8; 8] {
        let mut id = [0u8; 8];
        self.host.random(&mut id);
        id
    }

    fn save_journey(&mut self) {
        let text = self.probe.journey().encode();
        self.host.store(JOURNEY_KEY, &text);
    }

    /// What may be done with beacons now.
    fn policy(&mut self) -> SendPolicy {
        let gpc = self.host.gpc();
        let opted_out = self.host.load(OPT_OUT_KEY).as_deref() == Some("1");
        let consent_given = self.host.load(CONSENT_KEY).as_deref() == Some("1");
        let config = self.probe.config();
        consent::policy(Signals {
            global_privacy_control: gpc,
            opted_out,
            consent_required: config.consent_required,
            consent_given,
            sampled: consent::sampled(&self.probe.journey().id, config.sample),
        })
    }

    /// Puts a beacon that ends a journey (or a step) in the outbox and sends what waits at once
    /// — past any backoff, since the citizen may close the tab next — unless a request is under
    /// way (its answer sends the rest).
    fn send_now(&mut self, beacon: Beacon, now: Now) {
        self.queue(beacon);
        self.outbox.retry_now();
        self.flush(false, now);
    }

    fn queue(&mut self, mut beacon: Beacon) {
        let policy = self.policy();
        if policy == SendPolicy::Never {
            self.host.report("not-sent", &beacon.to_json());
            return; // measured, never sent, never stored
        }
        if policy == SendPolicy::Send {
            // What other tabs stored, so that their drops are counted once, by whichever tab
            // queues next, and the write below keeps their beacons.
            self.merge_stored();
        }
        beacon.dropped = self.outbox.take_dropped();
        let entry = match self.probe.config().format {
            Format::Json => beacon.to_json(),
            // (never chosen where the encoder is not built in: the configuration refuses it)
            Format::Otlp if crate::core::otlp::BUILT_IN => crate::core::otlp::record(&beacon),
            Format::Otlp => beacon.to_json(),
        };
        let kind = if policy == SendPolicy::Send {
            "queued"
        } else {
            "held"
        };
        self.host.report(kind, &entry);
        self.outbox.push(beacon.id.as_str(), entry);
        // Held for consent: in memory only.
        if policy == SendPolicy::Send {
            self.write_outbox();
        }
    }

    fn merge_stored(&mut self) {
        if let Some(text) = self.host.load(OUTBOX_KEY) {
            self.outbox.merge(Outbox::decode(&text));
        }
    }

    fn write_outbox(&mut self) {
        if self.outbox.is_blank() {
            self.host.remove(OUTBOX_KEY);
        } else {
            let text = self.outbox.encode();
            self.host.store(OUTBOX_KEY, &text);
        }
    }

    /// Stores the outbox merged with what other tabs stored — only while beacons may be stored
    /// (consent may have been withdrawn, or the citizen opted out, in another tab).
    fn save_outbox(&mut self) {
        if self.policy() == SendPolicy::Send {
            self.merge_stored();
            self.write_outbox();
        }
    }

    /// Sends the oldest waiting beacons in one request. `leaving`: the page is being hidden or
    /// left — regardless of backoff and of a request under way, without waiting for the answer.
    /// Otherwise at most one request is in flight, none while hidden, none before the backoff.
    fn flush(&mut self, leaving: bool, now: Now) {
        if self.policy() != SendPolicy::Send {
            return;
        }
        if !leaving {
            if self.in_flight.is_some() || !self.visible {
                return;
            }
            // Beacons other tabs stored go too; those they saw answered do not.
            self.merge_stored();
            if !self.outbox.due(now.epoch_ms) {
                return;
            }
        }
        let Some(batch) = self.outbox.batch(leaving) else {
            return;
        };
        let url = self.probe.config().collector.clone();
        let json = crate::core::otlp::content_type(&batch.body).is_some();
        let sent = self.host.send(&url, &batch.body, json, !leaving);
        let kind = if leaving { "sent-leaving" } else { "sent" };
        self.host.report(kind, &batch.body);
        if !sent {
            self.host
                .warn("a beacon could not be handed to the browser");
        } else if !leaving {
            self.in_flight = Some(batch.ids);
        }
    }
}

/// An in-memory host: the browser's twin for native tests. Storage is two maps (the tab's and
/// the portal's), requests are recorded and answered by the test, the timer is a number.
#[derive(Debug, Default, Clone)]
pub struct MemoryHost {
    /// `sessionStorage` and `localStorage` together (keys do not clash).
    pub storage: Vec<(String, String)>,
    /// Every request sent: (url, body, json, waits for an answer).
    pub sent: Vec<(String, String, bool, bool)>,
    /// The delay of the pending timer, if any.
    pub timer: Option<f64>,
    /// Warnings.
    pub warnings: Vec<String>,
    /// What the overlay would have been told.
    pub reports: Vec<(String, String)>,
    /// Whether Global Privacy Control is on.
    pub gpc: bool,
    /// Next random byte.
    pub seed: u8,
    /// The browser refuses to send (no fetch, no sendBeacon).
    pub refuse: bool,
}

impl MemoryHost {
    /// The stored text of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.storage
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl Host for MemoryHost {
    fn load(&mut self, key: &str) -> Option<String> {
        self.get(key).map(str::to_string)
    }
    fn store(&mut self, key: &str, value: &str) {
        self.remove(key);
        self.storage.push((key.to_string(), value.to_string()));
    }
    fn remove(&mut self, key: &str) {
        self.storage.retain(|(k, _)| k != key);
    }
    fn send(&mut self, url: &str, body: &str, json: bool, wait: bool) -> bool {
        if self.refuse {
            return false;
        }
        self.sent
            .push((url.to_string(), body.to_string(), json, wait));
        true
    }
    fn later(&mut self, ms: f64) {
        self.timer = Some(ms);
    }
    fn warn(&mut self, text: &str) {
        self.warnings.push(text.to_string());
    }
    fn report(&mut self, kind: &str, text: &str) {
        self.reports.push((kind.to_string(), text.to_string()));
    }
    fn random(&mut self, out: &mut [u8]) {
        for b in out {
            self.seed = self.seed.wrapping_mul(31).wrapping_add(17);
            *b = self.seed;
        }
    }
    fn gpc(&mut self) -> bool {
        self.gpc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::fields::FormFacts;

    const T0: f64 = 1_795_000_000_000.0;

    fn config(extra: &[(&str, &str)]) -> Config {
        let mut attributes = vec![
            (
                "data-collector",
                "https://collector.example.gov.vn/v1/beacons",
            ),
            ("data-service", "1.001234"),
        ];
        attributes.extend_from_slice(extra);
        Config::from_attributes(attributes).unwrap()
    }

    fn at(ms: f64) -> Now {
        Now {
            epoch_ms: T0 + ms,
            page_ms: ms,
        }
    }

    const SEEN: PageState = PageState {
        visible: true,
        focused: true,
    };

    fn begin(host: MemoryHost, extra: &[(&str, &str)]) -> Session<MemoryHost> {
        let mut s = Session::begin(
            host,
            config(extra),
            "/dich-vu/1.001234/buoc-1",
            "",
            "Mozilla/5.0 Chrome/131.0.0.0",
            at(0.0),
            SEEN,
        )
        .expect("runs");
        s.form(FormFacts {
            id: Some("f".into()),
            name: None,
            position: Some(0),
        });
        s.ready(at(10.0));
        s
    }

    fn triggers(sent: &str) -> Vec<String> {
        sent.match_indices("\"trigger\":\"")
            .map(|(i, m)| {
                sent[i + m.len()..]
                    .split('"')
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn a_journeys_end_goes_at_once_and_leaves_the_outbox_when_answered() {
        let mut s = begin(MemoryHost::default(), &[]);
        s.command(Command::Login, at(100.0), at(100.0));
        s.command(Command::Submitted, at(60_000.0), at(60_000.0));
        let host = s.host();
        assert_eq!(host.sent.len(), 1);
        let (_, body, json, wait) = host.sent[0].clone();
        assert_eq!(
            (triggers(&body), json, wait),
            (vec!["submitted".to_string()], false, true)
        );
        assert!(host.get(OUTBOX_KEY).is_some(), "kept until answered");
        assert!(host.get(JOURNEY_KEY).is_some(), "the journey is stored");
        s.answered(202, at(60_100.0));
        let stored = Outbox::decode(s.host().get(OUTBOX_KEY).unwrap_or_default());
        assert!(
            stored.is_empty(),
            "answered: no beacon left (only the ids seen answered)"
        );
    }

    #[test]
    fn a_page_left_sends_everything_waiting_without_waiting_for_an_answer() {
        let mut s = begin(MemoryHost::default(), &[]);
        s.command(Command::Login, at(100.0), at(100.0));
        s.command(Command::Submitted, at(1_000.0), at(1_000.0)); // in flight, unanswered
        s.hidden(Trigger::Pagehide, at(2_000.0));
        let host = s.host();
        let (_, body, _, wait) = host.sent.last().unwrap().clone();
        assert!(!wait, "a page being left cannot read its answer");
        assert_eq!(
            triggers(&body),
            ["submitted", "pagehide"],
            "both, in one request"
        );
        assert!(
            host.get(OUTBOX_KEY).unwrap().contains("pagehide"),
            "kept for the next page"
        );
    }

    #[test]
    fn a_failure_keeps_the_beacons_and_tries_again_after_the_backoff() {
        let mut s = begin(MemoryHost::default(), &[]);
        s.command(Command::Login, at(100.0), at(100.0));
        s.command(Command::Submitted, at(1_000.0), at(1_000.0));
        s.answered(503, at(1_100.0));
        assert_eq!(s.host().timer, Some(2_050.0), "2 s backoff, then the timer");
        s.tick(at(1_500.0));
        assert_eq!(s.host().sent.len(), 1, "not before the backoff");
        s.tick(at(3_200.0));
        assert_eq!(s.host().sent.len(), 2, "tried again");
        s.answered(0, at(3_300.0));
        assert_eq!(s.host().timer, Some(4_050.0), "no answer: 4 s");
        s.tick(at(7_400.0));
        s.answered(202, at(7_500.0));
        assert!(Outbox::decode(s.host().get(OUTBOX_KEY).unwrap_or_default()).is_empty());
        assert_eq!(
            s.host()
                .reports
                .iter()
                .filter(|(k, _)| k == "answered")
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>(),
            ["503", "0", "202"]
        );
    }

    #[test]
    fn one_request_at_a_time_while_visible_none_while_hidden() {
        let mut s = begin(MemoryHost::default(), &[]);
        s.command(Command::Login, at(100.0), at(100.0));
        s.command(Command::Submitted, at(1_000.0), at(1_000.0));
        s.command(Command::Expired, at(1_100.0), at(1_100.0)); // nothing open: no beacon
        let mark = Command::parse("mark", Some("xac-nhan")).unwrap();
        s.command(mark, at(1_200.0), at(1_200.0));
        assert_eq!(s.host().sent.len(), 1, "one in flight");
        s.hidden(Trigger::Hidden, at(2_000.0));
        let sent = s.host().sent.len();
        s.answered(202, at(2_100.0));
        assert_eq!(
            s.host().sent.len(),
            sent,
            "hidden: the next waits for the page to be seen"
        );
        s.visible(at(3_000.0));
        assert_eq!(s.host().sent.len(), sent + 1, "visible again: it goes");
    }

    #[test]
    fn before_consent_beacons_are_held_in_memory_and_after_it_stored_and_sent() {
        let mut s = begin(MemoryHost::default(), &[("data-consent", "required")]);
        s.command(Command::Login, at(100.0), at(100.0));
        s.command(Command::Submitted, at(1_000.0), at(1_000.0));
        assert!(s.host().sent.is_empty() && s.host().get(OUTBOX_KEY).is_none());
        assert_eq!(s.host().reports[0].0, "held");
        s.command(Command::Consent(true), at(2_000.0), at(2_000.0));
        assert_eq!(s.host().get(CONSENT_KEY), Some("1"));
        assert_eq!(s.host().sent.len(), 1, "sent once consent is given");
        s.command(Command::Consent(false), at(3_000.0), at(3_000.0));
        let host = s.host();
        assert_eq!(
            (host.get(CONSENT_KEY), host.get(OUTBOX_KEY)),
            (None, None),
            "withdrawn: the outbox is forgotten"
        );
    }

    #[test]
    fn global_privacy_control_and_opting_out_keep_everything_in_the_browser() {
        let mut s = begin(
            MemoryHost {
                gpc: true,
                ..MemoryHost::default()
            },
            &[],
        );
        s.command(Command::Login, at(100.0), at(100.0));
        s.command(Command::Submitted, at(1_000.0), at(1_000.0));
        s.hidden(Trigger::Pagehide, at(2_000.0));
        assert!(s.host().sent.is_empty() && s.host().get(OUTBOX_KEY).is_none());
        assert!(s.host().reports.iter().all(|(k, _)| k == "not-sent"));
        let mut s = begin(MemoryHost::default(), &[]);
        s.command(Command::OptOut, at(100.0), at(100.0));
        let host = s.host().clone();
        assert_eq!(
            (host.get(JOURNEY_KEY), host.get(OPT_OUT_KEY)),
            (None, Some("1"))
        );
        let again = Session::begin(host, config(&[]), "/", "", "", at(5_000.0), SEEN);
        assert!(again.is_none(), "opted out: nothing runs on the next page");
    }

    #[test]
    fn what_another_tab_stored_is_kept_and_sent_too() {
        let mut other = begin(MemoryHost::default(), &[]);
        other.hidden(Trigger::Pagehide, at(500.0)); // tab B leaves a beacon waiting
        let shared = other.host().get(OUTBOX_KEY).unwrap().to_string();
        let mut host = MemoryHost {
            seed: 99,
            ..MemoryHost::default()
        };
        host.store(OUTBOX_KEY, &shared);
        let mut s = begin(host, &[]);
        let first = s.host().sent[0].1.clone();
        assert_eq!(
            triggers(&first),
            ["pagehide"],
            "B's beacon goes with A's first request"
        );
        s.command(Command::Login, at(600.0), at(600.0));
        s.hidden(Trigger::Pagehide, at(700.0));
        assert!(
            s.host()
                .get(OUTBOX_KEY)
                .unwrap()
                .matches("pagehide")
                .count()
                >= 2,
            "A's save kept B's beacon"
        );
    }

    #[test]
    fn a_visible_tab_left_untouched_past_the_idle_timeout_reports_its_journey_abandoned() {
        let idle = 30.0 * 60_000.0;
        let mut s = begin(MemoryHost::default(), &[]);
        s.command(Command::Login, at(100.0), at(100.0));
        s.event(0, FieldEvent::Focus, at(5_000.0));
        assert_eq!(
            s.host().timer,
            Some(idle + 1.0),
            "one timer for the idle timeout"
        );
        // The citizen goes on: no timer call per event; the early tick just sets the next.
        s.event(0, FieldEvent::Blur, at(600_000.0));
        assert_eq!(s.host().timer, Some(idle + 1.0));
        s.tick(at(5_000.0 + idle + 1.0));
        assert!(
            s.host().sent.is_empty(),
            "not idle yet: touched 10 minutes in"
        );
        assert_eq!(
            s.host().timer,
            Some(595_000.0),
            "the next: 30 minutes after the last touch (at 10 minutes), from now"
        );
        s.tick(at(600_000.0 + idle + 1.0));
        let sent = &s.host().sent;
        assert_eq!(
            sent.len(),
            1,
            "reported without waiting for the citizen to come back"
        );
        assert!(
            sent[0].1.contains(r#""trigger":"abandoned""#),
            "{}",
            sent[0].1
        );
        assert!(
            s.probe().journey().waiting(),
            "the next journey waits for the citizen"
        );
    }

    #[test]
    fn a_browser_that_refuses_to_send_is_told_once_and_loses_nothing() {
        let mut s = begin(
            MemoryHost {
                refuse: true,
                ..MemoryHost::default()
            },
            &[],
        );
        s.command(Command::Login, at(100.0), at(100.0));
        s.command(Command::Submitted, at(1_000.0), at(1_000.0));
        assert_eq!(
            s.host().warnings,
            ["a beacon could not be handed to the browser"]
        );
        assert!(s.host().get(OUTBOX_KEY).unwrap().contains("submitted"));
    }
}
