//! criterion benches of the engine (`cargo bench --bench simulate`):
//!
//! - `one_tick`: one simulated week of the NWL scenario in the middle of
//!   the programme (`World::step`, the world built and advanced outside
//!   the timed region);
//! - `nwl`: one replication, a 200-replication ensemble and the plan
//!   compilation of the embedded North West London scenario;
//! - `england`: one replication of `scenarios/england.toml` (skipped with a
//!   note when the file is absent).
//!
//! Sample sizes and measurement times are kept small so that the whole run
//! takes about a minute; `scripts/bench.sh` gives the figures quoted against
//! the targets (CPU time and instruction counts, see docs/performance.md).

use std::path::Path;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion};
use pioneer::engine::world::World;
use pioneer::{run_ensemble, run_replication, EnsembleSpec, Plan, Scenario};

/// Master seed of every bench.
const SEED: u64 = 1;
/// The England-wide scenario (issue 11); its bench is skipped when absent.
const ENGLAND: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/england.toml");

/// A bench group with a 1 s warm-up, `measure_secs` of measurement and
/// `samples` samples (criterion's defaults, 3 s, 5 s and 100, would make the
/// whole run several minutes).
fn cheap_group<'a>(
    c: &'a mut Criterion,
    name: &str,
    measure_secs: u64,
    samples: usize,
) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(measure_secs));
    g.sample_size(samples);
    g
}

/// One replication of `plan`, a new replication index every iteration so
/// that the bench averages over trajectories rather than repeating one.
fn bench_one_replication(g: &mut BenchmarkGroup<'_, WallTime>, plan: &Plan) {
    g.bench_function("one_replication", |b| {
        let mut r = 0;
        b.iter(|| {
            r += 1;
            run_replication(plan, SEED, r)
        })
    });
}

/// Weeks run before the measured week: mid-2014, when the early adopters
/// are signed off and working (the busiest weeks of a replication).
const TICK_WEEK: u32 = 60;

/// One simulated week of the NWL scenario: a world is built and run up to
/// week `TICK_WEEK` outside the timed region, then one `step` is timed (not
/// one replication divided by its weeks, which would hide the set-up cost).
fn one_tick(c: &mut Criterion) {
    let scenario = Scenario::default_nwl();
    let plan = Plan::new(&scenario);
    let mut g = cheap_group(c, "one_tick", 3, 30);
    let mut replication = 0;
    g.bench_function("nwl_week_60", |b| {
        b.iter_batched_ref(
            || {
                replication += 1;
                let mut world = World::new(&plan, SEED, replication);
                for _ in 0..TICK_WEEK {
                    world.step(false);
                }
                world
            },
            |world| world.step(false),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn nwl(c: &mut Criterion) {
    let scenario = Scenario::default_nwl();
    let plan = Plan::new(&scenario);
    let mut g = cheap_group(c, "nwl", 3, 30);
    bench_one_replication(&mut g, &plan);
    g.sample_size(10);
    g.bench_function("ensemble_200", |b| {
        b.iter(|| {
            run_ensemble(
                &plan,
                EnsembleSpec {
                    seed: SEED,
                    replications: 200,
                },
                || {},
            )
        })
    });
    g.bench_function("plan_compile", |b| b.iter(|| Plan::new(&scenario)));
    g.finish();
}

fn england(c: &mut Criterion) {
    if !Path::new(ENGLAND).exists() {
        eprintln!("england: skipped, {ENGLAND} is missing");
        return;
    }
    let scenario = match Scenario::from_file(Path::new(ENGLAND)) {
        Ok(s) => s,
        Err(e) => panic!("{ENGLAND} does not load: {e}"),
    };
    let plan = Plan::new(&scenario);
    let mut g = cheap_group(c, "england", 5, 10);
    bench_one_replication(&mut g, &plan);
    g.finish();
}

criterion_group!(benches, one_tick, nwl, england);
criterion_main!(benches);
