//! The bad-input corpus in `tests/fixtures/bad/`: every broken input a user
//! can give `pioneer` (the four file formats and the command line) exits with
//! code 2, says what is wrong in a message pinned by a snapshot, and writes,
//! changes and deletes nothing.
//!
//! Each case is one directory `tests/fixtures/bad/<format>-<name>/` holding
//!
//! * `args`: the command line, one argument per line (lines starting with `#`
//!   and empty lines are skipped; the first `#` lines say what the case is);
//!   `{repo}` in an argument stands for the repository root;
//! * optionally `env`: `KEY=VALUE` lines added to the environment;
//! * the input files the command reads (`scenario.toml`, `sweep.toml`,
//!   `targets.toml`, `priors.toml`, …).
//!
//! The case's files are copied into a fresh temporary directory `work/`, next
//! to a copy of the repository's `scenarios/` (so a case can
//! `extends = "../scenarios/nwl_wsic_2013.toml"`), and the command runs with
//! `work/` as its working directory. The check: exit code 2; every file of the
//! temporary directory has the same bytes afterwards and no file or directory
//! appeared or vanished; the command line and its standard error (temporary
//! and repository paths replaced by `<tmp>` and `<repo>`) match the snapshot
//! `tests/snapshots/bad_inputs__<case>.snap`. A guard of 60 s stops a command
//! that hangs (a hang is a failure, not a timing measurement).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use tempfile::TempDir;

/// The corpus must keep at least this many distinct cases (issue 10: at least 60).
const MINIMUM_CASES: usize = 60;

/// A command still running after this long is reported as hanging.
const HANG_GUARD: Duration = Duration::from_secs(60);

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn corpus() -> PathBuf {
    repo().join("tests").join("fixtures").join("bad")
}

/// The case directories, sorted by name.
fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(corpus())
        .expect("tests/fixtures/bad exists")
        .map(|e| e.expect("readable corpus entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Every file under `dir`, relative path → bytes (symbolic links by target).
fn files_under(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap_or_else(|e| panic!("reading {}: {e}", d.display())) {
            let path = entry.expect("readable entry").path();
            let rel = path.strip_prefix(dir).expect("under dir").to_path_buf();
            let meta = fs::symlink_metadata(&path).expect("metadata");
            if meta.is_dir() {
                out.insert(rel, None);
                stack.push(path);
            } else if meta.file_type().is_symlink() {
                out.insert(
                    rel,
                    Some(
                        fs::read_link(&path)
                            .unwrap()
                            .into_os_string()
                            .into_encoded_bytes(),
                    ),
                );
            } else {
                out.insert(rel, Some(fs::read(&path).expect("readable file")));
            }
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create copy");
    for entry in fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Non-comment, non-empty lines of a case file.
fn lines(path: &Path) -> Vec<String> {
    match fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Runs one case; returns the text to snapshot, or why the case failed.
fn run_case(case: &Path) -> Result<String, String> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let tmp = TempDir::new().expect("temporary directory");
    let work = tmp.path().join("work");
    copy_dir(case, &work);
    copy_dir(&repo().join("scenarios"), &tmp.path().join("scenarios"));
    let repo_text = repo().to_string_lossy().into_owned();
    let args: Vec<String> = lines(&case.join("args"))
        .into_iter()
        .map(|a| a.replace("{repo}", &repo_text))
        .collect();
    if args.is_empty() {
        return Err(format!(
            "{name}: the case has no `args` file or it is empty"
        ));
    }
    let before = files_under(tmp.path());

    let mut cmd = Command::cargo_bin("pioneer").expect("the pioneer binary is built");
    cmd.current_dir(&work)
        .args(&args)
        .timeout(HANG_GUARD)
        .env_remove("RUST_LOG")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("SLURM_ARRAY_TASK_COUNT");
    for kv in lines(&case.join("env")) {
        let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
        cmd.env(k, v);
    }
    let output = cmd
        .output()
        .map_err(|e| format!("{name}: cannot run pioneer: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.code() != Some(2) {
        return Err(format!(
            "{name}: expected exit code 2, got {:?}\nstderr:\n{stderr}",
            output.status.code()
        ));
    }
    let after = files_under(tmp.path());
    if before != after {
        let appeared: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
        let vanished: Vec<_> = before.keys().filter(|k| !after.contains_key(*k)).collect();
        let changed: Vec<_> = before
            .iter()
            .filter(|(k, v)| after.get(*k).is_some_and(|w| w != *v))
            .map(|(k, _)| k)
            .collect();
        return Err(format!(
            "{name}: the command touched files: appeared {appeared:?}, vanished {vanished:?}, changed {changed:?}"
        ));
    }
    let tmp_text = tmp.path().to_string_lossy().into_owned();
    let shown_args: Vec<String> = args
        .iter()
        .map(|a| a.replace(&repo_text, "<repo>").replace(&tmp_text, "<tmp>"))
        .collect();
    let stderr = stderr
        .replace(&tmp_text, "<tmp>")
        .replace(&repo_text, "<repo>");
    Ok(format!("$ pioneer {}\n{stderr}", shown_args.join(" ")))
}

#[test]
fn every_bad_input_exits_2_with_its_message_and_writes_nothing() {
    let cases = cases();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        match run_case(case) {
            Ok(text) => insta::assert_snapshot!(name, text),
            Err(why) => failures.push(why),
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_corpus_is_large_and_covers_every_format() {
    let cases = cases();
    assert!(
        cases.len() >= MINIMUM_CASES,
        "the bad-input corpus has {} cases; keep at least {MINIMUM_CASES}",
        cases.len()
    );
    for format in ["scenario", "sweep", "targets", "priors", "cli"] {
        let n = cases
            .iter()
            .filter(|c| {
                c.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&format!("{format}-"))
            })
            .count();
        assert!(
            n >= 5,
            "only {n} bad-input cases for {format}; every format needs several"
        );
    }
}

#[test]
fn every_case_says_what_it_is() {
    for case in cases() {
        let text = fs::read_to_string(case.join("args")).unwrap_or_default();
        assert!(
            text.lines().next().is_some_and(|l| l.starts_with("# ")),
            "{}: the first line of `args` must be a `# ` comment saying what is broken",
            case.display()
        );
    }
}
