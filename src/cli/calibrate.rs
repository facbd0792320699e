//! `pioneer calibrate`: ABC calibration of a scenario against a targets file.

use std::path::{Path, PathBuf};

use clap::Args;

use pioneer::calibrate::abc::{self, AbcSettings, AbcState, Problem};
use pioneer::calibrate::{priors, report, targets};
use pioneer::output::target::{reserve_new_dir, write_file_atomically};
use pioneer::scenario::locate::KeyPath;
use pioneer::scenario::{sha256_hex, LoadError, Scenario};
use pioneer::Plan;

use super::{load, say, Failure};

/// Arguments of `pioneer calibrate`.
#[derive(Debug, Args, Clone)]
pub struct CalibrateArgs {
    /// Scenario to calibrate.
    scenario: PathBuf,
    /// Targets file (observed quantities with tolerances).
    #[arg(long)]
    targets: PathBuf,
    /// Priors file (one prior per parameter path).
    #[arg(long)]
    params: PathBuf,
    /// Particles per generation.
    #[arg(long, default_value_t = 200)]
    particles: usize,
    /// ABC-PMC generations after the rejection step.
    #[arg(long, default_value_t = 4)]
    generations: usize,
    /// Replications simulated per parameter set.
    #[arg(long, default_value_t = 20)]
    replications: u32,
    /// Draws in the rejection step per particle kept.
    #[arg(long, default_value_t = 5)]
    oversample: usize,
    /// Replications for the final fit of the best-supported parameters (independent seeds).
    #[arg(long, default_value_t = 1000)]
    fit_replications: u32,
    /// Seed.
    #[arg(short, long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(short = 'j', long)]
    threads: Option<usize>,
    /// Output directory; running again with the same directory resumes.
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Write the scenario with the best-supported parameters to this file.
    #[arg(long)]
    write_scenario: Option<PathBuf>,
    /// Start afresh in an --out directory that holds a different calibration, or overwrite --write-scenario.
    #[arg(long)]
    force: bool,
    /// No progress display.
    #[arg(short, long)]
    quiet: bool,
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(format!("error: cannot read {}: {e}", path.display())))
}

fn bad(e: LoadError) -> Failure {
    Failure::BadInput(e.to_string())
}

fn io(e: impl std::fmt::Display) -> Failure {
    Failure::Run(e.to_string())
}

