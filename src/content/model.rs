//! The write-up model: a write-up as read from its file and validated,
//! its parts (moments, impact, timeline, lessons, action items), and what
//! is derived from them (durations, the first moment, whether an item is
//! overdue). Every command and page reads write-ups through these types.

use super::Asset;
use crate::markdown::Scan;
use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Review,
    Published,
}

impl Status {
    pub const NAMES: &'static [&'static str] = &["draft", "review", "published"];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Review => "review",
            Status::Published => "published",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemStatus {
    Open,
    InProgress,
    Done,
    Wontfix,
}

impl ItemStatus {
    pub const NAMES: &'static [&'static str] = &["open", "in-progress", "done", "wontfix"];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Open => "open",
            ItemStatus::InProgress => "in-progress",
            ItemStatus::Done => "done",
            ItemStatus::Wontfix => "wontfix",
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, ItemStatus::Done | ItemStatus::Wontfix)
    }
}

/// The standard kinds of timeline entry.
pub const ENTRY_TYPES: &[&str] = &[
    "trigger",
    "detection",
    "escalation",
    "action",
    "mitigation",
    "resolution",
    "note",
];

/// The key moments of an incident.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Moments {
    pub started: Option<Timestamp>,
    pub detected: Option<Timestamp>,
    pub mitigated: Option<Timestamp>,
    pub resolved: Option<Timestamp>,
    /// The moments given as approximate (`~2019-12-04 00:30`), by key.
    #[serde(default)]
    pub approx: Vec<String>,
}

