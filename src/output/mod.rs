//! Outputs: summaries across replications, exporters that turn results into
//! bytes (CSV, JSON), and the atomic output directory that writes them.
//! Exporters know nothing about files; the target knows nothing about formats.

pub mod charts;
pub mod comparison;
pub mod export;
pub mod manifest;
pub mod report;
pub mod stats;
pub mod summary;
pub mod table;
pub mod target;
