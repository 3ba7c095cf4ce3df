//! Derive: the computed status of the plan (docs/status-json.md), explained.
//!
//! The result, [`Status`], is the whole model: it is what templates render and what
//! `status.json` publishes, so every field is always present (null when unknown).

pub mod portfolio;
pub mod redact;
pub mod schedule;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
pub use crate::model::kinds::risk::band;
use crate::model::kinds::{Context, Deadline, KindDerived};
use crate::model::{Caseless, Kind, KindData, Record, Records, natural_cmp};
use crate::values::{Date, Health, MetricState, MilestoneStatus, Severity, count, words};
pub use schedule::{ShipDate, Stale, StaleReason};

/// Version of the `status.json` layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub schema_version: u32,
    pub as_of: Date,
    /// ISO week of the as-of date (`2025-W33`).
    pub week: String,
    /// Week of the plan (1 = the week of the plan's `start`), when it has a start.
    pub plan_week: Option<i64>,
    /// Days since the plan's `next_review` passed; null until then. A plan nobody reviews
    /// should say so rather than look current.
    pub review_overdue_days: Option<i64>,
    /// Set when nobody has reviewed or revised the plan for too long; null when fresh.
    /// While stale, health is never green.
    pub stale: Option<Stale>,
    /// When the plan ships (its release milestone's end, else the plan's `target`) and its
    /// slip against the baseline; null when the plan names none.
    pub target: Option<ShipDate>,
    pub plan: Item,
    pub readiness: Readiness,
    pub health: HealthStatus,
    pub counts: Counts,
    pub gate_groups: Vec<GateGroup>,
    /// Ids of live risks, highest score first.
    pub top_risks: Vec<String>,
    /// Ids of unfinished milestones, soonest end first.
    pub next_milestones: Vec<String>,
    /// Every record but the plan, by kind.
    pub items: Items,
}

impl Status {
    /// The item `id` of `kind` (the plan for [`Kind::Plan`]), as written.
    pub fn find(&self, kind: Kind, id: &str) -> Option<&Item> {
        if kind == Kind::Plan {
            return Some(&self.plan);
        }
        self.items[kind].iter().find(|i| i.id() == id)
    }
}

/// Every record but the plan, by kind, each kind in its records' written order. Kinds come
/// in the order of their folder names (`actions`, `assessments`, `audiences`, …), which is
/// how `status.json` lists them and templates iterate them, keyed by folder.
#[derive(Debug, Clone, Default)]
pub struct Items(Vec<(Kind, Vec<Item>)>);

impl Items {
    /// An empty list for every kind but the plan.
    fn new() -> Items {
        let mut kinds: Vec<Kind> = Kind::ALL.iter().copied().filter(|k| *k != Kind::Plan).collect();
        kinds.sort_by_key(|k| k.folder());
        Items(kinds.into_iter().map(|k| (k, Vec::new())).collect())
    }

    pub fn iter(&self) -> impl Iterator<Item = (Kind, &Vec<Item>)> {
        self.0.iter().map(|(kind, items)| (*kind, items))
    }

    pub fn values(&self) -> impl Iterator<Item = &Vec<Item>> {
        self.0.iter().map(|(_, items)| items)
    }

    pub fn get_mut(&mut self, kind: Kind) -> Option<&mut Vec<Item>> {
        self.0.iter_mut().find(|(k, _)| *k == kind).map(|(_, items)| items)
    }
}

/// `items[Kind::Blocker]`; the plan has no list (it is [`Status::plan`]), so it is empty.
impl std::ops::Index<Kind> for Items {
    type Output = [Item];

    fn index(&self, kind: Kind) -> &[Item] {
        self.0.iter().find(|(k, _)| *k == kind).map_or(&[], |(_, items)| items)
    }
}

impl Serialize for Items {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (kind, items) in &self.0 {
            map.serialize_entry(kind.folder(), items)?;
        }
        map.end()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    pub go: bool,
    pub verdict: ReadinessVerdict,
    pub release_group: Option<String>,
    /// Why it is NO-GO; empty when GO.
    pub reasons: Vec<String>,
    /// The same reasons grouped by what they say, naming their records.
    pub groups: Vec<ReasonGroup>,
}

