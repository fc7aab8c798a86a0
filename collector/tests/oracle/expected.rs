//! The oracle: the report a collector must give, computed from the world's own beacons and
//! their delivery times by the written definitions ("How the report counts", README) — no
//! SQL, nothing from `collector/src/report` or `collector/src/store`.
//!
//! This module decides the period, the covered journeys and their outcomes, criterion 2, 4
//! and the per-service rows; `pages` reads page views (criterion 1, friction, speed) and
//! `dossiers` criterion 3.

use super::arith::{mean, one_decimal, pct, spread};
use super::calendar::{date_ms, end_of_day, year_of, DAY_MS};
use super::dossiers;
use super::model::{Beacon, Outcome, Rating, Trigger};
use super::pages;
use super::processing::Post;
use super::tab::IDLE_MS;
use super::world::Received;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// A report query, as `GET /v1/report` takes it.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub service: Option<&'static str>,
    pub portal: Option<&'static str>,
    pub from: Option<&'static str>,
    pub to: Option<&'static str>,
    pub target_seconds: Option<i64>,
}

impl Query {
    /// `service=…&portal=…&from=…&to=…&target_seconds=…` (the portal percent-encoded).
    pub fn query_string(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = self.service {
            parts.push(format!("service={s}"));
        }
        if let Some(p) = self.portal {
            parts.push(format!(
                "portal={}",
                p.replace(':', "%3A").replace('/', "%2F")
            ));
        }
        if let Some(f) = self.from {
            parts.push(format!("from={f}"));
        }
        if let Some(t) = self.to {
            parts.push(format!("to={t}"));
        }
        if let Some(t) = self.target_seconds {
            parts.push(format!("target_seconds={t}"));
        }
        parts.join("&")
    }
}

/// The period and targets a query asks for, at `now`.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub from_ms: i64,
    pub to_ms: i64,
    pub journey_seconds: i64,
    pub shorter_pct: i64,
    pub satisfied_pct: i64,
}

impl Period {
    /// `from` = 1970 or D 00:00; `to` = the end of now's day or D+1 00:00; targets by the year
    /// of `from` (of now without it), `target_seconds` overriding the journey target.
    pub fn of(q: &Query, now: i64) -> Period {
        let from_ms = q.from.map_or(0, date_ms);
        let to_ms =
            q.to.map_or_else(|| end_of_day(now), |d| date_ms(d) + DAY_MS);
        let year = year_of(q.from.map_or(now, date_ms));
        let (seconds, shorter, satisfied) = if year <= 2025 {
            (480, 20, 90)
        } else {
            (300, 30, 95)
        };
        Period {
            from_ms,
            to_ms,
            journey_seconds: q.target_seconds.unwrap_or(seconds),
            shorter_pct: shorter,
            satisfied_pct: satisfied,
        }
    }

    fn target_ms(&self) -> i64 {
        self.journey_seconds * 1000
    }
}

/// How a started journey stands when the report is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Submitted,
    Abandoned,
    Expired,
    InProgress,
}

/// A journey as the definitions see it.
#[derive(Debug, Clone)]
pub struct JourneyFacts<'w> {
    pub id: &'w str,
    /// Its service and portal: those of its non-rating beacons (the smallest if several).
    pub service: &'w str,
    pub portal: &'static str,
    /// When its first beacon was received.
    pub first_ms: i64,
    /// Its beacons (those carrying its id, ratings included).
    pub beacons: Vec<Received<'w>>,
    pub started: bool,
    /// The beacon that speaks for its end.
    pub end: Option<&'w Beacon>,
    /// `None` when it never started.
    pub standing: Option<Standing>,
}

/// Received order: time, then seq, then id.
fn receipt_key<'a>(r: &Received<'a>) -> (i64, i64, &'a str) {
    (r.received_ms, r.beacon.seq, r.beacon.id.as_str())
}

