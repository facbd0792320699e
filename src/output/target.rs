//! Where output bytes go: [`OutputDir`], the one output directory every
//! command writes through, with a [`Policy`] for a directory that already
//! exists.
//!
//! - A new directory (the default) must not exist yet, or be empty.
//! - `--force` replaces a directory, but only one pioneer wrote (it holds a
//!   pioneer `manifest.json`): a file, a symbolic link or a directory of
//!   other files is refused even then, and refused when the `OutputDir` is
//!   made, before any simulation runs.
//! - Resumable commands (sweep, calibrate) continue the same job in place.
//! - One-shot commands (run, compare, merge) build the directory in a hidden
//!   temporary directory beside it and rename it into place only when every
//!   file is complete; a failure removes the temporary directory, so no
//!   `.partial` or `.old` directory is left behind.
//! - A resumable job's directory appears with its manifest already in it,
//!   so a process killed at any moment leaves nothing or a directory that
//!   resumes.
//! - A running pioneer holds an exclusive lock on every hidden staging entry
//!   it writes (`.NAME.partial-PID`, `.NAME.old-PID`); the next run writing
//!   the same place removes the unlocked ones a killed process left (putting
//!   back an `.old` directory whose replacement never arrived).
//! - An `--out` that cannot be made (a file on the way, a place that cannot
//!   be written) is refused when the `OutputDir` is made, before any
//!   simulation runs.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::manifest::{Manifest, MANIFEST_FILE};
use crate::util::names::{file_stem, MAX_NAME_BYTES};

/// Output directory errors.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The directory exists and the policy does not allow replacing it.
    #[error("output directory {0} already exists")]
    Exists(PathBuf),
    /// The path exists and is not a directory.
    #[error("{0} exists and is not a directory; pioneer does not replace it, even with --force")]
    NotADirectory(PathBuf),
    /// The path is a symbolic link.
    #[error("{0} is a symbolic link; pioneer does not replace it, even with --force")]
    Symlink(PathBuf),
    /// The directory holds files pioneer did not write.
    #[error("output directory {0} already exists and holds files pioneer did not write (no pioneer {MANIFEST_FILE}); pioneer does not replace it, even with --force")]
    Unrelated(PathBuf),
    /// The directory was written by pioneer for something else.
    #[error("output directory {dir} holds {what}")]
    Different {
        /// The directory.
        dir: PathBuf,
        /// What it holds.
        what: String,
    },
    /// The output path is empty.
    #[error("the output path is empty")]
    Empty,
    /// The directory cannot be made where it is asked for: something on
    /// the way is not a directory, or the nearest existing directory cannot
    /// be written.
    #[error("cannot make the output directory {path}: {why}")]
    Unreachable {
        /// The output directory asked for.
        path: PathBuf,
        /// Why (the ancestor that is not a directory, or the error writing in it).
        why: String,
    },
    /// Files can only be added to a directory pioneer wrote.
    #[error("{0} is not a pioneer output directory (no {MANIFEST_FILE})")]
    NotPioneer(PathBuf),
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

/// What a command does with an output directory that already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Write a new directory: an existing one is refused unless it is empty.
    New,
    /// `--force`: replace an existing directory if pioneer wrote it.
    Replace,
    /// Resumable commands: continue the same job in a directory that holds
    /// it; a directory holding anything else is refused.
    Resume,
    /// Resumable commands with `--force`: continue the same job, or replace
    /// a directory pioneer wrote for something else.
    ResumeOrReplace,
    /// Add files to a directory pioneer wrote (`pioneer analyze`).
    Extend,
}

impl Policy {
    /// [`Policy::New`], or [`Policy::Replace`] with `--force`.
    pub fn one_shot(force: bool) -> Policy {
        if force {
            Policy::Replace
        } else {
            Policy::New
        }
    }

