//! Every field and form of a page: registration, events, submit attempts, and the summaries
//! beacons carry.

use crate::core::prelude::*;

use crate::core::field::{Field, FieldEvent, FieldFacts, Origin};
use crate::core::small_map::SmallMap;

/// Most fields a page's model holds; fields found beyond are ignored (and counted).
pub const MAX_FIELDS: usize = 5_000;
/// Invalid fields within this long after a submit (or after the first invalid field of a
/// burst) belong to the same blocked attempt, in milliseconds.
pub const ATTEMPT_WINDOW_MS: f64 = 1_000.0;
/// Key of the pseudo-form holding fields outside any `<form>`.
pub const PAGE_FORM_KEY: &str = "#page";

/// What the shell saw of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormFacts {
    /// The `id` attribute.
    pub id: Option<String>,
    /// The `name` attribute.
    pub name: Option<String>,
    /// Position among the page's forms, or `None` for the fields outside any form.
    pub position: Option<usize>,
}

/// One form (or the page's pseudo-form).
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    /// Stable key: `id`, else `name`, else `form#position`; [`PAGE_FORM_KEY`] for fields
    /// outside any form.
    pub key: String,
    /// Submit attempts: submit events, and submissions the browser's own validation stopped.
    pub attempts: u32,
    /// Attempts that validation stopped (in the browser or by the page's script).
    pub blocked: u32,
    /// Fields that stopped an attempt, by field index, each once.
    pub blocked_by: Vec<usize>,
    /// The attempt invalid fields still join: its time and whether one already blocked it.
    open_attempt: Option<(f64, bool)>,
}

/// How many fields have a value of each origin.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FieldCounts {
    /// All fields.
    pub total: u32,
    /// By origin, in the order of [`Origin::ALL`].
    pub by_origin: [u32; 6],
    /// Pre-filled fields whose value the citizen changed (counted in their origin too).
    pub overwritten: u32,
}

impl FieldCounts {
    /// Fields of one origin.
    pub fn of(&self, origin: Origin) -> u32 {
        self.by_origin[origin_slot(origin)]
    }
}

fn origin_slot(origin: Origin) -> usize {
    Origin::ALL.iter().position(|o| *o == origin).unwrap_or(0)
}

/// What [`Fields::observe`] made of an element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observed {
    /// The field's index.
    pub index: usize,
    /// Whether the element is a new field (else another element of a known one, such as a
    /// radio button of a group already found, or a field put back on the page).
    pub new: bool,
}

/// What an event did that the journey must remember.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The citizen typed in this field for the first time on this page.
    pub first_user_input: bool,
}

/// The fields and forms of one page.
#[derive(Clone, Debug, Default)]
pub struct Fields {
    forms: Vec<Form>,
    form_of_position: SmallMap<Option<usize>, usize>,
    fields: Vec<Field>,
    /// Fields whose element left the page.
    removed: Vec<bool>,
    /// Slots of fields that left the page untouched, free for the next new field: a page that
    /// churns through fields (an infinite list, a wizard re-rendering) keeps a bounded model.
    free: Vec<usize>,
    by_key: SmallMap<(usize, String), usize>,
    fills: u32,
    /// The field the citizen last focused or acted on: a click or key press outside every
    /// field (in a calendar or a list the page renders at the end of `<body>`) is on that
    /// field's popup.
    opener: Option<usize>,
    /// The field that last had the focus: focusing another one that had it before is a
    /// return (`refocus`).
    focused: Option<usize>,
    /// Fields found beyond [`MAX_FIELDS`].
    pub ignored: u32,
}

