//! One notice in each channel's format: Slack Block Kit, a Teams Adaptive Card, Mattermost's
//! Slack-compatible text, the generic webhook's JSON, and markdown for GitHub and GitLab
//! comments. Every text taken from a record is escaped for the format, so it stays text
//! (no link, mention or markup of its own), and every format is cut to its channel's limits.

use serde::Serialize;
use serde_json::{Value, json};

use super::events::Event;
use crate::diff::format::{escape_md, escape_md_url};
use crate::values::truncate;

/// What one message tells: the lead of the plan's message, then the events, with a link.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub audience: String,
    /// The plan's title.
    pub plan: String,
    /// What it covers: a revision (`w3`) or a day (`2025-08-19`); its key in the ledger.
    pub period: String,
    /// The revisions it spans (`from` is the one before the first told of).
    pub from: String,
    pub revision: String,
    /// Readiness in words (`GO`, `NO-GO`, `CONDITIONAL`).
    pub readiness: String,
    /// The message's lead, headline first (`crate::report::message::Message`).
    pub lead: Vec<String>,
    pub events: Vec<Event>,
    /// The plan's site.
    pub url: String,
    /// When its newest revision was committed (seconds since the epoch): an email's date.
    #[serde(skip)]
    pub timestamp: i64,
}

impl Notice {
    /// "Plan: NO-GO", the title every format starts with.
    pub fn title(&self) -> String {
        format!("{}: {}", self.plan, self.readiness)
    }
}

/// Slack: a header and section blocks limits are 150 and 3,000 characters, 50 blocks.
const SLACK_HEADER: usize = 150;
const SLACK_SECTION: usize = 3000;
/// GitHub's limit for a comment body (GitLab's is larger).
pub const COMMENT_LIMIT: usize = 65_536;
/// Teams refuses cards over about 28 KB; events beyond this many are counted instead.
const CARD_EVENTS: usize = 40;

/// The hidden first line that finds an audience's status comment on an issue again. It names
/// the audience (and the plan, for a portfolio's audience: `board@payments`), so audiences
/// told on the same issue each keep a comment of their own instead of overwriting each
/// other's with a plan or a view that is not theirs.
pub fn status_marker(audience: &str) -> String {
    format!("<!-- statuspress:status {audience} -->")
}

/// Slack Block Kit, with `text` as the fallback notifications show.
pub fn slack(notice: &Notice) -> Value {
    let lead = truncate(&slack_escape(&notice.lead.join(" ")), SLACK_SECTION);
    let mut blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text", "text": truncate(&notice.title(), SLACK_HEADER)}}),
        json!({"type": "section", "text": {"type": "mrkdwn", "text": lead}}),
    ];
    if !notice.events.is_empty() {
        let lines: Vec<String> = notice.events.iter().map(|e| format!("• {}", slack_escape(&e.text))).collect();
        blocks.push(
            json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&lines.join("\n"), SLACK_SECTION)}}),
        );
    }
    blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(&context(notice, slack_escape, slack_link), SLACK_SECTION)}]}));
    json!({"text": truncate(&slack_escape(&notice.title()), SLACK_SECTION), "blocks": blocks})
}

/// Mattermost's incoming webhooks take Slack's `text`, in markdown.
pub fn mattermost(notice: &Notice) -> Value {
    json!({"text": markdown(notice)})
}

/// A Teams workflow webhook's message: one Adaptive Card 1.4. Record text goes in
/// RichTextBlock text runs, which (unlike a TextBlock) take no markdown: Teams' clients differ
/// on backslash escapes (some show the backslash, some the markup), so a title like
/// `*x* [a](http://evil)` is shown as written only where nothing is interpreted.
pub fn teams(notice: &Notice) -> Value {
    let mut body = vec![
        rich(&notice.title(), json!({"weight": "Bolder", "size": "Medium"})),
        rich(&notice.lead.join(" "), json!({})),
    ];
    let shown = notice.events.iter().take(CARD_EVENTS);
    body.extend(shown.map(|e| rich(&format!("• {}", e.text), json!({"spacing": "Small"}))));
    if notice.events.len() > CARD_EVENTS {
        let more = format!("and {} more", notice.events.len() - CARD_EVENTS);
        body.push(rich(&more, json!({"isSubtle": true})));
    }
    body.push(rich(&span(notice), json!({"isSubtle": true, "size": "Small"})));
    let card = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": "Open the status site", "url": notice.url}],
    });
    json!({"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": null, "content": card}]})
}

