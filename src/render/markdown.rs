//! Markdown → sanitized HTML. Record text is untrusted: whatever HTML it holds passes
//! through ammonia, which drops scripts, event handlers and `javascript:`/`data:` URLs.
//!
//! Most bodies hold no HTML at all, and sanitizing is most of the cost of a large build
//! (parsing the HTML again into a DOM and writing it back out: about ten times what
//! pulldown-cmark takes). A body is therefore checked event by event as it is rendered:
//! when it has no raw HTML, no footnotes and only links to plain URLs, pulldown-cmark's
//! own output is already safe (it escapes every text and attribute), and only the `rel`
//! that ammonia would add to links is added. Anything else takes the sanitizer, as before.
//!
//! Pages load nothing from the network (§9): an image from another host would tell that host
//! who reads the page and when. Such a markdown image becomes a link to it, and an HTML
//! `<img>` loses its `src` (a browser then shows its `alt` text), unless the host is one of
//! `[site] image_hosts`.

use std::sync::Arc;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use super::search::Words;
use crate::config::ImageHost;

/// What ammonia puts on every link; added by hand on the fast path.
const LINK_REL: &str = "noopener noreferrer";

/// Renders record bodies; made once per build, for the hosts images may come from.
pub struct Bodies {
    image_hosts: Arc<[ImageHost]>,
    sanitizer: ammonia::Builder<'static>,
}

impl Bodies {
    pub fn new(image_hosts: &[ImageHost]) -> Bodies {
        let image_hosts: Arc<[ImageHost]> = image_hosts.into();
        let hosts = Arc::clone(&image_hosts);
        let mut sanitizer = ammonia::Builder::default();
        sanitizer
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(Some(LINK_REL))
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attribute_values("input", "type", ["checkbox"])
            .attribute_filter(move |element, attribute, value| match (element, attribute) {
                ("img", "src") if !loads_from(value, &hosts) => None,
                _ => Some(value.into()),
            });
        Bodies { image_hosts, sanitizer }
    }

    /// The body as HTML, adding the words of its text to `words` (for the search index) in the
    /// same pass: parsing every body a second time for its words was a tenth of a build.
    pub fn render(&self, markdown: &str, words: &mut Words) -> String {
        if markdown.trim().is_empty() {
            return String::new();
        }
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_FOOTNOTES;
        let mut raw = String::with_capacity(markdown.len() * 3 / 2);
        let mut plain = true;
        let parsed = Parser::new_ext(markdown, options).inspect(|event| {
            if let Event::Text(text) | Event::Code(text) = event {
                words.add(text);
            }
        });
        let events = RemoteImages::new(parsed, &self.image_hosts).inspect(|event| plain &= is_plain(event));
        html::push_html(&mut raw, events);
        if plain {
            // No raw HTML: every `<` in `raw` starts a tag pulldown-cmark wrote itself.
            raw.replace("<a href=\"", &format!("<a rel=\"{LINK_REL}\" href=\""))
        } else {
            self.sanitizer.clean(&raw).to_string()
        }
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
    match scheme(url) {
        Some(scheme) => matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https" | "mailto"),
        None => true,
    }
}

/// The scheme of `url`, as browsers read one: a letter, then letters, digits, `+`, `-` or
/// `.`, then `:`.
fn scheme(url: &str) -> Option<&str> {
    let end = url.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))?;
    (end > 0 && url[end..].starts_with(':') && url.starts_with(|c: char| c.is_ascii_alphabetic())).then(|| &url[..end])
}

