//! Parse: source files → typed records, with a diagnostic for every problem found.

mod forbidden;
mod frontmatter;
pub(crate) mod toml_errors;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, did_you_mean, serde_errors};
use crate::model::{Body, Common, FieldSpan, Kind, Origin, Record, SourceFile};
use frontmatter::FrontMatterError;

/// What parsing one file produced; a file can yield records and problems at once.
#[derive(Debug, Default)]
pub struct Parsed {
    pub records: Vec<Record>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one file under `content/`. `content_path` is its path relative to `content/`.
pub fn parse_file(file: &Arc<SourceFile>, content_path: &str) -> Parsed {
    let folder_kind = folder_kind(content_path);
    let mut parsed = Parsed::default();
    if content_path.ends_with(".md") {
        parse_markdown(file, folder_kind, &mut parsed);
    } else {
        parse_toml_file(file, folder_kind, &mut parsed);
    }
    parsed
}

/// What the location of a file says about its kind.
#[derive(Debug, Clone, Copy)]
enum FolderKind {
    Known(Kind),
    /// A file directly in `content/` (only `plan.*` is implied).
    Root,
    /// A folder that is not a kind folder.
    Unknown,
}

fn folder_kind(content_path: &str) -> FolderKind {
    match content_path.split_once('/') {
        Some((folder, _)) => Kind::from_folder(folder).map_or(FolderKind::Unknown, FolderKind::Known),
        None if content_path.starts_with("plan.") => FolderKind::Known(Kind::Plan),
        None => FolderKind::Root,
    }
}

fn parse_markdown(file: &Arc<SourceFile>, folder: FolderKind, out: &mut Parsed) {
    let parts = match frontmatter::split(&file.text) {
        Ok(parts) => parts,
        Err(FrontMatterError::Missing) => {
            out.diagnostics.push(
                Diagnostic::error("a record must start with TOML front matter between `+++` lines")
                    .at(file.locate(0..0))
                    .help("begin the file with `+++`, the record's fields (e.g. `title = \"…\"`), then another `+++`"),
            );
            return;
        }
        Err(FrontMatterError::Unterminated(open)) => {
            out.diagnostics.push(
                Diagnostic::error("front matter is never closed: expected a line `+++` after the fields")
                    .at(file.locate(open))
                    .help("add a line containing only `+++` between the fields and the body"),
            );
            return;
        }
    };
    // Checked first, so a body's problems are reported even when the front matter has some.
    let errors_before = out.diagnostics.len();
    forbidden::check_body(file, parts.body.clone(), &mut out.diagnostics);
    let body_ok = out.diagnostics.len() == errors_before;
    let fm = &file.text[parts.front_matter.clone()];
    let Some(table) = parse_toml(file, fm, parts.front_matter.start, out) else {
        return;
    };
    let body = Body::InFile(parts.body);
    let record_span = parts.open.start..parts.front_matter.end;
    let input = RecordInput {
        table,
        base: parts.front_matter.start,
        span: record_span,
        default_id: Some(file.stem()),
        body: Some(body),
    };
    if let Some(record) = build_record(file, folder, input, out)
        && body_ok
    {
        out.records.push(record);
    }
}

fn parse_toml_file(file: &Arc<SourceFile>, folder: FolderKind, out: &mut Parsed) {
    let Some(table) = parse_toml(file, &file.text, 0, out) else {
        return;
    };
    let arrays: Vec<&str> = table
        .get_ref()
        .iter()
        .filter(|(k, v)| Kind::from_name(k.get_ref()).is_some() && is_array_of_tables(v.get_ref()))
        .map(|(k, _)| k.get_ref().as_ref())
        .collect();
    if arrays.is_empty() {
        let span = 0..file.text.len();
        let input = RecordInput { table, base: 0, span, default_id: Some(file.stem()), body: None };
        if let Some(record) = build_record(file, folder, input, out) {
            out.records.push(record);
        }
        return;
    }
    // Many records: `[[blocker]]`, `[[risk]]`, … arrays and nothing else at the top level.
    for (key, value) in table.get_ref().iter() {
        let name = key.get_ref().as_ref();
        let Some(kind) = Kind::from_name(name).filter(|_| is_array_of_tables(value.get_ref())) else {
            out.diagnostics.push(
                Diagnostic::error(format!("top-level key `{name}` in a file of `[[{}]]` records", arrays[0]))
                    .at(file.locate(key.span()))
                    .help("a multi-record file holds only `[[kind]]` tables; move this key into one of them"),
            );
            continue;
        };
        let Some(items) = value.get_ref().as_array() else {
            continue;
        };
        for item in items.iter() {
            let Some(fields) = item.get_ref().as_table() else {
                continue;
            };
            let input = RecordInput {
                table: Spanned::new(item.span(), fields.clone()),
                base: 0,
                span: item.span(),
                default_id: None,
                body: None,
            };
            if let Some(record) = build_record(file, FolderKind::Known(kind), input, out) {
                if let FolderKind::Known(folder_kind) = folder
                    && folder_kind != kind
                {
                    out.diagnostics.push(kind_conflict(
                        &record.origin,
                        &key_span_location(file, key),
                        kind,
                        folder_kind,
                    ));
                    continue;
                }
                out.records.push(record);
            }
        }
    }
}

fn key_span_location(file: &SourceFile, key: &Spanned<std::borrow::Cow<'_, str>>) -> crate::diagnostics::Location {
    file.locate(key.span())
}

fn is_array_of_tables(value: &DeValue<'_>) -> bool {
    value.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(|v| v.get_ref().is_table()))
}

