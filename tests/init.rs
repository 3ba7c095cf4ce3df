//! `statuspress init --from-seed`: the worked example and its history in a new git repository.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{Project, statuspress};

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git").current_dir(dir).args(args).output().expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The embedded seed is exactly the repository's example: no file missing, none stale.
#[test]
fn seed_embeds_every_example_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut on_disk = BTreeMap::new();
    on_disk
        .insert("statuspress.toml".to_string(), std::fs::read_to_string(root.join("statuspress.toml")).expect("read"));
    for folder in ["content", "history"] {
        for entry in walkdir::WalkDir::new(root.join(folder)) {
            let entry = entry.expect("walk");
            if entry.file_type().is_file() {
                let relative = entry.path().strip_prefix(root).expect("inside").to_string_lossy().replace('\\', "/");
                on_disk.insert(relative, std::fs::read_to_string(entry.path()).expect("read"));
            }
        }
    }
    let embedded: BTreeMap<String, String> =
        statuspress::init::seed::FILES.iter().map(|(p, t)| ((*p).to_string(), (*t).to_string())).collect();
    let missing: Vec<&String> = on_disk.keys().filter(|p| !embedded.contains_key(*p)).collect();
    assert!(missing.is_empty(), "add these to src/init/seed.rs FILES: {missing:#?}");
    assert_eq!(embedded.len(), statuspress::init::seed::FILES.len(), "a file is listed twice");
    assert_eq!(on_disk, embedded);
}

#[test]
fn from_seed_replays_five_weeks_into_git() {
    let project = Project::new(&[]);
    let dir = project.path().join("qa-demo");
    let out = statuspress().args(["init", "--from-seed"]).arg(&dir).output().expect("run init");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("5 weekly revisions"));

    assert_eq!(git(&dir, &["tag", "--list"]), "week-1\nweek-2\nweek-3\nweek-4\nweek-5\n");
    assert_eq!(git(&dir, &["cat-file", "-t", "week-3"]), "tag\n", "tags are annotated");
    assert_eq!(git(&dir, &["status", "--porcelain"]), "", "everything is committed");
    let log = git(&dir, &["log", "--format=%an %aI %s"]);
    assert!(log.starts_with("Zoe 2025-09-09T17:00:00Z Week 5:"), "{log}");
    assert!(log.contains("Priya 2025-08-26T17:00:00Z Week 3:"), "{log}");
    // Week 3 deletes an action; week 1 still has it.
    assert!(!dir.join("content/actions/A-4.md").exists());
    assert!(git(&dir, &["ls-tree", "-r", "--name-only", "week-2"]).contains("content/actions/A-4.md"));
    // The working tree is week 5's, and the editor support is committed with it.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        std::fs::read_to_string(dir.join("content/gates/production-readiness.toml")).expect("read"),
        std::fs::read_to_string(root.join("history/week-5/content/gates/production-readiness.toml")).expect("read")
    );
    assert!(dir.join(".taplo.toml").is_file() && dir.join(".statuspress/schema/gate.schema.json").is_file());

    let built = statuspress().arg("--root").arg(&dir).arg("build").output().expect("run build");
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(built.status.success(), "{stderr}");
    assert!(stderr.contains("(5 revisions)"), "{stderr}");
    assert!(dir.join("site/index.html").is_file());
}

#[test]
fn from_seed_refuses_an_existing_project_or_repository() {
    let project = Project::new(&[("plan/statuspress.toml", ""), ("repo/.git/HEAD", "ref: refs/heads/main\n")]);
    for (folder, reason) in [("plan", "already holds a statuspress project"), ("repo", "already a git repository")] {
        let out = statuspress().args(["init", "--from-seed"]).arg(project.path().join(folder)).output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(reason), "{stderr}");
    }
    assert!(!project.path().join("repo/content").exists(), "nothing written");
}

/// The worked example in a new repository (`init --from-seed`), last revised 2025-09-09.
fn seeded() -> (Project, std::path::PathBuf) {
    let project = Project::new(&[]);
    let dir = project.path().join("qa-demo");
    let out = statuspress().args(["init", "--from-seed"]).arg(&dir).output().expect("run init");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (project, dir)
}

/// `statuspress --root <dir> <args>`, as (exit code, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = statuspress().arg("--root").arg(dir).args(args).output().expect("run statuspress");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn status_json(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("site/status.json")).expect("status.json")).expect("json")
}

