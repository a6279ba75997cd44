//! What templates see: plain serialisable views of the site and its
//! write-ups, with every date, duration and URL already formatted. The
//! README's "Theming" section documents these shapes.

pub use super::urls::Urls;
use crate::config::Config;
use crate::content::{FollowUps, WriteUp};
use crate::datetime::{self, human_duration, long_date};
use crate::taxonomy::{Kind, Taxonomy, Term};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

#[derive(Serialize, Clone)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub base_url: String,
    /// Root-relative prefix of every link, `/` or `/eng/incidents/`.
    pub root: String,
    pub language: String,
    pub timezone: String,
    pub contact: Option<String>,
    pub search_enabled: bool,
    pub feed_url: String,
    /// The site's own taxonomies, for the navigation: `{name: title, url}`.
    pub taxonomies: Vec<LinkView>,
}

impl SiteView {
    pub fn new(config: &Config, urls: &Urls) -> SiteView {
        SiteView {
            title: config.title.clone(),
            description: config.description.clone(),
            base_url: config.base_url.clone(),
            root: urls.root.clone(),
            language: config.language.clone(),
            timezone: config.timezone.clone(),
            contact: config.contact.clone(),
            search_enabled: config.search_enabled,
            feed_url: urls.link("rss.xml"),
            taxonomies: config
                .declared_taxonomies()
                .iter()
                .map(|t| LinkView {
                    name: t.title.clone(),
                    url: urls.link(&format!("{}/", t.key)),
                })
                .collect(),
        }
    }
}

#[derive(Serialize, Clone, Hash)]
pub struct LinkView {
    pub name: String,
    pub url: String,
}

#[derive(Serialize, Clone)]
pub struct SeverityView {
    pub name: String,
    pub url: String,
    pub color: String,
    pub description: String,
}

/// A write-up as lists show it.
#[derive(Serialize, Clone)]
pub struct EntryView {
    pub title: String,
    pub dek: Option<String>,
    pub url: String,
    pub permalink: String,
    /// `2018-10-07`
    pub date: String,
    /// `Sunday, October 7th, 2018`
    pub date_long: String,
    /// `updated:`, as `date` and `date_long` are.
    pub updated: Option<String>,
    pub updated_long: Option<String>,
    pub year: i16,
    pub status: &'static str,
    /// Not published: shown with a banner (only built with `--drafts`).
    pub draft: bool,
    pub severity: SeverityView,
    pub services: Vec<LinkView>,
    pub tags: Vec<LinkView>,
    pub authors: Vec<LinkView>,
    /// How many services, tags and authors a list leaves out (see
    /// [`LIST_TERMS`]); the write-up's own page shows them all.
    pub more_services: usize,
    pub more_tags: usize,
    pub more_authors: usize,
    pub summary: String,
    /// Time users were affected (to mitigation, else resolution), e.g. `3 h 50 min`.
    pub duration: Option<String>,
    /// When it started, local time in the site zone.
    pub started: Option<String>,
    pub word_count: usize,
    /// Where its action items stand on the build date:
    /// `2 done · 1 in progress · 2 overdue` (empty without any).
    pub follow_ups: String,
    /// How many of them are overdue.
    pub overdue: usize,
}

/// How many tags, services and authors an entry in a list (and a feed
/// item) carries; it says how many more there are. Every list page and
/// feed a write-up is on repeats them: a write-up with 10,000 services is
/// on 10,000 service pages and feeds, so what each carries sets the size
/// of the site (about 2 KB a page for 50 services, 0.4 KB for 10).
pub const LIST_TERMS: usize = 10;

/// The names of all the terms `names` stand for, as their pages name them.
pub fn term_names(names: &[String], tax: &Taxonomy) -> Vec<String> {
    names
        .iter()
        .filter_map(|n| tax.term(n))
        .map(|t| t.name.clone())
        .collect()
}

fn term_links(names: &[String], tax: &Taxonomy, urls: &Urls, limit: usize) -> Vec<LinkView> {
    names
        .iter()
        .take(limit)
        .filter_map(|n| tax.term(n))
        .map(|t| LinkView {
            name: t.name.clone(),
            url: urls.link(&Urls::term_path(tax.key(), &t.slug)),
        })
        .collect()
}

pub fn severity_view(name: &str, config: &Config, urls: &Urls) -> SeverityView {
    let level = config.severity(name);
    SeverityView {
        name: name.to_string(),
        url: urls.link(&Urls::term_path("severity", &crate::text::slugify(name))),
        color: level
            .map(|l| l.color.clone())
            .unwrap_or_else(|| "#4b5563".into()),
        description: level.map(|l| l.description.clone()).unwrap_or_default(),
    }
}

/// Every taxonomy of the configuration, in its order ([`Kind`] indexes it).
pub struct Taxonomies(pub Vec<Taxonomy>);

impl Taxonomies {
    pub fn get(&self, kind: Kind) -> &Taxonomy {
        &self.0[kind.0]
    }

    /// The site's own taxonomies, after the built-in ones (as
    /// `Config::declared_taxonomies` lists their definitions).
    pub fn declared(&self) -> &[Taxonomy] {
        &self.0[crate::config::BUILT_IN.len().min(self.0.len())..]
    }
}

