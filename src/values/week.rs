//! ISO weeks (`2025-W33`) and the report time zone (`UTC` or a fixed offset like `+02:00`).

use chrono::{Datelike, NaiveDate, Weekday};

use super::Date;

/// An ISO week: Monday to Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Week {
    pub year: i32,
    pub week: u32,
}

impl Week {
    pub fn of(date: Date) -> Week {
        let w = date.0.iso_week();
        Week { year: w.year(), week: w.week() }
    }

    /// The last week that has ended by `date` (the week before `date`'s week).
    pub fn last_complete(date: Date) -> Week {
        Week::of(date.add_days(-7))
    }

    pub fn parse(text: &str) -> Result<Week, String> {
        let bad = || format!("`{text}` is not an ISO week; write it like 2025-W33");
        let (year, week) = text.trim().split_once("-W").or_else(|| text.trim().split_once("-w")).ok_or_else(bad)?;
        let (year, week): (i32, u32) = (year.parse().map_err(|_| bad())?, week.parse().map_err(|_| bad())?);
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(|| format!("{year} has no week {week}"))?;
        Ok(Week { year, week })
    }

    pub fn monday(self) -> Date {
        Date(NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon).unwrap_or(NaiveDate::MIN))
    }

    pub fn sunday(self) -> Date {
        self.monday().add_days(6)
    }

    pub fn previous(self) -> Week {
        Week::of(self.monday().add_days(-7))
    }

    /// The last second of the week in `zone`, as a Unix timestamp.
    pub fn end_timestamp(self, zone: Zone) -> i64 {
        let midnight = self.sunday().add_days(1).0.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp());
        midnight - i64::from(zone.offset_seconds) - 1
    }
}

impl std::fmt::Display for Week {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

/// The report time zone: a fixed offset from UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    pub offset_seconds: i32,
}

impl Zone {
    /// `UTC`, `Z`, or `±HH:MM`. Named zones would need the tz database; an offset is explicit.
    pub fn parse(text: &str) -> Result<Zone, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("utc") || t == "Z" {
            return Ok(Zone { offset_seconds: 0 });
        }
        let bad = || format!("time zone `{text}` is not `UTC` or an offset like `+02:00`");
        let (sign, rest) = match t.chars().next() {
            Some('+') => (1, &t[1..]),
            Some('-') => (-1, &t[1..]),
            _ => return Err(bad()),
        };
        let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
        // Unsigned: the sign was read above, and `-20` hours must not pass the bound check.
        let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if h > 14 || m > 59 {
            return Err(bad());
        }
        Ok(Zone { offset_seconds: sign * (i32::from(h) * 3600 + i32::from(m) * 60) })
    }

    /// The local date of a Unix time (a commit's, which git contents decide: any `i64`);
    /// `None` out of the calendar's range.
    pub fn date_of(&self, timestamp: i64) -> Option<chrono::NaiveDate> {
        let local = timestamp.checked_add(i64::from(self.offset_seconds))?;
        chrono::DateTime::from_timestamp(local, 0).map(|t| t.date_naive())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_time_out_of_range_has_no_date_and_no_overflow() {
        let east = Zone::parse("+14:00").unwrap();
        assert_eq!(east.date_of(i64::MAX), None);
        assert_eq!(east.date_of(0).map(|d| d.to_string()).as_deref(), Some("1970-01-01"));
    }

    #[test]
    fn weeks_parse_and_bound() {
        let w = Week::parse("2025-W33").unwrap();
        assert_eq!(w.to_string(), "2025-W33");
        assert_eq!(w.monday().to_string(), "2025-08-11");
        assert_eq!(w.sunday().to_string(), "2025-08-17");
        assert_eq!(w.previous().to_string(), "2025-W32");
        assert!(Week::parse("2025-W54").is_err());
        assert!(Week::parse("W33").is_err());
    }

    #[test]
    fn last_complete_week() {
        let wednesday = Date::parse("2025-08-20").unwrap();
        assert_eq!(Week::last_complete(wednesday).to_string(), "2025-W33");
        let sunday = Date::parse("2025-08-17").unwrap();
        assert_eq!(Week::last_complete(sunday).to_string(), "2025-W32");
    }

    #[test]
    fn zones() {
        assert_eq!(Zone::parse("UTC").unwrap().offset_seconds, 0);
        assert_eq!(Zone::parse("+02:00").unwrap().offset_seconds, 7200);
        assert_eq!(Zone::parse("-05:30").unwrap().offset_seconds, -19800);
        assert!(Zone::parse("Europe/Paris").is_err());
        let w = Week::parse("2025-W33").unwrap();
        assert_eq!(w.end_timestamp(Zone::parse("UTC").unwrap()), 1_755_475_199);
    }
}
