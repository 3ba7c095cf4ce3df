//! Diff: what changed between two derived models, in status terms (docs/diff-json.md).
//!
//! The result is serializable (`--format json`, documented in docs/diff-json.md) and is what
//! the text, markdown and HTML outputs, the site's change pages and item histories show.

pub mod certification;
pub mod format;
pub mod timeline;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::derive::{Item, Status};
use crate::model::{Kind, KindData, natural_cmp};
use crate::values::{Change, Date, Direction, MetricState, MetricTarget, RiskBand, number};

/// One side of a diff: which revision, as of when.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub id: String,
    pub date: Date,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transition {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub from: Side,
    pub to: Side,
    pub readiness: Option<Transition>,
    pub health: Option<Transition>,
    pub items: Vec<ItemChange>,
    /// One line for lists and feeds ("readiness NO-GO → GO; 2 blockers resolved").
    pub summary: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemChange {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub url: String,
    pub change: Change,
    pub status: Option<Transition>,
    pub fields: Vec<FieldChange>,
    pub body_edited: bool,
    pub metric: Option<MetricChange>,
    pub risk: Option<RiskChange>,
    /// The change in words, one line per fact.
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Value,
    pub to: Value,
    /// For dates: how many days later (positive) or earlier the new date is.
    pub slip_days: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricChange {
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub delta: Option<f64>,
    pub target: String,
    /// Movement relative to the target.
    pub direction: Direction,
    pub from_state: MetricState,
    pub to_state: MetricState,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskChange {
    pub from_score: i64,
    pub to_score: i64,
    pub from_band: RiskBand,
    pub to_band: RiskBand,
}

impl ItemChange {
    /// Whether the id is just the kind's name (the plan's id is `plan`), so saying both
    /// would repeat a word.
    pub fn names_its_kind(&self) -> bool {
        self.id == self.kind.name()
    }
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.readiness.is_none() && self.health.is_none() && self.items.is_empty()
    }
}

/// Fields whose change is reported in its own terms rather than as a plain field change.
const SPECIAL: &[&str] = &["status", "value", "body", "body_html"];

/// What changed from `old` to `new`.
pub fn diff(old: &Status, old_id: &str, new: &Status, new_id: &str) -> Diff {
    use rayon::prelude::*;
    let (before, after) = (index(old), index(new));
    // Unordered here; sorted below. Compared on all cores: two far-apart revisions of a large
    // plan differ in thousands of items, each compared field by field.
    let mut items: Vec<ItemChange> = after
        .par_iter()
        .filter_map(|(key, n)| match before.get(key) {
            None => Some(added_or_removed(n, Change::Added)),
            Some(o) => changed(o, n),
        })
        .collect();
    let removed = before.iter().filter(|(key, _)| !after.contains_key(*key));
    items.extend(removed.map(|(_, o)| added_or_removed(o, Change::Removed)));
    items.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| natural_cmp(&a.id, &b.id)));
    let transition = |from: String, to: String| (from != to).then_some(Transition { from, to });
    let readiness = transition(old.readiness.verdict.to_string(), new.readiness.verdict.to_string());
    let health = transition(old.health.computed.to_string(), new.health.computed.to_string());
    let mut diff = Diff {
        from: Side { id: old_id.to_string(), date: old.as_of },
        to: Side { id: new_id.to_string(), date: new.as_of },
        readiness,
        health,
        items,
        summary: String::new(),
    };
    diff.summary = summarize(&diff);
    diff
}

/// Every item of a status (the plan too) by id. Ids are matched exactly: a record whose id
/// only changed case shows as removed and added.
fn index(status: &Status) -> HashMap<&str, &Item> {
    std::iter::once(&status.plan).chain(status.items.values().flatten()).map(|i| (i.id(), i)).collect()
}

fn added_or_removed(item: &Item, change: Change) -> ItemChange {
    let status = status_of(item);
    let line = match change {
        Change::Added => format!("added{}", status.map_or_else(String::new, |s| format!(" ({s})"))),
        _ => "removed".to_string(),
    };
    ItemChange {
        id: item.id().to_string(),
        kind: item.kind(),
        title: item.title().to_string(),
        url: item.url().to_string(),
        change,
        status: None,
        fields: Vec::new(),
        body_edited: false,
        metric: None,
        risk: None,
        lines: vec![line],
    }
}

fn status_of(item: &Item) -> Option<String> {
    record_fields(item).get("status").and_then(Value::as_str).map(str::to_string)
}

/// The record's own fields as JSON, without the body.
fn record_fields(item: &Item) -> serde_json::Map<String, Value> {
    match serde_json::to_value(item.record.as_ref()) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
}

