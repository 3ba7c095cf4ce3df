//! Which revisions a week's report compares, and what each list of a report keeps: the
//! week's decisions, actions due soon, milestones near or overdue, metrics off target first,
//! and nothing confidential for an external audience.

use super::*;
use crate::config::Config;
use crate::derive::fixture::derived_with;
use crate::history::{Revision, Source};

/// A revision committed at `at` (RFC 3339); `files` `None` is a revision with errors.
fn snapshot(id: &str, at: &str, files: Option<&[(&str, &str)]>) -> Snapshot {
    let time = chrono::DateTime::parse_from_rfc3339(at).unwrap();
    let date = Date(time.date_naive());
    Snapshot {
        revision: Revision {
            id: id.into(),
            slug: id.into(),
            commit: None,
            date,
            timestamp: time.timestamp(),
            author: String::new(),
            summary: String::new(),
            message: String::new(),
            source: Source::WorkingTree,
        },
        status: files.map(|f| std::sync::Arc::new(derived_with(f, &Config::default(), &date.to_string()).0)),
        diagnostics: Vec::new(),
    }
}

fn week(text: &str) -> Week {
    Week::parse(text).unwrap()
}

fn zone(text: &str) -> Zone {
    Zone::parse(text).unwrap()
}

/// Oldest first, as history gives them; `u1` and `u2` have errors.
fn history() -> Vec<Snapshot> {
    let ok: &[(&str, &str)] = &[];
    vec![
        snapshot("u1", "2025-07-30T09:00:00Z", None),
        snapshot("a", "2025-08-05T09:00:00Z", Some(ok)),
        snapshot("b", "2025-08-13T09:00:00Z", Some(ok)),
        snapshot("u2", "2025-08-16T09:00:00Z", None),
        snapshot("c", "2025-08-17T23:59:59Z", Some(ok)),
        snapshot("d", "2025-08-18T01:00:00Z", Some(ok)),
    ]
}

fn ids<'a>(pair: Option<(&'a Snapshot, Option<&'a Snapshot>)>) -> Option<(&'a str, Option<&'a str>)> {
    pair.map(|(now, before)| (now.revision.id.as_str(), before.map(|b| b.revision.id.as_str())))
}

#[test]
fn a_week_compares_the_last_readable_revisions_by_the_end_of_it_and_of_the_week_before() {
    let h = history();
    let utc = zone("UTC");
    assert_eq!(ids(revisions_for(&h, week("2025-W33"), utc)), Some(("c", Some("a"))));
    assert_eq!(ids(revisions_for(&h, week("2025-W32"), utc)), Some(("a", None)));
    assert_eq!(ids(revisions_for(&h, week("2025-W34"), utc)), Some(("d", Some("c"))));
    // Only a revision with errors by then: no report.
    assert_eq!(ids(revisions_for(&h, week("2025-W31"), utc)), None);
    // Two hours west of UTC, W33 ends at 01:59:59 UTC on Monday.
    assert_eq!(ids(revisions_for(&h, week("2025-W33"), zone("-02:00"))), Some(("d", Some("a"))));
    assert_eq!(ids(revisions_for(&h, week("2025-W33"), zone("+02:00"))), Some(("b", Some("a"))));
}

/// The weeks a history's reports cover, each with the revisions it compares, as the
/// revisions come one at a time.
fn folded_weeks(h: &[Snapshot], zone: Zone) -> Vec<(String, &str, Option<&str>)> {
    let revisions: Vec<&crate::history::Revision> = h.iter().map(|s| &s.revision).collect();
    let mut sides = weeks::WeekSides::new(&revisions, zone);
    let done: Vec<weeks::Sides> = h.iter().enumerate().flat_map(|(i, s)| sides.push(i, s)).collect();
    done.iter()
        .map(|s| {
            let (now, before) = (&h[s.now.0], s.before.as_ref().map(|(b, _)| &h[*b]));
            (s.week.to_string(), now.revision.id.as_str(), before.map(|b| b.revision.id.as_str()))
        })
        .collect()
}

