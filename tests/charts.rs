//! Charts through the real binary: each chart's numbers, read back from the SVG of the
//! built site, against the model of the same revision (its `status.json`).

mod common;

use common::Project;
use serde_json::Value;

/// Three weekly revisions:
/// week-1: B-1 critical and B-2 high open, B-3 low in progress; r-1 at 4 × 5; pass rate
///         57.1%; m-1 ends 2025-09-05; release gate pending → NO-GO.
/// week-2: B-1 resolved; r-1 moves to 2 × 4; the pass rate is not measured; m-1 slips a week.
/// week-3: B-2 resolved, release gate passed; pass rate 92.4% → GO.
fn project() -> Project {
    let blocker = |severity: &str, status: &str| {
        format!("+++\ntitle = \"Blocker\"\nseverity = \"{severity}\"\nstatus = \"{status}\"\n+++\n")
    };
    let risk = |likelihood: u8, impact: u8| {
        format!("+++\ntitle = \"Schedule risk\"\nlikelihood = {likelihood}\nimpact = {impact}\n+++\n")
    };
    let metric = |value: &str| format!("+++\ntitle = \"Pass rate\"\nunit = \"%\"\ntarget = \"> 90\"\n{value}+++\n");
    let release = |status: &str| format!("+++\ntitle = \"Ship it\"\ngroup = \"Release\"\nstatus = \"{status}\"\n+++\n");
    let milestone = |end: &str| {
        format!("+++\ntitle = \"Remediation\"\nstart = 2025-08-18\nend = {end}\nstatus = \"in-progress\"\n+++\n")
    };
    let project = Project::new(&[
        ("statuspress.toml", "[gates]\ngroups = [\"Build\", \"Release\"]\n"),
        ("content/plan.md", "+++\ntitle = \"Plan\"\nstart = 2025-08-11\n+++\nSummary.\n"),
        ("content/blockers/B-1.md", &blocker("critical", "open")),
        ("content/blockers/B-2.md", &blocker("high", "open")),
        ("content/blockers/B-3.md", &blocker("low", "in-progress")),
        (
            "content/gates/g-1.md",
            "+++\ntitle = \"Builds\"\ngroup = \"Build\"\nstatus = \"passed\"\ncriteria = [{ text = \"green CI\", met = true }, { text = \"signed\", met = false }, \"reviewed\"]\n+++\n",
        ),
        ("content/gates/g-2.md", &release("pending")),
        ("content/risks/r-1.md", &risk(4, 5)),
        ("content/risks/r-2.md", "+++\ntitle = \"Closed one\"\nlikelihood = 3\nimpact = 3\nstatus = \"closed\"\n+++\n"),
        ("content/metrics/pass-rate.md", &metric("value = 57.1\n")),
        ("content/milestones/m-1.md", &milestone("2025-09-05")),
    ]);
    project.git_init();
    project.revision("week-1", "2025-08-12", "Zoe", "Week 1");
    project.write("content/blockers/B-1.md", &blocker("critical", "resolved"));
    project.write("content/risks/r-1.md", &risk(2, 4));
    project.write("content/metrics/pass-rate.md", &metric(""));
    project.write("content/milestones/m-1.md", &milestone("2025-09-12"));
    project.revision("week-2", "2025-08-19", "Zoe", "Week 2");
    project.write("content/blockers/B-2.md", &blocker("high", "resolved"));
    project.write("content/gates/g-2.md", &release("passed"));
    project.write("content/metrics/pass-rate.md", &metric("value = 92.4\n"));
    project.revision("week-3", "2025-08-26", "Zoe", "Week 3");
    project.run(&["build"]).assert_ok();
    project
}

/// The opening tags in `html` that start with `start` (`<rect class="cell`).
fn tags<'a>(html: &'a str, start: &str) -> Vec<&'a str> {
    html.match_indices(start).map(|(i, _)| &html[i..i + html[i..].find('>').unwrap_or(0) + 1]).collect()
}

/// The tag of `tags` whose attributes include every `name="value"` of `with`.
fn find<'a>(tags: &[&'a str], with: &[(&str, &str)]) -> &'a str {
    tags.iter()
        .find(|t| with.iter().all(|(k, v)| t.contains(&format!(" {k}=\"{v}\""))))
        .unwrap_or_else(|| panic!("no tag with {with:?} among {tags:#?}"))
}

fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    let start = tag.find(&format!(" {name}=\"")).unwrap_or_else(|| panic!("no {name} in {tag}")) + name.len() + 3;
    &tag[start..start + tag[start..].find('"').unwrap_or(0)]
}

fn number(tag: &str, name: &str) -> f64 {
    attr(tag, name).parse().unwrap_or_else(|_| panic!("{name} of {tag} is not a number"))
}

fn model(project: &Project, revision: &str) -> Value {
    serde_json::from_str(&project.read(&format!("site/revisions/{revision}/status.json"))).expect("status.json")
}

#[test]
fn heat_map_puts_each_live_risk_in_its_cell_with_an_arrow_from_where_it_was() {
    let project = project();
    let week1 = project.read("site/revisions/week-1/index.html");
    let status = model(&project, "week-1");
    let r1 = &status["items"]["risks"].as_array().unwrap()[0];
    assert_eq!((r1["likelihood"].as_i64(), r1["impact"].as_i64()), (Some(4), Some(5)));

    let cell = find(&tags(&week1, "<rect class=\"cell"), &[("data-likelihood", "4"), ("data-impact", "5")]);
    assert_eq!(attr(cell, "data-count"), "1");
    assert!(cell.contains("band-critical"), "score 20 is above the default high band (16): {cell}");
    let marker = find(&tags(&week1, "<a class=\"marker\""), &[("data-id", "r-1")]);
    assert_eq!((attr(marker, "data-likelihood"), attr(marker, "data-impact")), ("4", "5"));
    assert!(marker.contains("href=\"../../risks/r-1.html\""), "{marker}");
    // The marker's pill lies inside its cell.
    let pill_at = week1.find(marker).unwrap();
    let pill = tags(&week1[pill_at..], "<rect ")[0];
    let (x, y, size) = (number(cell, "x"), number(cell, "y"), number(cell, "width"));
    assert!(number(pill, "x") >= x && number(pill, "x") + number(pill, "width") <= x + size, "{pill} in {cell}");
    assert!(number(pill, "y") >= y && number(pill, "y") + number(pill, "height") <= y + size, "{pill} in {cell}");
    // Closed risks are not on the map.
    assert!(tags(&week1, "<a class=\"marker\"").iter().all(|t| !t.contains("r-2")));
    assert!(!week1.contains("class=\"moved\""), "the first revision has nothing to compare with");

    let week2 = project.read("site/revisions/week-2/index.html");
    find(&tags(&week2, "<a class=\"marker\""), &[("data-id", "r-1"), ("data-likelihood", "2"), ("data-impact", "4")]);
    assert!(week2.contains("r-1 moved from 4 × 5 to 2 × 4"), "an arrow from week-1's cell");
    assert!(week2.contains("<td>4 × 5</td>"), "the table says where it was");

    for page in ["site/index.html", "site/risks/index.html"] {
        let html = project.read(page);
        find(&tags(&html, "<a class=\"marker\""), &[("data-id", "r-1"), ("data-likelihood", "2")]);
        assert!(html.contains("role=\"group\" aria-labelledby=\"heatmap-t heatmap-d\""), "{page}");
    }
}

#[test]
fn burn_down_counts_open_blockers_by_severity_in_each_revision() {
    let project = project();
    let html = project.read("site/blockers/index.html");
    let bars = tags(&html, "<g class=\"bar\"");
    assert_eq!(bars.len(), 3);
    for revision in ["week-1", "week-2", "week-3"] {
        let status = model(&project, revision);
        let blockers = status["items"]["blockers"].as_array().unwrap();
        let open = |severity: &str| {
            blockers.iter().filter(|b| b["severity"] == severity && b["derived"]["unresolved"] == true).count()
        };
        let resolved = blockers.iter().filter(|b| b["status"] == "resolved").count();
        let bar = find(&bars, &[("data-revision", revision)]);
        let total: usize = ["critical", "high", "medium", "low"].iter().map(|s| open(s)).sum();
        assert_eq!(attr(bar, "data-open"), total.to_string(), "{revision}");
        assert_eq!(attr(bar, "data-resolved"), resolved.to_string(), "{revision}");
        // Each severity's segment holds that many blockers.
        let start = html.find(bar).unwrap();
        let group = &html[start..start + html[start..].find("</g>").unwrap()];
        for severity in ["critical", "high", "medium", "low"] {
            let segment = tags(group, "<rect class=\"sev-").into_iter().find(|t| attr(t, "data-severity") == severity);
            assert_eq!(segment.map_or(0, |t| attr(t, "data-count").parse().unwrap()), open(severity), "{revision}");
        }
    }
    let week1 = find(&bars, &[("data-revision", "week-1")]);
    assert_eq!((attr(week1, "data-open"), attr(week1, "data-resolved")), ("3", "0"));
    assert!(html.contains("week-2 (2025-08-19): 2 open, 1 high + 1 low; 1 resolved"));
}

