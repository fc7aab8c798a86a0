//! The environment the core needs readings of: the two clocks, random bytes and the page's
//! location and browser.

use crate::core::probe::Now;
use wasm_bindgen::JsValue;

/// Reads both clocks.
pub fn now() -> Now {
    thread_local! {
        /// `window.performance`, looked up once: `now()` runs on every event.
        static PERFORMANCE: Option<web_sys::Performance> =
            web_sys::window().and_then(|w| w.performance());
    }
    let page_ms = PERFORMANCE.with(|p| p.as_ref().map_or(0.0, web_sys::Performance::now));
    Now {
        epoch_ms: js_sys::Date::now(),
        page_ms,
    }
}

/// Fills `N` bytes from `crypto.getRandomValues`; `None` if the browser has no usable
/// cryptographic randomness (then the probe stays off rather than make guessable ids).
pub fn random_bytes<const N: usize>() -> Option<[u8; N]> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let mut bytes = [0u8; N];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(bytes)
}

/// `location.pathname`; the query string and fragment are never read.
pub fn pathname() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_else(|| "/".to_string())
}

/// `location.search`, passed to the core, which keeps only the allowed parameters.
pub fn search() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// `navigator.userAgent`, only ever passed to the core's coarse classifier.
pub fn user_agent() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default()
}

/// Whether the page is visible and has the focus now.
pub fn page_state() -> crate::core::clock::PageState {
    let document = web_sys::window().and_then(|w| w.document());
    crate::core::clock::PageState {
        visible: document
            .as_ref()
            .is_none_or(|d| d.visibility_state() != web_sys::VisibilityState::Hidden),
        focused: document
            .as_ref()
            .is_some_and(|d| d.has_focus().unwrap_or(false)),
    }
}

/// Turns a JS exception into a short message for the console.
pub fn describe(error: &JsValue) -> String {
    js_sys::Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}
