//! A byline near the top (`Oct. 24, 2019 · Rosa Vidal on behalf of the
//! infrastructure team`, `By Ana Ruiz | March 3, 2021`, `Written by Tomás
//! Ferreira, SRE.`): its author, where the document names none otherwise.
//! The line opens with `By` or `Written by`, or holds a date and a name
//! apart by a separator; what follows the name (`on behalf of ...`, `,
//! SRE`) is not the author.

use super::document::{BlockKind, Document};
use super::draft::Draft;
use super::when::date_in_prose;

/// The lines from the top a byline is looked for in.
const NEAR_TOP: usize = 3;

/// How a line that names its author alone opens (`Written by Tomás
/// Ferreira, SRE.`).
const BY: &[&str] = &["Written by ", "Authored by ", "Posted by ", "By "];

/// The name at the start of `text`: one to four capitalised words, up to
/// what follows it (`on behalf of ...`, `, SRE`).
fn name_at(text: &str) -> Option<String> {
    let name = [
        " on behalf of ",
        " for ",
        ", ",
        " and the ",
        " on ",
        " · ",
        " | ",
    ]
    .iter()
    .filter_map(|cut| text.find(cut))
    .min()
    .map_or(text, |at| &text[..at])
    .trim()
    .trim_end_matches('.');
    let words: Vec<&str> = name.split_whitespace().collect();
    let looks_like_a_name = (1..=4).contains(&words.len())
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    looks_like_a_name.then(|| name.to_string())
}

/// The author a byline names, from its part that is not the date.
fn author_in(line: &str) -> Option<String> {
    let line = super::text::plain(line).replace('\u{a0}', " ");
    if let Some(rest) = BY.iter().find_map(|by| line.strip_prefix(by)) {
        return name_at(rest);
    }
    let parts: Vec<String> = line
        .split(" · ")
        .flat_map(|p| p.split(" | "))
        .flat_map(|p| p.split(" — "))
        .map(|p| p.trim().to_string())
        .collect();
    if parts.len() < 2 || !parts.iter().any(|p| date_in_prose(p).is_some()) {
        return None;
    }
    let named = parts.iter().find(|p| date_in_prose(p).is_none())?.as_str();
    let named = named
        .strip_prefix("By ")
        .or_else(|| named.strip_prefix("by "))
        .unwrap_or(named);
    name_at(named)
}

pub fn byline(doc: &Document, d: &mut Draft) {
    if !d.authors.is_empty() {
        return;
    }
    let paragraphs = doc
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter(|b| matches!(b.kind, BlockKind::Paragraph))
        .take(NEAR_TOP);
    for block in paragraphs {
        let source = doc.source(&block.range);
        if source.lines().count() > 1 {
            continue;
        }
        if let Some(author) = author_in(source) {
            d.guess("authors", &author, doc.line(block.range.start), source);
            d.authors.push(author);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byline_names_its_author() {
        assert_eq!(
            author_in("Oct. 24, 2019 · Rosa Vidal on behalf of the infrastructure team").as_deref(),
            Some("Rosa Vidal")
        );
        assert_eq!(
            author_in("By Ana Ruiz | March 3, 2021").as_deref(),
            Some("Ana Ruiz")
        );
        // No date, or no name: not a byline.
        assert_eq!(author_in("Rosa Vidal · the infrastructure team"), None);
        assert_eq!(
            author_in("Oct. 24, 2019 · about 300 people saw errors"),
            None
        );
        let doc = Document::parse(
            "# Mirror sync\n\nOct. 24, 2019 · Rosa Vidal on behalf of the team\n\nText.\n",
        );
        let mut d = Draft::default();
        byline(&doc, &mut d);
        assert_eq!(d.authors, ["Rosa Vidal"]);
        assert_eq!(d.guesses[0].line, 3);
    }
}
