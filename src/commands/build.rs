//! `statuspress build`: the site of every revision, swapped in only when all went well.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{Failed, Ui, date_arg, plural};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::values::Date;
use crate::{history, load, progress, render, write};

#[derive(clap::Args)]
pub struct Args {
    /// Output folder (default: `[site] output`, i.e. `site/`; for `--audience ID`, `site-ID/`).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Build the site one audience may see: for an external audience, without any
    /// confidential record. Without it, `build` also builds every `[[site.variant]]`.
    #[arg(long)]
    audience: Option<String>,
    /// The date to compute status for (YYYY-MM-DD); default: SOURCE_DATE_EPOCH or today.
    #[arg(long, value_parser = date_arg)]
    as_of: Option<String>,
    /// Fail on warnings too (nothing is written).
    #[arg(long)]
    strict: bool,
    /// Allow removing published revisions and item pages (e.g. after deleting a tag).
    #[arg(long)]
    prune: bool,
}

pub fn run(args: &Args, ui: &Ui) -> Result<(), Failed> {
    let as_of = ui.as_of(args.as_of.as_deref())?;
    let progress = ui.progress();
    let options = BuildOptions {
        root: &ui.root,
        output: args.output.as_deref(),
        audience: args.audience.as_deref(),
        as_of,
        strict: args.strict,
        prune: args.prune,
        progress: &*progress,
    };
    let started = Instant::now();
    say(build(&options), &options, ui, started)?;
    // The configured audience sites, when the command line asked for no one site.
    if args.output.is_some() || args.audience.is_some() {
        return Ok(());
    }
    let variants = Config::load(&ui.root).map(|c| c.site.variant).unwrap_or_default();
    let mut failed = false;
    for variant in &variants {
        let output = ui.root.join(&variant.output);
        let options = BuildOptions { output: Some(&output), audience: Some(&variant.audience), ..options };
        let started = Instant::now();
        failed |= say(build(&options), &options, ui, started).is_err();
    }
    if failed { Err(Failed) } else { Ok(()) }
}

/// Prints what a build did, or why it failed.
fn say(
    result: Result<Built, Vec<Diagnostic>>,
    options: &BuildOptions<'_>,
    ui: &Ui,
    started: Instant,
) -> Result<(), Failed> {
    let whose = options.audience.map_or_else(String::new, |id| format!(" for audience `{id}`"));
    match result {
        Ok(Built { output, unchanged: Some(warnings), timings, .. }) => {
            ui.info(&format!(
                "{}{whose} is up to date: nothing changed since the build that wrote it{}",
                output.display(),
                if warnings > 0 {
                    format!(" ({warnings} warning{}; `statuspress check` lists them)", plural(warnings))
                } else {
                    String::new()
                }
            ));
            ui.timings(&timings);
            Ok(())
        }
        Ok(built) => {
            ui.diagnostics(&built.diagnostics, false);
            ui.info(&format!(
                "built {} files ({} revision{}){whose} into {} in {:.2?}",
                built.files,
                built.revisions,
                plural(built.revisions),
                built.output.display(),
                started.elapsed()
            ));
            if ui.verbose {
                ui.info(&format!("as of {}", options.as_of));
                ui.timings(&built.timings);
                if let Some(kib) = peak_memory_kib() {
                    ui.info(&format!("peak memory: {kib} KiB"));
                }
            }
            Ok(())
        }
        Err(diagnostics) => {
            ui.diagnostics(&diagnostics, options.strict);
            ui.info(&format!("build{whose} failed; the previous site was left as it was"));
            Err(Failed)
        }
    }
}

