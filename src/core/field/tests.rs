//! Field origins and keys, event by event.

use super::*;

const EMPTY: ValueState = ValueState {
    has_value: false,
    hash: 0,
};

fn v(hash: u64) -> ValueState {
    ValueState {
        has_value: true,
        hash,
    }
}

fn facts(name: &str) -> FieldFacts {
    FieldFacts::named(name, 0, 0)
}

fn with_value(name: &str, default: bool) -> FieldFacts {
    FieldFacts {
        has_value: true,
        value_is_default: default,
        value_hash: 7,
        ..facts(name)
    }
}

fn typed(kind: InputKind, hash: u64) -> FieldEvent {
    FieldEvent::Input {
        kind,
        value: v(hash),
        autofilled: false,
    }
}

fn field(f: FieldFacts) -> Field {
    Field::new(f, &[])
}

#[test]
fn keys_come_from_name_then_id_then_label_then_position() {
    let mut f = facts("ho_ten");
    f.id = Some("hoTen".into());
    f.label = Some("  Họ và\n  TÊN: ".into());
    assert_eq!(field_key(&f), "ho_ten");
    f.probe_key = Some("ho-ten-nguoi-yeu-cau".into());
    assert_eq!(
        field_key(&f),
        "ho-ten-nguoi-yeu-cau",
        "the page's own key first"
    );
    f.probe_key = None;
    f.name = None;
    assert_eq!(field_key(&f), "hoTen");
    f.id = None;
    assert_eq!(field_key(&f), "Họ và TÊN", "what comes before the colon");
    f.label = Some("  ".into());
    f.position = 7;
    assert_eq!(field_key(&f), "#7");
}

#[test]
fn ids_a_framework_generated_are_no_keys() {
    for generated in [
        ":r5:",
        "«r12»",
        "mat-input-3",
        "ember1207",
        "ext-comp-1042",
        "__BVID__12",
        "mui-7",
        "react-select-3-input",
    ] {
        assert!(is_generated_id(generated), "{generated}");
        let f = FieldFacts {
            id: Some(generated.into()),
            label: Some("Số điện thoại".into()),
            ..facts("")
        };
        assert_eq!(field_key(&f), "Số điện thoại", "{generated}");
    }
    for written in [
        "so_dien_thoai",
        "hoTen",
        "email-lien-he",
        "buoc-2-muc-dich",
        "material",
    ] {
        assert!(!is_generated_id(written), "{written}");
    }
}

#[test]
fn keys_never_carry_identifiers() {
    let mut f = facts("answer_001190012345");
    f.label = Some("Số 0912345678".into());
    f.position = 3;
    assert_eq!(field_key(&f), "#3");
    f.name = Some("x".repeat(65));
    assert_eq!(field_key(&f), "#3");
    f.name = Some("ho_ten_NguyenVanAn".into());
    f.id = Some("tranthibinh".into());
    f.probe_key = Some("so-dien-thoai-cua-le-van-an".into());
    f.label = Some("Số điện thoại của Nguyễn Văn An".into());
    assert_eq!(field_key(&f), "#3", "no name from any of them");
    f.label = Some("Chủ hộ: Trần Thị Bình".into());
    assert_eq!(field_key(&f), "Chủ hộ", "the label, not its value");
}

#[test]
fn first_sight_tells_server_from_script_from_declared() {
    assert_eq!(
        field(with_value("gioi_tinh", true)).origin(),
        Origin::Server
    );
    assert_eq!(
        field(with_value("noi_sinh", false)).origin(),
        Origin::Script,
        "script ran before the probe"
    );
    let declared = FieldFacts {
        prefill_source: Some("CSDLQG-DC".into()),
        ..with_value("ho_ten", true)
    };
    assert_eq!(field(declared).origin(), Origin::Declared);
    assert_eq!(field(facts("email")).origin(), Origin::Empty);
}

#[test]
fn a_script_set_after_load_is_script_and_declared_when_declared() {
    let mut f = field(facts("noi_thuong_tru"));
    f.apply(FieldEvent::ScriptSet { value: v(1) }, 300.0);
    assert_eq!(f.origin(), Origin::Script);
    let mut d = field(FieldFacts {
        prefill_source: Some("CSDLQG-DC".into()),
        ..facts("que_quan")
    });
    d.apply(FieldEvent::ScriptSet { value: v(1) }, 300.0);
    assert_eq!(d.origin(), Origin::Declared);
}

