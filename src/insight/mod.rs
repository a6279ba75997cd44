//! What the whole history says: counts by severity and period, time to
//! detect / mitigate / resolve (median and 90th percentile), the services
//! and tags that hurt most, action items and how many are done. Shared by
//! the `/stats/` page, `blameless stats` and the data exports.

pub mod charts;
pub mod export;

use crate::config::Config;
use crate::content::{ItemStatus, WriteUp};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// Median: the middle value, or the mean of the two middle values.
pub fn median(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}

/// Percentile by nearest rank: the smallest value with at least `p`% of
/// the values at or below it.
pub fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Spread {
    pub count: usize,
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

impl Spread {
    pub fn of(mut values: Vec<i64>) -> Spread {
        values.sort_unstable();
        Spread {
            count: values.len(),
            median: median(&values),
            p90: percentile(&values, 90.0),
        }
    }
}

/// How long a period a chart bar covers, chosen so a chart has at most
/// about 60 bars whether the history is 5 write-ups or 100,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Month,
    Quarter,
    Year,
}

impl Period {
    fn for_span(first: Date, last: Date) -> Period {
        let months = (i32::from(last.year()) - i32::from(first.year())) * 12
            + i32::from(last.month())
            - i32::from(first.month())
            + 1;
        if months <= 60 {
            Period::Month
        } else if months <= 180 {
            Period::Quarter
        } else {
            Period::Year
        }
    }

    /// Sortable key and label of the period a date falls in.
    pub fn label(self, date: Date) -> String {
        match self {
            Period::Month => format!("{:04}-{:02}", date.year(), date.month()),
            Period::Quarter => format!("{:04} Q{}", date.year(), (date.month() - 1) / 3 + 1),
            Period::Year => format!("{:04}", date.year()),
        }
    }

