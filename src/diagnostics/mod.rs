//! Diagnostics: every problem found in a run, with where it is and how to fix it.
//!
//! Stages collect `Diagnostic`s instead of returning on the first problem, so one run
//! reports everything that is wrong. Rendering to a terminal happens only at the edge (CLI).

pub mod serde_errors;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;

/// How bad a problem is: errors fail the run, warnings only fail it under `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a source file, resolved to 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub line: usize,
    pub col: usize,
    /// Width of the underline, in characters, clamped to the line.
    pub width: usize,
    pub line_text: String,
}

impl Location {
    /// Resolves a byte span of `text` (clamped to the text and to char boundaries).
    pub fn resolve(path: &str, text: &str, span: Range<usize>) -> Location {
        let mut start = span.start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line_text = text[line_start..line_end].trim_end_matches('\r');
        let line = text[..start].matches('\n').count() + 1;
        let col = text[line_start..start].chars().count() + 1;
        // A span can start inside the line's trailing `\r`s, past the text shown.
        let mut end = span.end.clamp(start, (line_start + line_text.len()).max(start));
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let width = text[start..end].chars().count().max(1);
        Location { path: path.to_string(), line, col, width, line_text: line_text.to_string() }
    }
}

/// One problem: what is wrong, where, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Where the problem is; `None` for problems of the whole project (e.g. no plan).
    pub location: Option<Box<Location>>,
    /// A file without a precise position (e.g. a template error already carrying its own).
    /// This and `code` are rare, so boxed: a `Diagnostic` stays small enough to be an `Err`.
    pub path: Option<Box<str>>,
    /// Further places worth showing ("first defined here").
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// A stable name for the kind of problem (`overdue-action`), for warnings that come in
    /// numbers: the terminal counts the ones it does not show by it, and `check --format json`
    /// carries it (docs/check-json.md lists them).
    pub code: Option<Box<str>>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            path: None,
            notes: Vec::new(),
            help: None,
            code: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message) }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(Box::new(location));
        self
    }

    pub fn in_file(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into().into_boxed_str());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into().into_boxed_str());
        self
    }

    pub fn with_help(self, help: Option<String>) -> Self {
        match help {
            Some(h) => self.help(h),
            None => self,
        }
    }

    /// The same problem with its paths taken as relative to `folder` (one plan of a
    /// portfolio, `plans/qa`), so it names the file from the project root.
    pub fn under(self, folder: &str) -> Self {
        self.map_paths(|path| format!("{folder}/{path}"))
    }

    /// The same problem naming its file by `rename(path)`.
    pub fn map_paths(mut self, rename: impl Fn(&str) -> String) -> Self {
        if let Some(location) = self.location.as_deref_mut() {
            location.path = rename(&location.path);
        }
        if let Some(path) = self.path.as_mut() {
            *path = rename(path).into_boxed_str();
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The file the problem is in, if any.
    pub fn file(&self) -> Option<&str> {
        self.location.as_ref().map(|l| l.path.as_str()).or(self.path.as_deref())
    }

    /// `path:line:col`, or just the path, or nothing.
    pub fn position(&self) -> Option<String> {
        match (&self.location, &self.path) {
            (Some(l), _) => Some(format!("{}:{}:{}", l.path, l.line, l.col)),
            (None, Some(p)) => Some(p.to_string()),
            (None, None) => None,
        }
    }

    /// Renders in the familiar compiler style, optionally with ANSI colour. Every piece of
    /// text that came from input is passed through [`terminal_safe`].
    pub fn render(&self, color: bool) -> String {
        let paint = |code: &str, s: &str| {
            if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
        };
        let (label, code) = match self.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let mut out = format!("{}{} {}\n", paint(code, label), paint("1", ":"), terminal_safe(&self.message));
        if let Some(loc) = &self.location {
            let gutter = loc.line.to_string().len();
            let pad = " ".repeat(gutter);
            let path = terminal_safe(&loc.path);
            let _ = writeln!(out, "{pad}{} {path}:{}:{}", paint("1;34", "-->"), loc.line, loc.col);
            let _ = writeln!(out, "{pad} {}", paint("1;34", "|"));
            let line = terminal_safe(&loc.line_text);
            let _ = writeln!(out, "{} {} {line}", paint("1;34", &loc.line.to_string()), paint("1;34", "|"));
            // Columns count the characters as written in the file; the caret goes under
            // the escaped text, which can be wider.
            let before: String = loc.line_text.chars().take(loc.col - 1).collect();
            let marked: String = loc.line_text.chars().skip(loc.col - 1).take(loc.width).collect();
            let lead: String = terminal_safe(&before).chars().map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            let width = terminal_safe(&marked).chars().count().max(1);
            let _ = writeln!(out, "{pad} {} {lead}{}", paint("1;34", "|"), paint(code, &"^".repeat(width)));
        } else if let Some(path) = &self.path {
            let _ = writeln!(out, " {} {}", paint("1;34", "-->"), terminal_safe(path));
        }
        for note in &self.notes {
            let _ = writeln!(out, "  = note: {}", terminal_safe(note));
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = {} {}", paint("1;36", "help:"), terminal_safe(help));
        }
        out
    }
}

/// A character that changes the direction text is shown in, with its Unicode name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bidi {
    pub name: &'static str,
    /// Embeddings, overrides and isolates act on the whole run of text up to their end
    /// ("Trojan Source": a line that shows one thing and says another). The marks (LRM, RLM,
    /// ALM) only settle the direction of the punctuation next to them, which right-to-left
    /// prose needs.
    pub scoped: bool,
}

