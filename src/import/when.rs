//! Dates as people write them in prose, headings and timelines, in any
//! common order: `2019-12-04`, `2017/01/31`, `31.01.2017`, `2018 October
//! 21`, `On May 14th 2019`, `Wednesday 4 December 2019`, `Oct. 30th`,
//! `4 July` (a day without its year takes it from the nearest stated
//! date); and the zone a document says its times are in.

use jiff::civil::Date;

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

/// A word without the markup and punctuation around it.
pub fn bare(word: &str) -> &str {
    word.trim_matches(|c: char| {
        matches!(
            c,
            '*' | '_' | '`' | '[' | ']' | '(' | ')' | ',' | ';' | ':' | '"' | '\'' | '|'
        )
    })
}

pub fn month(word: &str) -> Option<i8> {
    let w = bare(word).trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    if w == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() == 3 && m.starts_with(&w)))
        .map(|i| i as i8 + 1)
}

pub fn weekday(word: &str) -> bool {
    let w = bare(word).trim_end_matches('.').to_lowercase();
    w.len() >= 3 && WEEKDAYS.iter().any(|d| *d == w || d.starts_with(&w))
}

/// `14th`, `4`, `21,` as a day of the month.
fn day_of_month(word: &str) -> Option<i8> {
    let w = bare(word).trim_end_matches('.');
    let w = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|s| w.strip_suffix(s))
        .unwrap_or(w);
    if w.is_empty() || w.len() > 2 || !w.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d: i8 = w.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

fn year(word: &str) -> Option<i16> {
    let w = bare(word).trim_end_matches('.');
    (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .then(|| w.parse().ok())
        .flatten()
        .filter(|y| (1970..=2100).contains(y))
}

/// A day as a document writes it: whole, or without its year (`Oct 30th`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    Full(Date),
    NoYear { month: i8, day: i8 },
}

impl Day {
    /// The date, a missing year taken so that it falls nearest to
    /// `context` (the nearest date the document states). `None` without a
    /// year and a context.
    pub fn resolve(self, context: Option<Date>) -> Option<Date> {
        match self {
            Day::Full(date) => Some(date),
            Day::NoYear { month, day } => {
                let context = context?;
                let y = context.year();
                [y - 1, y, y + 1]
                    .iter()
                    .filter_map(|&y| Date::new(y, month, day).ok())
                    .min_by_key(|d| (*d - context).get_days().abs())
            }
        }
    }
}

