//! Figure-by-figure comparison of an expected report with a collector's, naming each
//! difference by its JSON pointer.

use serde_json::Value;

/// One figure that differs.
#[derive(Debug, Clone)]
pub struct Difference {
    pub pointer: String,
    pub expected: String,
    pub got: String,
}

/// Every difference between `expected` and `got` (numbers compared by value: `66.7` and
/// `66.7`, `2` and `2.0` are the same figure).
pub fn differences(expected: &Value, got: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(expected, got, String::new(), &mut out);
    out
}

fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.len() > 160 {
        format!("{}…", &text[..160])
    } else {
        text
    }
}

fn walk(expected: &Value, got: &Value, pointer: String, out: &mut Vec<Difference>) {
    match (expected, got) {
        (Value::Object(e), Value::Object(g)) => {
            for (k, ev) in e {
                let p = format!("{pointer}/{k}");
                match g.get(k) {
                    Some(gv) => walk(ev, gv, p, out),
                    None => record(out, p, short(ev), "(missing)".into()),
                }
            }
            for (k, gv) in g {
                if !e.contains_key(k) {
                    record(out, format!("{pointer}/{k}"), "(absent)".into(), short(gv));
                }
            }
        }
        (Value::Array(e), Value::Array(g)) => {
            for i in 0..e.len().max(g.len()) {
                let p = format!("{pointer}/{i}");
                match (e.get(i), g.get(i)) {
                    (Some(ev), Some(gv)) => walk(ev, gv, p, out),
                    (Some(ev), None) => record(out, p, short(ev), "(missing)".into()),
                    (None, Some(gv)) => record(out, p, "(absent)".into(), short(gv)),
                    (None, None) => {}
                }
            }
        }
        (Value::Number(e), Value::Number(g)) => {
            let same = match (e.as_i64(), g.as_i64()) {
                (Some(a), Some(b)) => a == b,
                _ => e.as_f64() == g.as_f64(),
            };
            if !same {
                record(out, pointer, e.to_string(), g.to_string());
            }
        }
        (e, g) if e == g => {}
        (e, g) => record(out, pointer, short(e), short(g)),
    }
}

fn record(out: &mut Vec<Difference>, pointer: String, expected: String, got: String) {
    out.push(Difference {
        pointer,
        expected,
        got,
    });
}
