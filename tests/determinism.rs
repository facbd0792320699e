//! The same scenario and seed give byte-identical outputs whatever the number
//! of threads; a different seed gives different results.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use pioneer::{run_ensemble, EnsembleSpec, Plan, ReplicationResult, Scenario};
use tempfile::TempDir;

mod common;

fn run_cli(cwd: &Path, out: &str, seed: u64, threads: u32) -> BTreeMap<String, Vec<u8>> {
    Command::cargo_bin("pioneer")
        .unwrap()
        .current_dir(cwd)
        .args([
            "run",
            "-n",
            "12",
            "-q",
            "--seed",
            &seed.to_string(),
            "--threads",
            &threads.to_string(),
            "--out",
            out,
        ])
        .assert()
        .code(0);
    common::read_dir_files(&cwd.join(out))
}

fn manifest(files: &BTreeMap<String, Vec<u8>>) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::from_slice(&files["manifest.json"]).expect("manifest.json is JSON") {
        serde_json::Value::Object(m) => m,
        other => panic!("manifest.json is not an object: {other}"),
    }
}

#[test]
fn outputs_are_byte_identical_across_thread_counts_and_runs() {
    let tmp = TempDir::new().unwrap();
    let a = run_cli(tmp.path(), "A", 5, 1);
    let b = run_cli(tmp.path(), "B", 5, 2);
    let c = run_cli(tmp.path(), "C", 5, 2);

    // Data (incl. workarounds.csv, memberships.csv and scope_decisions.csv),
    // 6 charts in SVG and PNG, report.html, manifest.json, inputs/ (the scenario).
    assert_eq!(a.len(), 24, "{:?}", a.keys().collect::<Vec<_>>());
    for (name, other) in [("B", &b), ("C", &c)] {
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            other.keys().collect::<Vec<_>>(),
            "same files in A and {name}"
        );
        for (file, bytes) in &a {
            if file != "manifest.json" {
                assert!(
                    bytes == &other[file],
                    "{file} differs between A (1 thread) and {name} (2 threads)"
                );
            }
        }
        // manifest.json: only the command line (it names --out and --threads) may differ.
        let (mut ma, mut mo) = (manifest(&a), manifest(other));
        assert!(
            ma.remove("command_line").is_some() && mo.remove("command_line").is_some(),
            "manifest has command_line"
        );
        assert_eq!(
            ma, mo,
            "manifest.json of A and {name} differ beyond command_line"
        );
    }
    let m = manifest(&a);
    assert_eq!(m["seed"], 5);
    assert_eq!(m["replications"], 12);

    // The comparison is not vacuous: another seed changes the results.
    let d = run_cli(tmp.path(), "D", 6, 2);
    assert_ne!(
        a["milestones.csv"], d["milestones.csv"],
        "seed 6 gives the same milestones.csv as seed 5"
    );
}

fn ensemble_in_pool(plan: &Plan, seed: u64, threads: usize) -> Vec<ReplicationResult> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        run_ensemble(
            plan,
            EnsembleSpec {
                seed,
                replications: 6,
            },
            || {},
        )
    })
}

#[test]
fn run_ensemble_does_not_depend_on_the_thread_pool() {
    let scenario = Scenario::default_nwl();
    let plan = Plan::new(&scenario);
    let one = ensemble_in_pool(&plan, 11, 1);
    let three = ensemble_in_pool(&plan, 11, 3);
    assert_eq!(one.len(), 6);
    assert!(one == three, "results differ between 1 and 3 threads");
    let again = ensemble_in_pool(&plan, 11, 3);
    assert!(
        three == again,
        "results differ between two runs on 3 threads"
    );
    let other_seed = ensemble_in_pool(&plan, 12, 3);
    // Compare what was simulated, not the ids (`seed` differs trivially).
    let simulated = |rs: &[ReplicationResult]| {
        rs.iter()
            .map(|r| (r.milestones.clone(), r.series.clone(), r.go_live.clone()))
            .collect::<Vec<_>>()
    };
    assert!(
        simulated(&one) != simulated(&other_seed),
        "seed 12 simulates the same as seed 11"
    );
    // Results come back in replication order, and replications differ from one another.
    assert_eq!(
        one.iter().map(|r| r.replication).collect::<Vec<_>>(),
        (0..6).collect::<Vec<u32>>()
    );
    assert!(
        one[0].series != one[1].series,
        "replications 0 and 1 simulate the same"
    );
}
