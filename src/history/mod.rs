//! History: the revisions of the plan, read straight from git objects (no checkout).
//!
//! Revisions are tags matching `[revisions] tags` (or every commit touching `content/`),
//! ordered by commit date, plus the working tree when it differs from the newest one.
//! Outside git there is one revision, the working tree.

pub mod glob;
mod packs;
pub mod snapshots;
pub mod urls;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use gix::ObjectId;
use serde::Serialize;

use crate::config::{Config, RevisionMode};
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::load::{self, RawFile};
use crate::values::Date;

/// The id of the working tree's revision.
pub const WORKING: &str = "working";

/// One revision of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    /// Tag name, short sha, or `working`.
    pub id: String,
    /// `id` as a safe file name, for `revisions/<slug>/`.
    pub slug: String,
    /// Full commit id; `None` for the working tree.
    pub commit: Option<String>,
    /// The as-of date of the revision: its commit date (UTC), or the build's date.
    pub date: Date,
    /// Commit time, seconds since the epoch (for ordering and the feed).
    pub timestamp: i64,
    pub author: String,
    /// First line of the commit message.
    pub summary: String,
    pub message: String,
    #[serde(skip)]
    pub source: Source,
}

/// Where a revision's files come from.
#[derive(Debug, Clone)]
pub enum Source {
    Commit(ObjectId),
    WorkingTree,
}

/// A git repository holding the project, and where the project sits inside it.
pub struct Repo {
    repo: gix::Repository,
    /// Path of `content/` inside the repository (`content`, or `plans/q3/content`).
    content_path: String,
}

/// The revisions of a project, oldest first, with notes about how they were found.
pub struct History {
    pub revisions: Vec<Revision>,
    pub repo: Option<Repo>,
    pub warnings: Vec<Diagnostic>,
}

/// A file of a revision: its path under `content/` and its git blob id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileRef {
    pub content_path: String,
    pub blob: ObjectId,
    /// Why a committed symbolic link could not be followed; the revision reports it as an
    /// error at this path rather than losing the record silently.
    pub broken_link: Option<String>,
}

fn git_error(what: &str, e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(format!("git: cannot {what}: {e}"))
}

impl Repo {
    /// Opens the repository containing `root`, or `None` when `root` is not in one.
    pub fn open(root: &Path) -> Result<Option<Repo>, Diagnostic> {
        let root = std::fs::canonicalize(root)
            .map_err(|e| Diagnostic::error(format!("cannot open {}: {e}", root.display())))?;
        // Only a folder inside a repository counts; a broken repository is an error.
        if !root.ancestors().any(|dir| dir.join(".git").exists()) {
            return Ok(None);
        }
        let mut repo = gix::discover(&root).map_err(|e| git_error("open the repository", e))?;
        // No cache of decoded objects: a history is read once, each blob once (the pipeline
        // parses each content once), so such a cache only held 64 MiB of peak memory.
        // Many small, similar records make long delta chains; cache their bases like git does.
        with_delta_cache(&mut repo);
        let Some(workdir) = repo.workdir().and_then(|w| std::fs::canonicalize(w).ok()) else {
            return Ok(None); // a bare repository has no working tree to hold the project
        };
        let prefix: PathBuf = root.strip_prefix(&workdir).map(Path::to_path_buf).unwrap_or_default();
        let mut parts: Vec<String> =
            prefix.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        parts.push(load::CONTENT_DIR.to_string());
        Ok(Some(Repo { repo, content_path: parts.join("/") }))
    }

