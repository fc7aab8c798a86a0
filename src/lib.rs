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
// The wasm build has no std: without std's panic machinery (its hook, payloads and the
// formatting of every panic message) the download is lighter; a panic traps, which the
// loader's guard turns into "the probe is off". Native builds and test builds keep std.
#![cfg_attr(all(target_arch = "wasm32", not(test)), no_std)]

extern crate alloc;

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

/// A panic in the wasm traps at once: nothing is formatted, and the loader's guard catches the
/// trap as it catches any exception and turns the probe off.
#[cfg(all(target_arch = "wasm32", not(test)))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    ::core::arch::wasm32::unreachable()
}
