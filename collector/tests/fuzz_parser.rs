//! Property tests of the beacon parser (the stable twin of the cargo-fuzz target in
//! `collector/fuzz`): arbitrary bytes, arbitrary JSON and valid beacons with arbitrary parts
//! replaced are answered without a panic; what is accepted validates, reads back identical,
//! and yields report facts.

use journey_collector::validate::{BeaconValidator, BodyError};
use proptest::prelude::*;
use serde_json::{json, Value};

fn example() -> Value {
    serde_json::from_str(include_str!("../../schema/examples/beacon.json")).unwrap()
}

/// Arbitrary JSON values, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every JSON pointer into `value`.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| pointers(v, format!("{at}/{k}"), out)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

/// Whatever the parser says about `body`, it says it without panicking, and what it accepts
/// reads back identical (redacted once: the stored body has nothing more to redact).
fn check(body: &[u8]) {
    match BeaconValidator::get().parse_body(body) {
        Ok(beacons) => {
            for b in beacons {
                let again = BeaconValidator::get()
                    .parse_body(b.body.as_bytes())
                    .unwrap();
                // The body stored is the redacted one: read back, it is the same beacon with
                // nothing left to redact.
                let stored = journey_collector::validate::Beacon {
                    redacted: Vec::new(),
                    ..b.clone()
                };
                assert_eq!(again[0], stored);
                assert_eq!(b.id.len(), 16);
            }
        }
        Err(BodyError::Invalid(details)) => assert!(!details.is_empty() && details.len() <= 20),
        Err(other) => assert!(!other.to_string().is_empty()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        check(&body);
    }

    #[test]
    fn arbitrary_json(value in any_json()) {
        check(value.to_string().as_bytes());
    }

    #[test]
    fn a_valid_beacon_with_one_part_replaced(index in any::<prop::sample::Index>(), replacement in any_json(), batch in 1usize..4) {
        let mut beacon = example();
        let mut all = Vec::new();
        pointers(&beacon, String::new(), &mut all);
        let at = index.get(&all[1..]).clone();
        *beacon.pointer_mut(&at).unwrap() = replacement;
        check(Value::Array(vec![beacon; batch]).to_string().as_bytes());
    }
}
