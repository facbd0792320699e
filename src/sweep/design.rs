//! A sweep's design points: the unit-hypercube design of `crate::analysis`
//! mapped to parameter values, and the numbering of runs.
//!
//! Runs are numbered `run = point × replications + replication`, so the run
//! list, the seeds and the order of rows in every output depend only on the
//! sweep file, never on threads, shards or interruptions.

use serde::Serialize;

use super::spec::{DesignKind, Sweep};
use crate::analysis::design as unit;
use crate::analysis::DesignError;
use crate::engine::rng::{splitmix64, stream, Purpose, PROGRAMME};

/// The design: one row of parameter values per point.
#[derive(Debug, Clone, Serialize)]
pub struct Design {
    /// Unit-cube coordinates, `points × parameters` (grid: index / (levels − 1)).
    pub unit: Vec<Vec<f64>>,
    /// Parameter values, `points × parameters`.
    pub values: Vec<Vec<f64>>,
}

impl Design {
    /// Samples the sweep's design (deterministic in the sweep's seed).
    pub fn build(sweep: &Sweep) -> Result<Design, DesignError> {
        let k = sweep.parameters.len();
        let d = &sweep.file.design;
        let n = d.samples.unwrap_or(0);
        let mut rng = stream(sweep.file.sweep.seed, 0, PROGRAMME, Purpose::Sweep);
        let unit = match d.kind {
            DesignKind::Grid => {
                let values: Vec<Vec<f64>> = grid(
                    &sweep
                        .parameters
                        .iter()
                        .map(|p| p.values.len())
                        .collect::<Vec<_>>(),
                )
                .into_iter()
                .map(|ix| {
                    ix.iter()
                        .zip(&sweep.parameters)
                        .map(|(&i, p)| p.values[i])
                        .collect()
                })
                .collect();
                let unit = values
                    .iter()
                    .map(|row: &Vec<f64>| {
                        row.iter()
                            .zip(&sweep.parameters)
                            .map(|(&x, p)| {
                                if p.max > p.min {
                                    (x - p.min) / (p.max - p.min)
                                } else {
                                    0.0
                                }
                            })
                            .collect()
                    })
                    .collect();
                return Ok(Design { unit, values });
            }
            DesignKind::Random => unit::random_uniform(n, k, &mut rng)?,
            DesignKind::LatinHypercube => unit::latin_hypercube(n, k, &mut rng)?,
            DesignKind::Sobol => unit::saltelli(n, k, d.second_order, d.skip)?,
            DesignKind::Morris => unit::morris(k, n, d.levels, &mut rng)?,
        };
        let values = unit
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&sweep.parameters)
                    .map(|(&u, p)| p.from_unit(u))
                    .collect()
            })
            .collect();
        Ok(Design { unit, values })
    }

    /// Number of design points.
    pub fn points(&self) -> usize {
        self.values.len()
    }
}

/// Every index combination of a full factorial with `levels[i]` levels per
/// factor, the last factor varying fastest.
pub fn grid(levels: &[usize]) -> Vec<Vec<usize>> {
    let total: usize = levels.iter().product();
    (0..total)
        .map(|mut flat| {
            let mut ix = vec![0; levels.len()];
            for (slot, &n) in ix.iter_mut().zip(levels).rev() {
                *slot = flat % n;
                flat /= n;
            }
            ix
        })
        .collect()
}

/// The master seed a run is simulated with: the sweep's seed for every point
/// under common random numbers, else one derived from (seed, point).
pub fn run_seed(sweep_seed: u64, point: usize, common_random_numbers: bool) -> u64 {
    if common_random_numbers {
        sweep_seed
    } else {
        splitmix64(sweep_seed ^ splitmix64(0x5EED_0000_0000_0000 ^ point as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_enumerates_every_combination_once_last_fastest() {
        let g = grid(&[2, 3]);
        assert_eq!(
            g,
            vec![
                vec![0, 0],
                vec![0, 1],
                vec![0, 2],
                vec![1, 0],
                vec![1, 1],
                vec![1, 2]
            ]
        );
        assert_eq!(grid(&[3, 1, 4]).len(), 12);
    }

    #[test]
    fn run_seeds_are_shared_only_under_common_random_numbers() {
        assert_eq!(run_seed(9, 0, true), run_seed(9, 5, true));
        let seeds: std::collections::HashSet<u64> =
            (0..10_000).map(|p| run_seed(9, p, false)).collect();
        assert_eq!(seeds.len(), 10_000);
    }
}
