//! A property of the trust boundary: for random plans (records of every kind, confidential in
//! one revision or both, referencing each other) and a random external audience, no output
//! of any command made for that audience holds a byte of a confidential record: its id, its
//! title or any of its text fields. Every output is the real binary's: the audience's site,
//! its weekly report in every format, and `send --dry-run`.
//!
//! Each case builds a two-revision git repository and runs about ten commands, so CI runs a
//! few cases; more: `PROPTEST_CASES=200 cargo test --release --test redaction_props`.

mod common;

use std::path::Path;

use common::Project;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;

/// The kinds a record may have, with their folder.
const KINDS: &[&str] = &["blockers", "gates", "actions", "decisions", "risks", "milestones", "metrics"];

/// One generated record: its kind, whether it is confidential in week 1 and in week 2, a
/// number steering its status, and the earlier records it references (by index).
#[derive(Debug, Clone)]
struct Spec {
    kind: usize,
    confidential: [bool; 2],
    state: u8,
    refs: Vec<usize>,
}

/// Every text field of record `i` carries its token (`qz07`), so finding the token finds
/// any field; its id (`rec-07`) is checked on its own.
fn token(i: usize) -> String {
    format!("qz{i:02}")
}

fn id(i: usize) -> String {
    format!("rec-{i:02}")
}

/// The record file of `specs[i]` in `week` (0 or 1): week 2 moves every status on, so the
/// reports have changes to tell.
fn record(specs: &[Spec], i: usize, week: usize) -> (String, String) {
    let spec = &specs[i];
    let t = token(i);
    let pick = |options: &[&str]| options[(spec.state as usize + week) % options.len()].to_string();
    let refs_of = |kind: Option<usize>| {
        let ids: Vec<String> = spec
            .refs
            .iter()
            .filter(|&&j| j < i && kind.is_none_or(|k| specs[j].kind == k))
            .map(|&j| format!("\"{}\"", id(j)))
            .collect();
        ids.join(", ")
    };
    let fields = match KINDS[spec.kind] {
        "blockers" => format!(
            "severity = \"{}\"\nstatus = \"{}\"\nimpact = \"Impact {t}\"\nblocks = [{}]",
            pick(&["critical", "high", "medium"]),
            pick(&["open", "in-progress", "resolved"]),
            refs_of(Some(1))
        ),
        "gates" => format!(
            "group = \"Release\"\nstatus = \"{}\"\ndepends_on = [{}]",
            pick(&["pending", "passed", "failed"]),
            refs_of(None)
        ),
        "actions" => format!(
            "status = \"{}\"\ndue = 2025-08-2{}\nrelates_to = [{}]",
            pick(&["todo", "blocked", "in-progress"]),
            spec.state % 9,
            refs_of(None)
        ),
        "decisions" => format!(
            "decision = \"Decision {t}\"\nstatus = \"{}\"\ndate = 2025-08-1{}\nsupersedes = [{}]",
            pick(&["proposed", "accepted"]),
            8 + week,
            refs_of(Some(3))
        ),
        "risks" => format!(
            "likelihood = {}\nimpact = {}\nmitigations = [\"Mitigation {t}\"]\ntrigger = \"Trigger {t}\"",
            1 + (spec.state as usize + week) % 5,
            5 - spec.state as usize % 3
        ),
        "milestones" => format!("end = 2025-08-{}\nstatus = \"{}\"", 20 + week * 7, pick(&["planned", "missed"])),
        _ => format!("unit = \"ms\"\ntarget = \"< 5\"\nvalue = {}", spec.state as usize % 9 + week),
    };
    let text = format!(
        "+++\ntitle = \"Title {t}\"\nowner = \"Owner {t}\"\nconfidential = {}\n{fields}\n+++\nBody {t}.\n",
        spec.confidential[week]
    );
    (format!("content/{}/{}.md", KINDS[spec.kind], id(i)), text)
}

fn spec() -> impl Strategy<Value = Spec> {
    (0..KINDS.len(), any::<[bool; 2]>(), any::<u8>(), prop::collection::vec(0..12usize, 0..3))
        .prop_map(|(kind, confidential, state, refs)| Spec { kind, confidential, state, refs })
}

