//! Timelines, wherever a document keeps them. Under a heading such as
//! Timeline every entry led by a time counts; elsewhere a block counts
//! when it is dense with them (three entries or more, and most of its
//! items): list items, table rows, lines of a paragraph, runs of
//! paragraphs, and dated sub-headings with the paragraphs under them. An
//! entry's text runs on over its hard-wrapped lines. Days come from the
//! document's structure (`clock.rs`); a document with no such block but
//! sentences that give times with their zone (`At 15:23 UTC we heard`) has
//! those as its timeline. A marker or a word suggests an entry's type and
//! the incident's key moments.

use super::clock::{At, Clock};
use super::document::{item_text, BlockKind, Document};
use super::draft::{Draft, Entry, MOMENTS};
use super::moment::{moment_at_start, Moment};
use super::when::{day_line, stated_zone};
use narrative::{is_completion, narrative};

#[path = "narrative.rs"]
mod narrative;

/// A type suggested by what an entry says, and the moment it marks.
fn kind_of(event: &str) -> (Option<&'static str>, Option<usize>) {
    let e = super::text::plain(event).to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| e.contains(w));
    if has(&["outage begins", "outage starts"]) {
        (Some("trigger"), Some(0))
    } else if has(&[
        "outage ends",
        "outage over",
        "declared resolved",
        "marked resolved",
        "marked as resolved",
    ]) {
        (Some("resolution"), Some(3))
    } else if has(&[
        "paged",
        "pages the",
        "pinged",
        "alerted",
        "detected",
        "detects",
        "noticed",
        "notices",
        "incident declared",
        "received a report",
        "first report",
        "first recorded",
        "first instance",
        "first sign",
        "reported",
    ]) || (has(&["alert", "alarm"])
        // An alert that goes off, not work on alerting.
        && has(&[" fire", "trigger", "went off", "raised", "received", "discovered"]))
    {
        (Some("detection"), Some(1))
    } else if has(&[
        "rolled back",
        "rollback",
        "roll back",
        "reverted",
        "mitigat",
        "workaround",
        "failed over",
    ]) && !has(&["fails", "failed to", "did not", "didn't", "despite"])
    {
        (Some("mitigation"), Some(2))
    } else if has(&[
        "resolved",
        "fully restored",
        "service restored",
        "fully recovered",
        "all systems operational",
        "returned to normal",
        "back to normal",
        "updated to green",
        "incident closed",
        "closed the incident",
        "changed to green",
        "all clear",
        "operating normally",
        "fully operational",
    ]) {
        (Some("resolution"), Some(3))
    } else if has(&["escalat"]) {
        (Some("escalation"), None)
    } else {
        (None, None)
    }
}

fn is_timeline(title: &str) -> bool {
    let t = title.to_lowercase();
    super::vocab::TIMELINE.iter().any(|w| t.contains(w))
}

/// Sections whose times are not the incident's: logs and transcripts kept
/// for the record.
fn is_record(title: &str) -> bool {
    let t = title.to_lowercase();
    super::vocab::RECORDS.iter().any(|w| {
        t.split(|c: char| !c.is_alphanumeric())
            .any(|x| x == *w || x.starts_with(w))
    })
}

/// The first sentence of a paragraph, as the event of a dated heading.
fn first_sentence(text: &str) -> String {
    let text = crate::text::squash_whitespace(text);
    match text.find(". ") {
        Some(end) if end > 20 => text[..=end].to_string(),
        _ => text,
    }
}

/// An entry found in a block: its moment, text, line and source.
struct Found {
    moment: Moment,
    event: String,
    line: usize,
    source: String,
}

/// What one block holds: its entries, the days it states, and whether
/// every part of it is an entry (so that it can leave the body).
struct Read {
    entries: Vec<Found>,
    /// Items or lines that are neither an entry nor a day.
    others: usize,
    whole: bool,
}

