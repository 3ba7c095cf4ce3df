//! `statuspress build` end to end: the worked example, safety, integrity, determinism
//! and theming, all through the real binary.

mod common;

use std::path::Path;

use common::{Project, snapshot, statuspress};

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Page text with tags removed and the common entities decoded, for fact checks.
fn visible_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn worked_example_checks_and_builds_with_every_seed_fact() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = statuspress()
        .arg("--root")
        .arg(repo_root())
        .args(["build", "--as-of", "2025-08-12", "--output"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    for page in [
        "index.html",
        "plan.html",
        "status.json",
        "milestones.ics",
        "assets/style.css",
        "blockers/index.html",
        "blockers/B-1.html",
        "gates/index.html",
        "gates/security-validation.html",
        "risks/R-1.html",
        "decisions/D-1.html",
        "actions/A-1.html",
        "metrics/test-pass-rate.html",
        "milestones/week-1.html",
        "audiences/external-stakeholders.html",
        "assessments/code-review.html",
        "sections/mitigation-strategies.html",
    ] {
        assert!(site.join(page).is_file(), "missing {page}");
    }
    let plan = visible_text(&std::fs::read_to_string(site.join("plan.html")).unwrap());
    let facts = [
        // Header, summary and review results
        "QA Post-Review Coordination Plan - Issue #2",
        "B+ quality grade (85/100)",
        "DO NOT DEPLOY TO PRODUCTION",
        "critical infrastructure blockers preventing safe production deployment",
        "B+ (85/100)",
        "Excellent code quality and architecture",
        "❌ DO NOT DEPLOY",
        "Critical infrastructure blockers identified",
        "Partial pass",
        "JWT validation issues requiring resolution",
        "57.1%",
        "Due to infrastructure connectivity problems",
        "Excellent code architecture and implementation quality",
        "Proper multi-tenant design patterns implemented",
        "Good separation of concerns and modular structure",
        "Comprehensive feature implementation according to specifications",
        // Blockers
        "Database Security Issues",
        "RLS (Row Level Security) policies cannot be validated",
        "Database connectivity failures preventing security validation",
        "Cannot ensure tenant data isolation in production",
        "Database infrastructure stabilization",
        "Authentication Module Failures",
        "JWT validation errors preventing security validation",
        "Authentication infrastructure instability",
        "Security vulnerabilities in production authentication",
        "Authentication system stabilization",
        "Infrastructure Dependencies",
        "Redis integration instability",
        "Caching layer connectivity problems",
        "Performance and session management issues",
        "Redis infrastructure fixes",
        "Test Environment Issues",
        "Database compatibility preventing comprehensive testing",
        "Test environment infrastructure misalignment",
        "Cannot validate full feature functionality",
        "Test environment infrastructure alignment",
        // Actions by horizon
        "Immediate Actions (Next 24 Hours)",
        "GitHub Issue #2 Status Update",
        "CODE REVIEW COMPLETE - INFRASTRUCTURE REMEDIATION REQUIRED",
        "Critical - Infrastructure blockers prevent production deployment",
        "Technical Architect escalation for infrastructure architecture review",
        "Stakeholder Communication",
        "Product Owner, Technical Architect, Development Team",
        "Code quality excellent (B+ grade) but infrastructure fixes required before production",
        "2-3 weeks estimated for infrastructure remediation",
        "Production deployment timeline delayed pending infrastructure fixes",
        "Short-term Actions (Next Week)",
        "Technical Architect Escalation",
        "Infrastructure architecture review and remediation planning",
        "Database connectivity, authentication infrastructure, Redis integration, test environments",
        "Comprehensive infrastructure remediation plan with timeline",
        "Technical Debt Documentation",
        "Database connectivity infrastructure improvements",
        "Authentication system stabilization requirements",
        "Redis integration reliability enhancements",
        "Monitoring and observability improvements",
        "Medium-term Actions (2-3 Weeks)",
        "Infrastructure Remediation Implementation",
        "Stabilize connectivity and enable security validation",
        "Resolve JWT validation and ensure security compliance",
        "Fix Redis integration and ensure reliability",
        "Align test environments with production requirements",
        "Re-validation Testing",
        "Full platform testing once infrastructure fixes implemented",
        "Security validation, performance testing, integration testing",
        ">90% test pass rate with all security validations passing",
        // Decisions
        "Production Deployment Hold",
        "Issue #2 remains blocked for production deployment",
        "Infrastructure blockers prevent safe production release",
        "after infrastructure remediation completion",
        "Technical Architect Involvement Required",
        "Escalate to Technical Architect for infrastructure architecture review",
        "Infrastructure issues require architectural-level solutions",
        "immediate escalation required",
        "Parallel Development Approach",
        "Allow continued feature development while infrastructure fixes proceed",
        "Code quality is excellent, infrastructure fixes are separate concern",
        "ensure new features don't compound infrastructure issues",
        // Gates
        "Infrastructure Remediation Gates",
        "Database Connectivity Gate",
        "All database operations stable and testable",
        "Authentication Security Gate",
        "JWT validation fully functional and secure",
        "Redis Integration Gate",
        "Caching layer stable and performant",
        "Test Environment Gate",
        "Test environments aligned with production",
        "Final Production Readiness Gate",
        "Security Validation",
        "All RLS policies validated and functional",
        "Authentication Testing",
        "Full authentication flow tested and secure",
        "Integration Testing",
        "All system integrations tested and stable",
        "Performance Testing",
        "Platform performance validated under load",
        // Communication
        "Internal Team Communication",
        "Infrastructure remediation progress updates",
        "Stakeholder progress reports with timeline updates",
        "Gate completion notifications and next steps",
        "External Stakeholder Communication",
        "Production deployment timeline impact notification",
        "Progress updates on infrastructure remediation",
        "Production readiness certification when gates passed",
        // Risks and mitigations
        "Infrastructure remediation timeline uncertainty",
        "Potential for additional infrastructure issues discovery",
        "Impact on overall platform delivery timeline",
        "Resource allocation for infrastructure vs feature development",
        "Mitigation Strategies",
        "Parallel workstreams: Infrastructure fixes and feature development",
        "Regular checkpoint reviews: Weekly progress assessments",
        "Escalation protocols: Clear escalation paths for blockers",
        "Communication cadence: Proactive stakeholder updates",
        // Metrics
        "Infrastructure Remediation Success",
        "Database connectivity: stable connection rate",
        "Authentication: JWT validation success rate",
        "Redis integration: cache operation success rate",
        "Test environment: test execution capability",
        "Overall Success Criteria",
        "Code Review grade maintained: B+ or higher",
        "Test pass rate across all test suites",
        "> 90%",
        "Security validation: pass rate on all security tests",
        "Production readiness: all quality gates passed",
        "= 100%",
        // Timeline
        "Week 1",
        "GitHub Issue #2 status updated",
        "Technical Architect escalation initiated",
        "Stakeholder communication completed",
        "Technical debt documentation created",
        "Weeks 2–3",
        "Infrastructure remediation implementation",
        "Parallel development coordination",
        "Progress monitoring and reporting",
        "Risk assessment and mitigation",
        "Week 4",
        "Infrastructure remediation validation",
        "Full platform re-testing",
        "Production readiness assessment",
        "Final deployment decision",
        // Footer
        "QA Orchestrator",
        "Zoe",
        "active",
        "Post Code Review Coordination",
        "2025-08-12",
        "2025-08-13",
        "daily during remediation period",
    ];
    let missing: Vec<&str> = facts.iter().copied().filter(|f| !plan.contains(f)).collect();
    assert!(missing.is_empty(), "plan.html lacks: {missing:#?}");

    let status: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("status.json")).unwrap()).unwrap();
    assert_eq!(status["readiness"]["verdict"], "NO-GO");
    let reasons = status["readiness"]["reasons"].as_array().unwrap();
    assert_eq!(
        reasons.iter().filter(|r| r.as_str().unwrap().starts_with("critical blocker")).count(),
        4,
        "{reasons:?}"
    );
    assert_eq!(reasons.iter().filter(|r| r.as_str().unwrap().starts_with("release gate")).count(), 4, "{reasons:?}");
    assert_eq!(status["health"]["computed"], "red");
    assert_eq!(status["counts"]["risks_high"], 4);
}

