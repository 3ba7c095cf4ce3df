//! The typed front matter of every record kind (docs/records.md).
//!
//! Each struct denies unknown fields; the fields common to all kinds live in [`Common`]
//! and are split off before the kind's own struct is deserialized.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::values::*;

/// Fields every kind accepts.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Common {
    /// The record's id, used in references and URLs; default: the file name without extension.
    #[serde(skip_serializing)]
    pub id: Option<String>,
    /// The record kind; only needed outside a kind folder.
    #[serde(skip_serializing)]
    pub kind: Option<String>,
    /// Who owns the item.
    pub owner: Option<String>,
    /// Free labels.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Ids of related records.
    #[serde(default)]
    pub links: Vec<String>,
    /// Left out of external audiences' reports.
    #[serde(default)]
    pub confidential: bool,
    /// Only in `.toml` records; `.md` records carry the body after the front matter.
    #[serde(skip_serializing)]
    pub body: Option<String>,
}

impl Common {
    pub const FIELDS: &'static [&'static str] = &["id", "kind", "owner", "tags", "links", "confidential", "body"];
}

/// The plan: its title, dates and declared health (`content/plan.md`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The plan's title.
    pub title: String,
    /// The owner's role, e.g. "QA lead".
    pub owner_role: Option<String>,
    /// Where the plan stands.
    pub status: Option<PlanStatus>,
    /// Plan week 1 begins on this date.
    pub start: Option<Date>,
    /// When the plan was last reviewed.
    pub updated: Option<Date>,
    /// When the plan is next reviewed.
    pub next_review: Option<Date>,
    /// How often the plan is reviewed, e.g. "weekly".
    pub review_cadence: Option<String>,
    /// The ship date, when no milestone is marked `release = true` (the release milestone's
    /// end wins over it).
    pub target: Option<Date>,
    /// Declared health; statuspress also computes one from the records.
    pub health: Option<Health>,
}

/// One finding of an assessment.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// What was assessed.
    pub area: String,
    /// What was found.
    pub result: String,
    /// Details.
    pub note: Option<String>,
}

/// A review or audit and its verdict.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// What was assessed.
    pub title: String,
    /// When it was assessed.
    pub date: Option<Date>,
    /// A grade such as "B+".
    pub grade: Option<String>,
    /// The score reached.
    pub score: Option<f64>,
    /// The highest possible score.
    pub max_score: Option<f64>,
    /// The assessment's verdict.
    pub verdict: Option<Verdict>,
    /// What went well.
    #[serde(default)]
    pub strengths: Vec<String>,
    /// What was found, area by area.
    #[serde(default)]
    pub findings: Vec<Finding>,
}

/// Something that stands in the way of a gate.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Blocker {
    /// What is blocked, in a few words.
    pub title: String,
    /// How severe the blocker is.
    pub severity: Severity,
    /// Open and in-progress blockers still stand in the way.
    pub status: BlockerStatus,
    /// The area affected.
    pub area: Option<String>,
    /// A tracker reference.
    pub issue: Option<String>,
    /// Why it happens.
    pub root_cause: Option<String>,
    /// What it prevents.
    pub impact: Option<String>,
    /// How it is being fixed.
    pub remediation: Option<String>,
    /// When it was found.
    pub opened: Option<Date>,
    /// When it must be fixed.
    pub due: Option<Date>,
    /// When it was fixed.
    pub resolved_on: Option<Date>,
    /// Ids of the gates it blocks.
    #[serde(default)]
    pub blocks: Vec<String>,
}

/// A gate criterion: plain text, or text with whether it is met.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
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

/// A quality gate: criteria that must be met before release.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// The gate's name.
    pub title: String,
    /// The gate group (see `[gates] groups`).
    pub group: String,
    /// The gate's state; default pending.
    #[serde(default = "default_gate_status")]
    pub status: GateStatus,
    /// Position among the gates.
    pub order: Option<i64>,
    /// What must be true to pass: text, or `{ text, met }`.
    #[serde(default)]
    pub criteria: Vec<Criterion>,
    /// Ids of gates that must pass first.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// When the gate should pass.
    pub target: Option<Date>,
    /// Why the gate was waived rather than passed (shown on the completion certification).
    pub waiver: Option<String>,
}

fn default_gate_status() -> GateStatus {
    GateStatus::Pending
}

/// A risk, scored by likelihood × impact.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    /// What could go wrong.
    pub title: String,
    /// How likely, 1 (rare) to 5 (almost certain).
    #[schemars(range(min = 1, max = 5))]
    pub likelihood: i64,
    /// How bad, 1 (minor) to 5 (severe).
    #[schemars(range(min = 1, max = 5))]
    pub impact: i64,
    /// The risk's state; default open.
    #[serde(default = "default_risk_status")]
    pub status: RiskStatus,
    /// What reduces it.
    #[serde(default)]
    pub mitigations: Vec<String>,
    /// What would show it is happening.
    pub trigger: Option<String>,
    /// When it is next reviewed.
    pub review: Option<Date>,
}

fn default_risk_status() -> RiskStatus {
    RiskStatus::Open
}

/// A decision and why it was taken.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The decision, in a few words.
    pub title: String,
    /// The decision's state; default accepted.
    #[serde(default = "default_decision_status")]
    pub status: DecisionStatus,
    /// When it was decided.
    pub date: Option<Date>,
    /// What was decided.
    pub decision: String,
    /// Why.
    pub rationale: Option<String>,
    /// When it is next reviewed.
    pub next_review: Option<Date>,
    /// Ids of decisions it replaces.
    #[serde(default)]
    pub supersedes: Vec<String>,
}

