//! Where the plan stands in time: whether it is stale (nobody has looked at it for too long,
//! so what it says may no longer hold) and when it ships.

use serde::Serialize;

use super::Item;
use crate::diagnostics::Diagnostic;
use crate::model::{Kind, KindData, Record};
use crate::values::Date;

/// A plan nobody has reviewed or revised for too long. While stale, its health is never
/// green: a plan that looked fine a year ago says nothing about today.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stale {
    /// When the plan was last known current: its newest committed revision, else its
    /// `updated` date, else the review date that passed.
    pub since: Date,
    /// Days from `since` to the as-of date ("GO as of 2025-09-09, 452 days ago").
    pub days: i64,
    #[serde(flatten)]
    pub reason: StaleReason,
    /// What makes it stale, in a few words for titles: `review overdue by 445 days`.
    pub why: String,
    /// The same with its date: `review overdue by 445 days (due 2025-09-16)`.
    pub text: String,
}

/// Why a plan is stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum StaleReason {
    /// The plan's `next_review` has passed.
    ReviewOverdue { review_due: Date, review_overdue_days: i64 },
    /// The plan has no `next_review`, and no revision for longer than
    /// `[revisions] stale_after_days`.
    NoRevision { stale_after_days: i64 },
}

impl Stale {
    /// Whether a plan is stale on `as_of`: its `next_review` has passed, or, without one, it
    /// was last `revised` (its newest committed revision, else its `updated` date) more than
    /// `after_days` days before. A plan with neither a review date nor a known revision date
    /// cannot be judged, and is not called stale.
    pub fn of(next_review: Option<Date>, revised: Option<Date>, after_days: u32, as_of: Date) -> Option<Stale> {
        let age = |since: Date| since.days_until(as_of).max(0);
        match next_review {
            Some(due) if due < as_of => {
                let overdue = due.days_until(as_of);
                let since = revised.unwrap_or(due);
                Some(Stale {
                    since,
                    days: age(since),
                    reason: StaleReason::ReviewOverdue { review_due: due, review_overdue_days: overdue },
                    why: format!("review overdue by {}", super::days(overdue)),
                    text: format!("review overdue by {} (due {due})", super::days(overdue)),
                })
            }
            Some(_) => None,
            None => {
                let since = revised?;
                let after = i64::from(after_days);
                (age(since) > after).then(|| Stale {
                    since,
                    days: age(since),
                    reason: StaleReason::NoRevision { stale_after_days: after },
                    why: format!("no revision for {}", super::days(age(since))),
                    text: format!("no revision for {} (since {since})", super::days(age(since))),
                })
            }
        }
    }

    /// The health reason that keeps a stale plan from looking green.
    pub fn reason_text(&self) -> String {
        format!("the plan is stale: {}", self.text)
    }

    /// The warning `check` and `build` give (a failure with `--strict`), at the plan's
    /// `next_review`, or at the plan when no review date is set.
    pub fn warning(&self, plan: &Record) -> Diagnostic {
        let (at, help) = match self.reason {
            StaleReason::ReviewOverdue { .. } => {
                (plan.origin.locate("next_review"), "review the plan, then set `next_review` to the next review date")
            }
            StaleReason::NoRevision { .. } => (
                plan.origin.locate("title"),
                "review the plan and commit it, or set `next_review` to when it is next reviewed \
                 (`[revisions] stale_after_days` sets how old a revision may get)",
            ),
        };
        Diagnostic::warning(format!("plan is stale: {}", self.text)).at(at).help(help).code("stale")
    }
}

/// When the plan ships: the end of its release milestone (`release = true`), else the plan's
/// `target`, measured against its baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShipDate {
    pub date: Date,
    /// The ship date first planned: the release milestone's declared `baseline_end`, else the
    /// ship date of the first revision that named one (null until a history says).
    pub baseline: Option<Date>,
    /// Days from the baseline to `date`: positive when it ships later than planned.
    pub slip_days: Option<i64>,
    /// The slip in words: `7 days later than planned (2025-09-07)`, `2 days earlier than
    /// planned (…)`, `as planned`; null without a baseline.
    pub slip: Option<String>,
    /// The record that names it: the release milestone's id, or the plan's.
    pub source: String,
    pub kind: Kind,
    /// The release milestone's title, or the plan's.
    pub title: String,
    pub url: String,
    /// The declared baseline, which history never overrides.
    #[serde(skip)]
    declared: Option<Date>,
}

impl ShipDate {
    /// The ship date of a derived plan: its release milestone's end (validation allows one
    /// release milestone, with an end), else the plan's `target`.
    pub fn of(plan: &Item, milestones: &[Item]) -> Option<ShipDate> {
        let release = milestones.iter().find(|m| matches!(&m.record.data, KindData::Milestone(m) if m.release));
        let (item, date, declared) = match (release, &plan.record.data) {
            (Some(m), _) => match &m.record.data {
                KindData::Milestone(data) => (m, m.derived.kind.milestone()?.end?, data.baseline_end),
                _ => return None,
            },
            (None, KindData::Plan(p)) => (plan, p.target?, None),
            _ => return None,
        };
        let ship = ShipDate {
            date,
            baseline: None,
            slip_days: None,
            slip: None,
            source: item.id().to_string(),
            kind: item.kind(),
            title: item.title().to_string(),
            url: item.url().to_string(),
            declared,
        };
        Some(ship.rebased(None))
    }

    /// The same ship date measured against `first`, the ship date of the first revision that
    /// named one (unless a baseline is declared).
    pub fn rebased(&self, first: Option<Date>) -> ShipDate {
        let baseline = self.declared.or(first);
        let slip_days = baseline.map(|b| b.days_until(self.date));
        let slip = baseline.zip(slip_days).map(|(baseline, slip)| match slip {
            0 => "as planned".to_string(),
            n if n > 0 => format!("{} later than planned ({baseline})", super::days(n)),
            n => format!("{} earlier than planned ({baseline})", super::days(-n)),
        });
        ShipDate { baseline, slip_days, slip, ..self.clone() }
    }
}

/// Measures a status's ship date against `first`, the first one named by the statuses
/// before it (oldest first), which it sets when it names the first: a week's report says
/// how far the ship date has slipped by then. A status is copied only when its measure
/// changes (statuses a live preview keeps are shared).
pub fn rebase_ship_date(first: &mut Option<Date>, status: &mut std::sync::Arc<super::Status>) {
    let Some(ship) = &status.target else { return };
    let first = *first.get_or_insert(ship.date);
    let rebased = ship.rebased(Some(first));
    if rebased != *ship {
        std::sync::Arc::make_mut(status).target = Some(rebased);
    }
}
