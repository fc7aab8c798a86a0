//! What a page view holds: its forms and fields (who filled each, what the citizen did in it)
//! and its speed, as a final snapshot and as the partial one an earlier `hidden` beacon
//! carries (each beacon of a page view is cumulative; the last one counts).

use super::catalog::{Fill, StepDef};
use super::model::{Field, Form, Origin, Speed};
use super::rng::Rng;

/// A step page's fields as realised for one page view.
#[derive(Debug, Clone)]
pub struct Realized {
    pub form_key: &'static str,
    pub fields: Vec<Field>,
    /// Indices of the fields the citizen touched, in the order touched, and whether they typed.
    pub touched: Vec<(usize, bool)>,
    /// Fields outside any form (`#page`), on some pages.
    pub page_fields: Vec<Field>,
}

fn untouched(key: &str, origin: Origin) -> Field {
    Field {
        key: key.to_string(),
        origin,
        source: None,
        locked: false,
        overwritten: false,
        filled: None,
        focus_ms: 0,
        visits: 0,
        hesitation_ms: None,
        corrections: 0,
        pastes: 0,
        invalid: 0,
        refocus: 0,
    }
}

/// The citizen's traces in a field they touched (`typed`: and typed in it).
fn traces(rng: &mut Rng, field: &mut Field, typed: bool, slow: bool) {
    let scale = if slow { 3 } else { 1 };
    field.focus_ms = rng.step(500, 20_000 * scale, 100);
    field.visits = rng.range(1, 3);
    field.refocus = rng.range(0, field.visits - 1);
    if typed {
        if rng.chance(75) {
            field.hesitation_ms = Some(rng.step(100, 6_000 * scale, 100));
        }
        field.corrections = *rng.pick(&[0, 0, 0, 1, 1, 2, 3]);
        field.pastes = i64::from(rng.chance(15));
        if rng.chance(7) {
            field.invalid = rng.range(1, 2);
        }
    }
}

/// The fields of `step` for a first view.
pub fn realize(rng: &mut Rng, step: &StepDef, slow: bool) -> Realized {
    let mut fields = Vec::new();
    let mut touched = Vec::new();
    for (i, def) in step.fields.iter().enumerate() {
        let (prefill, source, keep, overwrite) = match def.fill {
            Fill::Declared(source) => (Some(Origin::Declared), source, 80, 12),
            Fill::Server => (Some(Origin::Server), None, 85, 10),
            Fill::Script => (Some(Origin::Script), None, 80, 15),
            Fill::Citizen => (None, None, 0, 0),
        };
        let mut field = untouched(def.key, Origin::Empty);
        match prefill {
            Some(origin) if rng.chance(keep) => {
                field.origin = origin;
                field.source = source.map(str::to_string);
                field.locked = def.locked;
                if !def.locked && rng.chance(overwrite) {
                    field.overwritten = true;
                    touched.push((i, true));
                } else if rng.chance(10) {
                    touched.push((i, false));
                }
            }
            _ => {
                let roll = rng.range(0, 99);
                if roll < 78 {
                    field.origin = Origin::User;
                    touched.push((i, true));
                } else if roll < 86 && prefill.is_none() {
                    field.origin = Origin::Autofill;
                } else if rng.chance(30) {
                    touched.push((i, false));
                }
            }
        }
        fields.push(field);
    }
    for (rank, &(i, typed)) in touched.iter().enumerate() {
        traces(rng, &mut fields[i], typed, slow);
        if fields[i].origin == Origin::User || fields[i].overwritten {
            fields[i].filled = Some(rank as i64);
        }
    }
    let page_fields = if rng.chance(20) {
        let mut search = untouched("tim_kiem", Origin::Empty);
        if rng.chance(30) {
            search.origin = Origin::User;
            traces(rng, &mut search, true, false);
        }
        vec![search]
    } else {
        Vec::new()
    };
    Realized {
        form_key: step.form,
        fields,
        touched,
        page_fields,
    }
}

/// The page view reached again after the server refused the submission: the same values
/// (the citizen's echoed as theirs), fresh counters, the refused fields marked invalid and
/// corrected.
pub fn refused_again(rng: &mut Rng, before: &Realized, refused: &[usize]) -> Realized {
    let mut fields: Vec<Field> = before
        .fields
        .iter()
        .map(|f| Field {
            filled: None,
            focus_ms: 0,
            visits: 0,
            hesitation_ms: None,
            corrections: 0,
            pastes: 0,
            invalid: 0,
            refocus: 0,
            ..f.clone()
        })
        .collect();
    let mut touched = Vec::new();
    for (rank, &i) in refused.iter().enumerate() {
        let f = &mut fields[i];
        if !f.origin.is_prefill() {
            f.origin = Origin::User;
        }
        f.invalid = 1;
        f.filled = Some(rank as i64);
        f.focus_ms = rng.step(1_000, 15_000, 100);
        f.visits = rng.range(1, 2);
        f.corrections = rng.range(1, 3);
        if rng.chance(60) {
            f.hesitation_ms = Some(rng.step(100, 4_000, 100));
        }
        touched.push((i, true));
    }
    Realized {
        form_key: before.form_key,
        fields,
        touched,
        page_fields: before.page_fields.clone(),
    }
}