#[test]
fn citizen_input_on_an_empty_field_is_user() {
    let mut f = field(facts("so_dien_thoai"));
    f.apply(typed(InputKind::Insert, 1), 10.0);
    assert_eq!((f.origin(), f.overwritten()), (Origin::User, false));
}

#[test]
fn a_prefilled_value_the_citizen_changes_is_overwritten() {
    for facts in [
        FieldFacts {
            prefill_source: Some("CSDLQG-DC".into()),
            ..with_value("a", true)
        },
        with_value("b", true),
        with_value("c", false),
    ] {
        let mut f = field(facts);
        let before = f.origin();
        f.apply(typed(InputKind::Delete, 8), 10.0);
        f.apply(typed(InputKind::Insert, 9), 20.0);
        assert_eq!((f.origin(), f.overwritten()), (before, true), "{}", f.key);
    }
}

#[test]
fn race_script_sets_a_value_while_the_field_has_focus() {
    let mut f = field(facts("dan_toc"));
    f.apply(FieldEvent::Focus, 100.0);
    f.apply(FieldEvent::ScriptSet { value: v(1) }, 150.0);
    f.apply(FieldEvent::Blur, 900.0);
    assert_eq!((f.origin(), f.overwritten()), (Origin::Script, false));
    assert_eq!(
        f.counters.hesitation_ms, None,
        "script input is not the citizen's"
    );
}

#[test]
fn race_the_citizen_types_then_script_overwrites() {
    let mut f = field(facts("noi_thuong_tru"));
    f.apply(typed(InputKind::Insert, 1), 100.0);
    f.apply(FieldEvent::ScriptSet { value: v(2) }, 400.0);
    assert_eq!((f.origin(), f.overwritten()), (Origin::Script, false));
    f.apply(typed(InputKind::Insert, 3), 900.0);
    assert_eq!((f.origin(), f.overwritten()), (Origin::Script, true));
}

#[test]
fn race_autofill_then_edit() {
    let mut f = field(facts("email"));
    f.apply(
        FieldEvent::Input {
            kind: InputKind::Insert,
            value: v(1),
            autofilled: true,
        },
        100.0,
    );
    assert_eq!(f.origin(), Origin::Autofill);
    f.apply(typed(InputKind::Delete, 2), 400.0);
    assert_eq!(
        (f.origin(), f.overwritten()),
        (Origin::User, false),
        "autofill is no state pre-fill"
    );
}

#[test]
fn autofill_seen_only_at_a_checkpoint_is_autofill() {
    let mut f = field(facts("name"));
    f.apply(
        FieldEvent::Check {
            value: v(1),
            autofilled: true,
        },
        100.0,
    );
    assert_eq!(f.origin(), Origin::Autofill);
}

#[test]
fn a_change_no_event_announced_is_script() {
    let mut f = field(with_value("x", true));
    f.apply(
        FieldEvent::Check {
            value: v(7),
            autofilled: false,
        },
        50.0,
    );
    assert_eq!(f.origin(), Origin::Server, "unchanged at the checkpoint");
    f.apply(
        FieldEvent::Check {
            value: v(99),
            autofilled: false,
        },
        60.0,
    );
    assert_eq!(f.origin(), Origin::Script);
}

#[test]
fn a_value_a_widget_sets_right_after_the_citizens_click_is_the_citizens_pick() {
    let mut f = field(FieldFacts {
        kind: FieldKind::Widget,
        ..facts("tinh_thanh")
    });
    f.apply(FieldEvent::Interact, 1_000.0);
    f.apply(FieldEvent::ScriptSet { value: v(1) }, 1_010.0);
    assert_eq!(f.origin(), Origin::User);
    // Much later, the page's script changes it on its own.
    f.apply(
        FieldEvent::Check {
            value: v(2),
            autofilled: false,
        },
        9_000.0,
    );
    assert_eq!(f.origin(), Origin::Script);
    let mut g = field(facts("quan_huyen"));
    g.apply(FieldEvent::Interact, 1_000.0);
    g.apply(
        FieldEvent::Check {
            value: v(3),
            autofilled: false,
        },
        1_400.0,
    );
    assert_eq!(
        g.origin(),
        Origin::User,
        "an aria-selected change right after a click"
    );
}

