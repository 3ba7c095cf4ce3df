//! `statuspress schema`: JSON Schemas (draft 2020-12) of the record files and of
//! `statuspress.toml`, generated from the structs that parse them, so that editors (taplo:
//! VS Code's Even Better TOML, Neovim) validate and complete what `check` would accept.
//!
//! The schemas cannot say everything `check` does (references between records, impossible
//! dates, metric target syntax): `check` stays the reference.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::config::{Config, FILE_NAME};
use crate::diagnostics::Diagnostic;
use crate::model::{Common, Kind};

/// The ids `parse::check_id` accepts, but for the reserved `index`.
const ID_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";

/// Where `init` writes the schemas, relative to the project root; `.taplo.toml` points here.
pub const DIR: &str = ".statuspress/schema";

/// A file type a schema describes: the records of one kind, or `statuspress.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    Records(Kind),
    Config,
}

impl Document {
    /// Every kind in `Kind::ALL` order, then the configuration.
    pub fn all() -> Vec<Document> {
        Kind::ALL.iter().map(|k| Document::Records(*k)).chain([Document::Config]).collect()
    }

    /// The names `--kind` accepts: the kind names and `config`.
    pub fn names() -> Vec<&'static str> {
        Document::all().into_iter().map(Document::name).collect()
    }

    pub fn from_name(name: &str) -> Option<Document> {
        if name == "config" { Some(Document::Config) } else { Kind::from_name(name).map(Document::Records) }
    }

    pub fn name(self) -> &'static str {
        match self {
            Document::Records(kind) => kind.name(),
            Document::Config => "config",
        }
    }

    /// The schema's file name: `<kind>.schema.json`, or `statuspress.schema.json`.
    pub fn file_name(self) -> String {
        match self {
            Document::Records(kind) => format!("{}.schema.json", kind.name()),
            Document::Config => "statuspress.schema.json".into(),
        }
    }

    /// The `.toml` files this schema is for, as globs relative to the project root: of a
    /// project of one plan, and of each plan of a portfolio (`plans/<plan-id>/`).
    pub fn globs(self) -> Vec<String> {
        let own = match self {
            Document::Records(Kind::Plan) => "content/plan.toml".to_string(),
            Document::Records(kind) => format!("content/{}/**/*.toml", kind.folder()),
            Document::Config => FILE_NAME.into(),
        };
        vec![own.clone(), format!("{}/*/{own}", crate::load::PLANS_DIR)]
    }

    pub fn schema(self) -> Value {
        match self {
            Document::Records(kind) => records_schema(kind),
            Document::Config => {
                let mut schema = root_schema::<Config>();
                schema.insert("title".into(), json!(FILE_NAME));
                schema.insert("description".into(), json!("statuspress configuration; every key is optional."));
                Value::Object(schema)
            }
        }
    }
}

