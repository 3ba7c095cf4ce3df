//! The risk heat map: likelihood × impact on a 5×5 grid coloured by `[risk] bands`, each
//! live risk a labelled marker in its cell, with an arrow from where it stood in the
//! previous revision.

use std::collections::HashMap;

use serde::Serialize;

use super::{Tick, px, truncate};
use crate::derive::{Item, Status, band};
use crate::model::Kind;
use crate::model::KindData;
use crate::values::RiskBand;

const LEFT: f64 = 46.0;
const TOP: f64 = 8.0;
const CELL: f64 = 64.0;
const BOTTOM: f64 = 42.0;
const RIGHT: f64 = 8.0;
/// Marker pills per cell: three rows of two (a plan's map) or of one wide pill (a
/// portfolio's, whose labels name the plan: `payments/R-1`).
const ROWS: usize = 3;
const PILL_W: f64 = 28.0;
const PILL_H: f64 = 15.0;
/// About how wide a character of a marker label is, for fitting labels to pills.
const CHAR_W: f64 = 6.0;
/// Rows of the table beside the chart; the risks list has them all.
const TABLE_LIMIT: usize = 50;

#[derive(Debug, Serialize)]
pub struct HeatMap {
    pub width: f64,
    pub height: f64,
    pub cells: Vec<Cell>,
    pub markers: Vec<Marker>,
    /// Cells with more risks than slots: how many more.
    pub overflow: Vec<Overflow>,
    /// Impact along x, likelihood along y (1 at the bottom).
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub x_label: Tick,
    pub y_label: Tick,
    /// The live risks, highest score first (at most `TABLE_LIMIT`).
    pub rows: Vec<Row>,
    pub total: usize,
    pub moved: usize,
    /// The revision the arrows start from.
    pub previous: Option<String>,
    pub bands: Vec<Band>,
}

#[derive(Debug, Serialize)]
pub struct Cell {
    pub x: f64,
    pub y: f64,
    pub size: f64,
    pub likelihood: i64,
    pub impact: i64,
    pub score: i64,
    pub band: RiskBand,
    pub count: usize,
    pub score_x: f64,
    pub score_y: f64,
}

#[derive(Debug, Serialize)]
pub struct Marker {
    pub id: String,
    pub title: String,
    pub url: String,
    pub label: String,
    pub status: String,
    pub likelihood: i64,
    pub impact: i64,
    pub score: i64,
    pub band: RiskBand,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub text_x: f64,
    pub text_y: f64,
    /// The width the label is condensed to when it is longer than its pill is wide
    /// (`textLength`), so a portfolio's `payments/R-1` shows whole.
    pub squeeze: Option<f64>,
    pub arrow: Option<Arrow>,
}

/// A line from the previous cell's centre to the marker, with its head as a polygon.
#[derive(Debug, Serialize)]
pub struct Arrow {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub head: String,
    pub from: String,
}

#[derive(Debug, Serialize)]
pub struct Overflow {
    pub x: f64,
    pub y: f64,
    pub more: usize,
}

#[derive(Debug, Serialize)]
pub struct Row {
    pub id: String,
    pub title: String,
    pub url: String,
    pub likelihood: i64,
    pub impact: i64,
    pub score: i64,
    pub band: RiskBand,
    pub status: String,
    /// Where it was in the previous revision (`3 × 4`), when it moved.
    pub was: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Band {
    pub name: RiskBand,
    pub range: String,
}

/// A live risk as the map places it.
struct Live {
    id: String,
    /// What its marker says: the id, cut to fit (`R-1`); in a portfolio, with its plan.
    label: String,
    title: String,
    url: String,
    likelihood: i64,
    impact: i64,
    status: String,
}

fn risk(item: &Item) -> Option<(i64, i64, String)> {
    match &item.record.data {
        KindData::Risk(r) => Some((r.likelihood.clamp(1, 5), r.impact.clamp(1, 5), r.status.to_string())),
        _ => None,
    }
}

/// The live risks of `status`, highest score first (`top_risks`' order: the order of
/// markers in a cell); in a portfolio, `plan` prefixes ids (`qa/R-1`) and links (`qa/…`).
fn live_risks(status: &Status, plan: Option<&str>) -> Vec<Live> {
    let by_id: HashMap<&str, &Item> = status.items[Kind::Risk].iter().map(|i| (i.id(), i)).collect();
    let prefix = plan.map_or_else(String::new, |p| format!("{p}/"));
    status
        .top_risks
        .iter()
        .filter_map(|id| by_id.get(id.as_str()))
        .filter_map(|i| {
            risk(i).map(|(likelihood, impact, status)| Live {
                id: format!("{prefix}{}", i.id()),
                label: if plan.is_some() { format!("{prefix}{}", i.id()) } else { truncate(i.id(), 5) },
                title: i.title().to_string(),
                url: format!("{prefix}{}", i.url()),
                likelihood,
                impact,
                status,
            })
        })
        .collect()
}

/// The heat map of `status`'s live risks; arrows start where each was in `previous`.
pub fn build(status: &Status, previous: Option<(&str, &Status)>, bands: [i64; 3]) -> HeatMap {
    let before: HashMap<String, (i64, i64)> = previous
        .map(|(_, p)| {
            p.items[Kind::Risk]
                .iter()
                .filter_map(|i| risk(i).map(|(l, m, _)| (i.id().to_ascii_lowercase(), (l, m))))
                .collect()
        })
        .unwrap_or_default();
    let pills = Pills { w: PILL_W, columns: 2 };
    place(live_risks(status, None), &before, previous.map(|(id, _)| id), bands, pills)
}

/// One heat map of every plan's live risks (a portfolio's), highest score first.
pub fn combined(plans: &[(&str, &Status)], bands: [i64; 3]) -> HeatMap {
    let mut live: Vec<Live> = plans.iter().flat_map(|(plan, status)| live_risks(status, Some(plan))).collect();
    live.sort_by_key(|r| std::cmp::Reverse(r.likelihood * r.impact));
    place(live, &HashMap::new(), None, bands, Pills { w: CELL - 8.0, columns: 1 })
}

/// How the markers of a cell are laid out: pills `w` wide, `columns` of them a row.
#[derive(Clone, Copy)]
struct Pills {
    w: f64,
    columns: usize,
}

impl Pills {
    fn slots(self) -> usize {
        self.columns * ROWS
    }

