//! Fuzzing on stable Rust: property tests over arbitrary bytes and mutated example records.
//!
//! They check that input never panics the parsers, that every problem is located, and that
//! the diff is consistent: `diff(A, A)` is empty and `diff(B, A)` mirrors `diff(A, B)`.
//! CI runs 500 cases per parser property and 150 project diffs (about 15 s in debug); longer:
//! `PROPTEST_CASES=100000 cargo test --release --test fuzz`.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use serde_json::Value;
use statuspress::config::Config;
use statuspress::derive::{self, Status};
use statuspress::diagnostics::{Diagnostic, terminal_safe};
use statuspress::diff::{self, Diff};
use statuspress::load::{self, RawFile};
use statuspress::values::{Change, Week, Zone};
use statuspress::values::{Date, Target};

/// `cases` unless `PROPTEST_CASES` asks for more (or fewer). Failures are not written to
/// files: each one found becomes a named regression test below.
fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig { failure_persistence: None, ..ProptestConfig::default() };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    config
}

/// The worked example's record files (`content/`), as (path under `content/`, text).
fn corpus() -> &'static [(String, String)] {
    static CORPUS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        load::read_content_dir(root)
            .expect("the example content")
            .into_iter()
            .map(|f| (f.content_path, String::from_utf8(f.bytes).expect("UTF-8 example")))
            .collect()
    })
}

fn example_config() -> &'static Config {
    static CONFIG: std::sync::OnceLock<Config> = std::sync::OnceLock::new();
    CONFIG.get_or_init(|| Config::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("the example config"))
}

fn as_of() -> Date {
    Date::parse("2025-08-20").expect("date")
}

/// Text that tends to break parsers: fences, quotes, brackets, escapes, odd numbers and dates.
const TOKENS: &[&str] = &[
    "+++",
    "\n+++\n",
    "\"",
    "\"\"\"",
    "'",
    "[",
    "]",
    "[[",
    "{",
    "}",
    "=",
    "\n",
    "\r\n",
    "\\",
    "\\u0000",
    "\\e",
    "\u{0}",
    "\u{1b}[2J",
    "\u{202e}",
    "\u{feff}",
    "é",
    "🦀",
    "#",
    ",",
    "1e400",
    "-0",
    "nan",
    "-inf",
    "\u{200f}",
    "9223372036854775808",
    "2026-02-30",
    "2025-13-01",
    "2025-08-12T10:00:00",
    "..",
    ">=",
    "kind = \"gate\"",
    "id = \"CON\"",
    "id = \"a.\"",
    "title = \"\"",
    "status = \"resolved\"",
    "blocks = [\"B-1\"]",
    "depends_on = [\"G-1\"]",
];

/// One edit to a record's text.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the byte at this (relative) position.
    Byte(prop::sample::Index, u8),
    Insert(prop::sample::Index, &'static str),
    Delete(prop::sample::Index, prop::sample::Index),
    DuplicateLine(prop::sample::Index),
    DeleteLine(prop::sample::Index),
    SwapLines(prop::sample::Index, prop::sample::Index),
    /// Give a `key = value` line the value the same key has somewhere else in the corpus:
    /// mostly valid records that differ, which is what the diff properties need.
    BorrowValue(prop::sample::Index, prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Byte(i, b)),
        (any::<prop::sample::Index>(), prop::sample::select(TOKENS)).prop_map(|(i, t)| Mutation::Insert(i, t)),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>()).prop_map(|(i, j)| Mutation::Delete(i, j)),
        any::<prop::sample::Index>().prop_map(Mutation::DuplicateLine),
        any::<prop::sample::Index>().prop_map(Mutation::DeleteLine),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>()).prop_map(|(i, j)| Mutation::SwapLines(i, j)),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>()).prop_map(|(i, j)| Mutation::BorrowValue(i, j)),
    ]
}