/// Whether the plan is ready to release, as pages, feeds and `status.json` say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReadinessVerdict {
    #[serde(rename = "GO")]
    Go,
    #[serde(rename = "NO-GO")]
    NoGo,
}

impl ReadinessVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            ReadinessVerdict::Go => "GO",
            ReadinessVerdict::NoGo => "NO-GO",
        }
    }
}

impl std::fmt::Display for ReadinessVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct HealthStatus {
    pub computed: Health,
    pub declared: Option<Health>,
    pub reasons: Vec<String>,
    /// The same reasons grouped by what they say, naming their records.
    pub groups: Vec<ReasonGroup>,
}

/// Reasons of one sort ("4 critical blockers open") with the records they name, so a page
/// can say it once and link each record instead of repeating a sentence per record.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonGroup {
    pub text: String,
    pub refs: Vec<RecordRef>,
    /// What one and several of its records are ("critical blocker open", "critical blockers
    /// open"), to count them again when an audience may not see some of them.
    #[serde(skip)]
    labels: (String, String),
}

impl ReasonGroup {
    /// "1 critical blocker open", "4 critical blockers open"; a reason naming no record is
    /// its text alone.
    fn counted(one: String, many: String, refs: Vec<RecordRef>) -> ReasonGroup {
        let text = match refs.len() {
            0 => one.clone(),
            1 => format!("1 {one}"),
            n => format!("{n} {many}"),
        };
        ReasonGroup { text, refs, labels: (one, many) }
    }

    /// A reason that stands for records it may not name.
    pub(crate) fn plain(text: String) -> ReasonGroup {
        ReasonGroup { text: text.clone(), refs: Vec::new(), labels: (text.clone(), text) }
    }

    /// Keeps the records `keep` accepts, counted again; how many went.
    pub(crate) fn retain_refs(&mut self, keep: impl Fn(&RecordRef) -> bool) -> usize {
        let before = self.refs.len();
        self.refs.retain(keep);
        let gone = before - self.refs.len();
        if gone > 0 && !self.refs.is_empty() {
            let (one, many) = std::mem::take(&mut self.labels);
            *self = ReasonGroup::counted(one, many, std::mem::take(&mut self.refs));
        }
        gone
    }
}

/// A record a reason names.
#[derive(Debug, Clone, Serialize)]
pub struct RecordRef {
    pub id: String,
    pub title: String,
    pub url: String,
}

impl RecordRef {
    fn of(record: &Record) -> RecordRef {
        RecordRef { id: record.id.clone(), title: record.title().to_string(), url: record.url.clone() }
    }
}

/// Reasons as sentences (for `status.json`, reports and warnings) and grouped (for pages).
#[derive(Default)]
struct ReasonList {
    texts: Vec<String>,
    /// (singular label, plural label, records), in order of first appearance.
    groups: Vec<(String, String, Vec<RecordRef>)>,
}

impl ReasonList {
    /// Adds a reason about `record`, counted with the others of its sort: `noun` and `state`
    /// ("critical blocker", "open") make "1 critical blocker open" or "4 critical blockers open".
    fn add(&mut self, text: String, noun: &str, state: &str, record: &Record) {
        let one = format!("{noun} {state}");
        match self.groups.iter_mut().find(|(o, _, refs)| *o == one && !refs.is_empty()) {
            Some((_, _, refs)) => refs.push(RecordRef::of(record)),
            None => self.groups.push((one, format!("{noun}s {state}"), vec![RecordRef::of(record)])),
        }
        self.texts.push(text);
    }

    /// Adds a reason that names no record; it stands alone.
    fn add_plain(&mut self, text: String) {
        self.groups.push((text.clone(), text.clone(), Vec::new()));
        self.texts.push(text);
    }

    fn finish(self) -> (Vec<String>, Vec<ReasonGroup>) {
        let groups = self.groups.into_iter().map(|(one, many, refs)| ReasonGroup::counted(one, many, refs)).collect();
        (self.texts, groups)
    }
}

