//! The status as templates see it, and what a live preview keeps of it between rebuilds.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use tera::Value;
use tera::value::Key;

use super::{markdown, search};
use crate::derive::{Derived, Item, Status};
use crate::model::Record;

/// The status as one template value: every item with its rendered body (`body_html`), which
/// `status.json` (the serialized model) leaves out, as the model keeps only the markdown.
/// Items are made in parallel (or taken from `cache`); the rest of the status on its own,
/// with the items taken out for the moment. Bodies are rendered by `bodies`.
pub fn status_value(
    status: &mut Status,
    cache: Option<&ItemCache>,
    bodies: &markdown::Bodies,
) -> (Value, search::BodyWords) {
    let items = std::mem::take(&mut status.items);
    let head = Value::from_serializable(&*status);
    status.items = items;
    let value = |item: &Item| match cache {
        Some(cache) => cache.value(item, bodies),
        None => item_value(item, bodies),
    };
    let mut root = head.as_map().cloned().unwrap_or_default();
    root.insert(Key::Str("plan"), value(&status.plan).0);
    let mut items = tera::Map::default();
    let mut words = search::BodyWords::new();
    for (kind, list) in status.items.iter() {
        let (values, bodies): (Vec<Value>, Vec<String>) = list.par_iter().map(value).unzip();
        items.insert(Key::Str(kind.folder()), Value::from(values));
        words.insert(kind, bodies);
    }
    root.insert(Key::Str("items"), Value::from(items));
    (Value::from(root), words)
}

/// An item's template value, and the words of its body for the search index.
fn item_value(item: &Item, bodies: &markdown::Bodies) -> (Value, String) {
    let mut words = search::Words::default();
    let html = bodies.render(item.record.body(), &mut words);
    let mut map = Value::from_serializable(item).as_map().cloned().unwrap_or_default();
    map.insert(Key::Str("body_html"), Value::safe_string(&html));
    (Value::from(map), words.distinct())
}

/// Items' template values, kept between the rebuilds of a live preview. An item whose record
/// is the same parsed file (the pipeline shares it while the file is unchanged) and whose
/// derived values are equal keeps its value, rendered body and all: an edit makes one item
/// again, not ten thousand. What a rebuild did not use is let go at the next [`rotate`].
///
/// [`rotate`]: ItemCache::rotate
#[derive(Default)]
pub struct ItemCache {
    /// The values used since the last rotation, and those used before it.
    maps: Mutex<(Entries, Entries)>,
}

/// Keyed by the record's address; the entry holds the record, so the address is not reused.
type Entries = HashMap<usize, Cached>;

struct Cached {
    record: Arc<Record>,
    derived: Derived,
    value: Value,
    words: String,
}

impl ItemCache {
    fn value(&self, item: &Item, bodies: &markdown::Bodies) -> (Value, String) {
        let key = Arc::as_ptr(&item.record) as usize;
        let fresh = |c: &Cached| Arc::ptr_eq(&c.record, &item.record) && c.derived == item.derived;
        {
            let mut maps = self.lock();
            if let Some(cached) = maps.0.get(&key).filter(|c| fresh(c)) {
                return (cached.value.clone(), cached.words.clone());
            }
            if let Some(cached) = maps.1.remove(&key).filter(|c| fresh(c)) {
                let found = (cached.value.clone(), cached.words.clone());
                maps.0.insert(key, cached);
                return found;
            }
        }
        let (value, words) = item_value(item, bodies);
        let cached = Cached {
            record: Arc::clone(&item.record),
            derived: item.derived.clone(),
            value: value.clone(),
            words: words.clone(),
        };
        self.lock().0.insert(key, cached);
        (value, words)
    }

    /// Starts a new rebuild: what the last one did not use goes at the next rotation.
    pub fn rotate(&self) {
        let mut maps = self.lock();
        maps.1 = std::mem::take(&mut maps.0);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Entries, Entries)> {
        self.maps.lock().unwrap_or_else(|e| e.into_inner())
    }
}
