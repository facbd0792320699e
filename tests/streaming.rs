//! `pioneer run` streams: replications are simulated in blocks, written in
//! replication order as they finish, and summarised in bounded memory; the
//! outputs are the same bytes whatever the block size and the number of
//! threads, and the same as building them from every result held in memory.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::sync::Mutex;

use pioneer::output::target::{OutputDir, Policy};
use pioneer::{Ensemble, Plan, Scenario};
use tempfile::TempDir;

mod common;
use common::read_dir_files as read_dir;

const SEED: u64 = 11;
const REPLICATIONS: u32 = 23;

fn scenario(timeseries: &str) -> Scenario {
    let text = pioneer::scenario::DEFAULT_SCENARIO
        .replace(
            "timeseries = \"quantiles\"",
            &format!("timeseries = \"{timeseries}\""),
        )
        .replace("detail_replications = 50", "detail_replications = 7");
    Scenario::from_toml(&text, "streaming.toml").expect("valid scenario")
}

/// Streams the ensemble to a directory with `block` replications per block
/// on `threads` threads and returns every file written.
fn streamed(s: &Scenario, block: u32, threads: usize, dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = OutputDir::new(Some(dir), Path::new("."), "", Policy::one_shot(false)).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let (_, written, stats) = pool
        .install(|| {
            Ensemble::new(s)
                .seed(SEED)
                .replications(REPLICATIONS)
                .block(block)
                .write_to(&out, vec!["pioneer".into()])
        })
        .expect("written");
    assert!(stats.max_results_held <= 2 * block as usize);
    read_dir(&written)
}

#[test]
fn outputs_do_not_depend_on_block_size_or_threads_and_match_the_in_memory_build() {
    let tmp = TempDir::new().unwrap();
    for mode in ["quantiles", "replications"] {
        let s = scenario(mode);
        let runs = Ensemble::new(&s)
            .seed(SEED)
            .replications(REPLICATIONS)
            .run();
        let in_memory: BTreeMap<String, Vec<u8>> = runs
            .files(&runs.summary(), vec!["pioneer".into()])
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(in_memory.len(), 24); // with inputs/streaming.toml
        for (block, threads) in [(1, 1), (4, 2), (5, 1), (23, 2), (64, 2)] {
            let dir = tmp.path().join(format!("{mode}-{block}-{threads}"));
            let files = streamed(&s, block, threads, &dir);
            // Nothing else (no spill file) is left in the directory.
            assert_eq!(
                files.keys().collect::<Vec<_>>(),
                in_memory.keys().collect::<Vec<_>>(),
                "{mode}, block {block}, {threads} threads"
            );
            for (name, bytes) in &in_memory {
                assert!(
                    files[name] == *bytes,
                    "{name} differs ({mode}, block {block}, {threads} threads)"
                );
            }
        }
    }
}

#[test]
fn the_summary_alone_streams_to_the_same_numbers() {
    let tmp = TempDir::new().unwrap();
    let s = scenario("quantiles");
    let ensemble = Ensemble::new(&s).seed(SEED).replications(REPLICATIONS);
    let held = serde_json::to_string(&ensemble.run().summary()).unwrap();
    for block in [1, 3, 100] {
        let (summary, stats) = Ensemble::new(&s)
            .seed(SEED)
            .replications(REPLICATIONS)
            .block(block)
            .summarise_in(tmp.path())
            .unwrap();
        assert_eq!(serde_json::to_string(&summary).unwrap(), held);
        assert!(stats.max_results_held <= 2 * block as usize);
    }
    // The spill file was never visible.
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn results_held_at_once_are_bounded_by_the_block_size_not_the_replications() {
    let s = Scenario::default_nwl();
    let plan = Plan::new(&s);
    let block = 3u32;
    for replications in [10u32, 61] {
        let order = Mutex::new(Vec::new());
        let mut largest = 0;
        let stats = Ensemble::new(&s)
            .seed(SEED)
            .replications(replications)
            .block(block)
            .stream(&plan, |results| -> Result<(), ()> {
                largest = largest.max(results.len());
                order
                    .lock()
                    .unwrap()
                    .extend(results.iter().map(|r| r.replication));
                Ok(())
            })
            .unwrap();
        // Handed over in replication order, a block at a time.
        assert_eq!(
            order.into_inner().unwrap(),
            (0..replications).collect::<Vec<_>>()
        );
        assert_eq!(largest, block as usize);
        // The block written and the block simulated, whatever the replications.
        assert!(
            stats.max_results_held <= 2 * block as usize,
            "{replications} replications: {} held",
            stats.max_results_held
        );
        assert!(stats.max_results_held > block as usize);
    }
}

#[test]
fn a_sink_error_stops_the_stream() {
    let s = Scenario::default_nwl();
    let plan = Plan::new(&s);
    let mut calls = 0;
    let r = Ensemble::new(&s)
        .replications(20)
        .block(2)
        .stream(&plan, |_| {
            calls += 1;
            if calls == 3 {
                Err("disk full")
            } else {
                Ok(())
            }
        });
    assert_eq!(r, Err("disk full"));
    assert_eq!(calls, 3);
}

#[test]
fn a_streamed_comparison_does_not_depend_on_threads() {
    let base = Scenario::default_nwl();
    let mut raw = base.raw().clone();
    raw.switches.national_barriers = false;
    let other =
        Scenario::from_raw(raw, pioneer::scenario::DEFAULT_SCENARIO, "no_barriers").unwrap();
    let scenarios = [base, other];
    let tmp = TempDir::new().unwrap();
    let rows = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let c = pool
            .install(|| pioneer::compare::compare_in(&scenarios, SEED, 9, tmp.path()))
            .unwrap();
        serde_json::to_string(&c.rows).unwrap()
    };
    let one = rows(1);
    assert_eq!(one, rows(2));
    // Not vacuous: the scenarios differ in at least one paired difference.
    assert!(one.contains("difference"));
    assert_ne!(one, rows_of_seed(&scenarios, SEED + 1, tmp.path()));
    // The spill file was never visible.
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
}

fn rows_of_seed(scenarios: &[Scenario], seed: u64, dir: &Path) -> String {
    let c = pioneer::compare::compare_in(scenarios, seed, 9, dir).unwrap();
    serde_json::to_string(&c.rows).unwrap()
}
