//! The site search's index: one entry per current record (id, kind, title, owner, tags, page
//! and the words of its body and text fields), built once per build and searched in the
//! browser by `assets/site.js`.
//!
//! Words are distinct, lower-cased, of three or more characters, from the markdown's text only
//! (link targets and markup do not turn up as matches) and from the kind's text fields. They
//! are kept as a map from each word to the records that have it, as gaps between ascending
//! record numbers. For 10,000 records of ~2 KB drawing on a varied (Zipf, 30,000-word)
//! vocabulary, a sorted word list per record came to 5.0 MiB gzipped and this map to 2.3 MiB:
//! a word most records share costs a run of `1`s rather than a copy per record. (The generated
//! benchmark plan, whose bodies repeat one paragraph, gives 0.13 MiB.) The browser matches a
//! query word as a prefix of the map's words.
//!
//! The index is written twice, from one serialization: `search-index.json` for tools and
//! `assets/search-index.js`, which sets a global. Chromium blocks `fetch()` of a file from a
//! page opened from `file://`, but loads a `<script>` from beside it, so the script file is
//! what the page loads, on the first use of the search box, and the site keeps working when
//! opened from a folder.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::derive::{Item, Status};
use crate::model::{Kind, KindData};

/// Where the index goes, site-relative.
pub const JSON_PATH: &str = "search-index.json";
pub const SCRIPT_PATH: &str = "assets/search-index.js";

/// The global `assets/search-index.js` sets; `site.js` reads it.
const GLOBAL: &str = "statuspressSearchIndex";

/// Words shorter than this (in characters) are left out: they match too much to help.
const MIN_WORD: usize = 3;

#[derive(Serialize)]
struct Index<'a> {
    records: Vec<Entry<'a>>,
    /// Each word → the numbers of the records that have it (places in `records`), each given
    /// as its distance from the one before (the first from 0).
    words: BTreeMap<&'a str, Vec<u32>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    kind: &'static str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<&'a str>,
    #[serde(skip_serializing_if = "no_tags")]
    tags: &'a [String],
    url: &'a str,
}

fn no_tags(tags: &&[String]) -> bool {
    tags.is_empty()
}

/// The words of each item's body (distinct, sorted, separated by spaces), by kind in the
/// order of `status.items`: gathered while the bodies are rendered ([`super::markdown::Bodies::render`]).
pub type BodyWords = HashMap<Kind, Vec<String>>;

/// The two index files of `status`: the JSON and the script that carries the same JSON.
pub fn files(status: &Status, bodies: &BodyWords) -> [(String, Vec<u8>); 2] {
    let json = index_json(status, bodies);
    let mut script = format!("window.{GLOBAL} = ").into_bytes();
    script.extend_from_slice(&json);
    script.extend_from_slice(b";\n");
    let mut json = json;
    json.push(b'\n');
    [(JSON_PATH.to_string(), json), (SCRIPT_PATH.to_string(), script)]
}

/// The index as compact JSON: records in the order of the site's lists (by kind, then as
/// listed) and words sorted, so equal plans give equal bytes.
fn index_json(status: &Status, bodies: &BodyWords) -> Vec<u8> {
    let no_words = Vec::new();
    let items: Vec<(&Item, &str)> = Kind::ALL
        .iter()
        .filter(|k| **k != Kind::Plan)
        .flat_map(|k| {
            let words = bodies.get(k).unwrap_or(&no_words);
            status.items[*k].iter().enumerate().map(move |(i, item)| (item, words.get(i).map_or("", String::as_str)))
        })
        .collect();
    let records = items.iter().map(|(item, _)| entry(item)).collect();
    // One string a record, not one a word: at 10,000 records a `String` per word was a third
    // of the build's peak memory.
    let per_record: Vec<String> = items.par_iter().map(|(item, body)| record_words(body, &item.record.data)).collect();
    // Gathered in a hash map, then sorted once: a B-tree insert per word of every record took
    // twice as long at 10,000 records.
    let mut gathered: HashMap<&str, Vec<u32>> = HashMap::new();
    for (number, words) in (0u32..).zip(&per_record) {
        for word in words.split(' ').filter(|w| !w.is_empty()) {
            gathered.entry(word).or_default().push(number);
        }
    }
    let words: BTreeMap<&str, Vec<u32>> = gathered
        .into_iter()
        .map(|(word, mut numbers)| {
            gaps(&mut numbers);
            (word, numbers)
        })
        .collect();
    serde_json::to_vec(&Index { records, words }).unwrap_or_default()
}

