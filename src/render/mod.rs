//! Render: the derived model → the pages of the site, in parallel.
//!
//! [`site`] assembles what a site shows (today's plan, its history and reports, as one
//! audience may see them); the [`Renderer`] here turns it into routes and pages; [`archive`]
//! makes the revisions' pages and [`feed`] the Atom feed. One shared context (the current
//! status, an id index, the revision list) is built once as Tera values, which are
//! reference-counted, so each page only adds its own few values.

mod archive;
pub mod charts;
pub mod context;
mod feed;
pub mod ics;
pub mod markdown;
pub mod portfolio;
pub mod reports;
pub mod search;
mod site;
pub mod templates;

use std::collections::BTreeMap;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::config::Config;
use crate::derive::{Item, Status};
use crate::diagnostics::Diagnostic;
use crate::diff::timeline::RevisionEntry;
use crate::model::{Kind, KindData};
use crate::progress::Progress;
use crate::report::message::{Facts, Message};
pub(crate) use archive::archived_extras;
pub use archive::archived_status_path;
use archive::{Neighbours, revision_pages, standing_certification, title_prefix, tombstone_pages, working_page};
use feed::feed;
pub(crate) use feed::portfolio_feed;
pub use site::{Archived, Begun, Site, SiteOptions};
use templates::{Template, Theme};

/// A built-in part of the plan page: where it stands (`section` records slot in by `order`),
/// its anchor and heading, and the kind folder whose records it shows (left out without any).
pub struct PlanPart {
    pub name: &'static str,
    pub order: i64,
    pub anchor: &'static str,
    pub title: &'static str,
    pub folder: Option<&'static str>,
}

const fn part(
    name: &'static str,
    order: i64,
    anchor: &'static str,
    title: &'static str,
    folder: Option<&'static str>,
) -> PlanPart {
    PlanPart { name, order, anchor, title, folder }
}

pub const PLAN_PARTS: &[PlanPart] = &[
    part("summary", 10, "summary", "Executive Summary", None),
    part("assessments", 20, "assessments", "Review Results", Some("assessments")),
    part("blockers", 30, "blockers", "Blockers", Some("blockers")),
    part("actions", 40, "actions", "Actions", Some("actions")),
    part("decisions", 50, "decisions", "Decisions", Some("decisions")),
    part("gates", 60, "gates", "Quality Gates and Checkpoints", Some("gates")),
    part("audiences", 70, "communication", "Communication Strategy", Some("audiences")),
    part("risks", 80, "risks", "Risk Management", Some("risks")),
    part("metrics", 90, "metrics", "Success Metrics", Some("metrics")),
    part("milestones", 100, "timeline", "Timeline", Some("milestones")),
];

/// One page to render: its path in the site and what it adds to the shared context.
pub(crate) struct Page {
    path: String,
    template: &'static str,
    root: &'static str,
    extra: Vec<(&'static str, Value)>,
}

/// Where rendered files go: the staging folder of a build (in `write`, the layer above),
/// or anything else that takes site-relative paths, such as a test.
pub trait Output: Sync {
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()>;