    /// [`Policy::Resume`], or [`Policy::ResumeOrReplace`] with `--force`.
    pub fn resumable(force: bool) -> Policy {
        if force {
            Policy::ResumeOrReplace
        } else {
            Policy::Resume
        }
    }

    fn replaces(self) -> bool {
        matches!(self, Policy::Replace | Policy::ResumeOrReplace)
    }
}

/// What is at an output path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Nothing,
    EmptyDir,
    Pioneer,
    Unrelated,
    File,
    Symlink,
}

fn inspect(path: &Path) -> Result<Found, TargetError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            // Names the file on the way.
            return Err(check_reachable(path)
                .err()
                .unwrap_or(TargetError::Unreachable {
                    path: path.to_path_buf(),
                    why: "part of the path is not a directory".into(),
                }));
        }
        Err(e) => return Err(io("inspecting", path)(e)),
    };
    if meta.file_type().is_symlink() {
        return Ok(Found::Symlink);
    }
    if !meta.is_dir() {
        return Ok(Found::File);
    }
    let empty = fs::read_dir(path)
        .map_err(io("reading", path))?
        .next()
        .is_none();
    if empty {
        return Ok(Found::EmptyDir);
    }
    // A pioneer manifest has at least the core fields.
    Ok(match Manifest::<super::manifest::NoExtension>::read(path) {
        Ok(Some(_)) => Found::Pioneer,
        _ => Found::Unrelated,
    })
}

/// Refuses what no policy allows: a file, a symbolic link, a directory pioneer did not write.
fn refuse_foreign(found: Found, path: &Path) -> Result<(), TargetError> {
    match found {
        Found::File => Err(TargetError::NotADirectory(path.to_path_buf())),
        Found::Symlink => Err(TargetError::Symlink(path.to_path_buf())),
        Found::Unrelated => Err(TargetError::Unrelated(path.to_path_buf())),
        Found::Nothing | Found::EmptyDir | Found::Pioneer => Ok(()),
    }
}

/// Checks what is at `path` against `policy` for a one-shot write.
fn check_one_shot(path: &Path, policy: Policy) -> Result<Found, TargetError> {
    let found = inspect(path)?;
    refuse_foreign(found, path)?;
    match (found, policy) {
        (Found::Pioneer, Policy::Replace | Policy::ResumeOrReplace) => Ok(found),
        (Found::Pioneer, Policy::Extend) => Ok(found),
        (Found::Pioneer, _) => Err(TargetError::Exists(path.to_path_buf())),
        (_, Policy::Extend) => Err(TargetError::NotPioneer(path.to_path_buf())),
        _ => Ok(found),
    }
}

#[derive(Debug, Clone)]
enum Place {
    At(PathBuf),
    Numbered { base: PathBuf, name: String },
}

/// An output directory: where a command writes, and what it may do with
/// what is already there. Made before any work starts (an explicit path is
/// checked then), written once at the end (`write`, `build`) or worked in
/// place (`open`).
#[derive(Debug, Clone)]
pub struct OutputDir {
    place: Place,
    policy: Policy,
}

impl OutputDir {
    /// The directory `path`, checked now against `policy`: a file, a
    /// symbolic link or a directory pioneer did not write is refused, as is
    /// a non-empty directory under [`Policy::New`]. (Whether a pioneer
    /// directory holds the same job is checked by [`OutputDir::open`].)
    pub fn at(path: impl Into<PathBuf>, policy: Policy) -> Result<OutputDir, TargetError> {
        let path = path.into();
        if path.as_os_str().is_empty() {
            return Err(TargetError::Empty);
        }
        recover(&path)?;
        let found = inspect(&path)?;
        refuse_foreign(found, &path)?;
        match (found, policy) {
            (Found::Pioneer, Policy::New) => return Err(TargetError::Exists(path)),
            (Found::Nothing | Found::EmptyDir, Policy::Extend) => {
                return Err(TargetError::NotPioneer(path))
            }
            // Worked in place: nothing is made beside it.
            (Found::Pioneer, Policy::Resume | Policy::Extend) => {}
            _ => check_reachable(&path)?,
        }
        Ok(OutputDir {
            place: Place::At(path),
            policy,
        })
    }

