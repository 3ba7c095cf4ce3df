//! What several commands take and say alike: the as-of date, the week of a report, and
//! their checks while the command line is read.

use crate::diagnostics::Diagnostic;
use crate::values::Date;

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

/// The week a report covers and the date its status is computed for, as `report` and
/// `send` take them.
#[derive(clap::Args)]
pub struct WeekArgs {
    /// The ISO week, like 2025-W33 (default: the last complete week of the as-of date).
    #[arg(long, value_parser = week_arg)]
    pub(super) week: Option<String>,
    /// The date to compute status for (YYYY-MM-DD); default: SOURCE_DATE_EPOCH or today.
    #[arg(long, value_parser = date_arg)]
    pub(super) as_of: Option<String>,
}

/// `--as-of` and `--week` are checked while the command line is read, so a malformed value
/// is a usage error (exit 2, README "Commands") like an unknown option; the commands parse them again.
pub(super) fn date_arg(text: &str) -> Result<String, String> {
    Date::parse(text).map(|_| text.to_string())
}

fn week_arg(text: &str) -> Result<String, String> {
    crate::values::Week::parse(text).map(|_| text.to_string())
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
