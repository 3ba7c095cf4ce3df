//! A free-form part of the plan page.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Context, Deadline, KindRecord, NoValues};

/// A free-form part of the plan page.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// The section's heading.
    pub title: String,
    /// Position on the plan page.
    pub order: Option<i64>,
}

impl KindRecord for Section {
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
