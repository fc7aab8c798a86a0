//! A flood from one origin must not starve the others: a token bucket per origin (the
//! `Origin` header, or `unknown`), refilled at the configured rate, with ten seconds' burst.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

/// Most origins tracked; past it, buckets idle for a minute are forgotten.
const MAX_ORIGINS: usize = 10_000;

/// Requests per second allowed per origin.
#[derive(Debug)]
pub struct RateLimit {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimit {
    /// `per_second` requests per second per origin; 0 turns the limit off.
    pub fn new(per_second: u32) -> RateLimit {
        RateLimit {
            per_second: f64::from(per_second),
            burst: f64::from(per_second) * 10.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Whether one more request from `origin` may go through now.
    pub fn allow(&self, origin: &str) -> bool {
        self.allow_at(origin, Instant::now())
    }

    /// [`RateLimit::allow`] at a given instant (for tests).
    pub fn allow_at(&self, origin: &str, now: Instant) -> bool {
        if self.per_second == 0.0 {
            return true;
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() >= MAX_ORIGINS && !buckets.contains_key(origin) {
            buckets.retain(|_, (_, at)| now.duration_since(*at).as_secs() < 60);
        }
        let (tokens, at) = buckets
            .entry(origin.to_owned())
            .or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn one_origin_is_limited_the_others_are_not() {
        let limit = RateLimit::new(2);
        let t = Instant::now();
        let allowed = (0..30)
            .filter(|_| limit.allow_at("https://flood", t))
            .count();
        assert_eq!(allowed, 20, "ten seconds' burst");
        assert!(limit.allow_at("https://other", t));
        assert!(!limit.allow_at("https://flood", t + Duration::from_millis(400)));
        assert!(
            limit.allow_at("https://flood", t + Duration::from_millis(600)),
            "refilled"
        );
        assert!(RateLimit::new(0).allow_at("x", t), "0 turns it off");
    }
}
