//! What each derived value and each readiness and health rule says, shown on records
//! written the way users write them (see [`super::fixture`]).

use super::fixture::{AS_OF, derived, derived_with};
use super::*;
use crate::load::{RawFile, load_records};
use crate::values::RiskBand;

fn find<'a>(status: &'a Status, folder: &str, id: &str) -> &'a Item {
    let kind = Kind::from_folder(folder).unwrap_or_else(|| panic!("no kind {folder}"));
    status.items[kind].iter().find(|i| i.id() == id).unwrap_or_else(|| panic!("no {folder}/{id}"))
}

/// The grouped reasons as `(text, ids of the records they name)`.
fn groups(groups: &[ReasonGroup]) -> Vec<(&str, Vec<&str>)> {
    groups.iter().map(|g| (g.text.as_str(), g.refs.iter().map(|r| r.id.as_str()).collect())).collect()
}

/// Config whose gate groups are `Test` then `Release` (the release group).
fn two_groups() -> Config {
    let mut config = Config::default();
    config.gates.groups = vec!["Test".into(), "Release".into()];
    config
}

// ----- health -----

#[test]
fn nothing_wrong_is_green_with_no_reasons() {
    let s = derived(&[
        ("blockers/B-1.toml", "title = 'Lag'\nseverity = 'high'\nstatus = 'open'"),
        ("blockers/B-2.toml", "title = 'Crash'\nseverity = 'critical'\nstatus = 'resolved'"),
        ("gates/g-1.toml", "title = 'Parity'\ngroup = 'Release'\nstatus = 'pending'"),
        ("milestones/m-1.toml", "title = 'Cutover'\nend = '2025-09-01'\nstatus = 'in-progress'"),
        ("risks/r-1.toml", "title = 'Vendor'\nlikelihood = 3\nimpact = 3"),
        ("risks/r-2.toml", "title = 'Power'\nlikelihood = 4\nimpact = 5\nstatus = 'accepted'"),
        ("metrics/lag.toml", "title = 'Lag'\ntarget = '< 5'\nvalue = 3"),
        ("metrics/errors.toml", "title = 'Errors'\ntarget = '< 1'"),
        ("actions/A-1.toml", "title = 'Tune'\ndue = '2025-08-01'\nstatus = 'done'"),
    ]);
    assert_eq!(s.health.computed, Health::Green);
    assert!(s.health.reasons.is_empty(), "{:?}", s.health.reasons);
    assert!(s.health.groups.is_empty());
}

#[test]
fn an_unresolved_critical_blocker_makes_health_red() {
    let s = derived(&[
        ("blockers/B-1.toml", "title = 'Lag'\nseverity = 'critical'\nstatus = 'open'"),
        ("blockers/B-2.toml", "title = 'Crash'\nseverity = 'critical'\nstatus = 'open'"),
        ("blockers/B-3.toml", "title = 'Leak'\nseverity = 'critical'\nstatus = 'in-progress'"),
    ]);
    assert_eq!(s.health.computed, Health::Red);
    assert_eq!(
        s.health.reasons,
        [
            "critical blocker B-1 “Lag” is open",
            "critical blocker B-2 “Crash” is open",
            "critical blocker B-3 “Leak” is in progress"
        ]
    );
    assert_eq!(
        groups(&s.health.groups),
        [("2 critical blockers open", vec!["B-1", "B-2"]), ("1 critical blocker in progress", vec!["B-3"])]
    );
    let first = &s.health.groups[0].refs[0];
    assert_eq!((first.title.as_str(), first.url.as_str()), ("Lag", find(&s, "blockers", "B-1").url()));
}

#[test]
fn a_failed_gate_makes_health_red() {
    let s = derived(&[("gates/g-1.toml", "title = 'Parity'\ngroup = 'Release'\nstatus = 'failed'")]);
    assert_eq!(s.health.computed, Health::Red);
    assert_eq!(s.health.reasons, ["gate g-1 “Parity” failed"]);
    assert_eq!(groups(&s.health.groups), [("1 gate failed", vec!["g-1"])]);
}

#[test]
fn a_missed_milestone_makes_health_red() {
    let s = derived(&[("milestones/m-1.toml", "title = 'Cutover'\nstatus = 'missed'")]);
    assert_eq!(s.health.computed, Health::Red);
    assert_eq!(s.health.reasons, ["milestone m-1 “Cutover” was missed"]);
    assert_eq!(groups(&s.health.groups), [("1 milestone missed", vec!["m-1"])]);
}

#[test]
fn a_live_high_or_critical_risk_makes_health_amber() {
    let s = derived(&[
        ("risks/r-1.toml", "title = 'Vendor'\nlikelihood = 3\nimpact = 4"),
        ("risks/r-2.toml", "title = 'Power'\nlikelihood = 4\nimpact = 5\nstatus = 'mitigating'"),
    ]);
    assert_eq!(s.health.computed, Health::Amber);
    assert_eq!(
        s.health.reasons,
        ["high risk r-1 “Vendor” is open (score 12)", "critical risk r-2 “Power” is mitigating (score 20)"]
    );
    assert_eq!(
        groups(&s.health.groups),
        [("1 high risk open", vec!["r-1"]), ("1 critical risk mitigating", vec!["r-2"])]
    );
}

#[test]
fn a_metric_below_target_makes_health_amber() {
    let s = derived(&[("metrics/lag.toml", "title = 'Lag'\nunit = 'ms'\ntarget = '< 5'\nvalue = 7")]);
    assert_eq!(s.health.computed, Health::Amber);
    assert_eq!(s.health.reasons, ["metric lag “Lag” is 7 ms against a target of < 5 ms"]);
    assert_eq!(groups(&s.health.groups), [("1 metric below target", vec!["lag"])]);
}

