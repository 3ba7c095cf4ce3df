//! The risk heat map: likelihood × impact on a 5×5 grid coloured by `[risk] bands`, each
//! live risk a labelled marker in its cell, with an arrow from where it stood in the
//! previous revision.

use std::collections::HashMap;

use serde::Serialize;

use super::{Tick, common_prefix, px, truncate};
use crate::derive::{Item, Status, band};
use crate::model::Kind;
use crate::model::KindData;
use crate::values::RiskBand;

/// The grid is sized to be drawn about 1:1 on a phone (a 320 px wide card), so its 11 px
/// labels stay 11 px there; wider screens scale it up.
const LEFT: f64 = 30.0;
const TOP: f64 = 8.0;
const CELL: f64 = 56.0;
const BOTTOM: f64 = 42.0;
const RIGHT: f64 = 4.0;
/// Marker pills per cell: three rows below the score, in two columns when every label in
/// the cell is short (`R-1`), else one column of wider pills.
const ROWS: usize = 3;
const PILL_H: f64 = 13.0;
const PILL_GAP: f64 = 1.5;
/// The width of a character of an 11 px bold label, a little generous, in viewBox units.
const CHAR_W: f64 = 6.5;
/// Labels of at most this many characters fit two pills side by side.
const SHORT: usize = 3;
/// Rows of the table beside the chart; the risks list has them all.
const TABLE_LIMIT: usize = 50;

#[derive(Debug, Serialize)]
pub struct HeatMap {
    pub width: f64,
    pub height: f64,
    pub cells: Vec<Cell>,
    pub markers: Vec<Marker>,
    /// Where a moved risk stood in the previous revision: a hollow pill the arrow starts from.
    pub ghosts: Vec<Ghost>,
    /// Cells with more risks than slots: how many more.
    pub overflow: Vec<Overflow>,
    /// Impact along x, likelihood along y (1 at the bottom).
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub x_label: Tick,
    pub y_label: Tick,
    /// The start all ids share (`risk-`), left off the pills so the rest fits them.
    pub prefix: Option<String>,
    /// The x of the likelihood ticks (their right edge) and of the rotated axis title.
    pub tick_x: f64,
    pub label_x: f64,
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
    #[serde(flatten)]
    pub pill: Pill,
    /// The width a label that names its plan (`payments/R-1`) is condensed to when it is
    /// wider than its pill (`textLength`): the plan is the point, so it is never cut.
    pub squeeze: Option<f64>,
    pub arrow: Option<Arrow>,
}

/// A moved risk's pill where it stood before, labelled like its marker.
#[derive(Debug, Serialize)]
pub struct Ghost {
    pub id: String,
    pub label: String,
    pub from: String,
    #[serde(flatten)]
    pub pill: Pill,
}

/// A pill's box and the baseline of its centred label.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Pill {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub text_x: f64,
    pub text_y: f64,
}

/// A line from the risk's previous pill to its marker, with its head as a polygon.
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
    place(live_risks(status, None), &before, previous.map(|(id, _)| id), bands)
}

/// One heat map of every plan's live risks (a portfolio's), highest score first.
pub fn combined(plans: &[(&str, &Status)], bands: [i64; 3]) -> HeatMap {
    let mut live: Vec<Live> = plans.iter().flat_map(|(plan, status)| live_risks(status, Some(plan))).collect();
    live.sort_by_key(|r| std::cmp::Reverse(r.likelihood * r.impact));
    place(live, &HashMap::new(), None, bands)
}

/// A risk's pills: (its index in `live`, whether it is the hollow one where it was) → the
/// pill and its label.
type Pills = HashMap<(usize, bool), (Pill, String)>;