    /// Keeps the file at `rel` from the previous output instead of having it rendered again,
    /// when its inputs did not change (see `write::Staging::keep_previous`); `false` when it
    /// cannot, and the file is rendered.
    fn keep_previous(&self, _rel: &str) -> bool {
        false
    }
}

/// What one part of the site is made from. A build renders every route; a live preview
/// renders the one a browser asks for, so an edit costs one page, not ten thousand.
#[derive(Clone, Copy)]
enum Route {
    /// A page whose values were ready when the renderer was made (dashboard, plan, reports…).
    Page(usize),
    /// Bytes that were ready when the renderer was made (report files, style sheet, icons).
    File(usize),
    List(Kind),
    Item(Kind, usize),
    /// A revision's page, its change page and its certification. They show today's plan in
    /// their header (its title, the revision list), so they are rendered on every build.
    Revision(usize),
    /// A revision's `status.json`, when the site kept its status (a live preview); a build
    /// writes them as it folds the history in (see [`Site`]).
    RevisionJson(usize),
    StatusJson,
    Calendar,
    Feed,
    /// `search-index.json` and the script that carries it (see [`search`]).
    SearchIndex,
    /// A week's report: its page, its text forms and its emails.
    Report(usize),
    ReportIndex,
}

/// The site as routes, each rendered on its own from one shared context: the current status
/// (with rendered bodies), an id index and the revision list, built once as Tera values
/// (reference-counted, so each page only adds its own few).
pub struct Renderer {
    tera: tera::Tera,
    templates: Vec<Template>,
    base_url: String,
    title: String,
    /// The current items by kind folder, with their rendered bodies (also in the context).
    items: Value,
    /// The words of the items' bodies, gathered as they were rendered, for the search index.
    body_words: search::BodyWords,
    pages: Vec<Page>,
    files: Vec<(String, Vec<u8>)>,
    routes: Vec<Route>,
    by_path: std::collections::HashMap<String, usize>,
}

impl Renderer {
    /// Prepares the shared context and the routes of `site`. `items` keeps the items'
    /// values between calls (a live preview); a build makes each one once anyway.
    pub fn new(
        site: &mut Site,
        config: &Config,
        theme: &Theme,
        items: Option<&context::ItemCache>,
    ) -> Result<Renderer, Vec<Diagnostic>> {
        // Each site sets its own globals on a copy of the run's compiled engine.
        let mut tera = theme.html.clone();
        let bodies = markdown::Bodies::new(&config.site.image_hosts);
        let (status_value, body_words) = context::status_value(&mut site.current, items, &bodies);
        let status = &site.current;
        let title = config.site.title.clone().unwrap_or_else(|| status.plan.title().to_string());
        let items = status_value.get_from_path("items").cloned().unwrap_or_else(Value::none);
        let newest_first: Vec<&RevisionEntry> = site.timeline.revisions.iter().rev().collect();
        let globals = tera.global_context();
        globals.insert_value("index", index(&status_value, status, config));
        globals.insert_value("status", status_value);
        let audience = site.audience.as_ref().map(Item::title);
        globals.insert("site", &SiteInfo { title: &title, base_url: &config.site.base_url, audience });
        globals.insert("kinds", &kinds());
        globals.insert("outline", &outline(status));
        globals.insert("plan_brief", &PlanBrief::of(status, config.limits.plan_inline_bytes));
        globals.insert("action_horizons", &groups(&status.items[Kind::Action], "Other actions"));
        globals.insert("metric_groups", &groups(&status.items[Kind::Metric], "Metrics"));
        globals.insert("revisions", &newest_first);
        globals.insert("latest", &newest_first.first());
        let newest = newest_first.first().map(|e| (e.diff.as_ref(), &e.revision));
        // The dashboard shows the plan's whole summary, rendered, beside the message.
        let before = site.before.as_deref();
        // The dashboard's latest change may be old: it says since which revision, not "this week".
        let since = newest_first.first().and_then(|e| e.previous.as_deref());
        let message = newest.map(|(changes, revision)| {
            let stale = status.stale.as_ref();
            let facts = Facts { status, before, changes, revision, stale, brief: true, since };
            Message::compose(&facts)
        });
        globals.insert("message", &message);
        globals.insert("asks", &crate::report::asks(status));
        globals.insert("certification", &standing_certification(site));
        globals.insert("history_note", &site.history_note);
        globals.insert_value("current_kind", Value::from(""));
        globals.insert("charts", &current_charts(site, config));
        let working = working_page(site);
        globals.insert("working_page", &working.as_ref().map(|p| p.path.clone()));
        // Every page names the readiness it shows first, in its title and its icon, and how
        // old it is when the plan is stale; archived pages override both with their own
        // revision's.
        globals.insert("title_prefix", &title_prefix(status));
        globals.insert("favicon", verdict_icon(status.readiness.go));

        let mut pages = fixed_pages();
        pages.extend(tombstone_pages(&site.timeline));
        pages.extend(working);
        let mut files = Vec::new();
        // The theme's style sheet and script, published as they are (not Tera templates).
        for asset in ["style.css", "site.js"] {
            let text = theme.text(asset);
            files.push((format!("assets/{asset}"), text.as_bytes().to_vec()));
        }
        for go in [true, false] {
            files.push((format!("assets/favicon-{}.svg", verdict_icon(go)), favicon(go).into_bytes()));
        }

        // The search index first: one route that reads every record, so it runs beside the
        // pages rather than after them.
        let mut routes = vec![Route::SearchIndex];
        routes.extend((0..pages.len()).map(Route::Page));
        routes.extend((0..files.len()).map(Route::File));
        routes.extend((0..site.reports.len()).map(Route::Report));
        routes.push(Route::ReportIndex);
        for kind in Kind::ALL.iter().copied().filter(|k| *k != Kind::Plan) {
            routes.push(Route::List(kind));
            routes.extend((0..status.items[kind].len()).map(|i| Route::Item(kind, i)));
        }
        routes.extend((0..site.archive.len()).map(Route::Revision));
        let kept = site.archive.iter().enumerate().filter(|(_, a)| a.status().is_some());
        routes.extend(kept.map(|(i, _)| Route::RevisionJson(i)));
        routes.extend([Route::StatusJson, Route::Calendar, Route::Feed]);
        let mut renderer = Renderer {
            tera,
            templates: theme.templates.clone(),
            base_url: config.site.base_url.clone(),
            title,
            items,
            body_words,
            pages,
            files,
            routes,
            by_path: std::collections::HashMap::new(),
        };
        renderer.by_path = (0..renderer.routes.len())
            .flat_map(|route| renderer.paths(site, route).into_iter().map(move |path| (path, route)))
            .collect();
        Ok(renderer)
    }

