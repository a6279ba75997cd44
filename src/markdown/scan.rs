//! Scanning a body for what validation needs, without rendering it: links
//! to other write-ups, the files it refers to, raw HTML, images without alt
//! text, headings named like the page's own sections, the first paragraph
//! and the word count.

use super::{is_writeup_link, options, refs};
use crate::text::squash_whitespace;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// A link in a body that points at another write-up's Markdown file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WriteUpLink {
    /// As written, e.g. `../2017-02-28-s3-outage.md#timeline`.
    pub dest: String,
    /// Byte offset of the link in the body.
    pub offset: usize,
    /// Its text: the words this write-up calls the other one by, which
    /// search finds the other one by.
    #[serde(default)]
    pub text: String,
}

/// An image or a link in a body that names a file of the site.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileRef {
    /// As written, e.g. `lag.png`, `data/run%201.csv`, `/img/x.png`.
    pub dest: String,
    /// Byte offset of the image or link in the body.
    pub offset: usize,
    pub image: bool,
}

/// A heading of the body named like a section the page makes from the
/// front matter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SectionHeading {
    /// The front-matter key of that section (`action_items`).
    pub key: String,
    /// The heading as written.
    pub text: String,
    pub offset: usize,
}

/// The front-matter key of the section a heading names, if any.
fn generated_section(heading: &str) -> Option<&'static str> {
    let name = heading
        .trim()
        .trim_end_matches([':', '?'])
        .trim()
        .to_lowercase();
    match name.as_str() {
        "timeline" | "incident timeline" => Some("timeline"),
        "impact" => Some("impact"),
        "action items" | "action-items" => Some("action_items"),
        "lessons" | "lessons learned" => Some("lessons"),
        _ => None,
    }
}

/// What validation needs to know about a body.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Scan {
    pub links: Vec<WriteUpLink>,
    /// Images, and links to files that are not write-ups, naming files of
    /// the site.
    #[serde(default)]
    pub files: Vec<FileRef>,
    /// Byte offsets of images without alt text.
    #[serde(default)]
    pub images_without_alt: Vec<usize>,
    /// Headings named like a section the page makes.
    #[serde(default)]
    pub sections: Vec<SectionHeading>,
    /// The alt text of raw HTML images (Markdown images' is in the text).
    #[serde(default)]
    pub html_alt: String,
    /// Byte offsets of raw HTML.
    pub raw_html: Vec<usize>,
    /// Where raw HTML nests elements past [`crate::html_nesting::MAX_DEPTH`].
    #[serde(default)]
    pub html_too_deep: Option<usize>,
    /// Plain text of the first paragraph.
    pub first_paragraph: String,
    pub words: usize,
}

/// The number of words in `text`, as `split_whitespace` counts them; ASCII
/// text is counted byte by byte, since `check` counts every write-up's words.
fn count_words(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    let mut words = 0;
    let mut in_word = false;
    for &b in text.as_bytes() {
        // char::is_whitespace also counts the vertical tab, which
        // u8::is_ascii_whitespace does not.
        let space = b.is_ascii_whitespace() || b == 0x0b;
        words += usize::from(!space && !in_word);
        in_word = !space;
    }
    words
}

