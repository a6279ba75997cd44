//! Fingerprints and hashes: of everything a build's output depends on
//! (so that an unchanged site is not rebuilt), and the hashes the plan
//! keys its jobs by.

use super::Options;
use crate::config::{Config, SOURCE_DIRS};
use crate::content::Content;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

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
    // The write-ups are the other part; every other source folder is here.
    for dir in SOURCE_DIRS.iter().filter(|d| **d != "content") {
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