    /// How many routes the site has.
    pub fn len(&self) -> usize {
        self.routes.len()
    }

    /// The route that renders the file at `path` (site-relative), if any does.
    pub fn route_of(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    /// The paths the route writes.
    fn paths(&self, site: &Site, route: usize) -> Vec<String> {
        match self.routes[route] {
            Route::Page(i) => vec![self.pages[i].path.clone()],
            Route::File(i) => vec![self.files[i].0.clone()],
            Route::List(kind) => vec![format!("{}/index.html", kind.folder())],
            Route::Item(kind, i) => vec![site.current.items[kind][i].url().to_string()],
            Route::Revision(i) => {
                let entry = &site.timeline.revisions[i];
                let dir = format!("revisions/{}", entry.revision.slug);
                let mut paths = vec![format!("{dir}/index.html")];
                if entry.diff.is_some() {
                    paths.push(format!("{dir}/changes.html"));
                }
                if entry.certification.is_some() {
                    paths.push(format!("{dir}/certification.html"));
                }
                paths
            }
            Route::RevisionJson(i) => vec![archived_status_path(&site.timeline.revisions[i].revision.slug)],
            Route::StatusJson => vec!["status.json".into()],
            Route::Calendar => vec!["milestones.ics".into()],
            Route::Feed => vec!["feed.xml".into()],
            Route::SearchIndex => vec![search::JSON_PATH.into(), search::SCRIPT_PATH.into()],
            Route::Report(i) => reports::week_paths(&site.reports, i),
            Route::ReportIndex => vec!["reports/index.html".into()],
        }
    }

    /// The files of one route, by site-relative path.
    pub fn render(&self, site: &Site, route: usize) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
        let page = |page: &Page| Ok((page.path.clone(), self.render_page(page)?));
        let one = |path: &str, bytes: Vec<u8>| Ok(vec![(path.to_string(), bytes)]);
        match self.routes[route] {
            Route::Page(i) => Ok(vec![page(&self.pages[i])?]),
            Route::File(i) => Ok(vec![self.files[i].clone()]),
            Route::List(kind) => Ok(vec![page(&self.list_page(site, kind))?]),
            Route::Item(kind, i) => Ok(vec![page(&self.item_page(site, kind, i))?]),
            Route::Revision(i) => {
                let revisions = &site.timeline.revisions;
                let neighbours = Neighbours::of(revisions, i);
                revision_pages(&site.archive[i], &revisions[i], &neighbours).iter().map(page).collect()
            }
            Route::RevisionJson(i) => {
                let path = archived_status_path(&site.timeline.revisions[i].revision.slug);
                let status = site.archive[i].status();
                Ok(status.map(|status| (path, crate::derive::to_json(status, false))).into_iter().collect())
            }
            Route::StatusJson => one("status.json", crate::derive::to_json(&site.current, true)),
            Route::Calendar => {
                one("milestones.ics", ics::milestones(&site.current, &site.calendar_scope, &self.title).into_bytes())
            }
            Route::Feed => match feed(site, &self.base_url, &self.title, &self.tera) {
                Ok(xml) => one("feed.xml", xml.into_bytes()),
                Err(e) => Err(templates::template_error(&e, &self.templates, Some("feed.xml"))),
            },
            Route::SearchIndex => Ok(search::files(&site.current, &self.body_words).into()),
            Route::Report(i) => {
                let mut files = vec![page(&reports::week_page(&site.reports, i))?];
                files.extend(reports::week_files(&site.reports, i));
                Ok(files)
            }
            Route::ReportIndex => Ok(vec![page(&reports::index_page(&site.reports))?]),
        }
    }

