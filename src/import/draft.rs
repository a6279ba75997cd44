//! A write-up being imported: the fields the recognizers found, every
//! guess with the line it came from, the parts of the source they took
//! (left out of the body), and the write-up's text.

use super::text::quoted;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;

/// A value found in the source, with where.
#[derive(Debug, Clone, Serialize)]
pub struct Guess {
    pub field: String,
    pub value: String,
    pub line: usize,
    /// The source text it was read from.
    pub source: String,
}

#[derive(Debug, Clone, Default)]
pub struct Entry {
    /// As the front matter will say it (`2019-12-04 00:30 CET`).
    pub at: String,
    pub approx: bool,
    pub event: String,
    pub kind: Option<&'static str>,
}

#[derive(Debug, Clone, Default)]
pub struct Item {
    pub task: String,
    pub owner: Option<String>,
    pub status: Option<&'static str>,
    pub ticket: Option<String>,
    pub priority: Option<String>,
    pub due: Option<String>,
}

/// A moment left out of the write-up, with what it would have been.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Doubt {
    pub field: String,
    pub candidate: String,
    pub why: String,
}

#[derive(Debug, Default)]
pub struct Draft {
    pub title: Option<String>,
    pub dek: Option<String>,
    pub summary: Option<String>,
    pub date: Option<Date>,
    /// The date the document's own text gives (title, header, first
    /// sentences), the day of times before any other is stated. Not a date
    /// from a file name or a publication date in a foreign front matter.
    pub day_context: Option<Date>,
    pub status: Option<String>,
    pub severity: Option<String>,
    /// A severity the document states that is not one of the site's.
    pub severity_stated: Option<String>,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub timezone: Option<String>,
    /// started, detected, mitigated, resolved: `at` text and approximate.
    pub moments: [Option<(String, bool)>; 4],
    pub impact: Option<String>,
    pub users: Option<u64>,
    pub requests: Option<u64>,
    pub timeline: Vec<Entry>,
    pub went_well: Vec<String>,
    pub went_wrong: Vec<String>,
    pub lucky: Vec<String>,
    pub learned: Vec<String>,
    pub items: Vec<Item>,
    pub related: Vec<String>,
    pub extra: BTreeMap<String, String>,
    pub guesses: Vec<Guess>,
    pub missing: Vec<String>,
    /// Moments found but not written as fact, with why.
    pub doubts: Vec<Doubt>,
    /// Commitments in prose (`We will ...`), reported, not written.
    pub suggestions: Vec<Guess>,
    /// Ranges of the source the fields took, left out of the body.
    pub taken: Vec<Range<usize>>,
}

pub const MOMENTS: [&str; 4] = ["started", "detected", "mitigated", "resolved"];

impl Draft {
    pub fn guess(&mut self, field: &str, value: &str, line: usize, source: &str) {
        let source = source.lines().next().unwrap_or("").trim();
        let source: String = source.chars().take(80).collect();
        self.guesses.push(Guess {
            field: field.to_string(),
            value: value.to_string(),
            line,
            source,
        });
    }
}

fn list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| quoted(s)).collect();
    format!("[{}]", items.join(", "))
}

