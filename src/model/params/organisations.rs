//! Organisation agents by kind, the programme team, consultancy and the budget.

use chrono::NaiveDate;

use super::AgentKind;

/// Organisation agents, indexed by `AgentKind::index()`; `None` for the
/// programme team (one agent, parameterised by [`ProgrammeParams`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Organisations {
    /// Parameters per kind.
    pub by_kind: [Option<Organisation>; AgentKind::COUNT],
}

/// Parameters of all agents of one kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Organisation {
    /// Number of agents (count).
    pub count: u32,
    /// Hours per week at full engagement and no workload (hours/week).
    pub capacity_hours: f64,
    /// Mean initial engagement (0..1).
    pub engagement: f64,
    /// Spread of initial engagement (standard deviation, 0..1).
    pub engagement_sd: f64,
    /// Share of effort that is relational (0..1).
    pub relational_bias: f64,
    /// Share of capacity absorbed by the day job (0..1).
    pub workload: f64,
}

/// The central programme team.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProgrammeParams {
    /// Staff in post (people).
    pub team_size: f64,
    /// Hours per week per person (hours/week).
    pub hours_per_person: f64,
    /// Cost per person per year (GBP/year).
    pub cost_per_person_gbp: f64,
    /// Share of team effort that is relational (0..1).
    pub relational_bias: f64,
    /// Share of team hours given to early adopter support after sign-off (0..1).
    pub ea_support_share: f64,
    /// Spread penalty per extra active early adopter (1/EA).
    pub spread_penalty: f64,
}

/// Consultancy.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsultancyParams {
    /// Day rate (GBP/day).
    pub day_rate_gbp: f64,
    /// Hours in a consultant day (hours/day).
    pub hours_per_day: f64,
    /// Share of consultant work that is relational (0..1).
    pub relational_bias: f64,
    /// Share of consultants' contribution kept when a contract ends (0..1).
    pub handover_fraction: f64,
    /// Value of a consultant hour of early adopter support relative to a
    /// programme team hour (0..1).
    pub local_support_effectiveness: f64,
    /// Contracts, in scenario order.
    pub contracts: Vec<ConsultancyContract>,
}

/// One consultancy contract: money spent evenly from `start` to `end`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConsultancyContract {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Total value (GBP).
    pub amount_gbp: f64,
}

/// The budget of one financial year (from `calendar.financial_year_start`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetYear {
    /// Calendar year in which the financial year starts.
    pub starts: i32,
    /// Central (pan-programme) budget (GBP).
    pub central_gbp: f64,
    /// Local (early adopter) budget (GBP).
    pub local_gbp: f64,
}
