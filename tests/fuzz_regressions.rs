//! Replays the fuzz corpus and every fixed fuzz crash under the ordinary
//! (stable) `cargo test`: each file in `fuzz/corpus/<target>/` and
//! `fuzz/regressions/<target>/` goes through the same harness as the
//! libFuzzer target (`fuzz/harness.rs`), and none may panic. Crashes that are
//! not fixed yet wait in `fuzz/crashes/` (see its README), which this test
//! does not read.
//!
//! Every input runs under `catch_unwind`; the failing files are listed
//! together at the end. (An abort, such as an allocation failure, ends the
//! whole test binary; that too is a failure, with the file in the log.)

#[path = "../fuzz/harness.rs"]
mod harness;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n != "README.md" && n != ".gitkeep")
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

fn replay(kind: &str) -> usize {
    let root = harness::repo_root().join("fuzz");
    let mut failures = Vec::new();
    let mut count = 0;
    // The panics are the finding; keep their messages (the default hook
    // prints them with the thread name) and name the file after each.
    for target in harness::TARGETS {
        for file in files(&root.join(kind).join(target)) {
            let data = std::fs::read(&file).expect("readable corpus file");
            count += 1;
            eprintln!("{target}: {}", file.display());
            if catch_unwind(AssertUnwindSafe(|| harness::run(target, &data))).is_err() {
                failures.push(format!("{target}: {}", file.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} fuzz inputs panicked:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
    count
}

/// Every committed corpus input runs without a panic.
#[test]
fn corpus_inputs_do_not_panic() {
    let n = replay("corpus");
    assert!(n > 0, "the fuzz corpus in fuzz/corpus/ is empty");
}

/// Every fixed crash (moved from fuzz/crashes/ once fixed) stays fixed.
#[test]
fn fixed_crashes_do_not_panic() {
    replay("regressions");
}