/// A list item's text: its first paragraph, its hard-wrapped lines joined.
fn item_lines(source: &str) -> String {
    let text = item_text(source);
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with(['-', '*', '+']) && t.len() > 1 && t.as_bytes()[1] == b' '
        {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

/// Reads one block: days stated in it move `clock`; entries are returned
/// with the day each had then.
fn read_block(
    doc: &Document,
    kind: &BlockKind,
    range: &std::ops::Range<usize>,
    clock: &mut Clock,
) -> Read {
    let line = doc.line(range.start);
    let mut read = Read {
        entries: Vec::new(),
        others: 0,
        whole: true,
    };
    match kind {
        BlockKind::List(items) => {
            for r in items {
                let source = doc.source(r);
                let text = item_lines(source);
                match moment_at_start(&text).filter(|m| !m.rest.is_empty()) {
                    Some(m) => read.entries.push(Found {
                        event: m.rest.clone(),
                        moment: m,
                        line: doc.line(r.start),
                        source: source.lines().next().unwrap_or("").to_string(),
                    }),
                    None => {
                        if let Some(day) = day_line(&text, clock.near()) {
                            clock.state_day(day);
                        } else {
                            read.others += 1;
                        }
                        read.whole = false;
                    }
                }
                read.whole &= !source
                    .trim_start_matches(['-', '*', '+', ' '])
                    .contains("\n\n");
            }
        }
        BlockKind::Paragraph => {
            let source = doc.source(range);
            for (i, l) in source.lines().enumerate() {
                if let Some(m) = moment_at_start(l).filter(|m| !m.rest.is_empty()) {
                    read.entries.push(Found {
                        event: m.rest.clone(),
                        moment: m,
                        line: line + i,
                        source: l.to_string(),
                    });
                } else if let Some(day) = day_line(l, clock.near()).filter(|_| l.len() < 80) {
                    // `2022-11-22 (all times UTC)`: the day and zone of what follows.
                    clock.state_day(day);
                    if let Some(z) = stated_zone(l) {
                        clock.zone = Some(z);
                    }
                } else if let Some(last) = read.entries.last_mut() {
                    // A hard-wrapped entry runs on.
                    last.event.push(' ');
                    last.event.push_str(l.trim());
                } else {
                    read.others += 1;
                    read.whole = false;
                }
            }
        }
        BlockKind::Table(head, rows) => {
            let lower: Vec<String> = head.iter().map(|h| h.to_lowercase()).collect();
            let Some(t) = lower
                .iter()
                .position(|h| h.contains("time") || h.contains("date") || h == "when")
            else {
                read.whole = false;
                return read;
            };
            // A separate Date column before or after the Time column.
            let date_col = lower
                .iter()
                .enumerate()
                .position(|(i, h)| i != t && h.contains("date") && !h.contains("time"));
            let e = lower
                .iter()
                .position(|h| {
                    h.contains("event") || h.contains("what") || h.contains("description")
                })
                .unwrap_or(if t == 0 { 1 } else { 0 });
            if let Some(z) = stated_zone(&head[t]) {
                clock.zone = Some(z);
            }
            read.whole = head.len() == 2 + usize::from(date_col.is_some());
            for (i, row) in rows.iter().enumerate() {
                let (Some(time), Some(event)) = (row.get(t), row.get(e)) else {
                    read.whole = false;
                    continue;
                };
                let when = match date_col.and_then(|c| row.get(c)) {
                    Some(date) => format!("{date} {time} x"),
                    None => format!("{time} x"),
                };
                match moment_at_start(&when) {
                    Some(m) if !event.is_empty() => read.entries.push(Found {
                        moment: m,
                        event: crate::text::squash_whitespace(&event.replace("<br>", " ")),
                        line: line + 2 + i,
                        source: format!("| {} |", row.join(" | ")),
                    }),
                    _ => {
                        read.others += 1;
                        read.whole = false;
                    }
                }
            }
        }
        BlockKind::Other => read.whole = false,
    }
    read
}

/// The moment a heading gives, when it is one (`### 2018 October 21 22:52
/// UTC`): the paragraph under it says what happened.
fn dated_heading(doc: &Document, s: usize) -> Option<Found> {
    let section = &doc.sections[s];
    let m = moment_at_start(&section.title).filter(|m| m.rest.is_empty())?;
    let range = section.heading.clone()?;
    let event = section
        .blocks
        .iter()
        .find(|b| matches!(b.kind, BlockKind::Paragraph))
        .map(|b| first_sentence(doc.source(&b.range)))
        .filter(|e| !e.is_empty())?;
    Some(Found {
        moment: m,
        event,
        line: doc.line(range.start),
        source: doc.source(&range).to_string(),
    })
}

pub fn timeline(doc: &Document, d: &mut Draft, default_zone: Option<&str>) {
    let mut clock = Clock {
        zone: stated_zone(doc.text).or(default_zone.map(str::to_string)),
        document: d.day_context,
        ..Clock::default()
    };
    let named: Vec<usize> = (0..doc.sections.len())
        .filter(|&i| is_timeline(&doc.sections[i].title))
        .flat_map(|i| std::iter::once(i).chain(doc.children(i)))
        .collect();
    let mut entries: Vec<(At, Found)> = Vec::new();
    let mut heading_line = None;
    // Paragraphs that each lead with a time, in a row, are one block.
    let mut run: Vec<(At, Found, std::ops::Range<usize>)> = Vec::new();
    let flush = |run: &mut Vec<(At, Found, std::ops::Range<usize>)>,
                 entries: &mut Vec<(At, Found)>,
                 d: &mut Draft,
                 in_named: bool| {
        if run.len() >= 3 || (in_named && !run.is_empty()) {
            for (at, found, range) in run.drain(..) {
                d.taken.push(range);
                entries.push((at, found));
            }
        }
        run.clear();
    };
    for (s, section) in doc.sections.iter().enumerate() {
        let in_named = named.contains(&s);
        if is_record(&section.title) && !in_named {
            flush(&mut run, &mut entries, d, in_named);
            continue;
        }
        if in_named && heading_line.is_none() && is_timeline(&section.title) {
            let range = section.heading.clone().unwrap_or(0..0);
            heading_line = Some((doc.line(range.start), doc.source(&range).to_string()));
        }
        if let Some(z) = section
            .heading
            .as_ref()
            .and_then(|_| stated_zone(&section.title))
        {
            clock.zone = Some(z);
        }
        if let Some(found) = dated_heading(doc, s).filter(|_| in_named) {
            flush(&mut run, &mut entries, d, in_named);
            let at = clock.at(&found.moment);
            entries.push((at, found));
            continue;
        }
        if let Some(day) = day_line(&section.title, clock.near()).filter(|_| section.level > 0) {
            clock.state_day(day);
        } else if let Some((date, _)) = super::when::date_in_prose(&section.title) {
            clock.nearby = Some(date);
        }
        for block in &section.blocks {
            let read = read_block(doc, &block.kind, &block.range, &mut clock);
            let led = read.entries.len();
            let one_paragraph =
                matches!(block.kind, BlockKind::Paragraph) && led == 1 && read.whole;
            if one_paragraph {
                let mut found = read.entries;
                let f = found.remove(0);
                let at = clock.at(&f.moment);
                run.push((at, f, block.range.clone()));
                continue;
            }
            flush(&mut run, &mut entries, d, in_named);
            let dense = led >= 3 && led * 5 >= (led + read.others) * 3;
            if led == 0 || !(in_named || dense) {
                continue;
            }
            for f in read.entries {
                let at = clock.at(&f.moment);
                entries.push((at, f));
            }
            if read.whole {
                d.taken.push(block.range.clone());
            }
        }
        flush(&mut run, &mut entries, d, in_named);
    }
    let mut lead = None;
    let mut spans = Vec::new();
    if entries.is_empty() {
        (entries, lead, spans) = narrative(doc, &mut clock);
        // A story whose times go back to one it gives no day for (`At 4:02
        // PM a change shipped. At 3:02 PM it was reverted.`) moves across
        // days it does not name: its entries cannot be placed.
        let back = entries.windows(2).find(|w| {
            let (a, b) = (&w[0].0, &w[1].0);
            w[1].1.moment.day.is_none()
                && !w[1].1.moment.next_day
                && a.zone == b.zone
                && (b.day, b.time) < (a.day, a.time)
        });
        if let Some(w) = back {
            d.doubts.push(super::draft::Doubt {
                field: "timeline".into(),
                candidate: format!("{} entries", entries.len()),
                why: format!(
                    "its times go back ({}, then {}) and the document gives no day for the later",
                    w[0].0.text(),
                    w[1].0.text()
                ),
            });
            entries.clear();
            spans.clear();
            lead = None;
        }
    }
    let mut marks: Vec<(usize, usize)> = Vec::new();
    for (i, (at, f)) in entries.into_iter().enumerate() {
        let (mut kind, mut mark) = kind_of(&f.event);
        // `we reverted it - an action completed by 15:56 UTC`: the moment
        // the entry before marks is when it was done.
        if lead.is_some() && kind.is_none() && is_completion(&f.event) {
            let before = d.timeline.len().checked_sub(1);
            // Only work can be completed: a mitigation or a resolution.
            if let Some(last) = marks.last().filter(|m| Some(m.1) == before && m.0 >= 2) {
                mark = Some(last.0);
                kind = before.and_then(|b| d.timeline[b].kind);
                marks.pop();
            }
        }
        if lead == Some(i) && mark.is_none() {
            marks.push((0, d.timeline.len()));
        }
        if let Some(kind) = kind {
            d.guess("timeline type", kind, f.line, &f.source);
        }
        if let Some(mark) = mark {
            marks.push((mark, d.timeline.len()));
        }
        if at.rolled {
            d.guess(
                "timeline day",
                &at.text(),
                f.line,
                "the clock passed midnight after the entry before",
            );
        }
        d.timeline.push(Entry {
            at: at.text(),
            approx: f.moment.approx,
            event: super::text::plain(&f.event),
            kind,
        });
    }
    if let Some(z) = &clock.zone {
        if d.timezone.is_none() && d.timeline.iter().any(|e| e.at.ends_with(z.as_str())) {
            d.guess("timezone", z, 0, "the zone the timeline's times are in");
        }
    }
    let count = d.timeline.len();
    if count > 0 {
        let (line, source) = heading_line.unwrap_or((0, "times led by a time in the text".into()));
        d.guess("timeline", &format!("{count} entries"), line, &source);
    }
    in_time_order(d, &mut marks);
    moments(d, &marks);
    // The end of a span the story states about the incident, where no
    // entry says when it was resolved.
    if let Some(span) = spans.iter().find(|s| s.about_incident) {
        if d.moments[3].is_none() {
            d.moments[3] = Some((span.end.text(), span.approx));
            d.guess(
                "incident.resolved",
                &span.end.text(),
                span.line,
                &span.source,
            );
        }
    }
}

/// Puts the entries in time order when the document's rows were not (a
/// row added later, out of place), each keeping its stated time; said in
/// the report. Entries without a full date are left as they are.
fn in_time_order(d: &mut Draft, marks: &mut [(usize, usize)]) {
    let zone = d
        .timezone
        .as_deref()
        .and_then(crate::datetime::known_zone)
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let instants: Option<Vec<jiff::Timestamp>> = d
        .timeline
        .iter()
        .map(
            |e| match crate::datetime::parse_stamp(&e.at, &zone).ok()?.stamp {
                crate::datetime::Stamp::Full(ts) => Some(ts),
                crate::datetime::Stamp::TimeOnly(..) => None,
            },
        )
        .collect();
    let Some(instants) = instants else { return };
    if instants.windows(2).all(|w| w[0] <= w[1]) {
        return;
    }
    let mut order: Vec<usize> = (0..instants.len()).collect();
    order.sort_by_key(|&i| instants[i]);
    let moved: Vec<String> = order
        .iter()
        .enumerate()
        .filter(|(to, from)| to != *from)
        .map(|(_, &from)| (from + 1).to_string())
        .collect();
    let entries = std::mem::take(&mut d.timeline);
    let mut slots: Vec<Option<Entry>> = entries.into_iter().map(Some).collect();
    d.timeline = order.iter().filter_map(|&i| slots[i].take()).collect();
    for mark in marks.iter_mut() {
        mark.1 = order.iter().position(|&i| i == mark.1).unwrap_or(mark.1);
    }
    d.guess(
        "timeline",
        "put in time order",
        0,
        &format!(
            "entries {} were out of order in the source",
            moved.join(", ")
        ),
    );
}

/// The incident's key moments from the entries: a marker, else the first
/// entry (started), the first detection and mitigation, the last resolution.
fn moments(d: &mut Draft, marks: &[(usize, usize)]) {
    if d.timeline.is_empty() {
        return;
    }
    let mut chosen: [Option<usize>; 4] = [None; 4];
    for &(mark, entry) in marks {
        match mark {
            3 => chosen[3] = Some(entry),
            m => {
                chosen[m].get_or_insert(entry);
            }
        }
    }
    chosen[0].get_or_insert(0);
    // In order: a moment before the one before it is left out.
    let mut last: Option<usize> = None;
    for (i, entry) in chosen.iter().enumerate() {
        let Some(entry) = *entry else { continue };
        if last.is_some_and(|l| entry < l) || d.moments[i].is_some() {
            continue;
        }
        last = Some(entry);
        let e = d.timeline[entry].clone();
        if !e.at.contains('-') {
            continue;
        }
        d.moments[i] = Some((e.at.clone(), e.approx));
        let field = format!("incident.{}", MOMENTS[i]);
        let source = format!("timeline entry {}: {}", entry + 1, e.event);
        d.guess(&field, &e.at, 0, &source);
    }
}

#[cfg(test)]
#[path = "timeline_tests.rs"]
mod tests;
