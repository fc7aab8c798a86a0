//! The pure core: every decision the probe makes, with no browser in sight.
//!
//! Inputs arrive as plain Rust values (attribute strings, timestamps in milliseconds, random
//! bytes, facts about a field); outputs are plain Rust values (a validated [`config::Config`],
//! [`beacon::Beacon`]s to send, [`journey::Journey`] state to store). The browser shell turns
//! DOM events into these inputs and carries out the outputs.

pub mod beacon;
pub mod clock;
pub mod config;
pub mod consent;
pub mod field;
pub mod fields;
pub mod ids;
pub mod journey;
pub mod json;
pub mod otlp;
pub mod outbox;
pub mod pattern;
pub mod prelude;
pub mod privacy;
pub mod probe;
pub mod sentences;
pub mod session;
pub mod settings;
pub mod small_map;
pub mod survey;
pub mod text;
pub mod time;
pub mod ua;
pub mod url;
pub mod vitals;
