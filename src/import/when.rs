//! Dates and times as people write them in prose and timelines:
//! `2019-12-04`, `2017/01/31`, `2018 October 21`, `On May 14th 2019`,
//! `Wednesday 4 December 2019`, `16:58`, a zone after the time, and marks
//! of an approximate time.

use jiff::civil::{Date, Time};

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn month(word: &str) -> Option<i8> {
    let w = word.trim_end_matches(['.', ',']).to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() == 3 && m.starts_with(&w)) || (w == "sept"))
        .map(|i| if w == "sept" { 9 } else { i as i8 + 1 })
}

fn weekday(word: &str) -> bool {
    let w = word.trim_end_matches(['.', ',']).to_lowercase();
    w.len() >= 3 && WEEKDAYS.iter().any(|d| *d == w || d.starts_with(&w))
}

/// `14th`, `4`, `21,` as a day of the month.
fn day(word: &str) -> Option<i8> {
    let w = word.trim_end_matches([',', '.']);
    let w = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|s| w.strip_suffix(s))
        .unwrap_or(w);
    let d: i8 = w.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

fn year(word: &str) -> Option<i16> {
    let w = word.trim_end_matches([',', '.', ':']);
    (w.len() == 4)
        .then(|| w.parse().ok())
        .flatten()
        .filter(|y| (1970..=2100).contains(y))
}

/// `2019-12-04` or `2017/01/31`.
fn numeric_date(word: &str) -> Option<Date> {
    let w = word.trim_end_matches([',', '.', ':']);
    let parts: Vec<&str> = w.split(['-', '/']).collect();
    if parts.len() != 3 || parts[0].len() != 4 {
        return None;
    }
    let (y, m, d) = (
        parts[0].parse().ok()?,
        parts[1].parse().ok()?,
        parts[2].parse().ok()?,
    );
    Date::new(y, m, d).ok()
}

/// A date at the start of `words`: how many words it took.
pub fn date_at(words: &[&str]) -> Option<(Date, usize)> {
    let mut skip = 0;
    if words.first().is_some_and(|w| weekday(w)) {
        skip = 1;
    }
    let w = &words[skip..];
    if let Some(date) = w.first().and_then(|x| numeric_date(x)) {
        return Some((date, skip + 1));
    }
    if w.len() >= 3 {
        // 2018 October 21
        if let (Some(y), Some(m), Some(d)) = (year(w[0]), month(w[1]), day(w[2])) {
            return Date::new(y, m, d).ok().map(|date| (date, skip + 3));
        }
        // October 21, 2018 / May 14th 2019
        if let (Some(m), Some(d), Some(y)) = (month(w[0]), day(w[1]), year(w[2])) {
            return Date::new(y, m, d).ok().map(|date| (date, skip + 3));
        }
        // 4 December 2019
        if let (Some(d), Some(m), Some(y)) = (day(w[0]), month(w[1]), year(w[2])) {
            return Date::new(y, m, d).ok().map(|date| (date, skip + 3));
        }
    }
    None
}

/// The first date written in prose, and the words it was written as.
pub fn date_in_prose(text: &str) -> Option<(Date, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    (0..words.len()).find_map(|i| {
        date_at(&words[i..]).map(|(date, n)| {
            (
                date,
                words[i..i + n]
                    .join(" ")
                    .trim_end_matches([',', '.'])
                    .to_string(),
            )
        })
    })
}

/// `16:58`, `9:05`, `17:20:11`, with `:` or `,` after it.
fn clock(word: &str) -> Option<Time> {
    let w = word.trim_end_matches([':', ',', '.', '-']);
    let parts: Vec<&str> = w.split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty() || p.len() > 2) {
        return None;
    }
    let h: i8 = parts[0].parse().ok()?;
    let m: i8 = parts[1].parse().ok()?;
    let s: i8 = parts.get(2).map_or(Some(0), |s| s.parse().ok())?;
    Time::new(h, m, s, 0).ok()
}

/// A zone word after a time (`UTC`, `CET`, `Europe/Oslo`, `+01:00`).
fn zone(word: &str) -> Option<String> {
    let w = word
        .trim_end_matches([':', ',', '.', ')'])
        .trim_start_matches('(');
    if w.is_empty() || w.chars().any(|c| c.is_ascii_digit()) && !w.starts_with(['+', '-']) {
        return None;
    }
    // An ambiguous abbreviation is still the document's zone: `check`
    // then asks which one it means.
    let known = crate::datetime::known_zone(w).is_some() || crate::datetime::is_abbreviation(w);
    (known
        && (w.chars().all(|c| c.is_ascii_uppercase())
            || w.contains('/')
            || w.starts_with(['+', '-'])))
    .then(|| w.to_string())
}

/// A moment at the start of a timeline line.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    pub date: Option<Date>,
    pub time: Time,
    pub zone: Option<String>,
    pub approx: bool,
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
    "circa",
    "ca.",
];