#[test]
fn report_weeks_are_those_with_a_readable_revision_in_the_report_zone() {
    let h = history();
    let utc =
        [("2025-W32".to_string(), "a", None), ("2025-W33".into(), "c", Some("a")), ("2025-W34".into(), "d", Some("c"))];
    assert_eq!(folded_weeks(&h, zone("UTC")), utc);
    let west = [("2025-W32".to_string(), "a", None), ("2025-W33".into(), "d", Some("a"))];
    assert_eq!(folded_weeks(&h, zone("-02:00")), west);
    assert_eq!(folded_weeks(&h[..1], zone("UTC")), []);
    // Each week's revisions are the ones `revisions_for` chooses, also when tags are not in
    // the order of their dates (a week is then done later, and its report comes later).
    let mut shuffled = history();
    shuffled.swap(1, 4);
    for h in [h, shuffled] {
        for zone in [zone("UTC"), zone("-02:00"), zone("+02:00")] {
            for (week, now, before) in folded_weeks(&h, zone) {
                let chosen = ids(revisions_for(&h, Week::parse(&week).unwrap(), zone));
                assert_eq!(chosen, Some((now, before)), "{week} in {zone:?}");
            }
        }
    }
}

/// Week 2025-W33 runs from Monday 08-11 to Sunday 08-17; the report's revision is of Friday.
const NOW: &[(&str, &str)] = &[
    ("blockers/B-1.toml", "title = 'Replication lag'\nseverity = 'critical'\nstatus = 'open'\nimpact = 'No failover'"),
    ("blockers/B-2.toml", "title = 'Flaky test'\nseverity = 'low'\nstatus = 'in-progress'"),
    ("blockers/B-3.toml", "title = 'Old bug'\nseverity = 'high'\nstatus = 'resolved'"),
    ("blockers/B-4.toml", "title = 'Vendor audit'\nseverity = 'high'\nstatus = 'open'\nconfidential = true"),
    ("gates/g-1.toml", "title = 'Load'\ngroup = 'Release'\nstatus = 'passed'"),
    ("gates/g-2.toml", "title = 'Audit'\ngroup = 'Release'\nconfidential = true"),
    ("risks/r-1.toml", "title = 'Vendor'\nlikelihood = 4\nimpact = 4"),
    ("risks/r-2.toml", "title = 'Power'\nlikelihood = 1\nimpact = 2"),
    ("decisions/D-1.toml", "title = 'Engine'\ndecision = 'Use X'\ndate = '2025-08-11'"),
    ("decisions/D-2.toml", "title = 'Region'\ndecision = 'EU'\ndate = '2025-08-17'"),
    ("decisions/D-3.toml", "title = 'Earlier'\ndecision = 'A'\ndate = '2025-08-10'"),
    ("decisions/D-4.toml", "title = 'Later'\ndecision = 'B'\ndate = '2025-08-18'"),
    ("decisions/D-5.toml", "title = 'Undated'\ndecision = 'C'"),
    ("actions/A-1.toml", "title = 'Tune'\ndue = '2025-08-20'"),
    ("actions/A-2.toml", "title = 'Far'\ndue = '2025-08-25'"),
    ("actions/A-3.toml", "title = 'Done'\ndue = '2025-08-20'\nstatus = 'done'"),
    ("actions/A-4.toml", "title = 'Undated'"),
    ("actions/A-5.toml", "title = 'Edge'\ndue = '2025-08-24'"),
    ("milestones/m-1.toml", "title = 'Soon'\nend = '2025-08-31'"),
    ("milestones/m-2.toml", "title = 'Far'\nend = '2025-09-01'"),
    ("milestones/m-3.toml", "title = 'Starting'\nstart = '2025-08-18'\nend = '2025-09-30'"),
    ("milestones/m-4.toml", "title = 'Late'\nend = '2025-08-10'"),
    ("milestones/m-5.toml", "title = 'Done'\nend = '2025-08-20'\nstatus = 'done'"),
    ("milestones/m-6.toml", "title = 'This week'\nend = '2025-08-17'"),
    ("metrics/cov.toml", "title = 'Coverage'\nunit = '%'\ntarget = '>= 80'\nvalue = 85"),
    ("metrics/errors.toml", "title = 'Errors'\ntarget = '< 1'"),
    ("metrics/lag.toml", "title = 'Lag'\nunit = 'ms'\ntarget = '< 5'\nvalue = 7"),
    ("audiences/board.toml", "title = 'Board'\nrecipients = ['board@example.com']\nexternal = true"),
    ("audiences/team.toml", "title = 'Team'\ndetail = 'summary'"),
];

