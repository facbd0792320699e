//! Ensembles: many replications of one plan in parallel. Results come back
//! in replication order whatever the number of threads (rayon's indexed
//! collect), and each replication draws only from its own streams.
//!
//! [`Ensemble`] is the front door for library users: a scenario, a seed, a
//! number of replications and (optionally) a progress callback; its
//! [`Runs`] summarise themselves and write the standard output directory
//! (see `crate::output::run`).
//!
//! Large ensembles stream: [`stream_ensemble`] simulates replications in
//! blocks of a bounded size and hands each finished block, in replication
//! order, to a sink while the next block is being simulated, so at most two
//! blocks of results are held at once whatever the number of replications.

use rayon::prelude::*;

use super::plan::Plan;
use super::world::World;
use crate::observe::ReplicationResult;
use crate::scenario::Scenario;

/// Settings of an ensemble run.
#[derive(Debug, Clone, Copy)]
pub struct EnsembleSpec {
    /// Master seed.
    pub seed: u64,
    /// Number of replications.
    pub replications: u32,
}

/// Runs one replication.
pub fn run_replication(plan: &Plan, seed: u64, replication: u32) -> ReplicationResult {
    let parallel_agents =
        plan.agents.len() >= plan.params().engine.parallel_agents_threshold as usize;
    World::new(plan, seed, replication).run(parallel_agents)
}

/// Runs every replication in parallel on the current rayon pool; `progress`
/// is called once per finished replication (from worker threads).
pub fn run_ensemble<F>(plan: &Plan, spec: EnsembleSpec, progress: F) -> Vec<ReplicationResult>
where
    F: Fn() + Sync,
{
    run_range(plan, spec.seed, 0..spec.replications, &progress)
}

/// Runs replications `range` in parallel, results in replication order.
fn run_range(
    plan: &Plan,
    seed: u64,
    range: std::ops::Range<u32>,
    progress: &(dyn Fn() + Sync),
) -> Vec<ReplicationResult> {
    range
        .into_par_iter()
        .map(|r| {
            let result = run_replication(plan, seed, r);
            progress();
            result
        })
        .collect()
}

/// Replications simulated per block when streaming, unless set otherwise:
/// large enough to keep every worker thread busy between two hand-overs to
/// the sink, small enough that two blocks of results (one being written,
/// one being simulated) stay a few MiB for the default scenario (about
/// 50 KiB of results per North West London replication).
pub const DEFAULT_BLOCK: u32 = 64;

/// What streaming an ensemble held: the largest number of replication
/// results alive at once (the block being handed to the sink plus the one
/// being simulated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreamStats {
    /// High-water mark of results held at once.
    pub max_results_held: usize,
}

/// Runs every replication in blocks of `block` (at least 1) on the current
/// rayon pool and calls `sink` once per block, in replication order, with
/// the block's results; the next block is simulated while `sink` works.
/// Stops at the first error of `sink`. `progress` is called once per
/// finished replication (from worker threads).
pub fn stream_ensemble<E, F>(
    plan: &Plan,
    spec: EnsembleSpec,
    block: u32,
    progress: &(dyn Fn() + Sync),
    mut sink: F,
) -> Result<StreamStats, E>
where
    E: Send,
    F: FnMut(&[ReplicationResult]) -> Result<(), E> + Send,
{
    let block = block.max(1);
    let simulate = |start: u32| -> Vec<ReplicationResult> {
        let end = start.saturating_add(block).min(spec.replications);
        run_range(plan, spec.seed, start..end, progress)
    };
    let mut stats = StreamStats::default();
    let mut start = 0;
    let mut current = simulate(start);
    while !current.is_empty() {
        start = start.saturating_add(block);
        let (next, written) = rayon::join(|| simulate(start), || sink(&current));
        stats.max_results_held = stats.max_results_held.max(current.len() + next.len());
        written?;
        current = next;
    }
    Ok(stats)
}

/// An ensemble to run: `Ensemble::new(&scenario).seed(7).replications(500).run()`.
/// Defaults: seed 1, 200 replications (as `pioneer run`), no progress
/// reports. Replications run on the current rayon pool (install a pool to
/// choose the number of threads; results do not depend on it).
pub struct Ensemble<'a> {
    scenario: &'a Scenario,
    spec: EnsembleSpec,
    progress: Option<&'a (dyn Fn() + Sync)>,
    block: u32,
}

impl<'a> Ensemble<'a> {
    /// An ensemble of `scenario` with the default seed and size.
    pub fn new(scenario: &'a Scenario) -> Ensemble<'a> {
        Ensemble {
            scenario,
            spec: EnsembleSpec {
                seed: 1,
                replications: 200,
            },
            progress: None,
            block: DEFAULT_BLOCK,
        }
    }

    /// The master seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.spec.seed = seed;
        self
    }

    /// The number of replications.
    pub fn replications(mut self, replications: u32) -> Self {
        self.spec.replications = replications;
        self
    }

    /// Called once per finished replication, from worker threads.
    pub fn progress(mut self, progress: &'a (dyn Fn() + Sync)) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Replications per block when streaming (`Ensemble::stream`); results
    /// do not depend on it.
    pub fn block(mut self, block: u32) -> Self {
        self.block = block.max(1);
        self
    }

    /// The seed and size.
    pub fn spec(&self) -> EnsembleSpec {
        self.spec
    }

    /// The scenario.
    pub fn scenario(&self) -> &'a Scenario {
        self.scenario
    }

    /// Runs every replication on `plan` (compiled from this ensemble's
    /// scenario) in blocks, handing each block to `sink` in replication
    /// order (see [`stream_ensemble`]); holds at most two blocks of results.
    pub fn stream<E, F>(&self, plan: &Plan, sink: F) -> Result<StreamStats, E>
    where
        E: Send,
        F: FnMut(&[ReplicationResult]) -> Result<(), E> + Send,
    {
        let none = || {};
        let progress = self.progress.unwrap_or(&none);
        stream_ensemble(plan, self.spec, self.block, progress, sink)
    }

    /// Compiles the plan and runs every replication, holding them all (see
    /// `Ensemble::stream` for a bounded-memory run).
    pub fn run(self) -> Runs {
        let plan = Plan::new(self.scenario);
        let results = match self.progress {
            Some(p) => run_ensemble(&plan, self.spec, p),
            None => run_ensemble(&plan, self.spec, || {}),
        };
        Runs {
            plan,
            spec: self.spec,
            results,
        }
    }
}

/// The replications of an ensemble with the plan they ran on.
pub struct Runs {
    /// The compiled scenario.
    pub plan: Plan,
    /// Seed and size.
    pub spec: EnsembleSpec,
    /// One result per replication, in replication order.
    pub results: Vec<ReplicationResult>,
}