/// Applies `m` to `bytes` (which may stop being UTF-8: that is a case too).
fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let lines = |bytes: &[u8]| -> Vec<Vec<u8>> { bytes.split_inclusive(|b| *b == b'\n').map(<[u8]>::to_vec).collect() };
    match m {
        Mutation::Byte(i, b) if !bytes.is_empty() => {
            let at = i.index(bytes.len());
            bytes[at] = *b;
        }
        Mutation::Insert(i, text) => {
            let at = i.index(bytes.len() + 1);
            bytes.splice(at..at, text.bytes());
        }
        Mutation::Delete(i, j) if !bytes.is_empty() => {
            let at = i.index(bytes.len());
            let len = j.index(16.min(bytes.len() - at) + 1);
            bytes.drain(at..at + len);
        }
        Mutation::DuplicateLine(i) | Mutation::DeleteLine(i) => {
            let mut all = lines(bytes);
            if all.is_empty() {
                return;
            }
            let at = i.index(all.len());
            if matches!(m, Mutation::DuplicateLine(_)) {
                all.insert(at, all[at].clone());
            } else {
                all.remove(at);
            }
            *bytes = all.concat();
        }
        Mutation::SwapLines(i, j) => {
            let mut all = lines(bytes);
            if all.is_empty() {
                return;
            }
            let (a, b) = (i.index(all.len()), j.index(all.len()));
            all.swap(a, b);
            *bytes = all.concat();
        }
        Mutation::BorrowValue(i, j) => {
            let mut all = lines(bytes);
            let keyed: Vec<usize> = (0..all.len()).filter(|n| key_of(&all[*n]).is_some()).collect();
            if keyed.is_empty() {
                return;
            }
            let line = keyed[i.index(keyed.len())];
            let key = key_of(&all[line]).expect("keyed").to_string();
            let donors: Vec<&str> = corpus()
                .iter()
                .flat_map(|(_, text)| text.lines())
                .filter(|l| key_of(l.as_bytes()) == Some(key.as_str()))
                .collect();
            if donors.is_empty() {
                return;
            }
            all[line] = format!("{}\n", donors[j.index(donors.len())]).into_bytes();
            *bytes = all.concat();
        }
        _ => {}
    }
}

/// The key of a `key = value` line.
fn key_of(line: &[u8]) -> Option<&str> {
    let line = std::str::from_utf8(line).ok()?;
    let (key, _) = line.split_once(" = ")?;
    (!key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).then_some(key)
}

/// A corpus file with some mutations applied: (path under `content/`, bytes).
fn mutated_file() -> impl Strategy<Value = (String, Vec<u8>)> {
    mutated_with(mutation())
}

/// A corpus file whose fields take values found elsewhere: mostly a valid, changed record.
fn revised_file() -> impl Strategy<Value = (String, Vec<u8>)> {
    mutated_with(
        (any::<prop::sample::Index>(), any::<prop::sample::Index>()).prop_map(|(i, j)| Mutation::BorrowValue(i, j)),
    )
}

fn mutated_with(mutation: impl Strategy<Value = Mutation>) -> impl Strategy<Value = (String, Vec<u8>)> {
    (any::<prop::sample::Index>(), prop::collection::vec(mutation, 1..6)).prop_map(|(file, mutations)| {
        let (path, text) = &corpus()[file.index(corpus().len())];
        let mut bytes = text.clone().into_bytes();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        (path.clone(), bytes)
    })
}

/// Where a record file may live: every kind folder, the root, and multi-record files.
fn record_path() -> impl Strategy<Value = String> {
    prop::sample::select(
        &[
            "plan.md",
            "plan.toml",
            "blockers/b-1.md",
            "gates/all.toml",
            "risks.toml",
            "metrics/m.md",
            "audiences/team.md",
            "odd/x.md",
            "x.toml",
        ][..],
    )
    .prop_map(str::to_string)
}

