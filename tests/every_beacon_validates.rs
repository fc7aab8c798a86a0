//! Every beacon the probe can make, under every combination of options, validates against
//! `schema/beacon.schema.json`, and carries nothing of the personal data its pages hold: a
//! property test over generated configurations and journeys (the core driven as the shell
//! drives it: page loads, in-page views, logins, fields with names and labels taken from real
//! forms and from citizens, typing, refusals, marks, submissions, expiries, ratings, hours of
//! idling, back/forward restores).
//!
//! It exists because `data-allow-params` once made every journey's end invalid (step names
//! carried `?buoc=…`, which the schema refused): the collector answered 400 and the probe
//! deleted the batch.
#![cfg(not(target_arch = "wasm32"))]

use journey_probe::core::beacon::{Beacon, Trigger};
use journey_probe::core::clock::PageState;
use journey_probe::core::config::Config;
use journey_probe::core::field::{FieldEvent, FieldFacts, FieldKind, InputKind, ValueState};
use journey_probe::core::fields::FormFacts;
use journey_probe::core::journey::Journey;
use journey_probe::core::otlp;
use journey_probe::core::privacy::fold;
use journey_probe::core::probe::{Command, Now, PageStart, Probe};
use proptest::prelude::*;
use serde_json::Value;

const SCHEMA: &str = include_str!("../schema/beacon.schema.json");
const T0: f64 = 1_795_000_000_000.0;
const CHROME: &str = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

/// Paths portals have, some with citizens in them.
const PATHS: [&str; 12] = [
    "/dich-vu/1.001234",
    "/dang-nhap",
    "/dich-vu/1.001234/buoc-1",
    "/dich-vu/1.001234/buoc-2",
    "/dich-vu/1.001234/bien-nhan/H99.12-261122-0001",
    "/ho-so/NguyenVanAn/chi-tiet",
    "/nguoi-dung/tran.thi.binh",
    "/sdt/0912/345/678",
    "/ngay-sinh/15/08/1990",
    "/u/an.nguyen%40gmail.com",
    "/dich-vu/2.002154/buoc-1",
    "/nguyen-tac/buoc-xac-nhan",
];

/// Query strings, with the parameters some configurations allow.
const QUERIES: [&str; 7] = [
    "",
    "?buoc=2",
    "?buoc=2&tab=ho-so",
    "?q=Tran.Thi.Binh&buoc=3",
    "?cccd=001190012345&buoc=xac-nhan",
    "?tab=an.nguyen%40gmail.com",
    "?buoc=%E1%BA%A2",
];

/// What a field may be named or labelled with: real keys, and citizens.
const NAMES: [&str; 10] = [
    "ho_ten",
    "so_dien_thoai",
    "ho_ten_NguyenVanAn",
    "tranthibinh",
    "answer_001190012345",
    "an.nguyen@gmail.com",
    "noi_thuong_tru",
    "dong_y",
    "x",
    "",
];
const LABELS: [&str; 6] = [
    "Số điện thoại của Nguyễn Văn An",
    "Chủ hộ: Trần Thị Bình",
    "Họ và tên",
    "Tôi, Nguyễn Văn An, CCCD 001099012345, cam đoan",
    "Email ０９１２",
    "",
];
const MARKS: [&str; 4] = ["xac-nhan", "nguyen-van-an", "buoc-3", "001190012345"];

/// Personal data the pages hold: none of it may be in any beacon, folded or not.
const PERSONAL: [&str; 8] = [
    "nguyen van an",
    "nguyenvanan",
    "tran thi binh",
    "tranthibinh",
    "001190012345",
    "001099012345",
    "0912",
    "gmail",
];

#[derive(Clone, Debug)]
enum Step {
    Load(usize, usize),
    Navigate(usize, usize),
    Login,
    Submitted,
    Expired,
    Mark(usize),
    SetService(bool),
    Ask,
    Rate(u8),
    Field(usize, usize, usize, u8),
    Type(usize, bool),
    Paste(usize),
    Delete(usize),
    ScriptSet(usize),
    Invalid(usize),
    Focus(usize),
    Submit,
    Hide,
    Show,
    Leave,
    Restore,
    Wait(u32),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..PATHS.len(), 0..QUERIES.len()).prop_map(|(p, q)| Step::Load(p, q)),
        (0..PATHS.len(), 0..QUERIES.len()).prop_map(|(p, q)| Step::Navigate(p, q)),
        Just(Step::Login),
        Just(Step::Submitted),
        Just(Step::Expired),
        (0..MARKS.len()).prop_map(Step::Mark),
        any::<bool>().prop_map(Step::SetService),
        Just(Step::Ask),
        (0u8..=5).prop_map(Step::Rate),
        (0..NAMES.len(), 0..LABELS.len(), 0..4usize, 0u8..6)
            .prop_map(|(n, l, k, v)| Step::Field(n, l, k, v)),
        (0..8usize, any::<bool>()).prop_map(|(f, a)| Step::Type(f, a)),
        (0..8usize).prop_map(Step::Paste),
        (0..8usize).prop_map(Step::Delete),
        (0..8usize).prop_map(Step::ScriptSet),
        (0..8usize).prop_map(Step::Invalid),
        (0..8usize).prop_map(Step::Focus),
        Just(Step::Submit),
        Just(Step::Hide),
        Just(Step::Show),
        Just(Step::Leave),
        Just(Step::Restore),
        (0u32..3_000_000).prop_map(Step::Wait),
    ]
}

