//! The checks of `model::validate` across records, as a load runs them: each problem an
//! error at the value that causes it, with a way out.

use super::{RawFile, load_records};
use crate::config::Config;

/// The errors of loading `files` (paths under `content/`), as `position: message (help)`.
fn errors_with(files: &[(&str, &str)], config: &Config) -> Vec<String> {
    let raw =
        files.iter().map(|(path, text)| RawFile { content_path: path.to_string(), bytes: text.as_bytes().to_vec() });
    let loaded = load_records(raw.collect(), config);
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let mut text = format!("{}: {}", d.position().unwrap_or_default(), d.message);
            for note in &d.notes {
                text.push_str(&format!(" [{note}]"));
            }
            if let Some(help) = &d.help {
                text.push_str(&format!(" ({help})"));
            }
            text
        })
        .collect()
}

const PLAN: (&str, &str) = ("plan.toml", "title = 'Plan'");

/// The errors of `files` with a plan and the default configuration.
fn errors(files: &[(&str, &str)]) -> Vec<String> {
    let mut all = vec![PLAN];
    all.extend_from_slice(files);
    errors_with(&all, &Config::default())
}

#[test]
fn a_project_has_exactly_one_plan() {
    assert_eq!(
        errors_with(&[], &Config::default()),
        [
            "content/: no plan record: a project needs exactly one (create `content/plan.md` with `title = \"…\"` in its front matter; its body is the executive summary)"
        ]
    );
    // A second plan is reported as such, not also as a duplicate id; a record of another
    // kind taking the plan's id is a duplicate.
    let same_id = [PLAN, ("other.toml", "kind = 'plan'\nid = 'plan'\ntitle = 'Other'")];
    assert_eq!(errors_with(&same_id, &Config::default()).len(), 1);
    assert_eq!(
        errors(&[("actions/plan.toml", "title = 'Tune'")]),
        ["content/plan.toml:1:1: duplicate id `plan`: ids must be unique across the project (ignoring case) \
         [`plan` is already used by content/actions/plan.toml:1:1] \
         (rename one of the two records (or set a different `id = \"…\"`))"]
    );
    assert_eq!(
        errors(&[("other.toml", "kind = 'plan'\ntitle = 'Other'")]),
        ["content/plan.toml:1:1: a second plan record: a project has exactly one plan \
         [the plan is already defined at content/other.toml:2] \
         (turn this file into a `section` (move it to `content/sections/`), or remove it)"]
    );
}

#[test]
fn ids_are_unique_ignoring_case() {
    let files = [
        PLAN,
        ("actions/b-1.toml", "title = 'Tune'"),
        ("blockers/B-1.toml", "title = 'Lag'\nseverity = 'low'\nstatus = 'open'"),
    ];
    // The first record keeps the id; the duplicate is left out.
    let raw =
        files.iter().map(|(path, text)| RawFile { content_path: path.to_string(), bytes: text.as_bytes().to_vec() });
    let kept: Vec<String> = load_records(raw.collect(), &Config::default())
        .records
        .all
        .iter()
        .map(|r| format!("{:?} {}", r.kind, r.id))
        .collect();
    assert_eq!(kept, ["Plan plan", "Action b-1"]);
    assert_eq!(
        errors_with(&files, &Config::default()),
        ["content/blockers/B-1.toml:1:1: duplicate id `B-1`: ids must be unique across the project (ignoring case) \
         [`b-1` is already used by content/actions/b-1.toml:1:1] \
         (rename one of the two records (or set a different `id = \"…\"`))"]
    );
}

