//! Answering queries from a written index, step for step as `search.js`
//! does: parse the query, look up its terms (the last one as a prefix while
//! typing), intersect, exclude, filter by facets, check exact phrases, score,
//! sort and count facet values.

use super::format::{self, damaged, DocsTable, Facet, Hit, Meta, ShardItem};
use super::tokenize::{atoms, normalize, query_terms, term_order};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Facet keys a query can name, as `key:value`.
pub const FILTER_KEYS: &[&str] = &["severity", "service", "tag", "year", "status", "author"];
/// A prefix stands for at most this many terms, the first in term order.
pub const MAX_EXPANSIONS: usize = format::LIMITS.expansions;
/// A prefix match counts this much of an exact one.
const PREFIX_FACTOR: f64 = format::LIMITS.prefix_factor;

/// A parsed query.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Query {
    /// Terms every result must contain; `true` when matched as a prefix.
    pub words: Vec<(String, bool)>,
    /// Exact phrases, as sequences of atoms.
    pub phrases: Vec<Vec<String>>,
    pub excluded: Vec<String>,
    /// `key:value` filters, all of which must hold.
    pub filters: Vec<(String, String)>,
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
            && self.phrases.is_empty()
            && self.excluded.is_empty()
            && self.filters.is_empty()
    }
}

/// Splits a query into its parts: words, `"phrases"`, `-excluded` words and
/// `key:value` filters (of [`FILTER_KEYS`]). The last word is a prefix
/// unless the query ends in a space.
pub fn parse(input: &str) -> Query {
    parse_with(input, &[])
}

/// [`parse`], with `own` facet keys (a site's own taxonomies) besides
/// [`FILTER_KEYS`].
pub fn parse_with(input: &str, own: &[String]) -> Query {
    let mut q = Query::default();
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    let mut last_plain: Option<usize> = None;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let quoted = |from: usize| -> (String, usize) {
            let end = chars[from..]
                .iter()
                .position(|&c| c == '"')
                .map_or(chars.len(), |p| from + p);
            (chars[from..end].iter().collect(), end + 1)
        };
        if chars[i] == '"' {
            let (text, next) = quoted(i + 1);
            let phrase = atoms(&text);
            if !phrase.is_empty() {
                q.phrases.push(phrase);
            }
            i = next;
            last_plain = None;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '"' {
            i += 1;
        }
        let token: String = chars[start..i].iter().collect();
        if let Some((key, value)) = token.split_once(':') {
            let key = key.to_lowercase();
            if FILTER_KEYS.contains(&key.as_str()) || own.contains(&key) {
                let value = if value.is_empty() && chars.get(i) == Some(&'"') {
                    let (text, next) = quoted(i + 1);
                    i = next;
                    text
                } else {
                    value.to_string()
                };
                if !value.trim().is_empty() {
                    q.filters.push((key, value.trim().to_string()));
                }
                last_plain = None;
                continue;
            }
        }
        if let Some(rest) = token.strip_prefix('-') {
            q.excluded.extend(query_terms(rest));
            last_plain = None;
            continue;
        }
        for term in query_terms(&token) {
            if !q.words.iter().any(|(w, _)| *w == term) {
                q.words.push((term, false));
            }
            last_plain = Some(q.words.len() - 1);
        }
    }
    let ends_open = input.chars().last().is_some_and(|c| !c.is_whitespace());
    if let (Some(last), true) = (last_plain, ends_open) {
        if last + 1 == q.words.len() && q.words[last].0.chars().count() >= 2 {
            q.words[last].1 = true;
        }
    }
    q
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Relevance,
    Newest,
    Oldest,
    LongestOutage,
}

impl Sort {
    pub const NAMES: &'static [&'static str] = &["relevance", "newest", "oldest", "outage"];

    pub fn from_name(name: &str) -> Option<Sort> {
        Some(match name {
            "relevance" => Sort::Relevance,
            "newest" => Sort::Newest,
            "oldest" => Sort::Oldest,
            "outage" => Sort::LongestOutage,
            _ => return None,
        })
    }
}

/// The answer to a query.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Results {
    /// Matching document ids, in order.
    pub ids: Vec<u32>,
    /// Scores of `ids` (micro-units), for relevance order.
    pub scores: Vec<i64>,
    /// For each facet, `(value, count)` among the results when that facet's
    /// own selection is left out, largest counts first.
    pub facets: Vec<(String, Vec<(String, usize)>)>,
}

/// The indices of the values of `facet` that `wanted` accepts.
fn value_ids(facet: &Facet, wanted: impl Fn(&str) -> bool) -> HashSet<u32> {
    (0..facet.values.len() as u32)
        .filter(|&i| wanted(&facet.values[i as usize]))
        .collect()
}

/// A shard: terms in order, each with its (document id, weight) postings.
type Shard = Vec<(String, Vec<(u32, u8)>)>;

