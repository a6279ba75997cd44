//! `/stats/`: the history in charts and tables (incidents per period and
//! severity, times to detect, mitigate and resolve, the top services, tags
//! and the site's own taxonomies, action items, the longest incidents).

use super::views::{severity_view, SeverityView, Urls};
use super::{BuildError, Rendering};
use crate::datetime::human_duration;
use crate::insight::charts::{self, Series};
use crate::insight::{Figures, Period, Spread};
use crate::taxonomy::Kind;
use crate::text::{slugify, thousands};
use serde::Serialize;

fn human(seconds: Option<i64>) -> String {
    seconds.map(human_duration).unwrap_or_else(|| "–".into())
}

#[derive(Serialize)]
struct CountRow {
    label: String,
    by_severity: Vec<usize>,
    total: usize,
}

#[derive(Serialize)]
struct SpreadRow {
    metric: &'static str,
    count: usize,
    median: String,
    p90: String,
}

#[derive(Serialize)]
struct TimesRow {
    label: String,
    detect: SpreadCells,
    mitigate: SpreadCells,
    resolve: SpreadCells,
}

#[derive(Serialize)]
struct SpreadCells {
    count: usize,
    median: String,
    p90: String,
}

impl From<Spread> for SpreadCells {
    fn from(s: Spread) -> Self {
        SpreadCells {
            count: s.count,
            median: human(s.median),
            p90: human(s.p90),
        }
    }
}

#[derive(Serialize)]
struct TermRow {
    name: String,
    url: String,
    incidents: usize,
    outage: String,
}

#[derive(Serialize)]
struct LongRow {
    title: String,
    url: String,
    duration: String,
}

/// A site's own taxonomy on the stats page, as the `top` macro shows one.
#[derive(Serialize)]
struct TaxonomyStats {
    key: String,
    title: String,
    singular: String,
    rows: Vec<TermRow>,
    count_chart: String,
    outage_chart: String,
}

#[derive(Serialize)]
struct StatsView {
    incidents: String,
    period: &'static str,
    severities: Vec<SeverityView>,
    by_severity: Vec<usize>,
    by_year: Vec<CountRow>,
    per_period: Vec<CountRow>,
    overall: Vec<SpreadRow>,
    times: Vec<TimesRow>,
    top_services: Vec<TermRow>,
    top_tags: Vec<TermRow>,
    /// The site's own taxonomies that ask for stats.
    taxonomies: Vec<TaxonomyStats>,
    action_items: String,
    action_items_done: String,
    action_items_closed: String,
    share_done: String,
    items_per_period: Vec<crate::insight::PeriodItems>,
    longest: Vec<LongRow>,
    charts: std::collections::BTreeMap<&'static str, String>,
}

fn term_rows(site: &Rendering, kind: Kind, terms: &[crate::insight::TermImpact]) -> Vec<TermRow> {
    let key = site.derived.tax.get(kind).key();
    terms
        .iter()
        .map(|t| TermRow {
            name: t.name.clone(),
            url: site
                .derived
                .urls
                .link(&Urls::term_path(key, &slugify(&t.name))),
            incidents: t.incidents,
            outage: human_duration(t.outage_seconds),
        })
        .collect()
}

/// The two charts of a taxonomy's top terms: by number of incidents and by
/// total outage time. `what` names its terms in the charts' titles, `each`
/// one of them in their descriptions.
fn term_charts(
    key: &str,
    what: &str,
    each: &str,
    terms: &[crate::insight::TermImpact],
) -> (String, String) {
    let by_count: Vec<(String, f64, String)> = terms
        .iter()
        .map(|t| (t.name.clone(), t.incidents as f64, t.incidents.to_string()))
        .collect();
    let mut by_time: Vec<&crate::insight::TermImpact> = terms.iter().collect();
    by_time.sort_by(|a, b| {
        b.outage_seconds
            .cmp(&a.outage_seconds)
            .then(a.name.cmp(&b.name))
    });
    let by_time: Vec<(String, f64, String)> = by_time
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                t.outage_seconds as f64,
                human_duration(t.outage_seconds),
            )
        })
        .collect();
    (
        charts::horizontal_bars(
            &format!("chart-{key}-count"),
            &format!("Top {what} by number of incidents"),
            &format!("One bar per {each}, as long as its number of incidents."),
            &by_count,
            "#2f5233",
        ),
        charts::horizontal_bars(
            &format!("chart-{key}-outage"),
            &format!("Top {what} by total outage time"),
            &format!("One bar per {each}, as long as the total outage time of its incidents."),
            &by_time,
            "#c2410c",
        ),
    )
}

