//! What import is about to write, checked against itself and the text
//! before it is written as fact: the incident's moments in order, inside
//! the timeline's span, and agreeing with a duration the document states
//! (`the outage lasted 13 minutes`). A moment that fails is written as an
//! empty key with a `# TODO` and the candidate, and the report says why:
//! a figure the site would show is never a guess it could not back.

use super::draft::{Doubt, Draft, MOMENTS};
use crate::datetime::{human_duration, parse_stamp, Stamp};
use jiff::Timestamp;

/// Slack around the timeline's span before a moment is doubted.
const SPAN_SLACK_SECS: i64 = 24 * 3600;

fn instant(at: &str, zone: &jiff::tz::TimeZone) -> Option<Timestamp> {
    match parse_stamp(at.trim_start_matches('~'), zone).ok()?.stamp {
        Stamp::Full(ts) => Some(ts),
        Stamp::TimeOnly(..) => None,
    }
}

/// Moves the moments of `d` that fail a check to its doubts.
pub fn moments(text: &str, d: &mut Draft) {
    let zone = d
        .timezone
        .as_deref()
        .and_then(crate::datetime::known_zone)
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let mut at: Vec<Option<Timestamp>> = d
        .moments
        .iter()
        .map(|m| m.as_ref().and_then(|(at, _)| instant(at, &zone)))
        .collect();
    let mut why: [Option<String>; 4] = Default::default();
    let entries: Vec<Option<Timestamp>> =
        d.timeline.iter().map(|e| instant(&e.at, &zone)).collect();

    // A time to detect, mitigate or resolve the document states: the
    // timeline entry it points to is the moment; a moment that disagrees
    // with it, with no entry there, is doubted.
    for (k, secs) in stated_times_to(text) {
        let Some(started) = at[0] else { break };
        let expected = started.as_second() + secs;
        let near = |ts: Timestamp| (ts.as_second() - expected).abs() < 60;
        if at[k].is_some_and(near) {
            continue;
        }
        let field = format!("incident.{}", MOMENTS[k]);
        let (verb, stated) = (VERBS[k], human_duration(secs));
        let entry = d
            .timeline
            .iter()
            .zip(&entries)
            .find(|(_, ts)| ts.is_some_and(near))
            .map(|(e, ts)| (e.at.clone(), e.approx, *ts));
        match entry {
            Some((entry_at, approx, ts)) => {
                at[k] = ts;
                d.guesses.retain(|g| g.field != field);
                d.guess(
                    &field,
                    &entry_at,
                    0,
                    &format!("the timeline entry at the stated time to {verb} ({stated})"),
                );
                d.moments[k] = Some((entry_at, approx));
            }
            None if at[k].is_some() => {
                why[k] = Some(format!(
                    "it is {} after incident.started, and the document states a time to {verb} of {stated}",
                    human_duration(at[k].map_or(0, |ts| ts.as_second() - started.as_second()))
                ));
            }
            None => {}
        }
    }

    // In order: a moment before one that comes before it in an incident.
    for j in 1..4 {
        let Some(later) = at[j] else { continue };
        if let Some(i) = (0..j).find(|&i| at[i].is_some_and(|earlier| later < earlier)) {
            why[j] = Some(format!("it is before incident.{}", MOMENTS[i]));
        }
    }

    // Inside the timeline's span, give or take a day.
    if let (Some(first), Some(last)) = (
        entries.iter().flatten().min(),
        entries.iter().flatten().max(),
    ) {
        for (k, ts) in at.iter().enumerate() {
            let Some(ts) = *ts else { continue };
            let outside = first.duration_since(ts).as_secs() > SPAN_SLACK_SECS
                || ts.duration_since(*last).as_secs() > SPAN_SLACK_SECS;
            if outside && why[k].is_none() {
                why[k] = Some("it is more than a day outside the timeline".into());
            }
        }
    }

    // The length the document states, where it states one.
    let stated = stated_durations(text);
    if let (Some(started), Some(&longest)) = (at[0], stated.iter().max()) {
        for k in [3, 2] {
            let Some(end) = at[k] else { continue };
            let derived = end.duration_since(started).as_secs();
            if derived > 3 * longest && derived - longest > 3600 && why[k].is_none() {
                why[k] = Some(format!(
                    "it is {} after incident.started, and the document says the incident lasted {}",
                    human_duration(derived),
                    human_duration(longest)
                ));
            }
        }
    }

    for (k, why) in why.into_iter().enumerate() {
        let Some(why) = why else { continue };
        let Some((candidate, approx)) = d.moments[k].take() else {
            continue;
        };
        let mark = if approx { "~" } else { "" };
        d.doubts.push(Doubt {
            field: format!("incident.{}", MOMENTS[k]),
            candidate: format!("{mark}{candidate}"),
            why,
        });
    }
}

