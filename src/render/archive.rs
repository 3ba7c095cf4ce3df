//! The archive: each revision's page, its changes and its `status.json`, the working tree's
//! page, and the pages that say when a removed item went.

use serde::Serialize;
use tera::Value;

use super::{Archived, Page, Site, kind_info, verdict_icon};
use crate::derive::{Item, Status};
use crate::diff::timeline::{RevisionEntry, Timeline};
use crate::history::WORKING;
use crate::model::{Kind, KindData};

/// How many items of each list a revision page shows; `status.json` has them all.
pub(super) const REVISION_LIST_LIMIT: usize = 50;

/// What a revision page shows: the plan's state then, in brief.
#[derive(Serialize)]
pub(super) struct RevisionView<'a> {
    readiness: &'a crate::derive::Readiness,
    health: HealthBrief<'a>,
    counts: &'a crate::derive::Counts,
    plan_title: &'a str,
    gate_groups: Vec<(&'a str, Vec<Brief<'a>>)>,
    lists: Vec<(&'static str, usize, Vec<Brief<'a>>)>,
}

/// A revision's health on its page: the verdict, with its first reasons (a plan of 10,000
/// records can have 5,000; `status.json` has them all).
#[derive(Serialize)]
struct HealthBrief<'a> {
    computed: crate::values::Health,
    declared: Option<crate::values::Health>,
    reasons: &'a [String],
    groups: Vec<GroupBrief<'a>>,
}

#[derive(Serialize)]
struct GroupBrief<'a> {
    text: &'a str,
    refs: &'a [crate::derive::RecordRef],
}

impl<'a> HealthBrief<'a> {
    fn of(health: &'a crate::derive::HealthStatus) -> HealthBrief<'a> {
        let first = |n: usize| n.min(REVISION_LIST_LIMIT);
        let groups = health.groups.iter().take(REVISION_LIST_LIMIT);
        HealthBrief {
            computed: health.computed,
            declared: health.declared,
            reasons: &health.reasons[..first(health.reasons.len())],
            groups: groups.map(|g| GroupBrief { text: &g.text, refs: &g.refs[..first(g.refs.len())] }).collect(),
        }
    }
}

/// One line of a revision page's lists.
#[derive(Serialize)]
pub(super) struct Brief<'a> {
    id: &'a str,
    title: &'a str,
    url: &'a str,
    status: Option<String>,
    note: Option<String>,
}

pub(super) fn brief(item: &Item) -> Brief<'_> {
    let values = &item.derived.kind;
    let status = match &item.record.data {
        KindData::Blocker(b) => Some(format!("{} {}", b.severity, b.status)),
        KindData::Gate(g) => Some(g.status.to_string()),
        KindData::Risk(r) => Some(r.status.to_string()),
        KindData::Action(a) => Some(a.status.to_string()),
        KindData::Milestone(m) => Some(m.status.to_string()),
        KindData::Metric(_) => values.metric().and_then(|m| m.state).map(|s| s.to_string()),
        KindData::Plan(_)
        | KindData::Assessment(_)
        | KindData::Decision(_)
        | KindData::Audience(_)
        | KindData::Section(_) => None,
    };
    let note = match &item.record.data {
        KindData::Risk(_) => values.risk().map(|r| format!("score {} {}", r.score, r.band.as_str())),
        KindData::Metric(_) => values.metric().map(|m| {
            format!(
                "{} (target {})",
                m.value_text.as_deref().unwrap_or("not measured"),
                m.target_text.as_deref().unwrap_or("")
            )
        }),
        KindData::Milestone(_) => values.milestone().map(|m| m.when.clone()),
        KindData::Plan(_)
        | KindData::Assessment(_)
        | KindData::Blocker(_)
        | KindData::Gate(_)
        | KindData::Decision(_)
        | KindData::Action(_)
        | KindData::Audience(_)
        | KindData::Section(_) => None,
    };
    Brief { id: item.id(), title: item.title(), url: item.url(), status, note }
}

