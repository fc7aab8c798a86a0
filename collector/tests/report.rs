//! The QCVN report over real HTTP, from beacons a collector stored: the figures are those of the
//! journeys posted, the CLI prints the same report, and a collector on ClickHouse (Debian's
//! `clickhouse-server`, started privately here) gives exactly the same report as one on
//! SQLite. ClickHouse going away answers 503, and coming back loses nothing.

mod common;

use common::clickhouse::ClickHouse;
use common::{beacon, TestServer};
use journey_collector::{ReportArgs, ReportFormat, StoreSpec};
use serde_json::{json, Value};

const TOKEN: &str = "test-token-0123456789";
const SUBMITTED: [i64; 6] = [120_000, 220_000, 280_000, 300_000, 420_000, 610_000];

fn jid(k: usize) -> String {
    format!("{k:032x}")
}

/// Beacons of `n` journeys: each has a form-step page; most are submitted (durations from
/// [`SUBMITTED`]), some abandoned at a field, some still in progress; two services.
fn journeys() -> Vec<Value> {
    let mut out = Vec::new();
    let mut id = 0u64;
    let mut next_id = || {
        id += 1;
        format!("{id:016x}")
    };
    for k in 0..10 {
        let service = if k % 4 == 3 { "2.000111" } else { "1.001234" };
        let mut page = beacon(&next_id(), 0);
        page["service"] = json!(service);
        page["journey"]["id"] = json!(jid(k));
        page["page"]["n"] = json!(0);
        page["page"]["speed"] = json!({
            "ttfb_ms": 100 + 10 * k, "fcp_ms": 600 + 100 * k, "lcp_ms": 1_200 + 200 * k,
            "cls_x1000": 10 * k, "inp_ms": 40 + 30 * k, "inp_field": "so_dien_thoai",
            "long_tasks": k % 2, "long_task_ms": 60 * (k % 2)
        });
        let fields = page["forms"][0]["fields"].as_array_mut().unwrap();
        if k % 3 != 0 {
            fields[2].as_object_mut().unwrap().remove("overwritten");
        }
        fields[3]["invalid"] = json!(k % 4);
        if k % 4 == 0 {
            fields[3].as_object_mut().unwrap().remove("invalid");
        }
        out.push(page.clone());
        // A later beacon of the same page view (hidden, then left): it supersedes the first.
        let mut again = page.clone();
        again["id"] = json!(next_id());
        again["seq"] = json!(1);
        again["trigger"] = json!("hidden");
        out.push(again);
        if let Some(&ms) = SUBMITTED.get(k) {
            let mut end = beacon(&next_id(), 2);
            end["service"] = json!(service);
            end["trigger"] = json!("submitted");
            end["journey"] = json!({
                "id": jid(k), "logged_in": true, "since_login_ms": ms, "outcome": "submitted",
                "duration_ms": ms, "active_ms": ms / 2, "hidden_ms": 0, "blocked_ms": 0, "failed": 0,
                "target_s": 300, "met": ms <= 300_000,
                "steps": [
                    {"name": "/dich-vu/1.001234/buoc-1", "ms": ms / 4, "active_ms": ms / 4},
                    {"name": "/dich-vu/1.001234/buoc-2", "ms": ms - ms / 4, "active_ms": ms / 4}
                ]
            });
            end["page"] = json!({"n": 1, "path": "/dich-vu/1.001234/bien-nhan/:id", "t_ms": 100});
            let o = end.as_object_mut().unwrap();
            o.remove("fields");
            o.remove("forms");
            out.push(end);
            // Four of them rate the service: 5, 4, 2 with reasons, and one dismissal.
            if k < 4 {
                let mut rating = beacon(&next_id(), 3);
                rating["service"] = json!(service);
                rating["trigger"] = json!("rating");
                rating["journey"] = json!({"id": jid(k), "logged_in": true, "target_s": 300});
                rating["page"] =
                    json!({"n": 1, "path": "/dich-vu/1.001234/bien-nhan/:id", "t_ms": 5000});
                rating["satisfaction"] = [
                    json!({"answered": true, "score": 5}),
                    json!({"answered": true, "score": 4}),
                    json!({"answered": true, "score": 2, "reasons": ["too_slow", "re_enter_data"]}),
                    json!({"answered": false}),
                ][k]
                    .clone();
                let o = rating.as_object_mut().unwrap();
                o.remove("fields");
                o.remove("forms");
                out.push(rating);
            }
        } else if k < 8 {
            let mut end = beacon(&next_id(), 2);
            end["service"] = json!(service);
            end["trigger"] = json!("abandoned");
            end["journey"] = json!({
                "id": jid(k), "logged_in": true, "since_login_ms": 900_000, "outcome": "abandoned",
                "active_ms": 300_000, "hidden_ms": 0, "blocked_ms": 0, "failed": 1, "target_s": 300,
                "last_field": "so_dien_thoai", "steps": []
            });
            end["journey"].as_object_mut().unwrap().remove("steps");
            end["page"] = json!({"n": 0, "path": "/dich-vu/1.001234/buoc-1", "t_ms": 0});
            let o = end.as_object_mut().unwrap();
            o.remove("fields");
            o.remove("forms");
            out.push(end);
        }
    }
    out
}

