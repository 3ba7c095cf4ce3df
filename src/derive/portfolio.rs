//! What the plans of a portfolio know of each other: for each plan, the records of the
//! others it may reference as `<plan>/<id>` (with whether they are finished, which a gate
//! waiting on one needs), and the records of the others that reference it.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::unfinished;
use crate::config::{Foreign, Neighbours};
use crate::model::Record;

/// The neighbours of each plan of `plans` (plan id, its records), by plan id.
pub fn neighbours(plans: &[(String, Vec<Arc<Record>>)]) -> BTreeMap<String, Neighbours> {
    let foreign = |plan: &str, record: &Record| Foreign {
        kind: record.kind.name().to_string(),
        title: record.title().to_string(),
        url: format!("{plan}/{}", record.url),
        unfinished: unfinished(record),
        confidential: record.common.confidential,
    };
    let mut all = BTreeMap::new();
    for (plan, _) in plans {
        let mut seen = Neighbours::default();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::fixture::records;

    fn plan(files: &[(&str, &str)]) -> Vec<Arc<Record>> {
        records(files, &crate::config::Config::default()).all
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
