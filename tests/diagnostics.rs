//! One fixture per diagnostic: the real binary must name the file, line and column,
//! say what was expected, and exit 1.

mod common;

use common::Project;

/// Checks the base project plus `files`, expecting an error at `at` whose text holds `message`.
#[track_caller]
fn expect_error(files: &[(&str, &str)], at: &str, message: &str) -> common::Run {
    let project = Project::base_with(files);
    let run = project.run(&["check"]);
    run.assert_fails().assert_stderr(&format!("--> {at}\n")).assert_stderr(message);
    run
}

#[test]
fn base_fixture_is_valid() {
    Project::new(common::BASE).run(&["check"]).assert_ok();
}

#[test]
fn toml_syntax_error() {
    expect_error(
        &[("content/risks/r-2.md", "+++\ntitle = \"Risk\nlikelihood = 3\n+++\n")],
        "content/risks/r-2.md:2:14",
        "TOML syntax error: invalid basic string",
    );
}

#[test]
fn unterminated_front_matter() {
    let run = expect_error(
        &[("content/risks/r-2.md", "+++\ntitle = \"Risk\"\nlikelihood = 3\n")],
        "content/risks/r-2.md:1:1",
        "front matter is never closed",
    );
    run.assert_stderr("help: add a line containing only `+++`");
}

#[test]
fn missing_front_matter() {
    expect_error(
        &[("content/risks/r-2.md", "title = \"Risk\"\n")],
        "content/risks/r-2.md:1:1",
        "must start with TOML front matter",
    );
}

#[test]
fn unknown_field_suggests_the_right_one() {
    let run = expect_error(
        &[(
            "content/blockers/B-2.md",
            "+++\ntitle = \"Auth\"\nserverity = \"high\"\nseverity = \"high\"\nstatus = \"open\"\n+++\n",
        )],
        "content/blockers/B-2.md:3:1",
        "unknown field `serverity` in a blocker record",
    );
    run.assert_stderr("help: did you mean `severity`?");
}

#[test]
fn wrong_type() {
    expect_error(
        &[("content/risks/r-2.md", "+++\ntitle = \"Risk\"\nlikelihood = \"often\"\nimpact = 2\n+++\n")],
        "content/risks/r-2.md:3:14",
        "wrong type for `likelihood`: expected an integer, found string \"often\"",
    );
}

#[test]
fn enum_value_lists_allowed_values() {
    let run = expect_error(
        &[("content/blockers/B-2.md", "+++\ntitle = \"Auth\"\nseverity = \"hihg\"\nstatus = \"open\"\n+++\n")],
        "content/blockers/B-2.md:3:12",
        "invalid value `hihg` for `severity`: expected one of critical, high, medium, low",
    );
    run.assert_stderr("did you mean `high`?");
}

#[test]
fn missing_required_field() {
    let run = expect_error(
        &[("content/blockers/B-2.md", "+++\ntitle = \"Auth\"\nstatus = \"open\"\n+++\n")],
        "content/blockers/B-2.md:1:1",
        "missing required field `severity` in a blocker record",
    );
    run.assert_stderr("add `severity = …`");
}

#[test]
fn invalid_id() {
    expect_error(
        &[(
            "content/blockers/B-2.md",
            "+++\nid = \"bad id!\"\ntitle = \"Auth\"\nseverity = \"high\"\nstatus = \"open\"\n+++\n",
        )],
        "content/blockers/B-2.md:2:6",
        "invalid id `bad id!`: it contains ` `",
    );
}

#[test]
fn id_that_could_escape_the_output_folder() {
    expect_error(
        &[(
            "content/blockers/B-2.md",
            "+++\nid = \"../../etc/passwd\"\ntitle = \"Auth\"\nseverity = \"high\"\nstatus = \"open\"\n+++\n",
        )],
        "content/blockers/B-2.md:2:6",
        "invalid id `../../etc/passwd`: it starts with `.`",
    );
    expect_error(
        &[("content/gates/all.toml", "[[gate]]\nid = \"a/../../x\"\ntitle = \"G\"\ngroup = \"Release\"\n")],
        "content/gates/all.toml:2:6",
        "could escape the output folder",
    );
}

