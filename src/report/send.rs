//! `statuspress send`: delivers weekly reports over SMTP, recording every accepted message
//! in a ledger so that nothing is sent twice and a failed run can be resumed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{SmtpTransport, Transport};
use serde::{Deserialize, Serialize};

use crate::config::{EmailConfig, MAX_RETRIES, SmtpConfig};
use crate::diagnostics::serde_errors;
use crate::diagnostics::{Diagnostic, Location};

/// Where the ledger lives, relative to the project root.
pub const LEDGER: &str = ".statuspress/sent.toml";

/// The file a `send` locks while it works with the ledger. Not the ledger itself: that is
/// replaced by a rename, and a lock on the old file would not hold the new one.
pub const LOCK: &str = ".statuspress/sent.lock";

/// An exclusive OS lock (`flock`) on [`LOCK`], held by one `send` from reading the ledger to
/// its last write. Two runs at once (a cron job and a person) then send each message once:
/// the second waits, and reads the ledger only when the first has recorded everything it sent.
/// The kernel drops the lock when its process ends, however it ends, so a crash leaves no
/// stale lock behind and waiting needs no timeout.
pub struct LedgerLock {
    _file: std::fs::File,
}

/// The ledger's period for an issue's status comment (edited in place, not told once).
pub const STATUS_PERIOD: &str = "status";

impl LedgerLock {
    /// Takes the lock, first telling `waiting` when another process holds it (by its pid,
    /// which each holder writes into the file).
    pub fn acquire(root: &Path, waiting: &dyn Fn(&str)) -> Result<LedgerLock, Diagnostic> {
        use std::io::Write as _;
        let path = root.join(LOCK);
        let fail = |e: std::io::Error| {
            Diagnostic::error(format!("cannot lock {LOCK}: {e}"))
                .in_file(LOCK)
                .help("statuspress sends nothing without that lock: two runs at once would send every report twice")
        };
        std::fs::create_dir_all(path.parent().unwrap_or(root)).map_err(fail)?;
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(fail)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).ok().and_then(|pid| pid.trim().parse::<u32>().ok());
                waiting(&format!(
                    "waiting for another `send` or `notify` to finish{}…",
                    holder.map_or_else(String::new, |pid| format!(" (process {pid})"))
                ));
                file.lock().map_err(fail)?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(fail(e)),
        }
        // Only for the message of the next one waiting: sending does not depend on it.
        let _ = file.set_len(0).and_then(|()| writeln!(file, "{}", std::process::id()));
        Ok(LedgerLock { _file: file })
    }
}

/// Every message the server accepted: week, audience, recipient and Message-ID; and every
/// notice `notify` delivered (one ledger and one lock for both commands).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    #[serde(default)]
    pub sent: Vec<Sent>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notified: Vec<Notified>,
}

/// A notice a channel accepted: for which audience, on which channel (its name, nothing
/// secret), for which period (a revision, `<day> <revision>`, or `status` for an issue's
/// status comment, kept once with the revision it shows).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Notified {
    pub audience: String,
    pub channel: String,
    pub period: String,
    pub revision: String,
    /// When the receiver accepted it (RFC 3339, UTC).
    pub sent_at: String,
    /// The id of an issue's status comment, edited by it on later runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Sent {
    pub week: String,
    pub audience: String,
    pub recipient: String,
    pub message_id: String,
    /// When the server accepted it (RFC 3339, UTC).
    pub sent_at: String,
}

