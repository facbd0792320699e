//! # pioneer
//!
//! An agent-based simulator of how integrated health-and-care programmes are
//! implemented: commissioners, providers, GP practices, local authorities,
//! the programme team with its consultants and lay partners split their
//! hours between *relational* work (co-design, engagement) and
//! *transactional* work (budgets, contracts, data sharing); early adopter
//! pilots advance through a journey of milestones; timetables slip and are
//! re-planned; engagement responds to progress, burden, missed deadlines and
//! leadership departures. The calibrated case is North West London's Whole
//! Systems Integrated Care programme (2013–2015). The model is described in
//! `docs/ODD.md`.
//!
//! ```
//! use pioneer::{Plan, Scenario, run_ensemble, EnsembleSpec};
//!
//! let scenario = Scenario::default_nwl();
//! let plan = Plan::new(&scenario);
//! let results = run_ensemble(&plan, EnsembleSpec { seed: 1, replications: 4 }, || {});
//! assert_eq!(results.len(), 4);
//! let summary = pioneer::output::summary::Summary::new(&plan, &results);
//! assert!(summary.milestones.iter().any(|m| m.milestone == "pilot_live"));
//! ```
#![deny(missing_docs)]

pub mod analysis;
pub mod calibrate;
pub mod compare;
pub mod engine;
pub mod model;
pub mod observe;
pub mod output;
pub mod scenario;
pub mod sweep;
pub mod util;

pub use engine::ensemble::{run_ensemble, run_replication, EnsembleSpec};
pub use engine::plan::Plan;
pub use observe::ReplicationResult;
pub use scenario::Scenario;