#[test]
fn duplicate_id_names_both_files() {
    let run = expect_error(
        &[("content/risks/b-1.md", "+++\ntitle = \"Risk\"\nlikelihood = 1\nimpact = 1\n+++\n")],
        "content/risks/b-1.md:1:1",
        "duplicate id `b-1`",
    );
    run.assert_stderr("already used by content/blockers/B-1.md:1:1");
}

#[test]
fn dangling_reference() {
    let run = expect_error(
        &[(
            "content/blockers/B-2.md",
            "+++\ntitle = \"Auth\"\nseverity = \"high\"\nstatus = \"open\"\nblocks = [\"g-1\", \"g-2\"]\n+++\n",
        )],
        "content/blockers/B-2.md:5:18",
        "`blocks` names `g-2`, but no record has that id",
    );
    run.assert_stderr("did you mean `g-1`?");
}

#[test]
fn dependency_cycle() {
    expect_error(
        &[
            ("content/gates/g-2.md", "+++\ntitle = \"Two\"\ngroup = \"Release\"\ndepends_on = [\"g-3\"]\n+++\n"),
            ("content/gates/g-3.md", "+++\ntitle = \"Three\"\ngroup = \"Release\"\ndepends_on = [\"g-2\"]\n+++\n"),
        ],
        "content/gates/g-2.md:4:15",
        "dependency cycle: g-2 → g-3 → g-2",
    );
}

#[test]
fn kind_conflict() {
    expect_error(
        &[("content/risks/r-2.md", "+++\nkind = \"blocker\"\ntitle = \"Risk\"\nlikelihood = 1\nimpact = 1\n+++\n")],
        "content/risks/r-2.md:2:8",
        "kind conflict: the record says `blocker` but its place says `risk`",
    );
}

#[test]
fn impossible_date_as_toml_date_and_as_string() {
    expect_error(
        &[(
            "content/blockers/B-2.md",
            "+++\ntitle = \"Auth\"\nseverity = \"high\"\nstatus = \"open\"\ndue = 2026-02-30\n+++\n",
        )],
        "content/blockers/B-2.md:5:7",
        "impossible date `2026-02-30`",
    );
    expect_error(
        &[(
            "content/blockers/B-2.md",
            "+++\ntitle = \"Auth\"\nseverity = \"high\"\nstatus = \"open\"\ndue = \"2026-02-30\"\n+++\n",
        )],
        "content/blockers/B-2.md:5:7",
        "impossible date 2026-02-30: February 2026 has 28 days",
    );
}

#[test]
fn bad_metric_target() {
    expect_error(
        &[("content/metrics/m-2.md", "+++\ntitle = \"Coverage\"\ntarget = \"about 80\"\n+++\n")],
        "content/metrics/m-2.md:3:10",
        "bad metric target: `about 80` is not a metric target",
    );
}

#[test]
fn likelihood_and_impact_outside_scale() {
    let run = expect_error(
        &[("content/risks/r-2.md", "+++\ntitle = \"Risk\"\nlikelihood = 0\nimpact = 6\n+++\n")],
        "content/risks/r-2.md:3:14",
        "`likelihood` is 0, outside the scale 1–5",
    );
    run.assert_stderr("--> content/risks/r-2.md:4:10").assert_stderr("`impact` is 6, outside the scale 1–5");
}

#[test]
fn no_plan() {
    let project = Project::new(&common::BASE[1..]);
    project.run(&["check"]).assert_fails().assert_stderr("no plan record").assert_stderr("content/plan.md");
}

#[test]
fn two_plans() {
    expect_error(
        &[("content/plan.toml", "title = \"Another plan\"\n")],
        "content/plan.toml:1:1",
        "a second plan record",
    );
}

#[test]
fn file_that_is_not_utf8() {
    let project = Project::base_with(&[]);
    project.write_bytes("content/risks/r-2.md", b"+++\ntitle = \"Caf\xe9\"\n+++\n");
    project
        .run(&["check"])
        .assert_fails()
        .assert_stderr("--> content/risks/r-2.md:2:13")
        .assert_stderr("file is not valid UTF-8 (byte 0xe9");
}

