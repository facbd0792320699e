//! ODD §7.12: deadlines cut both ways. A near and credible deadline pulls
//! effort forward — momentum and focus (I1, I4): while an early adopter's
//! planned pilot start falls within the current review cycle, its members'
//! hours count for more. Every missed deadline makes the next one less
//! credible (I1, I2), and that loss of credibility lasts; the lasting loss of
//! commitment is in the engagement update (engagement.rs).

use super::World;

/// Effectiveness multiplier of members' hours: `1 + gain × credibility`
/// while the deadline is near, 1 otherwise.
pub(super) fn focus_multiplier(gain: f64, credibility: f64, near: bool) -> f64 {
    if near {
        1.0 + gain * credibility
    } else {
        1.0
    }
}

/// Credibility of the programme's deadlines after one more is missed: a
/// share `loss` of what is left goes, and none comes back.
pub(super) fn eroded_credibility(credibility: f64, loss: f64) -> f64 {
    (credibility * (1.0 - loss)).clamp(0.0, 1.0)
}

impl World<'_> {
    /// Focus multiplier on the effect of the hours pooled for early adopter
    /// `e` this week (read by the progress phase, §7.7) (1 with `deadline_momentum` off): the deadline is near when
    /// the early adopter is active, not yet live and its planned pilot start
    /// is at most `replanning.review_every_weeks` weeks ahead (before the
    /// next review); it is as credible as the programme's record of missed
    /// deadlines allows (`ReviewState::credibility`).
    pub(super) fn deadline_focus(&self, e: usize) -> f64 {
        let plan = self.plan;
        let params = plan.params();
        if !params.switches.deadline_momentum {
            return 1.0;
        }
        let s = &self.eas[e];
        if !s.active || s.achieved[plan.pilot_live].is_some() {
            return 1.0;
        }
        let days = (s.planned[plan.pilot_live] - self.date()).num_days();
        let near = days >= 0 && days <= 7 * i64::from(params.replanning.review_every_weeks);
        focus_multiplier(
            params.engagement.momentum_gain,
            self.review.credibility(),
            near,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{eroded_credibility, focus_multiplier};

    #[test]
    fn a_near_deadline_focuses_as_far_as_it_is_credible() {
        assert_eq!(focus_multiplier(0.25, 1.0, false), 1.0);
        assert_eq!(focus_multiplier(0.25, 1.0, true), 1.25);
        assert_eq!(focus_multiplier(0.25, 0.5, true), 1.125);
        assert_eq!(focus_multiplier(0.25, 0.0, true), 1.0);
    }

    #[test]
    fn each_missed_deadline_costs_credibility_for_good() {
        let c1 = eroded_credibility(1.0, 0.5);
        let c2 = eroded_credibility(c1, 0.5);
        assert_eq!((c1, c2), (0.5, 0.25));
        assert_eq!(eroded_credibility(1.0, 0.0), 1.0);
        assert_eq!(eroded_credibility(0.3, 1.0), 0.0);
    }
}