/// Reads `At 2017/01/31 18:00 UTC, text`, `**± 17:20 UTC:** text`,
/// `2018 October 21 22:52 UTC`, `16:58 UTC - text`, `00:30 text`.
pub fn moment_at_start(text: &str) -> Option<Moment> {
    let plain = text.replace("**", "").replace("__", "");
    let mut words: Vec<&str> = plain.split_whitespace().collect();
    let mut used = 0;
    if words
        .first()
        .is_some_and(|w| w.eq_ignore_ascii_case("at") || w.eq_ignore_ascii_case("on"))
    {
        used += 1;
    }
    let mut approx = false;
    // `±17:20` or `± 17:20`
    if let Some(w) = words.get(used) {
        if let Some(mark) = APPROX.iter().find(|m| w.to_lowercase().starts_with(*m)) {
            approx = true;
            if w.len() == mark.len() {
                used += 1;
            } else {
                let stripped = &w[mark.len()..];
                words[used] = stripped;
            }
        }
    }
    let (date, n) = date_at(&words[used..]).map_or((None, 0), |(d, n)| (Some(d), n));
    used += n;
    // `2017/02/01 00:36 - text` or `18:00 UTC, text`
    let time = clock(words.get(used)?)?;
    used += 1;
    let zone = words.get(used).and_then(|w| zone(w));
    if zone.is_some() {
        used += 1;
    }
    let rest = words[used..].join(" ");
    let rest = rest
        .trim_start_matches(|c: char| {
            c == ':' || c == '-' || c == '–' || c == '—' || c == ',' || c.is_whitespace()
        })
        .to_string();
    Some(Moment {
        date,
        time,
        zone,
        approx,
        rest,
    })
}

/// The zone a document says its times are in: `(all times UTC)`,
/// `All times are in CET`, `Date and Time in CET`, `times in PST`.
pub fn stated_zone(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let w = w.trim_start_matches('(').to_lowercase();
        if w == "times" || w == "time" {
            let mut j = i + 1;
            while words.get(j).is_some_and(|x| {
                matches!(x.to_lowercase().as_str(), "are" | "in" | "shown" | "given")
            }) {
                j += 1;
            }
            if let Some(z) = words.get(j).and_then(|x| zone(x)) {
                return Some(z);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn dates_in_prose() {
        assert_eq!(
            date_in_prose("On Wednesday 4 December 2019, an accidental"),
            Some((d("2019-12-04"), "Wednesday 4 December 2019".into()))
        );
        assert_eq!(
            date_in_prose("On May 14th 2019 we"),
            Some((d("2019-05-14"), "May 14th 2019".into()))
        );
        assert_eq!(
            date_in_prose("On September 29, 2025, the"),
            Some((d("2025-09-29"), "September 29, 2025".into()))
        );
        assert_eq!(date_in_prose("nothing here 12 of 2019"), None);
    }

    #[test]
    fn moments_at_the_start_of_lines() {
        let m = moment_at_start("**± 17:20 UTC:** YP thinks").unwrap();
        assert_eq!(
            (
                m.date,
                m.time.to_string(),
                m.zone.as_deref(),
                m.approx,
                m.rest.as_str()
            ),
            (None, "17:20:00".into(), Some("UTC"), true, "YP thinks")
        );
        let m = moment_at_start("At 2017/01/31 18:00 UTC, we detect").unwrap();
        assert_eq!(
            (m.date, m.zone.as_deref(), m.rest.as_str()),
            (Some(d("2017-01-31")), Some("UTC"), "we detect")
        );
        let m = moment_at_start("2018 October 21 22:52 UTC").unwrap();
        assert_eq!(
            (m.date, m.time.to_string(), m.rest.as_str()),
            (Some(d("2018-10-21")), "22:52:00".into(), "")
        );
        let m = moment_at_start("**16:58 UTC** - Writer database").unwrap();
        assert_eq!(
            (m.zone.as_deref(), m.rest.as_str()),
            (Some("UTC"), "Writer database")
        );
        let m = moment_at_start("2017/02/01 00:36 - Backup restored").unwrap();
        assert_eq!(
            (m.date, m.zone, m.rest.as_str()),
            (Some(d("2017-02-01")), None, "Backup restored")
        );
        let m = moment_at_start("09:05 Alert fires").unwrap();
        assert_eq!(m.rest, "Alert fires");
        assert_eq!(moment_at_start("The team met at noon"), None);
        assert_eq!(moment_at_start("2019 was a year"), None);
    }

    #[test]
    fn documents_state_their_zone() {
        assert_eq!(
            stated_zone("2022-11-22 (all times UTC)").as_deref(),
            Some("UTC")
        );
        assert_eq!(stated_zone("Date and Time in CET").as_deref(), Some("CET"));
        assert_eq!(
            stated_zone("All times are in Europe/Oslo.").as_deref(),
            Some("Europe/Oslo")
        );
        assert_eq!(stated_zone("no zone"), None);
    }
}