/// "1 day", "3 days".
fn days(n: i64) -> String {
    count(n, "day")
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub blockers: usize,
    pub blockers_unresolved: usize,
    pub blockers_critical_unresolved: usize,
    pub gates: usize,
    pub gates_cleared: usize,
    pub gates_failed: usize,
    pub risks: usize,
    pub risks_live: usize,
    pub risks_high: usize,
    pub decisions: usize,
    pub actions: usize,
    pub actions_open: usize,
    pub overdue: usize,
    pub metrics: usize,
    pub metrics_met: usize,
    pub metrics_not_met: usize,
    pub metrics_not_measured: usize,
    pub milestones: usize,
    pub milestones_done: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct GateGroup {
    pub name: String,
    pub release: bool,
    pub gates: Vec<String>,
    pub cleared: usize,
}

/// A record with its derived values, as templates and `status.json` see it.
#[derive(Debug, Clone)]
pub struct Item {
    /// The record, shared with every revision in which its file did not change.
    pub record: Arc<Record>,
    pub derived: Derived,
}

impl Item {
    pub fn id(&self) -> &str {
        &self.record.id
    }

    pub fn kind(&self) -> Kind {
        self.record.kind
    }

    pub fn title(&self) -> &str {
        self.record.title()
    }

    /// A record shown without a status (a portfolio's audiences): nothing derived.
    pub fn underived(record: Arc<Record>) -> Item {
        let kind = KindDerived::unset(&record.data);
        Item {
            record,
            derived: Derived { overdue: false, due: None, days_overdue: None, kind, referenced_by: Vec::new() },
        }
    }

    /// Site-relative URL of the item's page.
    pub fn url(&self) -> &str {
        &self.record.url
    }
}

/// An item serializes as its identity, its record's fields (`title` among them, so it is
/// not written here again: a key twice is invalid for strict JSON readers) and its derived
/// values.
impl Serialize for Item {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            id: &'a str,
            kind: Kind,
            url: &'a str,
            source: &'a str,
            #[serde(flatten)]
            record: &'a Record,
            derived: &'a Derived,
        }
        let r = &self.record;
        View { id: &r.id, kind: r.kind, url: &r.url, source: r.origin.path(), record: r, derived: &self.derived }
            .serialize(serializer)
    }
}

/// Computed values: those every kind has, with the kind's own ([`KindDerived`]) flattened
/// between them, so `status.json` keeps one key order. Unset values are left out: each
/// kind's partial template reads only its own kind's values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Derived {
    pub overdue: bool,
    /// The date that makes the item overdue (`due`, `target`, `review` or `end`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_overdue: Option<i64>,
    #[serde(flatten)]
    pub kind: KindDerived,
    /// Ids of the records that reference this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub referenced_by: Vec<String>,
}

