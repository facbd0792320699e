//! The serde mirror of a scenario TOML file: exactly what a user may write.
//!
//! Every field's doc comment is the one place the key is documented. It names
//! the meaning, the unit and the source of its default (or the word
//! "assumption"); `docs/scenario-reference.md` is generated from these doc
//! comments through the JSON schema (`pioneer schema`), and a test
//! keeps the two in step.
//!
//! Unknown keys are not rejected by serde itself (that would stop at the
//! first one); `scenario::load` collects every unknown key with
//! `serde_ignored` and reports them all, with a "did you mean" hint.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::date::IsoDate;
use crate::model::calendar::Period;
use crate::model::journey::{MilestoneKind, Scope};
use crate::model::programme::{ReplanPolicy, TrancheTrigger};
use crate::model::recording::TimeseriesMode;
use crate::model::AgentKind;

/// A whole scenario: one integration programme, its organisations, its plan and
/// the parameters of the mechanisms that drive it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct RawScenario {
    /// Name and description of the scenario.
    pub meta: Meta,
    /// Simulation calendar.
    pub calendar: CalendarSpec,
    /// Mechanism switches, for counterfactual runs. All on by default.
    #[serde(default)]
    pub switches: Switches,
    /// Organisation agents by kind.
    pub organisations: Organisations,
    /// The central programme team.
    pub programme: ProgrammeSpec,
    /// Management consultancy contracts bought by the programme.
    #[serde(default)]
    pub consultancy: ConsultancySpec,
    /// Programme budget by financial year, split central (pan-programme) and local.
    #[serde(default)]
    pub budget: Vec<BudgetYear>,
    /// The co-design phase: working groups producing the toolkit.
    pub codesign: CodesignSpec,
    /// Governance bodies and their meeting schedules (besides the co-design
    /// working groups and the early adopters' steering committees).
    #[serde(default)]
    pub bodies: Vec<BodySpec>,
    /// The timetable the programme promises, as first stated.
    pub timetable: TimetableSpec,
    /// How the programme reviews progress and re-plans.
    #[serde(default)]
    pub replanning: ReplanSpec,
    /// How early adopters decide to scale back their scope when their plan slips.
    #[serde(default)]
    pub scope: ScopeSpec,
    /// How each agent splits its hours between relational and transactional work.
    #[serde(default)]
    pub effort: EffortSpec,
    /// How engagement responds to progress, contact, burden, deadlines and departures.
    #[serde(default)]
    pub engagement: EngagementSpec,
    /// Meetings: attendance, quorum and churn.
    #[serde(default)]
    pub meetings: MeetingSpec,
    /// National barriers that block transactional milestones until removed or worked around.
    #[serde(default)]
    pub barriers: Vec<BarrierSpec>,
    /// Key leaders and their departures.
    #[serde(default)]
    pub leadership: LeadershipSpec,
    /// Direct funding of early adopters: tranches and the business-plan gateway.
    #[serde(default)]
    pub funding: FundingSpec,
    /// Promised outcomes and the optional outcome layer.
    #[serde(default)]
    pub outcomes: OutcomeSpec,
    /// How fast live practices enrol people: care-coordination capacity and the pilot's test period.
    #[serde(default)]
    pub enrolment: EnrolmentSpec,
    /// General practice: awareness of the programme, local working sessions, GP networks and the board GPs' cascade.
    #[serde(default)]
    pub general_practice: GeneralPracticeSpec,
    /// Coordination costs that grow with scale (switch `coordination_costs`).
    #[serde(default)]
    pub coordination: CoordinationSpec,
    /// The early adopter journey: milestones, their kind, work and prerequisites.
    pub journey: Vec<MilestoneSpec>,
    /// The early adopters (pilot sites), virtual organisations of member agents.
    pub early_adopters: Vec<EarlyAdopterSpec>,
    /// Published facts (dates and counts) drawn on the go-live curve and the promise-vs-delivery chart and listed in the report, marked as observed; they change no simulated number. Each entry: `quantity`, `milestone`, `date`, and `early_adopter`, `n` or `count` as the quantity needs, and `source`. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observed: Vec<super::observed::ObservedSpec>,
    /// What to record in the outputs.
    #[serde(default)]
    pub record: RecordSpec,
    /// Engine settings that do not change results.
    #[serde(default)]
    pub engine: EngineSpec,
    /// Generators: many systems' organisations and early adopters written compactly, expanded (deterministically, by its own seed) into the lists above before validation (docs/ODD.md §6.1; `pioneer check --expanded` prints the result). Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate: Option<super::generate::GenerateSpec>,
}

/// Scenario identification.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Meta {
    /// Short machine-friendly name, used for the output directory. Unit: text. Source: user.
    pub name: String,
    /// One-paragraph description. Unit: text. Source: user.
    #[serde(default)]
    pub description: String,
}

/// The simulated period. One tick is one week.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct CalendarSpec {
    /// First simulated week (the week containing this date is tick 0). Unit: ISO date. Source: user.
    pub start: IsoDate,
    /// Last simulated date (inclusive). Unit: ISO date. Source: user.
    pub horizon: IsoDate,
    /// First day of the financial (planning) year as `"MM-DD"`; must be the first of a month (spend is booked by calendar month). Drives budgets by year, the weeks left in a year, tranche reservation and re-plans anchored to the year start. Unit: month-day. Source: S2 ch.6 (I4: the NHS 12-month planning cycle starts on 1 April).
    #[serde(default = "default_financial_year_start")]
    pub financial_year_start: String,
}

fn default_financial_year_start() -> String {
    "04-01".to_string()
}

impl CalendarSpec {
    /// The month (1–12) of `financial_year_start`, if it is a valid `"MM-01"`.
    pub fn financial_year_start_month(&self) -> Option<u32> {
        let (m, d) = self.financial_year_start.split_once('-')?;
        let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
        ((1..=12).contains(&m) && d == 1).then_some(m)
    }
}

