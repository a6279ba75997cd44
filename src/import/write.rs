//! The import of a set of documents: reading each safely, running the
//! recognizers, assembling the write-up (front matter, and the body without
//! what went into fields), links between imported documents, their files,
//! and writing without ever overwriting.

use super::document::Document;
use super::draft::{front_matter, Draft};
use super::files::{self, Found, Source, Written};
use super::links::{links, Links};
use super::{actions, head, lessons, timeline, words};
use crate::config::Config;
use rustc_hash::FxHashSet;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

pub struct Options {
    pub paths: Vec<PathBuf>,
    /// The content folder written to.
    pub into: PathBuf,
    /// Paths in the report are shown relative to it (the site root).
    pub shown_root: PathBuf,
    pub severity: Option<String>,
    pub author: Option<String>,
    pub timezone: Option<String>,
    pub status: Option<String>,
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
        doubts: Vec<super::vet::Doubt>,
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

/// The recognizers, in order, over one document's text.
fn recognize(text: &str, name: &str, opts: &Options, config: &Config) -> (Draft, usize) {
    let mut d = Draft::default();
    let (front, start) = head::split_front_matter(text);
    if let Some(map) = &front {
        head::read_front_matter(&mut d, map, text);
    }
    let doc = Document::parse_after(&text[start..], text[..start].matches('\n').count());
    head::header_block(&doc, &mut d);
    head::title(&doc, &mut d);
    head::date(&doc, &mut d, name);
    let zone = super::when::stated_zone(doc.text).or(opts.timezone.clone());
    timeline::timeline(&doc, &mut d, zone.as_deref());
    actions::action_items(&doc, &mut d, opts.author.as_deref(), &config.priorities);
    lessons::lessons(&doc, &mut d);
    lessons::impact(&doc, &mut d);
    super::severity::severity(&doc, &mut d, &config.severity_names());
    if d.date.is_none() {
        if let Some(date) = d.timeline.iter().find_map(|e| e.at.get(..10)?.parse().ok()) {
            d.date = Some(date);
            d.guess("date", &date.to_string(), 0, "the first timeline entry");
        }
    }
    // The page then shows the times as the document wrote them.
    d.timezone = zone.filter(|z| crate::datetime::known_zone(z).is_some());
    super::vet::moments(&text[start..], &mut d);
    (d, start)
}

/// The body: the text without the ranges the fields took.
fn body(text: &str, start: usize, d: &Draft) -> String {
    let body = &text[start..];
    let mut taken = d.taken.clone();
    taken.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(body.len());
    let mut at = 0;
    for r in taken {
        if r.start < at {
            at = at.max(r.end);
            continue;
        }
        out.push_str(&body[at..r.start]);
        at = r.end;
    }
    out.push_str(&body[at..]);
    // Headings left with nothing under them go too.
    let doc = Document::parse(&out);
    let mut empty = Vec::new();
    for (i, s) in doc.sections.iter().enumerate() {
        let has_children = doc.sections.get(i + 1).is_some_and(|n| n.level > s.level);
        if let (Some(h), true, false) = (&s.heading, s.blocks.is_empty(), has_children) {
            empty.push(h.clone());
        }
    }
    let mut cleaned = String::new();
    let mut at = 0;
    for r in empty {
        cleaned.push_str(&out[at..r.start]);
        at = r.end;
    }
    cleaned.push_str(&out[at..]);
    // A section the page also makes keeps its notes under another name
    // (ends of the heading lines to mark, then one copy).
    let mut marks: Vec<usize> = Vec::new();
    for section in &crate::markdown::scan(&cleaned).sections {
        let has = match section.key.as_str() {
            "timeline" => !d.timeline.is_empty(),
            "action_items" => !d.items.is_empty(),
            "lessons" => {
                !(d.went_well.is_empty()
                    && d.went_wrong.is_empty()
                    && d.lucky.is_empty()
                    && d.learned.is_empty())
            }
            _ => d.impact.is_some(),
        };
        if has {
            let line_end = cleaned[section.offset..]
                .find('\n')
                .map_or(cleaned.len(), |e| section.offset + e);
            marks.push(line_end);
        }
    }
    marks.sort_unstable();
    let mut renamed = String::with_capacity(cleaned.len() + 8 * marks.len());
    let mut at = 0;
    for end in marks {
        renamed.push_str(&cleaned[at..end]);
        renamed.push_str(" (notes)");
        at = end;
    }
    renamed.push_str(&cleaned[at..]);
    let mut squeezed = String::new();
    for line in renamed.trim().lines() {
        if line.trim().is_empty() && squeezed.ends_with("\n\n") {
            continue;
        }
        squeezed.push_str(line.trim_end());
        squeezed.push('\n');
    }
    squeezed
}

/// Words a document may lose on import: headings and table headers of the
/// parts that became fields (they name the fields), bold labels, and the
/// words a time is introduced with.
fn structural(text: &str) -> FxHashSet<String> {
    let doc = Document::parse(text);
    let mut out: FxHashSet<String> = [
        "at",
        "on",
        "approx",
        "approximately",
        "about",
        "circa",
        "ca",
        "all",
        "times",
        "are",
        "in",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for s in &doc.sections {
        out.extend(words(&s.title));
        for b in &s.blocks {
            if let super::document::BlockKind::Table(head, _) = &b.kind {
                out.extend(words(&head.join(" ")));
            }
        }
    }
    if let (Some(map), _) = head::split_front_matter(text) {
        for key in map.keys().filter_map(|k| k.as_str()) {
            out.extend(words(key));
        }
    }
    for line in text.lines() {
        if let Some(rest) = line.trim().strip_prefix("**") {
            if let Some((label, _)) = rest.split_once("**") {
                out.extend(words(label));
            }
        }
    }
    out
}

/// One document read and recognized, before it is written.
struct Prepared {
    source: Source,
    /// Control characters left out of the text.
    removed_controls: usize,
    text: String,
    draft: Draft,
    start: usize,
    stem: String,
}

fn prepare(source: &Source, text: String, opts: &Options, config: &Config) -> Prepared {
    let path = source.path();
    let name = path.to_string_lossy().replace('\\', "/");
    let (mut d, start) = recognize(&text, &name, opts, config);
    if d.title.is_none() {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        d.title = Some(stem.replace(['-', '_'], " "));
        d.guess(
            "title",
            d.title.clone().as_deref().unwrap_or(""),
            0,
            "the file name",
        );
    }
    if d.severity.is_none() {
        d.severity = opts.severity.clone();
    }
    if d.authors.is_empty() {
        d.authors.extend(opts.author.clone());
    }
    if d.status.is_none() {
        d.status = Some(opts.status.clone().unwrap_or_else(|| "published".into()));
    }
    for (field, missing) in [
        ("severity (give --severity)", d.severity.is_none()),
        ("authors (give --author)", d.authors.is_empty()),
        ("date", d.date.is_none()),
        (
            "action item owners (give --author)",
            d.items.iter().any(|i| i.owner.is_none()),
        ),
    ] {
        if missing {
            d.missing.push(field.to_string());
        }
    }
    let slug: String = crate::text::slugify(d.title.as_deref().unwrap_or("untitled"))
        .chars()
        .take(60)
        .collect();
    let slug = slug.trim_end_matches('-').to_string();
    let stem = match d.date {
        Some(date) => format!("{date}-{slug}"),
        None => slug,
    };
    Prepared {
        source: source.clone(),
        removed_controls: 0,
        text,
        draft: d,
        start,
        stem,
    }
}

/// Imports the documents `opts` names into `opts.into`.
pub fn import(opts: &Options, config: &Config) -> Vec<Imported> {
    use rayon::prelude::*;
    let found = files::documents(&opts.paths);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let prepared: Vec<Option<Result<Prepared, String>>> = found
        .par_iter()
        .map(|f| match f {
            Found::Document(source) => Some(
                files::read_document(source)
                    .and_then(|bytes| super::text::markdown(&bytes, &source.rel))
                    .map(|(text, removed)| {
                        let mut p = prepare(source, text, opts, config);
                        p.removed_controls = removed;
                        p
                    }),
            ),
            Found::Skipped { .. } => None,
        })
        .inspect(|_| {
            if let Some(progress) = &opts.progress {
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                progress(n + 1, found.len());
            }
        })
        .collect();
    // Every imported document's new name, by its canonical path.
    let mut stems: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut taken_stems = BTreeSet::new();
    let mut names: Vec<Option<String>> = Vec::new();
    for p in &prepared {
        let Some(Ok(p)) = p else {
            names.push(None);
            continue;
        };
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
    prepared
        .into_iter()
        .zip(names)
        .zip(found)
        .map(|((p, stem), found)| {
            let (source, outcome) = match (found, p, stem) {
                (Found::Skipped { path, reason }, _, _) => {
                    (path.display().to_string(), Outcome::Skipped { reason })
                }
                (Found::Document(s), Some(Ok(p)), Some(stem)) => (
                    s.path().display().to_string(),
                    write_one(p, &stem, &stems, opts, config),
                ),
                (Found::Document(s), Some(Err(message)), _) => {
                    (s.path().display().to_string(), Outcome::Failed { message })
                }
                (Found::Document(s), _, _) => (
                    s.path().display().to_string(),
                    Outcome::Failed {
                        message: "not named".into(),
                    },
                ),
            };
            Imported { source, outcome }
        })
        .collect()
}

/// A write-up composed from a prepared document: its path below the
/// content folder, its text, and what the report says of it.
struct Composed {
    rel: String,
    out: String,
    draft: Draft,
    found: Links,
    kept_in_body: bool,
}

/// The write-up a prepared document becomes, named `stem`; nothing is
/// written.
fn compose(
    p: &mut Prepared,
    stem: &str,
    stems: &BTreeMap<PathBuf, String>,
    config: &Config,
) -> Composed {
    let Prepared {
        source,
        text,
        draft,
        start,
        ..
    } = p;
    let (text, start) = (text.as_str(), *start);
    let mut draft = std::mem::take(draft);
    let severities = config.severity_names();
    // The source's words are counted while the body is made (a large
    // document takes a while for each).
    let (found, source_words) = rayon::join(
        || links(&body(text, start, &draft), source, stems, &mut draft),
        || words(text),
    );
    let mut body_text = found.body.clone();
    let mut kept_in_body = false;
    let mut matter = front_matter(&draft, &severities);
    // Nothing lost: every word of the source is in a field or the body;
    // else the sections stay in the body as they were.
    let mut written = words(&matter);
    written.extend(words(&body_text));
    let missing: Vec<String> = source_words
        .into_iter()
        .filter(|w| !written.contains(w))
        .collect();
    // (The structure is read only when some word is not written.)
    let lost = !missing.is_empty() && {
        let allowed = structural(text);
        missing.iter().any(|w| !allowed.contains(w))
    };
    if lost {
        kept_in_body = true;
        let keep: Vec<std::ops::Range<usize>> = draft.taken.drain(..).collect();
        let doc = Document::parse(&text[start..]);
        // Only the title's heading and the header block stay taken.
        draft.taken = keep
            .into_iter()
            .filter(|r| {
                doc.sections
                    .iter()
                    .any(|s| s.level == 1 && s.heading.as_ref() == Some(r))
            })
            .collect();
        body_text = links(&body(text, start, &draft), source, stems, &mut draft).body;
        matter = front_matter(&draft, &severities);
    }
    let folder = !found.files.is_empty();
    let rel = if folder {
        format!("{stem}/index.md")
    } else {
        format!("{stem}.md")
    };
    if folder {
        // Links to other write-ups are one folder up.
        for related in &draft.related {
            body_text =
                body_text.replace(&format!("]({related}.md"), &format!("](../{related}.md"));
            body_text =
                body_text.replace(&format!("]: {related}.md"), &format!("]: ../{related}.md"));
        }
    }
    Composed {
        rel,
        out: format!("---\n{matter}---\n\n{body_text}"),
        draft,
        found,
        kept_in_body,
    }
}

/// The write-up the document `name` (Markdown, or HTML by its extension)
/// becomes, as `import` would write it, with no file read or written: for
/// fuzzing and for tools.
pub fn import_text(name: &str, bytes: &[u8], config: &Config) -> Result<String, String> {
    let (text, _) = super::text::markdown(bytes, name)?;
    let source = Source {
        root: PathBuf::from("/nonexistent"),
        rel: name.to_string(),
    };
    let opts = Options {
        progress: None,
        paths: Vec::new(),
        into: PathBuf::from("/nonexistent"),
        shown_root: PathBuf::from("/nonexistent"),
        severity: None,
        author: None,
        timezone: None,
        status: None,
        dry_run: true,
    };
    let mut p = prepare(&source, text, &opts, config);
    let stem = p.stem.clone();
    Ok(compose(&mut p, &stem, &BTreeMap::new(), config).out)
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
    let differs = |shown: &str| {
        Outcome::Failed {
        message: format!(
            "{shown} already exists and differs; it was not overwritten (move it away to import again)"
        ),
    }
    };
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
                .map_err(|e| format!("cannot read {}: {e}", file.from))
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
            Ok(Written::Same) => return Outcome::AlreadyImported { file: shown },
            Ok(Written::Differs) => return differs(&shown),
            Err(e) => {
                return Outcome::Failed {
                    message: format!("cannot write {shown}: {e}"),
                }
            }
        }
    } else if existing.is_some() {
        return Outcome::AlreadyImported { file: shown };
    }
    Outcome::Written {
        file: shown,
        guesses: draft.guesses,
        missing: draft.missing,
        doubts: draft.doubts,
        links_kept: found.kept,
        files_not_copied: found.not_copied,
        files: copied,
        kept_in_body,
        removed_controls: p_removed,
    }
}
