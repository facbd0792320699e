//! Ensembles: many replications of one plan in parallel. Results come back
//! in replication order whatever the number of threads (rayon's indexed
//! collect), and each replication draws only from its own streams.

use rayon::prelude::*;

use super::plan::Plan;
use super::world::World;
use crate::observe::ReplicationResult;

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
    (0..spec.replications)
        .into_par_iter()
        .map(|r| {
            let result = run_replication(plan, spec.seed, r);
            progress();
            result
        })
        .collect()
}
