//! The typed parameters of a validated scenario: what the engine and the
//! outputs read. Built by `scenario::typed` from the serde mirror once
//! validation has succeeded, so every invariant validation checks holds here
//! (ids resolve, dates are ordered, member kinds exist, pools are large
//! enough).
//!
//! Compared with the mirror: dates are `NaiveDate`, agent kinds are
//! `AgentKind`, member lists are `(AgentKind, count)` pairs in
//! `AgentKind::ALL` order, organisations are indexed by kind, and references
//! to journey milestones are indices. The meaning, unit and source of every
//! value is documented once, on the scenario key it comes from
//! (`scenario::raw`, `docs/scenario-reference.md`); units are repeated here.

use chrono::NaiveDate;

use super::calendar::Period;
use super::journey::Scope;
use super::kinds::AgentKind;
use super::programme::{ReplanPolicy, TrancheTrigger};
use super::recording::TimeseriesMode;

/// Members of a body by kind: `(kind, count)` in `AgentKind::ALL` order,
/// each kind at most once.
pub type Members = Vec<(AgentKind, u32)>;

/// Every parameter of a validated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameters {
    /// Name and description.
    pub meta: Meta,
    /// The simulated period.
    pub calendar: CalendarParams,
    /// Mechanism switches.
    pub switches: Switches,
    /// Organisation agents by kind.
    pub organisations: Organisations,
    /// The central programme team.
    pub programme: ProgrammeParams,
    /// Consultancy contracts and their conversion to capacity.
    pub consultancy: ConsultancyParams,
    /// Budget by financial year, in scenario order (each year at most once).
    pub budget: Vec<BudgetYear>,
    /// The co-design phase.
    pub codesign: CodesignParams,
    /// Governance bodies (besides working groups and steering committees).
    pub bodies: Vec<BodyParams>,
    /// The timetable as first promised.
    pub timetable: Timetable,
    /// Progress reviews and re-planning.
    pub replanning: Replanning,
    /// How agents split their hours.
    pub effort: Effort,
    /// Engagement dynamics.
    pub engagement: Engagement,
    /// Meeting mechanics.
    pub meetings: Meetings,
    /// National barriers.
    pub barriers: Vec<Barrier>,
    /// Key leaders.
    pub leadership: Leadership,
    /// Direct funding of early adopters.
    pub funding: Funding,
    /// Promised outcomes and the outcome layer.
    pub outcomes: Outcomes,
    /// The early adopters, in scenario order.
    pub early_adopters: Vec<EarlyAdopter>,
    /// What to record.
    pub record: Record,
    /// Engine settings (never change results).
    pub engine: EngineSettings,
}

impl Parameters {
    /// The parameters of a kind's agents (`None` for the programme team).
    pub fn organisation(&self, kind: AgentKind) -> Option<&Organisation> {
        self.organisations.by_kind[kind.index()].as_ref()
    }

    /// Number of agents of a kind (the programme team is one agent).
    pub fn pool_size(&self, kind: AgentKind) -> u32 {
        match kind {
            AgentKind::ProgrammeTeam => 1,
            _ => self.organisation(kind).map_or(0, |o| o.count),
        }
    }

    /// The budget of the financial year starting in `year`, if one is given.
    pub fn budget_of(&self, year: i32) -> Option<&BudgetYear> {
        self.budget.iter().find(|b| b.starts == year)
    }
}

/// Count of a kind in a member list (0 when absent).
pub fn member_count(members: &[(AgentKind, u32)], kind: AgentKind) -> u32 {
    members
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(0, |&(_, n)| n)
}

/// Scenario identification.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// Short machine-friendly name.
    pub name: String,
    /// One-paragraph description.
    pub description: String,
}

/// The simulated period; one tick is one week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalendarParams {
    /// First simulated week contains this date.
    pub start: NaiveDate,
    /// Last simulated date (inclusive).
    pub horizon: NaiveDate,
}

/// Mechanism switches (all on by default); see `scenario::raw::Switches`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Switches {
    pub deadline_feedback: bool,
    pub national_barriers: bool,
    pub leadership_loss: bool,
    pub consultancy: bool,
    pub consultancy_handover_loss: bool,
    pub toolkit: bool,
    pub replanning: bool,
    pub outcome_feedback: bool,
    pub progress_feedback: bool,
    pub meeting_burden: bool,
    pub meeting_churn: bool,
    pub lay_quorum: bool,
    pub provider_wait: bool,
    pub signer_complementarity: bool,
    pub project_managers: bool,
    pub local_funding: bool,
    pub funding_gateway: bool,
    pub bias_adaptation: bool,
    pub budget_cap: bool,
}

