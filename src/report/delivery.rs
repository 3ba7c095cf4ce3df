//! The one delivery core of `send` and `notify`: the sent-ledger under its lock, the SMTP
//! mailer and the HTTP client, each made when first needed. Every message a server or a
//! receiver accepts is recorded and saved at once, whichever command sent it and on whichever
//! channel (email is one channel beside the HTTP ones), so each rhythm's message goes once.

use std::path::Path;

use super::email::Email;
use super::notices::{self, Due, Route};
use super::send::{Blame, Failure, Ledger, LedgerLock, Mailer, Notified, STATUS_PERIOD, Sent, now_rfc3339};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::records::Channel;

/// What the ledger keeps of one accepted message: a week's report to a recipient (`send`), or
/// a notice on a channel, an email to a recipient being one (`notify`). Its `sent_at` is set
/// when it is recorded.
pub enum Entry {
    Sent(Sent),
    Notified(Notified),
}

pub struct Courier<'a> {
    root: &'a Path,
    config: &'a Config,
    /// Held from reading the ledger until the courier is dropped, after its last write; a dry
    /// run writes nothing and takes none (it must not wait for a real run, nor create files).
    _lock: Option<LedgerLock>,
    pub ledger: Ledger,
    dry_run: bool,
    mailer: Option<Mailer>,
    client: Option<notices::http::Client>,
    /// Why no more mail is tried in this run: the server failed without a reply (each message
    /// would wait out the same timeouts and retries), or it refused the login (each would log
    /// in again, and a few failed logins lock many accounts).
    gave_up: Option<String>,
}

impl<'a> Courier<'a> {
    /// The ledger of the project at `root`, locked unless this is a dry run (`waiting` is told
    /// when another run holds the lock).
    pub fn open(
        root: &'a Path,
        config: &'a Config,
        dry_run: bool,
        waiting: &dyn Fn(&str),
    ) -> Result<Courier<'a>, Diagnostic> {
        let lock = if dry_run { None } else { Some(LedgerLock::acquire(root, waiting)?) };
        let ledger = Ledger::load(root)?;
        Ok(Courier { root, config, _lock: lock, ledger, dry_run, mailer: None, client: None, gave_up: None })
    }

    pub fn dry_run(&self) -> bool {
        self.dry_run
    }

    /// The SMTP mailer (its settings and credentials checked), made on first use.
    pub fn mailer(&mut self) -> Result<&Mailer, Diagnostic> {
        let mailer = match self.mailer.take() {
            Some(mailer) => mailer,
            None => Mailer::new(self.root, &self.config.email.smtp)?,
        };
        Ok(self.mailer.insert(mailer))
    }

    /// The HTTP client (`[notify] ca_file` read), made on first use.
    fn client(&mut self) -> Result<&notices::http::Client, Diagnostic> {
        let client = match self.client.take() {
            Some(client) => client,
            None => notices::http::Client::new(self.root, &self.config.notify)?,
        };
        Ok(self.client.insert(client))
    }

    /// Makes what `route` is delivered with, so that a setting it cannot work with fails the
    /// route before anything is sent on it, and is never taken for a ledger that could not be
    /// written after a delivery.
    pub fn ready(&mut self, route: Route<'_>) -> Result<(), Diagnostic> {
        match route {
            Route::Channel(_) => self.client().map(drop),
            Route::Email(_) => self.mailer().map(drop),
        }
    }

    /// Why no more mail is tried in this run, if so.
    pub fn gave_up(&self) -> Option<&str> {
        self.gave_up.as_deref()
    }

    /// Sends `email` to `recipient` and, once the server accepted it, records `entry`. The
    /// outer error is the ledger's (the message went, its record did not: stop the run), or
    /// the mailer's when [`Courier::ready`] was not asked first.
    pub fn mail(&mut self, email: &Email, recipient: &str, entry: Entry) -> Result<Result<(), Failure>, Diagnostic> {
        if let Err(failure) = self.mailer()?.send_to(email, recipient) {
            self.gave_up = match failure.blame {
                Blame::Recipient => None,
                Blame::Server => Some(format!("the server failed for {recipient}")),
                Blame::Login => Some("the server refused the login".into()),
            };
            return Ok(Err(failure));
        }
        self.record(entry).map(Ok)
    }

    /// Posts `due` on an HTTP channel (a chat, a webhook, an issue) and, once accepted,
    /// records it; `Err` in the inner result holds why not, with the receiver's reply. The
    /// outer error is as [`Courier::mail`]'s.
    pub fn post(&mut self, channel: &Channel, due: &Due) -> Result<Result<(), String>, Diagnostic> {
        let config = self.config;
        let known = self.ledger.status_comment(&due.audience, &due.channel).map(str::to_string);
        let comment = match notices::deliver(self.client()?, channel, due, config, known.as_deref()) {
            Ok(comment) => comment,
            Err(why) => return Ok(Err(why)),
        };
        self.record(Entry::Notified(Notified { comment, ..notices::entry(due) })).map(Ok)
    }

    /// Records one accepted message, stamped now, and saves the ledger at once. An issue's
    /// status comment is kept once, with the revision it shows now.
    fn record(&mut self, entry: Entry) -> Result<(), Diagnostic> {
        match entry {
            Entry::Sent(sent) => self.ledger.sent.push(Sent { sent_at: now_rfc3339(), ..sent }),
            Entry::Notified(told) => {
                let told = Notified { sent_at: now_rfc3339(), ..told };
                if told.period == STATUS_PERIOD {
                    let same = |n: &Notified| n.audience == told.audience && n.channel == told.channel;
                    self.ledger.notified.retain(|n| !(same(n) && n.period == STATUS_PERIOD));
                }
                self.ledger.notified.push(told);
            }
        }
        self.ledger.save(self.root)
    }
}
