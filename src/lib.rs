//! statuspress: a delivery plan kept as records in git, rendered as a status site.
//!
//! The pipeline, one module per stage:
//! [`load`] (find and read files) → [`parse`] (typed records) → [`model`] (cross-record
//! validation) → [`derive`] (readiness, health, …) → [`render`] (pages) → [`write`]
//! (staged, swapped in on success), or `serve` (rendered on demand for a live preview).
//! [`diagnostics`] carries problems from every stage.

pub mod commands;
pub mod config;
pub mod derive;
pub mod diagnostics;
pub mod diff;
mod history;
pub mod init;
pub mod load;
mod memory;
pub mod model;
pub mod parse;
pub mod progress;
pub mod project;
mod render;
mod report;
mod schema;
mod serve;
pub mod values;
mod write;
