//! The site of every revision (`statuspress build`), of one plan or of a portfolio, swapped in
//! only when all went well.

use std::path::{Path, PathBuf};

use super::{Plan, Project};
use crate::diagnostics::Diagnostic;
use crate::progress::{self, Stopwatch};
use crate::{history, load, render, write};

/// What `build` did.
pub struct Built {
    pub output: PathBuf,
    pub files: usize,
    pub revisions: usize,
    /// How many archived revisions' `status.json` were kept from the previous output.
    pub reused: usize,
    /// Set when nothing changed since the build that wrote the output, which is then left
    /// as it is: the number of warnings that build reported.
    pub unchanged: Option<usize>,
    /// Wall time of each stage, for `--verbose` and benchmarks.
    pub timings: Vec<(&'static str, std::time::Duration)>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Copy)]
pub struct BuildOptions<'a> {
    pub output: Option<&'a Path>,
    /// Build the site this audience may see (see [`crate::derive::redact`]).
    pub audience: Option<&'a str>,
    /// Treat warnings as errors (nothing is written).
    pub strict: bool,
    /// Allow dropping published revisions and item pages (see [`history::urls`]).
    pub prune: bool,
    /// Told how far reading, deriving and rendering have got.
    pub progress: &'a dyn progress::Progress,
}

/// Where a plan's build writes each revision's `status.json` as it folds the history in.
struct Archive<'a> {
    output: &'a dyn render::Output,
    /// Told first what an audience's site hides (see [`render::Begun::redaction_key`]): the
    /// output may keep the previous build's files when that did not change.
    keep: &'a dyn Fn(Option<&str>),
}

/// Adds `d` to the problems so far and returns them all, for a build that stops.
fn fail(diagnostics: &[Diagnostic], d: Diagnostic) -> Vec<Diagnostic> {
    [diagnostics, &[d]].concat()
}

impl Project {
    /// Builds the site of every revision; on any error the previous output is left untouched.
    /// Errors in the newest revision (normally the working tree) fail the build; an older
    /// revision with errors is a warning, and its archive page says why it could not be read.
    /// A second build of the same project (a `[[site.variant]]`) reuses the working tree and
    /// the history the first found; the older record versions, let go as the first folded its
    /// history in, are read and parsed again.
    pub fn build(&self, options: &BuildOptions<'_>) -> Result<Built, Vec<Diagnostic>> {
        if self.portfolio {
            return self.build_portfolio(options);
        }
        let plan = &self.plans[0];
        let mut diagnostics = Vec::new();
        let output = self.output_of(options);
        if let Err(d) = write::check_output(&self.root, &output) {
            diagnostics.push(d);
        }
        let templates = self.templates().map_err(|d| [diagnostics.clone(), d].concat())?;
        let mut clock = Stopwatch::start();
        let working = plan.working().map_err(|d| fail(&diagnostics, d))?;
        clock.lap("read working tree");
        let history = plan.history(self.as_of).map_err(|d| fail(&diagnostics, d))?;
        clock.lap("history discovery");
        let trees = content_trees(history);
        let fingerprint = trees.as_ref().map(|trees| self.fingerprint(options, templates, history, working, trees));
        let unchanged = fingerprint
            .as_ref()
            .and_then(|f| f.stored_in(&output))
            .filter(|stored| !(options.strict && stored.warnings > 0));
        if let Some(stored) = unchanged.filter(|_| diagnostics.is_empty()) {
            clock.lap("fingerprint");
            let revisions = history.revisions.len();
            return Ok(Built {
                output,
                files: 0,
                revisions,
                reused: 0,
                unchanged: Some(stored.warnings),
                diagnostics,
                timings: clock.laps,
            });
        }
        let staging = write::Staging::create(&output, |holder| {
            let pid = holder.map_or_else(String::new, |pid| format!(" (pid {pid})"));
            eprintln!("waiting for another build of {}{pid}…", output.display());
        })
        .map_err(|e| {
            let d = Diagnostic::error(format!("cannot create a staging folder beside {}: {e}", output.display()));
            fail(&diagnostics, d)
        })?;
        // Told the redaction before the history is folded in: which archived files of the
        // previous output the build may keep depends on it.
        let archived = std::cell::RefCell::new(Vec::new());
        let keep = |redaction: Option<&str>| {
            let fingerprints = trees.as_ref().map(|t| self.revision_fingerprints(redaction, history, t));
            staging.may_keep(reusable(&output, fingerprints.as_deref().unwrap_or_default()));
            *archived.borrow_mut() = fingerprints.unwrap_or_default();
        };
        let mut site = self.plan_site(
            plan,
            options,
            &output,
            &[],
            Archive { output: &staging, keep: &keep },
            &mut diagnostics,
            &mut clock,
        )?;
        let archived = archived.into_inner();
        let revisions = site.timeline.revisions.len();
        let theme = self.theme().map_err(|d| [diagnostics.clone(), d].concat())?;
        let files = render::render_site(&mut site, &self.config, theme, &staging, options.progress)
            .map_err(|problems| [diagnostics.clone(), problems].concat())?;
        staging.write(history::urls::MANIFEST, &history::urls::manifest(&site.urls)).map_err(|e| {
            fail(&diagnostics, Diagnostic::error(format!("cannot write {}: {e}", history::urls::MANIFEST)))
        })?;
        if let Some(fingerprint) = fingerprint {
            let file = fingerprint.file(diagnostics.len(), &archived, &staging.written());
            staging.write(write::fingerprint::FILE, file.as_bytes()).map_err(|e| {
                fail(&diagnostics, Diagnostic::error(format!("cannot write {}: {e}", write::fingerprint::FILE)))
            })?;
        }
        clock.lap("render");
        let reused = staging.kept();
        staging
            .commit()
            .map_err(|e| fail(&diagnostics, Diagnostic::error(format!("cannot replace {}: {e}", output.display()))))?;
        // Best effort: unsealed, the next skip reads more of the site to check it.
        let _ = write::fingerprint::seal(&output);
        clock.lap("write");
        let files = files + site.files_written + 3;
        Ok(Built { output, files, revisions, reused, unchanged: None, diagnostics, timings: clock.laps })
    }

