//! A decision and why it was taken.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Context, Deadline, KindRecord, NoValues};
use crate::values::*;

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

impl KindRecord for Decision {
    type Derived = NoValues;
    const REQUIRED: &'static [&'static str] = &["title", "decision"];

    fn title(&self) -> &str {
        &self.title
    }

    fn references(&self) -> Option<(&'static str, &[String])> {
        Some(("supersedes", &self.supersedes))
    }

    fn references_mut(&mut self) -> Option<&mut Vec<String>> {
        Some(&mut self.supersedes)
    }

    fn grouping(&self) -> Option<&str> {
        None
    }

    /// A decision still proposed holds back what depends on it.
    fn unfinished(&self) -> Option<String> {
        (self.status == DecisionStatus::Proposed).then(|| words(self.status))
    }

    fn derive(&self, _: &Context) -> (NoValues, Deadline) {
        (NoValues {}, Deadline::NONE)
    }
}