#[test]
fn an_overdue_action_or_milestone_makes_health_amber() {
    let s = derived(&[
        ("actions/A-1.toml", "title = 'Tune'\ndue = '2025-08-07'"),
        ("milestones/m-1.toml", "title = 'Cutover'\nend = '2025-08-10'"),
    ]);
    assert_eq!(s.health.computed, Health::Amber);
    assert_eq!(
        s.health.reasons,
        ["action A-1 “Tune” is overdue by 5 days", "milestone m-1 “Cutover” is overdue by 2 days"]
    );
    assert_eq!(groups(&s.health.groups), [("1 action overdue", vec!["A-1"]), ("1 milestone overdue", vec!["m-1"])]);
}

/// The overdue tile and the health reasons agree: every item the tile counts (a risk whose
/// review passed too) is a reason, and a missed milestone is missed, not overdue.
#[test]
fn every_item_the_overdue_tile_counts_is_a_health_reason() {
    let s = derived(&[
        ("blockers/B-1.toml", "title = 'Lag'\nseverity = 'low'\nstatus = 'open'\ndue = '2025-08-01'"),
        ("gates/g-1.toml", "title = 'Load'\ngroup = 'Release'\ntarget = '2025-08-02'"),
        ("risks/r-1.toml", "title = 'Vendor'\nlikelihood = 1\nimpact = 1\nreview = '2025-08-11'"),
        ("risks/r-2.toml", "title = 'Power'\nlikelihood = 1\nimpact = 1\nreview = '2025-08-02'"),
        ("milestones/m-1.toml", "title = 'Cutover'\nend = '2025-08-10'\nstatus = 'missed'"),
    ]);
    assert_eq!(s.health.computed, Health::Red);
    assert_eq!(
        s.health.reasons,
        [
            "milestone m-1 “Cutover” was missed",
            "blocker B-1 “Lag” is overdue by 11 days",
            "gate g-1 “Load” is overdue by 10 days",
            "risk r-1 “Vendor” is overdue for review by 1 day",
            "risk r-2 “Power” is overdue for review by 10 days",
        ]
    );
    assert_eq!(s.counts.overdue, 4);
    let overdue: usize =
        groups(&s.health.groups).iter().filter(|(text, _)| text.contains("overdue")).map(|(_, ids)| ids.len()).sum();
    assert_eq!(overdue, s.counts.overdue);
    assert_eq!(groups(&s.health.groups)[3], ("2 risk reviews overdue", vec!["r-1", "r-2"]));
}

#[test]
fn red_beats_amber_and_its_reasons_come_first() {
    let s = derived(&[
        ("actions/A-1.toml", "title = 'Tune'\ndue = '2025-08-07'"),
        ("gates/g-1.toml", "title = 'Parity'\ngroup = 'Release'\nstatus = 'failed'"),
    ]);
    assert_eq!(s.health.computed, Health::Red);
    assert_eq!(s.health.reasons, ["gate g-1 “Parity” failed", "action A-1 “Tune” is overdue by 5 days"]);
    assert_eq!(groups(&s.health.groups), [("1 gate failed", vec!["g-1"]), ("1 action overdue", vec!["A-1"])]);
}

#[test]
fn a_declared_health_better_than_computed_is_a_located_warning() {
    let plan = ("plan.toml", "title = 'Plan'\nhealth = 'green'");
    let gate = ("gates/g-1.toml", "title = 'Parity'\ngroup = 'Release'\nstatus = 'failed'");
    let (s, warnings) = derived_with(&[plan, gate], &Config::default(), AS_OF);
    assert_eq!(s.health.declared, Some(Health::Green));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].message, "declared health green is better than computed red: gate g-1 “Parity” failed");
    assert_eq!(warnings[0].position().as_deref(), Some("content/plan.toml:2:10"));
    let honest = ("plan.toml", "title = 'Plan'\nhealth = 'red'");
    assert!(derived_with(&[honest, gate], &Config::default(), AS_OF).1.is_empty());
}

#[test]
fn a_passed_review_date_is_counted_and_warned_about() {
    let plan = ("plan.toml", "title = 'Plan'\nnext_review = '2025-08-10'");
    let (s, warnings) = derived_with(&[plan], &Config::default(), AS_OF);
    assert_eq!(s.review_overdue_days, Some(2));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].message, "plan is stale: review overdue by 2 days (due 2025-08-10)");
    assert_eq!(warnings[0].position().as_deref(), Some("content/plan.toml:2:15"));
    let today = ("plan.toml", "title = 'Plan'\nnext_review = '2025-08-12'");
    let (s, warnings) = derived_with(&[today], &Config::default(), AS_OF);
    assert_eq!(s.review_overdue_days, None);
    assert_eq!(s.stale, None);
    assert!(warnings.is_empty(), "{warnings:?}");
}

// ----- stale -----

/// The status of `plan` (a plan record) alone as of `as_of`, its newest commit `committed`.
fn aged(plan: &str, committed: Option<&str>, as_of: &str, config: &Config) -> (Status, Vec<Diagnostic>) {
    let records = super::fixture::records(&[("plan.toml", plan)], config);
    let mut warnings = Vec::new();
    let committed = committed.map(|d| Date::parse(d).unwrap());
    let status = derive(&records, config, Date::parse(as_of).unwrap(), committed, Some(&mut warnings)).unwrap();
    (status, warnings)
}