/// Runs the command.
pub fn calibrate(args: &CalibrateArgs) -> Result<(), Failure> {
    let scenario = load(Some(&args.scenario))?;
    let targets_text = read(&args.targets)?;
    let priors_text = read(&args.params)?;
    let targets = targets::load(
        &targets_text,
        &args.targets.display().to_string(),
        &scenario,
    )
    .map_err(bad)?;
    let priors =
        priors::load(&priors_text, &args.params.display().to_string(), &scenario).map_err(bad)?;
    if let Some(w) = &args.write_scenario {
        if w.exists() && !args.force {
            return Err(Failure::BadInput(format!(
                "error: {} already exists\n  hint: choose another --write-scenario, or add --force",
                w.display()
            )));
        }
    }
    let settings = AbcSettings {
        particles: args.particles.max(2),
        generations: args.generations,
        replications: args.replications.max(1),
        seed: args.seed,
        oversample: args.oversample.max(1),
        ..AbcSettings::default()
    };
    let mut hashed = settings.clone();
    hashed.generations = 0;
    let config_hash = sha256_hex(
        format!(
            "{}\n{}\n{}\n{}",
            scenario.content_hash(),
            sha256_hex(targets_text.as_bytes()),
            sha256_hex(priors_text.as_bytes()),
            serde_json::to_string(&hashed).unwrap_or_default()
        )
        .as_bytes(),
    );

    let dir = match &args.out {
        Some(d) => d.clone(),
        None => reserve_new_dir(
            Path::new("results"),
            &format!("{}-calibration", scenario.raw().meta.name),
        )
        .map_err(io)?,
    };
    let checkpoint = dir.join("checkpoint.json");
    let mut state = AbcState {
        config_hash: config_hash.clone(),
        generations: Vec::new(),
    };
    if checkpoint.exists() {
        let saved: Option<AbcState> = std::fs::read(&checkpoint)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        match saved {
            Some(s) if s.config_hash == config_hash => {
                say(&format!("Resuming from {} ({} generation(s) done)\n", checkpoint.display(), s.generations.len()));
                state = s;
            }
            _ if args.force => {}
            _ => {
                return Err(Failure::BadInput(format!(
                    "error: {} holds a different calibration (other scenario, targets, priors or settings)\n  hint: choose another --out, or add --force to start afresh there",
                    dir.display()
                )))
            }
        }
    } else if dir.is_dir()
        && std::fs::read_dir(&dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false)
        && !args.force
    {
        return Err(Failure::BadInput(format!("error: output directory {} already exists and holds no calibration\n  hint: choose another --out, or add --force", dir.display())));
    }
    std::fs::create_dir_all(&dir).map_err(io)?;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .map_err(io)?;
    let bar = super::progress_bar(
        args.quiet,
        None,
        "{spinner} {pos} parameter sets simulated [{elapsed_precise}] {msg}",
    );
    bar.set_message(format!("generation {}", state.generations.len()));
    let started = std::time::Instant::now();
    let problem = Problem {
        scenario: &scenario,
        priors: &priors,
        targets: &targets,
    };
    let state = pool
        .install(|| {
            abc::run(
                &problem,
                &settings,
                state,
                || bar.inc(1),
                |s| {
                    bar.set_message(format!(
                        "generation {} (epsilon {:.3})",
                        s.generations.len(),
                        s.generations.last().map_or(f64::NAN, |g| g.epsilon)
                    ));
                    let bytes = serde_json::to_vec(s).map_err(|e| e.to_string())?;
                    write_file_atomically(&checkpoint, &bytes).map_err(|e| e.to_string())?;
                    let gens = report::generations_csv(s).map_err(|e| e.to_string())?;
                    write_file_atomically(&dir.join("generations.csv"), &gens)
                        .map_err(|e| e.to_string())
                },
            )
        })
        .map_err(Failure::Run)?;
    bar.finish_and_clear();

    let summary = report::posterior_summary(&state, &priors);
    let best = report::best_particle(&state).unwrap_or_default();
    let fit_seed = pioneer::engine::rng::splitmix64(args.seed ^ 0xF17_F17);
    let fit = pool.install(|| {
        // The fit uses independent replications, in parallel chunks.
        problem.fit(&best, args.fit_replications.max(1), fit_seed)
    });
    let best_scenario = problem
        .scenario_with(&best)
        .ok_or_else(|| Failure::Run("best parameters give an invalid scenario".into()))?;
    let plan = Plan::new(&best_scenario);
    let fits = report::target_fits(&plan, &targets, &fit);
    for (name, bytes) in [
        (
            "posterior.csv",
            report::posterior_csv(&state, &priors).map_err(io)?,
        ),
        (
            "posterior_summary.csv",
            report::posterior_summary_csv(&summary, &priors).map_err(io)?,
        ),
        ("fit.csv", report::fit_csv(&fits).map_err(io)?),
    ] {
        write_file_atomically(&dir.join(name), &bytes).map_err(io)?;
    }

    let mut out = String::new();
    let sims: u64 = state.generations.iter().map(|g| g.simulations).sum();
    out.push_str(&format!(
        "Calibration of `{}`: {} generation(s), {} parameter sets × {} replications simulated in {:.1} s\n\n",
        scenario.raw().meta.name,
        state.generations.len(),
        sims,
        settings.replications,
        started.elapsed().as_secs_f64()
    ));
    out.push_str(&format!(
        "{:<40} {:>12} {:>12} {:>12} {:>12}\n",
        "parameter", "median", "5%", "95%", "best"
    ));
    for r in &summary {
        out.push_str(&format!(
            "{:<40} {:>12.4} {:>12.4} {:>12.4} {:>12.4}\n",
            r.path, r.median, r.p05, r.p95, r.best
        ));
    }
    out.push_str(&format!(
        "\nFit of the best-supported parameters ({} independent replications)\n",
        args.fit_replications
    ));
    out.push_str(&format!(
        "{:<28} {:>12} {:>12} {:>25} {:>6}\n",
        "target", "observed", "median", "10%–90%", "met"
    ));
    for f in &fits {
        out.push_str(&format!(
            "{:<28} {:>12} {:>12} {:>25} {:>6}\n",
            f.id,
            f.observed,
            f.median,
            format!("{} – {}", f.p10, f.p90),
            if f.met { "yes" } else { "NO" }
        ));
    }
    out.push_str(&format!("\nOutputs in {}\n", dir.display()));
    if let Some(w) = &args.write_scenario {
        let source = pioneer::scenario::inherit::effective_text(&args.scenario).map_err(io)?;
        let assignments: Vec<(KeyPath, f64)> = priors
            .iter()
            .map(|p| p.path.clone())
            .zip(best.iter().copied())
            .collect();
        let text = pioneer::calibrate::params::write_into_text(&source, &assignments)
            .map_err(Failure::Run)?;
        Scenario::from_toml(&text, &w.display().to_string())
            .map_err(|e| Failure::Run(e.to_string()))?;
        write_file_atomically(w, text.as_bytes()).map_err(io)?;
        out.push_str(&format!("Calibrated scenario written to {}\n", w.display()));
    }
    say(&out);
    Ok(())
}