/// The plan of `specs` with a team and an external audience (`detail` full or summary), in
/// two weekly revisions.
fn project(specs: &[Spec], summary: bool) -> Project {
    let detail = if summary { "summary" } else { "full" };
    let project = Project::new(&[
        (
            "statuspress.toml",
            "[site]\nbase_url = \"https://status.example.com/\"\n\n[email]\nfrom = \"QA <qa@example.com>\"\n\n[email.smtp]\nhost = \"localhost\"\nport = 2525\nsecurity = \"none\"\n",
        ),
        ("content/plan.md", "+++\ntitle = \"Plan\"\nstart = 2025-08-04\n+++\nSummary.\n"),
        ("content/audiences/team.md", "+++\ntitle = \"Team\"\nrecipients = [\"team@example.com\"]\n+++\n"),
        (
            "content/audiences/outside.md",
            &format!(
                "+++\ntitle = \"Outside\"\nrecipients = [\"out@example.com\"]\nexternal = true\ndetail = \"{detail}\"\n+++\n"
            ),
        ),
    ]);
    project.git_init();
    for (week, (tag, date)) in [("w1", "2025-08-12"), ("w2", "2025-08-19")].into_iter().enumerate() {
        for i in 0..specs.len() {
            let (path, text) = record(specs, i, week);
            project.write(&path, &text);
        }
        project.revision(tag, date, "Zoe", tag);
    }
    project
}

/// Text as a reader gets it: quoted-printable soft line breaks joined, so a token cut at
/// the end of an email line is still found.
fn readable(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("=\r\n", "").replace("=\n", "")
}

/// Each needle found in the outputs (files under `site`, and named command outputs).
fn leaks(site: &Path, outputs: &[(String, String)], needles: &[String]) -> Vec<String> {
    let files = common::snapshot(site).into_iter().map(|(path, bytes)| (path.display().to_string(), readable(&bytes)));
    let all = files.chain(outputs.iter().map(|(name, text)| (name.clone(), readable(text.as_bytes()))));
    let mut hits = Vec::new();
    for (name, text) in all {
        hits.extend(needles.iter().filter(|n| text.contains(n.as_str())).map(|n| format!("{name} holds {n:?}")));
    }
    hits
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(6),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_output_for_an_external_audience_holds_a_confidential_record(
        specs in prop::collection::vec(spec(), 2..10),
        summary in any::<bool>(),
    ) {
        let project = project(&specs, summary);
        let as_of = ["--as-of", "2025-08-25"];
        project.run(&[&["build", "--audience", "outside"][..], &as_of[..]].concat()).assert_ok();
        let mut outputs = Vec::new();
        for week in ["2025-W33", "2025-W34"] {
            for format in ["markdown", "text", "html", "eml", "json"] {
                let args = [&["report", "--audience", "outside", "--week", week, "--format", format][..], &as_of[..]].concat();
                let run = project.run(&args);
                run.assert_ok();
                outputs.push((args.join(" "), run.stdout.clone()));
            }
            let args = [&["send", "--dry-run", "--audience", "outside", "--week", week][..], &as_of[..]].concat();
            let run = project.run(&args);
            run.assert_ok();
            outputs.push((args.join(" "), run.stderr.clone()));
        }
        let secret: Vec<usize> = (0..specs.len()).filter(|&i| specs[i].confidential.contains(&true)).collect();
        let needles: Vec<String> = secret.iter().flat_map(|&i| [token(i), id(i)]).chain(["team@example.com".into()]).collect();
        let found = leaks(&project.path().join("site-outside"), &outputs, &needles);
        prop_assert!(found.is_empty(), "outsiders see:\n{}", found.join("\n"));

        // The scan can see: the internal site holds every record's token.
        project.run(&[&["build"][..], &as_of[..]].concat()).assert_ok();
        let all: Vec<String> = (0..specs.len()).map(token).collect();
        let seen = leaks(&project.path().join("site"), &[], &all);
        for t in &all {
            prop_assert!(seen.iter().any(|hit| hit.ends_with(&format!("{t:?}"))), "the internal site lacks {t}");
        }
    }
}