#[test]
fn every_error_of_a_run_is_reported() {
    let project = Project::base_with(&[
        ("content/risks/r-2.md", "+++\ntitle = \"Risk\"\nlikelihood = \"x\"\nimpcat = 2\n+++\n"),
        (
            "content/blockers/B-2.md",
            "+++\ntitle = \"Auth\"\nseverity = \"hihg\"\nstatus = \"open\"\ndue = \"2026-02-30\"\n+++\n",
        ),
        ("content/metrics/m-2.md", "+++\ntitle = \"Coverage\"\ntarget = \"80\"\n+++\n"),
    ]);
    let run = project.run(&["check"]);
    run.assert_fails()
        .assert_stderr("content/risks/r-2.md:3:14")
        .assert_stderr("content/risks/r-2.md:4:1")
        .assert_stderr("did you mean `impact`?")
        .assert_stderr("content/blockers/B-2.md:3:12")
        .assert_stderr("content/blockers/B-2.md:5:7")
        .assert_stderr("content/metrics/m-2.md:3:10")
        .assert_stderr("6 errors");
}

#[test]
fn warnings_print_but_fail_only_when_strict() {
    let project = Project::base_with(&[
        ("content/plan.md", "+++\ntitle = \"Plan\"\nhealth = \"green\"\n+++\n"),
        ("content/actions/a-1.md", "+++\ntitle = \"Escalate\"\ndue = 2025-01-01\n+++\n"),
    ]);
    let run = project.run(&["check"]);
    run.assert_ok()
        .assert_stderr("warning: action `a-1` is overdue: due 2025-01-01")
        .assert_stderr("--> content/actions/a-1.md:3:7")
        .assert_stderr("warning: declared health green is better than computed red");
    project.run(&["check", "--strict"]).assert_fails();
    project.run(&["build", "--strict"]).assert_fails();
    assert!(!project.path().join("site").exists(), "a strict build with warnings must write nothing");
}

#[test]
fn bad_config_is_located() {
    expect_error(&[("statuspress.toml", "[site]\ntitel = \"x\"\n")], "statuspress.toml:2:1", "unknown field `titel`");
}

#[test]
fn bad_input_never_panics() {
    let hostile: &[&str] = &[
        "",
        "+++",
        "+++\n+++",
        "+++\n+++\n+++",
        "\u{feff}+++\n+++\n",
        "+++\n[[blocker]]\n+++\n",
        "+++\ntitle = [1, \"a\"]\n+++\n",
        "+++\ntitle = \"x\"\nseverity = 1e400\n+++\n",
        "+++\nid = \"\"\n+++\n",
        "+++\nlinks = [[[]]]\n+++\n",
        "+++\nkind = 3\n+++\n",
        "+++\nblocks = \"g-1\"\n+++\n",
        "+++\ntitle = \"é\"\n\u{0}\n+++\n",
    ];
    for (i, text) in hostile.iter().enumerate() {
        let project = Project::base_with(&[(&format!("content/blockers/x{i}.md"), text)]);
        let run = project.run(&["check"]);
        assert_eq!(run.code, 1, "input {text:?} gave {}:\n{}", run.code, run.stderr);
        assert!(!run.stderr.contains("panicked"), "input {text:?} panicked:\n{}", run.stderr);
    }
}

#[test]
fn audience_recipients_must_be_addresses() {
    expect_error(
        &[(
            "content/audiences/team.md",
            "+++\ntitle = \"Team\"\nrecipients = [\"dev@example.com\", \"Product Owner\"]\n+++\n",
        )],
        "content/audiences/team.md:3:34",
        "recipient `Product Owner` is not an email address",
    );
}

#[test]
fn ids_that_are_device_names_on_windows() {
    let blocker = "+++\ntitle = \"Auth\"\nseverity = \"high\"\nstatus = \"open\"\n+++\n";
    let run = expect_error(
        &[("content/blockers/CON.md", blocker)],
        "content/blockers/CON.md:1:1",
        "the file name `CON` is not a valid record id: `CON` is a device name on Windows",
    );
    run.assert_stderr("help: rename the file");
    for (id, reserved) in [("aux", "aux"), ("nul", "nul"), ("Com7", "Com7"), ("lpt1.log", "lpt1"), ("con.txt", "con")] {
        let text = format!("+++\nid = \"{id}\"\ntitle = \"Auth\"\nseverity = \"high\"\nstatus = \"open\"\n+++\n");
        expect_error(
            &[("content/blockers/B-2.md", &text)],
            "content/blockers/B-2.md:2:6",
            &format!("invalid id `{id}`: `{reserved}` is a device name on Windows"),
        );
    }
    let text = "+++\nid = \"a.\"\ntitle = \"Auth\"\nseverity = \"high\"\nstatus = \"open\"\n+++\n";
    expect_error(
        &[("content/blockers/B-2.md", text)],
        "content/blockers/B-2.md:2:6",
        "invalid id `a.`: it ends with `.`",
    );
    // Names that only start like a device are fine.
    let ok = "+++\nid = \"console\"\ntitle = \"Auth\"\nseverity = \"high\"\nstatus = \"open\"\n+++\n";
    Project::base_with(&[("content/blockers/B-2.md", ok), ("content/blockers/COM10.md", blocker)])
        .run(&["check"])
        .assert_ok();
}

