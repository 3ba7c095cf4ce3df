//! A portfolio's own pages: the dashboard of every plan (`index.html`), its `status.json`,
//! and a feed and a calendar of every plan's. Each plan's site sits beside them in `<plan-id>/`, exactly as a site of one
//! plan.

use serde::Serialize;
use tera::Context;

use super::templates::{self, Theme};
use super::{Output, Site, verdict_icon, write_error};
use crate::derive::{Item, Status};
use crate::diagnostics::Diagnostic;
use crate::model::{Kind, KindData};
use crate::values::{Date, Severity};

/// How far ahead the dashboard lists gates that are due.
const DUE_SOON_DAYS: i64 = 14;

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    title: &'a str,
    readiness: &'a str,
    go: bool,
    health: String,
    critical_open: usize,
    gates_cleared: usize,
    gates: usize,
    next_milestone: Option<Line<'a>>,
    /// Other plans' records its gates wait on (`qa/B-2`): why it is not ready, when the
    /// cause is in another plan.
    waiting_on: Vec<Line<'a>>,
    last_change: Option<Change<'a>>,
    review_overdue_days: Option<i64>,
}

/// A record of one plan, as a line of a cross-plan list.
#[derive(Serialize)]
struct Line<'a> {
    plan: &'a str,
    id: &'a str,
    title: &'a str,
    url: String,
    note: String,
}

#[derive(Serialize)]
struct Change<'a> {
    revision: &'a str,
    date: Date,
    summary: &'a str,
    url: String,
}

#[derive(Serialize)]
struct Portfolio<'a> {
    title: &'a str,
    as_of: Option<Date>,
    rows: Vec<Row<'a>>,
    critical_blockers: Vec<Line<'a>>,
    gates_due: Vec<Line<'a>>,
    overdue_actions: Vec<Line<'a>>,
}

/// `status.json` of a portfolio: each plan's headline; its own `status.json` has the rest.
#[derive(Serialize)]
struct PortfolioStatus<'a> {
    schema_version: u32,
    as_of: Option<Date>,
    plans: Vec<PlanStatus<'a>>,
}

#[derive(Serialize)]
struct PlanStatus<'a> {
    id: &'a str,
    title: &'a str,
    readiness: &'a crate::derive::Readiness,
    health: &'a crate::derive::HealthStatus,
    counts: &'a crate::derive::Counts,
    status_json: String,
}

fn line<'a>(plan: &'a str, item: &'a Item, note: String) -> Line<'a> {
    Line { plan, id: item.id(), title: item.title(), url: format!("{plan}/{}", item.url()), note }
}

/// The records of other plans (of `plans`) that the gates of `status` wait on, each once, with
/// the gates that wait on it as the note.
fn waiting_on<'a>(plans: &[(&'a str, &'a Site)], status: &Status) -> Vec<Line<'a>> {
    let mut lines: Vec<Line<'a>> = Vec::new();
    for gate in &status.items[Kind::Gate] {
        let blocked_by = gate.derived.kind.gate().map_or(&[][..], |g| &g.blocked_by);
        for (plan, id) in blocked_by.iter().filter_map(|id| id.split_once('/')) {
            let Some((plan, site)) = plans.iter().find(|(p, _)| p.eq_ignore_ascii_case(plan)) else { continue };
            let found = site.current.items.values().flatten().find(|i| i.id().eq_ignore_ascii_case(id));
            let Some(item) = found else { continue };
            match lines.iter_mut().find(|l| l.plan == *plan && l.id == item.id()) {
                Some(l) => l.note.push_str(&format!(", {}", gate.id())),
                None => lines.push(line(plan, item, gate.id().to_string())),
            }
        }
    }
    lines
}

