//! The probe on one page: finds the fields (also in open shadow roots and as they come and
//! go), turns DOM events into the core's field events, and the core's beacons into requests.

use crate::core::beacon::{Beacon, Trigger};
use crate::core::config::{Config, Format};
use crate::core::consent::{self, SendPolicy, Signals};
use crate::core::field::{FieldEvent, FieldKind, InputKind};
use crate::core::outbox::Then;
use crate::core::probe::{Command, Now, PageStart, Probe};
use crate::core::small_map::SmallMap;
use crate::shell::boundary::{report, warn, with_running};
use crate::shell::listener::EventListener;
use crate::shell::observer::MutationGuard;
use crate::shell::timer::Timeout;
use crate::shell::{dom, env, storage, transport};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// How many ancestors are climbed to find the field an event target belongs to (an option
/// inside a listbox, a span inside a contenteditable).
const MAX_CLIMB: usize = 12;

/// The elements of one field (a radio group has several) and its kind.
struct Slot {
    kind: FieldKind,
    elements: Vec<Element>,
}

/// The running probe of this page: the core's state, the fields it found and the listeners
/// and observers that feed it. Dropping it removes every listener and observer.
pub struct PageProbe {
    probe: Probe,
    slots: Vec<Slot>,
    /// Element → field index, without keeping removed elements alive.
    index_of: js_sys::WeakMap,
    /// Form element → form index.
    form_index: js_sys::WeakMap,
    /// Forms met so far, and fields met so far per form index.
    forms_seen: usize,
    fields_in_form: Vec<usize>,
    /// Form index of the fields outside any form, once there is one.
    page_form: Option<usize>,
    /// Id of a combobox's popup list → the combobox's field index.
    popups: SmallMap<String, usize>,
    /// The loader's record of elements page script set before the probe ran.
    early_sets: Option<js_sys::WeakSet>,
    /// `data-prefill-map` entries whose selector the browser refused.
    bad_selectors: Vec<usize>,
    /// Beacons waiting for the collector (kept in `localStorage`).
    outbox: crate::core::outbox::Outbox,
    /// The ids of the beacons the request under way carries.
    in_flight: Option<Vec<String>>,
    /// Where requests' outcomes go.
    answers: Option<(Answer, Answer)>,
    /// The next try after a failure, once its backoff has passed.
    retry: Option<Timeout>,
    /// The roots observed (the document and open shadow roots), each once.
    observed: js_sys::WeakSet,
    observers: Vec<(web_sys::Node, MutationGuard)>,
    _listeners: Vec<EventListener>,
}