    /// Tag names, sorted.
    pub fn tag_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .repo
            .references()
            .and_then(|r| r.tags().map(|t| t.filter_map(Result::ok).map(|t| t.name().shorten().to_string()).collect()))
            .unwrap_or_default();
        names.sort();
        names
    }

    /// Resolves a tag or a branch named exactly `spec`, if there is one.
    pub fn find_ref(&self, spec: &str) -> Result<Option<Revision>, Diagnostic> {
        for (prefix, is_tag) in [("refs/tags/", true), ("refs/heads/", false)] {
            let Ok(Some(mut reference)) = self.repo.try_find_reference(format!("{prefix}{spec}").as_str()) else {
                continue;
            };
            let commit =
                reference.peel_to_commit().map_err(|e| git_error(&format!("read `{prefix}{spec}` as a commit"), e))?;
            return self.revision(commit.id, is_tag.then(|| spec.to_string())).map(Some);
        }
        Ok(None)
    }

    /// Resolves a revision expression (`HEAD~2`, `origin/main`, `week-1^`) or, only after
    /// every reading as a name failed, an abbreviated object id. Names come first because
    /// date-like tags (`2026-W01`) also start like object ids.
    pub fn resolve(&self, spec: &str) -> Result<Revision, Diagnostic> {
        if let Some(found) = self.find_ref(spec)? {
            return Ok(found);
        }
        let is_hex = !spec.is_empty() && spec.chars().all(|c| c.is_ascii_hexdigit());
        // A hex-looking name of another ref (`refs/remotes/…`) also beats an object id.
        let named = if is_hex { self.repo.try_find_reference(spec).ok().flatten() } else { None };
        let id = match named {
            Some(mut reference) => reference.peel_to_id().map(gix::Id::detach).map_err(|e| e.to_string()),
            None => self.repo.rev_parse_single(spec).map(gix::Id::detach).map_err(|e| e.to_string()),
        }
        .map_err(|_| {
            let tags = self.tag_names();
            let mut nearest: Vec<&str> = did_you_mean(spec, tags.iter().map(String::as_str)).into_iter().collect();
            for t in tags.iter().rev().take(5) {
                if !nearest.contains(&t.as_str()) {
                    nearest.push(t);
                }
            }
            Diagnostic::error(format!("unknown revision `{spec}`")).help(if nearest.is_empty() {
                "name a tag, branch, commit or folder; this repository has no tags".to_string()
            } else {
                format!("tags include: {}", nearest.join(", "))
            })
        })?;
        let commit = self
            .repo
            .find_object(id)
            .map_err(|e| e.to_string())
            .and_then(|o| o.peel_to_commit().map_err(|e| e.to_string()))
            .map_err(|e| git_error(&format!("read `{spec}` as a commit"), e))?;
        self.revision(commit.id, None)
    }

    /// Reads the commit `id` into a revision named `name` (default: its short sha).
    fn revision(&self, id: ObjectId, name: Option<String>) -> Result<Revision, Diagnostic> {
        let commit = self.repo.find_commit(id).map_err(|e| git_error(&format!("read commit {id}"), e))?;
        let time = commit.time().map_err(|e| git_error(&format!("read the time of commit {id}"), e))?;
        let author = commit.author().map(|a| a.name.to_string()).unwrap_or_default();
        let message = commit.message_raw_sloppy().to_string().trim().to_string();
        let short = id.to_hex_with_len(7).to_string();
        let date = chrono::DateTime::from_timestamp(time.seconds, 0)
            .map_or(Date(chrono::NaiveDate::MIN), |d| Date(d.date_naive()));
        Ok(Revision {
            slug: String::new(),
            id: name.unwrap_or(short),
            commit: Some(id.to_string()),
            date,
            timestamp: time.seconds,
            author,
            summary: message.lines().next().unwrap_or("").to_string(),
            message,
            source: Source::Commit(id),
        })
    }

    /// The message of the annotated tag object `id`, trimmed; `None` for a lightweight tag
    /// (whose target is the commit) or an empty message.
    fn annotation(&self, id: ObjectId) -> Option<String> {
        let tag = self.repo.find_object(id).ok()?.try_into_tag().ok()?;
        let message = tag.decode().ok()?.message.to_string();
        Some(message.trim().to_string()).filter(|m| !m.is_empty())
    }

    /// The id of the `content/` tree in commit `id`; `None` when the commit has none.
    /// An object that cannot be read is an error naming it, never an empty revision.
    fn content_tree(&self, id: ObjectId) -> Result<Option<ObjectId>, Diagnostic> {
        let commit = self.repo.find_commit(id).map_err(|e| git_error(&format!("read commit {id}"), e))?;
        let tree = commit.tree().map_err(|e| git_error(&format!("read the tree of commit {id}"), e))?;
        let entry = tree
            .lookup_entry_by_path(&self.content_path)
            .map_err(|e| git_error(&format!("find `{}` in commit {id}", self.content_path), e))?;
        Ok(entry.map(|e| e.object_id()))
    }

    /// The commits reachable from HEAD; empty before the first commit. A shallow clone's
    /// walk stops at its boundary; any other missing commit is an error naming it.
    fn reachable(&self) -> Result<HashSet<ObjectId>, Diagnostic> {
        let head = self.repo.head().map_err(|e| git_error("read HEAD", e))?;
        let Some(head) = head.id() else {
            if let Some(branch) = head.referent_name() {
                self.check_unborn(&branch.as_bstr().to_string())?;
            }
            return Ok(HashSet::new());
        };
        let walk = self.repo.rev_walk([head.detach()]).all().map_err(|e| git_error("walk the history", e))?;
        walk.map(|info| info.map(|i| i.id).map_err(|e| git_error("walk the history from HEAD", e))).collect()
    }

    /// HEAD names `branch` (`refs/heads/main`), which has no commit. Right after `git init` that is the start
    /// of the history (no ref at all): the working tree is the only revision. With any
    /// branch, tag or remote ref, the history exists and HEAD misses it (a CI checkout that
    /// fetched only the files and tags, a mistyped `HEAD`): building the working tree alone
    /// would silently publish a site without its past, so it is an error at `HEAD`.
    fn check_unborn(&self, branch: &str) -> Result<(), Diagnostic> {
        let references = self.repo.references().map_err(|e| git_error("list references", e))?;
        let mut names: Vec<String> = references
            .all()
            .map_err(|e| git_error("list references", e))?
            .filter_map(Result::ok)
            .map(|r| r.name().shorten().to_string())
            .filter(|name| name != "HEAD" && !name.ends_with("/HEAD"))
            .collect();
        if names.is_empty() {
            return Ok(());
        }
        names.sort();
        // Named from the repository's root (`.git/HEAD`), where people look for it.
        let head = self.repo.git_dir().join("HEAD");
        let shown = self.repo.workdir().and_then(|w| head.strip_prefix(w).ok()).unwrap_or(&head);
        let text = std::fs::read_to_string(&head).unwrap_or_default();
        let span = text.find(branch).map_or(0..0, |at| at..at + branch.len());
        let listed = if names.len() > 5 { format!("{}, …", names[..5].join(", ")) } else { names.join(", ") };
        let branch = branch.strip_prefix("refs/heads/").unwrap_or(branch);
        Err(Diagnostic::error(format!(
            "HEAD names the branch `{branch}`, which does not exist, so the history cannot be read"
        ))
        .at(crate::diagnostics::Location::resolve(&shown.display().to_string(), &text, span))
        .note(format!("these branches and tags exist: {listed}"))
        .help(format!(
            "check out one of them (`git checkout {}`), or create `{branch}`; a CI checkout must fetch the branch, not only its files",
            names[0]
        )))
    }

    /// The record files of a commit, sorted by path.
    pub fn files(&self, commit: ObjectId) -> Result<Vec<FileRef>, Diagnostic> {
        let Some(tree_id) = self.content_tree(commit)? else {
            return Ok(Vec::new());
        };
        let tree = self.repo.find_tree(tree_id).map_err(|e| git_error(&format!("read tree {tree_id}"), e))?;
        let mut recorder = gix::traverse::tree::Recorder::default();
        tree.traverse()
            .breadthfirst(&mut recorder)
            .map_err(|e| git_error(&format!("walk tree {tree_id} of commit {commit}"), e))?;
        // Git stores a symbolic link as a blob holding its target. One that stays inside
        // `content/` reads as the file it names, as the working tree does; any other is an error
        // of the revision, never a silent skip (and nothing outside git objects is read).
        let blobs: HashMap<String, ObjectId> =
            recorder.records.iter().filter(|e| e.mode.is_blob()).map(|e| (e.filepath.to_string(), e.oid)).collect();
        let mut files = Vec::new();
        for entry in &recorder.records {
            let content_path = entry.filepath.to_string();
            if !load::is_record_path(&content_path) {
                continue;
            }
            if entry.mode.is_blob() {
                files.push(FileRef { content_path, blob: entry.oid, broken_link: None });
            } else if entry.mode.is_link() {
                let target = String::from_utf8_lossy(&self.blob(entry.oid)?).into_owned();
                let link = format!("{}/{content_path}", self.content_path);
                let found = match resolve_link(&link, &target) {
                    None => Err("which leaves the repository"),
                    Some(path) => match path.strip_prefix(&format!("{}/", self.content_path)) {
                        Some(inside) => blobs.get(inside).copied().ok_or("which is not a file of this revision"),
                        None => self.blob_at(commit, &path)?.ok_or("which is not a file of this revision"),
                    },
                };
                files.push(match found {
                    Ok(blob) => FileRef { content_path, blob, broken_link: None },
                    Err(why) => FileRef {
                        content_path,
                        blob: entry.oid,
                        broken_link: Some(format!("is a symbolic link to `{target}`, {why}")),
                    },
                });
            }
        }
        files.sort();
        Ok(files)
    }

    /// The id of the regular file at `path` (from the repository root) in commit `commit`.
    fn blob_at(&self, commit: ObjectId, path: &str) -> Result<Option<ObjectId>, Diagnostic> {
        let commit_object =
            self.repo.find_commit(commit).map_err(|e| git_error(&format!("read commit {commit}"), e))?;
        let tree = commit_object.tree().map_err(|e| git_error(&format!("read the tree of commit {commit}"), e))?;
        let entry =
            tree.lookup_entry_by_path(path).map_err(|e| git_error(&format!("find `{path}` in commit {commit}"), e))?;
        Ok(entry.filter(|e| e.mode().is_blob()).map(|e| e.object_id()))
    }

    /// The record files of many commits, listed on all cores.
    pub fn files_of(&self, commits: &[ObjectId]) -> Result<Vec<Vec<FileRef>>, Diagnostic> {
        let parts: Vec<Vec<Vec<FileRef>>> =
            self.on_all_cores(commits, |own, part| part.iter().map(|id| own.files(*id)).collect())?;
        Ok(parts.into_iter().flatten().collect())
    }

    /// Reads the blob of each of `files` on all cores and hands it, with its file, to `take`
    /// (on the thread that read it). A path's versions go to one thread, so that git's
    /// delta cache serves them.
    pub fn read_each(&self, files: &[&FileRef], take: impl Fn(&FileRef, Vec<u8>) + Sync) -> Result<(), Diagnostic> {
        let mut by_path = files.to_vec();
        by_path.sort_by(|a, b| a.content_path.cmp(&b.content_path));
        self.on_all_cores(&by_path, |own, part| {
            for file in part {
                take(file, own.blob(file.blob)?);
            }
            Ok(())
        })?;
        Ok(())
    }

    /// `work` on each of up to one part of `items` per core, in order, each thread with its
    /// own handle on the repository (a `gix::Repository` stays on its thread); the first
    /// error fails them all.
    fn on_all_cores<T: Sync, R: Send>(
        &self,
        items: &[T],
        work: impl Fn(&Repo, &[T]) -> Result<R, Diagnostic> + Sync,
    ) -> Result<Vec<R>, Diagnostic> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len()).max(1);
        if threads == 1 {
            return Ok(vec![work(self, items)?]);
        }
        let chunk = items.len().div_ceil(threads);
        let (git_dir, content_path) = (self.repo.git_dir().to_path_buf(), self.content_path.clone());
        let work = &work;
        std::thread::scope(|scope| {
            let handles: Vec<_> = items
                .chunks(chunk)
                .map(|part| {
                    let (git_dir, content_path) = (git_dir.clone(), content_path.clone());
                    scope.spawn(move || {
                        let mut repo = gix::open(&git_dir).map_err(|e| git_error("open the repository", e))?;
                        with_delta_cache(&mut repo);
                        work(&Repo { repo, content_path }, part)
                    })
                })
                .collect();
            let joined = handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(Diagnostic::error("reading the repository failed"))));
            joined.collect()
        })
    }

    /// The `content/` tree of each commit (which names every path and blob under it), once
    /// every object under those trees was found readable: what a build fingerprint needs.
    /// Trees are read; a packed blob is checked against its pack index's CRC-32 with its
    /// delta bases (see [`packs`]), any other is read, so a damaged pack fails a skipped
    /// build where `check` fails, without inflating every blob of the history. Subtrees and
    /// blobs shared by several commits are checked once. `None` when an object is missing
    /// or damaged: reading the revisions will name it.
    pub fn content_trees_present(&self, commits: &[ObjectId]) -> Result<Option<Vec<ObjectId>>, Diagnostic> {
        let packs = packs::Packs::open(self.repo.objects.store_ref().path(), self.repo.object_hash());
        let mut checked = HashSet::new();
        let mut seen = HashSet::new();
        let mut roots = Vec::with_capacity(commits.len());
        for commit in commits {
            let Some(root) = self.content_tree(*commit)? else {
                roots.push(ObjectId::null(gix::hash::Kind::Sha1));
                continue;
            };
            roots.push(root);
            let mut trees = vec![root];
            while let Some(id) = trees.pop() {
                if !seen.insert(id) {
                    continue;
                }
                let Ok(tree) = self.repo.find_tree(id) else { return Ok(None) };
                for entry in tree.iter() {
                    let Ok(entry) = entry else { return Ok(None) };
                    let oid = entry.oid().to_owned();
                    if entry.mode().is_tree() {
                        trees.push(oid);
                    } else if seen.insert(oid) && !self.readable(&packs, oid, &mut checked) {
                        return Ok(None);
                    }
                }
            }
        }
        Ok(Some(roots))
    }

    /// Whether blob `id` can be read: checked in `packs` when it is packed, else read.
    fn readable(&self, packs: &packs::Packs, id: ObjectId, checked: &mut HashSet<(usize, u64)>) -> bool {
        match packs.check(&id, checked) {
            packs::Packed::Intact => true,
            packs::Packed::Damaged => false,
            packs::Packed::Elsewhere => self.repo.find_object(id).is_ok(),
        }
    }

    pub fn blob(&self, id: ObjectId) -> Result<Vec<u8>, Diagnostic> {
        self.repo.find_blob(id).map(|b| b.detach().data).map_err(|e| git_error(&format!("read blob {id}"), e))
    }

    fn shallow_note(&self) -> Option<Diagnostic> {
        let commits = self.repo.shallow_commits().ok().flatten()?;
        let cut: Vec<String> = commits.iter().map(|id| id.to_hex_with_len(7).to_string()).collect();
        Some(
            Diagnostic::warning(format!(
                "shallow clone: history is cut at commit {}; older revisions are not included",
                cut.join(", ")
            ))
            .help("run `git fetch --unshallow` to build the whole history")
            .code("shallow-clone"),
        )
    }
}