pub(crate) fn revision_view(status: &Status) -> RevisionView<'_> {
    let by_id: std::collections::HashMap<&str, &Item> = status.items.values().flatten().map(|i| (i.id(), i)).collect();
    let gate_groups = status
        .gate_groups
        .iter()
        .map(|g| (g.name.as_str(), g.gates.iter().filter_map(|id| by_id.get(id.as_str())).map(|i| brief(i)).collect()))
        .collect();
    fn list<'a>(label: &'static str, items: Vec<&'a Item>) -> (&'static str, usize, Vec<Brief<'a>>) {
        (label, items.len(), items.into_iter().take(REVISION_LIST_LIMIT).map(brief).collect())
    }
    let unresolved =
        status.items[Kind::Blocker].iter().filter(|i| i.derived.kind.blocker().is_some_and(|b| b.unresolved)).collect();
    let risks = status.top_risks.iter().filter_map(|id| by_id.get(id.as_str()).copied()).collect();
    let open_actions = status.items[Kind::Action]
        .iter()
        .filter(|i| matches!(&i.record.data, KindData::Action(a) if !a.status.is_finished()))
        .collect();
    RevisionView {
        readiness: &status.readiness,
        health: HealthBrief::of(&status.health),
        counts: &status.counts,
        plan_title: status.plan.title(),
        gate_groups,
        lists: vec![
            list("Open blockers", unresolved),
            list("Live risks", risks),
            list("Metrics", status.items[Kind::Metric].iter().collect()),
            list("Milestones", status.items[Kind::Milestone].iter().collect()),
            list("Open actions", open_actions),
        ],
    }
}

/// The revisions before and after one, for previous/next links.
#[derive(Serialize)]
pub(super) struct Neighbours<'a> {
    previous: Option<Neighbour<'a>>,
    next: Option<Neighbour<'a>>,
}

#[derive(Serialize)]
pub(super) struct Neighbour<'a> {
    id: &'a str,
    slug: &'a str,
    date: crate::values::Date,
}