impl Ledger {
    /// The ledger, or an empty one when there is no file yet. A file that cannot be read or
    /// parsed is an error, never "empty": that would send every report again.
    pub fn load(root: &Path) -> Result<Ledger, Diagnostic> {
        let path = root.join(LEDGER);
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| damaged(&text, &e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Ledger::default()),
            Err(e) => Err(Diagnostic::error(format!("cannot read {LEDGER}: {e}"))
                .in_file(LEDGER)
                .help("statuspress sends nothing until it can read which reports were sent already")),
        }
    }

    pub fn contains(&self, week: &str, audience: &str, recipient: &str) -> Option<&Sent> {
        self.sent
            .iter()
            .find(|s| s.week == week && s.audience == audience && s.recipient.eq_ignore_ascii_case(recipient))
    }

    /// Whether `channel` of `audience` was told of `period`.
    pub fn notified(&self, audience: &str, channel: &str, period: &str) -> bool {
        self.notified.iter().any(|n| n.audience == audience && n.channel == channel && n.period == period)
    }

    /// The revision an issue's status comment shows, if it was written.
    pub fn status_told(&self, audience: &str, channel: &str) -> Option<&str> {
        self.status_entry(audience, channel).map(|n| n.revision.as_str())
    }

    /// The id of an issue's status comment, when the ledger has it.
    pub fn status_comment(&self, audience: &str, channel: &str) -> Option<&str> {
        self.status_entry(audience, channel).and_then(|n| n.comment.as_deref())
    }

    fn status_entry(&self, audience: &str, channel: &str) -> Option<&Notified> {
        self.notified.iter().find(|n| n.audience == audience && n.channel == channel && n.period == STATUS_PERIOD)
    }

    /// Saves after every accepted message: written to a temporary file, flushed to disk, then
    /// renamed over the old one, so a crash leaves the old ledger or the new one, never a torn
    /// or empty file.
    pub fn save(&self, root: &Path) -> Result<(), Diagnostic> {
        let fail = |e: &dyn std::fmt::Display| Diagnostic::error(format!("cannot write {LEDGER}: {e}")).in_file(LEDGER);
        let entries = toml::to_string(self).map_err(|e| fail(&e))?;
        let text = format!(
            "# Reports and notices statuspress has sent; `send` and `notify` read it to avoid duplicates.\n{entries}"
        );
        replace_durably(&root.join(LEDGER), text.as_bytes()).map_err(|e| fail(&e))
    }
}

/// The ledger's parse error at its line and column, with what each entry holds.
fn damaged(text: &str, error: &toml::de::Error) -> Diagnostic {
    let mut diagnostic = serde_errors::describe(error.message().trim(), None, "the sent-ledger").at(Location::resolve(
        LEDGER,
        text,
        error.span().unwrap_or(0..0),
    ));
    let fix = format!(
        "each `[[sent]]` holds week, audience, recipient, message_id and sent_at, each `[[notified]]` audience, \
         channel, period, revision and sent_at, all quoted strings; \
         fix the line, or restore it with `git checkout -- {LEDGER}` (deleting it would send every report again)"
    );
    let help = diagnostic.help.take().map_or(fix.clone(), |h| format!("{h}; {fix}"));
    diagnostic.message = format!("the sent-ledger is damaged: {}", diagnostic.message);
    diagnostic.help(help)
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, renames it over `path` and
/// syncs the folder, so the rename itself survives a crash. The temporary file is this
/// writer's own (pid and a counter in its name): two writers never write into one file.
fn replace_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!("{name}.{}.{}.tmp", std::process::id(), WRITES.fetch_add(1, Ordering::Relaxed)));
    let written = std::fs::File::create(&tmp)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        // Unique names would pile up otherwise; the old ledger is still whole.
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Refuses to send — or to pretend to, in a dry run — without a sender and a server: a dry run
/// that passes must mean the real run can start.
pub fn require_settings(email: &EmailConfig) -> Result<(), Diagnostic> {
    let missing: Vec<(&str, &str)> = [
        (email.from.is_none(), ("`[email] from`", "[email]\nfrom = \"QA Orchestrator <qa@example.com>\"")),
        (email.smtp.host.is_none(), ("`[email.smtp] host`", "[email.smtp]\nhost = \"smtp.example.com\"")),
    ]
    .into_iter()
    .filter_map(|(absent, key)| absent.then_some(key))
    .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let file = crate::config::FILE_NAME;
    let keys: Vec<&str> = missing.iter().map(|(key, _)| *key).collect();
    let snippet: Vec<&str> = missing.iter().map(|(_, toml)| *toml).collect();
    Err(Diagnostic::error(format!("sending email needs {}, which {file} does not set", keys.join(" and ")))
        .in_file(file)
        .help(format!(
            "add to {file} (into the table if you have it already), then see the README's email section for port and credentials:\n\n{}",
            snippet.join("\n\n")
        )))
}

/// A connection recipe for the configured server; secrets come from the environment.
pub struct Mailer {
    transport: SmtpTransport,
    /// `host:port (security)`, for messages.
    pub describe: String,
    retry: Retry,
}

/// How a temporary failure is retried: `attempts` in all, waiting `delay`, then twice that, …
struct Retry {
    attempts: u32,
    delay: Duration,
    timeout: Duration,
}

