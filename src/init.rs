//! `statuspress init`: a new project with a small example plan that builds as it is.

use std::path::Path;

use crate::diagnostics::Diagnostic;

const FILES: &[(&str, &str)] = &[
    (
        "statuspress.toml",
        r#"# statuspress configuration; every key is optional.
[site]
title = "Release plan"
# base_url = "https://status.example.com/release/"

[gates]
groups = ["Infrastructure", "Release"]
release_group = "Release"
"#,
    ),
    (".gitignore", "/site/\n"),
    (
        "content/plan.md",
        r#"+++
title = "Release plan"
owner = "Your name"
owner_role = "QA lead"
status = "active"
start = 2025-08-11
updated = 2025-08-12
next_review = 2025-08-19
review_cadence = "weekly"
+++
The executive summary of the plan: where the delivery stands and what decides it.
"#,
    ),
    (
        "content/blockers/db-connectivity.md",
        r#"+++
title = "Database connectivity failures"
severity = "critical"
status = "open"
area = "Database"
impact = "Security policies cannot be validated"
remediation = "Stabilize the database infrastructure"
blocks = ["release-security"]
+++
Notes on the blocker, in markdown.
"#,
    ),
    (
        "content/gates/gates.toml",
        r#"[[gate]]
id = "infra-db"
title = "Database connectivity gate"
group = "Infrastructure"
order = 1
criteria = ["All database operations stable and testable"]

[[gate]]
id = "release-security"
title = "Security validation"
group = "Release"
order = 2
criteria = [{ text = "All security policies validated", met = false }]
depends_on = ["infra-db"]
"#,
    ),
    (
        "content/risks/timeline.md",
        r#"+++
title = "Remediation timeline uncertainty"
likelihood = 3
impact = 4
mitigations = ["Weekly checkpoint reviews"]
+++
"#,
    ),
    (
        "content/metrics/test-pass-rate.md",
        r#"+++
title = "Test pass rate"
unit = "%"
target = ">= 90"
value = 57.1
+++
"#,
    ),
    (
        "content/milestones/remediation.md",
        r#"+++
title = "Infrastructure remediation"
weeks = [2, 3]
deliverables = ["Database layer stabilized"]
+++
"#,
    ),
];

/// Creates the example project in `dir`, refusing to overwrite an existing one.
pub fn init(dir: &Path) -> Result<Vec<String>, Diagnostic> {
    if dir.join("content").exists() || dir.join(crate::config::FILE_NAME).exists() {
        return Err(Diagnostic::error(format!(
            "{} already holds a statuspress project",
            dir.display()
        ))
        .help("run `statuspress build` there, or choose an empty folder"));
    }
    let mut written = Vec::new();
    for (path, text) in FILES {
        let target = dir.join(path);
        if target.exists() {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Diagnostic::error(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        std::fs::write(&target, text)
            .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", target.display())))?;
        written.push((*path).to_string());
    }
    Ok(written)
}
