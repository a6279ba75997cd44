//! Writing the search index: terms and their weighted postings in shards,
//! the facet table, and the documents' text in small chunks.

use super::format::{gzip, DocsTable, Facet, Hit, Meta};
use super::packing;
use super::tokenize::{for_each_term, normalize, term_order};
use crate::content::WriteUp;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::fmt::Write as _;

/// The indexed fields, their weights and length normalisation (BM25F `b`).
/// Titles count most; code blocks least, since logs repeat words.
pub const FIELDS: &[(&str, f64, f64)] = &[
    ("title", 10.0, 0.0),
    ("dek", 4.0, 0.0),
    ("terms", 5.0, 0.0),
    ("summary", 3.0, 0.5),
    ("details", 2.0, 0.75),
    ("body", 1.0, 0.75),
    ("code", 0.4, 0.75),
];
const K1: f64 = 1.2;

/// Raw JSON bytes a shard holds before a new one starts.
const SHARD_BYTES: usize = 40_000;
/// Raw text bytes a chunk of documents aims at.
const CHUNK_BYTES: usize = 48_000;

/// A published write-up, with what the build knows about it.
pub struct Document<'a> {
    pub writeup: &'a WriteUp,
    pub url: String,
    /// The date as pages show it.
    pub date: String,
    /// How long users were affected, as pages show it.
    pub outage: Option<String>,
    /// Canonical term names, as the taxonomy pages list them.
    pub services: Vec<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    /// Position of the severity among the configured levels.
    pub severity_rank: usize,
    /// Canonical term names of each of the site's own taxonomies, in the
    /// order of [`OwnFacet`]s given to [`write_index`].
    pub own_terms: Vec<Vec<String>>,
    /// What people call it besides its title: its slug's words, its
    /// aliases, and the text of links to it from other write-ups.
    pub names: Vec<String>,
}

/// A site's own taxonomy in the index: its values are words of the
/// `terms` field; with `facet`, also a facet named `key`.
pub struct OwnFacet {
    pub key: String,
    pub label: String,
    pub facet: bool,
}

impl Document<'_> {
    /// The text of each of [`FIELDS`].
    fn fields(&self) -> Vec<String> {
        let w = self.writeup;
        let mut terms: Vec<&str> = Vec::new();
        terms.extend(w.tags.iter().map(String::as_str));
        terms.extend(w.services.iter().map(String::as_str));
        terms.extend(w.authors.iter().map(String::as_str));
        terms.push(&w.severity);
        terms.extend(self.own_terms.iter().flatten().map(String::as_str));
        terms.extend(self.names.iter().map(String::as_str));
        let mut details: Vec<&str> = Vec::new();
        details.extend(w.impact.summary.as_deref());
        details.extend(w.impact.data_loss.as_deref());
        details.extend(w.timeline.iter().map(|e| e.event.as_str()));
        for (_, list) in w.lessons.lists() {
            details.extend(list.iter().map(String::as_str));
        }
        details.extend(w.action_items.iter().map(|a| a.task.as_str()));
        // Tickets as pages name them: `INFRA-1094`, or `gitlab-ce#27581`
        // for a URL; the tokenizer adds their parts.
        let tickets: Vec<String> = w
            .action_items
            .iter()
            .filter_map(|a| a.ticket.as_deref().map(crate::tickets::label))
            .collect();
        details.extend(tickets.iter().map(String::as_str));
        let (mut prose, code) = crate::markdown::plain_text(w.body());
        // Raw HTML images' alt text (a Markdown image's is in the prose).
        prose.push_str(&w.scan.html_alt);
        vec![
            w.title.clone(),
            w.dek.clone().unwrap_or_default(),
            terms.join("\n"),
            w.summary.clone().unwrap_or_default(),
            details.join("\n"),
            prose,
            code,
        ]
    }

    fn items_state(&self) -> &'static str {
        let items = &self.writeup.action_items;
        if items.is_empty() {
            "no action items"
        } else if items.iter().all(|a| a.status.is_closed()) {
            "all items closed"
        } else {
            "items open"
        }
    }
}

/// Field-length normalised frequencies saturate long before this.
type Tf = [u16; 7];

/// Every term of the site, numbered in the order first met, and each
/// document's terms by number with their frequency in each field.
///
/// A document's own map borrows its folded text only while the document is
/// counted; what is kept per term and document is 12 bytes, so a large site
/// does not hold every document's text twice plus a hash map per document.
#[derive(Default)]
struct Counts {
    ids: FxHashMap<Box<str>, u32>,
    docs: Vec<Vec<(u32, SmallTf)>>,
    /// The frequencies that do not fit a byte, by document and term.
    large: FxHashMap<(u32, u32), Tf>,
    lens: Vec<[u32; 7]>,
}

