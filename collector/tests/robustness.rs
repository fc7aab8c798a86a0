//! Every kind of bad input or bad luck gets a defined answer, a counter in `/metrics`, and
//! loses nothing already accepted: malformed JSON, a wrong schema version, an oversized body,
//! a flood from one origin, an origin not allowed, duplicate ids, a store that goes away.

mod common;

use common::{beacon, TestServer};
use journey_collector::AllowedOrigins;
use serde_json::json;

const REJECTED: &str = "journey_collector_requests_rejected_total";

#[test]
fn malformed_json_and_a_wrong_version_are_named_and_counted() {
    let srv = TestServer::start(AllowedOrigins::None);
    let r = srv.request(
        "POST",
        "/v1/beacons",
        &[("content-type", "text/plain")],
        b"{\"v\":1,",
    );
    assert_eq!(r.status, 400);
    assert!(r.json()["error"]
        .as_str()
        .unwrap()
        .starts_with("body is not JSON"));
    let mut b = beacon("00000000000000aa", 0);
    b["v"] = json!(2);
    let r = srv.post(&b);
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["error"],
        "unsupported beacon version 2: this collector accepts version 1 (\"v\": 1)"
    );
    assert_eq!(
        srv.metric(&format!("{REJECTED}{{reason=\"malformed_json\"}}")),
        1
    );
    assert_eq!(
        srv.metric(&format!("{REJECTED}{{reason=\"wrong_version\"}}")),
        1
    );
    assert!(srv.stored().is_empty());
}

#[test]
fn the_body_limit_is_configurable() {
    let srv = TestServer::start_with(|c| c.options.max_body_bytes = 2048);
    let big = vec![beacon("00000000000000ab", 0); 3]; // about 3 KB
    let r = srv.post(&json!(big));
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(r.json()["details"][0], "at most 2048 bytes per request");
    assert_eq!(
        srv.metric(&format!("{REJECTED}{{reason=\"too_large\"}}")),
        1
    );
    assert_eq!(
        srv.post(&beacon("00000000000000ac", 0)).status,
        202,
        "a small one passes"
    );
}

#[test]
fn a_flood_from_one_origin_is_slowed_the_others_are_not() {
    let srv = TestServer::start_with(|c| {
        c.options.origins = AllowedOrigins::Any;
        c.options.rate_per_portal = 1; // ten requests of burst
    });
    let post = |origin: &str, n: u64| {
        srv.request(
            "POST",
            "/v1/beacons",
            &[("content-type", "text/plain"), ("origin", origin)],
            beacon(&format!("{n:016x}"), 0).to_string().as_bytes(),
        )
    };
    let statuses: Vec<u16> = (0..14)
        .map(|n| post("https://flood.example", n).status)
        .collect();
    assert_eq!(
        statuses.iter().filter(|&&s| s == 202).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&429));
    let refused = post("https://flood.example", 99);
    assert_eq!(refused.header("retry-after"), Some("5"));
    assert_eq!(
        post("https://other.example", 100).status,
        202,
        "another portal is not slowed"
    );
    assert!(srv.metric(&format!("{REJECTED}{{reason=\"rate_limited_portal\"}}")) >= 4);
    assert_eq!(srv.metric("journey_collector_beacons_accepted_total"), 11);
}

#[test]
fn an_origin_not_allowed_and_duplicates_are_counted() {
    let srv = TestServer::start(AllowedOrigins::List(vec!["https://dvc.example".into()]));
    let body = beacon("00000000000000ad", 0).to_string();
    let post = |origin: &str| {
        srv.request(
            "POST",
            "/v1/beacons",
            &[("content-type", "text/plain"), ("origin", origin)],
            body.as_bytes(),
        )
    };
    assert_eq!(post("https://evil.example").status, 403);
    assert_eq!(post("https://dvc.example").status, 202);
    assert_eq!(
        post("https://dvc.example").json(),
        json!({"accepted": 0, "duplicates": 1})
    );
    assert_eq!(
        srv.metric(&format!("{REJECTED}{{reason=\"origin_not_allowed\"}}")),
        1
    );
    assert_eq!(srv.metric("journey_collector_beacons_duplicate_total"), 1);
    assert_eq!(srv.metric("journey_collector_store_write_seconds_count"), 2);
    assert_eq!(srv.stored().len(), 1);
}

#[test]
fn a_locked_store_answers_503_and_nothing_accepted_is_lost() {
    let srv = TestServer::start(AllowedOrigins::None);
    assert_eq!(srv.post(&beacon("00000000000000b0", 0)).status, 202);
    // Another process holds the database's write lock past the collector's busy timeout.
    let locker = rusqlite::Connection::open(&srv.db).unwrap();
    locker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let r = srv.post(&beacon("00000000000000b1", 1));
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(r.header("retry-after"), Some("5"));
    assert_eq!(srv.get("/healthz").status, 503);
    locker.execute_batch("ROLLBACK").unwrap();
    assert_eq!(srv.get("/healthz").status, 200);
    assert_eq!(
        srv.post(&beacon("00000000000000b1", 1)).status,
        202,
        "the retry is stored"
    );
    assert_eq!(srv.stored().len(), 2);
    assert_eq!(
        srv.metric(&format!("{REJECTED}{{reason=\"store_unavailable\"}}")),
        2
    );
}

/// A key with a control character is refused by the schema; one already stored (by an older
/// collector) prints escaped in every text output, never as a terminal escape sequence.
#[test]
fn control_characters_are_refused_and_never_printed() {
    let srv = TestServer::start(AllowedOrigins::None);
    let mut b = beacon("00000000000000c1", 0);
    b["forms"][0]["fields"][0]["key"] = json!("ho\u{1b}[2Jten");
    let r = srv.post(&b);
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("/forms/0/fields/0/key"), "{}", r.text());
    let mut b = beacon("00000000000000c2", 0);
    b["forms"][0]["fields"][0]["source"] = json!("CSDL\u{9b}31m");
    assert_eq!(srv.post(&b).status, 400, "a C1 control in a source");

    // Stored before the schema refused it: the Markdown, CSV and dashboard write it out.
    assert_eq!(srv.post(&beacon("00000000000000c3", 0)).status, 202);
    rusqlite::Connection::open(&srv.db)
        .unwrap()
        .execute(
            "UPDATE fields SET key = 'ho\u{1b}[2Jten' WHERE key = 'so_dien_thoai'",
            [],
        )
        .unwrap();
    for format in [
        journey_collector::ReportFormat::Markdown,
        journey_collector::ReportFormat::Csv,
    ] {
        let mut out = Vec::new();
        journey_collector::report_command(
            &journey_collector::ReportArgs {
                store: journey_collector::StoreSpec::Sqlite(srv.db.clone()),
                query: String::new(),
                format,
                now_ms: None,
            },
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\u{1b}'), "{format:?} prints no escape");
        assert!(text.contains("ho\\u{001b}[2Jten"), "{format:?}: {text}");
    }
    let page = srv.get("/dashboard").text();
    assert!(!page.contains('\u{1b}') && page.contains("ho\\u{001b}[2Jten"));
}