/// Switches for every mechanism. Turning one off gives a counterfactual run.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
pub struct Switches {
    /// Each re-plan (a missed deadline) lowers engagement, more so each time. Unit: on/off. Source: S2 ch.4 (I1).
    pub deadline_feedback: bool,
    /// National barriers (information governance, payment systems) slow the milestones they touch. Unit: on/off. Source: S2 Key points (G1, G2).
    pub national_barriers: bool,
    /// Key leaders depart (scheduled or by hazard). Unit: on/off. Source: S2 ch.6 (F2).
    pub leadership_loss: bool,
    /// Consultancy contracts add central capacity. Unit: on/off. Source: S2 ch.3 (E6).
    pub consultancy: bool,
    /// Consultants' knowledge is partly lost when a contract ends. Unit: on/off. Source: S2 ch.5 (E6).
    pub consultancy_handover_loss: bool,
    /// The published toolkit lowers the work needed for the milestones it covers. Unit: on/off. Source: S2 ch.3 (J2).
    pub toolkit: bool,
    /// The programme reviews progress and re-plans. Off: the first timetable stands. Unit: on/off. Source: S2 ch.4 (C3).
    pub replanning: bool,
    /// The gap between promised and delivered outcomes lowers engagement. Unit: on/off. Source: S0 (I3), S2 Box 7 (I6).
    pub outcome_feedback: bool,
    /// Visible progress raises engagement. Unit: on/off. Source: S2 ch.4 (I1).
    pub progress_feedback: bool,
    /// Meeting hours attended in person beyond what an organisation can give to the programme (its capacity after workload, averaged over the last four weeks) lower its engagement. Unit: on/off. Source: S0 (D1, E2).
    pub meeting_burden: bool,
    /// Churn in meeting attendees forces debates to be rehashed. Unit: on/off. Source: S2 ch.3 (E4).
    pub meeting_churn: bool,
    /// A meeting is quorate only if a lay partner attends. Unit: on/off. Source: S0 (K1).
    pub lay_quorum: bool,
    /// Providers hold back transactional effort until commissioners show they will invest. Unit: on/off. Source: S0 (B2).
    pub provider_wait: bool,
    /// Transactional milestones need every signing kind's effort (perfect complements). Unit: on/off. Source: S2 ch.6 (A5).
    pub signer_complementarity: bool,
    /// Temporary early adopter project managers add capacity while in post. Unit: on/off. Source: S0 (E7).
    pub project_managers: bool,
    /// Local budget buys early adopter capacity. Unit: on/off. Source: S2 Box 1 (E13).
    pub local_funding: bool,
    /// The £750k-style tranche is released only on an approved business plan. Off: paid on its date (at sign-off if it has none) without waiting for the business plan. Unit: on/off. Source: S2 ch.5 (E15).
    pub funding_gateway: bool,
    /// Agents drift their relational bias toward what open milestones need. Off: bias is fixed. Unit: on/off. Source: assumption.
    pub bias_adaptation: bool,
    /// Consultancy spend in a financial year is capped at that year's central budget (where one is given). Unit: on/off. Source: S2 Box 1 (E13).
    pub budget_cap: bool,
    /// Live practices enrol people only as fast as their care coordinators can, and a pilot runs a test period before its first roll-out step. Off: a practice's whole share of the population enrols the week it joins. Unit: on/off. Source: S2 ch.4 (E14, H7; a.7 "pilots within pilots").
    pub enrolment_capacity: bool,
    /// An early adopter held by a national barrier works around it locally (data-sharing agreements with every party); done, the barrier no longer holds its milestones. Off: only national removal lifts a barrier. Unit: on/off. Source: S2 ch.4 (G1).
    pub local_workarounds: bool,
    /// A near, credible deadline pulls effort forward: members' hours on an early adopter count for more while its planned pilot start falls within the current review cycle, less after every missed deadline. Unit: on/off. Source: S2 ch.4 (I1), S2 ch.6 (I4).
    pub deadline_momentum: bool,
    /// Key leaders hold transactional decisions: while one is gone and not replaced, transactional work (budgets, contracts, the business plan's prerequisites) goes slower. Unit: on/off. Source: S3, S2 ch.6 (F2).
    pub leader_decisions: bool,
    /// A financial year with no `[[budget]]` line funds nothing (no team, consultancy, tranches or local support): the programme winds down. Off: the last budget line given is carried forward to later years. Unit: on/off. Source: S2 Box 1 (c.2: budgets to 2015/16 only) — the rule is an assumption.
    pub wind_down: bool,
    /// Consultant hours given to early adopter support count at `consultancy.local_support_effectiveness` of a programme team hour. Off: consultant and team hours count the same. Unit: on/off. Source: S2 ch.5, ch.6 (E6, F3).
    pub consultant_local_effectiveness: bool,
    /// Organisations that delegate may send a junior delegate when no senior person can come; a delegate counts for attendance but carries `meetings.delegate_weight` of an attendee's output and gives its organisation no contact gain. Unit: on/off. Source: S2 ch.3 (b.6); S0 (A3).
    pub delegation: bool,
    /// Meetings come first: the hours of this week's meetings attended in person are reserved before desk work is split. Off: desk work ignores meetings. Unit: on/off. Source: S2 ch.3, ch.4 (b.5: scheduled meetings); S0 (E2).
    pub meetings_first: bool,
    /// Local support money is spent only as far as the active early adopters can absorb it: each takes at most `effort.absorption_share` bought hours per hour of its members' own programme capacity (plus its project manager's hours); what no one can absorb stays in the pot and is returned at the year's end. Off: the year's free local money is spent evenly over its remaining weeks whenever an early adopter is active. Unit: on/off. Source: S2 ch.4 (E13, E14, H7).
    pub absorptive_capacity: bool,
    /// GP practices must be aware of the programme to give it hours or volunteer to pilot; awareness comes from contact (local working sessions, GP network meetings, the board GPs' cascade), not from central co-design. Off: every practice is aware from the start. Unit: on/off. Source: S0, S2 ch.4 (C2, C3, C5).
    pub gp_awareness: bool,
    /// The early adopters' local working sessions on the model of care (spring 2014) make the practices that attend aware and take their hours. Unit: on/off. Source: S2 ch.4 (a.6).
    pub gp_sessions: bool,
    /// Once an early adopter's GP network is formed, the network meets: practices that come become aware and count the hours as programme contact. Unit: on/off. Source: S0 (B4), S2 ch.4 (d: GP networks).
    pub gp_networks: bool,
    /// CCG governing-body GPs cascade the programme to the practices of their early adopters at `general_practice.cascade_rate` a week. Off: no cascade at all. Unit: on/off. Source: S0, S2 ch.5 (C3, C6).
    pub gp_cascade: bool,
    /// Early adopters decide their scope: at each programme review a full-scope early adopter whose projected go-live is more than `scope.scale_back_slip_weeks` past its current planned pilot start scales back (with chance `scope.scale_back_propensity`), dropping the full-scope milestones it has not achieved. Off: every early adopter keeps its initial `early_adopters[].scope`. Unit: on/off. Source: S2 ch.4 (H4, H5; a.7 "pilots within pilots") — the trigger is an assumption.
    pub scope_decisions: bool,
    /// Coordination costs that grow with scale (`[coordination]`): a decision's work grows with the organisations that must sign it, a body's output per attendee falls once its meetings outgrow a working size, and central support to early adopters is strained by how many different stages they are at. Off: none of the three. Unit: on/off. Source: S0 (E2), S2 ch.4, ch.5 (E3, E5, E8, H9).
    pub coordination_costs: bool,
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            deadline_feedback: true,
            national_barriers: true,
            leadership_loss: true,
            consultancy: true,
            consultancy_handover_loss: true,
            toolkit: true,
            replanning: true,
            outcome_feedback: true,
            progress_feedback: true,
            meeting_burden: true,
            meeting_churn: true,
            lay_quorum: true,
            provider_wait: true,
            signer_complementarity: true,
            project_managers: true,
            local_funding: true,
            funding_gateway: true,
            bias_adaptation: true,
            budget_cap: true,
            enrolment_capacity: true,
            local_workarounds: true,
            deadline_momentum: true,
            leader_decisions: true,
            wind_down: true,
            consultant_local_effectiveness: true,
            delegation: true,
            meetings_first: true,
            absorptive_capacity: true,
            gp_awareness: true,
            gp_sessions: true,
            gp_networks: true,
            gp_cascade: true,
            scope_decisions: true,
            coordination_costs: true,
        }
    }
}

