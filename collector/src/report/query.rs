//! The report's filter as a query string (`service`, `portal`, `from`, `to`,
//! `target_seconds`): one parser for `GET /v1/report`, `/dashboard` and the `report` command.

use super::{Filter, Targets};
use crate::period;

/// A query that cannot be a report's: what is wrong and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid query: {detail}")]
pub struct QueryError {
    /// The parameter, its value and what it accepts.
    pub detail: String,
}

fn bad(detail: String) -> QueryError {
    QueryError { detail }
}

/// `target_seconds`. Returns the filter and the targets (by the year of `from`).
pub fn parse(query: Option<&str>, now_ms: i64) -> Result<(Filter, Targets), QueryError> {
    // By default up to the end of today (UTC): the same query gives the same report all day.
    let mut filter = Filter {
        from_ms: 0,
        to_ms: (now_ms.div_euclid(period::DAY_MS) + 1) * period::DAY_MS,
        ..Filter::default()
    };
    let mut from = None;
    let mut target = None;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value);
        match key {
            "service" | "portal" => {
                let ok = !value.is_empty()
                    && value.len() <= 200
                    && value.bytes().all(|b| b.is_ascii_graphic());
                if !ok {
                    return Err(bad(format!("{key} '{value}': expected a service code or an origin")));
                }
                if key == "service" {
                    filter.service = Some(value);
                } else {
                    filter.portal = Some(value);
                }
            }
            "from" | "to" => {
                let ms = period::parse_date(&value).ok_or_else(|| {
                    bad(format!("{key} '{value}': expected {}", period::DATE_EXPECTED))
                })?;
                if key == "from" {
                    filter.from_ms = ms;
                    from = Some(ms);
                } else {
                    filter.to_ms = ms + period::DAY_MS;
                }
            }
            "target_seconds" => {
                target = Some(value.parse::<i64>().ok().filter(|n| (1..=86_400).contains(n)).ok_or_else(
                    || bad(format!("target_seconds '{value}': expected a whole number from 1 to 86400")),
                )?);
            }
            other => {
                return Err(bad(format!(
                    "unknown query parameter '{other}'; accepted: service, portal, from, to, target_seconds"
                )))
            }
        }
    }
    if filter.from_ms >= filter.to_ms {
        return Err(bad("from is after to".into()));
    }
    let mut targets = Targets::for_year(period::year_of(from.unwrap_or(now_ms)));
    if let Some(t) = target {
        targets.journey_seconds = t;
    }
    Ok((filter, targets))
}

/// Decodes `%XX` and `+` in a query value (service codes and origins are ASCII).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
