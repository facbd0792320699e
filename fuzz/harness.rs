//! What each fuzz target does with one input. Included with
//! `#[path = ...] mod harness;` by the libFuzzer binaries in
//! fuzz/fuzz_targets/ and by tests/fuzz_regressions.rs (which replays the
//! committed corpus and every fixed crash under stable `cargo test`), so the
//! two can never drift apart.
//!
//! Contract: a loader returning an error is the correct answer to a bad input
//! and is ignored; a panic, an abort (allocation failure, stack overflow) or a
//! hang is a bug. Inputs are bytes; bytes that are not UTF-8 end the run (the
//! loaders take `&str`; reading a file is the command line's job).
//!
//! Files that an input names (`extends` in a scenario, `scenario` in a sweep):
//! a fuzz input has no directory of its own, so each target pretends the
//! input was read from a fixed place in this repository, where the seed
//! corpora come from: a scenario from `scenarios/variants/`, a sweep from
//! `scenarios/sweeps/`. `extends = "../nwl_wsic_2013.toml"` and
//! `scenario = "../nwl_wsic_2013.toml"` therefore resolve to the default
//! scenario (so inheritance and the sweep's base are exercised), any other
//! path to whatever that path names (usually nothing: a load error, fine).
//! Targets and priors files are validated against the default scenario, as
//! `pioneer calibrate` validates them against the scenario it calibrates.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pioneer::calibrate::abc::Problem;
use pioneer::calibrate::{priors, targets};
use pioneer::engine::plan::Plan;
use pioneer::scenario::raw::RawScenario;
use pioneer::sweep::{Design, Sweep};
use pioneer::{Ensemble, ReplicationResult, Scenario};
use rand::SeedableRng;

/// The fuzz targets, by name (the directories under fuzz/corpus/).
pub const TARGETS: [&str; 4] = ["scenario", "sweep", "targets", "priors"];

/// Runs the target `name` on `data` (for the regression test).
pub fn run(name: &str, data: &[u8]) {
    match name {
        "scenario" => scenario(data),
        "sweep" => sweep(data),
        "targets" => targets(data),
        "priors" => priors(data),
        other => panic!("unknown fuzz target `{other}`"),
    }
}

/// A simulated period short enough for one replication per input (weeks).
/// The default scenario simulates about 150 weeks.
pub const MAX_RUN_WEEKS: i64 = 8 * 52;
/// Agents of every kind together, for one replication per input (the
/// default scenario has about 500).
pub const MAX_RUN_AGENTS: u64 = 2_000;
/// Entries of any list that makes per-tick or per-pair work (working groups,
/// bodies, early adopters, milestones, leaders, barriers, …).
pub const MAX_RUN_LIST: usize = 64;
/// Sweep design points whose scenarios are built (first and last only).
pub const MAX_SWEEP_POINTS_CHECKED: usize = 2;

/// The repository root (fuzz/ sits in it; the regression test runs in it).
pub fn repo_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    if here.join("fuzz").join("harness.rs").exists() {
        here.to_path_buf()
    } else {
        here.parent().unwrap_or(here).to_path_buf()
    }
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// The default scenario, its plan and one replication of it (built once).
fn default_world() -> &'static (Scenario, Plan, ReplicationResult) {
    static WORLD: OnceLock<(Scenario, Plan, ReplicationResult)> = OnceLock::new();
    WORLD.get_or_init(|| {
        let s = Scenario::default_nwl();
        let plan = Plan::new(&s);
        let r = pioneer::run_replication(&plan, 1, 0);
        (s, plan, r)
    })
}

/// Whether one replication of this (validated) scenario is cheap enough to
/// run for every fuzz input: a bounded horizon, agents and lists.
pub fn small(raw: &RawScenario) -> bool {
    let weeks = (raw.calendar.horizon.0 - raw.calendar.start.0).num_weeks();
    let o = &raw.organisations;
    let agents: u64 = [
        &o.ccg,
        &o.local_authority,
        &o.acute_trust,
        &o.community_trust,
        &o.gp_practice,
        &o.third_sector,
        &o.lay_partner,
    ]
    .iter()
    .map(|k| u64::from(k.count))
    .sum();
    let members: u64 = raw
        .bodies
        .iter()
        .flat_map(|b| b.members.values())
        .chain(raw.codesign.members.values())
        .chain(raw.early_adopters.iter().flat_map(|e| e.members.values()))
        .map(|&n| u64::from(n))
        .sum();
    let lists = [
        raw.codesign.working_groups.len(),
        raw.bodies.len(),
        raw.bodies
            .iter()
            .map(|b| b.schedule.len() + b.dates.len())
            .sum(),
        raw.early_adopters.len(),
        raw.journey.len(),
        raw.barriers.len(),
        raw.leadership.leaders.len(),
        raw.funding.tranches.len(),
        raw.budget.len(),
        raw.consultancy.contracts.len(),
        raw.record.quantiles.len(),
        raw.record.checkpoints.len(),
    ];
    (0..=MAX_RUN_WEEKS).contains(&weeks)
        && agents <= MAX_RUN_AGENTS
        && members <= MAX_RUN_AGENTS * 4
        && lists.iter().all(|&n| n <= MAX_RUN_LIST)
}

