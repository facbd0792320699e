//! Approximate Bayesian computation: a rejection step over draws from the
//! priors, then generations of ABC population Monte Carlo (Beaumont et al.
//! 2009, Biometrika 96:983): each generation tightens the tolerance to a
//! quantile of the previous distances, proposes by perturbing weighted
//! particles with a Gaussian kernel of twice their weighted variance, and
//! re-weights by prior / kernel mixture.
//!
//! Determinism: every particle slot draws from its own stream keyed by
//! (seed, generation, slot), and every parameter set is simulated with the
//! same replication seeds (common random numbers), so results do not depend
//! on threads. Resumability: the state after each generation is a plain
//! serialisable value; continuing from it gives exactly what an
//! uninterrupted run gives.

use rand::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::priors::Prior;
use super::targets::Target;
use crate::engine::ensemble::run_replication;
use crate::engine::plan::Plan;
use crate::engine::rng::{stream, Purpose};
use crate::scenario::locate::KeyPath;
use crate::scenario::overrides;
use crate::scenario::Scenario;
use crate::util::stats::quantile_sorted;

/// Typical time one replication of the North West London scenario takes on
/// one core. Unit: seconds. Why: the order of magnitude measured for the
/// calibrated scenario; used only to tell a user what a size would cost
/// (limit messages of calibrations and sweeps), never to decide anything.
pub const REPLICATION_SECONDS: f64 = 0.0016;

/// The CPU time `replications` replications take at `REPLICATION_SECONDS`
/// each, in words ("about 3.2 days of CPU at 1.6 ms per replication").
pub fn cpu_time(replications: f64) -> String {
    let s = replications * REPLICATION_SECONDS;
    let (value, unit) = if s >= 2.0 * 365.0 * 86_400.0 {
        (s / (365.0 * 86_400.0), "years")
    } else if s >= 2.0 * 86_400.0 {
        (s / 86_400.0, "days")
    } else if s >= 2.0 * 3_600.0 {
        (s / 3_600.0, "hours")
    } else {
        (s / 60.0, "minutes")
    };
    let shown = if value >= 1e6 {
        format!("{value:.1e}")
    } else if value >= 10.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    };
    format!(
        "about {shown} {unit} of CPU at {} ms per replication",
        REPLICATION_SECONDS * 1000.0
    )
}

/// Most particles per generation. Unit: particles. Why: weighting a
/// generation compares every particle with every particle of the previous
/// one (particles² kernel evaluations, 10^10 here) and ABC posteriors are
/// stable with a few hundred to a few thousand. Protects: time, and memory
/// (a capacity overflow at 10^18).
pub const MAX_PARTICLES: usize = 100_000;

/// Most ABC-PMC generations after the rejection step. Unit: generations.
/// Why: each halves the tolerance (alpha 0.5), so 100 shrink it by 2^100,
/// far past any useful precision. Protects: the generation counter (which
/// wrapped at 2^64) and time (every generation simulates at least
/// particles × replications).
pub const MAX_GENERATIONS: usize = 100;

/// Most rejection-step draws per particle kept. Unit: draws. Why: beyond
/// 1,000 the rejection step is better replaced by more generations.
/// Protects: time of the rejection step.
pub const MAX_OVERSAMPLE: usize = 1_000;

/// Most replications a calibration may plan to simulate: particles ×
/// replications × (oversample + generations), the rejection step plus at
/// least one proposal per particle per generation. Unit: replications.
/// Why: 10^8 replications are about 2 days of CPU at `REPLICATION_SECONDS`
/// (hours on a cluster node). Protects: a calibration that could never
/// finish from starting and writing its directory.
pub const MAX_CALIBRATION_REPLICATIONS: u64 = 100_000_000;

/// Settings of a calibration run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AbcSettings {
    /// Particles per generation.
    pub particles: usize,
    /// Generations after the rejection step (0 = rejection only).
    pub generations: usize,
    /// Replications simulated per parameter set.
    pub replications: u32,
    /// Seed of the calibration (draws and simulations).
    pub seed: u64,
    /// Draws in the rejection step per particle kept.
    pub oversample: usize,
    /// Quantile of the previous generation's distances used as the next tolerance.
    pub alpha: f64,
    /// Proposals tried per particle slot before the best one is kept.
    pub max_attempts: usize,
}

