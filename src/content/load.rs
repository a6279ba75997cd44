//! Loading `content/`: each file parsed (`parse.rs`) in parallel, through
//! the parse cache when there is one; then the checks across files, and
//! positions for everything.

use super::cache::ParseCache;
use super::checks;
use super::parse::{parse_text, Parsed};
use super::sources::{find_sources, read_text, Source};
use super::WriteUp;
use crate::config::Config;
use crate::diagnostic::{self, Diagnostic};
use crate::memo::Memo;
use crate::text::display_path;
use crate::yaml;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Everything loaded from `content/`.
#[derive(Debug, Default)]
pub struct Content {
    /// Valid write-ups, sorted newest first (date, then slug).
    /// (Shared, so that `serve` keeps unchanged ones from load to load.)
    pub writeups: Vec<Arc<WriteUp>>,
    /// Markdown of `content/_about.md`, if present.
    pub about: Option<String>,
    /// Every problem found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many write-up files were found (valid or not).
    pub files: usize,
    /// The source hash of every file found, in the order of `find_sources`
    /// (see [`super::source_hashes`]); `None` when one could not be read.
    pub sources: Option<Vec<u64>>,
    /// How many files were taken from the parse cache.
    pub from_cache: usize,
}

fn parse_file(
    root: &Path,
    content_dir: &Path,
    path: &Path,
    config: &Config,
    cache: Option<&ParseCache>,
) -> Parsed {
    let file = display_path(root, path);
    let stem = super::sources::stem_of(content_dir, path);
    match read_text(path, &file) {
        Ok(text) => {
            let source = Source::new(file, display_path(content_dir, path), stem, text);
            match cache {
                Some(cache) => cache.parse(source, config),
                None => parse_text(source, config),
            }
        }
        Err(d) => Parsed {
            writeup: None,
            problems: Vec::new(),
            diagnostics: vec![*d],
            text: Arc::from(""),
            yaml: 0..0,
            file,
            source_hash: None,
            from_cache: false,
        },
    }
}

/// Loads and validates every write-up under `<root>/content`.
pub fn load(root: &Path, config: &Config) -> Content {
    load_with(root, config, None)
}

/// Like [`load`], with a parse cache (see [`super::cache`]): a file that
/// `memo` holds is not parsed again, and each clean file parsed is added.
pub fn load_cached(root: &Path, config: &Config, memo: &Memo) -> Content {
    load_with(root, config, Some(&ParseCache::new(memo, config)))
}

fn load_with(root: &Path, config: &Config, cache: Option<&ParseCache>) -> Content {
    let Some((mut content, files, others)) = start(root) else {
        return missing_content_dir();
    };
    let content_dir = root.join("content");
    let parsed: Vec<Parsed> = files
        .par_iter()
        .map(|path| parse_file(root, &content_dir, path, config, cache))
        .collect();
    finish(&mut content, parsed, others, config, root);
    content
}

/// Loads content again and again (for `serve`): a file whose size and
/// modification time are unchanged, and that no change event named, is not
/// read or parsed again. The checks across files always run on all of them.
/// Made for one configuration: a new one needs a new `Loader`.
#[derive(Default)]
pub struct Loader {
    files: std::collections::HashMap<PathBuf, (FileStamp, Parsed)>,
}

type FileStamp = (u64, Option<std::time::SystemTime>);

fn stamp(path: &Path) -> Option<FileStamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()))
}

impl Loader {
    /// Forgets what was parsed from `path`, so the next load reads it.
    pub fn forget(&mut self, path: &Path) {
        self.files.remove(path);
    }

