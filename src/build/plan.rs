//! The planning stage: every file a build writes, as a [`Job`] with a hash
//! of everything its bytes depend on besides the settings (the program,
//! configuration, options, templates, static files and `_about.md`, which
//! every page depends on and which [`Plan::setting`] holds). A whole build
//! renders every job; a build with the previous build's plan (`serve`)
//! renders the jobs whose hash is new or changed, and removes the files of
//! jobs that are gone. This is the only place that decides what to render
//! again, and the one invariant that makes it right: a job's bytes are a
//! function of the settings and its hash's inputs, so an update writes
//! exactly what a whole build would.

use super::derive::{Derived, Reuse};
use super::views::{page_path, Urls};
use super::{fast_hash, hash_of};
use crate::taxonomy::Kind;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::hash::{Hash, Hasher};

/// What a job makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Job {
    /// A write-up's page, by index.
    Writeup(usize),
    /// A page of the home list (0 is the first).
    Home(usize),
    /// The page of a taxonomy's terms.
    Taxonomy(Kind),
    /// A page of a term's list: taxonomy, term (by index), page.
    Term(Kind, usize, usize),
    /// A term's feed: taxonomy, term (by index).
    TermFeed(Kind, usize),
    Feed,
    Archive,
    Search,
    NotFound,
    Sitemap,
    Robots,
    /// The files under `search/` but its page.
    SearchIndex,
    Stats,
    /// The open and the closed action items.
    ActionItems,
    /// `incidents.json` and `action-items.csv`.
    Exports,
    /// The theme's static files, `highlight.css` and the site's `static/`.
    Assets,
    /// A file a write-up's body refers to, published beside its page:
    /// write-up, asset.
    Asset(usize, usize),
}

impl Job {
    /// Whether browsers wait for it after an edit: a page that shows
    /// write-ups. The rest (feeds, the archive, the index, the stats) is
    /// rendered after them.
    pub fn shows_writeups_first(self) -> bool {
        matches!(
            self,
            Job::Writeup(_) | Job::Asset(..) | Job::Home(_) | Job::Taxonomy(_) | Job::Term(..)
        )
    }

    /// Whether it reads every write-up and takes long: built beside the
    /// pages in a whole build.
    pub fn is_heavy(self) -> bool {
        matches!(
            self,
            Job::SearchIndex | Job::Stats | Job::ActionItems | Job::Exports
        )
    }
}

/// A job, its output (the file it writes, or a name for a job that writes
/// several) and the hash of what it depends on.
pub(crate) struct Planned {
    pub job: Job,
    pub key: String,
    pub hash: u64,
}

/// What a build leaves for the next one in the same process.
#[derive(Default)]
pub struct Plan {
    pub(super) setting: u64,
    /// The rendered sidebar's hash: every page shows it.
    pub(super) sidebar: u64,
    /// Each job's hash, by its key.
    pub(super) hashes: FxHashMap<String, u64>,
    pub(super) reuse: Reuse,
}

/// Keys of jobs that write more than one file; never a file's path.
const SEARCH_INDEX: &str = "<search index>";
const ACTION_ITEMS: &str = "<action items>";
const EXPORTS: &str = "<exports>";
const ASSETS: &str = "<assets>";

/// Whether a key names the one file its job writes.
pub(crate) fn is_file(key: &str) -> bool {
    !key.starts_with('<')
}

/// Hashes what a job depends on: the inputs are hashes and indices, so
/// rustc's fast hasher is enough (a change to one input always changes the
/// result: each step of it is a bijection of its state).
#[derive(Default)]
struct Inputs(FxHasher);

impl Inputs {
    fn new(first: impl Hash) -> Inputs {
        Inputs::default().and(first)
    }

    fn and(mut self, value: impl Hash) -> Inputs {
        value.hash(&mut self.0);
        self
    }

    fn done(&self) -> u64 {
        self.0.finish()
    }
}

