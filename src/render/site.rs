//! The assembly of a site: today's plan, the history behind it and the weekly reports, as one
//! audience may see them: redacted once, here, for an audience's site. The renderer (the rest
//! of `render`) only turns it into pages.
//!
//! The history is folded in one revision at a time, oldest first: each is derived, compared
//! with the readable one before it, given to the timeline, the weekly reports and the
//! archive (its page's values, its `status.json`), and dropped. A build then holds about
//! two revisions at a time, not all of them.

use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use tera::Value;

use super::archive::revision_view;
use super::templates::Theme;
use super::{Output, charts, ics, reports};
use crate::derive::redact::Redaction;
use crate::derive::{Item, Status};
use crate::diagnostics::Diagnostic;
use crate::diff::timeline::{Timeline, TimelineFold};
use crate::history::Source;
use crate::history::snapshots::{self, FirstShip, Pipeline, Revisions, Snapshot};
use crate::model::Kind;
use crate::progress::{Progress, Stopwatch};

/// Everything the site shows: the current status and the history behind it.
pub struct Site {
    pub current: Status,
    pub timeline: Timeline,
    /// What the archive shows of each revision, oldest first.
    pub archive: Vec<Archived>,
    /// The revision before the newest, which the dashboard's message compares with.
    pub before: Option<Arc<Status>>,
    /// The newest readable revision before the newest (its id), where the heat map's
    /// arrows start.
    pub previous: Option<(String, Arc<Status>)>,
    /// The permanent URLs of the site (see [`crate::history::urls`]), and, for an
    /// audience's site, those of every record, which the previous site is checked against.
    pub urls: BTreeSet<String>,
    pub unredacted_urls: Option<BTreeSet<String>>,
    /// How many files the fold wrote or kept: archived `status.json` files, and the weekly
    /// reports' text forms and emails (see [`Begun::fold`]).
    pub files_written: usize,
    /// Warnings about the history itself (e.g. a shallow clone), shown on the archive.
    pub history_note: Option<String>,
    pub reports: Vec<reports::WeekReports>,
    pub zone: crate::values::Zone,
    /// The audience a site is built for (`build --audience`); `None` for the full site.
    pub audience: Option<Item>,
    /// The end of its calendar events' ids ([`ics::uid_scope`]).
    pub calendar_scope: String,
}

/// What the site keeps of a revision once it is folded in: what its page shows, and its
/// blockers for the burn-down chart.
pub struct Archived {
    page: ArchivedPage,
    pub blockers: Option<charts::burndown::Tally>,
}

/// What a revision's page is made from: its plan in brief ([`revision_view`]) and its risk
/// heat map, with arrows from the readable revision before it; none when it could not be read.
enum ArchivedPage {
    /// A build's, packed until the page is rendered (its `status.json` is written already).
    /// A plan whose health names 5,000 records has a 1 MB brief per revision as JSON, three
    /// times that as template values, and 70 KB packed.
    Packed { view: Option<Packed>, heatmap: Option<Packed> },
    /// A live preview's: the statuses themselves, made into values only when a browser asks
    /// for the page (or its `status.json`).
    Kept { status: Option<Arc<Status>>, previous: Option<(String, Arc<Status>)>, bands: [i64; 3] },
}

/// How to make a site (see [`Site::begin`]).
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

/// A site whose plan today is derived and checked, before its history is folded in.
pub struct Begun {
    newest: Snapshot,
    current: Status,
    /// The records confidential in any revision (see [`Redaction::for_audience`]).
    confidential: HashSet<String>,
    /// The site's audience, and what it may see.
    redaction: Option<Redaction>,
    audience: Option<Item>,
    history_note: Option<String>,
    strict: bool,
}

/// How many revisions are derived at once, per thread: each holds a whole plan, and a
/// chunk is derived while the one before is folded in.
const FOLD_CHUNK_PER_THREAD: usize = 1;