/// A time of day in minutes, for an entry or moment written without its
/// date (`16:02 UTC`, `~09:30`); `None` for one with its date.
fn time_only(at: &str) -> Option<u32> {
    let t = at.trim_start_matches('~');
    if t.get(..4)
        .is_some_and(|y| y.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (h, rest) = t.split_once(':')?;
    let m = rest.get(..2)?;
    Some(h.trim().parse::<u32>().ok()? * 60 + m.parse::<u32>().ok()?)
}

/// A timeline of times without their dates that go back (`16:02 UTC`,
/// then `15:02 UTC`) cannot be placed: its entries would show on days
/// they were not. It is left in the body (so are the moments without a
/// date), and the doubt says why.
pub fn timeline(d: &mut Draft) {
    let mut last: Option<(u32, &str)> = None;
    let mut back = None;
    for e in &d.timeline {
        match time_only(&e.at) {
            Some(t) => {
                if let Some((_, before_at)) = last.filter(|(b, _)| t < *b) {
                    back = Some(format!("{before_at}, then {}", e.at));
                    break;
                }
                last = Some((t, &e.at));
            }
            None => last = None,
        }
    }
    let Some(back) = back else { return };
    let n = d.timeline.len();
    d.timeline.clear();
    d.guesses.retain(|g| !g.field.starts_with("timeline"));
    d.doubts.push(Doubt {
        field: "timeline".into(),
        candidate: format!("{n} entries"),
        why: format!("their times go back ({back}) and the document gives no date for them"),
    });
    for (key, moment) in MOMENTS.iter().zip(d.moments.iter_mut()) {
        if moment
            .as_ref()
            .is_some_and(|(at, _)| time_only(at).is_some())
        {
            if let Some((at, _)) = moment.take() {
                let field = format!("incident.{key}");
                d.guesses.retain(|g| g.field != field);
                d.doubts.push(Doubt {
                    field,
                    candidate: at,
                    why: "the document gives no date for it".into(),
                });
            }
        }
    }
}

/// What each moment is the time to, by its index in [`MOMENTS`].
const VERBS: [&str; 4] = ["start", "detect", "mitigate", "resolve"];

/// Names of a time to a moment (after `incident.started`), and the moment.
const TIMES_TO: &[(&str, usize)] = &[
    ("time to detect", 1),
    ("time to detection", 1),
    ("time to discovery", 1),
    ("ttd", 1),
    ("time to mitigate", 2),
    ("time to mitigation", 2),
    ("ttm", 2),
    ("time to resolve", 3),
    ("time to resolution", 3),
    ("time to recover", 3),
    ("time to recovery", 3),
    ("time to restore", 3),
    ("ttr", 3),
];

/// The times to a moment a document states (`Time to detection: 4
/// minutes`, `TTD 4 min`, `time to resolve was 2 hours`): the moment's
/// index in [`MOMENTS`] and the seconds after the start. A mean over
/// incidents (`MTTR`) is not one.
pub fn stated_times_to(text: &str) -> Vec<(usize, i64)> {
    static NAMED: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["time to", "ttd", "ttm", "ttr"])
            .expect("plain words")
    });
    let mut out: Vec<(usize, i64)> = Vec::new();
    // Only the lines that name one are read (a large document has few).
    let mut lines: Vec<&str> = Vec::new();
    for m in NAMED.find_iter(text) {
        let start = text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
        let end = text[m.end()..]
            .find('\n')
            .map_or(text.len(), |i| m.end() + i);
        if lines.last() != Some(&&text[start..end]) {
            lines.push(&text[start..end]);
        }
    }
    for line in lines {
        let lower = line.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| {
                c.is_whitespace() || matches!(c, ':' | '(' | ')' | '*' | '|' | '-' | '=')
            })
            .filter(|w| !w.is_empty())
            .collect();
        for (name, k) in TIMES_TO {
            let name_words: Vec<&str> = name.split(' ').collect();
            let Some(at) = words
                .windows(name_words.len())
                .position(|w| w == name_words.as_slice())
            else {
                continue;
            };
            // A duration within the next few words (`was`, `of about`).
            let after = &words[at + name_words.len()..];
            let found = (0..after.len().min(4)).find_map(|i| part(&after[i..]));
            if let Some((secs, _)) = found {
                if !out.iter().any(|(j, _)| j == k) {
                    out.push((*k, secs));
                }
            }
        }
    }
    out
}

