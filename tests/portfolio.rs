//! Portfolios: several plans in one repository (`plans/<plan-id>/content/`), references across
//! plans (`qa/B-2`) checked, shown on both sides and counted in readiness, one site with a
//! dashboard of every plan, and revisions (tags) shared by all plans.

mod common;

use common::{Project, statuspress};

/// `statuspress init --portfolio` in a fresh folder, as a user runs it.
fn portfolio() -> Project {
    let project = Project::new(&[]);
    let out = statuspress()
        .args(["init", "--portfolio"])
        .arg(project.path())
        .env("SOURCE_DATE_EPOCH", "1755000000")
        .output()
        .expect("run init");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    project
}

const AS_OF: &str = "2025-08-13";

#[test]
fn the_portfolio_example_builds_with_a_dashboard_of_both_plans() {
    let project = portfolio();
    project
        .run(&["check", "--as-of", AS_OF])
        .assert_ok()
        .assert_stderr("ok: payments: 4 records, readiness NO-GO")
        .assert_stderr("ok: qa: 4 records, readiness NO-GO");
    project.run(&["build", "--as-of", AS_OF]).assert_ok();
    let dashboard = project.read("site/index.html");
    for needed in ["Payments migration", "QA coordination", "href=\"qa/index.html\"", "href=\"payments/index.html\""] {
        assert!(dashboard.contains(needed), "{needed}:\n{dashboard}");
    }
    assert_eq!(dashboard.matches("<span class=\"verdict nogo\">NO-GO</span>").count(), 2, "{dashboard}");
    assert!(dashboard.contains("<a href=\"qa/blockers/B-2.html\">B-2</a> Payments sandbox unreachable"));
    assert!(
        dashboard.contains("Live risks of every plan") && dashboard.contains("href=\"payments/risks/R-1.html\""),
        "{dashboard}"
    );
    // A marker names its plan: two plans may each have an R-1.
    assert!(dashboard.contains("lengthAdjust=\"spacingAndGlyphs\">payments/R-1</text>"), "{dashboard}");
    // Each plan's site, whole, in its folder; the portfolio's status lists both.
    for plan in ["qa", "payments"] {
        for page in ["index.html", "plan.html", "status.json", "feed.xml", "revisions/index.html"] {
            assert!(project.path().join("site").join(plan).join(page).is_file(), "{plan}/{page}");
        }
    }
    let status: serde_json::Value = serde_json::from_str(&project.read("site/status.json")).unwrap();
    let ids: Vec<&str> = status["plans"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["payments", "qa"]);
    // One feed and one calendar of every plan.
    let feed = project.read("site/feed.xml");
    assert!(feed.contains("QA coordination: working") && feed.contains("Payments migration: working"), "{feed}");
    assert!(feed.contains("qa/revisions/working/"), "{feed}");
    // A milestone's event has one id, in its plan's calendar as in the portfolio's, naming
    // the plan and the portfolio (no `base_url`: its title).
    let calendar = project.read("site/milestones.ics");
    assert!(
        calendar.contains("UID:cutover.payments@delivery-portfolio\r\n")
            && calendar.contains("SUMMARY:Payments migration: Cut-over weekend"),
        "{calendar}"
    );
    let own = project.read("site/payments/milestones.ics");
    assert!(own.contains("UID:cutover.payments@delivery-portfolio\r\n"), "{own}");
}

#[test]
fn a_reference_across_plans_shows_on_both_sides_and_holds_the_gate_back() {
    let project = portfolio();
    project.run(&["build", "--as-of", AS_OF]).assert_ok();
    let gate = project.read("site/payments/gates/g-migrate.html");
    assert!(gate.contains("<a href=\"../../qa/blockers/B-2.html\" title=\"Payments sandbox unreachable\">qa/B-2</a>"));
    let blocker = project.read("site/qa/blockers/B-2.html");
    assert!(blocker.contains("<a href=\"../../payments/gates/g-migrate.html\" title=\"Migration rehearsal passed\">payments/g-migrate</a>"), "{blocker}");
    let status: serde_json::Value = serde_json::from_str(&project.read("site/payments/status.json")).unwrap();
    let reasons = status["readiness"]["reasons"].to_string();
    assert!(reasons.contains("waiting on blocker qa/B-2 “Payments sandbox unreachable”, which is open"), "{reasons}");
    // The portfolio's dashboard says so too, in the plan's readiness.
    let waiting = "waiting on <a href=\"qa/blockers/B-2.html\" title=\"Payments sandbox unreachable\">qa/B-2</a>";
    let dashboard = project.read("site/index.html");
    let payments = dashboard.split("<tr>").find(|row| row.contains("<td><a href=\"payments/index.html\"")).unwrap();
    assert!(payments.contains(waiting) && payments.contains("(gate g-migrate)"), "{payments}");

    // Resolving the QA blocker clears the payments gate's wait.
    let text = project.read("plans/qa/content/blockers/B-2.md").replace("status = \"open\"", "status = \"resolved\"");
    project.write("plans/qa/content/blockers/B-2.md", &text);
    project.run(&["build", "--as-of", AS_OF]).assert_ok();
    let status: serde_json::Value = serde_json::from_str(&project.read("site/payments/status.json")).unwrap();
    assert!(!status["readiness"]["reasons"].to_string().contains("qa/B-2"), "{status:#}");
    assert!(!project.read("site/index.html").contains("waiting on"));
}

