//! Which revisions each week's report compares, for a history that comes one revision at a
//! time (oldest first): the same choice as [`super::revisions_for`], made as soon as the last
//! revision that could be on either side of a week has come, so that only the revisions a
//! pending week may still compare are held.

use crate::history::Revision;
use crate::history::snapshots::Snapshot;
use crate::values::{Date, Week, Zone};

/// The weeks of a history whose reports wait for their revisions.
pub struct WeekSides {
    zone: Zone,
    /// Oldest first.
    pending: Vec<PendingWeek>,
}

/// A week whose report waits for the revisions it compares.
struct PendingWeek {
    week: Week,
    /// The ends of the week and of the week before, as timestamps.
    end: i64,
    previous_end: i64,
    /// The position of the last revision made by the end of the week: the choice is final
    /// once that one has come.
    last: usize,
    now: Option<(usize, Snapshot)>,
    before: Option<(usize, Snapshot)>,
    /// Whether a readable revision was made in the week itself: only such a week has a
    /// report.
    has_readable: bool,
}

/// A week's report's revisions, by their position in the history too.
pub struct Sides {
    pub week: Week,
    pub now: (usize, Snapshot),
    pub before: Option<(usize, Snapshot)>,
}

impl WeekSides {
    /// The weeks of `revisions` (the whole history, oldest first) in `zone`.
    pub fn new(revisions: &[&Revision], zone: Zone) -> WeekSides {
        let mut weeks: Vec<Week> = revisions.iter().map(|r| week_of(r.timestamp, zone)).collect();
        weeks.sort();
        weeks.dedup();
        let pending = weeks
            .into_iter()
            .filter_map(|week| {
                let end = week.end_timestamp(zone);
                let last = revisions.iter().rposition(|r| r.timestamp <= end)?;
                let previous_end = week.previous().end_timestamp(zone);
                Some(PendingWeek { week, end, previous_end, last, now: None, before: None, has_readable: false })
            })
            .collect();
        WeekSides { zone, pending }
    }

    /// Takes revision `i` of the history; returns the weeks whose revisions are known now.
    pub fn push(&mut self, i: usize, snapshot: &Snapshot) -> Vec<Sides> {
        let timestamp = snapshot.revision.timestamp;
        if snapshot.status.is_some() {
            let week = week_of(timestamp, self.zone);
            for pending in self.pending.iter_mut().filter(|p| timestamp <= p.end) {
                pending.now = Some((i, snapshot.clone()));
                if timestamp <= pending.previous_end {
                    pending.before = Some((i, snapshot.clone()));
                }
                pending.has_readable |= pending.week == week;
            }
        }
        let (done, pending): (Vec<PendingWeek>, Vec<PendingWeek>) =
            std::mem::take(&mut self.pending).into_iter().partition(|p| p.last <= i);
        self.pending = pending;
        let reported = done.into_iter().filter(|p| p.has_readable);
        reported.filter_map(|p| Some(Sides { week: p.week, now: p.now?, before: p.before })).collect()
    }
}

fn week_of(timestamp: i64, zone: Zone) -> Week {
    Week::of(Date(zone.date_of(timestamp).unwrap_or_default()))
}