/// Every job of a build of `site`, with its hash.
pub(crate) fn plan(site: &Derived) -> Vec<Planned> {
    let config = site.config;
    let n = site.writeups.len();
    let per_page = config.paginate.max(1);
    let limit = config.feed.limit;
    // What each write-up is, as its sources, body, entry and links show it.
    let text: Vec<u64> = site.writeups.iter().map(|w| w.source_hash).collect();
    let body = &site.body_hashes;
    let entry: Vec<u64> = site.entries.iter().map(|e| e.hash).collect();
    let link: Vec<u64> = site
        .entries
        .iter()
        .map(|e| {
            Inputs::new(&e.view.title)
                .and(&e.view.url)
                .and(&e.view.date_long)
                .done()
        })
        .collect();
    let sidebar = sidebar_hash(site);
    let all_texts = Inputs::new(&text).done();
    let all_entries = Inputs::new(&entry).done();
    let feed = |indices: &[usize]| -> u64 {
        let mut h = Inputs::default();
        for i in site.feed_order(indices, limit) {
            h = h.and(text[i]).and(body[i]);
        }
        h.done()
    };
    let mut jobs: Vec<Planned> = (0..n)
        .into_par_iter()
        .map(|i| {
            let w = site.writeups[i];
            // A write-up whose list entry leaves out terms shows them all.
            let whole_entry = match super::views::page_entry(
                w,
                &site.entries[i].view,
                config,
                &site.urls,
                &site.tax,
                site.today,
            ) {
                std::borrow::Cow::Owned(view) => {
                    hash_of(serde_json::to_vec(&view).unwrap_or_default())
                }
                std::borrow::Cow::Borrowed(_) => 0,
            };
            let mut h = Inputs::new(sidebar)
                .and((text[i], body[i], entry[i], whole_entry))
                .and(super::views::declared_terms(w, &site.tax, &site.urls))
                .and((i.checked_sub(1).map(|j| link[j]), link.get(i + 1)));
            for r in &site.related[i] {
                h = h.and((r.index, r.explicit, &r.shared, link[r.index]));
            }
            Planned {
                job: Job::Writeup(i),
                key: format!("incidents/{}/index.html", w.slug),
                hash: h.done(),
            }
        })
        .collect();
    for (i, w) in site.writeups.iter().enumerate() {
        for (a, asset) in w.assets.iter().enumerate() {
            jobs.push(Planned {
                job: Job::Asset(i, a),
                key: Urls::asset_path(&w.slug, &asset.publish),
                hash: Inputs::new((&asset.source, asset.len, asset.modified)).done(),
            });
        }
    }
    let mut add = |job: Job, key: String, hash: u64| jobs.push(Planned { job, key, hash });
    let all: Vec<usize> = (0..n).collect();
    let full_posts = config.home_full_posts;
    list_jobs(&all, per_page, &mut |page, total, chunk| {
        let mut h = Inputs::new((sidebar, page, total));
        for &i in chunk {
            h = h.and((entry[i], if full_posts { body[i] } else { 0 }));
        }
        add(
            Job::Home(page),
            format!("{}index.html", page_path("", page + 1)),
            h.done(),
        );
    });
    for taxonomy in &site.tax.0 {
        let k = taxonomy.kind;
        let key = taxonomy.key();
        let term_per_page = taxonomy.per_page(config);
        let view_hashes: Vec<u64> = site.term_views[k.0]
            .iter()
            .map(|v| hash_of(serde_json::to_vec(v).unwrap_or_default()))
            .collect();
        add(
            Job::Taxonomy(k),
            format!("{key}/index.html"),
            Inputs::new(sidebar).and(&view_hashes).done(),
        );
        for (t, term) in taxonomy.terms.iter().enumerate() {
            let base = Urls::term_path(key, &term.slug);
            list_jobs(&term.pages, term_per_page, &mut |page, total, chunk| {
                let mut h = Inputs::new((sidebar, view_hashes[t], page, total));
                for &i in chunk {
                    h = h.and(entry[i]);
                }
                add(
                    Job::Term(k, t, page),
                    format!("{}index.html", page_path(&base, page + 1)),
                    h.done(),
                );
            });
            if taxonomy.def.feed {
                add(
                    Job::TermFeed(k, t),
                    format!("{base}rss.xml"),
                    Inputs::new(&term.name).and(feed(&term.pages)).done(),
                );
            }
        }
    }
    let everything = |extra: u64| Inputs::new((all_texts, all_entries, extra)).done();
    add(Job::Feed, "rss.xml".into(), feed(&all));
    add(
        Job::Archive,
        "archive/index.html".into(),
        Inputs::new((sidebar, all_entries)).done(),
    );
    if config.search_enabled {
        add(Job::Search, "search/index.html".into(), sidebar);
        add(
            Job::SearchIndex,
            SEARCH_INDEX.into(),
            everything(site.terms_shape),
        );
    }
    add(Job::NotFound, "404.html".into(), sidebar);
    add(
        Job::Sitemap,
        "sitemap.xml".into(),
        Inputs::new((all_entries, site.terms_shape)).done(),
    );
    add(Job::Robots, "robots.txt".into(), 0);
    add(
        Job::Stats,
        "stats/index.html".into(),
        Inputs::new((sidebar, everything(site.terms_shape))).done(),
    );
    add(
        Job::ActionItems,
        ACTION_ITEMS.into(),
        Inputs::new((sidebar, everything(0))).done(),
    );
    add(Job::Exports, EXPORTS.into(), everything(0));
    add(Job::Assets, ASSETS.into(), 0);
    jobs
}

