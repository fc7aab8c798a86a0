//! The wasm boundary: what the loader calls, and the guard every browser callback goes through.
//!
//! A panic in WebAssembly aborts with a trap, which JavaScript sees as an exception. The loader
//! hands the probe a `guard(fn)` that wraps `fn` in `try … catch`, switches the whole probe off
//! at the first exception and warns once; the shell wraps every listener with it, so nothing the
//! probe does can surface as an error in the host page.

use crate::core::config::Config;
use crate::shell::page::PageProbe;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    /// The loader's `guard(fn) -> fn`, if it gave one.
    static GUARD: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
    /// The probe of this page, while it runs.
    static RUNNING: RefCell<Option<PageProbe>> = const { RefCell::new(None) };
}

/// Prefix of every console message the probe writes.
const PREFIX: &str = "journey-probe: ";

/// Writes one warning to the console.
pub fn warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(&format!("{PREFIX}{message}")));
}

/// Sets (or, with anything but a function, clears) the guard later listeners are wrapped with.
pub fn set_guard(guard: &JsValue) {
    let guard = guard.dyn_ref::<js_sys::Function>().cloned();
    GUARD.with(|g| *g.borrow_mut() = guard);
}

/// Wraps a function the browser will call with the loader's guard. Without a loader (the
/// shell's own browser tests) there is no guard and `f` is returned as is; with a guard that
/// fails to wrap, the answer is an error, never an unguarded function.
pub fn guarded(f: &js_sys::Function) -> Result<js_sys::Function, JsValue> {
    GUARD.with(|guard| match guard.borrow().as_ref() {
        None => Ok(f.clone()),
        Some(g) => g
            .call1(&JsValue::NULL, f)?
            .dyn_into()
            .map_err(|_| JsValue::from_str("the loader's guard did not return a function")),
    })
}

/// Runs `f` with the running probe, if there is one and it is not already in use (a page
/// handler that calls back into the probe while the probe is busy is ignored, not a panic).
pub fn with_running<R>(f: impl FnOnce(&mut PageProbe) -> R) -> Option<R> {
    RUNNING.with(|running| running.try_borrow_mut().ok()?.as_mut().map(f))
}

/// Starts the probe on this page. `attributes` is the script tag's attributes and `object` the
/// properties of `window.JourneyProbeConfig`, each an array of `[name, value]` text pairs;
/// `guard` is the loader's guard (may be `undefined`); `early_sets` is the loader's `WeakSet`
/// of elements whose value page script set before the probe ran (may be `undefined`). Returns
/// whether the probe runs: with a configuration mistake it warns once per mistake and stays off.
#[wasm_bindgen]
pub fn start(
    attributes: js_sys::Array,
    object: js_sys::Array,
    guard: JsValue,
    early_sets: JsValue,
) -> bool {
    set_guard(&guard);
    stop(); // a second start replaces the running probe, whatever its outcome
    let (settings, warnings) =
        crate::core::settings::gather(&text_pairs(&attributes), &text_pairs(&object));
    for warning in warnings {
        warn(&warning);
    }
    let config = match Config::from_settings(&settings) {
        Ok(config) => config,
        Err(errors) => {
            for error in errors {
                warn(&format!("{error}. The probe is off on this page."));
            }
            return false;
        }
    };
    if crate::shell::storage::flag(crate::shell::storage::OPT_OUT_KEY) {
        return false; // the citizen opted out in this browser: nothing runs
    }
    let early_sets = early_sets.dyn_into::<js_sys::WeakSet>().ok();
    match PageProbe::start(config, early_sets) {
        Ok(page) => {
            RUNNING.with(|running| *running.borrow_mut() = Some(page));
            true
        }
        Err(reason) => {
            warn(&format!("{reason}. The probe is off on this page."));
            false
        }
    }
}

