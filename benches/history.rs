//! `cargo bench --bench history`: the Targets table of issue 18, measured in one run on a git
//! repository of N records × R tagged weekly revisions (each revision changing ~3% of the
//! records), with output on tmpfs (`/dev/shm`, else the ordinary disk):
//!
//! - a build of the newest revision alone (the same records as a plain folder), set against
//!   Hugo or Zola building the same records as markdown pages when either is on PATH;
//! - the versioned build, fresh, and after one more tag over its own previous output;
//! - the size of both sites on disk (a file hard-linked twice counts once);
//! - `diff` between adjacent revisions and between the first and the last.
//!
//! Each row prints its target, the measured figure (median wall time of the runs, the peak
//! resident memory of the slowest process) and the ratio the target is set on.
//! `BENCH_RECORDS=10000 BENCH_REVISIONS=52 BENCH_RUNS=3` are the defaults.

#[allow(dead_code)]
#[path = "generate.rs"]
mod generate;

use std::collections::HashSet;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The median wall time and the highest peak memory of a command's runs.
#[derive(Clone, Copy)]
struct Measured {
    wall: Duration,
    peak_mib: f64,
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
    // The same records without history: the newest revision as a plain folder, and as the
    // pages of a Hugo site.
    let plain = scratch.path().join("plain");
    generate::copy_tree(&repo.join("content"), &plain.join("content"));
    std::fs::copy(repo.join("statuspress.toml"), plain.join("statuspress.toml")).expect("copy config");
    let hugo = scratch.path().join("hugo");
    generate::hugo_site(&hugo, &repo.join("content"));

    let shm = Path::new("/dev/shm");
    let out = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir_in(scratch.path()) };
    let out = out.expect("output dir");
    let medium = if shm.is_dir() { "tmpfs" } else { "disk" };
    let (one_out, full_out, before_tag) =
        (out.path().join("one"), out.path().join("full"), out.path().join("before-tag"));
    let build = |root: &Path, output: &Path| -> Vec<String> {
        let (root, output) = (root.display().to_string(), output.display().to_string());
        ["--root", &root, "--quiet", "build", "--output", &output].map(String::from).to_vec()
    };
    let diff = |a: &str, b: &str| -> Vec<String> {
        let root = repo.display().to_string();
        ["--root", &root, "diff", a, b, "--format", "json"].map(String::from).to_vec()
    };
    let fresh = |dir: &Path| {
        let _ = std::fs::remove_dir_all(dir);
    };

    let one = measure(binary, runs, &build(&plain, &one_out), || fresh(&one_out));
    let hugo_run = hugo_build(&hugo, out.path(), runs);
    let full = measure(binary, runs, &build(&repo, &full_out), || fresh(&full_out));
    let (one_size, full_size) = (site_bytes(&one_out), site_bytes(&full_out));
    generate::copy_tree(&full_out, &before_tag);
    generate::next_revision(&repo, records, revisions);
    let tagged = measure(binary, runs, &build(&repo, &full_out), || {
        fresh(&full_out);
        generate::copy_tree(&before_tag, &full_out);
    });
    let last = format!("week-{revisions:02}");
    let adjacent = diff(&format!("week-{:02}", revisions.saturating_sub(1).max(1)), &last);
    let adjacent = measure(binary, runs.max(5), &adjacent, || {});
    let whole = measure(binary, runs.max(5), &diff("week-01", &last), || {});

    println!(
        "\n{records} records, {revisions} revisions, output on {medium}; median of {runs} runs (diff: of {})",
        runs.max(5)
    );
    println!("{:<52} {:<34} {:>24} {:>8}", "case", "target", "measured", "ratio");
    let secs = |m: Measured| format!("{:.2} s, {:.0} MiB", m.wall.as_secs_f64(), m.peak_mib);
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    let hugo_ratio = hugo_run.map(|theirs| ratio(one.wall, theirs.wall));
    row("1 revision", "≤ 0.35× Hugo, peak ≤ 250 MiB", &secs(one), hugo_ratio);
    match hugo_run {
        Some(theirs) => println!("  (Hugo, same records in the same run: {})", secs(theirs)),
        None => println!("  (no `hugo` on PATH: the ratio to Hugo is not measured)"),
    }
    row(
        &format!("{revisions} revisions, fresh"),
        "≤ 2× 1 revision, peak ≤ 300 MiB",
        &secs(full),
        Some(ratio(full.wall, one.wall)),
    );
    row(
        &format!("{revisions} revisions + 1 new tag, over the output"),
        "≤ 1.3× 1 revision",
        &secs(tagged),
        Some(ratio(tagged.wall, one.wall)),
    );
    let mb = |b: u64| format!("{:.0} MB (1 revision {:.0} MB)", b as f64 / 1e6, one_size as f64 / 1e6);
    row(
        &format!("{revisions}-revision site on disk"),
        "≤ 2.5× the 1-revision site",
        &mb(full_size),
        Some(full_size as f64 / one_size as f64),
    );
    row("diff adjacent", "≤ 0.25 s, ≤ 150 MiB", &secs(adjacent), None);
    row("diff first → last", "≤ 0.35 s, ≤ 150 MiB", &secs(whole), None);
}

