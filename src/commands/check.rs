//! `statuspress check`: every problem of the records, and of their history, without
//! writing anything.

use std::path::Path;

use clap::ValueEnum;

use super::{Failed, Ui, date_arg};
use crate::config::Config;
use crate::derive::Status;
use crate::diagnostics::{self, Diagnostic};
use crate::history::History;
use crate::history::snapshots::Pipeline;
use crate::load::RawFile;
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
    /// `text` for people (the first 20 warnings, all with `--verbose`); `json` for editors and
    /// CI: every error and warning as one document on stdout (docs/check-json.md).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// What a check found: its problems and, for each plan that derived, a summary line.
struct Outcome {
    diagnostics: Vec<Diagnostic>,
    summaries: Vec<String>,
    timings: Vec<(&'static str, std::time::Duration)>,
}

impl From<Vec<Diagnostic>> for Outcome {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        Outcome { diagnostics, summaries: Vec::new(), timings: Vec::new() }
    }
}

pub fn run(args: &Args, ui: &Ui) -> Result<(), Failed> {
    let outcome = outcome(args, ui).unwrap_or_else(Outcome::from);
    let failed = match args.format {
        Format::Text => ui.diagnostics(&outcome.diagnostics, args.strict),
        Format::Json => ui.diagnostics_json(&outcome.diagnostics, args.strict),
    };
    if failed {
        return Err(Failed);
    }
    for line in outcome.summaries {
        ui.info(&format!("ok: {line}"));
    }
    ui.timings(&outcome.timings);
    Ok(())
}

/// Checks the project, or each plan of a portfolio; what stops the check early (a bad
/// `SOURCE_DATE_EPOCH`, a portfolio that does not load) is its outcome too, so `--format
/// json` carries it.
fn outcome(args: &Args, ui: &Ui) -> Result<Outcome, Vec<Diagnostic>> {
    let as_of = super::resolve_as_of(args.as_of.as_deref()).map_err(|d| vec![d])?;
    if let Some(plans) = super::plans::load(&ui.root)? {
        return Ok(check_portfolio(plans, args, as_of));
    }
    let checked = check(&ui.root, as_of, !args.no_history);
    let summaries = checked.status.iter().map(summary).collect();
    Ok(Outcome { diagnostics: checked.diagnostics, summaries, timings: checked.timings })
}

/// Checks every plan of a portfolio, with the references across plans; problems are named
/// from the portfolio's root.
fn check_portfolio(plans: Vec<super::plans::Plan>, args: &Args, as_of: Date) -> Outcome {
    let mut diagnostics = Vec::new();
    let mut summaries = Vec::new();
    for plan in plans {
        let clock = progress::Stopwatch::start();
        let checked = check_plan(&plan.root, plan.config, plan.working, as_of, !args.no_history, clock);
        diagnostics.extend(checked.diagnostics.into_iter().map(|d| d.under(&plan.folder)));
        if let Some(status) = checked.status {
            summaries.push(format!("{}: {}", plan.id, summary(&status)));
        }
    }
    diagnostics::sort(&mut diagnostics);
    Outcome { diagnostics, summaries, timings: Vec::new() }
}

/// `12 records, readiness NO-GO, health red (as of 2025-08-12)`; a stale plan says since
/// when: `…, health amber, stale since 2025-09-09 (as of 2026-12-05)`.
fn summary(status: &Status) -> String {
    format!(
        "{} records, readiness {}, health {}{} (as of {})",
        status.items.values().map(Vec::len).sum::<usize>() + 1,
        status.readiness.verdict,
        status.health.computed,
        status.stale.as_ref().map_or_else(String::new, |s| format!(", stale since {}", s.since)),
        status.as_of
    )
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
    let working = match load::read_content_dir(root) {
        Ok(files) => files,
        Err(d) => return Checked { config, status: None, diagnostics: vec![d], timings: clock.laps },
    };
    clock.lap("read");
    check_plan(root, config, working, as_of, history, clock)
}

/// [`check`] of one plan whose configuration and working tree were read (timed on `clock`).
fn check_plan(
    root: &Path,
    config: Config,
    working: Vec<RawFile>,
    as_of: Date,
    history: bool,
    mut clock: progress::Stopwatch,
) -> Checked {
    // The history is found first: its newest commit tells how old the plan is (stale).
    let found = history.then(|| (History::discover(root, &config, as_of, &working), working.clone()));
    let last_commit = found.as_ref().and_then(|(found, _)| found.as_ref().ok()).and_then(History::last_commit);
    let pipeline = Pipeline::new(&config);
    let files = pipeline.read_working(working);
    clock.lap("parse");
    let snapshot = pipeline.snapshot(History::working_revision(as_of), &files, as_of, true, last_commit);
    clock.lap("derive");
    let mut diagnostics = snapshot.diagnostics;
    if let Some((found, working)) = found {
        diagnostics.extend(check_history(found, &pipeline, working));
        clock.lap("history");
    }
    diagnostics::sort(&mut diagnostics);
    let status = snapshot.status.map(std::sync::Arc::unwrap_or_clone);
    Checked { config, status, diagnostics, timings: clock.laps }
}

/// The problems of the project's history; the newest revision is the working tree (or
/// matches it), which `check` has reported already. The working tree's files were parsed
/// already; the pipeline reads only what the revisions add.
fn check_history(found: Result<History, Diagnostic>, pipeline: &Pipeline, working: Vec<RawFile>) -> Vec<Diagnostic> {
    let loaded = found.and_then(|found| {
        let snapshots = history::snapshots::load(&found, working, pipeline)?;
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
