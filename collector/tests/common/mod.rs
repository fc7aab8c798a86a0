//! Test harness: a real collector on 127.0.0.1:0 with a temp SQLite file,
//! and a tiny blocking HTTP/1.1 client over `TcpStream`.
#![allow(dead_code)]

pub mod clickhouse;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use journey_collector::{serve, AllowedOrigins, RunningServer, ServeConfig};
use serde_json::{json, Value};

/// A temp directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "journey-collector-test-{}-{tag}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The read token every test collector is started with.
pub const READ_TOKEN: &str = "test-read-token-0123456789";
/// The sender token every test collector is started with (for Origin-less beacons).
pub const SENDER_TOKEN: &str = "test-sender-token-0123456789";
/// The `authorization` header carrying [`SENDER_TOKEN`].
pub const SENDER_HEADER: (&str, &str) = ("authorization", "Bearer test-sender-token-0123456789");

/// A collector running in-process on its own runtime.
pub struct TestServer {
    pub addr: SocketAddr,
    pub db: PathBuf,
    server: Option<RunningServer>,
    rt: tokio::runtime::Runtime,
    _dir: TempDir,
}

impl TestServer {
    pub fn start(allow_origins: AllowedOrigins) -> TestServer {
        TestServer::start_with(|config| config.options.origins = allow_origins)
    }

    /// A collector whose configuration `adjust` changes first (store, options).
    pub fn start_with(adjust: impl FnOnce(&mut ServeConfig)) -> TestServer {
        let dir = TempDir::new("srv");
        let db = dir.0.join("beacons.db");
        let mut config = ServeConfig::sqlite(
            db.clone(),
            "127.0.0.1:0".parse().unwrap(),
            AllowedOrigins::None,
        );
        config.options.read_token = Some(READ_TOKEN.into());
        config.options.sender_token = Some(SENDER_TOKEN.into());
        // Tests read their own writes at once; the cache has its own test.
        config.options.report_cache = Duration::ZERO;
        adjust(&mut config);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let server = rt.block_on(serve(config)).unwrap();
        TestServer {
            addr: server.local_addr(),
            db,
            server: Some(server),
            rt,
            _dir: dir,
        }
    }

    /// One request as an operator or a portal sends it: a GET carries the read token, and a
    /// beacon POST without `Origin` the sender token, unless `headers` has an `authorization`.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        let has = |name: &str| headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
        let token = if has("authorization") {
            None
        } else if method == "GET" {
            Some(READ_TOKEN)
        } else if method == "POST" && path == "/v1/beacons" && !has("origin") {
            Some(SENDER_TOKEN)
        } else {
            None
        };
        let bearer = token.map(|t| format!("Bearer {t}"));
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if let Some(b) = &bearer {
            all.push(("authorization", b));
        }
        request(self.addr, method, path, &all, body)
    }

    /// One request exactly as given: no token added.
    pub fn anonymous(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        request(self.addr, method, path, headers, body)
    }

    /// POST /v1/beacons with `application/json`.
    pub fn post(&self, body: &Value) -> Response {
        self.request(
            "POST",
            "/v1/beacons",
            &[("content-type", "application/json")],
            body.to_string().as_bytes(),
        )
    }

    /// GET a path; the response.
    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[], b"")
    }

    /// One counter's value in GET /metrics (the line starting with `name`).
    pub fn metric(&self, name: &str) -> u64 {
        let text = self.get("/metrics").text();
        text.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|v| v.trim().parse().ok()))
            .unwrap_or_else(|| panic!("{name} not in\n{text}"))
    }

    /// All stored beacons via GET /v1/beacons?limit=1000.
    pub fn stored(&self) -> Vec<Value> {
        let r = self.request("GET", "/v1/beacons?limit=1000", &[], b"");
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["beacons"].as_array().unwrap().clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.rt.block_on(server.shutdown()).unwrap();
        }
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// Header names lower-cased; repeated headers joined with ", ".
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// One request on a fresh connection (`Connection: close`).
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (and stop reading) before the whole body is sent.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse_response(&raw)
}

/// Parses a raw HTTP/1.1 response.
pub fn parse_response(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let mut headers: HashMap<String, String> = HashMap::new();
    for line in lines {
        let (k, v) = line.split_once(':').unwrap();
        headers
            .entry(k.trim().to_ascii_lowercase())
            .and_modify(|old| {
                old.push_str(", ");
                old.push_str(v.trim());
            })
            .or_insert_with(|| v.trim().to_owned());
    }
    let mut body = raw[split + 4..].to_vec();
    if headers
        .get("transfer-encoding")
        .is_some_and(|t| t == "chunked")
    {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..eol]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 4 + size..];
    }
}

/// The documented example beacon (`schema/examples/beacon.json`), with a chosen id and seq.
pub fn beacon(id: &str, seq: u64) -> Value {
    let mut beacon: Value =
        serde_json::from_str(include_str!("../../../schema/examples/beacon.json")).unwrap();
    beacon["id"] = json!(id);
    beacon["seq"] = json!(seq);
    beacon
}

/// GET `path` on 127.0.0.1:`port`; the body on 200, `None` when nothing answers or not 200.
pub fn try_get(port: u16, path: &str) -> Option<String> {
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().ok()?;
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let head = format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let response = parse_response(&raw);
    (response.status == 200).then(|| response.text())
}

/// An opaque dossier key as the back office sends it (32 lowercase hex digits) made from a
/// readable test name: the name's bytes in hex, padded with `a`.
pub fn dossier(name: &str) -> String {
    let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{hex:a>32}")
}

/// Now, epoch milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The collector binary the tests run.
pub const BIN: &str = env!("CARGO_BIN_EXE_journey-collector");

/// Starts `command` (the binary, or a shell that `exec`s it) as `serve --listen 127.0.0.1:0
/// ARGS…` with the test tokens in its environment, and reads the address from its one line on
/// stdout. Its stderr goes to `stderr`.
pub fn spawn_serving(
    mut command: std::process::Command,
    args: &[&str],
    stderr: std::process::Stdio,
) -> (std::process::Child, std::net::SocketAddr) {
    use std::io::BufRead;
    let mut child = command
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .env("JOURNEY_COLLECTOR_READ_TOKEN", READ_TOKEN)
        .env("JOURNEY_COLLECTOR_SENDER_TOKEN", SENDER_TOKEN)
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr: std::net::SocketAddr = line
        .trim_end()
        .strip_prefix("journey-collector listening on http://")
        .unwrap_or_else(|| panic!("unexpected startup line {line:?}"))
        .parse()
        .unwrap();
    assert_ne!(addr.port(), 0);
    (child, addr)
}
