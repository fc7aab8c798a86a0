//! The report as its readers take it: [`json`] (the API's and the CLI's), [`csv`] (one
//! `section,metric,value` row per figure, for spreadsheets), [`markdown`] (the monthly report
//! to the ministry) and the [`dashboard`] page; and the text helpers they share.

pub mod csv;
pub mod dashboard;
pub mod markdown;

pub use csv::csv;
pub use markdown::markdown;

use crate::report::Report;

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

/// A percentage with one decimal, or `–`.
pub(crate) fn opt_pct(p: Option<f64>) -> String {
    p.map_or("–".into(), |p| format!("{p:.1} %"))
}

/// Pass, fail or no data, Vietnamese first.
pub(crate) fn verdict(pass: Option<bool>) -> &'static str {
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
