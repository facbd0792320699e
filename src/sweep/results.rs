//! Reading a finished sweep directory back: per-point means of the outputs,
//! exports in the layouts SALib and the EMA Workbench read, and Sobol and
//! Morris sensitivity indices. Everything streams `runs.csv` once, so memory
//! grows with design points, not runs.
//!
//! Exports (written into the sweep directory):
//! - `salib/params.txt`: SALib's parameter file (`name lower upper group
//!   dist` per line, see [`salib_params`]); `salib/X.txt`: the design, one
//!   point per row, space-separated, in design order; `salib/Y.txt`: per
//!   point the mean over replications of every output (one column per
//!   output, named in a `#` header line that `numpy.loadtxt` skips).
//!   `salib sample`/`salib analyze` and SALib's Python API
//!   (`sobol.analyze(problem, Y[:, j])`) read them as they are.
//! - `ema/results.tar.gz`: the archive `ema_workbench.load_results` opens
//!   (one experiment row per run, `scenario` = design point; see `super::ema`).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::runner::{csv_io, io, Shard, SweepError, SweepManifest, DESIGN_FILE, RUNS_FILE};
use crate::analysis::{morris, sobol, AnalysisError};
use crate::engine::rng::{stream, Purpose, PROGRAMME};
use crate::output::export::fmt_num;
use crate::output::target::write_file_atomically;

fn damaged(path: &Path, what: String) -> SweepError {
    SweepError::Damaged {
        path: path.to_path_buf(),
        what,
    }
}

/// A CSV reader of `path` (a sweep file: header first).
fn csv_reader(path: &Path) -> Result<csv::Reader<BufReader<File>>, SweepError> {
    let file = File::open(path).map_err(io("opening", path))?;
    Ok(csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(BufReader::new(file)))
}

