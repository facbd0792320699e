//! ODD §7.10: pilots, roll-out, enrolment and programme milestones. A live
//! pilot starts with its pilot practices, runs a test period, then adds
//! practices in steps, never more than are willing (aware of the programme,
//! §7.17, and engagement at or above `pilot_willing_engagement`). Live practices enrol their share of the
//! early adopter's population no faster than their care-coordination
//! capacity allows (E14, H7): no practice's whole list enrols at once. The
//! programme's first pilot, business-plan and wider roll-out milestones are
//! checked after the journeys move.

use super::effort::Agent;
use super::World;
use crate::engine::plan::EarlyAdopterPlan;
use crate::model::ProgrammeMilestone;

/// Member practices of `ea` aware of the programme (§7.17) and engaged
/// enough to take part.
pub(super) fn willing_practices(
    agents: &[Agent],
    aware: &[bool],
    ea: &EarlyAdopterPlan,
    threshold: f64,
) -> u32 {
    ea.practices
        .iter()
        .filter(|&&p| aware[p.index()] && agents[p.index()].engagement >= threshold)
        .count() as u32
}

/// People enrolled this week: the live practices' eligible people not yet
/// enrolled, at most `capacity` (people per week; unlimited when `None`).
pub(super) fn enrolment_this_week(eligible: f64, enrolled: f64, capacity: Option<f64>) -> f64 {
    let waiting = (eligible - enrolled).max(0.0);
    capacity.map_or(waiting, |c| waiting.min(c.max(0.0)))
}

/// Practices taking part after a roll-out step: `step` more, no more than
/// are willing (but never fewer than already take part) or than there are.
pub(super) fn practices_after_step(live: u32, step: u32, willing: u32, members: u32) -> u32 {
    live.saturating_add(step)
        .min(willing.max(live))
        .min(members)
}

impl World<'_> {
    /// A live pilot's next roll-out step, if due, and this week's enrolment.
    pub(super) fn roll_out(&mut self, e: usize) {
        let plan = self.plan;
        let params = plan.params();
        let capacity_on = params.switches.enrolment_capacity;
        let t = self.tick;
        let ea = &plan.eas[e];
        if self.eas[e].achieved[plan.pilot_live].is_none() {
            return;
        }
        if t >= self.eas[e].next_rollout {
            let willing = willing_practices(
                &self.agents,
                &self.aware,
                ea,
                params.effort.pilot_willing_engagement,
            );
            let s = &mut self.eas[e];
            let first = s.practices_live == 0;
            let step = if first {
                ea.pilot_practices
            } else {
                ea.rollout_step
            };
            s.practices_live =
                practices_after_step(s.practices_live, step, willing, ea.practices.len() as u32);
            // The pilot is tested before it is rolled out (a.7).
            let wait = if first && capacity_on {
                ea.rollout_every.max(params.enrolment.test_period_weeks)
            } else {
                ea.rollout_every
            };
            s.next_rollout = t.saturating_add(wait);
        }
        let eligible =
            ea.population * self.eas[e].practices_live as f64 / ea.practices.len().max(1) as f64;
        let capacity = capacity_on
            .then(|| self.eas[e].practices_live as f64 * params.enrolment.per_practice_per_week);
        let people = enrolment_this_week(eligible, self.enrolled(e), capacity);
        if people > 0.0 {
            self.eas[e].enrolments.push((t, people));
        }
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
    use super::{enrolment_this_week, practices_after_step};

    #[test]
    fn enrolment_is_capped_by_capacity_and_by_who_is_left() {
        // 100 eligible, 30 enrolled, capacity 20 a week: 20.
        assert_eq!(enrolment_this_week(100.0, 30.0, Some(20.0)), 20.0);
        // Only 10 left: 10.
        assert_eq!(enrolment_this_week(100.0, 90.0, Some(20.0)), 10.0);
        // No cap: everyone left at once.
        assert_eq!(enrolment_this_week(100.0, 30.0, None), 70.0);
        // Never negative.
        assert_eq!(enrolment_this_week(10.0, 30.0, Some(5.0)), 0.0);
    }

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
