//! Something someone has to do.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Context, Deadline, KindRecord, NoValues};
use crate::values::*;

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

impl KindRecord for Action {
    type Derived = NoValues;
    const REQUIRED: &'static [&'static str] = &["title"];

    fn title(&self) -> &str {
        &self.title
    }

    fn references(&self) -> Option<(&'static str, &[String])> {
        Some(("relates_to", &self.relates_to))
    }

    fn references_mut(&mut self) -> Option<&mut Vec<String>> {
        Some(&mut self.relates_to)
    }

    fn grouping(&self) -> Option<&str> {
        self.horizon.as_deref()
    }

    fn unfinished(&self) -> Option<String> {
        (!self.status.is_finished()).then(|| words(self.status))
    }

    fn derive(&self, _: &Context) -> (NoValues, Deadline) {
        (NoValues {}, Deadline::of("due", self.due, self.status.is_finished()))
    }
}
