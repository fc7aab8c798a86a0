//! Delivery of beacons to the collector.
//!
//! `fetch` with `keepalive` is the first choice: unlike `navigator.sendBeacon` it can be told
//! to send no cookies (`credentials: "omit"`) and no `Referer` (`referrerPolicy:
//! "no-referrer"`) — a same-origin `sendBeacon` carries the full page URL, identifiers in its
//! path included, in `Referer`. `keepalive` lets the request outlive the page, as `sendBeacon`
//! does. The body is a string, so it goes as `text/plain` and needs no CORS preflight.
//! `sendBeacon` is the fallback for browsers without `fetch`.

use std::cell::OnceCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// One shared no-op rejection handler, so a failed request never becomes an
    /// `unhandledrejection` on the host page.
    static IGNORE: OnceCell<Closure<dyn FnMut(JsValue)>> = const { OnceCell::new() };
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

/// Sends a JSON body to the collector without waiting for the answer.
pub fn send(url: &str, body: &str) -> Sent {
    let Some(window) = web_sys::window() else {
        return Sent::Failed;
    };
    let has_fetch = js_sys::Reflect::has(&window, &JsValue::from_str("fetch")).unwrap_or(false);
    if has_fetch {
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&JsValue::from_str(body));
        // `keepalive` is not in web-sys's RequestInit yet; it is a plain dictionary member.
        let _ = js_sys::Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::TRUE);
        init.set_credentials(web_sys::RequestCredentials::Omit);
        init.set_referrer_policy(web_sys::ReferrerPolicy::NoReferrer);
        init.set_mode(web_sys::RequestMode::Cors);
        let promise = window.fetch_with_str_and_init(url, &init);
        IGNORE.with(|ignore| {
            let handler = ignore.get_or_init(|| Closure::new(|_: JsValue| {}));
            let _ = promise.catch(handler);
        });
        return Sent::Fetch;
    }
    match window.navigator().send_beacon_with_opt_str(url, Some(body)) {
        Ok(true) => Sent::Beacon,
        _ => Sent::Failed,
    }
}
