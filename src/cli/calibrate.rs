//! `pioneer calibrate`: ABC calibration of a scenario against a targets file.

use std::path::{Path, PathBuf};

use clap::Args;

use pioneer::calibrate::abc::{
    cpu_time, AbcSettings, MAX_GENERATIONS, MAX_OVERSAMPLE, MAX_PARTICLES,
};
use pioneer::calibrate::job::{CalibrateError, Calibration, Source};
use pioneer::output::target::{write_file_atomically, OutputDir, Policy};
use pioneer::scenario::{InputKind, LoadError};

use super::{
    count, load, replications_cost, say, target_failure, threads, Failure, MAX_REPLICATIONS,
};

fn particles_cost(n: u64) -> String {
    format!(
        "weighting one generation of {n} particles compares every particle with every other ({:.1e} kernel evaluations), and the rejection step alone simulates at least {n} parameter sets",
        (n as f64) * (n as f64)
    )
}

fn generations_cost(n: u64) -> String {
    format!(
        "{n} generations of the default 200 particles × 20 replications would take {}",
        cpu_time(n as f64 * 4000.0)
    )
}

fn oversample_cost(n: u64) -> String {
    format!(
        "the rejection step would draw {n} parameter sets per particle kept: with the default 200 particles × 20 replications {}",
        cpu_time(n as f64 * 4000.0)
    )
}

