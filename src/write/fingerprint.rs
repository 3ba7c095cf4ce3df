//! A build's fingerprint: one hash of everything its output depends on (the tool itself,
//! the configuration, the theme, the as-of date, every revision's commit and the working
//! tree's files). Output is deterministic, so a build whose fingerprint matches the one
//! stored in the output folder would write the same bytes again: it can stop early, once
//! the folder is checked to still hold exactly the files that build wrote (see [`Written`]).

use std::collections::HashMap;
use std::fs::Metadata;
use std::path::Path;

/// The file in the output folder holding the fingerprint of the build that wrote it.
pub const FILE: &str = ".statuspress-build";

/// Collects the inputs of a build, in a fixed order, and hashes them.
#[derive(Default)]
pub struct Inputs {
    bytes: Vec<u8>,
}

impl Inputs {
    /// Adds one named input; the name and length keep neighbouring inputs from running
    /// into each other (`ab` + `c` never hashes like `a` + `bc`).
    pub fn add(&mut self, name: &str, value: &[u8]) -> &mut Inputs {
        for part in [name.as_bytes(), value] {
            self.bytes.extend_from_slice(&(part.len() as u64).to_le_bytes());
            self.bytes.extend_from_slice(part);
        }
        self
    }

    pub fn finish(&self) -> Fingerprint {
        let id = gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, &self.bytes)
            .map(|id| id.to_string())
            .unwrap_or_default();
        Fingerprint(id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// The hash in hex, as the fingerprint file writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the build that wrote an output folder left in its fingerprint file.
#[derive(Debug, PartialEq, Eq)]
pub struct Stored {
    pub fingerprint: Fingerprint,
    /// How many warnings that build reported (a skipped build says so rather than
    /// reporting them again).
    pub warnings: usize,
    /// The fingerprint of each archived revision's `status.json` that build wrote, by the
    /// revision's slug (see [`Stored::reusable`]).
    pub revisions: Vec<(String, Fingerprint)>,
    /// Every file that build wrote, besides the fingerprint file.
    pub files: Vec<Written>,
}

/// One file as a build wrote it. The inputs alone cannot tell that the output folder was
/// edited since (a page deleted, changed or added by hand), so the skip also checks that
/// the folder holds exactly these files. Like git's index it trusts a file's size and
/// status-change time (ctime, which any write sets and no tool can set back): a file of the
/// listed size changed before the build's end (see [`seal`]) is taken as written, and any
/// other is read and its CRC-32 compared. The list holds no times, so that the same input
/// still gives a byte-identical site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Site-relative, with `/` (`blockers/b-1.html`).
    pub path: String,
    pub size: u64,
    pub crc: u32,
}

impl Written {
    pub fn of(path: &str, bytes: &[u8]) -> Written {
        Written { path: path.to_string(), size: bytes.len() as u64, crc: crc32fast::hash(bytes) }
    }

    fn parse(line: &str) -> Option<Written> {
        let (size, rest) = line.split_once(' ')?;
        let (crc, path) = rest.split_once(' ')?;
        Some(Written { path: path.to_string(), size: size.parse().ok()?, crc: u32::from_str_radix(crc, 16).ok()? })
    }

    /// Whether the file at `path` still holds exactly what was written: its size, then its
    /// CRC-32 (read in full, as no seal vouches for it).
    pub fn is_at(&self, path: &Path) -> bool {
        std::fs::symlink_metadata(path).is_ok_and(|meta| self.is_intact(path, &meta, 0))
    }

    /// Whether the file `meta` describes, at `path`, still holds what was written; `sealed`
    /// is the time the build ended.
    fn is_intact(&self, path: &Path, meta: &Metadata, sealed: u128) -> bool {
        meta.is_file()
            && meta.len() == self.size
            && (changed(meta) < sealed || std::fs::read(path).is_ok_and(|b| crc32fast::hash(&b) == self.crc))
    }
}

/// When a file last changed, in nanoseconds since the epoch: its ctime (set by every write,
/// link and unlink, and by no tool to a chosen value), or where there is none its
/// modification time. 0 when the system cannot tell.
#[cfg(unix)]
fn changed(meta: &Metadata) -> u128 {
    use std::os::unix::fs::MetadataExt;
    u128::try_from(meta.ctime()).map_or(0, |s| s * 1_000_000_000 + u128::try_from(meta.ctime_nsec()).unwrap_or(0))
}

#[cfg(not(unix))]
fn changed(meta: &Metadata) -> u128 {
    meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos())
}

