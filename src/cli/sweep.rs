//! `pioneer sweep`, `pioneer merge` and `pioneer analyze`.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use pioneer::output::charts::{index_bars, morris_scatter, sobol_s2_matrix};
use pioneer::output::target::{OutputDir, Policy};
use pioneer::sweep::merge::{merge as merge_shards, MergeError};
use pioneer::sweep::results::{self, AnalysisRecord, AnalysisSettings};
use pioneer::sweep::runner::SweepManifest;
use pioneer::sweep::runner::{self, read_manifest, SweepError, SweepRecord};
use pioneer::sweep::{Design, Shard, Sweep};

use super::{say, target_failure, Failure};

/// Arguments of `pioneer sweep`.
#[derive(Debug, Args, Clone)]
pub struct SweepArgs {
    /// Sweep file (see scenarios/sweeps/ and docs/sensitivity.md).
    sweep: PathBuf,
    /// Output directory; running again with the same directory resumes an interrupted sweep.
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Run only shard I of K (0 ≤ I < K), a contiguous slice of the runs; defaults from
    /// SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_MIN / SLURM_ARRAY_TASK_COUNT when set.
    #[arg(long, value_name = "I/K")]
    shard: Option<String>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(short = 'j', long, value_parser = super::threads)]
    threads: Option<u32>,
    /// Start afresh in an --out directory that holds something else.
    #[arg(long)]
    force: bool,
    /// No progress display.
    #[arg(short, long)]
    quiet: bool,
}

/// Arguments of `pioneer merge`.
#[derive(Debug, Args, Clone)]
pub struct MergeArgs {
    /// Shard directories written by `pioneer sweep --shard I/K`.
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    /// Directory for the merged sweep.
    #[arg(short, long)]
    out: PathBuf,
    /// Replace an existing --out directory.
    #[arg(long)]
    force: bool,
}

/// Sensitivity methods.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Method {
    /// Sobol first- and total-order indices (needs a `sobol` design).
    Sobol,
    /// Morris elementary effects μ, μ*, σ (needs a `morris` design).
    Morris,
}

/// Arguments of `pioneer analyze`.
#[derive(Debug, Args, Clone)]
pub struct AnalyzeArgs {
    /// A finished (or merged) sweep directory.
    dir: PathBuf,
    /// Method.
    #[arg(short, long, value_enum)]
    method: Method,
    /// Outputs to analyse (repeatable; default: every recorded output).
    #[arg(long = "output")]
    outputs: Vec<String>,
    /// Bootstrap resamples for confidence intervals (1 to MAX_BOOTSTRAP).
    #[arg(long, default_value_t = 100, value_parser = super::count::<usize>(1, results::MAX_BOOTSTRAP as u64, "MAX_BOOTSTRAP", bootstrap_cost))]
    bootstrap: usize,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// Seed of the bootstrap.
    #[arg(short, long, default_value_t = 1)]
    seed: u64,
    /// Replace an earlier analysis by the same method in this directory.
    #[arg(long)]
    force: bool,
}

fn bootstrap_cost(n: u64) -> String {
    format!(
        "{n} resamples of a Sobol design with 10,000 base samples would hold {:.1e} GB of resampled indices",
        n as f64 * 10_000.0 * 8.0 / 1e9
    )
}

fn sweep_failure(e: SweepError) -> Failure {
    match e {
        SweepError::Target(t) => target_failure(t),
        SweepError::InvalidPoint { .. } => Failure::BadInput(format!(
            "error: {e}\n  hint: narrow the parameter ranges in the sweep file"
        )),
        SweepError::Damaged { .. } => Failure::BadInput(format!(
            "error: {e}\n  hint: the directory was not written by this sweep; choose another --out"
        )),
        other => Failure::Run(other.to_string()),
    }
}

