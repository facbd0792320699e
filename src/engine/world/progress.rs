//! ODD §7.7: progress of the journey. Each active early adopter's pooled
//! hours advance its open milestones: relational hours in equal shares over
//! open relational (and mixed) milestones; transactional milestones need
//! their signers' hours, blended between substitutes and perfect complements
//! (A5), plus support up to a multiple of the signers' effort; prior
//! relationships scale both (H1). National barriers (§7.8) and the toolkit
//! (§7.5) change the efficiency; the pilot cannot go live without enough
//! willing practices. Achievements are dated; commissioners' signatures end
//! providers' waiting (B2); the business plan is approved once its
//! milestones are done (the funding gateway, §7.9).

use super::early_adopters::is_open;
use super::rollout::willing_practices;
use super::World;
use crate::model::journey::MilestoneKind;
use crate::model::AgentKind;

/// Effort multiplier of an early adopter with prior relationships `p` (0..1)
/// and weight `w`: 1 − w/2 + w·p (so 1 at p = 0.5; 0.5..1.5 at w = 1).
pub(super) fn prior_relationship_multiplier(p: f64, w: f64) -> f64 {
    (1.0 - w / 2.0 + w * p).max(0.0)
}

/// Effective transactional effort from the signers' hours: a blend of the
/// sum (substitutes) and the number of signers times the smallest
/// contribution (perfect complements: nothing is signed until every party
/// works on it). `c` is the weight of the complements term.
pub(super) fn signer_effort<I: IntoIterator<Item = f64>>(hours: I, c: f64) -> f64 {
    let (mut sum, mut min, mut n) = (0.0, f64::INFINITY, 0u32);
    for h in hours {
        sum += h;
        min = min.min(h);
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    (1.0 - c) * sum + c * n as f64 * min
}

impl World<'_> {
    /// Phase 5: journeys advance, pilots roll out, programme milestones are
    /// checked, members see progress and the promise gap is updated.
    pub(super) fn progress(&mut self) {
        for e in 0..self.eas.len() {
            self.advance_journey(e);
        }
        for e in 0..self.eas.len() {
            self.roll_out(e);
        }
        self.check_codesign();
        self.check_rollout_milestones();
        // Members see their early adopter's progress.
        let plan = self.plan;
        for (i, a) in self.agents.iter_mut().enumerate() {
            for &e in &plan.agents[i].eas {
                a.progress_events += self.eas[e.index()].achieved_this_week;
            }
        }
        self.update_promise_gap();
    }

    /// One early adopter's week of journey work.
    fn advance_journey(&mut self, e: usize) {
        let plan = self.plan;
        let params = plan.params();
        let sw = &params.switches;
        let t = self.tick;
        let toolkit_live = self.toolkit_live();
        let toolkit_gain = 1.0 / (1.0 - params.codesign.toolkit_reduction).max(0.05);
        let decisions = self.leadership_decision_factor(); // F2 (§7.12, leadership.rs)
        let journey = &plan.journey;
        let ea_plan = &plan.eas[e];
        let s = &mut self.eas[e];
        s.achieved_this_week = 0;
        let prev_cum = if t > 0 {
            s.cumulative_work[t as usize - 1]
        } else {
            0.0
        };
        s.cumulative_work[t as usize] = prev_cum;
        if !s.active {
            return;
        }
        let prior = prior_relationship_multiplier(
            ea_plan.prior_relationships,
            params.effort.prior_relationship_weight,
        );
        let mut open_rel = 0u32;
        let mut open_trans = 0u32;
        let mut rel_remaining = 0.0;
        let mut all_remaining = 0.0;
        for m in 0..journey.len() {
            if !is_open(journey, s, m) {
                continue;
            }
            let remaining = (s.required[m] - s.progress[m]).max(0.0);
            all_remaining += remaining;
            match journey[m].kind {
                MilestoneKind::Relational => {
                    open_rel += 1;
                    rel_remaining += remaining;
                }
                MilestoneKind::Transactional => open_trans += 1,
                MilestoneKind::Mixed => {
                    open_rel += 1;
                    open_trans += 1;
                    rel_remaining += remaining / 2.0;
                }
            }
        }
        s.needed_relational_share = if all_remaining > 0.0 {
            rel_remaining / all_remaining
        } else {
            0.5
        };
        let rel_each = if open_rel > 0 {
            s.rel_pool * prior / open_rel as f64
        } else {
            0.0
        };
        let mut work_done = 0.0;
        let mut newly: [usize; 32] = [usize::MAX; 32];
        let mut n_new = 0;
        for m in 0..journey.len() {
            if !is_open(journey, s, m) {
                continue;
            }
            let ms = &journey[m];
            let barrier = self.barriers.in_force(ms.barrier);
            if let Some(b) = barrier {
                if !s.workaround_added[m] {
                    s.workaround_added[m] = true;
                    s.required[m] += params.barriers[b].workaround_hours;
                }
            }
            let trans_eff = if open_trans > 0 && ms.kind != MilestoneKind::Relational {
                let signer_hours = |k: AgentKind| s.trans_pool[k.index()] / open_trans as f64;
                let combined = signer_effort(
                    ms.signers.iter().map(|&k| signer_hours(k)),
                    if sw.signer_complementarity {
                        params.effort.signer_complementarity
                    } else {
                        0.0
                    },
                );
                let support = (s.support_trans / open_trans as f64)
                    .min(params.effort.support_leverage * combined);
                (combined + support) * prior * decisions
            } else {
                0.0
            };
            let mut eff = match ms.kind {
                MilestoneKind::Relational => rel_each,
                MilestoneKind::Transactional => trans_eff,
                MilestoneKind::Mixed => 2.0 * rel_each.min(trans_eff),
            };
            if let Some(b) = barrier {
                eff *= params.barriers[b].efficiency;
            }
            if toolkit_live && ms.toolkit_covered {
                eff *= toolkit_gain;
            }
            let before = s.progress[m];
            let mut after = before + eff;
            if m == plan.pilot_live
                && willing_practices(
                    &self.agents,
                    ea_plan,
                    params.effort.pilot_willing_engagement,
                ) < ea_plan.pilot_practices
            {
                after = after.min(s.required[m] * 0.999);
            }
            s.progress[m] = after.min(s.required[m]);
            work_done += s.progress[m] - before;
            if s.progress[m] >= s.required[m] && n_new < newly.len() {
                newly[n_new] = m;
                n_new += 1;
            }
        }
        s.cumulative_work[t as usize] = prev_cum + work_done;
        for &m in &newly[..n_new] {
            s.achieved[m] = Some(t);
            s.achieved_this_week += 1;
            let ms = &journey[m];
            if ms.kind != MilestoneKind::Relational
                && ms
                    .signers
                    .iter()
                    .any(|k| matches!(k, AgentKind::Ccg | AgentKind::LocalAuthority))
            {
                s.committed = true;
            }
            if m == plan.pilot_live {
                self.record.result.go_live[e] = Some(t);
                s.practices_live = 0;
                s.next_rollout = t;
            }
        }
        // Business plan approval (the gateway).
        if s.business_plan.is_none()
            && !plan.business_plan_requires.is_empty()
            && plan
                .business_plan_requires
                .iter()
                .all(|&m| s.achieved[m].is_some() || s.skipped[m])
        {
            s.business_plan = Some(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{prior_relationship_multiplier, signer_effort};

    #[test]
    fn signer_effort_blends_substitutes_and_complements() {
        // Substitutes: the sum.
        assert_eq!(signer_effort([4.0, 0.0], 0.0), 4.0);
        // Perfect complements: nothing until every party works.
        assert_eq!(signer_effort([4.0, 0.0], 1.0), 0.0);
        assert_eq!(signer_effort([3.0, 5.0], 1.0), 6.0);
        // Half and half: 0.5 * 8 + 0.5 * 2 * 3.
        assert_eq!(signer_effort([3.0, 5.0], 0.5), 7.0);
        assert_eq!(signer_effort(std::iter::empty(), 0.5), 0.0);
    }

    #[test]
    fn prior_relationships_scale_effort_around_one() {
        assert_eq!(prior_relationship_multiplier(0.5, 1.0), 1.0);
        assert_eq!(prior_relationship_multiplier(1.0, 1.0), 1.5);
        assert_eq!(prior_relationship_multiplier(0.0, 1.0), 0.5);
        assert_eq!(prior_relationship_multiplier(0.0, 0.0), 1.0);
    }
}
