//! One browser tab running the probe, mirrored at the level the report sees: which journey
//! each page view belongs to, the beacons it sends (`hidden`, `pagehide`, `submitted`,
//! `abandoned`, `expired`, `rating`), their `seq` and `page.n`, the journey clock and the
//! steps. The rules are the probe's (`src/core/probe.rs`, `src/core/journey.rs`) as the
//! beacon contract states them; the generator drives a `Tab` like a citizen would.

use super::calendar::MINUTE_MS;
use super::model::{
    Beacon, Form, JourneyClock, JourneySection, Outcome, Rating, Speed, Step, Trigger, Ua,
};
use super::rng::Rng;

/// The probe's idle timeout: a logged-in journey left this long is abandoned.
pub const IDLE_MS: i64 = 30 * MINUTE_MS;

/// A beacon as the tab sent it.
#[derive(Debug, Clone)]
pub struct Sent {
    pub beacon: Beacon,
    /// Tab time it was sent, epoch ms.
    pub at: i64,
    /// Sent as its page was left: the probe sends it again with the next page's first request.
    pub leaves_page: bool,
}

/// What the generator meant a journey to be (checked against what the oracle derives).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    /// Never logged in (seen only).
    NeverStarted,
    /// Started, still under way when the script ended.
    Open,
    Submitted,
    Expired,
    /// The probe reported it abandoned (the citizen came back after the timeout).
    AbandonedReported,
    /// Started, then the tab was closed for good.
    Closed,
}

/// A journey of the tab and what became of it.
#[derive(Debug, Clone)]
pub struct JourneyTruth {
    pub id: String,
    pub service: &'static str,
    pub truth: Truth,
    /// Its duration, when submitted.
    pub duration_ms: Option<i64>,
}

#[derive(Debug, Clone)]
struct Journey {
    id: String,
    service: &'static str,
    /// The journey clock's start.
    login_at: Option<i64>,
    /// The tab's next journey (after a submission, an idle timeout, on another service's page):
    /// it waits for the citizen's first action and begins with its clock from that page
    /// view's start.
    next: bool,
    /// Duration and the clock frozen at the submission.
    submitted: Option<(i64, JourneyClock)>,
    rated: bool,
    next_seq: i64,
    pages: i64,
    steps: Vec<Step>,
    active_done: i64,
    hidden_done: i64,
    blocked_done: i64,
    failed: i64,
    last_field: Option<String>,
    last_path: String,
    last_leave: Option<i64>,
    last_activity: i64,
    /// The clock when its page was discarded while hidden (an abandoned journey's figures).
    frozen: Option<JourneyClock>,
    /// The submitted journey whose rating may still come on this journey's pages.
    survey_of: Option<String>,
    truth: usize,
}

#[derive(Debug, Clone)]
struct Page {
    path: String,
    start: i64,
    /// Where this page's step began on the journey clock (the previous page's leave).
    step_from: i64,
    step_open: bool,
    hidden_ms: i64,
    hidden_since: Option<i64>,
    sent_since_visible: bool,
    /// Reloaded after a refused submission: the citizen is blocked on it.
    blocked: bool,
    submitted_here: bool,
    forms: Vec<Form>,
    speed: Option<Speed>,
}

/// A tab.
#[derive(Debug)]
pub struct Tab {
    pub portal: &'static str,
    ua: Ua,
    target_s: i64,
    ids: Rng,
    /// Tab time, epoch ms (a multiple of 100).
    pub now: i64,
    journey: Journey,
    page: Option<Page>,
    pub sent: Vec<Sent>,
    pub truths: Vec<JourneyTruth>,
}

impl Tab {
    /// A tab opening at `start` on `service`'s pages, no journey stored yet.
    pub fn new(portal: &'static str, ua: Ua, start: i64, service: &'static str, ids: Rng) -> Tab {
        assert_eq!(start % 100, 0);
        let mut tab = Tab {
            portal,
            ua,
            target_s: 300,
            ids,
            now: start,
            journey: blank_journey(),
            page: None,
            sent: Vec::new(),
            truths: Vec::new(),
        };
        tab.journey = tab.new_journey(service, false);
        tab
    }

