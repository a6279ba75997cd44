//! The derive stage: from the published write-ups, everything pages are made
//! of, computed once per build: the rendered bodies, the templates, the
//! taxonomies, each write-up's list entry (and its `entry.html` summary),
//! related write-ups and the sidebar. What the previous build of the same
//! settings derived is taken over where its inputs are the same (see
//! [`Reuse`]), so that `serve` renders again only what an edit touched.

use super::fields::FieldsHtml;
use super::pages;
use super::related::{self, Related};
use super::sidebar;
use super::views::{self, EntryView, SiteView, Taxonomies, Urls};
use super::{fast_hash, hash_of, BuildError, RESERVED_IDS};
use crate::config::Config;
use crate::content::{publish_path, publish_url, resolve_content_link, root_url, WriteUp};
use crate::markdown::refs::{place, Place};
use crate::taxonomy::{Kind, Taxonomy};
use crate::templates::Templates;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;

/// A write-up's body and fields as HTML, and a hash of both.
type Rendered = (String, FieldsHtml, u64);

/// Everything the pages of one build are made from.
pub(crate) struct Derived<'a> {
    pub config: &'a Config,
    /// The build date: overdue action items are judged against it.
    pub today: jiff::civil::Date,
    pub urls: Urls,
    pub site: SiteView,
    /// The published write-ups, newest first.
    pub writeups: Vec<&'a WriteUp>,
    /// Each write-up's list entry, by index.
    pub entries: Vec<Entry>,
    pub bodies: Vec<String>,
    /// Each write-up's field texts as HTML.
    pub fields: Vec<FieldsHtml>,
    /// A hash of each body and its fields, for the plan.
    pub body_hashes: Vec<u64>,
    pub tax: Taxonomies,
    /// Every term as its pages show it, by taxonomy.
    pub term_views: Vec<Vec<views::TermView>>,
    pub sidebar: String,
    pub templates: Templates,
    pub related: Vec<Vec<Related>>,
    /// What decides whether the next build can take this one's work over.
    order: Vec<(String, String)>,
    pub terms_shape: u64,
    term_members: u64,
    related_inputs: u64,
}

/// A write-up as lists show it.
#[derive(Clone)]
pub(crate) struct Entry {
    pub view: EntryView,
    /// A hash of the view, as templates see it.
    pub hash: u64,
    /// Rendered with `entry.html`.
    pub summary: String,
}

/// What one build derived that the next one of the same settings can take
/// over, with what decides whether it still holds.
#[derive(Default)]
pub(crate) struct Reuse {
    /// The published write-ups by where they are and what they are called:
    /// bodies link to each other through it.
    order: Vec<(String, String)>,
    /// Rendered bodies, with their hashes, by source hash; valid while
    /// `order` is the same.
    bodies: HashMap<u64, Rendered>,
    /// Each taxonomy's terms by name, slug and number of list pages.
    terms_shape: u64,
    /// List entries by source hash; valid while `terms_shape` is the same.
    entries: HashMap<u64, Entry>,
    /// The write-ups on each list page of each term.
    term_members: u64,
    /// What related write-ups are found from, besides the taxonomies.
    related_inputs: u64,
    related: Vec<Vec<Related>>,
}

/// Derives what pages are made of. `previous` is what the last build of the
/// same settings left (none for a whole build).
pub(crate) fn derive<'a>(
    root: &Path,
    config: &'a Config,
    writeups: Vec<&'a WriteUp>,
    about: Option<&str>,
    previous: Option<Reuse>,
    today: jiff::civil::Date,
) -> Result<Derived<'a>, BuildError> {
    let urls = Urls::new(config);
    let order: Vec<(String, String)> = writeups
        .iter()
        .map(|w| (w.content_path.clone(), w.slug.clone()))
        .collect();
    let mut previous = previous.unwrap_or_default();
    let mut known_bodies: Vec<Option<Rendered>> = if previous.order == order {
        writeups
            .iter()
            .map(|w| previous.bodies.remove(&w.source_hash))
            .collect()
    } else {
        vec![None; writeups.len()]
    };
    // Tera parses the templates on one core; the Markdown, which needs no
    // template, keeps the other busy meanwhile.
    let (templates, bodies) = rayon::join(
        || Templates::load(root),
        || bodies(&writeups, config, &urls, &mut known_bodies),
    );
    let templates = templates?;
    let mut body_hashes = Vec::with_capacity(bodies.len());
    let mut fields = Vec::with_capacity(bodies.len());
    let bodies: Vec<String> = bodies
        .into_iter()
        .map(|(body, f, hash)| {
            body_hashes.push(hash);
            fields.push(f);
            body
        })
        .collect();

    let kinds: Vec<Kind> = Kind::all(config).collect();
    let tax = Taxonomies(
        kinds
            .par_iter()
            .map(|&k| Taxonomy::build(k, &writeups, config))
            .collect(),
    );
    let terms_shape = terms_shape(&tax, config);
    let site = SiteView::new(config, &urls);
    // An entry shows its write-up through the taxonomies' names and URLs.
    let mut known_entries: Vec<Option<Entry>> = if previous.terms_shape == terms_shape {
        writeups
            .iter()
            .map(|w| previous.entries.remove(&w.source_hash))
            .collect()
    } else {
        vec![None; writeups.len()]
    };
    let entries: Vec<Entry> = writeups
        .par_iter()
        .zip(&mut known_entries)
        .map(|(w, known)| {
            if let Some(entry) = known.take() {
                return Ok(entry);
            }
            let view = views::entry_view(w, config, &urls, &tax, views::LIST_TERMS, today);
            Ok(Entry {
                hash: hash_of(serde_json::to_vec(&view).unwrap_or_default()),
                summary: pages::summary(&templates, &site, &view)?,
                view,
            })
        })
        .collect::<Result<_, BuildError>>()?;
    let term_members = term_members(&tax, config);
    let related_inputs = related_inputs(&writeups);
    // Related lists come from the taxonomies' membership and the related
    // inputs.
    let related = if previous.terms_shape == terms_shape
        && previous.term_members == term_members
        && previous.related_inputs == related_inputs
    {
        std::mem::take(&mut previous.related)
    } else {
        related::related(&writeups, &tax)
    };
    let sidebar = sidebar::sidebar(config, &urls, &site, &tax, &writeups, &templates, about)?;
    let term_views = views::term_views(config, &urls, &tax);
    Ok(Derived {
        config,
        today,
        urls,
        site,
        writeups,
        entries,
        bodies,
        fields,
        body_hashes,
        tax,
        term_views,
        sidebar,
        templates,
        related,
        order,
        terms_shape,
        term_members,
        related_inputs,
    })
}

