//! Grouping write-ups by each taxonomy of the configuration (tags,
//! services, severity, authors, and the site's own). Names that differ only
//! in case or spacing, or that make the same slug, share a term (and
//! `check` warns about them).

use crate::config::{Config, TaxonomyDef};
use crate::content::WriteUp;
use crate::text::{fold_name, slugify};
use std::collections::HashMap;

/// Which taxonomy: its place in the configuration's `taxonomies`, where
/// the built-in four come first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Kind(pub usize);

impl Kind {
    pub const TAGS: Kind = Kind(0);
    pub const SERVICES: Kind = Kind(1);
    pub const SEVERITY: Kind = Kind(2);
    pub const AUTHORS: Kind = Kind(3);

    /// Every taxonomy of `config`, in order.
    pub fn all(config: &Config) -> impl Iterator<Item = Kind> {
        (0..config.taxonomies.len()).map(Kind)
    }
}

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    /// Indices into the site's write-ups, in their order (newest first).
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub kind: Kind,
    /// How the configuration defines it.
    pub def: TaxonomyDef,
    /// Alphabetical by slug; severities in configured order.
    pub terms: Vec<Term>,
    by_key: HashMap<String, usize>,
}

impl Taxonomy {
    /// Groups `writeups` (newest first) by `kind`.
    pub fn build(kind: Kind, writeups: &[&WriteUp], config: &Config) -> Taxonomy {
        let def = config.taxonomies[kind.0].clone();
        let mut terms: Vec<Term> = Vec::new();
        let mut by_slug: HashMap<String, usize> = HashMap::new();
        let mut by_fold: HashMap<String, usize> = HashMap::new();
        // Names as written: a site repeats a few hundred of them many times.
        let mut by_name: HashMap<&str, usize> = HashMap::new();
        for (index, w) in writeups.iter().enumerate() {
            for name in w.names(&def.key).iter().map(String::as_str) {
                if let Some(&term) = by_name.get(name) {
                    if terms[term].pages.last() != Some(&index) {
                        terms[term].pages.push(index);
                    }
                    continue;
                }
                let fold = fold_name(name);
                let term = match by_fold.get(&fold) {
                    Some(&t) => t,
                    None => {
                        let slug = slugify(name);
                        let t = *by_slug.entry(slug.clone()).or_insert_with(|| {
                            terms.push(Term {
                                name: name.split_whitespace().collect::<Vec<_>>().join(" "),
                                slug,
                                pages: Vec::new(),
                            });
                            terms.len() - 1
                        });
                        by_fold.insert(fold, t);
                        t
                    }
                };
                by_name.insert(name, term);
                if terms[term].pages.last() != Some(&index) {
                    terms[term].pages.push(index);
                }
            }
        }
        match kind {
            Kind::SEVERITY => {
                let order: Vec<&str> = config.severity_names();
                terms.sort_by_key(|t| {
                    order
                        .iter()
                        .position(|n| *n == t.name)
                        .unwrap_or(usize::MAX)
                });
            }
            _ => terms.sort_by(|a, b| a.slug.cmp(&b.slug).then(a.name.cmp(&b.name))),
        }
        let mut by_key = HashMap::new();
        for (i, t) in terms.iter().enumerate() {
            by_key.insert(t.slug.clone(), i);
        }
        for (fold, _) in by_fold {
            let slug = slugify(&fold);
            if let Some(&i) = by_key.get(&slug) {
                by_key.insert(fold, i);
            }
        }
        Taxonomy {
            kind,
            def,
            terms,
            by_key,
        }
    }

    /// The front-matter key, and the folder of its pages.
    pub fn key(&self) -> &str {
        &self.def.key
    }

    /// Write-ups per term page.
    pub fn per_page(&self, config: &Config) -> usize {
        self.def.paginate.unwrap_or(config.paginate).max(1)
    }

    /// The description of a term of a closed vocabulary.
    pub fn description(&self, term: &Term) -> Option<&str> {
        self.def.allowed(&term.name)?.description.as_deref()
    }

    /// The term a name (as written in a write-up) belongs to.
    pub fn term(&self, name: &str) -> Option<&Term> {
        self.by_key
            .get(&fold_name(name))
            .or_else(|| self.by_key.get(&slugify(name)))
            .map(|&i| &self.terms[i])
    }

    /// The `limit` most used terms, alphabetically, each with a size step
    /// 1..=6 on a log scale of its count (the Pile o'Tags).
    pub fn cloud(&self, limit: usize) -> Vec<(&Term, u8)> {
        let top = self.most_used(limit);
        let counts = top.iter().map(|t| t.pages.len());
        let (min, max) = (
            counts.clone().min().unwrap_or(1) as f64,
            counts.max().unwrap_or(1) as f64,
        );
        let span = (max.ln() - min.ln()).max(f64::EPSILON);
        let mut cloud: Vec<(&Term, u8)> = top
            .into_iter()
            .map(|t| {
                let step = if max == min {
                    3.0
                } else {
                    1.0 + 5.0 * ((t.pages.len() as f64).ln() - min.ln()) / span
                };
                (t, step.round().clamp(1.0, 6.0) as u8)
            })
            .collect();
        cloud.sort_by(|a, b| a.0.slug.cmp(&b.0.slug));
        cloud
    }

    /// The `limit` terms on the most write-ups (ties by slug), most used
    /// first.
    pub fn most_used(&self, limit: usize) -> Vec<&Term> {
        let mut top: Vec<&Term> = self.terms.iter().collect();
        let by_use =
            |a: &&Term, b: &&Term| b.pages.len().cmp(&a.pages.len()).then(a.slug.cmp(&b.slug));
        if top.len() > limit {
            // Only the first `limit` need sorting.
            top.select_nth_unstable_by(limit, by_use);
            top.truncate(limit);
        }
        top.sort_by(by_use);
        top
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_sizes_follow_a_log_scale() {
        let config = Config::default();
        let mut t = Taxonomy::build(Kind::TAGS, &[], &config);
        for (name, count) in [("a", 1usize), ("b", 10), ("c", 100)] {
            t.terms.push(Term {
                name: name.into(),
                slug: name.into(),
                pages: (0..count).collect(),
            });
        }
        let cloud: Vec<(String, u8)> = t
            .cloud(2)
            .into_iter()
            .map(|(t, s)| (t.name.clone(), s))
            .collect();
        assert_eq!(cloud, [("b".to_string(), 1), ("c".to_string(), 6)]);
    }
}
