//! Crash safety of the output swap: a build killed at any moment leaves the old or the new
//! site, complete; the next build removes what a killed one left behind; builds into one
//! output wait for each other instead of failing.

mod common;
#[path = "../benches/generate.rs"]
#[allow(dead_code)]
mod generate;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Project;

/// The project size of the crash test: a debug build of 3,000 records takes about
/// 10 s of CPU, so the whole test (20 kills, reference builds) takes a few minutes.
/// `STATUSPRESS_CRASH_RECORDS` makes it smaller for a quick local run.
fn records() -> usize {
    std::env::var("STATUSPRESS_CRASH_RECORDS").ok().and_then(|n| n.parse().ok()).unwrap_or(3_000)
}
const KILLS: usize = 20;

/// A small seeded generator (xorshift64*), so a failing kill can be replayed.
struct Rng(u64);

impl Rng {
    /// A number in [0, 1).
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn build(root: &Path) -> Command {
    let mut command = common::statuspress();
    command.arg("--root").arg(root).arg("build").stdout(Stdio::null()).stderr(Stdio::piped());
    command
}

#[track_caller]
fn build_ok(root: &Path) {
    let out = build(root).output().expect("run statuspress");
    assert!(out.status.success(), "build failed:\n{}", String::from_utf8_lossy(&out.stderr));
}

/// The records that differ between revisions 0 and 1 of the generator (statuses and values),
/// made once: the test switches the project between the two before every build.
struct Revisions([Vec<(String, String)>; 2]);

impl Revisions {
    fn new() -> Revisions {
        let all = |r| (0..records()).map(|i| generate::record(i, r, records())).collect::<Vec<_>>();
        let (a, b): (Vec<_>, Vec<_>) = all(0).into_iter().zip(all(1)).filter(|(a, b)| a != b).unzip();
        Revisions([a, b])
    }

    fn write(&self, root: &Path, revision: usize) {
        for (path, text) in &self.0[revision] {
            std::fs::write(root.join(path), text).expect("write record");
        }
    }
}

/// Folders beside the output that belong to builds (`.site.staging-*`, `.site.old-*`).
fn strays(root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("read project")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(".site.")))
        .collect();
    found.sort();
    found
}

/// Which reference site `root/site` is, byte for byte (marker included); panics on neither.
#[track_caller]
fn which(root: &Path, references: &[Vec<(PathBuf, Vec<u8>)>; 2], what: &str) -> usize {
    let site = common::snapshot(&root.join("site"));
    references
        .iter()
        .position(|r| *r == site)
        .unwrap_or_else(|| panic!("{what}: the output is neither the old nor the new site ({} files)", site.len()))
}

#[test]
fn killed_builds_leave_the_old_or_the_new_site() {
    let project = tempfile::tempdir().expect("temp dir");
    let root = project.path();
    generate::project(root, records());
    let revisions = Revisions::new();
    let started = Instant::now();
    build_ok(root);
    let duration = started.elapsed();
    let old = common::snapshot(&root.join("site"));
    revisions.write(root, 1);
    build_ok(root);
    let references = [old, common::snapshot(&root.join("site"))];
    assert_ne!(references[0], references[1], "the two revisions must build different sites");

    let mut rng = Rng(0x5eed_2026);
    let mut current = 1;
    for kill in 0..KILLS {
        revisions.write(root, 1 - current);
        let at = duration.mul_f64(rng.unit());
        let mut child = build(root).spawn().expect("spawn");
        std::thread::sleep(at);
        let _ = child.kill(); // SIGKILL; the build may have finished already
        child.wait().expect("wait");
        current = which(root, &references, &format!("kill {kill} after {at:?} of {duration:?}"));
        // A build removes all leftovers once it holds the lock, before it stages its own.
        assert!(strays(root).len() <= 1, "kill {kill}: leftovers pile up: {:?}", strays(root));
    }

    // The one moment that matters: everything staged, nothing swapped yet.
    revisions.write(root, 1 - current);
    let flag = root.join("pause-before-swap");
    let mut child = build(root).env("STATUSPRESS_TEST_PAUSE_BEFORE_SWAP", &flag).spawn().expect("spawn");
    let waited = Instant::now();
    while !flag.exists() {
        assert!(child.try_wait().expect("try_wait").is_none(), "the build ended before its pause point");
        assert!(waited.elapsed() < Duration::from_secs(120), "the build never reached its pause point");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().expect("kill");
    child.wait().expect("wait");
    assert_eq!(which(root, &references, "kill before the swap"), current, "the old site must stay");
    assert!(!strays(root).is_empty(), "the killed build leaves its staging folder");

    build_ok(root);
    assert_eq!(which(root, &references, "the build after the kills"), 1 - current);
    assert_eq!(strays(root), Vec::<PathBuf>::new(), "the next build removes what killed builds left");
}

#[test]
fn concurrent_builds_into_one_folder_all_succeed() {
    let project = Project::new(common::BASE);
    for round in 0..8 {
        let children: Vec<_> =
            (0..16).map(|_| build(project.path()).stdout(Stdio::piped()).spawn().expect("spawn")).collect();
        for child in children {
            let out = child.wait_with_output().expect("wait");
            assert!(out.status.success(), "round {round}: a build failed:\n{}", String::from_utf8_lossy(&out.stderr));
        }
    }
    assert!(project.path().join("site/index.html").is_file());
    assert_eq!(strays(project.path()), Vec::<PathBuf>::new());
}

#[test]
fn a_build_waits_for_a_busy_output_and_says_so() {
    let project = Project::new(common::BASE);
    let mut lock = std::fs::File::create(project.path().join(".site.lock")).expect("create lock");
    lock.write_all(b"4242\n").expect("write pid");
    lock.lock().expect("lock");
    let mut child = build(project.path()).spawn().expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let line = rx.recv_timeout(Duration::from_secs(60)).expect("a line on stderr while waiting");
    assert!(line.contains("waiting for another build of") && line.contains("(pid 4242)"), "{line}");
    std::thread::sleep(Duration::from_millis(200));
    assert!(child.try_wait().expect("try_wait").is_none(), "the build must wait for the lock");
    assert!(!project.path().join("site").exists());
    drop(lock);
    assert!(child.wait().expect("wait").success());
    assert!(project.path().join("site/index.html").is_file());
}

#[test]
fn a_new_project_ignores_what_builds_leave_beside_the_site() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |args: &[&str]| common::statuspress().arg("--root").arg(dir.path()).args(args).output().expect("run");
    assert!(run(&["init"]).status.success());
    let git = |args: &[&str]| Command::new("git").current_dir(dir.path()).args(args).output().expect("git");
    assert!(git(&["init", "--quiet"]).status.success());
    std::fs::create_dir(dir.path().join(".site.staging-1")).expect("mkdir");
    std::fs::write(dir.path().join(".site.staging-1/index.html"), "left by a killed build").expect("write");
    assert!(run(&["build"]).status.success());
    std::fs::create_dir(dir.path().join(".site.staging-2")).expect("mkdir");
    std::fs::write(dir.path().join(".site.staging-2/index.html"), "left by a killed build").expect("write");
    let status = String::from_utf8(git(&["status", "--porcelain", "--untracked-files=all"]).stdout).expect("utf-8");
    assert!(!status.contains(".site"), "git status shows build leftovers:\n{status}");
    assert!(!dir.path().join(".site.staging-1").exists(), "the build removed the older leftover");
}
