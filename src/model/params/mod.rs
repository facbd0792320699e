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

use super::kinds::AgentKind;

mod governance;
mod mechanisms;
mod organisations;
mod sites;

pub use governance::*;
pub use mechanisms::*;
pub use organisations::*;
pub use sites::*;

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
    /// Names and areas of organisation agents (memberships).
    pub memberships: MembershipParams,
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
    /// Early adopters' scope decisions.
    pub scope: ScopeDecisions,
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
    /// Enrolment by live practices.
    pub enrolment: Enrolment,
    /// General practice: awareness, sessions, networks, cascade.
    pub general_practice: GeneralPractice,
    /// Coordination costs that grow with scale.
    pub coordination: Coordination,
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

/// Whether agents of a kind are local organisations that belong to a CCG
/// area (GP practices and the third sector): early adopters draw them by
/// count from their CCGs' areas and cannot name them.
pub fn is_local_kind(kind: AgentKind) -> bool {
    matches!(kind, AgentKind::GpPractice | AgentKind::ThirdSector)
}

/// Whether an early adopter may name agents of a kind in
/// `early_adopters[].organisations`: commissioners and trusts (not local
/// kinds, lay partners or the programme team).
pub fn is_nameable_member_kind(kind: AgentKind) -> bool {
    matches!(
        kind,
        AgentKind::Ccg
            | AgentKind::LocalAuthority
            | AgentKind::AcuteTrust
            | AgentKind::CommunityTrust
    )
}

/// Names and areas of organisation agents, by `AgentKind::index`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MembershipParams {
    /// Ids of the first agents of each kind, in order (the rest are unnamed).
    pub names: [Vec<String>; AgentKind::COUNT],
    /// Agents of a local kind per CCG area, in CCG index order (empty: equal
    /// contiguous blocks, one per CCG).
    pub per_ccg: [Vec<u32>; AgentKind::COUNT],
}

/// The agents (indices within the kind) of a local kind in each CCG area,
/// by CCG index: contiguous blocks of `per_ccg` in CCG order, or, when it is
/// empty, equal contiguous blocks (agent j of N in area ⌊j × C / N⌋).
/// Agents beyond the areas' sum belong to no area.
pub fn area_blocks(per_ccg: &[u32], n: u32, n_ccg: u32) -> Vec<Vec<u32>> {
    let mut blocks = vec![Vec::new(); n_ccg as usize];
    if n_ccg == 0 {
        return blocks;
    }
    if per_ccg.is_empty() {
        for j in 0..n {
            let c = u64::from(j) * u64::from(n_ccg) / u64::from(n);
            blocks[c as usize].push(j);
        }
    } else {
        let mut next = 0u32;
        for (block, &size) in blocks.iter_mut().zip(per_ccg) {
            let end = (next + size).min(n);
            block.extend(next..end);
            next = end;
        }
    }
    blocks
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
    /// Month (1–12) on whose first day the financial year starts.
    pub financial_year_start_month: u32,
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
    pub enrolment_capacity: bool,
    pub local_workarounds: bool,
    pub deadline_momentum: bool,
    pub leader_decisions: bool,
    pub wind_down: bool,
    pub consultant_local_effectiveness: bool,
    pub delegation: bool,
    pub meetings_first: bool,
    pub absorptive_capacity: bool,
    pub gp_awareness: bool,
    pub gp_sessions: bool,
    pub gp_networks: bool,
    pub gp_cascade: bool,
    pub scope_decisions: bool,
    pub coordination_costs: bool,
}

impl Switches {
    /// Every switch with its scenario key, in declaration order.
    pub fn named(&self) -> Vec<(&'static str, bool)> {
        vec![
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
            ("enrolment_capacity", self.enrolment_capacity),
            ("local_workarounds", self.local_workarounds),
            ("deadline_momentum", self.deadline_momentum),
            ("leader_decisions", self.leader_decisions),
            ("wind_down", self.wind_down),
            (
                "consultant_local_effectiveness",
                self.consultant_local_effectiveness,
            ),
            ("delegation", self.delegation),
            ("meetings_first", self.meetings_first),
            ("absorptive_capacity", self.absorptive_capacity),
            ("gp_awareness", self.gp_awareness),
            ("gp_sessions", self.gp_sessions),
            ("gp_networks", self.gp_networks),
            ("gp_cascade", self.gp_cascade),
            ("scope_decisions", self.scope_decisions),
            ("coordination_costs", self.coordination_costs),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_blocks_are_contiguous_per_ccg_or_equal() {
        // per_ccg given: contiguous blocks in CCG order; the rest in no area.
        let b = area_blocks(&[3, 0, 2], 7, 3);
        assert_eq!(b, vec![vec![0, 1, 2], vec![], vec![3, 4]]);
        // Empty: equal contiguous blocks covering the pool.
        let b = area_blocks(&[], 7, 3);
        assert_eq!(b, vec![vec![0, 1, 2], vec![3, 4], vec![5, 6]]);
        assert_eq!(b.concat(), (0..7).collect::<Vec<_>>());
        // No CCGs: no areas.
        assert!(area_blocks(&[], 5, 0).is_empty());
    }
}
