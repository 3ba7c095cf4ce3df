//! `statuspress notify`: what each audience's routes (its channels, an email to each of its
//! recipients) have not been told yet, delivered through the one delivery core `send` uses
//! (its ledger, its lock) and recorded there; for each plan, and in a portfolio for the
//! portfolio's own audiences too.

use serde_json::Value;

use super::{Plan, Project};
use crate::config::Config;
use crate::derive::Item;
use crate::diagnostics::Diagnostic;
use crate::model::{Kind, KindData};
use crate::progress::Stopwatch;
use crate::report::delivery::{Courier, Entry};
use crate::report::notices::{self, Due, Revisioned, Route};

pub struct NotifyOptions<'a> {
    /// Tell what changed since this revision instead of since the ledger's last delivery.
    pub since: Option<&'a str>,
    pub audience: Option<&'a str>,
    /// Say what would go where; connect to nothing, record nothing.
    pub dry_run: bool,
    /// Prints a line on stderr (that the run waits for another one).
    pub say: &'a dyn Fn(&str),
}

/// What a run of `notify` did: one line of data per message delivered (or, in a dry run,
/// that would be), and what failed (each failure stops its route only).
#[derive(Default)]
pub struct Told {
    pub report: Vec<Value>,
    pub failures: Vec<Diagnostic>,
    /// Whether `--audience` named an audience of the project.
    known: bool,
}

impl Told {
    /// What was done for `plan`, its lines naming the plan and its failures named from the
    /// portfolio's root (in a portfolio).
    fn absorb(&mut self, done: Told, plan: &Plan) {
        self.report.extend(done.report.into_iter().map(|mut line| {
            if !plan.folder.is_empty() {
                line["plan"] = Value::String(plan.folder.clone());
            }
            line
        }));
        self.failures.extend(plan.named(done.failures));
        self.known |= done.known;
    }
}

impl Project {
    /// Delivers to every audience (or one) what it has not been told yet, recording each
    /// delivery in the plan's ledger at once. A failing route does not stop the others.
    pub fn notify(&self, options: &NotifyOptions<'_>, clock: &mut Stopwatch) -> Result<Told, Vec<Diagnostic>> {
        let mut told = Told::default();
        for plan in &self.plans {
            let done = self.notify_plan(plan, options, clock).map_err(|d| plan.named(d))?;
            told.absorb(done, plan);
        }
        if self.portfolio {
            self.notify_portfolio(options, clock, &mut told)?;
        }
        if let (Some(id), false) = (options.audience, told.known) {
            return Err(vec![Diagnostic::error(format!("no audience `{id}`"))]);
        }
        Ok(told)
    }

    /// One plan's audiences, with the plan's ledger (in its `.statuspress/`).
    fn notify_plan(
        &self,
        plan: &Plan,
        options: &NotifyOptions<'_>,
        clock: &mut Stopwatch,
    ) -> Result<Told, Vec<Diagnostic>> {
        let revisions = self.committed(plan, clock)?;
        let Some(current) = revisions.last().map(|(_, s)| *s) else {
            // Not a failure: a new plan repository has nothing to tell yet.
            let warning = Diagnostic::warning("no committed revision to notify of yet: nothing is sent").help(
                "notify tells what changed between committed revisions (tags, with `[revisions] mode = \"tags\"`)",
            );
            return Ok(Told { failures: vec![warning], known: true, ..Told::default() });
        };
        let audiences: Vec<&Item> = current.items[Kind::Audience]
            .iter()
            .filter(|a| options.audience.is_none_or(|id| a.id().eq_ignore_ascii_case(id)))
            .collect();
        let mut told = Told { known: !audiences.is_empty(), ..Told::default() };
        if audiences.is_empty() && (self.portfolio || options.audience.is_some()) {
            return Ok(told);
        }
        let since = options.since.map(|rev| position(&revisions, rev)).transpose().map_err(|d| vec![d])?;
        let mut courier = Courier::open(&plan.root, &plan.config, options.dry_run, options.say).map_err(|d| vec![d])?;
        for audience in audiences {
            let due = notices::due(audience, audience.id(), &revisions, &plan.config, &courier.ledger, since);
            tell(&mut courier, audience, &due, &plan.config, &mut told)?;
        }
        Ok(told)
    }