/// A write-up as lists show it, with at most `terms` tags, services and
/// authors (all of them on its own page).
pub fn entry_view(
    w: &WriteUp,
    config: &Config,
    urls: &Urls,
    tax: &Taxonomies,
    terms: usize,
    today: jiff::civil::Date,
) -> EntryView {
    let path = Urls::writeup_path(&w.slug);
    let follow_ups = FollowUps::of(&w.action_items, today);
    EntryView {
        title: w.title.clone(),
        dek: w.dek.clone(),
        url: urls.link(&path),
        permalink: urls.absolute(&path),
        date: w.date.to_string(),
        date_long: long_date(w.date),
        updated: w.updated.map(|d| d.to_string()),
        updated_long: w.updated.map(long_date),
        year: w.date.year(),
        status: w.status.as_str(),
        draft: w.status != crate::content::Status::Published,
        severity: severity_view(&w.severity, config, urls),
        services: term_links(&w.services, tax.get(Kind::SERVICES), urls, terms),
        tags: term_links(&w.tags, tax.get(Kind::TAGS), urls, terms),
        authors: term_links(&w.authors, tax.get(Kind::AUTHORS), urls, terms),
        more_services: w.services.len().saturating_sub(terms),
        more_tags: w.tags.len().saturating_sub(terms),
        more_authors: w.authors.len().saturating_sub(terms),
        summary: w.summary_text().to_string(),
        duration: w.outage_seconds().map(human_duration),
        started: w.start().map(|t| {
            let approx = w
                .incident
                .started
                .is_some_and(|_| w.incident.is_approx("started"))
                || (w.incident.started.is_none() && w.timeline.first().is_some_and(|e| e.approx));
            shown_time(w, t, &w.tz(&config.tz), approx)
        }),
        word_count: w.scan.words,
        follow_ups: follow_ups.line(),
        overdue: follow_ups.overdue,
    }
}

/// A taxonomy's terms on a write-up's page.
#[derive(Serialize, Hash)]
pub struct TermsView {
    pub key: String,
    pub title: String,
    pub terms: Vec<LinkView>,
}

/// The terms `w` names of each of the site's own taxonomies.
pub fn declared_terms(w: &WriteUp, tax: &Taxonomies, urls: &Urls) -> Vec<TermsView> {
    tax.declared()
        .iter()
        .filter_map(|t| {
            let names = w.names(t.key());
            (!names.is_empty()).then(|| TermsView {
                key: t.key().to_string(),
                title: t.def.title.clone(),
                terms: term_links(names, t, urls, usize::MAX),
            })
        })
        .collect()
}

/// A time as a write-up's page shows it: in its own zone with the zone's
/// abbreviation when it names one (`2019-12-04 00:30 CET`), else in the
/// site's; `≈ ` before an approximate one.
pub fn shown_time(
    w: &WriteUp,
    ts: jiff::Timestamp,
    tz: &jiff::tz::TimeZone,
    approx: bool,
) -> String {
    let time = match w.timezone.as_deref() {
        Some(name) => datetime::zoned_minutes(ts, tz, name),
        None => datetime::local_minutes(ts, tz),
    };
    if approx {
        format!("≈ {time}")
    } else {
        time
    }
}

/// A write-up as its own page shows it: `listed`, its entry in the lists,
/// unless a list left out some of its terms.
pub fn page_entry<'a>(
    w: &WriteUp,
    listed: &'a EntryView,
    config: &Config,
    urls: &Urls,
    tax: &Taxonomies,
    today: jiff::civil::Date,
) -> Cow<'a, EntryView> {
    if [&w.services, &w.tags, &w.authors]
        .iter()
        .all(|names| names.len() <= LIST_TERMS)
    {
        Cow::Borrowed(listed)
    } else {
        Cow::Owned(entry_view(w, config, urls, tax, usize::MAX, today))
    }
}

#[derive(Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
}

/// URL path of page `n` (1-based) of a list at `base` (`""` or `tags/dns/`).
pub fn page_path(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

pub fn pagination(base: &str, current: usize, total: usize, urls: &Urls) -> Pagination {
    Pagination {
        current,
        total,
        previous_url: (current > 1).then(|| urls.link(&page_path(base, current - 1))),
        next_url: (current < total).then(|| urls.link(&page_path(base, current + 1))),
    }
}

/// A term of a taxonomy as its pages show it.
#[derive(Serialize, Clone)]
pub struct TermView {
    name: String,
    slug: String,
    url: String,
    pub feed_url: Option<String>,
    count: usize,
    size: u8,
    color: Option<String>,
    description: Option<String>,
}

/// Every term of every taxonomy as its pages show it, by taxonomy.
pub fn term_views(
    config: &crate::config::Config,
    urls: &Urls,
    tax: &Taxonomies,
) -> Vec<Vec<TermView>> {
    tax.0
        .iter()
        .map(|taxonomy| {
            let sizes: BTreeMap<&str, u8> = taxonomy
                .cloud(usize::MAX)
                .into_iter()
                .map(|(t, s)| (t.slug.as_str(), s))
                .collect();
            taxonomy
                .terms
                .iter()
                .map(|term| {
                    let size = sizes.get(term.slug.as_str()).copied().unwrap_or(3);
                    term_view(config, urls, taxonomy, term, size)
                })
                .collect()
        })
        .collect()
}

fn term_view(
    config: &crate::config::Config,
    urls: &Urls,
    taxonomy: &crate::taxonomy::Taxonomy,
    term: &Term,
    size: u8,
) -> TermView {
    let path = Urls::term_path(taxonomy.key(), &term.slug);
    let severity =
        (taxonomy.kind == Kind::SEVERITY).then(|| severity_view(&term.name, config, urls));
    TermView {
        name: term.name.clone(),
        slug: term.slug.clone(),
        url: urls.link(&path),
        feed_url: taxonomy
            .def
            .feed
            .then(|| urls.link(&format!("{path}rss.xml"))),
        count: term.pages.len(),
        size,
        color: severity.as_ref().map(|s| s.color.clone()),
        description: match severity {
            Some(s) => Some(s.description),
            None => taxonomy.description(term).map(str::to_string),
        },
    }
}
