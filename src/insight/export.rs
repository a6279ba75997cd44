//! Machine-readable exports: `/incidents.json` (every published write-up's
//! front matter with derived metrics) and `/action-items.csv`. The README
//! documents both shapes.

use crate::config::Config;
use crate::content::WriteUp;
use crate::datetime::rfc3339;
use jiff::civil::Date;
use jiff::Timestamp;
use rayon::prelude::*;
use serde::Serialize;

#[derive(Serialize)]
struct Moments<'a> {
    started: Option<String>,
    detected: Option<String>,
    mitigated: Option<String>,
    resolved: Option<String>,
    /// The moments given as approximate.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    approx: &'a [String],
}

#[derive(Serialize)]
struct Metrics {
    time_to_detect_seconds: Option<i64>,
    time_to_mitigate_seconds: Option<i64>,
    time_to_resolve_seconds: Option<i64>,
    outage_seconds: Option<i64>,
}

#[derive(Serialize)]
struct Impact<'a> {
    summary: Option<&'a str>,
    users: Option<u64>,
    requests: Option<u64>,
    revenue: Option<f64>,
    data_loss: Option<&'a str>,
}

#[derive(Serialize)]
struct Entry<'a> {
    at: String,
    event: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    approx: bool,
}

#[derive(Serialize)]
struct Lessons<'a> {
    went_well: &'a [String],
    went_wrong: &'a [String],
    lucky: &'a [String],
    learned: &'a [String],
}

#[derive(Serialize)]
struct Item<'a> {
    task: &'a str,
    owner: &'a str,
    priority: Option<&'a str>,
    status: &'static str,
    due: Option<String>,
    overdue: bool,
    /// As pages name it: an id as written, a URL's short form (`repo#12`).
    ticket: Option<String>,
    ticket_url: Option<String>,
}

#[derive(Serialize)]
struct Incident<'a> {
    slug: &'a str,
    url: String,
    title: &'a str,
    dek: Option<&'a str>,
    date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    status: &'static str,
    severity: &'a str,
    authors: &'a [String],
    tags: &'a [String],
    services: &'a [String],
    /// Each of the site's own taxonomies, by key: the names it gives.
    #[serde(flatten)]
    own: std::collections::BTreeMap<&'a str, &'a [String]>,
    summary: &'a str,
    /// The zone of its times' offsets: its own, else the site's.
    timezone: &'a str,
    incident: Moments<'a>,
    metrics: Metrics,
    impact: Impact<'a>,
    timeline: Vec<Entry<'a>>,
    lessons: Lessons<'a>,
    action_items: Vec<Item<'a>>,
    related: &'a [String],
    word_count: usize,
    /// The team's own keys, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    extra: Option<&'a serde_json::Value>,
}

#[derive(Serialize)]
struct Head<'a> {
    generator: String,
    site: &'a str,
    base_url: &'a str,
    timezone: &'a str,
    count: usize,
}

fn stamp(ts: Option<Timestamp>, tz: &jiff::tz::TimeZone) -> Option<String> {
    ts.map(|t| rfc3339(t, tz))
}

