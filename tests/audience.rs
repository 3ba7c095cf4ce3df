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
    assert!(dashboard.contains("NO-GO") && dashboard.contains("1 critical blocker open (confidential)"), "{dashboard}");
    let status = std::fs::read_to_string(external.join("status.json")).unwrap();
    assert!(status.contains("1 more reason concerning confidential records"), "{status}");
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
