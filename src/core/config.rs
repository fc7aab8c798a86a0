//! The probe's configuration, read from the `data-*` attributes of its `<script>` tag and
//! validated before anything else runs.
//!
//! A portal developer who mistypes an attribute gets one message per mistake that names the
//! attribute, the value given and what is accepted; with any mistake in a required attribute
//! the probe stays off and the page is untouched.

use crate::core::prelude::*;

use crate::core::pattern::PathPattern;
use crate::core::text::concat;
use ::core::fmt;

/// Attribute that names where beacons go.
pub const ATTR_COLLECTOR: &str = "data-collector";
/// Attribute that names the online public service the page belongs to.
pub const ATTR_SERVICE: &str = "data-service";
/// Attribute: a path pattern of the page reached after login (the journey starts there).
pub const ATTR_LOGIN_URL: &str = "data-login-url";
/// Attribute: a CSS selector whose appearance means "logged in".
pub const ATTR_LOGIN_SELECTOR: &str = "data-login-selector";
/// Attribute: a path pattern of the page that confirms a successful submission.
pub const ATTR_SUCCESS_URL: &str = "data-success-url";
/// Attribute: a CSS selector whose appearance means "submitted successfully" (the receipt).
pub const ATTR_SUCCESS_SELECTOR: &str = "data-success-selector";
/// Attribute: the target time from login to submission, in seconds.
pub const ATTR_TARGET_SECONDS: &str = "data-target-seconds";
/// Attribute: after how many idle minutes a journey is closed as abandoned.
pub const ATTR_IDLE_MINUTES: &str = "data-idle-minutes";
/// Attribute: `required` holds every beacon until the portal calls `JourneyProbe.consent(true)`.
pub const ATTR_CONSENT: &str = "data-consent";
/// Attribute: the share of journeys measured, from 0 (exclusive) to 1.
pub const ATTR_SAMPLE: &str = "data-sample";
/// Attribute: `on` asks the satisfaction question after a successful submission.
pub const ATTR_SURVEY: &str = "data-survey";
/// Attribute: how beacons are encoded, `json` (the default) or `otlp`.
pub const ATTR_FORMAT: &str = "data-format";
/// The 2026 target of Decision 1565: under 5 minutes from login to submission.
pub const DEFAULT_TARGET_SECONDS: u32 = 300;
/// A journey idle this long is abandoned.
pub const DEFAULT_IDLE_MINUTES: u32 = 30;

/// Attribute that declares pre-filled fields by CSS selector, for pages whose markup cannot
/// carry `data-prefill-source`: `"CSDLQG-DC: #ho_ten, #ngay_sinh; CSDLQG-DN: #ma_so_thue"`.
pub const ATTR_PREFILL_MAP: &str = "data-prefill-map";

/// Longest collector URL accepted.
const MAX_URL_LEN: usize = 2048;
/// Longest service code accepted (national service codes are about a dozen characters).
pub const MAX_SERVICE_LEN: usize = 64;
/// How much of a bad value a message quotes.
const QUOTE_LEN: usize = 80;

/// A validated configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Where beacons are sent: an absolute `http(s)` URL or a path on the page's own origin.
    pub collector: String,
    /// Code of the service the page belongs to.
    pub service: ServiceCode,
    /// Fields declared pre-filled by selector (`data-prefill-map`), in the order written.
    pub prefill_map: Vec<PrefillRule>,
    /// How the journey's start and end are recognised, and its target.
    pub journey: JourneyConfig,
    /// Whether beacons wait for the portal's `consent(true)`.
    pub consent_required: bool,
    /// Share of journeys measured (decided once per journey from its random id).
    pub sample: f64,
    /// Query parameters kept in the path beacons carry.
    pub allow_params: Vec<String>,
    /// Path segments the portal declares to be step names, kept as they are where the privacy
    /// rule would hide them (`nguyen-tac`, a principle, starts like a family name).
    pub step_slugs: Vec<String>,
    /// How beacons are encoded.
    pub format: Format,
    /// Whether the probe asks the satisfaction question after a successful submission.
    pub survey: bool,
}

