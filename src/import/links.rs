//! The links of an imported body: to other imported documents (rewritten
//! to their write-ups, and `related`), to files beside it (which come
//! along), and to what cannot come along (text that keeps the address).

use super::draft::Draft;
use super::files::{self, Source};
use crate::markdown::refs::{place, Place};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A relative address with its query and fragment apart.
fn split_dest(dest: &str) -> (&str, &str) {
    match dest.find(['?', '#']) {
        Some(at) => (&dest[..at], &dest[at..]),
        None => (dest, ""),
    }
}

/// What [`links`] found in a body.
pub struct Links {
    /// The body with links to imported documents rewritten.
    pub body: String,
    /// The files to copy beside the write-up.
    pub files: Vec<files::Attachment>,
    /// Links to documents not imported, now text that keeps the address.
    pub kept: Vec<String>,
    /// Links to files that do not come along, with why; each is now text
    /// that keeps its address.
    pub not_copied: Vec<String>,
}

/// Links to other imported documents become links to their write-ups (and
/// `related`); local files in the document's folder come along.
pub fn links(
    body: &str,
    source: &Source,
    stems: &BTreeMap<PathBuf, String>,
    d: &mut Draft,
) -> Links {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let mut out = Links {
        body: String::new(),
        files: Vec::new(),
        kept: Vec::new(),
        not_copied: Vec::new(),
    };
    // Each link and image: its range, its address, whether it is an
    // image, and its text.
    let mut found: Vec<(std::ops::Range<usize>, String, bool, String)> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for (event, range) in pulldown_cmark::Parser::new(body).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let image = body[range.clone()].starts_with('!');
                open.push(found.len());
                found.push((range, dest_url.to_string(), image, String::new()));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                open.pop();
            }
            Event::Text(text) | Event::Code(text) => {
                for &i in &open {
                    found[i].3.push_str(&text);
                }
            }
            _ => {}
        }
    }
    let mut dests: Vec<&str> = Vec::new();
    for (_, dest, _, _) in &found {
        if !dests.contains(&dest.as_str()) {
            dests.push(dest);
        }
    }
    // Links to files that do not come along become text that keeps the
    // address: as links, they would name files `check` cannot find.
    let mut as_text: Vec<&str> = Vec::new();
    let mut rewrites: Vec<(&str, String)> = Vec::new();
    for dest in dests {
        let (_, suffix) = split_dest(dest);
        if crate::markdown::is_writeup_link(dest) {
            let target = crate::confine::join(source.folder(), dest)
                .ok()
                .and_then(|rel| source.root.join(rel).canonicalize().ok());
            match target.as_ref().and_then(|c| stems.get(c)) {
                Some(stem) => {
                    if !d.related.contains(stem) {
                        d.related.push(stem.clone());
                    }
                    // Written beside this one (the `../` is added for a folder).
                    rewrites.push((dest, format!("{stem}.md{suffix}")));
                }
                None => {
                    out.kept.push(dest.to_string());
                    as_text.push(dest);
                }
            }
        } else if place(dest) == Some(Place::Root)
            && found.iter().any(|(_, d, image, _)| d == dest && *image)
        {
            // An image from the root of the site the document came from:
            // nothing to bring along, and `check` would not find it.
            out.not_copied.push(format!(
                "{dest}: an image from the root of the document's own site"
            ));
            as_text.push(dest);
        } else if place(dest) == Some(Place::Beside) {
            match files::attachment(source, dest) {
                Ok(file) => {
                    if !out.files.iter().any(|f| f.to == file.to) {
                        out.files.push(file);
                    }
                }
                Err(why) => {
                    out.not_copied.push(format!("{dest}: {why}"));
                    as_text.push(dest);
                }
            }
        }
    }
    // The body again, each such link (but one inside another) as text.
    let mut text = String::with_capacity(body.len());
    let mut copied = 0;
    for (range, dest, image, words) in &found {
        if range.start < copied || !as_text.contains(&dest.as_str()) {
            continue;
        }
        let fence = if dest.contains('`') { "`` " } else { "`" };
        let close: String = fence.chars().rev().collect();
        let kind = if *image { "image " } else { "" };
        text.push_str(&body[copied..range.start]);
        text.push_str(&format!("{} ({kind}{fence}{dest}{close})", words.trim()));
        copied = range.end;
    }
    text.push_str(&body[copied..]);
    for (dest, new) in rewrites {
        text = text.replace(&format!("]({dest})"), &format!("]({new})"));
        text = text.replace(&format!("]: {dest}"), &format!("]: {new}"));
    }
    out.body = text;
    out
}
