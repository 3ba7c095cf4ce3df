//! Sites for one audience (`build --audience`, `[[site.variant]]`): an external audience's
//! site holds no byte of a confidential record, in any revision, nor another audience's
//! addresses; the internal site holds all of them (so the scan can find them).

mod common;

use std::path::Path;

use common::{Project, two_weeks};

/// What must never reach the sponsors: ids, titles and body text of confidential records,
/// and the team's addresses.
const SECRETS: &[&str] = &[
    "B-9",
    "Secret vendor outage",
    "Only for us.",
    "conf-breach",
    "Tenant data breach",
    "forensics are under way",
    "conf-old",
    "Quietly dropped idea",
    "conf-later",
    "Acquisition talks",
    "dev@example.com",
    "lead@example.com",
];

/// The two-week fixture (confidential B-9, external sponsors) with more secrets: a
/// confidential critical blocker that blocks the release gate and that an action and the
/// readiness name, a confidential decision removed in week 2 (a tombstone), and a risk
/// that was public in week 1 and became confidential in week 2.
fn project() -> Project {
    let breach = "+++\ntitle = \"Tenant data breach\"\nseverity = \"critical\"\nstatus = \"open\"\nblocks = [\"g-1\"]\nconfidential = true\n+++\nforensics are under way\n";
    let old =
        "+++\ntitle = \"Quietly dropped idea\"\ndecision = \"no\"\nconfidential = true\n+++\nnobody outside may know\n";
    let later = |confidential: bool| {
        format!("+++\ntitle = \"Acquisition talks\"\nlikelihood = 4\nimpact = 5\nconfidential = {confidential}\n+++\n")
    };
    let project = two_weeks(
        "[site]\nbase_url = \"https://status.example.com/\"\n\n[[site.variant]]\naudience = \"sponsors\"\noutput = \"public\"\n",
        &["dev@example.com", "lead@example.com"],
        &[
            ("content/blockers/conf-breach.md", breach),
            ("content/decisions/conf-old.md", old),
            ("content/risks/conf-later.md", &later(false)),
            (
                "content/actions/a-1.md",
                "+++\ntitle = \"Call the vendor\"\nrelates_to = [\"conf-breach\", \"B-1\"]\n+++\n",
            ),
        ],
    );
    // A third revision: the decision goes, the risk becomes confidential.
    project.remove("content/decisions/conf-old.md");
    project.write("content/risks/conf-later.md", &later(true));
    project.revision("w3", "2025-08-26", "Zoe", "Week 3");
    project
}

/// Every file under `dir` that contains one of `needles`, with the needle.
fn found(dir: &Path, needles: &[&str]) -> Vec<String> {
    let mut hits = Vec::new();
    for (path, bytes) in common::snapshot(dir) {
        let text = String::from_utf8_lossy(&bytes);
        for needle in needles {
            if text.contains(needle) {
                hits.push(format!("{} holds {needle:?}", path.display()));
            }
        }
    }
    hits
}

#[test]
fn an_external_audience_site_holds_no_confidential_byte_and_the_internal_one_holds_them_all() {
    let project = project();
    project.run(&["build", "--as-of", "2025-08-27"]).assert_ok().assert_stderr("for audience `sponsors` into");
    let internal = project.path().join("site");
    let external = project.path().join("public");
    assert!(external.join("index.html").is_file() && external.join("revisions/w1/index.html").is_file());
    for needle in SECRETS {
        assert!(!found(&internal, &[needle]).is_empty(), "the internal site lacks {needle:?}: the scan proves nothing");
    }
    let leaks = found(&external, SECRETS);
    assert!(leaks.is_empty(), "the sponsors' site leaks:\n{}", leaks.join("\n"));

    // It is still the same plan: the verdict stands, its hidden reasons are counted.
    let dashboard = std::fs::read_to_string(external.join("index.html")).unwrap();
    assert!(dashboard.contains("NO-GO") && dashboard.contains("1 confidential record"), "{dashboard}");
    let status = std::fs::read_to_string(external.join("status.json")).unwrap();
    assert!(status.contains("1 confidential record"), "{status}");
    // Its counts are those of what it lists (B-1 alone), on the dashboard as in status.json.
    let status = common::strict_json(&status);
    let (counts, items) = (&status["counts"], &status["items"]);
    let listed = |kind: &str| items[kind].as_array().unwrap().len();
    let open = items["blockers"].as_array().unwrap().iter().filter(|b| b["derived"]["unresolved"] == true).count();
    assert_eq!((counts["blockers"].as_u64(), counts["blockers_unresolved"].as_u64()), (Some(1), Some(open as u64)));
    assert_eq!(counts["blockers_critical_unresolved"], 0);
    for (count, kind) in [("risks", "risks"), ("decisions", "decisions"), ("actions", "actions"), ("gates", "gates")] {
        assert_eq!(counts[count].as_u64(), Some(listed(kind) as u64), "{count}");
    }
    assert!(dashboard.contains(&format!("<b>{open}</b><span>of 1 blocker")), "{dashboard}");
    assert!(dashboard.contains("the site for Sponsors"));
    assert!(external.join("blockers/B-1.html").is_file() && !external.join("blockers/B-9.html").exists());
    // Its reports are the sponsors' own, with the sponsors' email only.
    let week = external.join("reports/2025-W34");
    assert!(week.join("sponsors.eml").is_file() && !week.join("team.eml").exists());
}