/// How beacons are encoded on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// The beacon JSON of `schema/beacon.schema.json`, as a JSON array per request, sent as
    /// `text/plain` (no CORS preflight).
    #[default]
    Json,
    /// OTLP/HTTP JSON log records (see [`crate::core::otlp`]), sent as `application/json` to an
    /// OpenTelemetry Collector's `/v1/logs`.
    Otlp,
}

/// How a portal tells the probe where a journey starts and ends (any of the ways may be used,
/// besides the `login` and `submitted` commands), and the journey's target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JourneyConfig {
    /// The page reached after login.
    pub login_url: Option<PathPattern>,
    /// An element whose appearance means "logged in".
    pub login_selector: Option<String>,
    /// The page that confirms a successful submission.
    pub success_url: Option<PathPattern>,
    /// An element whose appearance means "submitted successfully".
    pub success_selector: Option<String>,
    /// Target from login to submission, seconds.
    pub target_seconds: u32,
    /// Idle minutes after which a journey is abandoned.
    pub idle_minutes: u32,
}

impl Default for JourneyConfig {
    fn default() -> JourneyConfig {
        JourneyConfig {
            login_url: None,
            login_selector: None,
            success_url: None,
            success_selector: None,
            target_seconds: DEFAULT_TARGET_SECONDS,
            idle_minutes: DEFAULT_IDLE_MINUTES,
        }
    }
}

/// One entry of `data-prefill-map`: the fields matching `selector` were filled from `source`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrefillRule {
    /// The database, e.g. `CSDLQG-DC`.
    pub source: String,
    /// A CSS selector list, e.g. `#ho_ten, #ngay_sinh`.
    pub selector: String,
}

/// Every attribute the probe reads, in the order the README's table lists them.
pub const ATTRIBUTES: [&str; 16] = [
    ATTR_COLLECTOR,
    ATTR_SERVICE,
    ATTR_LOGIN_URL,
    ATTR_LOGIN_SELECTOR,
    ATTR_SUCCESS_URL,
    ATTR_SUCCESS_SELECTOR,
    ATTR_TARGET_SECONDS,
    ATTR_IDLE_MINUTES,
    ATTR_CONSENT,
    ATTR_SAMPLE,
    ATTR_PREFILL_MAP,
    ATTR_ALLOW_PARAMS,
    ATTR_STEP_SLUGS,
    ATTR_FORMAT,
    ATTR_SURVEY,
    ATTR_OVERLAY,
];

/// Attribute: `on` shows the QA overlay, `never` keeps every switch of it off (a production
/// portal: no fragment, shortcut or storage can show it). The loader reads it; the probe
/// checks its value.
pub const ATTR_OVERLAY: &str = "data-overlay";

/// Attribute: query parameters kept in the page path beacons carry (their values scrubbed
/// like path segments), e.g. `buoc,tab`. Everything else in the query is dropped.
pub const ATTR_ALLOW_PARAMS: &str = "data-allow-params";

/// Attribute: path segments the portal declares to be its step names, kept in paths as they are
/// where the privacy rule would take them for a name (e.g. `nguyen-tac,ho-so-ca-nhan`).
pub const ATTR_STEP_SLUGS: &str = "data-step-slugs";

/// A message for each `data-*` attribute the probe does not know (a typo such as
/// `data-colector` would otherwise be silently ignored). Not a mistake that stops the probe.
pub fn unknown_attributes<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    names
        .into_iter()
        .filter(|n| n.starts_with("data-") && !ATTRIBUTES.contains(n))
        .map(|n| {
            let shown: String = n.chars().take(40).collect();
            concat(&[
                &shown,
                " is not an attribute journey-probe reads (it is ignored); accepted: ",
                &crate::core::text::join(ATTRIBUTES, ", "),
            ])
        })
        .collect()
}

/// Longest `data-prefill-map` accepted.
const MAX_PREFILL_MAP_LEN: usize = 4096;

