//! The real `journey-collector` binary: startup line, SIGTERM, `list`, exit codes, the log.

mod common;

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use common::{beacon, request, TempDir, BIN, SENDER_HEADER as SENDER, SENDER_TOKEN};
use serde_json::Value;

/// Starts `journey-collector serve --listen 127.0.0.1:0 ARGS…` and reads the address from its
/// one line on stdout (stderr stays piped, for the caller to read at exit).
fn serve(args: &[&str]) -> (Child, SocketAddr) {
    serve_with_env(args, &[])
}

/// [`serve`] with these environment variables too.
fn serve_with_env(args: &[&str], env: &[(&str, &str)]) -> (Child, SocketAddr) {
    let mut command = Command::new(BIN);
    command
        .env_remove("RUST_LOG")
        .env_remove("JOURNEY_COLLECTOR_LOG")
        .envs(env.iter().copied());
    common::spawn_serving(command, args, Stdio::piped())
}

#[test]
fn serve_prints_address_stores_and_stops_on_sigterm_then_list_shows_it() {
    let dir = TempDir::new("bin");
    let db = dir.0.join("j.db");
    let db_arg = db.to_str().unwrap();
    let (child, addr) = serve(&["--db", db_arg]);

    let r = request(
        addr,
        "POST",
        "/v1/beacons",
        &[("content-type", "text/plain;charset=UTF-8"), SENDER],
        beacon("0123456789abcdef", 0).to_string().as_bytes(),
    );
    assert_eq!(r.status, 202, "{}", r.text());
    let r = request(
        addr,
        "POST",
        "/v1/beacons",
        &[("content-type", "application/json"), SENDER],
        b"[1]",
    );
    assert_eq!(r.status, 400);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?} {stderr}", out.status);
    assert!(stderr.contains("hint: no --allow-origin"), "{stderr}");
    assert!(
        stderr.contains("rejected POST /v1/beacons: 400 invalid beacon: beacon 0: (root): "),
        "{stderr}"
    );
    assert!(
        stderr.contains(" INFO journey_collector::server: storing beacons in "),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\x1b'),
        "no colours when stderr is not a terminal"
    );

    let out = Command::new(BIN)
        .args(["list", "--db", db_arg, "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["beacon"], beacon("0123456789abcdef", 0));
    assert!(lines[0]["received_ms"].as_i64().unwrap() > 1_600_000_000_000);

    let out = Command::new(BIN)
        .args(["list", "--db", db_arg])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.starts_with("RECEIVED (UTC)"), "{table}");
    assert!(table.contains("/dich-vu/1.001234/buoc-1"), "{table}");
}

#[test]
fn usage_errors_exit_2_and_name_the_problem() {
    for (args, needles) in [
        (
            &["frobnicate"][..],
            &[
                "error: unrecognized subcommand 'frobnicate'",
                "accepted commands: serve, list, report, completions, help",
            ][..],
        ),
        (
            &["serve", "--port", "80"],
            &[
                "error: unexpected argument '--port' found",
                "accepted for 'serve': --db, --store, --listen,",
            ],
        ),
        (
            &["list", "--format", "csv"],
            &[
                "error: invalid value 'csv' for '--format <FORMAT>'",
                "[possible values: json, table]",
            ],
        ),
        (
            &["serve", "--read-token", "0123456789abcdef0123"],
            &[
                "--read-token is not accepted",
                "JOURNEY_COLLECTOR_READ_TOKEN",
            ],
        ),
        (
            &[],
            &[
                "requires a subcommand",
                "[subcommands: serve, list, report, completions, help]",
            ],
        ),
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        for needle in needles {
            assert!(stderr.contains(needle), "{args:?}: {stderr}");
        }
        assert!(!stderr.contains("0123456789abcdef0123"), "{stderr}");
    }
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("Usage: journey-collector <COMMAND>"),
        "{help}"
    );
    assert!(help.contains("completions"), "{help}");
    let out = Command::new(BIN)
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("complete -F _journey__collector"));
}

#[test]
fn runtime_errors_exit_1_and_name_the_path() {
    let out = Command::new(BIN)
        .args(["list", "--db", "/nonexistent-journey-dir/x.db"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("database /nonexistent-journey-dir/x.db does not exist"),
        "{stderr}"
    );

    let out = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--db",
            "/nonexistent-journey-dir/x.db",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot open database /nonexistent-journey-dir/x.db: "),
        "{stderr}"
    );
}

