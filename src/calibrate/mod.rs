//! Calibration: approximate Bayesian computation of scenario parameters
//! against observed targets (`pioneer calibrate`).
//!
//! - `priors`: the priors file (uniform, log-uniform, truncated normal per parameter).
//! - `targets`: the targets file and the simulated quantities it names.
//! - `abc`: rejection then ABC population Monte Carlo, deterministic and resumable.
//! - `job`: a calibration in its output directory: resume policy, checkpoints, outputs, final fit.

pub mod abc;
pub mod job;
pub mod priors;
pub mod report;
pub mod targets;