/// Every diagnostic of one file must point into it, render, and say something.
fn check_file_diagnostics(path: &str, diagnostics: &[Diagnostic]) -> Result<(), TestCaseError> {
    for d in diagnostics {
        let location = d.location.as_ref();
        prop_assert!(location.is_some(), "unlocated diagnostic for {}: {:?}", path, d);
        let location = location.expect("checked");
        prop_assert_eq!(&location.path, &format!("content/{path}"));
        prop_assert!(location.line >= 1 && location.col >= 1 && location.width >= 1, "{:?}", location);
        prop_assert!(!d.message.is_empty());
        let rendered = d.render(false);
        prop_assert!(!rendered.contains('\u{1b}'), "raw ESC in {:?}", rendered);
    }
    Ok(())
}

fn parse_one(path: &str, bytes: Vec<u8>) -> load::ParsedFile {
    load::parse_raw(RawFile { content_path: path.to_string(), bytes })
}

proptest! {
    #![proptest_config(config(500))]

    #[test]
    fn arbitrary_bytes_never_panic_and_every_problem_is_located(
        path in record_path(),
        bytes in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        let parsed = parse_one(&path, bytes);
        check_file_diagnostics(&path, &parsed.diagnostics)?;
    }

    #[test]
    fn arbitrary_text_after_a_fence_never_panics(path in record_path(), text in "\\PC{0,200}") {
        let parsed = parse_one(&path, format!("+++\n{text}\n+++\n{text}").into_bytes());
        check_file_diagnostics(&path, &parsed.diagnostics)?;
    }

    #[test]
    fn mutated_records_never_panic_and_every_problem_is_located((path, bytes) in mutated_file()) {
        let parsed = parse_one(&path, bytes);
        check_file_diagnostics(&path, &parsed.diagnostics)?;
        for record in &parsed.records {
            prop_assert!(statuspress::parse::check_id(&record.id).is_ok(), "accepted id {:?}", record.id);
            let unsafe_char = |c: char| c.is_control() || statuspress::diagnostics::is_bidi_control(c);
            prop_assert!(!record.title().chars().any(unsafe_char), "control or bidi character in {:?}", record.title());
            if let statuspress::model::KindData::Metric(metric) = &record.data {
                prop_assert!(metric.value.is_none_or(f64::is_finite), "accepted value {:?}", metric.value);
            }
        }
    }

    #[test]
    fn dates_parse_without_panic_and_round_trip(text in "\\PC{0,12}|[0-9+-]{4}-[0-9+-]{2}-[0-9+-]{2}") {
        if let Ok(date) = Date::parse(&text) {
            prop_assert_eq!(Date::parse(&date.to_string()), Ok(date));
        }
    }

    #[test]
    fn weeks_and_zones_parse_without_panic(
        week in "\\PC{0,12}|-?[0-9]{1,11}-[wW][0-9+-]{1,11}",
        zone in "\\PC{0,8}|[+-]-?[0-9]{1,11}(:-?[0-9]{1,11})?",
    ) {
        if let Ok(parsed) = Week::parse(&week) {
            prop_assert_eq!(Week::parse(&parsed.to_string()), Ok(parsed));
            prop_assert!(parsed.monday() <= parsed.sunday());
        }
        if let Ok(parsed) = Zone::parse(&zone) {
            prop_assert!(parsed.offset_seconds.abs() <= 14 * 3600 + 59 * 60, "{}", parsed.offset_seconds);
        }
    }

    #[test]
    fn targets_parse_without_panic(text in "\\PC{0,16}|[<>=]{0,2} ?-?[0-9.e%]{0,8}(\\.\\.-?[0-9.e%]{0,8})?", v in any::<f64>()) {
        if let Ok(target) = Target::parse(&text) {
            let _ = target.to_string();
            let gap = target.gap(v);
            prop_assert!(gap >= 0.0 || gap.is_nan());
            if target.is_met(v) && v.is_finite() {
                prop_assert!(gap < 1e-6, "{} met by {} but {} away", target, v, gap);
            }
        }
    }
}

