//! Rate limits that one client cannot turn against the others (governor's keyed GCRA limiters).
//!
//! - **Per client**: keyed on the client's address — the TCP peer, or the address a reverse
//!   proxy the operator names writes into a header ([`ClientAddr`]) — never on anything the
//!   request claims. IPv6 clients are keyed by their /64, the block one subscriber gets, so a
//!   client cannot escape its limit by changing its interface id. Every beacon request spends
//!   one token here, parsed or not.
//! - **Per portal**: a ceiling on what one allowed origin may store per second, sized for a
//!   national portal's peak. Only requests whose beacons parsed and passed the origin check
//!   spend it, so junk cannot use up a portal's budget.
//!
//! Both maps are bounded: past [`MAX_KEYS`] keys, idle ones are forgotten; if every key is
//! still busy, new ones share one overflow key, so memory stays bounded and nobody is refused
//! only for being new. Portal keys are cut to [`MAX_PORTAL_KEY_BYTES`].

use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Most keys a limiter keeps before forgetting idle ones.
pub const MAX_KEYS: usize = 100_000;
/// Longest portal key kept (bytes); an `Origin` is far shorter.
pub const MAX_PORTAL_KEY_BYTES: usize = 200;
/// Seconds' worth of requests a key may send in one burst.
pub const BURST_SECONDS: u32 = 10;

/// The client a request comes from, as rate limits and connection caps key it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// The key of `ip`: IPv4 (also when mapped into IPv6) as is, IPv6 by its /64.
    pub fn of(ip: IpAddr) -> ClientAddr {
        match ip {
            IpAddr::V4(v4) => ClientAddr(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientAddr(IpAddr::V4(v4)),
                None => {
                    let bits = u128::from(v6) & !((1u128 << 64) - 1);
                    ClientAddr(IpAddr::V6(Ipv6Addr::from(bits)))
                }
            },
        }
    }

    /// The key all clients share once the map is full of busy ones.
    const OVERFLOW: ClientAddr = ClientAddr(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
}

/// One keyed limiter with a bounded key map.
#[derive(Debug)]
struct Keyed<K: Hash + Eq + Clone> {
    limiter: Option<DefaultKeyedRateLimiter<K>>,
    overflow: K,
    /// When idle keys were last swept (ms since `born`): at most once a second, so a full map
    /// costs one sweep per second, not one per request.
    swept_ms: AtomicU64,
    born: Instant,
}

impl<K: Hash + Eq + Clone> Keyed<K> {
    fn new(per_second: u32, overflow: K) -> Keyed<K> {
        let limiter = NonZeroU32::new(per_second).map(|rate| {
            let burst = NonZeroU32::new(per_second.saturating_mul(BURST_SECONDS)).unwrap_or(rate);
            RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
        });
        Keyed {
            limiter,
            overflow,
            swept_ms: AtomicU64::new(0),
            born: Instant::now(),
        }
    }

    fn allow(&self, key: K) -> bool {
        let Some(limiter) = &self.limiter else {
            return true;
        };
        let key = if limiter.len() < MAX_KEYS {
            key
        } else {
            let now_ms = u64::try_from(self.born.elapsed().as_millis()).unwrap_or(u64::MAX);
            let last = self.swept_ms.load(Ordering::Relaxed);
            if now_ms.saturating_sub(last) >= 1_000
                && self
                    .swept_ms
                    .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
            {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
            if limiter.len() < MAX_KEYS {
                key
            } else {
                self.overflow.clone()
            }
        };
        limiter.check_key(&key).is_ok()
    }

    fn len(&self) -> usize {
        self.limiter.as_ref().map_or(0, |l| l.len())
    }
}

/// The collector's two beacon limits.
#[derive(Debug)]
pub struct RateLimits {
    clients: Keyed<ClientAddr>,
    portals: Keyed<String>,
}

impl RateLimits {
    /// `per_client` and `per_portal` requests per second (burst: [`BURST_SECONDS`] of them);
    /// 0 turns that limit off.
    pub fn new(per_client: u32, per_portal: u32) -> RateLimits {
        RateLimits {
            clients: Keyed::new(per_client, ClientAddr::OVERFLOW),
            portals: Keyed::new(per_portal, String::new()),
        }
    }

    /// Whether one more request from `client` may be read now (spends its token).
    pub fn allow_client(&self, client: ClientAddr) -> bool {
        self.clients.allow(client)
    }

    /// Whether `portal` may store one more request now (spends its token).
    pub fn allow_portal(&self, portal: &str) -> bool {
        let mut end = portal.len().min(MAX_PORTAL_KEY_BYTES);
        while !portal.is_char_boundary(end) {
            end -= 1;
        }
        self.portals.allow(portal[..end].to_owned())
    }

    /// How many clients and portals the limiters hold now.
    pub fn keys(&self) -> (usize, usize) {
        (self.clients.len(), self.portals.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(text: &str) -> ClientAddr {
        ClientAddr::of(text.parse().unwrap())
    }

    #[test]
    fn one_client_is_limited_the_others_are_not() {
        let limits = RateLimits::new(2, 0);
        let allowed = (0..30)
            .filter(|_| limits.allow_client(v4("127.0.0.2")))
            .count();
        assert_eq!(allowed, 20, "ten seconds' burst of 2 per second");
        assert!(limits.allow_client(v4("127.0.0.1")), "another client");
        assert!(limits.allow_portal("https://x"), "portal limit off");
        assert!(RateLimits::new(0, 0).allow_client(v4("127.0.0.2")));
    }

    #[test]
    fn a_portal_ceiling_is_its_own() {
        let limits = RateLimits::new(0, 1);
        let allowed = (0..20)
            .filter(|_| limits.allow_portal("https://a.gov.vn"))
            .count();
        assert_eq!(allowed, 10);
        assert!(limits.allow_portal("https://b.gov.vn"));
        let long = "é".repeat(300);
        assert!(limits.allow_portal(&long), "cut on a char boundary");
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ClientAddr::of(a), ClientAddr::of(b));
        assert_ne!(ClientAddr::of(a), ClientAddr::of(c));
        let mapped: IpAddr = "::ffff:10.0.0.7".parse().unwrap();
        assert_eq!(ClientAddr::of(mapped), v4("10.0.0.7"));
    }

    #[test]
    fn the_key_map_stays_bounded() {
        let limits = RateLimits::new(1, 0);
        for i in 0..(MAX_KEYS as u32 + 500) {
            limits.allow_client(ClientAddr(IpAddr::V4(Ipv4Addr::from(0x0A00_0000 + i))));
        }
        let (clients, _) = limits.keys();
        assert!(clients <= MAX_KEYS + 1, "{clients} keys");
    }
}
