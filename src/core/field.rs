//! One form field: where its value came from (QCVN criterion 1, "citizens provide data only
//! once") and how the citizen got on with it.
//!
//! The shell reports what it sees of a field — its attributes when first met, then a stream
//! of [`FieldEvent`]s — and this module decides the field's key, the origin of its value and
//! its counters. Values never reach the core: only whether a field holds one, and a hash of it
//! that stays in memory to notice changes no event announced.

use crate::core::privacy::{self, Written};
use crate::core::time::round_ms;

/// Longest field key kept, in characters; longer names fall back to the next source of a key.
pub const MAX_KEY_LEN: usize = privacy::MAX_KEY_CHARS;

/// Where a field's value came from. The words are the ones beacons and the JS API use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The page says a database filled it (`data-prefill-source`).
    Declared,
    /// The server rendered it with a value: the live value was the markup's default.
    Server,
    /// Page script set it after load, without citizen input on the field.
    Script,
    /// The browser's own autofill filled it (the citizen's browser, not the state's data).
    Autofill,
    /// The citizen filled it.
    User,
    /// It holds no value.
    Empty,
}

impl Origin {
    /// Every origin, in the order beacons list their counts.
    pub const ALL: [Origin; 6] = [
        Origin::Declared,
        Origin::Server,
        Origin::Script,
        Origin::Autofill,
        Origin::User,
        Origin::Empty,
    ];

    /// The word beacons and the JS API use.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Declared => "declared",
            Origin::Server => "server",
            Origin::Script => "script",
            Origin::Autofill => "autofill",
            Origin::User => "user",
            Origin::Empty => "empty",
        }
    }

    /// Whether the value came from the state's side (a database, the server or page script):
    /// what criterion 1 calls pre-filled.
    pub fn is_prefill(self) -> bool {
        matches!(self, Origin::Declared | Origin::Server | Origin::Script)
    }
}

/// What kind of control a field is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A text-like `<input>` or a `<textarea>`.
    Text,
    /// A `<select>`.
    Select,
    /// A checkbox.
    Checkbox,
    /// A group of radio buttons sharing a name.
    Radio,
    /// A `contenteditable` element.
    Editable,
    /// An ARIA widget standing in for a native control (`combobox`, `listbox`, `radiogroup`).
    Widget,
}

/// What the shell saw of a field the first time it met it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldFacts {
    /// The key the page gives the field itself (`data-probe-key`), if any.
    pub probe_key: Option<String>,
    /// The `name` attribute, if any.
    pub name: Option<String>,
    /// The `id` attribute, if any.
    pub id: Option<String>,
    /// The text of the field's label, if it has one.
    pub label: Option<String>,
    /// Position of the field among the fields of its form, from 0.
    pub position: usize,
    /// Index of the field's form among the page's forms ([`Fields::form`] registers them).
    pub form: usize,
    /// What kind of control it is.
    pub kind: FieldKind,
    /// The database named by `data-prefill-source` on the field or an ancestor.
    pub prefill_source: Option<String>,
    /// Read-only or disabled: the citizen cannot change it.
    pub locked: bool,
    /// Whether the field held a value (text, a checked box, a chosen option).
    pub has_value: bool,
    /// Whether the value it held was the markup's default (`defaultValue`, `defaultChecked`,
    /// `defaultSelected`): the server put it there rather than page script.
    pub value_is_default: bool,
    /// Hash of the value, kept in memory only, to notice later changes.
    pub value_hash: u64,
    /// Whether the page marked it invalid already (`aria-invalid="true"`): a form the server
    /// sent back with validation errors.
    pub invalid: bool,
}

impl FieldFacts {
    /// An empty text field with only a name, in form `form` at `position`: the starting point
    /// tests and examples change with `..FieldFacts::named(…)`.
    pub fn named(name: &str, form: usize, position: usize) -> FieldFacts {
        FieldFacts {
            probe_key: None,
            name: (!name.is_empty()).then(|| name.to_string()),
            id: None,
            label: None,
            position,
            form,
            kind: FieldKind::Text,
            prefill_source: None,
            locked: false,
            has_value: false,
            value_is_default: true,
            value_hash: 0,
            invalid: false,
        }
    }
}

/// What the shell saw the citizen or the page do to a field, as it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldEvent {
    /// The field got the focus.
    Focus,
    /// The field lost the focus.
    Blur,
    /// Trusted input from the citizen: typing, pasting, dropping, dictating, picking. When the
    /// browser's autofill is what changed the value, `autofilled` is set.
    Input {
        /// What sort of input.
        kind: InputKind,
        /// The value now, as the shell sees it.
        value: ValueState,
        /// The field matches `:autofill` after this input.
        autofilled: bool,
    },
    /// Page script set the value: an intercepted setter, or an untrusted `input`/`change`
    /// event.
    ScriptSet {
        /// The value now.
        value: ValueState,
    },
    /// The shell compared the value at a checkpoint (focus, blur, submit, the page hidden).
    /// A change no event announced is page script's doing — or the browser's autofill.
    Check {
        /// The value now.
        value: ValueState,
        /// The field matches `:autofill`.
        autofilled: bool,
    },
    /// Validation failed on the field (`invalid` event, `aria-invalid="true"` appearing).
    Invalid,
    /// The citizen clicked or pressed a key on the field or its popup (trusted). A value the
    /// page's script sets right after is the citizen's pick through a custom widget.
    Interact,
}

