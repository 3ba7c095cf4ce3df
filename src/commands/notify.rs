//! `statuspress notify`: what each audience has not been told yet, delivered and recorded
//! by the project (`Project::notify`), printed here.

use super::{Failed, Ui, date_arg};
use crate::progress;
use crate::project::Project;
use crate::project::notify::NotifyOptions;

#[derive(clap::Args)]
pub struct Args {
    /// Tell what changed since this revision (a tag or a commit), instead of since the last
    /// delivery in the ledger.
    #[arg(long)]
    since: Option<String>,
    /// Only this audience.
    #[arg(long)]
    audience: Option<String>,
    /// Show what would go where; connect to nothing, record nothing.
    #[arg(long)]
    dry_run: bool,
    /// How to print the dry run or the deliveries.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// "Today" for derived status (overdue, stale), as in `report` (YYYY-MM-DD).
    #[arg(long, value_parser = date_arg)]
    as_of: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: &Args, ui: &Ui) -> Result<(), Failed> {
    let as_of = ui.as_of(args.as_of.as_deref())?;
    let mut clock = progress::Stopwatch::start();
    let project = Project::load(&ui.root, as_of).map_err(|d| ui.fail(&d))?;
    let options = NotifyOptions {
        since: args.since.as_deref(),
        audience: args.audience.as_deref(),
        dry_run: args.dry_run,
        say: &|text| ui.info(text),
    };
    let told = project.notify(&options, &mut clock).map_err(|d| ui.fail(&d))?;
    print(ui, args.format, &told.report);
    ui.timings(&clock.laps);
    if ui.diagnostics(&told.failures, false) {
        ui.info("what was sent is recorded in .statuspress/sent.toml, so a rerun sends only what is missing");
        return Err(Failed);
    }
    Ok(())
}

fn print(ui: &Ui, format: Format, report: &[serde_json::Value]) {
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(report).unwrap_or_default()),
        Format::Text if report.is_empty() => ui.info("nothing to notify"),
        Format::Text => {
            for r in report {
                let kind = if r["action"] == "status" { "status comment" } else { "message" };
                ui.info(&format!(
                    "{} {kind} for {} to {} ({}): {}",
                    r["status"].as_str().unwrap_or_default(),
                    r["period"].as_str().unwrap_or_default(),
                    r["channel"].as_str().unwrap_or_default(),
                    r["audience"].as_str().unwrap_or_default(),
                    r["headline"].as_str().unwrap_or_default(),
                ));
            }
        }
    }
}
