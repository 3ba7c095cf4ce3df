//! A quality gate.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Context, Deadline, KindDerived, KindRecord};
use crate::values::*;

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

/// A gate's derived values.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GateDerived {
    /// Passed or waived.
    pub cleared: bool,
    /// Ids of the unresolved blockers that block it and of the unfinished records it
    /// depends on; filled in once every record is known.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocked_by: Vec<String>,
    /// How many criteria are marked met.
    pub criteria_met: usize,
}

impl KindDerived {
    /// The values of a gate, `None` for other kinds.
    pub fn gate(&self) -> Option<&GateDerived> {
        match self {
            KindDerived::Gate(values) => Some(values),
            _ => None,
        }
    }

    pub fn gate_mut(&mut self) -> Option<&mut GateDerived> {
        match self {
            KindDerived::Gate(values) => Some(values),
            _ => None,
        }
    }
}

impl KindRecord for Gate {
    type Derived = GateDerived;
    const REQUIRED: &'static [&'static str] = &["title", "group"];

    fn title(&self) -> &str {
        &self.title
    }

    fn references(&self) -> Option<(&'static str, &[String])> {
        Some(("depends_on", &self.depends_on))
    }

    fn references_mut(&mut self) -> Option<&mut Vec<String>> {
        Some(&mut self.depends_on)
    }

    fn grouping(&self) -> Option<&str> {
        None
    }

    fn unfinished(&self) -> Option<String> {
        (!self.status.is_cleared()).then(|| words(self.status))
    }

    fn derive(&self, _: &Context) -> (GateDerived, Deadline) {
        let cleared = self.status.is_cleared();
        let criteria_met = self.criteria.iter().filter(|c| matches!(c, Criterion::Checked { met: true, .. })).count();
        (GateDerived { cleared, blocked_by: Vec::new(), criteria_met }, Deadline::of("target", self.target, cleared))
    }
}
