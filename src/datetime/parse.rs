//! Reading what write-ups write as dates and times: publication dates,
//! timestamps with or without a date, a zone after the time (an IANA name,
//! `UTC`, an offset, or an abbreviation with one meaning, read as its fixed
//! offset) and marks of an approximate time.

use super::local_to_timestamp;
use crate::diagnostic::Reason;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// What a timestamp field said, once read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stamp {
    /// A full moment: RFC 3339, or a local date and time read in the zone
    /// it names or else the write-up's zone.
    Full(Timestamp),
    /// Only `HH:MM`: a time on a day given by context, in the zone it names
    /// (`17:20 UTC`), or else the write-up's.
    TimeOnly(Time, Option<TimeZone>),
}

/// A timestamp field once read: the moment, and whether the text marked it
/// as approximate (`~17:20`, `± 17:20 UTC`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub stamp: Stamp,
    pub approx: bool,
    /// A local time the clocks showed twice, read as the first: what to
    /// warn of.
    pub fold: Option<String>,
}

const TIMESTAMP_FORMS: &str = "RFC 3339 such as 2018-09-20T17:40:00-04:00, \"2018-09-20 17:40\", \"17:40\", each optionally with a zone (\"17:40 UTC\", \"2018-09-20 17:40 Europe/Copenhagen\") and a leading ~ when approximate";

/// What marks a time as approximate, longest first.
const APPROX_MARKS: &[&str] = &[
    "approximately ",
    "approx. ",
    "approx ",
    "circa ",
    "ca. ",
    "+/-",
    "+-",
    "±",
    "≈",
    "~",
];

/// Zone abbreviations with one meaning, as fixed offsets in minutes: a
/// source that writes `00:30 CET` means +01:00 even in July.
const ABBREVIATIONS: &[(&str, i32)] = &[
    ("UTC", 0),
    ("UT", 0),
    ("GMT", 0),
    ("Z", 0),
    ("WET", 0),
    ("WEST", 60),
    ("CET", 60),
    ("CEST", 120),
    ("EET", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("EST", -300),
    ("EDT", -240),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("AKST", -540),
    ("AKDT", -480),
    ("HST", -600),
    ("NST", -210),
    ("NDT", -150),
    ("BRT", -180),
    ("ART", -180),
    ("WAT", 60),
    ("CAT", 120),
    ("EAT", 180),
    ("SAST", 120),
    ("PKT", 300),
    ("ICT", 420),
    ("WIB", 420),
    ("HKT", 480),
    ("SGT", 480),
    ("AWST", 480),
    ("JST", 540),
    ("KST", 540),
    ("ACST", 570),
    ("ACDT", 630),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
];

/// Abbreviations with more than one meaning, and what they may mean.
const AMBIGUOUS: &[(&str, &str)] = &[
    (
        "IST",
        "India (Asia/Kolkata), Ireland (Europe/Dublin) or Israel (Asia/Jerusalem)",
    ),
    (
        "CST",
        "US Central (America/Chicago), China (Asia/Shanghai) or Cuba (America/Havana)",
    ),
    (
        "BST",
        "British Summer Time (Europe/London) or Bangladesh (Asia/Dhaka)",
    ),
    ("AST", "Atlantic (America/Halifax) or Arabia (Asia/Riyadh)"),
    (
        "ADT",
        "Atlantic daylight (America/Halifax) or Arabia daylight",
    ),
    (
        "GST",
        "Gulf (Asia/Dubai) or South Georgia (Atlantic/South_Georgia)",
    ),
    (
        "SST",
        "Samoa (Pacific/Pago_Pago) or Singapore (Asia/Singapore)",
    ),
    ("ECT", "Ecuador (America/Guayaquil) or Eastern Caribbean"),
];

/// Whether `name` is a zone abbreviation, with one meaning or several.
pub fn is_abbreviation(name: &str) -> bool {
    ABBREVIATIONS.iter().any(|(a, _)| *a == name) || AMBIGUOUS.iter().any(|(a, _)| *a == name)
}

/// Reads a zone as a front matter `timezone:` or a time's suffix gives it:
/// an IANA name, `UTC`, `Z`, an unambiguous abbreviation (a fixed offset)
/// or an offset such as `+05:30`. The error is the message and a hint.
pub fn parse_zone(name: &str) -> Result<TimeZone, (String, String)> {
    let name = name.trim();
    if let Some(tz) = known_zone(name) {
        return Ok(tz);
    }
    if let Some((_, meanings)) = AMBIGUOUS.iter().find(|(a, _)| *a == name) {
        return Err((
            format!("the time zone {name:?} is ambiguous: it is used for {meanings}"),
            "name the zone (an IANA name such as Asia/Kolkata) or give the offset, such as +05:30"
                .into(),
        ));
    }
    if ABBREVIATIONS.iter().any(|(a, _)| *a == name) {
        return Err((format!("{name:?} is not a time zone"), String::new()));
    }
    let names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let hint = match crate::text::did_you_mean(name, &names) {
        Some(s) => format!("did you mean `{s}`? Use an IANA name such as Europe/Copenhagen, UTC, or an offset such as +01:00"),
        None => "use an IANA name such as Europe/Copenhagen or America/New_York, UTC, or an offset such as +01:00".into(),
    };
    Err((format!("{name:?} is not a known time zone"), hint))
}

/// The zone `name` names, as [`parse_zone`] reads it, without the work of
/// saying why not: for words that may or may not be zones.
pub fn known_zone(name: &str) -> Option<TimeZone> {
    let name = name.trim();
    if let Some(&(_, minutes)) = ABBREVIATIONS.iter().find(|(a, _)| *a == name) {
        return fixed(minutes);
    }
    if let Some(minutes) = offset_minutes(name) {
        if let Some(tz) = fixed(minutes) {
            return Some(tz);
        }
    }
    if name.contains('/') || name.chars().any(|c| c.is_ascii_lowercase()) {
        return TimeZone::get(name).ok();
    }
    None
}

fn fixed(minutes: i32) -> Option<TimeZone> {
    jiff::tz::Offset::from_seconds(minutes * 60)
        .ok()
        .map(TimeZone::fixed)
}

/// `+05:30`, `-0400`, `+01`: the offset in minutes.
fn offset_minutes(text: &str) -> Option<i32> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|&c| c != ':').collect();
    if !(digits.len() == 2 || digits.len() == 4)
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || rest.len() > 5
    {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    (hours <= 18 && minutes < 60).then_some(sign * (hours * 60 + minutes))
}

