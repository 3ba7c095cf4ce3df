//! Weekly stakeholder reports (README, "Weekly reports and email"): what a week changed and where the plan stands,
//! per audience, as a page, markdown, plain text and a ready-to-send email.

pub mod delivery;
pub mod digest;
pub mod email;
pub mod message;
pub mod notices;
pub mod send;
pub mod weeks;

use std::borrow::Cow;

use serde::Serialize;

use crate::derive::redact::Redaction;
use crate::derive::{Item, ReadinessVerdict, Stale, Status};
use crate::diff::{self, Diff};
use crate::history::Revision;
use crate::history::snapshots::Snapshot;
use crate::model::Kind;
use crate::model::{KindData, Record};
use crate::values::{
    ActionStatus, Date, DecisionStatus, Detail, Direction, MetricState, Severity, Trend, Week, Zone, number, with_unit,
    words,
};
use message::{Message, Reason};

/// How many entries a report keeps per list (`detail = "summary"`, and full); the rest is
/// counted in `more` and is one click away on the site.
const SUMMARY_LIMIT: usize = 5;
const FULL_LIMIT: usize = 50;

/// Who a report is for; `None` in `Report` means the full, internal report.
#[derive(Debug, Clone, Serialize)]
pub struct AudienceView {
    pub id: String,
    pub title: String,
    pub recipients: Vec<String>,
    pub detail: Detail,
    pub external: bool,
}

