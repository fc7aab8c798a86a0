//! Page speed, the way the `web-vitals` library defines it, from the raw Performance entries
//! the loader observes: TTFB, FCP, LCP (frozen at the first interaction or when the page is
//! hidden), CLS (the largest session window: shifts less than 1 s apart, within 5 s),
//! INP (the longest interaction, ignoring one in every 50 as outliers), long tasks, and the
//! server's response time when the page was reached by a form submission. The shell only
//! forwards entries; every rule is here, tested natively.

use crate::core::prelude::*;

use crate::core::json::Object;

/// How many of the longest interactions are kept (enough for 500 interactions).
const KEEP_INTERACTIONS: usize = 10;
/// CLS session windows: a gap this long ends a window…
const CLS_GAP_MS: f64 = 1_000.0;
/// …and no window lasts longer than this.
const CLS_WINDOW_MS: f64 = 5_000.0;

/// One raw entry, as the loader forwards it (times in ms since the page's time origin).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Entry {
    /// Navigation Timing: `responseStart`, `requestStart`, `activationStart`.
    Navigation {
        /// `responseStart`.
        response_start: f64,
        /// `requestStart`.
        request_start: f64,
        /// `activationStart` (0 unless prerendered).
        activation_start: f64,
    },
    /// `first-contentful-paint`.
    Fcp(f64),
    /// A `largest-contentful-paint` candidate.
    Lcp(f64),
    /// A `layout-shift` without recent input: its start and value.
    Shift(f64, f64),
    /// An `event` (or `first-input`) entry of an interaction: id, duration, and the field its
    /// target belongs to (the probe's field index), if any.
    Interaction(u64, f64, Option<usize>),
    /// A long task's duration.
    LongTask(f64),
}

/// The page view's speed so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Vitals {
    ttfb: Option<f64>,
    server: Option<f64>,
    fcp: Option<f64>,
    lcp: Option<f64>,
    /// LCP no longer changes (an interaction happened, or the page was hidden).
    lcp_final: bool,
    window_start: f64,
    window_last: f64,
    window_sum: f64,
    cls: f64,
    shifts: u32,
    /// The longest interactions: (id, duration, field), longest first.
    interactions: Vec<(u64, f64, Option<usize>)>,
    /// Distinct interactions seen.
    interaction_count: u32,
    last_interaction: u64,
    long_tasks: u32,
    long_task_ms: f64,
}

/// The speed figures a beacon carries (times rounded to 10 ms, CLS in thousandths).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Speed {
    /// Time to first byte.
    pub ttfb_ms: Option<u64>,
    /// The server's response time to the form submission that led here.
    pub server_ms: Option<u64>,
    /// First contentful paint.
    pub fcp_ms: Option<u64>,
    /// Largest contentful paint.
    pub lcp_ms: Option<u64>,
    /// Cumulative layout shift × 1000.
    pub cls_x1000: Option<u64>,
    /// Interaction to next paint.
    pub inp_ms: Option<u64>,
    /// The field whose interaction set INP (its index; the beacon names its key).
    pub inp_field: Option<usize>,
    /// Long tasks, and their total duration.
    pub long_tasks: u32,
    /// Total duration of the long tasks.
    pub long_task_ms: u64,
}

fn round10(ms: f64) -> u64 {
    ((ms.max(0.0) + 5.0) / 10.0) as u64 * 10
}

impl Vitals {
    /// Takes one entry. `after_submit`: the page was reached by a form submission (so the
    /// navigation's request → response time is the server's answer to it).
    pub fn entry(&mut self, entry: Entry, after_submit: bool) {
        match entry {
            Entry::Navigation {
                response_start,
                request_start,
                activation_start,
            } => {
                self.ttfb = Some((response_start - activation_start).max(0.0));
                if after_submit && response_start >= request_start && request_start > 0.0 {
                    self.server = Some(response_start - request_start);
                }
            }
            Entry::Fcp(t) => {
                self.fcp.get_or_insert(t);
            }
            Entry::Lcp(t) => {
                if !self.lcp_final {
                    self.lcp = Some(t);
                }
            }
            Entry::Shift(start, value) => self.shift(start, value),
            Entry::Interaction(id, duration, field) => self.interaction(id, duration, field),
            Entry::LongTask(duration) => {
                self.long_tasks = self.long_tasks.saturating_add(1);
                self.long_task_ms += duration;
            }
        }
    }

