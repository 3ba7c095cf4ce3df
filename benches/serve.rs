//! `cargo bench --bench serve`: how soon an edit is visible in `statuspress serve`. For a
//! generated plan of each size, starts the real server, then edits one record's title again
//! and again and times each save until the page served over HTTP shows the new title (what
//! a browser sees after its reload). Also reports the first build and the server's peak
//! memory.
//!
//! Sizes can be set with `BENCH_RECORDS=1000,10000` and edits with `BENCH_RUNS=15`.

#[allow(dead_code)]
#[path = "generate.rs"]
mod generate;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let binary = env!("CARGO_BIN_EXE_statuspress");
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(15);
    let sizes: Vec<usize> = std::env::var("BENCH_RECORDS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    let scratch = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("scratch dir");
    println!("statuspress serve benchmark: save of one record → the served page shows it ({runs} edits each)");
    println!(
        "{:<22} {:>12} {:>10} {:>10} {:>10} {:>12}",
        "project", "first build", "median", "best", "worst", "peak RSS"
    );
    for n in sizes {
        let project = scratch.path().join(format!("gen-{n}"));
        generate::project(&project, n);
        bench(binary, &project, n, runs);
    }
}

fn bench(binary: &str, project: &Path, records: usize, runs: usize) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let mut child = Command::new(binary)
        .arg("--root")
        .arg(project)
        .args(["--quiet", "serve", "--port", &port.to_string(), "--as-of", "2025-08-12"])
        .stdout(Stdio::null())
        .spawn()
        .expect("start serve");
    let started = Instant::now();
    while get(port, "/").is_none_or(|(status, _)| status != 200) {
        assert!(child.try_wait().expect("wait").is_none(), "serve exited");
        assert!(started.elapsed() < Duration::from_secs(300), "serve did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    let first_build = started.elapsed();

    let (path, text) = generate::record(0, 0, records);
    let file = project.join(&path);
    let page = "/blockers/b-0.html";
    let mut times = Vec::new();
    for run in 0..runs {
        let marker = format!("edit {run} of the benchmark");
        let edited = text.replacen("title = \"Blocker 0:", &format!("title = \"Blocker 0 ({marker}):"), 1);
        let saved = Instant::now();
        std::fs::write(&file, edited).expect("save");
        loop {
            if get(port, page).is_some_and(|(status, body)| status == 200 && body.contains(&marker)) {
                break;
            }
            assert!(saved.elapsed() < Duration::from_secs(60), "the edit never showed");
            std::thread::sleep(Duration::from_millis(1));
        }
        times.push(saved.elapsed());
        // Let the server settle, as between an author's saves.
        std::thread::sleep(Duration::from_millis(100));
    }
    let peak = peak_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    times.sort();
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    println!(
        "{:<22} {:>12} {:>10} {:>10} {:>10} {:>8.1} MiB",
        format!("{records} records"),
        format!("{:.2} s", first_build.as_secs_f64()),
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        peak as f64 / 1024.0
    );
}

/// `GET path` on the server: status and body, or `None` when it does not answer.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    Some((status, response))
}

/// Peak resident memory of a process (Linux `VmHWM`), in KiB; 0 elsewhere.
fn peak_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}