    /// The portfolio's own audiences (`audiences/` at its root): every plan's notices, each
    /// plan seen through the audience's redaction exactly as in `send`'s digest (a
    /// confidential record of any plan never reaches an external audience), with the
    /// portfolio's ledger. Its entries name the audience and the plan (`ops@qa`): the plans'
    /// revisions share names.
    fn notify_portfolio(
        &self,
        options: &NotifyOptions<'_>,
        clock: &mut Stopwatch,
        told: &mut Told,
    ) -> Result<(), Vec<Diagnostic>> {
        let audiences: Vec<Item> = super::portfolio::audiences(&self.root)?
            .into_iter()
            .filter(|a| options.audience.is_none_or(|id| a.id().eq_ignore_ascii_case(id)))
            .collect();
        if audiences.is_empty() {
            return Ok(());
        }
        told.known = true;
        let mut courier = Courier::open(&self.root, &self.config, options.dry_run, options.say).map_err(|d| vec![d])?;
        for plan in &self.plans {
            let revisions = self.committed(plan, clock).map_err(|d| plan.named(d))?;
            let since = options.since.map(|rev| position(&revisions, rev)).transpose();
            let since = since.map_err(|d| plan.named(vec![d]))?;
            for audience in &audiences {
                let key = format!("{}@{}", audience.id(), plan.id);
                let due = notices::due(audience, &key, &revisions, &plan.config, &courier.ledger, since);
                tell(&mut courier, audience, &due, &self.config, told)?;
            }
        }
        Ok(())
    }

    /// The plan's committed revisions that could be read. The working tree is nobody's news
    /// yet, and a ledger entry for it would name a different state on the next run.
    fn committed<'a>(&'a self, plan: &'a Plan, clock: &mut Stopwatch) -> Result<Vec<Revisioned<'a>>, Vec<Diagnostic>> {
        let snapshots = self.readable_history(plan, clock)?;
        Ok(snapshots
            .iter()
            .filter(|s| s.revision.commit.is_some())
            .filter_map(|s| s.status.as_deref().map(|status| (&s.revision, status)))
            .collect())
    }
}

/// Delivers what is due for `audience`, route by route; a route that fails keeps its later
/// messages for a rerun (which starts from the last one told) and the others go on.
fn tell(
    courier: &mut Courier<'_>,
    audience: &Item,
    due: &[Due],
    config: &Config,
    told: &mut Told,
) -> Result<(), Vec<Diagnostic>> {
    let KindData::Audience(record) = &audience.record.data else { return Ok(()) };
    for route in notices::routes(record) {
        let name = route.name();
        let mine: Vec<&Due> = due.iter().filter(|d| d.channel == name).collect();
        if mine.is_empty() {
            continue;
        }
        // A dry run checks the settings only: it makes no connection, nor anything to make one.
        let ready = notices::check(route, config)
            .and_then(|()| if courier.dry_run() { Ok(()) } else { courier.ready(route).map_err(|d| d.message) });
        if let Err(why) = ready {
            told.failures.push(failed(audience.id(), &name, &why, mine.len()));
            continue;
        }
        for (i, item) in mine.iter().enumerate() {
            if courier.dry_run() {
                told.report.push(line(item, route, config, "would send"));
                continue;
            }
            let unrecorded = |d: Diagnostic| {
                vec![d.note(format!("{name} got a message that is not recorded: a rerun would send it again"))]
            };
            if let Err(why) = send(courier, audience, route, item, config).map_err(unrecorded)? {
                told.failures.push(failed(audience.id(), &name, &why, mine.len() - i));
                break;
            }
            told.report.push(line(item, route, config, "sent"));
        }
    }
    Ok(())
}

/// One message on one route, recorded once accepted: the outer error is the ledger's, the
/// inner one why the route did not take it.
fn send(
    courier: &mut Courier<'_>,
    audience: &Item,
    route: Route<'_>,
    due: &Due,
    config: &Config,
) -> Result<Result<(), String>, Diagnostic> {
    let recipient = match route {
        Route::Channel(channel) => return courier.post(channel, due),
        Route::Email(recipient) => recipient,
    };
    if let Some(why) = courier.gave_up() {
        return Ok(Err(format!("not tried, {why}")));
    }
    let view = crate::report::AudienceView::of(audience);
    let email = crate::report::email::build_notice(config, &due.notice, view.as_ref())?;
    let sent = courier.mail(&email, recipient, Entry::Notified(notices::entry(due)))?;
    Ok(sent.map_err(|failure| failure.to_string()))
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
fn line(due: &Due, route: Route<'_>, config: &Config, what: &'static str) -> Value {
    serde_json::json!({
        "status": what,
        "audience": due.audience,
        "channel": due.channel,
        "action": due.action,
        "period": due.notice.period,
        "revision": due.notice.revision,
        "events": due.notice.events.iter().map(|e| e.kind).collect::<Vec<_>>(),
        "headline": due.notice.lead.join(" "),
        "payload": notices::payload(route, due, config),
    })
}
