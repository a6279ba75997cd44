//! A timeline told in sentences, for a document that keeps none of its
//! own: each time with its zone is an entry, its text the clause it is in.

use super::super::moment::{moment_at_start, says_next_day, times_in_zone, Moment};
use super::{is_record, At, BlockKind, Clock, Document, Found};

/// Times with their zone in the sentences of a document that has no
/// timeline of its own (`On 2021-04-27 at 15:09 UTC we released it. At
/// 15:23 UTC we heard.`): each an entry, its text the clause it is in.
/// Two at least, or none. With them, the entry the document opens with
/// (`At 4:11 UTC on November 24th, our packages were compromised`), which
/// is when the incident started even where the story goes further back.
/// A span the story states (`From November 11, 4:02 PM UTC to November
/// 14, 3:02 PM UTC, search was degraded`): its end, whether the sentence
/// is about the incident, and where it was read.
pub(super) struct Span {
    pub end: At,
    pub approx: bool,
    pub about_incident: bool,
    pub line: usize,
    pub source: String,
}

/// Words that make a sentence about the incident itself.
const INCIDENT: &[&str] = &[
    "degraded",
    "outage",
    "unavailable",
    "down",
    "errors",
    "failing",
    "failed",
    "disrupted",
    "disruption",
    "impacted",
    "affected",
    "incident",
    "broken",
];

/// Whether the words between two times join them as a span (`to`,
/// `until`, a dash; a date of the second time aside) after a lead that
/// opens one (`From`, `Between`).
fn is_span(lead: &str, between: &str) -> bool {
    use super::super::when::{month, weekday};
    let opens = lead.split_whitespace().rev().take(6).any(|w| {
        matches!(
            w.to_lowercase().trim_matches(|c: char| !c.is_alphabetic()),
            "from" | "between"
        )
    });
    let joins: Vec<String> = between
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '–')
                .to_lowercase()
        })
        .filter(|w| {
            !w.is_empty()
                && month(w).is_none()
                && !weekday(w)
                && !w.starts_with(|c: char| c.is_ascii_digit())
                && w != "on"
        })
        .collect();
    opens
        && matches!(
            joins.iter().map(String::as_str).collect::<Vec<_>>()[..],
            ["to" | "until" | "till" | "through" | "and" | "-" | "–"]
        )
}

