//! The probe on one page: wires the DOM's events to the core and the core's beacons to the
//! transport.

use crate::core::beacon::{Beacon, Trigger};
use crate::core::config::Config;
use crate::core::probe::{Command, PageStart, Probe};
use crate::shell::boundary::{warn, with_running};
use crate::shell::listener::EventListener;
use crate::shell::{dom, env, storage, transport};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// The running probe of this page: the core's state, the fields it found and the listeners
/// that feed it. Dropping it removes every listener.
pub struct PageProbe {
    probe: Probe,
    /// The elements of each field, by field index (a radio group has several).
    elements: Vec<Vec<Element>>,
    /// Element → field index, without keeping removed elements alive.
    index_of: js_sys::WeakMap,
    _listeners: Vec<EventListener>,
}

impl PageProbe {
    /// Starts the probe: resumes the journey, finds the fields, listens.
    pub fn start(config: Config) -> Result<PageProbe, String> {
        let window = web_sys::window().ok_or("no window")?;
        let document = window.document().ok_or("no document")?;
        let random_journey_id = env::random_bytes::<16>()
            .ok_or("crypto.getRandomValues is not available, so no anonymous id can be made")?;
        let path = env::pathname();
        let user_agent = env::user_agent();
        let probe = Probe::start(PageStart {
            config,
            stored: storage::load(),
            path: &path,
            user_agent: &user_agent,
            now: env::now(),
            random_journey_id,
        });
        storage::save(probe.journey());

        let mut page = PageProbe {
            probe,
            elements: Vec::new(),
            index_of: js_sys::WeakMap::new(),
            _listeners: Vec::new(),
        };
        for (position, element) in dom::find_fields(&document).into_iter().enumerate() {
            let index = page.probe.field_seen(dom::facts(&element, position));
            page.index_of
                .set(element.unchecked_ref(), &JsValue::from(index as u32));
            match page.elements.get_mut(index) {
                Some(group) => group.push(element),
                None => page.elements.push(vec![element]),
            }
        }
        page._listeners = listen(&window, &document).map_err(|e| env::describe(&e))?;
        Ok(page)
    }

    /// Applies a command the portal made at `epoch_ms`.
    pub fn command(&mut self, command: Command, epoch_ms: f64) {
        let Some(id) = env::random_bytes::<8>() else {
            return;
        };
        let values = self.values_now();
        let now = env::now().at_epoch(epoch_ms);
        let beacon = self.probe.command(command, now, &values, id);
        storage::save(self.probe.journey());
        if let Some(beacon) = beacon {
            self.send(&beacon);
        }
    }

    /// What the probe sees, as a plain object (the core writes it, the browser parses it).
    pub fn snapshot(&self) -> JsValue {
        let json = self.probe.snapshot_json(&self.values_now());
        js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL)
    }

    fn field_input(&mut self, event: &web_sys::Event) {
        if !event.is_trusted() {
            return;
        }
        crate::shell::boundary::self_test_checkpoint();
        let Some(target) = event.target() else { return };
        if let Some(index) = self.index_of.get(target.unchecked_ref()).as_f64() {
            self.probe.field_input(index as usize);
        }
    }

    fn hidden(&mut self, trigger: Trigger) {
        let Some(id) = env::random_bytes::<8>() else {
            return;
        };
        let values = self.values_now();
        if let Some(beacon) = self.probe.page_hidden(trigger, env::now(), &values, id) {
            storage::save(self.probe.journey());
            self.send(&beacon);
        }
    }

    fn values_now(&self) -> Vec<bool> {
        self.elements
            .iter()
            .map(|group| group.iter().any(dom::has_value))
            .collect()
    }

    fn send(&self, beacon: &Beacon) {
        let body = beacon.to_json();
        if transport::send(&self.probe.config().collector, &body) == transport::Sent::Failed {
            warn("a beacon could not be handed to the browser");
        }
    }
}

/// The page-wide listeners. Input is listened for on the document in the capture phase: one
/// listener for every field, present and future, that the page cannot stop.
fn listen(
    window: &web_sys::Window,
    document: &web_sys::Document,
) -> Result<Vec<EventListener>, JsValue> {
    let input = |event: web_sys::Event| {
        with_running(|page| page.field_input(&event));
    };
    let visibility = |_: web_sys::Event| {
        with_running(|page| {
            let hidden = web_sys::window()
                .and_then(|w| w.document())
                .map(|d| d.visibility_state() == web_sys::VisibilityState::Hidden)
                .unwrap_or(false);
            if hidden {
                page.hidden(Trigger::Hidden);
            } else {
                page.probe.page_visible();
            }
        });
    };
    Ok(vec![
        EventListener::new(document, "input", true, input)?,
        EventListener::new(document, "change", true, input)?,
        EventListener::new(document, "visibilitychange", true, visibility)?,
        EventListener::new(window, "pagehide", true, |_| {
            with_running(|page| page.hidden(Trigger::Pagehide));
        })?,
        EventListener::new(window, "pageshow", true, |_| {
            with_running(|page| page.probe.page_visible());
        })?,
    ])
}
