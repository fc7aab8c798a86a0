//! The two clocks every event comes with.

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
