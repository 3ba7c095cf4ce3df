//! `statuspress check`: every problem of the records, and of their history, without
//! writing anything.

use std::path::Path;

use super::{Failed, Ui, date_arg};
use crate::config::Config;
use crate::derive::{self, Status};
use crate::diagnostics::{self, Diagnostic};
use crate::values::Date;
use crate::{history, load, progress};

#[derive(clap::Args)]
pub struct Args {
    /// The date to compute status for (YYYY-MM-DD); default: SOURCE_DATE_EPOCH or today.
    #[arg(long, value_parser = date_arg)]
    as_of: Option<String>,
    /// Fail on warnings too.
    #[arg(long)]
    strict: bool,
    /// Check only the working tree, not the revisions in git.
    #[arg(long)]
    no_history: bool,
}

pub fn run(args: &Args, ui: &Ui) -> Result<(), Failed> {
    let as_of = ui.as_of(args.as_of.as_deref())?;
    let checked = check(&ui.root, as_of, !args.no_history);
    if ui.diagnostics(&checked.diagnostics, args.strict) {
        return Err(Failed);
    }
    if let Some(status) = &checked.status {
        ui.info(&format!(
            "ok: {} records, readiness {}, health {} (as of {})",
            status.items.values().map(Vec::len).sum::<usize>() + 1,
            status.readiness.verdict,
            status.health.computed,
            status.as_of
        ));
    }
    ui.timings(&checked.timings);
    Ok(())
}

/// The result of checking a project: its status (when the records allow one) and problems.
pub struct Checked {
    pub config: Config,
    pub status: Option<Status>,
    pub diagnostics: Vec<Diagnostic>,
    /// Wall time of each stage, for `--verbose`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// Loads, validates and derives the working tree of the project at `root`. With
/// `history`, it also reads every revision as `build` does, so what fails a build fails
/// here: unreadable git objects are errors; an old revision whose records have errors is a
/// warning (its archive page explains it).
pub fn check(root: &Path, as_of: Date, history: bool) -> Checked {
    let config = match Config::load(root) {
        Ok(config) => config,
        Err(diagnostics) => {
            return Checked { config: Config::default(), status: None, diagnostics, timings: Vec::new() };
        }
    };
    let mut clock = progress::Stopwatch::start();
    let loaded = load::load_dir(root, &config);
    clock.lap("read and parse");
    let mut diagnostics = loaded.diagnostics;
    let status = if diagnostics.iter().any(Diagnostic::is_error) {
        None
    } else {
        derive::derive(&loaded.records, &config, as_of, Some(&mut diagnostics))
    };
    clock.lap("derive");
    if history {
        diagnostics.extend(check_history(root, &config, as_of));
        clock.lap("history");
    }
    diagnostics::sort(&mut diagnostics);
    Checked { config, status, diagnostics, timings: clock.laps }
}

/// The problems of the project's history; the newest revision is the working tree (or
/// matches it), which `check` has reported already.
fn check_history(root: &Path, config: &Config, as_of: Date) -> Vec<Diagnostic> {
    let Ok(working) = load::read_content_dir(root) else {
        return Vec::new(); // reported with the working tree
    };
    let loaded = history::History::discover(root, config, as_of, &working).and_then(|found| {
        let snapshots = history::snapshots::load(&found, working, config)?;
        Ok((found.warnings, snapshots))
    });
    match loaded {
        Ok((mut warnings, snapshots)) => {
            let older = snapshots.split_last().map_or(&[][..], |(_, older)| older);
            warnings.extend(history::snapshots::unreadable_revisions(older));
            warnings
        }
        Err(d) => vec![d],
    }
}
