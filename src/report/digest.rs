//! The weekly digest of a portfolio: one message with each plan's headline and what changed,
//! the plans whose readiness or health changed first. Each plan's part is made from that
//! plan's own report for the same audience, so an external audience's digest leaves out the
//! confidential records of every plan.

use serde::Serialize;

use super::{AudienceView, Report};
use crate::derive::ReadinessVerdict;
use crate::diff::Transition;
use crate::values::Date;

/// How many changes of one plan the digest lists; its report has the rest.
pub const CHANGES_PER_PLAN: usize = 8;

#[derive(Debug, Clone, Serialize)]
pub struct Digest {
    pub title: String,
    pub week: String,
    pub start: Date,
    pub end: Date,
    pub audience: Option<AudienceView>,
    pub plans: Vec<PlanPart>,
    /// Whether anything changed in any plan.
    pub changed: bool,
}

/// One plan in the digest.
#[derive(Debug, Clone, Serialize)]
pub struct PlanPart {
    pub id: String,
    pub title: String,
    pub readiness: ReadinessVerdict,
    pub go: bool,
    pub health: String,
    pub headline: String,
    /// The revision its report is of.
    pub revision: String,
    pub readiness_change: Option<Transition>,
    pub health_change: Option<Transition>,
    /// What changed, one line per record, at most [`CHANGES_PER_PLAN`].
    pub changes: Vec<String>,
    pub more_changes: usize,
    /// The plan's report of the week, from the site's root (`qa/reports/2025-W34/index.html`).
    pub url: String,
}

/// The digest of `week` from each plan's report (plan id, report), for `audience`.
pub fn build(title: &str, plans: &[(String, Report)], audience: Option<AudienceView>) -> Option<Digest> {
    let (_, first) = plans.first()?;
    let mut parts: Vec<PlanPart> = plans
        .iter()
        .map(|(id, report)| {
            let changes = report.changes.as_ref();
            let lines: Vec<String> = changes
                .map(|d| {
                    d.items
                        .iter()
                        .map(|c| format!("{} {} “{}”: {}", c.kind.name(), c.id, c.title, c.lines.join("; ")))
                        .collect()
                })
                .unwrap_or_default();
            let more_changes = lines.len().saturating_sub(CHANGES_PER_PLAN) + report.more.changes;
            PlanPart {
                id: id.clone(),
                title: report.plan_title.clone(),
                readiness: report.readiness,
                go: report.go,
                health: report.health.clone(),
                headline: report.headline.clone(),
                revision: report.revision.id.clone(),
                readiness_change: changes.and_then(|d| d.readiness.clone()),
                health_change: changes.and_then(|d| d.health.clone()),
                changes: lines.into_iter().take(CHANGES_PER_PLAN).collect(),
                more_changes,
                url: format!("{id}/reports/{}/index.html", report.week),
            }
        })
        .collect();
    // A plan whose readiness or health moved is news; then the plans not ready; then by id.
    parts.sort_by_key(|p| (p.readiness_change.is_none() && p.health_change.is_none(), p.go, p.id.clone()));
    Some(Digest {
        title: title.to_string(),
        week: first.week.clone(),
        start: first.start,
        end: first.end,
        audience,
        changed: plans.iter().any(|(_, r)| r.changed),
        plans: parts,
    })
}
