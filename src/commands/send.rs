//! `statuspress send`: the week's report by email to every recipient, each once.

use super::{Failed, Ui, WeekArgs};
use crate::progress;
use crate::project::Project;
use crate::project::send::SendOptions;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    when: WeekArgs,
    /// Only this audience.
    #[arg(long)]
    audience: Option<String>,
    /// Show what would be sent, connect to nothing.
    #[arg(long)]
    dry_run: bool,
    /// Send again what the sent-ledger says was already sent.
    #[arg(long)]
    force: bool,
    /// Send even when nothing changed that week.
    #[arg(long)]
    send_unchanged: bool,
}

pub fn run(args: &Args, ui: &Ui) -> Result<(), Failed> {
    let as_of = ui.as_of(args.when.as_of.as_deref())?;
    let progress = ui.progress();
    let say = |text: &str| ui.info(text);
    let options = SendOptions {
        week: args.when.week.as_deref(),
        audience: args.audience.as_deref(),
        dry_run: args.dry_run,
        force: args.force,
        send_unchanged: args.send_unchanged,
        progress: &*progress,
        say: &say,
    };
    let mut clock = progress::Stopwatch::start();
    let project = Project::load(&ui.root, as_of).map_err(|d| ui.fail(&d))?;
    let (outcome, week) = project.send(&options, &mut clock).map_err(|d| ui.fail(&d))?;
    for (audience, recipient) in &outcome.sent {
        ui.info(&format!("sent {week} to {recipient} ({audience})"));
    }
    for (audience, recipient, why) in &outcome.skipped {
        let who = if recipient.is_empty() { "everyone" } else { recipient };
        ui.info(&format!("skipped {week} for {who} ({audience}): {why}"));
    }
    ui.timings(&clock.laps);
    if ui.diagnostics(&outcome.failures, false) {
        ui.info("the messages above were not sent; those sent are in .statuspress/sent.toml, so a rerun sends only what is missing");
        return Err(Failed);
    }
    Ok(())
}