/// The bidirectional formatting character `c` is, if any.
pub fn bidi_control(c: char) -> Option<Bidi> {
    let (name, scoped) = match c {
        '\u{061c}' => ("ARABIC LETTER MARK", false),
        '\u{200e}' => ("LEFT-TO-RIGHT MARK", false),
        '\u{200f}' => ("RIGHT-TO-LEFT MARK", false),
        '\u{202a}' => ("LEFT-TO-RIGHT EMBEDDING", true),
        '\u{202b}' => ("RIGHT-TO-LEFT EMBEDDING", true),
        '\u{202c}' => ("POP DIRECTIONAL FORMATTING", true),
        '\u{202d}' => ("LEFT-TO-RIGHT OVERRIDE", true),
        '\u{202e}' => ("RIGHT-TO-LEFT OVERRIDE", true),
        '\u{2066}' => ("LEFT-TO-RIGHT ISOLATE", true),
        '\u{2067}' => ("RIGHT-TO-LEFT ISOLATE", true),
        '\u{2068}' => ("FIRST STRONG ISOLATE", true),
        '\u{2069}' => ("POP DIRECTIONAL ISOLATE", true),
        _ => return None,
    };
    Some(Bidi { name, scoped })
}

/// Whether `c` is any bidi control, marks included: what terminals and plain text never get.
pub fn is_bidi_control(c: char) -> bool {
    bidi_control(c).is_some()
}

