//! `journey-collector list`: stored beacons as JSON lines or a human table.

use std::io::Write;

use serde_json::Value;

use crate::cli::{ListArgs, ListFormat};
use crate::error::Error;
use crate::store::{ListQuery, StoredBeacon};

/// Prints the most recent `args.limit` beacons of `args.db`, oldest first.
pub fn list(args: &ListArgs, out: &mut dyn Write) -> Result<(), Error> {
    let store = args.store.open_existing()?;
    let beacons = store.list(&ListQuery {
        limit: args.limit,
        journey: None,
        before: None,
    })?;
    match args.format {
        ListFormat::Json => write_json(&beacons, out),
        ListFormat::Table => write_table(&beacons, out),
    }
    .map_err(Error::Output)
}

/// One `{"received_ms":…,"beacon":{…}}` object per line.
pub fn write_json(beacons: &[StoredBeacon], out: &mut dyn Write) -> std::io::Result<()> {
    for b in beacons {
        serde_json::to_writer(&mut *out, b)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// A compact table: received time (UTC), journey (8 chars), seq, trigger, service, path.
pub fn write_table(beacons: &[StoredBeacon], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<23}  {:<8}  {:>5}  {:<9}  {:<12}  PATH",
        "RECEIVED (UTC)", "JOURNEY", "SEQ", "TRIGGER", "SERVICE"
    )?;
    for b in beacons {
        let v: Value = serde_json::from_str(b.beacon.get()).unwrap_or(Value::Null);
        let s = |ptr: &str| v.pointer(ptr).and_then(Value::as_str).unwrap_or("?");
        let journey: String = s("/journey/id").chars().take(8).collect();
        let seq = v.get("seq").map_or("?".into(), Value::to_string);
        writeln!(
            out,
            "{:<23}  {:<8}  {:>5}  {:<9}  {:<12}  {}",
            crate::period::format_utc_ms(b.received_ms),
            journey,
            seq,
            s("/trigger"),
            s("/service"),
            s("/page/path")
        )?;
    }
    if beacons.is_empty() {
        writeln!(out, "(no beacons stored)")?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::value::RawValue;

    #[test]
    fn table_and_json_lines() {
        let body = r#"{"id":"0123456789abcdef","journey":{"id":"abcdef0123456789abcdef0123456789"},"page":{"path":"/a"},"seq":3,"service":"1.0","trigger":"hidden"}"#;
        let rows = vec![StoredBeacon {
            received_ms: 0,
            beacon: RawValue::from_string(body.into()).unwrap(),
            cursor: String::new(),
        }];
        let mut out = Vec::new();
        write_table(&rows, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert_eq!(
            line,
            "1970-01-01 00:00:00.000  abcdef01      3  hidden     1.0           /a"
        );
        let mut out = Vec::new();
        write_json(&rows, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("{{\"received_ms\":0,\"beacon\":{body}}}\n")
        );
    }
}
