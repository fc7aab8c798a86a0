//! One field's state: who last wrote its value, whether a pre-fill was changed, its origin
//! now, and how the citizen got on with it (focus, hesitation, corrections, pastes).

use crate::core::prelude::*;

use super::{
    field_key, normalise_source, FieldEvent, FieldFacts, FieldKind, InputKind, Origin, ValueState,
    PICK_WINDOW_MS, REFORMAT_WINDOW_MS,
};
use crate::core::time::round_ms;

/// Who last wrote the field's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Writer {
    /// Nobody the probe saw.
    Nobody,
    /// The state's side: the server's markup or page script (see `Field::prefill`).
    Prefill,
    /// The browser's autofill.
    Autofill,
    /// The citizen.
    Citizen,
}

/// One field as the core tracks it.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Stable key: from `name`, then `id`, then label text, then position. Never holds what
    /// the citizen entered.
    pub key: String,
    /// Index of the field's form.
    pub form: usize,
    /// What kind of control it is.
    pub kind: FieldKind,
    /// The database the page declared, if any.
    pub prefill_source: Option<String>,
    /// Read-only or disabled.
    pub locked: bool,
    /// The pre-fill origin of the value before the citizen touched it, if the state's side
    /// filled it.
    prefill: Option<Origin>,
    last: Writer,
    overwritten: bool,
    value: ValueState,
    /// Whether the citizen typed in it on this page.
    user_input: bool,
    /// Order in which this field was first filled on this page (by anyone), if it was.
    pub filled_order: Option<u32>,
    /// Counters, for the beacon.
    pub counters: FieldCounters,
    focused_at: Option<f64>,
    first_focus_at: Option<f64>,
    deleting: bool,
    interacted_at: Option<f64>,
    /// When the citizen last wrote the field or left it after writing.
    citizen_at: Option<f64>,
    /// The value and pre-fill origin the field had when first seen: a form reset brings them
    /// back, and that is no script's fill.
    first_value: ValueState,
    first_prefill: Option<Origin>,
}

/// How the citizen got on with a field. Durations in milliseconds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldCounters {
    /// Time the field had the focus, in all.
    pub focus_ms: f64,
    /// How many times it got the focus.
    pub visits: u32,
    /// From the first focus to the first input: how long the citizen hesitated.
    pub hesitation_ms: Option<f64>,
    /// Corrections: runs of deletions (not what was deleted).
    pub corrections: u32,
    /// Pastes.
    pub pastes: u32,
    /// Validation failures.
    pub invalid: u32,
    /// Returns: focused again after another field had the focus (counted by
    /// [`crate::core::fields::Fields`], which knows the other fields).
    pub refocus: u32,
}

impl Field {
    /// A field from what the shell first saw. `typed_before` holds the keys the citizen typed
    /// on earlier pages of the journey: a form the server shows again echoes those values.
    pub fn new(facts: FieldFacts, typed_before: &[String]) -> Field {
        let key = field_key(&facts);
        let source = facts.prefill_source.as_deref().map(normalise_source);
        let declared = facts.prefill_source.is_some();
        let (prefill, last) = match (facts.has_value, facts.value_is_default) {
            (false, _) => (None, Writer::Nobody),
            // The server shows again (or the browser restores, on back or reload) a value the
            // citizen typed earlier in the journey: the citizen's own.
            (true, _) if typed_before.contains(&key) => (None, Writer::Citizen),
            (true, true) if declared => (Some(Origin::Declared), Writer::Prefill),
            (true, true) => (Some(Origin::Server), Writer::Prefill),
            (true, false) if declared => (Some(Origin::Declared), Writer::Prefill),
            (true, false) => (Some(Origin::Script), Writer::Prefill),
        };
        Field {
            key,
            form: facts.form,
            kind: facts.kind,
            prefill_source: source,
            locked: facts.locked,
            prefill,
            last,
            overwritten: false,
            value: ValueState {
                has_value: facts.has_value,
                hash: facts.value_hash,
            },
            user_input: false,
            filled_order: None,
            counters: FieldCounters {
                invalid: u32::from(facts.invalid),
                ..Default::default()
            },
            focused_at: None,
            first_focus_at: None,
            deleting: false,
            interacted_at: None,
            citizen_at: None,
            first_value: ValueState {
                has_value: facts.has_value,
                hash: facts.value_hash,
            },
            first_prefill: prefill,
        }
    }

