//! Combining shard directories into one sweep directory: checks that the
//! shards come from the same sweep, that every shard is there and complete,
//! and that every run appears exactly once; then concatenates them in run
//! order (streamed, so memory stays flat). The merged `runs.csv` is
//! byte-identical to the one an unsharded sweep writes.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::output::target::{build_dir_atomically, TargetError};

use super::runner::{
    file_sha256, io, read_manifest, write_manifest, Shard, SweepError, SweepManifest, DESIGN_FILE,
    RUNS_FILE, TIMESERIES_FILE,
};

/// Why shards cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A shard directory has no manifest.
    #[error("{0} is not a sweep directory (no manifest.json)")]
    NotASweep(PathBuf),
    /// Shards of different sweeps.
    #[error("{a} and {b} are shards of different sweeps ({what} differs)")]
    Mismatch {
        /// One directory.
        a: PathBuf,
        /// The other.
        b: PathBuf,
        /// What differs.
        what: String,
    },
    /// Shards are missing.
    #[error("missing shard(s) {missing} of {count}")]
    Missing {
        /// The missing indices.
        missing: String,
        /// Shard count.
        count: usize,
    },
    /// The same shard given twice.
    #[error("shard {index}/{count} given twice: {a} and {b}")]
    Duplicate {
        /// Index.
        index: usize,
        /// Count.
        count: usize,
        /// One directory.
        a: PathBuf,
        /// The other.
        b: PathBuf,
    },
    /// A shard is not finished.
    #[error("shard {index}/{count} in {dir} is not complete; run the same `pioneer sweep` command with --shard {index}/{count} --out {dir} again to finish it")]
    Incomplete {
        /// Index.
        index: usize,
        /// Count.
        count: usize,
        /// Where.
        dir: PathBuf,
    },
    /// A run is missing or repeated.
    #[error("{0}")]
    Runs(String),
    /// Reading or writing failed.
    #[error(transparent)]
    Sweep(#[from] SweepError),
    /// The merged directory could not be put in place.
    #[error(transparent)]
    Target(#[from] TargetError),
}

/// Merges shard directories into `out` (written under a temporary name and
/// renamed into place when complete). Returns the merged manifest.
pub fn merge(
    shards: &[PathBuf],
    out: &Path,
    command_line: Vec<String>,
) -> Result<SweepManifest, MergeError> {
    let mut found: Vec<(SweepManifest, PathBuf)> = Vec::new();
    for dir in shards {
        let m = read_manifest(dir)?.ok_or_else(|| MergeError::NotASweep(dir.clone()))?;
        found.push((m, dir.clone()));
    }
    let Some((first, first_dir)) = found.first().cloned() else {
        return Err(MergeError::Runs("no shard directories given".into()));
    };
    let count = first.shard.count;
    for (m, dir) in &found[1..] {
        let what = if m.identity != first.identity {
            Some("sweep file, base scenario, design or pioneer version")
        } else if m.shard.count != count {
            Some("shard count")
        } else {
            None
        };
        if let Some(what) = what {
            return Err(MergeError::Mismatch {
                a: first_dir.clone(),
                b: dir.clone(),
                what: what.into(),
            });
        }
    }
    found.sort_by_key(|(m, _)| m.shard.index);
    for w in found.windows(2) {
        if w[0].0.shard.index == w[1].0.shard.index {
            return Err(MergeError::Duplicate {
                index: w[0].0.shard.index,
                count,
                a: w[0].1.clone(),
                b: w[1].1.clone(),
            });
        }
    }
    let missing: Vec<String> = (0..count)
        .filter(|i| !found.iter().any(|(m, _)| m.shard.index == *i))
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            missing: missing.join(", "),
            count,
        });
    }
    for (m, dir) in &found {
        if !m.complete {
            return Err(MergeError::Incomplete {
                index: m.shard.index,
                count,
                dir: dir.clone(),
            });
        }
    }

    let mut merged = first.clone();
    build_dir_atomically(out, true, |tmp| -> Result<(), MergeError> {
        concatenate(&found, &first, tmp)?;
        let design_src = first_dir.join(DESIGN_FILE);
        fs::copy(&design_src, tmp.join(DESIGN_FILE)).map_err(io("copying", &design_src))?;
        merged.shard = Shard::WHOLE;
        merged.first_run = 0;
        merged.end_run = first.total_runs;
        merged.command_line = command_line;
        merged.complete = true;
        merged.runs_sha256 = Some(file_sha256(&tmp.join(RUNS_FILE))?);
        write_manifest(tmp, &merged)?;
        Ok(())
    })?;
    Ok(merged)
}

/// Streams the shards' files into `tmp`, checking every run appears once, in order.
fn concatenate(
    found: &[(SweepManifest, PathBuf)],
    first: &SweepManifest,
    tmp: &Path,
) -> Result<(), MergeError> {
    let count = first.shard.count;
    let mut expected_run = 0u64;
    let mut files = vec![RUNS_FILE];
    if first.identity.timeseries {
        files.push(TIMESERIES_FILE);
    }
    for name in files {
        let target = tmp.join(name);
        let mut w = BufWriter::new(File::create(&target).map_err(io("creating", &target))?);
        let check_runs = name == RUNS_FILE;
        for (i, (m, dir)) in found.iter().enumerate() {
            let src = dir.join(name);
            let reader = BufReader::new(File::open(&src).map_err(io("opening", &src))?);
            for (n, line) in reader.lines().enumerate() {
                let line = line.map_err(io("reading", &src))?;
                if n == 0 {
                    if i == 0 {
                        writeln!(w, "{line}").map_err(io("writing", &target))?;
                    }
                    continue;
                }
                if check_runs {
                    let run: Option<u64> = line.split(',').next().and_then(|f| f.parse().ok());
                    if run != Some(expected_run) || run.is_some_and(|r| r >= m.end_run) {
                        return Err(MergeError::Runs(format!(
                            "{}:{}: expected run {expected_run}, found {}",
                            src.display(),
                            n + 1,
                            line.split(',').next().unwrap_or("")
                        )));
                    }
                    expected_run += 1;
                }
                writeln!(w, "{line}").map_err(io("writing", &target))?;
            }
            if check_runs && expected_run != m.end_run {
                return Err(MergeError::Runs(format!(
                    "{} ends at run {} but shard {}/{} holds runs {}..{}",
                    src.display(),
                    expected_run,
                    m.shard.index,
                    count,
                    m.first_run,
                    m.end_run
                )));
            }
        }
        let f = w.into_inner().map_err(|e| SweepError::Io {
            action: "writing",
            path: target.clone(),
            source: e.into_error(),
        })?;
        f.sync_all().map_err(io("syncing", &target))?;
    }
    if expected_run != first.total_runs {
        return Err(MergeError::Runs(format!(
            "the shards hold {expected_run} runs; the sweep has {}",
            first.total_runs
        )));
    }
    Ok(())
}