#[test]
fn control_characters_in_single_line_fields_are_located_at_the_character() {
    let run = expect_error(
        &[("content/blockers/B-2.md", "+++\ntitle = \"a\\u0000b\"\nseverity = \"high\"\nstatus = \"open\"\n+++\n")],
        "content/blockers/B-2.md:2:11",
        "control character U+0000 in `title`",
    );
    run.assert_stderr("help: remove the control character U+0000");
    expect_error(
        &[(
            "content/blockers/B-2.md",
            "+++\ntitle = \"A\"\nowner = \"Zoe\\u001B[31m\"\nseverity = \"high\"\nstatus = \"open\"\n+++\n",
        )],
        "content/blockers/B-2.md:3:13",
        "control character U+001B in `owner`",
    );
    expect_error(
        &[(
            "content/blockers/B-2.md",
            "+++\ntitle = \"A\"\ntags = [\"ok\", \"x\\ty\"]\nseverity = \"high\"\nstatus = \"open\"\n+++\n",
        )],
        "content/blockers/B-2.md:3:17",
        "control character U+0009 in `tags`",
    );
    // C1 controls and DEL count too, and a single-line field may not break lines.
    expect_error(
        &[("content/risks/all.toml", "[[risk]]\nid = \"r-9\"\ntitle = \"R\\u009b2J\"\nlikelihood = 1\nimpact = 1\n")],
        "content/risks/all.toml:3:11",
        "control character U+009B in `title`",
    );
    expect_error(
        &[(
            "content/gates/g-2.md",
            "+++\ntitle = \"G\"\ngroup = \"Release\"\ncriteria = [{ text = \"line\\nbreak\", met = true }]\n+++\n",
        )],
        "content/gates/g-2.md:4:27",
        "control character U+000A in `text`",
    );
}

#[test]
fn control_characters_in_bodies_are_errors_but_tabs_and_line_breaks_are_not() {
    let run = expect_error(
        &[(
            "content/blockers/B-2.md",
            "+++\ntitle = \"A\"\nseverity = \"high\"\nstatus = \"open\"\n+++\nSome\ttext\r\nand a \u{0} here\n",
        )],
        "content/blockers/B-2.md:7:7",
        "control character U+0000 in the body",
    );
    run.assert_stderr("help: remove the control character U+0000");
    // Reported along with the front matter's own problems.
    let run = expect_error(
        &[("content/risks/r-2.md", "+++\ntitle = \"R\nimpact = 1\n+++\n\u{7}\n")],
        "content/risks/r-2.md:5:1",
        "control character U+0007 in the body",
    );
    run.assert_stderr("TOML syntax error");
    expect_error(
        &[(
            "content/decisions/d-9.toml",
            "title = \"D\"\ndecision = \"Go\"\nrationale = \"\"\"\nWhy:\n\tbecause \\u0007\n\"\"\"\n",
        )],
        "content/decisions/d-9.toml:5:10",
        "control character U+0007 in `rationale`",
    );
    let ok = "+++\ntitle = \"A\"\nseverity = \"high\"\nstatus = \"open\"\nremediation = \"\"\"\nStep 1\n\tthen 2\"\"\"\n+++\nBody\twith tab\r\n";
    Project::base_with(&[("content/blockers/B-2.md", ok)]).run(&["check"]).assert_ok();
}

