//! The completion certification page: when readiness flips to GO, the revision's
//! `certification.html` lists each release gate with the revision and date it passed, its
//! criteria, the metrics against their targets and the approving decisions; no other
//! revision has one, and an external audience's shows no confidential record.

mod common;

use common::Project;

fn gate(title: &str, status: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ngroup = \"Release\"\nstatus = \"{status}\"\ncriteria = [{{ text = \"{title} criteria signed off\", met = true }}, \"{title} report filed\"]\n+++\n"
    )
}

const METRIC: &str = "+++\ntitle = \"Test pass rate\"\nunit = \"%\"\ntarget = \">= 90\"\nvalue = 93.4\n+++\n";
const DECISION: &str = "+++\ntitle = \"Production deployment approved\"\ndecision = \"Deploy on the 27th\"\ndate = 2025-08-26\nlinks = [\"g-2\"]\n+++\n";
const SECRET_DECISION: &str = "+++\ntitle = \"Vendor penalty waived quietly\"\ndecision = \"Waive the vendor penalty\"\nconfidential = true\nlinks = [\"g-2\"]\n+++\n";

/// Three weekly tags: g-1 passes in w1, g-2 fails in w2 and passes in w3 (GO), with an
/// approving decision, a confidential one, and an external audience.
fn three_weeks() -> Project {
    let project = Project::new(&[
        ("statuspress.toml", "[site]\nbase_url = \"https://status.example.com/\"\n"),
        ("content/plan.md", "+++\ntitle = \"Platform\"\nstart = 2025-08-11\n+++\nSummary.\n"),
        ("content/gates/g-1.md", &gate("Security validation", "passed")),
        ("content/gates/g-2.md", &gate("Load testing", "pending")),
        ("content/metrics/pass-rate.md", METRIC),
        (
            "content/audiences/sponsors.md",
            "+++\ntitle = \"Sponsors\"\nrecipients = [\"po@example.com\"]\nexternal = true\n+++\n",
        ),
    ]);
    project.git_init();
    project.revision("w1", "2025-08-12", "Zoe", "Week 1");
    project.write("content/gates/g-2.md", &gate("Load testing", "failed"));
    project.revision("w2", "2025-08-19", "Zoe", "Week 2");
    project.write("content/gates/g-2.md", &gate("Load testing", "passed"));
    project.write("content/decisions/d-1.md", DECISION);
    project.write("content/decisions/d-9.md", SECRET_DECISION);
    project.revision("w3", "2025-08-26", "Zoe", "Week 3: all gates passed");
    project
}

#[test]
fn the_go_revision_is_certified_with_each_gate_since_when_its_criteria_metrics_and_decisions() {
    let project = three_weeks();
    project.run(&["build", "--as-of", "2025-08-27"]).assert_ok();
    let page = project.read("site/revisions/w3/certification.html");
    assert!(page.contains("Certified GO at w3"), "{page}");
    // Every release gate with the revision and date it passed in: g-1 stayed passed since w1,
    // g-2 failed in w2 and passed in w3.
    let g1 = page.find("Security validation").expect("g-1 listed");
    let g2 = page.find("Load testing").expect("g-2 listed");
    assert!(g1 < g2, "gates in order");
    assert!(page[g1..g2].contains("Passed in <a href=\"../../revisions/w1/index.html\">w1</a> (2025-08-12)"), "{page}");
    assert!(page[g2..].contains("Passed in <a href=\"../../revisions/w3/index.html\">w3</a> (2025-08-26)"), "{page}");
    // Criteria, and which are checked.
    assert!(page.contains("Load testing criteria signed off — met"), "{page}");
    assert!(page.contains("Load testing report filed</li>"), "{page}");
    // The metrics against their targets, and the decisions that approved it.
    assert!(page.contains("Test pass rate") && page.contains("93.4%") && page.contains("≥ 90%"), "{page}");
    assert!(page.contains("Production deployment approved") && page.contains("Deploy on the 27th"), "{page}");
    assert!(page.contains("Vendor penalty waived quietly"), "the internal site shows every approving decision");

    // Only the revision that flipped to GO has one, and its page and the dashboard link to it.
    for rev in ["w1", "w2"] {
        assert!(!project.path().join(format!("site/revisions/{rev}/certification.html")).exists(), "{rev}");
        assert!(!project.read(&format!("site/revisions/{rev}/index.html")).contains("certification.html"));
    }
    assert!(project.read("site/revisions/w3/index.html").contains("href=\"certification.html\""));
    let dashboard = project.read("site/index.html");
    assert!(
        dashboard.contains("href=\"revisions/w3/certification.html\">Certified GO at w3 (2025-08-26)"),
        "{dashboard}"
    );
}

#[test]
fn an_external_audience_certification_shows_no_confidential_record() {
    let project = three_weeks();
    let out = project.path().join("public");
    project
        .run(&["build", "--as-of", "2025-08-27", "--audience", "sponsors", "--output", out.to_str().unwrap()])
        .assert_ok();
    let page = std::fs::read_to_string(out.join("revisions/w3/certification.html")).unwrap();
    assert!(page.contains("Production deployment approved") && page.contains("Load testing"), "{page}");
    assert!(!page.contains("Vendor penalty") && !page.contains("d-9"), "{page}");
}

#[test]
fn a_plan_that_stops_being_go_withdraws_the_dashboard_link_but_keeps_the_page() {
    let project = three_weeks();
    project.write("content/gates/g-2.md", &gate("Load testing", "failed"));
    project.revision("w4", "2025-09-02", "Zoe", "Week 4: load regressed");
    project.run(&["build", "--as-of", "2025-09-03"]).assert_ok();
    assert!(project.path().join("site/revisions/w3/certification.html").is_file());
    assert!(!project.read("site/index.html").contains("certification.html"));
}
