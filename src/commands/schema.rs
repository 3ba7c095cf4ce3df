//! `statuspress schema`: the JSON Schemas of the record files and of statuspress.toml.

use std::io::Write as _;
use std::path::PathBuf;

use super::{Failed, Ui};
use crate::diagnostics::Diagnostic;
use crate::schema::{self, Document};

#[derive(clap::Args)]
pub struct Args {
    /// Only this schema: a kind (blocker, gate, …) or `config` for statuspress.toml.
    /// Default: all of them, printed as one JSON object keyed by these names.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(Document::names()))]
    kind: Option<String>,
    /// Write `DIR/<kind>.schema.json` and `DIR/statuspress.schema.json` instead of printing.
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
}

pub fn run(args: &Args, ui: &Ui) -> Result<(), Failed> {
    let documents = match &args.kind {
        Some(name) => Document::from_name(name).into_iter().collect(),
        None => Document::all(),
    };
    let text = match (&args.output, &args.kind) {
        (Some(dir), _) => {
            for path in schema::write(dir, &documents).map_err(|d| ui.fail(&[d]))? {
                ui.info(&format!("  wrote {}", path.display()));
            }
            return Ok(());
        }
        (None, Some(_)) => documents.iter().map(|d| schema::to_text(&d.schema())).collect(),
        (None, None) => schema::to_text(&schema::bundle()),
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| ui.fail(&[Diagnostic::error(format!("cannot write the schema: {e}"))]))
}