pub fn scan(body: &str) -> Scan {
    let mut scan = Scan::default();
    let mut depth = 0usize;
    let mut in_first_paragraph = false;
    let mut first_done = false;
    // The image or heading being read: where it starts, its text so far.
    let mut image: Option<(usize, String)> = None;
    let mut heading: Option<(usize, String)> = None;
    // Inside a link to another write-up: its index in `scan.links`.
    let mut writeup_link: Option<usize> = None;
    let mut nesting = crate::html_nesting::Nesting::default();
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 && matches!(tag, Tag::Paragraph) && !first_done {
                    in_first_paragraph = true;
                }
                match &tag {
                    Tag::Link { dest_url, .. } if is_writeup_link(dest_url) => {
                        writeup_link = Some(scan.links.len());
                        scan.links.push(WriteUpLink {
                            dest: dest_url.to_string(),
                            offset: range.start,
                            text: String::new(),
                        });
                    }
                    Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                        let is_image = matches!(tag, Tag::Image { .. });
                        if refs::place(dest_url).is_some() {
                            scan.files.push(FileRef {
                                dest: dest_url.to_string(),
                                offset: range.start,
                                image: is_image,
                            });
                        }
                        if is_image {
                            image = Some((range.start, String::new()));
                        }
                    }
                    Tag::Heading { .. } => heading = Some((range.start, String::new())),
                    _ => {}
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth == 0 && in_first_paragraph {
                    in_first_paragraph = false;
                    first_done = true;
                }
                match end {
                    TagEnd::Link => writeup_link = None,
                    TagEnd::Image => {
                        if let Some((offset, alt)) = image.take() {
                            if alt.trim().is_empty() {
                                scan.images_without_alt.push(offset);
                            }
                        }
                    }
                    TagEnd::Heading(_) => {
                        if let Some((offset, text)) = heading.take() {
                            if let Some(key) = generated_section(&text) {
                                scan.sections.push(SectionHeading {
                                    key: key.to_string(),
                                    text: text.trim().to_string(),
                                    offset,
                                });
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(text) | Event::Code(text) => {
                scan.words += count_words(&text);
                if in_first_paragraph {
                    scan.first_paragraph.push_str(&text);
                }
                for (_, so_far) in [&mut image, &mut heading].into_iter().flatten() {
                    so_far.push_str(&text);
                }
                if let Some(link) = writeup_link.and_then(|i| scan.links.get_mut(i)) {
                    link.text.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak if in_first_paragraph => {
                scan.first_paragraph.push(' ');
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                scan.raw_html.push(range.start);
                scan_html(&mut scan, &html, range.start);
                if scan.html_too_deep.is_none() {
                    // The offset inside the fragment holds when it is the
                    // text as written (not inside a quote or list).
                    let exact = body.get(range.clone()) == Some(&html[..]);
                    scan.html_too_deep =
                        nesting
                            .feed(&html, range.start)
                            .map(|at| if exact { at } else { range.start });
                }
            }
            _ => {}
        }
    }
    scan.first_paragraph = squash_whitespace(&scan.first_paragraph);
    scan
}

/// The images and file links of a raw HTML text at `offset` in a body.
fn scan_html(scan: &mut Scan, html: &str, offset: usize) {
    for r in refs::html_refs(html) {
        let at = offset + r.offset;
        if let Some(dest) = r.dest.filter(|d| refs::place(d).is_some()) {
            scan.files.push(FileRef {
                dest,
                offset: at,
                image: r.image,
            });
        }
        match (r.image, r.alt) {
            (true, None) => scan.images_without_alt.push(at),
            (true, Some(alt)) if !alt.trim().is_empty() => {
                scan.html_alt.push_str(alt.trim());
                scan.html_alt.push('\n');
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        let bytes = [b'a', b' ', b'\t', b'\n', b'\r', 0x0b, 0x0c, b'-', 0x1f];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            texts = texts
                .iter()
                .flat_map(|t| bytes.iter().map(move |&b| format!("{t}{}", b as char)))
                .collect();
            for text in &texts {
                assert_eq!(
                    count_words(text),
                    text.split_whitespace().count(),
                    "{text:?}"
                );
            }
        }
        for text in ["caf\u{e9} au lait", "a\u{85}b", "a\u{2003}b\u{a0}c", "  "] {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn scan_finds_links_html_and_first_paragraph() {
        let body = "## Summary\n\nFirst *para*\ngoes on.\n\nSecond [x](../b.md) <b>y</b>\n";
        let s = scan(body);
        assert_eq!(s.first_paragraph, "First para goes on.");
        assert_eq!(s.links.len(), 1);
        assert_eq!(&body[s.links[0].offset..s.links[0].offset + 3], "[x]");
        assert_eq!(s.raw_html.len(), 2);
    }
}