/// Every journey the collector has heard of at `now`, with its standing.
pub fn journeys<'w>(received: &[Received<'w>], now: i64) -> Vec<JourneyFacts<'w>> {
    let mut by_id: BTreeMap<&'w str, Vec<Received<'w>>> = BTreeMap::new();
    for r in received {
        by_id
            .entry(r.beacon.journey.id.as_str())
            .or_default()
            .push(*r);
    }
    by_id
        .into_iter()
        .map(|(id, mut beacons)| {
            beacons.sort_by(|a, b| receipt_key(a).cmp(&receipt_key(b)));
            let own: Vec<&Received<'w>> = beacons
                .iter()
                .filter(|r| r.beacon.trigger != Trigger::Rating)
                .collect();
            assert!(
                !own.is_empty(),
                "journey {id}: only ratings received (the generator never does this)"
            );
            let service = own.iter().map(|r| r.beacon.service.as_str()).min().unwrap();
            let portal = own.iter().map(|r| r.portal).min().unwrap();
            let first_ms = beacons[0].received_ms;
            let started = beacons.iter().any(|r| r.beacon.journey.logged_in);
            let end = beacons
                .iter()
                .find(|r| r.beacon.trigger.is_end())
                .or_else(|| beacons.iter().find(|r| r.beacon.journey.outcome.is_some()))
                .map(|r| r.beacon);
            let last_ms = beacons.iter().map(|r| r.received_ms).max().unwrap();
            let standing = started.then(|| match end.and_then(|e| e.journey.outcome) {
                Some(Outcome::Submitted) => Standing::Submitted,
                Some(Outcome::Abandoned) => Standing::Abandoned,
                Some(Outcome::Expired) => Standing::Expired,
                None if last_ms > now - IDLE_MS => Standing::InProgress,
                None => Standing::Abandoned,
            });
            JourneyFacts {
                id,
                service,
                portal,
                first_ms,
                beacons,
                started,
                end,
                standing,
            }
        })
        .collect()
}

/// The journeys a query covers: begun in the period, of its service and portal.
pub fn covered<'a, 'w>(
    all: &'a [JourneyFacts<'w>],
    q: &Query,
    period: &Period,
) -> Vec<&'a JourneyFacts<'w>> {
    all.iter()
        .filter(|j| j.first_ms >= period.from_ms && j.first_ms < period.to_ms)
        .filter(|j| q.service.is_none_or(|s| j.service == s))
        .filter(|j| q.portal.is_none_or(|p| j.portal == p))
        .collect()
}