/// Peak resident memory of this process (Linux: `VmHWM`), for `--verbose` and benchmarks.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// What `build` did.
pub struct Built {
    pub output: PathBuf,
    pub files: usize,
    pub revisions: usize,
    /// Set when nothing changed since the build that wrote the output, which is then left
    /// as it is: the number of warnings that build reported.
    pub unchanged: Option<usize>,
    /// Wall time of each stage, for `--verbose` and benchmarks.
    pub timings: Vec<(&'static str, std::time::Duration)>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Copy)]
pub struct BuildOptions<'a> {
    pub root: &'a Path,
    pub output: Option<&'a Path>,
    /// Build the site this audience may see (see [`crate::derive::redact`]).
    pub audience: Option<&'a str>,
    pub as_of: Date,
    /// Treat warnings as errors (nothing is written).
    pub strict: bool,
    /// Allow dropping published revisions and item pages (see [`history::urls`]).
    pub prune: bool,
    /// Told how far reading, deriving and rendering have got.
    pub progress: &'a dyn progress::Progress,
}

/// Builds the site of every revision; on any error the previous output is left untouched.
/// Errors in the newest revision (normally the working tree) fail the build; an older
/// revision with errors is a warning, and its archive page says why it could not be read.
pub fn build(options: &BuildOptions<'_>) -> Result<Built, Vec<Diagnostic>> {
    if let Some(plans) = super::plans::load(options.root)? {
        return build_portfolio(options, plans);
    }
    let config = Config::load(options.root)?;
    let mut diagnostics = Vec::new();
    let output = output_of(options, &config);
    if let Err(d) = write::check_output(options.root, &output) {
        diagnostics.push(d);
    }
    let templates = render::templates::effective(options.root).map_err(|mut d| {
        diagnostics.append(&mut d);
        diagnostics.clone()
    })?;
    let fail = |mut diagnostics: Vec<Diagnostic>, d: Diagnostic| {
        diagnostics.push(d);
        diagnostics
    };
    let mut clock = progress::Stopwatch::start();
    let pipeline = history::snapshots::Pipeline::new(&config);
    let working = load::read_content_dir(options.root).map_err(|d| fail(diagnostics.clone(), d))?;
    clock.lap("read working tree");
    let history = history::History::discover(options.root, &config, options.as_of, &working)
        .map_err(|d| fail(diagnostics.clone(), d))?;
    clock.lap("history discovery");
    let fingerprint = fingerprint(options, &templates, &history, &working);
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
            unchanged: Some(stored.warnings),
            diagnostics,
            timings: clock.laps,
        });
    }
    let mut site =
        plan_site(options, &pipeline, &history, working, &templates, &output, &[], &mut diagnostics, &mut clock)?;
    let revisions = site.snapshots.len();
    let staging = write::Staging::create(&output, |holder| {
        let pid = holder.map_or_else(String::new, |pid| format!(" (pid {pid})"));
        eprintln!("waiting for another build of {}{pid}…", output.display());
    })
    .map_err(|e| {
        fail(
            diagnostics.clone(),
            Diagnostic::error(format!("cannot create a staging folder beside {}: {e}", output.display())),
        )
    })?;
    let files =
        render::render_site(&mut site, &config, &templates, &staging, options.progress).map_err(|mut problems| {
            diagnostics.append(&mut problems);
            diagnostics.clone()
        })?;
    let urls = history::urls::permanent(&site.snapshots);
    staging.write(history::urls::MANIFEST, &history::urls::manifest(&urls)).map_err(|e| {
        fail(diagnostics.clone(), Diagnostic::error(format!("cannot write {}: {e}", history::urls::MANIFEST)))
    })?;
    if let Some(fingerprint) = fingerprint {
        let file = fingerprint.file(diagnostics.len(), &staging.written());
        staging.write(write::fingerprint::FILE, file.as_bytes()).map_err(|e| {
            fail(diagnostics.clone(), Diagnostic::error(format!("cannot write {}: {e}", write::fingerprint::FILE)))
        })?;
    }
    clock.lap("render");
    staging.commit().map_err(|e| {
        fail(diagnostics.clone(), Diagnostic::error(format!("cannot replace {}: {e}", output.display())))
    })?;
    // Best effort: unsealed, the next skip reads more of the site to check it.
    let _ = write::fingerprint::seal(&output);
    clock.lap("write");
    Ok(Built { output, files: files + 3, revisions, unchanged: None, diagnostics, timings: clock.laps })
}

