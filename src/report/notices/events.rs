//! Events: the facts of a diff that someone may want to hear of at once ("the ship date moved
//! 7 days", "readiness is GO"), typed, so that each audience's cadence and `events` filter can
//! pick its own, and each channel can tell them in its own format.

use serde::Serialize;

use crate::derive::{Item, Status};
use crate::diff::certification::Certification;
use crate::diff::{Diff, ItemChange};
use crate::model::{Kind, KindData};
use crate::report::message::capitalized;
use crate::values::{BlockerStatus, Change, DecisionStatus, EventKind, MetricState, Severity};

/// One event of one revision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub kind: EventKind,
    /// The record it is about (the plan for readiness and health).
    pub record: RecordRef,
    /// The value before and after, in words (`no-go` → `go`, `2025-09-05` → `2025-09-12`).
    pub from: Option<String>,
    pub to: Option<String>,
    /// The revision it happened in.
    pub revision: String,
    /// The event in words, for every channel: "Ship date moved 2025-09-05 → 2025-09-12, +7 days".
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordRef {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub url: String,
}

impl RecordRef {
    fn of(item: &Item) -> RecordRef {
        RecordRef {
            id: item.id().to_string(),
            kind: item.kind(),
            title: item.title().to_string(),
            url: item.url().to_string(),
        }
    }

    fn of_change(change: &ItemChange) -> RecordRef {
        RecordRef { id: change.id.clone(), kind: change.kind, title: change.title.clone(), url: change.url.clone() }
    }
}

impl EventKind {
    /// Whether the event changes the plan's outlook: what an `immediate` audience hears of.
    pub fn is_outlook(self) -> bool {
        matches!(self, EventKind::Readiness | EventKind::ShipDateMoved | EventKind::GateFailed)
    }

    /// Gate and milestone events and readiness: what a `milestone` audience hears of.
    pub fn is_milestone(self) -> bool {
        matches!(
            self,
            EventKind::Readiness
                | EventKind::GatePassed
                | EventKind::GateFailed
                | EventKind::GateWaived
                | EventKind::MilestoneDone
                | EventKind::MilestoneMissed
                | EventKind::MilestoneMoved
                | EventKind::ShipDateMoved
        )
    }
}

impl Event {
    /// With the record's link under the site's `base_url` (receivers are not on the site).
    pub fn absolute(mut self, base_url: &str) -> Event {
        if !base_url.is_empty() && !self.record.url.contains("://") {
            self.record.url = format!("{}/{}", base_url.trim_end_matches('/'), self.record.url.trim_start_matches('/'));
        }
        self
    }

    /// Whether an `immediate` audience hears of it: an outlook event, or a critical blocker
    /// opened or escalated to critical.
    pub fn is_outlook(&self, new: &Status) -> bool {
        self.kind.is_outlook()
            || (matches!(self.kind, EventKind::BlockerOpened | EventKind::BlockerEscalated)
                && severity(new.find(Kind::Blocker, &self.record.id)) == Some(Severity::Critical))
    }
}

/// Every event from `old` to `new`, whose differences `diff` holds: plan-wide ones first
/// (readiness, health, ship date), then by record in the diff's order.
pub fn events(diff: &Diff, old: &Status, new: &Status) -> Vec<Event> {
    let revision = diff.to.id.as_str();
    let plan = RecordRef::of(&new.plan);
    let event = |kind, record: RecordRef, from: Option<String>, to: Option<String>, text: String| Event {
        kind,
        record,
        from,
        to,
        revision: revision.to_string(),
        text,
    };
    let mut out = Vec::new();
    if let Some(t) = &diff.readiness {
        let text = format!("Readiness {} → {}", t.from, t.to);
        out.push(event(EventKind::Readiness, plan.clone(), Some(t.from.clone()), Some(t.to.clone()), text));
    }
    if let Some(t) = &diff.health {
        let text = format!("Health {} → {}", t.from, t.to);
        out.push(event(EventKind::Health, plan.clone(), Some(t.from.clone()), Some(t.to.clone()), text));
    }
    let ship = |s: &Status| s.target.as_ref().map(|t| t.date);
    if let (Some(from), Some(to)) = (ship(old), ship(new))
        && from != to
        && let Some(target) = &new.target
    {
        let days = from.days_until(to);
        let slip = target.slip.as_ref().map_or_else(String::new, |s| format!("; now {s}"));
        let text =
            format!("Ship date moved {from} → {to}, {days:+} {}{slip}", crate::values::plural("day", days.abs()));
        let record = RecordRef {
            id: target.source.clone(),
            kind: target.kind,
            title: target.title.clone(),
            url: target.url.clone(),
        };
        out.push(event(EventKind::ShipDateMoved, record, Some(from.to_string()), Some(to.to_string()), text));
    }
    let ship_source = new.target.as_ref().map(|t| t.source.as_str());
    for change in &diff.items {
        for (kind, from, to, what) in item_events(change, old, new, ship_source) {
            let text = format!("{} {}: {what}", change.kind.name(), change.title);
            out.push(event(kind, RecordRef::of_change(change), from, to, capitalized(&text)));
        }
    }
    out.extend(overdue(old, new).map(|item| {
        let days = item.derived.days_overdue.unwrap_or(0);
        let text = format!("Action {} is overdue ({})", item.title(), crate::values::count(days, "day"));
        let due = item.derived.due.map(|d| d.to_string());
        event(EventKind::ActionOverdue, RecordRef::of(item), due, Some("overdue".into()), text)
    }));
    out
}