impl Retry {
    /// From `[email.smtp]`, whose ranges `Config::parse` has checked.
    fn from_config(smtp: &SmtpConfig) -> Retry {
        Retry {
            attempts: smtp.retries.unwrap_or(2) + 1,
            delay: Duration::from_millis(smtp.retry_delay_ms.unwrap_or(1000)),
            timeout: Duration::from_secs(smtp.timeout_secs.unwrap_or(20).max(1)),
        }
    }

    /// The wait after failed attempt `n` (1-based): delay, 2 × delay, 4 × delay, …
    fn wait_after(&self, n: u32) -> Duration {
        self.delay.saturating_mul(1 << (n - 1).min(MAX_RETRIES))
    }
}

/// Why one recipient did not get the message.
#[derive(Debug)]
pub struct Failure {
    pub attempts: u32,
    /// The last error, with the server's reply when there was one.
    pub last: String,
    pub blame: Blame,
}

/// Whose the failure is, which decides what is tried next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blame {
    /// This recipient's (a refused address): the next ones may well succeed.
    Recipient,
    /// The server's: the last attempt got no SMTP reply at all (refused, dropped, TLS,
    /// silence), and the next recipients would wait in vain too.
    Server,
    /// The login's: the server refused the username or password (or demands a login, or a
    /// stronger one). Each further message would log in again, and a few failed logins lock
    /// many accounts, so the run stops at once.
    Login,
}

