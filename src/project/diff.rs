//! What changed between two revisions of a plan, in status terms (`statuspress diff`).

use super::{Plan, Project};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::report::message::{Facts, Message};
use crate::{derive, diff, history, progress};

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
    pub fn lead(&self) -> String {
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

impl Project {
    /// Compares two revisions of `plan` (git revisions, folders, or `working`) in status
    /// terms. B defaults to the working tree, A to the newest revision before B.
    pub fn diff(&self, plan: &Plan, a: Option<&str>, b: Option<&str>) -> Result<Comparison, Vec<Diagnostic>> {
        let (root, today) = (plan.root.as_path(), self.as_of);
        let mut clock = progress::Stopwatch::start();
        let repo = history::Repo::open(root).map_err(|d| vec![d])?;
        let b_spec =
            history::resolve_spec(root, repo.as_ref(), b.unwrap_or(history::WORKING), today).map_err(|d| vec![d])?;
        let a_spec = match a {
            Some(a) => history::resolve_spec(root, repo.as_ref(), a, today).map_err(|d| vec![d])?,
            None => self.default_base(plan, &b_spec)?,
        };
        drop(repo);
        clock.lap("resolve revisions");
        let working =
            if a_spec.is_working() || b_spec.is_working() { plan.working().map_err(|d| vec![d])? } else { &[] };
        let sides = history::load_specs(root, &plan.pipeline, vec![a_spec, b_spec], today, working)?;
        clock.lap("read, parse and derive");
        let [(a_revision, a_status), (b_revision, b_status)] = &sides[..] else {
            return Err(vec![Diagnostic::error("expected two revisions to compare")]);
        };
        let diff = diff::diff(a_status, &a_revision.id, b_status, &b_revision.id);
        clock.lap("compare");
        Ok(Comparison { diff, config: plan.config.clone(), sides, timings: clock.laps })
    }

    /// The newest revision of the plan's history that is older than `to`.
    fn default_base(&self, plan: &Plan, to: &history::Spec) -> Result<history::Spec, Vec<Diagnostic>> {
        let found = plan.history(self.as_of).map_err(|d| vec![d])?;
        let (to_commit, to_time, to_id) = match to {
            history::Spec::Revision(r) => (r.commit.clone(), r.timestamp, r.id.clone()),
            history::Spec::Folder(path) => (None, i64::MAX, path.display().to_string()),
        };
        let earlier = found.revisions.iter().rev().find(|r| {
            r.commit.is_some()
                && r.commit != to_commit
                && (to_commit.is_none() || r.timestamp < to_time || (r.timestamp == to_time && r.id < to_id))
        });
        earlier.cloned().map(history::Spec::Revision).ok_or_else(|| {
            vec![Diagnostic::error(format!("there is no revision before `{to_id}` to compare with")).help(
                "name both sides: `statuspress diff A B` (tags, branches, commits, `working`, or project folders)",
            )]
        })
    }
}