pub(super) fn narrative(
    doc: &Document,
    clock: &mut Clock,
) -> (Vec<(At, Found)>, Option<usize>, Vec<Span>) {
    let mut out = Vec::new();
    let mut spans = Vec::new();
    let mut lead = None;
    // The zone the story last gave a time in, for the times after it.
    let mut zone: Option<String> = None;
    let mut paragraphs = 0;
    for section in doc.sections.iter().filter(|s| !is_record(&s.title)) {
        for block in section
            .blocks
            .iter()
            .filter(|b| matches!(b.kind, BlockKind::Paragraph))
        {
            let text = doc.source(&block.range);
            let found = times_in_zone(text, zone.as_deref());
            if let Some(last) = found.iter().rev().find_map(|f| f.zone.clone()) {
                zone = Some(last);
            }
            paragraphs += 1;
            if paragraphs <= 2 && out.is_empty() && !found.is_empty() {
                lead = Some(0);
            }
            let mut span_end = None;
            for (i, f) in found.iter().enumerate() {
                if span_end == Some(i) {
                    continue;
                }
                // `From T1 to T2, search was degraded`: one entry, at T1,
                // that is the whole sentence; T2 is where the span ends.
                let floor = i.checked_sub(1).map_or(0, |p| found[p].range.end);
                if let Some(next) = found.get(i + 1) {
                    let start = sentence_start(text, floor, f.range.start);
                    if is_span(
                        &text[start..f.range.start],
                        &text[f.range.end..next.range.start],
                    ) {
                        let end = sentence_end(text, next.range.end.saturating_sub(1));
                        let sentence = crate::text::squash_whitespace(text[start..end].trim());
                        let moment = |m: &super::super::moment::Found| Moment {
                            day: m.day,
                            time: m.time,
                            zone: m.zone.clone(),
                            approx: m.approx,
                            next_day: m.next_day,
                            rest: sentence.clone(),
                        };
                        let at = clock.at(&moment(f));
                        let end_at = clock.at(&moment(next));
                        let line = doc.line(block.range.start)
                            + text[..f.range.start].matches('\n').count();
                        let lower = sentence.to_lowercase();
                        spans.push(Span {
                            end: end_at,
                            approx: next.approx,
                            about_incident: INCIDENT.iter().any(|w| {
                                lower.split(|c: char| !c.is_alphabetic()).any(|x| x == *w)
                            }),
                            line,
                            source: sentence.clone(),
                        });
                        out.push((
                            at,
                            Found {
                                moment: moment(f),
                                event: sentence.clone(),
                                line,
                                source: text[f.range.clone()].to_string(),
                            },
                        ));
                        span_end = Some(i + 1);
                        continue;
                    }
                }
                let mut from = clause_start(text, 0, f.range.start).unwrap_or(0);
                // Not the comma that closes this clause's own lead
                // (`Around 9:30 UTC, the record …`).
                let to = found.get(i + 1).map_or(text.len(), |next| {
                    clause_start(text, f.range.end + 1, next.range.start)
                        .unwrap_or(next.range.start)
                });
                // A sentence ends the clause whatever comes next.
                // (From the time's last character: `at 14:30 UTC.` ends one.)
                let last = text[..f.range.end]
                    .char_indices()
                    .last()
                    .map_or(0, |(i, _)| i);
                let to = sentence_end(text, last).min(to);
                // `…ran their workflow, and did so at 3:45 PM UTC`: a clause
                // that says little more than its time takes its sentence.
                let said = text[from..f.range.start].split_whitespace().count()
                    + text[f.range.end..to.max(f.range.end)]
                        .split_whitespace()
                        .count();
                if said < 4 {
                    let floor = i.checked_sub(1).map_or(0, |p| found[p].range.end);
                    from = sentence_start(text, floor, f.range.start);
                }
                let mut clause = text[from..to.max(f.range.end)].trim();
                // `At 15:23 UTC we heard`: the clause without its lead.
                if let Some(m) = moment_at_start(clause).filter(|m| !m.rest.is_empty()) {
                    if clause.len() - m.rest.len() < 40 {
                        clause = clause[clause.len() - m.rest.len()..].trim();
                    }
                }
                let clause = crate::text::squash_whitespace(clause);
                let mut clause = clause.trim_end_matches([',', ';', '-', ' ']);
                // `came back and⏎by 8:35 …`: the joining word goes with the cut.
                // (`fall at 15:25, and by⏎16:05 …`: the next time's lead too.)
                for lead in [" by", " at", " around", " until"] {
                    clause = clause.strip_suffix(lead).unwrap_or(clause);
                }
                let clause = clause.trim_end_matches([',', ' ']);
                let mut clause = clause;
                for joint in [" and", " but", " then"] {
                    clause = clause.strip_suffix(joint).unwrap_or(clause);
                }
                let clause = clause.trim_end_matches([',', ' ']);
                // `the following morning, published …`: the day is in `at`.
                let words: Vec<&str> = clause.split_whitespace().collect();
                let clause = match says_next_day(&words) {
                    Some(n) if f.next_day && n < words.len() => words[n..].join(" "),
                    _ => clause.to_string(),
                };
                let moment = Moment {
                    day: f.day,
                    time: f.time,
                    zone: f.zone.clone(),
                    approx: f.approx,
                    next_day: f.next_day,
                    rest: clause.clone(),
                };
                let at = clock.at(&moment);
                out.push((
                    at,
                    Found {
                        moment,
                        event: clause,
                        line: doc.line(block.range.start)
                            + text[..f.range.start].matches('\n').count(),
                        source: text[f.range.clone()].to_string(),
                    },
                ));
            }
        }
    }
    if out.len() < 2 && spans.is_empty() {
        out.clear();
    }
    (out, lead, spans)
}

/// Where the clause holding byte `at` of `text` starts: after the last
/// sentence end, `, `, ` - ` or `; ` before it, or ` and ` that opens a
/// new clause; none of them before byte `floor`. A line break counts as
/// a space (`again and⏎by 9:40`).
fn clause_start(text: &str, floor: usize, at: usize) -> Option<usize> {
    let before = text[..at].replace('\n', " ");
    [". ", ", ", " - ", "; ", " and "]
        .iter()
        .filter_map(|sep| {
            before
                .rfind(sep)
                .filter(|&i| i >= floor)
                .map(|i| i + sep.len())
        })
        .max()
}

/// Where the sentence that goes on at byte `from` of `text` ends (after
/// its stop), or the end of `text`.
fn sentence_end(text: &str, from: usize) -> usize {
    let after = text[from..].replace('\n', " ");
    [". ", "! ", "? "]
        .iter()
        .filter_map(|sep| after.find(sep).map(|i| from + i + 1))
        .min()
        .unwrap_or(text.len())
}

/// Whether a clause says that the one before it was finished (`an action
/// completed by 15:56 UTC`, `which finished at 10:40 UTC`).
pub(super) fn is_completion(event: &str) -> bool {
    let words: Vec<String> = super::super::text::plain(event)
        .split_whitespace()
        .take(4)
        .map(|w| w.to_lowercase())
        .collect();
    let subject = [
        "an", "action", "which", "this", "that", "it", "was", "had", "been", "the", "work",
    ];
    let done = ["completed", "complete", "finished", "done"];
    words
        .iter()
        .position(|w| done.contains(&w.as_str()))
        .is_some_and(|at| at > 0 && words[..at].iter().all(|w| subject.contains(&w.as_str())))
}

/// Where the sentence holding byte `at` of `text` starts, not before
/// byte `floor`.
fn sentence_start(text: &str, floor: usize, at: usize) -> usize {
    let before = text[..at].replace('\n', " ");
    ["。", ". ", "! ", "? "]
        .iter()
        .filter_map(|sep| before.rfind(sep).map(|i| i + sep.len()))
        .chain([floor])
        .max()
        .unwrap_or(floor)
}