    fn render_page(&self, page: &Page) -> Result<Vec<u8>, Diagnostic> {
        let mut context = Context::new();
        context.insert("root", page.root);
        for (key, value) in &page.extra {
            context.insert_value(*key, value.clone());
        }
        let html = self
            .tera
            .render(page.template, &context)
            .map_err(|e| templates::template_error(&e, &self.templates, Some(&page.path)))?;
        Ok(html.into_bytes())
    }

    /// The items of one kind in the shared context (with their rendered bodies).
    fn items_value(&self, kind: Kind) -> Value {
        self.items.get_from_path(kind.folder()).cloned().unwrap_or_else(|| Value::from(Vec::<Value>::new()))
    }

    fn list_page(&self, site: &Site, kind: Kind) -> Page {
        let removed: Vec<_> = site.timeline.removed.iter().filter(|t| t.kind == kind).collect();
        Page {
            path: format!("{}/index.html", kind.folder()),
            template: templates::KindPage::List.template(kind, &self.templates),
            root: "../",
            extra: vec![
                ("kind", Value::from_serializable(&kind_info(kind))),
                ("items", self.items_value(kind)),
                ("current_kind", Value::from(kind.folder())),
                ("removed", Value::from_serializable(&removed)),
            ],
        }
    }

    fn item_page(&self, site: &Site, kind: Kind, i: usize) -> Page {
        let item = &site.current.items[kind][i];
        let value = self.items_value(kind).as_array().and_then(|list| list.get(i)).cloned().unwrap_or_else(Value::none);
        let timeline = &site.timeline;
        let mut series = Value::from(Vec::<Value>::new());
        let mut chart = Value::none();
        if let KindData::Metric(m) = &item.record.data {
            let points = timeline.series_of(item.id());
            series = Value::from_serializable(points);
            let unit = m.unit.as_deref().unwrap_or("");
            let target = item.derived.kind.metric().and_then(|d| d.target_text.as_deref()).unwrap_or("");
            if let Some(c) = charts::metric::build(points, m.target.parsed().ok(), unit, target) {
                chart = Value::from_serializable(&c);
            }
        }
        Page {
            path: item.url().to_string(),
            template: templates::KindPage::Item.template(kind, &self.templates),
            root: "../",
            extra: vec![
                ("kind", Value::from_serializable(&kind_info(kind))),
                ("item", value),
                ("current_kind", Value::from(kind.folder())),
                ("history", Value::from_serializable(timeline.history_of(item.id()))),
                ("series", series),
                ("chart", chart),
            ],
        }
    }
}

/// Renders every file of the site into `output`, in parallel; returns how many were written.
pub fn render_site(
    site: &mut Site,
    config: &Config,
    theme: &Theme,
    output: &dyn Output,
    progress: &dyn Progress,
) -> Result<usize, Vec<Diagnostic>> {
    let renderer = Renderer::new(site, config, theme, None)?;
    let problems = Mutex::new(Vec::new());
    progress.start("rendering pages", renderer.len() as u64);
    let routes: Vec<usize> = (0..renderer.len()).collect();
    let written = render_routes(&renderer, site, &routes, output, progress, &problems);
    progress.finish();
    let mut problems = problems.into_inner().unwrap_or_else(|e| e.into_inner());
    // One broken template fails every page that uses it; say it once.
    problems.sort_by(|a, b| a.message.cmp(&b.message));
    problems.dedup_by(|a, b| {
        a.path == b.path
            && first_line(&a.message).split(" while rendering").next()
                == first_line(&b.message).split(" while rendering").next()
    });
    if problems.is_empty() { Ok(written) } else { Err(problems) }
}

/// Renders and writes `routes` in parallel, adding what fails to `problems`; returns how many
/// files were written. Each route builds its values, renders, writes and lets go: memory
/// holds a few pages per core, never the whole history's.
fn render_routes(
    renderer: &Renderer,
    site: &Site,
    routes: &[usize],
    output: &dyn Output,
    progress: &dyn Progress,
    problems: &Mutex<Vec<Diagnostic>>,
) -> usize {
    let report = |d: Diagnostic| problems.lock().unwrap_or_else(|e| e.into_inner()).push(d);
    routes
        .par_iter()
        .map(|route| {
            let files = renderer.render(site, *route).unwrap_or_else(|d| {
                report(d);
                Vec::new()
            });
            progress.tick(1);
            files
                .iter()
                .filter(|(path, bytes)| output.write(path, bytes).map_err(|e| report(write_error(path, &e))).is_ok())
                .count()
        })
        .sum()
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

fn write_error(path: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write {path}: {e}"))
}

/// The name of the icon of a readiness: `go` or `nogo` (`assets/favicon-<name>.svg`).
fn verdict_icon(go: bool) -> &'static str {
    if go { "go" } else { "nogo" }
}

/// A round icon in the theme's readiness colour, with a tick for GO and a cross for NO-GO,
/// so the tab says it without relying on colour alone.
fn favicon(go: bool) -> String {
    let (colour, mark) =
        if go { ("#137333", "M9 16.5l4.5 4.5 9-10") } else { ("#b3261e", "M10.5 10.5l11 11M21.5 10.5l-11 11") };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\"><circle cx=\"16\" cy=\"16\" r=\"15\" fill=\"{colour}\"/>\
         <path d=\"{mark}\" fill=\"none\" stroke=\"#fff\" stroke-width=\"3.5\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/></svg>\n"
    )
}

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    base_url: &'a str,
    /// The title of the audience the site is for, when it is one audience's.
    audience: Option<&'a str>,
}

