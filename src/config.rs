//! `statuspress.toml`: optional project configuration; every key has a default.

use std::collections::BTreeMap;
use std::path::{Component, Path};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::diagnostics::serde_errors;
use crate::diagnostics::{Diagnostic, Location, did_you_mean};

pub const FILE_NAME: &str = "statuspress.toml";

#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub site: SiteConfig,
    pub revisions: RevisionsConfig,
    pub gates: GatesConfig,
    pub risk: RiskConfig,
    pub report: ReportConfig,
    pub email: EmailConfig,
    pub notify: NotifyConfig,
    pub limits: LimitsConfig,
    /// The other plans of a portfolio, set by the build for each plan (never read from a file).
    #[serde(skip)]
    #[schemars(skip)]
    pub neighbours: Option<Arc<Neighbours>>,
}

/// The other plans of a portfolio as one plan sees them: what its records may reference as
/// `<plan>/<id>`, and which of their records reference it. Built from the plans' working
/// trees, so every revision of a plan resolves its cross-plan references against the other
/// plans as they stand today.
#[derive(Debug, Clone, Default)]
pub struct Neighbours {
    /// This plan's own id: a reference `<it>/<id>` names a record of this plan.
    pub plan: String,
    /// Every other plan's records, by plan id and record id.
    pub plans: BTreeMap<String, BTreeMap<String, Foreign>>,
    /// For each record of this plan, the other plans' records that reference it:
    /// (`qa/B-2`, the field, e.g. `blocks`).
    pub inbound: BTreeMap<String, Vec<(String, String)>>,
    /// The `depends_on` entries of this plan's gates that are part of a cycle of gates through
    /// other plans, by (gate id, entry as written), both lower case: the cycle written from
    /// that gate, `qa/ga → payments/gb → qa/ga`.
    pub cycles: BTreeMap<(String, String), String>,
}

/// A record of another plan of the portfolio.
#[derive(Debug, Clone)]
pub struct Foreign {
    /// Its kind's name (`blocker`).
    pub kind: String,
    pub title: String,
    /// Its page, from the portfolio's root (`qa/blockers/B-2.html`).
    pub url: String,
    /// What it is while not finished (`open`), as a gate waiting on it says; `None` when done.
    pub unfinished: Option<String>,
    /// Whether an external audience may not see it (see [`crate::derive::redact`]).
    pub confidential: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    /// Overrides the plan's title in page headers.
    pub title: Option<String>,
    /// Absolute URL of the published site, for emails and the feed.
    pub base_url: String,
    /// The folder the site is built into, relative to the project root.
    pub output: String,
    /// Sites for single audiences, built by `statuspress build` after the full one: for an
    /// external audience, every confidential record is left out.
    pub variant: Vec<Variant>,
    /// Hosts that images in record bodies may be loaded from, e.g. ["img.example.com"]. Pages
    /// load nothing from elsewhere: an image from another host becomes a link to it.
    pub image_hosts: Vec<ImageHost>,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: None,
            base_url: String::new(),
            output: "site".into(),
            variant: Vec::new(),
            image_hosts: Vec::new(),
        }
    }
}

/// A host name alone, as in `img.example.com`: no scheme, port or path (`[site] image_hosts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct ImageHost(#[schemars(regex(pattern = HOST_PATTERN))] String);

/// A DNS name: dot-separated labels of letters, digits and inner hyphens.
const HOST_PATTERN: &str = r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$";

impl ImageHost {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `text` if it is a host name alone, else what is wrong and what to write instead.
    fn parse(text: &str) -> Result<ImageHost, String> {
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if text.len() <= 253 && text.split('.').all(label_ok) {
            return Ok(ImageHost(text.to_ascii_lowercase()));
        }
        let bare = text.split_once("://").map_or(text, |(_, rest)| rest);
        let bare = bare.split(['/', '?', '#', ':']).next().unwrap_or("");
        let hint = if bare != text && bare.split('.').all(label_ok) {
            format!("; write the host alone: \"{bare}\"")
        } else {
            String::new()
        };
        Err(format!("expected a host name such as \"img.example.com\" (no scheme, port or path), found {text:?}{hint}"))
    }
}