#[test]
fn hostile_records_are_sanitized_and_escaped() {
    let project = Project::base_with(&[(
        "content/blockers/B-2.md",
        "+++\ntitle = \"<script>alert('t')</script>\"\nseverity = \"high\"\nstatus = \"open\"\nimpact = \"<img src=x onerror=alert(1)>\"\n+++\n\
         # Hi\n\n<script>alert(2)</script>\n\n<a href=\"javascript:alert(3)\" onclick=\"x()\">j</a> [m](javascript:alert(4)) \
         <img src=\"data:image/svg+xml;base64,PHN2Zz4=\"> <iframe src=\"https://evil\"></iframe> <style>body{}</style>\n",
    )]);
    project.run(&["build"]).assert_ok();
    for (path, bytes) in snapshot(&project.path().join("site")) {
        if path.extension().is_some_and(|e| e == "html") {
            let text = String::from_utf8_lossy(&bytes).to_lowercase();
            // Only real tags matter: escaped text (`&lt;img onerror…`) is inert.
            for tag in text.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
                let name = tag.split_whitespace().next().unwrap_or("");
                // The theme's own script, `<script defer src="../assets/site.js">`, is the one a page has.
                let theme_script = tag
                    .strip_prefix("script defer src=\"")
                    .and_then(|t| t.strip_suffix("assets/site.js\""))
                    .is_some_and(|up| up.split_terminator("../").all(str::is_empty));
                assert!(
                    theme_script || !["script", "iframe", "style", "object", "embed"].contains(&name),
                    "{}: <{tag}>",
                    path.display()
                );
                let handler = |attr: &str| {
                    attr.split_once('=').is_some_and(|(name, _)| {
                        name.starts_with("on") && name.chars().all(|c| c.is_ascii_alphabetic())
                    })
                };
                assert!(!tag.split_whitespace().skip(1).any(handler), "{}: event handler in <{tag}>", path.display());
                assert!(
                    !tag.contains("javascript:") && !tag.contains("data:"),
                    "{}: unsafe URL in <{tag}>",
                    path.display()
                );
            }
        }
    }
    let page = project.read("site/blockers/B-2.html");
    assert!(page.contains("&lt;script&gt;alert("), "title must be escaped:\n{page}");
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"), "impact must be escaped");
}