    /// A new directory `base/name-NNN`, the first number not taken, reserved
    /// when it is first written (so nothing is created for a command that fails before).
    pub fn numbered(base: impl Into<PathBuf>, name: &str) -> OutputDir {
        OutputDir {
            place: Place::Numbered {
                base: base.into(),
                name: name.to_string(),
            },
            policy: Policy::New,
        }
    }

    /// `out` if given (see [`OutputDir::at`]), else a new numbered directory
    /// `base/name-NNN` (see [`OutputDir::numbered`]).
    pub fn new(
        out: Option<&Path>,
        base: &Path,
        name: &str,
        policy: Policy,
    ) -> Result<OutputDir, TargetError> {
        match out {
            Some(p) => OutputDir::at(p, policy),
            None => {
                check_reachable(&base.join(name))?;
                Ok(OutputDir::numbered(base, name))
            }
        }
    }

    /// The explicit path, if there is one (a numbered directory has none until written).
    pub fn path(&self) -> Option<&Path> {
        match &self.place {
            Place::At(p) => Some(p),
            Place::Numbered { .. } => None,
        }
    }

    /// The policy.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// Writes `files` as the whole directory, atomically (see [`OutputDir::build`]).
    pub fn write(&self, files: &[(String, Vec<u8>)]) -> Result<PathBuf, TargetError> {
        self.build(|tmp| {
            for (name, bytes) in files {
                write_new_file(&tmp.join(name), bytes)?;
            }
            Ok(())
        })
    }

    /// Builds the whole directory atomically: `fill` writes into an empty
    /// hidden temporary directory beside it, which is renamed into place
    /// only if `fill` succeeds and removed otherwise. An existing directory
    /// is replaced (if the policy allows it) only once the new one is
    /// complete. Returns the directory written.
    pub fn build<E, F>(&self, fill: F) -> Result<PathBuf, E>
    where
        E: From<TargetError>,
        F: FnOnce(&Path) -> Result<(), E>,
    {
        let tmp = match &self.place {
            Place::At(p) => {
                // Checked again: something may have appeared since.
                check_one_shot(p, self.policy)?;
                TempDir::beside(p, "partial")?
            }
            Place::Numbered { base, name } => TempDir::beside(&base.join(name), "partial")?,
        };
        fill(tmp.path())?;
        let dir = match &self.place {
            Place::At(p) => p.clone(),
            // Reserved only now, so a failure leaves no empty numbered directory.
            Place::Numbered { base, name } => reserve_new_dir(base, name)?,
        };
        match check_one_shot(&dir, self.policy)? {
            Found::Nothing => {}
            Found::EmptyDir => fs::remove_dir(&dir).map_err(io("replacing", &dir))?,
            _ => {
                // Replace: the old directory goes aside, the new one into place.
                replace_dir(&dir, || {
                    fs::rename(tmp.path(), &dir).map_err(io("renaming into place", &dir))
                })?;
                tmp.release();
                return Ok(dir);
            }
        }
        fs::rename(tmp.path(), &dir).map_err(io("renaming into place", &dir))?;
        tmp.release();
        Ok(dir)
    }

    /// Opens the directory to work in, in place (resumable commands, and
    /// [`Policy::Extend`]). A directory pioneer wrote is read as a
    /// `Manifest<X>` and handed to `same`, which says whether it holds this
    /// job (`Ok`) or what it holds instead (`Err("a different sweep (…)")`).
    /// The same job is resumed (hidden temporary files a killed process left
    /// in it are removed); anything else is refused, or with
    /// [`Policy::ResumeOrReplace`] replaced afresh. A missing directory is
    /// created (a numbered one reserved).
    pub fn open<X, F>(&self, same: F) -> Result<OpenDir<X>, TargetError>
    where
        X: DeserializeOwned,
        F: FnOnce(&Manifest<X>) -> Result<(), String>,
    {
        self.open_inner(same, None)
    }