impl Fields {
    /// Registers a form (once per position) and returns its index.
    pub fn form(&mut self, facts: FormFacts) -> usize {
        if let Some(&index) = self.form_of_position.get(&facts.position) {
            return index;
        }
        let key = match facts.position {
            None => PAGE_FORM_KEY.to_string(),
            Some(position) => [facts.id.as_deref(), facts.name.as_deref()]
                .into_iter()
                .flatten()
                .find_map(crate::core::field::developer_key)
                .unwrap_or_else(|| {
                    crate::core::text::concat(&[
                        "form#",
                        &crate::core::text::number(position as u64),
                    ])
                }),
        };
        let index = self.forms.len();
        self.forms.push(Form {
            key,
            attempts: 0,
            blocked: 0,
            blocked_by: Vec::new(),
            open_attempt: None,
        });
        self.form_of_position.insert(facts.position, index);
        index
    }

    /// Records a field the shell found, or `None` past [`MAX_FIELDS`]. Elements of one form
    /// that share a key (the radio buttons of a group) are one field, which holds a value if
    /// any of them does.
    pub fn observe(&mut self, facts: FieldFacts, typed_before: &[String]) -> Option<Observed> {
        let field = Field::new(facts, typed_before);
        if let Some(&index) = self.by_key.get(&(field.form, field.key.clone())) {
            self.removed[index] = false;
            self.fields[index].join(field);
            return Some(Observed { index, new: false });
        }
        let key = (field.form, field.key.clone());
        let index = if let Some(index) = self.free.pop() {
            self.fields[index] = field;
            self.removed[index] = false;
            index
        } else if self.fields.len() < MAX_FIELDS {
            self.fields.push(field);
            self.removed.push(false);
            self.fields.len() - 1
        } else {
            self.ignored += 1;
            return None;
        };
        self.by_key.insert(key, index);
        Some(Observed { index, new: true })
    }

    /// Applies an event to a field.
    pub fn event(&mut self, index: usize, event: FieldEvent, at_ms: f64) -> Applied {
        let Some(field) = self.fields.get_mut(index) else {
            return Applied {
                first_user_input: false,
            };
        };
        if matches!(event, FieldEvent::Focus | FieldEvent::Interact) {
            self.opener = Some(index);
        }
        if event == FieldEvent::Focus {
            if field.counters.visits > 0 && self.focused != Some(index) {
                field.counters.refocus += 1;
            }
            self.focused = Some(index);
        }
        let had_input = field.had_user_input();
        if field.apply(event, at_ms) {
            field.filled_order = Some(self.fills);
            self.fills += 1;
        }
        let first_user_input = !had_input && field.had_user_input();
        if event == FieldEvent::Invalid {
            let form = field.form;
            self.invalid_in_form(form, index, at_ms);
        }
        Applied { first_user_input }
    }

    /// The citizen clicked, tapped or pressed a key outside every field, at `at_ms`: in the
    /// popup of the field they last focused or acted on (a date picker's calendar, an enhanced
    /// select's list, which pages render at the end of `<body>` without linking them). A value
    /// the page sets in that field right after is the citizen's pick; one it sets in any other
    /// field ("same as the permanent address") stays the page's.
    pub fn acted_outside(&mut self, at_ms: f64) {
        if let Some(field) = self.opener.and_then(|i| self.fields.get_mut(i)) {
            field.apply(FieldEvent::Interact, at_ms);
        }
    }

    /// Tells a field made of several elements what its whole group's value looks like (see
    /// [`Field::rebase`]).
    pub fn rebase(&mut self, index: usize, value: crate::core::field::ValueState) {
        if let Some(field) = self.fields.get_mut(index) {
            field.rebase(value);
        }
    }

    /// The element of a field left the page: it is no longer watched. What was measured stays,
    /// unless the field was never touched nor filled (a page that churns through fields).
    pub fn remove(&mut self, index: usize) {
        let Some(field) = self.fields.get(index) else {
            return;
        };
        if self.removed[index] {
            return;
        }
        self.removed[index] = true;
        if self.opener == Some(index) {
            self.opener = None;
        }
        if is_pristine(field) {
            self.by_key.remove(&(field.form, field.key.clone()));
            self.free.push(index);
        }
    }

