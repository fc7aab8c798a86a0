//! The two real collectors a seed's world is delivered to, sharing one scripted clock:
//! SQLite behind HTTP (every request POSTed as the probe would, `Origin` and all), and
//! ClickHouse, whose beacons go straight into the store in one `insert_many` (sequential HTTP
//! would take ~30 ms a request) after the same validation HTTP applies; back-office events go
//! through `POST /v1/processing` on both.

use super::world::World;
use crate::common::clickhouse::ClickHouse;
use crate::common::TestServer;
use journey_collector::store::{Batch, ClickHouseStore, Store};
use journey_collector::validate::BeaconValidator;
use journey_collector::{AllowedOrigins, Clock, ReportArgs, ReportFormat, StoreSpec};
use serde_json::Value;
use std::collections::HashSet;

/// The back office's bearer token.
const TOKEN: &str = "oracle-back-office-token";

/// Where a report came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    SqliteHttp,
    SqliteCli,
    ClickHouseHttp,
    ClickHouseCli,
}

impl Source {
    pub const ALL: [Source; 4] = [
        Source::SqliteHttp,
        Source::SqliteCli,
        Source::ClickHouseHttp,
        Source::ClickHouseCli,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Source::SqliteHttp => "sqlite GET /v1/report",
            Source::SqliteCli => "sqlite report --format json",
            Source::ClickHouseHttp => "clickhouse GET /v1/report",
            Source::ClickHouseCli => "clickhouse report --format json",
        }
    }
}

/// A seed's collectors.
pub struct Collectors {
    clock: Clock,
    sqlite: TestServer,
    clickhouse: TestServer,
    ch_url: String,
    ch_store: ClickHouseStore,
    /// Everything up to this moment has been delivered.
    delivered_until: i64,
    /// Beacon ids stored so far (to check what each request adds).
    stored: HashSet<usize>,
    ch_stored: HashSet<usize>,
}

fn start_server(clock: &Clock, store: Option<StoreSpec>) -> TestServer {
    let clock = clock.clone();
    TestServer::start_with(move |c| {
        c.options.clock = clock;
        c.options.processing_token = Some(TOKEN.into());
        c.options.origins = AllowedOrigins::Any;
        c.options.rate_per_client = 0;
        c.options.rate_per_portal = 0;
        if let Some(store) = store {
            c.store = store;
        }
    })
}

impl Collectors {
    /// Fresh collectors for `seed` (a database of its own on the shared ClickHouse), the
    /// clock at `start_ms`.
    pub fn start(ch: &ClickHouse, seed: u64, start_ms: i64) -> Collectors {
        let clock = Clock::manual(start_ms);
        let ch_url = ch.url_for(&format!("oracle_seed_{seed}"));
        let sqlite = start_server(&clock, None);
        let clickhouse = start_server(&clock, Some(StoreSpec::ClickHouse(ch_url.clone())));
        let ch_store = ClickHouseStore::open(&ch_url).expect("ClickHouse store opens");
        Collectors {
            clock,
            sqlite,
            clickhouse,
            ch_url,
            ch_store,
            delivered_until: i64::MIN,
            stored: HashSet::new(),
            ch_stored: HashSet::new(),
        }
    }

