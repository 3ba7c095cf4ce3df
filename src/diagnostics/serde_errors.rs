//! Serde/TOML error messages rewritten as diagnostics that say what was expected, in the
//! words of someone editing a TOML file rather than of a Rust type.

use super::{Diagnostic, did_you_mean};

/// Rewrites one serde message; `field` is the key at fault, `container` e.g. "a risk record".
pub fn describe(message: &str, field: Option<&str>, container: &str) -> Diagnostic {
    let what = field.map_or_else(String::new, |f| format!(" for `{f}`"));
    let quoted = backticked(message);

    if let Some(missing) = message.strip_prefix("missing field ") {
        let name = missing.trim_matches('`');
        let example = if name == "title" || name == "decision" { "\"…\"" } else { "…" };
        Diagnostic::error(format!("missing required field `{name}` in {container}"))
            .help(format!("add `{name} = {example}` to the record"))
    } else if message.starts_with("unknown variant") {
        let (value, allowed) = (quoted.first().cloned().unwrap_or_default(), quoted.get(1..).unwrap_or(&[]).to_vec());
        Diagnostic::error(format!("invalid value `{value}`{what}: expected one of {}", allowed.join(", ")))
            .with_help(did_you_mean(&value, allowed.iter().map(String::as_str)).map(|s| format!("did you mean `{s}`?")))
    } else if message.starts_with("unknown field") {
        let (name, allowed) = (quoted.first().cloned().unwrap_or_default(), quoted.get(1..).unwrap_or(&[]).to_vec());
        Diagnostic::error(format!("unknown field `{name}`{what}")).help(
            did_you_mean(&name, allowed.iter().map(String::as_str))
                .map_or_else(|| format!("allowed here: {}", allowed.join(", ")), |s| format!("did you mean `{s}`?")),
        )
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "another type"));
        Diagnostic::error(format!("wrong type{what}: expected {}, found {found}", plain_type(expected)))
    } else if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "another value"));
        Diagnostic::error(format!("invalid value{what}: expected {}, found {found}", plain_type(expected)))
    } else {
        Diagnostic::error(format!("invalid value{what}: {message}"))
    }
}

/// Serde's Rust type names, in the words of a TOML user.
fn plain_type(expected: &str) -> String {
    match expected {
        "i64" | "i32" => "an integer".into(),
        "u32" | "u64" | "usize" => "a whole number (0 or more)".into(),
        "f64" | "f32" => "a number".into(),
        "a sequence" => "an array `[…]`".into(),
        "a boolean" => "`true` or `false`".into(),
        other => other.into(),
    }
}

/// The `names` in a message, in order.
fn backticked(message: &str) -> Vec<String> {
    message.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// A hint for the commonest TOML syntax slips.
pub fn syntax_help(message: &str) -> String {
    if message.contains("string") || message.contains("invalid unquoted") || message.contains("unquoted") {
        "text values need quotes: `title = \"…\"`".into()
    } else if message.contains("duplicate key") {
        "each key may appear once per record; remove or rename the repeated one".into()
    } else {
        "check the line against TOML syntax: `key = value`, strings in quotes, arrays in `[…]`".into()
    }
}

#[cfg(test)]
mod tests {
    use super::backticked;

    #[test]
    fn extracts_backticked_names() {
        assert_eq!(backticked("unknown variant `hihg`, expected one of `a`, `b`"), ["hihg", "a", "b"]);
    }
}
