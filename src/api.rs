//! The wasm boundary: what the JS shell (`js/shell/`) calls, in plain numbers and short
//! strings, and the host it hands over. The shell reads the browser in bulk — fields, values
//! (hashed in JS: a value never enters the wasm), events — and every decision is the core's
//! ([`crate::core::session::Session`] and the probe under it). Nothing here touches the DOM.
//!
//! The contract, call by call, is each export's doc comment; a trap (a panic) surfaces as an
//! exception in the JS call, which the shell's guard turns into "the probe is off".
//!
//! Times are always two numbers: `epoch` (`Date.now()`) and `page` (`performance.now()`).

use crate::core::prelude::*;

use crate::core::beacon::Trigger;
use crate::core::clock::PageState;
use crate::core::config::Config;
use crate::core::field::{shell_event, FieldFacts, FieldKind, ShellReport, ValueState};
use crate::core::fields::FormFacts;
use crate::core::probe::{Command, Now};
use crate::core::session::{Host, Session};
use crate::core::vitals::Entry;
use ::core::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The JS shell's host (see [`Host`]): storage, transport, one timer, random bytes,
    /// warnings, the overlay's feed. Its methods never throw.
    pub type JsHost;
    #[wasm_bindgen(method, js_name = load)]
    fn js_load(this: &JsHost, key: &str) -> Option<String>;
    #[wasm_bindgen(method, js_name = store)]
    fn js_store(this: &JsHost, key: &str, value: &str);
    #[wasm_bindgen(method, js_name = remove)]
    fn js_remove(this: &JsHost, key: &str);
    #[wasm_bindgen(method, js_name = send)]
    fn js_send(this: &JsHost, url: &str, body: &str, json: bool, wait: bool) -> bool;
    #[wasm_bindgen(method, js_name = later)]
    fn js_later(this: &JsHost, ms: f64);
    #[wasm_bindgen(method, js_name = warn)]
    fn js_warn(this: &JsHost, text: &str);
    #[wasm_bindgen(method, js_name = report)]
    fn js_report(this: &JsHost, kind: &str, text: &str);
    #[wasm_bindgen(method, js_name = random)]
    fn js_random(this: &JsHost, n: u32) -> Vec<u8>;
    #[wasm_bindgen(method, js_name = gpc)]
    fn js_gpc(this: &JsHost) -> bool;
}

impl Host for JsHost {
    fn load(&mut self, key: &str) -> Option<String> {
        self.js_load(key)
    }
    fn store(&mut self, key: &str, value: &str) {
        self.js_store(key, value);
    }
    fn remove(&mut self, key: &str) {
        self.js_remove(key);
    }
    fn send(&mut self, url: &str, body: &str, json: bool, wait: bool) -> bool {
        self.js_send(url, body, json, wait)
    }
    fn later(&mut self, ms: f64) {
        self.js_later(ms);
    }
    fn warn(&mut self, text: &str) {
        self.js_warn(text);
    }
    fn report(&mut self, kind: &str, text: &str) {
        self.js_report(kind, text);
    }
    fn random(&mut self, out: &mut [u8]) {
        let bytes = self.js_random(out.len() as u32);
        for (o, b) in out.iter_mut().zip(bytes) {
            *o = b;
        }
    }
    fn gpc(&mut self) -> bool {
        self.js_gpc()
    }
}

/// A value of the page's one thread (the wasm has no threads, and no std for `thread_local!`).
struct OneThread<T>(T);
// SAFETY: wasm32-unknown-unknown without the atomics feature runs on one thread only.
unsafe impl<T> Sync for OneThread<T> {}

/// The session of this page view, while the probe runs.
static SESSION: OneThread<RefCell<Option<Session<JsHost>>>> = OneThread(RefCell::new(None));
/// The configuration [`configure`] accepted, until [`begin`] takes it.
static CONFIGURED: OneThread<RefCell<Option<Config>>> = OneThread(RefCell::new(None));
/// Armed by [`self_test_panic`]: the next citizen input panics.
static PANIC_ON_NEXT_INPUT: OneThread<Cell<bool>> = OneThread(Cell::new(false));