#[test]
fn a_plan_past_its_review_is_stale_since_its_last_revision_and_never_green() {
    let plan = "title = 'Plan'\nupdated = 2025-09-01\nnext_review = 2025-09-16\nhealth = 'green'";
    let (s, warnings) = aged(plan, Some("2025-09-09"), "2026-12-05", &Config::default());
    let stale = s.stale.as_ref().expect("stale");
    assert_eq!((stale.since.to_string(), stale.days), ("2025-09-09".into(), 452));
    let due = Date::parse("2025-09-16").unwrap();
    assert_eq!(stale.reason, StaleReason::ReviewOverdue { review_due: due, review_overdue_days: 445 });
    assert_eq!(s.health.computed, Health::Amber);
    assert_eq!(s.health.reasons, ["the plan is stale: review overdue by 445 days (due 2025-09-16)"]);
    assert_eq!(groups(&s.health.groups), [("the plan is stale: review overdue by 445 days (due 2025-09-16)", vec![])]);
    let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "declared health green is better than computed amber: the plan is stale: review overdue by 445 days (due 2025-09-16)",
            "plan is stale: review overdue by 445 days (due 2025-09-16)"
        ]
    );
    // Without a history, the plan's own `updated` date says when it was last looked at.
    let (s, _) = aged(plan, None, "2026-12-05", &Config::default());
    assert_eq!(s.stale.map(|s| (s.since.to_string(), s.days)), Some(("2025-09-01".into(), 460)));
    // The day of the review it is not stale yet.
    let (s, warnings) = aged(plan, Some("2025-09-09"), "2025-09-16", &Config::default());
    assert_eq!((s.stale, s.health.computed, warnings.len()), (None, Health::Green, 0));
}

#[test]
fn a_plan_without_a_review_date_is_stale_once_its_newest_revision_is_too_old() {
    let plan = "title = 'Plan'";
    let config = Config::default();
    let (s, _) = aged(plan, Some("2025-08-01"), "2025-08-15", &config);
    assert_eq!((s.stale, s.health.computed), (None, Health::Green), "14 days is not too old");
    let (s, warnings) = aged(plan, Some("2025-08-01"), "2025-08-16", &config);
    let stale = s.stale.as_ref().expect("stale after 15 days");
    assert_eq!((stale.days, stale.reason), (15, StaleReason::NoRevision { stale_after_days: 14 }));
    assert_eq!(s.health.reasons, ["the plan is stale: no revision for 15 days (since 2025-08-01)"]);
    assert_eq!(warnings[0].message, "plan is stale: no revision for 15 days (since 2025-08-01)");
    assert_eq!(warnings[0].position().as_deref(), Some("content/plan.toml:1:9"));
    let mut monthly = Config::default();
    monthly.revisions.stale_after_days = 30;
    assert_eq!(aged(plan, Some("2025-08-01"), "2025-08-16", &monthly).0.stale, None);
    // Nothing tells its age: not called stale.
    assert_eq!(aged(plan, None, "2026-12-05", &config).0.stale, None);
}

#[test]
fn a_stale_red_plan_stays_red_and_says_it_is_stale_after_the_red_reasons() {
    let records = super::fixture::records(
        &[
            ("plan.toml", "title = 'Plan'\nnext_review = 2025-08-01"),
            ("gates/g-1.toml", "title = 'Parity'\ngroup = 'Release'\nstatus = 'failed'"),
        ],
        &Config::default(),
    );
    let s = derive(&records, &Config::default(), Date::parse(AS_OF).unwrap(), None, None).unwrap();
    assert_eq!(s.health.computed, Health::Red);
    assert_eq!(
        s.health.reasons,
        ["gate g-1 “Parity” failed", "the plan is stale: review overdue by 11 days (due 2025-08-01)"]
    );
}

#[test]
fn status_json_says_stale_with_its_age_or_null() {
    let plan = "title = 'Plan'\nnext_review = 2025-09-16";
    let json = |as_of: &str| {
        let (s, _) = aged(plan, Some("2025-09-09"), as_of, &Config::default());
        serde_json::from_slice::<serde_json::Value>(&to_json(&s, false)).unwrap()["stale"].clone()
    };
    assert_eq!(json("2025-09-10"), serde_json::Value::Null);
    assert_eq!(
        json("2026-12-05"),
        serde_json::json!({
            "since": "2025-09-09", "days": 452, "reason": "review-overdue", "review_due": "2025-09-16",
            "review_overdue_days": 445, "why": "review overdue by 445 days",
            "text": "review overdue by 445 days (due 2025-09-16)"
        })
    );
}

// ----- readiness -----

#[test]
fn readiness_is_go_when_every_release_gate_is_cleared_and_no_critical_blocker_is_open() {
    let files = [
        ("gates/g-1.toml", "title = 'Load'\ngroup = 'Test'"),
        ("gates/g-2.toml", "title = 'Parity'\ngroup = 'Release'\nstatus = 'passed'"),
        ("gates/g-3.toml", "title = 'Docs'\ngroup = 'Release'\nstatus = 'waived'"),
        ("blockers/B-1.toml", "title = 'Lag'\nseverity = 'high'\nstatus = 'open'"),
        ("blockers/B-2.toml", "title = 'Crash'\nseverity = 'critical'\nstatus = 'resolved'"),
    ];
    let s = derived_with(&files, &two_groups(), AS_OF).0;
    assert!(s.readiness.go);
    assert_eq!(s.readiness.verdict, ReadinessVerdict::Go);
    assert_eq!(s.readiness.release_group.as_deref(), Some("Release"));
    assert!(s.readiness.reasons.is_empty(), "{:?}", s.readiness.reasons);
    assert!(s.readiness.groups.is_empty());
}

#[test]
fn an_uncleared_release_gate_is_no_go() {
    let files = [
        ("gates/g-1.toml", "title = 'Load'\ngroup = 'Test'\nstatus = 'passed'"),
        ("gates/g-2.toml", "title = 'Parity'\ngroup = 'Release'"),
        ("gates/g-3.toml", "title = 'Docs'\ngroup = 'Release'\nstatus = 'failed'"),
        ("gates/g-4.toml", "title = 'Perf'\ngroup = 'Release'\nstatus = 'passed'"),
    ];
    let s = derived_with(&files, &two_groups(), AS_OF).0;
    assert!(!s.readiness.go);
    assert_eq!(s.readiness.verdict, ReadinessVerdict::NoGo);
    assert_eq!(
        s.readiness.reasons,
        ["release gate g-2 “Parity” (Release) is pending", "release gate g-3 “Docs” (Release) is failed"]
    );
    assert_eq!(
        groups(&s.readiness.groups),
        [("1 release gate pending", vec!["g-2"]), ("1 release gate failed", vec!["g-3"])]
    );
}

