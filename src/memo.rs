//! A memo of expensive, pure results (today: highlighted code blocks), keyed
//! by a hash of their inputs. It lives for the process, so `serve` reuses it
//! across rebuilds, and it is saved between builds in one file of the site's
//! cache folder (`.blameless-cache/`), stamped with the program that made
//! it: another blameless (a new version, or a rebuilt binary) starts afresh.
//!
//! Only entries used since the last load or save are saved, so the file
//! holds what the last build needed and never grows beyond it.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The site's cache folder, relative to its root.
pub const CACHE_DIR: &str = ".blameless-cache";

const MAGIC: &[u8] = b"blameless memo 1\n";

/// 128 bits of hash: at a million entries the chance of any collision is
/// about 1e-27.
pub type Key = u128;

/// The key of a result computed from `parts` (in order, each delimited).
pub fn key(parts: &[&str]) -> Key {
    let half = |seed: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        seed.hash(&mut h);
        parts.hash(&mut h);
        h.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

/// Identifies this program: its version, and the size and modification
/// time of its executable (reading 50-100 MB to hash it would cost more
/// than any cache saves).
pub fn program_stamp() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .ok()
        .map(|m| (m.len(), m.modified().ok()));
    format!("{} {exe:?}", env!("CARGO_PKG_VERSION"))
}

#[derive(Default)]
pub struct Memo {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<Key, Arc<str>>,
    used: HashSet<Key>,
    /// Whether the file last loaded or saved holds exactly `entries`.
    in_file: bool,
}

impl Memo {
    /// The stored result for `key`, or `compute`'s, which is then stored.
    /// The lock is not held while computing, so threads compute in parallel.
    pub fn get_or_compute(
        &self,
        key: Key,
        compute: impl FnOnce() -> Option<String>,
    ) -> Option<Arc<str>> {
        if let Some(found) = self.get(key) {
            return Some(found);
        }
        let value: Arc<str> = compute()?.into();
        self.insert(key, value.clone());
        Some(value)
    }

    /// The stored result for `key`, if any.
    pub fn get(&self, key: Key) -> Option<Arc<str>> {
        let mut inner = self.lock();
        let found = inner.entries.get(&key).cloned()?;
        inner.used.insert(key);
        Some(found)
    }

    /// Stores `value` as the result for `key`.
    pub fn insert(&self, key: Key, value: Arc<str>) {
        let mut inner = self.lock();
        inner.entries.insert(key, value);
        inner.used.insert(key);
        inner.in_file = false;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere cannot leave the map half-updated: each update
        // is one insert.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds the entries saved in `file` by this same program. A missing,
    /// damaged or foreign file adds nothing: the cache only saves work.
    pub fn load(&self, file: &Path) {
        let Ok(opened) = std::fs::File::open(file) else {
            return;
        };
        let mut input = std::io::BufReader::new(opened);
        let Some(entries) = read_entries(&mut input, &program_stamp()) else {
            return;
        };
        let mut inner = self.lock();
        inner.in_file = inner.entries.is_empty();
        for (key, value) in entries {
            inner.entries.entry(key).or_insert(value);
        }
    }

    /// Saves the entries used since the last load or save to `file`
    /// (written aside, then renamed, so a reader never sees half a file),
    /// creating its folder. When every entry was used and the file (the
    /// one this memo was loaded from or last saved to) holds exactly them,
    /// it is left as it is.
    pub fn save(&self, file: &Path) -> std::io::Result<()> {
        {
            let mut inner = self.lock();
            if inner.in_file && inner.used.len() == inner.entries.len() && file.is_file() {
                inner.used.clear();
                return Ok(());
            }
        }
        let dir = file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        // A name of its own: two processes (or two tests in one) may save
        // beside each other. Removed if it is not renamed.
        let mut temp = tempfile::Builder::new().prefix(".memo-").tempfile_in(dir)?;
        let written = self
            .write_used(temp.as_file_mut())
            .and_then(|n| temp.persist(file).map(|_| n).map_err(|e| e.error));
        let mut inner = self.lock();
        inner.in_file = written.as_ref().is_ok_and(|&n| n == inner.entries.len());
        written.map(|_| ())
    }

    /// Streams the used entries to `file` (a large site's cache is hundreds
    /// of megabytes: not copied into one buffer first); how many.
    fn write_used(&self, file: &mut std::fs::File) -> std::io::Result<usize> {
        let mut inner = self.lock();
        let used = std::mem::take(&mut inner.used);
        let mut keys: Vec<&Key> = used.iter().collect();
        keys.sort();
        let mut out = std::io::BufWriter::new(file);
        out.write_all(MAGIC)?;
        out.write_all(program_stamp().as_bytes())?;
        out.write_all(b"\n")?;
        let mut written = 0;
        for key in keys {
            if let Some(value) = inner.entries.get(key) {
                out.write_all(&key.to_le_bytes())?;
                out.write_all(&(value.len() as u32).to_le_bytes())?;
                out.write_all(value.as_bytes())?;
                written += 1;
            }
        }
        out.flush()?;
        Ok(written)
    }
}

/// The entries of a memo file, read one by one: a large site's file is
/// hundreds of megabytes, and the entries are all that need be in memory.
/// `None` for a damaged file or another program's.
fn read_entries(input: &mut impl BufRead, stamp: &str) -> Option<Vec<(Key, Arc<str>)>> {
    let expected = [MAGIC, stamp.as_bytes(), b"\n"].concat();
    let mut header = vec![0; expected.len()];
    input.read_exact(&mut header).ok()?;
    if header != expected {
        return None;
    }
    let mut entries = Vec::new();
    let mut head = [0u8; 20];
    let mut value = Vec::new();
    while !input.fill_buf().ok()?.is_empty() {
        input.read_exact(&mut head).ok()?;
        let key = Key::from_le_bytes(head[..16].try_into().ok()?);
        let len = u32::from_le_bytes(head[16..].try_into().ok()?) as usize;
        // Read as it comes, so that a damaged length cannot ask for
        // gigabytes up front.
        value.clear();
        input
            .by_ref()
            .take(len as u64)
            .read_to_end(&mut value)
            .ok()?;
        if value.len() != len {
            return None;
        }
        entries.push((key, Arc::from(std::str::from_utf8(&value).ok()?)));
    }
    Some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_separate_their_parts() {
        assert_ne!(key(&["ab", "c"]), key(&["a", "bc"]));
        assert_eq!(key(&["rust", "fn x"]), key(&["rust", "fn x"]));
    }

    #[test]
    fn computes_once_and_survives_a_save_and_load() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/memo.bin");
        let memo = Memo::default();
        let mut calls = 0;
        for _ in 0..2 {
            let got = memo.get_or_compute(7, || {
                calls += 1;
                Some("<b>x</b>".into())
            });
            assert_eq!(got.as_deref(), Some("<b>x</b>"));
        }
        assert_eq!(calls, 1);
        assert_eq!(memo.get_or_compute(8, || None), None);
        memo.get_or_compute(9, || Some("ü".into()));
        memo.save(&file).unwrap();

        let again = Memo::default();
        again.load(&file);
        assert_eq!(again.len(), 2);
        assert_eq!(
            again.get_or_compute(9, || panic!("recomputed")).as_deref(),
            Some("ü")
        );
        // Only what was used since loading is saved again.
        again.save(&file).unwrap();
        let third = Memo::default();
        third.load(&file);
        assert_eq!(third.len(), 1);
    }

