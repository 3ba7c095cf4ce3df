//! The typed front matter of every record kind (docs/records.md).
//!
//! Each struct denies unknown fields; the fields common to all kinds live in [`Common`]
//! and are split off before the kind's own struct is deserialized. The kinds' own structs
//! live in [`super::kinds`], one module each.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use super::kinds::*;

/// Fields every kind accepts.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Common {
    /// The record's id, used in references and URLs; default: the file name without extension.
    #[serde(skip_serializing)]
    pub id: Option<String>,
    /// The record kind; only needed outside a kind folder.
    #[serde(skip_serializing)]
    pub kind: Option<String>,
    /// Who owns the item.
    pub owner: Option<String>,
    /// Free labels.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Ids of related records.
    #[serde(default)]
    pub links: Vec<String>,
    /// Left out of external audiences' reports.
    #[serde(default)]
    pub confidential: bool,
    /// Only in `.toml` records; `.md` records carry the body after the front matter.
    #[serde(skip_serializing)]
    pub body: Option<String>,
}

impl Common {
    pub const FIELDS: &'static [&'static str] = &["id", "kind", "owner", "tags", "links", "confidential", "body"];
}
