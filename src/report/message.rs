//! The message: what a good program manager writes at the top of a status update, made
//! once for every place a status is told (the report in every format, the emails, the
//! dashboard's "latest", the feed and `diff`).
//!
//! It leads with one to three sentences: readiness and its main reason in words, the health
//! when it is not green, then what moved, in order of weight (readiness or health flips,
//! dates slipping, gates passed or failed, critical blockers opened or resolved, metrics
//! crossing their target). The author's own update (the tag's or commit's message) and the
//! plan's summary follow; the tallies come last, for those who want them.

use std::collections::HashMap;

use serde::Serialize;

use crate::derive::{Item, ReasonGroup, Stale, Status};
use crate::diff::{Diff, ItemChange};
use crate::history::Revision;
use crate::model::{Kind, KindData};
use crate::values::{Change, Date, MetricState, Severity, count};

/// How many events the "what moved" sentence names before it counts the rest.
const EVENTS: usize = 3;
/// How many records a reason names before it counts the rest.
const NAMES: usize = 3;

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// One to three sentences, the most important first.
    pub lead: Vec<String>,
    /// The author's update: the revision's tag or commit message.
    pub update: Option<Update>,
    /// The plan's own words (its record's body; the first paragraph only when `brief`).
    pub summary: Option<String>,
    /// What changed, counted ("3 blockers resolved; 1 metric updated").
    pub tallies: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Update {
    pub text: String,
    pub author: String,
    pub date: Date,
    pub revision: String,
}

/// A reason in words: what it says and the records it names, by title.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    pub text: String,
    /// "4 release gates pending: Security Validation, Authentication Testing and 2 more".
    pub words: String,
}

/// What a message is made from.
pub struct Facts<'a> {
    /// The plan at the revision told of, as the reader may see it.
    pub status: &'a Status,
    /// The plan at the revision before, if any.
    pub before: Option<&'a Status>,
    /// What changed since `before`.
    pub changes: Option<&'a Diff>,
    pub revision: &'a Revision,
    /// Whether the plan is stale as of the telling (`None` when fresh).
    pub stale: Option<&'a Stale>,
    /// Keep the plan's summary to its first paragraph.
    pub brief: bool,
    /// The revision `changes` start from, when the span is not a report's week (`diff A B`
    /// says "Since A: …" where a report says "This week: …").
    pub since: Option<&'a str>,
}

impl Message {
    /// The message of `facts.status` at `facts.revision`.
    pub fn compose(facts: &Facts<'_>) -> Message {
        let Facts { status, before, changes, revision, stale, brief, since } = *facts;
        let mut lead = vec![verdict(status, stale)];
        let span = since.map_or_else(|| "this week".to_string(), |rev| format!("since {rev}"));
        if let Some(ship) = ship_date(status, before, &span) {
            lead.push(ship);
        }
        let moved = changes.map(|d| moved(d, status, &span));
        let told = moved.as_ref().is_some_and(|m| m.tallied);
        lead.extend(moved.map(|m| m.sentence));
        // Tallies the lead gave already (no weightier event this week) are not said twice.
        let tallies = changes.filter(|d| !d.is_empty() && !told).map(|d| d.summary.clone());
        Message { lead, update: update(revision), summary: summary(status, brief), tallies }
    }

    /// The lead as one paragraph.
    pub fn headline(&self) -> String {
        self.lead.join(" ")
    }
}

/// Readiness and then health reasons, grouped, in words.
pub fn reasons(status: &Status) -> Vec<Reason> {
    let groups = status.readiness.groups.iter().chain(&status.health.groups);
    let mut seen = std::collections::HashSet::new();
    groups
        .filter(|g| seen.insert(g.text.as_str()))
        .map(|g| Reason { text: g.text.clone(), words: in_words(g, Naming::Listed) })
        .collect()
}

/// How a reason names its records: in a list line, or within a sentence.
#[derive(Clone, Copy)]
enum Naming {
    /// "4 release gates pending: A, B, C and 1 more"
    Listed,
    /// "1 critical blocker open (DB down)", "4 release gates pending": the lead names a
    /// lone record and counts several (the reasons list below names them), so its first
    /// sentence stays short enough to read.
    InSentence,
}

