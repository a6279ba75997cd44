//! Timelines, under a heading such as Timeline or Incident timeline, in
//! the shapes real write-ups use: bold-time bullets and paragraphs, plain
//! `date time - text` lines, `HH:MM text` lines under a `2022-11-22 (all
//! times UTC)` line, tables whose header names the time column and its
//! zone, and dated sub-headings with paragraphs under them. Dateless times
//! follow the entry before and roll over at midnight; a marker or a word
//! suggests the entry's type and the incident's key moments.

use super::document::{item_text, BlockKind, Document};
use super::draft::{Draft, Entry, MOMENTS};
use super::when::{moment_at_start, stated_zone, Moment};
use jiff::civil::{Date, Time};

/// What the entries so far fix: the day and time of the last one.
struct Clock {
    day: Option<Date>,
    last: Option<Time>,
    zone: Option<String>,
}

impl Clock {
    /// The entry's `at`, its date rolled over past midnight.
    fn at(&mut self, m: &Moment) -> String {
        let day = match m.date {
            Some(date) => Some(date),
            None => match (self.day, self.last) {
                (Some(day), Some(last)) if m.time < last => day.tomorrow().ok(),
                (day, _) => day,
            },
        };
        self.day = day;
        self.last = Some(m.time);
        let time = &m.time.to_string()[..5];
        let zone = m.zone.as_ref().or(self.zone.as_ref());
        match (day, zone) {
            (Some(day), Some(z)) => format!("{day} {time} {z}"),
            (Some(day), None) => format!("{day} {time}"),
            (None, Some(z)) => format!("{time} {z}"),
            (None, None) => time.to_string(),
        }
    }
}

/// A type suggested by what an entry says, and the moment it marks.
fn kind_of(event: &str) -> (Option<&'static str>, Option<usize>) {
    let e = event.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| e.contains(w));
    if has(&["outage begins", "outage starts"]) {
        (Some("trigger"), Some(0))
    } else if has(&["outage ends", "outage over"]) {
        (Some("resolution"), Some(3))
    } else if has(&["paged", "alert", "detected", "noticed", "incident declared"]) {
        (Some("detection"), Some(1))
    } else if has(&[
        "rolled back",
        "rollback",
        "roll back",
        "mitigat",
        "workaround",
        "failed over",
    ]) && !has(&["fails", "failed to", "did not", "didn't"])
    {
        (Some("mitigation"), Some(2))
    } else if has(&[
        "resolved",
        "fully restored",
        "service restored",
        "fully recovered",
        "all systems operational",
    ]) {
        (Some("resolution"), Some(3))
    } else if has(&["escalat"]) {
        (Some("escalation"), None)
    } else {
        (None, None)
    }
}

fn is_timeline(title: &str) -> bool {
    title.to_lowercase().contains("timeline")
}

/// The first sentence of a paragraph, as the event of a dated heading.
fn first_sentence(text: &str) -> String {
    let text = crate::text::squash_whitespace(text);
    match text.find(". ") {
        Some(end) if end > 20 => text[..=end].to_string(),
        _ => text,
    }
}

