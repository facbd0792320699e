//! Morris elementary effects (Morris 1991; Campolongo et al. 2007): for each
//! trajectory of a Morris design (`design::morris`) and each factor, the
//! elementary effect EE = Δy / Δx with Δx the signed step in unit-cube
//! units. μ = mean EE, μ* = mean |EE|, σ = sample standard deviation of EE
//! (n − 1, as SALib); the confidence half-width of μ* is z·sd of μ* over
//! bootstrap resamples of the trajectories.

use rand::Rng;
use serde::Serialize;

use super::{sample_sd, z_value, AnalysisError};

/// Morris statistics for every factor.
#[derive(Debug, Clone, Serialize)]
pub struct MorrisIndices {
    /// Mean elementary effect.
    pub mu: Vec<f64>,
    /// Mean absolute elementary effect.
    pub mu_star: Vec<f64>,
    /// Standard deviation of the elementary effects.
    pub sigma: Vec<f64>,
    /// Confidence half-width of μ*.
    pub mu_star_conf: Vec<f64>,
}

/// Elementary effects `ee[factor][trajectory]` of a design `x` (rows of
/// k + 1 per trajectory) with outputs `y`.
pub fn elementary_effects(
    x: &[Vec<f64>],
    y: &[f64],
    k: usize,
) -> Result<Vec<Vec<f64>>, AnalysisError> {
    if k == 0 {
        return Err(AnalysisError::Settings("no factors".into()));
    }
    if x.len() != y.len() || x.is_empty() || !x.len().is_multiple_of(k + 1) {
        return Err(AnalysisError::Length {
            expected: x.len().max(k + 1) / (k + 1) * (k + 1),
            found: y.len(),
        });
    }
    if let Some(bad) = y.iter().position(|v| !v.is_finite()) {
        return Err(AnalysisError::NotFinite(bad));
    }
    let r = x.len() / (k + 1);
    let mut ee = vec![vec![f64::NAN; r]; k];
    #[allow(clippy::needless_range_loop)] // t is the trajectory number, reported in errors
    for t in 0..r {
        for step in 0..k {
            let (a, b) = (t * (k + 1) + step, t * (k + 1) + step + 1);
            let changed: Vec<usize> = (0..k).filter(|&i| x[a][i] != x[b][i]).collect();
            let &[i] = changed.as_slice() else {
                return Err(AnalysisError::NotOneAtATime {
                    trajectory: t,
                    step,
                });
            };
            ee[i][t] = (y[b] - y[a]) / (x[b][i] - x[a][i]);
        }
    }
    Ok(ee)
}