fn in_words(group: &ReasonGroup, naming: Naming) -> String {
    if group.refs.is_empty() {
        return group.text.clone();
    }
    let titles = names(group.refs.iter().map(|r| r.title.as_str()));
    match naming {
        Naming::Listed => format!("{}: {titles}", group.text),
        Naming::InSentence if group.refs.len() == 1 => format!("{} ({titles})", group.text),
        Naming::InSentence => group.text.clone(),
    }
}

/// "A, B and C", or "A, B, C and 2 more".
fn names<'a>(all: impl ExactSizeIterator<Item = &'a str>) -> String {
    let total = all.len();
    let mut shown: Vec<String> = all.take(NAMES).map(str::to_string).collect();
    if total > shown.len() {
        shown.push(format!("{} more", total - shown.len()));
    }
    join_and(&shown)
}

/// The verdict, its age when the plan is stale, the health when not green, and the main
/// reasons: "NO-GO, health red: 1 critical blocker open (…); 4 release gates pending (…)."
/// or "GO as of 2025-09-09, 452 days ago, health amber: …; the plan is stale: …".
fn verdict(status: &Status, stale: Option<&Stale>) -> String {
    let readiness = &status.readiness;
    let mut head = readiness.verdict.as_str().to_string();
    if let Some(stale) = stale {
        let ago = match stale.days {
            0 => "today".to_string(),
            1 => "1 day ago".to_string(),
            n => format!("{n} days ago"),
        };
        head.push_str(&format!(" as of {}, {ago}", stale.since));
    }
    let health = status.health.computed.to_string();
    if health != "green" {
        head.push_str(&format!(", health {health}"));
    }
    // Readiness reasons first (two at most), then the first health reason not said yet.
    let mut said: Vec<&ReasonGroup> = readiness.groups.iter().take(2).collect();
    let unsaid = readiness.groups.len() - said.len();
    if let Some(h) = status.health.groups.iter().find(|h| !readiness.groups.iter().any(|r| r.text == h.text)) {
        said.push(h);
    }
    let mut words: Vec<String> = said.into_iter().map(|g| in_words(g, Naming::InSentence)).collect();
    if unsaid > 0 {
        words.push(count(unsaid as i64, "more reason"));
    }
    if readiness.go && readiness.groups.is_empty() {
        let cleared = status.gate_groups.iter().find(|g| g.release).map(|g| (g.cleared, g.gates.len()));
        let gates = match cleared {
            Some((1, 1)) => "the release gate is cleared".to_string(),
            Some((n, total)) if total > 0 && n == total => format!("all {total} release gates are cleared"),
            _ => "nothing holds the release back".to_string(),
        };
        words.insert(0, gates);
    }
    if words.is_empty() { format!("{head}.") } else { format!("{head}: {}.", words.join("; ")) }
}

/// "Ships 2025-09-14, 7 days later than planned (2025-09-07); it moved 7 days later this
/// week." when the plan names a ship date.
fn ship_date(status: &Status, before: Option<&Status>, span: &str) -> Option<String> {
    let target = status.target.as_ref()?;
    let mut sentence = format!("Ships {}", target.date);
    if let Some(slip) = target.slip.as_deref().filter(|s| *s != "as planned") {
        sentence.push_str(&format!(", {slip}"));
    }
    let earlier = before.and_then(|b| b.target.as_ref()).map(|t| t.date);
    if let Some(moved) = earlier.map(|e| e.days_until(target.date)).filter(|d| *d != 0) {
        let how = if moved > 0 {
            format!("{} later", count(moved, "day"))
        } else {
            format!("{} earlier", count(-moved, "day"))
        };
        sentence.push_str(&format!("; it moved {how} {span}"));
    }
    Some(format!("{sentence}."))
}

/// The "what moved" sentence, and whether it is the tallies (nothing weightier moved).
struct Moved {
    sentence: String,
    tallied: bool,
}

