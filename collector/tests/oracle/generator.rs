//! The population of one seed: tabs whose citizens browse, log in, fill the steps of a
//! service (some twice, some refused and sent back), submit, rate, come back after the idle
//! timeout, see their session expire, close the tab, and go on to the tab's next journey —
//! spread over 2025-12-30 23:40 → 2026-01-03 00:10 UTC, thickest around midnights and the
//! two report moments.

use super::calendar::{date_ms, HOUR_MS, MINUTE_MS};
use super::catalog::{self, StepDef, HOME, LOGIN, PORTALS, REASONS, SERVICES};
use super::content::{self, Realized};
use super::model::{Rating, Speed, Ua};
use super::rng::Rng;
use super::tab::{Tab, IDLE_MS};

/// The intermediate report moment (journeys under way), 2026-01-01 12:00:00.007 UTC.
pub fn mid_ms() -> i64 {
    date_ms("2026-01-01") + 12 * HOUR_MS + 7
}

/// The final report moment, 2026-01-03 00:10:00.007 UTC (odd milliseconds: no beacon is
/// ever exactly 30 minutes old).
pub fn final_ms() -> i64 {
    date_ms("2026-01-03") + 10 * MINUTE_MS + 7
}

/// The browsers tabs run in.
const BROWSERS: [&str; 6] = ["chrome", "safari", "coccoc", "edge", "firefox", "samsung"];

/// The midnights journeys straddle.
const MIDNIGHTS: [&str; 3] = ["2026-01-01", "2026-01-02", "2026-01-03"];

/// Journeys per seed (at least).
const JOURNEYS: usize = 300;

/// The tabs of a seed.
pub fn tabs(seed: u64) -> Vec<Tab> {
    let mut rng = Rng::new(seed);
    let mut tabs = Vec::new();
    let mut journeys = 0;
    while journeys < JOURNEYS {
        let (start, eve) = tab_start(&mut rng);
        let portal = *rng.pick(&PORTALS);
        let service = *rng.pick(&SERVICES);
        let ua = Ua {
            mobile: rng.chance(40),
            browser: rng.pick::<&str>(&BROWSERS),
            major: rng.range(90, 150),
        };
        let mut tab = Tab::new(portal, ua, start, service, rng.fork());
        let mut citizen = Citizen {
            rng: rng.fork(),
            portal,
            exact_always: eve.then_some(480_000),
        };
        citizen.visit(&mut tab, service);
        journeys += tab.truths.len();
        tabs.push(tab);
    }
    tabs
}

/// When a tab opens: mostly any time, many just before midnight (journeys that straddle it)
/// and just before each report moment (journeys still under way), a few late on 2025-12-30
/// (`true`: their submissions all take exactly 2025's target, so that day's mean is exactly
/// the target and fails it).
fn tab_start(rng: &mut Rng) -> (i64, bool) {
    let day = |d: &str| date_ms(d);
    let roll = rng.range(0, 99);
    let eve = roll >= 97;
    let (lo, hi) = if roll < 52 {
        (
            day("2025-12-31") + 5 * MINUTE_MS,
            day("2026-01-02") + 23 * HOUR_MS,
        )
    } else if roll < 76 {
        let midnight = date_ms(rng.pick::<&str>(&MIDNIGHTS));
        (midnight - 14 * MINUTE_MS, midnight - MINUTE_MS)
    } else if roll < 87 {
        (mid_ms() - 28 * MINUTE_MS, mid_ms() - MINUTE_MS)
    } else if roll < 97 {
        (final_ms() - 28 * MINUTE_MS, final_ms() - 2 * MINUTE_MS)
    } else {
        (
            day("2025-12-30") + 23 * HOUR_MS + 30 * MINUTE_MS,
            day("2025-12-30") + 23 * HOUR_MS + 50 * MINUTE_MS,
        )
    };
    (rng.step(lo, hi, 100), eve)
}