/// One group of organisation agents per kind.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Organisations {
    /// Clinical commissioning groups.
    pub ccg: OrgKindSpec,
    /// Local authorities (councils), social care commissioners.
    pub local_authority: OrgKindSpec,
    /// Acute hospital trusts.
    pub acute_trust: OrgKindSpec,
    /// Community and mental health trusts.
    pub community_trust: OrgKindSpec,
    /// GP practices.
    pub gp_practice: OrgKindSpec,
    /// Third-sector (voluntary and community) organisations.
    pub third_sector: OrgKindSpec,
    /// Lay partners (patients, service users, carers) active in governance.
    pub lay_partner: OrgKindSpec,
}

/// The parameters of a kind's agents (the programme team has none).
pub fn org_kind_spec(o: &Organisations, kind: AgentKind) -> Option<&OrgKindSpec> {
    match kind {
        AgentKind::Ccg => Some(&o.ccg),
        AgentKind::LocalAuthority => Some(&o.local_authority),
        AgentKind::AcuteTrust => Some(&o.acute_trust),
        AgentKind::CommunityTrust => Some(&o.community_trust),
        AgentKind::GpPractice => Some(&o.gp_practice),
        AgentKind::ThirdSector => Some(&o.third_sector),
        AgentKind::ProgrammeTeam => None,
        AgentKind::LayPartner => Some(&o.lay_partner),
    }
}

/// Splits an `early_adopters[].organisations` reference `kind:id` into its
/// kind and id (`None` if there is no `:` or the kind is unknown).
pub fn split_org_ref(r: &str) -> Option<(AgentKind, &str)> {
    let (k, id) = r.split_once(':')?;
    Some((AgentKind::from_id(k)?, id))
}

/// Parameters of all agents of one kind. Each agent draws its own values around these.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct OrgKindSpec {
    /// Number of agents of this kind. Unit: count. Source: b.2–b.5 (docs/evidence.md).
    pub count: u32,
    /// Hours per week the organisation can give the programme at full engagement and no workload. Unit: hours/week. Source: assumption.
    pub capacity_hours: f64,
    /// Initial engagement (mean across agents). Unit: probability 0..1. Source: assumption informed by S2 ch.3, ch.4.
    pub engagement: f64,
    /// Spread of initial engagement across agents (standard deviation, clipped to 0..1). Unit: 0..1. Source: assumption.
    #[serde(default = "default_engagement_sd")]
    pub engagement_sd: f64,
    /// Share of effort put into relational work (co-design, meetings, engagement). Unit: share 0..1. Source: S0 (A1).
    pub relational_bias: f64,
    /// Workload pressure: share of capacity absorbed by the day job. Unit: share 0..1. Source: S0 (C1, D1).
    pub workload: f64,
    /// Ids naming the first agents of this kind, in order (at most `count`; the rest stay unnamed and are labelled `kind#i` in outputs). Early adopters name their `ccg`, `local_authority`, `acute_trust` and `community_trust` members by these ids; outputs label agents `kind:id`. Unit: ids (letters, digits, `_`). Default: none. Source: b.1–b.3, d (docs/evidence.md).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    /// `gp_practice` and `third_sector` only: agents per CCG area (CCG id from `organisations.ccg.names` = count). Agents are laid out in contiguous blocks in the order of `organisations.ccg.names` (CCGs not listed get none; agents beyond the sum belong to no area). Empty: the pool is split into equal contiguous blocks, one per CCG. Early adopters draw these members from their CCGs' areas. Unit: agents. Default: empty. Source: b.3 (Brent 67 practices); other counts assumption.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub per_ccg: std::collections::BTreeMap<String, u32>,
}

impl OrgKindSpec {
    /// `per_ccg` as counts in the order of the CCG names (0 for a CCG it
    /// does not list; empty if `per_ccg` is empty).
    pub fn per_ccg_in_order(&self, ccg_names: &[String]) -> Vec<u32> {
        if self.per_ccg.is_empty() {
            return Vec::new();
        }
        ccg_names
            .iter()
            .map(|c| self.per_ccg.get(c).copied().unwrap_or(0))
            .collect()
    }
}

fn default_engagement_sd() -> f64 {
    0.1
}

/// The central programme team and its strategic leadership.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ProgrammeSpec {
    /// Programme team staff in post. Unit: people. Source: S2 ch.3 (13–15 at any one time).
    pub team_size: f64,
    /// Hours per week each team member gives. Unit: hours/week. Source: assumption (full-time).
    #[serde(default = "default_team_hours")]
    pub hours_per_person: f64,
    /// Cost of one team member per year. Unit: GBP/year. Source: assumption.
    pub cost_per_person_gbp: f64,
    /// Share of team effort that is relational. Unit: share 0..1. Source: S0 (A1, A2).
    pub relational_bias: f64,
    /// Share of team hours given to early adopter support once early adopters are signed off (the rest goes to central products). Unit: share 0..1. Source: S2 ch.4 (E8).
    pub ea_support_share: f64,
    /// Efficiency of central support hours when spread over many early adopters: effective = hours / (1 + spread_penalty × (active EAs − 1)). Unit: 1/EA. Source: S2 ch.4 (E8) — magnitude assumption.
    #[serde(default)]
    pub spread_penalty: f64,
}

fn default_team_hours() -> f64 {
    37.5
}

/// Consultancy bought by the programme and its conversion to capacity.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct ConsultancySpec {
    /// Consultant day rate. Unit: GBP/day. Source: assumption.
    #[serde(default = "default_day_rate")]
    pub day_rate_gbp: f64,
    /// Hours in a consultant day. Unit: hours/day. Source: assumption.
    #[serde(default = "default_hours_per_day")]
    pub hours_per_day: f64,
    /// Share of consultant work that is relational (workshops, facilitation). Unit: share 0..1. Source: S0 (A2).
    #[serde(default = "default_consultant_bias")]
    pub relational_bias: f64,
    /// Share of consultants' accumulated contribution to unfinished work that stays when a contract ends. Unit: share 0..1. Source: S2 ch.5 (E6) — magnitude assumption.
    #[serde(default = "default_handover")]
    pub handover_fraction: f64,
    /// How much one consultant hour of early adopter (local implementation) support is worth relative to a programme team hour; consultants design central products at full value but are outsiders to local relationships. Unit: share 0..1. Source: S2 ch.5, ch.6 (E6: pushed a pre-set model, clashed with local culture; F3: the consultant-heavy way versus support tailored to each locality) — magnitude assumption.
    #[serde(default = "default_local_support_effectiveness")]
    pub local_support_effectiveness: f64,
    /// Contracts: money spent evenly over a period.
    #[serde(default)]
    pub contracts: Vec<ConsultancyContract>,
}

