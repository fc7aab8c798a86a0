//! The field model: which form fields a page has, and where each field's value came from
//! (QCVN criterion 1, "citizens provide data only once").
//!
//! The shell reports what it sees — a field's name and id, whether it held a value when first
//! seen and whether that value was the one in the markup, trusted citizen input — and the core
//! decides the field's key and the origin of its value. Values themselves never reach the core.

use crate::core::url::is_identifier_like;
use std::collections::HashMap;

/// Longest field key kept; longer names fall back to the field's position.
pub const MAX_KEY_LEN: usize = 64;

/// Where a field's value came from. The words are the ones beacons and the JS API use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The page says a database filled it (`data-prefill-source`).
    Declared,
    /// The server rendered it with a value: the live value was the markup's default.
    Server,
    /// Page script set it after load, without citizen input on the field.
    Script,
    /// The citizen filled it.
    User,
    /// Nobody filled it.
    Empty,
}

impl Origin {
    /// The word beacons and the JS API use.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Declared => "declared",
            Origin::Server => "server",
            Origin::Script => "script",
            Origin::User => "user",
            Origin::Empty => "empty",
        }
    }
}

/// What the shell saw of a field the first time it met it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldFacts {
    /// The `name` attribute, if any.
    pub name: Option<String>,
    /// The `id` attribute, if any.
    pub id: Option<String>,
    /// Position of the field among the page's fields, from 0.
    pub position: usize,
    /// The database named by `data-prefill-source` on the field or an ancestor.
    pub prefill_source: Option<String>,
    /// Whether the field held a value (text, a checked box, a chosen option).
    pub has_value: bool,
    /// Whether the value it held was the markup's default (`defaultValue`, `defaultChecked`,
    /// `defaultSelected`): the server put it there rather than page script.
    pub value_is_default: bool,
}

/// What a field looked like when the probe first saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FirstSight {
    /// No value.
    Empty,
    /// The markup's own value, put there by the server.
    ServerValue,
    /// A value unlike the markup's: page script set it before the probe started.
    ScriptValue,
    /// The markup's value, for a field the citizen typed earlier in this journey: a form the
    /// server shows again (after a validation error, or on going back) echoes the citizen's
    /// own input, which must not count as pre-filled.
    EchoedValue,
}

/// One field as the core tracks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Stable key: from `name`, then `id`, then position. Never holds what the citizen entered.
    pub key: String,
    /// The database the page declared, if any.
    pub prefill_source: Option<String>,
    first_sight: FirstSight,
    user_input: bool,
}

impl Field {
    /// The origin of the field's value, given whether it holds one now. A field that was
    /// pre-filled keeps its pre-fill origin when the citizen edits it (see
    /// [`Field::overwritten`]); a field emptied by anyone is [`Origin::Empty`].
    pub fn origin(&self, has_value_now: bool) -> Origin {
        if !has_value_now {
            return Origin::Empty;
        }
        let declared = self.prefill_source.is_some();
        match self.first_sight {
            FirstSight::EchoedValue => Origin::User,
            FirstSight::ServerValue | FirstSight::ScriptValue if declared => Origin::Declared,
            FirstSight::ServerValue => Origin::Server,
            FirstSight::ScriptValue => Origin::Script,
            FirstSight::Empty if self.user_input => Origin::User,
            FirstSight::Empty if declared => Origin::Declared,
            FirstSight::Empty => Origin::Script,
        }
    }

    /// Whether the citizen changed a value that was pre-filled: the signal that the database
    /// held wrong or stale data.
    pub fn overwritten(&self, has_value_now: bool) -> bool {
        self.user_input
            && matches!(
                self.first_sight,
                FirstSight::ServerValue | FirstSight::ScriptValue
            )
            && self.origin(has_value_now) != Origin::Empty
    }

    /// Whether the citizen typed, pasted or picked in this field on this page.
    pub fn had_user_input(&self) -> bool {
        self.user_input
    }
}

/// How many fields have a value of each origin.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FieldCounts {
    /// All fields.
    pub total: u32,
    /// [`Origin::Declared`] fields.
    pub declared: u32,
    /// [`Origin::Server`] fields.
    pub server: u32,
    /// [`Origin::Script`] fields.
    pub script: u32,
    /// [`Origin::User`] fields.
    pub user: u32,
    /// [`Origin::Empty`] fields.
    pub empty: u32,
    /// Pre-filled fields whose value the citizen changed (counted in their origin too).
    pub overwritten: u32,
}

/// Every field of a page, by index.
#[derive(Clone, Debug, Default)]
pub struct FieldModel {
    fields: Vec<Field>,
    by_key: HashMap<String, usize>,
}