impl PageProbe {
    /// Starts the probe: resumes the journey, finds the fields, listens and observes.
    pub fn start(config: Config, early_sets: Option<js_sys::WeakSet>) -> Result<PageProbe, String> {
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
            query: &env::search(),
            user_agent: &user_agent,
            now: env::now(),
            random_journey_id,
            state: env::page_state(),
        });
        storage::save(probe.journey());

        let mut page = PageProbe {
            probe,
            slots: Vec::new(),
            index_of: js_sys::WeakMap::new(),
            form_index: js_sys::WeakMap::new(),
            forms_seen: 0,
            fields_in_form: Vec::new(),
            page_form: None,
            popups: SmallMap::default(),
            early_sets,
            bad_selectors: Vec::new(),
            outbox: storage::load_outbox(),
            in_flight: None,
            answers: answers(),
            retry: None,
            observed: js_sys::WeakSet::new(),
            observers: Vec::new(),
            _listeners: Vec::new(),
        };
        page.discover(&document);
        page.observe(&document).map_err(|e| env::describe(&e))?;
        // The tab's previous journey, idle past the timeout, is reported as abandoned.
        if let Some(beacon) = env::random_bytes::<8>().and_then(|id| page.probe.take_abandoned(id))
        {
            page.send(&beacon);
        }
        if let Some(id) = env::random_bytes::<8>() {
            if let Some(beacon) = page.probe.page_signals(&path, env::now(), id) {
                page.send(&beacon);
            }
        }
        page.watch_selectors(&document);
        storage::save(page.probe.journey());
        // Beacons an earlier page left waiting (the collector was down, or the page was left
        // before its answer came): sent again; the collector stores each once.
        page.flush(false);
        page._listeners = listen(&window, &document).map_err(|e| env::describe(&e))?;
        Ok(page)
    }

    /// Finds the fields under `root` that the probe does not know yet, and observes the open
    /// shadow roots met on the way.
    fn discover(&mut self, root: &web_sys::Node) {
        if !root.is_connected() {
            return;
        }
        let mut found = Vec::new();
        let mut shadow_roots = Vec::new();
        dom::find_fields(root, &mut found, &mut shadow_roots);
        let mut grouped = Vec::new();
        for (element, kind) in found {
            if self.index_of.has(element.unchecked_ref()) {
                continue;
            }
            if let Some(index) = self.add_field(element, kind) {
                if self.slots[index].elements.len() > 1 && !grouped.contains(&index) {
                    grouped.push(index);
                }
            }
        }
        // A radio group's value is its whole group's: the core learns it without a change.
        for index in grouped {
            if let Some(value) = self.state(index) {
                self.probe.field_rebased(index, value);
            }
        }
        for shadow in shadow_roots {
            if let Err(error) = self.observe(&shadow) {
                warn(&format!(
                    "cannot observe a shadow root: {}",
                    env::describe(&error)
                ));
            }
        }
    }

    fn add_field(&mut self, element: Element, kind: FieldKind) -> Option<usize> {
        let form = self.form_for(&element);
        let position = self.fields_in_form[form];
        self.fields_in_form[form] += 1;
        let mut facts = dom::facts(&element, kind, form, position);
        if facts.prefill_source.is_none() {
            facts.prefill_source = self.mapped_source(&element);
        }
        // A value page script set before the probe ran is not the markup's, even where a
        // framework also set the default.
        if self
            .early_sets
            .as_ref()
            .is_some_and(|set| set.has(element.unchecked_ref()))
        {
            facts.value_is_default = false;
        }
        let observed = self.probe.field_seen(facts)?; // past the model's bound: not watched
        let index = observed.index;
        self.index_of
            .set(element.unchecked_ref(), &JsValue::from(index as u32));
        self.register_popups(&element, index);
        let slot = Slot {
            kind,
            elements: vec![element],
        };
        match self.slots.get_mut(index) {
            Some(existing) if observed.new => *existing = slot, // a freed slot reused
            Some(existing) => existing.elements.extend(slot.elements),
            None => self.slots.push(slot),
        }
        Some(index)
    }

    /// The source `data-prefill-map` gives this element, if a rule's selector matches it. A
    /// selector the browser refuses is reported once and then skipped.
    fn mapped_source(&mut self, element: &Element) -> Option<String> {
        let rules = &self.probe.config().prefill_map;
        for (i, rule) in rules.iter().enumerate() {
            if self.bad_selectors.contains(&i) {
                continue;
            }
            match element.matches(&rule.selector) {
                Ok(true) => return Some(rule.source.clone()),
                Ok(false) => {}
                Err(_) => {
                    warn(&format!(
                        "data-prefill-map: \"{}\" is not a valid CSS selector; that entry is skipped",
                        rule.selector
                    ));
                    self.bad_selectors.push(i);
                }
            }
        }
        None
    }

    /// Remembers the popup lists a field controls (`aria-controls`, `aria-owns`), so that a
    /// pick in them is the field's.
    fn register_popups(&mut self, element: &Element, index: usize) {
        for attribute in ["aria-controls", "aria-owns"] {
            if let Some(ids) = element.get_attribute(attribute) {
                for id in ids.split_whitespace() {
                    self.popups.insert(id.to_string(), index);
                }
            }
        }
    }

    /// The form index of a field's form, registering the form the first time.
    fn form_for(&mut self, element: &Element) -> usize {
        let form = dom::form_of(element);
        if let Some(form) = &form {
            if let Some(index) = self.form_index.get(form.unchecked_ref()).as_f64() {
                return index as usize;
            }
        } else if let Some(index) = self.page_form {
            return index;
        }
        let position = form.as_ref().map(|_| {
            self.forms_seen += 1;
            self.forms_seen - 1
        });
        let index = self
            .probe
            .form_seen(dom::form_facts(form.as_ref(), position));
        match &form {
            Some(form) => {
                self.form_index
                    .set(form.unchecked_ref(), &JsValue::from(index as u32));
            }
            None => self.page_form = Some(index),
        }
        if self.fields_in_form.len() <= index {
            self.fields_in_form.resize(index + 1, 0);
        }
        index
    }

    /// Observes a root (the document or an open shadow root) once.
    fn observe(&mut self, root: &web_sys::Node) -> Result<(), JsValue> {
        if self.observed.has(root.unchecked_ref()) {
            return Ok(());
        }
        let guard = MutationGuard::new(root, |records: js_sys::Array| {
            with_running(|page| page.mutations(&records));
        })?;
        self.observed.add(root.unchecked_ref());
        self.observers.push((root.clone(), guard));
        Ok(())
    }

    /// Looks for the elements `data-login-selector` and `data-success-selector` name; their
    /// appearance logs the citizen in or ends the journey (the core does each once).
    fn watch_selectors(&mut self, document: &web_sys::Document) {
        let journey = &self.probe.config().journey;
        let state = self.probe.journey();
        // Only while still waiting for it: once seen, no more queries on every mutation.
        let found = |selector: &Option<String>, waiting: bool| {
            waiting
                && selector
                    .as_deref()
                    .is_some_and(|s| document.query_selector(s).ok().flatten().is_some())
        };
        let login = found(&journey.login_selector, state.login_at.is_none());
        let success = found(&journey.success_selector, state.submitted_at.is_none());
        let now = env::now();
        if login {
            self.command(Command::Login, now.epoch_ms);
        }
        if success {
            self.command(Command::Submitted, now.epoch_ms);
        }
    }

    /// Fields added, removed, marked invalid, ARIA selections changed.
    fn mutations(&mut self, records: &js_sys::Array) {
        let now = env::now();
        for record in records.iter() {
            let Ok(record) = record.dyn_into::<web_sys::MutationRecord>() else {
                continue;
            };
            match record.type_().as_str() {
                "childList" => {
                    let removed = record.removed_nodes();
                    for i in 0..removed.length() {
                        if let Some(node) = removed.item(i) {
                            self.forget(&node);
                        }
                    }
                    let added = record.added_nodes();
                    for i in 0..added.length() {
                        if let Some(node) = added.item(i).filter(|n| n.is_connected()) {
                            if node.node_type() == web_sys::Node::ELEMENT_NODE {
                                self.discover(&node);
                            }
                        }
                    }
                }
                "attributes" => {
                    let Some(target) = record.target().and_then(|t| t.dyn_into::<Element>().ok())
                    else {
                        continue;
                    };
                    if !target.is_connected() {
                        continue; // a record about an element that has left the page
                    }
                    let name = record.attribute_name().unwrap_or_default();
                    let value = target.get_attribute(&name);
                    let changed = record.old_value() != value;
                    match name.as_str() {
                        // The page marked the field invalid, or associated an error message.
                        "aria-invalid" | "aria-errormessage" => {
                            let on = match name.as_str() {
                                "aria-invalid" => value.as_deref() == Some("true"),
                                _ => value.as_deref().is_some_and(|v| !v.trim().is_empty()),
                            };
                            if on && changed {
                                if let Some(index) = self.field_of(&target) {
                                    self.probe.field_event(index, FieldEvent::Invalid, now);
                                }
                            }
                        }
                        "aria-selected" | "aria-checked" => {
                            if let Some(index) = self.field_of(&target) {
                                self.check(index, now);
                            }
                        }
                        "aria-controls" | "aria-owns" => {
                            if let Some(index) = self.index_of.get(target.unchecked_ref()).as_f64()
                            {
                                self.register_popups(&target, index as usize);
                            }
                        }
                        _ if !self.index_of.has(target.unchecked_ref()) => {
                            // A role or contenteditable added: maybe a field now.
                            self.discover(&target);
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            self.watch_selectors(&document);
        }
    }

    /// An element left the page: its fields (in its open shadow roots too) are no longer
    /// watched, and the observers of those shadow roots are disconnected.
    fn forget(&mut self, node: &web_sys::Node) {
        if node.node_type() != web_sys::Node::ELEMENT_NODE {
            return;
        }
        let mut gone = Vec::new();
        let mut shadow_roots = Vec::new();
        dom::find_fields(node, &mut gone, &mut shadow_roots);
        for (element, _) in gone {
            let Some(index) = self
                .index_of
                .get(element.unchecked_ref())
                .as_f64()
                .map(|i| i as usize)
            else {
                continue;
            };
            self.index_of.delete(element.unchecked_ref());
            if let Some(slot) = self.slots.get_mut(index) {
                slot.elements.retain(|e| e != &element);
                if slot.elements.is_empty() {
                    self.popups.retain(|_, i| *i != index);
                    self.probe.field_removed(index);
                }
            }
        }
        for root in shadow_roots {
            let root: web_sys::Node = root.into();
            self.observed.delete(root.unchecked_ref());
            self.observers.retain(|(observed, _)| observed != &root);
        }
    }

    /// The field an element belongs to: itself, an ancestor (through shadow hosts), or the
    /// combobox whose popup list it is in.
    fn field_of(&self, element: &Element) -> Option<usize> {
        let mut current = Some(element.clone());
        for _ in 0..MAX_CLIMB {
            let here = current?;
            if let Some(index) = self.index_of.get(here.unchecked_ref()).as_f64() {
                return Some(index as usize);
            }
            if !here.id().is_empty() {
                if let Some(&index) = self.popups.get(&here.id()) {
                    return Some(index);
                }
            }
            current = here.parent_element().or_else(|| {
                here.parent_node()
                    .and_then(|n| n.dyn_into::<web_sys::ShadowRoot>().ok())
                    .map(|s| s.host())
            });
        }
        None
    }

    /// The field an event is about: the innermost target. Only when the target is a shadow
    /// host (the event came out of an open shadow root, retargeted) is `composedPath()` asked
    /// for: it allocates, and typing in ordinary fields should not pay for it.
    fn field_of_event(&self, event: &web_sys::Event) -> Option<usize> {
        let target = event.target()?.dyn_into::<Element>().ok()?;
        let inner = if target.shadow_root().is_some() {
            event
                .composed_path()
                .get(0)
                .dyn_into::<Element>()
                .ok()
                .unwrap_or(target)
        } else {
            target
        };
        self.field_of(&inner)
    }

    fn state(&self, index: usize) -> Option<crate::core::field::ValueState> {
        let slot = self.slots.get(index)?;
        Some(dom::group_state(&slot.elements, slot.kind))
    }

    fn autofilled(&self, index: usize) -> bool {
        self.slots
            .get(index)
            .is_some_and(|slot| slot.elements.iter().any(dom::is_autofilled))
    }

    /// Compares a field's value with what the core last knew (fallback for what no event said).
    fn check(&mut self, index: usize, now: Now) {
        if let Some(value) = self.state(index) {
            let autofilled = self.autofilled(index);
            self.apply(index, FieldEvent::Check { value, autofilled }, now);
        }
    }

    fn check_all(&mut self, now: Now) {
        for index in 0..self.slots.len() {
            if !self.slots[index].elements.is_empty() {
                self.check(index, now);
            }
        }
    }

    fn apply(&mut self, index: usize, event: FieldEvent, now: Now) {
        if self.probe.field_event(index, event, now) {
            storage::save(self.probe.journey());
        }
    }

    /// Page script set a field's value (the loader's setter interception).
    pub fn script_set(&mut self, element: &Element) {
        match self.field_of(element) {
            Some(index) => {
                if let Some(value) = self.state(index) {
                    self.apply(index, FieldEvent::ScriptSet { value }, env::now());
                }
            }
            // Not on the page yet (a view a framework renders and fills before attaching it):
            // when it is found, its value is known to be script's, not the markup's.
            None => {
                if let Some(early) = &self.early_sets {
                    early.add(element.unchecked_ref());
                }
            }
        }
    }

    fn on_input(&mut self, event: &web_sys::Event) {
        let Some(index) = self.field_of_event(event) else {
            return;
        };
        let Some(value) = self.state(index) else {
            return;
        };
        let now = env::now();
        if !event.is_trusted() {
            // A synthetic event dispatched by page script.
            self.apply(index, FieldEvent::ScriptSet { value }, now);
            return;
        }
        crate::shell::boundary::self_test_checkpoint();
        thread_local! {
            /// The property name, made once rather than decoded into a JS string per keystroke.
            static INPUT_TYPE: JsValue = JsValue::from_str("inputType");
        }
        let input_type = INPUT_TYPE
            .with(|key| js_sys::Reflect::get(event, key))
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default();
        let kind = InputKind::from_input_type(&input_type);
        // Typing, pasting and dropping say what they are; the browser's autofill says nothing
        // (no inputType), and only then is the `:autofill` match worth its cost.
        let autofilled = input_type.is_empty() && self.autofilled(index);
        self.apply(
            index,
            FieldEvent::Input {
                kind,
                value,
                autofilled,
            },
            now,
        );
    }

    fn on_focus(&mut self, event: &web_sys::Event, focus: bool) {
        let Some(index) = self.field_of_event(event) else {
            return;
        };
        // Focus moving between the elements of one field (the radios of a group, the parts of a
        // widget) is not a new visit.
        let related = js_sys::Reflect::get(event, &"relatedTarget".into())
            .ok()
            .and_then(|t| t.dyn_into::<Element>().ok());
        if related.is_some_and(|other| self.field_of(&other) == Some(index)) {
            return;
        }
        let now = env::now();
        if focus {
            self.check(index, now);
            self.apply(index, FieldEvent::Focus, now);
        } else {
            self.apply(index, FieldEvent::Blur, now);
            self.check(index, now);
        }
    }

    /// A click or key press on a custom widget: the value its script sets next is the
    /// citizen's pick. Native controls report their own input, so they are left out.
    fn on_interact(&mut self, event: &web_sys::Event) {
        if !event.is_trusted() {
            return;
        }
        let Some(index) = self.field_of_event(event) else {
            return;
        };
        let custom = self.slots.get(index).is_some_and(|slot| {
            slot.kind == FieldKind::Widget
                || slot
                    .elements
                    .iter()
                    .any(|e| e.has_attribute("role") || e.has_attribute("aria-controls"))
        });
        if custom {
            self.apply(index, FieldEvent::Interact, env::now());
        }
    }

    fn on_invalid(&mut self, event: &web_sys::Event) {
        if let Some(index) = self.field_of_event(event) {
            self.apply(index, FieldEvent::Invalid, env::now());
        }
    }

    fn on_submit(&mut self, event: &web_sys::Event) {
        let Some(form) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        let Some(index) = self.form_index.get(form.unchecked_ref()).as_f64() else {
            return;
        };
        let now = env::now();
        if self.probe.form_submitted(index as usize, now) {
            storage::save(self.probe.journey());
        }
    }

    /// Applies a command the portal made at `epoch_ms`.
    pub fn command(&mut self, command: Command, epoch_ms: f64) {
        if let Command::Consent(given) = command {
            storage::set_flag(storage::CONSENT_KEY, given);
            if given {
                // What was held in memory may now be stored and sent.
                self.save_outbox();
                self.flush(false);
            } else {
                self.outbox = crate::core::outbox::Outbox::default();
                storage::clear_outbox();
            }
            return;
        }
        let Some(id) = env::random_bytes::<8>() else {
            return;
        };
        if matches!(command, Command::SetService(_) | Command::Expired) {
            let Some(journey_id) = env::random_bytes::<16>() else {
                return;
            };
            self.probe.provide_journey_id(journey_id);
        }
        let now = env::now();
        self.check_all(now);
        let beacon = self.probe.command(command, now.at_epoch(epoch_ms), id);
        storage::save(self.probe.journey());
        if let Some(beacon) = beacon {
            self.send(&beacon);
        }
    }

    /// What the probe sees, as a plain object (the core writes it, the browser parses it).
    pub fn snapshot(&mut self) -> JsValue {
        let now = env::now();
        self.check_all(now);
        let json = self.probe.snapshot_json(now);
        js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL)
    }

    /// The page's visibility or focus changed. Coming back to a tab hidden past the idle
    /// timeout reports the journey left there as abandoned.
    fn state_changed(&mut self) {
        if let Some(journey_id) = env::random_bytes::<16>() {
            self.probe.provide_journey_id(journey_id);
        }
        self.probe.page_state(env::page_state(), env::now());
        if let Some(beacon) = env::random_bytes::<8>().and_then(|id| self.probe.take_abandoned(id))
        {
            storage::save(self.probe.journey());
            self.send(&beacon);
        }
    }

    /// The page moved to another view without loading: a new step if the path changed.
    pub fn navigated(&mut self) {
        let Some(id) = env::random_bytes::<8>() else {
            return;
        };
        let now = env::now();
        self.check_all(now);
        let beacon = self
            .probe
            .navigated(&env::pathname(), &env::search(), now, id);
        storage::save(self.probe.journey());
        if let Some(beacon) = beacon {
            self.send(&beacon);
        }
    }

    fn hidden(&mut self, trigger: Trigger) {
        let Some(id) = env::random_bytes::<8>() else {
            return;
        };
        let now = env::now();
        self.check_all(now);
        if let Some(beacon) = self.probe.page_hidden(trigger, now, id) {
            storage::save(self.probe.journey());
            self.queue(beacon);
            // The page may never come back (a phone locks, a tab closes): whatever waits goes
            // now, in the one request a page being left may make. It stays in the outbox until
            // a later page reads the collector's answer.
            self.flush(true);
        }
    }

    /// Puts a beacon that ends a journey in the outbox (reporting beacons a full outbox
    /// dropped) and sends what waits at once — past any backoff, since the citizen may close
    /// the tab next — unless a request is under way (its answer sends the rest).
    fn send(&mut self, beacon: &Beacon) {
        self.queue(beacon.clone());
        self.outbox.retry_now();
        self.flush(false);
    }

    /// What may be done with beacons now.
    fn policy(&self) -> SendPolicy {
        let gpc = web_sys::window()
            .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"globalPrivacyControl".into()).ok())
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let config = self.probe.config();
        consent::policy(Signals {
            global_privacy_control: gpc,
            opted_out: storage::flag(storage::OPT_OUT_KEY),
            consent_required: config.consent_required,
            consent_given: storage::flag(storage::CONSENT_KEY),
            sampled: consent::sampled(&self.probe.journey().id, config.sample),
        })
    }

    fn queue(&mut self, mut beacon: Beacon) {
        let policy = self.policy();
        if policy == SendPolicy::Never {
            report("not-sent", &beacon.to_json());
            return; // measured, never sent, never stored
        }
        if policy == SendPolicy::Send {
            // What other tabs stored, so that their drops are counted once, by whichever tab
            // queues next, and the write below keeps their beacons.
            storage::merge_stored_outbox(&mut self.outbox);
        }
        beacon.dropped = self.outbox.take_dropped();
        let entry = match self.probe.config().format {
            Format::Json => beacon.to_json(),
            Format::Otlp => crate::core::otlp::record(&beacon),
        };
        report(
            if policy == SendPolicy::Send {
                "queued"
            } else {
                "held"
            },
            &entry,
        );
        self.outbox.push(beacon.id.as_str(), entry);
        // Held for consent: in memory only.
        if policy == SendPolicy::Send {
            storage::write_outbox(&self.outbox);
        }
    }

    /// Stores the outbox, merged with what other tabs stored — only while beacons may be
    /// stored (consent may have been withdrawn, or the citizen opted out, in another tab).
    fn save_outbox(&mut self) {
        if self.policy() == SendPolicy::Send {
            storage::save_outbox(&mut self.outbox);
        }
    }

    /// A Performance entry from the loader (see `boundary::perf`).
    pub fn perf(&mut self, kind: &str, a: f64, b: f64, c: f64, target: JsValue) {
        use crate::core::vitals::Entry;
        let entry = match kind {
            "nav" => Entry::Navigation {
                response_start: a,
                request_start: b,
                activation_start: c,
            },
            "fcp" => Entry::Fcp(a),
            "lcp" => Entry::Lcp(a),
            "shift" => Entry::Shift(a, b),
            "event" => {
                let field = target.dyn_ref::<Element>().and_then(|e| self.field_of(e));
                Entry::Interaction(a as u64, b, field)
            }
            "long" => Entry::LongTask(b),
            "restore" => {
                self.probe.perf_restored(a);
                return;
            }
            _ => return,
        };
        self.probe.perf_entry(entry);
    }

    /// Whether the satisfaction question should be shown now.
    pub fn survey_due(&self) -> bool {
        self.probe.survey_due()
    }

    /// The elements of each field slot, for the QA overlay (see `boundary::field_elements`).
    pub fn field_elements(&self) -> js_sys::Array {
        self.slots
            .iter()
            .map(|slot| {
                slot.elements
                    .iter()
                    .map(JsValue::from)
                    .collect::<js_sys::Array>()
            })
            .collect()
    }

    /// Sends the oldest waiting beacons in one request (what the core's [`Outbox::batch`] puts
    /// in it). `leaving`: the page is being hidden or left — send regardless of backoff and of a
    /// request under way, without waiting for the answer. Otherwise at most one request is in
    /// flight, none while hidden, none before the backoff after a failure has passed, and each
    /// is given up after [`REQUEST_TIMEOUT_MS`] without an answer.
    ///
    /// [`Outbox::batch`]: crate::core::outbox::Outbox::batch
    /// [`REQUEST_TIMEOUT_MS`]: crate::core::outbox::REQUEST_TIMEOUT_MS
    fn flush(&mut self, leaving: bool) {
        if self.policy() != SendPolicy::Send {
            return;
        }
        if !leaving {
            if self.in_flight.is_some() || !env::page_state().visible {
                return;
            }
            // Beacons other tabs stored go too; those they saw answered do not.
            storage::merge_stored_outbox(&mut self.outbox);
            if !self.outbox.due(env::now().epoch_ms) {
                return;
            }
        }
        let Some(batch) = self.outbox.batch(leaving) else {
            return;
        };
        let answer = if leaving {
            None
        } else {
            self.answers.as_ref().map(|(ok, failed)| (&ok.1, &failed.1))
        };
        let sent = transport::send(&self.probe.config().collector, &batch.body, answer);
        report(if leaving { "sent-leaving" } else { "sent" }, &batch.body);
        if sent == transport::Sent::Failed {
            warn("a beacon could not be handed to the browser");
        } else if !leaving && answer.is_some() {
            self.in_flight = Some(batch.ids);
        }
    }

    /// The request under way was answered with `status` (0: no answer, or none in time). The
    /// core decides what it means; the shell stores that and sends the next request now or
    /// once the backoff has passed.
    fn answered(&mut self, status: u16) {
        let Some(ids) = self.in_flight.take() else {
            return;
        };
        report("answered", &status.to_string());
        let then = self.outbox.answered(&ids, status, env::now().epoch_ms);
        self.save_outbox();
        match then {
            Then::SendNext => self.flush(false),
            Then::RetryIn(ms) => {
                // A little after the backoff, so that the try is due when the timer fires.
                self.retry = Timeout::new(ms + 50.0, || {
                    with_running(|page| page.flush(false));
                })
                .ok();
            }
        }
    }
}

