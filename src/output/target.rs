//! Where output bytes go: a directory written atomically. Files are written
//! into a hidden temporary directory beside the target and renamed into place
//! only when every file is complete, so an interrupted or failed run leaves
//! no half-written results.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Output directory errors.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The explicit output directory exists and `--force` was not given.
    #[error("output directory {0} already exists")]
    Exists(PathBuf),
    /// File system error.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// Where.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> TargetError + 'a {
    move |source| TargetError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// The first `results/<name>-NNN` directory that does not exist yet, reserved
/// by creating it (atomic, so concurrent runs never share one).
pub fn reserve_new_dir(base: &Path, name: &str) -> Result<PathBuf, TargetError> {
    fs::create_dir_all(base).map_err(io("creating", base))?;
    for n in 1..100_000 {
        let candidate = base.join(format!("{name}-{n:03}"));
        match fs::create_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io("creating", &candidate)(e)),
        }
    }
    Err(TargetError::Exists(base.join(name)))
}

/// Writes all files into `dir` atomically. `replace` allows an existing
/// directory to be replaced (it is removed only after the new one is complete).
pub fn write_dir_atomically(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    replace: bool,
) -> Result<(), TargetError> {
    build_dir_atomically(dir, replace, |tmp| {
        for (name, bytes) in files {
            let path = tmp.join(name);
            let mut f = fs::File::create(&path).map_err(io("creating", &path))?;
            f.write_all(bytes).map_err(io("writing", &path))?;
            f.sync_all().map_err(io("syncing", &path))?;
        }
        Ok(())
    })
}

/// Builds `dir` atomically: `fill` writes into an empty hidden temporary
/// directory beside it, which is renamed into place only if `fill`
/// succeeds (and removed if it fails). `replace` allows an existing
/// directory to be replaced; it is removed only after the new one is complete.
pub fn build_dir_atomically<E, F>(dir: &Path, replace: bool, fill: F) -> Result<(), E>
where
    E: From<TargetError>,
    F: FnOnce(&Path) -> Result<(), E>,
{
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io("creating", parent))?;
    let leaf = dir
        .file_name()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    let tmp = parent.join(format!(".{leaf}.partial-{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(io("removing", &tmp))?;
    }
    fs::create_dir(&tmp).map_err(io("creating", &tmp))?;
    if let Err(e) = fill(&tmp) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let is_empty_dir = |p: &Path| {
        fs::read_dir(p)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false)
    };
    if dir.exists() && !is_empty_dir(dir) {
        if !replace {
            let _ = fs::remove_dir_all(&tmp);
            return Err(TargetError::Exists(dir.to_path_buf()).into());
        }
        let old = parent.join(format!(".{leaf}.old-{}", std::process::id()));
        fs::rename(dir, &old).map_err(io("moving aside", dir))?;
        fs::rename(&tmp, dir).map_err(io("renaming into place", dir))?;
        fs::remove_dir_all(&old).map_err(io("removing", &old))?;
    } else {
        if dir.exists() {
            fs::remove_dir(dir).map_err(io("replacing", dir))?;
        }
        fs::rename(&tmp, dir).map_err(io("renaming into place", dir))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_then_refuses_then_replaces() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        let files = vec![("a.txt".to_string(), b"1".to_vec())];
        write_dir_atomically(&dir, &files, false).unwrap();
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"1");
        let files2 = vec![("b.txt".to_string(), b"2".to_vec())];
        assert!(matches!(
            write_dir_atomically(&dir, &files2, false),
            Err(TargetError::Exists(_))
        ));
        assert_eq!(
            fs::read(dir.join("a.txt")).unwrap(),
            b"1",
            "refusal keeps the old results"
        );
        write_dir_atomically(&dir, &files2, true).unwrap();
        assert!(!dir.join("a.txt").exists());
        assert_eq!(fs::read(dir.join("b.txt")).unwrap(), b"2");
        // No temporary directories are left behind.
        let leftovers: Vec<_> = fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("out")]);
    }

    #[test]
    fn reserved_names_never_collide() {
        let root = tempfile::tempdir().unwrap();
        let a = reserve_new_dir(root.path(), "nwl").unwrap();
        let b = reserve_new_dir(root.path(), "nwl").unwrap();
        assert_ne!(a, b);
        assert!(a.ends_with("nwl-001") && b.ends_with("nwl-002"));
    }
}

/// Writes one file atomically: to a temporary file beside it, then renamed.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), TargetError> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io("creating", parent))?;
    let leaf = path
        .file_name()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = parent.join(format!(".{leaf}.partial-{}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp).map_err(io("creating", &tmp))?;
        f.write_all(bytes).map_err(io("writing", &tmp))?;
        f.sync_all().map_err(io("syncing", &tmp))?;
        fs::rename(&tmp, path).map_err(io("renaming into place", path))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
