//! The milestone timeline (Gantt): each milestone's current dates as a bar, its baseline
//! (the first committed dates) as a ghost bar behind it, the slip labelled in days, and a
//! line at the as-of date.

use serde::Serialize;

use super::{Tick, px, truncate};
use crate::derive::{Item, Status};
use crate::model::Kind;
use crate::model::KindData;
use crate::model::kinds::milestone::MilestoneDerived;
use crate::values::Date;

const WIDTH: f64 = 480.0;
const LEFT: f64 = 8.0;
/// Room for the slip label after the last bar.
const RIGHT: f64 = 64.0;
const TOP: f64 = 22.0;
/// A row: the label line, then the bar.
const ROW: f64 = 38.0;
const BAR: f64 = 12.0;

#[derive(Debug, Serialize)]
pub struct Gantt {
    pub width: f64,
    pub height: f64,
    pub top: f64,
    pub bottom: f64,
    pub ticks: Vec<Tick>,
    pub tick_y: f64,
    pub as_of: Tick,
    /// `start` or `end`: the as-of label sits on the side with room.
    pub as_of_anchor: &'static str,
    /// False when the as-of date lies far outside the milestones' span (a stale plan): the
    /// axis keeps to the milestones, and the label at its edge points the way (`as of … →`).
    pub as_of_line: bool,
    /// What the bar colours mean, for the statuses drawn.
    pub keys: Vec<LegendKey>,
    pub rows: Vec<GanttRow>,
    /// Milestones without dates: listed, not drawn.
    pub unscheduled: Vec<Unscheduled>,
}

#[derive(Debug, Serialize)]
pub struct GanttRow {
    pub id: String,
    pub title: String,
    pub label: String,
    pub url: String,
    pub status: String,
    pub when: String,
    pub start: String,
    pub end: String,
    pub baseline_start: Option<String>,
    pub baseline_end: Option<String>,
    /// Days the end moved against the baseline (positive: later).
    pub slip_days: Option<i64>,
    /// `+7 d`, `−3 d`; none when on plan.
    pub slip: Option<String>,
    pub overdue: bool,
    pub text_y: f64,
    pub x: f64,
    pub w: f64,
    pub y: f64,
    pub h: f64,
    pub ghost_x: Option<f64>,
    pub ghost_w: Option<f64>,
    pub slip_x: f64,
    pub slip_y: f64,
}

