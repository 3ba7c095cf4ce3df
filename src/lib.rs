//! statuspress: a delivery plan kept as records in git, rendered as a status site.
//!
//! The pipeline, one module per stage:
//! [`load`] (find and read files) → [`parse`] (typed records) → [`model`] (cross-record
//! validation) → [`derive`] (readiness, health, …) → [`render`] (pages) → [`write`]
//! (staged, swapped in on success). [`diagnostics`] carries problems from every stage.

pub mod config;
pub mod derive;
pub mod diagnostics;
pub mod diff;
pub mod history;
pub mod init;
pub mod load;
pub mod model;
pub mod parse;
pub mod progress;
pub mod render;
pub mod report;
pub mod schema;
pub mod values;
pub mod write;

use std::path::{Path, PathBuf};

use config::Config;
use derive::Status;
use diagnostics::Diagnostic;
use values::Date;

/// The date that "today" means for derived status: `--as-of`, else `SOURCE_DATE_EPOCH`,
/// else the current UTC date.
pub fn resolve_as_of(explicit: Option<&str>) -> Result<Date, Diagnostic> {
    if let Some(text) = explicit {
        return Date::parse(text).map_err(|why| Diagnostic::error(format!("invalid --as-of: {why}")));
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = epoch.trim().parse().map_err(|_| {
            Diagnostic::error(format!("SOURCE_DATE_EPOCH must be a number of seconds, found `{epoch}`"))
        })?;
        let date = chrono::DateTime::from_timestamp(secs, 0)
            .ok_or_else(|| Diagnostic::error(format!("SOURCE_DATE_EPOCH `{epoch}` is out of range")))?;
        return Ok(Date(date.date_naive()));
    }
    Ok(Date(chrono::Utc::now().date_naive()))
}

/// The result of checking a project: its status (when the records allow one) and problems.
pub struct Checked {
    pub config: Config,
    pub status: Option<Status>,
    pub diagnostics: Vec<Diagnostic>,
    /// Wall time of each stage, for `--verbose`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// Loads, validates and derives the working tree of the project at `root`. With
/// `history`, it also reads every revision as `build` does, so what fails a build fails
/// here: unreadable git objects are errors; an old revision whose records have errors is a
/// warning (its archive page explains it).
pub fn check(root: &Path, as_of: Date, history: bool) -> Checked {
    let config = match Config::load(root) {
        Ok(config) => config,
        Err(diagnostics) => {
            return Checked { config: Config::default(), status: None, diagnostics, timings: Vec::new() };
        }
    };
    let mut clock = progress::Stopwatch::start();
    let loaded = load::load_dir(root, &config);
    clock.lap("read and parse");
    let mut diagnostics = loaded.diagnostics;
    let status = if diagnostics.iter().any(Diagnostic::is_error) {
        None
    } else {
        derive::derive(&loaded.records, &config, as_of, Some(&mut diagnostics))
    };
    clock.lap("derive");
    if history {
        diagnostics.extend(check_history(root, &config, as_of));
        clock.lap("history");
    }
    diagnostics::sort(&mut diagnostics);
    Checked { config, status, diagnostics, timings: clock.laps }
}

/// The problems of the project's history; the newest revision is the working tree (or
/// matches it), which `check` has reported already.
fn check_history(root: &Path, config: &Config, as_of: Date) -> Vec<Diagnostic> {
    let Ok(working) = load::read_content_dir(root) else {
        return Vec::new(); // reported with the working tree
    };
    let loaded = history::History::discover(root, config, as_of, &working).and_then(|found| {
        let snapshots = history::snapshots::load(&found, working, config)?;
        Ok((found.warnings, snapshots))
    });
    match loaded {
        Ok((mut warnings, snapshots)) => {
            let older = snapshots.split_last().map_or(&[][..], |(_, older)| older);
            warnings.extend(unreadable_revisions(older));
            warnings
        }
        Err(d) => vec![d],
    }
}

/// A warning for each old revision whose records have errors, with the first of them.
fn unreadable_revisions(older: &[history::snapshots::Snapshot]) -> Vec<Diagnostic> {
    older
        .iter()
        .filter(|s| s.status.is_none())
        .map(|old| {
            let first = old
                .errors()
                .next()
                .map(|d| format!("{}: {}", d.position().unwrap_or_default(), d.message))
                .unwrap_or_default();
            let count = old.errors().count();
            Diagnostic::warning(format!(
                "revision {} could not be read ({count} error{}); its archive page says why",
                old.revision.id,
                if count == 1 { "" } else { "s" }
            ))
            .note(first)
        })
        .collect()
}

/// What `build` did.
pub struct Built {
    pub output: PathBuf,
    pub files: usize,
    pub revisions: usize,
    /// Wall time of each stage, for `--verbose` and benchmarks.
    pub timings: Vec<(&'static str, std::time::Duration)>,
    pub diagnostics: Vec<Diagnostic>,
}

pub struct BuildOptions<'a> {
    pub root: &'a Path,
    pub output: Option<&'a Path>,
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
    let config = Config::load(options.root)?;
    let mut diagnostics = Vec::new();
    let output = options.output.map_or_else(|| options.root.join(&config.site.output), Path::to_path_buf);
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
    let working = load::read_content_dir(options.root).map_err(|d| fail(diagnostics.clone(), d))?;
    clock.lap("read working tree");
    let history = history::History::discover(options.root, &config, options.as_of, &working)
        .map_err(|d| fail(diagnostics.clone(), d))?;
    clock.lap("history discovery");
    diagnostics.extend(history.warnings.iter().cloned());
    let snapshots = history::snapshots::load_with(&history, working, &config, options.progress, &mut clock)
        .map_err(|d| fail(diagnostics.clone(), d))?;