#[test]
fn zone_with_a_huge_negative_hour_count() {
    // Found by `weeks_and_zones_parse_without_panic`: `-2000000:00` hours overflowed (a panic
    // in debug builds, a wrong offset in release) instead of being rejected.
    for text in ["+-2000000:00", "--1:00", "+1:-30", "+00:-2147483648"] {
        assert!(Zone::parse(text).is_err(), "{text}");
    }
}

#[test]
fn an_id_that_changes_kind_diffs_as_a_mirror() {
    // Found by `diff_of_a_revision_with_itself_is_empty_and_diffs_mirror`: risk R-1 gone and
    // a metric given the id R-1. Each diff shows the item under its newer kind, so the two
    // diffs list it in different places; they still say the reverse of each other.
    let (path, text) = corpus().iter().find(|(p, _)| p == "metrics/infrastructure.toml").expect("example metric");
    let metric = text.replacen("id = \"test-execution-capability\"", "id = \"R-1\"", 1);
    let b = project(&[("risks/risks.toml".into(), None), (path.clone(), Some(metric.into_bytes()))]);
    let (a, b) = (status_of(project(&[])).ok().flatten(), status_of(b).ok().flatten());
    let (Some(a), Some(b)) = (a, b) else { panic!("both revisions must derive") };
    let (forward, backward) = (diff::diff(&a, "a", &b, "b"), diff::diff(&b, "b", &a, "a"));
    let changed = forward.items.iter().find(|i| i.id == "R-1").expect("R-1 in the diff");
    assert_eq!((changed.change, changed.kind.name()), (Change::Changed, "metric"));
    assert_mirrored(&a, &b, &forward, &backward).expect("mirrored");
}

/// The example project with `edits` applied: some files mutated, replaced or removed.
fn project(edits: &[(String, Option<Vec<u8>>)]) -> Vec<RawFile> {
    let mut files: Vec<RawFile> = corpus()
        .iter()
        .map(|(path, text)| RawFile { content_path: path.clone(), bytes: text.clone().into_bytes() })
        .collect();
    for (path, bytes) in edits {
        files.retain(|f| &f.content_path != path);
        if let Some(bytes) = bytes {
            files.push(RawFile { content_path: path.clone(), bytes: bytes.clone() });
        }
    }
    files
}

/// Loads and derives a project; problems must all be located (or name their file).
fn status_of(files: Vec<RawFile>) -> Result<Option<Status>, TestCaseError> {
    let loaded = load::load_records(files, example_config());
    for d in &loaded.diagnostics {
        prop_assert!(d.position().is_some(), "unlocated: {:?}", d);
    }
    if loaded.diagnostics.iter().any(Diagnostic::is_error) {
        return Ok(None);
    }
    Ok(derive::derive(&loaded.records, example_config(), as_of(), None, None))
}

/// An edit of the example project: a mutated file, a removed file, or a copy under a new name.
fn edit() -> impl Strategy<Value = (String, Option<Vec<u8>>)> {
    prop_oneof![
        4 => revised_file().prop_map(|(path, bytes)| (path, Some(bytes))),
        1 => mutated_file().prop_map(|(path, bytes)| (path, Some(bytes))),
        1 => any::<prop::sample::Index>()
            .prop_map(|i| (corpus()[i.index(corpus().len())].0.clone(), None)),
        1 => (any::<prop::sample::Index>(), "[a-z]{1,3}-[0-9]{1,2}").prop_map(|(i, id)| {
            let (path, text) = &corpus()[i.index(corpus().len())];
            let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder);
            let ext = path.rsplit_once('.').map_or("md", |(_, ext)| ext);
            (format!("{folder}/{id}.{ext}"), Some(text.clone().into_bytes()))
        }),
    ]
}

/// The kind of the item `id` in `status`.
fn kind_in(status: &Status, id: &str) -> Option<statuspress::model::Kind> {
    std::iter::once(&status.plan).chain(status.items.values().flatten()).find(|i| i.id() == id).map(|i| i.kind())
}