/// Text for a plain-text output (a text report, an email's text part or subject) without
/// bidi controls: plain text has no way to show them escaped, and a reader would see the
/// reordered line. Record fields may not hold them; commit and tag messages and the
/// config's strings may, and are carried into these outputs.
pub fn without_bidi(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_bidi_control) {
        Cow::Owned(text.chars().filter(|c| !is_bidi_control(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Text from input (titles, file names, revision names) made safe to print on a terminal:
/// control characters and bidi overrides become visible escapes like `\u{1b}`, so a record
/// cannot move the cursor, recolour or hide text. Line breaks and tabs stay, since
/// diagnostics and diff output are legitimately multi-line and tabs align carets.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    // `char::is_control` is exactly C0, DEL and C1.
    let unsafe_char = |c: char| (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c);
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The errors and the warnings among `diagnostics`.
pub fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// Whether `diagnostics` fail a run: any error, or under `--strict` any warning.
pub fn fails(diagnostics: &[Diagnostic], strict: bool) -> bool {
    let (errors, warnings) = counts(diagnostics);
    errors > 0 || (strict && warnings > 0)
}

/// The line that ends a list of problems: `2 errors, 1 warning`.
pub fn count_line(errors: usize, warnings: usize) -> String {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    format!("{errors} error{}, {warnings} warning{}", plural(errors), plural(warnings))
}

/// `12,345`: counts in summary lines, grouped by thousands.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The line that stands for warnings not shown, counted by [`Diagnostic::code`], most first:
/// `… and 3,839 more warnings: 3,712 overdue actions, 127 overdue gates`. A code reads as
/// words (`overdue-action` → "overdue action", plural with an `s`); warnings without one
/// count as "other".
pub fn more_line(hidden: &[&Diagnostic]) -> String {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for d in hidden {
        *counts.entry(d.code.as_deref().unwrap_or("other")).or_default() += 1;
    }
    let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let kinds: Vec<String> = counts
        .iter()
        .map(|(code, n)| format!("{} {}{}", thousands(*n), code.replace('-', " "), if *n == 1 { "" } else { "s" }))
        .collect();
    let n = hidden.len();
    format!("… and {} more warning{}: {}", thousands(n), if n == 1 { "" } else { "s" }, kinds.join(", "))
}

/// The document of [`to_json`], fields in the order docs/check-json.md shows them.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    version: u32,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(serde::Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    code: Option<&'a str>,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_column: Option<usize>,
    help: Option<&'a str>,
    notes: &'a [String],
}

/// Every diagnostic as one JSON document, for editors and CI annotations (`check --format
/// json`; the shape is documented in docs/check-json.md and only grows).
pub fn to_json(diagnostics: &[Diagnostic]) -> String {
    let (errors, warnings) = counts(diagnostics);
    let diagnostics = diagnostics
        .iter()
        .map(|d| {
            let location = d.location.as_deref();
            JsonDiagnostic {
                severity: d.severity,
                code: d.code.as_deref(),
                message: &d.message,
                file: d.file(),
                line: location.map(|l| l.line),
                column: location.map(|l| l.col),
                end_column: location.map(|l| l.col + l.width),
                help: d.help.as_deref(),
                notes: &d.notes,
            }
        })
        .collect::<Vec<_>>();
    let report = JsonReport { version: 1, errors, warnings, diagnostics };
    serde_json::to_string_pretty(&report).expect("strings and numbers serialize")
}

/// Orders diagnostics by file and position so output is stable across runs.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        let key =
            |d: &Diagnostic| (d.location.as_ref().map_or(0, |l| l.line), d.location.as_ref().map_or(0, |l| l.col));
        (a.file(), key(a)).cmp(&(b.file(), key(b))).then_with(|| a.message.cmp(&b.message))
    });
    // The same problem can be found twice (e.g. by two passes); show it once.
    diagnostics.dedup();
}

