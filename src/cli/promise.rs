//! `pioneer promise`: what can a programme honestly promise?

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Args;

use pioneer::output::target::{OutputDir, Policy};
use pioneer::promise::output::{honest_rows, output_files};
use pioneer::promise::{scan, Followers, PromiseSpec, Step};
use pioneer::scenario::IsoDate;
use pioneer::util::names::file_stem;

use super::{load, progress_bar, say, target_failure, EnsembleArgs, Failure, SetArgs};

/// Arguments of `pioneer promise`.
#[derive(Debug, Args, Clone)]
pub struct PromiseArgs {
    /// Scenario TOML file (default: the embedded North West London scenario).
    scenario: Option<PathBuf>,
    /// Timetable milestone to promise (repeatable; default: pilot_start and wider_rollout): codesign_complete, toolkit_published, ea_signed_off, business_plan_approved, pilot_start (delivered as first_pilot_live; that name is accepted too), wider_rollout.
    #[arg(long = "milestone", value_name = "ID")]
    milestones: Vec<String>,
    /// First promised date, YYYY-MM-DD (default: each milestone's date in the scenario's timetable).
    #[arg(long, value_parser = date)]
    from: Option<NaiveDate>,
    /// Last promised date, YYYY-MM-DD (default: the scenario's horizon).
    #[arg(long, value_parser = date)]
    to: Option<NaiveDate>,
    /// Spacing of the promised dates: weeks or calendar months (1month, 3months, 2weeks). The honest search refines to the week.
    #[arg(long, default_value = "1month", value_parser = Step::parse)]
    step: Step,
    /// Confidence levels of the honest timetable: comma-separated probabilities above 0 and at most 1.
    #[arg(long, default_value = "0.5,0.8,0.9", value_parser = confidence)]
    confidence: Confidence,
    /// What promising the pilot start does to the milestones that follow it (business_plan_approved, wider_rollout): `shift` moves them by the same number of days, `keep` leaves them.
    #[arg(long, default_value = "shift", value_parser = Followers::parse)]
    followers: Followers,
    #[command(flatten)]
    ensemble: EnsembleArgs,
    #[command(flatten)]
    set: SetArgs,
    /// Output directory (default: a new directory results/promise-<scenario>-NNN).
    #[arg(short, long, visible_alias = "output")]
    out: Option<PathBuf>,
    /// Replace an existing --out directory (only one pioneer wrote).
    #[arg(long)]
    force: bool,
    /// No progress spinner.
    #[arg(short, long)]
    quiet: bool,
}

/// Confidence levels as parsed from `--confidence`.
#[derive(Debug, Clone)]
pub struct Confidence(Vec<f64>);

fn date(text: &str) -> Result<NaiveDate, String> {
    IsoDate::parse(text).map(|d| d.0).ok_or_else(|| {
        format!("expected a date written YYYY-MM-DD (e.g. 2014-04-01), found `{text}`")
    })
}

fn confidence(text: &str) -> Result<Confidence, String> {
    text.split(',')
        .map(|c| {
            let v: f64 = c.trim().parse().map_err(|_| {
                format!("expected comma-separated probabilities such as 0.5,0.8,0.9, found `{c}`")
            })?;
            if v > 0.0 && v <= 1.0 {
                Ok(v)
            } else {
                Err(format!(
                    "expected probabilities above 0 and at most 1, found {v} (a percentage? write 0.8 for 80%)"
                ))
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Confidence)
}

/// Runs the command.
pub fn promise(args: &PromiseArgs) -> Result<(), Failure> {
    let overrides = args.set.parse()?;
    let scenario = args
        .set
        .apply(load(args.scenario.as_deref())?, &overrides)?;
    let spec = PromiseSpec {
        milestones: args.milestones.clone(),
        from: args.from,
        to: args.to,
        step: args.step,
        confidence: args.confidence.0.clone(),
        replications: args.ensemble.replications,
        seed: args.ensemble.seed,
        followers: args.followers,
    };
    // Refuse an unusable --out before anything runs.
    let out = OutputDir::new(
        args.out.as_deref(),
        Path::new("results"),
        &format!("promise-{}", file_stem(&scenario.raw().meta.name)),
        Policy::one_shot(args.force),
    )
    .map_err(target_failure)?;
    let pool = args.ensemble.pool()?;
    let bar = progress_bar(
        args.quiet,
        None,
        "{spinner} {pos} replications of promises [{elapsed_precise}]",
    );
    let tick = || bar.inc(1);
    // Bad input (an unknown milestone, a promise the scenario cannot take)
    // is found before anything runs.
    let result = pool.install(|| scan(&scenario, &spec, Some(&tick)));
    bar.finish_and_clear();
    let s = result.map_err(|e| Failure::BadInput(format!("error: {e}")))?;

    let mut t = format!(
        "Promise scan of {}: {} replications per promise, seed {} (common random numbers)\n",
        s.scenario, spec.replications, spec.seed
    );
    for m in &s.milestones {
        t.push_str(&format!(
            "\n{} (delivered: {}; original promise {})\n  {:<12} {:>6}  {:<10} {:<25} {:>8}\n",
            m.key,
            m.delivered.id(),
            m.original,
            "promise",
            "P(by)",
            "median",
            "10%–90%",
            "re-plans"
        ));
        let show = |d: Option<NaiveDate>| d.map_or("after horizon".to_string(), |d| d.to_string());
        for p in m.points.iter().filter(|p| p.on_grid) {
            t.push_str(&format!(
                "  {:<12} {:>5.0}%  {:<10} {:<25} {:>8.2}\n",
                p.promise.to_string(),
                100.0 * p.p_delivered,
                show(p.median()),
                format!(
                    "{} – {}",
                    show(p.delivered_quantiles[0]),
                    show(p.delivered_quantiles[2])
                ),
                p.replans_mean
            ));
        }
        if let Some(e) = m.earliest_delivery() {
            t.push_str(&format!(
                "  earliest median delivery ({}) when promising {}\n",
                show(e.median()),
                e.promise
            ));
        }
        t.push_str("  honest timetable:\n");
        for r in honest_rows(m) {
            t.push_str(&format!(
                "    {:>4}: {:<26} P {:>4}  uplift {}{}\n",
                r[0],
                r[1],
                r[2],
                r[3],
                if r[4].is_empty() {
                    String::new()
                } else {
                    format!("  ({})", r[4])
                }
            ));
        }
    }
    say(&t);
    let files = output_files(&s, &scenario, std::env::args().collect())
        .map_err(|e| Failure::Run(e.to_string()))?;
    let dir = out.write(&files).map_err(target_failure)?;
    say(&format!("\nOutputs written to {}\n", dir.display()));
    Ok(())
}
