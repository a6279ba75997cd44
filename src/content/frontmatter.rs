//! Reads and validates one write-up's front matter (already parsed YAML)
//! into the content model, recording every problem with its field path.

use super::when;
use super::{ActionItem, Impact, ItemStatus, Lessons, Status, WriteUp};
use crate::config::{Config, FRONT_MATTER_KEYS};
use crate::datetime;
use crate::text::did_you_mean;
use crate::yaml::{FieldPath, Reader};
use jiff::civil::Date;
use serde_yaml::{Mapping, Value};

/// Keys people write for ones the format names otherwise.
const KEY_HINTS: &[(&str, &str)] = &[
    ("description", "did you mean `summary` (a paragraph on what happened) or `dek` (a short line under the title)?"),
    ("author", "did you mean `authors`? It takes a list: authors: [your-name]"),
    ("time_zone", "did you mean `timezone`?"),
    ("tz", "did you mean `timezone`?"),
    ("categories", "did you mean `tags`?"),
    ("alias", "did you mean `aliases`? It takes a list: aliases: [the stale snapshot]"),
    ("lastmod", "did you mean `updated`? (the day the write-up was last changed)"),
    ("modified", "did you mean `updated`? (the day the write-up was last changed)"),
];

fn required<'v>(r: &mut Reader, map: &'v Mapping, key: &str, example: &str) -> Option<&'v Value> {
    let value = map.get(key);
    if value.is_none() || value == Some(&Value::Null) {
        r.error(
            &FieldPath::root().key(key),
            format!("missing required key `{key}`"),
            Some(format!("add a line such as `{example}`")),
        );
        return None;
    }
    value
}