fn processing_events() -> Value {
    let day = 86_400_000i64;
    let t0 = 1_795_000_000_000i64;
    let mut events = Vec::new();
    for (i, (channel, days)) in [
        ("online", 2),
        ("online", 3),
        ("in_person", 4),
        ("in_person", 4),
    ]
    .iter()
    .enumerate()
    {
        let dossier = common::dossier(&format!("h{i:03}"));
        events.push(json!({"dossier": dossier, "service": "1.001234", "channel": channel, "event": "received", "at_ms": t0}));
        events.push(json!({"dossier": dossier, "service": "1.001234", "channel": channel, "event": "returned", "at_ms": t0 + days * day}));
    }
    json!(events)
}

/// Posts every beacon (in batches, one of them twice) and the processing events.
fn fill(srv: &TestServer) {
    let all = journeys();
    for chunk in all.chunks(7) {
        let r = srv.post(&json!(chunk));
        assert_eq!(r.status, 202, "{}", r.text());
    }
    assert_eq!(
        srv.post(&json!(all[..3])).json(),
        json!({"accepted": 0, "duplicates": 3})
    );
    let auth = format!("Bearer {TOKEN}");
    let r = srv.request(
        "POST",
        "/v1/processing",
        &[
            ("content-type", "application/json"),
            ("authorization", &auth),
        ],
        processing_events().to_string().as_bytes(),
    );
    assert_eq!(r.status, 202, "{}", r.text());
}

