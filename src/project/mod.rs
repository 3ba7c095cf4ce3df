//! One project, loaded once (SPEC §10): its configuration, its theme (the templates and their
//! engines, compiled once for the run) and each plan's working tree, history and pipeline with
//! its content-keyed cache of parsed files. It answers the commands: the sites of `build`
//! ([`build`]), a week's reports and digests ([`report`]) and their delivery ([`send`]), the
//! comparisons of `diff` ([`diff`]) and the problems of `check` ([`check`]). The commands only
//! read their options, call it and print.

pub mod build;
pub mod check;
pub mod diff;
pub mod notify;
pub mod portfolio;
pub mod preview;
pub mod report;
pub mod send;

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::history::snapshots::{Pipeline, Revisions, Snapshot};
use crate::history::{self, History};
use crate::load::{self, RawFile};
use crate::progress::{Progress, Stopwatch};
use crate::render::templates::{Template, Theme, effective};
use crate::render::{Begun, Site, SiteOptions};
use crate::values::Date;

pub use portfolio::Plan;

/// A project of one plan, or a portfolio of several, as one run sees it.
pub struct Project {
    pub root: PathBuf,
    /// The date today's plan is judged as of (`--as-of`, `SOURCE_DATE_EPOCH` or today).
    pub as_of: Date,
    /// The project's `statuspress.toml` (in a portfolio, the one under each plan's own).
    pub config: Config,
    /// Every plan: the project itself, or each plan of a portfolio.
    plans: Vec<Plan>,
    portfolio: bool,
    templates: OnceCell<Vec<Template>>,
    theme: OnceCell<Theme>,
}

impl Project {
    /// Reads the configuration (each plan's, in a portfolio, with what it knows of the other
    /// plans); the rest is read when first asked for, and once.
    pub fn load(root: &Path, as_of: Date) -> Result<Project, Vec<Diagnostic>> {
        let plans = portfolio::load(root)?;
        let config = Config::load(root)?;
        let portfolio = plans.is_some();
        let plans = plans.unwrap_or_else(|| vec![Plan::single(root, &config)]);
        Ok(Project {
            root: root.to_path_buf(),
            as_of,
            config,
            plans,
            portfolio,
            templates: OnceCell::new(),
            theme: OnceCell::new(),
        })
    }

    /// Whether the project is a portfolio (`plans/<plan-id>/`).
    pub fn is_portfolio(&self) -> bool {
        self.portfolio
    }

    /// Every plan of the project, in the order their folders sort.
    pub fn plans(&self) -> &[Plan] {
        &self.plans
    }

    /// The plan `--plan` names in a portfolio; without `--plan`, the project's one plan.
    pub fn plan(&self, id: Option<&str>) -> Result<&Plan, Diagnostic> {
        match (id, self.portfolio) {
            (None, false) => Ok(&self.plans[0]),
            (Some(_), false) => Err(portfolio::not_a_portfolio()),
            (Some(id), true) => portfolio::pick(&self.plans, id),
            (None, true) => Err(Diagnostic::error("a portfolio holds several plans").help("add `--plan ID`")),
        }
    }

    /// The effective templates (the embedded theme with `templates/`), read once; a build
    /// that finds nothing changed needs no more of the theme than these.
    pub fn templates(&self) -> Result<&[Template], Vec<Diagnostic>> {
        if let Some(templates) = self.templates.get() {
            return Ok(templates);
        }
        let templates = effective(&self.root)?;
        Ok(self.templates.get_or_init(|| templates))
    }

    /// The templates and both engines, compiled on first use and then shared by the run.
    pub fn theme(&self) -> Result<&Theme, Vec<Diagnostic>> {
        if let Some(theme) = self.theme.get() {
            return Ok(theme);
        }
        let theme = Theme::of(self.templates()?.to_vec())?;
        Ok(self.theme.get_or_init(|| theme))
    }
}

/// The start of a plan's site from its revisions (oldest first), shared by `build` and the
/// live preview: today's plan, checked ([`Site::begin`]), for the history to be folded in
/// ([`Begun::fold`]). The history's warnings are already in `diagnostics`, and the first of
/// them in `options` ([`history_note`]). `Err` holds every problem when there is an error
/// (or a warning, when strict).
fn begin_site(
    revisions: &dyn Revisions,
    pipeline: &Pipeline,
    options: &SiteOptions<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Begun, Vec<Diagnostic>> {
    if revisions.len() == 0 {
        diagnostics.push(Diagnostic::error("no revision to build"));
        return Err(diagnostics.clone());
    }
    Site::begin(revisions, pipeline, options, diagnostics).ok_or_else(|| diagnostics.clone())
}

/// What the archive says about the history itself (a shallow clone, say): its first warning.
fn history_note(history: &History) -> Option<String> {
    history.warnings.first().map(|w| w.message.clone())
}

impl Plan {
    /// The project of one plan, as a plan.
    fn single(root: &Path, config: &Config) -> Plan {
        Plan::new(String::new(), String::new(), root.to_path_buf(), config.clone(), None)
    }

    fn new(id: String, folder: String, root: PathBuf, config: Config, working: Option<Vec<RawFile>>) -> Plan {
        let pipeline = Pipeline::new(&config);
        let read = OnceCell::new();
        if let Some(files) = working {
            let _ = read.set(files);
        }
        Plan { id, folder, root, config, pipeline, working: read, history: OnceCell::new(), snapshots: OnceCell::new() }
    }

    /// The plan's working tree (`content/`), read once.
    pub fn working(&self) -> Result<&[RawFile], Diagnostic> {
        if let Some(files) = self.working.get() {
            return Ok(files);
        }
        let files = load::read_content_dir(&self.root)?;
        Ok(self.working.get_or_init(|| files))
    }

    /// The plan's revisions (with its working tree dated `as_of`), found once.
    pub fn history(&self, as_of: Date) -> Result<&History, Diagnostic> {
        if let Some(found) = self.history.get() {
            return Ok(found);
        }
        let found = History::discover(&self.root, &self.config, as_of, self.working()?)?;
        Ok(self.history.get_or_init(|| found))
    }

    /// Every revision read, parsed and derived, once per run (the pipeline parses each file
    /// content once). Timed on `clock` (read, parse, derive) and told to `progress`.
    pub fn snapshots(
        &self,
        as_of: Date,
        progress: &dyn Progress,
        clock: &mut Stopwatch,
    ) -> Result<&[Snapshot], Diagnostic> {
        if let Some(snapshots) = self.snapshots.get() {
            return Ok(snapshots);
        }
        let found = self.history(as_of)?;
        let snapshots = history::snapshots::load_with(found, self.working()?, &self.pipeline, progress, clock)?;
        Ok(self.snapshots.get_or_init(|| snapshots))
    }

    /// Every revision read and parsed, for a build to derive them one at a time as it
    /// folds them into its site: none is kept. A second build (a variant) reads again the
    /// versions the first let go of ([`history::snapshots::Revisions::folded`]).
    pub fn revisions(
        &self,
        as_of: Date,
        progress: &dyn Progress,
        clock: &mut Stopwatch,
    ) -> Result<history::snapshots::Loaded<'_>, Diagnostic> {
        let found = self.history(as_of)?;
        history::snapshots::read(found, self.working()?, &self.pipeline, progress, clock)
    }

    /// The plan's diagnostics named from the project root (`plans/<id>/…` in a portfolio).
    pub fn named(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        if self.folder.is_empty() {
            return diagnostics;
        }
        diagnostics.into_iter().map(|d| d.under(&self.folder)).collect()
    }
}
