//! `pioneer sweep`, `pioneer merge` and `pioneer analyze`.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use pioneer::output::charts::index_bars;
use pioneer::output::target::{OpenDir, OutputDir, Policy};
use pioneer::sweep::merge::{merge as merge_shards, MergeError};
use pioneer::sweep::results::{self, AnalysisSettings};
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

fn write_chart(
    dir: &OpenDir<SweepRecord>,
    stem: &str,
    chart: &pioneer::output::charts::Chart,
) -> Result<(), Failure> {
    for (ext, bytes) in [("svg", chart.svg.as_bytes()), ("png", chart.png.as_slice())] {
        dir.write_file(&format!("{stem}.{ext}"), bytes)
            .map_err(target_failure)?;
    }
    Ok(())
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
    let (file, bytes, table) = match args.method {
        Method::Sobol => {
            let rows = results::analyze_sobol(&args.dir, &m, &args.outputs, &settings)
                .map_err(|e| Failure::BadInput(format!("error: {e}")))?;
            let mut t = format!(
                "Sobol indices ({} base samples, {} parameters; ± is the {:.0}% bootstrap half-width)\n\n{:<42} {:<36} {:>16} {:>16}\n",
                m.extension.design.samples.unwrap_or(0),
                m.extension.parameters.len(),
                args.confidence * 100.0,
                "output",
                "parameter",
                "S1",
                "ST"
            );
            for r in &rows {
                t.push_str(&format!(
                    "{:<42} {:<36} {:>16} {:>16}\n",
                    r.output,
                    r.parameter,
                    format!("{} ± {}", num(r.s1), num(r.s1_conf)),
                    format!("{} ± {}", num(r.st), num(r.st_conf))
                ));
            }
            for out in rows
                .iter()
                .map(|r| r.output.clone())
                .collect::<std::collections::BTreeSet<_>>()
            {
                let mine: Vec<_> = rows.iter().filter(|r| r.output == out).collect();
                let chart = index_bars(
                    &format!(
                        "Sobol indices of {out} ({} base samples)",
                        m.extension.design.samples.unwrap_or(0)
                    ),
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
                )
                .map_err(|e| Failure::Run(e.to_string()))?;
                write_chart(&dir, &chart_stem("sobol", &out), &chart)?;
            }
            ("sensitivity_sobol.csv", results::rows_csv(&rows), t)
        }
        Method::Morris => {
            let rows = results::analyze_morris(&args.dir, &m, &args.outputs, &settings)
                .map_err(|e| Failure::BadInput(format!("error: {e}")))?;
            let mut t = format!(
                "Morris elementary effects ({} trajectories, {} levels; effects per unit of each parameter's normalised range)\n\n{:<42} {:<36} {:>10} {:>18} {:>10}\n",
                m.extension.design.samples.unwrap_or(0),
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
            for out in rows
                .iter()
                .map(|r| r.output.clone())
                .collect::<std::collections::BTreeSet<_>>()
            {
                let mine: Vec<_> = rows.iter().filter(|r| r.output == out).collect();
                let chart = index_bars(
                    &format!(
                        "Morris μ* of {out} ({} trajectories)",
                        m.extension.design.samples.unwrap_or(0)
                    ),
                    "μ* (output units per normalised range)",
                    mine.iter().map(|r| r.parameter.clone()).collect(),
                    vec![(
                        "μ* (mean |elementary effect|)".into(),
                        mine.iter().map(|r| r.mu_star).collect(),
                        mine.iter().map(|r| r.mu_star_conf).collect(),
                    )],
                )
                .map_err(|e| Failure::Run(e.to_string()))?;
                write_chart(&dir, &chart_stem("morris", &out), &chart)?;
            }
            ("sensitivity_morris.csv", results::rows_csv(&rows), t)
        }
    };
    let bytes = bytes.map_err(Failure::Run)?;
    dir.write_file(file, &bytes).map_err(target_failure)?;
    say(&format!(
        "{table}\nWritten to {}\n",
        dir.path().join(file).display()
    ));
    Ok(())
}
