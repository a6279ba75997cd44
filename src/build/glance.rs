//! The incident at a glance: a write-up's timeline drawn as an inline SVG
//! at build time, above the timeline's table. Time runs down an axis from
//! the first moment to the last; each entry is a marker shaped and coloured
//! by its type, with its time as a label in the left column; bars beside
//! the axis span the time to detect, mitigate and resolve; a long quiet
//! stretch is shortened and drawn as a broken axis.
//!
//! Markers never cover each other: where entries come faster than the
//! scale can show, each is drawn at least a line below the one before and
//! the rest of the axis moves down with it, so every label sits beside its
//! marker. The moments (started, detected, mitigated, resolved) are named
//! on the right of the axis. Each marker links to its row in the table and
//! carries its entry as a tooltip. The drawing is no wider than a phone's column,
//! so its text is never scaled below its size. Colours come from the
//! theme's classes (light, dark and print); text is `currentColor`. The
//! SVG is a group with a title and a description; screen readers meet its
//! markers as links named by their entries, not its loose labels; the
//! table stays the data.

use crate::content::WriteUp;
use crate::datetime::{self, human_duration};
use crate::text::escape_html;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use std::fmt::Write as _;

const WIDTH: f64 = 320.0;
/// The right edge of the time labels.
const LABEL_X: f64 = 118.0;
const AXIS_X: f64 = 150.0;
/// The first of the three bars (detect, mitigate, resolve).
const BAR_X: f64 = 166.0;
const BAR_STEP: f64 = 15.0;
const BAR_WIDTH: f64 = 10.0;
/// Where the length of a shortened stretch is written, and the moments
/// named.
const NOTE_X: f64 = 212.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 16.0;
/// The least distance between two markers' centres, and so between two
/// labels'.
const LINE: f64 = 16.0;
/// The height a shortened quiet stretch is drawn with.
const BREAK: f64 = 30.0;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A marker's outline, centred on (0, 0), by entry type.
fn shape(kind: &str) -> &'static str {
    match kind {
        "trigger" => "M0-7L6.5 5H-6.5Z",
        "detection" => "M0-7L7 0 0 7-7 0Z",
        "escalation" => "M-5.5-5.5h11v11h-11Z",
        "action" => "M-6 0a6 6 0 1 0 12 0a6 6 0 1 0-12 0Z",
        "mitigation" => "M0 7L6.5-5H-6.5Z",
        "resolution" => "M-7-3.5h14v7h-14Z",
        _ => "M-3.5 0a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0-7 0Z",
    }
}

/// Where times fall on the axis: linear, but for up to `MAX_QUIET` long
/// quiet stretches, each drawn `BREAK` high. A stretch between two moments
/// is quiet when it is at least an hour, four times the median stretch,
/// and more than 40 % of the time not yet shortened.
struct Scale {
    start: i64,
    /// The quiet stretches, as (from, to) in seconds, in order.
    quiet: Vec<(i64, i64)>,
    /// Pixels per second outside the quiet stretches.
    rate: f64,
}

const MAX_QUIET: usize = 3;

impl Scale {
    fn new(times: &[i64], height: f64) -> Scale {
        let start = times[0];
        let end = *times.last().unwrap_or(&start);
        let mut quiet: Vec<(i64, i64)> = Vec::new();
        let mut left = end - start;
        let mut gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        gaps.sort_unstable();
        let typical = gaps
            .get(gaps.len().saturating_sub(1) / 2)
            .copied()
            .unwrap_or(0);
        while quiet.len() < MAX_QUIET {
            let longest = times
                .windows(2)
                .map(|w| (w[0], w[1]))
                .filter(|gap| !quiet.contains(gap))
                .max_by_key(|(a, b)| b - a)
                .filter(|(a, b)| {
                    let gap = b - a;
                    gap >= 3600 && gap * 10 > left * 4 && gap >= typical * 4
                });
            let Some((a, b)) = longest else { break };
            quiet.push((a, b));
            left -= b - a;
        }
        quiet.sort_unstable();
        let rate = (height - BREAK * quiet.len() as f64) / left.max(60) as f64;
        Scale { start, quiet, rate }
    }

    fn y(&self, t: i64) -> f64 {
        let mut y = TOP;
        let mut from = self.start;
        for &(a, b) in &self.quiet {
            if t <= a {
                break;
            }
            y += (a - from) as f64 * self.rate;
            if t < b {
                return y + BREAK / 2.0;
            }
            y += BREAK;
            from = b;
        }
        y + (t - from) as f64 * self.rate
    }
}

