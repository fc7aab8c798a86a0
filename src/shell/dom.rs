//! Reading the DOM: which elements are fields a citizen can fill, and the facts about them the
//! core needs. Values are read and hashed here, in the browser; only "holds a value" and the
//! hash travel on, and the hash never leaves the probe's memory.

use crate::core::field::{FieldFacts, FieldKind, ValueState};
use crate::core::fields::FormFacts;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

/// Selector for the elements that may be fields; [`field_kind`] narrows it down.
pub const FIELD_SELECTOR: &str = "input, select, textarea, [contenteditable], [role=combobox], \
[role=listbox], [role=radiogroup]";
/// The attribute by which a page names a field's key itself (first choice of key).
pub const PROBE_KEY_ATTR: &str = "data-probe-key";
/// The attribute by which a page declares that a database filled a field.
pub const PREFILL_ATTR: &str = "data-prefill-source";
/// Longest label text read (labels are page text; anything longer is not a label).
const MAX_LABEL_READ: usize = 200;

/// `input` types a citizen does not fill.
const NOT_FILLABLE: [&str; 5] = ["hidden", "submit", "button", "image", "reset"];

/// What kind of field an element is, or `None` if it is not one a citizen fills.
pub fn field_kind(element: &Element) -> Option<FieldKind> {
    if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
        let kind = input.type_().to_ascii_lowercase();
        return match kind.as_str() {
            k if NOT_FILLABLE.contains(&k) => None,
            "checkbox" => Some(FieldKind::Checkbox),
            "radio" => Some(FieldKind::Radio),
            _ => Some(FieldKind::Text),
        };
    }
    if element.is_instance_of::<HtmlSelectElement>() {
        return Some(FieldKind::Select);
    }
    if element.is_instance_of::<HtmlTextAreaElement>() {
        return Some(FieldKind::Text);
    }
    if is_editable_root(element) {
        return Some(FieldKind::Editable);
    }
    let role = element.get_attribute("role").unwrap_or_default();
    if matches!(role.as_str(), "combobox" | "listbox" | "radiogroup")
        && is_widget_root(element, &role)
    {
        return Some(FieldKind::Widget);
    }
    None
}

/// A `contenteditable` element that is not inside another one.
fn is_editable_root(element: &Element) -> bool {
    let editable = |e: &Element| {
        e.get_attribute("contenteditable")
            .is_some_and(|v| !v.eq_ignore_ascii_case("false"))
    };
    editable(element)
        && element
            .parent_element()
            .and_then(|p| p.closest("[contenteditable]").ok().flatten())
            .is_none_or(|outer| !editable(&outer))
}

/// An ARIA widget that stands in for a native control: not wrapping native fields, and not the
/// popup list of a combobox (the combobox is the field).
fn is_widget_root(element: &Element, role: &str) -> bool {
    let wraps_native = element
        .query_selector("input, select, textarea")
        .ok()
        .flatten()
        .is_some();
    if wraps_native {
        return false;
    }
    if role == "listbox" {
        let inside_combobox = element.closest("[role=combobox]").ok().flatten().is_some();
        let controlled = !element.id().is_empty()
            && element
                .owner_document()
                .and_then(|d| {
                    d.query_selector(&format!(
                        "[aria-controls~=\"{0}\"], [aria-owns~=\"{0}\"]",
                        css_ident(&element.id())
                    ))
                    .ok()
                    .flatten()
                })
                .is_some();
        return !inside_combobox && !controlled;
    }
    true
}

/// A shadow host with this attribute is not looked into: the QA overlay's own controls (and a
/// portal's chat or help widget) are not the citizen's form.
pub const IGNORE_ATTRIBUTE: &str = "data-probe-ignore";

/// Every field under `root` (a document, a shadow root or an element), descending into open
/// shadow roots, which are collected in `shadow_roots` (to be observed too). Fields are found
/// with one native selector query per root; shadow hosts with one walk over the elements.
pub fn find_fields(
    root: &web_sys::Node,
    out: &mut Vec<(Element, FieldKind)>,
    shadow_roots: &mut Vec<web_sys::ShadowRoot>,
) {
    if let Some(element) = root.dyn_ref::<Element>() {
        if element.has_attribute(IGNORE_ATTRIBUTE) {
            return;
        }
        if let Some(kind) = field_kind(element) {
            out.push((element.clone(), kind));
        }
    }
    if let Some(list) = query_all(root, FIELD_SELECTOR) {
        for i in 0..list.length() {
            let Some(element) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            if let Some(kind) = field_kind(&element) {
                out.push((element, kind));
            }
        }
    }
    let hosts = root
        .dyn_ref::<Element>()
        .and_then(|e| e.shadow_root())
        .into_iter()
        .chain(query_all(root, "*").into_iter().flat_map(|list| {
            (0..list.length()).filter_map(move |i| {
                let host = list.item(i)?.dyn_into::<Element>().ok()?;
                (!host.has_attribute(IGNORE_ATTRIBUTE))
                    .then(|| host.shadow_root())
                    .flatten()
            })
        }));
    for shadow in hosts.collect::<Vec<_>>() {
        shadow_roots.push(shadow.clone());
        find_fields(&shadow, out, shadow_roots);
    }
}

