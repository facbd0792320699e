//! The standard output directory of `pioneer run` (data, charts, report and
//! manifest, atomically), written as an ensemble streams
//! ([`RunWriter`]), and what an ensemble's in-memory [`Runs`] can do with
//! themselves (summarise, write) through the same writer.
//!
//! Memory is bounded independently of the number of replications:
//! - rows per replication go to their files as each block of replications
//!   arrives, in replication order (`export::RecordWriters`);
//! - dates and counts are summarised by exact counts per value
//!   (`summary::SummaryAccumulator`, `chart::ChartAccumulator`);
//! - continuous values whose statistics need the sorted sample (the
//!   quantile time series and its means, the engagement, effort and spend
//!   bands of the charts, spend per financial year) are spilled, one column
//!   per value, to an unlinked temporary file ([`ColumnSpill`]), and read
//!   back a few columns at a time once every replication is in: each column
//!   is sorted whole, so every number is the one sorting all values in
//!   memory gives, at any block size and thread count.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::chart::{day, run_charts, Band, ChartAccumulator, RunChartData};
use super::export::{
    memberships_csv, summary_json, ExportError, Hashed, RecordWriters, RECORD_FILES,
};
use super::manifest::{Manifest, NoExtension, MANIFEST_FILE};
use super::report::report_html;
use super::summary::{
    financial_year_spend, financial_years, SpendStat, Summary, SummaryAccumulator,
};
use super::target::{OutputDir, Policy, TargetError};
use crate::engine::ensemble::{Ensemble, Runs, StreamStats};
use crate::engine::plan::Plan;
use crate::model::calendar::Period;
use crate::model::recording::TimeseriesMode;
use crate::observe::{Metric, ReplicationResult, SpendCategory};
use crate::util::hash::sha256_hex;
use crate::util::stats::{mean, quantile_sorted};

/// Why writing a run's outputs failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Building the files failed.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The directory was refused or could not be written.
    #[error(transparent)]
    Target(#[from] TargetError),
}

/// Bytes of spilled column values read back at once when the run is
/// complete (8 bytes per replication per column): the final pass holds
/// `max(1, SPILL_PASS_BYTES / (8 × replications))` whole columns, so it
/// stays at this size up to 524,288 replications and at one column (8
/// bytes per replication) beyond.
pub const SPILL_PASS_BYTES: usize = 4 << 20;

/// Columns of continuous values, one value per replication, spilled block
/// by block (column-major within a block) to `S` and read back sorted.
pub struct ColumnSpill<S: Write> {
    out: BufWriter<S>,
    width: usize,
    /// Offset and number of replications of every block (16 bytes per block).
    blocks: Vec<(u64, usize)>,
    offset: u64,
}

impl<S: Read + Write + Seek> ColumnSpill<S> {
    /// An empty spill of `width` columns into `store`.
    pub fn new(store: S, width: usize) -> ColumnSpill<S> {
        ColumnSpill {
            out: BufWriter::with_capacity(1 << 16, store),
            width,
            blocks: Vec::new(),
            offset: 0,
        }
    }

    /// Appends a block of `rows` replications; `value(r, c)` is column `c`
    /// of the block's replication `r`.
    pub fn push(
        &mut self,
        rows: usize,
        value: impl Fn(usize, usize) -> f64,
    ) -> std::io::Result<()> {
        if rows == 0 {
            return Ok(());
        }
        for c in 0..self.width {
            for r in 0..rows {
                self.out.write_all(&value(r, c).to_le_bytes())?;
            }
        }
        self.blocks.push((self.offset, rows));
        self.offset += (rows * self.width * 8) as u64;
        Ok(())
    }

    /// Calls `f(column, sorted)` for every column in order, with the
    /// column's values across all replications sorted ascending
    /// (`f64::total_cmp`).
    pub fn for_each_sorted<E>(self, f: impl FnMut(usize, &[f64]) -> Result<(), E>) -> Result<(), E>
    where
        E: From<std::io::Error>,
    {
        self.sorted_in_passes(SPILL_PASS_BYTES, f)
    }