/// Serializes a model for a JSON file (`status.json`), ending in a newline.
pub fn to_json<T: Serialize>(value: &T, pretty: bool) -> Vec<u8> {
    let bytes = if pretty { serde_json::to_vec_pretty(value) } else { serde_json::to_vec(value) };
    let mut bytes = bytes.unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Computes the status of `records` as of `as_of`. `committed` is the date of the plan's
/// newest committed revision when there is a history (a revision's own date for an archived
/// one); without it, the plan's `updated` date tells how old the plan is. Warnings (overdue
/// items, optimistic declared health, a stale plan) go to `warnings` when given: old
/// revisions' warnings help nobody, and locating thousands of them per revision is most of a
/// large history's derive time. `None` without a plan (validation reports that as an error).
pub fn derive(
    records: &Records,
    config: &Config,
    as_of: Date,
    committed: Option<Date>,
    mut warnings: Option<&mut Vec<Diagnostic>>,
) -> Option<Status> {
    let plan_record = records.plan()?;
    let (plan_start, next_review, updated) = match &plan_record.data {
        KindData::Plan(plan) => (plan.start, plan.next_review, plan.updated),
        _ => (None, None, None),
    };
    let review_overdue_days = next_review.filter(|d| *d < as_of).map(|d| d.days_until(as_of));
    let stale = Stale::of(next_review, committed.or(updated), config.revisions.stale_after_days, as_of);
    // Who references whom, and which unresolved blockers block which gate: one pass.
    let mut backlinks: HashMap<Caseless, Vec<&str>> = HashMap::new();
    let mut blocking: HashMap<Caseless, Vec<&str>> = HashMap::new();
    for record in &records.all {
        for (field, _, target) in record.references() {
            let list = backlinks.entry(Caseless(target)).or_default();
            if !list.contains(&record.id.as_str()) {
                list.push(&record.id);
            }
            if field == "blocks" && matches!(&record.data, KindData::Blocker(b) if b.status.is_unresolved()) {
                blocking.entry(Caseless(target)).or_default().push(&record.id);
            }
        }
    }
    let waits = dependency_waits(records, config);
    let owned =
        |ids: Option<&Vec<&str>>| ids.map_or_else(Vec::new, |ids| ids.iter().map(|id| id.to_string()).collect());
    let context = Context { as_of, plan_start, risk_bands: config.risk.bands };
    let mut items = Items::new();
    for record in records.all.iter().filter(|r| r.kind != Kind::Plan) {
        let (mut item, deadline) = item(record, &context);
        item.derived.referenced_by = owned(backlinks.get(&Caseless(&record.id)));
        // Records of other plans of a portfolio that reference this one.
        let inbound = config.neighbours.as_deref().and_then(|n| n.inbound.get(&record.id));
        for (id, _) in inbound.into_iter().flatten() {
            if !item.derived.referenced_by.contains(id) {
                item.derived.referenced_by.push(id.clone());
            }
        }
        if let KindDerived::Gate(gate) = &mut item.derived.kind {
            gate.blocked_by = owned(blocking.get(&Caseless(&record.id)));
            for wait in waits.get(&Caseless(&record.id)).into_iter().flatten() {
                if !gate.blocked_by.iter().any(|id| id.eq_ignore_ascii_case(&wait.id)) {
                    gate.blocked_by.push(wait.id.clone());
                }
            }
        }
        if item.derived.overdue
            && let Some(warnings) = warnings.as_deref_mut()
        {
            warnings.push(overdue_warning(record, &item, deadline.field));
        }
        if let Some(list) = items.get_mut(record.kind) {
            list.push(item);
        }
    }
    let (plan, _) = item(plan_record, &context);
    let gate_groups = gate_groups(records, config);
    let readiness = readiness(records, &gate_groups, &waits);
    let counts = counts(&items);
    let health = health(plan_record, &items, stale.as_ref());
    if let Some(warnings) = warnings {
        warnings.extend(declared_health_warning(plan_record, &health));
        warnings.extend(stale.as_ref().map(|stale| stale.warning(plan_record)));
    }

    let target = ShipDate::of(&plan, &items[Kind::Milestone]);
    Some(Status {
        schema_version: SCHEMA_VERSION,
        as_of,
        week: crate::values::Week::of(as_of).to_string(),
        plan_week: plan_start.map(|s| s.days_until(as_of).div_euclid(7) + 1),
        review_overdue_days,
        stale,
        target,
        top_risks: top_risks(&items),
        next_milestones: next_milestones(&items),
        plan,
        readiness,
        health,
        counts,
        gate_groups,
        items,
    })
}

/// Ids of live risks, highest score first.
fn top_risks(items: &Items) -> Vec<String> {
    let mut live: Vec<&Item> = items[Kind::Risk]
        .iter()
        .filter(|i| matches!(&i.record.data, KindData::Risk(r) if r.status.is_live()))
        .collect();
    let score = |i: &Item| i.derived.kind.risk().map(|r| r.score);
    live.sort_by(|a, b| score(b).cmp(&score(a)).then_with(|| natural_cmp(a.id(), b.id())));
    live.iter().map(|i| i.id().to_string()).collect()
}

/// Ids of unfinished milestones, soonest end first.
fn next_milestones(items: &Items) -> Vec<String> {
    let mut next: Vec<&Item> = items[Kind::Milestone]
        .iter()
        .filter(|i| matches!(&i.record.data, KindData::Milestone(m) if m.status != MilestoneStatus::Done))
        .collect();
    let end = |i: &Item| i.derived.kind.milestone().and_then(|m| m.end);
    next.sort_by(|a, b| end(a).cmp(&end(b)).then_with(|| natural_cmp(a.id(), b.id())));
    next.iter().map(|i| i.id().to_string()).collect()
}

/// A record with its derived values, and the deadline they were computed from.
fn item(record: &Arc<Record>, context: &Context) -> (Item, Deadline) {
    let (kind, deadline) = record.data.derive(context);
    let days_overdue =
        deadline.due.filter(|due| !deadline.finished && *due < context.as_of).map(|due| due.days_until(context.as_of));
    let derived =
        Derived { overdue: days_overdue.is_some(), due: deadline.due, days_overdue, kind, referenced_by: Vec::new() };
    (Item { record: record.clone(), derived }, deadline)
}

fn gate_groups(records: &Records, config: &Config) -> Vec<GateGroup> {
    let gates: Vec<(&Arc<Record>, &crate::model::records::Gate)> = records
        .of_kind(Kind::Gate)
        .filter_map(|r| match &r.data {
            KindData::Gate(g) => Some((r, g)),
            _ => None,
        })
        .collect();
    let mut names: Vec<String> = config.gates.groups.clone();
    if names.is_empty() {
        let mut firsts: BTreeMap<&str, (i64, usize)> = BTreeMap::new();
        for (i, (_, g)) in gates.iter().enumerate() {
            let key = (g.order.unwrap_or(i64::MAX), i);
            firsts.entry(g.group.as_str()).and_modify(|k| *k = (*k).min(key)).or_insert(key);
        }
        let mut ordered: Vec<(&str, (i64, usize))> = firsts.into_iter().collect();
        ordered.sort_by_key(|(_, key)| *key);
        names = ordered.into_iter().map(|(n, _)| n.to_string()).collect();
    }
    let release = config.gates.release_group.clone().or_else(|| names.last().cloned());
    names
        .into_iter()
        .map(|name| {
            let mut members: Vec<&(&Arc<Record>, &crate::model::records::Gate)> =
                gates.iter().filter(|(_, g)| g.group == name).collect();
            members.sort_by(|a, b| {
                a.1.order
                    .unwrap_or(i64::MAX)
                    .cmp(&b.1.order.unwrap_or(i64::MAX))
                    .then_with(|| natural_cmp(&a.0.id, &b.0.id))
            });
            GateGroup {
                release: release.as_deref() == Some(name.as_str()),
                cleared: members.iter().filter(|(_, g)| g.status.is_cleared()).count(),
                gates: members.iter().map(|(r, _)| r.id.clone()).collect(),
                name,
            }
        })
        .collect()
}

/// An unfinished record a gate depends on.
struct Wait {
    id: String,
    /// `blocker B-1 “DB down” is open`.
    why: String,
}

/// For each gate, the records in its `depends_on` that are not finished yet. What
/// "finished" means per kind: a blocker resolved (or won't fix), a gate passed or waived,
/// an action done or cancelled, a milestone done, a risk accepted or closed, a decision no
/// longer proposed, a metric meeting its target. Plans, sections, assessments and
/// audiences have nothing to finish and never hold a gate back.
/// In a portfolio, a gate also waits on what it depends on in another plan (`qa/B-2`), and
/// on the other plans' unresolved blockers that say they block it.
fn dependency_waits<'a>(records: &'a Records, config: &Config) -> HashMap<Caseless<'a>, Vec<Wait>> {
    let by_id: HashMap<Caseless, &Record> = records.all.iter().map(|r| (Caseless(&r.id), r.as_ref())).collect();
    let neighbours = config.neighbours.as_deref();
    let foreign = |id: &str| {
        let (plan, own) = id.split_once('/')?;
        let found = neighbours?.plans.get(plan)?.get(own)?;
        let state = found.unfinished.as_ref()?;
        Some(Wait { id: id.to_string(), why: format!("{} {id} “{}”, which is {state}", found.kind, found.title) })
    };
    let mut waits: HashMap<Caseless, Vec<Wait>> = HashMap::new();
    for gate in records.of_kind(Kind::Gate) {
        let KindData::Gate(g) = &gate.data else { continue };
        let mut list = Vec::new();
        for id in &g.depends_on {
            match by_id.get(&Caseless(id)) {
                Some(dep) => list.extend(dep.data.unfinished().map(|state| Wait {
                    id: dep.id.clone(),
                    why: format!("{} {} “{}”, which is {state}", dep.kind.name(), dep.id, dep.title()),
                })),
                None => list.extend(foreign(id)),
            }
        }
        let blockers = neighbours.and_then(|n| n.inbound.get(&gate.id)).into_iter().flatten();
        list.extend(blockers.filter(|(_, field)| field == "blocks").filter_map(|(id, _)| foreign(id)));
        if !list.is_empty() {
            waits.entry(Caseless(&gate.id)).or_default().extend(list);
        }
    }
    waits
}

