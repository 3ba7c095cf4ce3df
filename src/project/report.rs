//! A week's report of a plan for an audience, and a portfolio's digest of every plan's, as
//! `report` prints them and `send` mails them.

use super::{Plan, Project};
use crate::derive::redact::Redaction;
use crate::diagnostics::{self, Diagnostic};
use crate::history::snapshots::Snapshot;
use crate::model::Kind;
use crate::progress::{self, Stopwatch};
use crate::values::{Date, Week, Zone};
use crate::{render, report};

/// A plan's report, or a portfolio's digest with its forms.
pub enum Weekly {
    Plan(Box<render::reports::Delivery>),
    Digest(Box<Digest>),
}

/// A portfolio's digest, rendered, and its email.
pub type Digest = (report::digest::Digest, render::reports::Rendered, report::email::Email);

/// Whom a report is for.
#[derive(Clone, Copy)]
pub enum Audience<'a> {
    /// The full, internal report.
    Everyone,
    /// An audience of the plan, by id.
    Id(&'a str),
    /// An audience of the portfolio.
    Given(&'a crate::derive::Item),
}

impl Project {
    /// The report of `week` for `audience` (default: the full internal report) as `report`
    /// prints it: the plan's, `plan`'s in a portfolio, or else the portfolio's digest; with
    /// the base of the site's links.
    pub fn report(
        &self,
        week: Option<&str>,
        audience: Option<&str>,
        plan: Option<&str>,
        clock: &mut Stopwatch,
    ) -> Result<(Weekly, String), Vec<Diagnostic>> {
        if self.portfolio && plan.is_none() {
            let digest = self.digest(week, audience, clock)?;
            return Ok((Weekly::Digest(Box::new(digest)), self.config.site.base_url.clone()));
        }
        let plan = self.plan(plan).map_err(|d| vec![d])?;
        let who = audience.map_or(Audience::Everyone, Audience::Id);
        let weekly = self.weekly_report(plan, week, who, clock)?;
        let base = plan.config.site.base_url.clone();
        let base = if plan.id.is_empty() || base.is_empty() { base } else { format!("{base}{}/", plan.id) };
        Ok((Weekly::Plan(Box::new(weekly)), base))
    }

    /// The digest of a portfolio for `audience` (one of its own, `audiences/`; default:
    /// everyone), made from each plan's report for that audience. Each plan's history is read
    /// once for all the digests of a run.
    pub fn digest(
        &self,
        week: Option<&str>,
        audience: Option<&str>,
        clock: &mut Stopwatch,
    ) -> Result<Digest, Vec<Diagnostic>> {
        let audiences = super::portfolio::audiences(&self.root)?;
        let item = match audience {
            None => None,
            Some(id) => Some(audiences.iter().find(|a| a.id().eq_ignore_ascii_case(id)).ok_or_else(|| {
                let ids: Vec<&str> = audiences.iter().map(|a| a.id()).collect();
                vec![
                    Diagnostic::error(format!(
                        "no audience `{id}` in `{}/` of the portfolio",
                        super::portfolio::AUDIENCES_DIR
                    ))
                    .with_help(
                        diagnostics::did_you_mean(id, ids.iter().copied()).map(|s| format!("did you mean `{s}`?")),
                    )
                    .note("a plan's own audiences get its report: pass `--plan ID`"),
                ]
            })?),
        };
        self.digest_for(week, item, clock)
    }

    /// [`Project::digest`] for `item`, an audience of the portfolio's own (already read).
    pub(super) fn digest_for(
        &self,
        week: Option<&str>,
        item: Option<&crate::derive::Item>,
        clock: &mut Stopwatch,
    ) -> Result<Digest, Vec<Diagnostic>> {
        let who = item.map_or(Audience::Everyone, Audience::Given);
        let mut reports = Vec::new();
        for plan in &self.plans {
            let weekly = self.weekly_report(plan, week, who, clock).map_err(|d| plan.named(d))?;
            reports.push((plan.id.clone(), weekly.report));
        }
        let config = &self.config;
        let title = config.site.title.clone().unwrap_or_else(|| "Portfolio".into());
        let digest = report::digest::build(&title, &reports, item.and_then(report::AudienceView::of))
            .ok_or_else(|| vec![Diagnostic::error("the portfolio has no plan to report on")])?;
        let reporter = render::reports::Reporter::new(self.theme()?, config);
        let (rendered, email) =
            render::reports::deliver_digest(&reporter, &digest, &config.site.base_url).map_err(|d| vec![d])?;
        Ok((digest, rendered, email))
    }

    /// The report of `week` (default: the last complete week of the as-of date) for
    /// `audience` (default: the full internal report), from the whole history of `plan`.
    /// Reading the history is timed on `clock`.
    pub fn weekly_report(
        &self,
        plan: &Plan,
        week: Option<&str>,
        audience: Audience<'_>,
        clock: &mut Stopwatch,
    ) -> Result<render::reports::Delivery, Vec<Diagnostic>> {
        let of_week = self.week_of(plan, week, clock)?;
        let audience_item = match audience {
            Audience::Everyone => None,
            Audience::Given(item) => Some(item),
            Audience::Id(id) => Some(plan_audience(of_week.current, id)?),
        };
        let reporter = render::reports::Reporter::new(self.theme()?, &plan.config);
        of_week
            .deliver(&reporter, audience_item)?
            .ok_or_else(|| vec![Diagnostic::error("the revision of that week could not be read")])
    }

    /// What every report of `week` of `plan` (default: the last complete week of the as-of
    /// date) is made from: `report` and `send` start here.
    pub(super) fn week_of<'p>(
        &self,
        plan: &'p Plan,
        week: Option<&str>,
        clock: &mut Stopwatch,
    ) -> Result<WeekOf<'p>, Vec<Diagnostic>> {
        let zone = plan.config.report.zone();
        let explicit = parse_week(week)?;
        let snapshots = self.readable_history(plan, clock)?;
        let week = report_week(explicit, snapshots, self.as_of, zone);
        let Some(current) = snapshots.last().and_then(|s| s.status.as_deref()) else {
            return Err(vec![Diagnostic::error("no readable revision")]);
        };
        let sides = report::revisions_for(snapshots, week, zone).ok_or_else(|| {
            vec![
                Diagnostic::error(format!("no revision at or before the end of {week} ({})", week.sunday()))
                    .help("choose a later week with `--week YYYY-Www`"),
            ]
        })?;
        let statuses = snapshots.iter().filter_map(|s| s.status.as_deref());
        let confidential = crate::derive::redact::confidential(statuses);
        let certified = report::certified_in(snapshots, sides.0, sides.1);
        Ok(WeekOf { plan, current, week, sides, confidential, certified })
    }

    /// Every revision of `plan`, read once per run; fails when the newest one (today's plan)
    /// has errors. Timed on `clock` like a build: read working tree, history discovery, read,
    /// parse, derive.
    pub fn readable_history<'p>(
        &self,
        plan: &'p Plan,
        clock: &mut Stopwatch,
    ) -> Result<&'p [Snapshot], Vec<Diagnostic>> {
        plan.working().map_err(|d| vec![d])?;
        clock.lap("read working tree");
        plan.history(self.as_of).map_err(|d| vec![d])?;
        clock.lap("history discovery");
        let snapshots = plan.snapshots(self.as_of, &progress::Silent, clock).map_err(|d| vec![d])?;
        match snapshots.last() {
            Some(newest) if newest.status.is_none() => {
                Err(newest.diagnostics.iter().filter(|d| d.is_error()).cloned().collect())
            }
            Some(_) => Ok(snapshots),
            None => Err(vec![Diagnostic::error("no revision to report on")]),
        }
    }
}

