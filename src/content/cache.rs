//! The parse cache: for each file that was clean on its own (no problem in
//! its front matter or body), the write-up read from it, kept between runs
//! in the site's cache folder. `check`, `build`, `stats` and `serve` look a
//! file up by its name and text, so only new or edited files are parsed
//! again; a new configuration or program misses every entry. The checks
//! across files always run on all of them.
//!
//! An entry is the write-up as JSON, without its text, which the lookup
//! has just read. A file with any problem is parsed every time, so its
//! messages come from the one place that makes them.

use super::parse::{parse_text, Parsed};
use super::sources::Source;
use super::WriteUp;
use crate::config::Config;
use crate::memo::{self, Memo};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The file that holds the parse cache of the site at `root`.
pub fn cache_file(root: &Path) -> PathBuf {
    root.join(memo::CACHE_DIR).join("parse.bin")
}

pub(super) struct ParseCache<'a> {
    memo: &'a Memo,
    /// A hash of the configuration, which validation reads.
    config: String,
}

impl<'a> ParseCache<'a> {
    pub(super) fn new(memo: &'a Memo, config: &Config) -> Self {
        // All of it but the base URL, which `serve` and `--base-url` set
        // and no file's validation reads: so that `serve` finds what
        // `check` and `build` parsed.
        let mut config = config.clone();
        config.base_url.clear();
        let json = serde_json::to_string(&config).unwrap_or_default();
        ParseCache {
            memo,
            config: format!("{:032x}", memo::key(&[&json])),
        }
    }

    /// What [`parse_text`] makes of `source`, from the cache when it holds
    /// the file.
    pub(super) fn parse(&self, source: Source, config: &Config) -> Parsed {
        let hash = source.hash;
        // 64 bits of the text suffice: the cache holds about one version
        // of each file.
        let key = memo::key(&["parse", &self.config, &format!("{hash:016x}")]);
        if let Some(parsed) = self
            .memo
            .get(key)
            .and_then(|json| cached(&json, &source.file, &source.text, hash))
        {
            return parsed;
        }
        let parsed = parse_text(source, config);
        if parsed.problems.is_empty() && parsed.diagnostics.is_empty() {
            if let Some(json) = parsed
                .writeup
                .as_deref()
                .and_then(|w| serde_json::to_string(w).ok())
            {
                self.memo.insert(key, json.into());
            }
        }
        parsed
    }
}

/// The outcome of a clean file from its entry; `None` for an entry this
/// program cannot read, which is then parsed again.
fn cached(json: &str, file: &str, text: &str, hash: u64) -> Option<Parsed> {
    let mut writeup: WriteUp = serde_json::from_str(json).ok()?;
    let split = super::split_front_matter(text).ok()?;
    let text: Arc<str> = text.into();
    writeup.text = text.clone();
    writeup.source_hash = hash;
    Some(Parsed {
        writeup: Some(Arc::new(writeup)),
        problems: Vec::new(),
        diagnostics: Vec::new(),
        text,
        yaml: split.yaml,
        file: file.to_string(),
        source_hash: Some(hash),
        from_cache: true,
    })
}

#[cfg(test)]
mod tests {
    use super::super::sources::source_hash;
    use super::*;

    const CLEAN: &str = "---\ntitle: Disk full\ndate: 2020-01-02\nseverity: SEV2\nauthors: [ana]\n\
        tags: [disk]\nincident:\n  started: 2020-01-02T10:00:00Z\n  resolved: 2020-01-02T11:30:00Z\n\
        impact:\n  revenue: 12.5\ntimeline:\n  - at: 2020-01-02T10:00:00.250Z\n    event: Alerts\n\
        action_items:\n  - task: Add a disk alert\n    owner: ana\n    due: 2020-02-01\n---\n\
        The disk filled up. See [the other one](2019-01-01-other.md#timeline).\n";

    fn parse(cache: &ParseCache, text: &str) -> Parsed {
        let config = Config::default();
        let source = Source::new(
            "content/a.md".into(),
            "a.md".into(),
            "a".into(),
            text.into(),
        );
        cache.parse(source, &config)
    }

    #[test]
    fn a_clean_file_comes_back_as_it_was_parsed() {
        let memo = Memo::default();
        let cache = ParseCache::new(&memo, &Config::default());
        let first = parse(&cache, CLEAN);
        assert_eq!(memo.len(), 1);
        let again = parse(&cache, CLEAN);
        assert_eq!(memo.len(), 1);
        let shown = |p: &Parsed| format!("{:?}", p.writeup);
        assert_eq!(shown(&again), shown(&first));
        assert!(shown(&first).contains("Add a disk alert"));
        assert_eq!(again.yaml, first.yaml);
        assert_eq!(again.text, first.text);
        assert!(again.problems.is_empty() && again.diagnostics.is_empty());
    }

    #[test]
    fn the_entry_is_what_is_returned() {
        let memo = Memo::default();
        let cache = ParseCache::new(&memo, &Config::default());
        parse(&cache, CLEAN);
        let hash = source_hash("content/a.md", "a.md", CLEAN);
        let key = memo::key(&["parse", &cache.config, &format!("{hash:016x}")]);
        let json = memo.get(key).unwrap().replace("Disk full", "Forged");
        memo.insert(key, json.into());
        let title = parse(&cache, CLEAN).writeup.unwrap().title.clone();
        assert_eq!(title, "Forged");
        // An entry that no longer reads as a write-up is parsed again.
        memo.insert(key, "{}".into());
        let title = parse(&cache, CLEAN).writeup.unwrap().title.clone();
        assert_eq!(title, "Disk full");
    }

    #[test]
    fn edits_and_other_settings_miss() {
        let memo = Memo::default();
        let cache = ParseCache::new(&memo, &Config::default());
        parse(&cache, CLEAN);
        parse(&cache, &CLEAN.replace("filled up", "was full"));
        assert_eq!(memo.len(), 2);
        let mut config = Config::default();
        config.priorities.push("P9".into());
        let other = ParseCache::new(&memo, &config);
        assert_ne!(other.config, cache.config);
        parse(&other, CLEAN);
        assert_eq!(memo.len(), 3);
        // Except the base URL, which serve sets.
        let mut served = Config::default();
        served.set_base_url("http://127.0.0.1:8000/").unwrap();
        assert_eq!(ParseCache::new(&memo, &served).config, cache.config);
    }

    #[test]
    fn files_with_problems_are_not_kept() {
        let memo = Memo::default();
        let cache = ParseCache::new(&memo, &Config::default());
        let unknown_severity = parse(&cache, &CLEAN.replace("SEV2", "SEV9"));
        assert!(!unknown_severity.problems.is_empty());
        let no_front_matter = parse(&cache, "just text\n");
        assert!(!no_front_matter.diagnostics.is_empty());
        assert!(memo.is_empty());
    }
}
