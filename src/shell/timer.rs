//! A timer as an owned value: set when made, cleared when dropped (as gloo's `Timeout`), so a
//! probe that is stopped leaves no timer behind to call into it.

use crate::shell::boundary::guarded;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A `setTimeout` under way; dropping it clears it.
#[must_use = "dropping a Timeout clears it at once"]
pub struct Timeout {
    id: i32,
    _closure: Closure<dyn FnMut()>,
}

impl Timeout {
    /// Calls `callback` once, through the loader's guard, in `ms` milliseconds.
    pub fn new(ms: f64, callback: impl FnMut() + 'static) -> Result<Timeout, JsValue> {
        let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
        let closure = Closure::<dyn FnMut()>::new(callback);
        let function = guarded(closure.as_ref().unchecked_ref())?;
        let id = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            &function,
            ms.clamp(0.0, f64::from(i32::MAX)) as i32,
        )?;
        Ok(Timeout {
            id,
            _closure: closure,
        })
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            window.clear_timeout_with_handle(self.id);
        }
    }
}
