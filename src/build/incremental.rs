//! What one build leaves for the next in the same process (`serve`), and
//! from it, which pages a change touches.
//!
//! A page is a function of the write-ups it shows, the sidebar and the
//! site's settings. When the settings (program, configuration, options,
//! templates, static files, `_about.md`), the list of published write-ups
//! and their order, every taxonomy's terms and their number of list pages,
//! and the rendered sidebar are all as before, the same files exist, and
//! only pages that show a changed write-up can differ: its own page; its
//! neighbours' and related write-ups' pages, when its title or date
//! changed; the list pages and feeds it is on; every list page and the
//! feed of a term that gained or lost a write-up, and its taxonomy's page
//! of terms. Anything else makes a whole build. The search index and the stats read every write-up,
//! so they are rebuilt whole, after the pages.

use super::hash_of;
use super::related::Related;
use super::views::{EntryView, Taxonomies};
use crate::content::WriteUp;
use std::collections::HashMap;
use std::sync::Arc;

pub(super) fn address(w: &WriteUp) -> usize {
    w as *const WriteUp as usize
}

/// A hash of each write-up's whole source, to tell whether anything in it
/// changed: the loader's.
pub(super) fn text_hashes(writeups: &[&WriteUp]) -> Vec<u64> {
    writeups.iter().map(|w| w.source_hash).collect()
}

/// A list entry as templates see it.
pub(super) fn entry_hash(e: &EntryView) -> u64 {
    hash_of(serde_json::to_vec(e).unwrap_or_default())
}

/// What other write-ups' pages show of it: a link (previous, next,
/// related).
pub(super) fn link_hash(e: &EntryView) -> u64 {
    hash_of((&e.title, &e.url, &e.date_long))
}

pub(super) fn related_hash(r: &[Related]) -> u64 {
    hash_of(
        r.iter()
            .map(|r| (r.index, r.explicit, &r.shared))
            .collect::<Vec<_>>(),
    )
}

/// What related write-ups are computed from, besides the taxonomies.
pub(super) fn related_inputs(writeups: &[&WriteUp]) -> u64 {
    hash_of(
        writeups
            .iter()
            .map(|w| (&w.stem, &w.slug, &w.related))
            .collect::<Vec<_>>(),
    )
}

