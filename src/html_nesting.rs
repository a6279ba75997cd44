//! How deep HTML nests its elements, read from the tags alone, before an
//! HTML parser sees it: html5ever's tree builder takes quadratic time on
//! deep nesting (100,000 `div`s: 16 s in a body, 48 s in an import) and
//! htmd's conversion recurses once per level (10,000 levels overflow the
//! stack). Text past [`MAX_DEPTH`] levels is refused with its position.
//!
//! The count errs high, never low, for what a parser would nest: void
//! elements and those whose end tag may be left out (`p`, `li`, `td`...)
//! are not counted, since a parser closes them itself; every other start
//! tag opens a level until an end tag closes one.

/// Deepest nesting of elements read. Real exports nest a few dozen deep.
pub const MAX_DEPTH: usize = 512;

/// Elements with no content, and those a parser closes when a sibling
/// starts (their end tags are optional).
const NOT_COUNTED: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "basefont", "frame", "p", "li", "dt", "dd", "option", "optgroup",
    "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rtc", "rp", "html",
    "head", "body",
];

/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// The nesting of HTML read in pieces, in order (a body's raw HTML comes
/// as many fragments).
#[derive(Debug, Default)]
pub struct Nesting {
    depth: usize,
    /// Inside an element of [`RAW_TEXT`]: its name.
    raw_text: Option<String>,
}

impl Nesting {
    /// Reads `html`, which starts at byte `base` of the whole text; the
    /// offset of the start tag that goes past [`MAX_DEPTH`], if one does.
    pub fn feed(&mut self, html: &str, base: usize) -> Option<usize> {
        let bytes = html.as_bytes();
        let mut at = 0;
        while let Some(found) = html[at..].find('<') {
            let lt = at + found;
            at = lt + 1;
            if let Some(name) = &self.raw_text {
                let close = format!("</{name}");
                let rest = &html[lt..];
                if rest.len() >= close.len() && rest[..close.len()].eq_ignore_ascii_case(&close) {
                    self.raw_text = None;
                }
                continue;
            }
            let rest = &html[at..];
            if let Some(comment) = rest.strip_prefix("!--") {
                at += 3 + comment.find("-->").map_or(comment.len(), |e| e + 3);
                continue;
            }
            let end_tag = rest.starts_with('/');
            let name_start = at + usize::from(end_tag);
            let name_len = bytes[name_start..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
                .count();
            if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
                continue;
            }
            let name = html[name_start..name_start + name_len].to_ascii_lowercase();
            // A tag that never ends takes the rest of the text with it.
            let Some(tag_end) = end_of_tag(&html[name_start..]).map(|e| name_start + e) else {
                break;
            };
            let self_closing = bytes[tag_end - 1] == b'/';
            if end_tag {
                if !NOT_COUNTED.contains(&name.as_str()) {
                    self.depth = self.depth.saturating_sub(1);
                }
            } else if RAW_TEXT.contains(&name.as_str()) {
                self.raw_text = Some(name);
            } else if !self_closing && !NOT_COUNTED.contains(&name.as_str()) {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Some(base + lt);
                }
            }
            at = tag_end + 1;
        }
        None
    }
}

/// The offset of the `>` that ends the tag whose name starts `tag`,
/// skipping quoted attribute values.
fn end_of_tag(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, b) in tag.bytes().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// Where `html`, read whole, first nests past [`MAX_DEPTH`].
pub fn too_deep(html: &str) -> Option<usize> {
    Nesting::default().feed(html, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_found_at_the_tag_that_goes_past_the_bound() {
        let deep = format!(
            "<body>{}x{}",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        assert_eq!(too_deep(&deep), Some(6 + 5 * MAX_DEPTH));
        for tag in ["blockquote", "ul", "span"] {
            let html = format!("<{tag}>").repeat(MAX_DEPTH + 1);
            assert!(too_deep(&html).is_some(), "{tag}");
        }
        let at_bound = format!(
            "{}{}",
            "<div>".repeat(MAX_DEPTH),
            "</div>".repeat(MAX_DEPTH)
        );
        assert_eq!(too_deep(&at_bound), None);
    }

    #[test]
    fn siblings_void_elements_and_optional_end_tags_do_not_add_up() {
        let siblings = "<div>a</div>".repeat(10_000);
        assert_eq!(too_deep(&siblings), None);
        let loose = "<p>para<li>item<td>cell<br><img src=x><hr/>".repeat(10_000);
        assert_eq!(too_deep(&loose), None);
        // Tags inside comments, scripts and attribute values are not tags.
        let hidden = format!(
            "<!-- {} --><script>{}</script><a title=\"{}\">x</a>",
            "<div>".repeat(1000),
            "<div>".repeat(1000),
            "<div>".repeat(1000)
        );
        assert_eq!(too_deep(&hidden), None);
        // A tag left open ends the reading, in linear time.
        assert_eq!(too_deep(&"<a title=x ".repeat(100_000)), None);
        let mut pieces = Nesting::default();
        for i in 0..MAX_DEPTH {
            assert_eq!(pieces.feed("<section>", i * 9), None);
        }
        assert_eq!(pieces.feed("<section>", 9 * MAX_DEPTH), Some(9 * MAX_DEPTH));
    }
}
