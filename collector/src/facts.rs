//! The measurements a report needs, read out of a beacon that passed the schema: the journey's
//! state and end, its steps, and the page's forms and fields. Stores keep them in columns and
//! side tables, so that the report is queries, not a re-read of every beacon body.

use serde_json::Value;

/// The report-relevant content of one beacon.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// `page.n`: the page view within the journey.
    pub page_n: i64,
    /// `journey.logged_in`.
    pub logged_in: bool,
    /// `journey.outcome`: `submitted`, `abandoned` or `expired`.
    pub outcome: Option<String>,
    /// `journey.duration_ms` (login to submission).
    pub duration_ms: Option<i64>,
    /// `journey.since_login_ms`: the journey clock when the beacon was made (it stops at the
    /// submission, so no true beacon of a journey shows more than its end's duration).
    pub since_login_ms: Option<i64>,
    /// `journey.active_ms`.
    pub active_ms: Option<i64>,
    /// `journey.hidden_ms`.
    pub hidden_ms: Option<i64>,
    /// `journey.target_s`.
    pub target_s: i64,
    /// `journey.last_field` (on an abandoned journey).
    pub last_field: Option<String>,
    /// `journey.steps` (on a journey that ended).
    pub steps: Vec<StepFact>,
    /// `satisfaction`: 1–5 for a score, 0 for a dismissal (trigger `rating` only).
    pub rating: Option<i64>,
    /// `satisfaction.reasons`, comma-separated.
    pub reasons: Option<String>,
    /// `page.speed`, if measured.
    pub speed: Option<SpeedFact>,
    /// `forms[]` with their counts.
    pub forms: Vec<FormFact>,
    /// `forms[].fields[]`, each with its form's key.
    pub fields: Vec<FieldFact>,
}

/// A page view's speed (`page.speed`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpeedFact {
    /// Time to first byte, ms.
    pub ttfb_ms: Option<i64>,
    /// The server's answer to the submission that led here, ms.
    pub server_ms: Option<i64>,
    /// First contentful paint, ms.
    pub fcp_ms: Option<i64>,
    /// Largest contentful paint, ms.
    pub lcp_ms: Option<i64>,
    /// Cumulative layout shift × 1000.
    pub cls_x1000: Option<i64>,
    /// Interaction to next paint, ms.
    pub inp_ms: Option<i64>,
    /// The field whose interaction set INP.
    pub inp_field: Option<String>,
}

/// One step of an ended journey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFact {
    /// Scrubbed path or the portal's step name.
    pub name: String,
    /// Its time since login, ms.
    pub ms: i64,
    /// Of it, active, ms.
    pub active_ms: i64,
}

/// One form of a page view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormFact {
    /// The form's key.
    pub key: String,
    /// Fields, pre-filled, typed, overwritten.
    pub total: i64,
    /// Pre-filled fields (declared, server, script).
    pub prefilled: i64,
    /// Fields the citizen typed.
    pub typed: i64,
    /// Pre-filled fields the citizen changed.
    pub overwritten: i64,
}

/// One field of a page view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldFact {
    /// Its form's key.
    pub form: String,
    /// The field's key.
    pub key: String,
    /// Where its value came from.
    pub origin: String,
    /// The declared database, if any.
    pub source: Option<String>,
    /// A pre-filled value the citizen changed.
    pub overwritten: bool,
    /// The counters of [`crate::counters::COUNTERS`] the beacon carries, by name, in the
    /// table's order (an absent counter has no row: zero, or a duration not measured).
    pub counters: Vec<(&'static str, i64)>,
}

fn int(v: Option<&Value>) -> Option<i64> {
    v.and_then(|n| n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)))
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_owned)
}

