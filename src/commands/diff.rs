//! `statuspress diff A B`: what changed between two revisions, in status terms.

use std::io::Write as _;

use clap::ValueEnum;

use super::{Failed, Ui, date_arg};
use crate::diagnostics::{Diagnostic, terminal_safe};
use crate::project::Project;
use crate::{diff, progress, render};

#[derive(clap::Args)]
pub struct Args {
    /// The older side: a tag, branch, commit, `HEAD~2`, `working`, or a project folder
    /// (default: the newest revision before B).
    a: Option<String>,
    /// The newer side (default: the working tree).
    b: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with 1 when anything changed (like `git diff --exit-code`).
    #[arg(long)]
    exit_code: bool,
    /// In a portfolio: only this plan (default: every plan, one after the other).
    #[arg(long)]
    plan: Option<String>,
    /// The working tree's date (YYYY-MM-DD); default: SOURCE_DATE_EPOCH or today.
    #[arg(long, value_parser = date_arg)]
    as_of: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Markdown,
    Json,
    Html,
}

pub fn run(args: &Args, ui: &Ui) -> Result<(), Failed> {
    let today = ui.as_of(args.as_of.as_deref())?;
    let (a, b) = (args.a.as_deref(), args.b.as_deref());
    let project = Project::load(&ui.root, today).map_err(|d| ui.fail(&d))?;
    // Each plan of a portfolio is compared on its own: all of them, or the one of `--plan`.
    let plans = match (project.is_portfolio(), &args.plan) {
        (true, None) if matches!(args.format, Format::Html) => {
            let d = Diagnostic::error("`--format html` shows one plan's changes").help("add `--plan ID`");
            return Err(ui.fail(&[d]));
        }
        (true, None) => project.plans().iter().map(|p| (Some(p.id.clone()), p)).collect(),
        (_, id) => vec![(None, project.plan(id.as_deref()).map_err(|d| ui.fail(&[d]))?)],
    };
    let mut parts = Vec::new();
    let mut changed = false;
    let mut json = serde_json::Map::new();
    for (id, plan) in plans {
        let mut comparison = project.diff(plan, a, b).map_err(|d| ui.fail(&d))?;
        // A side named by a folder path carries whatever that path holds; the HTML page is
        // read by people (often in a terminal first), so it gets the escaped name like the text.
        for side in [&mut comparison.diff.from, &mut comparison.diff.to] {
            side.id = terminal_safe(&side.id).into_owned();
        }
        let mut clock = progress::Stopwatch::start();
        let (diff, config) = (&comparison.diff, &comparison.config);
        changed |= !diff.is_empty();
        let lead = comparison.lead();
        let output = match args.format {
            Format::Text => diff::format::text(diff, &lead, ui.stdout_color),
            Format::Markdown => diff::format::markdown(diff, &lead),
            Format::Json => diff::format::json(diff),
            Format::Html => {
                project.theme().and_then(|theme| render::diff_page(diff, config, theme)).map_err(|d| ui.fail(&d))?
            }
        };
        clock.lap("format");
        ui.timings(&comparison.timings);
        ui.timings(&clock.laps);
        match id {
            None => parts.push(output),
            Some(id) if matches!(args.format, Format::Json) => {
                json.insert(id, serde_json::from_str(&output).unwrap_or_default());
            }
            Some(id) if matches!(args.format, Format::Markdown) => parts.push(format!("# Plan {id}\n\n{output}")),
            Some(id) => parts.push(format!("== plan {id} ==\n{output}")),
        }
        // Exit without freeing whole plans: the OS reclaims them faster.
        std::mem::forget(comparison);
    }
    if !json.is_empty() {
        parts.push(format!("{}\n", serde_json::to_string_pretty(&json).unwrap_or_default()));
    }
    let code = i32::from(args.exit_code && changed);
    let mut clock = progress::Stopwatch::start();
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_all(parts.join("\n").as_bytes()).and_then(|()| stdout.flush());
    if let Err(e) = written {
        return Err(ui.fail(&[Diagnostic::error(format!("cannot write the diff: {e}"))]));
    }
    clock.lap("write");
    ui.timings(&clock.laps);
    std::process::exit(code)
}