    fn shift(&mut self, start: f64, value: f64) {
        if self.shifts > 0
            && start - self.window_last < CLS_GAP_MS
            && start - self.window_start < CLS_WINDOW_MS
        {
            self.window_sum += value;
        } else {
            self.window_start = start;
            self.window_sum = value;
        }
        self.window_last = start;
        self.shifts += 1;
        self.cls = self.cls.max(self.window_sum);
    }

    fn interaction(&mut self, id: u64, duration: f64, field: Option<usize>) {
        if id == 0 {
            return; // not an interaction (hover, scroll)
        }
        self.lcp_final = true; // web-vitals stops LCP at the first input
        let mut entry = (id, duration, field);
        if let Some(i) = self.interactions.iter().position(|i| i.0 == id) {
            let known = self.interactions.remove(i);
            if known.1 >= duration {
                entry = (id, known.1, known.2);
            } else {
                entry.2 = field.or(known.2);
            }
        } else if id != self.last_interaction {
            self.interaction_count = self.interaction_count.saturating_add(1);
        }
        // Kept longest first: put in its place (no sort for a list this short).
        let at = self
            .interactions
            .iter()
            .position(|i| i.1 < entry.1)
            .unwrap_or(self.interactions.len());
        self.interactions.insert(at, entry);
        self.last_interaction = id;
        self.interactions.truncate(KEEP_INTERACTIONS);
    }

    /// The page was hidden: LCP is final.
    pub fn hidden(&mut self) {
        self.lcp_final = true;
    }

    /// The page came back from the back/forward cache: a new page view, measured afresh;
    /// `paint_ms` is the time from the restore to the next frame (FCP and LCP of a restore).
    pub fn restored(&mut self, paint_ms: f64) {
        *self = Vitals {
            ttfb: Some(0.0),
            fcp: Some(paint_ms),
            lcp: Some(paint_ms),
            lcp_final: true,
            ..Vitals::default()
        };
    }

    /// Whether anything was measured.
    pub fn is_empty(&self) -> bool {
        self.ttfb.is_none()
            && self.fcp.is_none()
            && self.shifts == 0
            && self.interactions.is_empty()
    }

    /// The figures so far.
    pub fn speed(&self) -> Speed {
        // web-vitals: the worst interaction, ignoring one in every 50 as outliers.
        let skip = (self.interaction_count / 50) as usize;
        let inp = self
            .interactions
            .get(skip.min(self.interactions.len().saturating_sub(1)));
        Speed {
            ttfb_ms: self.ttfb.map(round10),
            server_ms: self.server.map(round10),
            fcp_ms: self.fcp.map(round10),
            lcp_ms: self.lcp.map(round10),
            cls_x1000: (self.shifts > 0 || self.ttfb.is_some())
                .then(|| crate::core::time::round_half_away(self.cls * 1000.0)),
            inp_ms: inp.map(|i| round10(i.1)),
            inp_field: inp.and_then(|i| i.2),
            long_tasks: self.long_tasks,
            long_task_ms: round10(self.long_task_ms),
        }
    }
}

