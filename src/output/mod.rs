//! Outputs: summaries and comparisons across replications, exporters that
//! turn results into bytes (CSV, JSON, charts, HTML), the one `manifest.json`
//! shape every command writes (`manifest`), and the one output directory
//! every command writes through (`target::OutputDir`). Exporters know nothing
//! about files; the target knows nothing about formats. This layer depends on
//! the engine and the scenario, never on the commands above it (`compare`,
//! `sweep`, `calibrate`).

pub mod chart;
#[cfg(feature = "charts")]
pub mod charts;
pub mod comparison;
pub mod export;
pub mod forest;
pub mod inputs;
pub mod manifest;
pub mod promise_chart;
pub mod report;
pub mod run;
pub mod summary;
#[cfg(feature = "charts")]
pub mod sweep_charts;
pub mod table;
pub mod target;
