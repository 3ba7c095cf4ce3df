//! What the plans of a portfolio know of each other: for each plan, the records of the
//! others it may reference as `<plan>/<id>` (with whether they are finished, which a gate
//! waiting on one needs), the records of the others that reference it, and the cycles of
//! gates that run through several plans (which no single plan can see).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use crate::config::{Foreign, Neighbours};
use crate::model::{KindData, Record};

/// The neighbours of each plan of `plans` (plan id, its records), by plan id.
pub fn neighbours(plans: &[(String, Vec<Arc<Record>>)]) -> BTreeMap<String, Neighbours> {
    let foreign = |plan: &str, record: &Record| Foreign {
        kind: record.kind.name().to_string(),
        title: record.title().to_string(),
        url: format!("{plan}/{}", record.url),
        unfinished: record.data.unfinished(),
        confidential: record.common.confidential,
    };
    let mut cycles = cycles_across_plans(plans);
    let mut all = BTreeMap::new();
    for (plan, _) in plans {
        let mut seen =
            Neighbours { plan: plan.clone(), cycles: cycles.remove(plan).unwrap_or_default(), ..Neighbours::default() };
        for (other, records) in plans.iter().filter(|(other, _)| other != plan) {
            let index = records.iter().map(|r| (r.id.clone(), foreign(other, r))).collect();
            seen.plans.insert(other.clone(), index);
            for record in records {
                for (field, _, target) in record.references() {
                    if let Some(id) = target.strip_prefix(plan.as_str()).and_then(|t| t.strip_prefix('/')) {
                        let from = format!("{other}/{}", record.id);
                        seen.inbound.entry(id.to_string()).or_default().push((from, field.to_string()));
                    }
                }
            }
        }
        all.insert(plan.clone(), seen);
    }
    all
}

/// A gate of a portfolio: its plan and its id in lower case.
type Gate = (String, String);

/// Each `depends_on` entry that is part of a cycle of gates crossing plans, by plan, then by
/// (gate id, entry as written), both lower case: the cycle written from that gate. Each
/// entry is reported with the first cycle found through it, cross-plan entries in order.
fn cycles_across_plans(plans: &[(String, Vec<Arc<Record>>)]) -> BTreeMap<String, BTreeMap<(String, String), String>> {
    let mut names: BTreeMap<Gate, String> = BTreeMap::new();
    // Each gate's entries as written (lower case), with the gate each names.
    let mut edges: BTreeMap<Gate, Vec<(String, Gate)>> = BTreeMap::new();
    for (plan, records) in plans {
        for record in records {
            let KindData::Gate(gate) = &record.data else { continue };
            let from = (plan.clone(), record.id.to_ascii_lowercase());
            let entries = gate.depends_on.iter().map(|entry| {
                let (to_plan, id) = entry.split_once('/').unwrap_or((plan, entry));
                (entry.to_ascii_lowercase(), (to_plan.to_string(), id.to_ascii_lowercase()))
            });
            edges.insert(from.clone(), entries.collect());
            names.insert(from, format!("{plan}/{}", record.id));
        }
    }
    let mut found: BTreeMap<String, BTreeMap<(String, String), String>> = BTreeMap::new();
    for (from, entries) in &edges {
        for (entry, to) in entries.iter().filter(|(_, to)| to.0 != from.0) {
            let known = found.get(&from.0).is_some_and(|c| c.contains_key(&(from.1.clone(), entry.clone())));
            let Some(back) = (!known).then(|| shortest_path(&edges, to, from)).flatten() else { continue };
            // from → to → … → from, as gates and as the entries that link them.
            let cycle: Vec<&Gate> = std::iter::once(from).chain(back).collect();
            let last = cycle.len() - 1;
            for i in 0..last {
                let (a, b) = (cycle[i], cycle[i + 1]);
                let Some((entry, _)) = edges[a].iter().find(|(_, t)| t == b) else { continue };
                let order = cycle[i..last].iter().chain(&cycle[..=i]);
                let text = order.map(|g| names[*g].as_str()).collect::<Vec<_>>().join(" → ");
                found.entry(a.0.clone()).or_default().entry((a.1.clone(), entry.clone())).or_insert(text);
            }
        }
    }
    found
}