#[test]
fn an_unresolved_critical_blocker_is_no_go() {
    let files = [
        ("gates/g-1.toml", "title = 'Parity'\ngroup = 'Release'\nstatus = 'passed'"),
        ("blockers/B-1.toml", "title = 'Lag'\nseverity = 'critical'\nstatus = 'in-progress'"),
        ("blockers/B-2.toml", "title = 'Leak'\nseverity = 'high'\nstatus = 'open'"),
    ];
    let s = derived(&files);
    assert_eq!(s.readiness.verdict, ReadinessVerdict::NoGo);
    assert_eq!(s.readiness.reasons, ["critical blocker B-1 “Lag” is in progress"]);
    assert_eq!(groups(&s.readiness.groups), [("1 critical blocker in progress", vec!["B-1"])]);
}

#[test]
fn without_release_gates_readiness_is_no_go_and_says_why() {
    let s = derived(&[]);
    assert_eq!(s.readiness.verdict, ReadinessVerdict::NoGo);
    assert_eq!(s.readiness.release_group, None);
    assert_eq!(s.readiness.reasons, ["no release gates are defined"]);
    assert_eq!(groups(&s.readiness.groups), [("no release gates are defined", vec![])]);

    let s =
        derived_with(&[("gates/g-1.toml", "title = 'Load'\ngroup = 'Test'\nstatus = 'passed'")], &two_groups(), AS_OF)
            .0;
    assert_eq!(s.readiness.verdict, ReadinessVerdict::NoGo);
    assert_eq!(s.readiness.release_group.as_deref(), Some("Release"));
    assert_eq!(s.readiness.reasons, ["release group “Release” has no gates"]);
}

// ----- risk bands -----

#[test]
fn risk_bands_include_their_upper_bound() {
    let bands = [4, 9, 16];
    let named: Vec<&str> = [1, 4, 5, 9, 10, 16, 17, 25].iter().map(|s| band(*s, bands).as_str()).collect();
    assert_eq!(named, ["low", "low", "medium", "medium", "high", "high", "critical", "critical"]);
    assert_eq!([2, 3, 4, 5].map(|s| band(s, [2, 3, 4]).as_str()), ["low", "medium", "high", "critical"]);
}

#[test]
fn a_risk_is_scored_and_banded_with_the_configured_bands() {
    let files = [("risks/r-1.toml", "title = 'Vendor'\nlikelihood = 3\nimpact = 4")];
    let s = derived(&files);
    let r = find(&s, "risks", "r-1").derived.kind.risk().unwrap();
    assert_eq!((r.score, r.band), (12, RiskBand::High));
    let mut config = Config::default();
    config.risk.bands = [4, 12, 20];
    let s = derived_with(&files, &config, AS_OF).0;
    assert_eq!(find(&s, "risks", "r-1").derived.kind.risk().map(|r| r.band), Some(RiskBand::Medium));
    assert_eq!(s.health.computed, Health::Green);
}

// ----- overdue -----

#[test]
fn an_item_is_overdue_the_day_after_its_date_until_finished() {
    let s = derived(&[
        ("actions/A-1.toml", "title = 'Late'\ndue = '2025-08-11'"),
        ("actions/A-2.toml", "title = 'Today'\ndue = '2025-08-12'"),
        ("actions/A-3.toml", "title = 'Done'\ndue = '2025-08-01'\nstatus = 'done'"),
        ("actions/A-4.toml", "title = 'Undated'"),
    ]);
    let state = |id: &str| {
        let d = &find(&s, "actions", id).derived;
        (d.overdue, d.due.map(|d| d.to_string()), d.days_overdue)
    };
    assert_eq!(state("A-1"), (true, Some("2025-08-11".into()), Some(1)));
    assert_eq!(state("A-2"), (false, Some("2025-08-12".into()), None));
    assert_eq!(state("A-3"), (false, Some("2025-08-01".into()), None));
    assert_eq!(state("A-4"), (false, None, None));
    assert_eq!(s.counts.overdue, 1);
}

#[test]
fn blockers_gates_and_risks_are_overdue_until_resolved_cleared_or_closed() {
    let s = derived(&[
        ("blockers/B-1.toml", "title = 'Lag'\nseverity = 'low'\nstatus = 'open'\ndue = '2025-08-02'"),
        ("blockers/B-2.toml", "title = 'Leak'\nseverity = 'low'\nstatus = 'resolved'\ndue = '2025-08-02'"),
        ("gates/g-1.toml", "title = 'Load'\ngroup = 'Release'\ntarget = '2025-08-02'"),
        ("gates/g-2.toml", "title = 'Docs'\ngroup = 'Release'\nstatus = 'waived'\ntarget = '2025-08-02'"),
        ("risks/r-1.toml", "title = 'Vendor'\nlikelihood = 1\nimpact = 1\nreview = '2025-08-02'"),
        ("risks/r-2.toml", "title = 'Power'\nlikelihood = 1\nimpact = 1\nreview = '2025-08-02'\nstatus = 'closed'"),
    ]);
    let overdue = |folder: &str, id: &str| find(&s, folder, id).derived.days_overdue;
    assert_eq!(overdue("blockers", "B-1"), Some(10));
    assert_eq!(overdue("blockers", "B-2"), None);
    assert_eq!(overdue("gates", "g-1"), Some(10));
    assert_eq!(overdue("gates", "g-2"), None);
    assert_eq!(overdue("risks", "r-1"), Some(10));
    assert_eq!(overdue("risks", "r-2"), None);
    assert_eq!(find(&s, "blockers", "B-1").derived.kind.blocker().map(|b| b.unresolved), Some(true));
    assert_eq!(find(&s, "blockers", "B-2").derived.kind.blocker().map(|b| b.unresolved), Some(false));
    assert_eq!(find(&s, "gates", "g-1").derived.kind.gate().map(|g| g.cleared), Some(false));
    assert_eq!(find(&s, "gates", "g-2").derived.kind.gate().map(|g| g.cleared), Some(true));
}

