//! Commitments made in prose, outside the action items ("We will add an
//! alert on consumer lag.", "Going forward, we'll rehearse restores."):
//! reported as suggestions, never written as action items. A sentence in
//! the future may be a plan already carried out, hedged, or the reader's
//! advice; the person importing decides.

use super::document::{item_text, BlockKind, Document};
use super::draft::{Draft, Guess};

/// How a commitment opens, after an optional lead (`Going forward,`).
const OPENINGS: &[&str] = &[
    "we will ",
    "we'll ",
    "we are going to ",
    "we're going to ",
    "we plan to ",
    "we intend to ",
    "we are planning to ",
    "we're planning to ",
    "we commit to ",
];

/// The longest lead before a commitment (`In the coming weeks,`).
const MAX_LEAD_WORDS: usize = 5;

/// Whether `sentence` commits the team to doing something.
fn is_commitment(sentence: &str) -> bool {
    let s = sentence.trim().to_lowercase().replace('’', "'");
    let opens = |s: &str| OPENINGS.iter().any(|o| s.starts_with(o));
    if opens(&s) {
        return true;
    }
    match s.split_once(", ") {
        Some((lead, rest)) => lead.split_whitespace().count() <= MAX_LEAD_WORDS && opens(rest),
        None => false,
    }
}

/// The sentences of a paragraph's plain text.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let next = text[i + c.len_utf8()..].chars().next();
        if matches!(c, '.' | '!' | '?') && next.is_none_or(char::is_whitespace) {
            out.push(text[start..=i].trim());
            start = i + 1;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(text[start..].trim());
    }
    out
}

/// Whether `text` may hold a commitment, found without parsing it (most
/// paragraphs of a large document hold none).
fn may_commit(text: &str) -> bool {
    static OPENING: std::sync::LazyLock<aho_corasick::AhoCorasick> =
        std::sync::LazyLock::new(|| {
            let words = OPENINGS
                .iter()
                .flat_map(|o| [o.trim_end().to_string(), o.trim_end().replace('\'', "’")]);
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(words)
                .expect("the openings are plain words")
        });
    OPENING.is_match(text)
}

/// The commitments outside the sections of action items, with the line
/// of the block each is in.
pub fn commitments(doc: &Document, d: &mut Draft) {
    for section in &doc.sections {
        if super::actions::is_actions(&section.title) {
            continue;
        }
        for block in &section.blocks {
            let texts: Vec<String> = match &block.kind {
                BlockKind::Paragraph => vec![doc.source(&block.range).to_string()],
                BlockKind::List(items) => items
                    .iter()
                    .map(|r| item_text(doc.source(r)).to_string())
                    .collect(),
                _ => continue,
            };
            for text in texts.into_iter().filter(|t| may_commit(t)) {
                let plain = super::text::plain(&text);
                for sentence in sentences(&plain).into_iter().filter(|s| is_commitment(s)) {
                    let taken = d.items.iter().any(|i| sentence.contains(i.task.as_str()));
                    if !taken {
                        d.suggestions.push(Guess {
                            field: "action item".into(),
                            value: sentence.chars().take(200).collect(),
                            line: doc.line(block.range.start),
                            source: sentence.chars().take(80).collect(),
                        });
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitments_in_prose_are_suggestions_only() {
        let doc = Document::parse(
            "# Lag\n\n## What happened\n\nConsumers fell behind. We will add an alert on consumer lag. Going forward, we'll rehearse restores every quarter.\n\nWe willingly paged everyone.\n\n## Action items\n\n- We will move the broker to new disks\n",
        );
        let mut d = Draft::default();
        commitments(&doc, &mut d);
        let found: Vec<(&str, usize)> = d
            .suggestions
            .iter()
            .map(|s| (s.value.as_str(), s.line))
            .collect();
        assert_eq!(
            found,
            [
                ("We will add an alert on consumer lag.", 5),
                ("Going forward, we'll rehearse restores every quarter.", 5)
            ]
        );
        assert!(d.items.is_empty());
        // A lead longer than a few words is a sentence of its own kind.
        assert!(!is_commitment(
            "When the broker was restarted after the long weekend, we will see"
        ));
    }
}
