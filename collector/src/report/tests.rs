use super::input::*;
use super::stats::*;
use super::*;
use crate::render;

const NOW: i64 = 1_795_000_000_000;

fn journey(id: &str, service: &str) -> JourneyRow {
    JourneyRow {
        journey: id.into(),
        service: service.into(),
        portal: "https://dvc.example.gov.vn".into(),
        first_ms: NOW - 3_600_000,
        last_ms: NOW - 60_000,
        started: true,
        outcome: None,
        duration_ms: None,
        active_ms: None,
        last_field: None,
        last_path: "/dich-vu/1/buoc-1".into(),
        rating: None,
        reasons: None,
    }
}

fn submitted(id: &str, ms: i64) -> JourneyRow {
    JourneyRow {
        outcome: Some("submitted".into()),
        duration_ms: Some(ms),
        active_ms: Some(ms / 2),
        ..journey(id, "1.001234")
    }
}

fn field(key: &str, origin: &str, views: i64) -> FieldRow {
    FieldRow {
        key: key.into(),
        origin: origin.into(),
        source: (origin == "declared").then(|| "CSDLQG-DC".into()),
        views,
        overwritten: 0,
    }
}

fn counter(key: &str, name: &str, sum: i64, views: i64) -> CounterRow {
    CounterRow {
        key: key.into(),
        name: name.into(),
        sum,
        views,
    }
}

/// The friction list of one counter.
fn friction_of<'r>(r: &'r Report, name: &str) -> &'r [Count] {
    &r.friction
        .counters
        .iter()
        .find(|(c, _)| c.name == name)
        .unwrap_or_else(|| panic!("no counter {name}"))
        .1
}

#[test]
fn nearest_rank_percentiles_and_rounded_means() {
    let mut v = vec![5, 1, 4, 2, 3];
    let s = spread(&mut v).unwrap();
    assert_eq!(
        (s.n, s.mean_ms, s.median_ms, s.p75_ms, s.p90_ms),
        (5, 3, 3, 4, 5)
    );
    let mut v = vec![1, 2];
    let s = spread(&mut v).unwrap();
    assert_eq!(
        (s.mean_ms, s.median_ms, s.p75_ms, s.p90_ms),
        (2, 1, 2, 2),
        "1.5 rounds up"
    );
    assert_eq!(spread(&mut []), None);
    assert_eq!(pct(1, 3), Some(33.3));
    assert_eq!(pct(2, 3), Some(66.7));
    assert_eq!(pct(0, 0), None);
}

#[test]
fn targets_follow_the_year() {
    assert_eq!(Targets::for_year(2025).journey_seconds, 480);
    assert_eq!(Targets::for_year(2026).journey_seconds, 300);
    assert_eq!(Targets::for_year(2027).processing_shorter_pct, 30);
    assert_eq!(Targets::for_year(2025).satisfied_pct, 90);
}

#[test]
fn journeys_end_submitted_abandoned_expired_or_silent() {
    let mut silent = journey("c", "1.001234");
    silent.last_ms = NOW - SILENT_ABANDON_MS - 1;
    silent.last_path = "/dich-vu/1/buoc-3".into();
    let mut left = journey("d", "1.001234");
    left.outcome = Some("abandoned".into());
    left.last_field = Some("so_dien_thoai".into());
    let mut expired = journey("e", "1.001234");
    expired.outcome = Some("expired".into());
    let mut browsing = journey("f", "1.001234");
    browsing.started = false;
    let input = ReportInput {
        journeys: vec![
            submitted("a", 200_000),
            submitted("b", 400_000),
            silent,
            left,
            expired,
            browsing,
            journey("g", "2.000111"),
        ],
        ..ReportInput::default()
    };
    let r = build(&input, &Filter::default(), Targets::for_year(2026), NOW);
    let j = &r.journeys;
    assert_eq!(
        (
            j.seen,
            j.started,
            j.submitted,
            j.abandoned,
            j.expired,
            j.in_progress
        ),
        (7, 6, 2, 2, 1, 1)
    );
    assert_eq!(j.completion_pct, Some(33.3));
    let c2 = &r.criterion2;
    assert_eq!(c2.duration.unwrap().mean_ms, 300_000);
    assert_eq!(
        c2.pass,
        Some(false),
        "a mean of exactly 5:00 is not under 5:00"
    );
    assert_eq!(
        c2.within_target_pct,
        Some(50.0),
        "3:20 is within, 6:40 is not"
    );
    assert_eq!(c2.histogram[3], 1);
    assert_eq!(c2.histogram[6], 1);
    assert_eq!(
        r.friction.abandoned_at,
        [
            Count {
                name: "/dich-vu/1/buoc-3".into(),
                count: 1
            },
            Count {
                name: "so_dien_thoai".into(),
                count: 1
            }
        ]
    );
    assert_eq!(r.services.len(), 2);
    assert_eq!(r.services[0].mean_ms, Some(300_000));
    assert_eq!(r.services[1].pass, None);
}