/// Runs `f` with the running session, if any. One copy of the thread-local access for every
/// caller (a generic one per export would be copied 20 times).
#[inline(never)]
fn with(f: &mut dyn FnMut(&mut Session<JsHost>)) {
    if let Ok(mut s) = SESSION.0.try_borrow_mut() {
        if let Some(session) = s.as_mut() {
            f(session);
        }
    }
}

fn at(epoch: f64, page: f64) -> Now {
    Now {
        epoch_ms: epoch,
        page_ms: page,
    }
}

/// Reads and validates the configuration, for the [`begin`] that follows (its own call, so
/// that the two are separate tasks of the page: together they could make a long one on a slow
/// phone). `settings`: one line per setting, `attribute\tvalue\tt` from the script tag or
/// `…\to` from `window.JourneyProbeConfig`. Returns `""` when it is good; otherwise warnings,
/// one per line, already sentences (the shell prints each after `journey-probe: `); when the
/// first line is `off`, the probe stays off and nothing else may be called. A good
/// configuration may come with warnings too (unknown attributes, a setting given twice).
#[wasm_bindgen]
pub fn configure(settings: &str) -> String {
    stop();
    *CONFIGURED.0.borrow_mut() = None;
    let (mut tag, mut object) = (Vec::new(), Vec::new());
    for line in settings.lines() {
        let mut parts = line.split('\t');
        if let (Some(a), Some(v), Some(o)) = (parts.next(), parts.next(), parts.next()) {
            let pair = (a.to_string(), v.to_string());
            if o == "o" {
                object.push(pair);
            } else {
                tag.push(pair);
            }
        }
    }
    let (gathered, warnings) = crate::core::settings::gather(&tag, &object);
    match Config::from_settings(&gathered) {
        Ok(config) => {
            *CONFIGURED.0.borrow_mut() = Some(config);
            crate::core::text::join(warnings, "\n")
        }
        Err(errors) => {
            // Warnings about unknown or disagreeing settings first, then why it is off.
            let mut lines = vec!["off".to_string()];
            lines.extend(warnings);
            lines.extend(errors.iter().map(|e| {
                crate::core::text::concat(&[&e.message(), ". The probe is off on this page."])
            }));
            crate::core::text::join(lines, "\n")
        }
    }
}

/// Starts the probe on this page view with the configuration [`configure`] accepted. Returns
/// `""` when the probe runs, `"off"` when it stays off: no configuration was accepted, or the
/// citizen opted out in this browser (silently). Then nothing else may be called.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn begin(
    host: JsHost,
    path: &str,
    query: &str,
    ua: &str,
    epoch: f64,
    page: f64,
    visible: bool,
    focused: bool,
) -> String {
    stop();
    let Some(config) = CONFIGURED.0.borrow_mut().take() else {
        return "off".to_string();
    };
    let state = PageState { visible, focused };
    match Session::begin(host, config, path, query, ua, at(epoch, page), state) {
        Some(session) => {
            *SESSION.0.borrow_mut() = Some(session);
            String::new()
        }
        None => "off".to_string(),
    }
}

/// What the shell needs of the configuration, as JSON:
/// `{"prefill":[["CSDLQG-DC","#ho_ten, #ngay_sinh"]],"login":"css"|null,"success":"css"|null}`.
#[wasm_bindgen]
pub fn config() -> String {
    let mut out = String::new();
    with(&mut |s| {
        let config = s.probe().config();
        let text = &mut out;
        text.push_str("{\"prefill\":[");
        for (i, rule) in config.prefill_map.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push('[');
            crate::core::json::string(text, &rule.source);
            text.push(',');
            crate::core::json::string(text, &rule.selector);
            text.push(']');
        }
        let selector = |text: &mut String, key: &str, css: &Option<String>| {
            text.push_str(key);
            match css {
                Some(css) => crate::core::json::string(text, css),
                None => text.push_str("null"),
            }
        };
        selector(text, "],\"login\":", &config.journey.login_selector);
        selector(text, ",\"success\":", &config.journey.success_selector);
        text.push('}');
    });
    out
}

/// Which selectors are still worth watching for: 1 the login selector (not logged in yet),
/// 2 the success selector (not submitted yet), added.
#[wasm_bindgen]
pub fn waiting() -> u32 {
    let mut bits = 0;
    with(&mut |s| {
        let journey = s.probe().journey();
        bits = u32::from(journey.login_at.is_none())
            | (u32::from(journey.submitted_at.is_none()) << 1);
    });
    bits
}

