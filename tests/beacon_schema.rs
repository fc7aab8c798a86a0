//! The beacon contract: what the core builds validates against `schema/beacon.schema.json`,
//! and the schema refuses what the privacy rules forbid.
#![cfg(not(target_arch = "wasm32"))]

use journey_probe::core::beacon::{Beacon, Trigger};
use journey_probe::core::config::Config;
use journey_probe::core::field::{FieldEvent, FieldFacts, FieldKind, InputKind, ValueState};
use journey_probe::core::fields::FormFacts;
use journey_probe::core::probe::{Command, Now, PageStart, Probe};
use journey_probe::core::{otlp, outbox};
use serde_json::{json, Value};

const SCHEMA: &str = include_str!("../schema/beacon.schema.json");
const T0: f64 = 1_795_000_000_000.0;

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    jsonschema::draft202012::new(&schema).expect("the schema compiles")
}

fn errors(validator: &jsonschema::Validator, beacon: &Value) -> Vec<String> {
    validator
        .iter_errors(beacon)
        .map(|e| format!("{}: {}", e.instance_path(), e))
        .collect()
}

fn page(stored: Option<journey_probe::core::journey::Journey>, path: &str, t: f64) -> Probe {
    Probe::start(PageStart {
        config: Config::from_attributes([
            ("data-collector", "https://collector.example.gov.vn/v1/beacons"),
            ("data-service", "1.001234"),
        ])
        .unwrap(),
        stored,
        path,
        query: "",
        user_agent: "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        now: Now { epoch_ms: t, page_ms: 0.0 },
        random_journey_id: [7; 16],
        state: journey_probe::core::clock::PageState { visible: true, focused: true },
    })
}

/// Beacons of a whole journey: a page before login, a form step, the receipt.
fn journey_beacons() -> Vec<Beacon> {
    let at = |epoch_ms: f64, page_ms: f64| Now { epoch_ms, page_ms };
    let mut out = Vec::new();
    let mut login = page(None, "/dang-nhap", T0);
    out.push(
        login
            .page_hidden(Trigger::Pagehide, at(T0 + 2_000.0, 2_000.4), [1; 8])
            .unwrap(),
    );
    let mut step = page(
        Some(login.journey().clone()),
        "/dich-vu/1.001234/buoc-1?cccd=001190012345",
        T0 + 3_000.0,
    );
    step.command(Command::Login, at(T0 + 3_000.0, 10.0), [2; 8]);
    let form = step.form_seen(FormFacts {
        id: Some("form-buoc-1".into()),
        name: None,
        position: Some(0),
    });
    let outside = step.form_seen(FormFacts {
        id: None,
        name: None,
        position: None,
    });
    for (i, name) in ["ho_ten", "so_dien_thoai", "email", "noi_thuong_tru"]
        .iter()
        .enumerate()
    {
        step.field_seen(FieldFacts {
            probe_key: None,
            name: Some(name.to_string()),
            id: None,
            label: None,
            position: i,
            form: if i == 3 { outside } else { form },
            kind: FieldKind::Text,
            prefill_source: (i == 0).then(|| " CSDL quốc gia về dân cư ".to_string()),
            locked: i == 0,
            has_value: i == 0 || i == 3,
            value_is_default: i == 0,
            value_hash: 42,
            invalid: false,
        });
    }
    let value = ValueState {
        has_value: true,
        hash: 1,
    };
    use journey_probe::core::vitals::Entry;
    for entry in [
        Entry::Navigation {
            response_start: 212.4,
            request_start: 30.0,
            activation_start: 0.0,
        },
        Entry::Fcp(480.3),
        Entry::Lcp(1_240.7),
        Entry::Shift(900.0, 0.042),
        Entry::Interaction(11, 184.0, Some(1)),
        Entry::LongTask(88.0),
    ] {
        step.perf_entry(entry);
    }
    step.field_event(1, FieldEvent::Focus, at(T0 + 4_000.0, 1_000.0));
    step.field_event(
        1,
        FieldEvent::Input {
            kind: InputKind::Paste,
            value,
            autofilled: false,
        },
        at(T0 + 5_000.0, 2_000.0),
    );
    step.field_event(1, FieldEvent::Invalid, at(T0 + 6_000.0, 3_000.0));
    step.field_event(
        3,
        FieldEvent::Input {
            kind: InputKind::Delete,
            value,
            autofilled: false,
        },
        at(T0 + 7_000.0, 4_000.0),
    );
    step.form_submitted(form, at(T0 + 8_000.0, 5_000.0));
    out.push(
        step.page_hidden(Trigger::Hidden, at(T0 + 90_000.0, 87_000.0), [3; 8])
            .unwrap(),
    );
    let mut receipt = page(
        Some(step.journey().clone()),
        "/dich-vu/1.001234/bien-nhan/H99.12-261122-0001",
        T0 + 200_000.0,
    );
    out.push(
        receipt
            .command(Command::Submitted, at(T0 + 200_000.0, 30.0), [4; 8])
            .unwrap(),
    );
    out
}