fn default_day_rate() -> f64 {
    1200.0
}
fn default_hours_per_day() -> f64 {
    8.0
}
fn default_consultant_bias() -> f64 {
    0.6
}
fn default_handover() -> f64 {
    0.5
}
fn default_local_support_effectiveness() -> f64 {
    0.5
}

/// One consultancy contract.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ConsultancyContract {
    /// First day of the contract. Unit: ISO date. Source: S2 Box 1.
    pub start: IsoDate,
    /// Last day of the contract. Unit: ISO date. Source: S2 Box 1.
    pub end: IsoDate,
    /// Total value of the contract. Unit: GBP. Source: S2 Box 1 (specialist expertise).
    pub amount_gbp: f64,
}

/// The programme budget of one financial year (from `calendar.financial_year_start`, 1 April by default, for twelve months).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct BudgetYear {
    /// The calendar year in which the financial year starts (2013 means 2013/14). Unit: year. Source: S2 Box 1.
    pub starts: i32,
    /// Pan-programme (central) support and implementation budget. Unit: GBP. Source: S2 Box 1.
    pub central_gbp: f64,
    /// Direct funding for local support (early adopters). Unit: GBP. Source: S2 Box 1.
    pub local_gbp: f64,
}

/// The co-design phase.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct CodesignSpec {
    /// Date the working groups start meeting. Unit: ISO date. Source: S2 ch.1 (October 2013).
    pub start: IsoDate,
    /// Names of the working groups; each becomes body `working_group:<name>`. Unit: list of ids. Source: S2 ch.3 (five groups).
    pub working_groups: Vec<String>,
    /// Meeting interval of each working group. Unit: weeks. Source: S2 ch.3 (6–8 meetings in 5 months).
    pub meeting_every_weeks: u32,
    /// Members of each working group, by agent kind (kind = count). Unit: agents. Source: S2 ch.3.
    pub members: std::collections::BTreeMap<String, u32>,
    /// Effective attendee-hours of meeting output each working group needs to finish its part of the design. Unit: attendee-hours. Source: assumption (calibrated).
    pub work_per_group: f64,
    /// Central (programme team and consultant) relational hours each working group needs besides its meetings: drafting, analysis, facilitation. Unit: hours. Source: S2 ch.5 (E1: central capacity drove the design) — magnitude assumption (calibrated).
    pub central_hours_per_group: f64,
    /// Hours each attendee spends per working group meeting (including preparation). Unit: hours. Source: assumption.
    pub meeting_hours: f64,
    /// Programme team and consultant hours needed to write up and publish the toolkit after co-design. Unit: hours. Source: assumption (calibrated; toolkit 298 pp., S2 ch.3).
    pub toolkit_work_hours: f64,
    /// Share of milestone work saved by the toolkit for the milestones it covers. Unit: share 0..1. Source: S0, S2 ch.3 (J2: helpful for design, untested on data sharing and finance) — magnitude assumption.
    pub toolkit_reduction: f64,
}

/// A governance body with a meeting schedule.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct BodySpec {
    /// Body id: `programme_executive`, `integration_board`, `lay_advisory_group`, or another name. Unit: id. Source: S2 ch.3.
    pub id: String,
    /// Members by agent kind (kind = count; `programme_team` = 1 for the team). Unit: agents. Source: S2 ch.3 (b.5).
    pub members: std::collections::BTreeMap<String, u32>,
    /// Meeting schedule: periods with a fixed interval.
    #[serde(default)]
    pub schedule: Vec<SchedulePeriod>,
    /// Extra one-off meeting dates. Unit: ISO dates. Source: S2 ch.3.
    #[serde(default)]
    pub dates: Vec<IsoDate>,
    /// Hours each attendee spends per meeting (including preparation). Unit: hours. Source: assumption.
    #[serde(default = "default_body_meeting_hours")]
    pub meeting_hours: f64,
    /// Whether this body signs off early adopters (only one body may). Unit: on/off. Source: S2 ch.4 (PE signs off).
    #[serde(default)]
    pub signs_off_early_adopters: bool,
}

fn default_body_meeting_hours() -> f64 {
    3.0
}

/// A period during which a body meets at a fixed interval.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct SchedulePeriod {
    /// First meeting date. Unit: ISO date. Source: S2 ch.3.
    pub from: IsoDate,
    /// No meetings after this date. Unit: ISO date. Source: S2 ch.3.
    pub to: IsoDate,
    /// Interval between meetings. Unit: weeks. Source: S2 ch.3.
    pub every_weeks: u32,
}

/// The timetable as first promised.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct TimetableSpec {
    /// Planned end of co-design. Unit: ISO date. Source: S2 ch.3 (8 months, ~6 after the 28 Jun 2013 bid).
    pub codesign_complete: IsoDate,
    /// Planned publication of the toolkit. Unit: ISO date. Source: S2 ch.3 (output of co-design).
    pub toolkit_published: IsoDate,
    /// Planned sign-off of all early adopters. Unit: ISO date. Source: S2 ch.3 (identified in the last three months of co-design).
    pub ea_signed_off: IsoDate,
    /// Planned approval of all early adopter business plans. Unit: ISO date. Source: assumption (before the pilot start).
    pub business_plan_approved: IsoDate,
    /// Planned start of the early adopter pilots (`pilot_live`). Unit: ISO date. Source: S2 ch.3 (shadow form, early January 2014).
    pub pilot_start: IsoDate,
    /// Planned wider roll-out. Unit: ISO date. Source: S2 ch.6 (April 2015).
    pub wider_rollout: IsoDate,
    /// Weeks planners assume an early adopter needs from sign-off to go-live, when they have no observed rate. Unit: weeks. Source: assumption (bid: identified Oct–Dec 2013, live Jan 2014).
    pub assumed_preparation_weeks: u32,
    /// Share of early adopters that must be live for wider roll-out. Unit: share 0..1. Source: S2 ch.6 (roll-out "based on these early adopters") — assumption.
    #[serde(default = "default_wider_rollout_share")]
    pub wider_rollout_share: f64,
}

fn default_wider_rollout_share() -> f64 {
    0.75
}

