//! History through the real binary: git revisions, semantic diffs in every format, the
//! versioned site, tombstones, broken old revisions, non-git folders and shallow clones.

mod common;

use common::{Project, snapshot, statuspress};

/// A project with three weekly revisions:
/// week-1: B-1 open, pass rate 57.1%, gate pending → NO-GO;
/// week-2: B-1 resolved, pass rate 92.4%, gate passed, milestone slips a week, risk drops → GO;
/// week-3 (lightweight tag): action A-1 removed.
fn weekly_project() -> Project {
    let project = Project::new(&[
        ("content/plan.md", "+++\ntitle = \"Plan\"\nstart = 2025-08-11\n+++\nSummary.\n"),
        (
            "content/blockers/B-1.md",
            "+++\ntitle = \"DB down\"\nseverity = \"critical\"\nstatus = \"open\"\nblocks = [\"g-1\"]\n+++\n",
        ),
        ("content/gates/g-1.md", "+++\ntitle = \"Release gate\"\ngroup = \"Release\"\n+++\n"),
        ("content/risks/r-1.md", "+++\ntitle = \"Timeline\"\nlikelihood = 4\nimpact = 4\n+++\n"),
        (
            "content/metrics/pass-rate.md",
            "+++\ntitle = \"Test pass rate\"\nunit = \"%\"\ntarget = \"> 90\"\nvalue = 57.1\n+++\n",
        ),
        ("content/milestones/m-1.md", "+++\ntitle = \"Remediation\"\nstart = 2025-08-18\nend = 2025-09-05\n+++\n"),
        ("content/actions/A-1.md", "+++\ntitle = \"Escalate\"\n+++\n"),
    ]);
    project.git_init();
    project.revision("week-1", "2025-08-12", "Zoe", "Week 1: blockers open");
    project.write(
        "content/blockers/B-1.md",
        "+++\ntitle = \"DB down\"\nseverity = \"critical\"\nstatus = \"resolved\"\nblocks = [\"g-1\"]\n+++\n",
    );
    project.write(
        "content/gates/g-1.md",
        "+++\ntitle = \"Release gate\"\ngroup = \"Release\"\nstatus = \"passed\"\n+++\n",
    );
    project.write(
        "content/metrics/pass-rate.md",
        "+++\ntitle = \"Test pass rate\"\nunit = \"%\"\ntarget = \"> 90\"\nvalue = 92.4\n+++\n",
    );
    project.write(
        "content/milestones/m-1.md",
        "+++\ntitle = \"Remediation\"\nstart = 2025-08-18\nend = 2025-09-12\n+++\n",
    );
    project.write(
        "content/risks/r-1.md",
        "+++\ntitle = \"Timeline\"\nlikelihood = 2\nimpact = 4\nstatus = \"mitigating\"\n+++\n",
    );
    project.revision("week-2", "2025-08-19", "Priya", "Week 2: remediation done");
    project.remove("content/actions/A-1.md");
    project.commit("Week 3: drop escalation", "2025-08-26", "Zoe");
    project.tag("week-3", "2025-08-26");
    project
}

