//! `cargo bench --bench history`: a git repository of N records × R tagged revisions (each
//! revision changing ~3% of the records). Times a single-revision build of the same records,
//! the full versioned build (fresh, and again over its own output), and `diff` between two
//! revisions, on the ordinary disk and on tmpfs, with peak memory.
//!
//! `BENCH_RECORDS=10000 BENCH_REVISIONS=52 BENCH_RUNS=3` are the defaults.

#[allow(dead_code)]
#[path = "generate.rs"]
mod generate;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let binary = env!("CARGO_BIN_EXE_statuspress");
    let (records, revisions, runs) = (env("BENCH_RECORDS", 10_000), env("BENCH_REVISIONS", 52), env("BENCH_RUNS", 3));
    let scratch = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("scratch dir");
    let repo = scratch.path().join("repo");
    let started = Instant::now();
    generate::history(&repo, records, revisions);
    println!("generated {records} records × {revisions} revisions in {:.1?}", started.elapsed());
    // `BENCH_GENERATE_ONLY=DIR` keeps a generated repository for profiling, and stops.
    if let Ok(keep) = std::env::var("BENCH_GENERATE_ONLY") {
        let _ = std::fs::remove_dir_all(&keep);
        std::fs::rename(&repo, &keep).expect("move the repository");
        return;
    }
    // The same records without history: the newest revision as a plain folder.
    let single = scratch.path().join("single");
    copy_dir(&repo.join("content"), &single.join("content"));
    std::fs::copy(repo.join("statuspress.toml"), single.join("statuspress.toml")).expect("copy config");

    println!("{:<44} {:>7} {:>9} {:>9} {:>11}", "what", "output", "median", "best", "peak RSS");
    for medium in ["disk", "tmpfs"] {
        let out_dir = match medium {
            "tmpfs" if Path::new("/dev/shm").is_dir() => tempfile::tempdir_in("/dev/shm").expect("tmpfs"),
            "tmpfs" => continue,
            _ => tempfile::tempdir_in(scratch.path()).expect("disk"),
        };
        let (single_out, full_out) = (out_dir.path().join("single"), out_dir.path().join("full"));
        let build = |root: &Path, out: &Path| -> Vec<String> {
            vec![
                "--root".into(),
                root.display().to_string(),
                "--verbose".into(),
                "build".into(),
                "--output".into(),
                out.display().to_string(),
            ]
        };
        measure(
            binary,
            &format!("single-revision build, {records} records"),
            medium,
            runs,
            &build(&single, &single_out),
            Some(&single_out),
        );
        measure(
            binary,
            &format!("versioned build, {revisions} revisions (fresh)"),
            medium,
            runs,
            &build(&repo, &full_out),
            Some(&full_out),
        );
        measure(
            binary,
            &format!("versioned build, {revisions} revisions (rebuild)"),
            medium,
            runs,
            &build(&repo, &full_out),
            None,
        );
    }
    let (last, before_last) =
        (format!("week-{revisions:02}"), format!("week-{:02}", revisions.saturating_sub(1).max(1)));
    let diff = |a: &str, b: &str| -> Vec<String> {
        vec![
            "--root".into(),
            repo.display().to_string(),
            "diff".into(),
            a.into(),
            b.into(),
            "--format".into(),
            "json".into(),
        ]
    };
    measure(
        binary,
        &format!("diff {before_last} → {last} (one week)"),
        "-",
        runs.max(5),
        &diff(&before_last, &last),
        None,
    );
    measure(binary, &format!("diff week-01 → {last} (whole history)"), "-", runs.max(5), &diff("week-01", &last), None);
}

/// Runs `args` `runs` times; with `fresh`, that folder is deleted before each run.
fn measure(binary: &str, label: &str, medium: &str, runs: usize, args: &[String], fresh: Option<&Path>) {
    let mut times: Vec<Duration> = Vec::new();
    let mut peak_kib = 0u64;
    for _ in 0..runs {
        if let Some(dir) = fresh {
            let _ = std::fs::remove_dir_all(dir);
        }
        let started = Instant::now();
        let out = Command::new(binary).args(args).output().expect("run statuspress");
        times.push(started.elapsed());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{label} failed:\n{stderr}");
        peak_kib = peak_kib.max(
            stderr
                .lines()
                .find_map(|l| l.strip_prefix("peak memory: ")?.strip_suffix(" KiB")?.parse().ok())
                .unwrap_or(0),
        );
    }
    times.sort();
    let peak = if peak_kib > 0 { format!("{:.1} MiB", peak_kib as f64 / 1024.0) } else { "-".into() };
    println!(
        "{label:<44} {medium:>7} {:>8.3}s {:>8.3}s {peak:>11}",
        times[times.len() / 2].as_secs_f64(),
        times[0].as_secs_f64()
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
