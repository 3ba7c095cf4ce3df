//! A review or audit and its verdict.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Context, Deadline, KindRecord, NoValues};
use crate::values::*;

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

impl KindRecord for Assessment {
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