/// Words that make a sentence about the incident's length.
const INCIDENT_WORDS: &[&str] = &[
    "outage",
    "downtime",
    "down for",
    "unavailable",
    "incident lasted",
    "the incident",
    "impact",
    "degraded",
    "disruption",
    "lasted",
    "duration",
];

/// Durations, in seconds, that sentences about the incident state: `the
/// outage lasted 13 minutes`, `down for about 2 hours and 10 minutes`,
/// `a 41-minute outage`, `Duration: 5 hours 26 minutes`.
pub fn stated_durations(text: &str) -> Vec<i64> {
    let mut out = Vec::new();
    for sentence in text.split(['.', '\n', ';']) {
        let lower = sentence.to_lowercase();
        if !INCIDENT_WORDS.iter().any(|w| lower.contains(w)) {
            continue;
        }
        let words: Vec<&str> = lower
            .split(|c: char| c.is_whitespace() || c == '-' || c == '–')
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .collect();
        let mut i = 0;
        while i < words.len() {
            let mut total = 0;
            let mut n = 0;
            // `2 hours and 10 minutes`, `1h 5m`: parts in a row.
            while let Some((secs, used)) = part(&words[i + n..]) {
                total += secs;
                n += used;
                if words.get(i + n) == Some(&"and") && part(&words[i + n + 1..]).is_some() {
                    n += 1;
                }
            }
            if total > 0 {
                out.push(total);
                i += n;
            } else {
                i += 1;
            }
        }
    }
    out
}