/// `schema` pretty-printed with a final newline, as written to files and printed.
pub fn to_text(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Every schema as one JSON object keyed by `Document::name`, for `schema` without `--kind`.
pub fn bundle() -> Value {
    Value::Object(Document::all().into_iter().map(|d| (d.name().to_string(), d.schema())).collect())
}

/// Writes the schemas of `documents` into `dir` (created if needed); returns the paths written.
pub fn write(dir: &Path, documents: &[Document]) -> Result<Vec<PathBuf>, Diagnostic> {
    std::fs::create_dir_all(dir).map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", dir.display())))?;
    documents
        .iter()
        .map(|document| {
            let path = dir.join(document.file_name());
            std::fs::write(&path, to_text(&document.schema()))
                .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", path.display())))?;
            Ok(path)
        })
        .collect()
}

/// A `.taplo.toml` mapping each record folder and `statuspress.toml` to its schema in
/// [`DIR`]. Taplo resolves a relative schema path against the folder of `.taplo.toml`.
pub fn taplo_config() -> String {
    let mut text = String::from(
        "# Editor support (taplo: VS Code's Even Better TOML, Neovim's taplo LSP): each file is checked\n\
         # against its JSON Schema. Refresh the schemas after upgrading statuspress:\n\
         #   statuspress schema --output .statuspress/schema\n\
         # Markdown front matter is not checked by editors: `statuspress check` is the reference.\n",
    );
    for document in Document::all() {
        let globs: Vec<String> = document.globs().iter().map(|g| format!("\"{g}\"")).collect();
        text.push_str(&format!(
            "\n[[rule]]\ninclude = [{}]\n\n[rule.schema]\npath = \"./{DIR}/{}\"\n",
            globs.join(", "),
            document.file_name()
        ));
    }
    text
}

/// The schema of a record file of `kind`: one record (top-level fields; also the front matter
/// of a `.md` record), or many as `[[kind]]` tables that each carry an `id`.
fn records_schema(kind: Kind) -> Value {
    let mut record = to_map(kind.schema(SchemaSettings::draft2020_12().into_generator()));
    // The parser splits the common fields off before the kind's own struct sees the rest,
    // so a record is the union of both property lists (with no other keys allowed).
    let common = root_schema::<Common>();
    for key in ["properties", "$defs"] {
        if let Some(Value::Object(extra)) = common.get(key) {
            let entry = record.entry(key).or_insert_with(|| json!({}));
            if let Value::Object(target) = entry {
                target.extend(extra.clone());
            }
        }
    }
    // What `check` adds to the plain types: a kind file's records are of that kind, and ids
    // use the alphabet of `parse::check_id` (which also reserves `index`).
    if let Some(Value::Object(properties)) = record.get_mut("properties") {
        properties.insert(
            "kind".into(),
            json!({ "const": kind.name(), "description": "The record kind; only needed outside a kind folder." }),
        );
        if let Some(Value::Object(id)) = properties.get_mut("id") {
            id.insert("pattern".into(), json!(ID_PATTERN));
        }
    }
    record.remove("$schema");
    let mut defs = match record.remove("$defs") {
        Some(Value::Object(defs)) => defs,
        _ => Map::new(),
    };
    defs.insert("record".into(), Value::Object(record));
    let name = kind.name();
    let many = json!({
        "type": "array",
        "minItems": 1,
        "items": { "allOf": [{ "$ref": "#/$defs/record" }, { "required": ["id"] }] }
    });
    // Every key a file may start with, with its description, for editors that complete from
    // `properties` alone. Only descriptions: `then`/`else` check the values, and checking
    // them here too would report every wrong value twice.
    let mut keys: Map<String, Value> = match defs.get("record").and_then(|r| r.get("properties")) {
        Some(Value::Object(properties)) => properties
            .iter()
            .map(|(key, p)| (key.clone(), p.get("description").map_or(json!({}), |d| json!({ "description": d }))))
            .collect(),
        _ => Map::new(),
    };
    keys.insert(name.into(), json!({ "description": format!("Many records, as [[{name}]] tables.") }));
    defs.insert("many".into(), many);
    // `if`/`then`/`else` rather than `anyOf`, so that a validator reports what is wrong in the
    // form the file uses instead of "matches none of the forms".
    json!({
        "$schema": schemars::consts::meta_schemas::DRAFT2020_12,
        "title": format!("statuspress {name} record"),
        "description": format!(
            "One {name}: top-level fields (or the front matter of a .md record), or many as [[{name}]] tables, each with an id."
        ),
        "type": "object",
        "properties": keys,
        // As the parser decides: an array of tables under the kind's name (a decision's own
        // `decision` field is a string).
        "if": {
            "properties": { name: { "type": "array", "items": { "type": "object" } } },
            "required": [name]
        },
        "then": {
            "properties": { name: { "$ref": "#/$defs/many" } },
            "required": [name],
            "additionalProperties": false
        },
        "else": { "$ref": "#/$defs/record" },
        "$defs": defs
    })
}

fn root_schema<T: JsonSchema>() -> Map<String, Value> {
    to_map(SchemaSettings::draft2020_12().into_generator().into_root_schema_for::<T>())
}

/// A schema as a JSON object, without `null` defaults.
fn to_map(schema: schemars::Schema) -> Map<String, Value> {
    let mut schema = schema.to_value();
    drop_nulls_in_defaults(&mut schema, false);
    match schema {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Removes `null` from `default` values: TOML has no null, and an editor that completes a
/// default must not insert one.
fn drop_nulls_in_defaults(value: &mut Value, in_default: bool) {
    match value {
        Value::Object(map) => {
            map.retain(|key, v| !(v.is_null() && (in_default || key == "default")));
            for (key, v) in map.iter_mut() {
                drop_nulls_in_defaults(v, in_default || key == "default");
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| drop_nulls_in_defaults(v, in_default)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema's required fields are the ones `check` requires (`Kind::required`).
    #[test]
    fn required_fields_match_the_parser() {
        for kind in Kind::ALL {
            let schema = Document::Records(*kind).schema();
            let mut required: Vec<&str> = schema["$defs"]["record"]["required"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut expected = kind.required().to_vec();
            required.sort_unstable();
            expected.sort_unstable();
            assert_eq!(required, expected, "{kind:?}");
        }
    }

    /// Every field the parser knows is in the schema, common fields included, and no other.
    #[test]
    fn properties_are_the_parser_fields() {
        for kind in Kind::ALL {
            let schema = Document::Records(*kind).schema();
            let record = &schema["$defs"]["record"];
            assert_eq!(record["additionalProperties"], json!(false), "{kind:?}");
            let mut properties: Vec<&str> =
                record["properties"].as_object().map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
            let fields = kind.fields().iter().filter(|f| !crate::model::records::RETIRED_FIELDS.contains(f));
            let mut expected: Vec<&str> = fields.chain(Common::FIELDS).copied().collect();
            properties.sort_unstable();
            expected.sort_unstable();
            assert_eq!(properties, expected, "{kind:?}");
        }
    }

    #[test]
    fn enums_and_descriptions_come_from_the_structs() {
        let text = to_text(&Document::Records(Kind::Blocker).schema());
        for expected in ["\"critical\"", "\"wont-fix\"", "Ids of the gates it blocks.", "\"format\": \"date\""] {
            assert!(text.contains(expected), "{expected} missing from {text}");
        }
        let config = to_text(&Document::Config.schema());
        assert!(config.contains("\"additionalProperties\": false") && config.contains("\"retries\""), "{config}");
    }
}
