//! Something that stands in the way of a gate.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Context, Deadline, KindDerived, KindRecord};
use crate::values::*;

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

/// A blocker's derived values.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BlockerDerived {
    /// Open or in progress.
    pub unresolved: bool,
}

impl KindDerived {
    /// The values of a blocker, `None` for other kinds.
    pub fn blocker(&self) -> Option<&BlockerDerived> {
        match self {
            KindDerived::Blocker(values) => Some(values),
            _ => None,
        }
    }
}

impl KindRecord for Blocker {
    type Derived = BlockerDerived;
    const REQUIRED: &'static [&'static str] = &["title", "severity", "status"];

    fn title(&self) -> &str {
        &self.title
    }

    fn references(&self) -> Option<(&'static str, &[String])> {
        Some(("blocks", &self.blocks))
    }

    fn references_mut(&mut self) -> Option<&mut Vec<String>> {
        Some(&mut self.blocks)
    }

    fn grouping(&self) -> Option<&str> {
        None
    }

    fn unfinished(&self) -> Option<String> {
        self.status.is_unresolved().then(|| words(self.status))
    }

    fn derive(&self, _: &Context) -> (BlockerDerived, Deadline) {
        let unresolved = self.status.is_unresolved();
        (BlockerDerived { unresolved }, Deadline::of("due", self.due, !unresolved))
    }
}