#[test]
fn an_internal_audience_site_keeps_confidential_records_but_not_other_audiences_addresses() {
    let project = project();
    let out = project.path().join("team-site");
    project
        .run(&["build", "--as-of", "2025-08-27", "--audience", "team", "--output", out.to_str().unwrap()])
        .assert_ok();
    assert!(found(&out, &["Tenant data breach"]).len() > 1, "the team sees confidential records");
    assert!(found(&out, &["po@example.com"]).is_empty(), "the sponsors' address is not in the team's site");
}

#[test]
fn an_unknown_audience_is_a_located_suggestion() {
    let project = project();
    project
        .run(&["build", "--audience", "sponsor"])
        .assert_fails()
        .assert_stderr("no audience `sponsor` to build a site for")
        .assert_stderr("did you mean `sponsors`?");
    assert!(!project.path().join("site-sponsor").exists());
}

#[test]
fn a_variant_output_outside_the_project_is_refused_where_it_is_written() {
    let project =
        Project::base_with(&[("statuspress.toml", "[[site.variant]]\naudience = \"x\"\noutput = \"../elsewhere\"\n")]);
    project
        .run(&["build"])
        .assert_fails()
        .assert_stderr("`output` of `[[site.variant]]` number 1 `../elsewhere` leads outside the project")
        .assert_stderr("statuspress.toml:3:10");
}

/// What the portfolio's outsiders must never see: a confidential blocker of `qa` that a
/// gate of `payments` waits on (`qa/B-SECRET`), and a confidential decision of `payments`
/// that an action of `qa` relates to (`payments/conf-pay`); ids, titles and text.
const PORTFOLIO_SECRETS: &[&str] = &[
    "B-SECRET",
    "Vendor fraud inquiry",
    "forged invoices",
    "conf-pay",
    "Layoffs in payments",
    "cut the team",
    "announce in March",
    "qa-team@example.com",
    // The portfolio's own internal audience (it is not in any plan's site at all).
    "pmo@example.com",
];