/// Runs `pioneer sweep`.
pub fn sweep(args: &SweepArgs) -> Result<(), Failure> {
    let sweep = Sweep::from_file(&args.sweep).map_err(|e| match e {
        pioneer::scenario::LoadError::Io { .. } => Failure::BadInput(format!("error: {e}")),
        other => Failure::BadInput(other.to_string()),
    })?;
    let shard = match &args.shard {
        Some(s) => {
            Shard::parse(s).map_err(|e| Failure::BadInput(format!("error: --shard: {e}")))?
        }
        None => match Shard::from_slurm(|k| std::env::var(k).ok()) {
            Some(r) => r.map_err(|e| Failure::BadInput(format!("error: {e}")))?,
            None => Shard::WHOLE,
        },
    };
    let design = Design::build(&sweep)
        .map_err(|e| Failure::BadInput(format!("error: {}: design: {e}", args.sweep.display())))?;
    let name = if shard == Shard::WHOLE {
        super::file_stem(&sweep.file.sweep.name)
    } else {
        format!(
            "{}-shard{}of{}",
            super::file_stem(&sweep.file.sweep.name),
            shard.index,
            shard.count
        )
    };
    // An unusable --out is refused here; one holding another sweep when the run starts.
    let out = OutputDir::new(
        args.out.as_deref(),
        Path::new("results"),
        &name,
        Policy::resumable(args.force),
    )
    .map_err(target_failure)?;
    let pool = super::pool(args.threads)?;
    let total = shard.runs(design.points() as u64 * sweep.file.sweep.replications as u64);
    let bar = super::progress_bar(
        args.quiet,
        Some(total.end - total.start),
        "{spinner} {pos}/{len} runs [{elapsed_precise}<{eta_precise}] {per_sec} {wide_bar}",
    );
    let started = std::time::Instant::now();
    let outcome = pool
        .install(|| {
            runner::run(
                &sweep,
                &design,
                &out,
                shard,
                std::env::args().collect(),
                |done, _| bar.set_position(done),
            )
        })
        .map_err(sweep_failure)?;
    bar.finish_and_clear();
    let runs = outcome.runs.end - outcome.runs.start;
    let grid = outcome.grid.as_ref().map(|cells| cells.table());
    let fresh = runs - outcome.resumed_from;
    let secs = started.elapsed().as_secs_f64();
    let mut text = format!(
        "Sweep `{}`: {} design, {} points × {} replications = {} runs",
        sweep.file.sweep.name,
        sweep.file.design.kind.id(),
        design.points(),
        sweep.file.sweep.replications,
        outcome.manifest.extension.total_runs
    );
    if shard != Shard::WHOLE {
        text.push_str(&format!(
            "; shard {}/{} holds runs {}..{}",
            shard.index, shard.count, outcome.runs.start, outcome.runs.end
        ));
    }
    text.push('\n');
    if outcome.resumed_from > 0 {
        text.push_str(&format!(
            "Resumed: {} runs were already done.\n",
            outcome.resumed_from
        ));
    }
    if fresh > 0 {
        text.push_str(&format!(
            "Simulated {fresh} runs in {secs:.1} s ({:.0} runs/s).\n",
            fresh as f64 / secs.max(1e-9)
        ));
    }
    if let Some(g) = grid {
        text.push('\n');
        text.push_str(&g);
        text.push('\n');
    }
    text.push_str(&format!("Outputs in {}\n", outcome.dir.display()));
    if shard != Shard::WHOLE {
        text.push_str("Combine the shards with `pioneer merge SHARD_DIRS... --out DIR`.\n");
    }
    say(&text);
    Ok(())
}

/// Runs `pioneer merge`.
pub fn merge(args: &MergeArgs) -> Result<(), Failure> {
    let out = OutputDir::at(&args.out, Policy::one_shot(args.force)).map_err(target_failure)?;
    let merged =
        merge_shards(&args.shards, &out, std::env::args().collect()).map_err(|e| match e {
            MergeError::Sweep(s) => sweep_failure(s),
            MergeError::Target(t) => target_failure(t),
            other => Failure::BadInput(format!("error: {other}")),
        })?;
    say(&format!(
        "Merged {} shards: {} runs, each exactly once, into {}\n",
        args.shards.len(),
        merged.manifest.extension.total_runs,
        merged.dir.display()
    ));
    Ok(())
}

/// The files of one analysis (names in the sweep directory and bytes),
/// held until every one is ready.
#[derive(Default)]
struct Files(Vec<(String, Vec<u8>)>);

