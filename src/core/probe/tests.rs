//! The probe's behaviour, page view by page view, with scripted clocks.

use super::*;
use crate::core::beacon::{Outcome, Trigger, MAX_REPORTED_FIELDS};
use crate::core::config::ServiceCode;
use crate::core::field::Origin;
use crate::core::field::{FieldEvent, FieldFacts};
use crate::core::fields::FormFacts;
use crate::core::survey::{Rating, RATE_ACCEPTED};
use crate::core::time::round_ms;

const T0: f64 = 1_795_000_000_000.0;
const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

fn config() -> Config {
    Config::from_attributes([
        ("data-collector", "http://127.0.0.1:8787/v1/beacons"),
        ("data-service", "1.001234"),
    ])
    .unwrap()
}

fn start(stored: Option<Journey>, path: &str, epoch_ms: f64) -> Probe {
    Probe::start(PageStart {
        config: config(),
        stored,
        path,
        query: "",
        user_agent: CHROME,
        now: Now {
            epoch_ms,
            page_ms: 0.0,
        },
        random_journey_id: [0xab; 16],
        state: PageState {
            visible: true,
            focused: true,
        },
    })
}

fn at(epoch_ms: f64, page_ms: f64) -> Now {
    Now { epoch_ms, page_ms }
}

fn facts(name: &str, form: usize, position: usize) -> FieldFacts {
    FieldFacts::named(name, form, position)
}

fn typed(hash: u64) -> FieldEvent {
    FieldEvent::typed(hash)
}

#[test]
fn one_hide_sends_one_beacon() {
    let mut probe = start(None, "/dich-vu/1.001234", T0);
    let first = probe.page_hidden(Trigger::Hidden, at(T0 + 5_000.0, 5_012.3), [1; 8]);
    assert!(first.is_some());
    assert!(probe
        .page_hidden(Trigger::Pagehide, at(T0 + 5_001.0, 5_013.0), [2; 8])
        .is_none());
    probe.page_visible();
    let second = probe
        .page_hidden(Trigger::Pagehide, at(T0 + 9_000.0, 9_000.0), [3; 8])
        .unwrap();
    assert_eq!((second.seq, second.page.t_ms), (1, 9_000));
}

