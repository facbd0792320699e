//! A milestone named in a sweep output or calibration target, resolved once
//! to its index in the replication's milestone records.

use super::plan::Plan;
use crate::model::ProgrammeMilestone;
use crate::observe::{MilestoneRecord, ReplicationResult};
use crate::scenario::Scenario;

/// A milestone as numbered in `MilestoneRecord::milestone`, resolved from
/// its id once: a journey milestone by its index in the scenario's journey,
/// or a programme milestone by its index in `ProgrammeMilestone::ALL` (its
/// record index is then the journey's length plus that index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneRef {
    /// Index in the journey.
    Journey(usize),
    /// Index in `ProgrammeMilestone::ALL`.
    Programme(usize),
}

impl MilestoneRef {
    /// The journey milestone `id` of `scenario`, if there is one.
    pub fn journey(scenario: &Scenario, id: &str) -> Option<MilestoneRef> {
        scenario
            .journey()
            .iter()
            .position(|m| m.id == id)
            .map(MilestoneRef::Journey)
    }

    /// The programme milestone `id`, if there is one.
    pub fn programme(id: &str) -> Option<MilestoneRef> {
        ProgrammeMilestone::ALL
            .iter()
            .position(|m| m.id() == id)
            .map(MilestoneRef::Programme)
    }

    /// Its index in `MilestoneRecord::milestone` for this plan.
    pub fn index(self, plan: &Plan) -> usize {
        match self {
            MilestoneRef::Journey(i) => i,
            MilestoneRef::Programme(k) => plan.journey.len() + k,
        }
    }

    /// The record of this milestone for early adopter `ea` (None = programme).
    pub fn record<'a>(
        self,
        plan: &Plan,
        r: &'a ReplicationResult,
        ea: Option<usize>,
    ) -> Option<&'a MilestoneRecord> {
        let ix = self.index(plan);
        r.milestones
            .iter()
            .find(|m| m.ea == ea && m.milestone == ix)
    }
}
