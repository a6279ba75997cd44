//! The import of a set of documents: reading each safely (in parallel),
//! composing each (`compose.rs`), naming them so that links between them
//! hold, telling the documents imported before (`provenance.rs`), and
//! writing each write-up after its files, without ever overwriting.

use super::compose::{compose, prepare, Composed, Defaults, Prepared};
use super::files::{self, Found, Written};
use super::provenance::{self, Known, Recognized};
use crate::config::Config;
use crate::diagnostic::Reason;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

pub struct Options {
    pub paths: Vec<PathBuf>,
    /// The content folder written to.
    pub into: PathBuf,
    /// Paths in the report are shown relative to it (the site root).
    pub shown_root: PathBuf,
    /// What a write-up says where its document says nothing.
    pub defaults: Defaults,
    pub dry_run: bool,
    /// Told of each document read: how many so far, of how many.
    pub progress: Option<Box<dyn Fn(usize, usize) + Sync>>,
}

/// What became of one document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    Written {
        file: String,
        guesses: Vec<super::draft::Guess>,
        missing: Vec<String>,
        /// Moments found but left as `# TODO` with the candidate, and why.
        doubts: Vec<super::draft::Doubt>,
        /// Commitments in prose (`We will ...`), each a possible action
        /// item that was not written as one.
        suggestions: Vec<super::draft::Guess>,
        links_kept: Vec<String>,
        /// Links to files that did not come along, each with why.
        files_not_copied: Vec<String>,
        files: Vec<String>,
        /// Sections left in the body because not all of their words went
        /// into fields.
        kept_in_body: bool,
        /// Control characters left out of the document's text.
        removed_controls: usize,
    },
    AlreadyImported {
        file: String,
        /// How the document was told from those imported before.
        recognized: super::provenance::Recognized,
    },
    /// A path under a folder given that is not read, with why.
    Skipped {
        reason: String,
    },
    Failed {
        message: String,
    },
}

