//! Finding phrases ("human error", "try not to") in text: as whole words, in
//! any case, with any whitespace (a line break too) between their words.
//! What `check`'s language rules match with.
//!
//! Most texts hold none of the phrases, so a search first asks, over the
//! whole text at once, whether the longest word of any phrase occurs in it
//! at all (aho-corasick's SIMD searcher); only then are words compared.

use aho_corasick::{packed, AhoCorasick, AhoCorasickBuilder, MatchKind};

/// A list of phrases, ready to search for.
#[derive(Debug, Clone)]
pub struct Phrases {
    /// Each phrase's words, lower case.
    words: Vec<Vec<String>>,
    /// Finds the longest word of each phrase, ASCII case-insensitively;
    /// `None` when a phrase has a letter outside ASCII, whose other cases
    /// it would not find.
    prefilter: Option<Prefilter>,
}

/// Whether any of a few words occurs in a text, in any ASCII case: with
/// SIMD (Teddy) over the text in lower case where the CPU has it, else
/// with an automaton. (The lower-case copy and Teddy together are several
/// times faster than a case-insensitive automaton; most texts are read
/// only by this.)
#[derive(Debug, Clone)]
enum Prefilter {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
}

impl Prefilter {
    fn new(words: &[Vec<String>]) -> Option<Prefilter> {
        let longest: Vec<&str> = words
            .iter()
            .filter_map(|p| {
                p.iter()
                    .max_by_key(|w| (!COMMON.contains(&w.as_str()), w.len()))
            })
            .filter_map(|w| w.split('\'').max_by_key(|part| part.len()))
            .filter(|w| !w.is_empty())
            .collect();
        // A word that holds another is found through it.
        let mut needles: Vec<&str> = longest
            .iter()
            .copied()
            .filter(|w| !longest.iter().any(|o| o.len() < w.len() && w.contains(o)))
            .collect();
        needles.sort_unstable();
        needles.dedup();
        if let Some(searcher) = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(&needles)
            .build()
        {
            return Some(Prefilter::Packed(searcher));
        }
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(&needles)
            .ok()
            .map(Prefilter::Automaton)
    }

    fn is_match(&self, text: &str) -> bool {
        match self {
            Prefilter::Automaton(automaton) => automaton.is_match(text),
            Prefilter::Packed(searcher) => LOWER.with_borrow_mut(|lower| {
                lower.clear();
                lower.extend(text.bytes().map(|b| b.to_ascii_lowercase()));
                searcher.find(&lower[..]).is_some()
            }),
        }
    }
}

thread_local! {
    /// The text being searched, in lower case.
    static LOWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Words too common in write-ups to stand for a phrase in the prefilter
/// ("human error" is looked for as "human").
const COMMON: &[&str] = &[
    "error", "should", "have", "been", "more", "make", "sure", "not", "the", "his", "her", "their",
    "try", "pay", "take", "lack",
];

/// One phrase found: its byte range in the text and its index in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub phrase: usize,
}

/// Whether `c` can be inside a word: `don't`, `double-check`, `re-train`.
fn joins(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '-')
}

/// The byte ranges of the words of `text`: letters and digits, and `'` or
/// `-` between two of them.
pub fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let start = loop {
            let (i, c) = chars.next()?;
            if c.is_alphanumeric() {
                break i;
            }
        };
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_alphanumeric() {
                chars.next();
                end = i + c.len_utf8();
            } else if joins(c) {
                let mut ahead = chars.clone();
                ahead.next();
                if ahead.peek().is_some_and(|&(_, n)| n.is_alphanumeric()) {
                    chars.next();
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        if end == start {
            end = start + text[start..].chars().next().map_or(1, char::len_utf8);
        }
        Some((start, end))
    })
}

/// Whether what is between two words lets them be one phrase: whitespace
/// and Markdown's emphasis marks (`*human*\nerror`), nothing else.
pub fn is_gap(between: &str) -> bool {
    between
        .chars()
        .all(|c| c.is_whitespace() || matches!(c, '*' | '_' | '~'))
}

