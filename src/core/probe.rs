//! The probe of one page view: the state machine the shell feeds with observations and asks
//! for beacons.
//!
//! Everything time- or randomness-dependent comes in as an argument ([`Now`], random bytes),
//! so the whole behaviour is reproducible in native tests.

use crate::core::beacon::{
    Beacon, FieldReport, FormReport, FormSummary, JourneySection, Outcome, PageSection, Trigger,
    MAX_REPORTED_FIELDS, VERSION,
};
use crate::core::clock::{PageClock, PageState};
use crate::core::config::{Config, ServiceCode};
use crate::core::field::{FieldEvent, FieldFacts};
use crate::core::fields::{Fields, FormFacts, Observed};
use crate::core::ids::{BeaconId, JourneyId};
use crate::core::journey::{Journey, Resumed, Step};
use crate::core::json::Object;
use crate::core::survey::{Rating, SurveyState, RATE_ACCEPTED};
use crate::core::time::round_ms;
use crate::core::ua::{classify, UserAgentClass};
use crate::core::url::scrub_url;
use crate::core::vitals::{Entry, Speed, Vitals};
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// The citizen has logged in: the journey clock starts.
    Login,
    /// The dossier was submitted successfully: the journey ends.
    Submitted,
    /// A step of the portal's own naming begins (`JourneyProbe.mark('xac-nhan')`).
    Mark(String),
    /// The page now serves another service (a catalogue page hosting several).
    SetService(ServiceCode),
    /// The portal ended the journey without a submission (the citizen's session or draft
    /// dossier expired): it is reported at once as `expired`.
    Expired,
    /// The citizen gave (`true`) or withdrew (`false`) consent, for `data-consent="required"`.
    Consent(bool),
    /// The citizen opted out: the probe stops and forgets everything it stored.
    OptOut,
    /// The portal asks the satisfaction question now (`JourneyProbe.askSatisfaction()`).
    AskSatisfaction,
    /// The citizen's rating, from the probe's question or the portal's own survey
    /// (`JourneyProbe.rate(n, reasons)`).
    Rate(Rating),
    /// The probe's question was shown (sent by the loader's survey, never by portals).
    SurveyShown,
}

/// Longest step name `mark` accepts.
pub const MAX_STEP_NAME: usize = 64;

/// A command name the probe does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCommand(pub String);

impl fmt::Display for UnknownCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name: String = self.0.chars().take(40).collect();
        match name.as_str() {
            "mark" => write!(f, "mark needs a step name: 1 to {MAX_STEP_NAME} letters, digits, '.', '-' or '_' that name no one (no person's name, e-mail, date or long number; e.g. JourneyProbe.mark('xac-nhan'))"),
            "consent" => write!(f, "consent needs true or false (e.g. JourneyProbe.consent(true))"),
            "rate" => write!(f, "{RATE_ACCEPTED}"),
            "setService" => write!(f, "setService needs a service code: 1 to 64 letters, digits, '.', '-' or '_', a public catalogue code and never a citizen's number, e-mail or name (e.g. JourneyProbe.setService('1.001234'))"),
            _ => write!(
                f,
                "unknown command \"{name}\": accepted commands are {}",
                Command::NAMES.join(", ")
            ),
        }
    }
}

impl Command {
    /// Every command name, as portals write them.
    pub const NAMES: [&'static str; 9] = [
        "login",
        "submitted",
        "mark",
        "setService",
        "expired",
        "consent",
        "optOut",
        "askSatisfaction",
        "rate",
    ];

    /// Parses a command and its argument (`mark` and `setService` need one). The error names
    /// the command and what it accepts.
    pub fn parse(name: &str, arg: Option<&str>) -> Result<Command, UnknownCommand> {
        let refused = || UnknownCommand(name.to_string());
        match name {
            "login" => Ok(Command::Login),
            "submitted" => Ok(Command::Submitted),
            "expired" => Ok(Command::Expired),
            "optOut" => Ok(Command::OptOut),
            "askSatisfaction" => Ok(Command::AskSatisfaction),
            "surveyShown" => Ok(Command::SurveyShown),
            "rate" => arg
                .and_then(Rating::parse)
                .map(Command::Rate)
                .ok_or_else(refused),
            "consent" => match arg {
                Some("true") => Ok(Command::Consent(true)),
                Some("false") => Ok(Command::Consent(false)),
                _ => Err(refused()),
            },
            "mark" => arg
                .filter(|a| {
                    a.len() <= MAX_STEP_NAME
                        && a.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
                        && crate::core::field::developer_key(a).is_some()
                })
                .map(|a| Command::Mark(a.to_string()))
                .ok_or_else(refused),
            "setService" => arg
                .and_then(ServiceCode::parse)
                .map(Command::SetService)
                .ok_or_else(refused),
            _ => Err(refused()),
        }
    }
}

/// A page's path as beacons carry it: scrubbed (`core::url`), the declared service code and
/// step slugs kept, the allowed query parameters added.
fn scrubbed(config: &Config, path: &str, query: &str) -> String {
    let mut keep: Vec<&str> = vec![config.service.as_str()];
    keep.extend(config.step_slugs.iter().map(String::as_str));
    scrub_url(path, query, &keep, &config.allow_params)
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
    /// `location.search` (only parameters `data-allow-params` names are kept).
    pub query: &'a str,
    /// `navigator.userAgent`.
    pub user_agent: &'a str,
    /// The clocks at start.
    pub now: Now,
    /// 16 random bytes, used if a new journey starts.
    pub random_journey_id: [u8; 16],
    /// Whether the page is visible and focused as it starts.
    pub state: PageState,
}

/// The probe's state for one page view.
#[derive(Clone, Debug)]
pub struct Probe {
    config: Config,
    journey: Journey,
    resumed: Resumed,
    path: String,
    ua: UserAgentClass,
    fields: Fields,
    /// Whether a beacon went out since the page was last visible: one hide, one beacon.
    sent_since_visible: bool,
    /// Advances the journey clock on this page.
    page_clock: PageClock,
    idle_ms: f64,
    /// The tab's previous journey, idle past the timeout: reported as abandoned.
    abandoned: Option<Journey>,
    /// When the current view began (page load, in-page view, back/forward-cache restore, or a
    /// new journey taking over): a waiting journey the citizen begins counts from here.
    view_start: Now,
    /// The step under way: its name and the journey clock when it began (elapsed, active).
    step: Option<(String, f64, f64)>,
    /// Random bytes for a journey a command starts (`setService`).
    pending_journey_id: [u8; 16],
    /// The portal asked for the satisfaction question on this page.
    survey_requested: bool,
    /// The page view's speed so far.
    vitals: Vitals,
    /// When a form was last submitted on this page (page ms): a page left right after it was
    /// left by the submission, and the next page's response time is the server's answer.
    submitted_form_at: Option<f64>,
}