/// Frequencies of up to 254; [`SmallTf::LARGE`] in any field means the
/// document's frequencies for the term are in [`Counts::large`].
#[derive(Clone, Copy)]
struct SmallTf([u8; 7]);

impl SmallTf {
    const LARGE: u8 = u8::MAX;
}

/// Documents whose words choose the packing dictionary (see [`text_files`]).
const DICTIONARY_SAMPLE: usize = 2_500;

/// Documents counted in parallel before their terms are numbered.
const BATCH: usize = 1024;

impl Counts {
    fn add_batch(&mut self, fields: &[Vec<String>]) {
        let normalized: Vec<Vec<String>> = fields
            .par_iter()
            .map(|f| f.iter().map(|t| normalize(t)).collect())
            .collect();
        let counted: Vec<(FxHashMap<&str, Tf>, [u32; 7])> =
            normalized.par_iter().map(|n| frequencies(n)).collect();
        for (map, lens) in counted {
            let doc = self.docs.len() as u32;
            let mut terms: Vec<(u32, SmallTf)> = Vec::with_capacity(map.len());
            for (term, tf) in map {
                let next = self.ids.len() as u32;
                let id = match self.ids.get(term) {
                    Some(&id) => id,
                    None => *self.ids.entry(term.into()).or_insert(next),
                };
                if tf.iter().any(|&n| n >= u16::from(SmallTf::LARGE)) {
                    self.large.insert((doc, id), tf);
                }
                terms.push((
                    id,
                    SmallTf(tf.map(|n| n.min(u16::from(SmallTf::LARGE)) as u8)),
                ));
            }
            self.docs.push(terms);
            self.lens.push(lens);
        }
    }

    /// The frequencies of term `id` in document `doc`.
    fn tf(&self, doc: usize, id: u32, small: SmallTf) -> Tf {
        if small.0.contains(&SmallTf::LARGE) {
            if let Some(tf) = self.large.get(&(doc as u32, id)) {
                return *tf;
            }
        }
        small.0.map(u16::from)
    }
}

/// How often each term occurs in each field of one document, and the
/// fields' lengths in terms.
fn frequencies(normalized: &[String]) -> (FxHashMap<&str, Tf>, [u32; 7]) {
    // About one distinct term per 16 bytes of incident text: sized once
    // instead of grown through a dozen rehashes.
    let bytes: usize = normalized.iter().map(String::len).sum();
    let mut terms: FxHashMap<&str, Tf> =
        FxHashMap::with_capacity_and_hasher(bytes / 16, Default::default());
    let mut lens = [0u32; 7];
    for (f, text) in normalized.iter().enumerate() {
        for_each_term(text, |t, _| {
            let tf = &mut terms.entry(t).or_default()[f];
            *tf = tf.saturating_add(1);
            lens[f] += 1;
        });
    }
    (terms, lens)
}

/// A document's weight for a term: the BM25F saturation of its
/// field-weighted frequency, in 1..=255.
fn weigh(tf: &Tf, lens: &[u32; 7], avg_len: &[f64]) -> u8 {
    let mut weighted = 0.0;
    for (f, &(_, weight, b)) in FIELDS.iter().enumerate() {
        if tf[f] > 0 {
            let norm = 1.0 - b + b * f64::from(lens[f]) / avg_len[f].max(1.0);
            weighted += weight * f64::from(tf[f]) / norm;
        }
    }
    let saturated = weighted / (K1 + weighted);
    (saturated * 255.0).round().clamp(1.0, 255.0) as u8
}

/// Values of one facet: ids ordered for display, and each document's ids.
fn facet(
    key: &str,
    label: &str,
    per_doc: Vec<Vec<String>>,
    order: impl Fn(&str, usize) -> (i64, String),
) -> Facet {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for vals in &per_doc {
        for v in vals {
            *counts.entry(v).or_default() += 1;
        }
    }
    let mut values: Vec<&str> = counts.keys().copied().collect();
    values.sort_by_key(|v| order(v, counts[v]));
    let id: HashMap<&str, u32> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (*v, i as u32))
        .collect();
    let docs = per_doc
        .iter()
        .map(|vals| vals.iter().map(|v| id[v.as_str()]).collect())
        .collect();
    Facet {
        key: key.into(),
        label: label.into(),
        values: values.into_iter().map(str::to_string).collect(),
        docs,
    }
}

