//! Generates synthetic statuspress projects of any size for benchmarks.
//!
//! The mix mirrors a real plan: mostly blockers, actions and risks, with metrics, gates and
//! milestones, and markdown bodies of a few paragraphs (about 2 KB of markdown per record, as
//! issue 7 sets, so 10,000 records are about 20 MB of markdown, like the Zola/Hugo reference
//! sites).

use std::fmt::Write as _;
use std::path::Path;

/// Writes a project of `records` records (plus the plan) into `dir`.
pub fn project(dir: &Path, records: usize) {
    write(
        dir,
        "statuspress.toml",
        "[site]\ntitle = \"Generated plan\"\n\n[gates]\ngroups = [\"Infrastructure\", \"Release\"]\n",
    );
    write(
        dir,
        "content/plan.md",
        "+++\ntitle = \"Generated plan\"\nowner = \"Bench\"\nstart = 2025-01-06\nstatus = \"active\"\n+++\nA generated plan for benchmarks.\n",
    );
    for i in 0..records {
        let (path, text) = record(i, 0, records);
        write(dir, &path, &text);
    }
}

/// Adds to the project in `dir` one blocker whose markdown body is `bytes` long: the
/// largest body a project may hold by default (`[limits] max_body_bytes`).
pub fn big_body(dir: &Path, bytes: usize) {
    let mut body = String::with_capacity(bytes + 600);
    for i in 0.. {
        if body.len() >= bytes {
            break;
        }
        body.push_str(&self::body(i));
    }
    body.truncate(bytes);
    let text = format!("+++\ntitle = \"A long write-up\"\nseverity = \"low\"\nstatus = \"open\"\n+++\n{body}");
    write(dir, "content/blockers/big.md", &text);
}