impl Probe {
    /// Starts the probe for a page view: resumes or starts the journey, scrubs the path.
    pub fn start(page: PageStart<'_>) -> Probe {
        let idle_ms = f64::from(page.config.journey.idle_minutes) * 60_000.0;
        let now = page.now;
        let page_start_epoch = now.epoch_ms;
        // A journey left idle past the timeout was abandoned where it stopped; the citizen
        // who comes back starts the next one (still logged in, the clock from now).
        let mut stored = page.stored;
        let abandoned = stored.take_if(|old| {
            old.clock.running
                && old.submitted_at.is_none()
                && page_start_epoch - old.clock.anchor_epoch > idle_ms
        });
        let (mut journey, resumed) = Journey::resume(
            stored,
            &page.config.service,
            JourneyId::from_random(page.random_journey_id),
        );
        if let Some(old) = &abandoned {
            // Still logged in: the next journey begins when the citizen goes on.
            journey.signed_in = old.login_at.is_some() || old.signed_in;
        }
        // The page's step begins when the previous page was left: loading it is part of it.
        let step_start = (journey.clock.elapsed_ms, journey.clock.active_ms);
        let (page_clock, _gap) = PageClock::resume(
            &mut journey.clock,
            page_start_epoch,
            now.page_ms,
            idle_ms,
            page.state,
        );
        let path = scrubbed(&page.config, page.path, page.query);
        journey.last_path = path.clone();
        let journey_path = path.clone();
        Probe {
            ua: classify(page.user_agent),
            config: page.config,
            journey,
            resumed,
            path,
            fields: Fields::default(),
            sent_since_visible: false,
            page_clock,
            idle_ms,
            step: Some((journey_path, step_start.0, step_start.1)),
            abandoned,
            view_start: now,
            pending_journey_id: page.random_journey_id.map(|b| b.rotate_left(3) ^ 0x5a),
            survey_requested: false,
            vitals: Vitals::default(),
            submitted_form_at: None,
        }
    }

    fn begin_step(&mut self, name: String) {
        let clock = &self.journey.clock;
        self.step = Some((name, clock.elapsed_ms, clock.active_ms));
    }

    /// Records the step under way with the clock as it stands.
    fn close_step(&mut self) {
        if let Some((name, elapsed, active)) = self.step.take() {
            let clock = &self.journey.clock;
            self.journey.add_step(Step {
                name,
                ms: (clock.elapsed_ms - elapsed).max(0.0),
                active_ms: (clock.active_ms - active).max(0.0),
            });
        }
    }

    /// Ends the step under way (its time since login goes into the journey's steps).
    fn end_step(&mut self, now: Now) {
        self.tick(now);
        self.close_step();
        // Whatever blocked the citizen on the previous step is behind them.
        self.page_clock.blocked = false;
    }

    /// The page moved to another view without loading (History API, `hashchange`): a new step,
    /// if the scrubbed path changed. The login and success URL patterns are checked again.
    pub fn navigated(
        &mut self,
        raw_path: &str,
        query: &str,
        now: Now,
        beacon_id: [u8; 8],
    ) -> Option<Beacon> {
        let path = scrubbed(&self.config, raw_path, query);
        if path != self.path {
            self.end_step(now);
            self.path = path.clone();
            self.journey.last_path = path.clone();
            self.begin_step(path);
            self.view_start = now;
        }
        self.page_signals(raw_path, now, beacon_id)
    }

    /// The page now serves another service: another journey begins (logged in if this one
    /// was, its clock from now); `random_journey_id` is its id.
    pub fn set_service(&mut self, code: ServiceCode, now: Now, random_journey_id: [u8; 16]) {
        if code == self.config.service {
            return;
        }
        self.end_step(now);
        let (mut journey, _) = Journey::resume(
            Some(self.journey.clone()),
            &code,
            JourneyId::from_random(random_journey_id),
        );
        journey.clock.anchor_epoch = now.epoch_ms;
        journey.last_path = self.path.clone();
        self.journey = journey;
        self.config.service = code;
        self.begin_step(self.path.clone());
        self.view_start = now;
    }

    /// Random bytes the shell hands over for the next journey a command may start.
    pub fn provide_journey_id(&mut self, random: [u8; 16]) {
        self.pending_journey_id = random;
    }

    /// The page came back from the back/forward cache: a new page view and step.
    pub fn restored(&mut self, now: Now) {
        self.end_step(now);
        self.journey.pages = self.journey.pages.saturating_add(1);
        self.sent_since_visible = false;
        self.begin_step(self.path.clone());
        self.view_start = now;
    }

    /// The beacon that reports the tab's previous journey as abandoned, if it was (once).
    pub fn take_abandoned(&mut self, beacon_id: [u8; 8]) -> Option<Beacon> {
        let mut old = self.abandoned.take()?;
        let seq = old.take_seq();
        Some(Beacon {
            v: VERSION,
            id: BeaconId::from_random(beacon_id),
            seq,
            trigger: Trigger::Abandoned,
            service: old.service.clone(),
            journey: JourneySection {
                id: old.id.clone(),
                logged_in: old.login_at.is_some(),
                since_login_ms: old.since_login_ms(),
                outcome: Some(Outcome::Abandoned),
                duration_ms: None,
                active_ms: old.login_at.map(|_| round_ms(old.clock.active_ms)),
                hidden_ms: old.login_at.map(|_| round_ms(old.clock.hidden_ms)),
                blocked_ms: old.login_at.map(|_| round_ms(old.clock.blocked_ms)),
                failed: old.login_at.map(|_| old.clock.failed),
                target_s: self.config.journey.target_seconds,
                met: None,
                last_field: old.last_field.clone(),
                steps: old.steps.clone(),
            },
            page: PageSection {
                n: old.page_index(),
                path: old.last_path.clone(),
                t_ms: 0,
                speed: None,
            },
            fields: None,
            forms: Vec::new(),
            ua: self.ua.clone(),
            dropped: 0,
            satisfaction: None,
        })
    }

    /// Counts the journey clock up to `now`.
    fn tick(&mut self, now: Now) {
        self.page_clock.advance(
            &mut self.journey.clock,
            now.page_ms,
            now.epoch_ms,
            self.idle_ms,
        );
    }

    /// The page's visibility or focus changed.
    pub fn page_state(&mut self, state: PageState, now: Now) {
        // Back to a tab left hidden past the idle timeout: that journey was abandoned; the
        // citizen goes on in a new one (logged in, the clock from now).
        let away = now.epoch_ms - self.journey.clock.anchor_epoch;
        if state.visible && !self.page_clock.visible() && self.open_journey() && away > self.idle_ms
        {
            self.abandon_current(now);
        }
        self.tick(now);
        self.page_clock.set_state(state);
    }

    /// Whether the journey's clock runs (logged in, not ended).
    fn open_journey(&self) -> bool {
        self.journey.clock.running && self.journey.submitted_at.is_none()
    }

    /// Sets the current journey aside as abandoned (reported by [`Probe::take_abandoned`]); the
    /// next one waits for the citizen (still logged in) to go on, from now.
    fn abandon_current(&mut self, now: Now) {
        self.close_step();
        let old = self.journey.clone();
        let mut next = Journey::resume(
            None,
            &self.config.service,
            JourneyId::from_random(self.pending_journey_id),
        )
        .0;
        next.signed_in = true;
        next.clock.anchor_epoch = now.epoch_ms;
        next.last_path = self.path.clone();
        self.journey = next;
        self.abandoned = Some(old);
        self.page_clock.blocked = false;
        self.begin_step(self.path.clone());
        self.view_start = now;
    }