#[test]
fn check_locates_a_bad_reference_across_plans() {
    let project = portfolio();
    let gate = "plans/payments/content/gates/g-migrate.md";
    let text = project.read(gate);
    project.write(gate, &text.replace("qa/B-2", "qa/B-20"));
    project
        .run(&["check", "--as-of", AS_OF])
        .assert_fails()
        .assert_stderr("`depends_on` names `qa/B-20`, but plan `qa` has no record `B-20`")
        .assert_stderr("--> plans/payments/content/gates/g-migrate.md:4:15")
        .assert_stderr("did you mean `qa/B-2`?");
    project.write(gate, &text.replace("qa/B-2", "qaa/B-2"));
    project
        .run(&["build", "--as-of", AS_OF])
        .assert_fails()
        .assert_stderr("but the portfolio has no plan `qaa`")
        .assert_stderr("did you mean `qa/B-2`?");
    assert!(!project.path().join("site").exists(), "a failed build writes nothing");
}

#[test]
fn a_cycle_of_gates_across_plans_is_an_error_at_each_of_its_entries() {
    let project = portfolio();
    project.write(
        "plans/qa/content/gates/g-regression.md",
        "+++\ntitle = \"Regression suite green\"\ngroup = \"Release\"\ndepends_on = [\"payments/g-migrate\"]\n+++\n",
    );
    let gate = "plans/payments/content/gates/g-migrate.md";
    project.write(gate, &project.read(gate).replace("[\"qa/B-2\"]", "[\"qa/B-2\", \"qa/g-regression\"]"));
    let help = "help: a gate cannot wait on itself through other plans' gates";
    project
        .run(&["check", "--as-of", AS_OF])
        .assert_fails()
        .assert_stderr(
            "error: dependency cycle across plans: qa/g-regression → payments/g-migrate → qa/g-regression\n \
             --> plans/qa/content/gates/g-regression.md:4:15\n",
        )
        .assert_stderr(
            "error: dependency cycle across plans: payments/g-migrate → qa/g-regression → payments/g-migrate\n \
             --> plans/payments/content/gates/g-migrate.md:4:25\n",
        )
        .assert_stderr(help);
}

#[test]
fn a_reference_naming_its_own_plan_is_an_error_saying_how_to_write_it() {
    let project = portfolio();
    let action = "plans/qa/content/actions/A-1.md";
    project.write(action, &project.read(action).replace("[\"B-2\"", "[\"qa/B-2\""));
    project
        .run(&["check", "--as-of", AS_OF])
        .assert_fails()
        .assert_stderr("error: `relates_to` names `qa/B-2`, but `qa` is this plan itself\n --> plans/qa/content/actions/A-1.md:5:15\n")
        .assert_stderr("help: write `B-2`: a record of the same plan is named by its id alone");
}

#[test]
fn a_single_plan_cannot_reference_another_plan() {
    let project =
        Project::base_with(&[("content/actions/a-1.md", "+++\ntitle = \"A\"\nrelates_to = [\"qa/B-2\"]\n+++\n")]);
    project
        .run(&["check"])
        .assert_fails()
        .assert_stderr("`relates_to` names `qa/B-2`, a record of another plan, but this project holds one plan")
        .assert_stderr("content/actions/a-1.md:3:15");
}

#[test]
fn a_plan_config_overrides_the_portfolio_one_and_tags_are_shared() {
    let project = portfolio();
    project.git_init();
    project.revision("w1", "2025-08-12", "Zoe", "Week 1");
    project.run(&["build", "--as-of", AS_OF]).assert_ok();
    let payments: serde_json::Value = serde_json::from_str(&project.read("site/payments/status.json")).unwrap();
    let qa: serde_json::Value = serde_json::from_str(&project.read("site/qa/status.json")).unwrap();
    let groups = |s: &serde_json::Value| {
        s["gate_groups"].as_array().unwrap().iter().map(|g| g["name"].to_string()).collect::<Vec<_>>()
    };
    assert_eq!(groups(&payments), ["\"Migration\"", "\"Release\""]);
    assert_eq!(groups(&qa), ["\"Release\""]);
    for plan in ["qa", "payments"] {
        assert!(project.path().join(format!("site/{plan}/revisions/w1/index.html")).is_file(), "{plan}");
    }
}

