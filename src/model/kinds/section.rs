//! A free-form part of the plan page.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A free-form part of the plan page.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// The section's heading.
    pub title: String,
    /// Position on the plan page.
    pub order: Option<i64>,
}

informational_kind!(Section);