    /// Another element of the same field (a radio button of its group) was found: if this
    /// field had no value yet and that element carries one, the field takes that element's
    /// first-sight state; what was measured so far stays.
    pub fn join(&mut self, other: Field) {
        if !self.value.has_value && other.value.has_value {
            self.prefill = other.prefill;
            self.last = other.last;
            self.value = other.value;
        }
        self.locked &= other.locked;
        if self.prefill_source.is_none() {
            self.prefill_source = other.prefill_source;
        }
    }

    /// Sets what the field's value looks like now without calling it a change: a field made
    /// of several elements (a radio group) learns its whole group's state once all its
    /// elements are found.
    pub fn rebase(&mut self, value: ValueState) {
        if value.has_value == self.value.has_value {
            self.value = value;
        }
    }

    /// Applies one event that happened at `at_ms` (page clock). Returns whether the event
    /// filled the field for the first time on this page, so that the caller can number the
    /// order in which fields were filled ([`Field::filled_order`]).
    pub fn apply(&mut self, event: FieldEvent, at_ms: f64) -> bool {
        let wrote = match event {
            FieldEvent::Focus => {
                self.counters.visits += 1;
                self.focused_at = Some(at_ms);
                self.first_focus_at.get_or_insert(at_ms);
                false
            }
            FieldEvent::Blur => {
                if let Some(since) = self.focused_at.take() {
                    self.counters.focus_ms += (at_ms - since).max(0.0);
                }
                self.deleting = false;
                if self.last == Writer::Citizen {
                    self.citizen_at = Some(at_ms); // a reformat on blur follows
                }
                false
            }
            // A `change` after typing, or a key that changed nothing: no new write.
            FieldEvent::Input { value, .. }
                if value == self.value && self.last != Writer::Nobody =>
            {
                if self.last == Writer::Citizen {
                    self.citizen_at = Some(at_ms);
                }
                false
            }
            FieldEvent::Input {
                kind,
                value,
                autofilled,
            } => {
                if autofilled && kind != InputKind::Delete {
                    self.last = Writer::Autofill;
                } else {
                    self.citizen_wrote(kind, at_ms);
                }
                self.value = value;
                true
            }
            // An input mask or a formatter rewriting what the citizen just typed.
            FieldEvent::ScriptSet { value }
            | FieldEvent::Check {
                value,
                autofilled: false,
            } if value != self.value && self.reformatting(at_ms) => {
                self.value = value;
                false
            }
            FieldEvent::ScriptSet { value }
            | FieldEvent::Check {
                value,
                autofilled: false,
            } if value != self.value && self.picked_just_now(at_ms) => {
                self.citizen_wrote(InputKind::Insert, at_ms);
                self.value = value;
                true
            }
            FieldEvent::ScriptSet { value } => self.script_wrote(value),
            FieldEvent::Check { value, autofilled } if value != self.value => {
                if autofilled {
                    self.last = Writer::Autofill;
                    self.value = value;
                    true
                } else {
                    self.script_wrote(value)
                }
            }
            FieldEvent::Check { .. } => false,
            FieldEvent::Invalid => {
                self.counters.invalid += 1;
                false
            }
            FieldEvent::Interact => {
                self.interacted_at = Some(at_ms);
                false
            }
        };
        wrote && (self.value.has_value || self.is_choice()) && self.filled_order.is_none()
    }

    /// Whether the field is a choice (a checkbox, a radio group, a select, an ARIA widget
    /// standing for one), whose state is an answer: ticked or not, yes or no. Its origin says
    /// who set that state, never what it is.
    fn is_choice(&self) -> bool {
        matches!(
            self.kind,
            FieldKind::Checkbox | FieldKind::Radio | FieldKind::Select | FieldKind::Widget
        )
    }

    /// Whether a script write now is a reformatting of the citizen's value.
    fn reformatting(&self, at_ms: f64) -> bool {
        self.last == Writer::Citizen
            && self
                .citizen_at
                .is_some_and(|t| at_ms >= t && at_ms - t <= REFORMAT_WINDOW_MS)
    }