/// One replication through the public engine API, with the summary and the
/// per-replication tables a run writes.
pub fn run_once(s: &Scenario) {
    let runs = Ensemble::new(s).seed(1).replications(1).run();
    let _ = runs.summary();
    let writers = pioneer::output::export::RecordWriters::new(&runs.plan, |_| {
        Ok::<_, pioneer::output::export::ExportError>(Vec::new())
    });
    if let Ok(mut writers) = writers {
        for r in &runs.results {
            let _ = writers.add(&runs.plan, r);
        }
        let _ = writers.finish();
    }
}

/// `scenario`: parse, inherit, validate; a small valid scenario runs once.
pub fn scenario(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let name = repo_root()
        .join("scenarios/variants/fuzz-input.toml")
        .display()
        .to_string();
    let Ok(s) = Scenario::from_toml(text, &name) else {
        return;
    };
    if small(s.raw()) {
        run_once(&s);
    }
}

/// `sweep`: parse and validate a sweep file (with its base scenario), build
/// its design, and build the scenarios of its first and last points (and,
/// if small, run each once).
pub fn sweep(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let dir = repo_root().join("scenarios/sweeps");
    let Ok(sweep) = Sweep::from_toml(text, "fuzz-input.toml", &dir) else {
        return;
    };
    let _ = pioneer::sweep::runner::runs_header(&sweep);
    let Ok(design) = Design::build(&sweep) else {
        return;
    };
    let _ = pioneer::sweep::runner::design_csv(&sweep, &design);
    let n = design.points();
    let mut points: Vec<usize> = vec![0, n.saturating_sub(1)];
    points.dedup();
    for &i in points.iter().take(MAX_SWEEP_POINTS_CHECKED) {
        if let Some(values) = design.values.get(i) {
            if let Ok(s) = sweep.scenario_at(values) {
                if small(s.raw()) {
                    run_once(&s);
                }
            }
        }
    }
}

/// `targets`: load and validate against the default scenario, then compute
/// every target's observed value and its value in one replication (as the
/// calibrator does for each parameter set).
pub fn targets(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let (s, plan, r) = default_world();
    let Ok(ts) = targets::load(text, "fuzz-input.toml", s) else {
        return;
    };
    for t in &ts {
        let _ = t.observed(plan);
        let _ = t.simulate(plan, r);
    }
}

/// `priors`: load and validate against the default scenario, then apply the
/// bounds, the midpoint and a few draws to the scenario (as the calibrator
/// does), compile each scenario that validates and, if small, run the ones
/// at the bounds once.
pub fn priors(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let (s, _, _) = default_world();
    let Ok(ps) = priors::load(text, "fuzz-input.toml", s) else {
        return;
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let mut thetas: Vec<Vec<f64>> = vec![
        ps.iter().map(|p| p.spec.min).collect(),
        ps.iter().map(|p| p.spec.max).collect(),
        ps.iter()
            .map(|p| p.spec.min / 2.0 + p.spec.max / 2.0)
            .collect(),
    ];
    for _ in 0..2 {
        thetas.push(ps.iter().map(|p| p.sample(&mut rng)).collect());
    }
    let problem = Problem {
        scenario: s,
        priors: &ps,
        targets: &[],
    };
    for (i, theta) in thetas.iter().enumerate() {
        for (p, &x) in ps.iter().zip(theta) {
            let _ = p.density(x);
        }
        if let Some(s) = problem.scenario_with(theta) {
            if small(s.raw()) {
                // A replication at the bounds, where the extremes are; the
                // plan only at the midpoint and the draws.
                if i < 2 {
                    run_once(&s);
                } else {
                    let _ = Plan::new(&s);
                }
            }
        }
    }
}