#[derive(Serialize)]
struct KindInfo {
    name: &'static str,
    folder: &'static str,
    title: String,
}

fn kind_info(kind: Kind) -> KindInfo {
    KindInfo { name: kind.name(), folder: kind.folder(), title: kind.plural_title() }
}

fn kinds() -> Vec<KindInfo> {
    Kind::ALL.iter().filter(|k| !matches!(k, Kind::Plan | Kind::Section)).map(|k| kind_info(*k)).collect()
}

/// Every item by id (including the plan), so templates can follow references cheaply; in a
/// portfolio, also the other plans' records this plan's items name or are named by
/// (`qa/B-2`), linking into their plan's site beside this one.
fn index(status_value: &Value, status: &Status, config: &Config) -> Value {
    let mut index: BTreeMap<String, Value> = BTreeMap::new();
    let items = status_value.get_from_path("items").and_then(Value::as_map);
    for list in items.into_iter().flat_map(|m| m.values()) {
        for item in list.as_array().unwrap_or(&[]) {
            if let Some(id) = item.get_from_path("id").and_then(Value::as_str) {
                index.insert(id.to_string(), item.clone());
            }
        }
    }
    if let Some(plan) = status_value.get_from_path("plan") {
        index.insert(plan.get_from_path("id").and_then(Value::as_str).unwrap_or("plan").to_string(), plan.clone());
    }
    if let Some(neighbours) = config.neighbours.as_deref() {
        for item in status.items.values().flatten() {
            let named = item.record.references().map(|(_, _, id)| id);
            let blocked_by = item.derived.kind.gate().map_or(&[][..], |g| &g.blocked_by);
            let derived = blocked_by.iter().chain(&item.derived.referenced_by).map(String::as_str);
            for id in named.chain(derived) {
                let Some((plan, own)) = id.split_once('/') else { continue };
                let Some(found) = neighbours.plans.get(plan).and_then(|records| records.get(own)) else { continue };
                #[derive(Serialize)]
                struct Entry<'a> {
                    id: &'a str,
                    kind: &'a str,
                    title: &'a str,
                    url: String,
                }
                let entry = Entry { id, kind: &found.kind, title: &found.title, url: format!("../{}", found.url) };
                index.insert(id.to_string(), Value::from_serializable(&entry));
            }
        }
    }
    Value::from(index)
}