fn query_all(root: &web_sys::Node, selector: &str) -> Option<web_sys::NodeList> {
    if let Some(doc) = root.dyn_ref::<web_sys::Document>() {
        return doc.query_selector_all(selector).ok();
    }
    if let Some(shadow) = root.dyn_ref::<web_sys::ShadowRoot>() {
        return shadow.query_selector_all(selector).ok();
    }
    root.dyn_ref::<Element>()?.query_selector_all(selector).ok()
}

/// The form a field belongs to: its form owner for native controls (which honours the `form`
/// attribute), else the nearest `<form>` ancestor, looking through shadow boundaries.
pub fn form_of(element: &Element) -> Option<web_sys::HtmlFormElement> {
    let owner = if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
        input.form()
    } else if let Some(select) = element.dyn_ref::<HtmlSelectElement>() {
        select.form()
    } else if let Some(area) = element.dyn_ref::<HtmlTextAreaElement>() {
        area.form()
    } else {
        None
    };
    owner.or_else(|| closest_across_shadow(element, "form")?.dyn_into().ok())
}

/// `closest(selector)`, continuing from a shadow root's host.
fn closest_across_shadow(element: &Element, selector: &str) -> Option<Element> {
    let mut current = element.clone();
    loop {
        if let Some(found) = current.closest(selector).ok().flatten() {
            return Some(found);
        }
        let root = current.get_root_node();
        current = root.dyn_ref::<web_sys::ShadowRoot>()?.host();
    }
}

/// The facts about a form.
pub fn form_facts(form: Option<&web_sys::HtmlFormElement>, position: Option<usize>) -> FormFacts {
    FormFacts {
        id: form.map(|f| f.id()).filter(|id| !id.is_empty()),
        name: form.and_then(|f| f.get_attribute("name")),
        position,
    }
}

/// The facts about a field the core classifies it by. `form` and `position` are the field's
/// form index and its position within that form.
pub fn facts(element: &Element, kind: FieldKind, form: usize, position: usize) -> FieldFacts {
    let state = value_state(element, kind);
    let host = shadow_host(element);
    let attr = |name: &str| {
        element
            .get_attribute(name)
            .or_else(|| host.as_ref().and_then(|h| h.get_attribute(name)))
            .filter(|v| !v.trim().is_empty())
    };
    let probe_key = attr(PROBE_KEY_ATTR);
    // Angular's reactive forms name their controls in `formcontrolname`, not `name`.
    let name = attr("name").or_else(|| attr("formcontrolname"));
    let id = Some(element.id())
        .filter(|id| !id.is_empty())
        .or_else(|| host.as_ref().map(|h| h.id()).filter(|id| !id.is_empty()));
    // The label is the key only when there is neither name nor id: read it only then.
    let label = if probe_key.is_none() && name.is_none() && id.is_none() {
        label_text(element).or_else(|| host.as_ref().and_then(label_text))
    } else {
        None
    };
    FieldFacts {
        probe_key,
        name,
        id,
        label,
        position,
        form,
        kind,
        prefill_source: prefill_source(element),
        locked: is_locked(element),
        has_value: state.has_value,
        value_is_default: is_default(element, kind),
        value_hash: state.hash,
        invalid: element.get_attribute("aria-invalid").as_deref() == Some("true"),
    }
}

/// The custom element whose shadow root holds `element`, if any: a wrapper like
/// `<vn-text-field name="…">` names the field.
fn shadow_host(element: &Element) -> Option<Element> {
    Some(
        element
            .get_root_node()
            .dyn_ref::<web_sys::ShadowRoot>()?
            .host(),
    )
}

/// Read-only or disabled, natively or by ARIA.
fn is_locked(element: &Element) -> bool {
    element.has_attribute("readonly")
        || element.has_attribute("disabled")
        || element.get_attribute("aria-readonly").as_deref() == Some("true")
        || element.get_attribute("aria-disabled").as_deref() == Some("true")
}