/// Many small, similar records make long delta chains in packs; cache their bases (as git
/// does), or reading a revision re-inflates the same bases again and again. Each thread reads
/// a path's versions one after another, so a base is used again soon after: 4 MiB per
/// thread read 52 revisions of 10,000 records (chains 50 deep) as fast as 16 MiB did, and
/// git's 96 MiB, with 20 MiB less at a 52-revision build's peak and 24 MiB less in `diff`.
fn with_delta_cache(repo: &mut gix::Repository) {
    repo.objects.set_pack_cache(|| Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(4 * 1024 * 1024)));
}

/// The blob id git would give `bytes`, so working-tree files share the parse cache.
/// The path (from the repository root) that a link at `link` to `target` names, or `None`
/// when the target is absolute or climbs out of the repository.
fn resolve_link(link: &str, target: &str) -> Option<String> {
    if target.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = link.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    Some(parts.join("/"))
}

pub fn blob_id(bytes: &[u8]) -> ObjectId {
    gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, bytes)
        .unwrap_or_else(|_| ObjectId::null(gix::hash::Kind::Sha1))
}

impl History {
    /// The date of the newest committed revision, which tells how old the plan is (a plan
    /// not revised for too long is stale); `None` outside git or before the first commit.
    pub fn last_commit(&self) -> Option<Date> {
        last_commit(&self.revisions)
    }

