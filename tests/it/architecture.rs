//! What `src/lib.rs` and `ARCHITECTURE.md` say about the code, checked
//! against the code: the modules' layers (no import upward or sideways,
//! no circle among a folder's files) and every path the map names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The layers in `src/lib.rs`'s numbered list, each a set of module names.
fn layers(lib: &str) -> Vec<Vec<String>> {
    lib.lines()
        .filter_map(|l| l.strip_prefix("//! "))
        .filter_map(|l| {
            let (number, rest) = l.split_once(". ")?;
            number.parse::<usize>().ok()?;
            Some(backticked(rest.split(" (").next().unwrap_or(rest)))
        })
        .collect()
}

fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// The code of a line: without its `//` comment (and so without doc
/// comments, whose links are not imports).
fn code(line: &str) -> &str {
    match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// Every `prefix` + identifier in the code of `text`, with its 1-based line.
fn names_after<'t>(text: &'t str, prefix: &str) -> Vec<(usize, &'t str)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = code(line);
        let mut rest = line;
        while let Some(i) = rest.find(prefix) {
            let before = line.len() - rest.len() + i;
            rest = &rest[i + prefix.len()..];
            let prior = line[..before].chars().next_back();
            if prior.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if end > 0 {
                found.push((n + 1, &rest[..end]));
            }
        }
    }
    found
}

/// The top-level module a file of `src/` belongs to (`content` for
/// `src/content/load.rs`), `None` for `lib.rs` and `main.rs`.
fn module_of(root: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(root.join("src")).unwrap();
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.trim_end_matches(".rs");
    (name != "lib" && name != "main").then(|| name.to_string())
}

/// Each `crate::` use in `root/src` that does not point to a layer below
/// the user's.
fn upward_imports(root: &Path, layers: &[Vec<String>]) -> Vec<String> {
    let layer_of: BTreeMap<&str, usize> = layers
        .iter()
        .enumerate()
        .flat_map(|(i, names)| names.iter().map(move |n| (n.as_str(), i)))
        .collect();
    let mut wrong = Vec::new();
    for file in rust_files(&root.join("src")) {
        let Some(module) = module_of(root, &file) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        let mine = layer_of[module.as_str()];
        for (line, used) in names_after(&text, "crate::") {
            if used == module {
                continue;
            }
            let theirs = layer_of.get(used).copied();
            if theirs.is_none_or(|l| l >= mine) {
                wrong.push(format!(
                    "{}:{line}: `{module}` (layer {}) uses `crate::{used}` (layer {})",
                    file.strip_prefix(root).unwrap().display(),
                    mine + 1,
                    theirs.map_or("none".to_string(), |l| (l + 1).to_string()),
                ));
            }
        }
    }
    wrong
}

/// Circles among the files of one folder of `root/src`, through
/// `super::name` and `crate::folder::name` where `name` is a sibling file's
/// module. (`mod.rs` declares them all, so it is not one of the files.)
fn circles(root: &Path) -> Vec<String> {
    let src = &root.join("src");
    let mut folders: BTreeMap<PathBuf, BTreeMap<String, String>> = BTreeMap::new();
    for file in rust_files(src) {
        let name = file.file_stem().unwrap().to_str().unwrap().to_string();
        if name == "mod" || file.parent() == Some(src.as_path()) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        folders
            .entry(file.parent().unwrap().to_path_buf())
            .or_default()
            .insert(name, text);
    }
    let mut found = Vec::new();
    for (folder, files) in &folders {
        let folder_name = folder.file_name().unwrap().to_str().unwrap();
        let edges: BTreeMap<&str, BTreeSet<&str>> = files
            .iter()
            .map(|(name, text)| {
                let crate_path = format!("crate::{folder_name}::");
                let used = names_after(text, "super::")
                    .into_iter()
                    .chain(names_after(text, &crate_path))
                    .map(|(_, used)| used)
                    .filter(|used| files.contains_key(*used) && used != name)
                    .collect();
                (name.as_str(), used)
            })
            .collect();
        for start in edges.keys() {
            if let Some(path) = path_back(&edges, start) {
                found.push(format!(
                    "{}: {}",
                    folder.strip_prefix(root).unwrap().display(),
                    path.join(" -> ")
                ));
            }
        }
    }
    found
}

/// A path of uses from `start` back to itself, if there is one.
fn path_back<'a>(
    edges: &BTreeMap<&'a str, BTreeSet<&'a str>>,
    start: &'a str,
) -> Option<Vec<&'a str>> {
    let mut stack = vec![vec![start]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = *path.last().unwrap();
        for &next in edges.get(last).into_iter().flatten() {
            if next == start {
                let mut circle = path.clone();
                circle.push(start);
                return Some(circle);
            }
            if seen.insert(next) {
                let mut longer = path.clone();
                longer.push(next);
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn every_module_is_in_one_layer_of_lib_rs() {
    let lib = std::fs::read_to_string(repo().join("src/lib.rs")).unwrap();
    let layers = layers(&lib);
    assert!(layers.len() > 5, "the layer list of src/lib.rs: {layers:?}");
    let listed: Vec<&String> = layers.iter().flatten().collect();
    let declared: Vec<String> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';').to_string())
        .collect();
    let mut a: Vec<&str> = listed.iter().map(|s| s.as_str()).collect();
    let mut b: Vec<&str> = declared.iter().map(String::as_str).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "the layers list each declared module once");
}