/// The stats page's charts, by the name its template shows each under.
fn stats_charts(
    site: &Rendering,
    f: &Figures,
    severities: &[SeverityView],
    period: &str,
) -> std::collections::BTreeMap<&'static str, String> {
    let mut charts = std::collections::BTreeMap::new();
    let labels: Vec<String> = f.per_period.iter().map(|p| p.label.clone()).collect();
    let series: Vec<Series> = severities
        .iter()
        .enumerate()
        .map(|(i, s)| Series {
            name: s.name.clone(),
            color: s.color.clone(),
            values: f
                .per_period
                .iter()
                .map(|p| p.by_severity[i] as f64)
                .collect(),
        })
        .collect();
    charts.insert(
        "per_period",
        charts::stacked_bars(
            "chart-per-period",
            &format!("Incidents per {period}, by severity"),
            &format!("Stacked bars: for each {period}, the number of incidents written up, split by severity. The table below has the numbers."),
            &labels,
            &series,
        ),
    );
    let quarters: Vec<String> = f.times_by_quarter.iter().map(|q| q.label.clone()).collect();
    let value = |v: Option<i64>| v.map(|s| s as f64).unwrap_or(f64::NAN);
    for (key, name, pick) in [
        (
            "detect",
            "Time to detect",
            (|q: &crate::insight::PeriodTimes| q.detect)
                as fn(&crate::insight::PeriodTimes) -> Spread,
        ),
        ("mitigate", "Time to mitigate", |q| q.mitigate),
        ("resolve", "Time to resolve", |q| q.resolve),
    ] {
        let series = vec![
            Series {
                name: "median".into(),
                color: "#2563eb".into(),
                values: f
                    .times_by_quarter
                    .iter()
                    .map(|q| value(pick(q).median))
                    .collect(),
            },
            Series {
                name: "90th percentile".into(),
                color: "#c2410c".into(),
                values: f
                    .times_by_quarter
                    .iter()
                    .map(|q| value(pick(q).p90))
                    .collect(),
            },
        ];
        charts.insert(
            key,
            charts::lines(
                &format!("chart-{key}"),
                &format!("{name} per quarter: median and 90th percentile"),
                &format!("Two lines over the quarters: the median and the 90th percentile of the {} from the start of each incident. The table below has the numbers.", name.to_lowercase()),
                &quarters,
                &series,
                charts::Axis::Duration,
            ),
        );
    }
    for (key, kind, terms) in [
        ("services", Kind::SERVICES, &f.top_services),
        ("tags", Kind::TAGS, &f.top_tags),
    ] {
        let what = site.derived.tax.get(kind).def.title.to_lowercase();
        // The built-in ones keep the words their charts have always had.
        let (count, outage) = term_charts(key, &what, &what, terms);
        let (count_key, outage_key) = if key == "services" {
            ("services_count", "services_outage")
        } else {
            ("tags_count", "tags_outage")
        };
        charts.insert(count_key, count);
        charts.insert(outage_key, outage);
    }
    let item_labels: Vec<String> = f.items_per_period.iter().map(|p| p.label.clone()).collect();
    charts.insert(
        "items",
        charts::stacked_bars(
            "chart-items",
            &format!("Action items opened per {period}, and how many of them are closed"),
            &format!("Stacked bars: for each {period}, the action items from its incidents, split into closed (done or won't do) and still open."),
            &item_labels,
            &[
                Series { name: "closed".into(), color: "#2f7d32".into(), values: f.items_per_period.iter().map(|p| p.closed as f64).collect() },
                Series { name: "still open".into(), color: "#b3261e".into(), values: f.items_per_period.iter().map(|p| (p.opened - p.closed) as f64).collect() },
            ],
        ),
    );
    let longest_bars: Vec<(String, f64, String)> = f
        .longest
        .iter()
        .map(|l| (l.title.clone(), l.seconds as f64, human_duration(l.seconds)))
        .collect();
    charts.insert(
        "longest",
        charts::horizontal_bars(
            "chart-longest",
            "The ten longest incidents",
            "One bar per incident, as long as the time from its start to its resolution.",
            &longest_bars,
            "#7c3aed",
        ),
    );
    charts
}

