//! `statuspress init --from-seed`: the worked example, the QA coordination plan, with its five
//! weeks of history replayed into a git repository, so that every feature (history, diffs,
//! trends, weekly reports) can be tried on one's own machine.
//!
//! The files are embedded in the binary. Week 1 is `content/`; each later revision in
//! `history/revisions.toml` copies `history/<tag>/` over the previous one and deletes the
//! files it lists in `remove`. The example `examples/qa-plan.rs` uses the same code.

use std::path::Path;
use std::process::Command;

use serde::Deserialize;

use crate::diagnostics::Diagnostic;

/// Embeds the listed repository files as `(path, text)`.
macro_rules! embed {
    ($($path:literal),+ $(,)?) => {
        &[$(($path, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $path)))),+]
    };
}

/// Every file of the worked example. `tests/init.rs` fails when a file under `content/` or
/// `history/` is missing here, so the seed cannot silently fall behind the repository.
pub const FILES: &[(&str, &str)] = embed![
    "statuspress.toml",
    "history/revisions.toml",
    "content/actions/A-1.md",
    "content/actions/A-2.md",
    "content/actions/A-3.md",
    "content/actions/A-4.md",
    "content/actions/A-5.md",
    "content/actions/A-6.md",
    "content/assessments/code-review.md",
    "content/audiences/external-stakeholders.md",
    "content/audiences/internal-team.md",
    "content/blockers/B-1.md",
    "content/blockers/B-2.md",
    "content/blockers/B-3.md",
    "content/blockers/B-4.md",
    "content/decisions/D-1.md",
    "content/decisions/D-2.md",
    "content/decisions/D-3.md",
    "content/gates/infrastructure.toml",
    "content/gates/production-readiness.toml",
    "content/metrics/infrastructure.toml",
    "content/metrics/overall.toml",
    "content/milestones/week-1.md",
    "content/milestones/week-2-3.md",
    "content/milestones/week-4.md",
    "content/plan.md",
    "content/risks/risks.toml",
    "content/sections/mitigation-strategies.md",
    "history/week-2/content/actions/A-1.md",
    "history/week-2/content/actions/A-2.md",
    "history/week-2/content/actions/A-3.md",
    "history/week-2/content/actions/A-4.md",
    "history/week-2/content/actions/A-5.md",
    "history/week-2/content/blockers/B-1.md",
    "history/week-2/content/blockers/B-2.md",
    "history/week-2/content/blockers/B-5.md",
    "history/week-2/content/metrics/infrastructure.toml",
    "history/week-2/content/metrics/overall.toml",
    "history/week-2/content/milestones/week-1.md",
    "history/week-2/content/milestones/week-2-3.md",
    "history/week-2/content/plan.md",
    "history/week-2/content/risks/risks.toml",
    "history/week-3/content/actions/A-3.md",
    "history/week-3/content/blockers/B-1.md",
    "history/week-3/content/blockers/B-2.md",
    "history/week-3/content/blockers/B-3.md",
    "history/week-3/content/blockers/B-4.md",
    "history/week-3/content/gates/infrastructure.toml",
    "history/week-3/content/metrics/infrastructure.toml",
    "history/week-3/content/metrics/overall.toml",
    "history/week-3/content/milestones/week-2-3.md",
    "history/week-3/content/milestones/week-4.md",
    "history/week-3/content/plan.md",
    "history/week-3/content/risks/risks.toml",
    "history/week-4/content/actions/A-5.md",
    "history/week-4/content/actions/A-6.md",
    "history/week-4/content/blockers/B-4.md",
    "history/week-4/content/blockers/B-5.md",
    "history/week-4/content/gates/infrastructure.toml",
    "history/week-4/content/gates/production-readiness.toml",
    "history/week-4/content/metrics/infrastructure.toml",
    "history/week-4/content/metrics/overall.toml",
    "history/week-4/content/milestones/week-2-3.md",
    "history/week-4/content/milestones/week-4.md",
    "history/week-4/content/plan.md",
    "history/week-4/content/risks/risks.toml",
    "history/week-5/content/actions/A-6.md",
    "history/week-5/content/decisions/D-1.md",
    "history/week-5/content/decisions/D-4.md",
    "history/week-5/content/gates/production-readiness.toml",
    "history/week-5/content/metrics/overall.toml",
    "history/week-5/content/milestones/week-4.md",
    "history/week-5/content/plan.md",
    "history/week-5/content/risks/risks.toml",
];