/// How a journey is going to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Submit,
    Expire,
    /// The citizen leaves the tab hidden past the idle timeout and comes back.
    IdleReturn,
    /// The tab is closed for good.
    Close,
}

/// One citizen's behaviour in one tab.
struct Citizen {
    rng: Rng,
    portal: &'static str,
    /// Every submission at exactly this duration (a brisk citizen: never slow, never hides
    /// the tab mid-form, never refused or going back, so the journey fits the target).
    exact_always: Option<i64>,
}

impl Citizen {
    /// A page view's speed (the second portal is the slow one).
    fn speed(&mut self, via_submit: bool, inp: Option<&str>) -> Option<(Speed, Speed)> {
        let slow_portal = self.portal == PORTALS[1];
        content::speed(&mut self.rng, slow_portal, via_submit, inp)
    }

    /// From the portal's pages to the tab's last journey.
    fn visit(&mut self, tab: &mut Tab, service: &'static str) {
        let browse_only = self.rng.chance(8);
        if self.rng.chance(55) {
            self.plain_page(tab, HOME.into(), service);
        }
        if browse_only || self.rng.chance(50) {
            self.plain_page(tab, catalog::info_path(service), service);
        }
        if browse_only {
            tab.close();
            return;
        }
        let login_page = self.rng.chance(60);
        if login_page {
            tab.open(LOGIN.into(), service);
            self.wait_tab(tab, 300, 1_500);
            self.login_page_speed(tab);
            self.wait_tab(tab, 3_000, 25_000);
            tab.login();
            self.wait_tab(tab, 500, 4_000);
            tab.leave();
            self.gap(tab);
        }
        self.journey(tab, service, 0, !login_page);
    }

    /// A random duration, a multiple of 100 ms.
    fn ms(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.step(lo, hi, 100)
    }

    /// The time between leaving a page and the next one starting to load.
    fn gap(&mut self, tab: &mut Tab) {
        self.wait_tab(tab, 200, 1_500);
    }

    /// A page without forms (home, information, receipt): speed only.
    fn plain_page(&mut self, tab: &mut Tab, path: String, service: &'static str) {
        tab.open(path, service);
        self.wait_tab(tab, 300, 1_200);
        let speed = self.speed(false, None);
        tab.content(Vec::new(), speed.as_ref().map(|s| s.0.clone()));
        if self.rng.chance(10) && self.exact_always.is_none() {
            self.wait_tab(tab, 2_000, 20_000);
            tab.hide();
            self.wait_tab(tab, 5_000, 600_000);
            tab.show();
        }
        self.wait_tab(tab, 3_000, 40_000);
        tab.content(Vec::new(), speed.map(|s| s.1));
        tab.leave();
        self.gap(tab);
    }

    /// The first portal's login page is exactly at the "good" thresholds.
    fn login_page_speed(&mut self, tab: &mut Tab) {
        if self.portal == PORTALS[0] {
            tab.content(Vec::new(), Some(content::at_thresholds().1));
        } else {
            self.page_speed(tab, false, None);
        }
    }

    fn page_speed(&mut self, tab: &mut Tab, via_submit: bool, inp: Option<&str>) {
        let speed = self.speed(via_submit, inp);
        tab.content(Vec::new(), speed.map(|s| s.1));
    }

