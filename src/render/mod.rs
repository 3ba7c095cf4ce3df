//! Render: the derived status → the pages of the site, in parallel.

pub mod ics;
pub mod markdown;
pub mod templates;

use std::collections::BTreeMap;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::config::Config;
use crate::derive::{Item, Status};
use crate::diagnostics::Diagnostic;
use crate::model::{Kind, KindData};
use crate::write::Staging;
use templates::Template;

/// Where the built-in parts of the plan page stand; `section` records slot in by `order`.
pub const PLAN_PARTS: &[(&str, i64)] = &[
    ("summary", 10),
    ("assessments", 20),
    ("blockers", 30),
    ("actions", 40),
    ("decisions", 50),
    ("gates", 60),
    ("audiences", 70),
    ("risks", 80),
    ("metrics", 90),
    ("milestones", 100),
];

/// One page to render: its path in the site and what it adds to the shared context.
struct Page {
    path: String,
    template: &'static str,
    root: &'static str,
    extra: Vec<(&'static str, Value)>,
}

/// Renders every record body to sanitized HTML, in parallel, ahead of serialization.
pub fn render_bodies(status: &Status) {
    status.plan.record.body_html();
    status.items.values().for_each(|items| {
        items.par_iter().for_each(|i| {
            i.record.body_html();
        })
    });
}

/// Renders every page of the site into `staging`; returns the number of files written.
pub fn render_site(
    status: &Status,
    config: &Config,
    templates: &[Template],
    staging: &Staging,
) -> Result<usize, Vec<Diagnostic>> {
    let mut tera = templates::engine(templates)?;
    let status_value = Value::from_serializable(status);
    let title = config.site.title.clone().unwrap_or_else(|| status.plan.title.clone());
    let globals = tera.global_context();
    globals.insert_value("status", status_value.clone());
    globals.insert_value("index", index(&status_value));
    globals.insert("site", &SiteInfo { title: &title, base_url: &config.site.base_url });
    globals.insert("kinds", &kinds());
    globals.insert("outline", &outline(status));
    globals.insert(
        "action_horizons",
        &groups(
            &status.items["actions"],
            |i| match &i.record.data {
                KindData::Action(a) => a.horizon.clone(),
                _ => None,
            },
            "Other actions",
        ),
    );
    globals.insert(
        "metric_groups",
        &groups(
            &status.items["metrics"],
            |i| match &i.record.data {
                KindData::Metric(m) => m.group.clone(),
                _ => None,
            },
            "Metrics",
        ),
    );
    globals.insert_value("current_kind", Value::from(""));

    let pages = pages(status, &status_value);
    let problems = Mutex::new(Vec::new());
    pages.par_iter().for_each(|page| {
        let mut context = Context::new();
        context.insert("root", page.root);
        for (key, value) in &page.extra {
            context.insert_value(*key, value.clone());
        }
        let result = tera
            .render(page.template, &context)
            .map_err(|e| templates::template_error(&e, templates, Some(&page.path)))
            .and_then(|html| staging.write(&page.path, html.as_bytes()).map_err(|e| write_error(&page.path, &e)));
        if let Err(d) = result {
            problems.lock().unwrap_or_else(|e| e.into_inner()).push(d);
        }
    });
    let mut problems = problems.into_inner().unwrap_or_else(|e| e.into_inner());
    // One broken template fails every page that uses it; say it once.
    problems.sort_by(|a, b| a.message.cmp(&b.message));
    problems.dedup_by(|a, b| {
        a.path == b.path
            && first_line(&a.message).split(" while rendering").next()
                == first_line(&b.message).split(" while rendering").next()
    });

    let json = serde_json::to_string_pretty(status)
        .map_err(|e| vec![Diagnostic::error(format!("cannot serialize status.json: {e}"))])?;
    let css = templates.iter().find(|t| t.name == "style.css").map_or("", |t| t.text.as_str());
    let extra_files = [
        ("status.json", json + "\n"),
        ("milestones.ics", ics::milestones(status, &title)),
        ("assets/style.css", css.to_string()),
    ];
    for (path, text) in &extra_files {
        if let Err(e) = staging.write(path, text.as_bytes()) {
            problems.push(write_error(path, &e));
        }
    }
    if problems.is_empty() { Ok(pages.len() + extra_files.len()) } else { Err(problems) }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

fn write_error(path: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write {path}: {e}"))
}

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    base_url: &'a str,
}

#[derive(Serialize)]
struct KindInfo {
    name: &'static str,
    folder: &'static str,
    title: String,
}

fn kinds() -> Vec<KindInfo> {
    Kind::ALL
        .iter()
        .filter(|k| !matches!(k, Kind::Plan | Kind::Section))
        .map(|k| KindInfo { name: k.name(), folder: k.folder(), title: k.plural_title() })
        .collect()
}

/// Every item by id (including the plan), so templates can follow references cheaply.
fn index(status: &Value) -> Value {
    let mut index: BTreeMap<String, Value> = BTreeMap::new();
    let items = status.get_from_path("items").and_then(Value::as_map);
    for list in items.into_iter().flat_map(|m| m.values()) {
        for item in list.as_array().unwrap_or(&[]) {
            if let Some(id) = item.get_from_path("id").and_then(Value::as_str) {
                index.insert(id.to_string(), item.clone());
            }
        }
    }
    if let Some(plan) = status.get_from_path("plan") {
        index.insert(plan.get_from_path("id").and_then(Value::as_str).unwrap_or("plan").to_string(), plan.clone());
    }
    Value::from(index)
}

#[derive(Serialize)]
struct OutlinePart {
    part: &'static str,
    id: Option<String>,
}

/// The plan page's order: built-in parts and `section` records, by order.
fn outline(status: &Status) -> Vec<OutlinePart> {
    let mut parts: Vec<(i64, usize, OutlinePart)> =
        PLAN_PARTS.iter().enumerate().map(|(i, (part, order))| (*order, i, OutlinePart { part, id: None })).collect();
    for (i, section) in status.items["sections"].iter().enumerate() {
        let order = match &section.record.data {
            KindData::Section(s) => s.order.unwrap_or(1000),
            _ => 1000,
        };
        parts.push((order, PLAN_PARTS.len() + i, OutlinePart { part: "section", id: Some(section.id.clone()) }));
    }
    parts.sort_by_key(|(order, i, _)| (*order, *i));
    parts.into_iter().map(|(_, _, p)| p).collect()
}

#[derive(Serialize)]
struct Group {
    name: String,
    ids: Vec<String>,
}

/// Groups items by a label, in order of first appearance; unlabelled ones come last.
fn groups(items: &[Item], label: impl Fn(&Item) -> Option<String>, fallback: &str) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut unlabelled = Vec::new();
    for item in items {
        match label(item) {
            Some(name) => match groups.iter_mut().find(|g| g.name == name) {
                Some(g) => g.ids.push(item.id.clone()),
                None => groups.push(Group { name, ids: vec![item.id.clone()] }),
            },
            None => unlabelled.push(item.id.clone()),
        }
    }
    if !unlabelled.is_empty() {
        groups.push(Group { name: fallback.to_string(), ids: unlabelled });
    }
    groups
}