/// Parses `data-prefill-map`: entries separated by `;`, each `SOURCE: selectors` (the source is
/// what precedes the first `:`, so selectors may use pseudo-classes). Empty entries are
/// allowed (a trailing `;`). `None` if any entry is malformed.
pub fn parse_prefill_map(text: &str) -> Option<Vec<PrefillRule>> {
    if text.len() > MAX_PREFILL_MAP_LEN {
        return None;
    }
    let mut rules = Vec::new();
    for entry in text.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let (source, selector) = entry.split_once(':')?;
        let (source, selector) = (source.trim(), selector.trim());
        if source.is_empty() || crate::core::text::char_count(source) > 64 || selector.is_empty() {
            return None;
        }
        rules.push(PrefillRule {
            source: source.to_string(),
            selector: selector.to_string(),
        });
    }
    Some(rules)
}

/// A service code as the portal declares it, e.g. `1.001234`: 1–64 characters of ASCII letters,
/// digits, `.`, `-` and `_`, so that it can never smuggle free text into a beacon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceCode(String);

impl ServiceCode {
    /// Accepts `code` if it has the shape of a service code and the privacy rule lets it be
    /// one (it is kept in every path, so a citizen's number there would leave with every beacon).
    pub fn parse(code: &str) -> Option<ServiceCode> {
        ServiceCode::parse_why(code).ok()
    }

    /// As [`ServiceCode::parse`], saying why a code is refused when the privacy rule refuses it.
    pub fn parse_why(code: &str) -> Result<ServiceCode, Option<&'static str>> {
        let shaped = !code.is_empty()
            && code.len() <= MAX_SERVICE_LEN
            && code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if !shaped {
            return Err(None);
        }
        match crate::core::privacy::service_code_problem(code) {
            Some(problem) => Err(Some(problem)),
            None => Ok(ServiceCode(code.to_string())),
        }
    }

    /// The code as declared.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a setting was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A `data-*` attribute of the script tag (or a `start()` option of the ES module).
    Tag,
    /// A property of `window.JourneyProbeConfig`.
    Object,
}

/// One setting: an attribute name (`data-target-seconds`, also for settings written in
/// `window.JourneyProbeConfig`), its value as text, and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The attribute name, `data-` prefixed.
    pub attribute: String,
    /// The value as text.
    pub value: String,
    /// Where the portal wrote it.
    pub origin: Origin,
}

/// One mistake in the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The attribute at fault, e.g. `data-collector`.
    pub attribute: &'static str,
    /// Where the bad value was written (for a missing setting: [`Origin::Tag`]).
    pub origin: Origin,
    /// The value given, or `None` when the attribute is missing.
    pub value: Option<String>,
    /// What the attribute accepts, in words, with an example.
    pub accepted: &'static str,
    /// What is wrong with the value, when there is more to say than what is accepted (a
    /// service code that looks like a citizen's number).
    pub problem: Option<&'static str>,
}