fn readiness(records: &Records, groups: &[GateGroup], waits: &HashMap<Caseless, Vec<Wait>>) -> Readiness {
    let mut reasons = ReasonList::default();
    for record in records.of_kind(Kind::Blocker) {
        if let KindData::Blocker(b) = &record.data
            && b.severity == Severity::Critical
            && b.status.is_unresolved()
        {
            let text = format!("critical blocker {} “{}” is {}", record.id, b.title, words(b.status));
            reasons.add(text, "critical blocker", &words(b.status), record);
        }
    }
    let release = groups.iter().find(|g| g.release);
    match release {
        Some(group) => {
            for id in &group.gates {
                let Some(record) = records.get(id) else { continue };
                let KindData::Gate(g) = &record.data else { continue };
                let waiting: Vec<&str> =
                    waits.get(&Caseless(id)).into_iter().flatten().map(|w| w.why.as_str()).collect();
                // A gate marked passed still waits on what it depends on.
                if !g.status.is_cleared() || !waiting.is_empty() {
                    let mut text = format!("release gate {id} “{}” ({}) is {}", g.title, group.name, words(g.status));
                    if !waiting.is_empty() {
                        text.push_str(&format!(", waiting on {}", waiting.join(", ")));
                    }
                    let state = if g.status.is_cleared() { "waiting".to_string() } else { words(g.status) };
                    reasons.add(text, "release gate", &state, record);
                }
            }
            if group.gates.is_empty() {
                reasons.add_plain(format!("release group “{}” has no gates", group.name));
            }
        }
        None => reasons.add_plain("no release gates are defined".into()),
    }
    let (reasons, groups) = reasons.finish();
    let go = reasons.is_empty();
    Readiness {
        go,
        verdict: if go { ReadinessVerdict::Go } else { ReadinessVerdict::NoGo },
        release_group: release.map(|g| g.name.clone()),
        reasons,
        groups,
    }
}

