//! A private ClickHouse server (Debian's `clickhouse-server`) in a temp directory, on free
//! loopback ports, stopped on drop: the scale-out store the tests compare with SQLite.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::TempDir;

/// A private ClickHouse server in a temp directory, stopped on drop.
pub struct ClickHouse {
    child: Option<Child>,
    dir: TempDir,
    http: u16,
    tcp: u16,
    interserver: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl ClickHouse {
    /// Starts one and waits until it answers (30 s at most).
    pub fn start() -> ClickHouse {
        let mut ch = ClickHouse {
            child: None,
            dir: TempDir::new("clickhouse"),
            http: free_port(),
            tcp: free_port(),
            interserver: free_port(),
        };
        ch.launch();
        ch
    }

    /// Starts (again) the server process on the same directory and ports.
    pub fn launch(&mut self) {
        let d = self.dir.0.display().to_string();
        assert!(
            Path::new("/usr/sbin/clickhouse-server").exists()
                || Path::new("/usr/bin/clickhouse-server").exists(),
            "clickhouse-server is not installed: npm run setup installs Debian's package"
        );
        let child = Command::new("clickhouse-server")
            .args([
                "--config-file=/etc/clickhouse-server/config.xml".to_string(),
                "--".into(),
                format!("--path={d}/"),
                format!("--tmp_path={d}/tmp/"),
                format!("--http_port={}", self.http),
                format!("--tcp_port={}", self.tcp),
                format!("--interserver_http_port={}", self.interserver),
                format!("--logger.log={d}/log"),
                format!("--logger.errorlog={d}/err"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("clickhouse-server starts");
        self.child = Some(child);
        let start = Instant::now();
        while super::try_get(self.http, "/?query=SELECT%201").is_none() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "ClickHouse did not answer in 30 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Kills the server process (its data stays).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The store URL of database `journeys`.
    pub fn url(&self) -> String {
        self.url_for("journeys")
    }

    /// The store URL of another database (letters, digits, `_`), created on first use.
    pub fn url_for(&self, database: &str) -> String {
        format!("http://127.0.0.1:{}/?database={database}", self.http)
    }
}

impl Drop for ClickHouse {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One ClickHouse shared by the tests of a binary that run at the same time: the first lease
/// starts it, the last one dropped stops it (a `static` is never dropped, and the server
/// process would outlive the tests).
pub struct Lease {
    url: String,
}

static SHARED: std::sync::Mutex<Option<(ClickHouse, usize)>> = std::sync::Mutex::new(None);

impl Lease {
    /// A lease on the shared server, starting it if no test holds one.
    pub fn take() -> Lease {
        let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        let (server, holders) = shared.get_or_insert_with(|| (ClickHouse::start(), 0));
        *holders += 1;
        Lease {
            url: server.url_for("unused"),
        }
    }

    /// The store URL of `database` (letters, digits, `_`) on the shared server.
    pub fn url_for(&self, database: &str) -> String {
        let base = self
            .url
            .split_once('?')
            .map_or(self.url.as_str(), |(b, _)| b);
        format!("{base}?database={database}")
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, holders)) = shared.as_mut() {
            *holders -= 1;
            if *holders == 0 {
                *shared = None;
            }
        }
    }
}
