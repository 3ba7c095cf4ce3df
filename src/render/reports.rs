//! The weekly reports in the site and on the command line: `reports/index.html`, and per
//! week the page, `report.md`, `report.txt` and one `.eml` per audience.

use std::collections::HashSet;

use serde::Serialize;
use tera::{Context, Tera, Value};

use super::templates::{self, Template};
use crate::config::Config;
use crate::derive::Item;
use crate::derive::redact::Redaction;
use crate::derive::{ReadinessVerdict, Status};
use crate::diagnostics::Diagnostic;
use crate::diff::Diff;
use crate::diff::format::escape_md_url;
use crate::diff::timeline::RevisionEntry;
use crate::history::snapshots::Snapshot;
use crate::model::Kind;
use crate::report::email::Email;
use crate::report::weeks::{Sides, WeekSides};
use crate::report::{self, Report, RevisionRef};
use crate::values::Week;

/// The reports of one week that has a revision, as the site shows them.
pub struct WeekReports {
    pub week: Week,
    /// The full, internal report (its page links relatively).
    pub report: Report,
    /// The audiences' emails (linking to the published site), by file name.
    emails: Vec<EmailLink>,
    /// The week's files by site path: the full report's `report.md` and `report.txt`, and
    /// each audience's `.eml`. A build writes them as the history is folded in
    /// ([`WeekReports::take_files`]); a live preview keeps them.
    files: Vec<(String, Vec<u8>)>,
}

impl WeekReports {
    fn of(week: Week, full: Delivery, audiences: Vec<Delivery>) -> WeekReports {
        let dir = format!("reports/{week}");
        let mut files = vec![
            (format!("{dir}/report.md"), full.rendered.markdown.into_bytes()),
            (format!("{dir}/report.txt"), full.rendered.text.into_bytes()),
        ];
        let mut emails = Vec::new();
        for delivery in audiences {
            let Some(audience) = &delivery.report.audience else { continue };
            let file = format!("{}.eml", audience.id);
            files.push((format!("{dir}/{file}"), delivery.email.message.formatted()));
            emails.push(EmailLink { file, title: audience.title.clone() });
        }
        WeekReports { week, report: full.report, emails, files }
    }

    /// The week's files, which are then the caller's to write.
    pub fn take_files(&mut self) -> Vec<(String, Vec<u8>)> {
        std::mem::take(&mut self.files)
    }
}

/// A week's report for one audience (or everyone) in every format it goes out in.
pub struct Delivery {
    pub report: Report,
    pub rendered: Rendered,
    pub email: Email,
}

/// Renders reports with the project's theme: the one way a report becomes markdown, text,
/// a page and an email, used by the site, `report` and `send` alike.
pub struct Reporter<'a> {
    tera: &'a Tera,
    /// The `.md` templates, escaped for markdown ([`templates::markdown_engine`]).
    markdown: &'a Tera,
    templates: &'a [Template],
    pub config: &'a Config,
}

impl<'a> Reporter<'a> {
    /// Renders with the engines of `theme`, compiled once for the run.
    pub fn new(theme: &'a templates::Theme, config: &'a Config) -> Self {
        Reporter { tera: &theme.html, markdown: &theme.markdown, templates: &theme.templates, config }
    }

    /// Template `name` rendered with `context` by the engine for its kind of output; errors
    /// say that it was `what` being rendered.
    fn render(&self, name: &str, context: &Context, what: &str) -> Result<String, Diagnostic> {
        let tera = if name.ends_with(".md") { self.markdown } else { self.tera };
        tera.render(name, context).map_err(|e| templates::template_error(&e, self.templates, Some(what)))
    }

    /// The report of `week` (the revisions `now` and `before` of its end and of the week
    /// before) for the audience of `reader`, or the full report, in every format; links
    /// start with `base`.
    /// `known` is the diff of `before` → `now` when the caller has it already. `None` when
    /// `now` could not be read.
    pub fn deliver(
        &self,
        week: Week,
        (now, before): (&Snapshot, Option<&Snapshot>),
        reader: Option<&Redaction>,
        known: Option<&Diff>,
        certified: Option<RevisionRef>,
        base: &str,
    ) -> Result<Option<Delivery>, Diagnostic> {
        let Some(report) = self.build(week, (now, before), reader, known, certified) else {
            return Ok(None);
        };
        self.render_delivery(report, base).map(Some)
    }

    /// The report itself, for [`Reporter::deliver`]: what a page and an email are made from.
    fn build(
        &self,
        week: Week,
        (now, before): (&Snapshot, Option<&Snapshot>),
        reader: Option<&Redaction>,
        known: Option<&Diff>,
        certified: Option<RevisionRef>,
    ) -> Option<Report> {
        let stale_after = self.config.revisions.stale_after_days;
        report::build(week, now, before, reader, known, stale_after, certified)
    }