    /// A form was submitted (the `submit` event).
    pub fn submit(&mut self, form: usize, at_ms: f64) {
        if let Some(form) = self.forms.get_mut(form) {
            form.attempts += 1;
            form.open_attempt = Some((at_ms, false));
        }
    }

    fn invalid_in_form(&mut self, form: usize, field: usize, at_ms: f64) {
        let Some(form) = self.forms.get_mut(form) else {
            return;
        };
        match form.open_attempt {
            Some((at, blocked)) if at_ms - at <= ATTEMPT_WINDOW_MS => {
                if !blocked {
                    form.blocked += 1;
                    form.open_attempt = Some((at, true));
                }
            }
            // The browser's own validation stops a submission without a submit event.
            _ => {
                form.attempts += 1;
                form.blocked += 1;
                form.open_attempt = Some((at_ms, true));
            }
        }
        if !form.blocked_by.contains(&field) {
            form.blocked_by.push(field);
        }
    }

    /// Every field, by index (removed ones included).
    pub fn all(&self) -> &[Field] {
        &self.fields
    }

    /// The forms, by index.
    pub fn forms(&self) -> &[Form] {
        &self.forms
    }

    /// The fields that are reported: every field still on the page, and removed ones the
    /// citizen or the page did something with. With each, whether it was removed.
    pub fn reported(&self) -> impl Iterator<Item = (usize, &Field, bool)> {
        self.fields
            .iter()
            .enumerate()
            .map(|(i, f)| (i, f, self.removed[i]))
            .filter(|(_, f, removed)| !removed || !is_pristine(f))
    }

    /// Counts the reported fields by origin.
    pub fn counts(&self) -> FieldCounts {
        let mut counts = FieldCounts::default();
        for (_, field, _) in self.reported() {
            counts.total += 1;
            counts.by_origin[origin_slot(field.origin())] += 1;
            counts.overwritten += u32::from(field.overwritten());
        }
        counts
    }

    /// Whether the page has any field to report.
    pub fn is_empty(&self) -> bool {
        self.reported().next().is_none()
    }
}

