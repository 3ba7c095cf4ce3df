//! The built site as a reader meets it: clear time (archive banners, titles and icons that
//! name their own readiness, an overdue review), navigation (contents, previous/next,
//! linked reasons, every page reachable) and the wording of what changed. Real binary,
//! real git history, assertions on the HTML.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::Project;

fn plan(health: &str) -> String {
    format!(
        "+++\ntitle = \"Launch Plan\"\nstart = 2025-08-11\nnext_review = 2025-08-13\nhealth = \"{health}\"\n+++\nSummary.\n"
    )
}

fn blocker(title: &str, status: &str, extra: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\nseverity = \"critical\"\nstatus = \"{status}\"\nblocks = [\"g-1\"]\n{extra}+++\n"
    )
}

fn milestone(weeks: &str) -> String {
    format!("+++\ntitle = \"Remediation\"\nweeks = {weeks}\n+++\n")
}

/// Three weekly revisions, tagged w1, w2 and w3:
/// w1 (2025-08-12): B-1 and B-2 critical and open, gate g-1 pending → NO-GO; metric `pass`
///   measured, metric `uptime` (with its own `source`) never measured; risk r-2 closed with a
///   high score; milestone m-1 in weeks 2–3; action A-1 due 2025-08-01; a section.
/// w2 (2025-08-19): B-1 resolved on 2025-08-20, m-1 in weeks 2–4, declared health red → amber.
/// w3 (2025-08-26): B-2 resolved too, g-1 passed → GO; A-1 removed.
fn weekly() -> Project {
    let project = Project::new(&[
        ("content/plan.md", &plan("red")),
        ("content/blockers/B-1.md", &blocker("DB down", "open", "")),
        ("content/blockers/B-2.md", &blocker("Auth broken", "open", "")),
        ("content/gates/g-1.md", "+++\ntitle = \"Release gate\"\ngroup = \"Release\"\n+++\n"),
        ("content/risks/r-1.md", "+++\ntitle = \"Timeline\"\nlikelihood = 4\nimpact = 4\n+++\n"),
        ("content/risks/r-2.md", "+++\ntitle = \"Vendor\"\nlikelihood = 4\nimpact = 5\nstatus = \"closed\"\n+++\n"),
        ("content/metrics/pass.md", "+++\ntitle = \"Pass rate\"\nunit = \"%\"\ntarget = \"> 90\"\nvalue = 57.1\n+++\n"),
        (
            "content/metrics/uptime.md",
            "+++\ntitle = \"Uptime\"\nunit = \"%\"\ntarget = \">= 99\"\nsource = \"Grafana uptime board\"\n+++\n",
        ),
        ("content/milestones/m-1.md", &milestone("[2, 3]")),
        ("content/actions/A-1.md", "+++\ntitle = \"Escalate\"\ndue = 2025-08-01\n+++\n"),
        ("content/sections/approach.md", "+++\ntitle = \"Approach\"\norder = 15\n+++\nHow we work.\n"),
    ]);
    project.git_init();
    project.revision("w1", "2025-08-12", "Zoe", "Week 1");
    project.write("content/blockers/B-1.md", &blocker("DB down", "resolved", "resolved_on = 2025-08-20\n"));
    project.write("content/milestones/m-1.md", &milestone("[2, 3, 4]"));
    project.write("content/plan.md", &plan("amber"));
    project.revision("w2", "2025-08-19", "Priya", "Week 2");
    project.write("content/blockers/B-2.md", &blocker("Auth broken", "resolved", ""));
    project.write(
        "content/gates/g-1.md",
        "+++\ntitle = \"Release gate\"\ngroup = \"Release\"\nstatus = \"passed\"\n+++\n",
    );
    project.remove("content/actions/A-1.md");
    project.revision("w3", "2025-08-26", "Zoe", "Week 3");
    project
}

fn build(project: &Project, as_of: &str) -> common::Run {
    let site = project.path().join("site");
    let run = project.run(&["build", "--as-of", as_of, "--output", site.to_str().expect("a UTF-8 path")]);
    run.assert_ok();
    run
}

