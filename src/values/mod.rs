//! Small value types under everything else: dates, ISO weeks, report time zones, the
//! records' enums and metric targets. They know nothing of files, records or pages.

mod week;

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

pub use week::{Week, Zone};

/// A calendar date, written `YYYY-MM-DD` as a TOML date or a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Accepts a TOML date or a `YYYY-MM-DD` string, and names both in type errors.
impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        struct DateVisitor;

        impl<'de> serde::de::Visitor<'de> for DateVisitor {
            type Value = Date;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date like 2025-08-12")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Date, E> {
                Date::parse(text).map_err(E::custom)
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
                use serde::de::Error;
                let dt = toml::value::Datetime::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                match (dt.date, dt.time) {
                    (Some(d), None) => Date::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                        .map_err(A::Error::custom),
                    _ => Err(A::Error::custom(format!("expected a date like 2025-08-12, found date-time `{dt}`"))),
                }
            }
        }

        deserializer.deserialize_any(DateVisitor)
    }
}

/// For editors: a `YYYY-MM-DD` string (TOML dates are checked against it too).
impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date", "description": "A date like 2025-08-12." })
    }
}

impl Date {
    /// Parses `YYYY-MM-DD`, explaining impossible dates such as 2026-02-30.
    pub fn parse(text: &str) -> Result<Date, String> {
        let parts: Vec<&str> = text.trim().split('-').collect();
        let numbers: Option<Vec<u32>> = match parts.as_slice() {
            [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
                parts.iter().map(|p| p.parse::<u32>().ok()).collect()
            }
            _ => None,
        };
        match numbers.as_deref() {
            Some([y, m, d]) => Date::from_ymd(*y as i32, *m, *d),
            _ => Err(format!("expected a date like 2025-08-12 (YYYY-MM-DD), found `{text}`")),
        }
    }

    fn from_ymd(year: i32, month: u32, day: u32) -> Result<Date, String> {
        if !(1..=12).contains(&month) {
            return Err(format!("impossible date {year:04}-{month:02}-{day:02}: there is no month {month}"));
        }
        NaiveDate::from_ymd_opt(year, month, day).map(Date).ok_or_else(|| {
            let days = days_in_month(year, month);
            let name = NaiveDate::from_ymd_opt(year, month, 1).map_or(String::new(), |d| d.format("%B %Y").to_string());
            format!("impossible date {year:04}-{month:02}-{day:02}: {name} has {days} days")
        })
    }

    pub fn days_until(self, later: Date) -> i64 {
        (later.0 - self.0).num_days()
    }

    /// `days` later (earlier when negative), held at the first or last date there is rather
    /// than overflowing: the numbers behind dates are validated, but a date is never the
    /// reason a build crashes (a commit dated in year 300,000 reads as `NaiveDate::MIN`).
    pub fn add_days(self, days: i64) -> Date {
        let moved = chrono::Duration::try_days(days).and_then(|d| self.0.checked_add_signed(d));
        Date(moved.unwrap_or(if days < 0 { NaiveDate::MIN } else { NaiveDate::MAX }))
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let next =
        if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, month + 1, 1) };
    next.and_then(|n| n.pred_opt()).map_or(31, |d| d.day())
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not `format("%Y-%m-%d")`: that parses the pattern on every call, and every item
        // of every revision prints dates.
        write!(f, "{:04}-{:02}-{:02}", self.0.year(), self.0.month(), self.0.day())
    }
}

/// Declares a lower-case enum whose allowed values are listed in errors.
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