    /// One journey over `service`'s steps, and what follows it in the tab.
    fn journey(&mut self, tab: &mut Tab, service: &'static str, depth: u32, login_first: bool) {
        let steps = catalog::steps(service);
        let roll = self.rng.range(0, 99);
        let end = match roll {
            0..=64 => End::Submit,
            65..=72 => End::Expire,
            73..=82 => End::IdleReturn,
            _ => End::Close,
        };
        let stop = self.rng.range(0, steps.len() as i64 - 1) as usize;
        let slow = self.rng.chance(12) && self.exact_always.is_none();
        let exact = match self.rng.range(0, 99) {
            _ if self.exact_always.is_some() => self.exact_always,
            0..=5 => Some(300_000),
            6..=8 => Some(480_000),
            _ => None,
        };
        let mut via_submit = false;
        let mut i = 0;
        while i < steps.len() {
            let last = i + 1 == steps.len();
            let stops_here = end != End::Submit && i == stop;
            let step = &steps[i];
            let view = self.step_view(tab, service, step, via_submit, slow, login_first && i == 0);
            if stops_here {
                self.finish_view(tab, &view, 0, None);
                match end {
                    End::Expire if tab.journey_open() => {
                        self.wait_tab(tab, 4 * MINUTE_MS, 25 * MINUTE_MS);
                        tab.expire();
                        self.after_expiry(tab, service, depth);
                    }
                    End::IdleReturn if tab.journey_open() => {
                        tab.hide();
                        tab.discard();
                        self.wait_tab(tab, IDLE_MS + MINUTE_MS, 150 * MINUTE_MS);
                        self.after_idle(tab, service, depth);
                    }
                    _ => {
                        if self.rng.chance(30) {
                            tab.hide();
                            self.wait_tab(tab, MINUTE_MS, 60 * MINUTE_MS);
                        }
                        tab.close();
                    }
                }
                return;
            }
            if last {
                self.finish_view(tab, &view, 1, None);
                self.submit(tab, service, depth, exact);
                return;
            }
            // A submission refused: by the browser (the form stays), or by the server (the
            // same step page loads again with the fields marked invalid).
            let brisk = self.exact_always.is_some();
            if self.rng.chance(16) && !brisk && !view.realized.touched.is_empty() {
                let refused_field = view.realized.touched[0].0;
                if self.rng.chance(40) {
                    self.finish_view(tab, &view, 2, Some(refused_field));
                    tab.refused();
                } else {
                    self.finish_view(tab, &view, 1, None);
                    tab.refused();
                    tab.leave();
                    self.gap(tab);
                    let again =
                        content::refused_again(&mut self.rng, &view.realized, &[refused_field]);
                    let how = Load {
                        via_submit: true,
                        slow,
                        login_here: false,
                        blocked: true,
                    };
                    let reload = self.load_view(tab, service, step, again, how);
                    self.finish_view(tab, &reload, 1, None);
                }
            } else {
                self.finish_view(tab, &view, 1, None);
            }
            tab.leave();
            self.gap(tab);
            // Back to the previous step and forward again: both steps visited twice.
            if i >= 1 && self.rng.chance(12) && !brisk {
                let back = self.step_view(tab, service, &steps[i - 1], true, slow, false);
                self.finish_view(tab, &back, 1, None);
                tab.leave();
                self.gap(tab);
                let again = self.step_view(tab, service, step, true, slow, false);
                self.finish_view(tab, &again, 1, None);
                tab.leave();
                self.gap(tab);
            }
            via_submit = true;
            i += 1;
        }
    }

    /// A step page loads and the citizen fills it (not yet left).
    fn step_view(
        &mut self,
        tab: &mut Tab,
        service: &'static str,
        step: &StepDef,
        via_submit: bool,
        slow: bool,
        login_here: bool,
    ) -> View {
        let realized = content::realize(&mut self.rng, step, slow);
        let how = Load {
            via_submit,
            slow,
            login_here,
            blocked: false,
        };
        self.load_view(tab, service, step, realized, how)
    }

    /// Loads a step page holding `realized` and works through its fields.
    fn load_view(
        &mut self,
        tab: &mut Tab,
        service: &'static str,
        step: &StepDef,
        realized: Realized,
        how: Load,
    ) -> View {
        tab.open(catalog::step_path(service, step.slug), service);
        if how.blocked {
            tab.mark_blocked();
        }
        self.wait_tab(tab, 300, 1_500);
        if how.login_here {
            tab.login();
        }
        let (via_submit, slow) = (how.via_submit, how.slow);
        let inp = realized
            .touched
            .last()
            .map(|&(i, _)| realized.fields[i].key.clone());
        let speed = self.speed(via_submit, inp.as_deref());
        let view = View { realized, speed };
        tab.content(
            content::forms(&view.realized, 0, 0, None),
            view.speed.as_ref().map(|s| s.0.clone()),
        );
        self.fill(tab, &view, slow);
        view
    }