    let (newest, older) =
        snapshots.split_last().ok_or_else(|| fail(diagnostics.clone(), Diagnostic::error("no revision to build")))?;
    diagnostics.extend(newest.diagnostics.iter().cloned());
    diagnostics.extend(unreadable_revisions(older));
    let urls = history::urls::permanent(&snapshots);
    if !options.prune
        && let Err(d) = history::urls::check_kept(&output, &urls)
    {
        diagnostics.push(d);
    }
    let current = history::snapshots::current(newest, &config, options.as_of, &mut diagnostics);
    diagnostics::sort(&mut diagnostics);
    let failed = diagnostics.iter().any(|d| d.is_error() || options.strict);
    let Some(mut current) = current.filter(|_| !failed) else {
        return Err(diagnostics);
    };
    diff::timeline::Timeline::apply_baselines(&snapshots, &mut current);
    let timeline = diff::timeline::Timeline::build(&snapshots);
    clock.lap("compare");
    let zone = config.report.zone();
    options.progress.start("building weekly reports", 0);
    let weekly = render::reports::all(&snapshots, &current, zone, &timeline);
    options.progress.finish();
    clock.lap("reports");
    let site = render::SiteModel {
        current: &current,
        snapshots: &snapshots,
        timeline: &timeline,
        history_note: history.warnings.first().map(|w| w.message.clone()),
        reports: &weekly,
        zone,
    };
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
        render::render_site(&site, &config, &templates, &staging, options.progress).map_err(|mut problems| {
            diagnostics.append(&mut problems);
            diagnostics.clone()
        })?;
    staging.write(history::urls::MANIFEST, &history::urls::manifest(&urls)).map_err(|e| {
        fail(diagnostics.clone(), Diagnostic::error(format!("cannot write {}: {e}", history::urls::MANIFEST)))
    })?;
    clock.lap("render");
    staging.commit().map_err(|e| {
        fail(diagnostics.clone(), Diagnostic::error(format!("cannot replace {}: {e}", output.display())))
    })?;
    clock.lap("write");
    Ok(Built { output, files: files + 2, revisions: snapshots.len(), diagnostics, timings: clock.laps })
}

/// A diff and what it was computed from.
pub struct Comparison {
    pub diff: diff::Diff,
    pub config: Config,
    /// The two sides' revisions and statuses (kept so a caller about to exit can skip
    /// freeing them: for 10,000 records that is a sixth of a `diff` run).
    pub sides: Vec<(history::Revision, derive::Status)>,
}

/// Compares two revisions (git revisions, folders, or `working`) in status terms.
/// B defaults to the working tree, A to the newest revision before B.
pub fn diff(root: &Path, a: Option<&str>, b: Option<&str>, today: Date) -> Result<Comparison, Vec<Diagnostic>> {
    let config = Config::load(root)?;
    let repo = history::Repo::open(root).map_err(|d| vec![d])?;
    let b_spec =
        history::resolve_spec(root, repo.as_ref(), b.unwrap_or(history::WORKING), today).map_err(|d| vec![d])?;
    let a_spec = match a {
        Some(a) => history::resolve_spec(root, repo.as_ref(), a, today).map_err(|d| vec![d])?,
        None => default_base(root, &config, &b_spec, today)?,
    };
    drop(repo);
    let sides = history::load_specs(root, &config, vec![a_spec, b_spec], today)?;
    let [(a_revision, a_status), (b_revision, b_status)] = &sides[..] else {
        return Err(vec![Diagnostic::error("expected two revisions to compare")]);
    };
    let diff = diff::diff(a_status, &a_revision.id, b_status, &b_revision.id);
    Ok(Comparison { diff, config, sides })
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

/// A weekly report asked for on the command line, ready to print in any format.
pub struct WeeklyReport {
    pub report: report::Report,
    pub config: Config,
    pub zone: values::Zone,
    pub rendered: render::reports::Rendered,
    pub email: report::email::Email,
}

/// The report of `week` (default: the last complete week of `as_of`) for `audience`
/// (default: the full internal report), from the whole history of the project.
pub fn weekly_report(
    root: &Path,
    week: Option<&str>,
    audience: Option<&str>,
    as_of: Date,
) -> Result<WeeklyReport, Vec<Diagnostic>> {
    let config = Config::load(root)?;
    let zone = config.report.zone();
    let explicit = week.map(|w| pick_week(Some(w), as_of)).transpose()?;
    let snapshots = readable_history(root, &config, as_of)?;
    let week = explicit.unwrap_or_else(|| default_report_week(&snapshots, as_of, zone));
    let Some(current) = snapshots.last().and_then(|s| s.status.as_ref()) else {
        return Err(vec![Diagnostic::error("no readable revision")]);
    };
    let audience_item = match audience {
        None => None,
        Some(id) => {
            Some(current.items["audiences"].iter().find(|a| a.id().eq_ignore_ascii_case(id)).ok_or_else(|| {
                let ids: Vec<&str> = current.items["audiences"].iter().map(|a| a.id()).collect();
                vec![
                    Diagnostic::error(format!("no audience `{id}`"))
                        .with_help(
                            diagnostics::did_you_mean(id, ids.iter().copied()).map(|s| format!("did you mean `{s}`?")),
                        )
                        .note(format!(
                            "audiences: {}",
                            if ids.is_empty() {
                                "none (add records under content/audiences/)".to_string()
                            } else {
                                ids.join(", ")
                            }
                        )),
                ]
            })?)
        }
    };
    let (now, before) = report::revisions_for(&snapshots, week, zone).ok_or_else(|| {
        vec![
            Diagnostic::error(format!("no revision at or before the end of {week} ({})", week.sunday()))
                .help("choose a later week with `--week YYYY-Www`"),
        ]
    })?;
    let built = report::build(week, now, before, audience_item, None)
        .ok_or_else(|| vec![Diagnostic::error("the revision of that week could not be read")])?;
    let templates = render::templates::effective(root)?;
    let tera = render::templates::engine(&templates)?;
    let rendered = render::reports::render(&tera, &built, &config.site.base_url, &templates).map_err(|d| vec![d])?;
    let email =
        report::email::build(&config, &built, &rendered.email_html, &rendered.text, zone).map_err(|d| vec![d])?;
    Ok(WeeklyReport { report: built, config, zone, rendered, email })
}

/// The week `report` shows by default: the last complete week of `as_of`, as a weekly
/// report is written after its week. A fresh project (no git, or no tag yet) has only its
/// working tree, dated `as_of`, which lies after that week; rather than fail, the report
/// is then the current week's so far: what a user running `report` right after `init`
/// expects to see is the plan as it stands.
fn default_report_week(snapshots: &[history::snapshots::Snapshot], as_of: Date, zone: values::Zone) -> values::Week {
    let last = values::Week::last_complete(as_of);
    if report::revisions_for(snapshots, last, zone).is_some() { last } else { values::Week::of(as_of) }
}

/// Every revision of the project; fails when the newest one (today's plan) has errors.
fn readable_history(
    root: &Path,
    config: &Config,
    as_of: Date,
) -> Result<Vec<history::snapshots::Snapshot>, Vec<Diagnostic>> {
    let working = load::read_content_dir(root).map_err(|d| vec![d])?;
    let history = history::History::discover(root, config, as_of, &working).map_err(|d| vec![d])?;
    let snapshots = history::snapshots::load(&history, working, config).map_err(|d| vec![d])?;
    match snapshots.last() {
        Some(newest) if newest.status.is_none() => {
            Err(newest.diagnostics.iter().filter(|d| d.is_error()).cloned().collect())
        }
        Some(_) => Ok(snapshots),
        None => Err(vec![Diagnostic::error("no revision to report on")]),
    }
}

pub struct SendOptions<'a> {
    pub week: Option<&'a str>,
    pub audience: Option<&'a str>,
    pub dry_run: bool,
    /// Send again what the ledger says was sent.
    pub force: bool,
    /// Send a week's report even when nothing changed.
    pub send_unchanged: bool,
    pub as_of: Date,
    /// Told of each message as it is sent or skipped.
    pub progress: &'a dyn progress::Progress,
}

/// Sends the week's report to every recipient of every audience (or of one), one message
/// per recipient, recording each accepted one in the ledger right away.
pub fn send(root: &Path, options: &SendOptions<'_>) -> Result<(report::send::Outcome, String), Vec<Diagnostic>> {
    use report::send::{Ledger, Mailer, Outcome, Sent};
    let config = Config::load(root)?;
    report::send::require_settings(&config.email).map_err(|d| vec![d])?;
    let zone = config.report.zone();
    let week = pick_week(options.week, options.as_of)?;
    let snapshots = readable_history(root, &config, options.as_of)?;
    let current = snapshots
        .last()
        .and_then(|s| s.status.as_ref())
        .ok_or_else(|| vec![Diagnostic::error("no readable revision")])?;
    let audiences: Vec<&derive::Item> = current.items["audiences"]
        .iter()
        .filter(|a| options.audience.is_none_or(|id| a.id().eq_ignore_ascii_case(id)))
        .collect();
    if audiences.is_empty() {
        let id = options.audience.unwrap_or("");
        return Err(vec![Diagnostic::error(if id.is_empty() {
            "no audiences: add records under content/audiences/".to_string()
        } else {
            format!("no audience `{id}`")
        })]);
    }
    let (now, before) = report::revisions_for(&snapshots, week, zone).ok_or_else(|| {
        vec![Diagnostic::error(format!("no revision at or before the end of {week} ({})", week.sunday()))]
    })?;
    let templates = render::templates::effective(root)?;
    let tera = render::templates::engine(&templates)?;
    let mailer = if options.dry_run { None } else { Some(Mailer::new(root, &config.email.smtp).map_err(|d| vec![d])?) };
    let mut ledger = Ledger::load(root).map_err(|d| vec![d])?;
    let mut outcome = Outcome::default();
    // The first recipient the server failed without a reply: the rest are not tried, for each
    // would wait out the same timeouts and retries.
    let mut server_failed_for: Option<String> = None;
    // One unit per recipient, or one for an audience without any (it is skipped as a whole).
    let messages = audiences.iter().filter_map(|a| report::AudienceView::of(a)).map(|a| a.recipients.len().max(1));
    options.progress.start("sending", messages.sum::<usize>() as u64);
    for audience in audiences {
        let Some(built) = report::build(week, now, before, Some(audience), None) else { continue };
        let id = audience.id().to_string();
        let recipients = built.audience.as_ref().map(|a| a.recipients.clone()).unwrap_or_default();
        if recipients.is_empty() {
            outcome.skipped.push((id, String::new(), "the audience has no recipients".into()));
            options.progress.tick(1);
            continue;
        }
        if !built.changed && !options.send_unchanged {
            options.progress.tick(recipients.len() as u64);
            for r in recipients {
                outcome.skipped.push((id.clone(), r, format!("nothing changed in {week} (use --send-unchanged)")));
            }
            continue;
        }
        let rendered =
            render::reports::render(&tera, &built, &config.site.base_url, &templates).map_err(|d| vec![d])?;
        let email =
            report::email::build(&config, &built, &rendered.email_html, &rendered.text, zone).map_err(|d| vec![d])?;
        for recipient in recipients {
            options.progress.tick(1);
            if let Some(done) = ledger.contains(&built.week, &id, &recipient).filter(|_| !options.force) {
                outcome.skipped.push((
                    id.clone(),
                    recipient,
                    format!("already sent on {} as {} (use --force)", done.sent_at, done.message_id),
                ));
                continue;
            }
            let Some(mailer) = &mailer else {
                outcome.skipped.push((id.clone(), recipient, format!("dry run: would send “{}”", email.subject)));
                continue;
            };
            if let Some(first) = &server_failed_for {
                outcome.skipped.push((id.clone(), recipient, format!("not tried, the server failed for {first}")));
                continue;
            }
            match mailer.send_to(&email.message, &recipient) {
                Ok(()) => {
                    ledger.sent.push(Sent {
                        week: built.week.clone(),
                        audience: id.clone(),
                        recipient: recipient.clone(),
                        message_id: email.message_id.clone(),
                        sent_at: report::send::now_rfc3339(),
                    });
                    ledger.save(root).map_err(|d| {
                        vec![d.note(format!(
                            "{recipient} got the {week} report, but that is not recorded: a rerun would send it again"
                        ))]
                    })?;
                    outcome.sent.push((id.clone(), recipient));
                }
                Err(why) => {
                    outcome.failures.push(
                        Diagnostic::error(format!(
                            "sending the {week} report to {recipient} (audience `{id}`) failed: {why}"
                        ))
                        .note(format!("server: {}", mailer.describe)),
                    );
                    if why.no_reply {
                        server_failed_for = Some(recipient);
                    }
                }
            }
        }
    }
    options.progress.finish();
    Ok((outcome, week.to_string()))
}

/// `--week`, or by default the last complete week of the as-of date.
fn pick_week(week: Option<&str>, as_of: Date) -> Result<values::Week, Vec<Diagnostic>> {
    match week {
        Some(text) => {
            values::Week::parse(text).map_err(|why| vec![Diagnostic::error(format!("invalid --week: {why}"))])
        }
        None => Ok(values::Week::last_complete(as_of)),
    }
}
