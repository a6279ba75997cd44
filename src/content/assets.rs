//! The files a write-up's body refers to (images, and links to files that
//! are not write-ups): where each is read from, where it is published
//! (beside the write-up's page), and the checks that it is there, is a
//! regular file inside `content/` (links are not followed) and is not too
//! large. Root-relative images (`/img/x.png`) are read from `static/`.
//! Which files exist can change without the write-up changing, so this runs
//! on every load, after the parse cache.

use super::WriteUp;
use crate::diagnostic::Diagnostic;
use crate::markdown::refs::{place, Place};
use crate::markdown::FileRef;
use std::path::Path;

/// A file published beside a write-up's page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Asset {
    /// The file, relative to `content/` (`2019-12-04-node-deletion/lag.png`).
    pub source: String,
    /// Where it is published, relative to the page's folder (`lag.png`).
    pub publish: String,
    /// Its size and modification time, which say whether it changed.
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
}

/// The address without its query and fragment, percent-decoded.
fn path_of(dest: &str) -> String {
    let path = dest.trim().split(['?', '#']).next().unwrap_or("");
    crate::text::percent_decode(path).unwrap_or_else(|| path.to_string())
}

/// For a write-up at `content_path` (inside `content/`) that refers to
/// `dest` beside it: the file relative to `content/`, and where it is
/// published relative to the page's folder. `None` when the path leaves
/// `content/`.
pub fn publish_path(content_path: &str, dest: &str) -> Option<(String, String)> {
    let folder: Vec<&str> = content_path.split('/').collect();
    let folder = &folder[..folder.len() - 1];
    // Read as links between write-ups are: relative, decoded, inside.
    let without_query = dest.trim().split('?').next().unwrap_or("");
    let source = super::resolve_content_link(content_path, without_query)?;
    let parts: Vec<&str> = source.split('/').collect();
    let inside = parts.len() > folder.len() && parts[..folder.len()] == *folder;
    let publish = if inside {
        parts[folder.len()..].join("/")
    } else {
        // From elsewhere in `content/`: kept apart from the write-up's own.
        format!("_/{source}")
    };
    Some((source, publish))
}

/// The URL path (below the page's folder) of a published file, each
/// segment encoded, with the address's query and fragment.
pub fn publish_url(publish: &str, dest: &str) -> String {
    let mut url: String = publish
        .split('/')
        .map(crate::text::percent_encode)
        .collect::<Vec<_>>()
        .join("/");
    if let Some(at) = dest.find(['?', '#']) {
        url.push_str(&dest[at..]);
    }
    url
}

/// The URL path below the site root of a root-relative address, without
/// its leading `/`.
pub fn root_url(dest: &str) -> &str {
    dest.trim().trim_start_matches('/')
}