/// Writes a git repository of `records` records with `revisions` tagged weekly revisions
/// (`week-01`, …), each changing about 3% of the records, via `git fast-import`; the
/// working tree is checked out at the newest revision.
pub fn history(dir: &Path, records: usize, revisions: usize) {
    use std::io::Write as _;
    std::fs::create_dir_all(dir).expect("mkdir");
    git(dir, &["init", "--quiet", "--initial-branch=main"]);
    let mut stream: Vec<u8> = Vec::new();
    let file = |stream: &mut Vec<u8>, path: &str, text: &str| {
        let _ = write!(stream, "M 100644 inline {path}\ndata {}\n{text}\n", text.len());
    };
    let start = 1_754_956_800; // 2025-08-12
    for r in 0..revisions {
        let when = start + r as i64 * 7 * 86_400;
        let message = format!("Week {}", r + 1);
        let _ = write!(
            stream,
            "commit refs/heads/main\nauthor Bench <bench@example.com> {when} +0000\ncommitter Bench <bench@example.com> {when} +0000\ndata {}\n{message}\n",
            message.len()
        );
        if r == 0 {
            file(
                &mut stream,
                "statuspress.toml",
                "[site]\ntitle = \"Generated plan\"\n\n[gates]\ngroups = [\"Infrastructure\", \"Release\"]\n",
            );
            file(
                &mut stream,
                "content/plan.md",
                "+++\ntitle = \"Generated plan\"\nowner = \"Bench\"\nstart = 2025-01-06\nstatus = \"active\"\n+++\nA generated plan for benchmarks.\n",
            );
        }
        for i in 0..records {
            if r == 0 || changes_in(i, r) {
                let (path, text) = record(i, version(i, r), records);
                file(&mut stream, &path, &text);
            }
        }
        let _ = write!(
            stream,
            "tag week-{:02}\nfrom refs/heads/main\ntagger Bench <bench@example.com> {when} +0000\ndata {}\n{message}\n",
            r + 1,
            message.len()
        );
    }
    let mut child = std::process::Command::new("git")
        .current_dir(dir)
        .args(["fast-import", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("git fast-import");
    child.stdin.take().expect("stdin").write_all(&stream).expect("write stream");
    assert!(child.wait().expect("wait").success(), "fast-import failed");
    git(dir, &["reset", "--quiet", "--hard", "main"]);
}

/// Each record changes every 33 revisions, at its own offset: ~3% per revision.
fn changes_in(record: usize, revision: usize) -> bool {
    (revision + record % 33).is_multiple_of(33)
}

/// How many times record `record` changed up to revision `revision`.
fn version(record: usize, revision: usize) -> usize {
    (revision + record % 33) / 33
}

fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git").current_dir(dir).args(args).status().expect("git");
    assert!(status.success(), "git {args:?}");
}

/// The file of record `i` of `total` at `revision`: revisions change statuses and values.
pub fn record(i: usize, revision: usize, total: usize) -> (String, String) {
    let body = body(i);
    let gates = (total / 10).min(50);
    let step = (i + revision) % 4;
    match i % 10 {
        0..=2 => {
            let status = ["open", "in-progress", "resolved", "open"][step];
            let severity = ["critical", "high", "medium", "low"][i % 4];
            let blocks = if gates > 0 { format!("[\"g-{}\"]", (i / 10) % gates) } else { "[]".into() };
            (
                format!("content/blockers/b-{i}.md"),
                format!(
                    "+++\ntitle = \"Blocker {i}: connectivity failure in service {}\"\nseverity = \"{severity}\"\nstatus = \"{status}\"\narea = \"Area {}\"\nissue = \"Something fails in component {i}\"\nroot_cause = \"Root cause {i}\"\nimpact = \"Impact {i}\"\nremediation = \"Remediation {i}\"\nopened = 2025-01-{:02}\nblocks = {blocks}\n+++\n{body}",
                    i % 97,
                    i % 7,
                    1 + i % 28
                ),
            )
        }
        3..=5 => {
            let status = ["todo", "in-progress", "done", "todo"][step];
            (
                format!("content/actions/a-{i}.md"),
                format!(
                    "+++\ntitle = \"Action {i}\"\nstatus = \"{status}\"\npriority = \"high\"\nhorizon = \"Week {}\"\ndue = 2025-{:02}-{:02}\nrelates_to = [\"b-{}\"]\n+++\n{body}",
                    1 + i % 8,
                    1 + i % 12,
                    1 + i % 28,
                    (i / 10) * 10
                ),
            )
        }
        6 | 7 => (
            format!("content/risks/r-{i}.md"),
            format!(
                "+++\ntitle = \"Risk {i}\"\nlikelihood = {}\nimpact = {}\nmitigations = [\"Mitigation {i}\"]\n+++\n{body}",
                1 + (i + revision) % 5,
                1 + i % 5
            ),
        ),
        8 => {
            let value = 50.0 + ((i * 7 + revision * 3) % 50) as f64;
            (
                format!("content/metrics/m-{i}.md"),
                format!(
                    "+++\ntitle = \"Metric {i}\"\nunit = \"%\"\ntarget = \">= 90\"\nvalue = {value}\ngroup = \"Group {}\"\n+++\n{body}",
                    i % 5
                ),
            )
        }
        9 if i / 10 < gates => {
            let n = i / 10;
            let group = if n < gates / 2 { "Infrastructure" } else { "Release" };
            (
                format!("content/gates/g-{n}.md"),
                format!(
                    "+++\ntitle = \"Gate {n}\"\ngroup = \"{group}\"\norder = {n}\ncriteria = [\"Criterion {n}\"]\n+++\n{body}"
                ),
            )
        }
        _ => (
            format!("content/milestones/ms-{i}.md"),
            format!(
                "+++\ntitle = \"Milestone {i}\"\nweeks = [{}]\ndeliverables = [\"Deliverable {i}\"]\n+++\n{body}",
                1 + i % 40
            ),
        ),
    }
}

/// About 2 KB of markdown: headings, emphasis, links and lists, as status notes have.
fn body(i: usize) -> String {
    let mut body = String::with_capacity(2100);
    for p in 0..7 {
        let _ = write!(
            body,
            "## Part {p}\n\nRecord {i} paragraph {p}: the *infrastructure* team is working on a **fix** for the \
             connectivity problem, tracked with [the issue](https://example.com/issues/{i}). Progress is reviewed \
             weekly; the remaining risk is the timeline.\n\n- first point for {i}\n- second point\n- third point\n\n"
        );
    }
    body
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// Adds one more weekly revision to the repository `history` wrote (with `revisions`
/// revisions): the next week's changes to about 3% of the records, committed and tagged
/// `week-<revisions + 1>`, and checked out.
pub fn next_revision(dir: &Path, records: usize, revisions: usize) {
    let r = revisions;
    for i in (0..records).filter(|i| changes_in(*i, r)) {
        let (path, text) = record(i, version(i, r), records);
        write(dir, &path, &text);
    }
    let when = format!("{} +0000", 1_754_956_800 + r as i64 * 7 * 86_400);
    let env = [("GIT_AUTHOR_DATE", &when), ("GIT_COMMITTER_DATE", &when)];
    for args in [
        &["add", "-A"][..],
        &["-c", "user.name=Bench", "-c", "user.email=bench@example.com", "commit", "--quiet", "-m"][..],
    ] {
        let mut command = std::process::Command::new("git");
        command.current_dir(dir).args(args).envs(env);
        if args.contains(&"commit") {
            command.arg(format!("Week {}", r + 1));
        }
        assert!(command.status().expect("git").success(), "git {args:?}");
    }
    git(dir, &["tag", &format!("week-{:02}", r + 1)]);
}

/// A scratch Hugo site at `dir` holding the record files under `content` as its pages (their
/// TOML front matter is Hugo's too), with minimal layouts that render each page's title and
/// markdown body and list each section: the same records, built by a general site generator.
pub fn hugo_site(dir: &Path, content: &Path) {
    copy_tree(content, &dir.join("content"));
    write(
        dir,
        "hugo.toml",
        "baseURL = \"https://example.com/\"\ntitle = \"Generated plan\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\"]\n",
    );
    let page = "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>";
    write(dir, "layouts/_default/single.html", &format!("{page}{{{{ .Content }}}}</body></html>\n"));
    write(
        dir,
        "layouts/_default/list.html",
        &format!(
            "{page}<ul>{{{{ range .Pages }}}}<li><a href=\"{{{{ .RelPermalink }}}}\">{{{{ .Title }}}}</a></li>{{{{ end }}}}</ul></body></html>\n"
        ),
    );
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
