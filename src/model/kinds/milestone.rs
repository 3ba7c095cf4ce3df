//! A stretch of the plan with deliverables.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Context, Deadline, KindDerived, KindRecord};
use crate::values::*;

/// A stretch of the plan with deliverables.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// The milestone's name.
    pub title: String,
    /// First day (or use `weeks`).
    pub start: Option<Date>,
    /// Last day (or use `weeks`).
    pub end: Option<Date>,
    /// Plan weeks it spans, counted from the plan's `start`, e.g. [2, 3].
    #[serde(default)]
    pub weeks: Vec<u32>,
    /// The first committed end, to show slips.
    pub baseline_end: Option<Date>,
    /// Its end is the plan's ship date; at most one milestone is the release.
    #[serde(default)]
    pub release: bool,
    /// The milestone's state; default planned.
    #[serde(default = "default_milestone_status")]
    pub status: MilestoneStatus,
    /// What it delivers.
    #[serde(default)]
    pub deliverables: Vec<String>,
}

fn default_milestone_status() -> MilestoneStatus {
    MilestoneStatus::Planned
}

/// A milestone's derived values.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MilestoneDerived {
    /// Dates resolved from `weeks`, else the declared ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    /// "Week 3", "2025-09-01 – 2025-09-12", "unscheduled".
    pub when: String,
    /// The first committed end date (or the declared `baseline_end`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Date>,
    /// Days the end moved against the baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slip_days: Option<i64>,
}

impl MilestoneDerived {
    /// Sets the baseline (history replaces the declared one with the first committed end)
    /// and the slip against it.
    pub fn set_baseline(&mut self, baseline: Option<Date>) {
        self.baseline = baseline;
        self.slip_days = baseline.zip(self.end).map(|(base, end)| base.days_until(end));
    }
}

impl Milestone {
    /// The first and last day: from `weeks` counted from the plan's start, else declared.
    fn dates(&self, plan_start: Option<Date>) -> (Option<Date>, Option<Date>) {
        match (self.weeks.iter().min(), self.weeks.iter().max(), plan_start) {
            (Some(first), Some(last), Some(s)) => {
                (Some(s.add_days((i64::from(*first) - 1) * 7)), Some(s.add_days(i64::from(*last) * 7 - 1)))
            }
            _ => (self.start, self.end),
        }
    }

    /// The milestone's span in words.
    fn when(&self, start: Option<Date>, end: Option<Date>) -> String {
        match (self.weeks.iter().min(), self.weeks.iter().max()) {
            (Some(a), Some(b)) if a == b => format!("Week {a}"),
            (Some(a), Some(b)) => format!("Weeks {a}–{b}"),
            _ => match (start, end) {
                (Some(s), Some(e)) if s == e => s.to_string(),
                (Some(s), Some(e)) => format!("{s} – {e}"),
                (None, Some(e)) => format!("by {e}"),
                (Some(s), None) => format!("from {s}"),
                (None, None) => "unscheduled".into(),
            },
        }
    }
}

impl KindDerived {
    /// The values of a milestone, `None` for other kinds.
    pub fn milestone(&self) -> Option<&MilestoneDerived> {
        match self {
            KindDerived::Milestone(values) => Some(values),
            _ => None,
        }
    }

    pub fn milestone_mut(&mut self) -> Option<&mut MilestoneDerived> {
        match self {
            KindDerived::Milestone(values) => Some(values),
            _ => None,
        }
    }
}

impl KindRecord for Milestone {
    type Derived = MilestoneDerived;
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
        (self.status != MilestoneStatus::Done).then(|| words(self.status))
    }

    /// A missed milestone is not overdue: health says it was missed.
    fn derive(&self, context: &Context) -> (MilestoneDerived, Deadline) {
        let (start, end) = self.dates(context.plan_start);
        let mut d = MilestoneDerived { start, end, when: self.when(start, end), baseline: None, slip_days: None };
        d.set_baseline(self.baseline_end);
        let finished = matches!(self.status, MilestoneStatus::Done | MilestoneStatus::Missed);
        let field = if self.weeks.is_empty() { "end" } else { "weeks" };
        (d, Deadline::of(field, end, finished))
    }
}