#[test]
fn strip_shows_readiness_and_health_of_every_revision() {
    let project = project();
    for page in ["site/index.html", "site/revisions/index.html"] {
        let html = project.read(page);
        let cells = tags(&html, "<a class=\"strip-cell\"");
        for revision in ["week-1", "week-2", "week-3"] {
            let status = model(&project, revision);
            let cell = find(&cells, &[("data-revision", revision)]);
            assert_eq!(attr(cell, "data-readiness"), status["readiness"]["verdict"].as_str().unwrap(), "{page}");
            assert_eq!(attr(cell, "data-health"), status["health"]["computed"].as_str().unwrap(), "{page}");
        }
        assert_eq!(attr(find(&cells, &[("data-revision", "week-1")]), "data-readiness"), "NO-GO");
        assert!(html.contains("<title>week-1 (2025-08-12): NO-GO, health red</title>"), "{page}");
        assert!(html.contains("<title>week-3 (2025-08-26): GO, health green</title>"), "{page}");
    }
}

#[test]
fn gate_progress_counts_cleared_gates_per_group_and_met_criteria_per_gate() {
    let project = project();
    let status = model(&project, "week-1");
    let html = project.read("site/revisions/week-1/index.html");
    assert!(!html.contains("gate-row"), "revision pages list gates; the chart is the current one");
    let html = project.read("site/gates/index.html");
    let rows = tags(&html, "<g class=\"gate-row");
    let current = model(&project, "week-3");
    for group in current["gate_groups"].as_array().unwrap() {
        let row = find(&rows, &[("data-id", group["name"].as_str().unwrap())]);
        assert_eq!(attr(row, "data-done"), group["cleared"].to_string());
        assert_eq!(attr(row, "data-total"), group["gates"].as_array().unwrap().len().to_string());
    }
    assert_eq!(status["gate_groups"][1]["cleared"], 0, "week-1's release group was not cleared");
    let release = find(&rows, &[("data-id", "Release")]);
    assert_eq!((attr(release, "data-done"), attr(release, "data-total")), ("1", "1"));
    // g-1: one of its two checked criteria is met; the third says nothing.
    let g1 = find(&rows, &[("data-id", "g-1")]);
    assert_eq!((attr(g1, "data-done"), attr(g1, "data-total")), ("1", "2"));
    assert!(html.contains("Builds: 1/2 met · ✓ passed"));
    assert!(project.read("site/index.html").contains("<g class=\"gate-row group s-cleared\" data-id=\"Release\""));
}

#[test]
fn gantt_draws_the_baseline_and_labels_the_slip_in_days() {
    let project = project();
    for page in ["site/index.html", "site/plan.html"] {
        let html = project.read(page);
        let row = find(&tags(&html, "<g class=\"milestone"), &[("data-id", "m-1")]);
        assert_eq!(attr(row, "data-slip"), "7", "{page}");
        let start = html.find(row).unwrap();
        let group = &html[start..start + html[start..].find("</g>").unwrap()];
        assert!(group.contains(">+7 d</text>"), "{group}");
        // The ghost (2025-08-18 – 09-05) ends a week before the bar (2025-08-18 – 09-12).
        let ghost = tags(group, "<rect class=\"ghost\"")[0];
        let bar = tags(group, "<rect class=\"span\"")[0];
        assert_eq!(number(ghost, "x"), number(bar, "x"));
        let day = number(bar, "width") / 26.0;
        assert!((number(bar, "width") - number(ghost, "width") - 7.0 * day).abs() < 0.5, "{ghost} {bar}");
        let current: Value = serde_json::from_str(&project.read("site/status.json")).expect("status.json");
        assert!(html.contains(&format!(">as of {}</text>", current["as_of"].as_str().unwrap())), "the as-of line");
    }
}

