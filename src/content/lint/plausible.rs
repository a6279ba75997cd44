//! `implausible-timeline`: facts that each parse and are in order, yet
//! together are unlikely to be true, whether typed by hand or imported: a
//! timeline entry days away from the incident (a day not written, a wrong
//! month), a resolution before anything was detected, an incident that
//! lasts longer than incidents do. Pages would show them as facts.

use super::Front;
use crate::config::Rule;
use crate::diagnostic::{Diagnostic, Level};
use crate::yaml::FieldPath;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// How far from the incident's moments an entry may be.
const NEAR_DAYS: i64 = 7;
/// How long an incident may last, from `started` to `resolved`.
const LONGEST_DAYS: i64 = 30;

/// Whole days from `a` to `b` (negative when `b` is earlier).
fn days(a: Timestamp, b: Timestamp) -> i64 {
    b.duration_since(a).as_secs() / 86_400
}

pub(super) fn findings(front: &Front, tz: &TimeZone, level: Level, out: &mut Vec<Diagnostic>) {
    let w = front.w;
    let m = &w.incident;
    let when = |ts: Timestamp| crate::datetime::local_minutes(ts, tz);
    let mut push = |path: FieldPath, message: String, hint: &str| {
        if front.place(1) {
            let at = front.position(front.value_offset(&path));
            out.push(
                front
                    .finding(level, Rule::ImplausibleTimeline, at, message, hint.into())
                    .with_field(path.to_string()),
            );
        }
    };
    let incident = FieldPath::root().key("incident");
    let timeline = FieldPath::root().key("timeline");

    if let (Some(started), Some(resolved)) = (m.started, m.resolved) {
        let long = days(started, resolved);
        if long > LONGEST_DAYS {
            push(
                incident.key("resolved"),
                format!(
                    "incident.resolved: the incident lasts {long} days, from {} to {}; pages show that as its duration",
                    when(started),
                    when(resolved)
                ),
                "check both dates (a wrong year, month or zone is the usual cause); an incident that did last this long can say so with `lint_allow: [implausible-timeline]`",
            );
        }
    }

    let first = m.started.or(m.detected).or(m.mitigated).or(m.resolved);
    let last = m.resolved.or(m.mitigated).or(m.detected).or(m.started);
    if let (Some(first), Some(last)) = (first, last) {
        for (i, e) in w.timeline.iter().enumerate() {
            let (gap, side, moment) = if e.at < first {
                (days(e.at, first), "before", first)
            } else if e.at > last {
                (days(last, e.at), "after", last)
            } else {
                continue;
            };
            if gap <= NEAR_DAYS {
                continue;
            }
            push(
                timeline.index(i).key("at"),
                format!(
                    "timeline[{i}].at: {} is {gap} days {side} the incident ({}); an entry so far from it often has the wrong day",
                    when(e.at),
                    when(moment)
                ),
                "check its date: an entry with only HH:MM is on the day of the entry before it; an event from long before the incident belongs in the body's story",
            );
        }
    }

    let detections = w
        .timeline
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == "detection");
    let first_detection = detections
        .map(|(i, e)| (e.at, format!("timeline[{i}]")))
        .chain(m.detected.map(|d| (d, "incident.detected".to_string())))
        .min_by_key(|(at, _)| *at);
    if let Some((detected, name)) = first_detection {
        for (i, e) in w.timeline.iter().enumerate() {
            if e.kind == "resolution" && e.at < detected {
                push(
                    timeline.index(i).key("type"),
                    format!(
                        "timeline[{i}] is a resolution at {}, before the incident was detected ({name}, {})",
                        when(e.at),
                        when(detected)
                    ),
                    "check the entry's type and time: an incident is resolved after it is detected",
                );
            }
        }
    }
}