const REVISIONS: &str = "history/revisions.toml";

#[derive(Deserialize)]
struct History {
    revision: Vec<Revision>,
}

/// One weekly revision: its tag, pinned date and author, and the files it deletes.
#[derive(Deserialize)]
struct Revision {
    tag: String,
    date: String,
    author: String,
    message: String,
    #[serde(default)]
    remove: Vec<String>,
}

/// Writes the worked example into `dir` as a git repository with one commit and one annotated
/// tag per week (`week-1` … `week-5`); `before_first_commit` adds files of the caller's
/// (`.gitignore`, editor support) to the first commit. Returns the tags made.
pub fn replay(
    dir: &Path,
    before_first_commit: impl FnOnce() -> Result<(), Diagnostic>,
) -> Result<Vec<String>, Diagnostic> {
    let history: History = toml::from_str(file(REVISIONS)?)
        .map_err(|e| Diagnostic::error(format!("the embedded {REVISIONS} is damaged: {}", e.message())))?;
    git(dir, &["init", "--quiet", "--initial-branch=main"], None)?;
    write(dir, crate::config::FILE_NAME, file(crate::config::FILE_NAME)?)?;
    before_first_commit()?;
    let mut tags = Vec::new();
    for (n, revision) in history.revision.iter().enumerate() {
        let overlay = if n == 0 { String::new() } else { format!("history/{}/", revision.tag) };
        for (path, text) in FILES {
            if let Some(target) = path.strip_prefix(overlay.as_str()).filter(|p| p.starts_with("content/")) {
                write(dir, target, text)?;
            }
        }
        for path in &revision.remove {
            std::fs::remove_file(dir.join(path))
                .map_err(|e| Diagnostic::error(format!("{}: cannot remove {path}: {e}", revision.tag)))?;
        }
        git(dir, &["add", "--all"], None)?;
        git(dir, &["commit", "--quiet", "--allow-empty", "-m", &revision.message], Some(revision))?;
        git(dir, &["tag", "-a", &revision.tag, "-m", &revision.message], Some(revision))?;
        tags.push(revision.tag.clone());
    }
    Ok(tags)
}

fn file(path: &str) -> Result<&'static str, Diagnostic> {
    FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
        .ok_or_else(|| Diagnostic::error(format!("the seed has no {path}")))
}

fn write(dir: &Path, path: &str, text: &str) -> Result<(), Diagnostic> {
    let target = dir.join(path);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(&target, text).map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", target.display())))
}

/// Runs git in `dir` with a fixed identity and no signing, whatever the user's git config says;
/// commits and tags get the revision's pinned date and author, so the history is the same on
/// every machine.
fn git(dir: &Path, args: &[&str], revision: Option<&Revision>) -> Result<(), Diagnostic> {
    let mut command = Command::new("git");
    command.current_dir(dir).env_remove("GIT_DIR").env_remove("GIT_WORK_TREE").env_remove("GIT_INDEX_FILE").args([
        "-c",
        "user.email=qa@example.com",
        "-c",
        "commit.gpgsign=false",
        "-c",
        "tag.gpgsign=false",
    ]);
    if let Some(r) = revision {
        command
            .args(["-c", &format!("user.name={}", r.author)])
            .env("GIT_AUTHOR_DATE", &r.date)
            .env("GIT_COMMITTER_DATE", &r.date)
            .env("GIT_AUTHOR_NAME", &r.author)
            .env("GIT_COMMITTER_NAME", &r.author);
    } else {
        command.args(["-c", "user.name=statuspress"]);
    }
    let out = command
        .args(args)
        .output()
        .map_err(|e| Diagnostic::error(format!("cannot run git: {e}")).help(" needs git on the PATH"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(Diagnostic::error(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}