impl<'a> Portfolio<'a> {
    /// Adds plan `id`'s row and its lines in the lists (critical blockers, gates due soon,
    /// overdue actions); `plans` are all of them, for what this one waits on.
    fn add(&mut self, id: &'a str, site: &'a Site, plans: &[(&'a str, &'a Site)]) {
        let status = &site.current;
        let next =
            status.next_milestones.first().and_then(|m| status.items[Kind::Milestone].iter().find(|i| i.id() == m));
        let last = site.timeline.revisions.last().map(|e| Change {
            revision: &e.revision.id,
            date: e.revision.date,
            summary: &e.summary,
            url: format!(
                "{id}/revisions/{}/{}",
                e.revision.slug,
                if e.diff.is_some() { "changes.html" } else { "index.html" }
            ),
        });
        self.rows.push(Row {
            id,
            title: status.plan.title(),
            readiness: status.readiness.verdict.as_str(),
            go: status.readiness.go,
            health: status.health.computed.to_string(),
            critical_open: status.counts.blockers_critical_unresolved,
            gates_cleared: status.counts.gates_cleared,
            gates: status.counts.gates,
            next_milestone: next
                .map(|m| line(id, m, m.derived.kind.milestone().map(|m| m.when.clone()).unwrap_or_default())),
            waiting_on: waiting_on(plans, status),
            last_change: last,
            review_overdue_days: status.review_overdue_days,
        });
        for item in &status.items[Kind::Blocker] {
            if let KindData::Blocker(b) = &item.record.data
                && b.severity == Severity::Critical
                && b.status.is_unresolved()
            {
                self.critical_blockers.push(line(id, item, b.status.to_string()));
            }
        }
        for item in &status.items[Kind::Gate] {
            if let KindData::Gate(g) = &item.record.data
                && !g.status.is_cleared()
                && let Some(target) = g.target.filter(|t| status.as_of.days_until(*t) <= DUE_SOON_DAYS)
            {
                self.gates_due.push(line(id, item, format!("{} by {target}", g.status)));
            }
        }
        for item in status.items[Kind::Action].iter().filter(|i| i.derived.overdue) {
            let days = item.derived.days_overdue.unwrap_or_default();
            self.overdue_actions.push(line(id, item, format!("{} overdue", crate::values::count(days, "day"))));
        }
    }
}

/// Writes the portfolio's dashboard, status, feed, calendar and style sheet; returns how
/// many files. Links in the feed start with `base_url` (`[site] base_url`) when it is set.
pub fn render_portfolio(
    plans: &[(&str, &Site)],
    title: &str,
    base_url: &str,
    bands: [i64; 3],
    theme: &Theme,
    output: &dyn Output,
) -> Result<usize, Vec<Diagnostic>> {
    let mut tera = theme.html.clone();
    tera.global_context().insert("site", &super::SiteInfo { title, base_url, audience: None });
    let as_of = plans.first().map(|(_, site)| site.current.as_of);
    let mut portfolio = Portfolio {
        title,
        as_of,
        rows: Vec::new(),
        critical_blockers: Vec::new(),
        gates_due: Vec::new(),
        overdue_actions: Vec::new(),
    };
    for (id, site) in plans {
        portfolio.add(id, site, plans);
    }
    // The plans that are not ready first, then by id.
    portfolio.rows.sort_by(|a, b| a.go.cmp(&b.go).then_with(|| a.id.cmp(b.id)));
    let mut context = Context::new();
    context.insert("portfolio", &portfolio);
    context.insert("root", "");
    let statuses: Vec<(&str, &crate::derive::Status)> = plans.iter().map(|(id, site)| (*id, &site.current)).collect();
    context.insert("heatmap", &super::charts::heatmap::combined(&statuses, bands));
    context.insert("favicon", verdict_icon(portfolio.rows.iter().all(|r| r.go)));
    let page = tera
        .render("portfolio.html", &context)
        .map_err(|e| vec![templates::template_error(&e, &theme.templates, Some("index.html"))])?;
    let status = PortfolioStatus {
        schema_version: 1,
        as_of,
        plans: plans
            .iter()
            .map(|(id, site)| PlanStatus {
                id,
                title: site.current.plan.title(),
                readiness: &site.current.readiness,
                health: &site.current.health,
                counts: &site.current.counts,
                status_json: format!("{id}/status.json"),
            })
            .collect(),
    };
    let feed = super::portfolio_feed(plans, base_url, title, &tera)
        .map_err(|e| vec![templates::template_error(&e, &theme.templates, Some("feed.xml"))])?;
    let calendar: Vec<(&crate::derive::Status, &str)> =
        plans.iter().map(|(_, site)| (&site.current, site.calendar_scope.as_str())).collect();
    let asset = |name: &str| theme.text(name);
    let css = asset("style.css");
    let files: Vec<(String, Vec<u8>)> = vec![
        ("feed.xml".into(), feed.into_bytes()),
        ("milestones.ics".into(), super::ics::calendar(title, &calendar, true).into_bytes()),
        ("index.html".into(), page.into_bytes()),
        ("status.json".into(), crate::derive::to_json(&status, true)),
        ("assets/style.css".into(), css.as_bytes().to_vec()),
        ("assets/portfolio.js".into(), asset("portfolio.js").as_bytes().to_vec()),
        (format!("assets/favicon-{}.svg", verdict_icon(true)), super::favicon(true).into_bytes()),
        (format!("assets/favicon-{}.svg", verdict_icon(false)), super::favicon(false).into_bytes()),
    ];
    let mut problems = Vec::new();
    for (path, bytes) in &files {
        if let Err(e) = output.write(path, bytes) {
            problems.push(write_error(path, &e));
        }
    }
    if problems.is_empty() { Ok(files.len()) } else { Err(problems) }
}
