//! One form field: where its value came from (QCVN criterion 1, "citizens provide data only
//! once") and how the citizen got on with it.
//!
//! The shell reports what it sees of a field — its attributes when first met, then a stream
//! of [`FieldEvent`]s — and this module decides the field's key, the origin of its value and
//! its counters. Values never reach the core: only whether a field holds one, and a hash of it
//! that stays in memory to notice changes no event announced.

//!
//! One room per concern: this file holds what the shell reports (the field's kind, its facts
//! when first met, the events that happen to it) and the origins a value can have; `state` is
//! the field's state machine (who wrote its value, the counters); `key` decides its key and
//! its source's name through the privacy rule.

use crate::core::prelude::*;

mod key;
mod state;
#[cfg(test)]
mod tests;

pub use key::{
    developer_key, field_key, is_generated_id, normalise_source, MAX_SOURCE_LEN, UNNAMED_SOURCE,
};
pub use state::{Field, FieldCounters, RoundedCounters};

use crate::core::privacy;

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
    /// The citizen clicked, tapped, pressed a key or pasted on the field or its popup
    /// (trusted). A value the page's script sets right after is the citizen's: a pick through
    /// a custom widget, a key an input mask cancelled and wrote itself, a paste an editor
    /// handled itself.
    Interact,
}

/// What the shell reports of one event, decoded from its numbers: `code` 0 focus, 1 blur, 2
/// trusted input, 3 page script set the value, 4 a check found it changed, 5 invalid, 6 the
/// citizen's click, tap, key press or paste on the field, 7 the same outside every field (a
/// popup at the end of `<body>`). For 2, `input` holds the [`InputKind`] (0 insert, 1 delete,
/// 2 paste, 3 drop) plus [`UNANNOUNCED`] and [`AFTER_SCRIPT_EVENT`].
pub fn shell_event(code: u32, value: ValueState, autofilled: bool, input: u32) -> ShellReport {
    ShellReport::Field(match code {
        0 => FieldEvent::Focus,
        1 => FieldEvent::Blur,
        // A trusted input that no trusted `beforeinput` announced (page script's
        // `document.execCommand('insertText')`), or that follows an event page script
        // dispatched (`el.click()` on a checkbox: Chromium marks the `input` and `change` it
        // causes as trusted): the page's doing, whatever the browser calls it.
        2 if input & (UNANNOUNCED | AFTER_SCRIPT_EVENT) != 0 => FieldEvent::ScriptSet { value },
        2 => FieldEvent::Input {
            kind: [
                InputKind::Insert,
                InputKind::Delete,
                InputKind::Paste,
                InputKind::Drop,
            ][(input & 3) as usize],
            value,
            autofilled,
        },
        3 => FieldEvent::ScriptSet { value },
        4 => FieldEvent::Check { value, autofilled },
        5 => FieldEvent::Invalid,
        7 => return ShellReport::Outside,
        _ => FieldEvent::Interact,
    })
}

/// A trusted text input (one with an `inputType`) that no trusted `beforeinput` on the same
/// field announced. Browsers announce the citizen's typing, IME composition, dictation, paste,
/// drop, undo and spelling fixes with one; `execCommand` and Chromium's autofill send none
/// (autofill sends no `inputType` either, so it is not flagged).
pub const UNANNOUNCED: u32 = 4;

/// A trusted `input` or `change` that follows an event page script dispatched on the field (an
/// untrusted `click`), with no action of the citizen's since.
pub const AFTER_SCRIPT_EVENT: u32 = 8;

/// An event the shell reports, decoded ([`shell_event`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShellReport {
    /// Something happened to one field.
    Field(FieldEvent),
    /// The citizen clicked, tapped or pressed a key outside every field: in a popup (a
    /// calendar, an enhanced select's list) that belongs to the field they opened it from.
    Outside,
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
