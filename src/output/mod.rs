//! The output folder: what CI publishes, so the product. This module owns
//! every write to it:
//!
//! * [`OutputLock`] (`lock.rs`): one writer at a time. A build or `serve -o`
//!   holds an OS file lock beside the folder; the next one waits (or, with
//!   `--no-wait`, stops). Holding it, it clears what killed runs left.
//! * [`Staging`] (`staging.rs`): a build renders into a staging folder of
//!   its own, and publishes it only when everything was written.
//! * `publish.rs`: the publish itself. The staging folder and the output
//!   are swapped in one atomic rename, so a reader sees the old complete
//!   site or the new one; an output that cannot be renamed (a mount point)
//!   is updated file by file, each file renamed over its old version.
//!   Permissions are checked before anything is swapped.
//!
//! It also decides which folders must never be replaced (the site root,
//! `content/`, the home folder, `/`, a folder blameless did not make), and
//! whether an output already holds a build of the same inputs.

mod lock;
mod publish;
mod staging;

pub use lock::{Holder, OutputLock};
pub use staging::Staging;

use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl-C stop a build cleanly: the next file write fails, the
/// staging folder is removed and the published output stays as it was. A
/// second Ctrl-C exits at once (what it leaves is removed by the next
/// build).
pub fn stop_builds_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
}

fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// Marks a folder as blameless output, safe to replace.
pub const MARKER: &str = ".blameless-output";

/// The flag that allows replacing a folder blameless did not make.
pub const REPLACE_FLAG: &str = "--replace-foreign";

#[derive(Debug)]
pub enum OutputError {
    /// The folder must not be written to, for `reason`.
    Refused {
        path: PathBuf,
        reason: String,
    },
    /// Another build or `serve` holds the output and this one was asked
    /// not to wait.
    Busy {
        path: PathBuf,
        holder: Holder,
    },
    /// A folder of the output cannot be written, so the old site could not
    /// be replaced; found before anything was published.
    NotWritable {
        output: PathBuf,
        folder: PathBuf,
        error: std::io::Error,
    },
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A file to publish cannot be read as one (a link or a special file
    /// put in its place since it was checked, a name that is not text).
    Source {
        path: PathBuf,
        reason: String,
    },
    Interrupted,
}

/// A folder as messages show it: `public/`.
pub fn folder_name(path: &Path) -> String {
    let shown = path.strip_prefix(".").unwrap_or(path).display().to_string();
    if shown.ends_with('/') {
        shown
    } else {
        format!("{shown}/")
    }
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
            OutputError::Busy { path, holder } => write!(
                f,
                "{} is writing to {}; not waiting (--no-wait)\nhint: run again when it has finished, or leave out --no-wait to wait for it",
                holder.who(),
                folder_name(path),
            ),
            OutputError::NotWritable {
                output,
                folder,
                error,
            } => {
                let why = match error.kind() {
                    std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                    std::io::ErrorKind::ReadOnlyFilesystem => "read-only file system".to_string(),
                    _ => error.to_string(),
                };
                let output = folder_name(output);
                write!(
                    f,
                    "cannot publish to {output}: {} is not writable ({why}); the old site was left as it was\nhint: make it writable (chmod -R u+w {}) or remove it, then build again",
                    folder_name(folder),
                    output.trim_end_matches('/'),
                )
            }
            OutputError::Io { path, error } => {
                write!(f, "cannot write {}: {error}", path.display())
            }
            OutputError::Source { path, reason } => {
                write!(f, "cannot publish {}: {reason}", path.display())
            }
            OutputError::Interrupted => {
                write!(f, "interrupted; the previous output was left as it was")
            }
        }
    }
}

impl std::error::Error for OutputError {}

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
    for source in crate::config::SOURCE_DIRS {
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

/// [`refusal`] as an error, checked before anything is made for `output`
/// (its lock, the folders above it).
pub fn check_allowed(output: &Path, root: &Path) -> Result<(), OutputError> {
    match refusal(output, root) {
        Some(reason) => Err(OutputError::Refused {
            path: output.to_path_buf(),
            reason,
        }),
        None => Ok(()),
    }
}

/// A name beside `target`: `.public.<suffix>` for `public/`.
fn sibling(target: &Path, suffix: &str) -> PathBuf {
    target.with_file_name(format!(".{}.{suffix}", base_name(target)))
}

fn base_name(target: &Path) -> String {
    target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into())
}

/// Names this module gives the files of one run, which the next run may
/// remove once it holds the lock: beside the output they start with
/// `.<output name>.blameless-`, inside it with `.blameless-` (the marker
/// and the lock excepted).
const STAGE: &str = "blameless-stage";
const LOCK: &str = "blameless-lock";

/// The files of the published site: every file in `output` but the lock
/// kept inside it when its parent cannot be written.
fn site_files(output: &Path) -> usize {
    walkdir::WalkDir::new(output)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| e.depth() > 1 || !is_own_entry(e.file_name()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count()
}

/// Whether a top-level name in the output is blameless's own bookkeeping
/// rather than part of the site: a lock or a staging folder.
fn is_own_entry(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name == format!(".{LOCK}") || name.starts_with(&format!(".{STAGE}-"))
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
    field("files: ").and_then(|n| n.parse::<usize>().ok()) == Some(site_files(output))
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

    #[test]
    fn folders_are_named_with_a_slash() {
        assert_eq!(folder_name(Path::new("public")), "public/");
        assert_eq!(folder_name(Path::new("./public")), "public/");
        assert_eq!(folder_name(Path::new("/srv/out/")), "/srv/out/");
    }
}