/// A word as it is compared: lower case, with a typographic apostrophe
/// read as `'`.
fn fold(word: &str, out: &mut String) {
    out.clear();
    for c in word.chars() {
        if c == '\u{2019}' {
            out.push('\'');
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

impl Phrases {
    /// The phrases of `list`; blank entries are left out.
    pub fn new<S: AsRef<str>>(list: &[S]) -> Phrases {
        let mut folded = String::new();
        let words: Vec<Vec<String>> = list
            .iter()
            .map(|phrase| {
                let phrase = phrase.as_ref();
                words(phrase)
                    .map(|(s, e)| {
                        fold(&phrase[s..e], &mut folded);
                        folded.clone()
                    })
                    .collect()
            })
            .collect();
        let ascii = words.iter().flatten().all(|w| w.is_ascii());
        let prefilter = ascii.then(|| Prefilter::new(&words)).flatten();
        Phrases { words, prefilter }
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(Vec::is_empty)
    }

    /// False when no phrase can occur in `text`; true when one may.
    pub fn may_occur(&self, text: &str) -> bool {
        if self.is_empty() {
            return false;
        }
        match &self.prefilter {
            Some(prefilter) => prefilter.is_match(text),
            None => true,
        }
    }

    /// Every phrase in `text`, in order, none overlapping another (the
    /// longest phrase wins where two start at the same word). Between two
    /// words of a phrase there may be only whitespace and the marks of
    /// Markdown emphasis (see [`is_gap`]).
    pub fn find(&self, text: &str) -> Vec<Found> {
        let mut out = Vec::new();
        if !self.may_occur(text) {
            return out;
        }
        let spans: Vec<(usize, usize)> = words(text).collect();
        let mut folded: Vec<String> = Vec::with_capacity(spans.len());
        let mut buffer = String::new();
        for &(s, e) in &spans {
            fold(&text[s..e], &mut buffer);
            folded.push(buffer.clone());
        }
        let mut i = 0;
        while i < spans.len() {
            let best = self
                .words
                .iter()
                .enumerate()
                .filter(|(_, phrase)| {
                    !phrase.is_empty()
                        && i + phrase.len() <= spans.len()
                        && phrase.iter().zip(&folded[i..]).all(|(p, w)| p == w)
                        && spans[i..i + phrase.len()]
                            .windows(2)
                            .all(|pair| is_gap(&text[pair[0].1..pair[1].0]))
                })
                .max_by_key(|(index, phrase)| (phrase.len(), usize::MAX - index));
            match best {
                Some((phrase, words)) => {
                    let last = i + words.len() - 1;
                    out.push(Found {
                        start: spans[i].0,
                        end: spans[last].1,
                        phrase,
                    });
                    i = last + 1;
                }
                None => i += 1,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(list: &[&str], text: &str) -> Vec<String> {
        Phrases::new(list)
            .find(text)
            .iter()
            .map(|f| format!("{}@{}", &text[f.start..f.end], f.start))
            .collect()
    }

    #[test]
    fn whole_words_in_any_case_across_lines() {
        let list = ["human error", "blame", "try not to"];
        assert_eq!(
            found(&list, "It was HUMAN\n   Error, not blameless blame."),
            ["HUMAN\n   Error@7", "blame@37"]
        );
        assert_eq!(found(&list, "human, error; blamed"), Vec::<String>::new());
        assert_eq!(found(&list, "*human* error"), ["human* error@1"]);
        assert_eq!(found(&list, "We'll Try Not To"), ["Try Not To@6"]);
    }

    #[test]
    fn apostrophes_and_hyphens_are_inside_words() {
        let list = ["don't forget", "double-check"];
        assert_eq!(
            found(&list, "Don\u{2019}t forget to double-check; double check"),
            ["Don\u{2019}t forget@0", "double-check@18"]
        );
    }

    #[test]
    fn the_longest_phrase_wins() {
        let list = ["try to", "should have known", "should have"];
        assert_eq!(
            found(&list, "we should have known"),
            ["should have known@3"]
        );
    }

    #[test]
    fn letters_outside_ascii_match_in_any_case() {
        let list = ["Schuld", "Unachtsamkeit"];
        assert_eq!(found(&list, "reine UNACHTSAMKEIT"), ["UNACHTSAMKEIT@6"]);
        let list = ["négligence"];
        assert_eq!(found(&list, "Une NÉGLIGENCE"), ["NÉGLIGENCE@4"]);
    }

    #[test]
    fn the_prefilter_says_no_only_when_no_phrase_can_occur() {
        let p = Phrases::new(&["human error", "careless"]);
        assert!(!p.may_occur("database failover replica"));
        assert!(p.may_occur("a Careless moment"));
        assert!(Phrases::new::<&str>(&[]).find("anything").is_empty());
    }
}