/// The first discovery of the page's fields is done (see [`Session::ready`]).
#[wasm_bindgen]
pub fn ready(epoch: f64, page: f64) {
    with(&mut |s| s.ready(at(epoch, page)));
}

/// Registers a form (`position`: its index among the page's forms, or -1 for the fields
/// outside any form); returns its index.
#[wasm_bindgen]
pub fn form(id: Option<String>, name: Option<String>, position: i32) -> u32 {
    let mut index = 0;
    let position = usize::try_from(position).ok();
    with(&mut |s| {
        index = s.form(FormFacts {
            id: id.clone(),
            name: name.clone(),
            position,
        }) as u32;
    });
    index
}

/// The kinds of field, as the shell numbers them.
const KINDS: [FieldKind; 6] = [
    FieldKind::Text,
    FieldKind::Select,
    FieldKind::Checkbox,
    FieldKind::Radio,
    FieldKind::Editable,
    FieldKind::Widget,
];

/// Registers a field the shell found; returns `index * 2 + (new ? 1 : 0)`, or -1 past the
/// model's bound. `flags`: 1 locked, 2 has a value, 4 the value is the markup's default, 8
/// already marked invalid. `hash`: a hash of the value (never the value).
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn field(
    kind: u32,
    probe_key: Option<String>,
    name: Option<String>,
    id: Option<String>,
    label: Option<String>,
    source: Option<String>,
    form: u32,
    position: u32,
    flags: u32,
    hash: f64,
) -> i32 {
    let facts = FieldFacts {
        probe_key,
        name,
        id,
        label,
        position: position as usize,
        form: form as usize,
        kind: KINDS.get(kind as usize).copied().unwrap_or(FieldKind::Text),
        prefill_source: source,
        locked: flags & 1 != 0,
        has_value: flags & 2 != 0,
        value_is_default: flags & 4 != 0,
        value_hash: hash as u64,
        invalid: flags & 8 != 0,
    };
    let mut facts = Some(facts);
    let mut out = -1;
    with(&mut |s| {
        if let Some(seen) = facts.take().and_then(|f| s.field(f)) {
            out = (seen.index as i32) * 2 + i32::from(seen.new);
        }
    });
    out
}

fn value(has: bool, hash: f64) -> ValueState {
    ValueState {
        has_value: has,
        hash: hash as u64,
    }
}

/// What happened to field `index`, as [`shell_event`] decodes `kind` and `input_kind`.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn event(
    index: u32,
    kind: u32,
    has: bool,
    hash: f64,
    autofilled: bool,
    input_kind: u32,
    epoch: f64,
    page: f64,
) {
    if kind == 2 && PANIC_ON_NEXT_INPUT.0.replace(false) {
        panic!("self-test panic in an event listener");
    }
    let now = at(epoch, page);
    let report = shell_event(kind, value(has, hash), autofilled, input_kind);
    with(&mut |s| match report {
        ShellReport::Field(event) => s.event(index as usize, event, now),
        ShellReport::Outside => s.outside(now),
    });
}

/// A field made of several elements (a radio group) learned its group's whole state.
#[wasm_bindgen]
pub fn rebased(index: u32, has: bool, hash: f64) {
    with(&mut |s| s.rebased(index as usize, value(has, hash)));
}

/// Field `index`'s element left the page.
#[wasm_bindgen]
pub fn removed(index: u32) {
    with(&mut |s| s.removed(index as usize));
}

/// A `submit` event on form `form`.
#[wasm_bindgen]
pub fn submit(form: u32, epoch: f64, page: f64) {
    with(&mut |s| s.submit(form as usize, at(epoch, page)));
}

/// A portal command (`JourneyProbe.push([name, arg])` or a method), made at `at_epoch` (a call
/// queued before the probe loaded keeps its time). Returns `""`, or the warning to print when
/// the command or its argument is not one the probe accepts.
#[wasm_bindgen]
pub fn command(name: &str, arg: Option<String>, at_epoch: f64, epoch: f64, page: f64) -> String {
    let command = match Command::parse(name, arg.as_deref()) {
        Ok(command) => command,
        Err(unknown) => return unknown.message(),
    };
    let now = at(epoch, page);
    let mut command = Some(command);
    with(&mut |s| {
        if let Some(c) = command.take() {
            s.command(c, now.at_epoch(at_epoch), now);
        }
    });
    String::new()
}

