//! `pioneer compare`: several scenarios under common random numbers.

use std::path::{Path, PathBuf};

use clap::Args;

use pioneer::compare::{compare as run_comparison, comparison_csv};
use pioneer::output::charts::comparison_chart;
use pioneer::output::report::comparison_html;
use pioneer::output::target::{reserve_new_dir, write_dir_atomically, TargetError};

use super::{load, refuse_existing_out, say, EnsembleArgs, Failure};

/// Arguments of `pioneer compare`.
#[derive(Debug, Args, Clone)]
pub struct CompareArgs {
    /// Scenario files; the first is the baseline.
    #[arg(required = true, num_args = 2..)]
    scenarios: Vec<PathBuf>,
    #[command(flatten)]
    ensemble: EnsembleArgs,
    /// Output directory (default: a new directory results/compare-NNN).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Replace an existing --out directory.
    #[arg(long)]
    force: bool,
}

/// Runs the command.
pub fn compare(args: &CompareArgs) -> Result<(), Failure> {
    let mut scenarios = Vec::new();
    let mut problems = Vec::new();
    for p in &args.scenarios {
        match load(Some(p)) {
            Ok(s) => scenarios.push(s),
            Err(Failure::BadInput(m)) | Err(Failure::Run(m)) => problems.push(m),
        }
    }
    if !problems.is_empty() {
        return Err(Failure::BadInput(problems.join("\n")));
    }
    refuse_existing_out(args.out.as_deref(), args.force)?;
    let pool = args.ensemble.pool()?;
    let c =
        pool.install(|| run_comparison(&scenarios, args.ensemble.seed, args.ensemble.replications));

    let mut t = format!(
        "Comparison: {} replications each, seed {} (common random numbers; differences are paired, B − baseline)\n\n{:<42}",
        args.ensemble.replications, args.ensemble.seed, "median [10%–90%]"
    );
    for n in &c.names {
        t.push_str(&format!(" {n:>26}"));
    }
    t.push('\n');
    for row in &c.rows {
        t.push_str(&format!("{:<42}", row.output));
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

    let plans: Vec<&pioneer::Plan> = c.plans.iter().collect();
    let chart =
        comparison_chart(&plans, &c.names, &c.results).map_err(|e| Failure::Run(e.to_string()))?;
    let sources: Vec<String> = args
        .scenarios
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let html = comparison_html(
        &c,
        &chart,
        args.ensemble.seed,
        args.ensemble.replications,
        &sources,
    );
    let manifest = serde_json::json!({
        "tool_version": env!("CARGO_PKG_VERSION"),
        "scenarios": scenarios.iter().zip(&sources).zip(&c.names).map(|((s, src), n)| serde_json::json!({
            "name": n, "path": src, "sha256": s.content_hash()
        })).collect::<Vec<_>>(),
        "seed": args.ensemble.seed,
        "replications": args.ensemble.replications,
        "common_random_numbers": true,
        "command_line": std::env::args().collect::<Vec<_>>(),
    });
    let files = vec![
        (
            "compare.csv".to_string(),
            comparison_csv(&c).map_err(|e| Failure::Run(e.to_string()))?,
        ),
        (format!("{}.svg", chart.name), chart.svg.into_bytes()),
        (format!("{}.png", chart.name), chart.png),
        ("report.html".to_string(), html.into_bytes()),
        (
            "manifest.json".to_string(),
            (serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n").into_bytes(),
        ),
    ];
    let dir = match &args.out {
        Some(d) => d.clone(),
        None => reserve_new_dir(Path::new("results"), "compare")
            .map_err(|e| Failure::Run(e.to_string()))?,
    };
    match write_dir_atomically(&dir, &files, args.force || args.out.is_none()) {
        Ok(()) => {
            say(&format!("\nOutputs written to {}\n", dir.display()));
            Ok(())
        }
        Err(e @ TargetError::Exists(_)) => Err(Failure::BadInput(format!(
            "error: {e}\n  hint: add --force to replace it"
        ))),
        Err(e) => Err(Failure::Run(e.to_string())),
    }
}
