//! How search text becomes terms. The theme's `search.js` repeats these
//! rules exactly (its `normalize` and `tokens`), so what the build indexes
//! is what the browser looks up; `tests/e2e/search-parity.mjs` checks the two
//! agree on real queries.
//!
//! Text is lower-cased, decomposed (NFKD) and stripped of combining marks,
//! so `Café`, `CAFE` and `café` are one term. A word is a run of letters and
//! digits; runs joined by `_ - . / : @` also make one compound term, kept as
//! written, so `pg_stat_activity`, `us-east-1` and `10.0.0.1` are findable
//! whole as well as by their parts.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Longest term kept, in characters; longer words are cut to this.
pub const MAX_TERM_CHARS: usize = 64;

fn is_joiner(c: char) -> bool {
    matches!(c, '_' | '-' | '.' | '/' | ':' | '@')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Case- and diacritic-folded text.
pub fn normalize(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let lowered = text.to_lowercase();
    let stripped: String = lowered.nfkd().filter(|&c| !is_combining_mark(c)).collect();
    stripped.to_lowercase()
}

/// `term` cut to at most [`MAX_TERM_CHARS`] characters.
fn cut(term: &str) -> &str {
    match term.char_indices().nth(MAX_TERM_CHARS) {
        Some((at, _)) => &term[..at],
        None => term,
    }
}

/// The words of already-normalised text: runs of letters, digits and
/// joiners, without joiners at either end.
fn runs(normalized: &str) -> impl Iterator<Item = &str> {
    normalized
        .split(|c: char| !(is_word_char(c) || is_joiner(c)))
        .map(|run| run.trim_matches(is_joiner))
        .filter(|run| !run.is_empty())
}

fn is_compound(run: &str) -> bool {
    run.contains(is_joiner) && run.chars().count() <= MAX_TERM_CHARS
}

fn parts(run: &str) -> impl Iterator<Item = &str> {
    run.split(is_joiner).filter(|p| !p.is_empty()).map(cut)
}

/// Calls `visit(term, compound)` for each term of already-normalised text,
/// in order: for a word of several parts, first the whole word with
/// `compound` true, then each part.
pub fn for_each_term<'t>(normalized: &'t str, mut visit: impl FnMut(&'t str, bool)) {
    for run in runs(normalized) {
        if is_compound(run) {
            visit(run, true);
        }
        for part in parts(run) {
            visit(part, false);
        }
    }
}

/// Every term of a text, in order, compounds before their parts.
pub fn terms(text: &str) -> Vec<String> {
    let normalized = normalize(text);
    let mut out = Vec::new();
    for_each_term(&normalized, |t, _| out.push(t.to_string()));
    out
}

/// The parts alone, in order: the sequence an exact phrase must appear in.
pub fn atoms(text: &str) -> Vec<String> {
    let normalized = normalize(text);
    let mut out = Vec::new();
    for_each_term(&normalized, |t, compound| {
        if !compound {
            out.push(t.to_string());
        }
    });
    out
}

/// The terms a query word stands for: a word of several parts is looked up
/// whole (`us-east-1`), as the user wrote it.
pub fn query_terms(word: &str) -> Vec<String> {
    let normalized = normalize(word);
    let mut out = Vec::new();
    for run in runs(&normalized) {
        if is_compound(run) {
            out.push(run.to_string());
        } else {
            out.extend(parts(run).map(str::to_string));
        }
    }
    out
}

/// The order terms are sorted in, in the index and in `search.js`:
/// UTF-16 code units, which is how JavaScript compares strings.
pub fn term_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(
            terms("Café CAFÉ cafe Ünïcödé"),
            ["cafe", "cafe", "cafe", "unicode"]
        );
        assert_eq!(normalize("İstanbul ﬁle"), "istanbul file");
    }

    #[test]
    fn keeps_identifiers_whole_and_in_parts() {
        assert_eq!(
            terms("pg_stat_activity OOMKilled 502"),
            [
                "pg_stat_activity",
                "pg",
                "stat",
                "activity",
                "oomkilled",
                "502"
            ]
        );
        assert_eq!(terms("10.0.0.1"), ["10.0.0.1", "10", "0", "0", "1"]);
        assert_eq!(terms("(us-east-1)."), ["us-east-1", "us", "east", "1"]);
    }

    #[test]
    fn punctuation_ends_words() {
        assert_eq!(
            terms("restored. Then: failover, again!"),
            ["restored", "then", "failover", "again"]
        );
        assert_eq!(terms("--flag"), ["flag"]);
        assert_eq!(terms("a--b"), ["a--b", "a", "b"]);
        assert!(terms("-- ... //").is_empty());
    }

    #[test]
    fn query_words_look_up_compounds_whole() {
        assert_eq!(query_terms("us-east-1"), ["us-east-1"]);
        assert_eq!(query_terms("disk,full"), ["disk", "full"]);
        assert_eq!(query_terms("Restor"), ["restor"]);
    }

    #[test]
    fn atoms_drop_compounds() {
        assert_eq!(
            atoms("us-east-1 is down"),
            ["us", "east", "1", "is", "down"]
        );
    }

    #[test]
    fn long_words_are_cut() {
        let long = "x".repeat(100);
        assert_eq!(terms(&long), ["x".repeat(MAX_TERM_CHARS)]);
        let long_compound = format!("{}-{}", "a".repeat(40), "b".repeat(40));
        assert_eq!(terms(&long_compound), ["a".repeat(40), "b".repeat(40)]);
    }

    #[test]
    fn non_latin_scripts_are_words() {
        assert_eq!(terms("Ошибка базы данных"), ["ошибка", "базы", "данных"]);
        assert_eq!(terms("Σίσυφος"), ["σισυφος"]);
    }

    #[test]
    fn terms_sort_as_javascript_compares() {
        // U+FF21 (BMP) sorts after U+1F600 (astral) in UTF-16 order.
        assert_eq!(
            term_order("\u{ff21}", "\u{1f600}"),
            std::cmp::Ordering::Greater
        );
    }
}