/// Set when the records' bodies are too much for one plan page: each part then lists its
/// records by title, linking to their pages (a 10,000-record plan would inline 20 MB).
#[derive(Serialize)]
struct PlanBrief {
    records: usize,
    body_bytes: usize,
}

impl PlanBrief {
    fn of(status: &Status, inline_limit: u64) -> Option<PlanBrief> {
        let items = || status.items.values().flatten();
        let body_bytes = items().map(|i| i.record.body().len()).sum::<usize>();
        (body_bytes as u64 > inline_limit).then(|| PlanBrief { records: items().count(), body_bytes })
    }
}

#[derive(Serialize)]
struct OutlinePart {
    part: &'static str,
    id: Option<String>,
    /// The part's anchor and heading, for the plan's table of contents.
    anchor: String,
    title: String,
}

/// The plan page's order: built-in parts that have records, and `section` records, by order.
fn outline(status: &Status) -> Vec<OutlinePart> {
    let mut parts: Vec<(i64, usize, OutlinePart)> = PLAN_PARTS
        .iter()
        .enumerate()
        .filter(|(_, p)| p.folder.and_then(Kind::from_folder).is_none_or(|kind| !status.items[kind].is_empty()))
        .map(|(i, p)| {
            (p.order, i, OutlinePart { part: p.name, id: None, anchor: p.anchor.into(), title: p.title.into() })
        })
        .collect();
    for (i, section) in status.items[Kind::Section].iter().enumerate() {
        let order = match &section.record.data {
            KindData::Section(s) => s.order.unwrap_or(1000),
            _ => 1000,
        };
        let part = OutlinePart {
            part: "section",
            id: Some(section.id().to_string()),
            anchor: section.id().to_string(),
            title: section.title().to_string(),
        };
        parts.push((order, PLAN_PARTS.len() + i, part));
    }
    parts.sort_by_key(|(order, i, _)| (*order, *i));
    parts.into_iter().map(|(_, _, p)| p).collect()
}

#[derive(Serialize)]
struct Group {
    name: String,
    ids: Vec<String>,
}