/// Lays out `live` on the grid; a risk that was elsewhere `before` (in revision `previous`)
/// also gets a hollow pill there, and an arrow from it.
fn place(live: Vec<Live>, before: &HashMap<String, (i64, i64)>, previous: Option<&str>, bands: [i64; 3]) -> HeatMap {
    let was: Vec<Option<(i64, i64)>> = live
        .iter()
        .map(|r| before.get(&r.id.to_ascii_lowercase()).copied().filter(|w| *w != (r.likelihood, r.impact)))
        .collect();
    let (prefix, labels) = pill_labels(&live);
    let (pills, overflow) = lay_out_pills(&live, &was, &labels);
    let mut markers = Vec::new();
    let mut ghosts = Vec::new();
    let mut rows = Vec::new();
    for (n, r) in live.iter().enumerate() {
        let score = r.likelihood * r.impact;
        let from = was[n].map(|(l, i)| format!("{l} × {i}"));
        if rows.len() < TABLE_LIMIT {
            rows.push(Row {
                id: r.id.clone(),
                title: r.title.clone(),
                url: r.url.clone(),
                likelihood: r.likelihood,
                impact: r.impact,
                score,
                band: band(score, bands),
                status: r.status.clone(),
                was: from.clone(),
            });
        }
        if let Some((marker, ghost)) = marker(r, n, was[n], &pills, bands) {
            markers.push(marker);
            ghosts.extend(ghost);
        }
    }
    let grid = 5.0 * CELL;
    let axis = |i: i64| LEFT + (i - 1) as f64 * CELL + CELL / 2.0;
    HeatMap {
        width: LEFT + grid + RIGHT,
        height: TOP + grid + BOTTOM,
        cells: cells(&live, bands),
        markers,
        ghosts,
        overflow,
        x_ticks: (1..=5).map(|i| Tick { at: axis(i), label: i.to_string() }).collect(),
        y_ticks: (1..=5)
            .map(|l| Tick { at: TOP + (5 - l) as f64 * CELL + CELL / 2.0 + 4.0, label: l.to_string() })
            .collect(),
        x_label: Tick { at: LEFT + grid / 2.0, label: "Impact →".into() },
        y_label: Tick { at: TOP + grid / 2.0, label: "Likelihood →".into() },
        prefix: (!prefix.is_empty()).then_some(prefix),
        tick_x: LEFT - 8.0,
        label_x: 9.0,
        rows,
        total: live.len(),
        moved: was.iter().flatten().count(),
        previous: previous.map(str::to_string),
        bands: bands_legend(bands),
    }
}

/// The start the ids share when one is too long for a pill (`R-1` stays `R-1`), and each
/// risk's pill label without it. A portfolio's label keeps its plan (`payments/R-1`): two
/// plans may each have an R-1.
fn pill_labels(live: &[Live]) -> (String, Vec<String>) {
    let own_id = |r: &Live| r.id.rsplit('/').next().unwrap_or(&r.id).to_string();
    let fits = |id: &str| id.chars().count() as f64 * CHAR_W + 4.0 <= CELL - 6.0;
    let prefix = if live.iter().all(|r| fits(&own_id(r))) {
        String::new()
    } else {
        common_prefix(live.iter().map(|r| r.id.rsplit('/').next().unwrap_or(&r.id)))
    };
    let labels = live
        .iter()
        .map(|r| match r.id.rsplit_once('/') {
            Some((plan, own)) => format!("{plan}/{}", &own[prefix.len()..]),
            None => r.id[prefix.len()..].to_string(),
        })
        .collect();
    (prefix, labels)
}

/// Each cell's pills in order: its risks by score, then the hollow pills of the risks that
/// left it. A crowded cell keeps its last slot for "+n" (returned as overflow, top to bottom);
/// risks that left it give way first.
fn lay_out_pills(live: &[Live], was: &[Option<(i64, i64)>], labels: &[String]) -> (Pills, Vec<Overflow>) {
    let mut cells_in: HashMap<(i64, i64), Vec<(usize, bool)>> = HashMap::new();
    for (n, r) in live.iter().enumerate() {
        cells_in.entry((r.likelihood, r.impact)).or_default().push((n, false));
    }
    for (n, at) in was.iter().enumerate() {
        if let Some(at) = at {
            cells_in.entry(*at).or_default().push((n, true));
        }
    }
    let mut pills = Pills::new();
    let mut overflow = Vec::new();
    for (&(likelihood, impact), entries) in &cells_in {
        let layout = CellLayout::new(cell_origin(likelihood, impact), entries.iter().map(|(n, _)| labels[*n].clone()));
        let current = entries.iter().filter(|(_, ghost)| !ghost).count();
        let room = if current > layout.slots { layout.slots - 1 } else { layout.slots };
        for (slot, entry) in entries.iter().take(room).enumerate() {
            let label = &labels[entry.0];
            let label = if label.contains('/') { label.clone() } else { layout.label(label) };
            pills.insert(*entry, (layout.pill(slot), label));
        }
        if current > layout.slots {
            let last = layout.pill(layout.slots - 1);
            overflow.push(Overflow { x: last.text_x, y: last.text_y, more: current - room });
        }
    }
    overflow.sort_by(|a, b| (a.y, a.x).partial_cmp(&(b.y, b.x)).unwrap_or(std::cmp::Ordering::Equal));
    (pills, overflow)
}

