//! A document's bytes as Markdown text: UTF-8 and not empty, and an HTML
//! export (`.html`, `.htm`) converted with htmd once its nesting is known
//! to be bounded ([`crate::html_nesting`]).

use crate::diagnostic::Reason;

/// The Markdown of a document named `name` (its extension says whether it
/// is HTML) and how many control characters (a terminal's colour codes, a
/// bell) were left out of it, since no page can carry them; or why it
/// cannot be imported.
pub fn markdown(bytes: &[u8], name: &str) -> Result<(String, usize), Reason> {
    if bytes.contains(&0) {
        return Err("it is not a text file (it contains a NUL byte)".into());
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| "it is not UTF-8 text; save it as UTF-8".to_string())?;
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let (text, removed) = without_controls(&text);
    if text.trim().is_empty() {
        return Err("it is empty".into());
    }
    if !is_html(name) {
        return Ok((text, removed));
    }
    let lower = text.to_ascii_lowercase();
    if !["<html", "<body", "<p", "<h1", "<h2", "<div", "<article"]
        .iter()
        .any(|t| lower.contains(t))
    {
        return Err("it is not an HTML document (no html, body, heading or paragraph)".into());
    }
    // A static site generator's front matter before the HTML, and the
    // page's <title> (which the conversion leaves out with <head>), become
    // a front matter the recognizers read.
    let (front, html_text) = match crate::content::split_front_matter(&text) {
        Ok(split) => (
            text[split.yaml.clone()].to_string(),
            &text[split.body_start..],
        ),
        Err(_) => (String::new(), text.as_str()),
    };
    let title = page_title(html_text).filter(|_| !front.lines().any(|l| l.starts_with("title:")));
    let mut front = front;
    let text = html_text.to_string();
    if let Some(at) = crate::html_nesting::too_deep(&text) {
        let (line, _) = crate::text::line_column(&text, at);
        return Err(format!(
            "its HTML nests elements more than {} deep (line {line}); no document needs that many levels",
            crate::html_nesting::MAX_DEPTH
        )
        .into());
    }
    let converter = super::exports::converter(&text);
    let markdown = converter
        .convert(&text)
        .map_err(|e| Reason(format!("cannot convert its HTML: {e}")))?;
    if !markdown.chars().any(char::is_alphanumeric) {
        return Err("its HTML has no text".into());
    }
    // The page's <title> names it unless its text opens with a heading of
    // its own (an export tool's title is often the file's name).
    let opens_with_title = markdown
        .lines()
        .find(|l| l.starts_with('#'))
        .is_some_and(|l| l.starts_with("# "));
    if let Some(title) = title.filter(|_| !opens_with_title) {
        front.push_str(&format!("title: {}\n", quoted(&title)));
    }
    if front.is_empty() {
        return Ok((markdown, removed));
    }
    Ok((format!("---\n{front}---\n\n{markdown}"), removed))
}

/// Whether the document `name` is HTML, by its extension.
pub fn is_html(name: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.to_ascii_lowercase().starts_with("htm"))
}

/// The text of an HTML page's `<title>`, its entities resolved: the
/// standard few, and those its DOCTYPE declares (`<!ENTITY title "...">`).
fn page_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let end = open_end + lower[open_end..].find("</title")?;
    let mut title = html[open_end..end].to_string();
    let mut rest = html;
    while let Some(at) = rest.find("<!ENTITY") {
        rest = &rest[at + 8..];
        let mut parts = rest.trim_start().splitn(2, char::is_whitespace);
        let (Some(name), Some(after)) = (parts.next(), parts.next()) else {
            break;
        };
        let after = after.trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(value) = after[1..].split(quote).next() {
            title = title.replace(&format!("&{name};"), value);
        }
    }
    for (entity, c) in [
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&nbsp;", " "),
    ] {
        title = title.replace(entity, c);
    }
    let title = crate::text::squash_whitespace(&title);
    (!title.is_empty() && !title.contains('<')).then_some(title)
}

/// Whether `c` is a control character a page, a feed or YAML cannot
/// carry (tabs and line breaks can).
pub fn is_unwritable(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// A text as a YAML double-quoted scalar (a JSON string is one), without
/// the control characters a foreign front matter's escapes may have put
/// in it.
pub fn quoted(text: &str) -> String {
    let (text, _) = without_controls(text);
    serde_json::to_string(&text).unwrap_or_else(|_| "\"\"".into())
}

/// `text` without [`is_unwritable`] characters, and how many there were.
pub fn without_controls(text: &str) -> (String, usize) {
    let removed = text.chars().filter(|&c| is_unwritable(c)).count();
    if removed == 0 {
        return (text.to_string(), 0);
    }
    (
        text.chars().filter(|&c| !is_unwritable(c)).collect(),
        removed,
    )
}

/// Inline Markdown as the text a reader sees: links and references as
/// their words (a reference need not be defined here), emphasis and code
/// marks dropped, HTML tags left out. For the short texts that become
/// fields (timeline events, tasks, lessons), where the page shows them
/// plain; the body keeps the source as it was.
pub fn plain(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let mut any_link = |_: pulldown_cmark::BrokenLink<'_>| {
        Some((
            pulldown_cmark::CowStr::from(""),
            pulldown_cmark::CowStr::from(""),
        ))
    };
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_with_broken_link_callback(
        markdown,
        Options::ENABLE_STRIKETHROUGH,
        Some(&mut any_link),
    ) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    crate::text::squash_whitespace(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_plain_text() {
        assert_eq!(
            plain("bad config [uploaded][auto update] by **the bot** and `kubectl`"),
            "bad config uploaded by the bot and kubectl"
        );
        assert_eq!(
            plain("post an [initial report](2021-03-01-report.md) to the <b>blog</b>"),
            "post an initial report to the blog"
        );
        assert_eq!(plain("a < b and c > d, 5 * 3"), "a < b and c > d, 5 * 3");
    }

    #[test]
    fn an_html_page_keeps_its_front_matter_and_title() {
        let page = "<?xml version=\"1.0\"?>\n<!DOCTYPE html [\n<!ENTITY title \"Mail relay breach &amp; cleanup\">\n]>\n<html><head><title>&title;</title></head><body><h2>Update</h2><p>All clear.</p></body></html>";
        let (md, _) = markdown(page.as_bytes(), "breach.html").unwrap();
        assert!(
            md.starts_with("---\ntitle: \"Mail relay breach & cleanup\"\n---\n"),
            "{md}"
        );
        let page = "---\ntitle: \"Chain split\"\ndate: 2014-05-02\n---\n<h2>What happened</h2><p>Two chains.</p>";
        let (md, _) = markdown(page.as_bytes(), "split.html").unwrap();
        assert!(
            md.starts_with("---\ntitle: \"Chain split\"\ndate: 2014-05-02\n---\n"),
            "{md}"
        );
        assert!(md.contains("## What happened"), "{md}");
    }
}
