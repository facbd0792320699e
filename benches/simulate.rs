//! One replication and a 200-replication ensemble of the default scenario.

use criterion::{criterion_group, criterion_main, Criterion};
use pioneer::{run_ensemble, run_replication, EnsembleSpec, Plan, Scenario};

fn bench(c: &mut Criterion) {
    let scenario = Scenario::default_nwl();
    let plan = Plan::new(&scenario);
    let mut g = c.benchmark_group("default_scenario");
    g.bench_function("one_replication", |b| {
        let mut r = 0;
        b.iter(|| {
            r += 1;
            run_replication(&plan, 1, r)
        })
    });
    g.sample_size(10);
    g.bench_function("ensemble_200", |b| {
        b.iter(|| {
            run_ensemble(
                &plan,
                EnsembleSpec {
                    seed: 1,
                    replications: 200,
                },
                || {},
            )
        })
    });
    g.bench_function("plan_compile", |b| b.iter(|| Plan::new(&scenario)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
