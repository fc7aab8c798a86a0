//! Report periods: calendar dates (`2026-11-01`, UTC) to epoch milliseconds and back, and the
//! year a period's targets come from. No date library: the civil-calendar arithmetic is the
//! well-known days-from-civil algorithm (proleptic Gregorian).

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// Days since 1970-01-01 of a civil date.
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil year of epoch milliseconds (UTC).
pub fn year_of(ms: i64) -> i64 {
    let days = ms.div_euclid(DAY_MS);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(month <= 2)
}

/// `YYYY-MM-DD` (UTC midnight) to epoch ms; `None` unless a real date from 2000 to 2999.
pub fn parse_date(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let ok = (2000..=2999).contains(&y)
        && (1..=12).contains(&m)
        && d >= 1
        && d <= days_in[(m - 1) as usize];
    ok.then(|| days_from_civil(y, m, d) * DAY_MS)
}

/// What a date must look like, for messages.
pub const DATE_EXPECTED: &str = "a date YYYY-MM-DD (UTC), e.g. 2026-11-01";

/// `YYYY-MM-DD HH:MM:SS.mmm` in UTC for epoch milliseconds.
pub fn format_utc_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Civil-from-days (H. Hinnant), proleptic Gregorian.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{millis:03}",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_epoch_ms() {
        assert_eq!(parse_date("1970-01-01"), None, "before 2000");
        assert_eq!(parse_date("2026-11-22"), Some(1_795_305_600_000));
        assert_eq!(year_of(1_795_305_600_000), 2026);
        assert_eq!(
            year_of(parse_date("2025-12-31").unwrap() + DAY_MS - 1),
            2025
        );
        assert_eq!(year_of(parse_date("2024-02-29").unwrap()), 2024);
        for bad in [
            "2026-13-01",
            "2025-02-29",
            "26-11-01",
            "2026-1-01",
            "x",
            "2026-11-22T00",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn utc_formatting() {
        assert_eq!(format_utc_ms(0), "1970-01-01 00:00:00.000");
        assert_eq!(format_utc_ms(951_782_400_123), "2000-02-29 00:00:00.123");
        assert_eq!(format_utc_ms(1_763_833_801_005), "2025-11-22 17:50:01.005");
    }
}
