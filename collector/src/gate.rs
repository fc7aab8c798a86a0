//! The second gate: the probe's privacy rule (`journey_probe::core::privacy`), applied again to
//! every key, path, step and source a beacon brings, before the schema and the store see it.
//!
//! The probe already applies it; a collector still cannot trust what arrives (an old probe, a
//! probe built from a fork, a forged request). What fails is not refused — refusing a whole
//! beacon for one key would lose everything else it measured — but stored redacted: a key
//! becomes [`REDACTED_KEY`], a source `unnamed`, a path segment `:id`; each redaction is
//! counted in `/metrics` by what it was. Paths keep the beacon's own service code and the step
//! slugs the operator lists (`--step-slugs`, the same list the portals declare in
//! `data-step-slugs`).

use journey_probe::core::privacy::{self, Written};
use serde_json::Value;

/// What a key the rule refuses is stored as: structural, like the probe's own `#3`.
pub const REDACTED_KEY: &str = "#redacted";
/// What a source the rule refuses is stored as (the probe's own word for it).
pub const REDACTED_SOURCE: &str = "unnamed";

/// What was redacted, for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Redaction {
    /// A field or form key (`forms[].key`, `…fields[].key`, `blocked_by`, `last_field`,
    /// `inp_field`).
    Key,
    /// A segment of `page.path` (or a query value in it).
    Path,
    /// A step name (`journey.steps[].name`).
    Step,
    /// A `…fields[].source`.
    Source,
}

impl Redaction {
    /// The label `/metrics` counts it under.
    pub fn as_str(self) -> &'static str {
        match self {
            Redaction::Key => "key",
            Redaction::Path => "path",
            Redaction::Step => "step",
            Redaction::Source => "source",
        }
    }
}

/// Applies the rule to one beacon in place; returns what it redacted (empty for a beacon that
/// needed nothing). `slugs` are the step slugs the operator declared.
pub fn redact(beacon: &mut Value, slugs: &[String]) -> Vec<Redaction> {
    let mut done = Vec::new();
    let service = beacon
        .get("service")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut keep: Vec<&str> = vec![service.as_str()];
    keep.extend(slugs.iter().map(String::as_str));
    if let Some(path) = beacon.pointer_mut("/page/path") {
        gate_path(path, &keep, Redaction::Path, &mut done);
    }
    if let Some(field) = beacon.pointer_mut("/page/speed/inp_field") {
        gate_key(field, &mut done);
    }
    if let Some(field) = beacon.pointer_mut("/journey/last_field") {
        gate_key(field, &mut done);
    }
    if let Some(steps) = beacon
        .pointer_mut("/journey/steps")
        .and_then(Value::as_array_mut)
    {
        for step in steps {
            if let Some(name) = step.get_mut("name") {
                if name.as_str().is_some_and(|n| n.starts_with('/')) {
                    gate_path(name, &keep, Redaction::Step, &mut done);
                } else if !is_safe_key(name) {
                    *name = Value::from(REDACTED_KEY);
                    done.push(Redaction::Step);
                }
            }
        }
    }
    if let Some(forms) = beacon.get_mut("forms").and_then(Value::as_array_mut) {
        for form in forms {
            if let Some(key) = form.get_mut("key") {
                gate_key(key, &mut done);
            }
            if let Some(keys) = form.get_mut("blocked_by").and_then(Value::as_array_mut) {
                keys.iter_mut().for_each(|k| gate_key(k, &mut done));
            }
            let Some(fields) = form.get_mut("fields").and_then(Value::as_array_mut) else {
                continue;
            };
            for field in fields {
                if let Some(key) = field.get_mut("key") {
                    gate_key(key, &mut done);
                }
                if let Some(source) = field.get_mut("source") {
                    if !is_safe_key(source) {
                        *source = Value::from(REDACTED_SOURCE);
                        done.push(Redaction::Source);
                    }
                }
            }
        }
    }
    done
}

/// Whether a JSON string is a key the rule lets through (the probe's structural keys `#3`,
/// `form#2`, `#page` included). Anything not a string is the schema's business.
fn is_safe_key(value: &Value) -> bool {
    value
        .as_str()
        .is_none_or(|k| privacy::key(k, Written::ByDeveloper).as_deref() == Some(k))
}

fn gate_key(value: &mut Value, done: &mut Vec<Redaction>) {
    if !is_safe_key(value) {
        *value = Value::from(REDACTED_KEY);
        done.push(Redaction::Key);
    }
}