/// The tallies of `items` (for an audience, of the items it may see: see [`redact`]).
fn counts(items: &Items) -> Counts {
    let mut c = Counts::default();
    for item in items.values().flatten() {
        c.overdue += usize::from(item.derived.overdue);
        match &item.record.data {
            KindData::Blocker(b) => {
                c.blockers += 1;
                c.blockers_unresolved += usize::from(b.status.is_unresolved());
                c.blockers_critical_unresolved +=
                    usize::from(b.status.is_unresolved() && b.severity == Severity::Critical);
            }
            KindData::Gate(g) => {
                c.gates += 1;
                c.gates_cleared += usize::from(g.status.is_cleared());
                c.gates_failed += usize::from(g.status == crate::values::GateStatus::Failed);
            }
            KindData::Risk(r) => {
                c.risks += 1;
                c.risks_live += usize::from(r.status.is_live());
                c.risks_high +=
                    usize::from(r.status.is_live() && item.derived.kind.risk().is_some_and(|r| r.band.is_high()));
            }
            KindData::Decision(_) => c.decisions += 1,
            KindData::Action(a) => {
                c.actions += 1;
                c.actions_open += usize::from(!a.status.is_finished());
            }
            KindData::Metric(_) => {
                c.metrics += 1;
                match item.derived.kind.metric().and_then(|m| m.state) {
                    Some(MetricState::Met) => c.metrics_met += 1,
                    Some(MetricState::NotMet) => c.metrics_not_met += 1,
                    _ => c.metrics_not_measured += 1,
                }
            }
            KindData::Milestone(m) => {
                c.milestones += 1;
                c.milestones_done += usize::from(m.status == MilestoneStatus::Done);
            }
            KindData::Plan(_) | KindData::Assessment(_) | KindData::Audience(_) | KindData::Section(_) => {}
        }
    }
    c
}

