//! One document's text into one write-up's text, with nothing read or
//! written: the recognizers in order over the text (`recognize`), what it
//! is to be named (`prepare`), and the write-up assembled (`compose`):
//! front matter, and the body without what went into fields unless some
//! of its words would be lost.

use super::document::Document;
use super::draft::{front_matter, Draft};
use super::files::Source;
use super::links::{links, Links};
use super::provenance::{self, Record};
use super::{actions, head, lessons, timeline, words};
use crate::config::Config;
use crate::diagnostic::Reason;
use rustc_hash::FxHashSet;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a write-up says where its document says nothing (`import`'s
/// `--severity`, `--author`, `--timezone` and `--status`).
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    pub severity: Option<String>,
    pub author: Option<String>,
    pub timezone: Option<String>,
    pub status: Option<String>,
}

/// The recognizers, in order, over one document's text.
fn recognize(text: &str, name: &str, opts: &Defaults, config: &Config) -> (Draft, usize) {
    let mut d = Draft::default();
    let (front, start) = head::split_front_matter(text);
    if let Some(map) = &front {
        head::read_front_matter(&mut d, map, text);
    }
    let doc = Document::parse_after(&text[start..], text[..start].matches('\n').count());
    head::header_block(&doc, &mut d);
    head::title(&doc, &mut d);
    super::byline::byline(&doc, &mut d);
    head::date(&doc, &mut d, name);
    let zone = super::when::stated_zone(doc.text).or(opts.timezone.clone());
    timeline::timeline(&doc, &mut d, zone.as_deref());
    actions::action_items(&doc, &mut d, opts.author.as_deref(), &config.priorities);
    lessons::lessons(&doc, &mut d);
    super::impact::impact(&doc, &mut d);
    super::commitments::commitments(&doc, &mut d);
    super::severity::severity(&doc, &mut d, &config.severity_names());
    if d.date.is_none() {
        if let Some(date) = d.timeline.iter().find_map(|e| e.at.get(..10)?.parse().ok()) {
            d.date = Some(date);
            d.guess("date", &date.to_string(), 0, "the first timeline entry");
        }
    }
    // The page then shows the times as the document wrote them.
    d.timezone = zone.filter(|z| crate::datetime::known_zone(z).is_some());
    super::vet::timeline(&mut d);
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
        // The mark of a checked box (`- [x] task`) is its status.
        let item = line
            .trim_start()
            .trim_start_matches(['-', '*', '+'])
            .trim_start();
        if item.starts_with("[x]") || item.starts_with("[X]") {
            out.insert("x".to_string());
        }
        if let Some(rest) = line.trim().strip_prefix("**") {
            if let Some((label, _)) = rest.split_once("**") {
                out.extend(words(label));
            }
        }
    }
    out
}

/// One document read and recognized, before it is written.
pub struct Prepared {
    pub source: Source,
    /// Control characters left out of the text.
    pub removed_controls: usize,
    pub text: String,
    pub draft: Draft,
    pub start: usize,
    pub stem: String,
    pub record: Record,
}

pub fn prepare(
    source: &Source,
    text: String,
    record: Record,
    opts: &Defaults,
    config: &Config,
) -> Prepared {
    let path = source.path();
    let name = path.to_string_lossy().replace('\\', "/");
    let (mut d, start) = recognize(&text, &name, opts, config);
    d.extra
        .insert(provenance::FROM.to_string(), record.from.clone());
    d.extra
        .insert(provenance::SHA256.to_string(), record.sha256.clone());
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
        // A title that opens with the date already gives the name its date.
        Some(date) if slug.starts_with(&date.to_string()) => slug,
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
        record,
    }
}

/// A write-up composed from a prepared document: its path below the
/// content folder, its text, and what the report says of it.
pub struct Composed {
    pub rel: String,
    pub out: String,
    pub draft: Draft,
    pub found: Links,
    pub kept_in_body: bool,
}

/// The write-up a prepared document becomes, named `stem`; nothing is
/// written.
pub fn compose(
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
pub fn import_text(name: &str, bytes: &[u8], config: &Config) -> Result<String, Reason> {
    let (text, _) = super::text::markdown(bytes, name)?;
    let source = Source {
        root: PathBuf::from("/nonexistent"),
        rel: name.to_string(),
    };
    let record = provenance::record(&source, bytes, &provenance::canonical(&source.root));
    let mut p = prepare(&source, text, record, &Defaults::default(), config);
    let stem = p.stem.clone();
    Ok(compose(&mut p, &stem, &BTreeMap::new(), config).out)
}
