//! `pioneer sweep`, `pioneer merge` and `pioneer analyze`.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use pioneer::output::charts::{index_bars, morris_scatter, sobol_s2_matrix};
use pioneer::output::target::{OutputDir, Policy};
use pioneer::sweep::any_design;
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
    /// Applied to the sweep's base scenario (the varied parameters are set on top).
    #[command(flatten)]
    set: super::SetArgs,
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
    /// Partial rank correlation coefficients and p-values (any design).
    Prcc,
    /// Standardised regression coefficients and the model's R² (any design).
    Src,
    /// PAWN moment-independent index: KS statistics over conditioning slices (any design).
    Pawn,
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
    /// Conditioning slices of each parameter for --method pawn (SALib's S).
    #[arg(long, default_value_t = 10, value_parser = super::count::<usize>(2, MAX_SLICES as u64, "MAX_SLICES", slices_cost))]
    slices: usize,
    /// Replace an earlier analysis by the same method in this directory.
    #[arg(long)]
    force: bool,
}

/// Most PAWN slices. Unit: slices. Why: each slice needs enough points for
/// its output distribution (Pianosi and Wagener 2018 suggest 10 to 20);
/// 1,000 is far beyond any useful value. Protects: time (each slice is a
/// Kolmogorov–Smirnov test against all the points, for every bootstrap resample).
const MAX_SLICES: usize = 1_000;

fn slices_cost(n: u64) -> String {
    format!("{n} slices would leave fewer than one design point per slice in all but the largest sweeps")
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
    let overrides = args.set.parse()?;
    let sweep = Sweep::from_file(&args.sweep).map_err(|e| match e {
        pioneer::scenario::LoadError::Io { .. } => Failure::BadInput(format!("error: {e}")),
        other => Failure::BadInput(other.to_string()),
    })?;
    let sweep = if overrides.is_empty() {
        sweep
    } else {
        let base = args.set.apply(sweep.base.clone(), &overrides)?;
        sweep
            .with_base(base)
            .map_err(|e| Failure::BadInput(e.to_string()))?
    };
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
        Method::Prcc => ("prcc", prcc_files(args, &m, &settings)?),
        Method::Src => ("src", src_files(args, &m, &settings)?),
        Method::Pawn => ("pawn", pawn_files(args, &m, &settings)?),
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
    let written = Recorded {
        record: &record,
        slices: matches!(args.method, Method::Pawn).then_some(args.slices),
    };
    let mut json = serde_json::to_vec_pretty(&written).map_err(|e| Failure::Run(e.to_string()))?;
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
    // The sweep's report lists the analyses in its directory: refresh it.
    pioneer::sweep::report::write_sweep_report(dir.path(), &m).map_err(sweep_failure)?;
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

/// The settings record as written: the common fields, then PAWN's slices.
#[derive(serde::Serialize)]
struct Recorded<'a> {
    #[serde(flatten)]
    record: &'a AnalysisRecord,
    #[serde(skip_serializing_if = "Option::is_none")]
    slices: Option<usize>,
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

/// A signed index drawn as a bar of its size, the sign in the label.
fn signed_label(parameter: &str, v: f64) -> String {
    match v {
        v if v > 0.0 => format!("{parameter} (+)"),
        v if v < 0.0 => format!("{parameter} (−)"),
        _ => parameter.to_string(),
    }
}

/// Bars of one index per parameter for each output, largest |index| first
/// (undefined ones last): rows of `(output, parameter, index, half-width)`.
fn sorted_bars(
    files: &mut Files,
    method: &str,
    rows: &[(&String, String, f64, f64)],
    title: impl Fn(&str) -> String,
    x_desc: &str,
    series: &str,
    confidence: f64,
) -> Result<(), Failure> {
    let mut sorted_outputs = outputs_of(rows.iter().map(|r| r.0));
    sorted_outputs.sort();
    for out in sorted_outputs {
        let mut mine: Vec<_> = rows.iter().filter(|r| r.0 == out).collect();
        let key = |x: f64| if x.is_finite() { x.abs() } else { -1.0 };
        mine.sort_by(|a, b| key(b.2).total_cmp(&key(a.2)));
        let chart = index_bars(
            &title(out),
            x_desc,
            mine.iter().map(|r| r.1.clone()).collect(),
            vec![(
                series.to_string(),
                mine.iter().map(|r| r.2.abs()).collect(),
                mine.iter().map(|r| r.3).collect(),
            )],
            confidence,
        );
        files.chart(&chart_stem(method, out), chart)?;
    }
    Ok(())
}

/// The design and its size, for titles: "random design, 200 points".
fn design_words(m: &SweepManifest) -> String {
    format!(
        "{} design, {} points",
        m.extension.design.kind, m.extension.design.points
    )
}

/// A note for designs made for another method.
fn design_note(m: &SweepManifest) -> &'static str {
    match m.extension.design.kind.as_str() {
        "sobol" | "morris" => "\nNote: this design is made for its own method (--method sobol or morris); its points are not an independent sample, so regression and PAWN estimates on it are rough.\n",
        _ => "",
    }
}

