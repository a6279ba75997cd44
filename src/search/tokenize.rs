//! How search text becomes terms. The theme's `search.js` repeats these
//! rules exactly (its `normalize`, `terms` and `atoms`), so what the build indexes
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
    if normalized.is_ascii() {
        return for_each_ascii_term(normalized, visit);
    }
    for run in runs(normalized) {
        if is_compound(run) {
            visit(run, true);
        }
        for part in parts(run) {
            visit(part, false);
        }
    }
}

/// [`for_each_term`] for ASCII text, which most incident text is: the same
/// runs, compounds and cuts, found byte by byte in one pass instead of by
/// decoding and re-scanning each run (tokenising is most of the index's
/// counting stage).
fn for_each_ascii_term<'t>(text: &'t str, mut visit: impl FnMut(&'t str, bool)) {
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric();
    let is_joiner_byte = |b: u8| is_joiner(char::from(b));
    let mut at = 0;
    while at < bytes.len() {
        // A run starts at a word byte: joiners before it are trimmed.
        while at < bytes.len() && !is_word(bytes[at]) {
            at += 1;
        }
        let start = at;
        let (mut end, mut compound, mut joiner_pending) = (at, false, false);
        while at < bytes.len() && (is_word(bytes[at]) || is_joiner_byte(bytes[at])) {
            if is_word(bytes[at]) {
                compound |= joiner_pending;
                end = at + 1;
            } else {
                joiner_pending = true;
            }
            at += 1;
        }
        if start == end {
            break;
        }
        let run = &text[start..end];
        if !compound {
            visit(&run[..run.len().min(MAX_TERM_CHARS)], false);
            continue;
        }
        if run.len() <= MAX_TERM_CHARS {
            visit(run, true);
        }
        for part in run.split(is_joiner) {
            if !part.is_empty() {
                visit(&part[..part.len().min(MAX_TERM_CHARS)], false);
            }
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
    fn ascii_text_gives_the_terms_of_the_general_rules() {
        let general = |text: &str| {
            let mut out = Vec::new();
            for run in runs(text) {
                if is_compound(run) {
                    out.push((run.to_string(), true));
                }
                out.extend(parts(run).map(|p| (p.to_string(), false)));
            }
            out
        };
        let fast = |text: &str| {
            let mut out = Vec::new();
            for_each_ascii_term(text, |t, compound| out.push((t.to_string(), compound)));
            out
        };
        let long = "x".repeat(70);
        let mut texts = vec![
            String::new(),
            "pg_stat_activity us-east-1 10.0.0.1 a@b.c -x- --".into(),
            "..a..b.. /:@ _ a_ _a a__b".into(),
            format!("{long} {long}-y y-{long} {}-z", "w".repeat(60)),
        ];
        // Every text of up to 5 bytes over an alphabet of each byte class.
        let alphabet = b"a1_-. !";
        for n in 1..=5u32 {
            for mut i in 0..alphabet.len().pow(n) {
                let mut t = String::new();
                for _ in 0..n {
                    t.push(alphabet[i % alphabet.len()] as char);
                    i /= alphabet.len();
                }
                texts.push(t);
            }
        }
        for t in &texts {
            assert_eq!(fast(t), general(t), "{t:?}");
        }
    }

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
