//! A build being written. A whole build renders into a staging folder of
//! this process (`.public.blameless-stage-<pid>` beside the output, or
//! `.blameless-stage-<pid>` inside an output that is a mount point or whose
//! parent cannot be written), and [`Staging::commit`] publishes it. `serve`
//! also rewrites some files of its own output in place
//! ([`Staging::update`]).

use super::publish;
use super::{interrupted, io_error, sibling, OutputError, OutputLock, MARKER, REPLACE_FLAG, STAGE};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Where the staging folder is, and so how it is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// There was no output: the staging folder is renamed to it.
    Fresh,
    /// Beside the output, swapped with it.
    Beside,
    /// Inside the output, moved into it file by file.
    Inside,
    /// No staging folder: files are rewritten where they are.
    Update,
}

/// A build being written; dropped without [`Staging::commit`], it removes
/// everything it wrote.
pub struct Staging<'a> {
    lock: &'a OutputLock,
    /// Where files are written.
    folder: PathBuf,
    place: Place,
    committed: bool,
    written: AtomicUsize,
    /// In an update, the paths written so far.
    updated: Mutex<Vec<String>>,
    /// Whether every folder of the old site can be written: checked on a
    /// thread of its own while the pages render, awaited before publishing.
    writable: Option<std::thread::JoinHandle<Result<(), OutputError>>>,
}

