//! What only the whole history can tell: each revision's changes, each item's history,
//! metric values over time, milestone slips against their first committed end, and the
//! items that were removed (whose pages must keep existing).

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use super::certification::{Certification, certify};
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
    pub fn build(snapshots: &[Snapshot]) -> Timeline {
        // Each readable revision is compared with the readable one before it.
        let readable: Vec<usize> = (0..snapshots.len()).filter(|i| snapshots[*i].status.is_some()).collect();
        let pairs: Vec<(usize, Option<usize>)> =
            readable.iter().enumerate().map(|(n, i)| (*i, n.checked_sub(1).map(|p| readable[p]))).collect();
        let mut diffs: HashMap<usize, (usize, Diff)> = pairs
            .par_iter()
            .filter_map(|(i, prev)| {
                let prev = (*prev)?;
                let (old, new) = (snapshots[prev].status.as_ref()?, snapshots[*i].status.as_ref()?);
                Some((*i, (prev, diff::diff(old, &snapshots[prev].revision.id, new, &snapshots[*i].revision.id))))
            })
            .collect();

        let statuses: Vec<(&Revision, &Status)> =
            readable.iter().filter_map(|i| Some((&snapshots[*i].revision, snapshots[*i].status.as_deref()?))).collect();
        let mut certifications: HashMap<usize, Certification> =
            readable.iter().enumerate().filter_map(|(n, i)| Some((*i, certify(&statuses, n)?))).collect();

        let mut item_history: HashMap<String, Vec<HistoryEntry>> = HashMap::new();
        let mut revisions = Vec::with_capacity(snapshots.len());
        for (i, snapshot) in snapshots.iter().enumerate() {
            let revision = &snapshot.revision;
            let entry_for = |change: Change, lines: Vec<String>| HistoryEntry {
                revision: revision.id.clone(),
                slug: revision.slug.clone(),
                date: revision.date,
                author: revision.author.clone(),
                change,
                lines,
            };
            let (previous, diff) = match diffs.remove(&i) {
                Some((p, d)) => (Some(&snapshots[p].revision), Some(d)),
                None => (None, None),
            };
            match (&diff, &snapshot.status) {
                (Some(d), _) => {
                    for change in &d.items {
                        item_history
                            .entry(change.id.to_ascii_lowercase())
                            .or_default()
                            .push(entry_for(change.change, change.lines.clone()));
                    }
                }
                // The first readable revision introduces everything it holds.
                (None, Some(status)) => {
                    for item in std::iter::once(&status.plan).chain(status.items.values().flatten()) {
                        item_history
                            .entry(item.id().to_ascii_lowercase())
                            .or_default()
                            .push(entry_for(Change::Added, vec!["added".into()]));
                    }
                }
                (None, None) => {}
            }
            let summary = match (&snapshot.status, &diff) {
                (None, _) => "could not be read".to_string(),
                (Some(_), Some(d)) => d.summary.clone(),
                (Some(s), None) => {
                    format!("first revision: {} records", s.items.values().map(Vec::len).sum::<usize>() + 1)
                }
            };
            revisions.push(RevisionEntry {
                revision: revision.clone(),
                readable: snapshot.status.is_some(),
                errors: snapshot.errors().map(render_short).collect(),
                readiness: snapshot.status.as_ref().map(|s| s.readiness.verdict),
                health: snapshot.status.as_ref().map(|s| s.health.computed.to_string()),
                previous: previous.map(|p| p.id.clone()),
                previous_slug: previous.map(|p| p.slug.clone()),
                diff,
                summary,
                certification: certifications.remove(&i),
            });
        }
        Timeline {
            metric_series: metric_series(snapshots),
            removed: removed(snapshots, &revisions),
            item_history,
            revisions,
        }
    }

    pub fn history_of(&self, id: &str) -> &[HistoryEntry] {
        self.item_history.get(&id.to_ascii_lowercase()).map_or(&[], Vec::as_slice)
    }

    pub fn series_of(&self, id: &str) -> &[MetricPoint] {
        self.metric_series.get(&id.to_ascii_lowercase()).map_or(&[], Vec::as_slice)
    }

    /// Measures milestone slips against the first end date each milestone was committed
    /// with (unless it declares `baseline_end`), and the ship date against the first one a
    /// revision named.
    pub fn apply_baselines(snapshots: &[Snapshot], current: &mut Status) {
        let first_ship = snapshots.iter().find_map(|s| s.status.as_ref()?.target.as_ref().map(|t| t.date));
        current.target = current.target.as_ref().map(|t| t.rebased(first_ship.or(Some(t.date))));
        let mut first_end: HashMap<&str, Date> = HashMap::new();
        for status in snapshots.iter().filter_map(|s| s.status.as_ref()) {
            for item in &status.items[Kind::Milestone] {
                if let Some(end) = item.derived.kind.milestone().and_then(|m| m.end) {
                    first_end.entry(item.id()).or_insert(end);
                }
            }
        }
        for item in current.items.get_mut(Kind::Milestone).into_iter().flatten() {
            let declared = match &item.record.data {
                KindData::Milestone(m) => m.baseline_end,
                _ => None,
            };
            let baseline = declared.or_else(|| first_end.get(item.id()).copied());
            if let Some(values) = item.derived.kind.milestone_mut() {
                values.set_baseline(baseline);
            }
        }
    }
}

