//! Time values as the core sees them, and the rounding every sent timing goes through.
//!
//! The shell hands the core two clocks, both in milliseconds: wall-clock time since the Unix
//! epoch (to carry a journey across page loads) and the page's monotonic clock
//! (`performance.now()`, zero when the page started loading). Neither ever leaves the browser
//! as is: beacons carry durations rounded by [`round_ms`].

/// Granularity of every duration in a beacon, in milliseconds.
///
/// Unrounded high-resolution timings are a fingerprinting surface; a tenth of a second is far
/// finer than any target the regulation sets (minutes).
pub const ROUNDING_MS: u64 = 100;

/// Longest duration a beacon may carry (one week), in milliseconds; longer values are clamped.
pub const MAX_DURATION_MS: u64 = 7 * 24 * 60 * 60 * 1000;

/// Rounds a duration in milliseconds to the nearest [`ROUNDING_MS`], clamped to
/// `0..=MAX_DURATION_MS`. Negative, NaN and infinite inputs (a clock that went backwards, a
/// broken timer) become 0 or the maximum rather than garbage.
pub fn round_ms(ms: f64) -> u64 {
    if ms.is_nan() || ms <= 0.0 {
        return 0;
    }
    if ms >= MAX_DURATION_MS as f64 {
        return MAX_DURATION_MS;
    }
    round_half_away(ms / ROUNDING_MS as f64) * ROUNDING_MS
}

/// `x.round() as u64` without std (the wasm has none): the nearest whole number, halves away
/// from zero; negative and NaN give 0, values past `u64::MAX` give `u64::MAX`.
pub fn round_half_away(x: f64) -> u64 {
    let whole = x as u64;
    if x - whole as f64 >= 0.5 {
        whole.saturating_add(1)
    } else {
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_halves_away_from_zero_as_std_does() {
        let mut x = 0.0f64;
        let mut samples = vec![
            0.5,
            1.5,
            2.5,
            0.49999999999,
            4_503_599_627_370_495.5,
            -0.5,
            -3.7,
        ];
        while x < 10_000.0 {
            samples.push(x);
            x += 0.125;
        }
        for x in samples {
            assert_eq!(round_half_away(x), x.round().max(0.0) as u64, "{x}");
        }
        assert_eq!(round_half_away(f64::NAN), 0);
        assert_eq!(round_half_away(f64::INFINITY), u64::MAX);
    }

    #[test]
    fn rounds_to_the_nearest_tenth_of_a_second() {
        assert_eq!(round_ms(0.0), 0);
        assert_eq!(round_ms(49.9), 0);
        assert_eq!(round_ms(50.0), 100);
        assert_eq!(round_ms(1234.567), 1200);
        assert_eq!(round_ms(1250.0), 1300);
        assert_eq!(round_ms(299_960.0), 300_000);
    }

    #[test]
    fn clamps_impossible_values() {
        assert_eq!(round_ms(-5_000.0), 0);
        assert_eq!(round_ms(f64::NAN), 0);
        assert_eq!(round_ms(f64::INFINITY), MAX_DURATION_MS);
        assert_eq!(round_ms(1e15), MAX_DURATION_MS);
    }

    #[test]
    fn every_rounded_value_is_a_multiple_of_the_granularity() {
        for i in 0..10_000 {
            let ms = i as f64 * 7.3;
            assert_eq!(round_ms(ms) % ROUNDING_MS, 0, "{ms}");
        }
    }
}
