//! The render stage: the planned jobs that must be rendered, into the
//! staging folder. A whole build renders the pages beside the jobs that read
//! every write-up (the search index, stats, action items, exports), so that
//! each keeps both cores busy through the other's sequential parts; an
//! update renders the pages that show write-ups first, tells `serve` they
//! are out, then the rest.

use super::derive::Derived;
use super::pages;
use super::plan::{Changes, Job, Planned};
use super::syndication::{self, FeedItems};
use super::{action_items, exports, stats_page, BuildError, Laps, PagesDone, Timings};
use crate::output::{OutputError, Staging};
use crate::taxonomy::Kind;
use rayon::prelude::*;
use std::path::Path;

/// What rendering needs: the derived site, where files go, and the
/// feed items made on the way.
pub(crate) struct Rendering<'a> {
    pub derived: Derived<'a>,
    pub staging: Staging<'a>,
    /// Each write-up's feed item, made once for every feed it is in.
    pub feed_items: FeedItems,
}

impl<'a> Rendering<'a> {
    pub fn new(derived: Derived<'a>, staging: Staging<'a>) -> Rendering<'a> {
        let feed_items = (0..derived.writeups.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        Rendering {
            derived,
            staging,
            feed_items,
        }
    }
}

/// Renders `job`; returns how many files it wrote.
fn render(site: &Rendering, root: &Path, job: Job) -> Result<usize, BuildError> {
    match job {
        Job::Writeup(i) => pages::writeup_page(site, i),
        Job::Home(n) => pages::home_page(site, n),
        Job::Taxonomy(k) => pages::taxonomy_page(site, k),
        Job::Term(k, t, n) => pages::term_page(site, k, t, n),
        Job::TermFeed(k, t) => syndication::term_feed(site, k, t),
        Job::Feed => syndication::site_feed(site),
        Job::Archive => pages::archive(site),
        Job::Search => pages::search_page(site),
        Job::NotFound => pages::not_found(site),
        Job::Sitemap => syndication::sitemap(site),
        Job::Robots => syndication::robots(site),
        Job::SearchIndex => Ok(search_index(site)?),
        Job::Stats => stats_page::stats_page(site),
        Job::ActionItems => action_items::action_item_pages(site),
        Job::Exports => exports::export_files(site),
        Job::Assets => pages::assets(site, root),
        Job::Asset(i, a) => pages::writeup_file(site, root, i, a),
    }
}

/// Renders the jobs in `jobs` whose `todo` is set, all of them in
/// parallel; returns how many files they wrote.
fn render_all(site: &Rendering, root: &Path, jobs: &[&Planned]) -> Result<usize, BuildError> {
    jobs.par_iter().map(|p| render(site, root, p.job)).sum()
}

/// Renders the jobs `changes` marks (every job, in a whole build).
/// `pages_done` hears, in an update, the files of the pages that show
/// write-ups as soon as they are written. Returns the files written and
/// how long each part took.
pub(crate) fn render_jobs(
    site: &Rendering,
    root: &Path,
    jobs: &[Planned],
    changes: Option<&Changes>,
    pages_done: &dyn Fn(PagesDone),
) -> Result<(usize, Timings), BuildError> {
    let todo = changes.map(|c| c.render.as_slice());
    let mut laps = Laps::new();
    let wanted = |filter: &dyn Fn(Job) -> bool| -> Vec<&Planned> {
        jobs.iter()
            .enumerate()
            .filter(|(i, p)| todo.is_none_or(|t| t[*i]) && filter(p.job))
            .map(|(_, p)| p)
            .collect()
    };
    if todo.is_none() {
        // A whole build: the archive first (one render of every write-up
        // on one core, which left for last would finish the build alone),
        // the heavy jobs beside the pages, the assets last.
        let mut pages = wanted(&|j| !j.is_heavy() && j != Job::Assets);
        pages.sort_by_key(|p| p.job != Job::Archive);
        let heavy = wanted(&|j| j.is_heavy());
        let (pages, heavy) = rayon::join(
            || render_all(site, root, &pages),
            || render_all(site, root, &heavy),
        );
        let mut files = pages? + heavy?;
        laps.lap("pages, feeds, search index and stats");
        files += render_all(site, root, &wanted(&|j| j == Job::Assets))?;
        laps.lap("assets");
        return Ok((files, laps.timings));
    }
    let first = wanted(&|j| j.shows_writeups_first());
    let mut files = render_all(site, root, &first)?;
    let written = site.staging.take_written();
    pages_done((!changes.is_some_and(|c| c.every_page)).then_some(written));
    laps.lap("pages that show write-ups");
    files += render_all(site, root, &wanted(&|j| !j.shows_writeups_first()))?;
    laps.lap("feeds, archive, search index and stats");
    Ok((files, laps.timings))
}