    /// `for_each_sorted`, reading back about `pass_bytes` at a time.
    fn sorted_in_passes<E>(
        self,
        pass_bytes: usize,
        mut f: impl FnMut(usize, &[f64]) -> Result<(), E>,
    ) -> Result<(), E>
    where
        E: From<std::io::Error>,
    {
        let n: usize = self.blocks.iter().map(|b| b.1).sum();
        let mut store = self.out.into_inner().map_err(|e| e.into_error())?;
        if n == 0 {
            return Ok(());
        }
        let per_pass = (pass_bytes / (8 * n)).clamp(1, self.width.max(1));
        let mut values = vec![0.0f64; per_pass * n];
        let mut bytes = Vec::new();
        let mut c0 = 0;
        while c0 < self.width {
            let k = per_pass.min(self.width - c0);
            let mut row0 = 0;
            for &(offset, rows) in &self.blocks {
                bytes.resize(k * rows * 8, 0);
                store.seek(SeekFrom::Start(offset + (c0 * rows * 8) as u64))?;
                store.read_exact(&mut bytes)?;
                // Column j of the block is contiguous: rows values from j × rows.
                for (j, column) in bytes.chunks_exact(rows * 8).enumerate() {
                    let dst = &mut values[j * n + row0..j * n + row0 + rows];
                    for (d, v) in dst.iter_mut().zip(column.chunks_exact(8)) {
                        *d = f64::from_le_bytes(v.try_into().unwrap_or([0; 8]));
                    }
                }
                row0 += rows;
            }
            // Columns sort independently, in parallel; they are handed on in order.
            values[..k * n]
                .par_chunks_mut(n)
                .for_each(|column| column.sort_by(f64::total_cmp));
            for j in 0..k {
                f(c0 + j, &values[j * n..(j + 1) * n])?;
            }
            c0 += k;
        }
        Ok(())
    }
}

