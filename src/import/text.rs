//! A document's bytes as Markdown text: UTF-8 and not empty, and an HTML
//! export (`.html`, `.htm`) converted with htmd once its nesting is known
//! to be bounded ([`crate::html_nesting`]).

/// The Markdown of a document named `name` (its extension says whether it
/// is HTML) and how many control characters (a terminal's colour codes, a
/// bell) were left out of it, since no page can carry them; or why it
/// cannot be imported.
pub fn markdown(bytes: &[u8], name: &str) -> Result<(String, usize), String> {
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
    let html = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.to_ascii_lowercase().starts_with("htm"));
    if !html {
        return Ok((text, removed));
    }
    let lower = text.to_ascii_lowercase();
    if !["<html", "<body", "<p", "<h1", "<h2", "<div", "<article"]
        .iter()
        .any(|t| lower.contains(t))
    {
        return Err("it is not an HTML document (no html, body, heading or paragraph)".into());
    }
    if let Some(at) = crate::html_nesting::too_deep(&text) {
        let (line, _) = crate::text::line_column(&text, at);
        return Err(format!(
            "its HTML nests elements more than {} deep (line {line}); no document needs that many levels",
            crate::html_nesting::MAX_DEPTH
        ));
    }
    let converter = htmd::HtmlToMarkdown::builder()
        .skip_tags(vec!["script", "style", "head", "nav", "footer"])
        .build();
    let markdown = converter
        .convert(&text)
        .map_err(|e| format!("cannot convert its HTML: {e}"))?;
    if !markdown.chars().any(char::is_alphanumeric) {
        return Err("its HTML has no text".into());
    }
    Ok((markdown, removed))
}

/// Whether `c` is a control character a page, a feed or YAML cannot
/// carry (tabs and line breaks can).
pub fn is_unwritable(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
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
