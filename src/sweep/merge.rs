//! Combining shard directories into one sweep directory: checks that the
//! shards come from the same sweep, that every shard is there and complete,
//! and that every run appears exactly once; then concatenates them in run
//! order (streamed, so memory stays flat). The merged `runs.csv` is
//! byte-identical to the one an unsharded sweep writes.

use std::fs::{self, File};
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

use crate::output::target::{OutputDir, TargetError};

use super::results::{self, GridCells};
use super::runner::{
    csv_io, difference, file_sha256, io, read_manifest, write_manifest, Shard, SweepError,
    SweepManifest, DESIGN_FILE, RUNS_FILE, TIMESERIES_FILE,
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

/// What a merge wrote.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The merged directory.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: SweepManifest,
    /// For a two-parameter grid, the mean of the first output in each cell.
    pub grid: Option<GridCells>,
}

/// Merges shard directories into `out`, a whole sweep directory with its
/// exports (see [`results::finish`]), built under a temporary name and
/// renamed into place only when complete.
pub fn merge(
    shards: &[PathBuf],
    out: &OutputDir,
    command_line: Vec<String>,
) -> Result<Merged, MergeError> {
    let mut found: Vec<(SweepManifest, PathBuf)> = Vec::new();
    for dir in shards {
        let m = read_manifest(dir)?.ok_or_else(|| MergeError::NotASweep(dir.clone()))?;
        found.push((m, dir.clone()));
    }
    let Some((first, first_dir)) = found.first().cloned() else {
        return Err(MergeError::Runs("no shard directories given".into()));
    };
    let count = first.extension.shard.count;
    for (m, dir) in &found[1..] {
        let what = if difference(m, &first).is_some() {
            Some("sweep file, base scenario, design or pioneer version")
        } else if m.extension.shard.count != count {
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
    found.sort_by_key(|(m, _)| m.extension.shard.index);
    for w in found.windows(2) {
        if w[0].0.extension.shard.index == w[1].0.extension.shard.index {
            return Err(MergeError::Duplicate {
                index: w[0].0.extension.shard.index,
                count,
                a: w[0].1.clone(),
                b: w[1].1.clone(),
            });
        }
    }
    let missing: Vec<String> = (0..count)
        .filter(|i| !found.iter().any(|(m, _)| m.extension.shard.index == *i))
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            missing: missing.join(", "),
            count,
        });
    }
    for (m, dir) in &found {
        if !m.extension.complete {
            return Err(MergeError::Incomplete {
                index: m.extension.shard.index,
                count,
                dir: dir.clone(),
            });
        }
    }

    let mut merged = first.clone();
    let mut grid = None;
    let dir = out.build(|tmp| -> Result<(), MergeError> {
        concatenate(&found, &first, tmp)?;
        let design_src = first_dir.join(DESIGN_FILE);
        fs::copy(&design_src, tmp.join(DESIGN_FILE)).map_err(io("copying", &design_src))?;
        // The copies of the input files, as the first shard holds them.
        for input in &first.inputs {
            // Only a plain name under inputs/: a manifest never makes merge
            // read or write elsewhere.
            let plain = input
                .file
                .strip_prefix("inputs/")
                .is_some_and(|n| !n.is_empty() && !n.starts_with('.') && !n.contains(['/', '\\']));
            if !plain {
                return Err(SweepError::Damaged {
                    path: first_dir.join(crate::output::manifest::MANIFEST_FILE),
                    what: format!("it lists an input copy outside inputs/: `{}`", input.file),
                }
                .into());
            }
            let src = first_dir.join(&input.file);
            let bytes = fs::read(&src).map_err(io("copying", &src))?;
            if crate::util::hash::sha256_hex(&bytes) != input.sha256 {
                return Err(SweepError::Damaged {
                    path: src,
                    what: "its SHA-256 is not the one manifest.json records".into(),
                }
                .into());
            }
            let dst = tmp.join(&input.file);
            fs::create_dir_all(tmp.join(crate::output::inputs::INPUTS_DIR))
                .and_then(|()| fs::write(&dst, &bytes))
                .map_err(io("writing", &dst))?;
        }
        let x = &mut merged.extension;
        x.shard = Shard::WHOLE;
        x.first_run = 0;
        x.end_run = first.extension.total_runs;
        x.complete = true;
        x.runs_sha256 = Some(file_sha256(&tmp.join(RUNS_FILE))?);
        merged.command_line = command_line;
        write_manifest(tmp, &merged)?;
        grid = results::finish(tmp, &merged)?;
        Ok(())
    })?;
    Ok(Merged {
        dir,
        manifest: merged,
        grid,
    })
}

/// Streams the shards' files into `tmp`, checking every run appears once, in order.
fn concatenate(
    found: &[(SweepManifest, PathBuf)],
    first: &SweepManifest,
    tmp: &Path,
) -> Result<(), MergeError> {
    let count = first.extension.shard.count;
    let mut expected_run = 0u64;
    let mut files = vec![RUNS_FILE];
    if first.extension.identity.timeseries {
        files.push(TIMESERIES_FILE);
    }
    for name in files {
        let target = tmp.join(name);
        let mut w = csv::Writer::from_writer(BufWriter::new(
            File::create(&target).map_err(io("creating", &target))?,
        ));
        let check_runs = name == RUNS_FILE;
        for (i, (m, dir)) in found.iter().enumerate() {
            let m = &m.extension;
            let src = dir.join(name);
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(BufReader::new(
                    File::open(&src).map_err(io("opening", &src))?,
                ));
            let mut record = csv::ByteRecord::new();
            let mut n = 0;
            while reader
                .read_byte_record(&mut record)
                .map_err(csv_io("reading", &src))?
            {
                n += 1;
                if n == 1 {
                    if i == 0 {
                        w.write_byte_record(&record)
                            .map_err(csv_io("writing", &target))?;
                    }
                    continue;
                }
                if check_runs {
                    let field = String::from_utf8_lossy(record.get(0).unwrap_or_default());
                    let run: Option<u64> = field.parse().ok();
                    if run != Some(expected_run) || run.is_some_and(|r| r >= m.end_run) {
                        return Err(MergeError::Runs(format!(
                            "{}:{}: expected run {expected_run}, found {field}",
                            src.display(),
                            record.position().map_or(n, |p| p.line()),
                        )));
                    }
                    expected_run += 1;
                }
                w.write_byte_record(&record)
                    .map_err(csv_io("writing", &target))?;
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
        let f = w
            .into_inner()
            .map_err(|e| io("writing", &target)(e.into_error()))?
            .into_inner()
            .map_err(|e| io("writing", &target)(e.into_error()))?;
        f.sync_all().map_err(io("syncing", &target))?;
    }
    if expected_run != first.extension.total_runs {
        return Err(MergeError::Runs(format!(
            "the shards hold {expected_run} runs; the sweep has {}",
            first.extension.total_runs
        )));
    }
    Ok(())
}