#[test]
fn each_overdue_item_is_a_warning_at_the_date_that_makes_it_overdue() {
    let files = [
        ("actions/A-1.toml", "title = 'Tune'\ndue = '2025-08-07'"),
        ("blockers/B-1.toml", "title = 'Lag'\nseverity = 'low'\nstatus = 'open'\ndue = '2025-08-02'"),
        ("gates/g-1.toml", "title = 'Load'\ngroup = 'Release'\ntarget = '2025-08-02'"),
        ("risks/r-1.toml", "title = 'Vendor'\nlikelihood = 1\nimpact = 1\nreview = '2025-08-02'"),
        ("milestones/m-1.toml", "title = 'Cutover'\nend = '2025-08-10'"),
        ("milestones/m-2.toml", "title = 'Pilot'\nweeks = [1]"),
        ("actions/A-2.toml", "title = 'Later'\ndue = '2025-08-20'"),
    ];
    let plan = ("plan.toml", "title = 'Plan'\nstart = '2025-07-28'");
    let all: Vec<(&str, &str)> = files.iter().copied().chain([plan]).collect();
    let (_, warnings) = derived_with(&all, &Config::default(), AS_OF);
    let found: Vec<(String, String)> =
        warnings.iter().map(|w| (w.message.clone(), w.position().unwrap_or_default())).collect();
    let expected = [
        ("action `A-1` is overdue: due 2025-08-07, 5 days ago", "content/actions/A-1.toml:2:7"),
        ("blocker `B-1` is overdue: due 2025-08-02, 10 days ago", "content/blockers/B-1.toml:4:7"),
        ("gate `g-1` is overdue: due 2025-08-02, 10 days ago", "content/gates/g-1.toml:3:10"),
        ("milestone `m-1` is overdue: due 2025-08-10, 2 days ago", "content/milestones/m-1.toml:2:7"),
        ("milestone `m-2` is overdue: due 2025-08-03, 9 days ago", "content/milestones/m-2.toml:2:9"),
        ("risk `r-1` is overdue: due 2025-08-02, 10 days ago", "content/risks/r-1.toml:4:10"),
    ];
    let mut found = found;
    found.sort();
    assert_eq!(found, expected.map(|(m, p)| (m.to_string(), p.to_string())));
    // A risk is not finished but reviewed: its help says so.
    for w in &warnings {
        let help = w.help.as_deref().unwrap_or_default();
        match w.message.starts_with("risk") {
            true => assert_eq!(help, "review the risk, then set `review` to its next review date (or close it)"),
            false => assert_eq!(help, "mark it finished, or move the date if the plan changed"),
        }
    }
}

// ----- other derived values -----

#[test]
fn a_gate_counts_the_criteria_checked_as_met() {
    let gate = "title = 'Load'\ngroup = 'Release'\ncriteria = ['soak', { text = 'p99', met = true }, \
                { text = 'p50', met = true }, { text = 'errors', met = false }]";
    let s = derived(&[("gates/g-1.toml", gate)]);
    assert_eq!(find(&s, "gates", "g-1").derived.kind.gate().map(|g| g.criteria_met), Some(2));
}

#[test]
fn a_metric_is_met_not_met_or_not_measured_with_its_unit() {
    let s = derived(&[
        ("metrics/cov.toml", "title = 'Coverage'\nunit = '%'\ntarget = '>= 80'\nvalue = 80"),
        ("metrics/lag.toml", "title = 'Lag'\nunit = 'ms'\ntarget = '< 5'\nvalue = 7.5"),
        ("metrics/rate.toml", "title = 'Rate'\nunit = '/s'\ntarget = '80..95'"),
        ("metrics/bugs.toml", "title = 'Bugs'\ntarget = '= 0'\nvalue = 0"),
    ]);
    let view = |id: &str| {
        let d = find(&s, "metrics", id).derived.kind.metric().unwrap();
        (d.state.map(MetricState::as_str), d.target_text.clone(), d.value_text.clone(), d.gap)
    };
    assert_eq!(view("cov"), (Some("met"), Some("≥ 80%".into()), Some("80%".into()), Some(0.0)));
    assert_eq!(view("lag"), (Some("not-met"), Some("< 5 ms".into()), Some("7.5 ms".into()), Some(2.5)));
    assert_eq!(view("rate"), (Some("not-measured"), Some("80–95/s".into()), None, None));
    assert_eq!(view("bugs"), (Some("met"), Some("= 0".into()), Some("0".into()), Some(0.0)));
    let c = &s.counts;
    assert_eq!((c.metrics, c.metrics_met, c.metrics_not_met, c.metrics_not_measured), (4, 2, 1, 1));
}