    /// The revision of uncommitted files, dated `today`.
    pub fn working_revision(today: Date) -> Revision {
        Revision {
            id: WORKING.into(),
            slug: WORKING.into(),
            commit: None,
            date: today,
            timestamp: today.0.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp()),
            author: String::new(),
            summary: "Working tree".into(),
            message: "Uncommitted changes in the working tree".into(),
            source: Source::WorkingTree,
        }
    }

    /// Finds the revisions of the project at `root`. `today` is the working tree's date.
    /// Only revisions reachable from HEAD count: a checkout of an old tag shows the plan up
    /// to that tag, not the weeks after it. History that cannot be read (a corrupt pack, a
    /// missing object, a broken ref) is an error naming the object, so no build silently
    /// publishes a site without its past; a shallow clone's cut is only a warning.
    pub fn discover(root: &Path, config: &Config, today: Date, working: &[RawFile]) -> Result<History, Diagnostic> {
        let mut history = History::committed(root, config)?;
        let mut current: Vec<FileRef> = working
            .iter()
            .map(|f| FileRef { content_path: f.content_path.clone(), blob: blob_id(&f.bytes), broken_link: None })
            .collect();
        current.sort();
        history.place_working(config, today, &current)?;
        Ok(history)
    }

    /// The committed revisions alone, oldest first (see [`History::discover`]).
    pub fn committed(root: &Path, config: &Config) -> Result<History, Diagnostic> {
        let Some(repo) = Repo::open(root)? else {
            return Ok(History { revisions: Vec::new(), repo: None, warnings: Vec::new() });
        };
        let warnings: Vec<Diagnostic> = repo.shallow_note().into_iter().collect();
        let reachable = repo.reachable()?;
        let mut revisions = match config.revisions.mode {
            RevisionMode::Tags => tag_revisions(&repo, &config.revisions.tags, &reachable)?,
            RevisionMode::Commits => commit_revisions(&repo, &reachable)?,
        };
        revisions.sort_by(|a, b| a.timestamp.cmp(&b.timestamp).then_with(|| a.id.cmp(&b.id)));
        assign_slugs(&mut revisions);
        Ok(History { revisions, repo: Some(repo), warnings })
    }

    /// Adds the working tree's revision, dated `today`, after the committed ones, or drops
    /// it when the tree (`working`, sorted) holds what the newest of them does. A live
    /// preview calls this again after every edit.
    pub fn place_working(&mut self, config: &Config, today: Date, working: &[FileRef]) -> Result<(), Diagnostic> {
        self.revisions.retain(|r| !matches!(r.source, Source::WorkingTree));
        // The working tree is compared with the newest revision reachable from HEAD: that is
        // HEAD itself when HEAD is tagged (or in commits mode). Untagged commits after the
        // newest tag also make a working revision, so the site shows what is checked out.
        let differs = match (self.revisions.last().map(|r| &r.source), &self.repo) {
            (Some(Source::Commit(id)), Some(repo)) => repo.files(*id)? != working,
            _ => true,
        };
        if (config.revisions.include_working_tree && differs) || self.revisions.is_empty() {
            // The working tree comes after every commit, even when its as-of date is pinned
            // to an earlier day.
            let mut revision = History::working_revision(today);
            revision.timestamp = revision.timestamp.max(self.revisions.last().map_or(i64::MIN, |r| r.timestamp));
            self.revisions.push(revision);
        }
        Ok(())
    }
}

