//! Ensembles: many replications of one plan in parallel. Results come back
//! in replication order whatever the number of threads (rayon's indexed
//! collect), and each replication draws only from its own streams.
//!
//! [`Ensemble`] is the front door for library users: a scenario, a seed, a
//! number of replications and (optionally) a progress callback; its
//! [`Runs`] summarise themselves and write the standard output directory
//! (see `crate::output::run`).

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
    (0..spec.replications)
        .into_par_iter()
        .map(|r| {
            let result = run_replication(plan, spec.seed, r);
            progress();
            result
        })
        .collect()
}

/// An ensemble to run: `Ensemble::new(&scenario).seed(7).replications(500).run()`.
/// Defaults: seed 1, 200 replications (as `pioneer run`), no progress
/// reports. Replications run on the current rayon pool (install a pool to
/// choose the number of threads; results do not depend on it).
pub struct Ensemble<'a> {
    scenario: &'a Scenario,
    spec: EnsembleSpec,
    progress: Option<&'a (dyn Fn() + Sync)>,
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

    /// Compiles the plan and runs every replication.
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