/// What is left out of a label's text: anything that holds a value (a label may wrap the
/// field, or a select2-style widget may name its current value as the label).
const NOT_LABEL_TEXT: &str =
    "input, select, textarea, option, [contenteditable], [role=combobox], \
[role=listbox], [role=textbox], [role=option], [role=radiogroup]";

/// The text of the label of a field that has neither name nor id (so no `<label for>` can
/// point at it): a wrapping `<label>`, `aria-label`, `aria-labelledby`, or a `<label>` right
/// before it — always without the text of any field inside it, so that a label never carries a
/// value. (Not the `labels` property: the browser searches the whole document for it, which on
/// a 2,000-field page made start-up quadratic.)
fn label_text(element: &Element) -> Option<String> {
    let wrapping = element
        .closest("label")
        .ok()
        .flatten()
        .and_then(|l| text_without_fields(&l));
    wrapping
        .or_else(|| element.get_attribute("aria-label"))
        .or_else(|| {
            let ids = element.get_attribute("aria-labelledby")?;
            let doc = element.owner_document()?;
            let text: Vec<String> = ids
                .split_whitespace()
                .filter_map(|id| doc.get_element_by_id(id))
                // Never the field itself, nor anything that is or holds a field.
                .filter(|e| e != element && !e.matches(FIELD_SELECTOR).unwrap_or(true))
                .filter_map(|e| text_without_fields(&e))
                .collect();
            Some(text.join(" "))
        })
        .or_else(|| {
            let previous = element.previous_element_sibling()?;
            (previous.tag_name().eq_ignore_ascii_case("label") && !previous.has_attribute("for"))
                .then(|| text_without_fields(&previous))
                .flatten()
        })
        .map(|text| text.chars().take(MAX_LABEL_READ).collect::<String>())
        .filter(|text| !text.trim().is_empty())
}

/// Most nodes a label's text is read from: a label is a few words, not a page.
const MAX_LABEL_NODES: usize = 64;

/// An element's text without the text of the fields inside it (nor of scripts and styles),
/// read from the live tree node by node, at most [`MAX_LABEL_NODES`] nodes and
/// [`MAX_LABEL_READ`] characters. Not from a copy: cloning a label runs the constructors of the
/// custom elements in it and starts the fetches of its images, and the probe runs no page code.
fn text_without_fields(element: &Element) -> Option<String> {
    let mut text = String::new();
    let mut pending: Vec<web_sys::Node> = Vec::new();
    let mut next = element.first_child();
    let mut visited = 0;
    while let Some(node) = next.take().or_else(|| pending.pop()) {
        visited += 1;
        if visited > MAX_LABEL_NODES || text.len() > MAX_LABEL_READ * 4 {
            break;
        }
        if let Some(sibling) = node.next_sibling() {
            pending.push(sibling);
        }
        match node.node_type() {
            web_sys::Node::TEXT_NODE => text.push_str(&node.node_value().unwrap_or_default()),
            web_sys::Node::ELEMENT_NODE => {
                let skipped = node.dyn_ref::<Element>().is_some_and(|e| {
                    e.matches(NOT_LABEL_TEXT).unwrap_or(true)
                        || e.matches("script, style, template").unwrap_or(true)
                });
                if !skipped {
                    next = node.first_child();
                }
            }
            _ => {}
        }
    }
    Some(text)
}

/// The source named by `data-prefill-source` on the field or its nearest ancestor that has one
/// (looking through shadow boundaries).
fn prefill_source(element: &Element) -> Option<String> {
    let holder = closest_across_shadow(element, &format!("[{PREFILL_ATTR}]"))?;
    holder
        .get_attribute(PREFILL_ATTR)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Whether the field's value now is the one in the markup. A `contenteditable` element or an
/// ARIA widget has no markup default the DOM keeps: what the probe first sees is taken as it.
fn is_default(element: &Element, kind: FieldKind) -> bool {
    match kind {
        FieldKind::Text => {
            if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
                let kind = input.type_().to_ascii_lowercase();
                // A range or colour input always holds a value; without a value attribute the
                // browser's own default is no page script's doing.
                if (kind == "range" || kind == "color") && !input.has_attribute("value") {
                    return true;
                }
                input.value() == input.default_value()
            } else if let Some(area) = element.dyn_ref::<HtmlTextAreaElement>() {
                area.default_value().is_ok_and(|d| d == area.value())
            } else {
                true
            }
        }
        FieldKind::Checkbox | FieldKind::Radio => element
            .dyn_ref::<HtmlInputElement>()
            .is_none_or(|i| i.checked() == i.default_checked()),
        FieldKind::Select => element.dyn_ref::<HtmlSelectElement>().is_none_or(|select| {
            let options = select.options();
            (0..options.length()).all(|i| {
                options
                    .item(i)
                    .and_then(|o| o.dyn_into::<web_sys::HtmlOptionElement>().ok())
                    .is_none_or(|o| o.selected() == o.default_selected())
            })
        }),
        FieldKind::Editable | FieldKind::Widget => true,
    }
}

