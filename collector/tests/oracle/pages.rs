//! The oracle's reading of page views (definition 6): each page view of a covered journey
//! once, by its last beacon (highest `seq`, then latest received, then highest `id`),
//! `abandoned` and `rating` beacons aside — for criterion 1, form friction and page speed.

use super::arith::{mean, p75, pct, shares_list, top_list, Share};
use super::expected::{JourneyFacts, Standing};
use super::model::{Beacon, Origin, Speed, Trigger};
use super::world::Received;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Last-beacon order: seq, then received, then id.
fn last_key<'a>(r: &Received<'a>) -> (i64, i64, &'a str) {
    (r.beacon.seq, r.received_ms, r.beacon.id.as_str())
}

/// Each page view's last beacon, with its journey's id.
fn page_views<'w>(covered: &[&JourneyFacts<'w>]) -> Vec<(&'w str, &'w Beacon)> {
    let mut views = Vec::new();
    for j in covered {
        let mut last: BTreeMap<i64, Received<'w>> = BTreeMap::new();
        for r in &j.beacons {
            if matches!(r.beacon.trigger, Trigger::Abandoned | Trigger::Rating) {
                continue;
            }
            let slot = last.entry(r.beacon.page_n).or_insert(*r);
            if last_key(r) > last_key(slot) {
                *slot = *r;
            }
        }
        views.extend(last.into_values().map(|r| (j.id, r.beacon)));
    }
    views
}

