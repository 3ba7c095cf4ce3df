//! `statuspress schema` and the editor support `init` writes, checked with a real JSON Schema
//! validator (Python's jsonschema, in the venv of tests/smtp/setup.sh).

mod common;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Project, statuspress};
use serde_json::{Value, json};
use statuspress::model::Kind;

/// Validates each case and returns every message per label (nested `anyOf` reasons included).
const VALIDATE: &str = r#"
import json, sys
from jsonschema import Draft202012Validator as V
def messages(error):
    yield error.message
    for sub in error.context:
        yield from messages(sub)
validators, out = {}, {}
for case in json.load(sys.stdin):
    if case["schema"] not in validators:
        schema = json.load(open(case["schema"]))
        V.check_schema(schema)
        validators[case["schema"]] = V(schema, format_checker=V.FORMAT_CHECKER)
    errors = validators[case["schema"]].iter_errors(case["instance"])
    out[case["label"]] = [m for e in errors for m in messages(e)]
json.dump(out, sys.stdout)
"#;

struct Case {
    label: String,
    schema: PathBuf,
    instance: Value,
}

/// Runs the validator over `cases`: label → error messages (empty when valid).
fn validate(cases: &[Case]) -> BTreeMap<String, Vec<String>> {
    let python = common::smtp::toolkit().join("venv/bin/python");
    let mut child = Command::new(python)
        .args(["-c", VALIDATE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python");
    let manifest: Vec<Value> =
        cases.iter().map(|c| json!({ "label": c.label, "schema": c.schema, "instance": c.instance })).collect();
    child.stdin.take().expect("stdin").write_all(json!(manifest).to_string().as_bytes()).expect("write cases");
    let out = child.wait_with_output().expect("run python");
    assert!(out.status.success(), "validator failed:\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("validator output")
}

/// TOML as the JSON an editor validates: dates become `YYYY-MM-DD` strings.
fn to_json(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => json!(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Datetime(d) => json!(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        toml::Value::Table(table) => Value::Object(table.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

fn parse_toml(text: &str, label: &str) -> Value {
    to_json(&toml::Value::Table(text.parse::<toml::Table>().unwrap_or_else(|e| panic!("{label}: {e}"))))
}

/// A record file as JSON: a `.toml` file whole, a `.md` file's front matter.
fn record_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("read record");
    let label = path.display().to_string();
    if path.extension().is_some_and(|e| e == "md") {
        let rest = text.strip_prefix("+++\n").unwrap_or_else(|| panic!("{label}: no front matter"));
        let end = rest.find("\n+++").unwrap_or_else(|| panic!("{label}: front matter not closed"));
        parse_toml(&rest[..=end], &label)
    } else {
        parse_toml(&text, &label)
    }
}

/// The schema a file under `content/` is checked against: its kind folder's, or the plan's.
fn schema_for(schemas: &Path, content_path: &str) -> PathBuf {
    let kind = match content_path.split_once('/') {
        Some((folder, _)) => Kind::from_folder(folder).unwrap_or_else(|| panic!("no kind for {content_path}")),
        None => Kind::Plan,
    };
    schemas.join(format!("{}.schema.json", kind.name()))
}

/// A case for every record file under `content` (a project's `content/` folder).
fn record_cases(content: &Path, schemas: &Path, label: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    for entry in walkdir::WalkDir::new(content).sort_by_file_name() {
        let entry = entry.expect("walk");
        let path = entry.path();
        if !entry.file_type().is_file() || !path.extension().is_some_and(|e| e == "md" || e == "toml") {
            continue;
        }
        let relative = path.strip_prefix(content).expect("inside").to_string_lossy().replace('\\', "/");
        cases.push(Case {
            label: format!("{label}/{relative}"),
            schema: schema_for(schemas, &relative),
            instance: record_json(path),
        });
    }
    cases
}

fn write_schemas(dir: &Path) {
    let run = statuspress().args(["schema", "--output"]).arg(dir).output().expect("run statuspress");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
}

fn assert_all_valid(results: &BTreeMap<String, Vec<String>>) {
    let invalid: Vec<_> = results.iter().filter(|(_, errors)| !errors.is_empty()).collect();
    assert!(invalid.is_empty(), "records the schema rejects: {invalid:#?}");
}

/// Every record of the worked example, in every week of its history, and its configuration.
#[test]
fn every_example_record_matches_its_schema() {
    let schemas = tempfile::tempdir().expect("temp dir");
    write_schemas(schemas.path());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases = record_cases(&root.join("content"), schemas.path(), "content");
    let content_files = cases.len();
    for week in ["week-2", "week-3", "week-4", "week-5"] {
        cases.extend(record_cases(&root.join("history").join(week).join("content"), schemas.path(), week));
    }
    cases.push(Case {
        label: "statuspress.toml".into(),
        schema: schemas.path().join("statuspress.schema.json"),
        instance: parse_toml(&std::fs::read_to_string(root.join("statuspress.toml")).expect("read"), "config"),
    });
    assert!(content_files >= 20 && cases.len() > content_files + 20, "too few records found: {}", cases.len());
    let results = validate(&cases);
    assert_eq!(results.len(), cases.len());
    assert_all_valid(&results);
}

/// Wrong records are rejected, each for its own reason; the same records put right pass.
#[test]
fn wrong_records_are_rejected() {
    let schemas = tempfile::tempdir().expect("temp dir");
    write_schemas(schemas.path());
    let blocker = "title = \"DB down\"\nseverity = \"critical\"\nstatus = \"open\"\nopened = 2025-08-12\n";
    let cases = [
        ("right blocker", "blocker", blocker.to_string(), None),
        ("unknown field", "blocker", format!("{blocker}severty = \"high\"\n"), Some("'severty' was unexpected")),
        (
            "wrong enum value",
            "blocker",
            blocker.replace("\"critical\"", "\"urgent\""),
            Some("'urgent' is not one of ['critical', 'high', 'medium', 'low']"),
        ),
        ("not a date", "blocker", blocker.replace("2025-08-12", "\"next week\""), Some("'next week' is not a 'date'")),
        ("missing field", "blocker", blocker.replace("status = \"open\"\n", ""), Some("'status' is a required property")),
        (
            "wrong type",
            "risk",
            "title = \"Slip\"\nlikelihood = \"high\"\nimpact = 3\n".into(),
            Some("'high' is not of type 'integer'"),
        ),
        ("out of range", "risk", "title = \"Slip\"\nlikelihood = 7\nimpact = 3\n".into(), Some("7 is greater than the maximum of 5")),
        (
            "right records",
            "risk",
            "[[risk]]\nid = \"r-1\"\ntitle = \"Slip\"\nlikelihood = 2\nimpact = 3\n".into(),
            None,
        ),
        (
            "record without id",
            "risk",
            "[[risk]]\nid = \"r-1\"\ntitle = \"Slip\"\nlikelihood = 2\nimpact = 3\n\n[[risk]]\ntitle = \"Other\"\nlikelihood = 1\nimpact = 1\n".into(),
            Some("'id' is a required property"),
        ),
        (
            "other kind in the file",
            "risk",
            "[[gate]]\nid = \"g-1\"\ntitle = \"Gate\"\ngroup = \"Release\"\n".into(),
            Some("'gate' was unexpected"),
        ),
        (
            "criterion of a wrong form",
            "gate",
            "title = \"Gate\"\ngroup = \"Release\"\ncriteria = [{ text = \"x\" }]\n".into(),
            Some("'met' is a required property"),
        ),
        (
            "decisions, named like their field",
            "decision",
            "[[decision]]\nid = \"d-1\"\ntitle = \"Go\"\ndecision = \"Ship\"\n".into(),
            None,
        ),
        ("kind of another folder", "blocker", format!("{blocker}kind = \"risk\"\n"), Some("'blocker' was expected")),
        ("id with a slash", "blocker", format!("{blocker}id = \"a/b\"\n"), Some("does not match")),
        ("id too long", "blocker", format!("{blocker}id = \"{}\"\n", "x".repeat(65)), Some("does not match")),
        ("right id and kind", "blocker", format!("{blocker}id = \"B-1.x_2\"\nkind = \"blocker\"\n"), None),
        ("config typo", "config", "[site]\ntitel = \"x\"\n".into(), Some("'titel' was unexpected")),
        ("config range", "config", "[email.smtp]\nretries = 11\n".into(), Some("11 is greater than the maximum of 10")),
    ];
    let file = |kind: &str| {
        let name = if kind == "config" { "statuspress".to_string() } else { kind.to_string() };
        schemas.path().join(format!("{name}.schema.json"))
    };
    let results = validate(
        &cases
            .iter()
            .map(|(label, kind, text, _)| Case {
                label: (*label).into(),
                schema: file(kind),
                instance: parse_toml(text, label),
            })
            .collect::<Vec<_>>(),
    );
    for (label, _, text, expected) in &cases {
        let errors = &results[*label];
        match expected {
            None => assert!(errors.is_empty(), "{label} should pass:\n{text}\n{errors:#?}"),
            Some(reason) => {
                assert!(errors.iter().any(|m| m.contains(reason)), "{label}: no {reason:?} in {errors:#?}")
            }
        }
    }
}

/// `init` maps each record folder and statuspress.toml to a schema that exists, and the
/// records it writes pass those schemas.
#[test]
fn init_maps_every_folder_to_an_existing_schema() {
    let project = Project::new(&[]);
    let dir = project.path().join("my-plan");
    statuspress().arg("init").arg(&dir).output().expect("run init");
    let taplo: toml::Table =
        std::fs::read_to_string(dir.join(".taplo.toml")).expect(".taplo.toml").parse().expect("toml");
    let mut rules = BTreeMap::new();
    for rule in taplo["rule"].as_array().expect("[[rule]]") {
        let path = rule["schema"]["path"].as_str().expect("schema.path");
        for glob in rule["include"].as_array().expect("include") {
            rules.insert(glob.as_str().expect("glob").to_string(), dir.join(path));
        }
    }
    let mut expected: Vec<(String, String)> = Kind::ALL
        .iter()
        .filter(|k| **k != Kind::Plan)
        .map(|k| (format!("content/{}/**/*.toml", k.folder()), k.name().to_string()))
        .collect();
    expected.push(("content/plan.toml".into(), "plan".into()));
    expected.push(("statuspress.toml".into(), "statuspress.toml".into()));
    // The same for each plan of a portfolio.
    let plans: Vec<(String, String)> =
        expected.iter().map(|(glob, title)| (format!("plans/*/{glob}"), title.clone())).collect();
    expected.extend(plans);
    assert_eq!(rules.len(), expected.len(), "{rules:#?}");
    for (glob, title) in &expected {
        let schema = rules.get(glob).unwrap_or_else(|| panic!("no rule for {glob}: {rules:#?}"));
        let text = std::fs::read_to_string(schema).unwrap_or_else(|e| panic!("{glob} → {}: {e}", schema.display()));
        let schema: Value = serde_json::from_str(&text).expect("json");
        assert!(schema["title"].as_str().is_some_and(|t| t.contains(title.as_str())), "{glob}: {}", schema["title"]);
    }
    let schemas = dir.join(".statuspress/schema");
    let mut cases = record_cases(&dir.join("content"), &schemas, "init");
    cases.push(Case {
        label: "statuspress.toml".into(),
        schema: schemas.join("statuspress.schema.json"),
        instance: parse_toml(&std::fs::read_to_string(dir.join("statuspress.toml")).expect("read"), "config"),
    });
    assert!(cases.len() >= 8, "{}", cases.len());
    assert_all_valid(&validate(&cases));
}

#[test]
fn schema_prints_one_kind_or_all_and_writes_files() {
    let run = |args: &[&str]| {
        let out = statuspress().arg("schema").args(args).output().expect("run statuspress");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let all: Value = serde_json::from_str(&run(&[])).expect("json");
    let names: Vec<&str> = all.as_object().expect("object").keys().map(String::as_str).collect();
    assert_eq!(names.len(), Kind::ALL.len() + 1, "{names:?}");
    assert!(names.contains(&"config") && names.contains(&"milestone"), "{names:?}");
    let blocker = run(&["--kind", "blocker"]);
    assert_eq!(blocker, run(&["--kind", "blocker"]), "output is deterministic");
    let blocker: Value = serde_json::from_str(&blocker).expect("json");
    assert_eq!(blocker["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(blocker, all["blocker"]);

    let out = tempfile::tempdir().expect("temp dir");
    run(&["--kind", "gate", "--output", out.path().to_str().expect("utf-8 path")]);
    let written: Vec<String> = std::fs::read_dir(out.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, ["gate.schema.json"]);
    run(&["--output", out.path().to_str().expect("utf-8 path")]);
    assert_eq!(std::fs::read_dir(out.path()).expect("read dir").count(), Kind::ALL.len() + 1);
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("statuspress.schema.json")).expect("read"))
            .expect("json");
    assert_eq!(config, all["config"]);

    let bad = statuspress().args(["schema", "--kind", "blockers"]).output().expect("run statuspress");
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("possible values"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}