/// The forms as the page's beacon describes them once the first `done` touches happened
/// (`attempts`/`blocked`: the form's submit attempts so far).
pub fn forms(r: &Realized, done: usize, attempts: i64, blocked_by: Option<usize>) -> Vec<Form> {
    let pending: Vec<usize> = r.touched.iter().skip(done).map(|&(i, _)| i).collect();
    let fields = r
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if blocked_by == Some(i) {
                return Field {
                    invalid: f.invalid.max(1),
                    ..f.clone()
                };
            }
            if !pending.contains(&i) {
                return f.clone();
            }
            let origin = if f.origin == Origin::User {
                Origin::Empty
            } else {
                f.origin
            };
            Field {
                overwritten: false,
                ..untouched_like(f, origin)
            }
        })
        .collect();
    let mut forms = vec![Form {
        key: r.form_key.to_string(),
        attempts,
        blocked: i64::from(blocked_by.is_some()),
        blocked_by: blocked_by
            .map(|i| vec![r.fields[i].key.clone()])
            .unwrap_or_default(),
        fields,
    }];
    if !r.page_fields.is_empty() {
        forms.push(Form {
            key: "#page".into(),
            attempts: 0,
            blocked: 0,
            blocked_by: Vec::new(),
            fields: r.page_fields.clone(),
        });
    }
    forms
}

fn untouched_like(f: &Field, origin: Origin) -> Field {
    Field {
        source: f.source.clone(),
        locked: f.locked,
        ..untouched(&f.key, origin)
    }
}

/// A page view's speed: the final values and those an earlier beacon saw (no INP yet, fewer
/// long tasks). `None` for a page left before its first paint; some pages measure only long
/// tasks.
pub fn speed(
    rng: &mut Rng,
    slow_portal: bool,
    via_submit: bool,
    inp_key: Option<&str>,
) -> Option<(Speed, Speed)> {
    let roll = rng.range(0, 99);
    if roll < 8 {
        return None;
    }
    if roll < 12 {
        let only = Speed {
            long_tasks: 1,
            long_task_ms: rng.step(60, 300, 10),
            ..Speed::default()
        };
        return Some((only.clone(), only));
    }
    // The slow portal's pages often miss the thresholds; the other's mostly meet them.
    let factor = if slow_portal { 2 } else { 1 };
    let ttfb = rng.step(60, 600 * factor, 10);
    let fcp = ttfb + rng.step(100, 900, 10);
    let lcp = fcp + rng.step(0, 900 * factor, 10);
    let cls = rng.range(0, 30) * rng.range(0, 4);
    let long_tasks = rng.range(0, 5);
    let interaction = inp_key.is_some() || rng.chance(30);
    let final_speed = Speed {
        ttfb_ms: Some(ttfb),
        server_ms: via_submit.then(|| rng.step(40, 1_600 * factor, 10)),
        fcp_ms: Some(fcp),
        lcp_ms: Some(lcp),
        cls_x1000: Some(cls),
        inp_ms: interaction.then(|| rng.step(40, if slow_portal { 400 } else { 220 }, 10)),
        inp_field: inp_key.filter(|_| interaction).map(str::to_string),
        long_tasks,
        long_task_ms: long_tasks * rng.step(60, 200, 10),
    };
    let partial = Speed {
        lcp_ms: Some(fcp),
        cls_x1000: Some(cls / 2),
        inp_ms: None,
        inp_field: None,
        long_tasks: 0,
        long_task_ms: 0,
        ..final_speed.clone()
    };
    Some((partial, final_speed))
}

/// A page exactly at the "good" thresholds (TTFB 800, FCP 1800, LCP 2500, CLS 0.1, INP 200):
/// good, since a threshold is the last good value.
pub fn at_thresholds() -> (Speed, Speed) {
    let speed = Speed {
        ttfb_ms: Some(800),
        server_ms: None,
        fcp_ms: Some(1_800),
        lcp_ms: Some(2_500),
        cls_x1000: Some(100),
        inp_ms: Some(200),
        inp_field: None,
        long_tasks: 1,
        long_task_ms: 120,
    };
    let partial = Speed {
        inp_ms: None,
        ..speed.clone()
    };
    (partial, speed)
}

/// What a receipt page's `submitted` beacon sees right after it loads: the first byte only.
pub fn first_byte(final_speed: &Option<(Speed, Speed)>) -> Option<Speed> {
    final_speed.as_ref().map(|(_, f)| Speed {
        ttfb_ms: f.ttfb_ms,
        server_ms: f.server_ms,
        ..Speed::default()
    })
}
