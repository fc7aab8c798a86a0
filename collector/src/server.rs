//! Running the collector: bind, serve, shut down.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::Error;
use crate::http;
use crate::http::AllowedOrigins;
use crate::ratelimit::ClientAddr;
use crate::store::{GroupCommit, SqliteStore, Store};
use std::time::Duration;

/// Where beacons are stored: `sqlite:PATH` (or a bare path) or `clickhouse:URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreSpec {
    /// An SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A ClickHouse server's HTTP interface, e.g. `http://127.0.0.1:8123/?database=journeys`.
    ClickHouse(String),
}

impl StoreSpec {
    /// Opens the store (creating tables if missing), its inserts grouped by a writer thread.
    pub fn open(&self) -> Result<Arc<dyn Store>, Error> {
        let (store, linger): (Arc<dyn Store>, u64) = match self {
            StoreSpec::Sqlite(path) => (Arc::new(SqliteStore::open(path)?), 0),
            StoreSpec::ClickHouse(url) => (Arc::new(crate::store::ClickHouseStore::open(url)?), 20),
        };
        Ok(Arc::new(GroupCommit::new(
            store,
            Duration::from_millis(linger),
        )))
    }

    /// Opens a store that must already exist (for `list` and `report`).
    pub fn open_existing(&self) -> Result<Arc<dyn Store>, Error> {
        match self {
            StoreSpec::Sqlite(path) => Ok(Arc::new(SqliteStore::open_existing(path)?)),
            StoreSpec::ClickHouse(url) => Ok(Arc::new(crate::store::ClickHouseStore::open(url)?)),
        }
    }
}

/// How many connections the collector holds and how long a client may take to send a request:
/// a slow or half-open client gives its connection back instead of holding it for ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Open connections at most, and never more than the process's open-file limit less 64;
    /// past it, new ones are closed at once.
    pub max_connections: usize,
    /// Open connections at most from one client address (0: no cap), and never more than a
    /// quarter of [`ConnectionLimits::max_connections`]. Off behind a reverse proxy
    /// (`--client-ip-header`), where every connection comes from the proxy.
    pub max_connections_per_client: usize,
    /// Time a client has to send a request's headers (also between requests on a kept-alive
    /// connection).
    pub header_timeout: Duration,
    /// Time a client has between two pieces of a request's body.
    pub body_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits {
            max_connections: 1024,
            max_connections_per_client: 128,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
        }
    }
}

/// What `serve` needs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Where beacons are stored.
    pub store: StoreSpec,
    /// Address to bind; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Origins, body limit, tokens, rate limits.
    pub options: http::Options,
    /// Connection caps and timeouts.
    pub connections: ConnectionLimits,
}

impl ServeConfig {
    /// An SQLite collector with the default options and these origins.
    pub fn sqlite(db: PathBuf, listen: SocketAddr, allow_origins: AllowedOrigins) -> ServeConfig {
        ServeConfig {
            store: StoreSpec::Sqlite(db),
            listen,
            options: http::Options {
                origins: allow_origins,
                ..http::Options::default()
            },
            connections: ConnectionLimits::default(),
        }
    }
}

/// A collector serving in the background of the current tokio runtime.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    /// The address actually bound (the real port when 0 was asked).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets requests in flight finish, and waits for the end.
    pub async fn shutdown(self) -> Result<(), Error> {
        // The receiver is gone only if the server already ended; the join reports why.
        let _ = self.stop.send(());
        match self.task.await {
            Ok(result) => result.map_err(Error::Server),
            Err(e) => Err(Error::Server(std::io::Error::other(e))),
        }
    }
}