#[test]
fn content_and_plans_together_are_refused() {
    let project = portfolio();
    project.write("content/plan.md", "+++\ntitle = \"Stray\"\n+++\n");
    project
        .run(&["build"])
        .assert_fails()
        .assert_stderr("holds both `content/` (one plan) and `plans/` (a portfolio of plans)");
}

/// The portfolio with audiences of its own and two weeks of history: in week 2 the QA plan
/// becomes GO (its blocker resolved, its gate passed) and gets a confidential blocker.
fn two_weeks_of_portfolio() -> Project {
    let project = portfolio();
    let config = project.read("statuspress.toml");
    let email = "[email]\nfrom = \"PMO <pmo@example.com>\"\n\n[email.smtp]\nhost = \"localhost\"\nport = 2525\n";
    project.write("statuspress.toml", &format!("{config}\n{email}"));
    project.write(
        "audiences/sponsors.md",
        "+++\ntitle = \"Sponsors\"\nrecipients = [\"sponsor@example.com\"]\nexternal = true\n+++\n",
    );
    project
        .write("audiences/office.md", "+++\ntitle = \"Programme office\"\nrecipients = [\"pmo@example.com\"]\n+++\n");
    // The payments plan stays as it is: reviewed on time, nothing changes in week 2.
    let plan = project.read("plans/payments/content/plan.md");
    let review = plan.lines().find(|l| l.starts_with("next_review")).unwrap().to_string();
    project.write("plans/payments/content/plan.md", &plan.replace(&review, "next_review = 2025-12-31"));
    project.write(
        "plans/payments/content/milestones/cutover.md",
        "+++\ntitle = \"Cut-over weekend\"\nend = 2025-12-20\n+++\n",
    );
    project.git_init();
    project.revision("w1", "2025-08-12", "Zoe", "Week 1");
    let blocker =
        project.read("plans/qa/content/blockers/B-2.md").replace("status = \"open\"", "status = \"resolved\"");
    project.write("plans/qa/content/blockers/B-2.md", &blocker);
    let gate = project.read("plans/qa/content/gates/g-regression.md").replace("+++\n\n", "+++\n");
    project.write(
        "plans/qa/content/gates/g-regression.md",
        &gate.replace("group = \"Release\"", "group = \"Release\"\nstatus = \"passed\""),
    );
    project.write(
        "plans/qa/content/blockers/conf-merger.md",
        "+++\ntitle = \"Secret merger blocker\"\nseverity = \"high\"\nstatus = \"open\"\nconfidential = true\n+++\n",
    );
    project.revision("w2", "2025-08-19", "Zoe", "Week 2");
    project
}

#[test]
fn the_digest_escapes_every_field_taken_from_a_record() {
    let project = two_weeks_of_portfolio();
    let hostile = common::HOSTILE.replace('"', "'");
    let blocker = format!("+++\ntitle = \"Blocked {hostile}\"\nseverity = \"high\"\nstatus = \"open\"\n+++\n");
    project.write("plans/qa/content/blockers/B-7.md", &blocker);
    let plan = project.read("plans/qa/content/plan.md");
    let title = plan.lines().find(|l| l.starts_with("title")).unwrap().to_string();
    project.write("plans/qa/content/plan.md", &plan.replace(&title, &format!("title = \"QA {hostile}\"")));
    project.revision("w3", "2025-08-20", "Zoe", "Week 3");
    let digest = project.run(&["report", "--as-of", "2025-08-27", "--week", "2025-W34"]);
    digest.assert_ok();
    common::assert_inert_markdown(&digest.stdout);
}