#[test]
fn references_name_existing_records_of_the_kind_the_field_expects() {
    let files = [
        ("gates/g-1.toml", "title = 'Load'\ngroup = 'Release'"),
        ("actions/A-1.toml", "title = 'Tune'\nlinks = ['A-11', 'A-2']"),
        ("actions/A-2.toml", "title = 'Size'"),
        ("blockers/B-1.toml", "title = 'Lag'\nseverity = 'low'\nstatus = 'open'\nblocks = ['g-1', 'A-1', 'A-11']"),
        ("decisions/D-1.toml", "title = 'Engine'\ndecision = 'X'\nsupersedes = ['A-2', 'D-2']"),
        ("decisions/D-2.toml", "title = 'Engine'\ndecision = 'Y'"),
        ("metrics/lag.toml", "title = 'Lag'\ntarget = '< 5'\nlinks = ['lag2']"),
        ("actions/A-3.toml", "title = 'Cap'\nlinks = ['A-22']"),
        ("blockers/B-2.toml", "title = 'Leak'\nseverity = 'low'\nstatus = 'open'\nblocks = ['g-11']"),
    ];
    assert_eq!(
        errors(&files),
        [
            // The record itself is never suggested (A-1 for `A-11`, lag for `lag2`), nor one of
            // another kind than the field expects (A-1 for a gate).
            "content/actions/A-1.toml:2:10: `links` names `A-11`, but no record has that id (use the id of an existing record, or remove the reference)",
            "content/actions/A-3.toml:2:10: `links` names `A-22`, but no record has that id (did you mean `A-2`?)",
            "content/blockers/B-1.toml:4:18: `blocks` must name a gate, but `A-1` is a action",
            "content/blockers/B-1.toml:4:25: `blocks` names `A-11`, but no record has that id (use the id of an existing record, or remove the reference)",
            "content/blockers/B-2.toml:4:11: `blocks` names `g-11`, but no record has that id (did you mean `g-1`?)",
            "content/decisions/D-1.toml:3:15: `supersedes` must name a decision, but `A-2` is a action",
            "content/metrics/lag.toml:3:10: `links` names `lag2`, but no record has that id (use the id of an existing record, or remove the reference)",
        ]
    );
}

#[test]
fn values_out_of_range_are_located_errors() {
    let files = [
        ("risks/r-1.toml", "title = 'Vendor'\nlikelihood = 0\nimpact = 6"),
        ("risks/r-2.toml", "title = 'Power'\nlikelihood = 1\nimpact = 5"),
        ("metrics/lag.toml", "title = 'Lag'\ntarget = 'about 5'"),
        (
            "audiences/board.toml",
            "title = 'Board'\nrecipients = ['Zoe <zoe@example.com>', 'not-an-email', 'a@b.example']",
        ),
        ("milestones/m-1.toml", "title = 'Build'\nstart = '2025-08-10'\nend = '2025-08-09'"),
        ("milestones/m-2.toml", "title = 'Pilot'\nstart = '2025-08-10'\nend = '2025-08-10'"),
        ("milestones/m-3.toml", "title = 'Both'\nstart = '2025-08-10'\nweeks = [2]"),
        ("milestones/m-4.toml", "title = 'Zero'\nweeks = [2, 0]"),
        ("milestones/m-5.toml", "title = 'End'\nend = '2025-08-10'\nweeks = [1]"),
    ];
    assert_eq!(
        errors(&files),
        [
            "content/audiences/board.toml:2:40: recipient `not-an-email` is not an email address \
         (write `name@example.com` or `Name <name@example.com>`)",
            "content/metrics/lag.toml:2:10: bad metric target: `about 5` is not a metric target; \
         write one of \">= 90\", \"> 90\", \"= 100\", \"<= 5\", \"< 5\" or \"80..95\"",
            "content/milestones/m-1.toml:3:7: milestone ends (2025-08-09) before it starts (2025-08-10)",
            "content/milestones/m-3.toml:3:1: a milestone has either `start`/`end` dates or `weeks`, not both (keep the dates, or the week numbers relative to the plan's `start`)",
            "content/milestones/m-4.toml:2:13: week 0 is outside the plan weeks 1–1000 (week 1 is the week of the plan's `start`; for a later stretch give the milestone `start`/`end` dates)",
            "content/milestones/m-5.toml:3:1: a milestone has either `start`/`end` dates or `weeks`, not both (keep the dates, or the week numbers relative to the plan's `start`)",
            "content/risks/r-1.toml:2:14: `likelihood` is 0, outside the scale 1–5 (use 1 (rare / negligible) to 5 (almost certain / severe))",
            "content/risks/r-1.toml:3:10: `impact` is 6, outside the scale 1–5 (use 1 (rare / negligible) to 5 (almost certain / severe))",
        ]
    );
}

