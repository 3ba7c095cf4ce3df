//! Bounds that keep a build in proportion to its input (issue 7): a record body over
//! `[limits] max_body_bytes` is a located error, and past `[limits] plan_inline_bytes` of
//! bodies the plan page lists records by title instead of inlining them.

mod common;

use common::Project;

/// A blocker whose body (from line 6, column 1) is `size` bytes.
fn big_blocker(size: usize) -> String {
    let line = "Notes on the outage, line by line.\n";
    let mut body = line.repeat(size / line.len() + 1);
    body.truncate(size);
    format!("+++\ntitle = \"Big\"\nseverity = \"low\"\nstatus = \"open\"\n+++\n{body}")
}

#[test]
fn a_body_over_the_limit_is_a_located_error() {
    let project = Project::base_with(&[
        ("statuspress.toml", "[limits]\nmax_body_bytes = 1000\n"),
        ("content/blockers/B-2.md", &big_blocker(2000)),
    ]);
    for command in ["check", "build"] {
        project
            .run(&[command])
            .assert_fails()
            .assert_stderr("the body of `B-2` is 2000 bytes, over the limit of 1000 bytes")
            .assert_stderr("content/blockers/B-2.md:6:1")
            .assert_stderr("`[limits] max_body_bytes = 2000`");
    }
    assert!(!project.path().join("site").exists(), "a failed build writes nothing");

    project.write("statuspress.toml", "[limits]\nmax_body_bytes = 2000\n");
    project.run(&["build"]).assert_ok();
    assert!(project.read("site/blockers/B-2.html").contains("Notes on the outage"));
}

#[test]
fn the_default_limit_is_one_mebibyte() {
    let project = Project::base_with(&[("content/blockers/B-2.md", &big_blocker(1 << 20))]);
    project.run(&["build"]).assert_ok();
    project.write("content/blockers/B-2.md", &big_blocker((1 << 20) + 1));
    project.run(&["build"]).assert_fails().assert_stderr("is 1048577 bytes, over the limit of 1048576 bytes");
}

#[test]
fn a_toml_body_over_the_limit_points_at_its_value() {
    let body = "x".repeat(50);
    let risks = format!("[[risk]]\nid = \"R-9\"\ntitle = \"Risk\"\nlikelihood = 1\nimpact = 1\nbody = \"{body}\"\n");
    let project = Project::base_with(&[
        ("statuspress.toml", "[limits]\nmax_body_bytes = 10\n"),
        ("content/risks/more.toml", &risks),
    ]);
    project
        .run(&["check"])
        .assert_fails()
        .assert_stderr("the body of `R-9` is 50 bytes")
        .assert_stderr("content/risks/more.toml:6:8");
}

/// The base project, each blocker with a note of its own.
fn noted(config: &str) -> Project {
    Project::base_with(&[
        ("statuspress.toml", config),
        (
            "content/blockers/B-1.md",
            "+++\ntitle = \"DB down\"\nseverity = \"critical\"\nstatus = \"open\"\nblocks = [\"g-1\"]\n+++\nFirst unique note.\n",
        ),
        (
            "content/blockers/B-2.md",
            "+++\ntitle = \"Auth broken\"\nseverity = \"high\"\nstatus = \"open\"\n+++\nSecond unique note.\n",
        ),
    ])
}

#[test]
fn a_plan_under_the_inline_limit_shows_every_body() {
    let project = noted("");
    project.run(&["build"]).assert_ok();
    let plan = project.read("site/plan.html");
    assert!(plan.contains("First unique note.") && plan.contains("Second unique note."), "{plan}");
    assert!(!plan.contains("record-list"), "{plan}");
}

#[test]
fn a_plan_over_the_inline_limit_lists_titles_with_links() {
    let project = noted("[limits]\nplan_inline_bytes = 20\n");
    project.run(&["build"]).assert_ok();
    let plan = project.read("site/plan.html");
    assert!(!plan.contains("unique note"), "bodies stay on the records' pages:\n{plan}");
    assert!(plan.contains("<a href=\"blockers/B-1.html\">DB down</a>"), "{plan}");
    assert!(plan.contains("<a href=\"blockers/B-2.html\">Auth broken</a>"), "{plan}");
    assert!(plan.contains("<a href=\"risks/r-1.html\">Risk</a>"), "every part lists its records:\n{plan}");
    assert!(plan.contains("Summary."), "the plan's own summary stays:\n{plan}");
    assert!(project.read("site/blockers/B-1.html").contains("First unique note."));
}