/// Parses TOML, reporting every syntax error. `base` is where `text` starts in the file.
fn parse_toml<'a>(file: &SourceFile, text: &'a str, base: usize, out: &mut Parsed) -> Option<Spanned<DeTable<'a>>> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if errors.is_empty() {
        return Some(table);
    }
    for e in errors {
        let span = e.span().unwrap_or(0..0);
        let at = span.start + base..span.end + base;
        let message = e.message().trim();
        let diagnostic = if message.starts_with("invalid date") || message.starts_with("invalid time") {
            let written = file.text.get(at.clone()).unwrap_or("").trim();
            Diagnostic::error(format!("impossible date `{written}`: {}", message.trim_start_matches("invalid date, ")))
                .help("use a real calendar date, written YYYY-MM-DD")
        } else {
            Diagnostic::error(format!("TOML syntax error: {message}")).help(serde_errors::syntax_help(message))
        };
        out.diagnostics.push(diagnostic.at(file.locate(at)));
    }
    None
}

/// One record's raw table and what its file says about it.
struct RecordInput<'a> {
    table: Spanned<DeTable<'a>>,
    /// Offset of the table's text in the file (front matter starts after `+++`).
    base: usize,
    span: Range<usize>,
    default_id: Option<&'a str>,
    body: Option<Body>,
}

