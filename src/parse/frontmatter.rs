//! Splits a markdown record into its TOML front matter and its body.

use std::ops::Range;

/// The parts of a `.md` record, as byte ranges of the file.
#[derive(Debug, PartialEq, Eq)]
pub struct Parts {
    /// The opening `+++` line.
    pub open: Range<usize>,
    /// The TOML between the fences.
    pub front_matter: Range<usize>,
    pub body: Range<usize>,
}

/// Why a file has no usable front matter.
#[derive(Debug, PartialEq, Eq)]
pub enum FrontMatterError {
    /// The file does not start with a `+++` line.
    Missing,
    /// The opening `+++` (this span) is never closed.
    Unterminated(Range<usize>),
}

pub fn split(text: &str) -> Result<Parts, FrontMatterError> {
    // A byte-order mark is invisible in editors; tolerate it.
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = line_spans(text, start);
    let open = match lines.next() {
        Some(first) if text[first.clone()].trim_end() == "+++" => first,
        _ => return Err(FrontMatterError::Missing),
    };
    let fm_start = next_line(text, open.end);
    for line in lines {
        if text[line.clone()].trim_end() == "+++" {
            return Ok(Parts { open, front_matter: fm_start..line.start, body: next_line(text, line.end)..text.len() });
        }
    }
    Err(FrontMatterError::Unterminated(open))
}

/// Byte ranges of each line from `start`, without the line break.
fn line_spans(text: &str, start: usize) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut pos = start;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = pos..end;
        pos = end + 1;
        Some(line)
    })
}

fn next_line(text: &str, line_end: usize) -> usize {
    (line_end + 1).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "+++\ntitle = \"x\"\n+++\nBody\n";
        let parts = split(text).unwrap();
        assert_eq!(&text[parts.front_matter], "title = \"x\"\n");
        assert_eq!(&text[parts.body], "Body\n");
    }

    #[test]
    fn handles_crlf_and_empty_body() {
        let text = "+++\r\na = 1\r\n+++\r\n";
        let parts = split(text).unwrap();
        assert_eq!(&text[parts.front_matter], "a = 1\r\n");
        assert_eq!(&text[parts.body], "");
    }

    proptest::proptest! {
        /// Fuzzing (see tests/fuzz.rs): any text splits or fails cleanly, into ordered parts
        /// that lie on character boundaries.
        #[test]
        fn any_text_splits_into_ordered_parts(text in "(\\+\\+\\+|\r|\n|\u{feff}|[a-z =\"]|\\PC){0,60}") {
            if let Ok(parts) = split(&text) {
                proptest::prop_assert!(parts.open.end <= parts.front_matter.start);
                proptest::prop_assert!(parts.front_matter.end <= parts.body.start);
                proptest::prop_assert_eq!(parts.body.end, text.len());
                for range in [parts.open, parts.front_matter, parts.body] {
                    proptest::prop_assert!(text.get(range).is_some());
                }
            }
        }
    }

    #[test]
    fn reports_missing_and_unterminated() {
        assert_eq!(split("title = 1\n"), Err(FrontMatterError::Missing));
        assert_eq!(split("+++\ntitle = 1\n"), Err(FrontMatterError::Unterminated(0..3)));
    }
}