#[test]
fn steps_show_where_the_time_goes() {
    let input = ReportInput {
        journeys: vec![submitted("a", 100_000), submitted("b", 300_000)],
        steps: vec![
            StepRow {
                name: "/buoc-1".into(),
                journeys: 2,
                ms_sum: 60_000,
                active_sum: 50_000,
                position_sum: 2,
            },
            StepRow {
                name: "/buoc-2".into(),
                journeys: 2,
                ms_sum: 340_000,
                active_sum: 100_000,
                position_sum: 5,
            },
        ],
        ..ReportInput::default()
    };
    let r = build(&input, &Filter::default(), Targets::for_year(2026), NOW);
    let steps = &r.criterion2.steps;
    assert_eq!(steps[0].name, "/buoc-1", "in journey order");
    assert_eq!(
        (steps[1].position, steps[1].mean_ms, steps[1].share_pct),
        (2.5, 170_000, 85.0),
        "one journey had it second, the other third"
    );
    assert_eq!(steps[0].mean_active_ms, 25_000);
    assert_eq!(
        steps.iter().map(|s| s.mean_ms).sum::<i64>(),
        r.criterion2.duration.unwrap().mean_ms,
        "the steps add up to the mean journey"
    );
}

#[test]
fn criterion_one_counts_prefill_overwrites_and_typed_keys() {
    let mut ho_ten = field("ho_ten", "declared", 10);
    ho_ten.overwritten = 3;
    let phone = field("so_dien_thoai", "user", 9);
    let input = ReportInput {
        counters: vec![
            counter("so_dien_thoai", "invalid", 4, 2),
            counter("so_dien_thoai", "corrections", 2, 1),
            counter("so_dien_thoai", "hesitation_ms", 9_000, 3),
            counter("so_dien_thoai", "refocus", 5, 4),
            counter("email", "refocus", 7, 2),
            counter("email", "focus_ms", 0, 2),
        ],
        fields: vec![
            ho_ten,
            field("gioi_tinh", "server", 10),
            phone,
            field("email", "empty", 10),
        ],
        keys: vec![
            KeyJourneys {
                key: "so_dien_thoai".into(),
                journeys: 10,
                typed: 9,
            },
            KeyJourneys {
                key: "email".into(),
                journeys: 10,
                typed: 2,
            },
        ],
        forms: (20, 10),
        form_journeys: (10, 9),
        ..ReportInput::default()
    };
    let r = build(&input, &Filter::default(), Targets::for_year(2026), NOW);
    let c1 = &r.criterion1;
    assert_eq!(
        (c1.fields, c1.prefilled, c1.prefilled_pct),
        (39, 20, Some(51.3))
    );
    assert_eq!(
        c1.by_source,
        [
            Count {
                name: "CSDLQG-DC".into(),
                count: 10
            },
            Count {
                name: "server".into(),
                count: 10
            }
        ]
    );
    assert_eq!(c1.overwritten_pct, Some(15.0));
    assert_eq!(c1.overwritten_by_key[0].key, "ho_ten");
    assert_eq!(
        c1.typed_often.len(),
        1,
        "email is typed in a minority of journeys"
    );
    assert_eq!(c1.typed_often[0].pct, 90.0);
    assert_eq!(
        (c1.forms_with_prefill_pct, c1.pass),
        (Some(50.0), Some(false))
    );
    assert_eq!(
        friction_of(&r, "invalid"),
        [Count {
            name: "so_dien_thoai".into(),
            count: 4
        }]
    );
    assert_eq!(
        friction_of(&r, "hesitation_ms"),
        [Count {
            name: "so_dien_thoai".into(),
            count: 3_000
        }],
        "a duration is a mean over the views that measured it"
    );
    assert_eq!(
        friction_of(&r, "refocus"),
        [
            Count {
                name: "email".into(),
                count: 7
            },
            Count {
                name: "so_dien_thoai".into(),
                count: 5
            }
        ],
        "a count is a total, most first"
    );
    assert_eq!(friction_of(&r, "focus_ms"), [], "a zero mean is not listed");
    assert_eq!(friction_of(&r, "pastes"), [], "a counter nobody sent");
}