/// What each write-up is called besides its title: its slug's words, its
/// aliases, and the text of every link to it from another write-up.
fn other_names(writeups: &[&crate::content::WriteUp]) -> Vec<Vec<String>> {
    let by_path: std::collections::HashMap<&str, usize> = writeups
        .iter()
        .enumerate()
        .map(|(i, w)| (w.content_path.as_str(), i))
        .collect();
    let mut names: Vec<Vec<String>> = writeups
        .iter()
        .map(|w| {
            let mut own = vec![w.slug.replace('-', " ")];
            own.extend(w.aliases.iter().cloned());
            own
        })
        .collect();
    for (i, w) in writeups.iter().enumerate() {
        for link in &w.scan.links {
            let target = crate::content::resolve_content_link(&w.content_path, &link.dest)
                .and_then(|path| by_path.get(path.as_str()).copied());
            if let Some(target) = target.filter(|&t| t != i && !link.text.trim().is_empty()) {
                names[target].push(link.text.clone());
            }
        }
    }
    names
}

/// Writes the search index of the published write-ups.
fn search_index(site: &Rendering) -> Result<usize, OutputError> {
    let own = site.derived.tax.declared();
    let mut names = other_names(&site.derived.writeups);
    let docs: Vec<crate::search::Document> = site
        .derived
        .writeups
        .iter()
        .zip(&site.derived.entries)
        .enumerate()
        .map(|(i, (w, e))| crate::search::Document {
            writeup: w,
            url: e.view.url.clone(),
            date: e.view.date_long.clone(),
            outage: e.view.duration.clone(),
            // All of them: a list entry carries only the first few.
            services: super::views::term_names(&w.services, site.derived.tax.get(Kind::SERVICES)),
            tags: super::views::term_names(&w.tags, site.derived.tax.get(Kind::TAGS)),
            authors: super::views::term_names(&w.authors, site.derived.tax.get(Kind::AUTHORS)),
            severity_rank: site
                .derived
                .config
                .severities
                .iter()
                .position(|l| l.name == w.severity)
                .unwrap_or(usize::MAX),
            own_terms: own
                .iter()
                .map(|t| super::views::term_names(w.names(t.key()), t))
                .collect(),
            names: std::mem::take(&mut names[i]),
        })
        .collect();
    let facets: Vec<crate::search::OwnFacet> = own
        .iter()
        .map(|t| crate::search::OwnFacet {
            key: t.def.facet_key.clone(),
            label: t.def.title.clone(),
            facet: t.def.facet,
        })
        .collect();
    let files = crate::search::write_index(&docs, &facets);
    files
        .par_iter()
        .try_for_each(|(path, bytes)| site.staging.write(path, bytes))?;
    // An update keeps only this index's files (the number of shards
    // varies), and the search page beside them.
    let mut keep: std::collections::HashSet<&str> =
        files.iter().map(|(path, _)| path.as_str()).collect();
    keep.insert("search/index.html");
    site.staging.remove_others("search", &keep)?;
    Ok(files.len())
}
