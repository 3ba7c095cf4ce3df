//! The Atom feed: one entry per revision and per weekly report.

use serde::Serialize;
use tera::Context;

use super::{Site, slug_text};

#[derive(Serialize)]
pub(super) struct Feed {
    id: String,
    base: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

#[derive(Serialize)]
pub(super) struct FeedEntry {
    title: String,
    id: String,
    path: String,
    updated: String,
    author: String,
    summary: String,
}

/// `feed.xml`: an Atom entry per revision, newest first, linking to its change page.
pub(super) fn feed(site: &Site, base_url: &str, title: &str, tera: &tera::Tera) -> tera::TeraResult<String> {
    let (id_base, base) = feed_ids(base_url, title);
    let entries = feed_entries(site, &id_base, "", "");
    feed_document(entries, id_base, base, tera)
}

/// The feed's id (the site's URL, or a URN from its title) and the base of its links
/// (`base_url`, which the configuration ends with `/`).
pub(super) fn feed_ids(base_url: &str, title: &str) -> (String, String) {
    let id_base =
        if base_url.is_empty() { format!("urn:statuspress:{}", slug_text(title)) } else { base_url.to_string() };
    (id_base, base_url.to_string())
}

pub(super) fn rfc3339(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0).unwrap_or_default().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The entries of one plan's site: a revision's changes and a week's report each. In a
/// portfolio, `folder` (`qa/`) prefixes links and ids, and `label` (`QA coordination: `) titles.
pub(super) fn feed_entries(site: &Site, id_base: &str, folder: &str, label: &str) -> Vec<FeedEntry> {
    let mut entries: Vec<FeedEntry> = site
        .timeline
        .revisions
        .iter()
        .rev()
        .map(|e| {
            let page = if e.diff.is_some() { "changes.html" } else { "index.html" };
            let verdict = e.readiness.map_or_else(|| "unreadable".to_string(), |v| v.to_string());
            FeedEntry {
                title: format!("{label}{}: {verdict} — {}", e.revision.id, e.summary),
                id: format!("{id_base}{folder}#revision-{}", e.revision.commit.as_deref().unwrap_or(&e.revision.slug)),
                path: format!("{folder}revisions/{}/{page}", e.revision.slug),
                updated: rfc3339(e.revision.timestamp),
                author: e.revision.author.clone(),
                summary: e.revision.message.clone(),
            }
        })
        .collect();
    for w in &site.reports {
        let r = &w.report;
        entries.push(FeedEntry {
            title: format!("{label}Report {}: {} — {}", r.week, r.readiness, r.headline),
            id: format!("{id_base}{folder}#report-{}", r.week),
            path: format!("{folder}reports/{}/index.html", r.week),
            updated: rfc3339(w.week.end_timestamp(site.zone)),
            author: String::new(),
            summary: format!("Weekly report {} ({} – {}): {}", r.week, r.start, r.end, r.headline),
        });
    }
    entries
}

/// The Atom document of `entries`, newest first.
pub(super) fn feed_document(
    mut entries: Vec<FeedEntry>,
    id: String,
    base: String,
    tera: &tera::Tera,
) -> tera::TeraResult<String> {
    // Newest first; RFC 3339 UTC strings sort as times.
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    let updated = entries.iter().map(|e| e.updated.clone()).max().unwrap_or_else(|| rfc3339(0));
    let mut context = Context::new();
    context.insert("feed", &Feed { id, base, updated, entries });
    tera.render("feed.xml", &context)
}

/// A portfolio's `feed.xml`: every plan's entries, each titled with its plan.
pub(crate) fn portfolio_feed(
    plans: &[(&str, &Site)],
    base_url: &str,
    title: &str,
    tera: &tera::Tera,
) -> tera::TeraResult<String> {
    let (id_base, base) = feed_ids(base_url, title);
    let entries = plans
        .iter()
        .flat_map(|(id, site)| {
            let label = format!("{}: ", site.current.plan.title());
            feed_entries(site, &id_base, &format!("{id}/"), &label)
        })
        .collect();
    feed_document(entries, id_base, base, tera)
}