impl Files {
    fn add(&mut self, name: String, bytes: Vec<u8>) {
        self.0.push((name, bytes));
    }

    fn csv<T: serde::Serialize>(&mut self, name: &str, rows: &[T]) -> Result<(), Failure> {
        let bytes = results::rows_csv(rows).map_err(Failure::Run)?;
        self.add(name.to_string(), bytes);
        Ok(())
    }

    fn chart(
        &mut self,
        stem: &str,
        chart: Result<pioneer::output::charts::Chart, pioneer::output::charts::ChartError>,
    ) -> Result<(), Failure> {
        let chart = chart.map_err(|e| Failure::Run(e.to_string()))?;
        self.add(format!("{stem}.svg"), chart.svg.into_bytes());
        self.add(format!("{stem}.png"), chart.png);
        Ok(())
    }
}

fn chart_stem(method: &str, output: &str) -> String {
    format!("sensitivity_{method}_{}", super::file_stem(output))
}

fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.3}")
    } else {
        "n/a".into()
    }
}

/// Runs `pioneer analyze`.
pub fn analyze(args: &AnalyzeArgs) -> Result<(), Failure> {
    let m = read_manifest(&args.dir)
        .map_err(sweep_failure)?
        .ok_or_else(|| {
            Failure::BadInput(format!(
                "error: {} is not a sweep directory (no manifest.json)\n  hint: pass the --out directory of `pioneer sweep` or `pioneer merge`",
                args.dir.display()
            ))
        })?;
    if !m.extension.complete || m.extension.shard != Shard::WHOLE {
        return Err(Failure::BadInput(format!(
            "error: {} holds {}\n  hint: {}",
            args.dir.display(),
            if m.extension.complete {
                "one shard of a sweep"
            } else {
                "an unfinished sweep"
            },
            if m.extension.complete {
                "merge the shards with `pioneer merge` and analyse the merged directory"
            } else {
                "run the same `pioneer sweep` command again to finish it"
            }
        )));
    }
    if !(args.confidence > 0.0 && args.confidence < 1.0) {
        return Err(Failure::BadInput(format!(
            "error: --confidence: expected a level between 0 and 1, found {}",
            args.confidence
        )));
    }
    // The results go into the sweep directory beside what is there.
    let dir = OutputDir::at(&args.dir, Policy::Extend)
        .and_then(|o| o.open::<SweepRecord, _>(|_| Ok(())))
        .map_err(target_failure)?;
    let settings = AnalysisSettings {
        bootstrap: args.bootstrap,
        confidence: args.confidence,
        seed: args.seed,
    };
    let outputs = results::analysed_outputs(&m, &args.outputs)
        .map_err(|e| Failure::BadInput(format!("error: {e}")))?;
    let (method, (files, table)) = match args.method {
        Method::Sobol => ("sobol", sobol_files(args, &m, &settings)?),
        Method::Morris => ("morris", morris_files(args, &m, &settings)?),
    };
    let mut record = AnalysisRecord::new(method, &m, outputs, &settings);
    let record_name = AnalysisRecord::file_name(method);
    record.files = files.0.iter().map(|f| f.0.clone()).collect();
    record.files.push(record_name.clone());
    let record_path = dir.path().join(&record_name);
    let previous: Option<AnalysisRecord> = std::fs::read(&record_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    // Never replace an earlier analysis silently: refuse before writing anything.
    let existing: Vec<&String> = record
        .files
        .iter()
        .filter(|f| dir.path().join(f).symlink_metadata().is_ok())
        .collect();
    if !existing.is_empty() && !args.force {
        let listed: Vec<&str> = existing.iter().take(4).map(|f| f.as_str()).collect();
        return Err(Failure::BadInput(format!(
            "error: {} already holds a {method} analysis ({}{}); pioneer does not replace it without --force\n  hint: add --force to replace it{}, or analyse a copy of the sweep directory to keep both",
            dir.path().display(),
            listed.join(", "),
            if existing.len() > 4 {
                format!(" and {} more files", existing.len() - 4)
            } else {
                String::new()
            },
            if previous.is_some() {
                format!(" (its settings are in {record_name})")
            } else {
                String::new()
            }
        )));
    }
    let mut json = serde_json::to_vec_pretty(&record).map_err(|e| Failure::Run(e.to_string()))?;
    json.push(b'\n');
    for (name, bytes) in files
        .0
        .iter()
        .chain(std::iter::once(&(record_name.clone(), json)))
    {
        dir.write_file(name, bytes).map_err(target_failure)?;
    }
    if let Some(previous) = previous {
        remove_leftovers(dir.path(), &previous, &record)?;
    }
    let tables: Vec<&str> = record
        .files
        .iter()
        .map(String::as_str)
        .filter(|f| f.ends_with(".csv"))
        .collect();
    say(&format!(
        "{table}\nWritten to {} in {} (settings in {record_name})\n",
        tables.join(", "),
        dir.path().display()
    ));
    Ok(())
}

/// With --force, the earlier analysis's files this one did not rewrite
/// (charts of outputs not analysed now) go too, so every file beside the
/// record is the record's. Only plain `sensitivity_` names are touched.
fn remove_leftovers(
    dir: &Path,
    previous: &AnalysisRecord,
    record: &AnalysisRecord,
) -> Result<(), Failure> {
    let leftovers = previous.files.iter().filter(|f| {
        let plain = Path::new(f).file_name().is_some_and(|n| n == f.as_str());
        plain && f.starts_with("sensitivity_") && !record.files.contains(f)
    });
    for f in leftovers {
        let path = dir.join(f);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Failure::Run(format!("removing {}: {e}", path.display())));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The outputs of rows in first-seen order, each once.
fn outputs_of<'a>(names: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut seen: Vec<&String> = Vec::new();
    for n in names {
        if !seen.contains(&n) {
            seen.push(n);
        }
    }
    seen
}

/// Sobol indices: the table, the CSVs and the charts.
fn sobol_files(
    args: &AnalyzeArgs,
    m: &SweepManifest,
    settings: &AnalysisSettings,
) -> Result<(Files, String), Failure> {
    let a = results::analyze_sobol(&args.dir, m, &args.outputs, settings)
        .map_err(|e| Failure::BadInput(format!("error: {e}")))?;
    let samples = m.extension.design.samples.unwrap_or(0);
    let mut files = Files::default();
    let mut t = format!(
        "Sobol indices ({samples} base samples, {} parameters; ± is the {:.0}% bootstrap half-width)\n\n{:<42} {:<36} {:>16} {:>16}\n",
        m.extension.parameters.len(),
        args.confidence * 100.0,
        "output",
        "parameter",
        "S1",
        "ST"
    );
    for r in &a.first_total {
        t.push_str(&format!(
            "{:<42} {:<36} {:>16} {:>16}\n",
            r.output,
            r.parameter,
            format!("{} ± {}", num(r.s1), num(r.s1_conf)),
            format!("{} ± {}", num(r.st), num(r.st_conf))
        ));
    }
    let mut sorted_outputs: Vec<&String> = outputs_of(a.first_total.iter().map(|r| &r.output));
    sorted_outputs.sort();
    for out in sorted_outputs {
        let mine: Vec<_> = a.first_total.iter().filter(|r| &r.output == out).collect();
        let chart = index_bars(
            &format!("Sobol indices of {out} ({samples} base samples)"),
            "sensitivity index",
            mine.iter().map(|r| r.parameter.clone()).collect(),
            vec![
                (
                    "first order S1".into(),
                    mine.iter().map(|r| r.s1).collect(),
                    mine.iter().map(|r| r.s1_conf).collect(),
                ),
                (
                    "total order ST".into(),
                    mine.iter().map(|r| r.st).collect(),
                    mine.iter().map(|r| r.st_conf).collect(),
                ),
            ],
            args.confidence,
        );
        files.chart(&chart_stem("sobol", out), chart)?;
    }
    files.csv("sensitivity_sobol.csv", &a.first_total)?;
    if !a.second.is_empty() {
        t.push_str(&format!(
            "\nSecond-order indices S2 of each pair (± is the {:.0}% bootstrap half-width)\n\n{:<42} {:<36} {:<36} {:>16}\n",
            args.confidence * 100.0,
            "output",
            "parameter i",
            "parameter j",
            "S2"
        ));
        for r in &a.second {
            t.push_str(&format!(
                "{:<42} {:<36} {:<36} {:>16}\n",
                r.output,
                r.parameter_i,
                r.parameter_j,
                format!("{} ± {}", num(r.s2), num(r.s2_conf))
            ));
        }
        let params: Vec<String> = m
            .extension
            .parameters
            .iter()
            .map(|p| p.name.clone())
            .collect();
        let k = params.len();
        for out in outputs_of(a.second.iter().map(|r| &r.output)) {
            let mut s2 = vec![vec![f64::NAN; k]; k];
            let mut conf = vec![vec![f64::NAN; k]; k];
            let mut pairs = a.second.iter().filter(|r| &r.output == out);
            for i in 0..k {
                for j in i + 1..k {
                    // Rows come per output in (i, j) order, as they were made.
                    let r = pairs.next().expect("one S2 row per pair");
                    (s2[i][j], conf[i][j]) = (r.s2, r.s2_conf);
                }
            }
            let chart = sobol_s2_matrix(
                &format!("Second-order Sobol indices S2 of {out} ({samples} base samples)"),
                params.clone(),
                s2,
                conf,
                args.confidence,
            );
            files.chart(&chart_stem("sobol_s2", out), chart)?;
        }
        files.csv("sensitivity_sobol_s2.csv", &a.second)?;
    }
    Ok((files, t))
}

/// Morris statistics: the table, the CSV and the charts.
fn morris_files(
    args: &AnalyzeArgs,
    m: &SweepManifest,
    settings: &AnalysisSettings,
) -> Result<(Files, String), Failure> {
    let rows = results::analyze_morris(&args.dir, m, &args.outputs, settings)
        .map_err(|e| Failure::BadInput(format!("error: {e}")))?;
    let trajectories = m.extension.design.samples.unwrap_or(0);
    let mut files = Files::default();
    let mut t = format!(
        "Morris elementary effects ({trajectories} trajectories, {} levels; effects per whole normalised range of each parameter)\n\n{:<42} {:<36} {:>10} {:>18} {:>10}\n",
        m.extension.design.levels,
        "output",
        "parameter",
        "mu",
        "mu*",
        "sigma"
    );
    for r in &rows {
        t.push_str(&format!(
            "{:<42} {:<36} {:>10} {:>18} {:>10}\n",
            r.output,
            r.parameter,
            num(r.mu),
            format!("{} ± {}", num(r.mu_star), num(r.mu_star_conf)),
            num(r.sigma)
        ));
    }
    let mut sorted_outputs: Vec<&String> = outputs_of(rows.iter().map(|r| &r.output));
    sorted_outputs.sort();
    for out in sorted_outputs {
        let mut mine: Vec<_> = rows.iter().filter(|r| &r.output == out).collect();
        // Largest μ* first (top of the chart); undefined ones last.
        let key = |x: f64| if x.is_finite() { x } else { f64::NEG_INFINITY };
        mine.sort_by(|a, b| key(b.mu_star).total_cmp(&key(a.mu_star)));
        let chart = index_bars(
            &format!("Morris μ* of {out} ({trajectories} trajectories)"),
            "μ* (output units per whole normalised range)",
            mine.iter().map(|r| r.parameter.clone()).collect(),
            vec![(
                "μ* (mean |elementary effect|)".into(),
                mine.iter().map(|r| r.mu_star).collect(),
                mine.iter().map(|r| r.mu_star_conf).collect(),
            )],
            args.confidence,
        );
        files.chart(&chart_stem("morris", out), chart)?;
        let chart = morris_scatter(
            &format!("Morris μ* and σ of {out} ({trajectories} trajectories)"),
            "output units per whole normalised range",
            mine.iter().map(|r| r.parameter.clone()).collect(),
            (
                mine.iter().map(|r| r.mu_star).collect(),
                mine.iter().map(|r| r.mu_star_conf).collect(),
            ),
            mine.iter().map(|r| r.sigma).collect(),
            args.confidence,
        );
        files.chart(&chart_stem("morris_scatter", out), chart)?;
    }
    files.csv("sensitivity_morris.csv", &rows)?;
    Ok((files, t))
}
