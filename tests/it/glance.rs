//! The timeline at a glance: the picture of a write-up's timeline above
//! its table, for a 3-minute, a 3-hour and a 3-day incident (the fixture
//! `tests/fixtures/glance`): where it is, what it says to screen readers,
//! its markers, labels, bars and broken axis. (`.ci/run` checks it in a
//! browser: valid, accessible, labels apart at both widths and schemes.)

use crate::common;
use common::{html, texts, Site};
use scraper::{Html, Selector};

fn built() -> Site {
    let site = Site::fixture("glance");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

fn attrs(doc: &Html, selector: &str, attr: &str) -> Vec<String> {
    doc.select(&Selector::parse(selector).unwrap())
        .map(|e| e.value().attr(attr).unwrap_or("").to_string())
        .collect()
}

/// The label centres of the picture, from their baselines.
fn label_ys(doc: &Html) -> Vec<f64> {
    attrs(doc, "#glance text.g-label", "y")
        .iter()
        .map(|y| y.parse::<f64>().unwrap() - 4.0)
        .collect()
}

#[test]
fn the_picture_is_above_the_table_with_a_title_and_a_description() {
    let site = built();
    let doc = html(&site, "incidents/three-hours/index.html");
    let timeline = Selector::parse("#timeline > *").unwrap();
    let order: Vec<String> = doc
        .select(&timeline)
        .map(|e| e.value().name().to_string())
        .collect();
    assert_eq!(order, ["h2", "figure", "div"]);
    assert_eq!(
        attrs(&doc, "#glance svg.glance-svg", "aria-labelledby"),
        ["glance-title"]
    );
    assert_eq!(
        attrs(&doc, "#glance svg.glance-svg", "aria-describedby"),
        ["glance-desc"]
    );
    // A group: its markers are links a screen reader can reach.
    assert_eq!(attrs(&doc, "#glance svg.glance-svg", "role"), ["group"]);
    assert_eq!(texts(&doc, "#glance-title"), ["The timeline at a glance"]);
    assert_eq!(
        texts(&doc, "#glance-desc"),
        ["9 entries from 2026-03-02 14:00 to 2026-03-02 17:00 (3 h 00 min), times in Europe/Berlin: \
          1 trigger, 1 detection, 1 escalation, 2 actions, 1 mitigation, 1 resolution, 2 notes. \
          1 given as approximate. Time to detect 25 min, to mitigate 2 h 10 min, to resolve 3 h 00 min."]
    );
    // The table is still there, with every entry.
    assert_eq!(texts(&doc, "#timeline tbody tr").len(), 9);
}

#[test]
fn one_marker_per_entry_shaped_by_type_and_labels_a_line_apart() {
    let site = built();
    let doc = html(&site, "incidents/three-hours/index.html");
    assert_eq!(
        attrs(&doc, "#glance svg.glance-svg path.g-mark", "class"),
        [
            "g-mark g-trigger",
            "g-mark g-detection",
            "g-mark g-escalation",
            "g-mark g-action",
            "g-mark g-note",
            "g-mark g-action g-approx",
            "g-mark g-note",
            "g-mark g-mitigation",
            "g-mark g-resolution",
        ]
    );
    // Times in the write-up's zone; the first with its day; ≈ for approximate.
    assert_eq!(
        texts(&doc, "#glance text.g-label"),
        [
            "Mar 2 14:00",
            "14:25",
            "14:27",
            "14:29",
            "14:31",
            "≈ 14:40",
            "15:30",
            "16:10",
            "17:00"
        ]
    );
    let ys = label_ys(&doc);
    for pair in ys.windows(2) {
        assert!(pair[1] - pair[0] >= 16.0 - 1e-6, "{ys:?}");
    }
    // The legend names the types drawn and the bars with their spans.
    assert_eq!(
        texts(&doc, ".glance-legend li"),
        [
            "trigger",
            "detection",
            "escalation",
            "action",
            "mitigation",
            "resolution",
            "note",
            "D: time to detect, 25 min",
            "M: time to mitigate, 2 h 10 min",
            "R: time to resolve, 3 h 00 min",
            "≈ approximate (drawn hollow)",
        ]
    );
    // Three bars from the start, each ending at its moment's marker (the
    // detection, the mitigation, the resolution).
    let number = |a: &str| -> Vec<f64> {
        attrs(&doc, "#glance svg.glance-svg rect.g-bar", a)
            .iter()
            .map(|v| v.parse().unwrap())
            .collect()
    };
    let bars: Vec<(f64, f64)> = number("y").into_iter().zip(number("height")).collect();
    let marks = mark_ys(&doc);
    assert_eq!(bars.len(), 3);
    for ((y, height), mark) in bars.iter().zip([marks[1], marks[7], marks[8]]) {
        assert!((y - marks[0]).abs() < 0.1, "{bars:?} {marks:?}");
        assert!((y + height - mark).abs() < 0.1, "{bars:?} {marks:?}");
    }
    // Entries two minutes apart are drawn a line apart, so no marker
    // covers another.
    for pair in marks.windows(2) {
        assert!(pair[1] - pair[0] >= 16.0 - 1e-6, "{marks:?}");
    }
    // Each marker links to its row and says what it marks.
    let links = attrs(&doc, "#glance svg.glance-svg a", "href");
    assert_eq!(links.len(), 9);
    for href in &links {
        let id = href.trim_start_matches('#');
        assert_eq!(
            texts(&doc, &format!("#timeline tr[id='{id}']")).len(),
            1,
            "{href}"
        );
    }
    assert_eq!(links[1], "#t-2026-03-02-1425");
    assert!(texts(&doc, "#glance svg a title")[1].starts_with("14:25 detection: "));
    // The moments are named beside the axis.
    assert_eq!(
        texts(&doc, "#glance text.g-moment"),
        ["started", "detected", "mitigated", "resolved"]
    );
}

fn mark_ys(doc: &Html) -> Vec<f64> {
    attrs(doc, "#glance svg.glance-svg path.g-mark", "transform")
        .iter()
        .map(|t| {
            t.trim_start_matches("translate(150 ")
                .trim_end_matches(')')
                .parse()
                .unwrap()
        })
        .collect()
}

#[test]
fn minutes_show_seconds_and_days_show_the_day_where_it_changes() {
    let site = built();
    let doc = html(&site, "incidents/three-minutes/index.html");
    assert_eq!(
        texts(&doc, "#glance text.g-label"),
        [
            "Mar 1 10:00:00",
            "10:00:40",
            "10:00:50",
            "10:01:30",
            "10:02:10",
            "10:03:00"
        ]
    );
    assert!(texts(&doc, "#glance text.g-quiet").is_empty());
    let doc = html(&site, "incidents/three-days/index.html");
    assert_eq!(
        texts(&doc, "#glance text.g-label"),
        [
            "Mar 5 09:00",
            "11:30",
            "11:35",
            "12:10",
            "Mar 7 16:00",
            "Mar 8 09:00"
        ]
    );
    let ys = label_ys(&doc);
    for pair in ys.windows(2) {
        assert!(pair[1] - pair[0] >= 16.0 - 1e-6, "{ys:?}");
    }
}

#[test]
fn long_quiet_stretches_are_drawn_as_a_broken_axis() {
    let site = built();
    let doc = html(&site, "incidents/three-days/index.html");
    assert_eq!(
        texts(&doc, "#glance text.g-quiet"),
        ["2 d 3 h 50 min quiet", "17 h 00 min quiet"]
    );
    assert!(texts(&doc, "#glance-desc")[0]
        .ends_with("Drawn shortened: 2 d 3 h 50 min and 17 h 00 min quiet."));
    // The axis is one path in three pieces: two gaps.
    let axis = attrs(&doc, "#glance path.g-axis", "d");
    assert_eq!(axis.len(), 1);
    assert_eq!(axis[0].matches('V').count(), 3, "{}", axis[0]);
    // The first three hours get more of the height than the last day.
    let marks = mark_ys(&doc);
    assert!(marks[3] - marks[0] > marks[5] - marks[4], "{marks:?}");
}

#[test]
fn one_entry_is_not_a_picture() {
    let site = built();
    let doc = html(&site, "incidents/one-entry/index.html");
    assert!(texts(&doc, "#glance").is_empty());
    assert_eq!(texts(&doc, "#timeline tbody tr").len(), 1);
}