/// Line number of a record, for messages.
fn line(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

/// Streams `runs.csv`, calling `row(run, point, record)` for each data row.
pub(crate) fn for_each_run<F>(dir: &Path, m: &SweepManifest, mut row: F) -> Result<(), SweepError>
where
    F: FnMut(u64, usize, &csv::StringRecord) -> Result<(), SweepError>,
{
    let path = dir.join(RUNS_FILE);
    let s = &m.extension;
    let mut reader = csv_reader(&path)?;
    let width = 4 + s.parameters.len() + s.outputs.len();
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(csv_io("reading", &path))?
    {
        let n = line(&record);
        if record.len() != width {
            return Err(damaged(
                &path,
                format!("line {n} has {} fields, expected {width}", record.len()),
            ));
        }
        let run: u64 = record[0]
            .parse()
            .map_err(|_| damaged(&path, format!("line {n}: run `{}`", &record[0])))?;
        let point: usize = record[1]
            .parse()
            .map_err(|_| damaged(&path, format!("line {n}: point `{}`", &record[1])))?;
        if point >= s.design.points {
            return Err(damaged(
                &path,
                format!("line {n}: point {point} is outside the design"),
            ));
        }
        row(run, point, &record)?;
    }
    Ok(())
}

/// Per design point, the mean over its replications of every output
/// (`points × outputs`). Fails if a point has no runs (an unfinished shard).
pub fn point_means(dir: &Path, m: &SweepManifest) -> Result<Vec<Vec<f64>>, SweepError> {
    let s = &m.extension;
    let k = s.parameters.len();
    let no = s.outputs.len();
    let mut sums = vec![vec![0.0; no]; s.design.points];
    let mut counts = vec![0u32; s.design.points];
    let path = dir.join(RUNS_FILE);
    for_each_run(dir, m, |_, point, fields| {
        for (j, f) in fields.iter().skip(4 + k).enumerate() {
            let x: f64 = f
                .parse()
                .map_err(|_| damaged(&path, format!("output `{}` is `{f}`", s.outputs[j])))?;
            sums[point][j] += x;
        }
        counts[point] += 1;
        Ok(())
    })?;
    if let Some(p) = counts.iter().position(|&c| c == 0) {
        return Err(damaged(
            &path,
            format!("design point {p} has no runs; is this a shard? merge the shards first"),
        ));
    }
    for (s, &c) in sums.iter_mut().zip(&counts) {
        for x in s.iter_mut() {
            *x /= c as f64;
        }
    }
    Ok(sums)
}

/// The rows of `design.csv` (point, parameter values, unit coordinates), checked for width.
pub(crate) fn design_rows(
    dir: &Path,
    m: &SweepManifest,
) -> Result<Vec<csv::StringRecord>, SweepError> {
    let path = dir.join(DESIGN_FILE);
    let k = m.extension.parameters.len();
    let mut rows = Vec::new();
    for record in csv_reader(&path)?.into_records() {
        let record = record.map_err(csv_io("reading", &path))?;
        if record.len() != 1 + 2 * k {
            return Err(damaged(
                &path,
                format!(
                    "line {} has {} fields, expected {}",
                    line(&record),
                    record.len(),
                    1 + 2 * k
                ),
            ));
        }
        rows.push(record);
    }
    Ok(rows)
}

/// The unit-cube design from `design.csv` (`points × parameters`).
pub fn unit_design(dir: &Path, m: &SweepManifest) -> Result<Vec<Vec<f64>>, SweepError> {
    let path = dir.join(DESIGN_FILE);
    let k = m.extension.parameters.len();
    design_rows(dir, m)?
        .iter()
        .map(|row| {
            row.iter()
                .skip(1 + k)
                .map(|x| {
                    x.parse()
                        .map_err(|_| damaged(&path, format!("`{x}` is not a number")))
                })
                .collect()
        })
        .collect()
}

/// The design's parameter values from `design.csv` (`points × parameters`).
pub fn design_values(dir: &Path, m: &SweepManifest) -> Result<Vec<Vec<f64>>, SweepError> {
    let path = dir.join(DESIGN_FILE);
    let k = m.extension.parameters.len();
    design_rows(dir, m)?
        .iter()
        .map(|row| {
            row.iter()
                .skip(1)
                .take(k)
                .map(|x| {
                    x.parse()
                        .map_err(|_| damaged(&path, format!("`{x}` is not a number")))
                })
                .collect()
        })
        .collect()
}

/// A file name stem per output id (`crate::util::names::file_stem`),
/// distinct even when two ids make the same stem (`-2`, `-3`, … added).
pub fn output_stems(outputs: &[String]) -> Vec<String> {
    let mut stems: Vec<String> = Vec::with_capacity(outputs.len());
    for o in outputs {
        let stem = crate::util::names::file_stem(o);
        let mut name = stem.clone();
        let mut n = 2;
        while stems.contains(&name) {
            name = format!("{stem}-{n}");
            n += 1;
        }
        stems.push(name);
    }
    stems
}

fn write_text(path: &Path, text: &str) -> Result<(), SweepError> {
    Ok(write_file_atomically(path, text.as_bytes())?)
}

/// SALib's parameter file (`SALib.util.read_param_file`): one line per
/// parameter, `name lower upper group dist`, space-separated. The group is
/// `NA` (SALib: the parameter is its own group); the distribution is `unif`
/// for a linear parameter and `logunif` for a log-scale one, so SALib's
/// samplers draw each parameter as the sweep did (uniform in the value, or
/// in its logarithm: SALib's `logunif` is `scipy.stats.loguniform`, the
/// same quantile function as `Parameter::from_unit`). A name holding a
/// space or a quote is written in double quotes (quotes doubled), which
/// `read_param_file`'s CSV dialect sniffer reads back.
pub fn salib_params(m: &SweepManifest) -> String {
    let mut params = String::new();
    for p in &m.extension.parameters {
        let name = if p.name.contains([' ', '"', '\t', '\'']) {
            format!("\"{}\"", p.name.replace('"', "\"\""))
        } else {
            p.name.clone()
        };
        params.push_str(&format!(
            "{name} {} {} NA {}\n",
            fmt_num(p.min),
            fmt_num(p.max),
            if p.scale == "log" { "logunif" } else { "unif" }
        ));
    }
    params
}

/// Writes `salib/` and `ema/` exports of a complete sweep directory.
pub fn export(dir: &Path, m: &SweepManifest) -> Result<(), SweepError> {
    let means = point_means(dir, m)?;
    let s = &m.extension;
    let k = s.parameters.len();
    write_text(&dir.join("salib/params.txt"), &salib_params(m))?;
    let mut x = String::new();
    for row in design_rows(dir, m)? {
        x.push_str(&row.iter().skip(1).take(k).collect::<Vec<_>>().join(" "));
        x.push('\n');
    }
    write_text(&dir.join("salib/X.txt"), &x)?;
    let mut y = format!("# {}\n", s.outputs.join(" "));
    for row in &means {
        y.push_str(
            &row.iter()
                .map(|&v| fmt_num(v))
                .collect::<Vec<_>>()
                .join(" "),
        );
        y.push('\n');
    }
    write_text(&dir.join("salib/Y.txt"), &y)?;

    super::ema::write_archive(dir, m)
}

/// Finishes a complete whole sweep directory: the `salib/` and `ema/`
/// exports, the charts (for a grid of two or more parameters one
/// `grid_heatmap_<output>.svg`/`.png` per output, otherwise one
/// `sweep_scatter_<output>.svg`/`.png` per output) and `report.html`. For
/// a grid, returns the cells of the first output. Shards get nothing
/// (merge them first).
pub fn finish(dir: &Path, m: &SweepManifest) -> Result<Option<GridCells>, SweepError> {
    if m.extension.shard != Shard::WHOLE {
        return Ok(None);
    }
    export(dir, m)?;
    let charts = super::report::sweep_charts(dir, m)?;
    for c in &charts {
        write_file_atomically(&dir.join(format!("{}.svg", c.stem)), c.chart.svg.as_bytes())?;
        write_file_atomically(&dir.join(format!("{}.png", c.stem)), &c.chart.png)?;
    }
    super::report::write_report(dir, m, &charts)?;
    grid_cells(dir, m, 0)
}

/// Sobol indices of one output for one parameter.
#[derive(Debug, Clone, Serialize)]
pub struct SobolRow {
    /// Output id.
    pub output: String,
    /// Parameter name.
    pub parameter: String,
    /// First-order index.
    pub s1: f64,
    /// Its confidence half-width.
    pub s1_conf: f64,
    /// Total-order index.
    pub st: f64,
    /// Its confidence half-width.
    pub st_conf: f64,
}

/// The second-order Sobol index of one output for one pair of parameters
/// (i before j in the sweep file's order).
#[derive(Debug, Clone, Serialize)]
pub struct SobolS2Row {
    /// Output id.
    pub output: String,
    /// First parameter of the pair.
    pub parameter_i: String,
    /// Second parameter of the pair.
    pub parameter_j: String,
    /// Second-order index S_ij.
    #[serde(rename = "S2")]
    pub s2: f64,
    /// Its confidence half-width.
    #[serde(rename = "S2_conf")]
    pub s2_conf: f64,
}

/// Sobol indices of the chosen outputs: first and total order per
/// parameter, and second order per pair when the design sampled it.
#[derive(Debug, Clone, Default)]
pub struct SobolAnalysis {
    /// First- and total-order indices, per output then parameter.
    pub first_total: Vec<SobolRow>,
    /// Second-order indices, per output then pair (i < j); empty unless the
    /// design has `second_order = true`.
    pub second: Vec<SobolS2Row>,
}

/// Morris statistics of one output for one parameter.
#[derive(Debug, Clone, Serialize)]
pub struct MorrisRow {
    /// Output id.
    pub output: String,
    /// Parameter name.
    pub parameter: String,
    /// Mean elementary effect (per unit of the normalised range).
    pub mu: f64,
    /// Mean absolute elementary effect.
    pub mu_star: f64,
    /// Standard deviation of the elementary effects.
    pub sigma: f64,
    /// Confidence half-width of μ*.
    pub mu_star_conf: f64,
}

/// Most bootstrap resamples of a sensitivity analysis. Unit: resamples.
/// Why: confidence half-widths settle within a few hundred resamples
/// (SALib's default is 100); the Sobol estimator holds one index per base
/// sample per resample (8 bytes each: 80 MB at 10,000 base samples here).
/// Protects: memory (`--bootstrap 10^12` failed to allocate) and time.
pub const MAX_BOOTSTRAP: usize = 1_000;

/// Settings of an analysis.
#[derive(Debug, Clone, Copy)]
pub struct AnalysisSettings {
    /// Bootstrap resamples for confidence intervals.
    pub bootstrap: usize,
    /// Confidence level.
    pub confidence: f64,
    /// Seed of the bootstrap.
    pub seed: u64,
}

pub(crate) fn output_indices(m: &SweepManifest, wanted: &[String]) -> Result<Vec<usize>, String> {
    let m = &m.extension;
    if wanted.is_empty() {
        return Ok((0..m.outputs.len()).collect());
    }
    wanted
        .iter()
        .map(|w| {
            m.outputs.iter().position(|o| o == w).ok_or_else(|| {
                format!(
                    "output `{w}` is not recorded in this sweep; {}",
                    crate::scenario::error::did_you_mean(w, m.outputs.iter().map(String::as_str))
                )
            })
        })
        .collect()
}

/// The outputs an analysis covers: those asked for, or every recorded one.
pub fn analysed_outputs(m: &SweepManifest, wanted: &[String]) -> Result<Vec<String>, String> {
    Ok(output_indices(m, wanted)?
        .into_iter()
        .map(|j| m.extension.outputs[j].clone())
        .collect())
}

/// What one `pioneer analyze` did, written beside its results as
/// `sensitivity_METHOD_settings.json` so the numbers can be reproduced.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct AnalysisRecord {
    /// `sobol` or `morris`.
    pub method: String,
    /// The outputs analysed.
    pub outputs: Vec<String>,
    /// Bootstrap resamples of the confidence intervals.
    pub bootstrap: usize,
    /// Confidence level of the intervals.
    pub confidence_level: f64,
    /// Seed of the bootstrap.
    pub seed: u64,
    /// The sweep's design (kind, size, levels, second order, points).
    pub design: super::runner::DesignInfo,
    /// The pioneer version that analysed it.
    pub tool_version: String,
    /// Git commit that `pioneer` was built from, as the manifest has it
    /// (null when built outside a git checkout).
    #[serde(default)]
    pub tool_git_commit: Option<String>,
    /// Whether tracked files differed from that commit at build time (null when unknown).
    #[serde(default)]
    pub tool_git_dirty: Option<bool>,
    /// The files the analysis wrote (names in the sweep directory), this record last.
    pub files: Vec<String>,
}