/// The week before: B-4 was in progress, D-1 did not exist, and lag was 6 ms.
fn before() -> Vec<(&'static str, &'static str)> {
    NOW.iter()
        .filter(|(path, _)| !path.contains("D-1"))
        .map(|&(path, text)| match path {
            "blockers/B-4.toml" => {
                (path, "title = 'Vendor audit'\nseverity = 'high'\nstatus = 'in-progress'\nconfidential = true")
            }
            "metrics/lag.toml" => (path, "title = 'Lag'\nunit = 'ms'\ntarget = '< 5'\nvalue = 6"),
            _ => (path, text),
        })
        .collect()
}

fn report_for(audience: Option<&str>) -> Report {
    let now = snapshot("w33", "2025-08-15T10:00:00Z", Some(NOW));
    let then = snapshot("w32", "2025-08-08T10:00:00Z", Some(&before()));
    let status = now.status.as_ref().unwrap();
    let audience = audience.map(|id| status.items[Kind::Audience].iter().find(|a| a.id() == id).unwrap());
    let statuses = [&now, &then].map(|s| s.status.as_deref().unwrap());
    let reader = audience.map(|a| Redaction::for_audience(a, &crate::derive::redact::confidential(statuses), None));
    build(week("2025-W33"), &now, Some(&then), reader.as_ref(), None, 14, None).unwrap()
}

/// What `audience` may see of `now`.
fn reader_of(now: &Snapshot, audience: &Item) -> Redaction {
    Redaction::for_audience(audience, &crate::derive::redact::confidential(now.status.as_deref()), None)
}

/// The report's reasons in words.
fn words(r: &Report) -> Vec<&str> {
    r.reasons.iter().map(|reason| reason.words.as_str()).collect()
}

fn borrowed(files: &[(String, String)]) -> Vec<(&str, &str)> {
    files.iter().map(|(path, text)| (path.as_str(), text.as_str())).collect()
}

fn line_ids(lines: &[Line]) -> Vec<&str> {
    lines.iter().map(|l| l.id.as_str()).collect()
}