/// Ascending numbers → their distances from the one before (the first from 0).
fn gaps(numbers: &mut [u32]) {
    for i in (1..numbers.len()).rev() {
        numbers[i] -= numbers[i - 1];
    }
}

fn entry(item: &Item) -> Entry<'_> {
    let record = &item.record;
    Entry {
        id: item.id(),
        kind: item.kind().name(),
        title: item.title(),
        owner: record.common.owner.as_deref(),
        tags: &record.common.tags,
        url: item.url(),
    }
}

/// The distinct words of a record's text, sorted and separated by spaces (a word is made of
/// letters and digits only): its markdown body's (`body`, the words of its text as rendered,
/// never of link targets or markup) and its kind's text fields' (a blocker's `issue`, a
/// decision's `rationale`…), where many plans say the most.
fn record_words(body: &str, data: &KindData) -> String {
    let mut words = Words::default();
    words.add(body);
    // The title has a field of its own in the index.
    if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(data) {
        fields.iter().filter(|(key, _)| *key != "title").for_each(|(_, value)| add_field_words(value, &mut words));
    }
    words.distinct()
}

fn add_field_words(value: &serde_json::Value, words: &mut Words) {
    match value {
        serde_json::Value::String(text) => words.add(text),
        serde_json::Value::Array(list) => list.iter().for_each(|v| add_field_words(v, words)),
        serde_json::Value::Object(map) => map.values().for_each(|v| add_field_words(v, words)),
        _ => {}
    }
}

/// A record's words, lower-cased into one buffer with their places: thousands of words a
/// record then cost no allocation each (a `String` a word was most of the index's time).
#[derive(Default)]
pub struct Words {
    text: String,
    spans: Vec<(usize, usize)>,
}