    fn new_journey(&mut self, service: &'static str, next: bool) -> Journey {
        let id = self.ids.hex_id(32);
        self.truths.push(JourneyTruth {
            id: id.clone(),
            service,
            truth: Truth::NeverStarted,
            duration_ms: None,
        });
        Journey {
            id,
            service,
            next,
            last_activity: self.now,
            truth: self.truths.len() - 1,
            ..blank_journey()
        }
    }

    /// Time passes (a multiple of 100 ms).
    pub fn wait(&mut self, ms: i64) {
        assert!(ms >= 0 && ms % 100 == 0, "wait {ms}");
        self.now += ms;
    }

    /// The current journey's clock start, if it has started.
    pub fn login_at(&self) -> Option<i64> {
        self.journey.login_at
    }

    /// Whether the current journey has logged in and not ended.
    pub fn journey_open(&self) -> bool {
        self.journey.login_at.is_some() && self.journey.submitted.is_none()
    }

    /// Whether a submitted journey still waits for its rating on this page.
    pub fn rating_due(&self) -> bool {
        let here = self.page.as_ref().is_some_and(|p| p.submitted_here) && !self.journey.rated;
        here || self.journey.survey_of.is_some()
    }

    /// A page loads. Decides its journey as the probe does: after a submission the tab's next
    /// journey; after the idle timeout, the old one is reported abandoned and the next begins;
    /// another service's page begins another journey.
    pub fn open(&mut self, path: String, service: &'static str) {
        assert!(self.page.is_none(), "open {path} while a page is loaded");
        let old = &self.journey;
        if old.submitted.is_some() {
            let survey_of = (!old.rated).then(|| old.id.clone());
            self.journey = self.new_journey(service, true);
            self.journey.survey_of = survey_of;
        } else if old.login_at.is_some() && self.now - old.last_activity > IDLE_MS {
            self.send_abandoned();
            self.journey = self.new_journey(service, true);
        } else if old.service != service {
            // Another service's page: another journey, a "next" one if the citizen is logged
            // in (the old one started, or was itself a next journey).
            if old.login_at.is_some() {
                self.truths[old.truth].truth = Truth::Closed;
            }
            let next = old.login_at.is_some() || old.next;
            self.journey = self.new_journey(service, next);
        }
        let j = &mut self.journey;
        j.pages += 1;
        j.last_path = path.clone();
        j.last_activity = self.now;
        self.page = Some(Page {
            path,
            start: self.now,
            step_from: j.last_leave.unwrap_or(self.now),
            step_open: true,
            hidden_ms: 0,
            hidden_since: None,
            sent_since_visible: false,
            blocked: false,
            submitted_here: false,
            forms: Vec::new(),
            speed: None,
        });
    }

    /// The page view was reached again after a refused submission: the citizen is blocked.
    pub fn mark_blocked(&mut self) {
        self.page_mut().blocked = true;
    }

    /// A submission on this page was refused by validation.
    pub fn refused(&mut self) {
        self.journey.failed += 1;
    }

    /// The portal says the citizen logged in: the journey clock starts.
    pub fn login(&mut self) {
        let j = &mut self.journey;
        if j.login_at.is_none() && j.submitted.is_none() {
            j.login_at = Some(self.now);
            self.truths[j.truth].truth = Truth::Open;
        }
        j.last_activity = self.now;
    }

    /// The citizen focused a field (`typed`: and typed or picked in it). A waiting journey
    /// begins with the first field typed in.
    pub fn touch(&mut self, key: &str, typed: bool) {
        if typed {
            self.act();
        }
        let j = &mut self.journey;
        j.last_field = Some(key.to_string());
        j.last_activity = self.now;
    }

