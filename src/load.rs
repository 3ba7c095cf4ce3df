//! Load: find the record files under `content/` and read them as UTF-8 text.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location};
use crate::model::{Record, Records, SourceFile, validate};
use crate::parse;

pub const CONTENT_DIR: &str = "content";

/// The records of a project and every problem met while reading them.
#[derive(Debug)]
pub struct Loaded {
    pub records: Records,
    pub diagnostics: Vec<Diagnostic>,
}

/// A record file found on disk or in git: its path under `content/` and its bytes.
#[derive(Clone)]
pub struct RawFile {
    pub content_path: String,
    pub bytes: Vec<u8>,
}

/// Lists record files (`*.md`, `*.toml`) under `root/content`, sorted, skipping hidden ones.
///
/// Symbolic links are followed only while they stay inside the project: git stores links, so a
/// branch could otherwise publish any file of the machine that builds it, and a link that was
/// silently skipped would drop its record (a critical blocker) from the status. A link leaving
/// the project, a broken link or a loop is an error naming the link; all of them are reported.
pub fn read_content_dir(root: &Path) -> Result<Vec<RawFile>, Diagnostic> {
    let dir = root.join(CONTENT_DIR);
    if !dir.is_dir() {
        return Err(Diagnostic::error(format!("no `{CONTENT_DIR}/` folder in {}", root.display()))
            .help("run `statuspress init` to start a project, or pass `--root DIR` to point at one"));
    }
    let project = project_root(root)?;
    inside_project(&project, &dir, CONTENT_DIR)?;
    let mut problems = Vec::new();
    let mut files = Vec::new();
    let mut to_read = Vec::new();
    let hidden = |name: &std::ffi::OsStr| name.to_string_lossy().starts_with('.');
    let mut walker = walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !hidden(e.file_name()));
    let shown = |path: &Path| {
        let rel = path.strip_prefix(root).unwrap_or(path);
        rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
    };
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            // Errors skip the hidden-file filter: an editor's lock file (`.#x.md`) is a broken link.
            Err(e) if e.path().and_then(Path::file_name).is_some_and(hidden) => continue,
            Err(e) => {
                problems.push(walk_error(&project, &e, shown));
                continue;
            }
        };
        let path = entry.path();
        let rel = path.strip_prefix(&dir).unwrap_or(path);
        let content_path = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        let is_dir = entry.file_type().is_dir();
        if entry.path_is_symlink()
            && (is_dir || is_record_path(&content_path))
            && let Err(d) = inside_project(&project, path, &shown(path))
        {
            problems.push(d);
            if is_dir {
                walker.skip_current_dir();
            }
            continue;
        }
        if !entry.file_type().is_file() || !is_record_path(&content_path) {
            continue;
        }
        to_read.push((content_path, entry.into_path()));
    }
    // Read in parallel: at 10,000 records, reading one file after another was a fifth of a
    // build's wall time, most of it waiting on the kernel.
    let read: Vec<Result<RawFile, Diagnostic>> = to_read
        .into_par_iter()
        .map(|(content_path, path)| match std::fs::read(&path) {
            Ok(bytes) => Ok(RawFile { content_path, bytes }),
            Err(e) => Err(Diagnostic::error(format!("cannot read {}: {e}", shown(&path))).in_file(shown(&path))),
        })
        .collect();
    for file in read {
        match file {
            Ok(file) => files.push(file),
            Err(d) => problems.push(d),
        }
    }
    match combine(problems) {
        Some(d) => Err(d),
        None => Ok(files),
    }
}

/// The project folder with every link resolved, for [`inside_project`].
pub fn project_root(root: &Path) -> Result<PathBuf, Diagnostic> {
    std::fs::canonicalize(root)
        .map_err(|e| Diagnostic::error(format!("cannot resolve the project folder {}: {e}", root.display())))
}

/// Resolves `path` (shown to the user as `shown`), refusing it when it leads outside
/// `project` (from [`project_root`]) or nowhere.
pub fn inside_project(project: &Path, path: &Path, shown: &str) -> Result<PathBuf, Diagnostic> {
    let target = std::fs::read_link(path).map_or_else(|_| shown.to_string(), |t| t.display().to_string());
    match std::fs::canonicalize(path) {
        Ok(real) if real.starts_with(project) => Ok(real),
        Ok(real) => {
            let resolved =
                if real.display().to_string() == target { String::new() } else { format!(" ({})", real.display()) };
            Err(Diagnostic::error(format!("`{shown}` is a symbolic link to {target}{resolved}, outside the project"))
                .in_file(shown)
                .help("statuspress reads only files inside the project: copy the file in, or link to one inside it"))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Diagnostic::error(format!("`{shown}` is a broken symbolic link: {target} does not exist"))
                .in_file(shown)
                .help("fix the link or remove it"))
        }
        Err(e) => Err(Diagnostic::error(format!("cannot resolve `{shown}`: {e}")).in_file(shown)),
    }
}

/// Explains a failure of the walk over `content/` (a loop, a broken link, a folder it cannot read).
fn walk_error(project: &Path, error: &walkdir::Error, shown: impl Fn(&Path) -> String) -> Diagnostic {
    let path = error.path().unwrap_or(Path::new(CONTENT_DIR));
    let at = shown(path);
    if let Some(ancestor) = error.loop_ancestor() {
        return Diagnostic::error(format!(
            "`{at}` is a symbolic link loop: it leads back to {}, which contains it",
            shown(ancestor)
        ))
        .in_file(&at)
        .help("remove the link, or point it at a folder that does not contain it");
    }
    let unreadable = || Diagnostic::error(format!("cannot read `{at}`: {error}")).in_file(&at);
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return inside_project(project, path, &at).err().unwrap_or_else(unreadable);
    }
    unreadable()
}