#[test]
fn bidi_controls_are_errors_at_the_character_naming_it() {
    let run = expect_error(
        &[(
            "content/blockers/B-2.md",
            "+++\ntitle = \"Fix \u{202e}gnp.exe\"\nseverity = \"high\"\nstatus = \"open\"\n+++\n",
        )],
        "content/blockers/B-2.md:2:14",
        "`title` contains U+202E RIGHT-TO-LEFT OVERRIDE, which can make text read differently from what it is",
    );
    run.assert_stderr("help: remove the bidi control character U+202E (it is a single-line field)");
    // Written as an escape, in a nested single-line field, and the marks in a single-line field.
    expect_error(
        &[(
            "content/gates/g-2.md",
            "+++\ntitle = \"G\"\ngroup = \"Release\"\ncriteria = [{ text = \"ok \\u2066x\", met = true }]\n+++\n",
        )],
        "content/gates/g-2.md:4:26",
        "`text` contains U+2066 LEFT-TO-RIGHT ISOLATE",
    );
    expect_error(
        &[(
            "content/risks/all.toml",
            "[[risk]]\nid = \"r-9\"\ntitle = \"R\"\nowner = \"Zoe\u{200f}\"\nlikelihood = 1\nimpact = 1\n",
        )],
        "content/risks/all.toml:4:13",
        "`owner` contains U+200F RIGHT-TO-LEFT MARK",
    );
    // Prose and bodies: overrides and isolates are errors, the marks that right-to-left text
    // needs are not.
    expect_error(
        &[(
            "content/blockers/B-2.md",
            "+++\ntitle = \"A\"\nseverity = \"high\"\nstatus = \"open\"\n+++\nPay \u{202d}ylno\u{202c} now\n",
        )],
        "content/blockers/B-2.md:6:5",
        "the body contains U+202D LEFT-TO-RIGHT OVERRIDE",
    );
    expect_error(
        &[("content/decisions/d-9.toml", "title = \"D\"\ndecision = \"Go \\u202A\"\n")],
        "content/decisions/d-9.toml:2:16",
        "`decision` contains U+202A LEFT-TO-RIGHT EMBEDDING",
    );
    let ok = "+++\ntitle = \"A\"\nseverity = \"high\"\nstatus = \"open\"\nimpact = \"שלום!\u{200f}\"\n+++\nעברית C++\u{200f} ok\n";
    Project::base_with(&[("content/blockers/B-2.md", ok)]).run(&["check"]).assert_ok();
}

#[test]
fn a_nul_in_a_title_never_reaches_the_site() {
    let project = Project::base_with(&[(
        "content/blockers/B-2.md",
        "+++\ntitle = \"a\\u0000b\"\nseverity = \"high\"\nstatus = \"open\"\n+++\n",
    )]);
    let run = project.run(&["build"]);
    run.assert_fails().assert_stderr("control character U+0000 in `title`");
    assert!(!project.path().join("site").exists(), "nothing may be written");
}

#[test]
fn non_finite_numbers_and_late_checked_settings_are_located() {
    expect_error(
        &[("content/metrics/pass-rate.md", "+++\ntitle = \"Pass rate\"\ntarget = \">= 90\"\nvalue = nan\n+++\n")],
        "content/metrics/pass-rate.md:4:9",
        "`value` is `nan`, which is not a finite number",
    );
    expect_error(
        &[("statuspress.toml", "[report]\ntimezone = \"CEST\"\n")],
        "statuspress.toml:2:12",
        "`[report] timezone`: time zone `CEST` is not `UTC` or an offset like `+02:00`",
    );
    expect_error(&[("statuspress.toml", "[risk]\nbands = [4, 9, 30]\n")], "statuspress.toml:2:9", "`[risk] bands`");
}

/// Writes 30 overdue actions (`a-01`…`a-30`, due on line 3) and 2 overdue gates into the
/// `content` folder: 32 warnings, more than a terminal shows.
fn write_overdue_records(project: &Project, content: &str) {
    for n in 1..=30 {
        project.write(&format!("{content}/actions/a-{n:02}.md"), "+++\ntitle = \"Escalate\"\ndue = 2025-01-01\n+++\n");
    }
    for id in ["g-2", "g-3"] {
        project.write(
            &format!("{content}/gates/{id}.md"),
            "+++\ntitle = \"Gate\"\ngroup = \"Release\"\ntarget = 2025-02-01\n+++\n",
        );
    }
}