#[test]
fn milestone_weeks_become_dates_from_the_plan_start() {
    let s = derived(&[
        ("plan.toml", "title = 'Plan'\nstart = '2025-08-04'"),
        ("milestones/m-1.toml", "title = 'Build'\nweeks = [2, 3]"),
        ("milestones/m-2.toml", "title = 'Pilot'\nweeks = [4]"),
        (
            "milestones/m-3.toml",
            "title = 'Cutover'\nstart = '2025-09-01'\nend = '2025-09-05'\nbaseline_end = '2025-09-02'",
        ),
        ("milestones/m-4.toml", "title = 'Review'\nend = '2025-09-10'"),
        ("milestones/m-5.toml", "title = 'Retire'\nstart = '2025-10-01'"),
        ("milestones/m-6.toml", "title = 'Party'"),
        ("milestones/m-7.toml", "title = 'Cut-over'\nstart = '2026-04-04'\nend = '2026-04-04'"),
    ]);
    let view = |id: &str| {
        let d = find(&s, "milestones", id).derived.kind.milestone().unwrap();
        let show = |d: Option<Date>| d.map(|d| d.to_string());
        (show(d.start), show(d.end), d.when.clone(), d.slip_days)
    };
    let some = |s: &str| Some(s.to_string());
    assert_eq!(view("m-1"), (some("2025-08-11"), some("2025-08-24"), "Weeks 2–3".into(), None));
    assert_eq!(view("m-2"), (some("2025-08-25"), some("2025-08-31"), "Week 4".into(), None));
    assert_eq!(view("m-3"), (some("2025-09-01"), some("2025-09-05"), "2025-09-01 – 2025-09-05".into(), Some(3)));
    assert_eq!(view("m-4"), (None, some("2025-09-10"), "by 2025-09-10".into(), None));
    assert_eq!(view("m-5"), (some("2025-10-01"), None, "from 2025-10-01".into(), None));
    assert_eq!(view("m-6"), (None, None, "unscheduled".into(), None));
    assert_eq!(view("m-7"), (some("2026-04-04"), some("2026-04-04"), "2026-04-04".into(), None), "one day, said once");
    assert_eq!(s.plan_week, Some(2));
}

// ----- dependencies -----
/// Derives a plan whose release gate `g-release` depends on `deps`, plus `files`.
fn status(deps: &str, files: &[(&str, &str)]) -> Status {
    let mut raw = vec![
        RawFile { content_path: "plan.md".into(), bytes: b"+++\ntitle = \"Plan\"\n+++\n".to_vec() },
        RawFile {
            content_path: "gates/g-release.md".into(),
            bytes: format!(
                "+++\ntitle = \"Ship\"\ngroup = \"Release\"\nstatus = \"passed\"\ndepends_on = [{deps}]\n+++\n"
            )
            .into_bytes(),
        },
    ];
    raw.extend(
        files.iter().map(|(path, text)| RawFile { content_path: path.to_string(), bytes: text.as_bytes().to_vec() }),
    );
    let config = Config::default();
    let loaded = load_records(raw, &config);
    assert!(loaded.diagnostics.iter().all(|d| !d.is_error()), "{:?}", loaded.diagnostics);
    derive(&loaded.records, &config, Date::parse("2025-08-12").unwrap(), None, None).unwrap()
}

fn gate(status: &Status) -> &Item {
    status.items[Kind::Gate].iter().find(|g| g.id() == "g-release").unwrap()
}

fn blocked_by(status: &Status) -> &[String] {
    &gate(status).derived.kind.gate().unwrap().blocked_by
}

#[test]
fn an_open_blocker_dependency_holds_the_gate_back() {
    let open = "+++\ntitle = \"Replication lag\"\nseverity = \"medium\"\nstatus = \"open\"\n+++\n";
    let s = status("\"B-7\"", &[("blockers/B-7.md", open)]);
    assert_eq!(blocked_by(&s), ["B-7"]);
    assert_eq!(s.readiness.verdict, ReadinessVerdict::NoGo);
    assert_eq!(
        s.readiness.reasons,
        ["release gate g-release “Ship” (Release) is passed, waiting on blocker B-7 “Replication lag”, which is open"]
    );
    let resolved = open.replace("\"open\"", "\"resolved\"");
    let s = status("\"B-7\"", &[("blockers/B-7.md", &resolved)]);
    assert!(blocked_by(&s).is_empty());
    assert_eq!(s.readiness.verdict, ReadinessVerdict::Go);
}

#[test]
fn each_kind_says_when_it_is_finished() {
    let files = [
        ("gates/g-2.md", "+++\ntitle = \"Parity\"\ngroup = \"Test\"\n+++\n"),
        ("actions/A-1.md", "+++\ntitle = \"Migrate\"\nstatus = \"done\"\n+++\n"),
        ("actions/A-2.md", "+++\ntitle = \"Tune\"\n+++\n"),
        ("milestones/m-1.md", "+++\ntitle = \"Cutover\"\nstatus = \"in-progress\"\n+++\n"),
        ("metrics/lag.md", "+++\ntitle = \"Lag\"\ntarget = \"< 5\"\nvalue = 3\n+++\n"),
        ("metrics/errors.md", "+++\ntitle = \"Errors\"\ntarget = \"< 1\"\n+++\n"),
        ("risks/r-1.md", "+++\ntitle = \"Vendor\"\nlikelihood = 2\nimpact = 2\nstatus = \"accepted\"\n+++\n"),
        ("decisions/D-1.md", "+++\ntitle = \"Engine\"\ndecision = \"Use X\"\nstatus = \"proposed\"\n+++\n"),
        ("audiences/team.md", "+++\ntitle = \"Team\"\n+++\n"),
    ];
    let deps = "\"g-2\", \"A-1\", \"A-2\", \"m-1\", \"lag\", \"errors\", \"r-1\", \"D-1\", \"team\"";
    let s = status(deps, &files);
    assert_eq!(blocked_by(&s), ["g-2", "A-2", "m-1", "errors", "D-1"]);
    let reason = &s.readiness.reasons[0];
    for part in [
        "gate g-2 “Parity”, which is pending",
        "action A-2 “Tune”, which is todo",
        "milestone m-1 “Cutover”, which is in progress",
        "metric errors “Errors”, which is not measured",
        "decision D-1 “Engine”, which is proposed",
    ] {
        assert!(reason.contains(part), "{part:?} missing from {reason}");
    }
}

