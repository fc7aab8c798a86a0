//! The journey's steps: page views, in-page views, back/forward restores and marks; another
//! service; a journey found idle past the timeout (abandoned) and the next one, which waits for
//! the citizen to begin it.

use crate::core::prelude::*;

use super::{scrubbed, Now, Probe};
use crate::core::beacon::{Beacon, JourneySection, Outcome, PageSection, Trigger, VERSION};
use crate::core::clock::PageState;
use crate::core::config::ServiceCode;
use crate::core::ids::{BeaconId, JourneyId};
use crate::core::journey::{Journey, Step};
use crate::core::time::round_ms;

impl Probe {
    pub(super) fn begin_step(&mut self, name: String) {
        let clock = &self.journey.clock;
        self.step = Some((name, clock.elapsed_ms, clock.active_ms));
    }

    /// Records the step under way with the clock as it stands.
    pub(super) fn close_step(&mut self) {
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
    pub(super) fn end_step(&mut self, now: Now) {
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
        self.last_activity = now.epoch_ms;
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

    /// When a journey under way will have been idle past the timeout in a visible tab (wall
    /// clock), if one is under way: the shell asks the core again then.
    pub fn idle_deadline(&self) -> Option<f64> {
        self.open_journey()
            .then_some(self.last_activity + self.idle_ms + 1.0)
    }

    /// A visible tab left untouched past the idle timeout: the journey is abandoned where it
    /// stopped (reported by [`Probe::take_abandoned`]), without waiting for the citizen to come
    /// back. Returns whether it was.
    pub fn idle(&mut self, now: Now) -> bool {
        let idle = self
            .idle_deadline()
            .is_some_and(|deadline| now.epoch_ms >= deadline);
        if idle {
            self.tick(now);
            self.abandon_current(now);
            self.last_activity = now.epoch_ms;
        }
        idle
    }

    /// The page's visibility or focus changed.
    pub fn page_state(&mut self, state: PageState, now: Now) {
        self.last_activity = now.epoch_ms;
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
    pub(super) fn open_journey(&self) -> bool {
        self.journey.clock.running && self.journey.submitted_at.is_none()
    }

    /// Sets the current journey aside as abandoned (reported by [`Probe::take_abandoned`]); the
    /// next one waits for the citizen (still logged in) to go on, from now.
    pub(super) fn abandon_current(&mut self, now: Now) {
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
    pub(super) fn act(&mut self, now: Now) -> bool {
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
}
