//! Gate progress: per group, gates cleared of all; per gate, criteria met of all, with
//! its status spelled out beside the bar.

use std::collections::HashMap;

use serde::Serialize;

use super::{px, truncate};
use crate::derive::{Item, Status};
use crate::model::Kind;
use crate::model::KindData;

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
    /// `3/5 cleared`; `1/2 met · ✓ passed` (criteria), `unchecked` when none says.
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
    /// A row at height `y`, its bar starting at `x`, `h` tall, filled `done` of `total`.
    fn new(x: f64, y: f64, h: f64, done: usize, total: usize) -> RowBar {
        let bar_w = WIDTH - PAD - x;
        let fill = if total == 0 { 0.0 } else { bar_w * done as f64 / total as f64 };
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

/// One group row per gate group, each followed by its gates.
pub fn build(status: &Status) -> GateChart {
    let by_id: HashMap<&str, &Item> = status.items[Kind::Gate].iter().map(|i| (i.id(), i)).collect();
    let mut rows = Vec::new();
    let mut y = 0.0;
    for group in &status.gate_groups {
        let total = group.gates.len();
        rows.push(GateRow {
            kind: "group",
            id: group.name.clone(),
            label: truncate(&group.name, 36),
            title: group.name.clone(),
            url: String::new(),
            status: if group.cleared == total { "cleared".into() } else { "open".into() },
            done: group.cleared,
            total,
            text: format!("{}/{total} cleared", group.cleared),
            release: group.release,
            bar: RowBar::new(PAD, y, 10.0, group.cleared, total),
        });
        y += GROUP_ROW;
        for gate in group.gates.iter().filter_map(|id| by_id.get(id.as_str())) {
            let KindData::Gate(g) = &gate.record.data else { continue };
            // Only criteria written as `{ text, met }` say whether they are met.
            let checked =
                g.criteria.iter().filter(|c| matches!(c, crate::model::records::Criterion::Checked { .. })).count();
            let (met, total) = (gate.derived.criteria_met.unwrap_or(0), checked);
            let glyph = match g.status.as_str() {
                "passed" => "✓",
                "failed" => "✕",
                "waived" => "↷",
                _ => "○",
            };
            let criteria = match (total, g.criteria.len()) {
                (_, 0) => "no criteria".to_string(),
                (0, _) => "unchecked".to_string(),
                _ => format!("{met}/{total} met"),
            };
            rows.push(GateRow {
                kind: "gate",
                id: gate.id().to_string(),
                label: truncate(gate.title(), 30),
                title: gate.title().to_string(),
                url: gate.url().to_string(),
                status: g.status.to_string(),
                done: met,
                total,
                text: format!("{criteria} · {glyph} {}", g.status),
                release: group.release,
                bar: RowBar::new(PAD + INDENT, y, 6.0, met, total),
            });
            y += GATE_ROW;
        }
    }
    GateChart { width: WIDTH, height: y.max(1.0), rows }
}
