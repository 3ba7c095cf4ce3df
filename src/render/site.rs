//! The assembly of a site: today's plan, the history behind it and the weekly reports, as one
//! audience may see them: redacted once, here, for an audience's site. The renderer (the rest
//! of `render`) only turns it into pages.

use std::sync::Arc;

use super::templates::Theme;
use super::{ics, reports};
use crate::derive::redact::Redaction;
use crate::derive::{Item, Status};
use crate::diagnostics::Diagnostic;
use crate::diff::timeline::Timeline;
use crate::history::snapshots::{Pipeline, Snapshot};
use crate::model::Kind;
use crate::progress::{Progress, Stopwatch};

/// Everything the site shows: the current status and the history behind it.
pub struct Site {
    pub current: Status,
    pub snapshots: Vec<Snapshot>,
    pub timeline: Timeline,
    /// Warnings about the history itself (e.g. a shallow clone), shown on the archive.
    pub history_note: Option<String>,
    pub reports: Vec<reports::WeekReports>,
    pub zone: crate::values::Zone,
    /// The audience a site is built for (`build --audience`); `None` for the full site.
    pub audience: Option<Item>,
    /// The end of its calendar events' ids ([`ics::uid_scope`]).
    pub calendar_scope: String,
    /// For an audience's site, what its redaction of every revision depends on besides the
    /// revision ([`Redaction::key`]): a build keeps an old revision's file only when it is
    /// the same.
    pub redaction: Option<String>,
}

/// How to make a site (see [`Site::of`]).
pub struct SiteOptions<'a> {
    /// The date of today's plan.
    pub as_of: crate::values::Date,
    /// Warnings about the history itself, shown on the archive.
    pub history_note: Option<String>,
    /// Fail on warnings too.
    pub strict: bool,
    /// Build the site one audience may see (see [`crate::derive::redact`]).
    pub audience: Option<&'a str>,
    /// Audiences from outside the plan that `audience` may name (a portfolio's own).
    pub more_audiences: &'a [Item],
}

impl Site {
    /// The site of every revision in `snapshots` (oldest first; the newest is the plan
    /// today, derived again as of the as-of date), with the themed weekly reports. Problems
    /// go to `diagnostics`; `None` when there is an error among them (or a warning, when
    /// strict): the newest revision's records, a template, or an unknown audience. An older
    /// revision with errors is only a warning, and its archive page says why it could not
    /// be read.
    pub fn of(
        snapshots: Vec<Snapshot>,
        pipeline: &Pipeline,
        theme: &Theme,
        options: &SiteOptions<'_>,
        diagnostics: &mut Vec<Diagnostic>,
        progress: &dyn Progress,
        clock: &mut Stopwatch,
    ) -> Option<Site> {
        let (newest, older) = snapshots.split_last()?;
        diagnostics.extend(newest.diagnostics.iter().cloned());
        diagnostics.extend(crate::history::snapshots::unreadable_revisions(older));
        let current = crate::history::snapshots::current(&snapshots, pipeline, options.as_of, diagnostics);
        crate::diagnostics::sort(diagnostics);
        let current = current.filter(|_| !diagnostics.iter().any(|d| d.is_error() || options.strict))?;
        let shown = match options.audience {
            None => Shown { snapshots, current, audience: None, redaction: None },
            Some(id) => {
                let neighbours = pipeline.config().neighbours.as_deref();
                for_audience(id, options.more_audiences, neighbours, snapshots, current)
                    .map_err(|d| diagnostics.push(d))
                    .ok()?
            }
        };
        let reporter = reports::Reporter::new(theme, pipeline.config());
        let history_note = options.history_note.clone();
        let site =
            Site::assemble(shown.snapshots, shown.current, history_note, shown.audience, &reporter, progress, clock);
        site.map(|site| Site { redaction: shown.redaction, ..site }).map_err(|d| diagnostics.push(d)).ok()
    }

    /// The site of `snapshots` (oldest first) whose plan today is `current`: the revisions'
    /// changes, each item's history and baselines, and the weekly reports (the audience's
    /// alone, for an audience's site). Timed on `clock` as `compare` and `reports`.
    pub fn assemble(
        snapshots: Vec<Snapshot>,
        mut current: Status,
        history_note: Option<String>,
        audience: Option<Item>,
        reporter: &reports::Reporter<'_>,
        progress: &dyn Progress,
        clock: &mut Stopwatch,
    ) -> Result<Site, Diagnostic> {
        Timeline::apply_baselines(&snapshots, &mut current);
        let timeline = Timeline::build(&snapshots);
        clock.lap("compare");
        progress.start("building weekly reports", 0);
        let reports = reports::all(reporter, &snapshots, &current, &timeline, audience.as_ref())?;
        progress.finish();
        clock.lap("reports");
        let zone = reporter.config.report.zone();
        let calendar_scope = ics::uid_scope(reporter.config, current.plan.title());
        Ok(Site {
            current,
            snapshots,
            timeline,
            history_note,
            reports,
            zone,
            audience,
            calendar_scope,
            redaction: None,
        })
    }
}

/// Every revision and today's plan as a site shows them.
pub(super) struct Shown {
    snapshots: Vec<Snapshot>,
    current: Status,
    audience: Option<Item>,
    /// See [`Site::redaction`].
    redaction: Option<String>,
}

/// Every revision and today's plan as audience `id` may see them, with its audience item.
/// An external audience's archive says that an unreadable revision had errors, not which:
/// they could quote a confidential record.
pub(super) fn for_audience(
    id: &str,
    more: &[Item],
    neighbours: Option<&crate::config::Neighbours>,
    snapshots: Vec<Snapshot>,
    current: Status,
) -> Result<Shown, Diagnostic> {
    let audiences: Vec<&Item> = current.items[Kind::Audience].iter().chain(more).collect();
    let Some(audience) = audiences.iter().copied().find(|a| a.id().eq_ignore_ascii_case(id)) else {
        let ids: Vec<&str> = audiences.iter().map(|a| a.id()).collect();
        return Err(Diagnostic::error(format!("no audience `{id}` to build a site for"))
            .with_help(
                crate::diagnostics::did_you_mean(id, ids.iter().copied()).map(|s| format!("did you mean `{s}`?")),
            )
            .note(if ids.is_empty() {
                "the plan has no audiences (records under content/audiences/)".to_string()
            } else {
                format!("audiences: {}", ids.join(", "))
            }));
    };
    let statuses = snapshots.iter().filter_map(|s| s.status.as_deref());
    let redaction = Redaction::for_audience(audience, statuses, neighbours);
    let snapshots = snapshots
        .into_iter()
        .map(|mut snapshot| {
            snapshot.status = snapshot.status.map(|status| Arc::new(redaction.apply(&status)));
            let errors = snapshot.errors().count();
            if redaction.external && errors > 0 {
                snapshot.diagnostics = vec![Diagnostic::error(format!(
                    "{errors} error{} in its records (the internal site lists them)",
                    if errors == 1 { "" } else { "s" }
                ))];
            }
            snapshot
        })
        .collect();
    let current = redaction.apply(&current);
    let own = current.items[Kind::Audience].iter().find(|a| a.id() == redaction.audience.id());
    let audience = own.cloned().or_else(|| Some(audience.clone()));
    Ok(Shown { snapshots, current, audience, redaction: Some(redaction.key()) })
}
