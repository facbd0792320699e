//! Effort, engagement, meetings, barriers, leadership, funding and outcomes.

use chrono::NaiveDate;

use crate::model::programme::TrancheTrigger;

/// How agents split their hours; see `scenario::raw::EffortSpec` for units.
#[derive(Debug, Clone, Copy, PartialEq)]
#[allow(missing_docs)]
pub struct Effort {
    pub availability_noise: f64,
    pub bias_adaptation_rate: f64,
    pub signer_complementarity: f64,
    pub support_leverage: f64,
    pub provider_wait_factor: f64,
    /// Hours per week of a project manager (hours/week).
    pub project_manager_hours: f64,
    pub project_manager_relational_bias: f64,
    /// Cost of one hour of bought local capacity (GBP/hour).
    pub local_hour_cost_gbp: f64,
    pub local_funding_efficiency: f64,
    /// Bought local hours an early adopter can use per own programme hour.
    pub absorption_share: f64,
    /// Share of own programme capacity to count as involved (0..1).
    pub involvement_share: f64,
    pub pilot_willing_engagement: f64,
    pub prior_relationship_weight: f64,
}

/// Engagement dynamics (engagement points on a 0..1 scale); see
/// `scenario::raw::EngagementSpec`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[allow(missing_docs)]
pub struct Engagement {
    pub progress_gain: f64,
    pub contact_gain: f64,
    pub burden_loss: f64,
    pub deadline_loss: f64,
    pub deadline_escalation: f64,
    pub promise_gap_loss: f64,
    pub leadership_loss: f64,
    pub reversion_rate: f64,
    pub lay_deadline_multiplier: f64,
    pub momentum_gain: f64,
    pub credibility_loss: f64,
}

/// Meeting mechanics.
#[derive(Debug, Clone, PartialEq)]
pub struct Meetings {
    /// Output lost per unit of attendee churn (0..1).
    pub churn_penalty: f64,
    /// Output multiplier with a lay partner present.
    pub lay_quality_bonus: f64,
    /// Steering committee interval (weeks).
    pub steering_every_weeks: u32,
    /// Hours per attendee per steering meeting (hours).
    pub steering_meeting_hours: f64,
    /// Share of steering attendee-hours counted as relational progress.
    pub steering_output_share: f64,
    /// Output of a delegate relative to a senior attendee (0..1).
    pub delegate_weight: f64,
    /// Whether each agent kind (by `AgentKind::index`) delegates.
    pub delegates: [bool; crate::model::AgentKind::COUNT],
}

/// A national barrier.
#[derive(Debug, Clone, PartialEq)]
pub struct Barrier {
    /// Id, referenced by milestones.
    pub id: String,
    /// Chance of national removal (probability/year).
    pub removal_hazard_per_year: f64,
    /// Earliest national removal.
    pub not_before: Option<NaiveDate>,
    /// Efficiency of work preparing a governed milestone while it holds
    /// the milestone (0..1).
    pub efficiency: f64,
    /// Fixed hours of an early adopter's local workaround (hours).
    pub workaround_hours: f64,
    /// Further workaround hours per party that must share or sign (hours/party).
    pub workaround_hours_per_party: f64,
}

/// Key leaders.
#[derive(Debug, Clone, PartialEq)]
pub struct Leadership {
    /// The leaders, in scenario order.
    pub leaders: Vec<Leader>,
    /// Share of team capacity lost per departed leader (0..1).
    pub capacity_loss: f64,
    /// Weeks until a departed leader is replaced (weeks).
    pub replacement_weeks: u32,
    /// Share of the transactional decision rate lost per departed leader (0..1).
    pub decision_loss: f64,
}

/// One key leader.
#[derive(Debug, Clone, PartialEq)]
pub struct Leader {
    /// Id (a role).
    pub id: String,
    /// Scheduled departure.
    pub departs: Option<NaiveDate>,
    /// Chance of an unscheduled departure (probability/year).
    pub hazard_per_year: f64,
}

/// Direct funding of early adopters.
#[derive(Debug, Clone, PartialEq)]
pub struct Funding {
    /// Tranches, in scenario order.
    pub tranches: Vec<Tranche>,
    /// Journey milestones (indices) needed for business plan approval, in
    /// scenario order.
    pub business_plan_requires: Vec<usize>,
}

/// One funding tranche.
#[derive(Debug, Clone, PartialEq)]
pub struct Tranche {
    /// Id.
    pub id: String,
    /// Amount per early adopter (GBP).
    pub amount_gbp: f64,
    /// What releases it.
    pub trigger: TrancheTrigger,
    /// Release date (required for `date` triggers).
    pub date: Option<NaiveDate>,
    /// Share that buys capacity (0..1).
    pub capacity_share: f64,
    /// Weeks over which bought capacity is spread (weeks).
    pub spread_weeks: u32,
}

/// Enrolment by live practices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Enrolment {
    /// People one live practice enrols per week (people/week).
    pub per_practice_per_week: f64,
    /// Weeks a pilot runs before its first roll-out step (weeks).
    pub test_period_weeks: u32,
}

/// General practice: awareness, local working sessions, GP networks, cascade.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeneralPractice {
    /// First day of the local working sessions' window.
    pub sessions_from: NaiveDate,
    /// Last day of that window.
    pub sessions_to: NaiveDate,
    /// Sessions planned per early adopter (sessions).
    pub sessions_per_ea: u32,
    /// Probability that a planned session is held (0..1).
    pub session_held_share: f64,
    /// Hours of a session per attending practice (hours).
    pub session_hours: f64,
    /// Probability that a member practice attends a session (0..1).
    pub session_practice_share: f64,
    /// Weeks between GP network meetings (weeks).
    pub network_meeting_every_weeks: u32,
    /// Hours of a network meeting per attending practice (hours).
    pub network_meeting_hours: f64,
    /// Realised weekly cascade probability per board–practice link (0..1).
    pub cascade_rate: f64,
    /// Weekly cascade probability the leaders assumed (0..1).
    pub assumed_cascade_rate: f64,
}

/// Early adopters' scope decisions (switch `scope_decisions`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScopeDecisions {
    /// Projected go-live past the current planned pilot start beyond which
    /// a full-scope early adopter considers scaling back (weeks).
    pub scale_back_slip_weeks: u32,
    /// Chance of scaling back at one review once past that slip (probability/review).
    pub scale_back_propensity: f64,
}

/// Coordination costs that grow with scale (switch `coordination_costs`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coordination {
    /// Growth of a signed decision's work with its parties (elasticity).
    pub partner_elasticity: f64,
    /// Meeting size without coordination loss (attendees).
    pub body_reference_size: f64,
    /// Fall of output per attendee beyond the reference size (elasticity).
    pub body_size_elasticity: f64,
    /// Loss of central support per other early adopter at a different stage (1/EA).
    pub diversity_penalty: f64,
}

/// Promised outcomes and the outcome layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcomes {
    /// Promised reduction in emergency admissions (0..1).
    pub promised_reduction: f64,
    /// Date the promise is due (set whenever a reduction is promised).
    pub promised_by: Option<NaiveDate>,
    /// Reduction per enrolled person at full effect (0..1).
    pub effect_size: f64,
    /// Weeks from enrolment to full effect (weeks).
    pub lag_weeks: u32,
    /// Admissions of an enrolled person relative to average (ratio).
    pub admission_risk_ratio: f64,
    /// Population the promise refers to (people).
    pub population: f64,
}