/// Risk `n`'s marker, when its cell had room for its pill, with its hollow pill where it
/// `was`. The arrow starts at that hollow pill, or at the old cell's centre when that cell
/// had no room for one.
fn marker(
    r: &Live,
    n: usize,
    was: Option<(i64, i64)>,
    pills: &Pills,
    bands: [i64; 3],
) -> Option<(Marker, Option<Ghost>)> {
    let (pill, label) = pills.get(&(n, false)).cloned()?;
    let from = was.map(|(l, i)| format!("{l} × {i}"));
    let mut ghost = None;
    let start = match (pills.get(&(n, true)), was) {
        (Some((hollow, hollow_label)), Some(_)) => {
            ghost = Some(Ghost {
                id: r.id.clone(),
                label: hollow_label.clone(),
                from: from.clone().unwrap_or_default(),
                pill: *hollow,
            });
            Some((hollow.centre(), Some(*hollow)))
        }
        (None, Some((l, i))) => {
            let (x, y) = cell_origin(l, i);
            Some(((x + CELL / 2.0, y + CELL / 2.0), None))
        }
        _ => None,
    };
    let room = pill.w - 4.0;
    let squeeze = (label.chars().count() as f64 * CHAR_W > room).then_some(px(room));
    let score = r.likelihood * r.impact;
    let marker = Marker {
        id: r.id.clone(),
        title: r.title.clone(),
        url: r.url.clone(),
        squeeze,
        label,
        status: r.status.clone(),
        likelihood: r.likelihood,
        impact: r.impact,
        score,
        band: band(score, bands),
        arrow: start.zip(from).map(|((at, hollow), text)| arrow(at, hollow.as_ref(), &pill, text)),
        pill,
    };
    Some((marker, ghost))
}