/// How re-planning works.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
pub struct ReplanSpec {
    /// Weeks between progress reviews. Unit: weeks. Source: assumption (quarterly).
    pub review_every_weeks: u32,
    /// First review date. Unit: ISO date. Source: S2 ch.4 (first re-plan December 2013).
    pub first_review: Option<IsoDate>,
    /// Rule for the new pilot start date: `next_year_start` (the first financial year start, `calendar.financial_year_start`, on or after the projection; `next_april` is accepted as its old name), `fixed_slip` (add slip_weeks until past the projection) or `projected` (the projection itself). Unit: enum. Source: S2 ch.4 (C3, anchored to 1 April); S2 ch.6 (I4).
    pub policy: ReplanPolicy,
    /// Slip added per step by the `fixed_slip` policy. Unit: weeks. Source: assumption.
    pub slip_weeks: u32,
    /// Planners' optimism: the share of the projected remaining time they discount. Unit: share 0..1. Source: assumption (S0 I3: "overly optimistic").
    pub optimism: f64,
    /// Re-plan only when the (discounted) projection is this many weeks past the plan. Unit: weeks. Source: assumption.
    pub tolerance_weeks: u32,
    /// Which early adopter's projected go-live defines the programme's projection (1 = first, 0 = median). Unit: rank. Source: assumption.
    pub reference_rank: u32,
    /// Weeks of observed progress used to project the remaining time. Unit: weeks. Source: S2 ch.4 ("first half of 2014").
    pub projection_window_weeks: u32,
}

impl Default for ReplanSpec {
    fn default() -> Self {
        ReplanSpec {
            review_every_weeks: 13,
            first_review: None,
            policy: ReplanPolicy::NextYearStart,
            slip_weeks: 13,
            optimism: 0.3,
            tolerance_weeks: 4,
            reference_rank: 0,
            projection_window_weeks: 26,
        }
    }
}

/// How early adopters decide their scope as their plan slips (switch `scope_decisions`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
pub struct ScopeSpec {
    /// A full-scope early adopter considers scaling back at a programme review when its projected go-live (from its own observed work rate) is more than this many weeks past its current planned pilot start. Unit: weeks. Source: assumption (half a year: two quarterly reviews behind); S2 ch.4 (H4: scaled-back models went live sooner).
    pub scale_back_slip_weeks: u32,
    /// Chance that such an early adopter scales back at one review (drawn from its own Scope stream); the others keep working toward the full model. Unit: probability per review. Source: assumption; S2 ch.4 (H4, H5: some schemes started small or dropped capitation and IT change, others kept the full model).
    pub scale_back_propensity: f64,
}

impl Default for ScopeSpec {
    fn default() -> Self {
        ScopeSpec {
            scale_back_slip_weeks: 26,
            scale_back_propensity: 0.25,
        }
    }
}

/// How agents decide how to spend their hours.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
pub struct EffortSpec {
    /// Week-to-week variation in available hours (coefficient of variation). Unit: share. Source: assumption.
    pub availability_noise: f64,
    /// How far per week an agent's relational share moves toward what its open milestones need. Unit: share/week. Source: assumption (S0 A2: slow to change).
    pub bias_adaptation_rate: f64,
    /// Weight of the smallest signer's effort in a transactional milestone (1 = perfect complements). Unit: share 0..1. Source: assumption (A5).
    pub signer_complementarity: f64,
    /// How many hours of support (project manager, programme team, consultants, bought capacity) can count toward a transactional milestone per effective signer hour: support drafts, only signers agree. Unit: ratio. Source: S0 (A2, A5) — magnitude assumption.
    pub support_leverage: f64,
    /// Transactional effort of providers before commissioners commit (relative to full). Unit: share 0..1. Source: S0 (B2) — magnitude assumption.
    pub provider_wait_factor: f64,
    /// Hours per week of an early adopter project manager. Unit: hours/week. Source: S0 (E7) — assumption.
    pub project_manager_hours: f64,
    /// Share of project manager hours that is relational. Unit: share 0..1. Source: assumption.
    pub project_manager_relational_bias: f64,
    /// Cost of one hour of local capacity bought with local funding. Unit: GBP/hour. Source: assumption.
    pub local_hour_cost_gbp: f64,
    /// Share of local funding (after tranches) that reaches early adopters as capacity. Unit: share 0..1. Source: S2 ch.6 (E13) — assumption.
    pub local_funding_efficiency: f64,
    /// Bought local hours an active early adopter can put to use per hour of its members' own programme capacity (capacity × (1 − workload), an organisation in several early adopters split evenly between them, plus its project manager's hours): bought help needs people with time to direct it (switch `absorptive_capacity`). Unit: hours per hour. Source: S2 ch.4 (H7: "busy day jobs"; E14) — value assumption.
    pub absorption_share: f64,
    /// Share of its own programme capacity (capacity × (1 − workload) over the recording period) that an organisation must give (desk work plus meetings attended in person) to count as actively involved. Unit: share 0..1. Source: assumption (a definition, not fitted to any survey).
    pub involvement_share: f64,
    /// Engagement a GP practice needs to take part in a pilot (piloting at its own expense, E14). Unit: 0..1. Source: S2 ch.4 (C1, E14) — assumption.
    pub pilot_willing_engagement: f64,
    /// Multiplier on an early adopter's effort per unit of prior relationships: effort × (1 − w/2 + w × prior_relationships). Unit: multiplier. Source: S2 ch.4 (H1, H2) — magnitude assumption.
    pub prior_relationship_weight: f64,
}

impl Default for EffortSpec {
    fn default() -> Self {
        EffortSpec {
            availability_noise: 0.2,
            bias_adaptation_rate: 0.01,
            signer_complementarity: 0.6,
            support_leverage: 2.0,
            provider_wait_factor: 0.4,
            project_manager_hours: 30.0,
            project_manager_relational_bias: 0.6,
            local_hour_cost_gbp: 60.0,
            local_funding_efficiency: 0.5,
            absorption_share: 1.0,
            involvement_share: 0.25,
            pilot_willing_engagement: 0.3,
            prior_relationship_weight: 1.0,
        }
    }
}