/// Whether the field holds a value now, and its hash.
pub fn value_state(element: &Element, kind: FieldKind) -> ValueState {
    match kind {
        FieldKind::Text => {
            let value = if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
                input.value()
            } else if let Some(area) = element.dyn_ref::<HtmlTextAreaElement>() {
                area.value()
            } else {
                String::new()
            };
            text_state(&value)
        }
        FieldKind::Checkbox | FieldKind::Radio => {
            let checked = element
                .dyn_ref::<HtmlInputElement>()
                .is_some_and(|i| i.checked());
            ValueState {
                has_value: checked,
                hash: u64::from(checked),
            }
        }
        FieldKind::Select => element
            .dyn_ref::<HtmlSelectElement>()
            .map(select_state)
            .unwrap_or(ValueState {
                has_value: false,
                hash: 0,
            }),
        FieldKind::Editable => text_state(element.text_content().unwrap_or_default().trim()),
        FieldKind::Widget => widget_state(element),
    }
}

fn text_state(value: &str) -> ValueState {
    ValueState {
        has_value: !value.is_empty(),
        hash: fnv1a(value.as_bytes(), FNV_OFFSET),
    }
}

/// A select holds a value when an option with a non-empty value is chosen and it is not merely
/// the browser's pick of the first option.
fn select_state(select: &HtmlSelectElement) -> ValueState {
    let options = select.options();
    let mut has_value = false;
    let mut hash = FNV_OFFSET;
    for i in 0..options.length() {
        let Some(option) = options
            .item(i)
            .and_then(|o| o.dyn_into::<web_sys::HtmlOptionElement>().ok())
        else {
            continue;
        };
        if option.selected() {
            hash = fnv1a(&i.to_le_bytes(), hash);
            if !option.value().is_empty() && (i > 0 || option.default_selected()) {
                has_value = true;
            }
        }
    }
    ValueState { has_value, hash }
}

/// An ARIA widget: a combobox's text, or which options (`aria-selected`) or radios
/// (`aria-checked`) are on.
fn widget_state(element: &Element) -> ValueState {
    if element.get_attribute("role").as_deref() == Some("combobox") {
        return text_state(element.text_content().unwrap_or_default().trim());
    }
    let Ok(on) = element.query_selector_all("[aria-selected=true], [aria-checked=true]") else {
        return ValueState {
            has_value: false,
            hash: 0,
        };
    };
    let mut hash = FNV_OFFSET;
    for i in 0..on.length() {
        let text = on
            .item(i)
            .and_then(|n| n.text_content())
            .unwrap_or_default();
        hash = fnv1a(text.as_bytes(), hash);
    }
    ValueState {
        has_value: on.length() > 0,
        hash,
    }
}

/// The state of a field made of several elements (a radio group): it holds a value if any
/// element does, and its hash says which.
pub fn group_state(elements: &[Element], kind: FieldKind) -> ValueState {
    if let [only] = elements {
        return value_state(only, kind);
    }
    let mut hash = FNV_OFFSET;
    let mut has_value = false;
    for (i, element) in elements.iter().enumerate() {
        let state = value_state(element, kind);
        if state.has_value {
            has_value = true;
            hash = fnv1a(
                &(i as u32).to_le_bytes(),
                fnv1a(&state.hash.to_le_bytes(), hash),
            );
        }
    }
    ValueState { has_value, hash }
}

/// Whether the browser's autofill filled the field (`:autofill`, or Chromium's older name).
pub fn is_autofilled(element: &Element) -> bool {
    element.matches(":autofill").unwrap_or(false)
        || element.matches(":-webkit-autofill").unwrap_or(false)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a: a fast hash to notice that a value changed. It stays in the probe's memory.
fn fnv1a(bytes: &[u8], mut hash: u64) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Escapes an id for use inside a quoted CSS attribute selector.
fn css_ident(id: &str) -> String {
    id.replace('\\', "\\\\").replace('"', "\\\"")
}