    /// A portfolio's site: each plan's site in `<plan-id>/`, exactly as a site of one plan
    /// (with the references across plans resolved), and the portfolio's dashboard at the root;
    /// swapped in as one, only when every plan built.
    fn build_portfolio(&self, options: &BuildOptions<'_>) -> Result<Built, Vec<Diagnostic>> {
        use render::Output as _;
        let output = self.output_of(options);
        let mut diagnostics = Vec::new();
        if let Err(d) = write::check_output(&self.root, &output) {
            diagnostics.push(d);
        }
        self.templates()?;
        // An audience site of the portfolio may be for one of its own audiences.
        let audiences = super::portfolio::audiences(&self.root)?;
        let staging =
            write::Staging::create(&output, |_| eprintln!("waiting for another build of {}…", output.display()))
                .map_err(|e| {
                    vec![Diagnostic::error(format!("cannot create a staging folder beside {}: {e}", output.display()))]
                })?;
        let mut clock = Stopwatch::start();
        let mut sites = Vec::new();
        for plan in &self.plans {
            let mut own = Vec::new();
            let out = output.join(&plan.id);
            let under = write::Under { staging: &staging, folder: &plan.id };
            let site = self.plan_site(
                plan,
                options,
                &out,
                &audiences,
                Archive { output: &under, keep: &|_| {} },
                &mut own,
                &mut clock,
            );
            diagnostics.extend(plan.named(own));
            match site {
                Ok(site) => sites.push((plan, site)),
                Err(problems) => diagnostics.extend(plan.named(problems)),
            }
        }
        crate::diagnostics::sort(&mut diagnostics);
        if diagnostics.iter().any(|d| d.is_error() || options.strict) {
            return Err(diagnostics);
        }
        let theme = self.theme()?;
        let mut files = 0;
        let revisions = sites.iter().map(|(_, site)| site.timeline.revisions.len()).max().unwrap_or(0);
        for (plan, site) in &mut sites {
            let under = write::Under { staging: &staging, folder: &plan.id };
            let urls = history::urls::manifest(&site.urls);
            files += site.files_written;
            files += render::render_site(site, &plan.config, theme, &under, options.progress).map_err(|problems| {
                let folder = format!("{}/{}", load::PLANS_DIR, plan.id);
                problems.into_iter().map(|d| d.under(&folder)).collect::<Vec<_>>()
            })?;
            under
                .write(history::urls::MANIFEST, &urls)
                .map_err(|e| vec![Diagnostic::error(format!("cannot write {}: {e}", history::urls::MANIFEST))])?;
        }
        let config = &self.config;
        let title = config.site.title.clone().unwrap_or_else(|| "Portfolio".to_string());
        let plans: Vec<(&str, &render::Site)> = sites.iter().map(|(plan, site)| (plan.id.as_str(), site)).collect();
        files += render::portfolio::render_portfolio(
            &plans,
            &title,
            &config.site.base_url,
            config.risk.bands,
            theme,
            &staging,
        )?;
        clock.lap("render");
        staging.commit().map_err(|e| vec![Diagnostic::error(format!("cannot replace {}: {e}", output.display()))])?;
        clock.lap("write");
        Ok(Built { output, files, revisions, reused: 0, unchanged: None, diagnostics, timings: clock.laps })
    }

