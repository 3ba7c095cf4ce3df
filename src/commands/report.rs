//! `statuspress report`: one week's report, for everyone or for one audience, in any format.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::{Failed, Ui, WeekArgs};
use crate::config::Config;
use crate::derive::redact::Redaction;
use crate::diagnostics::{self, Diagnostic};
use crate::model::Kind;
use crate::values::{Date, Week, Zone};
use crate::{history, load, progress, render, report};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    when: WeekArgs,
    /// An audience id (default: the full internal report). In a portfolio, an audience of
    /// its own `audiences/` (the digest), or of the plan given with `--plan`.
    #[arg(long)]
    audience: Option<String>,
    /// In a portfolio: this plan's report instead of the digest of every plan.
    #[arg(long)]
    plan: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// The email's HTML (CSS inlined), a standalone page.
    Html,
    /// Markdown that fits a GitHub or GitLab comment (at most 65,536 characters).
    Markdown,
    Text,
    /// The whole email, ready to send (RFC 5322).
    Eml,
    /// The report's data (what the templates get), for chat bots and scripts.
    Json,
}

pub fn run(args: &Args, ui: &Ui) -> Result<(), Failed> {
    let as_of = ui.as_of(args.when.as_of.as_deref())?;
    let mut clock = progress::Stopwatch::start();
    let week = args.when.week.as_deref();
    let audience = args.audience.as_deref().map_or(Audience::Everyone, Audience::Id);
    let (weekly, base) = match super::plans::load(&ui.root).map_err(|d| ui.fail(&d))? {
        None if args.plan.is_some() => return Err(ui.fail(&[super::plans::not_a_portfolio()])),
        None => {
            let config = Config::load(&ui.root).map_err(|d| ui.fail(&d))?;
            let weekly =
                weekly_report(&ui.root, &config, week, audience, as_of, &mut clock).map_err(|d| ui.fail(&d))?;
            (Weekly::Plan(Box::new(weekly)), config.site.base_url)
        }
        Some(plans) => match &args.plan {
            Some(id) => {
                let plan = super::plans::pick(plans, id).map_err(|d| ui.fail(&[d]))?;
                let weekly = weekly_report(&plan.root, &plan.config, week, audience, as_of, &mut clock)
                    .map_err(|d| ui.fail(&d))?;
                let base = plan.config.site.base_url.clone();
                (Weekly::Plan(Box::new(weekly)), if base.is_empty() { base } else { format!("{base}{}/", plan.id) })
            }
            None => {
                let config = Config::load(&ui.root).map_err(|d| ui.fail(&d))?;
                let digest = digest(&ui.root, &config, &plans, week, args.audience.as_deref(), as_of, &mut clock)
                    .map_err(|d| ui.fail(&d))?;
                (Weekly::Digest(Box::new(digest)), config.site.base_url)
            }
        },
    };
    clock.lap("render");
    let (rendered, email, data, week, readiness) = match &weekly {
        Weekly::Plan(w) => {
            let data = serde_json::to_vec_pretty(&w.report).unwrap_or_default();
            (&w.rendered, &w.email, data, w.report.week.clone(), w.report.readiness.to_string())
        }
        Weekly::Digest(d) => {
            let (digest, rendered, email) = d.as_ref();
            let nogo = digest.plans.iter().filter(|p| !p.go).count();
            let data = serde_json::to_vec_pretty(digest).unwrap_or_default();
            (rendered, email, data, digest.week.clone(), format!("{nogo} of {} plans NO-GO", digest.plans.len()))
        }
    };
    let bytes = match args.format {
        Format::Markdown => {
            let full = (!base.is_empty()).then(|| format!("{base}reports/{week}/index.html"));
            render::reports::fit_comment(&rendered.markdown, full.as_deref()).into_bytes()
        }
        Format::Json => [data, b"\n".to_vec()].concat(),
        Format::Text => rendered.text.clone().into_bytes(),
        Format::Html => report::email::inline_css(&rendered.email_html).map_err(|d| ui.fail(&[d]))?.into_bytes(),
        Format::Eml => email.message.formatted(),
    };
    let written = match &args.output {
        Some(path) => std::fs::write(path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => std::io::stdout().write_all(&bytes).map_err(|e| format!("cannot write the report: {e}")),
    };
    written.map_err(|e| ui.fail(&[Diagnostic::error(e)]))?;
    clock.lap("write");
    ui.info(&format!("report {week} ({readiness}): {}", email.subject));
    ui.timings(&clock.laps);
    Ok(())
}

/// A plan's report, or a portfolio's digest with its forms.
enum Weekly {
    Plan(Box<render::reports::Delivery>),
    Digest(Box<(report::digest::Digest, render::reports::Rendered, report::email::Email)>),
}

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

/// The digest of a portfolio for `audience` (one of its own, `audiences/`; default:
/// everyone), made from each plan's report for that audience.
pub fn digest(
    root: &Path,
    config: &Config,
    plans: &[super::plans::Plan],
    week: Option<&str>,
    audience: Option<&str>,
    as_of: Date,
    clock: &mut progress::Stopwatch,
) -> Result<(report::digest::Digest, render::reports::Rendered, report::email::Email), Vec<Diagnostic>> {
    let audiences = super::plans::audiences(root)?;
    let item = match audience {
        None => None,
        Some(id) => Some(audiences.iter().find(|a| a.id().eq_ignore_ascii_case(id)).ok_or_else(|| {
            let ids: Vec<&str> = audiences.iter().map(|a| a.id()).collect();
            vec![
                Diagnostic::error(format!("no audience `{id}` in `{}/` of the portfolio", super::plans::AUDIENCES_DIR))
                    .with_help(
                        diagnostics::did_you_mean(id, ids.iter().copied()).map(|s| format!("did you mean `{s}`?")),
                    )
                    .note("a plan's own audiences get its report: pass `--plan ID`"),
            ]
        })?),
    };
    let who = item.map_or(Audience::Everyone, Audience::Given);
    let mut reports = Vec::new();
    for plan in plans {
        let weekly = weekly_report(&plan.root, &plan.config, week, who, as_of, clock)
            .map_err(|d| d.into_iter().map(|d| d.under(&plan.folder)).collect::<Vec<_>>())?;
        reports.push((plan.id.clone(), weekly.report));
    }
    let title = config.site.title.clone().unwrap_or_else(|| "Portfolio".into());
    let digest = report::digest::build(&title, &reports, item.and_then(report::AudienceView::of))
        .ok_or_else(|| vec![Diagnostic::error("the portfolio has no plan to report on")])?;
    let templates = render::templates::effective(root)?;
    let tera = render::templates::engine(&templates)?;
    let reporter = render::reports::Reporter::new(&tera, &templates, config)?;
    let (rendered, email) =
        render::reports::deliver_digest(&reporter, &digest, &config.site.base_url).map_err(|d| vec![d])?;
    Ok((digest, rendered, email))
}

/// The report of `week` (default: the last complete week of `as_of`) for `audience`
/// (default: the full internal report), from the whole history of the project. Reading the
/// history is timed on `clock`.
pub fn weekly_report(
    root: &Path,
    config: &Config,
    week: Option<&str>,
    audience: Audience<'_>,
    as_of: Date,
    clock: &mut progress::Stopwatch,
) -> Result<render::reports::Delivery, Vec<Diagnostic>> {
    let zone = config.report.zone();
    let explicit = parse_week(week)?;
    let snapshots = readable_history(root, config, as_of, clock)?;
    let week = report_week(explicit, &snapshots, as_of, zone);
    let Some(current) = snapshots.last().and_then(|s| s.status.as_ref()) else {
        return Err(vec![Diagnostic::error("no readable revision")]);
    };
    let audience_item = match audience {
        Audience::Everyone => None,
        Audience::Given(item) => Some(item),
        Audience::Id(id) => {
            Some(current.items[Kind::Audience].iter().find(|a| a.id().eq_ignore_ascii_case(id)).ok_or_else(|| {
                let ids: Vec<&str> = current.items[Kind::Audience].iter().map(|a| a.id()).collect();
                vec![
                    Diagnostic::error(format!("no audience `{id}`"))
                        .with_help(
                            diagnostics::did_you_mean(id, ids.iter().copied()).map(|s| format!("did you mean `{s}`?")),
                        )
                        .note(format!(
                            "audiences: {}",
                            if ids.is_empty() {
                                "none (add records under content/audiences/)".to_string()
                            } else {
                                ids.join(", ")
                            }
                        )),
                ]
            })?)
        }
    };
    let (now, before) = report::revisions_for(&snapshots, week, zone).ok_or_else(|| {
        vec![
            Diagnostic::error(format!("no revision at or before the end of {week} ({})", week.sunday()))
                .help("choose a later week with `--week YYYY-Www`"),
        ]
    })?;
    let templates = render::templates::effective(root)?;
    let tera = render::templates::engine(&templates)?;
    let reporter = render::reports::Reporter::new(&tera, &templates, config)?;
    let statuses = snapshots.iter().filter_map(|s| s.status.as_deref());
    let reader = audience_item.map(|a| Redaction::for_audience(a, statuses, config.neighbours.as_deref()));
    reporter
        .deliver(week, (now, before), reader.as_ref(), None, &config.site.base_url)
        .map_err(|d| vec![d])?
        .ok_or_else(|| vec![Diagnostic::error("the revision of that week could not be read")])
}

/// The week `report` and `send` are about: `--week` (`explicit`), else by default the last
/// complete week of `as_of`, as a weekly report is written after its week. A fresh project
/// (no git, or no tag yet) has only its working tree, dated `as_of`, which lies after that
/// week; rather than fail, the report is then the current week's so far: what a user running
/// `report` or `send` right after `init` expects is the plan as it stands. One function for
/// both commands, so that what `report` shows is what `send` sends.
pub(super) fn report_week(
    explicit: Option<Week>,
    snapshots: &[history::snapshots::Snapshot],
    as_of: Date,
    zone: Zone,
) -> Week {
    explicit.unwrap_or_else(|| {
        let last = Week::last_complete(as_of);
        if report::revisions_for(snapshots, last, zone).is_some() { last } else { Week::of(as_of) }
    })
}

/// Every revision of the project; fails when the newest one (today's plan) has errors.
/// Timed on `clock` like a build: read working tree, history discovery, read, parse, derive.
pub(super) fn readable_history(
    root: &Path,
    config: &Config,
    as_of: Date,
    clock: &mut progress::Stopwatch,
) -> Result<Vec<history::snapshots::Snapshot>, Vec<Diagnostic>> {
    let working = load::read_content_dir(root).map_err(|d| vec![d])?;
    clock.lap("read working tree");
    let history = history::History::discover(root, config, as_of, &working).map_err(|d| vec![d])?;
    clock.lap("history discovery");
    let pipeline = history::snapshots::Pipeline::new(config);
    let snapshots =
        history::snapshots::load_with(&history, working, &pipeline, &progress::Silent, clock).map_err(|d| vec![d])?;
    match snapshots.last() {
        Some(newest) if newest.status.is_none() => {
            Err(newest.diagnostics.iter().filter(|d| d.is_error()).cloned().collect())
        }
        Some(_) => Ok(snapshots),
        None => Err(vec![Diagnostic::error("no revision to report on")]),
    }
}

/// `--week`, checked before any history is read.
pub(super) fn parse_week(week: Option<&str>) -> Result<Option<Week>, Vec<Diagnostic>> {
    week.map(|text| Week::parse(text).map_err(|why| vec![Diagnostic::error(format!("invalid --week: {why}"))]))
        .transpose()
}