/// What moved, by weight: "This week: readiness moved from NO-GO to GO, milestone “Cut-over”
/// slipped 7 days to 2026-04-04 and 2 gates passed (A and B)."
fn moved(diff: &Diff, status: &Status, span: &str) -> Moved {
    let when = capitalized(span);
    if diff.is_empty() {
        return Moved { sentence: format!("Nothing changed {span}."), tallied: false };
    }
    let mut events: Vec<(u8, String)> = Vec::new();
    if let Some(t) = &diff.readiness {
        events.push((0, format!("readiness moved from {} to {}", t.from, t.to)));
    }
    if let Some(t) = &diff.health {
        events.push((1, format!("health went from {} to {}", t.from, t.to)));
    }
    let ship = status.target.as_ref().map(|t| t.source.as_str());
    events.extend(slips(diff, ship).map(|s| (2, s)));
    for (state, weight) in [("failed", 3), ("passed", 4), ("waived", 4)] {
        let gates =
            diff.items.iter().filter(|c| c.kind == Kind::Gate && c.status.as_ref().is_some_and(|t| t.to == state));
        events.extend(several(gates.collect(), "gate", [state, state]).map(|s| (weight, s)));
    }
    // Each change's blocker looked up once: two far-apart revisions differ in thousands.
    let critical: HashMap<&str, &Item> = status.items[Kind::Blocker]
        .iter()
        .filter(|i| matches!(&i.record.data, KindData::Blocker(b) if b.severity == Severity::Critical))
        .map(|i| (i.id(), i))
        .collect();
    let blocker_events: Vec<(&ItemChange, &str)> =
        diff.items.iter().filter_map(|c| critical_blocker(c, &critical).map(|what| (c, what))).collect();
    for what in ["opened", "reopened", "resolved"] {
        let blockers = blocker_events.iter().filter(|(_, w)| *w == what).map(|(c, _)| *c);
        events.extend(several(blockers.collect(), "critical blocker", [what, what]).map(|s| (5, s)));
    }
    let crossings = [
        (MetricState::Met, ["now meets its target", "now meet their targets"]),
        (MetricState::NotMet, ["fell short of its target", "fell short of their targets"]),
    ];
    for (state, words) in crossings {
        let metrics = diff.items.iter().filter(|c| crossed(c) == Some(state));
        events.extend(several(metrics.collect(), "metric", words).map(|s| (6, s)));
    }
    events.sort_by_key(|(weight, _)| *weight);
    if events.is_empty() {
        return Moved { sentence: format!("{when}: {}.", diff.summary), tallied: true };
    }
    let more = events.len().saturating_sub(EVENTS);
    let mut said: Vec<String> = events.into_iter().take(EVENTS).map(|(_, s)| s).collect();
    if more > 0 {
        said.push(count(more as i64, "more change"));
    }
    Moved { sentence: format!("{when}: {}.", join_and(&said)), tallied: false }
}

/// "gate “A” passed", "3 gates passed (A, B and C)"; `None` for none. `verb` is said of
/// one and of several.
fn several(changes: Vec<&ItemChange>, noun: &str, [one, many]: [&str; 2]) -> Option<String> {
    let titles = names(changes.iter().map(|c| c.title.as_str()));
    match changes.len() {
        0 => None,
        1 => Some(format!("{noun} “{titles}” {one}")),
        n => Some(format!("{n} {noun}s {many} ({titles})")),
    }
}

/// The dates that moved: "milestone “Cut-over” slipped 7 days to 2026-04-04", one event per
/// record, the largest slip first; the ship date's milestone (`ship`) has its own sentence.
fn slips<'a>(diff: &'a Diff, ship: Option<&str>) -> impl Iterator<Item = String> + 'a {
    let mut moved: Vec<(&ItemChange, i64, &str)> = diff
        .items
        .iter()
        .filter(|c| Some(c.id.as_str()) != ship)
        .filter_map(|c| {
            let field = c.fields.iter().find(|f| f.field == "end" && f.slip_days.is_some_and(|d| d != 0))?;
            Some((c, field.slip_days?, field.to.as_str().unwrap_or_default()))
        })
        .collect();
    moved.sort_by_key(|(_, days, _)| -days.abs());
    moved.into_iter().map(|(change, days, to)| {
        let how = if days > 0 {
            format!("slipped {}", count(days, "day"))
        } else {
            format!("moved {} earlier", count(-days, "day"))
        };
        format!("{} “{}” {how} to {to}", change.kind.name(), change.title)
    })
}