    /// Where a build writes: `--output`, else `[site] output` (with `-<audience>` for an
    /// audience's site).
    pub fn output_of(&self, options: &BuildOptions<'_>) -> PathBuf {
        match (options.output, options.audience) {
            (Some(output), _) => output.to_path_buf(),
            (None, Some(audience)) => self.root.join(format!("{}-{audience}", self.config.site.output)),
            (None, None) => self.root.join(&self.config.site.output),
        }
    }

    /// One plan's site, from its history and working tree (`output` is where it goes, for the
    /// check that no published page disappears); `archive` takes each revision's
    /// `status.json` as the history is folded in. Problems go to
    /// `diagnostics`; `Err` holds them all when the plan cannot be built.
    #[allow(clippy::too_many_arguments)]
    fn plan_site(
        &self,
        plan: &Plan,
        options: &BuildOptions<'_>,
        output: &Path,
        more_audiences: &[crate::derive::Item],
        archive: Archive<'_>,
        diagnostics: &mut Vec<Diagnostic>,
        clock: &mut Stopwatch,
    ) -> Result<render::Site, Vec<Diagnostic>> {
        let history = plan.history(self.as_of).map_err(|d| fail(diagnostics, d))?;
        diagnostics.extend(history.warnings.iter().cloned());
        let revisions = plan.revisions(self.as_of, options.progress, clock).map_err(|d| fail(diagnostics, d))?;
        let theme = self.theme().map_err(|d| [diagnostics.clone(), d].concat())?;
        let site_options = render::SiteOptions {
            as_of: self.as_of,
            history_note: super::history_note(history),
            strict: options.strict,
            audience: options.audience,
            more_audiences,
        };
        let begun = super::begin_site(&revisions, &plan.pipeline, &site_options, diagnostics)?;
        (archive.keep)(begun.redaction_key().as_deref());
        let site = begun
            .fold(&revisions, &plan.pipeline, theme, Some(archive.output), diagnostics, options.progress, clock)
            .ok_or_else(|| diagnostics.clone())?;
        // The history's revisions are gone; today's pages are rendered next.
        crate::memory::give_back();
        // Checked against every record's URL: an audience's site may drop a record that
        // became confidential, and its manifest (written from what it shows) says so.
        if !options.prune
            && let Err(d) = history::urls::check_kept(output, site.unredacted_urls.as_ref().unwrap_or(&site.urls))
        {
            return Err(fail(diagnostics, d));
        }
        Ok(site)
    }

