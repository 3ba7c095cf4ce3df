//! What a diff says for each kind of change: records added, removed and changed, status
//! transitions, date slips, metric movement and risk band changes.

use serde_json::json;

use super::*;
use crate::config::Config;
use crate::derive::fixture::{AS_OF, derived, records};
use crate::model::Records;

/// The diff from a project with `old` files to one with `new` files.
fn between(old: &[(&str, &str)], new: &[(&str, &str)]) -> Diff {
    diff(&derived(old), "v1", &derived(new), "v2")
}

fn change<'a>(diff: &'a Diff, id: &str) -> &'a ItemChange {
    diff.items.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no change of {id} in {:?}", diff.items))
}

fn transition(from: &str, to: &str) -> Option<Transition> {
    Some(Transition { from: from.into(), to: to.into() })
}

fn line(field: &str, from: serde_json::Value, to: serde_json::Value) -> String {
    field_line(&field_change(field, from, to))
}

#[test]
fn the_same_records_make_an_empty_diff() {
    let files = [
        ("blockers/B-1.toml", "title = 'Lag'\nseverity = 'low'\nstatus = 'open'"),
        ("metrics/lag.toml", "title = 'Lag'\ntarget = '< 5'\nvalue = 3"),
    ];
    let d = between(&files, &files);
    assert!(d.is_empty());
    assert!(d.items.is_empty(), "{:?}", d.items);
    assert_eq!((d.readiness.clone(), d.health.clone()), (None, None));
    assert_eq!(d.summary, "no changes");
    assert_eq!((d.from.id.as_str(), d.to.id.as_str(), d.to.date.to_string()), ("v1", "v2", AS_OF.to_string()));
}

#[test]
fn added_and_removed_records_say_so_with_their_status() {
    let d = between(
        &[("blockers/B-1.toml", "title = 'Lag'\nseverity = 'low'\nstatus = 'open'")],
        &[
            ("blockers/B-2.toml", "title = 'Leak'\nseverity = 'low'\nstatus = 'in-progress'"),
            ("metrics/lag.toml", "title = 'Lag'\ntarget = '< 5'"),
        ],
    );
    let view: Vec<(&str, &str, Vec<String>)> =
        d.items.iter().map(|c| (c.id.as_str(), c.change.as_str(), c.lines.clone())).collect();
    assert_eq!(
        view,
        [
            ("B-1", "removed", vec!["removed".to_string()]),
            ("B-2", "added", vec!["added (in-progress)".to_string()]),
            ("lag", "added", vec!["added".to_string()]),
        ]
    );
    assert_eq!(change(&d, "B-2").title, "Leak");
    assert_eq!(change(&d, "B-2").url, "blockers/B-2.html");
    assert!(!d.is_empty());
    assert_eq!(d.summary, "1 blocker removed; 1 blocker added; 1 metric added");
}

#[test]
fn a_status_change_is_a_transition_and_moves_readiness_and_health() {
    let gate = ("gates/g-1.toml", "title = 'Parity'\ngroup = 'Release'\nstatus = 'passed'");
    let d = between(
        &[gate, ("blockers/B-1.toml", "title = 'Lag'\nseverity = 'critical'\nstatus = 'open'")],
        &[
            gate,
            (
                "blockers/B-1.toml",
                "title = 'Lag'\nseverity = 'critical'\nstatus = 'resolved'\nresolved_on = '2025-08-11'",
            ),
        ],
    );
    assert_eq!(d.readiness, transition("NO-GO", "GO"));
    assert_eq!(d.health, transition("red", "green"));
    let b = change(&d, "B-1");
    assert_eq!(b.change, Change::Changed);
    assert_eq!(b.status, transition("open", "resolved"));
    assert_eq!(b.lines, ["open → resolved", "resolved on 2025-08-11"]);
    assert_eq!(b.fields.len(), 1);
    assert_eq!((b.fields[0].field.as_str(), b.fields[0].slip_days), ("resolved_on", None));
    assert_eq!(d.items.len(), 1, "the unchanged gate is left out: {:?}", d.items);
    assert_eq!(d.summary, "readiness NO-GO → GO; health red → green; 1 blocker resolved");
}

#[test]
fn a_readiness_change_alone_is_not_empty() {
    let d = between(&[], &[("gates/g-1.toml", "title = 'Parity'\ngroup = 'Release'\nstatus = 'passed'")]);
    assert_eq!(d.readiness, transition("NO-GO", "GO"));
    assert!(!d.is_empty());
    let mut quiet = d.clone();
    quiet.items.clear();
    assert!(!quiet.is_empty());
    quiet.readiness = None;
    assert!(quiet.is_empty());
    quiet.health = transition("green", "amber");
    assert!(!quiet.is_empty());
    assert_eq!(summarize(&quiet), "health green → amber");
}