fn title(html: &str) -> &str {
    let start = html.find("<title>").expect("a title") + "<title>".len();
    &html[start..start + html[start..].find("</title>").expect("a closed title")]
}

/// The table row (`<tr>…</tr>`) that contains `needle`.
fn row<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html.find(needle).unwrap_or_else(|| panic!("no {needle:?} in:\n{html}"));
    let start = html[..at].rfind("<tr").expect("a row");
    &html[start..at + html[at..].find("</tr>").expect("a row end")]
}

#[test]
fn list_page_titles_are_plain_text() {
    let project = weekly();
    build(&project, "2025-08-26");
    let actions = project.read("site/actions/index.html");
    assert!(actions.contains("<h2>Removed</h2>"), "A-1 was removed in w3");
    // The plan's review (2025-08-13) has passed: every current page says it is stale.
    assert_eq!(title(&actions), "GO · stale, review overdue by 13 days · Actions — Launch Plan");
}

#[test]
fn metric_pages_name_the_record_file_as_source() {
    let project = weekly();
    build(&project, "2025-08-26");
    let page = project.read("site/metrics/uptime.html");
    assert!(page.contains("Source: <code>content/metrics/uptime.md</code>"), "{page}");
    assert!(page.contains("<dt>Measured by</dt><dd>Grafana uptime board</dd>"), "{page}");
    let status: serde_json::Value = serde_json::from_str(&project.read("site/status.json")).unwrap();
    let uptime = &status["items"]["metrics"].as_array().unwrap().iter().find(|m| m["id"] == "uptime").unwrap();
    assert_eq!(uptime["source"], "content/metrics/uptime.md");
    assert_eq!(uptime["data_source"], "Grafana uptime board");
}

#[test]
fn first_report_has_no_trend_for_metrics_never_measured() {
    let project = weekly();
    build(&project, "2025-08-26");
    let report = project.read("site/reports/2025-W33/index.html");
    let uptime = row(&report, ">Uptime</a>");
    assert!(uptime.ends_with("<td>not measured</td>"), "{uptime}");
    assert!(!uptime.contains("same"), "{uptime}");
    assert!(row(&report, ">Pass rate</a>").contains("first measurement"), "{report}");
}

#[test]
fn change_text_reads_as_words() {
    let project = weekly();
    build(&project, "2025-08-26");
    let changes = project.read("site/revisions/w2/changes.html");
    for words in ["weeks 2–3 → 2–4", "resolved on 2025-08-20", "declared health red → amber"] {
        assert!(changes.contains(words), "missing {words:?} in:\n{changes}");
    }
    for raw in ["[2, 3]", "resolved_on", "set to 2025-08-20", ">plan</span>"] {
        assert!(!changes.contains(raw), "raw {raw:?} in:\n{changes}");
    }
    let text = project.run(&["diff", "w1", "w2"]);
    text.assert_ok();
    assert!(text.stdout.contains("~ plan “Launch Plan”\n    declared health red → amber\n"), "{}", text.stdout);
    let markdown = project.run(&["diff", "w1", "w2", "--format", "markdown"]);
    assert!(markdown.stdout.contains("- **Plan** Launch Plan — declared health red → amber"), "{}", markdown.stdout);
}

#[test]
fn computed_health_is_labelled_apart_from_the_declared_one() {
    let project = weekly();
    build(&project, "2025-08-26");
    // w1 → w2: computed health stays red (B-2 still open), the declared one moves.
    let w2 = project.read("site/revisions/w2/changes.html");
    assert!(!w2.contains("Health (computed)"), "{w2}");
    // w2 → w3: the computed health changes.
    let w3 = project.read("site/revisions/w3/changes.html");
    assert!(w3.contains("<li>Health (computed) <span class=\"health h-red\">red</span>"), "{w3}");
}

