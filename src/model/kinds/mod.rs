//! The record kinds, one module each, registered once in `kinds!` below.
//!
//! A kind is its module (the front matter struct, its computed values and its behaviour,
//! through [`KindRecord`]) plus one registration line. `Kind`, `KindData` and `KindDerived`
//! are generated from that line, and every `match` elsewhere that decides something per kind
//! names every kind, so the compiler lists what else a new kind needs (docs/kinds.md).

use serde::Serialize;

use crate::values::Date;
pub use assessment::Finding;
pub use audience::{Channel, RETIRED_FIELDS};
pub use gate::Criterion;

/// What every kind provides. No method has a default, so a kind that forgets one does not
/// compile, and the error names the method.
pub trait KindRecord {
    /// The values derived from a record of this kind alone (docs/status-json.md), published
    /// beside the ones every kind has; [`NoValues`] when there are none.
    type Derived: Serialize + Clone + std::fmt::Debug + PartialEq + Default;

    /// Fields without which a record of this kind is rejected (docs/records.md, marked `*`).
    const REQUIRED: &'static [&'static str];

    fn title(&self) -> &str;

    /// The kind's own field of ids of other records (`blocks`, `depends_on`, …) and those
    /// ids; `None` when the kind has none (`links` is common to all).
    fn references(&self) -> Option<(&'static str, &[String])>;

    /// The same list, to drop references a reader may not see.
    fn references_mut(&mut self) -> Option<&mut Vec<String>>;

    /// The label the plan page groups the record under (an action's horizon).
    fn grouping(&self) -> Option<&str>;

    /// The record's state while it is not finished ("open", "not measured"), or `None` once
    /// finished or when the kind has nothing to finish: a gate waits on such records.
    fn unfinished(&self) -> Option<String>;

    /// Computes the kind's values, and the date the record is due by.
    fn derive(&self, context: &Context) -> (Self::Derived, Deadline);
}

/// What deriving one record needs besides the record.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub as_of: Date,
    /// Plan week 1 begins on this date (milestones given in `weeks`).
    pub plan_start: Option<Date>,
    /// Upper bounds of the low, medium and high risk bands (`[risk] bands`).
    pub risk_bands: [i64; 3],
}

/// When a record is due, and whether it is finished (a finished record is never overdue).
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    pub due: Option<Date>,
    pub finished: bool,
    /// The field the date comes from, for warnings that point at it.
    pub field: &'static str,
}

impl Deadline {
    /// For kinds that are never due.
    pub const NONE: Deadline = Deadline { due: None, finished: false, field: "" };

    pub fn of(field: &'static str, due: Option<Date>, finished: bool) -> Deadline {
        Deadline { due, finished, field }
    }
}

/// The derived values of a kind that has none of its own.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NoValues {}

/// The [`KindRecord`] of a kind that only informs (the plan, a section, an audience, an
/// assessment): a `title`, no references, no grouping, nothing that holds a gate back, no
/// derived values and no deadline. A kind's module names it, so choosing it is as explicit
/// as writing the impl, and one answer is not copied into every such kind.
macro_rules! informational_kind {
    ($ty:ty) => {
        impl $crate::model::kinds::KindRecord for $ty {
            type Derived = $crate::model::kinds::NoValues;
            const REQUIRED: &'static [&'static str] = &["title"];

            fn title(&self) -> &str {
                &self.title
            }

            fn references(&self) -> Option<(&'static str, &[String])> {
                None
            }

            fn references_mut(&mut self) -> Option<&mut Vec<String>> {
                None
            }

            fn grouping(&self) -> Option<&str> {
                None
            }

            fn unfinished(&self) -> Option<String> {
                None
            }

            fn derive(
                &self,
                _: &$crate::model::kinds::Context,
            ) -> ($crate::model::kinds::NoValues, $crate::model::kinds::Deadline) {
                ($crate::model::kinds::NoValues {}, $crate::model::kinds::Deadline::NONE)
            }
        }
    };
}

