//! Turning a request body into validated beacons: JSON parsing, the batch
//! shape (one object or an array of 1–50), and validation of every beacon
//! against `schema/beacon.schema.json`.

use std::sync::OnceLock;

use serde_json::Value;

/// The beacon contract, embedded from `schema/beacon.schema.json` at build time.
pub const BEACON_SCHEMA: &str = include_str!("../../schema/beacon.schema.json");

/// Most beacons accepted in one request body.
pub const MAX_BATCH: usize = 50;

/// Most validation messages returned for one request.
pub const MAX_DETAILS: usize = 20;

/// One beacon that passed the schema, with the columns the store indexes.
#[derive(Debug, Clone, PartialEq)]
pub struct Beacon {
    /// `id`: 16 hex digits, unique per beacon.
    pub id: String,
    /// `journey.id`: 32 hex digits.
    pub journey: String,
    /// `seq`: order within the journey.
    pub seq: i64,
    /// `trigger`: what made the probe send.
    pub trigger: String,
    /// `service`: code of the public service.
    pub service: String,
    /// `page.path`: scrubbed page path.
    pub path: String,
    /// The whole beacon, re-serialised as compact JSON.
    pub body: String,
    /// What the report reads from it.
    pub facts: crate::facts::Facts,
    /// What the second gate ([`crate::gate`]) redacted in it before it was validated.
    pub redacted: Vec<crate::gate::Redaction>,
}

/// Why a request body was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BodyError {
    /// The body is not JSON at all.
    #[error("body is not JSON: {0}")]
    NotJson(String),
    /// JSON, but neither a beacon object nor an array of them.
    #[error("{0}")]
    Shape(String),
    /// A beacon of a format version this collector does not read.
    #[error("unsupported beacon version {0}: this collector accepts version 1 (\"v\": 1)")]
    Version(String),
    /// At least one beacon breaks the schema; one message per problem
    /// (`beacon I: /json/pointer: message`), at most [`MAX_DETAILS`].
    #[error("invalid beacon")]
    Invalid(Vec<String>),
}

/// Validates beacons against the embedded schema, compiled once.
pub struct BeaconValidator {
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for BeaconValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BeaconValidator").finish_non_exhaustive()
    }
}