    /// The citizen submitted a form on this page: an action that begins a waiting journey,
    /// like typing.
    pub fn form_submitted(&mut self) {
        self.act();
        self.journey.last_activity = self.now;
    }

    /// The citizen did something that belongs to a journey: the tab's next journey, waiting
    /// for that, begins — its clock from this page view's start, without the pages it waited
    /// on (no steps, no last field).
    fn act(&mut self) {
        let start = self.page().start;
        let j = &mut self.journey;
        if j.next && j.login_at.is_none() && j.submitted.is_none() {
            assert_eq!(j.steps.iter().map(|s| s.ms).sum::<i64>(), 0);
            j.steps.clear();
            j.last_field = None;
            j.login_at = Some(start);
            self.truths[j.truth].truth = Truth::Open;
        }
    }

    /// What the page holds now (the next beacon's cumulative snapshot).
    pub fn content(&mut self, forms: Vec<Form>, speed: Option<Speed>) {
        let page = self.page_mut();
        page.forms = forms;
        page.speed = speed;
    }

    /// The tab is hidden: one beacon per visible period.
    pub fn hide(&mut self) {
        self.journey.last_activity = self.now;
        let now = self.now;
        let page = self.page_mut();
        page.hidden_since = Some(now);
        if !page.sent_since_visible {
            page.sent_since_visible = true;
            self.send_page(Trigger::Hidden, false);
        }
    }

    /// The tab is visible again.
    pub fn show(&mut self) {
        let now = self.now;
        let clock_start = self.clock_start();
        let page = self.page_mut();
        if let Some(since) = page.hidden_since.take() {
            page.hidden_ms += overlap(since, now, clock_start);
        }
        page.sent_since_visible = false;
        self.journey.last_activity = now;
    }

    /// The page is left (navigation, or the tab closed): `pagehide` unless a beacon already
    /// went out since it was last visible; its step ends.
    pub fn leave(&mut self) {
        if !self.page().sent_since_visible {
            self.page_mut().sent_since_visible = true;
            self.send_page(Trigger::Pagehide, true);
        }
        if self.page().step_open {
            self.close_step();
        }
        self.journey.last_leave = Some(self.now);
        self.journey.last_activity = self.now;
        self.page = None;
    }

    /// The tab is closed for good: the page is left and nothing more is sent.
    pub fn close(&mut self) {
        if self.page.is_some() {
            self.leave();
        }
        let j = &self.journey;
        if j.login_at.is_some() && j.submitted.is_none() {
            self.truths[j.truth].truth = Truth::Closed;
        }
    }

    /// The hidden page is discarded (the browser froze the tab): nothing is sent, its step is
    /// not closed; the journey keeps the clock it had when hidden.
    pub fn discard(&mut self) {
        let page = self.page().clone();
        let at = page.hidden_since.expect("discard a hidden page");
        self.journey.frozen = Some(self.clock_at(at));
        self.page = None;
    }

    /// A successful submission on this page view: `submitted` at once, with the steps.
    pub fn submit(&mut self) {
        assert!(self.journey_open(), "submit without an open journey");
        self.close_step();
        let j = &mut self.journey;
        let login = j.login_at.unwrap();
        let duration = self.now - login;
        let clock = JourneyClock {
            since_login_ms: duration,
            active_ms: j.active_done,
            hidden_ms: j.hidden_done,
            blocked_ms: j.blocked_done,
            failed: j.failed,
        };
        assert_eq!(
            j.steps.iter().map(|s| s.ms).sum::<i64>(),
            duration,
            "the steps add up to the duration"
        );
        assert_eq!(
            j.steps.iter().map(|s| s.active_ms).sum::<i64>(),
            j.active_done
        );
        j.submitted = Some((duration, clock));
        let truth = &mut self.truths[j.truth];
        truth.truth = Truth::Submitted;
        truth.duration_ms = Some(duration);
        self.page_mut().submitted_here = true;
        let mut beacon = self.page_beacon(Trigger::Submitted);
        beacon.journey.steps = self.journey.steps.clone();
        self.push(beacon, false);
    }