/// A portfolio of two plans whose records reference each other's confidential records, with
/// an external audience of the portfolio (`board`) and of each plan (`exec`, `outside`);
/// in week 2 the payments gate starts waiting on the secret blocker.
fn portfolio() -> Project {
    let gate = |depends: &str| {
        format!("+++\ntitle = \"Migration rehearsal\"\ngroup = \"Release\"\ndepends_on = [{depends}]\n+++\n")
    };
    let secret = |status: &str| {
        format!(
            "+++\ntitle = \"Vendor fraud inquiry\"\nseverity = \"critical\"\nstatus = \"{status}\"\nconfidential = true\n+++\nauditors found forged invoices\n"
        )
    };
    let external =
        |title: &str, to: &str| format!("+++\ntitle = \"{title}\"\nrecipients = [\"{to}\"]\nexternal = true\n+++\n");
    let project = Project::new(&[
        (
            "statuspress.toml",
            "[site]\ntitle = \"Delivery portfolio\"\nbase_url = \"https://status.example.com/\"\n\n[gates]\ngroups = [\"Release\"]\nrelease_group = \"Release\"\n",
        ),
        ("audiences/board.md", &external("Board", "board@example.com")),
        ("audiences/office.md", "+++\ntitle = \"Programme office\"\nrecipients = [\"pmo@example.com\"]\n+++\n"),
        ("plans/qa/content/plan.md", "+++\ntitle = \"QA coordination\"\nstart = 2025-08-11\n+++\nTesting.\n"),
        ("plans/qa/content/blockers/B-SECRET.md", &secret("open")),
        (
            "plans/qa/content/blockers/B-2.md",
            "+++\ntitle = \"Sandbox unreachable\"\nseverity = \"critical\"\nstatus = \"open\"\nblocks = [\"g-regression\"]\n+++\n",
        ),
        ("plans/qa/content/gates/g-regression.md", "+++\ntitle = \"Regression green\"\ngroup = \"Release\"\n+++\n"),
        (
            "plans/qa/content/actions/A-1.md",
            "+++\ntitle = \"Brief the payments team\"\nrelates_to = [\"B-2\", \"payments/conf-pay\"]\n+++\n",
        ),
        ("plans/qa/content/audiences/outside.md", &external("Outside", "outside@example.com")),
        (
            "plans/qa/content/audiences/team.md",
            "+++\ntitle = \"QA team\"\nrecipients = [\"qa-team@example.com\"]\n+++\n",
        ),
        ("plans/payments/content/plan.md", "+++\ntitle = \"Payments migration\"\nstart = 2025-08-11\n+++\nMoving.\n"),
        ("plans/payments/content/gates/g-migrate.md", &gate("\"qa/B-2\"")),
        (
            "plans/payments/content/decisions/conf-pay.md",
            "+++\ntitle = \"Layoffs in payments\"\ndecision = \"cut the team\"\nconfidential = true\n+++\nannounce in March\n",
        ),
        ("plans/payments/content/audiences/exec.md", &external("Executives", "exec@example.com")),
    ]);
    project.git_init();
    project.revision("w1", "2025-08-12", "Zoe", "Week 1");
    project.write("plans/payments/content/gates/g-migrate.md", &gate("\"qa/B-2\", \"qa/B-SECRET\""));
    project.write("plans/qa/content/blockers/B-SECRET.md", &secret("in-progress"));
    project.revision("w2", "2025-08-19", "Zoe", "Week 2");
    project
}

/// Every needle of `needles` found in `text` (ignoring case: ids match without it).
fn found_in(text: &str, needles: &[&str]) -> Vec<String> {
    let text = text.to_lowercase();
    needles.iter().filter(|n| text.contains(&n.to_lowercase())).map(|n| n.to_string()).collect()
}

#[test]
fn a_portfolio_s_outsiders_see_no_confidential_record_of_any_plan_by_any_route() {
    let project = portfolio();
    let week = ["--as-of", "2025-08-20", "--week", "2025-W34"];
    project.run(&["build", "--as-of", "2025-08-20"]).assert_ok();
    project.run(&["build", "--as-of", "2025-08-20", "--audience", "board"]).assert_ok();
    // The scan finds every secret where it is allowed: the internal site, across plans too.
    let gate = project.read("site/payments/gates/g-migrate.html");
    assert!(found_in(&gate, &["qa/B-SECRET", "Vendor fraud inquiry"]).len() == 2, "{gate}");
    for needle in &PORTFOLIO_SECRETS[..PORTFOLIO_SECRETS.len() - 1] {
        assert!(!found(&project.path().join("site"), &[needle]).is_empty(), "the internal site lacks {needle:?}");
    }
    let mut leaks = found(&project.path().join("site-board"), PORTFOLIO_SECRETS);
    // The board's digest and each plan's report for its outsiders, in every format.
    let formats = ["markdown", "text", "html", "eml", "json"];
    let asked: [&[&str]; 3] = [
        &["--audience", "board"],
        &["--plan", "payments", "--audience", "exec"],
        &["--plan", "qa", "--audience", "outside"],
    ];
    for who in asked {
        for format in formats {
            let args = [&["report", "--format", format][..], who, &week[..]].concat();
            let run = project.run(&args);
            run.assert_ok();
            leaks.extend(found_in(&run.stdout, PORTFOLIO_SECRETS).into_iter().map(|n| format!("{args:?} holds {n:?}")));
        }
    }
    assert!(leaks.is_empty(), "outsiders see:\n{}", leaks.join("\n"));
    // Still the same plans: the payments gate waits, and says on what it may.
    let payments = project.read("site-board/payments/status.json");
    assert!(payments.contains("1 confidential record"), "{payments}");
    let digest = project.run(&[&["report", "--audience", "board", "--format", "text"][..], &week[..]].concat());
    let plans = found_in(&digest.stdout, &["Payments migration", "QA coordination", "nothing changed this week"]);
    assert_eq!(plans.len(), 3, "a change that only touched secrets is no change to outsiders:\n{}", digest.stdout);
}

