//! What the shell reports of a page's forms and fields, handed to the field model
//! (`core::fields`), and what it means for the journey (a refusal blocks, the citizen's first
//! input begins a waiting journey).

use super::{Now, Probe};
use crate::core::field::{FieldEvent, FieldFacts};
use crate::core::fields::{FormFacts, Observed};

impl Probe {
    /// Registers a form; returns its index.
    pub fn form_seen(&mut self, facts: FormFacts) -> usize {
        self.fields.form(facts)
    }

    /// Records a field the shell found (`None` past the model's bound).
    pub fn field_seen(&mut self, facts: FieldFacts) -> Option<Observed> {
        // A form the server sent back with errors: the citizen is blocked from here.
        if facts.invalid {
            self.page_clock.refused(&mut self.journey.clock);
        }
        self.fields.observe(facts, &self.journey.typed)
    }

    /// Applies what happened to a field. The first citizen input in a field makes the journey
    /// remember its key (see [`Journey::typed`]); returns whether that happened, so that the
    /// shell stores the journey.
    pub fn field_event(&mut self, index: usize, event: FieldEvent, now: Now) -> bool {
        if !matches!(
            event,
            FieldEvent::ScriptSet { .. } | FieldEvent::Check { .. }
        ) {
            self.last_activity = now.epoch_ms;
        }
        let began = matches!(event, FieldEvent::Input { .. }) && self.act(now);
        if event == FieldEvent::Invalid {
            self.tick(now);
            self.page_clock.refused(&mut self.journey.clock);
        }
        let applied = self.fields.event(index, event, now.page_ms);
        if matches!(event, FieldEvent::Focus | FieldEvent::Input { .. }) {
            if let Some(field) = self.fields.all().get(index) {
                if self.journey.last_field.as_deref() != Some(field.key.as_str()) {
                    self.journey.last_field = Some(field.key.clone());
                }
            }
        }
        if applied.first_user_input {
            if let Some(field) = self.fields.all().get(index) {
                self.journey.typed_in(&field.key);
            }
        }
        began || applied.first_user_input
    }

    /// The citizen clicked, tapped or pressed a key outside every field: in the popup of the
    /// field they last focused or acted on (see [`crate::core::fields::Fields::acted_outside`]).
    pub fn outside_action(&mut self, now: Now) {
        self.last_activity = now.epoch_ms;
        self.fields.acted_outside(now.page_ms);
    }

    /// A field made of several elements learned its whole group's value (no change implied).
    pub fn field_rebased(&mut self, index: usize, value: crate::core::field::ValueState) {
        self.fields.rebase(index, value);
    }

    /// A field's element left the page.
    pub fn field_removed(&mut self, index: usize) {
        self.fields.remove(index);
    }

    /// A form was submitted. Returns whether that began a waiting journey (the shell then
    /// stores it).
    pub fn form_submitted(&mut self, form: usize, now: Now) -> bool {
        self.last_activity = now.epoch_ms;
        let began = self.act(now);
        self.fields.submit(form, now.page_ms);
        self.submitted_form_at = Some(now.page_ms);
        began
    }
}
