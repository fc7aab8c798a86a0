//! The probe of one page view: the state machine the shell feeds with observations and asks
//! for beacons.
//!
//! Everything time- or randomness-dependent comes in as an argument ([`Now`], random bytes),
//! so the whole behaviour is reproducible in native tests.
//!
//! One room per concern: [`now`] the two clocks, [`command`] the portal's commands (parsing
//! and applying them, the satisfaction question), `steps` the journey's steps and page views
//! (navigation, restores, abandonment, the journey a citizen begins), `fields` what the shell
//! reports of fields and forms, `beacons` what the probe sends (page speed included) and
//! `snapshot` what `JourneyProbe.snapshot()` shows; this file holds the probe's state and its
//! start.

use crate::core::prelude::*;

mod beacons;
mod command;
mod fields;
mod now;
mod snapshot;
mod steps;
#[cfg(test)]
mod tests;

pub use command::{Command, UnknownCommand, MAX_STEP_NAME};
pub use now::Now;

use crate::core::clock::{PageClock, PageState};
use crate::core::config::Config;
use crate::core::fields::Fields;
use crate::core::ids::JourneyId;
use crate::core::journey::{Journey, Resumed};
use crate::core::ua::{classify, UserAgentClass};
use crate::core::url::scrub_url;
use crate::core::vitals::Vitals;

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
    /// When the citizen last did anything on the page (wall clock): a visible tab left
    /// untouched past the idle timeout is an abandoned journey too.
    last_activity: f64,
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
            last_activity: now.epoch_ms,
            pending_journey_id: page.random_journey_id.map(|b| b.rotate_left(3) ^ 0x5a),
            survey_requested: false,
            vitals: Vitals::default(),
            submitted_form_at: None,
        }
    }

    /// Random bytes the shell hands over for the next journey a command may start.
    pub fn provide_journey_id(&mut self, random: [u8; 16]) {
        self.pending_journey_id = random;
    }

    /// Counts the journey clock up to `now`.
    pub(super) fn tick(&mut self, now: Now) {
        self.page_clock.advance(
            &mut self.journey.clock,
            now.page_ms,
            now.epoch_ms,
            self.idle_ms,
        );
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
}