impl FieldModel {
    /// Records a field the shell has found and returns its index. Elements that share a key
    /// (the radio buttons of one group) are one field; the group holds a value if any does.
    /// `typed_before` holds the keys the citizen typed on earlier pages of the journey.
    pub fn observe(&mut self, facts: FieldFacts, typed_before: &[String]) -> usize {
        let key = field_key(&facts);
        let first_sight = match (facts.has_value, facts.value_is_default) {
            (false, _) => FirstSight::Empty,
            (true, true) if typed_before.contains(&key) => FirstSight::EchoedValue,
            (true, true) => FirstSight::ServerValue,
            (true, false) => FirstSight::ScriptValue,
        };
        if let Some(&index) = self.by_key.get(&key) {
            let field = &mut self.fields[index];
            if field.first_sight == FirstSight::Empty {
                field.first_sight = first_sight;
            }
            if field.prefill_source.is_none() {
                field.prefill_source = facts.prefill_source;
            }
            return index;
        }
        let index = self.fields.len();
        self.by_key.insert(key.clone(), index);
        self.fields.push(Field {
            key,
            prefill_source: facts.prefill_source,
            first_sight,
            user_input: false,
        });
        index
    }

    /// Records trusted citizen input (typing, pasting, picking) on a field.
    pub fn user_input(&mut self, index: usize) {
        if let Some(field) = self.fields.get_mut(index) {
            field.user_input = true;
        }
    }

    /// The fields, in the order they were found.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// Counts fields by origin; `has_value_now[i]` says whether field `i` holds a value now
    /// (a field the shell has no answer for counts as empty-now).
    pub fn counts(&self, has_value_now: &[bool]) -> FieldCounts {
        let mut counts = FieldCounts::default();
        for (i, field) in self.fields.iter().enumerate() {
            counts.total += 1;
            let now = has_value_now.get(i).copied().unwrap_or(false);
            counts.overwritten += u32::from(field.overwritten(now));
            let slot = match field.origin(now) {
                Origin::Declared => &mut counts.declared,
                Origin::Server => &mut counts.server,
                Origin::Script => &mut counts.script,
                Origin::User => &mut counts.user,
                Origin::Empty => &mut counts.empty,
            };
            *slot += 1;
        }
        counts
    }
}