#[test]
fn every_beacon_the_core_builds_is_valid() {
    let validator = validator();
    let beacons = journey_beacons();
    assert_eq!(beacons.len(), 3);
    for beacon in &beacons {
        let value = serde_json::from_str::<Value>(&beacon.to_json()).unwrap();
        assert_eq!(errors(&validator, &value), Vec::<String>::new(), "{value}");
    }
    let step = serde_json::from_str::<Value>(&beacons[1].to_json()).unwrap();
    assert_eq!(step["page"]["path"], "/dich-vu/1.001234/buoc-1");
    assert_eq!(
        step["page"]["speed"],
        json!({"ttfb_ms": 210, "fcp_ms": 480, "lcp_ms": 1240, "cls_x1000": 42, "inp_ms": 180,
               "inp_field": "so_dien_thoai", "long_tasks": 1, "long_task_ms": 90})
    );
    assert_eq!(
        step["fields"],
        json!({"total":4,"declared":1,"server":0,"script":1,"autofill":0,"user":1,"empty":1,"overwritten":1})
    );
    assert_eq!(
        step["forms"][0],
        json!({"key":"form-buoc-1","total":3,"prefilled":1,"typed":1,"overwritten":0,"attempts":2,"blocked":1,"blocked_by":["so_dien_thoai"],"fields":[
            {"key":"ho_ten","origin":"declared","source":"CSDL quốc gia về dân cư","locked":true},
            {"key":"so_dien_thoai","origin":"user","filled":0,"focus_ms":86000,"visits":1,"hesitation_ms":1000,"pastes":1,"invalid":1},
            {"key":"email","origin":"empty"}
        ]})
    );
    assert_eq!(step["forms"][1]["key"], "#page");
    assert_eq!(
        step["forms"][1]["fields"][0],
        json!({"key":"noi_thuong_tru","origin":"script","overwritten":true,"filled":1,"corrections":1})
    );
    assert_eq!(
        step["ua"],
        json!({"mobile":true,"browser":"chrome","major":131})
    );
    let receipt = serde_json::from_str::<Value>(&beacons[2].to_json()).unwrap();
    assert_eq!(receipt["journey"]["outcome"], "submitted");
    assert_eq!(receipt["journey"]["duration_ms"], 197_000);
}

#[test]
fn the_documented_example_is_valid() {
    let example: Value =
        serde_json::from_str(include_str!("../schema/examples/beacon.json")).unwrap();
    assert_eq!(errors(&validator(), &example), Vec::<String>::new());
}

#[test]
fn a_typical_beacon_is_small() {
    let beacon = journey_beacons()[1].to_json();
    // The beacons issue sets the budget: a typical page's beacon under 4 KB.
    assert!(beacon.len() < 4 * 1024, "{} bytes: {beacon}", beacon.len());
}

/// A 2,000-field form (the size of the largest forms the field issue measures), every field
/// with a key, the first tenth declared from a database and a few typed.
fn a_2000_field_beacon() -> Beacon {
    let at = |epoch_ms: f64, page_ms: f64| Now { epoch_ms, page_ms };
    let mut probe = page(None, "/dich-vu/1.001234/buoc-2", T0);
    probe.command(Command::Login, at(T0, 10.0), [2; 8]);
    let form = probe.form_seen(FormFacts {
        id: Some("to-khai".into()),
        name: None,
        position: Some(0),
    });
    for i in 0..2_000 {
        probe.field_seen(FieldFacts {
            probe_key: None,
            name: Some(format!("thanh_vien_{}_truong_{}", i / 20, i % 20)),
            id: None,
            label: None,
            position: i,
            form,
            kind: FieldKind::Text,
            prefill_source: (i < 200).then(|| "CSDLQG-DC".to_string()),
            locked: false,
            has_value: i < 200,
            value_is_default: i < 200,
            value_hash: 7,
            invalid: false,
        });
    }
    for i in (200..2_000).step_by(40) {
        probe.field_event(i, FieldEvent::typed(i as u64), at(T0 + 1_000.0, 1_000.0));
    }
    probe
        .page_hidden(Trigger::Pagehide, at(T0 + 60_000.0, 60_000.0), [9; 8])
        .unwrap()
}

