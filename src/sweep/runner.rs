//! Running a sweep: runs are simulated in parallel blocks and streamed to
//! `runs.csv` in run order, so memory stays flat however many runs there are
//! and the file is the same whatever the number of threads.
//!
//! Resuming: `runs.csv` is the record of what is done. A block's rows are
//! written and flushed to disk before the next block starts; a process
//! killed at any moment leaves at most one partial last line, which a resume
//! cuts off before carrying on from the next run. `timeseries.csv` rows are
//! written before the `runs.csv` rows of the same block, and rows of runs not
//! in `runs.csv` are cut off on resume. The result is byte-identical to an
//! uninterrupted sweep.

use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::design::{run_seed, Design};
use super::results::{self, GridCells};
use super::spec::Sweep;
use crate::engine::ensemble::run_replication;
use crate::engine::plan::Plan;
use crate::observe::ReplicationResult;
use crate::output::export::{fmt_num, iso};
use crate::output::manifest::{Manifest, ManifestError};
use crate::output::target::{write_file_atomically, OutputDir, TargetError};
use crate::util::hash::sha256_hex;

/// The runs file.
pub const RUNS_FILE: &str = "runs.csv";
/// The per-run time series file (when recorded).
pub const TIMESERIES_FILE: &str = "timeseries.csv";
/// The design file.
pub const DESIGN_FILE: &str = "design.csv";
/// The manifest.
pub use crate::output::manifest::MANIFEST_FILE;

/// A deterministic slice of a sweep's runs: shard `index` of `count` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which shard, 0-based.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

impl Shard {
    /// The whole sweep.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/K` (0 ≤ I < K).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (i, k) = text
            .split_once('/')
            .ok_or_else(|| format!("expected I/K (e.g. 0/8), found `{text}`"))?;
        let index: usize = i
            .trim()
            .parse()
            .map_err(|_| format!("expected a shard index I in I/K, found `{i}`"))?;
        let count: usize = k
            .trim()
            .parse()
            .map_err(|_| format!("expected a shard count K in I/K, found `{k}`"))?;
        if count == 0 || index >= count {
            return Err(format!(
                "expected 0 ≤ I < K in I/K, found {index}/{count} (shards are numbered from 0)"
            ));
        }
        Ok(Shard { index, count })
    }

    /// The shard a Slurm job-array task runs: `SLURM_ARRAY_TASK_ID` −
    /// `SLURM_ARRAY_TASK_MIN` of `SLURM_ARRAY_TASK_COUNT`, when those are set.
    pub fn from_slurm(var: impl Fn(&str) -> Option<String>) -> Option<Result<Shard, String>> {
        // Set but malformed is an error, never a silent whole sweep.
        let id_text = var("SLURM_ARRAY_TASK_ID")?;
        let number = |key: &str, text: Option<String>| -> Result<i64, String> {
            let text = text.ok_or_else(|| {
                format!("{key} is not set but SLURM_ARRAY_TASK_ID is; pass --shard I/K")
            })?;
            text.trim()
                .parse()
                .map_err(|_| format!("{key} = `{text}` is not a whole number; pass --shard I/K"))
        };
        let parsed = (|| {
            let id = number("SLURM_ARRAY_TASK_ID", Some(id_text))?;
            let count = number("SLURM_ARRAY_TASK_COUNT", var("SLURM_ARRAY_TASK_COUNT"))?;
            let min = match var("SLURM_ARRAY_TASK_MIN") {
                Some(m) => number("SLURM_ARRAY_TASK_MIN", Some(m))?,
                None => 0,
            };
            if count < 1 {
                return Err(format!(
                    "SLURM_ARRAY_TASK_COUNT = {count}: expected at least 1 task; pass --shard I/K"
                ));
            }
            let index = id.checked_sub(min).filter(|i| (0..count).contains(i));
            let Some(index) = index else {
                return Err(format!(
                    "SLURM_ARRAY_TASK_ID {id} is outside the array ({min}..{} with {count} tasks); use a contiguous --array=0-{} or pass --shard I/K",
                    min.saturating_add(count - 1),
                    count - 1
                ));
            };
            Ok(Shard {
                index: index as usize,
                count: count as usize,
            })
        })();
        Some(parsed)
    }

    /// The runs of this shard: a contiguous range, so shards concatenate in order.
    pub fn runs(&self, total: u64) -> Range<u64> {
        let k = self.count as u64;
        let i = self.index as u64;
        (total * i / k)..(total * (i + 1) / k)
    }
}