/// `diff(B, A)` must say the reverse of `diff(A, B)`, item by item (matched by id).
fn assert_mirrored(old: &Status, new: &Status, forward: &Diff, backward: &Diff) -> Result<(), TestCaseError> {
    let swap = |t: &Option<diff::Transition>| t.as_ref().map(|t| (t.to.clone(), t.from.clone()));
    let pair = |t: &Option<diff::Transition>| t.as_ref().map(|t| (t.from.clone(), t.to.clone()));
    prop_assert_eq!(swap(&forward.readiness), pair(&backward.readiness));
    prop_assert_eq!(swap(&forward.health), pair(&backward.health));
    let by_id = |d: &Diff| d.items.iter().map(|i| (i.id.clone(), i.clone())).collect::<BTreeMap<_, _>>();
    let (forward_items, backward_items) = (by_id(forward), by_id(backward));
    prop_assert_eq!(forward_items.keys().collect::<Vec<_>>(), backward_items.keys().collect::<Vec<_>>());
    for (f, b) in forward_items.values().zip(backward_items.values()) {
        // A changed item is shown as it is in the newer revision; an id can change kind.
        if f.change == Change::Changed {
            prop_assert_eq!((Some(f.kind), Some(b.kind)), (kind_in(new, &f.id), kind_in(old, &f.id)));
        } else {
            prop_assert_eq!(f.kind, b.kind);
        }
        let reversed = match f.change {
            Change::Added => Change::Removed,
            Change::Removed => Change::Added,
            other => other,
        };
        prop_assert_eq!(reversed, b.change, "{}", f.id);
        prop_assert_eq!(swap(&f.status), pair(&b.status), "{}", f.id);
        prop_assert_eq!(f.body_edited, b.body_edited);
        // (field, from, to, days slipped), with `from` and `to` swapped for the reverse diff.
        let fields = |d: &diff::ItemChange, flip: bool| {
            let mut all: Vec<(String, Value, Value, Option<i64>)> = d
                .fields
                .iter()
                .map(|c| match flip {
                    true => (c.field.clone(), c.to.clone(), c.from.clone(), c.slip_days.map(|s| -s)),
                    false => (c.field.clone(), c.from.clone(), c.to.clone(), c.slip_days),
                })
                .collect();
            all.sort_by(|a, b| a.0.cmp(&b.0));
            all
        };
        prop_assert_eq!(fields(f, true), fields(b, false), "{}", f.id);
        if let (Some(fm), Some(bm)) = (&f.metric, &b.metric) {
            prop_assert_eq!((fm.from, fm.to), (bm.to, bm.from), "{}", f.id);
        }
        if let (Some(fr), Some(br)) = (&f.risk, &b.risk) {
            prop_assert_eq!((fr.from_score, fr.to_score), (br.to_score, br.from_score), "{}", f.id);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(150))]

    #[test]
    fn diff_of_a_revision_with_itself_is_empty_and_diffs_mirror(edits in prop::collection::vec(edit(), 1..4)) {
        let Some(a) = status_of(project(&[]))? else {
            return Err(TestCaseError::fail("the example project must derive"));
        };
        let Some(b) = status_of(project(&edits))? else {
            return Ok(()); // An invalid revision cannot be compared; parsing was checked above.
        };
        let same = diff::diff(&b, "b", &b, "b");
        prop_assert!(same.is_empty(), "diff(B, B) is not empty: {:?}", same.items);
        let (forward, backward) = (diff::diff(&a, "a", &b, "b"), diff::diff(&b, "b", &a, "a"));
        assert_mirrored(&a, &b, &forward, &backward)?;
        prop_assert_eq!(forward.is_empty(), backward.is_empty());
        for text in [diff::format::text(&forward, "", false), diff::format::markdown(&forward, "")] {
            prop_assert_eq!(terminal_safe(&text), text.as_str(), "a control character in the diff");
        }
    }
}