/// Redacts the segments of a path (and the values of its query) that the probe's rule would
/// have hidden, as `:id` — the same rule as `url::scrub_path`, digits counted over the whole
/// path — and changes nothing else: whatever else is wrong with it (a fragment, a space, a full
/// URL) the schema refuses.
fn gate_path(value: &mut Value, keep: &[&str], what: Redaction, done: &mut Vec<Redaction>) {
    let Some(path) = value.as_str().filter(|p| p.starts_with('/')) else {
        return; // not a path at all: the schema's business
    };
    let (bare, query) = match path.split_once('?') {
        Some((bare, query)) => (bare, Some(query)),
        None => (path, None),
    };
    let segments: Vec<&str> = bare.split('/').skip(1).collect();
    let digits: usize = segments
        .iter()
        .filter(|s| !keep.contains(s))
        .map(|s| s.bytes().filter(u8::is_ascii_digit).count())
        .sum();
    let split_number = digits >= privacy::MIN_ID_DIGITS;
    let hide = |s: &str, in_path: bool| {
        let slug = !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'-'));
        slug && !(in_path && keep.contains(&s))
            && (!privacy::segment_ok(s)
                || (in_path && split_number && s.bytes().any(|b| b.is_ascii_digit())))
    };
    let mut out = String::with_capacity(path.len());
    for segment in &segments {
        out.push('/');
        out.push_str(if hide(segment, true) { ":id" } else { segment });
    }
    if let Some(query) = query {
        out.push('?');
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, v)) if hide(v, false) => format!("{name}=:id"),
                _ => pair.to_string(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
    }
    if out != path {
        *value = Value::from(out);
        done.push(what);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn what_fails_the_rule_is_redacted_and_the_rest_kept() {
        let mut beacon = json!({
            "service": "1.001234",
            "page": {"path": "/dich-vu/1.001234/ho-so/NguyenVanAn?buoc=2&q=Tran.Thi.Binh",
                     "speed": {"inp_field": "ho_ten_NguyenVanAn"}},
            "journey": {"last_field": "so_dien_thoai",
                        "steps": [{"name": "/dich-vu/1.001234/buoc-1"}, {"name": "tranthibinh"},
                                  {"name": "/nguoi-dung/le.van.an"}]},
            "forms": [{"key": "form-buoc-1", "blocked_by": ["Số điện thoại của Nguyễn Văn An"],
                       "fields": [{"key": "#3", "source": "CSDLQG-DC"},
                                  {"key": "ho_ten", "source": "Nguyễn Văn An"}]}]
        });
        let done = redact(&mut beacon, &[]);
        assert_eq!(
            beacon["page"]["path"],
            "/dich-vu/1.001234/ho-so/:id?buoc=2&q=:id"
        );
        assert_eq!(beacon["page"]["speed"]["inp_field"], REDACTED_KEY);
        assert_eq!(beacon["journey"]["last_field"], "so_dien_thoai");
        assert_eq!(
            beacon["journey"]["steps"],
            json!([{"name": "/dich-vu/1.001234/buoc-1"}, {"name": REDACTED_KEY},
                   {"name": "/nguoi-dung/:id"}])
        );
        assert_eq!(beacon["forms"][0]["key"], "form-buoc-1");
        assert_eq!(beacon["forms"][0]["blocked_by"][0], REDACTED_KEY);
        assert_eq!(
            beacon["forms"][0]["fields"][0],
            json!({"key": "#3", "source": "CSDLQG-DC"})
        );
        assert_eq!(beacon["forms"][0]["fields"][1]["source"], REDACTED_SOURCE);
        let mut counted = done.clone();
        counted.sort();
        assert_eq!(
            counted,
            [
                Redaction::Key,
                Redaction::Key,
                Redaction::Path,
                Redaction::Step,
                Redaction::Step,
                Redaction::Source
            ]
        );
    }

    #[test]
    fn a_clean_beacon_is_left_as_it_is_and_declared_slugs_are_kept() {
        let example: Value =
            serde_json::from_str(include_str!("../../schema/examples/beacon.json")).unwrap();
        let mut beacon = example.clone();
        assert!(redact(&mut beacon, &[]).is_empty());
        assert_eq!(beacon, example);
        let mut slug = json!({"service": "1", "page": {"path": "/nguyen-tac/buoc-1"}});
        assert_eq!(redact(&mut slug.clone(), &[]), [Redaction::Path]);
        assert!(redact(&mut slug, &["nguyen-tac".to_string()]).is_empty());
    }
}
