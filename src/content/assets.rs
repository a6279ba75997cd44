//! The files a write-up's body refers to (images, and links to files that
//! are not write-ups): where each is read from, where it is published
//! (beside the write-up's page), and the checks that it is there, is a
//! regular file inside `content/` (links are not followed) and is not too
//! large. Root-relative images (`/img/x.png`) are read from `static/`.
//! Which files exist can change without the write-up changing, so this runs
//! on every load, after the parse cache.

use super::WriteUp;
use crate::config::{ActiveAssets, Config};
use crate::confine::Refusal;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Reason;
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
    /// Published sanitised ([`sanitize_svg`]) rather than as it is.
    pub sanitize: bool,
}

/// A kind of file a browser runs as a document of its own, at the address
/// it is served from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Active {
    Svg,
    /// HTML, XHTML, XML and their relatives.
    Markup,
}

/// Whether a browser would run the file `name` as a page (by its
/// extension, as static hosts choose its type).
pub fn active_kind(name: &str) -> Option<Active> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "svg" => Some(Active::Svg),
        "html" | "htm" | "xhtml" | "xht" | "shtml" | "shtm" | "mht" | "mhtml" | "xml" | "xsl"
        | "xslt" | "svgz" | "hta" => Some(Active::Markup),
        _ => None,
    }
}

/// An SVG image with nothing in it that could run or reach out: no
/// script, event handler, foreign object or external reference (Cloudflare's
/// `svg-hush`). Why not, for a file that is not well-formed SVG.
pub fn sanitize_svg(bytes: &[u8]) -> Result<Vec<u8>, Reason> {
    let mut out = Vec::with_capacity(bytes.len());
    svg_hush::Filter::new()
        .filter(bytes, &mut out)
        .map_err(|e| match e {
            svg_hush::FError::Reader(e) => format!("it is not well-formed XML: {e}"),
            other => format!("it cannot be read as SVG: {other}"),
        })?;
    Ok(out)
}

/// The address without its query and fragment, percent-decoded.
fn path_of(dest: &str) -> String {
    let path = dest.trim().split(['?', '#']).next().unwrap_or("");
    crate::text::percent_decode(path).unwrap_or_else(|| path.to_string())
}

/// For a write-up at `content_path` (inside `content/`) that refers to
/// `dest` beside it: the file relative to `content/`, and where it is
/// published relative to the page's folder. Refused when the path leaves
/// `content/` or cannot name a file.
pub fn publish_path(content_path: &str, dest: &str) -> Result<(String, String), Refusal> {
    let folder = content_path
        .rsplit_once('/')
        .map_or("", |(folder, _)| folder);
    let source = crate::confine::join(folder, dest)?;
    let publish = match source.strip_prefix(folder) {
        Some(rest) if folder.is_empty() => rest.to_string(),
        Some(rest) if rest.starts_with('/') => rest[1..].to_string(),
        // From elsewhere in `content/`: kept apart from the write-up's own.
        _ => format!("_/{source}"),
    };
    Ok((source, publish))
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
    config: &Config,
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
                let (source, publish) = match publish_path(&w.content_path, &r.dest) {
                    Ok(paths) => paths,
                    Err(Refusal::BadName(why)) => {
                        diagnostics.push(problem(
                            format!("{what} `{}` cannot name a file: {why}", r.dest),
                            "rename the file and the link".into(),
                        ));
                        continue;
                    }
                    Err(_) => {
                        diagnostics.push(problem(
                            format!("{what} `{}` is outside content/", r.dest),
                            "keep the files a write-up refers to under content/, beside it".into(),
                        ));
                        continue;
                    }
                };
                if publish == "index.html" {
                    diagnostics.push(problem(
                        format!("{what} `{}` would replace the write-up's own page", r.dest),
                        "rename the file".into(),
                    ));
                    continue;
                }
                let checked = check_file(&content_dir, &source, config.max_asset_bytes).and_then(
                    |(len, modified)| {
                        let (publish, sanitize) =
                            treatment(&content_dir, &source, publish, config)?;
                        Ok(Asset {
                            source,
                            publish,
                            len,
                            modified,
                            sanitize,
                        })
                    },
                );
                match checked {
                    Ok(asset) => {
                        if !assets.iter().any(|a| a.source == asset.source) {
                            assets.push(asset);
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

/// Where a file is published, and whether it is sanitised, by what
/// `assets.active` says of a file a browser would run; or why it cannot be
/// published.
fn treatment(
    content_dir: &Path,
    source: &str,
    publish: String,
    config: &Config,
) -> Result<(String, bool), (String, String)> {
    let Some(kind) = active_kind(source) else {
        return Ok((publish, false));
    };
    match (config.active_assets, kind) {
        (ActiveAssets::Allow, _) => Ok((publish, false)),
        (ActiveAssets::Refuse, _) => Err((
            format!(
                "is a file a browser would run as a page of the site (content/{source}); its scripts would run at the site's address"
            ),
            "set `assets.active: inert` in blameless.yaml to publish it so that nothing in it runs (SVG sanitised, HTML and XML as text), or convert it to PDF or PNG".into(),
        )),
        (ActiveAssets::Inert, Active::Markup) => Ok((format!("{publish}.txt"), false)),
        (ActiveAssets::Inert, Active::Svg) => {
            let bytes = crate::confine::read(content_dir, source)
                .map_err(|e| (format!("cannot be read: content/{source}: {e}"), "check the file".to_string()))?;
            sanitize_svg(&bytes).map_err(|why| {
                (
                    format!("cannot be made safe to publish (content/{source}): {why}"),
                    "export the picture again as SVG, or as PNG".into(),
                )
            })?;
            Ok((publish, true))
        }
    }
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
    let in_static = crate::confine::join("", relative);
    if in_static
        .as_ref()
        .is_ok_and(|rel| crate::confine::inspect(&root.join("static"), rel).is_ok())
    {
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
    let shown = format!("content/{source}");
    let (len, modified) = match crate::confine::inspect(content_dir, source) {
        Ok(found) => found,
        Err(Refusal::Missing(_)) => {
            return Err((
                format!("names no file: there is no {shown}"),
                missing_hint(&content_dir.join(source)),
            ))
        }
        Err(Refusal::Link(at)) => {
            let what = if at == source { "is" } else { "goes through" };
            return Err((
                format!("{what} a symbolic link (content/{at}); links are not followed"),
                "copy the file there instead of linking to it".into(),
            ));
        }
        Err(Refusal::NotFile("a folder")) => {
            return Err((
                format!("is a folder ({shown}), not a file"),
                "link to a file in it".into(),
            ))
        }
        Err(Refusal::NotFile(kind)) => {
            return Err((
                format!("is {kind} ({shown}), not a regular file"),
                "only regular files are published; copy the data into a file".into(),
            ))
        }
        Err(e) => {
            return Err((
                format!("cannot be read: {shown}: {e}"),
                "check the file's permissions".into(),
            ))
        }
    };
    if len > max_bytes {
        return Err((
            format!(
                "is {:.1} MiB ({shown}); a file a write-up refers to may be at most {} MiB",
                len as f64 / 1048576.0,
                max_bytes / 1048576
            ),
            "make it smaller, link to where it is kept, or raise `assets.max_size_mb` in blameless.yaml".into(),
        ));
    }
    Ok((len, modified))
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
        let p = |c: &str, d: &str| publish_path(c, d).ok();
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