    /// The portal ends the journey as expired: `expired` with the steps, the last field and the
    /// page's fields; the page now belongs to the tab's next journey, logged out (the citizen
    /// logs in again to begin it).
    pub fn expire(&mut self) {
        assert!(self.journey_open(), "expire without an open journey");
        self.close_step();
        let mut beacon = self.page_beacon(Trigger::Expired);
        beacon.journey.outcome = Some(Outcome::Expired);
        beacon.journey.steps = self.journey.steps.clone();
        beacon.journey.last_field = self.journey.last_field.clone();
        self.push(beacon, false);
        self.truths[self.journey.truth].truth = Truth::Expired;
        let service = self.journey.service;
        let path = self.page().path.clone();
        self.journey = self.new_journey(service, false);
        self.journey.pages = 1;
        self.journey.last_path = path;
        let now = self.now;
        let page = self.page_mut();
        page.step_from = now;
        page.step_open = true;
        page.blocked = false;
        page.hidden_ms = 0;
    }

    /// The citizen answers (or dismisses) the satisfaction question: on the submission's own
    /// page view the beacon carries the submitted journey's section; on a later page only its
    /// id, with this page's `seq`, `page.n` and path.
    pub fn rate(&mut self, rating: Rating) {
        assert!(self.rating_due(), "no rating due");
        let mut beacon = self.page_beacon(Trigger::Rating);
        if self.page().submitted_here && !self.journey.rated {
            self.journey.rated = true;
        } else {
            let of = self.journey.survey_of.take().unwrap();
            beacon.journey = JourneySection {
                id: of,
                logged_in: true,
                clock: None,
                target_s: self.target_s,
                outcome: None,
                duration_ms: None,
                met: None,
                last_field: None,
                steps: Vec::new(),
            };
        }
        beacon.forms = Vec::new();
        beacon.speed = None;
        beacon.satisfaction = Some(rating);
        self.push(beacon, false);
    }

    /// The `abandoned` beacon of the current journey (idle past the timeout), sent as the next
    /// page loads: its next seq, last page index and path, the steps finished so far.
    fn send_abandoned(&mut self) {
        let clock = self
            .journey
            .frozen
            .unwrap_or_else(|| self.clock_at(self.now));
        let j = &mut self.journey;
        let seq = j.next_seq;
        j.next_seq += 1;
        let beacon = Beacon {
            id: self.ids.hex_id(16),
            seq,
            trigger: Trigger::Abandoned,
            service: j.service.to_string(),
            journey: JourneySection {
                id: j.id.clone(),
                logged_in: true,
                clock: Some(clock),
                target_s: self.target_s,
                outcome: Some(Outcome::Abandoned),
                duration_ms: None,
                met: None,
                last_field: j.last_field.clone(),
                steps: j.steps.clone(),
            },
            page_n: j.pages - 1,
            path: j.last_path.clone(),
            t_ms: 0,
            speed: None,
            forms: Vec::new(),
            satisfaction: None,
            ua: self.ua.clone(),
        };
        self.truths[j.truth].truth = Truth::AbandonedReported;
        self.push(beacon, false);
    }

    fn page(&self) -> &Page {
        self.page.as_ref().expect("a page is loaded")
    }

    fn page_mut(&mut self) -> &mut Page {
        self.page.as_mut().expect("a page is loaded")
    }

    /// Where the current page's step starts counting on the journey clock.
    fn clock_start(&self) -> i64 {
        let from = self.page.as_ref().map_or(self.now, |p| p.step_from);
        self.journey.login_at.map_or(i64::MAX, |l| l.max(from))
    }

    /// The current page's step so far: (elapsed, hidden), up to `at`.
    fn step_so_far(&self, at: i64) -> (i64, i64) {
        let page = self.page();
        if !page.step_open || self.journey.login_at.is_none() {
            return (0, 0);
        }
        let start = self.clock_start();
        let elapsed = (at - start).max(0);
        let hidden = page.hidden_ms + page.hidden_since.map_or(0, |s| overlap(s, at, start));
        (elapsed, hidden.min(elapsed))
    }