    /// The top left corner of pill `n` of the cell at (`x`, `y`).
    fn at(self, n: usize, x: f64, y: f64) -> (f64, f64) {
        (x + 4.0 + (n % self.columns) as f64 * (self.w + 4.0), y + 13.0 + (n / self.columns) as f64 * (PILL_H + 2.0))
    }
}

/// Lays out `live` on the grid; arrows start where a risk was `before` (in revision `previous`).
fn place(
    live: Vec<Live>,
    before: &HashMap<String, (i64, i64)>,
    previous: Option<&str>,
    bands: [i64; 3],
    pills: Pills,
) -> HeatMap {
    let slots = pills.slots();
    let cell_origin =
        |likelihood: i64, impact: i64| (LEFT + (impact - 1) as f64 * CELL, TOP + (5 - likelihood) as f64 * CELL);
    let centre = |likelihood: i64, impact: i64| {
        let (x, y) = cell_origin(likelihood, impact);
        (x + CELL / 2.0, y + CELL / 2.0)
    };
    let mut totals: HashMap<(i64, i64), usize> = HashMap::new();
    for r in &live {
        *totals.entry((r.likelihood, r.impact)).or_default() += 1;
    }
    let mut counts: HashMap<(i64, i64), usize> = HashMap::new();
    let mut markers = Vec::new();
    let mut rows = Vec::new();
    let mut moved = 0;
    for r in &live {
        let (likelihood, impact, status_text) = (&r.likelihood, &r.impact, &r.status);
        let slot = counts.entry((*likelihood, *impact)).or_default();
        let n = *slot;
        *slot += 1;
        let was = before.get(&r.id.to_ascii_lowercase()).copied().filter(|w| *w != (*likelihood, *impact));
        moved += usize::from(was.is_some());
        let score = likelihood * impact;
        let band_name = band(score, bands);
        if rows.len() < TABLE_LIMIT {
            rows.push(Row {
                id: r.id.clone(),
                title: r.title.clone(),
                url: r.url.clone(),
                likelihood: *likelihood,
                impact: *impact,
                score,
                band: band_name,
                status: status_text.clone(),
                was: was.map(|(l, i)| format!("{l} × {i}")),
            });
        }
        // The last slot of a crowded cell says how many more there are instead.
        if n >= slots || (n == slots - 1 && totals[&(*likelihood, *impact)] > slots) {
            continue;
        }
        let (cx, cy) = cell_origin(*likelihood, *impact);
        let (x, y) = pills.at(n, cx, cy);
        let arrow = was.map(|(l, i)| {
            let from = centre(l, i);
            arrow((from.0, from.1), (x + pills.w / 2.0, y + PILL_H / 2.0), format!("{l} × {i}"))
        });
        let room = pills.w - 6.0;
        markers.push(Marker {
            id: r.id.clone(),
            title: r.title.clone(),
            url: r.url.clone(),
            label: r.label.clone(),
            status: status_text.clone(),
            likelihood: *likelihood,
            impact: *impact,
            score,
            band: band_name,
            x: px(x),
            y: px(y),
            w: pills.w,
            h: PILL_H,
            text_x: px(x + pills.w / 2.0),
            text_y: px(y + PILL_H - 4.0),
            squeeze: (r.label.chars().count() as f64 * CHAR_W > room).then_some(room),
            arrow,
        });
    }
    let mut cells = Vec::with_capacity(25);
    let mut overflow = Vec::new();
    for likelihood in (1..=5).rev() {
        for impact in 1..=5 {
            let (x, y) = cell_origin(likelihood, impact);
            let count = totals.get(&(likelihood, impact)).copied().unwrap_or(0);
            if count > slots {
                let (ox, oy) = pills.at(slots - 1, x, y);
                overflow.push(Overflow {
                    x: px(ox + pills.w / 2.0),
                    y: px(oy + PILL_H - 4.0),
                    more: count - (slots - 1),
                });
            }
            let score = likelihood * impact;
            cells.push(Cell {
                x,
                y,
                size: CELL,
                likelihood,
                impact,
                score,
                band: band(score, bands),
                count,
                score_x: x + CELL - 4.0,
                score_y: y + 11.0,
            });
        }
    }
    let grid = 5.0 * CELL;
    let axis = |i: i64| LEFT + (i - 1) as f64 * CELL + CELL / 2.0;
    HeatMap {
        width: LEFT + grid + RIGHT,
        height: TOP + grid + BOTTOM,
        cells,
        markers,
        overflow,
        x_ticks: (1..=5).map(|i| Tick { at: axis(i), label: i.to_string() }).collect(),
        y_ticks: (1..=5)
            .map(|l| Tick { at: TOP + (5 - l) as f64 * CELL + CELL / 2.0 + 4.0, label: l.to_string() })
            .collect(),
        x_label: Tick { at: LEFT + grid / 2.0, label: "Impact →".into() },
        y_label: Tick { at: TOP + grid / 2.0, label: "Likelihood →".into() },
        rows,
        total: live.len(),
        moved,
        previous: previous.map(str::to_string),
        bands: bands_legend(bands),
    }
}

fn bands_legend(bands: [i64; 3]) -> Vec<Band> {
    vec![
        Band { name: RiskBand::Low, range: format!("1–{}", bands[0]) },
        Band { name: RiskBand::Medium, range: format!("{}–{}", bands[0] + 1, bands[1]) },
        Band { name: RiskBand::High, range: format!("{}–{}", bands[1] + 1, bands[2]) },
        Band { name: RiskBand::Critical, range: format!("{}–25", bands[2] + 1) },
    ]
}

/// An arrow from `from` towards `to`, stopping short of the marker so its head shows.
fn arrow(from: (f64, f64), to: (f64, f64), label: String) -> Arrow {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let length = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / length, dy / length);
    let end = (to.0 - ux * 9.0, to.1 - uy * 9.0);
    let (size, half) = (7.0, 4.0);
    let base = (end.0 - ux * size, end.1 - uy * size);
    let head = format!(
        "{},{} {},{} {},{}",
        px(end.0),
        px(end.1),
        px(base.0 - uy * half),
        px(base.1 + ux * half),
        px(base.0 + uy * half),
        px(base.1 - ux * half)
    );
    Arrow { x1: px(from.0), y1: px(from.1), x2: px(base.0), y2: px(base.1), head, from: label }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::load::{RawFile, load_records};
    use crate::values::Date;

