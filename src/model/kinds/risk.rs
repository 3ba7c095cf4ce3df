//! A risk, scored by likelihood × impact.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Context, Deadline, KindDerived, KindRecord};
use crate::values::*;

/// A risk, scored by likelihood × impact.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    /// What could go wrong.
    pub title: String,
    /// How likely, 1 (rare) to 5 (almost certain).
    #[schemars(range(min = 1, max = 5))]
    pub likelihood: i64,
    /// How bad, 1 (minor) to 5 (severe).
    #[schemars(range(min = 1, max = 5))]
    pub impact: i64,
    /// The risk's state; default open.
    #[serde(default = "default_risk_status")]
    pub status: RiskStatus,
    /// What reduces it.
    #[serde(default)]
    pub mitigations: Vec<String>,
    /// What would show it is happening.
    pub trigger: Option<String>,
    /// When it is next reviewed.
    pub review: Option<Date>,
}

fn default_risk_status() -> RiskStatus {
    RiskStatus::Open
}

/// A risk's derived values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskDerived {
    /// Likelihood × impact.
    pub score: i64,
    pub band: RiskBand,
}

/// The values of a risk shown without a status ([`super::KindDerived::unset`]).
impl Default for RiskDerived {
    fn default() -> RiskDerived {
        RiskDerived { score: 0, band: RiskBand::Low }
    }
}

/// The band of a risk score given the upper bounds of low, medium and high.
pub fn band(score: i64, bands: [i64; 3]) -> RiskBand {
    match score {
        s if s <= bands[0] => RiskBand::Low,
        s if s <= bands[1] => RiskBand::Medium,
        s if s <= bands[2] => RiskBand::High,
        _ => RiskBand::Critical,
    }
}

impl KindDerived {
    /// The values of a risk, `None` for other kinds.
    pub fn risk(&self) -> Option<&RiskDerived> {
        match self {
            KindDerived::Risk(values) => Some(values),
            _ => None,
        }
    }
}

impl KindRecord for Risk {
    type Derived = RiskDerived;
    const REQUIRED: &'static [&'static str] = &["title", "likelihood", "impact"];

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

    /// A live risk holds back what depends on it until accepted or closed.
    fn unfinished(&self) -> Option<String> {
        self.status.is_live().then(|| words(self.status))
    }

    /// A risk is due for review by its `review` date.
    fn derive(&self, context: &Context) -> (RiskDerived, Deadline) {
        let score = self.likelihood.saturating_mul(self.impact);
        let derived = RiskDerived { score, band: band(score, context.risk_bands) };
        (derived, Deadline::of("review", self.review, !self.status.is_live()))
    }
}
