//! Lessons (What went well / What went wrong / Where we got lucky, with or
//! without ✅ ❌ and question marks; Problems encountered and Contributing
//! factors count as went wrong) and impact (Impact, Customer impact, Data
//! loss sections; a count of users with thousands separators).

use super::document::{item_text, BlockKind, Document};
use super::draft::Draft;

/// The lessons list a heading names.
fn kind_of(title: &str) -> Option<&'static str> {
    let t: String = title
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace() || *c == '\'' || *c == '’')
        .collect();
    let t = t
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('’', "'");
    match t.as_str() {
        "what went well" | "things that went well" | "went well" => Some("went_well"),
        "what went wrong"
        | "what could have gone better"
        | "what didn't go well"
        | "what did not go well"
        | "things that went wrong"
        | "went wrong"
        | "problems encountered"
        | "contributing factors" => Some("went_wrong"),
        "where we got lucky" | "where we were lucky" | "what we got lucky with" => Some("lucky"),
        _ => None,
    }
}

pub fn lessons(doc: &Document, d: &mut Draft) {
    for section in &doc.sections {
        let Some(kind) = kind_of(&section.title) else {
            continue;
        };
        let mut all = true;
        for block in &section.blocks {
            let BlockKind::List(items) = &block.kind else {
                all = false;
                continue;
            };
            let mut whole = true;
            for r in items {
                let source = doc.source(r);
                let text = crate::text::squash_whitespace(item_text(source));
                whole &= !source.contains("\n\n");
                d.guess(&format!("lessons.{kind}"), &text, doc.line(r.start), source);
                match kind {
                    "went_well" => d.went_well.push(text),
                    "went_wrong" => d.went_wrong.push(text),
                    _ => d.lucky.push(text),
                }
            }
            if whole {
                d.taken.push(block.range.clone());
            } else {
                all = false;
            }
        }
        if all && !section.blocks.is_empty() {
            if let Some(h) = &section.heading {
                d.taken.push(h.clone());
            }
        }
    }
}

fn is_impact(title: &str) -> bool {
    let t = title.to_lowercase();
    matches!(
        t.trim(),
        "impact"
            | "customer impact"
            | "user impact"
            | "business impact"
            | "data loss"
            | "impact and data loss"
    )
}

/// `47 000 users`, `5,000 customers`: the number before such a word.
fn users_in(text: &str) -> Option<(u64, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let w = w.trim_end_matches([',', '.', ';']).to_lowercase();
        if !matches!(w.as_str(), "users" | "customers" | "accounts" | "people") || i == 0 {
            continue;
        }
        // Digits, with groups of three after a space, comma or dot.
        let mut j = i;
        let mut digits = String::new();
        while j > 0 {
            let part = words[j - 1].replace([',', '\u{a0}', '\u{202f}'], "");
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                break;
            }
            if !digits.is_empty() && part.len() > 3 && j < i {
                break;
            }
            digits.insert_str(0, &part);
            j -= 1;
            if part.len() != 3 {
                break;
            }
        }
        let year = j + 1 == i && (1970..=2100).contains(&digits.parse::<u32>().unwrap_or(0));
        if let (Ok(n), false) = (digits.parse(), year) {
            return Some((n, words[j..=i].join(" ")));
        }
    }
    None
}

pub fn impact(doc: &Document, d: &mut Draft) {
    for section in &doc.sections {
        if !is_impact(&section.title) || section.blocks.is_empty() {
            continue;
        }
        let mut parts = Vec::new();
        let mut all = true;
        for block in &section.blocks {
            match &block.kind {
                BlockKind::Paragraph => {
                    parts.push(crate::text::squash_whitespace(doc.source(&block.range)))
                }
                BlockKind::List(items) => {
                    let texts: Vec<String> = items
                        .iter()
                        .map(|r| crate::text::squash_whitespace(item_text(doc.source(r))))
                        .collect();
                    parts.push(texts.join("; "));
                }
                _ => all = false,
            }
        }
        if parts.is_empty() {
            continue;
        }
        let text = parts.join(" ");
        let line = doc.line(section.heading.clone().map_or(0, |h| h.start));
        if let Some((n, words)) = users_in(&text) {
            d.users = Some(n);
            d.guess("impact.users", &n.to_string(), line, &words);
        }
        d.guess("impact.summary", &text, line, &section.title);
        match &mut d.impact {
            Some(existing) => {
                existing.push(' ');
                existing.push_str(&text);
            }
            None => d.impact = Some(text),
        }
        if all {
            d.taken
                .extend(section.blocks.iter().map(|b| b.range.clone()));
            d.taken.extend(section.heading.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Draft {
        let doc = Document::parse(text);
        let mut d = Draft::default();
        lessons(&doc, &mut d);
        impact(&doc, &mut d);
        d
    }

    #[test]
    fn lesson_headings_in_their_shapes() {
        let d = read("## Lessons Learned\n\nWe learned a lot.\n\n### ✅ What went well?\n\n- Backups existed\n\n### ❌ What could have gone better?\n\n- Alerts were late\n\n#### Where we got lucky\n\n- A colleague had a copy\n\n## Contributing Factors\n\n- Priority classes missing\n\nSome prose stays.\n");
        assert_eq!(d.went_well, ["Backups existed"]);
        assert_eq!(
            d.went_wrong,
            ["Alerts were late", "Priority classes missing"]
        );
        assert_eq!(d.lucky, ["A colleague had a copy"]);
        // Three whole sections and the list of the fourth (whose prose stays).
        assert_eq!(d.taken.len(), 7);
    }

    #[test]
    fn impact_sections_and_counts() {
        let d = read("## Customer Impact\n\n- 47 000 users could not log in\n- Payments failed\n\n## Data loss\n\nNone.\n");
        assert_eq!(
            d.impact.as_deref(),
            Some("47 000 users could not log in; Payments failed None.")
        );
        assert_eq!(d.users, Some(47000));
        assert_eq!(
            users_in("about 5,000 customers saw errors").map(|u| u.0),
            Some(5000)
        );
        // A year is not a count.
        assert_eq!(users_in("in 2019 users saw errors"), None);
    }
}
