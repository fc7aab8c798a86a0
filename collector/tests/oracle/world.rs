//! Everything one seed produces — beacons, the requests that carry them and when, the
//! back-office posts — and what the collector has received by a given moment. Both the
//! delivery to the collectors and the oracle read this one model.

use super::delivery::{self, Anomalies, Request, MAX_BATCH};
use super::generator;
use super::model::Beacon;
use super::processing::{self, Post};
use super::rng::{has_digit_run, Rng};
use super::tab::{JourneyTruth, Truth};
use std::collections::{HashMap, HashSet};

/// A seed's world.
pub struct World {
    pub seed: u64,
    pub beacons: Vec<Beacon>,
    /// Each beacon's JSON text.
    pub bodies: Vec<String>,
    /// Every request, in the order the collector receives them.
    pub requests: Vec<Request>,
    /// Back-office posts, in order.
    pub posts: Vec<Post>,
    /// What each journey was meant to be, and its tab's portal.
    pub truths: Vec<(JourneyTruth, &'static str)>,
    pub anomalies: Anomalies,
}

/// A beacon as the collector holds it: its first delivery.
#[derive(Debug, Clone, Copy)]
pub struct Received<'w> {
    pub beacon: &'w Beacon,
    pub portal: &'static str,
    pub received_ms: i64,
}

impl World {
    /// Generates seed `seed`'s world and checks it is well-formed.
    pub fn generate(seed: u64) -> World {
        let tabs = generator::tabs(seed);
        let mut rng = Rng::new(seed ^ 0xDE11_7E4E);
        let mut world = World {
            seed,
            beacons: Vec::new(),
            bodies: Vec::new(),
            requests: Vec::new(),
            posts: processing::posts(&mut rng),
            truths: Vec::new(),
            anomalies: Anomalies::default(),
        };
        let mut ordered: Vec<(i64, usize, usize, Request)> = Vec::new();
        for (t, tab) in tabs.into_iter().enumerate() {
            let first = world.beacons.len();
            let bodies: Vec<String> = tab
                .sent
                .iter()
                .map(|s| s.beacon.to_json().to_string())
                .collect();
            let sizes: Vec<usize> = bodies.iter().map(String::len).collect();
            let requests = delivery::plan(
                &mut rng,
                tab.portal,
                &tab.sent,
                first,
                &sizes,
                &mut world.anomalies,
            );
            for (k, r) in requests.into_iter().enumerate() {
                ordered.push((r.at, t, k, r));
            }
            world.bodies.extend(bodies);
            world.beacons.extend(tab.sent.into_iter().map(|s| s.beacon));
            world
                .truths
                .extend(tab.truths.into_iter().map(|j| (j, tab.portal)));
        }
        ordered.sort_by_key(|(at, t, k, _)| (*at, *t, *k));
        world.requests = ordered.into_iter().map(|(.., r)| r).collect();
        world.check();
        world
    }

    /// Ids unique and free of digit runs, requests within the collector's limits.
    fn check(&self) {
        let mut ids = HashSet::new();
        for b in &self.beacons {
            assert!(ids.insert(b.id.clone()), "beacon id {} twice", b.id);
            assert!(!has_digit_run(&b.id, 6) && !has_digit_run(&b.journey.id, 6));
        }
        let journeys: HashSet<&str> = self.truths.iter().map(|(j, _)| j.id.as_str()).collect();
        assert_eq!(journeys.len(), self.truths.len(), "journey ids unique");
        for r in &self.requests {
            assert!(!r.beacons.is_empty() && r.beacons.len() <= MAX_BATCH);
            let unique: HashSet<usize> = r.beacons.iter().copied().collect();
            assert_eq!(
                unique.len(),
                r.beacons.len(),
                "a beacon twice in one request"
            );
            assert!(self.body(r).len() < 64 * 1024);
        }
        for t in &self.truths {
            if t.0.truth == Truth::Submitted {
                assert!(t.0.duration_ms.is_some());
            }
        }
    }

    /// The JSON array a request carries.
    pub fn body(&self, r: &Request) -> String {
        let parts: Vec<&str> = r.beacons.iter().map(|&b| self.bodies[b].as_str()).collect();
        format!("[{}]", parts.join(","))
    }

    /// Each beacon delivered by `now`, at its first delivery.
    pub fn received(&self, now: i64) -> Vec<Received<'_>> {
        let mut first: HashMap<usize, (i64, &'static str)> = HashMap::new();
        for r in self.requests.iter().filter(|r| r.at <= now) {
            for &b in &r.beacons {
                first.entry(b).or_insert((r.at, r.portal));
            }
        }
        let mut out: Vec<Received<'_>> = first
            .into_iter()
            .map(|(b, (at, portal))| Received {
                beacon: &self.beacons[b],
                portal,
                received_ms: at,
            })
            .collect();
        out.sort_by(|a, b| (a.received_ms, &a.beacon.id).cmp(&(b.received_ms, &b.beacon.id)));
        out
    }

    /// The back-office posts made by `now`.
    pub fn posted(&self, now: i64) -> Vec<&Post> {
        self.posts.iter().filter(|p| p.at <= now).collect()
    }
}