#[test]
fn no_module_uses_one_in_its_own_layer_or_above() {
    let lib = std::fs::read_to_string(repo().join("src/lib.rs")).unwrap();
    let wrong = upward_imports(repo(), &layers(&lib));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_files_of_a_folder_use_each_other_in_a_circle() {
    let found = circles(repo());
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The site's own paths, which the map names but this repository need not hold.
const SITE_PATHS: &[&str] = &["public/", "static/", "templates/", "_about.md"];

#[test]
fn every_path_architecture_md_names_exists() {
    let map = std::fs::read_to_string(repo().join("ARCHITECTURE.md")).unwrap();
    let names_in_src: BTreeSet<String> = rust_files(&repo().join("src"))
        .iter()
        .map(|f| f.file_name().unwrap().to_str().unwrap().to_string())
        .collect();
    let mut missing = Vec::new();
    for token in backticked(&map) {
        let is_path = token.contains('/')
            || [".rs", ".md", ".js", ".mjs", ".json", ".yaml", ".py"]
                .iter()
                .any(|x| token.ends_with(x));
        if !is_path
            || token.contains(['*', '<', ' '])
            || token.starts_with(['.', '/'])
            || SITE_PATHS.contains(&token.as_str())
        {
            continue;
        }
        let exists = repo().join(&token).exists()
            || repo().join("src").join(&token).exists()
            || (!token.contains('/') && names_in_src.contains(&token));
        if !exists {
            missing.push(token);
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names {missing:?}, which do not exist"
    );
}

#[test]
fn the_layer_check_sees_an_upward_import_and_a_circle() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path();
    let write = |path: &str, text: &str| {
        let path = root.join("src").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("low/mod.rs", "mod a;\nmod b;\nmod c;\n");
    write("low/a.rs", "use super::b::f;\n");
    write("low/b.rs", "use crate::low::a::g; // a circle\n");
    write("low/c.rs", "fn f() { crate::high::g(); }\n");
    write(
        "high.rs",
        "//! `crate::nothing` in a comment is no use.\nuse crate::low::a;\n",
    );
    let layers = vec![vec!["low".to_string()], vec!["high".to_string()]];
    assert_eq!(
        upward_imports(root, &layers),
        ["src/low/c.rs:1: `low` (layer 1) uses `crate::high` (layer 2)"]
    );
    assert_eq!(
        circles(root),
        ["src/low: a -> b -> a", "src/low: b -> a -> b"]
    );
}

/// Each function that other modules may call (`pub`, `pub(crate)`,
/// `pub(super)`), its signature (from `fn` to its body) on one line.
fn public_signatures(text: &str) -> Vec<String> {
    let code: String = text.lines().map(|l| format!("{} ", code(l))).collect();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(i) = code[at..].find("fn ") {
        let start = at + i;
        let end = code[start..]
            .find(['{', ';'])
            .map_or(code.len(), |e| start + e);
        let before = code[..start].trim_end();
        if before.ends_with("pub")
            || before.ends_with("pub(crate)")
            || before.ends_with("pub(super)")
        {
            found.push(
                code[start..end]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        at = end.max(start + 3);
    }
    found
}

#[test]
fn no_public_function_returns_a_bare_string_as_its_error() {
    let mut found = Vec::new();
    for file in rust_files(&repo().join("src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for signature in public_signatures(&text) {
            if signature.ends_with(", String>") {
                found.push(format!(
                    "{}: {signature}",
                    file.strip_prefix(repo()).unwrap().display()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "return a typed error:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_error_type_implements_std_error() {
    let mut declared = Vec::new();
    let mut implemented = BTreeSet::new();
    for file in rust_files(&repo().join("src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines().map(code) {
            for kind in ["pub enum ", "pub struct ", "enum ", "struct "] {
                if let Some(name) = line.trim_start().strip_prefix(kind) {
                    let name: String = name
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if name.ends_with("Error") {
                        declared.push(name);
                    }
                }
            }
            if let Some(rest) = line.split("impl std::error::Error for ").nth(1) {
                let name = rest.split(|c: char| !(c.is_alphanumeric() || c == '_'));
                implemented.insert(name.into_iter().next().unwrap_or("").to_string());
            }
        }
    }
    assert!(declared.len() >= 5, "{declared:?}");
    let missing: Vec<&String> = declared
        .iter()
        .filter(|d| !implemented.contains(*d))
        .collect();
    assert!(missing.is_empty(), "no std::error::Error for {missing:?}");
}