/// Where each time of `points` (sorted, as seconds) is drawn: at `scale`,
/// but at least `LINE` below the point before, the push carried on to
/// every later point so that the stretches after a burst keep their
/// lengths.
fn spread(points: &[i64], scale: &Scale) -> Vec<f64> {
    let mut pushed = 0.0;
    let mut out: Vec<f64> = Vec::with_capacity(points.len());
    for &t in points {
        let mut y = scale.y(t) + pushed;
        if let Some(&before) = out.last() {
            if y < before + LINE {
                pushed += before + LINE - y;
                y = before + LINE;
            }
        }
        out.push(y);
    }
    out
}

/// The picture of `w`'s timeline, shown in `tz` (named `zone`), as a
/// `<figure>` with its legend; `None` with fewer than two entries.
pub fn glance(w: &WriteUp, tz: &TimeZone, zone: &str, ids: &[String]) -> Option<String> {
    if w.timeline.len() < 2 {
        return None;
    }
    // Validation keeps entries in time order and their types known.
    let entries: Vec<&crate::content::TimelineEntry> = w.timeline.iter().collect();
    let m = &w.incident;
    let moments = [m.started, m.detected, m.mitigated, m.resolved];
    let mut times: Vec<i64> = entries
        .iter()
        .map(|e| e.at.as_second())
        .chain(moments.iter().flatten().map(|t| t.as_second()))
        .collect();
    times.sort_unstable();
    times.dedup();
    let height = (entries.len() as f64 * 22.0).clamp(140.0, 420.0);
    let scale = Scale::new(&times, height);
    // Every entry is a point, and every moment no entry is at.
    let mut points: Vec<i64> = entries.iter().map(|e| e.at.as_second()).collect();
    points.extend(times.iter().filter(|t| {
        entries
            .binary_search_by_key(*t, |e| e.at.as_second())
            .is_err()
    }));
    points.sort_unstable();
    let drawn = spread(&points, &scale);
    // A time's place: that of the first point at it.
    let y = |t: i64| drawn[points.partition_point(|&p| p < t).min(points.len() - 1)];
    let mut marks: Vec<f64> = Vec::with_capacity(entries.len());
    let mut same = 0;
    for (i, e) in entries.iter().enumerate() {
        // Entries at the same time take the points at it in order.
        same = if i > 0 && entries[i - 1].at == e.at {
            same + 1
        } else {
            0
        };
        let first = points.partition_point(|&p| p < e.at.as_second());
        marks.push(drawn[first + same]);
    }
    // Markers are a line apart, so each label stands beside its marker.
    let bottom = y(*times.last()?).max(marks.last().copied().unwrap_or(TOP) + 4.0);
    let total_height = (bottom + BOTTOM).ceil();

    let span = times.last()? - times[0];
    let seconds = span < 600 && entries.iter().any(|e| e.at.as_second() % 60 != 0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"glance-svg\" viewBox=\"0 0 {WIDTH} {total_height}\" width=\"{WIDTH}\" height=\"{total_height}\" role=\"group\" aria-labelledby=\"glance-title\" aria-describedby=\"glance-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"glance-title\">The timeline at a glance</title><desc id=\"glance-desc\">{}</desc>",
        escape_html(&description(w, &entries, tz, zone, &scale.quiet))
    );
    // The axis, broken where a quiet stretch is shortened.
    let (first, last) = (y(times[0]), y(*times.last()?));
    let mut axis = format!("M{AXIS_X} {first:.1}");
    let mut notes = String::new();
    for &(a, b) in &scale.quiet {
        let (upper, lower) = (y(a) + 6.0, y(b) - 6.0);
        let middle = (upper + lower) / 2.0;
        let _ = write!(
            axis,
            "V{upper:.1}M{AXIS_X} {lower:.1}M{x} {:.1}l12-4M{x} {:.1}l12-4",
            upper + 4.0,
            lower + 2.0,
            x = AXIS_X - 6.0
        );
        // One line in the middle of the break, clear of the moments'
        // names at its ends.
        let _ = write!(
            notes,
            "<text class=\"g-quiet\" aria-hidden=\"true\" x=\"{NOTE_X}\" y=\"{:.1}\" font-size=\"11\">{} quiet</text>",
            middle + 4.0,
            escape_html(&human_duration(b - a)),
        );
    }
    // The path goes on from the last break (or the top) to the end.
    let _ = write!(
        svg,
        "<path class=\"g-axis\" d=\"{axis}M{AXIS_X} {:.1}V{last:.1}\"/>{notes}",
        scale.quiet.last().map_or(first, |&(_, b)| y(b) - 6.0)
    );
    // The bars, each from the start to its moment.
    if let Some(started) = m.started {
        for (i, (letter, end)) in [("D", m.detected), ("M", m.mitigated), ("R", m.resolved)]
            .into_iter()
            .enumerate()
        {
            let Some(end) = end.filter(|e| *e >= started) else {
                continue;
            };
            let x = BAR_X + BAR_STEP * i as f64;
            let (y0, y1) = (y(started.as_second()), y(end.as_second()));
            let _ = write!(
                svg,
                "<rect class=\"g-bar g-bar-{i}\" x=\"{x}\" y=\"{y0:.1}\" width=\"{BAR_WIDTH}\" height=\"{:.1}\"/>\
                 <text class=\"g-letter\" aria-hidden=\"true\" x=\"{}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{letter}</text>",
                (y1 - y0).max(1.5),
                x + BAR_WIDTH / 2.0,
                y0 - 5.0
            );
        }
    }
    // Markers and their labels.
    let mut day = None;
    for (i, e) in entries.iter().enumerate() {
        let mark = marks[i];
        let kind = e.kind.as_str();
        let approx = if e.approx { " g-approx" } else { "" };
        let local = e.at.to_zoned(tz.clone());
        // The marker is a link to its row, with its entry as a tooltip.
        let _ = write!(
            svg,
            "<a href=\"#{}\"><title>{:02}:{:02} {kind}: {}</title><path class=\"g-mark g-{kind}{approx}\" transform=\"translate({AXIS_X} {mark:.1})\" d=\"{}\"/></a>",
            escape_html(&ids[i]),
            local.hour(),
            local.minute(),
            escape_html(&e.event),
            shape(kind)
        );
        let this_day = local.date();
        let mut text = if day != Some(this_day) {
            format!(
                "{} {} ",
                MONTHS[this_day.month() as usize - 1],
                this_day.day()
            )
        } else {
            String::new()
        };
        day = Some(this_day);
        if e.approx {
            text.insert_str(0, "≈ ");
        }
        let _ = write!(text, "{:02}:{:02}", local.hour(), local.minute());
        if seconds {
            let _ = write!(text, ":{:02}", local.second());
        }
        let _ = write!(
            svg,
            "<text class=\"g-label\" aria-hidden=\"true\" x=\"{LABEL_X}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            mark + 4.0,
            text
        );
    }
    moment_names(&mut svg, m, &y, &marks, &entries);
    svg.push_str("</svg>");
    Some(format!(
        "<figure class=\"glance\" id=\"glance\">{svg}<figcaption class=\"glance-legend\">{}</figcaption></figure>",
        legend(w, &entries)
    ))
}