#[test]
fn an_unknown_dependency_is_a_located_error_with_a_suggestion() {
    let gate = "+++\ntitle = \"Ship\"\ngroup = \"Release\"\ndepends_on = [\"B-77\"]\n+++\n";
    let blocker = "+++\ntitle = \"Lag\"\nseverity = \"low\"\nstatus = \"open\"\n+++\n";
    let raw = [("plan.md", "+++\ntitle = \"Plan\"\n+++\n"), ("gates/g-1.md", gate), ("blockers/B-7.md", blocker)]
        .map(|(path, text)| RawFile { content_path: path.into(), bytes: text.as_bytes().to_vec() });
    let loaded = load_records(raw.into(), &Config::default());
    let errors: Vec<&Diagnostic> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].message, "`depends_on` names `B-77`, but no record has that id");
    assert_eq!(errors[0].position().as_deref(), Some("content/gates/g-1.md:4:15"));
    assert_eq!(errors[0].help.as_deref(), Some("did you mean `B-7`?"));
}

#[test]
fn counts_tally_each_kind_by_state() {
    let c = derived(&[
        ("blockers/B-1.toml", "title = 'Lag'\nseverity = 'critical'\nstatus = 'open'"),
        ("blockers/B-2.toml", "title = 'Leak'\nseverity = 'low'\nstatus = 'in-progress'"),
        ("blockers/B-3.toml", "title = 'Crash'\nseverity = 'critical'\nstatus = 'resolved'"),
        ("blockers/B-4.toml", "title = 'Hang'\nseverity = 'critical'\nstatus = 'in-progress'"),
        ("gates/g-1.toml", "title = 'Load'\ngroup = 'Release'\nstatus = 'passed'"),
        ("gates/g-2.toml", "title = 'Docs'\ngroup = 'Release'\nstatus = 'failed'"),
        ("gates/g-3.toml", "title = 'Perf'\ngroup = 'Release'"),
        ("risks/r-1.toml", "title = 'Vendor'\nlikelihood = 4\nimpact = 4"),
        ("risks/r-2.toml", "title = 'Power'\nlikelihood = 1\nimpact = 1"),
        ("risks/r-3.toml", "title = 'Flood'\nlikelihood = 5\nimpact = 5\nstatus = 'closed'"),
        ("decisions/D-1.toml", "title = 'Engine'\ndecision = 'X'"),
        ("decisions/D-2.toml", "title = 'Region'\ndecision = 'EU'"),
        ("actions/A-1.toml", "title = 'Tune'"),
        ("actions/A-2.toml", "title = 'Size'\nstatus = 'done'"),
        ("actions/A-3.toml", "title = 'Drop'\nstatus = 'cancelled'"),
        ("milestones/m-1.toml", "title = 'Build'\nstatus = 'done'"),
        ("milestones/m-2.toml", "title = 'Ship'"),
        ("milestones/m-3.toml", "title = 'Pilot'\nstatus = 'done'"),
    ])
    .counts;
    assert_eq!((c.blockers, c.blockers_unresolved, c.blockers_critical_unresolved), (4, 3, 2));
    assert_eq!((c.gates, c.gates_cleared, c.gates_failed), (3, 1, 1));
    assert_eq!((c.risks, c.risks_live, c.risks_high), (3, 2, 1));
    assert_eq!((c.decisions, c.actions, c.actions_open), (2, 3, 1));
    assert_eq!((c.milestones, c.milestones_done, c.overdue), (3, 2, 0));
}

#[test]
fn finished_dependencies_do_not_hold_a_gate_back_and_live_ones_do() {
    let files = [
        ("gates/g-2.toml", "title = 'Parity'\ngroup = 'Test'\nstatus = 'waived'"),
        ("milestones/m-1.toml", "title = 'Cutover'\nstatus = 'done'"),
        ("decisions/D-1.toml", "title = 'Engine'\ndecision = 'Use X'"),
        ("risks/r-1.toml", "title = 'Vendor'\nlikelihood = 2\nimpact = 2\nstatus = 'closed'"),
        ("risks/r-2.toml", "title = 'Power'\nlikelihood = 1\nimpact = 1"),
        ("metrics/lag.toml", "title = 'Lag'\ntarget = '< 5'\nvalue = 3"),
        ("metrics/bad.toml", "title = 'Bad'\ntarget = '< 5'\nvalue = 9"),
    ];
    let s = status("\"g-2\", \"m-1\", \"D-1\", \"r-1\", \"r-2\", \"lag\", \"bad\"", &files);
    assert_eq!(blocked_by(&s), ["r-2", "bad"]);
    assert_eq!(
        s.readiness.reasons,
        ["release gate g-release “Ship” (Release) is passed, waiting on risk r-2 “Power”, which is open, \
          metric bad “Bad”, which is not met"]
    );
}

// ----- ship date -----

#[test]
fn the_ship_date_is_the_release_milestones_end_else_the_plans_target() {
    let plan = ("plan.toml", "title = 'Plan'\nstart = 2025-08-11\ntarget = 2025-10-01");
    let s = derived(&[plan]);
    let ship = s.target.as_ref().expect("the plan's target");
    assert_eq!((ship.date.to_string(), ship.source.as_str(), ship.kind), ("2025-10-01".into(), "plan", Kind::Plan));
    assert_eq!((ship.baseline, ship.slip_days, ship.slip.as_deref()), (None, None, None), "no history yet");

    let release = ("milestones/go-live.toml", "title = 'Go live'\nweeks = [4]\nrelease = true");
    let other = ("milestones/prep.toml", "title = 'Prep'\nend = 2025-12-01");
    let (s, warnings) = derived_with(&[plan, release, other], &Config::default(), AS_OF);
    let ship = s.target.as_ref().expect("the release milestone");
    assert_eq!((ship.date.to_string(), ship.source.as_str()), ("2025-09-07".into(), "go-live"));
    assert_eq!((ship.title.as_str(), ship.url.as_str()), ("Go live", "milestones/go-live.html"));
    assert!(warnings.is_empty(), "the ignored target is a load warning, not a derive one: {warnings:?}");
    assert_eq!(derived(&[other]).target, None, "a plan naming no ship date has none");
}