/// What a certification tells: each release gate with the revision it passed (or was
/// waived) in, then the decisions that approved it. A gate's event is dated by the revision
/// it passed in, a decision's by the certifying revision.
pub fn certified(certification: &Certification) -> Vec<Event> {
    let gates = certification.gates.iter().map(|g| {
        let waived = g.status == "waived";
        let why = g.waiver.as_deref().filter(|_| waived).map_or_else(String::new, |w| format!(": {w}"));
        Event {
            kind: if waived { EventKind::GateWaived } else { EventKind::GatePassed },
            record: RecordRef { id: g.id.clone(), kind: Kind::Gate, title: g.title.clone(), url: g.url.clone() },
            from: None,
            to: Some(g.status.clone()),
            revision: g.since.clone(),
            text: format!("Gate {}: {} in {} ({}){why}", g.title, g.status, g.since, g.since_date),
        }
    });
    let decisions = certification.decisions.iter().map(|d| Event {
        kind: EventKind::DecisionTaken,
        record: RecordRef { id: d.id.clone(), kind: Kind::Decision, title: d.title.clone(), url: d.url.clone() },
        from: None,
        to: Some("accepted".into()),
        revision: certification.revision.clone(),
        text: format!("Approved by decision {}: {}", d.title, d.decision),
    });
    gates.chain(decisions).collect()
}

type Found = (EventKind, Option<String>, Option<String>, String);