/// What identifies a sweep's results (resume and merge check it), with the
/// manifest's tool version and base scenario hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepIdentity {
    /// SHA-256 of the sweep file.
    pub sweep_sha256: String,
    /// SHA-256 of `design.csv`.
    pub design_sha256: String,
    /// Whether time series are recorded.
    pub timeseries: bool,
}

/// Design summary in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DesignInfo {
    /// Design kind.
    pub kind: String,
    /// `samples` as written.
    pub samples: Option<usize>,
    /// Morris levels.
    pub levels: usize,
    /// Sobol second order.
    pub second_order: bool,
    /// Sobol skip.
    pub skip: u64,
    /// Design points.
    pub points: usize,
}

/// One varied parameter in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ParameterInfo {
    /// Column name.
    pub name: String,
    /// Scenario key path.
    pub path: String,
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
    /// `linear` or `log`.
    pub scale: String,
    /// Whether values are factors on the base scenario's values.
    pub relative: bool,
    /// Whether the scenario key holds an integer (values are rounded).
    #[serde(default)]
    pub integer: bool,
}

/// The sweep's part of `manifest.json` (after the core fields: tool
/// version, base scenario, seed, replications per point, generator and
/// command line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepRecord {
    /// What identifies the results (with the tool version and base scenario hash).
    pub identity: SweepIdentity,
    /// Sweep name.
    pub sweep_name: String,
    /// Sweep file path as given.
    pub sweep_path: String,
    /// Design.
    pub design: DesignInfo,
    /// Varied parameters.
    pub parameters: Vec<ParameterInfo>,
    /// Recorded outputs (columns of runs.csv after the parameters).
    pub outputs: Vec<String>,
    /// Common random numbers across points.
    pub common_random_numbers: bool,
    /// All runs of the sweep.
    pub total_runs: u64,
    /// This directory's shard.
    pub shard: Shard,
    /// First run of the shard.
    pub first_run: u64,
    /// One past the last run of the shard.
    pub end_run: u64,
    /// Whether every run of the shard is in runs.csv.
    pub complete: bool,
    /// SHA-256 of runs.csv when complete.
    pub runs_sha256: Option<String>,
}

/// `manifest.json` of a sweep (or shard) directory.
pub type SweepManifest = Manifest<SweepRecord>;

/// What differs between the results two manifests describe (None: the same
/// sweep, shard aside).
pub fn difference(a: &SweepManifest, b: &SweepManifest) -> Option<&'static str> {
    if a.extension.identity.sweep_sha256 != b.extension.identity.sweep_sha256 {
        Some("the sweep file")
    } else if a.scenario_sha256 != b.scenario_sha256 {
        Some("the base scenario")
    } else if a.overrides != b.overrides {
        Some("the --set overrides of the base scenario")
    } else if a.tool_version != b.tool_version {
        Some("the pioneer version")
    } else if a.extension.identity != b.extension.identity {
        Some("the design")
    } else {
        None
    }
}