/// A number and its unit at the start of `words`, in seconds, and how many
/// words they took.
fn part(words: &[&str]) -> Option<(i64, usize)> {
    let first = *words.first()?;
    let split = first
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(first.len());
    let (digits, unit, used) = if split == first.len() {
        (first, *words.get(1)?, 2)
    } else {
        (&first[..split], &first[split..], 1)
    };
    let n: i64 = digits.parse().ok()?;
    let unit_secs = match unit {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600,
        "day" | "days" => 86_400,
        _ => return None,
    };
    (n > 0 && n < 100_000).then_some((n * unit_secs, used))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::draft::Entry;

    #[test]
    fn times_without_dates_that_go_back_are_not_a_timeline() {
        let mut d = draft(
            [Some("16:02 UTC"), None, None, Some("15:02 UTC")],
            &["16:02 UTC", "15:02 UTC"],
        );
        timeline(&mut d);
        assert!(d.timeline.is_empty());
        assert_eq!(d.moments, [None, None, None, None]);
        assert_eq!(
            d.doubts[0].why,
            "their times go back (16:02 UTC, then 15:02 UTC) and the document gives no date for them"
        );
        assert_eq!(d.doubts[1].field, "incident.started");
        // In order, or with their dates: a timeline.
        let mut d = draft([None; 4], &["09:02 UTC", "09:40 UTC"]);
        timeline(&mut d);
        assert_eq!(d.timeline.len(), 2);
        let mut d = draft([None; 4], &["2024-03-13 16:02 UTC", "2024-03-14 15:02 UTC"]);
        timeline(&mut d);
        assert_eq!(d.timeline.len(), 2);
    }

    #[test]
    fn times_to_a_moment_that_documents_state() {
        assert_eq!(
            stated_times_to(
                "- Time to detection: 4 minutes\n- Time to resolution: 1 hour 5 minutes\n"
            ),
            [(1, 240), (3, 3600)]
        );
        assert_eq!(
            stated_times_to("**TTD**: 12 min | TTM (time to mitigate) = 30m"),
            [(1, 720), (2, 1800)]
        );
        // A mean over incidents, or no duration near: none.
        assert!(stated_times_to("Our MTTR is 40 minutes.").is_empty());
        assert!(stated_times_to(
            "Time to detect was the hard part; it took us until the 14:00 page and 3 hours later"
        )
        .is_empty());
    }

    #[test]
    fn a_stated_time_to_detect_picks_the_entry_it_points_to() {
        let mut d = draft(
            [
                Some("2024-03-13 10:01 UTC"),
                Some("2024-03-13 10:03 UTC"),
                None,
                None,
            ],
            &[
                "2024-03-13 10:01 UTC",
                "2024-03-13 10:03 UTC",
                "2024-03-13 10:05 UTC",
                "2024-03-13 10:40 UTC",
            ],
        );
        moments(
            "Alert at 10:03, seen at 10:05.\nTime to detection: 4 minutes\n",
            &mut d,
        );
        assert_eq!(
            d.moments[1].as_ref().map(|m| m.0.as_str()),
            Some("2024-03-13 10:05 UTC")
        );
        assert_eq!(
            d.guesses[0].source,
            "the timeline entry at the stated time to detect (4 min)"
        );
        // No entry there: the moment found is doubted, not replaced.
        let mut d = draft(
            [
                Some("2024-03-13 10:01 UTC"),
                Some("2024-03-13 10:03 UTC"),
                None,
                None,
            ],
            &["2024-03-13 10:01 UTC", "2024-03-13 10:03 UTC"],
        );
        moments("Time to detection: 30 minutes\n", &mut d);
        assert_eq!(d.moments[1], None);
        assert_eq!(d.doubts[0].why, "it is 2 min after incident.started, and the document states a time to detect of 30 min");
    }

    #[test]
    fn durations_that_sentences_about_the_incident_state() {
        assert_eq!(
            stated_durations("The outage lasted 13 minutes. We met for 3 hours afterwards."),
            [13 * 60]
        );
        assert_eq!(
            stated_durations("Search was down for about 2 hours and 10 minutes"),
            [2 * 3600 + 600]
        );
        assert_eq!(
            stated_durations("A 41-minute outage.\n**Duration:** 5 hours 26 minutes of impact"),
            [41 * 60, 5 * 3600 + 26 * 60]
        );
        assert!(stated_durations("The build takes 40 minutes.").is_empty());
    }

    fn draft(moments: [Option<&str>; 4], timeline: &[&str]) -> Draft {
        Draft {
            moments: moments.map(|m| m.map(|at| (at.to_string(), false))),
            timeline: timeline
                .iter()
                .map(|at| Entry {
                    at: at.to_string(),
                    ..Entry::default()
                })
                .collect(),
            ..Draft::default()
        }
    }

    #[test]
    fn a_moment_that_disagrees_with_the_text_or_the_others_is_a_doubt() {
        // A day rolled over wrongly: 23 h 58 min, where the text says 13 minutes.
        let mut d = draft(
            [
                Some("2021-03-01 23:50 UTC"),
                None,
                None,
                Some("2021-03-02 23:48 UTC"),
            ],
            &["2021-03-01 23:50 UTC", "2021-03-02 23:48 UTC"],
        );
        moments("The outage lasted 13 minutes.", &mut d);
        assert_eq!(d.moments[3], None);
        assert_eq!(d.doubts[0].field, "incident.resolved");
        assert_eq!(d.doubts[0].candidate, "2021-03-02 23:48 UTC");
        assert_eq!(
            d.doubts[0].why,
            "it is 23 h 58 min after incident.started, and the document says the incident lasted 13 min"
        );
        // Out of order, and far outside the timeline.
        let mut d = draft(
            [
                Some("2021-03-01 10:00 UTC"),
                Some("2021-03-01 09:00 UTC"),
                Some("2021-03-09 10:00 UTC"),
                None,
            ],
            &["2021-03-01 10:00 UTC", "2021-03-01 11:00 UTC"],
        );
        moments("", &mut d);
        let whys: Vec<(&str, &str)> = d
            .doubts
            .iter()
            .map(|x| (x.field.as_str(), x.why.as_str()))
            .collect();
        assert_eq!(
            whys,
            [
                ("incident.detected", "it is before incident.started"),
                (
                    "incident.mitigated",
                    "it is more than a day outside the timeline"
                ),
            ]
        );
        assert!(d.moments[0].is_some());
        // What agrees stays.
        let mut d = draft(
            [
                Some("2021-03-01 10:00 UTC"),
                None,
                None,
                Some("2021-03-01 10:13 UTC"),
            ],
            &["2021-03-01 10:00 UTC", "2021-03-01 10:13 UTC"],
        );
        moments("The outage lasted 13 minutes.", &mut d);
        assert!(d.doubts.is_empty());
    }
}