impl Moments {
    pub fn is_approx(&self, key: &str) -> bool {
        self.approx.iter().any(|k| k == key)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Impact {
    pub summary: Option<String>,
    pub users: Option<u64>,
    pub requests: Option<u64>,
    pub revenue: Option<f64>,
    pub data_loss: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: Timestamp,
    pub event: String,
    /// One of [`ENTRY_TYPES`].
    pub kind: String,
    /// Given as approximate (`~17:20`, `± 17:20 UTC`, `approx: true`).
    #[serde(default)]
    pub approx: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Lessons {
    pub went_well: Vec<String>,
    pub went_wrong: Vec<String>,
    pub lucky: Vec<String>,
    /// What the team takes away, not sorted into the three above.
    #[serde(default)]
    pub learned: Vec<String>,
}

impl Lessons {
    /// Each list with its key, in the order pages show them.
    pub fn lists(&self) -> [(&'static str, &Vec<String>); 4] {
        [
            ("went_well", &self.went_well),
            ("went_wrong", &self.went_wrong),
            ("lucky", &self.lucky),
            ("learned", &self.learned),
        ]
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActionItem {
    pub task: String,
    pub owner: String,
    pub priority: Option<String>,
    pub status: ItemStatus,
    pub due: Option<Date>,
    pub ticket: Option<String>,
}

impl ActionItem {
    /// Whether it is still to do and was due before `today`: the one rule
    /// `check`'s warnings, the pages and the exports share.
    pub fn is_overdue(&self, today: Date) -> bool {
        !self.status.is_closed() && self.due.is_some_and(|due| due < today)
    }

    /// Its ticket's link: the ticket when it is a URL, else through the
    /// site's `ticket_url`.
    pub fn ticket_link(&self, config: &crate::config::Config) -> Option<String> {
        crate::tickets::link(config.ticket_url.as_ref(), self.ticket.as_deref()?)
    }
}

/// Where a write-up's action items stand on a day. Each item is counted
/// once: an overdue item is counted as overdue, not also as open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FollowUps {
    pub done: usize,
    pub wontfix: usize,
    pub in_progress: usize,
    pub open: usize,
    pub overdue: usize,
}

impl FollowUps {
    pub fn of(items: &[ActionItem], today: Date) -> FollowUps {
        let mut tally = FollowUps::default();
        for item in items {
            let count = match item.status {
                _ if item.is_overdue(today) => &mut tally.overdue,
                ItemStatus::Done => &mut tally.done,
                ItemStatus::Wontfix => &mut tally.wontfix,
                ItemStatus::InProgress => &mut tally.in_progress,
                ItemStatus::Open => &mut tally.open,
            };
            *count += 1;
        }
        tally
    }

    pub fn total(&self) -> usize {
        self.done + self.wontfix + self.in_progress + self.open + self.overdue
    }

    /// `2 done · 1 in progress · 2 overdue`: the counts that are not zero,
    /// from the finished to the late; empty without action items.
    pub fn line(&self) -> String {
        [
            (self.done, "done"),
            (self.wontfix, "won't do"),
            (self.in_progress, "in progress"),
            (self.open, "open"),
            (self.overdue, "overdue"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect::<Vec<_>>()
        .join(" · ")
    }
}

/// One validated write-up.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WriteUp {
    /// Path shown in messages, relative to the site root (`content/a.md`).
    pub file: String,
    /// Path inside `content/`, with `/` separators (`2018/a.md`).
    pub content_path: String,
    /// File name without `.md`.
    pub stem: String,
    /// The whole file, for diagnostics. (Not in the parse cache, which is
    /// looked up by it.)
    #[serde(skip)]
    pub text: std::sync::Arc<str>,
    /// A hash of `file`, `content_path` and `text`, to tell whether the
    /// file changed since another load. (Not in the parse cache either.)
    #[serde(skip)]
    pub source_hash: u64,
    /// Byte offset of the body in `text`, and its 1-based first line.
    pub body_start: usize,
    pub body_line: usize,
    pub title: String,
    pub dek: Option<String>,
    pub date: Date,
    /// When it was last changed in substance (`updated:`); feeds announce
    /// it again from that day.
    #[serde(default)]
    pub updated: Option<Date>,
    /// Other names people know it by (`aliases:`): shown on its page and
    /// found by search.
    #[serde(default)]
    pub aliases: Vec<String>,
    pub slug: String,
    pub slug_explicit: bool,
    pub status: Status,
    pub severity: String,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub services: Vec<String>,
    pub summary: Option<String>,
    pub incident: Moments,
    pub impact: Impact,
    pub timeline: Vec<TimelineEntry>,
    pub lessons: Lessons,
    pub action_items: Vec<ActionItem>,
    pub related: Vec<String>,
    /// The write-up's own time zone as written (an IANA name), when it
    /// names one; else its times show in the site's.
    pub timezone: Option<String>,
    /// The team's own keys (`extra:`), as they were written.
    pub extra: Option<serde_json::Value>,
    /// The values of the site's own taxonomies, by key (those it names).
    pub terms: std::collections::BTreeMap<String, Vec<String>>,
    /// The `check` rules it allows for itself (`lint_allow:`), by name.
    #[serde(default)]
    pub lint_allow: Vec<String>,
    pub scan: Scan,
    /// The files its body refers to, published beside its page. (Found on
    /// every load: files change without the write-up changing.)
    #[serde(skip)]
    pub assets: Vec<Asset>,
}

impl WriteUp {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// The names this write-up gives taxonomy `key` (built-in or not).
    pub fn names(&self, key: &str) -> &[String] {
        match key {
            "tags" => &self.tags,
            "services" => &self.services,
            "authors" => &self.authors,
            "severity" => std::slice::from_ref(&self.severity),
            other => self.terms.get(other).map_or(&[], Vec::as_slice),
        }
    }

    /// The zone its times are shown in: its own, else the site's.
    pub fn tz(&self, site: &jiff::tz::TimeZone) -> jiff::tz::TimeZone {
        self.timezone
            .as_deref()
            .and_then(crate::datetime::known_zone)
            .unwrap_or_else(|| site.clone())
    }

    /// Whether the front matter gives `field`, a dotted path such as
    /// `incident.detected`, `lessons` (any of its lists), `extra.<key>`
    /// or a site's own taxonomy. A list or a text must not be empty.
    pub fn has(&self, field: &str) -> bool {
        let i = &self.impact;
        let l = &self.lessons;
        let m = &self.incident;
        match field {
            "title" => !self.title.is_empty(),
            "dek" => self.dek.is_some(),
            "summary" => self.summary.is_some(),
            "tags" => !self.tags.is_empty(),
            "services" => !self.services.is_empty(),
            "authors" => !self.authors.is_empty(),
            "incident" => {
                m.started.is_some()
                    || m.detected.is_some()
                    || m.mitigated.is_some()
                    || m.resolved.is_some()
            }
            "incident.started" => m.started.is_some(),
            "incident.detected" => m.detected.is_some(),
            "incident.mitigated" => m.mitigated.is_some(),
            "incident.resolved" => m.resolved.is_some(),
            "impact" => {
                i.summary.is_some()
                    || i.users.is_some()
                    || i.requests.is_some()
                    || i.revenue.is_some()
                    || i.data_loss.is_some()
            }
            "impact.summary" => i.summary.is_some(),
            "impact.users" => i.users.is_some(),
            "impact.requests" => i.requests.is_some(),
            "impact.revenue" => i.revenue.is_some(),
            "impact.data_loss" => i.data_loss.is_some(),
            "timeline" => !self.timeline.is_empty(),
            "lessons" => l.lists().iter().any(|(_, list)| !list.is_empty()),
            "lessons.went_well" => !l.went_well.is_empty(),
            "lessons.went_wrong" => !l.went_wrong.is_empty(),
            "lessons.lucky" => !l.lucky.is_empty(),
            "lessons.learned" => !l.learned.is_empty(),
            "action_items" => !self.action_items.is_empty(),
            "related" => !self.related.is_empty(),
            "timezone" => self.timezone.is_some(),
            other => match other.strip_prefix("extra.") {
                Some(key) => self
                    .extra
                    .as_ref()
                    .and_then(|e| e.get(key))
                    .is_some_and(|v| !v.is_null() && v.as_str() != Some("")),
                None => !self.names(other).is_empty(),
            },
        }
    }

    /// The explicit summary, else the body's first paragraph.
    pub fn summary_text(&self) -> &str {
        self.summary
            .as_deref()
            .unwrap_or(self.scan.first_paragraph.as_str())
    }

    fn seconds_between(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<i64> {
        Some(b?.as_second() - a?.as_second())
    }

    pub fn time_to_detect(&self) -> Option<i64> {
        Self::seconds_between(self.incident.started, self.incident.detected)
    }

    pub fn time_to_mitigate(&self) -> Option<i64> {
        Self::seconds_between(self.incident.started, self.incident.mitigated)
    }

    pub fn time_to_resolve(&self) -> Option<i64> {
        Self::seconds_between(self.incident.started, self.incident.resolved)
    }

    /// How long users were affected: to mitigation, else to resolution.
    pub fn outage_seconds(&self) -> Option<i64> {
        self.time_to_mitigate().or_else(|| self.time_to_resolve())
    }

    /// The first moment known: `incident.started`, else the first timeline entry.
    pub fn start(&self) -> Option<Timestamp> {
        self.incident
            .started
            .or_else(|| self.timeline.first().map(|e| e.at))
    }

    /// 1-based line and column in the file of a byte offset in the body.
    pub fn body_position(&self, offset: usize) -> (usize, usize) {
        let (line, column) = crate::text::line_column(self.body(), offset);
        (self.body_line + line - 1, column)
    }
}
