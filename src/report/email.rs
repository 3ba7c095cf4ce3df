//! The report as an email: multipart/alternative (plain text + HTML with inlined CSS),
//! deterministic Message-ID and Date, headers encoded by lettre (no header injection).

use lettre::Message;
use lettre::message::{Mailbox, MultiPart, SinglePart, header};

use super::{Report, Zone};
use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// The finished email of one report for one audience.
pub struct Email {
    pub subject: String,
    pub message_id: String,
    pub message: Message,
}

/// `[QA plan] Week 2025-W33: NO-GO, 4 blockers open`.
pub fn subject(config: &Config, report: &Report) -> String {
    let prefix = config
        .email
        .subject_prefix
        .clone()
        .unwrap_or_else(|| format!("[{}]", config.site.title.as_deref().unwrap_or(&report.plan_title)));
    let n = report.open_blockers;
    let text = format!(
        "{prefix} Week {}: {}, {n} blocker{} open",
        report.week,
        report.readiness,
        if n == 1 { "" } else { "s" }
    );
    one_line(&text)
}

/// Record text must not be able to break a header: control characters become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Same report, same id: a resend of it is recognisable, a new revision gets a new one.
pub fn message_id(report: &Report, from: &Mailbox) -> String {
    let audience = report.audience.as_ref().map_or("all", |a| a.id.as_str());
    let revision: String =
        report.revision.id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("<{}.{audience}.{revision}@{}>", report.week, from.email.domain())
}

/// Builds the email; `html` is a full document whose CSS gets inlined here.
pub fn build(config: &Config, report: &Report, html: &str, text: &str, zone: Zone) -> Result<Email, Diagnostic> {
    let from: Mailbox =
        config.email.from.as_deref().unwrap_or("statuspress <statuspress@localhost>").parse().map_err(|e| {
            Diagnostic::error(format!("`[email] from` is not an address: {e}")).in_file(crate::config::FILE_NAME)
        })?;
    let audience = report.audience.as_ref();
    let subject = subject(config, report);
    let message_id = message_id(report, &from);
    let inlined = inline_css(html)?;
    // Dated at the end of the reported week, in the report time zone: deterministic.
    let end = report.end.0.and_hms_opt(23, 59, 59).unwrap_or_default();
    let date = httpdate_like(end, zone);
    let boundary = format!("statuspress-{}-{}", report.week, audience.map_or("all", |a| a.id.as_str()));
    let mut builder =
        Message::builder().from(from.clone()).subject(subject.clone()).message_id(Some(message_id.clone()));
    builder = builder.header(header::Date::new(date));
    let recipients = audience.map(|a| a.recipients.clone()).unwrap_or_default();
    if recipients.is_empty() {
        builder = builder.to(from.clone());
    }
    for r in &recipients {
        let mailbox: Mailbox = r.parse().map_err(|e| {
            Diagnostic::error(format!(
                "recipient `{r}` of audience `{}` is not an address: {e}",
                audience.map_or("", |a| a.id.as_str())
            ))
        })?;
        builder = builder.to(mailbox);
    }
    let body = MultiPart::alternative()
        .boundary(boundary)
        .singlepart(SinglePart::plain(text.to_string()))
        .singlepart(SinglePart::html(inlined));
    let message = builder.multipart(body).map_err(|e| Diagnostic::error(format!("cannot build the email: {e}")))?;
    Ok(Email { subject, message_id, message })
}

/// Moves the `<style>` rules into `style` attributes: many mail clients drop style sheets.
pub fn inline_css(html: &str) -> Result<String, Diagnostic> {
    css_inline::CSSInliner::options()
        .keep_style_tags(false)
        .load_remote_stylesheets(false)
        .build()
        .inline(html)
        .map_err(|e| Diagnostic::error(format!("cannot inline the email's CSS: {e}")))
}

/// The `Date` header's time, as a `SystemTime` lettre formats (RFC 2822, in UTC).
fn httpdate_like(local: chrono::NaiveDateTime, zone: Zone) -> std::time::SystemTime {
    let utc = local.and_utc().timestamp() - i64::from(zone.offset_seconds);
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(utc.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn control_characters_cannot_break_headers() {
        assert_eq!(one_line("Plan\r\nBcc: evil@example.com"), "Plan Bcc: evil@example.com");
    }
}