fn report(srv: &TestServer, query: &str) -> Value {
    let r = srv.get(&format!("/v1/report{query}"));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

#[test]
fn the_report_states_the_journeys_posted() {
    let srv = TestServer::start_with(|c| c.options.processing_token = Some(TOKEN.into()));
    fill(&srv);
    let r = report(&srv, "");
    assert_eq!(
        r["journeys"],
        json!({"seen": 10, "started": 10, "submitted": 6, "abandoned": 2, "expired": 0,
               "in_progress": 2, "completion_pct": 60.0})
    );
    let c2 = &r["criterion2"];
    assert_eq!(c2["duration"]["n"], 6);
    assert_eq!(c2["duration"]["mean_ms"], 325_000, "mean of {SUBMITTED:?}");
    assert_eq!(c2["duration"]["median_ms"], 280_000, "nearest rank");
    assert_eq!(c2["duration"]["p90_ms"], 610_000);
    assert_eq!(c2["pass"], false, "a mean of 5:25 is over 5:00");
    assert_eq!(
        c2["within_target_pct"], 50.0,
        "2:00, 3:40 and 4:40 are under 5:00; 5:00 itself is not"
    );
    assert_eq!(c2["histogram"][2], 1);
    assert_eq!(
        c2["steps"][0]["name"], "/dich-vu/1.001234/buoc-1",
        "in journey order"
    );
    let c1 = &r["criterion1"];
    assert_eq!(
        (c1["fields"].as_i64(), c1["prefilled"].as_i64()),
        (Some(40), Some(30))
    );
    assert_eq!(
        c1["overwritten_by_key"][0],
        json!({"key": "noi_thuong_tru", "count": 4, "of": 10, "pct": 40.0})
    );
    assert_eq!(c1["typed_often"][0]["key"], "so_dien_thoai");
    assert_eq!(c1["forms_with_prefill_pct"], 100.0);
    assert_eq!(
        r["friction"]["abandoned_at"],
        json!([{"name": "so_dien_thoai", "count": 2}])
    );
    assert_eq!(
        r["friction"]["invalid"][0],
        json!({"name": "so_dien_thoai", "count": 13})
    );
    assert_eq!(
        r["criterion3"],
        json!({"online": {"dossiers": 2, "mean_ms": 216_000_000}, "in_person": {"dossiers": 2, "mean_ms": 345_600_000},
               "shorter_pct": 37.5, "pass": true})
    );
    assert_eq!(
        r["criterion4"],
        json!({"answered": 3, "dismissed": 1, "satisfied": 2, "satisfied_pct": 66.7, "scores": [0, 1, 0, 1, 1],
               "reasons": [{"name": "re_enter_data", "count": 1}, {"name": "too_slow", "count": 1}], "pass": false})
    );
    let speed = &r["speed"];
    assert_eq!(speed["views"], 10);
    assert_eq!(
        speed["overall"],
        json!({"ttfb_ms": 170, "server_ms": null, "fcp_ms": 1300, "lcp_ms": 2600, "cls_x1000": 70, "inp_ms": 250}),
        "nearest-rank p75 of ten page views"
    );
    assert_eq!(speed["good"], false, "LCP 2.6 s and INP 250 ms are over");
    assert_eq!(speed["slow_fields"][0]["key"], "so_dien_thoai");
    assert_eq!(r["services"].as_array().unwrap().len(), 2);
    let one = report(&srv, "?service=2.000111");
    assert_eq!(one["journeys"]["started"], 2);
    assert_eq!(
        report(&srv, "?from=2025-01-01&to=2025-01-31")["journeys"]["seen"],
        0
    );
    assert_eq!(
        report(&srv, "?from=2025-01-01&to=2025-01-31")["targets"]["journey_seconds"],
        480
    );
    let bad = srv.get("/v1/report?from=2026-02-30");
    assert_eq!(bad.status, 400);
    assert!(bad.json()["details"][0]
        .as_str()
        .unwrap()
        .contains("YYYY-MM-DD"));

    // The command line prints the same report.
    for (format, needle) in [
        (ReportFormat::Json, "\"mean_ms\": 325000"),
        (ReportFormat::Csv, "criterion2,duration_mean_ms,325000"),
        (
            ReportFormat::Markdown,
            "| tổng (total) | 6 | 5:25 | 4:40 | 7:00 | 10:10 |",
        ),
    ] {
        let mut out = Vec::new();
        journey_collector::report_command(
            &ReportArgs {
                store: StoreSpec::Sqlite(srv.db.clone()),
                query: String::new(),
                format,
                now_ms: None,
            },
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(needle), "{format:?}: {needle} not in\n{text}");
    }

    // The dashboard and the metrics.
    let page = srv.get("/dashboard");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("<html lang=\"vi\">") && html.contains("Tiêu chí 2"));
    assert!(html.contains("✘ CHƯA ĐẠT"), "criterion 2 fails");
    assert!(html.contains("<svg role=\"img\""));
    assert_eq!(srv.metric("journey_collector_processing_events_total"), 8);
}

#[test]
fn processing_events_need_the_token_and_the_right_shape() {
    let srv = TestServer::start_with(|c| c.options.processing_token = Some(TOKEN.into()));
    let post = |auth: &str, body: &str| {
        srv.request(
            "POST",
            "/v1/processing",
            &[
                ("content-type", "application/json"),
                ("authorization", auth),
            ],
            body.as_bytes(),
        )
    };
    assert_eq!(post("Bearer wrong-token-0000000000", "[]").status, 401);
    let auth = format!("Bearer {TOKEN}");
    let r = post(
        &auth,
        r#"[{"dossier":"Nguyễn Văn A","service":"1.0","channel":"post","event":"received","at_ms":1795000000000}]"#,
    );
    assert_eq!(r.status, 400);
    assert!(
        r.json()["details"][0]
            .as_str()
            .unwrap()
            .contains("never the code itself"),
        "{}",
        r.text()
    );
    // A raw dossier code is linked to a citizen: only its hash is accepted.
    let raw_code = r#"[{"dossier":"000.00.12.H29-240101-0001","service":"1.001234","channel":"online","event":"received","at_ms":1795000000000}]"#;
    assert_eq!(post(&auth, raw_code).status, 400);
    let hashed = raw_code.replace(
        "000.00.12.H29-240101-0001",
        &common::dossier("H29-240101-0001"),
    );
    assert_eq!(post(&auth, &hashed).status, 202, "a hash is accepted");
    // The token is checked before the body is read: a wrong token with 2 MB is 401, not 413;
    // the right token with more than the processing limit is 413.
    let big = format!("[{}]", " ".repeat(2 << 20));
    assert_eq!(post("Bearer wrong-token-0000000000", &big).status, 401);
    assert_eq!(post(&auth, &big).status, 413);
    let r = post(
        &auth,
        r#"[{"dossier":"a","service":"1.0","channel":"online","event":"received","at_ms":1,"name":"x"}]"#,
    );
    assert_eq!(r.status, 400, "unknown fields are refused");
    let off = TestServer::start(journey_collector::AllowedOrigins::None);
    assert_eq!(
        off.request("POST", "/v1/processing", &[], b"[]").status,
        404
    );
}

