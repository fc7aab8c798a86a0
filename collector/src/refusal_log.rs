//! The log of refused requests: one line each, bounded. A refusal is logged with where
//! and which rule (never a value a request carried: validation details name JSON pointers and
//! schema rules only), header values cut to [`MAX_HEADER_BYTES`], and at most
//! [`LINES_PER_WINDOW`] lines per [`WINDOW_MS`]: a client sending 6 MB of junk must not write
//! 12 MB of log. Lines left out are counted and said once the window is over.

use std::sync::Mutex;

/// Longest header value logged, in bytes (cut at a character boundary).
pub const MAX_HEADER_BYTES: usize = 100;
/// Most refusal lines logged per window.
pub const LINES_PER_WINDOW: u32 = 20;
/// The window, in milliseconds.
pub const WINDOW_MS: i64 = 10_000;

/// How many lines the current window has used, and how many it left out.
#[derive(Debug, Default)]
pub struct RefusalLog {
    state: Mutex<Window>,
}

#[derive(Debug, Default)]
struct Window {
    start_ms: i64,
    lines: u32,
    left_out: u64,
}

impl RefusalLog {
    /// The lines to write for one refusal at `now_ms` (none when the window is full; a count
    /// of the lines left out first when a new window begins).
    pub fn lines(&self, now_ms: i64, line: impl FnOnce() -> String) -> Vec<String> {
        let mut w = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::new();
        if now_ms - w.start_ms >= WINDOW_MS {
            if w.left_out > 0 {
                out.push(format!(
                    "{} more refusals in the last {} s were not logged",
                    w.left_out,
                    WINDOW_MS / 1000
                ));
            }
            *w = Window {
                start_ms: now_ms,
                ..Window::default()
            };
        }
        if w.lines < LINES_PER_WINDOW {
            w.lines += 1;
            out.push(line());
        } else {
            w.left_out += 1;
        }
        out
    }
}

/// A header value as logged: lossy UTF-8, control characters escaped, at most
/// [`MAX_HEADER_BYTES`] bytes.
pub fn header_value(bytes: &[u8]) -> String {
    let text: String = String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    cut(&text, MAX_HEADER_BYTES)
}

/// At most `max` bytes of `text`, cut at a character boundary, with `…` when cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_of_refusals_writes_a_bounded_log_and_says_what_it_left_out() {
        let log = RefusalLog::default();
        let mut written = 0;
        for _ in 0..10_000 {
            written += log.lines(5_000, || "refused".into()).len();
        }
        assert_eq!(written, LINES_PER_WINDOW as usize);
        let next = log.lines(WINDOW_MS, || "refused".into());
        assert_eq!(
            next,
            [
                format!(
                    "{} more refusals in the last 10 s were not logged",
                    10_000 - LINES_PER_WINDOW
                ),
                "refused".to_string()
            ]
        );
    }

    #[test]
    fn header_values_are_cut_and_escaped() {
        let long = format!("https://{}.example", "é".repeat(200));
        let logged = header_value(long.as_bytes());
        assert!(
            logged.len() <= MAX_HEADER_BYTES + '…'.len_utf8(),
            "{}",
            logged.len()
        );
        assert_eq!(header_value(b"a\x1b[31mb"), "a?[31mb");
    }
}
