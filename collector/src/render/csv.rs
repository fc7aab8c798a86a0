//! The report as CSV: `section,metric,value`, one row per figure.

use std::fmt::Write;

use super::printable;
use crate::report::Report;

/// One CSV field, quoted when it needs to be.
fn csv_field(text: &str) -> String {
    let text = &printable(text);
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// CSV: `section,metric,value`, one row per figure.
pub fn csv(report: &Report) -> String {
    let mut rows: Vec<(String, String, String)> = Vec::new();
    let mut add = |section: &str, metric: &str, value: String| {
        rows.push((section.into(), metric.into(), value));
    };
    let opt = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
    let optf = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.1}"));
    let pass = |v: Option<bool>| v.map_or(String::new(), |v| v.to_string());
    let f = &report.filter;
    add("period", "from_ms", f.from_ms.to_string());
    add("period", "to_ms", f.to_ms.to_string());
    add("period", "service", f.service.clone().unwrap_or_default());
    add("period", "portal", f.portal.clone().unwrap_or_default());
    let j = &report.journeys;
    for (m, v) in [
        ("seen", j.seen),
        ("started", j.started),
        ("submitted", j.submitted),
        ("abandoned", j.abandoned),
        ("expired", j.expired),
        ("in_progress", j.in_progress),
    ] {
        add("journeys", m, v.to_string());
    }
    add("journeys", "completion_pct", optf(j.completion_pct));
    let c2 = &report.criterion2;
    add("criterion2", "target_ms", c2.target_ms.to_string());
    for (name, s) in [("duration", c2.duration), ("active", c2.active)] {
        add("criterion2", &format!("{name}_n"), opt(s.map(|s| s.n)));
        add(
            "criterion2",
            &format!("{name}_mean_ms"),
            opt(s.map(|s| s.mean_ms)),
        );
        add(
            "criterion2",
            &format!("{name}_median_ms"),
            opt(s.map(|s| s.median_ms)),
        );
        add(
            "criterion2",
            &format!("{name}_p75_ms"),
            opt(s.map(|s| s.p75_ms)),
        );
        add(
            "criterion2",
            &format!("{name}_p90_ms"),
            opt(s.map(|s| s.p90_ms)),
        );
    }
    add(
        "criterion2",
        "within_target_pct",
        optf(c2.within_target_pct),
    );
    add("criterion2", "pass", pass(c2.pass));
    for (i, n) in c2.histogram.iter().enumerate() {
        add("criterion2", &format!("histogram_min_{i}"), n.to_string());
    }
    for s in &c2.steps {
        add(
            "step",
            &format!("{}:position", s.name),
            format!("{:.1}", s.position),
        );
        add(
            "step",
            &format!("{}:mean_ms", s.name),
            s.mean_ms.to_string(),
        );
        add(
            "step",
            &format!("{}:share_pct", s.name),
            format!("{:.1}", s.share_pct),
        );
    }
    let c1 = &report.criterion1;
    add("criterion1", "fields", c1.fields.to_string());
    add("criterion1", "prefilled", c1.prefilled.to_string());
    add("criterion1", "prefilled_pct", optf(c1.prefilled_pct));
    for s in &c1.by_source {
        add(
            "criterion1",
            &format!("source:{}", s.name),
            s.count.to_string(),
        );
    }
    add("criterion1", "forms", c1.forms.to_string());
    add(
        "criterion1",
        "journeys_with_prefill_pct",
        optf(c1.journeys_with_prefill_pct),
    );
    add(
        "criterion1",
        "forms_with_prefill_pct",
        optf(c1.forms_with_prefill_pct),
    );
    add("criterion1", "overwritten_pct", optf(c1.overwritten_pct));
    for k in &c1.overwritten_by_key {
        add(
            "criterion1",
            &format!("overwritten:{}", k.key),
            format!("{:.1}", k.pct),
        );
    }
    for k in &c1.typed_often {
        add(
            "criterion1",
            &format!("typed_often:{}", k.key),
            format!("{:.1}", k.pct),
        );
    }
    add("criterion1", "pass", pass(c1.pass));
    let fr = &report.friction;
    let lists = fr.counters.iter().map(|(c, list)| (c.name, list));
    for (m, list) in lists.chain([("abandoned_at", &fr.abandoned_at)]) {
        for c in list {
            add("friction", &format!("{m}:{}", c.name), c.count.to_string());
        }
    }
    let c3 = &report.criterion3;
    for (name, p) in [("online", c3.online), ("in_person", c3.in_person)] {
        add(
            "criterion3",
            &format!("{name}_dossiers"),
            opt(p.map(|p| p.dossiers)),
        );
        add(
            "criterion3",
            &format!("{name}_mean_ms"),
            opt(p.map(|p| p.mean_ms)),
        );
    }
    add("criterion3", "shorter_pct", optf(c3.shorter_pct));
    add("criterion3", "pass", pass(c3.pass));
    let c4 = &report.criterion4;
    add("criterion4", "answered", c4.answered.to_string());
    add("criterion4", "dismissed", c4.dismissed.to_string());
    add("criterion4", "satisfied", c4.satisfied.to_string());
    add("criterion4", "satisfied_pct", optf(c4.satisfied_pct));
    for (i, n) in c4.scores.iter().enumerate() {
        add("criterion4", &format!("score_{}", i + 1), n.to_string());
    }
    for r in &c4.reasons {
        add(
            "criterion4",
            &format!("reason:{}", r.name),
            r.count.to_string(),
        );
    }
    add("criterion4", "pass", pass(c4.pass));
    let sp = &report.speed;
    add("speed", "views", sp.views.to_string());
    for st in std::iter::once(("all", &sp.overall))
        .chain(sp.steps.iter().map(|s| (s.name.as_str(), &s.p75)))
    {
        let (name, p) = st;
        for (metric, v) in [
            ("ttfb_p75_ms", p.ttfb_ms),
            ("server_p75_ms", p.server_ms),
            ("fcp_p75_ms", p.fcp_ms),
            ("lcp_p75_ms", p.lcp_ms),
            ("cls_p75_x1000", p.cls_x1000),
            ("inp_p75_ms", p.inp_ms),
        ] {
            add("speed", &format!("{name}:{metric}"), opt(v));
        }
    }
    for f in &sp.slow_fields {
        add(
            "speed",
            &format!("slow_field:{}", f.key),
            f.inp_p75_ms.to_string(),
        );
    }
    add("speed", "good", pass(sp.good));
    for s in &report.services {
        add(
            "service",
            &format!("{}:started", s.service),
            s.started.to_string(),
        );
        add(
            "service",
            &format!("{}:submitted", s.service),
            s.submitted.to_string(),
        );
        add("service", &format!("{}:mean_ms", s.service), opt(s.mean_ms));
    }
    let mut out = String::from("section,metric,value\n");
    for (s, m, v) in rows {
        let _ = writeln!(out, "{},{},{}", csv_field(&s), csv_field(&m), csv_field(&v));
    }
    out
}
