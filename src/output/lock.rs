//! One writer at a time: an OS file lock beside the output folder
//! (`.public.blameless-lock` for `public/`), held by a build from before it
//! decides whether anything changed until it has published, and by
//! `serve -o` for as long as it runs. The OS releases it when the process
//! dies, however it dies. The file names the holder (its pid and command)
//! for the message of the one that waits.
//!
//! The lock file is removed when released. A waiter may then hold a lock
//! on a file that is no longer there, so a lock counts only once the file
//! at the path is the one locked.

use super::{absolute, folder_name, io_error, is_own_entry, sibling, OutputError, LOCK};
use std::fs::{File, OpenOptions};
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

/// Who holds an output, as its lock file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: Option<u32>,
    /// `build` or `serve`.
    pub command: String,
}

impl Holder {
    fn read(file: &Path) -> Holder {
        // The holder writes its name just after it takes the lock: a waiter
        // that comes in between reads an empty file.
        for _ in 0..20 {
            if let Ok(text) = std::fs::read_to_string(file) {
                let mut lines = text.lines();
                if let Some(pid) = lines.next().and_then(|l| l.trim().parse().ok()) {
                    return Holder {
                        pid: Some(pid),
                        command: lines.next().unwrap_or("build").trim().to_string(),
                    };
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        Holder {
            pid: None,
            command: "build".into(),
        }
    }

    /// `another build (pid 12)`, `blameless serve (pid 12)`.
    pub fn who(&self) -> String {
        let what = match self.command.as_str() {
            "serve" => "blameless serve",
            _ => "another build",
        };
        match self.pid {
            Some(pid) => format!("{what} (pid {pid})"),
            None => what.to_string(),
        }
    }

    /// What a build that waits for this holder says.
    pub fn waiting_message(&self, output: &Path) -> String {
        let pid = self.pid.map(|p| format!(" (pid {p})")).unwrap_or_default();
        match self.command.as_str() {
            "serve" => format!(
                "waiting for blameless serve{pid}, which writes to {}, to stop",
                folder_name(output)
            ),
            _ => format!("waiting for another build of {}{pid}", folder_name(output)),
        }
    }
}

/// The output folder, held by this process: no other blameless build or
/// `serve` writes to it until this is dropped.
#[derive(Debug)]
pub struct OutputLock {
    /// The output, absolute.
    target: PathBuf,
    /// The output as the user named it, for messages.
    shown: PathBuf,
    path: PathBuf,
    _file: File,
}

impl OutputLock {
    /// Takes the lock of `output` for `command` (`build` or `serve`). When
    /// another process holds it, calls `waiting` with the holder and waits;
    /// with `waiting` `None`, returns [`OutputError::Busy`] instead. Then
    /// removes what earlier runs that were killed left beside and inside
    /// the output.
    pub fn acquire(
        output: &Path,
        command: &str,
        waiting: Option<&dyn Fn(&Holder)>,
    ) -> Result<OutputLock, OutputError> {
        let target = absolute(output);
        let mut told = false;
        loop {
            let (path, mut file) = open_lock_file(&target)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    let holder = Holder::read(&path);
                    let Some(waiting) = waiting else {
                        return Err(OutputError::Busy {
                            path: output.to_path_buf(),
                            holder,
                        });
                    };
                    if !told {
                        waiting(&holder);
                        told = true;
                    }
                    file.lock().map_err(io_error(&path))?;
                }
                Err(std::fs::TryLockError::Error(error)) => {
                    return Err(OutputError::Io { path, error });
                }
            }
            if !still_there(&file, &path) {
                continue;
            }
            // A read-only lock file (another user's) locks as well; it
            // just cannot name this process.
            let _ = file.set_len(0).and_then(|_| {
                file.rewind()?;
                write!(file, "{}\n{command}\n", std::process::id())
            });
            let lock = OutputLock {
                target,
                shown: output.to_path_buf(),
                path,
                _file: file,
            };
            lock.remove_leftovers()?;
            return Ok(lock);
        }
    }

    /// The output folder, absolute.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The output folder as the user named it.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    /// Staging and old folders of runs that were killed: beside the output,
    /// any `.public.blameless-*` (also those of older versions); inside it,
    /// `.blameless-stage-*`. Nobody else can be using them while the lock
    /// is held.
    fn remove_leftovers(&self) -> Result<(), OutputError> {
        let prefix = format!(".{}.blameless-", super::base_name(&self.target));
        let mut stale = Vec::new();
        if let Some(Ok(entries)) = self.target.parent().map(std::fs::read_dir) {
            for entry in entries.filter_map(Result::ok) {
                let name = entry.file_name().to_string_lossy().to_string();
                if name.starts_with(&prefix) && entry.path() != self.path {
                    stale.push(entry.path());
                }
            }
        }
        if let Ok(entries) = std::fs::read_dir(&self.target) {
            for entry in entries.filter_map(Result::ok) {
                if is_own_entry(&entry.file_name()) && entry.path() != self.path {
                    stale.push(entry.path());
                }
            }
        }
        for path in stale {
            let removed = match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => std::fs::remove_dir_all(&path),
                Ok(_) => std::fs::remove_file(&path),
                Err(_) => Ok(()),
            };
            removed.map_err(io_error(&path))?;
        }
        Ok(())
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still held, so that no one locks it after the
        // release and before the removal.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Opens (creating it) the lock file beside `target`, or, when the folder
/// above cannot be written, inside `target`.
fn open_lock_file(target: &Path) -> Result<(PathBuf, File), OutputError> {
    let beside = sibling(target, LOCK);
    let open = |path: &Path| {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .or_else(|e| File::open(path).map_err(|_| e))
    };
    if let Some(parent) = target.parent() {
        // The folders above a new output are made here, as a build would.
        let _ = std::fs::create_dir_all(parent);
    }
    match open(&beside) {
        Ok(file) => Ok((beside, file)),
        Err(error) if target.is_dir() => {
            let inside = target.join(format!(".{LOCK}"));
            match open(&inside) {
                Ok(file) => Ok((inside, file)),
                Err(_) => Err(OutputError::Io {
                    path: beside,
                    error,
                }),
            }
        }
        Err(error) => Err(OutputError::Io {
            path: beside,
            error,
        }),
    }
}

/// Whether `path` still names the file `file` has open.
fn still_there(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_default()
    }

    fn temp() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn a_second_lock_waits_or_says_who_holds_it() {
        let dir = temp();
        let output = dir.path().join("public");
        let first = OutputLock::acquire(&output, "build", None).unwrap();
        let lock_file = dir.path().join(".public.blameless-lock");
        assert_eq!(
            contents(&lock_file),
            format!("{}\nbuild\n", std::process::id())
        );
        let Err(OutputError::Busy { holder, .. }) = OutputLock::acquire(&output, "build", None)
        else {
            panic!("a second lock was taken");
        };
        assert_eq!(holder.pid, Some(std::process::id()));
        assert_eq!(
            holder.waiting_message(Path::new("public")),
            format!(
                "waiting for another build of public/ (pid {})",
                std::process::id()
            )
        );
        // A waiter gets it once the first is released, and the lock file
        // is its own again.
        let waited = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&waited);
        let out = output.clone();
        let waiter = std::thread::spawn(move || {
            let told = |_: &Holder| flag.store(true, std::sync::atomic::Ordering::SeqCst);
            OutputLock::acquire(&out, "serve", Some(&told)).map(|_| ())
        });
        while !waited.load(std::sync::atomic::Ordering::SeqCst) {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        drop(first);
        waiter.join().unwrap().unwrap();
        assert!(!lock_file.exists(), "a released lock removes its file");
    }

    #[test]
    fn leftovers_of_killed_runs_are_removed_and_the_site_kept() {
        let dir = temp();
        let output = dir.path().join("public");
        std::fs::create_dir_all(output.join(".blameless-stage-99/x")).unwrap();
        std::fs::write(output.join("index.html"), "site").unwrap();
        std::fs::create_dir_all(dir.path().join(".public.blameless-tmp")).unwrap();
        std::fs::create_dir_all(dir.path().join(".public.blameless-stage-98/tags")).unwrap();
        std::fs::create_dir_all(dir.path().join(".other.blameless-stage-98")).unwrap();
        let _lock = OutputLock::acquire(&output, "build", None).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".other.blameless-stage-98",
                ".public.blameless-lock",
                "public"
            ]
        );
        assert!(!output.join(".blameless-stage-99").exists());
        assert_eq!(
            std::fs::read_to_string(output.join("index.html")).unwrap(),
            "site"
        );
    }
}
