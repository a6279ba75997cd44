//! Charts as inline SVG, drawn at build time: no JavaScript and no library
//! in the browser. Text and axes use `currentColor`, so charts follow the
//! page's light, dark and print colors; each has a title and a description
//! for screen readers (the page also gives the data as a table).

use crate::text::escape_html;
use std::fmt::Write as _;

pub struct Series {
    pub name: String,
    pub color: String,
    pub values: Vec<f64>,
}

const WIDTH: f64 = 640.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 34.0;
const PLOT_HEIGHT: f64 = 200.0;
const BOTTOM: f64 = 40.0;

/// A round number at or above `max` for the top of an axis.
fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * magnitude >= max {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

fn open(out: &mut String, id: &str, title: &str, desc: &str, height: f64) {
    let _ = write!(
        out,
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape_html(title),
        escape_html(desc)
    );
}

fn legend(out: &mut String, series: &[Series]) {
    let mut x = LEFT;
    for s in series {
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"8\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{:.1}\" y=\"18\" font-size=\"12\" fill=\"currentColor\">{}</text>",
            escape_html(&s.color),
            x + 16.0,
            escape_html(&s.name)
        );
        x += 28.0 + 7.5 * s.name.chars().count() as f64;
    }
}

/// Horizontal grid lines with value labels, and x labels thinned to fit.
fn axes(out: &mut String, top: f64, labels: &[String], format: &dyn Fn(f64) -> String) {
    for i in 0..=4 {
        let value = top * f64::from(i) / 4.0;
        let y = TOP + PLOT_HEIGHT - PLOT_HEIGHT * f64::from(i) / 4.0;
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"currentColor\" stroke-opacity=\"0.2\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"currentColor\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            escape_html(&format(value))
        );
    }
    let n = labels.len().max(1);
    let slot = (WIDTH - LEFT - RIGHT) / n as f64;
    let every = n.div_ceil(10);
    for (i, label) in labels.iter().enumerate() {
        if i % every == 0 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"currentColor\">{}</text>",
                LEFT + slot * (i as f64 + 0.5),
                TOP + PLOT_HEIGHT + 16.0,
                escape_html(label)
            );
        }
    }
}

fn empty(out: &mut String) {
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"middle\" fill=\"currentColor\">No data yet</text>",
        WIDTH / 2.0,
        TOP + PLOT_HEIGHT / 2.0
    );
}

