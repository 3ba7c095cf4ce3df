//! Turns serde/TOML error messages into diagnostics that say what was expected.

use crate::diagnostics::Diagnostic;
use crate::diagnostics::serde_errors::describe;
use crate::model::{Kind, Origin};

/// Explains a deserialization error of one record. `base` is the table's offset in the file.
pub fn explain(error: &toml::de::Error, base: usize, origin: &Origin, kind: Kind) -> Diagnostic {
    let message = error.message().trim();
    let span = error.span().map(|s| s.start + base..s.end + base);
    // The innermost field whose value holds the error, to name it in the message.
    let field = span.as_ref().and_then(|span| {
        origin
            .fields
            .iter()
            .filter(|(_, f)| f.value.start <= span.start && span.end <= f.value.end)
            .min_by_key(|(_, f)| f.value.len())
            .map(|(name, _)| name.as_str())
    });
    let location = match &span {
        Some(span) if field.is_some() => origin.file.locate(span.clone()),
        _ => origin.file.locate(origin.span.start..origin.span.start),
    };
    describe(message, field, &format!("a {} record", kind.name())).at(location)
}
