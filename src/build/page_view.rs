//! A write-up's own page as its template sees it: the entry, the body, the
//! moments and times, the impact, the timeline (with its picture), the
//! lessons and the action items, each with the id a link can point at
//! (`anchors.rs`).

use super::anchors;
use super::fields::FieldsHtml;
use super::views::{shown_time, EntryView, LinkView, TermsView};
use crate::config::Config;
use crate::content::{WriteUp, ENTRY_TYPES};
use crate::datetime::{self, human_duration, offset_label};
use serde::Serialize;
use std::borrow::Cow;
#[derive(Serialize)]
pub struct MomentView {
    pub label: &'static str,
    pub at: String,
    pub datetime: String,
    pub approx: bool,
    /// Time since the start, for detected/mitigated/resolved.
    pub after: Option<String>,
}

#[derive(Serialize)]
pub struct TimelineRow {
    /// What a link to it ends with (`#t-2018-10-07-1845`).
    pub id: String,
    pub time: String,
    pub datetime: String,
    pub approx: bool,
    pub offset: Option<String>,
    /// Plain text, as written.
    pub event: String,
    /// Inline Markdown as HTML.
    pub event_html: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Serialize)]
pub struct ImpactView {
    pub summary: Option<String>,
    pub summary_html: Option<String>,
    pub users: Option<String>,
    pub requests: Option<String>,
    pub revenue: Option<String>,
    pub data_loss: Option<String>,
    pub data_loss_html: Option<String>,
}

#[derive(Serialize)]
pub struct ActionView {
    pub id: String,
    pub task: String,
    pub task_html: String,
    pub owner: String,
    pub priority: Option<String>,
    pub status: &'static str,
    pub closed: bool,
    pub overdue: bool,
    pub due: Option<String>,
    pub ticket: Option<String>,
    pub ticket_url: Option<String>,
}

#[derive(Serialize)]
pub struct RelatedView {
    pub title: String,
    pub url: String,
    pub date_long: String,
    /// Services and tags it shares with this write-up (empty for explicit links).
    pub shared: Vec<String>,
    pub explicit: bool,
}

#[derive(Serialize)]
pub struct LessonsView {
    pub went_well: Vec<String>,
    pub went_wrong: Vec<String>,
    pub lucky: Vec<String>,
    pub learned: Vec<String>,
    /// The same, as HTML.
    pub went_well_html: Vec<String>,
    pub went_wrong_html: Vec<String>,
    pub lucky_html: Vec<String>,
    pub learned_html: Vec<String>,
    /// The four kinds that have lessons, each lesson with its id.
    pub groups: Vec<LessonGroup>,
}

#[derive(Serialize)]
pub struct LessonGroup {
    /// `went_well`, `went_wrong`, `lucky`, `learned`.
    pub key: &'static str,
    /// `What went well`.
    pub title: &'static str,
    pub lessons: Vec<Lesson>,
}

#[derive(Serialize)]
pub struct Lesson {
    pub id: String,
    pub html: String,
}

/// A write-up's own page.
#[derive(Serialize)]
pub struct PageView<'a> {
    /// Borrowed from the lists' entries when it is the same (see
    /// [`page_entry`]).
    #[serde(flatten)]
    pub entry: Cow<'a, EntryView>,
    /// Borrowed: a page's body is its largest value, and copying it into
    /// the template context once is enough.
    pub body_html: &'a str,
    /// The zone its times are shown in: its own `timezone`, else the site's.
    pub timezone: String,
    /// Other names it is known by.
    pub aliases: &'a [String],
    /// The team's own keys (`extra:` in its front matter); empty without.
    pub extra: Cow<'a, serde_json::Value>,
    pub moments: Vec<MomentView>,
    pub time_to_detect: Option<String>,
    pub time_to_mitigate: Option<String>,
    pub time_to_resolve: Option<String>,
    pub impact: ImpactView,
    pub timeline: Vec<TimelineRow>,
    /// The timeline drawn (a `<figure>` with an inline SVG), with two
    /// entries or more; on the write-up's page only.
    pub glance: Option<String>,
    pub lessons: LessonsView,
    pub action_items: Vec<ActionView>,
    pub related: Vec<RelatedView>,
    pub previous: Option<LinkView>,
    pub next: Option<LinkView>,
    /// The site's own taxonomies this write-up names terms of.
    pub taxonomies: Vec<TermsView>,
}

fn count(n: u64) -> String {
    crate::text::thousands(n as usize)
}

