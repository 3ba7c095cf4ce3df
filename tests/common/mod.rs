//! Helpers for integration tests: fixture projects in temp folders and the real binary.
#![allow(dead_code)]

mod git;
pub mod smtp;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A throwaway project folder.
pub struct Project {
    pub dir: tempfile::TempDir,
}

/// A small valid project that every diagnostic fixture starts from.
pub const BASE: &[(&str, &str)] = &[
    ("content/plan.md", "+++\ntitle = \"Plan\"\nstart = 2025-08-11\n+++\nSummary.\n"),
    (
        "content/blockers/B-1.md",
        "+++\ntitle = \"DB down\"\nseverity = \"critical\"\nstatus = \"open\"\nblocks = [\"g-1\"]\n+++\nBody.\n",
    ),
    ("content/gates/g-1.md", "+++\ntitle = \"Gate one\"\ngroup = \"Release\"\n+++\n"),
    ("content/risks/r-1.md", "+++\ntitle = \"Risk\"\nlikelihood = 3\nimpact = 4\n+++\n"),
    (
        "content/metrics/pass-rate.md",
        "+++\ntitle = \"Pass rate\"\nunit = \"%\"\ntarget = \">= 90\"\nvalue = 57.1\n+++\n",
    ),
];

impl Project {
    pub fn new(files: &[(&str, &str)]) -> Project {
        let project = Project { dir: tempfile::tempdir().expect("temp dir") };
        for (path, text) in files {
            project.write(path, text);
        }
        project
    }

    /// The base project with some files added or replaced.
    pub fn base_with(files: &[(&str, &str)]) -> Project {
        let project = Project::new(BASE);
        for (path, text) in files {
            project.write(path, text);
        }
        project
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: &str) {
        self.write_bytes(path, text.as_bytes());
    }

    pub fn write_bytes(&self, path: &str, bytes: &[u8]) {
        let target = self.dir.path().join(path);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(target, bytes).expect("write");
    }

    pub fn remove(&self, path: &str) {
        std::fs::remove_file(self.dir.path().join(path)).expect("remove");
    }

    /// Runs `statuspress --root <project> <args>` with a pinned date and no colour.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = statuspress().arg("--root").arg(self.path()).args(args).output().expect("run statuspress");
        Run::from(output)
    }

    /// Like `run`, with extra environment variables (e.g. SMTP credentials).
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = statuspress();
        command.arg("--root").arg(self.path()).args(args);
        for (k, v) in env {
            command.env(k, v);
        }
        Run::from(command.output().expect("run statuspress"))
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(path)).unwrap_or_else(|e| panic!("read {path}: {e}"))
    }
}

pub fn statuspress() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_statuspress"));
    command.env("SOURCE_DATE_EPOCH", "1755000000").env_remove("NO_COLOR").arg("--color").arg("never");
    command
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn assert_ok(&self) -> &Run {
        assert_eq!(self.code, 0, "expected success\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    #[track_caller]
    pub fn assert_fails(&self) -> &Run {
        assert_eq!(self.code, 1, "expected exit 1\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    #[track_caller]
    pub fn assert_stderr(&self, needle: &str) -> &Run {
        assert!(self.stderr.contains(needle), "stderr lacks {needle:?}:\n{}", self.stderr);
        self
    }
}

/// Every file under `dir`, as (relative path, bytes), sorted.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files
                    .push((path.strip_prefix(dir).expect("prefix").to_path_buf(), std::fs::read(&path).expect("read")));
            }
        }
    }
    files.sort();
    files
}

