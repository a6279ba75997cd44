//! What a query that finds nothing offers instead: the query with one word
//! fewer that finds something, and for a word the index does not know, the
//! nearest word it does (`replicaton` → `replication`). `search.js` does
//! the same, in the same order, so the page and `blameless search` offer
//! the same.

use super::query::{Index, Sort};
use super::tokenize::query_terms;

/// At most this many shorter queries are offered.
const MAX_FEWER: usize = 3;
/// A query of more words than this is not shortened word by word.
const MAX_WORDS: usize = 6;

#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Suggestions {
    /// Queries with one word left out that find something, with how many
    /// write-ups each finds, most first.
    pub fewer: Vec<(String, usize)>,
    /// The query with each unknown word replaced by the nearest known one,
    /// when any was.
    pub nearest: Option<String>,
}

/// The words of `input` a suggestion may leave out or replace: not a
/// phrase, an exclusion or a facet (`tag:dns`).
fn plain(token: &str) -> bool {
    !token.starts_with(['-', '"']) && !token.contains(':') && !token.contains('"')
}

/// How many single-character edits turn `a` into `b`, or `None` past `max`.
fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        let mut best = row[0];
        for (j, cb) in b.iter().enumerate() {
            let here = (previous + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            previous = row[j + 1];
            row[j + 1] = here;
            best = best.min(here);
        }
        if best > max {
            return None;
        }
    }
    (row[b.len()] <= max).then_some(row[b.len()])
}

impl Index {
    /// What to offer for `input`, which found nothing with `selected`.
    pub fn suggest(
        &mut self,
        input: &str,
        selected: &[(String, Vec<String>)],
    ) -> std::io::Result<Suggestions> {
        let tokens: Vec<&str> = input.split_whitespace().collect();
        let words: Vec<usize> = (0..tokens.len()).filter(|&i| plain(tokens[i])).collect();
        let mut out = Suggestions::default();
        if words.len() >= 2 && words.len() <= MAX_WORDS {
            for &leave_out in &words {
                let shorter: Vec<&str> = tokens
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != leave_out)
                    .map(|(_, t)| *t)
                    .collect();
                let shorter = shorter.join(" ");
                let query = self.parse(&shorter);
                let found = self.search(&query, selected, Sort::Relevance)?.ids.len();
                if found > 0 && !out.fewer.iter().any(|(q, _)| *q == shorter) {
                    out.fewer.push((shorter, found));
                }
            }
            // Most found first; ties in the order of the words left out.
            out.fewer
                .sort_by_key(|(_, found)| std::cmp::Reverse(*found));
            out.fewer.truncate(MAX_FEWER);
        }
        let mut replaced = tokens.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        let mut any = false;
        for &i in &words {
            let terms = query_terms(tokens[i]);
            let [term] = terms.as_slice() else { continue };
            if self.term_count(term)? > 0 {
                continue;
            }
            if let Some(near) = self.nearest_term(term)? {
                replaced[i] = near;
                any = true;
            }
        }
        if any {
            out.nearest = Some(replaced.join(" "));
        }
        Ok(out)
    }

    /// The known term nearest `term`: in the same shard, within one edit
    /// for a short word and two for a longer one; the most used of the
    /// nearest, then the first in the index's order.
    fn nearest_term(&mut self, term: &str) -> std::io::Result<Option<String>> {
        let max = if term.chars().count() <= 4 { 1 } else { 2 };
        let Some(s) = self.shard_of(term) else {
            return Ok(None);
        };
        let shard = self.shard(s)?;
        let mut best: Option<(usize, usize, &str)> = None;
        for (t, postings) in shard.iter() {
            let Some(d) = distance(term, t, max) else {
                continue;
            };
            let better = match best {
                None => true,
                Some((bd, bn, _)) => d < bd || (d == bd && postings.len() > bn),
            };
            if better {
                best = Some((d, postings.len(), t));
            }
        }
        Ok(best.map(|(_, _, t)| t.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_counted_up_to_a_bound() {
        assert_eq!(distance("replicaton", "replication", 2), Some(1));
        assert_eq!(distance("lagg", "lag", 1), Some(1));
        assert_eq!(distance("dns", "cdn", 1), None);
        assert_eq!(distance("snapshot", "snapshot", 2), Some(0));
        assert_eq!(distance("kernel", "kennel", 2), Some(1));
        assert_eq!(distance("a", "abcd", 2), None);
    }

    #[test]
    fn only_plain_words_are_left_out_or_replaced() {
        assert!(plain("replication"));
        assert!(!plain("-dns"));
        assert!(!plain("tag:dns"));
        assert!(!plain("\"stale"));
    }
}