/// Parses a publication date: `YYYY-MM-DD`, or an RFC 3339 timestamp whose
/// date in the write-up's zone is taken.
pub fn parse_date(text: &str, tz: &TimeZone) -> Result<Date, Reason> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts.to_zoned(tz.clone()).date());
    }
    if text.len() == 10 {
        if let Ok(date) = text.parse::<Date>() {
            return Ok(date);
        }
    }
    Err(format!("{text:?} is not a date; write it as YYYY-MM-DD, for example 2018-10-07").into())
}

/// Parses a timestamp field. Local forms without a zone are read in `tz`.
/// The error is a message and, for a zone, a hint.
pub fn parse_stamp(text: &str, tz: &TimeZone) -> Result<Reading, (String, Option<String>)> {
    let text = text.trim();
    let mut rest = text;
    let mut approx = false;
    for mark in APPROX_MARKS {
        if let Some(after) = strip_prefix_ignore_case(rest, mark) {
            rest = after.trim_start();
            approx = true;
            break;
        }
    }
    let not_a_time = || {
        (
            format!("{text:?} is not a time; use {TIMESTAMP_FORMS}"),
            None,
        )
    };
    if let Ok(ts) = rest.parse::<Timestamp>() {
        return Ok(Reading {
            stamp: Stamp::Full(ts),
            approx,
            fold: None,
        });
    }
    // A zone is the last word, unless that word is the time itself.
    let (local, zone) = match rest.rsplit_once(char::is_whitespace) {
        Some((before, last)) if !looks_like_time(last) => {
            let zone = parse_zone(last).map_err(|(message, hint)| {
                (
                    format!("{text:?}: {message}"),
                    Some(hint).filter(|h| !h.is_empty()),
                )
            })?;
            (before.trim_end(), Some(zone))
        }
        _ => (rest, None),
    };
    let in_zone = zone.as_ref().unwrap_or(tz);
    if local.len() >= 16 {
        if let Ok(dt) = local.parse::<DateTime>() {
            return local_to_timestamp(dt, in_zone)
                .map(|(ts, fold)| Reading {
                    stamp: Stamp::Full(ts),
                    approx,
                    fold,
                })
                .map_err(|e| (e.0, None));
        }
    }
    if (4..=8).contains(&local.len()) && local.contains(':') {
        if let Ok(time) = local.parse::<Time>() {
            return Ok(Reading {
                stamp: Stamp::TimeOnly(time, zone),
                approx,
                fold: None,
            });
        }
    }
    Err(not_a_time())
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// A word that is a date or a clock time rather than a zone.
fn looks_like_time(word: &str) -> bool {
    word.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ny() -> TimeZone {
        TimeZone::get("America/New_York").unwrap()
    }

    fn full(text: &str, tz: &TimeZone) -> (Timestamp, bool) {
        match parse_stamp(text, tz).unwrap() {
            Reading {
                stamp: Stamp::Full(ts),
                approx,
                ..
            } => (ts, approx),
            other => panic!("{text}: {other:?}"),
        }
    }

    fn instant(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn stamps_read_offsets_local_times_and_clock_times() {
        let tz = ny();
        let (a, _) = full("2018-09-20T17:40:00-04:00", &tz);
        let (b, _) = full("2018-09-20 17:40", &tz);
        assert_eq!(a, b);
        assert_eq!(
            parse_stamp("17:40", &tz).unwrap(),
            Reading {
                stamp: Stamp::TimeOnly(Time::new(17, 40, 0, 0).unwrap(), None),
                approx: false,
                fold: None,
            }
        );
        assert!(parse_stamp("yesterday", &tz).is_err());
        assert!(parse_stamp("2018-13-40 10:00", &tz).is_err());
    }

    #[test]
    fn stamps_take_a_zone_after_the_time() {
        let tz = ny();
        let cases = [
            ("2019-12-04 00:30 CET", "2019-12-03T23:30:00Z"),
            ("2019-07-04 00:30 CET", "2019-07-03T23:30:00Z"),
            ("2019-07-04 00:30 CEST", "2019-07-03T22:30:00Z"),
            ("2019-12-04 00:30 Europe/Copenhagen", "2019-12-03T23:30:00Z"),
            ("2019-07-04 00:30 Europe/Copenhagen", "2019-07-03T22:30:00Z"),
            ("2019-12-04 00:30 UTC", "2019-12-04T00:30:00Z"),
            ("2019-12-04 00:30 Z", "2019-12-04T00:30:00Z"),
            ("2019-12-04T00:30 +05:30", "2019-12-03T19:00:00Z"),
            ("2019-12-04 00:30 -0400", "2019-12-04T04:30:00Z"),
            ("2019-12-04 00:30 PST", "2019-12-04T08:30:00Z"),
        ];
        for (text, want) in cases {
            assert_eq!(full(text, &tz), (instant(want), false), "{text}");
        }
        let Reading {
            stamp: Stamp::TimeOnly(time, Some(zone)),
            approx: false,
            ..
        } = parse_stamp("17:02 UTC", &tz).unwrap()
        else {
            panic!()
        };
        assert_eq!((time.hour(), time.minute()), (17, 2));
        assert_eq!(zone.to_offset(instant("2020-01-01T00:00:00Z")).seconds(), 0);
    }

    #[test]
    fn times_the_clocks_skipped_are_errors_and_times_they_showed_twice_are_noted() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        let (message, _) = parse_stamp("2021-03-28 02:30", &berlin).unwrap_err();
        assert_eq!(message, "2021-03-28 02:30 did not happen in Europe/Berlin: the clocks went from +01 to +02 and skipped it");
        let reading = parse_stamp("2021-10-31 02:30", &berlin).unwrap();
        assert_eq!(reading.stamp, Stamp::Full(instant("2021-10-31T00:30:00Z")));
        assert_eq!(reading.fold.as_deref(), Some("2021-10-31 02:30 happened twice in Europe/Berlin (at +02, then at +01 when the clocks went back); it is read as the first"));
        assert_eq!(
            parse_stamp("2021-10-31T02:30:00+01:00", &berlin)
                .unwrap()
                .fold,
            None
        );
        assert_eq!(parse_stamp("2021-10-31 03:30", &berlin).unwrap().fold, None);
    }

    #[test]
    fn ambiguous_and_unknown_zones_are_errors_with_hints() {
        let tz = ny();
        let (message, hint) = parse_stamp("2019-12-04 00:30 IST", &tz).unwrap_err();
        assert_eq!(
            message,
            "\"2019-12-04 00:30 IST\": the time zone \"IST\" is ambiguous: it is used for India (Asia/Kolkata), Ireland (Europe/Dublin) or Israel (Asia/Jerusalem)"
        );
        assert_eq!(
            hint.as_deref(),
            Some("name the zone (an IANA name such as Asia/Kolkata) or give the offset, such as +05:30")
        );
        let (message, _) = parse_stamp("17:20 CST", &tz).unwrap_err();
        assert!(
            message.contains("\"CST\" is ambiguous: it is used for US Central"),
            "{message}"
        );
        let (message, hint) = parse_stamp("17:20 Europe/Copenhagn", &tz).unwrap_err();
        assert_eq!(
            message,
            "\"17:20 Europe/Copenhagn\": \"Europe/Copenhagn\" is not a known time zone"
        );
        assert!(hint
            .unwrap()
            .starts_with("did you mean `Europe/Copenhagen`?"));
    }

    #[test]
    fn approximate_marks_are_read() {
        let tz = ny();
        for text in [
            "~17:20",
            "± 17:20",
            "≈17:20",
            "approx. 17:20",
            "+/- 17:20",
            "Circa 17:20",
        ] {
            let reading = parse_stamp(text, &tz).unwrap();
            assert!(reading.approx, "{text}");
            assert!(
                matches!(reading.stamp, Stamp::TimeOnly(t, None) if t.hour() == 17 && t.minute() == 20),
                "{text}"
            );
        }
        let (ts, approx) = full("± 2017-01-31 17:20 UTC", &tz);
        assert_eq!((ts, approx), (instant("2017-01-31T17:20:00Z"), true));
        assert!(!parse_stamp("17:20", &tz).unwrap().approx);
    }

    #[test]
    fn dates_accept_rfc3339() {
        let tz = ny();
        assert_eq!(
            parse_date("2018-10-08T01:00:00Z", &tz).unwrap().to_string(),
            "2018-10-07"
        );
        assert!(parse_date("07/10/2018", &tz).is_err());
    }
}