/// Bars per label, each stacked from the series (e.g. incidents per month
/// by severity).
pub fn stacked_bars(
    id: &str,
    title: &str,
    desc: &str,
    labels: &[String],
    series: &[Series],
) -> String {
    let height = TOP + PLOT_HEIGHT + BOTTOM;
    let mut out = String::new();
    open(&mut out, id, title, desc, height);
    legend(&mut out, series);
    let totals: Vec<f64> = (0..labels.len())
        .map(|i| {
            series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0.0))
                .sum()
        })
        .collect();
    // At least 4, so that the five grid lines of a count fall on whole numbers.
    let top = nice_max(totals.iter().copied().fold(0.0, f64::max)).max(4.0);
    axes(&mut out, top, labels, &|v| format!("{v:.0}"));
    if labels.is_empty() {
        empty(&mut out);
    }
    let slot = (WIDTH - LEFT - RIGHT) / labels.len().max(1) as f64;
    let bar = (slot * 0.8).max(1.0);
    for (i, label) in labels.iter().enumerate() {
        let mut y = TOP + PLOT_HEIGHT;
        for s in series {
            let value = s.values.get(i).copied().unwrap_or(0.0);
            if value <= 0.0 {
                continue;
            }
            let h = PLOT_HEIGHT * value / top;
            y -= h;
            let _ = write!(
                out,
                "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>{}: {} {}</title></rect>",
                LEFT + slot * i as f64 + (slot - bar) / 2.0,
                escape_html(&s.color),
                escape_html(label),
                value,
                escape_html(&s.name)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// Lines over labels (e.g. median and 90th percentile time to resolve per
/// quarter); missing values (NaN) break the line.
pub fn lines(
    id: &str,
    title: &str,
    desc: &str,
    labels: &[String],
    series: &[Series],
    format: &dyn Fn(f64) -> String,
) -> String {
    let height = TOP + PLOT_HEIGHT + BOTTOM;
    let mut out = String::new();
    open(&mut out, id, title, desc, height);
    legend(&mut out, series);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let top = nice_max(max);
    axes(&mut out, top, labels, format);
    if labels.is_empty() || max <= 0.0 {
        empty(&mut out);
    }
    let slot = (WIDTH - LEFT - RIGHT) / labels.len().max(1) as f64;
    for s in series {
        let mut path = String::new();
        let mut pen_down = false;
        for (i, v) in s.values.iter().enumerate() {
            if !v.is_finite() {
                pen_down = false;
                continue;
            }
            let x = LEFT + slot * (i as f64 + 0.5);
            let y = TOP + PLOT_HEIGHT - PLOT_HEIGHT * v / top;
            let _ = write!(path, "{}{x:.1},{y:.1} ", if pen_down { "L" } else { "M" });
            pen_down = true;
            let _ = write!(
                out,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"{}\"><title>{}: {} {}</title></circle>",
                escape_html(&s.color),
                escape_html(&labels[i]),
                escape_html(&format(*v)),
                escape_html(&s.name)
            );
        }
        if !path.is_empty() {
            let _ = write!(
                out,
                "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
                path.trim_end(),
                escape_html(&s.color)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// One horizontal bar per item: `(label, value, value as shown)`.
pub fn horizontal_bars(
    id: &str,
    title: &str,
    desc: &str,
    items: &[(String, f64, String)],
    color: &str,
) -> String {
    let row = 22.0;
    let height = TOP + row * items.len().max(1) as f64 + 8.0;
    let mut out = String::new();
    open(&mut out, id, title, desc, height);
    if items.is_empty() {
        let _ = write!(out, "<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"middle\" fill=\"currentColor\">No data yet</text>", WIDTH / 2.0, TOP + 10.0);
    }
    let label_width = 180.0;
    let max = items
        .iter()
        .map(|i| i.1)
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let span = WIDTH - label_width - 120.0;
    for (i, (label, value, shown)) in items.iter().enumerate() {
        let y = TOP + row * i as f64;
        let w = (span * value / max).max(1.0);
        let short = crate::text::truncate_words(label, 26);
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\" fill=\"currentColor\">{}</text>\
             <rect x=\"{label_width}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {}</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"currentColor\">{}</text>",
            label_width - 8.0,
            y + 14.0,
            escape_html(&short),
            y + 3.0,
            row - 6.0,
            escape_html(color),
            escape_html(label),
            escape_html(shown),
            label_width + w + 6.0,
            y + 14.0,
            escape_html(shown)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(13.0), 20.0);
        assert_eq!(nice_max(240.0), 250.0);
    }

    #[test]
    fn charts_are_accessible_svg() {
        let labels = vec!["2020-01".to_string(), "2020-02".to_string()];
        let series = vec![Series {
            name: "SEV1".into(),
            color: "#b3261e".into(),
            values: vec![1.0, 2.0],
        }];
        let svg = stacked_bars("c", "Incidents <per> month", "desc", &labels, &series);
        assert!(svg.starts_with("<svg class=\"chart\" id=\"c\""), "{svg}");
        assert!(svg.contains("role=\"img\" aria-labelledby=\"c-title c-desc\""));
        assert!(svg.contains("<title id=\"c-title\">Incidents &lt;per&gt; month</title>"));
        assert_eq!(svg.matches("<rect").count(), 3, "legend + two bars: {svg}");
        let empty = horizontal_bars("h", "t", "d", &[], "#000");
        assert!(empty.contains("No data yet"));
    }
}