#[test]
fn a_journey_from_login_to_receipt() {
    // Login page: not logged in yet.
    let mut login_page = start(None, "/dang-nhap", T0);
    let b = login_page
        .page_hidden(Trigger::Pagehide, at(T0 + 3_000.0, 3_000.0), [1; 8])
        .unwrap();
    assert_eq!(
        (b.journey.logged_in, b.journey.since_login_ms, b.page.n),
        (false, None, 0)
    );

    // Step 1: the portal says the citizen just logged in; the citizen types one field.
    let mut step1 = start(
        Some(login_page.journey().clone()),
        "/dich-vu/1.001234/buoc-1",
        T0 + 4_000.0,
    );
    step1.command(Command::Login, at(T0 + 4_100.0, 100.0), [2; 8]);
    let form = step1.form_seen(FormFacts {
        id: Some("form-buoc-1".into()),
        name: None,
        position: Some(0),
    });
    let name = step1
        .field_seen(FieldFacts {
            prefill_source: Some("CSDLQG-DC".into()),
            has_value: true,
            locked: true,
            ..facts("ho_ten", form, 0)
        })
        .unwrap()
        .index;
    let phone = step1
        .field_seen(facts("so_dien_thoai", form, 1))
        .unwrap()
        .index;
    step1.field_event(phone, FieldEvent::Focus, at(T0 + 10_000.0, 6_000.0));
    assert!(step1.field_event(phone, typed(1), at(T0 + 12_000.0, 8_000.0)));
    step1.field_event(phone, FieldEvent::Blur, at(T0 + 20_000.0, 16_000.0));
    step1.form_submitted(form, at(T0 + 64_000.0, 60_000.0));
    let b = step1
        .page_hidden(Trigger::Pagehide, at(T0 + 64_100.0, 60_100.0), [3; 8])
        .unwrap();
    assert_eq!((name, phone), (0, 1));
    assert_eq!(b.page.path, "/dich-vu/1.001234/buoc-1");
    assert_eq!(
        (b.seq, b.page.n, b.journey.since_login_ms),
        (1, 1, Some(60_000))
    );
    let counts = b.fields.unwrap();
    assert_eq!(
        (
            counts.total,
            counts.of(Origin::Declared),
            counts.of(Origin::User)
        ),
        (2, 1, 1)
    );
    let form = &b.forms[0];
    assert_eq!(
        (form.key.as_str(), form.attempts, form.blocked),
        ("form-buoc-1", 1, 0)
    );
    let phone = &form.fields[1];
    assert_eq!(
        (phone.key.as_str(), phone.origin, phone.filled),
        ("so_dien_thoai", Origin::User, Some(0))
    );
    assert_eq!(
        (phone.counters.focus_ms, phone.counters.hesitation_ms),
        (10_000, Some(2_000))
    );
    assert!(form.fields[0].locked);
    assert_eq!(step1.journey().typed, ["so_dien_thoai"]);

    // Receipt: the dossier code in the path is scrubbed; submission ends the journey at once.
    let mut receipt = start(
        Some(step1.journey().clone()),
        "/dich-vu/1.001234/bien-nhan/H99.12-261122-0001",
        T0 + 200_000.0,
    );
    let b = receipt
        .command(Command::Submitted, at(T0 + 200_040.0, 40.0), [4; 8])
        .unwrap();
    assert_eq!(b.trigger, Trigger::Submitted);
    assert_eq!(b.page.path, "/dich-vu/1.001234/bien-nhan/:id");
    assert_eq!(
        (b.journey.outcome, b.journey.duration_ms),
        (Some(Outcome::Submitted), Some(195_900))
    );
    assert_eq!(
        (b.fields, b.forms.len()),
        (None, 0),
        "a page without fields reports none"
    );
    assert!(receipt
        .command(Command::Submitted, at(T0 + 200_050.0, 50.0), [5; 8])
        .is_none());
    assert_eq!(
        b.journey.id,
        login_page.journey().id,
        "one journey from login page to receipt"
    );
}

#[test]
fn a_beacon_describes_at_most_a_hundred_fields_and_counts_the_rest() {
    let mut probe = start(None, "/many", T0);
    let form = probe.form_seen(FormFacts {
        id: None,
        name: None,
        position: Some(0),
    });
    for i in 0..2_000 {
        probe.field_seen(facts(&format!("f{i}"), form, i));
    }
    let b = probe
        .page_hidden(Trigger::Pagehide, at(T0, 1.0), [1; 8])
        .unwrap();
    assert_eq!(b.fields.unwrap().total, 2_000);
    assert_eq!(
        (b.forms[0].fields.len(), b.forms[0].omitted),
        (MAX_REPORTED_FIELDS, 1_900)
    );
    assert!(b.to_json().len() < 8 * 1024, "{}", b.to_json().len());
}

#[test]
fn a_queued_command_keeps_the_time_it_was_made() {
    let now = at(T0 + 2_500.0, 2_500.0);
    assert_eq!(now.at_epoch(T0 + 300.0), at(T0 + 300.0, 300.0));
    assert_eq!(
        now.at_epoch(T0 - 10_000.0),
        at(T0 - 10_000.0, 0.0),
        "queued before this page"
    );
    assert_eq!(now.at_epoch(T0 + 9_000.0), now, "the future is now");
    assert_eq!(now.at_epoch(f64::NAN), now);

    let mut probe = start(None, "/dich-vu/1.001234/buoc-1", T0);
    probe.command(Command::Login, now.at_epoch(T0 + 300.0), [1; 8]);
    assert_eq!(probe.journey().login_at, Some(T0 + 300.0));
}

