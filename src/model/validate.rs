//! Checks across records: unique ids, references, cycles, and value ranges that the
//! types alone cannot express.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::model::{Caseless, Kind, KindData, Record};

/// The week numbers a milestone may name: week 1 is the week of the plan's `start`, and
/// about 19 years is far beyond any plan (a bound also keeps the derived dates in range).
pub const WEEKS: std::ops::RangeInclusive<u32> = 1..=1000;

/// Validates the whole set of records; returns the records that may be used.
pub fn validate(records: Vec<Arc<Record>>, config: &Config, diagnostics: &mut Vec<Diagnostic>) -> Vec<Arc<Record>> {
    body_sizes(&records, config.limits.max_body_bytes, diagnostics);
    plan_count(&records, diagnostics);
    let records = unique_ids(records, diagnostics);
    let ids: HashMap<Caseless, &Record> = records.iter().map(|r| (Caseless(&r.id), r.as_ref())).collect();
    for record in &records {
        references(record, &ids, config, diagnostics);
        values(record, config, diagnostics);
    }
    cycles(&records, diagnostics);
    ship_date(&records, diagnostics);
    records
}

/// The plan has one ship date: at most one milestone says `release = true` (an error at each
/// further one), and it has an end. A plan `target` beside it is ignored, which is a warning.
fn ship_date(records: &[Arc<Record>], diagnostics: &mut Vec<Diagnostic>) {
    let releases: Vec<&Record> =
        records.iter().filter(|r| matches!(&r.data, KindData::Milestone(m) if m.release)).map(Arc::as_ref).collect();
    let Some(first) = releases.first() else { return };
    let first_at = first.origin.locate("release");
    for extra in &releases[1..] {
        diagnostics.push(
            Diagnostic::error(format!(
                "milestone `{}` is a second release milestone: the plan ships once, at `{}`",
                extra.id, first.id
            ))
            .at(extra.origin.locate("release"))
            .note(format!(
                "`{}` says `release = true` at {}:{}:{}",
                first.id, first_at.path, first_at.line, first_at.col
            ))
            .help("keep `release = true` on the milestone that ships, and remove it from the others"),
        );
    }
    if let KindData::Milestone(m) = &first.data
        && m.end.is_none()
        && m.weeks.is_empty()
    {
        diagnostics.push(
            Diagnostic::error(format!("the release milestone `{}` has no end date: the plan's ship date", first.id))
                .at(first.origin.locate("release"))
                .help("give it an `end = YYYY-MM-DD` (or `weeks = [..]`), or remove `release = true`"),
        );
    }
    let plan = records.iter().find(|r| matches!(&r.data, KindData::Plan(p) if p.target.is_some()));
    if let Some(plan) = plan {
        diagnostics.push(
            Diagnostic::warning(format!(
                "the plan's `target` is ignored: milestone `{}` is the release milestone, and its end is the ship date",
                first.id
            ))
            .at(plan.origin.locate("target"))
            .note(format!("`release = true` at {}:{}:{}", first_at.path, first_at.line, first_at.col))
            .help("remove `target` from the plan, or `release = true` from the milestone"),
        );
    }
}

/// An error for each record whose body is over `limit` bytes: one huge body costs its size
/// several times over in rendered pages, and makes a page nobody can read.
fn body_sizes(records: &[Arc<Record>], limit: u64, diagnostics: &mut Vec<Diagnostic>) {
    for record in records.iter().filter(|r| r.body().len() as u64 > limit) {
        // A `.md` body is the tail of its file; a `.toml` one is the `body` value.
        let at = match record.origin.fields.get("body") {
            Some(_) => record.origin.locate("body"),
            None => {
                let start = record.origin.file.text.len().saturating_sub(record.body().len());
                record.origin.file.locate(start..start)
            }
        };
        diagnostics.push(
            Diagnostic::error(format!(
                "the body of `{}` is {} bytes, over the limit of {limit} bytes",
                record.id,
                record.body().len()
            ))
            .at(at)
            .help(format!(
                "shorten it or split it into several records, or raise the limit in statuspress.toml: \
                 `[limits] max_body_bytes = {}`",
                record.body().len()
            )),
        );
    }
}