choice!(PlanStatus { Draft = "draft", Active = "active", OnHold = "on-hold", Closed = "closed" });
choice!(
    /// Ordered best to worst, so `max` gives the worse of two.
    Health { Green = "green", Amber = "amber", Red = "red" }
);
choice!(Verdict { Go = "go", NoGo = "no-go", Conditional = "conditional" });
choice!(
    /// Ordered most to least severe.
    Severity { Critical = "critical", High = "high", Medium = "medium", Low = "low" }
);
choice!(BlockerStatus { Open = "open", InProgress = "in-progress", Resolved = "resolved", WontFix = "wont-fix" });
choice!(GateStatus { Pending = "pending", Passed = "passed", Failed = "failed", Waived = "waived" });
choice!(RiskStatus { Open = "open", Mitigating = "mitigating", Accepted = "accepted", Closed = "closed" });
choice!(DecisionStatus { Proposed = "proposed", Accepted = "accepted", Rejected = "rejected", Superseded = "superseded", Deprecated = "deprecated" });
choice!(ActionStatus { Todo = "todo", InProgress = "in-progress", Done = "done", Blocked = "blocked", Cancelled = "cancelled" });
choice!(MilestoneStatus { Planned = "planned", InProgress = "in-progress", Done = "done", Missed = "missed" });
choice!(Cadence { Immediate = "immediate", Milestone = "milestone", Daily = "daily", Weekly = "weekly" });
choice!(
    /// What `statuspress notify` tells of, from the diff of two revisions.
    EventKind {
        Readiness = "readiness",
        Health = "health",
        GatePassed = "gate-passed",
        GateFailed = "gate-failed",
        GateWaived = "gate-waived",
        MilestoneDone = "milestone-done",
        MilestoneMissed = "milestone-missed",
        MilestoneMoved = "milestone-moved",
        ShipDateMoved = "ship-date-moved",
        BlockerOpened = "blocker-opened",
        BlockerEscalated = "blocker-escalated",
        BlockerResolved = "blocker-resolved",
        MetricMet = "metric-met",
        MetricUnmet = "metric-unmet",
        DecisionTaken = "decision-taken",
        DecisionSuperseded = "decision-superseded",
        RiskHigh = "risk-high",
        ActionOverdue = "action-overdue",
    }
);
choice!(
    /// What happened to an item between two revisions.
    Change { Added = "added", Removed = "removed", Changed = "changed" }
);
choice!(
    /// How a metric's value moved relative to its target.
    Direction { Toward = "toward", Away = "away", None = "none" }
);
choice!(
    /// How a metric's value moved over a week, in the words every report format shows.
    Trend {
        Up = "up",
        Down = "down",
        Same = "same",
        FirstMeasurement = "first measurement",
        NotMeasured = "not measured",
        NoLongerMeasured = "no longer measured",
    }
);
choice!(Detail { Full = "full", Summary = "summary" });
choice!(
    /// A risk's band by score (`[risk] bands`), ordered least to most severe.
    RiskBand { Low = "low", Medium = "medium", High = "high", Critical = "critical" }
);

choice!(
    /// Where a metric stands against its target.
    MetricState { Met = "met", NotMet = "not-met", NotMeasured = "not-measured" }
);

impl RiskBand {
    /// High and critical risks make health amber while they are live.
    pub fn is_high(self) -> bool {
        self >= RiskBand::High
    }
}

impl BlockerStatus {
    /// Open and in-progress blockers still stand in the way.
    pub fn is_unresolved(self) -> bool {
        matches!(self, BlockerStatus::Open | BlockerStatus::InProgress)
    }
}

impl GateStatus {
    pub fn is_cleared(self) -> bool {
        matches!(self, GateStatus::Passed | GateStatus::Waived)
    }
}

impl RiskStatus {
    pub fn is_live(self) -> bool {
        matches!(self, RiskStatus::Open | RiskStatus::Mitigating)
    }
}

impl ActionStatus {
    pub fn is_finished(self) -> bool {
        matches!(self, ActionStatus::Done | ActionStatus::Cancelled)
    }
}

/// A metric record's `target` as written, parsed once when the record is read. A text that
/// is not a target still reads (validation reports it, located at the field); everything
/// after validation uses the parsed [`Target`]. Serialised as the text it was written as.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricTarget {
    text: String,
    parsed: Result<Target, String>,
}

impl MetricTarget {
    pub fn new(text: String) -> MetricTarget {
        let parsed = Target::parse(&text);
        MetricTarget { text, parsed }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The target, or why the text is not one.
    pub fn parsed(&self) -> Result<Target, &str> {
        self.parsed.as_ref().copied().map_err(String::as_str)
    }
}

impl Serialize for MetricTarget {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for MetricTarget {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<MetricTarget, D::Error> {
        String::deserialize(deserializer).map(MetricTarget::new)
    }
}

/// A metric's target: a comparison (`>= 90`) or an inclusive range (`80..95`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Target {
    AtLeast { value: f64 },
    Above { value: f64 },
    Exactly { value: f64 },
    AtMost { value: f64 },
    Below { value: f64 },
    Between { low: f64, high: f64 },
}

impl Target {
    pub const FORMS: &'static str = "\">= 90\", \"> 90\", \"= 100\", \"<= 5\", \"< 5\" or \"80..95\"";