impl Site {
    /// The plan today of the site of `revisions` (oldest first; the newest is the plan
    /// today, derived again as of the as-of date), checked: `None` when there is an error
    /// (or a warning, when strict) in the newest revision's records, or an unknown
    /// audience. Problems go to `diagnostics`.
    pub fn begin(
        revisions: &dyn Revisions,
        pipeline: &Pipeline,
        options: &SiteOptions<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Begun> {
        let newest = revisions.snapshot(revisions.len().checked_sub(1)?);
        diagnostics.extend(newest.diagnostics.iter().cloned());
        let current = snapshots::current(&newest, revisions.last_commit(), pipeline, options.as_of, diagnostics);
        crate::diagnostics::sort(diagnostics);
        let current = current.filter(|_| !diagnostics.iter().any(|d| d.is_error() || options.strict))?;
        let confidential = revisions.confidential();
        let (current, redaction, audience) = match options.audience {
            None => (current, None, None),
            Some(id) => {
                let neighbours = pipeline.config().neighbours.as_deref();
                let (redaction, audience) =
                    for_audience(id, options.more_audiences, neighbours, &confidential, &current)
                        .map_err(|d| diagnostics.push(d))
                        .ok()?;
                (redaction.apply(&current), Some(redaction), Some(audience))
            }
        };
        let own = audience.as_ref().and_then(|a| current.items[Kind::Audience].iter().find(|i| i.id() == a.id()));
        let audience = own.cloned().or(audience);
        let (history_note, strict) = (options.history_note.clone(), options.strict);
        Some(Begun { newest, current, confidential, redaction, audience, history_note, strict })
    }
}

impl Begun {
    /// For an audience's site, what its redaction of every revision depends on besides the
    /// revision ([`Redaction::key`]): a build keeps an old revision's `status.json` only when
    /// it is the same.
    pub fn redaction_key(&self) -> Option<String> {
        self.redaction.as_ref().map(Redaction::key)
    }

