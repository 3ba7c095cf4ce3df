//! Weekly reports: in the site (page, markdown, text, one email per audience, feed) and
//! from `statuspress report` in every format.

mod common;

use common::Project;
use common::smtp::Mail;

fn project() -> Project {
    common::two_weeks(
        "[site]\nbase_url = \"https://status.example.com/\"\n\n[email]\nfrom = \"QA <qa@example.com>\"\nsubject_prefix = \"[QA plan]\"\n",
        &["dev@example.com"],
        &[
            (
                "content/decisions/D-1.md",
                "+++\ntitle = \"Hold\"\ndate = 2025-08-19\ndecision = \"Hold the release\"\n+++\n",
            ),
            ("content/actions/A-1.md", "+++\ntitle = \"Escalate\"\ndue = 2025-08-20\n+++\n"),
        ],
    )
}

#[test]
fn the_site_has_a_report_per_week_in_every_form() {
    let project = project();
    project.run(&["build"]).assert_ok();
    for file in [
        "reports/index.html",
        "reports/2025-W33/index.html",
        "reports/2025-W34/index.html",
        "reports/2025-W34/report.md",
        "reports/2025-W34/report.txt",
        "reports/2025-W34/team.eml",
        "reports/2025-W34/sponsors.eml",
    ] {
        assert!(project.path().join("site").join(file).is_file(), "missing {file}");
    }
    let md = project.read("site/reports/2025-W34/report.md");
    assert!(md.contains("**Readiness: NO-GO**"));
    assert!(md.contains("[B-1](../../blockers/B-1.html) DB down: open → resolved"), "{md}");
    assert!(md.contains("| Test pass rate | 92.4% (was 57.1%) | \\> 90% | met | up, toward target |"), "{md}");
    assert!(md.contains("## Decisions this week") && md.contains("Hold: Hold the release"));
    assert!(md.contains("## Actions due or overdue") && md.contains("Escalate"));
    let txt = project.read("site/reports/2025-W34/report.txt");
    assert!(
        txt.contains("OPEN BLOCKERS (1)") && txt.contains("B-9 Secret vendor outage"),
        "the internal report shows everything"
    );

    let team = Mail::parse(&project.read("site/reports/2025-W34/team.eml"));
    assert_eq!(team.header("Subject"), "[QA plan] Week 2025-W34: NO-GO, 1 blocker open");
    assert!(team.part("text/html").contains("https://status.example.com/blockers/B-1.html"));
    let raw = project.read("site/reports/2025-W34/sponsors.eml");
    let sponsors = Mail::parse(&raw);
    // Addressed to the audience as an empty group: a published file shows no one's address.
    assert_eq!((team.header("To"), sponsors.header("To")), ("Team: ;", "Sponsors: ;"));
    assert!(!raw.contains("po@example.com") && !project.read("site/reports/2025-W34/team.eml").contains("dev@"));
    for text in [raw.as_str(), sponsors.part("text/plain"), sponsors.part("text/html")] {
        assert!(!text.contains("Secret vendor") && !text.contains("B-9"), "confidential record in an external email");
    }
    assert!(!sponsors.part("text/plain").contains("WHAT CHANGED"), "summary detail leaves out the change list");

    let index = project.read("site/reports/index.html");
    assert!(index.contains("2025-W34") && index.contains("2025-W33"));
    let feed = project.read("site/feed.xml");
    assert!(
        feed.contains("<title>Report 2025-W34: NO-GO")
            && feed.contains("https://status.example.com/reports/2025-W34/index.html"),
        "{feed}"
    );
    // Reports are rebuilt identically.
    let before = project.read("site/reports/2025-W34/team.eml");
    project.run(&["build"]).assert_ok();
    assert_eq!(project.read("site/reports/2025-W34/team.eml"), before);
}

#[test]
fn report_command_writes_every_format() {
    let project = project();
    let md = project.run(&["report", "--week", "2025-W34"]);
    md.assert_ok();
    assert!(md.stdout.starts_with("# Plan — week 2025-W34"), "{}", md.stdout);
    let txt = project.run(&["report", "--week", "2025-W34", "--format", "text", "--audience", "sponsors"]);
    txt.assert_ok();
    assert!(txt.stdout.contains("(Sponsors)") && !txt.stdout.contains("Secret vendor"));
    let html = project.run(&["report", "--week", "2025-W34", "--format", "html"]);
    html.assert_ok();
    assert!(html.stdout.contains("<table") && html.stdout.contains("style=\"") && !html.stdout.contains("<style"));
    let out = project.path().join("w34.eml");
    project
        .run(&[
            "report",
            "--week",
            "2025-W34",
            "--format",
            "eml",
            "--audience",
            "team",
            "--output",
            out.to_str().unwrap(),
        ])
        .assert_ok();
    assert!(std::fs::read_to_string(out).unwrap().contains("Message-ID: <2025-W34.team.w2@example.com>"));
    // Defaults: the last complete week of the as-of date; SOURCE_DATE_EPOCH = 2025-08-12 → W32
    // has no revision, so the current week (W33) so far.
    project.run(&["report"]).assert_ok().assert_stderr("report 2025-W33");
    project.run(&["report", "--as-of", "2025-08-27"]).assert_ok().assert_stderr("report 2025-W34");
    project
        .run(&["report", "--week", "2025-W34", "--audience", "sponsers"])
        .assert_fails()
        .assert_stderr("did you mean `sponsors`?");
    // A malformed `--week` is a usage error (exit 2): tests/cli.rs.
}

