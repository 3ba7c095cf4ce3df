//! What only the whole history can tell: each revision's changes, each item's history,
//! metric values over time, milestone slips against their first committed end, and the
//! items that were removed (whose pages must keep existing).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::certification::{Certification, Ledger};
use super::{self as diff, Diff};
use crate::derive::{Item, ReadinessVerdict, Status};
use crate::history::Revision;
use crate::history::snapshots::Snapshot;
use crate::model::{Kind, KindData};
use crate::values::{Change, Date, MetricState};

#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    /// Per revision, oldest first.
    pub revisions: Vec<RevisionEntry>,
    /// Per item id (lower case): what happened to it, oldest first.
    pub item_history: HashMap<String, Vec<HistoryEntry>>,
    /// Per metric id (lower case): its value in each readable revision.
    pub metric_series: HashMap<String, Vec<MetricPoint>>,
    /// Items of earlier revisions that are gone from the newest one.
    pub removed: Vec<Tombstone>,
    /// The ship date the first revision to name one named.
    #[serde(skip)]
    first_ship: Option<Date>,
    /// Per milestone id, as first committed with an end.
    #[serde(skip)]
    first_committed: HashMap<String, FirstCommitted>,
    /// The URL of every item page a committed revision had (see [`crate::history::urls`]).
    #[serde(skip)]
    pub committed_pages: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RevisionEntry {
    pub revision: Revision,
    pub readable: bool,
    /// Why the revision could not be read.
    pub errors: Vec<String>,
    pub readiness: Option<ReadinessVerdict>,
    pub health: Option<String>,
    /// The revision it is compared with, and what changed.
    pub previous: Option<String>,
    pub previous_slug: Option<String>,
    pub diff: Option<Diff>,
    pub summary: String,
    /// When readiness flipped to GO here: what the GO rests on (its certification page).
    pub certification: Option<Certification>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub revision: String,
    pub slug: String,
    pub date: Date,
    pub author: String,
    pub change: Change,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricPoint {
    pub revision: String,
    pub slug: String,
    pub date: Date,
    pub value: Option<f64>,
    pub state: Option<MetricState>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tombstone {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub url: String,
    pub last_seen: String,
    pub last_seen_slug: String,
    pub removed_in: String,
    pub removed_slug: String,
    pub removed_on: Date,
    pub removed_by: String,
}

impl Timeline {
    pub fn history_of(&self, id: &str) -> &[HistoryEntry] {
        self.item_history.get(&id.to_ascii_lowercase()).map_or(&[], Vec::as_slice)
    }

    pub fn series_of(&self, id: &str) -> &[MetricPoint] {
        self.metric_series.get(&id.to_ascii_lowercase()).map_or(&[], Vec::as_slice)
    }

    /// Measures milestone slips against the first end date each milestone was committed
    /// with (unless it declares `baseline_end`), and the ship date against the first one a
    /// revision named.
    pub fn apply_baselines(&self, current: &mut Status) {
        current.target = current.target.as_ref().map(|t| t.rebased(self.first_ship.or(Some(t.date))));
        for item in current.items.get_mut(Kind::Milestone).into_iter().flatten() {
            let declared = match &item.record.data {
                KindData::Milestone(m) => m.baseline_end,
                _ => None,
            };
            let baseline = declared.or_else(|| self.first_committed.get(item.id()).map(|first| first.end));
            if let Some(values) = item.derived.kind.milestone_mut() {
                values.set_baseline(baseline);
            }
        }
    }

    /// The start of milestone `id` in the first revision that gave it an end (its end when
    /// it had no start).
    pub fn first_start(&self, id: &str) -> Option<Date> {
        self.first_committed.get(id).map(|first| first.start)
    }
}

/// A milestone as the first revision that gave it an end had it.
#[derive(Debug, Clone, Copy)]
struct FirstCommitted {
    end: Date,
    start: Date,
}

/// The last revision that held an item's page, for its tombstone should it be gone.
struct Seen {
    id: String,
    kind: Kind,
    title: String,
    last: usize,
    /// Whether a committed revision held it: its URL is then permanent.
    committed: bool,
}

/// The timeline, made one revision at a time, oldest first, so that a history is never
/// held whole: each readable revision is compared with the readable one before it (the
/// only one kept), and only what the timeline tells of it stays.
#[derive(Default)]
pub struct TimelineFold {
    revisions: Vec<RevisionEntry>,
    item_history: HashMap<String, Vec<HistoryEntry>>,
    metric_series: HashMap<String, Vec<MetricPoint>>,
    /// Every page any revision had, by URL.
    seen: HashMap<String, Seen>,
    certifications: Ledger,
    /// The newest readable revision so far.
    previous: Option<(Revision, Arc<Status>)>,
    first_ship: Option<Date>,
    first_committed: HashMap<String, FirstCommitted>,
}

impl TimelineFold {
    /// The newest readable revision folded in so far, which the next one is compared with.
    pub fn previous(&self) -> Option<(&Revision, &Arc<Status>)> {
        self.previous.as_ref().map(|(revision, status)| (revision, status))
    }

    /// The entries of the revisions folded in so far.
    pub fn revisions(&self) -> &[RevisionEntry] {
        &self.revisions
    }

    /// Adds the next revisions, comparing them with the readable ones before them in
    /// parallel.
    pub fn push_all(&mut self, snapshots: &[Snapshot]) {
        let mut before = self.previous.as_ref().map(|(r, s)| (r, s));
        let pairs: Vec<_> = snapshots
            .iter()
            .map(|snapshot| {
                let pair = before.zip(snapshot.status.as_ref());
                if let Some(status) = &snapshot.status {
                    before = Some((&snapshot.revision, status));
                }
                pair.map(|((revision, old), new)| (revision, old, new, &snapshot.revision))
            })
            .collect();
        let diffs: Vec<Option<Diff>> = pairs
            .into_par_iter()
            .map(|pair| {
                pair.map(|(old_revision, old, new, revision)| diff::diff(old, &old_revision.id, new, &revision.id))
            })
            .collect();
        for (snapshot, diff) in snapshots.iter().zip(diffs) {
            self.push(snapshot, diff);
        }
    }

    /// Adds the next revision; `diff` compares it with [`TimelineFold::previous`].
    fn push(&mut self, snapshot: &Snapshot, diff: Option<Diff>) {
        let revision = &snapshot.revision;
        let n = self.revisions.len();
        let entry_for = |change: Change, lines: Vec<String>| HistoryEntry {
            revision: revision.id.clone(),
            slug: revision.slug.clone(),
            date: revision.date,
            author: revision.author.clone(),
            change,
            lines,
        };
        let previous = diff.as_ref().and(self.previous.as_ref()).map(|(p, _)| p);
        match (&diff, &snapshot.status) {
            (Some(d), _) => {
                for change in &d.items {
                    let history = self.item_history.entry(change.id.to_ascii_lowercase()).or_default();
                    history.push(entry_for(change.change, change.lines.clone()));
                }
            }
            // The first readable revision introduces everything it holds.
            (None, Some(status)) => {
                for item in std::iter::once(&status.plan).chain(status.items.values().flatten()) {
                    let history = self.item_history.entry(item.id().to_ascii_lowercase()).or_default();
                    history.push(entry_for(Change::Added, vec!["added".into()]));
                }
            }
            (None, None) => {}
        }
        let summary = match (&snapshot.status, &diff) {
            (None, _) => "could not be read".to_string(),
            (Some(_), Some(d)) => d.summary.clone(),
            (Some(s), None) => format!("first revision: {} records", s.items.values().map(Vec::len).sum::<usize>() + 1),
        };
        let certification = snapshot
            .status
            .as_ref()
            .zip(self.previous.as_ref())
            .and_then(|(status, (_, before))| self.certifications.certify(revision, status, before));
        let entry = RevisionEntry {
            revision: revision.clone(),
            readable: snapshot.status.is_some(),
            errors: snapshot.errors().map(render_short).collect(),
            readiness: snapshot.status.as_ref().map(|s| s.readiness.verdict),
            health: snapshot.status.as_ref().map(|s| s.health.computed.to_string()),
            previous: previous.map(|p| p.id.clone()),
            previous_slug: previous.map(|p| p.slug.clone()),
            diff,
            summary,
            certification,
        };
        self.revisions.push(entry);
        if let Some(status) = &snapshot.status {
            self.certifications.push(revision, status);
            self.remember(n, revision, status);
            self.previous = Some((revision.clone(), Arc::clone(status)));
        }
    }

    /// What the timeline keeps of a readable revision `n`: its metrics' values, its pages,
    /// and the first ship date and milestone ends named.
    fn remember(&mut self, n: usize, revision: &Revision, status: &Status) {
        for item in &status.items[Kind::Metric] {
            let value = match &item.record.data {
                KindData::Metric(m) => m.value,
                _ => None,
            };
            self.metric_series.entry(item.id().to_ascii_lowercase()).or_default().push(MetricPoint {
                revision: revision.id.clone(),
                slug: revision.slug.clone(),
                date: revision.date,
                value,
                state: item.derived.kind.metric().and_then(|m| m.state),
            });
        }
        let committed = matches!(revision.source, crate::history::Source::Commit(_));
        for item in status.items.values().flatten() {
            match self.seen.get_mut(item.url()) {
                Some(seen) => {
                    seen.last = n;
                    seen.committed |= committed;
                    if seen.title != item.title() {
                        seen.title = item.title().to_string();
                    }
                }
                None => {
                    let (id, title) = (item.id().to_string(), item.title().to_string());
                    let seen = Seen { id, kind: item.kind(), title, last: n, committed };
                    self.seen.insert(item.url().to_string(), seen);
                }
            }
        }
        if self.first_ship.is_none() {
            self.first_ship = status.target.as_ref().map(|t| t.date);
        }
        for item in &status.items[Kind::Milestone] {
            if let Some(m) = item.derived.kind.milestone()
                && let Some(end) = m.end
                && !self.first_committed.contains_key(item.id())
            {
                let first = FirstCommitted { end, start: m.start.unwrap_or(end) };
                self.first_committed.insert(item.id().to_string(), first);
            }
        }
    }

    /// The timeline of every revision pushed.
    pub fn finish(self) -> Timeline {
        let removed = self.removed();
        let committed = self.seen.into_iter().filter(|(_, seen)| seen.committed);
        Timeline {
            committed_pages: committed.map(|(url, _)| url).collect(),
            revisions: self.revisions,
            item_history: self.item_history,
            metric_series: self.metric_series,
            removed,
            first_ship: self.first_ship,
            first_committed: self.first_committed,
        }
    }

    /// Items whose page existed in some revision but not in the newest readable one, by URL.
    fn removed(&self) -> Vec<Tombstone> {
        let Some((_, current)) = &self.previous else { return Vec::new() };
        let live: std::collections::HashSet<&str> = current.items.values().flatten().map(Item::url).collect();
        let gone: BTreeMap<&str, &Seen> = self
            .seen
            .iter()
            .filter(|(url, _)| !live.contains(url.as_str()))
            .map(|(url, seen)| (url.as_str(), seen))
            .collect();
        let revisions = &self.revisions;
        gone.into_iter()
            .map(|(url, seen)| {
                let n = seen.last;
                // Removed in the next readable revision after the last one holding it.
                let removal = revisions[n + 1..].iter().find(|r| r.readable).or(revisions.last()).map(|r| &r.revision);
                let last_seen = &revisions[n].revision;
                Tombstone {
                    id: seen.id.clone(),
                    kind: seen.kind,
                    title: seen.title.clone(),
                    url: url.to_string(),
                    last_seen: last_seen.id.clone(),
                    last_seen_slug: last_seen.slug.clone(),
                    removed_in: removal.map_or_else(String::new, |r| r.id.clone()),
                    removed_slug: removal.map_or_else(String::new, |r| r.slug.clone()),
                    removed_on: removal.map_or(last_seen.date, |r| r.date),
                    removed_by: removal.map_or_else(String::new, |r| r.author.clone()),
                }
            })
            .collect()
    }
}

/// The first line of an error, with its position, for archive pages.
fn render_short(d: &crate::diagnostics::Diagnostic) -> String {
    match d.position() {
        Some(at) => format!("{at}: {}", d.message),
        None => d.message.clone(),
    }
}