/// Groups items by their grouping label, in order of first appearance; unlabelled ones last.
fn groups(items: &[Item], fallback: &str) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut unlabelled = Vec::new();
    for item in items {
        match item.record.data.grouping().map(str::to_string) {
            Some(name) => match groups.iter_mut().find(|g| g.name == name) {
                Some(g) => g.ids.push(item.id().to_string()),
                None => groups.push(Group { name, ids: vec![item.id().to_string()] }),
            },
            None => unlabelled.push(item.id().to_string()),
        }
    }
    if !unlabelled.is_empty() {
        groups.push(Group { name: fallback.to_string(), ids: unlabelled });
    }
    groups
}

/// The dashboard, the plan and the revision list; list and item pages are routes of their own.
fn fixed_pages() -> Vec<Page> {
    vec![
        Page { path: "index.html".into(), template: "index.html", root: "", extra: Vec::new() },
        Page { path: "plan.html".into(), template: "plan.html", root: "", extra: Vec::new() },
        Page {
            path: "revisions/index.html".into(),
            template: "revisions.html",
            root: "../",
            extra: vec![("current_kind", Value::from("revisions"))],
        },
    ]
}

/// Milestones a dashboard timeline can show legibly; a larger plan shows its next ones.
const DASHBOARD_MILESTONES: usize = 12;

/// The charts of the current status, shared by every page (each shows the ones it needs).
#[derive(Serialize)]
struct CurrentCharts {
    heatmap: charts::heatmap::HeatMap,
    burndown: charts::burndown::BurnDown,
    strip: charts::strip::Strip,
    gates: charts::gates::GateChart,
    gantt: charts::gantt::Gantt,
    /// The dashboard's: every milestone of a small plan, else the next few.
    gantt_next: charts::gantt::Gantt,
    /// Per metric id.
    sparklines: BTreeMap<String, charts::metric::Sparkline>,
}

fn current_charts(site: &Site, config: &Config) -> CurrentCharts {
    let status = &site.current;
    // The current status is the newest snapshot's; the arrows start at the one before.
    let previous = site.previous.as_ref().map(|(id, status)| (id.as_str(), status.as_ref()));
    let next_milestones = (status.items[Kind::Milestone].len() > DASHBOARD_MILESTONES)
        .then(|| &status.next_milestones[..status.next_milestones.len().min(DASHBOARD_MILESTONES)]);
    let blockers: Vec<_> =
        site.timeline.revisions.iter().zip(&site.archive).map(|(e, a)| (&e.revision, a.blockers)).collect();
    let first_start = &|id: &str| site.timeline.first_start(id);
    let sparklines = status.items[Kind::Metric]
        .iter()
        .filter_map(|item| {
            let KindData::Metric(m) = &item.record.data else { return None };
            let series = site.timeline.series_of(item.id());
            let line = charts::metric::sparkline(series, m.target.parsed().ok(), m.unit.as_deref().unwrap_or(""))?;
            Some((item.id().to_string(), line))
        })
        .collect();
    CurrentCharts {
        heatmap: charts::heatmap::build(status, previous, config.risk.bands),
        burndown: charts::burndown::build(&blockers),
        strip: charts::strip::build(&site.timeline.revisions),
        gates: charts::gates::build(status),
        gantt: charts::gantt::build(status, first_start, None),
        gantt_next: charts::gantt::build(status, first_start, next_milestones),
        sparklines,
    }
}

/// A diff as a standalone HTML page (`statuspress diff --format html`). Links point into
/// the published site when `[site] base_url` is set.
pub fn diff_page(diff: &crate::diff::Diff, config: &Config, theme: &Theme) -> Result<String, Vec<Diagnostic>> {
    let (tera, templates) = (&theme.html, &theme.templates);
    let css = theme.text("style.css");
    let mut context = Context::new();
    context.insert("diff", diff);
    context.insert("css", css);
    context.insert("root", &config.site.base_url);
    context.insert(
        "site",
        &SiteInfo {
            title: config.site.title.as_deref().unwrap_or("statuspress"),
            base_url: &config.site.base_url,
            audience: None,
        },
    );
    tera.render("diff.html", &context).map_err(|e| vec![templates::template_error(&e, templates, Some("the diff"))])
}

fn slug_text(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}
