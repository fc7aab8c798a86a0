//! A `MutationObserver` as an owned value: observing when made, disconnected when dropped; its
//! callback goes through the loader's guard like every listener.

use crate::shell::boundary::guarded;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Attributes whose changes the probe follows: validation marks, ARIA selection, and what makes
/// an element a field or locks it.
pub const ATTRIBUTES: [&str; 10] = [
    "aria-invalid",
    "aria-errormessage",
    "aria-controls",
    "aria-owns",
    "aria-selected",
    "aria-checked",
    "contenteditable",
    "role",
    "readonly",
    "disabled",
];

/// An observer of one subtree; dropping it disconnects it.
#[must_use = "dropping a MutationGuard disconnects it at once"]
pub struct MutationGuard {
    observer: web_sys::MutationObserver,
    _closure: Closure<dyn FnMut(js_sys::Array)>,
}

impl MutationGuard {
    /// Observes `root`'s subtree: elements added and removed, and [`ATTRIBUTES`].
    pub fn new(
        root: &web_sys::Node,
        callback: impl FnMut(js_sys::Array) + 'static,
    ) -> Result<MutationGuard, JsValue> {
        let closure = Closure::<dyn FnMut(js_sys::Array)>::new(callback);
        let function = guarded(closure.as_ref().unchecked_ref())?;
        let observer = web_sys::MutationObserver::new(&function)?;
        let init = web_sys::MutationObserverInit::new();
        init.set_child_list(true);
        init.set_subtree(true);
        init.set_attributes(true);
        init.set_attribute_old_value(true);
        let filter: js_sys::Array = ATTRIBUTES.iter().map(|a| JsValue::from_str(a)).collect();
        init.set_attribute_filter(&filter);
        observer.observe_with_options(root, &init)?;
        Ok(MutationGuard {
            observer,
            _closure: closure,
        })
    }
}

impl Drop for MutationGuard {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