#[test]
fn the_digest_leads_with_the_plans_that_moved_and_keeps_secrets_from_outsiders() {
    let project = two_weeks_of_portfolio();
    let week = ["--as-of", "2025-08-20", "--week", "2025-W34"];
    let internal = project.run(&[&["report"][..], &week[..]].concat());
    internal.assert_ok();
    let digest = &internal.stdout;
    let qa = digest.find("## QA coordination: GO").unwrap_or_else(|| panic!("{digest}"));
    let payments = digest.find("## Payments migration: NO-GO").unwrap_or_else(|| panic!("{digest}"));
    assert!(qa < payments, "the plan whose readiness moved comes first:\n{digest}");
    assert!(digest.contains("**Readiness NO-GO → GO.**") && digest.contains("Secret merger blocker"), "{digest}");

    let external = project.run(&[&["report", "--audience", "sponsors", "--format", "eml"][..], &week[..]].concat());
    external.assert_ok();
    assert!(external.stdout.contains("To: Sponsors: ;\r\n"), "the audience, no address:\n{}", external.stdout);
    assert!(!external.stdout.contains("sponsor@example.com"), "{}", external.stdout);
    assert!(external.stdout.contains("Subject: [Delivery portfolio] Week 2025-W34: 2 plans, 1 NO-GO"));
    assert!(!external.stdout.contains("Secret merger") && !external.stdout.contains("conf-merger"));

    let sent = project.run(&[&["send", "--dry-run"][..], &week[..]].concat());
    sent.assert_ok()
        .assert_stderr("skipped 2025-W34 for sponsor@example.com (sponsors): dry run: would send “[Delivery portfolio] Week 2025-W34: 2 plans, 1 NO-GO”")
        .assert_stderr("skipped 2025-W34 for pmo@example.com (office): dry run");

    // One plan's own report, on request.
    let qa_report = project.run(&[&["report", "--plan", "qa"][..], &week[..]].concat());
    qa_report.assert_ok();
    assert!(qa_report.stdout.starts_with("# QA coordination — week 2025-W34"), "{}", qa_report.stdout);
    project
        .run(&[&["report", "--plan", "q"][..], &week[..]].concat())
        .assert_fails()
        .assert_stderr("did you mean `qa`?");
}

#[test]
fn diff_compares_every_plan_or_the_one_asked_for() {
    let project = two_weeks_of_portfolio();
    let all = project.run(&["diff", "w1", "w2", "--as-of", "2025-08-20"]);
    all.assert_ok();
    let (payments, qa) = (all.stdout.find("== plan payments ==").unwrap(), all.stdout.find("== plan qa ==").unwrap());
    assert!(payments < qa, "{}", all.stdout);
    assert!(all.stdout[qa..].contains("readiness NO-GO → GO"), "{}", all.stdout);
    let json = project.run(&["diff", "w1", "w2", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert!(value["qa"]["readiness"].is_object() && value["payments"].is_object(), "{value:#}");
    let one = project.run(&["diff", "w1", "w2", "--plan", "qa", "--format", "markdown"]);
    one.assert_ok();
    assert!(!one.stdout.contains("plan payments") && one.stdout.contains("NO-GO → **GO**"), "{}", one.stdout);
}

#[test]
fn serve_says_it_previews_one_plan() {
    let project = portfolio();
    project
        .run(&["serve", "--port", "0"])
        .assert_fails()
        .assert_stderr("`serve` previews a project of one plan; this is a portfolio");
}

#[test]
fn a_portfolio_audience_site_keeps_every_plan_s_secrets() {
    let project = two_weeks_of_portfolio();
    project.run(&["build", "--as-of", "2025-08-20"]).assert_ok();
    project.run(&["build", "--as-of", "2025-08-20", "--audience", "sponsors"]).assert_ok();
    let scan = |dir: &str| {
        common::snapshot(&project.path().join(dir))
            .into_iter()
            .filter(|(_, bytes)| {
                let text = String::from_utf8_lossy(bytes);
                text.contains("Secret merger blocker") || text.contains("conf-merger")
            })
            .count()
    };
    assert!(scan("site") > 0, "the internal site holds the secret");
    assert_eq!(scan("site-sponsors"), 0, "the sponsors' site does not");
    let dashboard = project.read("site-sponsors/index.html");
    assert!(dashboard.contains("QA coordination") && dashboard.contains("Payments migration"));
}

/// `send` on a portfolio mails a digest to each of its audiences, each made from every plan's
/// report: each plan's history is read and derived once for all of them (issue 18).
#[test]
fn every_digest_of_a_run_shares_each_plans_history() {
    use statuspress::progress::{Silent, Stopwatch};
    let dir = tempfile::tempdir().unwrap();
    let today = statuspress::values::Date::parse("2025-08-31").unwrap();
    statuspress::init::init_portfolio(dir.path(), today).unwrap();
    let project = statuspress::project::Project::load(dir.path(), today).unwrap();
    let mut clock = Stopwatch::start();
    let read = |clock: &mut Stopwatch| -> Vec<usize> {
        project.plans().iter().map(|p| p.snapshots(today, &Silent, clock).unwrap().as_ptr() as usize).collect()
    };
    let (first, _, _) = project.digest(None, None, &mut clock).unwrap();
    let after_first = read(&mut clock);
    let (second, _, _) = project.digest(None, None, &mut clock).unwrap();
    assert_eq!(read(&mut clock), after_first, "the second digest read a plan's history again");
    assert_eq!(serde_json::to_string(&first).unwrap(), serde_json::to_string(&second).unwrap());
}
