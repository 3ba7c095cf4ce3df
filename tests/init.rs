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
