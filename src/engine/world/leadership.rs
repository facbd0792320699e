//! ODD §7.4 and §7.12: key leaders. Each leader departs on a scheduled date
//! or by a yearly hazard (F2, a.8); a departure costs the programme team
//! capacity and slows the transactional decisions the leaders hold (F2:
//! budgets, contracts) until a replacement is in post, and lowers strategic
//! organisations' engagement (applied in the engagement update).

use crate::engine::rng::Stream;
use rand::Rng;

use super::World;
use crate::engine::plan::Plan;
use crate::model::calendar::Tick;
use crate::util::random;

/// Who has left, and the Leadership stream.
#[derive(Debug, Clone)]
pub(super) struct LeadershipState {
    departed: Vec<Option<Tick>>,
    rng: Stream,
}

impl LeadershipState {
    pub fn new(plan: &Plan, rng: Stream) -> LeadershipState {
        LeadershipState {
            departed: vec![None; plan.params().leadership.leaders.len()],
            rng,
        }
    }
}

/// Share of the programme team's capacity left when `out` leaders are gone
/// and not yet replaced.
pub(super) fn capacity_factor(capacity_loss: f64, out: usize) -> f64 {
    (1.0 - capacity_loss * out as f64).max(0.0)
}

impl World<'_> {
    /// Leaders depart on schedule or by hazard (one draw per leader per week).
    pub(super) fn depart_leaders(&mut self) {
        if !self.sw().leadership_loss {
            return;
        }
        let plan = self.plan;
        let params = plan.params();
        let t = self.tick;
        for (l, spec) in params.leadership.leaders.iter().enumerate() {
            let u: f64 = self.leadership.rng.random();
            if self.leadership.departed[l].is_some() {
                continue;
            }
            let scheduled = plan.leader_departs[l] == Some(t);
            let by_hazard = u < random::weekly_probability(spec.hazard_per_year);
            if scheduled || by_hazard {
                self.leadership.departed[l] = Some(t);
                self.shocks.leadership += params.engagement.leadership_loss;
            }
        }
    }

    /// Leaders who have departed and are not yet replaced.
    fn leaders_out(&self) -> usize {
        let params = self.plan.params();
        let t = self.tick;
        self.leadership
            .departed
            .iter()
            .filter(|d| {
                d.is_some_and(|d| t < d.saturating_add(params.leadership.replacement_weeks.max(1)))
            })
            .count()
    }

    /// The programme team's capacity multiplier this week.
    pub(super) fn leadership_capacity_factor(&self) -> f64 {
        capacity_factor(
            self.plan.params().leadership.capacity_loss,
            self.leaders_out(),
        )
    }

    /// Multiplier on the effective transactional effort of every early
    /// adopter's transactional and mixed milestones this week (F2: the key
    /// leaders hold the programme's transactional decisions — budgets,
    /// contracts, capitation, and through `budgets_identified` the business
    /// plan): `max(1 − leadership.decision_loss × k, 0)` with `k` leaders
    /// gone and not replaced; 1 with `leader_decisions` off.
    pub(super) fn leadership_decision_factor(&self) -> f64 {
        let params = self.plan.params();
        if !params.switches.leader_decisions {
            return 1.0;
        }
        capacity_factor(params.leadership.decision_loss, self.leaders_out())
    }
}

#[cfg(test)]
mod tests {
    use super::capacity_factor;

    #[test]
    fn each_missing_leader_costs_a_share_of_capacity_never_below_zero() {
        assert_eq!(capacity_factor(0.2, 0), 1.0);
        assert!((capacity_factor(0.2, 2) - 0.6).abs() < 1e-12);
        assert_eq!(capacity_factor(0.4, 3), 0.0);
    }
}
