//! Where every page and file of the site is, as a path below its root,
//! a link inside pages and an absolute URL for feeds.

use crate::config::Config;

/// URLs of the site: root-relative for links inside pages (so the site
/// works under any sub-path), absolute for feeds and canonical links.
#[derive(Clone)]
pub struct Urls {
    pub root: String,
    pub base_url: String,
}

impl Urls {
    pub fn new(config: &Config) -> Urls {
        Urls {
            root: config.base_path().to_string(),
            base_url: config.base_url.clone(),
        }
    }

    /// `path` has no leading slash: `tags/dns/` -> `/eng/tags/dns/`.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.root, path)
    }

    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    pub fn writeup_path(slug: &str) -> String {
        format!("incidents/{slug}/")
    }

    /// Where a file of write-up `slug` is published, below the site root
    /// (`publish` is relative to its page's folder).
    pub fn asset_path(slug: &str, publish: &str) -> String {
        format!("{}{publish}", Urls::writeup_path(slug))
    }

    /// A term's folder: `tags/dns/`; `key` is its taxonomy's key.
    pub fn term_path(key: &str, slug: &str) -> String {
        format!("{key}/{slug}/")
    }
}
