//! Builds the worked example with its history: `cargo run --release --example qa-plan`.
//!
//! Replays `history/revisions.toml` (week 1 = this repository's `content/`, later weeks
//! overlay `history/<tag>/`) into a git repository under `target/qa-plan/`, with the pinned
//! dates, authors and annotated tags given there, then builds that repository's site into
//! `site/` of this checkout.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

#[derive(Deserialize)]
struct Plan {
    revision: Vec<Revision>,
}

#[derive(Deserialize)]
struct Revision {
    tag: String,
    date: String,
    author: String,
    message: String,
    #[serde(default)]
    remove: Vec<String>,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let plan: Plan = toml::from_str(&read(&here.join("history/revisions.toml"))?)
        .map_err(|e| format!("history/revisions.toml: {e}"))?;
    let repo = here.join("target/qa-plan");
    if repo.exists() {
        std::fs::remove_dir_all(&repo).map_err(|e| format!("cannot clear {}: {e}", repo.display()))?;
    }
    std::fs::create_dir_all(&repo).map_err(|e| e.to_string())?;
    git(&repo, &["init", "--quiet", "--initial-branch=main"], None)?;
    copy_tree(&here.join("statuspress.toml"), &repo.join("statuspress.toml"))?;
    for (n, revision) in plan.revision.iter().enumerate() {
        let overlay = if n == 0 { here.to_path_buf() } else { here.join("history").join(&revision.tag) };
        copy_tree(&overlay.join("content"), &repo.join("content"))?;
        for path in &revision.remove {
            std::fs::remove_file(repo.join(path))
                .map_err(|e| format!("{}: cannot remove {path}: {e}", revision.tag))?;
        }
        git(&repo, &["add", "--all"], None)?;
        git(&repo, &["commit", "--quiet", "--allow-empty", "-m", &revision.message], Some(revision))?;
        git(&repo, &["tag", "-a", &revision.tag, "-m", &revision.message], Some(revision))?;
    }
    let output = here.join("site");
    let as_of = statuspress::resolve_as_of(None).map_err(|d| d.message)?;
    let options = statuspress::BuildOptions { root: &repo, output: Some(&output), as_of, strict: false, prune: false };
    match statuspress::build(&options) {
        Ok(built) => {
            for d in &built.diagnostics {
                eprint!("{}", d.render(false));
            }
            println!("built {} files ({} revisions) into {}", built.files, built.revisions, built.output.display());
            println!("open {}", output.join("index.html").display());
            Ok(())
        }
        Err(diagnostics) => {
            for d in &diagnostics {
                eprint!("{}", d.render(false));
            }
            Err("the example did not build".into())
        }
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Copies a file, or a folder's files recursively, over `to`.
fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    if from.is_file() {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        return std::fs::copy(from, to).map(|_| ()).map_err(|e| format!("{}: {e}", from.display()));
    }
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let target: PathBuf = to.join(entry.file_name());
        copy_tree(&entry.path(), &target)?;
    }
    Ok(())
}

/// Runs git in `repo` with a fixed identity; commits and tags get the revision's date.
fn git(repo: &Path, args: &[&str], revision: Option<&Revision>) -> Result<(), String> {
    let mut command = Command::new("git");
    command.current_dir(repo).args([
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
    let out = command.args(args).output().map_err(|e| format!("cannot run git (is it installed?): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr)))
    }
}