/// The page's visibility or the window's focus changed.
#[wasm_bindgen]
pub fn state(visible: bool, focused: bool, epoch: f64, page: f64) {
    with(&mut |s| s.state(PageState { visible, focused }, at(epoch, page)));
}

/// The page is being hidden (`pagehide` false: `visibilitychange`) or left (`pagehide` true).
#[wasm_bindgen]
pub fn hidden(pagehide: bool, epoch: f64, page: f64) {
    let trigger = if pagehide {
        Trigger::Pagehide
    } else {
        Trigger::Hidden
    };
    with(&mut |s| s.hidden(trigger, at(epoch, page)));
}

/// The page became visible again.
#[wasm_bindgen]
pub fn visible(epoch: f64, page: f64) {
    with(&mut |s| s.visible(at(epoch, page)));
}

/// Back from the back/forward cache (`pageshow` with `persisted`).
#[wasm_bindgen]
pub fn restored(epoch: f64, page: f64) {
    with(&mut |s| s.restored(at(epoch, page)));
}

/// The page moved to another view without loading.
#[wasm_bindgen]
pub fn navigated(path: &str, query: &str, epoch: f64, page: f64) {
    with(&mut |s| s.navigated(path, query, at(epoch, page)));
}

/// A Performance entry, as `js/vitals.js` forwards them: `nav` (responseStart, requestStart,
/// activationStart), `fcp`, `lcp` (startTime), `shift` (value, startTime), `event`
/// (interactionId, duration; `field` its target's field index or -1), `long` (duration in
/// `b`), `restore` (the paint after a back/forward-cache restore).
#[wasm_bindgen]
pub fn perf(kind: &str, a: f64, b: f64, c: f64, field: i32) {
    let (entry, restored) = match kind {
        "nav" => (
            Some(Entry::Navigation {
                response_start: a,
                request_start: b,
                activation_start: c,
            }),
            None,
        ),
        "fcp" => (Some(Entry::Fcp(a)), None),
        "lcp" => (Some(Entry::Lcp(a)), None),
        "shift" => (Some(Entry::Shift(a, b)), None),
        "event" => (
            Some(Entry::Interaction(a as u64, b, usize::try_from(field).ok())),
            None,
        ),
        "long" => (Some(Entry::LongTask(b)), None),
        "restore" => (None, Some(a)),
        _ => return,
    };
    with(&mut |s| s.perf(entry, restored));
}

/// The request sent with `wait` settled: its status, or 0.
#[wasm_bindgen]
pub fn answered(status: u32, epoch: f64, page: f64) {
    let status = u16::try_from(status).unwrap_or(0);
    with(&mut |s| s.answered(status, at(epoch, page)));
}

/// The timer the host's `later(ms)` set fired.
#[wasm_bindgen]
pub fn tick(epoch: f64, page: f64) {
    with(&mut |s| s.tick(at(epoch, page)));
}

/// `JourneyProbe.snapshot()`, as JSON (`""` when the probe is off).
#[wasm_bindgen]
pub fn snapshot(epoch: f64, page: f64) -> String {
    let mut out = String::new();
    with(&mut |s| out = s.snapshot(at(epoch, page)));
    out
}

/// Whether the satisfaction question should be shown now.
#[wasm_bindgen]
pub fn survey_due() -> bool {
    let mut due = false;
    with(&mut |s| due = s.survey_due());
    due
}

/// The wasm's linear memory, in bytes.
#[wasm_bindgen]
pub fn memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}

/// Stops the probe (the journey stored in the tab stays).
#[wasm_bindgen]
pub fn stop() {
    let session = SESSION.0.try_borrow_mut().ok().and_then(|mut s| s.take());
    drop(session);
}

/// Panics on purpose, so that end-to-end tests can prove a panic turns the probe off and
/// leaves the page alone: at once (`on_next_input` false), or in the call for the next
/// citizen input (`on_next_input` true). Never called by the loader on its own.
#[wasm_bindgen]
pub fn self_test_panic(on_next_input: bool) {
    if on_next_input {
        PANIC_ON_NEXT_INPUT.0.set(true);
    } else {
        panic!("self-test panic requested");
    }
}