#[test]
fn a_crash_mid_load_loses_no_acknowledged_beacon() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let dir = TempDir::new("crash");
    let db = dir.0.join("j.db");
    let (mut child, addr) = serve(&["--rate-limit", "0", "--db", db.to_str().unwrap()]);
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..4u64)
        .map(|t| {
            let (acked, stop) = (acked.clone(), stop.clone());
            std::thread::spawn(move || {
                for n in 0u64.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let ids = [
                        format!("{:016x}", (t << 40) | (n * 2)),
                        format!("{:016x}", (t << 40) | (n * 2 + 1)),
                    ];
                    let batch = Value::Array(
                        ids.iter()
                            .enumerate()
                            .map(|(i, id)| beacon(id, i as u64))
                            .collect(),
                    );
                    // A request the crash cuts short is not acknowledged: the probe would retry it.
                    let sent = std::panic::catch_unwind(|| {
                        request(
                            addr,
                            "POST",
                            "/v1/beacons",
                            &[("content-type", "text/plain"), SENDER],
                            batch.to_string().as_bytes(),
                        )
                        .status
                    });
                    match sent {
                        Ok(202) => acked.lock().unwrap().extend(ids),
                        _ => break,
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(400));
    child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        let _ = c.join();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 20,
        "the load ran: {} acknowledged",
        acked.len()
    );
    let stored: std::collections::HashSet<String> = rusqlite::Connection::open(&db)
        .unwrap()
        .prepare("SELECT id FROM beacons")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let lost: Vec<&String> = acked.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged beacons lost: {lost:?}",
        lost.len()
    );
}

/// Refusals are logged with where and which rule, never a value; header values are cut to 100
/// bytes; and a flood of refusals writes a bounded log (the first collector wrote 12 MB of log
/// for 6 MB of requests, each line quoting the refused value).
#[test]
fn refusal_logs_carry_no_value_and_stay_bounded() {
    let dir = TempDir::new("bin-log");
    let db = dir.0.join("j.db");
    let (child, addr) = serve(&["--db", db.to_str().unwrap(), "--rate-limit", "0"]);
    let mut bad = beacon("0123456789abcdef", 0);
    bad["ua"]["browser"] = serde_json::json!("Nguyễn Văn An 001099012345");
    let long_type = format!("text/{}", "x".repeat(5_000));
    for i in 0..300 {
        let content_type = if i % 2 == 0 {
            "application/json"
        } else {
            long_type.as_str()
        };
        let r = request(
            addr,
            "POST",
            "/v1/beacons",
            &[("content-type", content_type), SENDER],
            bad.to_string().as_bytes(),
        );
        assert!(r.status == 400 || r.status == 415, "{}", r.status);
        assert!(
            !r.text().contains("Nguy"),
            "the answer quotes no value: {}",
            r.text()
        );
    }
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let refusals: Vec<&str> = stderr.lines().filter(|l| l.contains("rejected")).collect();
    assert!(
        (1..=20).contains(&refusals.len()),
        "{} refusal lines",
        refusals.len()
    );
    assert!(
        !stderr.contains("Nguy") && !stderr.contains("001099012345"),
        "{stderr}"
    );
    assert!(
        stderr.lines().all(|l| l.len() < 1_000),
        "no line carries the 5,000-byte header"
    );
    assert!(
        refusals[0].contains("/ua/browser: breaks the schema's enum rule"),
        "{}",
        refusals[0]
    );
}

/// The log's level comes from JOURNEY_COLLECTOR_LOG (or RUST_LOG): `error` keeps the startup
/// lines and refusals out; the listening line is on stdout whatever the level.
#[test]
fn the_log_level_comes_from_the_environment() {
    let dir = TempDir::new("bin-level");
    let db = dir.0.join("j.db");
    for (env, quiet) in [
        (("JOURNEY_COLLECTOR_LOG", "error"), true),
        (("RUST_LOG", "error"), true),
        (("RUST_LOG", "warn"), false),
    ] {
        let (child, addr) = serve_with_env(&["--db", db.to_str().unwrap()], &[env]);
        let r = request(
            addr,
            "POST",
            "/v1/beacons",
            &[("content-type", "application/json"), SENDER],
            b"[1]",
        );
        assert_eq!(r.status, 400);
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("storing beacons"), "{env:?}: {stderr}");
        assert_eq!(
            !stderr.contains("rejected POST"),
            quiet,
            "{env:?}: {stderr}"
        );
        assert_eq!(!stderr.contains(" WARN "), quiet, "{env:?}: {stderr}");
    }
}

#[test]
fn the_sender_header_carries_the_sender_token() {
    assert_eq!(SENDER.1, format!("Bearer {SENDER_TOKEN}"));
}
