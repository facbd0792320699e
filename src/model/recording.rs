//! How results are recorded: settings that shape the outputs, not the dynamics.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Time series output mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimeseriesMode {
    /// Quantiles across replications.
    Quantiles,
    /// One row per replication (for the first `detail_replications`).
    Replications,
}
