//! The plan (`content/plan.md`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Context, Deadline, KindRecord, NoValues};
use crate::values::*;

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

impl KindRecord for Plan {
    type Derived = NoValues;
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

    fn derive(&self, _: &Context) -> (NoValues, Deadline) {
        (NoValues {}, Deadline::NONE)
    }
}