/// A file for spilled columns that no one else can see: created in `dir`
/// and unlinked at once, so it disappears with its last handle, even after
/// a kill.
pub fn spill_file(dir: &Path) -> std::io::Result<File> {
    let pid = std::process::id();
    for k in 0u32.. {
        let path = dir.join(format!(".pioneer-columns-{pid}-{k}"));
        match File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => {
                std::fs::remove_file(&path)?;
                return Ok(f);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free temporary file name"))
}

/// The spilled columns of a run: with files, every series value
/// (`periods × series`), cumulative spend per category and month, then
/// spend per financial year and category; for a summary only, the last.
struct Columns {
    series: usize,
    cumulative: usize,
    years: Vec<i32>,
}

impl Columns {
    fn new(plan: &Plan, full: bool) -> Columns {
        Columns {
            series: if full {
                plan.periods * plan.series.len()
            } else {
                0
            },
            cumulative: if full {
                SpendCategory::ALL.len() * plan.months
            } else {
                0
            },
            years: financial_years(plan),
        }
    }
    fn width(&self) -> usize {
        self.series + self.cumulative + self.years.len() * SpendCategory::ALL.len()
    }
    /// The derived (non-series) columns of one replication.
    fn derived(&self, plan: &Plan, r: &ReplicationResult) -> Vec<f64> {
        let mut v = Vec::with_capacity(self.width() - self.series);
        if self.cumulative > 0 {
            for cat in SpendCategory::ALL {
                // A running sum adds in the same order, from the same start,
                // as summing months 0..=m afresh for every m.
                let mut total = std::iter::empty::<f64>().sum::<f64>();
                for m in 0..plan.months {
                    total += r.spend_in(m, cat);
                    v.push(total / 1e6);
                }
            }
        }
        for &fy in &self.years {
            for cat in SpendCategory::ALL {
                v.push(financial_year_spend(plan, r, fy, cat));
            }
        }
        v
    }
}

/// The 10%, 50% and 90% quantiles of sorted values.
fn band(sorted: &[f64]) -> [f64; 3] {
    [0.1, 0.5, 0.9].map(|q| quantile_sorted(sorted, q))
}

/// A run's outputs built as its replications stream past, in replication
/// order, in memory bounded independently of their number (see the module
/// documentation). `W` is where each record file goes; `S` holds the
/// spilled columns.
pub struct RunWriter<'p, W: Write, S: Read + Write + Seek> {
    plan: &'p Plan,
    records: Option<RecordWriters<Hashed<W>>>,
    summary: SummaryAccumulator,
    charts: Option<ChartAccumulator>,
    columns: Columns,
    spill: ColumnSpill<S>,
}

/// A finished file: streamed to its writer, or bytes to write.
pub enum FileBody<W> {
    /// Written as the run went (the writer, flushed).
    Streamed(W),
    /// To write now.
    Bytes(Vec<u8>),
}

/// Everything a finished run writes.
pub struct Finished<W> {
    /// The summary (`summary.json`).
    pub summary: Summary,
    /// What the charts show (empty for a summary only).
    pub charts: RunChartData,
    /// Every output file in order, the manifest last.
    pub files: Vec<(String, FileBody<W>)>,
}

impl<'p, W: Write, S: Read + Write + Seek> RunWriter<'p, W, S> {
    /// A writer of every output of `plan`'s run: record files opened
    /// through `open`, columns spilled to `store`.
    pub fn new<E>(
        plan: &'p Plan,
        open: impl FnMut(&str) -> Result<W, E>,
        store: S,
    ) -> Result<Self, E>
    where
        E: From<ExportError>,
    {
        let mut open = open;
        let records = RecordWriters::new(plan, |name| open(name).map(Hashed::new))?;
        Ok(Self::with(plan, Some(records), store))
    }

    /// A writer of the summary only, columns spilled to `store`.
    pub fn summary_only(plan: &'p Plan, store: S) -> Self {
        Self::with(plan, None, store)
    }

    fn with(plan: &'p Plan, records: Option<RecordWriters<Hashed<W>>>, store: S) -> Self {
        let full = records.is_some();
        let columns = Columns::new(plan, full);
        RunWriter {
            plan,
            records,
            summary: SummaryAccumulator::new(plan),
            charts: full.then(|| ChartAccumulator::new(plan)),
            spill: ColumnSpill::new(store, columns.width()),
            columns,
        }
    }

    /// Adds the next block of replications (in replication order).
    pub fn add(&mut self, block: &[ReplicationResult]) -> Result<(), ExportError> {
        let plan = self.plan;
        for r in block {
            if let Some(records) = &mut self.records {
                records.add(plan, r)?;
            }
            self.summary.add(plan, r);
            if let Some(charts) = &mut self.charts {
                charts.add(plan, r);
            }
        }
        let derived: Vec<Vec<f64>> = block
            .iter()
            .map(|r| self.columns.derived(plan, r))
            .collect();
        let series = self.columns.series;
        self.spill.push(block.len(), |r, c| {
            if c < series {
                block[r].series[c]
            } else {
                derived[r][c - series]
            }
        })?;
        Ok(())
    }

    /// Reads the spilled columns back and finishes every statistic, the
    /// record files, the charts, the report and the manifest (`manifest`
    /// lists the files). With `summary`, it is used instead of the one
    /// accumulated (the same numbers).
    pub fn finish(
        self,
        mut manifest: Manifest<NoExtension>,
        summary: Option<Summary>,
    ) -> Result<Finished<W>, ExportError> {
        let RunWriter {
            plan,
            mut records,
            summary: summary_acc,
            charts,
            columns,
            spill,
        } = self;
        let params = plan.params();
        let ns = plan.series.len();
        let quantile_series =
            records.is_some() && params.record.timeseries == TimeseriesMode::Quantiles;
        let mut data = RunChartData::default();
        let kinds = crate::model::AgentKind::COUNT;
        for bands in [
            &mut data.engagement,
            &mut data.relational,
            &mut data.transactional,
        ] {
            *bands = vec![Vec::new(); kinds];
        }
        data.spend = vec![Vec::new(); SpendCategory::ALL.len()];
        let mut spend = Vec::new();
        let every = params.record.timeseries_every;
        spill.for_each_sorted(|c, sorted| -> Result<(), ExportError> {
            if c < columns.series {
                let (p, s) = (c / ns, c % ns);
                if quantile_series {
                    if let Some(r) = &mut records {
                        r.timeseries_quantiles(plan, c, sorted)?;
                    }
                }
                let def = &plan.series.defs[s];
                if let (None, Some(k)) = (def.scope, def.kind) {
                    let x = day(plan, plan.calendar.period_start(p, every));
                    let per_week = |sorted: &[f64]| -> Band {
                        let weeks = plan.ticks_in_period[p].max(1) as f64;
                        let v: Vec<f64> = sorted.iter().map(|h| h / weeks).collect();
                        (x, band(&v))
                    };
                    match def.metric {
                        Metric::Engagement => data.engagement[k.index()].push((x, band(sorted))),
                        Metric::RelationalHours => {
                            data.relational[k.index()].push(per_week(sorted))
                        }
                        Metric::TransactionalHours => {
                            data.transactional[k.index()].push(per_week(sorted))
                        }
                        _ => {}
                    }
                }
            } else if c < columns.series + columns.cumulative {
                let i = c - columns.series;
                let (cat, m) = (i / plan.months, i % plan.months);
                let x = day(plan, plan.calendar.period_start(m, Period::Month));
                data.spend[cat].push((x, band(sorted)));
            } else {
                spend.push(SpendStat {
                    mean: mean(sorted),
                    quantiles: params
                        .record
                        .quantiles
                        .iter()
                        .map(|&q| quantile_sorted(sorted, q))
                        .collect(),
                });
            }
            Ok(())
        })?;
        let summary = match summary {
            Some(s) => s,
            None => summary_acc.finish(plan, spend),
        };
        let Some(records) = records else {
            return Ok(Finished {
                summary,
                charts: data,
                files: Vec::new(),
            });
        };
        if let Some(charts) = charts {
            let discrete = charts.finish(plan);
            data.promise = discrete.promise;
            data.go_live = discrete.go_live;
            data.replan_days = discrete.replan_days;
        }
        let mut files: Vec<(String, FileBody<W>)> = Vec::new();
        let mut hashes: Vec<(String, String)> = Vec::new();
        for (name, w) in RECORD_FILES.iter().zip(records.finish()?) {
            let (w, hash) = w.into_parts();
            hashes.push((name.to_string(), hash));
            files.push((name.to_string(), FileBody::Streamed(w)));
        }
        // memberships.csv sits before scope_decisions.csv in the manifest.
        let last = files.pop();
        let last_hash = hashes.pop();
        let mut bytes = vec![("memberships.csv".to_string(), memberships_csv(plan)?)];
        let mut tail = vec![("summary.json".to_string(), summary_json(&summary)?)];
        // Copies of the scenario files read (inputs/), listed in the manifest.
        let inputs = super::inputs::Inputs::of_scenario(&plan.scenario);
        manifest.inputs = inputs.records();
        let charts = run_charts(plan, &data)?;
        let report = report_html(plan, &summary, &charts, &manifest);
        for c in charts {
            tail.push((format!("{}.svg", c.name), c.svg.into_bytes()));
            tail.push((format!("{}.png", c.name), c.png));
        }
        tail.push(("report.html".to_string(), report.into_bytes()));
        tail.extend(inputs.files());
        for (name, b) in bytes.drain(..) {
            hashes.push((name.clone(), sha256_hex(&b)));
            files.push((name, FileBody::Bytes(b)));
        }
        files.extend(last);
        hashes.extend(last_hash);
        for (name, b) in tail {
            hashes.push((name.clone(), sha256_hex(&b)));
            files.push((name, FileBody::Bytes(b)));
        }
        manifest.files = hashes;
        files.push((
            MANIFEST_FILE.to_string(),
            FileBody::Bytes(manifest.to_json()?),
        ));
        Ok(Finished {
            summary,
            charts: data,
            files,
        })
    }
}

/// The summary of replications held in memory (`Summary::new`).
pub(crate) fn summarise(plan: &Plan, results: &[ReplicationResult]) -> Summary {
    let mut w: RunWriter<'_, Vec<u8>, _> =
        RunWriter::summary_only(plan, std::io::Cursor::new(Vec::new()));
    // In-memory writes cannot fail.
    let summary = w
        .add(results)
        .and_then(|()| w.finish(Manifest::new(0, 0, Vec::new(), NoExtension {}), None));
    match summary {
        Ok(f) => f.summary,
        Err(e) => unreachable!("summarising in memory failed: {e}"),
    }
}

fn io_error(action: &'static str, path: &Path) -> impl Fn(std::io::Error) -> TargetError {
    let path = path.to_path_buf();
    move |source| TargetError::Io {
        action,
        path: path.clone(),
        source,
    }
}

impl Ensemble<'_> {
    /// Runs the ensemble and writes its output directory through `out`
    /// (atomically: built in a hidden directory beside it, renamed into
    /// place when complete), streaming: replications are simulated in
    /// blocks and each block is written while the next is simulated.
    /// Returns the summary, the directory written and what streaming held.
    pub fn write_to(
        &self,
        out: &OutputDir,
        command_line: Vec<String>,
    ) -> Result<(Summary, PathBuf, StreamStats), WriteError> {
        let plan = Plan::new(self.scenario());
        let spec = self.spec();
        let manifest = Manifest::new(spec.seed, spec.replications, command_line, NoExtension {})
            .with_scenario(self.scenario());
        let mut result = None;
        let dir = out.build(|tmp: &Path| -> Result<(), WriteError> {
            let store = spill_file(tmp).map_err(io_error("creating a file in", tmp))?;
            let open = |name: &str| -> Result<BufWriter<File>, WriteError> {
                let path = tmp.join(name);
                let f = File::create_new(&path).map_err(io_error("creating", &path))?;
                Ok(BufWriter::with_capacity(1 << 16, f))
            };
            let mut writer = RunWriter::new(&plan, open, store)?;
            let stats = self.stream(&plan, |block| writer.add(block))?;
            let finished = writer.finish(manifest, None)?;
            for (name, body) in finished.files {
                let path = tmp.join(&name);
                let file = match body {
                    FileBody::Streamed(w) => w.into_inner().map_err(|e| e.into_error()),
                    FileBody::Bytes(b) => path
                        .parent()
                        .map_or(Ok(()), std::fs::create_dir_all)
                        .and_then(|()| File::create_new(&path))
                        .and_then(|mut f| {
                            f.write_all(&b)?;
                            Ok(f)
                        }),
                };
                file.and_then(|f| f.sync_all())
                    .map_err(io_error("writing", &path))?;
            }
            result = Some((finished.summary, stats));
            Ok(())
        })?;
        let (summary, stats) = result.ok_or_else(|| {
            WriteError::Export(ExportError::Io(std::io::Error::other("nothing written")))
        })?;
        Ok((summary, dir, stats))
    }

    /// Runs the ensemble streaming and returns its summary only (no files):
    /// the columns it needs are spilled to an unlinked file in `spill_dir`.
    pub fn summarise_in(&self, spill_dir: &Path) -> Result<(Summary, StreamStats), WriteError> {
        let plan = Plan::new(self.scenario());
        let store = spill_file(spill_dir).map_err(io_error("creating a file in", spill_dir))?;
        let mut writer: RunWriter<'_, Vec<u8>, File> = RunWriter::summary_only(&plan, store);
        let stats = self.stream(&plan, |block| writer.add(block))?;
        let summary = writer
            .finish(Manifest::new(0, 0, Vec::new(), NoExtension {}), None)?
            .summary;
        Ok((summary, stats))
    }
}

