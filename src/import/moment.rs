//! Times as people write them: `16:58`, `9:05`, `17:20:11`, `2:54 PM`,
//! `12:45pm`, `[08:47]`, with a zone by abbreviation, name or offset, an
//! alternative in brackets (`13:14 EDT (17:14 UTC)`), a date before or
//! after (`2017/01/31 18:00`, `12:45 PM PST Saturday Oct 30th`, `22:30 UTC
//! (Oct 29)`) and marks of an approximate time. [`moment_at_start`] reads
//! one that leads an entry; [`times_in_zone`] finds those in a sentence.

use super::when::{bare, date_at, weekday, zone, Day};
use jiff::civil::Time;

/// A moment leading a timeline entry, and what follows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    pub day: Option<Day>,
    pub time: Time,
    pub zone: Option<String>,
    pub approx: bool,
    /// The day after the entry before's (`the following morning`).
    pub next_day: bool,
    /// What follows it, without separators.
    pub rest: String,
}

const APPROX: &[&str] = &[
    "±",
    "~",
    "≈",
    "approx.",
    "approximately",
    "about",
    "around",
    "circa",
    "ca.",
];

/// `16:58`, `9:05`, `17:20:11`, `12:45pm`: the time, and whether it carried
/// its own AM or PM. Minutes are two digits, so `1:1` is not a time.
fn clock(word: &str) -> Option<(Time, Option<bool>)> {
    let w = bare(word).trim_end_matches(['.', '-', '@']);
    let lower = w.to_ascii_lowercase();
    let (w, pm) = match lower
        .strip_suffix("am")
        .or_else(|| lower.strip_suffix("a.m"))
    {
        Some(rest) => (&w[..rest.len()], Some(false)),
        None => match lower
            .strip_suffix("pm")
            .or_else(|| lower.strip_suffix("p.m"))
        {
            Some(rest) => (&w[..rest.len()], Some(true)),
            None => (w, None),
        },
    };
    let parts: Vec<&str> = w.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts[0].is_empty()
        || parts[0].len() > 2
        || parts[1..].iter().any(|p| p.len() != 2)
        || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let h: i8 = parts[0].parse().ok()?;
    let m: i8 = parts[1].parse().ok()?;
    let s: i8 = parts.get(2).map_or(Some(0), |s| s.parse().ok())?;
    Some((Time::new(h, m, s, 0).ok()?, pm))
}

/// `AM`, `p.m.` after a time: whether it is afternoon.
fn meridiem(word: &str) -> Option<bool> {
    match bare(word).to_ascii_lowercase().trim_end_matches('.') {
        "am" | "a.m" => Some(false),
        "pm" | "p.m" => Some(true),
        _ => None,
    }
}

/// A 12-hour time on a 24-hour clock. `13:55 PM` is read as written.
fn on_24_hours(time: Time, pm: bool) -> Time {
    let h = time.hour();
    let h = match (pm, h) {
        (true, 1..=11) => h + 12,
        (false, 12) => 0,
        _ => h,
    };
    Time::new(h, time.minute(), time.second(), 0).unwrap_or(time)
}

/// A time, its meridiem and zone, from `words[at..]`: the time and how
/// many words it took.
fn time_at(words: &[&str], at: usize) -> Option<(Time, Option<String>, usize)> {
    let (mut time, pm) = clock(words.get(at)?)?;
    let mut used = 1;
    let pm = pm.or_else(|| {
        let pm = words.get(at + used).and_then(|w| meridiem(w));
        used += usize::from(pm.is_some());
        pm
    });
    if let Some(pm) = pm {
        time = on_24_hours(time, pm);
    }
    let zone = words.get(at + used).and_then(|w| zone(w));
    used += usize::from(zone.is_some());
    Some((time, zone, used))
}

/// An approximate mark at the start of `word`: what is left of the word.
fn approx_mark(word: &str) -> Option<&str> {
    let lower = word.to_lowercase();
    APPROX
        .iter()
        .find(|m| lower.starts_with(*m))
        .map(|m| &word[m.len()..])
}