impl Words {
    /// Adds the words of `text`: runs of letters and digits, of three characters or more.
    pub fn add(&mut self, text: &str) {
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if word.len() < MIN_WORD || (!word.is_ascii() && word.chars().count() < MIN_WORD) {
                continue;
            }
            let start = self.text.len();
            if word.is_ascii() {
                self.text.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
            } else {
                // `str::to_lowercase`, for its rules beyond one character (a final sigma).
                self.text.push_str(&word.to_lowercase());
            }
            self.spans.push((start, self.text.len()));
        }
    }

    /// The distinct words, sorted, separated by spaces. Repeats are dropped before sorting: a
    /// body says its few hundred distinct words many times over.
    pub fn distinct(&self) -> String {
        let mut seen: HashSet<&str> = HashSet::with_capacity(self.spans.len());
        let mut list: Vec<&str> =
            self.spans.iter().map(|&(start, end)| &self.text[start..end]).filter(|w| seen.insert(w)).collect();
        list.sort_unstable();
        list.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words the index has for one record, given as a file under `content/`.
    fn words_of(path: &str, text: &str) -> String {
        let status = crate::derive::fixture::derived(&[(path, text)]);
        let item = status.items.values().flatten().next().unwrap();
        let mut body = Words::default();
        super::super::markdown::Bodies::new(&[]).render(item.record.body(), &mut body);
        record_words(&body.distinct(), &item.record.data)
    }

    #[test]
    fn body_words_are_distinct_lowercase_sorted_and_skip_markup() {
        let words = words_of(
            "sections/s.md",
            "+++\ntitle = \"Notes\"\n+++\n## Database outage\n\nThe *database* failed; see [the ticket](https://example.com/x).\n\n\
             `pg_dump` ran. <span class=\"hidden\">Tagged</span> Ünïcode OK.",
        );
        assert_eq!(words, "database dump failed outage ran see tagged the ticket ünïcode");
    }

    #[test]
    fn words_lower_case_as_str_does_beyond_ascii() {
        let words = words_of("sections/s.md", "+++\ntitle = \"Notes\"\n+++\nΟΔΟΣ ÉTÉ Go");
        assert_eq!(words, format!("{} {}", "ÉTÉ".to_lowercase(), "ΟΔΟΣ".to_lowercase()));
        assert!(words.ends_with('ς'), "a final sigma, as str::to_lowercase writes it: {words}");
    }

    #[test]
    fn text_fields_add_their_words_but_not_the_title() {
        let words = words_of(
            "decisions/D-1.toml",
            "title = 'Hold deployment'\nstatus = 'accepted'\ndecision = 'Hold the release'\nrationale = 'Vault unreachable'",
        );
        assert_eq!(words, "accepted hold release the unreachable vault");
    }

    #[test]
    fn short_words_and_empty_bodies_add_nothing() {
        assert_eq!(words_of("sections/s.md", "+++\ntitle = \"Notes\"\n+++\n"), "");
        assert_eq!(words_of("sections/s.md", "+++\ntitle = \"Notes\"\n+++\na an of to"), "");
    }

    /// The index files of `status`, its bodies' words gathered as a build gathers them.
    fn indexed(status: &Status) -> [(String, Vec<u8>); 2] {
        let bodies = super::super::markdown::Bodies::new(&[]);
        let words: BodyWords = status
            .items
            .iter()
            .map(|(kind, list)| {
                let words = list.iter().map(|item| {
                    let mut words = Words::default();
                    bodies.render(item.record.body(), &mut words);
                    words.distinct()
                });
                (kind, words.collect())
            })
            .collect();
        files(status, &words)
    }

    fn fixture() -> Status {
        crate::derive::fixture::derived(&[
            (
                "blockers/B-7.md",
                "+++\ntitle = \"Replication lag\"\nseverity = \"medium\"\nstatus = \"open\"\nowner = \"Dana\"\n\
                 tags = [\"db\", \"ops\"]\n+++\nThe replica trails the primary by minutes.\n",
            ),
            ("actions/A-1.toml", "title = 'Tune the pool'"),
        ])
    }

    #[test]
    fn an_entry_per_record_with_its_fields_and_body_words() {
        let [(_, json), _] = indexed(&fixture());
        let index: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let records = index["records"].as_array().unwrap();
        assert_eq!(records.len(), 2, "{index}");
        let b7 = records.iter().find(|r| r["id"] == "B-7").unwrap();
        assert_eq!(b7["kind"], "blocker");
        assert_eq!(b7["title"], "Replication lag");
        assert_eq!(b7["owner"], "Dana");
        assert_eq!(b7["tags"], serde_json::json!(["db", "ops"]));
        assert_eq!(b7["url"], "blockers/B-7.html");
        // Unset owner and no tags cost nothing.
        let a1 = records.iter().find(|r| r["id"] == "A-1").unwrap();
        assert_eq!(a1.as_object().unwrap().keys().collect::<Vec<_>>(), ["id", "kind", "title", "url"]);
        // Records are numbered by kind (blockers before actions): B-7 is 0, A-1 is 1.
        assert_eq!(records[0]["id"], "B-7");
        let words = index["words"].as_object().unwrap();
        let expected = serde_json::json!({
            "medium": [0], "minutes": [0], "open": [0], "primary": [0], "replica": [0], "the": [0],
            "trails": [0], "todo": [1],
        });
        assert_eq!(index["words"], expected, "body and fields, the default status too: {words:?}");
    }

    #[test]
    fn numbers_become_gaps() {
        let mut numbers = [0, 3, 4, 9];
        gaps(&mut numbers);
        assert_eq!(numbers, [0, 3, 1, 5]);
        let mut one = [7];
        gaps(&mut one);
        assert_eq!(one, [7]);
    }

    #[test]
    fn the_script_carries_the_same_json_as_the_json_file() {
        let [(json_path, json), (script_path, script)] = indexed(&fixture());
        assert_eq!((json_path.as_str(), script_path.as_str()), (JSON_PATH, SCRIPT_PATH));
        let (json, script) = (String::from_utf8(json).unwrap(), String::from_utf8(script).unwrap());
        assert_eq!(script, format!("window.{GLOBAL} = {};\n", json.trim_end()));
        assert_eq!(indexed(&fixture())[0].1, json.as_bytes(), "the same plan gives the same bytes");
    }
}