    /// Like [`load_cached`], reusing what earlier loads parsed; a file
    /// read again is looked up in `memo`, when there is one.
    pub fn load(&mut self, root: &Path, config: &Config, memo: Option<&Memo>) -> Content {
        let cache = memo.map(|m| ParseCache::new(m, config));
        let Some((mut content, files, others)) = start(root) else {
            self.files.clear();
            return missing_content_dir();
        };
        let content_dir = root.join("content");
        let stamps: Vec<Option<FileStamp>> = files.par_iter().map(|p| stamp(p)).collect();
        let stale: Vec<usize> = (0..files.len())
            .filter(|&i| {
                stamps[i].is_none()
                    || self.files.get(&files[i]).map(|(s, _)| Some(*s)) != Some(stamps[i])
            })
            .collect();
        let fresh: Vec<Parsed> = stale
            .par_iter()
            .map(|&i| parse_file(root, &content_dir, &files[i], config, cache.as_ref()))
            .collect();
        let mut fresh: std::collections::HashMap<usize, Parsed> =
            stale.into_iter().zip(fresh).collect();
        // What is kept is what was read with a stamp; an unreadable file is
        // read again next time.
        for (&i, parsed) in &fresh {
            match stamps[i] {
                Some(s) => self.files.insert(files[i].clone(), (s, parsed.clone())),
                None => self.files.remove(&files[i]),
            };
        }
        if self.files.len() != files.len() {
            let present: std::collections::HashSet<&PathBuf> = files.iter().collect();
            self.files.retain(|path, _| present.contains(path));
        }
        // Every file is either fresh or kept from an earlier load.
        let parsed: Vec<Parsed> = files
            .iter()
            .enumerate()
            .map(|(i, path)| match fresh.remove(&i) {
                Some(p) => p,
                None => self.files[path].1.clone(),
            })
            .collect();
        finish(&mut content, parsed, others, config, root);
        content
    }
}

fn missing_content_dir() -> Content {
    let mut content = Content::default();
    content.diagnostics.push(
        Diagnostic::error("content", "there is no content/ folder")
            .with_hint("run `blameless init` to start a site, or pass --root DIR"),
    );
    content
}

/// Reads `_about.md`, lists the write-up files and hashes the others (see
/// [`super::Found`]); `None` without `content/`.
fn start(root: &Path) -> Option<(Content, Vec<PathBuf>, u64)> {
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        return None;
    }
    let mut content = Content::default();
    let about_path = content_dir.join("_about.md");
    if about_path.is_file() {
        match read_text(&about_path, &display_path(root, &about_path)) {
            Ok(text) => content.about = Some(text),
            Err(d) => content.diagnostics.push(*d),
        }
    }
    let found = find_sources(&content_dir);
    content.files = found.files.len();
    Some((content, found.files, found.others))
}

/// The checks across files, then positions for every problem.
fn finish(
    content: &mut Content,
    mut parsed: Vec<Parsed>,
    others: u64,
    config: &Config,
    root: &Path,
) {
    content.sources = parsed.iter().map(|p| p.source_hash).collect();
    if let Some(sources) = &mut content.sources {
        sources.push(others);
    }
    content.from_cache = parsed.iter().filter(|p| p.from_cache).count();
    checks::check_site(&mut parsed, config, root);
    for p in &mut parsed {
        let problems = std::mem::take(&mut p.problems);
        if !problems.is_empty() {
            let yaml_text = &p.text[p.yaml.clone()];
            content.diagnostics.extend(yaml::locate_problems(
                &p.file, &p.text, yaml_text, 1, problems,
            ));
        }
        content.diagnostics.append(&mut p.diagnostics);
    }
    let failed: std::collections::HashSet<&str> = content
        .diagnostics
        .iter()
        .filter(|d| d.level == diagnostic::Level::Error)
        .map(|d| d.file.as_str())
        .collect();
    content.writeups = parsed
        .into_iter()
        .filter_map(|p| p.writeup)
        .filter(|w| !failed.contains(w.file.as_str()))
        .collect();
    content
        .writeups
        .sort_by(|a, b| (b.date, &b.slug).cmp(&(a.date, &a.slug)));
    diagnostic::sort(&mut content.diagnostics);
}