fn unique_ids(records: Vec<Arc<Record>>, diagnostics: &mut Vec<Diagnostic>) -> Vec<Arc<Record>> {
    let mut first_of: HashMap<Caseless, usize> = HashMap::with_capacity(records.len());
    let mut duplicate = vec![false; records.len()];
    for (i, record) in records.iter().enumerate() {
        let first = *first_of.entry(Caseless(&record.id)).or_insert(i);
        if first == i {
            continue;
        }
        duplicate[i] = true;
        let first = &records[first];
        if first.kind == Kind::Plan && record.kind == Kind::Plan {
            continue; // reported as a second plan
        }
        let first_at = first.origin.locate("id");
        diagnostics.push(
            Diagnostic::error(format!(
                "duplicate id `{}`: ids must be unique across the project (ignoring case)",
                record.id
            ))
            .at(record.origin.locate("id"))
            .note(format!("`{}` is already used by {}:{}:{}", first.id, first_at.path, first_at.line, first_at.col))
            .help("rename one of the two records (or set a different `id = \"…\"`)"),
        );
    }
    drop(first_of);
    records.into_iter().zip(duplicate).filter(|(_, dup)| !dup).map(|(r, _)| r).collect()
}

fn plan_count(records: &[Arc<Record>], diagnostics: &mut Vec<Diagnostic>) {
    let plans: Vec<&Arc<Record>> = records.iter().filter(|r| r.kind == Kind::Plan).collect();
    match plans.as_slice() {
        [] => {
            diagnostics.push(Diagnostic::error("no plan record: a project needs exactly one").in_file("content/").help(
                "create `content/plan.md` with `title = \"…\"` in its front matter; its body is the executive summary",
            ))
        }
        [_] => {}
        [first, rest @ ..] => {
            for extra in rest {
                let at = first.origin.locate("title");
                diagnostics.push(
                    Diagnostic::error("a second plan record: a project has exactly one plan")
                        .at(extra.origin.file.locate(extra.origin.span.start..extra.origin.span.start))
                        .note(format!("the plan is already defined at {}:{}", at.path, at.line))
                        .help("turn this file into a `section` (move it to `content/sections/`), or remove it"),
                );
            }
        }
    }
}

fn references(record: &Record, ids: &HashMap<Caseless, &Record>, config: &Config, diagnostics: &mut Vec<Diagnostic>) {
    for (field, index, target) in record.references() {
        if let Some(cycle) = cycle_across_plans(record, field, target, config) {
            diagnostics.push(
                Diagnostic::error(format!("dependency cycle across plans: {cycle}"))
                    .at(record.origin.locate_item(field, index))
                    .help("a gate cannot wait on itself through other plans' gates, or every gate of the cycle stays pending; remove one `depends_on` entry of the cycle"),
            );
        }
        if let Some((plan, id)) = target.split_once('/') {
            if let Err(d) = cross_plan(field, plan, id, config) {
                diagnostics.push(d.at(record.origin.locate_item(field, index)));
            }
            continue;
        }
        // A gate depending on itself is reported as a cycle.
        if target.eq_ignore_ascii_case(&record.id) && field != "depends_on" {
            diagnostics.push(
                Diagnostic::error(format!("`{field}` names `{target}`, which is this record itself"))
                    .at(record.origin.locate_item(field, index))
                    .help(format!("a record cannot {} itself; remove `{target}` from `{field}`", verb(field))),
            );
            continue;
        }
        match ids.get(&Caseless(target)) {
            None => {
                // Suggest records of the kind the field expects, never the record itself.
                let wanted = expected_kind(field);
                let candidates = ids
                    .values()
                    .filter(|r| r.id != record.id && wanted.is_none_or(|k| k == r.kind))
                    .map(|r| r.id.as_str());
                let hint = did_you_mean(target, candidates);
                diagnostics.push(
                    Diagnostic::error(format!("`{field}` names `{target}`, but no record has that id"))
                        .at(record.origin.locate_item(field, index))
                        .help(hint.map_or_else(
                            || "use the id of an existing record, or remove the reference".to_string(),
                            |s| format!("did you mean `{s}`?"),
                        )),
                );
            }
            Some(found) => {
                if let Some(kind) = expected_kind(field).filter(|k| *k != found.kind) {
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "`{field}` must name a {}, but `{target}` is a {}",
                            kind.name(),
                            found.kind.name()
                        ))
                        .at(record.origin.locate_item(field, index)),
                    );
                }
            }
        }
    }
}

/// The cycle of gates through other plans that the `depends_on` entry `target` of `record`
/// is part of, written out; the portfolio found them (see `derive::portfolio`).
fn cycle_across_plans<'a>(record: &Record, field: &str, target: &str, config: &'a Config) -> Option<&'a str> {
    if field != "depends_on" {
        return None;
    }
    let key = (record.id.to_ascii_lowercase(), target.to_ascii_lowercase());
    config.neighbours.as_deref()?.cycles.get(&key).map(String::as_str)
}

