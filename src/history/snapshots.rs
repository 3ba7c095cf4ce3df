//! Loads every revision of the plan: each distinct file (by git blob id and path) is parsed
//! once, then each revision is validated and derived on its own, in parallel.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::{FileRef, History, Revision, Source, blob_id};
use crate::config::Config;
use crate::derive::{self, Status};
use crate::diagnostics::Diagnostic;
use crate::load::{self, ParsedFile, RawFile};
use crate::model::Records;
use crate::progress::{Progress, Silent, Stopwatch};
use crate::values::Date;

/// One revision with its derived status, or the problems that kept it from being read.
/// Cheap to clone: a live preview keeps the committed revisions between rebuilds.
#[derive(Clone)]
pub struct Snapshot {
    pub revision: Revision,
    /// `None` when the revision's records have errors.
    pub status: Option<Arc<Status>>,
    /// Errors and warnings of this revision.
    pub diagnostics: Vec<Diagnostic>,
}

impl Snapshot {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

/// The one pipeline of the plan: a revision's files, parsed once per content (path and
/// git blob id, shared by every revision and every command of a run), assembled and
/// validated together, then derived as of a date. `check`, `build`, `diff`, `report` and
/// `send` all read revisions through it; a live preview keeps one between rebuilds.
pub struct Pipeline {
    config: Config,
    parsed: Mutex<HashMap<FileRef, Arc<ParsedFile>>>,
}

impl Pipeline {
    pub fn new(config: &Config) -> Pipeline {
        Pipeline { config: config.clone(), parsed: Mutex::new(HashMap::new()) }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Takes a changed `statuspress.toml`; what was parsed stays (parsing does not read it).
    pub fn reconfigure(&mut self, config: Config) {
        self.config = config;
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<FileRef, Arc<ParsedFile>>> {
        self.parsed.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn is_parsed(&self, file: &FileRef) -> bool {
        self.cache().contains_key(file)
    }

    /// Parses one file's bytes, unless the same content at the same path was parsed before.
    fn parse(&self, file: FileRef, bytes: Vec<u8>) {
        if self.is_parsed(&file) {
            return;
        }
        let parsed = load::parse_raw(RawFile { content_path: file.content_path.clone(), bytes });
        self.cache().insert(file, Arc::new(parsed));
    }

    /// Parses the working tree's files (in parallel) and names each by its content. The
    /// caller keeps its files (a run reads them once); a content parsed before is not copied.
    pub fn read_working(&self, files: &[RawFile]) -> Vec<FileRef> {
        let mut refs: Vec<FileRef> = files
            .par_iter()
            .map(|f| {
                let key = FileRef { content_path: f.content_path.clone(), blob: blob_id(&f.bytes), broken_link: None };
                if !self.is_parsed(&key) {
                    self.parse(key.clone(), f.bytes.clone());
                }
                key
            })
            .collect();
        refs.sort_by(|a, b| crate::model::natural_cmp(&a.content_path, &b.content_path));
        refs
    }

    /// The records of `files` as parsed (in their order), for what needs them before any
    /// revision is assembled: a portfolio's plans learn of each other's records this way.
    pub fn records(&self, files: &[FileRef]) -> Vec<Arc<crate::model::Record>> {
        let cache = self.cache();
        files.iter().filter_map(|f| cache.get(f)).flat_map(|p| p.records.iter().cloned()).collect()
    }

    /// The snapshot of one revision from its (parsed) files, in natural path order, derived
    /// as of `as_of`. Warnings that depend on the date (overdue, review) are kept only when
    /// `dated_warnings` is set: an old revision's archive page says what was known then,
    /// and only today's plan warns. `last_commit` is the date of the newest committed
    /// revision (see [`History::last_commit`]), which tells how old the working tree's plan
    /// is; a commit is as old as itself.
    ///
    /// [`History::last_commit`]: super::History::last_commit
    pub fn snapshot<'f>(
        &self,
        revision: Revision,
        files: impl IntoIterator<Item = &'f FileRef>,
        as_of: Date,
        dated_warnings: bool,
        last_commit: Option<Date>,
    ) -> Snapshot {
        let parsed: Vec<Arc<ParsedFile>> = {
            let cache = self.cache();
            files.into_iter().filter_map(|f| cache.get(f).cloned()).collect()
        };
        let loaded = load::assemble(&parsed, &self.config);
        let mut diagnostics = loaded.diagnostics;
        let committed = match revision.source {
            Source::Commit(_) => Some(revision.date),
            Source::WorkingTree => last_commit,
        };
        let status = if diagnostics.iter().any(Diagnostic::is_error) {
            None
        } else {
            let warnings = if dated_warnings { Some(&mut diagnostics) } else { None };
            self.derive(&loaded.records, as_of, committed, warnings)
        };
        crate::diagnostics::sort(&mut diagnostics);
        Snapshot { revision, status: status.map(Arc::new), diagnostics }
    }

    /// Derives records that were assembled already (see [`current`]).
    fn derive(
        &self,
        records: &Records,
        as_of: Date,
        committed: Option<Date>,
        warnings: Option<&mut Vec<Diagnostic>>,
    ) -> Option<Status> {
        derive::derive(records, &self.config, as_of, committed, warnings)
    }
}

/// Reads, parses and derives every revision of `history`. `working` holds the working
/// tree's files (used for the `working` revision).
pub fn load(history: &History, working: &[RawFile], pipeline: &Pipeline) -> Result<Vec<Snapshot>, Diagnostic> {
    load_with(history, working, pipeline, &Silent, &mut Stopwatch::start())
}

/// [`load`], telling `progress` how many files were read and revisions derived, and timing
/// the stages on `clock` (see [`read`], and `derive`).
pub fn load_with(
    history: &History,
    working: &[RawFile],
    pipeline: &Pipeline,
    progress: &dyn Progress,
    clock: &mut Stopwatch,
) -> Result<Vec<Snapshot>, Diagnostic> {
    let loaded = read(history, working, pipeline, progress, clock)?;
    progress.start("deriving revisions", loaded.len() as u64);
    let mut snapshots: Vec<Snapshot> = (0..loaded.len())
        .into_par_iter()
        .map(|i| {
            let snapshot = loaded.snapshot(i);
            progress.tick(1);
            snapshot
        })
        .collect();
    rebase_ship_dates(&mut snapshots);
    progress.finish();
    clock.lap("derive");
    Ok(snapshots)
}

/// The revisions of a history in order, each derived when asked for: a build folds them
/// in one at a time (see `render::Site`) instead of holding every one at once.
pub trait Revisions: Sync {
    fn len(&self) -> usize;

    fn revision(&self, i: usize) -> &Revision;

    /// Revision `i`, validated and derived as of its own date (the working tree's with the
    /// warnings that depend on the date). Ship dates are not yet measured against the
    /// first one named ([`FirstShip`]).
    fn snapshot(&self, i: usize) -> Snapshot;

    /// The ids (lower case) of the records marked confidential in any revision it holds.
    fn confidential(&self) -> HashSet<String>;

    /// Says that revision `i` is folded in: what no later revision needs may go.
    fn folded(&self, _i: usize) {}

    /// The date of the newest committed revision.
    fn last_commit(&self) -> Option<Date> {
        super::last_commit((0..self.len()).map(|i| self.revision(i)))
    }
}

/// A history with every file read and parsed ([`read`]), each revision derived on demand.
pub struct Loaded<'a> {
    revisions: &'a [Revision],
    /// Every distinct file of the history, once: 52 revisions of 10,000 records list 520,000
    /// files, but only some 26,000 distinct ones.
    files: Vec<FileRef>,
    /// Each revision's files (positions in `files`), in natural path order.
    lists: Vec<Vec<u32>>,
    /// The files each revision is the last to have (positions in `files`).
    last_had_by: Vec<Vec<u32>>,
    pipeline: &'a Pipeline,
    last_commit: Option<Date>,
}

impl Loaded<'_> {
    fn files_of(&self, i: usize) -> impl Iterator<Item = &FileRef> {
        self.lists[i].iter().map(|f| &self.files[*f as usize])
    }
}

impl Revisions for Loaded<'_> {
    fn len(&self) -> usize {
        self.revisions.len()
    }

