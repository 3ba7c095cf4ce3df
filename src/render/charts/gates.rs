//! Gate progress: per group, gates cleared of all; per gate, criteria met of all, with
//! its status spelled out beside the bar.

use std::collections::HashMap;

use serde::Serialize;

use super::{px, truncate};
use crate::derive::{Item, Status};
use crate::model::Kind;
use crate::model::KindData;
use crate::values::GateStatus;

const WIDTH: f64 = 480.0;
const PAD: f64 = 8.0;
const INDENT: f64 = 16.0;
const GROUP_ROW: f64 = 38.0;
const GATE_ROW: f64 = 32.0;

#[derive(Debug, Serialize)]
pub struct GateChart {
    pub width: f64,
    pub height: f64,
    pub rows: Vec<GateRow>,
}

/// A group (its gates cleared) or a gate (its criteria met), as a label over a bar.
#[derive(Debug, Serialize)]
pub struct GateRow {
    /// `group` or `gate`.
    pub kind: &'static str,
    pub id: String,
    pub label: String,
    pub title: String,
    pub url: String,
    /// Gate status (`passed`, …); for a group, `cleared` when every gate is.
    pub status: String,
    pub done: usize,
    pub total: usize,
    /// `3/5 cleared`; `1/2 met · ✓ passed` (criteria); only `✓ passed` when no criterion
    /// says whether it is met.
    pub text: String,
    pub release: bool,
    #[serde(flatten)]
    pub bar: RowBar,
}

/// Where a row's label, value and bar sit; the same for group and gate rows but for the
/// indent and the bar height.
#[derive(Debug, Serialize)]
pub struct RowBar {
    pub text_y: f64,
    pub bar_x: f64,
    pub bar_y: f64,
    pub bar_w: f64,
    pub bar_h: f64,
    pub fill_w: f64,
    pub text_right: f64,
}

impl RowBar {
    /// A row at height `y`, its bar starting at `x`, `h` tall, filled `share` (0 to 1).
    fn new(x: f64, y: f64, h: f64, share: f64) -> RowBar {
        let bar_w = WIDTH - PAD - x;
        let fill = bar_w * share.clamp(0.0, 1.0);
        RowBar {
            text_y: px(y + 14.0),
            bar_x: x,
            bar_y: px(y + 19.0),
            bar_w: px(bar_w),
            bar_h: h,
            fill_w: px(fill),
            text_right: WIDTH - PAD,
        }
    }
}

/// One group row per gate group, each followed by its gates. Labels are cut so that label
/// and value share a line even where chart text is drawn largest (phones, style.css).
pub fn build(status: &Status) -> GateChart {
    let by_id: HashMap<&str, &Item> = status.items[Kind::Gate].iter().map(|i| (i.id(), i)).collect();
    let mut rows = Vec::new();
    let mut y = 0.0;
    for group in &status.gate_groups {
        let total = group.gates.len();
        rows.push(GateRow {
            kind: "group",
            id: group.name.clone(),
            label: truncate(&group.name, 24),
            title: group.name.clone(),
            url: String::new(),
            status: if group.cleared == total { "cleared".into() } else { "open".into() },
            done: group.cleared,
            total,
            text: format!("{}/{total} cleared", group.cleared),
            release: group.release,
            bar: RowBar::new(PAD, y, 10.0, share(group.cleared, total, false)),
        });
        y += GROUP_ROW;
        for gate in group.gates.iter().filter_map(|id| by_id.get(id.as_str())) {
            let KindData::Gate(g) = &gate.record.data else { continue };
            // Only criteria written as `{ text, met }` say whether they are met.
            let checked =
                g.criteria.iter().filter(|c| matches!(c, crate::model::records::Criterion::Checked { .. })).count();
            let (met, total) = (gate.derived.kind.gate().map_or(0, |d| d.criteria_met), checked);
            let glyph = match g.status {
                GateStatus::Passed => "✓",
                GateStatus::Failed => "✕",
                GateStatus::Waived => "↷",
                GateStatus::Pending => "○",
            };
            // Criteria that say nothing add nothing to the text: the status alone tells.
            let status_text = format!("{glyph} {}", g.status);
            let text = if total == 0 { status_text } else { format!("{met}/{total} met · {status_text}") };
            let cleared = g.status.is_cleared();
            rows.push(GateRow {
                kind: "gate",
                id: gate.id().to_string(),
                label: truncate(gate.title(), 28),
                title: gate.title().to_string(),
                url: gate.url().to_string(),
                status: g.status.to_string(),
                done: met,
                total,
                text,
                release: group.release,
                bar: RowBar::new(PAD + INDENT, y, 6.0, share(met, total, cleared)),
            });
            y += GATE_ROW;
        }
    }
    GateChart { width: WIDTH, height: y.max(1.0), rows }
}

/// How full a bar is: `done` of `total`; with nothing to count, full when `cleared` (a
/// passed gate whose criteria are not checked is not an empty bar).
fn share(done: usize, total: usize, cleared: bool) -> f64 {
    if total == 0 { f64::from(u8::from(cleared)) } else { done as f64 / total as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::load::{RawFile, load_records};
    use crate::values::Date;

    fn status(gates: &str) -> Status {
        let files = vec![
            RawFile { content_path: "plan.md".into(), bytes: b"+++\ntitle = \"Plan\"\n+++\n".to_vec() },
            RawFile { content_path: "gates/all.toml".into(), bytes: gates.as_bytes().to_vec() },
        ];
        let config = Config::default();
        let loaded = load_records(files, &config);
        crate::derive::derive(&loaded.records, &config, Date::parse("2025-08-20").unwrap(), None, None).expect("a plan")
    }

    fn gate<'a>(chart: &'a GateChart, id: &str) -> &'a GateRow {
        chart.rows.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no row {id}"))
    }

    #[test]
    fn a_passed_gate_without_checked_criteria_is_a_full_bar_saying_passed() {
        let chart = build(&status(
            "[[gate]]\nid = \"g-1\"\ntitle = \"Ship\"\ngroup = \"Release\"\nstatus = \"passed\"\ncriteria = [\"reviewed\"]\n\n\
             [[gate]]\nid = \"g-2\"\ntitle = \"Test\"\ngroup = \"Release\"\nstatus = \"pending\"\ncriteria = [\"tested\"]\n\n\
             [[gate]]\nid = \"g-3\"\ntitle = \"Build\"\ngroup = \"Release\"\nstatus = \"passed\"\n\
             criteria = [{ text = \"green\", met = true }, { text = \"signed\", met = false }]\n",
        ));
        let passed = gate(&chart, "g-1");
        assert_eq!(passed.text, "✓ passed", "no \"unchecked\" beside a passed gate");
        assert_eq!(passed.bar.fill_w, passed.bar.bar_w, "a passed gate is a full bar");
        let pending = gate(&chart, "g-2");
        assert_eq!((pending.text.as_str(), pending.bar.fill_w), ("○ pending", 0.0));
        let checked = gate(&chart, "g-3");
        assert_eq!(checked.text, "1/2 met · ✓ passed");
        assert_eq!(checked.bar.fill_w, px(checked.bar.bar_w / 2.0), "checked criteria still fill the bar");
    }
}