/// Sweep run errors.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
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
    /// The output directory cannot be used.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// A design point gives an invalid scenario.
    #[error("design point {point} ({values}) gives an invalid scenario:\n{message}")]
    InvalidPoint {
        /// The point.
        point: usize,
        /// Its parameter values.
        values: String,
        /// The validation errors.
        message: String,
    },
    /// An output file is not what this sweep writes.
    #[error("{path} is damaged: {what}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// Design sampling failed.
    #[error("design: {0}")]
    Design(#[from] crate::analysis::DesignError),
    /// Drawing the grid heatmap failed.
    #[error(transparent)]
    Chart(#[from] crate::output::chart::ChartError),
}

/// A CSV error while writing or reading `path`.
pub(crate) fn csv_io<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(csv::Error) -> SweepError + 'a {
    move |e| SweepError::Io {
        action,
        path: path.to_path_buf(),
        source: e.into(),
    }
}

pub(crate) fn io<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(std::io::Error) -> SweepError + 'a {
    move |source| SweepError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// What a sweep run did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Runs of the shard.
    pub runs: Range<u64>,
    /// Runs found done when it started (resumed).
    pub resumed_from: u64,
    /// The directory.
    pub dir: PathBuf,
    /// Manifest as written at the end.
    pub manifest: SweepManifest,
    /// For a whole two-parameter grid, the mean of the first output in each cell.
    pub grid: Option<GridCells>,
}

/// The header of `design.csv`: point, parameter values, unit coordinates.
pub fn design_csv(sweep: &Sweep, design: &Design) -> Result<Vec<u8>, SweepError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["point".to_string()];
    header.extend(sweep.parameters.iter().map(|p| p.name.clone()));
    header.extend(sweep.parameters.iter().map(|p| format!("unit:{}", p.name)));
    w.write_record(&header).map_err(csv_err)?;
    for (i, (values, unit)) in design.values.iter().zip(&design.unit).enumerate() {
        let mut row = vec![i.to_string()];
        row.extend(values.iter().map(|&x| fmt_num(x)));
        row.extend(unit.iter().map(|&x| fmt_num(x)));
        w.write_record(&row).map_err(csv_err)?;
    }
    w.into_inner().map_err(|e| SweepError::Io {
        action: "writing",
        path: DESIGN_FILE.into(),
        source: e.into_error(),
    })
}

fn csv_err(e: csv::Error) -> SweepError {
    SweepError::Io {
        action: "formatting",
        path: PathBuf::from("csv"),
        source: std::io::Error::other(e.to_string()),
    }
}

