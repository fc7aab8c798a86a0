//! The report as text: JSON (the API's and the CLI's), CSV (one `section,metric,value` row per
//! figure, for spreadsheets) and Markdown (the monthly report to the ministry).

use std::fmt::Write;

use super::{Count, KeyShare, Report, Spread};

/// Pretty-printed JSON.
pub fn json(report: &Report) -> String {
    let mut text =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}

/// `m:ss` of a duration in ms.
pub fn minutes(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

fn opt_pct(p: Option<f64>) -> String {
    p.map_or("–".into(), |p| format!("{p:.1} %"))
}

fn verdict(pass: Option<bool>) -> &'static str {
    match pass {
        Some(true) => "ĐẠT (pass)",
        Some(false) => "CHƯA ĐẠT (fail)",
        None => "chưa đủ dữ liệu (no data)",
    }
}

/// `text` with every character that could steer a terminal or reorder what a reader sees
/// written as `\u{XXXX}`: control characters (C0, DEL, C1: escape sequences) and the
/// invisible ones that change direction or break lines (U+061C, U+200E–U+200F, U+2028–U+202E,
/// U+2066–U+2069). The schema refuses control characters already; this is the last gate of
/// every text output, so that data stored before (or by another collector) cannot print them.
pub fn printable(text: &str) -> String {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hidden) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if hidden(c) {
                format!("\\u{{{:04x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

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
    for (m, list) in [
        ("invalid", &report.friction.invalid),
        ("corrections", &report.friction.corrections),
        ("hesitation_ms", &report.friction.hesitation_ms),
        ("abandoned_at", &report.friction.abandoned_at),
    ] {
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

fn md_escape(text: &str) -> String {
    printable(text).replace('|', "\\|")
}

fn spread_row(label: &str, s: Option<Spread>) -> String {
    match s {
        Some(s) => format!(
            "| {label} | {} | {} | {} | {} | {} |\n",
            s.n,
            minutes(s.mean_ms),
            minutes(s.median_ms),
            minutes(s.p75_ms),
            minutes(s.p90_ms)
        ),
        None => format!("| {label} | 0 | – | – | – | – |\n"),
    }
}

fn count_table(out: &mut String, title: &str, unit: &str, rows: &[Count]) {
    let _ = writeln!(out, "\n**{title}**\n");
    if rows.is_empty() {
        out.push_str("(không có — none)\n");
        return;
    }
    let _ = writeln!(out, "| trường (field) | {unit} |\n|---|---:|");
    for c in rows {
        let _ = writeln!(out, "| {} | {} |", md_escape(&c.name), c.count);
    }
}

fn share_table(out: &mut String, title: &str, rows: &[KeyShare]) {
    let _ = writeln!(out, "\n**{title}**\n");
    if rows.is_empty() {
        out.push_str("(không có — none)\n");
        return;
    }
    out.push_str("| trường (field) | số lần | trên | % |\n|---|---:|---:|---:|\n");
    for k in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.1} % |",
            md_escape(&k.key),
            k.count,
            k.of,
            k.pct
        );
    }
}

