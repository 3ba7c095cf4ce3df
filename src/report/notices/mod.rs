//! `statuspress notify`: the events of each revision, told to each audience's channels at the
//! audience's cadence, each once.
//!
//! For every audience whose cadence `notify` serves (immediate, milestone, daily) and every
//! channel, what is due runs from the last revision the ledger says that channel was told
//! of (or `--since`) to the newest: one notice per revision with events of the cadence
//! (immediate, milestone) or one per day with changes (daily), and one certification per
//! revision where readiness flipped to GO (a weekly audience reads it in its weekly report,
//! which `send` delivers, so `notify` tells it nothing). An issue channel also keeps
//! one status comment up to date. Each audience sees the plan through its redaction, so an
//! external one never hears of a confidential record: events and messages are made from the
//! redacted statuses.

pub mod events;
pub mod formats;
pub mod http;

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use self::events::Event;
use self::formats::Notice;
use self::http::{Client, Request, Response};
use super::message::{Facts, Message};
use super::send::{Ledger, Notified, STATUS_PERIOD};
use crate::config::Config;
use crate::derive::redact::Redaction;
use crate::derive::{Item, Status};
use crate::diff::certification::{Certification, certify_all};
use crate::history::Revision;
use crate::model::KindData;
use crate::model::records::{Audience, Channel};
use crate::values::Cadence;

/// One readable revision and its status.
pub use crate::diff::certification::Revisioned;

/// Where an audience hears from `notify`: each of its channels, and an email to each of its
/// recipients (the same notices, each recipient's its own ledger entries).
#[derive(Clone, Copy)]
pub enum Route<'a> {
    Channel(&'a Channel),
    Email(&'a str),
}

impl Route<'_> {
    /// Its name in messages and in the ledger (nothing secret): `slack (OPS_SLACK)`,
    /// `email dev@example.com`.
    pub fn name(&self) -> String {
        match self {
            Route::Channel(channel) => channel.name(),
            Route::Email(recipient) => format!("email {recipient}"),
        }
    }

    /// An issue keeps a status comment besides its messages.
    fn is_issue(&self) -> bool {
        matches!(self, Route::Channel(Channel::Github { .. } | Channel::Gitlab { .. }))
    }
}

/// Every route of an audience: its channels, then its recipients.
pub fn routes(audience: &Audience) -> impl Iterator<Item = Route<'_>> {
    let channels = audience.channels.iter().map(Route::Channel);
    channels.chain(audience.recipients.iter().map(|r| Route::Email(r.as_str())))
}

/// One message due on one channel.
#[derive(Debug, Serialize)]
pub struct Due {
    pub audience: String,
    pub channel: String,
    /// `post` (a chat message, a webhook call or a comment) or `status` (the issue's status
    /// comment, created or edited).
    pub action: &'static str,
    pub notice: Notice,
}

/// What every notice of an audience is made from: its statuses as it may see them.
struct View<'a> {
    id: &'a str,
    audience: &'a Audience,
    revisions: Vec<&'a Revision>,
    /// Each revision's plan as the audience may see it (borrowed when nothing is hidden).
    seen: Vec<std::borrow::Cow<'a, Status>>,
}

