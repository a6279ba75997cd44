//! Where a write-up came from, so that a document is imported once. Every
//! write-up import writes records its source under `extra:` (the path, and
//! the SHA-256 of the bytes read, which `sha256sum` prints too). Before
//! writing, import reads what the write-ups already under `--into` record:
//! a document whose bytes a write-up records was imported already, however
//! that write-up has since been renamed or edited; a document at a path a
//! write-up records, with other bytes, has changed since it was imported,
//! and is not imported a second time beside it. Within one run, a document
//! with the bytes of one before it is imported once.

use super::files::Source;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

/// The keys under `extra:` that record a write-up's source.
pub const FROM: &str = "imported_from";
pub const SHA256: &str = "imported_sha256";

/// What a write-up records of its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The document's path: below the project when it is there, else as
    /// found on disk.
    pub from: String,
    pub sha256: String,
}

/// The record of `source`, read as `bytes`; `project` is the project's
/// folder, canonical (see [`canonical`]).
pub fn record(source: &Source, bytes: &[u8], project: &Path) -> Record {
    let path = source.path();
    let found = path.canonicalize().unwrap_or(path);
    Record {
        from: crate::text::display_path(project, &found),
        sha256: sha256(bytes),
    }
}

/// `folder` as [`record`] takes it, found once for all the documents.
pub fn canonical(folder: &Path) -> std::path::PathBuf {
    folder
        .canonicalize()
        .unwrap_or_else(|_| folder.to_path_buf())
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Why a document is not imported again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recognized {
    /// The write-up it would be is there, as it would be written.
    SameText,
    /// A write-up records these bytes as its source.
    RecordedSource,
    /// A write-up records this path as its source, with other bytes: the
    /// document changed after it was imported.
    SourceChanged,
    /// Another document of this run has the same bytes.
    SameBytesAs(String),
}

/// The write-ups under `--into` by what they record, and the documents of
/// this run so far.
#[derive(Default)]
pub struct Known {
    /// A write-up's path below `--into`, by the SHA-256 it records.
    by_sha256: HashMap<String, String>,
    /// A write-up's path below `--into`, by the source path it records.
    by_from: HashMap<String, String>,
    /// The first document of this run with these bytes.
    in_run: HashMap<String, String>,
}

impl Known {
    /// What the write-ups under `into` record. Only files that name a
    /// record are parsed; a file that cannot be read is left to `check`.
    pub fn read(into: &Path) -> Known {
        use rayon::prelude::*;
        let found = crate::content::find_sources(into);
        let records: Vec<(String, Option<String>, Option<String>)> = found
            .files
            .par_iter()
            .filter_map(|path| {
                let rel = path.strip_prefix(into).ok()?.to_string_lossy().into_owned();
                let rel = rel.replace('\\', "/");
                let bytes = crate::confine::read(into, &rel).ok()?;
                memchr::memmem::find(&bytes, SHA256.as_bytes())
                    .or_else(|| memchr::memmem::find(&bytes, FROM.as_bytes()))?;
                let text = std::str::from_utf8(&bytes).ok()?;
                let (map, _) = super::head::split_front_matter(text);
                let extra = map?.get("extra")?.as_mapping()?.clone();
                let value = |key: &str| extra.get(key)?.as_str().map(str::to_string);
                Some((rel, value(FROM), value(SHA256)))
            })
            .collect();
        let mut known = Known::default();
        for (rel, from, sha256) in records {
            if let Some(sha256) = sha256 {
                known.by_sha256.entry(sha256).or_insert_with(|| rel.clone());
            }
            if let Some(from) = from {
                known.by_from.entry(from).or_insert(rel);
            }
        }
        known
    }

    /// The write-up (below `--into`) a document with `record` already is,
    /// and how it was told; else the document is noted as in this run,
    /// shown as `shown`.
    pub fn recognize(&mut self, record: &Record, shown: &str) -> Option<(String, Recognized)> {
        if let Some(rel) = self.by_sha256.get(&record.sha256) {
            return Some((rel.clone(), Recognized::RecordedSource));
        }
        if let Some(rel) = self.by_from.get(&record.from) {
            return Some((rel.clone(), Recognized::SourceChanged));
        }
        if let Some(first) = self.in_run.get(&record.sha256) {
            return Some((String::new(), Recognized::SameBytesAs(first.clone())));
        }
        self.in_run.insert(record.sha256.clone(), shown.to_string());
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_the_one_sha256sum_prints() {
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_document_is_known_by_its_bytes_then_by_its_path() {
        let mut known = Known::default();
        known.by_sha256.insert("aa".into(), "old-name.md".into());
        known.by_from.insert("docs/db.md".into(), "db.md".into());
        let record = |from: &str, sha256: &str| Record {
            from: from.into(),
            sha256: sha256.into(),
        };
        assert_eq!(
            known.recognize(&record("elsewhere/db.md", "aa"), "x"),
            Some(("old-name.md".into(), Recognized::RecordedSource))
        );
        assert_eq!(
            known.recognize(&record("docs/db.md", "bb"), "x"),
            Some(("db.md".into(), Recognized::SourceChanged))
        );
        assert_eq!(known.recognize(&record("a.md", "cc"), "a.md"), None);
        assert_eq!(
            known.recognize(&record("b.md", "cc"), "b.md"),
            Some((String::new(), Recognized::SameBytesAs("a.md".into())))
        );
    }
}
