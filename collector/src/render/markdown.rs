//! The report as Markdown: the monthly report to the ministry, Vietnamese first with English
//! in parentheses.

use std::fmt::Write;

use super::{minutes, opt_pct, printable, verdict};
use crate::report::{Count, KeyShare, Report, Spread};

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
        crate::period::format_utc_ms(f.from_ms),
        crate::period::format_utc_ms(f.to_ms),
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
    for (counter, list) in &fr.counters {
        count_table(&mut out, counter.title, counter.unit, list);
    }
    count_table(
        &mut out,
        "Nơi hành trình bị bỏ dở (where abandoned journeys stopped)",
        "hành trình",
        &fr.abandoned_at,
    );
    let c3 = &report.criterion3;
    let channel = |p: Option<crate::report::Processing>| {
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
