//! Checks that need every write-up at once: unique slugs, `related` and
//! body links naming real write-ups, raw HTML policy, and taxonomy names that
//! differ only in case or spacing or that share a slug.

use super::parse::Parsed;
use super::WriteUp;
use crate::config::{Config, RawHtml};
use crate::diagnostic::Diagnostic;
use crate::text::{fold_name, slugify};
use crate::yaml::FieldPath;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// Resolves a link written in `from` (a path inside `content/`) to the
/// content path it names, e.g. `2018/a.md` + `../2017/b.md#x` -> `2017/b.md`;
/// `None` when it leaves `content/` or cannot name a file.
pub fn resolve_content_link(from: &str, dest: &str) -> Option<String> {
    let folder = from.rsplit_once('/').map_or("", |(folder, _)| folder);
    crate::confine::join(folder, dest).ok()
}

pub(super) fn check_site(parsed: &mut [Parsed], config: &Config, root: &std::path::Path) {
    // The write-ups apart from the problems being added, so that the names
    // looked up can be borrowed instead of copied.
    let writeups: Vec<Arc<WriteUp>> = parsed.iter().filter_map(|p| p.writeup.clone()).collect();
    check_slugs(parsed);
    find_assets(parsed, config, root);
    check_references(parsed, &writeups, config);
    check_author_names(parsed);
    check_term_spelling(parsed, "tags");
    check_term_spelling(parsed, "services");
    for taxonomy in config.declared_taxonomies() {
        check_term_spelling(parsed, &taxonomy.key);
    }
}

/// The files each write-up refers to, and an error for each it cannot
/// publish.
fn find_assets(parsed: &mut [Parsed], config: &Config, root: &std::path::Path) {
    parsed.par_iter_mut().for_each(|p| {
        let Some(w) = &mut p.writeup else { return };
        if w.scan.files.is_empty() && w.assets.is_empty() {
            return;
        }
        let assets = super::assets::resolve(w, root, config, &mut p.diagnostics);
        if assets != w.assets {
            Arc::make_mut(w).assets = assets;
        }
    });
}

fn check_slugs(parsed: &mut [Parsed]) {
    let mut by_slug: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in parsed.iter().enumerate() {
        if let Some(w) = &p.writeup {
            by_slug.entry(w.slug.as_str()).or_default().push(i);
        }
    }
    let shared: BTreeMap<String, Vec<usize>> = by_slug
        .into_iter()
        .filter(|(_, owners)| owners.len() > 1)
        .map(|(slug, owners)| (slug.to_string(), owners))
        .collect();
    for (slug, owners) in shared {
        let files: Vec<String> = owners.iter().map(|&i| parsed[i].file.clone()).collect();
        for &i in &owners {
            let others: Vec<&str> = files
                .iter()
                .filter(|f| **f != parsed[i].file)
                .map(String::as_str)
                .collect();
            let hint = "give one of them a different `slug:` (or rename the file)".to_string();
            let message = format!("slug `{slug}` is also used by {}", others.join(", "));
            let p = &mut parsed[i];
            if p.writeup.as_ref().is_some_and(|w| w.slug_explicit) {
                p.problems.push(crate::yaml::Problem {
                    path: FieldPath::root().key("slug"),
                    on_key: false,
                    level: crate::diagnostic::Level::Error,
                    message,
                    hint: Some(hint),
                });
            } else {
                p.diagnostics.push(
                    Diagnostic::error(&p.file, message)
                        .at(1, 1)
                        .with_field("slug")
                        .with_hint(hint),
                );
            }
        }
    }
}