    /// [`OutputDir::open`] for a job that starts with the manifest `fresh`:
    /// a directory it creates appears at once with `fresh` as its
    /// `manifest.json` (built in a hidden directory beside it and renamed
    /// into place), so a process killed at any moment leaves either no
    /// directory (a hidden leftover the next run removes) or one that holds
    /// the job and resumes.
    pub fn open_job<X, F>(&self, same: F, fresh: &Manifest<X>) -> Result<OpenDir<X>, TargetError>
    where
        X: Serialize + DeserializeOwned,
        F: FnOnce(&Manifest<X>) -> Result<(), String>,
    {
        let bytes = fresh.to_json().map_err(|e| TargetError::Io {
            action: "serialising",
            path: PathBuf::from(MANIFEST_FILE),
            source: std::io::Error::other(e),
        })?;
        self.open_inner(same, Some(&bytes))
    }

    fn open_inner<X, F>(&self, same: F, fresh: Option<&[u8]>) -> Result<OpenDir<X>, TargetError>
    where
        X: DeserializeOwned,
        F: FnOnce(&Manifest<X>) -> Result<(), String>,
    {
        let dir = match &self.place {
            Place::At(p) => p.clone(),
            Place::Numbered { base, name } => {
                let dir = reserve_new_dir(base, name)?;
                create_job_dir(&dir, fresh)?;
                return Ok(OpenDir {
                    path: dir,
                    previous: None,
                });
            }
        };
        let found = inspect(&dir)?;
        refuse_foreign(found, &dir)?;
        match found {
            Found::Pioneer => {
                let verdict = match Manifest::<X>::read(&dir) {
                    Ok(Some(m)) => same(&m).map(|()| m),
                    _ => Err("the outputs of another pioneer command".to_string()),
                };
                match verdict {
                    Ok(m) => {
                        clean_stale(&dir, None, None)?;
                        return Ok(OpenDir {
                            path: dir,
                            previous: Some(m),
                        });
                    }
                    Err(_) if self.policy.replaces() => {
                        replace_dir(&dir, || create_job_dir(&dir, fresh))?;
                    }
                    Err(_) if self.policy == Policy::New => {
                        return Err(TargetError::Exists(dir));
                    }
                    Err(what) => return Err(TargetError::Different { dir, what }),
                }
            }
            _ if self.policy == Policy::Extend => return Err(TargetError::NotPioneer(dir)),
            _ => create_job_dir(&dir, fresh)?,
        }
        Ok(OpenDir {
            path: dir,
            previous: None,
        })
    }
}

/// Makes the job directory `dir` (missing, or empty): with a manifest,
/// built beside it and renamed into place (over an empty directory, which
/// a rename replaces), so it never exists without its manifest.
fn create_job_dir(dir: &Path, manifest: Option<&[u8]>) -> Result<(), TargetError> {
    let Some(bytes) = manifest else {
        return fs::create_dir_all(dir).map_err(io("creating", dir));
    };
    let tmp = TempDir::beside(dir, "partial")?;
    write_new_file(&tmp.path().join(MANIFEST_FILE), bytes)?;
    fs::rename(tmp.path(), dir).map_err(io("renaming into place", dir))?;
    tmp.release();
    Ok(())
}