#[test]
fn a_status_set_where_there_was_none_reads_from_none() {
    let d = between(&[("plan.toml", "title = 'Plan'")], &[("plan.toml", "title = 'Plan'\nstatus = 'active'")]);
    let plan = change(&d, "plan");
    assert_eq!(plan.status, transition("none", "active"));
    assert_eq!(plan.lines, ["none → active"]);
    assert!(plan.names_its_kind());
    assert_eq!(d.summary, "1 plan active");
    let d = between(&[("plan.toml", "title = 'Plan'\nstatus = 'active'")], &[("plan.toml", "title = 'Plan'")]);
    assert_eq!(change(&d, "plan").status, transition("active", "none"));
}

#[test]
fn a_moved_date_is_a_slip_in_days() {
    let d = between(
        &[
            ("milestones/m-1.toml", "title = 'Cutover'\nend = '2025-09-01'"),
            ("milestones/m-2.toml", "title = 'Pilot'\nend = '2025-09-10'"),
            ("milestones/m-3.toml", "title = 'Demo'\nend = '2025-09-10'"),
        ],
        &[
            ("milestones/m-1.toml", "title = 'Cutover'\nend = '2025-09-08'"),
            ("milestones/m-2.toml", "title = 'Pilot'\nend = '2025-09-07'"),
            ("milestones/m-3.toml", "title = 'Demo'\nend = '2025-09-11'"),
        ],
    );
    assert_eq!(change(&d, "m-3").lines, ["end moved 2025-09-10 → 2025-09-11, +1 day"]);
    let m1 = change(&d, "m-1");
    assert_eq!((m1.fields[0].field.as_str(), m1.fields[0].slip_days), ("end", Some(7)));
    assert_eq!(m1.lines, ["end moved 2025-09-01 → 2025-09-08, +7 days"]);
    assert!(!m1.names_its_kind());
    assert_eq!(change(&d, "m-2").lines, ["end moved earlier 2025-09-10 → 2025-09-07, -3 days"]);
    assert_eq!(change(&d, "m-2").fields[0].slip_days, Some(-3));
    assert_eq!(d.summary, "3 milestones edited");
}

#[test]
fn milestones_planned_in_weeks_slip_with_their_weeks() {
    let plan = ("plan.toml", "title = 'Plan'\nstart = '2025-08-04'");
    let d = between(
        &[plan, ("milestones/m-1.toml", "title = 'Build'\nweeks = [2]")],
        &[plan, ("milestones/m-1.toml", "title = 'Build'\nweeks = [2, 3]")],
    );
    let m = change(&d, "m-1");
    assert_eq!(m.lines, ["weeks 2 → 2–3", "end moved 2025-08-17 → 2025-08-24, +7 days"]);
    assert_eq!(m.fields.iter().map(|f| f.slip_days).collect::<Vec<_>>(), [None, Some(7)]);
}

#[test]
fn an_unchanged_record_whose_plan_start_moved_still_reports_its_new_dates() {
    let config = Config::default();
    let files = [
        ("plan.toml", "title = 'Plan'\nstart = '2025-08-04'"),
        ("milestones/m-1.toml", "title = 'Build'\nweeks = [2]"),
        ("actions/A-1.toml", "title = 'Tune'"),
    ];
    let old = records(&files, &config);
    // The next revision changes only the plan: the other records are the same shared records.
    let moved = records(&[("plan.toml", "title = 'Plan'\nstart = '2025-08-11'")], &config);
    let new =
        Records::new(old.all.iter().filter(|r| r.kind != Kind::Plan).cloned().chain(moved.plan().cloned()).collect());
    let as_of = Date::parse(AS_OF).unwrap();
    let status = |records: &Records| crate::derive::derive(records, &config, as_of, None, None).unwrap();
    let d = diff(&status(&old), "v1", &status(&new), "v2");
    let ids: Vec<&str> = d.items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["plan", "m-1"]);
    assert_eq!(change(&d, "plan").lines, ["start moved 2025-08-04 → 2025-08-11, +7 days"]);
    assert_eq!(change(&d, "m-1").lines, ["end moved 2025-08-17 → 2025-08-24, +7 days"]);
}