pub fn timeline(doc: &Document, d: &mut Draft, default_zone: Option<&str>) {
    let Some(start) = doc.sections.iter().position(|s| is_timeline(&s.title)) else {
        return;
    };
    let mut clock = Clock {
        day: d.date,
        last: None,
        zone: stated_zone(doc.text).or(default_zone.map(str::to_string)),
    };
    let mut marks: Vec<(usize, usize)> = Vec::new();
    let mut add =
        |d: &mut Draft, clock: &mut Clock, m: &Moment, event: &str, line: usize, source: &str| {
            let (kind, mark) = kind_of(event);
            let at = clock.at(m);
            if let Some(kind) = kind {
                d.guess("timeline type", kind, line, source);
            }
            if let Some(mark) = mark {
                marks.push((mark, d.timeline.len()));
            }
            d.timeline.push(Entry {
                at,
                approx: m.approx,
                event: event.to_string(),
                kind,
            });
        };
    let mut sections = vec![start];
    sections.extend(doc.children(start));
    for &s in &sections {
        let section = &doc.sections[s];
        if s != start {
            // `### 2018 October 21 22:52 UTC` and the paragraphs under it.
            if let Some(m) = moment_at_start(&section.title).filter(|m| m.rest.is_empty()) {
                let range = section.heading.clone().unwrap_or(0..0);
                let event = section
                    .blocks
                    .iter()
                    .find(|b| matches!(b.kind, BlockKind::Paragraph))
                    .map(|b| first_sentence(doc.source(&b.range)))
                    .unwrap_or_default();
                if !event.is_empty() {
                    add(
                        d,
                        &mut clock,
                        &m,
                        &event,
                        doc.line(range.start),
                        doc.source(&range),
                    );
                }
                continue;
            }
        }
        for block in &section.blocks {
            let line = doc.line(block.range.start);
            match &block.kind {
                BlockKind::List(items) => {
                    let parsed: Vec<(Moment, usize, &str)> = items
                        .iter()
                        .filter_map(|r| {
                            let source = doc.source(r);
                            let m = moment_at_start(item_text(source))?;
                            (!m.rest.is_empty() && !source.contains('\n'))
                                .then(|| (m, doc.line(r.start), source))
                        })
                        .collect();
                    for (m, line, source) in &parsed {
                        let event = m.rest.clone();
                        add(d, &mut clock, m, &event, *line, source);
                    }
                    if !parsed.is_empty() && parsed.len() == items.len() {
                        d.taken.push(block.range.clone());
                    }
                }
                BlockKind::Paragraph => {
                    let source = doc.source(&block.range);
                    let lines: Vec<&str> = source.lines().collect();
                    let mut all = true;
                    let mut found = Vec::new();
                    for (i, l) in lines.iter().enumerate() {
                        if let Some(m) = moment_at_start(l).filter(|m| !m.rest.is_empty()) {
                            found.push((m, line + i, *l));
                        } else if let Some((date, _)) =
                            super::when::date_in_prose(l).filter(|_| l.len() < 60)
                        {
                            // `2022-11-22 (all times UTC)`: the day and zone of what follows.
                            clock.day = Some(date);
                            clock.last = None;
                            if let Some(z) = stated_zone(l) {
                                clock.zone = Some(z);
                            }
                        } else {
                            all = false;
                        }
                    }
                    for (m, line, l) in &found {
                        let event = m.rest.clone();
                        add(d, &mut clock, m, &event, *line, l);
                    }
                    if all && !found.is_empty() {
                        d.taken.push(block.range.clone());
                    }
                }
                BlockKind::Table(head, rows) => {
                    let Some(t) = head.iter().position(|h| {
                        let h = h.to_lowercase();
                        h.contains("time") || h.contains("date") || h == "when"
                    }) else {
                        continue;
                    };
                    let e = head
                        .iter()
                        .position(|h| {
                            let h = h.to_lowercase();
                            h.contains("event") || h.contains("what") || h.contains("description")
                        })
                        .unwrap_or(if t == 0 { 1 } else { 0 });
                    let saved = clock.zone.clone();
                    if let Some(z) = stated_zone(&head[t]) {
                        clock.zone = Some(z);
                    }
                    let mut all = head.len() == 2;
                    for (i, row) in rows.iter().enumerate() {
                        let (Some(time), Some(event)) = (row.get(t), row.get(e)) else {
                            all = false;
                            continue;
                        };
                        match moment_at_start(&format!("{time} x")) {
                            Some(m) if !event.is_empty() => {
                                let source = format!("| {time} | {event} |");
                                add(d, &mut clock, &m, event, line + 2 + i, &source);
                            }
                            _ => all = false,
                        }
                    }
                    if let Some(z) = &clock.zone {
                        if saved.as_ref() != Some(z) && d.timezone.is_none() {
                            d.guess("timezone", z, line, &head.join(" | "));
                        }
                    }
                    if all && !rows.is_empty() {
                        d.taken.push(block.range.clone());
                    }
                }
                BlockKind::Other => {}
            }
        }
    }
    let count = d.timeline.len();
    if count > 0 {
        let heading = doc.sections[start].heading.clone().unwrap_or(0..0);
        d.guess(
            "timeline",
            &format!("{count} entries"),
            doc.line(heading.start),
            doc.source(&heading),
        );
    }
    moments(d, &marks);
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
mod tests {
    use super::*;

    fn entries(text: &str, date: Option<&str>) -> Draft {
        let doc = Document::parse(text);
        let mut d = Draft {
            date: date.map(|s| s.parse().unwrap()),
            ..Draft::default()
        };
        timeline(&doc, &mut d, None);
        d
    }

    fn ats(d: &Draft) -> Vec<(String, String)> {
        d.timeline
            .iter()
            .map(|e| (e.at.clone(), e.event.clone()))
            .collect()
    }

    #[test]
    fn bold_time_bullets_roll_over_midnight() {
        let d = entries("## Timeline\n\n- **23:58 UTC** - Writer database saturates\n- **00:02 UTC** - Deploy lowers the timeout\n", Some("2025-09-29"));
        assert_eq!(
            ats(&d),
            [
                (
                    "2025-09-29 23:58 UTC".into(),
                    "Writer database saturates".into()
                ),
                (
                    "2025-09-30 00:02 UTC".into(),
                    "Deploy lowers the timeout".into()
                )
            ]
        );
        assert_eq!(d.taken.len(), 1);
        assert_eq!(
            d.moments[0],
            Some(("2025-09-29 23:58 UTC".to_string(), false))
        );
    }

    #[test]
    fn approximate_bold_paragraphs_and_at_lines() {
        let d = entries("## Incident timeline\n\n**± 17:20 UTC:** YP runs the removal.\n\n**± 23:27 UTC:** Data removed, alert fires.\n\nAt 2017/02/01 00:36 UTC, backup restored.\n", Some("2017-01-31"));
        assert_eq!(d.timeline.len(), 3);
        assert!(d.timeline[0].approx);
        assert_eq!(d.timeline[1].kind, Some("detection"));
        assert_eq!(d.timeline[2].at, "2017-02-01 00:36 UTC");
        assert_eq!(
            d.moments[1],
            Some(("2017-01-31 23:27 UTC".to_string(), true))
        );
    }

    #[test]
    fn clock_lines_under_a_day_line_and_markers() {
        let d = entries("## Timeline\n\n2022-11-22 (all times UTC)\n14:51 News reports a sonnet\n14:53 Traffic climbs **OUTAGE BEGINS**\n15:57 Traffic back to normal **OUTAGE ENDS**\n", None);
        assert_eq!(d.timeline.len(), 3);
        assert_eq!(d.timeline[1].at, "2022-11-22 14:53 UTC");
        assert_eq!(d.moments[0].as_ref().unwrap().0, "2022-11-22 14:53 UTC");
        assert_eq!(d.moments[3].as_ref().unwrap().0, "2022-11-22 15:57 UTC");
        assert_eq!(d.taken.len(), 1);
    }

    #[test]
    fn tables_name_their_time_column_and_zone() {
        let d = entries("## Timeline\n\n| Date and Time in CET | Event |\n|---|---|\n| 2019-12-04 00:30 | Nodes deleted |\n| 2019-12-04 00:35 | VMs marked unhealthy |\n", None);
        assert_eq!(
            ats(&d)[0],
            ("2019-12-04 00:30 CET".into(), "Nodes deleted".into())
        );
        assert_eq!(d.taken.len(), 1);
    }

    #[test]
    fn dated_headings_take_their_first_sentence() {
        let d = entries("## Timeline\n\n### 2018 October 21 22:52 UTC\n\nRoutine maintenance replaced a failing link. It cut the east coast off.\n\n### 2018 October 21 22:54 UTC\n\nOrchestrator began a failover.\n", None);
        assert_eq!(
            ats(&d),
            [
                (
                    "2018-10-21 22:52 UTC".into(),
                    "Routine maintenance replaced a failing link.".into()
                ),
                (
                    "2018-10-21 22:54 UTC".into(),
                    "Orchestrator began a failover.".into()
                )
            ]
        );
        assert!(d.taken.is_empty());
    }

    #[test]
    fn dash_bullets_without_a_zone() {
        let d = entries("## Timeline\n\n- 2017/02/01 00:36 - Backup restored\n- 2017/02/01 17:00 - Service back\n", None);
        assert_eq!(d.timeline[0].at, "2017-02-01 00:36");
    }
}