/// Replaces the pioneer directory `dir` by what `install` puts at `dir`:
/// the old directory is first moved aside to a hidden, locked `.old`
/// directory, put back if `install` fails, and removed once it succeeded.
/// (A process killed in between leaves that `.old` directory; the next run
/// puts it back if nothing took its place, or removes it, see [`recover`].)
fn replace_dir(
    dir: &Path,
    install: impl FnOnce() -> Result<(), TargetError>,
) -> Result<(), TargetError> {
    let old = TempDir::name_beside(dir, "old")?;
    let held = lock(dir);
    fs::rename(dir, &old).map_err(io("moving aside", dir))?;
    if let Err(e) = install() {
        let _ = fs::rename(&old, dir);
        return Err(e);
    }
    fs::remove_dir_all(&old).map_err(io("removing", &old))?;
    drop(held);
    Ok(())
}

/// The parent a path is made in (`.` for a bare name).
fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The stem of the hidden staging names beside `path`: its last component,
/// or (when that is too long to take a prefix and suffix) its sanitised
/// stem, which keeps distinct long names distinct.
fn staging_stem(path: &Path) -> Option<String> {
    let leaf = path.file_name()?.to_string_lossy().into_owned();
    Some(if leaf.len() <= MAX_NAME_BYTES {
        leaf
    } else {
        file_stem(&leaf)
    })
}

/// Checks, before anything runs, that a directory can be made at `path`:
/// the nearest existing ancestor is a directory (a file on the way is
/// refused) and a directory can be created in it (tried with a hidden probe
/// directory, removed at once).
fn check_reachable(path: &Path) -> Result<(), TargetError> {
    let unreachable = |why: String| TargetError::Unreachable {
        path: path.to_path_buf(),
        why,
    };
    let mut ancestor = parent_of(path);
    loop {
        match fs::metadata(ancestor) {
            Ok(m) if m.is_dir() => break,
            Ok(_) => {
                return Err(unreachable(format!(
                    "{} is not a directory",
                    ancestor.display()
                )))
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                let up = parent_of(ancestor);
                if up == ancestor {
                    return Err(unreachable(format!("{}: {e}", ancestor.display())));
                }
                ancestor = up;
            }
            Err(e) => return Err(unreachable(format!("{}: {e}", ancestor.display()))),
        }
    }
    let probe = ancestor.join(format!(".pioneer-probe-{}", std::process::id()));
    fs::create_dir(&probe)
        .map_err(|e| unreachable(format!("cannot write in {}: {e}", ancestor.display())))?;
    let _ = fs::remove_dir(&probe);
    Ok(())
}

/// Whether `name` is a hidden staging entry pioneer makes (`.STEM.partial-PID`
/// or `.STEM.old-PID`), of `stem` if given; which kind.
fn staging_kind(name: &str, stem: Option<&str>) -> Option<&'static str> {
    ["old", "partial"].into_iter().find(|kind| {
        let marker = format!(".{kind}-");
        let Some(i) = name.rfind(&marker) else {
            return false;
        };
        let pid = &name[i + marker.len()..];
        let head = &name[..i];
        !pid.is_empty()
            && pid.bytes().all(|b| b.is_ascii_digit())
            && match stem {
                Some(s) => head.strip_prefix('.') == Some(s),
                None => head.len() > 1 && head.starts_with('.'),
            }
    })
}

/// The exclusive lock a running pioneer holds on each staging entry it is
/// writing (released when the returned file is dropped, or the process
/// ends however it ends); `None` if another process holds it.
fn lock(path: &Path) -> Option<fs::File> {
    let f = fs::File::open(path).ok()?;
    f.try_lock().ok().map(|()| f)
}

/// Removes the staging entries in `parent` that no running pioneer holds
/// (of `stem` only, if given): what a killed process left. A left `.old`
/// directory is put back at `target` if nothing is there (the process was
/// killed while replacing it), and removed otherwise.
fn clean_stale(
    parent: &Path,
    stem: Option<&str>,
    target: Option<&Path>,
) -> Result<(), TargetError> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    let mut found: Vec<(&str, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name();
            staging_kind(name.to_str()?, stem).map(|kind| (kind, e.path()))
        })
        .collect();
    // `old` first: it is put back before the `partial` beside it goes.
    found.sort();
    for (kind, path) in found {
        let Some(_held) = lock(&path) else {
            continue; // in use by a running pioneer
        };
        let is_dir = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if let Some(t) = target.filter(|_| kind == "old" && is_dir) {
            if inspect(t)? == Found::Nothing {
                fs::rename(&path, t).map_err(io("putting back", t))?;
                continue;
            }
        }
        if is_dir {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        }
        .map_err(io("removing the leftover", &path))?;
    }
    Ok(())
}

