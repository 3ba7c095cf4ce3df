//! `cargo bench --bench build`: times `statuspress build` of the worked example and of
//! generated projects, and reports peak memory. Output goes to the ordinary disk and to
//! tmpfs (`/dev/shm`), since mass file creation costs differ a lot between them. It also prints
//! the size of each generated site's search index, raw and gzipped.
//!
//! Each generated project's build is set against its floor, measured in the same run: reading
//! every record file and rendering every body with pulldown-cmark, single-threaded, in this
//! process. The ratio says what the rest of a build (parsing, deriving, sanitizing, templates,
//! charts, reports, writing 10,000 pages) costs on top of the work no build can skip.
//!
//! Sizes can be set with `BENCH_RECORDS=1000,10000` and runs with `BENCH_RUNS=5`.

#[allow(dead_code)]
#[path = "generate.rs"]
mod generate;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use pulldown_cmark::{Options, Parser, html};

fn main() {
    let binary = env!("CARGO_BIN_EXE_statuspress");
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let sizes: Vec<usize> = std::env::var("BENCH_RECORDS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    let scratch = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("scratch dir");
    println!("statuspress build benchmark ({runs} runs each, median and best; peak RSS of the build process)");
    println!(
        "{:<28} {:>10} {:>10} {:>10} {:>12} {:>16}",
        "project", "output", "median", "best", "peak RSS", "median / floor"
    );

    let example = Path::new(env!("CARGO_MANIFEST_DIR"));
    bench(binary, "worked example (41 records)", example, &scratch.path().join("example-site"), "disk", runs, None);

    for &n in &sizes {
        let project = scratch.path().join(format!("gen-{n}"));
        generate::project(&project, n);
        let label = format!("generated, {n} records");
        let floor = median((0..runs).map(|_| floor(&project)).collect());
        println!("{:<28} {:>10} {:>9.3}s", format!("floor, {n} records"), "-", floor.as_secs_f64());
        bench(binary, &label, &project, &project.join("site"), "disk", runs, Some(floor));
        search_index_size(&project.join("site"), n);
        if Path::new("/dev/shm").is_dir() {
            let shm = tempfile::tempdir_in("/dev/shm").expect("tmpfs dir");
            bench(binary, &label, &project, &shm.path().join("site"), "tmpfs", runs, Some(floor));
        }
    }
    let big = scratch.path().join("big-body");
    generate::project(&big, 100);
    generate::big_body(&big, 1 << 20);
    bench(binary, "100 records + a 1 MiB body", &big, &big.join("site"), "disk", runs, None);
    println!("(floor: reading every record file and rendering every body with pulldown-cmark, single-threaded)");
}

fn bench(binary: &str, label: &str, root: &Path, output: &Path, medium: &str, runs: usize, floor: Option<Duration>) {
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
    let best = *times.iter().min().expect("runs");
    let median = median(times);
    let ratio = floor.map_or_else(String::new, |f| format!("{:.2}×", median.as_secs_f64() / f.as_secs_f64()));
    println!(
        "{label:<28} {medium:>10} {:>9.3}s {:>9.3}s {:>9.1} MiB {ratio:>16}",
        median.as_secs_f64(),
        best.as_secs_f64(),
        peak_kib as f64 / 1024.0
    );
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The work no build can skip, done as simply as possible: read every record file under
/// `content/`, then render each body (what follows the front matter) with pulldown-cmark,
/// with the options the build uses.
fn floor(project: &Path) -> Duration {
    let started = Instant::now();
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS | Options::ENABLE_FOOTNOTES;
    let mut html_bytes = 0;
    for entry in walkdir::WalkDir::new(project.join("content")).sort_by_file_name() {
        let entry = entry.expect("walk");
        if !entry.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("read");
        let body = text.splitn(3, "+++\n").nth(2).unwrap_or("");
        let mut out = String::with_capacity(body.len() * 3 / 2);
        html::push_html(&mut out, Parser::new_ext(body, options));
        html_bytes += out.len();
    }
    assert!(html_bytes > 0, "the floor rendered nothing");
    started.elapsed()
}

/// Prints the size of the site search's index, raw and as `gzip -9` makes it (what a web
/// server sends); the target is 2 MB gzipped at 10,000 records.
fn search_index_size(site: &Path, records: usize) {
    let path = site.join("search-index.json");
    let raw = std::fs::metadata(&path).expect("search-index.json").len();
    let gzip = Command::new("gzip").args(["-9", "-c"]).arg(&path).output().expect("run gzip");
    assert!(gzip.status.success(), "gzip failed");
    let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    println!(
        "{:<28} {:>10} {:>8.2} MiB raw, {:.2} MiB gzipped",
        format!("search index, {records} rec."),
        "",
        mib(raw),
        mib(gzip.stdout.len() as u64)
    );
}

/// Reads the `peak memory: N KiB` line that `--verbose` prints.
fn peak_from(stderr: &str) -> u64 {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak memory: ").and_then(|r| r.strip_suffix(" KiB")).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}