/// The tags matching `pattern` whose commit is reachable from HEAD. A tag that cannot be
/// read is an error naming it: skipping it would silently unpublish its revision.
fn tag_revisions(repo: &Repo, pattern: &str, reachable: &HashSet<ObjectId>) -> Result<Vec<Revision>, Diagnostic> {
    let references = repo.repo.references().map_err(|e| git_error("list tags", e))?;
    let tags = references.tags().map_err(|e| git_error("list tags", e))?;
    let mut revisions = Vec::new();
    for tag in tags {
        let mut tag = tag.map_err(|e| git_error("read a tag", e))?;
        let name = tag.name().shorten().to_string();
        if !glob::matches(pattern, &name) {
            continue;
        }
        let commit = tag.peel_to_commit().map_err(|e| {
            git_error(
                &format!(
                    "read tag `{name}` (object {})",
                    tag.target().try_id().map_or_else(String::new, |id| id.to_string())
                ),
                e,
            )
            .help("the repository is damaged: run `git fsck`, then fetch or restore the missing objects")
        })?;
        if reachable.contains(&commit.id) {
            let mut revision = repo.revision(commit.id, Some(name))?;
            // An annotated tag's message is the author's word on the week ("timeline slips a
            // week"); it says more than the commit's "Week 3".
            if let Some(note) = tag.target().try_id().and_then(|id| repo.annotation(id.into())) {
                revision.summary = note.lines().next().unwrap_or("").to_string();
                revision.message = note;
            }
            revisions.push(revision);
        }
    }
    Ok(revisions)
}