impl AbcSettings {
    /// Checks every size against its limit (before anything runs): a
    /// message naming the limit and what the value would cost.
    pub fn check(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        if self.particles < 2 || self.particles > MAX_PARTICLES {
            problems.push(format!(
                "particles: expected at least 2 and at most MAX_PARTICLES = {MAX_PARTICLES} particles per generation, found {}",
                self.particles
            ));
        }
        if self.generations > MAX_GENERATIONS {
            problems.push(format!(
                "generations: expected at most MAX_GENERATIONS = {MAX_GENERATIONS}, found {}",
                self.generations
            ));
        }
        if self.oversample == 0 || self.oversample > MAX_OVERSAMPLE {
            problems.push(format!(
                "oversample: expected at least 1 and at most MAX_OVERSAMPLE = {MAX_OVERSAMPLE} draws per particle, found {}",
                self.oversample
            ));
        }
        if self.replications == 0 {
            problems.push("replications: expected at least 1 per parameter set, found 0".into());
        }
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        let planned = self.planned_replications();
        if planned > MAX_CALIBRATION_REPLICATIONS as f64 {
            return Err(format!(
                "particles × replications × (oversample + generations) = {} × {} × ({} + {}) = {planned:.3e} replications, above MAX_CALIBRATION_REPLICATIONS = {MAX_CALIBRATION_REPLICATIONS}: that would take {}",
                self.particles,
                self.replications,
                self.oversample,
                self.generations,
                cpu_time(planned)
            ));
        }
        Ok(())
    }

    /// The fewest replications the calibration simulates: the rejection
    /// step plus one proposal per particle per generation.
    pub fn planned_replications(&self) -> f64 {
        self.particles as f64
            * f64::from(self.replications)
            * (self.oversample as f64 + self.generations as f64)
    }
}

impl Default for AbcSettings {
    fn default() -> Self {
        AbcSettings {
            particles: 200,
            generations: 4,
            replications: 20,
            seed: 1,
            oversample: 5,
            alpha: 0.5,
            max_attempts: 200,
        }
    }
}

/// One accepted parameter set.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Particle {
    /// Parameter values, in priors order.
    pub theta: Vec<f64>,
    /// Normalised importance weight.
    pub weight: f64,
    /// Distance to the targets.
    pub distance: f64,
}

/// One generation of particles.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Generation {
    /// 0 for the rejection step.
    pub index: usize,
    /// Tolerance the particles met.
    pub epsilon: f64,
    /// Parameter sets simulated.
    pub simulations: u64,
    /// Particle slots that hit `max_attempts` (their best proposal was kept).
    pub exhausted: usize,
    /// The particles.
    pub particles: Vec<Particle>,
}

/// What a calibration has done so far (the checkpoint).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AbcState {
    /// Hash of everything that determines the result except the number of generations.
    pub config_hash: String,
    /// Completed generations.
    pub generations: Vec<Generation>,
}

/// The scenario, priors and targets being calibrated.
pub struct Problem<'a> {
    /// Base scenario.
    pub scenario: &'a Scenario,
    /// Priors.
    pub priors: &'a [Prior],
    /// Targets.
    pub targets: &'a [Target],
}

/// How a parameter set fits the targets.
#[derive(Debug, Clone)]
pub struct Fit {
    /// Root mean square of standardised deviations of the medians.
    pub distance: f64,
    /// Per target: the simulated values across replications, sorted.
    pub values: Vec<Vec<f64>>,
}