#[test]
fn closed_risks_get_a_neutral_badge() {
    let project = weekly();
    build(&project, "2025-08-26");
    let risks = project.read("site/risks/index.html");
    let closed = row(&risks, ">Vendor</a>");
    assert!(closed.contains("badge b-inactive\">20 critical, closed"), "{closed}");
    assert!(!closed.contains("b-critical"), "{closed}");
    assert!(row(&risks, ">Timeline</a>").contains("badge b-high\">16 high"), "{risks}");
    assert!(project.read("site/risks/r-2.html").contains("b-inactive"));
}

#[test]
fn overdue_tile_links_to_the_overdue_list_or_nowhere() {
    let project = weekly();
    build(&project, "2025-08-26");
    let index = project.read("site/index.html");
    assert!(index.contains("<div class=\"count\"><b>0</b><span>overdue</span></div>"), "{index}");
    assert!(!index.contains("href=\"plan.html\"><b>"), "no tile links to the plan");

    // A-1 is overdue in the working tree once it is back.
    project.write("content/actions/A-1.md", "+++\ntitle = \"Escalate\"\ndue = 2025-08-01\n+++\n");
    build(&project, "2025-08-26");
    let index = project.read("site/index.html");
    assert!(index.contains("<a class=\"count alert\" href=\"#overdue\"><b>1</b>"), "{index}");
    let panel = &index[index.find("id=\"overdue\"").expect("an overdue list")..];
    assert!(panel.contains("<a href=\"actions/A-1.html\">A-1</a> Escalate</td><td data-label=\"Due\">2025-08-01</td><td data-label=\"Late by\">25 days</td>"));
}

#[test]
fn revisions_and_reports_link_previous_and_next() {
    let project = weekly();
    build(&project, "2025-08-26");
    let w2 = project.read("site/revisions/w2/index.html");
    assert!(w2.contains("<a rel=\"prev\" href=\"../../revisions/w1/index.html\">← w1 (2025-08-12)</a>"), "{w2}");
    assert!(w2.contains("<a rel=\"next\" href=\"../../revisions/w3/index.html\">w3 (2025-08-26) →</a>"), "{w2}");
    let w1 = project.read("site/revisions/w1/index.html");
    assert!(!w1.contains("rel=\"prev\"") && w1.contains("rel=\"next\""));
    let report = project.read("site/reports/2025-W34/index.html");
    assert!(report.contains("<a rel=\"prev\" href=\"../../reports/2025-W33/index.html\">← 2025-W33</a>"), "{report}");
    assert!(report.contains("<a rel=\"next\" href=\"../../reports/2025-W35/index.html\">2025-W35 →</a>"), "{report}");
}

/// Site-relative targets of the `href`s of a page at `page` (fragments and external links
/// dropped, `..` resolved).
fn links(page: &str, html: &str) -> Vec<String> {
    let dir: Vec<&str> = page.split('/').collect::<Vec<_>>()[..page.matches('/').count()].to_vec();
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| !href.contains("://") && !href.starts_with('#') && !href.starts_with("mailto:"))
        .map(|href| {
            let mut parts: Vec<&str> = dir.clone();
            for part in href.split('#').next().unwrap_or("").split('/') {
                match part {
                    ".." => {
                        parts.pop();
                    }
                    "." | "" => {}
                    p => parts.push(p),
                }
            }
            parts.join("/")
        })
        .collect()
}

#[test]
fn every_page_is_reachable_from_the_dashboard() {
    let project = weekly();
    build(&project, "2025-08-26");
    let site = project.path().join("site");
    let mut seen = BTreeSet::from(["index.html".to_string()]);
    let mut queue = vec!["index.html".to_string()];
    while let Some(page) = queue.pop() {
        let Ok(html) = std::fs::read_to_string(site.join(&page)) else { continue };
        if !page.ends_with(".html") {
            continue;
        }
        for target in links(&page, &html) {
            if seen.insert(target.clone()) {
                queue.push(target);
            }
        }
    }
    let pages: Vec<String> = common::snapshot(&site)
        .into_iter()
        .map(|(path, _)| path.to_string_lossy().replace('\\', "/"))
        .filter(|path| path.ends_with(".html"))
        .collect();
    assert!(pages.contains(&"revisions/working/index.html".to_string()));
    assert!(pages.contains(&"sections/approach.html".to_string()));
    let unreachable: Vec<&String> = pages.iter().filter(|p| !seen.contains(*p)).collect();
    assert!(unreachable.is_empty(), "not linked from any page: {unreachable:?}");
}