/// Reads a moment that leads an entry: `At 2017/01/31 18:00 UTC, text`,
/// `**± 17:20 UTC:** text`, `2018 October 21 22:52 UTC`, `16:58 UTC -
/// text`, `[08:47] text`, `2:54 PM PST: text`, `12:45 PM PST Saturday Oct
/// 30th: text`, `13:14 EDT (17:14 UTC): text`, `22:30 UTC (Oct 29) -
/// text`.
pub fn moment_at_start(text: &str) -> Option<Moment> {
    let plain = text.replace("**", "").replace("__", "");
    let mut words: Vec<&str> = plain.split_whitespace().collect();
    let mut used = 0;
    let lead = |w: &str| matches!(bare(w).to_lowercase().as_str(), "at" | "on" | "by");
    if words.first().is_some_and(|w| lead(w)) {
        used += 1;
    }
    let mut approx = false;
    if let Some(rest) = words.get(used).and_then(|w| approx_mark(w)) {
        approx = true;
        if rest.is_empty() {
            used += 1;
        } else {
            words[used] = rest;
        }
    }
    let mut day = None;
    if let Some((found, n)) = date_at(&words[used..]) {
        day = Some(found);
        used += n;
        // `2023-01-25 at 09:15`
        if words
            .get(used)
            .is_some_and(|w| bare(w).eq_ignore_ascii_case("at"))
        {
            used += 1;
        }
    }
    let (time, zone, n) = time_at(&words, used)?;
    used += n;
    // `(17:14 UTC)`: the same moment in another zone.
    if words
        .get(used)
        .is_some_and(|w| w.starts_with('(') && clock(w).is_some())
    {
        let close = words[used..]
            .iter()
            .take(3)
            .position(|w| w.contains(')'))
            .unwrap_or(0);
        used += close + 1;
    }
    // A date after the time: `Saturday Oct 30th:`, `(Oct 29)`, `on 2019-10-21`.
    if day.is_none() {
        let mut at = used;
        if words
            .get(at)
            .is_some_and(|w| bare(w).eq_ignore_ascii_case("on"))
        {
            at += 1;
        }
        if let Some((found, n)) = date_at(&words[at..]) {
            day = Some(found);
            used = at + n;
        } else if words.get(at).is_some_and(|w| weekday(w)) && at == used {
            used += 1;
        }
    }
    let rest = words[used..].join(" ");
    let rest = rest
        .trim_start_matches(|c: char| {
            matches!(c, ':' | '-' | '–' | '—' | ',' | '|' | ')' | ']') || c.is_whitespace()
        })
        .to_string();
    Some(Moment {
        day,
        time,
        zone,
        approx,
        next_day: false,
        rest,
    })
}

/// A time found inside a sentence, with the date written next to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Byte range of the time (and its zone) in the text.
    pub range: std::ops::Range<usize>,
    pub day: Option<Day>,
    pub time: Time,
    pub zone: Option<String>,
    pub approx: bool,
    /// Said to be the day after the one before (`at 4:11 UTC the next
    /// morning`, `the following day at 09:00 UTC`).
    pub next_day: bool,
}

/// How many of the first `words` say the day after: `the next day`,
/// `the following morning`, `next morning`.
pub fn says_next_day(words: &[&str]) -> Option<usize> {
    let w: Vec<String> = words
        .iter()
        .take(3)
        .map(|w| bare(w).to_lowercase())
        .collect();
    let the = usize::from(w.first().is_some_and(|w| w == "the"));
    let next = w.get(the).is_some_and(|w| w == "next" || w == "following");
    let part = w
        .get(the + 1)
        .is_some_and(|w| ["day", "morning", "afternoon", "evening", "night"].contains(&w.as_str()));
    (next && part).then_some(the + 2)
}

/// [`times_in_zone`] with no zone the story gave: only times with a zone.
#[cfg(test)]
pub fn times_in(text: &str) -> Vec<Found> {
    times_in_zone(text, None)
}

