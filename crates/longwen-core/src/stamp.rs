//! What a file looked like on disk, to tell without reading it again that its bytes are still
//! the ones hashed. Any write moves a file's change time (ctime), and no program can set it
//! back; a file put in its place has another inode. Times are coarse, though (a clock tick on
//! Linux), so a stamp vouches for a file only once it has settled: when its last change was long
//! enough before the stamp that a later write cannot share its time.
//!
//! Only Linux's local disk file systems are trusted (ext4, XFS, Btrfs): network and FUSE file
//! systems report times the server or a user can set, or cache them, and tmpfs and FAT keep no
//! real change time. Elsewhere there is no stamp, and an upload hashes what it sends. One write
//! is not seen: through a shared mapping, to a page already dirtied since the last writeback;
//! office programs write or replace their files instead.

use std::fs::{File, Metadata};
use std::time::{Duration, SystemTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(unix), allow(dead_code))]
struct State {
    dev: u64,
    ino: u64,
    len: u64,
    /// (seconds, nanoseconds) since the epoch.
    modified: (i64, i64),
    changed: (i64, i64),
}

/// A file's state at one moment.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(unix), allow(dead_code))]
pub struct FileStamp {
    state: State,
    taken: SystemTime,
}

impl FileStamp {
    /// The stamp of an open file, taken now. None where it could not vouch for the file (see
    /// above); then what is sent is hashed again instead.
    pub fn of(file: &File) -> Option<FileStamp> {
        if !on_trusted_file_system(file) {
            return None;
        }
        Self::taken_at(&file.metadata().ok()?, SystemTime::now())
    }

    #[cfg(unix)]
    fn taken_at(meta: &Metadata, taken: SystemTime) -> Option<FileStamp> {
        use std::os::unix::fs::MetadataExt;
        let state = State {
            dev: meta.dev(),
            ino: meta.ino(),
            len: meta.len(),
            modified: (meta.mtime(), meta.mtime_nsec()),
            changed: (meta.ctime(), meta.ctime_nsec()),
        };
        Some(FileStamp { state, taken })
    }

    #[cfg(not(unix))]
    fn taken_at(_meta: &Metadata, _taken: SystemTime) -> Option<FileStamp> {
        None
    }

    /// Whether the file had last changed at least `settle` before the stamp was taken.
    pub fn settled(&self, settle: Duration) -> bool {
        let last = self.state.modified.max(self.state.changed);
        let Some(last) = since_epoch(last) else {
            return false;
        };
        self.taken
            .duration_since(last)
            .is_ok_and(|quiet| quiet >= settle)
    }

    /// Whether `later` shows the same file, unchanged.
    pub fn unchanged(&self, later: &FileStamp) -> bool {
        self.state == later.state
    }

    /// Whether the open `file` is this file, unchanged.
    pub fn matches(&self, file: &File) -> bool {
        FileStamp::of(file).is_some_and(|now| self.unchanged(&now))
    }
}

/// Whether `file` is on a local disk file system whose change times can be trusted.
#[cfg(target_os = "linux")]
fn on_trusted_file_system(file: &File) -> bool {
    use std::os::fd::AsRawFd;
    let mut fs = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: the descriptor is open for the duration of the call, and `fs` is written by it.
    if unsafe { libc::fstatfs(file.as_raw_fd(), fs.as_mut_ptr()) } != 0 {
        return false;
    }
    // SAFETY: fstatfs succeeded, so it filled `fs`.
    let fs = unsafe { fs.assume_init() };
    matches!(
        fs.f_type,
        libc::EXT4_SUPER_MAGIC | libc::XFS_SUPER_MAGIC | libc::BTRFS_SUPER_MAGIC
    )
}

#[cfg(not(target_os = "linux"))]
fn on_trusted_file_system(_file: &File) -> bool {
    false
}

/// A time after the epoch (a file system that gives none reports zero).
fn since_epoch((secs, nanos): (i64, i64)) -> Option<SystemTime> {
    let secs = u64::try_from(secs).ok().filter(|&s| s > 0)?;
    let nanos = u32::try_from(nanos).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::Write;

    fn stamp_of(path: &std::path::Path, taken: SystemTime) -> FileStamp {
        FileStamp::taken_at(&std::fs::metadata(path).unwrap(), taken).unwrap()
    }

    #[test]
    fn a_file_just_written_has_not_settled_and_one_quiet_long_enough_has() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "甲方").unwrap();
        let now = SystemTime::now();
        assert!(!stamp_of(&path, now).settled(Duration::from_secs(3)));
        let later = now + Duration::from_secs(4);
        assert!(stamp_of(&path, later).settled(Duration::from_secs(3)));
    }

    #[test]
    fn a_write_a_truncation_or_a_replacement_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "甲方乙方").unwrap();
        let first = stamp_of(&path, SystemTime::now());
        assert!(first.unchanged(&stamp_of(&path, SystemTime::now())));

        // Each change below must land on a later tick of the file system's clock than the
        // stamp's; a probe file shows when the clock has moved on.
        let probe = dir.path().join("probe");
        let tick = || {
            let before = stamp_of(&path, SystemTime::now()).state.changed;
            loop {
                std::fs::write(&probe, "").unwrap();
                if stamp_of(&probe, SystemTime::now()).state.changed > before {
                    break;
                }
                std::thread::yield_now();
            }
        };

        tick();
        let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.write_all("丙方".as_bytes()).unwrap();
        drop(f);
        let rewritten = stamp_of(&path, SystemTime::now());
        assert!(
            !first.unchanged(&rewritten),
            "rewritten in place, same size"
        );

        tick();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(3)
            .unwrap();
        assert!(!rewritten.unchanged(&stamp_of(&path, SystemTime::now())));

        let stamp = stamp_of(&path, SystemTime::now());
        let other = dir.path().join("b.txt");
        std::fs::copy(&path, &other).unwrap();
        std::fs::rename(&other, &path).unwrap();
        assert!(
            !stamp.unchanged(&stamp_of(&path, SystemTime::now())),
            "replaced"
        );
    }
}