    /// Every label from `first` to `last`, with no gaps.
    fn labels(self, first: Date, last: Date) -> Vec<String> {
        let mut out = Vec::new();
        let mut date = first.first_of_month();
        let step = match self {
            Period::Month => 1,
            Period::Quarter => 3,
            Period::Year => 12,
        };
        if self == Period::Quarter {
            date = Date::new(date.year(), (date.month() - 1) / 3 * 3 + 1, 1).unwrap_or(date);
        } else if self == Period::Year {
            date = Date::new(date.year(), 1, 1).unwrap_or(date);
        }
        while date <= last && out.len() < 10_000 {
            out.push(self.label(date));
            match date.checked_add(jiff::Span::new().months(step)) {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        out
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodCounts {
    pub label: String,
    /// One count per configured severity, in order.
    pub by_severity: Vec<usize>,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodTimes {
    pub label: String,
    pub detect: Spread,
    pub mitigate: Spread,
    pub resolve: Spread,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermImpact {
    pub name: String,
    pub incidents: usize,
    /// Sum of outage durations (to mitigation, else resolution), seconds.
    pub outage_seconds: i64,
}

/// A site's own taxonomy with `stats: true`: its most common terms.
#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyImpact {
    pub key: String,
    pub title: String,
    pub terms: Vec<TermImpact>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodItems {
    pub label: String,
    /// Action items from write-ups of this period.
    pub opened: usize,
    /// Of those, how many are done or won't be done.
    pub closed: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Longest {
    pub index: usize,
    pub title: String,
    pub slug: String,
    pub seconds: i64,
}

/// Every figure of the history of the given write-ups.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub incidents: usize,
    pub severities: Vec<String>,
    pub by_severity: Vec<usize>,
    /// Per year (newest first): counts per severity.
    pub by_year: Vec<PeriodCounts>,
    pub period: Period,
    pub per_period: Vec<PeriodCounts>,
    pub detect: Spread,
    pub mitigate: Spread,
    pub resolve: Spread,
    pub times_by_quarter: Vec<PeriodTimes>,
    pub top_services: Vec<TermImpact>,
    pub top_tags: Vec<TermImpact>,
    /// The site's own taxonomies that ask for stats, in their order.
    pub by_taxonomy: Vec<TaxonomyImpact>,
    pub action_items: usize,
    pub action_items_done: usize,
    pub action_items_closed: usize,
    pub items_per_period: Vec<PeriodItems>,
    /// Open and in-progress items per owner, most first.
    pub open_by_owner: Vec<(String, usize)>,
    pub longest: Vec<Longest>,
}

fn top_terms(
    writeups: &[&WriteUp],
    names: &dyn Fn(&WriteUp) -> &[String],
    limit: usize,
) -> Vec<TermImpact> {
    let mut by_name: BTreeMap<String, (String, usize, i64)> = BTreeMap::new();
    for w in writeups {
        for name in names(w) {
            let entry = by_name
                .entry(crate::text::fold_name(name))
                .or_insert_with(|| (name.clone(), 0, 0));
            entry.1 += 1;
            entry.2 += w.outage_seconds().unwrap_or(0).max(0);
        }
    }
    let mut terms: Vec<TermImpact> = by_name
        .into_values()
        .map(|(name, incidents, outage_seconds)| TermImpact {
            name,
            incidents,
            outage_seconds,
        })
        .collect();
    terms.sort_by(|a, b| {
        b.incidents
            .cmp(&a.incidents)
            .then(b.outage_seconds.cmp(&a.outage_seconds))
            .then(a.name.cmp(&b.name))
    });
    terms.truncate(limit);
    terms
}

impl Figures {
    /// Figures of `writeups` (any order).
    pub fn of(writeups: &[&WriteUp], config: &Config) -> Figures {
        let severities: Vec<String> = config.severities.iter().map(|s| s.name.clone()).collect();
        let sev_index = |w: &WriteUp| severities.iter().position(|s| *s == w.severity);
        let mut by_severity = vec![0; severities.len()];
        for w in writeups {
            if let Some(i) = sev_index(w) {
                by_severity[i] += 1;
            }
        }
        let first = writeups.iter().map(|w| w.date).min();
        let last = writeups.iter().map(|w| w.date).max();
        let period = match (first, last) {
            (Some(f), Some(l)) => Period::for_span(f, l),
            _ => Period::Month,
        };
        let count_by = |period: Period, labels: Vec<String>| -> Vec<PeriodCounts> {
            let mut counts: BTreeMap<String, Vec<usize>> = labels
                .into_iter()
                .map(|l| (l, vec![0; severities.len()]))
                .collect();
            for w in writeups {
                if let (Some(row), Some(i)) = (counts.get_mut(&period.label(w.date)), sev_index(w))
                {
                    row[i] += 1;
                }
            }
            counts
                .into_iter()
                .map(|(label, by_severity)| PeriodCounts {
                    total: by_severity.iter().sum(),
                    label,
                    by_severity,
                })
                .collect()
        };
        let (per_period, mut by_year, quarters) = match (first, last) {
            (Some(f), Some(l)) => (
                count_by(period, period.labels(f, l)),
                count_by(Period::Year, Period::Year.labels(f, l)),
                Period::Quarter.labels(f, l),
            ),
            _ => (Vec::new(), Vec::new(), Vec::new()),
        };
        by_year.reverse();

        let mut per_quarter: BTreeMap<String, [Vec<i64>; 3]> = quarters
            .into_iter()
            .map(|q| (q, Default::default()))
            .collect();
        let (mut detect, mut mitigate, mut resolve) = (Vec::new(), Vec::new(), Vec::new());
        for w in writeups {
            let slot = per_quarter.get_mut(&Period::Quarter.label(w.date));
            let times = [
                w.time_to_detect(),
                w.time_to_mitigate(),
                w.time_to_resolve(),
            ];
            if let Some(slot) = slot {
                for (values, t) in slot.iter_mut().zip(times) {
                    values.extend(t);
                }
            }
            detect.extend(times[0]);
            mitigate.extend(times[1]);
            resolve.extend(times[2]);
        }
        let times_by_quarter = per_quarter
            .into_iter()
            .map(|(label, [d, m, r])| PeriodTimes {
                label,
                detect: Spread::of(d),
                mitigate: Spread::of(m),
                resolve: Spread::of(r),
            })
            .collect();

        let mut items_by_period: BTreeMap<String, (usize, usize)> = per_period
            .iter()
            .map(|p| (p.label.clone(), (0, 0)))
            .collect();
        let mut open_by_owner: BTreeMap<String, usize> = BTreeMap::new();
        let (mut items, mut done, mut closed) = (0, 0, 0);
        for w in writeups {
            for a in &w.action_items {
                items += 1;
                done += usize::from(a.status == ItemStatus::Done);
                closed += usize::from(a.status.is_closed());
                if let Some(row) = items_by_period.get_mut(&period.label(w.date)) {
                    row.0 += 1;
                    row.1 += usize::from(a.status.is_closed());
                }
                if !a.status.is_closed() {
                    *open_by_owner.entry(a.owner.clone()).or_default() += 1;
                }
            }
        }
        let mut open_by_owner: Vec<(String, usize)> = open_by_owner.into_iter().collect();
        open_by_owner.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));

        let mut longest: Vec<Longest> = writeups
            .iter()
            .enumerate()
            .filter_map(|(index, w)| {
                let seconds = w.time_to_resolve().or_else(|| w.outage_seconds())?;
                Some(Longest {
                    index,
                    title: w.title.clone(),
                    slug: w.slug.clone(),
                    seconds,
                })
            })
            .collect();
        longest.sort_by(|a, b| b.seconds.cmp(&a.seconds).then(a.slug.cmp(&b.slug)));
        longest.truncate(10);

        Figures {
            incidents: writeups.len(),
            severities,
            by_severity,
            by_year,
            period,
            per_period,
            detect: Spread::of(detect),
            mitigate: Spread::of(mitigate),
            resolve: Spread::of(resolve),
            times_by_quarter,
            top_services: top_terms(writeups, &|w| &w.services, 10),
            top_tags: top_terms(writeups, &|w| &w.tags, 10),
            by_taxonomy: config
                .declared_taxonomies()
                .iter()
                .filter(|t| t.stats)
                .map(|t| TaxonomyImpact {
                    key: t.key.clone(),
                    title: t.title.clone(),
                    terms: top_terms(writeups, &|w| w.names(&t.key), 10),
                })
                .collect(),
            action_items: items,
            action_items_done: done,
            action_items_closed: closed,
            items_per_period: items_by_period
                .into_iter()
                .map(|(label, (opened, closed))| PeriodItems {
                    label,
                    opened,
                    closed,
                })
                .collect(),
            open_by_owner,
            longest,
        }
    }
}

/// The figures as plain-text tables for the terminal.
pub fn terminal_report(f: &Figures) -> String {
    use std::fmt::Write as _;
    let human = |s: Option<i64>| {
        s.map(crate::datetime::human_duration)
            .unwrap_or_else(|| "-".into())
    };
    let mut out = String::new();
    let _ = writeln!(out, "Incidents by severity and year");
    let _ = write!(out, "{:<6}", "year");
    for s in &f.severities {
        let _ = write!(out, " {s:>6}");
    }
    let _ = writeln!(out, " {:>7}", "total");
    for row in &f.by_year {
        let _ = write!(out, "{:<6}", row.label);
        for n in &row.by_severity {
            let _ = write!(out, " {n:>6}");
        }
        let _ = writeln!(out, " {:>7}", row.total);
    }
    let _ = write!(out, "{:<6}", "all");
    for n in &f.by_severity {
        let _ = write!(out, " {n:>6}");
    }
    let _ = writeln!(out, " {:>7}\n", f.incidents);
    let _ = writeln!(out, "Time from the start of an incident");
    let _ = writeln!(
        out,
        "{:<10} {:>9} {:>12} {:>16}",
        "", "incidents", "median", "90th percentile"
    );
    for (name, s) in [
        ("detect", f.detect),
        ("mitigate", f.mitigate),
        ("resolve", f.resolve),
    ] {
        let _ = writeln!(
            out,
            "{name:<10} {:>9} {:>12} {:>16}",
            s.count,
            human(s.median),
            human(s.p90)
        );
    }
    for t in &f.by_taxonomy {
        let width = t
            .terms
            .iter()
            .map(|term| term.name.chars().count())
            .max()
            .unwrap_or(0)
            .max(t.key.chars().count());
        let _ = writeln!(out, "\nIncidents by {}", t.title.to_lowercase());
        let _ = writeln!(
            out,
            "{:<width$} {:>9} {:>16}",
            t.key, "incidents", "total outage"
        );
        for term in &t.terms {
            let _ = writeln!(
                out,
                "{:<width$} {:>9} {:>16}",
                term.name,
                term.incidents,
                crate::datetime::human_duration(term.outage_seconds)
            );
        }
    }
    let _ = writeln!(
        out,
        "\nAction items: {} in all, {} done, {} closed, {} open",
        f.action_items,
        f.action_items_done,
        f.action_items_closed,
        f.action_items - f.action_items_closed
    );
    if !f.open_by_owner.is_empty() {
        let width = f
            .open_by_owner
            .iter()
            .map(|(o, _)| o.chars().count())
            .max()
            .unwrap_or(5)
            .max(5);
        let _ = writeln!(out, "\nOpen action items by owner");
        for (owner, n) in &f.open_by_owner {
            let _ = writeln!(out, "{owner:<width$} {n:>5}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_percentiles() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5]), Some(5));
        assert_eq!(median(&[1, 3]), Some(2));
        assert_eq!(median(&[1, 2, 10]), Some(2));
        let hundred: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&hundred, 90.0), Some(90));
        assert_eq!(percentile(&[7], 90.0), Some(7));
        assert_eq!(percentile(&[1, 2, 3, 4, 5], 90.0), Some(5));
    }

    #[test]
    fn periods_fit_the_span() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(
            Period::for_span(d("2020-01-05"), d("2024-12-01")),
            Period::Month
        );
        assert_eq!(
            Period::for_span(d("2016-01-05"), d("2024-12-01")),
            Period::Quarter
        );
        assert_eq!(
            Period::for_span(d("1990-01-05"), d("2024-12-01")),
            Period::Year
        );
        assert_eq!(
            Period::Quarter.labels(d("2020-02-10"), d("2020-07-01")),
            ["2020 Q1", "2020 Q2", "2020 Q3"]
        );
    }
}
