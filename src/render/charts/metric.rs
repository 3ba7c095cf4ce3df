//! A metric's value per revision: a line over a labelled value axis with the target drawn
//! and labelled, each measurement a marker (circle when met, diamond when not), and
//! revisions without a measurement left as gaps. Also the sparkline of metric lists.

use serde::Serialize;

use super::{HISTORY_WINDOW, PlotArea, Tick, label_step, nice_range, px, truncate};
use crate::diff::timeline::MetricPoint;
use crate::values::{MetricState, Target, number};

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 52.0;
/// Room for the target's label, right of the plot.
const RIGHT: f64 = 96.0;
const TOP: f64 = 22.0;
const BOTTOM: f64 = 40.0;

#[derive(Debug, Serialize)]
pub struct MetricChart {
    #[serde(flatten)]
    pub area: PlotArea,
    /// `Value (%)`: the axis title with the unit.
    pub axis_title: String,
    pub y_ticks: Vec<Tick>,
    pub x_labels: Vec<Tick>,
    pub label_y: f64,
    pub targets: Vec<TargetLine>,
    /// The shaded band of a range target (`80..95`).
    pub target_band: Option<(f64, f64)>,
    /// Polylines between gaps.
    pub segments: Vec<String>,
    pub points: Vec<Point>,
    pub shown: usize,
    pub total: usize,
}

#[derive(Debug, Serialize)]
pub struct TargetLine {
    pub y: f64,
    pub label: String,
    /// The label sits right of the plot, level with the line.
    pub label_y: f64,
}

#[derive(Debug, Serialize)]
pub struct Point {
    pub revision: String,
    pub slug: String,
    pub date: String,
    pub value: Option<f64>,
    /// The value with its unit (`92.4%`), or `not measured`.
    pub text: String,
    pub state: MetricState,
    /// `circle` (met, or no target), `diamond` (not met) or `gap` (no measurement: a hollow
    /// circle above the plot on a dashed line).
    pub shape: &'static str,
    pub x: f64,
    pub y: f64,
    /// The diamond's outline.
    pub path: String,
}

/// The value axis: from zero when the values sit well above it, else around the data.
fn value_range(values: &[f64], unit: &str) -> (f64, f64) {
    let (low, high) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    if unit.starts_with('%') && low >= 0.0 && high <= 100.0 && high - low > 20.0 {
        (0.0, 100.0)
    } else if low >= 0.0 && low <= high * 0.5 {
        (0.0, high)
    } else {
        let margin = ((high - low) * 0.15).max(high.abs() * 0.02).max(1e-6);
        (low - margin, high + margin)
    }
}

fn target_values(target: Option<Target>) -> Vec<f64> {
    match target {
        Some(Target::Between { low, high }) => vec![low, high],
        Some(
            Target::AtLeast { value }
            | Target::Above { value }
            | Target::Exactly { value }
            | Target::AtMost { value }
            | Target::Below { value },
        ) => vec![value],
        None => Vec::new(),
    }
}

/// Joins a value and its unit the way derived texts do (`92.4%`, `120 ms`).
pub fn with_unit(value: f64, unit: &str) -> String {
    crate::values::with_unit(&number(value), Some(unit))
}

/// The chart of `series` (newest `HISTORY_WINDOW` revisions); `None` with no value at all.
pub fn build(series: &[MetricPoint], target: Option<Target>, unit: &str, target_text: &str) -> Option<MetricChart> {
    let shown = &series[series.len().saturating_sub(HISTORY_WINDOW)..];
    let mut values: Vec<f64> = shown.iter().filter_map(|p| p.value).collect();
    if values.is_empty() {
        return None;
    }
    let targets = target_values(target);
    values.extend(&targets);
    let (low, high) = value_range(&values, unit);
    let (low, high, ticks) = nice_range(low, high, 5);
    let plot_bottom = HEIGHT - BOTTOM;
    let y = |v: f64| TOP + (high - v) / (high - low) * (plot_bottom - TOP);
    let slot = (WIDTH - LEFT - RIGHT) / shown.len() as f64;
    let x = |i: usize| LEFT + slot * (i as f64 + 0.5);
    let step = label_step(slot, 84.0);
    let points: Vec<Point> = shown
        .iter()
        .enumerate()
        .map(|(i, p)| {
            // No measurement is no value at all: its hollow mark sits above the plot, on a
            // dashed line through it, never on the floor where it would read as a zero.
            let (cx, cy) = (x(i), p.value.map_or(TOP - 10.0, y));
            let state = p.state.unwrap_or(MetricState::NotMeasured);
            let shape = match (p.value, state) {
                (None, _) => "gap",
                (Some(_), MetricState::NotMet) => "diamond",
                _ => "circle",
            };
            let d = 5.5;
            Point {
                revision: p.revision.clone(),
                slug: p.slug.clone(),
                date: p.date.to_string(),
                value: p.value,
                text: p.value.map_or_else(|| "not measured".to_string(), |v| with_unit(v, unit)),
                state,
                shape,
                x: px(cx),
                y: px(cy),
                path: format!(
                    "M{} {}L{} {}L{} {}L{} {}Z",
                    px(cx),
                    px(cy - d),
                    px(cx + d),
                    px(cy),
                    px(cx),
                    px(cy + d),
                    px(cx - d),
                    px(cy)
                ),
            }
        })
        .collect();
    let target_lines = targets
        .iter()
        .enumerate()
        .map(|(n, t)| TargetLine {
            y: px(y(*t)),
            label: if targets.len() == 2 {
                format!("target {} {}", if n == 0 { "from" } else { "to" }, with_unit(*t, unit))
            } else {
                format!("target {target_text}")
            },
            label_y: px(y(*t) + 4.0),
        })
        .collect();
    let axis_title = if unit.is_empty() { "Value".to_string() } else { format!("Value ({unit})") };
    Some(MetricChart {
        area: PlotArea {
            width: WIDTH,
            height: HEIGHT,
            left: LEFT,
            right: WIDTH - RIGHT,
            top: TOP,
            bottom: plot_bottom,
        },
        axis_title,
        y_ticks: ticks.iter().map(|t| Tick { at: px(y(*t)), label: number(*t) }).collect(),
        x_labels: (0..shown.len())
            .filter(|i| (shown.len() - 1 - i).is_multiple_of(step))
            .map(|i| Tick { at: px(x(i)), label: truncate(&shown[i].revision, 10) })
            .collect(),
        label_y: plot_bottom + 18.0,
        targets: target_lines,
        target_band: match target {
            Some(Target::Between { low: a, high: b }) => Some((px(y(b)), px(y(a) - y(b)))),
            _ => None,
        },
        segments: segments(shown, |i, v| (x(i), y(v))),
        points,
        shown: shown.len(),
        total: series.len(),
    })
}

