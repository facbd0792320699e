//! The programme's own vocabulary: its milestones, how it re-plans and what
//! releases money to early adopters.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Programme-level milestones (early_adopter `programme` in outputs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgrammeMilestone {
    /// All working groups finished.
    CodesignComplete,
    /// Toolkit written up and published.
    ToolkitPublished,
    /// Every early adopter signed off.
    EaSignedOff,
    /// The first early adopter live (not in the bid; reported for C1).
    FirstPilotLive,
    /// Every early adopter's business plan approved.
    BusinessPlanApproved,
    /// Enough early adopters live for wider roll-out.
    WiderRollout,
}

impl ProgrammeMilestone {
    /// All, in output order.
    pub const ALL: [ProgrammeMilestone; 6] = [
        ProgrammeMilestone::CodesignComplete,
        ProgrammeMilestone::ToolkitPublished,
        ProgrammeMilestone::EaSignedOff,
        ProgrammeMilestone::FirstPilotLive,
        ProgrammeMilestone::BusinessPlanApproved,
        ProgrammeMilestone::WiderRollout,
    ];
    /// Position in `ALL`.
    pub fn index(self) -> usize {
        self as usize
    }
    /// Stable id (output contract).
    pub fn id(self) -> &'static str {
        match self {
            ProgrammeMilestone::CodesignComplete => "codesign_complete",
            ProgrammeMilestone::ToolkitPublished => "toolkit_published",
            ProgrammeMilestone::EaSignedOff => "ea_signed_off",
            ProgrammeMilestone::FirstPilotLive => "first_pilot_live",
            ProgrammeMilestone::BusinessPlanApproved => "business_plan_approved",
            ProgrammeMilestone::WiderRollout => "wider_rollout",
        }
    }
    /// Relational or transactional, as reported in `milestones.csv`.
    pub fn kind(self) -> &'static str {
        match self {
            ProgrammeMilestone::CodesignComplete => "relational",
            ProgrammeMilestone::ToolkitPublished => "transactional",
            ProgrammeMilestone::EaSignedOff => "relational",
            ProgrammeMilestone::FirstPilotLive => "mixed",
            ProgrammeMilestone::BusinessPlanApproved => "transactional",
            ProgrammeMilestone::WiderRollout => "mixed",
        }
    }
    /// Whether re-planning the pilot start moves this milestone's plan.
    pub fn follows_pilot_start(self) -> bool {
        matches!(
            self,
            ProgrammeMilestone::FirstPilotLive
                | ProgrammeMilestone::BusinessPlanApproved
                | ProgrammeMilestone::WiderRollout
        )
    }
}

/// One value per programme milestone, indexed by [`ProgrammeMilestone`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerProgrammeMilestone<T>(pub [T; ProgrammeMilestone::ALL.len()]);

impl<T> std::ops::Index<ProgrammeMilestone> for PerProgrammeMilestone<T> {
    type Output = T;
    fn index(&self, m: ProgrammeMilestone) -> &T {
        &self.0[m.index()]
    }
}

impl<T> std::ops::IndexMut<ProgrammeMilestone> for PerProgrammeMilestone<T> {
    fn index_mut(&mut self, m: ProgrammeMilestone) -> &mut T {
        &mut self.0[m.index()]
    }
}

/// Re-planning rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReplanPolicy {
    /// The first financial year start on or after the projected date (the
    /// planning cycle; 1 April for the NHS). `next_april` is its old name.
    #[serde(alias = "next_april")]
    NextYearStart,
    /// The old date plus whole steps of `slip_weeks`.
    FixedSlip,
    /// The projected date itself.
    Projected,
}

/// What releases a tranche.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrancheTrigger {
    /// At the early adopter's sign-off.
    SignOff,
    /// On a fixed date.
    Date,
    /// When the early adopter's business plan is approved (the gateway).
    BusinessPlan,
}