/// The closest candidate within a small edit distance, for "did you mean" hints.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Edit distance counting a swap of neighbours as one edit (`titel` → `title`).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_line_and_column_in_characters() {
        let text = "a = 1\nbé = \"x\"\n";
        let loc = Location::resolve("f.toml", text, 11..14);
        assert_eq!((loc.line, loc.col), (2, 5));
        assert_eq!(loc.line_text, "bé = \"x\"");
        assert_eq!(loc.width, 3);
    }

    #[test]
    fn span_past_end_is_clamped() {
        let loc = Location::resolve("f", "abc", 10..20);
        assert_eq!((loc.line, loc.col, loc.width), (1, 4, 1));
    }

    #[test]
    fn span_in_trailing_carriage_returns_is_clamped() {
        // Found by tests/fuzz.rs: this used to panic (`clamp` with min > max).
        let loc = Location::resolve("f", "ab\r\r\nc", 3..5);
        assert_eq!((loc.line, loc.col, loc.width, loc.line_text.as_str()), (1, 4, 1, "ab"));
    }

    #[test]
    fn the_more_line_counts_hidden_warnings_by_code_most_first() {
        let overdue = Diagnostic::warning("a").code("overdue-action");
        let gate = Diagnostic::warning("g").code("overdue-gate");
        let mut hidden = vec![&gate, &gate];
        hidden.extend(std::iter::repeat_n(&overdue, 3712));
        let other = Diagnostic::warning("x");
        hidden.push(&other);
        assert_eq!(more_line(&hidden), "… and 3,715 more warnings: 3,712 overdue actions, 2 overdue gates, 1 other");
        assert_eq!(more_line(&[&gate]), "… and 1 more warning: 1 overdue gate");
        assert_eq!(
            (thousands(0), thousands(999), thousands(1000), thousands(1234567)),
            ("0".into(), "999".into(), "1,000".into(), "1,234,567".into())
        );
    }

    #[test]
    fn json_holds_each_diagnostic_with_its_place_and_the_counts() {
        let text = "+++\ndue = 2025-01-01\n+++\n";
        let warning = Diagnostic::warning("action `a-1` is overdue")
            .code("overdue-action")
            .at(Location::resolve("content/actions/a-1.md", text, 10..20))
            .help("mark it finished");
        let error = Diagnostic::error("no plan").in_file("content").note("looked in content/");
        let json: serde_json::Value = serde_json::from_str(&to_json(&[error, warning])).unwrap();
        assert_eq!(
            (json["version"].as_u64(), json["errors"].as_u64(), json["warnings"].as_u64()),
            (Some(1), Some(1), Some(1))
        );
        let d = &json["diagnostics"];
        assert_eq!(d[0]["severity"], "error");
        assert_eq!(
            (d[0]["file"].as_str(), d[0]["line"].is_null(), d[0]["code"].is_null()),
            (Some("content"), true, true)
        );
        assert_eq!(d[0]["notes"][0], "looked in content/");
        assert_eq!(d[1]["severity"], "warning");
        assert_eq!(d[1]["code"], "overdue-action");
        assert_eq!(d[1]["file"], "content/actions/a-1.md");
        assert_eq!(
            (d[1]["line"].as_u64(), d[1]["column"].as_u64(), d[1]["end_column"].as_u64()),
            (Some(2), Some(7), Some(17))
        );
        assert_eq!(d[1]["help"], "mark it finished");
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("serverity", ["severity", "status"]), Some("severity"));
        assert_eq!(did_you_mean("zzz", ["severity", "status"]), None);
        assert_eq!(did_you_mean("titel", ["title", "output"]), Some("title"));
    }

    #[test]
    fn renders_source_line_and_caret() {
        let d = Diagnostic::error("unknown field `serverity`")
            .at(Location::resolve("b.md", "+++\nserverity = 1\n", 4..13))
            .help("did you mean `severity`?");
        let text = d.render(false);
        assert!(text.contains("--> b.md:2:1"), "{text}");
        assert!(text.contains("2 | serverity = 1"), "{text}");
        assert!(text.contains("^^^^^^^^^"), "{text}");
        assert!(text.contains("help: did you mean `severity`?"), "{text}");
    }

    #[test]
    fn escapes_controls_and_bidi_but_keeps_lines_and_tabs() {
        assert_eq!(terminal_safe("a\x1b[2Jb\u{9b}c\u{7f}"), "a\\u{1b}[2Jb\\u{9b}c\\u{7f}");
        assert_eq!(terminal_safe("x\u{202e}y\u{2066}z\r"), "x\\u{202e}y\\u{2066}z\\u{d}");
        assert_eq!(terminal_safe("a\u{200f}b\u{61c}"), "a\\u{200f}b\\u{61c}");
        assert!(matches!(terminal_safe("line\n\tok é"), Cow::Borrowed(_)));
    }

    #[test]
    fn plain_text_loses_every_bidi_control_and_keeps_the_rest() {
        assert_eq!(without_bidi("v1 \u{202e}gnp.exe\u{202c} \u{2067}x\u{2069}\u{200e}\u{200f}\u{61c}"), "v1 gnp.exe x");
        assert!(matches!(without_bidi("שלום, é\tok"), Cow::Borrowed(_)));
        assert_eq!(bidi_control('\u{202e}').map(|b| (b.name, b.scoped)), Some(("RIGHT-TO-LEFT OVERRIDE", true)));
        assert_eq!(bidi_control('\u{200f}').map(|b| b.scoped), Some(false));
    }

    #[test]
    fn rendered_input_carries_no_escape_and_caret_stays_under_the_mark() {
        let text = "+++\ntitle = \"\x1b[31mred\" x\n";
        let start = text.find(" x").unwrap() + 1;
        let d = Diagnostic::error("bad \x1b]0;title\x07")
            .at(Location::resolve("content/\x1b[1mb.md", text, start..start + 1))
            .note("see \u{202e}here")
            .help("fix \x1b");
        let out = d.render(false);
        assert!(!out.contains('\x1b') && !out.contains('\x07') && !out.contains('\u{202e}'), "{out:?}");
        let lines: Vec<&str> = out.lines().collect();
        let source = lines.iter().find(|l| l.starts_with("2 | ")).unwrap();
        let caret = lines.iter().find(|l| l.contains('^')).unwrap();
        assert_eq!(caret.find('^'), source.find(" x").map(|i| i + 1), "{out}");
    }
}