/// One diagnostic for several problems (the callers take one): the first, with the rest as
/// notes (each message names its file).
fn combine(problems: Vec<Diagnostic>) -> Option<Diagnostic> {
    let mut problems = problems.into_iter();
    let first = problems.next()?;
    Some(problems.fold(first, |d, more| d.note(format!("also: {}", more.message))))
}

/// Whether a path under `content/` names a record file (`*.md`, `*.toml`, not hidden).
pub fn is_record_path(path: &str) -> bool {
    let hidden = path.split('/').any(|part| part.starts_with('.'));
    !hidden && (path.ends_with(".md") || path.ends_with(".toml"))
}

/// Decodes a file as UTF-8, or explains where it is not.
pub fn decode(path: String, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            // Kept as long as its records (diagnostics quote it); a blob inflated from git
            // comes with several times its length in spare capacity.
            text.shrink_to_fit();
            Ok(SourceFile { path, text })
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let line_end = bytes[valid..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |i| valid + i);
            let shown = prefix.clone() + &String::from_utf8_lossy(&bytes[valid..line_end]);
            Err(Diagnostic::error(format!("file is not valid UTF-8 (byte 0x{:02x} at offset {valid})", bytes[valid]))
                .at(Location::resolve(&path, &shown, valid..valid + 1))
                .help("save the file as UTF-8 (most editors offer this under “Save with encoding”)"))
        }
    }
}

/// The records and problems of one file, shared by every revision holding the same blob.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub records: Vec<Arc<Record>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Decodes and parses one record file.
pub fn parse_raw(raw: RawFile) -> ParsedFile {
    let path = format!("{CONTENT_DIR}/{}", raw.content_path);
    match decode(path, raw.bytes) {
        Ok(file) => {
            let parsed = parse::parse_file(&Arc::new(file), &raw.content_path);
            ParsedFile { records: parsed.records.into_iter().map(Arc::new).collect(), diagnostics: parsed.diagnostics }
        }
        Err(d) => ParsedFile { records: Vec::new(), diagnostics: vec![d] },
    }
}

/// Validates the parsed files of one revision together; `files` come in natural path order.
pub fn assemble(files: &[Arc<ParsedFile>], config: &Config) -> Loaded {
    let mut diagnostics: Vec<Diagnostic> = files.iter().flat_map(|f| f.diagnostics.iter().cloned()).collect();
    let records: Vec<Arc<Record>> = files.iter().flat_map(|f| f.records.iter().cloned()).collect();
    let records = validate::validate(records, config, &mut diagnostics);
    Loaded { records: Records::new(records), diagnostics }
}

/// Parses and validates a set of record files.
pub fn load_records(mut files: Vec<RawFile>, config: &Config) -> Loaded {
    files.sort_by(|a, b| crate::model::natural_cmp(&a.content_path, &b.content_path));
    let parsed: Vec<Arc<ParsedFile>> = files.into_par_iter().map(|raw| Arc::new(parse_raw(raw))).collect();
    assemble(&parsed, config)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn invalid_utf8_is_located() {
        let d = decode("content/x.md".into(), b"+++\ntitle = \"caf\xe9\"\n+++\n".to_vec()).unwrap_err();
        let loc = d.location.unwrap();
        assert_eq!((loc.line, loc.col), (2, 13));
        assert!(d.message.contains("0xe9"));
    }
}

#[cfg(test)]
mod validate_tests;

/// Where a portfolio keeps its plans: `plans/<plan-id>/content/…`.
pub const PLANS_DIR: &str = "plans";

/// The plans of a portfolio at `root`, by id in natural order (their folders are
/// `plans/<id>/`); `None` for a project of one plan (`content/` at the root).
pub fn portfolio_plans(root: &Path) -> Result<Option<Vec<String>>, Diagnostic> {
    let folder = root.join(PLANS_DIR);
    if !folder.is_dir() {
        return Ok(None);
    }
    if root.join(CONTENT_DIR).exists() {
        return Err(Diagnostic::error(format!(
            "{} holds both `{CONTENT_DIR}/` (one plan) and `{PLANS_DIR}/` (a portfolio of plans)",
            root.display()
        ))
        .help(format!("move `{CONTENT_DIR}/` into `{PLANS_DIR}/<plan-id>/{CONTENT_DIR}/`, or remove `{PLANS_DIR}/`")));
    }
    let entries =
        std::fs::read_dir(&folder).map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", folder.display())))?;
    let mut plans = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !entry.path().join(CONTENT_DIR).is_dir() {
            continue;
        }
        crate::parse::check_id(&name).map_err(|why| {
            Diagnostic::error(format!("`{PLANS_DIR}/{name}` cannot name a plan: {why}"))
                .help("a plan's folder name is its id, in its site's URL: letters, digits, `.`, `_` and `-`")
        })?;
        plans.push(name);
    }
    if plans.is_empty() {
        return Err(Diagnostic::error(format!(
            "`{PLANS_DIR}/` holds no plan (`{PLANS_DIR}/<plan-id>/{CONTENT_DIR}/`)"
        ))
        .help("run `statuspress init --portfolio` for an example"));
    }
    plans.sort_by(|a, b| crate::model::natural_cmp(a, b));
    Ok(Some(plans))
}
