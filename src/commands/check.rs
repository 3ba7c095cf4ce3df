//! `statuspress check`: every problem of the records, and of their history, without
//! writing anything.

use clap::ValueEnum;

use super::{Failed, Ui, date_arg};
use crate::derive::Status;
use crate::diagnostics::Diagnostic;
use crate::project::Project;

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
/// `SOURCE_DATE_EPOCH`, a configuration or a portfolio that does not load) is its outcome
/// too, so `--format json` carries it.
fn outcome(args: &Args, ui: &Ui) -> Result<Outcome, Vec<Diagnostic>> {
    let as_of = super::resolve_as_of(args.as_of.as_deref()).map_err(|d| vec![d])?;
    let project = Project::load(&ui.root, as_of)?;
    let checked = project.check(!args.no_history);
    let summaries = checked
        .statuses
        .iter()
        .map(|(plan, status)| if plan.is_empty() { summary(status) } else { format!("{plan}: {}", summary(status)) })
        .collect();
    Ok(Outcome { diagnostics: checked.diagnostics, summaries, timings: checked.timings })
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