#[test]
fn a_2000_field_beacon_fits_one_page_exit_request_in_both_encodings() {
    let beacon = a_2000_field_beacon();
    let json = beacon.to_json();
    let otlp = otlp::request([otlp::record(&beacon).as_str()]);
    let typical = journey_beacons()[1].to_json().len();
    let typical_otlp = otlp::request([otlp::record(&journey_beacons()[1]).as_str()]).len();
    // Printed for the README's table (`cargo test --test beacon_schema -- --nocapture`).
    println!(
        "beacon bytes: typical page {typical} (OTLP {typical_otlp}); 2,000-field page {} (OTLP {})",
        json.len(),
        otlp.len()
    );
    let value: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(errors(&validator(), &value), Vec::<String>::new());
    assert_eq!(value["fields"]["total"], 2_000);
    assert_eq!(value["forms"][0]["omitted"], 1_900);
    for bytes in [json.len(), otlp.len()] {
        assert!(bytes <= outbox::MAX_BATCH_BYTES, "{bytes} bytes");
    }
}

#[test]
fn an_outbox_an_older_probe_stored_is_read_with_the_ids_of_its_beacons() {
    // `outbox1` kept each beacon's text alone: its id is found inside, JSON and OTLP alike.
    let beacons = journey_beacons();
    let ids: Vec<String> = beacons.iter().map(|b| b.id.as_str().to_string()).collect();
    for encode in [Beacon::to_json as fn(&Beacon) -> String, otlp::record] {
        let lines: Vec<String> = beacons.iter().map(encode).collect();
        let stored = format!("outbox1;0;0;0\n{}", lines.join("\n"));
        let batch = outbox::Outbox::decode(&stored).batch(false).unwrap();
        assert_eq!(batch.ids, ids);
        // And what this probe writes reads back the same.
        let again = outbox::Outbox::decode(&outbox::Outbox::decode(&stored).encode());
        assert_eq!(again.batch(false).unwrap(), batch);
    }
}

#[test]
fn otlp_requests_decode_with_opentelemetry_types_and_carry_the_same_beacon() {
    use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
    use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
    let beacons = journey_beacons();
    let records: Vec<String> = beacons.iter().map(otlp::record).collect();
    let body = otlp::request(records.iter().map(String::as_str));
    let request: ExportLogsServiceRequest =
        serde_json::from_str(&body).expect("a valid ExportLogsServiceRequest");
    let resource = &request.resource_logs[0];
    let scope = &resource.scope_logs[0];
    assert_eq!(scope.scope.as_ref().unwrap().name, "journey-probe");
    assert_eq!(scope.log_records.len(), beacons.len());
    let validator = validator();
    for (record, beacon) in scope.log_records.iter().zip(&beacons) {
        assert_eq!(record.event_name, otlp::EVENT_NAME);
        assert_eq!((record.severity_number, record.time_unix_nano), (9, 0));
        let Some(Any::StringValue(text)) = record.body.as_ref().and_then(|b| b.value.clone())
        else {
            panic!("the body is the beacon's JSON text: {record:?}");
        };
        assert_eq!(text, beacon.to_json());
        let value: Value = serde_json::from_str(&text).unwrap();
        assert!(errors(&validator, &value).is_empty());
        let attribute = |key: &str| {
            record
                .attributes
                .iter()
                .find(|kv| kv.key == key)
                .and_then(|kv| kv.value.as_ref()?.value.clone())
        };
        assert_eq!(
            attribute("journey_probe.service"),
            Some(Any::StringValue("1.001234".into()))
        );
        assert_eq!(
            attribute("journey_probe.seq"),
            Some(Any::IntValue(i64::from(beacon.seq)))
        );
        assert_eq!(
            attribute("journey_probe.page_path"),
            Some(Any::StringValue(beacon.page.path.clone()))
        );
    }
    let receipt = &scope.log_records[2];
    assert!(receipt
        .attributes
        .iter()
        .any(|kv| kv.key == "journey_probe.duration_ms"
            && kv.value.as_ref().unwrap().value == Some(Any::IntValue(197_000))));
}