/// `2019-12-04`, `2017/01/31`, `31.01.2017`, or `01/31/2017` and
/// `31/01/2017` when the order is not in doubt (a part over 12).
fn numeric_date(word: &str) -> Option<Date> {
    // `2021-03-31).`: the closing marks after a date are not part of it.
    let w = bare(bare(word).trim_end_matches('.'));
    let parts: Vec<&str> = w.split(['-', '/', '.']).collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n = |p: &str| p.parse::<i16>().ok();
    let (a, b, c) = (n(parts[0])?, n(parts[1])?, n(parts[2])?);
    let (y, m, d) = if parts[0].len() == 4 {
        (a, b, c)
    } else if parts[2].len() == 4 {
        match (a > 12, b > 12) {
            // 31.01.2017 and 31/01/2017
            (true, false) => (c, b, a),
            // 01/31/2017
            (false, true) => (c, a, b),
            // 30.10.2021 with dots is day first, as everywhere dots are used
            (false, false) if w.contains('.') => (c, b, a),
            _ => return None,
        }
    } else {
        return None;
    };
    if !(1970..=2100).contains(&y) {
        return None;
    }
    Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

/// A date at the start of `words` (a weekday before it is part of it): the
/// day and how many words it took.
pub fn date_at(words: &[&str]) -> Option<(Day, usize)> {
    let mut skip = 0;
    if words.first().is_some_and(|w| weekday(w)) {
        skip = 1;
    }
    let w = &words[skip..];
    let first = *w.first()?;
    if let Some(date) = numeric_date(first) {
        return Some((Day::Full(date), skip + 1));
    }
    let at = |i: usize| w.get(i).copied().unwrap_or("");
    let full = |y: i16, m: i8, d: i8, n: usize| {
        Date::new(y, m, d)
            .ok()
            .map(|date| (Day::Full(date), skip + n))
    };
    // 2018 October 21
    if let (Some(y), Some(m), Some(d)) = (year(at(0)), month(at(1)), day_of_month(at(2))) {
        return full(y, m, d, 3);
    }
    // October 21, 2018 / May 14th 2019 / Oct. 30th
    if let (Some(m), Some(d)) = (month(at(0)), day_of_month(at(1))) {
        return match year(at(2)) {
            Some(y) => full(y, m, d, 3),
            None if Date::new(2000, m, d).is_ok() => {
                Some((Day::NoYear { month: m, day: d }, skip + 2))
            }
            None => None,
        };
    }
    // 4 December 2019 / 4 July
    if let (Some(d), Some(m)) = (day_of_month(at(0)), month(at(1))) {
        return match year(at(2)) {
            Some(y) => full(y, m, d, 3),
            None if Date::new(2000, m, d).is_ok() => {
                Some((Day::NoYear { month: m, day: d }, skip + 2))
            }
            None => None,
        };
    }
    None
}

/// The first whole date written in prose, and the words it was written as.
pub fn date_in_prose(text: &str) -> Option<(Date, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    (0..words.len()).find_map(|i| match date_at(&words[i..]) {
        Some((Day::Full(date), n)) => Some((
            date,
            words[i..i + n]
                .join(" ")
                .trim_end_matches([',', '.', ':'])
                .to_string(),
        )),
        _ => None,
    })
}

/// A line that states a day and little else (`2019-01-23`, `### Monday,
/// July 28`, `2025-07-26 Saturday`, `October 29-30, 2025 - CPU latency`):
/// the day, read in the context of `near`.
pub fn day_line(text: &str, near: Option<Date>) -> Option<Date> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let start = words.iter().position(|w| !bare(w).is_empty())?;
    let (day, n) = date_at(&words[start..])
        // `October 29-30, 2025`: a range starts on its first day.
        .or_else(|| range_start(&words[start..]))?;
    // A day line leads its text, and is not a sentence that happens to
    // start with a date.
    let rest = words.len() - start - n;
    (start <= 1 && rest <= 8)
        .then(|| day.resolve(near))
        .flatten()
}

/// `October 29-30, 2025` as the first day of the range.
fn range_start(words: &[&str]) -> Option<(Day, usize)> {
    let m = month(words.first()?)?;
    let (from, _) = bare(words.get(1)?).split_once(['-', '–'])?;
    let d = day_of_month(from)?;
    match words.get(2).and_then(|w| year(w)) {
        Some(y) => Date::new(y, m, d).ok().map(|date| (Day::Full(date), 3)),
        None => Some((Day::NoYear { month: m, day: d }, 2)),
    }
}