    /// Delivers every request and back-office post of `world` up to `moment` to both
    /// collectors, then sets the clock to `moment`.
    pub fn deliver_until(&mut self, world: &World, moment: i64) {
        let in_range = |at: i64| at > self.delivered_until && at <= moment;
        let requests: Vec<_> = world.requests.iter().filter(|r| in_range(r.at)).collect();
        let posts: Vec<_> = world.posts.iter().filter(|p| in_range(p.at)).collect();
        // SQLite over HTTP, in time order (requests and posts interleaved).
        let (mut r, mut p) = (0, 0);
        while r < requests.len() || p < posts.len() {
            let request_first =
                p == posts.len() || (r < requests.len() && requests[r].at <= posts[p].at);
            if request_first {
                let req = requests[r];
                self.clock.set(req.at);
                let body = world.body(req);
                let resp = self.sqlite.request(
                    "POST",
                    "/v1/beacons",
                    &[("content-type", "application/json"), ("origin", req.portal)],
                    body.as_bytes(),
                );
                assert_eq!(
                    resp.status,
                    202,
                    "seed {}: {}\n{body}",
                    world.seed,
                    resp.text()
                );
                let new = req
                    .beacons
                    .iter()
                    .filter(|&&b| self.stored.insert(b))
                    .count();
                assert_eq!(
                    resp.json()["accepted"],
                    new,
                    "seed {}: accepted beacons of a request",
                    world.seed
                );
                r += 1;
            } else {
                self.post_processing(&self.sqlite, world, posts[p]);
                p += 1;
            }
        }
        // ClickHouse: the same requests validated as HTTP does, stored in one call.
        let parsed: Vec<(i64, &'static str, Vec<journey_collector::validate::Beacon>)> = requests
            .iter()
            .map(|req| {
                let beacons = BeaconValidator::get()
                    .parse_body(world.body(req).as_bytes())
                    .unwrap_or_else(|e| panic!("seed {}: invalid request: {e:?}", world.seed));
                (req.at, req.portal, beacons)
            })
            .collect();
        let batches: Vec<Batch<'_>> = parsed
            .iter()
            .map(|(at, portal, beacons)| Batch {
                received_ms: *at,
                portal,
                beacons,
            })
            .collect();
        if !batches.is_empty() {
            let outcomes = self.ch_store.insert_many(&batches);
            let mut accepted = 0;
            for o in outcomes {
                accepted += o.expect("ClickHouse stores the batch").accepted;
            }
            let new: usize = requests
                .iter()
                .map(|req| {
                    req.beacons
                        .iter()
                        .filter(|&&b| self.ch_stored.insert(b))
                        .count()
                })
                .sum();
            assert_eq!(accepted, new, "seed {}: ClickHouse accepted", world.seed);
        }
        for post in posts {
            self.post_processing(&self.clickhouse, world, post);
        }
        self.clock.set(moment);
        self.delivered_until = moment;
    }

    fn post_processing(&self, srv: &TestServer, world: &World, post: &super::processing::Post) {
        self.clock.set(post.at);
        let body = Value::Array(post.events.iter().map(|e| e.to_json()).collect()).to_string();
        let auth = format!("Bearer {TOKEN}");
        let resp = srv.request(
            "POST",
            "/v1/processing",
            &[
                ("content-type", "application/json"),
                ("authorization", &auth),
            ],
            body.as_bytes(),
        );
        assert_eq!(resp.status, 202, "seed {}: {}", world.seed, resp.text());
    }

    /// The report of `query` from `source`, made at `now` (the clock's moment).
    pub fn report(&self, source: Source, query: &str, now: i64) -> Result<Value, String> {
        match source {
            Source::SqliteHttp => http_report(&self.sqlite, query),
            Source::ClickHouseHttp => http_report(&self.clickhouse, query),
            Source::SqliteCli => cli_report(StoreSpec::Sqlite(self.sqlite.db.clone()), query, now),
            Source::ClickHouseCli => {
                cli_report(StoreSpec::ClickHouse(self.ch_url.clone()), query, now)
            }
        }
    }
}

fn http_report(srv: &TestServer, query: &str) -> Result<Value, String> {
    let path = if query.is_empty() {
        "/v1/report".to_string()
    } else {
        format!("/v1/report?{query}")
    };
    let resp = srv.get(&path);
    if resp.status != 200 {
        return Err(format!("{path}: {} {}", resp.status, resp.text()));
    }
    serde_json::from_slice(&resp.body).map_err(|e| format!("{path}: not JSON: {e}"))
}

fn cli_report(store: StoreSpec, query: &str, now: i64) -> Result<Value, String> {
    let mut out = Vec::new();
    journey_collector::report_command(
        &ReportArgs {
            store,
            query: query.to_string(),
            format: ReportFormat::Json,
            now_ms: Some(now),
        },
        &mut out,
    )
    .map_err(|e| format!("report {query}: {e}"))?;
    serde_json::from_slice(&out).map_err(|e| format!("report {query}: not JSON: {e}"))
}
