//! Raw HTML in bodies, in the default `sanitize` mode: the sanitiser
//! (ammonia) drops scripts, event handlers and script URLs; before it runs,
//! tags that would swallow the rest of the page are defused, and HTML blocks
//! that never end are cut back to their first line, so one stray tag never
//! takes the write-up below it away.

use pulldown_cmark::{Event, Parser, Tag};
use std::borrow::Cow;
use std::sync::OnceLock;

/// HTML blocks that CommonMark ends only at a line holding one of these
/// elements' end tags: left open, one makes the rest of the body raw HTML,
/// shown as unrendered Markdown or dropped with it.
const TO_END_TAG: &[&str] = &["script", "pre", "style", "textarea"];

/// `body` with the `<` of each HTML block of [`TO_END_TAG`] that no end
/// tag ends written as `&lt;`: the tag then reads as text and the rest of
/// the body as Markdown. Parses the body once more only when it has such a
/// start tag at all.
pub(super) fn end_runaway_blocks(body: &str) -> Cow<'_, str> {
    let has_start = body
        .match_indices('<')
        .any(|(at, _)| tag_name(&body[at + 1..], TO_END_TAG).is_some());
    if !has_start {
        return body.into();
    }
    let mut cuts = Vec::new();
    for (event, range) in Parser::new_ext(body, super::options()).into_offset_iter() {
        let Event::Start(Tag::HtmlBlock) = event else {
            continue;
        };
        let block = &body[range.clone()];
        let Some(open) = block.find('<') else {
            continue;
        };
        if tag_name(&block[open + 1..], TO_END_TAG).is_none() {
            continue;
        }
        let ended = block
            .match_indices("</")
            .any(|(at, _)| tag_name(&block[at + 2..], TO_END_TAG).is_some());
        if !ended {
            cuts.push(range.start + open);
        }
    }
    if cuts.is_empty() {
        return body.into();
    }
    let mut out = String::with_capacity(body.len() + 3 * cuts.len());
    let mut copied = 0;
    for cut in cuts {
        out.push_str(&body[copied..cut]);
        out.push_str("&lt;");
        copied = cut + 1;
    }
    out.push_str(&body[copied..]);
    out.into()
}

/// Which of `names` the tag name at the start of `text` is (any case),
/// when a space, `>`, `/` or the end follows it.
fn tag_name<'n>(text: &str, names: &[&'n str]) -> Option<&'n str> {
    let len = text
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let follows = text.as_bytes().get(len).copied();
    if len == 0
        || !matches!(
            follows,
            None | Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
        )
    {
        return None;
    }
    names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(&text[..len]))
        .copied()
}

/// The sanitised `html` of a rendered body.
pub(super) fn sanitize(html: &str) -> String {
    sanitizer().clean(&defuse_swallowing_tags(html)).to_string()
}

/// Sanitiser for bodies that contain raw HTML: keeps the markup blameless
/// itself writes (classes, ids, ARIA) and drops scripts, event handlers and
/// script URLs.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes([
            "class",
            "id",
            "aria-label",
            "aria-hidden",
            "role",
            "tabindex",
        ])
        .add_tags(["details", "summary", "section", "figure", "figcaption"])
        .add_tag_attributes("pre", ["data-lang"])
        .link_rel(None);
        b
    })
}

/// Elements whose content an HTML parser reads as text up to their end
/// tag (or, for `plaintext`, to the end of the document), and `select`, in
/// which it ignores every other tag. Left open in a body, one takes the
/// rest of the page with it: shown as escaped markup, flattened, or, for
/// `script`, `style` and `template`, dropped. Raw HTML is the only source
/// of these tags in a rendered body (Markdown text is escaped).
const SWALLOWING: &[&str] = &[
    "plaintext",
    "xmp",
    "textarea",
    "title",
    "noembed",
    "noframes",
    "iframe",
    "noscript",
    "style",
    "script",
    "template",
    "select",
];