    pub fn parse(text: &str) -> Result<Target, String> {
        let t = text.trim();
        let number = |s: &str| s.trim().trim_end_matches('%').trim().parse::<f64>().ok().filter(|v| v.is_finite());
        let bad = || format!("`{text}` is not a metric target; write one of {}", Target::FORMS);
        if let Some((low, high)) = t.split_once("..") {
            let (low, high) = (number(low).ok_or_else(bad)?, number(high).ok_or_else(bad)?);
            if low > high {
                return Err(format!("target range `{text}` is empty: {low} is above {high}"));
            }
            return Ok(Target::Between { low, high });
        }
        let (op, rest) = [">=", "<=", "==", ">", "<", "="]
            .iter()
            .find_map(|op| t.strip_prefix(op).map(|rest| (*op, rest)))
            .ok_or_else(bad)?;
        let value = number(rest).ok_or_else(bad)?;
        Ok(match op {
            ">=" => Target::AtLeast { value },
            ">" => Target::Above { value },
            "<=" => Target::AtMost { value },
            "<" => Target::Below { value },
            _ => Target::Exactly { value },
        })
    }

    pub fn is_met(self, v: f64) -> bool {
        const EPS: f64 = 1e-9;
        match self {
            Target::AtLeast { value } => v >= value - EPS,
            Target::Above { value } => v > value,
            Target::Exactly { value } => (v - value).abs() < EPS,
            Target::AtMost { value } => v <= value + EPS,
            Target::Below { value } => v < value,
            Target::Between { low, high } => v >= low - EPS && v <= high + EPS,
        }
    }

    /// How much of the target `v` reaches, from 0 to 1 (1 when met), so a bar is full when
    /// the target is met whatever the unit: a floor (`>= 90`) is reached by `v / floor` (45
    /// against ≥ 90 is half); a ceiling (`<= 5`) by `ceiling / v`, so the bar shrinks as the
    /// value overshoots (a lag of 45 s against ≤ 5 s is a ninth); `= x` and ranges by the
    /// side `v` misses. `None` when a share means nothing (a missed bound at or below 0).
    pub fn reached(self, v: f64) -> Option<f64> {
        if self.is_met(v) {
            return Some(1.0);
        }
        let floor = |bound: f64| (bound > 0.0).then(|| (v / bound).clamp(0.0, 1.0));
        let ceiling = |bound: f64| (bound > 0.0).then(|| (bound / v).clamp(0.0, 1.0));
        match self {
            Target::AtLeast { value } | Target::Above { value } => floor(value),
            Target::AtMost { value } | Target::Below { value } => ceiling(value),
            Target::Exactly { value } if v < value => floor(value),
            Target::Exactly { value } => ceiling(value),
            Target::Between { low, .. } if v < low => floor(low),
            Target::Between { high, .. } => ceiling(high),
        }
    }

    /// How far `v` is from meeting the target (0 when met); used for trend direction.
    pub fn gap(self, v: f64) -> f64 {
        match self {
            Target::AtLeast { value } | Target::Above { value } => (value - v).max(0.0),
            Target::AtMost { value } | Target::Below { value } => (v - value).max(0.0),
            Target::Exactly { value } => (v - value).abs(),
            Target::Between { low, high } => (low - v).max(v - high).max(0.0),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::AtLeast { value } => write!(f, "≥ {}", number(*value)),
            Target::Above { value } => write!(f, "> {}", number(*value)),
            Target::Exactly { value } => write!(f, "= {}", number(*value)),
            Target::AtMost { value } => write!(f, "≤ {}", number(*value)),
            Target::Below { value } => write!(f, "< {}", number(*value)),
            Target::Between { low, high } => write!(f, "{}–{}", number(*low), number(*high)),
        }
    }
}

/// `noun` for a count of `n`: "day" for 1, "days" for any other (every noun a page counts
/// takes an `s`), so no page says "1 days".
pub fn plural(noun: &str, n: i64) -> String {
    if n == 1 { noun.to_string() } else { format!("{noun}s") }
}

/// `n` and its noun: "1 day", "3 days".
pub fn count(n: i64, noun: &str) -> String {
    format!("{n} {}", plural(noun, n))
}

/// "in-progress" → "in progress", "not-met" → "not met": a status or state as a word in a
/// sentence or a badge (the hyphenated form is for data: `status.json`, CSS classes).
pub fn words(status: impl fmt::Display) -> String {
    status.to_string().replace('-', " ")
}

/// Shortens `text` to `max` characters with an ellipsis (`…` counts as one).
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
        short.push('…');
        short
    }
}

