//! What one audience may see of a derived plan, for a site built for it (`build --audience`).
//!
//! The plan is derived from every record first, so readiness and health stay true; then,
//! for an external audience, every confidential record is taken out of what the site
//! shows: its item, the references other records make to it, the derived lists that name it
//! (blocked by, referenced by, top risks, next milestones, gate groups), and the reasons that
//! name it, which become a count ("1 confidential record"). The counts and charts are then
//! those of what the audience sees, so no tally names more records than its lists show.
//! Other audiences' recipients are left out of every site built for an audience.
//!
//! This is the one rule for every output an audience gets: its site, its weekly report in
//! every format (and so `send`), and its part of a portfolio's digest. In a portfolio the
//! other plans' confidential records (`qa/B-9`) are hidden the same way, so a reference
//! across plans cannot carry one into this plan's pages.

use std::collections::HashSet;
use std::sync::Arc;

use super::{Item, ReasonGroup, Status};
use crate::config::Neighbours;
use crate::model::{Kind, KindData};

/// What to take out of a plan for one audience.
pub struct Redaction {
    /// Ids of records the audience must not see, lower-cased (references match ids without
    /// regard to case): this plan's own (`b-9`) and other plans' (`qa/b-9`).
    hidden: HashSet<String>,
    /// The audience the outputs are for: its own recipients stay.
    pub audience: Item,
    /// Whether the audience is outside the organisation (see [`crate::model::Audience`]).
    pub external: bool,
}

/// The ids (lower case) of the records confidential in any of `statuses`.
pub fn confidential<'a>(statuses: impl IntoIterator<Item = &'a Status>) -> HashSet<String> {
    let items = statuses.into_iter().flat_map(|s| s.items.values().flatten());
    items.filter(|i| i.record.common.confidential).map(|i| i.id().to_ascii_lowercase()).collect()
}

impl Redaction {
    /// For `audience` (an audience item): an external one sees no record of the plan whose
    /// id (lower case) is in `confidential` (those confidential in any revision, so an old
    /// revision's archive or report cannot show a record that later became confidential:
    /// see [`confidential`]), nor any confidential record of the other plans of a portfolio
    /// (`neighbours`).
    pub fn for_audience(audience: &Item, confidential: &HashSet<String>, neighbours: Option<&Neighbours>) -> Redaction {
        let external = matches!(&audience.record.data, KindData::Audience(a) if a.external);
        let hidden = if external {
            let own = confidential.iter().cloned();
            let foreign = neighbours.into_iter().flat_map(|n| &n.plans).flat_map(|(plan, records)| {
                records
                    .iter()
                    .filter(|(_, r)| r.confidential)
                    .map(move |(id, _)| format!("{plan}/{id}").to_ascii_lowercase())
            });
            own.chain(foreign).collect()
        } else {
            HashSet::new()
        };
        Redaction { hidden, audience: audience.clone(), external }
    }

    /// What [`Redaction::apply`] depends on besides the status: the audience (whose own
    /// recipients stay) and the ids it hides, in a fixed order. An old revision's redacted
    /// status changes with it, even when the revision did not: a record confidential in a
    /// later revision is hidden in every one.
    pub fn key(&self) -> String {
        let mut hidden: Vec<&str> = self.hidden.iter().map(String::as_str).collect();
        hidden.sort_unstable();
        format!("{} hides {}", self.audience.id(), hidden.join(" "))
    }

    /// Whether the audience may not see the record `id` (of this plan, or `plan/id`).
    pub fn hides(&self, id: &str) -> bool {
        !self.hidden.is_empty() && self.hidden.contains(&id.to_ascii_lowercase())
    }

    /// Whether anything is hidden at all (an internal audience, or no confidential record).
    pub fn hides_anything(&self) -> bool {
        !self.hidden.is_empty()
    }