/// The events of one record's change: (kind, from, to, what happened in words).
fn item_events(change: &ItemChange, old: &Status, new: &Status, ship_source: Option<&str>) -> Vec<Found> {
    let status = change.status.as_ref().map(|t| (t.from.as_str(), t.to.as_str()));
    let added = change.change == Change::Added;
    let now = new.find(change.kind, &change.id);
    let before = old.find(change.kind, &change.id);
    let pair = |a: &str, b: &str| (Some(a.to_string()), Some(b.to_string()));
    let mut found: Vec<Found> = Vec::new();
    match change.kind {
        Kind::Gate => {
            if let Some((from, to)) = status {
                let kind = match to {
                    "passed" => Some(EventKind::GatePassed),
                    "failed" => Some(EventKind::GateFailed),
                    "waived" => Some(EventKind::GateWaived),
                    _ => None,
                };
                if let Some(kind) = kind {
                    let (a, b) = pair(from, to);
                    found.push((kind, a, b, to.to_string()));
                }
            }
        }
        Kind::Milestone => {
            match status.map(|(_, to)| to) {
                Some("done") => found.push((EventKind::MilestoneDone, None, Some("done".into()), "done".into())),
                Some("missed") => {
                    found.push((EventKind::MilestoneMissed, None, Some("missed".into()), "missed".into()))
                }
                _ => {}
            }
            // The ship date's own move is told once, plan-wide, as the timeline impact.
            let end = change.fields.iter().find(|f| f.field == "end" && f.slip_days.is_some());
            if let Some(field) = end.filter(|_| ship_source != Some(change.id.as_str())) {
                let (from, to) = (show(&field.from), show(&field.to));
                let days = field.slip_days.unwrap_or(0);
                let what = format!("end moved {from} → {to}, {days:+} {}", crate::values::plural("day", days.abs()));
                found.push((EventKind::MilestoneMoved, Some(from), Some(to), what));
            }
        }
        Kind::Blocker => {
            if severity(now).is_none_or(|s| s > Severity::High) {
                return found;
            }
            let unresolved = |i: Option<&Item>| blocker_status(i).is_some_and(BlockerStatus::is_unresolved);
            let sev = severity(now).map(|s| s.to_string()).unwrap_or_default();
            if unresolved(now) && (added || !unresolved(before)) {
                found.push((EventKind::BlockerOpened, None, Some(sev.clone()), format!("{sev} blocker opened")));
            } else if unresolved(now) && severity(before).is_some_and(|s| Some(s) > severity(now)) {
                let from = severity(before).map(|s| s.to_string()).unwrap_or_default();
                found.push((
                    EventKind::BlockerEscalated,
                    Some(from.clone()),
                    Some(sev.clone()),
                    format!("escalated {from} → {sev}"),
                ));
            } else if !added && unresolved(before) && !unresolved(now) && now.is_some() {
                let to = blocker_status(now).map(|s| s.to_string()).unwrap_or_default();
                found.push((EventKind::BlockerResolved, Some("open".into()), Some(to.clone()), to));
            }
        }
        Kind::Metric => {
            if let Some(m) = &change.metric
                && m.from_state != m.to_state
                && (m.from_state == MetricState::Met || m.to_state == MetricState::Met)
            {
                let kind = if m.to_state == MetricState::Met { EventKind::MetricMet } else { EventKind::MetricUnmet };
                let met = if kind == EventKind::MetricMet { "target met" } else { "target no longer met" };
                let value = now.and_then(|i| i.derived.kind.metric()?.value_text.clone());
                let what = format!("{met} ({}, target {})", value.as_deref().unwrap_or("not measured"), m.target);
                found.push((kind, Some(m.from_state.to_string()), Some(m.to_state.to_string()), what));
            }
        }
        Kind::Decision => {
            let to = decision_status(now);
            let from = decision_status(before);
            let kind = match to {
                Some(DecisionStatus::Accepted) if from != to => Some(EventKind::DecisionTaken),
                Some(DecisionStatus::Superseded) if from != to => Some(EventKind::DecisionSuperseded),
                _ => None,
            };
            if let (Some(kind), Some(to)) = (kind, to) {
                found.push((kind, from.map(|s| s.to_string()), Some(to.to_string()), to.to_string()));
            }
        }
        Kind::Risk => {
            let band = |i: Option<&Item>| i.and_then(|i| i.derived.kind.risk()).map(|r| r.band);
            if let Some(to) = band(now).filter(|b| b.is_high())
                && (added || band(before).is_none_or(|b| !b.is_high()))
            {
                let from = band(before).map(|b| b.to_string());
                found.push((EventKind::RiskHigh, from, Some(to.to_string()), format!("now {to}")));
            }
        }
        // An action's event is turning overdue, which time does without a change
        // ([`overdue`]); the plan's are readiness, health and the ship date.
        Kind::Action | Kind::Assessment | Kind::Audience | Kind::Plan | Kind::Section => {}
    }
    found
}

/// Actions overdue in `new` that were not in `old` (nor absent from it: a new record is
/// told as added, not as turned overdue). Their record need not have changed: time passed.
fn overdue<'a>(old: &'a Status, new: &'a Status) -> impl Iterator<Item = &'a Item> {
    new.items[Kind::Action]
        .iter()
        .filter(move |a| a.derived.overdue && old.find(Kind::Action, a.id()).is_some_and(|o| !o.derived.overdue))
}

fn severity(item: Option<&Item>) -> Option<Severity> {
    match item.map(|i| &i.record.data) {
        Some(KindData::Blocker(b)) => Some(b.severity),
        _ => None,
    }
}

fn blocker_status(item: Option<&Item>) -> Option<BlockerStatus> {
    match item.map(|i| &i.record.data) {
        Some(KindData::Blocker(b)) => Some(b.status),
        _ => None,
    }
}

fn decision_status(item: Option<&Item>) -> Option<DecisionStatus> {
    match item.map(|i| &i.record.data) {
        Some(KindData::Decision(d)) => Some(d.status),
        _ => None,
    }
}