impl AudienceView {
    pub fn of(item: &Item) -> Option<AudienceView> {
        match &item.record.data {
            KindData::Audience(a) => Some(AudienceView {
                id: item.id().to_string(),
                title: a.title.clone(),
                recipients: a.recipients.clone(),
                detail: a.detail,
                external: a.external,
            }),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub week: String,
    pub start: Date,
    pub end: Date,
    pub plan_title: String,
    pub audience: Option<AudienceView>,
    pub summary_only: bool,
    /// The revision reported on (the last at or before the end of the week), and the one
    /// it is compared with (the last at or before the end of the week before).
    pub revision: RevisionRef,
    pub previous: Option<RevisionRef>,
    pub readiness: ReadinessVerdict,
    pub go: bool,
    pub health: String,
    /// Whether the plan was stale at the end of the week, and since when.
    pub stale: Option<crate::derive::Stale>,
    /// The ship date as of the reported revision, with its slip against the first one named.
    pub target: Option<crate::derive::ShipDate>,
    /// Why the plan stands where it does, grouped and in words: readiness, then health.
    pub reasons: Vec<Reason>,
    /// The message's lead as one paragraph (see [`message`]).
    pub headline: String,
    pub message: Message,
    /// The revision of the week where readiness flipped to GO: its certification page lists
    /// every release gate and when it passed.
    pub certified: Option<RevisionRef>,
    /// What the readers must act on: proposed decisions and blocked actions.
    pub asks: Vec<Ask>,
    /// Whether anything changed since the previous week's revision.
    pub changed: bool,
    pub changes: Option<Diff>,
    pub counts: crate::derive::Counts,
    /// Unresolved blockers the audience may see.
    pub open_blockers: usize,
    pub blockers: Vec<Line>,
    pub gates: Vec<GateGroupLine>,
    pub risks: Vec<Line>,
    pub metrics: Vec<MetricLine>,
    pub decisions: Vec<Line>,
    pub actions: Vec<Line>,
    pub milestones: Vec<Line>,
    /// Records left out because the audience is external.
    pub withheld: usize,
    /// How many entries each list left out to stay readable.
    pub more: More,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct More {
    pub reasons: usize,
    pub changes: usize,
    pub blockers: usize,
    pub metrics: usize,
    pub decisions: usize,
    pub actions: usize,
    pub milestones: usize,
}

/// Keeps the first `limit` items as lines and counts the rest.
fn capped(items: Vec<&Item>, limit: usize, more: &mut usize) -> Vec<Line> {
    *more = items.len().saturating_sub(limit);
    items.into_iter().take(limit).map(line).collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct RevisionRef {
    pub id: String,
    pub slug: String,
    pub date: Date,
}

/// One entry of a report list.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub id: String,
    pub title: String,
    pub url: String,
    pub label: String,
    pub note: String,
    pub alert: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct GateGroupLine {
    pub name: String,
    pub release: bool,
    pub cleared: usize,
    pub total: usize,
    pub gates: Vec<Line>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricLine {
    pub id: String,
    pub title: String,
    pub url: String,
    pub value: String,
    pub previous: Option<String>,
    pub target: String,
    pub state: MetricState,
    /// `up`, `down`, `same`, `first measurement`, `not measured` or `no longer measured`
    /// (words, as every format shows them), and whether that is toward the target.
    pub trend: Trend,
    pub direction: Direction,
    /// How much of its target the value reaches ([`crate::values::Target::reached`]) in
    /// percent, for a bar drawn with table cells: full when met, whatever the unit (a lag
    /// of 45 s against ≤ 5 s is 11, an error rate of 0.05 % against < 1 % is 100); below 100
    /// whenever the target is missed. `None` draws no bar: not measured, or no share means
    /// anything.
    pub percent: Option<u32>,
}

/// The revisions a week's report compares: the last at or before the end of `week`, and
/// the last at or before the end of the week before.
pub fn revisions_for(snapshots: &[Snapshot], week: Week, zone: Zone) -> Option<(&Snapshot, Option<&Snapshot>)> {
    let last_by = |end: i64| snapshots.iter().rev().find(|s| s.status.is_some() && s.revision.timestamp <= end);
    let current = last_by(week.end_timestamp(zone))?;
    // The same revision on both sides means nothing changed that week.
    let previous = last_by(week.previous().end_timestamp(zone));
    Some((current, previous))
}

/// The newest revision after `before` up to `now` (both taken from `snapshots`) where
/// readiness flipped from NO-GO to GO (see [`flipped_in`]).
pub fn certified_in(snapshots: &[Snapshot], now: &Snapshot, before: Option<&Snapshot>) -> Option<RevisionRef> {
    let position = |s: &Snapshot| snapshots.iter().position(|x| std::ptr::eq(x, s));
    let end = position(now)?;
    let start = before.and_then(position).map_or(0, |i| i + 1);
    let readiness = snapshots.iter().map(|s| (&s.revision, s.status.as_ref().map(|s| s.readiness.go)));
    flipped_in(readiness, start, end)
}

/// The newest of `revisions` (each with whether it is GO, when readable) from `start` up to
/// `end` (positions) where readiness flipped from NO-GO to GO, judged on readable revisions
/// as the site's certification pages are: the week's report links that revision's
/// certification.
pub fn flipped_in<'a>(
    revisions: impl IntoIterator<Item = (&'a Revision, Option<bool>)>,
    start: usize,
    end: usize,
) -> Option<RevisionRef> {
    let mut previous: Option<bool> = None;
    let mut found = None;
    for (i, (revision, go)) in revisions.into_iter().enumerate().take(end + 1) {
        let Some(go) = go else { continue };
        if i >= start && previous == Some(false) && go {
            found = Some(RevisionRef::of(revision));
        }
        previous = Some(go);
    }
    found
}

/// Builds the report of `week` for the audience of `reader` (or the full internal report),
/// showing it what its redaction lets it see (the same rule as its site, see
/// [`crate::derive::redact`]). `known` is the diff of `previous` → `current` when the caller
/// has it already (the site's timeline does), to avoid comparing two whole plans again.
pub fn build(
    week: Week,
    current: &Snapshot,
    previous: Option<&Snapshot>,
    reader: Option<&Redaction>,
    known: Option<&Diff>,
    stale_after_days: u32,
    certified: Option<RevisionRef>,
) -> Option<Report> {
    let full = current.status.as_ref()?;
    let audience = reader.and_then(|r| AudienceView::of(&r.audience));
    let summary_only = audience.as_ref().is_some_and(|a| a.detail == Detail::Summary);
    let redaction = reader.filter(|r| r.hides_anything());
    let seen = |status| redaction.map_or(Cow::Borrowed(status), |r| r.view(status));
    let status = seen(full);
    let before = previous.and_then(|p| p.status.as_deref()).map(seen);
    let limit = if summary_only { SUMMARY_LIMIT } else { FULL_LIMIT };
    let mut more = More::default();

    // A diff of what the audience sees: a change of a visible record that names a hidden
    // one (`depends_on`) must not show it, so the site's diff serves the full report only.
    let known = known.filter(|_| redaction.is_none());
    let ids = (previous.map_or("", |p| p.revision.id.as_str()), current.revision.id.as_str());
    let changes = before.as_deref().map(|old| changes_cut(old, &status, ids, known, limit * 2, &mut more.changes));
    // A cut list still holds twice the list size, so a cut diff is never empty.
    let changed = changes.as_ref().is_none_or(|d| !d.is_empty());

    // Grouped, readiness first; those naming a withheld record were made a count by the
    // redaction.
    let mut reasons = message::reasons(&status);
    more.reasons = reasons.len().saturating_sub(limit);
    reasons.truncate(limit);
    let withheld = redaction.map_or(0, |r| all_items(full).filter(|i| r.hides(i.id())).count());

    let blockers = unresolved_blockers(&status);
    let open_blockers = blockers.len();
    let by_id: std::collections::HashMap<&str, &Item> = status.items.values().flatten().map(|i| (i.id(), i)).collect();
    let gates = status.gate_groups.iter().map(|g| gate_group_line(g, &by_id)).collect();
    let risks = status
        .top_risks
        .iter()
        .filter_map(|id| by_id.get(id.as_str()).copied())
        .take(SUMMARY_LIMIT)
        .map(line)
        .collect();
    let (metrics, more_metrics) = metric_lines(&status, before.as_deref(), limit);
    more.metrics = more_metrics;
    let (decisions, actions, milestones) = of_the_week(&status, week);
    let blockers = capped(blockers, limit, &mut more.blockers);
    let decisions = capped(decisions, limit, &mut more.decisions);
    let actions = capped(actions, limit, &mut more.actions);
    let milestones = capped(milestones, limit, &mut more.milestones);

    // Judged at the end of the week told of: last week's report of a plan untouched for a
    // year says so.
    let stale = Stale::of(plan_review(&status), Some(current.revision.date), stale_after_days, week.sunday());
    let message = Message::compose(&message::Facts {
        status: &status,
        before: before.as_deref(),
        changes: changes.as_ref(),
        revision: redaction.map_or(Cow::Borrowed(&current.revision), |r| told(&current.revision, r)).as_ref(),
        stale: stale.as_ref(),
        brief: summary_only,
        since: None,
    });
    let asks = asks(&status);
    Some(Report {
        week: week.to_string(),
        start: week.monday(),
        end: week.sunday(),
        plan_title: status.plan.title().to_string(),
        audience,
        summary_only,
        revision: revision_ref(current),
        previous: previous.map(revision_ref),
        readiness: status.readiness.verdict,
        go: status.readiness.go,
        health: status.health.computed.to_string(),
        stale,
        target: status.target.clone(),
        reasons,
        headline: message.headline(),
        message,
        certified,
        asks,
        changed,
        changes: if summary_only { None } else { changes },
        counts: status.counts.clone(),
        open_blockers,
        blockers,
        gates,
        risks,
        metrics,
        decisions,
        actions,
        milestones,
        withheld,
        more,
    })
}

/// The plan's `next_review`, if it has one.
fn plan_review(status: &Status) -> Option<Date> {
    match &status.plan.record.data {
        KindData::Plan(p) => p.next_review,
        _ => None,
    }
}

/// Something a reader must act on: a decision still proposed, or an action blocked.
#[derive(Debug, Clone, Serialize)]
pub struct Ask {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub url: String,
    pub owner: Option<String>,
    /// "proposed 12 days ago", "blocked, due 2025-08-20 (3 days overdue)".
    pub state: String,
}

/// The plan's asks: proposed decisions (oldest first), then blocked actions.
pub fn asks(status: &Status) -> Vec<Ask> {
    let ago = |date: Option<Date>| match date.map(|d| d.days_until(status.as_of)) {
        Some(0) => " today".to_string(),
        Some(1) => " 1 day ago".to_string(),
        Some(n) if n > 1 => format!(" {n} days ago"),
        _ => String::new(),
    };
    let ask = |item: &Item, state: String| Ask {
        id: item.id().to_string(),
        kind: item.record.kind,
        title: item.title().to_string(),
        url: item.url().to_string(),
        owner: item.record.common.owner.clone(),
        state,
    };
    let mut decisions: Vec<(Option<Date>, Ask)> = status.items[Kind::Decision]
        .iter()
        .filter_map(|i| match &i.record.data {
            KindData::Decision(d) if d.status == DecisionStatus::Proposed => {
                Some((d.date, ask(i, format!("proposed{}", ago(d.date)))))
            }
            _ => None,
        })
        .collect();
    decisions.sort_by_key(|(date, _)| *date);
    let actions = status.items[Kind::Action].iter().filter_map(|i| match &i.record.data {
        KindData::Action(a) if a.status == ActionStatus::Blocked => {
            let due = a.due.map_or_else(String::new, |d| format!(", due {d}"));
            let late = i
                .derived
                .days_overdue
                .filter(|d| *d > 0)
                .map_or_else(String::new, |d| format!(" ({} overdue)", crate::values::count(d, "day")));
            Some(ask(i, format!("blocked{due}{late}")))
        }
        _ => None,
    });
    decisions.into_iter().map(|(_, a)| a).chain(actions).collect()
}

/// What changed from `old` to `new` (revisions `ids`; `known` when the caller has it), cut
/// at `cap` changes with the rest counted in `more`.
fn changes_cut(
    old: &Status,
    new: &Status,
    ids: (&str, &str),
    known: Option<&Diff>,
    cap: usize,
    more: &mut usize,
) -> Diff {
    let mut d = known.cloned().unwrap_or_else(|| diff::diff(old, ids.0, new, ids.1));
    d.summary = diff::summarize(&d);
    *more = d.items.len().saturating_sub(cap);
    d.items.truncate(cap);
    d
}

/// The unresolved blockers, most severe first.
fn unresolved_blockers(status: &Status) -> Vec<&Item> {
    let mut blockers: Vec<&Item> =
        status.items[Kind::Blocker].iter().filter(|i| i.derived.kind.blocker().is_some_and(|b| b.unresolved)).collect();
    blockers.sort_by_key(|i| match &i.record.data {
        KindData::Blocker(b) => b.severity,
        _ => Severity::Low,
    });
    blockers
}

/// A gate group's line: its gates (`by_id` finds them) and how many are cleared.
fn gate_group_line(group: &crate::derive::GateGroup, by_id: &std::collections::HashMap<&str, &Item>) -> GateGroupLine {
    let members: Vec<&Item> = group.gates.iter().filter_map(|id| by_id.get(id.as_str()).copied()).collect();
    GateGroupLine {
        name: group.name.clone(),
        release: group.release,
        cleared: members.iter().filter(|i| i.derived.kind.gate().is_some_and(|g| g.cleared)).count(),
        total: members.len(),
        gates: members.into_iter().map(line).collect(),
    }
}

/// The metric lines, off-target first (what a reader needs to see), at most `limit`, with
/// how many were left out; each compared with its value `before`.
fn metric_lines(status: &Status, before: Option<&Status>, limit: usize) -> (Vec<MetricLine>, usize) {
    let measured: std::collections::HashMap<&str, &Item> =
        before.map(|p| p.items[Kind::Metric].iter().map(|m| (m.id(), m)).collect()).unwrap_or_default();
    let mut items: Vec<&Item> = status.items[Kind::Metric].iter().collect();
    items.sort_by_key(|m| match m.derived.kind.metric().and_then(|m| m.state) {
        Some(MetricState::NotMet) => 0,
        Some(MetricState::Met) => 1,
        _ => 2,
    });
    let more = items.len().saturating_sub(limit);
    (items.into_iter().take(limit).map(|m| metric_line(m, measured.get(m.id()).copied())).collect(), more)
}

/// What `week` brings: decisions dated in it, unfinished actions due by the end of the
/// next week, and milestones not done that are overdue or fall in the two weeks after it.
fn of_the_week(status: &Status, week: Week) -> (Vec<&Item>, Vec<&Item>, Vec<&Item>) {
    let in_week = |d: Option<Date>| d.is_some_and(|d| d >= week.monday() && d <= week.sunday());
    let decisions = status.items[Kind::Decision]
        .iter()
        .filter(|i| matches!(&i.record.data, KindData::Decision(d) if in_week(d.date)))
        .collect();
    let horizon = week.sunday().add_days(7);
    let actions = status.items[Kind::Action]
        .iter()
        .filter(|i| matches!(&i.record.data, KindData::Action(a) if !a.status.is_finished() && a.due.is_some_and(|d| d <= horizon)))
        .collect();
    let soon = week.sunday().add_days(14);
    let milestones = status.items[Kind::Milestone]
        .iter()
        .filter(|i| match &i.record.data {
            KindData::Milestone(m) => {
                m.status != crate::values::MilestoneStatus::Done
                    && (i.derived.overdue
                        || i.derived
                            .kind
                            .milestone()
                            .into_iter()
                            .flat_map(|m| [m.start, m.end])
                            .flatten()
                            .any(|d| d > week.sunday() && d <= soon))
            }
            _ => false,
        })
        .collect();
    (decisions, actions, milestones)
}

fn all_items(status: &Status) -> impl Iterator<Item = &Item> {
    std::iter::once(&status.plan).chain(status.items.values().flatten())
}

/// What stands for a revision's message that an audience may not read.
pub const WITHHELD_MESSAGE: &str = "(The message of this revision names a record this audience may not see.)";

/// `revision` as `reader` may read it: its tag's or commit's message is the author's own
/// words, and withheld whole when it names a record the reader may not see.
pub fn told<'a>(revision: &'a Revision, reader: &Redaction) -> Cow<'a, Revision> {
    if !reader.conceals(&revision.message) && !reader.conceals(&revision.summary) {
        return Cow::Borrowed(revision);
    }
    let withheld = WITHHELD_MESSAGE.to_string();
    Cow::Owned(Revision { summary: withheld.clone(), message: withheld, ..revision.clone() })
}

fn revision_ref(snapshot: &Snapshot) -> RevisionRef {
    RevisionRef::of(&snapshot.revision)
}

impl RevisionRef {
    fn of(revision: &Revision) -> RevisionRef {
        RevisionRef { id: revision.id.clone(), slug: revision.slug.clone(), date: revision.date }
    }
}

fn line(item: &Item) -> Line {
    let r: &Record = &item.record;
    let d = &item.derived;
    let (label, note) = match &r.data {
        KindData::Blocker(b) => (format!("{} · {}", b.severity, words(b.status)), b.impact.clone().unwrap_or_default()),
        KindData::Gate(g) => (words(g.status), String::new()),
        KindData::Risk(risk) => {
            let (score, band) = d.kind.risk().map_or((0, ""), |r| (r.score, r.band.as_str()));
            (format!("score {score} {band}"), words(risk.status))
        }
        KindData::Decision(dec) => (words(dec.status), dec.decision.clone()),
        KindData::Action(a) => (words(a.status), a.due.map_or_else(String::new, |due| format!("due {due}"))),
        KindData::Milestone(m) => (words(m.status), d.kind.milestone().map(|m| m.when.clone()).unwrap_or_default()),
        KindData::Plan(_)
        | KindData::Assessment(_)
        | KindData::Metric(_)
        | KindData::Audience(_)
        | KindData::Section(_) => (String::new(), String::new()),
    };
    Line { id: r.id.clone(), title: r.title().to_string(), url: r.url.clone(), label, note, alert: d.overdue }
}

fn metric_line(item: &Item, before: Option<&Item>) -> MetricLine {
    let derived = item.derived.kind.metric();
    let value = |i: &Item| match &i.record.data {
        KindData::Metric(m) => m.value,
        _ => None,
    };
    let (now, then) = (value(item), before.and_then(value));
    let trend = match (then, now) {
        (None, None) => Trend::NotMeasured,
        (Some(_), None) => Trend::NoLongerMeasured,
        (None, Some(_)) => Trend::FirstMeasurement,
        (Some(a), Some(b)) if b > a => Trend::Up,
        (Some(a), Some(b)) if b < a => Trend::Down,
        _ => Trend::Same,
    };
    let (target, unit) = match &item.record.data {
        KindData::Metric(m) => (m.target.parsed().ok(), m.unit.as_deref()),
        _ => (None, None),
    };
    let gap = |v: Option<f64>| v.zip(target).map(|(v, t)| t.gap(v));
    let direction = match (gap(then), gap(now)) {
        (Some(a), Some(b)) if b < a => Direction::Toward,
        (Some(a), Some(b)) if b > a => Direction::Away,
        _ => Direction::None,
    };
    let percent = now.zip(target).and_then(|(v, t)| {
        let share = (t.reached(v)? * 100.0).round() as u32;
        Some(if t.is_met(v) { share } else { share.min(99) })
    });
    MetricLine {
        id: item.id().to_string(),
        title: item.title().to_string(),
        url: item.url().to_string(),
        value: derived.and_then(|d| d.value_text.clone()).unwrap_or_else(|| "not measured".into()),
        previous: then.map(|v| with_unit(&number(v), unit)).filter(|_| trend != Trend::Same),
        target: derived.and_then(|d| d.target_text.clone()).unwrap_or_default(),
        state: derived.and_then(|d| d.state).unwrap_or(MetricState::NotMeasured),
        trend,
        direction,
        percent,
    }
}

#[cfg(test)]
mod tests;