#[test]
fn metric_chart_shows_each_value_and_a_gap_where_none_was_measured() {
    let project = project();
    let html = project.read("site/metrics/pass-rate.html");
    let points = tags(&html, "<g class=\"point");
    for revision in ["week-1", "week-2", "week-3"] {
        let status = model(&project, revision);
        let value = &status["items"]["metrics"][0]["value"];
        let point = find(&points, &[("data-revision", revision)]);
        assert_eq!(attr(point, "data-value"), value.as_f64().map_or(String::new(), |v| v.to_string()));
    }
    assert!(find(&points, &[("data-revision", "week-1")]).contains("not-met diamond"));
    assert!(find(&points, &[("data-revision", "week-2")]).contains(" gap\""));
    assert!(find(&points, &[("data-revision", "week-3")]).contains("met circle"));
    assert!(html.contains("<title>week-1 (2025-08-12): 57.1%, not met</title>"));
    assert!(html.contains("<title>week-2 (2025-08-19): not measured</title>"));
    // The gap splits the line: two one-point polylines, not one line through week-2.
    assert_eq!(html.matches("<polyline class=\"line\"").count(), 2);
    assert!(html.contains(">target &gt; 90%</text>") && html.contains(">Value (%)</text>"));
    assert!(html.contains(">100</text>") && html.contains(">0</text>"), "a percentage axis from 0 to 100");

    let list = project.read("site/metrics/index.html");
    assert!(list.contains("<svg class=\"sparkline\""), "metric lists get sparklines");
    assert!(list.contains("<title id=\"spark-pass-rate-t\">week-1 57.1% → week-3 92.4%</title>"));
}

#[test]
fn a_project_theme_redraws_a_chart_by_overriding_its_component() {
    let project = project();
    let theme = include_str!("../templates/charts.html").replace(
        "<rect class=\"cell band-{{ c.band }}\"",
        "<rect class=\"cell band-{{ c.band }}\" data-theme=\"ours\"",
    );
    project.write("templates/charts.html", &theme);
    project.run(&["build"]).assert_ok();
    let html = project.read("site/risks/index.html");
    assert_eq!(html.matches("data-theme=\"ours\"").count(), 25, "the project's heat map, all 25 cells");
}

#[test]
fn strip_labels_every_revision_in_bands_of_columns_wide_enough_for_them() {
    let project = Project::new(&[("content/plan.md", "+++\ntitle = \"Plan\"\nstart = 2025-01-06\n+++\nSummary.\n")]);
    project.git_init();
    let tags: Vec<String> = (1..=24).map(|n| format!("release-2025-{n:02}")).collect();
    for (n, tag) in tags.iter().enumerate() {
        project.revision(tag, &format!("2025-{:02}-{:02}", n / 4 + 1, n % 4 * 7 + 1), "Zoe", tag);
    }
    project.run(&["build"]).assert_ok();
    let html = project.read("site/index.html");
    let start = html.find("<figure class=\"chart-figure chart-strip\"").expect("the strip");
    let strip = &html[start..start + html[start..].find("</svg>").unwrap()];
    let cells = tags_in(strip);
    assert_eq!(cells.len(), 24);
    // Every column has its label, without the start all share ("release-2025-"); the full
    // id is in the cell's title.
    for tag in &tags {
        let cell = &strip[strip.find(&format!("data-revision=\"{tag}\"")).unwrap()..];
        let cell = &cell[..cell.find("</a>").unwrap()];
        assert!(cell.contains(&format!("<title>{tag} (")), "{cell}");
        assert!(cell.contains(&format!(">{}</text>", &tag["release-2025-".len()..])), "{cell}");
    }
    assert!(html.contains("Revisions named “release-2025-…”"));
    // 24 columns wrap into two bands of rows.
    assert_eq!(strip.matches(">Readiness</text>").count(), 2);
}

/// The strip's cells (`<a class="strip-cell" …>` opening tags).
fn tags_in(html: &str) -> Vec<&str> {
    tags(html, "<a class=\"strip-cell\"")
}
