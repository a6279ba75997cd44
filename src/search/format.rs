//! The index files as written and as read: one definition of each file's
//! shape, serialised by `index` and read back by `query` (and by
//! `search.js`, which follows the same field names), and their encoding,
//! gzip-compressed JSON.

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::Path;

/// The numbers the reader's matching and scoring depend on, written into
/// `meta.json` so that `search.js` reads them instead of restating them.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// A term is cut to this many characters.
    pub term_chars: usize,
    /// A prefix stands for at most this many terms, the first in term order.
    pub expansions: usize,
    /// A prefix match counts this much of an exact one.
    pub prefix_factor: f64,
}

pub const LIMITS: Limits = Limits {
    term_chars: super::tokenize::MAX_TERM_CHARS,
    expansions: 100,
    prefix_factor: 0.8,
};

/// `search/meta.json`.
#[derive(Serialize, Deserialize)]
pub struct Meta {
    pub format: u32,
    /// Changes whenever any index file does; `search.js` adds it to URLs
    /// so a browser never mixes files of two builds.
    pub build: String,
    pub docs: usize,
    /// Documents per `text-N.bin` file.
    pub chunk: usize,
    /// The first term of each shard, in order.
    pub shards: Vec<String>,
    /// Facets a query may name as `key:value` besides the built-in ones
    /// (`severity`, `service`, `tag`, `year`, `status`, `author`): the
    /// site's own taxonomies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<String>,
    /// (An index written before they were here was written with these.)
    #[serde(default = "current_limits")]
    pub limits: Limits,
}

fn current_limits() -> Limits {
    LIMITS
}

/// One facet of `search/docs.bin`.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Facet {
    pub key: String,
    pub label: String,
    /// Its values, in the order they are offered.
    pub values: Vec<String>,
    /// For each document, the indices of its values.
    pub docs: Vec<Vec<u32>>,
}

/// `search/docs.bin`.
#[derive(Serialize, Deserialize)]
pub struct DocsTable {
    pub facets: Vec<Facet>,
    /// Outage minutes per document, -1 when unknown.
    pub outage: Vec<i64>,
}

/// A document of a `search/text-N.bin` file: its display data and text.
/// The title, dek and summary are among `fields`, not repeated. In the
/// file the fields are packed (see `packing`).
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Hit {
    pub url: String,
    pub date: String,
    pub severity: String,
    pub services: Vec<String>,
    pub outage: Option<String>,
    /// The text of each of [`super::FIELDS`]: title, dek, terms, summary...
    pub fields: Vec<String>,
}

impl Hit {
    pub fn title(&self) -> &str {
        self.fields.first().map_or("", String::as_str)
    }
}

/// One element of a `search/shard-N.bin` file, which is a flat JSON array
/// alternating a term and its postings: document id deltas, each followed
/// by the document's weight for the term.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum ShardItem {
    Term(String),
    Postings(Vec<u32>),
}

/// Level 2: at 10,000 write-ups the index is 13.32 MB against level 3's
/// 12.92 MB and level 4's 12.64 MB, in 0.35 s against 0.41-0.52 s and
/// 0.59-0.75 s of CPU; level 1 is faster still but 18.65 MB.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::new(2));
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

/// An error about an index file whose content is not what it should be.
pub fn damaged(path: &Path, what: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("{}: {what}", path.display()),
    )
}

/// Reads one index file: `meta.json` as it is, the `.bin` files inflated.
pub fn read<T: for<'de> Deserialize<'de>>(path: &Path) -> std::io::Result<T> {
    let bytes = std::fs::read(path)?;
    let mut text = String::new();
    if bytes.starts_with(&[0x1f, 0x8b]) {
        GzDecoder::new(&bytes[..]).read_to_string(&mut text)?;
    } else {
        text = String::from_utf8(bytes).map_err(|e| damaged(path, e))?;
    }
    serde_json::from_str(&text).map_err(|e| damaged(path, e))
}