/// A portfolio's site: each plan's site in `<plan-id>/`, exactly as a site of one plan
/// (with the references across plans resolved), and the portfolio's dashboard at the root;
/// swapped in as one, only when every plan built.
fn build_portfolio(options: &BuildOptions<'_>, plans: Vec<super::plans::Plan>) -> Result<Built, Vec<Diagnostic>> {
    use render::Output as _;
    let config = Config::load(options.root)?;
    let output = output_of(options, &config);
    let mut diagnostics = Vec::new();
    if let Err(d) = write::check_output(options.root, &output) {
        diagnostics.push(d);
    }
    let templates = render::templates::effective(options.root)?;
    // An audience site of the portfolio may be for one of its own audiences.
    let audiences = super::plans::audiences(options.root)?;
    let mut clock = progress::Stopwatch::start();
    let mut sites = Vec::new();
    for plan in plans {
        let mut own = Vec::new();
        let plan_options = BuildOptions { root: &plan.root, ..*options };
        let pipeline = history::snapshots::Pipeline::new(&plan.config);
        let site = history::History::discover(&plan.root, &plan.config, options.as_of, &plan.working)
            .map_err(|d| vec![d])
            .and_then(|history| {
                let output = output.join(&plan.id);
                let (working, templates) = (plan.working, &templates);
                plan_site(
                    &plan_options,
                    &pipeline,
                    &history,
                    working,
                    templates,
                    &output,
                    &audiences,
                    &mut own,
                    &mut clock,
                )
            });
        diagnostics.extend(own.into_iter().map(|d| d.under(&plan.folder)));
        match site {
            Ok(site) => sites.push((plan.id, plan.config, site)),
            Err(problems) => diagnostics.extend(problems.into_iter().map(|d| d.under(&plan.folder))),
        }
    }
    crate::diagnostics::sort(&mut diagnostics);
    if diagnostics.iter().any(|d| d.is_error() || options.strict) {
        return Err(diagnostics);
    }
    let staging = write::Staging::create(&output, |_| eprintln!("waiting for another build of {}…", output.display()))
        .map_err(|e| {
            vec![Diagnostic::error(format!("cannot create a staging folder beside {}: {e}", output.display()))]
        })?;
    let mut files = 0;
    for (id, config, site) in &mut sites {
        let under = write::Under { staging: &staging, folder: id };
        files += render::render_site(site, config, &templates, &under, options.progress).map_err(|problems| {
            problems.into_iter().map(|d| d.under(&format!("{}/{id}", crate::load::PLANS_DIR))).collect::<Vec<_>>()
        })?;
        let urls = history::urls::manifest(&history::urls::permanent(&site.snapshots));
        under
            .write(history::urls::MANIFEST, &urls)
            .map_err(|e| vec![Diagnostic::error(format!("cannot write {}: {e}", history::urls::MANIFEST))])?;
    }
    let title = config.site.title.clone().unwrap_or_else(|| "Portfolio".to_string());
    let plans: Vec<(&str, &render::Site)> = sites.iter().map(|(id, _, site)| (id.as_str(), site)).collect();
    files += render::portfolio::render_portfolio(
        &plans,
        &title,
        &config.site.base_url,
        config.risk.bands,
        &templates,
        &staging,
    )?;
    clock.lap("render");
    staging.commit().map_err(|e| vec![Diagnostic::error(format!("cannot replace {}: {e}", output.display()))])?;
    clock.lap("write");
    let revisions = sites.iter().map(|(_, _, site)| site.snapshots.len()).max().unwrap_or(0);
    Ok(Built { output, files, revisions, unchanged: None, diagnostics, timings: clock.laps })
}