/// Nothing happened to the field and it holds nothing: forgetting it loses no measurement.
fn is_pristine(field: &Field) -> bool {
    !field.had_user_input()
        && field.counters.visits == 0
        && field.counters.invalid == 0
        && field.filled_order.is_none()
        && field.origin() == Origin::Empty
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::field::ValueState;

    fn facts(name: &str, form: usize) -> FieldFacts {
        FieldFacts::named(name, form, 0)
    }

    fn typed(hash: u64) -> FieldEvent {
        FieldEvent::typed(hash)
    }

    fn page() -> (Fields, usize, usize) {
        let mut fields = Fields::default();
        let a = fields.form(FormFacts {
            id: Some("form-buoc-1".into()),
            name: None,
            position: Some(0),
        });
        let outside = fields.form(FormFacts {
            id: None,
            name: None,
            position: None,
        });
        (fields, a, outside)
    }

    #[test]
    fn forms_are_keyed_by_id_then_name_then_position() {
        let mut fields = Fields::default();
        let a = fields.form(FormFacts {
            id: Some("dang-ky".into()),
            name: Some("x".into()),
            position: Some(0),
        });
        let b = fields.form(FormFacts {
            id: None,
            name: Some("tim-kiem".into()),
            position: Some(1),
        });
        let c = fields.form(FormFacts {
            id: Some("ho-so-001190012345".into()),
            name: None,
            position: Some(2),
        });
        let d = fields.form(FormFacts {
            id: None,
            name: None,
            position: None,
        });
        assert_eq!(
            fields.form(FormFacts {
                id: None,
                name: None,
                position: Some(1)
            }),
            b,
            "once per position"
        );
        let keys: Vec<&str> = [a, b, c, d]
            .iter()
            .map(|&i| fields.forms()[i].key.as_str())
            .collect();
        assert_eq!(keys, ["dang-ky", "tim-kiem", "form#2", "#page"]);
    }

    #[test]
    fn radio_buttons_of_one_group_are_one_field_carrying_the_checked_value() {
        let (mut fields, form, _) = page();
        let first = fields
            .observe(facts("loai_phieu", form), &[])
            .unwrap()
            .index;
        let second = fields
            .observe(
                FieldFacts {
                    has_value: true,
                    value_hash: 2,
                    ..facts("loai_phieu", form)
                },
                &[],
            )
            .unwrap()
            .index;
        assert_eq!(first, second);
        assert_eq!(fields.all().len(), 1);
        assert_eq!(fields.all()[0].origin(), Origin::Server);
    }

    #[test]
    fn the_same_name_in_two_forms_is_two_fields() {
        let (mut fields, form, outside) = page();
        let a = fields.observe(facts("email", form), &[]).unwrap().index;
        let b = fields.observe(facts("email", outside), &[]).unwrap().index;
        assert_ne!(a, b);
    }

    #[test]
    fn fill_order_follows_who_filled_first() {
        let (mut fields, form, _) = page();
        let a = fields.observe(facts("a", form), &[]).unwrap().index;
        let b = fields.observe(facts("b", form), &[]).unwrap().index;
        let c = fields.observe(facts("c", form), &[]).unwrap().index;
        assert!(fields.event(c, typed(1), 10.0).first_user_input);
        assert!(!fields.event(c, typed(2), 11.0).first_user_input);
        fields.event(
            a,
            FieldEvent::ScriptSet {
                value: ValueState {
                    has_value: true,
                    hash: 3,
                },
            },
            20.0,
        );
        let order: Vec<Option<u32>> = [a, b, c]
            .iter()
            .map(|&i| fields.all()[i].filled_order)
            .collect();
        assert_eq!(order, [Some(1), None, Some(0)]);
    }

    #[test]
    fn a_submit_blocked_by_the_browsers_validation_is_an_attempt() {
        let (mut fields, form, _) = page();
        let a = fields.observe(facts("a", form), &[]).unwrap().index;
        let b = fields.observe(facts("b", form), &[]).unwrap().index;
        // No submit event: the browser fired `invalid` on both fields at once.
        fields.event(a, FieldEvent::Invalid, 1_000.0);
        fields.event(b, FieldEvent::Invalid, 1_000.0);
        // Corrected, submitted.
        fields.submit(form, 5_000.0);
        let f = &fields.forms()[form];
        assert_eq!(
            (f.attempts, f.blocked, f.blocked_by.clone()),
            (2, 1, vec![a, b])
        );
    }

    #[test]
    fn a_submit_the_pages_script_refuses_is_blocked_by_the_fields_it_marks() {
        let (mut fields, form, _) = page();
        let a = fields
            .observe(facts("so_dien_thoai", form), &[])
            .unwrap()
            .index;
        fields.submit(form, 1_000.0);
        fields.event(a, FieldEvent::Invalid, 1_020.0); // aria-invalid set by the page's validation
        fields.submit(form, 9_000.0);
        fields.event(a, FieldEvent::Invalid, 9_010.0);
        fields.submit(form, 20_000.0);
        let f = &fields.forms()[form];
        assert_eq!(
            (f.attempts, f.blocked, f.blocked_by.clone()),
            (3, 2, vec![a])
        );
        assert_eq!(fields.all()[a].counters.invalid, 2);
    }

    #[test]
    fn removed_fields_keep_what_was_measured_and_untouched_ones_vanish() {
        let (mut fields, form, _) = page();
        let used = fields.observe(facts("used", form), &[]).unwrap().index;
        let untouched = fields.observe(facts("untouched", form), &[]).unwrap().index;
        fields.event(used, typed(1), 5.0);
        fields.remove(used);
        fields.remove(untouched);
        let reported: Vec<(usize, bool)> = fields
            .reported()
            .map(|(i, _, removed)| (i, removed))
            .collect();
        assert_eq!(reported, [(used, true)]);
        assert_eq!(fields.counts().total, 1);
        // Put back (a wizard step shown again): watched again.
        fields.observe(facts("untouched", form), &[]);
        assert_eq!(fields.counts().total, 2);
    }

    #[test]
    fn counts_by_origin() {
        let (mut fields, form, _) = page();
        fields.observe(
            FieldFacts {
                has_value: true,
                ..facts("server", form)
            },
            &[],
        );
        let typed_in = fields.observe(facts("typed", form), &[]).unwrap().index;
        fields.observe(facts("empty", form), &[]);
        fields.event(typed_in, typed(1), 1.0);
        let counts = fields.counts();
        assert_eq!(
            (
                counts.total,
                counts.of(Origin::Server),
                counts.of(Origin::User),
                counts.of(Origin::Empty)
            ),
            (3, 1, 1, 1)
        );
    }

    #[test]
    fn a_page_churning_through_fields_keeps_a_bounded_model() {
        let (mut fields, form, _) = page();
        for i in 0..20_000 {
            let Observed { index, new } = fields
                .observe(facts(&format!("row-{i}"), form), &[])
                .unwrap();
            assert!(new);
            if i >= 50 {
                // the oldest row leaves as a new one comes
                let oldest = fields
                    .by_key
                    .get(&(form, format!("row-{}", i - 50)))
                    .copied()
                    .unwrap();
                fields.remove(oldest);
            }
            assert!(index < 60, "slot {index} at row {i}");
        }
        assert_eq!(fields.counts().total, 50);
        assert_eq!(fields.ignored, 0);
    }

    #[test]
    fn the_model_is_bounded() {
        let (mut fields, form, _) = page();
        for i in 0..MAX_FIELDS + 10 {
            fields.observe(facts(&format!("f{i}"), form), &[]);
        }
        assert_eq!((fields.all().len(), fields.ignored), (MAX_FIELDS, 10));
    }

    fn script_set(hash: u64) -> FieldEvent {
        FieldEvent::ScriptSet {
            value: ValueState {
                has_value: true,
                hash,
            },
        }
    }

    /// Returns: the citizen goes to the phone field, on to the e-mail, back to the phone
    /// (one return), leaves and refocuses the phone with nothing between (none), and back to the
    /// e-mail (its one return). A first focus is never a return.
    #[test]
    fn a_return_is_a_focus_after_another_field_had_the_focus() {
        let (mut fields, form, _) = page();
        let phone = fields
            .observe(facts("so_dien_thoai", form), &[])
            .unwrap()
            .index;
        let email = fields.observe(facts("email", form), &[]).unwrap().index;
        let at = |n: u32| f64::from(n) * 1_000.0;
        let walk = [phone, email, phone, phone, email];
        for (i, &index) in walk.iter().enumerate() {
            fields.event(index, FieldEvent::Focus, at(2 * i as u32));
            fields.event(index, FieldEvent::Blur, at(2 * i as u32 + 1));
        }
        let refocus = |i: usize| fields.all()[i].rounded_counters(at(20)).refocus;
        assert_eq!((refocus(phone), refocus(email)), (1, 1));
        assert_eq!(fields.all()[phone].counters.visits, 3);
    }

    /// A date picker: the citizen clicks the field, navigates its calendar (rendered at the end
    /// of `<body>`, not linked) and clicks a day; the page's script then writes the date.
    #[test]
    fn a_pick_in_an_unlinked_popup_is_the_citizens_in_the_field_that_opened_it() {
        let (mut fields, form, _) = page();
        let dob = fields.observe(facts("ngay_sinh", form), &[]).unwrap().index;
        let other = fields.observe(facts("ngay_cap", form), &[]).unwrap().index;
        fields.event(dob, FieldEvent::Focus, 1_000.0);
        fields.event(dob, FieldEvent::Interact, 1_000.0);
        fields.acted_outside(2_500.0); // the month's arrow
        fields.acted_outside(4_000.0); // a day
        fields.event(dob, script_set(19_900_815), 4_060.0);
        // The page also writes another field in answer to the same click: the page's doing.
        fields.event(other, script_set(7), 4_070.0);
        assert_eq!(fields.all()[dob].origin(), Origin::User);
        assert_eq!(fields.all()[other].origin(), Origin::Script);
    }

    #[test]
    fn a_click_outside_every_field_long_before_a_write_is_no_pick() {
        let (mut fields, form, _) = page();
        let dob = fields.observe(facts("ngay_sinh", form), &[]).unwrap().index;
        fields.event(dob, FieldEvent::Focus, 1_000.0);
        fields.acted_outside(2_000.0);
        fields.event(dob, script_set(1), 2_000.0 + PICK_WINDOW + 1.0);
        assert_eq!(fields.all()[dob].origin(), Origin::Script);
    }

    /// Step 1's field the citizen clicked leaves the page untouched, and step 2's field takes
    /// its slot: a click on "Tiếp tục" (outside every field) must not make step 2's pre-fill
    /// the citizen's.
    #[test]
    fn a_popup_has_no_field_once_the_field_that_opened_it_left_the_page() {
        let (mut fields, form, _) = page();
        let gone = fields.observe(facts("buoc_1", form), &[]).unwrap().index;
        fields.event(gone, FieldEvent::Interact, 1_000.0);
        fields.remove(gone);
        let next = fields.observe(facts("buoc_2", form), &[]).unwrap().index;
        assert_eq!(next, gone, "the untouched field's slot is reused");
        fields.acted_outside(2_000.0); // "Tiếp tục"
        fields.event(next, script_set(3), 2_200.0); // step 2's pre-fill from a fetch
        assert_eq!(fields.all()[next].origin(), Origin::Script);
    }

    /// "Same as the permanent address": the citizen ticks a box and the page fills three other
    /// fields at once.
    #[test]
    fn fields_the_page_fills_in_answer_to_a_click_on_another_field_are_the_pages() {
        let (mut fields, form, _) = page();
        let same = fields.observe(
            FieldFacts {
                kind: crate::core::field::FieldKind::Checkbox,
                ..facts("giong_thuong_tru", form)
            },
            &[],
        );
        let same = same.unwrap().index;
        let copied: Vec<usize> = ["tinh_o", "huyen_o", "xa_o"]
            .iter()
            .map(|k| fields.observe(facts(k, form), &[]).unwrap().index)
            .collect();
        fields.event(same, FieldEvent::Interact, 1_000.0);
        fields.event(same, typed(1), 1_001.0); // the trusted change of the box
        for (n, &i) in copied.iter().enumerate() {
            fields.event(i, script_set(10 + n as u64), 1_002.0 + n as f64);
        }
        assert_eq!(fields.all()[same].origin(), Origin::User);
        for &i in &copied {
            assert_eq!(fields.all()[i].origin(), Origin::Script);
        }
    }

    /// An input mask that cancels the key and writes the value itself, key after key.
    #[test]
    fn a_mask_that_writes_the_citizens_keys_itself_leaves_the_value_the_citizens() {
        let (mut fields, form, _) = page();
        let phone = fields
            .observe(facts("so_dien_thoai", form), &[])
            .unwrap()
            .index;
        for key in 0..4u64 {
            let t = 1_000.0 + key as f64 * 180.0;
            fields.event(phone, FieldEvent::Interact, t); // keydown, cancelled by the mask
            fields.event(phone, script_set(100 + key), t + 1.0);
        }
        assert_eq!(fields.all()[phone].origin(), Origin::User);
        assert!(fields.all()[phone].had_user_input());
    }

    const PICK_WINDOW: f64 = 500.0;
}
