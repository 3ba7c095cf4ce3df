//! The weekly reports in the site and on the command line: `reports/index.html`, and per
//! week the page, `report.md`, `report.txt` and one `.eml` per audience.

use serde::Serialize;
use tera::{Context, Tera, Value};

use super::templates::{self, Template};
use crate::config::Config;
use crate::derive::Status;
use crate::diagnostics::Diagnostic;
use crate::diff::timeline::Timeline;
use crate::history::snapshots::Snapshot;
use crate::report::{self, Report};
use crate::values::{Week, Zone};

/// The report of every week that has a revision, with the audiences' versions.
pub struct WeekReports {
    pub week: Week,
    /// The full, internal report.
    pub report: Report,
    pub audiences: Vec<Report>,
}

/// Builds the reports of every week with a revision (audiences from the newest status),
/// reusing the timeline's diffs where a week compares two consecutive revisions.
pub fn all(snapshots: &[Snapshot], current: &Status, zone: Zone, timeline: &Timeline) -> Vec<WeekReports> {
    use rayon::prelude::*;
    report::weeks_with_revisions(snapshots, zone)
        .into_par_iter()
        .filter_map(|week| {
            let (now, before) = report::revisions_for(snapshots, week, zone)?;
            let known = timeline
                .revisions
                .iter()
                .find(|e| {
                    e.revision.slug == now.revision.slug
                        && e.previous_slug.as_deref() == before.map(|b| b.revision.slug.as_str())
                })
                .and_then(|e| e.diff.as_ref());
            let full = report::build(week, now, before, None, known)?;
            let audiences = current.items["audiences"]
                .iter()
                .filter_map(|a| report::build(week, now, before, Some(a), known))
                .collect();
            Some(WeekReports { week, report: full, audiences })
        })
        .collect()
}

/// The text forms of one report: markdown, plain text, and the email's HTML (CSS not yet
/// inlined). `base` prefixes links: the site's absolute URL, or a relative path.
pub struct Rendered {
    pub markdown: String,
    pub text: String,
    pub email_html: String,
}

pub fn render(tera: &Tera, report: &Report, base: &str, all: &[Template]) -> Result<Rendered, Diagnostic> {
    let mut context = Context::new();
    context.insert("report", report);
    context.insert("base", base);
    let run = |name: &str| {
        tera.render(name, &context)
            .map_err(|e| templates::template_error(&e, all, Some(&format!("the report of {}", report.week))))
    };
    Ok(Rendered { markdown: run("report.md")?, text: run("report.txt")?, email_html: run("email.html")? })
}

#[derive(Serialize)]
struct EmailLink {
    file: String,
    title: String,
}

/// Files written as they are: `(site path, bytes)`.
type Files = Vec<(String, Vec<u8>)>;

/// Site pages and files of the reports: files as they are, plus pages to render with the theme.
pub(crate) fn site_files(
    tera: &Tera,
    weeks: &[WeekReports],
    config: &Config,
    zone: Zone,
    all: &[Template],
) -> Result<(Files, Vec<super::Page>), Diagnostic> {
    let mut files = Vec::new();
    let mut pages = Vec::new();
    // Emails link to the published site; files in the site link relatively.
    let email_base = config.site.base_url.clone();
    for (i, w) in weeks.iter().enumerate() {
        let dir = format!("reports/{}", w.week);
        let rendered = render(tera, &w.report, "../../", all)?;
        files.push((format!("{dir}/report.md"), rendered.markdown.into_bytes()));
        files.push((format!("{dir}/report.txt"), rendered.text.into_bytes()));
        let mut links = Vec::new();
        for audience_report in &w.audiences {
            let Some(audience) = &audience_report.audience else { continue };
            let rendered = render(tera, audience_report, &email_base, all)?;
            let email = report::email::build(config, audience_report, &rendered.email_html, &rendered.text, zone)?;
            let file = format!("{}.eml", audience.id);
            files.push((format!("{dir}/{file}"), email.message.formatted()));
            links.push(EmailLink { file, title: audience.title.clone() });
        }
        pages.push(super::Page {
            path: format!("{dir}/index.html"),
            template: "report.html",
            root: "../../",
            extra: [
                ("report", Value::from_serializable(&w.report)),
                ("emails", Value::from_serializable(&links)),
                ("current_kind", Value::from("reports")),
                ("previous_week", Value::from_serializable(&i.checked_sub(1).map(|p| weeks[p].week.to_string()))),
                ("next_week", Value::from_serializable(&weeks.get(i + 1).map(|n| n.week.to_string()))),
            ]
            .into_iter()
            .chain(super::archived_extras(&w.week.to_string(), Some(w.report.readiness)))
            .collect(),
        });
    }
    let newest_first: Vec<&Report> = weeks.iter().rev().map(|w| &w.report).collect();
    pages.push(super::Page {
        path: "reports/index.html".into(),
        template: "reports.html",
        root: "../",
        extra: vec![("reports", Value::from_serializable(&newest_first)), ("current_kind", Value::from("reports"))],
    });
    Ok((files, pages))
}