/// Where a build writes: `--output`, else `[site] output` (with `-<audience>` for an
/// audience's site).
fn output_of(options: &BuildOptions<'_>, config: &Config) -> PathBuf {
    match (options.output, options.audience) {
        (Some(output), _) => output.to_path_buf(),
        (None, Some(audience)) => options.root.join(format!("{}-{audience}", config.site.output)),
        (None, None) => options.root.join(&config.site.output),
    }
}

/// One plan's site, from its history and working tree (`output` is where it goes, for the
/// check that no published page disappears). Problems go to `diagnostics`; `Err` holds them
/// all when the plan cannot be built.
#[allow(clippy::too_many_arguments)]
fn plan_site(
    options: &BuildOptions<'_>,
    pipeline: &history::snapshots::Pipeline,
    history: &history::History,
    working: Vec<load::RawFile>,
    templates: &[render::templates::Template],
    output: &Path,
    more_audiences: &[crate::derive::Item],
    diagnostics: &mut Vec<Diagnostic>,
    clock: &mut progress::Stopwatch,
) -> Result<render::Site, Vec<Diagnostic>> {
    diagnostics.extend(history.warnings.iter().cloned());
    let snapshots = history::snapshots::load_with(history, working, pipeline, options.progress, clock)
        .map_err(|d| [diagnostics.clone(), vec![d]].concat())?;
    if snapshots.is_empty() {
        return Err([diagnostics.clone(), vec![Diagnostic::error("no revision to build")]].concat());
    }
    // Checked against every record's URL: an audience's site may drop a record that became
    // confidential, and its manifest (written from what it shows) says so.
    if !options.prune
        && let Err(d) = history::urls::check_kept(output, &history::urls::permanent(&snapshots))
    {
        diagnostics.push(d);
    }
    let site_options = render::SiteOptions {
        as_of: options.as_of,
        history_note: history.warnings.first().map(|w| w.message.clone()),
        strict: options.strict,
        audience: options.audience,
        more_audiences,
    };
    render::Site::of(snapshots, pipeline, templates, &site_options, diagnostics, options.progress, clock)
        .ok_or_else(|| diagnostics.clone())
}

/// Everything the site depends on, hashed: a build with the fingerprint of the site in the
/// output folder would write the same bytes, so it is skipped. Each revision's files count by
/// their `content/` tree (its id names every path and blob), and every object under it must
/// still be readable: a lost or damaged object is an error of the build (and of `check`),
/// never hidden behind an old site. `None` when one is not: the build runs and says so.
fn fingerprint(
    options: &BuildOptions<'_>,
    templates: &[render::templates::Template],
    history: &history::History,
    working: &[load::RawFile],
) -> Option<write::fingerprint::Fingerprint> {
    let mut inputs = write::fingerprint::Inputs::default();
    inputs.add("tool", write::fingerprint::tool().as_bytes());
    inputs.add("config", &std::fs::read(options.root.join(crate::config::FILE_NAME)).unwrap_or_default());
    for template in templates {
        inputs.add(&template.name, template.text.as_bytes());
    }
    inputs.add("as of", options.as_of.to_string().as_bytes());
    inputs.add("audience", options.audience.unwrap_or_default().as_bytes());
    inputs.add("revisions", &serde_json::to_vec(&history.revisions).unwrap_or_default());
    for warning in &history.warnings {
        inputs.add("history warning", warning.message.as_bytes());
    }
    for file in working {
        inputs.add(&file.content_path, &file.bytes);
    }
    if let Some(repo) = &history.repo {
        let commits: Vec<_> = history
            .revisions
            .iter()
            .filter_map(|r| if let history::Source::Commit(id) = r.source { Some(id) } else { None })
            .collect();
        for tree in repo.content_trees_present(&commits).ok()?? {
            inputs.add("content tree", tree.as_bytes());
        }
    }
    Some(inputs.finish())
}