fn changed(old: &Item, new: &Item) -> Option<ItemChange> {
    let same_record = Arc::ptr_eq(&old.record, &new.record);
    let dates = |i: &Item| i.derived.kind.milestone().map(|m| (m.start, m.end));
    let dates_moved = dates(old) != dates(new);
    if same_record && !dates_moved {
        return None;
    }
    let (before, after) = (record_fields(old), record_fields(new));
    let mut change = ItemChange {
        id: new.id().to_string(),
        kind: new.kind(),
        title: new.title().to_string(),
        url: new.url().to_string(),
        change: Change::Changed,
        status: None,
        fields: Vec::new(),
        body_edited: old.record.body().trim() != new.record.body().trim(),
        metric: None,
        risk: None,
        lines: Vec::new(),
    };
    let (from_status, to_status) = (status_of(old), status_of(new));
    if from_status != to_status {
        let (from, to) = (from_status.unwrap_or_else(|| "none".into()), to_status.unwrap_or_else(|| "none".into()));
        change.lines.push(format!("{from} → {to}"));
        change.status = Some(Transition { from, to });
    }
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for key in keys.into_iter().filter(|k| !SPECIAL.contains(&k.as_str())) {
        let (from, to) =
            (before.get(key).cloned().unwrap_or(Value::Null), after.get(key).cloned().unwrap_or(Value::Null));
        if from != to {
            change.fields.push(field_change(key, from, to));
        }
    }
    // Milestones planned in weeks move when the weeks (or the plan's start) move.
    let end = |i: &Item| i.derived.kind.milestone().and_then(|m| m.end);
    if new.kind() == Kind::Milestone && !change.fields.iter().any(|f| f.field == "end") && end(old) != end(new) {
        let as_value = |d: Option<Date>| d.map_or(Value::Null, |d| Value::String(d.to_string()));
        change.fields.push(field_change("end", as_value(end(old)), as_value(end(new))));
    }
    for field in &change.fields {
        change.lines.push(field_line(field));
    }
    if let (KindData::Metric(_), KindData::Metric(m)) = (&old.record.data, &new.record.data) {
        change.metric = metric_change(old, new, &m.target);
        if let Some(metric) = &change.metric {
            change.lines.push(metric_line(metric, new));
        }
    }
    if let (Some(from), Some(to)) = (old.derived.kind.risk(), new.derived.kind.risk())
        && from.score != to.score
    {
        let risk = RiskChange { from_score: from.score, to_score: to.score, from_band: from.band, to_band: to.band };
        change.lines.push(format!("score {} {} → {} {}", risk.from_score, risk.from_band, risk.to_score, risk.to_band));
        change.risk = Some(risk);
    }
    if change.body_edited {
        change.lines.push("description edited".into());
    }
    (!change.lines.is_empty()).then_some(change)
}

fn field_change(field: &str, from: Value, to: Value) -> FieldChange {
    let date = |v: &Value| v.as_str().and_then(|s| Date::parse(s).ok());
    let slip_days = match (date(&from), date(&to)) {
        (Some(a), Some(b)) => Some(a.days_until(b)),
        _ => None,
    };
    FieldChange { field: field.to_string(), from, to, slip_days }
}

/// A field value in words: lists without brackets, runs of whole numbers as ranges
/// (`weeks` 2, 3, 4 → "2–4").
fn show(value: &Value) -> String {
    match value {
        Value::Null => "none".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "none".into(),
        Value::Array(items) => match items.iter().map(Value::as_i64).collect::<Option<Vec<i64>>>() {
            Some(numbers) => ranges(&numbers),
            None => items.iter().map(show).collect::<Vec<_>>().join(", "),
        },
        Value::Object(map) => map.get("text").map_or_else(|| value.to_string(), show),
        other => other.to_string(),
    }
}

/// Whole numbers with consecutive runs joined: [1, 2, 3, 5] → "1–3, 5".
fn ranges(numbers: &[i64]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let mut j = i;
        while j + 1 < numbers.len() && numbers[j + 1] == numbers[j] + 1 {
            j += 1;
        }
        parts.push(if j > i { format!("{}–{}", numbers[i], numbers[j]) } else { numbers[i].to_string() });
        i = j + 1;
    }
    parts.join(", ")
}

/// A field's name as words. The plan's own `health` is the declared one, not the computed
/// health that the diff reports as a transition of its own.
fn label(field: &str) -> String {
    match field {
        "health" => "declared health".into(),
        _ => field.replace('_', " "),
    }
}