#[test]
fn archived_pages_say_so_and_show_their_own_readiness_first() {
    let project = weekly();
    build(&project, "2025-08-26");
    let index = project.read("site/index.html");
    assert_eq!(title(&index), "GO · stale, review overdue by 13 days · Launch Plan");
    assert!(index.contains("<link rel=\"icon\" type=\"image/svg+xml\" href=\"assets/favicon-go.svg\">"));
    assert!(index.contains("<span class=\"now\">Now</span>"));
    assert!(!index.contains("Archived"));

    let w1 = project.read("site/revisions/w1/index.html");
    assert_eq!(title(&w1), "w1 · NO-GO · Launch Plan");
    assert!(w1.contains("href=\"../../assets/favicon-nogo.svg\""));
    assert!(w1.contains("Archived revision w1 (2025-08-12) — now: <span class=\"verdict go\">GO</span>, <a href=\"../../plan.html\">see the current plan</a>"), "{w1}");
    let changes = project.read("site/revisions/w2/changes.html");
    assert!(changes.contains("Archived changes of revision w2 (2025-08-19) — now: "), "{changes}");
    assert!(title(&changes).starts_with("w2 · NO-GO · "), "{}", title(&changes));
    let report = project.read("site/reports/2025-W33/index.html");
    assert!(title(&report).starts_with("2025-W33 · NO-GO · "), "{}", title(&report));
    assert!(report.contains(
        "Archived report of week 2025-W33, as of revision w1 (2025-08-12) — now: <span class=\"verdict go\">GO</span>"
    ));
    // The icons are real SVG in the readiness colours.
    let go = project.read("site/assets/favicon-go.svg");
    let nogo = project.read("site/assets/favicon-nogo.svg");
    assert!(go.starts_with("<svg") && go.contains("#137333") && nogo.contains("#b3261e"), "{go}\n{nogo}");
    // The working tree's page is the current plan, not an archive.
    assert!(!project.read("site/revisions/working/index.html").contains("Archived"));
}

#[test]
fn reasons_are_grouped_and_link_their_records() {
    let project = weekly();
    build(&project, "2025-08-26");
    let w1 = project.read("site/revisions/w1/index.html");
    assert!(
        w1.contains(
            "<li>2 critical blockers open: <a href=\"../../blockers/B-1.html\" title=\"DB down\">B-1</a>, \
             <a href=\"../../blockers/B-2.html\" title=\"Auth broken\">B-2</a></li>"
        ),
        "{w1}"
    );
    assert!(w1.contains("<li>1 release gate pending: <a href=\"../../gates/g-1.html\" title=\"Release gate\">g-1</a> “Release gate”</li>"), "{w1}");
    // status.json keeps its sentences and gains the groups.
    let status: serde_json::Value = serde_json::from_str(&project.read("site/status.json")).unwrap();
    assert_eq!(status["readiness"]["groups"], serde_json::json!([]));
    let groups = status["health"]["groups"].as_array().unwrap();
    let health = groups.iter().find(|g| g["text"] == "1 high risk open").expect("the risk's group");
    assert_eq!(health["refs"][0]["url"], "risks/r-1.html");
}

