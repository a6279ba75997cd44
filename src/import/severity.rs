//! The severity a document states (`**Severity:** Major`, `Severity: SEV 2`,
//! a foreign front matter's `severity: P1`), mapped to the site's own
//! severities where that can be done: the same name written another way, the
//! same number under another prefix, or a common word by its rank (the
//! site's severities are listed worst first). What cannot be mapped is kept
//! as written and named in the `# TODO`; a mapping by word is reported as
//! the guess it is.

use super::document::{BlockKind, Document};
use super::draft::Draft;

/// Words for a rank, worst first.
const RANKS: &[&[&str]] = &[
    &["critical", "blocker", "emergency", "catastrophic", "urgent"],
    &["major", "high", "severe", "serious"],
    &["medium", "moderate", "significant"],
    &["minor", "low"],
    &["trivial", "cosmetic", "informational", "negligible"],
];

/// Prefixes of a numbered severity (`SEV 2`, `P1`, `S3`, `Level 2`).
const PREFIXES: &[&str] = &["SEV", "SEVERITY", "S", "P", "PRI", "PRIORITY", "LEVEL", "L"];

fn norm(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// `SEV 2`, `P1`, `Sev-3`: the number, if the text opens with a prefix and one.
fn number(stated: &str) -> Option<u32> {
    let head: String = stated
        .split(|c: char| c.is_whitespace() || c == '(' || c == ',')
        .filter(|w| !w.is_empty())
        .take(2)
        .collect::<Vec<_>>()
        .join("");
    let head = norm(&head);
    let digits_at = head.find(|c: char| c.is_ascii_digit())?;
    let (prefix, digits) = head.split_at(digits_at);
    let digits: String = digits.chars().take_while(char::is_ascii_digit).collect();
    PREFIXES.contains(&prefix).then(|| digits.parse().ok())?
}

/// The site's severity for what a document states, and whether it was
/// mapped by a word's rank (a guess) rather than by name or number.
pub fn map(stated: &str, names: &[&str]) -> Option<(String, bool)> {
    let first = stated.split_whitespace().next().unwrap_or("");
    if let Some(name) = names
        .iter()
        .find(|n| norm(n) == norm(stated) || norm(n) == norm(first))
    {
        return Some((name.to_string(), false));
    }
    if let Some(n) = number(stated) {
        let trailing = |name: &str| -> Option<u32> {
            let digits: String = name
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.chars().rev().collect::<String>().parse().ok()
        };
        // Only where every severity of the site is numbered.
        if names.iter().all(|name| trailing(name).is_some()) {
            return names
                .iter()
                .find(|name| trailing(name) == Some(n))
                .map(|name| (name.to_string(), false));
        }
        return None;
    }
    let word = first
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let rank = RANKS
        .iter()
        .position(|words| words.contains(&word.as_str()))?;
    (names.len() >= 3).then(|| (names[rank.min(names.len() - 1)].to_string(), true))
}

/// The first `Severity:` the document states, with its line and text.
fn stated(doc: &Document, d: &Draft) -> Option<(String, usize, String)> {
    for section in &doc.sections {
        for block in &section.blocks {
            if !matches!(block.kind, BlockKind::Paragraph | BlockKind::List(_)) {
                continue;
            }
            let source = doc.source(&block.range);
            for (i, line) in source.lines().enumerate() {
                let t = line.trim().trim_start_matches(['-', '*', '+', ' ']);
                let t = if line.trim().starts_with("**") {
                    line.trim()
                } else {
                    t
                };
                let Some((label, value)) = super::head::labelled(t) else {
                    continue;
                };
                if crate::text::slugify(&label) == "severity" {
                    let value = super::text::plain(&value);
                    return Some((value, doc.line(block.range.start) + i, line.to_string()));
                }
            }
        }
    }
    d.extra
        .get("severity")
        .map(|v| (v.clone(), 0, "the front matter".to_string()))
}

pub fn severity(doc: &Document, d: &mut Draft, names: &[&str]) {
    if d.severity.is_some() {
        return;
    }
    let Some((value, line, source)) = stated(doc, d) else {
        return;
    };
    match map(&value, names) {
        Some((name, by_word)) => {
            let field = if by_word {
                format!("severity (the site's rank for {:?})", value)
            } else {
                "severity".to_string()
            };
            d.guess(&field, &name, line, &source);
            d.severity = Some(name);
        }
        None => d.severity_stated = Some(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEV: &[&str] = &["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"];

    #[test]
    fn stated_severities_map_by_name_number_or_rank() {
        let got = |s: &str| map(s, SEV);
        assert_eq!(got("Sev 2"), Some(("SEV2".into(), false)));
        assert_eq!(got("sev-1 (customer facing)"), Some(("SEV1".into(), false)));
        assert_eq!(got("P3"), Some(("SEV3".into(), false)));
        assert_eq!(
            got("Major (High Impact, Service Degradation)"),
            Some(("SEV2".into(), true))
        );
        assert_eq!(got("Critical"), Some(("SEV1".into(), true)));
        // No SEV0 here, and no word to rank: kept as written.
        assert_eq!(got("P0"), None);
        assert_eq!(got("Red"), None);
        // Names of the site's own are taken as they are.
        let named = &["Outage", "Degraded", "Cosmetic"];
        assert_eq!(map("outage", named), Some(("Outage".into(), false)));
        assert_eq!(map("SEV 1", named), None);
        assert_eq!(map("Minor", named), Some(("Cosmetic".into(), true)));
    }

    #[test]
    fn the_first_severity_line_anywhere_is_read() {
        let doc = Document::parse(
            "# Flags down\n\n## Impact\n\n**Severity:** SEV 2\n**Affected:** 305 teams\n",
        );
        let mut d = Draft::default();
        severity(&doc, &mut d, SEV);
        assert_eq!(d.severity.as_deref(), Some("SEV2"));
        assert_eq!(d.guesses[0].line, 5);
        let doc = Document::parse("# X\n\n- Severity: Red\n");
        let mut d = Draft::default();
        severity(&doc, &mut d, SEV);
        assert_eq!(
            (d.severity, d.severity_stated.as_deref()),
            (None, Some("Red"))
        );
    }
}