/// Polylines through consecutive measured points; a revision without a value ends one.
fn segments(points: &[MetricPoint], at: impl Fn(usize, f64) -> (f64, f64)) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        match p.value {
            Some(v) => {
                let (x, y) = at(i, v);
                current.push(format!("{},{}", px(x), px(y)));
            }
            None if !current.is_empty() => out.push(std::mem::take(&mut current).join(" ")),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

/// A small line of a metric's values for lists: no axes, the last value marked.
#[derive(Debug, Serialize)]
pub struct Sparkline {
    pub width: f64,
    pub height: f64,
    pub segments: Vec<String>,
    pub last_x: f64,
    pub last_y: f64,
    pub last_state: MetricState,
    pub target_y: Option<f64>,
    /// `week-1 57.1% → week-5 92.4%`, for its title.
    pub summary: String,
}

pub fn sparkline(series: &[MetricPoint], target: Option<Target>, unit: &str) -> Option<Sparkline> {
    const W: f64 = 96.0;
    const H: f64 = 24.0;
    const PAD: f64 = 4.0;
    let shown = &series[series.len().saturating_sub(HISTORY_WINDOW)..];
    let measured: Vec<(usize, &MetricPoint, f64)> =
        shown.iter().enumerate().filter_map(|(i, p)| p.value.map(|v| (i, p, v))).collect();
    let (first, last) = (measured.first()?, measured.last()?);
    let targets = target_values(target);
    let all: Vec<f64> = measured.iter().map(|m| m.2).chain(targets.iter().copied()).collect();
    let (low, high) = all.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let (low, high) = if high - low < 1e-9 { (low - 1.0, high + 1.0) } else { (low, high) };
    let x =
        |i: usize| if shown.len() < 2 { W / 2.0 } else { PAD + i as f64 * (W - 2.0 * PAD) / (shown.len() - 1) as f64 };
    let y = |v: f64| PAD + (high - v) / (high - low) * (H - 2.0 * PAD);
    Some(Sparkline {
        width: W,
        height: H,
        segments: segments(shown, |i, v| (x(i), y(v))),
        last_x: px(x(last.0)),
        last_y: px(y(last.2)),
        last_state: last.1.state.unwrap_or(MetricState::NotMeasured),
        target_y: targets.first().map(|t| px(y(*t))),
        summary: if measured.len() == 1 {
            format!("{} {}", first.1.revision, with_unit(first.2, unit))
        } else {
            format!(
                "{} {} → {} {}",
                first.1.revision,
                with_unit(first.2, unit),
                last.1.revision,
                with_unit(last.2, unit)
            )
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Date;

    fn point(revision: &str, value: Option<f64>) -> MetricPoint {
        MetricPoint {
            revision: revision.into(),
            slug: revision.into(),
            date: Date::parse("2025-08-12").unwrap(),
            value,
            state: value.map(|v| if v > 90.0 { MetricState::Met } else { MetricState::NotMet }),
        }
    }

    #[test]
    fn no_measurement_is_marked_above_the_plot_not_as_a_point_on_its_floor() {
        let series = [point("week-1", Some(57.1)), point("week-2", None), point("week-3", Some(92.4))];
        let chart = build(&series, Some(Target::Above { value: 90.0 }), "%", "> 90%").expect("a chart");
        let gap = &chart.points[1];
        assert_eq!((gap.shape, gap.text.as_str()), ("gap", "not measured"));
        assert!(gap.y < chart.area.top, "above the plot ({}), not on its floor ({})", gap.y, chart.area.bottom);
        assert!(chart.points[0].y > chart.area.top && chart.points[0].y < chart.area.bottom);
    }
}
