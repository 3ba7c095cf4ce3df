//! The completion certification: when readiness flips to GO, what the GO rests on. Each gate
//! of the release group with the revision it passed in (or was waived in, and why), its
//! criteria, the metrics against their targets, and the decisions that approved it, as data
//! for the site's certification page and for `notify`'s certification message.
//!
//! "The revision a gate passed in" is the first revision, in order, from which the gate stayed
//! passed or waived up to the certifying one: a gate that passed, failed and passed again
//! passed in the second pass.
//!
//! The approving decisions are the decisions accepted at the certifying revision that link a
//! release gate (the decision's `links` name the gate, or the gate's name the decision). When
//! none does, they are the decisions that became accepted while the release gates were
//! passing: accepted at the certifying revision, and not accepted in the revision before the
//! earliest passing revision of a release gate.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::derive::{Item, Status};
use crate::history::Revision;
use crate::model::records::Criterion;
use crate::model::{Kind, KindData};
use crate::values::{Date, DecisionStatus, MetricState};

/// One readable revision and its status, oldest first.
pub type Revisioned<'a> = (&'a Revision, &'a Status);

#[derive(Debug, Clone, Serialize)]
pub struct Certification {
    /// The certifying revision: the one readiness flipped to GO in.
    pub revision: String,
    pub slug: String,
    pub date: Date,
    pub release_group: Option<String>,
    pub gates: Vec<CertifiedGate>,
    pub metrics: Vec<MetricCheck>,
    pub decisions: Vec<Approval>,
    /// Which rule chose the decisions: `linked` (they link a release gate) or `accepted`
    /// (accepted while the release gates were passing).
    pub decisions_rule: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct CertifiedGate {
    pub id: String,
    pub title: String,
    pub url: String,
    /// `passed` or `waived`.
    pub status: String,
    /// Why it was waived (the gate's `waiver`).
    pub waiver: Option<String>,
    /// The revision it passed (or was waived) in, and its date.
    pub since: String,
    pub since_slug: String,
    pub since_date: Date,
    pub criteria: Vec<Criterion>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricCheck {
    pub id: String,
    pub title: String,
    pub url: String,
    pub value: Option<String>,
    pub target: Option<String>,
    pub state: Option<MetricState>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Approval {
    pub id: String,
    pub title: String,
    pub url: String,
    pub date: Option<Date>,
    pub decision: String,
}

/// What a certification certifies: readiness went from NO-GO in one readable revision to GO
/// in the next.
pub fn flipped_to_go(before: &Status, now: &Status) -> bool {
    now.readiness.go && !before.readiness.go
}

/// The certification of each of `revisions` (readable ones, oldest first): `Some` where
/// readiness flipped from NO-GO to GO.
pub fn certify_all(revisions: &[Revisioned<'_>]) -> Vec<Option<Certification>> {
    let mut ledger = Ledger::default();
    let mut before: Option<&Status> = None;
    revisions
        .iter()
        .map(|(revision, status)| {
            let certification = before.and_then(|before| ledger.certify(revision, status, before));
            ledger.push(revision, status);
            before = Some(status);
            certification
        })
        .collect()
}

/// What certifying a revision needs of the readable revisions before it, kept as they pass
/// so that a fold over the history need not hold them: each one's id, when each gate's
/// streak of being cleared began, and which decisions each one had accepted.
#[derive(Default)]
pub struct Ledger {
    revisions: Vec<Revision>,
    /// Gate id → the first revision (index in `revisions`) of its streak of being cleared
    /// up to the newest one; a gate not cleared there has none.
    cleared_since: HashMap<String, usize>,
    /// The ids of the decisions each revision had accepted.
    accepted: Vec<HashSet<String>>,
}

impl Ledger {
    /// The certification of `status` (revision `revision`, the readable one after every
    /// revision pushed, the newest of which is `before`) when readiness flipped to GO there.
    pub fn certify(&self, revision: &Revision, status: &Status, before: &Status) -> Option<Certification> {
        if !flipped_to_go(before, status) {
            return None;
        }
        let at = self.revisions.len();
        let release: Vec<&Item> = status
            .gate_groups
            .iter()
            .filter(|g| g.release)
            .flat_map(|g| &g.gates)
            .filter_map(|id| status.find(Kind::Gate, id))
            .collect();
        let passing: Vec<usize> = release.iter().map(|gate| self.passed_in(at, gate.id())).collect();
        let since = |i: usize| self.revisions.get(i).unwrap_or(revision);
        let gates = release.iter().zip(&passing).map(|(gate, i)| certified(gate, since(*i))).collect();
        let linked = linked_decisions(status, &release);
        let (decisions, decisions_rule) = if linked.is_empty() {
            let start = passing.iter().copied().min().unwrap_or(at);
            let before = start.checked_sub(1).and_then(|i| self.accepted.get(i));
            (accepted_since(status, before), "accepted")
        } else {
            (linked, "linked")
        };
        Some(Certification {
            revision: revision.id.clone(),
            slug: revision.slug.clone(),
            date: revision.date,
            release_group: status.readiness.release_group.clone(),
            gates,
            metrics: status.items[Kind::Metric].iter().map(metric).collect(),
            decisions: decisions.into_iter().map(approval).collect(),
            decisions_rule,
        })
    }

    /// Adds the next readable revision.
    pub fn push(&mut self, revision: &Revision, status: &Status) {
        let n = self.revisions.len();
        let cleared = status.items[Kind::Gate].iter().filter(|g| g.derived.kind.gate().is_some_and(|g| g.cleared));
        self.cleared_since =
            cleared.map(|g| (g.id().to_string(), self.cleared_since.get(g.id()).copied().unwrap_or(n))).collect();
        self.accepted.push(accepted(status).map(|d| d.id().to_string()).collect());
        self.revisions.push(revision.clone());
    }

    /// The first revision from which gate `id` stayed cleared up to `at` (which clears it).
    fn passed_in(&self, at: usize, id: &str) -> usize {
        self.cleared_since.get(id).copied().unwrap_or(at)
    }
}

fn certified(gate: &Item, since: &Revision) -> CertifiedGate {
    let (status, waiver, criteria) = match &gate.record.data {
        KindData::Gate(g) => (g.status.to_string(), g.waiver.clone(), g.criteria.clone()),
        _ => (String::new(), None, Vec::new()),
    };
    CertifiedGate {
        id: gate.id().to_string(),
        title: gate.title().to_string(),
        url: gate.url().to_string(),
        status,
        waiver,
        since: since.id.clone(),
        since_slug: since.slug.clone(),
        since_date: since.date,
        criteria,
    }
}

fn metric(item: &Item) -> MetricCheck {
    let derived = item.derived.kind.metric();
    MetricCheck {
        id: item.id().to_string(),
        title: item.title().to_string(),
        url: item.url().to_string(),
        value: derived.and_then(|d| d.value_text.clone()),
        target: derived.and_then(|d| d.target_text.clone()),
        state: derived.and_then(|d| d.state),
    }
}

fn approval(item: &Item) -> Approval {
    let (date, decision) = match &item.record.data {
        KindData::Decision(d) => (d.date, d.decision.clone()),
        _ => (None, String::new()),
    };
    Approval { id: item.id().to_string(), title: item.title().to_string(), url: item.url().to_string(), date, decision }
}

/// Accepted decisions of `status` that link a gate of `release`, or that one of them links.
fn linked_decisions<'a>(status: &'a Status, release: &[&Item]) -> Vec<&'a Item> {
    let names = |links: &[String], id: &str| links.iter().any(|l| l.eq_ignore_ascii_case(id));
    accepted(status)
        .filter(|d| {
            release.iter().any(|g| names(&d.record.common.links, g.id()) || names(&g.record.common.links, d.id()))
        })
        .collect()
}

/// Accepted decisions of `status` that were not accepted in `before` (the ids of the ones
/// accepted then; all, without it).
fn accepted_since<'a>(status: &'a Status, before: Option<&HashSet<String>>) -> Vec<&'a Item> {
    let was_accepted = |id: &str| before.is_some_and(|b| b.contains(id));
    accepted(status).filter(|d| !was_accepted(d.id())).collect()
}