impl<'de> Deserialize<'de> for ImageHost {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ImageHost::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// A site for one audience (`[[site.variant]]`).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// The id of the audience record the site is for.
    pub audience: String,
    /// The folder it is built into, relative to the project root.
    pub output: String,
}

/// Bounds that keep a build's time and memory in proportion to what a reader can use.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// The largest record body, in bytes; a larger one is an error (default 1 MiB).
    pub max_body_bytes: u64,
    /// Past this many bytes of record bodies in all, the plan page lists each part's records
    /// by title with a link to their pages instead of showing their bodies (default 1 MiB).
    pub plan_inline_bytes: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig { max_body_bytes: 1 << 20, plan_inline_bytes: 1 << 20 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RevisionMode {
    Tags,
    Commits,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RevisionsConfig {
    /// Which tags are revisions: a glob such as "week-*".
    pub tags: String,
    /// Revisions are tags (default) or every commit.
    pub mode: RevisionMode,
    /// Whether uncommitted changes count as the newest revision.
    pub include_working_tree: bool,
    /// A plan without a `next_review` is stale (never shown green) once its newest committed
    /// revision is older than this many days.
    #[serde(deserialize_with = "at_least_one_day")]
    #[schemars(range(min = 1))]
    pub stale_after_days: u32,
}

/// The default of `[revisions] stale_after_days`: two weekly reviews missed.
pub const STALE_AFTER_DAYS: u32 = 14;

impl Default for RevisionsConfig {
    fn default() -> Self {
        RevisionsConfig {
            tags: "*".into(),
            mode: RevisionMode::Tags,
            include_working_tree: true,
            stale_after_days: STALE_AFTER_DAYS,
        }
    }
}

// Checked while parsing, so that the error points at the value: 0 would call every plan
// stale the day after each commit.
fn at_least_one_day<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    match u32::deserialize(d)? {
        0 => Err(serde::de::Error::custom(format!(
            "expected a number of days of at least 1, found 0 (the default is {STALE_AFTER_DAYS})"
        ))),
        n => Ok(n),
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct GatesConfig {
    /// Gate groups in order; empty means "in order of the gates' `order`".
    pub groups: Vec<String>,
    /// The group that decides readiness; default: the last group.
    pub release_group: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RiskConfig {
    /// Upper bounds of the low, medium and high bands; above the last is critical.
    pub bands: [i64; 3],
}

impl Default for RiskConfig {
    fn default() -> Self {
        RiskConfig { bands: [4, 9, 16] }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ReportConfig {
    /// The time zone that report weeks and dates are in, e.g. "UTC".
    pub timezone: String,
    /// Reports use ISO weeks, which start on monday.
    pub week_start: String,
}

impl ReportConfig {
    /// The report time zone; `Config::parse` has already refused an invalid one.
    pub fn zone(&self) -> crate::values::Zone {
        crate::values::Zone::parse(&self.timezone).unwrap_or(crate::values::Zone { offset_seconds: 0 })
    }
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig { timezone: "UTC".into(), week_start: "monday".into() }
    }
}

/// Where `statuspress notify` finds the issue trackers its `github` and `gitlab` channels
/// comment on: GitHub Enterprise and self-hosted GitLab have their own addresses.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct NotifyConfig {
    /// GitHub's REST API; default https://api.github.com.
    pub github_api_url: String,
    /// The GitLab instance (its API is under `/api/v4`); default https://gitlab.com.
    pub gitlab_url: String,
    /// How long to wait for a receiver to connect or answer, in seconds; default 10.
    #[serde(deserialize_with = "at_least_one_second")]
    #[schemars(range(min = 1))]
    pub timeout_secs: Option<u64>,
    /// How many more times a delivery is tried after a 5xx, a 429, a timeout or a dropped
    /// connection; default 3. Other 4xx replies are final.
    #[serde(deserialize_with = "at_most_max_retries")]
    #[schemars(range(max = 10))]
    pub retries: Option<u32>,
    /// The wait before the first retry, doubled before each next one; default 500.
    pub retry_delay_ms: Option<u64>,
    /// A PEM file of extra certificate authorities to trust (an internal CA), relative to the
    /// project root; the system's stay trusted.
    pub ca_file: Option<String>,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            github_api_url: "https://api.github.com".into(),
            gitlab_url: "https://gitlab.com".into(),
            timeout_secs: None,
            retries: None,
            retry_delay_ms: None,
            ca_file: None,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct EmailConfig {
    /// The sender, e.g. "QA <qa@example.com>".
    pub from: Option<String>,
    /// Put before every subject, e.g. "[Release plan]".
    pub subject_prefix: Option<String>,
    pub smtp: SmtpConfig,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpConfig {
    /// The SMTP server.
    pub host: Option<String>,
    /// The SMTP port; default: from `security`.
    pub port: Option<u16>,
    /// "starttls", "tls" or "none".
    pub security: Option<String>,
    /// Names of environment variables; the secrets themselves never live in files.
    pub username_env: Option<String>,
    pub password_env: Option<String>,
    /// A PEM file of extra certificate authorities to trust (an internal CA), relative to the
    /// project root.
    pub ca_file: Option<String>,
    /// How many more times a recipient is tried after a temporary failure (a 4xx reply, a
    /// dropped connection, a timeout); a 5xx reply is final.
    #[serde(deserialize_with = "at_most_max_retries")]
    #[schemars(range(max = 10))]
    pub retries: Option<u32>,
    /// The wait before the first retry; it doubles before each next one.
    pub retry_delay_ms: Option<u64>,
    /// How long to wait for the server to accept the connection or answer a command.
    #[serde(deserialize_with = "at_least_one_second")]
    #[schemars(range(min = 1))]
    pub timeout_secs: Option<u64>,
}

/// More retries than this is a typo: the doubling waits would run for hours.
pub const MAX_RETRIES: u32 = 10;

// Checked while parsing, so that the error points at the value in statuspress.toml.
fn at_most_max_retries<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let n = u32::deserialize(d)?;
    if n > MAX_RETRIES {
        return Err(serde::de::Error::custom(format!("expected at most {MAX_RETRIES} retries, found {n}")));
    }
    Ok(Some(n))
}

fn at_least_one_second<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match u64::deserialize(d)? {
        0 => Err(serde::de::Error::custom("expected a timeout of at least 1 second, found 0")),
        n => Ok(Some(n)),
    }
}

impl Config {
    /// The configuration of the plan in `folder` (`plans/qa`) of the portfolio at `root`:
    /// the portfolio's `statuspress.toml`, with the tables and keys of the plan's own one
    /// over it.
    pub fn load_plan(root: &Path, folder: &str) -> Result<Config, Vec<Diagnostic>> {
        let shared = Config::load(root)?;
        let own = root.join(folder);
        let text = match std::fs::read_to_string(own.join(FILE_NAME)) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(shared),
            Err(e) => return Err(vec![Diagnostic::error(format!("cannot read {FILE_NAME}: {e}")).in_file(FILE_NAME)]),
        };
        let under = |d: Vec<Diagnostic>| d.into_iter().map(|d| d.under(folder)).collect::<Vec<_>>();
        Config::parse(&text).map_err(under)?;
        let mut merged: toml::Table =
            toml::from_str(&std::fs::read_to_string(root.join(FILE_NAME)).unwrap_or_default()).unwrap_or_default();
        let overrides: toml::Table = toml::from_str(&text).unwrap_or_default();
        merge(&mut merged, overrides);
        // The merged text is of our making: a problem only the two files together have (one's
        // `release_group` against the other's `groups`) names the plan's file, not a place.
        let unplaced = |d: Vec<Diagnostic>| {
            under(d.into_iter().map(|d| Diagnostic { location: None, ..d }.in_file(FILE_NAME)).collect())
        };
        let config = Config::parse(&toml::to_string(&merged).unwrap_or_default()).map_err(unplaced)?;
        let outputs = std::iter::once(&config.site.output).chain(config.site.variant.iter().map(|v| &v.output));
        let problems: Vec<Diagnostic> = outputs
            .enumerate()
            .filter_map(|(n, output)| output_stays_inside(&own, output, &text, n.checked_sub(1)).err())
            .collect();
        if problems.is_empty() { Ok(config) } else { Err(under(problems)) }
    }

    /// Reads `statuspress.toml` from `root`, or the defaults when there is none.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let config = Config::parse(&text)?;
                let outputs = std::iter::once(&config.site.output).chain(config.site.variant.iter().map(|v| &v.output));
                let problems: Vec<Diagnostic> = outputs
                    .enumerate()
                    .filter_map(|(n, output)| output_stays_inside(root, output, &text, n.checked_sub(1)).err())
                    .collect();
                if problems.is_empty() { Ok(config) } else { Err(problems) }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(vec![Diagnostic::error(format!("cannot read {FILE_NAME}: {e}")).in_file(FILE_NAME)]),
        }
    }

    pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let at = e.span().unwrap_or(0..0);
            vec![
                serde_errors::describe(e.message().trim(), None, "statuspress.toml")
                    .at(Location::resolve(FILE_NAME, text, at)),
            ]
        })?;
        config.site.base_url = folder_url(&config.site.base_url);
        let mut problems = Vec::new();
        let [low, medium, high] = config.risk.bands;
        if !(1 <= low && low < medium && medium < high && high < 25) {
            problems.push(
                Diagnostic::error(format!("`[risk] bands` must rise within 1–24, found [{low}, {medium}, {high}]"))
                    .at(value_at(text, "risk", "bands"))
                    .help("the default is bands = [4, 9, 16]"),
            );
        }
        if let Some(group) = &config.gates.release_group
            && !config.gates.groups.is_empty()
            && !config.gates.groups.contains(group)
        {
            problems.push(
                Diagnostic::error(format!("`[gates] release_group` `{group}` is not in `groups`"))
                    .at(value_at(text, "gates", "release_group"))
                    .with_help(
                        did_you_mean(group, config.gates.groups.iter().map(String::as_str))
                            .map(|s| format!("did you mean `{s}`?")),
                    ),
            );
        }
        if !config.report.week_start.eq_ignore_ascii_case("monday") {
            problems.push(
                Diagnostic::error(format!(
                    "`[report] week_start` is `{}`; reports use ISO weeks, which start on monday",
                    config.report.week_start
                ))
                .at(value_at(text, "report", "week_start"))
                .help("write `week_start = \"monday\"`, or leave it out"),
            );
        }
        if let Err(why) = crate::values::Zone::parse(&config.report.timezone) {
            problems.push(
                Diagnostic::error(format!("`[report] timezone`: {why}"))
                    .at(value_at(text, "report", "timezone"))
                    .help("write `UTC` or an offset such as `+02:00`"),
            );
        }
        let outputs = std::iter::once(&config.site.output).chain(config.site.variant.iter().map(|v| &v.output));
        for (n, output) in outputs.enumerate() {
            let variant = n.checked_sub(1);
            if escapes(Path::new(output)) {
                problems.push(output_error(
                    text,
                    format!("{} `{output}` leads outside the project", field(variant)),
                    variant,
                ));
            }
        }
        if problems.is_empty() { Ok(config) } else { Err(problems) }
    }
}