/// Everything due for `audience` on each of its routes, given the ledger, oldest first.
/// `key` names the audience in the ledger and in its notices (its id, or in a portfolio's
/// audience the id and the plan). `since` is an index into `revisions` (the revision to tell
/// changes from).
pub fn due(
    audience: &Item,
    key: &str,
    revisions: &[Revisioned<'_>],
    config: &Config,
    ledger: &Ledger,
    since: Option<usize>,
) -> Vec<Due> {
    let KindData::Audience(record) = &audience.record.data else { return Vec::new() };
    let cadence = record.cadence.unwrap_or(Cadence::Weekly);
    // A weekly audience hears everything, a certification too, in its weekly report (`send`).
    if cadence == Cadence::Weekly || routes(record).next().is_none() || revisions.is_empty() {
        return Vec::new();
    }
    let reader = Redaction::for_audience(
        audience,
        &crate::derive::redact::confidential(revisions.iter().map(|(_, s)| *s)),
        config.neighbours.as_deref(),
    );
    let view = View {
        id: key,
        audience: record,
        revisions: revisions.iter().map(|(r, _)| *r).collect(),
        seen: revisions.iter().map(|(_, s)| reader.view(s)).collect(),
    };
    let newest = revisions.len() - 1;
    // Routes told up to the same revision get the same notices: made once per start.
    let mut made: HashMap<usize, Vec<Notice>> = HashMap::new();
    let mut out = Vec::new();
    for route in routes(record) {
        let name = route.name();
        let told = last_told(ledger, view.id, &name, &view.revisions);
        let start = since.or(told).unwrap_or(newest.saturating_sub(1));
        let mut notices = made
            .entry(start)
            .or_insert_with(|| {
                let mut notices = notices(&view, cadence, start, config);
                notices.extend(certifications(&view, start, config));
                // In the order of their revisions: a certification right after its revision's notice.
                notices.sort_by_key(|n| view.revisions.iter().position(|r| r.id == n.revision));
                notices
            })
            .clone();
        notices.retain(|n| !ledger.notified(view.id, &name, &n.period));
        let issue = route.is_issue();
        let status_told = ledger.status_told(view.id, &name);
        let status_due = issue && status_told != Some(view.revisions[newest].id.as_str()) && newest > 0;
        let status = status_due.then(|| status_notice(&view, start.min(newest - 1), newest, config, &notices));
        out.extend(notices.into_iter().map(|notice| Due {
            audience: view.id.into(),
            channel: name.clone(),
            action: "post",
            notice,
        }));
        out.extend(status.map(|notice| Due {
            audience: view.id.into(),
            channel: name.clone(),
            action: STATUS_PERIOD,
            notice,
        }));
    }
    out
}

/// The newest revision the ledger says `channel` of `audience` was told of, as an index.
fn last_told(ledger: &Ledger, audience: &str, channel: &str, revisions: &[&Revision]) -> Option<usize> {
    ledger
        .notified
        .iter()
        .filter(|n| n.audience == audience && n.channel == channel && n.period != STATUS_PERIOD)
        .filter_map(|n| revisions.iter().position(|r| r.id == n.revision))
        .max()
}

/// The notices of the steps after `start`: per revision, or per day for a daily audience.
fn notices(view: &View<'_>, cadence: Cadence, start: usize, config: &Config) -> Vec<Notice> {
    let steps = (start + 1)..view.seen.len();
    let wanted = |e: &Event, i: usize| {
        let of_cadence = match cadence {
            Cadence::Immediate => e.is_outlook(&view.seen[i]),
            Cadence::Milestone => e.kind.is_milestone(),
            Cadence::Daily | Cadence::Weekly => true,
        };
        of_cadence && (view.audience.events.is_empty() || view.audience.events.contains(&e.kind))
    };
    let step_events = |i: usize| -> Vec<Event> {
        let (old, new) = (&view.seen[i - 1], &view.seen[i]);
        let diff = crate::diff::diff(old, &view.revisions[i - 1].id, new, &view.revisions[i].id);
        events::events(&diff, old, new).into_iter().filter(|e| wanted(e, i)).collect()
    };
    if cadence != Cadence::Daily {
        return steps
            .filter_map(|i| {
                let events = step_events(i);
                (!events.is_empty()).then(|| notice(view, i - 1, i, view.revisions[i].id.clone(), events, config))
            })
            .collect();
    }
    let zone = config.report.zone();
    let day = |i: usize| zone.date_of(view.revisions[i].timestamp).map_or_else(String::new, |d| d.to_string());
    let mut out: Vec<Notice> = Vec::new();
    let mut first = start + 1;
    for i in steps.clone() {
        if i + 1 < view.seen.len() && day(i + 1) == day(i) {
            continue;
        }
        let events: Vec<Event> = (first..=i).flat_map(step_events).collect();
        if !events.is_empty() {
            // Keyed by day and revision: changes later that day make a second digest.
            let period = format!("{} {}", day(i), view.revisions[i].id);
            out.push(notice(view, first - 1, i, period, events, config));
        }
        first = i + 1;
    }
    out
}

/// The notice from revision `from` to revision `to` (indexes), with the message's lead.
fn notice(view: &View<'_>, from: usize, to: usize, period: String, events: Vec<Event>, config: &Config) -> Notice {
    let (before, status) = (&view.seen[from], &view.seen[to]);
    let (from_id, revision) = (view.revisions[from].id.as_str(), view.revisions[to]);
    let diff = crate::diff::diff(before, from_id, status, &revision.id);
    let facts = Facts {
        status,
        before: Some(before),
        changes: Some(&diff),
        revision,
        stale: None,
        brief: true,
        since: Some(from_id),
    };
    Notice {
        audience: view.id.to_string(),
        plan: status.plan.title().to_string(),
        period,
        from: from_id.to_string(),
        revision: revision.id.clone(),
        readiness: status.readiness.verdict.as_str().to_uppercase(),
        lead: Message::compose(&facts).lead,
        events: events.into_iter().map(|e| e.absolute(&config.site.base_url)).collect(),
        url: config.site.base_url.clone(),
        timestamp: revision.timestamp,
    }
}

/// The certification of each revision after `start` where readiness flipped to GO, as the
/// audience may see it, for every cadence; each is told once (ledger period `certified <rev>`).
fn certifications(view: &View<'_>, start: usize, config: &Config) -> Vec<Notice> {
    let seen: Vec<Revisioned<'_>> = view.revisions.iter().copied().zip(view.seen.iter().map(AsRef::as_ref)).collect();
    let all = certify_all(&seen);
    all.iter()
        .enumerate()
        .skip(start + 1)
        .filter_map(|(i, c)| c.as_ref().map(|c| certification_notice(view, i, c, config)))
        .collect()
}

/// "Certified GO at w3 (2025-08-26)", the gates with their passing revisions and the approving
/// decisions, linking to the certification page.
fn certification_notice(view: &View<'_>, at: usize, c: &Certification, config: &Config) -> Notice {
    let group = c.release_group.as_deref().map_or_else(String::new, |g| format!(" of “{g}”"));
    let base = config.site.base_url.trim_end_matches('/');
    Notice {
        audience: view.id.to_string(),
        plan: view.seen[at].plan.title().to_string(),
        period: format!("certified {}", c.revision),
        from: view.revisions[at - 1].id.clone(),
        revision: c.revision.clone(),
        readiness: "GO".into(),
        lead: vec![
            format!("Certified GO at {} ({}).", c.revision, c.date),
            format!("Every release gate{group} is passed or waived."),
        ],
        events: events::certified(c).into_iter().map(|e| e.absolute(&config.site.base_url)).collect(),
        url: if base.is_empty() { String::new() } else { format!("{base}/revisions/{}/certification.html", c.slug) },
        timestamp: view.revisions[at].timestamp,
    }
}

/// The issue's status comment: the newest status, with what moved since `from`.
fn status_notice(view: &View<'_>, from: usize, newest: usize, config: &Config, told: &[Notice]) -> Notice {
    let events = told.iter().flat_map(|n| n.events.iter().cloned()).collect();
    notice(view, from, newest, STATUS_PERIOD.to_string(), events, config)
}

/// What one due message sends, as data: a channel's request body (a dry run builds the same
/// bodies and sends nothing), or an email's recipient and subject.
pub fn payload(route: Route<'_>, due: &Due, config: &Config) -> Value {
    match route {
        Route::Channel(channel) => body(channel, due),
        Route::Email(recipient) => {
            // The subject alone: composing the whole message (CSS inlined) to read it cost
            // a second email per delivery.
            serde_json::json!({"to": recipient, "subject": super::email::notice_subject(config, &due.notice)})
        }
    }
}

/// A channel's request body for one due message.
fn body(channel: &Channel, due: &Due) -> Value {
    let notice = &due.notice;
    match channel {
        Channel::Slack { .. } => formats::slack(notice),
        Channel::Teams { .. } => formats::teams(notice),
        Channel::Mattermost { .. } => formats::mattermost(notice),
        Channel::Webhook { .. } => formats::webhook(notice),
        Channel::Github { .. } | Channel::Gitlab { .. } if due.action == STATUS_PERIOD => {
            serde_json::json!({"body": formats::status_comment(notice, &due.audience)})
        }
        Channel::Github { .. } | Channel::Gitlab { .. } => serde_json::json!({"body": formats::markdown(notice)}),
    }
}

/// An environment variable a channel names, or why it cannot be used.
fn secret(var: &str, what: &str) -> Result<String, String> {
    match std::env::var(var) {
        Ok(value) if !value.trim().is_empty() => Ok(value.trim().to_string()),
        _ => Err(format!("the {what} is read from the environment variable `{var}`, which is not set")),
    }
}

/// Checks what a route needs before anything is sent: a channel's variables are set and its
/// address may be reached (https, or http to this machine); email has a sender and a server.
pub fn check(route: Route<'_>, config: &Config) -> Result<(), String> {
    let channel = match route {
        Route::Channel(channel) => channel,
        Route::Email(_) => return super::send::require_settings(&config.email).map_err(|d| d.message),
    };
    let url = match channel {
        Channel::Slack { url_env } | Channel::Teams { url_env } | Channel::Mattermost { url_env } => {
            secret(url_env, "webhook address")?
        }
        Channel::Webhook { url_env, secret_env } => {
            secret(secret_env, "signing secret")?;
            secret(url_env, "webhook address")?
        }
        Channel::Github { token_env, .. } => {
            secret(token_env, "GitHub token")?;
            config.notify.github_api_url.clone()
        }
        Channel::Gitlab { token_env, .. } => {
            secret(token_env, "GitLab token")?;
            config.notify.gitlab_url.clone()
        }
    };
    http::check_url(&url)
}

/// Delivers one due message; `Err` holds why, with the receiver's reply. For an issue's
/// status comment, `known` is the id the ledger keeps, and the id kept now comes back.
pub fn deliver(
    client: &Client,
    channel: &Channel,
    due: &Due,
    config: &Config,
    known: Option<&str>,
) -> Result<Option<String>, String> {
    let body = serde_json::to_vec(&body(channel, due)).map_err(|e| e.to_string())?;
    let post = |url: String, headers: Vec<(&'static str, String)>| Request {
        method: "POST",
        url,
        headers,
        body: body.clone(),
    };
    let marker = formats::status_marker(&due.audience);
    let status = (due.action == STATUS_PERIOD).then_some(StatusComment { marker: &marker, known });
    let sent = match channel {
        Channel::Slack { url_env } | Channel::Teams { url_env } | Channel::Mattermost { url_env } => {
            client.send(&post(secret(url_env, "webhook address")?, Vec::new())).map(|_| None)
        }
        Channel::Webhook { url_env, secret_env } => {
            let signature = formats::signature(secret(secret_env, "signing secret")?.as_bytes(), &body);
            let headers = vec![("X-Statuspress-Signature-256", signature)];
            client.send(&post(secret(url_env, "webhook address")?, headers)).map(|_| None)
        }
        Channel::Github { repo, issue, token_env } => {
            let api = Issue::github(&config.notify.github_api_url, repo, *issue, secret(token_env, "GitHub token")?);
            api.comment(client, status, body.clone())
        }
        Channel::Gitlab { project, issue, token_env } => {
            let api = Issue::gitlab(&config.notify.gitlab_url, project, *issue, secret(token_env, "GitLab token")?);
            api.comment(client, status, body.clone())
        }
    };
    sent.map_err(|failure| failure.to_string())
}

/// An issue's comments on GitHub or notes on GitLab: where they are listed and created, how
/// one is edited, and the token's header.
struct Issue {
    /// Lists (GET) and creates (POST) comments.
    comments: String,
    /// One comment by id, for editing: `{id}` replaced.
    edit: String,
    edit_method: &'static str,
    headers: Vec<(&'static str, String)>,
}

impl Issue {
    fn github(api: &str, repo: &str, issue: u64, token: String) -> Issue {
        let api = api.trim_end_matches('/');
        Issue {
            comments: format!("{api}/repos/{}/issues/{issue}/comments", path_segments(repo)),
            edit: format!("{api}/repos/{}/issues/comments/{{id}}", path_segments(repo)),
            edit_method: "PATCH",
            headers: vec![
                ("Authorization", format!("Bearer {token}")),
                ("Accept", "application/vnd.github+json".into()),
                ("X-GitHub-Api-Version", "2022-11-28".into()),
            ],
        }
    }

    fn gitlab(base: &str, project: &str, issue: u64, token: String) -> Issue {
        // A project path is one URL segment, its slashes encoded (GitLab's rule).
        let project: String = project.split('/').map(encode).collect::<Vec<_>>().join("%2F");
        let notes = format!("{}/api/v4/projects/{project}/issues/{issue}/notes", base.trim_end_matches('/'));
        Issue {
            edit: format!("{notes}/{{id}}"),
            comments: notes,
            edit_method: "PUT",
            headers: vec![("PRIVATE-TOKEN", token), ("Accept", "application/json".into())],
        }
    }

    /// Posts a comment, or for a status comment edits it: the one the ledger names (`known`)
    /// when it is still there, else the one whose first line is the marker, else a new one.
    /// Returns the status comment's id, for the ledger: later runs edit it by that id, so a
    /// comment someone else starts with the marker is not taken for it.
    fn comment(
        &self,
        client: &Client,
        status: Option<StatusComment<'_>>,
        body: Vec<u8>,
    ) -> Result<Option<String>, http::Failure> {
        let request = |method, url: String, body: Vec<u8>| Request { method, url, headers: self.headers.clone(), body };
        let edit =
            |id: &str, body: Vec<u8>| client.send(&request(self.edit_method, self.edit.replace("{id}", id), body));
        let Some(status) = status else {
            return client.send(&request("POST", self.comments.clone(), body)).map(|_| None);
        };
        // A deleted (or unreachable) comment is looked for again, and made anew if gone.
        if let Some(id) = status.known
            && edit(id, body.clone()).is_ok()
        {
            return Ok(Some(id.to_string()));
        }
        match self.find_status(client, status.marker)? {
            Some(id) => edit(&id, body).map(|_| Some(id)),
            None => client.send(&request("POST", self.comments.clone(), body)).map(|reply| comment_id(&reply.body)),
        }
    }

    /// The id of the comment that starts with `marker`, looking through up to 20 pages.
    fn find_status(&self, client: &Client, marker: &str) -> Result<Option<String>, http::Failure> {
        for page in 1..=20 {
            let url = format!("{}?per_page=100&page={page}", self.comments);
            let reply: Response =
                client.send(&Request { method: "GET", url, headers: self.headers.clone(), body: Vec::new() })?;
            // A reply that is not a list of comments is a failure, not "no status comment
            // yet": taking it as one would post a second status comment.
            let comments: Vec<Value> = serde_json::from_str(&reply.body).map_err(|e| http::Failure {
                attempts: 1,
                last: format!("the list of comments is not JSON ({e}): {}", reply.describe()),
            })?;
            let marked = comments.iter().find(|c| c["body"].as_str().is_some_and(|b| b.starts_with(marker)));
            if let Some(found) = marked.and_then(id_of) {
                return Ok(Some(found));
            }
            if comments.len() < 100 {
                break;
            }
        }
        Ok(None)
    }
}

/// A status comment to keep current: its marker, and its id when the ledger has one.
#[derive(Clone, Copy)]
pub struct StatusComment<'a> {
    marker: &'a str,
    known: Option<&'a str>,
}

/// A comment's id as GitHub and GitLab give it (a number), from the comment's JSON.
fn id_of(comment: &Value) -> Option<String> {
    comment["id"].as_u64().map(|id| id.to_string())
}

/// The id of the comment a POST created, from its reply (none when the reply says none).
fn comment_id(reply: &str) -> Option<String> {
    serde_json::from_str::<Value>(reply).ok().as_ref().and_then(id_of)
}

/// `owner/name` with each segment percent-encoded, slashes kept.
fn path_segments(path: &str) -> String {
    path.split('/').map(encode).collect::<Vec<_>>().join("/")
}

fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// What the ledger keeps of a delivered message: an issue's status comment under the period
/// `status` (with the revision it shows), any other under its notice's period; the courier
/// stamps it when it records it.
pub fn entry(due: &Due) -> Notified {
    let period = if due.action == STATUS_PERIOD { STATUS_PERIOD } else { due.notice.period.as_str() };
    Notified {
        audience: due.audience.clone(),
        channel: due.channel.clone(),
        period: period.to_string(),
        revision: due.notice.revision.clone(),
        sent_at: String::new(),
        comment: None,
    }
}