fn check_references(parsed: &mut [Parsed], writeups: &[Arc<WriteUp>], config: &Config) {
    let known: HashSet<&str> = writeups
        .iter()
        .flat_map(|w| [w.slug.as_str(), w.stem.as_str()])
        .collect();
    let paths: HashSet<&str> = writeups.iter().map(|w| w.content_path.as_str()).collect();
    parsed.par_iter_mut().for_each(|p| {
        let Some(w) = &p.writeup else { return };
        let mut problems = Vec::new();
        let mut diagnostics = Vec::new();
        for (i, name) in w.related.iter().enumerate() {
            if !known.contains(name.as_str()) {
                let mut suggestions: Vec<&str> = known.iter().copied().collect();
                suggestions.sort();
                let hint = match crate::text::did_you_mean(name, &suggestions) {
                    Some(s) => format!(
                        "did you mean `{s}`? `related` takes slugs or file names without .md"
                    ),
                    None => {
                        "`related` takes the slugs (or file names without .md) of other write-ups"
                            .into()
                    }
                };
                problems.push(crate::yaml::Problem {
                    path: FieldPath::root().key("related").index(i),
                    on_key: false,
                    level: crate::diagnostic::Level::Error,
                    message: format!("related[{i}]: no write-up has the slug {name:?}"),
                    hint: Some(hint),
                });
            }
        }
        for link in &w.scan.links {
            let target = resolve_content_link(&w.content_path, &link.dest);
            if target.as_ref().is_some_and(|t| paths.contains(t.as_str())) {
                continue;
            }
            let (line, column) = w.body_position(link.offset);
            diagnostics.push(
                Diagnostic::error(&w.file, format!("link to an unknown write-up: {}", link.dest))
                    .at(line, column)
                    .with_source(&w.text)
                    .with_hint("links to other write-ups are relative paths to their .md files, e.g. ../2017-02-28-s3-outage.md"),
            );
        }
        if config.markdown.raw_html == RawHtml::Deny {
            for &offset in &w.scan.raw_html {
                let (line, column) = w.body_position(offset);
                diagnostics.push(
                    Diagnostic::error(&w.file, "raw HTML is not allowed (markdown.raw_html: deny)")
                        .at(line, column)
                        .with_source(&w.text)
                        .with_hint("write it in Markdown, or set markdown.raw_html to sanitize in blameless.yaml"),
                );
            }
        }
        p.problems.extend(problems);
        p.diagnostics.extend(diagnostics);
    });
}

/// Warns where one tag (or service) is spelled two ways, and where two
/// different names make the same page slug and so share a page.
/// Names of taxonomy `key` that differ only in case or spacing, or that
/// share a slug: warnings, as they share one page.
/// The error for a name whose page's file name would be too long.
fn too_long(path: FieldPath, slug: &str) -> crate::yaml::Problem {
    crate::yaml::Problem {
        message: format!(
            "{path}: its page would be named with {} bytes; a file name may be at most {}",
            slug.len(),
            crate::confine::MAX_NAME_BYTES
        ),
        path,
        on_key: false,
        level: crate::diagnostic::Level::Error,
        hint: Some("shorten it; a longer text belongs in the summary or the body".into()),
    }
}

/// Authors whose page would have a file name too long to write.
fn check_author_names(parsed: &mut [Parsed]) {
    let mut long: HashMap<String, Option<String>> = HashMap::new();
    for p in parsed.iter_mut() {
        let Some(w) = &p.writeup else { continue };
        for (i, name) in w.authors.iter().enumerate() {
            let slug = long.entry(name.clone()).or_insert_with(|| {
                let slug = slugify(name);
                (slug.len() > crate::confine::MAX_NAME_BYTES).then_some(slug)
            });
            if let Some(slug) = slug {
                p.problems
                    .push(too_long(FieldPath::root().key("authors").index(i), slug));
            }
        }
    }
}