/// Markdown, Vietnamese first with English in parentheses.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let f = &report.filter;
    let _ = writeln!(
        out,
        "# Báo cáo chất lượng trải nghiệm dịch vụ công trực tuyến (QCVN report)\n\n\
         - Dịch vụ (service): {}\n- Cổng (portal): {}\n- Kỳ báo cáo (period): {} → {} (UTC)\n",
        f.service.as_deref().unwrap_or("tất cả (all)"),
        f.portal.as_deref().unwrap_or("tất cả (all)"),
        crate::list::format_utc_ms(f.from_ms),
        crate::list::format_utc_ms(f.to_ms),
    );
    let j = &report.journeys;
    let _ = writeln!(
        out,
        "## Hành trình (journeys)\n\n| bắt đầu (started) | nộp thành công (submitted) | bỏ dở (abandoned) | hết hạn (expired) | đang làm (in progress) | tỉ lệ hoàn thành (completion) |\n|---:|---:|---:|---:|---:|---:|\n| {} | {} | {} | {} | {} | {} |",
        j.started, j.submitted, j.abandoned, j.expired, j.in_progress, opt_pct(j.completion_pct)
    );
    let c2 = &report.criterion2;
    let _ = writeln!(
        out,
        "\n## Tiêu chí 2 — thời gian từ đăng nhập đến nộp thành công (criterion 2)\n\n\
         Mục tiêu (target): trung bình dưới {} — **{}**; trong mục tiêu (within target): {}\n\n\
         | | số (n) | trung bình (mean) | trung vị (median) | p75 | p90 |\n|---|---:|---:|---:|---:|---:|",
        minutes(c2.target_ms),
        verdict(c2.pass),
        opt_pct(c2.within_target_pct)
    );
    out.push_str(&spread_row("tổng (total)", c2.duration));
    out.push_str(&spread_row("thao tác (active)", c2.active));
    out.push_str("\n**Theo bước, theo thứ tự hành trình (per step, in journey order)**\n\n| vị trí (position) | bước (step) | hành trình | trung bình | % thời gian |\n|---:|---|---:|---:|---:|\n");
    let costliest = c2.steps.iter().map(|s| s.mean_ms).max().unwrap_or(0);
    for s in &c2.steps {
        let mark = if costliest > 0 && s.mean_ms == costliest {
            " — tốn nhất (costliest)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| {:.1} | {}{mark} | {} | {} | {:.1} % |",
            s.position,
            md_escape(&s.name),
            s.journeys,
            minutes(s.mean_ms),
            s.share_pct
        );
    }
    let c1 = &report.criterion1;
    let _ = writeln!(
        out,
        "\n## Tiêu chí 1 — biểu mẫu tự điền dữ liệu sẵn có (criterion 1) — **{}**\n\n\
         - Trường được điền sẵn (fields pre-filled): {} / {} ({})\n\
         - Hành trình gặp dữ liệu điền sẵn (journeys with pre-fill): {} / {} ({})\n\
         - Biểu mẫu có điền sẵn (forms with pre-fill): {} / {} ({})\n\
         - Giá trị điền sẵn bị người dân sửa (pre-filled values changed): {}",
        verdict(c1.pass),
        c1.prefilled,
        c1.fields,
        opt_pct(c1.prefilled_pct),
        c1.journeys_with_prefill,
        c1.journeys_with_forms,
        opt_pct(c1.journeys_with_prefill_pct),
        c1.forms_with_prefill,
        c1.forms,
        opt_pct(c1.forms_with_prefill_pct),
        opt_pct(c1.overwritten_pct)
    );
    count_table(
        &mut out,
        "Nguồn điền sẵn (pre-filled by source)",
        "trường (fields)",
        &c1.by_source,
    );
    share_table(
        &mut out,
        "Điền sẵn bị sửa nhiều nhất (pre-fills most changed: the data is wrong)",
        &c1.overwritten_by_key,
    );
    share_table(
        &mut out,
        "Trường người dân vẫn phải tự nhập (fields still typed: a database could supply them)",
        &c1.typed_often,
    );
    out.push_str("\n## Điểm vướng (form friction)\n");
    let fr = &report.friction;
    count_table(
        &mut out,
        "Lỗi nhập nhiều nhất (most validation failures)",
        "lỗi",
        &fr.invalid,
    );
    count_table(
        &mut out,
        "Sửa nhiều nhất (most corrections)",
        "lần sửa",
        &fr.corrections,
    );
    count_table(
        &mut out,
        "Do dự lâu nhất (longest hesitation)",
        "ms",
        &fr.hesitation_ms,
    );
    count_table(
        &mut out,
        "Nơi hành trình bị bỏ dở (where abandoned journeys stopped)",
        "hành trình",
        &fr.abandoned_at,
    );
    let c3 = &report.criterion3;
    let channel = |p: Option<super::Processing>| {
        p.map_or("–".into(), |p| {
            format!("{} hồ sơ, trung bình {}", p.dossiers, minutes(p.mean_ms))
        })
    };
    let _ = writeln!(
        out,
        "\n## Tiêu chí 3 — thời gian xử lý trực tuyến so với trực tiếp (criterion 3) — **{}**\n\n\
         - Trực tuyến (online): {}\n- Trực tiếp (in person): {}\n- Ngắn hơn (shorter by): {} (mục tiêu ≥ {} %)",
        verdict(c3.pass),
        channel(c3.online),
        channel(c3.in_person),
        opt_pct(c3.shorter_pct),
        report.targets.processing_shorter_pct
    );
    let c4 = &report.criterion4;
    let _ = writeln!(
        out,
        "\n## Tiêu chí 4 — mức độ hài lòng (criterion 4) — **{}**\n\n\
         - Hài lòng (satisfied, 4–5): {} / {} ({}; mục tiêu ≥ {} %)\n\
         - Theo điểm 1–5 (per score): {:?}\n\
         - Bỏ qua câu hỏi (dismissed, not counted): {}",
        verdict(c4.pass),
        c4.satisfied,
        c4.answered,
        opt_pct(c4.satisfied_pct),
        report.targets.satisfied_pct,
        c4.scores,
        c4.dismissed
    );
    count_table(
        &mut out,
        "Lý do chưa hài lòng (reasons given)",
        "lần",
        &c4.reasons,
    );
    let sp = &report.speed;
    let _ = writeln!(
        out,
        "\n## Tốc độ trang (page speed) — {} lượt xem trang — **{}**\n\n\
         p75 so với ngưỡng tốt (good thresholds): TTFB ≤ 800 ms, FCP ≤ 1,8 s, LCP ≤ 2,5 s, CLS ≤ 0,1, INP ≤ 200 ms.\n\n\
         | bước (step) | lượt | TTFB | FCP | LCP | CLS | INP | máy chủ (server) |\n|---|---:|---:|---:|---:|---:|---:|---:|",
        sp.views,
        match sp.good {
            Some(true) => "tốt (good)",
            Some(false) => "cần cải thiện (needs improvement)",
            None => "chưa đủ dữ liệu (no data)",
        }
    );
    let ms = |v: Option<i64>| v.map_or("–".into(), |v| format!("{v} ms"));
    for (name, views, p) in std::iter::once(("tất cả (all)", sp.views, &sp.overall))
        .chain(sp.steps.iter().map(|s| (s.name.as_str(), s.views, &s.p75)))
    {
        let _ = writeln!(
            out,
            "| {} | {views} | {} | {} | {} | {} | {} | {} |",
            md_escape(name),
            ms(p.ttfb_ms),
            ms(p.fcp_ms),
            ms(p.lcp_ms),
            p.cls_x1000
                .map_or("–".into(), |c| format!("{:.3}", c as f64 / 1000.0)),
            ms(p.inp_ms),
            ms(p.server_ms)
        );
    }
    let slow: Vec<Count> = sp
        .slow_fields
        .iter()
        .map(|f| Count {
            name: f.key.clone(),
            count: f.inp_p75_ms,
        })
        .collect();
    count_table(
        &mut out,
        "Trường phản hồi chậm nhất (slowest fields, p75 INP)",
        "ms",
        &slow,
    );
    if report.services.len() > 1 || f.service.is_none() {
        out.push_str("\n## Theo dịch vụ (per service)\n\n| dịch vụ | bắt đầu | nộp | trung bình | tiêu chí 2 |\n|---|---:|---:|---:|---|\n");
        for s in &report.services {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                md_escape(&s.service),
                s.started,
                s.submitted,
                s.mean_ms.map_or("–".into(), minutes),
                verdict(s.pass)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn printable_escapes_what_steers_a_terminal_or_reorders_text() {
        assert_eq!(printable("ho_ten"), "ho_ten");
        assert_eq!(printable("Họ và tên"), "Họ và tên");
        assert_eq!(printable("a\u{1b}[31mb"), "a\\u{001b}[31mb");
        assert_eq!(
            printable("x\u{202e}y\u{9b}z\n"),
            "x\\u{202e}y\\u{009b}z\\u{000a}"
        );
    }
}