fn accepted(status: &Status) -> impl Iterator<Item = &Item> {
    status.items[Kind::Decision]
        .iter()
        .filter(|d| matches!(&d.record.data, KindData::Decision(d) if d.status == DecisionStatus::Accepted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::fixture::derived;
    use crate::history::Source;

    fn revision(id: &str, day: u32) -> Revision {
        Revision {
            id: id.into(),
            slug: id.into(),
            commit: None,
            date: Date::parse(&format!("2025-08-{day:02}")).unwrap(),
            timestamp: 0,
            author: String::new(),
            summary: String::new(),
            message: String::new(),
            source: Source::WorkingTree,
        }
    }

    fn gate(title: &str, status: &str) -> String {
        format!(
            "title = '{title}'\ngroup = 'Release'\nstatus = '{status}'\ncriteria = [{{ text = 'Works', met = true }}]"
        )
    }

    /// Gates g-1 and g-2 per revision, by status.
    fn history(states: &[(&str, &str)]) -> (Vec<Revision>, Vec<Status>) {
        let revisions = (0..states.len()).map(|i| revision(&format!("w{}", i + 1), 1 + 5 * i as u32)).collect();
        let statuses = states
            .iter()
            .map(|(a, b)| derived(&[("gates/g-1.toml", &gate("Security", a)), ("gates/g-2.toml", &gate("Load", b))]))
            .collect();
        (revisions, statuses)
    }

    fn pairs<'a>(revisions: &'a [Revision], statuses: &'a [Status]) -> Vec<Revisioned<'a>> {
        revisions.iter().zip(statuses).collect()
    }

    /// The ledger of the first `at` of `revisions`, asked when gate `id` passed by `at`.
    fn passed_in(revisions: &[Revisioned<'_>], at: usize, id: &str) -> usize {
        let mut ledger = Ledger::default();
        for (revision, status) in &revisions[..at] {
            ledger.push(revision, status);
        }
        ledger.passed_in(at, id)
    }

    fn certify(revisions: &[Revisioned<'_>], at: usize) -> Option<Certification> {
        certify_all(revisions).swap_remove(at)
    }

    #[test]
    fn a_gate_passed_in_the_first_revision_it_stayed_cleared_from() {
        let (r, s) = history(&[
            ("passed", "pending"),
            ("failed", "pending"),
            ("passed", "waived"),
            ("passed", "pending"),
            ("passed", "passed"),
        ]);
        let revisions = pairs(&r, &s);
        // g-1 passed in w1, failed in w2, passed again in w3: it passed in w3.
        assert_eq!(passed_in(&revisions, 4, "g-1"), 2);
        // g-2 was waived in w3 but pending again in w4: it passed in w5 itself.
        assert_eq!(passed_in(&revisions, 4, "g-2"), 4);
        let passed_from_start = history(&[("passed", "pending"), ("passed", "passed")]);
        assert_eq!(passed_in(&pairs(&passed_from_start.0, &passed_from_start.1), 1, "g-1"), 0);
    }

    #[test]
    fn only_the_flip_to_go_is_certified_with_each_gate_since_when() {
        let (r, s) = history(&[("passed", "pending"), ("passed", "waived"), ("passed", "waived")]);
        let revisions = pairs(&r, &s);
        assert!(certify(&revisions, 0).is_none());
        assert!(certify(&revisions, 2).is_none(), "GO → GO is no flip");
        let c = certify(&revisions, 1).unwrap();
        assert_eq!((c.revision.as_str(), c.date.to_string().as_str()), ("w2", "2025-08-06"));
        let since: Vec<(&str, &str, &str)> =
            c.gates.iter().map(|g| (g.id.as_str(), g.status.as_str(), g.since.as_str())).collect();
        assert_eq!(since, [("g-1", "passed", "w1"), ("g-2", "waived", "w2")]);
        assert_eq!(c.gates[0].criteria.len(), 1);
    }

    #[test]
    fn a_waived_gate_says_why() {
        let waived = "title = 'Load'\ngroup = 'Release'\nstatus = 'waived'\nwaiver = 'Covered by the canary'";
        let r = [revision("w1", 1), revision("w2", 8)];
        let s = [derived(&[("gates/g-2.toml", &gate("Load", "pending"))]), derived(&[("gates/g-2.toml", waived)])];
        let c = certify(&pairs(&r, &s), 1).unwrap();
        assert_eq!(
            (c.gates[0].status.as_str(), c.gates[0].waiver.as_deref()),
            ("waived", Some("Covered by the canary"))
        );
    }

    #[test]
    fn approving_decisions_are_the_linked_ones_else_those_accepted_while_the_gates_passed() {
        let decision = |title: &str, links: &str| {
            format!("title = '{title}'\ndecision = 'Ship'\nstatus = 'accepted'\nlinks = [{links}]")
        };
        let old = decision("Old call", "");
        let gates = |b: &str| [("gates/g-1.toml", gate("Security", b)), ("gates/g-2.toml", gate("Load", b))];
        let with = |b: &str, decisions: &[(&str, &str)]| {
            let mut files: Vec<(String, String)> = gates(b).into_iter().map(|(p, t)| (p.to_string(), t)).collect();
            files.extend(decisions.iter().map(|(p, t)| (p.to_string(), t.to_string())));
            let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
            derived(&refs)
        };
        let new = decision("Go live", "");
        let r = [revision("w1", 5), revision("w2", 12)];
        let s = [
            with("pending", &[("decisions/d-1.toml", &old)]),
            with("passed", &[("decisions/d-1.toml", &old), ("decisions/d-2.toml", &new)]),
        ];
        let c = certify(&pairs(&r, &s), 1).unwrap();
        assert_eq!(c.decisions_rule, "accepted");
        // The gates passed in w2: d-1, accepted before, did not approve them.
        assert_eq!(c.decisions.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["d-2"]);
        let linked = decision("Approve load", "'g-2'");
        let s = [
            with("pending", &[("decisions/d-1.toml", &old)]),
            with("passed", &[("decisions/d-1.toml", &old), ("decisions/d-3.toml", &linked)]),
        ];
        let c = certify(&pairs(&r, &s), 1).unwrap();
        assert_eq!(c.decisions_rule, "linked");
        assert_eq!(c.decisions.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["d-3"]);
    }
}
