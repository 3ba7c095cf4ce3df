//! Progress bars never reach pipes, and `--verbose` names each stage of a command with its time.

mod common;

use common::Project;

/// Run outside a terminal (as every test is), with `CI` unset so only the terminal check
/// can keep the bars away.
fn run(project: &Project, args: &[&str]) -> common::Run {
    let mut command = common::statuspress();
    command.env_remove("CI").arg("--root").arg(project.path()).args(args);
    common::Run::from(command.output().expect("run statuspress"))
}

#[track_caller]
fn assert_no_bar(run: &common::Run) {
    for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        for mark in ['\u{1b}', '\r', '⠁', '█'] {
            assert!(!text.contains(mark), "{name} has {mark:?}:\n{text}");
        }
        assert!(!text.contains("[="), "{name} has a bar:\n{text}");
    }
}

const CONFIG: &str = "[email]\nfrom = \"QA <qa@example.com>\"\n\n[email.smtp]\nhost = \"localhost\"\nport = 2525\n";

#[test]
fn build_and_send_print_no_bar_when_not_on_a_terminal() {
    let project = common::two_weeks(CONFIG, &["dev@example.com", "lead@example.com"], &[]);
    let built = run(&project, &["build", "--verbose"]);
    built.assert_ok();
    assert_no_bar(&built);
    let sent = run(&project, &["send", "--dry-run", "--week", "2025-W34"]);
    sent.assert_ok().assert_stderr("dry run: would send");
    assert_no_bar(&sent);
}

#[test]
fn verbose_build_names_every_stage_with_its_time() {
    let project = common::two_weeks(CONFIG, &["dev@example.com"], &[]);
    let built = run(&project, &["build", "--verbose"]);
    built.assert_ok();
    let stages = ["read working tree", "history discovery", "parse", "read", "revisions", "render", "write"];
    for stage in stages {
        let line = built.stderr.lines().find(|l| l.trim_start().starts_with(&format!("{stage}: ")));
        let line = line.unwrap_or_else(|| panic!("no `{stage}` timing in:\n{}", built.stderr));
        let time = line.split(": ").nth(1).unwrap_or_default();
        assert!(time.starts_with(|c: char| c.is_ascii_digit()) && time.ends_with('s'), "`{stage}` has no time: {line}");
    }
}

#[test]
fn quiet_build_prints_nothing_but_errors() {
    let project = common::two_weeks(CONFIG, &["dev@example.com"], &[]);
    let built = run(&project, &["build", "--quiet"]);
    built.assert_ok();
    assert_eq!((built.stdout.as_str(), built.stderr.as_str()), ("", ""));
}

/// `statuspress build` in a pseudo-terminal (util-linux `script`), as a person would see it;
/// `None` where `script` is missing.
fn build_in_a_terminal(project: &Project, extra: &[&str], ci: bool) -> Option<String> {
    let binary = env!("CARGO_BIN_EXE_statuspress");
    let line = format!("{binary} --root {} build {}", project.path().display(), extra.join(" "));
    let mut command = std::process::Command::new("script");
    command.args(["-qec", &line, "/dev/null"]).env("SOURCE_DATE_EPOCH", "1755000000").env_remove("CI");
    if ci {
        command.env("CI", "true");
    }
    let output = command.output().ok()?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn a_terminal_sees_bars_unless_quiet_or_in_ci() {
    let project = common::two_weeks(CONFIG, &["dev@example.com"], &[]);
    let Some(watched) = build_in_a_terminal(&project, &[], false) else {
        eprintln!("skipped: no `script` to make a pseudo-terminal");
        return;
    };
    assert!(watched.contains("deriving revisions") && watched.contains("rendering pages"), "{watched}");
    assert!(watched.contains("\u{1b}[2K"), "bars are cleared when done:\n{watched}");
    for (extra, ci) in [(&["--quiet"][..], false), (&[][..], true)] {
        let output = build_in_a_terminal(&project, extra, ci).unwrap_or_default();
        assert!(!output.contains("revisions [") && !output.contains('\u{1b}'), "{extra:?} CI={ci}:\n{output}");
    }
}

#[test]
fn verbose_check_times_reading_and_deriving() {
    let project = Project::new(common::BASE);
    let checked = run(&project, &["check", "--verbose"]);
    for stage in ["read", "parse", "derive"] {
        assert!(
            checked.stderr.lines().any(|l| l.starts_with(&format!("  {stage}: "))),
            "no {stage}:\n{}",
            checked.stderr
        );
    }
}

#[test]
fn verbose_diff_report_and_send_time_their_stages() {
    let project = common::two_weeks(CONFIG, &["dev@example.com"], &[]);
    let has = |run: &common::Run, stages: &[&str]| {
        for stage in stages {
            assert!(run.stderr.lines().any(|l| l.starts_with(&format!("  {stage}: "))), "no {stage}:\n{}", run.stderr);
        }
    };
    let diffed = run(&project, &["diff", "w1", "w2", "--verbose"]);
    has(diffed.assert_ok(), &["resolve revisions", "read, parse and derive", "compare", "format", "write"]);
    let quiet = run(&project, &["diff", "w1", "w2"]);
    assert!(!quiet.stderr.contains("compare: "), "{}", quiet.stderr);
    let reported = run(&project, &["report", "--week", "2025-W34", "--verbose"]);
    has(reported.assert_ok(), &["read", "parse", "derive", "render", "write"]);
    let sent = run(&project, &["send", "--dry-run", "--week", "2025-W34", "--verbose"]);
    has(sent.assert_ok(), &["read", "parse", "derive", "render and send"]);
}