    /// Folds every revision in (see the module's comment): the revisions' changes, each
    /// item's history and baselines, the weekly reports (the audience's alone, for an
    /// audience's site) and the archive. With `archive`, each readable revision's
    /// `status.json` and each week's report files are written there as they pass (unless
    /// it keeps the previous build's); without, the site keeps them to render them when
    /// asked (a live preview). Timed on `clock` as `revisions`.
    /// `None` when a report cannot be made, or an older revision could not be read and
    /// warnings are errors; the problems go to `diagnostics`.
    #[allow(clippy::too_many_arguments)]
    pub fn fold(
        self,
        revisions: &dyn Revisions,
        pipeline: &Pipeline,
        theme: &Theme,
        archive: Option<&dyn Output>,
        diagnostics: &mut Vec<Diagnostic>,
        progress: &dyn Progress,
        clock: &mut Stopwatch,
    ) -> Option<Site> {
        let config = pipeline.config();
        let reporter = reports::Reporter::new(theme, config);
        let all: Vec<&crate::history::Revision> = (0..revisions.len()).map(|i| revisions.revision(i)).collect();
        let weekly =
            reports::WeeklyReports::new(&reporter, &all, &self.current, &self.confidential, self.audience.as_ref());
        let mut fold = Fold {
            redaction: self.redaction.as_ref(),
            bands: config.risk.bands,
            output: archive,
            first_ship: FirstShip::default(),
            timeline: TimelineFold::default(),
            weekly,
            reports: Vec::new(),
            archive: Vec::with_capacity(all.len()),
            total: all.len(),
            last: None,
            unredacted_urls: self.redaction.as_ref().map(|_| HashSet::new()),
            written: Mutex::new(Ok(0)),
            warnings: Vec::new(),
        };
        progress.start("deriving revisions", all.len() as u64);
        let older = all.len() - 1;
        // Each chunk is derived while the one before is folded in.
        let chunk = FOLD_CHUNK_PER_THREAD * rayon::current_num_threads();
        let derive = |from: usize| -> Vec<Snapshot> {
            (from..older.min(from + chunk)).into_par_iter().map(|i| revisions.snapshot(i)).collect()
        };
        let (mut from, mut derived) = (0, derive(0));
        while from < older {
            let to = from + derived.len();
            let (next, folded) = rayon::join(|| derive(to), || fold.push_all(from, derived));
            folded.map_err(|d| diagnostics.push(d)).ok()?;
            (from..to).for_each(|i| revisions.folded(i));
            progress.tick((to - from) as u64);
            (from, derived) = (to, next);
        }
        let before = fold.last.clone();
        let previous = fold.timeline.previous().map(|(r, s)| (r.id.clone(), Arc::clone(s)));
        fold.push_all(older, vec![self.newest]).map_err(|d| diagnostics.push(d)).ok()?;
        progress.finish();
        clock.lap("revisions");
        diagnostics.extend(std::mem::take(&mut fold.warnings));
        crate::diagnostics::sort(diagnostics);
        let files_written =
            fold.written.into_inner().unwrap_or_else(|e| e.into_inner()).map_err(|d| diagnostics.push(d)).ok()?;
        if self.strict && !diagnostics.is_empty() {
            return None;
        }
        let timeline = fold.timeline.finish();
        // A week is done when its last revision has come, which is not always in week order.
        fold.reports.sort_by_key(|r| r.week);
        let mut current = self.current;
        timeline.apply_baselines(&mut current);
        let calendar_scope = ics::uid_scope(config, current.plan.title());
        let urls = permanent_urls(&timeline);
        Some(Site {
            current,
            timeline,
            archive: fold.archive,
            before,
            previous,
            urls,
            unredacted_urls: fold.unredacted_urls.map(|urls| urls.into_iter().collect()),
            files_written,
            history_note: self.history_note,
            reports: fold.reports,
            zone: config.report.zone(),
            audience: self.audience,
            calendar_scope,
        })
    }
}

/// The state of a fold over the history (see [`Begun::fold`]).
struct Fold<'a> {
    redaction: Option<&'a Redaction>,
    bands: [i64; 3],
    output: Option<&'a dyn Output>,
    first_ship: FirstShip,
    timeline: TimelineFold,
    weekly: reports::WeeklyReports<'a>,
    /// Each week's reports, as their weeks complete.
    reports: Vec<reports::WeekReports>,
    archive: Vec<Archived>,
    /// How many revisions the history has.
    total: usize,
    /// The status of the newest revision so far (none when it could not be read).
    last: Option<Arc<Status>>,
    /// For an audience's site, the permanent URLs of every record (see [`Site::urls`]).
    unredacted_urls: Option<HashSet<String>>,
    /// How many files were written, or the first failure.
    written: Mutex<Result<usize, Diagnostic>>,
    /// That older revisions could not be read.
    warnings: Vec<Diagnostic>,
}