    /// A plan whose risks are `(likelihood, impact)` pairs, ids r-1, r-2, …
    fn status(risks: &[(i64, i64)]) -> Status {
        let mut text = String::new();
        for (n, (l, i)) in risks.iter().enumerate() {
            text.push_str(&format!(
                "[[risk]]\nid = \"r-{}\"\ntitle = \"Risk\"\nlikelihood = {l}\nimpact = {i}\n\n",
                n + 1
            ));
        }
        let files = vec![
            RawFile { content_path: "plan.md".into(), bytes: b"+++\ntitle = \"Plan\"\n+++\n".to_vec() },
            RawFile { content_path: "risks/risks.toml".into(), bytes: text.into_bytes() },
        ];
        let config = Config::default();
        let loaded = load_records(files, &config);
        crate::derive::derive(&loaded.records, &config, Date::parse("2025-08-12").unwrap(), None, None).expect("a plan")
    }

    #[test]
    fn a_crowded_cell_shows_five_markers_and_how_many_more() {
        let map = build(&status(&[(4, 5); 8]), None, [4, 9, 16]);
        assert_eq!(map.markers.len(), 5);
        assert_eq!(map.overflow.len(), 1);
        assert_eq!(map.overflow[0].more, 3);
        let cell = map.cells.iter().find(|c| (c.likelihood, c.impact) == (4, 5)).unwrap();
        assert_eq!((cell.count, cell.score, cell.band), (8, 20, RiskBand::Critical));
        assert_eq!(map.rows.len(), 8, "the table lists every live risk");
        for m in &map.markers {
            assert!(m.x >= cell.x && m.x + m.w <= cell.x + cell.size && m.y + m.h <= cell.y + cell.size, "{m:?}");
        }
    }

    #[test]
    fn an_arrow_runs_from_the_previous_cell_to_the_marker() {
        let before = status(&[(4, 5)]);
        let map = build(&status(&[(2, 4)]), Some(("week-1", &before)), [4, 9, 16]);
        let arrow = map.markers[0].arrow.as_ref().expect("it moved");
        let was = map.cells.iter().find(|c| (c.likelihood, c.impact) == (4, 5)).unwrap();
        assert_eq!((arrow.x1, arrow.y1), (was.x + was.size / 2.0, was.y + was.size / 2.0));
        assert_eq!(arrow.from, "4 × 5");
        assert_eq!((map.moved, map.rows[0].was.as_deref()), (1, Some("4 × 5")));
        assert!(build(&before, Some(("week-1", &before)), [4, 9, 16]).markers[0].arrow.is_none());
    }
}
