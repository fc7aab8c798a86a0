//! The second encoding, `data-format="otlp"`: beacons as OpenTelemetry log records in OTLP/HTTP
//! JSON, so that a standard OpenTelemetry Collector (its `otlp` receiver, `POST /v1/logs`)
//! receives them with no journey-probe code on the server.
//!
//! Each beacon becomes one log record: its body is the beacon's JSON text, byte for byte what
//! the default encoding sends (so `schema/beacon.schema.json` describes it, and a pipeline
//! parses it with the Collector's `ParseJSON`), and a few of its measurements are repeated as
//! attributes so that a log backend can filter and aggregate without parsing the body. The
//! record has no timestamp: a beacon carries no absolute time (the receiver stamps it).
//!
//! The body is a string rather than a structured `kvlistValue`: measured on a 2,000-field page,
//! the structured form is about three times the JSON and would not fit a page-exit request.

use crate::core::prelude::*;

use crate::core::beacon::Beacon;
use crate::core::json::Object;

/// Whether this build encodes OTLP (see [`crate::core::config::OTLP_BUILT_IN`]).
pub use crate::core::config::OTLP_BUILT_IN as BUILT_IN;

/// The OTel event name of a beacon record.
pub const EVENT_NAME: &str = "journey_probe.beacon";
/// What every OTLP request starts with, up to its log records.
const ENVELOPE_START: &str = concat!(
    r#"{"resourceLogs":[{"resource":{"attributes":["#,
    r#"{"key":"service.name","value":{"stringValue":"journey-probe"}},"#,
    r#"{"key":"telemetry.sdk.name","value":{"stringValue":"journey-probe"}},"#,
    r#"{"key":"telemetry.sdk.language","value":{"stringValue":"webjs"}},"#,
    r#"{"key":"telemetry.sdk.version","value":{"stringValue":""#,
    env!("CARGO_PKG_VERSION"),
    r#""}}]},"scopeLogs":[{"scope":{"name":"journey-probe","version":""#,
    env!("CARGO_PKG_VERSION"),
    r#""},"logRecords":["#
);
/// What every OTLP request ends with.
const ENVELOPE_END: &str = "]}]}]}";
/// How a stored OTLP record starts (the outbox tells encodings apart by it).
pub const RECORD_START: &str = r#"{"eventName":"#;

/// Wraps log records (each written by [`record`]) into one `ExportLogsServiceRequest`.
pub fn request<'a>(records: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from(ENVELOPE_START);
    for (i, record) in records.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(record);
    }
    out.push_str(ENVELOPE_END);
    out
}

/// The `Content-Type` a request body needs: OTLP receivers refuse anything but
/// `application/json` for JSON; `None` for the default encoding, which goes as `text/plain`
/// (a "simple" request that needs no CORS preflight).
pub fn content_type(body: &str) -> Option<&'static str> {
    (BUILT_IN && body.starts_with(r#"{"resourceLogs""#)).then_some("application/json")
}

/// Bytes [`request`] adds around its records.
pub fn envelope_len() -> usize {
    ENVELOPE_START.len() + ENVELOPE_END.len()
}

/// The beacon as one OTLP JSON log record.
pub fn record(beacon: &Beacon) -> String {
    let mut out = String::with_capacity(1024);
    let mut attributes: Vec<(&str, Value<'_>)> = vec![
        ("journey_probe.v", Value::Int(u64::from(beacon.v))),
        ("journey_probe.beacon_id", Value::Str(beacon.id.as_str())),
        ("journey_probe.seq", Value::Int(u64::from(beacon.seq))),
        ("journey_probe.trigger", Value::Str(beacon.trigger.as_str())),
        ("journey_probe.service", Value::Str(beacon.service.as_str())),
        (
            "journey_probe.journey_id",
            Value::Str(beacon.journey.id.as_str()),
        ),
        ("journey_probe.page_path", Value::Str(&beacon.page.path)),
    ];
    let journey = &beacon.journey;
    if let Some(outcome) = journey.outcome {
        attributes.push(("journey_probe.outcome", Value::Str(outcome.as_str())));
    }
    if let Some(ms) = journey.duration_ms {
        attributes.push(("journey_probe.duration_ms", Value::Int(ms)));
    }
    if let Some(ms) = journey.active_ms {
        attributes.push(("journey_probe.active_ms", Value::Int(ms)));
    }
    if let Some(met) = journey.met {
        attributes.push(("journey_probe.met", Value::Bool(met)));
    }
    Object::open(&mut out)
        .str("eventName", EVENT_NAME)
        .uint("severityNumber", 9) // INFO
        .str("severityText", "INFO")
        .array("attributes", attributes, |kv, (key, value)| {
            kv.str("key", key).object("value", |v| match value {
                Value::Str(text) => {
                    v.str("stringValue", text);
                }
                // OTLP JSON writes 64-bit integers as strings.
                Value::Int(n) => {
                    v.str("intValue", &crate::core::text::number(n));
                }
                Value::Bool(b) => {
                    v.bool("boolValue", b);
                }
            });
        })
        .object("body", |b| {
            b.str("stringValue", &beacon.to_json());
        });
    out
}

/// An attribute's value.
enum Value<'a> {
    Str(&'a str),
    Int(u64),
    Bool(bool),
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_holds_the_records_in_order() {
        let body = request([r#"{"eventName":"a"}"#, r#"{"eventName":"b"}"#]);
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        let resource = &parsed["resourceLogs"][0];
        assert_eq!(
            resource["resource"]["attributes"][0]["value"]["stringValue"],
            "journey-probe"
        );
        let scope = &resource["scopeLogs"][0];
        assert_eq!(scope["scope"]["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(scope["logRecords"][1]["eventName"], "b");
        assert_eq!(body.len(), envelope_len() + 17 + 1 + 17);
        assert_eq!(content_type(&body), Some("application/json"));
        assert_eq!(content_type("[{\"v\":1}]"), None);
        let empty: serde_json::Value = serde_json::from_str(&request([])).unwrap();
        assert_eq!(
            empty["resourceLogs"][0]["scopeLogs"][0]["logRecords"],
            serde_json::json!([])
        );
    }
}