    fn citizen_wrote(&mut self, kind: InputKind, at_ms: f64) {
        self.citizen_at = Some(at_ms);
        if !self.user_input {
            if let Some(first) = self.first_focus_at {
                self.counters.hesitation_ms = Some((at_ms - first).max(0.0));
            }
        }
        self.user_input = true;
        match kind {
            InputKind::Delete if !self.deleting => {
                self.counters.corrections += 1;
                self.deleting = true;
            }
            InputKind::Delete => {}
            InputKind::Paste => {
                self.counters.pastes += 1;
                self.deleting = false;
            }
            _ => self.deleting = false,
        }
        if self.last == Writer::Prefill {
            self.overwritten = true;
        }
        self.last = Writer::Citizen;
    }

    /// Whether the citizen clicked or pressed a key on the field within [`PICK_WINDOW_MS`].
    fn picked_just_now(&self, at_ms: f64) -> bool {
        self.interacted_at
            .is_some_and(|t| at_ms >= t && at_ms - t <= PICK_WINDOW_MS)
    }

    /// Returns whether the script's write changed anything.
    fn script_wrote(&mut self, value: ValueState) -> bool {
        if value == self.value {
            // A framework writing back the value the field already has, or a mask writing its
            // template into an empty field (read back as empty): nothing was filled.
            return false;
        }
        if self.first_prefill.is_some() && value == self.first_value {
            // Back to what the server or database put there (a form reset): that origin again.
            self.prefill = self.first_prefill;
            self.last = Writer::Prefill;
            self.overwritten = false;
            self.value = value;
            return false;
        }
        self.prefill = Some(if self.prefill_source.is_some() {
            Origin::Declared
        } else {
            Origin::Script
        });
        self.last = Writer::Prefill;
        self.overwritten = false;
        self.value = value;
        true
    }

    /// The origin of the field's value now. A text field with no value is `empty`. A choice
    /// (see [`Field::is_choice`]) is `empty` only while nobody has set it: once the citizen, the
    /// page or the browser did, its origin is theirs whether it is now ticked or not — so that
    /// no beacon says how a citizen answered a yes/no question.
    pub fn origin(&self) -> Origin {
        let set = self.is_choice() && self.last != Writer::Nobody;
        if !self.value.has_value && !set {
            return Origin::Empty;
        }
        match self.last {
            Writer::Citizen if self.overwritten => self.prefill.unwrap_or(Origin::User),
            Writer::Citizen => Origin::User,
            Writer::Autofill => Origin::Autofill,
            Writer::Prefill => self.prefill.unwrap_or(Origin::Script),
            // A value appeared and no event said how: page script the interception missed.
            Writer::Nobody if self.prefill_source.is_some() => Origin::Declared,
            Writer::Nobody => Origin::Script,
        }
    }

    /// Whether the citizen changed a value the state's side had filled: the signal that the
    /// database held wrong or stale data.
    pub fn overwritten(&self) -> bool {
        self.overwritten && self.origin().is_prefill()
    }

    /// Whether the citizen typed, pasted or picked in this field on this page.
    pub fn had_user_input(&self) -> bool {
        self.user_input
    }

    /// Counters with durations rounded as beacons carry them; a focus still open counts up
    /// to `now_ms`.
    pub fn rounded_counters(&self, now_ms: f64) -> RoundedCounters {
        let open = self
            .focused_at
            .map_or(0.0, |since| (now_ms - since).max(0.0));
        RoundedCounters {
            focus_ms: round_ms(self.counters.focus_ms + open),
            visits: self.counters.visits,
            hesitation_ms: self.counters.hesitation_ms.map(round_ms),
            corrections: self.counters.corrections,
            pastes: self.counters.pastes,
            invalid: self.counters.invalid,
            refocus: self.counters.refocus,
        }
    }
}

/// [`FieldCounters`] as sent: durations rounded to [`crate::core::time::ROUNDING_MS`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RoundedCounters {
    /// Time with the focus.
    pub focus_ms: u64,
    /// Times focused.
    pub visits: u32,
    /// First focus to first input.
    pub hesitation_ms: Option<u64>,
    /// Runs of deletions.
    pub corrections: u32,
    /// Pastes.
    pub pastes: u32,
    /// Validation failures.
    pub invalid: u32,
    /// Returns after another field.
    pub refocus: u32,
}