/// One RichTextBlock of one text run styled by `style` (the run's weight, size, subtlety;
/// `spacing` goes to the block). Control and bidi characters are shown, not obeyed, and `{{`
/// is split by a word joiner so that no `{{DATE(…)}}` function is evaluated.
fn rich(text: &str, style: Value) -> Value {
    let text = crate::diagnostics::terminal_safe(text).replace("{{", "{\u{2060}{");
    let mut run = json!({"type": "TextRun", "text": text});
    let mut block = json!({"type": "RichTextBlock"});
    for (key, value) in style.as_object().into_iter().flatten() {
        let target = if key == "spacing" { &mut block } else { &mut run };
        target[key] = value.clone();
    }
    block["inlines"] = json!([run]);
    block
}

/// The generic webhook's body: the notice as data.
pub fn webhook(notice: &Notice) -> Value {
    json!({"type": "statuspress.notice", "title": notice.title(), "notice": notice})
}

/// `sha256=<hex>` of HMAC-SHA256 of `body` under `secret`, for `X-Statuspress-Signature-256`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
    let tag = ring::hmac::sign(&key, body);
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// The notice as a GitHub or GitLab comment, or Mattermost text.
pub fn markdown(notice: &Notice) -> String {
    markdown_within(notice, COMMENT_LIMIT)
}

/// [`markdown`] cut to `limit` characters.
fn markdown_within(notice: &Notice, limit: usize) -> String {
    let mut out = format!("**{}**\n\n{}\n", escape_md(&notice.title()), escape_md(&notice.lead.join(" ")));
    if !notice.events.is_empty() {
        out.push('\n');
    }
    for event in &notice.events {
        out.push_str(&format!("- {}\n", escape_md(&event.text)));
    }
    out.push_str(&format!("\n{}\n", context(notice, escape_md, md_link)));
    truncate(&out, limit)
}

/// `audience`'s status comment: the marker that finds it again, then the notice.
pub fn status_comment(notice: &Notice, audience: &str) -> String {
    let marker = status_marker(audience);
    let room = COMMENT_LIMIT.saturating_sub(marker.chars().count() + 1);
    format!("{marker}\n{}", markdown_within(notice, room))
}

/// "Since w1, as of w3 · status site" with the format's link.
fn context(notice: &Notice, escape: fn(&str) -> String, link: fn(&str, &str) -> String) -> String {
    format!("{} · {}", escape(&span(notice)), link(&notice.url, "status site"))
}

fn span(notice: &Notice) -> String {
    format!("Since {}, as of {}", notice.from, notice.revision)
}

fn slack_link(url: &str, text: &str) -> String {
    format!("<{}|{text}>", url.replace('|', "%7C").replace('>', "%3E").replace('<', "%3C"))
}

fn md_link(url: &str, text: &str) -> String {
    format!("[{text}]({})", escape_md_url(url))
}

/// Slack mrkdwn: `&`, `<` and `>` as entities (a `<` would start a link or `<!channel>`), and
/// a word joiner after each `@` so that `@here` or `@someone` notifies nobody.
fn slack_escape(text: &str) -> String {
    entities(&crate::diagnostics::terminal_safe(text)).replace('@', "@\u{2060}")
}