fn docs_table(docs: &[Document], own: &[OwnFacet]) -> DocsTable {
    let by_count = |v: &str, n: usize| (-(n as i64), v.to_string());
    let rank: HashMap<&str, usize> = docs
        .iter()
        .map(|d| (d.writeup.severity.as_str(), d.severity_rank))
        .collect();
    let each = |f: &dyn Fn(&Document) -> Vec<String>| docs.iter().map(f).collect::<Vec<_>>();
    DocsTable {
        facets: vec![
            facet(
                "severity",
                "Severity",
                each(&|d| vec![d.writeup.severity.clone()]),
                |v, _| (rank.get(v).copied().unwrap_or(usize::MAX) as i64, v.into()),
            ),
            facet(
                "service",
                "Service",
                each(&|d| d.services.clone()),
                by_count,
            ),
            facet("tag", "Tag", each(&|d| d.tags.clone()), by_count),
            facet(
                "year",
                "Year",
                each(&|d| vec![d.writeup.date.year().to_string()]),
                |v, _| (-v.parse::<i64>().unwrap_or(0), v.into()),
            ),
            facet(
                "status",
                "Status",
                each(&|d| vec![d.writeup.status.as_str().to_string()]),
                by_count,
            ),
            facet(
                "items",
                "Action items",
                each(&|d| vec![d.items_state().to_string()]),
                by_count,
            ),
            facet("author", "Author", each(&|d| d.authors.clone()), by_count),
        ]
        .into_iter()
        .chain(
            own.iter()
                .enumerate()
                .filter(|(_, o)| o.facet)
                .map(|(i, o)| {
                    facet(
                        &o.key,
                        &o.label,
                        each(&|d| d.own_terms[i].clone()),
                        by_count,
                    )
                }),
        )
        .collect(),
        outage: docs
            .iter()
            .map(|d| d.writeup.outage_seconds().map_or(-1, |s| s / 60))
            .collect(),
    }
}

/// Which words are worth a character shows in a sample of a large site as
/// well as in all of it: every `step`th of `docs` documents, at least
/// [`DICTIONARY_SAMPLE`] of them (all of a smaller site).
fn dictionary_step(docs: usize) -> usize {
    (docs / DICTIONARY_SAMPLE).max(1)
}

/// The documents' text in chunks of `chunk` documents, packed and
/// compressed (`text-N.bin`), and the dictionary they are packed with as
/// JSON (`words.bin`).
fn text_files(docs: &[Document], fields: &[Vec<String>]) -> (usize, Vec<Vec<u8>>, String) {
    let text_bytes: usize = fields.iter().flatten().map(String::len).sum();
    let chunk = (CHUNK_BYTES * docs.len().max(1) / text_bytes.max(1)).clamp(1, 64);
    let sample: Vec<&str> = fields
        .iter()
        .step_by(dictionary_step(docs.len()))
        .flatten()
        .map(String::as_str)
        .collect();
    let dictionary = packing::dictionary(&sample);
    let codes: FxHashMap<&str, char> = dictionary
        .iter()
        .enumerate()
        .map(|(i, w)| (*w, packing::code(i)))
        .collect();
    let texts = docs
        .par_chunks(chunk)
        .zip(fields.par_chunks(chunk))
        .map(|(ds, fs)| {
            let entries: Vec<Hit> = ds
                .iter()
                .zip(fs)
                .map(|(d, f)| Hit {
                    url: d.url.clone(),
                    date: d.date.clone(),
                    severity: d.writeup.severity.clone(),
                    services: d.services.clone(),
                    outage: d.outage.clone(),
                    fields: f.iter().map(|t| packing::pack(t, &codes)).collect(),
                })
                .collect();
            gzip(
                serde_json::to_string(&entries)
                    .unwrap_or_default()
                    .as_bytes(),
            )
        })
        .collect();
    let words = serde_json::to_string(&dictionary).unwrap_or_default();
    (chunk, texts, words)
}