/// A legend entry: the CSS class of its swatch and what it means.
#[derive(Debug, Serialize, PartialEq)]
pub struct LegendKey {
    pub class: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Unscheduled {
    pub id: String,
    pub title: String,
    pub url: String,
}

type Span = (Date, Date);

/// The plan's milestones in `status`, or those of `only` (ids); `first_start` gives each
/// one's first committed start date (see [`Timeline::first_start`]).
///
/// [`Timeline::first_start`]: crate::diff::timeline::Timeline::first_start
pub fn build(status: &Status, first_start: &dyn Fn(&str) -> Option<Date>, only: Option<&[String]>) -> Gantt {
    // Each dated milestone: its start and end, and its baseline's.
    let mut scheduled: Vec<(&Item, &MilestoneDerived, Date, Date, Option<Span>)> = Vec::new();
    let mut unscheduled = Vec::new();
    let wanted = |item: &&Item| only.is_none_or(|ids| ids.iter().any(|id| id == item.id()));
    for item in status.items[Kind::Milestone].iter().filter(wanted) {
        let Some(values) = item.derived.kind.milestone() else { continue };
        let (start, end) = (values.start, values.end);
        let Some(end) = end.or(start) else {
            unscheduled.push(Unscheduled {
                id: item.id().to_string(),
                title: item.title().to_string(),
                url: item.url().to_string(),
            });
            continue;
        };
        let start = start.unwrap_or(end).min(end);
        let baseline = values.baseline.map(|b_end| {
            let b_start = first_start(item.id()).unwrap_or(start);
            (b_start.min(b_end), b_end)
        });
        scheduled.push((item, values, start, end, baseline));
    }
    let dates = scheduled.iter().flat_map(|(_, _, s, e, b)| [Some(*s), Some(*e), b.map(|b| b.0), b.map(|b| b.1)]);
    let (first, last) = dates.flatten().fold((None, None), |(lo, hi): (Option<Date>, Option<Date>), d| {
        (Some(lo.map_or(d, |lo| lo.min(d))), Some(hi.map_or(d, |hi| hi.max(d))))
    });
    let scale = Scale::new(first.unwrap_or(status.as_of), last.unwrap_or(status.as_of), status.as_of);
    let x = |d: Date| scale.x(d);
    let rows: Vec<GanttRow> = scheduled
        .iter()
        .enumerate()
        .map(|(n, (item, values, start, end, baseline))| {
            let y = TOP + n as f64 * ROW;
            let (bx, bw) = (x(*start), x(end.add_days(1)) - x(*start));
            let slip_days = values.slip_days;
            let status = match &item.record.data {
                KindData::Milestone(m) => m.status.to_string(),
                _ => String::new(),
            };
            let right = baseline.map_or(bx + bw, |(_, b_end)| (bx + bw).max(x(b_end.add_days(1))));
            GanttRow {
                id: item.id().to_string(),
                title: item.title().to_string(),
                label: truncate(item.title(), 44),
                url: item.url().to_string(),
                status,
                when: values.when.clone(),
                start: start.to_string(),
                end: end.to_string(),
                baseline_start: baseline.map(|b| b.0.to_string()),
                baseline_end: baseline.map(|b| b.1.to_string()),
                slip_days,
                slip: slip_days.filter(|d| *d != 0).map(|d| format!("{}{} d", if d > 0 { "+" } else { "−" }, d.abs())),
                overdue: item.derived.overdue,
                text_y: px(y + 13.0),
                x: px(bx),
                w: px(bw.max(2.0)),
                y: px(y + 19.0),
                h: BAR,
                ghost_x: baseline.map(|(s, _)| px(x(s))),
                ghost_w: baseline.map(|(s, e)| px((x(e.add_days(1)) - x(s)).max(2.0))),
                slip_x: px(right + 4.0),
                slip_y: px(y + 29.0),
            }
        })
        .collect();
    let bottom = TOP + rows.len() as f64 * ROW;
    Gantt {
        width: WIDTH,
        height: bottom + 22.0,
        top: TOP,
        bottom,
        ticks: scale
            .ticks()
            .into_iter()
            .map(|d| Tick { at: px(x(d)), label: d.0.format("%b %-d").to_string() })
            .collect(),
        tick_y: bottom + 15.0,
        as_of: scale.as_of_tick(status.as_of),
        as_of_anchor: if x(status.as_of) > WIDTH / 2.0 { "end" } else { "start" },
        as_of_line: scale.shows(status.as_of),
        keys: legend(&rows),
        rows,
        unscheduled,
    }
}

/// The day axis: whole weeks, Monday to Monday, around the milestones (so no bar runs past
/// the last tick), and around the as-of date only when it is near them.
struct Scale {
    start: Date,
    end: Date,
    /// Weeks between ticks: at most about eight ticks.
    every: i64,
}

impl Scale {
    fn new(first: Date, last: Date, as_of: Date) -> Scale {
        // An as-of date a quarter of the span or two weeks away still fits; farther (a plan
        // not touched for months) it would squeeze every bar into a corner.
        let reach = (first.days_until(last) / 4).max(14);
        let (first, last) = if as_of >= first.add_days(-reach) && as_of <= last.add_days(reach) {
            (first.min(as_of), last.max(as_of))
        } else {
            (first, last)
        };
        let start = monday_on_or_before(first);
        // A bar runs to the end of its last day: the axis ends on the Monday after it.
        let weeks = ((start.days_until(last.add_days(1)) + 6) / 7).max(1);
        let every = (weeks + 7) / 8;
        let weeks = (weeks + every - 1) / every * every;
        Scale { start, end: start.add_days(weeks * 7), every }
    }

    fn x(&self, d: Date) -> f64 {
        let span = self.start.days_until(self.end) as f64;
        LEFT + self.start.days_until(d) as f64 / span * (WIDTH - LEFT - RIGHT)
    }

    fn shows(&self, d: Date) -> bool {
        d >= self.start && d <= self.end
    }

    fn ticks(&self) -> Vec<Date> {
        let weeks = self.start.days_until(self.end) / 7;
        (0..=weeks).step_by(self.every as usize).map(|w| self.start.add_days(w * 7)).collect()
    }

