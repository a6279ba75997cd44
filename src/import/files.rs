//! What import reads and writes on disk, and nothing more: the documents
//! under the paths given (each with the folder it was found in, which its
//! links may not leave), the files a document links to beside it, and
//! writing without overwriting. Every path goes through [`crate::confine`]:
//! no symbolic link is followed, only regular files are read, nothing is
//! written outside `--into`. A file is written under a temporary name and
//! renamed into place only if nothing is there yet, so a killed import
//! leaves no half file under a real name and of two imports racing for one
//! name, one writes it and the other finds it there.

use crate::confine::{self, Refusal};
use crate::diagnostic::Reason;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The largest document read.
pub const MAX_BYTES: u64 = 8 * 1024 * 1024;

/// A document: the folder it belongs to and its path below it.
#[derive(Debug, Clone)]
pub struct Source {
    /// A folder given on the command line, or the folder of a file given.
    pub root: PathBuf,
    /// The document below `root`, `/`-separated.
    pub rel: String,
}

impl Source {
    /// The document's path, as given (a file named alone is not `./`).
    pub fn path(&self) -> PathBuf {
        if self.root == Path::new(".") {
            return PathBuf::from(&self.rel);
        }
        self.root.join(&self.rel)
    }

    /// The document's folder below `root` (`""` for `root` itself).
    pub fn folder(&self) -> &str {
        self.rel.rsplit_once('/').map_or("", |(folder, _)| folder)
    }
}

/// A path found under the paths given: a document, or one left out and why.
pub enum Found {
    Document(Source),
    Skipped { path: PathBuf, reason: String },
}

fn is_document(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "md" | "markdown" | "html" | "htm"
        )
    })
}

/// The documents under `paths`, in order. A folder's links and special
/// files are not followed, and said so.
pub fn documents(paths: &[PathBuf]) -> Vec<Found> {
    let mut out = Vec::new();
    for path in paths {
        let is_dir = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
        if !is_dir {
            let root = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let rel = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            out.push(Found::Document(Source { root, rel }));
            continue;
        }
        let mut found = Vec::new();
        for entry in walkdir::WalkDir::new(path)
            .follow_links(false)
            .into_iter()
            .filter_map(Result::ok)
        {
            let kind = entry.file_type();
            if kind.is_dir() || !is_document(entry.path()) {
                continue;
            }
            let rel = entry.path().strip_prefix(path).unwrap_or(entry.path());
            let Some(rel) = rel.to_str() else {
                found.push(Found::Skipped {
                    path: entry.path().to_path_buf(),
                    reason: "its name is not UTF-8 text; rename it".into(),
                });
                continue;
            };
            if kind.is_file() {
                found.push(Found::Document(Source {
                    root: path.clone(),
                    rel: rel.replace(std::path::MAIN_SEPARATOR, "/"),
                }));
            } else {
                let what = if kind.is_symlink() {
                    "a symbolic link; links are not followed (import the file it points to by its own path)"
                } else {
                    "not a regular file"
                };
                found.push(Found::Skipped {
                    path: entry.path().to_path_buf(),
                    reason: format!("skipped: it is {what}"),
                });
            }
        }
        found.sort_by_key(|f| match f {
            Found::Document(s) => s.path(),
            Found::Skipped { path, .. } => path.clone(),
        });
        out.extend(found);
    }
    out
}

/// A document's bytes: a regular file, no link followed, at most
/// [`MAX_BYTES`].
pub fn read_document(source: &Source) -> Result<Vec<u8>, Reason> {
    let (mut file, len) = confine::open(&source.root, &source.rel).map_err(|e| match e {
        Refusal::Link(_) => {
            "it is a symbolic link; links are not followed (give the file it points to)".into()
        }
        Refusal::NotFile(kind) => format!("it is {kind}, not a regular file"),
        Refusal::Missing(_) => "there is no such file".into(),
        other => format!("cannot read it: {other}"),
    })?;
    if len > MAX_BYTES {
        return Err(format!(
            "it is {:.1} MiB; a document may be at most 8 MiB",
            len as f64 / 1048576.0
        )
        .into());
    }
    let mut bytes = Vec::with_capacity(len as usize);
    std::io::Read::read_to_end(&mut file, &mut bytes)
        .map_err(|e| format!("cannot read it: {e}"))?;
    Ok(bytes)
}

/// A file a document links to, to be copied beside its write-up.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// Below the document's root.
    pub from: String,
    /// Below the write-up's folder: the same path below the document's.
    pub to: String,
}

/// The file the link `dest` in `source` names, if it can come along: a
/// regular file in the document's folder or below it, reached through no
/// link. Otherwise why not.
pub fn attachment(source: &Source, dest: &str) -> Result<Attachment, Reason> {
    let folder = source.folder();
    let from = confine::join(folder, dest).map_err(|e| match e {
        Refusal::Outside => "it leaves the folder the document was found in".to_string(),
        other => other.to_string(),
    })?;
    let to = if folder.is_empty() {
        Some(from.as_str())
    } else {
        from.strip_prefix(folder).and_then(|r| r.strip_prefix('/'))
    };
    let Some(to) = to.filter(|t| !t.is_empty()) else {
        return Err("it is not in the document's folder or below it".into());
    };
    let to = to.to_string();
    match confine::inspect(&source.root, &from) {
        Ok(_) => Ok(Attachment { from, to }),
        Err(Refusal::Missing(_)) => Err("there is no such file".into()),
        Err(e) => Err(e.to_string().into()),
    }
}

/// What became of a file written with [`write_new`].
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    /// It was not there, and now is.
    Created,
    /// It was there already, with the same bytes.
    Same,
    /// It was there already with other bytes, and was left as it was.
    Differs,
}

/// Writes `bytes` to `rel` below `into`, unless a file is there: under a
/// temporary name first, renamed into place only if the name is still
/// free. No folder on the way may be a link.
pub fn write_new(into: &Path, rel: &str, bytes: &[u8]) -> Result<Written, Reason> {
    let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let dir = confine::make_dirs(into, folder).map_err(|e| e.to_string())?;
    let existing = |rel: &str| match confine::read(into, rel) {
        Ok(old) if old == bytes => Ok(Written::Same),
        Ok(_) => Ok(Written::Differs),
        Err(Refusal::Missing(_)) => Err(None),
        Err(e) => Err(Some(e.to_string())),
    };
    match existing(rel) {
        Ok(found) => return Ok(found),
        Err(Some(e)) => return Err(e.into()),
        Err(None) => {}
    }
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".part")
        .tempfile_in(&dir)
        .map_err(|e| e.to_string())?;
    temp.write_all(bytes).map_err(|e| e.to_string())?;
    match temp.persist_noclobber(dir.join(name)) {
        Ok(_) => Ok(Written::Created),
        // Another import wrote it meanwhile.
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
            existing(rel).map_err(|e| e.unwrap_or_else(|| "it vanished".into()).into())
        }
        Err(e) => Err(e.error.to_string().into()),
    }
}