/// Marks the end of the build that wrote `output`, once its previous site is gone (removing
/// it unlinks the files this build linked from it, which changes their ctime): the
/// fingerprint file's times are set to now. A file changed before then is as written; one
/// changed at the same clock tick or later (an edit right after the build) is read.
pub fn seal(output: &Path) -> std::io::Result<()> {
    std::fs::File::options().write(true).open(output.join(FILE))?.set_modified(std::time::SystemTime::now())
}

impl Fingerprint {
    /// The stored record of the build that wrote `output`, when it has this fingerprint and
    /// the folder still holds exactly what that build wrote.
    pub fn stored_in(&self, output: &Path) -> Option<Stored> {
        let path = output.join(FILE);
        let sealed = changed(&std::fs::metadata(&path).ok()?);
        let stored = Stored::read(output)?;
        (stored.fingerprint == *self && stored.matches(output, sealed)).then_some(stored)
    }

    /// The fingerprint file's contents for a build with `warnings` warnings that wrote `files`,
    /// with the fingerprints of its archived revisions by slug.
    pub fn file(&self, warnings: usize, revisions: &[(String, Fingerprint)], files: &[Written]) -> String {
        let mut text = format!("fingerprint {}\nwarnings {warnings}\n", self.0);
        for (slug, print) in revisions {
            text.push_str(&format!("revision {} {slug}\n", print.0));
        }
        for f in files {
            text.push_str(&format!("file {} {:08x} {}\n", f.size, f.crc, f.path));
        }
        text
    }
}

impl Stored {
    /// What the build that wrote `output` left there, whatever its fingerprint; `None`
    /// without a fingerprint file or with a damaged one.
    pub fn read(output: &Path) -> Option<Stored> {
        Stored::parse(&std::fs::read_to_string(output.join(FILE)).ok()?)
    }

    fn parse(text: &str) -> Option<Stored> {
        let mut fingerprint = None;
        let mut warnings = None;
        let mut revisions = Vec::new();
        let mut files = Vec::new();
        for line in text.lines() {
            match line.split_once(' ') {
                Some(("fingerprint", value)) => fingerprint = Some(Fingerprint(value.to_string())),
                Some(("warnings", value)) => warnings = value.parse().ok(),
                Some(("revision", value)) => {
                    let (print, slug) = value.split_once(' ')?;
                    revisions.push((slug.to_string(), Fingerprint(print.to_string())));
                }
                Some(("file", value)) => files.push(Written::parse(value)?),
                _ => return None,
            }
        }
        Some(Stored { fingerprint: fingerprint?, warnings: warnings?, revisions, files })
    }

    /// The files of this build that a new build may keep rather than write again: for each
    /// revision of `now` (slug and fingerprint) with the same fingerprint here, the file
    /// `path(slug)` names, as this build listed it.
    pub fn reusable(&self, now: &[(String, Fingerprint)], path: impl Fn(&str) -> String) -> Vec<Written> {
        let before: HashMap<&str, &Fingerprint> = self.revisions.iter().map(|(s, p)| (s.as_str(), p)).collect();
        let files: HashMap<&str, &Written> = self.files.iter().map(|f| (f.path.as_str(), f)).collect();
        now.iter()
            .filter(|(slug, print)| before.get(slug.as_str()) == Some(&print))
            .filter_map(|(slug, _)| files.get(path(slug).as_str()).map(|f| (*f).clone()))
            .collect()
    }

    /// Whether `output` holds exactly the files listed, each intact, and nothing else but
    /// the fingerprint file (changed last at `sealed`) and folders.
    fn matches(&self, output: &Path, sealed: u128) -> bool {
        let listed: HashMap<&str, &Written> = self.files.iter().map(|f| (f.path.as_str(), f)).collect();
        let mut found = 0;
        for entry in walkdir::WalkDir::new(output).min_depth(1) {
            let Ok(entry) = entry else { return false };
            if entry.file_type().is_dir() {
                continue;
            }
            let Some(rel) = entry.path().strip_prefix(output).ok().and_then(Path::to_str) else { return false };
            let rel = rel.replace(std::path::MAIN_SEPARATOR, "/");
            if rel == FILE {
                continue;
            }
            match (listed.get(rel.as_str()), entry.metadata()) {
                (Some(file), Ok(meta)) if file.is_intact(entry.path(), &meta, sealed) => found += 1,
                _ => return false,
            }
        }
        found == listed.len()
    }
}

