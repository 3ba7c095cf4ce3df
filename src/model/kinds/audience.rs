//! Who receives the weekly report, and where `notify` tells them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::values::*;

/// Fields the parser still reads only to say what replaced them: the schema, which editors
/// check files against, leaves them out.
pub const RETIRED_FIELDS: &[&str] = &["channel"];

/// Who receives the weekly report, and how much of it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    /// The audience's name.
    pub title: String,
    /// Email addresses.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// How often they hear from the plan: `weekly` (the report, by `send`), or from
    /// `notify`: `immediate`, `milestone` or `daily`.
    pub cadence: Option<Cadence>,
    /// Only these events reach them (`notify`); default: every event of their cadence.
    #[serde(default)]
    pub events: Vec<EventKind>,
    /// Where `notify` tells them, besides the email to `recipients`.
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Replaced by `channels`; read only to say so (see the validation), and so one of the
    /// [`RETIRED_FIELDS`] the schema leaves out.
    #[serde(default, skip_serializing)]
    #[schemars(skip)]
    pub channel: Option<String>,
    /// How much they see; default full.
    #[serde(default = "default_detail")]
    pub detail: Detail,
    /// External audiences never see confidential records.
    #[serde(default)]
    pub external: bool,
    /// What they care about.
    #[serde(default)]
    pub topics: Vec<String>,
}

/// A place `statuspress notify` posts to. Addresses and secrets are named by environment
/// variable, never written in a record: records are read by everyone who can read the repo.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Channel {
    /// A Slack incoming webhook (Block Kit).
    Slack { url_env: String },
    /// A Microsoft Teams workflow webhook (Adaptive Card).
    Teams { url_env: String },
    /// A Mattermost incoming webhook (Slack-compatible).
    Mattermost { url_env: String },
    /// Any JSON receiver; the body is signed with HMAC-SHA256 of the secret.
    Webhook { url_env: String, secret_env: String },
    /// Comments on a GitHub issue (`repo` is `owner/name`).
    Github { repo: String, issue: u64, token_env: String },
    /// Notes on a GitLab issue (`project` is `group/name` or its numeric id).
    Gitlab { project: String, issue: u64, token_env: String },
}

impl Channel {
    pub fn kind(&self) -> &'static str {
        match self {
            Channel::Slack { .. } => "slack",
            Channel::Teams { .. } => "teams",
            Channel::Mattermost { .. } => "mattermost",
            Channel::Webhook { .. } => "webhook",
            Channel::Github { .. } => "github",
            Channel::Gitlab { .. } => "gitlab",
        }
    }

    /// The channel in words, with nothing secret: `slack (QA_SLACK_WEBHOOK)`,
    /// `github acme/platform#2`. Also its key in the ledger.
    pub fn name(&self) -> String {
        match self {
            Channel::Slack { url_env } | Channel::Teams { url_env } | Channel::Mattermost { url_env } => {
                format!("{} ({url_env})", self.kind())
            }
            Channel::Webhook { url_env, .. } => format!("webhook ({url_env})"),
            Channel::Github { repo, issue, .. } => format!("github {repo}#{issue}"),
            Channel::Gitlab { project, issue, .. } => format!("gitlab {project}#{issue}"),
        }
    }
}

fn default_detail() -> Detail {
    Detail::Full
}

informational_kind!(Audience);
