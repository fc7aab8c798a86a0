//! Running the collector: bind, serve, shut down.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::cli::AllowedOrigins;
use crate::error::Error;
use crate::http;
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

/// What `serve` needs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Where beacons are stored.
    pub store: StoreSpec,
    /// Address to bind; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Origins, body limit, processing token, rate limit.
    pub options: http::Options,
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
    let app = http::router(store, config.options);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok(RunningServer { addr, stop, task })
}

/// `journey-collector serve`: serves until SIGINT or SIGTERM. Prints exactly one
/// line to stdout, `journey-collector listening on http://IP:PORT`.
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
    eprintln!("journey-collector: storing beacons in {spec:?}");
    match origins {
        AllowedOrigins::None => eprintln!(
            "journey-collector: hint: no --allow-origin given, so browser requests (with an Origin header) \
             are refused with 403; add e.g. --allow-origin http://127.0.0.1:8080"
        ),
        other => eprintln!("journey-collector: allowed origins: {}", other.describe()),
    }
    wait_for_signal().await?;
    eprintln!("journey-collector: shutting down");
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