#[test]
fn a_full_report_lists_what_needs_attention_this_week() {
    let r = report_for(None);
    assert_eq!(
        (r.week.as_str(), r.start.to_string(), r.end.to_string()),
        ("2025-W33", "2025-08-11".into(), "2025-08-17".into())
    );
    assert_eq!((r.revision.id.as_str(), r.previous.as_ref().map(|p| p.id.as_str())), ("w33", Some("w32")));
    assert_eq!((r.readiness.as_str(), r.go, r.health.as_str()), ("NO-GO", false, "red"));
    assert!(r.audience.is_none() && !r.summary_only);
    // The critical blocker is a readiness and a health reason; the report says it once.
    assert_eq!(
        words(&r),
        [
            "1 critical blocker open: Replication lag",
            "1 release gate pending: Audit",
            "1 metric below target: Lag",
            "1 milestone overdue: Late",
            "1 high risk open: Vendor",
        ]
    );
    assert_eq!(line_ids(&r.blockers), ["B-1", "B-4", "B-2"], "unresolved, most severe first");
    assert_eq!(r.open_blockers, 3);
    assert_eq!((r.blockers[0].label.as_str(), r.blockers[0].note.as_str()), ("critical · open", "No failover"));
    assert_eq!(line_ids(&r.decisions), ["D-1", "D-2"], "decided within the week");
    assert_eq!(r.decisions[0].note, "Use X");
    assert_eq!(line_ids(&r.actions), ["A-1", "A-5"], "unfinished and due by the end of next week");
    assert_eq!(r.actions[0].note, "due 2025-08-20");
    assert_eq!(line_ids(&r.milestones), ["m-1", "m-3", "m-4"], "starting or ending in two weeks, or overdue");
    assert!(r.milestones[2].alert && !r.milestones[0].alert);
    assert_eq!(r.milestones[1].note, "2025-08-18 – 2025-09-30");
    assert_eq!(line_ids(&r.risks), ["r-1", "r-2"]);
    assert_eq!((r.risks[0].label.as_str(), r.risks[0].note.as_str()), ("score 16 high", "open"));
    let gates: Vec<(&str, usize, usize, Vec<&str>)> =
        r.gates.iter().map(|g| (g.name.as_str(), g.cleared, g.total, line_ids(&g.gates))).collect();
    assert_eq!(gates, [("Release", 1, 2, vec!["g-1", "g-2"])]);
    assert_eq!(r.gates[0].gates[0].label, "passed");
    let metrics: Vec<&str> = r.metrics.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(metrics, ["lag", "cov", "errors"], "off target first, then met, then not measured");
    assert!(r.headline.ends_with("This week: 1 blocker open; 1 decision added; 1 metric updated."), "{}", r.headline);
    assert!(r.changed);
    assert_eq!(r.changes.as_ref().unwrap().items.len(), 3);
    assert_eq!(r.withheld, 0);
    assert_eq!((r.more.blockers, r.more.reasons, r.more.changes, r.more.metrics), (0, 0, 0, 0));
}

#[test]
fn an_external_audience_never_sees_confidential_records() {
    let r = report_for(Some("board"));
    let audience = r.audience.as_ref().unwrap();
    assert_eq!((audience.id.as_str(), audience.external), ("board", true));
    assert_eq!(audience.recipients, ["board@example.com"]);
    assert_eq!(r.withheld, 2);
    assert_eq!(line_ids(&r.blockers), ["B-1", "B-2"]);
    assert_eq!(r.open_blockers, 2);
    assert_eq!(r.counts.blockers_unresolved, 2, "the counts are of what the audience sees");
    let gates: Vec<(usize, usize, Vec<&str>)> =
        r.gates.iter().map(|g| (g.cleared, g.total, line_ids(&g.gates))).collect();
    assert_eq!(gates, [(1, 1, vec!["g-1"])]);
    assert_eq!(
        words(&r),
        [
            "1 critical blocker open: Replication lag",
            "1 confidential record",
            "1 metric below target: Lag",
            "1 milestone overdue: Late",
            "1 high risk open: Vendor",
        ]
    );
    let changes = r.changes.as_ref().unwrap();
    assert_eq!(changes.items.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["D-1", "lag"]);
    assert!(r.headline.ends_with("This week: 1 decision added; 1 metric updated."), "{}", r.headline);
    assert!(!r.summary_only && r.changes.is_some());
}