/// A change that turns a good beacon into one the schema must refuse.
type Mutation = Box<dyn Fn(&mut Value)>;

#[test]
fn the_schema_refuses_what_must_never_be_sent() {
    let validator = validator();
    let good = serde_json::from_str::<Value>(&journey_beacons()[1].to_json()).unwrap();
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "a field value",
            Box::new(|b| b["value"] = json!("Nguyễn Văn A")),
        ),
        (
            "a value inside page",
            Box::new(|b| b["page"]["title"] = json!("Hồ sơ của Nguyễn Văn A")),
        ),
        (
            "an identifier in the query",
            Box::new(|b| b["page"]["path"] = json!("/buoc-1?cccd=001190012345")),
        ),
        (
            "an e-mail in the query",
            Box::new(|b| b["page"]["path"] = json!("/buoc-1?u=a@b.vn")),
        ),
        (
            "a fragment",
            Box::new(|b| b["page"]["path"] = json!("/buoc-1#top")),
        ),
        (
            "a citizen ID in the path",
            Box::new(|b| b["page"]["path"] = json!("/ho-so/001190012345")),
        ),
        (
            "an e-mail in the path",
            Box::new(|b| b["page"]["path"] = json!("/u/a@b.vn")),
        ),
        (
            "an unrounded time",
            Box::new(|b| b["page"]["t_ms"] = json!(87_012)),
        ),
        (
            "an absolute timestamp",
            Box::new(|b| b["journey"]["since_login_ms"] = json!(1_795_000_087_000u64)),
        ),
        (
            "a short journey id",
            Box::new(|b| b["journey"]["id"] = json!("0707")),
        ),
        ("another version", Box::new(|b| b["v"] = json!(2))),
        (
            "a full user agent",
            Box::new(|b| b["ua"]["string"] = json!("Mozilla/5.0")),
        ),
        (
            "a clock before login",
            Box::new(|b| b["journey"]["logged_in"] = json!(false)),
        ),
        (
            "a duration without outcome",
            Box::new(|b| b["journey"]["duration_ms"] = json!(1000)),
        ),
    ];
    assert!(errors(&validator, &good).is_empty());
    for (what, mutate) in cases {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(
            !errors(&validator, &bad).is_empty(),
            "the schema accepted {what}: {bad}"
        );
    }
}

#[test]
fn rating_beacons_are_valid_and_nothing_else_may_carry_a_rating() {
    use journey_probe::core::survey::Rating;
    let validator = validator();
    let at = |epoch_ms: f64, page_ms: f64| Now { epoch_ms, page_ms };
    let mut receipt = page(None, "/dich-vu/1.001234/bien-nhan/H99", T0);
    receipt.command(Command::Login, at(T0, 1.0), [1; 8]);
    receipt.command(Command::Submitted, at(T0 + 100_000.0, 100.0), [2; 8]);
    for (text, id) in [("4:re_enter_data,other", [3; 8]), ("dismissed", [4; 8])] {
        let mut p = page(
            Some(receipt.journey().clone()),
            "/dich-vu/1.001234/bien-nhan/H99",
            T0 + 101_000.0,
        );
        let b = p
            .command(
                Command::Rate(Rating::parse(text).unwrap()),
                at(T0 + 102_000.0, 1_000.0),
                id,
            )
            .unwrap();
        let value: Value = serde_json::from_str(&b.to_json()).unwrap();
        assert_eq!(errors(&validator, &value), Vec::<String>::new(), "{value}");
        assert_eq!(value["trigger"], "rating");
    }
    let mut good = serde_json::from_str::<Value>(&journey_beacons()[1].to_json()).unwrap();
    good["satisfaction"] = json!({"answered": true, "score": 5});
    assert!(
        !errors(&validator, &good).is_empty(),
        "a page beacon may not carry a rating"
    );
    good["trigger"] = json!("rating");
    good["satisfaction"] = json!({"answered": true, "score": 5, "comment": "Nguyễn Văn A"});
    assert!(!errors(&validator, &good).is_empty(), "no free text");
    good["satisfaction"] = json!({"answered": false, "score": 1});
    assert!(
        !errors(&validator, &good).is_empty(),
        "a dismissal has no score"
    );
}
