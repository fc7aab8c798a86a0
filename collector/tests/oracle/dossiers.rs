//! The oracle's criterion 3 (definition 8): dossiers whose result was returned in the period,
//! from the back office's posts as made by the report's moment, a re-posted event replacing
//! the time it carried.

use super::arith::{mean, one_decimal};
use super::expected::Period;
use super::processing::Post;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A dossier's events: event → (channel, at), the last post winning.
type DossierEvents<'a> = BTreeMap<&'a str, (&'a str, i64)>;

/// Criterion 3 of `service` (all services for `None`; the portal filter does not apply).
pub fn criterion3(posts: &[&Post], service: Option<&str>, period: &Period) -> Value {
    let mut events: BTreeMap<(&str, &str), DossierEvents<'_>> = BTreeMap::new();
    for post in posts {
        for e in &post.events {
            events
                .entry((e.dossier.as_str(), e.service))
                .or_default()
                .insert(e.event, (e.channel, e.at_ms));
        }
    }
    // channel → (dossiers, sum of processing times)
    let mut channels: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for ((_, dossier_service), ev) in &events {
        if service.is_some_and(|s| s != *dossier_service) {
            continue;
        }
        let (Some(&(_, received)), Some(&(channel, returned))) =
            (ev.get("received"), ev.get("returned"))
        else {
            continue;
        };
        if returned < received || returned < period.from_ms || returned >= period.to_ms {
            continue;
        }
        let acc = channels.entry(channel).or_default();
        acc.0 += 1;
        acc.1 += returned - received;
    }
    let channel = |name: &str| {
        channels
            .get(name)
            .map(|&(n, sum)| json!({"dossiers": n, "mean_ms": mean(sum, n)}))
    };
    let (shorter, pass) = match (channels.get("online"), channels.get("in_person")) {
        (Some(&(o_n, o_sum)), Some(&(p_n, p_sum))) if p_sum > 0 => {
            let (o_n, o_sum, p_n, p_sum) = (
                i128::from(o_n),
                i128::from(o_sum),
                i128::from(p_n),
                i128::from(p_sum),
            );
            // (in_person_mean − online_mean) / in_person_mean, exactly from the sums.
            let num = p_sum * o_n - o_sum * p_n;
            let den = p_sum * o_n;
            (
                Some(one_decimal(100 * num, den)),
                Some(100 * num >= i128::from(period.shorter_pct) * den),
            )
        }
        _ => (None, None),
    };
    json!({
        "online": channel("online"),
        "in_person": channel("in_person"),
        "shorter_pct": shorter,
        "pass": pass,
    })
}
