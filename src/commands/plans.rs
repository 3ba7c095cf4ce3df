//! The plans of a portfolio (`plans/<plan-id>/content/`), each with its configuration (the
//! portfolio's `statuspress.toml` under its own) and what it knows of the others, for the
//! commands that work on every plan.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::load::{self, PLANS_DIR, RawFile};

/// One plan of a portfolio, with its working tree read.
pub struct Plan {
    pub id: String,
    /// `plans/<id>`, as diagnostics name it.
    pub folder: String,
    /// The plan's own root (holding `content/`).
    pub root: PathBuf,
    pub config: Config,
    pub working: Vec<RawFile>,
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
            (Ok(config), Ok(working)) => plans.push(Plan { id, folder, root: plan_root, config, working }),
            (config, working) => {
                problems.extend(config.err().into_iter().flatten());
                problems.extend(working.err().into_iter().flatten());
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let records: Vec<_> = plans
        .iter()
        .map(|p| {
            let parsed = p.working.iter().flat_map(|f| load::parse_raw(f.clone()).records);
            (p.id.clone(), parsed.collect())
        })
        .collect();
    let mut neighbours = crate::derive::portfolio::neighbours(&records);
    for plan in &mut plans {
        plan.config.neighbours = neighbours.remove(&plan.id).map(Arc::new);
    }
    Ok(Some(plans))
}