/// How soon after the citizen's click or key press a value set by page script counts as the
/// citizen's pick (a custom select's click handler sets the value), in milliseconds.
pub const PICK_WINDOW_MS: f64 = 500.0;

/// How soon after the citizen's own input (or leaving the field) a value page script sets is a
/// reformatting of the citizen's value — an input mask, upper-casing, thousands separators on
/// blur — rather than page script filling the field, in milliseconds. Formatters run in the
/// same event dispatch or the next frame; a fill from a database lookup takes a network round
/// trip, far longer.
pub const REFORMAT_WINDOW_MS: f64 = 50.0;

impl FieldEvent {
    /// The citizen typed, leaving a value whose hash is `hash`: the event tests and examples
    /// use most.
    pub fn typed(hash: u64) -> FieldEvent {
        FieldEvent::Input {
            kind: InputKind::Insert,
            value: ValueState {
                has_value: true,
                hash,
            },
            autofilled: false,
        }
    }
}

/// Whether a field holds a value, and the value's hash (never the value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValueState {
    /// The field holds a value.
    pub has_value: bool,
    /// Hash of the value.
    pub hash: u64,
}

/// What sort of trusted input the citizen made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// Typing, dictation, picking an option, checking a box.
    Insert,
    /// Deleting (backspace, delete, cut): a correction.
    Delete,
    /// Pasting.
    Paste,
    /// Dropping text.
    Drop,
}

impl InputKind {
    /// Classifies an `InputEvent.inputType` (empty for `change` events and old browsers).
    pub fn from_input_type(input_type: &str) -> InputKind {
        if input_type.starts_with("delete") {
            InputKind::Delete
        } else if input_type == "insertFromPaste" || input_type == "insertFromPasteAsQuotation" {
            InputKind::Paste
        } else if input_type == "insertFromDrop" {
            InputKind::Drop
        } else {
            InputKind::Insert
        }
    }
}

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
        if value == self.value && self.last != Writer::Nobody {
            return false; // a framework writing back the value the field already has
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
}

/// The key of a field: the page's own `data-probe-key`, else its `name`, else its `id`, else
/// its label text, else `#position`. Each passes the privacy rule ([`privacy::key`]; a label as
/// text the page wrote for the citizen, held to more) and must not look like a token; an id a
/// framework generated (`mat-input-3`, `:r5:`, `ember12`), which would not be the same on the
/// next visit, is skipped too. `#position` is structural: it says nothing of anyone.
pub fn field_key(facts: &FieldFacts) -> String {
    let id = facts.id.as_deref().filter(|id| !is_generated_id(id));
    let written = [facts.probe_key.as_deref(), facts.name.as_deref(), id]
        .into_iter()
        .flatten()
        .find_map(developer_key);
    written
        .or_else(|| {
            facts
                .label
                .as_deref()
                .and_then(|label| privacy::key(label, Written::OnPage))
        })
        .unwrap_or_else(|| format!("#{}", facts.position))
}

/// A name a developer wrote (a field's or a form's `name` or `id`, `data-probe-key`) as a key,
/// if the privacy rule lets it be one and it is no token.
pub fn developer_key(text: &str) -> Option<String> {
    privacy::key(text, Written::ByDeveloper).filter(|k| !privacy::is_identifier_like(k))
}

/// Whether an id looks generated by a framework rather than written by the portal: React's
/// `useId` (`:r5:`, `«r5»`), a trailing counter after a framework prefix (`mat-input-3`,
/// `ember12`, `ext-comp-1042`, `__BVID__12`, `vs1__combobox`), which change between visits.
pub fn is_generated_id(id: &str) -> bool {
    if id.starts_with(':') || id.starts_with('«') || id.starts_with("__") {
        return true;
    }
    const PREFIXES: [&str; 8] = [
        "mat-",
        "ember",
        "ext-",
        "cdk-",
        "mui-",
        "react-select-",
        "headlessui-",
        "radix-",
    ];
    PREFIXES.iter().any(|p| id.starts_with(p)) && id.bytes().any(|b| b.is_ascii_digit())
}

/// Longest database name kept from `data-prefill-source`.
pub const MAX_SOURCE_LEN: usize = 64;
/// What a `data-prefill-source` that cannot be sent as is becomes (empty, or looking like an
/// identifier): the field still counts as declared.
pub const UNNAMED_SOURCE: &str = "unnamed";

/// A database name as beacons carry it: trimmed, whitespace collapsed, at most
/// [`MAX_SOURCE_LEN`] characters; [`UNNAMED_SOURCE`] when the privacy rule does not let it be
/// sent (empty, an identifier, a name).
pub fn normalise_source(source: &str) -> String {
    let name: String = source
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_SOURCE_LEN)
        .collect();
    developer_key(&name).unwrap_or_else(|| UNNAMED_SOURCE.to_string())
}

#[cfg(test)]
mod tests {
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
                invalid: 1
            }
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
}