    /// The citizen did something that belongs to a journey (typed or picked in a field,
    /// submitted a form, or the portal marked a step): a journey waiting for that begins, its
    /// clock and its step under way counting from the start of this view. Returns whether it
    /// began.
    fn act(&mut self, now: Now) -> bool {
        if !self.journey.waiting() {
            return false;
        }
        self.tick(now);
        let from = self.view_start;
        self.journey.begin(from.epoch_ms);
        self.page_clock.start(&mut self.journey.clock, from.page_ms);
        if let Some((name, _, _)) = self.step.take() {
            self.step = Some((name, 0.0, 0.0));
        }
        true
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

    /// The page's fields and forms.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// Registers a form; returns its index.
    pub fn form_seen(&mut self, facts: FormFacts) -> usize {
        self.fields.form(facts)
    }

    /// Records a field the shell found (`None` past the model's bound).
    pub fn field_seen(&mut self, facts: FieldFacts) -> Option<Observed> {
        // A form the server sent back with errors: the citizen is blocked from here.
        if facts.invalid {
            self.page_clock.refused(&mut self.journey.clock);
        }
        self.fields.observe(facts, &self.journey.typed)
    }

    /// Applies what happened to a field. The first citizen input in a field makes the journey
    /// remember its key (see [`Journey::typed`]); returns whether that happened, so that the
    /// shell stores the journey.
    pub fn field_event(&mut self, index: usize, event: FieldEvent, now: Now) -> bool {
        let began = matches!(event, FieldEvent::Input { .. }) && self.act(now);
        if event == FieldEvent::Invalid {
            self.tick(now);
            self.page_clock.refused(&mut self.journey.clock);
        }
        let applied = self.fields.event(index, event, now.page_ms);
        if matches!(event, FieldEvent::Focus | FieldEvent::Input { .. }) {
            if let Some(field) = self.fields.all().get(index) {
                if self.journey.last_field.as_deref() != Some(field.key.as_str()) {
                    self.journey.last_field = Some(field.key.clone());
                }
            }
        }
        if applied.first_user_input {
            if let Some(field) = self.fields.all().get(index) {
                self.journey.typed_in(&field.key);
            }
        }
        began || applied.first_user_input
    }

    /// A field made of several elements learned its whole group's value (no change implied).
    pub fn field_rebased(&mut self, index: usize, value: crate::core::field::ValueState) {
        self.fields.rebase(index, value);
    }

    /// A field's element left the page.
    pub fn field_removed(&mut self, index: usize) {
        self.fields.remove(index);
    }

    /// A form was submitted. Returns whether that began a waiting journey (the shell then
    /// stores it).
    pub fn form_submitted(&mut self, form: usize, now: Now) -> bool {
        let began = self.act(now);
        self.fields.submit(form, now.page_ms);
        self.submitted_form_at = Some(now.page_ms);
        began
    }

    /// A Performance entry the loader observed (see [`crate::core::vitals`]).
    pub fn perf_entry(&mut self, entry: Entry) {
        let via_submit = self.journey.via_submit;
        self.vitals.entry(entry, via_submit);
    }

    /// The page came back from the back/forward cache and painted `paint_ms` later.
    pub fn perf_restored(&mut self, paint_ms: f64) {
        self.vitals.restored(paint_ms);
    }

    /// The page view's speed so far, with the key of the field that set INP.
    fn speed(&self) -> Option<(Speed, Option<String>)> {
        if self.vitals.is_empty() {
            return None;
        }
        let speed = self.vitals.speed();
        let key = speed
            .inp_field
            .and_then(|i| self.fields.all().get(i))
            .map(|f| f.key.clone());
        Some((speed, key))
    }

    /// What the probe sees on this page, as the JSON text `JourneyProbe.snapshot()` parses:
    /// service, journey, page view, path as sent, and every field's key, form, origin, source,
    /// flags and counters — never a value. The journey id is the random one beacons carry.
    pub fn snapshot_json(&mut self, now: Now) -> String {
        self.tick(now);
        let journey = &self.journey;
        let forms = self.fields.forms();
        let summaries = self.form_summaries();
        let mut out = String::with_capacity(256 + 160 * self.fields.all().len());
        let step = self.step.as_ref().map(|(name, elapsed, active)| Step {
            name: name.clone(),
            ms: journey.clock.elapsed_ms - elapsed,
            active_ms: journey.clock.active_ms - active,
        });
        Object::open(&mut out)
            .str("service", self.config.service.as_str())
            .str("journey", journey.id.as_str())
            .bool("logged_in", journey.login_at.is_some())
            .bool("submitted", journey.submitted_at.is_some())
            .uint("page", journey.page_index().into())
            .str("path", &self.path)
            .opt_object("speed", self.speed(), |o, (speed, key)| {
                speed.write(o, |_| key.clone());
            })
            .object("clock", |c| {
                let clock = &journey.clock;
                c.opt_uint("since_login_ms", journey.since_login_ms())
                    .uint("active_ms", round_ms(clock.active_ms))
                    .uint("hidden_ms", round_ms(clock.hidden_ms))
                    .uint("blocked_ms", round_ms(clock.blocked_ms))
                    .uint("failed", clock.failed.into())
                    .uint("target_s", self.config.journey.target_seconds.into())
                    .array(
                        "steps",
                        journey.steps.iter().chain(step.as_ref()),
                        |o, s| {
                            o.str("name", &s.name)
                                .uint("ms", round_ms(s.ms))
                                .uint("active_ms", round_ms(s.active_ms));
                        },
                    );
            })
            .array("forms", forms.iter().zip(summaries), |o, (form, s)| {
                let all = self.fields.all();
                let blocked_by: Vec<String> = form
                    .blocked_by
                    .iter()
                    .filter_map(|&i| all.get(i).map(|f| f.key.clone()))
                    .collect();
                o.str("key", &form.key)
                    .uint("total", s.total.into())
                    .uint("prefilled", s.prefilled.into())
                    .uint("typed", s.typed.into())
                    .uint("overwritten", s.overwritten.into())
                    .uint("attempts", form.attempts.into())
                    .uint("blocked", form.blocked.into())
                    .strings("blocked_by", &blocked_by);
            })
            .array(
                "fields",
                self.fields.reported(),
                |o, (index, field, removed)| {
                    let c = field.rounded_counters(now.page_ms);
                    o.uint("index", index as u64)
                        .str("key", &field.key)
                        .str("form", forms.get(field.form).map_or("", |f| f.key.as_str()))
                        .str("origin", field.origin().as_str())
                        .opt_str("source", field.prefill_source.as_deref())
                        .bool("overwritten", field.overwritten())
                        .bool("locked", field.locked)
                        .bool("removed", removed)
                        .opt_uint("filled", field.filled_order.map(u64::from))
                        .uint("focus_ms", c.focus_ms)
                        .uint("visits", c.visits.into())
                        .opt_uint("hesitation_ms", c.hesitation_ms)
                        .uint("corrections", c.corrections.into())
                        .uint("pastes", c.pastes.into())
                        .uint("invalid", c.invalid.into());
                },
            );
        out
    }

    /// Applies a command. Returns the beacon to send at once, if the command calls for one
    /// (a successful submission is reported immediately: the citizen may close the tab next).
    pub fn command(&mut self, command: Command, now: Now, beacon_id: [u8; 8]) -> Option<Beacon> {
        self.tick(now);
        match command {
            Command::Mark(name) => {
                self.act(now);
                self.end_step(now);
                self.begin_step(name);
                None
            }
            Command::SetService(code) => {
                self.set_service(code, now, self.pending_journey_id);
                None
            }
            // The shell's business: they concern storage and delivery, not the journey.
            Command::Consent(_) | Command::OptOut => None,
            Command::AskSatisfaction => {
                self.survey_requested = true;
                None
            }
            Command::SurveyShown => {
                if self.journey.survey == SurveyState::NotAsked {
                    self.journey.survey = SurveyState::Shown;
                }
                None
            }
            Command::Rate(rating) => self.rate(rating, now, beacon_id),
            Command::Login => {
                if self.journey.login(now.epoch_ms) {
                    self.page_clock.start(&mut self.journey.clock, now.page_ms);
                }
                None
            }
            Command::Expired => {
                if !self.open_journey() {
                    return None; // nothing under way to expire
                }
                self.end_step(now);
                self.page_clock.stop(&mut self.journey.clock, now.page_ms);
                let mut beacon = self.beacon(Trigger::Expired, now, beacon_id);
                beacon.journey.outcome = Some(Outcome::Expired);
                beacon.journey.steps = self.journey.steps.clone();
                beacon.journey.last_field = self.journey.last_field.clone();
                // The next page starts the next journey, as after a submission, but logged out.
                let (next, _) = Journey::resume(
                    None,
                    &self.config.service,
                    JourneyId::from_random(self.pending_journey_id),
                );
                self.journey = Journey {
                    last_path: self.path.clone(),
                    ..next
                };
                self.begin_step(self.path.clone());
                self.view_start = now;
                Some(beacon)
            }
            Command::Submitted => {
                if !self.journey.submit(now.epoch_ms) {
                    return None;
                }
                self.end_step(now);
                self.page_clock.stop(&mut self.journey.clock, now.page_ms);
                // The question now concerns this journey, the latest submitted.
                self.journey.survey = SurveyState::NotAsked;
                self.journey.survey_of = None;
                let mut beacon = self.beacon(Trigger::Submitted, now, beacon_id);
                beacon.journey.steps = self.journey.steps.clone();
                Some(beacon)
            }
        }
    }

    /// Whether the satisfaction question should be shown now: asked by the portal, or
    /// `data-survey="on"` and a journey submitted; never twice for a journey.
    pub fn survey_due(&self) -> bool {
        let submitted = self.journey.submitted_at.is_some() || self.journey.survey_of.is_some();
        self.journey.survey == SurveyState::NotAsked
            && (self.survey_requested || (self.config.survey && submitted))
    }

    /// Records a rating (once per journey) and returns its beacon: the journey it concerns
    /// (the submitted one), the page it was given on, the score or the dismissal.
    fn rate(&mut self, rating: Rating, now: Now, beacon_id: [u8; 8]) -> Option<Beacon> {
        if !self.journey.survey.open() {
            return None; // answered or dismissed already
        }
        self.journey.survey = match rating {
            Rating::Dismissed => SurveyState::Dismissed,
            Rating::Score { .. } => SurveyState::Answered,
        };
        self.survey_requested = false;
        let mut beacon = self.beacon(Trigger::Rating, now, beacon_id);
        if let Some(of) = &self.journey.survey_of {
            beacon.journey = JourneySection {
                id: of.clone(),
                logged_in: true,
                since_login_ms: None,
                outcome: None,
                duration_ms: None,
                active_ms: None,
                hidden_ms: None,
                blocked_ms: None,
                failed: None,
                target_s: self.config.journey.target_seconds,
                met: None,
                last_field: None,
                steps: Vec::new(),
            };
        }
        beacon.fields = None;
        beacon.forms = Vec::new();
        beacon.page.speed = None;
        beacon.satisfaction = Some(rating);
        Some(beacon)
    }

    /// Applies what the page's own location says (`data-login-url`, `data-success-url`),
    /// matched against the raw `location.pathname`, which stays in the browser. Returns the
    /// beacon to send if the page confirms a successful submission.
    pub fn page_signals(&mut self, raw_path: &str, now: Now, beacon_id: [u8; 8]) -> Option<Beacon> {
        let journey = &self.config.journey;
        let login = journey
            .login_url
            .as_ref()
            .is_some_and(|p| p.matches(raw_path));
        let success = journey
            .success_url
            .as_ref()
            .is_some_and(|p| p.matches(raw_path));
        if login {
            self.command(Command::Login, now, beacon_id);
        }
        if success {
            return self.command(Command::Submitted, now, beacon_id);
        }
        None
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
        beacon_id: [u8; 8],
    ) -> Option<Beacon> {
        self.tick(now);
        self.vitals.hidden();
        if trigger == Trigger::Pagehide {
            self.end_step(now);
            // Left within 30 s of a submit: the next page is the server's answer to it.
            self.journey.via_submit = self
                .submitted_form_at
                .is_some_and(|t| now.page_ms - t < 30_000.0);
        }
        if self.sent_since_visible {
            return None;
        }
        self.sent_since_visible = true;
        Some(self.beacon(trigger, now, beacon_id))
    }

    fn beacon(&mut self, trigger: Trigger, now: Now, id: [u8; 8]) -> Beacon {
        let seq = self.journey.take_seq();
        let journey = &self.journey;
        let (fields, forms) = if self.fields.is_empty() {
            (None, Vec::new())
        } else {
            (Some(self.fields.counts()), self.form_reports(now))
        };
        Beacon {
            v: VERSION,
            id: BeaconId::from_random(id),
            seq,
            trigger,
            service: self.config.service.clone(),
            journey: JourneySection {
                id: journey.id.clone(),
                logged_in: journey.login_at.is_some(),
                since_login_ms: journey.since_login_ms(),
                outcome: journey.submitted_at.map(|_| Outcome::Submitted),
                duration_ms: journey.duration_ms(),
                active_ms: journey.login_at.map(|_| round_ms(journey.clock.active_ms)),
                hidden_ms: journey.login_at.map(|_| round_ms(journey.clock.hidden_ms)),
                blocked_ms: journey.login_at.map(|_| round_ms(journey.clock.blocked_ms)),
                failed: journey.login_at.map(|_| journey.clock.failed),
                target_s: self.config.journey.target_seconds,
                met: journey
                    .duration_ms()
                    .map(|d| d < u64::from(self.config.journey.target_seconds) * 1000),
                last_field: None,
                steps: Vec::new(),
            },
            page: PageSection {
                n: journey.page_index(),
                path: self.path.clone(),
                t_ms: round_ms(now.page_ms),
                speed: self.speed(),
            },
            fields,
            forms,
            ua: self.ua.clone(),
            dropped: 0,
            satisfaction: None,
        }
    }

    /// Per form (by index), its fields counted by what filled them: criterion 1 per form.
    fn form_summaries(&self) -> Vec<FormSummary> {
        let mut summaries = vec![FormSummary::default(); self.fields.forms().len()];
        for (_, field, _) in self.fields.reported() {
            if let Some(summary) = summaries.get_mut(field.form) {
                let origin = field.origin();
                summary.total += 1;
                summary.prefilled += u32::from(origin.is_prefill());
                summary.typed += u32::from(origin == crate::core::field::Origin::User);
                summary.overwritten += u32::from(field.overwritten());
            }
        }
        summaries
    }

    /// Per form, its attempts and up to [`MAX_REPORTED_FIELDS`] fields in all (in page
    /// order); the rest are counted as omitted.
    fn form_reports(&self, now: Now) -> Vec<FormReport> {
        let all = self.fields.all();
        let summaries = self.form_summaries();
        let mut reports: Vec<FormReport> = self
            .fields
            .forms()
            .iter()
            .zip(summaries)
            .map(|(form, summary)| FormReport {
                key: form.key.clone(),
                attempts: form.attempts,
                blocked: form.blocked,
                blocked_by: form
                    .blocked_by
                    .iter()
                    .filter_map(|&i| all.get(i))
                    .map(|f| f.key.clone())
                    .collect(),
                summary,
                fields: Vec::new(),
                omitted: 0,
            })
            .collect();
        let mut room = MAX_REPORTED_FIELDS;
        for (_, field, removed) in self.fields.reported() {
            let Some(report) = reports.get_mut(field.form) else {
                continue;
            };
            if room == 0 {
                report.omitted += 1;
                continue;
            }
            room -= 1;
            report.fields.push(FieldReport {
                key: field.key.clone(),
                origin: field.origin(),
                source: field.prefill_source.clone(),
                locked: field.locked,
                overwritten: field.overwritten(),
                removed,
                filled: field.filled_order,
                counters: field.rounded_counters(now.page_ms),
            });
        }
        reports.retain(|r| !r.fields.is_empty() || r.omitted > 0 || r.attempts > 0);
        reports
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::field::Origin;

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
            query: "",
            user_agent: CHROME,
            now: Now {
                epoch_ms,
                page_ms: 0.0,
            },
            random_journey_id: [0xab; 16],
            state: PageState {
                visible: true,
                focused: true,
            },
        })
    }

    fn at(epoch_ms: f64, page_ms: f64) -> Now {
        Now { epoch_ms, page_ms }
    }

    fn facts(name: &str, form: usize, position: usize) -> FieldFacts {
        FieldFacts::named(name, form, position)
    }

    fn typed(hash: u64) -> FieldEvent {
        FieldEvent::typed(hash)
    }

    #[test]
    fn one_hide_sends_one_beacon() {
        let mut probe = start(None, "/dich-vu/1.001234", T0);
        let first = probe.page_hidden(Trigger::Hidden, at(T0 + 5_000.0, 5_012.3), [1; 8]);
        assert!(first.is_some());
        assert!(probe
            .page_hidden(Trigger::Pagehide, at(T0 + 5_001.0, 5_013.0), [2; 8])
            .is_none());
        probe.page_visible();
        let second = probe
            .page_hidden(Trigger::Pagehide, at(T0 + 9_000.0, 9_000.0), [3; 8])
            .unwrap();
        assert_eq!((second.seq, second.page.t_ms), (1, 9_000));
    }

    #[test]
    fn a_journey_from_login_to_receipt() {
        // Login page: not logged in yet.
        let mut login_page = start(None, "/dang-nhap", T0);
        let b = login_page
            .page_hidden(Trigger::Pagehide, at(T0 + 3_000.0, 3_000.0), [1; 8])
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
        step1.command(Command::Login, at(T0 + 4_100.0, 100.0), [2; 8]);
        let form = step1.form_seen(FormFacts {
            id: Some("form-buoc-1".into()),
            name: None,
            position: Some(0),
        });
        let name = step1
            .field_seen(FieldFacts {
                prefill_source: Some("CSDLQG-DC".into()),
                has_value: true,
                locked: true,
                ..facts("ho_ten", form, 0)
            })
            .unwrap()
            .index;
        let phone = step1
            .field_seen(facts("so_dien_thoai", form, 1))
            .unwrap()
            .index;
        step1.field_event(phone, FieldEvent::Focus, at(T0 + 10_000.0, 6_000.0));
        assert!(step1.field_event(phone, typed(1), at(T0 + 12_000.0, 8_000.0)));
        step1.field_event(phone, FieldEvent::Blur, at(T0 + 20_000.0, 16_000.0));
        step1.form_submitted(form, at(T0 + 64_000.0, 60_000.0));
        let b = step1
            .page_hidden(Trigger::Pagehide, at(T0 + 64_100.0, 60_100.0), [3; 8])
            .unwrap();
        assert_eq!((name, phone), (0, 1));
        assert_eq!(b.page.path, "/dich-vu/1.001234/buoc-1");
        assert_eq!(
            (b.seq, b.page.n, b.journey.since_login_ms),
            (1, 1, Some(60_000))
        );
        let counts = b.fields.unwrap();
        assert_eq!(
            (
                counts.total,
                counts.of(Origin::Declared),
                counts.of(Origin::User)
            ),
            (2, 1, 1)
        );
        let form = &b.forms[0];
        assert_eq!(
            (form.key.as_str(), form.attempts, form.blocked),
            ("form-buoc-1", 1, 0)
        );
        let phone = &form.fields[1];
        assert_eq!(
            (phone.key.as_str(), phone.origin, phone.filled),
            ("so_dien_thoai", Origin::User, Some(0))
        );
        assert_eq!(
            (phone.counters.focus_ms, phone.counters.hesitation_ms),
            (10_000, Some(2_000))
        );
        assert!(form.fields[0].locked);
        assert_eq!(step1.journey().typed, ["so_dien_thoai"]);

        // Receipt: the dossier code in the path is scrubbed; submission ends the journey at once.
        let mut receipt = start(
            Some(step1.journey().clone()),
            "/dich-vu/1.001234/bien-nhan/H99.12-261122-0001",
            T0 + 200_000.0,
        );
        let b = receipt
            .command(Command::Submitted, at(T0 + 200_040.0, 40.0), [4; 8])
            .unwrap();
        assert_eq!(b.trigger, Trigger::Submitted);
        assert_eq!(b.page.path, "/dich-vu/1.001234/bien-nhan/:id");
        assert_eq!(
            (b.journey.outcome, b.journey.duration_ms),
            (Some(Outcome::Submitted), Some(195_900))
        );
        assert_eq!(
            (b.fields, b.forms.len()),
            (None, 0),
            "a page without fields reports none"
        );
        assert!(receipt
            .command(Command::Submitted, at(T0 + 200_050.0, 50.0), [5; 8])
            .is_none());
        assert_eq!(
            b.journey.id,
            login_page.journey().id,
            "one journey from login page to receipt"
        );
    }

    #[test]
    fn a_beacon_describes_at_most_a_hundred_fields_and_counts_the_rest() {
        let mut probe = start(None, "/many", T0);
        let form = probe.form_seen(FormFacts {
            id: None,
            name: None,
            position: Some(0),
        });
        for i in 0..2_000 {
            probe.field_seen(facts(&format!("f{i}"), form, i));
        }
        let b = probe
            .page_hidden(Trigger::Pagehide, at(T0, 1.0), [1; 8])
            .unwrap();
        assert_eq!(b.fields.unwrap().total, 2_000);
        assert_eq!(
            (b.forms[0].fields.len(), b.forms[0].omitted),
            (MAX_REPORTED_FIELDS, 1_900)
        );
        assert!(b.to_json().len() < 8 * 1024, "{}", b.to_json().len());
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
        probe.command(Command::Login, now.at_epoch(T0 + 300.0), [1; 8]);
        assert_eq!(probe.journey().login_at, Some(T0 + 300.0));
    }

    #[test]
    fn the_snapshot_lists_fields_without_values() {
        let mut probe = start(None, "/dich-vu/1.001234/buoc-1?cccd=001190012345", T0);
        let form = probe.form_seen(FormFacts {
            id: Some("f".into()),
            name: None,
            position: Some(0),
        });
        probe.field_seen(FieldFacts {
            prefill_source: Some("CSDLQG-DC".into()),
            has_value: true,
            value_hash: 0x5eed,
            ..facts("ho_ten", form, 0)
        });
        let json = probe.snapshot_json(at(T0, 10.0));
        assert_eq!(
            json,
            format!(
                r#"{{"service":"1.001234","journey":"{}","logged_in":false,"submitted":false,"page":0,"path":"/dich-vu/1.001234/buoc-1","clock":{{"active_ms":0,"hidden_ms":0,"blocked_ms":0,"failed":0,"target_s":300,"steps":[{{"name":"/dich-vu/1.001234/buoc-1","ms":0,"active_ms":0}}]}},"forms":[{{"key":"f","total":1,"prefilled":1,"typed":0,"overwritten":0,"attempts":0,"blocked":0,"blocked_by":[]}}],"fields":[{{"index":0,"key":"ho_ten","form":"f","origin":"declared","source":"CSDLQG-DC","overwritten":false,"locked":false,"removed":false,"focus_ms":0,"visits":0,"corrections":0,"pastes":0,"invalid":0}}]}}"#,
                "ababebabafababebabafababebabafab"
            )
        );
        assert!(
            !json.contains(&0x5eed.to_string()),
            "the value's hash stays inside"
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_snapshot_shows_the_clock_running_and_the_step_under_way() {
        let mut first = start(None, "/dich-vu/1.001234/buoc-1", T0);
        first.command(Command::Login, at(T0 + 1_000.0, 1_000.0), [1; 8]);
        first.page_hidden(Trigger::Pagehide, at(T0 + 31_000.0, 31_000.0), [2; 8]);
        let mut second = start(
            Some(first.journey().clone()),
            "/dich-vu/1.001234/buoc-2",
            T0 + 31_000.0,
        );
        let json = second.snapshot_json(at(T0 + 96_040.0, 65_040.0));
        let clock: serde_json::Value =
            serde_json::from_str::<serde_json::Value>(&json).unwrap()["clock"].clone();
        assert_eq!(clock["since_login_ms"], 95_000, "{clock}");
        assert_eq!(clock["target_s"], 300);
        assert_eq!(
            clock["steps"],
            serde_json::json!([
                {"name": "/dich-vu/1.001234/buoc-1", "ms": 30_000, "active_ms": 30_000},
                {"name": "/dich-vu/1.001234/buoc-2", "ms": 65_000, "active_ms": 65_000}
            ]),
            "the finished step and the one under way"
        );
    }

    #[test]
    fn a_page_after_a_submission_is_no_journey_until_the_citizen_begins_one() {
        let mut form = start(None, "/dich-vu/1.001234/buoc-3", T0);
        form.command(Command::Login, at(T0, 10.0), [1; 8]);
        let end = form
            .command(Command::Submitted, at(T0 + 60_000.0, 60_000.0), [2; 8])
            .unwrap();
        assert_eq!(end.journey.duration_ms, Some(60_000));
        form.page_hidden(Trigger::Pagehide, at(T0 + 61_000.0, 61_000.0), [3; 8]);
        // The receipt: the next journey, which the citizen has not begun.
        let mut receipt = start(
            Some(form.journey().clone()),
            "/dich-vu/1.001234/bien-nhan/x",
            T0 + 61_500.0,
        );
        assert!(
            receipt
                .command(Command::Submitted, at(T0 + 62_000.0, 500.0), [4; 8])
                .is_none(),
            "a submission signal on it (the receipt reloaded) ends nothing"
        );
        let left = receipt
            .page_hidden(Trigger::Pagehide, at(T0 + 90_000.0, 28_500.0), [5; 8])
            .unwrap();
        assert_eq!(
            (left.journey.logged_in, left.journey.since_login_ms),
            (false, None),
            "not a started journey"
        );
        // Forty minutes later the citizen opens the service again: nothing was abandoned.
        let back = T0 + 90_000.0 + 40.0 * 60_000.0;
        let mut again = start(
            Some(receipt.journey().clone()),
            "/dich-vu/1.001234/buoc-1",
            back,
        );
        assert!(again.take_abandoned([6; 8]).is_none());
        let hidden = again
            .page_hidden(Trigger::Hidden, at(back + 5_000.0, 5_000.0), [7; 8])
            .unwrap();
        assert!(!hidden.journey.logged_in, "reading is not beginning");
        again.page_visible();
        // Typing begins it, counted from the start of this page view.
        let form_index = again.form_seen(FormFacts {
            id: None,
            name: None,
            position: Some(0),
        });
        let field = again
            .field_seen(facts("so_dien_thoai", form_index, 0))
            .unwrap()
            .index;
        assert!(
            again.field_event(field, typed(7), at(back + 20_000.0, 20_000.0)),
            "the shell stores the journey that began"
        );
        let step1 = again
            .page_hidden(Trigger::Pagehide, at(back + 50_000.0, 50_000.0), [8; 8])
            .unwrap();
        assert_eq!(
            (step1.journey.logged_in, step1.journey.since_login_ms),
            (true, Some(50_000))
        );
        let mut step2 = start(
            Some(again.journey().clone()),
            "/dich-vu/1.001234/buoc-2",
            back + 51_000.0,
        );
        let done = step2
            .command(Command::Submitted, at(back + 80_000.0, 29_000.0), [9; 8])
            .unwrap();
        let steps: Vec<(&str, u64)> = done
            .journey
            .steps
            .iter()
            .map(|s| (s.name.as_str(), round_ms(s.ms)))
            .collect();
        assert_eq!(
            steps,
            [
                ("/dich-vu/1.001234/buoc-1", 50_000),
                ("/dich-vu/1.001234/buoc-2", 30_000)
            ],
            "the receipt page's empty step is no part of it (loading a page is part of its step)"
        );
        assert_eq!(done.journey.duration_ms, Some(80_000));
    }

    #[test]
    fn the_satisfaction_question_concerns_the_submitted_journey_and_is_asked_once() {
        let mut form = start(None, "/dich-vu/1.001234/buoc-3", T0);
        form.config.survey = true;
        form.command(Command::Login, at(T0, 10.0), [1; 8]);
        assert!(!form.survey_due(), "nothing submitted yet");
        form.command(Command::Submitted, at(T0 + 60_000.0, 60_000.0), [2; 8]);
        assert!(form.survey_due());
        let submitted = form.journey().id.clone();
        // The receipt page belongs to the next journey; the question still concerns this one.
        let mut receipt = start(
            Some(form.journey().clone()),
            "/dich-vu/1.001234/bien-nhan/x",
            T0 + 61_000.0,
        );
        receipt.config.survey = true;
        assert_eq!(receipt.journey().survey_of.as_ref(), Some(&submitted));
        assert!(receipt.survey_due());
        receipt.command(Command::SurveyShown, at(T0 + 62_000.0, 1_000.0), [3; 8]);
        assert!(!receipt.survey_due(), "shown: never shown again");
        let rating = Rating::parse("2:too_slow").unwrap();
        let b = receipt
            .command(
                Command::Rate(rating.clone()),
                at(T0 + 70_000.0, 9_000.0),
                [4; 8],
            )
            .unwrap();
        assert_eq!((b.trigger, &b.journey.id), (Trigger::Rating, &submitted));
        assert_eq!(b.satisfaction, Some(rating));
        assert!(b
            .to_json()
            .contains(r#""satisfaction":{"answered":true,"score":2,"reasons":["too_slow"]}"#));
        assert!(
            receipt
                .command(
                    Command::Rate(Rating::Dismissed),
                    at(T0 + 71_000.0, 10_000.0),
                    [5; 8]
                )
                .is_none(),
            "one rating per journey"
        );
        // Without data-survey, the portal asks when it likes; a dismissal is no answer.
        let mut own = start(None, "/x", T0);
        assert!(!own.survey_due());
        own.command(Command::AskSatisfaction, at(T0, 1.0), [6; 8]);
        assert!(own.survey_due());
        let d = own
            .command(Command::Rate(Rating::Dismissed), at(T0, 2.0), [7; 8])
            .unwrap();
        assert!(d.to_json().contains(r#""satisfaction":{"answered":false}"#));
        assert_eq!(
            Command::parse("rate", Some("7")).unwrap_err().to_string(),
            RATE_ACCEPTED
        );
    }

    #[test]
    fn url_patterns_start_and_end_the_journey() {
        let config = Config::from_attributes([
            ("data-collector", "/c"),
            ("data-service", "1.001234"),
            ("data-login-url", "/dich-vu/*/buoc-1"),
            ("data-success-url", "/dich-vu/*/bien-nhan/*"),
        ])
        .unwrap();
        let page = |stored, path, epoch_ms| {
            Probe::start(PageStart {
                config: config.clone(),
                stored,
                path,
                query: "",
                user_agent: CHROME,
                now: at(epoch_ms, 0.0),
                random_journey_id: [1; 16],
                state: PageState {
                    visible: true,
                    focused: true,
                },
            })
        };
        let mut info = page(None, "/dich-vu/1.001234", T0);
        assert!(info
            .page_signals("/dich-vu/1.001234", at(T0, 5.0), [1; 8])
            .is_none());
        assert_eq!(info.journey().login_at, None);
        let mut step1 = page(
            Some(info.journey().clone()),
            "/dich-vu/1.001234/buoc-1",
            T0 + 995.0,
        );
        assert!(step1
            .page_signals("/dich-vu/1.001234/buoc-1", at(T0 + 1_000.0, 5.0), [2; 8])
            .is_none());
        assert_eq!(step1.journey().login_at, Some(T0 + 1_000.0));
        let path = "/dich-vu/1.001234/bien-nhan/H99.12-261122-0001";
        let mut receipt = page(Some(step1.journey().clone()), path, T0 + 180_995.0);
        let b = receipt
            .page_signals(path, at(T0 + 181_000.0, 5.0), [3; 8])
            .unwrap();
        assert_eq!(
            (b.trigger, b.journey.duration_ms),
            (Trigger::Submitted, Some(180_000))
        );
        assert!(
            receipt
                .page_signals(path, at(T0 + 182_000.0, 5.0), [4; 8])
                .is_none(),
            "once"
        );
    }

    #[test]
    fn commands_have_names_and_unknown_ones_say_what_is_accepted() {
        assert_eq!(Command::parse("login", None), Ok(Command::Login));
        assert_eq!(
            Command::parse("submitted", Some("x")),
            Ok(Command::Submitted)
        );
        assert_eq!(
            Command::parse("mark", Some("xac-nhan")),
            Ok(Command::Mark("xac-nhan".into()))
        );
        assert_eq!(
            Command::parse("setService", Some("2.002154")),
            Ok(Command::SetService(ServiceCode::parse("2.002154").unwrap()))
        );
        let err = Command::parse("logn", None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown command \"logn\": accepted commands are login, submitted, mark, setService, expired, consent, optOut, askSatisfaction, rate"
        );
        for bad in [
            None,
            Some(""),
            Some("Nguyễn Văn A"),
            Some("buoc 2"),
            Some("001190012345"),
            Some("nguyen-van-an"),
            Some("TranThiBinh"),
            Some("ngay-15-08"),
        ] {
            let err = Command::parse("mark", bad).unwrap_err();
            assert!(
                err.to_string().starts_with("mark needs a step name"),
                "{bad:?}"
            );
        }
        assert!(Command::parse("setService", Some("a/b"))
            .unwrap_err()
            .to_string()
            .starts_with("setService needs"));
    }

    #[test]
    fn steps_are_timed_across_page_loads_spa_views_and_marks() {
        let mut login = start(None, "/dang-nhap", T0);
        login.command(Command::Login, at(T0 + 1_000.0, 1_000.0), [1; 8]);
        login.page_hidden(Trigger::Pagehide, at(T0 + 11_000.0, 11_000.0), [2; 8]);
        // A single-page portal: the form at /dich-vu/1.001234, an in-page view, a marked step.
        let mut app = start(
            Some(login.journey().clone()),
            "/dich-vu/1.001234",
            T0 + 11_500.0,
        );
        app.navigated(
            "/dich-vu/1.001234/buoc-2",
            "",
            at(T0 + 41_500.0, 30_000.0),
            [3; 8],
        );
        app.command(
            Command::Mark("xac-nhan".into()),
            at(T0 + 101_500.0, 90_000.0),
            [4; 8],
        );
        let end = app
            .command(Command::Submitted, at(T0 + 121_500.0, 110_000.0), [5; 8])
            .unwrap();
        let steps: Vec<(&str, u64)> = end
            .journey
            .steps
            .iter()
            .map(|s| (s.name.as_str(), round_ms(s.ms)))
            .collect();
        assert_eq!(
            steps,
            [
                ("/dang-nhap", 10_000),
                ("/dich-vu/1.001234", 30_500),
                ("/dich-vu/1.001234/buoc-2", 60_000),
                ("xac-nhan", 20_000)
            ]
        );
        assert_eq!(end.journey.duration_ms, Some(120_500));
        assert_eq!(
            steps.iter().map(|s| s.1).sum::<u64>(),
            120_500,
            "the steps add up to the journey"
        );
        assert_eq!((end.journey.target_s, end.journey.met), (300, Some(true)));
        let json = end.to_json();
        assert!(
            json.contains(r#""steps":[{"name":"/dang-nhap","ms":10000"#),
            "{json}"
        );
    }

    #[test]
    fn refused_submissions_are_counted_once_each() {
        let mut step = start(None, "/dich-vu/1.001234/buoc-2", T0);
        step.command(Command::Login, at(T0, 1.0), [1; 8]);
        let form = step.form_seen(FormFacts {
            id: None,
            name: None,
            position: Some(0),
        });
        let a = step.field_seen(facts("so_luong", form, 0)).unwrap().index;
        let b = step.field_seen(facts("muc_dich", form, 1)).unwrap().index;
        step.field_event(a, FieldEvent::Invalid, at(T0 + 1_000.0, 1_000.0));
        step.field_event(b, FieldEvent::Invalid, at(T0 + 1_000.0, 1_000.0));
        let beacon = step
            .page_hidden(Trigger::Pagehide, at(T0 + 5_000.0, 5_000.0), [2; 8])
            .unwrap();
        assert_eq!(
            (beacon.journey.failed, beacon.journey.blocked_ms),
            (Some(1), Some(4_000))
        );
        // The server sends the form back with errors: a second refusal.
        let mut again = start(
            Some(step.journey().clone()),
            "/dich-vu/1.001234/buoc-2",
            T0 + 6_000.0,
        );
        let form = again.form_seen(FormFacts {
            id: None,
            name: None,
            position: Some(0),
        });
        again.field_seen(FieldFacts {
            invalid: true,
            has_value: true,
            ..facts("so_luong", form, 0)
        });
        let beacon = again
            .page_hidden(Trigger::Pagehide, at(T0 + 9_000.0, 3_000.0), [3; 8])
            .unwrap();
        assert_eq!(beacon.journey.failed, Some(2));
    }

    #[test]
    fn back_to_a_tab_hidden_past_the_timeout_is_a_new_journey() {
        let mut page = start(None, "/dich-vu/1.001234/buoc-1", T0);
        page.command(Command::Login, at(T0, 1.0), [1; 8]);
        let first = page.journey().id.clone();
        page.page_state(
            PageState {
                visible: false,
                focused: false,
            },
            at(T0 + 60_000.0, 60_000.0),
        );
        page.provide_journey_id([7; 16]);
        page.page_state(
            PageState {
                visible: true,
                focused: true,
            },
            at(T0 + 60_000.0 + 31.0 * 60_000.0, 61_000.0),
        );
        let gone = page.take_abandoned([2; 8]).unwrap();
        assert_eq!(
            (gone.journey.id, gone.journey.outcome),
            (first, Some(Outcome::Abandoned))
        );
        assert_eq!(page.journey().id, JourneyId::from_random([7; 16]));
        assert!(
            page.journey().waiting() && !page.journey().clock.running,
            "the next journey begins when the citizen goes on"
        );
    }

    #[test]
    fn the_portal_can_end_a_journey_as_expired() {
        let mut page = start(None, "/dich-vu/1.001234/buoc-2", T0);
        page.command(Command::Login, at(T0, 0.0), [1; 8]);
        let first = page.journey().id.clone();
        page.provide_journey_id([5; 16]);
        let b = page
            .command(Command::Expired, at(T0 + 90_000.0, 90_000.0), [2; 8])
            .unwrap();
        assert_eq!(
            (b.trigger, b.journey.outcome, b.journey.since_login_ms),
            (Trigger::Expired, Some(Outcome::Expired), Some(90_000))
        );
        assert_eq!((b.journey.id, b.journey.duration_ms), (first, None));
        assert_eq!(page.journey().id, JourneyId::from_random([5; 16]));
        assert!(
            page.journey().login_at.is_none(),
            "the citizen must log in again"
        );
        assert!(
            page.command(Command::Expired, at(T0 + 91_000.0, 91_000.0), [3; 8])
                .is_none(),
            "once"
        );
    }

    #[test]
    fn set_service_starts_another_journey() {
        let mut catalogue = start(None, "/dich-vu", T0);
        catalogue.command(Command::Login, at(T0 + 500.0, 500.0), [1; 8]);
        let first = catalogue.journey().id.clone();
        catalogue.provide_journey_id([9; 16]);
        catalogue.command(
            Command::SetService(ServiceCode::parse("2.002154").unwrap()),
            at(T0 + 9_000.0, 9_000.0),
            [2; 8],
        );
        assert_ne!(catalogue.journey().id, first);
        assert_eq!(catalogue.journey().id, JourneyId::from_random([9; 16]));
        assert_eq!(catalogue.config().service.as_str(), "2.002154");
        assert!(
            catalogue.journey().waiting(),
            "still logged in: the journey begins when the citizen does something in it"
        );
    }

    #[test]
    fn a_journey_idle_past_the_timeout_is_reported_abandoned_where_it_stopped() {
        let mut step = start(None, "/dich-vu/1.001234/buoc-2", T0);
        step.command(Command::Login, at(T0 + 100.0, 100.0), [1; 8]);
        let field = step.form_seen(FormFacts {
            id: None,
            name: None,
            position: Some(0),
        });
        let muc_dich = step.field_seen(facts("muc_dich", field, 0)).unwrap().index;
        step.field_event(muc_dich, FieldEvent::Focus, at(T0 + 5_000.0, 5_000.0));
        step.page_hidden(Trigger::Pagehide, at(T0 + 60_100.0, 60_100.0), [2; 8]);
        // The citizen comes back to the tab 31 minutes later.
        let mut back = start(
            Some(step.journey().clone()),
            "/dich-vu/1.001234/buoc-2",
            T0 + 60_100.0 + 31.0 * 60_000.0,
        );
        let gone = back.take_abandoned([3; 8]).unwrap();
        assert_eq!(
            (gone.trigger, gone.journey.outcome),
            (Trigger::Abandoned, Some(Outcome::Abandoned))
        );
        assert_eq!(gone.journey.id, step.journey().id);
        assert_eq!(gone.page.path, "/dich-vu/1.001234/buoc-2");
        assert_eq!(gone.journey.last_field.as_deref(), Some("muc_dich"));
        assert_eq!(gone.journey.since_login_ms, Some(60_000));
        assert!(back.take_abandoned([4; 8]).is_none(), "reported once");
        assert_eq!(
            (
                back.journey().next_seq,
                back.journey().pages,
                back.journey().steps.len()
            ),
            (0, 1, 0),
            "a new journey"
        );
    }
}
