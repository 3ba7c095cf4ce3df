//! The week's report by email (`statuspress send`): each audience's recipients, each message
//! once (the sent-ledger), for a plan or for every plan of a portfolio and its digest.

use std::path::Path;

use super::report::parse_week;
use super::{Plan, Project};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::Kind;
use crate::progress::{self, Stopwatch};
use crate::report::delivery::{Courier, Entry};
use crate::report::send::Blame;
use crate::{derive, render, report};

pub struct SendOptions<'a> {
    pub week: Option<&'a str>,
    pub audience: Option<&'a str>,
    pub dry_run: bool,
    /// Send again what the ledger says was sent.
    pub force: bool,
    /// Send a week's report even when nothing changed.
    pub send_unchanged: bool,
    /// Told of each message as it is sent or skipped.
    pub progress: &'a dyn progress::Progress,
    /// Prints a line on stderr (that the run waits for another one).
    pub say: &'a dyn Fn(&str),
}

/// What a run of `send` did, and the week it was about.
pub type Sent = (report::send::Outcome, String);

impl Project {
    /// Sends the week's report to every recipient of every audience (or of one), one
    /// message per recipient, recording each accepted one in the ledger right away; in a
    /// portfolio, each plan's to its audiences and the digest to the portfolio's.
    pub fn send(&self, options: &SendOptions<'_>, clock: &mut Stopwatch) -> Result<Sent, Vec<Diagnostic>> {
        if self.portfolio {
            self.send_portfolio(options, clock)
        } else {
            self.send_plan(&self.plans[0], options, clock)
        }
    }

    /// One plan's reports, to its own audiences (its ledger in its `.statuspress/`). Timed on
    /// `clock`: reading the history as `report` does, then `render and send`.
    fn send_plan(
        &self,
        plan: &Plan,
        options: &SendOptions<'_>,
        clock: &mut Stopwatch,
    ) -> Result<Sent, Vec<Diagnostic>> {
        let (root, config) = (plan.root.as_path(), &plan.config);
        report::send::require_settings(&config.email).map_err(|d| vec![d])?;
        let of_week = self.week_of(plan, options.week, clock)?;
        let audiences: Vec<&derive::Item> = of_week.current.items[Kind::Audience]
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
        let reporter = render::reports::Reporter::new(self.theme()?, config);
        let mut postman = Postman::new(root, config, options)?;
        // One unit per recipient, or one for an audience without any (it is skipped as a whole).
        let messages = audiences.iter().filter_map(|a| report::AudienceView::of(a)).map(|a| a.recipients.len().max(1));
        options.progress.start("sending", messages.sum::<usize>() as u64);
        for audience in audiences {
            let Some(render::reports::Delivery { report: built, email, .. }) =
                of_week.deliver(&reporter, Some(audience))?
            else {
                continue;
            };
            let recipients = built.audience.as_ref().map(|a| a.recipients.clone()).unwrap_or_default();
            postman.deliver(audience.id(), &built.week, recipients, built.changed, &email)?;
        }
        options.progress.finish();
        clock.lap("render and send");
        Ok((postman.outcome, of_week.week.to_string()))
    }

    /// A portfolio's weekly mail: each plan's report to the plan's own audiences (its ledger in
    /// `plans/<plan-id>/.statuspress/`), and the digest of every plan to each audience of the
    /// portfolio's `audiences/` (its ledger at the portfolio's root). Each plan's history is
    /// read once, for its own report and every digest.
    fn send_portfolio(&self, options: &SendOptions<'_>, clock: &mut Stopwatch) -> Result<Sent, Vec<Diagnostic>> {
        let (root, config) = (self.root.as_path(), &self.config);
        report::send::require_settings(&config.email).map_err(|d| vec![d])?;
        // Each plan's default week is picked as `report` picks it for the digest; a bad `--week`
        // fails here, before any plan.
        let mut week = parse_week(options.week)?.map(|w| w.to_string());
        let audiences = super::portfolio::audiences(root)?;
        let mut outcome = report::send::Outcome::default();
        let mut known = false;
        for plan in &self.plans {
            let working = plan.working().map_err(|d| plan.named(vec![d]))?;
            if !working.iter().any(|f| f.content_path.starts_with("audiences/")) {
                continue;
            }
            match self.send_plan(plan, options, clock) {
                Ok((sent, plan_week)) => {
                    known = true;
                    week.get_or_insert(plan_week);
                    let named = |id: String| format!("{}/{id}", plan.id);
                    outcome.sent.extend(sent.sent.into_iter().map(|(a, r)| (named(a), r)));
                    outcome.skipped.extend(sent.skipped.into_iter().map(|(a, r, why)| (named(a), r, why)));
                    outcome.failures.extend(plan.named(sent.failures));
                    if sent.stopped {
                        // The login was refused: no other plan, no digest.
                        outcome.stopped = true;
                        return Ok((outcome, week.unwrap_or_default()));
                    }
                }
                // An audience named with `--audience` belongs to one plan (or to the portfolio).
                Err(_) if options.audience.is_some() => {}
                Err(problems) => return Err(plan.named(problems)),
            }
        }
        let mut postman = Postman::new(root, config, options)?;
        for audience in audiences.iter().filter(|a| options.audience.is_none_or(|id| a.id().eq_ignore_ascii_case(id))) {
            known = true;
            let (digest, _, email) = self.digest_for(options.week, Some(audience), clock)?;
            week.get_or_insert_with(|| digest.week.clone());
            let recipients = digest.audience.as_ref().map(|a| a.recipients.clone()).unwrap_or_default();
            postman.deliver(audience.id(), &digest.week, recipients, digest.changed, &email)?;
        }
        if !known {
            let id = options.audience.unwrap_or("");
            return Err(vec![Diagnostic::error(format!("no audience `{id}` in the portfolio or its plans"))]);
        }
        outcome.sent.extend(postman.outcome.sent);
        outcome.skipped.extend(postman.outcome.skipped);
        outcome.failures.extend(postman.outcome.failures);
        clock.lap("render and send");
        Ok((outcome, week.unwrap_or_default()))
    }
}