/// `&`, `<` and `>` as entities: text, in HTML or Slack mrkdwn, that stays text.
fn entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// The notice as an email's plain-text part: title, lead, events, span and the site.
pub fn plain(notice: &Notice) -> String {
    let mut out = format!("{}\n\n{}\n", notice.title(), notice.lead.join(" "));
    if !notice.events.is_empty() {
        out.push('\n');
    }
    for event in &notice.events {
        out.push_str(&format!("- {}\n", event.text));
    }
    out.push_str(&format!("\n{}\n{}\n", span(notice), notice.url));
    out
}

/// The notice as an email's HTML part (a whole document, its CSS inlined when sent), every
/// text escaped.
pub fn html(notice: &Notice) -> String {
    let text = |t: &str| entities(&crate::diagnostics::terminal_safe(t));
    let events: String = notice.events.iter().map(|e| format!("<li>{}</li>", text(&e.text))).collect();
    let list = if events.is_empty() { String::new() } else { format!("<ul>{events}</ul>") };
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body {{ font-family: sans-serif; }} .span {{ color: #555; font-size: small; }}</style></head>\
         <body><h1>{title}</h1><p>{lead}</p>{list}<p class=\"span\">{span} · <a href=\"{url}\">status site</a></p></body></html>\n",
        title = text(&notice.title()),
        lead = text(&notice.lead.join(" ")),
        span = text(&span(notice)),
        url = entities(&notice.url).replace('"', "%22"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(text: &str) -> Notice {
        Notice {
            audience: "team".into(),
            plan: "Plan".into(),
            period: "w2".into(),
            from: "w1".into(),
            revision: "w2".into(),
            readiness: "GO".into(),
            lead: vec![format!("GO. {text}")],
            events: Vec::new(),
            url: "https://status.example.com/".into(),
            timestamp: 0,
        }
    }

    #[test]
    fn slack_text_cannot_mention_or_link() {
        let message = slack(&notice("<!channel> @here <https://evil.example|click> & co"));
        let lead = message["blocks"][1]["text"]["text"].as_str().unwrap();
        assert_eq!(lead, "GO. &lt;!channel&gt; @\u{2060}here &lt;https://evil.example|click&gt; &amp; co");
        assert_eq!(message["blocks"][0]["text"]["type"], "plain_text");
    }

    #[test]
    fn teams_shows_record_text_as_written_in_text_runs() {
        let card = teams(&notice("*x* [a](http://evil) _y_ {{DATE(2017-02-14T06:08:00Z)}}"));
        let body = card["attachments"][0]["content"]["body"].as_array().unwrap();
        assert!(body.iter().all(|b| b["type"] == "RichTextBlock"), "no TextBlock reads markdown: {card}");
        let lead = &body[1]["inlines"][0];
        assert_eq!(lead["type"], "TextRun");
        assert_eq!(lead["text"], "GO. *x* [a](http://evil) _y_ {\u{2060}{DATE(2017-02-14T06:08:00Z)}}");
        assert_eq!(body[0]["inlines"][0]["weight"], "Bolder");
    }

    #[test]
    fn an_email_notice_escapes_html() {
        let page = html(&notice("<script>x</script> & [a](http://evil)"));
        assert!(page.contains("GO. &lt;script&gt;x&lt;/script&gt; &amp; [a](http://evil)"), "{page}");
        assert!(plain(&notice("*x*")).starts_with("Plan: GO\n\nGO. *x*\n"));
    }

    #[test]
    fn the_signature_is_hmac_sha256_in_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_comment_fits_github_and_stays_inert() {
        let long = "x".repeat(COMMENT_LIMIT * 2);
        assert!(status_comment(&notice(&long), "ops").chars().count() <= COMMENT_LIMIT);
        assert!(markdown(&notice(&long)).chars().count() <= COMMENT_LIMIT);
        let md = markdown(&notice("[Approve](https://evil.example) @octocat"));
        assert!(md.contains("\\[Approve\\]\\(https://evil.example\\)") && md.contains("`@octocat`"), "{md}");
    }
}