    /// The journey clock at `at` (logged in, not submitted).
    fn clock_at(&self, at: i64) -> JourneyClock {
        let j = &self.journey;
        let login = j.login_at.expect("a clock needs a login");
        let (elapsed, hidden, blocked) = match &self.page {
            Some(page) => {
                let (e, h) = self.step_so_far(at);
                (e, h, if page.blocked { e } else { 0 })
            }
            None => (0, 0, 0),
        };
        let done: i64 = j.steps.iter().map(|s| s.ms).sum();
        let since = if self.page.is_some() {
            done + elapsed
        } else {
            j.last_leave.map_or(0, |l| l - login)
        };
        JourneyClock {
            since_login_ms: since,
            active_ms: j.active_done + elapsed - hidden,
            hidden_ms: j.hidden_done + hidden,
            blocked_ms: j.blocked_done + blocked,
            failed: j.failed,
        }
    }

    /// Ends the current page's step at now (0 ms before login).
    fn close_step(&mut self) {
        let (ms, hidden) = self.step_so_far(self.now);
        let page = self.page.as_mut().unwrap();
        page.step_open = false;
        let blocked = if page.blocked { ms } else { 0 };
        let name = page.path.clone();
        let j = &mut self.journey;
        j.steps.push(Step {
            name,
            ms,
            active_ms: ms - hidden,
        });
        j.active_done += ms - hidden;
        j.hidden_done += hidden;
        j.blocked_done += blocked;
    }

    /// A snapshot beacon of the current page view and journey.
    fn page_beacon(&mut self, trigger: Trigger) -> Beacon {
        let clock = match (&self.journey.submitted, self.journey.login_at) {
            (Some((_, frozen)), _) => Some(*frozen),
            (None, Some(_)) => Some(self.clock_at(self.now)),
            (None, None) => None,
        };
        let page = self.page();
        let (forms, speed, path, t_ms) = (
            page.forms.clone(),
            page.speed.clone(),
            page.path.clone(),
            self.now - page.start,
        );
        let j = &mut self.journey;
        let seq = j.next_seq;
        j.next_seq += 1;
        let duration = j.submitted.map(|(d, _)| d);
        Beacon {
            id: self.ids.hex_id(16),
            seq,
            trigger,
            service: j.service.to_string(),
            journey: JourneySection {
                id: j.id.clone(),
                logged_in: j.login_at.is_some(),
                clock,
                target_s: self.target_s,
                outcome: duration.map(|_| Outcome::Submitted),
                duration_ms: duration,
                met: duration.map(|d| d < self.target_s * 1000),
                last_field: None,
                steps: Vec::new(),
            },
            page_n: j.pages - 1,
            path,
            t_ms,
            speed,
            forms,
            satisfaction: None,
            ua: self.ua.clone(),
        }
    }

    fn send_page(&mut self, trigger: Trigger, leaves_page: bool) {
        let beacon = self.page_beacon(trigger);
        self.push(beacon, leaves_page);
    }

    fn push(&mut self, beacon: Beacon, leaves_page: bool) {
        self.sent.push(Sent {
            beacon,
            at: self.now,
            leaves_page,
        });
    }
}

/// The part of `[from, to]` after `start`.
fn overlap(from: i64, to: i64, start: i64) -> i64 {
    (to - from.max(start)).max(0)
}

fn blank_journey() -> Journey {
    Journey {
        id: String::new(),
        service: "",
        login_at: None,
        next: false,
        submitted: None,
        rated: false,
        next_seq: 0,
        pages: 0,
        steps: Vec::new(),
        active_done: 0,
        hidden_done: 0,
        blocked_done: 0,
        failed: 0,
        last_field: None,
        last_path: String::new(),
        last_leave: None,
        last_activity: 0,
        frozen: None,
        survey_of: None,
        truth: 0,
    }
}
