//! The browser, reduced to classes coarse enough not to single anyone out: phone or not,
//! browser family and major version. The full user-agent string never leaves the browser.

use crate::core::prelude::*;

use crate::core::privacy::{includes, position};

/// The coarse description of a browser a beacon carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserAgentClass {
    /// Whether the browser says it runs on a phone.
    pub mobile: bool,
    /// Browser family.
    pub browser: BrowserFamily,
    /// Major version, 0 when unknown.
    pub major: u32,
}

/// Browser families worth telling apart on Vietnamese portals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrowserFamily {
    /// Google Chrome and other Chromium browsers not listed here.
    Chrome,
    /// Microsoft Edge.
    Edge,
    /// Mozilla Firefox.
    Firefox,
    /// Apple Safari (and every browser on iOS that does not say otherwise).
    Safari,
    /// Samsung Internet.
    Samsung,
    /// Cốc Cốc, widely used in Vietnam.
    Coccoc,
    /// Opera.
    Opera,
    /// Anything else.
    Other,
}

impl BrowserFamily {
    /// The word the beacon carries.
    pub fn as_str(self) -> &'static str {
        match self {
            BrowserFamily::Chrome => "chrome",
            BrowserFamily::Edge => "edge",
            BrowserFamily::Firefox => "firefox",
            BrowserFamily::Safari => "safari",
            BrowserFamily::Samsung => "samsung",
            BrowserFamily::Coccoc => "coccoc",
            BrowserFamily::Opera => "opera",
            BrowserFamily::Other => "other",
        }
    }
}

/// Highest major version reported; anything above is treated as unknown.
const MAX_MAJOR: u32 = 999;

/// Classifies a `navigator.userAgent` string. Order matters: most Chromium browsers also say
/// `Chrome/` and `Safari/`, so the more specific tokens are looked for first.
pub fn classify(user_agent: &str) -> UserAgentClass {
    const TOKENS: [(&str, BrowserFamily); 10] = [
        ("coc_coc_browser/", BrowserFamily::Coccoc),
        ("SamsungBrowser/", BrowserFamily::Samsung),
        ("EdgA/", BrowserFamily::Edge),
        ("EdgiOS/", BrowserFamily::Edge),
        ("Edg/", BrowserFamily::Edge),
        ("OPR/", BrowserFamily::Opera),
        ("Firefox/", BrowserFamily::Firefox),
        ("FxiOS/", BrowserFamily::Firefox),
        ("CriOS/", BrowserFamily::Chrome),
        ("Chrome/", BrowserFamily::Chrome),
    ];
    let found = TOKENS
        .iter()
        .find_map(|(token, family)| version_after(user_agent, token).map(|v| (*family, v)));
    let (browser, major) = match found {
        Some(hit) => hit,
        None if includes(user_agent, "Safari/") => (
            BrowserFamily::Safari,
            version_after(user_agent, "Version/").unwrap_or(0),
        ),
        None => (BrowserFamily::Other, 0),
    };
    UserAgentClass {
        mobile: includes(user_agent, "Mobi")
            || includes(user_agent, "Android")
            || includes(user_agent, "iPhone"),
        browser,
        major,
    }
}

fn version_after(user_agent: &str, token: &str) -> Option<u32> {
    let start = position(user_agent, token)? + token.len();
    let digits: String = user_agent
        .get(start..)?
        .chars()
        .take_while(char::is_ascii_digit)
        .take(4)
        .collect();
    Some(digits.parse().ok().filter(|v| *v <= MAX_MAJOR).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use BrowserFamily::*;

    #[test]
    fn classifies_the_browsers_citizens_use() {
        let table = [
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36", false, Chrome, 156),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", false, Chrome, 131),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86", false, Edge, 131),
            ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36", true, Samsung, 26),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) coc_coc_browser/130.0.192 Chrome/124.0.6367.210 Safari/537.36", false, Coccoc, 130),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", true, Safari, 17),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1", true, Chrome, 131),
            ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", false, Firefox, 133),
            ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 OPR/86.0", true, Opera, 86),
            ("curl/8.0", false, Other, 0),
            ("", false, Other, 0),
        ];
        for (ua, mobile, browser, major) in table {
            assert_eq!(
                classify(ua),
                UserAgentClass {
                    mobile,
                    browser,
                    major
                },
                "{ua}"
            );
        }
    }

    #[test]
    fn absurd_versions_become_unknown() {
        assert_eq!(classify("Chrome/99999999999999").major, 0);
        assert_eq!(classify("Chrome/x").major, 0);
    }
}
