//! The browser shell: observes the page, keeps time, stores the journey and delivers beacons.
//!
//! It decides nothing itself — every rule lives in [`crate::core`] — and it never lets a
//! failure reach the host page: every callback the browser makes into this module goes through
//! the loader's guard ([`boundary`]), which turns the probe off instead of throwing.

pub mod boundary;
pub mod dom;
pub mod env;
pub mod listener;
pub mod observer;
pub mod page;
pub mod storage;
pub mod timer;
pub mod transport;