fn field_line(field: &FieldChange) -> String {
    let name = label(&field.field);
    match field.slip_days {
        // Only two date strings have a slip.
        Some(days) => {
            let verb = if days >= 0 { "moved" } else { "moved earlier" };
            let unit = crate::values::plural("day", days.abs());
            format!("{name} {verb} {} → {}, {days:+} {unit}", show(&field.from), show(&field.to))
        }
        // `resolved_on` set reads "resolved on 2025-08-20".
        _ if field.from.is_null() && field.field.ends_with("_on") => format!("{name} {}", show(&field.to)),
        _ if field.from.is_null() => format!("{name} set to {}", show(&field.to)),
        _ if field.to.is_null() => format!("{name} removed (was {})", show(&field.from)),
        _ => format!("{name} {} → {}", show(&field.from), show(&field.to)),
    }
}

fn metric_change(old: &Item, new: &Item, target: &MetricTarget) -> Option<MetricChange> {
    let (from, to) = match (&old.record.data, &new.record.data) {
        (KindData::Metric(a), KindData::Metric(b)) => (a.value, b.value),
        _ => return None,
    };
    if from == to {
        return None;
    }
    let direction = match (from, to, target.parsed().ok()) {
        (Some(a), Some(b), Some(t)) => {
            let (ga, gb) = (t.gap(a), t.gap(b));
            if gb < ga {
                Direction::Toward
            } else if gb > ga {
                Direction::Away
            } else {
                Direction::None
            }
        }
        _ => Direction::None,
    };
    let state = |i: &Item| i.derived.kind.metric().and_then(|m| m.state).unwrap_or(MetricState::NotMeasured);
    Some(MetricChange {
        from,
        to,
        delta: from.zip(to).map(|(a, b)| b - a),
        target: new
            .derived
            .kind
            .metric()
            .and_then(|m| m.target_text.clone())
            .unwrap_or_else(|| target.as_str().to_string()),
        direction,
        from_state: state(old),
        to_state: state(new),
    })
}

fn metric_line(metric: &MetricChange, new: &Item) -> String {
    let unit = match &new.record.data {
        KindData::Metric(m) => m.unit.clone().unwrap_or_default(),
        _ => String::new(),
    };
    let with_unit = |v: Option<f64>| {
        v.map_or_else(|| "not measured".to_string(), |v| crate::values::with_unit(&number(v), Some(&unit)))
    };
    let mut line = format!("{} → {}", with_unit(metric.from), with_unit(metric.to));
    let mut notes = Vec::new();
    if let Some(delta) = metric.delta {
        notes.push(format!("{}{}", if delta >= 0.0 { "+" } else { "" }, number(delta)));
    }
    if metric.direction != Direction::None {
        notes.push(format!("{} target {}", metric.direction, metric.target));
    } else {
        notes.push(format!("target {}", metric.target));
    }
    if metric.from_state != metric.to_state {
        notes.push(format!("now {}", metric.to_state.as_str().replace('-', " ")));
    }
    line.push_str(&format!(" ({})", notes.join(", ")));
    line
}

/// A one-line account of a diff, most important first.
pub fn summarize(diff: &Diff) -> String {
    let mut parts = Vec::new();
    if let Some(t) = &diff.readiness {
        parts.push(format!("readiness {} → {}", t.from, t.to));
    }
    if let Some(t) = &diff.health {
        parts.push(format!("health {} → {}", t.from, t.to));
    }
    // Count status transitions by kind and target status ("2 blockers resolved").
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut bump = |label: String| match counts.iter_mut().find(|(l, _)| *l == label) {
        Some((_, n)) => *n += 1,
        None => counts.push((label, 1)),
    };
    for item in &diff.items {
        match (item.change, &item.status) {
            (Change::Added, _) => bump(format!("{} added", item.kind.name())),
            (Change::Removed, _) => bump(format!("{} removed", item.kind.name())),
            (_, Some(t)) => bump(format!("{} {}", item.kind.name(), t.to.replace('-', " "))),
            _ if item.metric.is_some() => bump(format!("{} updated", item.kind.name())),
            _ => bump(format!("{} edited", item.kind.name())),
        }
    }
    for (label, n) in counts {
        let (kind, rest) = label.split_once(' ').unwrap_or((&label, ""));
        let kind = if n == 1 { kind.to_string() } else { plural(kind) };
        parts.push(format!("{n} {kind} {rest}"));
    }
    if parts.is_empty() { "no changes".to_string() } else { parts.join("; ") }
}

fn plural(kind: &str) -> String {
    Kind::from_name(kind).map_or_else(|| format!("{kind}s"), |k| k.folder().to_string())
}

#[cfg(test)]
mod tests;
