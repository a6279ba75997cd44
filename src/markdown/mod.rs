//! Markdown bodies: scanning them for what validation needs (links to other
//! write-ups, raw HTML, the first paragraph, word count) and rendering them to
//! HTML with heading anchors, alerts, highlighted code and safe raw HTML.

use crate::config::RawHtml;
use crate::highlight;
use crate::text::{escape_html, is_dangerous_url, slugify};
use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use std::collections::HashSet;

mod inline;
mod prose;
mod raw_html;
pub mod refs;
mod scan;

pub use inline::{inline, inline_markup, plain_html};
pub use prose::prose_ranges;
pub use scan::{scan, FileRef, Scan, SectionHeading, WriteUpLink};

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// True for a relative link to a `.md` file (optionally with `#fragment`).
pub fn is_writeup_link(dest: &str) -> bool {
    let path = dest.split('#').next().unwrap_or("");
    !dest.contains("://")
        && !dest.starts_with('/')
        && !dest.starts_with("mailto:")
        && path.to_ascii_lowercase().ends_with(".md")
}

/// A link relative to the current page: no scheme, not `/…`, not `#…`.
fn is_relative(dest: &str) -> bool {
    !dest.is_empty() && !has_scheme(dest) && !dest.starts_with('/') && !dest.starts_with('#')
}

/// Whether an address starts with a scheme (`https:`, `mailto:`): a colon
/// before any `/`, `?` or `#`.
fn has_scheme(dest: &str) -> bool {
    let path_start = dest.find(['/', '?', '#']).unwrap_or(dest.len());
    dest.find(':').is_some_and(|colon| colon < path_start)
}

/// Where a link of a body or a field goes, once checked.
enum LinkDest<'a> {
    /// A script URL, or a write-up not in this build: the text stays,
    /// without the link.
    Dropped,
    /// A write-up's `.md` file: its page.
    Page(String),
    /// Anything else, as written.
    As(CowStr<'a>),
}

fn link_dest<'a>(dest: CowStr<'a>, resolve: &dyn Fn(&str) -> Option<String>) -> LinkDest<'a> {
    if is_dangerous_url(&dest) {
        LinkDest::Dropped
    } else if is_writeup_link(&dest) {
        resolve(&dest).map_or(LinkDest::Dropped, LinkDest::Page)
    } else {
        LinkDest::As(dest)
    }
}

/// A body's text without markup, for search: prose, and the contents of
/// code blocks apart (engineers paste log lines there; search weighs them
/// lower). Blocks end with a line break.
pub fn plain_text(body: &str) -> (String, String) {
    let mut prose = String::new();
    let mut code = String::new();
    let mut in_code_block = false;
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                code.push('\n');
            }
            Event::Text(text) if in_code_block => code.push_str(&text),
            Event::Text(text) | Event::Code(text) => prose.push_str(&text),
            Event::SoftBreak | Event::HardBreak => prose.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_),
            ) if !prose.ends_with('\n') && !prose.is_empty() => {
                prose.push(if matches!(event, Event::End(TagEnd::TableCell)) {
                    ' '
                } else {
                    '\n'
                });
            }
            _ => {}
        }
    }
    (prose, code)
}

fn heading_tag(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h1",
        HeadingLevel::H2 => "h2",
        HeadingLevel::H3 => "h3",
        HeadingLevel::H4 => "h4",
        HeadingLevel::H5 => "h5",
        HeadingLevel::H6 => "h6",
    }
}

