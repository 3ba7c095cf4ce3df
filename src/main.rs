//! The `statuspress` command line: a thin layer over the library.

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use statuspress::diagnostics::{Diagnostic, terminal_safe};

mod cli_progress;

#[derive(Parser)]
#[command(name = "statuspress", version, about = "A delivery plan as records in git, published as a status site")]
struct Cli {
    /// The project folder (holding `content/` and `statuspress.toml`).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    /// When to colour diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Print only errors.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Print what is being done.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new project with a small example plan.
    Init {
        /// Where to create it (default: the current folder).
        dir: Option<PathBuf>,
        /// Write the full worked example instead (the QA coordination plan), with five weekly
        /// revisions replayed into a new git repository (tags week-1 … week-5). Needs git.
        #[arg(long)]
        from_seed: bool,
    },
    /// Print or write the JSON Schemas of the record files and of statuspress.toml, for editors.
    Schema {
        /// Only this schema: a kind (blocker, gate, …) or `config` for statuspress.toml.
        /// Default: all of them, printed as one JSON object keyed by these names.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(statuspress::schema::Document::names()))]
        kind: Option<String>,
        /// Write `DIR/<kind>.schema.json` and `DIR/statuspress.schema.json` instead of printing.
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Validate the records and report every problem, without writing anything.
    Check {
        /// The date to compute status for (YYYY-MM-DD); default: SOURCE_DATE_EPOCH or today.
        #[arg(long, value_parser = date_arg)]
        as_of: Option<String>,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
        /// Check only the working tree, not the revisions in git.
        #[arg(long)]
        no_history: bool,
    },
    /// Build the static site.
    Build {
        /// Output folder (default: `[site] output`, i.e. `site/`).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// The date to compute status for (YYYY-MM-DD); default: SOURCE_DATE_EPOCH or today.
        #[arg(long, value_parser = date_arg)]
        as_of: Option<String>,
        /// Fail on warnings too (nothing is written).
        #[arg(long)]
        strict: bool,
        /// Allow removing published revisions and item pages (e.g. after deleting a tag).
        #[arg(long)]
        prune: bool,
    },
    /// Write the weekly report of a week, for everyone or for one audience.
    Report {
        /// The ISO week, like 2025-W33 (default: the last complete week of the as-of date).
        #[arg(long, value_parser = week_arg)]
        week: Option<String>,
        /// An audience id (default: the full internal report).
        #[arg(long)]
        audience: Option<String>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
        format: ReportFormat,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// The date to compute status for (YYYY-MM-DD); default: SOURCE_DATE_EPOCH or today.
        #[arg(long, value_parser = date_arg)]
        as_of: Option<String>,
    },
    /// Email the weekly report to each audience over SMTP (each recipient once).
    Send {
        /// The ISO week, like 2025-W33 (default: the last complete week of the as-of date).
        #[arg(long, value_parser = week_arg)]
        week: Option<String>,
        /// Only this audience.
        #[arg(long)]
        audience: Option<String>,
        /// Show what would be sent, connect to nothing.
        #[arg(long)]
        dry_run: bool,
        /// Send again what the sent-ledger says was already sent.
        #[arg(long)]
        force: bool,
        /// Send even when nothing changed that week.
        #[arg(long)]
        send_unchanged: bool,
        /// The date to compute status for (YYYY-MM-DD); default: SOURCE_DATE_EPOCH or today.
        #[arg(long, value_parser = date_arg)]
        as_of: Option<String>,
    },
    /// Show what changed between two revisions, in status terms.
    Diff {
        /// The older side: a tag, branch, commit, `HEAD~2`, `working`, or a project folder
        /// (default: the newest revision before B).
        a: Option<String>,
        /// The newer side (default: the working tree).
        b: Option<String>,
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Exit with 1 when anything changed (like `git diff --exit-code`).
        #[arg(long)]
        exit_code: bool,
        /// The working tree's date (YYYY-MM-DD); default: SOURCE_DATE_EPOCH or today.
        #[arg(long, value_parser = date_arg)]
        as_of: Option<String>,
    },
}

/// `--as-of` and `--week` are checked while the command line is read, so a malformed value
/// is a usage error (exit 2, SPEC §7) like an unknown option; the library parses them again.
fn date_arg(text: &str) -> Result<String, String> {
    statuspress::values::Date::parse(text).map(|_| text.to_string())
}

fn week_arg(text: &str) -> Result<String, String> {
    statuspress::values::Week::parse(text).map(|_| text.to_string())
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    /// The email's HTML (CSS inlined), a standalone page.
    Html,
    Markdown,
    Text,
    /// The whole email, ready to send (RFC 5322).
    Eml,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Text,
    Markdown,
    Json,
    Html,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let report = Reporter { color, quiet: cli.quiet };
    let stdout_color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    if let Command::Diff { a, b, format, exit_code, as_of } = &cli.command {
        return diff(&cli, &report, (a.as_deref(), b.as_deref()), *format, *exit_code, as_of.as_deref(), stdout_color);
    }
    match run(&cli, &report) {
        Ok(()) => ExitCode::SUCCESS,
        Err(()) => ExitCode::from(1),
    }
}

struct Reporter {
    color: bool,
    quiet: bool,
}

impl Reporter {
    /// Prints diagnostics and a count; returns whether the run must fail.
    fn diagnostics(&self, diagnostics: &[Diagnostic], strict: bool) -> bool {
        for d in diagnostics {
            if d.is_error() || !self.quiet {
                eprint!("{}", d.render(self.color));
                eprintln!();
            }
        }
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        let warnings = diagnostics.len() - errors;
        if errors > 0 || (warnings > 0 && !self.quiet) {
            eprintln!("{errors} error{}, {warnings} warning{}", plural(errors), plural(warnings));
        }
        errors > 0 || (strict && warnings > 0)
    }