/// The terms in order with their postings, in shards of about
/// [`SHARD_BYTES`], compressed (`shard-N.bin`); and each shard's first term.
fn shard_files(mut counts: Counts) -> (Vec<String>, Vec<Vec<u8>>) {
    let n = counts.docs.len().max(1) as f64;
    let avg_len: Vec<f64> = (0..FIELDS.len())
        .map(|f| counts.lens.iter().map(|l| f64::from(l[f])).sum::<f64>() / n)
        .collect();
    let weights: Vec<Vec<(u32, u8)>> = counts
        .docs
        .par_iter()
        .zip(&counts.lens)
        .enumerate()
        .map(|(doc, (terms, lens))| {
            terms
                .iter()
                .map(|&(id, small)| (id, weigh(&counts.tf(doc, id, small), lens, &avg_len)))
                .collect()
        })
        .collect();
    drop(std::mem::take(&mut counts.docs));
    let mut postings: Vec<Vec<(u32, u8)>> = vec![Vec::new(); counts.ids.len()];
    for (doc, terms) in weights.into_iter().enumerate() {
        for (id, w) in terms {
            postings[id as usize].push((doc as u32, w));
        }
    }
    let mut names: Vec<(&str, u32)> = counts.ids.iter().map(|(t, &id)| (&**t, id)).collect();
    names.par_sort_unstable_by(|a, b| term_order(a.0, b.0));

    let mut shards: Vec<String> = Vec::new();
    let mut firsts: Vec<String> = Vec::new();
    let mut current = String::new();
    for (term, id) in names {
        let list = std::mem::take(&mut postings[id as usize]);
        if current.len() > SHARD_BYTES {
            current.push(']');
            shards.push(std::mem::take(&mut current));
        }
        if current.is_empty() {
            firsts.push(term.to_string());
            current.push('[');
        } else {
            current.push(',');
        }
        current.push_str(&serde_json::to_string(term).unwrap_or_default());
        current.push_str(",[");
        let mut previous = 0;
        for (i, (id, w)) in list.iter().enumerate() {
            if i > 0 {
                current.push(',');
            }
            // Writing to a String cannot fail.
            let _ = write!(current, "{},{w}", id - previous);
            previous = *id;
        }
        current.push(']');
    }
    if !current.is_empty() {
        current.push(']');
        shards.push(current);
    }
    let shards = shards.par_iter().map(|s| gzip(s.as_bytes())).collect();
    (firsts, shards)
}

/// Builds the whole index for `docs`, in the order given (their ids): the
/// files, with paths relative to the site root.
pub fn write_index(docs: &[Document], own: &[OwnFacet]) -> Vec<(String, Vec<u8>)> {
    let fields: Vec<Vec<String>> = docs.par_iter().map(Document::fields).collect();
    let mut counts = Counts::default();
    for batch in fields.chunks(BATCH) {
        counts.add_batch(batch);
    }
    // The texts are packed and compressed first, so that the documents'
    // fields are gone before the postings are made.
    let (chunk, texts, words) = text_files(docs, &fields);
    drop(fields);
    let (firsts, shards) = shard_files(counts);

    let table = serde_json::to_string(&docs_table(docs, own)).unwrap_or_default();
    let mut files: Vec<(String, Vec<u8>)> = shards
        .into_iter()
        .enumerate()
        .map(|(i, s)| (format!("search/shard-{i}.bin"), s))
        .chain(
            texts
                .into_iter()
                .enumerate()
                .map(|(i, s)| (format!("search/text-{i}.bin"), s)),
        )
        .collect();
    files.push(("search/docs.bin".into(), gzip(table.as_bytes())));
    files.push(("search/words.bin".into(), gzip(words.as_bytes())));

    let build = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        files.hash(&mut h);
        format!("{:016x}", h.finish())
    };
    let meta = Meta {
        format: super::FORMAT,
        build,
        docs: docs.len(),
        chunk,
        shards: firsts,
        filters: own
            .iter()
            .filter(|o| o.facet)
            .map(|o| o.key.clone())
            .collect(),
        limits: super::format::LIMITS,
    };
    files.push((
        "search/meta.json".into(),
        serde_json::to_vec(&meta).unwrap_or_default(),
    ));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dictionary_sample_holds_at_least_its_minimum() {
        for docs in (0..12_000).chain([99_999, 100_000, 100_001]) {
            let step = dictionary_step(docs);
            let sampled = docs.div_ceil(step);
            assert!(sampled >= docs.min(DICTIONARY_SAMPLE), "{docs}: {sampled}");
            assert!(
                sampled < 2 * DICTIONARY_SAMPLE || step == 1,
                "{docs}: {sampled}"
            );
        }
        assert_eq!(dictionary_step(10_000), 4);
    }

    #[test]
    fn frequencies_beyond_a_byte_are_kept_exactly() {
        let fields = |code: String| -> Vec<String> {
            let mut f = vec![String::new(); FIELDS.len()];
            f[0] = "Disk full".into();
            f[6] = code;
            f
        };
        let mut counts = Counts::default();
        counts.add_batch(&[fields("retry ".repeat(300)), fields("retry ".repeat(254))]);
        let tf_of = |doc: usize, term: &str| {
            let id = counts.ids[term];
            let &(_, small) = counts.docs[doc].iter().find(|(i, _)| *i == id).unwrap();
            counts.tf(doc, id, small)
        };
        assert_eq!(tf_of(0, "retry"), [0, 0, 0, 0, 0, 0, 300]);
        assert_eq!(tf_of(1, "retry"), [0, 0, 0, 0, 0, 0, 254]);
        assert_eq!(tf_of(1, "disk"), [1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(counts.large.len(), 1);
        assert_eq!(counts.lens[0], [2, 0, 0, 0, 0, 0, 300]);
    }
}