impl Runs {
    /// Quantiles and counts across the replications.
    pub fn summary(&self) -> Summary {
        Summary::new(&self.plan, &self.results)
    }

    /// The data the charts are drawn from.
    pub fn chart_data(&self) -> RunChartData {
        self.built(None, Vec::new())
            .map(|f| f.charts)
            .unwrap_or_default()
    }

    /// Every output file as (name, bytes), the manifest last; `summary` is
    /// this ensemble's [`Runs::summary`] (computed once by the caller, who
    /// usually shows it too); `command_line` is recorded in the manifest.
    /// The same bytes `pioneer run` streams to its directory.
    pub fn files(
        &self,
        summary: &Summary,
        command_line: Vec<String>,
    ) -> Result<Vec<(String, Vec<u8>)>, ExportError> {
        Ok(self
            .built(Some(summary.clone()), command_line)?
            .files
            .into_iter()
            .map(|(name, body)| match body {
                FileBody::Streamed(b) | FileBody::Bytes(b) => (name, b),
            })
            .collect())
    }

    fn built(
        &self,
        summary: Option<Summary>,
        command_line: Vec<String>,
    ) -> Result<Finished<Vec<u8>>, ExportError> {
        let manifest = Manifest::new(
            self.spec.seed,
            self.spec.replications,
            command_line,
            NoExtension {},
        )
        .with_scenario(&self.plan.scenario);
        let mut w = RunWriter::new(
            &self.plan,
            |_| Ok::<_, ExportError>(Vec::new()),
            std::io::Cursor::new(Vec::new()),
        )?;
        w.add(&self.results)?;
        w.finish(manifest, summary)
    }