/// The tool itself: its version and a hash of the sources it was built from (see
/// `build.rs`), so a rebuilt tool builds again even when its version did not change.
pub fn tool() -> &'static str {
    concat!(env!("CARGO_PKG_VERSION"), "+", env!("STATUSPRESS_SOURCE_HASH"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(parts: &[(&str, &str)]) -> Fingerprint {
        let mut inputs = Inputs::default();
        for (name, value) in parts {
            inputs.add(name, value.as_bytes());
        }
        inputs.finish()
    }

    #[test]
    fn any_change_of_an_input_changes_the_fingerprint() {
        let base = of(&[("config", "a"), ("theme", "b")]);
        assert_eq!(base, of(&[("config", "a"), ("theme", "b")]));
        assert_ne!(base, of(&[("config", "a"), ("theme", "c")]));
        assert_ne!(base, of(&[("config", "ab"), ("theme", "")]), "inputs must not run into each other");
        assert_ne!(base, of(&[("theme", "b"), ("config", "a")]), "order counts");
    }

    #[test]
    fn the_stored_record_is_read_back_only_for_the_same_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let print = of(&[("config", "a")]);
        assert_eq!(print.stored_in(dir.path()), None, "no file yet");
        let revisions = [("week-1".to_string(), of(&[("revision", "1")]))];
        std::fs::write(dir.path().join(FILE), print.file(3, &revisions, &[])).unwrap();
        assert_eq!(
            print.stored_in(dir.path()),
            Some(Stored { fingerprint: print.clone(), warnings: 3, revisions: revisions.to_vec(), files: vec![] })
        );
        assert_eq!(of(&[("config", "b")]).stored_in(dir.path()), None);
        std::fs::write(dir.path().join(FILE), "fingerprint x\nsurprise\n").unwrap();
        assert_eq!(print.stored_in(dir.path()), None, "a damaged file matches nothing");
    }

    #[test]
    fn a_revision_file_is_reusable_when_its_fingerprint_is_the_same() {
        let path = |slug: &str| format!("revisions/{slug}/status.json");
        let (one, two) = (of(&[("revision", "1")]), of(&[("revision", "2")]));
        let files = [Written::of(&path("w1"), b"1"), Written::of(&path("w2"), b"2")];
        let before = [("w1".to_string(), one.clone()), ("w2".to_string(), two.clone())];
        let stored = Stored::parse(&of(&[]).file(0, &before, &files)).unwrap();
        let now = [("w1".to_string(), one), ("w2".to_string(), of(&[("revision", "2'")])), ("w3".to_string(), two)];
        assert_eq!(stored.reusable(&now, path), [files[0].clone()]);
    }

    #[test]
    fn the_output_must_hold_exactly_the_files_written() {
        let dir = tempfile::tempdir().unwrap();
        let print = of(&[("config", "a")]);
        let write = |path: &str, bytes: &[u8]| {
            let file = dir.path().join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, bytes).unwrap();
            Written::of(path, bytes)
        };
        let files = [write("index.html", b"home"), write("a/b.html", b"page")];
        std::fs::write(dir.path().join(FILE), print.file(0, &[], &files)).unwrap();
        seal(dir.path()).unwrap();
        let intact = || print.stored_in(dir.path()).is_some();
        assert!(intact());
        std::fs::create_dir(dir.path().join("empty")).unwrap();
        assert!(intact(), "a folder is not a file");
        // Same size, changed in the seal's clock tick or later: read and compared.
        std::fs::write(dir.path().join("a/b.html"), b"edit").unwrap();
        assert!(!intact(), "changed");
        std::fs::write(dir.path().join("a/b.html"), b"page").unwrap();
        assert!(intact(), "the same bytes again");
        std::fs::write(dir.path().join("a/extra.html"), b"").unwrap();
        assert!(!intact(), "an extra file");
        std::fs::remove_file(dir.path().join("a/extra.html")).unwrap();
        std::fs::remove_file(dir.path().join("index.html")).unwrap();
        assert!(!intact(), "a missing file");
        std::os::unix::fs::symlink("a/b.html", dir.path().join("index.html")).unwrap();
        assert!(!intact(), "a link in a file's place");
    }
}
