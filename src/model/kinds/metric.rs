//! A measured value and its target.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Context, Deadline, KindDerived, KindRecord};
use crate::values::*;

/// A measured value and its target.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// What is measured.
    pub title: String,
    /// The unit; `%` and units starting with `/` are written without a space.
    pub unit: Option<String>,
    /// The target: ">= 90", "> 90", "= 100", "<= 5", "< 5" or "80..95".
    #[schemars(with = "String")]
    pub target: MetricTarget,
    /// The latest value; absent means not measured yet.
    pub value: Option<f64>,
    /// A grouping label.
    pub group: Option<String>,
    /// Where the value is measured. Published as `data_source`: an item's `source` is its file.
    #[serde(rename(serialize = "data_source"))]
    pub source: Option<String>,
}

/// A metric's derived values; all unset when the target does not parse (validation reports
/// that) and the value ones unset until measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MetricDerived {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<MetricState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_text: Option<String>,
    /// Distance to the target (0 when met).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<f64>,
}

impl KindDerived {
    /// The values of a metric, `None` for other kinds.
    pub fn metric(&self) -> Option<&MetricDerived> {
        match self {
            KindDerived::Metric(values) => Some(values),
            _ => None,
        }
    }
}

impl KindRecord for Metric {
    type Derived = MetricDerived;
    const REQUIRED: &'static [&'static str] = &["title", "target"];

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
        self.group.as_deref()
    }

    /// A metric is finished once it meets its target.
    fn unfinished(&self) -> Option<String> {
        match (self.target.parsed(), self.value) {
            (Ok(target), Some(v)) if target.is_met(v) => None,
            (_, Some(_)) => Some("not met".into()),
            (_, None) => Some("not measured".into()),
        }
    }

    fn derive(&self, _: &Context) -> (MetricDerived, Deadline) {
        let with_unit = |v: String| with_unit(&v, self.unit.as_deref());
        let mut d = MetricDerived { state: None, target_text: None, value_text: None, gap: None };
        // Validation rejected bad targets; a metric reaching here always has one.
        if let Ok(target) = self.target.parsed() {
            d.target_text = Some(with_unit(target.to_string()));
            d.state = Some(match self.value {
                None => MetricState::NotMeasured,
                Some(v) if target.is_met(v) => MetricState::Met,
                Some(_) => MetricState::NotMet,
            });
            d.gap = self.value.map(|v| target.gap(v));
        }
        d.value_text = self.value.map(|v| with_unit(number(v)));
        (d, Deadline::NONE)
    }
}