impl Problem<'_> {
    /// The scenario with these parameter values, if valid.
    pub fn scenario_with(&self, theta: &[f64]) -> Option<Scenario> {
        let assignments: Vec<(KeyPath, f64)> = self
            .priors
            .iter()
            .map(|p| p.path.clone())
            .zip(theta.iter().copied())
            .collect();
        let raw = overrides::set_all(self.scenario.raw(), &assignments).ok()?;
        Scenario::from_raw(raw, "", self.scenario.source_name()).ok()
    }

    /// Simulates `replications` runs with master seed `seed` and measures the fit.
    pub fn fit(&self, theta: &[f64], replications: u32, seed: u64) -> Fit {
        let Some(s) = self.scenario_with(theta) else {
            return Fit {
                distance: f64::INFINITY,
                values: Vec::new(),
            };
        };
        let plan = Plan::new(&s);
        let runs: Vec<_> = (0..replications)
            .map(|r| run_replication(&plan, seed, r))
            .collect();
        let mut values = Vec::with_capacity(self.targets.len());
        let mut sum_sq = 0.0;
        for t in self.targets {
            let mut v: Vec<f64> = runs.iter().map(|r| t.simulate(&plan, r)).collect();
            v.sort_by(f64::total_cmp);
            let median = quantile_sorted(&v, 0.5);
            let dev = (median - t.observed(&plan)) / t.spec.tolerance;
            sum_sq += dev * dev;
            values.push(v);
        }
        Fit {
            distance: (sum_sq / self.targets.len() as f64).sqrt(),
            values,
        }
    }
}

fn simulation_seed(settings: &AbcSettings) -> u64 {
    crate::engine::rng::splitmix64(settings.seed ^ 0xCA11_B7A7_E000_0001)
}