/// Each taxonomy's terms by name, slug and number of list pages: what
/// decides which files exist for it.
pub(super) fn terms_shape(tax: &Taxonomies, per_page: usize) -> u64 {
    hash_of(
        tax.0
            .iter()
            .map(|t| {
                t.terms
                    .iter()
                    .map(|term| (&term.name, &term.slug, term.pages.len().div_ceil(per_page)))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>(),
    )
}

/// The write-ups on each of a term's list pages, by taxonomy, term and
/// page; with the term's count, which every one of its pages shows.
pub(super) fn term_members(tax: &Taxonomies, per_page: usize) -> Vec<Vec<Vec<u64>>> {
    tax.0
        .iter()
        .map(|t| {
            t.terms
                .iter()
                .map(|term| {
                    let count = term.pages.len();
                    term.pages
                        .chunks(per_page)
                        .map(|chunk| hash_of((count, chunk)))
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Each taxonomy's term counts (its page of terms shows them).
pub(super) fn term_counts(tax: &Taxonomies) -> Vec<u64> {
    tax.0
        .iter()
        .map(|t| {
            hash_of(
                t.terms
                    .iter()
                    .map(|term| term.pages.len())
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

/// The published write-ups, in order, by where they are and what they are
/// called: links between bodies resolve through this.
pub(super) fn order(writeups: &[&WriteUp]) -> Vec<(String, String)> {
    writeups
        .iter()
        .map(|w| (w.content_path.clone(), w.slug.clone()))
        .collect()
}

/// What a build leaves for the next one in the same process.
#[derive(Default)]
pub struct Snapshot {
    pub(super) setting: u64,
    /// Every loaded write-up, held (never read) so that no new write-up can
    /// take an address in `published`.
    #[allow(dead_code)]
    pub(super) loaded: Vec<Arc<WriteUp>>,
    /// The published ones, by address, in order.
    pub(super) published: Vec<usize>,
    pub(super) order: Vec<(String, String)>,
    pub(super) texts: Vec<u64>,
    pub(super) entries: Vec<u64>,
    pub(super) links: Vec<u64>,
    pub(super) related_inputs: u64,
    pub(super) related: Vec<Vec<Related>>,
    pub(super) related_hashes: Vec<u64>,
    /// With `term_members`: every taxonomy's membership.
    pub(super) terms_shape: u64,
    pub(super) term_members: Vec<Vec<Vec<u64>>>,
    pub(super) term_counts: Vec<u64>,
    pub(super) sidebar: String,
    /// Rendered bodies by text hash; valid while `setting` and `order`
    /// are unchanged.
    pub(super) bodies: HashMap<u64, String>,
    /// List entries by text hash; valid while the settings and the
    /// taxonomies' terms are unchanged.
    pub(super) entry_views: HashMap<u64, Entry>,
}

/// A write-up as lists show it.
#[derive(Clone)]
pub(super) struct Entry {
    pub view: EntryView,
    /// Its [`entry_hash`].
    pub hash: u64,
    /// Rendered with `entry.html`.
    pub summary: String,
}

/// Which published write-ups (by index) changed since the last build.
pub(crate) struct Changes {
    /// Anything in the source.
    pub text: Vec<bool>,
    /// How lists show it.
    pub entry: Vec<bool>,
    /// How links to it show it.
    pub link: Vec<bool>,
    /// Its related write-ups.
    pub related: Vec<bool>,
    /// Which write-ups a term's list pages show, by taxonomy (in
    /// `Kind::ALL` order), term and page.
    pub terms: Vec<Vec<Vec<bool>>>,
    /// A taxonomy's term counts, by taxonomy.
    pub counts: Vec<bool>,
}

impl Changes {
    pub fn compare(previous: &Snapshot, next: &Snapshot) -> Changes {
        let differs =
            |a: &[u64], b: &[u64]| -> Vec<bool> { a.iter().zip(b).map(|(x, y)| x != y).collect() };
        Changes {
            text: differs(&previous.texts, &next.texts),
            entry: differs(&previous.entries, &next.entries),
            link: differs(&previous.links, &next.links),
            related: differs(&previous.related_hashes, &next.related_hashes),
            terms: previous
                .term_members
                .iter()
                .zip(&next.term_members)
                .map(|(a, b)| a.iter().zip(b).map(|(x, y)| differs(x, y)).collect())
                .collect(),
            counts: differs(&previous.term_counts, &next.term_counts),
        }
    }

    /// Which list pages of term `term` of taxonomy `kind` show other
    /// write-ups.
    pub fn term_pages(&self, kind: usize, term: usize) -> &[bool] {
        &self.terms[kind][term]
    }

    /// Whether the first `limit` write-ups of a term (its feed) may be
    /// others: any of the list pages they are on changed.
    pub fn term_feed(&self, kind: usize, term: usize, limit: usize, per_page: usize) -> bool {
        self.terms[kind][term]
            .iter()
            .take(limit.div_ceil(per_page.max(1)))
            .any(|&c| c)
    }

    /// Whether the term counts of taxonomy `kind` changed.
    pub fn counts(&self, kind: usize) -> bool {
        self.counts[kind]
    }

    pub fn any_text(&self) -> bool {
        self.text.iter().any(|&c| c)
    }

    fn link_at(&self, i: Option<usize>) -> bool {
        i.and_then(|i| self.link.get(i)).copied().unwrap_or(false)
    }

    /// Whether write-up `i`'s own page shows something that changed: itself,
    /// the title of the one before or after it, or its related write-ups.
    pub fn writeup_page(&self, i: usize, related: &[Related]) -> bool {
        self.text[i]
            || self.related[i]
            || self.link_at(i.checked_sub(1))
            || self.link_at(Some(i + 1))
            || related.iter().any(|r| self.link[r.index])
    }

    /// Whether a list of these write-ups changed (with `bodies`: a list
    /// that shows whole write-ups, not entries).
    pub fn list(&self, indices: &[usize], bodies: bool) -> bool {
        indices
            .iter()
            .any(|&i| self.entry[i] || (bodies && self.text[i]))
    }

    /// Whether any list entry changed (the archive, the sitemap).
    pub fn any_entry(&self) -> bool {
        self.entry.iter().any(|&c| c)
    }

    /// Whether a feed of these write-ups (the first `limit`) changed.
    pub fn feed(&self, indices: &[usize], limit: usize) -> bool {
        indices.iter().take(limit).any(|&i| self.text[i])
    }
}