fn pages(status: &Status, status_value: &Value) -> Vec<Page> {
    let mut pages = vec![
        Page { path: "index.html".into(), template: "index.html", root: "", extra: Vec::new() },
        Page { path: "plan.html".into(), template: "plan.html", root: "", extra: Vec::new() },
    ];
    let items = status_value.get_from_path("items").and_then(Value::as_map);
    for kind in Kind::ALL.iter().filter(|k| **k != Kind::Plan) {
        let list = items
            .and_then(|m| m.get(&tera::value::Key::Str(kind.folder())))
            .cloned()
            .unwrap_or_else(|| Value::from(Vec::<Value>::new()));
        let kind_value = Value::from_serializable(&KindInfo {
            name: kind.name(),
            folder: kind.folder(),
            title: kind.plural_title(),
        });
        let current = Value::from(kind.folder());
        pages.push(Page {
            path: format!("{}/index.html", kind.folder()),
            template: "list.html",
            root: "../",
            extra: vec![("kind", kind_value.clone()), ("items", list.clone()), ("current_kind", current.clone())],
        });
        for (item, value) in status.items[kind.folder()].iter().zip(list.as_array().unwrap_or(&[])) {
            pages.push(Page {
                path: format!("{}/{}.html", kind.folder(), item.id),
                template: "item.html",
                root: "../",
                extra: vec![("kind", kind_value.clone()), ("item", value.clone()), ("current_kind", current.clone())],
            });
        }
    }
    pages
}