/// `base_url` ending in `/` (empty stays empty): templates and reports append page paths to
/// it, and `https://example.com/qa` + `actions/A-3.html` must not read `qaactions/A-3.html`.
fn folder_url(base_url: &str) -> String {
    if base_url.is_empty() || base_url.ends_with('/') { base_url.to_string() } else { format!("{base_url}/") }
}

/// Where the value of `[table] key` is written in `text`, for a problem found once the whole
/// file is read (the start of the file if it cannot be found).
fn value_at(text: &str, table: &str, key: &str) -> Location {
    let span = toml::de::DeTable::parse(text).ok().and_then(|top| {
        let section = top.get_ref().get(table)?.get_ref().as_table()?;
        section.get(key).map(toml::Spanned::span)
    });
    Location::resolve(FILE_NAME, text, span.unwrap_or(0..0))
}

/// `over`'s keys replace `base`'s, table by table.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(value)) => merge(inner, value),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Whether a relative path climbs out of the folder it is relative to (or is not relative).
fn escapes(path: &Path) -> bool {
    let mut depth = 0usize;
    for part in path.components() {
        match part {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return true,
        }
    }
    false
}

/// `[site] output` must resolve inside the project, also through symbolic links (`out ->
/// /var/www` with `output = "out/site"`): the config travels with the repository, so a branch
/// could otherwise make a CI build create or replace a site folder anywhere.
/// The same holds for each `[[site.variant]]` (`variant` is its index).
fn output_stays_inside(root: &Path, output: &str, text: &str, variant: Option<usize>) -> Result<(), Diagnostic> {
    let project = std::fs::canonicalize(root)
        .map_err(|e| Diagnostic::error(format!("cannot resolve the project folder {}: {e}", root.display())))?;
    let path = root.join(output);
    let Some(existing) = path.ancestors().find(|p| std::fs::symlink_metadata(p).is_ok()) else { return Ok(()) };
    match std::fs::canonicalize(existing) {
        Ok(real) if real.starts_with(&project) => Ok(()),
        Ok(real) => Err(output_error(
            text,
            format!(
                "{} `{output}` leads outside the project through a symbolic link (to {})",
                field(variant),
                real.display()
            ),
            variant,
        )),
        Err(e) => Err(output_error(
            text,
            format!("{} `{output}` goes through a broken symbolic link ({}: {e})", field(variant), existing.display()),
            variant,
        )),
    }
}

