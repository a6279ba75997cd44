//! Writing the built site safely. Pages are written into a temporary sibling
//! of the output folder, which replaces the output only once everything has
//! been written; a failed build leaves the published site as it was. The
//! output folder carries a marker file, and folders that could hold someone's
//! work (the site root, `content/`, the home folder, `/`, a folder blameless
//! did not create) are never replaced.

use std::fmt;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl-C stop a build cleanly: the next file write fails, the
/// staging folder is removed and the published output stays as it was. A
/// second Ctrl-C exits at once (a stale staging folder is removed by the
/// next build).
pub fn stop_builds_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
}

/// Marks a folder as blameless output, safe to replace.
pub const MARKER: &str = ".blameless-output";

#[derive(Debug)]
pub enum OutputError {
    Refused {
        path: PathBuf,
        reason: String,
    },
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    Interrupted,
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            OutputError::Refused { path, reason } => {
                write!(
                    f,
                    "refusing to write the site to {}: {reason}",
                    path.display()
                )
            }
            OutputError::Io { path, error } => {
                write!(f, "cannot write {}: {error}", path.display())
            }
            OutputError::Interrupted => {
                write!(f, "interrupted; the previous output was left as it was")
            }
        }
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |error| OutputError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// An absolute, lexically normal path, with the existing part of it
/// resolved through symlinks.
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut normal = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    // Resolve symlinks in the longest prefix that exists.
    let mut existing = normal.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            None => break,
        }
        if !existing.pop() {
            break;
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

/// Why `output` must not be replaced, if it must not.
pub fn refusal(output: &Path, root: &Path) -> Option<String> {
    let out = absolute(output);
    let root = absolute(root);
    if out.parent().is_none() {
        return Some("it is the file system root".into());
    }
    if out == root {
        return Some("it is the site root".into());
    }
    if root.starts_with(&out) {
        return Some("it contains the site root".into());
    }
    for source in ["content", "templates", "static", "themes"] {
        let dir = root.join(source);
        if out.starts_with(&dir) {
            return Some(format!("it is inside the site's {source}/ folder"));
        }
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        if out == absolute(Path::new(&home)) {
            return Some("it is your home folder".into());
        }
    }
    None
}

/// A build being written; dropped without [`Staging::commit`], it removes
/// everything it wrote.
pub struct Staging {
    target: PathBuf,
    temp: PathBuf,
    committed: bool,
    written: AtomicUsize,
    /// Updating the output where it is (see [`Staging::update`]), with the
    /// paths written so far.
    in_place: Option<std::sync::Mutex<Vec<String>>>,
}

fn sibling(target: &Path, suffix: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    target.with_file_name(format!(".{name}.{suffix}"))
}

impl Staging {
    /// Checks that `output` may be replaced and prepares a temporary folder
    /// beside it (removing one left by a killed build).
    pub fn begin(output: &Path, root: &Path, force: bool) -> Result<Staging, OutputError> {
        let target = absolute(output);
        if let Some(reason) = refusal(&target, root) {
            return Err(OutputError::Refused {
                path: output.to_path_buf(),
                reason,
            });
        }
        if target.exists() {
            if !target.is_dir() {
                return Err(OutputError::Refused {
                    path: output.to_path_buf(),
                    reason: "it is a file, not a folder".into(),
                });
            }
            let empty = std::fs::read_dir(&target)
                .map_err(io_error(&target))?
                .next()
                .is_none();
            if !empty && !target.join(MARKER).is_file() && !force {
                return Err(OutputError::Refused {
                    path: output.to_path_buf(),
                    reason: format!(
                        "it is not empty and has no {MARKER} marker, so blameless did not make it (it may hold someone's files); empty it, choose another folder with -o, or pass --force"
                    ),
                });
            }
        }
        let temp = sibling(&target, "blameless-tmp");
        for stale in [&temp, &sibling(&target, "blameless-old")] {
            if stale.exists() {
                std::fs::remove_dir_all(stale).map_err(io_error(stale))?;
            }
        }
        std::fs::create_dir_all(&temp).map_err(io_error(&temp))?;
        Ok(Staging {
            target,
            temp,
            committed: false,
            written: AtomicUsize::new(0),
            in_place: None,
        })
    }

    /// Rewrites some files of an output that a build made, where it is:
    /// for `serve`, which re-renders only the pages a change touched. Each
    /// file is written aside and renamed over the old one, so a browser
    /// never reads half a page. Unlike [`Staging::begin`], a failure
    /// leaves the files already rewritten; the caller then builds afresh.
    pub fn update(output: &Path) -> Result<Staging, OutputError> {
        let target = absolute(output);
        if !target.join(MARKER).is_file() {
            return Err(OutputError::Refused {
                path: output.to_path_buf(),
                reason: format!("it has no {MARKER} marker, so it is not a build to update"),
            });
        }
        Ok(Staging {
            temp: target.clone(),
            target,
            committed: false,
            written: AtomicUsize::new(0),
            in_place: Some(std::sync::Mutex::new(Vec::new())),
        })
    }

    /// Whether this updates an output in place.
    pub fn is_update(&self) -> bool {
        self.in_place.is_some()
    }

    /// The paths written so far by an update (none for a whole build),
    /// emptying the list.
    pub fn take_written(&self) -> Vec<String> {
        self.in_place
            .as_ref()
            .map(|m| std::mem::take(&mut *m.lock().unwrap_or_else(|e| e.into_inner())))
            .unwrap_or_default()
    }

    /// In an update, removes the files under the folder `dir` that are not
    /// in `keep` (paths relative to the output, like [`Staging::write`]'s).
    pub fn remove_others(
        &self,
        dir: &str,
        keep: &std::collections::HashSet<&str>,
    ) -> Result<(), OutputError> {
        if self.in_place.is_none() {
            return Ok(());
        }
        let base = self.temp.join(dir);
        for entry in walkdir::WalkDir::new(&base)
            .into_iter()
            .filter_map(Result::ok)
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry
                .path()
                .strip_prefix(&self.temp)
                .unwrap_or(entry.path());
            let relative = relative.to_string_lossy().replace('\\', "/");
            if !keep.contains(relative.as_str()) {
                std::fs::remove_file(entry.path()).map_err(io_error(entry.path()))?;
            }
        }
        Ok(())
    }

    /// Writes one file; `relative` is a `/`-separated path made by the
    /// build, checked again here so no name can leave the output folder.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.write_parts(relative, &[bytes])
    }

    /// Writes one file made of `parts`, one after the other.
    pub fn write_parts(&self, relative: &str, parts: &[&[u8]]) -> Result<(), OutputError> {
        if INTERRUPTED.load(Ordering::Relaxed) {
            return Err(OutputError::Interrupted);
        }
        let mut path = self.temp.clone();
        for part in relative.split('/') {
            if part.is_empty() || part == "." || part == ".." || part.contains(['\\', ':', '\0']) {
                return Err(OutputError::Refused {
                    path: PathBuf::from(relative),
                    reason: "the path would leave the output folder".into(),
                });
            }
            path.push(part);
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        if let Some(written) = &self.in_place {
            let mut aside = path.clone().into_os_string();
            aside.push(".blameless-part");
            let aside = PathBuf::from(aside);
            write_file(&aside, parts).map_err(io_error(&aside))?;
            std::fs::rename(&aside, &path).map_err(io_error(&path))?;
            written
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(relative.to_string());
        } else {
            write_file(&path, parts).map_err(io_error(&path))?;
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Copies the regular files under `dir` (not following symlinks) to the
    /// same relative paths; returns how many.
    pub fn copy_tree(&self, dir: &Path) -> Result<usize, OutputError> {
        let mut copied = 0;
        for entry in walkdir::WalkDir::new(dir)
            .follow_links(false)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| OutputError::Io {
                path: dir.to_path_buf(),
                error: e.into(),
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let relative: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().to_string())
                .collect();
            let bytes = std::fs::read(entry.path()).map_err(io_error(entry.path()))?;
            self.write(&relative.join("/"), &bytes)?;
            copied += 1;
        }
        Ok(copied)
    }

    /// Puts the new site in place of the old one. `inputs` fingerprints
    /// what it was built from, so an unchanged site need not be rebuilt.
    pub fn commit(mut self, inputs: &str) -> Result<PathBuf, OutputError> {
        if INTERRUPTED.load(Ordering::Relaxed) {
            return Err(OutputError::Interrupted);
        }
        let files = if self.in_place.is_some() {
            walkdir::WalkDir::new(&self.target)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file() && e.file_name() != MARKER)
                .count()
        } else {
            self.written.load(Ordering::Relaxed)
        };
        let marker = format!(
            "This folder is generated by blameless build and replaced on every build.\ninputs: {inputs}\nfiles: {}\n",
            files + 1
        );
        self.write(MARKER, marker.as_bytes())?;
        if self.in_place.is_some() {
            self.committed = true;
            return Ok(self.target.clone());
        }
        let old = sibling(&self.target, "blameless-old");
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old).map_err(io_error(&self.target))?;
        }
        if let Err(error) = std::fs::rename(&self.temp, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(OutputError::Io {
                path: self.target.clone(),
                error,
            });
        }
        self.committed = true;
        if had_old {
            std::fs::remove_dir_all(&old).map_err(io_error(&old))?;
        }
        Ok(self.target.clone())
    }
}