    /// Writes the output directory `dir` atomically. With `replace`, an
    /// existing directory is replaced only if pioneer wrote it.
    pub fn write(&self, dir: &Path, replace: bool) -> Result<PathBuf, WriteError> {
        let out = OutputDir::new(Some(dir), Path::new("."), "", Policy::one_shot(replace))?;
        Ok(out.write(&self.files(&self.summary(), Vec::new())?)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns come back sorted and whole whatever the blocks and however
    /// few columns a pass reads.
    #[test]
    fn spilled_columns_come_back_whole_and_sorted() {
        let (n, width) = (103usize, 7usize);
        let value = |r: usize, c: usize| ((r * 7919 + c * 104_729) % 61) as f64 - 30.5 * c as f64;
        for blocks in [vec![103], vec![1; 103], vec![10, 50, 3, 40]] {
            for pass_bytes in [1, 8 * n, 8 * n * 3, 1 << 20] {
                let mut spill = ColumnSpill::new(std::io::Cursor::new(Vec::new()), width);
                let mut r0 = 0;
                for &b in &blocks {
                    spill.push(b, |r, c| value(r0 + r, c)).unwrap();
                    r0 += b;
                }
                let mut seen = Vec::new();
                spill
                    .sorted_in_passes(pass_bytes, |c, sorted| -> std::io::Result<()> {
                        let mut expected: Vec<f64> = (0..n).map(|r| value(r, c)).collect();
                        expected.sort_by(f64::total_cmp);
                        assert_eq!(sorted, &expected[..], "column {c}");
                        seen.push(c);
                        Ok(())
                    })
                    .unwrap();
                assert_eq!(seen, (0..width).collect::<Vec<_>>());
            }
        }
    }
}