/// Reads the facts out of a beacon that passed the schema (absent parts are empty).
pub fn read(beacon: &Value) -> Facts {
    let journey = beacon.get("journey");
    let j = |key: &str| journey.and_then(|j| j.get(key));
    let steps = j("steps")
        .and_then(Value::as_array)
        .map(|steps| {
            steps
                .iter()
                .map(|s| StepFact {
                    name: text(s.get("name")).unwrap_or_default(),
                    ms: int(s.get("ms")).unwrap_or(0),
                    active_ms: int(s.get("active_ms")).unwrap_or(0),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut forms = Vec::new();
    let mut fields = Vec::new();
    for form in beacon
        .get("forms")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = text(form.get("key")).unwrap_or_default();
        let count = |k: &str| int(form.get(k)).unwrap_or(0);
        forms.push(FormFact {
            key: key.clone(),
            total: count("total"),
            prefilled: count("prefilled"),
            typed: count("typed"),
            overwritten: count("overwritten"),
        });
        for field in form
            .get("fields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let flag = |k: &str| field.get(k).and_then(Value::as_bool).unwrap_or(false);
            fields.push(FieldFact {
                form: key.clone(),
                key: text(field.get("key")).unwrap_or_default(),
                origin: text(field.get("origin")).unwrap_or_default(),
                source: text(field.get("source")),
                overwritten: flag("overwritten"),
                counters: crate::counters::COUNTERS
                    .iter()
                    .filter_map(|c| Some((c.name, int(field.get(c.name))?)))
                    .collect(),
            });
        }
    }
    let satisfaction = beacon.get("satisfaction");
    let rating = satisfaction.map(|s| int(s.get("score")).unwrap_or(0));
    let reasons = satisfaction
        .and_then(|s| s.get("reasons"))
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(",")
        })
        .filter(|r| !r.is_empty());
    let speed = beacon.pointer("/page/speed").map(|sp| SpeedFact {
        ttfb_ms: int(sp.get("ttfb_ms")),
        server_ms: int(sp.get("server_ms")),
        fcp_ms: int(sp.get("fcp_ms")),
        lcp_ms: int(sp.get("lcp_ms")),
        cls_x1000: int(sp.get("cls_x1000")),
        inp_ms: int(sp.get("inp_ms")),
        inp_field: text(sp.get("inp_field")),
    });
    Facts {
        speed,
        rating,
        reasons,
        page_n: int(beacon.pointer("/page/n")).unwrap_or(0),
        logged_in: j("logged_in").and_then(Value::as_bool).unwrap_or(false),
        outcome: text(j("outcome")),
        duration_ms: int(j("duration_ms")),
        since_login_ms: int(j("since_login_ms")),
        active_ms: int(j("active_ms")),
        hidden_ms: int(j("hidden_ms")),
        target_s: int(j("target_s")).unwrap_or(0),
        last_field: text(j("last_field")),
        steps,
        forms,
        fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_example() {
        let example: Value =
            serde_json::from_str(include_str!("../../schema/examples/beacon.json")).unwrap();
        let facts = read(&example);
        assert!(facts.logged_in);
        assert_eq!(facts.target_s, 300);
        assert!(!facts.forms.is_empty());
        assert_eq!(facts.fields.len(), {
            example["forms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["fields"].as_array().unwrap().len())
                .sum::<usize>()
        });
        assert!(facts
            .fields
            .iter()
            .all(|f| !f.key.is_empty() && !f.origin.is_empty()));
    }

    #[test]
    fn reads_an_ended_journey() {
        let beacon = serde_json::json!({
            "page": {"n": 3},
            "journey": {"logged_in": true, "outcome": "submitted", "duration_ms": 197000,
                "active_ms": 150000, "target_s": 300,
                "steps": [{"name": "/a", "ms": 1000, "active_ms": 900}]}
        });
        let facts = read(&beacon);
        assert_eq!(facts.page_n, 3);
        assert_eq!(facts.outcome.as_deref(), Some("submitted"));
        assert_eq!(
            (facts.duration_ms, facts.active_ms),
            (Some(197_000), Some(150_000))
        );
        assert_eq!(
            facts.steps,
            [StepFact {
                name: "/a".into(),
                ms: 1000,
                active_ms: 900
            }]
        );
    }
}
