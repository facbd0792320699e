//! Calibration: approximate Bayesian computation of scenario parameters
//! against observed targets (`pioneer calibrate`). Parameters are addressed
//! by key path and set with `crate::scenario::overrides`.
//!
//! - `priors`: the priors file (uniform, log-uniform, truncated normal per parameter).
//! - `targets`: the targets file and the simulated quantities it names.
//! - `abc`: rejection then ABC population Monte Carlo, deterministic and resumable.
//! - `report`: posterior, generations and fit as CSV.
//! - `job`: a calibration in its output directory: resume policy, checkpoints, outputs, final fit.

pub mod abc;
pub mod job;
pub mod priors;
pub mod report;
pub mod targets;
