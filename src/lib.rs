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
//! ## The curated API
//!
//! Load or build a [`Scenario`], run an [`Ensemble`], and let the [`Runs`]
//! summarise themselves or write the standard output directory:
//!
//! ```
//! use pioneer::{Ensemble, Scenario};
//!
//! let scenario = Scenario::default_nwl();
//! let runs = Ensemble::new(&scenario).seed(1).replications(4).run();
//! assert_eq!(runs.results.len(), 4);
//! let summary = runs.summary();
//! assert!(summary.milestones.iter().any(|m| m.milestone == "pilot_live"));
//! # let dir = std::env::temp_dir().join(format!("pioneer-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! runs.write(&dir, false).expect("outputs written");
//! assert!(dir.join("milestones.csv").exists());
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```
//!
//! Errors are typed: [`LoadError`] (with file, line, column, key path and
//! hint for every problem in a scenario) and [`WriteError`].
//!
//! ## Layers
//!
//! From the ground up (a module imports only modules below it; the test
//! `tests/architecture.rs` keeps it so): `util` (generic helpers) ·
//! `analysis` and `model` (designs and estimators; the model's vocabulary) ·
//! `scenario` (the file format, inheritance, validation, key-path overrides) ·
//! `observe` (what a replication records) · `engine` (the plan, one
//! replication with a file per ODD submodel under `engine::world`,
//! ensembles) · `output` (summaries, exporters, charts, report, manifest,
//! output directories) · `calibrate` · `sweep` · `compare` · `promise`
//! (what a programme can honestly promise: promised dates scanned under
//! common random numbers). The binary's `cli` sits above them all.
//!
//! ## Features
//!
//! `charts` (plotters) and `cli` (clap, indicatif; the `pioneer` binary) are
//! on by default. `cargo build --lib --no-default-features` builds the
//! engine, scenarios and data outputs without them; runs then carry no
//! charts.
//!
//! The other public modules are the building blocks of the commands; they
//! are public so that tests, examples and advanced users can reach them, but
//! only the items re-exported here are the stable surface.
#![deny(missing_docs)]

pub mod analysis;
pub mod calibrate;
pub mod compare;
pub mod engine;
pub mod model;
pub mod observe;
pub mod output;
pub mod promise;
pub mod scenario;
pub mod sweep;
pub mod util;

pub use engine::ensemble::{run_ensemble, run_replication, Ensemble, EnsembleSpec, Runs};
pub use engine::plan::Plan;
pub use observe::ReplicationResult;
pub use output::run::WriteError;
pub use output::summary::Summary;
pub use promise::{scan as promise_scan, PromiseScan, PromiseSpec};
pub use scenario::{LoadError, Scenario, ScenarioError};
