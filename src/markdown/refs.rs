//! The files a body refers to: which link and image addresses are files
//! of the site (beside the write-up, or from the site root), the `src` and
//! `href` of raw HTML tags, and rewriting those addresses in HTML (to the
//! published file, or to absolute URLs for feed readers).

use std::borrow::Cow;

/// Where a local address points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Place {
    /// Beside the write-up (`lag.png`, `data/run.csv`, `../shared/x.pdf`).
    Beside,
    /// From the site root (`/img/x.png`).
    Root,
}

/// Whether `dest` names a file of the site, and where; `None` for web
/// addresses, fragments, `mailto:` and the like, and links to write-ups.
pub fn place(dest: &str) -> Option<Place> {
    let dest = dest.trim();
    let path = dest.split(['?', '#']).next().unwrap_or("");
    if path.is_empty() || dest.starts_with("//") {
        return None;
    }
    if super::has_scheme(dest) || super::is_writeup_link(dest) {
        return None;
    }
    Some(if dest.starts_with('/') {
        Place::Root
    } else {
        Place::Beside
    })
}

/// An attribute value's place in an HTML text.
struct Attr {
    name: std::ops::Range<usize>,
    value: std::ops::Range<usize>,
}

/// A start tag: its name (lower case), where it starts, its attributes.
struct StartTag {
    name: String,
    start: usize,
    attrs: Vec<Attr>,
}

/// The start tags of an HTML text, with their attributes.
fn start_tags(html: &str) -> Vec<StartTag> {
    let b = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(at) = html[i..].find('<').map(|p| p + i) {
        i = at + 1;
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name_end = html[i..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .map_or(b.len(), |p| p + i);
        let mut tag = StartTag {
            name: html[i..name_end].to_ascii_lowercase(),
            start: at,
            attrs: Vec::new(),
        };
        i = name_end;
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let name_start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !b"=>/".contains(&b[i]) {
                i += 1;
            }
            let name = name_start..i;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if b.get(i) != Some(&b'=') {
                tag.attrs.push(Attr { name, value: i..i });
                continue;
            }
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let value = match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = html[i + 1..].find(q as char).map_or(b.len(), |p| p + i + 1);
                    let range = i + 1..end;
                    i = (end + 1).min(b.len());
                    range
                }
                _ => {
                    let start = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    start..i
                }
            };
            tag.attrs.push(Attr { name, value });
        }
        tags.push(tag);
    }
    tags
}

/// The few entities an address may hold in HTML.
fn unescape(value: &str) -> Cow<'_, str> {
    if !value.contains('&') {
        return Cow::Borrowed(value);
    }
    Cow::Owned(
        value
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// What a raw HTML text says about images and links.
pub struct HtmlRef {
    /// Byte offset of the tag in the text.
    pub offset: usize,
    pub image: bool,
    /// `src` of an image or `href` of a link, as written.
    pub dest: Option<String>,
    /// An image's `alt`, `None` when it has none.
    pub alt: Option<String>,
}

/// The `<img>` and `<a>` tags of a raw HTML text.
pub fn html_refs(html: &str) -> Vec<HtmlRef> {
    start_tags(html)
        .into_iter()
        .filter(|t| t.name == "img" || t.name == "a")
        .map(|t| {
            let attr = |name: &str| {
                t.attrs
                    .iter()
                    .find(|a| html[a.name.clone()].eq_ignore_ascii_case(name))
                    .map(|a| unescape(&html[a.value.clone()]).into_owned())
            };
            let image = t.name == "img";
            HtmlRef {
                offset: t.start,
                image,
                dest: attr(if image { "src" } else { "href" }),
                alt: attr("alt"),
            }
        })
        .collect()
}

/// `html` with each `src` and `href` value that `map` gives a new address
/// replaced by it; with `alt_for_images`, `alt=""` added to `<img>` tags
/// without one, as valid HTML needs.
pub fn rewrite<'h>(
    html: &'h str,
    map: &dyn Fn(&str) -> Option<String>,
    alt_for_images: bool,
) -> Cow<'h, str> {
    if !html.contains('<') {
        return Cow::Borrowed(html);
    }
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for tag in start_tags(html) {
        let mut has_alt = false;
        for a in &tag.attrs {
            let name = &html[a.name.clone()];
            has_alt |= name.eq_ignore_ascii_case("alt");
            if !(name.eq_ignore_ascii_case("src") || name.eq_ignore_ascii_case("href")) {
                continue;
            }
            if let Some(new) = map(&unescape(&html[a.value.clone()])) {
                let escaped = crate::text::escape_html(&new);
                edits.push((a.value.clone(), escaped));
            }
        }
        if alt_for_images && tag.name == "img" && !has_alt {
            let at = tag.start + 4;
            edits.push((at..at, " alt=\"\"".into()));
        }
    }
    if edits.is_empty() {
        return Cow::Borrowed(html);
    }
    edits.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(html.len() + 64);
    let mut last = 0;
    for (range, text) in edits {
        out.push_str(&html[last..range.start]);
        // An unquoted value gains quotes.
        let quoted = range.start > 0 && matches!(html.as_bytes()[range.start - 1], b'"' | b'\'');
        if quoted || range.is_empty() {
            out.push_str(&text);
        } else {
            out.push('"');
            out.push_str(&text);
            out.push('"');
        }
        last = range.end;
    }
    out.push_str(&html[last..]);
    Cow::Owned(out)
}

