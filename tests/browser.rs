//! Browser tests of the shell, in headless Chromium against a real DOM:
//! `cargo test --target wasm32-unknown-unknown --test browser` (npm test runs them).
#![cfg(target_arch = "wasm32")]

use journey_probe::core::field::{FieldFacts, FieldKind};
use journey_probe::shell::{boundary, dom, listener::EventListener, storage};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Puts `html` in a fresh container in the body and returns the container.
fn fixture(html: &str) -> web_sys::Element {
    let doc = document();
    let old = doc.get_element_by_id("fixture");
    if let Some(old) = old {
        old.remove();
    }
    let div = doc.create_element("div").unwrap();
    div.set_id("fixture");
    div.set_inner_html(html);
    doc.body().unwrap().append_child(&div).unwrap();
    div
}

fn by_id(id: &str) -> web_sys::Element {
    document().get_element_by_id(id).unwrap()
}

fn found(root: &web_sys::Node) -> Vec<(String, FieldKind)> {
    let mut out = Vec::new();
    let mut shadows = Vec::new();
    dom::find_fields(root, &mut out, &mut shadows);
    out.into_iter().map(|(e, k)| (e.id(), k)).collect()
}

#[wasm_bindgen_test]
fn finds_fillable_fields_only() {
    fixture(
        r#"<form>
          <input id="a" name="ho_ten"><input type="hidden" name="csrf" value="x">
          <input type="submit"><input type="button" value="b"><input type="image"><input type="reset">
          <input id="b" type="checkbox"><textarea id="c"></textarea><select id="d"><option>1</option></select>
        </form><input id="e" type="email">
        <div id="f" contenteditable="true"><p contenteditable="true">nested</p></div>
        <div id="g" contenteditable="false"></div>
        <div id="h" role="radiogroup"><div role="radio" aria-checked="false">A</div></div>
        <div role="radiogroup"><input id="i" type="radio" name="r"></div>
        <input id="j" role="combobox" aria-controls="k"><ul id="k" role="listbox"><li role="option">x</li></ul>"#,
    );
    let ids: Vec<String> = found(&document()).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e", "f", "h", "i", "j"]);
}

