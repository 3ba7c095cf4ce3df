//! `statuspress diff A B`: what changed between two revisions, in status terms.

use std::io::Write as _;
use std::path::Path;

use clap::ValueEnum;

use super::{Failed, Ui, date_arg};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, terminal_safe};
use crate::report::message::{Facts, Message};
use crate::values::Date;
use crate::{derive, diff, history, load, progress, render};

#[derive(clap::Args)]
pub struct Args {
    /// The older side: a tag, branch, commit, `HEAD~2`, `working`, or a project folder
    /// (default: the newest revision before B).
    a: Option<String>,
    /// The newer side (default: the working tree).
    b: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with 1 when anything changed (like `git diff --exit-code`).
    #[arg(long)]
    exit_code: bool,
    /// In a portfolio: only this plan (default: every plan, one after the other).
    #[arg(long)]
    plan: Option<String>,
    /// The working tree's date (YYYY-MM-DD); default: SOURCE_DATE_EPOCH or today.
    #[arg(long, value_parser = date_arg)]
    as_of: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Markdown,
    Json,
    Html,
}

pub fn run(args: &Args, ui: &Ui) -> Result<(), Failed> {
    let today = ui.as_of(args.as_of.as_deref())?;
    let (a, b) = (args.a.as_deref(), args.b.as_deref());
    // Each plan of a portfolio is compared on its own: all of them, or the one of `--plan`.
    let plans = match super::plans::load(&ui.root).map_err(|d| ui.fail(&d))? {
        None if args.plan.is_some() => return Err(ui.fail(&[super::plans::not_a_portfolio()])),
        None => {
            let config = Config::load(&ui.root).map_err(|d| ui.fail(&d))?;
            vec![(None, ui.root.clone(), config)]
        }
        Some(plans) => match &args.plan {
            Some(id) => {
                let plan = super::plans::pick(plans, id).map_err(|d| ui.fail(&[d]))?;
                vec![(None, plan.root, plan.config)]
            }
            None if matches!(args.format, Format::Html) => {
                let d = Diagnostic::error("`--format html` shows one plan's changes").help("add `--plan ID`");
                return Err(ui.fail(&[d]));
            }
            None => plans.into_iter().map(|p| (Some(p.id), p.root, p.config)).collect(),
        },
    };
    let mut parts = Vec::new();
    let mut changed = false;
    let mut json = serde_json::Map::new();
    for (plan, root, config) in plans {
        let mut comparison = diff_with(&root, config, a, b, today).map_err(|d| ui.fail(&d))?;
        // A side named by a folder path carries whatever that path holds; the HTML page is
        // read by people (often in a terminal first), so it gets the escaped name like the text.
        for side in [&mut comparison.diff.from, &mut comparison.diff.to] {
            side.id = terminal_safe(&side.id).into_owned();
        }
        let mut clock = progress::Stopwatch::start();
        let (diff, config) = (&comparison.diff, &comparison.config);
        changed |= !diff.is_empty();
        let lead = comparison.lead();
        let output = match args.format {
            Format::Text => diff::format::text(diff, &lead, ui.stdout_color),
            Format::Markdown => diff::format::markdown(diff, &lead),
            Format::Json => diff::format::json(diff),
            Format::Html => render::templates::effective(&ui.root)
                .and_then(|templates| render::diff_page(diff, config, &templates))
                .map_err(|d| ui.fail(&d))?,
        };
        clock.lap("format");
        ui.timings(&comparison.timings);
        ui.timings(&clock.laps);
        match plan {
            None => parts.push(output),
            Some(id) if matches!(args.format, Format::Json) => {
                json.insert(id, serde_json::from_str(&output).unwrap_or_default());
            }
            Some(id) if matches!(args.format, Format::Markdown) => parts.push(format!("# Plan {id}\n\n{output}")),
            Some(id) => parts.push(format!("== plan {id} ==\n{output}")),
        }
        // Exit without freeing whole plans: the OS reclaims them faster.
        std::mem::forget(comparison);
    }
    if !json.is_empty() {
        parts.push(format!("{}\n", serde_json::to_string_pretty(&json).unwrap_or_default()));
    }
    let code = i32::from(args.exit_code && changed);
    let mut clock = progress::Stopwatch::start();
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_all(parts.join("\n").as_bytes()).and_then(|()| stdout.flush());
    if let Err(e) = written {
        return Err(ui.fail(&[Diagnostic::error(format!("cannot write the diff: {e}"))]));
    }
    clock.lap("write");
    ui.timings(&clock.laps);
    std::process::exit(code)
}