/// The shortest way from gate `start` to gate `goal` along `depends_on` entries, both ends
/// included; `None` when there is none.
fn shortest_path<'a>(
    edges: &'a BTreeMap<Gate, Vec<(String, Gate)>>,
    start: &'a Gate,
    goal: &Gate,
) -> Option<Vec<&'a Gate>> {
    let mut came_from: BTreeMap<&Gate, &Gate> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(gate) = queue.pop_front() {
        if gate == goal {
            let mut path = vec![gate];
            while let Some(previous) = came_from.get(path[path.len() - 1]) {
                path.push(previous);
            }
            path.reverse();
            return Some(path);
        }
        for (_, next) in edges.get(gate).into_iter().flatten() {
            if next != start && edges.contains_key(next) && !came_from.contains_key(next) {
                came_from.insert(next, gate);
                queue.push_back(next);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::fixture::records;

    fn plan(files: &[(&str, &str)]) -> Vec<Arc<Record>> {
        records(files, &crate::config::Config::default()).all
    }

    /// A plan of gates with their `depends_on` entries, set after validation (a reference to
    /// another plan needs a portfolio to be valid).
    fn gates(list: &[(&str, &[&str])]) -> Vec<Arc<Record>> {
        let files: Vec<(String, &str)> =
            list.iter().map(|(id, _)| (format!("gates/{id}.toml"), "title = 'G'\ngroup = 'Release'")).collect();
        let files: Vec<(&str, &str)> = files.iter().map(|(path, text)| (path.as_str(), *text)).collect();
        let with_entries = |record: Arc<Record>| {
            let mut record = (*record).clone();
            if let (crate::model::KindData::Gate(gate), Some((_, entries))) =
                (&mut record.data, list.iter().find(|(id, _)| *id == record.id))
            {
                gate.depends_on = entries.iter().map(|e| e.to_string()).collect();
            }
            Arc::new(record)
        };
        plan(&files).into_iter().map(with_entries).collect()
    }

    #[test]
    fn cycles_of_gates_across_plans_are_found_at_each_entry_and_local_ones_left_to_the_plan() {
        let qa = gates(&[
            ("ga", &["payments/gb"]),
            ("gx", &["gy"]),
            ("gy", &["gx"]),
            ("gz", &["payments/gc", "payments/nothing"]),
        ]);
        let payments = gates(&[("gb", &["GC"]), ("gc", &["qa/Ga"])]);
        let all = neighbours(&[("qa".into(), qa), ("payments".into(), payments)]);
        let key = |gate: &str, entry: &str| (gate.to_string(), entry.to_string());
        assert_eq!(
            all["qa"].cycles,
            BTreeMap::from([(key("ga", "payments/gb"), "qa/ga → payments/gb → payments/gc → qa/ga".to_string())])
        );
        assert_eq!(
            all["payments"].cycles,
            BTreeMap::from([
                (key("gb", "gc"), "payments/gb → payments/gc → qa/ga → payments/gb".to_string()),
                (key("gc", "qa/ga"), "payments/gc → qa/ga → payments/gb → payments/gc".to_string()),
            ])
        );
        assert_eq!((all["qa"].plan.as_str(), all["payments"].plan.as_str()), ("qa", "payments"));
    }

    #[test]
    fn each_plan_sees_the_others_records_and_who_references_it() {
        let qa = plan(&[(
            "blockers/B-2.md",
            "+++\ntitle = \"Payments API down\"\nseverity = \"critical\"\nstatus = \"open\"\n+++\n",
        )]);
        let payments = plan(&[("gates/g-1.md", "+++\ntitle = \"Migrate\"\ngroup = \"Release\"\n+++\n")]);
        let mut payments_gate = (*payments.iter().find(|r| r.id == "g-1").unwrap().as_ref()).clone();
        if let crate::model::KindData::Gate(g) = &mut payments_gate.data {
            g.depends_on.push("qa/B-2".into());
        }
        let payments: Vec<Arc<Record>> =
            payments.into_iter().map(|r| if r.id == "g-1" { Arc::new(payments_gate.clone()) } else { r }).collect();
        let all = neighbours(&[("qa".into(), qa), ("payments".into(), payments)]);
        let blocker = &all["payments"].plans["qa"]["B-2"];
        assert_eq!((blocker.kind.as_str(), blocker.url.as_str()), ("blocker", "qa/blockers/B-2.html"));
        assert_eq!(blocker.unfinished.as_deref(), Some("open"));
        assert_eq!(all["qa"].inbound["B-2"], vec![("payments/g-1".to_string(), "depends_on".to_string())]);
        assert!(all["qa"].plans["payments"].contains_key("g-1") && !all["qa"].plans.contains_key("qa"));
    }
}