#[test]
fn a_metric_value_moves_toward_or_away_from_its_target() {
    let d = between(
        &[
            ("metrics/cov.toml", "title = 'Coverage'\nunit = '%'\ntarget = '>= 80'\nvalue = 85"),
            ("metrics/dropped.toml", "title = 'Dropped'\ntarget = '< 1'\nvalue = 0.5"),
            ("metrics/exact.toml", "title = 'Exact'\ntarget = '= 5'\nvalue = 4"),
            ("metrics/lag.toml", "title = 'Lag'\nunit = 'ms'\ntarget = '< 5'\nvalue = 7"),
            ("metrics/new.toml", "title = 'New'\ntarget = '< 1'"),
            ("metrics/renamed.toml", "title = 'Old'\ntarget = '< 1'\nvalue = 2"),
        ],
        &[
            ("metrics/cov.toml", "title = 'Coverage'\nunit = '%'\ntarget = '>= 80'\nvalue = 78"),
            ("metrics/dropped.toml", "title = 'Dropped'\ntarget = '< 1'"),
            ("metrics/exact.toml", "title = 'Exact'\ntarget = '= 5'\nvalue = 6"),
            ("metrics/lag.toml", "title = 'Lag'\nunit = 'ms'\ntarget = '< 5'\nvalue = 4"),
            ("metrics/new.toml", "title = 'New'\ntarget = '< 1'\nvalue = 0.5"),
            ("metrics/renamed.toml", "title = 'Renamed'\ntarget = '< 1'\nvalue = 2"),
        ],
    );
    let lines = |id: &str| change(&d, id).lines.clone();
    assert_eq!(lines("cov"), ["85% → 78% (-7, away target ≥ 80%, now not met)"]);
    assert_eq!(lines("dropped"), ["0.5 → not measured (target < 1, now not measured)"]);
    assert_eq!(lines("exact"), ["4 → 6 (+2, target = 5)"]);
    assert_eq!(lines("lag"), ["7 ms → 4 ms (-3, toward target < 5 ms, now met)"]);
    assert_eq!(lines("new"), ["not measured → 0.5 (target < 1, now met)"]);
    assert_eq!(lines("renamed"), ["title Old → Renamed"]);
    assert!(change(&d, "renamed").metric.is_none());
    let lag = change(&d, "lag").metric.clone().unwrap();
    assert_eq!((lag.from, lag.to, lag.delta), (Some(7.0), Some(4.0), Some(-3.0)));
    assert_eq!((lag.direction.as_str(), lag.target.as_str()), ("toward", "< 5 ms"));
    assert_eq!((lag.from_state.as_str(), lag.to_state.as_str()), ("not-met", "met"));
    let new = change(&d, "new").metric.clone().unwrap();
    assert_eq!((new.delta, new.direction.as_str(), new.from_state.as_str()), (None, "none", "not-measured"));
    assert_eq!(change(&d, "dropped").metric.as_ref().unwrap().to_state, MetricState::NotMeasured);
    assert_eq!(d.health, None);
    assert_eq!(d.summary, "5 metrics updated; 1 metric edited");
}

#[test]
fn a_risk_score_change_names_both_bands() {
    let d = between(
        &[("risks/r-1.toml", "title = 'Vendor'\nlikelihood = 2\nimpact = 3")],
        &[("risks/r-1.toml", "title = 'Vendor'\nlikelihood = 4\nimpact = 3")],
    );
    let r = change(&d, "r-1");
    assert_eq!(r.lines, ["likelihood 2 → 4", "score 6 medium → 12 high"]);
    let risk = r.risk.as_ref().unwrap();
    assert_eq!((risk.from_score, risk.to_score), (6, 12));
    assert_eq!((risk.from_band.as_str(), risk.to_band.as_str()), ("medium", "high"));
    assert_eq!(d.health, transition("green", "amber"));
    assert_eq!(d.summary, "health green → amber; 1 risk edited");
    let same_score = between(
        &[("risks/r-1.toml", "title = 'Vendor'\nlikelihood = 2\nimpact = 3")],
        &[("risks/r-1.toml", "title = 'Vendor'\nlikelihood = 3\nimpact = 2")],
    );
    assert_eq!(change(&same_score, "r-1").lines, ["impact 3 → 2", "likelihood 2 → 3"]);
    assert!(change(&same_score, "r-1").risk.is_none());
}

