//! The simulation engine: calendar, random streams, the compiled plan, one
//! replication (`world`) and ensembles of replications in parallel.

pub mod ensemble;
pub mod milestone_ref;
pub mod plan;
pub mod rng;
pub mod world;