impl AnalysisRecord {
    /// The record of an analysis by `method` with settings `s` of `outputs`.
    pub fn new(
        method: &str,
        m: &SweepManifest,
        outputs: Vec<String>,
        s: &AnalysisSettings,
    ) -> Self {
        AnalysisRecord {
            method: method.to_string(),
            outputs,
            bootstrap: s.bootstrap,
            confidence_level: s.confidence,
            seed: s.seed,
            design: m.extension.design.clone(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            tool_git_commit: crate::output::manifest::build_commit().map(str::to_string),
            tool_git_dirty: crate::output::manifest::build_dirty(),
            files: Vec::new(),
        }
    }

    /// The record's own file name for `method`.
    pub fn file_name(method: &str) -> String {
        format!("sensitivity_{method}_settings.json")
    }
}

fn column(means: &[Vec<f64>], j: usize) -> Vec<f64> {
    means.iter().map(|r| r[j]).collect()
}

impl AnalysisSettings {
    /// Checks the sizes and the level before anything is computed.
    pub fn check(&self) -> Result<(), String> {
        if self.bootstrap == 0 || self.bootstrap > MAX_BOOTSTRAP {
            return Err(format!(
                "expected at least 1 and at most MAX_BOOTSTRAP = {MAX_BOOTSTRAP} bootstrap resamples, found {}",
                self.bootstrap
            ));
        }
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err(format!(
                "expected a confidence level between 0 and 1, found {}",
                self.confidence
            ));
        }
        Ok(())
    }
}