/// A plan too big for one comment: 1,500 gates (every gate is listed) and 80 open blockers
/// (the list is capped at 50).
fn big_project() -> Project {
    let project = Project::new(&[
        ("statuspress.toml", "[site]\nbase_url = \"https://status.example.com/\"\n"),
        ("content/plan.md", "+++\ntitle = \"Big plan\"\nstart = 2025-08-11\n+++\n"),
    ]);
    for i in 0..1_500 {
        let text =
            format!("+++\ntitle = \"Gate {i} of the very long list of release checks\"\ngroup = \"Release\"\n+++\n");
        project.write(&format!("content/gates/g-{i}.md"), &text);
    }
    for i in 0..80 {
        let text = format!("+++\ntitle = \"Blocker {i}\"\nseverity = \"high\"\nstatus = \"open\"\n+++\n");
        project.write(&format!("content/blockers/b-{i}.md"), &text);
    }
    project
}

#[test]
fn markdown_fits_a_comment_and_links_to_the_site_for_the_rest() {
    let project = big_project();
    let run = project.run(&["report", "--as-of", "2025-08-20", "--week", "2025-W34", "--format", "markdown"]);
    run.assert_ok();
    let markdown = &run.stdout;
    assert!(markdown.chars().count() <= 65_536, "{} characters", markdown.chars().count());
    assert!(markdown.contains("more [on the site](https://status.example.com/reports/2025-W34/index.html)"));
    assert!(
        markdown.ends_with(
            "… cut to fit a comment: [the whole report](https://status.example.com/reports/2025-W34/index.html)\n"
        ),
        "{}",
        &markdown[markdown.len() - 300..]
    );
    // The whole report is longer: the cut was needed, and happened at a line.
    let text = project.run(&["report", "--as-of", "2025-08-20", "--week", "2025-W34", "--format", "text"]);
    assert!(text.stdout.chars().count() > 65_536);
    assert!(markdown.lines().rev().nth(1).is_some_and(|l| l.is_empty() || l.starts_with("  - Gate")));
}

#[test]
fn json_gives_the_report_data() {
    let project = project();
    let run = project.run(&["report", "--as-of", "2025-08-20", "--week", "2025-W34", "--format", "json"]);
    run.assert_ok();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(report["week"], "2025-W34");
    assert_eq!(report["readiness"], "NO-GO");
    assert_eq!(report["open_blockers"], 1);
    assert!(report["changes"]["items"].as_array().is_some_and(|items| !items.is_empty()), "{report:#}");
}

#[test]
fn an_email_subject_carries_no_bidi_control_from_the_config() {
    let project = common::two_weeks(
        "[site]\ntitle = \"QA \u{202e}nalp\u{202c}\u{200f}\"\n[email]\nfrom = \"QA <qa@example.com>\"\n",
        &["dev@example.com"],
        &[],
    );
    let run = project.run(&["report", "--week", "2025-W34", "--format", "eml"]);
    let subject = Mail::parse(&run.assert_ok().stdout).header("Subject").to_string();
    assert_eq!(subject, "[QA nalp] Week 2025-W34: NO-GO, 1 blocker open");
}

