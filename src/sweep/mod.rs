//! Parameter sweeps: a sweep file names a base scenario, the parameters to
//! vary, a sampling design (grid, random, Latin hypercube, Sobol/Saltelli,
//! Morris), replications and outputs; runs are streamed to disk in a
//! deterministic order, resumable after any interruption, and can be split
//! into shards for a cluster and merged back. Results are exported for
//! SALib and the EMA Workbench and analysed with `crate::analysis`.

pub mod any_design;
pub mod design;
pub mod ema;
pub mod merge;
pub mod outputs;
pub mod report;
pub mod results;
pub mod runner;
pub mod spec;

pub use design::Design;
pub use runner::{Shard, SweepManifest};
pub use spec::Sweep;