#[test]
fn diff_text_leads_with_readiness_and_speaks_status() {
    let project = weekly_project();
    let run = project.run(&["diff", "week-1", "week-2"]);
    run.assert_ok();
    let out = &run.stdout;
    // The message first: what the changes mean, since the first side.
    assert!(
        out.starts_with(
            "Changes week-1 (2025-08-12) → week-2 (2025-08-19)\nGO: the release gate is cleared. Since week-1: \
             readiness moved from NO-GO to GO, health went from red to green, milestone “Remediation” slipped \
             7 days to 2025-09-12 and 3 more changes.\n\n  readiness NO-GO → GO\n  health red → green\n"
        ),
        "{out}"
    );
    for line in [
        "~ blocker B-1 “DB down”\n    open → resolved\n",
        "~ gate g-1 “Release gate”\n    pending → passed\n",
        "    57.1% → 92.4% (+35.3, toward target > 90%, now met)\n",
        "    end moved 2025-09-05 → 2025-09-12, +7 days\n",
        "    score 16 high → 8 medium\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    assert!(!out.contains("\x1b["), "no colour when not on a terminal");
}

#[test]
fn diff_in_markdown_json_and_html() {
    let project = weekly_project();
    let md = project.run(&["diff", "week-1", "week-2", "--format", "markdown"]);
    md.assert_ok();
    assert!(md.stdout.contains("- **Readiness:** NO-GO → **GO**"), "{}", md.stdout);
    assert!(md.stdout.contains("- **Blocker** `B-1` DB down — open → resolved"), "{}", md.stdout);

    let json = project.run(&["diff", "week-1", "week-2", "--format", "json"]);
    json.assert_ok();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["from"]["id"], "week-1");
    assert_eq!(v["readiness"]["to"], "GO");
    let metric = v["items"].as_array().unwrap().iter().find(|i| i["id"] == "pass-rate").unwrap();
    assert_eq!(metric["metric"]["direction"], "toward");
    assert_eq!(metric["metric"]["to_state"], "met");
    assert!((metric["metric"]["delta"].as_f64().unwrap() - 35.3).abs() < 1e-9);
    let milestone = v["items"].as_array().unwrap().iter().find(|i| i["id"] == "m-1").unwrap();
    assert_eq!(milestone["fields"][0]["slip_days"], 7);

    let html = project.run(&["diff", "week-1", "week-2", "--format", "html"]);
    html.assert_ok();
    assert!(html.stdout.starts_with("<!doctype html>"));
    assert!(html.stdout.contains("57.1% → 92.4%"));
    assert!(html.stdout.contains("<style>"), "standalone page with inline CSS");
}

#[test]
fn diff_exit_code_defaults_and_errors() {
    let project = weekly_project();
    project.run(&["diff", "week-1", "week-2", "--exit-code"]).assert_fails();
    // Default: working tree against the newest revision; nothing changed.
    let run = project.run(&["diff", "--exit-code"]);
    run.assert_ok();
    assert!(run.stdout.contains("week-3") && run.stdout.contains("no changes"), "{}", run.stdout);
    // HEAD~1 expressions and shas work too.
    project.run(&["diff", "HEAD~2", "HEAD~1"]).assert_ok();
    let bad = project.run(&["diff", "wek-2", "week-3"]);
    bad.assert_fails().assert_stderr("unknown revision `wek-2`").assert_stderr("week-2");
}

#[test]
fn diff_between_folders_without_git() {
    let old = Project::new(common::BASE);
    let new = Project::new(common::BASE);
    new.write(
        "content/blockers/B-1.md",
        "+++\ntitle = \"DB down\"\nseverity = \"critical\"\nstatus = \"resolved\"\nblocks = [\"g-1\"]\n+++\n",
    );
    let run: common::Run = statuspress().args(["diff"]).arg(old.path()).arg(new.path()).output().unwrap().into();
    run.assert_ok();
    assert!(run.stdout.contains("~ blocker B-1 “DB down”\n    open → resolved"), "{}", run.stdout);
}

#[test]
fn versioned_site_has_archive_changes_history_and_tombstones() {
    let project = weekly_project();
    project.run(&["build"]).assert_ok();
    let site = project.path().join("site");
    for page in [
        "revisions/index.html",
        "revisions/week-1/index.html",
        "revisions/week-1/status.json",
        "revisions/week-2/changes.html",
        "revisions/week-3/changes.html",
        "revisions/working/index.html",
        "actions/A-1.html",
        "feed.xml",
    ] {
        assert!(site.join(page).is_file(), "missing {page}");
    }
    let archive = project.read("site/revisions/index.html");
    for text in
        ["week-1", "2025-08-12", "Zoe", "Week 2: remediation done", "Priya", "readiness NO-GO → GO", "action removed"]
    {
        assert!(archive.contains(text), "archive lacks {text:?}");
    }
    let changes = project.read("site/revisions/week-2/changes.html");
    assert!(changes.contains("open → resolved") && changes.contains("57.1% → 92.4%"));
    // Item history: each change, in which revision, by whom.
    let blocker = project.read("site/blockers/B-1.html");
    assert!(blocker.contains("week-1") && blocker.contains("added"));
    assert!(
        blocker.contains("week-2") && blocker.contains("Priya") && blocker.contains("open → resolved"),
        "{blocker}"
    );
    // Metric value per revision against the target, with a chart.
    let metric = project.read("site/metrics/pass-rate.html");
    assert!(metric.contains("<svg class=\"chart\"") && metric.contains("57.1") && metric.contains("92.4"));
    // Slip against the first committed end date.
    assert!(project.read("site/milestones/m-1.html").contains("slipped 7 days"));
    // The removed action keeps a page saying when it went.
    let tombstone = project.read("site/actions/A-1.html");
    assert!(
        tombstone.contains("removed") && tombstone.contains("week-3") && tombstone.contains("2025-08-26"),
        "{tombstone}"
    );
    // Each revision as of its own date.
    let week1: serde_json::Value = serde_json::from_str(&project.read("site/revisions/week-1/status.json")).unwrap();
    assert_eq!(week1["as_of"], "2025-08-12");
    assert_eq!(week1["readiness"]["verdict"], "NO-GO");
    let feed = project.read("site/feed.xml");
    assert_eq!(feed.matches("#revision-").count(), 3, "{feed}");
    assert_eq!(feed.matches("#report-").count(), 3, "a report for each of the three weeks: {feed}");
    assert!(feed.starts_with("<?xml") && feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    assert!(feed.contains("<updated>2025-08-26T12:00:00Z</updated>"));
}

#[test]
fn every_published_url_survives_a_later_build() {
    let project = weekly_project();
    project.run(&["build"]).assert_ok();
    let before: Vec<_> = snapshot(&project.path().join("site")).into_iter().map(|(p, _)| p).collect();
    project.remove("content/risks/r-1.md");
    project.remove("content/milestones/m-1.md");
    project.revision("week-4", "2025-09-02", "Zoe", "Week 4: risk and milestone removed");
    project.run(&["build"]).assert_ok();
    let after: Vec<_> = snapshot(&project.path().join("site")).into_iter().map(|(p, _)| p).collect();
    let lost: Vec<_> = before.iter().filter(|p| !after.contains(p)).collect();
    assert!(lost.is_empty(), "URLs lost: {lost:?}");
    assert!(project.read("site/risks/r-1.html").contains("removed"));
    assert!(project.read("site/risks/index.html").contains("Removed"));
}

#[test]
fn uncommitted_changes_are_the_working_revision() {
    let project = weekly_project();
    project.write(
        "content/blockers/B-2.md",
        "+++\ntitle = \"New problem\"\nseverity = \"high\"\nstatus = \"open\"\n+++\n",
    );
    project.run(&["build", "--as-of", "2025-09-01"]).assert_ok().assert_stderr("(4 revisions)");
    let changes = project.read("site/revisions/working/changes.html");
    assert!(changes.contains("B-2") && changes.contains("added"));
    let status: serde_json::Value = serde_json::from_str(&project.read("site/status.json")).unwrap();
    assert_eq!(status["as_of"], "2025-09-01");
    // Errors in the working tree still fail the build.
    project.write(
        "content/blockers/B-2.md",
        "+++\ntitle = \"New problem\"\nseverity = \"huge\"\nstatus = \"open\"\n+++\n",
    );
    project.run(&["build"]).assert_fails().assert_stderr("invalid value `huge`");
}

#[test]
fn an_unreadable_old_revision_is_a_warning_and_explained() {
    let project = weekly_project();
    // A revision written with a field that this version does not know.
    project.write("content/risks/r-1.md", "+++\ntitle = \"Timeline\"\nprobability = 2\nimpact = 4\n+++\n");
    project.revision("week-4", "2025-09-02", "Zoe", "Week 4: old field name");
    project.write("content/risks/r-1.md", "+++\ntitle = \"Timeline\"\nlikelihood = 2\nimpact = 4\n+++\n");
    project.revision("week-5", "2025-09-09", "Zoe", "Week 5: fixed");
    let run = project.run(&["build"]);
    run.assert_ok().assert_stderr("warning: revision week-4 could not be read (");
    let page = project.read("site/revisions/week-4/index.html");
    assert!(page.contains("could not be read") && page.contains("unknown field `probability`"), "{page}");
    assert!(!project.path().join("site/revisions/week-4/status.json").exists());
    // The next readable revision is compared with the last readable one.
    assert!(project.read("site/revisions/week-5/changes.html").contains("week-3"));
}

#[test]
fn a_committed_week_number_past_the_calendar_is_that_revisions_error_not_a_crash() {
    let project = weekly_project();
    let huge = "+++\ntitle = \"Remediation\"\nweeks = [1, 400000000]\n+++\n";
    project.write("content/milestones/m-1.md", huge);
    let (at, outside) = ("content/milestones/m-1.md:3:13", "week 400000000 is outside the plan weeks 1–1000");
    project.run(&["build"]).assert_fails().assert_stderr(at).assert_stderr(outside);
    project.run(&["check"]).assert_fails().assert_stderr(at).assert_stderr(outside);
    project.revision("week-4", "2025-09-02", "Zoe", "Week 4: a typo in the weeks");
    project.write("content/milestones/m-1.md", "+++\ntitle = \"Remediation\"\nweeks = [1, 4]\n+++\n");
    project.revision("week-5", "2025-09-09", "Zoe", "Week 5: fixed");
    let run = project.run(&["build"]);
    run.assert_ok()
        .assert_stderr("warning: revision week-4 could not be read (1 error)")
        .assert_stderr(&format!("{at}: {outside}"));
    assert!(project.read("site/revisions/week-4/index.html").contains("outside the plan weeks 1–1000"));
    project.run(&["report", "--week", "2025-W36"]).assert_ok();
}

#[test]
fn head_on_a_missing_branch_fails_naming_it_but_a_repository_without_commits_builds() {
    // `git init` and no commit yet: the working tree is the history so far.
    let project = Project::new(common::BASE);
    project.git_init();
    project.git(&["add", "--all"], "2025-08-12", "Zoe");
    project.run(&["build"]).assert_ok().assert_stderr("(1 revision)");
    project.run(&["check"]).assert_ok();
    // Commits and tags exist, but HEAD names a branch that does not (a CI checkout that
    // fetched the files and the tags only).
    project.revision("week-1", "2025-08-12", "Zoe", "Week 1");
    project.git(&["branch", "-m", "main", "release"], "2025-08-12", "Zoe");
    project.git(&["symbolic-ref", "HEAD", "refs/heads/main"], "2025-08-12", "Zoe");
    let fresh = project.path().join("fresh-site");
    let run = project.run(&["build", "--output", fresh.to_str().unwrap()]);
    run.assert_fails()
        .assert_stderr("error: HEAD names the branch `main`, which does not exist, so the history cannot be read")
        .assert_stderr(".git/HEAD:1:6")
        .assert_stderr("these branches and tags exist: release, week-1")
        .assert_stderr("git checkout release");
    assert!(!fresh.exists(), "nothing is published");
    project.run(&["check"]).assert_fails().assert_stderr("HEAD names the branch `main`");
    project.git(&["checkout", "--quiet", "release"], "2025-08-12", "Zoe");
    project.run(&["build", "--output", fresh.to_str().unwrap()]).assert_ok();
}

#[test]
fn a_folder_outside_git_has_one_revision() {
    let project = Project::new(common::BASE);
    project.run(&["build"]).assert_ok().assert_stderr("(1 revision)");
    assert!(project.path().join("site/revisions/working/index.html").is_file());
    let feed = project.read("site/feed.xml");
    assert_eq!(feed.matches("<entry>").count(), 2, "one revision and its week's report:\n{feed}");
}

#[test]
fn commits_mode_takes_every_commit_touching_content() {
    let project = weekly_project();
    project.write("statuspress.toml", "[revisions]\nmode = \"commits\"\n");
    project.write("README.txt", "not content");
    project.commit("Docs only", "2025-08-27", "Zoe");
    project.run(&["build"]).assert_ok().assert_stderr("(3 revisions)");
}

#[test]
fn tag_pattern_selects_revisions() {
    let project = weekly_project();
    project.tag("release-1", "2025-08-26");
    project.write("statuspress.toml", "[revisions]\ntags = \"week-*\"\n");
    project.commit("config", "2025-08-27", "Zoe");
    let run = project.run(&["build"]);
    run.assert_ok();
    assert!(!project.path().join("site/revisions/release-1").exists());
    assert!(project.path().join("site/revisions/week-2").exists());
}

#[test]
fn a_shallow_clone_builds_what_it_has_and_says_where_it_was_cut() {
    let origin = weekly_project();
    let clone = tempfile::tempdir().unwrap();
    let target = clone.path().join("shallow");
    let url = format!("file://{}", origin.path().display());
    let out = std::process::Command::new("git")
        .args(["clone", "--quiet", "--depth", "1", "--no-single-branch", &url])
        .arg(&target)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let run: common::Run = statuspress().arg("--root").arg(&target).args(["build"]).output().unwrap().into();
    run.assert_ok().assert_stderr("shallow clone: history is cut at commit");
    assert!(target.join("site/index.html").is_file());
    assert!(std::fs::read_to_string(target.join("site/revisions/index.html")).unwrap().contains("shallow clone"));
}

/// The bundled example's history (`history/revisions.toml`, replayed as the `qa-plan`
/// example does) must go from the seed's NO-GO in week 1 to GO in its last week.
#[test]
fn the_bundled_example_history_goes_from_no_go_to_go() {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let plan: toml::Table =
        toml::from_str(&std::fs::read_to_string(here.join("history/revisions.toml")).unwrap()).unwrap();
    let revisions = plan["revision"].as_array().unwrap();
    assert!(revisions.len() >= 4);
    let project =
        Project::new(&[("statuspress.toml", &std::fs::read_to_string(here.join("statuspress.toml")).unwrap())]);
    project.git_init();
    for (n, revision) in revisions.iter().enumerate() {
        let overlay =
            if n == 0 { here.to_path_buf() } else { here.join("history").join(revision["tag"].as_str().unwrap()) };
        copy_tree(&overlay.join("content"), &project.path().join("content"));
        for path in revision.get("remove").and_then(|r| r.as_array()).into_iter().flatten() {
            project.remove(path.as_str().unwrap());
        }
        let field = |k: &str| revision[k].as_str().unwrap();
        project.revision(field("tag"), field("date"), field("author"), field("message"));
    }
    project.run(&["build"]).assert_ok().assert_stderr(&format!("({} revisions)", revisions.len()));
    let status = |path: &str| -> serde_json::Value { serde_json::from_str(&project.read(path)).unwrap() };
    assert_eq!(status("site/revisions/week-1/status.json")["readiness"]["verdict"], "NO-GO");
    assert_eq!(status("site/status.json")["readiness"]["verdict"], "GO");
    assert_eq!(status("site/status.json")["counts"]["gates_cleared"], 8);
    assert!(project.read("site/revisions/index.html").contains("readiness NO-GO → GO"));
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::create_dir_all(to).unwrap();
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn a_checkout_of_an_old_tag_shows_only_its_past() {
    let project = weekly_project();
    project.git(&["checkout", "--quiet", "week-1"], "2025-08-27", "Zoe");
    project.run(&["build", "--as-of", "2025-09-01"]).assert_ok().assert_stderr("(1 revision)");
    let site = project.path().join("site");
    assert!(site.join("revisions/week-1/index.html").is_file());
    assert!(!site.join("revisions/week-2").exists(), "a tag made after the checkout is not its history");
    assert!(!site.join("revisions/working/changes.html").exists(), "the tree equals HEAD: no working revision");
    // A change to the checked-out tree is the working revision, compared with HEAD.
    project.remove("content/actions/A-1.md");
    project.run(&["build", "--as-of", "2025-09-01"]).assert_ok().assert_stderr("(2 revisions)");
    let changes = project.read("site/revisions/working/changes.html");
    assert!(changes.contains("week-1") && changes.contains("A-1"), "{changes}");
}

/// Finds an object of the repository whose id starts with four decimal digits, adding
/// files until one exists (ids are fixed by the pinned dates, so this is deterministic).
fn digit_prefixed_object(project: &Project) -> String {
    for n in 0..64 {
        let objects = project.git(&["rev-list", "--objects", "--all"], "2025-08-27", "Zoe");
        if let Some(id) = objects.lines().map(|l| &l[..4]).find(|p| p.chars().all(|c| c.is_ascii_digit())) {
            return id.to_string();
        }
        project.write(&format!("notes/{n}.txt"), &format!("note {n}\n"));
        project.commit(&format!("note {n}"), "2025-08-27", "Zoe");
    }
    panic!("no object id starting with four digits");
}

#[test]
fn date_named_tags_win_over_object_ids_that_look_like_them() {
    let project = weekly_project();
    let digits = digit_prefixed_object(&project);
    // `2026-W01`-style names whose leading digits are also an object id prefix.
    let (old, new) = (format!("{digits}-W00"), format!("{digits}-W01"));
    project.git(&["tag", &old, "week-1"], "2025-08-27", "Zoe");
    project.git(&["tag", &new, "week-2"], "2025-08-27", "Zoe");
    let run = project.run(&["diff", &old, &new]);
    run.assert_ok();
    assert!(run.stdout.contains(&format!("Changes {old} (2025-08-12) → {new} (2025-08-19)")), "{}", run.stdout);
    // A tag named like the abbreviated id of another commit is the tag, not the commit.
    let week2 = project.git(&["rev-parse", "week-2^{commit}"], "2025-08-27", "Zoe");
    let prefix = &week2[..8];
    project.git(&["tag", prefix, "week-1"], "2025-08-27", "Zoe");
    let run = project.run(&["diff", prefix, "week-2"]);
    run.assert_ok();
    assert!(run.stdout.contains("open → resolved"), "`{prefix}` is the tag on week-1:\n{}", run.stdout);
    // Expressions and plain abbreviated ids still work when no name matches.
    let week1 = project.git(&["rev-parse", "week-1^{commit}"], "2025-08-27", "Zoe");
    project.run(&["diff", &week1[..10], "week-2^0"]).assert_ok();
}

#[test]
fn a_plan_untouched_for_a_year_is_overdue_today_while_its_revisions_keep_their_dates() {
    let project = weekly_project();
    let run = project.run(&["build", "--as-of", "2026-08-26"]);
    // The milestone ended on 2025-09-12 and is not done.
    run.assert_ok().assert_stderr("milestone `m-1` is overdue: due 2025-09-12, 348 days ago");
    let status = |path: &str| -> serde_json::Value { serde_json::from_str(&project.read(path)).unwrap() };
    let current = status("site/status.json");
    assert_eq!(current["as_of"], "2026-08-26");
    assert_eq!(current["counts"]["overdue"], 1);
    assert!(current["health"]["reasons"].to_string().contains("overdue by 348 days"), "{}", current["health"]);
    assert!(project.read("site/milestones/m-1.html").contains("348"), "the item page says how late it is");
    // Each archived revision, the newest included, is still shown as of its own date.
    let newest = status("site/revisions/week-3/status.json");
    assert_eq!(newest["as_of"], "2025-08-26");
    assert_eq!(newest["counts"]["overdue"], 0);
    assert_eq!(status("site/revisions/week-1/status.json")["as_of"], "2025-08-12");
    // SOURCE_DATE_EPOCH is the build date too (the test harness pins it to 2025-08-12).
    let pinned: serde_json::Value = {
        project.run(&["build"]).assert_ok();
        status("site/status.json")
    };
    assert_eq!(pinned["as_of"], "2025-08-12");
}

#[test]
fn a_fresh_project_reports_on_its_working_tree() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("plan");
    let run =
        |args: &[&str]| -> common::Run { statuspress().arg("--root").arg(&root).args(args).output().unwrap().into() };
    run(&["init"]).assert_ok();
    // No git: the working tree is the only revision, reported in the current week
    // (SOURCE_DATE_EPOCH pins today to 2025-08-12, in 2025-W33).
    let report = run(&["report"]);
    report.assert_ok().assert_stderr("report 2025-W33");
    assert!(report.stdout.contains("2025-W33"), "{}", report.stdout);
    // Git without tags: the same.
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(&root)
            .args(["-c", "user.email=t@example.com", "-c", "user.name=T", "-c", "commit.gpgsign=false"])
            .args(args)
            .env("GIT_AUTHOR_DATE", "2025-08-11T12:00:00Z")
            .env("GIT_COMMITTER_DATE", "2025-08-11T12:00:00Z")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    git(&["init", "--quiet"]);
    git(&["add", "--all"]);
    git(&["commit", "--quiet", "-m", "start"]);
    run(&["report"]).assert_ok().assert_stderr("report 2025-W33");
    // Once the last complete week has a revision, it is the default again.
    git(&["tag", "week-33"]);
    run(&["report", "--as-of", "2025-08-20"]).assert_ok().assert_stderr("report 2025-W33");
}