#[test]
fn an_edited_description_is_one_line_and_trailing_space_is_no_edit() {
    let d = between(
        &[("actions/A-1.toml", "title = 'Tune'\nbody = 'Raise the pool.'")],
        &[("actions/A-1.toml", "title = 'Tune'\nbody = 'Raise the pool to 50.'")],
    );
    let a = change(&d, "A-1");
    assert!(a.body_edited);
    assert_eq!(a.lines, ["description edited"]);
    let d = between(
        &[("actions/A-1.toml", "title = 'Tune'\nbody = 'Raise the pool.'")],
        &[("actions/A-1.toml", "title = 'Tune'\nbody = \"Raise the pool.\\n\"")],
    );
    assert!(d.is_empty(), "{:?}", d.items);
}

#[test]
fn field_values_read_as_words() {
    assert_eq!(line("order", json!(1), json!(2.5)), "order 1 → 2.5");
    assert_eq!(line("confidential", json!(false), json!(true)), "confidential false → true");
    assert_eq!(
        line(
            "criteria",
            json!([{"text": "soak", "met": null}]),
            json!([{"text": "soak", "met": true}, {"text": "p99", "met": false}])
        ),
        "criteria soak → soak, p99"
    );
    assert_eq!(line("owner", json!({"name": "x"}), json!("zoe")), "owner {\"name\":\"x\"} → zoe");
    assert_eq!(line("due", json!("2025-08-20"), json!("2025-08-20")), "due moved 2025-08-20 → 2025-08-20, +0 days");
    assert_eq!(line("resolved_on", json!("2025-08-20"), json!(null)), "resolved on removed (was 2025-08-20)");
    assert_eq!(line("title", json!("2025-08-20"), json!(null)), "title removed (was 2025-08-20)");
}

#[test]
fn runs_of_whole_numbers_become_ranges() {
    assert_eq!(ranges(&[]), "");
    assert_eq!(ranges(&[1, 2, 3, 5]), "1–3, 5");
    assert_eq!(ranges(&[1, 3, 5]), "1, 3, 5");
    assert_eq!(ranges(&[4, 3]), "4, 3");
    assert_eq!(ranges(&[7, 7]), "7, 7");
    assert_eq!(ranges(&[5, 6, 8, 9, 10]), "5–6, 8–10");
    assert_eq!(ranges(&[-1, 0, 1]), "-1–1");
}

#[test]
fn lists_of_weeks_read_as_ranges() {
    assert_eq!(line("weeks", json!([2, 3]), json!([2, 3, 4])), "weeks 2–3 → 2–4");
    assert_eq!(line("weeks", json!([1, 3, 4, 7]), json!([5])), "weeks 1, 3–4, 7 → 5");
}

#[test]
fn lists_of_words_lose_their_brackets() {
    assert_eq!(line("blocks", json!(["g-1"]), json!(["g-1", "g-2"])), "blocks g-1 → g-1, g-2");
    assert_eq!(line("tags", json!([]), json!(["infra"])), "tags none → infra");
}

#[test]
fn dates_set_read_as_events_and_fields_as_words() {
    assert_eq!(line("resolved_on", json!(null), json!("2025-08-20")), "resolved on 2025-08-20");
    assert_eq!(line("due", json!(null), json!("2025-08-20")), "due set to 2025-08-20");
    assert_eq!(
        line("next_review", json!("2025-09-03"), json!("2025-09-16")),
        "next review moved 2025-09-03 → 2025-09-16, +13 days"
    );
    assert_eq!(line("root_cause", json!("a"), json!(null)), "root cause removed (was a)");
}

#[test]
fn summaries_say_status_words() {
    let change = |id: &str, to: &str| super::ItemChange {
        id: id.into(),
        kind: crate::model::Kind::Blocker,
        title: String::new(),
        url: String::new(),
        change: Change::Changed,
        status: Some(super::Transition { from: "open".into(), to: to.into() }),
        fields: Vec::new(),
        body_edited: false,
        metric: None,
        risk: None,
        lines: Vec::new(),
    };
    let side = || super::Side { id: String::new(), date: crate::values::Date::parse("2025-08-12").unwrap() };
    let diff = super::Diff {
        from: side(),
        to: side(),
        readiness: None,
        health: None,
        items: vec![change("B-1", "in-progress"), change("B-2", "in-progress"), change("B-3", "resolved")],
        summary: String::new(),
    };
    assert_eq!(super::summarize(&diff), "2 blockers in progress; 1 blocker resolved");
}

#[test]
fn the_plans_health_field_is_the_declared_health() {
    assert_eq!(line("health", json!("red"), json!("green")), "declared health red → green");
}
