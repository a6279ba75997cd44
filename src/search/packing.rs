//! Packing the documents' text for `text-N.bin`: the site's most frequent
//! words are each replaced by one private-use character, and the list of
//! them is written once (`words.bin`). Gzip alone leaves incident prose at
//! about a quarter of its size, because every repeated word still costs a
//! back-reference; with the words as single characters it gets far smaller,
//! and so does every query's download of excerpts. `search.js` unpacks.

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

/// The first character that stands for a word.
const FIRST: u32 = 0xE000;
/// Marks the next character as itself: text that already holds a
/// private-use character keeps it.
const ESCAPE: char = '\u{F8FF}';
/// The shortest word worth packing: a private-use character takes 3 bytes
/// of UTF-8.
const MIN_WORD_BYTES: usize = 4;
/// How many words can be packed: the private-use characters before `ESCAPE`.
pub const MAX_WORDS: usize = (ESCAPE as u32 - FIRST) as usize;

fn is_packable_char(c: char) -> bool {
    c.is_alphabetic()
}

fn is_private(c: char) -> bool {
    (FIRST..=ESCAPE as u32).contains(&(c as u32))
}

/// Runs of letters, with their byte offsets. ASCII bytes are classed
/// without decoding: both the dictionary and the packing walk every text.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    // Whether the character at `at` is a letter, and its length in bytes.
    let letter_at = move |at: usize| -> (bool, usize) {
        let b = bytes[at];
        if b.is_ascii() {
            (b.is_ascii_alphabetic(), 1)
        } else {
            let c = text[at..].chars().next().unwrap_or(' ');
            (is_packable_char(c), c.len_utf8())
        }
    };
    let mut at = 0;
    std::iter::from_fn(move || {
        let mut start = None;
        while at < bytes.len() {
            let (letter, len) = letter_at(at);
            match (letter, start) {
                (true, None) => start = Some(at),
                (false, Some(s)) => return Some((s, &text[s..at])),
                _ => {}
            }
            at += len;
        }
        start.map(|s| (s, &text[s..]))
    })
}

/// The words worth a character of their own, most bytes saved first.
pub fn dictionary<'t>(texts: &[&'t str]) -> Vec<&'t str> {
    let counts = texts
        .par_iter()
        .fold(HashMap::default, |mut m: HashMap<&str, u32>, t| {
            for (_, w) in words(t) {
                if w.len() >= MIN_WORD_BYTES {
                    *m.entry(w).or_default() += 1;
                }
            }
            m
        })
        .reduce(HashMap::default, |mut a, b| {
            for (w, n) in b {
                *a.entry(w).or_default() += n;
            }
            a
        });
    let mut ranked: Vec<(&str, u64)> = counts
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(w, n)| (w, u64::from(n) * (w.len() as u64 - 3)))
        .collect();
    ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    ranked.truncate(MAX_WORDS);
    ranked.into_iter().map(|(w, _)| w).collect()
}

/// Packs `text` with `codes` (word → its character).
pub fn pack(text: &str, codes: &HashMap<&str, char>) -> String {
    let mut out = String::with_capacity(text.len() / 2);
    let mut copied = 0;
    let copy = |out: &mut String, piece: &str| {
        // Private-use characters (U+E000 to U+F8FF) are the only ones whose
        // UTF-8 starts with 0xEE or 0xEF; other text is copied whole.
        if !piece.bytes().any(|b| b == 0xEE || b == 0xEF) {
            out.push_str(piece);
            return;
        }
        for c in piece.chars() {
            if is_private(c) {
                out.push(ESCAPE);
            }
            out.push(c);
        }
    };
    for (at, w) in words(text) {
        // Shorter words are never in the dictionary: no lookup for them.
        if w.len() < MIN_WORD_BYTES {
            continue;
        }
        if let Some(&code) = codes.get(w) {
            copy(&mut out, &text[copied..at]);
            out.push(code);
            copied = at + w.len();
        }
    }
    copy(&mut out, &text[copied..]);
    out
}

/// The character for the `i`th word of the dictionary.
pub fn code(i: usize) -> char {
    char::from_u32(FIRST + i as u32).unwrap_or(ESCAPE)
}

/// Reverses [`pack`].
pub fn unpack(packed: &str, dictionary: &[String]) -> String {
    let mut out = String::with_capacity(packed.len() * 2);
    let mut chars = packed.chars();
    while let Some(c) = chars.next() {
        if c == ESCAPE {
            out.extend(chars.next());
        } else if is_private(c) {
            out.push_str(
                dictionary
                    .get((c as u32 - FIRST) as usize)
                    .map_or("", String::as_str),
            );
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_the_runs_of_letters() {
        let reference = |text: &str| -> Vec<(usize, String)> {
            let mut out = Vec::new();
            let mut start = None;
            for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
                match (is_packable_char(c), start) {
                    (true, None) => start = Some(at),
                    (false, Some(s)) => {
                        out.push((s, text[s..at].to_string()));
                        start = None;
                    }
                    _ => {}
                }
            }
            out
        };
        for text in [
            "",
            "a",
            " replica-lag, Ünïcödé日本語x 42 ends",
            "\u{E000}word\u{F8FF}",
            "naïve",
            "9z",
        ] {
            let got: Vec<(usize, String)> =
                words(text).map(|(at, w)| (at, w.to_string())).collect();
            assert_eq!(got, reference(text), "{text:?}");
        }
    }

    #[test]
    fn packing_round_trips() {
        let texts = [
            "the replica fell behind; the replica was rebuilt",
            "replica lag: \u{E000} and \u{F8FF} are private characters, Ünïcödé Ünïcödé",
        ];
        let dict = dictionary(&texts);
        // 2 × (11 − 3) bytes saved, then 3 × (7 − 3).
        assert_eq!(dict[..2], ["Ünïcödé", "replica"], "most bytes saved first");
        assert!(!dict.contains(&"the"), "short words are not worth it");
        let codes: HashMap<&str, char> = dict
            .iter()
            .enumerate()
            .map(|(i, w)| (*w, code(i)))
            .collect();
        let owned: Vec<String> = dict.iter().map(|w| w.to_string()).collect();
        for t in texts {
            let packed = pack(t, &codes);
            assert!(packed.len() < t.len());
            assert_eq!(unpack(&packed, &owned), t);
        }
    }
}