/// Runs (or continues) a calibration. `on_evaluation` is called after every
/// simulated parameter set; `on_generation` after every completed generation
/// with the state to save (an error there stops the run).
pub fn run<E, G>(
    problem: &Problem,
    settings: &AbcSettings,
    mut state: AbcState,
    on_evaluation: E,
    mut on_generation: G,
) -> Result<AbcState, String>
where
    E: Fn() + Sync,
    G: FnMut(&AbcState) -> Result<(), String>,
{
    let sim_seed = simulation_seed(settings);
    let dims = problem.priors.len();
    while state.generations.len() <= settings.generations {
        let g = state.generations.len();
        let generation = if g == 0 {
            let draws = settings.particles * settings.oversample.max(1);
            let mut evaluated: Vec<(usize, Vec<f64>, f64)> = (0..draws)
                .into_par_iter()
                .map(|i| {
                    let mut rng = stream(settings.seed, 0, i as u64, Purpose::Calibrate);
                    let theta: Vec<f64> =
                        problem.priors.iter().map(|p| p.sample(&mut rng)).collect();
                    let d = problem
                        .fit(&theta, settings.replications, sim_seed)
                        .distance;
                    on_evaluation();
                    (i, theta, d)
                })
                .collect();
            evaluated.sort_by(|a, b| a.2.total_cmp(&b.2).then(a.0.cmp(&b.0)));
            evaluated.truncate(settings.particles);
            let n = evaluated.len() as f64;
            Generation {
                index: 0,
                epsilon: evaluated.last().map_or(f64::INFINITY, |x| x.2),
                simulations: draws as u64,
                exhausted: 0,
                particles: evaluated
                    .into_iter()
                    .map(|(_, theta, distance)| Particle {
                        theta,
                        weight: 1.0 / n,
                        distance,
                    })
                    .collect(),
            }
        } else {
            let prev = &state.generations[g - 1];
            let mut distances: Vec<f64> = prev.particles.iter().map(|p| p.distance).collect();
            distances.sort_by(f64::total_cmp);
            let epsilon = quantile_sorted(&distances, settings.alpha);
            let kernel_sd: Vec<f64> = (0..dims)
                .map(|k| {
                    let mean: f64 = prev.particles.iter().map(|p| p.weight * p.theta[k]).sum();
                    let var: f64 = prev
                        .particles
                        .iter()
                        .map(|p| p.weight * (p.theta[k] - mean).powi(2))
                        .sum();
                    (2.0 * var).sqrt().max(1e-12)
                })
                .collect();
            let cumulative: Vec<f64> = prev
                .particles
                .iter()
                .scan(0.0, |acc, p| {
                    *acc += p.weight;
                    Some(*acc)
                })
                .collect();
            let slots: Vec<(Particle, u64, bool)> = (0..settings.particles)
                .into_par_iter()
                .map(|i| {
                    let mut rng = stream(settings.seed, g as u64, i as u64, Purpose::Calibrate);
                    let mut best: Option<(Vec<f64>, f64)> = None;
                    let mut sims = 0u64;
                    for _ in 0..settings.max_attempts.max(1) {
                        let u: f64 =
                            rng.random::<f64>() * cumulative.last().copied().unwrap_or(1.0);
                        let j = cumulative
                            .partition_point(|&c| c < u)
                            .min(prev.particles.len() - 1);
                        let theta: Vec<f64> = (0..dims)
                            .map(|k| {
                                prev.particles[j].theta[k]
                                    + kernel_sd[k] * crate::util::random::standard_normal(&mut rng)
                            })
                            .collect();
                        if problem
                            .priors
                            .iter()
                            .zip(&theta)
                            .any(|(p, &x)| p.density(x) == 0.0)
                        {
                            continue;
                        }
                        let d = problem
                            .fit(&theta, settings.replications, sim_seed)
                            .distance;
                        sims += 1;
                        on_evaluation();
                        let better = best.as_ref().is_none_or(|b| d < b.1);
                        if better {
                            best = Some((theta, d));
                        }
                        if d <= epsilon {
                            break;
                        }
                    }
                    let (theta, distance) = best.unwrap_or_else(|| {
                        (prev.particles[0].theta.clone(), prev.particles[0].distance)
                    });
                    let exhausted = distance > epsilon;
                    let prior: f64 = problem
                        .priors
                        .iter()
                        .zip(&theta)
                        .map(|(p, &x)| p.density(x))
                        .product();
                    let mixture: f64 = prev
                        .particles
                        .iter()
                        .map(|q| {
                            q.weight
                                * (0..dims)
                                    .map(|k| gaussian((theta[k] - q.theta[k]) / kernel_sd[k]))
                                    .product::<f64>()
                        })
                        .sum();
                    let weight = if mixture > 0.0 { prior / mixture } else { 0.0 };
                    (
                        Particle {
                            theta,
                            weight,
                            distance,
                        },
                        sims,
                        exhausted,
                    )
                })
                .collect();
            let total: f64 = slots.iter().map(|s| s.0.weight).sum();
            let n = slots.len() as f64;
            Generation {
                index: g,
                epsilon,
                simulations: slots.iter().map(|s| s.1).sum(),
                exhausted: slots.iter().filter(|s| s.2).count(),
                particles: slots
                    .into_iter()
                    .map(|(mut p, _, _)| {
                        p.weight = if total > 0.0 {
                            p.weight / total
                        } else {
                            1.0 / n
                        };
                        p
                    })
                    .collect(),
            }
        };
        state.generations.push(generation);
        on_generation(&state)?;
    }
    Ok(state)
}

fn gaussian(z: f64) -> f64 {
    (-0.5 * z * z).exp()
}

/// Weighted quantile of values with weights (the smallest value whose
/// cumulative weight reaches q).
pub fn weighted_quantile(values: &[f64], weights: &[f64], q: f64) -> f64 {
    let mut pairs: Vec<(f64, f64)> = values
        .iter()
        .copied()
        .zip(weights.iter().copied())
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = pairs.iter().map(|p| p.1).sum();
    let mut acc = 0.0;
    for (v, w) in &pairs {
        acc += w;
        if acc >= q * total - 1e-12 {
            return *v;
        }
    }
    pairs.last().map_or(f64::NAN, |p| p.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_quantiles_follow_the_weights() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(weighted_quantile(&v, &[1.0, 1.0, 1.0, 1.0], 0.5), 2.0);
        assert_eq!(weighted_quantile(&v, &[0.0, 0.0, 1.0, 0.0], 0.5), 3.0);
        assert_eq!(weighted_quantile(&v, &[1.0, 1.0, 1.0, 5.0], 0.5), 4.0);
    }
}