#[test]
fn a_passed_review_date_makes_the_plan_stale_on_every_current_page() {
    let project = weekly();
    // An uncommitted edit: the working tree is the current plan, as of the build date.
    project.write(
        "content/metrics/pass.md",
        "+++\ntitle = \"Pass rate\"\nunit = \"%\"\ntarget = \"> 90\"\nvalue = 95\n+++\n",
    );
    let run = build(&project, "2025-09-01");
    run.assert_stderr("plan is stale: review overdue by 19 days (due 2025-08-13)").assert_stderr("content/plan.md:4:");
    let index = project.read("site/index.html");
    // Last committed on 2025-08-26 (w3); the uncommitted edit does not make it fresh.
    let note = "<strong>Stale:</strong> review overdue by 19 days (due 2025-08-13). \
                This is the plan as of 2025-08-26, 6 days ago.</p>";
    assert!(index.contains(note), "{index}");
    assert!(index.contains("<p class=\"as-of\">as of 2025-08-26, 6 days ago · stale</p>"), "{index}");
    assert!(index.contains("verdict-card go stale"), "{index}");
    assert!(index.contains("<span class=\"stale\" title=\"review overdue by 19 days (due 2025-08-13)\">stale</span>"));
    assert_eq!(title(&index), "GO · stale, review overdue by 19 days · Launch Plan");
    assert!(project.read("site/plan.html").contains("<strong>Stale:</strong> review overdue by 19 days"));
    let status: serde_json::Value = serde_json::from_str(&project.read("site/status.json")).unwrap();
    assert_eq!((status["stale"]["since"].as_str(), status["stale"]["days"].as_i64()), (Some("2025-08-26"), Some(6)));
    assert_eq!(status["health"]["reasons"][0], "the plan is stale: review overdue by 19 days (due 2025-08-13)");
}

#[test]
fn empty_states_say_so() {
    let project = weekly();
    build(&project, "2025-08-26");
    let index = project.read("site/index.html");
    assert!(index.contains("No open blockers: all 2 resolved."), "{index}");
    assert!(index.contains("<li>No open actions.</li>"), "{index}");
    let w3 = project.read("site/revisions/w3/index.html");
    assert!(w3.contains("<p class=\"muted\">No open blockers.</p>"), "{w3}");
}

#[test]
fn the_plan_page_has_contents_in_page_order() {
    let project = weekly();
    build(&project, "2025-08-26");
    let plan = project.read("site/plan.html");
    let toc = &plan[plan.find("<nav class=\"toc\"").expect("contents")..];
    let toc = &toc[..toc.find("</nav>").unwrap()];
    let entries: Vec<&str> = toc.split("<li><a href=\"#").skip(1).filter_map(|e| e.split('"').next()).collect();
    assert_eq!(entries, ["summary", "approach", "blockers", "gates", "risks", "metrics", "timeline"]);
    for anchor in &entries {
        assert!(plan.contains(&format!("<section id=\"{anchor}\">")), "no section #{anchor}");
    }
    assert!(Path::new(&project.path().join("site/sections/index.html")).is_file());
}

/// Pages load nothing from the network: a remote image in a body would be a tracking beacon.
/// It becomes a link (markdown) or shows its alt text (`<img>`), unless `[site] image_hosts`
/// names its host; a mistyped host is an error located in statuspress.toml.
#[test]
fn remote_images_are_not_loaded_unless_their_host_is_allowed() {
    let body = "Chart: ![burn-down](https://evil.example/t.gif)\n\n<img src=\"https://img.example.com/ok.png\" alt=\"pixel\">\n\n![local](../assets/map.png)\n";
    let project =
        Project::base_with(&[("content/blockers/B-1.md", &format!("{}{body}", blocker("DB down", "open", "")))]);
    project.run(&["build"]).assert_ok();
    let page = project.read("site/blockers/B-1.html");
    assert!(!page.contains("src=\"https://") && !page.contains("src=\"//"), "{page}");
    assert!(
        page.contains("Chart: <a href=\"https://evil.example/t.gif\"") && page.contains(">burn-down</a>"),
        "{page}"
    );
    assert!(page.contains("<img alt=\"pixel\">") && page.contains("<img src=\"../assets/map.png\""), "{page}");

    project.write("statuspress.toml", "[site]\nimage_hosts = [\"img.example.com\"]\n");
    project.run(&["build"]).assert_ok();
    let page = project.read("site/blockers/B-1.html");
    assert!(page.contains("<img src=\"https://img.example.com/ok.png\""), "{page}");
    assert!(!page.contains("src=\"https://evil"), "{page}");

    project.write("statuspress.toml", "[site]\nimage_hosts = [\"https://img.example.com/\"]\n");
    project
        .run(&["check"])
        .assert_fails()
        .assert_stderr("statuspress.toml:2:15")
        .assert_stderr("write the host alone: \"img.example.com\"");
}

