//! The plan (`content/plan.md`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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

informational_kind!(Plan);