/// Sends one email to each recipient of an audience through the delivery core, minding the
/// ledger (each message goes once), a dry run, an unchanged week and a server that stopped
/// answering.
struct Postman<'a> {
    options: &'a SendOptions<'a>,
    courier: Courier<'a>,
    /// The server, `host:port (security)`, for failures; empty in a dry run.
    server: String,
    outcome: report::send::Outcome,
}

impl<'a> Postman<'a> {
    /// The ledger, locked, and the mailer, its settings and credentials checked before
    /// anything is sent (neither in a dry run).
    fn new(root: &'a Path, config: &'a Config, options: &'a SendOptions<'a>) -> Result<Postman<'a>, Vec<Diagnostic>> {
        let mut courier = Courier::open(root, config, options.dry_run, options.say).map_err(|d| vec![d])?;
        let server =
            if options.dry_run { String::new() } else { courier.mailer().map_err(|d| vec![d])?.describe.clone() };
        Ok(Postman { options, courier, server, outcome: Default::default() })
    }

    fn deliver(
        &mut self,
        id: &str,
        week: &str,
        recipients: Vec<String>,
        changed: bool,
        email: &report::email::Email,
    ) -> Result<(), Vec<Diagnostic>> {
        let (options, outcome) = (self.options, &mut self.outcome);
        let id = id.to_string();
        if recipients.is_empty() {
            outcome.skipped.push((id, String::new(), "the audience has no recipients".into()));
            options.progress.tick(1);
            return Ok(());
        }
        if !changed && !options.send_unchanged {
            options.progress.tick(recipients.len() as u64);
            for r in recipients {
                outcome.skipped.push((id.clone(), r, format!("nothing changed in {week} (use --send-unchanged)")));
            }
            return Ok(());
        }
        for recipient in recipients {
            options.progress.tick(1);
            if let Some(done) = self.courier.ledger.contains(week, &id, &recipient).filter(|_| !options.force) {
                outcome.skipped.push((
                    id.clone(),
                    recipient,
                    format!("already sent on {} as {} (use --force)", done.sent_at, done.message_id),
                ));
                continue;
            }
            if self.courier.dry_run() {
                outcome.skipped.push((id.clone(), recipient, format!("dry run: would send “{}”", email.subject)));
                continue;
            }
            if let Some(why) = self.courier.gave_up() {
                outcome.skipped.push((id.clone(), recipient, format!("not tried, {why}")));
                continue;
            }
            let entry = Entry::Sent(report::send::Sent {
                week: week.to_string(),
                audience: id.clone(),
                recipient: recipient.clone(),
                message_id: email.message_id.clone(),
                sent_at: String::new(),
            });
            let unrecorded = |d: Diagnostic| {
                vec![d.note(format!(
                    "{recipient} got the {week} report, but that is not recorded: a rerun would send it again"
                ))]
            };
            match self.courier.mail(email, &recipient, entry).map_err(unrecorded)? {
                Ok(()) => outcome.sent.push((id.clone(), recipient)),
                Err(why) => {
                    let failure = Diagnostic::error(format!(
                        "sending the {week} report to {recipient} (audience `{id}`) failed: {why}"
                    ))
                    .note(format!("server: {}", self.server));
                    outcome.failures.push(match why.blame {
                        Blame::Login => failure.help(
                            "nothing more is tried in this run, so that a wrong password cannot lock the account: \
                             check the variables that `[email.smtp] username_env` and `password_env` name, then run \
                             `statuspress send` again (what was sent is recorded)",
                        ),
                        _ => failure,
                    });
                    outcome.stopped |= why.blame == Blame::Login;
                }
            }
        }
        Ok(())
    }
}
