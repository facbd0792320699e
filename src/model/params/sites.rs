//! Early adopters, recording and engine settings.

use chrono::NaiveDate;

use super::{AgentKind, Members};
use crate::model::calendar::Period;
use crate::model::journey::Scope;
use crate::model::recording::TimeseriesMode;

/// An early adopter (pilot site).
#[derive(Debug, Clone, PartialEq)]
pub struct EarlyAdopter {
    /// Stable id (output contract).
    pub id: String,
    /// Application ready for sign-off.
    pub application_ready: NaiveDate,
    /// Full or scaled-back scope.
    pub scope: Scope,
    /// Target population (people).
    pub population: f64,
    /// Strength of prior relationships (0..1).
    pub prior_relationships: f64,
    /// Member agents by kind (at least one GP practice).
    pub members: Members,
    /// Practices that pilot first.
    pub pilot_practices: u32,
    /// Practices added per roll-out step.
    pub rollout_step: u32,
    /// Weeks between roll-out steps (weeks).
    pub rollout_every_weeks: u32,
    /// Project manager in post from.
    pub project_manager_from: Option<NaiveDate>,
    /// Project manager leaves.
    pub project_manager_until: Option<NaiveDate>,
    /// A lay partner chairs the steering committee.
    pub lay_chair: bool,
    /// Named member organisations: kind and index within the kind (empty:
    /// the default rule of `engine::plan::roster`).
    pub organisations: Vec<(AgentKind, u32)>,
}

/// What to record.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Time series sampling period.
    pub timeseries_every: Period,
    /// Per replication or quantiles.
    pub timeseries: TimeseriesMode,
    /// Detailed rows for the first N replications.
    pub detail_replications: u32,
    /// Quantiles in aggregated outputs (increasing, 0..1).
    pub quantiles: Vec<f64>,
    /// Go-live checkpoints; empty means each financial year end.
    pub checkpoints: Vec<NaiveDate>,
}

/// Engine settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EngineSettings {
    /// Parallel agent decisions from this many agents (agents).
    pub parallel_agents_threshold: u32,
}
