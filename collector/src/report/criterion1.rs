//! Criterion 1: forms reuse data the state holds (pre-fill coverage, overwritten pre-fills,
//! fields citizens still type).

use std::collections::BTreeMap;

use serde::Serialize;

use super::stats::*;
use super::*;

/// Criterion 1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion1 {
    /// Fields seen (last beacon of each page view, fields described one by one).
    pub fields: i64,
    /// Of them, pre-filled (declared, server, script).
    pub prefilled: i64,
    /// Pre-filled share, percent with one decimal.
    pub prefilled_pct: Option<f64>,
    /// Pre-filled fields by source: the declared database, or `server` / `script`.
    pub by_source: Vec<Count>,
    /// Forms seen, and of them with any pre-filled field.
    pub forms: i64,
    /// Forms with any pre-filled field.
    pub forms_with_prefill: i64,
    /// Share of forms with pre-fill, percent with one decimal.
    pub forms_with_prefill_pct: Option<f64>,
    /// Pre-filled values the citizen changed, share, percent with one decimal.
    pub overwritten_pct: Option<f64>,
    /// Per field key, pre-filled values changed (where the databases are wrong), most first.
    pub overwritten_by_key: Vec<KeyShare>,
    /// Field keys citizens typed in most journeys where they appeared (a database could
    /// supply them), most first.
    pub typed_often: Vec<KeyShare>,
    /// Per field key, how often it was pre-filled (the most seen keys first, at most 20).
    pub coverage: Vec<KeyShare>,
    /// Journeys that met a form.
    pub journeys_with_forms: i64,
    /// Of them, journeys that met data the state already holds, pre-filled.
    pub journeys_with_prefill: i64,
    /// Share of journeys with pre-fill, percent with one decimal.
    pub journeys_with_prefill_pct: Option<f64>,
    /// Every journey that met a form met pre-filled data (`None` without forms).
    pub pass: Option<bool>,
}

pub(super) const PREFILL: [&str; 3] = ["declared", "server", "script"];

pub(super) fn criterion1(input: &ReportInput) -> Criterion1 {
    let fields: i64 = total(input.fields.iter().map(|f| f.views));
    let prefilled_rows = input
        .fields
        .iter()
        .filter(|f| PREFILL.contains(&f.origin.as_str()));
    let prefilled: i64 = total(prefilled_rows.clone().map(|f| f.views));
    let overwritten: i64 = total(prefilled_rows.clone().map(|f| f.overwritten));
    let mut by_source: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_key: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for f in prefilled_rows {
        let source = match f.origin.as_str() {
            "declared" => f.source.clone().unwrap_or_else(|| "declared".into()),
            other => other.to_string(),
        };
        add(by_source.entry(source).or_default(), f.views);
        let entry = by_key.entry(&f.key).or_default();
        add(&mut entry.0, f.overwritten);
        add(&mut entry.1, f.views);
    }
    let (forms, forms_with_prefill) = input.forms;
    let mut seen: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for f in &input.fields {
        let e = seen.entry(&f.key).or_default();
        add(&mut e.1, f.views);
        if PREFILL.contains(&f.origin.as_str()) {
            add(&mut e.0, f.views);
        }
    }
    let mut coverage: Vec<KeyShare> = seen
        .into_iter()
        .map(|(key, (count, of))| KeyShare {
            key: key.to_string(),
            count,
            of,
            pct: pct(count, of).unwrap_or(0.0),
        })
        .collect();
    coverage.sort_by(|a, b| b.of.cmp(&a.of).then(a.key.cmp(&b.key)));
    coverage.truncate(2 * TOP);
    Criterion1 {
        coverage,
        fields,
        prefilled,
        prefilled_pct: pct(prefilled, fields),
        by_source: top(by_source
            .into_iter()
            .map(|(name, count)| Count { name, count })
            .collect()),
        forms,
        forms_with_prefill,
        forms_with_prefill_pct: pct(forms_with_prefill, forms),
        overwritten_pct: pct(overwritten, prefilled),
        overwritten_by_key: top_shares(
            by_key
                .into_iter()
                .map(|(key, (count, of))| KeyShare {
                    key: key.to_string(),
                    count,
                    of,
                    pct: pct(count, of).unwrap_or(0.0),
                })
                .collect(),
        ),
        typed_often: top_shares(
            input
                .keys
                .iter()
                .filter(|k| k.typed * 2 > k.journeys)
                .map(|k| KeyShare {
                    key: k.key.clone(),
                    count: k.typed,
                    of: k.journeys,
                    pct: pct(k.typed, k.journeys).unwrap_or(0.0),
                })
                .collect(),
        ),
        journeys_with_forms: input.form_journeys.0,
        journeys_with_prefill: input.form_journeys.1,
        journeys_with_prefill_pct: pct(input.form_journeys.1, input.form_journeys.0),
        pass: (input.form_journeys.0 > 0).then_some(input.form_journeys.1 == input.form_journeys.0),
    }
}