fn alert_title(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

fn code_block_html(code: &str, lang: &str) -> String {
    let lang_attr = escape_html(lang);
    match highlight::highlight(code, lang) {
        Some(inner) => format!(
            "<pre class=\"code\" data-lang=\"{lang_attr}\" tabindex=\"0\"><code class=\"language-{lang_attr}\">{inner}</code></pre>\n"
        ),
        None if highlight::is_plain(lang) => format!(
            "<pre class=\"code log\" tabindex=\"0\"><code>{}</code></pre>\n",
            escape_html(code)
        ),
        None => format!(
            "<pre class=\"code\" data-lang=\"{lang_attr}\" tabindex=\"0\"><code>{}</code></pre>\n",
            escape_html(code)
        ),
    }
}

/// Renders a body to HTML. `resolve` maps a write-up link as written to
/// the URL of its page; `None` (a write-up not in this build, such as a
/// draft) keeps the link text without the link.
/// Heading ids never collide with `reserved` (the page's own section ids).
pub fn render(
    body: &str,
    raw_html: RawHtml,
    reserved: &[&str],
    resolve: &dyn Fn(&str) -> Option<String>,
) -> String {
    render_with_base(body, raw_html, reserved, "", resolve)
}

/// Like [`render`], with other relative links (not `/…`, `#…` or with a
/// scheme) prefixed by `link_base`: for text shown on pages at every depth,
/// such as the sidebar's About.
pub fn render_with_base(
    body: &str,
    raw_html: RawHtml,
    reserved: &[&str],
    link_base: &str,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut used_ids: HashSet<String> = reserved.iter().map(|s| s.to_string()).collect();
    let mut next_suffix: std::collections::HashMap<String, usize> = Default::default();
    let mut events: Vec<Event> = Vec::new();
    let mut has_raw_html = false;
    let mut dropped_link = false;
    let body = match raw_html {
        RawHtml::Sanitize => raw_html::end_runaway_blocks(body),
        _ => body.into(),
    };
    let mut parser = Parser::new_ext(&body, options());
    while let Some(event) = parser.next() {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let mut inner = Vec::new();
                let mut text = String::new();
                let mut has_link = false;
                for e in parser.by_ref() {
                    match &e {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => text.push_str(t),
                        Event::Start(Tag::Link { .. }) => has_link = true,
                        _ => {}
                    }
                    inner.push(e);
                }
                let base = id.map(|i| slugify(&i)).unwrap_or_else(|| slugify(&text));
                let mut anchor = base.clone();
                // Each base goes on from the last suffix it tried: the ones
                // before are all taken, so 100,000 equal headings take
                // 100,000 tries rather than five billion.
                let n = next_suffix.entry(base.clone()).or_insert(1);
                while !used_ids.insert(anchor.clone()) {
                    anchor = format!("{base}-{n}");
                    *n += 1;
                }
                let tag = heading_tag(level);
                if has_link {
                    events.push(Event::Html(format!("<{tag} id=\"{anchor}\">").into()));
                    events.extend(inner);
                    events.push(Event::Html(format!("</{tag}>\n").into()));
                } else {
                    events.push(Event::Html(
                        format!(
                            "<{tag} id=\"{anchor}\"><a class=\"heading-link\" href=\"#{anchor}\">"
                        )
                        .into(),
                    ));
                    events.extend(inner);
                    events.push(Event::Html(format!("</a></{tag}>\n").into()));
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split([' ', ',', '{'])
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase(),
                    CodeBlockKind::Indented => String::new(),
                };
                let mut code = String::new();
                for e in parser.by_ref() {
                    match e {
                        Event::End(TagEnd::CodeBlock) => break,
                        Event::Text(t) => code.push_str(&t),
                        _ => {}
                    }
                }
                events.push(Event::Html(code_block_html(&code, &lang).into()));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = alert_title(kind);
                events.push(Event::Html(
                    format!("<div class=\"alert alert-{class}\" role=\"note\"><p class=\"alert-title\">{title}</p>\n").into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                events.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::Table(alignments)) => {
                events.push(Event::Html(
                    "<div class=\"table-wrap\" tabindex=\"0\">".into(),
                ));
                events.push(Event::Start(Tag::Table(alignments)));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match link_dest(dest_url, resolve) {
                    LinkDest::Dropped => {
                        dropped_link = true;
                        continue;
                    }
                    LinkDest::Page(url) => CowStr::from(url),
                    LinkDest::As(dest) => match refs::place(&dest).and_then(|_| resolve(&dest)) {
                        Some(url) => CowStr::from(url),
                        None if !link_base.is_empty() && is_relative(&dest) => {
                            CowStr::from(format!("{link_base}{dest}"))
                        }
                        None => dest,
                    },
                };
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Link) if dropped_link => dropped_link = false,
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) if is_dangerous_url(&dest_url) && !dest_url.trim().starts_with("data:image/") => {
                let _ = title;
                // Keep only the alt text.
                for e in parser.by_ref() {
                    match e {
                        Event::End(TagEnd::Image) => break,
                        Event::Text(t) => events.push(Event::Text(t)),
                        _ => {}
                    }
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match refs::place(&dest_url).and_then(|_| resolve(&dest_url)) {
                    Some(url) => CowStr::from(url),
                    None => dest_url,
                };
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            // A marker, not a form control: raw HTML forms are never allowed,
            // so task lists must not need one.
            Event::TaskListMarker(done) => events.push(Event::Html(
                if done {
                    "<span class=\"task task-done\" role=\"img\" aria-label=\"done\">☑</span> "
                } else {
                    "<span class=\"task\" role=\"img\" aria-label=\"to do\">☐</span> "
                }
                .into(),
            )),
            Event::Html(html) | Event::InlineHtml(html) => match raw_html {
                RawHtml::Deny => events.push(Event::Text(html)),
                _ => {
                    has_raw_html = true;
                    let files = |dest: &str| refs::place(dest).and_then(|_| resolve(dest));
                    events.push(Event::Html(match refs::rewrite(&html, &files, false) {
                        std::borrow::Cow::Owned(html) => html.into(),
                        std::borrow::Cow::Borrowed(_) => html,
                    }));
                }
            },
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if has_raw_html && raw_html == RawHtml::Sanitize {
        html = raw_html::sanitize(&html);
    }
    if has_raw_html {
        // Valid HTML needs `alt` on every image; `check` warns about each.
        if let std::borrow::Cow::Owned(fixed) = refs::rewrite(&html, &|_| None, true) {
            html = fixed;
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(body: &str) -> String {
        render(body, RawHtml::Sanitize, &["timeline"], &|dest| {
            (dest == "../a.md").then(|| "/incidents/a/".to_string())
        })
    }

    #[test]
    fn headings_get_unique_ids_and_self_links() {
        let out = html("## What happened\n\n## What happened\n\n## Timeline\n");
        assert!(out.contains("<h2 id=\"what-happened\"><a class=\"heading-link\" href=\"#what-happened\">What happened</a></h2>"), "{out}");
        assert!(out.contains("id=\"what-happened-1\""), "{out}");
        assert!(out.contains("id=\"timeline-1\""), "{out}");
    }

    #[test]
    fn repeated_headings_number_on_past_ids_taken_by_others() {
        let ids = |out: &str| -> Vec<String> {
            out.match_indices("<h2 id=\"")
                .map(|(at, m)| out[at + m.len()..].split('"').next().unwrap().to_string())
                .collect()
        };
        let out = html("## A\n\n## A-1\n\n## A\n\n## A\n\n## A-2 {#a-4}\n\n## A\n");
        assert_eq!(ids(&out), ["a", "a-1", "a-2", "a-3", "a-4", "a-5"]);
        let many = "## Same\n\n".repeat(20_000);
        let out = html(&many);
        let all = ids(&out);
        assert_eq!(all.len(), 20_000);
        assert_eq!(all[1], "same-1");
        assert_eq!(all[19_999], "same-19999");
    }

    #[test]
    fn writeup_links_are_rewritten() {
        let out = html("See [the outage](../a.md) and [x](../missing.md).");
        assert!(out.contains("href=\"/incidents/a/\""), "{out}");
        assert!(!out.contains("missing.md"), "{out}");
        assert!(out.contains(" and x."), "{out}");
    }

    #[test]
    fn scripts_and_script_links_are_removed() {
        let out = html("<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1))");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(out.contains("click"), "{out}");
    }

    #[test]
    fn relative_links_can_be_based() {
        let out = render_with_base(
            "[t](tags/) [a](https://x.org/) [h](#x) [m](mailto:a@b)",
            RawHtml::Sanitize,
            &[],
            "/eng/",
            &|_| None,
        );
        assert!(out.contains("href=\"/eng/tags/\""), "{out}");
        assert!(out.contains("href=\"https://x.org/\""), "{out}");
        assert!(out.contains("href=\"#x\""), "{out}");
        assert!(out.contains("href=\"mailto:a@b\""), "{out}");
    }

    #[test]
    fn task_lists_and_forms() {
        let out = html("- [x] done\n- [ ] open\n\n<form><input name=q></form>\n");
        assert!(out.contains("<li><span class=\"task task-done\" role=\"img\" aria-label=\"done\">☑</span> done</li>"), "{out}");
        assert!(out.contains("aria-label=\"to do\">☐</span> open"), "{out}");
        assert!(!out.contains("<input") && !out.contains("<form"), "{out}");
    }

    #[test]
    fn denied_html_is_shown_as_text() {
        let out = render("<b>x</b>", RawHtml::Deny, &[], &|_| None);
        assert!(out.contains("&lt;b&gt;"), "{out}");
    }

    #[test]
    fn alerts_code_and_tables() {
        let out = html("> [!WARNING]\n> Careful.\n\n```nosuchlang\n<x>\n```\n\n```log\nline\n```\n\n|a|b|\n|-|-|\n|1|2|\n");
        assert!(out.contains("<div class=\"alert alert-warning\" role=\"note\"><p class=\"alert-title\">Warning</p>"), "{out}");
        assert!(out.contains("<code>&lt;x&gt;\n</code>"), "{out}");
        assert!(out.contains("<pre class=\"code log\""), "{out}");
        assert!(
            out.contains("<div class=\"table-wrap\" tabindex=\"0\"><table>"),
            "{out}"
        );
    }
}
