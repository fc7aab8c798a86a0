//! The long sentences of configuration and command warnings: what a setting or a command
//! accepts, with an example. They are for portal developers, never for citizens, so the
//! citizen's wasm carries each as a token (`\u{1}` + its number + `\u{1}`) and the JS shell
//! writes the sentence from `js/sentences.js`, a file fetched only with the first warning that
//! has one. Native builds, and so every native test, carry the text itself.
//!
//! `js/sentences.js` must list exactly these; a native test checks it (and writes it afresh
//! with `JOURNEY_PROBE_WRITE_SENTENCES=1`).

macro_rules! sentences {
    ($($(#[$meta:meta])* $name:ident = $n:literal: $text:expr;)*) => {
        $(
            $(#[$meta])*
            pub const $name: &str = if cfg!(target_arch = "wasm32") {
                concat!("\u{1}", stringify!($n), "\u{1}")
            } else {
                $text
            };
        )*
        /// Every sentence with its number, as `js/sentences.js` holds them.
        #[cfg(not(target_arch = "wasm32"))]
        pub const ALL: &[(u32, &str)] = &[$(($n, $text)),*];
    };
}

sentences! {
    /// What `data-collector` accepts.
    COLLECTOR = 1: "the URL beacons are sent to: an absolute http:// or https:// URL, \
or a path starting with / on this site (e.g. https://collector.example.gov.vn/v1/beacons)";
    /// What `data-prefill-map` accepts.
    PREFILL_MAP = 2: "entries separated by ';', each a database name, ':' and a CSS \
selector list (e.g. CSDLQG-DC: #ho_ten, #ngay_sinh; CSDLQG-DN: #ma_so_thue)";
    /// What `data-login-url` and `data-success-url` accept.
    URL_PATTERN = 3: "a path on this site where * stands for any characters \
(e.g. /dich-vu/*/bien-nhan/*)";
    /// What `data-login-selector` and `data-success-selector` accept.
    SELECTOR = 4: "a CSS selector of at most 500 characters (e.g. #ma-ho-so)";
    /// What `data-target-seconds` accepts.
    TARGET = 5: "a whole number of seconds from 1 to 86400 (e.g. 300, the 2026 target)";
    /// What `data-idle-minutes` accepts.
    IDLE = 6: "a whole number of minutes from 1 to 1440 (e.g. 30)";
    /// What `data-consent` accepts.
    CONSENT = 7: "required (beacons wait for JourneyProbe.consent(true)) or \
not-required (e.g. required)";
    /// What `data-sample` accepts.
    SAMPLE = 8: "a share of journeys above 0 and at most 1 (e.g. 0.1 for one in ten)";
    /// What `data-allow-params` accepts.
    ALLOW_PARAMS = 9: "up to 20 query parameter names separated by commas, each \
letters, digits, '_' or '-' (e.g. buoc,tab)";
    /// What `data-step-slugs` accepts.
    STEP_SLUGS = 10: "up to 50 path segments separated by commas, each 1 to 64 \
letters, digits, '.', '_', '~' or '-' with no run of six digits and no '@' (e.g. nguyen-tac,buoc-xac-nhan)";
    /// What `data-format` accepts where the OTLP encoder is built in.
    FORMAT_WITH_OTLP = 11: "json (beacons as schema/beacon.schema.json defines them) or otlp \
(OpenTelemetry log records for an OTLP/HTTP receiver's /v1/logs) (e.g. otlp)";
    /// What `data-format` accepts in the wasm without the OTLP encoder (the ES module entry
    /// used without the loader's choice, say).
    FORMAT_JSON_ONLY = 12: "json: this build of the probe has no OTLP encoder (the loader journey-probe.js, and \
start(), fetch the one that has it when the format is otlp)";
    /// What `data-overlay` accepts.
    OVERLAY = 13: "on (show the QA overlay), off, or never (nothing can switch it on) (e.g. on)";
    /// What `data-survey` accepts.
    SURVEY = 14: "on (ask the satisfaction question after a successful submission) or off (e.g. on)";
    /// What `data-service` accepts.
    SERVICE = 15: "the service code, 1 to 64 characters of letters, digits, '.', '-' \
or '_': a public catalogue code, never a citizen's number, e-mail or name (e.g. 1.001234)";
    /// What the `mark` command needs (64 is `MAX_STEP_NAME`).
    MARK = 16: "mark needs a step name: 1 to 64 letters, digits, '.', '-' or '_' that name no one \
(no person's name, e-mail, date or long number; e.g. JourneyProbe.mark('xac-nhan'))";
    /// What the `consent` command needs.
    CONSENT_COMMAND = 17: "consent needs true or false (e.g. JourneyProbe.consent(true))";
    /// What the `setService` command needs.
    SET_SERVICE = 18: "setService needs a service code: 1 to 64 letters, digits, '.', '-' or '_', a public \
catalogue code and never a citizen's number, e-mail or name (e.g. JourneyProbe.setService('1.001234'))";
    /// What the `rate` command needs.
    RATE = 19: "rate needs a score from 1 to 5, optionally followed by ':' and \
reasons separated by commas from too_slow, re_enter_data, unclear_errors, hard_on_mobile, other, \
or 'dismissed' (e.g. JourneyProbe.rate(2, ['too_slow']))";
}

/// The text of `js/sentences.js` for [`ALL`].
#[cfg(not(target_arch = "wasm32"))]
pub fn sentences_js() -> alloc::string::String {
    let mut out = alloc::string::String::from(
        "// Generated from src/core/sentences.rs (JOURNEY_PROBE_WRITE_SENTENCES=1 cargo test --lib sentences):\n\
         // the sentences the wasm's warnings name by number, fetched only with the first such warning.\n\
         export default {\n",
    );
    for (n, text) in ALL {
        out.push_str("  ");
        out.push_str(&crate::core::text::number(u64::from(*n)));
        out.push_str(": ");
        crate::core::json::string(&mut out, text);
        out.push_str(",\n");
    }
    out.push_str("};\n");
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_js_file_holds_every_sentence() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/js/sentences.js");
        if std::env::var_os("JOURNEY_PROBE_WRITE_SENTENCES").is_some() {
            std::fs::write(path, sentences_js()).unwrap();
        }
        let file = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            file,
            sentences_js(),
            "js/sentences.js is stale: JOURNEY_PROBE_WRITE_SENTENCES=1 cargo test --lib sentences"
        );
    }

    #[test]
    fn numbers_are_one_to_n_once_each() {
        let numbers: Vec<u32> = ALL.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, (1..=ALL.len() as u32).collect::<Vec<_>>());
    }
}
