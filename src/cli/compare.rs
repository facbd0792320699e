//! `pioneer compare`: several scenarios under common random numbers.

use std::path::{Path, PathBuf};

use clap::Args;

use pioneer::compare::{compare_in_with, output_files, row_label, CompareOptions};
use pioneer::output::target::{OutputDir, Policy};

use super::{load, say, target_failure, EnsembleArgs, Failure};

/// Arguments of `pioneer compare`.
#[derive(Debug, Args, Clone)]
pub struct CompareArgs {
    /// Scenario files; the first is the baseline.
    #[arg(required = true, num_args = 2..)]
    scenarios: Vec<PathBuf>,
    #[command(flatten)]
    ensemble: EnsembleArgs,
    /// Applied to every compared scenario.
    #[command(flatten)]
    set: super::SetArgs,
    /// Output directory (default: a new directory results/compare-NNN).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Replace an existing --out directory (only one pioneer wrote).
    #[arg(long)]
    force: bool,
    /// Also write compare_paired.csv: every replication's paired difference
    /// from the baseline, per output and scenario (memory grows with the
    /// replications).
    #[arg(long)]
    paired_differences: bool,
}

/// Runs the command.
pub fn compare(args: &CompareArgs) -> Result<(), Failure> {
    let overrides = args.set.parse()?;
    let mut scenarios = Vec::new();
    let mut problems = Vec::new();
    for p in &args.scenarios {
        match load(Some(p)).and_then(|s| args.set.apply(s, &overrides)) {
            Ok(s) => scenarios.push(s),
            Err(Failure::BadInput(m)) | Err(Failure::Run(m)) => problems.push(m),
        }
    }
    if !problems.is_empty() {
        return Err(Failure::BadInput(problems.join("\n")));
    }
    // Refuse an unusable --out before anything runs.
    let out = OutputDir::new(
        args.out.as_deref(),
        Path::new("results"),
        "compare",
        Policy::one_shot(args.force),
    )
    .map_err(target_failure)?;
    let pool = args.ensemble.pool()?;
    // Streamed: memory does not grow with the replications (the compared
    // values are spilled to an unlinked temporary file).
    let c = pool
        .install(|| {
            compare_in_with(
                &scenarios,
                args.ensemble.seed,
                args.ensemble.replications,
                &std::env::temp_dir(),
                CompareOptions {
                    paired_differences: args.paired_differences,
                },
            )
        })
        .map_err(|e| Failure::BadInput(format!("error: {e}")))?;

    let mut t = format!(
        "Comparison: {} replications each, seed {} (common random numbers; differences are paired, B − baseline)\n\n{:<42}",
        args.ensemble.replications, args.ensemble.seed, "median [10%–90%]"
    );
    for n in &c.names {
        t.push_str(&format!(" {n:>26}"));
    }
    t.push('\n');
    for row in &c.rows {
        t.push_str(&format!("{:<42}", row_label(row)));
        for q in &row.quantiles {
            // Dates show the median only (the 10–90% range is in compare.csv and the report).
            let v = |x: f64| pioneer::compare::format_value(&c, row, x);
            let cell = if row.is_date {
                v(q[1])
            } else {
                format!("{} [{}–{}]", v(q[1]), v(q[0]), v(q[2]))
            };
            t.push_str(&format!(" {cell:>26}"));
        }
        t.push('\n');
        for (i, d) in row.difference.iter().enumerate().skip(1) {
            if let Some(d) = d {
                t.push_str(&format!(
                    "{:<42} {:>26}\n",
                    format!("  {} − {}", c.names[i], c.names[0]),
                    format!("{:+.1} [{:+.1}–{:+.1}]", d[1], d[0], d[2])
                ));
            }
        }
    }
    say(&t);

    let sources: Vec<String> = args
        .scenarios
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let files = output_files(
        &c,
        &scenarios,
        &sources,
        args.ensemble.seed,
        args.ensemble.replications,
        std::env::args().collect(),
    )
    .map_err(|e| Failure::Run(e.to_string()))?;
    let dir = out.write(&files).map_err(target_failure)?;
    say(&format!("\nOutputs written to {}\n", dir.display()));
    Ok(())
}