fn build_record(
    file: &Arc<SourceFile>,
    folder: FolderKind,
    input: RecordInput<'_>,
    out: &mut Parsed,
) -> Option<Record> {
    let RecordInput { table, base, span, default_id, body } = input;
    let shift = |r: Range<usize>| r.start + base..r.end + base;
    let fields: BTreeMap<String, FieldSpan> = table
        .get_ref()
        .iter()
        .map(|(k, v)| {
            let items = v.get_ref().as_array().map_or_else(Vec::new, |a| a.iter().map(|i| shift(i.span())).collect());
            (k.get_ref().to_string(), FieldSpan { key: shift(k.span()), value: shift(v.span()), items })
        })
        .collect();
    let origin = Origin { file: file.clone(), span, fields };
    let errors_before = out.diagnostics.len();
    forbidden::check_table(file, table.get_ref(), base, &mut out.diagnostics);

    let kind = resolve_kind(&table, folder, &origin, out)?;

    // Split the common fields from the kind's own, flagging keys that belong to neither.
    let mut common_table = DeTable::new();
    let mut kind_table = DeTable::new();
    for (key, value) in table.get_ref().iter() {
        let name = key.get_ref().as_ref();
        if Common::FIELDS.contains(&name) {
            common_table.insert(key.clone(), value.clone());
        } else if kind.fields().contains(&name) {
            kind_table.insert(key.clone(), value.clone());
        } else {
            out.diagnostics.push(unknown_field(name, kind, &origin));
        }
    }
    let missing = missing_fields(kind, &origin, out);
    let table_span = table.span();
    let common = deserialize_all(common_table, &table_span, base, &origin, kind, out, |value| {
        use serde::Deserialize;
        use serde::de::IntoDeserializer;
        Common::deserialize(value.into_deserializer())
    });
    let data = deserialize_all(kind_table, &table_span, base, &origin, kind, out, |value| kind.deserialize(value));
    let (mut common, data) = (common?, data?);
    if !missing.is_empty() {
        return None;
    }

    let body = match (body, common.body.take()) {
        (Some(_), Some(_)) => {
            out.diagnostics.push(
                Diagnostic::error("`body` in the front matter of a markdown record")
                    .at(origin.locate_key("body"))
                    .help("write the body after the closing `+++` instead"),
            );
            Body::Own(String::new())
        }
        (Some(body), None) => body,
        (None, Some(text)) => Body::Own(text),
        (None, None) => Body::Own(String::new()),
    };

    let id = match (&common.id, default_id) {
        (Some(id), _) => {
            check_id(id)
                .map_err(|why| {
                    out.diagnostics.push(
                        Diagnostic::error(format!("invalid id `{id}`: {why}")).at(origin.locate("id")).help(ID_HELP),
                    )
                })
                .ok()?;
            id.clone()
        }
        (None, Some(stem)) => {
            check_id(stem)
                .map_err(|why| {
                    out.diagnostics.push(
                        Diagnostic::error(format!("the file name `{stem}` is not a valid record id: {why}"))
                            .at(origin.file.locate(origin.span.start..origin.span.start))
                            .help(format!("rename the file, or set `id = \"…\"` in the record; {ID_HELP}")),
                    )
                })
                .ok()?;
            stem.to_string()
        }
        (None, None) => {
            out.diagnostics.push(
                Diagnostic::error("a record in a multi-record file needs an `id`")
                    .at(origin.file.locate(origin.span.clone()))
                    .help("add `id = \"…\"` to this table"),
            );
            return None;
        }
    };
    (out.diagnostics.len() == errors_before).then(|| Record::new(id, kind, common, data, body, origin))
}

/// The required fields of `kind` the record lacks, each reported at the record's start.
fn missing_fields(kind: Kind, origin: &Origin, out: &mut Parsed) -> Vec<&'static str> {
    let missing: Vec<&str> = kind.required().iter().copied().filter(|f| !origin.fields.contains_key(*f)).collect();
    for field in &missing {
        let example = if matches!(*field, "title" | "decision" | "group") { "\"…\"" } else { "…" };
        out.diagnostics.push(
            Diagnostic::error(format!("missing required field `{field}` in a {} record", kind.name()))
                .at(origin.file.locate(origin.span.start..origin.span.start))
                .help(format!("add `{field} = {example}` to the record")),
        );
    }
    missing
}

/// Deserializes `table`, reporting every bad field rather than only the first: each field
/// that fails is reported and dropped, and the rest is tried again.
fn deserialize_all<'a, T>(
    mut table: DeTable<'a>,
    span: &Range<usize>,
    base: usize,
    origin: &Origin,
    kind: Kind,
    out: &mut Parsed,
    deserialize: impl Fn(Spanned<DeValue<'a>>) -> Result<T, toml::de::Error>,
) -> Option<T> {
    let mut dropped: Vec<String> = Vec::new();
    loop {
        let error = match deserialize(Spanned::new(span.clone(), DeValue::Table(table.clone()))) {
            Ok(value) => return dropped.is_empty().then_some(value),
            Err(error) => error,
        };
        // Missing required fields were reported up front, all of them.
        if error.message().starts_with("missing field") {
            return None;
        }
        out.diagnostics.push(toml_errors::explain(&error, base, origin, kind));
        let culprit = error.span().and_then(|s| {
            let at = s.start + base;
            origin
                .fields
                .iter()
                .find(|(_, f)| f.value.start <= at && at < f.value.end.max(f.value.start + 1))
                .map(|(name, _)| name.clone())
        });
        match culprit {
            Some(name) if table.remove(name.as_str()).is_some() => dropped.push(name),
            _ => return None,
        }
    }
}