#[test]
fn markdown_outputs_escape_every_field_taken_from_a_record() {
    let hostile = common::HOSTILE.replace('"', "'");
    let metric =
        format!("+++\ntitle = \"Latency {hostile}\"\nunit = \"ms {hostile}\"\ntarget = \"< 5\"\nvalue = 3\n+++\n");
    let blocker = format!(
        "+++\ntitle = \"Blocked {hostile}\"\nseverity = \"critical\"\nstatus = \"open\"\nowner = \"{hostile}\"\n+++\n"
    );
    let decision = format!("+++\ntitle = \"{hostile}\"\ndate = 2025-08-19\ndecision = \"{hostile}\"\n+++\n");
    // A URL with `/@` stays one URL: links made on purpose are not escaped as text.
    let config = "[site]\nbase_url = \"https://status.example.com/@qa/\"\n";
    let project = common::two_weeks(config, &["dev@example.com"], &[]);
    project.write("content/metrics/latency.md", &metric);
    project.write("content/blockers/B-2.md", &blocker);
    project.write("content/decisions/D-1.md", &decision);
    project.write("content/actions/A-1.md", &format!("+++\ntitle = \"{hostile}\"\ndue = 2025-08-20\n+++\n"));
    // A tag name is anyone's choice too.
    project.revision("w3<!--", "2025-08-20", "Zoe", &format!("Week 3 {}", common::HOSTILE));

    let report = project.run(&["report", "--as-of", "2025-08-27", "--week", "2025-W34"]);
    report.assert_ok();
    common::assert_inert_markdown(&report.stdout);
    assert!(report.stdout.contains("| 3 ms \\[Approve deploy\\]"), "{}", report.stdout);
    let diff = project.run(&["diff", "w2", "w3<!--", "--format", "markdown"]);
    diff.assert_ok();
    common::assert_inert_markdown(&diff.stdout);
    // Links the report makes on purpose stay links.
    assert!(report.stdout.contains("[B-2](https://status.example.com/@qa/blockers/B-2.html)"), "{}", report.stdout);
}

/// The worked example, as `init --from-seed` writes it, in a fresh folder.
fn worked_example() -> common::Project {
    let project = common::Project::new(&[]);
    let out =
        common::statuspress().args(["init", "--from-seed"]).arg(project.path().join("qa")).output().expect("init");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    project
}

