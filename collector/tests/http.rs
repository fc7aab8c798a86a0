//! The collector over real HTTP with a real SQLite file.

mod common;

use common::{beacon, TestServer};
use journey_collector::{AllowedOrigins, ListArgs, ListFormat};
use serde_json::{json, Value};

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[test]
fn valid_beacon_is_stored_and_listed() {
    let srv = TestServer::start(AllowedOrigins::None);
    let before = now_ms();
    let b = beacon("0123456789abcdef", 0);
    let r = srv.post(&b);
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(r.json(), json!({"accepted":1,"duplicates":0}));

    let stored = srv.stored();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["beacon"], b);
    let received = stored[0]["received_ms"].as_i64().unwrap();
    assert!(received >= before && received <= now_ms() + 1, "{received}");

    // The `list` command's code path, on the same file.
    let mut out = Vec::new();
    journey_collector::list::list(
        &ListArgs {
            store: journey_collector::StoreSpec::Sqlite(srv.db.clone()),
            limit: 10,
            format: ListFormat::Json,
        },
        &mut out,
    )
    .unwrap();
    let lines: Vec<Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, [json!({"received_ms": received, "beacon": b})]);

    let mut out = Vec::new();
    journey_collector::list::list(
        &ListArgs {
            store: journey_collector::StoreSpec::Sqlite(srv.db.clone()),
            limit: 10,
            format: ListFormat::Table,
        },
        &mut out,
    )
    .unwrap();
    let table = String::from_utf8(out).unwrap();
    assert!(
        table
            .lines()
            .nth(1)
            .unwrap()
            .contains("01234567      0  pagehide   1.001234      /dich-vu/1.001234/buoc-1"),
        "{table}"
    );
}

#[test]
fn text_plain_with_charset_is_accepted() {
    let srv = TestServer::start(AllowedOrigins::None);
    let r = srv.request(
        "POST",
        "/v1/beacons",
        &[("content-type", "text/plain;charset=UTF-8")],
        beacon("00000000000000aa", 0).to_string().as_bytes(),
    );
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(srv.stored().len(), 1);
}