fn health(plan: &Record, items: &Items, stale: Option<&Stale>) -> HealthStatus {
    let mut red = ReasonList::default();
    let mut amber = ReasonList::default();
    // A stale plan is never green: what it said when last looked at may no longer hold.
    if let Some(stale) = stale {
        amber.add_plain(stale.reason_text());
    }
    for item in items.values().flatten() {
        let (id, title, record) = (item.id(), item.title(), item.record.as_ref());
        match &item.record.data {
            KindData::Blocker(b) if b.severity == Severity::Critical && b.status.is_unresolved() => red.add(
                format!("critical blocker {id} “{title}” is {}", words(b.status)),
                "critical blocker",
                &words(b.status),
                record,
            ),
            KindData::Gate(g) if g.status == crate::values::GateStatus::Failed => {
                red.add(format!("gate {id} “{title}” failed"), "gate", "failed", record)
            }
            KindData::Milestone(m) if m.status == MilestoneStatus::Missed => {
                red.add(format!("milestone {id} “{title}” was missed"), "milestone", "missed", record)
            }
            KindData::Risk(r) => {
                if let Some(risk) = item.derived.kind.risk().filter(|d| r.status.is_live() && d.band.is_high()) {
                    let band = risk.band.as_str();
                    amber.add(
                        format!("{band} risk {id} “{title}” is {} (score {})", r.status, risk.score),
                        &format!("{band} risk"),
                        &words(r.status),
                        record,
                    )
                }
            }
            KindData::Metric(_) => {
                if let Some(metric) = item.derived.kind.metric().filter(|d| d.state == Some(MetricState::NotMet)) {
                    amber.add(
                        format!(
                            "metric {id} “{title}” is {} against a target of {}",
                            metric.value_text.as_deref().unwrap_or("?"),
                            metric.target_text.as_deref().unwrap_or("?")
                        ),
                        "metric",
                        "below target",
                        record,
                    )
                }
            }
            KindData::Blocker(_)
            | KindData::Gate(_)
            | KindData::Milestone(_)
            | KindData::Plan(_)
            | KindData::Assessment(_)
            | KindData::Decision(_)
            | KindData::Action(_)
            | KindData::Audience(_)
            | KindData::Section(_) => {}
        }
        // Every item the overdue tile counts is a reason, so the two always agree.
        if item.derived.overdue {
            let days = days(item.derived.days_overdue.unwrap_or(0));
            match item.kind() {
                Kind::Risk => amber.add(
                    format!("risk {id} “{title}” is overdue for review by {days}"),
                    "risk review",
                    "overdue",
                    record,
                ),
                kind => amber.add(
                    format!("{} {id} “{title}” is overdue by {days}", kind.name()),
                    kind.name(),
                    "overdue",
                    record,
                ),
            }
        }
    }
    let computed = if !red.texts.is_empty() {
        Health::Red
    } else if !amber.texts.is_empty() {
        Health::Amber
    } else {
        Health::Green
    };
    // Red reasons first; the amber ones still matter once the red ones are fixed.
    let (mut reasons, mut groups) = red.finish();
    let (amber_reasons, amber_groups) = amber.finish();
    reasons.extend(amber_reasons);
    groups.extend(amber_groups);
    let declared = match &plan.data {
        KindData::Plan(plan) => plan.health,
        _ => None,
    };
    HealthStatus { computed, declared, reasons, groups }
}

/// `field` holds the date that passed (see [`Deadline`]).
fn overdue_warning(record: &Record, item: &Item, field: &str) -> Diagnostic {
    let due = item.derived.due.map_or_else(String::new, |d| d.to_string());
    Diagnostic::warning(format!(
        "{} `{}` is overdue: due {due}, {} ago",
        record.kind.name(),
        record.id,
        count(item.derived.days_overdue.unwrap_or(0), "day")
    ))
    .at(record.origin.locate(field))
    .help(match record.kind {
        Kind::Risk => "review the risk, then set `review` to its next review date (or close it)",
        _ => "mark it finished, or move the date if the plan changed",
    })
    .code(format!("overdue-{}", record.kind.name()))
}

fn declared_health_warning(plan: &Record, health: &HealthStatus) -> Option<Diagnostic> {
    let declared = health.declared.filter(|d| *d < health.computed)?;
    Some(
        Diagnostic::warning(format!(
            "declared health {declared} is better than computed {}: {}",
            health.computed,
            health.reasons.join("; ")
        ))
        .at(plan.origin.locate("health"))
        .help("update `health` in the plan, or resolve what the computed health reports")
        .code("optimistic-health-claim"),
    )
}

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;