/// One write-up as `/incidents.json` lists it.
fn incident<'a>(
    w: &'a WriteUp,
    config: &'a Config,
    today: Date,
    url_of: &dyn Fn(&WriteUp) -> String,
) -> Incident<'a> {
    let tz = &w.tz(&config.tz);
    Incident {
        slug: &w.slug,
        url: url_of(w),
        title: &w.title,
        dek: w.dek.as_deref(),
        date: w.date.to_string(),
        updated: w.updated.map(|d| d.to_string()),
        status: w.status.as_str(),
        severity: &w.severity,
        authors: &w.authors,
        tags: &w.tags,
        services: &w.services,
        own: config
            .declared_taxonomies()
            .iter()
            .map(|t| (t.key.as_str(), w.names(&t.key)))
            .collect(),
        summary: w.summary_text(),
        timezone: w.timezone.as_deref().unwrap_or(&config.timezone),
        incident: Moments {
            started: stamp(w.incident.started, tz),
            detected: stamp(w.incident.detected, tz),
            mitigated: stamp(w.incident.mitigated, tz),
            resolved: stamp(w.incident.resolved, tz),
            approx: &w.incident.approx,
        },
        metrics: Metrics {
            time_to_detect_seconds: w.time_to_detect(),
            time_to_mitigate_seconds: w.time_to_mitigate(),
            time_to_resolve_seconds: w.time_to_resolve(),
            outage_seconds: w.outage_seconds(),
        },
        impact: Impact {
            summary: w.impact.summary.as_deref(),
            users: w.impact.users,
            requests: w.impact.requests,
            revenue: w.impact.revenue,
            data_loss: w.impact.data_loss.as_deref(),
        },
        timeline: w
            .timeline
            .iter()
            .map(|e| Entry {
                at: rfc3339(e.at, tz),
                event: &e.event,
                kind: &e.kind,
                approx: e.approx,
            })
            .collect(),
        lessons: Lessons {
            went_well: &w.lessons.went_well,
            went_wrong: &w.lessons.went_wrong,
            lucky: &w.lessons.lucky,
            learned: &w.lessons.learned,
        },
        action_items: w
            .action_items
            .iter()
            .map(|a| Item {
                task: &a.task,
                owner: &a.owner,
                priority: a.priority.as_deref(),
                status: a.status.as_str(),
                due: a.due.map(|d| d.to_string()),
                overdue: a.is_overdue(today),
                ticket: a.ticket.as_deref().map(crate::tickets::label),
                ticket_url: a.ticket_link(config),
            })
            .collect(),
        related: &w.related,
        word_count: w.scan.words,
        extra: w.extra.as_ref(),
    }
}

/// `/incidents.json`, in pieces to be written one after the other:
/// `writeups` newest first, `url_of` gives each page's absolute URL.
pub fn incidents_json(
    writeups: &[&WriteUp],
    config: &Config,
    today: Date,
    url_of: &(dyn Fn(&WriteUp) -> String + Sync),
) -> Vec<Vec<u8>> {
    let head = Head {
        generator: format!("blameless {}", env!("CARGO_PKG_VERSION")),
        site: &config.title,
        base_url: &config.base_url,
        timezone: &config.timezone,
        count: writeups.len(),
    };
    // Compact: at 10,000 write-ups pretty-printing adds a third to the size.
    let head = serde_json::to_string(&head).unwrap_or_else(|_| "{}".into());
    // The head's fields, then `incidents` as the last one.
    let mut pieces = vec![format!(
        "{},\"incidents\":[",
        head.strip_suffix('}').unwrap_or(&head)
    )
    .into_bytes()];
    // Each incident is serialised on its own, in parallel, after its
    // separator, and written as it is: the whole document (37 MB at 10,000
    // write-ups) is never one string.
    pieces.par_extend(writeups.par_iter().enumerate().map(|(i, w)| {
        let mut piece = if i == 0 { Vec::new() } else { b",".to_vec() };
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut piece, &incident(w, config, today, url_of));
        piece
    }));
    pieces.push(b"]}\n".to_vec());
    pieces
}

/// One CSV field: quoted when needed (RFC 4180), and never read as a
/// formula by a spreadsheet (a leading `=`, `+`, `-`, `@` gets a `'`).
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// `/action-items.csv`, one row per action item.
pub fn action_items_csv(
    writeups: &[&WriteUp],
    config: &Config,
    today: Date,
    url_of: &dyn Fn(&WriteUp) -> String,
) -> String {
    let mut out = String::from("incident,incident_title,incident_url,incident_date,task,owner,priority,status,due,overdue,ticket,ticket_url\r\n");
    for w in writeups {
        for a in &w.action_items {
            let fields = [
                w.slug.clone(),
                w.title.clone(),
                url_of(w),
                w.date.to_string(),
                a.task.clone(),
                a.owner.clone(),
                a.priority.clone().unwrap_or_default(),
                a.status.as_str().to_string(),
                a.due.map(|d| d.to_string()).unwrap_or_default(),
                a.is_overdue(today).to_string(),
                a.ticket
                    .as_deref()
                    .map(crate::tickets::label)
                    .unwrap_or_default(),
                a.ticket_link(config).unwrap_or_default(),
            ];
            let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&row.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
    }
}
