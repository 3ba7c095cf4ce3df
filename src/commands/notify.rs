//! `statuspress notify`: what each audience's channels have not been told yet, delivered
//! and recorded in the ledger that `send` keeps, under its lock.

use std::path::Path;

use super::{Failed, Ui};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::records::Channel;
use crate::model::{Kind, KindData};
use crate::progress;
use crate::project::Project;
use crate::report::notices::{self, Due, Revisioned};
use crate::report::send::{Ledger, LedgerLock};

#[derive(clap::Args)]
pub struct Args {
    /// Tell what changed since this revision (a tag, `working`, or a commit), instead of
    /// since the last delivery in the ledger.
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
    /// "Today" for derived status (overdue, stale), as in `report`.
    #[arg(long)]
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
    // A portfolio: each plan's audiences from the plan's history, with the plan's ledger.
    let project = Project::load(&ui.root, as_of).map_err(|d| ui.fail(&d))?;
    let mut run = Run::default();
    for plan in project.plans() {
        let folder = plan.folder.as_str();
        let target =
            Plan { project: &project, plan, root: &plan.root, config: &plan.config, portfolio: !folder.is_empty() };
        match target.notify(args, ui, &mut clock) {
            Ok(done) => run.absorb(done, folder),
            Err(problems) => return Err(ui.fail(&under(problems, folder))),
        }
    }
    if let (Some(id), false) = (&args.audience, run.known) {
        return Err(ui.fail(&[Diagnostic::error(format!("no audience `{id}`"))]));
    }
    print(ui, args.format, &run.report);
    ui.timings(&clock.laps);
    if ui.diagnostics(&run.failures, false) {
        ui.info("what was sent is recorded in .statuspress/sent.toml, so a rerun sends only what is missing");
        return Err(Failed);
    }
    Ok(())
}

/// One plan to notify for: the project's plan, its root (and ledger), its config.
struct Plan<'a> {
    project: &'a Project,
    plan: &'a crate::project::Plan,
    root: &'a Path,
    config: &'a Config,
    /// A plan of a portfolio: an `--audience` may belong to another plan.
    portfolio: bool,
}

/// What a run (or one plan of it) did.
#[derive(Default)]
struct Run {
    report: Vec<serde_json::Value>,
    failures: Vec<Diagnostic>,
    /// Whether `--audience` named an audience of this plan.
    known: bool,
}

impl Run {
    fn absorb(&mut self, plan: Run, folder: &str) {
        self.report.extend(plan.report.into_iter().map(|mut line| {
            if !folder.is_empty() {
                line["plan"] = serde_json::Value::String(folder.to_string());
            }
            line
        }));
        self.failures.extend(under(plan.failures, folder));
        self.known |= plan.known;
    }
}

/// Diagnostics of a portfolio's plan, named from the portfolio's root.
fn under(diagnostics: Vec<Diagnostic>, folder: &str) -> Vec<Diagnostic> {
    if folder.is_empty() { diagnostics } else { diagnostics.into_iter().map(|d| d.under(folder)).collect() }
}

