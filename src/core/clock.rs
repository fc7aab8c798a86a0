//! The journey clock: time since login, and how much of it the page was active, hidden, or
//! blocked on validation errors — robust to the wall clock being changed, to the machine
//! sleeping and to page loads in between.
//!
//! Within a page only the monotonic page clock (`performance.now()`) is trusted. Between pages
//! there is nothing monotonic to carry, so the wall clock bridges the gap from the previous
//! page's last update to this page's start — and only when that gap is plausible: a clock set
//! backwards counts as no gap, and a gap longer than the idle timeout is an abandoned journey,
//! not a long step. While the page is hidden, the machine may sleep and the page clock stop; the
//! wall clock then tells how long, within the same bound.

/// A jump of the wall clock beyond the page clock smaller than this is noise, not sleep.
const SLEEP_NOISE_MS: f64 = 1_000.0;

/// The clock as stored between pages.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JourneyClock {
    /// Whether the clock runs: from login to the journey's end.
    pub running: bool,
    /// Time since login, in milliseconds.
    pub elapsed_ms: f64,
    /// Of it, time the page was visible and focused.
    pub active_ms: f64,
    /// Of it, time the page was hidden (another tab, the phone locked, the machine asleep).
    pub hidden_ms: f64,
    /// Of it, time from a submission refused by validation to the next step.
    pub blocked_ms: f64,
    /// Submissions refused by validation (in the browser, by the page's script or by the
    /// server sending the form back with errors).
    pub failed: u32,
    /// Wall clock of the last update, to bridge the next page load.
    pub anchor_epoch: f64,
}

/// What the page is like now, as the shell reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageState {
    /// `document.visibilityState === "visible"`.
    pub visible: bool,
    /// `document.hasFocus()`.
    pub focused: bool,
}

/// Where the page clock stood at the last update, and what the page was like: what it takes
/// to advance the journey's clock on this page.
#[derive(Clone, Debug, PartialEq)]
pub struct PageClock {
    last_page_ms: f64,
    state: PageState,
    /// A refused submission is waiting for the next step.
    pub blocked: bool,
}

/// How the gap since the previous page looked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// Plausible: counted.
    Counted,
    /// The wall clock went backwards: counted as nothing.
    ClockSetBack,
    /// Longer than the idle timeout: the journey was abandoned.
    Idle,
}

impl PageClock {
    /// The clock of a page whose probe starts at `start_epoch` (wall clock) and `start_page_ms`
    /// (page clock): the gap since the stored clock's anchor — leaving the previous page,
    /// loading this one — is added by the wall clock if plausible; from here on the page clock
    /// counts. (Not assuming the page clock started at 0 with the navigation: it does in
    /// browsers, but not under test clocks that carry it across documents.)
    pub fn resume(
        clock: &mut JourneyClock,
        start_epoch: f64,
        start_page_ms: f64,
        idle_ms: f64,
        state: PageState,
    ) -> (PageClock, Gap) {
        let page_start_epoch = start_epoch;
        let gap = page_start_epoch - clock.anchor_epoch;
        let verdict = if clock.anchor_epoch == 0.0 || !clock.running {
            Gap::Counted
        } else if gap < 0.0 {
            Gap::ClockSetBack
        } else if gap > idle_ms {
            Gap::Idle
        } else {
            clock.elapsed_ms += gap;
            Gap::Counted
        };
        clock.anchor_epoch = page_start_epoch;
        (
            PageClock {
                last_page_ms: start_page_ms,
                state,
                blocked: false,
            },
            verdict,
        )
    }