#[test]
fn sqlite_and_clickhouse_give_the_same_report_and_clickhouse_may_come_and_go() {
    let mut ch = ClickHouse::start();
    let sqlite = TestServer::start_with(|c| c.options.processing_token = Some(TOKEN.into()));
    let url = ch.url();
    let clickhouse = TestServer::start_with(|c| {
        c.options.processing_token = Some(TOKEN.into());
        c.store = StoreSpec::ClickHouse(url);
    });
    fill(&sqlite);
    fill(&clickhouse);
    for query in [
        "",
        "?service=1.001234",
        "?service=2.000111&target_seconds=480",
        "?from=2025-01-01&to=2025-12-31",
    ] {
        assert_eq!(
            report(&sqlite, query),
            report(&clickhouse, query),
            "report{query}"
        );
    }
    assert_eq!(
        report(&clickhouse, "")["journeys"]["submitted"],
        6,
        "not an empty agreement"
    );
    assert_eq!(clickhouse.stored().len(), sqlite.stored().len());

    // ClickHouse goes away: beacons are refused with 503 (the probe keeps and retries them).
    ch.stop();
    let late = beacon("00000000000000ff", 5);
    let r = clickhouse.post(&late);
    assert_eq!(r.status, 503, "{}", r.text());
    // The answer says what to do; where the store is stays in the collector's log.
    assert_eq!(r.json()["details"][0], "nothing was stored, retry later");
    assert!(!r.text().contains("127.0.0.1"), "{}", r.text());
    assert_eq!(clickhouse.get("/healthz").status, 503);
    // …and comes back with its data: the retry is stored, nothing before it was lost.
    ch.launch();
    assert_eq!(clickhouse.post(&late).status, 202);
    assert_eq!(sqlite.post(&late).status, 202);
    assert_eq!(report(&sqlite, ""), report(&clickhouse, ""));
    assert_eq!(
        clickhouse
            .metric("journey_collector_requests_rejected_total{reason=\"store_unavailable\"}"),
        2
    );
}

/// A page beacon of journey `j` whose clock showed `since_ms`.
fn page_beacon(id: &str, j: &str, seq: u64, since_ms: i64) -> Value {
    let mut b = beacon(id, seq);
    b["journey"]["id"] = json!(j);
    b["journey"]["since_login_ms"] = json!(since_ms);
    b
}

/// An end of journey `j` (`submitted` with `duration_ms`, or `abandoned`).
fn end_beacon(id: &str, j: &str, seq: u64, outcome: &str, duration_ms: i64) -> Value {
    let mut end = beacon(id, seq);
    end["trigger"] = json!(outcome);
    end["journey"] = json!({
        "id": j, "logged_in": true, "since_login_ms": duration_ms, "outcome": outcome,
        "active_ms": duration_ms / 2, "hidden_ms": 0, "blocked_ms": 0, "failed": 0, "target_s": 300
    });
    if outcome == "submitted" {
        end["journey"]["duration_ms"] = json!(duration_ms);
        end["journey"]["met"] = json!(duration_ms <= 300_000);
    }
    end["page"] = json!({"n": 1, "path": "/dich-vu/1.001234/bien-nhan/:id", "t_ms": 100});
    let o = end.as_object_mut().unwrap();
    o.remove("fields");
    o.remove("forms");
    end
}

