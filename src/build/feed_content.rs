//! A write-up as a feed reader shows it with `feed.full_content`: its facts,
//! its body, then the impact, the timeline, the lessons and the action
//! items, as plain HTML (lists rather than tables, no picture, no classes)
//! that any reader renders. Its relative addresses are made absolute by the
//! caller.

use super::page_view::{page_view, PageView};
use super::Rendering;
use crate::text::escape_html;
use std::fmt::Write as _;

pub(super) fn content(site: &Rendering, i: usize) -> String {
    let d = &site.derived;
    let w = d.writeups[i];
    let entry = std::borrow::Cow::Borrowed(&d.entries[i].view);
    let page = page_view(w, entry, &d.bodies[i], &d.fields[i], d.config, d.today);
    let mut out = String::with_capacity(d.bodies[i].len() + 2048);
    facts(&mut out, &page);
    out.push_str(&d.bodies[i]);
    impact(&mut out, &page);
    if !page.timeline.is_empty() {
        let _ = write!(
            out,
            "<h2>Timeline</h2><p>Times in {}.</p><ul>",
            escape_html(&page.timezone)
        );
        for row in &page.timeline {
            let _ = write!(
                out,
                "<li><strong>{}</strong> ({}) {}</li>",
                escape_html(&row.time),
                escape_html(&row.kind),
                row.event_html
            );
        }
        out.push_str("</ul>");
    }
    if !page.lessons.groups.is_empty() {
        out.push_str("<h2>Lessons</h2>");
        for group in &page.lessons.groups {
            let _ = write!(out, "<h3>{}</h3><ul>", group.title);
            for lesson in &group.lessons {
                let _ = write!(out, "<li>{}</li>", lesson.html);
            }
            out.push_str("</ul>");
        }
    }
    if !page.action_items.is_empty() {
        let _ = write!(
            out,
            "<h2>Action items</h2><p>{}</p><ul>",
            escape_html(&page.entry.follow_ups)
        );
        for a in &page.action_items {
            let mut about = vec![escape_html(&a.owner), escape_html(a.status)];
            if a.overdue {
                about.push("<strong>overdue</strong>".into());
            }
            about.extend(a.priority.as_deref().map(escape_html));
            about.extend(a.due.as_deref().map(|due| format!("due {due}")));
            match (&a.ticket, &a.ticket_url) {
                (Some(ticket), Some(url)) => about.push(format!(
                    "<a href=\"{}\">{}</a>",
                    escape_html(url),
                    escape_html(ticket)
                )),
                (Some(ticket), None) => about.push(escape_html(ticket)),
                _ => {}
            }
            let _ = write!(out, "<li>{} ({})</li>", a.task_html, about.join(", "));
        }
        out.push_str("</ul>");
    }
    out
}

/// The facts a reader wants before the story: severity, services, times.
fn facts(out: &mut String, page: &PageView) {
    let e = &page.entry;
    let mut facts = vec![format!(
        "<strong>{}</strong>{}",
        escape_html(&e.severity.name),
        if e.severity.description.is_empty() {
            String::new()
        } else {
            format!(" ({})", escape_html(&e.severity.description))
        }
    )];
    if !e.services.is_empty() {
        let names: Vec<String> = e.services.iter().map(|s| escape_html(&s.name)).collect();
        facts.push(format!("Services: {}", names.join(", ")));
    }
    for (label, value) in [
        ("Started", &e.started),
        ("Duration", &e.duration),
        ("Time to detect", &page.time_to_detect),
        ("Time to resolve", &page.time_to_resolve),
    ] {
        if let Some(value) = value {
            facts.push(format!("{label}: {}", escape_html(value)));
        }
    }
    if let Some(dek) = &e.dek {
        let _ = write!(out, "<p><em>({})</em></p>", escape_html(dek));
    }
    let _ = write!(out, "<p>{}</p>", facts.join(" · "));
}

fn impact(out: &mut String, page: &PageView) {
    let i = &page.impact;
    let figures: Vec<String> = [
        (&i.users, "users affected"),
        (&i.requests, "requests affected"),
        (&i.revenue, "revenue impact"),
    ]
    .into_iter()
    .filter_map(|(value, what)| Some(format!("<li>{} {what}</li>", escape_html(value.as_ref()?))))
    .chain(
        i.data_loss_html
            .iter()
            .map(|loss| format!("<li>Data loss: {loss}</li>")),
    )
    .collect();
    if i.summary_html.is_none() && figures.is_empty() {
        return;
    }
    out.push_str("<h2>Impact</h2>");
    if let Some(summary) = &i.summary_html {
        let _ = write!(out, "<p>{summary}</p>");
    }
    if !figures.is_empty() {
        let _ = write!(out, "<ul>{}</ul>", figures.concat());
    }
}