/// `html` (a rendered body) with every relative address made absolute
/// for a feed reader: `/x` against `origin` (`https://host`), `x` and
/// `#x` against `page` (the item's absolute URL).
pub fn absolute(html: &str, origin: &str, page: &str) -> String {
    rewrite(
        html,
        &|dest| {
            if dest.starts_with("//") {
                None
            } else if dest.starts_with('/') {
                Some(format!("{origin}{dest}"))
            } else if place(dest).is_some() || dest.starts_with('#') || dest.starts_with('?') {
                Some(format!("{page}{dest}"))
            } else {
                None
            }
        },
        false,
    )
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_addresses_are_told_from_the_rest() {
        assert_eq!(place("lag.png"), Some(Place::Beside));
        assert_eq!(place("data/run%201.csv?x#y"), Some(Place::Beside));
        assert_eq!(place("../shared/x.pdf"), Some(Place::Beside));
        assert_eq!(place("/img/x.png"), Some(Place::Root));
        for other in [
            "https://x.org/a.png",
            "//cdn.x.org/a.png",
            "#timeline",
            "mailto:a@b",
            "data:image/png;base64,AA",
            "../a.md",
            "b.md#x",
            "",
        ] {
            assert_eq!(place(other), None, "{other}");
        }
    }

    #[test]
    fn raw_tags_give_their_addresses_and_alt() {
        let refs = html_refs("<p><IMG SRC='lag.png' width=3><a class=x href=\"run.csv\">r</a><img src=y.png alt=\"Lag\"></p>");
        let got: Vec<(usize, bool, Option<&str>, Option<&str>)> = refs
            .iter()
            .map(|r| (r.offset, r.image, r.dest.as_deref(), r.alt.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (3, true, Some("lag.png"), None),
                (30, false, Some("run.csv"), None),
                (61, true, Some("y.png"), Some("Lag"))
            ]
        );
    }

    #[test]
    fn addresses_are_rewritten_and_images_get_alt() {
        let html = "<p><img src=\"lag.png\"> <a href=run.csv>r</a> <a href=\"https://x.org/\">x</a> src=\"t\"</p>";
        let out = rewrite(
            html,
            &|d| (!d.starts_with("https")).then(|| format!("/eng/incidents/a/{d}")),
            true,
        );
        assert_eq!(out, "<p><img alt=\"\" src=\"/eng/incidents/a/lag.png\"> <a href=\"/eng/incidents/a/run.csv\">r</a> <a href=\"https://x.org/\">x</a> src=\"t\"</p>");
    }

    #[test]
    fn feed_addresses_become_absolute() {
        let html = "<img src=\"/eng/incidents/a/lag.png\" alt=\"\"><a href=\"#timeline\">t</a><a href=\"https://x.org/\">x</a><a href=\"run.csv\">r</a>";
        assert_eq!(
            absolute(html, "https://wiki.example.com", "https://wiki.example.com/eng/incidents/a/"),
            "<img src=\"https://wiki.example.com/eng/incidents/a/lag.png\" alt=\"\"><a href=\"https://wiki.example.com/eng/incidents/a/#timeline\">t</a><a href=\"https://x.org/\">x</a><a href=\"https://wiki.example.com/eng/incidents/a/run.csv\">r</a>"
        );
    }
}