/// Words that lead a time in a sentence (`at 15:10`, `by 16:05`).
const TIME_LEADS: &[&str] = &[
    "at",
    "by",
    "around",
    "until",
    "till",
    "from",
    "since",
    "between",
    "approximately",
    "about",
];

/// Every time with a zone in `text` (`At 15:23 UTC we`, `by 9:40 UTC`,
/// `On 2021-04-27 at 15:09 UTC`), with a date written just before or after
/// it. A time without a zone in prose is too often a version, a score or
/// a duration to be taken for a moment, except where a word leads it (`At
/// 15:10 we moved traffic`) and the story gave a zone before
/// (`zone_default`, the one its times were last given in).
pub fn times_in_zone(text: &str, zone_default: Option<&str>) -> Vec<Found> {
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut at = 0;
    for w in text.split_whitespace() {
        let start = at + text[at..].find(w).unwrap_or(0);
        words.push((start, w));
        at = start + w.len();
    }
    let plain: Vec<&str> = words.iter().map(|(_, w)| *w).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < plain.len() {
        let Some((time, zone, n)) = time_at(&plain, i) else {
            i += 1;
            continue;
        };
        let led = i > 0 && TIME_LEADS.contains(&bare(plain[i - 1]).to_lowercase().as_str());
        // `Between 14:20 and 16:05 CET`: the span's zone is its end's.
        let span_zone = || {
            let joint = bare(plain.get(i + n)?).to_lowercase();
            if !["and", "to", "until", "-", "–"].contains(&joint.as_str()) {
                return None;
            }
            time_at(&plain, i + n + 1).and_then(|(_, zone, _)| zone)
        };
        let zone = zone
            .or_else(|| led.then(span_zone).flatten())
            .or_else(|| zone_default.filter(|_| led).map(str::to_string));
        let Some(zone) = zone else {
            i += 1;
            continue;
        };
        let approx = i > 0 && approx_mark(plain[i - 1]).is_some_and(str::is_empty);
        // A date just before (`2021-04-27 at`) or just after (`on 2019-10-21`).
        let before = (1..=5).rev().find_map(|back| {
            let from = i.checked_sub(back)?;
            let (day, len) = date_at(&plain[from..i])?;
            let gap = &plain[from + len..i];
            (gap.is_empty() || (gap.len() == 1 && bare(gap[0]).eq_ignore_ascii_case("at")))
                .then_some(day)
        });
        let after = || {
            let on = plain
                .get(i + n)
                .filter(|w| bare(w).eq_ignore_ascii_case("on"))?;
            let _ = on;
            date_at(&plain[i + n + 1..]).map(|(day, _)| day)
        };
        let last = words[i + n - 1];
        let next_day = says_next_day(&plain[i + n..]).is_some()
            || (i.saturating_sub(5)..i).any(|from| {
                says_next_day(&plain[from..i]).is_some_and(|k| {
                    plain[from + k..i]
                        .iter()
                        .all(|w| ["at", "around", "by", ""].contains(&bare(w)))
                })
            });
        out.push(Found {
            range: words[i].0..last.0 + last.1.len(),
            day: before.or_else(after),
            time,
            zone: Some(zone),
            approx,
            next_day,
        });
        i += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::Date;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn read(text: &str) -> (Option<Day>, String, Option<String>, bool, String) {
        let m = moment_at_start(text).unwrap_or_else(|| panic!("{text}"));
        (
            m.day,
            m.time.to_string()[..5].to_string(),
            m.zone,
            m.approx,
            m.rest,
        )
    }

    #[test]
    fn moments_lead_entries_in_many_shapes() {
        let full = |s: &str| Some(Day::Full(d(s)));
        let z = |s: &str| Some(s.to_string());
        for (text, want) in [
            (
                "**± 17:20 UTC:** the team removes the node",
                (None, "17:20", z("UTC"), true, "the team removes the node"),
            ),
            (
                "At 2017/01/31 18:00 UTC, we detect",
                (full("2017-01-31"), "18:00", z("UTC"), false, "we detect"),
            ),
            (
                "2018 October 21 22:52 UTC",
                (full("2018-10-21"), "22:52", z("UTC"), false, ""),
            ),
            (
                "**16:58 UTC** - Writer database",
                (None, "16:58", z("UTC"), false, "Writer database"),
            ),
            (
                "2017/02/01 00:36 - Backup restored",
                (full("2017-02-01"), "00:36", None, false, "Backup restored"),
            ),
            (
                "09:05 Alert fires",
                (None, "09:05", None, false, "Alert fires"),
            ),
            (
                "[08:47] The bump is merged",
                (None, "08:47", None, false, "The bump is merged"),
            ),
            (
                "2:54 PM PST: a change merged",
                (None, "14:54", z("PST"), false, "a change merged"),
            ),
            (
                "12:10 am: the cron runs",
                (None, "00:10", None, false, "the cron runs"),
            ),
            (
                "2:10am SAST the mirrors were back in sync",
                (
                    None,
                    "02:10",
                    z("SAST"),
                    false,
                    "the mirrors were back in sync",
                ),
            ),
            (
                "Jan 14, 10:18 AM | Deploy starts",
                (
                    Some(Day::NoYear { month: 1, day: 14 }),
                    "10:18",
                    None,
                    false,
                    "Deploy starts",
                ),
            ),
            (
                "3:05pm UTC+2 - pages sent",
                (None, "15:05", z("+02:00"), false, "pages sent"),
            ),
            (
                "13:55 PM PST the alarms fire",
                (None, "13:55", z("PST"), false, "the alarms fire"),
            ),
            (
                "13:14 EDT (17:14 UTC): A user writes in",
                (None, "13:14", z("EDT"), false, "A user writes in"),
            ),
            (
                "22:30 UTC (Oct 29) - Errors rise",
                (
                    Some(Day::NoYear { month: 10, day: 29 }),
                    "22:30",
                    z("UTC"),
                    false,
                    "Errors rise",
                ),
            ),
            (
                "11:45 PM PST Saturday Oct 30th: waves begin",
                (
                    Some(Day::NoYear { month: 10, day: 30 }),
                    "23:45",
                    z("PST"),
                    false,
                    "waves begin",
                ),
            ),
            (
                "On Wednesday, 2023-01-25 at 09:15 UTC, we deployed",
                (full("2023-01-25"), "09:15", z("UTC"), false, "we deployed"),
            ),
            (
                "Around 9:30 UTC, the record",
                (None, "09:30", z("UTC"), true, "the record"),
            ),
        ] {
            let want = (
                want.0,
                want.1.to_string(),
                want.2,
                want.3,
                want.4.to_string(),
            );
            assert_eq!(read(text), want, "{text}");
        }
        for text in [
            "The team met at noon",
            "2019 was a year",
            "1:1 mapping of keys",
            "Version 1.2.3 shipped",
            "12:5 is not a time",
        ] {
            assert_eq!(moment_at_start(text), None, "{text}");
        }
    }

    #[test]
    fn times_with_a_zone_are_found_in_sentences() {
        let text = "On 2021-04-27 at 15:09 UTC we released it. At 15:23 UTC we heard, and it was reverted - an action completed by 15:56 UTC. Build 1:30 ran at 10:00 too.";
        let found = times_in(text);
        let shown: Vec<(&str, Option<Day>)> = found
            .iter()
            .map(|f| (&text[f.range.clone()], f.day))
            .collect();
        assert_eq!(
            shown,
            [
                ("15:09 UTC", Some(Day::Full(d("2021-04-27")))),
                ("15:23 UTC", None),
                ("15:56 UTC.", None),
            ]
        );
        let found =
            times_in("Around 9:30 UTC, it came back, by 9:40 UTC on 2023-01-25 all was well");
        assert!(found[0].approx);
        assert_eq!(found[1].day, Some(Day::Full(d("2023-01-25"))));
    }
}