impl<'a> Neighbours<'a> {
    pub(super) fn of(revisions: &'a [RevisionEntry], i: usize) -> Neighbours<'a> {
        let at = |i: usize| {
            revisions.get(i).map(|e| Neighbour { id: &e.revision.id, slug: &e.revision.slug, date: e.revision.date })
        };
        Neighbours { previous: i.checked_sub(1).and_then(at), next: at(i + 1) }
    }
}

/// The start of every current page's title: `GO · `, or `GO · stale, review overdue by 445
/// days · `.
pub(super) fn title_prefix(status: &Status) -> String {
    match &status.stale {
        Some(stale) => format!("{} · stale, {} · ", status.readiness.verdict, stale.why),
        None => format!("{} · ", status.readiness.verdict),
    }
}

/// Where the archived revision `slug` keeps its status, as JSON.
pub fn archived_status_path(slug: &str) -> String {
    format!("revisions/{slug}/status.json")
}

/// What an archived page shows first: its own readiness, in the title and the icon.
pub(crate) fn archived_extras(
    label: &str,
    readiness: Option<crate::derive::ReadinessVerdict>,
) -> [(&'static str, Value); 2] {
    let verdict = readiness.map_or("unreadable", crate::derive::ReadinessVerdict::as_str);
    [
        ("title_prefix", Value::from(format!("{label} · {verdict} · "))),
        ("favicon", Value::from(verdict_icon(readiness == Some(crate::derive::ReadinessVerdict::Go)))),
    ]
}

/// The archive pages of one revision: its page, and its change page when it has one.
pub(super) fn revision_pages(shown: &Archived, entry: &RevisionEntry, neighbours: &Neighbours<'_>) -> Vec<Page> {
    let slug = &entry.revision.slug;
    let entry_value = Value::from_serializable(entry);
    // The working tree's uncommitted state is the current plan, not an archive.
    let archived = slug != WORKING;
    let own: Vec<(&'static str, Value)> =
        if archived { archived_extras(&entry.revision.id, entry.readiness).into() } else { Vec::new() };
    let mut extra = vec![
        ("entry", entry_value.clone()),
        ("snapshot", shown.view()),
        ("heatmap", shown.heatmap()),
        ("json", Value::from(if entry.readable { "status.json" } else { "" })),
        ("current_kind", Value::from("revisions")),
        ("neighbours", Value::from_serializable(neighbours)),
        ("archived", Value::from(archived)),
    ];
    extra.extend(own.iter().cloned());
    let mut pages =
        vec![Page { path: format!("revisions/{slug}/index.html"), template: "revision.html", root: "../../", extra }];
    if entry.diff.is_some() {
        let mut extra = vec![
            ("entry", entry_value),
            ("current_kind", Value::from("revisions")),
            ("archived", Value::from(archived)),
        ];
        extra.extend(own.iter().cloned());
        pages.push(Page {
            path: format!("revisions/{slug}/changes.html"),
            template: "changes.html",
            root: "../../",
            extra,
        });
    }
    if let Some(certification) = &entry.certification {
        let mut extra = vec![
            ("entry", Value::from_serializable(entry)),
            ("certification", Value::from_serializable(certification)),
            ("current_kind", Value::from("revisions")),
            ("archived", Value::from(archived)),
        ];
        extra.extend(own);
        pages.push(Page {
            path: format!("revisions/{slug}/certification.html"),
            template: "certification.html",
            root: "../../",
            extra,
        });
    }
    pages
}

/// The certification the dashboard links to: the newest one, while the plan has stayed GO
/// since (a later NO-GO revision, or today's plan being NO-GO, withdraws it).
pub(super) fn standing_certification(site: &Site) -> Option<&crate::diff::certification::Certification> {
    if !site.current.readiness.go {
        return None;
    }
    let revisions = &site.timeline.revisions;
    let at = revisions.iter().rposition(|e| e.certification.is_some())?;
    let withdrawn = revisions[at..].iter().any(|e| e.readiness == Some(crate::derive::ReadinessVerdict::NoGo));
    if withdrawn { None } else { revisions[at].certification.as_ref() }
}

/// `revisions/working/` was published whenever the tree had uncommitted changes; when it
/// has none, the page stays and says which revision the tree matches.
pub(super) fn working_page(site: &Site) -> Option<Page> {
    if site.timeline.revisions.iter().any(|e| e.revision.slug == WORKING) {
        return None;
    }
    let (newest, archived) = site.timeline.revisions.last().zip(site.archive.last())?;
    let mut entry = newest.clone();
    entry.diff = None;
    entry.revision.message =
        format!("The working tree has no uncommitted changes: it is the same as {}.", newest.revision.id);
    Some(Page {
        path: format!("revisions/{WORKING}/index.html"),
        template: "revision.html",
        root: "../../",
        extra: vec![
            ("entry", Value::from_serializable(&entry)),
            ("snapshot", archived.view()),
            ("heatmap", archived.heatmap()),
            (
                "json",
                Value::from(if newest.readable {
                    format!("../{}/status.json", newest.revision.slug)
                } else {
                    String::new()
                }),
            ),
            ("current_kind", Value::from("revisions")),
            (
                "neighbours",
                Value::from_serializable(&Neighbours::of(&site.timeline.revisions, site.timeline.revisions.len())),
            ),
            ("archived", Value::from(false)),
        ],
    })
}

/// Pages of removed items, so every URL once published keeps answering.
pub(super) fn tombstone_pages(timeline: &Timeline) -> Vec<Page> {
    timeline
        .removed
        .iter()
        .map(|t| Page {
            path: t.url.clone(),
            template: "removed.html",
            root: "../",
            extra: vec![
                ("tombstone", Value::from_serializable(t)),
                ("kind", Value::from_serializable(&kind_info(t.kind))),
                ("history", Value::from_serializable(timeline.history_of(&t.id))),
                ("current_kind", Value::from(t.kind.folder())),
            ],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::fixture::derived;

    /// A revision's page names the first of its health's reasons, as it lists the first
    /// items of each list; its `status.json` has them all.
    #[test]
    fn a_revision_brief_names_the_first_reasons_only() {
        let blockers: Vec<(String, String)> = (0..REVISION_LIST_LIMIT + 5)
            .map(|n| {
                (format!("blockers/b-{n}.toml"), format!("title = 'B{n}'\nseverity = 'critical'\nstatus = 'open'"))
            })
            .collect();
        let files: Vec<(&str, &str)> = blockers.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let status = derived(&files);
        let all = status.health.groups.iter().map(|g| g.refs.len()).max().unwrap();
        assert!(all > REVISION_LIST_LIMIT, "the plan's health names every blocker");
        let brief = serde_json::to_value(revision_view(&status)).unwrap();
        let refs = brief["health"]["groups"].as_array().unwrap().iter().map(|g| g["refs"].as_array().unwrap().len());
        assert_eq!(refs.max(), Some(REVISION_LIST_LIMIT));
        assert_eq!(brief["health"]["computed"], serde_json::to_value(status.health.computed).unwrap());
    }
}
