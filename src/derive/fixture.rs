//! Statuses derived from record files written the way users write them, for the unit tests
//! of derive and of the layers above it (diff, report): a test reads like the records it is
//! about, and goes through the real parser and validation.

use super::{Status, derive};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::load::{RawFile, load_records};
use crate::model::Records;
use crate::values::Date;

/// The plan every fixture has unless it brings its own `plan.toml`.
const PLAN: (&str, &str) = ("plan.toml", "title = 'Plan'");

/// The as-of date of fixtures: Tuesday 2025-08-12 (week 2025-W33).
pub(crate) const AS_OF: &str = "2025-08-12";

/// Derives `files` (paths under `content/`, TOML records) as of [`AS_OF`] with the default
/// configuration, and fails the test on any error.
pub(crate) fn derived(files: &[(&str, &str)]) -> Status {
    derived_with(files, &Config::default(), AS_OF).0
}

/// Derives `files` as of `as_of`, with the warnings of the run; fails the test on any error.
pub(crate) fn derived_with(files: &[(&str, &str)], config: &Config, as_of: &str) -> (Status, Vec<Diagnostic>) {
    let mut warnings = Vec::new();
    let records = records(files, config);
    let status = derive(&records, config, Date::parse(as_of).unwrap(), None, Some(&mut warnings)).unwrap();
    (status, warnings)
}

/// Parses and validates `files`, adding a plan unless they have one; fails the test on any error.
pub(crate) fn records(files: &[(&str, &str)], config: &Config) -> Records {
    let has_plan = files.iter().any(|(path, _)| path.starts_with("plan."));
    let raw = files
        .iter()
        .chain((!has_plan).then_some(&PLAN))
        .map(|(path, text)| RawFile { content_path: path.to_string(), bytes: text.as_bytes().to_vec() })
        .collect();
    let loaded = load_records(raw, config);
    let errors: Vec<&Diagnostic> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    loaded.records
}