    /// `status` as messages about it may show it (reports, notices): the status itself when
    /// nothing is hidden, so an internal audience costs no copy. Unlike [`Redaction::apply`],
    /// it leaves other audiences' recipients in place then, as messages list no audience.
    pub fn view<'a>(&self, status: &'a Status) -> std::borrow::Cow<'a, Status> {
        if self.hides_anything() {
            std::borrow::Cow::Owned(self.apply(status))
        } else {
            std::borrow::Cow::Borrowed(status)
        }
    }

    /// Whether `text` (a reason, a revision's message) names a record the audience may not see.
    pub fn conceals(&self, text: &str) -> bool {
        if self.hidden.is_empty() {
            return false;
        }
        let text = text.to_ascii_lowercase();
        self.hidden.iter().any(|id| mentions(&text, id))
    }

    /// `status` as the audience may see it.
    pub fn apply(&self, status: &Status) -> Status {
        let mut out = status.clone();
        let shown = |id: &str| !self.hides(id);
        for kind in Kind::ALL {
            let Some(items) = out.items.get_mut(*kind) else { continue };
            items.retain(|item| shown(item.id()));
            for item in items.iter_mut() {
                self.clean(item);
            }
        }
        self.clean(&mut out.plan);
        out.top_risks.retain(|id| shown(id));
        out.next_milestones.retain(|id| shown(id));
        // A confidential release milestone's end is its own: the audience sees no ship date.
        out.target = out.target.filter(|t| shown(&t.source));
        let cleared: HashSet<&str> = out.items[Kind::Gate]
            .iter()
            .filter(|g| g.derived.kind.gate().is_some_and(|g| g.cleared))
            .map(Item::id)
            .collect();
        for group in &mut out.gate_groups {
            group.gates.retain(|id| shown(id));
            group.cleared = group.gates.iter().filter(|id| cleared.contains(id.as_str())).count();
        }
        // Tallies of what the audience sees, so "of 5 blockers open" never counts one it
        // cannot find; the verdicts above them stay those of every record.
        out.counts = super::counts(&out.items);
        self.conceal(&mut out.readiness.reasons, &mut out.readiness.groups);
        self.conceal(&mut out.health.reasons, &mut out.health.groups);
        out
    }

    /// Takes hidden ids out of an item's references and derived lists, and other audiences'
    /// recipients out of an audience record.
    fn clean(&self, item: &mut Item) {
        let shown = |id: &str| !self.hides(id);
        if let Some(gate) = item.derived.kind.gate_mut() {
            gate.blocked_by.retain(|id| shown(id));
        }
        item.derived.referenced_by.retain(|id| shown(id));
        let mut record = (*item.record).clone();
        let mut changed = record.retain_references(shown);
        if let KindData::Audience(a) = &mut record.data
            && record.id != self.audience.id()
            && !a.recipients.is_empty()
        {
            a.recipients.clear();
            changed = true;
        }
        if changed {
            item.record = Arc::new(record);
        }
    }

    /// Takes the reasons that name a hidden record out of `reasons`; how many hidden records
    /// they named, for [`concealed_records`].
    fn conceal_texts(&self, reasons: &mut Vec<String>) -> usize {
        if self.hidden.is_empty() {
            return 0;
        }
        let mut named = HashSet::new();
        reasons.retain(|reason| {
            let text = reason.to_ascii_lowercase();
            let mut hidden = self.hidden.iter().filter(|id| mentions(&text, id)).peekable();
            let keep = hidden.peek().is_none();
            named.extend(hidden);
            keep
        });
        named.len()
    }

    /// Reasons that name a hidden record become one count at the end, "1 confidential
    /// record", with no id, title or text of it; the grouped reasons lose the hidden records
    /// and are counted again (the number is not the secret).
    fn conceal(&self, reasons: &mut Vec<String>, groups: &mut Vec<ReasonGroup>) {
        let concealed = self.conceal_texts(reasons);
        // A group all of whose records are hidden goes, as does a lone reason naming one.
        groups.retain_mut(|g| match g.retain_refs(|r| !self.hides(&r.id)) {
            0 => !self.conceals(&g.text),
            _ => !g.refs.is_empty(),
        });
        if concealed > 0 {
            reasons.push(concealed_records(concealed));
            groups.push(ReasonGroup::plain(concealed_records(concealed)));
        }
    }
}

/// What stands for the reasons resting on `n` records the audience may not see.
fn concealed_records(n: usize) -> String {
    crate::values::count(n as i64, "confidential record")
}