impl Speed {
    /// Writes the beacon's `speed` object; `key_of` names a field by its index.
    pub fn write(&self, o: &mut Object<'_>, key_of: impl Fn(usize) -> Option<String>) {
        o.opt_uint("ttfb_ms", self.ttfb_ms)
            .opt_uint("server_ms", self.server_ms)
            .opt_uint("fcp_ms", self.fcp_ms)
            .opt_uint("lcp_ms", self.lcp_ms)
            .opt_uint("cls_x1000", self.cls_x1000)
            .opt_uint("inp_ms", self.inp_ms)
            .opt_str("inp_field", self.inp_field.and_then(key_of).as_deref())
            .uint("long_tasks", self.long_tasks.into())
            .uint("long_task_ms", self.long_task_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cls_is_the_largest_session_window() {
        let mut v = Vitals::default();
        for (t, value) in [
            (100.0, 0.05),
            (600.0, 0.05),
            (3_000.0, 0.02),
            (3_500.0, 0.01),
            (4_200.0, 0.2),
        ] {
            v.entry(Entry::Shift(t, value), false);
        }
        // Windows: [100, 600] = 0.10; [3000, 3500, 4200] = 0.23.
        assert_eq!(v.speed().cls_x1000, Some(230));
        let mut long = Vitals::default();
        for i in 0..8 {
            long.entry(Entry::Shift(f64::from(i) * 900.0, 0.1), false);
        }
        // Shifts every 0.9 s: one window would last 6.3 s; it is cut at 5 s (6 shifts).
        assert_eq!(long.speed().cls_x1000, Some(600));
    }

    #[test]
    fn lcp_stops_at_the_first_interaction_or_when_hidden() {
        let mut v = Vitals::default();
        v.entry(Entry::Lcp(800.0), false);
        v.entry(Entry::Lcp(1_950.0), false);
        v.entry(Entry::Interaction(7, 48.0, None), false);
        v.entry(Entry::Lcp(4_000.0), false);
        assert_eq!(v.speed().lcp_ms, Some(1_950));
        let mut h = Vitals::default();
        h.entry(Entry::Lcp(500.0), false);
        h.hidden();
        h.entry(Entry::Lcp(900.0), false);
        assert_eq!(h.speed().lcp_ms, Some(500));
    }

    #[test]
    fn inp_is_the_longest_interaction_less_outliers_and_names_its_field() {
        let mut v = Vitals::default();
        v.entry(Entry::Interaction(1, 40.0, Some(2)), false);
        v.entry(Entry::Interaction(1, 56.0, Some(2)), false); // keyup of the same interaction
        v.entry(Entry::Interaction(2, 312.0, Some(5)), false);
        v.entry(Entry::Interaction(0, 900.0, None), false); // no interaction id: ignored
        let s = v.speed();
        assert_eq!((s.inp_ms, s.inp_field), (Some(310), Some(5)));
        let mut many = Vitals::default();
        for id in 1..=120u64 {
            let duration = if id == 60 {
                900.0
            } else if id == 61 {
                700.0
            } else {
                24.0 + id as f64 / 10.0
            };
            many.entry(Entry::Interaction(id, duration, None), false);
        }
        // 120 interactions: the 2 worst (900, 700) are outliers; the next is 36 ms → 40.
        assert_eq!(many.speed().inp_ms, Some(40));
    }

    #[test]
    fn navigation_timing_gives_ttfb_and_the_servers_answer_to_a_submission() {
        let mut v = Vitals::default();
        let nav = Entry::Navigation {
            response_start: 412.0,
            request_start: 50.0,
            activation_start: 0.0,
        };
        v.entry(nav, false);
        assert_eq!((v.speed().ttfb_ms, v.speed().server_ms), (Some(410), None));
        v.entry(nav, true);
        assert_eq!(v.speed().server_ms, Some(360));
        v.entry(Entry::Fcp(620.0), false);
        v.entry(Entry::Fcp(900.0), false);
        v.entry(Entry::LongTask(120.0), false);
        v.entry(Entry::LongTask(61.0), false);
        let s = v.speed();
        assert_eq!(
            (s.fcp_ms, s.long_tasks, s.long_task_ms, s.cls_x1000),
            (Some(620), 2, 180, Some(0))
        );
        v.restored(35.0);
        assert_eq!(
            (v.speed().fcp_ms, v.speed().lcp_ms, v.speed().long_tasks),
            (Some(40), Some(40), 0)
        );
    }
}