/// One week of a plan's history: its revision and the one it is compared with.
pub(super) struct WeekOf<'p> {
    plan: &'p Plan,
    /// Today's plan.
    pub current: &'p crate::derive::Status,
    pub week: Week,
    sides: (&'p Snapshot, Option<&'p Snapshot>),
    /// The records confidential in any revision, which an external audience does not see.
    confidential: std::collections::HashSet<String>,
    /// The revision of the week that certified GO, if one did.
    certified: Option<report::RevisionRef>,
}

impl WeekOf<'_> {
    /// The week's report for `audience` (`None`: the full internal one), redacted for it;
    /// `None` when the week's revision could not be read.
    pub fn deliver(
        &self,
        reporter: &render::reports::Reporter<'_>,
        audience: Option<&crate::derive::Item>,
    ) -> Result<Option<render::reports::Delivery>, Vec<Diagnostic>> {
        let config = &self.plan.config;
        let reader = audience.map(|a| Redaction::for_audience(a, &self.confidential, config.neighbours.as_deref()));
        let certified = self.certified.clone();
        reporter
            .deliver(self.week, self.sides, reader.as_ref(), None, certified, &config.site.base_url)
            .map_err(|d| vec![d])
    }
}

/// The audience `id` of the plan whose status today is `current`.
fn plan_audience<'a>(current: &'a crate::derive::Status, id: &str) -> Result<&'a crate::derive::Item, Vec<Diagnostic>> {
    let audiences = &current.items[Kind::Audience];
    audiences.iter().find(|a| a.id().eq_ignore_ascii_case(id)).ok_or_else(|| {
        let ids: Vec<&str> = audiences.iter().map(|a| a.id()).collect();
        vec![
            Diagnostic::error(format!("no audience `{id}`"))
                .with_help(diagnostics::did_you_mean(id, ids.iter().copied()).map(|s| format!("did you mean `{s}`?")))
                .note(format!(
                    "audiences: {}",
                    if ids.is_empty() {
                        "none (add records under content/audiences/)".to_string()
                    } else {
                        ids.join(", ")
                    }
                )),
        ]
    })
}

/// The week `report` and `send` are about: `--week` (`explicit`), else by default the last
/// complete week of `as_of`, as a weekly report is written after its week. A fresh project
/// (no git, or no tag yet) has only its working tree, dated `as_of`, which lies after that
/// week; rather than fail, the report is then the current week's so far: what a user running
/// `report` or `send` right after `init` expects is the plan as it stands. One function for
/// both commands, so that what `report` shows is what `send` sends.
pub fn report_week(explicit: Option<Week>, snapshots: &[Snapshot], as_of: Date, zone: Zone) -> Week {
    explicit.unwrap_or_else(|| {
        let last = Week::last_complete(as_of);
        if report::revisions_for(snapshots, last, zone).is_some() { last } else { Week::of(as_of) }
    })
}

/// `--week`, checked before any history is read.
pub fn parse_week(week: Option<&str>) -> Result<Option<Week>, Vec<Diagnostic>> {
    week.map(|text| Week::parse(text).map_err(|why| vec![Diagnostic::error(format!("invalid --week: {why}"))]))
        .transpose()
}