/// A plan with a team audience, an external summary audience (`sponsors`) and two weekly
/// revisions: `w1` (2025-08-12) and `w2` (2025-08-19), in which blocker B-1 is resolved,
/// the confidential blocker B-9 moves to in-progress and the pass rate rises to 92.4%.
/// `extra` files join the first revision.
pub fn two_weeks(config: &str, team: &[&str], extra: &[(&str, &str)]) -> Project {
    let recipients = team.iter().map(|r| format!("\"{r}\"")).collect::<Vec<_>>().join(", ");
    let blocker = |status: &str| {
        format!("+++\ntitle = \"DB down\"\nseverity = \"critical\"\nstatus = \"{status}\"\nblocks = [\"g-1\"]\n+++\n")
    };
    let secret = |status: &str| {
        format!(
            "+++\ntitle = \"Secret vendor outage\"\nseverity = \"high\"\nstatus = \"{status}\"\nconfidential = true\n+++\nOnly for us.\n"
        )
    };
    let metric = |value: f64| {
        format!("+++\ntitle = \"Test pass rate\"\nunit = \"%\"\ntarget = \"> 90\"\nvalue = {value}\n+++\n")
    };
    let project = Project::new(&[
        ("statuspress.toml", config),
        ("content/plan.md", "+++\ntitle = \"Plan\"\nstart = 2025-08-11\n+++\nSummary.\n"),
        ("content/gates/g-1.md", "+++\ntitle = \"Release gate\"\ngroup = \"Release\"\n+++\n"),
        ("content/blockers/B-1.md", &blocker("open")),
        ("content/blockers/B-9.md", &secret("open")),
        ("content/metrics/pass.md", &metric(57.1)),
        ("content/audiences/team.md", &format!("+++\ntitle = \"Team\"\nrecipients = [{recipients}]\n+++\n")),
        (
            "content/audiences/sponsors.md",
            "+++\ntitle = \"Sponsors\"\nrecipients = [\"po@example.com\"]\nexternal = true\ndetail = \"summary\"\n+++\n",
        ),
    ]);
    for (path, text) in extra {
        project.write(path, text);
    }
    project.git_init();
    project.revision("w1", "2025-08-12", "Zoe", "Week 1");
    project.write("content/blockers/B-1.md", &blocker("resolved"));
    project.write("content/blockers/B-9.md", &secret("in-progress"));
    project.write("content/metrics/pass.md", &metric(92.4));
    project.revision("w2", "2025-08-19", "Zoe", "Week 2");
    project
}

/// Markup that a hostile record or tag message tries to get into a comment: a disguised link,
/// a tracking image, a comment that hides the rest, raw HTML, a mention and an issue link.
pub const HOSTILE: &str =
    "[Approve deploy](https://evil.example/phish) ![x](https://evil.example/t.gif) @octocat #12 <b>x</b> <!--";

/// What a markdown output must not contain, whatever the records say: the links it makes
/// itself lead to the site, never to the hostile address.
#[track_caller]
pub fn assert_inert_markdown(markdown: &str) {
    for live in ["](https://evil", "![", "<!--", "<b>", " @octocat", " #12"] {
        assert!(!markdown.contains(live), "{live:?} is live in:\n{markdown}");
    }
    let raw_angle = markdown.match_indices('<').any(|(at, _)| !markdown[..at].ends_with('\\'));
    assert!(!raw_angle, "raw `<` in:\n{markdown}");
    assert!(markdown.contains("`@octocat`") && markdown.contains("`#12`"), "{markdown}");
}

/// Parses JSON like `serde_json::from_str`, but fails on an object with a key twice (which
/// `serde_json::Value` silently resolves to the last one).
#[track_caller]
pub fn strict_json(text: &str) -> serde_json::Value {
    let value: Strict = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
    value.0
}

struct Strict(serde_json::Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Strict, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<serde_json::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Strict(value) = map.next_value()?;
            if object.insert(key.clone(), value).is_some() {
                return Err(serde::de::Error::custom(format!("duplicate key {key:?}")));
            }
        }
        Ok(serde_json::Value::Object(object))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<serde_json::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(value)) = seq.next_element()? {
            items.push(value);
        }
        Ok(serde_json::Value::Array(items))
    }

    fn visit_bool<E>(self, v: bool) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }

    fn visit_i64<E>(self, v: i64) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }

    fn visit_str<E>(self, v: &str) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }

    fn visit_unit<E>(self) -> Result<serde_json::Value, E> {
        Ok(serde_json::Value::Null)
    }
}