/// The key of a field: its `name`, else its `id`, else `#position`. A name or id that is too
/// long or looks like an identifier (a portal that names inputs after a citizen ID) is skipped.
pub fn field_key(facts: &FieldFacts) -> String {
    [facts.name.as_deref(), facts.id.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|k| !k.is_empty() && k.len() <= MAX_KEY_LEN && !is_identifier_like(k))
        .map(str::to_string)
        .unwrap_or_else(|| format!("#{}", facts.position))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(name: &str) -> FieldFacts {
        FieldFacts {
            name: (!name.is_empty()).then(|| name.to_string()),
            id: None,
            position: 0,
            prefill_source: None,
            has_value: false,
            value_is_default: true,
        }
    }

    #[test]
    fn keys_come_from_name_then_id_then_position() {
        let mut f = facts("ho_ten");
        f.id = Some("hoTen".into());
        assert_eq!(field_key(&f), "ho_ten");
        f.name = None;
        assert_eq!(field_key(&f), "hoTen");
        f.id = Some("  ".into());
        f.position = 7;
        assert_eq!(field_key(&f), "#7");
    }

    #[test]
    fn keys_never_carry_identifiers() {
        let mut f = facts("answer_001190012345");
        f.position = 3;
        assert_eq!(field_key(&f), "#3");
        f.name = Some("x".repeat(65));
        assert_eq!(field_key(&f), "#3");
    }

    #[test]
    fn origin_follows_first_sight_and_input() {
        let mut model = FieldModel::default();
        let declared = model.observe(
            FieldFacts {
                prefill_source: Some("CSDLQG-DC".into()),
                has_value: true,
                ..facts("ho_ten")
            },
            &[],
        );
        let server = model.observe(
            FieldFacts {
                has_value: true,
                ..facts("gioi_tinh")
            },
            &[],
        );
        let early_script = model.observe(
            FieldFacts {
                has_value: true,
                value_is_default: false,
                ..facts("noi_sinh")
            },
            &[],
        );
        let late_script = model.observe(facts("noi_thuong_tru"), &[]);
        let typed = model.observe(facts("so_dien_thoai"), &[]);
        let empty = model.observe(facts("nghe_nghiep"), &[]);
        model.user_input(typed);

        let now = [true, true, true, true, true, false];
        let origins: Vec<Origin> = model
            .fields()
            .iter()
            .zip(now)
            .map(|(f, v)| f.origin(v))
            .collect();
        assert_eq!(
            origins,
            [
                Origin::Declared,
                Origin::Server,
                Origin::Script,
                Origin::Script,
                Origin::User,
                Origin::Empty
            ]
        );
        assert_eq!(
            (declared, server, early_script, late_script, typed, empty),
            (0, 1, 2, 3, 4, 5)
        );
        assert_eq!(
            model.counts(&now),
            FieldCounts {
                total: 6,
                declared: 1,
                server: 1,
                script: 2,
                user: 1,
                empty: 1,
                overwritten: 0,
            }
        );
    }

    #[test]
    fn a_field_typed_then_cleared_is_empty() {
        let mut model = FieldModel::default();
        let i = model.observe(facts("email"), &[]);
        model.user_input(i);
        assert_eq!(model.fields()[i].origin(false), Origin::Empty);
    }

    #[test]
    fn a_pre_filled_value_the_citizen_changes_is_overwritten() {
        let mut model = FieldModel::default();
        let declared = model.observe(
            FieldFacts {
                prefill_source: Some("CSDLQG-DC".into()),
                has_value: true,
                ..facts("noi_thuong_tru")
            },
            &[],
        );
        let server = model.observe(
            FieldFacts {
                has_value: true,
                ..facts("gioi_tinh")
            },
            &[],
        );
        let untouched = model.observe(
            FieldFacts {
                has_value: true,
                ..facts("quoc_tich")
            },
            &[],
        );
        model.user_input(declared);
        model.user_input(server);
        let fields = model.fields();
        assert_eq!(
            (
                fields[declared].origin(true),
                fields[declared].overwritten(true)
            ),
            (Origin::Declared, true)
        );
        assert_eq!(
            (
                fields[server].origin(true),
                fields[server].overwritten(true)
            ),
            (Origin::Server, true)
        );
        assert!(!fields[untouched].overwritten(true));
        assert_eq!(model.counts(&[true, true, true]).overwritten, 2);
    }

    #[test]
    fn a_pre_filled_value_the_citizen_clears_is_empty() {
        let mut model = FieldModel::default();
        let i = model.observe(
            FieldFacts {
                has_value: true,
                ..facts("email")
            },
            &[],
        );
        model.user_input(i);
        assert_eq!(model.fields()[i].origin(false), Origin::Empty);
        assert!(!model.fields()[i].overwritten(false));
    }

    #[test]
    fn a_form_shown_again_echoes_the_citizens_own_values() {
        // Step 2 came back with a validation error: the server rendered what the citizen typed.
        let typed_before = vec!["so_luong".to_string(), "muc_dich".to_string()];
        let mut model = FieldModel::default();
        let echoed = model.observe(
            FieldFacts {
                has_value: true,
                ..facts("so_luong")
            },
            &typed_before,
        );
        let prefilled = model.observe(
            FieldFacts {
                has_value: true,
                ..facts("gioi_tinh")
            },
            &typed_before,
        );
        model.user_input(echoed);
        assert_eq!(model.fields()[echoed].origin(true), Origin::User);
        assert!(
            !model.fields()[echoed].overwritten(true),
            "correcting one's own value is no overwrite"
        );
        assert_eq!(model.fields()[prefilled].origin(true), Origin::Server);
    }

    #[test]
    fn a_declared_field_filled_late_by_script_is_declared() {
        let mut model = FieldModel::default();
        let i = model.observe(
            FieldFacts {
                prefill_source: Some("CSDLQG-DC".into()),
                ..facts("que_quan")
            },
            &[],
        );
        assert_eq!(model.fields()[i].origin(false), Origin::Empty);
        assert_eq!(model.fields()[i].origin(true), Origin::Declared);
    }

    #[test]
    fn radio_buttons_of_one_group_are_one_field() {
        let mut model = FieldModel::default();
        let a = model.observe(facts("loai_phieu"), &[]);
        let b = model.observe(
            FieldFacts {
                has_value: true,
                ..facts("loai_phieu")
            },
            &[],
        );
        assert_eq!(a, b);
        assert_eq!(model.fields().len(), 1);
        assert_eq!(model.fields()[a].origin(true), Origin::Server);
    }

    #[test]
    fn counts_treat_unknown_fields_as_empty_now() {
        let mut model = FieldModel::default();
        model.observe(facts("a"), &[]);
        model.observe(facts("b"), &[]);
        assert_eq!(model.counts(&[]).empty, 2);
    }
}