#[test]
fn batch_of_three_and_duplicates() {
    let srv = TestServer::start(AllowedOrigins::None);
    let batch = json!([
        beacon("0000000000000001", 0),
        beacon("0000000000000002", 1),
        beacon("0000000000000003", 2)
    ]);
    let r = srv.post(&batch);
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(r.json(), json!({"accepted":3,"duplicates":0}));

    // At-least-once delivery: the same beacon again is acknowledged but stored once.
    let r = srv.post(&beacon("0000000000000002", 1));
    assert_eq!(r.json(), json!({"accepted":0,"duplicates":1}));
    let r = srv.post(&json!([
        beacon("0000000000000004", 3),
        beacon("0000000000000004", 3)
    ]));
    assert_eq!(r.json(), json!({"accepted":1,"duplicates":1}));

    let seqs: Vec<u64> = srv
        .stored()
        .iter()
        .map(|s| s["beacon"]["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [0, 1, 2, 3]);
}

#[test]
fn one_invalid_beacon_rejects_the_whole_batch() {
    let srv = TestServer::start(AllowedOrigins::None);
    let mut bad = beacon("0000000000000002", 1);
    bad["page"]["path"] = json!("abc");
    let r = srv.post(&json!([
        beacon("0000000000000001", 0),
        bad,
        beacon("0000000000000003", 2)
    ]));
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(
        r.text()
            .starts_with(r#"{"error":"invalid beacon","details":["#),
        "{}",
        r.text()
    );
    let body = r.json();
    assert_eq!(body["error"], "invalid beacon");
    let details = body["details"].as_array().unwrap();
    assert_eq!(details.len(), 1, "{details:?}");
    // The index, the JSON pointer and the rule — never the value, which may be personal.
    let detail = details[0].as_str().unwrap();
    assert_eq!(
        detail,
        "beacon 1: /page/path: breaks the schema's pattern rule (/properties/page/properties/path/pattern in schema/beacon.schema.json)"
    );
    assert!(srv.stored().is_empty());
}

#[test]
fn privacy_rules_of_the_schema_are_enforced() {
    let srv = TestServer::start(AllowedOrigins::None);
    type Mutation = fn(&mut Value);
    let cases: &[(&str, Mutation, &str)] = &[
        (
            "field value at top level",
            |b| b["value"] = json!("Nguyễn Văn A"),
            "beacon 0: (root): ",
        ),
        (
            "field value in page",
            |b| b["page"]["value"] = json!("012345678901"),
            "beacon 0: /page: ",
        ),
        (
            "query string in path",
            |b| b["page"]["path"] = json!("/dich-vu?cccd=0123456789012&x=1#a"),
            "beacon 0: /page/path: ",
        ),
        (
            "fragment in path",
            |b| b["page"]["path"] = json!("/a#token"),
            "beacon 0: /page/path: ",
        ),
        (
            "full URL as path",
            |b| b["page"]["path"] = json!("https://x.vn/a"),
            "beacon 0: /page/path: ",
        ),
        (
            "unrounded t_ms",
            |b| b["page"]["t_ms"] = json!(1234),
            "beacon 0: /page/t_ms: ",
        ),
        (
            "unrounded since_login_ms",
            |b| b["journey"]["since_login_ms"] = json!(12345),
            "beacon 0: /journey/since_login_ms: ",
        ),
        (
            "short journey id",
            |b| b["journey"]["id"] = json!("0123456789abcdef0123456789abcde"),
            "beacon 0: /journey/id: ",
        ),
        (
            "uppercase journey id",
            |b| b["journey"]["id"] = json!("0123456789ABCDEF0123456789ABCDEF"),
            "beacon 0: /journey/id: ",
        ),
        (
            "absolute timestamp",
            |b| b["ts"] = json!(1763833801005u64),
            "beacon 0: (root): ",
        ),
        (
            "extra ua detail",
            |b| b["ua"]["ua_string"] = json!("Mozilla/5.0"),
            "beacon 0: /ua: ",
        ),
    ];
    for (what, mutate, prefix) in cases {
        let mut b = beacon("00000000000000ff", 0);
        mutate(&mut b);
        let r = srv.post(&b);
        assert_eq!(r.status, 400, "{what}: {}", r.text());
        let body = r.json();
        assert_eq!(body["error"], "invalid beacon", "{what}");
        let first = body["details"][0].as_str().unwrap();
        assert!(first.starts_with(prefix), "{what}: {first}");
    }
    assert!(srv.stored().is_empty());
}

#[test]
fn wrong_type_too_large_and_not_json() {
    let srv = TestServer::start(AllowedOrigins::None);
    let body = beacon("0000000000000001", 0).to_string();

    let r = srv.request(
        "POST",
        "/v1/beacons",
        &[("content-type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 415);
    assert_eq!(
        r.json()["details"][0],
        "content-type 'application/x-www-form-urlencoded'; accepted: application/json, text/plain"
    );
    let r = srv.request("POST", "/v1/beacons", &[], body.as_bytes());
    assert_eq!(r.status, 415);
    assert!(r.json()["details"][0]
        .as_str()
        .unwrap()
        .starts_with("content-type missing"));

    let big = vec![b' '; 64 * 1024 + 1];
    let r = srv.request(
        "POST",
        "/v1/beacons",
        &[("content-type", "application/json")],
        &big,
    );
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(r.json()["error"], "body too large");

    let r = srv.request(
        "POST",
        "/v1/beacons",
        &[("content-type", "application/json")],
        b"{\"v\":1,",
    );
    assert_eq!(r.status, 400);
    let err = r.json()["error"].as_str().unwrap().to_owned();
    assert!(err.starts_with("body is not JSON: "), "{err}");

    let r = srv.post(&json!([]));
    assert_eq!(r.status, 400);
    let r = srv.post(&Value::Array(vec![beacon("0000000000000001", 0); 51]));
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().contains("at most 50"));
    assert!(srv.stored().is_empty());
}

#[test]
fn cors_allowed_origin_gets_headers() {
    let srv = TestServer::start(AllowedOrigins::List(vec!["http://127.0.0.1:8080".into()]));
    let origin = ("origin", "http://127.0.0.1:8080");
    let r = srv.request(
        "POST",
        "/v1/beacons",
        &[origin, ("content-type", "text/plain;charset=UTF-8")],
        beacon("0000000000000001", 0).to_string().as_bytes(),
    );
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://127.0.0.1:8080")
    );
    assert_eq!(r.header("vary"), Some("Origin"));
    assert_eq!(r.header("access-control-allow-credentials"), None);

    // Errors are readable by the allowed page too.
    let r = srv.request(
        "POST",
        "/v1/beacons",
        &[origin, ("content-type", "application/json")],
        b"nope",
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://127.0.0.1:8080")
    );

    let r = srv.request(
        "OPTIONS",
        "/v1/beacons",
        &[
            origin,
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
        ],
        b"",
    );
    assert_eq!(r.status, 204);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://127.0.0.1:8080")
    );
    assert_eq!(r.header("access-control-allow-methods"), Some("POST"));
    assert_eq!(
        r.header("access-control-allow-headers"),
        Some("content-type")
    );
    assert_eq!(r.header("access-control-max-age"), Some("86400"));

    let r = srv.request("GET", "/v1/beacons", &[origin], b"");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://127.0.0.1:8080")
    );
}

#[test]
fn cors_disallowed_origin_is_refused_and_nothing_stored() {
    let srv = TestServer::start(AllowedOrigins::List(vec!["http://127.0.0.1:8080".into()]));
    for origin in ["http://evil.example", "http://127.0.0.1:8081", "null"] {
        let r = srv.request(
            "POST",
            "/v1/beacons",
            &[("origin", origin), ("content-type", "application/json")],
            beacon("0000000000000001", 0).to_string().as_bytes(),
        );
        assert_eq!(r.status, 403, "{origin}");
        assert_eq!(r.header("access-control-allow-origin"), None);
        assert_eq!(
            r.json(),
            json!({"error":"origin not allowed","details":[format!("origin {origin} is not in --allow-origin; allowed: http://127.0.0.1:8080")]})
        );
        let r = srv.request("OPTIONS", "/v1/beacons", &[("origin", origin)], b"");
        assert_eq!(r.status, 403);
    }
    assert!(srv.stored().is_empty());
}

#[test]
fn cors_without_config_refuses_browsers_and_star_allows_all() {
    let srv = TestServer::start(AllowedOrigins::None);
    let r = srv.request(
        "GET",
        "/v1/beacons",
        &[("origin", "http://127.0.0.1:8080")],
        b"",
    );
    assert_eq!(r.status, 403);
    assert!(r.json()["details"][0]
        .as_str()
        .unwrap()
        .contains("allowed: none"));

    let srv = TestServer::start(AllowedOrigins::Any);
    let r = srv.request(
        "GET",
        "/v1/beacons",
        &[("origin", "https://dichvucong.gov.vn")],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://dichvucong.gov.vn")
    );
}

#[test]
fn get_beacons_query() {
    let srv = TestServer::start(AllowedOrigins::None);
    let mut other = beacon("0000000000000009", 0);
    other["journey"]["id"] = json!("ffffffffffffffffffffffffffffffff");
    srv.post(&json!([
        beacon("0000000000000001", 0),
        beacon("0000000000000002", 1),
        other
    ]));

    let r = srv.request("GET", "/v1/beacons?limit=2", &[], b"");
    let ids: Vec<Value> = r.json()["beacons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["beacon"]["id"].clone())
        .collect();
    assert_eq!(ids, [json!("0000000000000002"), json!("0000000000000009")]);

    let r = srv.request(
        "GET",
        "/v1/beacons?journey=0123456789abcdef0123456789abcdef",
        &[],
        b"",
    );
    assert_eq!(r.json()["beacons"].as_array().unwrap().len(), 2);

    for (q, needle) in [
        (
            "limit=0",
            "limit '0': expected a whole number from 1 to 1000",
        ),
        ("limit=1001", "limit '1001'"),
        ("limit=abc", "limit 'abc'"),
        (
            "journey=xyz",
            "journey 'xyz': expected a journey id, 32 lowercase hex digits",
        ),
        (
            "since=0",
            "unknown query parameter 'since'; accepted: limit, journey",
        ),
    ] {
        let r = srv.request("GET", &format!("/v1/beacons?{q}"), &[], b"");
        assert_eq!(r.status, 400, "{q}");
        let body = r.json();
        assert_eq!(body["error"], "invalid query");
        assert!(
            body["details"][0].as_str().unwrap().contains(needle),
            "{q}: {body}"
        );
    }
}

#[test]
fn health_not_found_and_wrong_method() {
    let srv = TestServer::start(AllowedOrigins::None);
    let r = srv.request("GET", "/healthz", &[], b"");
    assert_eq!((r.status, r.text().as_str()), (200, "ok"));

    let r = srv.request("GET", "/v2/beacons", &[], b"");
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"], "not found");

    let r = srv.request("DELETE", "/v1/beacons", &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["error"], "method not allowed");
    assert_eq!(r.header("allow"), Some("GET, POST, OPTIONS"));

    let r = srv.request("POST", "/healthz", &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["error"], "method not allowed");
}

/// The second gate: keys, paths, steps and sources the privacy rule refuses are stored
/// redacted, counted by what they were, and the beacon — everything else it measured — is
/// kept. (On the first collector, an old probe's beacon with a name in a label key was stored
/// and served as is.)
#[test]
fn what_the_privacy_rule_refuses_is_stored_redacted_and_the_beacon_kept() {
    let srv = TestServer::start(AllowedOrigins::None);
    let mut b = beacon("00000000000000aa", 0);
    b["page"]["path"] = json!("/ho-so/NguyenVanAn/chi-tiet");
    b["journey"]["last_field"] = json!("Số điện thoại của Nguyễn Văn An");
    b["forms"][0]["key"] = json!("form_tran_thi_binh");
    b["forms"][0]["blocked_by"] = json!(["ho_ten_NguyenVanAn"]);
    b["forms"][0]["fields"][0]["key"] = json!("Chủ hộ Trần Thị Bình");
    b["forms"][0]["fields"][0]["source"] = json!("hồ sơ của Lê Văn An");
    let r = srv.post(&b);
    assert_eq!(r.status, 202, "{}", r.text());
    let stored = srv.stored();
    assert_eq!(stored.len(), 1, "the beacon is kept");
    let text = stored[0].to_string();
    for name in ["Nguyen", "Nguyễn", "tran_thi", "Trần", "Lê Văn"] {
        assert!(!text.contains(name), "{name} was stored: {text}");
    }
    let kept = &stored[0]["beacon"];
    assert_eq!(kept["page"]["path"], "/ho-so/:id/chi-tiet");
    assert_eq!(kept["forms"][0]["fields"][0]["key"], "#redacted");
    assert_eq!(kept["forms"][0]["fields"][0]["source"], "unnamed");
    assert_eq!(
        kept["forms"][0]["fields"][1]["key"], "gioi_tinh",
        "the rest as it came"
    );
    assert_eq!(
        srv.metric("journey_collector_redacted_total{what=\"key\"}"),
        4
    );
    assert_eq!(
        srv.metric("journey_collector_redacted_total{what=\"path\"}"),
        1
    );
    assert_eq!(
        srv.metric("journey_collector_redacted_total{what=\"source\"}"),
        1
    );
}
