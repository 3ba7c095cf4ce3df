//! Markdown → sanitized HTML. Record text is untrusted: whatever HTML it holds passes
//! through ammonia, which drops scripts, event handlers and `javascript:`/`data:` URLs.
//!
//! Most bodies hold no HTML at all, and sanitizing is most of the cost of a large build
//! (parsing the HTML again into a DOM and writing it back out: about ten times what
//! pulldown-cmark takes). A body is therefore checked event by event as it is rendered:
//! when it has no raw HTML, no footnotes and only links to plain URLs, pulldown-cmark's
//! own output is already safe (it escapes every text and attribute), and only the `rel`
//! that ammonia would add to links is added. Anything else takes the sanitizer, as before.

use std::sync::OnceLock;

use pulldown_cmark::{Event, Options, Parser, Tag, html};

/// What ammonia puts on every link; added by hand on the fast path.
const LINK_REL: &str = "noopener noreferrer";

pub fn to_html(markdown: &str) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS | Options::ENABLE_FOOTNOTES;
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    let mut plain = true;
    let events = Parser::new_ext(markdown, options).inspect(|event| plain &= is_plain(event));
    html::push_html(&mut raw, events);
    if plain {
        // No raw HTML: every `<` in `raw` starts a tag pulldown-cmark wrote itself.
        raw.replace("<a href=\"", &format!("<a rel=\"{LINK_REL}\" href=\""))
    } else {
        sanitizer().clean(&raw).to_string()
    }
}

/// Whether pulldown-cmark's HTML for `event` needs no sanitizing: it is no raw HTML, no
/// footnote (whose ids ammonia strips) and no link or image to a URL that is not plain.
fn is_plain(event: &Event<'_>) -> bool {
    match event {
        Event::Html(_) | Event::InlineHtml(_) | Event::FootnoteReference(_) => false,
        Event::Start(Tag::FootnoteDefinition(_)) => false,
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => plain_url(dest_url),
        _ => true,
    }
}

/// A relative URL, or one of the schemes the sanitizer allows, with no whitespace or control
/// character that a browser would strip before reading the scheme (`java\tscript:`).
fn plain_url(url: &str) -> bool {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    // A scheme, as browsers read one: a letter, then letters, digits, `+`, `-` or `.`, then `:`.
    let scheme_len = url.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')));
    match scheme_len {
        Some(end) if end > 0 && url[end..].starts_with(':') && url.starts_with(|c: char| c.is_ascii_alphabetic()) => {
            let scheme = url[..end].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => true,
    }
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(Some(LINK_REL))
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attribute_values("input", "type", ["checkbox"]);
        builder
    })
}

#[cfg(test)]
mod tests {
    use super::{plain_url, sanitizer, to_html};

    #[test]
    fn renders_markdown() {
        assert_eq!(to_html("Some *text*"), "<p>Some <em>text</em></p>\n");
        assert!(to_html("| a |\n|---|\n| b |\n").contains("<table>"));
    }

    #[test]
    fn strips_hostile_html() {
        let html = to_html(
            "<script>alert(1)</script>\n\nText <img src=x onerror=alert(2)> [x](javascript:alert(3)) <a href=\"data:text/html,hi\">d</a>\n\n[y](JaVaScRiPt:alert(4))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("data:"), "{html}");
    }

    /// Hostile URLs in markdown alone (no HTML anywhere) still reach the sanitizer.
    #[test]
    fn hostile_links_without_html_are_sanitized() {
        for text in [
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "<javascript:alert(1)>",
            "![i](data:image/svg+xml,<svg/onload=alert(1)>)",
            "[x](vbscript:msgbox)",
            "[x](<java\tscript:alert(1)>)",
            "[x](<\u{b}javascript:alert(1)>)",
            "[x](javascript&#58;alert(1))",
            "[x][r]\n\n[r]: javascript:alert(1)",
        ] {
            let html = to_html(text).to_ascii_lowercase();
            for attribute in ["href=\"", "src=\""] {
                for value in html.split(attribute).skip(1) {
                    // As a browser reads it: leading spaces and controls dropped, tabs removed.
                    let value: String = value.split('"').next().unwrap_or("").replace(['\t', '\n'], "");
                    let value = value.trim_start_matches(|c: char| c <= ' ');
                    let scheme = ["javascript:", "vbscript:", "data:"].iter().find(|s| value.starts_with(*s));
                    assert!(scheme.is_none(), "{text:?} → {html}");
                }
            }
        }
    }

    /// Plain markdown skips the sanitizer, and comes out as the sanitizer would leave it:
    /// the same tags and text, links with `rel`.
    #[test]
    fn plain_markdown_matches_the_sanitizer() {
        let text = "## Part\n\nSome *emphasis*, **strong**, ~~gone~~ and `code` with [a link](https://example.com/a?b=1&c=2 \"T\"), \
                    [relative](../blockers/b-1.html), <https://example.com> and <someone@example.com>.\n\n\
                    - [x] done\n- [ ] to do\n\n1. one\n2. two\n\n> quoted\n\n```\ncode < here\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        let fast = to_html(text);
        assert!(
            fast.contains("<a rel=\"noopener noreferrer\" href=\"https://example.com/a?b=1&amp;c=2\" title=\"T\">")
        );
        assert!(fast.contains("href=\"mailto:someone@example.com\""));
        let normalize = |html: &str| {
            html.replace(" />", ">").replace("/>", ">").replace(" rel=\"noopener noreferrer\"", "").replace("\n", "")
        };
        let sanitized = sanitizer().clean(&fast).to_string();
        assert_eq!(normalize(&fast), normalize(&sanitized));
    }

    #[test]
    fn plain_urls() {
        for url in ["https://x.org/a", "HTTP://x", "mailto:a@b", "../a.html", "#top", "a/b:c", "?q=1:2", "//x.org", ""]
        {
            assert!(plain_url(url), "{url}");
        }
        for url in ["javascript:x", "data:x", "file:///etc", "java\tscript:x", " javascript:x", "x y"] {
            assert!(!plain_url(url), "{url}");
        }
    }
}