#[test]
fn gate_groups_must_be_configured_ones_when_groups_are_configured() {
    let gates = [
        PLAN,
        ("gates/g-1.toml", "title = 'Load'\ngroup = 'Relase'"),
        ("gates/g-2.toml", "title = 'Docs'\ngroup = 'Misc'"),
        ("gates/g-3.toml", "title = 'Perf'\ngroup = 'Test'"),
    ];
    assert!(errors_with(&gates, &Config::default()).is_empty());
    let mut config = Config::default();
    config.gates.groups = vec!["Test".into(), "Release".into()];
    assert_eq!(
        errors_with(&gates, &config),
        [
            "content/gates/g-1.toml:2:9: gate group `Relase` is not one of `[gates] groups` in statuspress.toml: \
         Test, Release (did you mean `Release`?)",
            "content/gates/g-2.toml:2:9: gate group `Misc` is not one of `[gates] groups` in statuspress.toml: \
         Test, Release (add the group to `[gates] groups`, or use one of those)",
        ]
    );
}

#[test]
fn each_dependency_cycle_is_reported_once_at_its_first_gate() {
    let files = [
        ("gates/g-1.toml", "title = 'A'\ngroup = 'Release'\ndepends_on = ['g-4', 'G-2']"),
        ("gates/g-2.toml", "title = 'B'\ngroup = 'Release'\ndepends_on = ['g-1']"),
        ("gates/g-3.toml", "title = 'C'\ngroup = 'Release'\ndepends_on = ['g-3']"),
        ("gates/g-4.toml", "title = 'D'\ngroup = 'Release'\ndepends_on = ['g-5', 'g-6']"),
        ("gates/g-5.toml", "title = 'E'\ngroup = 'Release'\ndepends_on = ['g-6']"),
        ("gates/g-6.toml", "title = 'F'\ngroup = 'Release'"),
    ];
    assert_eq!(
        errors(&files),
        [
            // Located at the entry that closes the cycle, however its case is written.
            "content/gates/g-1.toml:3:22: dependency cycle: g-1 → g-2 → g-1 (a gate cannot depend on itself, directly or through others; remove one `depends_on` entry)",
            "content/gates/g-3.toml:3:15: dependency cycle: g-3 → g-3 (a gate cannot depend on itself, directly or through others; remove one `depends_on` entry)",
        ]
    );
}

#[test]
fn a_record_cannot_name_itself() {
    let files = [
        ("decisions/D-1.toml", "title = 'Old'\ndecision = 'A'"),
        ("decisions/D-2.toml", "title = 'New'\ndecision = 'B'\nsupersedes = ['D-1', 'd-2']"),
    ];
    assert_eq!(
        errors(&files),
        ["content/decisions/D-2.toml:3:22: `supersedes` names `d-2`, which is this record itself \
          (a record cannot supersede itself; remove `d-2` from `supersedes`)"]
    );
}

#[test]
fn numbers_must_be_finite() {
    let files = [
        ("metrics/m-1.toml", "title = 'Pass'\ntarget = '>= 90'\nvalue = nan"),
        ("metrics/m-2.toml", "title = 'Lat'\ntarget = '<= 5'\nvalue = -inf"),
        ("metrics/m-3.toml", "title = 'Err'\ntarget = '<= 5'\nvalue = 1e400"),
        ("metrics/m-4.toml", "title = 'Cov'\ntarget = '>= inf'\nvalue = 3.5"),
        ("assessments/a-1.toml", "title = 'Audit'\nscore = 7.0\nmax_score = +inf"),
    ];
    let found = errors(&files);
    let help = "write a number such as `92.4`, or leave `value` out while it is unknown";
    for expected in [
        format!("content/metrics/m-1.toml:3:9: `value` is `nan`, which is not a finite number ({help})"),
        format!("content/metrics/m-2.toml:3:9: `value` is `-inf`, which is not a finite number ({help})"),
        "content/assessments/a-1.toml:3:13: `max_score` is `+inf`, which is not a finite number \
         (write a number such as `92.4`, or leave `max_score` out while it is unknown)"
            .to_string(),
    ] {
        assert!(found.contains(&expected), "{expected}\nnot in {found:#?}");
    }
    assert!(found.iter().any(|e| e.starts_with("content/metrics/m-3.toml:3:9: ")), "{found:#?}");
    assert!(found.iter().any(|e| e.starts_with("content/metrics/m-4.toml:2:10: bad metric target")), "{found:#?}");
}