/// A portfolio (`init --portfolio`) whose plan `payments` has the overdue records of
/// [`write_overdue_records`] and whose plan `qa` has an error after them, in the order shown.
fn portfolio_with_warnings_and_an_error() -> Project {
    let project = Project::new(&[]);
    let init = common::statuspress().args(["init", "--portfolio"]).arg(project.path()).output().expect("run init");
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    write_overdue_records(&project, "plans/payments/content");
    project.write("plans/qa/content/risks/r-9.md", "+++\ntitel = \"Risk\"\n+++\n");
    project
}

#[test]
fn the_first_20_warnings_print_then_a_count_of_the_rest_by_kind() {
    let project = Project::new(common::BASE);
    write_overdue_records(&project, "content");
    for command in ["check", "build"] {
        let run = project.run(&[command]);
        run.assert_ok();
        assert_eq!(run.stderr.matches("warning: ").count(), 20, "{command}:\n{}", run.stderr);
        run.assert_stderr("--> content/actions/a-20.md:3:7")
            .assert_stderr("… and 12 more warnings: 10 overdue actions, 2 overdue gates (--verbose shows them all)\n")
            .assert_stderr("0 errors, 32 warnings");
        assert!(!run.stderr.contains("a-21.md"), "{command}:\n{}", run.stderr);
    }
    let all = project.run(&["check", "--verbose"]);
    all.assert_ok().assert_stderr("--> content/actions/a-30.md:3:7").assert_stderr("--> content/gates/g-3.md:");
    assert_eq!(all.stderr.matches("warning: ").count(), 32, "{}", all.stderr);
    assert!(!all.stderr.contains("more warnings"), "{}", all.stderr);
}

#[test]
fn errors_print_whatever_the_number_of_warnings_before_them() {
    let run = portfolio_with_warnings_and_an_error().run(&["check"]);
    run.assert_fails().assert_stderr("--> plans/qa/content/risks/r-9.md:2:1").assert_stderr("unknown field `titel`");
    assert_eq!(run.stderr.matches("warning: ").count(), 20, "{}", run.stderr);
    run.assert_stderr("more warnings: ");
}

#[test]
fn check_format_json_gives_every_warning_and_error_with_its_place() {
    let run = portfolio_with_warnings_and_an_error().run(&["check", "--format", "json"]);
    run.assert_fails();
    assert!(!run.stderr.contains("warning: "), "JSON replaces the text: {}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON document on stdout");
    let diagnostics = json["diagnostics"].as_array().unwrap();
    let overdue: Vec<&serde_json::Value> = diagnostics.iter().filter(|d| d["code"] == "overdue-action").collect();
    let ours = |d: &&&serde_json::Value| d["file"].as_str().unwrap().starts_with("plans/payments/content/actions/a-");
    let overdue: Vec<&&serde_json::Value> = overdue.iter().filter(ours).collect();
    assert_eq!(overdue.len(), 30, "{json:#}");
    for (n, d) in (1..=30).zip(&overdue) {
        assert_eq!(d["severity"], "warning");
        assert_eq!(d["file"], format!("plans/payments/content/actions/a-{n:02}.md"));
        assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(3), Some(7)), "{d}");
        assert!(d["message"].as_str().unwrap().starts_with(&format!("action `a-{n:02}` is overdue")), "{d}");
        assert_eq!(d["help"], "mark it finished, or move the date if the plan changed");
    }
    let titel = |d: &&serde_json::Value| d["message"].as_str().unwrap().contains("unknown field `titel`");
    let error = diagnostics.iter().find(titel).expect("the error");
    assert_eq!(
        (error["severity"].as_str(), error["file"].as_str(), error["line"].as_u64(), error["column"].as_u64()),
        (Some("error"), Some("plans/qa/content/risks/r-9.md"), Some(2), Some(1))
    );
    let errors = diagnostics.iter().filter(|d| d["severity"] == "error").count() as u64;
    assert_eq!(
        (json["errors"].as_u64(), json["warnings"].as_u64()),
        (Some(errors), Some(diagnostics.len() as u64 - errors))
    );
}

#[test]
fn check_format_json_of_a_clean_project_is_an_empty_list_and_exit_0() {
    let run = Project::new(common::BASE).run(&["check", "--format", "json"]);
    run.assert_ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(json, serde_json::json!({"version": 1, "errors": 0, "warnings": 0, "diagnostics": []}));
}