#[test]
fn a_summary_audience_gets_short_lists_and_counts_the_rest() {
    let r = report_for(Some("team"));
    assert!(r.summary_only);
    assert!(r.changes.is_none());
    assert!(r.headline.ends_with("This week: 1 blocker open; 1 decision added; 1 metric updated."), "{}", r.headline);
    assert_eq!(r.withheld, 0, "an internal audience sees confidential records");
    assert_eq!(r.reasons.len(), 5);
    assert_eq!(r.more.reasons, 0);

    let files: Vec<(String, String)> = (1..=7)
        .map(|i| (format!("blockers/B-{i}.toml"), format!("title = 'B{i}'\nseverity = 'critical'\nstatus = 'open'")))
        .chain([("audiences/team.toml".to_string(), "title = 'Team'\ndetail = 'summary'".to_string())])
        .collect();
    let now = snapshot("w33", "2025-08-15T10:00:00Z", Some(&borrowed(&files)));
    let team = now.status.as_ref().unwrap().items[Kind::Audience][0].clone();
    let r = build(week("2025-W33"), &now, None, Some(&reader_of(&now, &team)), None, 14, None).unwrap();
    // Nine changes fit in the ten a summary counts: none left out.
    let then = snapshot("w32", "2025-08-08T10:00:00Z", Some(&[("actions/A-1.toml", "title = 'Gone'")]));
    let changed = build(week("2025-W33"), &now, Some(&then), Some(&reader_of(&now, &team)), None, 14, None).unwrap();
    assert_eq!(
        (changed.more.changes, changed.message.tallies.as_deref()),
        (0, Some("health green → red; 7 blockers added; 1 action removed; 1 audience added"))
    );
    assert!(
        changed.headline.ends_with(
            "This week: health went from green to red and 7 critical blockers opened (B1, B2, B3 and 4 more)."
        ),
        "{}",
        changed.headline
    );
    assert_eq!(line_ids(&r.blockers), ["B-1", "B-2", "B-3", "B-4", "B-5"]);
    assert_eq!((r.open_blockers, r.more.blockers), (7, 2));
    // 7 blocker reasons and "no release gates", grouped: one line each.
    assert_eq!(words(&r), ["7 critical blockers open: B1, B2, B3 and 4 more", "no release gates are defined"]);
    let full = build(week("2025-W33"), &now, None, None, None, 14, None).unwrap();
    assert_eq!((full.blockers.len(), full.more.blockers, full.reasons.len()), (7, 0, 2));
}

#[test]
fn the_first_report_and_a_quiet_week_say_so() {
    let now = snapshot("w33", "2025-08-15T10:00:00Z", Some(NOW));
    let first = build(week("2025-W33"), &now, None, None, None, 14, None).unwrap();
    assert!(
        first.headline.starts_with("NO-GO, health red: ") && !first.headline.contains("This week"),
        "{}",
        first.headline
    );
    assert!(first.changed && first.changes.is_none() && first.previous.is_none());
    let same = snapshot("w32", "2025-08-08T10:00:00Z", Some(NOW));
    let quiet = build(week("2025-W33"), &now, Some(&same), None, None, 14, None).unwrap();
    assert!(quiet.headline.ends_with("Nothing changed this week."), "{}", quiet.headline);
    assert!(!quiet.changed);
    let unreadable = snapshot("w33", "2025-08-15T10:00:00Z", None);
    assert!(build(week("2025-W33"), &unreadable, None, None, None, 14, None).is_none());
    // A diff the caller already has is used as it is.
    let mut known = crate::diff::diff(same.status.as_ref().unwrap(), "w32", now.status.as_ref().unwrap(), "w33");
    known.summary = "as known".into();
    known.health = Some(crate::diff::Transition { from: "green".into(), to: "red".into() });
    let reused = build(week("2025-W33"), &now, Some(&same), None, Some(&known), 14, None).unwrap();
    assert!(reused.headline.ends_with("This week: health went from green to red."), "{}", reused.headline);
}

