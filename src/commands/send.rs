//! `statuspress send`: the week's report by email to every recipient, each once.

use std::path::Path;

use super::report::{pick_week, readable_history};
use super::{Failed, Ui, WeekArgs};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::Kind;
use crate::values::Date;
use crate::{derive, progress, render, report};

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
    let options = SendOptions {
        week: args.when.week.as_deref(),
        audience: args.audience.as_deref(),
        dry_run: args.dry_run,
        force: args.force,
        send_unchanged: args.send_unchanged,
        as_of,
        progress: &*progress,
    };
    let mut clock = progress::Stopwatch::start();
    let (outcome, week) = send(&ui.root, &options, &mut clock).map_err(|d| ui.fail(&d))?;
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

pub struct SendOptions<'a> {
    pub week: Option<&'a str>,
    pub audience: Option<&'a str>,
    pub dry_run: bool,
    /// Send again what the ledger says was sent.
    pub force: bool,
    /// Send a week's report even when nothing changed.
    pub send_unchanged: bool,
    pub as_of: Date,
    /// Told of each message as it is sent or skipped.
    pub progress: &'a dyn progress::Progress,
}

/// Sends the week's report to every recipient of every audience (or of one), one message
/// per recipient, recording each accepted one in the ledger right away. Timed on `clock`:
/// reading the history as `report` does, then `render and send`.
pub fn send(
    root: &Path,
    options: &SendOptions<'_>,
    clock: &mut progress::Stopwatch,
) -> Result<(report::send::Outcome, String), Vec<Diagnostic>> {
    use report::send::{Ledger, Mailer, Outcome, Sent};
    let config = Config::load(root)?;
    report::send::require_settings(&config.email).map_err(|d| vec![d])?;
    let zone = config.report.zone();
    let week = pick_week(options.week, options.as_of)?;
    let snapshots = readable_history(root, &config, options.as_of, clock)?;
    let current = snapshots
        .last()
        .and_then(|s| s.status.as_ref())
        .ok_or_else(|| vec![Diagnostic::error("no readable revision")])?;
    let audiences: Vec<&derive::Item> = current.items[Kind::Audience]
        .iter()
        .filter(|a| options.audience.is_none_or(|id| a.id().eq_ignore_ascii_case(id)))
        .collect();
    if audiences.is_empty() {
        let id = options.audience.unwrap_or("");
        return Err(vec![Diagnostic::error(if id.is_empty() {
            "no audiences: add records under content/audiences/".to_string()
        } else {
            format!("no audience `{id}`")
        })]);
    }
    let (now, before) = report::revisions_for(&snapshots, week, zone).ok_or_else(|| {
        vec![Diagnostic::error(format!("no revision at or before the end of {week} ({})", week.sunday()))]
    })?;
    let templates = render::templates::effective(root)?;
    let tera = render::templates::engine(&templates)?;
    let reporter = render::reports::Reporter { tera: &tera, templates: &templates, config: &config };
    let mailer = if options.dry_run { None } else { Some(Mailer::new(root, &config.email.smtp).map_err(|d| vec![d])?) };
    let mut ledger = Ledger::load(root).map_err(|d| vec![d])?;
    let mut outcome = Outcome::default();
    // The first recipient the server failed without a reply: the rest are not tried, for each
    // would wait out the same timeouts and retries.
    let mut server_failed_for: Option<String> = None;
    // One unit per recipient, or one for an audience without any (it is skipped as a whole).
    let messages = audiences.iter().filter_map(|a| report::AudienceView::of(a)).map(|a| a.recipients.len().max(1));
    options.progress.start("sending", messages.sum::<usize>() as u64);
    for audience in audiences {
        let delivered = reporter.deliver(week, (now, before), Some(audience), None, &config.site.base_url);
        let Some(render::reports::Delivery { report: built, email, .. }) = delivered.map_err(|d| vec![d])? else {
            continue;
        };
        let id = audience.id().to_string();
        let recipients = built.audience.as_ref().map(|a| a.recipients.clone()).unwrap_or_default();
        if recipients.is_empty() {
            outcome.skipped.push((id, String::new(), "the audience has no recipients".into()));
            options.progress.tick(1);
            continue;
        }
        if !built.changed && !options.send_unchanged {
            options.progress.tick(recipients.len() as u64);
            for r in recipients {
                outcome.skipped.push((id.clone(), r, format!("nothing changed in {week} (use --send-unchanged)")));
            }
            continue;
        }
        for recipient in recipients {
            options.progress.tick(1);
            if let Some(done) = ledger.contains(&built.week, &id, &recipient).filter(|_| !options.force) {
                outcome.skipped.push((
                    id.clone(),
                    recipient,
                    format!("already sent on {} as {} (use --force)", done.sent_at, done.message_id),
                ));
                continue;
            }
            let Some(mailer) = &mailer else {
                outcome.skipped.push((id.clone(), recipient, format!("dry run: would send “{}”", email.subject)));
                continue;
            };
            if let Some(first) = &server_failed_for {
                outcome.skipped.push((id.clone(), recipient, format!("not tried, the server failed for {first}")));
                continue;
            }
            match mailer.send_to(&email.message, &recipient) {
                Ok(()) => {
                    ledger.sent.push(Sent {
                        week: built.week.clone(),
                        audience: id.clone(),
                        recipient: recipient.clone(),
                        message_id: email.message_id.clone(),
                        sent_at: report::send::now_rfc3339(),
                    });
                    ledger.save(root).map_err(|d| {
                        vec![d.note(format!(
                            "{recipient} got the {week} report, but that is not recorded: a rerun would send it again"
                        ))]
                    })?;
                    outcome.sent.push((id.clone(), recipient));
                }
                Err(why) => {
                    outcome.failures.push(
                        Diagnostic::error(format!(
                            "sending the {week} report to {recipient} (audience `{id}`) failed: {why}"
                        ))
                        .note(format!("server: {}", mailer.describe)),
                    );
                    if why.no_reply {
                        server_failed_for = Some(recipient);
                    }
                }
            }
        }
    }
    options.progress.finish();
    clock.lap("render and send");
    Ok((outcome, week.to_string()))
}