/// Engagement dynamics. Engagement moves each week by the sum of these effects,
/// then relaxes toward the agent's baseline at `reversion_rate`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
pub struct EngagementSpec {
    /// Rise in engagement of an early adopter's members when it achieves a milestone. Unit: engagement points. Source: S2 ch.4 (I1) — assumption.
    pub progress_gain: f64,
    /// Rise per relational contact hour (meetings attended), saturating. Unit: engagement points per hour. Source: S2 ch.3 (J1) — assumption.
    pub contact_gain: f64,
    /// Fall per week per unit of meeting hours above an agent's spare hours. Unit: engagement points. Source: S0 (D1) — assumption.
    pub burden_loss: f64,
    /// Fall at a missed deadline (a re-plan of the pilot start). Unit: engagement points. Source: S2 ch.4 (I1) — assumption.
    pub deadline_loss: f64,
    /// Extra fall per earlier slip: the loss at the n-th slip is deadline_loss × (1 + escalation × (n − 1)). Unit: share. Source: S2 ch.6 (I2) — assumption.
    pub deadline_escalation: f64,
    /// Weekly fall per unit of promise gap (share of the promised outcome not delivered) after the promised date. Unit: engagement points/week. Source: S0 (I3) — assumption.
    pub promise_gap_loss: f64,
    /// Fall in engagement of all strategic agents (CCGs, programme team) at a leader's departure. Unit: engagement points. Source: S3 (F2) — assumption.
    pub leadership_loss: f64,
    /// Weekly relaxation toward baseline engagement. Unit: share/week. Source: assumption.
    pub reversion_rate: f64,
    /// Extra sensitivity of lay partners to missed deadlines (multiplier). Unit: multiplier. Source: S2 ch.6 (K3).
    pub lay_deadline_multiplier: f64,
    /// Extra effectiveness of members' hours on an early adopter whose planned pilot start is near (within the current review cycle) and fully credible: the hours count (1 + momentum_gain × credibility) times. Unit: share. Source: S2 ch.4 (I1) — assumption.
    pub momentum_gain: f64,
    /// Share of the programme's deadline credibility lost at each missed deadline (credibility starts at 1 and never recovers). Unit: share 0..1. Source: S2 ch.4, ch.6 (I1, I2) — assumption.
    pub credibility_loss: f64,
}

impl Default for EngagementSpec {
    fn default() -> Self {
        EngagementSpec {
            progress_gain: 0.03,
            contact_gain: 0.002,
            burden_loss: 0.01,
            deadline_loss: 0.04,
            deadline_escalation: 0.5,
            promise_gap_loss: 0.002,
            leadership_loss: 0.05,
            reversion_rate: 0.01,
            lay_deadline_multiplier: 1.5,
            momentum_gain: 0.25,
            credibility_loss: 0.5,
        }
    }
}

/// Meeting mechanics.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
pub struct MeetingSpec {
    /// Output lost per unit of attendee churn (share of attendees who missed the previous meeting). Unit: share 0..1. Source: S2 ch.3 (E4) — assumption.
    pub churn_penalty: f64,
    /// Output multiplier when a lay partner attends. Unit: multiplier. Source: S2 ch.3 (K1) — assumption.
    pub lay_quality_bonus: f64,
    /// Steering committee meeting interval. Unit: weeks. Source: S2 ch.4 (monthly).
    pub steering_every_weeks: u32,
    /// Hours per attendee per steering committee meeting. Unit: hours. Source: assumption.
    pub steering_meeting_hours: f64,
    /// Share of steering committee attendee-hours that counts as relational progress on the early adopter. Unit: share. Source: assumption.
    pub steering_output_share: f64,
    /// Output (attendee-hours) of a delegate relative to a senior attendee. Unit: share 0..1. Source: S2 ch.3 (b.6: attendance delegated down); S0 (A3: engagement not rooted back into organisations) — magnitude assumption.
    pub delegate_weight: f64,
    /// Organisation kinds that send a delegate when no senior person can attend. Unit: agent kind ids. Source: S2 ch.3 (b.6: NHS providers delegated down).
    pub delegating_kinds: Vec<String>,
}

impl Default for MeetingSpec {
    fn default() -> Self {
        MeetingSpec {
            churn_penalty: 0.4,
            lay_quality_bonus: 1.2,
            steering_every_weeks: 4,
            steering_meeting_hours: 3.0,
            steering_output_share: 0.5,
            delegate_weight: 0.5,
            delegating_kinds: vec!["acute_trust".into(), "community_trust".into()],
        }
    }
}

/// A national barrier.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct BarrierSpec {
    /// Barrier id, referenced by milestones (e.g. `information_governance`, `payment_systems`). Unit: id. Source: S2 Key points (G1, G2).
    pub id: String,
    /// Chance per year that the barrier is removed nationally. Unit: probability/year. Source: S3, S4 (G5: promised, barely kept) — assumption.
    pub removal_hazard_per_year: f64,
    /// Earliest date of national removal. Unit: ISO date. Source: assumption.
    #[serde(default)]
    pub not_before: Option<IsoDate>,
    /// Efficiency of the work preparing a milestone the barrier holds (it cannot be achieved until the barrier is removed nationally or the early adopter's local workaround is done). Unit: share 0..1. Source: S2 ch.4, ch.6 (G1: Central London could not do its financial modelling without activity data) — assumption.
    pub efficiency: f64,
    /// Fixed hours of an early adopter's local workaround for this barrier (drafting the agreement and its governance), done once per early adopter. Unit: hours. Source: S2 ch.4 (G1, Hillingdon's workarounds) — assumption.
    pub workaround_hours: f64,
    /// Further workaround hours for each party that must share data or sign: each member organisation of the early adopter of a kind that signs a milestone the barrier governs. Unit: hours/party. Source: S2 ch.4 (G1: Brent pursued information-sharing agreements with all 67 practices, its trusts and the council) — assumption.
    #[serde(default)]
    pub workaround_hours_per_party: f64,
}

/// Key leaders.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct LeadershipSpec {
    /// The key leaders.
    #[serde(default)]
    pub leaders: Vec<LeaderSpec>,
    /// Share of programme team capacity lost per departed leader (strategic capacity). Unit: share 0..1. Source: S2 ch.6 (F2) — assumption.
    #[serde(default)]
    pub capacity_loss: f64,
    /// Weeks until a departed leader is replaced (capacity restored). Unit: weeks. Source: assumption.
    #[serde(default)]
    pub replacement_weeks: u32,
    /// Share of the transactional decision rate (effective transactional effort on early adopters' milestones) lost per departed leader not yet replaced. Unit: share 0..1. Source: S3, S2 ch.6 (F2) — assumption.
    #[serde(default)]
    pub decision_loss: f64,
}

/// One key leader.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct LeaderSpec {
    /// Leader id (a role). Unit: id. Source: S2 ch.3.
    pub id: String,
    /// Scheduled departure date, if known. Unit: ISO date. Source: S2 ch.6 (three leaders, Dec 2014–May 2015).
    #[serde(default)]
    pub departs: Option<IsoDate>,
    /// Chance per year of an unscheduled departure. Unit: probability/year. Source: assumption.
    #[serde(default)]
    pub hazard_per_year: f64,
}

/// Direct funding of early adopters.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct FundingSpec {
    /// Tranches paid to each early adopter.
    #[serde(default)]
    pub tranches: Vec<TrancheSpec>,
    /// Milestones an early adopter must have achieved for its final business plan to be approved (the gateway). Unit: list of milestone ids. Source: S2 ch.4 (final business plans approved by CCG finance committees) — choice of milestones assumption.
    #[serde(default)]
    pub business_plan_requires: Vec<String>,
}

