//! `milestones.ics`: the plan's milestones as all-day calendar events (RFC 5545).

use std::fmt::Write as _;

use crate::config::Config;
use crate::derive::Status;
use crate::model::Kind;
use crate::model::KindData;

/// The end of the ids of a plan's calendar events, after the milestone's id: where the plan
/// is published (`[site] base_url` without its scheme, else its title as a slug) and, in a
/// portfolio, the plan's id: `.qa@status.example.com/portfolio`, `@qa-coordination`.
///
/// A calendar app keeps one event per id across every calendar it subscribes to, so the ids
/// must differ between projects (`week-1@statuspress` did not) and be the same for a
/// milestone in its plan's calendar and in its portfolio's, which both make them from the
/// plan's configuration with this function.
pub fn uid_scope(config: &Config, plan_title: &str) -> String {
    let site = config.site.base_url.split_once("://").map_or(config.site.base_url.as_str(), |(_, rest)| rest);
    let site = site.trim_end_matches('/');
    let site = if site.is_empty() {
        super::slug_text(config.site.title.as_deref().unwrap_or(plan_title))
    } else {
        site.to_string()
    };
    match config.neighbours.as_deref() {
        Some(n) => format!(".{}@{site}", n.plan),
        None => format!("@{site}"),
    }
}

/// The calendar of one plan; `scope` ends its events' ids (see [`uid_scope`]).
pub fn milestones(status: &Status, scope: &str, calendar_name: &str) -> String {
    calendar(calendar_name, &[(status, scope)], false)
}

/// One calendar of the milestones of one or several plans (`plans`: each with its
/// [`uid_scope`]); `titled` puts each plan's title before its events' summaries (a portfolio's).
pub fn calendar(calendar_name: &str, plans: &[(&Status, &str)], titled: bool) -> String {
    let mut out = String::new();
    let mut line = |text: String| fold(&mut out, &text);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//statuspress//milestones//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line(format!("X-WR-CALNAME:{}", escape(calendar_name)));
    for (status, scope) in plans {
        let stamp = status.as_of.0.format("%Y%m%dT000000Z");
        for item in &status.items[Kind::Milestone] {
            let Some(m) = item.derived.kind.milestone() else { continue };
            let (Some(start), Some(end)) = (m.start.or(m.end), m.end.or(m.start)) else {
                continue;
            };
            line("BEGIN:VEVENT".into());
            let summary = match titled {
                true => format!("{}: {}", status.plan.title(), item.title()),
                false => item.title().to_string(),
            };
            line(format!("UID:{}", escape(&format!("{}{scope}", item.id()))));
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
    fn event_ids_name_where_the_plan_is_published_and_its_portfolio_plan() {
        let mut config = Config::parse("[site]\nbase_url = \"https://status.example.com/qa\"\n").unwrap();
        assert_eq!(uid_scope(&config, "QA plan"), "@status.example.com/qa");
        config.neighbours =
            Some(std::sync::Arc::new(crate::config::Neighbours { plan: "payments".into(), ..Default::default() }));
        assert_eq!(uid_scope(&config, "QA plan"), ".payments@status.example.com/qa");
        assert_eq!(uid_scope(&Config::default(), "QA plan #2"), "@qa-plan--2");
    }

    #[test]
    fn escapes_text() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
