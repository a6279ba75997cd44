//! Full-text search: the index the build writes under `search/`, and a
//! reader that answers queries from it the way the theme's `search.js` does
//! in the browser (for `blameless search` and for tests).
//!
//! The index is static files, loaded on demand, after Pagefind's design:
//! - `search/meta.json`: the first term of each shard, the facets, sizes;
//! - `search/shard-N.bin`: a sorted run of terms with their postings (doc
//!   id deltas and a precomputed BM25F weight per document);
//! - `search/docs.bin`: each document's facet values and outage length,
//!   for facet counts, filters and sorting;
//! - `search/text-N.bin`: a few documents' display data and text, for
//!   excerpts and exact phrases, packed with the words in `search/words.bin`
//!   (see `packing`).
//!
//! The `.bin` files are gzip-compressed JSON (the browser inflates them with
//! `DecompressionStream`); they are not named `.gz`, so no web server adds a
//! `Content-Encoding` header and inflates them on the way.

mod format;
mod index;
mod packing;
mod query;
mod suggest;
mod tokenize;

pub use format::{Facet, Hit};
pub use index::{write_index, Document, OwnFacet, FIELDS};
pub use query::{parse, parse_with, Index, Query, Results, Sort};
pub use suggest::Suggestions;
pub use tokenize::{atoms, normalize, query_terms, term_order, terms};

/// Format version of the index files; `search.js` refuses other versions.
pub const FORMAT: u32 = 1;
