//! The day of each timeline entry, as the document states it. A day flows
//! through the document's structure: from a date in the entry itself, a
//! heading or a line that states a day (`### October 21, 2025`,
//! `2019-01-23`), a sentence that says it (`unless otherwise noted, all
//! times on 2019-10-21`), or the entry before. A day without its year takes
//! the year of the nearest stated date. A time that runs backwards rolls
//! over to the next day only across midnight (from the evening to the
//! small hours); otherwise it stays on its day, out of order, for the
//! driver to put in order. Where no day is stated, none is made up.

use super::moment::Moment;
use super::when::Day;
use jiff::civil::{Date, Time};

/// The day, time and zone the entries so far leave for the next.
#[derive(Debug, Default)]
pub struct Clock {
    pub day: Option<Date>,
    pub last: Option<Time>,
    pub zone: Option<String>,
    /// The date the document states for itself (its title, header or first
    /// sentences), which gives a year to a day without one and a day to
    /// times before any other is stated.
    pub document: Option<Date>,
    /// A date the text near the entries names without stating their day
    /// (`Timeline, Friday Mar 4th 2022 - Saturday Mar 5th 2022`): the year
    /// of a day written without one.
    pub nearby: Option<Date>,
}

/// When an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    pub day: Option<Date>,
    pub time: Time,
    pub zone: Option<String>,
    /// Its day comes from rolling over midnight, not from the document.
    pub rolled: bool,
}

impl At {
    /// As the front matter writes it: `2019-12-04 00:30 CET`, or the time
    /// alone when no day is known.
    pub fn text(&self) -> String {
        let time = &self.time.to_string()[..5];
        match (self.day, &self.zone) {
            (Some(day), Some(z)) => format!("{day} {time} {z}"),
            (Some(day), None) => format!("{day} {time}"),
            (None, Some(z)) => format!("{time} {z}"),
            (None, None) => time.to_string(),
        }
    }
}

impl Clock {
    /// A day the document states (a heading, a line, a sentence): the day
    /// of the times that follow, from their first.
    pub fn state_day(&mut self, day: Date) {
        self.day = Some(day);
        self.last = None;
    }

    /// The context a day without a year is read in.
    pub fn near(&self) -> Option<Date> {
        self.day.or(self.nearby).or(self.document)
    }

    /// When the entry `m` is, and the clock moved on to it.
    pub fn at(&mut self, m: &Moment) -> At {
        let mut rolled = false;
        let day = match m.day {
            Some(day @ Day::Full(_)) | Some(day @ Day::NoYear { .. }) => {
                let resolved = day.resolve(self.near());
                if resolved.is_some() {
                    self.last = None;
                }
                resolved.or(self.day)
            }
            None if m.next_day => self.day.or(self.document).and_then(|d| d.tomorrow().ok()),
            None => match (self.day.or(self.document), self.last) {
                (Some(day), Some(last)) if crosses_midnight(last, m.time) => {
                    rolled = true;
                    day.tomorrow().ok()
                }
                (day, _) => day,
            },
        };
        self.day = day;
        self.last = Some(m.time);
        At {
            day,
            time: m.time,
            zone: m.zone.clone().or_else(|| self.zone.clone()),
            rolled,
        }
    }
}

/// Whether going from `last` to `next` on the clock is the night passing
/// (from 18:00 or later to 06:00 or earlier) rather than a step back.
pub fn crosses_midnight(last: Time, next: Time) -> bool {
    next < last && last.hour() >= 18 && next.hour() < 6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::moment::moment_at_start;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn ats(clock: &mut Clock, lines: &[&str]) -> Vec<String> {
        lines
            .iter()
            .map(|l| clock.at(&moment_at_start(l).unwrap()).text())
            .collect()
    }

    #[test]
    fn days_flow_from_what_the_document_states() {
        let mut clock = Clock {
            document: Some(d("2025-10-31")),
            ..Clock::default()
        };
        clock.state_day(d("2025-10-21"));
        assert_eq!(
            ats(&mut clock, &["21:45 UTC - a", "23:28 UTC - b"]),
            ["2025-10-21 21:45 UTC", "2025-10-21 23:28 UTC"]
        );
        clock.state_day(d("2025-10-29"));
        assert_eq!(
            ats(
                &mut clock,
                &[
                    "22:30 UTC (Oct 29) - c",
                    "00:03 UTC (Oct 30) - d",
                    "05:39 UTC - e"
                ]
            ),
            [
                "2025-10-29 22:30 UTC",
                "2025-10-30 00:03 UTC",
                "2025-10-30 05:39 UTC"
            ]
        );
    }

    #[test]
    fn the_night_rolls_over_but_a_step_back_does_not() {
        let mut clock = Clock {
            day: Some(d("2019-12-04")),
            ..Clock::default()
        };
        let got = ats(
            &mut clock,
            &["23:58 - a", "00:02 - b", "11:08 - c", "11:07 - d"],
        );
        assert_eq!(
            got,
            [
                "2019-12-04 23:58",
                "2019-12-05 00:02",
                "2019-12-05 11:08",
                "2019-12-05 11:07"
            ]
        );
    }

    #[test]
    fn no_day_is_made_up() {
        let mut clock = Clock::default();
        assert_eq!(ats(&mut clock, &["15:26 - a"]), ["15:26"]);
        // A day without its year needs a stated date to be read.
        assert_eq!(ats(&mut clock, &["22:30 UTC (Oct 29) - b"]), ["22:30 UTC"]);
        clock.document = Some(d("2021-11-02"));
        assert_eq!(
            ats(&mut clock, &["12:45 PM PST Saturday Oct 30th: c"]),
            ["2021-10-30 12:45 PST"]
        );
    }
}