fn stats_view(site: &Rendering, f: &Figures) -> StatsView {
    let config = site.derived.config;
    let severities: Vec<SeverityView> = f
        .severities
        .iter()
        .map(|s| severity_view(s, config, &site.derived.urls))
        .collect();
    let period = match f.period {
        Period::Month => "month",
        Period::Quarter => "quarter",
        Period::Year => "year",
    };
    let charts = stats_charts(site, f, &severities, period);
    let longest: Vec<LongRow> = f
        .longest
        .iter()
        .map(|l| LongRow {
            title: l.title.clone(),
            url: site.derived.urls.link(&Urls::writeup_path(&l.slug)),
            duration: human_duration(l.seconds),
        })
        .collect();
    let rows = |counts: &[crate::insight::PeriodCounts]| -> Vec<CountRow> {
        counts
            .iter()
            .map(|p| CountRow {
                label: p.label.clone(),
                by_severity: p.by_severity.clone(),
                total: p.total,
            })
            .collect()
    };
    StatsView {
        incidents: thousands(f.incidents),
        period,
        severities,
        by_severity: f.by_severity.clone(),
        by_year: rows(&f.by_year),
        per_period: rows(&f.per_period),
        overall: [
            ("Time to detect", f.detect),
            ("Time to mitigate", f.mitigate),
            ("Time to resolve", f.resolve),
        ]
        .into_iter()
        .map(|(metric, s)| SpreadRow {
            metric,
            count: s.count,
            median: human(s.median),
            p90: human(s.p90),
        })
        .collect(),
        times: f
            .times_by_quarter
            .iter()
            .map(|q| TimesRow {
                label: q.label.clone(),
                detect: q.detect.into(),
                mitigate: q.mitigate.into(),
                resolve: q.resolve.into(),
            })
            .collect(),
        top_services: term_rows(site, Kind::SERVICES, &f.top_services),
        top_tags: term_rows(site, Kind::TAGS, &f.top_tags),
        taxonomies: f
            .by_taxonomy
            .iter()
            .filter_map(|t| {
                let taxonomy = site.derived.tax.0.iter().find(|x| x.key() == t.key)?;
                let (count_chart, outage_chart) = term_charts(
                    &t.key,
                    &t.title.to_lowercase(),
                    &taxonomy.def.singular.to_lowercase(),
                    &t.terms,
                );
                Some(TaxonomyStats {
                    key: t.key.clone(),
                    title: format!("Top {}", t.title.to_lowercase()),
                    singular: taxonomy.def.singular.clone(),
                    rows: term_rows(site, taxonomy.kind, &t.terms),
                    count_chart,
                    outage_chart,
                })
            })
            .collect(),
        action_items: thousands(f.action_items),
        action_items_done: thousands(f.action_items_done),
        action_items_closed: thousands(f.action_items_closed),
        share_done: if f.action_items == 0 {
            "–".into()
        } else {
            format!(
                "{:.0}%",
                100.0 * f.action_items_done as f64 / f.action_items as f64
            )
        },
        items_per_period: f.items_per_period.clone(),
        longest,
        charts,
    }
}

pub(super) fn stats_page(site: &Rendering) -> Result<usize, BuildError> {
    let figures = Figures::of(&site.derived.writeups, site.derived.config);
    let mut ctx = site.context("Stats", "stats/", Vec::new());
    ctx.insert("stats", &stats_view(site, &figures));
    site.page("stats.html", &ctx, "stats/")
}