/// The moments named on the right of the axis at their places (`y`),
/// those at one time as one name (`mitigated, resolved`), each with a tick
/// on the axis where no entry's marker is.
fn moment_names(
    svg: &mut String,
    m: &crate::content::Moments,
    y: &dyn Fn(i64) -> f64,
    marks: &[f64],
    entries: &[&crate::content::TimelineEntry],
) {
    let mut named: Vec<(i64, Vec<&str>)> = Vec::new();
    for (name, at) in [
        ("started", m.started),
        ("detected", m.detected),
        ("mitigated", m.mitigated),
        ("resolved", m.resolved),
    ] {
        let Some(at) = at.map(|t| t.as_second()) else {
            continue;
        };
        match named.iter_mut().find(|(t, _)| *t == at) {
            Some((_, names)) => names.push(name),
            None => named.push((at, vec![name])),
        }
    }
    for (at, names) in named {
        let place = y(at);
        let on_entry = entries
            .iter()
            .zip(marks)
            .any(|(e, &mark)| e.at.as_second() == at && (mark - place).abs() < 0.5);
        if !on_entry {
            let _ = write!(
                svg,
                "<path class=\"g-tick\" d=\"M{} {place:.1}h12\"/>",
                AXIS_X - 6.0
            );
        }
        // Two names a line: four would not fit beside the bars.
        let _ = write!(
            svg,
            "<text class=\"g-moment\" aria-hidden=\"true\" y=\"{:.1}\" font-size=\"10\">",
            place + 3.5
        );
        for (k, line) in names.chunks(2).enumerate() {
            let _ = write!(
                svg,
                "<tspan x=\"{NOTE_X}\" dy=\"{}\">{}</tspan>",
                if k == 0 { 0.0 } else { 11.0 },
                line.join(", ")
            );
        }
        svg.push_str("</text>");
    }
}