/// A zone word after a time (`UTC`, `CET`, `Europe/Oslo`, `+01:00`,
/// `UTC+2`, `GMT-08:00`).
pub fn zone(word: &str) -> Option<String> {
    let w = bare(word).trim_end_matches('.');
    if w.is_empty() {
        return None;
    }
    // `UTC+2` and `GMT-8` are offsets.
    for base in ["UTC", "GMT"] {
        if let Some(offset) = w.strip_prefix(base).filter(|o| o.starts_with(['+', '-'])) {
            let digits = &offset[1..];
            let (h, m) = digits.split_once(':').unwrap_or((digits, "00"));
            let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
            return (h <= 14 && m < 60).then(|| format!("{}{h:02}:{m:02}", &offset[..1]));
        }
    }
    if w.chars().any(|c| c.is_ascii_digit()) && !w.starts_with(['+', '-']) {
        return None;
    }
    // North American zones by their names, with their summer time.
    let named = match w {
        "Eastern" | "ET" => Some("America/New_York"),
        "Central" | "CT" => Some("America/Chicago"),
        "Mountain" | "MT" => Some("America/Denver"),
        "Pacific" | "PT" => Some("America/Los_Angeles"),
        _ => None,
    };
    if let Some(name) = named {
        return Some(name.to_string());
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

/// The zone a document says its times are in: `(all times UTC)`,
/// `All times are in CET`, `Date and Time in CET`, `times in PST`,
/// `Times are in both Eastern Daylight Time (EDT) and UTC`.
pub fn stated_zone(text: &str) -> Option<String> {
    // Word by word, without a list of them all: documents run to megabytes.
    let mut words = text.split_whitespace();
    while let Some(w) = words.next() {
        let w = bare(w);
        if w.eq_ignore_ascii_case("times") || w.eq_ignore_ascii_case("time") {
            // The first zone within the next few words; an abbreviation
            // before a name (`Eastern Daylight Time (EDT)`).
            let next = || words.clone().take(8);
            let named =
                |x: &&str| matches!(bare(x), "Eastern" | "Central" | "Mountain" | "Pacific");
            if let Some(z) = next()
                .filter(|x| !named(x))
                .find_map(zone)
                .or_else(|| next().find_map(zone))
            {
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

    fn words(s: &str) -> Vec<&str> {
        s.split_whitespace().collect()
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
        assert_eq!(
            date_in_prose("Attack on **November 24th, 2025**"),
            Some((d("2025-11-24"), "**November 24th, 2025**".into()))
        );
        assert_eq!(date_in_prose("nothing here 12 of 2019"), None);
        assert_eq!(date_in_prose("we may 5 times retry"), None);
    }

    #[test]
    fn dates_in_every_common_order() {
        for (text, want) in [
            ("2019-12-04", "2019-12-04"),
            ("2017/01/31", "2017-01-31"),
            ("31.01.2017", "2017-01-31"),
            ("05.03.2021", "2021-03-05"),
            ("31/01/2017", "2017-01-31"),
            ("01/31/2017", "2017-01-31"),
            ("2018 October 21", "2018-10-21"),
            ("Oct. 24, 2019", "2019-10-24"),
            ("Tuesday, 4 June 2024", "2024-06-04"),
        ] {
            assert_eq!(
                date_at(&words(text)).map(|x| x.0),
                Some(Day::Full(d(want))),
                "{text}"
            );
        }
        // Day first or month first with both under 13: not guessed.
        assert_eq!(date_at(&words("03/04/2021")), None);
        assert_eq!(
            date_at(&words("Saturday Oct 30th: more")),
            Some((Day::NoYear { month: 10, day: 30 }, 3))
        );
        assert_eq!(
            date_at(&words("4 July @ 02:10")),
            Some((Day::NoYear { month: 7, day: 4 }, 2))
        );
    }

    #[test]
    fn a_day_without_its_year_takes_the_nearest() {
        let oct30 = Day::NoYear { month: 10, day: 30 };
        assert_eq!(oct30.resolve(Some(d("2021-10-31"))), Some(d("2021-10-30")));
        let jan2 = Day::NoYear { month: 1, day: 2 };
        assert_eq!(jan2.resolve(Some(d("2021-12-30"))), Some(d("2022-01-02")));
        assert_eq!(oct30.resolve(None), None);
        assert_eq!(
            Day::NoYear { month: 2, day: 29 }.resolve(Some(d("2021-03-01"))),
            Some(d("2020-02-29"))
        );
    }

    #[test]
    fn day_lines_state_a_day_and_little_else() {
        let near = Some(d("2025-10-20"));
        for (text, want) in [
            ("2019-01-23", "2019-01-23"),
            ("2025-07-26 Saturday", "2025-07-26"),
            ("October 21, 2025 - Redis Overload", "2025-10-21"),
            ("October 29-30, 2025 - CPU-Bound Latency", "2025-10-29"),
            ("Monday, July 28", "2025-07-28"),
        ] {
            assert_eq!(day_line(text, near), Some(d(want)), "{text}");
        }
        assert_eq!(
            day_line(
                "On 2019-01-23 the queue filled up and nobody was paged until the morning came",
                near
            ),
            None
        );
        assert_eq!(day_line("Impact", near), None);
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
        assert_eq!(
            stated_zone("Times are in both Eastern Daylight Time (EDT) and UTC.").as_deref(),
            Some("EDT")
        );
        assert_eq!(stated_zone("_(all times UTC)_").as_deref(), Some("UTC"));
        assert_eq!(stated_zone("no zone"), None);
        assert_eq!(zone("UTC+2").as_deref(), Some("+02:00"));
        assert_eq!(zone("GMT-08:00").as_deref(), Some("-08:00"));
        assert_eq!(zone("Eastern:").as_deref(), Some("America/New_York"));
    }
}
