//! # journey-probe
//!
//! Measures how citizens experience an online public service, as Vietnam's regulation on the
//! quality of user experience of online public services asks: which form fields the state's
//! databases filled in and which the citizen had to type, how long the citizen takes from login
//! to a successful submission, and nothing that identifies the citizen.
//!
//! The crate is split along one seam:
//!
//! - [`core`] is pure Rust. It decides everything — configuration rules, the field and journey
//!   models, payload building, privacy rules — and imports nothing from the browser, so
//!   `cargo test` exercises it natively.
//! - `api` (compiled for `wasm32` only) is the wasm boundary the JS shell (`js/shell/`) calls
//!   in plain numbers and short strings: the browser is read in bulk in JS, and the shell
//!   carries out what the core decides (storage, requests, one timer) through a host object.
#![deny(missing_docs)]

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod api;

/// The probe runs on one thread and allocates little (a page's fields, its beacons): a free-list
/// allocator is 2.3 KB brotli lighter than the default dlmalloc, measured.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: the wasm32-unknown-unknown probe has no threads.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