#[test]
fn frameworks_writing_back_the_same_value_change_nothing() {
    let mut f = field(facts("x"));
    f.apply(typed(InputKind::Insert, 5), 10.0);
    f.apply(FieldEvent::ScriptSet { value: v(5) }, 11.0);
    assert_eq!(f.origin(), Origin::User);
}

#[test]
fn emptied_fields_are_empty() {
    let mut f = field(with_value("email", true));
    f.apply(
        FieldEvent::Input {
            kind: InputKind::Delete,
            value: EMPTY,
            autofilled: false,
        },
        10.0,
    );
    assert_eq!((f.origin(), f.overwritten()), (Origin::Empty, false));
}

#[test]
fn an_input_mask_rewriting_what_the_citizen_types_keeps_it_the_citizens() {
    let mut f = field(facts("so_dien_thoai"));
    for (i, t) in [100.0, 300.0, 500.0].into_iter().enumerate() {
        f.apply(typed(InputKind::Insert, i as u64 + 1), t);
        f.apply(
            FieldEvent::ScriptSet {
                value: v(100 + i as u64),
            },
            t + 1.0,
        ); // "091" → "091 "
    }
    assert_eq!((f.origin(), f.overwritten()), (Origin::User, false));
    // Formatting on blur (thousands separators, upper case).
    f.apply(FieldEvent::Blur, 2_000.0);
    f.apply(FieldEvent::ScriptSet { value: v(999) }, 2_005.0);
    assert_eq!(f.origin(), Origin::User);
    // A declared value the citizen corrected stays overwritten through the mask.
    let mut d = field(FieldFacts {
        prefill_source: Some("CSDLQG-DC".into()),
        ..with_value("ngay_sinh", true)
    });
    d.apply(typed(InputKind::Insert, 1), 100.0);
    d.apply(FieldEvent::ScriptSet { value: v(2) }, 101.0);
    assert_eq!((d.origin(), d.overwritten()), (Origin::Declared, true));
}

#[test]
fn a_change_event_that_changes_nothing_writes_nothing() {
    let mut f = field(facts("phuong_xa"));
    f.apply(FieldEvent::Interact, 100.0);
    f.apply(FieldEvent::ScriptSet { value: v(1) }, 2_000.0); // a suggestion the page filled
    assert_eq!(f.origin(), Origin::Script);
    f.apply(typed(InputKind::Insert, 1), 2_100.0); // Chrome's change on blur, same value
    assert_eq!((f.origin(), f.overwritten()), (Origin::Script, false));
}

#[test]
fn a_form_reset_brings_back_the_prefill_origin() {
    let mut f = field(with_value("co_quan", true));
    f.apply(typed(InputKind::Insert, 3), 100.0);
    assert!(f.overwritten());
    f.apply(
        FieldEvent::Check {
            value: v(7),
            autofilled: false,
        },
        5_000.0,
    ); // form.reset()
    assert_eq!((f.origin(), f.overwritten()), (Origin::Server, false));
}

#[test]
fn values_the_browser_restores_on_back_are_the_citizens() {
    let typed_before = vec!["email".to_string()];
    let restored = Field::new(with_value("email", false), &typed_before);
    assert_eq!(restored.origin(), Origin::User);
}

#[test]
fn a_form_shown_again_echoes_the_citizens_own_values() {
    let typed_before = vec!["so_luong".to_string()];
    let echoed = Field::new(with_value("so_luong", true), &typed_before);
    assert_eq!(echoed.origin(), Origin::User);
    let mut echoed = echoed;
    echoed.apply(typed(InputKind::Insert, 3), 5.0);
    assert!(
        !echoed.overwritten(),
        "correcting one's own value is no overwrite"
    );
    assert_eq!(
        Field::new(with_value("gioi_tinh", true), &typed_before).origin(),
        Origin::Server
    );
}