#[derive(Debug, Serialize)]
pub struct Imported {
    pub source: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Imports the documents `opts` names into `opts.into`.
pub fn import(opts: &Options, config: &Config) -> Vec<Imported> {
    use rayon::prelude::*;
    let found = files::documents(&opts.paths);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let project = provenance::canonical(&opts.shown_root);
    let prepared: Vec<Option<Result<Prepared, Reason>>> = found
        .par_iter()
        .map(|f| match f {
            Found::Document(source) => Some(files::read_document(source).and_then(|bytes| {
                let record = provenance::record(source, &bytes, &project);
                super::text::markdown(&bytes, &source.rel).map(|(text, removed)| {
                    let mut p = prepare(source, text, record, &opts.defaults, config);
                    p.removed_controls = removed;
                    // The report names the lines of the file a person opens.
                    if super::text::is_html(&source.rel) {
                        let html = String::from_utf8_lossy(&bytes);
                        let d = &mut p.draft;
                        let mut found: Vec<&mut super::draft::Guess> = d
                            .guesses
                            .iter_mut()
                            .chain(d.suggestions.iter_mut())
                            .collect();
                        super::html_lines::relocate(&html, &mut found);
                    }
                    p
                })
            })),
            Found::Skipped { .. } => None,
        })
        .inspect(|_| {
            if let Some(progress) = &opts.progress {
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                progress(n + 1, found.len());
            }
        })
        .collect();
    // Every imported document's new name, by its canonical path; a
    // document imported before keeps the write-up it became.
    let mut known = Known::read(&opts.into);
    let mut stems: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut taken_stems = BTreeSet::new();
    let mut names: Vec<Option<String>> = Vec::new();
    let mut recognized: Vec<Option<(String, Recognized)>> = Vec::new();
    for p in &prepared {
        let Some(Ok(p)) = p else {
            names.push(None);
            recognized.push(None);
            continue;
        };
        let shown = p.source.path().display().to_string();
        if let Some((rel, how)) = known.recognize(&p.record, &shown) {
            // Links to it go to the write-up it became, when that is beside
            // the new ones.
            if let (Some(stem), Ok(canonical)) =
                (rel.strip_suffix(".md"), p.source.path().canonicalize())
            {
                if !stem.contains('/') {
                    stems.insert(canonical, stem.to_string());
                }
            }
            names.push(None);
            recognized.push(Some((rel, how)));
            continue;
        }
        recognized.push(None);
        let mut stem = p.stem.clone();
        let mut n = 2;
        while !taken_stems.insert(stem.clone()) {
            stem = format!("{}-{n}", p.stem);
            n += 1;
        }
        if let Ok(canonical) = p.source.path().canonicalize() {
            stems.insert(canonical, stem.clone());
        }
        names.push(Some(stem));
    }
    let mut imported: Vec<Imported> = prepared
        .into_iter()
        .zip(names)
        .zip(recognized)
        .zip(found)
        .map(|(((p, stem), recognized), found)| {
            let (source, outcome) = match (found, p, stem, recognized) {
                (Found::Skipped { path, reason }, ..) => {
                    (path.display().to_string(), Outcome::Skipped { reason })
                }
                (Found::Document(s), Some(Ok(p)), None, Some((rel, recognized))) => (
                    s.path().display().to_string(),
                    imported_before(p, &rel, recognized, &stems, opts, config),
                ),
                (Found::Document(s), Some(Ok(p)), Some(stem), _) => (
                    s.path().display().to_string(),
                    write_one(p, &stem, &stems, opts, config),
                ),
                (Found::Document(s), Some(Err(reason)), ..) => (
                    s.path().display().to_string(),
                    Outcome::Failed {
                        message: reason.to_string(),
                    },
                ),
                (Found::Document(s), ..) => (
                    s.path().display().to_string(),
                    Outcome::Failed {
                        message: "not named".into(),
                    },
                ),
            };
            Imported { source, outcome }
        })
        .collect();
    // A document with the bytes of one before it is the write-up that one
    // became.
    for i in 0..imported.len() {
        let Outcome::AlreadyImported {
            recognized: Recognized::SameBytesAs(first),
            ..
        } = &imported[i].outcome
        else {
            continue;
        };
        let first = first.clone();
        let file = imported.iter().find_map(|d| match &d.outcome {
            Outcome::Written { file, .. } | Outcome::AlreadyImported { file, .. }
                if d.source == first =>
            {
                Some(file.clone())
            }
            _ => None,
        });
        match (file, &mut imported[i].outcome) {
            (Some(file), Outcome::AlreadyImported { file: this, .. }) => *this = file,
            (None, outcome) => {
                *outcome = Outcome::Failed {
                    message: format!("the same document as {first}, which could not be imported"),
                }
            }
            _ => {}
        }
    }
    imported
}

/// A document a write-up under `--into` (at `rel`) already came from: so
/// reported, unless a file it brings along is there and differs (a copy
/// cut short by an import killed in the middle, before files came first).
fn imported_before(
    mut p: Prepared,
    rel: &str,
    recognized: Recognized,
    stems: &BTreeMap<PathBuf, String>,
    opts: &Options,
    config: &Config,
) -> Outcome {
    let shown_of = |rel: &str| crate::text::display_path(&opts.shown_root, &opts.into.join(rel));
    if let Some(folder) = rel.strip_suffix("/index.md") {
        let stem = p.stem.clone();
        let found = compose(&mut p, &stem, stems, config).found;
        for file in &found.files {
            let to = format!("{folder}/{}", file.to);
            let there = crate::confine::read(&opts.into, &to);
            let source = crate::confine::read(&p.source.root, &file.from);
            if let (Ok(there), Ok(source)) = (there, source) {
                if there != source {
                    return differs(&shown_of(&to));
                }
            }
        }
    }
    Outcome::AlreadyImported {
        file: shown_of(rel),
        recognized,
    }
}

fn differs(shown: &str) -> Outcome {
    Outcome::Failed {
        message: format!(
            "{shown} already exists and differs; it was not overwritten (move it away to import again)"
        ),
    }
}

fn write_one(
    mut p: Prepared,
    stem: &str,
    stems: &BTreeMap<PathBuf, String>,
    opts: &Options,
    config: &Config,
) -> Outcome {
    let Composed {
        rel,
        out,
        draft,
        found,
        kept_in_body,
    } = compose(&mut p, stem, stems, config);
    let source = p.source;
    let p_removed = p.removed_controls;
    let shown_of = |rel: &str| crate::text::display_path(&opts.shown_root, &opts.into.join(rel));
    let shown = shown_of(&rel);
    let existing = match crate::confine::read(&opts.into, &rel) {
        Ok(bytes) if bytes == out.as_bytes() => Some(Written::Same),
        Ok(_) => return differs(&shown),
        Err(crate::confine::Refusal::Missing(_)) => None,
        Err(e) => {
            return Outcome::Failed {
                message: format!("cannot write {shown}: {e}"),
            }
        }
    };
    let copied: Vec<String> = found
        .files
        .iter()
        .map(|f| shown_of(&format!("{stem}/{}", f.to)))
        .collect();
    if !opts.dry_run {
        // The files first, the write-up last: a write-up is never there
        // without its files.
        for file in &found.files {
            let to = format!("{stem}/{}", file.to);
            let written = crate::confine::read(&source.root, &file.from)
                .map_err(|e| Reason(format!("cannot read {}: {e}", file.from)))
                .and_then(|bytes| files::write_new(&opts.into, &to, &bytes));
            match written {
                Ok(Written::Created | Written::Same) => {}
                Ok(Written::Differs) => return differs(&shown_of(&to)),
                Err(e) => {
                    return Outcome::Failed {
                        message: format!("cannot write {}: {e}", shown_of(&to)),
                    }
                }
            }
        }
        match files::write_new(&opts.into, &rel, out.as_bytes()) {
            Ok(Written::Created) => {}
            Ok(Written::Same) => {
                return Outcome::AlreadyImported {
                    file: shown,
                    recognized: Recognized::SameText,
                }
            }
            Ok(Written::Differs) => return differs(&shown),
            Err(e) => {
                return Outcome::Failed {
                    message: format!("cannot write {shown}: {e}"),
                }
            }
        }
    } else if existing.is_some() {
        return Outcome::AlreadyImported {
            file: shown,
            recognized: Recognized::SameText,
        };
    }
    Outcome::Written {
        file: shown,
        guesses: draft.guesses,
        missing: draft.missing,
        doubts: draft.doubts,
        suggestions: draft.suggestions,
        links_kept: found.kept,
        files_not_copied: found.not_copied,
        files: copied,
        kept_in_body,
        removed_controls: p_removed,
    }
}