impl Blame {
    fn of(error: &lettre::transport::smtp::Error) -> Blame {
        match error.status().map(u16::from) {
            None => Blame::Server,
            // RFC 4954: authentication required, mechanism too weak, credentials invalid,
            // encryption required for the mechanism.
            Some(530 | 534 | 535 | 538) => Blame::Login,
            Some(_) => Blame::Recipient,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.attempts {
            0 | 1 => f.write_str(&self.last),
            n => write!(f, "tried {n} times, the last: {}", self.last),
        }
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl Mailer {
    pub fn new(root: &Path, smtp: &SmtpConfig) -> Result<Mailer, Diagnostic> {
        let config_error = |msg: String| Diagnostic::error(msg).in_file(crate::config::FILE_NAME);
        let host = smtp.host.clone().ok_or_else(|| config_error("no SMTP server: set `[email.smtp] host`".into()))?;
        let retry = Retry::from_config(smtp);
        let security = smtp.security.as_deref().unwrap_or("starttls");
        let tls_parameters = || -> Result<TlsParameters, Diagnostic> {
            let mut builder = TlsParameters::builder(host.clone());
            if let Some(ca) = &smtp.ca_file {
                let path: PathBuf = root.join(ca);
                let pem = std::fs::read(&path)
                    .map_err(|e| config_error(format!("cannot read `ca_file` {}: {e}", path.display())))?;
                let cert = Certificate::from_pem(&pem)
                    .map_err(|e| config_error(format!("`ca_file` {} is not a PEM certificate: {e}", path.display())))?;
                builder = builder.add_root_certificate(cert);
            }
            builder.build_rustls().map_err(|e| Diagnostic::error(format!("cannot set up TLS for {host}: {e}")))
        };
        let (tls, default_port) = match security {
            "starttls" => (Tls::Required(tls_parameters()?), 587),
            "tls" => (Tls::Wrapper(tls_parameters()?), 465),
            "none" if is_loopback(&host) => (Tls::None, 25),
            "none" => {
                return Err(config_error(format!(
                    "`security = \"none\"` sends mail and passwords in clear text; it is only allowed for a server on this machine, not `{host}`"
                ))
                .help("use `security = \"starttls\"` or `\"tls\"`"));
            }
            other => {
                return Err(config_error(format!(
                    "`[email.smtp] security` is `{other}`; expected one of starttls, tls, none"
                )));
            }
        };
        let port = smtp.port.unwrap_or(default_port);
        let mut builder =
            SmtpTransport::builder_dangerous(host.clone()).port(port).tls(tls).timeout(Some(retry.timeout));
        if let Some(credentials) = credentials(smtp)? {
            builder = builder.credentials(credentials);
        }
        Ok(Mailer { transport: builder.build(), describe: format!("{host}:{port} ({security})"), retry })
    }

    /// Sends `email` to one recipient, addressed to them alone, retrying temporary failures
    /// with growing waits; the server's refusal comes back in words. Each attempt is a new
    /// connection.
    pub fn send_to(&self, email: &super::email::Email, recipient: &str) -> Result<(), Failure> {
        let refuse = |last: String| Failure { attempts: 0, last, blame: Blame::Recipient };
        let from = email.message.envelope().from().cloned();
        let to: lettre::message::Mailbox = recipient.parse().map_err(|e| refuse(format!("not an address: {e}")))?;
        let envelope = Envelope::new(from, vec![to.email.clone()]).map_err(|e| refuse(e.to_string()))?;
        let raw = email.to(to).formatted();
        let mut attempt = 1;
        loop {
            match self.transport.send_raw(&envelope, &raw) {
                Ok(_) => return Ok(()),
                Err(e) if attempt < self.retry.attempts && is_temporary(&e) => {
                    std::thread::sleep(self.retry.wait_after(attempt));
                    attempt += 1;
                }
                Err(e) => {
                    return Err(Failure {
                        attempts: attempt,
                        last: explain(&e, self.retry.timeout),
                        blame: Blame::of(&e),
                    });
                }
            }
        }
    }
}

/// Worth another try: a 4xx reply, a dropped or refused connection, a timeout. Not a 5xx reply,
/// a TLS failure or a client-side problem: those fail the same way every time.
fn is_temporary(error: &lettre::transport::smtp::Error) -> bool {
    !(error.is_permanent() || error.is_tls() || error.is_client())
}

/// Username and password from the environment variables the config names.
fn credentials(smtp: &SmtpConfig) -> Result<Option<Credentials>, Diagnostic> {
    let read = |name: &Option<String>, what: &str| -> Result<Option<String>, Diagnostic> {
        match name {
            None => Ok(None),
            Some(var) => std::env::var(var).map(Some).map_err(|_| {
                Diagnostic::error(format!(
                    "the SMTP {what} is read from the environment variable `{var}`, which is not set"
                ))
                .help(format!("export {var}=… before running `statuspress send` (secrets never go in files)"))
            }),
        }
    };
    match (read(&smtp.username_env, "username")?, read(&smtp.password_env, "password")?) {
        (Some(user), Some(password)) => Ok(Some(Credentials::new(user, password))),
        (None, None) => Ok(None),
        _ => Err(Diagnostic::error("set both `username_env` and `password_env` in `[email.smtp]`, or neither")
            .in_file(crate::config::FILE_NAME)),
    }
}

/// The SMTP error with the server's reply, and what it likely means.
fn explain(error: &lettre::transport::smtp::Error, timeout: Duration) -> String {
    if timed_out(error) {
        return format!(
            "the server did not answer within {} s (raise `[email.smtp] timeout_secs` for a slow server)",
            timeout.as_secs()
        );
    }
    let text = error.to_string();
    let hint = if error.is_tls() || text.contains("STARTTLS") || text.to_lowercase().contains("tls") {
        " (TLS failed or was not offered: check `security` and `ca_file`)"
    } else if text.contains("535") || text.to_lowercase().contains("authentication") {
        " (the server rejected the username or password)"
    } else if error.is_permanent() {
        " (the server refused permanently)"
    } else if error.is_transient() {
        " (a temporary refusal: try again later)"
    } else {
        ""
    };
    // The source often repeats the server's reply that the message already holds.
    let source = std::error::Error::source(error).map(|s| s.to_string()).filter(|s| !text.contains(s.as_str()));
    format!("{text}{}{hint}", source.map_or_else(String::new, |s| format!(": {s}")))
}

/// A read or write that ran out of time (`WouldBlock` is how Unix reports a socket timeout).
fn timed_out(error: &lettre::transport::smtp::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return matches!(io.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock);
        }
        source = e.source();
    }
    false
}

/// What one `send` run did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// (audience, recipient) accepted by the server.
    pub sent: Vec<(String, String)>,
    /// (audience, recipient, why) not sent on purpose.
    pub skipped: Vec<(String, String, String)>,
    pub failures: Vec<Diagnostic>,
    /// The server refused the login: nothing more is to be tried in this run.
    pub stopped: bool,
}

