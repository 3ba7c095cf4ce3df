//! What the preview asks of the project it serves: a rebuild after some changes. The project
//! layer answers it (`project::preview`); the server only serves and watches.

use std::collections::BTreeSet;

use crate::diagnostics::Diagnostic;
use crate::render::{Renderer, Site};
use crate::values::Date;

/// What changed since the last rebuild.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Changes {
    /// Paths under `content/` that changed (files and folders).
    pub content: BTreeSet<String>,
    /// Read all of `content/` again (a moved folder, a symbolic link, the first build).
    pub rescan: bool,
    pub templates: bool,
    pub config: bool,
    /// Tags or branches moved: read the committed revisions again.
    pub history: bool,
}

impl Changes {
    /// Everything: what the first build needs.
    pub fn all() -> Changes {
        Changes { content: BTreeSet::new(), rescan: true, templates: true, config: true, history: true }
    }

    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    pub fn merge(&mut self, other: Changes) {
        self.content.extend(other.content);
        self.rescan |= other.rescan;
        self.templates |= other.templates;
        self.config |= other.config;
        self.history |= other.history;
    }
}

/// A good build: the site and what renders its pages on demand.
pub struct Built {
    pub site: Site,
    pub renderer: Renderer,
    /// Its warnings.
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// The plan kept built between edits.
pub trait Rebuild {
    /// Builds the plan as of `as_of` after `changes`; `Err` holds every problem of a plan
    /// that cannot be shown (the server keeps showing the last good build).
    fn rebuild(&mut self, changes: Changes, as_of: Date) -> Result<Built, Vec<Diagnostic>>;
}