/// A metric value (already formatted) with its unit: "92.4%", "45 s", "85/100".
pub fn with_unit(value: &str, unit: Option<&str>) -> String {
    match unit.unwrap_or("") {
        "" => value.to_string(),
        unit if unit.starts_with(['%', '/']) => format!("{value}{unit}"),
        unit => format!("{value} {unit}"),
    }
}

/// Formats a number without a trailing `.0`, and with at most two decimals.
pub fn number(v: f64) -> String {
    let rounded = (v * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_days_holds_at_the_ends_of_the_calendar() {
        let day = Date::parse("2025-08-12").unwrap();
        assert_eq!(day.add_days(7).to_string(), "2025-08-19");
        assert_eq!(day.add_days(-7).to_string(), "2025-08-05");
        for days in [i64::MAX, i64::MAX / 86_400, 400_000_000 * 7, 1 << 40] {
            assert_eq!(day.add_days(days), Date(NaiveDate::MAX), "{days}");
            assert_eq!(day.add_days(-days), Date(NaiveDate::MIN), "-{days}");
        }
        assert_eq!(Date(NaiveDate::MIN).add_days(-7), Date(NaiveDate::MIN));
        assert_eq!(Date(NaiveDate::MAX).add_days(1), Date(NaiveDate::MAX));
        // The weeks of the first and last dates there are: no step around them panics.
        for end in [NaiveDate::MIN, NaiveDate::MAX] {
            let week = Week::of(Date(end));
            let _ = (
                Week::last_complete(Date(end)),
                week.previous(),
                week.sunday(),
                week.end_timestamp(Zone::parse("-14:00").unwrap()),
            );
        }
    }

    #[test]
    fn impossible_dates_are_explained() {
        assert_eq!(Date::parse("2026-02-30").unwrap_err(), "impossible date 2026-02-30: February 2026 has 28 days");
        assert!(Date::parse("2026-13-01").unwrap_err().contains("no month 13"));
        assert!(Date::parse("12/08/2025").unwrap_err().contains("YYYY-MM-DD"));
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
    }

    #[test]
    fn targets_parse_and_compare() {
        assert!(Target::parse(">= 90").unwrap().is_met(90.0));
        assert!(!Target::parse("> 90").unwrap().is_met(90.0));
        assert!(Target::parse("= 100").unwrap().is_met(100.0));
        assert!(Target::parse("<= 5").unwrap().is_met(4.0));
        assert!(Target::parse("80..95").unwrap().is_met(95.0));
        assert!(Target::parse("95..80").is_err());
        assert!(Target::parse("about 90").unwrap_err().contains("not a metric target"));
        assert_eq!(Target::parse(">= 90").unwrap().to_string(), "≥ 90");
        assert_eq!(Target::parse("> 90").unwrap().gap(57.1), 90.0 - 57.1);
    }

    #[test]
    fn a_target_is_reached_in_its_own_terms() {
        let reached = |target: &str, v: f64| Target::parse(target).unwrap().reached(v);
        assert_eq!(reached("<= 5", 45.0), Some(5.0 / 45.0), "a lag nine times its budget");
        assert_eq!(reached("< 1", 0.05), Some(1.0), "an error rate well within its budget");
        assert_eq!(reached(">= 90", 45.0), Some(0.5));
        assert_eq!(reached("> 90", 92.4), Some(1.0));
        assert_eq!(reached("= 100", 90.0), Some(0.9));
        assert_eq!(reached("80..95", 190.0), Some(0.5));
        assert_eq!(reached(">= 90", -3.0), Some(0.0));
        assert_eq!(reached("<= 0", 3.0), None, "no share of a zero budget");
    }

    #[test]
    fn counts_and_words_read_as_english() {
        assert_eq!(
            (count(1, "day"), count(0, "day"), count(3, "high risk")),
            ("1 day".into(), "0 days".into(), "3 high risks".into())
        );
        assert_eq!(plural("action", 1), "action");
        assert_eq!(words(MetricState::NotMeasured), "not measured");
        assert_eq!(
            (with_unit("45", Some("s")), with_unit("85", Some("/100")), with_unit("3", None)),
            ("45 s".into(), "85/100".into(), "3".into())
        );
    }

    #[test]
    fn numbers_drop_needless_decimals() {
        assert_eq!(number(57.1), "57.1");
        assert_eq!(number(100.0), "100");
        assert_eq!(number(1.0 / 3.0), "0.33");
    }
}