/// A written index, read from a built site's folder. Files are read when a
/// query first needs them and kept.
pub struct Index {
    dir: PathBuf,
    meta: Meta,
    shards: HashMap<usize, Rc<Shard>>,
    docs: Option<Rc<DocsTable>>,
    texts: HashMap<usize, Vec<Hit>>,
    words: Option<Vec<String>>,
}

impl Index {
    /// Opens the index of the site built in `site`.
    pub fn open(site: &Path) -> std::io::Result<Index> {
        let dir = site.join("search");
        let path = dir.join("meta.json");
        let meta: Meta = format::read(&path)?;
        if meta.format != super::FORMAT {
            return Err(damaged(
                &path,
                format!("index format {} is not {}", meta.format, super::FORMAT),
            ));
        }
        Ok(Index {
            dir,
            meta,
            shards: HashMap::new(),
            docs: None,
            texts: HashMap::new(),
            words: None,
        })
    }

    pub fn len(&self) -> usize {
        self.meta.docs
    }

    /// `input` parsed with this index's facets.
    pub fn parse(&self, input: &str) -> Query {
        parse_with(input, &self.meta.filters)
    }

    pub fn is_empty(&self) -> bool {
        self.meta.docs == 0
    }

    /// The shard that holds `term`, if any could.
    pub(super) fn shard_of(&self, term: &str) -> Option<usize> {
        let after = self
            .meta
            .shards
            .partition_point(|first| term_order(first, term).is_le());
        after.checked_sub(1)
    }

    pub(super) fn shard(&mut self, i: usize) -> std::io::Result<Rc<Shard>> {
        if let Some(shard) = self.shards.get(&i) {
            return Ok(Rc::clone(shard));
        }
        let path = self.dir.join(format!("shard-{i}.bin"));
        let items: Vec<ShardItem> = format::read(&path)?;
        let mut shard = Shard::new();
        let mut items = items.into_iter();
        while let Some(item) = items.next() {
            let (ShardItem::Term(term), Some(ShardItem::Postings(flat))) = (item, items.next())
            else {
                return Err(damaged(&path, "expected a term, then its postings"));
            };
            if flat.len() % 2 != 0 {
                return Err(damaged(&path, format!("odd postings of `{term}`")));
            }
            let mut id = 0;
            let list = flat
                .chunks(2)
                .map(|p| {
                    id += p[0];
                    (id, p[1] as u8)
                })
                .collect();
            shard.push((term, list));
        }
        let shard = Rc::new(shard);
        self.shards.insert(i, Rc::clone(&shard));
        Ok(shard)
    }

    /// How many documents have `term` itself.
    pub(super) fn term_count(&mut self, term: &str) -> std::io::Result<usize> {
        let Some(s) = self.shard_of(term) else {
            return Ok(0);
        };
        let shard = self.shard(s)?;
        Ok(shard
            .iter()
            .find(|(t, _)| t == term)
            .map_or(0, |(_, postings)| postings.len()))
    }

    /// Postings of `term`, or of every term it begins (at most
    /// [`MAX_EXPANSIONS`]) when `prefix`: doc id → weighted score.
    fn lookup(&mut self, term: &str, prefix: bool) -> std::io::Result<HashMap<u32, f64>> {
        let n = self.meta.docs as f64;
        let mut out: HashMap<u32, f64> = HashMap::new();
        let Some(mut s) = self.shard_of(term) else {
            return Ok(out);
        };
        let mut expansions = 0;
        loop {
            let shard = self.shard(s)?;
            for (t, list) in shard.iter() {
                let exact = t == term;
                if !(exact || prefix && t.starts_with(term)) {
                    continue;
                }
                if !exact {
                    if expansions == MAX_EXPANSIONS {
                        continue;
                    }
                    expansions += 1;
                }
                let df = list.len() as f64;
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                let factor = if exact { 1.0 } else { PREFIX_FACTOR };
                for &(id, w) in list {
                    let score = idf * f64::from(w) / 255.0 * factor;
                    let e = out.entry(id).or_insert(0.0);
                    if score > *e {
                        *e = score;
                    }
                }
            }
            s += 1;
            let more = prefix
                && self
                    .meta
                    .shards
                    .get(s)
                    .is_some_and(|first| first.starts_with(term));
            if !more {
                return Ok(out);
            }
        }
    }

    fn docs(&mut self) -> std::io::Result<Rc<DocsTable>> {
        if self.docs.is_none() {
            let table: DocsTable = format::read(&self.dir.join("docs.bin"))?;
            self.docs = Some(Rc::new(table));
        }
        Ok(self.docs.clone().unwrap_or_else(|| unreachable!()))
    }

    /// Display data and text of document `id`.
    pub fn hit(&mut self, id: u32) -> std::io::Result<Hit> {
        self.text(id).cloned()
    }

