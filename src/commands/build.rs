//! `statuspress build`: the site of every revision, swapped in only when all went well.

use std::path::PathBuf;
use std::time::Instant;

use super::{Failed, Ui, date_arg, plural};
use crate::diagnostics::Diagnostic;
use crate::project::Project;
use crate::project::build::{BuildOptions, Built};

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
        output: args.output.as_deref(),
        audience: args.audience.as_deref(),
        strict: args.strict,
        prune: args.prune,
        progress: &*progress,
    };
    let started = Instant::now();
    let project = Project::load(&ui.root, as_of);
    let built = project.as_ref().map_err(Clone::clone).and_then(|project| project.build(&options));
    say(built, &options, as_of, ui, started)?;
    // The configured audience sites, when the command line asked for no one site; they
    // reuse what the first build read, parsed and compiled.
    let Ok(project) = project.as_ref() else { return Ok(()) };
    if args.output.is_some() || args.audience.is_some() {
        return Ok(());
    }
    let mut failed = false;
    for variant in &project.config.site.variant {
        let output = ui.root.join(&variant.output);
        let options = BuildOptions { output: Some(&output), audience: Some(&variant.audience), ..options };
        let started = Instant::now();
        failed |= say(project.build(&options), &options, as_of, ui, started).is_err();
    }
    if failed { Err(Failed) } else { Ok(()) }
}

/// Prints what a build did, or why it failed.
fn say(
    result: Result<Built, Vec<Diagnostic>>,
    options: &BuildOptions<'_>,
    as_of: crate::values::Date,
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
                ui.info(&format!("as of {as_of}"));
                ui.info(&format!(
                    "reused {} archived status.json file{} from the previous build",
                    built.reused,
                    plural(built.reused)
                ));
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
