//! A build's fingerprint: one hash of everything its output depends on (the tool itself,
//! the configuration, the theme, the as-of date, every revision's commit and the working
//! tree's files). Output is deterministic, so a build whose fingerprint matches the one
//! stored in the output folder would write the same bytes again: it can stop early.

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

/// What the build that wrote an output folder left in its fingerprint file.
#[derive(Debug, PartialEq, Eq)]
pub struct Stored {
    pub fingerprint: Fingerprint,
    /// How many warnings that build reported (a skipped build says so rather than
    /// reporting them again).
    pub warnings: usize,
}

impl Fingerprint {
    /// The stored record of the build that wrote `output`, when it has this fingerprint.
    pub fn stored_in(&self, output: &Path) -> Option<Stored> {
        let text = std::fs::read_to_string(output.join(FILE)).ok()?;
        let stored = Stored::parse(&text)?;
        (stored.fingerprint == *self).then_some(stored)
    }

    /// The fingerprint file's contents for a build with `warnings` warnings.
    pub fn file(&self, warnings: usize) -> String {
        format!("fingerprint {}\nwarnings {warnings}\n", self.0)
    }
}

impl Stored {
    fn parse(text: &str) -> Option<Stored> {
        let mut fingerprint = None;
        let mut warnings = None;
        for line in text.lines() {
            match line.split_once(' ') {
                Some(("fingerprint", value)) => fingerprint = Some(Fingerprint(value.to_string())),
                Some(("warnings", value)) => warnings = value.parse().ok(),
                _ => return None,
            }
        }
        Some(Stored { fingerprint: fingerprint?, warnings: warnings? })
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
        std::fs::write(dir.path().join(FILE), print.file(3)).unwrap();
        assert_eq!(print.stored_in(dir.path()), Some(Stored { fingerprint: print.clone(), warnings: 3 }));
        assert_eq!(of(&[("config", "b")]).stored_in(dir.path()), None);
        std::fs::write(dir.path().join(FILE), "fingerprint x\nsurprise\n").unwrap();
        assert_eq!(print.stored_in(dir.path()), None, "a damaged file matches nothing");
    }
}
