//! Where the plan stands in time: whether it is stale (nobody has looked at it for too long,
//! so what it says may no longer hold) and when it ships.

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::model::Record;
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
        Diagnostic::warning(format!("plan is stale: {}", self.text)).at(at).help(help)
    }
}