/// Forged ends (a journey id someone learnt, a new beacon id, "submitted in 1 s") are not
/// counted, the first true end of a journey wins, and both stores agree. Answer key: journey A
/// submitted in 240 s (a forged 1 s end came first), journey B never submitted (only a forged
/// end), journey C submitted in 180 s (a later "abandoned" is a second end): 2 submitted, mean
/// 210 s, and two second ends counted on each store.
#[test]
fn forged_and_second_ends_are_not_counted_on_either_store() {
    let ch = ClickHouse::start();
    let url = ch.url();
    let sqlite = TestServer::start_with(|_| {});
    let clickhouse = TestServer::start_with(|c| c.store = StoreSpec::ClickHouse(url));
    let (a, b, c) = (jid(101), jid(102), jid(103));
    let sequence = [
        page_beacon("a000000000000001", &a, 0, 60_000),
        page_beacon("a000000000000002", &a, 1, 200_000),
        end_beacon("f000000000000001", &a, 9, "submitted", 1_000),
        end_beacon("a000000000000003", &a, 2, "submitted", 240_000),
        page_beacon("b000000000000001", &b, 0, 120_000),
        end_beacon("f000000000000002", &b, 0, "submitted", 1_000),
        page_beacon("c000000000000001", &c, 0, 90_000),
        end_beacon("c000000000000002", &c, 1, "submitted", 180_000),
        end_beacon("c000000000000003", &c, 2, "abandoned", 180_000),
    ];
    for srv in [&sqlite, &clickhouse] {
        for beacon in &sequence {
            let r = srv.post(beacon);
            assert_eq!(r.status, 202, "{}", r.text());
        }
    }
    let (s, h) = (report(&sqlite, ""), report(&clickhouse, ""));
    assert_eq!(s, h, "the same report on both stores");
    assert_eq!(s["journeys"]["submitted"], 2, "{}", s["journeys"]);
    assert_eq!(s["criterion2"]["duration"]["mean_ms"], 210_000);
    for srv in [&sqlite, &clickhouse] {
        assert_eq!(srv.metric("journey_collector_second_ends_total"), 2);
    }
}

/// Two collectors behind a load balancer can both store a resent beacon before either sees
/// the other's copy; if the bodies differ, ClickHouse must keep the first received, as SQLite
/// keeps the first stored, and never mix the two bodies' side rows. And two forms with the same
/// key on one page are two forms on both stores. The race is made for certain by writing the
/// second body's rows straight into ClickHouse, as the losing collector would have.
#[test]
fn clickhouse_keeps_the_first_of_two_racing_bodies_and_both_forms_of_one_key() {
    let ch = ClickHouse::start();
    let url = ch.url_for("race");
    let sqlite = TestServer::start_with(|_| {});
    let clickhouse = TestServer::start_with(|c| c.store = StoreSpec::ClickHouse(url.clone()));
    let mut first = page_beacon("d000000000000001", &jid(201), 0, 60_000);
    let mut twin = first["forms"][0].clone();
    twin["total"] = json!(2);
    twin["prefilled"] = json!(0);
    twin["typed"] = json!(2);
    twin["overwritten"] = json!(0);
    twin["fields"] = json!([
        {"key": "so_dien_thoai", "origin": "user"},
        {"key": "email", "origin": "user"}
    ]);
    first["forms"].as_array_mut().unwrap().push(twin);
    for srv in [&sqlite, &clickhouse] {
        assert_eq!(srv.post(&first).status, 202);
    }
    // The losing collector's copy: received a second later, every field typed.
    let later = common::now_ms() + 1_000;
    let ver = (i64::MAX - later) as u64;
    let id = "d000000000000001";
    let journey = jid(201);
    let insert = |table: &str, rows: Vec<Value>| {
        let body: String = rows.iter().map(|r| format!("{r}\n")).collect();
        let base = url.split('?').next().unwrap();
        ureq::post(&format!(
            "{base}?database=race&query=INSERT%20INTO%20{table}%20FORMAT%20JSONEachRow"
        ))
        .send(body.as_bytes())
        .unwrap();
    };
    insert(
        "forms",
        vec![
            json!({"beacon": id, "journey": journey, "idx": 0, "key": "form-buoc-1",
        "total": 4, "prefilled": 0, "typed": 4, "overwritten": 0, "ver": ver}),
        ],
    );
    insert(
        "fields",
        (0..4)
            .map(|i| {
                json!({"beacon": id, "journey": journey, "idx": i, "form": "form-buoc-1",
        "key": format!("k{i}"), "origin": "user", "overwritten": 0, "ver": ver})
            })
            .collect(),
    );
    insert(
        "field_counters",
        (0..4)
            .map(|i| {
                json!({"beacon": id, "idx": i, "key": format!("k{i}"), "name": "corrections",
        "value": 9, "ver": ver})
            })
            .collect(),
    );
    insert(
        "beacons",
        vec![
            json!({"id": id, "received_ms": later, "journey": journey, "seq": 0,
        "trigger": "pagehide", "service": "1.001234", "path": "/dich-vu/1.001234/buoc-1",
        "body": "{}", "portal": "unknown", "page_n": 2, "logged_in": 1, "since_login_ms": 60_000,
        "ver": ver}),
        ],
    );
    let (s, h) = (report(&sqlite, ""), report(&clickhouse, ""));
    assert_eq!(s, h, "the same report on both stores");
    assert_eq!(
        clickhouse.stored().len(),
        1,
        "one beacon, the first body: {:?}",
        clickhouse.stored()
    );
    assert_ne!(
        clickhouse.stored()[0]["beacon"],
        json!({}),
        "the first body is kept"
    );
    let forms = s["criterion1"]["forms"].clone();
    assert_eq!(forms, json!(2), "two forms of one key: {}", s["criterion1"]);
}