/// Calls `each(page, total, write-ups)` for every page of a list.
fn list_jobs(indices: &[usize], per_page: usize, each: &mut dyn FnMut(usize, usize, &[usize])) {
    if indices.is_empty() {
        each(0, 1, &[]);
        return;
    }
    let total = indices.len().div_ceil(per_page);
    for (page, chunk) in indices.chunks(per_page).enumerate() {
        each(page, total, chunk);
    }
}

/// The hash of the rendered sidebar, which every page shows.
pub(crate) fn sidebar_hash(site: &Derived) -> u64 {
    fast_hash(site.sidebar.as_bytes())
}

/// What an update must do: the jobs to render again (new ones, and those
/// whose hash changed), and the files of jobs that are gone.
pub(crate) struct Changes {
    pub render: Vec<bool>,
    pub removed: Vec<String>,
    /// The sidebar changed: every page did.
    pub every_page: bool,
}

impl Changes {
    /// The changes from `previous` to `jobs`, whose sidebar hash is
    /// `sidebar`.
    pub fn since(previous: &Plan, jobs: &[Planned], sidebar: u64) -> Changes {
        let mut found = 0;
        let render = jobs
            .iter()
            .map(|p| match previous.hashes.get(&p.key) {
                Some(hash) => {
                    found += 1;
                    *hash != p.hash
                }
                None => true,
            })
            .collect();
        // Some job of the last build is gone only if not all were found.
        let mut removed = Vec::new();
        if found < previous.hashes.len() {
            let present: FxHashSet<&str> = jobs.iter().map(|p| p.key.as_str()).collect();
            removed = previous
                .hashes
                .keys()
                .filter(|k| is_file(k) && !present.contains(k.as_str()))
                .cloned()
                .collect();
            removed.sort();
        }
        Changes {
            render,
            removed,
            every_page: previous.sidebar != sidebar,
        }
    }
}

/// The plan the next build compares with.
pub(crate) fn keep(setting: u64, sidebar: u64, jobs: &[Planned], reuse: Reuse) -> Plan {
    Plan {
        setting,
        sidebar,
        hashes: jobs.iter().map(|p| (p.key.clone(), p.hash)).collect(),
        reuse,
    }
}
