//! Event listeners as owned values: added when made, removed when dropped.
//!
//! Every listener is passive (it can never `preventDefault`) and goes through the loader's
//! guard, so an error in the probe cannot escape into the page's event handling.

use crate::shell::boundary::guarded;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A listener on an event target; dropping it removes it.
#[must_use = "dropping an EventListener removes it at once"]
pub struct EventListener {
    target: web_sys::EventTarget,
    kind: &'static str,
    capture: bool,
    function: js_sys::Function,
    _closure: Closure<dyn FnMut(web_sys::Event)>,
}

impl EventListener {
    /// Listens for `kind` on `target`. `capture` listens in the capture phase, so the page's
    /// own `stopPropagation` cannot hide events from the probe.
    pub fn new(
        target: &web_sys::EventTarget,
        kind: &'static str,
        capture: bool,
        callback: impl FnMut(web_sys::Event) + 'static,
    ) -> Result<EventListener, JsValue> {
        let closure = Closure::<dyn FnMut(web_sys::Event)>::new(callback);
        let function = guarded(closure.as_ref().unchecked_ref())?;
        let options = web_sys::AddEventListenerOptions::new();
        options.set_capture(capture);
        options.set_passive(true);
        target.add_event_listener_with_callback_and_add_event_listener_options(
            kind, &function, &options,
        )?;
        Ok(EventListener {
            target: target.clone(),
            kind,
            capture,
            function,
            _closure: closure,
        })
    }
}

impl Drop for EventListener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback_and_bool(
            self.kind,
            &self.function,
            self.capture,
        );
    }
}
