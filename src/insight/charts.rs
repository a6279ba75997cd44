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

/// What a value axis counts, which decides its steps and its unit.
#[derive(Clone, Copy)]
pub enum Axis {
    /// Whole things: steps of 1, 2, 5, 10, 20, 25, 50, …
    Count,
    /// Seconds, labelled in one unit for the whole axis: minutes, hours
    /// or days, whichever its step is a whole number of.
    Duration,
}

/// At most this many steps from 0 to the top: five or six grid lines.
const MAX_STEPS: f64 = 5.0;

/// An axis's grid: every `step` from 0 to `top`.
struct Ticks {
    step: f64,
    top: f64,
    axis: Axis,
}

impl Ticks {
    /// The smallest round step that reaches `max` in `MAX_STEPS` or fewer.
    fn new(max: f64, axis: Axis) -> Ticks {
        let max = max.max(0.0);
        let step = match axis {
            Axis::Count => {
                let mut magnitude = 1.0;
                loop {
                    let fits = [1.0, 2.0, 2.5, 5.0]
                        .iter()
                        .map(|m| m * magnitude)
                        // A quarter of a thing is not a count.
                        .filter(|step: &f64| step.fract() == 0.0)
                        .find(|step| max / step <= MAX_STEPS);
                    if let Some(step) = fits {
                        break step;
                    }
                    magnitude *= 10.0;
                }
            }
            Axis::Duration => {
                const MIN: f64 = 60.0;
                const HOUR: f64 = 3600.0;
                const DAY: f64 = 86400.0;
                let steps = [
                    MIN,
                    2.0 * MIN,
                    5.0 * MIN,
                    10.0 * MIN,
                    15.0 * MIN,
                    30.0 * MIN,
                    HOUR,
                    2.0 * HOUR,
                    3.0 * HOUR,
                    6.0 * HOUR,
                    12.0 * HOUR,
                    DAY,
                    2.0 * DAY,
                    7.0 * DAY,
                    14.0 * DAY,
                ];
                let mut days = 28.0;
                steps
                    .into_iter()
                    .find(|step| max / step <= MAX_STEPS)
                    .unwrap_or_else(|| loop {
                        if max / (days * DAY) <= MAX_STEPS {
                            break days * DAY;
                        }
                        days *= 2.0;
                    })
            }
        };
        let top = ((max / step).ceil() * step).max(step);
        Ticks { step, top, axis }
    }

    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        let n = (self.top / self.step).round() as usize;
        (0..=n).map(move |k| k as f64 * self.step)
    }

    /// A value on this axis, in its one unit: `30 min`, `6 h`, `2 d`.
    fn label(&self, value: f64) -> String {
        match self.axis {
            Axis::Count => format!("{value:.0}"),
            Axis::Duration if self.step < 3600.0 => format!("{:.0} min", value / 60.0),
            Axis::Duration if self.step < 86400.0 => format!("{:.0} h", value / 3600.0),
            Axis::Duration => format!("{:.0} d", value / 86400.0),
        }
    }
}

/// A value as a point's tooltip says it: exact.
fn exact(value: f64, axis: Axis) -> String {
    match axis {
        Axis::Count => format!("{value}"),
        Axis::Duration => crate::datetime::human_duration(value.round() as i64),
    }
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

/// The key of each series: a swatch, or for lines a piece of the line as
/// it is drawn.
fn legend(out: &mut String, series: &[Series], as_lines: bool) {
    let mut x = LEFT;
    for (k, s) in series.iter().enumerate() {
        let color = escape_html(&s.color);
        if as_lines {
            let (width, dash) = line_style(k);
            let _ = write!(
                out,
                "<path d=\"M{x:.1} 14h18\" stroke=\"{color}\" stroke-width=\"{width}\"{dash}/>"
            );
        } else {
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"8\" width=\"12\" height=\"12\" fill=\"{color}\"/>"
            );
        }
        let swatch = if as_lines { 22.0 } else { 16.0 };
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"18\" font-size=\"12\" fill=\"currentColor\">{}</text>",
            x + swatch,
            escape_html(&s.name)
        );
        x += swatch + 12.0 + 7.5 * s.name.chars().count() as f64;
    }
}

/// How the `k`th line is drawn: the first wide and solid, the others
/// narrow and dashed on top of it, so that lines that coincide both show.
fn line_style(k: usize) -> (f64, &'static str) {
    if k == 0 {
        (5.0, "")
    } else {
        (2.0, " stroke-dasharray=\"7 4\"")
    }
}

