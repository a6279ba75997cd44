//! Making a site from its loaded write-ups, as a list of stages (see
//! [`build`]): select the write-ups to publish; derive what pages are made
//! of (`derive.rs`); plan every output file as a job with a hash of what it
//! depends on (`plan.rs`); render the jobs whose hash changed (`render.rs`,
//! with `pages.rs`, `action_items.rs` and `exports.rs`); publish. A whole build is a
//! build with no previous plan; `serve` keeps each build's plan for the
//! next.

mod action_items;
mod anchors;
mod derive;
mod exports;
mod feed_content;
mod fields;
mod fingerprint;
mod glance;
mod page_view;
mod pages;
mod plan;
mod related;
mod render;
mod sidebar;
mod stats_page;
mod syndication;
mod urls;
pub mod views;

pub use fingerprint::{content_fingerprint, fingerprint, setting_fingerprint};
pub use plan::Plan;

use crate::config::Config;
use crate::content::{Content, Status, WriteUp};
use crate::output::{OutputError, OutputLock, Staging};
use crate::taxonomy::Kind;
use crate::templates::TemplateError;
use fingerprint::{fast_hash, hash_of};
use jiff::civil::Date;
use render::Rendering;
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

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Template(e) => e.fmt(f),
            BuildError::Output(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Template(e) => Some(e),
            BuildError::Output(e) => Some(e),
        }
    }
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
    let derived = derive::derive(
        root,
        config,
        writeups,
        content.about.as_deref(),
        reuse,
        opts.today,
    )?;
    laps.lap("templates, bodies, taxonomies, entries and sidebar");
    let jobs = plan::plan(&derived);
    let sidebar = plan::sidebar_hash(&derived);
    let changes = previous.map(|p| plan::Changes::since(&p, &jobs, sidebar));
    laps.lap("plan");
    let (staging, changes) = stage(opts, root, changes)?;
    let site = Rendering::new(derived, staging);
    let (files, timings) = render::render_jobs(&site, root, &jobs, changes.as_ref(), pages_done)?;
    laps.timings.extend(timings);
    laps.restart();
    if let Some(changes) = &changes {
        site.staging.remove_files(&changes.removed)?;
    }
    let written_late = site.staging.take_written();
    let Rendering {
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