const ID_HELP: &str =
    "ids start with a letter or digit and use only letters, digits, `.`, `_` and `-` (at most 64 characters)";

/// Ids become file names and URLs, so they are kept to a portable, path-free alphabet.
pub fn check_id(id: &str) -> Result<(), String> {
    let mut chars = id.chars();
    match chars.next() {
        None => return Err("it is empty".into()),
        Some(c) if !c.is_ascii_alphanumeric() => return Err(format!("it starts with `{c}`")),
        _ => {}
    }
    if let Some(c) = id.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))) {
        return Err(if c == '/' || c == '\\' {
            "it contains a path separator and could escape the output folder".into()
        } else {
            format!("it contains `{}`", c.escape_default())
        });
    }
    if id.len() > 64 {
        return Err(format!("it is {} characters long", id.len()));
    }
    if id.eq_ignore_ascii_case("index") {
        return Err("`index` is reserved for list pages".into());
    }
    if id.ends_with('.') {
        return Err("it ends with `.`, which Windows drops from file names".into());
    }
    if let Some(device) = windows_device(id) {
        return Err(format!(
            "`{device}` is a device name on Windows (CON, PRN, AUX, NUL, COM1–9, LPT1–9, with any extension), \
             so its page could not be written there; use e.g. `{device}-1`"
        ));
    }
    Ok(())
}