    fn revision(&self, i: usize) -> &Revision {
        &self.revisions[i]
    }

    fn snapshot(&self, i: usize) -> Snapshot {
        let revision = &self.revisions[i];
        // A committed newest revision gets its warnings from [`current`], as of the build
        // date rather than its own.
        let is_current = i + 1 == self.revisions.len() && matches!(revision.source, Source::WorkingTree);
        self.pipeline.snapshot(revision.clone(), self.files_of(i), revision.date, is_current, self.last_commit)
    }

    fn confidential(&self) -> HashSet<String> {
        let cache = self.pipeline.cache();
        let records = self.files.iter().filter_map(|f| cache.get(f)).flat_map(|p| p.records.iter());
        records.filter(|r| r.common.confidential).map(|r| r.id.to_ascii_lowercase()).collect()
    }

    /// Lets the pipeline forget the files no later revision has: a build's pages need only
    /// today's records, and the parsed versions of a long history would otherwise stay
    /// alive to the end. A second build of the run (a variant) reads them again.
    fn folded(&self, i: usize) {
        let mut cache = self.pipeline.cache();
        for file in &self.last_had_by[i] {
            cache.remove(&self.files[*file as usize]);
        }
    }

    fn last_commit(&self) -> Option<Date> {
        self.last_commit
    }
}