/// Every commit reachable from HEAD whose `content/` differs from its first parent's.
fn commit_revisions(repo: &Repo, reachable: &HashSet<ObjectId>) -> Result<Vec<Revision>, Diagnostic> {
    let shallow: HashSet<ObjectId> =
        repo.repo.shallow_commits().ok().flatten().map(|c| c.iter().copied().collect()).unwrap_or_default();
    let mut revisions = Vec::new();
    for id in reachable {
        let commit = repo.repo.find_commit(*id).map_err(|e| git_error(&format!("read commit {id}"), e))?;
        let tree = repo.content_tree(*id)?;
        // A shallow clone's boundary commits list parents it does not have.
        let parent = commit.parent_ids().next().map(gix::Id::detach).filter(|_| !shallow.contains(id));
        let parent_tree = match parent {
            Some(p) => repo.content_tree(p)?,
            None => None,
        };
        if tree.is_some() && tree != parent_tree {
            revisions.push(repo.revision(*id, None)?);
        }
    }
    Ok(revisions)
}

/// Gives each revision a unique, safe folder name derived from its id.
fn assign_slugs(revisions: &mut [Revision]) {
    let mut used: Vec<String> = vec![WORKING.into(), "index".into()];
    for revision in revisions.iter_mut() {
        let mut slug: String = revision
            .id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
            .collect();
        if slug.is_empty() || slug.starts_with('.') {
            slug.insert(0, 'r');
        }
        if used.contains(&slug) {
            let short = revision.commit.as_deref().map_or("", |c| &c[..7.min(c.len())]);
            slug = format!("{slug}-{short}");
        }
        used.push(slug.clone());
        revision.slug = slug;
    }
}