#[test]
fn metric_lines_say_the_trend_and_whether_it_heads_for_the_target() {
    let metric = |id: &str, target: &str, value: Option<f64>| {
        let value = value.map_or_else(String::new, |v| format!("\nvalue = {v}"));
        (format!("metrics/{id}.toml"), format!("title = '{id}'\ntarget = '{target}'{value}"))
    };
    let pairs = [
        ("down", "< 5", Some(10.0), Some(8.0)),
        ("first", "< 5", None, Some(3.0)),
        ("gone", "< 5", Some(3.0), None),
        ("never", "< 5", None, None),
        ("over", ">= 50", Some(40.0), Some(150.0)),
        ("neg", ">= 0", Some(-3.0), Some(-5.0)),
        ("same", "= 42", Some(42.6), Some(42.6)),
        ("flat", "80..90", Some(85.0), Some(88.0)),
    ];
    let files = |then: bool| -> Vec<(String, String)> {
        pairs.iter().map(|(id, target, a, b)| metric(id, target, if then { *a } else { *b })).collect()
    };
    let (old, new) = (files(true), files(false));
    let now = snapshot("w33", "2025-08-15T10:00:00Z", Some(&borrowed(&new)));
    let then = snapshot("w32", "2025-08-08T10:00:00Z", Some(&borrowed(&old)));
    let r = build(week("2025-W33"), &now, Some(&then), None, None, 14, None).unwrap();
    let view = |id: &str| {
        let m = r.metrics.iter().find(|m| m.id == id).unwrap();
        (m.trend.as_str(), m.direction.as_str(), m.previous.clone(), m.value.clone(), m.percent)
    };
    let s = |t: &str| Some(t.to_string());
    assert_eq!(view("down"), ("down", "toward", s("10"), "8".into(), Some(63)));
    assert_eq!(view("first"), ("first measurement", "none", None, "3".into(), Some(100)));
    assert_eq!(view("gone"), ("no longer measured", "none", s("3"), "not measured".into(), None));
    assert_eq!(view("never"), ("not measured", "none", None, "not measured".into(), None));
    assert_eq!(view("over"), ("up", "toward", s("40"), "150".into(), Some(100)));
    assert_eq!(view("neg"), ("down", "away", s("-3"), "-5".into(), None));
    assert_eq!(view("same"), ("same", "none", None, "42.6".into(), Some(99)));
    assert_eq!(view("flat"), ("up", "none", s("85"), "88".into(), Some(100)));
    let states: Vec<(&str, &str, &str)> =
        r.metrics.iter().map(|m| (m.id.as_str(), m.state.as_str(), m.target.as_str())).collect();
    assert_eq!(
        states,
        [
            ("down", "not-met", "< 5"),
            ("neg", "not-met", "≥ 0"),
            ("same", "not-met", "= 42"),
            ("first", "met", "< 5"),
            ("flat", "met", "80–90"),
            ("over", "met", "≥ 50"),
            ("gone", "not-measured", "< 5"),
            ("never", "not-measured", "< 5"),
        ]
    );
}

#[test]
fn a_long_list_of_changes_is_cut_at_twice_the_list_size_and_the_rest_counted() {
    let files: Vec<(String, String)> = (1..=110)
        .map(|i| (format!("actions/A-{i}.toml"), format!("title = 'Task {i}'")))
        .chain([("audiences/team.toml".to_string(), "title = 'Team'\ndetail = 'summary'".to_string())])
        .collect();
    let now = snapshot("w33", "2025-08-15T10:00:00Z", Some(&borrowed(&files)));
    let then = snapshot("w32", "2025-08-08T10:00:00Z", Some(&borrowed(&files[110..])));
    let full = build(week("2025-W33"), &now, Some(&then), None, None, 14, None).unwrap();
    let changes = full.changes.as_ref().unwrap();
    assert_eq!((changes.items.len(), full.more.changes), (100, 10));
    assert_eq!(changes.items.last().unwrap().id, "A-100");
    assert!(full.headline.ends_with("This week: 110 actions added."), "{}", full.headline);
    let team = now.status.as_ref().unwrap().items[Kind::Audience][0].clone();
    let summary = build(week("2025-W33"), &now, Some(&then), Some(&reader_of(&now, &team)), None, 14, None).unwrap();
    assert_eq!((summary.changes.is_none(), summary.more.changes), (true, 100));
}