/// Whether a page may load an image from `url`: a URL within the site (relative, or rooted
/// at `/`), or one on a host of `hosts`. Read as a browser reads it: spaces and controls
/// around it dropped, tabs and line breaks inside removed, `\` taken as `/`, so `/\\evil`
/// and `//evil` are another host; any scheme but `http(s)` is refused (`data:`, `file:`).
fn loads_from(url: &str, hosts: &[ImageHost]) -> bool {
    let url: String =
        url.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let slashes = |s: &str| s.chars().take_while(|c| matches!(c, '/' | '\\')).count();
    let authority = match scheme(&url) {
        Some(scheme) if matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") => {
            let rest = &url[scheme.len() + 1..];
            &rest[slashes(rest)..]
        }
        Some(_) => return false,
        None if slashes(&url) >= 2 => &url[slashes(&url)..],
        None => return true,
    };
    let authority = authority.split(['/', '\\', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = if host.starts_with('[') { host.split_inclusive(']').next() } else { host.split(':').next() };
    host.is_some_and(|host| hosts.iter().any(|allowed| allowed.as_str().eq_ignore_ascii_case(host)))
}

/// The events of a body, with each image that may not be loaded ([`loads_from`]) turned
/// into a link to it, its alt text (or else its URL) the link's text; inside a link, where
/// a link cannot go, into its alt text alone.
struct RemoteImages<'a, 'h, I> {
    events: I,
    hosts: &'h [ImageHost],
    /// Links open around the current event, images turned into links included.
    links: usize,
    /// The images open around the current event, innermost last.
    images: Vec<Open<'a>>,
    /// An event to give before the next one from `events`.
    queued: Option<Event<'a>>,
}

/// What became of an image whose end is still to come.
enum Open<'a> {
    Kept,
    /// Its alt text alone.
    Text,
    /// A link to it; the URL, to be its text, until the image turns out to have text.
    Link(Option<CowStr<'a>>),
}

impl<'a, 'h, I: Iterator<Item = Event<'a>>> RemoteImages<'a, 'h, I> {
    fn new(events: I, hosts: &'h [ImageHost]) -> Self {
        RemoteImages { events, hosts, links: 0, images: Vec::new(), queued: None }
    }

    /// `event` as it goes out; `None` when it goes nowhere.
    fn replace(&mut self, event: Event<'a>) -> Option<Event<'a>> {
        match event {
            Event::Start(Tag::Image { link_type, dest_url, title, id }) if !loads_from(&dest_url, self.hosts) => {
                if self.links > 0 {
                    self.images.push(Open::Text);
                    return None;
                }
                self.images.push(Open::Link(Some(dest_url.clone())));
                self.links += 1;
                Some(Event::Start(Tag::Link { link_type, dest_url, title, id }))
            }
            Event::Start(Tag::Image { .. }) => {
                self.images.push(Open::Kept);
                Some(event)
            }
            Event::End(TagEnd::Image) => match self.images.pop() {
                Some(Open::Text) => None,
                Some(Open::Link(url)) => {
                    self.links -= 1;
                    match url {
                        Some(url) => {
                            self.queued = Some(Event::End(TagEnd::Link));
                            Some(Event::Text(url))
                        }
                        None => Some(Event::End(TagEnd::Link)),
                    }
                }
                Some(Open::Kept) | None => Some(event),
            },
            Event::Start(Tag::Link { .. }) => {
                self.links += 1;
                Some(event)
            }
            Event::End(TagEnd::Link) => {
                self.links -= 1;
                Some(event)
            }
            _ => {
                // Text of the images open: the links they became need no URL for text.
                for open in &mut self.images {
                    if let Open::Link(url) = open {
                        *url = None;
                    }
                }
                Some(event)
            }
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for RemoteImages<'a, '_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.queued.take() {
            return Some(event);
        }
        loop {
            let event = self.events.next()?;
            if let Some(event) = self.replace(event) {
                return Some(event);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Bodies, loads_from, plain_url};
    use crate::config::Config;

    fn to_html(markdown: &str) -> String {
        Bodies::new(&[]).render(markdown, &mut super::Words::default())
    }

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
        let sanitized = Bodies::new(&[]).sanitizer.clean(&fast).to_string();
        assert_eq!(normalize(&fast), normalize(&sanitized));
    }

    /// An image from another host would be a beacon: it becomes a link (its alt text, or else
    /// its URL, the link's text), or its alt text inside a link; `<img>` loses its `src`.
    #[test]
    fn remote_images_are_not_loaded() {
        let cases = [
            (
                "![chart](https://evil.example/t.gif)",
                "<a rel=\"noopener noreferrer\" href=\"https://evil.example/t.gif\">chart</a>",
            ),
            ("![](//evil.example/t.gif)", ">//evil.example/t.gif</a>"),
            ("[![badge](https://evil.example/b.svg)](https://ci.example/)", ">badge</a>"),
            ("<img src=\"https://evil.example/t.gif\" alt=\"pixel\">", "<img alt=\"pixel\">"),
            ("<img src=\"/\\evil.example/t.gif\" alt=\"p\">", "<img alt=\"p\">"),
        ];
        for (text, expected) in cases {
            let html = to_html(text);
            assert!(html.contains(expected), "{text:?} → {html}");
            assert!(
                !html.contains("src=\"http") && !html.contains("src=\"//") && !html.contains("src=\"/\\"),
                "{text:?} → {html}"
            );
        }
        // Images of the site itself stay.
        assert!(to_html("![map](../assets/map.png)").contains("<img src=\"../assets/map.png\" alt=\"map\""));
        assert!(to_html("<img src=\"map.png\" alt=\"m\">").contains("<img src=\"map.png\""));
    }

    #[test]
    fn images_from_the_configured_hosts_are_kept() {
        let config = Config::parse("[site]\nimage_hosts = [\"img.example.com\"]\n").unwrap();
        let bodies = Bodies::new(&config.site.image_hosts);
        let html = bodies.render(
            "![a](https://IMG.example.com/a.png) <img src=\"https://img.example.com/b.png\" alt=\"b\">",
            &mut super::Words::default(),
        );
        assert!(
            html.contains("<img src=\"https://IMG.example.com/a.png\"")
                && html.contains("src=\"https://img.example.com/b.png\""),
            "{html}"
        );
        let hosts = &config.site.image_hosts;
        for kept in [
            "https://img.example.com/a",
            "HTTP://img.example.com:8080/a",
            "https://u@img.example.com/",
            "a.png",
            "/a.png",
            "?x",
            "#y",
        ] {
            assert!(loads_from(kept, hosts), "{kept}");
        }
        for refused in [
            "https://evil.example/a",
            "https://img.example.com@evil.example/",
            "https://img.example.com.evil.example/",
            "//evil.example/a",
            "/\\evil.example/a",
            "\\\\evil.example/a",
            " //evil.example",
            "/\t/evil.example",
            "https:evil.example/a",
            "data:image/png;base64,AAAA",
            "file:///etc/a.png",
        ] {
            assert!(!loads_from(refused, hosts), "{refused}");
        }
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
