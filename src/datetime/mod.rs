//! Dates and times as write-ups state them, and as pages show them.
//!
//! Uses `jiff` for parsing, arithmetic and IANA time zones (its tz database
//! is bundled, so a build gives the same result on every machine).

mod parse;

pub use parse::{is_abbreviation, known_zone, parse_date, parse_stamp, parse_zone, Reading, Stamp};

use crate::diagnostic::Reason;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// A local date and time in `tz` as a moment. A time the clocks skipped
/// (a gap, when they move forward) is an error; one they showed twice (a
/// fold, when they move back) is read as the first, as most people mean,
/// with a note saying so.
pub fn local_to_timestamp(
    dt: DateTime,
    tz: &TimeZone,
) -> Result<(Timestamp, Option<String>), Reason> {
    use jiff::tz::AmbiguousOffset;
    let shown = dt.strftime("%Y-%m-%d %H:%M");
    let zone = tz.iana_name().unwrap_or("the time zone");
    let ambiguous = tz.to_ambiguous_timestamp(dt);
    match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { .. } => ambiguous.compatible().map(|ts| (ts, None)),
        AmbiguousOffset::Gap { before, after } => {
            return Err(Reason(format!(
                "{shown} did not happen in {zone}: the clocks went from {before} to {after} and skipped it"
            )))
        }
        AmbiguousOffset::Fold { before, after } => ambiguous.earlier().map(|ts| {
            let note = format!(
                "{shown} happened twice in {zone} (at {before}, then at {after} when the clocks went back); it is read as the first"
            );
            (ts, Some(note))
        }),
    }
    .map_err(|e| Reason(format!("{shown} does not exist in {zone}: {e}")))
}

/// The calendar day of a moment in `tz`.
pub fn day_of(ts: Timestamp, tz: &TimeZone) -> Date {
    ts.to_zoned(tz.clone()).date()
}

/// "Sunday, October 7th, 2018", as E-Scribe closes every post.
pub fn long_date(date: Date) -> String {
    let day = date.day();
    let suffix = match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!(
        "{}, {} {}{}, {}",
        date.strftime("%A"),
        date.strftime("%B"),
        day,
        suffix,
        date.year()
    )
}

/// "October 2018".
pub fn month_name(date: Date) -> String {
    date.strftime("%B %Y").to_string()
}

/// `2018-09-20 17:40` in `tz`.
pub fn local_minutes(ts: Timestamp, tz: &TimeZone) -> String {
    digits(ts, tz, false).unwrap_or_else(|| {
        ts.to_zoned(tz.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    })
}

/// `2019-12-04 00:30 CET`: [`local_minutes`] in `tz`, the zone a write-up
/// names `name`, with the zone's abbreviation: an abbreviation `name`
/// (read as a fixed offset, which has none of its own) as written, else
/// the zone's (or its offset, where it has none).
pub fn zoned_minutes(ts: Timestamp, tz: &TimeZone, name: &str) -> String {
    if is_abbreviation(name) {
        return format!("{} {name}", local_minutes(ts, tz));
    }
    let zoned = ts.to_zoned(tz.clone());
    format!("{} {}", local_minutes(ts, tz), zoned.strftime("%Z"))
}

/// `2018-09-20T17:40:00-04:00` in `tz`, for `<time datetime>` and JSON.
pub fn rfc3339(ts: Timestamp, tz: &TimeZone) -> String {
    digits(ts, tz, true).unwrap_or_else(|| {
        ts.to_zoned(tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    })
}

/// [`local_minutes`], or with `full` [`rfc3339`], written digit by digit:
/// strftime reads its format on every call, and pages and exports show
/// thousands of times. `None` for what is left to strftime: years outside
/// 0 to 9999, and in full an offset with seconds (local mean time before
/// 1900).
fn digits(ts: Timestamp, tz: &TimeZone, full: bool) -> Option<String> {
    let offset = tz.to_offset(ts);
    let seconds = offset.seconds();
    let dt = offset.to_datetime(ts);
    if !(0..=9999).contains(&dt.year()) || (full && seconds % 60 != 0) {
        return None;
    }
    let minutes = seconds.unsigned_abs() / 60;
    let mut out = String::with_capacity(25);
    push_digits(&mut out, dt.year() as u32, 4);
    let date_time = [
        ('-', dt.month() as u32),
        ('-', dt.day() as u32),
        (if full { 'T' } else { ' ' }, dt.hour() as u32),
        (':', dt.minute() as u32),
    ];
    let rest = [
        (':', dt.second() as u32),
        (if seconds < 0 { '-' } else { '+' }, minutes / 60),
        (':', minutes % 60),
    ];
    let rest = if full { &rest[..] } else { &[] };
    for &(separator, n) in date_time.iter().chain(rest) {
        out.push(separator);
        push_digits(&mut out, n, 2);
    }
    Some(out)
}

/// `n` in `width` decimal digits, with leading zeros.
fn push_digits(out: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        out.push(char::from(b'0' + (n / 10u32.pow(place) % 10) as u8));
    }
}

/// RFC 822 date as RSS wants it: `Sun, 07 Oct 2018 00:00:00 +0000`.
pub fn rfc822(ts: Timestamp) -> String {
    ts.to_zoned(TimeZone::UTC)
        .strftime("%a, %d %b %Y %H:%M:%S +0000")
        .to_string()
}

/// A duration for people, exact to the minute, in one rule at every scale:
/// "45 min", "1 h 05 min", "1 d 0 h 11 min". Seconds round to the nearest
/// minute; nothing larger is ever rounded away.
pub fn human_duration(seconds: i64) -> String {
    let minutes = (seconds.max(0) + 30) / 60;
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    if days > 0 {
        format!("{days} d {hours} h {mins:02} min")
    } else if hours > 0 {
        format!("{hours} h {mins:02} min")
    } else {
        format!("{mins} min")
    }
}

/// Offset from the start of an incident, in the words of every other
/// duration on the page: `+0 min`, `+1 h 05 min`, `-10 min`,
/// `+1 d 0 h 11 min`.
pub fn offset_label(seconds: i64) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    format!("{sign}{}", human_duration(seconds.saturating_abs()))
}