/// `GET /v1/beacons` pages back in time on both stores: following `next` gives every beacon
/// once, newest page first, each page oldest first.
#[test]
fn beacon_lists_page_back_on_both_stores() {
    let ch = ClickHouse::start();
    let url = ch.url_for("paging");
    let sqlite = TestServer::start_with(|_| {});
    let clickhouse = TestServer::start_with(|c| c.store = StoreSpec::ClickHouse(url));
    let posted: Vec<String> = (0..25).map(|n| format!("e{n:015x}")).collect();
    for srv in [&sqlite, &clickhouse] {
        for (n, id) in posted.iter().enumerate() {
            assert_eq!(
                srv.post(&page_beacon(id, &jid(300 + n), 0, 1_000)).status,
                202
            );
        }
        let mut seen: Vec<String> = Vec::new();
        let mut query = String::from("limit=10");
        let mut pages = 0;
        loop {
            let r = srv.get(&format!("/v1/beacons?{query}"));
            assert_eq!(r.status, 200, "{}", r.text());
            let page = r.json();
            let ids: Vec<String> = page["beacons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["beacon"]["id"].as_str().unwrap().to_owned())
                .collect();
            seen.splice(0..0, ids);
            pages += 1;
            match page["next"].as_str() {
                Some(next) => query = format!("limit=10&{next}"),
                None => break,
            }
            assert!(pages < 5, "paging ends");
        }
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 25, "every beacon once: {seen:?}");
        assert_eq!(pages, 3);
    }
    let r = sqlite.get("/v1/beacons?before=zz");
    assert_eq!(r.status, 400);
    let r = sqlite.get("/v1/beacons?before=1.2.3");
    assert_eq!(r.status, 400, "another store's cursor: {}", r.text());
}

#[test]
fn a_clickhouse_database_an_older_collector_made_keeps_its_counters_as_rows() {
    let ch = ClickHouse::start();
    let url = ch.url_for("legacy");
    let base = url.split('?').next().unwrap().to_owned();
    let run = |sql: &str| -> String {
        ureq::post(&base)
            .send(sql.as_bytes())
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap()
    };
    run("CREATE DATABASE IF NOT EXISTS legacy");
    // The layout of the collector before counters were rows: counters as columns of fields.
    run(
        "CREATE TABLE legacy.fields (beacon String, journey String, idx Int64, form String,
        key String, origin String, source Nullable(String), overwritten UInt8, invalid Int64,
        corrections Int64, hesitation_ms Nullable(Int64), ver UInt64)
     ENGINE = ReplacingMergeTree(ver) ORDER BY (beacon, idx)",
    );
    run(
        r#"INSERT INTO legacy.fields FORMAT JSONEachRow {"beacon": "b1", "journey": "j", "idx": 0, "form": "f", "key": "so_dien_thoai", "origin": "user", "source": null, "overwritten": 0, "invalid": 0, "corrections": 3, "hesitation_ms": 1200, "ver": 7}
{"beacon": "b1", "journey": "j", "idx": 1, "form": "f", "key": "email", "origin": "user", "source": null, "overwritten": 0, "invalid": 2, "corrections": 0, "hesitation_ms": null, "ver": 7}"#,
    );
    let rows = "SELECT beacon, idx, key, name, value, ver FROM legacy.field_counters
        ORDER BY beacon, idx, name FORMAT TSV";
    for _ in 0..2 {
        journey_collector::store::ClickHouseStore::open(&url).unwrap();
        assert_eq!(
            run(rows),
            "b1\t0\tso_dien_thoai\tcorrections\t3\t7\n\
             b1\t0\tso_dien_thoai\thesitation_ms\t1200\t7\n\
             b1\t1\temail\tinvalid\t2\t7\n",
            "each counter a row, once, zeros and unmeasured durations left out"
        );
    }
}