impl ConfigError {
    /// The sentence the console shows: what is wrong, and what is accepted. Written without
    /// `core::fmt`, which the wasm does without.
    pub fn message(&self) -> String {
        let (because, problem) = match self.problem {
            Some(problem) => (" because ", problem),
            None => ("", ""),
        };
        match (&self.value, self.origin) {
            (None, _) => concat(&[
                self.attribute,
                " (or window.JourneyProbeConfig.",
                &twin_name(self.attribute),
                ") is missing: expected ",
                self.accepted,
            ]),
            (Some(v), origin) => {
                // As the portal wrote it: `data-x="…"` on the tag, `….x = "…"` in the object.
                let named = match origin {
                    Origin::Tag => concat(&[self.attribute, "=\""]),
                    Origin::Object => concat(&[
                        "window.JourneyProbeConfig.",
                        &twin_name(self.attribute),
                        " = \"",
                    ]),
                };
                concat(&[
                    &named,
                    &quote(v),
                    "\" is not accepted",
                    because,
                    problem,
                    ": expected ",
                    self.accepted,
                ])
            }
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

use crate::core::sentences::{
    ALLOW_PARAMS as ALLOW_PARAMS_ACCEPTED, COLLECTOR as COLLECTOR_ACCEPTED,
    CONSENT as CONSENT_ACCEPTED, IDLE as IDLE_ACCEPTED, OVERLAY as OVERLAY_ACCEPTED,
    PREFILL_MAP as PREFILL_MAP_ACCEPTED, SAMPLE as SAMPLE_ACCEPTED, SELECTOR as SELECTOR_ACCEPTED,
    SERVICE as SERVICE_ACCEPTED, STEP_SLUGS as STEP_SLUGS_ACCEPTED, SURVEY as SURVEY_ACCEPTED,
    TARGET as TARGET_ACCEPTED, URL_PATTERN as URL_PATTERN_ACCEPTED,
};
/// What `data-format` accepts in this build: the loader fetches the wasm that has the OTLP
/// encoder for otlp; this one (the ES module entry used without the loader's choice, say) may not.
/// Whether this build encodes OTLP. The citizen's wasm does not (the loader fetches the one
/// built with the `otlp` feature for `data-format="otlp"`), so the encoder is not in the
/// bytes every citizen downloads; native builds, and their tests, always have it.
pub const OTLP_BUILT_IN: bool = cfg!(any(feature = "otlp", not(target_arch = "wasm32")));

const FORMAT_ACCEPTED: &str = if OTLP_BUILT_IN {
    crate::core::sentences::FORMAT_WITH_OTLP
} else {
    crate::core::sentences::FORMAT_JSON_ONLY
};

impl Config {
    /// Builds the configuration from the script tag's attributes, given as `(name, value)`
    /// pairs. Attributes this version does not know are ignored. Returns every mistake found,
    /// not just the first, so that one page load shows the developer all of them.
    pub fn from_attributes<'a, I>(attributes: I) -> Result<Config, Vec<ConfigError>>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let settings: Vec<Setting> = attributes
            .into_iter()
            .map(|(attribute, value)| Setting {
                attribute: attribute.to_string(),
                value: value.to_string(),
                origin: Origin::Tag,
            })
            .collect();
        Config::from_settings(&settings)
    }

    /// Builds the configuration from settings gathered from the tag and
    /// `window.JourneyProbeConfig` (see [`crate::core::settings::gather`]); where an attribute
    /// appears twice the later setting counts.
    pub fn from_settings(settings: &[Setting]) -> Result<Config, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let read = |attribute: &'static str, accepted: &'static str, required: bool| Attr {
            value: settings
                .iter()
                .rev()
                .find(|s| s.attribute == attribute)
                .map(|s| (s.value.as_str(), s.origin)),
            attribute,
            accepted,
            required,
        };
        let collector = read(ATTR_COLLECTOR, COLLECTOR_ACCEPTED, true)
            .parse(&mut errors, |v| is_collector_url(v).then(|| v.to_string()));
        let service = read(ATTR_SERVICE, SERVICE_ACCEPTED, true)
            .parse_why(&mut errors, ServiceCode::parse_why);
        let prefill_map = read(ATTR_PREFILL_MAP, PREFILL_MAP_ACCEPTED, false)
            .parse(&mut errors, parse_prefill_map)
            .unwrap_or_default();
        let journey = JourneyConfig {
            login_url: read(ATTR_LOGIN_URL, URL_PATTERN_ACCEPTED, false)
                .parse(&mut errors, PathPattern::parse),
            login_selector: read(ATTR_LOGIN_SELECTOR, SELECTOR_ACCEPTED, false)
                .parse(&mut errors, parse_selector),
            success_url: read(ATTR_SUCCESS_URL, URL_PATTERN_ACCEPTED, false)
                .parse(&mut errors, PathPattern::parse),
            success_selector: read(ATTR_SUCCESS_SELECTOR, SELECTOR_ACCEPTED, false)
                .parse(&mut errors, parse_selector),
            target_seconds: read(ATTR_TARGET_SECONDS, TARGET_ACCEPTED, false)
                .parse(&mut errors, |v| parse_bounded(v, 1, 86_400))
                .unwrap_or(DEFAULT_TARGET_SECONDS),
            idle_minutes: read(ATTR_IDLE_MINUTES, IDLE_ACCEPTED, false)
                .parse(&mut errors, |v| parse_bounded(v, 1, 1_440))
                .unwrap_or(DEFAULT_IDLE_MINUTES),
        };
        let consent_required = read(ATTR_CONSENT, CONSENT_ACCEPTED, false)
            .parse(&mut errors, |v| match v.trim() {
                "required" => Some(true),
                "not-required" => Some(false),
                _ => None,
            })
            .unwrap_or(false);
        let sample = read(ATTR_SAMPLE, SAMPLE_ACCEPTED, false)
            .parse(&mut errors, |v| parse_share(v.trim()))
            .unwrap_or(1.0);
        let allow_params = read(ATTR_ALLOW_PARAMS, ALLOW_PARAMS_ACCEPTED, false)
            .parse(&mut errors, |v| {
                let names: Vec<String> = v
                    .split(',')
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .collect();
                let ok = !names.is_empty()
                    && names.len() <= 20
                    && names.iter().all(|n| {
                        n.len() <= 32
                            && n.bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                    });
                ok.then_some(names)
            })
            .unwrap_or_default();
        let step_slugs = read(ATTR_STEP_SLUGS, STEP_SLUGS_ACCEPTED, false)
            .parse(&mut errors, |v| {
                let slugs: Vec<String> = v
                    .split(',')
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .collect();
                let ok = !slugs.is_empty()
                    && slugs.len() <= 50
                    && slugs.iter().all(|n| {
                        n.len() <= 64
                            && n.bytes().all(|b| {
                                b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'-')
                            })
                            && n.bytes().filter(u8::is_ascii_digit).count()
                                < crate::core::privacy::MIN_ID_DIGITS
                    });
                ok.then_some(slugs)
            })
            .unwrap_or_default();
        let format = read(ATTR_FORMAT, FORMAT_ACCEPTED, false)
            .parse(&mut errors, |v| match v.trim() {
                "json" => Some(Format::Json),
                "otlp" if OTLP_BUILT_IN => Some(Format::Otlp),
                _ => None,
            })
            .unwrap_or_default();
        let survey = read(ATTR_SURVEY, SURVEY_ACCEPTED, false)
            .parse(&mut errors, |v| match v.trim() {
                "on" => Some(true),
                "off" => Some(false),
                _ => None,
            })
            .unwrap_or(false);
        // Shown by the loader; checked here so that a typo is named like any other.
        read(ATTR_OVERLAY, OVERLAY_ACCEPTED, false).parse(&mut errors, |v| {
            matches!(v.trim(), "on" | "off" | "never").then_some(())
        });
        match (collector, service) {
            (Some(collector), Some(service)) if errors.is_empty() => Ok(Config {
                format,
                survey,
                allow_params,
                step_slugs,
                collector,
                service,
                prefill_map,
                journey,
                consent_required,
                sample,
            }),
            _ => Err(errors),
        }
    }
}