fn default_decision_status() -> DecisionStatus {
    DecisionStatus::Accepted
}

/// Something someone has to do.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// What to do.
    pub title: String,
    /// The action's state; default todo.
    #[serde(default = "default_action_status")]
    pub status: ActionStatus,
    /// How urgent.
    pub priority: Option<Severity>,
    /// A grouping label, e.g. "Immediate (24h)".
    pub horizon: Option<String>,
    /// When it is due.
    pub due: Option<Date>,
    /// Who must act or be told.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// Ids of related records.
    #[serde(default)]
    pub relates_to: Vec<String>,
}

fn default_action_status() -> ActionStatus {
    ActionStatus::Todo
}

/// A measured value and its target.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// What is measured.
    pub title: String,
    /// The unit; `%` and units starting with `/` are written without a space.
    pub unit: Option<String>,
    /// The target: ">= 90", "> 90", "= 100", "<= 5", "< 5" or "80..95".
    #[schemars(with = "String")]
    pub target: MetricTarget,
    /// The latest value; absent means not measured yet.
    pub value: Option<f64>,
    /// A grouping label.
    pub group: Option<String>,
    /// Where the value is measured. Published as `data_source`: an item's `source` is its file.
    #[serde(rename(serialize = "data_source"))]
    pub source: Option<String>,
}

/// A stretch of the plan with deliverables.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// The milestone's name.
    pub title: String,
    /// First day (or use `weeks`).
    pub start: Option<Date>,
    /// Last day (or use `weeks`).
    pub end: Option<Date>,
    /// Plan weeks it spans, counted from the plan's `start`, e.g. [2, 3].
    #[serde(default)]
    pub weeks: Vec<u32>,
    /// The first committed end, to show slips.
    pub baseline_end: Option<Date>,
    /// Its end is the plan's ship date; at most one milestone is the release.
    #[serde(default)]
    pub release: bool,
    /// The milestone's state; default planned.
    #[serde(default = "default_milestone_status")]
    pub status: MilestoneStatus,
    /// What it delivers.
    #[serde(default)]
    pub deliverables: Vec<String>,
}

fn default_milestone_status() -> MilestoneStatus {
    MilestoneStatus::Planned
}

/// Fields the parser still reads only to say what replaced them: the schema, which editors
/// check files against, leaves them out.
pub const RETIRED_FIELDS: &[&str] = &["channel"];

/// Who receives the weekly report, and how much of it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    /// The audience's name.
    pub title: String,
    /// Email addresses.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// How often they hear from the plan: `weekly` (the report, by `send`), or from
    /// `notify`: `immediate`, `milestone` or `daily`.
    pub cadence: Option<Cadence>,
    /// Only these events reach them (`notify`); default: every event of their cadence.
    #[serde(default)]
    pub events: Vec<EventKind>,
    /// Where `notify` tells them, besides the email to `recipients`.
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Replaced by `channels`; read only to say so (see the validation), and so one of the
    /// [`RETIRED_FIELDS`] the schema leaves out.
    #[serde(default, skip_serializing)]
    #[schemars(skip)]
    pub channel: Option<String>,
    /// How much they see; default full.
    #[serde(default = "default_detail")]
    pub detail: Detail,
    /// External audiences never see confidential records.
    #[serde(default)]
    pub external: bool,
    /// What they care about.
    #[serde(default)]
    pub topics: Vec<String>,
}

/// A place `statuspress notify` posts to. Addresses and secrets are named by environment
/// variable, never written in a record: records are read by everyone who can read the repo.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Channel {
    /// A Slack incoming webhook (Block Kit).
    Slack { url_env: String },
    /// A Microsoft Teams workflow webhook (Adaptive Card).
    Teams { url_env: String },
    /// A Mattermost incoming webhook (Slack-compatible).
    Mattermost { url_env: String },
    /// Any JSON receiver; the body is signed with HMAC-SHA256 of the secret.
    Webhook { url_env: String, secret_env: String },
    /// Comments on a GitHub issue (`repo` is `owner/name`).
    Github { repo: String, issue: u64, token_env: String },
    /// Notes on a GitLab issue (`project` is `group/name` or its numeric id).
    Gitlab { project: String, issue: u64, token_env: String },
}

impl Channel {
    pub fn kind(&self) -> &'static str {
        match self {
            Channel::Slack { .. } => "slack",
            Channel::Teams { .. } => "teams",
            Channel::Mattermost { .. } => "mattermost",
            Channel::Webhook { .. } => "webhook",
            Channel::Github { .. } => "github",
            Channel::Gitlab { .. } => "gitlab",
        }
    }

    /// The channel in words, with nothing secret: `slack (QA_SLACK_WEBHOOK)`,
    /// `github acme/platform#2`. Also its key in the ledger.
    pub fn name(&self) -> String {
        match self {
            Channel::Slack { url_env } | Channel::Teams { url_env } | Channel::Mattermost { url_env } => {
                format!("{} ({url_env})", self.kind())
            }
            Channel::Webhook { url_env, .. } => format!("webhook ({url_env})"),
            Channel::Github { repo, issue, .. } => format!("github {repo}#{issue}"),
            Channel::Gitlab { project, issue, .. } => format!("gitlab {project}#{issue}"),
        }
    }
}

fn default_detail() -> Detail {
    Detail::Full
}

/// A free-form part of the plan page.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// The section's heading.
    pub title: String,
    /// Position on the plan page.
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
    /// Fields without which a record of this kind is rejected (docs/records.md, marked `*`).
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