/// Reads the front matter into `w`, whose fields it does not give keep
/// their defaults; `named` is the date the write-up's file or folder name
/// starts with, which stands for a missing `date`.
pub fn read(r: &mut Reader, value: &Value, config: &Config, named: Option<Date>, w: &mut WriteUp) {
    let root = FieldPath::root();
    let declared = config.declared_taxonomies();
    let mut keys: Vec<&str> = FRONT_MATTER_KEYS.to_vec();
    keys.extend(declared.iter().map(|t| t.key.as_str()));
    let Some(map) = r.mapping_hinted(value, &root, &keys, KEY_HINTS) else {
        return;
    };
    // The zone comes first: every other time is read in it.
    let zone = map
        .get("timezone")
        .and_then(|v| when::read_zone(r, v, &root.key("timezone")));
    let tz = &zone
        .as_ref()
        .map_or_else(|| config.tz.clone(), |(_, tz)| tz.clone());
    w.timezone = zone.map(|(name, _)| name);
    let p = |k: &str| root.key(k);

    if let Some(v) = required(
        r,
        map,
        "title",
        "title: Database replaced with a stale snapshot",
    ) {
        if let Some(title) = r.text(v, &p("title")) {
            w.title = title;
        }
    }
    // The date as given: a missing one is no day for the timeline's times.
    let mut date = None;
    if named.is_some() && map.get("date").is_none() {
        date = named;
    } else if let Some(v) = required(r, map, "date", "date: 2018-10-07") {
        if let Some(text) = r.text(v, &p("date")) {
            match datetime::parse_date(&text, tz) {
                Ok(d) => date = Some(d),
                Err(e) => r.error(&p("date"), format!("date: {e}"), None),
            }
        }
    }
    if let Some(date) = date {
        w.date = date;
    }
    if let Some(v) = map.get("updated") {
        if let Some(text) = r.text(v, &p("updated")) {
            match datetime::parse_date(&text, tz) {
                Ok(day) if date.is_some_and(|date| day < date) => r.error(
                    &p("updated"),
                    format!("updated: {day} is before the write-up's date, {}", w.date),
                    Some("give the day the write-up was last changed".into()),
                ),
                Ok(day) => w.updated = Some(day),
                Err(e) => r.error(&p("updated"), format!("updated: {e}"), None),
            }
        }
    }
    let severities = config.severity_names();
    let example = format!(
        "severity: {}",
        severities
            .get(severities.len() / 2)
            .copied()
            .unwrap_or("SEV3")
    );
    if let Some(v) = required(r, map, "severity", &example) {
        if let Some(severity) = r.one_of(v, &p("severity"), &severities, "a configured severity") {
            w.severity = severity;
        }
    }
    if let Some(v) = required(r, map, "authors", "authors: [your-name]") {
        w.authors = r.text_list(v, &p("authors"));
        // An author whose name is wrong is named as such, not as none.
        if w.authors.is_empty() && matches!(v, Value::Sequence(items) if items.is_empty()) {
            r.error(
                &p("authors"),
                "authors: name at least one author",
                Some("for example authors: [db-oncall]".into()),
            );
        }
    }
    if let Some(v) = map.get("dek") {
        w.dek = r.string(v, &p("dek")).filter(|s| !s.trim().is_empty());
    }
    if let Some(v) = map.get("slug") {
        if let Some(slug) = r.text(v, &p("slug")) {
            let clean = crate::text::slugify(&slug);
            if slug.len() > crate::confine::MAX_NAME_BYTES {
                r.error(
                    &p("slug"),
                    format!(
                        "slug: it is {} bytes long; the folder it names may be at most {}",
                        slug.len(),
                        crate::confine::MAX_NAME_BYTES
                    ),
                    Some("shorten it".into()),
                );
            } else if clean == slug {
                w.slug = slug;
                w.slug_explicit = true;
            } else {
                r.error(
                    &p("slug"),
                    format!("slug: {slug:?} is not a valid slug"),
                    Some(format!(
                        "use lowercase letters, digits and hyphens, for example `{clean}`"
                    )),
                );
            }
        }
    }
    if let Some(v) = map.get("status") {
        if let Some(status) = r.one_of(v, &p("status"), Status::NAMES, "a status") {
            w.status = match status.as_str() {
                "draft" => Status::Draft,
                "review" => Status::Review,
                _ => Status::Published,
            };
        }
    }
    for (key, slot) in [("tags", &mut w.tags), ("services", &mut w.services)] {
        if let Some(v) = map.get(key) {
            *slot = r.text_list(v, &p(key));
        }
    }
    if let Some(v) = map.get("related") {
        w.related = r.text_list(v, &p("related"));
    }
    if let Some(v) = map.get("aliases") {
        w.aliases = r.text_list(v, &p("aliases"));
    }
    for taxonomy in declared {
        let Some(v) = map.get(taxonomy.key.as_str()) else {
            continue;
        };
        let path = p(&taxonomy.key);
        let names = r.text_list(v, &path);
        if !taxonomy.values.is_empty() {
            for (i, name) in names.iter().enumerate() {
                if taxonomy.allowed(name).is_none() {
                    let at = path.index(i);
                    r.error(
                        &at,
                        format!(
                            "{at}: {name:?} is not one of the values of `{}` in the configuration",
                            taxonomy.key
                        ),
                        Some(taxonomy.vocabulary_hint(name)),
                    );
                }
            }
        }
        w.terms.insert(taxonomy.key.clone(), names);
    }
    if let Some(v) = map.get("summary") {
        w.summary = r.string(v, &p("summary")).filter(|s| !s.trim().is_empty());
    }
    if let Some(v) = map.get("incident") {
        w.incident = when::read_moments(r, v, &p("incident"), tz);
    }
    if let Some(v) = map.get("impact") {
        w.impact = read_impact(r, v, &p("impact"));
    }
    if let Some(v) = map.get("timeline") {
        let first_day = w.incident.started.map(|t| datetime::day_of(t, tz)).or(date);
        w.timeline = when::read_timeline(r, v, &p("timeline"), tz, first_day);
    }
    if let Some(v) = map.get("lessons") {
        w.lessons = read_lessons(r, v, &p("lessons"));
    }
    if let Some(v) = map.get("action_items") {
        w.action_items = read_action_items(r, v, &p("action_items"), config, tz);
    }
    if let Some(v) = map.get("extra") {
        w.extra = read_extra(r, v, &p("extra"));
    }
    if let Some(v) = map.get("lint_allow") {
        let rules = crate::config::Rule::names();
        for (i, name) in r.text_list(v, &p("lint_allow")).into_iter().enumerate() {
            if rules.contains(&name.as_str()) {
                w.lint_allow.push(name);
            } else {
                let hint = match did_you_mean(&name, &rules) {
                    Some(s) => format!("did you mean `{s}`? The rules: {}", rules.join(", ")),
                    None => format!("the rules: {}", rules.join(", ")),
                };
                let at = p("lint_allow").index(i);
                r.error(
                    &at,
                    format!("{at}: {name:?} is not a rule of `check`"),
                    Some(hint),
                );
            }
        }
    }
}

fn read_impact(r: &mut Reader, value: &Value, path: &FieldPath) -> Impact {
    let mut impact = Impact::default();
    let Some(map) = r.mapping(
        value,
        path,
        &["summary", "users", "requests", "revenue", "data_loss"],
    ) else {
        return impact;
    };
    if let Some(v) = map.get("summary") {
        impact.summary = r
            .string(v, &path.key("summary"))
            .filter(|s| !s.trim().is_empty());
    }
    for key in ["users", "requests"] {
        let Some(v) = map.get(key) else { continue };
        let field = path.key(key);
        // `users:   # TODO: 6?`: a count nobody is sure of yet (import
        // writes a bound so) is not shown, and said.
        let n = if matches!(v, Value::Null) {
            r.warning(
                &field,
                format!("{field} is empty, so pages leave it out"),
                Some(format!(
                    "write the count if it is known (the comment may suggest one), for example `{key}: 1200`, or remove the key"
                )),
            );
            None
        } else {
            r.whole_number(v, &field)
        };
        match key {
            "users" => impact.users = n,
            _ => impact.requests = n,
        }
    }
    if let Some(v) = map.get("revenue") {
        impact.revenue = r.number(v, &path.key("revenue"));
    }
    if let Some(v) = map.get("data_loss") {
        impact.data_loss = r
            .string(v, &path.key("data_loss"))
            .filter(|s| !s.trim().is_empty());
    }
    impact
}