/// A diff and what it was computed from.
pub struct Comparison {
    pub diff: diff::Diff,
    pub config: Config,
    /// The two sides' revisions and statuses (kept so a caller about to exit can skip
    /// freeing them: for 10,000 records that is a sixth of a `diff` run).
    pub sides: Vec<(history::Revision, derive::Status)>,
    /// Wall time of each stage, for `--verbose`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Comparison {
    /// What the changes mean, as a report would say it ("Since week-2: …").
    fn lead(&self) -> String {
        let [(_, before), (revision, status)] = self.sides.as_slice() else { return String::new() };
        let facts = Facts {
            status,
            before: Some(before),
            changes: Some(&self.diff),
            revision,
            stale: None,
            brief: true,
            since: Some(&self.diff.from.id),
        };
        Message::compose(&facts).headline()
    }
}

/// Compares two revisions (git revisions, folders, or `working`) in status terms.
/// B defaults to the working tree, A to the newest revision before B.
pub fn diff(root: &Path, a: Option<&str>, b: Option<&str>, today: Date) -> Result<Comparison, Vec<Diagnostic>> {
    diff_with(root, Config::load(root)?, a, b, today)
}

/// [`diff`] of the plan at `root` with its configuration read already (a plan of a portfolio).
pub fn diff_with(
    root: &Path,
    config: Config,
    a: Option<&str>,
    b: Option<&str>,
    today: Date,
) -> Result<Comparison, Vec<Diagnostic>> {
    let mut clock = progress::Stopwatch::start();
    let repo = history::Repo::open(root).map_err(|d| vec![d])?;
    let b_spec =
        history::resolve_spec(root, repo.as_ref(), b.unwrap_or(history::WORKING), today).map_err(|d| vec![d])?;
    let a_spec = match a {
        Some(a) => history::resolve_spec(root, repo.as_ref(), a, today).map_err(|d| vec![d])?,
        None => default_base(root, &config, &b_spec, today)?,
    };
    drop(repo);
    clock.lap("resolve revisions");
    let sides = history::load_specs(root, &config, vec![a_spec, b_spec], today)?;
    clock.lap("read, parse and derive");
    let [(a_revision, a_status), (b_revision, b_status)] = &sides[..] else {
        return Err(vec![Diagnostic::error("expected two revisions to compare")]);
    };
    let diff = diff::diff(a_status, &a_revision.id, b_status, &b_revision.id);
    clock.lap("compare");
    Ok(Comparison { diff, config, sides, timings: clock.laps })
}

/// The newest revision of the history that is older than `to`.
fn default_base(
    root: &Path,
    config: &Config,
    to: &history::Spec,
    today: Date,
) -> Result<history::Spec, Vec<Diagnostic>> {
    let working = load::read_content_dir(root).map_err(|d| vec![d])?;
    let found = history::History::discover(root, config, today, &working).map_err(|d| vec![d])?;
    let (to_commit, to_time, to_id) = match to {
        history::Spec::Revision(r) => (r.commit.clone(), r.timestamp, r.id.clone()),
        history::Spec::Folder(path) => (None, i64::MAX, path.display().to_string()),
    };
    let earlier = found.revisions.into_iter().rev().find(|r| {
        r.commit.is_some()
            && r.commit != to_commit
            && (to_commit.is_none() || r.timestamp < to_time || (r.timestamp == to_time && r.id < to_id))
    });
    earlier.map(history::Spec::Revision).ok_or_else(|| {
        vec![
            Diagnostic::error(format!("there is no revision before `{to_id}` to compare with")).help(
                "name both sides: `statuspress diff A B` (tags, branches, commits, `working`, or project folders)",
            ),
        ]
    })
}