/// Whether `output` holds, untouched, a build of exactly these `inputs`:
/// its marker names them and it still has every file it was written with.
/// They are worked out only for an output with a marker; `None` is never
/// up to date.
pub fn is_up_to_date(output: &Path, inputs: impl FnOnce() -> Option<String>) -> bool {
    let Ok(marker) = std::fs::read_to_string(output.join(MARKER)) else {
        return false;
    };
    let field = |name: &str| {
        marker
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::to_string)
    };
    let Some(recorded) = field("inputs: ") else {
        return false;
    };
    if inputs().as_deref() != Some(recorded.as_str()) {
        return false;
    }
    let files = walkdir::WalkDir::new(output)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    field("files: ").and_then(|n| n.parse::<usize>().ok()) == Some(files)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed && self.in_place.is_none() {
            let _ = std::fs::remove_dir_all(&self.temp);
        }
    }
}

/// Creates `path` with `parts` one after the other.
fn write_file(path: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    if let [bytes] = parts {
        return file.write_all(bytes);
    }
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    for part in parts {
        out.write_all(part)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangerous_outputs_are_refused() {
        let root = Path::new("/srv/site");
        assert_eq!(
            refusal(Path::new("/"), root).as_deref(),
            Some("it is the file system root")
        );
        assert_eq!(
            refusal(Path::new("/srv/site"), root).as_deref(),
            Some("it is the site root")
        );
        assert_eq!(
            refusal(Path::new("/srv"), root).as_deref(),
            Some("it contains the site root")
        );
        assert_eq!(
            refusal(Path::new("/srv/site/content/out"), root).as_deref(),
            Some("it is inside the site's content/ folder")
        );
        assert_eq!(refusal(Path::new("/srv/site/public"), root), None);
    }
}