/// Revisions derived already (a live preview keeps its committed ones).
impl Revisions for Vec<Snapshot> {
    fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn revision(&self, i: usize) -> &Revision {
        &self[i].revision
    }

    fn snapshot(&self, i: usize) -> Snapshot {
        self[i].clone()
    }

    fn confidential(&self) -> HashSet<String> {
        crate::derive::redact::confidential(self.iter().filter_map(|s| s.status.as_deref()))
    }
}

/// Reads and parses every file of every revision of `history` once, for [`Loaded`] to
/// derive them. `working` holds the working tree's files (used for the `working` revision).
/// Timed on `clock` as `parse` (the working tree's files, read already) and `read` (the
/// committed files, read and parsed).
pub fn read<'a>(
    history: &'a History,
    working: &[RawFile],
    pipeline: &'a Pipeline,
    progress: &dyn Progress,
    clock: &mut Stopwatch,
) -> Result<Loaded<'a>, Diagnostic> {
    let working_refs = if history.revisions.iter().any(|r| matches!(r.source, Source::WorkingTree)) {
        pipeline.read_working(working)
    } else {
        Vec::new()
    };
    clock.lap("parse");
    let commits: Vec<gix::ObjectId> = history
        .revisions
        .iter()
        .filter_map(|r| if let Source::Commit(id) = r.source { Some(id) } else { None })
        .collect();
    let mut listed = match &history.repo {
        Some(repo) => repo.files_of(&commits)?.into_iter(),
        None => Vec::new().into_iter(),
    };
    let mut table = FileTable::default();
    let mut lists: Vec<Vec<u32>> = Vec::with_capacity(history.revisions.len());
    for revision in &history.revisions {
        lists.push(match revision.source {
            Source::Commit(_) => table.intern(listed.next().unwrap_or_default()),
            Source::WorkingTree => table.intern(working_refs.clone()),
        });
    }
    let files = table.files;
    sort_by_path(&files, &mut lists);

    // Each distinct (path, blob) is read and parsed once for the whole history, on all
    // cores: each thread parses what it reads, so no file waits in memory to be parsed.
    progress.start("reading files", 0);
    let mut unread = Vec::new();
    for file in &files {
        if pipeline.is_parsed(file) {
            continue;
        }
        match &file.broken_link {
            Some(why) => {
                let path = format!("{}/{}", load::CONTENT_DIR, file.content_path);
                let error = Diagnostic::error(format!("`{path}` {why}"))
                    .in_file(path)
                    .help("commit the record file itself, or a link to a file inside `content/`");
                let parsed = ParsedFile { records: Vec::new(), diagnostics: vec![error] };
                pipeline.cache().insert(file.clone(), Arc::new(parsed));
            }
            None => unread.push(file),
        }
    }
    if let Some(repo) = &history.repo {
        repo.read_each(&unread, |file, bytes| {
            pipeline.parse(file.clone(), bytes);
            progress.tick(1);
        })?;
    }
    progress.finish();
    clock.lap("read");

    let mut last_had_by = vec![Vec::new(); lists.len()];
    let mut last = vec![0; files.len()];
    for (i, list) in lists.iter().enumerate() {
        for file in list {
            last[*file as usize] = i;
        }
    }
    for (file, i) in last.into_iter().enumerate() {
        last_had_by[i].push(file as u32);
    }
    let last_commit = history.last_commit();
    Ok(Loaded { revisions: &history.revisions, files, lists, last_had_by, pipeline, last_commit })
}

/// The distinct files of many revisions, each revision's as positions among them.
#[derive(Default)]
struct FileTable {
    files: Vec<FileRef>,
    positions: HashMap<FileRef, u32>,
}

impl FileTable {
    fn intern(&mut self, list: Vec<FileRef>) -> Vec<u32> {
        list.into_iter()
            .map(|file| {
                if let Some(at) = self.positions.get(&file) {
                    return *at;
                }
                let at = self.files.len() as u32;
                self.files.push(file.clone());
                self.positions.insert(file, at);
                at
            })
            .collect()
    }
}

/// Sorts each revision's files (positions in `files`) in natural path order, as revisions
/// are assembled: every path is ranked once rather than each revision sorted with the
/// slower natural comparison.
fn sort_by_path(files: &[FileRef], lists: &mut [Vec<u32>]) {
    let mut paths: Vec<&str> =
        files.iter().map(|f| f.content_path.as_str()).collect::<HashSet<&str>>().into_iter().collect();
    paths.sort_by(|a, b| crate::model::natural_cmp(a, b));
    let rank: HashMap<&str, usize> = paths.into_iter().enumerate().map(|(i, p)| (p, i)).collect();
    let rank_of: Vec<usize> = files.iter().map(|f| rank[f.content_path.as_str()]).collect();
    for list in lists {
        list.sort_by_key(|f| rank_of[*f as usize]);
    }
}