/// One attribute being read.
struct Attr<'a> {
    attribute: &'static str,
    value: Option<(&'a str, Origin)>,
    accepted: &'static str,
    required: bool,
}

impl<'a> Attr<'a> {
    /// Parses the attribute; a missing required one or a value `parse` refuses is recorded as a
    /// mistake. A missing optional attribute is `None` without a mistake.
    fn parse<T>(
        self,
        errors: &mut Vec<ConfigError>,
        parse: impl FnOnce(&'a str) -> Option<T>,
    ) -> Option<T> {
        self.parse_why(errors, |v| parse(v).ok_or(None))
    }

    /// As [`Attr::parse`], with `parse` saying what is wrong with a value it refuses, if it can.
    fn parse_why<T>(
        self,
        errors: &mut Vec<ConfigError>,
        parse: impl FnOnce(&'a str) -> Result<T, Option<&'static str>>,
    ) -> Option<T> {
        match self.value {
            None if !self.required => None,
            Some((value, origin)) => match parse(value) {
                Ok(parsed) => Some(parsed),
                Err(problem) => {
                    errors.push(ConfigError {
                        attribute: self.attribute,
                        origin,
                        value: Some(value.to_string()),
                        accepted: self.accepted,
                        problem,
                    });
                    None
                }
            },
            None => {
                errors.push(ConfigError {
                    attribute: self.attribute,
                    origin: Origin::Tag,
                    value: None,
                    accepted: self.accepted,
                    problem: None,
                });
                None
            }
        }
    }
}

/// A share above 0 and at most 1, written `1`, `1.0`, `0.25` or `.5` (at most 6 decimals).
/// Hand-written: the standard float parser's tables cost the wasm ~10 KB for one attribute.
fn parse_share(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || (whole.is_empty() && fraction.is_empty()) {
        return None;
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction_value = if fraction.is_empty() {
        0.0
    } else {
        f64::from(fraction.parse::<u32>().ok()?)
            / fraction.bytes().fold(1.0, |scale, _| scale * 10.0)
    };
    let share = f64::from(whole) + fraction_value;
    (share > 0.0 && share <= 1.0).then_some(share)
}

/// A whole number between `min` and `max`.
fn parse_bounded(value: &str, min: u32, max: u32) -> Option<u32> {
    value
        .trim()
        .parse()
        .ok()
        .filter(|n| (min..=max).contains(n))
}

/// A CSS selector the browser will check; here only its shape: not empty, not huge.
fn parse_selector(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty() && value.len() <= 500).then(|| value.to_string())
}

/// An absolute `http(s)` URL with a host, or a path on the page's own origin; no whitespace or
/// control characters anywhere.
fn is_collector_url(url: &str) -> bool {
    if url.is_empty() || url.len() > MAX_URL_LEN {
        return false;
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let Some(rest) = url.strip_prefix("http://") {
        rest
    } else {
        // A path on the same origin; "//host" would be protocol-relative, which hides the scheme.
        return url.starts_with('/') && !url.starts_with("//");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || port.is_empty() => {
            if !port.is_empty() && !port.bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            host
        }
        _ => authority,
    };
    !host.is_empty()
        && !authority.contains('@')
        && (host.starts_with('[')
            || host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')))
}

/// The `window.JourneyProbeConfig` property of an attribute: `data-target-seconds` →
/// `targetSeconds`.
pub fn twin_name(attribute: &str) -> String {
    let mut name = String::new();
    let mut upper = false;
    for c in attribute.strip_prefix("data-").unwrap_or(attribute).chars() {
        if c == '-' {
            upper = true;
        } else {
            name.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        }
    }
    name
}

/// Quotes at most [`QUOTE_LEN`] characters of a value for a message.
pub fn quote(value: &str) -> String {
    let mut out: String = value.chars().take(QUOTE_LEN).collect();
    if crate::core::text::char_count(value) > QUOTE_LEN {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<Config, Vec<ConfigError>> {
        Config::from_attributes(pairs.iter().copied())
    }

    #[test]
    fn accepts_the_documented_snippet() {
        let config = parse(&[
            ("src", "/journey-probe/journey-probe.js"),
            (
                "data-collector",
                "https://collector.example.gov.vn/v1/beacons",
            ),
            ("data-service", "1.001234"),
        ])
        .unwrap();
        assert_eq!(
            config.collector,
            "https://collector.example.gov.vn/v1/beacons"
        );
        assert_eq!(config.service.as_str(), "1.001234");
    }

    #[test]
    fn accepts_the_collector_forms_portals_use() {
        for url in [
            "http://127.0.0.1:8787/v1/beacons",
            "https://thu-thap.dichvucong.example.vn/v1/beacons",
            "/v1/beacons",
            "https://collector.example.gov.vn:8443/v1/beacons?portal=hbx",
            "http://[::1]:8787/v1/beacons",
        ] {
            assert!(
                parse(&[("data-collector", url), ("data-service", "1")]).is_ok(),
                "{url}"
            );
        }
    }

    #[test]
    fn rejects_collectors_that_are_not_http_urls() {
        for url in [
            "",
            "collector.example.gov.vn/v1/beacons",
            "//collector.example.gov.vn/v1/beacons",
            "javascript:alert(1)",
            "ftp://collector.example.gov.vn/",
            "https://",
            "https:///v1/beacons",
            "https://user:pw@collector.example.gov.vn/",
            "https://collector.example.gov.vn:80a/",
            "https://collector example.gov.vn/",
            " https://collector.example.gov.vn/v1/beacons",
        ] {
            let errors =
                parse(&[("data-collector", url), ("data-service", "1.001234")]).unwrap_err();
            assert_eq!(errors.len(), 1, "{url}");
            assert_eq!(errors[0].attribute, "data-collector");
            assert_eq!(errors[0].value.as_deref(), Some(url));
        }
    }

    #[test]
    fn service_codes_are_short_and_plain() {
        for good in [
            "1.001234",
            "2.002154",
            "1.000046.000.00.00.H12",
            "DVC_01",
            "x",
        ] {
            assert!(ServiceCode::parse(good).is_some(), "{good}");
        }
        let too_long = "9".repeat(65);
        for bad in [
            "",
            "1.001234 ",
            "Nguyễn Văn A",
            "a/b",
            "1,2",
            too_long.as_str(),
            "001099012345",
            "0912345678",
            "NguyenVanAn",
        ] {
            assert!(ServiceCode::parse(bad).is_none(), "{bad}");
        }
        let errors =
            parse(&[("data-collector", "/c"), ("data-service", "001099012345")]).unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            format!("data-service=\"001099012345\" is not accepted because it holds a run of 9 or more digits, like a citizen ID or phone number: expected {SERVICE_ACCEPTED}")
        );
    }

    #[test]
    fn a_prefill_map_declares_fields_by_selector() {
        let config = parse(&[
            ("data-collector", "/c"),
            ("data-service", "1"),
            ("data-prefill-map", " CSDLQG-DC: #ho_ten, input[name=ngay_sinh]:not([disabled]) ; CSDLQG-DN:#ma_so_thue;"),
        ])
        .unwrap();
        assert_eq!(
            config.prefill_map,
            [
                PrefillRule {
                    source: "CSDLQG-DC".into(),
                    selector: "#ho_ten, input[name=ngay_sinh]:not([disabled])".into()
                },
                PrefillRule {
                    source: "CSDLQG-DN".into(),
                    selector: "#ma_so_thue".into()
                },
            ]
        );
        for bad in ["#ho_ten", "CSDLQG-DC:", ": #ho_ten", "CSDLQG-DC: #a; #b"] {
            let errors = parse(&[
                ("data-collector", "/c"),
                ("data-service", "1"),
                ("data-prefill-map", bad),
            ])
            .unwrap_err();
            assert_eq!(
                (errors.len(), errors[0].attribute),
                (1, "data-prefill-map"),
                "{bad}"
            );
            assert!(
                errors[0].to_string().contains("e.g. CSDLQG-DC: #ho_ten"),
                "{}",
                errors[0]
            );
        }
    }

    #[test]
    fn journey_attributes_have_defaults_and_clear_errors() {
        let base = [("data-collector", "/c"), ("data-service", "1")];
        let config = parse(&base).unwrap();
        assert_eq!(config.journey, JourneyConfig::default());
        assert_eq!(
            (config.journey.target_seconds, config.journey.idle_minutes),
            (300, 30)
        );
        let config = parse(&[
            base[0],
            base[1],
            ("data-login-url", "/dich-vu/*/buoc-1"),
            ("data-success-selector", " #ma-ho-so "),
            ("data-target-seconds", "480"),
            ("data-idle-minutes", "15"),
        ])
        .unwrap();
        assert!(config
            .journey
            .login_url
            .unwrap()
            .matches("/dich-vu/1.001234/buoc-1"));
        assert_eq!(
            config.journey.success_selector.as_deref(),
            Some("#ma-ho-so")
        );
        assert_eq!(
            (config.journey.target_seconds, config.journey.idle_minutes),
            (480, 15)
        );
        for (attribute, bad) in [
            ("data-login-url", "dang-nhap"),
            ("data-success-url", "/a b"),
            ("data-login-selector", "  "),
            ("data-target-seconds", "5 phút"),
            ("data-target-seconds", "0"),
            ("data-idle-minutes", "9999"),
        ] {
            let errors = parse(&[base[0], base[1], (attribute, bad)]).unwrap_err();
            assert_eq!((errors.len(), errors[0].attribute), (1, attribute), "{bad}");
            assert!(errors[0].to_string().contains("(e.g."), "{}", errors[0]);
        }
    }

    #[test]
    fn consent_and_sampling_are_checked() {
        let base = [("data-collector", "/c"), ("data-service", "1")];
        let config = parse(&base).unwrap();
        assert_eq!((config.consent_required, config.sample), (false, 1.0));
        let config = parse(&[
            base[0],
            base[1],
            ("data-consent", "required"),
            ("data-sample", "0.1"),
        ])
        .unwrap();
        assert_eq!((config.consent_required, config.sample), (true, 0.1));
        for (attribute, bad) in [
            ("data-consent", "yes"),
            ("data-sample", "0"),
            ("data-sample", "1.5"),
            ("data-sample", "10%"),
        ] {
            let errors = parse(&[base[0], base[1], (attribute, bad)]).unwrap_err();
            assert_eq!((errors.len(), errors[0].attribute), (1, attribute), "{bad}");
        }
    }

    #[test]
    fn the_format_is_json_or_otlp() {
        let base = [("data-collector", "/c"), ("data-service", "1")];
        assert_eq!(parse(&base).unwrap().format, Format::Json);
        let otlp = parse(&[base[0], base[1], ("data-format", "otlp")]).unwrap();
        assert_eq!(otlp.format, Format::Otlp);
        assert!(parse(&[base[0], base[1], ("data-overlay", "on")]).is_ok());
        assert!(parse(&[base[0], base[1], ("data-overlay", "never")]).is_ok());
        assert_eq!(
            parse(&[base[0], base[1], ("data-overlay", "yes")]).unwrap_err()[0].attribute,
            "data-overlay"
        );
        let errors = parse(&[base[0], base[1], ("data-format", "protobuf")]).unwrap_err();
        assert!(
            errors[0]
                .to_string()
                .starts_with("data-format=\"protobuf\" is not accepted: expected json (beacons as"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn unknown_attributes_are_named_with_the_accepted_ones() {
        let warnings = unknown_attributes([
            "src",
            "async",
            "data-colector",
            "data-service",
            "data-overlay",
        ]);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with("data-colector is not an attribute journey-probe reads"),
            "{}",
            warnings[0]
        );
        assert!(
            warnings[0].contains("data-collector, data-service"),
            "{}",
            warnings[0]
        );
    }

    #[test]
    fn allowed_query_parameters_are_names() {
        let base = [("data-collector", "/c"), ("data-service", "1")];
        let config = parse(&[base[0], base[1], ("data-allow-params", " buoc , tab ")]).unwrap();
        assert_eq!(config.allow_params, ["buoc", "tab"]);
        for bad in ["", "a b", "cccd=1", "x,y,", "&"] {
            let result = parse(&[base[0], base[1], ("data-allow-params", bad)]);
            if bad == "x,y," {
                assert!(result.is_ok(), "a trailing comma is fine");
            } else {
                assert_eq!(
                    result.unwrap_err()[0].attribute,
                    "data-allow-params",
                    "{bad}"
                );
            }
        }
    }

    #[test]
    fn reports_every_mistake_at_once() {
        let errors = parse(&[("data-service", "dịch vụ")]).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(
            errors[0].to_string(),
            format!(
                "data-collector (or window.JourneyProbeConfig.collector) is missing: expected \
                 {COLLECTOR_ACCEPTED}"
            )
        );
        assert_eq!(
            errors[1].to_string(),
            format!("data-service=\"dịch vụ\" is not accepted: expected {SERVICE_ACCEPTED}")
        );
    }

    #[test]
    fn messages_quote_long_values_briefly() {
        let long = "x".repeat(500);
        let errors =
            parse(&[("data-collector", "/c"), ("data-service", long.as_str())]).unwrap_err();
        let message = errors[0].to_string();
        assert!(
            message.contains(&format!("\"{}…\"", "x".repeat(80))),
            "{message}"
        );
        assert!(message.len() < 400);
    }
}
