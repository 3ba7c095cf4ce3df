//! `cargo bench --bench build`: times `statuspress build` of the worked example and of
//! generated projects, and reports peak memory. Output goes to the ordinary disk and to
//! tmpfs (`/dev/shm`), since mass file creation costs differ a lot between them.
//!
//! Sizes can be set with `BENCH_RECORDS=1000,10000` and runs with `BENCH_RUNS=5`.

#[allow(dead_code)]
#[path = "generate.rs"]
mod generate;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let binary = env!("CARGO_BIN_EXE_statuspress");
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let sizes: Vec<usize> = std::env::var("BENCH_RECORDS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    let scratch = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("scratch dir");
    println!("statuspress build benchmark ({runs} runs each, median and best; peak RSS of the build process)");
    println!("{:<28} {:>10} {:>10} {:>10} {:>12}", "project", "output", "median", "best", "peak RSS");

    let example = Path::new(env!("CARGO_MANIFEST_DIR"));
    bench(binary, "worked example (41 records)", example, &scratch.path().join("example-site"), "disk", runs);

    for &n in &sizes {
        let project = scratch.path().join(format!("gen-{n}"));
        generate::project(&project, n);
        let label = format!("generated, {n} records");
        bench(binary, &label, &project, &project.join("site"), "disk", runs);
        if Path::new("/dev/shm").is_dir() {
            let shm = tempfile::tempdir_in("/dev/shm").expect("tmpfs dir");
            bench(binary, &label, &project, &shm.path().join("site"), "tmpfs", runs);
        }
    }
}

fn bench(binary: &str, label: &str, root: &Path, output: &Path, medium: &str, runs: usize) {
    let mut times: Vec<Duration> = Vec::new();
    let mut peak_kib = 0u64;
    for _ in 0..runs {
        let started = Instant::now();
        let out = Command::new(binary)
            .arg("--root")
            .arg(root)
            .args(["--verbose", "build", "--as-of", "2025-08-12", "--output"])
            .arg(output)
            .output()
            .expect("run statuspress");
        times.push(started.elapsed());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "build failed:\n{stderr}");
        peak_kib = peak_kib.max(peak_from(&stderr));
    }
    times.sort();
    println!(
        "{label:<28} {medium:>10} {:>9.3}s {:>9.3}s {:>9.1} MiB",
        times[times.len() / 2].as_secs_f64(),
        times[0].as_secs_f64(),
        peak_kib as f64 / 1024.0
    );
}

/// Reads the `peak memory: N KiB` line that `--verbose` prints.
fn peak_from(stderr: &str) -> u64 {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak memory: ").and_then(|r| r.strip_suffix(" KiB")).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}
