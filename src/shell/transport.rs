//! Delivery of beacons to the collector.
//!
//! `fetch` with `keepalive` is the first choice: unlike `navigator.sendBeacon` it can be told
//! to send no cookies (`credentials: "omit"`) and no `Referer` (`referrerPolicy:
//! "no-referrer"`) — a same-origin `sendBeacon` carries the full page URL, identifiers in its
//! path included, in `Referer`. `keepalive` lets the request outlive the page, as `sendBeacon`
//! does. The body is a string, so it goes as `text/plain` and needs no CORS preflight; OTLP
//! requests (`data-format="otlp"`) go as `application/json`, which OTLP receivers require (a
//! cross-origin receiver must then answer the CORS preflight).
//! `sendBeacon` is the fallback for browsers without `fetch`. A request whose answer is awaited
//! is aborted after the core's `REQUEST_TIMEOUT_MS`, so a collector that never answers cannot
//! hold back every later request.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    /// The handler for a failed request, so that it never becomes an `unhandledrejection` on
    /// the host page: the built-in `Boolean`, which ignores what it is given and, unlike a Rust
    /// closure, never enters the wasm (nothing can run in a probe a panic has switched off).
    static IGNORE: Option<js_sys::Function> =
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("Boolean"))
            .ok()
            .and_then(|f| f.dyn_into().ok());
}

/// How a beacon left the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// Handed to `fetch` with `keepalive`.
    Fetch,
    /// Handed to `navigator.sendBeacon`.
    Beacon,
    /// Could not be handed to the browser.
    Failed,
}

/// Sends a JSON body to the collector. With `answer`, the request's outcome is reported: the
/// first function gets the `Response`, the second the failure (both guarded by the caller);
/// without, the outcome is ignored (a page being left cannot read it anyway).
pub fn send(url: &str, body: &str, answer: Option<(&js_sys::Function, &js_sys::Function)>) -> Sent {
    let Some(window) = web_sys::window() else {
        return Sent::Failed;
    };
    let has_fetch = js_sys::Reflect::has(&window, &JsValue::from_str("fetch")).unwrap_or(false);
    if has_fetch {
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&JsValue::from_str(body));
        if let Some(content_type) = crate::core::otlp::content_type(body) {
            let headers = js_sys::Object::new();
            let _ = js_sys::Reflect::set(
                &headers,
                &JsValue::from_str("Content-Type"),
                &JsValue::from_str(content_type),
            );
            init.set_headers(&headers);
        }
        // `keepalive` is not in web-sys's RequestInit yet; it is a plain dictionary member.
        let _ = js_sys::Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::TRUE);
        init.set_credentials(web_sys::RequestCredentials::Omit);
        init.set_referrer_policy(web_sys::ReferrerPolicy::NoReferrer);
        init.set_mode(web_sys::RequestMode::Cors);
        if answer.is_some() {
            // A request that is never answered would hold back every later one.
            if let Some(signal) = timeout_signal() {
                let _ = js_sys::Reflect::set(&init, &JsValue::from_str("signal"), &signal);
            }
        }
        let promise = window.fetch_with_str_and_init(url, &init);
        if let Some((on_answer, on_failure)) = answer {
            if let Ok(then) = js_sys::Reflect::get(&promise, &JsValue::from_str("then")) {
                if let Some(then) = then.dyn_ref::<js_sys::Function>() {
                    let _ = then.call2(&promise, on_answer, on_failure);
                    return Sent::Fetch;
                }
            }
        }
        IGNORE.with(|ignore| {
            // `Promise.prototype.catch` called by hand: js-sys's `catch` only takes a Closure.
            let catch = js_sys::Reflect::get(&promise, &JsValue::from_str("catch"));
            if let (Some(ignore), Ok(catch)) = (ignore, catch) {
                if let Some(catch) = catch.dyn_ref::<js_sys::Function>() {
                    let _ = catch.call1(&promise, ignore);
                }
            }
        });
        return Sent::Fetch;
    }
    match window.navigator().send_beacon_with_opt_str(url, Some(body)) {
        Ok(true) => Sent::Beacon,
        _ => Sent::Failed,
    }
}

/// A signal that aborts a request after [`REQUEST_TIMEOUT_MS`], so that it fails (and is
/// retried after a backoff): `AbortSignal.timeout` (Chrome 103, Safari 16, Firefox 100);
/// `None` in older browsers, where the request waits as long as the browser lets it (the page's
/// last request, sent as it is hidden or left, does not wait for it). The timer is the
/// browser's own and never enters the wasm.
///
/// [`REQUEST_TIMEOUT_MS`]: crate::core::outbox::REQUEST_TIMEOUT_MS
fn timeout_signal() -> Option<JsValue> {
    let abort_signal =
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("AbortSignal")).ok()?;
    let timeout = js_sys::Reflect::get(&abort_signal, &JsValue::from_str("timeout")).ok()?;
    let ms = JsValue::from(crate::core::outbox::REQUEST_TIMEOUT_MS);
    timeout
        .dyn_ref::<js_sys::Function>()?
        .call1(&abort_signal, &ms)
        .ok()
}