/// Counts of one say it in the singular, states read as words, a one-day milestone gives its
/// date once, grades show one way, and a risk's overdue review says what to do with a risk.
#[test]
fn numbers_and_states_read_as_words() {
    let project = Project::new(&[
        ("content/plan.md", "+++\ntitle = \"Launch\"\nstart = 2025-08-11\nnext_review = 2025-08-11\n+++\n"),
        ("content/blockers/B-1.md", &blocker("DB down", "in-progress", "")),
        ("content/gates/g-1.md", "+++\ntitle = \"Release gate\"\ngroup = \"Release\"\n+++\n"),
        ("content/risks/r-1.md", "+++\ntitle = \"Vendor\"\nlikelihood = 4\nimpact = 4\nreview = 2025-08-11\n+++\n"),
        ("content/actions/A-1.md", "+++\ntitle = \"Escalate\"\ndue = 2025-08-11\n+++\n"),
        ("content/milestones/m-1.md", "+++\ntitle = \"Cut-over\"\nstart = 2025-08-20\nend = 2025-08-20\n+++\n"),
        ("content/metrics/lag.md", "+++\ntitle = \"Lag\"\nunit = \"s\"\ntarget = \"<= 5\"\nvalue = 45\n+++\n"),
        ("content/metrics/uptime.md", "+++\ntitle = \"Uptime\"\nunit = \"%\"\ntarget = \">= 99\"\n+++\n"),
        (
            "content/assessments/review.md",
            "+++\ntitle = \"Review\"\ngrade = \"B+\"\nscore = 85\nmax_score = 100\n+++\n",
        ),
    ]);
    let run = build(&project, "2025-08-12");
    let dashboard = project.read("site/index.html");
    for words in [
        "review overdue by 1 day (due 2025-08-11)",
        "<span>of 1 blocker open</span>",
        "<span>high or critical risk</span>",
        "<span>action open</span>",
        "<td data-label=\"Late by\">1 day</td>",
        "<span class=\"muted\">2025-08-20</span>",
        "badge b-in-progress\">in progress<",
    ] {
        assert!(dashboard.contains(words), "{words:?} missing from:\n{dashboard}");
    }
    assert!(!dashboard.contains("1 days") && !dashboard.contains("· ends 2025-08-20"), "{dashboard}");
    let metrics = project.read("site/metrics/index.html");
    assert!(metrics.contains(">not met</span>") && metrics.contains(">not measured</span>"), "{metrics}");
    assert!(!metrics.contains(">not-met<") && !metrics.contains(">not-measured<"), "{metrics}");
    assert!(project.read("site/risks/r-1.html").contains(">overdue 1 day</span>"));
    let plan = project.read("site/plan.html");
    assert!(plan.contains("<strong>B+</strong> (85/100)") && !plan.contains("85.0"), "{plan}");
    assert!(plan.contains("<p class=\"muted\">2025-08-20</p>"), "{plan}");
    assert!(project.read("site/assessments/review.html").contains("B+ (85/100)"));
    assert!(run.stderr.contains("risk `r-1` is overdue: due 2025-08-11, 1 day ago"), "{}", run.stderr);
    assert!(run.stderr.contains("review the risk, then set `review` to its next review date"), "{}", run.stderr);
    let report = project.run(&["report", "--format", "text", "--as-of", "2025-08-12"]);
    let report = &report.assert_ok().stdout;
    assert!(report.contains("Lag: 45 s, target ≤ 5 s, not met") && report.contains("Uptime: not measured"), "{report}");
    assert!(report.contains("B-1 DB down (critical · in progress)") && !report.contains("1 days"), "{report}");
}
