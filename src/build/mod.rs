//! Site orchestration for `blameless build`: choose the write-ups to
//! publish, render their bodies, group them, then render every page and feed
//! into a staging folder that replaces the output only when all succeeded.

mod incremental;
mod insight_pages;
mod pages;
mod related;
pub mod views;

pub use incremental::Snapshot;

use crate::config::Config;
use crate::content::{resolve_content_link, Content, Status, WriteUp};
use crate::output::{OutputError, OutputLock, Staging};
use crate::taxonomy::{Kind, Taxonomy};
use crate::templates::{TemplateError, Templates};
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use views::{EntryView, SiteView, Taxonomies, Urls};

/// Ids the write-up template gives its own sections; body headings avoid them.
pub const RESERVED_IDS: &[&str] = &[
    "main",
    "facts",
    "impact",
    "body",
    "timeline",
    "lessons",
    "action-items",
    "related",
    "tags",
    "search",
    "sidebar",
    "about",
    "pile-o-tags",
    "stuff-we-run",
    "counter",
];

pub struct Options<'a> {
    pub drafts: bool,
    pub future: bool,
    /// The output folder, held by this process.
    pub output: &'a OutputLock,
    /// Replace an output folder that blameless did not make.
    pub replace_foreign: bool,
    /// Write-ups dated after this are future ones.
    pub today: Date,
}

/// A fingerprint of everything a build's output depends on: the blameless
/// program and its embedded theme, the effective configuration, every
/// source file (the write-ups, whose [`crate::content::source_hashes`] are
/// `writeups`; `_about.md`, the site's templates and static files), and the
/// options. Equal fingerprints give byte-identical output, so an unchanged
/// site need not be rebuilt. The write-ups' hashes come from reading them
/// without parsing, or from their load, so deciding "nothing changed" costs
/// a fraction of loading, and a build that loads them reads them once.
pub fn fingerprint(root: &Path, config: &Config, opts: &Options, writeups: &[u64]) -> String {
    format!(
        "{:016x}",
        hash_of((setting_fingerprint(root, config, opts), writeups))
    )
}

/// The [`fingerprint`] of a build of `content`, from the write-ups' hashes
/// its load made.
pub fn content_fingerprint(
    root: &Path,
    config: &Config,
    opts: &Options,
    content: &Content,
) -> String {
    fingerprint(
        root,
        config,
        opts,
        content.sources.as_deref().unwrap_or_default(),
    )
}

/// The part of [`fingerprint`] that is not the write-ups: what every page
/// depends on.
pub fn setting_fingerprint(root: &Path, config: &Config, opts: &Options) -> u64 {
    let mut sources = vec![root.join("content").join("_about.md")];
    for dir in ["templates", "static"] {
        sources.extend(
            walkdir::WalkDir::new(root.join(dir))
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path()),
        );
    }
    hash_of((
        // The program itself: a rebuilt blameless of the same version
        // (a new theme, a fix) must not trust output made by the old one.
        crate::memo::program_stamp(),
        crate::templates::THEME_TEMPLATES,
        crate::templates::THEME_STATIC,
        format!("{config:?}"),
        (opts.drafts, opts.future, opts.today.to_string()),
        hash_files(root, sources),
    ))
}