/// Midnight at the start of `date` in `tz`, as a moment.
pub fn start_of_day(date: Date, tz: &TimeZone) -> Timestamp {
    local_to_timestamp(date.to_datetime(Time::midnight()), tz)
        .map(|(ts, _)| ts)
        .unwrap_or_else(|_| {
            date.to_datetime(Time::midnight())
                .to_zoned(TimeZone::UTC)
                .map(|z| z.timestamp())
                .unwrap_or(Timestamp::UNIX_EPOCH)
        })
}

/// Today's date in `tz` (only for leaving out future write-ups).
pub fn today(tz: &TimeZone) -> Date {
    Timestamp::now().to_zoned(tz.clone()).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instant(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn times_are_what_strftime_writes() {
        let zones = [
            "UTC",
            "America/New_York",
            "Asia/Kolkata",
            "Australia/Lord_Howe",
            "America/St_Johns",
            "Europe/Amsterdam",
            "Pacific/Kiritimati",
        ];
        for name in zones {
            let tz = TimeZone::get(name).unwrap();
            // Every 3 days 7 hours 13 minutes 17 seconds from 1850 to 2100:
            // both sides of DST, half-hour zones and Amsterdam's 1850
            // offset of +00:19:32.
            let mut ts: Timestamp = "1850-01-01T00:00:00Z".parse().unwrap();
            let end: Timestamp = "2100-01-01T00:00:00Z".parse().unwrap();
            while ts < end {
                let zoned = ts.to_zoned(tz.clone());
                let want = zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
                assert_eq!(rfc3339(ts, &tz), want, "{name} {ts}");
                let want = zoned.strftime("%Y-%m-%d %H:%M").to_string();
                assert_eq!(local_minutes(ts, &tz), want, "{name} {ts}");
                ts = ts
                    .checked_add(jiff::SignedDuration::from_secs(285_197))
                    .unwrap();
            }
        }
    }

    #[test]
    fn long_dates_have_english_ordinals() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(long_date(d("2018-10-07")), "Sunday, October 7th, 2018");
        assert_eq!(long_date(d("2018-10-01")), "Monday, October 1st, 2018");
        assert_eq!(long_date(d("2018-10-02")), "Tuesday, October 2nd, 2018");
        assert_eq!(long_date(d("2018-10-23")), "Tuesday, October 23rd, 2018");
        assert_eq!(long_date(d("2018-10-11")), "Thursday, October 11th, 2018");
        assert_eq!(long_date(d("2018-10-12")), "Friday, October 12th, 2018");
        assert_eq!(long_date(d("2018-10-13")), "Saturday, October 13th, 2018");
    }

    #[test]
    fn times_show_with_their_zone() {
        let cph = TimeZone::get("Europe/Copenhagen").unwrap();
        assert_eq!(
            zoned_minutes(instant("2019-12-03T23:30:00Z"), &cph, "Europe/Copenhagen"),
            "2019-12-04 00:30 CET"
        );
        assert_eq!(
            zoned_minutes(instant("2019-07-03T22:30:00Z"), &cph, "Europe/Copenhagen"),
            "2019-07-04 00:30 CEST"
        );
    }

    #[test]
    fn durations_are_exact_to_the_minute_at_every_scale() {
        let cases: &[(i64, &str)] = &[
            (0, "0 min"),
            (-120, "0 min"),
            (29, "0 min"),
            (30, "1 min"),
            (59 * 60, "59 min"),
            (59 * 60 + 29, "59 min"),
            (59 * 60 + 30, "1 h 00 min"),
            (60 * 60, "1 h 00 min"),
            (65 * 60, "1 h 05 min"),
            (23 * 3600 + 59 * 60, "23 h 59 min"),
            (24 * 3600, "1 d 0 h 00 min"),
            // GitHub's 2018 partition: 24 h 11 min, once shown as "1 d".
            (24 * 3600 + 11 * 60, "1 d 0 h 11 min"),
            (2 * 86400 + 3 * 3600, "2 d 3 h 00 min"),
            (2 * 86400 + 3 * 3600 + 7 * 60, "2 d 3 h 07 min"),
            (3 * 86400 - 60, "2 d 23 h 59 min"),
            (400 * 86400 + 13 * 3600 + 42 * 60, "400 d 13 h 42 min"),
        ];
        for &(seconds, want) in cases {
            assert_eq!(human_duration(seconds), want, "{seconds} s");
        }
        assert_eq!(offset_label(0), "+0 min");
        assert_eq!(offset_label(65 * 60), "+1 h 05 min");
        assert_eq!(offset_label(-600), "-10 min");
        assert_eq!(offset_label(24 * 3600 + 11 * 60), "+1 d 0 h 11 min");
    }

    #[test]
    fn rss_dates_are_rfc822() {
        let ts: Timestamp = "2018-10-07T12:00:00Z".parse().unwrap();
        assert_eq!(rfc822(ts), "Sun, 07 Oct 2018 12:00:00 +0000");
    }
}