impl Switches {
    /// Every switch with its scenario key, in declaration order.
    pub fn named(&self) -> [(&'static str, bool); 19] {
        [
            ("deadline_feedback", self.deadline_feedback),
            ("national_barriers", self.national_barriers),
            ("leadership_loss", self.leadership_loss),
            ("consultancy", self.consultancy),
            ("consultancy_handover_loss", self.consultancy_handover_loss),
            ("toolkit", self.toolkit),
            ("replanning", self.replanning),
            ("outcome_feedback", self.outcome_feedback),
            ("progress_feedback", self.progress_feedback),
            ("meeting_burden", self.meeting_burden),
            ("meeting_churn", self.meeting_churn),
            ("lay_quorum", self.lay_quorum),
            ("provider_wait", self.provider_wait),
            ("signer_complementarity", self.signer_complementarity),
            ("project_managers", self.project_managers),
            ("local_funding", self.local_funding),
            ("funding_gateway", self.funding_gateway),
            ("bias_adaptation", self.bias_adaptation),
            ("budget_cap", self.budget_cap),
        ]
    }
}

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
    /// Signs transactional agreements.
    pub signs_contracts: bool,
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

/// The budget of one financial year (1 April to 31 March).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetYear {
    /// Calendar year in which the financial year starts.
    pub starts: i32,
    /// Central (pan-programme) budget (GBP).
    pub central_gbp: f64,
    /// Local (early adopter) budget (GBP).
    pub local_gbp: f64,
}

/// The co-design phase.
#[derive(Debug, Clone, PartialEq)]
pub struct CodesignParams {
    /// Working groups start meeting.
    pub start: NaiveDate,
    /// Working group names (body `working_group:<name>`).
    pub working_groups: Vec<String>,
    /// Meeting interval (weeks).
    pub meeting_every_weeks: u32,
    /// Members of each working group.
    pub members: Members,
    /// Meeting output each group needs (attendee-hours).
    pub work_per_group: f64,
    /// Central relational hours each group needs besides meetings (hours).
    pub central_hours_per_group: f64,
    /// Hours per attendee per meeting (hours).
    pub meeting_hours: f64,
    /// Central hours to write up and publish the toolkit (hours).
    pub toolkit_work_hours: f64,
    /// Share of milestone work saved by the toolkit (0..1).
    pub toolkit_reduction: f64,
}

/// A governance body.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyParams {
    /// Stable id (output contract).
    pub id: String,
    /// Members by kind.
    pub members: Members,
    /// Periods with a fixed meeting interval.
    pub schedule: Vec<SchedulePeriod>,
    /// Extra one-off meeting dates.
    pub dates: Vec<NaiveDate>,
    /// Hours per attendee per meeting (hours).
    pub meeting_hours: f64,
    /// Signs off early adopters (exactly one body does).
    pub signs_off_early_adopters: bool,
}

/// A period during which a body meets at a fixed interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SchedulePeriod {
    /// First meeting.
    pub from: NaiveDate,
    /// No meetings after.
    pub to: NaiveDate,
    /// Interval (weeks).
    pub every_weeks: u32,
}

/// The timetable as first promised.
#[derive(Debug, Clone, Copy, PartialEq)]
#[allow(missing_docs)]
pub struct Timetable {
    pub codesign_complete: NaiveDate,
    pub toolkit_published: NaiveDate,
    pub ea_signed_off: NaiveDate,
    pub business_plan_approved: NaiveDate,
    pub pilot_start: NaiveDate,
    pub wider_rollout: NaiveDate,
    /// Planners' assumed weeks from sign-off to go-live (weeks).
    pub assumed_preparation_weeks: u32,
    /// Share of early adopters live for wider roll-out (0..1).
    pub wider_rollout_share: f64,
}

/// Progress reviews and re-planning.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Replanning {
    /// Weeks between reviews.
    pub review_every_weeks: u32,
    /// First review (default: `review_every_weeks` after the start).
    pub first_review: Option<NaiveDate>,
    /// Rule for the new pilot start date.
    pub policy: ReplanPolicy,
    /// Slip per step of the `fixed_slip` policy (weeks).
    pub slip_weeks: u32,
    /// Share of projected remaining time planners discount (0..1).
    pub optimism: f64,
    /// Re-plan only beyond this many weeks late (weeks).
    pub tolerance_weeks: u32,
    /// Early adopter rank defining the projection (0 = median).
    pub reference_rank: u32,
    /// Weeks of observed progress used to project (weeks).
    pub projection_window_weeks: u32,
}

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
    /// Hours per month to count as involved (hours/month).
    pub involvement_hours: f64,
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
}

/// Meeting mechanics.
#[derive(Debug, Clone, Copy, PartialEq)]
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
    /// Efficiency of affected work while it stands (0..1).
    pub efficiency: f64,
    /// Workaround hours per affected milestone (hours).
    pub workaround_hours: f64,
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