    /// `report` in every form, and as an email; links start with `base`.
    fn render_delivery(&self, report: Report, base: &str) -> Result<Delivery, Diagnostic> {
        let rendered = self.render_report(&report, base)?;
        let zone = self.config.report.zone();
        let email = report::email::build(self.config, &report, &rendered.email_html, &rendered.text, zone)?;
        Ok(Delivery { report, rendered, email })
    }

    /// `report` in every text form; links start with `base`.
    fn render_report(&self, report: &Report, base: &str) -> Result<Rendered, Diagnostic> {
        let mut context = Context::new();
        context.insert("report", report);
        context.insert("base", base);
        let what = format!("the report of {}", report.week);
        let run = |name: &str| self.render(name, &context, &what);
        Ok(Rendered { markdown: run("report.md")?, text: plain(run("report.txt")?), email_html: run("email.html")? })
    }
}

/// The weekly reports of a history that comes one revision at a time (oldest first), each
/// made as soon as its revisions are known ([`WeekSides`]): every week with a readable
/// revision, reusing the timeline's diff where a week compares two consecutive revisions.
/// With `only`, the site is that audience's: its report is the page, and its email the
/// only one.
pub struct WeeklyReports<'a> {
    reporter: &'a Reporter<'a>,
    readers: Vec<Redaction>,
    /// The site's audience, among `readers`.
    only: Option<usize>,
    sides: WeekSides,
}

/// One week's report, ready to be made.
struct WeekJob {
    sides: Sides,
    known: Option<Diff>,
    certified: Option<RevisionRef>,
}

impl<'a> WeeklyReports<'a> {
    /// The reports of the weeks of `revisions`, for the audiences of `current` (and `only`,
    /// which may be a portfolio's), hiding the records in `confidential` from external ones.
    pub fn new(
        reporter: &'a Reporter<'a>,
        revisions: &[&crate::history::Revision],
        current: &Status,
        confidential: &HashSet<String>,
        only: Option<&Item>,
    ) -> WeeklyReports<'a> {
        let readers = readers(current, confidential, reporter.config, only);
        let only = only.and_then(|o| readers.iter().position(|r| r.audience.id() == o.id()));
        let sides = WeekSides::new(revisions, reporter.config.report.zone());
        WeeklyReports { reporter, readers, only, sides }
    }

    /// Takes the revisions `from..` of the history (`timeline` has them all already); returns
    /// the reports of the weeks they complete, made in parallel.
    pub fn push_all(
        &mut self,
        from: usize,
        snapshots: &[Snapshot],
        timeline: &[RevisionEntry],
    ) -> Result<Vec<WeekReports>, Diagnostic> {
        use rayon::prelude::*;
        let mut jobs = Vec::new();
        for (i, snapshot) in (from..).zip(snapshots) {
            jobs.extend(self.sides.push(i, snapshot).into_iter().map(|sides| job(sides, timeline)));
        }
        let made: Vec<Option<WeekReports>> =
            jobs.into_par_iter().map(|job| self.make(job)).collect::<Result<_, _>>()?;
        Ok(made.into_iter().flatten().collect())
    }

    /// One week's reports: the full one, and each audience's (or the site's audience's).
    fn make(&self, job: WeekJob) -> Result<Option<WeekReports>, Diagnostic> {
        let WeekJob { sides: Sides { week, now: (_, now), before }, known, certified } = job;
        let reporter = self.reporter;
        let sides = (&now, before.as_ref().map(|(_, b)| b));
        let only = self.only.map(|i| &self.readers[i]);
        let Some(full) = reporter.build(week, sides, only, known.as_ref(), certified.clone()) else { return Ok(None) };
        let base = &reporter.config.site.base_url;
        let audiences = match only {
            // An audience's site: its report is the page and, with the site's links, its email.
            Some(_) => vec![reporter.render_delivery(full.clone(), base)?],
            None => {
                let mut audiences = Vec::new();
                for reader in &self.readers {
                    audiences.extend(reporter.deliver(
                        week,
                        sides,
                        Some(reader),
                        known.as_ref(),
                        certified.clone(),
                        base,
                    )?);
                }
                audiences
            }
        };
        let report = reporter.render_delivery(full, "../../")?;
        Ok(Some(WeekReports::of(week, report, audiences)))
    }
}

/// A week's report with what the timeline knows of it: the diff of its revisions when they
/// are consecutive, and the certification it links.
fn job(sides: Sides, timeline: &[RevisionEntry]) -> WeekJob {
    let (at, _) = &sides.now;
    let before_slug = sides.before.as_ref().map(|(_, b)| b.revision.slug.as_str());
    let entry = timeline.get(*at).filter(|e| e.previous_slug.as_deref() == before_slug);
    let known = entry.and_then(|e| e.diff.clone());
    let start = sides.before.as_ref().map_or(0, |(b, _)| b + 1);
    let readiness = timeline.iter().map(|e| (&e.revision, e.readiness.map(|v| v == ReadinessVerdict::Go)));
    let certified = report::flipped_in(readiness, start, *at);
    WeekJob { sides, known, certified }
}