fn show(value: &serde_json::Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::fixture::derived;

    fn between(old: &[(&str, &str)], new: &[(&str, &str)]) -> Vec<Event> {
        let (a, b) = (derived(old), derived(new));
        events(&crate::diff::diff(&a, "v1", &b, "v2"), &a, &b)
    }

    fn kinds(events: &[Event]) -> Vec<EventKind> {
        events.iter().map(|e| e.kind).collect()
    }

    const GATE: &str = "title = 'Security'\ngroup = 'Release'\nstatus = 'pending'";
    const RELEASE: &str = "title = 'Launch'\nrelease = true\nend = 2025-09-05";

    #[test]
    fn the_last_gate_passing_flips_readiness_and_tells_the_gate() {
        let passed = GATE.replace("pending", "passed");
        let e = between(&[("gates/g-1.toml", GATE)], &[("gates/g-1.toml", &passed)]);
        assert_eq!(kinds(&e), [EventKind::Readiness, EventKind::GatePassed]);
        assert_eq!((e[0].from.as_deref(), e[0].to.as_deref()), (Some("NO-GO"), Some("GO")));
        assert_eq!(e[0].text, "Readiness NO-GO → GO");
        assert_eq!((e[1].record.id.as_str(), e[1].revision.as_str()), ("g-1", "v2"));
        assert_eq!(e[1].text, "Gate Security: passed");
        assert!(e.iter().all(|e| e.is_outlook(&derived(&[])) == (e.kind == EventKind::Readiness)));
    }

    #[test]
    fn the_release_milestone_moving_is_the_ship_date_told_once() {
        let later = RELEASE.replace("09-05", "09-12");
        let e = between(&[("milestones/m-1.toml", RELEASE)], &[("milestones/m-1.toml", &later)]);
        assert_eq!(kinds(&e), [EventKind::ShipDateMoved]);
        assert_eq!((e[0].from.as_deref(), e[0].to.as_deref()), (Some("2025-09-05"), Some("2025-09-12")));
        assert!(e[0].text.starts_with("Ship date moved 2025-09-05 → 2025-09-12, +7 days"), "{}", e[0].text);
        assert_eq!(e[0].record.id, "m-1");
        let other = "title = 'Beta'\nend = 2025-09-01";
        let e = between(&[("milestones/b.toml", other)], &[("milestones/b.toml", &other.replace("01", "03"))]);
        assert_eq!(kinds(&e), [EventKind::MilestoneMoved]);
        assert_eq!(e[0].text, "Milestone Beta: end moved 2025-09-01 → 2025-09-03, +2 days");
    }

    #[test]
    fn blockers_count_when_critical_or_high() {
        let blocker =
            |severity: &str, status: &str| format!("title = 'DB down'\nseverity = '{severity}'\nstatus = '{status}'");
        let (low, critical) = (blocker("low", "open"), blocker("critical", "open"));
        let opened = between(&[], &[("blockers/B-1.toml", &critical)]);
        assert!(kinds(&opened).contains(&EventKind::BlockerOpened), "{opened:?}");
        let new = derived(&[("blockers/B-1.toml", &critical)]);
        assert!(opened.iter().find(|e| e.kind == EventKind::BlockerOpened).unwrap().is_outlook(&new));
        let escalated = between(&[("blockers/B-1.toml", &low)], &[("blockers/B-1.toml", &critical)]);
        assert!(kinds(&escalated).contains(&EventKind::BlockerEscalated), "{escalated:?}");
        let resolved =
            between(&[("blockers/B-1.toml", &critical)], &[("blockers/B-1.toml", &blocker("critical", "resolved"))]);
        assert!(kinds(&resolved).contains(&EventKind::BlockerResolved), "{resolved:?}");
        let quiet = between(&[], &[("blockers/B-1.toml", &low)]);
        assert!(!kinds(&quiet).iter().any(|k| k.as_str().starts_with("blocker")), "{quiet:?}");
    }

    #[test]
    fn metrics_decisions_and_risks() {
        let metric = |v: f64| format!("title = 'Pass rate'\ntarget = '>= 90'\nvalue = {v}");
        let e = between(&[("metrics/p.toml", &metric(80.0))], &[("metrics/p.toml", &metric(95.0))]);
        assert!(kinds(&e).contains(&EventKind::MetricMet), "{e:?}");
        let decision = |s: &str| format!("title = 'Ship it'\ndecision = 'Ship on the 12th'\nstatus = '{s}'");
        let e = between(&[("decisions/d.toml", &decision("proposed"))], &[("decisions/d.toml", &decision("accepted"))]);
        assert_eq!(kinds(&e), [EventKind::DecisionTaken]);
        let e =
            between(&[("decisions/d.toml", &decision("accepted"))], &[("decisions/d.toml", &decision("superseded"))]);
        assert_eq!(kinds(&e), [EventKind::DecisionSuperseded]);
        let risk = |l: u8| format!("title = 'Vendor'\nlikelihood = {l}\nimpact = 4");
        let e = between(&[("risks/r.toml", &risk(1))], &[("risks/r.toml", &risk(4))]);
        assert!(kinds(&e).contains(&EventKind::RiskHigh), "{e:?}");
    }

    #[test]
    fn an_action_turning_overdue_is_an_event_though_its_record_did_not_change() {
        let action = "title = 'Patch'\ndue = 2025-08-20\nstatus = 'todo'";
        let (a, b) =
            (derived(&[("actions/a.toml", action)]), derived(&[("actions/a.toml", &action.replace("08-20", "08-01"))]));
        let e = events(&crate::diff::diff(&a, "v1", &b, "v2"), &a, &b);
        assert!(kinds(&e).contains(&EventKind::ActionOverdue), "{e:?}");
    }
}