#[wasm_bindgen_test]
fn finds_fields_in_open_shadow_roots() {
    let div = fixture(r#"<div id="host"></div>"#);
    let host = by_id("host");
    let init = web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open);
    let shadow = host.attach_shadow(&init).unwrap();
    shadow.set_inner_html(r#"<input id="inner" name="dia_chi">"#);
    let mut out = Vec::new();
    let mut shadows = Vec::new();
    dom::find_fields(&div, &mut out, &mut shadows);
    assert_eq!(
        out.iter().map(|(e, _)| e.id()).collect::<Vec<_>>(),
        ["inner"]
    );
    assert_eq!(shadows.len(), 1);
}

#[wasm_bindgen_test]
fn skips_shadow_hosts_marked_to_be_ignored() {
    let div = fixture(r#"<div id="overlay" data-probe-ignore></div><div id="widget"></div>"#);
    let init = web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open);
    for (host, inner) in [("overlay", "ignored"), ("widget", "seen")] {
        let shadow = by_id(host).attach_shadow(&init).unwrap();
        shadow.set_inner_html(&format!(r#"<input id="{inner}">"#));
    }
    let mut out = Vec::new();
    let mut shadows = Vec::new();
    dom::find_fields(&div, &mut out, &mut shadows);
    assert_eq!(
        out.iter().map(|(e, _)| e.id()).collect::<Vec<_>>(),
        ["seen"]
    );
    let (mut out, mut shadows) = (Vec::new(), Vec::new());
    dom::find_fields(&by_id("overlay"), &mut out, &mut shadows);
    assert!(
        out.is_empty() && shadows.is_empty(),
        "an ignored host found by the observer"
    );
}

#[wasm_bindgen_test]
fn reads_server_rendered_and_script_set_values() {
    fixture(
        r#"<div data-prefill-source="CSDLQG-DC"><input id="declared" name="ho_ten" value="Nguyễn Văn A" readonly></div>
           <input id="server" value="Hà Nội">
           <input id="script">
           <select id="picked"><option value="">Chọn</option><option value="nam">Nam</option><option value="nu" selected>Nữ</option></select>
           <select id="placeholder"><option value="">Chọn</option><option value="nam">Nam</option></select>
           <input id="box" type="checkbox" checked>
           <label>Số điện thoại</label><input data-test="sibling">
           <input type="range" id="range">"#,
    );
    by_id("script")
        .unchecked_into::<web_sys::HtmlInputElement>()
        .set_value("set by page script");
    let facts = |id: &str, kind| dom::facts(&by_id(id), kind, 0, 0);

    let declared = facts("declared", FieldKind::Text);
    assert_eq!(declared.name.as_deref(), Some("ho_ten"));
    assert_eq!(declared.prefill_source.as_deref(), Some("CSDLQG-DC"));
    assert!(declared.has_value && declared.value_is_default && declared.locked);

    let server = facts("server", FieldKind::Text);
    assert_eq!(server.prefill_source, None);
    assert!(server.has_value && server.value_is_default);

    let script: FieldFacts = facts("script", FieldKind::Text);
    assert!(
        script.has_value && !script.value_is_default,
        "a value unlike the markup's is script's"
    );
    assert_ne!(script.value_hash, server.value_hash);

    let picked = facts("picked", FieldKind::Select);
    assert!(picked.has_value && picked.value_is_default);
    let placeholder = facts("placeholder", FieldKind::Select);
    assert!(!placeholder.has_value, "the placeholder option is no value");
    assert!(dom::value_state(&by_id("box"), FieldKind::Checkbox).has_value);
    let sibling = document()
        .query_selector("[data-test=sibling]")
        .unwrap()
        .unwrap();
    let sibling = dom::facts(&sibling, FieldKind::Text, 0, 0);
    assert_eq!(
        (sibling.name, sibling.id, sibling.label.as_deref()),
        (None, None, Some("Số điện thoại"))
    );
    assert!(
        facts("range", FieldKind::Text).value_is_default,
        "a range input's own default is no script"
    );
}

#[wasm_bindgen_test]
fn listeners_are_passive_and_removed_on_drop() {
    let div = fixture(r#"<input id="x">"#);
    let calls = Rc::new(Cell::new(0));
    let seen = calls.clone();
    let listener = EventListener::new(&div, "custom", false, move |event| {
        // A passive listener cannot cancel the page's default action.
        event.prevent_default();
        assert!(!event.default_prevented());
        seen.set(seen.get() + 1);
    })
    .unwrap();
    let init = web_sys::EventInit::new();
    init.set_cancelable(true);
    let event = web_sys::Event::new_with_event_init_dict("custom", &init).unwrap();
    assert!(div.dispatch_event(&event).unwrap(), "default not prevented");
    assert_eq!(calls.get(), 1);
    drop(listener);
    div.dispatch_event(&web_sys::Event::new("custom").unwrap())
        .unwrap();
    assert_eq!(calls.get(), 1, "a dropped listener is gone");
}

#[wasm_bindgen_test]
fn the_loader_guard_catches_what_a_listener_throws() {
    // A guard like the loader's: try/catch around the listener, counting what it caught.
    let guard = js_sys::Function::new_with_args(
        "f",
        "return function (a) { try { return f(a); } catch (e) { window.caughtByGuard = String(e); } };",
    );
    boundary::set_guard(&guard);
    let div = fixture("");
    let listener = EventListener::new(&div, "boom", false, |_| {
        wasm_bindgen::throw_str("listener failed");
    });
    let dispatched = div.dispatch_event(&web_sys::Event::new("boom").unwrap());
    let caught =
        js_sys::Reflect::get(&web_sys::window().unwrap(), &"caughtByGuard".into()).unwrap();
    boundary::set_guard(&JsValue::UNDEFINED);
    drop(listener);
    assert_eq!(dispatched.ok(), Some(true), "the page's dispatch went on");
    assert_eq!(
        caught.as_string().as_deref(),
        Some("Error: listener failed")
    );
}

#[wasm_bindgen_test]
fn a_guard_that_cannot_wrap_refuses_the_listener() {
    let broken = js_sys::Function::new_with_args("f", "return 42;");
    boundary::set_guard(&broken);
    let div = fixture("");
    let listener = EventListener::new(&div, "x", false, |_| {});
    boundary::set_guard(&JsValue::UNDEFINED);
    assert!(listener.is_err(), "never an unguarded listener");
}

#[wasm_bindgen_test]
fn a_bad_configuration_leaves_the_probe_off() {
    let attrs = js_sys::Array::new();
    for (name, value) in [
        ("data-collector", "ftp://nope"),
        ("data-service", "1.001234"),
    ] {
        attrs.push(&js_sys::Array::of2(&name.into(), &value.into()));
    }
    assert!(!boundary::start(
        attrs,
        js_sys::Array::new(),
        JsValue::UNDEFINED,
        JsValue::UNDEFINED
    ));
    assert!(boundary::snapshot().is_null());
}

#[wasm_bindgen_test]
fn the_probe_runs_on_a_real_page_and_stores_its_journey() {
    fixture(
        r#"<form><input name="ho_ten" value="Nguyễn Văn A" data-prefill-source="CSDLQG-DC">
           <input id="phone" name="so_dien_thoai"><input name="email"></form>"#,
    );
    start_probe(&[]);
    boundary::command("login", JsValue::UNDEFINED, js_sys::Date::now() - 1_000.0);

    let stored = storage::load().expect("the journey is in sessionStorage");
    let login_at = stored.login_at.expect("logged in");
    assert!(
        js_sys::Date::now() - login_at >= 1_000.0,
        "the login keeps the time it was made"
    );
    assert_eq!(stored.service.as_str(), "1.001234");

    // Untrusted (script-dispatched) input does not make a field the citizen's.
    let phone = by_id("phone").unchecked_into::<web_sys::HtmlInputElement>();
    phone.set_value("0912345678");
    phone
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();

    let snapshot = boundary::snapshot();
    let json = js_sys::JSON::stringify(&snapshot)
        .unwrap()
        .as_string()
        .unwrap();
    for expected in [
        r#""key":"ho_ten","form":"form#0","origin":"declared","source":"CSDLQG-DC""#,
        r#""key":"so_dien_thoai","form":"form#0","origin":"script""#,
        r#""key":"email","form":"form#0","origin":"empty""#,
        r#""logged_in":true"#,
    ] {
        assert!(json.contains(expected), "{expected} not in {json}");
    }
    assert!(
        !json.contains("0912345678") && !json.contains("Nguyễn"),
        "no value in the snapshot: {json}"
    );
    boundary::stop();
    assert!(boundary::snapshot().is_null());
}

/// Lets the MutationObserver's records arrive (they are delivered in a microtask).
async fn mutations_delivered() {
    let promise = js_sys::Promise::resolve(&JsValue::NULL);
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn start_probe(extra: &[(&str, &str)]) {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    let attrs = js_sys::Array::new();
    for (name, value) in [
        ("data-collector", "/v1/beacons"),
        ("data-service", "1.001234"),
    ]
    .iter()
    .chain(extra)
    {
        attrs.push(&js_sys::Array::of2(&(*name).into(), &(*value).into()));
    }
    assert!(boundary::start(
        attrs,
        js_sys::Array::new(),
        JsValue::UNDEFINED,
        JsValue::UNDEFINED
    ));
}

fn snapshot_fields() -> Vec<(String, String, bool)> {
    let snapshot = boundary::snapshot();
    let fields: js_sys::Array = js_sys::Reflect::get(&snapshot, &"fields".into())
        .unwrap()
        .into();
    fields
        .iter()
        .map(|f| {
            let get = |k: &str| js_sys::Reflect::get(&f, &k.into()).unwrap();
            (
                get("key").as_string().unwrap(),
                get("origin").as_string().unwrap(),
                get("removed").as_bool().unwrap(),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
async fn fields_added_later_are_found_and_removed_ones_let_go() {
    let div = fixture(r#"<form id="wizard"><input name="buoc_1" value="đã có"></form>"#);
    start_probe(&[]);
    let form = by_id("wizard");
    let step2 = document().create_element("fieldset").unwrap();
    step2.set_inner_html(r#"<input name="buoc_2a"><select name="buoc_2b"><option value="">-</option><option value="x" selected>x</option></select>"#);
    form.append_child(&step2).unwrap();
    mutations_delivered().await;
    assert_eq!(
        snapshot_fields(),
        [
            ("buoc_1".to_string(), "server".to_string(), false),
            ("buoc_2a".to_string(), "empty".to_string(), false),
            ("buoc_2b".to_string(), "server".to_string(), false),
        ]
    );
    step2.remove();
    mutations_delivered().await;
    assert_eq!(
        snapshot_fields(),
        [
            ("buoc_1".to_string(), "server".to_string(), false),
            ("buoc_2b".to_string(), "server".to_string(), true),
        ],
        "a pre-filled field that left is kept, marked removed; an untouched empty one is forgotten"
    );
    // A field the page marks invalid later counts a validation failure.
    by_id("fixture")
        .query_selector("input")
        .unwrap()
        .unwrap()
        .set_attribute("aria-invalid", "true")
        .unwrap();
    mutations_delivered().await;
    let json = js_sys::JSON::stringify(&boundary::snapshot())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(
        json.contains(r#""key":"buoc_1","form":"wizard","origin":"server""#)
            && json.contains(r#""invalid":1"#),
        "{json}"
    );
    boundary::stop();
    drop(div);
}

#[wasm_bindgen_test]
fn a_prefill_map_declares_fields_the_markup_does_not() {
    fixture(
        r#"<input id="ho_ten" value="Nguyễn Văn A"><input id="ma_so_thue" value="x"><input id="khac" value="y">"#,
    );
    start_probe(&[(
        "data-prefill-map",
        "CSDLQG-DC: #ho_ten; CSDLQG-DN: #ma_so_thue; BAD: [[",
    )]);
    let json = js_sys::JSON::stringify(&boundary::snapshot())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(
        json.contains(
            r##""key":"ho_ten","form":"#page","origin":"declared","source":"CSDLQG-DC""##
        ),
        "{json}"
    );
    assert!(
        json.contains(
            r##""key":"ma_so_thue","form":"#page","origin":"declared","source":"CSDLQG-DN""##
        ),
        "{json}"
    );
    assert!(
        json.contains(r##""key":"khac","form":"#page","origin":"server""##),
        "{json}"
    );
    boundary::stop();
}

#[wasm_bindgen_test]
fn labels_never_carry_what_a_field_holds() {
    fixture(
        r#"<label data-test="wrapped">Họ và tên <input value="Nguyễn Văn A"><select><option selected>Hà Nội</option></select></label>
           <span id="lbl">Phường</span><span id="sel2" role="combobox">Phường Tân Phong</span>
           <input data-test="labelledby" aria-labelledby="lbl sel2 self-ref" id="">
           <input data-test="keyed" data-probe-key="dia-chi-lien-he">"#,
    );
    let facts = |sel: &str| {
        let el = document().query_selector(sel).unwrap().unwrap();
        dom::facts(&el, FieldKind::Text, 0, 0)
    };
    assert_eq!(
        facts("[data-test=wrapped] input")
            .label
            .as_deref()
            .map(str::trim),
        Some("Họ và tên")
    );
    assert_eq!(
        facts("[data-test=labelledby]").label.as_deref(),
        Some("Phường")
    );
    let keyed = facts("[data-test=keyed]");
    assert_eq!(
        (keyed.probe_key.as_deref(), keyed.label),
        (Some("dia-chi-lien-he"), None)
    );
}

#[wasm_bindgen_test]
fn angular_controls_are_keyed_by_formcontrolname() {
    fixture(r#"<input data-test="ng" formcontrolname="soDienThoai" id="mat-input-3">"#);
    let el = document()
        .query_selector("[data-test=ng]")
        .unwrap()
        .unwrap();
    let facts = dom::facts(&el, FieldKind::Text, 0, 0);
    assert_eq!(facts.name.as_deref(), Some("soDienThoai"));
    assert_eq!(journey_probe::core::field::field_key(&facts), "soDienThoai");
}
