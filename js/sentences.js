// Generated from src/core/sentences.rs (JOURNEY_PROBE_WRITE_SENTENCES=1 cargo test --lib sentences):
// the sentences the wasm's warnings name by number, fetched only with the first such warning.
export default {
  1: "the URL beacons are sent to: an absolute http:// or https:// URL, or a path starting with / on this site (e.g. https://collector.example.gov.vn/v1/beacons)",
  2: "entries separated by ';', each a database name, ':' and a CSS selector list (e.g. CSDLQG-DC: #ho_ten, #ngay_sinh; CSDLQG-DN: #ma_so_thue)",
  3: "a path on this site where * stands for any characters (e.g. /dich-vu/*/bien-nhan/*)",
  4: "a CSS selector of at most 500 characters (e.g. #ma-ho-so)",
  5: "a whole number of seconds from 1 to 86400 (e.g. 300, the 2026 target)",
  6: "a whole number of minutes from 1 to 1440 (e.g. 30)",
  7: "required (beacons wait for JourneyProbe.consent(true)) or not-required (e.g. required)",
  8: "a share of journeys above 0 and at most 1 (e.g. 0.1 for one in ten)",
  9: "up to 20 query parameter names separated by commas, each letters, digits, '_' or '-' (e.g. buoc,tab)",
  10: "up to 50 path segments separated by commas, each 1 to 64 letters, digits, '.', '_', '~' or '-' with no run of six digits and no '@' (e.g. nguyen-tac,buoc-xac-nhan)",
  11: "json (beacons as schema/beacon.schema.json defines them) or otlp (OpenTelemetry log records for an OTLP/HTTP receiver's /v1/logs) (e.g. otlp)",
  12: "json: this build of the probe has no OTLP encoder (the loader journey-probe.js, and start(), fetch the one that has it when the format is otlp)",
  13: "on (show the QA overlay), off, or never (nothing can switch it on) (e.g. on)",
  14: "on (ask the satisfaction question after a successful submission) or off (e.g. on)",
  15: "the service code, 1 to 64 characters of letters, digits, '.', '-' or '_': a public catalogue code, never a citizen's number, e-mail or name (e.g. 1.001234)",
  16: "mark needs a step name: 1 to 64 letters, digits, '.', '-' or '_' that name no one (no person's name, e-mail, date or long number; e.g. JourneyProbe.mark('xac-nhan'))",
  17: "consent needs true or false (e.g. JourneyProbe.consent(true))",
  18: "setService needs a service code: 1 to 64 letters, digits, '.', '-' or '_', a public catalogue code and never a citizen's number, e-mail or name (e.g. JourneyProbe.setService('1.001234'))",
  19: "rate needs a score from 1 to 5, optionally followed by ':' and reasons separated by commas from too_slow, re_enter_data, unclear_errors, hard_on_mobile, other, or 'dismissed' (e.g. JourneyProbe.rate(2, ['too_slow']))",
};
