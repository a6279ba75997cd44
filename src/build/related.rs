//! Related write-ups: explicit `related` links shown both ways, then up to
//! three more that share the most services and tags.

use super::views::Taxonomies;
use crate::content::WriteUp;
use crate::taxonomy::{Kind, Term};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// How many write-ups found by shared services and tags are shown.
pub const MORE: usize = 3;

#[derive(Clone)]
pub struct Related {
    pub index: usize,
    pub explicit: bool,
    /// Shared service and tag names.
    pub shared: Vec<String>,
}

/// How many write-ups on each side, in a term's time-ordered list, are
/// considered. Candidates nearer in time win ties anyway; the window keeps a
/// large site linear instead of scanning every page of every shared term.
pub const WINDOW: usize = 250;

/// The part of a term's page list (ascending indices) within [`WINDOW`] of `i`.
fn nearby(pages: &[usize], i: usize) -> &[usize] {
    let at = pages.partition_point(|&p| p < i);
    &pages[at.saturating_sub(WINDOW)..(at + WINDOW).min(pages.len())]
}

/// For each write-up (by index), its related ones.
pub fn related(writeups: &[&WriteUp], tax: &Taxonomies) -> Vec<Vec<Related>> {
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for (i, w) in writeups.iter().enumerate() {
        by_name.insert(w.stem.as_str(), i);
    }
    for (i, w) in writeups.iter().enumerate() {
        by_name.insert(w.slug.as_str(), i);
    }
    let mut explicit: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); writeups.len()];
    for (i, w) in writeups.iter().enumerate() {
        for name in &w.related {
            if let Some(&j) = by_name.get(name.as_str()) {
                if i != j {
                    explicit[i].insert(j);
                    explicit[j].insert(i);
                }
            }
        }
    }
    let services = tax.get(Kind::SERVICES);
    let tags = tax.get(Kind::TAGS);
    // Scores by write-up index, one array per thread, zero again after each
    // use: thousands of candidates per write-up cost an array add each,
    // where a hash map cost a lookup and an insert.
    let scratch = || vec![0u32; writeups.len()];
    (0..writeups.len())
        .into_par_iter()
        .map_init(scratch, |score, i| {
            let w = writeups[i];
            let mut out: Vec<Related> = explicit[i]
                .iter()
                .map(|&j| Related {
                    index: j,
                    explicit: true,
                    shared: Vec::new(),
                })
                .collect();
            // Each name as written (a repeated one counts again), with the
            // write-ups near this one that share it: a shared service counts
            // more than a shared tag.
            let shared_by: Vec<(&Term, &[usize], u32)> =
                [(&w.services, services, 2), (&w.tags, tags, 1)]
                    .into_iter()
                    .flat_map(|(names, taxonomy, weight)| {
                        names.iter().filter_map(move |name| {
                            let term = taxonomy.term(name)?;
                            Some((term, nearby(&term.pages, i), weight))
                        })
                    })
                    .collect();
            let candidates = shared_by.iter().map(|(_, near, _)| near.len()).sum();
            let mut touched: Vec<usize> = Vec::with_capacity(candidates);
            for &(_, near, weight) in &shared_by {
                for &j in near {
                    if j != i && !explicit[i].contains(&j) {
                        // Every weight is at least 1: zero is untouched.
                        if score[j] == 0 {
                            touched.push(j);
                        }
                        score[j] += weight;
                    }
                }
            }
            let mut ranked: Vec<(usize, u32)> = touched
                .iter()
                .map(|&j| (j, std::mem::take(&mut score[j])))
                .collect();
            // Highest score, then closest in the list (nearest in time), then newest.
            let order = |a: &(usize, u32), b: &(usize, u32)| {
                b.1.cmp(&a.1)
                    .then(a.0.abs_diff(i).cmp(&b.0.abs_diff(i)))
                    .then(a.0.cmp(&b.0))
            };
            if ranked.len() > MORE {
                ranked.select_nth_unstable_by(MORE, order);
                ranked.truncate(MORE);
            }
            ranked.sort_by(order);
            out.extend(ranked.into_iter().map(|(j, _)| {
                // The names behind the score, first seen first, once each.
                let mut shared: Vec<String> = Vec::new();
                for (term, near, _) in &shared_by {
                    if near.binary_search(&j).is_ok() && !shared.contains(&term.name) {
                        shared.push(term.name.clone());
                    }
                }
                Related {
                    index: j,
                    explicit: false,
                    shared,
                }
            }));
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_centred_on_the_write_up() {
        let pages: Vec<usize> = (0..1000).map(|n| n * 2).collect();
        let window = nearby(&pages, 1000);
        assert_eq!(window.len(), 2 * WINDOW);
        assert_eq!(window[WINDOW], 1000);
        assert_eq!(nearby(&pages, 0).len(), WINDOW);
        assert_eq!(nearby(&[1, 2, 3], 2), &[1, 2, 3]);
    }
}
