//! Finding things: the search index a build writes (`search-index.json` and the script that
//! carries it for pages opened from `file://`), the search box on every page and the row data
//! the list pages' filters and sorting read. The browser side is `qa/search.mjs`.

mod common;

use common::Project;

/// The base project with a confidential, owned, tagged blocker with a body, and an overdue action.
fn project() -> Project {
    Project::base_with(&[
        (
            "content/blockers/B-2.md",
            "+++\ntitle = \"Auth <b>broken</b>\"\nseverity = \"high\"\nstatus = \"in-progress\"\nowner = \"Priya\"\n\
             tags = [\"security\", \"on call\"]\nconfidential = true\n+++\n\
             Tokens expire early; see [the runbook](https://example.com/runbook).\n",
        ),
        ("content/actions/A-1.md", "+++\ntitle = \"Escalate\"\ndue = 2025-08-01\nowner = \"Zoe\"\n+++\n"),
    ])
}

fn index(project: &Project) -> serde_json::Value {
    serde_json::from_str(&project.read("site/search-index.json")).expect("search-index.json is JSON")
}

#[test]
fn the_index_has_every_current_record_with_its_words() {
    let project = project();
    project.run(&["build", "--as-of", "2025-08-12"]).assert_ok();
    let index = index(&project);
    let records = index["records"].as_array().expect("records");
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["B-1", "B-2", "g-1", "r-1", "A-1", "pass-rate"], "kind order, then as listed");
    let b2 = records.iter().find(|r| r["id"] == "B-2").unwrap();
    // Still in the internal site's index, though confidential.
    assert_eq!(b2["title"], "Auth <b>broken</b>", "record text is data, kept as written");
    assert_eq!(b2["kind"], "blocker");
    assert_eq!(b2["owner"], "Priya");
    assert_eq!(b2["tags"], serde_json::json!(["security", "on call"]));
    assert_eq!(b2["url"], "blockers/B-2.html");
    // Words map to record numbers as gaps: B-1 is 0, B-2 is 1.
    let words = index["words"].as_object().expect("words");
    let with = |word: &str| words.get(word).map(|gaps| gaps.to_string()).unwrap_or_default();
    // The body's text, not its link target; the text fields (severity, status) too.
    for word in ["early", "expire", "high", "progress", "runbook", "see", "tokens"] {
        assert_eq!(with(word), "[1]", "{word}");
    }
    assert_eq!(with("https"), "", "link targets are not words");
    assert_eq!(with("body"), "[0]");
    assert_eq!(with("open"), "[0,3]", "B-1 and r-1 (4th) are open");
    assert_eq!(with("todo"), "[4]", "A-1 (5th) has the default status");
}

#[test]
fn the_page_script_carries_the_same_index() {
    let project = project();
    project.run(&["build"]).assert_ok();
    let json = project.read("site/search-index.json");
    let script = project.read("site/assets/search-index.js");
    assert_eq!(script, format!("window.statuspressSearchIndex = {};\n", json.trim_end()));
}

#[test]
fn every_page_has_the_search_box_hidden_until_its_script_runs() {
    let project = project();
    project.run(&["build"]).assert_ok();
    for (page, root) in [("index.html", ""), ("blockers/index.html", "../"), ("blockers/B-2.html", "../")] {
        let html = project.read(&format!("site/{page}"));
        assert!(html.contains(&format!("<script defer src=\"{root}assets/site.js\"></script>")), "{page}");
        assert!(html.contains("<div class=\"search\" role=\"search\" hidden>"), "{page}");
        assert!(html.contains("<label class=\"visually-hidden\" for=\"search-q\">"), "{page}");
    }
    let script = project.read("site/assets/site.js");
    assert!(script.contains("assets/search-index.js"));
    assert!(!script.contains("innerHTML"), "record text goes in as text only");
}

#[test]
fn list_rows_carry_what_the_filters_and_sorting_read() {
    let project = project();
    project.run(&["build", "--as-of", "2025-08-12"]).assert_ok();
    let blockers = project.read("site/blockers/index.html");
    assert!(
        blockers.contains(
            "<table class=\"list stack k-blocker\" data-filter data-noun=\"blockers\" data-date-label=\"Due\">"
        )
    );
    assert!(
        blockers.contains(
            "<tr data-id=\"B-2\" data-title=\"Auth &lt;b&gt;broken&lt;/b&gt;\" data-status=\"in-progress\" \
             data-severity=\"high\" data-owner=\"Priya\" data-tags=\"security\non call\">"
        ),
        "{blockers}"
    );
    assert!(
        blockers
            .contains("<tr data-id=\"B-1\" data-title=\"DB down\" data-status=\"open\" data-severity=\"critical\">")
    );
    let actions = project.read("site/actions/index.html");
    assert!(
        actions.contains(
            "<tr class=\"overdue\" data-overdue=\"true\" data-id=\"A-1\" data-title=\"Escalate\" data-status=\"todo\" \
             data-owner=\"Zoe\" data-date=\"2025-08-01\">"
        ),
        "{actions}"
    );
    let risks = project.read("site/risks/index.html");
    assert!(
        risks.contains("data-id=\"r-1\" data-title=\"Risk\" data-status=\"open\" data-severity=\"high\""),
        "{risks}"
    );
}

#[test]
fn a_project_script_replaces_the_theme_script() {
    let project = project();
    project.write("templates/site.js", "/* our own */\n");
    project.run(&["build"]).assert_ok();
    assert_eq!(project.read("site/assets/site.js"), "/* our own */\n");
}
