//! ODD §7.4: consultancy. Contracts add central hours and spend week by week
//! (the plan spreads each contract over its weeks and caps a financial
//! year's spend at that year's central budget); when a contract ends, the
//! share of the consultants' contribution to unfinished co-design and
//! toolkit work that was not handed over is lost (E6).

use super::World;
use crate::model::ProgrammeMilestone;

impl World<'_> {
    /// Consultant hours available this week (none with the switch off).
    pub(super) fn consultant_hours_this_week(&self) -> f64 {
        if self.sw().consultancy {
            self.plan.consultant_hours[self.tick as usize]
        } else {
            0.0
        }
    }

    /// Consultancy spend of this week (none with the switch off).
    pub(super) fn consultant_spend_this_week(&self) -> f64 {
        if self.sw().consultancy {
            self.plan.consultant_spend[self.tick as usize]
        } else {
            0.0
        }
    }

    /// A contract that ended last week takes its unhanded-over knowledge with it.
    pub(super) fn end_consultancy_contracts(&mut self) {
        let plan = self.plan;
        if !(self.sw().consultancy
            && self.sw().consultancy_handover_loss
            && plan.contract_ends.binary_search(&self.tick).is_ok())
        {
            return;
        }
        let lost = 1.0 - plan.params().consultancy.handover_fraction;
        let toolkit_open = !self.achieved(ProgrammeMilestone::ToolkitPublished);
        self.codesign
            .lose_consultant_work(&plan.params().codesign, lost, toolkit_open);
    }
}