/// Whether `text` names `id` as a whole word (`B-1` is not in `B-10`, nor in `qa/B-1`).
fn mentions(text: &str, id: &str) -> bool {
    let id_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/');
    text.match_indices(id).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + id.len()..].chars().next();
        !before.is_some_and(id_char) && !after.is_some_and(|c| id_char(c) && c != '.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::fixture::derived_with;

    fn plan() -> Status {
        derived_with(
            &[
                ("plan.md", "+++\ntitle = \"Plan\"\n+++\n"),
                (
                    "blockers/B-1.md",
                    "+++\ntitle = \"Vendor breach\"\nseverity = \"critical\"\nstatus = \"open\"\nblocks = [\"g-1\"]\nconfidential = true\n+++\nSecret.\n",
                ),
                ("blockers/B-10.md", "+++\ntitle = \"Public outage\"\nseverity = \"critical\"\nstatus = \"open\"\n+++\n"),
                ("gates/g-1.md", "+++\ntitle = \"Gate\"\ngroup = \"Release\"\n+++\n"),
                ("actions/a-1.md", "+++\ntitle = \"Call vendor\"\nrelates_to = [\"B-1\", \"B-10\"]\n+++\n"),
                ("audiences/team.md", "+++\ntitle = \"Team\"\nrecipients = [\"dev@example.com\"]\n+++\n"),
                (
                    "audiences/sponsors.md",
                    "+++\ntitle = \"Sponsors\"\nrecipients = [\"po@example.com\"]\nexternal = true\n+++\n",
                ),
            ],
            &crate::config::Config::default(),
            "2025-08-20",
        )
        .0
    }

    fn audience<'a>(status: &'a Status, id: &str) -> &'a Item {
        status.items[Kind::Audience].iter().find(|a| a.id() == id).unwrap()
    }

    #[test]
    fn an_external_audience_sees_no_trace_of_a_confidential_record() {
        let status = plan();
        let redaction = Redaction::for_audience(audience(&status, "sponsors"), &confidential([&status]), None);
        let seen = redaction.apply(&status);
        let json = String::from_utf8(crate::derive::to_json(&seen, true)).unwrap();
        assert!(!json.contains("Vendor breach") && !json.contains("\"B-1\""), "{json}");
        assert!(!json.contains("Secret.") && !json.contains("dev@example.com"), "{json}");
        assert!(json.contains("Public outage") && json.contains("\"B-10\"") && json.contains("po@example.com"));
        // The verdict and the counts stay true; the reason naming B-1 became a count.
        assert_eq!(seen.readiness.go, status.readiness.go);
        // The counts are of what it sees, so they agree with its lists.
        assert_eq!((seen.counts.blockers, seen.counts.blockers_critical_unresolved), (1, 1));
        assert!(seen.readiness.reasons.iter().any(|r| r == "1 confidential record"), "{:?}", seen.readiness.reasons);
        let groups: Vec<(&str, usize)> =
            seen.readiness.groups.iter().map(|g| (g.text.as_str(), g.refs.len())).collect();
        assert_eq!(groups[0], ("1 critical blocker open", 1), "B-10 alone, counted again");
        assert_eq!(groups.last(), Some(&("1 confidential record", 0)));
        let gate = &seen.items[Kind::Gate][0];
        let blocked_by = &gate.derived.kind.gate().unwrap().blocked_by;
        assert!(blocked_by.is_empty(), "{blocked_by:?}");
    }

    #[test]
    fn an_internal_audience_sees_every_record_but_not_other_audiences_addresses() {
        let status = plan();
        let seen = Redaction::for_audience(audience(&status, "team"), &confidential([&status]), None).apply(&status);
        let json = String::from_utf8(crate::derive::to_json(&seen, true)).unwrap();
        assert!(json.contains("Vendor breach") && json.contains("dev@example.com"));
        assert!(!json.contains("po@example.com"), "{json}");
    }

    #[test]
    fn reasons_resting_on_one_hidden_record_count_it_once() {
        let status = plan();
        let redaction = Redaction::for_audience(audience(&status, "sponsors"), &confidential([&status]), None);
        let mut reasons = vec![
            "critical blocker B-1 “Vendor breach” is open".to_string(),
            "release gate g-1 “Gate” is pending, waiting on blocker B-1 “Vendor breach”, which is open".to_string(),
            "critical blocker B-10 “Public outage” is open".to_string(),
        ];
        assert_eq!(redaction.conceal_texts(&mut reasons), 1);
        assert_eq!(reasons, ["critical blocker B-10 “Public outage” is open"]);
    }

    #[test]
    fn ids_are_found_as_whole_words() {
        assert!(mentions("critical blocker B-1 “x” open", "B-1"));
        assert!(mentions("blocked by B-1.", "B-1"));
        assert!(!mentions("critical blocker B-10 open", "B-1"));
        assert!(!mentions("AB-1 open", "B-1"));
    }
}