/// The `[name, value]` text pairs of `array`; anything else in it is skipped.
fn text_pairs(array: &js_sys::Array) -> Vec<(String, String)> {
    array
        .iter()
        .filter_map(|pair| {
            let pair: js_sys::Array = pair.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// Applies a command from `JourneyProbe.push([name, arg])` or a `JourneyProbe` method, made at
/// `epoch_ms` (`Date.now()` when the portal made the call, which for a queued call is before
/// the probe loaded). `arg` is the command's argument (`mark`'s step name, `setService`'s code).
#[wasm_bindgen]
pub fn command(name: &str, arg: JsValue, epoch_ms: f64) {
    let arg = arg.as_string();
    match crate::core::probe::Command::parse(name, arg.as_deref()) {
        Ok(crate::core::probe::Command::OptOut) => {
            stop();
            crate::shell::storage::opt_out();
        }
        Ok(command) => {
            with_running(|page| page.command(command, epoch_ms));
        }
        Err(unknown) => warn(&unknown.to_string()),
    }
}

/// The page moved to another view without loading: `history.pushState`/`replaceState` (the
/// loader wraps them and calls this), `popstate`, `hashchange`.
#[wasm_bindgen]
pub fn navigated() {
    with_running(|page| page.navigated());
}

/// Page script set the value of `element` (the loader's interception of the value setters
/// calls this after the page's own setter ran, and only when the value changed).
#[wasm_bindgen]
pub fn script_set(element: web_sys::Element) {
    with_running(|page| page.script_set(&element));
}

/// What the probe sees on this page, as a plain object (for QA tools and tests). `null` when
/// the probe is off.
#[wasm_bindgen]
pub fn snapshot() -> JsValue {
    with_running(|page| page.snapshot()).unwrap_or(JsValue::NULL)
}

/// A Performance entry the loader observed, as plain numbers (the rules are the core's):
/// `nav` (a = responseStart, b = requestStart, c = activationStart), `fcp` / `lcp` (a = time),
/// `shift` (a = start, b = value), `event` (a = interactionId, b = duration, `target` = the
/// event's target element), `long` (b = duration), `restore` (a = restore → next paint, ms).
#[wasm_bindgen]
pub fn perf(kind: &str, a: f64, b: f64, c: f64, target: JsValue) {
    with_running(|page| page.perf(kind, a, b, c, target));
}

/// Bytes of linear memory the probe's wasm instance holds (for the benchmarks).
#[wasm_bindgen]
pub fn memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}

/// Whether the satisfaction question should be shown now (the loader then fetches and shows
/// it, and reports `surveyShown` and the answer as commands).
#[wasm_bindgen]
pub fn survey_due() -> bool {
    with_running(|page| page.survey_due()).unwrap_or(false)
}

/// The elements of each field, by the `index` the snapshot gives it: entry `i` is an array of
/// field `i`'s elements (several for a radio group; empty for a field whose slot is free).
/// For the QA overlay, which outlines what the probe sees; empty when the probe is off.
#[wasm_bindgen]
pub fn field_elements() -> js_sys::Array {
    with_running(|page| page.field_elements()).unwrap_or_default()
}

thread_local! {
    /// The QA overlay's `watcher(kind, text)`, told of every beacon and request.
    static WATCHER: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Sets (or, with anything but a function, clears) the function told of every beacon the
/// probe queues, holds or does not send and every request and answer: `watcher(kind, text)`
/// with kind `queued`, `held`, `not-sent` (the beacon's text), `sent`, `sent-leaving` (the
/// request body, exactly as sent) or `answered` (the HTTP status, 0 for no answer). Only the
/// loader's QA overlay sets one.
#[wasm_bindgen]
pub fn watch(watcher: JsValue) {
    let watcher = watcher.dyn_ref::<js_sys::Function>().cloned();
    WATCHER.with(|w| *w.borrow_mut() = watcher);
}

/// Tells the watcher, if there is one; what it does (or throws) does not concern the probe.
pub fn report(kind: &str, text: &str) {
    WATCHER.with(|w| {
        if let Some(watcher) = w.borrow().as_ref() {
            let _ = watcher.call2(
                &JsValue::NULL,
                &JsValue::from_str(kind),
                &JsValue::from_str(text),
            );
        }
    });
}

/// Stops the probe: removes every listener it added. The journey stored in the tab stays.
#[wasm_bindgen]
pub fn stop() {
    let page = RUNNING.with(|running| running.try_borrow_mut().ok().and_then(|mut r| r.take()));
    drop(page);
}

thread_local! {
    /// Armed by [`self_test_panic`]: the next citizen input event panics inside the listener.
    static PANIC_ON_NEXT_INPUT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Panics on purpose, so that end-to-end tests can prove a panic turns the probe off and
/// leaves the page alone: at once (`on_next_input` false), or inside the listener the
/// browser calls for the next input event (`on_next_input` true). Never called by the loader
/// on its own.
#[wasm_bindgen]
pub fn self_test_panic(on_next_input: bool) {
    if on_next_input {
        PANIC_ON_NEXT_INPUT.with(|armed| armed.set(true));
    } else {
        panic!("self-test panic requested");
    }
}

/// Panics if [`self_test_panic`] armed a panic for this moment.
pub fn self_test_checkpoint() {
    if PANIC_ON_NEXT_INPUT.with(|armed| armed.replace(false)) {
        panic!("self-test panic in an event listener");
    }
}