/// Checks a reference to another plan's record (`plan/id`) against the portfolio; the caller
/// adds where it is.
fn cross_plan(field: &str, plan: &str, id: &str, config: &Config) -> Result<(), Diagnostic> {
    let Some(neighbours) = config.neighbours.as_deref() else {
        return Err(Diagnostic::error(format!(
            "`{field}` names `{plan}/{id}`, a record of another plan, but this project holds one plan"
        ))
        .help("references across plans work in a portfolio (`plans/<plan>/content/`, see docs/records.md); here, use an id without `/`"));
    };
    if plan.eq_ignore_ascii_case(&neighbours.plan) {
        return Err(Diagnostic::error(format!("`{field}` names `{plan}/{id}`, but `{plan}` is this plan itself"))
            .help(format!("write `{id}`: a record of the same plan is named by its id alone")));
    }
    let Some(records) = neighbours.plans.get(plan) else {
        let plans: Vec<&str> = neighbours.plans.keys().map(String::as_str).collect();
        return Err(Diagnostic::error(format!(
            "`{field}` names `{plan}/{id}`, but the portfolio has no plan `{plan}`"
        ))
        .with_help(did_you_mean(plan, plans.iter().copied()).map(|s| format!("did you mean `{s}/{id}`?")))
        .note(format!("other plans: {}", plans.join(", "))));
    };
    let wanted = expected_kind(field).map(Kind::name);
    let Some(found) =
        records.get(id).or_else(|| records.iter().find(|(k, _)| k.eq_ignore_ascii_case(id)).map(|(_, f)| f))
    else {
        let candidates = records.iter().filter(|(_, f)| wanted.is_none_or(|k| k == f.kind)).map(|(k, _)| k.as_str());
        return Err(Diagnostic::error(format!(
            "`{field}` names `{plan}/{id}`, but plan `{plan}` has no record `{id}`"
        ))
        .help(did_you_mean(id, candidates).map_or_else(
            || format!("use the id of a record of plan `{plan}`, or remove the reference"),
            |s| format!("did you mean `{plan}/{s}`?"),
        )));
    };
    match wanted {
        Some(kind) if kind != found.kind => {
            Err(Diagnostic::error(format!("`{field}` must name a {kind}, but `{plan}/{id}` is a {}", found.kind)))
        }
        _ => Ok(()),
    }
}

/// What a reference field says of the record it names, for messages.
fn verb(field: &str) -> &'static str {
    match field {
        "supersedes" => "supersede",
        "blocks" => "block",
        _ => "relate to",
    }
}

/// The kind a reference field must point at, if it is restricted.
fn expected_kind(field: &str) -> Option<Kind> {
    match field {
        // A gate may wait on any record (a blocker, an action, another gate …).
        "blocks" => Some(Kind::Gate),
        "supersedes" => Some(Kind::Decision),
        _ => None,
    }
}

fn values(record: &Record, config: &Config, diagnostics: &mut Vec<Diagnostic>) {
    let origin = &record.origin;
    match &record.data {
        KindData::Risk(risk) => {
            for (field, v) in [("likelihood", risk.likelihood), ("impact", risk.impact)] {
                if !(1..=5).contains(&v) {
                    diagnostics.push(
                        Diagnostic::error(format!("`{field}` is {v}, outside the scale 1–5"))
                            .at(origin.locate(field))
                            .help("use 1 (rare / negligible) to 5 (almost certain / severe)"),
                    );
                }
            }
        }
        KindData::Metric(metric) => {
            if let Err(why) = metric.target.parsed() {
                diagnostics.push(Diagnostic::error(format!("bad metric target: {why}")).at(origin.locate("target")));
            }
        }
        KindData::Audience(audience) => {
            if let Some(old) = &audience.channel {
                diagnostics.push(replaced_channel(old).at(origin.locate("channel")));
            }
            for (i, recipient) in audience.recipients.iter().enumerate() {
                // Names with addresses (`Zoe <zoe@example.com>`) are fine too.
                if recipient.parse::<lettre::message::Mailbox>().is_err() {
                    diagnostics.push(
                        Diagnostic::error(format!("recipient `{recipient}` is not an email address"))
                            .at(origin.locate_item("recipients", i))
                            .help("write `name@example.com` or `Name <name@example.com>`"),
                    );
                }
            }
        }
        KindData::Gate(gate) if !config.gates.groups.is_empty() && !config.gates.groups.contains(&gate.group) => {
            let hint = did_you_mean(&gate.group, config.gates.groups.iter().map(String::as_str));
            diagnostics.push(
                Diagnostic::error(format!(
                    "gate group `{}` is not one of `[gates] groups` in statuspress.toml: {}",
                    gate.group,
                    config.gates.groups.join(", ")
                ))
                .at(origin.locate("group"))
                .help(hint.map_or_else(
                    || "add the group to `[gates] groups`, or use one of those".to_string(),
                    |s| format!("did you mean `{s}`?"),
                )),
            );
        }
        KindData::Milestone(m) => {
            if let (Some(start), Some(end)) = (m.start, m.end)
                && end < start
            {
                diagnostics.push(
                    Diagnostic::error(format!("milestone ends ({end}) before it starts ({start})"))
                        .at(origin.locate("end")),
                );
            }
            if !m.weeks.is_empty() && (m.start.is_some() || m.end.is_some()) {
                diagnostics.push(
                    Diagnostic::error("a milestone has either `start`/`end` dates or `weeks`, not both")
                        .at(origin.locate_key("weeks"))
                        .help("keep the dates, or the week numbers relative to the plan's `start`"),
                );
            }
            if let Some((i, week)) = m.weeks.iter().enumerate().find(|(_, w)| !WEEKS.contains(*w)) {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "week {week} is outside the plan weeks {}–{}",
                        WEEKS.start(),
                        WEEKS.end()
                    ))
                    .at(origin.locate_item("weeks", i))
                    .help("week 1 is the week of the plan's `start`; for a later stretch give the milestone `start`/`end` dates"),
                );
            }
        }
        // Every kind is named, so a new one is a compile error here until its values are
        // considered (a gate in a listed group is fine).
        KindData::Gate(_)
        | KindData::Plan(_)
        | KindData::Assessment(_)
        | KindData::Blocker(_)
        | KindData::Decision(_)
        | KindData::Action(_)
        | KindData::Section(_) => {}
    }
}

