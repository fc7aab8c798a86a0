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
            format_utc_ms(b.received_ms),
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

/// `YYYY-MM-DD HH:MM:SS.mmm` in UTC for epoch milliseconds.
pub fn format_utc_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Civil-from-days (H. Hinnant), proleptic Gregorian.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{millis:03}",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::value::RawValue;

    #[test]
    fn utc_formatting() {
        assert_eq!(format_utc_ms(0), "1970-01-01 00:00:00.000");
        assert_eq!(format_utc_ms(951_782_400_123), "2000-02-29 00:00:00.123");
        assert_eq!(format_utc_ms(1_763_833_801_005), "2025-11-22 17:50:01.005");
    }

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