/// Arguments of `pioneer calibrate`.
#[derive(Debug, Args, Clone)]
pub struct CalibrateArgs {
    /// Scenario to calibrate.
    scenario: PathBuf,
    /// Applied to the scenario calibrated (before the priors' parameters).
    #[command(flatten)]
    set: super::SetArgs,
    /// Targets file (observed quantities with tolerances).
    #[arg(long)]
    targets: PathBuf,
    /// Priors file (one prior per parameter path).
    #[arg(long)]
    params: PathBuf,
    /// Particles per generation (2 to MAX_PARTICLES).
    #[arg(long, default_value_t = 200, value_parser = count::<usize>(2, MAX_PARTICLES as u64, "MAX_PARTICLES", particles_cost))]
    particles: usize,
    /// ABC-PMC generations after the rejection step (0 to MAX_GENERATIONS).
    #[arg(long, default_value_t = 4, value_parser = count::<usize>(0, MAX_GENERATIONS as u64, "MAX_GENERATIONS", generations_cost))]
    generations: usize,
    /// Replications simulated per parameter set.
    #[arg(long, default_value_t = 20, value_parser = count::<u32>(1, MAX_REPLICATIONS as u64, "MAX_REPLICATIONS", replications_cost))]
    replications: u32,
    /// Draws in the rejection step per particle kept (1 to MAX_OVERSAMPLE).
    #[arg(long, default_value_t = 5, value_parser = count::<usize>(1, MAX_OVERSAMPLE as u64, "MAX_OVERSAMPLE", oversample_cost))]
    oversample: usize,
    /// Replications for the final fit of the best-supported parameters (independent seeds).
    #[arg(long, default_value_t = 1000, value_parser = count::<u32>(1, MAX_REPLICATIONS as u64, "MAX_REPLICATIONS", replications_cost))]
    fit_replications: u32,
    /// Seed.
    #[arg(short, long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(short = 'j', long, value_parser = threads)]
    threads: Option<u32>,
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

fn read(path: &Path, kind: InputKind) -> Result<Source, Failure> {
    pioneer::scenario::read_input(path, kind)
        .map(|text| Source {
            name: path.display().to_string(),
            text,
        })
        .map_err(|e| match e {
            LoadError::Io { .. } => Failure::BadInput(format!("error: {e}")),
            LoadError::Invalid(_) => Failure::BadInput(e.to_string()),
        })
}

fn calibrate_failure(e: CalibrateError) -> Failure {
    match e {
        CalibrateError::Target(t) => target_failure(t),
        CalibrateError::Damaged { .. } => Failure::BadInput(format!(
            "error: {e}\n  hint: choose another --out, or add --force to start afresh there"
        )),
        other => Failure::Run(other.to_string()),
    }
}

/// Runs the command.
pub fn calibrate(args: &CalibrateArgs) -> Result<(), Failure> {
    let overrides = args.set.parse()?;
    let scenario = args.set.apply(load(Some(&args.scenario))?, &overrides)?;
    let settings = AbcSettings {
        particles: args.particles,
        generations: args.generations,
        replications: args.replications,
        seed: args.seed,
        oversample: args.oversample,
        ..AbcSettings::default()
    };
    // Each size is within its limit (the parsers); their product is checked here, before anything runs.
    settings.check().map_err(|e| {
        Failure::BadInput(format!(
            "error: {e}\n  hint: fewer particles, replications, oversample or generations"
        ))
    })?;
    let calibration = Calibration::new(
        scenario,
        read(&args.targets, InputKind::Targets)?,
        read(&args.params, InputKind::Priors)?,
        settings,
        args.fit_replications,
    )
    .map_err(|e| Failure::BadInput(e.to_string()))?;
    if let Some(w) = &args.write_scenario {
        if w.exists() && !args.force {
            return Err(Failure::BadInput(format!(
                "error: {} already exists\n  hint: choose another --write-scenario, or add --force",
                w.display()
            )));
        }
    }
    let name = calibration.scenario.raw().meta.name.clone();
    let out = OutputDir::new(
        args.out.as_deref(),
        Path::new("results"),
        &format!("{}-calibration", super::file_stem(&name)),
        Policy::resumable(args.force),
    )
    .map_err(target_failure)?;
    let job = calibration
        .open(&out, std::env::args().collect())
        .map_err(calibrate_failure)?;
    if job.resumed() {
        say(&format!(
            "Resuming from {} ({} generation(s) done)\n",
            job.dir().display(),
            job.generations_done()
        ));
    }

    let pool = super::pool(args.threads)?;
    let bar = super::progress_bar(
        args.quiet,
        None,
        "{spinner} {pos} parameter sets simulated [{elapsed_precise}] {msg}",
    );
    bar.set_message(format!("generation {}", job.generations_done()));
    let started = std::time::Instant::now();
    let outcome = pool
        .install(|| {
            job.run(
                || bar.inc(1),
                |s| {
                    bar.set_message(format!(
                        "generation {} (epsilon {:.3})",
                        s.generations.len(),
                        s.generations.last().map_or(f64::NAN, |g| g.epsilon)
                    ))
                },
            )
        })
        .map_err(calibrate_failure)?;
    bar.finish_and_clear();

    let mut out = String::new();
    let sims: u64 = outcome
        .state
        .generations
        .iter()
        .map(|g| g.simulations)
        .sum();
    out.push_str(&format!(
        "Calibration of `{}`: {} generation(s), {} parameter sets × {} replications simulated in {:.1} s\n\n",
        name,
        outcome.state.generations.len(),
        sims,
        calibration.settings.replications,
        started.elapsed().as_secs_f64()
    ));
    out.push_str(&format!(
        "{:<40} {:>12} {:>12} {:>12} {:>12}\n",
        "parameter", "median", "5%", "95%", "best"
    ));
    for r in &outcome.summary {
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
    for f in &outcome.fits {
        out.push_str(&format!(
            "{:<28} {:>12} {:>12} {:>25} {:>6}\n",
            f.id,
            f.observed,
            f.median,
            format!("{} – {}", f.p10, f.p90),
            if f.met { "yes" } else { "NO" }
        ));
    }
    out.push_str(&format!("\nOutputs in {}\n", outcome.dir.display()));
    if let Some(w) = &args.write_scenario {
        let source = pioneer::scenario::inherit::effective_text(&args.scenario)
            .map_err(|e| Failure::Run(e.to_string()))?;
        let text = calibration
            .write_back(&source, &outcome, &w.display().to_string())
            .map_err(calibrate_failure)?;
        write_file_atomically(w, text.as_bytes()).map_err(|e| Failure::Run(e.to_string()))?;
        out.push_str(&format!("Calibrated scenario written to {}\n", w.display()));
    }
    say(&out);
    Ok(())
}