    /// Counts the time since the last update, as the page was, up to `page_ms` / `epoch_ms`.
    /// While hidden, a wall clock that ran further than the page clock (the machine slept)
    /// counts too, within `idle_ms`.
    pub fn advance(&mut self, clock: &mut JourneyClock, page_ms: f64, epoch_ms: f64, idle_ms: f64) {
        let dt = (page_ms - self.last_page_ms).max(0.0);
        let wall = epoch_ms - clock.anchor_epoch;
        let slept = if !self.state.visible && wall > dt + SLEEP_NOISE_MS && wall - dt <= idle_ms {
            wall - dt
        } else {
            0.0
        };
        if clock.running {
            let span = dt + slept;
            clock.elapsed_ms += span;
            if self.state.visible && self.state.focused {
                clock.active_ms += span;
            }
            if !self.state.visible {
                clock.hidden_ms += span;
            }
            if self.blocked {
                clock.blocked_ms += span;
            }
        }
        self.last_page_ms = self.last_page_ms.max(page_ms);
        clock.anchor_epoch = epoch_ms;
    }

    /// A submission was refused: the citizen is blocked until the next step. Counted once per
    /// refusal, however many fields it marks.
    pub fn refused(&mut self, clock: &mut JourneyClock) {
        if !self.blocked {
            self.blocked = true;
            if clock.running {
                clock.failed += 1;
            }
        }
    }

    /// Whether the page is visible, as last set.
    pub fn visible(&self) -> bool {
        self.state.visible
    }

    /// The page's visibility or focus changed at this moment (after [`PageClock::advance`]).
    pub fn set_state(&mut self, state: PageState) {
        self.state = state;
    }

    /// Starts the clock at login, which happened at `at_page_ms` (earlier than the last update
    /// when the portal queued the call before the probe loaded): everything before does not
    /// count, everything since does.
    pub fn start(&mut self, clock: &mut JourneyClock, at_page_ms: f64) {
        if !clock.running {
            let since = (self.last_page_ms - at_page_ms).max(0.0);
            let active = self.state.visible && self.state.focused;
            *clock = JourneyClock {
                running: true,
                elapsed_ms: since,
                active_ms: if active { since } else { 0.0 },
                hidden_ms: if self.state.visible { 0.0 } else { since },
                anchor_epoch: clock.anchor_epoch,
                ..JourneyClock::default()
            };
        }
    }

