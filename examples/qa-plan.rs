//! Builds the worked example with its history: `cargo run --release --example qa-plan`.
//!
//! Replays the seed (this repository's `content/`, then `history/revisions.toml`) into a git
//! repository under `target/qa-plan/`, exactly as `statuspress init --from-seed` does, then
//! builds that repository's site into `site/` of this checkout.

use std::path::Path;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = here.join("target/qa-plan");
    if repo.exists() {
        std::fs::remove_dir_all(&repo).map_err(|e| format!("cannot clear {}: {e}", repo.display()))?;
    }
    statuspress::init::init_from_seed(&repo).map_err(|d| d.render(false))?;
    let output = here.join("site");
    let as_of = statuspress::commands::resolve_as_of(None).map_err(|d| d.message)?;
    let options = statuspress::project::build::BuildOptions {
        output: Some(&output),
        audience: None,
        strict: false,
        prune: false,
        progress: &statuspress::progress::Silent,
    };
    let project = statuspress::project::Project::load(&repo, as_of);
    match project.and_then(|project| project.build(&options)) {
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
