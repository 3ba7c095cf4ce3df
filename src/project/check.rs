//! Every problem of the records, and of their history, without writing anything
//! (`statuspress check`).

use std::sync::Arc;

use super::{Plan, Project};
use crate::derive::Status;
use crate::diagnostics::{self, Diagnostic};
use crate::history::snapshots::{self, Snapshot};
use crate::history::{History, Source};
use crate::progress::{Silent, Stopwatch};

/// What a check found: every problem (named from the project root) and, for each plan whose
/// records derive, its status today (with the plan's id in a portfolio, else empty).
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub statuses: Vec<(String, Arc<Status>)>,
    /// Wall time of each stage, for `--verbose`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Project {
    /// Validates and derives the working tree of every plan. With `history`, it also reads
    /// every revision as `build` does, so what fails a build fails here: unreadable git
    /// objects are errors; an old revision whose records have errors is a warning (its
    /// archive page explains it).
    pub fn check(&self, history: bool) -> Checked {
        if !self.portfolio {
            let plan = &self.plans[0];
            let mut clock = Stopwatch::start();
            if let Err(d) = plan.working() {
                return Checked { diagnostics: vec![d], statuses: Vec::new(), timings: clock.laps };
            }
            clock.lap("read");
            let (status, diagnostics, timings) = self.check_plan(plan, history, clock);
            let statuses = status.into_iter().map(|s| (String::new(), s)).collect();
            return Checked { diagnostics, statuses, timings };
        }
        let mut diagnostics = Vec::new();
        let mut statuses = Vec::new();
        for plan in &self.plans {
            let (status, problems, _) = self.check_plan(plan, history, Stopwatch::start());
            diagnostics.extend(plan.named(problems));
            statuses.extend(status.map(|s| (plan.id.clone(), s)));
        }
        diagnostics::sort(&mut diagnostics);
        Checked { diagnostics, statuses, timings: Vec::new() }
    }

    /// [`Project::check`] of one plan whose working tree was read (timed on `clock`). The
    /// working tree is derived once: when the history ends with it, that revision is today's
    /// plan as `check` would derive it (same files, date and warnings), so it is taken from
    /// there.
    #[allow(clippy::type_complexity)]
    fn check_plan(
        &self,
        plan: &Plan,
        history: bool,
        mut clock: Stopwatch,
    ) -> (Option<Arc<Status>>, Vec<Diagnostic>, Vec<(&'static str, std::time::Duration)>) {
        let working = plan.working().unwrap_or_default();
        // The history is found first: its newest commit tells how old the plan is (stale).
        let found = history.then(|| plan.history(self.as_of));
        let last_commit = found.as_ref().and_then(|found| found.as_ref().ok()).and_then(|h| h.last_commit());
        // Reading the history reads, parses and derives the working tree with it (timed as
        // `read`, `parse` and `derive`).
        let loaded = found.map(|found| -> Result<(Vec<Diagnostic>, &[Snapshot]), Diagnostic> {
            let warnings = found?.warnings.clone();
            Ok((warnings, plan.snapshots(self.as_of, &Silent, &mut clock)?))
        });
        let newest = loaded.as_ref().and_then(|l| l.as_ref().ok()).and_then(|(_, s)| s.last());
        let snapshot = match newest.filter(|s| matches!(s.revision.source, Source::WorkingTree)) {
            Some(newest) => newest.clone(),
            None => {
                let files = plan.pipeline.read_working(working);
                clock.lap("parse");
                let today = History::working_revision(self.as_of);
                let snapshot = plan.pipeline.snapshot(today, &files, self.as_of, true, last_commit);
                clock.lap(if loaded.is_some() { "derive as of today" } else { "derive" });
                snapshot
            }
        };
        let mut diagnostics = snapshot.diagnostics;
        if let Some(loaded) = loaded {
            diagnostics.extend(history_problems(loaded));
        }
        diagnostics::sort(&mut diagnostics);
        // Shared with the plan's snapshots: the caller only reads it.
        (snapshot.status, diagnostics, clock.laps)
    }
}

/// The problems of the project's history; the newest revision is the working tree (or
/// matches it), which `check` has reported already.
fn history_problems(loaded: Result<(Vec<Diagnostic>, &[Snapshot]), Diagnostic>) -> Vec<Diagnostic> {
    match loaded {
        Ok((mut warnings, snapshots)) => {
            let older = snapshots.split_last().map_or(&[][..], |(_, older)| older);
            warnings.extend(snapshots::unreadable_revisions(older));
            warnings
        }
        Err(d) => vec![d],
    }
}