impl Plan<'_> {
    fn notify(&self, args: &Args, ui: &Ui, clock: &mut progress::Stopwatch) -> Result<Run, Vec<Diagnostic>> {
        let snapshots = self.project.readable_history(self.plan, clock)?;
        // Committed revisions only: the working tree is nobody's news yet, and a ledger entry
        // for it would name a different state on the next run.
        let revisions: Vec<Revisioned<'_>> = snapshots
            .iter()
            .filter(|s| s.revision.commit.is_some())
            .filter_map(|s| s.status.as_deref().map(|status| (&s.revision, status)))
            .collect();
        let Some(current) = revisions.last().map(|(_, s)| *s) else {
            // Not a failure: a new plan repository has nothing to tell yet.
            let warning = Diagnostic::warning("no committed revision to notify of yet: nothing is sent").help(
                "notify tells what changed between committed revisions (tags, with `[revisions] mode = \"tags\"`)",
            );
            return Ok(Run { failures: vec![warning], known: true, ..Run::default() });
        };
        let audiences: Vec<&crate::derive::Item> = current.items[Kind::Audience]
            .iter()
            .filter(|a| args.audience.as_deref().is_none_or(|id| a.id().eq_ignore_ascii_case(id)))
            .collect();
        let mut run = Run { known: !audiences.is_empty(), ..Run::default() };
        if audiences.is_empty() && (self.portfolio || args.audience.is_some()) {
            return Ok(run);
        }
        let since = match args.since.as_deref() {
            Some(rev) => Some(position(&revisions, rev).map_err(|d| vec![d])?),
            None => None,
        };
        // A dry run takes no lock (it must not wait for a real run, nor create files).
        let _lock = if args.dry_run {
            None
        } else {
            Some(LedgerLock::acquire(self.root, &|t| ui.info(t)).map_err(|d| vec![d])?)
        };
        let mut ledger = Ledger::load(self.root).map_err(|d| vec![d])?;
        let client = notices::http::Client::new(self.root, &self.config.notify).map_err(|d| vec![d])?;
        for audience in audiences {
            let KindData::Audience(record) = &audience.record.data else { continue };
            let due = notices::due(audience, &revisions, self.config, &ledger, since);
            for channel in &record.channels {
                let name = channel.name();
                let mine: Vec<&Due> = due.iter().filter(|d| d.channel == name).collect();
                if mine.is_empty() {
                    continue;
                }
                if let Err(why) = notices::check(channel, self.config) {
                    run.failures.push(failed(audience.id(), &name, &why, mine.len()));
                    continue;
                }
                for (i, item) in mine.iter().enumerate() {
                    if args.dry_run {
                        run.report.push(line(item, channel, "would send"));
                        continue;
                    }
                    match notices::deliver(&client, channel, item, self.config) {
                        Ok(()) => {
                            notices::record(&mut ledger, self.root, item).map_err(|d| {
                                vec![d.note(format!(
                                    "{name} got a message that is not recorded: a rerun would send it again"
                                ))]
                            })?;
                            run.report.push(line(item, channel, "sent"));
                        }
                        Err(why) => {
                            // Later messages wait: a rerun starts from the last one told.
                            run.failures.push(failed(audience.id(), &name, &why, mine.len() - i));
                            break;
                        }
                    }
                }
            }
        }
        Ok(run)
    }
}

/// The index of `rev` among the readable revisions: a tag or revision id, or a commit.
fn position(revisions: &[Revisioned<'_>], rev: &str) -> Result<usize, Diagnostic> {
    revisions
        .iter()
        .position(|(r, _)| r.id == rev || (rev.len() >= 7 && r.commit.as_deref().is_some_and(|c| c.starts_with(rev))))
        .ok_or_else(|| {
            let known: Vec<&str> = revisions.iter().map(|(r, _)| r.id.as_str()).collect();
            Diagnostic::error(format!("--since `{rev}` is not a readable revision of this plan"))
                .help(format!("use one of: {}", known.join(", ")))
        })
}

fn failed(audience: &str, channel: &str, why: &str, left: usize) -> Diagnostic {
    Diagnostic::error(format!("notifying {channel} (audience `{audience}`) failed: {why}"))
        .note(format!("{} not delivered", crate::values::count(left as i64, "message")))
}

/// One delivery (or dry-run delivery) as data.
fn line(due: &Due, channel: &Channel, what: &'static str) -> serde_json::Value {
    serde_json::json!({
        "status": what,
        "audience": due.audience,
        "channel": due.channel,
        "action": due.action,
        "period": due.notice.period,
        "revision": due.notice.revision,
        "events": due.notice.events.iter().map(|e| e.kind).collect::<Vec<_>>(),
        "headline": due.notice.lead.join(" "),
        "payload": notices::payload(channel, due),
    })
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