/// The legend: the types drawn, what the bars are, and what `≈` means.
fn legend(w: &WriteUp, entries: &[&crate::content::TimelineEntry]) -> String {
    let mut out = String::from("<ul>");
    for kind in crate::content::ENTRY_TYPES {
        if entries.iter().any(|e| e.kind == *kind) {
            let _ = write!(
                out,
                "<li><svg class=\"glance-key\" viewBox=\"-8 -8 16 16\" width=\"14\" height=\"14\" aria-hidden=\"true\"><path class=\"g-mark g-{kind}\" d=\"{}\"/></svg>{kind}</li>",
                shape(kind)
            );
        }
    }
    if w.incident.started.is_some() {
        for (i, (letter, name, seconds)) in [
            ("D", "time to detect", w.time_to_detect()),
            ("M", "time to mitigate", w.time_to_mitigate()),
            ("R", "time to resolve", w.time_to_resolve()),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(s) = seconds.filter(|s| *s >= 0) {
                let _ = write!(
                    out,
                    "<li><svg class=\"glance-key\" viewBox=\"0 0 16 16\" width=\"14\" height=\"14\" aria-hidden=\"true\"><rect class=\"g-bar g-bar-{i}\" x=\"3\" y=\"0\" width=\"10\" height=\"16\"/></svg>{letter}: {name}, {}</li>",
                    escape_html(&human_duration(s))
                );
            }
        }
    }
    if entries.iter().any(|e| e.approx) {
        out.push_str("<li>≈ approximate (drawn hollow)</li>");
    }
    out.push_str("</ul>");
    out
}

/// What the picture shows, for screen readers.
fn description(
    w: &WriteUp,
    entries: &[&crate::content::TimelineEntry],
    tz: &TimeZone,
    zone: &str,
    quiet: &[(i64, i64)],
) -> String {
    let first = entries[0].at;
    let last = entries[entries.len() - 1].at;
    let at = |t: Timestamp| datetime::local_minutes(t, tz);
    let mut out = format!(
        "{} entries from {} to {} ({}), times in {zone}",
        entries.len(),
        at(first),
        at(last),
        human_duration(last.as_second() - first.as_second())
    );
    let mut counts: Vec<String> = Vec::new();
    for kind in crate::content::ENTRY_TYPES {
        let n = entries.iter().filter(|e| e.kind == *kind).count();
        if n > 0 {
            counts.push(format!("{n} {kind}{}", if n > 1 { "s" } else { "" }));
        }
    }
    let _ = write!(out, ": {}.", counts.join(", "));
    let approx = entries.iter().filter(|e| e.approx).count();
    if approx > 0 {
        let _ = write!(out, " {approx} given as approximate.");
    }
    let spans: Vec<String> = [
        ("detect", w.time_to_detect()),
        ("mitigate", w.time_to_mitigate()),
        ("resolve", w.time_to_resolve()),
    ]
    .into_iter()
    .filter_map(|(name, s)| {
        Some(format!(
            "to {name} {}",
            human_duration(s.filter(|s| *s >= 0)?)
        ))
    })
    .collect();
    if !spans.is_empty() {
        let _ = write!(out, " Time {}.", spans.join(", "));
    }
    if !quiet.is_empty() {
        let lengths: Vec<String> = quiet.iter().map(|(a, b)| human_duration(b - a)).collect();
        let _ = write!(out, " Drawn shortened: {} quiet.", lengths.join(" and "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_spread_a_line_apart_and_what_follows_keeps_its_length() {
        // An hour drawn 300 px high: entries a minute apart would be 5 px apart.
        let times = [0, 60, 60, 120, 3600];
        let scale = Scale::new(&times, 300.0);
        let drawn = spread(&times, &scale);
        assert!((drawn[0] - TOP).abs() < 1e-9, "{drawn:?}");
        for pair in drawn.windows(2) {
            assert!(pair[1] - pair[0] >= LINE - 1e-9, "{drawn:?}");
        }
        // The last stretch is as long as the scale draws it.
        let last = drawn[4] - drawn[3];
        assert!(
            (last - (scale.y(3600) - scale.y(120))).abs() < 1e-9,
            "{drawn:?}"
        );
    }

    #[test]
    fn a_long_quiet_stretch_is_shortened() {
        // Three hours of entries, two quiet days, then one more.
        let times = [0, 3600, 3 * 3600, 3 * 3600 + 2 * 86400];
        let s = Scale::new(&times, 300.0);
        assert_eq!(s.quiet, [(3 * 3600, 3 * 3600 + 2 * 86400)]);
        let gap = s.y(times[3]) - s.y(times[2]);
        assert!((gap - BREAK).abs() < 1e-9, "{gap}");
        assert!((s.y(times[3]) - (TOP + 300.0)).abs() < 1e-9);
        // Evenly spread entries are drawn to scale.
        let even = Scale::new(&[0, 600, 1200, 1800], 300.0);
        assert_eq!(even.quiet, []);
        assert!((even.y(600) - (TOP + 100.0)).abs() < 1e-9);
        // Two quiet stretches, one after the other, are both shortened.
        let times = [0, 3600, 3 * 3600, 2 * 86400, 3 * 86400];
        let s = Scale::new(&times, 300.0);
        assert_eq!(s.quiet, [(3 * 3600, 2 * 86400), (2 * 86400, 3 * 86400)]);
        assert!((s.y(3 * 86400) - (TOP + 300.0)).abs() < 1e-9);
        assert!((s.y(3 * 3600) - (TOP + 300.0 - 2.0 * BREAK)).abs() < 1e-9);
    }
}