    /// Stops the clock: the journey ended at `at_page_ms` (which may lie before the last update
    /// when the call was queued); what was counted after it is taken back.
    pub fn stop(&mut self, clock: &mut JourneyClock, at_page_ms: f64) {
        if clock.running {
            let after = (self.last_page_ms - at_page_ms).max(0.0);
            clock.elapsed_ms = (clock.elapsed_ms - after).max(0.0);
            if self.state.visible && self.state.focused {
                clock.active_ms = (clock.active_ms - after).max(0.0);
            }
            if !self.state.visible {
                clock.hidden_ms = (clock.hidden_ms - after).max(0.0);
            }
        }
        clock.running = false;
        self.blocked = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: f64 = 1_795_000_000_000.0;
    const IDLE: f64 = 30.0 * 60_000.0;
    const SEEN: PageState = PageState {
        visible: true,
        focused: true,
    };
    const HIDDEN: PageState = PageState {
        visible: false,
        focused: false,
    };

    fn running(elapsed_ms: f64, anchor_epoch: f64) -> JourneyClock {
        JourneyClock {
            running: true,
            elapsed_ms,
            anchor_epoch,
            ..JourneyClock::default()
        }
    }

    #[test]
    fn counts_active_hidden_and_blocked_time_on_one_page() {
        let mut c = JourneyClock::default();
        let (mut page, _) = PageClock::resume(&mut c, T0, 0.0, IDLE, SEEN);
        page.advance(&mut c, 1_000.0, T0 + 1_000.0, IDLE);
        page.start(&mut c, 1_000.0); // login at 1 s
        page.advance(&mut c, 61_000.0, T0 + 61_000.0, IDLE); // 60 s active
        page.set_state(HIDDEN);
        page.advance(&mut c, 91_000.0, T0 + 91_000.0, IDLE); // 30 s in another tab
        page.set_state(SEEN);
        page.blocked = true;
        page.advance(&mut c, 101_000.0, T0 + 101_000.0, IDLE); // 10 s looking at errors
        assert_eq!(
            (c.elapsed_ms, c.active_ms, c.hidden_ms, c.blocked_ms),
            (100_000.0, 70_000.0, 30_000.0, 10_000.0)
        );
    }

    #[test]
    fn the_gap_between_pages_counts_when_plausible() {
        let mut c = running(50_000.0, T0);
        let (_, gap) = PageClock::resume(&mut c, T0 + 800.0, 0.0, IDLE, SEEN);
        assert_eq!((gap, c.elapsed_ms), (Gap::Counted, 50_800.0));
        // The wall clock was set back an hour between the pages: no gap, no negative time.
        let mut c = running(50_000.0, T0);
        let (_, gap) = PageClock::resume(&mut c, T0 - 3_600_000.0, 0.0, IDLE, SEEN);
        assert_eq!((gap, c.elapsed_ms), (Gap::ClockSetBack, 50_000.0));
        // Back after 45 minutes: abandoned, not a 45-minute step.
        let mut c = running(50_000.0, T0);
        let (_, gap) = PageClock::resume(&mut c, T0 + 45.0 * 60_000.0, 0.0, IDLE, SEEN);
        assert_eq!(gap, Gap::Idle);
    }

    #[test]
    fn a_wall_clock_changed_during_a_page_does_not_change_the_time() {
        let mut c = running(0.0, T0);
        let (mut page, _) = PageClock::resume(&mut c, T0, 0.0, IDLE, SEEN);
        page.advance(&mut c, 10_000.0, T0 + 10_000.0 + 7_200_000.0, IDLE); // set forward 2 h
        page.advance(&mut c, 20_000.0, T0 + 20_000.0 - 3_600_000.0, IDLE); // then back
        assert_eq!(c.elapsed_ms, 20_000.0);
    }

    #[test]
    fn a_machine_asleep_while_hidden_counts_by_the_wall_clock() {
        let mut c = running(0.0, T0);
        let (mut page, _) = PageClock::resume(&mut c, T0, 0.0, IDLE, SEEN);
        page.advance(&mut c, 10_000.0, T0 + 10_000.0, IDLE);
        page.set_state(HIDDEN);
        // The lid closed for 5 minutes: the page clock moved 2 s, the wall clock 5 min.
        page.advance(&mut c, 12_000.0, T0 + 10_000.0 + 300_000.0, IDLE);
        page.set_state(SEEN);
        assert_eq!((c.elapsed_ms, c.hidden_ms), (310_000.0, 300_000.0));
    }

    #[test]
    fn queued_login_and_submission_keep_their_moments() {
        let mut c = JourneyClock::default();
        let (mut page, _) = PageClock::resume(&mut c, T0, 0.0, IDLE, SEEN);
        page.advance(&mut c, 600.0, T0 + 600.0, IDLE); // the probe starts at 600 ms
        page.start(&mut c, 100.0); // the portal pushed 'login' at 100 ms
        assert_eq!(c.elapsed_ms, 500.0);
        page.advance(&mut c, 10_600.0, T0 + 10_600.0, IDLE);
        page.stop(&mut c, 10_000.0); // a 'submitted' queued at 10 s, replayed at 10.6 s
        assert_eq!((c.elapsed_ms, c.running), (9_900.0, false));
    }

    #[test]
    fn nothing_counts_before_login_or_after_the_end() {
        let mut c = JourneyClock::default();
        let (mut page, _) = PageClock::resume(&mut c, T0, 0.0, IDLE, SEEN);
        page.advance(&mut c, 5_000.0, T0 + 5_000.0, IDLE);
        assert_eq!(c.elapsed_ms, 0.0);
        page.start(&mut c, 5_000.0);
        page.advance(&mut c, 8_000.0, T0 + 8_000.0, IDLE);
        page.stop(&mut c, 8_000.0);
        page.advance(&mut c, 20_000.0, T0 + 20_000.0, IDLE);
        assert_eq!(c.elapsed_ms, 3_000.0);
    }
}