#[test]
fn failed_build_leaves_the_previous_site_untouched() {
    let project = Project::base_with(&[]);
    project.run(&["build"]).assert_ok();
    let before = snapshot(&project.path().join("site"));
    assert!(!before.is_empty());

    project.write("content/risks/r-1.md", "+++\ntitle = \"Risk\"\nlikelihood = 9\nimpact = 4\n+++\n");
    project.run(&["build"]).assert_fails().assert_stderr("the previous site was left as it was");
    assert_eq!(snapshot(&project.path().join("site")), before);

    project.write("content/risks/r-1.md", "+++\ntitle = \"Risk\"\nlikelihood = 2\nimpact = 4\n+++\n");
    project.write("templates/item.html", "{% extends \"base.html\" %}{% block content %}{{ item.nope }}{% endblock %}");
    project.run(&["build"]).assert_fails().assert_stderr("templates/item.html").assert_stderr("item.html:1:");
    assert_eq!(snapshot(&project.path().join("site")), before);
    let leftovers: Vec<_> = std::fs::read_dir(project.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".site"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left behind: {leftovers:?}");
}

#[test]
fn same_input_same_bytes() {
    let project = Project::base_with(&[]);
    let (one, two) = (project.path().join("one"), project.path().join("two"));
    project.run(&["build", "--output", one.to_str().unwrap()]).assert_ok();
    project.run(&["build", "--output", two.to_str().unwrap(), "--as-of", "2025-08-12"]).assert_ok();
    let (one, two) = (snapshot(&project.path().join("one")), snapshot(&project.path().join("two")));
    assert_eq!(one.len(), two.len());
    for ((pa, a), (pb, b)) in one.iter().zip(&two) {
        assert_eq!(pa, pb);
        assert!(a == b, "{} differs between two builds", pa.display());
    }
}

#[test]
fn as_of_changes_derived_status() {
    let project =
        Project::base_with(&[("content/actions/a-1.md", "+++\ntitle = \"Escalate\"\ndue = 2025-08-20\n+++\n")]);
    project.run(&["build", "--as-of", "2025-08-12"]).assert_ok();
    assert!(project.read("site/status.json").contains("\"overdue\": 0"));
    project.run(&["build", "--as-of", "2025-09-01"]).assert_ok().assert_stderr("action `a-1` is overdue");
    assert!(project.read("site/status.json").contains("\"overdue\": 1"));
}

#[test]
fn project_templates_override_the_theme_by_name() {
    let project = Project::base_with(&[(
        "templates/item.html",
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"mine\">{{ item.title }}</h1>{% endblock %}",
    )]);
    project.run(&["build"]).assert_ok();
    assert!(project.read("site/blockers/B-1.html").contains("<h1 class=\"mine\">DB down</h1>"));
    // Pages from other templates keep the built-in theme.
    assert!(project.read("site/index.html").contains("Readiness"));

    project.write("templates/style.css", "body { color: hotpink; }\n");
    project.run(&["build"]).assert_ok();
    assert_eq!(project.read("site/assets/style.css"), "body { color: hotpink; }\n");
}

/// The built-in kinds' partials extend the built-in `item.html` and `list.html`: a project
/// that writes its own takes every kind's page with it, whichever blocks it leaves out.
#[test]
fn a_project_list_template_makes_every_kinds_list() {
    let project = Project::base_with(&[(
        "templates/list.html",
        "{% extends \"base.html\" %}{% block content %}<p class=\"mine\">{{ items | length }} {{ kind.folder }}</p>{% endblock %}",
    )]);
    project.run(&["build"]).assert_ok();
    assert!(project.read("site/blockers/index.html").contains("<p class=\"mine\">"));
    assert!(project.read("site/gates/index.html").contains("<p class=\"mine\">"));
    // Item pages keep the built-in partials.
    assert!(project.read("site/blockers/B-1.html").contains("<dt>Blocks</dt>"));
}

#[test]
fn dangerous_output_folders_are_refused() {
    let project = Project::base_with(&[]);
    let at = |rel: &str| project.path().join(rel).to_string_lossy().into_owned();
    project.run(&["build", "--output", &at(".")]).assert_fails().assert_stderr("it is the project root");
    project.run(&["build", "--output", &at("..")]).assert_fails().assert_stderr("it contains the project");
    project.run(&["build", "--output", &at("content/site")]).assert_fails().assert_stderr("inside `content/`");
    project.write("notes.txt", "mine");
    project.run(&["build", "--output", &at("notes.txt")]).assert_fails().assert_stderr("it is a file");
    project.write("docs/keep.md", "mine");
    project.run(&["build", "--output", &at("docs")]).assert_fails().assert_stderr("did not create");
    // `[site] output` is relative to the project root.
    project.write("statuspress.toml", "[site]\noutput = \"public\"\n");
    project.run(&["build"]).assert_ok();
    assert!(project.path().join("public/index.html").is_file());
    assert_eq!(project.read("docs/keep.md"), "mine");
}

#[test]
fn pages_link_relatively() {
    let project = Project::base_with(&[]);
    project.run(&["build"]).assert_ok();
    for (path, bytes) in snapshot(&project.path().join("site")) {
        if path.extension().is_some_and(|e| e == "html") {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("href=\"/"), "{} has a root-absolute link", path.display());
            for target in text.split("href=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]) {
                if target.starts_with("http") || target.starts_with("mailto:") || target.starts_with('#') {
                    continue;
                }
                let resolved = project.path().join("site").join(path.parent().unwrap()).join(target);
                assert!(resolved.exists(), "{} links to missing {target}", path.display());
            }
        }
    }
}