/// The options a portal may set, as attributes.
fn options() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    (
        prop::option::of(prop::sample::select(vec![
            "buoc",
            "buoc,tab",
            "q,buoc,tab,cccd",
        ])),
        prop::option::of(Just("nguyen-tac")),
        1u32..=86_400,
        1u32..=60,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(allow, slugs, target, idle, survey, otlp)| {
            let mut a = vec![
                (
                    "data-collector",
                    "https://collector.example.gov.vn/v1/beacons".to_string(),
                ),
                ("data-service", "1.001234".to_string()),
                ("data-target-seconds", target.to_string()),
                ("data-idle-minutes", idle.to_string()),
                ("data-survey", if survey { "on" } else { "off" }.to_string()),
                (
                    "data-format",
                    if otlp { "otlp" } else { "json" }.to_string(),
                ),
                ("data-success-url", "/dich-vu/*/bien-nhan/*".to_string()),
            ];
            if let Some(allow) = allow {
                a.push(("data-allow-params", allow.to_string()));
            }
            if let Some(slugs) = slugs {
                a.push(("data-step-slugs", slugs.to_string()));
            }
            a
        })
}

/// Runs a journey script; returns every beacon it made.
fn run(attributes: &[(&'static str, String)], steps: &[Step]) -> Vec<Beacon> {
    let config = Config::from_attributes(attributes.iter().map(|(k, v)| (*k, v.as_str())))
        .expect("generated options are valid");
    let mut beacons = Vec::new();
    let mut epoch = T0;
    let mut page_ms = 0.0;
    let mut n = 0u8;
    let mut next_id = || {
        n = n.wrapping_add(1);
        [n, n ^ 0x5a, 3, 4, 5, 6, 7, n]
    };
    let start = |stored: Option<Journey>, path: usize, query: usize, epoch: f64| {
        Probe::start(PageStart {
            config: config.clone(),
            stored,
            path: PATHS[path],
            query: QUERIES[query],
            user_agent: CHROME,
            now: Now {
                epoch_ms: epoch,
                page_ms: 0.0,
            },
            random_journey_id: [(epoch as u64 % 251) as u8; 16],
            state: PageState {
                visible: true,
                focused: true,
            },
        })
    };
    let mut probe = start(None, 2, 0, epoch);
    let mut fields: Vec<usize> = Vec::new();
    let mut form = probe.form_seen(FormFacts {
        id: Some("form-buoc-1".into()),
        name: None,
        position: Some(0),
    });
    for step in steps {
        epoch += 700.0;
        page_ms += 700.0;
        let now = Now {
            epoch_ms: epoch,
            page_ms,
        };
        match *step {
            Step::Load(p, q) => {
                beacons.extend(probe.page_hidden(Trigger::Pagehide, now, next_id()));
                epoch += 300.0;
                probe = start(Some(probe.journey().clone()), p, q, epoch);
                beacons.extend(probe.take_abandoned(next_id()));
                page_ms = 0.0;
                fields.clear();
                form = probe.form_seen(FormFacts {
                    id: Some("form-buoc-1".into()),
                    name: None,
                    position: Some(0),
                });
                beacons.extend(probe.page_signals(PATHS[p], now, next_id()));
            }
            Step::Navigate(p, q) => {
                beacons.extend(probe.navigated(PATHS[p], QUERIES[q], now, next_id()))
            }
            Step::Login => beacons.extend(probe.command(Command::Login, now, next_id())),
            Step::Submitted => beacons.extend(probe.command(Command::Submitted, now, next_id())),
            Step::Expired => beacons.extend(probe.command(Command::Expired, now, next_id())),
            Step::Mark(m) => {
                if let Ok(command) = Command::parse("mark", Some(MARKS[m])) {
                    beacons.extend(probe.command(command, now, next_id()));
                }
            }
            Step::SetService(other) => {
                let code = if other { "2.002154" } else { "1.001234" };
                let command = Command::parse("setService", Some(code)).unwrap();
                beacons.extend(probe.command(command, now, next_id()));
            }
            Step::Ask => beacons.extend(probe.command(Command::AskSatisfaction, now, next_id())),
            Step::Rate(score) => {
                let rating = if score == 0 {
                    "dismissed".to_string()
                } else {
                    format!("{score}:too_slow")
                };
                if let Ok(command) = Command::parse("rate", Some(&rating)) {
                    beacons.extend(probe.command(Command::SurveyShown, now, next_id()));
                    beacons.extend(probe.command(command, now, next_id()));
                }
            }
            Step::Field(name, label, kind, value) => {
                let facts = FieldFacts {
                    label: Some(LABELS[label].to_string()),
                    kind: [
                        FieldKind::Text,
                        FieldKind::Checkbox,
                        FieldKind::Select,
                        FieldKind::Radio,
                    ][kind],
                    has_value: value % 2 == 1,
                    value_is_default: value < 3,
                    value_hash: u64::from(value),
                    prefill_source: (value == 5).then(|| "CSDLQG-DC".to_string()),
                    ..FieldFacts::named(NAMES[name], form, fields.len())
                };
                if let Some(seen) = probe.field_seen(facts) {
                    fields.push(seen.index);
                }
            }
            Step::Type(f, autofilled) => {
                if let Some(&i) = fields.get(f) {
                    probe.field_event(
                        i,
                        FieldEvent::Input {
                            kind: InputKind::Insert,
                            value: ValueState {
                                has_value: true,
                                hash: page_ms as u64,
                            },
                            autofilled,
                        },
                        now,
                    );
                }
            }
            Step::Paste(f) | Step::Delete(f) => {
                if let Some(&i) = fields.get(f) {
                    let kind = if matches!(step, Step::Paste(_)) {
                        InputKind::Paste
                    } else {
                        InputKind::Delete
                    };
                    probe.field_event(
                        i,
                        FieldEvent::Input {
                            kind,
                            value: ValueState {
                                has_value: kind == InputKind::Paste,
                                hash: 9,
                            },
                            autofilled: false,
                        },
                        now,
                    );
                }
            }
            Step::ScriptSet(f) => {
                if let Some(&i) = fields.get(f) {
                    probe.field_event(
                        i,
                        FieldEvent::ScriptSet {
                            value: ValueState {
                                has_value: true,
                                hash: 77,
                            },
                        },
                        now,
                    );
                }
            }
            Step::Invalid(f) => {
                if let Some(&i) = fields.get(f) {
                    probe.field_event(i, FieldEvent::Invalid, now);
                }
            }
            Step::Focus(f) => {
                if let Some(&i) = fields.get(f) {
                    probe.field_event(i, FieldEvent::Focus, now);
                }
            }
            Step::Submit => {
                probe.form_submitted(form, now);
            }
            Step::Hide => {
                probe.page_state(
                    PageState {
                        visible: false,
                        focused: false,
                    },
                    now,
                );
                beacons.extend(probe.page_hidden(Trigger::Hidden, now, next_id()));
            }
            Step::Show => {
                probe.page_visible();
                probe.page_state(
                    PageState {
                        visible: true,
                        focused: true,
                    },
                    now,
                );
                beacons.extend(probe.take_abandoned(next_id()));
            }
            Step::Leave => beacons.extend(probe.page_hidden(Trigger::Pagehide, now, next_id())),
            Step::Restore => probe.restored(now),
            Step::Wait(ms) => {
                epoch += f64::from(ms);
                page_ms += f64::from(ms);
            }
        }
    }
    beacons.extend(probe.page_hidden(
        Trigger::Pagehide,
        Now {
            epoch_ms: epoch + 100.0,
            page_ms: page_ms + 100.0,
        },
        next_id(),
    ));
    beacons
}

fn validator() -> &'static jsonschema::Validator {
    static V: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let schema: Value = serde_json::from_str(SCHEMA).unwrap();
        jsonschema::draft202012::new(&schema).unwrap()
    })
}