/// The first line of an error, with its position, for archive pages.
fn render_short(d: &crate::diagnostics::Diagnostic) -> String {
    match d.position() {
        Some(at) => format!("{at}: {}", d.message),
        None => d.message.clone(),
    }
}

fn metric_series(snapshots: &[Snapshot]) -> HashMap<String, Vec<MetricPoint>> {
    let mut series: HashMap<String, Vec<MetricPoint>> = HashMap::new();
    for snapshot in snapshots {
        let Some(status) = &snapshot.status else { continue };
        for item in &status.items[Kind::Metric] {
            let value = match &item.record.data {
                KindData::Metric(m) => m.value,
                _ => None,
            };
            series.entry(item.id().to_ascii_lowercase()).or_default().push(MetricPoint {
                revision: snapshot.revision.id.clone(),
                slug: snapshot.revision.slug.clone(),
                date: snapshot.revision.date,
                value,
                state: item.derived.kind.metric().and_then(|m| m.state),
            });
        }
    }
    series
}

/// Items whose page existed in some revision but not in the newest readable one.
fn removed(snapshots: &[Snapshot], revisions: &[RevisionEntry]) -> Vec<Tombstone> {
    let Some(current) = snapshots.iter().rev().find_map(|s| s.status.as_ref()) else {
        return Vec::new();
    };
    let live: std::collections::HashSet<&str> = current.items.values().flatten().map(Item::url).collect();
    // Last revision holding each page that is gone now.
    let mut last: BTreeMap<&str, (&Item, usize)> = BTreeMap::new();
    for (n, snapshot) in snapshots.iter().enumerate() {
        for item in snapshot.status.iter().flat_map(|s| s.items.values().flatten()) {
            if !live.contains(item.url()) {
                last.insert(item.url(), (item, n));
            }
        }
    }
    last.into_values()
        .map(|(item, n)| {
            // Removed in the next readable revision after the last one holding it.
            let removal = revisions[n + 1..].iter().find(|r| r.readable).or(revisions.last()).map(|r| &r.revision);
            let seen = &snapshots[n].revision;
            Tombstone {
                id: item.id().to_string(),
                kind: item.kind(),
                title: item.title().to_string(),
                url: item.url().to_string(),
                last_seen: seen.id.clone(),
                last_seen_slug: seen.slug.clone(),
                removed_in: removal.map_or_else(String::new, |r| r.id.clone()),
                removed_slug: removal.map_or_else(String::new, |r| r.slug.clone()),
                removed_on: removal.map_or(seen.date, |r| r.date),
                removed_by: removal.map_or_else(String::new, |r| r.author.clone()),
            }
        })
        .collect()
}
