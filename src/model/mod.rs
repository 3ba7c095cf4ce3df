//! The plan as typed records, and the checks that need more than one record.

pub mod fields;
pub mod kinds;
pub mod records;
pub mod validate;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use crate::diagnostics::Location;
pub use records::{Common, Kind, KindData};

/// A file the records were read from, with its text kept for diagnostics.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the project root, with `/` separators (`content/blockers/b-1.md`).
    pub path: String,
    pub text: String,
}

impl SourceFile {
    pub fn locate(&self, span: Range<usize>) -> Location {
        Location::resolve(&self.path, &self.text, span)
    }

    /// The file name without its extension.
    pub fn stem(&self) -> &str {
        let name = self.path.rsplit('/').next().unwrap_or(&self.path);
        name.rsplit_once('.').map_or(name, |(stem, _)| stem)
    }
}

/// Byte spans of one field of a record, in its source file.
#[derive(Debug, Clone, Default)]
pub struct FieldSpan {
    pub key: Range<usize>,
    pub value: Range<usize>,
    /// Spans of the elements when the value is an array.
    pub items: Vec<Range<usize>>,
}

/// Where a record came from: its file and the spans of its fields.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: Arc<SourceFile>,
    /// The record as a whole (front matter, or the `[[kind]]` table).
    pub span: Range<usize>,
    pub fields: BTreeMap<String, FieldSpan>,
}

impl Origin {
    /// The value of `field`, or the record itself when the field is absent.
    pub fn locate(&self, field: &str) -> Location {
        let span = self.fields.get(field).map_or(self.span.clone(), |f| f.value.clone());
        self.file.locate(span)
    }

    pub fn locate_key(&self, field: &str) -> Location {
        let span = self.fields.get(field).map_or(self.span.clone(), |f| f.key.clone());
        self.file.locate(span)
    }

    /// Element `index` of an array field, falling back to the field.
    pub fn locate_item(&self, field: &str, index: usize) -> Location {
        match self.fields.get(field).and_then(|f| f.items.get(index)) {
            Some(span) => self.file.locate(span.clone()),
            None => self.locate(field),
        }
    }

    pub fn path(&self) -> &str {
        &self.file.path
    }
}

/// One record: an item of the plan. Shared (`Arc`) between revisions whose file did not
/// change, so its body is rendered to HTML at most once.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: String,
    pub kind: Kind,
    pub common: Common,
    pub data: KindData,
    /// Markdown body (may be empty); read it with [`Record::body`].
    body: Body,
    pub origin: Origin,
    /// The site-relative URL of the record's page (`blockers/B-1.html`).
    pub url: String,
}

/// A record's markdown body. A `.md` record's is the text after its front matter, kept as its
/// place in the source file (which is kept anyway, for diagnostics) rather than as a second
/// copy: one per record version of a whole history. A `.toml` record's `body` field is its own.
#[derive(Debug, Clone)]
pub enum Body {
    InFile(Range<usize>),
    Own(String),
}

/// A record serializes as its fields, common and kind-specific. Bodies are content, not
/// status: they stay out of `status.json` (templates get them separately) and diffs compare
/// them directly.
impl serde::Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Fields<'a> {
            #[serde(flatten)]
            common: &'a Common,
            #[serde(flatten)]
            data: &'a KindData,
        }
        Fields { common: &self.common, data: &self.data }.serialize(serializer)
    }
}

impl Record {
    pub fn new(id: String, kind: Kind, common: Common, data: KindData, body: Body, origin: Origin) -> Record {
        let url = if kind == Kind::Plan { "plan.html".to_string() } else { format!("{}/{id}.html", kind.folder()) };
        Record { id, kind, common, data, body, origin, url }
    }

    pub fn title(&self) -> &str {
        self.data.title()
    }

    /// The markdown body (may be empty).
    pub fn body(&self) -> &str {
        match &self.body {
            Body::InFile(span) => self.origin.file.text.get(span.clone()).unwrap_or_default(),
            Body::Own(text) => text,
        }
    }

    /// Every reference the record makes: (field, index, target id).
    pub fn references(&self) -> impl Iterator<Item = (&'static str, usize, &str)> {
        [("links", self.common.links.as_slice())]
            .into_iter()
            .chain(self.data.references())
            .flat_map(|(field, ids)| ids.iter().enumerate().map(move |(i, id)| (field, i, id.as_str())))
    }
}

impl Record {
    /// Drops the references (see [`Record::references`]) to ids `keep` refuses; whether
    /// any went.
    pub fn retain_references(&mut self, keep: impl Fn(&str) -> bool) -> bool {
        let mut dropped = false;
        for list in self.data.references_mut().into_iter().chain([&mut self.common.links]) {
            let before = list.len();
            list.retain(|id| keep(id));
            dropped |= list.len() != before;
        }
        dropped
    }
}

/// All records of a project, in a stable order: by kind, then as their authors wrote them
/// (file path, then position in the file).
#[derive(Debug, Clone)]
pub struct Records {
    pub all: Vec<Arc<Record>>,
}

impl Records {
    /// `all` must come file by file in natural path order (see [`natural_cmp`]), each
    /// file's records in the order written; only the grouping by kind is done here.
    pub fn new(mut all: Vec<Arc<Record>>) -> Records {
        all.sort_by_key(|r| r.kind);
        Records { all }
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Arc<Record>> {
        self.all.iter().filter(move |r| r.kind == kind)
    }

    pub fn plan(&self) -> Option<&Arc<Record>> {
        self.of_kind(Kind::Plan).next()
    }

    pub fn get(&self, id: &str) -> Option<&Arc<Record>> {
        self.all.iter().find(|r| r.id.eq_ignore_ascii_case(id))
    }
}

/// An id compared and hashed ignoring ASCII case, without allocating a lower-case copy.
#[derive(Debug, Clone, Copy)]
pub struct Caseless<'a>(pub &'a str);

impl PartialEq for Caseless<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for Caseless<'_> {}

impl std::hash::Hash for Caseless<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for b in self.0.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
        state.write_u8(0xff);
    }
}

/// Compares ids so that `b-2` sorts before `b-10` (ASCII case ignored; ties broken by
/// the exact text, so the order is total). Allocation-free: it sorts every record.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        if x[i].is_ascii_digit() && y[j].is_ascii_digit() {
            let (si, sj) = (i, j);
            while i < x.len() && x[i].is_ascii_digit() {
                i += 1;
            }
            while j < y.len() && y[j].is_ascii_digit() {
                j += 1;
            }
            let (n, m) = (strip_zeros(&x[si..i]), strip_zeros(&y[sj..j]));
            let ord = n.len().cmp(&m.len()).then_with(|| n.cmp(m));
            if ord != Ordering::Equal {
                return ord;
            }
        } else {
            let ord = x[i].to_ascii_lowercase().cmp(&y[j].to_ascii_lowercase());
            if ord != Ordering::Equal {
                return ord;
            }
            i += 1;
            j += 1;
        }
    }
    (x.len() - i).cmp(&(y.len() - j)).then_with(|| a.cmp(b))
}

fn strip_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|c| **c == b'0').count();
    &digits[zeros..]
}

#[cfg(test)]
mod tests {
    use super::natural_cmp;

    #[test]
    fn natural_order_of_ids() {
        let mut ids = vec!["b-10", "b-2", "B-1", "a"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, ["a", "B-1", "b-2", "b-10"]);
        assert!(natural_cmp("x007", "x7").is_ne(), "a total order: equal numbers, different text");
        assert_eq!(natural_cmp("week-09", "week-10"), std::cmp::Ordering::Less);
    }
}