/// Built long after its last revision, the worked example is stale: not green anywhere, with
/// its age; built within its weeks, it is fresh.
#[test]
fn the_worked_example_built_today_is_stale_and_not_green() {
    let (_project, dir) = seeded();
    let (code, stderr) = run_in(&dir, &["build", "--as-of", "2026-12-05"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning: plan is stale: review overdue by 445 days (due 2025-09-16)"), "{stderr}");
    let status = status_json(&dir);
    assert_eq!(status["stale"]["since"], "2025-09-09");
    assert_eq!(status["stale"]["days"], 452);
    assert_eq!(status["stale"]["reason"], "review-overdue");
    assert_eq!(status["health"]["computed"], "amber");
    assert_eq!(status["health"]["reasons"][0], "the plan is stale: review overdue by 445 days (due 2025-09-16)");
    let index = std::fs::read_to_string(dir.join("site/index.html")).expect("index");
    assert!(index.contains("<title>GO · stale, review overdue by 445 days · "), "{index}");
    assert!(
        index.contains("<p class=\"big\">GO</p><p class=\"as-of\">as of 2025-09-09, 452 days ago · stale</p>"),
        "{index}"
    );
    assert!(index.contains("This is the plan as of 2025-09-09, 452 days ago."), "{index}");
    assert!(!index.contains("health-card h-green"), "{index}");

    let (code, stderr) = run_in(&dir, &["check", "--as-of", "2026-12-05"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("health amber, stale since 2025-09-09 (as of 2026-12-05)"), "{stderr}");
    let (code, stderr) = run_in(&dir, &["check", "--strict", "--as-of", "2026-12-05"]);
    assert_eq!(code, 1, "a stale plan fails a strict check: {stderr}");
    assert!(stderr.contains("plan is stale: review overdue by 445 days"), "{stderr}");

    let (code, stderr) = run_in(&dir, &["build", "--as-of", "2025-09-10"]);
    assert_eq!(code, 0, "{stderr}");
    let status = status_json(&dir);
    assert_eq!(status["stale"], serde_json::Value::Null);
    assert_eq!(status["health"]["computed"], "green");
    assert!(!std::fs::read_to_string(dir.join("site/index.html")).expect("index").contains("stale"));
    assert_eq!(run_in(&dir, &["check", "--strict", "--as-of", "2025-09-10"]).0, 0);
}

/// Without a review date, the age of the newest commit decides, `[revisions]
/// stale_after_days` how old it may get.
#[test]
fn a_plan_without_a_review_date_goes_stale_after_its_newest_commit_ages() {
    let (_project, dir) = seeded();
    let plan = std::fs::read_to_string(dir.join("content/plan.md")).expect("plan");
    std::fs::write(dir.join("content/plan.md"), plan.replace("next_review = 2025-09-16\n", "")).expect("write");
    let (code, stderr) = run_in(&dir, &["check", "--as-of", "2025-09-23"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("stale"), "14 days after the last commit: {stderr}");
    let (code, stderr) = run_in(&dir, &["check", "--strict", "--as-of", "2025-09-24"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("plan is stale: no revision for 15 days (since 2025-09-09)"), "{stderr}");
    let config = std::fs::read_to_string(dir.join("statuspress.toml")).expect("config");
    std::fs::write(dir.join("statuspress.toml"), format!("{config}\n[revisions]\nstale_after_days = 30\n"))
        .expect("write");
    let (code, stderr) = run_in(&dir, &["check", "--strict", "--as-of", "2025-09-24"]);
    assert_eq!(code, 0, "{stderr}");
}

/// The worked example ships at its release milestone, which slips a week in 2025-W35 (the
/// `week-3` revision): the dashboard and every `status.json` say so.
#[test]
fn the_worked_example_ship_date_slips_seven_days_in_week_35() {
    let (_project, dir) = seeded();
    let (code, stderr) = run_in(&dir, &["build", "--as-of", "2025-09-10"]);
    assert_eq!(code, 0, "{stderr}");
    let target = &status_json(&dir)["target"];
    assert_eq!(
        *target,
        serde_json::json!({
            "date": "2025-09-14", "baseline": "2025-09-07", "slip_days": 7,
            "slip": "7 days later than planned (2025-09-07)", "source": "week-4", "kind": "milestone",
            "title": "Validation and deployment decision", "url": "milestones/week-4.html"
        })
    );
    let slip = |rev: &str| {
        let text = std::fs::read_to_string(dir.join(format!("site/revisions/{rev}/status.json"))).expect("read");
        let status: serde_json::Value = serde_json::from_str(&text).expect("json");
        (status["target"]["date"].as_str().map(str::to_string), status["target"]["slip_days"].as_i64())
    };
    assert_eq!(slip("week-2"), (Some("2025-09-07".into()), Some(0)));
    assert_eq!(slip("week-3"), (Some("2025-09-14".into()), Some(7)), "the slip of 2025-W35");
    let index = std::fs::read_to_string(dir.join("site/index.html")).expect("index");
    assert!(index.contains("<h2>Ship date</h2>\n      <p class=\"big\">2025-09-14</p>"), "{index}");
    assert!(index.contains("7 days later than planned (2025-09-07) · <a href=\"milestones/week-4.html\">"), "{index}");
}

/// The README's commands work as written on a fresh machine: the first shell line that runs
/// `statuspress` by name comes after one that installs it onto the PATH.
#[test]
fn the_readme_installs_statuspress_before_running_it_by_name() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("read");
    let lines: Vec<&str> = readme.lines().collect();
    let first_run = lines.iter().position(|l| l.starts_with("statuspress ")).expect("a `statuspress` command");
    assert!(
        lines[..first_run].iter().any(|l| l.starts_with("cargo install --locked --path .")),
        "README runs `{}` without installing statuspress first",
        lines[first_run]
    );
}