    fn text(&mut self, id: u32) -> std::io::Result<&Hit> {
        let chunk = id as usize / self.meta.chunk.max(1);
        if !self.texts.contains_key(&chunk) {
            let mut hits: Vec<Hit> = format::read(&self.dir.join(format!("text-{chunk}.bin")))?;
            if self.words.is_none() {
                self.words = Some(format::read(&self.dir.join("words.bin"))?);
            }
            let words = self.words.as_deref().unwrap_or_default();
            for hit in &mut hits {
                for field in &mut hit.fields {
                    *field = super::packing::unpack(field, words);
                }
            }
            self.texts.insert(chunk, hits);
        }
        let at = id as usize % self.meta.chunk.max(1);
        self.texts[&chunk]
            .get(at)
            .ok_or_else(|| damaged(&self.dir, format!("no document {id}")))
    }

    /// Answers `query`, with `selected` facet values (OR within a facet,
    /// AND across facets) and results in `sort` order.
    pub fn search(
        &mut self,
        query: &Query,
        selected: &[(String, Vec<String>)],
        sort: Sort,
    ) -> std::io::Result<Results> {
        if query.is_empty() && selected.iter().all(|(_, v)| v.is_empty()) {
            return Ok(Results::default());
        }
        let n = self.meta.docs as u32;
        let mut scores: Option<HashMap<u32, f64>> = None;
        let mut required: Vec<(String, bool)> = query.words.clone();
        for phrase in &query.phrases {
            required.extend(phrase.iter().map(|a| (a.clone(), false)));
        }
        for (term, prefix) in &required {
            let found = self.lookup(term, *prefix)?;
            scores = Some(match scores {
                None => found,
                Some(mut acc) => {
                    acc.retain(|id, _| found.contains_key(id));
                    for (id, s) in acc.iter_mut() {
                        *s += found[id];
                    }
                    acc
                }
            });
        }
        let mut base: HashMap<u32, f64> =
            scores.unwrap_or_else(|| (0..n).map(|id| (id, 0.0)).collect());
        for term in &query.excluded {
            let found = self.lookup(term, false)?;
            base.retain(|id, _| !found.contains_key(id));
        }
        let table = self.docs()?;
        let facet_index: HashMap<&str, &Facet> =
            table.facets.iter().map(|f| (f.key.as_str(), f)).collect();
        for (key, value) in &query.filters {
            let wanted = normalize(value);
            let facet = facet_index.get(key.as_str());
            let ids = facet
                .map(|f| value_ids(f, |v| normalize(v) == wanted))
                .unwrap_or_default();
            base.retain(|&id, _| {
                facet.is_some_and(|f| f.docs[id as usize].iter().any(|v| ids.contains(v)))
            });
        }
        if !query.phrases.is_empty() {
            let mut ids: Vec<u32> = base.keys().copied().collect();
            ids.sort_unstable();
            for id in ids {
                let hit = self.text(id)?;
                let ok = query.phrases.iter().all(|p| {
                    hit.fields
                        .iter()
                        .any(|f| atoms(f).windows(p.len()).any(|w| w == p.as_slice()))
                });
                if !ok {
                    base.remove(&id);
                }
            }
        }
        let chosen: Vec<(&Facet, HashSet<u32>)> = selected
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .filter_map(|(key, values)| {
                let f = facet_index.get(key.as_str())?;
                Some((*f, value_ids(f, |v| values.iter().any(|s| s == v))))
            })
            .collect();
        let passes = |id: u32, skip: Option<&str>| {
            chosen.iter().all(|(f, ids)| {
                Some(f.key.as_str()) == skip || f.docs[id as usize].iter().any(|v| ids.contains(v))
            })
        };
        let mut facets = Vec::new();
        for f in &table.facets {
            let mut counts = vec![0usize; f.values.len()];
            for &id in base.keys() {
                if passes(id, Some(&f.key)) {
                    for &v in &f.docs[id as usize] {
                        counts[v as usize] += 1;
                    }
                }
            }
            let mut list: Vec<(String, usize)> = f
                .values
                .iter()
                .cloned()
                .zip(counts)
                .filter(|(_, c)| *c > 0)
                .collect();
            list.sort_by_key(|e| std::cmp::Reverse(e.1));
            facets.push((f.key.clone(), list));
        }
        let mut hits: Vec<(u32, i64)> = base
            .iter()
            .filter(|(&id, _)| passes(id, None))
            .map(|(&id, &s)| (id, (s * 1e6).round() as i64))
            .collect();
        match sort {
            Sort::Relevance => hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0))),
            Sort::Newest => hits.sort_by_key(|h| h.0),
            Sort::Oldest => hits.sort_by_key(|h| std::cmp::Reverse(h.0)),
            Sort::LongestOutage => hits.sort_by(|a, b| {
                table.outage[b.0 as usize]
                    .cmp(&table.outage[a.0 as usize])
                    .then(a.0.cmp(&b.0))
            }),
        }
        Ok(Results {
            ids: hits.iter().map(|h| h.0).collect(),
            scores: hits.iter().map(|h| h.1).collect(),
            facets,
        })
    }
}
