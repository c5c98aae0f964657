//! Writing model files so that a crash or a full disk never leaves half a model.
//!
//! A model file is often a municipality's only model, and `signatur learn --out` may name
//! the file it read. So a model is never written in place: [`write_atomic`] writes a
//! temporary file beside the target, flushes it to disk, renames it over the target (an
//! atomic step on POSIX file systems) and flushes the directory. At every moment the target
//! is either the old file or the whole new one. A process killed mid-write can leave its
//! temporary file (`.NAME.tmp.PID.N` beside the target) behind; the target is untouched.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Error, ErrorKind, Result};

/// Distinguishes the temporary files of concurrent writes from one process.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, written and
/// fsynced, renamed over `path`, then the directory fsynced. On failure the temporary file
/// is removed, `path` is left as it was, and the error names the file and says so.
///
/// A symbolic link at `path` is followed (the file it points to is replaced, the link kept),
/// and an existing file's permissions carry over to the new one.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |what: &str, e: io::Error| {
        let message = format!(
            "{}: {what}: {e}; the existing file, if any, is unchanged",
            path.display()
        );
        Error::with_source(ErrorKind::Io, message, e)
    };
    let target = resolve(path).map_err(|e| fail("cannot resolve the link", e))?;
    let Some(name) = target.file_name() else {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{}: not a file name", path.display()),
        ));
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (tmp, mut file) = create_temp(&dir, name)
        .map_err(|e| fail("cannot create a temporary file in the same directory", e))?;
    let written = (|| {
        if let Ok(meta) = fs::metadata(&target) {
            file.set_permissions(meta.permissions())?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, &target)
    })();
    if let Err(e) = written {
        // Best effort: the write already failed, and a leftover is harmless to the target.
        let _ = fs::remove_file(&tmp);
        return Err(fail("cannot write the model file", e));
    }
    sync_dir(&dir).map_err(|e| {
        let message = format!(
            "{}: the new file is in place but its directory could not be flushed to disk: {e}",
            path.display()
        );
        Error::with_source(ErrorKind::Io, message, e)
    })
}

/// `path`, or the file a symbolic link at `path` points to.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path),
        _ => Ok(path.to_path_buf()),
    }
}

/// A new, empty temporary file `.NAME.tmp.PID.N` in `dir`, never an existing one.
fn create_temp(dir: &Path, name: &std::ffi::OsStr) -> io::Result<(PathBuf, File)> {
    loop {
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(
            ".tmp.{}.{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let tmp = dir.join(tmp_name);
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            // Left behind by an earlier process with the same id: take the next number.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Flushes a directory's entries (the rename) to disk.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Windows has no directory handle to flush; the rename is made durable by the file system.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.onnx");
        fs::write(&path, b"old").unwrap();
        write_atomic(&path, b"new model").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new model");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("m.onnx")]);
    }

    #[cfg(unix)]
    #[test]
    fn follows_a_link_and_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.onnx");
        let link = dir.path().join("link.onnx");
        fs::write(&real, b"old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn a_missing_directory_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/m.onnx");
        let e = write_atomic(&path, b"x").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(e.to_string().contains("m.onnx"), "{e}");
        assert!(e.to_string().contains("unchanged"), "{e}");
    }
}
