//! `statuspress init`: a new project, small or the full worked example.

use std::path::PathBuf;

use super::{Failed, Ui};

#[derive(clap::Args)]
pub struct Args {
    /// Where to create it (default: the current folder).
    dir: Option<PathBuf>,
    /// Write the full worked example instead (the QA coordination plan), with five weekly
    /// revisions replayed into a new git repository (tags week-1 … week-5). Needs git.
    #[arg(long, conflicts_with = "portfolio")]
    from_seed: bool,
    /// Write a portfolio of two plans instead (`plans/qa/`, `plans/payments/`), where a QA
    /// blocker holds back the payments plan's release gate across plans.
    #[arg(long)]
    portfolio: bool,
}

pub fn run(args: &Args, ui: &Ui) -> Result<(), Failed> {
    let dir = args.dir.clone().unwrap_or_else(|| ui.root.clone());
    let next = format!("Next: `statuspress --root {} build`", dir.display());
    if args.from_seed {
        let tags = crate::init::init_from_seed(&dir).map_err(|d| ui.fail(&[d]))?;
        ui.info(&format!(
            "Created the worked example in {} with {} weekly revisions (tags {}). {next}",
            dir.display(),
            tags.len(),
            tags.join(", "),
        ));
        return Ok(());
    }
    let today = ui.as_of(None)?;
    let make = if args.portfolio { crate::init::init_portfolio } else { crate::init::init };
    let written = make(&dir, today).map_err(|d| ui.fail(&[d]))?;
    for path in &written {
        ui.info(&format!("  created {path}"));
    }
    ui.info(&format!("Created a statuspress project in {}. {next}", dir.display()));
    Ok(())
}
