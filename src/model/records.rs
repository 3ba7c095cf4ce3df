//! The typed front matter of every record kind (SPEC §2).
//!
//! Each struct denies unknown fields; the fields common to all kinds live in [`Common`]
//! and are split off before the kind's own struct is deserialized.

use serde::{Deserialize, Serialize};

use super::values::*;

/// Fields every kind accepts.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Common {
    #[serde(skip_serializing)]
    pub id: Option<String>,
    #[serde(skip_serializing)]
    pub kind: Option<String>,
    pub owner: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub links: Vec<String>,
    #[serde(default)]
    pub confidential: bool,
    /// Only in `.toml` records; `.md` records carry the body after the front matter.
    #[serde(skip_serializing)]
    pub body: Option<String>,
}

impl Common {
    pub const FIELDS: &'static [&'static str] = &["id", "kind", "owner", "tags", "links", "confidential", "body"];
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub title: String,
    pub owner_role: Option<String>,
    pub status: Option<PlanStatus>,
    pub start: Option<Date>,
    pub updated: Option<Date>,
    pub next_review: Option<Date>,
    pub review_cadence: Option<String>,
    pub health: Option<Health>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub area: String,
    pub result: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    pub title: String,
    pub date: Option<Date>,
    pub grade: Option<String>,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub verdict: Option<Verdict>,
    #[serde(default)]
    pub strengths: Vec<String>,
    #[serde(default)]
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Blocker {
    pub title: String,
    pub severity: Severity,
    pub status: BlockerStatus,
    pub area: Option<String>,
    pub issue: Option<String>,
    pub root_cause: Option<String>,
    pub impact: Option<String>,
    pub remediation: Option<String>,
    pub opened: Option<Date>,
    pub due: Option<Date>,
    pub resolved_on: Option<Date>,
    #[serde(default)]
    pub blocks: Vec<String>,
}

/// A gate criterion: plain text, or text with whether it is met.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, expecting = "a string or a table `{ text = \"…\", met = true }`")]
pub enum Criterion {
    Text(String),
    Checked { text: String, met: bool },
}

/// Always `{text, met}` (met null when unknown), so templates need not tell the forms apart.
impl Serialize for Criterion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (text, met) = match self {
            Criterion::Text(text) => (text, None),
            Criterion::Checked { text, met } => (text, Some(*met)),
        };
        let mut s = serializer.serialize_struct("Criterion", 2)?;
        s.serialize_field("text", text)?;
        s.serialize_field("met", &met)?;
        s.end()
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    pub title: String,
    pub group: String,
    #[serde(default = "default_gate_status")]
    pub status: GateStatus,
    pub order: Option<i64>,
    #[serde(default)]
    pub criteria: Vec<Criterion>,
    #[serde(default)]
    pub depends_on: Vec<String>,
    pub target: Option<Date>,
}

fn default_gate_status() -> GateStatus {
    GateStatus::Pending
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    pub title: String,
    pub likelihood: i64,
    pub impact: i64,
    #[serde(default = "default_risk_status")]
    pub status: RiskStatus,
    #[serde(default)]
    pub mitigations: Vec<String>,
    pub trigger: Option<String>,
    pub review: Option<Date>,
}

fn default_risk_status() -> RiskStatus {
    RiskStatus::Open
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub title: String,
    #[serde(default = "default_decision_status")]
    pub status: DecisionStatus,
    pub date: Option<Date>,
    pub decision: String,
    pub rationale: Option<String>,
    pub next_review: Option<Date>,
    #[serde(default)]
    pub supersedes: Vec<String>,
}

fn default_decision_status() -> DecisionStatus {
    DecisionStatus::Accepted
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub title: String,
    #[serde(default = "default_action_status")]
    pub status: ActionStatus,
    pub priority: Option<Severity>,
    pub horizon: Option<String>,
    pub due: Option<Date>,
    #[serde(default)]
    pub recipients: Vec<String>,
    #[serde(default)]
    pub relates_to: Vec<String>,
}

fn default_action_status() -> ActionStatus {
    ActionStatus::Todo
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    pub title: String,
    pub unit: Option<String>,
    pub target: String,
    pub value: Option<f64>,
    pub group: Option<String>,
    /// Where the value is measured. Published as `data_source`: an item's `source` is its file.
    #[serde(rename(serialize = "data_source"))]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    pub title: String,
    pub start: Option<Date>,
    pub end: Option<Date>,
    #[serde(default)]
    pub weeks: Vec<u32>,
    pub baseline_end: Option<Date>,
    #[serde(default = "default_milestone_status")]
    pub status: MilestoneStatus,
    #[serde(default)]
    pub deliverables: Vec<String>,
}

fn default_milestone_status() -> MilestoneStatus {
    MilestoneStatus::Planned
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    pub title: String,
    #[serde(default)]
    pub recipients: Vec<String>,
    pub cadence: Option<Cadence>,
    pub channel: Option<String>,
    #[serde(default = "default_detail")]
    pub detail: Detail,
    #[serde(default)]
    pub external: bool,
    #[serde(default)]
    pub topics: Vec<String>,
}

fn default_detail() -> Detail {
    Detail::Full
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub title: String,
    pub order: Option<i64>,
}

/// Declares the record kinds once: enum, folder names, and the typed data per kind.
macro_rules! kinds {
    ($($variant:ident: $ty:ident = $name:literal / $folder:literal),+ $(,)?) => {
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
                        FIELDS.get_or_init(super::fields::of::<$ty>)
                    }),+
                }
            }

            /// Deserializes the kind's own fields from a spanned TOML table.
            pub(crate) fn deserialize(self, table: toml::Spanned<toml::de::DeValue<'_>>) -> Result<KindData, toml::de::Error> {
                use serde::de::IntoDeserializer;
                match self { $(Kind::$variant => $ty::deserialize(table.into_deserializer()).map(KindData::$variant)),+ }
            }
        }

        /// The kind-specific part of a record.
        #[derive(Debug, Clone, Serialize)]
        #[serde(untagged)]
        pub enum KindData { $($variant($ty)),+ }

        impl KindData {
            pub fn title(&self) -> &str {
                match self { $(KindData::$variant(r) => &r.title),+ }
            }
        }
    };
}

kinds! {
    Plan: Plan = "plan" / "plan",
    Assessment: Assessment = "assessment" / "assessments",
    Blocker: Blocker = "blocker" / "blockers",
    Gate: Gate = "gate" / "gates",
    Risk: Risk = "risk" / "risks",
    Decision: Decision = "decision" / "decisions",
    Action: Action = "action" / "actions",
    Metric: Metric = "metric" / "metrics",
    Milestone: Milestone = "milestone" / "milestones",
    Audience: Audience = "audience" / "audiences",
    Section: Section = "section" / "sections",
}

impl KindData {
    /// The label the plan page groups an item under: an action's horizon, a metric's group.
    pub fn grouping(&self) -> Option<&str> {
        match self {
            KindData::Action(a) => a.horizon.as_deref(),
            KindData::Metric(m) => m.group.as_deref(),
            _ => None,
        }
    }
}

impl Kind {
    /// Fields without which a record of this kind is rejected (SPEC §2, marked `*`).
    pub fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Blocker => &["title", "severity", "status"],
            Kind::Gate => &["title", "group"],
            Kind::Risk => &["title", "likelihood", "impact"],
            Kind::Decision => &["title", "decision"],
            Kind::Metric => &["title", "target"],
            _ => &["title"],
        }
    }

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
