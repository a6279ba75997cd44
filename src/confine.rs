//! Paths that documents name, kept inside the folder they belong to. One
//! way for import, check, build and serve to turn an address written in a
//! document into a file: [`join`] decodes it once and normalises it against
//! the document's folder, refusing what leaves the root or cannot be a file
//! name; [`inspect`] and [`open`] then walk it one component at a time from
//! the root with `cap-std` (each folder opened without following a link),
//! so that no symbolic link anywhere on the way is followed and only a
//! regular file is read: a FIFO or a device is refused without blocking.

use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt};
use cap_std::ambient_authority;
use cap_std::fs::{Dir, OpenOptions};
use std::io::Read;
use std::path::Path;

/// The longest file name most file systems take, in bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// Why a path cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It leaves the root: `..` past the top, or an absolute path.
    Outside,
    /// A component that cannot be a file name here, and why.
    BadName(String),
    /// Nothing is there; `.0` is the path as far as it exists.
    Missing(String),
    /// A symbolic link on the way: the path up to it.
    Link(String),
    /// A folder, FIFO, device or socket where a file was wanted: the kind.
    NotFile(&'static str),
    /// The file system refused: the error's text.
    Io(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Outside => write!(f, "it leaves the folder it belongs to"),
            Refusal::BadName(why) => write!(f, "{why}"),
            Refusal::Missing(_) => write!(f, "there is no such file"),
            Refusal::Link(at) => write!(f, "{at} is a symbolic link; links are not followed"),
            Refusal::NotFile(kind) => write!(f, "it is {kind}, not a regular file"),
            Refusal::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Refusal {}

/// Why `name` cannot be one component of a file's path, if it cannot.
pub fn bad_name(name: &str) -> Option<String> {
    if name.len() > MAX_NAME_BYTES {
        return Some(format!(
            "a name in it is {} bytes long; a file name may be at most {MAX_NAME_BYTES}",
            name.len()
        ));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Some(format!(
            "it contains the control character U+{:04X}",
            c as u32
        ));
    }
    if name.contains('\\') {
        return Some("it contains a backslash; separate folders with /".into());
    }
    None
}

/// The address `dest`, as written in a document whose folder is `base`
/// (relative to the root, `/`-separated, `""` for the root itself), as a
/// path relative to the root: query and fragment dropped, percent-decoded
/// once, `.` and `..` applied. Refused when it is absolute, climbs above
/// the root or has a component that cannot be a file name.
pub fn join(base: &str, dest: &str) -> Result<String, Refusal> {
    let path = dest.trim().split(['?', '#']).next().unwrap_or("");
    let decoded = crate::text::percent_decode(path).unwrap_or_else(|| path.to_string());
    if decoded.starts_with(['/', '\\']) || decoded.as_bytes().get(1) == Some(&b':') {
        return Err(Refusal::Outside);
    }
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop().ok_or(Refusal::Outside)?;
            }
            s => {
                if let Some(why) = bad_name(s) {
                    return Err(Refusal::BadName(why));
                }
                parts.push(s);
            }
        }
    }
    Ok(parts.join("/"))
}

fn io(e: std::io::Error) -> Refusal {
    Refusal::Io(e.to_string())
}

/// What a file that is not a regular one is, in words.
fn kind_of(t: &cap_std::fs::FileType) -> &'static str {
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use cap_fs_ext::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Whether an open failed on a link it was told not to follow (one put in
/// place since the path was looked at).
fn is_link_error(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// The folder holding `rel` below `root`, opened one component at a time
/// without following links, and the last component.
fn parent<'r>(root: &Path, rel: &'r str) -> Result<(Dir, &'r str), Refusal> {
    let mut dir = Dir::open_ambient_dir(root, ambient_authority()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Refusal::Missing(String::new())
        } else {
            io(e)
        }
    })?;
    let mut parts = rel.split('/').filter(|s| !s.is_empty()).peekable();
    let mut walked = String::new();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            return Ok((dir, part));
        }
        if !walked.is_empty() {
            walked.push('/');
        }
        walked.push_str(part);
        let meta = match dir.symlink_metadata(part) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Refusal::Missing(walked))
            }
            Err(e) => return Err(io(e)),
        };
        if meta.file_type().is_symlink() {
            return Err(Refusal::Link(walked));
        }
        if !meta.is_dir() {
            return Err(Refusal::Missing(walked));
        }
        dir = dir.open_dir_nofollow(part).map_err(|e| {
            if is_link_error(&e) {
                Refusal::Link(walked.clone())
            } else {
                io(e)
            }
        })?;
    }
    Err(Refusal::NotFile("a folder"))
}

/// The size and modification time of the regular file `rel` below
/// `root`, no link followed.
pub fn inspect(root: &Path, rel: &str) -> Result<(u64, Option<std::time::SystemTime>), Refusal> {
    let (dir, name) = parent(root, rel)?;
    let meta = match dir.symlink_metadata(name) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Refusal::Missing(rel.to_string()))
        }
        Err(e) => return Err(io(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(Refusal::Link(rel.to_string()));
    }
    if !meta.is_file() {
        return Err(Refusal::NotFile(kind_of(&meta.file_type())));
    }
    Ok((meta.len(), meta.modified().ok().map(|t| t.into_std())))
}