/// What a revision named on the command line refers to.
pub enum Spec {
    /// A git revision, or the working tree (`working`) of the project.
    Revision(Revision),
    /// Another project folder (holding `content/`), compared under its own configuration.
    Folder(PathBuf),
}

/// The date of the newest committed revision of `revisions` (oldest first).
fn last_commit<'a>(revisions: impl IntoIterator<Item = &'a Revision, IntoIter: DoubleEndedIterator>) -> Option<Date> {
    revisions.into_iter().rev().find(|r| matches!(r.source, Source::Commit(_))).map(|r| r.date)
}

/// Resolves a revision named on the command line, trying in turn: a tag, a branch,
/// `working`, a project folder, a revision expression, and only then an abbreviated
/// object id (see [`Repo::resolve`]).
pub fn resolve_spec(root: &Path, repo: Option<&Repo>, spec: &str, today: Date) -> Result<Spec, Diagnostic> {
    if let Some(found) = repo.map(|r| r.find_ref(spec)).transpose()?.flatten() {
        return Ok(Spec::Revision(found));
    }
    let folder = Path::new(spec);
    if spec == WORKING {
        return Ok(Spec::Revision(History::working_revision(today)));
    }
    if folder.is_dir() && folder.join(load::CONTENT_DIR).is_dir() {
        return Ok(Spec::Folder(folder.to_path_buf()));
    }
    match repo {
        Some(repo) => repo.resolve(spec).map(Spec::Revision),
        None => Err(Diagnostic::error(format!(
            "`{spec}` is neither a folder with a `content/` folder nor a git revision: {} is not in a git repository",
            root.display()
        ))),
    }
}

