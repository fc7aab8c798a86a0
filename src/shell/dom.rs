//! Reading the DOM: which elements are fields a citizen can fill, and the facts about them the
//! core needs. Values are compared here, in the browser, and only the booleans travel on.

use crate::core::field::FieldFacts;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

/// Selector for the elements that may be fields; [`is_fillable`] narrows it down.
pub const FIELD_SELECTOR: &str = "input, select, textarea";
/// The attribute by which a page declares that a database filled a field.
pub const PREFILL_ATTR: &str = "data-prefill-source";

/// `input` types a citizen does not fill.
const NOT_FILLABLE: [&str; 5] = ["hidden", "submit", "button", "image", "reset"];

/// Whether an element is a field a citizen can fill.
pub fn is_fillable(element: &Element) -> bool {
    if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
        let kind = input.type_().to_ascii_lowercase();
        return !NOT_FILLABLE.contains(&kind.as_str());
    }
    element.is_instance_of::<HtmlSelectElement>() || element.is_instance_of::<HtmlTextAreaElement>()
}

/// Every fillable field in the document, in document order.
pub fn find_fields(document: &web_sys::Document) -> Vec<Element> {
    let Ok(list) = document.query_selector_all(FIELD_SELECTOR) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .filter(is_fillable)
        .collect()
}

/// The facts about a field the core classifies it by.
pub fn facts(element: &Element, position: usize) -> FieldFacts {
    let (has_value, value_is_default) = value_state(element);
    FieldFacts {
        name: element.get_attribute("name"),
        id: Some(element.id()).filter(|id| !id.is_empty()),
        position,
        prefill_source: prefill_source(element),
        has_value,
        value_is_default,
    }
}

/// Whether the field holds a value now.
pub fn has_value(element: &Element) -> bool {
    value_state(element).0
}

/// The source named by `data-prefill-source` on the field or its nearest ancestor that has one.
fn prefill_source(element: &Element) -> Option<String> {
    let holder = element.closest(&format!("[{PREFILL_ATTR}]")).ok()??;
    holder
        .get_attribute(PREFILL_ATTR)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// `(holds a value, that value is the markup's default)`. A select holds a value when an option
/// with a non-empty value is chosen and it is not merely the browser's pick of the first option.
fn value_state(element: &Element) -> (bool, bool) {
    if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
        let kind = input.type_().to_ascii_lowercase();
        if kind == "checkbox" || kind == "radio" {
            return (input.checked(), input.checked() == input.default_checked());
        }
        let value = input.value();
        return (!value.is_empty(), value == input.default_value());
    }
    if let Some(area) = element.dyn_ref::<HtmlTextAreaElement>() {
        let value = area.value();
        let is_default = area.default_value().is_ok_and(|default| default == value);
        return (!value.is_empty(), is_default);
    }
    if let Some(select) = element.dyn_ref::<HtmlSelectElement>() {
        let options = select.options();
        let mut chosen = false;
        let mut all_default = true;
        for i in 0..options.length() {
            let Some(option) = options
                .item(i)
                .and_then(|o| o.dyn_into::<web_sys::HtmlOptionElement>().ok())
            else {
                continue;
            };
            all_default &= option.selected() == option.default_selected();
            if option.selected()
                && !option.value().is_empty()
                && (i > 0 || option.default_selected())
            {
                chosen = true;
            }
        }
        return (chosen, all_default);
    }
    (false, true)
}