pub(crate) fn page_view<'a>(
    w: &'a WriteUp,
    entry: Cow<'a, EntryView>,
    body_html: &'a str,
    fields: &FieldsHtml,
    config: &Config,
    today: jiff::civil::Date,
) -> PageView<'a> {
    let tz = &w.tz(&config.tz);
    let start = w.start();
    let moments = [
        ("Started", "started", w.incident.started),
        ("Detected", "detected", w.incident.detected),
        ("Mitigated", "mitigated", w.incident.mitigated),
        ("Resolved", "resolved", w.incident.resolved),
    ]
    .into_iter()
    .filter_map(|(label, key, at)| {
        let at = at?;
        let approx = w.incident.is_approx(key);
        Some(MomentView {
            label,
            at: shown_time(w, at, tz, approx),
            datetime: datetime::rfc3339(at, tz),
            approx,
            after: match (label, start) {
                ("Started", _) | (_, None) => None,
                (_, Some(s)) => Some(human_duration(at.as_second() - s.as_second())),
            },
        })
    })
    .collect();
    let timeline_ids = anchors::timeline_ids(w, tz);
    let timeline = w
        .timeline
        .iter()
        .enumerate()
        .map(|(i, e)| TimelineRow {
            id: timeline_ids[i].clone(),
            time: shown_time(w, e.at, tz, e.approx),
            datetime: datetime::rfc3339(e.at, tz),
            approx: e.approx,
            offset: start.map(|s| offset_label(e.at.as_second() - s.as_second())),
            event: e.event.clone(),
            event_html: FieldsHtml::or_plain(
                fields.events.get(i).and_then(Option::as_ref),
                &e.event,
            ),
            kind: if ENTRY_TYPES.contains(&e.kind.as_str()) {
                e.kind.clone()
            } else {
                "note".into()
            },
        })
        .collect();
    let item_ids = anchors::item_ids(w);
    let action_items = w
        .action_items
        .iter()
        .enumerate()
        .map(|(i, a)| ActionView {
            id: item_ids[i].clone(),
            task: a.task.clone(),
            task_html: FieldsHtml::or_plain(fields.tasks.get(i).and_then(Option::as_ref), &a.task),
            owner: a.owner.clone(),
            priority: a.priority.clone(),
            status: a.status.as_str(),
            closed: a.status.is_closed(),
            overdue: a.is_overdue(today),
            due: a.due.map(|d| d.to_string()),
            ticket: a.ticket.as_deref().map(crate::tickets::label),
            ticket_url: a.ticket_link(config),
        })
        .collect();
    let timezone = w
        .timezone
        .clone()
        .unwrap_or_else(|| config.timezone.clone());
    PageView {
        entry,
        body_html,
        // Drawn by the page that shows it (`pages::writeup_page`): a feed
        // item has no picture.
        glance: None,
        timezone,
        aliases: &w.aliases,
        extra: match &w.extra {
            Some(extra) => Cow::Borrowed(extra),
            None => Cow::Owned(serde_json::Value::Object(Default::default())),
        },
        moments,
        time_to_detect: w.time_to_detect().map(human_duration),
        time_to_mitigate: w.time_to_mitigate().map(human_duration),
        time_to_resolve: w.time_to_resolve().map(human_duration),
        impact: ImpactView {
            summary: w.impact.summary.clone(),
            summary_html: w
                .impact
                .summary
                .as_deref()
                .map(|s| FieldsHtml::or_plain(fields.impact_summary.as_ref(), s)),
            users: w.impact.users.map(count),
            requests: w.impact.requests.map(count),
            revenue: w.impact.revenue.map(|r| {
                let whole = r.round();
                if (r - whole).abs() < f64::EPSILON && whole.abs() < 1e15 {
                    count(whole.abs() as u64)
                } else {
                    format!("{r:.2}")
                }
            }),
            data_loss: w.impact.data_loss.clone(),
            data_loss_html: w
                .impact
                .data_loss
                .as_deref()
                .map(|s| FieldsHtml::or_plain(fields.data_loss.as_ref(), s)),
        },
        timeline,
        lessons: lessons_view(w, fields),
        action_items,
        related: Vec::new(),
        taxonomies: Vec::new(),
        previous: None,
        next: None,
    }
}

fn lessons_view(w: &WriteUp, fields: &FieldsHtml) -> LessonsView {
    let l = &w.lessons;
    let html = [
        FieldsHtml::all_or_plain(&fields.went_well, &l.went_well),
        FieldsHtml::all_or_plain(&fields.went_wrong, &l.went_wrong),
        FieldsHtml::all_or_plain(&fields.lucky, &l.lucky),
        FieldsHtml::all_or_plain(&fields.learned, &l.learned),
    ];
    let ids = anchors::lesson_ids([&l.went_well, &l.went_wrong, &l.lucky, &l.learned]);
    let groups = [
        ("went_well", "What went well"),
        ("went_wrong", "What went wrong"),
        ("lucky", "Where we got lucky"),
        ("learned", "What we learned"),
    ]
    .into_iter()
    .zip(html.iter().zip(ids))
    .filter(|(_, (html, _))| !html.is_empty())
    .map(|((key, title), (html, ids))| LessonGroup {
        key,
        title,
        lessons: html
            .iter()
            .zip(ids)
            .map(|(html, id)| Lesson {
                id,
                html: html.clone(),
            })
            .collect(),
    })
    .collect();
    let [went_well_html, went_wrong_html, lucky_html, learned_html] = html;
    LessonsView {
        went_well: l.went_well.clone(),
        went_wrong: l.went_wrong.clone(),
        lucky: l.lucky.clone(),
        learned: l.learned.clone(),
        went_well_html,
        went_wrong_html,
        lucky_html,
        learned_html,
        groups,
    }
}