/// Measures each revision's ship date against the first one named (oldest first).
pub fn rebase_ship_dates(snapshots: &mut [Snapshot]) {
    let mut first = FirstShip::default();
    for snapshot in snapshots {
        first.rebase(snapshot);
    }
}

/// The ship date the first revision to name one named, which later ones are measured
/// against, for revisions that come one at a time (oldest first).
#[derive(Default)]
pub struct FirstShip(Option<Date>);

impl FirstShip {
    pub fn rebase(&mut self, snapshot: &mut Snapshot) {
        if let Some(status) = snapshot.status.as_mut() {
            derive::schedule::rebase_ship_date(&mut self.0, status);
        }
    }
}

/// A warning for each old revision whose records have errors, with the first of them.
pub fn unreadable_revisions(older: &[Snapshot]) -> Vec<Diagnostic> {
    older.iter().filter_map(unreadable).collect()
}

/// The warning that an old revision's records have errors, with the first of them; `None`
/// when it was read.
pub fn unreadable(old: &Snapshot) -> Option<Diagnostic> {
    old.status.is_none().then(|| {
        let first = old
            .errors()
            .next()
            .map(|d| format!("{}: {}", d.position().unwrap_or_default(), d.message))
            .unwrap_or_default();
        let count = old.errors().count();
        Diagnostic::warning(format!(
            "revision {} could not be read ({count} error{}); its archive page says why",
            old.revision.id,
            if count == 1 { "" } else { "s" }
        ))
        .note(first)
        .code("unreadable-revision")
    })
}

/// The plan as it stands on `as_of` (the build date): the `newest` revision derived as of
/// that date (`last_commit` is the newest committed revision's date), with its warnings. A committed revision's own status keeps
/// its commit date (its archive page says what was known then), but the site's front page
/// must show what is overdue today, and that the plan is stale, even when nobody touched it
/// for a year.
pub fn current(
    newest: &Snapshot,
    last_commit: Option<Date>,
    pipeline: &Pipeline,
    as_of: Date,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Status> {
    let status = newest.status.as_ref()?;
    if matches!(newest.revision.source, Source::WorkingTree) && status.as_of == as_of {
        return Some(Status::clone(status));
    }
    // Items keep each kind's records in their written order, which is all `Records` needs.
    let all = std::iter::once(status.plan.record.clone())
        .chain(status.items.values().flatten().map(|item| item.record.clone()))
        .collect();
    pipeline.derive(&Records::new(all), as_of, last_commit, Some(warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(path: &str, text: &str) -> RawFile {
        RawFile { content_path: path.to_string(), bytes: text.as_bytes().to_vec() }
    }

    fn revision(id: &str) -> Revision {
        Revision { id: id.into(), slug: id.into(), ..History::working_revision(Date::parse("2025-08-12").unwrap()) }
    }

    /// Three revisions: the first two share the plan and a blocker's first version, the
    /// third has the plan and the blocker's second version.
    #[test]
    fn a_folded_revision_lets_go_of_the_files_no_later_revision_has() {
        let pipeline = Pipeline::new(&Config::default());
        let plan = raw("plan.toml", "title = 'Plan'");
        let first = raw("blockers/b-1.toml", "title = 'Login fails'\nseverity = 'high'\nstatus = 'open'");
        let second = raw("blockers/b-1.toml", "title = 'Login fails'\nseverity = 'critical'\nstatus = 'open'");
        let read = |file: RawFile| pipeline.read_working(&[file]).remove(0);
        let (plan, first, second) = (read(plan), read(first), read(second));
        let files = vec![plan, first.clone(), second.clone()];
        let revisions = [revision("w1"), revision("w2"), revision("w3")];
        let loaded = Loaded {
            revisions: &revisions,
            lists: vec![vec![0, 1], vec![0, 1], vec![0, 2]],
            last_had_by: vec![vec![], vec![1], vec![0, 2]],
            files,
            pipeline: &pipeline,
            last_commit: None,
        };
        let severity = |s: &Snapshot| {
            let status = s.status.as_ref().expect("readable");
            status.items[crate::model::Kind::Blocker][0].record.data.clone()
        };
        assert!(
            matches!(severity(&loaded.snapshot(2)), crate::model::KindData::Blocker(b) if b.severity == crate::values::Severity::Critical)
        );
        loaded.folded(0);
        assert!(pipeline.is_parsed(&first), "w2 still has the first version");
        loaded.folded(1);
        assert!(!pipeline.is_parsed(&first) && pipeline.is_parsed(&second));
        assert!(loaded.snapshot(2).status.is_some(), "the newest revision keeps all it has");
    }
}