    /// The as-of line, or, off the axis, a label at the edge pointing its way.
    fn as_of_tick(&self, as_of: Date) -> Tick {
        let label = if as_of > self.end {
            format!("as of {as_of} →")
        } else if as_of < self.start {
            format!("← as of {as_of}")
        } else {
            format!("as of {as_of}")
        };
        Tick { at: px(self.x(as_of.max(self.start).min(self.end))), label }
    }
}

fn monday_on_or_before(d: Date) -> Date {
    use chrono::Datelike;
    d.add_days(-i64::from(d.0.weekday().num_days_from_monday()))
}

/// The legend for the bars drawn: a colour per status group, as style.css fills them.
fn legend(rows: &[GanttRow]) -> Vec<LegendKey> {
    let late = |r: &GanttRow| r.overdue || r.status == "missed";
    let mut keys = Vec::new();
    if rows.iter().any(|r| !late(r) && r.status != "done") {
        keys.push(LegendKey { class: "span", label: "current dates" });
    }
    if rows.iter().any(|r| !late(r) && r.status == "done") {
        keys.push(LegendKey { class: "span-done", label: "done" });
    }
    if rows.iter().any(late) {
        keys.push(LegendKey { class: "span-late", label: "overdue or missed" });
    }
    if rows.iter().any(|r| r.ghost_x.is_some()) {
        keys.push(LegendKey { class: "ghost", label: "baseline" });
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::load::{RawFile, load_records};

    /// A plan with milestone m-n ending n weeks after 2025-08-11, plus one without dates.
    fn status(count: usize) -> Status {
        let mut text = String::from("[[milestone]]\nid = \"later\"\ntitle = \"Some day\"\n\n");
        for n in 1..=count {
            let end = Date::parse("2025-08-11").unwrap().add_days(7 * n as i64);
            text.push_str(&format!(
                "[[milestone]]\nid = \"m-{n}\"\ntitle = \"M{n}\"\nstart = 2025-08-11\nend = {end}\n\n"
            ));
        }
        let files = vec![
            RawFile { content_path: "plan.md".into(), bytes: b"+++\ntitle = \"Plan\"\n+++\n".to_vec() },
            RawFile { content_path: "milestones/all.toml".into(), bytes: text.into_bytes() },
        ];
        let config = Config::default();
        let loaded = load_records(files, &config);
        crate::derive::derive(&loaded.records, &config, Date::parse("2025-08-20").unwrap(), None, None).expect("a plan")
    }

    #[test]
    fn bars_run_from_start_to_end_on_a_shared_day_scale() {
        let status = status(3);
        let gantt = build(&status, &|_| None, None);
        assert_eq!(gantt.rows.len(), 3);
        assert_eq!(gantt.unscheduled.len(), 1, "a milestone without dates is listed, not drawn");
        let (m1, m3) = (&gantt.rows[0], &gantt.rows[2]);
        assert_eq!((m1.x, m3.x), (LEFT, LEFT), "both start on the first day");
        assert!((m3.w - 3.0 * m1.w + 2.0 * m1.w / 8.0).abs() < 0.5, "8 days against 22: {} {}", m1.w, m3.w);
        assert!(gantt.as_of.at > m1.x + m1.w, "2025-08-20 is after m-1's end");
        assert_eq!(m1.slip, None, "no history, no baseline");
    }

    /// The right edge of the furthest bar or baseline.
    fn right_edge(gantt: &Gantt) -> f64 {
        gantt
            .rows
            .iter()
            .map(|r| (r.x + r.w).max(r.ghost_x.unwrap_or(0.0) + r.ghost_w.unwrap_or(0.0)))
            .fold(0.0, f64::max)
    }

    #[test]
    fn the_axis_runs_past_the_last_bar_and_its_legend_names_the_colours_drawn() {
        // m-2 ends on Monday 2025-08-25, at the end of that day: the axis runs to the next Monday.
        let gantt = build(&status(2), &|_| None, None);
        let last_tick = gantt.ticks.last().expect("ticks");
        assert!(last_tick.at >= right_edge(&gantt), "the axis ends at {last_tick:?}, a bar at {}", right_edge(&gantt));
        assert_eq!(last_tick.label, "Sep 1");
        assert!(gantt.as_of_line);
        let keys: Vec<&str> = gantt.keys.iter().map(|k| k.class).collect();
        assert!(keys.contains(&"span-late"), "m-1 ended before the as-of date and is not done: {keys:?}");
    }

    #[test]
    fn a_stale_plan_keeps_the_axis_to_its_milestones_and_points_to_the_as_of_date() {
        let mut stale = status(3);
        stale.as_of = Date::parse("2026-12-05").unwrap();
        let gantt = build(&stale, &|_| None, None);
        let plot = WIDTH - RIGHT;
        assert!(right_edge(&gantt) > LEFT + 0.75 * (plot - LEFT), "bars use the width: {}", right_edge(&gantt));
        assert!(!gantt.as_of_line, "no line for a date off the axis");
        assert_eq!(gantt.as_of.label, "as of 2026-12-05 →");
        assert!(gantt.as_of.at <= plot && gantt.as_of_anchor == "end", "{:?}", gantt.as_of);
    }

    #[test]
    fn only_the_given_milestones_are_drawn() {
        let status = status(20);
        let next = &status.next_milestones[..12];
        let gantt = build(&status, &|_| None, Some(next));
        let dated: Vec<&str> = next.iter().map(String::as_str).filter(|id| *id != "later").collect();
        assert_eq!(gantt.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), dated);
        assert_eq!(gantt.unscheduled[0].id, "later");
    }
}
