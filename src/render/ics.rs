//! `milestones.ics`: the plan's milestones as all-day calendar events (RFC 5545).

use std::fmt::Write as _;

use crate::derive::Status;
use crate::model::Kind;
use crate::model::KindData;

pub fn milestones(status: &Status, calendar_name: &str) -> String {
    calendar(calendar_name, &[(None, status)])
}

/// One calendar of the milestones of several plans (a portfolio's): each event's id and
/// summary then name its plan (`qa`).
pub fn calendar(calendar_name: &str, plans: &[(Option<&str>, &Status)]) -> String {
    let mut out = String::new();
    let mut line = |text: String| fold(&mut out, &text);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//statuspress//milestones//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line(format!("X-WR-CALNAME:{}", escape(calendar_name)));
    for (plan, status) in plans {
        let stamp = status.as_of.0.format("%Y%m%dT000000Z");
        for item in &status.items[Kind::Milestone] {
            let (Some(start), Some(end)) =
                (item.derived.start.or(item.derived.end), item.derived.end.or(item.derived.start))
            else {
                continue;
            };
            line("BEGIN:VEVENT".into());
            let (uid, summary) = match plan {
                Some(plan) => (format!("{plan}.{}", item.id()), format!("{}: {}", status.plan.title(), item.title())),
                None => (item.id().to_string(), item.title().to_string()),
            };
            line(format!("UID:{uid}@statuspress"));
            line(format!("DTSTAMP:{stamp}"));
            line(format!("DTSTART;VALUE=DATE:{}", start.0.format("%Y%m%d")));
            // DTEND of an all-day event is exclusive.
            line(format!("DTEND;VALUE=DATE:{}", end.add_days(1).0.format("%Y%m%d")));
            line(format!("SUMMARY:{}", escape(&summary)));
            if let KindData::Milestone(m) = &item.record.data {
                let mut description = format!("Status: {}", m.status);
                for d in &m.deliverables {
                    let _ = write!(description, "\n- {d}");
                }
                line(format!("DESCRIPTION:{}", escape(&description)));
            }
            line("END:VEVENT".into());
        }
    }
    line("END:VCALENDAR".into());
    out
}

/// Escapes TEXT values: backslash, semicolon, comma and newlines.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a content line folded at 75 octets, without splitting a UTF-8 character.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_long_lines_at_75_octets() {
        let mut out = String::new();
        fold(&mut out, &format!("SUMMARY:{}", "é".repeat(60)));
        for l in out.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
    }

    #[test]
    fn escapes_text() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
