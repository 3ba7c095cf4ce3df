//! The project kept loaded between edits, for `serve`'s live preview. Each rebuild redoes
//! only what a change touched: an edited record is read and parsed alone (the pipeline's
//! cache, keyed by path and blob id, holds the other 9,999), committed revisions are derived
//! once per change of the tags, rendered bodies are kept by their markdown, and no page is
//! rendered until it is asked for. Deriving the plan, comparing it with the newest tag and
//! the reports run again, through the same site assembly as `build` ([`super::begin_site`],
//! then the fold of the history); the preview's site keeps each revision's status to render
//! its page when a browser asks for it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::history::snapshots::{self, Pipeline, Snapshot};
use crate::history::{FileRef, History, Source};
use crate::load::{self, CONTENT_DIR, RawFile};
use crate::progress::{Silent, Stopwatch};
use crate::render::context::ItemCache;
use crate::render::templates::Theme;
use crate::render::{Renderer, SiteOptions};
use crate::serve::{Built, Changes, Rebuild};
use crate::values::Date;

/// The state kept between rebuilds.
pub struct Preview {
    root: PathBuf,
    /// Work a failed rebuild did not finish, done again by the next one.
    pending: Changes,
    pipeline: Option<Pipeline>,
    /// The templates and their engines, compiled again only when `templates/` changes.
    theme: Option<Theme>,
    history: Option<History>,
    /// The committed revisions, derived once per change of the history.
    committed: Vec<Snapshot>,
    /// The working tree's record files, by path under `content/`.
    working: BTreeMap<String, FileRef>,
    items: ItemCache,
}

impl Preview {
    /// The preview of the plan at `root`; a portfolio is refused (its plans are built
    /// together, and each one's preview is `serve` in its folder).
    pub fn open(root: &Path) -> Result<Preview, Diagnostic> {
        if load::portfolio_plans(root)?.is_some() {
            return Err(Diagnostic::error("`serve` previews a project of one plan; this is a portfolio (`plans/`)")
                .help("build it with `statuspress build` and open site/index.html; `check` validates every plan"));
        }
        Ok(Preview {
            root: root.to_path_buf(),
            pending: Changes::all(),
            pipeline: None,
            theme: None,
            history: None,
            committed: Vec::new(),
            working: BTreeMap::new(),
            items: ItemCache::default(),
        })
    }
}

impl Rebuild for Preview {
    /// Builds the plan as of `as_of` after `changes`; `Err` holds every problem of a plan
    /// that cannot be shown (the caller keeps showing the last good build).
    fn rebuild(&mut self, changes: Changes, as_of: Date) -> Result<Built, Vec<Diagnostic>> {
        let Preview { root, pending, pipeline, theme, history, committed, working, items } = self;
        pending.merge(changes);
        let mut clock = Stopwatch::start();
        if pending.config {
            let config = Config::load(root)?;
            match pipeline {
                Some(pipeline) => pipeline.reconfigure(config),
                None => *pipeline = Some(Pipeline::new(&config)),
            }
            // Bodies render as the config says (`[site] image_hosts`): none is kept.
            *items = ItemCache::default();
            pending.config = false;
            pending.history = true;
        }
        let Some(pipeline) = pipeline.as_ref() else { return Err(Vec::new()) };
        if pending.templates || theme.is_none() {
            *theme = Some(Theme::load(root)?);
            pending.templates = false;
        }
        let theme = theme.as_ref().ok_or_else(Vec::new)?;
        read_content(root, pending, working, pipeline).map_err(|d| vec![d])?;
        clock.lap("read");
        if pending.history || history.is_none() {
            let found = History::committed(root, pipeline.config()).map_err(|d| vec![d])?;
            *committed = snapshots::load(&found, &[], pipeline).map_err(|d| vec![d])?;
            *history = Some(found);
            pending.history = false;
            clock.lap("history");
        }
        let history = history.as_mut().ok_or_else(Vec::new)?;
        let by_path: Vec<FileRef> = working.values().cloned().collect();
        history.place_working(pipeline.config(), as_of, &by_path).map_err(|d| vec![d])?;

        let mut snapshots = committed.clone();
        if let Some(revision) = history.revisions.last().filter(|r| matches!(r.source, Source::WorkingTree)) {
            let mut files = by_path;
            files.sort_by(|a, b| crate::model::natural_cmp(&a.content_path, &b.content_path));
            snapshots.push(pipeline.snapshot(revision.clone(), &files, as_of, true, history.last_commit()));
        }
        clock.lap("derive");
        let mut diagnostics = history.warnings.clone();
        let options = SiteOptions {
            as_of,
            history_note: super::history_note(history),
            strict: false,
            audience: None,
            more_audiences: &[],
        };
        let begun = super::begin_site(&snapshots, pipeline, &options, &mut diagnostics)?;
        let mut site = begun
            .fold(&snapshots, pipeline, theme, None, &mut diagnostics, &Silent, &mut clock)
            .ok_or_else(|| diagnostics.clone())?;
        let renderer = Renderer::new(&mut site, pipeline.config(), theme, Some(items))?;
        items.rotate();
        clock.lap("prepare pages");
        Ok(Built { site, renderer, diagnostics, timings: clock.laps })
    }
}

/// Brings the working tree's files up to date: the changed paths alone when that is safe,
/// else all of `content/` again.
fn read_content(
    root: &Path,
    pending: &mut Changes,
    working: &mut BTreeMap<String, FileRef>,
    pipeline: &Pipeline,
) -> Result<(), Diagnostic> {
    let changed = std::mem::take(&mut pending.content);
    if !pending.rescan {
        pending.rescan = !changed.iter().all(|path| read_one(root, working, pipeline, path));
    }
    if pending.rescan {
        let files = load::read_content_dir(root)?;
        let refs = pipeline.read_working(&files);
        *working = refs.into_iter().map(|r| (r.content_path.clone(), r)).collect();
        pending.rescan = false;
    }
    Ok(())
}

/// Reads one changed path under `content/`; `false` when only reading the whole folder
/// again gets it right (a folder, a symbolic link on the way, an unreadable file:
/// `read_content_dir` says what is wrong with it).
fn read_one(root: &Path, working: &mut BTreeMap<String, FileRef>, pipeline: &Pipeline, path: &str) -> bool {
    let content = root.join(CONTENT_DIR);
    let mut at = content.clone();
    for part in path.split('/') {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => return false,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
            Err(_) => return false,
        }
    }
    let full = content.join(path);
    let meta = std::fs::symlink_metadata(&full).ok();
    if !load::is_record_path(path) {
        // A folder that appeared, or one that held records, changes the plan; any other
        // file (an editor's swap file) does not.
        let prefix = format!("{path}/");
        let held = working.range(prefix.clone()..).next().is_some_and(|(p, _)| p.starts_with(&prefix));
        return !(held || meta.is_some_and(|m| m.is_dir()));
    }
    match meta {
        None => {
            working.remove(path);
            true
        }
        Some(meta) if meta.is_file() => match std::fs::read(&full) {
            Ok(bytes) => {
                let raw = RawFile { content_path: path.to_string(), bytes };
                working.extend(pipeline.read_working(&[raw]).into_iter().map(|r| (r.content_path.clone(), r)));
                true
            }
            Err(_) => false,
        },
        Some(_) => false,
    }
}
