//! What no record may hold, whatever the field: an error where the author wrote it.
//!
//! Record text ends up in terminals, file names, email headers and pages; a NUL or an ESC
//! written as `\u0000` or `\u001b` in a TOML string would be carried through all of them, and
//! a bidi override (`\u202e`) makes a title read differently from what it says. Single-line
//! fields may hold none; prose fields and bodies may hold tabs, line breaks and the bidi marks
//! that right-to-left prose needs.
//!
//! TOML also reads `nan` and `inf` as numbers; no measure, score or target is either, and
//! both would pass silently through every comparison and chart.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, bidi_control};
use crate::model::SourceFile;

/// Fields of running prose, where tabs and line breaks are legitimate. Every other string
/// (titles, owners, ids, tags, statuses, recipients, criteria…) is a single line.
const PROSE: &[&str] =
    &["body", "issue", "root_cause", "impact", "remediation", "decision", "rationale", "trigger", "note"];

/// Whether `c` may not be written in a single-line field, or (`prose`) in running prose.
fn forbidden(c: char, prose: bool) -> bool {
    if prose && matches!(c, '\t' | '\n' | '\r') {
        return false;
    }
    c.is_control() || bidi_control(c).is_some_and(|b| b.scoped || !prose)
}

/// The error for `c` found in `place` (`` `title` ``, `the body`), without its location.
fn problem(c: char, place: &str, prose: bool) -> Diagnostic {
    let allowed = if prose {
        "only tabs, line breaks and the marks U+200E, U+200F and U+061C are allowed there"
    } else {
        "it is a single-line field"
    };
    match bidi_control(c) {
        Some(bidi) => Diagnostic::error(format!(
            "{place} contains {} {}, which can make text read differently from what it is",
            code_point(c),
            bidi.name
        ))
        .help(format!("remove the bidi control character {} ({allowed})", code_point(c))),
        None => Diagnostic::error(format!("control character {} in {place}", code_point(c)))
            .help(format!("remove the control character {} ({allowed})", code_point(c))),
    }
}

/// Reports the first forbidden character of every string in `table`, and every number that
/// is not finite (nested arrays and tables included). `base` is where the table's text starts in `file`.
pub fn check_table(file: &SourceFile, table: &DeTable<'_>, base: usize, out: &mut Vec<Diagnostic>) {
    for (key, value) in table.iter() {
        check_value(file, key.get_ref(), value, base, out);
    }
}

fn check_value(file: &SourceFile, field: &str, value: &Spanned<DeValue<'_>>, base: usize, out: &mut Vec<Diagnostic>) {
    match value.get_ref() {
        DeValue::String(text) => {
            let prose = PROSE.contains(&field);
            let Some(c) = text.chars().find(|c| forbidden(*c, prose)) else {
                return;
            };
            let span = value.span();
            let literal = file.text.get(span.start + base..span.end + base).unwrap_or("");
            let at = find_written(literal, c)
                .map_or(span.start + base..span.end + base, |r| r.start + span.start + base..r.end + span.start + base);
            out.push(problem(c, &format!("`{field}`"), prose).at(file.locate(at)));
        }
        DeValue::Array(items) => {
            for item in items.iter() {
                check_value(file, field, item, base, out);
            }
        }
        DeValue::Table(table) => check_table(file, table, base, out),
        DeValue::Float(number) if !number.as_str().parse::<f64>().is_ok_and(f64::is_finite) => {
            let span = value.span();
            out.push(
                Diagnostic::error(format!("`{field}` is `{}`, which is not a finite number", number.as_str()))
                    .at(file.locate(span.start + base..span.end + base))
                    .help(format!("write a number such as `92.4`, or leave `{field}` out while it is unknown")),
            );
        }
        DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_) | DeValue::Datetime(_) => {}
    }
}

/// Reports the first character of a markdown body that running prose may not hold.
pub fn check_body(file: &SourceFile, body: Range<usize>, out: &mut Vec<Diagnostic>) {
    let text = file.text.get(body.clone()).unwrap_or("");
    if let Some((i, c)) = text.char_indices().find(|(_, c)| forbidden(*c, true)) {
        let at = body.start + i;
        out.push(problem(c, "the body", true).at(file.locate(at..at + c.len_utf8())));
    }
}

fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Where `c` is written in a TOML string literal, raw or as an escape (`\u001b`, `\e`, `\t`…):
/// the byte range of its first occurrence. Escaped backslashes (`\\u0000`) are skipped.
fn find_written(literal: &str, c: char) -> Option<Range<usize>> {
    let mut from = 0;
    while let Some(found) = literal.get(from..)?.find(['\\', c]) {
        let at = from + found;
        if literal[at..].starts_with(c) {
            return Some(at..at + c.len_utf8());
        }
        let rest = &literal[at + 1..];
        let hex = |digits: usize| {
            rest.get(1..1 + digits).and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32)
        };
        let (decoded, len) = match rest.chars().next() {
            Some('b') => (Some('\u{8}'), 1),
            Some('t') => (Some('\t'), 1),
            Some('n') => (Some('\n'), 1),
            Some('f') => (Some('\u{c}'), 1),
            Some('r') => (Some('\r'), 1),
            Some('e') => (Some('\u{1b}'), 1),
            Some('x') => (hex(2), 3),
            Some('u') => (hex(4), 5),
            Some('U') => (hex(8), 9),
            Some(other) => (None, other.len_utf8()),
            None => (None, 0),
        };
        match decoded {
            Some(d) if d == c => return Some(at..at + 1 + len),
            // A well-formed escape of another character: its digits are ASCII.
            Some(_) => from = at + 1 + len,
            // `\\`, `\"`, a line-ending backslash or a malformed escape: skip one character.
            None => from = at + 1 + rest.chars().next().map_or(0, char::len_utf8),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{find_written, forbidden};

    #[test]
    fn bidi_marks_only_in_prose_and_scoped_bidi_nowhere() {
        for c in ['\u{202e}', '\u{202a}', '\u{2066}', '\u{2069}'] {
            assert!(forbidden(c, false) && forbidden(c, true), "{c:?}");
        }
        for c in ['\u{200e}', '\u{200f}', '\u{61c}'] {
            assert!(forbidden(c, false) && !forbidden(c, true), "{c:?}");
        }
        assert!(forbidden('\t', false) && !forbidden('\t', true) && forbidden('\0', true));
        assert!(!forbidden('é', false) && !forbidden('ש', false));
    }

    #[test]
    fn finds_raw_and_escaped_forms() {
        assert_eq!(find_written("\"a\\u0000b\"", '\0'), Some(2..8));
        assert_eq!(find_written("\"\\\\u0000 \\U00000000\"", '\0'), Some(9..19));
        assert_eq!(find_written("\"x\\e[2J\"", '\u{1b}'), Some(2..4));
        assert_eq!(find_written("'a\tb'", '\t'), Some(2..3));
        assert_eq!(find_written("\"\\u00\"", '\0'), None);
        assert_eq!(find_written("\"é\\", '\0'), None);
    }
}
