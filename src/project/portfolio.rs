//! The plans of a portfolio (`plans/<plan-id>/content/`), each with its configuration (the
//! portfolio's `statuspress.toml` under its own) and what it knows of the others, for the
//! commands that work on every plan.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::history::History;
use crate::history::snapshots::{Pipeline, Snapshot};
use crate::load::{self, PLANS_DIR, RawFile};

/// One plan: a portfolio's, or the project of one plan itself. What is read of it (the
/// working tree, the history, every revision derived) is read once per run.
pub struct Plan {
    /// The plan's id in a portfolio; empty for a project of one plan.
    pub id: String,
    /// `plans/<id>`, as diagnostics name it; empty for a project of one plan.
    pub folder: String,
    /// The plan's own root (holding `content/`).
    pub root: PathBuf,
    pub config: Config,
    /// Parses each file content once for every revision and command of the run.
    pub pipeline: Pipeline,
    pub(super) working: OnceCell<Vec<RawFile>>,
    pub(super) history: OnceCell<History>,
    pub(super) snapshots: OnceCell<Vec<Snapshot>>,
}

/// The plans of the portfolio at `root`, or `None` for a project of one plan. Every plan's
/// problems are reported, named from the project root.
pub fn load(root: &Path) -> Result<Option<Vec<Plan>>, Vec<Diagnostic>> {
    let Some(ids) = load::portfolio_plans(root).map_err(|d| vec![d])? else { return Ok(None) };
    let mut plans = Vec::new();
    let mut problems = Vec::new();
    for id in ids {
        let folder = format!("{PLANS_DIR}/{id}");
        let plan_root = root.join(&folder);
        let config = Config::load_plan(root, &folder);
        let working = load::read_content_dir(&plan_root).map_err(|d| vec![d.under(&folder)]);
        match (config, working) {
            (Ok(config), Ok(working)) => plans.push(Plan::new(id, folder, plan_root, config, Some(working))),
            (config, working) => {
                problems.extend(config.err().into_iter().flatten());
                problems.extend(working.err().into_iter().flatten());
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // Each plan's working tree is parsed here, once: the pipeline keeps it for the build.
    let records: Vec<_> = plans
        .iter()
        .map(|p| {
            let files = p.working.get().map_or(&[][..], Vec::as_slice);
            (p.id.clone(), p.pipeline.records(&p.pipeline.read_working(files)))
        })
        .collect();
    let mut neighbours = crate::derive::portfolio::neighbours(&records);
    for plan in &mut plans {
        plan.config.neighbours = neighbours.remove(&plan.id).map(Arc::new);
        plan.pipeline.reconfigure(plan.config.clone());
    }
    Ok(Some(plans))
}

/// Where a portfolio keeps the audiences of its weekly digest: `audiences/` beside `plans/`.
pub const AUDIENCES_DIR: &str = "audiences";

/// The portfolio's own audiences (records in `audiences/` at its root), who get one digest of
/// every plan a week; the plans' audiences get their plan's report.
pub fn audiences(root: &Path) -> Result<Vec<crate::derive::Item>, Vec<Diagnostic>> {
    let folder = root.join(AUDIENCES_DIR);
    let Ok(entries) = std::fs::read_dir(&folder) else { return Ok(Vec::new()) };
    let mut names: Vec<String> = entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort_by(|a, b| crate::model::natural_cmp(a, b));
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for name in names {
        let content_path = format!("{AUDIENCES_DIR}/{name}");
        if !load::is_record_path(&content_path) {
            continue;
        }
        let bytes = std::fs::read(folder.join(&name)).map_err(|e| {
            vec![Diagnostic::error(format!("cannot read {content_path}: {e}")).in_file(content_path.clone())]
        })?;
        let parsed = load::parse_raw(RawFile { content_path, bytes });
        // Parsing names files under `content/`; these sit at the portfolio's root.
        let at_root = |path: &str| path.strip_prefix("content/").unwrap_or(path).to_string();
        problems.extend(parsed.diagnostics.into_iter().filter(Diagnostic::is_error).map(|d| d.map_paths(at_root)));
        for record in parsed.records {
            if record.kind != crate::model::Kind::Audience {
                problems.push(
                    Diagnostic::error(format!("`{AUDIENCES_DIR}/` holds audiences only, not a {}", record.kind.name()))
                        .in_file(format!("{AUDIENCES_DIR}/{}", record.id)),
                );
                continue;
            }
            items.push(crate::derive::Item::underived(record));
        }
    }
    if problems.is_empty() { Ok(items) } else { Err(problems) }
}

/// The plan `id` of `plans`, for `--plan`.
pub fn pick<'a>(plans: &'a [Plan], id: &str) -> Result<&'a Plan, Diagnostic> {
    let ids: Vec<String> = plans.iter().map(|p| p.id.clone()).collect();
    plans.iter().find(|p| p.id.eq_ignore_ascii_case(id)).ok_or_else(|| {
        Diagnostic::error(format!("the portfolio has no plan `{id}`"))
            .with_help(
                crate::diagnostics::did_you_mean(id, ids.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?")),
            )
            .note(format!("plans: {}", ids.join(", ")))
    })
}

/// `--plan` given in a project of one plan.
pub fn not_a_portfolio() -> Diagnostic {
    Diagnostic::error("`--plan` picks a plan of a portfolio, and this project holds one plan")
        .help("leave out `--plan`")
}