/// A guarded callback for a request's outcome, and the closure behind it.
type Answer = (Closure<dyn FnMut(JsValue)>, js_sys::Function);

/// The two callbacks every request's outcome goes to: the response (with its status) or a
/// network failure (status 0).
fn answers() -> Option<(Answer, Answer)> {
    let on_response = Closure::<dyn FnMut(JsValue)>::new(|response: JsValue| {
        let status = js_sys::Reflect::get(&response, &"status".into())
            .ok()
            .and_then(|s| s.as_f64())
            .unwrap_or(0.0) as u16;
        with_running(|page| page.answered(status));
    });
    let on_failure = Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| {
        with_running(|page| page.answered(0));
    });
    let ok = crate::shell::boundary::guarded(on_response.as_ref().unchecked_ref()).ok()?;
    let failed = crate::shell::boundary::guarded(on_failure.as_ref().unchecked_ref()).ok()?;
    Some(((on_response, ok), (on_failure, failed)))
}

/// The page-wide listeners, on the document in the capture phase: one listener per event type
/// for every field, present and future, that the page cannot stop; `focusin`, `input` and
/// `change` cross open shadow boundaries (composed), `invalid` does not bubble but is seen in
/// the capture phase.
fn listen(
    window: &web_sys::Window,
    document: &web_sys::Document,
) -> Result<Vec<EventListener>, JsValue> {
    let input = |event: web_sys::Event| {
        with_running(|page| page.on_input(&event));
    };
    let interact = |event: web_sys::Event| {
        with_running(|page| page.on_interact(&event));
    };
    let visibility = |_: web_sys::Event| {
        with_running(|page| {
            page.state_changed();
            if env::page_state().visible {
                page.probe.page_visible();
            } else {
                page.hidden(Trigger::Hidden);
            }
        });
    };
    // Focus moving in or out of the window: the journey clock's active time.
    let focus = |_: web_sys::Event| {
        with_running(|page| page.state_changed());
    };
    Ok(vec![
        EventListener::new(document, "input", true, input)?,
        EventListener::new(document, "change", true, input)?,
        EventListener::new(document, "focusin", true, |event| {
            with_running(|page| page.on_focus(&event, true));
        })?,
        EventListener::new(document, "focusout", true, |event| {
            with_running(|page| page.on_focus(&event, false));
        })?,
        EventListener::new(document, "click", true, interact)?,
        EventListener::new(document, "keydown", true, interact)?,
        EventListener::new(document, "invalid", true, |event| {
            with_running(|page| page.on_invalid(&event));
        })?,
        EventListener::new(document, "submit", true, |event| {
            with_running(|page| page.on_submit(&event));
        })?,
        EventListener::new(document, "visibilitychange", true, visibility)?,
        EventListener::new(window, "pagehide", true, |_| {
            with_running(|page| page.hidden(Trigger::Pagehide));
        })?,
        EventListener::new(window, "pageshow", true, |event| {
            let persisted = js_sys::Reflect::get(&event, &"persisted".into())
                .ok()
                .and_then(|p| p.as_bool())
                .unwrap_or(false);
            with_running(|page| {
                let now = env::now();
                page.state_changed();
                if persisted {
                    // Back from the back/forward cache: a new page view and step.
                    page.probe.restored(now);
                    storage::save(page.probe.journey());
                }
                page.probe.page_visible();
            });
        })?,
        EventListener::new(window, "popstate", true, |_| {
            with_running(|page| page.navigated());
        })?,
        EventListener::new(window, "hashchange", true, |_| {
            with_running(|page| page.navigated());
        })?,
        // Not capture: element focus events do not bubble, so only the window's own arrive.
        EventListener::new(window, "focus", false, focus)?,
        EventListener::new(window, "blur", false, focus)?,
    ])
}