/// The whole expected report of `q` at `now`.
pub fn report(received: &[Received<'_>], posts: &[&Post], now: i64, q: &Query) -> Value {
    let period = Period::of(q, now);
    let all = journeys(received, now);
    let covered = covered(&all, q, &period);
    json!({
        "filter": {
            "service": q.service,
            "portal": q.portal,
            "from_ms": period.from_ms,
            "to_ms": period.to_ms,
        },
        "targets": {
            "journey_seconds": period.journey_seconds,
            "processing_shorter_pct": period.shorter_pct,
            "satisfied_pct": period.satisfied_pct,
        },
        "journeys": journey_counts(&covered),
        "criterion2": criterion2(&covered, &period),
        "criterion1": pages::criterion1(&covered),
        "friction": pages::friction(&covered),
        "criterion3": dossiers::criterion3(posts, q.service, &period),
        "criterion4": criterion4(&covered, &period),
        "speed": pages::speed(&covered),
        "services": services(&covered, &period),
    })
}

fn count(covered: &[&JourneyFacts<'_>], standing: Standing) -> i64 {
    covered
        .iter()
        .filter(|j| j.standing == Some(standing))
        .count() as i64
}

fn journey_counts(covered: &[&JourneyFacts<'_>]) -> Value {
    let started = covered.iter().filter(|j| j.started).count() as i64;
    let submitted = count(covered, Standing::Submitted);
    json!({
        "seen": covered.len(),
        "started": started,
        "submitted": submitted,
        "abandoned": count(covered, Standing::Abandoned),
        "expired": count(covered, Standing::Expired),
        "in_progress": count(covered, Standing::InProgress),
        "completion_pct": pct(submitted, started),
    })
}

/// The submitted journeys whose end carries a duration, with that end.
fn timed<'a, 'w>(covered: &[&'a JourneyFacts<'w>]) -> Vec<(&'a JourneyFacts<'w>, &'w Beacon)> {
    covered
        .iter()
        .filter(|j| j.standing == Some(Standing::Submitted))
        .filter_map(|j| {
            let end = j.end?;
            end.journey.duration_ms.map(|_| (*j, end))
        })
        .collect()
}

fn criterion2(covered: &[&JourneyFacts<'_>], period: &Period) -> Value {
    let timed = timed(covered);
    let target = period.target_ms();
    let durations: Vec<i64> = timed
        .iter()
        .map(|(_, e)| e.journey.duration_ms.unwrap())
        .collect();
    let actives: Vec<i64> = timed
        .iter()
        .filter_map(|(_, e)| e.journey.clock.map(|c| c.active_ms))
        .collect();
    let n = durations.len() as i64;
    let sum: i64 = durations.iter().sum();
    let within = durations.iter().filter(|&&d| d < target).count() as i64;
    let mut histogram = [0i64; 15];
    for d in &durations {
        histogram[(d / 60_000).min(14) as usize] += 1;
    }
    json!({
        "target_ms": target,
        "duration": spread(&durations),
        "active": spread(&actives),
        "within_target_pct": pct(within, n),
        "pass": (n > 0).then(|| i128::from(sum) < i128::from(target) * i128::from(n)),
        "histogram": histogram,
        "steps": steps(&timed),
    })
}

/// Per step over the timed journeys' ends: journeys through it, mean time and active time
/// over all timed journeys, share of all steps' time, mean first position.
fn steps(timed: &[(&JourneyFacts<'_>, &Beacon)]) -> Value {
    #[derive(Default)]
    struct Acc {
        journeys: i64,
        ms: i64,
        active: i64,
        positions: i64,
    }
    let mut by_name: BTreeMap<&str, Acc> = BTreeMap::new();
    for (_, end) in timed {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for (i, step) in end.journey.steps.iter().enumerate() {
            let acc = by_name.entry(step.name.as_str()).or_default();
            acc.ms += step.ms;
            acc.active += step.active_ms;
            if seen.insert(step.name.as_str()) {
                acc.journeys += 1;
                acc.positions += i as i64 + 1;
            }
        }
    }
    let n = timed.len() as i64;
    let total: i64 = by_name.values().map(|a| a.ms).sum();
    let mut rows: Vec<(f64, &str, Value)> = by_name
        .iter()
        .map(|(name, a)| {
            let position = one_decimal(i128::from(a.positions), i128::from(a.journeys));
            let row = json!({
                "name": name,
                "journeys": a.journeys,
                "position": position,
                "mean_ms": mean(a.ms, n),
                "mean_active_ms": mean(a.active, n),
                "share_pct": pct(a.ms, total).unwrap_or(0.0),
            });
            (position, *name, row)
        })
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    Value::Array(rows.into_iter().map(|(.., row)| row).collect())
}

fn criterion4(covered: &[&JourneyFacts<'_>], period: &Period) -> Value {
    let (mut answered, mut dismissed, mut satisfied) = (0i64, 0i64, 0i64);
    let mut scores = [0i64; 5];
    let mut reasons: BTreeMap<String, i64> = BTreeMap::new();
    for j in covered {
        // Beacons are in received order: the first rating is the one that counts.
        let first = j
            .beacons
            .iter()
            .find(|r| r.beacon.trigger == Trigger::Rating);
        match first.and_then(|r| r.beacon.satisfaction.as_ref()) {
            Some(Rating::Dismissed) => dismissed += 1,
            Some(Rating::Score {
                score,
                reasons: why,
            }) => {
                answered += 1;
                satisfied += i64::from(*score >= 4);
                scores[(*score - 1) as usize] += 1;
                for r in why {
                    *reasons.entry(r.clone()).or_default() += 1;
                }
            }
            None => {}
        }
    }
    json!({
        "answered": answered,
        "dismissed": dismissed,
        "satisfied": satisfied,
        "satisfied_pct": pct(satisfied, answered),
        "scores": scores,
        "reasons": super::arith::top_list(&reasons),
        "pass": (answered > 0).then(|| satisfied * 100 >= period.satisfied_pct * answered),
    })
}

fn services(covered: &[&JourneyFacts<'_>], period: &Period) -> Value {
    let names: BTreeSet<&str> = covered.iter().map(|j| j.service).collect();
    let target = period.target_ms();
    let rows: Vec<Value> = names
        .into_iter()
        .map(|service| {
            let of: Vec<&JourneyFacts<'_>> = covered
                .iter()
                .copied()
                .filter(|j| j.service == service)
                .collect();
            let timed = timed(&of);
            let n = timed.len() as i64;
            let sum: i64 = timed
                .iter()
                .map(|(_, e)| e.journey.duration_ms.unwrap())
                .sum();
            json!({
                "service": service,
                "started": of.iter().filter(|j| j.started).count(),
                "submitted": count(&of, Standing::Submitted),
                "mean_ms": (n > 0).then(|| mean(sum, n)),
                "pass": (n > 0).then(|| i128::from(sum) < i128::from(target) * i128::from(n)),
            })
        })
        .collect();
    Value::Array(rows)
}