/// One funding tranche.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct TrancheSpec {
    /// Tranche id. Unit: id. Source: S2 ch.4.
    pub id: String,
    /// Amount per early adopter. Unit: GBP. Source: S2 ch.4 (£50k, £250k, £750k).
    pub amount_gbp: f64,
    /// What releases it: `sign_off`, `date`, or `business_plan` (the gateway). Unit: enum. Source: S2 ch.4, ch.5.
    pub trigger: TrancheTrigger,
    /// Release date: for trigger `date`, paid then to every signed-off early adopter (or at a later sign-off; local support holds the money back until then); for trigger `business_plan`, the earliest payment date (the financial year whose budget holds it). Unit: ISO date. Source: S2 ch.4 (£250k in autumn 2014; £750k during 2015).
    #[serde(default)]
    pub date: Option<IsoDate>,
    /// Share of the tranche that buys early adopter capacity (the rest funds the project manager or is held). Unit: share 0..1. Source: assumption.
    #[serde(default)]
    pub capacity_share: f64,
    /// Weeks over which the capacity bought by the tranche is spread. Unit: weeks. Source: assumption.
    #[serde(default = "default_spread_weeks")]
    pub spread_weeks: u32,
}

fn default_spread_weeks() -> u32 {
    52
}

/// Promised outcomes and the outcome layer.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
pub struct OutcomeSpec {
    /// Promised reduction in emergency admissions across the programme's population. Unit: share 0..1. Source: S2 ch.3 (value case: up to 15%).
    pub promised_reduction: f64,
    /// Date by which the promised reduction is due. Unit: ISO date. Source: assumption.
    pub promised_by: Option<IsoDate>,
    /// Reduction in emergency admissions of an enrolled person once the effect is fully in place. Unit: share 0..1. Source: assumption (modest; no outcome data in any source).
    pub effect_size: f64,
    /// Weeks from enrolment to full effect (linear ramp). Unit: weeks. Source: assumption.
    pub lag_weeks: u32,
    /// Emergency admissions of an enrolled (high-risk) person relative to the population average. Unit: ratio. Source: assumption.
    pub admission_risk_ratio: f64,
    /// Population the promise refers to. Unit: people. Source: S0, S2 (just over two million).
    pub population: f64,
}

impl Default for OutcomeSpec {
    fn default() -> Self {
        OutcomeSpec {
            promised_reduction: 0.0,
            promised_by: None,
            effect_size: 0.1,
            lag_weeks: 26,
            admission_risk_ratio: 4.0,
            population: 2_000_000.0,
        }
    }
}

/// Enrolment of people by live practices.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
pub struct EnrolmentSpec {
    /// People one live practice can enrol (assess, care-plan and hand to a care coordinator) per week. Unit: people/week. Source: assumption (E14: no money for double running, so practices piloted at their own expense; H7: staff with busy day jobs).
    pub per_practice_per_week: f64,
    /// Weeks a pilot runs with its first practices before the first roll-out step. Unit: weeks. Source: assumption (a.7: schemes started small and planned to roll out in steps over the following year).
    pub test_period_weeks: u32,
}

impl Default for EnrolmentSpec {
    fn default() -> Self {
        EnrolmentSpec {
            per_practice_per_week: 5.0,
            test_period_weeks: 13,
        }
    }
}

/// General practice: awareness, local working sessions, GP networks, cascade.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
pub struct GeneralPracticeSpec {
    /// First day of the window of the early adopters' local working sessions on the model of care. Unit: ISO date. Source: S2 ch.4 (a.6: early April 2014).
    pub sessions_from: IsoDate,
    /// Last day of that window. Unit: ISO date. Source: S2 ch.4 (a.6: mid-May 2014).
    pub sessions_to: IsoDate,
    /// Local working sessions planned per early adopter, spread evenly over the window. Unit: sessions. Source: S2 ch.4 (a.6: four per each of ten emerging early adopters).
    pub sessions_per_ea: u32,
    /// Probability that a planned session is held. Unit: probability. Source: S2 ch.4 (a.6: at least 24 of 40 held by 17 July 2014, so 0.6, derived).
    pub session_held_share: f64,
    /// Hours of one session, for each practice that attends. Unit: hours. Source: S2 ch.4 (a.6: 2–3 hours each).
    pub session_hours: f64,
    /// Probability that each member practice of the early adopter attends a session. Unit: share. Source: assumption (a.6: 25–50 attendees of all kinds per session; a quarter of an early adopter's 18–75 practices is 5–19 practices).
    pub session_practice_share: f64,
    /// Weeks between meetings of an early adopter's GP network once `gp_network_formed` is achieved. Unit: weeks. Source: assumption (monthly, like the steering committees, b.5).
    pub network_meeting_every_weeks: u32,
    /// Hours of one GP network meeting for each practice that comes. Unit: hours. Source: assumption.
    pub network_meeting_hours: f64,
    /// Weekly probability that a CCG's governing-body GPs make one unaware practice of its early adopters aware (the cascade that happened). Unit: probability/week. Source: assumption (C3, C6: the cascade the leaders assumed did not happen, so small; not fitted).
    pub cascade_rate: f64,
    /// Weekly cascade probability the programme's leaders assumed (only the expected awareness series `gp_aware_share_assumed` uses it). Unit: probability/week. Source: assumption (C3: leaders assumed senior GP involvement "would permeate the wider general practice community"; 0.05 spreads to most practices within a year).
    pub assumed_cascade_rate: f64,
}

impl Default for GeneralPracticeSpec {
    fn default() -> Self {
        let d = |y, m, d| IsoDate(chrono::NaiveDate::from_ymd_opt(y, m, d).expect("valid date"));
        GeneralPracticeSpec {
            sessions_from: d(2014, 4, 7),
            sessions_to: d(2014, 5, 16),
            sessions_per_ea: 4,
            session_held_share: 0.6,
            session_hours: 2.5,
            session_practice_share: 0.25,
            network_meeting_every_weeks: 4,
            network_meeting_hours: 2.0,
            cascade_rate: 0.002,
            assumed_cascade_rate: 0.05,
        }
    }
}

