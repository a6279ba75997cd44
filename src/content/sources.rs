//! The write-up files on disk: finding them under `content/`, reading each
//! one safely (size, NUL bytes, UTF-8), and the hash that tells whether a
//! file changed, which the parse cache and the build's "nothing changed"
//! decision share.

use crate::diagnostic::Diagnostic;
use crate::text::display_path;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Largest write-up file read; a larger one is reported, not loaded.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// What is under `content/`, found in one walk.
pub struct Found {
    /// The write-up files, sorted; names starting with `_` or `.` (files
    /// and folders) are skipped.
    pub files: Vec<PathBuf>,
    /// A hash of the name, size and modification time of every file that
    /// is not Markdown: the files write-ups refer to, which a build
    /// publishes.
    pub others: u64,
}

/// The write-up files and the other files under `content_dir`.
pub fn find_sources(content_dir: &Path) -> Found {
    use std::hash::{Hash, Hasher};
    let mut others = std::collections::hash_map::DefaultHasher::new();
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(content_dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
    {
        if entry.path().extension().is_some_and(|x| x == "md") {
            let hidden = entry
                .path()
                .strip_prefix(content_dir)
                .into_iter()
                .flat_map(Path::components)
                .any(|c| {
                    c.as_os_str()
                        .to_str()
                        .is_some_and(|n| n.starts_with('_') || n.starts_with('.'))
                });
            if entry.file_type().is_file() && !hidden {
                files.push(entry.into_path());
            }
            continue;
        }
        let meta = entry.path().symlink_metadata().ok();
        (
            entry.path(),
            meta.as_ref().map(|m| m.len()),
            meta.and_then(|m| m.modified().ok()),
        )
            .hash(&mut others);
    }
    files.sort();
    Found {
        files,
        others: others.finish(),
    }
}

/// A write-up's name, which gives its default slug and date: the file name
/// without `.md`, or for a folder write-up (`2019-12-04-node/index.md`) the
/// folder's name.
pub(super) fn stem_of(content_dir: &Path, path: &Path) -> String {
    let name = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().to_string());
    if path.file_name().is_some_and(|n| n == "index.md") {
        if let Some(folder) = path.parent().filter(|p| *p != content_dir) {
            if let Some(stem) = folder.file_name().map(|s| s.to_string_lossy().to_string()) {
                return stem;
            }
        }
    }
    name(path).unwrap_or_default()
}

/// Reads a file's bytes as text, or says why not (position included).
pub(super) fn read_text(path: &Path, shown: &str) -> Result<String, Box<Diagnostic>> {
    let cannot_read = |e: std::io::Error| {
        Box::new(Diagnostic::error(
            shown,
            format!("cannot read the file: {e}"),
        ))
    };
    // One open for the size and the bytes: a site is thousands of small files.
    let mut file = std::fs::File::open(path).map_err(cannot_read)?;
    let size = file.metadata().map_err(cannot_read)?.len();
    if size > MAX_FILE_BYTES {
        return Err(Box::new(
            Diagnostic::error(
                shown,
                format!(
                    "the file is {:.1} MiB; a write-up may be at most {} MiB",
                    size as f64 / 1048576.0,
                    MAX_FILE_BYTES / 1048576
                ),
            )
            .with_hint("move large logs or data out of the write-up and link to them"),
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize + 1);
    std::io::Read::read_to_end(&mut file, &mut bytes).map_err(cannot_read)?;
    fn position(bytes: &[u8], index: usize) -> (usize, usize) {
        let before = &bytes[..index];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&bytes[line_start..index])
            .chars()
            .count()
            + 1;
        (line, column)
    }
    // `contains` looks with memchr; the position is wanted only on a find.
    let nul = if bytes.contains(&0) {
        bytes.iter().position(|&b| b == 0)
    } else {
        None
    };
    if let Some(nul) = nul {
        let (line, column) = position(&bytes, nul);
        return Err(Box::new(
            Diagnostic::error(shown, "the file contains a NUL byte; it is not a text file")
                .at(line, column)
                .with_hint("remove the NUL byte, or move binary data out of content/"),
        ));
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let (line, column) = position(e.as_bytes(), e.utf8_error().valid_up_to());
        Box::new(
            Diagnostic::error(shown, "the file is not valid UTF-8")
                .at(line, column)
                .with_hint("save the file as UTF-8"),
        )
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    if text.trim().is_empty() {
        return Err(Box::new(Diagnostic::error(shown, "the file is empty").with_hint(
            "write the incident up, or delete the file; `blameless new \"Title\"` writes a template",
        )));
    }
    Ok(text)
}

/// One write-up file as read, what parsing starts from: who it is (the
/// names it goes by) and its text.
pub(super) struct Source {
    /// Path shown in messages, relative to the site root (`content/a.md`).
    pub file: String,
    /// Path inside `content/`, with `/` separators (`2018/a.md`).
    pub content_path: String,
    /// File name without `.md`.
    pub stem: String,
    pub text: String,
    /// [`source_hash`] of the above.
    pub hash: u64,
}

impl Source {
    pub fn new(file: String, content_path: String, stem: String, text: String) -> Source {
        let hash = source_hash(&file, &content_path, &text);
        Source {
            file,
            content_path,
            stem,
            text,
            hash,
        }
    }
}

/// The [`super::WriteUp::source_hash`] of a file.
pub(super) fn source_hash(file: &str, content_path: &str, text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (file, content_path, text).hash(&mut h);
    h.finish()
}

/// The [`source_hash`] of every write-up file under `<root>/content`, in
/// the order of [`find_sources`], reading but not parsing them, then the
/// hash of the other files; `None` when a file cannot be read as a
/// write-up (its load reports why).
pub fn source_hashes(root: &Path) -> Option<Vec<u64>> {
    let content_dir = root.join("content");
    let found = find_sources(&content_dir);
    let mut hashes: Vec<u64> = found
        .files
        .par_iter()
        .map(|path| {
            let file = display_path(root, path);
            let text = read_text(path, &file).ok()?;
            Some(source_hash(&file, &display_path(&content_dir, path), &text))
        })
        .collect::<Option<_>>()?;
    hashes.push(found.others);
    Some(hashes)
}