fn open_in(dir: &Dir, rel: &str, name: &str) -> Result<(std::fs::File, u64), Refusal> {
    let mut options = OpenOptions::new();
    options.read(true).follow(FollowSymlinks::No);
    #[cfg(unix)]
    {
        // A FIFO put in the file's place opens at once instead of waiting
        // for a writer, and is refused below.
        use cap_std::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = dir.open_with(name, &options).map_err(|e| {
        if is_link_error(&e) {
            Refusal::Link(rel.to_string())
        } else if e.kind() == std::io::ErrorKind::NotFound {
            Refusal::Missing(rel.to_string())
        } else {
            io(e)
        }
    })?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(Refusal::NotFile(kind_of(&meta.file_type())));
    }
    let len = meta.len();
    Ok((file.into_std(), len))
}

/// The regular file `rel` below `root`, opened for reading with no link
/// followed on the way, and its size.
pub fn open(root: &Path, rel: &str) -> Result<(std::fs::File, u64), Refusal> {
    let (dir, name) = parent(root, rel)?;
    open_in(&dir, rel, name)
}

/// The bytes of the regular file `rel` below `root` (see [`open`]).
pub fn read(root: &Path, rel: &str) -> Result<Vec<u8>, Refusal> {
    let (mut file, len) = open(root, rel)?;
    let mut bytes = Vec::with_capacity(len as usize);
    file.read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
}

/// Makes the folder `rel` below `root` and the folders on the way, none of
/// them through a link; returns its path.
pub fn make_dirs(root: &Path, rel: &str) -> Result<std::path::PathBuf, Refusal> {
    std::fs::create_dir_all(root).map_err(io)?;
    let mut dir = Dir::open_ambient_dir(root, ambient_authority()).map_err(io)?;
    let mut walked = String::new();
    for part in rel.split('/').filter(|s| !s.is_empty()) {
        if !walked.is_empty() {
            walked.push('/');
        }
        walked.push_str(part);
        match dir.create_dir(part) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io(e)),
        }
        let meta = dir.symlink_metadata(part).map_err(io)?;
        if meta.file_type().is_symlink() {
            return Err(Refusal::Link(walked));
        }
        if !meta.is_dir() {
            return Err(Refusal::NotFile(kind_of(&meta.file_type())));
        }
        dir = dir.open_dir_nofollow(part).map_err(io)?;
    }
    Ok(root.join(rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_decoded_once_and_kept_below_the_root() {
        assert_eq!(
            join("2019/a", "img/x.png").as_deref(),
            Ok("2019/a/img/x.png")
        );
        assert_eq!(join("", "./a/../b%20c.png?v=1#x").as_deref(), Ok("b c.png"));
        assert_eq!(join("a", "../b.png").as_deref(), Ok("b.png"));
        assert_eq!(join("a", "../../b.png"), Err(Refusal::Outside));
        assert_eq!(join("", "./../../../../x/data.txt"), Err(Refusal::Outside));
        assert_eq!(join("", "%2Fhome%2Fme%2Fnotes.txt"), Err(Refusal::Outside));
        assert_eq!(join("", "/etc/passwd"), Err(Refusal::Outside));
        assert_eq!(join("", "C:%5Cx"), Err(Refusal::Outside));
        // Decoded once: `%252e` is the name `%2e`, not `.`.
        assert_eq!(join("a", "%252e%252e/x").as_deref(), Ok("a/%2e%2e/x"));
        assert_eq!(join("a", "%2e%2e/x").as_deref(), Ok("x"));
        assert!(matches!(join("", "a%00b"), Err(Refusal::BadName(_))));
        assert!(matches!(join("", "a%5Cb"), Err(Refusal::BadName(_))));
        let long = "x".repeat(256);
        assert!(matches!(join("", &long), Err(Refusal::BadName(_))));
        assert!(join("", &"x".repeat(255)).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn no_link_is_followed_and_only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/f.txt"), "text").unwrap();
        std::fs::write(dir.path().join("secret"), "secret").unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("a/up")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), root.join("a/s.txt")).unwrap();
        std::os::unix::fs::symlink("b", root.join("a/inside")).unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            root.join("a/fifo"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
            0,
        )
        .unwrap();
        assert_eq!(read(&root, "a/b/f.txt").unwrap(), b"text");
        assert_eq!(inspect(&root, "a/b/f.txt").unwrap().0, 4);
        assert_eq!(
            read(&root, "a/up/secret"),
            Err(Refusal::Link("a/up".into()))
        );
        assert_eq!(read(&root, "a/s.txt"), Err(Refusal::Link("a/s.txt".into())));
        assert_eq!(
            inspect(&root, "a/s.txt").unwrap_err(),
            Refusal::Link("a/s.txt".into())
        );
        // Even a link that stays inside.
        assert_eq!(
            read(&root, "a/inside/f.txt"),
            Err(Refusal::Link("a/inside".into()))
        );
        assert_eq!(
            read(&root, "a/fifo"),
            Err(Refusal::NotFile("a named pipe (FIFO)"))
        );
        assert_eq!(
            inspect(&root, "a/fifo"),
            Err(Refusal::NotFile("a named pipe (FIFO)"))
        );
        assert_eq!(inspect(&root, "a/b"), Err(Refusal::NotFile("a folder")));
        assert_eq!(inspect(&root, "a/x/y"), Err(Refusal::Missing("a/x".into())));
        assert_eq!(inspect(&root, "a/y"), Err(Refusal::Missing("a/y".into())));
        assert_eq!(
            make_dirs(&root, "a/up/z"),
            Err(Refusal::Link("a/up".into()))
        );
        assert_eq!(make_dirs(&root, "a/new/z").unwrap(), root.join("a/new/z"));
        assert!(root.join("a/new/z").is_dir());
    }
}