impl BeaconValidator {
    /// The process-wide validator; the schema is parsed and compiled on first use.
    ///
    /// # Panics
    /// If the embedded schema is not valid JSON Schema, which the unit tests rule out.
    pub fn get() -> &'static BeaconValidator {
        static VALIDATOR: OnceLock<BeaconValidator> = OnceLock::new();
        VALIDATOR.get_or_init(|| {
            Self::compile().unwrap_or_else(|e| panic!("embedded beacon schema: {e}"))
        })
    }

    /// Compiles the embedded schema.
    pub fn compile() -> Result<BeaconValidator, String> {
        let schema: Value =
            serde_json::from_str(BEACON_SCHEMA).map_err(|e| format!("not JSON: {e}"))?;
        let validator = jsonschema::draft202012::new(&schema).map_err(|e| e.to_string())?;
        Ok(BeaconValidator { validator })
    }

    /// Schema problems of one beacon as `beacon INDEX: POINTER: the schema's RULE rule
    /// (SCHEMA POINTER)` — where and which rule, never the value that broke it: these lines go
    /// to logs, and a refused value may be a citizen's data.
    pub fn problems(&self, index: usize, beacon: &Value) -> Vec<String> {
        self.validator
            .iter_errors(beacon)
            .map(|e| {
                let path = e.instance_path().as_str();
                let path = if path.is_empty() { "(root)" } else { path };
                format!(
                    "beacon {index}: {path}: breaks the schema's {} rule ({} in schema/beacon.schema.json)",
                    e.kind().keyword(),
                    e.schema_path().as_str()
                )
            })
            .collect()
    }

    /// Parses a request body (one beacon object, or an array of 1–[`MAX_BATCH`]),
    /// redacts what the privacy rule refuses ([`crate::gate`]) and validates every beacon.
    /// All-or-nothing: any invalid beacon fails the lot.
    pub fn parse_body(&self, body: &[u8]) -> Result<Vec<Beacon>, BodyError> {
        self.parse_body_gated(body, &[])
    }

    /// As [`BeaconValidator::parse_body`], keeping `slugs` (the operator's `--step-slugs`) in
    /// paths.
    pub fn parse_body_gated(
        &self,
        body: &[u8],
        slugs: &[String],
    ) -> Result<Vec<Beacon>, BodyError> {
        let value: Value = serde_json::from_slice(body).map_err(|e| {
            // Where, never what: serde's message quotes the value it choked on.
            BodyError::NotJson(format!(
                "{:?} error at line {} column {}",
                e.classify(),
                e.line(),
                e.column()
            ))
        })?;
        let mut items = match value {
            Value::Array(items) if items.is_empty() => {
                return Err(BodyError::Shape(format!(
                    "empty array: send one beacon object or an array of 1–{MAX_BATCH} beacons"
                )))
            }
            Value::Array(items) if items.len() > MAX_BATCH => {
                return Err(BodyError::Shape(format!(
                    "array of {} beacons: at most {MAX_BATCH} per request",
                    items.len()
                )))
            }
            Value::Array(items) => items,
            obj @ Value::Object(_) => vec![obj],
            other => {
                return Err(BodyError::Shape(format!(
                "body is a JSON {}: send one beacon object or an array of 1–{MAX_BATCH} beacons",
                json_kind(&other)
            )))
            }
        };
        if let Some(v) = items
            .iter()
            .filter_map(|b| b.get("v"))
            .find(|v| v.as_i64() != Some(1) && v.is_number())
        {
            return Err(BodyError::Version(v.to_string()));
        }
        // Control characters are refused before the gate could redact them: no true beacon
        // has one, and the schema says so (keys and sources).
        let mut problems = Vec::new();
        for (i, item) in items.iter().enumerate() {
            control_characters(i, item, &mut String::new(), &mut problems);
        }
        if !problems.is_empty() {
            return Err(BodyError::Invalid(cap_details(problems)));
        }
        let redacted: Vec<Vec<crate::gate::Redaction>> = items
            .iter_mut()
            .map(|item| crate::gate::redact(item, slugs))
            .collect();
        let mut problems = Vec::new();
        for (i, item) in items.iter().enumerate() {
            problems.extend(self.problems(i, item));
        }
        if !problems.is_empty() {
            return Err(BodyError::Invalid(cap_details(problems)));
        }
        Ok(items
            .iter()
            .zip(redacted)
            .map(|(item, redacted)| Beacon {
                redacted,
                ..extract(item)
            })
            .collect())
    }
}

/// Keeps at most [`MAX_DETAILS`] messages; when some are dropped the last one says how many.
fn cap_details(mut problems: Vec<String>) -> Vec<String> {
    if problems.len() > MAX_DETAILS {
        let dropped = problems.len() - (MAX_DETAILS - 1);
        problems.truncate(MAX_DETAILS - 1);
        problems.push(format!("… and {dropped} more problems"));
    }
    problems
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Pulls the indexed columns out of a beacon that passed the schema.
fn extract(v: &Value) -> Beacon {
    let text = |ptr: &str| {
        v.pointer(ptr)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    // The schema's "integer" also admits 3.0; the range check bounds it.
    let seq = v
        .get("seq")
        .and_then(|n| n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)))
        .unwrap_or_default();
    Beacon {
        id: text("/id"),
        journey: text("/journey/id"),
        seq,
        trigger: text("/trigger"),
        service: text("/service"),
        path: text("/page/path"),
        body: v.to_string(),
        facts: crate::facts::read(v),
        redacted: Vec::new(),
    }
}

