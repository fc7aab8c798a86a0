//! Form friction: the fields at the top of each per-field counter, and where abandoned
//! journeys stopped.

use std::collections::BTreeMap;

use serde::Serialize;

use super::stats::*;
use super::*;

/// Where citizens struggle: the fields at the top of each counter of
/// [`crate::counters::COUNTERS`], and where abandoned journeys stopped. Written as one object
/// with a list per counter name (`"invalid": […]`, …) and `"abandoned_at"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Friction {
    /// Per counter, in the table's order: the fields with the highest total or mean.
    pub counters: Vec<(crate::counters::Counter, Vec<Count>)>,
    /// Where abandoned journeys stopped: the last field touched, else the last page.
    pub abandoned_at: Vec<Count>,
}

impl Serialize for Friction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.counters.len() + 1))?;
        for (counter, fields) in &self.counters {
            map.serialize_entry(counter.name, fields)?;
        }
        map.serialize_entry("abandoned_at", &self.abandoned_at)?;
        map.end()
    }
}

pub(super) fn friction(input: &ReportInput, now_ms: i64) -> Friction {
    use crate::counters::{Summary, COUNTERS};
    let mut sums: BTreeMap<(&str, &str), (i64, i64)> = BTreeMap::new();
    for c in &input.counters {
        let acc = sums.entry((&c.name, &c.key)).or_default();
        add(&mut acc.0, c.sum);
        add(&mut acc.1, c.views);
    }
    let counters = COUNTERS
        .iter()
        .map(|counter| {
            let fields = sums
                .range((counter.name, "")..)
                .take_while(|((name, _), _)| *name == counter.name)
                .filter(|(_, (_, views))| *views > 0)
                .map(|((_, key), (sum, views))| Count {
                    name: key.to_string(),
                    count: match counter.summary {
                        Summary::Total => *sum,
                        Summary::Mean => mean(*sum, *views),
                    },
                })
                .collect();
            (*counter, top(fields))
        })
        .collect();
    let mut abandoned_at: BTreeMap<String, i64> = BTreeMap::new();
    for j in input
        .journeys
        .iter()
        .filter(|j| j.started && judge(j, now_ms) == Judged::Abandoned)
    {
        let at = j.last_field.clone().unwrap_or_else(|| j.last_path.clone());
        *abandoned_at.entry(at).or_default() += 1;
    }
    Friction {
        counters,
        abandoned_at: top(abandoned_at
            .into_iter()
            .map(|(name, count)| Count { name, count })
            .collect()),
    }
}
