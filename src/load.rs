//! Load: find the record files under `content/` and read them as UTF-8 text.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location};
use crate::model::{Records, SourceFile, validate};
use crate::parse;

pub const CONTENT_DIR: &str = "content";

/// The records of a project and every problem met while reading them.
#[derive(Debug)]
pub struct Loaded {
    pub records: Records,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// A record file found on disk or in git: its path under `content/` and its bytes.
pub struct RawFile {
    pub content_path: String,
    pub bytes: Vec<u8>,
}

/// Lists record files (`*.md`, `*.toml`) under `root/content`, sorted, skipping hidden ones.
pub fn read_content_dir(root: &Path) -> Result<Vec<RawFile>, Diagnostic> {
    let dir = root.join(CONTENT_DIR);
    if !dir.is_dir() {
        return Err(Diagnostic::error(format!("no `{CONTENT_DIR}/` folder in {}", root.display()))
            .help("run `statuspress init` to start a project, or pass `--root DIR` to point at one"));
    }
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", dir.display())))?;
        let path = entry.path();
        let is_record = matches!(path.extension().and_then(|e| e.to_str()), Some("md" | "toml"));
        if !entry.file_type().is_file() || !is_record {
            continue;
        }
        let rel = path.strip_prefix(&dir).unwrap_or(path);
        let content_path = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        let bytes =
            std::fs::read(path).map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", path.display())))?;
        files.push(RawFile { content_path, bytes });
    }
    Ok(files)
}

/// Decodes a file as UTF-8, or explains where it is not.
pub fn decode(path: String, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile { path, text }),
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

/// Parses and validates a set of record files (from disk or from a git revision).
pub fn load_records(files: Vec<RawFile>, config: &Config) -> Loaded {
    let parsed: Vec<parse::Parsed> = files
        .into_par_iter()
        .map(|raw| {
            let path = format!("{CONTENT_DIR}/{}", raw.content_path);
            match decode(path, raw.bytes) {
                Ok(file) => parse::parse_file(&Arc::new(file), &raw.content_path),
                Err(d) => parse::Parsed { records: Vec::new(), diagnostics: vec![d] },
            }
        })
        .collect();
    let mut diagnostics = Vec::new();
    let mut records = Vec::new();
    for p in parsed {
        records.extend(p.records.into_iter().map(Arc::new));
        diagnostics.extend(p.diagnostics);
    }
    let records = validate::validate(records, config, &mut diagnostics);
    Loaded { records: Records::new(records), diagnostics }
}

/// Loads the working tree of the project at `root`.
pub fn load_dir(root: &Path, config: &Config) -> Loaded {
    match read_content_dir(root) {
        Ok(files) => load_records(files, config),
        Err(d) => Loaded { records: Records::new(Vec::new()), diagnostics: vec![d] },
    }
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
