//! A review or audit and its verdict.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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

informational_kind!(Assessment);
