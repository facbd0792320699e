//! ODD §7.10: pilots, roll-out and programme milestones. A live pilot starts
//! with its pilot practices and adds practices in steps, never more than are
//! willing (engagement at or above `pilot_willing_engagement`); each step
//! enrols the practices' share of the early adopter's population. The
//! programme's first pilot, business-plan and wider roll-out milestones are
//! checked after the journeys move.

use super::effort::Agent;
use super::World;
use crate::engine::plan::EarlyAdopterPlan;
use crate::model::ProgrammeMilestone;

/// Member practices of `ea` engaged enough to take part.
pub(super) fn willing_practices(agents: &[Agent], ea: &EarlyAdopterPlan, threshold: f64) -> u32 {
    ea.practices
        .iter()
        .filter(|&&p| agents[p.index()].engagement >= threshold)
        .count() as u32
}

/// Practices taking part after a roll-out step: `step` more, no more than
/// are willing (but never fewer than already take part) or than there are.
pub(super) fn practices_after_step(live: u32, step: u32, willing: u32, members: u32) -> u32 {
    (live + step).min(willing.max(live)).min(members)
}

impl World<'_> {
    /// A live pilot's next roll-out step, if due.
    pub(super) fn roll_out(&mut self, e: usize) {
        let plan = self.plan;
        let params = plan.params();
        let t = self.tick;
        let ea = &plan.eas[e];
        if self.eas[e].achieved[plan.pilot_live].is_none() || t < self.eas[e].next_rollout {
            return;
        }
        let willing = willing_practices(&self.agents, ea, params.effort.pilot_willing_engagement);
        let s = &mut self.eas[e];
        let step = if s.practices_live == 0 {
            ea.pilot_practices
        } else {
            ea.rollout_step
        };
        let target =
            practices_after_step(s.practices_live, step, willing, ea.practices.len() as u32);
        if target > s.practices_live {
            let added = target - s.practices_live;
            let people = ea.population * added as f64 / ea.practices.len().max(1) as f64;
            s.enrolments.push((t, people));
            s.practices_live = target;
        }
        s.next_rollout = t + ea.rollout_every;
    }

    /// People enrolled in early adopter `e`.
    pub(super) fn enrolled(&self, e: usize) -> f64 {
        self.eas[e].enrolments.iter().map(|x| x.1).sum()
    }

    /// The first pilot live, every business plan approved, and enough pilots
    /// live for the wider roll-out.
    pub(super) fn check_rollout_milestones(&mut self) {
        let live = self.live_count();
        if !self.achieved(ProgrammeMilestone::FirstPilotLive) && live > 0 {
            self.achieve(ProgrammeMilestone::FirstPilotLive);
        }
        if !self.achieved(ProgrammeMilestone::BusinessPlanApproved)
            && self.eas.iter().all(|e| e.business_plan.is_some())
        {
            self.achieve(ProgrammeMilestone::BusinessPlanApproved);
        }
        if !self.achieved(ProgrammeMilestone::WiderRollout)
            && live as f64 >= self.params().timetable.wider_rollout_share * self.eas.len() as f64
        {
            self.achieve(ProgrammeMilestone::WiderRollout);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::practices_after_step;

    #[test]
    fn roll_out_steps_are_capped_by_willing_practices_and_membership() {
        // Three more, all willing.
        assert_eq!(practices_after_step(3, 3, 40, 40), 6);
        // Only four willing: four.
        assert_eq!(practices_after_step(3, 3, 4, 40), 4);
        // Fewer willing than already live: no one leaves.
        assert_eq!(practices_after_step(5, 3, 2, 40), 5);
        // Never more than the members.
        assert_eq!(practices_after_step(38, 5, 40, 40), 40);
    }
}