/// Opens the database, binds the listener and starts serving in a background task.
pub async fn serve(config: ServeConfig) -> Result<RunningServer, Error> {
    let spec = config.store.clone();
    let store = tokio::task::spawn_blocking(move || spec.open())
        .await
        .map_err(|e| Error::Server(std::io::Error::other(e)))??;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| Error::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(Error::Server)?;
    let mut limits = config.connections;
    if let Some(files) = open_file_limit() {
        // Keep descriptors for the database, its readers and a rescue copy.
        limits.max_connections = limits.max_connections.min(files.saturating_sub(64).max(16));
    }
    // One client may hold at most a quarter of the connections, whatever the caps.
    let per_client = if config.options.client_ip_header.is_some() {
        0
    } else {
        config
            .connections
            .max_connections_per_client
            .min(limits.max_connections / 4)
            .max(1)
    };
    let app = http::router(store, config.options);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(accept_loop(listener, app, limits, per_client, stopped));
    Ok(RunningServer { addr, stop, task })
}

/// The process's soft limit of open files (Linux: `/proc/self/limits`), if it can be read.
fn open_file_limit() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Open connections per client address, so that one client cannot take every slot.
#[derive(Debug, Default)]
struct ClientSlots(std::sync::Mutex<std::collections::HashMap<ClientAddr, usize>>);

/// One connection's slot; given back on drop.
struct ClientSlot {
    slots: Arc<ClientSlots>,
    client: ClientAddr,
}

impl ClientSlots {
    fn take(slots: &Arc<ClientSlots>, client: ClientAddr, cap: usize) -> Option<ClientSlot> {
        let mut map = slots
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let open = map.entry(client).or_insert(0);
        if cap > 0 && *open >= cap {
            return None;
        }
        *open += 1;
        Some(ClientSlot {
            slots: slots.clone(),
            client,
        })
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut map = self
            .slots
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(open) = map.get_mut(&self.client) {
            *open -= 1;
            if *open == 0 {
                map.remove(&self.client);
            }
        }
    }
}

/// Accepts connections within the caps and serves each (HTTP/1.1, header and body timeouts)
/// until `stopped`; then lets requests in flight finish (at most ten seconds).
async fn accept_loop(
    listener: TcpListener,
    app: axum::Router,
    limits: ConnectionLimits,
    per_client: usize,
    mut stopped: oneshot::Receiver<()>,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;
    let open = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let slots = Arc::new(ClientSlots::default());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut stopped => break,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(_) => {
                // Out of descriptors or a connection reset while queued: wait, do not spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            continue; // over the cap: closed at once
        };
        let Some(slot) = ClientSlots::take(&slots, ClientAddr::of(peer.ip()), per_client) else {
            continue;
        };
        let service = tower::ServiceBuilder::new()
            .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
                limits.body_timeout,
            ))
            .service(app.clone())
            .map_request(move |mut req: axum::http::Request<_>| {
                req.extensions_mut().insert(http::Peer(peer));
                req
            });
        let connection = http.serve_connection(
            TokioIo::new(stream),
            hyper_util::service::TowerToHyperService::new(service),
        );
        let watched = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = watched.await;
            drop((permit, slot));
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
    Ok(())
}

/// `journey-collector serve`: serves until SIGINT or SIGTERM. Prints exactly one
/// line to stdout, `journey-collector listening on http://IP:PORT` (what scripts wait for);
/// the rest goes to the log.
pub async fn run_until_signal(config: ServeConfig) -> Result<(), Error> {
    let origins = config.options.origins.clone();
    let spec = config.store.clone();
    let server = serve(config).await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "journey-collector listening on http://{}",
            server.local_addr()
        )
        .and_then(|()| out.flush())
        .map_err(Error::Output)?;
    }
    tracing::info!("storing beacons in {spec:?}");
    match origins {
        AllowedOrigins::None => tracing::warn!(
            "hint: no --allow-origin given, so browser requests (with an Origin header) \
             are refused with 403; add e.g. --allow-origin http://127.0.0.1:8080"
        ),
        other => tracing::info!("allowed origins: {}", other.describe()),
    }
    wait_for_signal().await?;
    tracing::info!("shutting down");
    server.shutdown().await
}

async fn wait_for_signal() -> Result<(), Error> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).map_err(Error::Server)?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.map_err(Error::Server),
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.map_err(Error::Server)
    }
}
