//! Markdown in one-line front-matter fields (timeline events, action item
//! tasks, lessons, impact texts): code spans, emphasis, strikethrough and
//! links, and nothing that makes a block. Raw HTML shows as text and images
//! as their alt text, so a field can never change the page around it.

use super::{link_dest, LinkDest};
use crate::text::{escape_html, squash_whitespace};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// Bytes that may start inline markup; a field without any is plain text.
fn has_markup(text: &str) -> bool {
    text.bytes()
        .any(|b| matches!(b, b'`' | b'*' | b'_' | b'[' | b'<' | b'~' | b'\\' | b'&'))
}

/// `text` with a backslash where its start would open a block (a heading,
/// a list, a quote, a fence, a rule or a link definition), so that it
/// stays the text of one paragraph.
fn keep_inline(text: &str) -> String {
    let bytes = text.as_bytes();
    let escape_first = || format!("\\{text}");
    match bytes.first() {
        Some(b'#') => {
            let hashes = bytes.iter().take_while(|&&b| b == b'#').count();
            if hashes <= 6 && bytes.get(hashes).is_none_or(|&b| b == b' ') {
                return escape_first();
            }
        }
        Some(b'>') => return escape_first(),
        Some(&c @ (b'-' | b'+' | b'*' | b'_')) => {
            let rule = bytes.iter().all(|&b| b == c || b == b' ')
                && bytes.iter().filter(|&&b| b == c).count() >= 3;
            let list = c != b'_' && bytes.get(1).is_none_or(|&b| b == b' ');
            if rule || list {
                return escape_first();
            }
        }
        Some(b'`') | Some(b'~') if text.starts_with("```") || text.starts_with("~~~") => {
            return escape_first();
        }
        Some(b'[') => {
            if let Some(close) = text.find(']') {
                if text[close + 1..].starts_with(':') {
                    return escape_first();
                }
            }
        }
        Some(b'0'..=b'9') => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits <= 9
                && matches!(bytes.get(digits), Some(b'.' | b')'))
                && bytes.get(digits + 1).is_none_or(|&b| b == b' ')
            {
                return format!("{}\\{}", &text[..digits], &text[digits..]);
            }
        }
        _ => {}
    }
    text.to_string()
}

/// Renders a field's text to inline HTML. `resolve` maps a link to another
/// write-up's `.md` file to its page (`None`: the text without the link).
pub fn inline(text: &str, resolve: &dyn Fn(&str) -> Option<String>) -> String {
    inline_markup(text, resolve).unwrap_or_else(|| plain_html(text))
}

/// The HTML of a field without markup: its text, whitespace squashed,
/// escaped.
pub fn plain_html(text: &str) -> String {
    escape_html(&squash_whitespace(text))
}

/// [`inline`], or `None` for text without markup, whose HTML is the text
/// escaped (most fields: kept apart, they need not be stored twice).
pub fn inline_markup(text: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if !has_markup(text) {
        return None;
    }
    let text = squash_whitespace(text);
    let source = keep_inline(&text);
    let mut events: Vec<Event> = Vec::new();
    let mut dropped_links = Vec::new();
    let mut in_image = 0usize;
    for event in Parser::new_ext(&source, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Start(_) | Event::End(_) if in_image > 0 => {}
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match link_dest(dest_url, resolve) {
                    LinkDest::Dropped => None,
                    LinkDest::Page(url) => Some(CowStr::from(url)),
                    LinkDest::As(dest) => Some(dest),
                };
                dropped_links.push(dest_url.is_none());
                if let Some(dest_url) = dest_url {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                if dropped_links.pop() == Some(false) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => events.push(Event::Text(html)),
            Event::SoftBreak | Event::HardBreak => events.push(Event::Text(" ".into())),
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(text.len() + 16);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Some(html.trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(text: &str) -> String {
        inline(text, &|dest| {
            (dest == "2017-01-31-db.md").then(|| "/incidents/db/".to_string())
        })
    }

    #[test]
    fn plain_text_is_escaped_as_it_is() {
        assert_eq!(
            html("Alert fired for replication lag"),
            "Alert fired for replication lag"
        );
        assert_eq!(html("p95 > 2 s \"high\""), "p95 &gt; 2 s &quot;high&quot;");
        assert_eq!(html("one\ntwo"), "one two");
    }

    #[test]
    fn code_emphasis_and_links_render() {
        assert_eq!(
            html("Ran `pg_basebackup` on *db2*, see [the runbook](https://wiki.example.com/db)"),
            "Ran <code>pg_basebackup</code> on <em>db2</em>, see <a href=\"https://wiki.example.com/db\">the runbook</a>"
        );
        assert_eq!(html("~~old~~ new"), "<del>old</del> new");
        assert_eq!(
            html("As in [the January outage](2017-01-31-db.md)"),
            "As in <a href=\"/incidents/db/\">the January outage</a>"
        );
        assert_eq!(html("As in [a draft](other.md)"), "As in a draft");
    }

    #[test]
    fn nothing_becomes_a_block() {
        assert_eq!(html("# not a heading"), "# not a heading");
        assert_eq!(html("- not a list"), "- not a list");
        assert_eq!(html("1. Restarted `db1`"), "1. Restarted <code>db1</code>");
        assert_eq!(html("> not a quote *x*"), "&gt; not a quote <em>x</em>");
        assert_eq!(html("```sh"), "```sh");
        assert_eq!(html("---"), "---");
        assert_eq!(
            html("[a]: https://x.org/ *y*"),
            "[a]: https://x.org/ <em>y</em>"
        );
        assert_eq!(html("*emphasis* first"), "<em>emphasis</em> first");
    }

    #[test]
    fn html_images_and_script_links_are_defused() {
        assert_eq!(html("<b>x</b> & y"), "&lt;b&gt;x&lt;/b&gt; &amp; y");
        assert_eq!(html("see ![graph of lag](lag.png)"), "see graph of lag");
        assert_eq!(html("[click](javascript:alert(1))"), "click");
    }
}
