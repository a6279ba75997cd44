//! Helpers for integration tests: temporary sites and running the binary.
#![allow(dead_code)]

use scraper::{Html, Selector};
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The first line of each problem `check` reported about a write-up
    /// (`content/a.md:7:1: error: ...`), in order.
    pub fn problem_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("content/"))
            .collect()
    }
}

/// A temporary site folder; removed when dropped.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn new() -> Site {
        Site {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A site with the given files (path relative to the root, contents).
    pub fn with(files: &[(&str, &str)]) -> Site {
        let site = Site::new();
        for (path, text) in files {
            site.write(path, text.as_bytes());
        }
        site
    }

    /// A copy of a fixture folder under tests/fixtures.
    pub fn fixture(name: &str) -> Site {
        let site = Site::new();
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        copy_dir(&from, site.path());
        site
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, bytes: &[u8]) {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, bytes).unwrap();
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.path().join(path))
            .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_blameless"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env("HOME", dir)
        .output()
        .expect("run blameless");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target: PathBuf = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A valid write-up with the given extra front matter lines and body.
pub fn writeup(title: &str, extra: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: 2020-01-02\nseverity: SEV2\nauthors: [ana]\n{extra}---\n{body}"
    )
}

/// The fixture site `site`, built with `args` (which must succeed).
pub fn built(args: &[&str]) -> Site {
    let site = Site::fixture("site");
    let mut all = vec!["build", "--color", "never"];
    all.extend_from_slice(args);
    let run = site.run(&all);
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
    site
}

/// Every file under `dir` with its bytes, sorted by path: for comparing two
/// outputs byte for byte.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// The built page `path` (below `public/`) of `site`, parsed.
pub fn html(site: &Site, path: &str) -> Html {
    Html::parse_document(&site.read(&format!("public/{path}")))
}

/// The text of each element `selector` finds, its whitespace collapsed.
pub fn texts(doc: &Html, selector: &str) -> Vec<String> {
    let sel = Selector::parse(selector).unwrap();
    doc.select(&sel)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Asserts that `actual` is, word for word, the snapshot
/// `tests/it/snapshots/NAME` (no wildcards, no path rewriting). After a
/// deliberate change of messages, `SNAPSHOTS=overwrite cargo test` writes
/// what they are now; `git diff` then shows every message that changed.
pub fn assert_snapshot(actual: &str, name: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/snapshots")
        .join(name);
    snapbox::Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        .eq(actual, snapbox::Data::read_from(&path, None).raw());
}

/// `lines` as one text, each line ending in a newline, to compare with a
/// snapshot.
pub fn lines<S: AsRef<str>>(lines: &[S]) -> String {
    lines.iter().map(|l| format!("{}\n", l.as_ref())).collect()
}