/// Cleans what a killed process left beside the output path `path` (see
/// [`clean_stale`]).
fn recover(path: &Path) -> Result<(), TargetError> {
    match staging_stem(path) {
        Some(stem) => clean_stale(parent_of(path), Some(&stem), Some(path)),
        None => Ok(()),
    }
}

/// A directory opened to work in place (see [`OutputDir::open`]).
#[derive(Debug)]
pub struct OpenDir<X> {
    path: PathBuf,
    previous: Option<Manifest<X>>,
}

impl<X> OpenDir<X> {
    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The manifest of the job found there (resumed), if any.
    pub fn previous(&self) -> Option<&Manifest<X>> {
        self.previous.as_ref()
    }

    /// Takes the manifest of the job found there.
    pub fn take_previous(&mut self) -> Option<Manifest<X>> {
        self.previous.take()
    }

    /// Writes one file (a path relative to the directory) atomically.
    pub fn write_file(&self, name: &str, bytes: &[u8]) -> Result<(), TargetError> {
        write_file_atomically(&self.path.join(name), bytes)
    }

    /// Writes `manifest.json` atomically.
    pub fn write_manifest<Y: Serialize>(&self, manifest: &Manifest<Y>) -> Result<(), TargetError> {
        let bytes = manifest.to_json().map_err(|e| TargetError::Io {
            action: "serialising",
            path: self.path.join(MANIFEST_FILE),
            source: std::io::Error::other(e),
        })?;
        self.write_file(MANIFEST_FILE, &bytes)
    }
}

/// A hidden temporary directory beside a target, locked while it is in
/// use and removed when dropped unless released.
struct TempDir {
    path: PathBuf,
    keep: bool,
    _lock: Option<fs::File>,
}

impl TempDir {
    fn name_beside(dir: &Path, what: &str) -> Result<PathBuf, TargetError> {
        let parent = parent_of(dir);
        fs::create_dir_all(parent).map_err(io("creating", parent))?;
        let stem = staging_stem(dir).unwrap_or_else(|| "out".into());
        Ok(parent.join(format!(".{stem}.{what}-{}", std::process::id())))
    }

    fn beside(dir: &Path, what: &str) -> Result<TempDir, TargetError> {
        let path = TempDir::name_beside(dir, what)?;
        recover(dir)?;
        if path.exists() {
            fs::remove_dir_all(&path).map_err(io("removing", &path))?;
        }
        fs::create_dir(&path).map_err(io("creating", &path))?;
        let lock = lock(&path);
        Ok(TempDir {
            path,
            keep: false,
            _lock: lock,
        })
    }

    fn path(&self) -> &Path {
        &self.path
    }

    /// The directory was renamed into place: nothing to remove.
    fn release(mut self) {
        self.keep = true;
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// The first `base/name-NNN` directory that does not exist yet, reserved
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

fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), TargetError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io("creating", parent))?;
    }
    let mut f = fs::File::create(path).map_err(io("creating", path))?;
    f.write_all(bytes).map_err(io("writing", path))?;
    f.sync_all().map_err(io("syncing", path))
}

/// A file written in place atomically: streamed into a hidden temporary
/// file beside it, renamed over it by [`AtomicFile::commit`], removed if
/// dropped before.
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    file: Option<std::io::BufWriter<fs::File>>,
}