impl Spec {
    /// Whether this side is the working tree (whose files the caller then reads).
    pub fn is_working(&self) -> bool {
        matches!(self, Spec::Revision(r) if matches!(r.source, Source::WorkingTree))
    }
}

/// Loads the status of each spec through the plan's `pipeline` (revisions of the same
/// repository share its parsing); `working` holds the working tree's files when a spec is
/// [`Spec::is_working`].
pub fn load_specs(
    root: &Path,
    pipeline: &snapshots::Pipeline,
    specs: Vec<Spec>,
    today: Date,
    working: &[RawFile],
) -> Result<Vec<(Revision, crate::derive::Status)>, Vec<Diagnostic>> {
    let repo = Repo::open(root).map_err(|d| vec![d])?;
    let revisions: Vec<Revision> =
        specs.iter().filter_map(|s| if let Spec::Revision(r) = s { Some(r.clone()) } else { None }).collect();
    let history = History { revisions, repo, warnings: Vec::new() };
    let mut loaded = snapshots::load(&history, working, pipeline).map_err(|d| vec![d])?.into_iter();
    let mut out = Vec::new();
    for spec in specs {
        let snapshot = match spec {
            Spec::Revision(_) => loaded.next().ok_or_else(|| vec![Diagnostic::error("a revision was not loaded")])?,
            Spec::Folder(folder) => {
                let own = Config::load(&folder)?;
                let files = load::read_content_dir(&folder).map_err(|d| vec![d])?;
                let mut revision = History::working_revision(today);
                revision.id = folder.display().to_string();
                let single = History { revisions: vec![revision], repo: None, warnings: Vec::new() };
                snapshots::load(&single, &files, &snapshots::Pipeline::new(&own)).map_err(|d| vec![d])?.remove(0)
            }
        };
        match snapshot.status {
            Some(status) => out.push((snapshot.revision, std::sync::Arc::unwrap_or_clone(status))),
            None => {
                let mut errors: Vec<Diagnostic> =
                    snapshot.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
                errors.insert(
                    0,
                    Diagnostic::error(format!(
                        "revision `{}` cannot be compared: its records have errors",
                        snapshot.revision.id
                    )),
                );
                return Err(errors);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revision(id: &str) -> Revision {
        Revision {
            id: id.into(),
            slug: String::new(),
            commit: Some("0123456789abcdef".into()),
            date: Date::parse("2025-08-12").unwrap(),
            timestamp: 0,
            author: String::new(),
            summary: String::new(),
            message: String::new(),
            source: Source::WorkingTree,
        }
    }

    #[test]
    fn links_resolve_within_the_repository_only() {
        assert_eq!(resolve_link("content/blockers/b.md", "../shared/b.md").as_deref(), Some("content/shared/b.md"));
        assert_eq!(resolve_link("content/b.md", "./x/../y.md").as_deref(), Some("content/y.md"));
        assert_eq!(resolve_link("content/b.md", "../../etc/passwd"), None);
        assert_eq!(resolve_link("content/b.md", "/etc/passwd"), None);
    }

    #[test]
    fn slugs_are_safe_and_unique() {
        let mut revisions =
            vec![revision("release/2025-08"), revision("release-2025-08"), revision("working"), revision("..x")];
        assign_slugs(&mut revisions);
        let slugs: Vec<&str> = revisions.iter().map(|r| r.slug.as_str()).collect();
        assert_eq!(slugs, ["release-2025-08", "release-2025-08-0123456", "working-0123456", "r..x"]);
    }
}