/// Gates' `depends_on` must form no cycle; each cycle is reported once, at its first gate.
fn cycles(records: &[Arc<Record>], diagnostics: &mut Vec<Diagnostic>) {
    let edges: BTreeMap<String, Vec<String>> = records
        .iter()
        .filter_map(|r| match &r.data {
            KindData::Gate(g) => {
                Some((r.id.to_ascii_lowercase(), g.depends_on.iter().map(|d| d.to_ascii_lowercase()).collect()))
            }
            _ => None,
        })
        .collect();
    let by_id: HashMap<String, &Record> = records.iter().map(|r| (r.id.to_ascii_lowercase(), r.as_ref())).collect();
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    let mut marks: HashMap<&str, Mark> = HashMap::new();
    for start in edges.keys() {
        if marks.contains_key(start.as_str()) {
            continue;
        }
        // Iterative DFS keeping the current path, so a cycle can be printed in order.
        let mut path: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        marks.insert(start, Mark::Visiting);
        while let Some((node, next)) = path.last_mut() {
            let deps = edges.get(*node).map_or(&[][..], Vec::as_slice);
            if *next >= deps.len() {
                marks.insert(node, Mark::Done);
                path.pop();
                continue;
            }
            let dep = deps[*next].as_str();
            *next += 1;
            match marks.get(dep) {
                Some(Mark::Visiting) => {
                    let from = path.iter().position(|(n, _)| *n == dep).unwrap_or(0);
                    let names: Vec<&str> =
                        path[from..].iter().map(|(n, _)| by_id.get(*n).map_or(*n, |r| r.id.as_str())).collect();
                    let first = by_id[path[from].0];
                    let back = names[0];
                    let index = match &first.data {
                        KindData::Gate(g) => g
                            .depends_on
                            .iter()
                            .position(|d| d.eq_ignore_ascii_case(names.get(1).copied().unwrap_or(back)))
                            .unwrap_or(0),
                        _ => 0,
                    };
                    diagnostics.push(
                        Diagnostic::error(format!("dependency cycle: {} → {back}", names.join(" → ")))
                            .at(first.origin.locate_item("depends_on", index))
                            .help("a gate cannot depend on itself, directly or through others; remove one `depends_on` entry"),
                    );
                }
                Some(Mark::Done) => {}
                None if edges.contains_key(dep) => {
                    marks.insert(dep, Mark::Visiting);
                    path.push((dep, 0));
                }
                None => {}
            }
        }
    }
}

/// The old free-text `channel`: `"email"` said what `recipients` do anyway, so it only
/// warns; any other value named a place that was silently never used, so it is an error.
fn replaced_channel(old: &str) -> Diagnostic {
    let help = "`channels` replaced it: email goes to `recipients`; for chat, webhooks and issue comments write \
                `channels = [{ kind = \"slack\", url_env = \"TEAM_SLACK_WEBHOOK\" }]` (kinds: slack, teams, \
                mattermost, webhook, github, gitlab; see docs/records.md), with `cadence` saying how often";
    if old.trim().eq_ignore_ascii_case("email") {
        Diagnostic::warning("`channel = \"email\"` is no longer read: remove it").help(help)
    } else {
        Diagnostic::error(format!(
            "`channel = \"{old}\"` is no longer read, so nothing would reach this audience there"
        ))
        .help(help)
    }
}
