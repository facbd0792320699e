//! Measurement probe for `scripts/bench.sh`: runs R replications of one
//! scenario one after another on the calling thread and prints, as
//! `key=value` lines, the plan's size (agents, weeks) and the CPU and wall
//! time of the replication loop alone (scenario loading and plan
//! compilation are outside the timed region).
//!
//! `cargo run --release --example bench_probe [SCENARIO.toml] [REPLICATIONS]`
//!
//! Without arguments it runs 20 replications of the embedded North West
//! London scenario. With 0 replications it only loads the scenario and
//! compiles the plan: `scripts/bench.sh` subtracts such a run from a run of
//! R replications under callgrind to count the instructions of the
//! replications alone.
//!
//! CPU time is the sum over the process's threads of the run time the
//! kernel records in `/proc/self/task/*/schedstat` (nanoseconds), so it
//! stays right if the engine uses a worker thread; where that file is
//! missing (not Linux) `cpu_seconds=n/a` is printed.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use pioneer::{run_replication, Plan, Scenario};

/// Replications run when none are given (keeps `.ci/run` quick).
const DEFAULT_REPLICATIONS: u32 = 20;
/// Master seed of the probe (any fixed seed would do).
const SEED: u64 = 1;

fn main() {
    let mut scenario_path = None;
    let mut replications = DEFAULT_REPLICATIONS;
    for arg in std::env::args().skip(1) {
        match arg.parse::<u32>() {
            Ok(n) => replications = n,
            Err(_) => scenario_path = Some(arg),
        }
    }
    let scenario = match &scenario_path {
        Some(path) => match Scenario::from_file(Path::new(path)) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("bench_probe: {e}");
                std::process::exit(2);
            }
        },
        None => Scenario::default_nwl(),
    };
    let plan = Plan::new(&scenario);
    let agents = plan.agents.len() as u64;
    let weeks = u64::from(plan.calendar.weeks());

    let cpu0 = process_cpu_ns();
    let wall0 = Instant::now();
    for r in 0..replications {
        black_box(run_replication(black_box(&plan), SEED, r));
    }
    let wall = wall0.elapsed().as_secs_f64();
    let cpu = match (cpu0, process_cpu_ns()) {
        (Some(a), Some(b)) => format!("{:.6}", b.saturating_sub(a) as f64 * 1e-9),
        _ => "n/a".to_string(),
    };

    println!("scenario={}", scenario.source_name());
    println!("agents={agents}");
    println!("weeks={weeks}");
    println!("agent_weeks_per_replication={}", agents * weeks);
    println!("replications={replications}");
    println!("cpu_seconds={cpu}");
    println!("wall_seconds={wall:.6}");
}

/// CPU time used so far by every thread of this process, in nanoseconds
/// (first field of each thread's `schedstat`), or `None` where unavailable.
fn process_cpu_ns() -> Option<u64> {
    let mut total = 0u64;
    for entry in std::fs::read_dir("/proc/self/task").ok()? {
        let path = entry.ok()?.path().join("schedstat");
        let text = std::fs::read_to_string(path).ok()?;
        total += text.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}