/// The part of `id` that Windows reserves for a device, if any: the name before the first
/// `.`, compared ignoring case (`con`, `NUL.txt`, `com1.log`).
fn windows_device(id: &str) -> Option<&str> {
    let name = id.split('.').next().unwrap_or(id);
    let upper = name.to_ascii_uppercase();
    let numbered = |prefix: &str| upper.strip_prefix(prefix).is_some_and(|n| matches!(n.as_bytes(), [b'1'..=b'9']));
    (matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL") || numbered("COM") || numbered("LPT")).then_some(name)
}

fn resolve_kind(table: &Spanned<DeTable<'_>>, folder: FolderKind, origin: &Origin, out: &mut Parsed) -> Option<Kind> {
    let declared = match table.get_ref().get("kind").map(|v| v.get_ref()) {
        None => None,
        Some(DeValue::String(name)) => match Kind::from_name(name) {
            Some(kind) => Some(kind),
            None => {
                let names = Kind::names();
                out.diagnostics.push(
                    Diagnostic::error(format!("unknown kind `{name}`; expected one of: {}", names.join(", ")))
                        .at(origin.locate("kind"))
                        .with_help(did_you_mean(name, names.iter().copied()).map(|s| format!("did you mean `{s}`?"))),
                );
                return None;
            }
        },
        Some(other) => {
            out.diagnostics.push(
                Diagnostic::error(format!("wrong type for `kind`: expected a string, found {}", other.type_str()))
                    .at(origin.locate("kind")),
            );
            return None;
        }
    };
    match (declared, folder) {
        (Some(d), FolderKind::Known(f)) if d != f => {
            out.diagnostics.push(kind_conflict(origin, &origin.locate("kind"), d, f));
            None
        }
        (Some(d), _) => Some(d),
        (None, FolderKind::Known(f)) => Some(f),
        (None, _) => {
            let folders: Vec<String> =
                Kind::ALL.iter().filter(|k| **k != Kind::Plan).map(|k| format!("{}/", k.folder())).collect();
            out.diagnostics.push(
                Diagnostic::error("cannot tell what kind of record this is")
                    .at(origin.file.locate(origin.span.start..origin.span.start))
                    .help(format!("put the file in a kind folder ({}) or add `kind = \"…\"`", folders.join(", "))),
            );
            None
        }
    }
}

fn kind_conflict(origin: &Origin, at: &crate::diagnostics::Location, declared: Kind, folder: Kind) -> Diagnostic {
    Diagnostic::error(format!(
        "kind conflict: the record says `{}` but its place says `{}`",
        declared.name(),
        folder.name()
    ))
    .at(at.clone())
    .note(format!("{} is under `content/{}/`", origin.path(), folder.folder()))
    .help(format!("move the record to `content/{}/`, or remove the conflicting kind", declared.folder()))
}

fn unknown_field(name: &str, kind: Kind, origin: &Origin) -> Diagnostic {
    let known = || kind.fields().iter().chain(Common::FIELDS).copied();
    let hint = did_you_mean(name, known()).map(|s| format!("did you mean `{s}`?"));
    let mut fields: Vec<&str> = known().filter(|f| *f != "body").collect();
    fields.sort_unstable();
    Diagnostic::error(format!("unknown field `{name}` in a {} record", kind.name()))
        .at(origin.locate_key(name))
        .with_help(hint.or_else(|| Some(format!("a {} accepts: {}", kind.name(), fields.join(", ")))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(path: &str, text: &str) -> Parsed {
        let file = Arc::new(SourceFile { path: format!("content/{path}"), text: text.to_string() });
        parse_file(&file, path)
    }

    #[test]
    fn markdown_record_with_body() {
        let p = parse(
            "blockers/b-1.md",
            "+++\ntitle = \"DB\"\nseverity = \"critical\"\nstatus = \"open\"\n+++\nSome *body*.\n",
        );
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(p.records[0].id, "b-1");
        assert_eq!(p.records[0].kind, Kind::Blocker);
        assert_eq!(p.records[0].body(), "Some *body*.\n");
    }

    #[test]
    fn unknown_field_points_at_key_with_hint() {
        let p = parse("blockers/b-1.md", "+++\ntitle = \"DB\"\nserverity = \"critical\"\nstatus = \"open\"\n+++\n");
        let d = p.diagnostics.iter().find(|d| d.message.contains("serverity")).unwrap();
        let loc = d.location.as_ref().unwrap();
        assert_eq!((loc.line, loc.col), (3, 1));
        assert_eq!(d.help.as_deref(), Some("did you mean `severity`?"));
    }

    #[test]
    fn many_records_in_one_toml_file() {
        let p = parse(
            "risks.toml",
            "[[risk]]\nid = \"r-1\"\ntitle = \"A\"\nlikelihood = 3\nimpact = 4\n\n[[risk]]\nid = \"r-2\"\ntitle = \"B\"\nlikelihood = 2\nimpact = 2\nbody = \"\"\"\nText\n\"\"\"\n",
        );
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(p.records.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["r-1", "r-2"]);
        assert_eq!(p.records[1].body(), "Text\n");
    }

    #[test]
    fn ids_cannot_escape_the_output() {
        assert!(check_id("../etc").is_err());
        assert!(check_id("a/b").unwrap_err().contains("path separator"));
        assert!(check_id("Index").is_err());
        assert!(check_id("B-1.v2_x").is_ok());
        assert!(check_id(&"a".repeat(65)).is_err());
    }

    #[test]
    fn ids_that_windows_cannot_store() {
        for id in ["CON", "nul", "Aux.md", "prn.x.y", "COM1", "lpt9.txt", "a.", "a.b."] {
            assert!(check_id(id).is_err(), "{id}");
        }
        for id in ["CONSOLE", "con-1", "COM10", "COM0", "LPT", "nul_2", "a.b", "x.con"] {
            assert!(check_id(id).is_ok(), "{id}");
        }
    }
}