fn row(case: &str, target: &str, measured: &str, ratio: Option<f64>) {
    let ratio = ratio.map_or_else(|| "-".to_string(), |r| format!("{r:.2}×"));
    println!("{case:<52} {target:<34} {measured:>24} {ratio:>8}");
}

/// Hugo building the scratch site at `site` into `out`, when it is on PATH. (Zola cannot
/// read these records: it rejects front matter keys outside `[extra]`.)
fn hugo_build(site: &Path, out: &Path, runs: usize) -> Option<Measured> {
    let hugo = on_path("hugo")?;
    let dest = out.join("hugo");
    let args = ["--quiet", "--source", &site.display().to_string(), "--destination", &dest.display().to_string()]
        .map(String::from);
    Some(measure(&hugo.display().to_string(), runs, &args, || {
        let _ = std::fs::remove_dir_all(&dest);
    }))
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(name)).find(|p| p.is_file())
}

/// Runs `args` `runs` times, calling `before` ahead of each run (untimed).
fn measure(binary: &str, runs: usize, args: &[String], before: impl Fn()) -> Measured {
    let mut times = Vec::new();
    let mut peak_kib = 0;
    for _ in 0..runs {
        before();
        let (took, kib) = run(binary, args);
        times.push(took);
        peak_kib = peak_kib.max(kib);
    }
    times.sort();
    Measured { wall: times[times.len() / 2], peak_mib: peak_kib as f64 / 1024.0 }
}

/// One run of `binary` with `args`: its wall time and peak resident memory (KiB, from the
/// kernel's accounting of this child alone).
fn run(binary: &str, args: &[String]) -> (Duration, i64) {
    let errors = tempfile::NamedTempFile::new().expect("stderr file");
    let started = Instant::now();
    // Reaped by `wait4` below, which also reports this child's own peak memory.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(binary)
        .args(args)
        .stdout(Stdio::null())
        .stderr(errors.reopen().expect("stderr"))
        .spawn()
        .expect("run the command");
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is valid, and `wait4` only writes to the two pointers.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let took = started.elapsed();
    let ok = pid > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    assert!(ok, "{binary} {args:?} failed:\n{}", std::fs::read_to_string(errors.path()).unwrap_or_default());
    (took, usage.ru_maxrss)
}

/// The bytes of every file under `dir`, a file with several links counted once.
fn site_bytes(dir: &Path) -> u64 {
    fn walk(dir: &Path, seen: &mut HashSet<(u64, u64)>) -> u64 {
        let mut total = 0;
        for entry in std::fs::read_dir(dir).expect("read dir").map(|e| e.expect("entry")) {
            let meta = entry.metadata().expect("metadata");
            if meta.is_dir() {
                total += walk(&entry.path(), seen);
            } else if seen.insert((meta.dev(), meta.ino())) {
                total += meta.len();
            }
        }
        total
    }
    walk(dir, &mut HashSet::new())
}