/// Renames every `plaintext` tag, and each start tag of the other
/// [`SWALLOWING`] elements that no end tag follows, to an element the
/// sanitiser does not know, so that it drops the tag and keeps what follows
/// as ordinary markup. A closed `script` stays closed, and the sanitiser
/// removes it with its content as before.
fn defuse_swallowing_tags(html: &str) -> Cow<'_, str> {
    // Each tag: (start of its name, name length, is an end tag, element).
    let mut tags: Vec<(usize, usize, bool, usize)> = Vec::new();
    for (at, _) in html.match_indices('<') {
        let end = html[at + 1..].starts_with('/');
        let name_at = at + 1 + usize::from(end);
        if let Some(name) = tag_name(&html[name_at..], SWALLOWING) {
            let element = SWALLOWING.iter().position(|e| *e == name).unwrap_or(0);
            tags.push((name_at, name.len(), end, element));
        }
    }
    if tags.is_empty() {
        return html.into();
    }
    // Whether an end tag of each element comes after a given tag.
    let mut closed_after = vec![false; SWALLOWING.len()];
    let mut defuse = vec![false; tags.len()];
    for (i, &(_, _, end, element)) in tags.iter().enumerate().rev() {
        if end {
            closed_after[element] = true;
        } else {
            defuse[i] = SWALLOWING[element] == "plaintext" || !closed_after[element];
        }
    }
    let mut out = String::with_capacity(html.len() + 16);
    let mut copied = 0;
    for (&(name_at, name_len, end, element), &start_defused) in tags.iter().zip(&defuse) {
        if start_defused || (end && SWALLOWING[element] == "plaintext") {
            out.push_str(&html[copied..name_at]);
            out.push_str("blameless-defused");
            copied = name_at + name_len;
        }
    }
    out.push_str(&html[copied..]);
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RawHtml;

    fn html(markdown: &str) -> String {
        super::super::render(markdown, RawHtml::Sanitize, &[], &|_| None)
    }

    #[test]
    fn tags_that_would_take_the_rest_of_the_page_are_dropped() {
        let legacy = ["PlainText", "XMP", "listing"];
        let blocks = SWALLOWING.iter().chain(&legacy).chain(TO_END_TAG);
        let block_starts = blocks.map(|tag| format!("<{tag}>\n\n## After\n\nText *em*\n"));
        let inline_starts = SWALLOWING
            .iter()
            .chain(&legacy)
            .map(|tag| format!("a <{tag} class=x>b\n\n## After\n\nText *em*\n"));
        for markdown in block_starts.chain(inline_starts) {
            let after = &markdown[markdown.find('<').unwrap() + 1..];
            let tag = after[..after.find([' ', '>']).unwrap()].to_ascii_lowercase();
            {
                let out = html(&markdown);
                assert!(
                    out.ends_with("<h2 id=\"after\"><a class=\"heading-link\" href=\"#after\">After</a></h2>\n<p>Text <em>em</em></p>\n"),
                    "{markdown:?}: {out:?}"
                );
                assert!(
                    !out.to_ascii_lowercase().contains(&format!("<{tag}")),
                    "{out}"
                );
                if markdown.starts_with('<') && TO_END_TAG.contains(&tag.as_str()) {
                    assert!(out.starts_with(&format!("<p>&lt;{tag}&gt;</p>")), "{out}");
                }
            }
        }
        // Closed, they are what they were: a script goes with its content,
        // xmp's content is text.
        let out = html("a <script>alert(1)</script> <xmp><b>x</b></xmp> b\n\n## After\n");
        assert!(
            out.starts_with("<p>a  </p>&lt;b&gt;x&lt;/b&gt; b<p></p>"),
            "{out}"
        );
        // `</plaintext>` closes nothing.
        let out = html("a <plaintext>b</plaintext> c\n\n## After\n");
        assert!(out.starts_with("<p>a b c</p>\n<h2"), "{out}");
    }
}
