//! URL patterns for `data-login-url` and `data-success-url`: a path where `*` stands for any
//! run of characters, e.g. `/dich-vu/*/bien-nhan/*`. Matched against the page's path only
//! (never its query string), locally.

use crate::core::prelude::*;

/// Longest pattern accepted.
pub const MAX_PATTERN_LEN: usize = 512;

/// A path pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathPattern(String);

impl PathPattern {
    /// Accepts a pattern that starts with `/`, has no whitespace and is at most
    /// [`MAX_PATTERN_LEN`] long. A full URL is accepted too; only its path is kept.
    pub fn parse(text: &str) -> Option<PathPattern> {
        let path = match crate::core::privacy::position(text, "://") {
            Some(at) => {
                let rest = text.get(at + 3..)?;
                rest.get(rest.find('/')?..)?
            }
            None => text,
        };
        let path = path.split(['?', '#']).next().unwrap_or("");
        let ok = path.starts_with('/')
            && path.len() <= MAX_PATTERN_LEN
            && !path.chars().any(|c| c.is_whitespace() || c.is_control());
        ok.then(|| PathPattern(path.to_string()))
    }

    /// Whether `path` (a `location.pathname`) matches. `*` matches any run of characters,
    /// `/` included; a trailing `/` on either side is ignored.
    pub fn matches(&self, path: &str) -> bool {
        let trim = |s: &'_ str| -> String {
            if s.len() > 1 {
                s.trim_end_matches('/').to_string()
            } else {
                s.to_string()
            }
        };
        glob(trim(&self.0).as_bytes(), trim(path).as_bytes())
    }

    /// The pattern as written (path part).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Glob matching with `*` only, iterative with backtracking to the last star: linear in
/// practice, never exponential.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, path: &str) -> bool {
        PathPattern::parse(pattern).unwrap().matches(path)
    }

    #[test]
    fn stars_match_any_run() {
        assert!(matches(
            "/dich-vu/*/bien-nhan/*",
            "/dich-vu/1.001234/bien-nhan/H99.12-261122-0001"
        ));
        assert!(matches(
            "/dich-vu/1.001234/buoc-1",
            "/dich-vu/1.001234/buoc-1/"
        ));
        assert!(matches("/*", "/"));
        assert!(matches("/*", "/anything/at/all"));
        assert!(matches("/a*b*c", "/aXXbYYc"));
        assert!(!matches(
            "/dich-vu/*/bien-nhan/*",
            "/dich-vu/1.001234/buoc-3"
        ));
        assert!(!matches("/dang-nhap", "/dang-nhap-lai"));
        assert!(!matches("/a*b*c", "/aXXbYY"));
    }

    #[test]
    fn full_urls_keep_their_path_and_bad_patterns_are_refused() {
        assert_eq!(
            PathPattern::parse("https://dichvucong.example.gov.vn/dich-vu/*?x=1")
                .unwrap()
                .as_str(),
            "/dich-vu/*"
        );
        for bad in ["", "dich-vu/*", "/a b", "https://host-without-path"] {
            assert!(PathPattern::parse(bad).is_none(), "{bad}");
        }
        assert!(PathPattern::parse(&format!("/{}", "a".repeat(600))).is_none());
    }

    #[test]
    fn many_stars_stay_fast() {
        let pattern = PathPattern::parse(&format!("/{}b", "*a".repeat(40))).unwrap();
        assert!(!pattern.matches(&format!("/{}", "a".repeat(400))));
    }
}