/// The header of `runs.csv`.
pub fn runs_header(sweep: &Sweep) -> Vec<String> {
    let mut h: Vec<String> = ["run", "point", "replication", "seed"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    h.extend(sweep.parameters.iter().map(|p| p.name.clone()));
    h.extend(sweep.outputs.iter().map(|o| o.id.clone()));
    h
}

const TIMESERIES_HEADER: [&str; 6] = ["run", "date", "scope", "agent_kind", "metric", "value"];

/// Builds the manifest of a sweep shard.
pub fn manifest(
    sweep: &Sweep,
    design: &Design,
    design_bytes: &[u8],
    shard: Shard,
    command_line: Vec<String>,
) -> SweepManifest {
    let reps = sweep.file.sweep.replications;
    let total = design.points() as u64 * reps as u64;
    let runs = shard.runs(total);
    let d = &sweep.file.design;
    let record = SweepRecord {
        identity: SweepIdentity {
            sweep_sha256: sweep.sha256.clone(),
            design_sha256: sha256_hex(design_bytes),
            timeseries: sweep.file.record.timeseries,
        },
        sweep_name: sweep.file.sweep.name.clone(),
        sweep_path: sweep.source.clone(),
        design: DesignInfo {
            kind: d.kind.id().to_string(),
            samples: d.samples,
            levels: d.levels,
            second_order: d.second_order,
            skip: d.skip,
            points: design.points(),
        },
        parameters: sweep
            .parameters
            .iter()
            .map(|p| ParameterInfo {
                name: p.name.clone(),
                path: p.path.clone(),
                min: p.min,
                max: p.max,
                scale: format!("{:?}", p.scale).to_lowercase(),
                relative: p.relative,
                integer: p.integer,
            })
            .collect(),
        outputs: sweep.outputs.iter().map(|o| o.id.clone()).collect(),
        common_random_numbers: sweep.file.sweep.common_random_numbers,
        total_runs: total,
        shard,
        first_run: runs.start,
        end_run: runs.end,
        complete: false,
        runs_sha256: None,
    };
    let mut m =
        Manifest::new(sweep.file.sweep.seed, reps, command_line, record).with_scenario(&sweep.base);
    m.inputs = inputs(sweep).records();
    m
}

/// The input files of a sweep: the sweep file, then its base scenario's files.
pub fn inputs(sweep: &Sweep) -> crate::output::inputs::Inputs {
    let mut i = crate::output::inputs::Inputs::new();
    i.add("sweep", &sweep.source, &sweep.text);
    i.add_scenario(&sweep.base);
    i
}

/// Reads a directory's sweep manifest, if it has one.
pub fn read_manifest(dir: &Path) -> Result<Option<SweepManifest>, SweepError> {
    SweepManifest::read(dir).map_err(|e| match e {
        ManifestError::Io { path, source } => SweepError::Io {
            action: "reading",
            path,
            source,
        },
        ManifestError::Json { path, source } => SweepError::Damaged {
            path,
            what: format!("not a sweep manifest ({source})"),
        },
    })
}

/// Writes a manifest atomically.
pub fn write_manifest(dir: &Path, m: &SweepManifest) -> Result<(), SweepError> {
    let path = dir.join(MANIFEST_FILE);
    let bytes = m.to_json().map_err(|e| SweepError::Damaged {
        path: path.clone(),
        what: e.to_string(),
    })?;
    Ok(write_file_atomically(&path, &bytes)?)
}

/// Runs simulated per parallel block (rows are written once a block is done).
fn block_size() -> u64 {
    (rayon::current_num_threads() as u64 * 32).max(64)
}

/// Runs (or resumes) shard `shard` of the sweep into the directory `out`.
/// A directory holding the same sweep and shard is resumed; what else it
/// may hold is `out`'s policy (see [`OutputDir::open`]), checked before any
/// run is simulated. `progress(done, total)` is called after every block
/// with the shard's runs done so far. A complete whole sweep also gets its
/// exports and, for a two-parameter grid, its heatmap (see [`results::finish`]).
pub fn run<F>(
    sweep: &Sweep,
    design: &Design,
    out: &OutputDir,
    shard: Shard,
    command_line: Vec<String>,
    progress: F,
) -> Result<Outcome, SweepError>
where
    F: Fn(u64, u64),
{
    let design_bytes = design_csv(sweep, design)?;
    let mut m = manifest(sweep, design, &design_bytes, shard, command_line);
    let runs = m.extension.first_run..m.extension.end_run;
    let header = runs_header(sweep);

    // A new directory appears with this manifest in it: killed at any
    // point after, it holds this sweep and resumes.
    let mut open = out.open_job(
        |old: &SweepManifest| {
            let what = match difference(old, &m) {
                Some(what) => what.to_string(),
                None if old.extension.shard != shard => format!(
                    "shard {}/{} vs {}/{}",
                    old.extension.shard.index, old.extension.shard.count, shard.index, shard.count
                ),
                None => return Ok(()),
            };
            Err(format!("a different sweep ({what} differs)"))
        },
        &m,
    )?;
    let dir = open.path().to_path_buf();
    // The copies of the inputs come first, also when only the exports of a
    // finished sweep are left to write (they are the same files: the
    // resumed sweep was checked to be this one).
    for (name, bytes) in inputs(sweep).files() {
        open.write_file(&name, &bytes)?;
    }
    if let Some(old) = open.take_previous() {
        if old.extension.complete && dir.join(RUNS_FILE).exists() {
            let grid = results::finish(&dir, &old)?;
            return Ok(Outcome {
                resumed_from: runs.end - runs.start,
                runs,
                dir,
                manifest: old,
                grid,
            });
        }
    }
    open.write_file(DESIGN_FILE, &design_bytes)?;
    write_manifest(&dir, &m)?;

    let runs_path = dir.join(RUNS_FILE);
    let done = open_resumable(&runs_path, &header[..], None)?;
    let mut next = runs.start + done;
    let ts_path = dir.join(TIMESERIES_FILE);
    let timeseries = sweep.file.record.timeseries;
    let mut ts_file = if timeseries {
        open_resumable(&ts_path, &TIMESERIES_HEADER[..], Some(next))?;
        Some(csv_appender(&ts_path)?)
    } else {
        None
    };
    let mut runs_file = csv_appender(&runs_path)?;
    let resumed_from = done;
    let total = runs.end - runs.start;
    progress(done, total);

    let reps = sweep.file.sweep.replications as u64;
    let block = block_size();
    while next < runs.end {
        let end = (next + block).min(runs.end);
        let points: Vec<usize> = ((next / reps) as usize..=((end - 1) / reps) as usize).collect();
        let plans: Vec<Result<Plan, SweepError>> = points
            .par_iter()
            .map(|&p| {
                sweep
                    .scenario_at(&design.values[p])
                    .map(|s| Plan::new(&s))
                    .map_err(|e| SweepError::InvalidPoint {
                        point: p,
                        values: sweep
                            .parameters
                            .iter()
                            .zip(&design.values[p])
                            .map(|(q, x)| format!("{} = {}", q.name, fmt_num(*x)))
                            .collect::<Vec<_>>()
                            .join(", "),
                        message: e.to_string(),
                    })
            })
            .collect();
        let plans: Vec<Plan> = plans.into_iter().collect::<Result<_, _>>()?;
        let first_point = points[0];
        let results: Vec<(u64, ReplicationResult)> = (next..end)
            .into_par_iter()
            .map(|run| {
                let point = (run / reps) as usize;
                let rep = (run % reps) as u32;
                let seed = run_seed(
                    sweep.file.sweep.seed,
                    point,
                    sweep.file.sweep.common_random_numbers,
                );
                (run, run_replication(&plans[point - first_point], seed, rep))
            })
            .collect();
        // The block's time series rows are on disk before any of its runs rows.
        if let Some(w) = ts_file.as_mut() {
            for (run, r) in &results {
                let point = (*run / reps) as usize;
                timeseries_rows(w, *run, &plans[point - first_point], r)
                    .map_err(csv_io("writing", &ts_path))?;
            }
            sync(w, &ts_path)?;
        }
        for (run, r) in &results {
            let point = (*run / reps) as usize;
            let plan = &plans[point - first_point];
            let seed = run_seed(
                sweep.file.sweep.seed,
                point,
                sweep.file.sweep.common_random_numbers,
            );
            let w = &mut runs_file;
            (|| {
                w.write_field(run.to_string())?;
                w.write_field(point.to_string())?;
                w.write_field(r.replication.to_string())?;
                w.write_field(seed.to_string())?;
                for &x in &design.values[point] {
                    w.write_field(fmt_num(x))?;
                }
                for o in &sweep.outputs {
                    w.write_field(fmt_num(o.value(plan, r)))?;
                }
                w.write_record(None::<&[u8]>)
            })()
            .map_err(csv_io("writing", &runs_path))?;
        }
        sync(&mut runs_file, &runs_path)?;
        next = end;
        progress(next - runs.start, total);
    }
    drop(runs_file);
    m.extension.complete = true;
    m.extension.runs_sha256 = Some(file_sha256(&runs_path)?);
    write_manifest(&dir, &m)?;
    let grid = results::finish(&dir, &m)?;
    Ok(Outcome {
        runs,
        resumed_from,
        dir,
        manifest: m,
        grid,
    })
}

/// A CSV writer appending to `path`.
fn csv_appender(path: &Path) -> Result<csv::Writer<File>, SweepError> {
    Ok(csv::WriterBuilder::new()
        .buffer_capacity(1 << 16)
        .from_writer(append(path)?))
}

/// Flushes a CSV writer and syncs its file to disk.
fn sync(w: &mut csv::Writer<File>, path: &Path) -> Result<(), SweepError> {
    w.flush().map_err(io("writing", path))?;
    w.get_ref().sync_data().map_err(io("syncing", path))
}

fn append(path: &Path) -> Result<File, SweepError> {
    OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(io("opening", path))
}

/// Makes `path` a CSV file starting with the record `header` and holding
/// only complete records (a partial last record, left by a killed process,
/// is cut off). With `keep_runs_below`, records whose first field (the run)
/// is at or past it are cut off too. Returns the number of data records kept.
///
/// A record is complete when it ends with a line break and has the
/// header's number of fields (every record ends with a number, so a record
/// cut inside a quoted field has fewer).
fn open_resumable<H: AsRef<[u8]>>(
    path: &Path,
    header: &[H],
    keep_runs_below: Option<u64>,
) -> Result<u64, SweepError> {
    if !path.exists() {
        let mut w = csv::Writer::from_writer(File::create(path).map_err(io("creating", path))?);
        w.write_record(header).map_err(csv_io("writing", path))?;
        sync(&mut w, path)?;
        return Ok(0);
    }
    let len = fs::metadata(path).map_err(io("reading", path))?.len();
    let ends_with_newline = len > 0 && {
        let mut f = File::open(path).map_err(io("opening", path))?;
        let mut last = [0u8];
        f.seek(SeekFrom::Start(len - 1))
            .and_then(|_| f.read_exact(&mut last))
            .map_err(io("reading", path))?;
        last[0] == b'\n'
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::new(
            File::open(path).map_err(io("opening", path))?,
        ));
    let mut record = csv::ByteRecord::new();
    let mut keep: u64 = 0;
    let mut rows = 0;
    let mut first = true;
    while reader
        .read_byte_record(&mut record)
        .map_err(csv_io("reading", path))?
    {
        let end = reader.position().byte();
        let terminated = end < len || ends_with_newline;
        if !terminated {
            break;
        }
        if first {
            let expected: Vec<&[u8]> = header.iter().map(|h| h.as_ref()).collect();
            if record.iter().collect::<Vec<_>>() != expected {
                return Err(SweepError::Damaged {
                    path: path.to_path_buf(),
                    what: format!(
                        "its header is not `{}`",
                        expected
                            .iter()
                            .map(|h| String::from_utf8_lossy(h))
                            .collect::<Vec<_>>()
                            .join(",")
                    ),
                });
            }
            first = false;
        } else {
            if record.len() != header.len() {
                break;
            }
            if let Some(limit) = keep_runs_below {
                let run: u64 = std::str::from_utf8(&record[0])
                    .ok()
                    .and_then(|f| f.parse().ok())
                    .unwrap_or(u64::MAX);
                if run >= limit {
                    break;
                }
            }
            rows += 1;
        }
        keep = end;
    }
    drop(reader);
    if first {
        // Not even a complete header: start the file again.
        fs::remove_file(path).map_err(io("removing", path))?;
        return open_resumable(path, header, keep_runs_below);
    }
    let f = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io("opening", path))?;
    f.set_len(keep).map_err(io("truncating", path))?;
    f.sync_data().map_err(io("syncing", path))?;
    Ok(rows)
}

