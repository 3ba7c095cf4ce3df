//! Chart models: the geometry and numbers of each chart, already scaled to its viewBox.
//!
//! Rust decides *where* things go (so the numbers are tested against the model); the
//! templates in `charts.html` decide how they look, so a theme can override any chart like
//! any other template. Every model also carries the rows of the table shown beside it.

pub mod burndown;
pub mod gantt;
pub mod gates;
pub mod heatmap;
pub mod metric;
pub mod strip;

use serde::Serialize;

/// Charts across revisions show the newest this many; their tables say how many there were.
pub const HISTORY_WINDOW: usize = 52;

/// The viewBox of a chart with axes, and the edges of its plot area inside it. Flattened
/// into each chart's model, so templates read `chart.left`, `chart.bottom`, ….
#[derive(Debug, Clone, Serialize)]
pub struct PlotArea {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

/// A labelled position on an axis.
#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    pub at: f64,
    pub label: String,
}

/// Rounds a coordinate to a tenth of a unit: precise enough on screen, and stable output.
pub fn px(v: f64) -> f64 {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 { 0.0 } else { r }
}

/// A "nice" step (1, 2 or 5 × 10ⁿ) that splits `span` into about `count` parts.
pub fn nice_step(span: f64, count: usize) -> f64 {
    let raw = (span / count.max(1) as f64).max(f64::MIN_POSITIVE);
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(10.0 * magnitude);
    if step > 0.0 { step } else { 1.0 }
}

/// Widens `low..high` to whole nice steps; returns the range and the tick values in it.
pub fn nice_range(low: f64, high: f64, count: usize) -> (f64, f64, Vec<f64>) {
    let (low, high) = if (high - low).abs() < 1e-9 { (low - 1.0, high + 1.0) } else { (low, high) };
    let step = nice_step(high - low, count);
    let (start, end) = ((low / step).floor() * step, (high / step).ceil() * step);
    let n = ((end - start) / step).round() as usize;
    let ticks = (0..=n).map(|i| start + i as f64 * step).map(|v| if v.abs() < step * 1e-9 { 0.0 } else { v }).collect();
    (start, end, ticks)
}

/// Shortens `text` to `max` characters with an ellipsis; the full text goes in a `<title>`.
pub use crate::values::truncate;

/// The start every id shares up to a separator (`risk-` of `risk-db`, `risk-net`), when
/// something is left of each id without it.
pub fn common_prefix<'a>(mut ids: impl Iterator<Item = &'a str>) -> String {
    let Some(first) = ids.next() else { return String::new() };
    let mut shared = first.len();
    let mut all = vec![first];
    for id in ids {
        shared = first.bytes().zip(id.bytes()).take(shared).take_while(|(a, b)| a == b).count();
        all.push(id);
    }
    // Revision names are any text: a shared first byte of two different characters is no
    // shared character, and cutting inside one would panic.
    while !first.is_char_boundary(shared) {
        shared -= 1;
    }
    let cut = first[..shared].rfind(['-', '_', '.']).map_or(0, |i| i + 1);
    if all.iter().all(|id| id.len() > cut) { first[..cut].to_string() } else { String::new() }
}

/// Which revision labels fit under columns of `width` units each: every `n`-th, counted
/// back from the newest, which is always labelled.
pub fn label_step(width: f64, label_width: f64) -> usize {
    if width <= 0.0 { 1 } else { ((label_width / width).ceil() as usize).max(1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ranges_cover_the_data_in_round_steps() {
        assert_eq!(nice_range(0.0, 92.4, 5), (0.0, 100.0, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]));
        let (low, high, ticks) = nice_range(57.1, 63.0, 4);
        assert!(low <= 57.1 && high >= 63.0 && ticks.len() >= 3, "{low} {high} {ticks:?}");
        assert_eq!(nice_range(5.0, 5.0, 4).2.first(), Some(&4.0));
    }

    #[test]
    fn a_shared_start_ends_at_a_separator_and_leaves_something_of_each_id() {
        assert_eq!(common_prefix(["release-2025-01", "release-2025-12"].into_iter()), "release-2025-");
        assert_eq!(common_prefix(["R-1", "R-12"].into_iter()), "R-");
        assert_eq!(common_prefix(["alpha", "beta"].into_iter()), "");
        // Tag names may be any text: "é" and "è" share their first byte, not a character.
        assert_eq!(common_prefix(["v-é-1", "v-è-2"].into_iter()), "v-");
    }

    #[test]
    fn long_labels_are_cut_with_an_ellipsis() {
        assert_eq!(truncate("Remediation", 6), "Remed…");
        assert_eq!(truncate("R-1", 6), "R-1");
    }
}