fn read_lessons(r: &mut Reader, value: &Value, path: &FieldPath) -> Lessons {
    let mut lessons = Lessons::default();
    let Some(map) = r.mapping(
        value,
        path,
        &["went_well", "went_wrong", "lucky", "learned"],
    ) else {
        return lessons;
    };
    for (key, slot) in [
        ("went_well", &mut lessons.went_well),
        ("went_wrong", &mut lessons.went_wrong),
        ("lucky", &mut lessons.lucky),
        ("learned", &mut lessons.learned),
    ] {
        if let Some(v) = map.get(key) {
            *slot = r.text_list(v, &path.key(key));
        }
    }
    lessons
}

fn read_action_items(
    r: &mut Reader,
    value: &Value,
    path: &FieldPath,
    config: &Config,
    tz: &jiff::tz::TimeZone,
) -> Vec<ActionItem> {
    let mut out = Vec::new();
    let Some(items) = r.list(value, path) else {
        return out;
    };
    let priorities: Vec<&str> = config.priorities.iter().map(String::as_str).collect();
    for (i, item) in items.iter().enumerate() {
        let ip = path.index(i);
        let Some(map) = r.mapping(
            item,
            &ip,
            &["task", "owner", "priority", "status", "due", "ticket"],
        ) else {
            continue;
        };
        let need = |r: &mut Reader, key: &str, example: &str| match map.get(key) {
            None | Some(Value::Null) => {
                r.error(
                    &ip,
                    format!("{ip}: action item without `{key}`"),
                    Some(format!("add `{key}: {example}`")),
                );
                None
            }
            Some(v) => r.text(v, &ip.key(key)),
        };
        let task = need(r, "task", "what will be done");
        let owner = need(r, "owner", "a person or team");
        let priority = map
            .get("priority")
            .and_then(|v| r.one_of(v, &ip.key("priority"), &priorities, "a configured priority"));
        let status = match map.get("status") {
            None => Some(ItemStatus::Open),
            Some(v) => r
                .one_of(
                    v,
                    &ip.key("status"),
                    ItemStatus::NAMES,
                    "an action item status",
                )
                .map(|s| match s.as_str() {
                    "in-progress" => ItemStatus::InProgress,
                    "done" => ItemStatus::Done,
                    "wontfix" => ItemStatus::Wontfix,
                    _ => ItemStatus::Open,
                }),
        };
        let due = map.get("due").and_then(|v| {
            let text = r.text(v, &ip.key("due"))?;
            match datetime::parse_date(&text, tz) {
                Ok(d) => Some(d),
                Err(e) => {
                    r.error(&ip.key("due"), format!("{ip}.due: {e}"), None);
                    None
                }
            }
        });
        let ticket = map.get("ticket").and_then(|v| r.text(v, &ip.key("ticket")));
        if let (Some(ticket), Some(templates)) = (&ticket, &config.ticket_url) {
            if !crate::tickets::is_url(ticket) && !templates.covers(ticket) {
                let at = ip.key("ticket");
                r.warning(
                    &at,
                    format!(
                        "{at}: {ticket:?} matches no prefix of `ticket_url` ({}), so it is not linked",
                        templates.prefixes().join(", ")
                    ),
                    Some("add a template for its prefix to `ticket_url` in blameless.yaml, or write the ticket as a URL".into()),
                );
            }
        }
        if let (Some(task), Some(owner), Some(status)) = (task, owner, status) {
            out.push(ActionItem {
                task,
                owner,
                priority,
                status,
                due,
                ticket,
            });
        }
    }
    out
}

/// `extra:`: a mapping of the team's own keys, kept as JSON for templates
/// and `incidents.json`.
fn read_extra(r: &mut Reader, value: &Value, path: &FieldPath) -> Option<serde_json::Value> {
    let Value::Mapping(map) = value else {
        r.error(
            path,
            format!("{path}: expected a mapping of your own keys to values"),
            Some("for example `extra: {customer_ticket: CS-4411, region: eu-west-1}`".into()),
        );
        return None;
    };
    for key in map.keys() {
        if !matches!(key, Value::String(_)) {
            let shown = serde_yaml::to_string(key).unwrap_or_default();
            r.error(
                &path.key(shown.trim()),
                format!("{path}: the key {} is not text", shown.trim()),
                Some("quote the key so that it is kept as written".into()),
            );
            return None;
        }
    }
    match serde_json::to_value(value) {
        Ok(json) => Some(json),
        Err(e) => {
            r.error(
                path,
                format!("{path}: cannot be kept: {e}"),
                Some("keys inside `extra` must be text; quote them".into()),
            );
            None
        }
    }
}
