//! Which files the preview watches, and what a change to each means: a record under
//! `content/`, the theme under `templates/`, `statuspress.toml`, or the repository's tags
//! and branches (`.git/refs`, `.git/packed-refs`, `.git/HEAD`). Nothing else wakes it, the
//! output folder least of all.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher as _};

use super::rebuild::Changes;
use crate::diagnostics::Diagnostic;
use crate::load::CONTENT_DIR;

/// An editor saves in bursts (a temporary file, a rename, a change of mode): changes are
/// taken together until the files are quiet this long…
const QUIET: Duration = Duration::from_millis(8);
/// …or this long has passed since the first (a checkout of another branch).
const MOST: Duration = Duration::from_millis(250);

pub struct Watcher {
    root: PathBuf,
    inner: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    /// The folders watched with all their contents, so one that appears later is added once.
    recursive: Vec<PathBuf>,
}

impl Watcher {
    pub fn new(root: &Path) -> Result<Watcher, Diagnostic> {
        let (sender, events) = channel();
        let inner = notify::recommended_watcher(sender)
            .map_err(|e| Diagnostic::error(format!("cannot watch {} for changes: {e}", root.display())))?;
        // Events name absolute paths; `--root .` must match them.
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let mut watcher = Watcher { root, inner, events, recursive: Vec::new() };
        watcher
            .inner
            .watch(&watcher.root, RecursiveMode::NonRecursive)
            .map_err(|e| Diagnostic::error(format!("cannot watch {} for changes: {e}", watcher.root.display())))?;
        watcher.watch_folders();
        Ok(watcher)
    }

    /// Watches `content/`, `templates/` and the repository's references when they exist.
    fn watch_folders(&mut self) {
        let git = self.root.join(".git");
        if git.is_dir() && !self.recursive.contains(&git) {
            // The folder itself for `HEAD` and `packed-refs`; its objects are of no interest.
            if self.inner.watch(&git, RecursiveMode::NonRecursive).is_ok() {
                self.recursive.push(git.clone());
            }
        }
        for folder in [self.root.join(CONTENT_DIR), self.root.join("templates"), git.join("refs")] {
            if folder.is_dir()
                && !self.recursive.contains(&folder)
                && self.inner.watch(&folder, RecursiveMode::Recursive).is_ok()
            {
                self.recursive.push(folder);
            }
        }
    }

    /// Waits for the next change that matters and says what it touched; `None` when the
    /// watcher has stopped.
    pub fn next(&mut self) -> Option<Changes> {
        let mut changes = Changes::default();
        loop {
            let event = self.events.recv().ok()?;
            self.classify(event, &mut changes);
            if !changes.is_empty() {
                break;
            }
        }
        let first = Instant::now();
        while first.elapsed() < MOST {
            match self.events.recv_timeout(QUIET) {
                Ok(event) => self.classify(event, &mut changes),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        Some(changes)
    }

    fn classify(&mut self, event: notify::Result<notify::Event>, changes: &mut Changes) {
        let Ok(event) = event else {
            // Events were lost (the kernel's queue overflowed): look at everything again.
            changes.merge(Changes::all());
            return;
        };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        if event.need_rescan() {
            changes.merge(Changes::all());
        }
        for path in &event.paths {
            let Ok(rel) = path.strip_prefix(&self.root) else { continue };
            let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            let first = rel.first().map_or("", String::as_str);
            match first {
                CONTENT_DIR if rel.len() == 1 => changes.rescan = true,
                CONTENT_DIR => {
                    changes.content.insert(rel[1..].join("/"));
                }
                "templates" => changes.templates = true,
                crate::config::FILE_NAME => changes.config = true,
                ".git" => match rel.get(1).map(String::as_str) {
                    None => changes.history = true,
                    Some("refs" | "packed-refs" | "HEAD") if !rel.last().is_some_and(|p| p.ends_with(".lock")) => {
                        changes.history = true
                    }
                    _ => {}
                },
                _ => {}
            }
            // A folder that appeared (`templates/`, `content/`, or `.git/` after `git init`)
            // is watched from now on.
            if rel.len() == 1 && matches!(first, CONTENT_DIR | "templates" | ".git") {
                self.watch_folders();
                changes.rescan |= first == CONTENT_DIR;
            }
        }
    }
}
