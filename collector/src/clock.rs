//! The collector's clock: the time it stamps on every beacon it receives, and the moment a
//! report is made (which decides whether a silent journey is abandoned or still in progress).
//!
//! A value rather than a call to `SystemTime::now()` scattered through the handlers, so that
//! whoever embeds the collector — the report's oracle test above all — can say what time it is:
//! [`Clock::manual`] gives a clock that only moves when told to.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Where "now" comes from.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    /// The machine's wall clock.
    #[default]
    System,
    /// A clock set by its owner ([`Clock::set`]), shared by every clone.
    Manual(Arc<AtomicI64>),
}

impl Clock {
    /// A manual clock standing at `epoch_ms`.
    pub fn manual(epoch_ms: i64) -> Clock {
        Clock::Manual(Arc::new(AtomicI64::new(epoch_ms)))
    }

    /// Epoch milliseconds now.
    pub fn now_ms(&self) -> i64 {
        match self {
            Clock::System => system_now_ms(),
            Clock::Manual(ms) => ms.load(Ordering::SeqCst),
        }
    }

    /// Sets a manual clock to `epoch_ms` (every clone sees it); the system clock cannot be set
    /// and ignores this.
    pub fn set(&self, epoch_ms: i64) {
        if let Clock::Manual(ms) = self {
            ms.store(epoch_ms, Ordering::SeqCst);
        }
    }
}

/// The wall clock in epoch milliseconds (0 before 1970, which no real machine reports).
pub fn system_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_set_and_clones_share_it() {
        let clock = Clock::manual(1_795_000_000_000);
        let clone = clock.clone();
        assert_eq!(clone.now_ms(), 1_795_000_000_000);
        clock.set(1_795_000_060_000);
        assert_eq!(clone.now_ms(), 1_795_000_060_000);
        let system = Clock::System;
        system.set(5);
        assert!(
            system.now_ms() > 1_700_000_000_000,
            "the wall clock ignores set"
        );
    }
}