/// Morris μ, μ*, σ and the μ* confidence half-width.
pub fn analyze<R: Rng>(
    x: &[Vec<f64>],
    y: &[f64],
    k: usize,
    bootstrap_resamples: usize,
    confidence_level: f64,
    rng: &mut R,
) -> Result<MorrisIndices, AnalysisError> {
    if !(confidence_level > 0.0 && confidence_level < 1.0) {
        return Err(AnalysisError::Settings(format!(
            "confidence level must be in (0, 1), found {confidence_level}"
        )));
    }
    let ee = elementary_effects(x, y, k)?;
    let r = ee[0].len();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let zq = z_value(confidence_level);
    let mut out = MorrisIndices {
        mu: Vec::with_capacity(k),
        mu_star: Vec::with_capacity(k),
        sigma: Vec::with_capacity(k),
        mu_star_conf: Vec::with_capacity(k),
    };
    for e in &ee {
        let abs: Vec<f64> = e.iter().map(|v| v.abs()).collect();
        out.mu.push(mean(e));
        out.mu_star.push(mean(&abs));
        out.sigma.push(sample_sd(e));
        let boot: Vec<f64> = (0..bootstrap_resamples)
            .map(|_| (0..r).map(|_| abs[rng.random_range(0..r)]).sum::<f64>() / r as f64)
            .collect();
        out.mu_star_conf.push(zq * sample_sd(&boot));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::design::morris;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use std::f64::consts::PI;

    #[test]
    fn primer_exercise_4_gives_the_published_statistics() {
        // Saltelli et al. (2008), Global Sensitivity Analysis: The Primer,
        // Exercise 4 (p. 138): 6 trajectories in 2 factors on 4 levels.
        let t = 1.0 / 3.0;
        let x: Vec<Vec<f64>> = [
            [0.0, t],
            [0.0, 1.0],
            [2.0 * t, 1.0],
            [0.0, t],
            [2.0 * t, t],
            [2.0 * t, 1.0],
            [2.0 * t, 0.0],
            [2.0 * t, 2.0 * t],
            [0.0, 2.0 * t],
            [t, 1.0],
            [1.0, 1.0],
            [1.0, t],
            [t, 1.0],
            [t, t],
            [1.0, t],
            [t, 2.0 * t],
            [t, 0.0],
            [1.0, 0.0],
        ]
        .iter()
        .map(|r| r.to_vec())
        .collect();
        let y = [
            0.97, 0.71, 2.39, 0.97, 2.30, 2.39, 1.87, 2.40, 0.87, 2.15, 1.71, 1.54, 2.15, 2.17,
            1.54, 2.20, 1.87, 1.0,
        ];
        let m = analyze(&x, &y, 2, 1000, 0.95, &mut ChaCha8Rng::seed_from_u64(1)).unwrap();
        // Published to two decimals from rounded effects; SALib's own test
        // accepts relative 1e-1 for μ and 1e-2 for μ* and σ.
        for i in 0..2 {
            assert!(
                (m.mu[i] - [0.66, 0.21][i]).abs() <= 0.1 * [0.66, 0.21][i],
                "μ {:?}",
                m.mu
            );
            assert!(
                (m.mu_star[i] - [1.62, 0.35][i]).abs() <= 0.01 * [1.62, 0.35][i] + 0.005,
                "μ* {:?}",
                m.mu_star
            );
            assert!(
                (m.sigma[i] - [1.79, 0.41][i]).abs() <= 0.01 * [1.79, 0.41][i] + 0.005,
                "σ {:?}",
                m.sigma
            );
        }
    }

    #[test]
    fn ishigami_mu_star_of_x2_is_exact_for_any_trajectories() {
        // With 4 levels a step of x2 goes −π ↔ π/3 or −π/3 ↔ π, so its effect is
        // |7·(sin²(π/3) − 0)| / Δ = 5.25 / (2/3) = 7.875 for every step.
        let ishigami = |x: &[f64]| {
            let v: Vec<f64> = x.iter().map(|u| -PI + 2.0 * PI * u).collect();
            v[0].sin() + 7.0 * v[1].sin().powi(2) + 0.1 * v[2].powi(4) * v[0].sin()
        };
        for seed in 0..5 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let x = morris(3, 50, 4, &mut rng).unwrap();
            let y: Vec<f64> = x.iter().map(|r| ishigami(r)).collect();
            let m = analyze(&x, &y, 3, 100, 0.95, &mut rng).unwrap();
            assert!((m.mu_star[1] - 7.875).abs() < 1e-9, "{}", m.mu_star[1]);
            // Effects of x2 are ±7.875 (direction decides the sign), so |μ| ≤ μ*.
            assert!(m.mu[1].abs() <= m.mu_star[1] + 1e-12);
            assert!(m.mu_star[0] > 0.0 && m.mu_star_conf[0] > 0.0);
        }
    }

    #[test]
    fn designs_that_are_not_one_at_a_time_are_refused() {
        let x = vec![vec![0.0, 0.0], vec![1.0, 1.0], vec![1.0, 0.0]];
        let err = elementary_effects(&x, &[1.0, 2.0, 3.0], 2).unwrap_err();
        assert_eq!(
            err,
            AnalysisError::NotOneAtATime {
                trajectory: 0,
                step: 0
            }
        );
        assert!(matches!(
            elementary_effects(&x, &[1.0, 2.0], 2),
            Err(AnalysisError::Length { .. })
        ));
    }
}