/// The errors of a plan starting on `start` with one milestone over `weeks` (that the weeks
/// which load also derive is shown in `derive`'s tests, a layer up).
fn milestone_in_weeks(start: &str, weeks: &str) -> Vec<String> {
    let plan = format!("title = 'Plan'\nstart = {start}");
    let milestone = format!("title = 'Build'\nweeks = {weeks}");
    let files = [("plan.toml", plan.as_str()), ("milestones/m-1.toml", milestone.as_str())];
    errors_with(&files, &Config::default())
}

#[test]
fn milestone_weeks_out_of_range_are_located_errors_with_the_range() {
    let outside = |week: u64| {
        format!(
            "content/milestones/m-1.toml:2:13: week {week} is outside the plan weeks 1–1000 (week 1 is the week of \
             the plan's `start`; for a later stretch give the milestone `start`/`end` dates)"
        )
    };
    for week in [0, 1001, 400_000_000, u64::from(u32::MAX)] {
        assert_eq!(milestone_in_weeks("2025-08-11", &format!("[1, {week}]")), [outside(week)], "week {week}");
    }
    for start in ["0000-01-01", "2025-08-11", "9999-12-31"] {
        assert_eq!(milestone_in_weeks(start, "[1, 1000]"), Vec::<String>::new(), "from {start}");
    }
}

proptest::proptest! {
    /// Any week numbers and any plan start: a located error or a derived plan, never a panic.
    #[test]
    fn any_milestone_weeks_load_or_fail_located(a: u32, b: u32, day in 0i64..3_652_058) {
        let start = crate::values::Date::parse("0000-01-01").unwrap().add_days(day);
        let found = milestone_in_weeks(&start.to_string(), &format!("[{a}, {b}]"));
        let bad = [a, b].into_iter().any(|w| !crate::model::validate::WEEKS.contains(&w));
        proptest::prop_assert_eq!(found.len(), usize::from(bad), "{:?}", found);
    }
}

#[test]
fn the_plan_ships_once_at_a_release_milestone_with_an_end() {
    let release =
        |id: &str, end: &str| (format!("milestones/{id}.toml"), format!("title = '{id}'\n{end}release = true"));
    let (a, b) = (release("m-1", "end = 2025-09-01\n"), release("m-2", "end = 2025-09-08\n"));
    assert_eq!(
        errors(&[(&a.0, &a.1), (&b.0, &b.1)]),
        [
            "content/milestones/m-2.toml:3:11: milestone `m-2` is a second release milestone: the plan ships once, at `m-1` \
         [`m-1` says `release = true` at content/milestones/m-1.toml:3:11] \
         (keep `release = true` on the milestone that ships, and remove it from the others)"
        ]
    );
    let undated = release("m-1", "");
    assert_eq!(
        errors(&[(&undated.0, &undated.1)]),
        ["content/milestones/m-1.toml:2:11: the release milestone `m-1` has no end date: the plan's ship date \
         (give it an `end = YYYY-MM-DD` (or `weeks = [..]`), or remove `release = true`)"]
    );
    // A plan `target` beside a release milestone is ignored, and says so.
    let plan = ("plan.toml", "title = 'Plan'\ntarget = 2025-10-01");
    let loaded = load_records(
        [plan, (&a.0, &a.1)]
            .iter()
            .map(|(path, text)| RawFile { content_path: path.to_string(), bytes: text.as_bytes().to_vec() })
            .collect(),
        &Config::default(),
    );
    let warnings: Vec<String> =
        loaded.diagnostics.iter().map(|d| format!("{}: {}", d.position().unwrap_or_default(), d.message)).collect();
    assert_eq!(
        warnings,
        [
            "content/plan.toml:2:10: the plan's `target` is ignored: milestone `m-1` is the release milestone, and its end is the ship date"
        ]
    );
}