pub(crate) fn hash_of(value: impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// The paths (relative to `root`) and bytes of `files`, read in parallel.
fn hash_files(root: &Path, files: Vec<PathBuf>) -> u64 {
    let hashes: Vec<u64> = files
        .par_iter()
        .map(|path| hash_of((path.strip_prefix(root).ok(), std::fs::read(path).ok())))
        .collect();
    hash_of(hashes)
}

#[derive(Debug)]
pub struct Report {
    pub writeups: usize,
    pub tags: usize,
    pub services: usize,
    pub files: usize,
    /// Only the pages a change touched were rendered, in place.
    pub updated: bool,
    /// In an update, the files written after `pages_done` was called.
    pub written_late: Vec<String>,
    pub output: PathBuf,
    /// How long each stage took, for `--verbose`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

#[derive(Debug)]
pub enum BuildError {
    Template(TemplateError),
    Output(OutputError),
}

impl From<TemplateError> for BuildError {
    fn from(e: TemplateError) -> Self {
        BuildError::Template(e)
    }
}

impl From<OutputError> for BuildError {
    fn from(e: OutputError) -> Self {
        BuildError::Output(e)
    }
}

/// Everything page rendering needs, computed once per build.
pub(crate) struct Site<'a> {
    pub config: &'a Config,
    pub urls: Urls,
    pub site: SiteView,
    pub writeups: Vec<&'a WriteUp>,
    pub entries: Vec<EntryView>,
    /// Each entry as list pages show it (`entry.html`).
    pub summaries: Vec<String>,
    pub bodies: Vec<String>,
    pub tax: Taxonomies,
    pub sidebar: String,
    pub templates: Templates,
    pub staging: Staging<'a>,
    pub related: Vec<Vec<related::Related>>,
    /// What changed since the previous build, when only the pages that
    /// show it are rendered (see [`incremental`]); `None`: every page.
    pub changes: Option<incremental::Changes>,
}

/// Writes the search index of the published write-ups.
fn search_index(site: &Site) -> Result<usize, OutputError> {
    let docs: Vec<crate::search::Document> = site
        .writeups
        .iter()
        .zip(&site.entries)
        .map(|(w, e)| crate::search::Document {
            writeup: w,
            url: e.url.clone(),
            date: e.date_long.clone(),
            outage: e.duration.clone(),
            // All of them: a list entry carries only the first few.
            services: views::term_names(&w.services, site.tax.get(Kind::Services)),
            tags: views::term_names(&w.tags, site.tax.get(Kind::Tags)),
            authors: views::term_names(&w.authors, site.tax.get(Kind::Authors)),
            severity_rank: site
                .config
                .severities
                .iter()
                .position(|l| l.name == w.severity)
                .unwrap_or(usize::MAX),
        })
        .collect();
    let files = crate::search::write_index(&docs);
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

type Timings = Vec<(&'static str, std::time::Duration)>;

/// How long each stage took, for `--verbose`.
struct Laps {
    timings: Timings,
    clock: std::time::Instant,
}

impl Laps {
    fn new() -> Laps {
        Laps {
            timings: Vec::new(),
            clock: std::time::Instant::now(),
        }
    }

    fn lap(&mut self, name: &'static str) {
        self.timings.push((name, self.clock.elapsed()));
        self.restart();
    }

    fn restart(&mut self) {
        self.clock = std::time::Instant::now();
    }
}

/// Every page and feed (in an update, those a change touched); tells
/// `pages_done` when the pages that show write-ups are out.
fn render_pages(
    site: &Site,
    pages_done: &dyn Fn(Vec<String>),
) -> Result<(usize, Timings), BuildError> {
    let mut laps = Laps::new();
    let mut files = 0;
    // An update starts with the pages that show the change, which browsers
    // wait for. A full build starts with the archive: it is one template
    // render of every write-up, on one core, and left for last it would
    // finish the build alone.
    let update = site.staging.is_update();
    if !update {
        files += pages::other_pages(site)?;
        laps.lap("archive, search and 404 pages");
    }
    files += pages::writeup_pages(site)?;
    laps.lap("write-up pages");
    files += pages::home_pages(site)?;
    files += pages::taxonomy_pages(site)?;
    laps.lap("list pages");
    if update {
        pages_done(site.staging.take_written());
        files += pages::other_pages(site)?;
        laps.lap("archive, search and 404 pages");
    }
    files += pages::feeds_and_sitemap(site)?;
    laps.lap("feeds and sitemap");
    Ok((files, laps.timings))
}

/// The search index, the stats and action item pages, and the exports.
fn index_and_stats(site: &Site, today: Date) -> Result<(usize, Timings), BuildError> {
    let timed = |f: &(dyn Fn() -> Result<usize, BuildError> + Sync)| {
        let clock = std::time::Instant::now();
        f().map(|files| (files, clock.elapsed()))
    };
    // Side by side rather than one after the other: the action item page
    // is one template render of every open item (half a second of one core
    // at 10,000 write-ups), and started last it would finish the build alone.
    // The stats come first: `join` starts its first closure at once and
    // leaves the second for whichever thread is free.
    let (insight, index) = rayon::join(
        || timed(&|| insight_pages::insight_pages(site, today)),
        || {
            timed(&|| {
                if site.config.search_enabled {
                    Ok(search_index(site)?)
                } else {
                    Ok(0)
                }
            })
        },
    );
    let ((index_files, index_took), (insight_files, insight_took)) = (index?, insight?);
    let mut timings = vec![("stats, action items and exports", insight_took)];
    if site.config.search_enabled {
        timings.insert(0, ("search index", index_took));
    }
    Ok((index_files + insight_files, timings))
}

/// Which write-ups a build publishes.
pub fn select(content: &Content, drafts: bool, future: bool, today: Date) -> Vec<&WriteUp> {
    content
        .writeups
        .iter()
        .filter(|w| drafts || w.status == Status::Published)
        .filter(|w| future || w.date <= today)
        .map(|w| &**w)
        .collect()
}

/// Builds the site. `content` must have passed validation; `inputs` gives
/// its [`fingerprint`] (asked for at the end, when the pages are out),
/// recorded in the output so that the next build can tell that nothing
/// changed.
///
/// With the [`Snapshot`] of the previous build into the same output (by
/// `serve`), only the pages a change touched are rendered, where they are;
/// `pages_done` then gets their paths before the search index and the stats
/// are rebuilt. Returns the snapshot for the next build.
pub fn build(
    root: &Path,
    config: &Config,
    content: &Content,
    opts: &Options,
    inputs: &dyn Fn() -> String,
    previous: Option<Snapshot>,
    pages_done: &dyn Fn(Vec<String>),
) -> Result<(Report, Snapshot), BuildError> {
    let mut laps = Laps::new();
    let writeups = select(content, opts.drafts, opts.future, opts.today);
    let urls = Urls::new(config);
    let mut next = Snapshot {
        setting: setting_fingerprint(root, config, opts),
        order: incremental::order(&writeups),
        loaded: content.writeups.clone(),
        ..Snapshot::default()
    };
    next.texts = incremental::text_hashes(&writeups);
    // A body renders the same while the settings and the write-ups it can
    // link to are the same.
    let mut reusable = previous.filter(|p| p.setting == next.setting && p.order == next.order);
    let mut known_bodies: Vec<Option<String>> = match &mut reusable {
        Some(p) => next.texts.iter().map(|t| p.bodies.remove(t)).collect(),
        None => vec![None; writeups.len()],
    };

    // Links between write-ups resolve to pages only for write-ups in this build.
    let url_of: HashMap<&str, String> = writeups
        .iter()
        .map(|w| {
            (
                w.content_path.as_str(),
                urls.link(&Urls::writeup_path(&w.slug)),
            )
        })
        .collect();
    let render_bodies = || -> Vec<String> {
        writeups
            .par_iter()
            .zip(&mut known_bodies)
            .map(|(w, known)| {
                if let Some(body) = known.take() {
                    return body;
                }
                let resolve = |dest: &str| {
                    let target = resolve_content_link(&w.content_path, dest)?;
                    let url = url_of.get(target.as_str())?;
                    Some(match dest.split_once('#') {
                        Some((_, fragment)) => format!("{url}#{fragment}"),
                        None => url.clone(),
                    })
                };
                crate::markdown::render(w.body(), config.markdown.raw_html, RESERVED_IDS, &resolve)
            })
            .collect()
    };
    // Tera parses the templates on one core; the Markdown, which needs no
    // template, keeps the other busy meanwhile.
    let (templates, bodies) = rayon::join(|| Templates::load(root), render_bodies);
    let templates = templates?;
    laps.lap("templates and markdown");

    let tax = Taxonomies(
        Kind::ALL
            .par_iter()
            .map(|&k| Taxonomy::build(k, &writeups, config))
            .collect(),
    );
    next.terms_shape = incremental::terms_shape(&tax, config.paginate.max(1));
    next.term_members = incremental::term_members(&tax, config.paginate.max(1));
    next.term_counts = incremental::term_counts(&tax);
    // An entry shows its write-up through the taxonomies' names and URLs.
    let mut known_entries: Vec<Option<incremental::Entry>> = match reusable
        .as_mut()
        .filter(|p| p.terms_shape == next.terms_shape)
    {
        Some(p) => next.texts.iter().map(|t| p.entry_views.remove(t)).collect(),
        None => vec![None; writeups.len()],
    };
    let site_view = SiteView::new(config, &urls);
    let made: Vec<incremental::Entry> = writeups
        .par_iter()
        .zip(&mut known_entries)
        .map(|(w, known)| match known.take() {
            Some(entry) => Ok(entry),
            None => {
                let view = views::entry_view(w, config, &urls, &tax, views::LIST_TERMS);
                let hash = incremental::entry_hash(&view);
                let summary = pages::summary(&templates, &site_view, &view)?;
                Ok(incremental::Entry {
                    view,
                    hash,
                    summary,
                })
            }
        })
        .collect::<Result<_, BuildError>>()?;
    let mut entries = Vec::with_capacity(made.len());
    let mut summaries = Vec::with_capacity(made.len());
    for entry in made {
        next.entries.push(entry.hash);
        entries.push(entry.view);
        summaries.push(entry.summary);
    }
    next.links = entries.iter().map(incremental::link_hash).collect();
    let reusable = reusable.as_ref();
    next.related_inputs = incremental::related_inputs(&writeups);
    // Related lists come from the taxonomies' membership (equal shapes and
    // equal members by page) and the related inputs.
    let related = match reusable.filter(|p| {
        p.terms_shape == next.terms_shape
            && p.term_members == next.term_members
            && p.related_inputs == next.related_inputs
    }) {
        Some(p) => p.related.clone(),
        None => related::related(&writeups, &tax),
    };
    next.related_hashes = related
        .iter()
        .map(|r| incremental::related_hash(r))
        .collect();
    let sidebar = pages::sidebar(
        config,
        &urls,
        &site_view,
        &tax,
        &writeups,
        &templates,
        content.about.as_deref(),
    )?;
    laps.lap("taxonomies, entries and sidebar");

    let changes = reusable
        .filter(|p| p.terms_shape == next.terms_shape && p.sidebar == sidebar)
        .map(|p| incremental::Changes::compare(p, &next));
    let (staging, changes) = match changes.map(|c| (Staging::update(opts.output), c)) {
        Some((Ok(staging), c)) => (staging, Some(c)),
        _ => (
            Staging::begin(opts.output, root, opts.replace_foreign)?,
            None,
        ),
    };
    let site = Site {
        config,
        site: site_view,
        urls,
        writeups,
        entries,
        summaries,
        bodies,
        tax,
        sidebar,
        templates,
        staging,
        related,
        changes,
    };
    laps.lap("staging");
    // The index and the stats read every write-up's text.
    let texts_changed = site.changes.as_ref().is_none_or(|c| c.any_text());
    let (pages, rest) = if site.changes.is_none() {
        // Nobody waits for some pages first: the index and the stats are
        // built alongside the pages, so that each keeps both cores busy
        // through the other's sequential parts.
        rayon::join(
            || render_pages(&site, &|_| {}),
            || index_and_stats(&site, opts.today),
        )
    } else {
        let pages = render_pages(&site, pages_done);
        let rest = if texts_changed {
            index_and_stats(&site, opts.today)
        } else {
            Ok((0, Vec::new()))
        };
        (pages, rest)
    };
    let (pages, rest) = (pages?, rest?);
    let mut files = pages.0 + rest.0;
    laps.timings.extend(pages.1);
    laps.timings.extend(rest.1);
    laps.restart();
    if site.changes.is_none() {
        files += pages::assets(&site, root)?;
    }

    let written_late = site.staging.take_written();
    let updated = site.changes.is_some();
    site.staging.commit(&inputs())?;
    laps.lap("assets and publish");
    let report = Report {
        writeups: site.writeups.len(),
        tags: site.tax.get(Kind::Tags).terms.len(),
        services: site.tax.get(Kind::Services).terms.len(),
        files,
        updated,
        written_late,
        output: opts.output.shown().to_path_buf(),
        timings: laps.timings,
    };
    next.published = site
        .writeups
        .iter()
        .map(|w| incremental::address(w))
        .collect();
    next.sidebar = site.sidebar;
    next.related = site.related;
    next.bodies = next.texts.iter().copied().zip(site.bodies).collect();
    next.entry_views = next
        .texts
        .iter()
        .copied()
        .zip(
            site.entries
                .into_iter()
                .zip(next.entries.iter().copied())
                .zip(site.summaries)
                .map(|((view, hash), summary)| incremental::Entry {
                    view,
                    hash,
                    summary,
                }),
        )
        .collect();
    Ok((report, next))
}