#[test]
fn criterion_three_compares_channels_against_the_target() {
    let processing = |online: i64, in_person: i64| ReportInput {
        processing: vec![
            ProcessingRow {
                channel: "online".into(),
                dossiers: 2,
                ms_sum: 2 * online,
            },
            ProcessingRow {
                channel: "in_person".into(),
                dossiers: 3,
                ms_sum: 3 * in_person,
            },
        ],
        ..ReportInput::default()
    };
    let r = build(
        &processing(70, 100),
        &Filter::default(),
        Targets::for_year(2026),
        NOW,
    );
    assert_eq!(
        (r.criterion3.shorter_pct, r.criterion3.pass),
        (Some(30.0), Some(true))
    );
    let r = build(
        &processing(75, 100),
        &Filter::default(),
        Targets::for_year(2026),
        NOW,
    );
    assert_eq!(r.criterion3.pass, Some(false));
    let r = build(
        &processing(75, 100),
        &Filter::default(),
        Targets::for_year(2025),
        NOW,
    );
    assert_eq!(r.criterion3.pass, Some(true), "2025's target is 20 %");
    let r = build(
        &ReportInput::default(),
        &Filter::default(),
        Targets::for_year(2026),
        NOW,
    );
    assert_eq!(r.criterion3.pass, None);
}

#[test]
fn renderings_carry_the_same_figures() {
    let input = ReportInput {
        journeys: vec![submitted("a", 250_000), submitted("b", 410_000)],
        fields: vec![field("ho_ten", "declared", 2)],
        forms: (2, 2),
        ..ReportInput::default()
    };
    let r = build(
        &input,
        &Filter {
            from_ms: NOW - 86_400_000,
            to_ms: NOW,
            ..Filter::default()
        },
        Targets::for_year(2026),
        NOW,
    );
    let json: serde_json::Value = serde_json::from_str(&render::json(&r)).unwrap();
    assert_eq!(json["criterion2"]["duration"]["mean_ms"], 330_000);
    let csv = render::csv(&r);
    assert!(csv.starts_with("section,metric,value\n"));
    assert!(
        csv.contains("\ncriterion2,duration_mean_ms,330000\n"),
        "{csv}"
    );
    assert!(csv.contains("\ncriterion2,pass,false\n"));
    let md = render::markdown(&r);
    assert!(
        md.contains("| tổng (total) | 2 | 5:30 | 4:10 | 6:50 | 6:50 |"),
        "{md}"
    );
    assert!(md.contains("CHƯA ĐẠT (fail)"));
    assert_eq!(render::minutes(299_999), "4:59");
}

#[test]
fn criterion_four_counts_answers_not_dismissals() {
    let rated = |id: &str, rating: i64, reasons: Option<&str>| JourneyRow {
        rating: Some(rating),
        reasons: reasons.map(str::to_owned),
        ..submitted(id, 100_000)
    };
    let mut journeys: Vec<JourneyRow> = (0..19).map(|i| rated(&format!("s{i}"), 5, None)).collect();
    journeys.push(rated("d", 2, Some("too_slow,re_enter_data")));
    journeys.push(rated("x", 0, None));
    let input = ReportInput {
        journeys,
        ..ReportInput::default()
    };
    let r = build(&input, &Filter::default(), Targets::for_year(2026), NOW);
    let c4 = &r.criterion4;
    assert_eq!((c4.answered, c4.dismissed, c4.satisfied), (20, 1, 19));
    assert_eq!(
        (c4.satisfied_pct, c4.pass),
        (Some(95.0), Some(true)),
        "95 % meets the 2026 target"
    );
    assert_eq!(c4.scores, [0, 1, 0, 0, 19]);
    assert_eq!(c4.reasons.len(), 2);
}

#[test]
fn speed_is_p75_per_step_against_the_good_thresholds() {
    let page = |path: &str, lcp: i64, inp: Option<i64>, field: Option<&str>| PageSpeedRow {
        path: path.into(),
        speed: crate::facts::SpeedFact {
            ttfb_ms: Some(100),
            fcp_ms: Some(500),
            lcp_ms: Some(lcp),
            cls_x1000: Some(20),
            inp_ms: inp,
            inp_field: field.map(str::to_owned),
            ..Default::default()
        },
    };
    let pages = vec![
        page("/buoc-1", 1_000, Some(80), Some("ho_ten")),
        page("/buoc-1", 1_200, None, None),
        page("/buoc-1", 3_900, Some(120), Some("ho_ten")),
        page("/buoc-2", 2_000, Some(450), Some("ma_so_thue")),
    ];
    let r = build(
        &ReportInput {
            pages,
            ..ReportInput::default()
        },
        &Filter::default(),
        Targets::for_year(2026),
        NOW,
    );
    let s = &r.speed;
    assert_eq!(s.views, 4);
    assert_eq!(s.steps[0].name, "/buoc-1", "the slowest LCP first");
    assert_eq!(
        (s.steps[0].p75.lcp_ms, s.steps[0].good),
        (Some(3_900), Some(false))
    );
    assert_eq!(
        (s.steps[1].p75.inp_ms, s.steps[1].good),
        (Some(450), Some(false))
    );
    assert_eq!(s.slow_fields[0].key, "ma_so_thue");
    assert_eq!(
        (s.slow_fields[1].views, s.slow_fields[1].inp_p75_ms),
        (2, 120)
    );
    assert_eq!(s.overall.lcp_ms, Some(2_000));
}