fn check_term_spelling(parsed: &mut [Parsed], key: &str) {
    // Each distinct name's folded form and slug, computed once: a site
    // repeats a few hundred names tens of thousands of times.
    let mut keys: HashMap<String, (String, String)> = HashMap::new();
    // First spelling seen (in file order) for each folded name and slug.
    let mut first_by_fold: HashMap<String, (String, String)> = HashMap::new();
    let mut first_by_slug: HashMap<String, (String, String)> = HashMap::new();
    for p in parsed.iter() {
        let Some(w) = &p.writeup else { continue };
        for name in w.names(key) {
            if keys.contains_key(name) {
                continue;
            }
            let (fold, slug) = (fold_name(name), slugify(name));
            first_by_fold
                .entry(fold.clone())
                .or_insert_with(|| (name.clone(), p.file.clone()));
            first_by_slug
                .entry(slug.clone())
                .or_insert_with(|| (name.clone(), p.file.clone()));
            keys.insert(name.clone(), (fold, slug));
        }
    }
    parsed.par_iter_mut().for_each(|p| {
        let Some(w) = &p.writeup else { return };
        let mut problems = Vec::new();
        for (i, name) in w.names(key).iter().enumerate() {
            let (fold, slug) = &keys[name];
            if slug.len() > crate::confine::MAX_NAME_BYTES {
                problems.push(too_long(FieldPath::root().key(key).index(i), slug));
                continue;
            }
            let (first, file) = &first_by_fold[fold];
            if first == name && &first_by_slug[slug].0 == name {
                continue;
            }
            let path = FieldPath::root().key(key).index(i);
            if first != name {
                problems.push(crate::yaml::Problem {
                    path,
                    on_key: false,
                    level: crate::diagnostic::Level::Warning,
                    message: format!("{key}[{i}]: {name:?} differs from {first:?} (in {file}) only in case or spacing"),
                    hint: Some(format!("write it {first:?} everywhere; both are shown as one")),
                });
                continue;
            }
            let (first, file) = &first_by_slug[slug];
            if fold_name(first) != *fold {
                problems.push(crate::yaml::Problem {
                    path,
                    on_key: false,
                    level: crate::diagnostic::Level::Warning,
                    message: format!(
                        "{key}[{i}]: {name:?} and {first:?} (in {file}) share the page /{key}/{slug}/"
                    ),
                    hint: Some("rename one of them if they are different things".into()),
                });
            }
        }
        p.problems.extend(problems);
    });
}

/// Warnings for open action items of published write-ups that are due
/// before `today`.
pub fn overdue_warnings(
    writeups: &[std::sync::Arc<super::WriteUp>],
    today: jiff::civil::Date,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for w in writeups
        .iter()
        .filter(|w| w.status == super::Status::Published)
    {
        let problems: Vec<crate::yaml::Problem> = w
            .action_items
            .iter()
            .enumerate()
            .filter(|(_, a)| a.is_overdue(today))
            .map(|(i, a)| crate::yaml::Problem {
                path: FieldPath::root().key("action_items").index(i).key("due"),
                on_key: false,
                level: crate::diagnostic::Level::Warning,
                message: format!(
                    "action_items[{i}]: overdue: {:?} (owner {}) was due {} and is still {}",
                    crate::text::truncate_words(&a.task, 60),
                    a.owner,
                    a.due.map(|d| d.to_string()).unwrap_or_default(),
                    a.status.as_str()
                ),
                hint: Some("finish it and set `status: done`, give it a new `due` date, or set `status: wontfix` and say why in the write-up".into()),
            })
            .collect();
        if problems.is_empty() {
            continue;
        }
        if let Ok(split) = super::split_front_matter(&w.text) {
            let yaml_text = &w.text[split.yaml.clone()];
            out.extend(crate::yaml::locate_problems(
                &w.file, &w.text, yaml_text, 1, problems,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_relative_to_the_file() {
        assert_eq!(
            resolve_content_link("2018/a.md", "../2017/b.md#x").as_deref(),
            Some("2017/b.md")
        );
        assert_eq!(
            resolve_content_link("a.md", "./b%20c.md").as_deref(),
            Some("b c.md")
        );
        assert_eq!(resolve_content_link("a.md", "../../b.md"), None);
    }
}