/// Declares the record kinds once: their modules, enum, names and folders, and the typed data
/// and derived values per kind.
macro_rules! kinds {
    ($($variant:ident: $module:ident::$ty:ident = $name:literal / $folder:literal),+ $(,)?) => {
        $(pub mod $module; pub use $module::$ty;)+

        /// What a record is. Order here is the order of list pages and of `status.json`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "lowercase")]
        pub enum Kind { $($variant),+ }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),+];

            pub fn name(self) -> &'static str {
                match self { $(Kind::$variant => $name),+ }
            }

            /// The folder under `content/` (and in the site) for this kind.
            pub fn folder(self) -> &'static str {
                match self { $(Kind::$variant => $folder),+ }
            }

            pub fn from_name(name: &str) -> Option<Kind> {
                match name { $($name => Some(Kind::$variant),)+ _ => None }
            }

            pub fn from_folder(folder: &str) -> Option<Kind> {
                match folder { $($folder => Some(Kind::$variant),)+ _ => None }
            }

            /// The kind's own field names, for unknown-field checks and hints.
            pub fn fields(self) -> &'static [&'static str] {
                match self {
                    $(Kind::$variant => {
                        static FIELDS: std::sync::OnceLock<&'static [&'static str]> = std::sync::OnceLock::new();
                        FIELDS.get_or_init(super::fields::of::<$module::$ty>)
                    }),+
                }
            }

            /// Fields without which a record of this kind is rejected (docs/records.md, marked `*`).
            pub fn required(self) -> &'static [&'static str] {
                match self { $(Kind::$variant => <$module::$ty as KindRecord>::REQUIRED),+ }
            }

            /// The JSON schema of the kind's own fields, made by `generator`.
            pub fn schema(self, generator: schemars::SchemaGenerator) -> schemars::Schema {
                match self { $(Kind::$variant => generator.into_root_schema_for::<$module::$ty>()),+ }
            }

            /// Deserializes the kind's own fields from a spanned TOML table.
            pub(crate) fn deserialize(self, table: toml::Spanned<toml::de::DeValue<'_>>) -> Result<KindData, toml::de::Error> {
                use serde::de::IntoDeserializer;
                use serde::Deserialize;
                match self { $(Kind::$variant => $module::$ty::deserialize(table.into_deserializer()).map(KindData::$variant)),+ }
            }
        }

        /// The kind-specific part of a record.
        #[derive(Debug, Clone, Serialize)]
        #[serde(untagged)]
        pub enum KindData { $($variant($module::$ty)),+ }

        impl KindData {
            pub fn title(&self) -> &str {
                match self { $(KindData::$variant(r) => r.title()),+ }
            }

            /// See [`KindRecord::references`].
            pub fn references(&self) -> Option<(&'static str, &[String])> {
                match self { $(KindData::$variant(r) => r.references()),+ }
            }

            /// See [`KindRecord::references_mut`].
            pub fn references_mut(&mut self) -> Option<&mut Vec<String>> {
                match self { $(KindData::$variant(r) => r.references_mut()),+ }
            }

            /// See [`KindRecord::grouping`].
            pub fn grouping(&self) -> Option<&str> {
                match self { $(KindData::$variant(r) => r.grouping()),+ }
            }

            /// See [`KindRecord::unfinished`].
            pub fn unfinished(&self) -> Option<String> {
                match self { $(KindData::$variant(r) => r.unfinished()),+ }
            }

            /// See [`KindRecord::derive`].
            pub fn derive(&self, context: &Context) -> (KindDerived, Deadline) {
                match self {
                    $(KindData::$variant(r) => {
                        let (values, deadline) = r.derive(context);
                        (KindDerived::$variant(values), deadline)
                    }),+
                }
            }
        }

        /// The derived values of one kind. Untagged: it is flattened into an item's
        /// `derived`, beside the values every kind has.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum KindDerived { $($variant(<$module::$ty as KindRecord>::Derived)),+ }

        impl KindDerived {
            /// Empty values of `data`'s kind, for a record shown without a status (a
            /// portfolio's audiences).
            pub fn unset(data: &KindData) -> KindDerived {
                match data { $(KindData::$variant(_) => KindDerived::$variant(Default::default())),+ }
            }
        }
    };
}

kinds! {
    Plan: plan::Plan = "plan" / "plan",
    Assessment: assessment::Assessment = "assessment" / "assessments",
    Blocker: blocker::Blocker = "blocker" / "blockers",
    Gate: gate::Gate = "gate" / "gates",
    Risk: risk::Risk = "risk" / "risks",
    Decision: decision::Decision = "decision" / "decisions",
    Action: action::Action = "action" / "actions",
    Metric: metric::Metric = "metric" / "metrics",
    Milestone: milestone::Milestone = "milestone" / "milestones",
    Audience: audience::Audience = "audience" / "audiences",
    Section: section::Section = "section" / "sections",
}

impl Kind {
    pub fn names() -> Vec<&'static str> {
        Kind::ALL.iter().map(|k| k.name()).collect()
    }

    /// Human title for list pages ("Blockers").
    pub fn plural_title(self) -> String {
        let folder = self.folder();
        let mut c = folder.chars();
        c.next().map_or_else(String::new, |f| f.to_uppercase().collect::<String>() + c.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    /// The required-field lists must agree with the structs: an empty record misses exactly
    /// the first of them, and a record holding only them misses nothing.
    #[test]
    fn required_fields_match_the_structs() {
        for kind in Kind::ALL {
            let empty = kind.deserialize(toml::Spanned::new(0..0, toml::de::DeValue::Table(Default::default())));
            let message = empty.err().map(|e| e.message().to_string()).unwrap_or_default();
            assert_eq!(message, format!("missing field `{}`", kind.required()[0]), "{kind:?}");
            for field in kind.required() {
                assert!(kind.fields().contains(field), "{kind:?} has no field {field}");
            }
        }
    }
}