/// A choice's origin says who set it, never whether it is ticked: the beacon of a citizen
/// who ticked a box and that of one who left it unticked must not tell their answers apart.
#[test]
fn a_choice_says_who_set_it_never_what_it_is() {
    let checkbox = |checked: bool| FieldFacts {
        kind: FieldKind::Checkbox,
        has_value: checked,
        value_is_default: true,
        value_hash: u64::from(checked),
        ..facts("dong_y")
    };
    let ticked = ValueState {
        has_value: true,
        hash: 1,
    };
    let unticked = ValueState {
        has_value: false,
        hash: 0,
    };
    let click = |value| FieldEvent::Input {
        kind: InputKind::Insert,
        value,
        autofilled: false,
    };
    // Untouched: what the page made it.
    assert_eq!(field(checkbox(false)).origin(), Origin::Empty);
    assert_eq!(field(checkbox(true)).origin(), Origin::Server);
    // The citizen ticks, or ticks and unticks: user either way, and filled either way.
    let mut yes = field(checkbox(false));
    assert!(yes.apply(click(ticked), 10.0), "filled");
    let mut no = field(checkbox(false));
    no.apply(click(ticked), 10.0);
    no.apply(click(unticked), 20.0);
    assert_eq!((yes.origin(), no.origin()), (Origin::User, Origin::User));
    assert_eq!(
        (yes.filled_order.is_none(), no.rounded_counters(30.0)),
        (no.filled_order.is_none(), yes.rounded_counters(30.0)),
        "no counter tells them apart"
    );
    // The server ticked it; the citizen unticks: the server's, changed.
    let mut declined = field(checkbox(true));
    assert!(declined.apply(click(unticked), 10.0));
    assert_eq!(
        (declined.origin(), declined.overwritten()),
        (Origin::Server, true)
    );
    // Page script ticked it after load; the citizen unticks it.
    let mut scripted = field(checkbox(false));
    scripted.apply(FieldEvent::ScriptSet { value: ticked }, 5.0);
    scripted.apply(click(unticked), 10.0);
    assert_eq!(
        (scripted.origin(), scripted.overwritten()),
        (Origin::Script, true)
    );
    // A two-option select, and a radio group: a pick is the citizen's, whichever it is.
    for kind in [FieldKind::Select, FieldKind::Radio, FieldKind::Widget] {
        let mut choice = field(FieldFacts {
            kind,
            ..facts("gioi_tinh")
        });
        assert_eq!(choice.origin(), Origin::Empty, "{kind:?} untouched");
        choice.apply(click(ticked), 10.0);
        choice.apply(click(unticked), 20.0);
        assert_eq!(
            choice.origin(),
            Origin::User,
            "{kind:?} picked back to none"
        );
    }
    // Text is not a choice: emptied is empty.
    let mut text = field(facts("ghi_chu"));
    text.apply(click(ticked), 10.0);
    text.apply(click(unticked), 20.0);
    assert_eq!(text.origin(), Origin::Empty);
}

#[test]
fn counters_measure_focus_hesitation_corrections_and_pastes() {
    let mut f = field(facts("muc_dich"));
    f.apply(FieldEvent::Focus, 1_000.0);
    f.apply(typed(InputKind::Insert, 1), 3_500.0);
    f.apply(typed(InputKind::Delete, 2), 3_600.0);
    f.apply(typed(InputKind::Delete, 3), 3_700.0);
    f.apply(typed(InputKind::Insert, 4), 3_800.0);
    f.apply(typed(InputKind::Delete, 5), 3_900.0);
    f.apply(typed(InputKind::Paste, 6), 4_000.0);
    f.apply(FieldEvent::Blur, 6_000.0);
    f.apply(FieldEvent::Focus, 10_000.0);
    f.apply(FieldEvent::Invalid, 10_001.0);
    let c = f.rounded_counters(10_500.0);
    assert_eq!(
        c,
        RoundedCounters {
            focus_ms: 5_500,
            visits: 2,
            hesitation_ms: Some(2_500),
            corrections: 2,
            pastes: 1,
            invalid: 1,
            refocus: 0,
        },
        "a field alone never counts a return: only another field between two focuses does"
    );
}

#[test]
fn a_field_marked_invalid_by_the_server_counts_one_failure() {
    let f = field(FieldFacts {
        invalid: true,
        ..with_value("so_luong", true)
    });
    assert_eq!(f.counters.invalid, 1);
}