/// Resolves every file `w` refers to: its assets, and a diagnostic for
/// each reference that cannot be published.
pub(super) fn resolve(
    w: &WriteUp,
    root: &Path,
    max_bytes: u64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Asset> {
    let content_dir = root.join("content");
    let mut assets: Vec<Asset> = Vec::new();
    for r in &w.scan.files {
        let what = if r.image { "image" } else { "link to" };
        let (line, column) = w.body_position(r.offset);
        let problem = |message: String, hint: String| {
            Diagnostic::error(&w.file, message)
                .at(line, column)
                .with_source(&w.text)
                .with_hint(hint)
        };
        match place(&r.dest) {
            Some(Place::Root) => {
                if let Some(d) = check_root_image(r, root, &problem) {
                    diagnostics.push(d);
                }
            }
            Some(Place::Beside) => {
                let Some((source, publish)) = publish_path(&w.content_path, &r.dest) else {
                    diagnostics.push(problem(
                        format!("{what} `{}` is outside content/", r.dest),
                        "keep the files a write-up refers to under content/, beside it".into(),
                    ));
                    continue;
                };
                if publish == "index.html" {
                    diagnostics.push(problem(
                        format!("{what} `{}` would replace the write-up's own page", r.dest),
                        "rename the file".into(),
                    ));
                    continue;
                }
                match check_file(&content_dir, &source, max_bytes) {
                    Ok((len, modified)) => {
                        if !assets.iter().any(|a| a.source == source) {
                            assets.push(Asset {
                                source,
                                publish,
                                len,
                                modified,
                            });
                        }
                    }
                    Err((message, hint)) => {
                        diagnostics.push(problem(format!("{what} `{}` {message}", r.dest), hint))
                    }
                }
            }
            None => {}
        }
    }
    assets
}

/// An image from the site root must be in `static/` (links may name pages
/// the build makes, and are not checked).
fn check_root_image(
    r: &FileRef,
    root: &Path,
    problem: &dyn Fn(String, String) -> Diagnostic,
) -> Option<Diagnostic> {
    if !r.image {
        return None;
    }
    let path = path_of(&r.dest);
    let relative = path.trim_start_matches('/');
    let file = root.join("static").join(relative);
    if file.is_file() {
        return None;
    }
    Some(problem(
        format!(
            "image `{}` is not in static/ (there is no static/{relative})",
            r.dest
        ),
        format!(
            "put the file at static/{relative}, or beside the write-up and refer to it by its name"
        ),
    ))
}

/// Size and modification time of a regular file under `content_dir`, or
/// why it cannot be published (the rest of a message, and a hint).
fn check_file(
    content_dir: &Path,
    source: &str,
    max_bytes: u64,
) -> Result<(u64, Option<std::time::SystemTime>), (String, String)> {
    let path = content_dir.join(source);
    let shown = format!("content/{source}");
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err((
                format!("names no file: there is no {shown}"),
                missing_hint(&path),
            ))
        }
        Err(e) => {
            return Err((
                format!("cannot be read: {shown}: {e}"),
                "check the file's permissions".into(),
            ))
        }
    };
    if meta.file_type().is_symlink() {
        return Err((
            format!("is a symbolic link ({shown}); links are not followed"),
            "copy the file there instead of linking to it".into(),
        ));
    }
    if meta.is_dir() {
        return Err((
            format!("is a folder ({shown}), not a file"),
            "link to a file in it".into(),
        ));
    }
    if meta.len() > max_bytes {
        return Err((
            format!(
                "is {:.1} MiB ({shown}); a file a write-up refers to may be at most {} MiB",
                meta.len() as f64 / 1048576.0,
                max_bytes / 1048576
            ),
            "make it smaller, link to where it is kept, or raise `assets.max_size_mb` in blameless.yaml".into(),
        ));
    }
    Ok((meta.len(), meta.modified().ok()))
}

/// A did-you-mean among the files in the folder a missing file was looked
/// for in.
fn missing_hint(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut names: Vec<String> = path
        .parent()
        .and_then(|dir| std::fs::read_dir(dir).ok())
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !n.ends_with(".md"))
        .collect();
    names.sort();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    match crate::text::did_you_mean(&name, &refs) {
        Some(s) => format!("did you mean `{s}`?"),
        None if refs.is_empty() => {
            "put the file beside the write-up (a write-up may be a folder: content/<date>-<slug>/index.md with its files)".into()
        }
        None => format!("the files there: {}", refs.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_publish_beside_the_page() {
        let p = |c: &str, d: &str| publish_path(c, d);
        assert_eq!(
            p("2019-12-04-node/index.md", "lag.png"),
            Some(("2019-12-04-node/lag.png".into(), "lag.png".into()))
        );
        assert_eq!(
            p("2019-12-04-node/index.md", "./img/lag%20p95.png?v=2#x"),
            Some((
                "2019-12-04-node/img/lag p95.png".into(),
                "img/lag p95.png".into()
            ))
        );
        assert_eq!(
            p("a.md", "lag.png"),
            Some(("lag.png".into(), "lag.png".into()))
        );
        assert_eq!(
            p("2019/a.md", "../shared/x.pdf"),
            Some(("shared/x.pdf".into(), "_/shared/x.pdf".into()))
        );
        assert_eq!(p("a.md", "../x.png"), None);
        assert_eq!(
            publish_url("img/lag p95.png", "img/lag%20p95.png?v=2#x"),
            "img/lag%20p95.png?v=2#x"
        );
    }
}
