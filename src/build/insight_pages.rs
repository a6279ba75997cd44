//! The pages about the whole history: `/stats/` (charts and tables),
//! `/action-items/` (what is still open, by status and by owner) with
//! `/action-items/closed/` (done and won't do), and the
//! data exports `/incidents.json` and `/action-items.csv`.

use super::views::{severity_view, SeverityView, Urls};
use super::{BuildError, Site};
use crate::content::ItemStatus;
use crate::datetime::human_duration;
use crate::insight::charts::{self, Series};
use crate::insight::export;
use crate::insight::{Figures, Period, Spread};
use crate::taxonomy::Kind;
use crate::text::{slugify, thousands};
use jiff::civil::Date;
use serde::Serialize;

/// A duration for chart axes: `45m`, `3h`, `2.5d`.
pub fn short_duration(seconds: f64) -> String {
    let minutes = seconds / 60.0;
    if minutes < 90.0 {
        format!("{minutes:.0}m")
    } else if minutes < 48.0 * 60.0 {
        format!("{:.0}h", minutes / 60.0)
    } else {
        format!("{:.1}d", minutes / 1440.0)
    }
}

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

fn term_rows(site: &Site, kind: Kind, terms: &[crate::insight::TermImpact]) -> Vec<TermRow> {
    let key = site.tax.get(kind).key();
    terms
        .iter()
        .map(|t| TermRow {
            name: t.name.clone(),
            url: site.urls.link(&Urls::term_path(key, &slugify(&t.name))),
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

fn stats_view(site: &Site, f: &Figures) -> StatsView {
    let config = site.config;
    let severities: Vec<SeverityView> = f
        .severities
        .iter()
        .map(|s| severity_view(s, config, &site.urls))
        .collect();
    let period = match f.period {
        Period::Month => "month",
        Period::Quarter => "quarter",
        Period::Year => "year",
    };
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
                &short_duration,
            ),
        );
    }
    for (key, kind, terms) in [
        ("services", Kind::SERVICES, &f.top_services),
        ("tags", Kind::TAGS, &f.top_tags),
    ] {
        let what = site.tax.get(kind).def.title.to_lowercase();
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
    let longest: Vec<LongRow> = f
        .longest
        .iter()
        .map(|l| LongRow {
            title: l.title.clone(),
            url: site.urls.link(&Urls::writeup_path(&l.slug)),
            duration: human_duration(l.seconds),
        })
        .collect();
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
                let taxonomy = site.tax.0.iter().find(|x| x.key() == t.key)?;
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

#[derive(Serialize, Clone)]
struct ItemRow {
    task: String,
    task_html: String,
    owner: String,
    owner_anchor: String,
    priority: Option<String>,
    status: &'static str,
    due: Option<String>,
    overdue: bool,
    ticket: Option<String>,
    ticket_url: Option<String>,
    incident_title: String,
    incident_url: String,
}

#[derive(Serialize)]
struct StatusGroup {
    status: &'static str,
    title: &'static str,
    items: Vec<ItemRow>,
}

#[derive(Serialize)]
struct OwnerGroup {
    name: String,
    anchor: String,
    open: usize,
    overdue: usize,
    items: Vec<ItemRow>,
}

fn action_items_context(
    site: &Site,
    today: Date,
) -> (Vec<StatusGroup>, Vec<OwnerGroup>, usize, usize) {
    let mut rows: Vec<(ItemStatus, ItemRow)> = Vec::new();
    for (i, w) in site.writeups.iter().enumerate() {
        for (j, a) in w.action_items.iter().enumerate() {
            rows.push((
                a.status,
                ItemRow {
                    task: a.task.clone(),
                    task_html: super::fields::FieldsHtml::or_plain(
                        site.fields[i].tasks.get(j).and_then(Option::as_ref),
                        &a.task,
                    ),
                    owner: a.owner.clone(),
                    owner_anchor: format!("owner-{}", slugify(&a.owner)),
                    priority: a.priority.clone(),
                    status: a.status.as_str(),
                    due: a.due.map(|d| d.to_string()),
                    overdue: a.is_overdue(today),
                    ticket: a.ticket.as_deref().map(crate::tickets::label),
                    ticket_url: a.ticket_link(site.config),
                    incident_title: w.title.clone(),
                    incident_url: site.entries[i].view.url.clone(),
                },
            ));
        }
    }
    // Overdue first, then by due date (none last), priority, task.
    rows.sort_by(|(_, a), (_, b)| {
        (!a.overdue, a.due.is_none(), &a.due, &a.priority, &a.task).cmp(&(
            !b.overdue,
            b.due.is_none(),
            &b.due,
            &b.priority,
            &b.task,
        ))
    });
    let groups = [
        (ItemStatus::Open, "Open"),
        (ItemStatus::InProgress, "In progress"),
        (ItemStatus::Done, "Done"),
        (ItemStatus::Wontfix, "Won't do"),
    ]
    .into_iter()
    .map(|(status, title)| StatusGroup {
        status: status.as_str(),
        title,
        items: rows
            .iter()
            .filter(|(s, _)| *s == status)
            .map(|(_, r)| r.clone())
            .collect(),
    })
    .collect();
    let mut owners: std::collections::BTreeMap<String, OwnerGroup> =
        std::collections::BTreeMap::new();
    for (status, row) in &rows {
        let group = owners
            .entry(row.owner_anchor.clone())
            .or_insert_with(|| OwnerGroup {
                name: row.owner.clone(),
                anchor: row.owner_anchor.clone(),
                open: 0,
                overdue: 0,
                items: Vec::new(),
            });
        // An owner's section is their to-do list: what is still open.
        if !status.is_closed() {
            group.open += 1;
            group.overdue += usize::from(row.overdue);
            group.items.push(row.clone());
        }
    }
    let total = rows.len();
    let overdue = rows.iter().filter(|(_, r)| r.overdue).count();
    (groups, owners.into_values().collect(), total, overdue)
}

pub(super) fn stats_page(site: &Site) -> Result<usize, BuildError> {
    let figures = Figures::of(&site.writeups, site.config);
    let mut ctx = site.context("Stats", "stats/", Vec::new());
    ctx.insert("stats", &stats_view(site, &figures));
    site.page("stats.html", &ctx, "stats/")
}

pub(super) fn action_item_pages(site: &Site, today: Date) -> Result<usize, BuildError> {
    // What is still to do on one page; what is closed on another, so the
    // page people open every week stays small on a large site.
    let (groups, owners, total, overdue) = action_items_context(site, today);
    let (closed, open): (Vec<StatusGroup>, Vec<StatusGroup>) = groups
        .into_iter()
        .partition(|g| g.status == "done" || g.status == "wontfix");
    let closed_count: usize = closed.iter().map(|g| g.items.len()).sum();
    let mut files = 0;
    for (path, title, groups, owners) in [
        ("action-items/", "Action items", open, owners),
        (
            "action-items/closed/",
            "Closed action items",
            closed,
            Vec::new(),
        ),
    ] {
        let mut ctx = site.context(title, path, Vec::new());
        ctx.insert("title", title);
        ctx.insert("closed_page", &(path != "action-items/"));
        ctx.insert("groups", &groups);
        ctx.insert("owners", &owners);
        ctx.insert("total", &total);
        ctx.insert("closed", &closed_count);
        ctx.insert("overdue", &overdue);
        ctx.insert("today", &today.to_string());
        files += site.page("action-items.html", &ctx, path)?;
    }
    Ok(files)
}

/// `incidents.json` and `action-items.csv`.
pub(super) fn export_files(site: &Site, today: Date) -> Result<usize, BuildError> {
    let url_of = |w: &crate::content::WriteUp| site.urls.absolute(&Urls::writeup_path(&w.slug));
    let json = export::incidents_json(&site.writeups, site.config, today, &url_of);
    let parts: Vec<&[u8]> = json.iter().map(Vec::as_slice).collect();
    site.staging.write_parts("incidents.json", &parts)?;
    let csv = export::action_items_csv(&site.writeups, site.config, today, &url_of);
    site.staging.write("action-items.csv", csv.as_bytes())?;
    Ok(2)
}