#[test]
fn calendar_and_status_json_are_well_formed() {
    let project = Project::base_with(&[(
        "content/milestones/m-1.md",
        "+++\ntitle = \"Week 2, remediation; done\"\nweeks = [2, 3]\ndeliverables = [\"DB\"]\n+++\n",
    )]);
    project.run(&["build"]).assert_ok();
    let ics = project.read("site/milestones.ics");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(ics.contains("SUMMARY:Week 2\\, remediation\\; done\r\n"));
    assert!(ics.contains("DTSTART;VALUE=DATE:20250818\r\n") && ics.contains("DTEND;VALUE=DATE:20250901\r\n"), "{ics}");
    assert!(ics.split("\r\n").all(|l| l.len() <= 75));
    // Event ids name the plan (no `base_url`: its title), so two projects' never collide.
    assert!(ics.contains("UID:m-1@plan\r\n"), "{ics}");
    // Strictly: no object names a key twice (an item's `title` once, not also from its record).
    let status = common::strict_json(&project.read("site/status.json"));
    assert_eq!(status["items"]["blockers"][0]["title"], "DB down");
    assert_eq!(status["schema_version"], 1);
    assert_eq!(status["as_of"], "2025-08-12");
    assert_eq!(status["items"]["metrics"][0]["derived"]["state"], "not-met");
    assert_eq!(status["items"]["risks"][0]["derived"]["score"], 12);
    assert_eq!(status["items"]["risks"][0]["derived"]["band"], "high");
}

#[test]
fn init_creates_a_project_that_builds_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("new");
    let run: common::Run = statuspress().args(["init"]).arg(&target).output().unwrap().into();
    run.assert_ok();
    let run: common::Run =
        statuspress().arg("--root").arg(&target).args(["build", "--strict"]).output().unwrap().into();
    run.assert_ok();
    assert!(target.join("site/index.html").is_file());
    let again: common::Run = statuspress().args(["init"]).arg(&target).output().unwrap().into();
    again.assert_fails().assert_stderr("already holds a statuspress project");
}
