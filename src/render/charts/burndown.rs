//! The blocker burn-down: open blockers by severity per revision as stacked bars, with the
//! number resolved by then under each bar.

use serde::Serialize;

use super::{HISTORY_WINDOW, PlotArea, Tick, label_step, nice_range, px, truncate};
use crate::derive::Status;
use crate::history::Revision;
use crate::model::Kind;
use crate::model::KindData;
use crate::values::{BlockerStatus, Severity, number};

const WIDTH: f64 = 480.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const PLOT: f64 = 170.0;
/// Under the plot: revision labels, then the resolved counts.
const BOTTOM: f64 = 46.0;
/// Severities bottom-up in each bar: the worst sits on the axis.
const ORDER: [Severity; 4] = [Severity::Critical, Severity::High, Severity::Medium, Severity::Low];

#[derive(Debug, Serialize)]
pub struct BurnDown {
    #[serde(flatten)]
    pub area: PlotArea,
    pub y_ticks: Vec<Tick>,
    pub bars: Vec<Bar>,
    pub label_y: f64,
    pub resolved_y: f64,
    pub severities: Vec<&'static str>,
    /// Revisions shown, and how many there are in all.
    pub shown: usize,
    pub total: usize,
}

#[derive(Debug, Serialize)]
pub struct Bar {
    pub revision: String,
    pub slug: String,
    pub date: String,
    pub readable: bool,
    pub x: f64,
    pub w: f64,
    pub centre: f64,
    /// Short revision label, on every `label_step`-th bar.
    pub label: Option<String>,
    pub segments: Vec<Segment>,
    /// Open blockers by severity, in `severities` order (for the table).
    pub counts: Vec<usize>,
    pub open: usize,
    pub resolved: usize,
    pub show_resolved: bool,
}

#[derive(Debug, Serialize)]
pub struct Segment {
    pub severity: &'static str,
    pub count: usize,
    pub y: f64,
    pub h: f64,
    /// Whether the count fits inside the segment.
    pub labelled: bool,
    pub text_y: f64,
}

/// One revision's blockers: open ones by severity (in `ORDER`), and how many were resolved.
#[derive(Debug, Clone, Copy)]
pub struct Tally {
    open: [usize; 4],
    resolved: usize,
}

/// The blockers of `status`, counted.
pub fn tally(status: &Status) -> Tally {
    let mut open = [0; 4];
    let mut resolved = 0;
    for item in &status.items[Kind::Blocker] {
        if let KindData::Blocker(b) = &item.record.data {
            if b.status.is_unresolved() {
                open[ORDER.iter().position(|s| *s == b.severity).unwrap_or(3)] += 1;
            } else if b.status == BlockerStatus::Resolved {
                resolved += 1;
            }
        }
    }
    Tally { open, resolved }
}

/// Open and resolved blockers in the newest `HISTORY_WINDOW` of `revisions` (oldest first,
/// each with its tally when it could be read).
pub fn build(revisions: &[(&Revision, Option<Tally>)]) -> BurnDown {
    let shown = &revisions[revisions.len().saturating_sub(HISTORY_WINDOW)..];
    let tallies: Vec<Option<([usize; 4], usize)>> =
        shown.iter().map(|(_, tally)| tally.map(|t| (t.open, t.resolved))).collect();
    let most = tallies.iter().flatten().map(|(open, _)| open.iter().sum::<usize>()).max().unwrap_or(0);
    let (_, high, ticks) = nice_range(0.0, (most as f64).max(1.0), 4);
    // Whole blockers only: a step below one would label fractions.
    let ticks: Vec<f64> = ticks.into_iter().filter(|t| t.fract() == 0.0).collect();
    let y = |v: f64| TOP + PLOT - v / high * PLOT;
    let slot = (WIDTH - LEFT - RIGHT) / shown.len().max(1) as f64;
    let w = (slot * 0.7).min(48.0);
    let step = label_step(slot, 80.0);
    let bars = shown
        .iter()
        .zip(&tallies)
        .enumerate()
        .map(|(n, ((revision, _), tally))| {
            let centre = LEFT + slot * (n as f64 + 0.5);
            let (open, resolved) = tally.unwrap_or(([0; 4], 0));
            let mut base = 0.0;
            let segments = ORDER
                .iter()
                .zip(open)
                .filter(|(_, count)| *count > 0)
                .map(|(severity, count)| {
                    let (top, bottom) = (y(base + count as f64), y(base));
                    base += count as f64;
                    Segment {
                        severity: severity.as_str(),
                        count,
                        y: px(top),
                        h: px(bottom - top),
                        labelled: bottom - top >= 12.0 && w >= 12.0,
                        text_y: px((top + bottom) / 2.0 + 4.0),
                    }
                })
                .collect();
            let labelled = (shown.len() - 1 - n).is_multiple_of(step);
            Bar {
                revision: revision.id.clone(),
                slug: revision.slug.clone(),
                date: revision.date.to_string(),
                readable: tally.is_some(),
                x: px(centre - w / 2.0),
                w: px(w),
                centre: px(centre),
                label: labelled.then(|| truncate(&revision.id, 9)),
                segments,
                counts: open.to_vec(),
                open: open.iter().sum(),
                resolved,
                show_resolved: labelled || slot >= 18.0,
            }
        })
        .collect();
    BurnDown {
        area: PlotArea {
            width: WIDTH,
            height: TOP + PLOT + BOTTOM,
            left: LEFT,
            right: WIDTH - RIGHT,
            top: TOP,
            bottom: TOP + PLOT,
        },
        y_ticks: ticks.iter().map(|t| Tick { at: px(y(*t)), label: number(*t) }).collect(),
        bars,
        label_y: TOP + PLOT + 16.0,
        resolved_y: TOP + PLOT + 34.0,
        severities: ORDER.iter().map(|s| s.as_str()).collect(),
        shown: shown.len(),
        total: revisions.len(),
    }
}