/// Adds a problem for every string (value or member name) of beacon `index` that holds a
/// control character (C0, DEL, C1), naming where — never the text.
fn control_characters(index: usize, value: &Value, path: &mut String, problems: &mut Vec<String>) {
    if problems.len() > MAX_DETAILS {
        return; // enough said: a hostile body cannot make the answer grow with it
    }
    let report = |path: &str, problems: &mut Vec<String>| {
        problems.push(format!(
            "beacon {index}: {}: holds a control character; keys, sources and paths are printable text",
            if path.is_empty() {
                "/".to_owned()
            } else {
                crate::refusal_log::cut(path, 200).to_string()
            }
        ));
    };
    match value {
        Value::String(text) if text.chars().any(char::is_control) => report(path, problems),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push('/');
                path.push_str(&i.to_string());
                control_characters(index, item, path, problems);
                path.truncate(len);
            }
        }
        Value::Object(members) => {
            for (name, item) in members {
                let len = path.len();
                path.push('/');
                if name.chars().any(char::is_control) {
                    path.push_str("(a member name)");
                    report(path, problems);
                } else {
                    path.push_str(name);
                    control_characters(index, item, path, problems);
                }
                path.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The documented example beacon, with seq 0.
    fn valid() -> Value {
        let mut beacon: Value =
            serde_json::from_str(include_str!("../../schema/examples/beacon.json")).unwrap();
        beacon["seq"] = json!(0);
        beacon
    }

    fn parse(v: &Value) -> Result<Vec<Beacon>, BodyError> {
        BeaconValidator::get().parse_body(v.to_string().as_bytes())
    }

    #[test]
    fn schema_compiles() {
        BeaconValidator::compile().unwrap();
    }

    #[test]
    fn valid_beacon_extracts_columns() {
        let b = parse(&valid()).unwrap();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].id, "0123456789abcdef");
        assert_eq!(b[0].journey, "0123456789abcdef0123456789abcdef");
        assert_eq!(b[0].seq, 0);
        assert_eq!(b[0].trigger, "pagehide");
        assert_eq!(b[0].service, "1.001234");
        assert_eq!(b[0].path, "/dich-vu/1.001234/buoc-1");
        let round: Value = serde_json::from_str(&b[0].body).unwrap();
        assert_eq!(round, valid());
        assert!(!b[0].body.contains(' '));
    }

    #[test]
    fn integral_float_seq_is_read() {
        let mut v = valid();
        v["seq"] = json!(7.0);
        assert_eq!(parse(&v).unwrap()[0].seq, 7);
    }

    #[test]
    fn not_json_and_bad_shapes() {
        let val = BeaconValidator::get();
        assert!(matches!(
            val.parse_body(b"{nope"),
            Err(BodyError::NotJson(_))
        ));
        assert!(matches!(val.parse_body(b"[]"), Err(BodyError::Shape(_))));
        assert!(matches!(val.parse_body(b"42"), Err(BodyError::Shape(_))));
        let many = Value::Array(vec![valid(); MAX_BATCH + 1]);
        assert!(matches!(parse(&many), Err(BodyError::Shape(_))));
        let max = Value::Array(vec![valid(); MAX_BATCH]);
        assert_eq!(parse(&max).unwrap().len(), MAX_BATCH);
    }

    #[test]
    fn details_name_index_and_pointer() {
        let mut bad = valid();
        bad["page"]["path"] = json!("abc");
        let Err(BodyError::Invalid(d)) = parse(&json!([valid(), bad])) else {
            panic!("expected invalid")
        };
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0],
            "beacon 1: /page/path: breaks the schema's pattern rule (/properties/page/properties/path/pattern in schema/beacon.schema.json)"
        );
    }

    #[test]
    fn root_problems_are_labelled() {
        let mut bad = valid();
        bad["value"] = json!("Nguyễn Văn A");
        let Err(BodyError::Invalid(d)) = parse(&bad) else {
            panic!("expected invalid")
        };
        assert!(d[0].starts_with("beacon 0: (root): "), "{d:?}");
        assert!(d[0].contains("additionalProperties"), "{d:?}");
        assert!(!d[0].contains("Nguy"), "never the value: {d:?}");
    }

    #[test]
    fn details_are_capped() {
        let mut bad = valid();
        bad["id"] = json!("x");
        let Err(BodyError::Invalid(d)) = parse(&Value::Array(vec![bad; 30])) else {
            panic!("expected invalid")
        };
        assert_eq!(d.len(), MAX_DETAILS);
        assert_eq!(d[MAX_DETAILS - 1], "… and 11 more problems");
    }
}