/// What each audience of `current` (and `only`, which may be a portfolio's) may see of the
/// plan's history, hiding the records in `confidential`: one redaction per audience, for
/// every week's report.
pub fn readers(
    current: &Status,
    confidential: &HashSet<String>,
    config: &Config,
    only: Option<&Item>,
) -> Vec<Redaction> {
    let own = current.items[Kind::Audience].iter().filter(|a| only.is_none_or(|o| o.id() != a.id()));
    own.chain(only)
        .map(|audience| Redaction::for_audience(audience, confidential, config.neighbours.as_deref()))
        .collect()
}

/// The weekly digest of a portfolio in every form, as an email for its audience; links
/// start with `base` (the published site's URL).
pub fn deliver_digest(
    reporter: &Reporter<'_>,
    digest: &crate::report::digest::Digest,
    base: &str,
) -> Result<(Rendered, Email), Diagnostic> {
    let mut context = Context::new();
    context.insert("digest", digest);
    context.insert("base", base);
    let what = format!("the digest of {}", digest.week);
    let run = |name: &str| reporter.render(name, &context, &what);
    let rendered =
        Rendered { markdown: run("digest.md")?, text: plain(run("digest.txt")?), email_html: run("digest.html")? };
    let zone = reporter.config.report.zone();
    let email = report::email::build_digest(reporter.config, digest, &rendered.email_html, &rendered.text, zone)?;
    Ok((rendered, email))
}

/// The longest comment GitHub takes (GitLab takes more): `report --format markdown` fits it.
pub const COMMENT_LIMIT: usize = 65_536;

/// `markdown` cut at a line to fit [`COMMENT_LIMIT`] characters, saying where the rest is
/// (`full`: the report's page on the published site, when `[site] base_url` is set).
pub fn fit_comment(markdown: &str, full: Option<&str>) -> String {
    if markdown.chars().count() <= COMMENT_LIMIT {
        return markdown.to_string();
    }
    let tail = match full {
        Some(url) => format!("\n… cut to fit a comment: [the whole report]({})\n", escape_md_url(url)),
        None => "\n… cut to fit a comment: the whole report is on the site\n".to_string(),
    };
    let room = COMMENT_LIMIT.saturating_sub(tail.chars().count());
    let cut = markdown.char_indices().nth(room).map_or(markdown.len(), |(at, _)| at);
    let kept = markdown[..cut].rfind('\n').map_or("", |end| &markdown[..=end]);
    format!("{kept}{tail}")
}

/// The text forms of one report: markdown, plain text, and the email's HTML (CSS not yet
/// inlined). `base` prefixes links: the site's absolute URL, or a relative path.
pub struct Rendered {
    pub markdown: String,
    pub text: String,
    pub email_html: String,
}

/// A rendered plain-text form, which carries commit and tag messages and the config's strings
/// as written: without bidi controls, which plain text cannot show (see `without_bidi`).
fn plain(text: String) -> String {
    match crate::diagnostics::without_bidi(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(clean) => clean,
    }
}

#[derive(Serialize)]
struct EmailLink {
    file: String,
    title: String,
}

/// The files of week `i` of `weeks` (oldest first) that were not written yet, as they are.
pub(crate) fn week_files(weeks: &[WeekReports], i: usize) -> Vec<(String, Vec<u8>)> {
    weeks[i].files.clone()
}

/// The paths of week `i`'s page and files.
pub(crate) fn week_paths(weeks: &[WeekReports], i: usize) -> Vec<String> {
    let dir = format!("reports/{}", weeks[i].week);
    let files = ["index.html".to_string(), "report.md".into(), "report.txt".into()];
    let emails = weeks[i].emails.iter().map(|e| e.file.clone());
    files.into_iter().chain(emails).map(|file| format!("{dir}/{file}")).collect()
}

/// The page of week `i` of `weeks` (oldest first).
pub(crate) fn week_page(weeks: &[WeekReports], i: usize) -> super::Page {
    let w = &weeks[i];
    super::Page {
        path: format!("reports/{}/index.html", w.week),
        template: "report.html",
        root: "../../",
        extra: [
            ("report", Value::from_serializable(&w.report)),
            ("emails", Value::from_serializable(&w.emails)),
            ("current_kind", Value::from("reports")),
            ("previous_week", Value::from_serializable(&i.checked_sub(1).map(|p| weeks[p].week.to_string()))),
            ("next_week", Value::from_serializable(&weeks.get(i + 1).map(|n| n.week.to_string()))),
        ]
        .into_iter()
        .chain(super::archived_extras(&w.week.to_string(), Some(w.report.readiness)))
        .collect(),
    }
}

/// `reports/index.html`: every week's report, newest first.
pub(crate) fn index_page(weeks: &[WeekReports]) -> super::Page {
    let newest_first: Vec<&Report> = weeks.iter().rev().map(|w| &w.report).collect();
    super::Page {
        path: "reports/index.html".into(),
        template: "reports.html",
        root: "../",
        extra: vec![("reports", Value::from_serializable(&newest_first)), ("current_kind", Value::from("reports"))],
    }
}