impl<'a> Staging<'a> {
    /// Checks that the output may be replaced, starts checking that every
    /// folder of it can be written (so that publishing cannot fail half way
    /// for want of permission; [`Staging::commit`] waits for the answer),
    /// and makes a staging folder for this process.
    pub fn begin(
        lock: &'a OutputLock,
        root: &Path,
        replace_foreign: bool,
    ) -> Result<Staging<'a>, OutputError> {
        let target = lock.target();
        let shown = lock.shown();
        if let Some(reason) = super::refusal(target, root) {
            return Err(OutputError::Refused {
                path: shown.to_path_buf(),
                reason,
            });
        }
        let mut writable = None;
        let place = if !target.exists() {
            Place::Fresh
        } else {
            if !target.is_dir() {
                return Err(OutputError::Refused {
                    path: shown.to_path_buf(),
                    reason: "it is a file, not a folder".into(),
                });
            }
            let mut entries = std::fs::read_dir(target).map_err(io_error(target))?;
            let empty = !entries.any(|e| e.is_ok_and(|e| !super::is_own_entry(&e.file_name())));
            if !empty && !target.join(MARKER).is_file() && !replace_foreign {
                return Err(OutputError::Refused {
                    path: shown.to_path_buf(),
                    reason: format!(
                        "it is not empty and has no {MARKER} marker, so blameless did not make it (it may hold someone's files); empty it, choose another folder with -o, or pass {REPLACE_FLAG} to delete its files and write the site there"
                    ),
                });
            }
            let (folder, name) = (target.to_path_buf(), shown.to_path_buf());
            writable = Some(std::thread::spawn(move || {
                publish::check_writable(&folder, &name)
            }));
            let parent_writable = target
                .parent()
                .is_some_and(|p| publish::writable(p).is_ok());
            if publish::is_mount_point(target) || !parent_writable {
                Place::Inside
            } else {
                Place::Beside
            }
        };
        // A name of its own (from `tempfile`): builds in one process, or
        // in two that share a pid across containers, never meet. Its
        // prefix is what the next run cleans up after a killed one.
        let (parent, prefix) = match place {
            Place::Inside => (target.to_path_buf(), format!(".{STAGE}-")),
            _ => {
                let beside = sibling(target, &format!("{STAGE}-"));
                let name = beside.file_name().map(|n| n.to_string_lossy().to_string());
                let parent = beside.parent().map(Path::to_path_buf);
                (parent.unwrap_or_default(), name.unwrap_or_default())
            }
        };
        std::fs::create_dir_all(&parent).map_err(io_error(&parent))?;
        // Made with `create_dir`, not as a temporary folder: its mode is
        // the one the published site gets, as the umask says.
        let (_, folder) = tempfile::Builder::new()
            .prefix(&prefix)
            .make_in(&parent, |path| std::fs::create_dir(path))
            .and_then(|made| made.keep().map_err(|e| e.error))
            .map_err(io_error(&parent))?;
        Ok(Staging {
            lock,
            folder,
            place,
            committed: false,
            written: AtomicUsize::new(0),
            updated: Mutex::new(Vec::new()),
            writable,
        })
    }

    /// Rewrites some files of an output that a build made, where it is:
    /// for `serve`, which re-renders only the pages a change touched. Each
    /// file is written aside and renamed over the old one, so a browser
    /// never reads half a page. Unlike [`Staging::begin`], a failure
    /// leaves the files already rewritten; the caller then builds afresh.
    pub fn update(lock: &'a OutputLock) -> Result<Staging<'a>, OutputError> {
        if !lock.target().join(MARKER).is_file() {
            return Err(OutputError::Refused {
                path: lock.shown().to_path_buf(),
                reason: format!("it has no {MARKER} marker, so it is not a build to update"),
            });
        }
        Ok(Staging {
            lock,
            folder: lock.target().to_path_buf(),
            place: Place::Update,
            committed: false,
            written: AtomicUsize::new(0),
            updated: Mutex::new(Vec::new()),
            writable: None,
        })
    }

    /// Whether this updates an output in place.
    pub fn is_update(&self) -> bool {
        self.place == Place::Update
    }

    /// The paths written so far by an update (none for a whole build),
    /// emptying the list.
    pub fn take_written(&self) -> Vec<String> {
        std::mem::take(&mut *self.updated.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// In an update, removes the files under the folder `dir` that are not
    /// in `keep` (paths relative to the output, like [`Staging::write`]'s).
    pub fn remove_others(
        &self,
        dir: &str,
        keep: &std::collections::HashSet<&str>,
    ) -> Result<(), OutputError> {
        if !self.is_update() {
            return Ok(());
        }
        let base = self.folder.join(dir);
        for entry in walkdir::WalkDir::new(&base)
            .into_iter()
            .filter_map(Result::ok)
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry
                .path()
                .strip_prefix(&self.folder)
                .unwrap_or(entry.path());
            let relative = relative.to_string_lossy().replace('\\', "/");
            // Another job of this update may be writing beside it.
            if publish::is_part(&entry.file_name().to_string_lossy()) {
                continue;
            }
            if !keep.contains(relative.as_str()) {
                match std::fs::remove_file(entry.path()) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(io_error(entry.path())(e))
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// In an update, removes the files at `relative` paths (as
    /// [`Staging::write`] takes them), and the folders they leave empty.
    pub fn remove_files(&self, relative: &[String]) -> Result<(), OutputError> {
        if !self.is_update() {
            return Ok(());
        }
        for file in relative {
            let path = self.folder.join(file);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(error) => return Err(OutputError::Io { path, error }),
            }
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| *d != self.folder) {
                if std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
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
        if interrupted() {
            return Err(OutputError::Interrupted);
        }
        let mut path = self.folder.clone();
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
        if self.is_update() {
            publish::replace_file(&path, parts)?;
            self.updated
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(relative.to_string());
        } else {
            publish::write_file(&path, parts).map_err(io_error(&path))?;
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
            let Some(relative) = relative.to_str() else {
                return Err(OutputError::Source {
                    path: entry.path().to_path_buf(),
                    reason: "its name is not UTF-8 text; rename the file".into(),
                });
            };
            let relative = relative.replace(std::path::MAIN_SEPARATOR, "/");
            self.copy_file(dir, &relative, &relative)?;
            copied += 1;
        }
        Ok(copied)
    }

    /// Copies the regular file `rel` below `root` to `relative` in the
    /// output. The file is opened as [`crate::confine::open`] does: a
    /// symbolic link anywhere on its path, put there since it was checked,
    /// is not followed, and a FIFO or device is refused without blocking.
    pub fn copy_file(&self, root: &Path, rel: &str, relative: &str) -> Result<(), OutputError> {
        let bytes = crate::confine::read(root, rel).map_err(|refusal| OutputError::Source {
            path: root.join(rel),
            reason: refusal.to_string(),
        })?;
        self.write(relative, &bytes)
    }

    /// Puts the new site in place of the old one. `inputs` fingerprints
    /// what it was built from, so an unchanged site need not be rebuilt.
    pub fn commit(mut self, inputs: &str) -> Result<PathBuf, OutputError> {
        if interrupted() {
            return Err(OutputError::Interrupted);
        }
        let target = self.lock.target().to_path_buf();
        let files = if self.is_update() {
            super::site_files(&target).saturating_sub(usize::from(target.join(MARKER).is_file()))
        } else {
            self.written.load(Ordering::Relaxed)
        };
        let marker = format!(
            "This folder is generated by blameless build and replaced on every build.\ninputs: {inputs}\nfiles: {}\n",
            files + 1
        );
        self.write(MARKER, marker.as_bytes())?;
        if let Some(check) = self.writable.take() {
            check.join().unwrap_or(Ok(()))?;
        }
        match self.place {
            Place::Update => {}
            Place::Fresh => match std::fs::rename(&self.folder, &target) {
                Ok(()) => {}
                // Someone made the output meanwhile.
                Err(_) if target.is_dir() => self.swap(&target)?,
                Err(error) => {
                    return Err(OutputError::Io {
                        path: target,
                        error,
                    })
                }
            },
            Place::Beside => self.swap(&target)?,
            Place::Inside => {
                publish::in_place(&self.folder, &target)?;
                std::fs::remove_dir_all(&self.folder).map_err(io_error(&self.folder))?;
            }
        }
        self.committed = true;
        Ok(target)
    }

    /// Swaps the staging folder in, then removes the old site (now in the
    /// staging folder); an output that cannot be renamed is updated in
    /// place instead.
    fn swap(&mut self, target: &Path) -> Result<(), OutputError> {
        match publish::exchange(&self.folder, target) {
            Ok(()) => {}
            Err(e) if publish::cannot_rename(&e) => publish::in_place(&self.folder, target)?,
            Err(error) => {
                return Err(OutputError::Io {
                    path: target.to_path_buf(),
                    error,
                })
            }
        }
        self.committed = true;
        std::fs::remove_dir_all(&self.folder).map_err(io_error(&self.folder))
    }
}

impl Drop for Staging<'_> {
    fn drop(&mut self) {
        if !self.committed && !self.is_update() {
            let _ = std::fs::remove_dir_all(&self.folder);
        }
    }
}