/// Collects every object key and string value of `value`, depth first.
fn texts_of(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| texts_of(item, out)),
        Value::Object(members) => {
            for (key, member) in members {
                out.push(key.clone());
                texts_of(member, out);
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn every_beacon_of_every_journey_validates_and_names_no_one(
        attributes in options(),
        steps in prop::collection::vec(step(), 1..80),
    ) {
        for beacon in run(&attributes, &steps) {
            let json = beacon.to_json();
            let value: Value = serde_json::from_str(&json).unwrap();
            let problems: Vec<String> = validator()
                .iter_errors(&value)
                .map(|e| format!("{}: {e}", e.instance_path()))
                .collect();
            prop_assert!(problems.is_empty(), "{problems:?}\n{json}");
            // The OTLP encoding carries the same text, and validates as a record's body.
            let record: Value = serde_json::from_str(&otlp::record(&beacon)).unwrap();
            prop_assert_eq!(record["body"]["stringValue"].as_str(), Some(json.as_str()));
            // Every text of the beacon (its object keys and string values), not its numbers:
            // a time of 1,091,200 ms is not the start of a phone number, and the schema allows
            // numbers only as rounded times and counts.
            let mut texts = Vec::new();
            texts_of(&value, &mut texts);
            let folded = fold(&texts.join("\n"));
            for personal in PERSONAL {
                prop_assert!(!folded.contains(personal), "{personal} in {json}");
            }
            prop_assert!(!json.contains('@') && !json.contains('＠'), "{json}");
        }
    }
}
