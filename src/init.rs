//! `statuspress init`: a new project with a small example plan that builds as it is, or with
//! `--from-seed` the full worked example and its history ([`seed`]). Both come with editor
//! support: JSON Schemas in `.statuspress/schema/` and a `.taplo.toml` that points at them.

pub mod seed;

use std::path::Path;

use chrono::Datelike;

use crate::diagnostics::Diagnostic;
use crate::values::Date;

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

# [email]
# from = "QA <qa@example.com>"
# subject_prefix = "[Release plan]"
# [email.smtp]
# host = "smtp.example.com"
# security = "starttls"
# username_env = "SMTP_USER"        # names of environment variables, never the secrets
# password_env = "SMTP_PASSWORD"
"#,
    ),
    // `.site.*`: the build's lock file, and the staging folder of a build in progress.
    (".gitignore", "/site/\n/.site.*\n"),
    (
        "content/audiences/team.md",
        r#"+++
title = "Delivery team"
recipients = ["team@example.com"]
cadence = "weekly"
+++
Who gets the weekly report, and what it covers.
"#,
    ),
    (
        "content/plan.md",
        r#"+++
title = "Release plan"
owner = "Your name"
owner_role = "QA lead"
status = "active"
start = {start}
updated = {today}
next_review = {review}
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

/// Creates the example project in `dir`, refusing to overwrite an existing one. The plan
/// starts in the week of `today`, so the example builds without overdue warnings.
pub fn init(dir: &Path, today: Date) -> Result<Vec<String>, Diagnostic> {
    write_files(dir, FILES, today)
}

/// Writes `files` into `dir` (which must not hold a project yet) with the dates filled in,
/// then the editor support; returns the paths written.
fn write_files(dir: &Path, files: &[(&str, &str)], today: Date) -> Result<Vec<String>, Diagnostic> {
    let start = today.add_days(-i64::from(today.0.weekday().num_days_from_monday()));
    let fill = |text: &str| {
        text.replace("{start}", &start.to_string())
            .replace("{today}", &today.to_string())
            .replace("{review}", &start.add_days(7).to_string())
    };
    refuse_existing(dir)?;
    let mut written = Vec::new();
    for (path, text) in files {
        let target = dir.join(path);
        if target.exists() {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(&target, fill(text))
            .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", target.display())))?;
        written.push((*path).to_string());
    }
    written.extend(editor_support(dir)?);
    Ok(written)
}

/// A portfolio of two plans (`init --portfolio`): a QA plan whose critical blocker holds
/// back the release gate of a payments migration plan, referenced across plans as `qa/B-2`.
const PORTFOLIO_FILES: &[(&str, &str)] = &[
    (
        "statuspress.toml",
        "# statuspress configuration of the portfolio; each plan's own statuspress.toml overrides it.\n\
         [site]\ntitle = \"Delivery portfolio\"\n\n[gates]\ngroups = [\"Release\"]\nrelease_group = \"Release\"\n",
    ),
    (".gitignore", "/site/\n/.site.*\n"),
    (
        "plans/qa/content/plan.md",
        "+++\ntitle = \"QA coordination\"\nowner = \"QA lead\"\nstatus = \"active\"\nstart = {start}\nnext_review = {review}\n+++\nTesting of the platform release.\n",
    ),
    (
        "plans/qa/content/blockers/B-2.md",
        "+++\ntitle = \"Payments sandbox unreachable\"\nseverity = \"critical\"\nstatus = \"open\"\nowner = \"Platform team\"\nblocks = [\"g-regression\"]\n+++\nThe payments sandbox rejects every test connection, so no payment flow can be tested.\n",
    ),
    ("plans/qa/content/gates/g-regression.md", "+++\ntitle = \"Regression suite green\"\ngroup = \"Release\"\n+++\n"),
    (
        "plans/qa/content/actions/A-1.md",
        "+++\ntitle = \"Restore sandbox access\"\nowner = \"Platform team\"\ndue = {review}\nrelates_to = [\"B-2\", \"payments/g-migrate\"]\n+++\n",
    ),
    (
        "plans/payments/statuspress.toml",
        "# Overrides of the portfolio's statuspress.toml for this plan.\n[gates]\ngroups = [\"Migration\", \"Release\"]\nrelease_group = \"Release\"\n",
    ),
    (
        "plans/payments/content/plan.md",
        "+++\ntitle = \"Payments migration\"\nowner = \"Payments lead\"\nstatus = \"active\"\nstart = {start}\nnext_review = {review}\n+++\nMoving payments to the new provider.\n",
    ),
    (
        "plans/payments/content/gates/g-migrate.md",
        "+++\ntitle = \"Migration rehearsal passed\"\ngroup = \"Release\"\ndepends_on = [\"qa/B-2\"]\n+++\nWaits on QA: the rehearsal needs the payments sandbox.\n",
    ),
    (
        "plans/payments/content/risks/R-1.md",
        "+++\ntitle = \"Provider API changes late\"\nlikelihood = 4\nimpact = 4\nowner = \"Payments lead\"\n+++\n",
    ),
    (
        "plans/payments/content/milestones/cutover.md",
        "+++\ntitle = \"Cut-over weekend\"\nstart = {review}\nend = {review}\n+++\n",
    ),
];

/// Creates a portfolio of two plans in `dir` (see [`PORTFOLIO_FILES`]), with editor support.
pub fn init_portfolio(dir: &Path, today: Date) -> Result<Vec<String>, Diagnostic> {
    write_files(dir, PORTFOLIO_FILES, today)
}

/// Creates the worked example in `dir` (see [`seed`]): its records, configuration, editor
/// support and a git repository holding five weekly revisions. Returns the tags made.
pub fn init_from_seed(dir: &Path) -> Result<Vec<String>, Diagnostic> {
    refuse_existing(dir)?;
    if dir.join(".git").exists() {
        return Err(Diagnostic::error(format!("{} is already a git repository", dir.display()))
            .help("`init --from-seed` creates a repository of its own: choose a new folder"));
    }
    std::fs::create_dir_all(dir).map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", dir.display())))?;
    seed::replay(dir, || {
        std::fs::write(dir.join(".gitignore"), "/site/\n")
            .map_err(|e| Diagnostic::error(format!("cannot write .gitignore: {e}")))?;
        editor_support(dir).map(drop)
    })
}

fn refuse_existing(dir: &Path) -> Result<(), Diagnostic> {
    let taken = ["content", crate::load::PLANS_DIR, crate::config::FILE_NAME];
    if taken.iter().any(|name| dir.join(name).exists()) {
        return Err(Diagnostic::error(format!("{} already holds a statuspress project", dir.display()))
            .help("run `statuspress build` there, or choose an empty folder"));
    }
    Ok(())
}

/// Writes the schemas into `.statuspress/schema/` and `.taplo.toml` (unless one exists: it may
/// hold the user's own settings). Returns the paths written, relative to `dir`.
fn editor_support(dir: &Path) -> Result<Vec<String>, Diagnostic> {
    let documents = crate::schema::Document::all();
    crate::schema::write(&dir.join(crate::schema::DIR), &documents)?;
    let mut written: Vec<String> =
        documents.iter().map(|d| format!("{}/{}", crate::schema::DIR, d.file_name())).collect();
    let taplo = dir.join(".taplo.toml");
    if !taplo.exists() {
        std::fs::write(&taplo, crate::schema::taplo_config())
            .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", taplo.display())))?;
        written.push(".taplo.toml".into());
    }
    Ok(written)
}
