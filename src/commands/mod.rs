//! The commands, one file each: a command reads its options, calls the layers below and
//! prints. What all of them share (global options, diagnostics, the as-of date) is here.

pub mod build;
pub mod check;
pub mod diff;
pub mod init;
pub mod notify;
mod options;
pub mod progress_bars;
pub mod report;
pub mod schema;
pub mod send;
pub mod serve;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostics::{Diagnostic, terminal_safe};
use crate::values::Date;
pub use options::{WeekArgs, resolve_as_of};
use options::{date_arg, plural};

#[derive(Parser)]
#[command(name = "statuspress", version, about = "A delivery plan as records in git, published as a status site")]
pub struct Cli {
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

impl Color {
    fn enabled(self, terminal: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Create a new project with a small example plan.
    Init(init::Args),
    /// Print or write the JSON Schemas of the record files and of statuspress.toml, for editors.
    Schema(schema::Args),
    /// Validate the records and report every problem, without writing anything.
    Check(check::Args),
    /// Build the static site.
    Build(build::Args),
    /// Write the weekly report of a week, for everyone or for one audience.
    Report(report::Args),
    /// Email the weekly report to each audience over SMTP (each recipient once).
    Send(send::Args),
    /// Tell each audience's chat, webhooks and issues what changed, at its cadence (each once).
    Notify(notify::Args),
    /// Show what changed between two revisions, in status terms.
    Diff(diff::Args),
    /// Preview the site on this machine, rebuilt and reloaded as records change.
    Serve(serve::Args),
}

/// Runs the command line: exit 0 when all went well, 1 when problems were found, 2 (from
/// clap) on a usage error.
pub fn main() -> ExitCode {
    crate::memory::limit_arenas();
    let cli = Cli::parse();
    let ui = Ui {
        root: cli.root.clone(),
        color: cli.color.enabled(std::io::stderr().is_terminal()),
        stdout_color: cli.color.enabled(std::io::stdout().is_terminal()),
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    let done = match &cli.command {
        Command::Init(args) => init::run(args, &ui),
        Command::Schema(args) => schema::run(args, &ui),
        Command::Check(args) => check::run(args, &ui),
        Command::Build(args) => build::run(args, &ui),
        Command::Report(args) => report::run(args, &ui),
        Command::Send(args) => send::run(args, &ui),
        Command::Notify(args) => notify::run(args, &ui),
        Command::Diff(args) => diff::run(args, &ui),
        Command::Serve(args) => serve::run(args, &ui),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failed) => ExitCode::from(1),
    }
}

/// A command failed; what went wrong has been printed.
pub struct Failed;

/// What every command needs to know of the command line, and how it prints.
pub struct Ui {
    pub root: PathBuf,
    color: bool,
    stdout_color: bool,
    quiet: bool,
    verbose: bool,
}

/// How many warnings a run prints before it counts the rest by kind: a large plan can have
/// thousands (each overdue action is one), which would bury the errors and the summary.
const SHOWN_WARNINGS: usize = 20;

impl Ui {
    /// Prints diagnostics and a count; returns whether the run must fail. Every error is
    /// printed; of the warnings, the first [`SHOWN_WARNINGS`] and a count by kind of the rest
    /// (all of them with `--verbose`, none with `--quiet`).
    pub fn diagnostics(&self, diagnostics: &[Diagnostic], strict: bool) -> bool {
        let mut shown_warnings = 0;
        let mut hidden = Vec::new();
        for d in diagnostics {
            if !d.is_error() {
                if self.quiet {
                    continue;
                }
                if !self.verbose && shown_warnings == SHOWN_WARNINGS {
                    hidden.push(d);
                    continue;
                }
                shown_warnings += 1;
            }
            eprint!("{}", d.render(self.color));
            eprintln!();
        }
        if !hidden.is_empty() {
            eprintln!("{} (--verbose shows them all)\n", crate::diagnostics::more_line(&hidden));
        }
        let (errors, warnings) = crate::diagnostics::counts(diagnostics);
        if errors > 0 || (warnings > 0 && !self.quiet) {
            eprintln!("{}", crate::diagnostics::count_line(errors, warnings));
        }
        crate::diagnostics::fails(diagnostics, strict)
    }

    /// Prints every diagnostic as one JSON document on stdout (docs/check-json.md), for
    /// editors and CI annotations; returns whether the run must fail.
    pub fn diagnostics_json(&self, diagnostics: &[Diagnostic], strict: bool) -> bool {
        println!("{}", crate::diagnostics::to_json(diagnostics));
        crate::diagnostics::fails(diagnostics, strict)
    }

    /// Prints the problems that stopped a command, and fails it.
    pub fn fail(&self, diagnostics: &[Diagnostic]) -> Failed {
        self.diagnostics(diagnostics, false);
        Failed
    }

    /// Prints a line of progress; it may quote input (titles, paths), so it is escaped.
    pub fn info(&self, text: &str) {
        if !self.quiet {
            eprintln!("{}", terminal_safe(text));
        }
    }

    /// The time each stage took, one per line (`--verbose`).
    pub fn timings(&self, timings: &[(&'static str, std::time::Duration)]) {
        if self.verbose {
            for (stage, took) in timings {
                self.info(&format!("  {stage}: {took:.2?}"));
            }
        }
    }

    /// Progress bars when someone watches a terminal, else nothing.
    pub fn progress(&self) -> Box<dyn crate::progress::Progress> {
        progress_bars::sink(self.quiet)
    }

    /// The as-of date from `--as-of`, `SOURCE_DATE_EPOCH` or the clock.
    pub fn as_of(&self, explicit: Option<&str>) -> Result<Date, Failed> {
        resolve_as_of(explicit).map_err(|d| self.fail(&[d]))
    }
}