impl Fold<'_> {
    /// Folds in `snapshots`, the revisions `from..` of the history.
    fn push_all(&mut self, from: usize, mut snapshots: Vec<Snapshot>) -> Result<(), Diagnostic> {
        for snapshot in &mut snapshots {
            self.first_ship.rebase(snapshot);
            if let Some(unredacted) = &mut self.unredacted_urls {
                add_urls(unredacted, snapshot);
            }
        }
        if let Some(redaction) = self.redaction {
            snapshots.par_iter_mut().for_each(|snapshot| redact(redaction, snapshot));
        }
        // Each one's heat map shows where its risks were in the readable revision before.
        let mut previous = self.timeline.previous().map(|(r, s)| (r.id.clone(), Arc::clone(s)));
        let befores: Vec<Option<(String, Arc<Status>)>> = snapshots
            .iter()
            .map(|s| {
                let before = previous.clone();
                if let Some(status) = &s.status {
                    previous = Some((s.revision.id.clone(), Arc::clone(status)));
                }
                before
            })
            .collect();
        let archived: Vec<Archived> =
            snapshots.par_iter().zip(befores).map(|(snapshot, before)| self.archive(snapshot, before)).collect();
        self.archive.extend(archived);
        self.timeline.push_all(&snapshots);
        for mut week in self.weekly.push_all(from, &snapshots, self.timeline.revisions())? {
            if let Some(output) = self.output {
                for (path, bytes) in week.take_files() {
                    self.write(output, &path, || bytes);
                }
            }
            self.reports.push(week);
        }
        for (i, snapshot) in (from..).zip(snapshots) {
            // The newest revision's errors were told already (they fail the build).
            if i + 1 < self.total {
                self.warnings.extend(snapshots::unreadable(&snapshot));
            }
            self.last = snapshot.status;
        }
        Ok(())
    }

    /// What the archive keeps of `snapshot`, whose readable predecessor is `before`; its
    /// `status.json` goes to the output as it passes.
    fn archive(&self, snapshot: &Snapshot, before: Option<(String, Arc<Status>)>) -> Archived {
        let status = snapshot.status.as_deref();
        let blockers = status.map(charts::burndown::tally);
        let Some(output) = self.output else {
            let kept = ArchivedPage::Kept { status: snapshot.status.clone(), previous: before, bands: self.bands };
            return Archived { page: kept, blockers };
        };
        let previous = before.as_ref().map(|(id, s)| (id.as_str(), s.as_ref()));
        let heatmap = status.map(|status| Packed::of(&charts::heatmap::build(status, previous, self.bands)));
        let view = status.map(|s| Packed::of(&revision_view(s)));
        if let Some(status) = status {
            self.write_json(output, &snapshot.revision.slug, status);
        }
        Archived { page: ArchivedPage::Packed { view, heatmap }, blockers }
    }

    /// Writes a revision's `status.json`, unless the output keeps the previous one (it
    /// depends on its revision and those before it alone, and on what an audience's site
    /// hides: the build decides which revisions' inputs did not change).
    fn write_json(&self, output: &dyn Output, slug: &str, status: &Status) {
        let path = super::archived_status_path(slug);
        self.write(output, &path, || crate::derive::to_json(status, false));
    }

    /// Writes the bytes `make` makes at `path` of the output, unless it keeps the previous
    /// build's file there; counted in [`Site::files_written`]. The first failure fails the
    /// fold.
    fn write(&self, output: &dyn Output, path: &str, make: impl FnOnce() -> Vec<u8>) {
        if self.written.lock().unwrap_or_else(|e| e.into_inner()).is_err() {
            return;
        }
        let result = if output.keep_previous(path) { Ok(()) } else { output.write(path, &make()) };
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        match (result, &mut *written) {
            (Ok(()), Ok(count)) => *count += 1,
            (Err(e), Ok(_)) => *written = Err(Diagnostic::error(format!("cannot write {path}: {e}"))),
            (_, Err(_)) => {}
        }
    }
}

impl Archived {
    /// The revision's plan in brief, for its page (none when it could not be read).
    pub fn view(&self) -> Value {
        match &self.page {
            ArchivedPage::Packed { view, .. } => view.as_ref().map_or_else(Value::none, Packed::value),
            ArchivedPage::Kept { status, .. } => {
                status.as_deref().map_or_else(Value::none, |s| Value::from_serializable(&revision_view(s)))
            }
        }
    }

    /// The revision's risk heat map, for its page.
    pub fn heatmap(&self) -> Value {
        match &self.page {
            ArchivedPage::Packed { heatmap, .. } => heatmap.as_ref().map_or_else(Value::none, Packed::value),
            ArchivedPage::Kept { status, previous, bands } => status.as_deref().map_or_else(Value::none, |status| {
                let previous = previous.as_ref().map(|(id, s)| (id.as_str(), s.as_ref()));
                Value::from_serializable(&charts::heatmap::build(status, previous, *bands))
            }),
        }
    }