/// How an output setting is named in messages: `[site] output`, or a variant's.
fn field(variant: Option<usize>) -> String {
    match variant {
        None => "`[site] output`".into(),
        Some(n) => format!("`output` of `[[site.variant]]` number {}", n + 1),
    }
}

/// A located error about `[site] output` (or the output of variant number `variant`).
fn output_error(text: &str, message: String, variant: Option<usize>) -> Diagnostic {
    /// Only the spans of the values, read again on this error path.
    #[derive(Deserialize, Default)]
    struct Raw {
        #[serde(default)]
        site: RawSite,
    }
    #[derive(Deserialize, Default)]
    struct RawSite {
        output: Option<toml::Spanned<String>>,
        #[serde(default)]
        variant: Vec<RawVariant>,
    }
    #[derive(Deserialize)]
    struct RawVariant {
        output: toml::Spanned<String>,
    }
    let site = toml::from_str::<Raw>(text).map(|r| r.site).unwrap_or_default();
    let span = match variant {
        None => site.output.map(|o| o.span()),
        Some(n) => site.variant.into_iter().nth(n).map(|v| v.output.span()),
    };
    Diagnostic::error(message).at(Location::resolve(FILE_NAME, text, span.unwrap_or(0..0))).help(format!(
        "{} names a folder inside the project; to build elsewhere, pass `--output DIR` on the command line",
        field(variant)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.site.output, "site");
        assert_eq!(c.risk.bands, [4, 9, 16]);
    }

    #[test]
    fn base_url_ends_with_a_slash() {
        let url = |text: &str| Config::parse(text).unwrap().site.base_url;
        assert_eq!(url("[site]\nbase_url = \"https://example.com/qa\"\n"), "https://example.com/qa/");
        assert_eq!(url("[site]\nbase_url = \"https://example.com/qa/\"\n"), "https://example.com/qa/");
        assert_eq!(url(""), "");
    }

    #[test]
    fn smtp_retry_settings_out_of_range_are_located() {
        let errors = Config::parse("[email.smtp]\nhost = \"localhost\"\nretries = 11\n").unwrap_err();
        assert!(errors[0].message.contains("at most 10 retries, found 11"), "{:?}", errors[0]);
        let at = errors[0].location.as_ref().unwrap();
        assert_eq!((at.line, at.col), (3, 11));
        let errors = Config::parse("[email.smtp]\ntimeout_secs = 0\n").unwrap_err();
        assert!(errors[0].message.contains("at least 1 second"), "{:?}", errors[0]);
        assert_eq!(errors[0].location.as_ref().unwrap().line, 2);
        let fine = Config::parse("[email.smtp]\nretries = 0\ntimeout_secs = 5\nretry_delay_ms = 0\n").unwrap();
        assert_eq!((fine.email.smtp.retries, fine.email.smtp.timeout_secs), (Some(0), Some(5)));
    }

    #[test]
    fn stale_after_days_defaults_to_two_weeks_and_must_be_positive() {
        assert_eq!(Config::parse("").unwrap().revisions.stale_after_days, 14);
        assert_eq!(Config::parse("[revisions]\nstale_after_days = 30\n").unwrap().revisions.stale_after_days, 30);
        for (text, message) in [
            ("[revisions]\nstale_after_days = 0\n", "at least 1, found 0"),
            ("[revisions]\nstale_after_days = -3\n", "found integer `-3`"),
            ("[revisions]\nstale_after_days = \"two weeks\"\n", "expected a whole number"),
        ] {
            let errors = Config::parse(text).unwrap_err();
            assert!(errors[0].message.contains(message), "{text}: {:?}", errors[0]);
            let at = errors[0].location.as_ref().expect("located");
            assert_eq!((at.line, at.col), (2, 20), "{text}");
        }
    }

    #[test]
    fn output_must_stay_inside_the_project() {
        for inside in ["site", "public/site", "./out", "a/../site"] {
            assert!(Config::parse(&format!("[site]\noutput = \"{inside}\"\n")).is_ok(), "{inside}");
        }
        for outside in ["../site", "/var/www", "a/../../site", ".."] {
            let errors = Config::parse(&format!("[site]\noutput = \"{outside}\"\n")).unwrap_err();
            let at = errors[0].location.as_ref().unwrap();
            assert_eq!((at.line, at.col), (2, 10), "{outside}");
            assert!(errors[0].help.as_ref().unwrap().contains("--output"));
        }
    }

    #[test]
    fn settings_checked_after_parsing_are_located_at_their_value() {
        let cases = [
            ("[risk]\nbands = [4, 3, 16]\n", (2, 9), "`[risk] bands` must rise"),
            ("[report]\nweek_start = \"monday\"\ntimezone = \"Mars/Olympus\"\n", (3, 12), "`[report] timezone`"),
            ("[report]\nweek_start = \"sunday\"\n", (2, 14), "`[report] week_start` is `sunday`"),
            ("[gates]\ngroups = [\"Test\", \"Release\"]\nrelease_group = \"Relase\"\n", (3, 17), "`Relase`"),
            ("risk.bands = [1, 2, 30]\n", (1, 14), "found [1, 2, 30]"),
        ];
        for (text, (line, col), message) in cases {
            let errors = Config::parse(text).unwrap_err();
            assert!(errors[0].message.contains(message), "{:?}", errors[0]);
            let at = errors[0].location.as_ref().expect("located");
            assert_eq!((at.path.as_str(), at.line, at.col), (FILE_NAME, line, col), "{text}");
        }
    }

    #[test]
    fn image_hosts_are_host_names_located_when_not() {
        let fine = Config::parse("[site]\nimage_hosts = [\"img.example.com\", \"CDN-1.Example.org\"]\n").unwrap();
        let hosts: Vec<&str> = fine.site.image_hosts.iter().map(ImageHost::as_str).collect();
        assert_eq!(hosts, ["img.example.com", "cdn-1.example.org"]);
        for (wrong, hint) in [
            ("https://img.example.com/a", "write the host alone: \"img.example.com\""),
            ("img.example.com:8443", "write the host alone"),
            ("*.example.com", "no scheme, port or path"),
            ("", "found \"\""),
        ] {
            let errors = Config::parse(&format!("[site]\nimage_hosts = [\"ok.example\", \"{wrong}\"]\n")).unwrap_err();
            assert!(errors[0].message.contains(hint), "{wrong}: {:?}", errors[0]);
            // At the list (toml places an entry's error there); the message names the entry.
            let at = errors[0].location.as_ref().unwrap();
            assert_eq!((at.line, at.col), (2, 15), "{wrong}");
        }
    }

    #[test]
    fn unknown_key_is_explained() {
        let errors = Config::parse("[site]\ntitel = \"x\"\n").unwrap_err();
        assert!(errors[0].message.contains("unknown field `titel`"), "{:?}", errors[0]);
        assert_eq!(errors[0].help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(errors[0].location.as_ref().unwrap().line, 2);
    }
}