/// Horizontal grid lines at round values with their labels, and x labels
/// thinned to fit.
fn axes(out: &mut String, ticks: &Ticks, labels: &[String]) {
    for value in ticks.values() {
        let y = TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / ticks.top;
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"currentColor\" stroke-opacity=\"0.2\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"currentColor\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            escape_html(&ticks.label(value))
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
    legend(&mut out, series, false);
    let totals: Vec<f64> = (0..labels.len())
        .map(|i| {
            series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0.0))
                .sum()
        })
        .collect();
    let ticks = Ticks::new(totals.iter().copied().fold(0.0, f64::max), Axis::Count);
    let top = ticks.top;
    axes(&mut out, &ticks, labels);
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
    axis: Axis,
) -> String {
    let height = TOP + PLOT_HEIGHT + BOTTOM;
    let mut out = String::new();
    open(&mut out, id, title, desc, height);
    legend(&mut out, series, true);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let ticks = Ticks::new(max, axis);
    let top = ticks.top;
    axes(&mut out, &ticks, labels);
    if labels.is_empty() || max <= 0.0 {
        empty(&mut out);
    }
    let slot = (WIDTH - LEFT - RIGHT) / labels.len().max(1) as f64;
    for (k, s) in series.iter().enumerate() {
        let (width, dash) = line_style(k);
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
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{}\" fill=\"{}\"><title>{}: {} {}</title></circle>",
                width.max(3.0),
                escape_html(&s.color),
                escape_html(&labels[i]),
                escape_html(&exact(*v, axis)),
                escape_html(&s.name)
            );
        }
        if !path.is_empty() {
            let _ = write!(
                out,
                "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{width}\"{dash}/>",
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

    fn grid(max: f64, axis: Axis) -> Vec<String> {
        let ticks = Ticks::new(max, axis);
        ticks.values().map(|v| ticks.label(v)).collect()
    }

    #[test]
    fn grid_lines_fall_on_round_values_in_one_unit() {
        assert_eq!(grid(0.0, Axis::Count), ["0", "1"]);
        assert_eq!(grid(5.0, Axis::Count), ["0", "1", "2", "3", "4", "5"]);
        assert_eq!(grid(7.0, Axis::Count), ["0", "2", "4", "6", "8"]);
        assert_eq!(grid(13.0, Axis::Count), ["0", "5", "10", "15"]);
        assert_eq!(
            grid(240.0, Axis::Count),
            ["0", "50", "100", "150", "200", "250"]
        );
        // Durations: minutes, hours or days, never mixed on one axis.
        assert_eq!(
            grid(6.0 * 3600.0, Axis::Duration),
            ["0 h", "2 h", "4 h", "6 h"]
        );
        assert_eq!(
            grid(83.0 * 60.0, Axis::Duration),
            ["0 min", "30 min", "60 min", "90 min"]
        );
        assert_eq!(
            grid(3.0 * 86400.0, Axis::Duration),
            ["0 d", "1 d", "2 d", "3 d"]
        );
        assert_eq!(
            grid(40.0 * 86400.0, Axis::Duration),
            ["0 d", "14 d", "28 d", "42 d"]
        );
        let long = grid(400.0 * 86400.0, Axis::Duration);
        assert!(long.len() <= 6 && long.len() >= 2, "{long:?}");
    }

    #[test]
    fn lines_that_coincide_both_show() {
        let labels = vec!["2020 Q1".to_string(), "2020 Q2".to_string()];
        let same = |name: &str, color: &str| Series {
            name: name.into(),
            color: color.into(),
            values: vec![3600.0, 7200.0],
        };
        let svg = lines(
            "t",
            "T",
            "d",
            &labels,
            &[same("median", "#111"), same("90th percentile", "#999")],
            Axis::Duration,
        );
        // The first wide and solid, the second narrow and dashed on top.
        assert!(
            svg.contains("stroke=\"#111\" stroke-width=\"5\"/>"),
            "{svg}"
        );
        assert!(
            svg.contains("stroke=\"#999\" stroke-width=\"2\" stroke-dasharray=\"7 4\"/>"),
            "{svg}"
        );
        assert!(
            svg.contains("<title>2020 Q2: 2 h 00 min median</title>"),
            "{svg}"
        );
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
