//! Site orchestration for `blameless build`: choose the write-ups to
//! publish, render their bodies, group them, then render every page and feed
//! into a staging folder that replaces the output only when all succeeded.

mod insight_pages;
mod pages;
mod related;
pub mod views;

use crate::config::Config;
use crate::content::{resolve_content_link, Content, Status, WriteUp};
use crate::output::{OutputError, Staging};
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

pub struct Options {
    pub drafts: bool,
    pub future: bool,
    pub output: PathBuf,
    pub force: bool,
    /// Write-ups dated after this are future ones.
    pub today: Date,
}

/// A fingerprint of everything a build's output depends on: the blameless
/// program and its embedded theme, the effective configuration, the bytes
/// of every source file (write-ups, `_about.md`, the site's templates and
/// static files), and the options. Equal fingerprints give byte-identical
/// output, so an unchanged site need not be rebuilt. It reads the files but
/// parses nothing, so deciding "nothing changed" costs a fraction of loading.
pub fn fingerprint(root: &Path, config: &Config, opts: &Options) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    // The program itself: a rebuilt blameless of the same version number
    // (a new theme, a fix) must not trust output made by the old one.
    // (Its size and modification time: reading 50-100 MB would cost more
    // than the check saves.)
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .ok()
        .map(|m| (m.len(), m.modified().ok()))
        .hash(&mut h);
    crate::templates::THEME_TEMPLATES.hash(&mut h);
    crate::templates::THEME_STATIC.hash(&mut h);
    format!("{config:?}").hash(&mut h);
    (opts.drafts, opts.future, opts.today.to_string()).hash(&mut h);
    let content_dir = root.join("content");
    let mut sources = vec![content_dir.join("_about.md")];
    sources.extend(crate::content::find_files(&content_dir));
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
    let hashes: Vec<u64> = sources
        .par_iter()
        .map(|path| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            path.strip_prefix(root).ok().hash(&mut h);
            std::fs::read(path).ok().hash(&mut h);
            h.finish()
        })
        .collect();
    hashes.hash(&mut h);
    format!("{:016x}", h.finish())
}

#[derive(Debug)]
pub struct Report {
    pub writeups: usize,
    pub tags: usize,
    pub services: usize,
    pub files: usize,
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
    pub bodies: Vec<String>,
    pub tax: Taxonomies,
    pub sidebar: String,
    pub templates: Templates,
    pub staging: Staging,
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
            services: e.services.iter().map(|l| l.name.clone()).collect(),
            tags: e.tags.iter().map(|l| l.name.clone()).collect(),
            authors: e.authors.iter().map(|l| l.name.clone()).collect(),
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
    Ok(files.len())
}

/// Which write-ups a build publishes.
pub fn select(content: &Content, drafts: bool, future: bool, today: Date) -> Vec<&WriteUp> {
    content
        .writeups
        .iter()
        .filter(|w| drafts || w.status == Status::Published)
        .filter(|w| future || w.date <= today)
        .collect()
}

/// Builds the site. `content` must have passed validation; `inputs` is its
/// [`fingerprint`], recorded in the output so that the next build can tell
/// that nothing changed.
pub fn build(
    root: &Path,
    config: &Config,
    content: &Content,
    opts: &Options,
    inputs: &str,
) -> Result<Report, BuildError> {
    let mut timings = Vec::new();
    let mut clock = std::time::Instant::now();
    let mut lap = |name: &'static str| {
        timings.push((name, clock.elapsed()));
        clock = std::time::Instant::now();
    };
    let templates = Templates::load(root)?;
    let writeups = select(content, opts.drafts, opts.future, opts.today);
    let urls = Urls::new(config);

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
    let bodies: Vec<String> = writeups
        .par_iter()
        .map(|w| {
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
        .collect();
    lap("markdown");

    let tax = Taxonomies(
        Kind::ALL
            .iter()
            .map(|&k| Taxonomy::build(k, &writeups, config))
            .collect(),
    );
    let entries: Vec<EntryView> = writeups
        .par_iter()
        .map(|w| views::entry_view(w, config, &urls, &tax, views::LIST_TERMS))
        .collect();
    lap("taxonomies and entries");
    let staging = Staging::begin(&opts.output, root, opts.force)?;
    let mut site = Site {
        config,
        site: SiteView::new(config, &urls),
        urls,
        writeups,
        entries,
        bodies,
        tax,
        sidebar: String::new(),
        templates,
        staging,
    };
    site.sidebar = pages::sidebar(&site, content.about.as_deref())?;

    lap("staging and sidebar");
    let mut files = pages::writeup_pages(&site)?;
    lap("write-up pages");
    files += pages::home_pages(&site)?;
    files += pages::taxonomy_pages(&site)?;
    lap("list pages");
    files += pages::other_pages(&site)?;
    files += pages::feeds_and_sitemap(&site)?;
    lap("feeds and sitemap");
    if config.search_enabled {
        files += search_index(&site)?;
        lap("search index");
    }
    files += insight_pages::insight_pages(&site, opts.today)?;
    lap("stats, action items and exports");
    files += pages::assets(&site, root)?;

    let report = Report {
        writeups: site.writeups.len(),
        tags: site.tax.get(Kind::Tags).terms.len(),
        services: site.tax.get(Kind::Services).terms.len(),
        files,
        output: opts.output.clone(),
        timings: Vec::new(),
    };
    site.staging.commit(inputs)?;
    lap("assets and publish");
    Ok(Report { timings, ..report })
}