/// The 25 cells, top row (likelihood 5) first, each with its band and how many risks it holds.
fn cells(live: &[Live], bands: [i64; 3]) -> Vec<Cell> {
    let mut cells = Vec::with_capacity(25);
    for likelihood in (1..=5).rev() {
        for impact in 1..=5 {
            let (x, y) = cell_origin(likelihood, impact);
            let count = live.iter().filter(|r| (r.likelihood, r.impact) == (likelihood, impact)).count();
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
    cells
}

/// The top-left corner of a cell.
fn cell_origin(likelihood: i64, impact: i64) -> (f64, f64) {
    (LEFT + (impact - 1) as f64 * CELL, TOP + (5 - likelihood) as f64 * CELL)
}

/// How a cell arranges its pills: two columns when every label is short, else one.
struct CellLayout {
    origin: (f64, f64),
    columns: usize,
    slots: usize,
}

impl CellLayout {
    fn new(origin: (f64, f64), mut labels: impl Iterator<Item = String>) -> CellLayout {
        let columns = if labels.all(|l| l.chars().count() <= SHORT) { 2 } else { 1 };
        CellLayout { origin, columns, slots: columns * ROWS }
    }

    fn width(&self) -> f64 {
        (CELL - 6.0 - (self.columns - 1) as f64 * 2.0) / self.columns as f64
    }

    /// The label as it fits its pill; the full id is in the marker's title.
    fn label(&self, label: &str) -> String {
        truncate(label, ((self.width() - 4.0) / CHAR_W).floor() as usize)
    }

    fn pill(&self, slot: usize) -> Pill {
        let (column, row) = (slot % self.columns, slot / self.columns);
        let (w, h) = (self.width(), PILL_H);
        let x = self.origin.0 + 3.0 + column as f64 * (w + 2.0);
        let y = self.origin.1 + 14.0 + row as f64 * (h + PILL_GAP);
        Pill { x: px(x), y: px(y), w: px(w), h, text_x: px(x + w / 2.0), text_y: px(y + h - 3.0) }
    }
}

impl Pill {
    fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
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

/// An arrow from `from` (the centre of the pill `ghost`, when there is one) towards the pill
/// `to`, between their edges, so neither label is crossed and the head shows.
fn arrow(from: (f64, f64), ghost: Option<&Pill>, to: &Pill, label: String) -> Arrow {
    let target = to.centre();
    let (dx, dy) = (target.0 - from.0, target.1 - from.1);
    let length = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / length, dy / length);
    // From a centre to where the line crosses that pill's border.
    let edge = |p: &Pill| ((p.w / 2.0) / ux.abs().max(1e-9)).min((p.h / 2.0) / uy.abs().max(1e-9)) + 1.0;
    let from = ghost.map_or(from, |g| (from.0 + ux * edge(g), from.1 + uy * edge(g)));
    let end = (target.0 - ux * edge(to), target.1 - uy * edge(to));
    let (size, half) = (6.0, 3.5);
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
            assert!(inside(&m.pill, cell), "{m:?}");
        }
    }

    fn inside(p: &Pill, cell: &Cell) -> bool {
        p.x >= cell.x && p.x + p.w <= cell.x + cell.size && p.y >= cell.y && p.y + p.h <= cell.y + cell.size
    }

    fn overlap(a: &Pill, b: &Pill) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    #[test]
    fn long_ids_get_one_wide_pill_per_row_and_their_labels_fit_it() {
        let mut text = String::new();
        for id in ["risk-db-01", "risk-db-02", "risk-network-latency"] {
            text.push_str(&format!("[[risk]]\nid = \"{id}\"\ntitle = \"Risk\"\nlikelihood = 3\nimpact = 3\n\n"));
        }
        let files = vec![
            RawFile { content_path: "plan.md".into(), bytes: b"+++\ntitle = \"Plan\"\n+++\n".to_vec() },
            RawFile { content_path: "risks/risks.toml".into(), bytes: text.into_bytes() },
        ];
        let config = Config::default();
        let status = crate::derive::derive(
            &load_records(files, &config).records,
            &config,
            Date::parse("2025-08-12").unwrap(),
            None,
            None,
        )
        .expect("a plan");
        let map = build(&status, None, [4, 9, 16]);
        let cell = map.cells.iter().find(|c| (c.likelihood, c.impact) == (3, 3)).unwrap();
        assert_eq!(map.markers.len(), 3);
        for m in &map.markers {
            assert!(inside(&m.pill, cell), "{m:?}");
            assert!(m.label.chars().count() as f64 * CHAR_W <= m.pill.w, "{} fits {}", m.label, m.pill.w);
            assert!(m.id.contains(m.label.trim_end_matches('…')), "{} {}", m.id, m.label);
        }
        assert_eq!(map.prefix.as_deref(), Some("risk-"), "the shared start is said once, not on every pill");
        let labels: Vec<&str> = map.markers.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(labels, ["db-01", "db-02", "networ…"]);
        assert!(!overlap(&map.markers[0].pill, &map.markers[1].pill));
    }

    #[test]
    fn an_arrow_runs_from_the_risks_own_hollow_pill_in_its_previous_cell() {
        // r-2 leaves 3 × 4 for 2 × 4 while r-1 stays in 3 × 4.
        let before = status(&[(3, 4), (3, 4)]);
        let map = build(&status(&[(3, 4), (2, 4)]), Some(("week-1", &before)), [4, 9, 16]);
        let r2 = map.markers.iter().find(|m| m.id == "r-2").unwrap();
        let r1 = map.markers.iter().find(|m| m.id == "r-1").unwrap();
        let arrow = r2.arrow.as_ref().expect("it moved");
        assert_eq!(arrow.from, "3 × 4");
        assert_eq!(map.ghosts.len(), 1);
        let ghost = &map.ghosts[0];
        assert_eq!((ghost.id.as_str(), ghost.label.as_str()), ("r-2", "r-2"));
        let was = map.cells.iter().find(|c| (c.likelihood, c.impact) == (3, 4)).unwrap();
        assert!(inside(&ghost.pill, was) && !overlap(&ghost.pill, &r1.pill), "{ghost:?} beside {r1:?}");
        // The arrow leaves from the ghost's edge, not from r-1's pill.
        let near = |p: &Pill| {
            (arrow.x1 - (p.x + p.w / 2.0)).abs() <= p.w / 2.0 + 1.5
                && (arrow.y1 - (p.y + p.h / 2.0)).abs() <= p.h / 2.0 + 1.5
        };
        assert!(near(&ghost.pill) && !near(&r1.pill), "{arrow:?}");
        assert!(r1.arrow.is_none());
        assert_eq!((map.moved, map.rows[1].was.as_deref()), (1, Some("3 × 4")));
        assert!(build(&before, Some(("week-1", &before)), [4, 9, 16]).markers[0].arrow.is_none());
    }
}
