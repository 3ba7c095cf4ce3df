//! Readiness and health per revision as a strip of cells, like a status page's uptime bar:
//! one column per revision, a ✓ or ✕ for GO / NO-GO and a letter for the health.

use serde::Serialize;

use super::{HISTORY_WINDOW, common_prefix, px};
use crate::derive::ReadinessVerdict;
use crate::diff::timeline::RevisionEntry;

const WIDTH: f64 = 480.0;
const LEFT: f64 = 74.0;
const RIGHT: f64 = 4.0;
const ROW: f64 = 24.0;
const GAP: f64 = 4.0;
const TOP: f64 = 4.0;
/// Columns per band: more revisions wrap to another band, so every column stays wide
/// enough for its own label.
const PER_BAND: usize = 20;
/// Labels are at most this long (the full id is in the cell's title).
const LABEL_CHARS: usize = 10;
/// A label character's width on a phone, where chart text is drawn largest (style.css).
const CHAR_W: f64 = 9.5;

#[derive(Debug, Serialize)]
pub struct Strip {
    pub width: f64,
    pub height: f64,
    pub cells: Vec<StripCell>,
    /// Each band's rows: where its row labels go.
    pub bands: Vec<Band>,
    /// Row label positions (x is the right edge of the label column).
    pub label_x: f64,
    pub row_h: f64,
    /// Labels too wide for their column are drawn upright (rotated -90°).
    pub rotate: bool,
    /// The start every revision id shares, left off the labels.
    pub prefix: Option<String>,
    pub shown: usize,
    pub total: usize,
}

/// One band of columns: its readiness and health rows, and its labels' line.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Band {
    pub readiness_y: f64,
    pub health_y: f64,
    pub label_y: f64,
}

#[derive(Debug, Serialize)]
pub struct StripCell {
    pub revision: String,
    pub slug: String,
    pub date: String,
    pub x: f64,
    pub w: f64,
    pub centre: f64,
    #[serde(flatten)]
    pub band: Band,
    pub readable: bool,
    /// `GO` / `NO-GO`, and the computed health; none when the revision could not be read.
    pub readiness: Option<ReadinessVerdict>,
    pub health: Option<String>,
    /// The ✓ (GO), ✕ (NO-GO) or ? (unreadable) glyph, as a path in the readiness cell.
    pub mark: String,
    /// G, A or R, drawn in the health cell.
    pub letter: &'static str,
    /// Every column is labelled: its revision, shortened to `LABEL_CHARS`.
    pub label: String,
}

/// The strip of the newest `HISTORY_WINDOW` revisions, oldest first, in bands of
/// `PER_BAND` columns.
pub fn build(revisions: &[RevisionEntry]) -> Strip {
    let shown = &revisions[revisions.len().saturating_sub(HISTORY_WINDOW)..];
    let columns = shown.len().clamp(1, PER_BAND);
    let slot = (WIDTH - LEFT - RIGHT) / columns as f64;
    let w = (slot - 2.0).clamp(4.0, 40.0);
    // Labels too long drop the start all revisions share (`release-2025-`), then keep their
    // end: the part that tells neighbours apart.
    let too_long = shown.iter().any(|e| e.revision.id.chars().count() > LABEL_CHARS);
    let prefix = if too_long { common_prefix(shown.iter().map(|e| e.revision.id.as_str())) } else { String::new() };
    let labels: Vec<String> = shown.iter().map(|e| keep_end(&e.revision.id[prefix.len()..], LABEL_CHARS)).collect();
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64 * CHAR_W;
    let rotate = longest > slot - 4.0;
    let label_h = if rotate { longest + 6.0 } else { 22.0 };
    let band_h = 2.0 * ROW + GAP + label_h + 8.0;
    let bands: Vec<Band> = (0..shown.len().div_ceil(PER_BAND).max(1))
        .map(|b| {
            let top = TOP + b as f64 * band_h;
            Band {
                readiness_y: px(top),
                health_y: px(top + ROW + GAP),
                label_y: px(top + 2.0 * ROW + GAP + if rotate { 6.0 } else { 14.0 }),
            }
        })
        .collect();
    let cells = shown
        .iter()
        .zip(labels)
        .enumerate()
        .map(|(n, (e, label))| {
            let band = bands[n / PER_BAND];
            let x = LEFT + slot * (n % PER_BAND) as f64 + (slot - w) / 2.0;
            let centre = x + w / 2.0;
            let mark = match e.readiness {
                Some(ReadinessVerdict::Go) => check(centre, band.readiness_y + ROW / 2.0, w.min(ROW)),
                Some(_) => cross(centre, band.readiness_y + ROW / 2.0, w.min(ROW)),
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
                band,
                readable: e.readable,
                readiness: e.readiness,
                health: e.health.clone(),
                mark,
                letter,
                label,
            }
        })
        .collect();
    Strip {
        width: WIDTH,
        height: px(TOP + bands.len() as f64 * band_h),
        cells,
        bands,
        label_x: LEFT - 6.0,
        row_h: ROW,
        rotate,
        prefix: (!prefix.is_empty()).then_some(prefix),
        shown: shown.len(),
        total: revisions.len(),
    }
}

/// The last `max` characters of `text`, with an ellipsis in front when cut.
fn keep_end(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        text.to_string()
    } else {
        format!("…{}", text.chars().skip(count + 1 - max).collect::<String>())
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
