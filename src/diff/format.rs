//! Diff output as text (optionally coloured), markdown or JSON. HTML goes through the
//! theme (`render::diff_page`), like the site's change pages.

use std::fmt::Write as _;

use super::{Diff, ItemChange};
use crate::diagnostics::terminal_safe;
use crate::values::Change;

/// For a terminal: every piece of input text (revision names, ids, titles) is escaped.
pub fn text(diff: &Diff, color: bool) -> String {
    let paint = |code: &str, s: &str| if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() };
    let mut out = format!(
        "{} {} ({}) → {} ({})\n",
        paint("1", "Changes"),
        terminal_safe(&diff.from.id),
        diff.from.date,
        terminal_safe(&diff.to.id),
        diff.to.date
    );
    if diff.is_empty() {
        out.push_str("  no changes\n");
        return out;
    }
    if let Some(t) = &diff.readiness {
        let code = if t.to == "GO" { "1;32" } else { "1;31" };
        let _ = writeln!(out, "  readiness {} → {}", t.from, paint(code, &t.to));
    }
    if let Some(t) = &diff.health {
        let code = match t.to.as_str() {
            "green" => "1;32",
            "amber" => "1;33",
            _ => "1;31",
        };
        let _ = writeln!(out, "  health {} → {}", t.from, paint(code, &t.to));
    }
    for item in &diff.items {
        let (mark, code) = match item.change {
            Change::Added => ("+", "32"),
            Change::Removed => ("-", "31"),
            _ => ("~", "33"),
        };
        // The plan's id is `plan`: "plan plan" says nothing twice.
        let (id, title) = (terminal_safe(&item.id), terminal_safe(&item.title));
        let name = if item.names_its_kind() { String::new() } else { format!(" {}", paint("1", &id)) };
        let _ = writeln!(out, "{} {}{name} “{title}”", paint(code, mark), item.kind.name());
        for line in &item.lines {
            let _ = writeln!(out, "    {}", terminal_safe(line));
        }
    }
    out
}

pub fn markdown(diff: &Diff) -> String {
    let (from, to) = (terminal_safe(&diff.from.id), terminal_safe(&diff.to.id));
    let mut out = format!("## Changes {from} ({}) → {to} ({})\n\n", diff.from.date, diff.to.date);
    if diff.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    if let Some(t) = &diff.readiness {
        let _ = writeln!(out, "- **Readiness:** {} → **{}**", t.from, t.to);
    }
    if let Some(t) = &diff.health {
        let _ = writeln!(out, "- **Health:** {} → **{}**", t.from, t.to);
    }
    if diff.readiness.is_some() || diff.health.is_some() {
        out.push('\n');
    }
    for item in &diff.items {
        let id = if item.names_its_kind() { String::new() } else { format!(" `{}`", item.id) };
        let _ = writeln!(
            out,
            "- {}{id} {} — {}",
            verb(item),
            escape_md(&item.title),
            item.lines.iter().map(|l| escape_md(l)).collect::<Vec<_>>().join("; ")
        );
    }
    out
}

fn verb(item: &ItemChange) -> String {
    let kind = item.kind.name();
    match item.change {
        Change::Added => format!("**Added** {kind}"),
        Change::Removed => format!("**Removed** {kind}"),
        _ => format!("**{}{}**", kind[..1].to_uppercase(), &kind[1..]),
    }
}

/// Keeps record text from being read as markdown syntax, or acted on by a terminal that
/// shows the markdown.
pub fn escape_md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in terminal_safe(text).chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub fn json(diff: &Diff) -> String {
    serde_json::to_string_pretty(diff).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")) + "\n"
}

#[cfg(test)]
mod tests {
    use super::escape_md;

    #[test]
    fn markdown_escapes_record_text() {
        assert_eq!(escape_md("a *b* <c>"), "a \\*b\\* \\<c\\>");
        assert_eq!(escape_md("\x1b[2J"), "\\\\u{1b}\\[2J");
    }
}