impl AtomicFile {
    /// Starts writing `path` (its directory is created if needed).
    pub fn create(path: &Path) -> Result<AtomicFile, TargetError> {
        let parent = parent_of(path);
        fs::create_dir_all(parent).map_err(io("creating", parent))?;
        let stem = staging_stem(path).unwrap_or_default();
        clean_stale(parent, Some(&stem), None)?;
        let tmp = parent.join(format!(".{stem}.partial-{}", std::process::id()));
        let file = fs::File::create(&tmp).map_err(io("creating", &tmp))?;
        // Marks it in use (see `clean_stale`); released when the file is closed.
        let _ = file.try_lock();
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            file: Some(std::io::BufWriter::new(file)),
        })
    }

    /// The file being written (the final path, for messages).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Syncs the file and renames it into place (removing it if that fails).
    pub fn commit(mut self) -> Result<(), TargetError> {
        let w = self.file.take().expect("committed once");
        let result = w
            .into_inner()
            .map_err(|e| io("writing", &self.tmp)(e.into_error()))
            .and_then(|f| f.sync_all().map_err(io("syncing", &self.tmp)))
            .and_then(|()| {
                fs::rename(&self.tmp, &self.path).map_err(io("renaming into place", &self.path))
            });
        if result.is_err() {
            let _ = fs::remove_file(&self.tmp);
        }
        result
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.as_mut().expect("not committed").write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().expect("not committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Writes one file atomically: to a temporary file beside it, then renamed.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), TargetError> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes).map_err(io("writing", path))?;
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::manifest::NoExtension;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn pioneer_files(tag: &str) -> Vec<(String, Vec<u8>)> {
        let m: Manifest = Manifest::new(1, 1, vec![], Default::default());
        vec![
            ("a.txt".to_string(), tag.as_bytes().to_vec()),
            (MANIFEST_FILE.to_string(), m.to_json().unwrap()),
        ]
    }

    #[test]
    fn writes_then_refuses_then_replaces() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        OutputDir::at(&dir, Policy::New)
            .unwrap()
            .write(&pioneer_files("1"))
            .unwrap();
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"1");
        assert!(matches!(
            OutputDir::at(&dir, Policy::New),
            Err(TargetError::Exists(_))
        ));
        assert_eq!(
            fs::read(dir.join("a.txt")).unwrap(),
            b"1",
            "refusal keeps the old results"
        );
        OutputDir::at(&dir, Policy::Replace)
            .unwrap()
            .write(&pioneer_files("2"))
            .unwrap();
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"2");
        // No temporary directories are left behind.
        assert_eq!(names(root.path()), ["out"]);
    }

    #[test]
    fn force_never_replaces_files_links_or_unrelated_directories() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("file");
        fs::write(&file, b"keep").unwrap();
        let unrelated = root.path().join("mine");
        fs::create_dir(&unrelated).unwrap();
        fs::write(unrelated.join("notes.txt"), b"keep").unwrap();
        for policy in [
            Policy::New,
            Policy::Replace,
            Policy::Resume,
            Policy::ResumeOrReplace,
            Policy::Extend,
        ] {
            assert!(matches!(
                OutputDir::at(&file, policy),
                Err(TargetError::NotADirectory(_))
            ));
            assert!(matches!(
                OutputDir::at(&unrelated, policy),
                Err(TargetError::Unrelated(_))
            ));
        }
        #[cfg(unix)]
        {
            let link = root.path().join("link");
            std::os::unix::fs::symlink(&unrelated, &link).unwrap();
            assert!(matches!(
                OutputDir::at(&link, Policy::Replace),
                Err(TargetError::Symlink(_))
            ));
        }
        assert_eq!(fs::read(&file).unwrap(), b"keep");
        assert_eq!(names(&unrelated), ["notes.txt"]);
    }

    #[test]
    fn a_failed_build_leaves_nothing_behind() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        let out = OutputDir::at(&dir, Policy::New).unwrap();
        let r: Result<PathBuf, TargetError> = out.build(|tmp| {
            fs::write(tmp.join("half.csv"), b"1,2").unwrap();
            Err(TargetError::Exists(tmp.to_path_buf()))
        });
        assert!(r.is_err());
        assert!(names(root.path()).is_empty());
        // Replacing: the old directory survives a failure untouched.
        OutputDir::at(&dir, Policy::New)
            .unwrap()
            .write(&pioneer_files("1"))
            .unwrap();
        let r: Result<PathBuf, TargetError> = OutputDir::at(&dir, Policy::Replace)
            .unwrap()
            .build(|_| Err(TargetError::Exists(PathBuf::new())));
        assert!(r.is_err());
        assert_eq!(names(root.path()), ["out"]);
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"1");
    }

    #[test]
    fn open_resumes_the_same_job_and_replaces_another_only_with_force() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("job");
        let open = |policy, want: u64| {
            OutputDir::at(&dir, policy).unwrap().open(|m: &Manifest| {
                if m.seed == want {
                    Ok(())
                } else {
                    Err(format!("job {}", m.seed))
                }
            })
        };
        let d = open(Policy::Resume, 1).unwrap();
        assert!(d.previous().is_none());
        d.write_manifest::<NoExtension>(&Manifest::new(1, 1, vec![], NoExtension {}))
            .unwrap();
        assert_eq!(open(Policy::Resume, 1).unwrap().previous().unwrap().seed, 1);
        assert!(matches!(
            open(Policy::Resume, 2),
            Err(TargetError::Different { what, .. }) if what == "job 1"
        ));
        let d = open(Policy::ResumeOrReplace, 2).unwrap();
        assert!(d.previous().is_none());
        assert!(names(&dir).is_empty(), "the other job was cleared");
    }

    #[test]
    fn staging_names_are_recognised_by_stem_and_kind() {
        assert_eq!(
            staging_kind(".out.partial-12", Some("out")),
            Some("partial")
        );
        assert_eq!(staging_kind(".out.old-7", Some("out")), Some("old"));
        assert_eq!(staging_kind(".out.partial-12", Some("ou")), None);
        assert_eq!(staging_kind(".out.partial-", Some("out")), None);
        assert_eq!(staging_kind(".out.partial-1x", Some("out")), None);
        assert_eq!(staging_kind("out.partial-12", Some("out")), None);
        assert_eq!(staging_kind(".a.b.partial-3", Some("a.b")), Some("partial"));
        // Inside a job directory: any hidden temporary file.
        assert_eq!(
            staging_kind(".manifest.json.partial-9", None),
            Some("partial")
        );
        assert_eq!(staging_kind(".partial-9", None), None);
        assert_eq!(staging_kind("notes.partial-9", None), None);
    }

    #[test]
    fn a_job_directory_appears_with_its_manifest_and_leftovers_go() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("job");
        let stale = root.path().join(".job.partial-4194999");
        fs::create_dir(&stale).unwrap();
        let m: Manifest = Manifest::new(5, 1, vec![], NoExtension {});
        let d = OutputDir::at(&dir, Policy::Resume)
            .unwrap()
            .open_job(|_: &Manifest| Ok(()), &m)
            .unwrap();
        assert!(d.previous().is_none());
        assert_eq!(names(&dir), [MANIFEST_FILE]);
        assert_eq!(
            names(root.path()),
            ["job"],
            "the stale staging directory went"
        );
        fs::write(dir.join(".runs.csv.partial-4194999"), b"half").unwrap();
        let d = OutputDir::at(&dir, Policy::Resume)
            .unwrap()
            .open_job(|_: &Manifest| Ok(()), &m)
            .unwrap();
        assert_eq!(d.previous().unwrap().seed, 5);
        assert_eq!(names(&dir), [MANIFEST_FILE], "the stale temporary went");
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