/// The front matter of `draft` (without the `---` lines). A required value
/// it lacks is an empty key with a `# TODO`, which `check` names.
pub fn front_matter(d: &Draft, severities: &[&str]) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    match &d.title {
        Some(t) => line(format!("title: {}", quoted(t))),
        None => line("title:   # TODO: no title found in the source".into()),
    }
    if let Some(dek) = &d.dek {
        line(format!("dek: {}", quoted(dek)));
    }
    match d.date {
        Some(date) => line(format!("date: {date}")),
        None => {
            line("date:   # TODO: no date found; write the publication date, YYYY-MM-DD".into())
        }
    }
    if let Some(status) = &d.status {
        line(format!("status: {status}"));
    }
    match &d.severity {
        Some(s) => line(format!("severity: {s}")),
        None => match &d.severity_stated {
            Some(stated) => line(format!(
                "severity:   # TODO: the source says {}; one of {} (or import with --severity)",
                quoted(stated),
                severities.join(", ")
            )),
            None => line(format!(
                "severity:   # TODO: not in the source; one of {} (or import with --severity)",
                severities.join(", ")
            )),
        },
    }
    if d.authors.is_empty() {
        line("authors:   # TODO: not in the source; a list such as [your-team] (or import with --author)".into());
    } else {
        line(format!("authors: {}", list(&d.authors)));
    }
    if !d.tags.is_empty() {
        line(format!("tags: {}", list(&d.tags)));
    }
    if let Some(tz) = &d.timezone {
        line(format!("timezone: {tz}"));
    }
    if let Some(summary) = &d.summary {
        line(format!("summary: {}", quoted(summary)));
    }
    if d.moments.iter().any(Option::is_some)
        || d.doubts.iter().any(|x| x.field.starts_with("incident."))
    {
        line("incident:".into());
        for (key, moment) in MOMENTS.iter().zip(&d.moments) {
            if let Some((at, approx)) = moment {
                let mark = if *approx { "~" } else { "" };
                line(format!("  {key}: {}", quoted(&format!("{mark}{at}"))));
            }
            let field = format!("incident.{key}");
            if let Some(doubt) = d.doubts.iter().find(|x| x.field == field) {
                let why = doubt.why.replace('\n', " ");
                line(format!(
                    "  {key}:   # TODO: {}? not sure: {why}",
                    doubt.candidate
                ));
            }
        }
    }
    let impact_doubt = |key: &str| d.doubts.iter().find(|x| x.field == format!("impact.{key}"));
    if d.impact.is_some()
        || d.users.is_some()
        || d.requests.is_some()
        || d.doubts.iter().any(|x| x.field.starts_with("impact."))
    {
        line("impact:".into());
        if let Some(s) = &d.impact {
            line(format!("  summary: {}", quoted(s)));
        }
        for (key, n) in [("users", d.users), ("requests", d.requests)] {
            if let Some(n) = n {
                line(format!("  {key}: {n}"));
            } else if let Some(doubt) = impact_doubt(key) {
                let why = doubt.why.replace('\n', " ");
                line(format!(
                    "  {key}:   # TODO: {}? not sure: {why}",
                    doubt.candidate
                ));
            }
        }
    }
    if !d.timeline.is_empty() {
        line("timeline:".into());
        for e in &d.timeline {
            line(format!("  - at: {}", quoted(&e.at)));
            if e.approx {
                line("    approx: true".into());
            }
            if let Some(kind) = e.kind {
                line(format!("    type: {kind}"));
            }
            line(format!("    event: {}", quoted(&e.event)));
        }
    }
    if !(d.went_well.is_empty()
        && d.went_wrong.is_empty()
        && d.lucky.is_empty()
        && d.learned.is_empty())
    {
        line("lessons:".into());
        for (key, items) in [
            ("went_well", &d.went_well),
            ("went_wrong", &d.went_wrong),
            ("lucky", &d.lucky),
            ("learned", &d.learned),
        ] {
            if !items.is_empty() {
                line(format!("  {key}:"));
                for item in items {
                    line(format!("    - {}", quoted(item)));
                }
            }
        }
    }
    if !d.items.is_empty() {
        line("action_items:".into());
        for item in &d.items {
            line(format!("  - task: {}", quoted(&item.task)));
            match &item.owner {
                Some(o) => line(format!("    owner: {}", quoted(o))),
                None => {
                    line("    owner:   # TODO: not in the source (or import with --author)".into())
                }
            }
            if let Some(p) = &item.priority {
                line(format!("    priority: {p}"));
            }
            if let Some(s) = item.status {
                line(format!("    status: {s}"));
            }
            if let Some(due) = &item.due {
                line(format!("    due: {due}"));
            }
            if let Some(t) = &item.ticket {
                line(format!("    ticket: {}", quoted(t)));
            }
        }
    }
    if !d.related.is_empty() {
        line(format!("related: {}", list(&d.related)));
    }
    if !d.extra.is_empty() {
        line("extra:".into());
        for (key, value) in &d.extra {
            line(format!("  {}: {}", quoted(key), quoted(value)));
        }
    }
    out
}