#[test]
fn a_report_hides_what_was_ever_confidential_as_the_site_does() {
    // An action confidential in weeks 1 and 2 and public from week 3 on: the site never
    // shows it to the sponsors, so neither may their report of week 4 (weeks 3 and 4).
    let action = |confidential: bool, status: &str| {
        format!(
            "+++\ntitle = \"Renegotiate the vendor contract\"\nstatus = \"{status}\"\ndue = 2025-09-10\nconfidential = {confidential}\n+++\n"
        )
    };
    let project = two_weeks("", &["dev@example.com"], &[("content/actions/a-9.md", &action(true, "todo"))]);
    project.write("content/actions/a-9.md", &action(false, "in-progress"));
    project.revision("w3", "2025-08-26", "Zoe", "Week 3");
    project.write("content/actions/a-9.md", &action(false, "blocked"));
    project.revision("w4", "2025-09-02", "Zoe", "Week 4");
    let week = ["--as-of", "2025-09-08", "--week", "2025-W36"];
    project.run(&["build", "--as-of", "2025-09-08", "--audience", "sponsors"]).assert_ok();
    let seen = found(&project.path().join("site-sponsors"), &["Renegotiate"]);
    assert!(seen.is_empty(), "{seen:?}");
    for format in ["eml", "markdown", "text", "json"] {
        let run = project.run(&[&["report", "--audience", "sponsors", "--format", format][..], &week[..]].concat());
        run.assert_ok();
        assert!(!run.stdout.contains("Renegotiate") && !run.stdout.contains("a-9"), "{format}:\n{}", run.stdout);
    }
    let internal = project.run(&[&["report", "--format", "text"][..], &week[..]].concat());
    assert!(internal.stdout.contains("Renegotiate"), "{}", internal.stdout);
}

#[test]
fn a_revision_message_naming_a_confidential_record_is_withheld_from_outsiders() {
    // The author's words are not a record, but "B-9" in them names one: the sponsors may not
    // read that message on their site, in its feed, in their report or their email.
    let project = two_weeks("[site]\nbase_url = \"https://status.example.com/\"\n", &["dev@example.com"], &[]);
    project.write(
        "content/metrics/pass.md",
        "+++\ntitle = \"Test pass rate\"\nunit = \"%\"\ntarget = \"> 90\"\nvalue = 95\n+++\n",
    );
    project.revision("w3", "2025-08-26", "Zoe", "Week 3: B-9 contained, vendor back online");
    let told = "vendor back online";
    project.run(&["build", "--as-of", "2025-08-28", "--audience", "sponsors"]).assert_ok();
    let seen = found(&project.path().join("site-sponsors"), &[told]);
    assert!(seen.is_empty(), "{seen:?}");
    assert!(!found(&project.path().join("site-sponsors"), &["names a record this audience may not see"]).is_empty());
    let week = ["--as-of", "2025-08-28", "--week", "2025-W35"];
    for format in ["eml", "markdown"] {
        let run = project.run(&[&["report", "--audience", "sponsors", "--format", format][..], &week[..]].concat());
        assert!(!run.assert_ok().stdout.contains(told), "{format}:\n{}", run.stdout);
    }
    // The full site's emails to the sponsors too; the team reads the message everywhere.
    project.run(&["build", "--as-of", "2025-08-28"]).assert_ok();
    let eml = std::fs::read_to_string(project.path().join("site/reports/2025-W35/sponsors.eml")).unwrap();
    assert!(!eml.contains(told), "{eml}");
    assert!(!found(&project.path().join("site/revisions"), &[told]).is_empty());
    let team = project.run(&[&["report", "--format", "markdown"][..], &week[..]].concat());
    assert!(team.assert_ok().stdout.contains(told), "{}", team.stdout);
}
