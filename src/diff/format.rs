//! Diff output as text (optionally coloured), markdown or JSON. HTML goes through the
//! theme (`render::diff_page`), like the site's change pages.

use std::fmt::Write as _;

use super::{Diff, ItemChange};
use crate::diagnostics::terminal_safe;
use crate::values::Change;

/// For a terminal: every piece of input text (revision names, ids, titles) is escaped.
/// `lead` is the message that says what the changes mean (see `report::message`).
pub fn text(diff: &Diff, lead: &str, color: bool) -> String {
    let paint = |code: &str, s: &str| if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() };
    let mut out = format!(
        "{} {} ({}) → {} ({})\n",
        paint("1", "Changes"),
        terminal_safe(&diff.from.id),
        diff.from.date,
        terminal_safe(&diff.to.id),
        diff.to.date
    );
    if !lead.is_empty() {
        let _ = writeln!(out, "{}\n", terminal_safe(lead));
    }
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

/// For a comment or a chat: record text and revision names (git refs, which anyone who can
/// push chooses) go through [`escape_md`]; ids are code, as `parse::check_id` keeps them to
/// letters, digits, `.`, `_` and `-`.
pub fn markdown(diff: &Diff, lead: &str) -> String {
    let (from, to) = (escape_md(&diff.from.id), escape_md(&diff.to.id));
    let mut out = format!("## Changes {from} ({}) → {to} ({})\n\n", diff.from.date, diff.to.date);
    if !lead.is_empty() {
        let _ = writeln!(out, "{}\n", escape_md(lead));
    }
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

/// Record text as literal markdown text, for outputs that GitHub, GitLab or a chat renders
/// (§9: text never becomes markup). Every ASCII punctuation mark that CommonMark, GFM or
/// GitHub's math gives a meaning is backslash-escaped (links, images, HTML and comments,
/// emphasis, code, tables, strikethrough, entities, `$` math); a line break becomes a space, so
/// the text can neither start a line of its own (heading, list, quote, fence) nor split a table
/// row; a leading list or heading marker (`-`, `+`, `=`, `1.`) is escaped too, as the text
/// may itself start a line. Control characters (`\r` too) are shown as `\u{..}`
/// ([`terminal_safe`]).
///
/// Mentions and references are put in code spans (see [`reference_len`]).
pub fn escape_md(text: &str) -> String {
    let chars: Vec<char> = terminal_safe(text).chars().collect();
    let mut out = String::with_capacity(chars.len() + 8);
    let mut at = 0;
    while let Some(&c) = chars.get(at) {
        if let Some(len) = reference_len(&chars, at) {
            out.push('`');
            out.extend(&chars[at..at + len]);
            out.push('`');
            at += len;
            continue;
        }
        match c {
            '\n' => out.push(' '),
            _ if MARKDOWN_PUNCTUATION.contains(c) || starts_a_block(&chars, at) => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        at += 1;
    }
    out
}

/// `url` as a markdown link destination (`[text](url)`): every byte that could end the
/// destination or the link (space, `(`, `)`, `<`, `>`), escape (`\\`), or is not printable
/// ASCII is percent-encoded, so the URL stays one URL, as it was, whatever it holds.
/// [`escape_md`] would keep it inert too, but code spans around a `/@name` would change it.
pub fn escape_md_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for byte in url.bytes() {
        if byte.is_ascii_graphic() && !matches!(byte, b'(' | b')' | b'<' | b'>' | b'\\' | b'`' | b'"' | b'|') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The ASCII punctuation that means something somewhere in GitHub's or GitLab's markdown.
const MARKDOWN_PUNCTUATION: &str = "\\`*_[]()<>!#|~&$";

/// Whether `chars[at]` would make the text a list item or a setext underline if the text
/// began a line: a leading `-`, `+` or `=` (not a sign before a number), or the `.` after a
/// leading number when a space or the end follows (`1. `).
fn starts_a_block(chars: &[char], at: usize) -> bool {
    let next = chars.get(at + 1).copied();
    match chars[at] {
        '-' | '+' | '=' => at == 0 && !next.is_some_and(|n| n.is_ascii_digit()),
        '.' => at > 0 && chars[..at].iter().all(char::is_ascii_digit) && next.is_none_or(char::is_whitespace),
        _ => false,
    }
}

/// The length of the mention or reference that starts at `chars[at]`, if one does: `@name`,
/// `@org/team` (GitHub and GitLab ping them, `@all` pings a whole GitLab project), and `#12`,
/// `!12`, `&12` (issue, merge request and epic references, which notify the item referred to).
///
/// They are wrapped in a code span, which both GitHub and GitLab leave alone: their mention
/// and reference filters run on the rendered HTML's text and skip `<code>`, so a backslash
/// (`\@name`) or an entity (`&#64;name`) does not help, since both become a plain `@` first.
/// A zero-width character after the `@` would also stop the ping, but it is invisible, breaks
/// copying the name, and hidden characters are a warning sign of their own; a code span keeps
/// the name visible and exact. A sigil right after a letter or digit is left alone
/// (`qa@example.com` pings no one), as both sites require a non-word character before it.
fn reference_len(chars: &[char], at: usize) -> Option<usize> {
    let after_word = at > 0 && chars[at - 1].is_ascii_alphanumeric();
    let next = chars.get(at + 1)?;
    let body: fn(&char) -> bool = match chars[at] {
        '@' if next.is_ascii_alphanumeric() => |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'),
        '#' | '!' | '&' if next.is_ascii_digit() => char::is_ascii_digit,
        _ => return None,
    };
    if after_word {
        return None;
    }
    let len = 1 + chars[at + 1..].iter().take_while(|c| body(c)).count();
    // A full stop after a name ends the sentence.
    Some(len - chars[at + 1..at + len].iter().rev().take_while(|c| **c == '.').count())
}

pub fn json(diff: &Diff) -> String {
    serde_json::to_string_pretty(diff).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")) + "\n"
}

#[cfg(test)]
mod tests {
    use super::{escape_md, escape_md_url};

    #[test]
    fn link_destinations_stay_one_url() {
        assert_eq!(escape_md_url("https://x.example/@qa/a_b.html#12"), "https://x.example/@qa/a_b.html#12");
        assert_eq!(
            escape_md_url("https://x.example/a) ![i](https://evil"),
            "https://x.example/a%29%20![i]%28https://evil"
        );
        assert_eq!(escape_md_url("a\nb<é>"), "a%0Ab%3C%C3%A9%3E");
    }

    #[test]
    fn markdown_escapes_record_text() {
        assert_eq!(escape_md("a *b* <c>"), "a \\*b\\* \\<c\\>");
        assert_eq!(escape_md("\x1b[2J"), "\\\\u{1b}\\[2J");
    }

    #[test]
    fn markdown_escapes_links_images_comments_and_entities() {
        let hostile = "ms [Approve deploy](https://evil.example/phish) ![x](https://evil.example/t.gif) <!--";
        assert_eq!(
            escape_md(hostile),
            "ms \\[Approve deploy\\]\\(https://evil.example/phish\\) \\!\\[x\\]\\(https://evil.example/t.gif\\) \\<\\!--"
        );
        assert_eq!(escape_md("a ~~b~~ &amp; $x$ | c"), "a \\~\\~b\\~\\~ \\&amp; \\$x\\$ \\| c");
    }

    #[test]
    fn markdown_text_cannot_start_a_line_or_split_a_row() {
        assert_eq!(escape_md("a\n# b\n| c"), "a \\# b \\| c");
        assert_eq!(escape_md("- item"), "\\- item");
        assert_eq!(escape_md("=="), "\\==");
        assert_eq!(escape_md("12. item"), "12\\. item");
        // Numbers stay as they are.
        assert_eq!(escape_md("12."), "12\\.");
        assert_eq!(escape_md("-3.5 and 1.5 and 12."), "-3.5 and 1.5 and 12.");
    }

    #[test]
    fn mentions_and_references_are_put_in_code() {
        assert_eq!(escape_md("ask @alice."), "ask `@alice`.");
        assert_eq!(escape_md("(@acme/qa-team) @all"), "\\(`@acme/qa-team`\\) `@all`");
        assert_eq!(escape_md("see #12, !3 and &4"), "see `#12`, `!3` and `&4`");
        // No ping after a letter or digit, nor without a name.
        assert_eq!(escape_md("qa@example.com @ #x"), "qa@example.com @ \\#x");
        assert_eq!(escape_md("\\@bob"), "\\\\`@bob`");
    }
}
