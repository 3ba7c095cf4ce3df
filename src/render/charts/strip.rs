//! Readiness and health per revision as a strip of cells, like a status page's uptime bar:
//! one column per revision, a ✓ or ✕ for GO / NO-GO and a letter for the health.

use serde::Serialize;

use super::{HISTORY_WINDOW, label_step, px, truncate};
use crate::derive::ReadinessVerdict;
use crate::diff::timeline::RevisionEntry;

const WIDTH: f64 = 480.0;
const LEFT: f64 = 74.0;
const RIGHT: f64 = 4.0;
const ROW: f64 = 24.0;
const GAP: f64 = 4.0;
const TOP: f64 = 4.0;

#[derive(Debug, Serialize)]
pub struct Strip {
    pub width: f64,
    pub height: f64,
    pub cells: Vec<StripCell>,
    /// Row label positions (x is the right edge of the label column).
    pub label_x: f64,
    pub readiness_y: f64,
    pub health_y: f64,
    pub row_h: f64,
    pub revision_y: f64,
    pub shown: usize,
    pub total: usize,
}

#[derive(Debug, Serialize)]
pub struct StripCell {
    pub revision: String,
    pub slug: String,
    pub date: String,
    pub x: f64,
    pub w: f64,
    pub centre: f64,
    pub readable: bool,
    /// `GO` / `NO-GO`, and the computed health; none when the revision could not be read.
    pub readiness: Option<ReadinessVerdict>,
    pub health: Option<String>,
    /// The ✓ (GO), ✕ (NO-GO) or ? (unreadable) glyph, as a path in the readiness cell.
    pub mark: String,
    /// G, A or R, drawn in the health cell.
    pub letter: &'static str,
    pub label: Option<String>,
}

/// The strip of the newest `HISTORY_WINDOW` revisions, oldest left.
pub fn build(revisions: &[RevisionEntry]) -> Strip {
    let shown = &revisions[revisions.len().saturating_sub(HISTORY_WINDOW)..];
    let slot = (WIDTH - LEFT - RIGHT) / shown.len().max(1) as f64;
    let w = (slot - 2.0).clamp(4.0, 40.0);
    let step = label_step(slot, 80.0);
    let readiness_y = TOP;
    let health_y = TOP + ROW + GAP;
    let cells = shown
        .iter()
        .enumerate()
        .map(|(n, e)| {
            let x = LEFT + slot * n as f64 + (slot - w) / 2.0;
            let centre = x + w / 2.0;
            let mark = match e.readiness {
                Some(ReadinessVerdict::Go) => check(centre, readiness_y + ROW / 2.0, w.min(ROW)),
                Some(_) => cross(centre, readiness_y + ROW / 2.0, w.min(ROW)),
                None => String::new(),
            };
            let letter = match e.health.as_deref() {
                Some("green") => "G",
                Some("amber") => "A",
                Some("red") => "R",
                _ => "?",
            };
            StripCell {
                revision: e.revision.id.clone(),
                slug: e.revision.slug.clone(),
                date: e.revision.date.to_string(),
                x: px(x),
                w: px(w),
                centre: px(centre),
                readable: e.readable,
                readiness: e.readiness,
                health: e.health.clone(),
                mark,
                letter,
                label: (shown.len() - 1 - n).is_multiple_of(step).then(|| truncate(&e.revision.id, 9)),
            }
        })
        .collect();
    Strip {
        width: WIDTH,
        height: health_y + ROW + 20.0,
        cells,
        label_x: LEFT - 6.0,
        readiness_y,
        health_y,
        row_h: ROW,
        revision_y: health_y + ROW + 14.0,
        shown: shown.len(),
        total: revisions.len(),
    }
}

/// A check mark centred on (x, y), `size` across.
fn check(x: f64, y: f64, size: f64) -> String {
    let s = size * 0.3;
    format!("M{} {}L{} {}L{} {}", px(x - s), px(y), px(x - s * 0.3), px(y + s * 0.7), px(x + s), px(y - s * 0.7))
}

/// A cross centred on (x, y), `size` across.
fn cross(x: f64, y: f64, size: f64) -> String {
    let s = size * 0.25;
    format!(
        "M{} {}L{} {}M{} {}L{} {}",
        px(x - s),
        px(y - s),
        px(x + s),
        px(y + s),
        px(x + s),
        px(y - s),
        px(x - s),
        px(y + s)
    )
}
