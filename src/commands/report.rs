//! `statuspress report`: one week's report, for everyone or for one audience, in any format.

use std::io::Write as _;
use std::path::PathBuf;

use clap::ValueEnum;

use super::{Failed, Ui, WeekArgs};
use crate::diagnostics::Diagnostic;
use crate::project::Project;
use crate::project::report::Weekly;
use crate::{progress, render, report};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    when: WeekArgs,
    /// An audience id (default: the full internal report). In a portfolio, an audience of
    /// its own `audiences/` (the digest), or of the plan given with `--plan`.
    #[arg(long)]
    audience: Option<String>,
    /// In a portfolio: this plan's report instead of the digest of every plan.
    #[arg(long)]
    plan: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// The email's HTML (CSS inlined), a standalone page.
    Html,
    /// Markdown that fits a GitHub or GitLab comment (at most 65,536 characters).
    Markdown,
    Text,
    /// The whole email, ready to send (RFC 5322).
    Eml,
    /// The report's data (what the templates get), for chat bots and scripts.
    Json,
}

pub fn run(args: &Args, ui: &Ui) -> Result<(), Failed> {
    let as_of = ui.as_of(args.when.as_of.as_deref())?;
    let mut clock = progress::Stopwatch::start();
    let project = Project::load(&ui.root, as_of).map_err(|d| ui.fail(&d))?;
    let (weekly, base) = project
        .report(args.when.week.as_deref(), args.audience.as_deref(), args.plan.as_deref(), &mut clock)
        .map_err(|d| ui.fail(&d))?;
    clock.lap("render");
    let (rendered, email, data, week, readiness) = match &weekly {
        Weekly::Plan(w) => {
            let data = serde_json::to_vec_pretty(&w.report).unwrap_or_default();
            (&w.rendered, &w.email, data, w.report.week.clone(), w.report.readiness.to_string())
        }
        Weekly::Digest(d) => {
            let (digest, rendered, email) = d.as_ref();
            let nogo = digest.plans.iter().filter(|p| !p.go).count();
            let data = serde_json::to_vec_pretty(digest).unwrap_or_default();
            (rendered, email, data, digest.week.clone(), format!("{nogo} of {} plans NO-GO", digest.plans.len()))
        }
    };
    let bytes = match args.format {
        Format::Markdown => {
            let full = (!base.is_empty()).then(|| format!("{base}reports/{week}/index.html"));
            render::reports::fit_comment(&rendered.markdown, full.as_deref()).into_bytes()
        }
        Format::Json => [data, b"\n".to_vec()].concat(),
        Format::Text => rendered.text.clone().into_bytes(),
        Format::Html => report::email::inline_css(&rendered.email_html).map_err(|d| ui.fail(&[d]))?.into_bytes(),
        Format::Eml => email.message.formatted(),
    };
    let written = match &args.output {
        Some(path) => std::fs::write(path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => std::io::stdout().write_all(&bytes).map_err(|e| format!("cannot write the report: {e}")),
    };
    written.map_err(|e| ui.fail(&[Diagnostic::error(e)]))?;
    clock.lap("write");
    ui.info(&format!("report {week} ({readiness}): {}", email.subject));
    ui.timings(&clock.laps);
    Ok(())
}
