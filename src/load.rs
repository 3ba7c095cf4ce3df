//! Load: find the record files under `content/` and read them as UTF-8 text.

use std::path::Path;
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
        let rel = path.strip_prefix(&dir).unwrap_or(path);
        let content_path = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        if !entry.file_type().is_file() || !is_record_path(&content_path) {
            continue;
        }
        let bytes =
            std::fs::read(path).map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", path.display())))?;
        files.push(RawFile { content_path, bytes });
    }
    Ok(files)
}

/// Whether a path under `content/` names a record file (`*.md`, `*.toml`, not hidden).
pub fn is_record_path(path: &str) -> bool {
    let hidden = path.split('/').any(|part| part.starts_with('.'));
    !hidden && (path.ends_with(".md") || path.ends_with(".toml"))
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