/// The clock for the ledger's `sent_at`; `SOURCE_DATE_EPOCH` pins it for tests.
pub fn now_rfc3339() -> String {
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .unwrap_or_else(chrono::Utc::now);
    now.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_round_trips_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Ledger::load(dir.path()).unwrap().sent.is_empty(), "no file yet: nothing sent");
        let entry = Sent {
            week: "2025-W34".into(),
            audience: "team".into(),
            recipient: "dev@example.com".into(),
            message_id: "<2025-W34.team.w2@example.com>".into(),
            sent_at: "2025-08-25T08:00:00Z".into(),
        };
        let ledger = Ledger { sent: vec![entry.clone()], notified: Vec::new() };
        ledger.save(dir.path()).unwrap();
        ledger.save(dir.path()).unwrap();
        assert_eq!(Ledger::load(dir.path()).unwrap().sent, vec![entry]);
        let files: Vec<_> =
            std::fs::read_dir(dir.path().join(".statuspress")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(files, ["sent.toml"]);
    }

    #[test]
    fn notices_and_reports_share_the_ledger_and_an_old_one_still_reads() {
        let dir = tempfile::tempdir().unwrap();
        let notice = Notified {
            audience: "ops".into(),
            channel: "slack (OPS_SLACK)".into(),
            period: "w3".into(),
            revision: "w3".into(),
            sent_at: "2025-08-26T12:00:00Z".into(),
            comment: None,
        };
        let status = Notified {
            period: "status".into(),
            channel: "github acme/platform#2".into(),
            comment: Some("1003".into()),
            ..notice.clone()
        };
        Ledger { sent: Vec::new(), notified: vec![notice.clone(), status] }.save(dir.path()).unwrap();
        let ledger = Ledger::load(dir.path()).unwrap();
        assert!(
            ledger.notified("ops", "slack (OPS_SLACK)", "w3") && !ledger.notified("ops", "slack (OPS_SLACK)", "w2")
        );
        assert_eq!(ledger.status_told("ops", "github acme/platform#2"), Some("w3"));
        assert_eq!(ledger.status_comment("ops", "github acme/platform#2"), Some("1003"));
        assert_eq!(ledger.status_told("ops", "slack (OPS_SLACK)"), None);
        std::fs::write(dir.path().join(LEDGER), "[[sent]]\nweek = \"2025-W34\"\naudience = \"team\"\nrecipient = \"a@example.com\"\nmessage_id = \"<x@y>\"\nsent_at = \"2025-08-25T08:00:00Z\"\n").unwrap();
        let old = Ledger::load(dir.path()).unwrap();
        assert_eq!((old.sent.len(), old.notified.len()), (1, 0));
    }

    #[test]
    fn a_second_holder_waits_for_the_lock_and_is_told_so() {
        use std::sync::mpsc;
        let dir = tempfile::tempdir().unwrap();
        let first = LedgerLock::acquire(dir.path(), &|_| panic!("nobody holds it yet")).unwrap();
        let (told, heard) = mpsc::channel();
        let (done, finished) = mpsc::channel();
        let root = dir.path().to_path_buf();
        let second = std::thread::spawn(move || {
            let told = std::sync::Mutex::new(told);
            let lock = LedgerLock::acquire(&root, &|text| told.lock().unwrap().send(text.to_string()).unwrap());
            done.send(()).unwrap();
            lock.map(drop).unwrap();
        });
        let message = heard.recv_timeout(Duration::from_secs(10)).unwrap();
        let pid = std::process::id();
        assert_eq!(message, format!("waiting for another `send` or `notify` to finish (process {pid})…"));
        assert!(finished.recv_timeout(Duration::from_millis(300)).is_err(), "it must wait while the first holds it");
        drop(first);
        finished.recv_timeout(Duration::from_secs(10)).expect("takes the lock once it is free");
        second.join().unwrap();
    }

    #[test]
    fn retries_default_to_three_attempts_with_doubling_waits() {
        let retry = Retry::from_config(&SmtpConfig::default());
        assert_eq!((retry.attempts, retry.timeout), (3, Duration::from_secs(20)));
        assert_eq!(retry.wait_after(1), Duration::from_secs(1));
        assert_eq!(retry.wait_after(2), Duration::from_secs(2));
        let huge = Retry::from_config(&SmtpConfig { retry_delay_ms: Some(u64::MAX), ..SmtpConfig::default() });
        assert_eq!(huge.wait_after(MAX_RETRIES + 1), Duration::MAX, "saturates, never overflows");
    }
}