/// Standardised regression coefficients: the table, the CSV and the charts.
fn src_files(
    args: &AnalyzeArgs,
    m: &SweepManifest,
    settings: &AnalysisSettings,
) -> Result<(Files, String), Failure> {
    let rows = any_design::analyze_src(&args.dir, m, &args.outputs, settings)
        .map_err(|e| Failure::BadInput(format!("error: {e}")))?;
    let mut files = Files::default();
    let mut t = format!(
        "Standardised regression coefficients ({}, per-point means; SRC = output sd per parameter sd; ± is the {:.0}% bootstrap half-width)\n\n{:<42} {:<36} {:>18} {:>7}\n",
        design_words(m),
        args.confidence * 100.0,
        "output",
        "parameter",
        "SRC",
        "R²"
    );
    let mut poor: Vec<&str> = Vec::new();
    for r in &rows {
        t.push_str(&format!(
            "{:<42} {:<36} {:>18} {:>7}\n",
            r.output,
            r.parameter,
            format!("{} ± {}", num(r.src), num(r.src_conf)),
            num(r.r2)
        ));
        if r.r2 < LINEAR_ENOUGH && !poor.contains(&r.output.as_str()) {
            poor.push(&r.output);
        }
    }
    if !poor.is_empty() {
        t.push_str(&format!(
            "\nWarning: R² < {LINEAR_ENOUGH} for {}: a linear model explains too little of the output for SRC to rank the parameters; use --method prcc (monotone effects) or pawn.\n",
            poor.join(", ")
        ));
    }
    t.push_str(design_note(m));
    let bars: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                &r.output,
                signed_label(&r.parameter, r.src),
                r.src,
                r.src_conf,
            )
        })
        .collect();
    let r2_of = |out: &str| {
        rows.iter()
            .find(|r| r.output == out)
            .map_or(f64::NAN, |r| r.r2)
    };
    sorted_bars(
        &mut files,
        "src",
        &bars,
        |out| {
            format!(
                "Standardised regression coefficients of {out} (R² = {})",
                num(r2_of(out))
            )
        },
        "|SRC| (output sd per parameter sd; sign after the name)",
        "|standardised regression coefficient|",
        args.confidence,
    )?;
    files.csv("sensitivity_src.csv", &rows)?;
    Ok((files, t))
}

/// R² below which SRC do not describe the output (Saltelli et al. 2008,
/// ch. 1.2.5: "R² ≥ 0.7"). Unit: share of variance.
const LINEAR_ENOUGH: f64 = 0.7;

/// Partial rank correlation coefficients: the table, the CSV and the charts.
fn prcc_files(
    args: &AnalyzeArgs,
    m: &SweepManifest,
    settings: &AnalysisSettings,
) -> Result<(Files, String), Failure> {
    let rows = any_design::analyze_prcc(&args.dir, m, &args.outputs, settings)
        .map_err(|e| Failure::BadInput(format!("error: {e}")))?;
    let mut files = Files::default();
    let mut t = format!(
        "Partial rank correlation coefficients ({}, per-point means; ± is the {:.0}% bootstrap half-width; p: two-sided t test of PRCC = 0)\n\n{:<42} {:<36} {:>18} {:>10}\n",
        design_words(m),
        args.confidence * 100.0,
        "output",
        "parameter",
        "PRCC",
        "p"
    );
    for r in &rows {
        t.push_str(&format!(
            "{:<42} {:<36} {:>18} {:>10}\n",
            r.output,
            r.parameter,
            format!("{} ± {}", num(r.prcc), num(r.prcc_conf)),
            if r.p_value.is_finite() {
                format!("{:.2e}", r.p_value)
            } else {
                "n/a".into()
            }
        ));
    }
    t.push_str(design_note(m));
    let bars: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                &r.output,
                signed_label(&r.parameter, r.prcc),
                r.prcc,
                r.prcc_conf,
            )
        })
        .collect();
    sorted_bars(
        &mut files,
        "prcc",
        &bars,
        |out| {
            format!(
                "Partial rank correlation coefficients of {out} ({})",
                design_words(m)
            )
        },
        "|PRCC| (0 to 1; sign after the name)",
        "|partial rank correlation|",
        args.confidence,
    )?;
    files.csv("sensitivity_prcc.csv", &rows)?;
    Ok((files, t))
}

/// PAWN indices: the table, the CSV and the charts.
fn pawn_files(
    args: &AnalyzeArgs,
    m: &SweepManifest,
    settings: &AnalysisSettings,
) -> Result<(Files, String), Failure> {
    let rows = any_design::analyze_pawn(&args.dir, m, &args.outputs, settings, args.slices)
        .map_err(|e| Failure::BadInput(format!("error: {e}")))?;
    let mut files = Files::default();
    let mut t = format!(
        "PAWN indices ({}, per-point means, {} slices; Kolmogorov–Smirnov statistic between the output's distribution in each slice of a parameter and overall, 0 to 1; ± is the {:.0}% bootstrap half-width of the median)\n\n{:<42} {:<36} {:>7} {:>18} {:>7} {:>7} {:>7}\n",
        design_words(m),
        args.slices,
        args.confidence * 100.0,
        "output",
        "parameter",
        "min",
        "median",
        "mean",
        "max",
        "CV"
    );
    for r in &rows {
        t.push_str(&format!(
            "{:<42} {:<36} {:>7} {:>18} {:>7} {:>7} {:>7}\n",
            r.output,
            r.parameter,
            num(r.minimum),
            format!("{} ± {}", num(r.median), num(r.median_conf)),
            num(r.mean),
            num(r.maximum),
            num(r.cv)
        ));
    }
    t.push_str(design_note(m));
    let bars: Vec<_> = rows
        .iter()
        .map(|r| (&r.output, r.parameter.clone(), r.median, r.median_conf))
        .collect();
    sorted_bars(
        &mut files,
        "pawn",
        &bars,
        |out| {
            format!(
                "PAWN indices of {out} ({}, {} slices)",
                design_words(m),
                args.slices
            )
        },
        "median KS statistic over slices (0 to 1)",
        "PAWN median",
        args.confidence,
    )?;
    files.csv("sensitivity_pawn.csv", &rows)?;
    Ok((files, t))
}