pub(crate) fn bootstrap_rng(s: &AnalysisSettings, output: usize) -> ChaCha8Rng {
    stream(s.seed, output as u64, PROGRAMME, Purpose::Sweep)
}

/// Sobol first- and total-order indices of the chosen outputs (all when
/// `outputs` is empty) from a Saltelli design, and second-order indices
/// when the design sampled them.
pub fn analyze_sobol(
    dir: &Path,
    m: &SweepManifest,
    outputs: &[String],
    s: &AnalysisSettings,
) -> Result<SobolAnalysis, String> {
    s.check()?;
    let ms = &m.extension;
    if ms.design.kind != "sobol" {
        return Err(format!(
            "Sobol indices need a `sobol` design; this sweep's design is `{}`\n  hint: use --method morris for a morris design, or run a sweep with kind = \"sobol\"",
            ms.design.kind
        ));
    }
    let means = point_means(dir, m).map_err(|e| e.to_string())?;
    let k = ms.parameters.len();
    let mut out = SobolAnalysis::default();
    for j in output_indices(m, outputs)? {
        let y = column(&means, j);
        let ix = match sobol::analyze(
            k,
            &y,
            ms.design.second_order,
            s.bootstrap,
            s.confidence,
            &mut bootstrap_rng(s, j),
        ) {
            Ok(ix) => ix,
            // A constant output has no variance to apportion: its indices are undefined (NaN).
            Err(AnalysisError::ZeroVariance) => {
                let nan = vec![f64::NAN; k];
                sobol::SobolIndices {
                    s1: nan.clone(),
                    s1_conf: nan.clone(),
                    st: nan.clone(),
                    st_conf: nan,
                    s2: None,
                    s2_conf: None,
                }
            }
            Err(e) => return Err(format!("output `{}`: {e}", ms.outputs[j])),
        };
        for (i, p) in ms.parameters.iter().enumerate() {
            out.first_total.push(SobolRow {
                output: ms.outputs[j].clone(),
                parameter: p.name.clone(),
                s1: ix.s1[i],
                s1_conf: ix.s1_conf[i],
                st: ix.st[i],
                st_conf: ix.st_conf[i],
            });
        }
        if ms.design.second_order {
            // Undefined (NaN) for a constant output, as its other indices.
            let at = |m: &Option<Vec<Vec<f64>>>, a: usize, b: usize| {
                m.as_ref().map_or(f64::NAN, |m| m[a][b])
            };
            for a in 0..k {
                for b in a + 1..k {
                    out.second.push(SobolS2Row {
                        output: ms.outputs[j].clone(),
                        parameter_i: ms.parameters[a].name.clone(),
                        parameter_j: ms.parameters[b].name.clone(),
                        s2: at(&ix.s2, a, b),
                        s2_conf: at(&ix.s2_conf, a, b),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Morris μ, μ*, σ of the chosen outputs from a Morris design.
pub fn analyze_morris(
    dir: &Path,
    m: &SweepManifest,
    outputs: &[String],
    s: &AnalysisSettings,
) -> Result<Vec<MorrisRow>, String> {
    s.check()?;
    let ms = &m.extension;
    if ms.design.kind != "morris" {
        return Err(format!(
            "Morris statistics need a `morris` design; this sweep's design is `{}`\n  hint: use --method sobol for a sobol design, or run a sweep with kind = \"morris\"",
            ms.design.kind
        ));
    }
    let means = point_means(dir, m).map_err(|e| e.to_string())?;
    let x = unit_design(dir, m).map_err(|e| e.to_string())?;
    let k = ms.parameters.len();
    let mut rows = Vec::new();
    for j in output_indices(m, outputs)? {
        let y = column(&means, j);
        let ix = morris::analyze(
            &x,
            &y,
            k,
            s.bootstrap,
            s.confidence,
            &mut bootstrap_rng(s, j),
        )
        .map_err(|e| format!("output `{}`: {e}", ms.outputs[j]))?;
        for (i, p) in ms.parameters.iter().enumerate() {
            rows.push(MorrisRow {
                output: ms.outputs[j].clone(),
                parameter: p.name.clone(),
                mu: ix.mu[i],
                mu_star: ix.mu_star[i],
                sigma: ix.sigma[i],
                mu_star_conf: ix.mu_star_conf[i],
            });
        }
    }
    Ok(rows)
}

/// Rows as CSV bytes.
pub fn rows_csv<T: Serialize>(rows: &[T]) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// The cells of a grid: the first parameter's values (rows), the
/// second's (columns) and the mean of one output in each cell: over the
/// replications and, with more than two parameters, over the other
/// parameters' values (every combination, as the grid is full factorial).
#[derive(Debug, Clone)]
pub struct GridCells {
    /// Output id.
    pub output: String,
    /// Row parameter name and its values.
    pub row_name: String,
    /// Row values as written in design.csv.
    pub rows: Vec<String>,
    /// Column parameter name.
    pub col_name: String,
    /// Column values.
    pub cols: Vec<String>,
    /// `values[row][col]`: mean over replications (and the other parameters).
    pub values: Vec<Vec<f64>>,
    /// Replications per design point.
    pub replications: u32,
    /// The parameters averaged over (beyond the first two), in order.
    pub others: Vec<String>,
}

/// The grid cells of output `j` for a grid of two or more parameters; None
/// for other designs.
pub fn grid_cells(
    dir: &Path,
    m: &SweepManifest,
    j: usize,
) -> Result<Option<GridCells>, SweepError> {
    if j >= m.extension.outputs.len() {
        return Ok(None);
    }
    let means = point_means(dir, m)?;
    Ok(grid_cells_all(dir, m, &means)?.map(|mut all| all.swap_remove(j)))
}

/// The grid cells of every output from the per-point `means`, for a grid
/// of two or more parameters; None for other designs.
pub fn grid_cells_all(
    dir: &Path,
    m: &SweepManifest,
    means: &[Vec<f64>],
) -> Result<Option<Vec<GridCells>>, SweepError> {
    let ms = &m.extension;
    if ms.design.kind != "grid" || ms.parameters.len() < 2 {
        return Ok(None);
    }
    let cells: Vec<(String, String)> = design_rows(dir, m)?
        .iter()
        .map(|row| (row[1].to_string(), row[2].to_string()))
        .collect();
    let mut rows: Vec<String> = Vec::new();
    let mut cols: Vec<String> = Vec::new();
    for (r, c) in &cells {
        if !rows.contains(r) {
            rows.push(r.clone());
        }
        if !cols.contains(c) {
            cols.push(c.clone());
        }
    }
    // The design points of each cell.
    let mut members = vec![vec![Vec::new(); cols.len()]; rows.len()];
    for (p, (r, c)) in cells.iter().enumerate() {
        let i = rows.iter().position(|x| x == r).unwrap_or(0);
        let k = cols.iter().position(|x| x == c).unwrap_or(0);
        members[i][k].push(p);
    }
    Ok(Some(
        ms.outputs
            .iter()
            .enumerate()
            .map(|(j, output)| GridCells {
                output: output.clone(),
                row_name: ms.parameters[0].name.clone(),
                rows: rows.clone(),
                col_name: ms.parameters[1].name.clone(),
                cols: cols.clone(),
                values: members
                    .iter()
                    .map(|row| {
                        row.iter()
                            .map(|points| {
                                if points.is_empty() {
                                    f64::NAN
                                } else {
                                    points.iter().map(|&p| means[p][j]).sum::<f64>()
                                        / points.len() as f64
                                }
                            })
                            .collect()
                    })
                    .collect(),
                replications: m.replications,
                others: ms.parameters[2..].iter().map(|p| p.name.clone()).collect(),
            })
            .collect(),
    ))
}

impl GridCells {
    /// What each cell is the mean over.
    fn over(&self) -> String {
        if self.others.is_empty() {
            format!("{} replications", self.replications)
        } else {
            format!(
                "{} and {} replications",
                self.others.join(", "),
                self.replications
            )
        }
    }

    /// The cells as a text table.
    pub fn table(&self) -> String {
        let mut t = format!(
            "Mean {} over {} (rows: {}; columns: {})\n\n{:>24}",
            self.output,
            self.over(),
            self.row_name,
            self.col_name,
            ""
        );
        for c in &self.cols {
            t.push_str(&format!(" {c:>10}"));
        }
        t.push('\n');
        for (r, vals) in self.rows.iter().zip(&self.values) {
            t.push_str(&format!("{r:>24}"));
            for v in vals {
                t.push_str(&format!(" {v:>10.1}"));
            }
            t.push('\n');
        }
        t
    }

    /// The cells as a heatmap chart with a colour bar in the output's unit
    /// (none without the `charts` feature).
    pub fn heatmap(
        &self,
    ) -> Result<Option<crate::output::chart::Chart>, crate::output::chart::ChartError> {
        #[cfg(feature = "charts")]
        {
            let (_, unit) = super::outputs::describe(&self.output);
            let title = if self.others.is_empty() {
                format!(
                    "Mean {} ({} replications per cell)",
                    self.output, self.replications
                )
            } else {
                format!("Mean {} over {}", self.output, self.over())
            };
            crate::output::charts::grid_heatmap_with_bar(
                &title,
                &self.col_name,
                &self.row_name,
                self.cols.clone(),
                self.rows.clone(),
                self.values.clone(),
                &super::report::with_unit(&self.output, unit),
            )
            .map(Some)
        }
        #[cfg(not(feature = "charts"))]
        Ok(None)
    }
}