#[test]
fn a_report_leads_with_the_message_the_author_s_update_and_the_plan_summary() {
    let project = worked_example();
    let report = |week: &str| {
        let args = ["report", "--week", week, "--format", "text", "--as-of", "2025-09-10", "--root"];
        let out = common::statuspress().args(args).arg(project.path().join("qa")).output().expect("report");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    // Week 3: the week the timeline slipped. The first lines say so, in words, and carry
    // the author's own update from the tag.
    let w35 = report("2025-W35");
    let top: String = w35.lines().take(8).collect::<Vec<_>>().join("\n");
    assert!(top.contains("NO-GO as of 2025-08-26"), "{top}");
    assert!(top.contains("Ships 2025-09-14, 7 days later than planned (2025-09-07); it moved 7 days later this week."));
    assert!(top.contains("3 gates passed"), "{top}");
    assert!(top.contains("UPDATE FROM PRIYA (2025-08-26, week-3)"), "{top}");
    assert!(top.contains("timeline slips a week"), "{top}");
    // Tallies come after the words.
    let (words, numbers) = (w35.find("THE PLAN").unwrap(), w35.find("IN NUMBERS: ").unwrap());
    assert!(words < numbers, "{w35}");
    // Week 1 carries the plan's own words: do not deploy.
    let w33 = report("2025-W33");
    assert!(w33.contains("DO NOT DEPLOY TO PRODUCTION"), "{w33}");
    assert!(w33.contains("WHY NO-GO, HEALTH RED\n  * 4 critical blockers open: Database Security Issues"), "{w33}");
    // The week readiness flipped to GO links the certification (weekly audiences read it here).
    assert!(!w35.contains("CERTIFIED GO"), "{w35}");
    let w37 = report("2025-W37");
    let certified = "CERTIFIED GO at week-5 (2025-09-09): every release gate and when it passed, \
                     https://status.example.com/qa-issue-2/revisions/week-5/certification.html";
    assert!(w37.contains(certified), "{w37}");
}

#[test]
fn the_dashboard_and_the_feed_lead_with_the_message() {
    let project = worked_example();
    let root = project.path().join("qa");
    let out =
        common::statuspress().args(["build", "--as-of", "2025-09-10", "--root"]).arg(&root).output().expect("build");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let dashboard = std::fs::read_to_string(root.join("site/index.html")).unwrap();
    let message = &dashboard[dashboard.find("class=\"panel message\"").expect("a message panel")..];
    assert!(message.contains("<p class=\"lead\">GO: all 4 release gates are cleared.</p>"), "{message}");
    assert!(message.contains("Since week-4: readiness moved from NO-GO to GO"), "{message}");
    assert!(message.contains("<strong>Update from Zoe</strong>") && message.contains("production deployment approved"));
    assert!(message.contains("<strong>Update, week 5:</strong> all infrastructure blockers are resolved"));
    let feed = std::fs::read_to_string(root.join("site/feed.xml")).unwrap();
    assert!(
        feed.contains("Weekly report 2025-W37 (2025-09-08 – 2025-09-14): GO: all 4 release gates are cleared."),
        "{feed}"
    );
}

#[test]
fn an_executive_summary_names_the_new_ship_date_and_its_slip() {
    // A migration plan whose cut-over (the release milestone) moves a week in week 2; the
    // executives are external and get the summary.
    let cutover = |end: &str| format!("+++\ntitle = \"Cut-over\"\nend = {end}\nrelease = true\n+++\n");
    let project = common::Project::new(&[
        (
            "content/plan.md",
            "+++\ntitle = \"DC migration\"\nstart = 2026-01-05\n+++\nMove both racks.\n\nDetails follow.\n",
        ),
        ("content/milestones/cutover.md", &cutover("2026-03-28")),
        (
            "content/audiences/exec.md",
            "+++\ntitle = \"Executives\"\nrecipients = [\"ceo@example.com\"]\nexternal = true\ndetail = \"summary\"\n+++\n",
        ),
    ]);
    project.git_init();
    project.revision("w1", "2026-03-03", "Ana", "Week 9: on track");
    project.write("content/milestones/cutover.md", &cutover("2026-04-04"));
    project.revision("w2", "2026-03-10", "Ana", "Week 10: vendor late, cut-over moves a week");
    let run = project.run(&[
        "report",
        "--audience",
        "exec",
        "--week",
        "2026-W11",
        "--format",
        "text",
        "--as-of",
        "2026-03-16",
    ]);
    let text = &run.assert_ok().stdout;
    assert!(
        text.contains("Ships 2026-04-04, 7 days later than planned (2026-03-28); it moved 7 days later this week."),
        "{text}"
    );
    assert!(text.contains("vendor late, cut-over moves a week") && text.contains("Move both racks."), "{text}");
    assert!(!text.contains("Details follow."), "a summary keeps the plan's first paragraph:\n{text}");
}

#[test]
fn a_base_url_without_a_trailing_slash_still_links_pages_under_it() {
    let project = common::two_weeks("[site]\nbase_url = \"https://status.example.com/qa\"\n", &[], &[]);
    project.run(&["build"]).assert_ok();
    let html = Mail::parse(&project.read("site/reports/2025-W34/team.eml")).part("text/html").to_string();
    assert!(html.contains("https://status.example.com/qa/blockers/B-1.html"), "{html}");
    assert!(!html.contains("qablockers") && !html.contains("qareports"), "{html}");
    let txt = project.run(&["report", "--week", "2025-W34", "--format", "text"]);
    assert!(txt.assert_ok().stdout.contains("Full status: https://status.example.com/qa/reports/2025-W34/index.html"));
    let md = project.run(&["report", "--week", "2025-W34"]);
    assert!(md.assert_ok().stdout.contains("(https://status.example.com/qa/blockers/B-1.html)"), "{}", md.stdout);
}

/// A metric's bar in the email is the share of its own target reached, not its value read
/// as a percentage.
#[test]
fn email_metric_bars_are_scaled_to_each_target() {
    let metric = |id: &str, unit: &str, target: &str, value: f64| {
        (
            format!("content/metrics/{id}.md"),
            format!("+++\ntitle = \"{id}\"\nunit = \"{unit}\"\ntarget = \"{target}\"\nvalue = {value}\n+++\n"),
        )
    };
    let files = [metric("lag", "s", "<= 5", 45.0), metric("errors", "%", "< 1", 0.05)];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let project = common::two_weeks("", &[], &files);
    project.run(&["build"]).assert_ok();
    let html = Mail::parse(&project.read("site/reports/2025-W34/team.eml")).part("text/html").to_string();
    let bar = |id: &str| {
        let at = html.find(&format!(">{id}</a>")).expect(id);
        let row = html[at..].split("</table>").next().unwrap();
        let fill = row.split("class=\"fill-").nth(1).unwrap_or_else(|| panic!("{id} has no bar: {row}"));
        fill.split("width=\"").nth(1).and_then(|w| w.split('"').next()).unwrap().to_string()
    };
    assert_eq!(bar("lag"), "11", "45 s against ≤ 5 s is a ninth of the way, not 45 %");
    assert_eq!(bar("errors"), "100", "0.05 % against < 1 % is met: a full bar");
}

/// A change to the plan reads "plan <title>", not "plan plan <title>".
#[test]
fn a_plan_change_names_the_plan_once() {
    let project = common::two_weeks("", &[], &[]);
    project.write("content/plan.md", "+++\ntitle = \"Plan\"\nstart = 2025-08-11\nnext_review = 2025-09-01\n+++\n");
    project.revision("w3", "2025-08-26", "Zoe", "Week 3");
    let text = project.run(&["report", "--week", "2025-W35", "--format", "text"]);
    assert!(text.assert_ok().stdout.contains("  * plan Plan: next review set to 2025-09-01"), "{}", text.stdout);
    assert!(!text.stdout.contains("plan plan"), "{}", text.stdout);
    let md = project.run(&["report", "--week", "2025-W35"]);
    assert!(md.assert_ok().stdout.contains("- [plan](plan.html) Plan: next review set to"), "{}", md.stdout);
}