#[test]
fn shares_round_half_away_from_zero_from_exact_integers() {
    assert_eq!(pct(-2_023, 10_000), Some(-20.2), "−20.23 % (not −20.1)");
    assert_eq!(pct(-2_025, 10_000), Some(-20.3), "−20.25 % (not −20.2)");
    assert_eq!(pct(2_025, 10_000), Some(20.3));
    assert_eq!(pct(-1, 3), Some(-33.3));
    assert_eq!((mean(5, 2), mean(-5, 2), mean(-4, 3)), (3, -3, -1));
    assert_eq!(div_round(i128::MAX / 4, 3), i128::MAX / 12, "no overflow");
}

#[test]
fn pass_and_fail_are_decided_exactly_not_from_rounded_figures() {
    // 1,899 of 2,000 satisfied is 94.95 %: shown as 95.0 %, and not the 95 % asked.
    let rated = |i: usize, score: i64| JourneyRow {
        rating: Some(score),
        ..submitted(&format!("j{i}"), 100_000)
    };
    let journeys = (0..2_000).map(|i| rated(i, if i < 1_899 { 5 } else { 1 }));
    let input = ReportInput {
        journeys: journeys.collect(),
        ..ReportInput::default()
    };
    let r = build(&input, &Filter::default(), Targets::for_year(2026), NOW);
    assert_eq!(
        (r.criterion4.satisfied_pct, r.criterion4.pass),
        (Some(95.0), Some(false))
    );
    // Means of 299,999.5 ms round to 5:00 and pass; 300,000 does not.
    let input = ReportInput {
        journeys: vec![submitted("a", 299_999), submitted("b", 300_000)],
        ..ReportInput::default()
    };
    let r = build(&input, &Filter::default(), Targets::for_year(2026), NOW);
    let c2 = &r.criterion2;
    assert_eq!(
        (c2.duration.unwrap().mean_ms, c2.pass),
        (300_000, Some(true))
    );
    assert_eq!(r.services[0].pass, Some(true));
    // Online 69.996 % of in person: 30.004 % shorter, passes; shown from the exact sums.
    let input = ReportInput {
        processing: vec![
            ProcessingRow {
                channel: "online".into(),
                dossiers: 1,
                ms_sum: 69_996,
            },
            ProcessingRow {
                channel: "in_person".into(),
                dossiers: 2,
                ms_sum: 200_000,
            },
        ],
        ..ReportInput::default()
    };
    let r = build(&input, &Filter::default(), Targets::for_year(2026), NOW);
    assert_eq!(
        (r.criterion3.shorter_pct, r.criterion3.pass),
        (Some(30.0), Some(true))
    );
}

#[test]
fn forged_sums_cannot_overflow_the_report() {
    let huge = |name: &str| StepRow {
        name: name.into(),
        journeys: 1,
        ms_sum: i64::MAX,
        active_sum: i64::MAX,
        position_sum: 1,
    };
    let phone = field("so_dien_thoai", "user", i64::MAX);
    let input = ReportInput {
        counters: vec![
            counter("so_dien_thoai", "invalid", i64::MAX, 1),
            counter("so_dien_thoai", "invalid", i64::MAX, 1),
            counter("so_dien_thoai", "hesitation_ms", i64::MAX, i64::MAX),
            counter("so_dien_thoai", "hesitation_ms", i64::MAX, i64::MAX),
        ],
        journeys: vec![submitted("a", i64::MAX), submitted("b", i64::MAX)],
        steps: vec![huge("/buoc-1"), huge("/buoc-2")],
        fields: vec![phone.clone(), phone],
        ..ReportInput::default()
    };
    // Before: "attempt to add with overflow" in a debug build.
    let r = build(&input, &Filter::default(), Targets::for_year(2026), NOW);
    assert_eq!(r.criterion2.steps.len(), 2);
    assert!(
        r.criterion2.duration.unwrap().mean_ms > 0,
        "saturated, not wrapped"
    );
}
