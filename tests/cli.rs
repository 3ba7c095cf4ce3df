//! The command line at the trust boundary: exit codes (README, "Commands") and terminal safety
//! (README, "Safety": control characters never reach a terminal).

mod common;

use common::{Project, statuspress};

/// Characters a terminal acts on: ESC (CSI, OSC), BEL, C1 CSI, and a bidi override.
const RAW: &[char] = &['\x1b', '\x07', '\u{9b}', '\u{202e}'];

#[track_caller]
fn assert_no_raw_controls(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|c| RAW.contains(c)) {
        panic!("{what} carries a raw {c:?}:\n{text:?}");
    }
}

#[test]
fn file_names_with_escapes_are_shown_escaped_in_diagnostics() {
    let project = Project::base_with(&[(
        "content/blockers/\x1b[2J\x1b]0;pwned\x07B\u{202e}-2.md",
        "+++\ntitle = \"x\"\nseverity = \"high\"\nstatus = \"open\"\n+++\n",
    )]);
    let run = project.run(&["check"]);
    run.assert_fails();
    assert_no_raw_controls("stderr", &run.stderr);
    run.assert_stderr("\\u{1b}[2J\\u{1b}]0;pwned\\u{7}B\\u{202e}-2.md");
}

#[test]
fn source_lines_with_escapes_are_shown_escaped_with_the_caret_in_place() {
    // A raw ESC in a TOML string is a syntax error; the line is echoed under the message.
    let project =
        Project::base_with(&[("content/risks/r-2.md", "+++\ntitle = \"\x1b[8mhidden\" x\nlikelihood = 3\n+++\n")]);
    let run = project.run(&["check"]);
    run.assert_fails();
    assert_no_raw_controls("stderr", &run.stderr);
    run.assert_stderr("2 | title = \"\\u{1b}[8mhidden\" x\n");
}

#[test]
fn diff_output_escapes_revision_names() {
    let project = Project::new(common::BASE);
    // A folder's path names its side; folder names come from anywhere (an unpacked archive).
    let outer = Project::new(&[]);
    let side = "y\x1b[31m\u{9b}1m";
    for (path, text) in common::BASE {
        outer.write(&format!("{side}/{path}"), text);
    }
    outer.write(&format!("{side}/content/risks/r-1.md"), "+++\ntitle = \"Risk\"\nlikelihood = 5\nimpact = 4\n+++\n");
    let b = outer.path().join(side);
    let (a, b) = (project.path().to_str().expect("utf-8 path"), b.to_str().expect("utf-8 path"));
    for format in ["text", "markdown", "html"] {
        let run = project.run(&["diff", a, b, "--format", format]);
        run.assert_ok();
        assert_no_raw_controls(&format!("diff --format {format}"), &run.stdout);
        // Markdown escapes the escapes too; it reads as the text output does once rendered.
        let shown = if format == "markdown" { "\\\\u{1b}\\[31m\\\\u{9b}1m" } else { "\\u{1b}[31m\\u{9b}1m" };
        assert!(run.stdout.contains(shown), "{}", run.stdout);
    }
}

#[test]
fn malformed_option_values_are_usage_errors() {
    let project = Project::new(common::BASE);
    for args in [
        &["check", "--as-of", "2025-13-01"][..],
        &["check", "--as-of", "yesterday"],
        &["build", "--as-of", "2025-02-30"],
        &["diff", "--as-of", "soon"],
        &["report", "--week", "2025-W99"],
        &["report", "--week", "next"],
        &["send", "--dry-run", "--week", "2025-33"],
        &["send", "--dry-run", "--as-of", "x"],
        &["notify", "--dry-run", "--as-of", "2025-02-30"],
    ] {
        let run = project.run(args);
        assert_eq!(run.code, 2, "{args:?} exited {}:\n{}", run.code, run.stderr);
        let option = args.iter().find(|a| a.starts_with("--") && **a != "--dry-run").expect("an option");
        assert!(run.stderr.contains(option), "{args:?} does not name {option}:\n{}", run.stderr);
        let value = args[args.iter().position(|a| a == option).expect("option") + 1];
        assert!(run.stderr.contains(value), "{args:?} does not quote the value:\n{}", run.stderr);
    }
}

#[test]
fn well_formed_option_values_are_accepted() {
    let project = Project::new(common::BASE);
    project.run(&["check", "--as-of", "2025-08-12"]).assert_ok();
    let run = project.run(&["report", "--week", "2025-W33", "--as-of", "2025-08-20"]);
    assert_ne!(run.code, 2, "{}", run.stderr);
}

#[test]
fn an_unknown_audience_is_a_problem_of_the_run() {
    // Well-formed, but the records have no such audience: exit 1, like any other problem
    // found in the records, with the audiences that exist.
    let email = "[email]\nfrom = \"QA <qa@example.com>\"\n[email.smtp]\nhost = \"localhost\"\n";
    let project = common::two_weeks(email, &["dev@example.com"], &[]);
    let run = project.run(&["report", "--audience", "teem", "--as-of", "2025-08-20"]);
    run.assert_fails().assert_stderr("no audience `teem`").assert_stderr("did you mean `team`?");
    let run = project.run(&["send", "--dry-run", "--audience", "nobody", "--as-of", "2025-08-20"]);
    run.assert_fails().assert_stderr("no audience `nobody`");
}

#[test]
fn a_bad_source_date_epoch_is_a_problem_of_the_run() {
    let project = Project::new(common::BASE);
    let run = common::Run::from(
        statuspress()
            .env("SOURCE_DATE_EPOCH", "soon")
            .arg("--root")
            .arg(project.path())
            .arg("check")
            .output()
            .expect("run"),
    );
    run.assert_fails().assert_stderr("SOURCE_DATE_EPOCH must be a number of seconds");
}

#[test]
fn info_lines_escape_the_paths_they_quote() {
    let outer = Project::new(&[]);
    let dir = outer.path().join("new\x1b[2J\u{202e}");
    let run = common::Run::from(statuspress().arg("init").arg(&dir).output().expect("run"));
    run.assert_ok().assert_stderr("new\\u{1b}[2J\\u{202e}");
    assert_no_raw_controls("stderr", &run.stderr);
}
