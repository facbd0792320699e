//! Records the git commit and dirty state of the build for `pioneer
//! --version` and every `manifest.json` (`output::manifest::build_commit`).
//!
//! Sets `PIONEER_GIT_COMMIT` (the full commit hash, empty when unknown) and
//! `PIONEER_GIT_DIRTY` (`true`, `false`, or empty when unknown). Outside a git
//! checkout of this crate (a crates.io tarball, a copy without `.git`, a
//! machine without git) both are empty and the version reads `(git unknown)`:
//! the build never fails for want of git. Only tracked files count towards
//! "dirty" (`git status --porcelain --untracked-files=no`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// `git args…` run in the crate directory: its trimmed output, if it succeeded.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    println!("cargo:rerun-if-changed=build.rs");
    // Edits to tracked files change the dirty state without touching git's
    // files: rerun when the sources the binary is built from change.
    for p in ["src", "scenarios", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={p}");
    }
    // Only this crate's own checkout counts (not a repository that happens
    // to contain an unpacked tarball).
    let top = git(&dir, &["rev-parse", "--show-toplevel"]).map(PathBuf::from);
    let ours = match (&top, dir.canonicalize()) {
        (Some(t), Ok(d)) => t.canonicalize().is_ok_and(|t| t == d),
        _ => false,
    };
    let commit = if ours {
        git(&dir, &["rev-parse", "HEAD"]).filter(|c| c.len() >= 7)
    } else {
        None
    };
    let dirty = commit.as_ref().and_then(|_| {
        git(&dir, &["status", "--porcelain", "--untracked-files=no"]).map(|s| !s.is_empty())
    });
    if ours {
        // A worktree has a `.git` file; `--git-dir` is its real directory
        // (HEAD, index), `--git-common-dir` holds the refs.
        let abs = |p: String| {
            let p = PathBuf::from(p);
            if p.is_absolute() {
                p
            } else {
                dir.join(p)
            }
        };
        if let Some(g) = git(&dir, &["rev-parse", "--git-dir"]).map(abs) {
            for f in ["HEAD", "index"].map(|f| g.join(f)) {
                if f.exists() {
                    println!("cargo:rerun-if-changed={}", f.display());
                }
            }
        }
        if let Some(common) = git(&dir, &["rev-parse", "--git-common-dir"]).map(abs) {
            let mut watched = vec![common.join("packed-refs")];
            if let Some(r) = git(&dir, &["symbolic-ref", "-q", "HEAD"]) {
                watched.push(common.join(r));
            }
            // A path that does not exist would rerun this script on every build.
            for p in watched.iter().filter(|p| p.exists()) {
                println!("cargo:rerun-if-changed={}", p.display());
            }
        }
    }
    println!(
        "cargo:rustc-env=PIONEER_GIT_COMMIT={}",
        commit.unwrap_or_default()
    );
    println!(
        "cargo:rustc-env=PIONEER_GIT_DIRTY={}",
        dirty.map_or(String::new(), |d| d.to_string())
    );
}
