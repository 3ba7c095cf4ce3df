//! The report as an email: multipart/alternative (plain text + HTML with inlined CSS),
//! deterministic Message-ID and Date, headers encoded by lettre (no header injection), and a
//! part boundary that no text in the parts can contain (no part injection).

use lettre::Message;
use lettre::message::{Mailbox, Mailboxes, MultiPart, SinglePart, header};

use super::{Report, Zone};
use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// The finished email of one report for one audience.
pub struct Email {
    pub subject: String,
    pub message_id: String,
    /// As `report --format eml` writes it. For an audience it is addressed `To:` the audience
    /// as an RFC 5322 group without members (`To: Sponsors: ;`, like `undisclosed-recipients:
    /// ;`): it names who the report is for and shows no one's address.
    pub message: Message,
}

impl Email {
    /// The message as sent to `recipient`: `To:` them alone, so that no recipient learns
    /// who else gets it.
    pub fn to(&self, recipient: Mailbox) -> Message {
        let mut message = self.message.clone();
        message.headers_mut().set(header::To::from(Mailboxes::from(recipient)));
        message
    }
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

/// Text from records, commits and the config must not be able to break a header or reorder
/// how it reads: control characters become spaces, bidi controls go.
fn one_line(text: &str) -> String {
    crate::diagnostics::without_bidi(text)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Same report, same id: a resend of it is recognisable, a new revision gets a new one.
pub fn message_id(report: &Report, from: &Mailbox) -> String {
    let audience = report.audience.as_ref().map_or("all", |a| a.id.as_str());
    format!("<{}.{audience}.{}@{}>", report.week, id_part(&report.revision.id), from.email.domain())
}

/// `text` as a part of a Message-ID: letters, digits and `-`, the rest `_`.
fn id_part(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect()
}

/// The sender of every email, `[email] from`.
fn sender(config: &Config) -> Result<Mailbox, Diagnostic> {
    config.email.from.as_deref().unwrap_or("statuspress <statuspress@localhost>").parse().map_err(|e| {
        Diagnostic::error(format!("`[email] from` is not an address: {e}")).in_file(crate::config::FILE_NAME)
    })
}

/// Builds the email; `html` is a full document whose CSS gets inlined here.
pub fn build(config: &Config, report: &Report, html: &str, text: &str, zone: Zone) -> Result<Email, Diagnostic> {
    let from = sender(config)?;
    let envelope = Envelope {
        subject: subject(config, report),
        message_id: message_id(report, &from),
        date: end_of(report.end, zone),
        audience: report.audience.as_ref(),
    };
    compose(from, envelope, html, text)
}

/// The weekly digest of a portfolio as an email: `[Portfolio] Week 2025-W34: 2 plans, 1 NO-GO`.
pub fn build_digest(
    config: &Config,
    digest: &super::digest::Digest,
    html: &str,
    text: &str,
    zone: Zone,
) -> Result<Email, Diagnostic> {
    let from = sender(config)?;
    let prefix = config
        .email
        .subject_prefix
        .clone()
        .unwrap_or_else(|| format!("[{}]", config.site.title.as_deref().unwrap_or(&digest.title)));
    let nogo = digest.plans.iter().filter(|p| !p.go).count();
    let subject = one_line(&format!("{prefix} Week {}: {} plans, {nogo} NO-GO", digest.week, digest.plans.len()));
    // The same plans at the same revisions make the same id, like a report's.
    let revisions = digest.plans.iter().map(|p| format!("{}:{}", p.id, p.revision)).collect::<Vec<_>>().join("\n");
    let audience = digest.audience.as_ref().map_or("all", |a| a.id.as_str());
    let hash = fnv1a(FNV_OFFSET, revisions.as_bytes());
    let message_id = format!("<{}.portfolio.{audience}.{hash:016x}@{}>", digest.week, from.email.domain());
    let envelope = Envelope { subject, message_id, date: end_of(digest.end, zone), audience: digest.audience.as_ref() };
    compose(from, envelope, html, text)
}

/// A notice of `notify` by email: `[QA plan] Certified GO at w3 (2025-08-26).`, its headline
/// (the lead's first sentence) as the subject, the same lead and events as on every channel, dated when its revision was committed. The
/// Message-ID names the audience and the notice's period: a resend is recognisable.
pub fn build_notice(
    config: &Config,
    notice: &super::notices::formats::Notice,
    audience: Option<&super::AudienceView>,
) -> Result<Email, Diagnostic> {
    use super::notices::formats;
    let from = sender(config)?;
    let subject = notice_subject(config, notice);
    let message_id =
        format!("<notice.{}.{}@{}>", id_part(&notice.audience), id_part(&notice.period), from.email.domain());
    let envelope = Envelope { subject, message_id, date: header_date(notice.timestamp), audience };
    compose(from, envelope, &formats::html(notice), &formats::plain(notice))
}

/// A notice email's subject: the prefix and the headline (the lead's first sentence).
pub fn notice_subject(config: &Config, notice: &super::notices::formats::Notice) -> String {
    let prefix = config.email.subject_prefix.clone().unwrap_or_else(|| format!("[{}]", notice.plan));
    let headline = notice.lead.first().cloned().unwrap_or_else(|| notice.title());
    one_line(&format!("{prefix} {headline}"))
}

/// What distinguishes one email from another.
struct Envelope<'a> {
    subject: String,
    message_id: String,
    /// The email's `Date`: the end of the reported week, or when a notice's revision was made.
    date: std::time::SystemTime,
    audience: Option<&'a super::AudienceView>,
}

fn compose(from: Mailbox, envelope: Envelope<'_>, html: &str, text: &str) -> Result<Email, Diagnostic> {
    let Envelope { subject, message_id, date, audience } = envelope;
    let inlined = inline_css(html)?;
    // To the sender until addressed: the full report has no audience, and lettre takes the
    // envelope from it (sending replaces both, see `Email::to`).
    let mut builder = Message::builder()
        .from(from.clone())
        .to(from.clone())
        .subject(subject.clone())
        .message_id(Some(message_id.clone()));
    builder = builder.header(header::Date::new(date));
    let (plain, html) = (SinglePart::plain(text.to_string()), SinglePart::html(inlined));
    let boundary = boundary(&[plain.formatted(), html.formatted()]);
    let body = MultiPart::alternative().boundary(boundary).singlepart(plain).singlepart(html);
    let mut message = builder.multipart(body).map_err(|e| Diagnostic::error(format!("cannot build the email: {e}")))?;
    if let Some(audience) = audience {
        message.headers_mut().insert_raw(group(&audience.title));
    }
    Ok(Email { subject, message_id, message })
}

/// `To: <title>: ;`, an RFC 5322 group without members named after the audience. The title
/// keeps letters, digits and the other characters a phrase may hold bare (`atext`); the rest
/// (quotes, commas, colons, angle brackets…) become spaces, so no title can add an address or
/// end the group early. lettre encodes a word with non-ASCII letters (RFC 2047); a space keeps
/// the colon out of such a word.
fn group(title: &str) -> header::HeaderValue {
    let atext = |c: char| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let phrase = one_line(&title.chars().map(|c| if atext(c) { c } else { ' ' }).collect::<String>());
    let phrase = if phrase.is_empty() { "undisclosed-recipients".to_string() } else { phrase };
    let colon = if phrase.is_ascii() { ":" } else { " :" };
    header::HeaderValue::new(header::HeaderName::new_from_ascii_str("To"), format!("{phrase}{colon} ;"))
}

/// A multipart boundary that occurs in none of the encoded `parts`, so that no record text can
/// end a part early and start one of its own. It is a hash of the parts, for byte-identical
/// rebuilds; should the parts contain it anyway (they may quote an old email), a counter is mixed
/// in until they do not. That ends: each try is a different string, and the parts hold finitely many.
fn boundary(parts: &[Vec<u8>]) -> String {
    first_absent(parts, |salt| {
        let hash = parts.iter().fold(fnv1a(FNV_OFFSET, &salt.to_le_bytes()), |h, part| fnv1a(h, part));
        format!("statuspress-{hash:016x}")
    })
}

/// The first of `candidate(0)`, `candidate(1)`, … that no part contains.
fn first_absent(parts: &[Vec<u8>], candidate: impl Fn(u64) -> String) -> String {
    (0u64..)
        .map(candidate)
        .find(|b| !parts.iter().any(|part| part.windows(b.len()).any(|w| w == b.as_bytes())))
        .unwrap_or_default()
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// 64-bit FNV-1a: stable across Rust releases (unlike `DefaultHasher`); the boundary's safety
/// comes from the check above, not from the hash.
fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(seed, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
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

/// The `Date` header of a week's email: the end of its last day in the report time zone
/// (deterministic), as a `SystemTime` lettre formats (RFC 2822, in UTC).
fn end_of(day: crate::values::Date, zone: Zone) -> std::time::SystemTime {
    let local = day.0.and_hms_opt(23, 59, 59).unwrap_or_default();
    header_date(local.and_utc().timestamp() - i64::from(zone.offset_seconds))
}

/// The last second an email's `Date` header can say (lettre's formatter stops at 9999).
const LAST_HEADER_DATE: i64 = 253_402_300_799;

/// `timestamp` as an email's `Date`, within what the header can say: a commit can claim any
/// date (`git commit --date`), and one past the year 9999 made lettre panic.
fn header_date(timestamp: i64) -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(timestamp.clamp(0, LAST_HEADER_DATE) as u64)
}

#[cfg(test)]
mod tests {
    use super::{boundary, first_absent, header_date, one_line};

    #[test]
    fn any_commit_date_makes_a_date_header() {
        for timestamp in [i64::MIN, -1, 0, 1_756_598_400, 253_402_300_800, i64::MAX] {
            let header = lettre::message::header::Date::new(header_date(timestamp));
            let _ = lettre::message::header::Header::display(&header);
        }
    }

    #[test]
    fn control_characters_cannot_break_headers() {
        assert_eq!(one_line("Plan\r\nBcc: evil@example.com"), "Plan Bcc: evil@example.com");
        assert_eq!(one_line("[QA \u{202e}OG-ON\u{202c}] Week"), "[QA OG-ON] Week");
    }

    #[test]
    fn the_boundary_is_stable_and_absent_from_the_parts() {
        let parts = [b"plain text".to_vec(), b"<p>html</p>".to_vec()];
        let chosen = boundary(&parts);
        assert_eq!(chosen, boundary(&parts), "the same parts, the same boundary");
        assert_ne!(chosen, boundary(&[parts[0].clone(), b"<p>other</p>".to_vec()]));
        assert!(chosen.starts_with("statuspress-") && chosen.len() == 28, "{chosen}");
    }

    #[test]
    fn a_candidate_found_in_a_part_is_skipped() {
        let parts = [b"quotes b0 here".to_vec(), b"and --b1-- there".to_vec()];
        assert_eq!(first_absent(&parts, |n| format!("b{n}")), "b2");
    }
}