    /// Everything the site depends on, hashed: a build with the fingerprint of the site in the
    /// output folder would write the same bytes, so it is skipped. Each revision's files count
    /// by their `content/` tree (`trees`, one per commit: see [`content_trees`]).
    fn fingerprint(
        &self,
        options: &BuildOptions<'_>,
        templates: &[render::templates::Template],
        history: &history::History,
        working: &[load::RawFile],
        trees: &[gix::ObjectId],
    ) -> write::fingerprint::Fingerprint {
        let mut inputs = self.tool_and_config();
        for template in templates {
            inputs.add(&template.name, template.text.as_bytes());
        }
        inputs.add("as of", self.as_of.to_string().as_bytes());
        inputs.add("audience", options.audience.unwrap_or_default().as_bytes());
        inputs.add("revisions", &serde_json::to_vec(&history.revisions).unwrap_or_default());
        for warning in &history.warnings {
            inputs.add("history warning", warning.message.as_bytes());
        }
        for file in working {
            inputs.add(&file.content_path, &file.bytes);
        }
        for tree in trees {
            inputs.add("content tree", tree.as_bytes());
        }
        inputs.finish()
    }

    /// The inputs every output depends on: the tool and `statuspress.toml`'s bytes.
    fn tool_and_config(&self) -> write::fingerprint::Inputs {
        let mut inputs = write::fingerprint::Inputs::default();
        inputs.add("tool", write::fingerprint::tool().as_bytes());
        inputs.add("config", &std::fs::read(self.root.join(crate::config::FILE_NAME)).unwrap_or_default());
        inputs
    }

    /// The fingerprint of each committed revision's `status.json` (by its slug), oldest
    /// first: the tool, the config, and the revision with every one before it (its id,
    /// commit, date and `content/` tree), as a revision's ship date is measured against the
    /// first one's (see [`history::snapshots::rebase_ship_dates`]). A tag inserted before
    /// it, or a changed earlier revision, changes it. For an audience's site, `redaction`
    /// too (see [`render::Begun::redaction_key`]): it hides what was confidential in any revision,
    /// later ones too. The working tree's revision has none: it is always made again.
    fn revision_fingerprints(
        &self,
        redaction: Option<&str>,
        history: &history::History,
        trees: &[gix::ObjectId],
    ) -> Vec<(String, write::fingerprint::Fingerprint)> {
        let mut previous = self.tool_and_config();
        previous.add("redaction", redaction.unwrap_or_default().as_bytes());
        let mut previous = previous.finish();
        let committed = history.revisions.iter().filter(|r| matches!(r.source, history::Source::Commit(_)));
        committed
            .zip(trees)
            .map(|(revision, tree)| {
                // Chained through the one before, so each revision hashes its own inputs once
                // (hashing the whole prefix again made a long history quadratic).
                let mut inputs = write::fingerprint::Inputs::default();
                inputs.add("previous", previous.as_str().as_bytes());
                inputs.add("revision", &serde_json::to_vec(revision).unwrap_or_default());
                inputs.add("content tree", tree.as_bytes());
                previous = inputs.finish();
                (revision.slug.clone(), previous.clone())
            })
            .collect()
    }
}

/// The `content/` tree of each committed revision of `history` (none without a repository),
/// once every object under them is found readable: a lost or damaged object is an error of
/// the build (and of `check`), never hidden behind an old site or an old revision's file.
/// `None` when one is not: the build runs, keeps nothing, and says why.
fn content_trees(history: &history::History) -> Option<Vec<gix::ObjectId>> {
    let Some(repo) = &history.repo else { return Some(Vec::new()) };
    let commits: Vec<_> = history
        .revisions
        .iter()
        .filter_map(|r| if let history::Source::Commit(id) = r.source { Some(id) } else { None })
        .collect();
    repo.content_trees_present(&commits).ok()?
}

/// The archived `status.json` files of the site in `output` that a build whose revisions
/// have the fingerprints `archived` may keep: those of the revisions whose fingerprint the
/// build that wrote it recorded too.
fn reusable(output: &Path, archived: &[(String, write::fingerprint::Fingerprint)]) -> Vec<write::fingerprint::Written> {
    write::fingerprint::Stored::read(output)
        .map(|stored| stored.reusable(archived, render::archived_status_path))
        .unwrap_or_default()
}