    #[test]
    fn a_save_that_would_write_the_same_entries_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("memo.bin");
        let memo = Memo::default();
        memo.get_or_compute(1, || Some("one".into()));
        memo.save(&file).unwrap();
        let saved = std::fs::read(&file).unwrap();

        let again = Memo::default();
        again.load(&file);
        assert!(again.get(1).is_some());
        // A mark the save would overwrite, were the file written again.
        std::fs::write(&file, [&saved[..], b"mark"].concat()).unwrap();
        again.save(&file).unwrap();
        assert!(std::fs::read(&file).unwrap().ends_with(b"mark"));
        // Something new is written.
        again.get(1);
        again.insert(2, "two".into());
        again.save(&file).unwrap();
        let third = Memo::default();
        third.load(&file);
        assert_eq!(third.len(), 2);

        // A save of some of the entries, then a use of all of them: the
        // file lacks the others, so it is written again.
        third.get(1);
        third.save(&file).unwrap();
        third.get(1);
        third.get(2);
        third.save(&file).unwrap();
        let fourth = Memo::default();
        fourth.load(&file);
        assert_eq!(fourth.len(), 2);
    }

    #[test]
    fn a_damaged_or_foreign_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("memo.bin");
        let memo = Memo::default();
        memo.get_or_compute(1, || Some("one".into()));
        memo.save(&file).unwrap();
        let bytes = std::fs::read(&file).unwrap();

        std::fs::write(&file, &bytes[..bytes.len() - 1]).unwrap();
        let loaded = Memo::default();
        loaded.load(&file);
        assert!(loaded.is_empty(), "truncated");

        let foreign =
            String::from_utf8_lossy(&bytes).replacen(env!("CARGO_PKG_VERSION"), "0.0.0-other", 1);
        std::fs::write(&file, foreign).unwrap();
        loaded.load(&file);
        assert!(loaded.is_empty(), "made by another program");

        // The entry's length (after the 16-byte key) says 4 GiB.
        let entry = bytes.len() - 3 - 20;
        let mut huge = bytes.clone();
        huge[entry + 16..entry + 20].copy_from_slice(&u32::MAX.to_le_bytes());
        std::fs::write(&file, huge).unwrap();
        loaded.load(&file);
        assert!(loaded.is_empty(), "a length beyond the file");

        std::fs::write(&file, &bytes).unwrap();
        loaded.load(&file);
        assert_eq!(loaded.len(), 1, "the intact file");
    }
}