#[test]
fn the_ship_date_slips_against_the_first_one_named_unless_a_baseline_is_declared() {
    let release = |end: &str, extra: &str| {
        let text = format!("title = 'Go live'\nend = {end}\nrelease = true\n{extra}");
        derived(&[("milestones/go-live.toml", &text)]).target.expect("a ship date")
    };
    let later = release("2025-09-14", "").rebased(Some(Date::parse("2025-09-07").unwrap()));
    assert_eq!((later.baseline.map(|d| d.to_string()), later.slip_days), (Some("2025-09-07".into()), Some(7)));
    assert_eq!(later.slip.as_deref(), Some("7 days later than planned (2025-09-07)"));
    let earlier = release("2025-09-06", "").rebased(Some(Date::parse("2025-09-07").unwrap()));
    assert_eq!(earlier.slip.as_deref(), Some("1 day earlier than planned (2025-09-07)"));
    let same = release("2025-09-07", "").rebased(Some(Date::parse("2025-09-07").unwrap()));
    assert_eq!(same.slip.as_deref(), Some("as planned"));
    // A declared `baseline_end` is the baseline from the start, whatever history says.
    let declared = release("2025-09-14", "baseline_end = 2025-09-01");
    assert_eq!(declared.slip_days, Some(13));
    assert_eq!(declared.rebased(Some(Date::parse("2025-09-07").unwrap())).slip_days, Some(13));
}

#[test]
fn each_revision_is_measured_against_the_first_ship_date_named() {
    let status = |end: &str| {
        let text = format!("title = 'Go live'\nend = {end}\nrelease = true");
        Arc::new(derived(&[("milestones/go-live.toml", &text)]))
    };
    let none = Arc::new(derived(&[]));
    let mut statuses = [none, status("2025-09-07"), status("2025-09-07"), status("2025-09-14")];
    let mut first = None;
    for status in &mut statuses {
        schedule::rebase_ship_date(&mut first, status);
    }
    let slips: Vec<Option<i64>> = statuses.iter().map(|s| s.target.as_ref().and_then(|t| t.slip_days)).collect();
    assert_eq!(slips, [None, Some(0), Some(0), Some(7)]);
}

#[test]
fn status_json_has_the_ship_date_and_its_slip() {
    let text = "title = 'Go live'\nend = 2025-09-14\nbaseline_end = 2025-09-07\nrelease = true";
    let s = derived(&[("milestones/go-live.toml", text)]);
    let json: serde_json::Value = serde_json::from_slice(&to_json(&s, false)).unwrap();
    assert_eq!(
        json["target"],
        serde_json::json!({
            "date": "2025-09-14", "baseline": "2025-09-07", "slip_days": 7,
            "slip": "7 days later than planned (2025-09-07)", "source": "go-live", "kind": "milestone",
            "title": "Go live", "url": "milestones/go-live.html"
        })
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&to_json(&derived(&[]), false)).unwrap()["target"],
        serde_json::Value::Null
    );
}

#[test]
fn an_external_audience_sees_no_ship_date_of_a_confidential_release_milestone() {
    let sponsors = ("audiences/sponsors.toml", "title = 'Sponsors'\nexternal = true");
    let team = ("audiences/team.toml", "title = 'Team'");
    let seen = |confidential: bool| {
        let text = format!("title = 'Go live'\nend = 2025-09-14\nrelease = true\nconfidential = {confidential}");
        let status = derived(&[("milestones/go-live.toml", &text), sponsors, team]);
        let reader = |id: &str| status.items[Kind::Audience].iter().find(|a| a.id() == id).unwrap().clone();
        let (external, internal) = (reader("sponsors"), reader("team"));
        let view =
            |a: &Item| redact::Redaction::for_audience(a, &redact::confidential([&status]), None).apply(&status).target;
        (view(&external).map(|t| t.source), view(&internal).map(|t| t.source))
    };
    assert_eq!(seen(false), (Some("go-live".into()), Some("go-live".into())));
    assert_eq!(seen(true), (None, Some("go-live".into())));
}

proptest::proptest! {
    /// Any milestone weeks that load (`load` rejects the others, located), from any plan start,
    /// derive without a panic at the calendar's ends.
    #[test]
    fn any_milestone_weeks_that_load_derive(
        a in crate::model::validate::WEEKS,
        b in crate::model::validate::WEEKS,
        day in 0i64..3_652_058,
    ) {
        let start = Date::parse("0000-01-01").unwrap().add_days(day);
        let raw = vec![
            RawFile { content_path: "plan.toml".into(), bytes: format!("title = 'Plan'\nstart = {start}").into_bytes() },
            RawFile {
                content_path: "milestones/m-1.toml".into(),
                bytes: format!("title = 'Build'\nweeks = [{a}, {b}]").into_bytes(),
            },
        ];
        let config = Config::default();
        let loaded = load_records(raw, &config);
        proptest::prop_assert!(loaded.diagnostics.iter().all(|d| !d.is_error()), "{:?}", loaded.diagnostics);
        let as_of = Date::parse("2025-08-12").unwrap();
        proptest::prop_assert!(derive(&loaded.records, &config, as_of, None, Some(&mut Vec::new())).is_some());
    }
}

/// Each kind publishes its own derived values and the common ones, in one order, whatever
/// the output: no other kind's values (they once came along as nulls for templates), and
/// no unset ones.
#[test]
fn an_item_carries_only_its_own_kinds_derived_values() {
    let s = derived(&[
        ("gates/g-1.toml", "title = 'Ship'\ngroup = 'Release'\ntarget = 2025-08-01"),
        ("milestones/m-1.toml", "title = 'Beta'\nweeks = [2]"),
    ]);
    let json = |folder: &str, id: &str| serde_json::to_string(&find(&s, folder, id).derived).unwrap();
    assert_eq!(
        json("gates", "g-1"),
        r#"{"overdue":true,"due":"2025-08-01","days_overdue":11,"cleared":false,"criteria_met":0}"#
    );
    assert_eq!(json("milestones", "m-1"), r#"{"overdue":false,"when":"Week 2"}"#);
}