/// Criterion 1 over the described fields of the page views.
pub fn criterion1(covered: &[&JourneyFacts<'_>]) -> Value {
    let views = page_views(covered);
    let (mut fields, mut prefilled, mut overwritten) = (0i64, 0i64, 0i64);
    let (mut forms, mut forms_with_prefill) = (0i64, 0i64);
    let mut by_source: BTreeMap<String, i64> = BTreeMap::new();
    // Per key: (prefilled entries, overwritten prefilled entries, all entries).
    let mut per_key: BTreeMap<&str, (i64, i64, i64)> = BTreeMap::new();
    let mut key_journeys: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
    let mut with_forms: BTreeSet<&str> = BTreeSet::new();
    let mut with_prefill: BTreeSet<&str> = BTreeSet::new();
    for (journey, beacon) in &views {
        for form in &beacon.forms {
            forms += 1;
            with_forms.insert(journey);
            if form.prefilled() > 0 {
                forms_with_prefill += 1;
                with_prefill.insert(journey);
            }
            for f in &form.fields {
                fields += 1;
                let k = per_key.entry(f.key.as_str()).or_default();
                k.2 += 1;
                let seen = key_journeys.entry(f.key.as_str()).or_default();
                seen.0.insert(journey);
                if f.origin == Origin::User {
                    seen.1.insert(journey);
                }
                if f.origin.is_prefill() {
                    prefilled += 1;
                    k.0 += 1;
                    let source = match f.origin {
                        Origin::Declared => f.source.clone().unwrap_or_else(|| "declared".into()),
                        other => other.as_str().to_string(),
                    };
                    *by_source.entry(source).or_default() += 1;
                    if f.overwritten {
                        overwritten += 1;
                        k.1 += 1;
                    }
                }
            }
        }
    }
    let overwritten_by_key: Vec<Share> = per_key
        .iter()
        .map(|(key, &(pre, over, _))| Share {
            key: key.to_string(),
            count: over,
            of: pre,
        })
        .collect();
    let typed_often: Vec<Share> = key_journeys
        .iter()
        .map(|(key, (appeared, typed))| Share {
            key: key.to_string(),
            count: typed.len() as i64,
            of: appeared.len() as i64,
        })
        .filter(|s| s.count * 2 > s.of)
        .collect();
    let mut coverage: Vec<Share> = per_key
        .iter()
        .map(|(key, &(pre, _, all))| Share {
            key: key.to_string(),
            count: pre,
            of: all,
        })
        .collect();
    coverage.sort_by(|a, b| b.of.cmp(&a.of).then_with(|| a.key.cmp(&b.key)));
    let (journeys_with_forms, journeys_with_prefill) =
        (with_forms.len() as i64, with_prefill.len() as i64);
    json!({
        "fields": fields,
        "prefilled": prefilled,
        "prefilled_pct": pct(prefilled, fields),
        "by_source": top_list(&by_source),
        "forms": forms,
        "forms_with_prefill": forms_with_prefill,
        "forms_with_prefill_pct": pct(forms_with_prefill, forms),
        "overwritten_pct": pct(overwritten, prefilled),
        "overwritten_by_key": shares_list(overwritten_by_key),
        "typed_often": shares_list(typed_often),
        "coverage": coverage.iter().take(20).map(Share::to_json).collect::<Vec<_>>(),
        "journeys_with_forms": journeys_with_forms,
        "journeys_with_prefill": journeys_with_prefill,
        "journeys_with_prefill_pct": pct(journeys_with_prefill, journeys_with_forms),
        "pass": (journeys_with_forms > 0).then_some(journeys_with_prefill == journeys_with_forms),
    })
}

/// Form friction: per counter and key, a count's total or a duration's mean over the page
/// views that measured it (the README's "How the report counts"); where abandoned journeys
/// stopped.
pub fn friction(covered: &[&JourneyFacts<'_>]) -> Value {
    // (name, is a duration, the value a field carries: None when the beacon leaves it out).
    type Read = fn(&crate::model::Field) -> Option<i64>;
    let counters: [(&str, bool, Read); 7] = [
        ("invalid", false, |f| (f.invalid > 0).then_some(f.invalid)),
        ("corrections", false, |f| {
            (f.corrections > 0).then_some(f.corrections)
        }),
        ("hesitation_ms", true, |f| f.hesitation_ms),
        ("pastes", false, |f| (f.pastes > 0).then_some(f.pastes)),
        ("visits", false, |f| (f.visits > 0).then_some(f.visits)),
        ("refocus", false, |f| (f.refocus > 0).then_some(f.refocus)),
        ("focus_ms", true, |f| (f.focus_ms > 0).then_some(f.focus_ms)),
    ];
    let mut out = serde_json::Map::new();
    for (name, duration, read) in counters {
        let mut acc: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for (_, beacon) in page_views(covered) {
            for f in beacon.forms.iter().flat_map(|form| &form.fields) {
                if let Some(v) = read(f) {
                    let a = acc.entry(f.key.clone()).or_default();
                    a.0 += v;
                    a.1 += 1;
                }
            }
        }
        let figures: BTreeMap<String, i64> = acc
            .into_iter()
            .map(|(k, (sum, n))| (k, if duration { mean(sum, n) } else { sum }))
            .collect();
        out.insert(name.into(), top_list(&figures));
    }
    let mut abandoned_at: BTreeMap<String, i64> = BTreeMap::new();
    for j in covered
        .iter()
        .filter(|j| j.standing == Some(Standing::Abandoned))
    {
        let place = match j.end.and_then(|e| e.journey.last_field.clone()) {
            Some(field) => field,
            None => {
                let last = j
                    .beacons
                    .iter()
                    .filter(|r| r.beacon.trigger != Trigger::Rating)
                    .max_by(|a, b| last_key(a).cmp(&last_key(b)))
                    .unwrap();
                last.beacon.path.clone()
            }
        };
        *abandoned_at.entry(place).or_default() += 1;
    }
    out.insert("abandoned_at".into(), top_list(&abandoned_at));
    Value::Object(out)
}

/// p75 of each figure over `speeds` (`null` where none has it).
fn p75s(speeds: &[&Speed]) -> [Option<i64>; 6] {
    let figure = |get: fn(&Speed) -> Option<i64>| {
        p75(&speeds.iter().filter_map(|s| get(s)).collect::<Vec<_>>())
    };
    [
        figure(|s| s.ttfb_ms),
        figure(|s| s.server_ms),
        figure(|s| s.fcp_ms),
        figure(|s| s.lcp_ms),
        figure(|s| s.cls_x1000),
        figure(|s| s.inp_ms),
    ]
}

fn p75_json(p: &[Option<i64>; 6]) -> Value {
    json!({
        "ttfb_ms": p[0], "server_ms": p[1], "fcp_ms": p[2],
        "lcp_ms": p[3], "cls_x1000": p[4], "inp_ms": p[5],
    })
}

/// Every measured p75 within its threshold (TTFB 800, FCP 1800, LCP 2500, CLS 100, INP 200;
/// the server's answer is not judged); `null` when none of those is measured.
fn good(p: &[Option<i64>; 6]) -> Option<bool> {
    let judged = [
        (p[0], 800),
        (p[2], 1_800),
        (p[3], 2_500),
        (p[4], 100),
        (p[5], 200),
    ];
    let measured: Vec<bool> = judged
        .iter()
        .filter_map(|(v, limit)| v.map(|v| v <= *limit))
        .collect();
    (!measured.is_empty()).then(|| measured.iter().all(|g| *g))
}

/// Page speed over the page views that measured anything.
pub fn speed(covered: &[&JourneyFacts<'_>]) -> Value {
    let views: Vec<(&str, &Speed)> = page_views(covered)
        .into_iter()
        .filter_map(|(_, b)| {
            b.speed
                .as_ref()
                .filter(|s| s.measured())
                .map(|s| (b.path.as_str(), s))
        })
        .collect();
    let all: Vec<&Speed> = views.iter().map(|(_, s)| *s).collect();
    let overall = p75s(&all);
    let mut by_path: BTreeMap<&str, Vec<&Speed>> = BTreeMap::new();
    for (path, s) in &views {
        by_path.entry(path).or_default().push(s);
    }
    let mut steps: Vec<(Option<i64>, &str, Value)> = by_path
        .iter()
        .map(|(path, speeds)| {
            let p = p75s(speeds);
            let row =
                json!({"name": path, "views": speeds.len(), "p75": p75_json(&p), "good": good(&p)});
            (p[3], *path, row)
        })
        .collect();
    // Slowest LCP first, unmeasured last, then by name.
    steps.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.1.cmp(b.1)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.cmp(b.1),
    });
    let mut inp_by_field: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for (_, s) in &views {
        if let (Some(inp), Some(key)) = (s.inp_ms, s.inp_field.as_deref()) {
            inp_by_field.entry(key).or_default().push(inp);
        }
    }
    let mut slow: Vec<(i64, &str, usize)> = inp_by_field
        .iter()
        .map(|(key, v)| (p75(v).unwrap(), *key, v.len()))
        .collect();
    slow.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    json!({
        "views": views.len(),
        "overall": p75_json(&overall),
        "steps": steps.into_iter().map(|(.., row)| row).collect::<Vec<_>>(),
        "slow_fields": slow
            .into_iter()
            .take(10)
            .map(|(p, key, views)| json!({"key": key, "views": views, "inp_p75_ms": p}))
            .collect::<Vec<_>>(),
        "good": good(&overall),
    })
}
