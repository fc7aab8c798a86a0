//! UTC calendar dates as the report's periods use them, computed here rather than borrowed
//! from the collector (days-from-civil, proleptic Gregorian).

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;
/// Milliseconds in a minute.
pub const MINUTE_MS: i64 = 60_000;
/// Milliseconds in an hour.
pub const HOUR_MS: i64 = 3_600_000;

/// Days since 1970-01-01 of a civil date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` to the epoch ms of its UTC midnight.
pub fn date_ms(date: &str) -> i64 {
    let parts: Vec<i64> = date.split('-').map(|p| p.parse().unwrap()).collect();
    days_from_civil(parts[0], parts[1], parts[2]) * DAY_MS
}

/// The UTC year of epoch ms (found by comparing with 1 January of neighbouring years).
pub fn year_of(ms: i64) -> i64 {
    let mut year = 1970 + ms.div_euclid(DAY_MS) / 366;
    while days_from_civil(year + 1, 1, 1) * DAY_MS <= ms {
        year += 1;
    }
    year
}

/// The UTC midnight that ends the day of `ms`.
pub fn end_of_day(ms: i64) -> i64 {
    (ms.div_euclid(DAY_MS) + 1) * DAY_MS
}