#[test]
fn the_snapshot_lists_fields_without_values() {
    let mut probe = start(None, "/dich-vu/1.001234/buoc-1?cccd=001190012345", T0);
    let form = probe.form_seen(FormFacts {
        id: Some("f".into()),
        name: None,
        position: Some(0),
    });
    probe.field_seen(FieldFacts {
        prefill_source: Some("CSDLQG-DC".into()),
        has_value: true,
        value_hash: 0x5eed,
        ..facts("ho_ten", form, 0)
    });
    let json = probe.snapshot_json(at(T0, 10.0));
    assert_eq!(
        json,
        format!(
            r#"{{"service":"1.001234","journey":"{}","logged_in":false,"submitted":false,"page":0,"path":"/dich-vu/1.001234/buoc-1","clock":{{"active_ms":0,"hidden_ms":0,"blocked_ms":0,"failed":0,"target_s":300,"steps":[{{"name":"/dich-vu/1.001234/buoc-1","ms":0,"active_ms":0}}]}},"forms":[{{"key":"f","total":1,"prefilled":1,"typed":0,"overwritten":0,"attempts":0,"blocked":0,"blocked_by":[]}}],"fields":[{{"index":0,"key":"ho_ten","form":"f","origin":"declared","source":"CSDLQG-DC","overwritten":false,"locked":false,"removed":false,"focus_ms":0,"visits":0,"corrections":0,"pastes":0,"invalid":0,"refocus":0}}]}}"#,
            "ababebabafababebabafababebabafab"
        )
    );
    assert!(
        !json.contains(&0x5eed.to_string()),
        "the value's hash stays inside"
    );
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_snapshot_shows_the_clock_running_and_the_step_under_way() {
    let mut first = start(None, "/dich-vu/1.001234/buoc-1", T0);
    first.command(Command::Login, at(T0 + 1_000.0, 1_000.0), [1; 8]);
    first.page_hidden(Trigger::Pagehide, at(T0 + 31_000.0, 31_000.0), [2; 8]);
    let mut second = start(
        Some(first.journey().clone()),
        "/dich-vu/1.001234/buoc-2",
        T0 + 31_000.0,
    );
    let json = second.snapshot_json(at(T0 + 96_040.0, 65_040.0));
    let clock: serde_json::Value =
        serde_json::from_str::<serde_json::Value>(&json).unwrap()["clock"].clone();
    assert_eq!(clock["since_login_ms"], 95_000, "{clock}");
    assert_eq!(clock["target_s"], 300);
    assert_eq!(
        clock["steps"],
        serde_json::json!([
            {"name": "/dich-vu/1.001234/buoc-1", "ms": 30_000, "active_ms": 30_000},
            {"name": "/dich-vu/1.001234/buoc-2", "ms": 65_000, "active_ms": 65_000}
        ]),
        "the finished step and the one under way"
    );
}

#[test]
fn a_page_after_a_submission_is_no_journey_until_the_citizen_begins_one() {
    let mut form = start(None, "/dich-vu/1.001234/buoc-3", T0);
    form.command(Command::Login, at(T0, 10.0), [1; 8]);
    let end = form
        .command(Command::Submitted, at(T0 + 60_000.0, 60_000.0), [2; 8])
        .unwrap();
    assert_eq!(end.journey.duration_ms, Some(60_000));
    form.page_hidden(Trigger::Pagehide, at(T0 + 61_000.0, 61_000.0), [3; 8]);
    // The receipt: the next journey, which the citizen has not begun.
    let mut receipt = start(
        Some(form.journey().clone()),
        "/dich-vu/1.001234/bien-nhan/x",
        T0 + 61_500.0,
    );
    assert!(
        receipt
            .command(Command::Submitted, at(T0 + 62_000.0, 500.0), [4; 8])
            .is_none(),
        "a submission signal on it (the receipt reloaded) ends nothing"
    );
    let left = receipt
        .page_hidden(Trigger::Pagehide, at(T0 + 90_000.0, 28_500.0), [5; 8])
        .unwrap();
    assert_eq!(
        (left.journey.logged_in, left.journey.since_login_ms),
        (false, None),
        "not a started journey"
    );
    // Forty minutes later the citizen opens the service again: nothing was abandoned.
    let back = T0 + 90_000.0 + 40.0 * 60_000.0;
    let mut again = start(
        Some(receipt.journey().clone()),
        "/dich-vu/1.001234/buoc-1",
        back,
    );
    assert!(again.take_abandoned([6; 8]).is_none());
    let hidden = again
        .page_hidden(Trigger::Hidden, at(back + 5_000.0, 5_000.0), [7; 8])
        .unwrap();
    assert!(!hidden.journey.logged_in, "reading is not beginning");
    again.page_visible();
    // Typing begins it, counted from the start of this page view.
    let form_index = again.form_seen(FormFacts {
        id: None,
        name: None,
        position: Some(0),
    });
    let field = again
        .field_seen(facts("so_dien_thoai", form_index, 0))
        .unwrap()
        .index;
    assert!(
        again.field_event(field, typed(7), at(back + 20_000.0, 20_000.0)),
        "the shell stores the journey that began"
    );
    let step1 = again
        .page_hidden(Trigger::Pagehide, at(back + 50_000.0, 50_000.0), [8; 8])
        .unwrap();
    assert_eq!(
        (step1.journey.logged_in, step1.journey.since_login_ms),
        (true, Some(50_000))
    );
    let mut step2 = start(
        Some(again.journey().clone()),
        "/dich-vu/1.001234/buoc-2",
        back + 51_000.0,
    );
    let done = step2
        .command(Command::Submitted, at(back + 80_000.0, 29_000.0), [9; 8])
        .unwrap();
    let steps: Vec<(&str, u64)> = done
        .journey
        .steps
        .iter()
        .map(|s| (s.name.as_str(), round_ms(s.ms)))
        .collect();
    assert_eq!(
        steps,
        [
            ("/dich-vu/1.001234/buoc-1", 50_000),
            ("/dich-vu/1.001234/buoc-2", 30_000)
        ],
        "the receipt page's empty step is no part of it (loading a page is part of its step)"
    );
    assert_eq!(done.journey.duration_ms, Some(80_000));
}

#[test]
fn the_satisfaction_question_concerns_the_submitted_journey_and_is_asked_once() {
    let mut form = start(None, "/dich-vu/1.001234/buoc-3", T0);
    form.config.survey = true;
    form.command(Command::Login, at(T0, 10.0), [1; 8]);
    assert!(!form.survey_due(), "nothing submitted yet");
    form.command(Command::Submitted, at(T0 + 60_000.0, 60_000.0), [2; 8]);
    assert!(form.survey_due());
    let submitted = form.journey().id.clone();
    // The receipt page belongs to the next journey; the question still concerns this one.
    let mut receipt = start(
        Some(form.journey().clone()),
        "/dich-vu/1.001234/bien-nhan/x",
        T0 + 61_000.0,
    );
    receipt.config.survey = true;
    assert_eq!(receipt.journey().survey_of.as_ref(), Some(&submitted));
    assert!(receipt.survey_due());
    receipt.command(Command::SurveyShown, at(T0 + 62_000.0, 1_000.0), [3; 8]);
    assert!(!receipt.survey_due(), "shown: never shown again");
    let rating = Rating::parse("2:too_slow").unwrap();
    let b = receipt
        .command(
            Command::Rate(rating.clone()),
            at(T0 + 70_000.0, 9_000.0),
            [4; 8],
        )
        .unwrap();
    assert_eq!((b.trigger, &b.journey.id), (Trigger::Rating, &submitted));
    assert_eq!(b.satisfaction, Some(rating));
    assert!(b
        .to_json()
        .contains(r#""satisfaction":{"answered":true,"score":2,"reasons":["too_slow"]}"#));
    assert!(
        receipt
            .command(
                Command::Rate(Rating::Dismissed),
                at(T0 + 71_000.0, 10_000.0),
                [5; 8]
            )
            .is_none(),
        "one rating per journey"
    );
    // Without data-survey, the portal asks when it likes; a dismissal is no answer.
    let mut own = start(None, "/x", T0);
    assert!(!own.survey_due());
    own.command(Command::AskSatisfaction, at(T0, 1.0), [6; 8]);
    assert!(own.survey_due());
    let d = own
        .command(Command::Rate(Rating::Dismissed), at(T0, 2.0), [7; 8])
        .unwrap();
    assert!(d.to_json().contains(r#""satisfaction":{"answered":false}"#));
    assert_eq!(
        Command::parse("rate", Some("7")).unwrap_err().to_string(),
        RATE_ACCEPTED
    );
}

#[test]
fn url_patterns_start_and_end_the_journey() {
    let config = Config::from_attributes([
        ("data-collector", "/c"),
        ("data-service", "1.001234"),
        ("data-login-url", "/dich-vu/*/buoc-1"),
        ("data-success-url", "/dich-vu/*/bien-nhan/*"),
    ])
    .unwrap();
    let page = |stored, path, epoch_ms| {
        Probe::start(PageStart {
            config: config.clone(),
            stored,
            path,
            query: "",
            user_agent: CHROME,
            now: at(epoch_ms, 0.0),
            random_journey_id: [1; 16],
            state: PageState {
                visible: true,
                focused: true,
            },
        })
    };
    let mut info = page(None, "/dich-vu/1.001234", T0);
    assert!(info
        .page_signals("/dich-vu/1.001234", at(T0, 5.0), [1; 8])
        .is_none());
    assert_eq!(info.journey().login_at, None);
    let mut step1 = page(
        Some(info.journey().clone()),
        "/dich-vu/1.001234/buoc-1",
        T0 + 995.0,
    );
    assert!(step1
        .page_signals("/dich-vu/1.001234/buoc-1", at(T0 + 1_000.0, 5.0), [2; 8])
        .is_none());
    assert_eq!(step1.journey().login_at, Some(T0 + 1_000.0));
    let path = "/dich-vu/1.001234/bien-nhan/H99.12-261122-0001";
    let mut receipt = page(Some(step1.journey().clone()), path, T0 + 180_995.0);
    let b = receipt
        .page_signals(path, at(T0 + 181_000.0, 5.0), [3; 8])
        .unwrap();
    assert_eq!(
        (b.trigger, b.journey.duration_ms),
        (Trigger::Submitted, Some(180_000))
    );
    assert!(
        receipt
            .page_signals(path, at(T0 + 182_000.0, 5.0), [4; 8])
            .is_none(),
        "once"
    );
}

#[test]
fn commands_have_names_and_unknown_ones_say_what_is_accepted() {
    assert_eq!(Command::parse("login", None), Ok(Command::Login));
    assert_eq!(
        Command::parse("submitted", Some("x")),
        Ok(Command::Submitted)
    );
    assert_eq!(
        Command::parse("mark", Some("xac-nhan")),
        Ok(Command::Mark("xac-nhan".into()))
    );
    assert_eq!(
        Command::parse("setService", Some("2.002154")),
        Ok(Command::SetService(ServiceCode::parse("2.002154").unwrap()))
    );
    let err = Command::parse("logn", None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown command \"logn\": accepted commands are login, submitted, mark, setService, expired, consent, optOut, askSatisfaction, rate"
    );
    for bad in [
        None,
        Some(""),
        Some("Nguyễn Văn A"),
        Some("buoc 2"),
        Some("001190012345"),
        Some("nguyen-van-an"),
        Some("TranThiBinh"),
        Some("ngay-15-08"),
    ] {
        let err = Command::parse("mark", bad).unwrap_err();
        assert!(
            err.to_string().starts_with("mark needs a step name"),
            "{bad:?}"
        );
    }
    assert!(Command::parse("setService", Some("a/b"))
        .unwrap_err()
        .to_string()
        .starts_with("setService needs"));
}

#[test]
fn steps_are_timed_across_page_loads_spa_views_and_marks() {
    let mut login = start(None, "/dang-nhap", T0);
    login.command(Command::Login, at(T0 + 1_000.0, 1_000.0), [1; 8]);
    login.page_hidden(Trigger::Pagehide, at(T0 + 11_000.0, 11_000.0), [2; 8]);
    // A single-page portal: the form at /dich-vu/1.001234, an in-page view, a marked step.
    let mut app = start(
        Some(login.journey().clone()),
        "/dich-vu/1.001234",
        T0 + 11_500.0,
    );
    app.navigated(
        "/dich-vu/1.001234/buoc-2",
        "",
        at(T0 + 41_500.0, 30_000.0),
        [3; 8],
    );
    app.command(
        Command::Mark("xac-nhan".into()),
        at(T0 + 101_500.0, 90_000.0),
        [4; 8],
    );
    let end = app
        .command(Command::Submitted, at(T0 + 121_500.0, 110_000.0), [5; 8])
        .unwrap();
    let steps: Vec<(&str, u64)> = end
        .journey
        .steps
        .iter()
        .map(|s| (s.name.as_str(), round_ms(s.ms)))
        .collect();
    assert_eq!(
        steps,
        [
            ("/dang-nhap", 10_000),
            ("/dich-vu/1.001234", 30_500),
            ("/dich-vu/1.001234/buoc-2", 60_000),
            ("xac-nhan", 20_000)
        ]
    );
    assert_eq!(end.journey.duration_ms, Some(120_500));
    assert_eq!(
        steps.iter().map(|s| s.1).sum::<u64>(),
        120_500,
        "the steps add up to the journey"
    );
    assert_eq!((end.journey.target_s, end.journey.met), (300, Some(true)));
    let json = end.to_json();
    assert!(
        json.contains(r#""steps":[{"name":"/dang-nhap","ms":10000"#),
        "{json}"
    );
}

#[test]
fn refused_submissions_are_counted_once_each() {
    let mut step = start(None, "/dich-vu/1.001234/buoc-2", T0);
    step.command(Command::Login, at(T0, 1.0), [1; 8]);
    let form = step.form_seen(FormFacts {
        id: None,
        name: None,
        position: Some(0),
    });
    let a = step.field_seen(facts("so_luong", form, 0)).unwrap().index;
    let b = step.field_seen(facts("muc_dich", form, 1)).unwrap().index;
    step.field_event(a, FieldEvent::Invalid, at(T0 + 1_000.0, 1_000.0));
    step.field_event(b, FieldEvent::Invalid, at(T0 + 1_000.0, 1_000.0));
    let beacon = step
        .page_hidden(Trigger::Pagehide, at(T0 + 5_000.0, 5_000.0), [2; 8])
        .unwrap();
    assert_eq!(
        (beacon.journey.failed, beacon.journey.blocked_ms),
        (Some(1), Some(4_000))
    );
    // The server sends the form back with errors: a second refusal.
    let mut again = start(
        Some(step.journey().clone()),
        "/dich-vu/1.001234/buoc-2",
        T0 + 6_000.0,
    );
    let form = again.form_seen(FormFacts {
        id: None,
        name: None,
        position: Some(0),
    });
    again.field_seen(FieldFacts {
        invalid: true,
        has_value: true,
        ..facts("so_luong", form, 0)
    });
    let beacon = again
        .page_hidden(Trigger::Pagehide, at(T0 + 9_000.0, 3_000.0), [3; 8])
        .unwrap();
    assert_eq!(beacon.journey.failed, Some(2));
}

#[test]
fn back_to_a_tab_hidden_past_the_timeout_is_a_new_journey() {
    let mut page = start(None, "/dich-vu/1.001234/buoc-1", T0);
    page.command(Command::Login, at(T0, 1.0), [1; 8]);
    let first = page.journey().id.clone();
    page.page_state(
        PageState {
            visible: false,
            focused: false,
        },
        at(T0 + 60_000.0, 60_000.0),
    );
    page.provide_journey_id([7; 16]);
    page.page_state(
        PageState {
            visible: true,
            focused: true,
        },
        at(T0 + 60_000.0 + 31.0 * 60_000.0, 61_000.0),
    );
    let gone = page.take_abandoned([2; 8]).unwrap();
    assert_eq!(
        (gone.journey.id, gone.journey.outcome),
        (first, Some(Outcome::Abandoned))
    );
    assert_eq!(page.journey().id, JourneyId::from_random([7; 16]));
    assert!(
        page.journey().waiting() && !page.journey().clock.running,
        "the next journey begins when the citizen goes on"
    );
}

#[test]
fn the_portal_can_end_a_journey_as_expired() {
    let mut page = start(None, "/dich-vu/1.001234/buoc-2", T0);
    page.command(Command::Login, at(T0, 0.0), [1; 8]);
    let first = page.journey().id.clone();
    page.provide_journey_id([5; 16]);
    let b = page
        .command(Command::Expired, at(T0 + 90_000.0, 90_000.0), [2; 8])
        .unwrap();
    assert_eq!(
        (b.trigger, b.journey.outcome, b.journey.since_login_ms),
        (Trigger::Expired, Some(Outcome::Expired), Some(90_000))
    );
    assert_eq!((b.journey.id, b.journey.duration_ms), (first, None));
    assert_eq!(page.journey().id, JourneyId::from_random([5; 16]));
    assert!(
        page.journey().login_at.is_none(),
        "the citizen must log in again"
    );
    assert!(
        page.command(Command::Expired, at(T0 + 91_000.0, 91_000.0), [3; 8])
            .is_none(),
        "once"
    );
}

#[test]
fn set_service_starts_another_journey() {
    let mut catalogue = start(None, "/dich-vu", T0);
    catalogue.command(Command::Login, at(T0 + 500.0, 500.0), [1; 8]);
    let first = catalogue.journey().id.clone();
    catalogue.provide_journey_id([9; 16]);
    catalogue.command(
        Command::SetService(ServiceCode::parse("2.002154").unwrap()),
        at(T0 + 9_000.0, 9_000.0),
        [2; 8],
    );
    assert_ne!(catalogue.journey().id, first);
    assert_eq!(catalogue.journey().id, JourneyId::from_random([9; 16]));
    assert_eq!(catalogue.config().service.as_str(), "2.002154");
    assert!(
        catalogue.journey().waiting(),
        "still logged in: the journey begins when the citizen does something in it"
    );
}

#[test]
fn a_journey_idle_past_the_timeout_is_reported_abandoned_where_it_stopped() {
    let mut step = start(None, "/dich-vu/1.001234/buoc-2", T0);
    step.command(Command::Login, at(T0 + 100.0, 100.0), [1; 8]);
    let field = step.form_seen(FormFacts {
        id: None,
        name: None,
        position: Some(0),
    });
    let muc_dich = step.field_seen(facts("muc_dich", field, 0)).unwrap().index;
    step.field_event(muc_dich, FieldEvent::Focus, at(T0 + 5_000.0, 5_000.0));
    step.page_hidden(Trigger::Pagehide, at(T0 + 60_100.0, 60_100.0), [2; 8]);
    // The citizen comes back to the tab 31 minutes later.
    let mut back = start(
        Some(step.journey().clone()),
        "/dich-vu/1.001234/buoc-2",
        T0 + 60_100.0 + 31.0 * 60_000.0,
    );
    let gone = back.take_abandoned([3; 8]).unwrap();
    assert_eq!(
        (gone.trigger, gone.journey.outcome),
        (Trigger::Abandoned, Some(Outcome::Abandoned))
    );
    assert_eq!(gone.journey.id, step.journey().id);
    assert_eq!(gone.page.path, "/dich-vu/1.001234/buoc-2");
    assert_eq!(gone.journey.last_field.as_deref(), Some("muc_dich"));
    assert_eq!(gone.journey.since_login_ms, Some(60_000));
    assert!(back.take_abandoned([4; 8]).is_none(), "reported once");
    assert_eq!(
        (
            back.journey().next_seq,
            back.journey().pages,
            back.journey().steps.len()
        ),
        (0, 1, 0),
        "a new journey"
    );
}