#[test]
fn sources_are_names_not_free_text() {
    assert_eq!(normalise_source(" CSDLQG-DC "), "CSDLQG-DC");
    assert_eq!(
        normalise_source("CSDL  quốc gia\nvề dân cư"),
        "CSDL quốc gia về dân cư"
    );
    assert_eq!(normalise_source("   "), UNNAMED_SOURCE);
    assert_eq!(normalise_source("hồ sơ 001190012345"), UNNAMED_SOURCE);
    assert_eq!(
        normalise_source(&"ab-".repeat(40)).chars().count(),
        MAX_SOURCE_LEN
    );
    assert_eq!(
        normalise_source(&"x".repeat(100)),
        UNNAMED_SOURCE,
        "one long word reads as a token"
    );
}

#[test]
fn input_types_classify() {
    assert_eq!(
        InputKind::from_input_type("deleteContentBackward"),
        InputKind::Delete
    );
    assert_eq!(InputKind::from_input_type("deleteByCut"), InputKind::Delete);
    assert_eq!(
        InputKind::from_input_type("insertFromPaste"),
        InputKind::Paste
    );
    assert_eq!(
        InputKind::from_input_type("insertFromDrop"),
        InputKind::Drop
    );
    assert_eq!(InputKind::from_input_type("insertText"), InputKind::Insert);
    assert_eq!(InputKind::from_input_type(""), InputKind::Insert);
}

#[test]
fn the_shells_numbers_decode_to_the_events_they_stand_for() {
    let typed = |input| shell_event(2, v(9), false, input);
    let input = |kind| {
        ShellReport::Field(FieldEvent::Input {
            kind,
            value: v(9),
            autofilled: false,
        })
    };
    assert_eq!(typed(0), input(InputKind::Insert));
    assert_eq!(typed(1), input(InputKind::Delete));
    assert_eq!(typed(2), input(InputKind::Paste));
    assert_eq!(typed(3), input(InputKind::Drop));
    // execCommand('insertText') (no trusted beforeinput), and the trusted change that follows
    // page script's el.click() on a checkbox: the page's doing.
    let scripted = ShellReport::Field(FieldEvent::ScriptSet { value: v(9) });
    assert_eq!(typed(4), scripted);
    assert_eq!(typed(8), scripted);
    assert_eq!(typed(2 | 4), scripted);
    assert_eq!(shell_event(7, EMPTY, false, 0), ShellReport::Outside);
    assert_eq!(
        shell_event(6, EMPTY, false, 0),
        ShellReport::Field(FieldEvent::Interact)
    );
    assert_eq!(
        shell_event(4, v(9), true, 0),
        ShellReport::Field(FieldEvent::Check {
            value: v(9),
            autofilled: true
        })
    );
}

#[test]
fn a_checkbox_page_script_clicks_is_the_pages_though_the_browser_trusts_its_change() {
    let mut field = Field::new(
        FieldFacts {
            kind: FieldKind::Checkbox,
            ..facts("nhan_qua_buu_dien")
        },
        &[],
    );
    // el.click(): the untrusted click, then Chromium's trusted input and change.
    for at in [1_000.0, 1_000.5] {
        if let ShellReport::Field(event) = shell_event(2, v(1), false, AFTER_SCRIPT_EVENT) {
            field.apply(event, at);
        }
    }
    assert_eq!(field.origin(), Origin::Script);
}

#[test]
fn text_page_script_inserts_with_exec_command_is_the_pages_unless_it_answers_a_key() {
    let insert = |field: &mut Field, at| {
        if let ShellReport::Field(event) = shell_event(2, v(5), false, UNANNOUNCED) {
            field.apply(event, at);
        }
    };
    let mut field = Field::new(facts("ghi_chu"), &[]);
    insert(&mut field, 3_000.0);
    assert_eq!(field.origin(), Origin::Script);
    // An editor that cancels the citizen's key and inserts the text itself with execCommand.
    let mut editor = Field::new(facts("noi_dung"), &[]);
    editor.apply(FieldEvent::Interact, 3_000.0);
    insert(&mut editor, 3_002.0);
    assert_eq!(editor.origin(), Origin::User);
}