impl Derived<'_> {
    /// The write-ups of a feed of `indices` (newest first by date): the
    /// `limit` newest by the day they were published or last updated, so
    /// that an updated write-up is announced again.
    pub fn feed_order(&self, indices: &[usize], limit: usize) -> Vec<usize> {
        let day = |i: usize| {
            let w = self.writeups[i];
            w.updated.unwrap_or(w.date)
        };
        if !indices.iter().any(|&i| self.writeups[i].updated.is_some()) {
            return indices.iter().take(limit).copied().collect();
        }
        let mut order = indices.to_vec();
        // Stable: the same day keeps the list's order.
        order.sort_by_key(|&i| std::cmp::Reverse(day(i)));
        order.truncate(limit);
        order
    }

    /// What the next build may take over, once this one is done with it.
    pub fn into_reuse(self) -> Reuse {
        let hashes = || self.writeups.iter().map(|w| w.source_hash);
        Reuse {
            order: self.order,
            bodies: hashes()
                .zip(
                    self.bodies
                        .into_iter()
                        .zip(self.fields)
                        .zip(self.body_hashes)
                        .map(|((body, fields), hash)| (body, fields, hash)),
                )
                .collect(),
            terms_shape: self.terms_shape,
            entries: hashes().zip(self.entries).collect(),
            term_members: self.term_members,
            related_inputs: self.related_inputs,
            related: self.related,
        }
    }
}

/// Renders each write-up's body, or takes the one the last build rendered.
fn bodies(
    writeups: &[&WriteUp],
    config: &Config,
    urls: &Urls,
    known: &mut [Option<Rendered>],
) -> Vec<Rendered> {
    // Links between write-ups resolve to pages only for write-ups in this
    // build.
    let url_of: HashMap<&str, String> = writeups
        .iter()
        .map(|w| {
            (
                w.content_path.as_str(),
                urls.link(&Urls::writeup_path(&w.slug)),
            )
        })
        .collect();
    writeups
        .par_iter()
        .zip(known)
        .map(|(w, known)| {
            if let Some(body) = known.take() {
                return body;
            }
            let page = Urls::writeup_path(&w.slug);
            let resolve = |dest: &str| match place(dest) {
                Some(Place::Beside) => {
                    let (source, _) = publish_path(&w.content_path, dest).ok()?;
                    let asset = w.assets.iter().find(|a| a.source == source)?;
                    Some(urls.link(&format!("{page}{}", publish_url(&asset.publish, dest))))
                }
                Some(Place::Root) => Some(urls.link(root_url(dest))),
                None => {
                    let target = resolve_content_link(&w.content_path, dest)?;
                    let url = url_of.get(target.as_str())?;
                    Some(match dest.split_once('#') {
                        Some((_, fragment)) => format!("{url}#{fragment}"),
                        None => url.clone(),
                    })
                }
            };
            let body =
                crate::markdown::render(w.body(), config.markdown.raw_html, RESERVED_IDS, &resolve);
            let fields = FieldsHtml::render(w, &resolve);
            let hash = hash_of((fast_hash(body.as_bytes()), &fields));
            (body, fields, hash)
        })
        .collect()
}

/// A hash of what `of` hashes of each term of each taxonomy (given the
/// term and its taxonomy's list length), in order.
fn per_term(
    tax: &Taxonomies,
    config: &Config,
    of: impl Fn(&crate::taxonomy::Term, usize, &mut std::collections::hash_map::DefaultHasher),
) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for t in &tax.0 {
        let per_page = t.per_page(config);
        t.terms.len().hash(&mut h);
        for term in &t.terms {
            of(term, per_page, &mut h);
        }
    }
    h.finish()
}

/// Each taxonomy's terms by name, slug and number of list pages: what
/// decides which files exist for it, and how entries name their terms.
fn terms_shape(tax: &Taxonomies, config: &Config) -> u64 {
    per_term(tax, config, |term, per_page, h| {
        (&term.name, &term.slug, term.pages.len().div_ceil(per_page)).hash(h)
    })
}

/// The write-ups on each of every term's list pages.
fn term_members(tax: &Taxonomies, config: &Config) -> u64 {
    per_term(tax, config, |term, per_page, h| {
        term.pages.len().div_ceil(per_page).hash(h);
        for chunk in term.pages.chunks(per_page) {
            chunk.hash(h);
        }
    })
}

/// What related write-ups are computed from, besides the taxonomies.
fn related_inputs(writeups: &[&WriteUp]) -> u64 {
    hash_of(
        writeups
            .iter()
            .map(|w| (&w.stem, &w.slug, &w.related))
            .collect::<Vec<_>>(),
    )
}
