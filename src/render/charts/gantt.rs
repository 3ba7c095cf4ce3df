//! The milestone timeline (Gantt): each milestone's current dates as a bar, its baseline
//! (the first committed dates) as a ghost bar behind it, the slip labelled in days, and a
//! line at the as-of date.

use std::collections::HashMap;

use serde::Serialize;

use super::{Tick, px, truncate};
use crate::derive::{Item, Status};
use crate::history::snapshots::Snapshot;
use crate::model::Kind;
use crate::model::KindData;
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

#[derive(Debug, Serialize)]
pub struct Unscheduled {
    pub id: String,
    pub title: String,
    pub url: String,
}

type Span = (Date, Date);

/// The plan's milestones in `status`, or those of `only` (ids); `snapshots` give the first
/// committed start dates.
pub fn build(status: &Status, snapshots: &[Snapshot], only: Option<&[String]>) -> Gantt {
    let first_start = first_starts(snapshots);
    // Each dated milestone: its start and end, and its baseline's.
    let mut scheduled: Vec<(&Item, Date, Date, Option<Span>)> = Vec::new();
    let mut unscheduled = Vec::new();
    let wanted = |item: &&Item| only.is_none_or(|ids| ids.iter().any(|id| id == item.id()));
    for item in status.items[Kind::Milestone].iter().filter(wanted) {
        let (start, end) = (item.derived.start, item.derived.end);
        let Some(end) = end.or(start) else {
            unscheduled.push(Unscheduled {
                id: item.id().to_string(),
                title: item.title().to_string(),
                url: item.url().to_string(),
            });
            continue;
        };
        let start = start.unwrap_or(end).min(end);
        let baseline = item.derived.baseline.map(|b_end| {
            let b_start = first_start.get(item.id()).copied().unwrap_or(start);
            (b_start.min(b_end), b_end)
        });
        scheduled.push((item, start, end, baseline));
    }
    let dates = scheduled.iter().flat_map(|(_, s, e, b)| [Some(*s), Some(*e), b.map(|b| b.0), b.map(|b| b.1)]);
    let (first, last) =
        dates.flatten().chain([status.as_of]).fold((status.as_of, status.as_of), |(lo, hi), d| (lo.min(d), hi.max(d)));
    // Whole days: a bar runs from the start of its first day to the end of its last.
    let span = (first.days_until(last) + 1).max(7) as f64;
    let x = |d: Date| LEFT + first.days_until(d) as f64 / span * (WIDTH - LEFT - RIGHT);
    let rows: Vec<GanttRow> = scheduled
        .iter()
        .enumerate()
        .map(|(n, (item, start, end, baseline))| {
            let y = TOP + n as f64 * ROW;
            let (bx, bw) = (x(*start), x(end.add_days(1)) - x(*start));
            let slip_days = item.derived.slip_days;
            let status = match &item.record.data {
                KindData::Milestone(m) => m.status.to_string(),
                _ => String::new(),
            };
            let right = baseline.map_or(bx + bw, |(_, b_end)| (bx + bw).max(x(b_end.add_days(1))));
            GanttRow {
                id: item.id().to_string(),
                title: item.title().to_string(),
                label: truncate(item.title(), 32),
                url: item.url().to_string(),
                status,
                when: item.derived.when.clone().unwrap_or_default(),
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
        ticks: ticks(first, last)
            .into_iter()
            .map(|d| Tick { at: px(x(d)), label: d.0.format("%b %-d").to_string() })
            .collect(),
        tick_y: bottom + 15.0,
        as_of: Tick { at: px(x(status.as_of)), label: format!("as of {}", status.as_of) },
        as_of_anchor: if x(status.as_of) > WIDTH / 2.0 { "end" } else { "start" },
        rows,
        unscheduled,
    }
}

/// Mondays between `first` and `last`, every week or every few so at most about eight.
fn ticks(first: Date, last: Date) -> Vec<Date> {
    use chrono::Datelike;
    let monday = first.add_days((7 - i64::from(first.0.weekday().num_days_from_monday())) % 7);
    let weeks = (monday.days_until(last) / 7 + 1).max(1);
    let every = (weeks + 7) / 8;
    (0..weeks).step_by(every.max(1) as usize).map(|w| monday.add_days(w * 7)).filter(|d| *d <= last).collect()
}

/// Each milestone's start date in the first revision that gave it an end.
fn first_starts(snapshots: &[Snapshot]) -> HashMap<String, Date> {
    let mut first: HashMap<String, Date> = HashMap::new();
    for status in snapshots.iter().filter_map(|s| s.status.as_ref()) {
        for item in &status.items[Kind::Milestone] {
            if let Some(end) = item.derived.end
                && !first.contains_key(item.id())
            {
                first.insert(item.id().to_string(), item.derived.start.unwrap_or(end));
            }
        }
    }
    first
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
        let gantt = build(&status, &[], None);
        assert_eq!(gantt.rows.len(), 3);
        assert_eq!(gantt.unscheduled.len(), 1, "a milestone without dates is listed, not drawn");
        let (m1, m3) = (&gantt.rows[0], &gantt.rows[2]);
        assert_eq!((m1.x, m3.x), (LEFT, LEFT), "both start on the first day");
        assert!((m3.w - 3.0 * m1.w + 2.0 * m1.w / 8.0).abs() < 0.5, "8 days against 22: {} {}", m1.w, m3.w);
        assert!(gantt.as_of.at > m1.x + m1.w, "2025-08-20 is after m-1's end");
        assert_eq!(m1.slip, None, "no history, no baseline");
    }

    #[test]
    fn only_the_given_milestones_are_drawn() {
        let status = status(20);
        let next = &status.next_milestones[..12];
        let gantt = build(&status, &[], Some(next));
        let dated: Vec<&str> = next.iter().map(String::as_str).filter(|id| *id != "later").collect();
        assert_eq!(gantt.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), dated);
        assert_eq!(gantt.unscheduled[0].id, "later");
    }
}