    /// The revision's status, when the site kept it to render its `status.json`.
    pub fn status(&self) -> Option<&Status> {
        match &self.page {
            ArchivedPage::Kept { status, .. } => status.as_deref(),
            ArchivedPage::Packed { .. } => None,
        }
    }
}

/// A value kept as zlib-compressed JSON (zlib is in the tree through git), for a template.
struct Packed {
    json_len: usize,
    deflated: Vec<u8>,
}

impl Packed {
    fn of(value: &impl serde::Serialize) -> Packed {
        use std::io::Write as _;
        let json = serde_json::to_vec(value).unwrap_or_default();
        let level = gix::zlib::Compression::new(1).unwrap_or_default();
        let mut deflate = gix::zlib::stream::deflate::Write::new(Vec::new(), level);
        // Writing to memory cannot fail.
        let _ = deflate.write_all(&json).and_then(|()| deflate.flush());
        Packed { json_len: json.len(), deflated: deflate.into_inner() }
    }

    /// The value again; none if it cannot be unpacked (it was packed by this run).
    fn value(&self) -> Value {
        let mut json = vec![0; self.json_len];
        let mut inflate = gix::zlib::Decompress::new();
        let done = inflate.decompress(&self.deflated, &mut json, gix::zlib::FlushDecompress::Finish);
        let parsed = done.ok().and_then(|_| serde_json::from_slice::<serde_json::Value>(&json).ok());
        parsed.map_or_else(Value::none, |v| Value::from_serializable(&v))
    }
}

/// The permanent URLs of a site whose history is `timeline` (see [`crate::history::urls`]):
/// each committed revision's folder and every item page a committed revision had.
fn permanent_urls(timeline: &Timeline) -> BTreeSet<String> {
    let committed = timeline.revisions.iter().filter(|e| matches!(e.revision.source, Source::Commit(_)));
    let folders = committed.map(|e| format!("revisions/{}/", e.revision.slug));
    folders.chain(timeline.committed_pages.iter().cloned()).collect()
}

/// The permanent URLs of a committed revision (see [`crate::history::urls`]).
fn add_urls(urls: &mut HashSet<String>, snapshot: &Snapshot) {
    if !matches!(snapshot.revision.source, Source::Commit(_)) {
        return;
    }
    urls.insert(format!("revisions/{}/", snapshot.revision.slug));
    for item in snapshot.status.iter().flat_map(|s| s.items.values().flatten()) {
        if !urls.contains(item.url()) {
            urls.insert(item.url().to_string());
        }
    }
}

/// `snapshot` as an audience may see it, its message too ([`crate::report::told`]). An
/// external audience's archive says that an unreadable revision had errors, not which: they
/// could quote a confidential record.
fn redact(redaction: &Redaction, snapshot: &mut Snapshot) {
    snapshot.status = snapshot.status.take().map(|status| Arc::new(redaction.apply(&status)));
    if let std::borrow::Cow::Owned(told) = crate::report::told(&snapshot.revision, redaction) {
        snapshot.revision = told;
    }
    let errors = snapshot.errors().count();
    if redaction.external && errors > 0 {
        snapshot.diagnostics = vec![Diagnostic::error(format!(
            "{errors} error{} in its records (the internal site lists them)",
            if errors == 1 { "" } else { "s" }
        ))];
    }
}

/// The redaction of audience `id` (of `current`, or of `more`), hiding the records in
/// `confidential`, with its audience item.
fn for_audience(
    id: &str,
    more: &[Item],
    neighbours: Option<&crate::config::Neighbours>,
    confidential: &HashSet<String>,
    current: &Status,
) -> Result<(Redaction, Item), Diagnostic> {
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
    Ok((Redaction::for_audience(audience, confidential, neighbours), audience.clone()))
}