    /// Prints a line of progress; it may quote input (titles, paths), so it is escaped.
    fn info(&self, text: &str) {
        if !self.quiet {
            eprintln!("{}", terminal_safe(text));
        }
    }

    /// The time each stage took, one per line (`--verbose`).
    fn timings(&self, timings: &[(&'static str, std::time::Duration)]) {
        for (stage, took) in timings {
            self.info(&format!("  {stage}: {took:.2?}"));
        }
    }
}

fn diff(
    cli: &Cli,
    report: &Reporter,
    (a, b): (Option<&str>, Option<&str>),
    format: DiffFormat,
    exit_code: bool,
    as_of: Option<&str>,
    color: bool,
) -> ExitCode {
    let today = match statuspress::resolve_as_of(as_of) {
        Ok(date) => date,
        Err(d) => {
            report.diagnostics(&[d], false);
            return ExitCode::from(1);
        }
    };
    let mut comparison = match statuspress::diff(&cli.root, a, b, today) {
        Ok(comparison) => comparison,
        Err(diagnostics) => {
            report.diagnostics(&diagnostics, false);
            return ExitCode::from(1);
        }
    };
    // A side named by a folder path carries whatever that path holds; the HTML page is read
    // by people (often in a terminal first), so it gets the escaped name like the text.
    for side in [&mut comparison.diff.from, &mut comparison.diff.to] {
        side.id = terminal_safe(&side.id).into_owned();
    }
    let (diff, config) = (&comparison.diff, &comparison.config);
    let output = match format {
        DiffFormat::Text => statuspress::diff::format::text(diff, color),
        DiffFormat::Markdown => statuspress::diff::format::markdown(diff),
        DiffFormat::Json => statuspress::diff::format::json(diff),
        DiffFormat::Html => {
            let page = statuspress::render::templates::effective(&cli.root)
                .and_then(|templates| statuspress::render::diff_page(diff, config, &templates));
            match page {
                Ok(html) => html,
                Err(diagnostics) => {
                    report.diagnostics(&diagnostics, false);
                    return ExitCode::from(1);
                }
            }
        }
    };
    let code = i32::from(exit_code && !diff.is_empty());
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_all(output.as_bytes()).and_then(|()| stdout.flush());
    if let Err(e) = written {
        eprintln!("error: cannot write the diff: {}", terminal_safe(&e.to_string()));
        std::process::exit(1);
    }
    // Exit without freeing two whole plans: the OS reclaims them faster.
    std::process::exit(code)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn run(cli: &Cli, report: &Reporter) -> Result<(), ()> {
    let fail = |d: Diagnostic| {
        report.diagnostics(&[d], false);
    };
    match &cli.command {
        Command::Init { dir, from_seed: true } => {
            let dir = dir.clone().unwrap_or_else(|| cli.root.clone());
            let tags = statuspress::init::init_from_seed(&dir).map_err(fail)?;
            report.info(&format!(
                "Created the worked example in {} with {} weekly revisions (tags {}). Next: `statuspress --root {} build`",
                dir.display(),
                tags.len(),
                tags.join(", "),
                dir.display()
            ));
            Ok(())
        }
        Command::Init { dir, from_seed: false } => {
            let dir = dir.clone().unwrap_or_else(|| cli.root.clone());
            let today = statuspress::resolve_as_of(None).map_err(fail)?;
            let written = statuspress::init::init(&dir, today).map_err(fail)?;
            for path in &written {
                report.info(&format!("  created {path}"));
            }
            report.info(&format!(
                "Created a statuspress project in {}. Next: `statuspress --root {} build`",
                dir.display(),
                dir.display()
            ));
            Ok(())
        }
        Command::Schema { kind, output } => {
            let documents = match kind {
                Some(name) => statuspress::schema::Document::from_name(name).into_iter().collect(),
                None => statuspress::schema::Document::all(),
            };
            let text = match (output, kind) {
                (Some(dir), _) => {
                    for path in statuspress::schema::write(dir, &documents).map_err(fail)? {
                        report.info(&format!("  wrote {}", path.display()));
                    }
                    return Ok(());
                }
                (None, Some(_)) => documents.iter().map(|d| statuspress::schema::to_text(&d.schema())).collect(),
                (None, None) => statuspress::schema::to_text(&statuspress::schema::bundle()),
            };
            std::io::stdout()
                .write_all(text.as_bytes())
                .map_err(|e| fail(Diagnostic::error(format!("cannot write the schema: {e}"))))
        }
        Command::Check { as_of, strict, no_history } => {
            let as_of = statuspress::resolve_as_of(as_of.as_deref()).map_err(fail)?;
            let checked = statuspress::check(&cli.root, as_of, !*no_history);
            if report.diagnostics(&checked.diagnostics, *strict) {
                return Err(());
            }
            if let Some(status) = &checked.status {
                report.info(&format!(
                    "ok: {} records, readiness {}, health {} (as of {})",
                    status.items.values().map(Vec::len).sum::<usize>() + 1,
                    status.readiness.verdict,
                    status.health.computed,
                    status.as_of
                ));
            }
            if cli.verbose {
                report.timings(&checked.timings);
            }
            Ok(())
        }
        Command::Diff { .. } => Ok(()),
        Command::Send { week, audience, dry_run, force, send_unchanged, as_of } => {
            let as_of = statuspress::resolve_as_of(as_of.as_deref()).map_err(fail)?;
            let options = statuspress::SendOptions {
                week: week.as_deref(),
                audience: audience.as_deref(),
                dry_run: *dry_run,
                force: *force,
                send_unchanged: *send_unchanged,
                as_of,
                progress: &*cli_progress::sink(cli.quiet),
            };
            let (outcome, week) = statuspress::send(&cli.root, &options).map_err(|d| {
                report.diagnostics(&d, false);
            })?;
            for (audience, recipient) in &outcome.sent {
                report.info(&format!("sent {week} to {recipient} ({audience})"));
            }
            for (audience, recipient, why) in &outcome.skipped {
                report.info(&format!(
                    "skipped {week} for {} ({audience}): {why}",
                    if recipient.is_empty() { "everyone" } else { recipient }
                ));
            }
            if report.diagnostics(&outcome.failures, false) {
                report.info("the messages above were not sent; those sent are in .statuspress/sent.toml, so a rerun sends only what is missing");
                return Err(());
            }
            Ok(())
        }
        Command::Report { week, audience, format, output, as_of } => {
            let as_of = statuspress::resolve_as_of(as_of.as_deref()).map_err(fail)?;
            let weekly =
                statuspress::weekly_report(&cli.root, week.as_deref(), audience.as_deref(), as_of).map_err(|d| {
                    report.diagnostics(&d, false);
                })?;
            let bytes = match format {
                ReportFormat::Markdown => weekly.rendered.markdown.into_bytes(),
                ReportFormat::Text => weekly.rendered.text.into_bytes(),
                ReportFormat::Html => {
                    statuspress::report::email::inline_css(&weekly.rendered.email_html).map_err(fail)?.into_bytes()
                }
                ReportFormat::Eml => weekly.email.message.formatted(),
            };
            let written = match output {
                Some(path) => std::fs::write(path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display())),
                None => std::io::stdout().write_all(&bytes).map_err(|e| format!("cannot write the report: {e}")),
            };
            written.map_err(|e| fail(Diagnostic::error(e)))?;
            report.info(&format!(
                "report {} ({}): {}",
                weekly.report.week, weekly.report.readiness, weekly.email.subject
            ));
            Ok(())
        }
        Command::Build { output, as_of, strict, prune } => {
            let started = Instant::now();
            let as_of = statuspress::resolve_as_of(as_of.as_deref()).map_err(fail)?;
            let progress = cli_progress::sink(cli.quiet);
            let options = statuspress::BuildOptions {
                root: &cli.root,
                output: output.as_deref(),
                as_of,
                strict: *strict,
                prune: *prune,
                progress: &*progress,
            };
            match statuspress::build(&options) {
                Ok(built) => {
                    report.diagnostics(&built.diagnostics, false);
                    report.info(&format!(
                        "built {} files ({} revision{}) into {} in {:.2?}",
                        built.files,
                        built.revisions,
                        plural(built.revisions),
                        built.output.display(),
                        started.elapsed()
                    ));
                    if cli.verbose {
                        report.info(&format!("as of {as_of}"));
                        report.timings(&built.timings);
                        if let Some(kib) = peak_memory_kib() {
                            report.info(&format!("peak memory: {kib} KiB"));
                        }
                    }
                    Ok(())
                }
                Err(diagnostics) => {
                    report.diagnostics(&diagnostics, *strict);
                    report.info("build failed; the previous site was left as it was");
                    Err(())
                }
            }
        }
    }
}

/// Peak resident memory of this process (Linux: `VmHWM`), for `--verbose` and benchmarks.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