fn timeseries_rows(
    w: &mut csv::Writer<File>,
    run: u64,
    plan: &Plan,
    r: &ReplicationResult,
) -> Result<(), csv::Error> {
    let layout = &plan.series;
    let ns = layout.len();
    let every = plan.raw().record.timeseries_every;
    let run = run.to_string();
    for p in 0..plan.periods {
        let date = iso(plan.calendar.period_start(p, every));
        for (s, def) in layout.defs.iter().enumerate() {
            w.write_record([
                run.as_str(),
                date.as_str(),
                layout.scope_name(def),
                def.kind.map_or("all", |k| k.id()),
                def.metric.id(),
                &fmt_num(r.series[p * ns + s]),
            ])?;
        }
    }
    Ok(())
}

/// SHA-256 of a file, read in chunks.
pub fn file_sha256(path: &Path) -> Result<String, SweepError> {
    use sha2::{Digest, Sha256};
    let mut f = File::open(path).map_err(io("opening", path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(io("reading", path))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    let _ = f.seek(SeekFrom::Start(0));
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_runs_in_order() {
        for total in [0u64, 1, 7, 100, 1001] {
            for k in 1..9 {
                let mut next = 0;
                for i in 0..k {
                    let r = Shard { index: i, count: k }.runs(total);
                    assert_eq!(r.start, next);
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
    }

    #[test]
    fn shard_arguments_and_slurm_variables() {
        assert_eq!(Shard::parse("2/5"), Ok(Shard { index: 2, count: 5 }));
        assert!(Shard::parse("5/5").unwrap_err().contains("0 ≤ I < K"));
        assert!(Shard::parse("x").is_err());
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Shard::from_slurm(env(&[])), None);
        assert_eq!(
            Shard::from_slurm(env(&[
                ("SLURM_ARRAY_TASK_ID", "4"),
                ("SLURM_ARRAY_TASK_COUNT", "8")
            ])),
            Some(Ok(Shard { index: 4, count: 8 }))
        );
        assert_eq!(
            Shard::from_slurm(env(&[
                ("SLURM_ARRAY_TASK_ID", "3"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "4")
            ])),
            Some(Ok(Shard { index: 2, count: 4 }))
        );
        assert!(matches!(
            Shard::from_slurm(env(&[
                ("SLURM_ARRAY_TASK_ID", "9"),
                ("SLURM_ARRAY_TASK_COUNT", "4")
            ])),
            Some(Err(_))
        ));
    }

    #[test]
    fn resumable_files_lose_partial_lines_and_later_runs() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.csv");
        let h = ["run", "v"];
        fs::write(&p, "run,v\n0,a\n1,b\n2,c\n3,partial").unwrap();
        assert_eq!(open_resumable(&p, &h[..], None).unwrap(), 3);
        assert_eq!(fs::read_to_string(&p).unwrap(), "run,v\n0,a\n1,b\n2,c\n");
        assert_eq!(open_resumable(&p, &h[..], Some(2)).unwrap(), 2);
        assert_eq!(fs::read_to_string(&p).unwrap(), "run,v\n0,a\n1,b\n");
        // A record cut after its line break but short of fields goes too.
        fs::write(&p, "run,v\n0,a\n1\n").unwrap();
        assert_eq!(open_resumable(&p, &h[..], None).unwrap(), 1);
        assert_eq!(fs::read_to_string(&p).unwrap(), "run,v\n0,a\n");
        fs::write(&p, "ru").unwrap();
        assert_eq!(open_resumable(&p, &h[..], None).unwrap(), 0);
        assert_eq!(fs::read_to_string(&p).unwrap(), "run,v\n");
        fs::write(&p, "other,header\n").unwrap();
        assert!(matches!(
            open_resumable(&p, &h[..], None),
            Err(SweepError::Damaged { .. })
        ));
        // Names with commas and quotes are quoted, and read back as written.
        let q = dir.path().join("q.csv");
        let hq = ["run", "a, \"b\""];
        assert_eq!(open_resumable(&q, &hq[..], None).unwrap(), 0);
        assert_eq!(fs::read_to_string(&q).unwrap(), "run,\"a, \"\"b\"\"\"\n");
        fs::write(&q, "run,\"a, \"\"b\"\"\"\n0,1\n1,\"2").unwrap();
        assert_eq!(open_resumable(&q, &hq[..], None).unwrap(), 1);
        assert_eq!(
            fs::read_to_string(&q).unwrap(),
            "run,\"a, \"\"b\"\"\"\n0,1\n"
        );
    }
}
