//! Sensitivity analysis, independent of the simulation: unit-hypercube
//! sampling designs (uniform random, Latin hypercube, the Sobol sequence,
//! Saltelli cross-sampling, Morris trajectories), the Sobol and Morris
//! estimators, and for any design standardised regression coefficients,
//! partial rank correlation coefficients (`regression`) and the PAWN index
//! (`pawn`), all with bootstrap confidence intervals. Hand-written and tested
//! against the published reference values in
//! the literature (Ishigami and Homma 1990; Saltelli et al. 2008, 2010) (Ishigami, Sobol G-function,
//! Saltelli et al. 2008 Exercise 4, the Joe–Kuo Sobol points).
//!
//! Randomness comes only from the `rand::Rng` the caller passes in.

pub mod design;
pub mod morris;
pub mod pawn;
pub mod regression;
pub mod sobol;
pub mod sobol_sequence;

pub use crate::util::normal::normal_quantile;
pub use design::DesignError;

/// Why an analysis cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    /// The outputs do not match the design's layout.
    #[error("expected {expected} model outputs for this design, found {found}")]
    Length {
        /// Expected count.
        expected: usize,
        /// Found count.
        found: usize,
    },
    /// An output is NaN or infinite.
    #[error("model output {0} is not a finite number")]
    NotFinite(usize),
    /// The output does not vary, so indices are undefined.
    #[error("the output does not vary across the design (zero variance): indices are undefined")]
    ZeroVariance,
    /// A Morris design row pair does not change exactly one factor.
    #[error("Morris trajectory {trajectory}, step {step}: expected exactly one factor to change")]
    NotOneAtATime {
        /// Trajectory.
        trajectory: usize,
        /// Step within it.
        step: usize,
    },
    /// Bad settings.
    #[error("{0}")]
    Settings(String),
}

/// Half-width multiplier of a two-sided normal interval at `confidence`.
pub(crate) fn z_value(confidence: f64) -> f64 {
    normal_quantile(0.5 + confidence / 2.0)
}

/// Sample standard deviation (n − 1 in the denominator).
pub(crate) fn sample_sd(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    if xs.len() < 2 {
        return 0.0;
    }
    let m = xs.iter().sum::<f64>() / n;
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)).sqrt()
}