/// Coordination costs that grow with scale (switch `coordination_costs`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
pub struct CoordinationSpec {
    /// Growth of a signed decision's work with the organisations that must agree to it: an early adopter's milestone with signers needs `work_hours × (parties / signing kinds)^partner_elasticity`, counting its member organisations of each signing kind it has (its GP practices as one party, their network) against one per kind. 0: no growth; 1: work proportional to parties. Unit: elasticity (dimensionless, ≥ 0). Source: S0 (E2), S2 ch.5 (E5) — magnitude assumption.
    pub partner_elasticity: f64,
    /// Size of a meeting (attendees) up to which a body works without coordination loss. Unit: attendees. Source: S2 ch.3 (the co-design working groups, about a dozen members each) — assumption.
    pub body_reference_size: f64,
    /// Fall of a meeting's output per attendee once it is larger than `body_reference_size`: output × (reference / attendees)^body_size_elasticity. 0: no loss; 1: a meeting beyond the reference size produces no more than one of the reference size. Unit: elasticity (dimensionless, 0..1). Source: S0 (E2), S2 ch.4 (E3) — magnitude assumption.
    pub body_size_elasticity: f64,
    /// Loss of central support to early adopters per other active early adopter at a different stage (milestones achieved): support × 1 / (1 + diversity_penalty × D), D the mean over the active early adopters of the number of others at a different stage. Unit: 1/EA. Source: S2 ch.4 (E8 "the diversity of support needed", H9) — magnitude assumption (as `programme.spread_penalty` per extra EA).
    pub diversity_penalty: f64,
}

impl Default for CoordinationSpec {
    fn default() -> Self {
        CoordinationSpec {
            partner_elasticity: 0.5,
            body_reference_size: 12.0,
            body_size_elasticity: 0.5,
            diversity_penalty: 0.05,
        }
    }
}

/// One milestone of the early adopter journey.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct MilestoneSpec {
    /// Milestone id (an output contract; see the model brief). Unit: id. Source: model brief.
    pub id: String,
    /// `relational`, `transactional` or `mixed` (needs both). Unit: enum. Source: model brief; S0 (A1).
    pub kind: MilestoneKind,
    /// Effective hours of work needed. Unit: hours. Source: assumption (calibrated).
    pub work_hours: f64,
    /// Milestones that must be achieved first. Unit: list of milestone ids. Source: assumption (A2: transactional work needs relational groundwork).
    #[serde(default)]
    pub requires: Vec<String>,
    /// Agent kinds whose transactional effort is needed (signers). Unit: list of agent kinds. Source: S2 ch.4 (G2).
    #[serde(default)]
    pub signers: Vec<String>,
    /// National barrier that slows this milestone, if any. Unit: barrier id. Source: S2 (G1, G2).
    #[serde(default)]
    pub barrier: Option<String>,
    /// Skipped by early adopters with a scaled-back scope. Unit: on/off. Source: S2 ch.4 (H4).
    #[serde(default)]
    pub full_scope_only: bool,
    /// Work is lowered by the toolkit once published. Unit: on/off. Source: S2 ch.3 (J2).
    #[serde(default)]
    pub toolkit_covered: bool,
}

/// An early adopter (pilot site).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct EarlyAdopterSpec {
    /// Early adopter id (an output contract). Unit: id. Source: S2 Table 2.
    pub id: String,
    /// Date its application is ready for sign-off; it is signed off at the next quorate meeting of the sign-off body. Unit: ISO date. Source: S2 ch.4 (early March 2014; next two months).
    pub application_ready: IsoDate,
    /// Initial scope: `full` (accountable care with capitation and new IT) or `scaled_back` (starts small, without them). With switch `scope_decisions` on, a full-scope early adopter may later scale back (see `[scope]`). Unit: enum. Source: S2 ch.4 (H4, H5).
    pub scope: Scope,
    /// Target population. Unit: people. Source: S2 Table 2.
    pub population: f64,
    /// Strength of pre-existing relationships and services. Unit: 0..1. Source: S2 ch.4 (H1) — values assumption from the qualitative descriptions.
    pub prior_relationships: f64,
    /// Member agents by kind (kind = count). `gp_practice` and `third_sector` members are drawn from the areas of the early adopter's CCGs (`organisations.<kind>.per_ccg`). Other kinds are counted here only when `organisations` is empty, by the default rule: early adopter i (in file order) takes agents i×n … i×n+n−1 of a kind (docs/ODD.md, memberships). Unit: agents. Source: S2 Table 2.
    pub members: std::collections::BTreeMap<String, u32>,
    /// GP practices that pilot first. Unit: practices. Source: a.7 (three-practice prototype).
    pub pilot_practices: u32,
    /// Practices added at each roll-out step. Unit: practices. Source: S2 ch.4 (roll out in steps).
    pub rollout_step: u32,
    /// Weeks between roll-out steps. Unit: weeks. Source: assumption.
    pub rollout_every_weeks: u32,
    /// Project manager arrival date. Unit: ISO date. Source: S2 ch.4 (5 by mid-March 2014; 5 by June 2014).
    #[serde(default)]
    pub project_manager_from: Option<IsoDate>,
    /// Project manager departure date. Unit: ISO date. Source: S0 (E7) — assumption.
    #[serde(default)]
    pub project_manager_until: Option<IsoDate>,
    /// A lay partner chairs the steering committee. Unit: on/off. Source: S2 ch.3 (K4: Hillingdon, West London).
    #[serde(default)]
    pub lay_chair: bool,
    /// Member organisations named `kind:id` (kinds `ccg`, `local_authority`, `acute_trust`, `community_trust`; ids from `organisations.<kind>.names`). When given, `members` may count only `gp_practice` and `third_sector`, which come from the areas of the named CCGs. Empty: the default rule of `members`. Unit: `kind:id` references. Default: empty. Source: d (S2 Table 2, ch.4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organisations: Vec<String>,
}

/// What to record.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
pub struct RecordSpec {
    /// Time series sampling: `week`, `month` or `quarter`. Unit: enum. Source: assumption.
    pub timeseries_every: Period,
    /// Time series per replication (`replications`) or aggregated into quantiles across replications (`quantiles`). Unit: enum. Source: assumption.
    pub timeseries: TimeseriesMode,
    /// Per-replication meetings, spend and time series rows are written for the first N replications only (milestones and re-plans always for all). Unit: count. Source: assumption (keeps large ensembles modest).
    pub detail_replications: u32,
    /// Quantiles reported in aggregated outputs. Unit: probabilities. Source: assumption.
    pub quantiles: Vec<f64>,
    /// Dates at which go-live counts are reported; empty means the end of each financial year in the calendar. Unit: ISO dates. Source: user.
    pub checkpoints: Vec<IsoDate>,
}

impl Default for RecordSpec {
    fn default() -> Self {
        RecordSpec {
            timeseries_every: Period::Month,
            timeseries: TimeseriesMode::Quantiles,
            detail_replications: 50,
            quantiles: vec![0.1, 0.5, 0.9],
            checkpoints: Vec::new(),
        }
    }
}

/// Engine settings. They never change results.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
pub struct EngineSpec {
    /// Agents decide in parallel within a replication when there are at least this many agents. Unit: agents. Source: assumption (measured break-even).
    pub parallel_agents_threshold: u32,
}

impl Default for EngineSpec {
    fn default() -> Self {
        EngineSpec {
            parallel_agents_threshold: 20_000,
        }
    }
}
