//! The dashboard: the report as one server-rendered page, Vietnamese first, no script, charts
//! as inline SVG — the four criteria as pass/fail tiles, the journey-time histogram with the
//! target line, the per-step breakdown, pre-fill coverage by field and the friction tables.
//! Every chart also says its figures in text (a table or a caption) for screen readers.

use std::fmt::Write;

use super::minutes;
use crate::report::{Count, KeyShare, Report, StepStat};

/// Escapes text for HTML (control and direction-changing characters written out, see
/// [`super::printable`]).
pub fn esc(text: &str) -> String {
    super::printable(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Percent-encodes a query value.
fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const STYLE: &str = "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1a1a1a;background:#f6f6f4}
header{background:#a51b1b;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}header p{margin:2px 0 0;opacity:.9}
main{max-width:1100px;margin:0 auto;padding:16px 24px 40px}nav a{margin-right:12px;color:#0b4f8a}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(230px,1fr));gap:12px;margin:16px 0}
.tile{background:#fff;border:1px solid #c8c8c8;border-left:8px solid #767676;border-radius:6px;padding:10px 14px}
.tile.pass{border-left-color:#007a5a}.tile.fail{border-left-color:#b3261e}.tile h2{font-size:14px;margin:0 0 4px}
.tile .big{font-size:26px;font-weight:700}.tile .verdict{font-weight:700}.pass .verdict{color:#00573f}.fail .verdict{color:#8c1d18}
section{background:#fff;border:1px solid #c8c8c8;border-radius:6px;padding:12px 16px;margin:14px 0}
section h2{font-size:17px;margin:0 0 8px}table{border-collapse:collapse;width:100%;font-size:14px;display:block;overflow-x:auto}
@media (max-width:600px){main{padding:10px}header{padding:12px}section{padding:10px}td,th{padding:3px 5px}}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e4e4e4}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.bar{display:inline-block;height:10px;background:#0072b2;vertical-align:middle}.muted{color:#555}
svg text{font:12px system-ui,sans-serif;fill:#1a1a1a}";

fn verdict(pass: Option<bool>) -> (&'static str, &'static str) {
    match pass {
        Some(true) => ("pass", "✔ ĐẠT"),
        Some(false) => ("fail", "✘ CHƯA ĐẠT"),
        None => ("none", "— chưa đủ dữ liệu"),
    }
}

fn pct(p: Option<f64>) -> String {
    p.map_or("–".into(), |p| format!("{p:.1} %"))
}

fn tile(out: &mut String, title: &str, big: &str, target: &str, pass: Option<bool>) {
    let (class, word) = verdict(pass);
    let _ = write!(
        out,
        "<div class=\"tile {class}\"><h2>{}</h2><div class=\"big\">{}</div><div class=\"muted\">{}</div><div class=\"verdict\">{word}</div></div>",
        esc(title),
        esc(big),
        esc(target)
    );
}

/// The histogram of journey times, one bar per minute, with the target as a dashed line.
fn histogram(out: &mut String, report: &Report) {
    let c2 = &report.criterion2;
    let max = c2.histogram.iter().copied().max().unwrap_or(0).max(1);
    let (w, h, left, bottom) = (660.0, 220.0, 36.0, 28.0);
    let bar_w = (w - left) / c2.histogram.len() as f64;
    let _ = write!(
        out,
        "<svg role=\"img\" aria-labelledby=\"hist-title\" viewBox=\"0 0 {w} {h}\" width=\"100%\" style=\"max-width:{w}px\"><title id=\"hist-title\">Phân bố thời gian hành trình theo phút; mục tiêu {}</title>",
        minutes(c2.target_ms)
    );
    for (i, n) in c2.histogram.iter().enumerate() {
        let bh = (*n as f64 / max as f64) * (h - bottom - 16.0);
        let x = left + i as f64 * bar_w;
        let over = (i as i64) * 60_000 >= c2.target_ms;
        let _ = write!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{}\"><title>{} phút: {n}</title></rect><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{i}</text>",
            x + 2.0,
            h - bottom - bh,
            bar_w - 4.0,
            if over { "#d55e00" } else { "#0072b2" },
            i,
            x + bar_w / 2.0,
            h - 10.0
        );
        if *n > 0 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{n}</text>",
                x + bar_w / 2.0,
                h - bottom - bh - 3.0
            );
        }
    }
    let tx = left + (c2.target_ms as f64 / 60_000.0) * bar_w;
    let _ = write!(
        out,
        "<line x1=\"{tx:.1}\" y1=\"6\" x2=\"{tx:.1}\" y2=\"{:.1}\" stroke=\"#1a1a1a\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/><text x=\"{:.1}\" y=\"14\">mục tiêu {}</text><text x=\"{left}\" y=\"{h}\" class=\"muted\">phút</text></svg>",
        h - bottom,
        tx + 4.0,
        minutes(c2.target_ms)
    );
}

/// A table whose last column carries a bar proportional to its value.
fn bar_table(out: &mut String, head: [&str; 3], rows: &[(String, String, f64)]) {
    let _ = write!(out, "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"n\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>", head[0], head[1], head[2]);
    for (name, value, share) in rows {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td><span class=\"bar\" style=\"width:{:.0}px\"></span></td></tr>",
            esc(name),
            esc(value),
            (share * 3.0).clamp(0.0, 300.0)
        );
    }
    if rows.is_empty() {
        out.push_str("<tr><td colspan=\"3\" class=\"muted\">không có dữ liệu</td></tr>");
    }
    out.push_str("</tbody></table>");
}

/// The steps in journey order: where each comes, how many journeys went through it, its mean
/// time per submitted journey with its share and a bar; the costliest is named in words (not
/// by colour alone), and a last row adds the means up (the mean journey, within rounding).
fn step_table(out: &mut String, steps: &[StepStat]) {
    let max = steps.iter().map(|s| s.mean_ms).max().unwrap_or(0);
    out.push_str("<table><thead><tr><th scope=\"col\" class=\"n\">Vị trí</th><th scope=\"col\">Bước</th><th scope=\"col\" class=\"n\">Hành trình</th><th scope=\"col\" class=\"n\">Trung bình / hành trình</th><th scope=\"col\"></th></tr></thead><tbody>");
    for s in steps {
        let costliest = max > 0 && s.mean_ms == max;
        let _ = write!(
            out,
            "<tr><td class=\"n\">{:.1}</td><td>{}{}</td><td class=\"n\">{}</td><td class=\"n\">{} ({:.1} %)</td><td><span class=\"bar\" style=\"width:{:.0}px\"></span></td></tr>",
            s.position,
            esc(&s.name),
            if costliest { " <strong>(tốn thời gian nhất)</strong>" } else { "" },
            s.journeys,
            minutes(s.mean_ms),
            s.share_pct,
            (s.mean_ms as f64 / max.max(1) as f64 * 300.0).clamp(0.0, 300.0)
        );
    }
    if steps.is_empty() {
        out.push_str("<tr><td colspan=\"5\" class=\"muted\">không có dữ liệu</td></tr>");
    } else {
        let total: i64 = steps.iter().map(|s| s.mean_ms).sum();
        let _ = write!(
            out,
            "<tr><th scope=\"row\" colspan=\"3\">Cộng các bước</th><td class=\"n\">{}</td><td></td></tr>",
            minutes(total)
        );
    }
    out.push_str("</tbody></table>");
}

fn count_rows(list: &[Count], unit: &str) -> Vec<(String, String, f64)> {
    let max = list.iter().map(|c| c.count).max().unwrap_or(1).max(1) as f64;
    list.iter()
        .map(|c| {
            (
                c.name.clone(),
                format!("{} {unit}", c.count),
                c.count as f64 / max * 100.0,
            )
        })
        .collect()
}

fn share_rows(list: &[KeyShare]) -> Vec<(String, String, f64)> {
    list.iter()
        .map(|k| {
            (
                k.key.clone(),
                format!("{:.1} % ({}/{})", k.pct, k.count, k.of),
                k.pct,
            )
        })
        .collect()
}

/// Page speed per step: p75 of each figure, marked against the "good" thresholds.
fn speed_section(out: &mut String, report: &Report) {
    let sp = &report.speed;
    let (class, word) = verdict(sp.good);
    let _ = write!(
        out,
        "<section aria-labelledby=\"s-v\"><h2 id=\"s-v\">Tốc độ trang (p75)</h2><p>{} lượt xem trang · <span class=\"{class}\">{word}</span> · ngưỡng tốt: TTFB ≤ 800 ms, FCP ≤ 1,8 s, LCP ≤ 2,5 s, CLS ≤ 0,1, INP ≤ 200 ms</p><table><thead><tr><th scope=\"col\">Bước</th><th scope=\"col\" class=\"n\">Lượt</th><th scope=\"col\" class=\"n\">TTFB</th><th scope=\"col\" class=\"n\">FCP</th><th scope=\"col\" class=\"n\">LCP</th><th scope=\"col\" class=\"n\">CLS</th><th scope=\"col\" class=\"n\">INP</th><th scope=\"col\" class=\"n\">Máy chủ</th></tr></thead><tbody>",
        sp.views
    );
    let cell = |v: Option<i64>, good: Option<i64>, shown: String| match (v, good) {
        (Some(v), Some(g)) if v > g => format!("<td class=\"n\">✘ {shown}</td>"),
        (Some(_), Some(_)) => format!("<td class=\"n\">✔ {shown}</td>"),
        _ => format!("<td class=\"n\">{shown}</td>"),
    };
    let ms = |v: Option<i64>| v.map_or("–".into(), |v| format!("{v} ms"));
    for (name, views, p) in std::iter::once(("Tất cả", sp.views, &sp.overall))
        .chain(sp.steps.iter().map(|s| (s.name.as_str(), s.views, &s.p75)))
    {
        let g = crate::report::GOOD;
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{views}</td>{}{}{}{}{}<td class=\"n\">{}</td></tr>",
            esc(name),
            cell(p.ttfb_ms, g.ttfb_ms, ms(p.ttfb_ms)),
            cell(p.fcp_ms, g.fcp_ms, ms(p.fcp_ms)),
            cell(p.lcp_ms, g.lcp_ms, ms(p.lcp_ms)),
            cell(
                p.cls_x1000,
                g.cls_x1000,
                p.cls_x1000
                    .map_or("–".into(), |c| format!("{:.3}", c as f64 / 1000.0))
            ),
            cell(p.inp_ms, g.inp_ms, ms(p.inp_ms)),
            ms(p.server_ms)
        );
    }
    out.push_str("</tbody></table><h3>Trường phản hồi chậm nhất (INP)</h3>");
    let max = sp
        .slow_fields
        .iter()
        .map(|f| f.inp_p75_ms)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let rows: Vec<(String, String, f64)> = sp
        .slow_fields
        .iter()
        .map(|f| {
            (
                f.key.clone(),
                format!("{} ms ({} lượt)", f.inp_p75_ms, f.views),
                f.inp_p75_ms as f64 / max * 100.0,
            )
        })
        .collect();
    bar_table(out, ["Trường", "INP p75", ""], &rows);
    out.push_str("</section>");
}

/// The whole page for `report`; `query` is the page's own query (for the service links).
pub fn page(report: &Report, query: &str) -> String {
    let f = &report.filter;
    let scope = match (&f.service, &f.portal) {
        (Some(s), _) => format!("Dịch vụ {s}"),
        (None, Some(p)) => format!("Cổng {p}"),
        (None, None) => "Tất cả dịch vụ".to_string(),
    };
    let mut out = String::with_capacity(16_384);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{} — Chất lượng trải nghiệm dịch vụ công trực tuyến</title><style>{STYLE}</style></head><body><header><h1>Chất lượng trải nghiệm dịch vụ công trực tuyến</h1><p>{} · {} → {} (UTC) · journey-probe</p></header><main>",
        esc(&scope),
        esc(&scope),
        if f.from_ms == 0 { "từ đầu".to_string() } else { esc(&crate::period::format_utc_ms(f.from_ms)[..10]) },
        esc(&crate::period::format_utc_ms(f.to_ms - 1)[..10]),
    );
    let keep: Vec<&str> = query
        .split('&')
        .filter(|p| p.starts_with("from=") || p.starts_with("to=") || p.starts_with("portal="))
        .collect();
    let base = keep.join("&");
    out.push_str("<nav aria-label=\"Dịch vụ\"><a href=\"?");
    out.push_str(&esc(&base));
    out.push_str("\">Toàn cổng</a>");
    for s in &report.services {
        let _ = write!(
            out,
            "<a href=\"?{}{}service={}\">{}</a>",
            esc(&base),
            if base.is_empty() { "" } else { "&amp;" },
            enc(&s.service),
            esc(&s.service)
        );
    }
    out.push_str("</nav><div class=\"tiles\">");
    let c1 = &report.criterion1;
    let c2 = &report.criterion2;
    let c3 = &report.criterion3;
    tile(
        &mut out,
        "Tiêu chí 1 · Biểu mẫu tự điền",
        &pct(c1.forms_with_prefill_pct),
        &format!(
            "biểu mẫu có dữ liệu điền sẵn; {} trường điền sẵn",
            pct(c1.prefilled_pct)
        ),
        c1.pass,
    );
    tile(
        &mut out,
        "Tiêu chí 2 · Đăng nhập → nộp",
        &c2.duration.map_or("–".into(), |d| minutes(d.mean_ms)),
        &format!(
            "trung bình; mục tiêu dưới {} · {} trong mục tiêu",
            minutes(c2.target_ms),
            pct(c2.within_target_pct)
        ),
        c2.pass,
    );
    tile(
        &mut out,
        "Tiêu chí 3 · Xử lý trực tuyến nhanh hơn",
        &pct(c3.shorter_pct),
        &format!(
            "ngắn hơn trực tiếp; mục tiêu ≥ {} %",
            report.targets.processing_shorter_pct
        ),
        c3.pass,
    );
    let c4 = &report.criterion4;
    tile(
        &mut out,
        "Tiêu chí 4 · Hài lòng",
        &pct(c4.satisfied_pct),
        &format!(
            "{} / {} người đánh giá hài lòng; mục tiêu ≥ {} %",
            c4.satisfied, c4.answered, report.targets.satisfied_pct
        ),
        c4.pass,
    );
    out.push_str("</div>");
    let j = &report.journeys;
    let _ = write!(
        out,
        "<section aria-labelledby=\"s-j\"><h2 id=\"s-j\">Hành trình</h2><table><thead><tr><th scope=\"col\" class=\"n\">Bắt đầu</th><th scope=\"col\" class=\"n\">Nộp thành công</th><th scope=\"col\" class=\"n\">Bỏ dở</th><th scope=\"col\" class=\"n\">Hết hạn</th><th scope=\"col\" class=\"n\">Đang làm</th><th scope=\"col\" class=\"n\">Tỉ lệ hoàn thành</th></tr></thead><tbody><tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr></tbody></table></section>",
        j.started, j.submitted, j.abandoned, j.expired, j.in_progress, pct(j.completion_pct)
    );
    out.push_str(
        "<section aria-labelledby=\"s-t\"><h2 id=\"s-t\">Thời gian từ đăng nhập đến nộp hồ sơ</h2>",
    );
    histogram(&mut out, report);
    out.push_str("<table><thead><tr><th scope=\"col\"></th><th scope=\"col\" class=\"n\">Số</th><th scope=\"col\" class=\"n\">Trung bình</th><th scope=\"col\" class=\"n\">Trung vị</th><th scope=\"col\" class=\"n\">p75</th><th scope=\"col\" class=\"n\">p90</th></tr></thead><tbody>");
    for (label, s) in [
        ("Tổng thời gian", c2.duration),
        ("Thời gian thao tác", c2.active),
    ] {
        match s {
            Some(s) => {
                let _ = write!(out, "<tr><th scope=\"row\">{label}</th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>", s.n, minutes(s.mean_ms), minutes(s.median_ms), minutes(s.p75_ms), minutes(s.p90_ms));
            }
            None => {
                let _ = write!(out, "<tr><th scope=\"row\">{label}</th><td class=\"n\">0</td><td class=\"n\">–</td><td class=\"n\">–</td><td class=\"n\">–</td><td class=\"n\">–</td></tr>");
            }
        }
    }
    out.push_str("</tbody></table><h3>Theo bước, theo thứ tự hành trình</h3>");
    step_table(&mut out, &c2.steps);
    out.push_str("</section>");
    let _ = write!(
        out,
        "<section aria-labelledby=\"s-p\"><h2 id=\"s-p\">Dữ liệu điền sẵn (tiêu chí 1)</h2><p>{} / {} trường được điền sẵn ({}); {} giá trị điền sẵn bị người dân sửa.</p><h3>Mức điền sẵn theo trường</h3>",
        c1.prefilled,
        c1.fields,
        pct(c1.prefilled_pct),
        pct(c1.overwritten_pct)
    );
    bar_table(
        &mut out,
        ["Trường", "Điền sẵn", ""],
        &share_rows(&c1.coverage),
    );
    out.push_str("<h3>Nguồn dữ liệu</h3>");
    bar_table(
        &mut out,
        ["Nguồn", "Trường", ""],
        &count_rows(&c1.by_source, "trường"),
    );
    out.push_str("<h3>Điền sẵn bị sửa nhiều nhất (dữ liệu gốc có thể sai)</h3>");
    bar_table(
        &mut out,
        ["Trường", "Bị sửa", ""],
        &share_rows(&c1.overwritten_by_key),
    );
    out.push_str("<h3>Người dân vẫn phải tự nhập (CSDL có thể cung cấp)</h3>");
    bar_table(
        &mut out,
        ["Trường", "Tự nhập", ""],
        &share_rows(&c1.typed_often),
    );
    out.push_str(
        "</section><section aria-labelledby=\"s-f\"><h2 id=\"s-f\">Điểm vướng trên biểu mẫu</h2>",
    );
    let fr = &report.friction;
    for (counter, list) in &fr.counters {
        let _ = write!(out, "<h3>{}</h3>", esc(counter.short));
        let mut head = counter.unit.chars();
        let head: String = head
            .next()
            .into_iter()
            .flat_map(char::to_uppercase)
            .chain(head)
            .collect();
        bar_table(
            &mut out,
            ["Trường", &head, ""],
            &count_rows(list, counter.unit),
        );
    }
    out.push_str("<h3>Nơi hành trình bị bỏ dở</h3>");
    bar_table(
        &mut out,
        ["Trường hoặc trang", "Hành trình", ""],
        &count_rows(&fr.abandoned_at, ""),
    );
    out.push_str("</section>");
    let channel = |p: Option<crate::report::Processing>| {
        p.map_or("–".into(), |p| {
            format!("{} hồ sơ · trung bình {}", p.dossiers, minutes(p.mean_ms))
        })
    };
    let _ = write!(
        out,
        "<section aria-labelledby=\"s-x\"><h2 id=\"s-x\">Thời gian xử lý hồ sơ (tiêu chí 3)</h2><p>Trực tuyến: {} — Trực tiếp: {} — ngắn hơn {}</p></section>",
        esc(&channel(c3.online)),
        esc(&channel(c3.in_person)),
        pct(c3.shorter_pct)
    );
    let _ = write!(
        out,
        "<section aria-labelledby=\"s-h\"><h2 id=\"s-h\">Mức độ hài lòng (tiêu chí 4)</h2><p>{} đánh giá, {} hài lòng ({}); {} người bỏ qua câu hỏi (không tính là không hài lòng).</p>",
        c4.answered,
        c4.satisfied,
        pct(c4.satisfied_pct),
        c4.dismissed
    );
    let max_score = c4.scores.iter().copied().max().unwrap_or(1).max(1) as f64;
    let scores: Vec<(String, String, f64)> = c4
        .scores
        .iter()
        .enumerate()
        .rev()
        .map(|(i, n)| {
            (
                format!("{} điểm", i + 1),
                n.to_string(),
                *n as f64 / max_score * 100.0,
            )
        })
        .collect();
    bar_table(&mut out, ["Điểm", "Số đánh giá", ""], &scores);
    out.push_str("<h3>Lý do chưa hài lòng</h3>");
    bar_table(&mut out, ["Lý do", "Lần", ""], &count_rows(&c4.reasons, ""));
    out.push_str("</section>");
    speed_section(&mut out, report);
    if f.service.is_none() && !report.services.is_empty() {
        out.push_str("<section aria-labelledby=\"s-s\"><h2 id=\"s-s\">Theo dịch vụ</h2><table><thead><tr><th scope=\"col\">Dịch vụ</th><th scope=\"col\" class=\"n\">Bắt đầu</th><th scope=\"col\" class=\"n\">Nộp</th><th scope=\"col\" class=\"n\">Trung bình</th><th scope=\"col\">Tiêu chí 2</th></tr></thead><tbody>");
        for s in &report.services {
            let _ = write!(
                out,
                "<tr><td><a href=\"?{}{}service={}\">{}</a></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                esc(&base),
                if base.is_empty() { "" } else { "&amp;" },
                enc(&s.service),
                esc(&s.service),
                s.started,
                s.submitted,
                s.mean_ms.map_or("–".into(), minutes),
                verdict(s.pass).1
            );
        }
        out.push_str("</tbody></table></section>");
    }
    out.push_str("</main></body></html>");
    out
}
