//! The time fields of a write-up: its own `timezone`, the incident's key
//! moments and the timeline, each time read in the zone it names or else
//! the write-up's, and marked approximate where the text says so.

use super::{Moments, TimelineEntry, ENTRY_TYPES};
use crate::datetime::{self, Reading, Stamp};
use crate::yaml::{FieldPath, Reader};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_yaml::Value;

/// `timezone:`: the name as written, and the zone.
pub(super) fn read_zone(
    r: &mut Reader,
    value: &Value,
    path: &FieldPath,
) -> Option<(String, TimeZone)> {
    let name = r.text(value, path)?;
    match datetime::parse_zone(&name) {
        Ok(tz) => Some((name.trim().to_string(), tz)),
        Err((message, hint)) => {
            r.error(path, format!("{path}: {message}"), Some(hint));
            None
        }
    }
}

/// One time field as text, read in `tz`; problems go to `r`.
fn read_stamp(r: &mut Reader, value: &Value, path: &FieldPath, tz: &TimeZone) -> Option<Reading> {
    let text = r.text(value, path)?;
    match datetime::parse_stamp(&text, tz) {
        Ok(reading) => {
            if let Some(note) = &reading.fold {
                warn_fold(r, path, note);
            }
            Some(reading)
        }
        Err((message, hint)) => {
            r.error(path, format!("{path}: {message}"), hint);
            None
        }
    }
}

/// The warning for a local time the clocks showed twice.
fn warn_fold(r: &mut Reader, path: &FieldPath, note: &str) {
    r.warning(
        path,
        format!("{path}: {note}"),
        Some("write its offset to say which, for example 2021-10-31T02:30:00+01:00".into()),
    );
}

pub(super) fn read_moments(
    r: &mut Reader,
    value: &Value,
    path: &FieldPath,
    tz: &TimeZone,
) -> Moments {
    const ORDER: [&str; 4] = ["started", "detected", "mitigated", "resolved"];
    let mut m = Moments::default();
    let Some(map) = r.mapping(value, path, &ORDER) else {
        return m;
    };
    let mut read: Vec<(&str, Timestamp)> = Vec::new();
    for key in ORDER {
        let Some(v) = map.get(key) else { continue };
        let field = path.key(key);
        // `started:   # TODO: 12:32 UTC?`: a moment nobody is sure of yet
        // (import writes it so) is not shown, and said.
        if matches!(v, Value::Null) {
            r.warning(
                &field,
                format!("{field} is empty, so pages leave it out"),
                Some(format!(
                    "write the time if it is known (the comment may suggest one), for example `{key}: 2018-09-20 17:40`, or remove the key"
                )),
            );
            continue;
        }
        match read_stamp(r, v, &field, tz) {
            Some(Reading {
                stamp: Stamp::Full(ts),
                approx,
                ..
            }) => {
                read.push((key, ts));
                if approx {
                    m.approx.push(key.to_string());
                }
            }
            Some(Reading {
                stamp: Stamp::TimeOnly(..),
                ..
            }) => {
                let text = r.text(v, &field).unwrap_or_default();
                r.error(
                    &field,
                    format!("{field}: {text:?} has no date"),
                    Some("incident moments need a date, for example 2018-09-20 17:40".into()),
                )
            }
            None => {}
        }
    }
    for pair in read.windows(2) {
        let ((before_key, before), (key, at)) = (pair[0], pair[1]);
        if at < before {
            r.error(
                &path.key(key),
                format!(
                    "{path}.{key} ({}) is before {path}.{before_key} ({})",
                    datetime::local_minutes(at, tz),
                    datetime::local_minutes(before, tz)
                ),
                Some(
                    "the moments must be in order: started <= detected <= mitigated <= resolved"
                        .into(),
                ),
            );
        }
    }
    for (key, ts) in read {
        let slot = match key {
            "started" => &mut m.started,
            "detected" => &mut m.detected,
            "mitigated" => &mut m.mitigated,
            _ => &mut m.resolved,
        };
        *slot = Some(ts);
    }
    m
}

pub(super) fn read_timeline(
    r: &mut Reader,
    value: &Value,
    path: &FieldPath,
    tz: &TimeZone,
    first_day: Option<Date>,
) -> Vec<TimelineEntry> {
    let mut entries = Vec::new();
    let Some(items) = r.list(value, path) else {
        return entries;
    };
    let mut previous: Option<Timestamp> = None;
    for (i, item) in items.iter().enumerate() {
        let item_path = path.index(i);
        let Some(map) = r.mapping(item, &item_path, &["at", "event", "type", "approx"]) else {
            continue;
        };
        let at_path = item_path.key("at");
        let mut approx = false;
        let at = match map.get("at") {
            None | Some(Value::Null) => {
                r.error(
                    &item_path,
                    format!("{item_path}: missing `at`"),
                    Some("give the time, for example `at: 17:40`".into()),
                );
                None
            }
            Some(v) => read_stamp(r, v, &at_path, tz).and_then(|reading| {
                approx = reading.approx;
                match reading.stamp {
                    Stamp::Full(ts) => Some(ts),
                    Stamp::TimeOnly(time, zone) => {
                        // The day of the entry before, as its own zone
                        // shows it.
                        let zone = zone.as_ref().unwrap_or(tz);
                        let day = previous.map(|p| datetime::day_of(p, zone)).or(first_day)?;
                        match datetime::local_to_timestamp(day.to_datetime(time), zone) {
                            Ok((ts, fold)) => {
                                if let Some(note) = fold {
                                    warn_fold(r, &at_path, &note);
                                }
                                Some(ts)
                            }
                            Err(e) => {
                                r.error(&at_path, format!("{at_path}: {e}"), None);
                                None
                            }
                        }
                    }
                }
            }),
        };
        if let Some(v) = map.get("approx") {
            approx |= r.boolean(v, &item_path.key("approx")).unwrap_or(false);
        }
        let event = match map.get("event") {
            None | Some(Value::Null) => {
                r.error(
                    &item_path,
                    format!("{item_path}: missing `event`"),
                    Some(
                        "say what happened, for example `event: Alert fired for replication lag`"
                            .into(),
                    ),
                );
                None
            }
            Some(v) => r.text(v, &item_path.key("event")),
        };
        let kind = match map.get("type") {
            None => Some("note".to_string()),
            Some(v) => r.one_of(
                v,
                &item_path.key("type"),
                ENTRY_TYPES,
                "a timeline entry type",
            ),
        };
        if let Some(at) = at {
            if let Some(before) = previous {
                if at < before {
                    r.error(
                        &at_path,
                        format!(
                            "{at_path}: {} is earlier than the entry before it ({})",
                            datetime::local_minutes(at, tz),
                            datetime::local_minutes(before, tz)
                        ),
                        Some("keep the timeline in time order; an entry with only HH:MM is on the day of the entry before it, so give the full date after midnight".into()),
                    );
                }
            }
            previous = Some(at);
        }
        if let (Some(at), Some(event), Some(kind)) = (at, event, kind) {
            entries.push(TimelineEntry {
                at,
                event,
                kind,
                approx,
            });
        }
    }
    entries
}