    /// The citizen works through the page's fields; sometimes the tab is hidden midway (that
    /// beacon carries the page as it was then).
    fn fill(&mut self, tab: &mut Tab, view: &View, slow: bool) {
        let scale = if slow { 4 } else { 1 };
        let touched = &view.realized.touched;
        let n = touched.len();
        // A dormant journey starts with the first field typed in, before any beacon.
        let starts_now = !tab.journey_open();
        let hide_after = if self.rng.chance(15) && self.exact_always.is_none() {
            Some(self.rng.range(i64::from(starts_now && n > 0), n as i64) as usize)
        } else {
            None
        };
        for (done, &(i, typed)) in touched.iter().enumerate() {
            if hide_after == Some(done) {
                self.hidden_while(tab, view, done);
            }
            self.wait_tab(tab, 1_000, 12_000 * scale);
            tab.touch(&view.realized.fields[i].key, typed);
        }
        if hide_after == Some(n) {
            self.hidden_while(tab, view, n);
        }
        self.wait_tab(tab, 1_000, 15_000 * scale);
    }

    fn hidden_while(&mut self, tab: &mut Tab, view: &View, done: usize) {
        tab.content(
            content::forms(&view.realized, done, 0, None),
            view.speed.as_ref().map(|s| s.0.clone()),
        );
        tab.hide();
        self.wait_tab(tab, 10_000, 8 * MINUTE_MS);
        tab.show();
    }

    /// The page's final snapshot before it is left.
    fn finish_view(&mut self, tab: &mut Tab, view: &View, attempts: i64, blocked: Option<usize>) {
        if attempts > 0 {
            tab.form_submitted();
        }
        let speed = view.speed.as_ref().map(|s| s.1.clone());
        let forms = content::forms(
            &view.realized,
            view.realized.touched.len(),
            attempts,
            blocked,
        );
        tab.content(forms, speed);
    }

    /// The last step submitted: on the receipt page's load (the portal's success URL), or by
    /// the portal's `submitted` call on the form page (the receipt then belongs to the next
    /// journey). Exact-target journeys are submitted at login + target.
    fn submit(&mut self, tab: &mut Tab, service: &'static str, depth: u32, exact: Option<i64>) {
        let on_form_page = exact.is_some() || self.rng.chance(45);
        let receipt = catalog::receipt_path(service);
        let receipt_speed = self.speed(true, None);
        if on_form_page {
            if let Some(target) = exact {
                let at = tab.login_at().unwrap() + target;
                if tab.now < at {
                    tab.wait(at - tab.now);
                }
            }
            tab.submit();
            if self.rng.chance(20) {
                self.wait_tab(tab, 2_000, 20_000);
                let rating = self.rating();
                tab.rate(rating);
            }
            self.wait_tab(tab, 500, 3_000);
            tab.leave();
            self.gap(tab);
            tab.open(receipt, service);
            self.wait_tab(tab, 300, 1_000);
            tab.content(Vec::new(), receipt_speed.map(|s| s.1));
        } else {
            tab.leave();
            self.gap(tab);
            tab.open(receipt, service);
            tab.wait(300);
            tab.content(Vec::new(), content::first_byte(&receipt_speed));
            tab.submit();
            tab.content(Vec::new(), receipt_speed.map(|s| s.1));
        }
        if tab.rating_due() && self.rng.chance(50) {
            self.wait_tab(tab, 3_000, 40_000);
            let rating = self.rating();
            tab.rate(rating);
        }
        self.wait_tab(tab, 2_000, 60_000);
        self.after_submission(tab, service, depth);
    }