/// What happened to a critical blocker (one of `critical`, by id): "opened", "reopened" or
/// "resolved".
fn critical_blocker(change: &ItemChange, critical: &HashMap<&str, &Item>) -> Option<&'static str> {
    if change.kind != Kind::Blocker {
        return None;
    }
    let item = critical.get(change.id.as_str())?;
    let done = |s: &str| matches!(s, "resolved" | "wont-fix");
    match (change.change, &change.status) {
        (Change::Added, _) if item.derived.kind.blocker().is_some_and(|b| b.unresolved) => Some("opened"),
        (_, Some(t)) if done(&t.to) => Some("resolved"),
        (_, Some(t)) if done(&t.from) => Some("reopened"),
        _ => None,
    }
}

/// The state a metric crossed into: met, or not met after being met.
fn crossed(change: &ItemChange) -> Option<MetricState> {
    let m = change.metric.as_ref()?;
    match (m.from_state, m.to_state) {
        (MetricState::NotMet | MetricState::NotMeasured, MetricState::Met) => Some(MetricState::Met),
        (MetricState::Met, MetricState::NotMet) => Some(MetricState::NotMet),
        _ => None,
    }
}

/// "this week" → "This week".
pub(crate) fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// "a, b and c".
fn join_and(parts: &[String]) -> String {
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// The revision's message as the author's update; the working tree has none to give.
fn update(revision: &Revision) -> Option<Update> {
    let text = revision.message.trim();
    (revision.commit.is_some() && !text.is_empty()).then(|| Update {
        text: text.to_string(),
        author: revision.author.clone(),
        date: revision.date,
        revision: revision.id.clone(),
    })
}

/// The plan record's body in plain words (its markdown read, not shown: every output escapes
/// it its own way); its first paragraph when `brief`.
fn summary(status: &Status, brief: bool) -> Option<String> {
    let paragraphs = plain_paragraphs(status.plan.record.body());
    let text = if brief { paragraphs.into_iter().next().unwrap_or_default() } else { paragraphs.join("\n\n") };
    (!text.is_empty()).then_some(text)
}

/// The text of markdown, one string per paragraph, list item or heading; emphasis, links and
/// code lose their marks and keep their words, images keep their alt text, raw HTML is dropped.
fn plain_paragraphs(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(text) | Event::Code(text) => current.push_str(&text),
            Event::SoftBreak => current.push(' '),
            Event::HardBreak => current.push('\n'),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock) => {
                let done = std::mem::take(&mut current);
                if !done.trim().is_empty() {
                    paragraphs.push(done.trim().to_string());
                }
            }
            _ => {}
        }
    }
    if !current.trim().is_empty() {
        paragraphs.push(current.trim().to_string());
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_the_words_of_its_markdown() {
        let body = "Code review done: **B+ (85/100)**, see [the review](https://x.example/r).\n\
                    However, **DO NOT DEPLOY**.\n\n<b>raw</b> *Update:* approved ![chart](c.png)\n\n- one\n- two\n";
        assert_eq!(
            plain_paragraphs(body),
            [
                "Code review done: B+ (85/100), see the review. However, DO NOT DEPLOY.",
                "raw Update: approved chart",
                "one",
                "two"
            ]
        );
    }

    #[test]
    fn names_count_what_they_leave_out() {
        let list = |all: &[&str]| names(all.iter().copied());
        assert_eq!(list(&["A"]), "A");
        assert_eq!(list(&["A", "B"]), "A and B");
        assert_eq!(list(&["A", "B", "C"]), "A, B and C");
        assert_eq!(list(&["A", "B", "C", "D", "E"]), "A, B, C and 2 more");
    }
}
