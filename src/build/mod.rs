//! Making a site from its loaded write-ups, as a list of stages (see
//! [`build`]): select the write-ups to publish; derive what pages are made
//! of (`derive.rs`); plan every output file as a job with a hash of what it
//! depends on (`plan.rs`); render the jobs whose hash changed (`render.rs`,
//! with `pages.rs` and `insight_pages.rs`); publish. A whole build is a
//! build with no previous plan; `serve` keeps each build's plan for the
//! next.

mod derive;
mod fields;
mod glance;
mod insight_pages;
mod pages;
mod plan;
mod related;
mod render;
mod syndication;
pub mod views;

pub use plan::Plan;

use crate::config::Config;
use crate::content::{Content, Status, WriteUp};
use crate::output::{OutputError, OutputLock, Staging};
use crate::taxonomy::Kind;
use crate::templates::TemplateError;
use jiff::civil::Date;
use rayon::prelude::*;
use render::Site;
use std::path::{Path, PathBuf};

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

/// A hash of many bytes (a body, the sidebar), faster than [`hash_of`].
pub(crate) fn fast_hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    bytes.hash(&mut h);
    h.finish()
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

/// What an update tells `serve` once the pages that show write-ups are
/// written: their files, or `None` when every page changed.
pub type PagesDone = Option<Vec<String>>;

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
/// With the [`Plan`] of the previous build into the same output (by
/// `serve`), only the files whose inputs changed are rendered, where they
/// are, and the files of pages that are gone removed; `pages_done` then gets the pages that
/// show write-ups before the search index and the stats are rebuilt.
/// Returns the plan for the next build.
pub fn build(
    root: &Path,
    config: &Config,
    content: &Content,
    opts: &Options,
    inputs: &dyn Fn() -> String,
    previous: Option<Plan>,
    pages_done: &dyn Fn(PagesDone),
) -> Result<(Report, Plan), BuildError> {
    let mut laps = Laps::new();
    let setting = setting_fingerprint(root, config, opts);
    let previous = previous.filter(|p| p.setting == setting);
    let writeups = select(content, opts.drafts, opts.future, opts.today);
    let (previous, reuse) = match previous {
        Some(mut p) => {
            let reuse = std::mem::take(&mut p.reuse);
            (Some(p), Some(reuse))
        }
        None => (None, None),
    };
    let derived = derive::derive(root, config, writeups, content.about.as_deref(), reuse)?;
    laps.lap("templates, bodies, taxonomies, entries and sidebar");
    let jobs = plan::plan(&derived);
    let sidebar = plan::sidebar_hash(&derived);
    let changes = previous.map(|p| plan::Changes::since(&p, &jobs, sidebar));
    laps.lap("plan");
    let (staging, changes) = stage(opts, root, changes)?;
    let site = Site::new(derived, staging, opts.today);
    let (files, timings) = render::render_jobs(&site, root, &jobs, changes.as_ref(), pages_done)?;
    laps.timings.extend(timings);
    laps.restart();
    if let Some(changes) = &changes {
        site.staging.remove_files(&changes.removed)?;
    }
    let written_late = site.staging.take_written();
    let Site {
        derived, staging, ..
    } = site;
    staging.commit(&inputs())?;
    laps.lap("publish");
    let report = Report {
        writeups: derived.writeups.len(),
        tags: derived.tax.get(Kind::TAGS).terms.len(),
        services: derived.tax.get(Kind::SERVICES).terms.len(),
        files,
        updated: changes.is_some(),
        written_late,
        output: opts.output.shown().to_path_buf(),
        timings: laps.timings,
    };
    Ok((
        report,
        plan::keep(setting, sidebar, &jobs, derived.into_reuse()),
    ))
}

/// Where the build is written: in place, when there is a previous plan and
/// the output still holds its build; else a staging folder for a whole
/// build (and every job renders).
fn stage<'a>(
    opts: &Options<'a>,
    root: &Path,
    changes: Option<plan::Changes>,
) -> Result<(Staging<'a>, Option<plan::Changes>), BuildError> {
    if let Some(changes) = changes {
        if let Ok(staging) = Staging::update(opts.output) {
            return Ok((staging, Some(changes)));
        }
    }
    Ok((
        Staging::begin(opts.output, root, opts.replace_foreign)?,
        None,
    ))
}