    /// After the receipt: the tab is closed, or the citizen goes on to the portal's home page
    /// (rating there if not yet), or to another service, where the tab's next journey starts
    /// with the first field typed.
    fn after_submission(&mut self, tab: &mut Tab, service: &'static str, depth: u32) {
        let roll = self.rng.range(0, 99);
        if roll < 35 || (roll >= 65 && depth >= 2) {
            tab.close();
        } else if roll < 65 {
            tab.leave();
            self.gap(tab);
            // The portal's home page may declare another service: a rating given there still
            // belongs to the submitted journey and its service.
            let home_service = if self.rng.chance(50) {
                service
            } else {
                *self.rng.pick(&SERVICES)
            };
            tab.open(HOME.into(), home_service);
            self.wait_tab(tab, 300, 1_000);
            self.page_speed(tab, false, None);
            if tab.rating_due() && self.rng.chance(60) {
                self.wait_tab(tab, 2_000, 30_000);
                let rating = self.rating();
                tab.rate(rating);
            }
            self.wait_tab(tab, 2_000, 30_000);
            tab.close();
        } else {
            tab.leave();
            self.gap(tab);
            let next = if self.rng.chance(50) {
                service
            } else {
                *self.rng.pick(&SERVICES)
            };
            self.journey(tab, next, depth + 1, false);
        }
    }

    /// After an expiry the page belongs to the tab's next journey, logged out; the citizen
    /// closes the tab, or logs in again and starts over.
    fn after_expiry(&mut self, tab: &mut Tab, service: &'static str, depth: u32) {
        self.wait_tab(tab, 2_000, 20_000);
        if depth < 2 && self.rng.chance(45) {
            tab.leave();
            self.gap(tab);
            tab.open(LOGIN.into(), service);
            self.wait_tab(tab, 300, 1_500);
            self.login_page_speed(tab);
            self.wait_tab(tab, 3_000, 20_000);
            tab.login();
            self.wait_tab(tab, 500, 3_000);
            tab.leave();
            self.gap(tab);
            self.journey(tab, service, depth + 1, false);
        } else {
            tab.close();
        }
    }

    /// Back after the idle timeout: the next page reports the old journey abandoned; the
    /// citizen starts again (a next journey) or just looks and closes the tab.
    fn after_idle(&mut self, tab: &mut Tab, service: &'static str, depth: u32) {
        if depth < 2 && self.rng.chance(50) {
            self.journey(tab, service, depth + 1, false);
        } else {
            tab.open(catalog::info_path(service), service);
            self.wait_tab(tab, 300, 1_000);
            self.page_speed(tab, false, None);
            self.wait_tab(tab, 3_000, 30_000);
            tab.close();
        }
    }

    /// Time passes in the tab.
    fn wait_tab(&mut self, tab: &mut Tab, lo: i64, hi: i64) {
        let ms = self.ms(lo, hi);
        tab.wait(ms);
    }

    /// A rating: a quarter dismiss the question; scores lean satisfied; low scores often
    /// give reasons.
    fn rating(&mut self) -> Rating {
        if self.rng.chance(25) {
            return Rating::Dismissed;
        }
        let score = *self
            .rng
            .pick(&[1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5]);
        let mut reasons = Vec::new();
        if (score <= 3 && self.rng.chance(70)) || (score == 4 && self.rng.chance(10)) {
            for _ in 0..self.rng.range(1, 2) {
                let reason = self.rng.pick(&REASONS).to_string();
                if !reasons.contains(&reason) {
                    reasons.push(reason);
                }
            }
        }
        Rating::Score { score, reasons }
    }
}

/// How a step page is reached.
struct Load {
    /// By the previous step's form submission (the page's speed has the server's answer).
    via_submit: bool,
    slow: bool,
    /// The portal's login callback lands on it.
    login_here: bool,
    /// Sent back after a refused submission.
    blocked: bool,
}

/// A step page view: its fields and its speed (partial, final).
struct View {
    realized: Realized,
    speed: Option<(Speed, Speed)>,
}
