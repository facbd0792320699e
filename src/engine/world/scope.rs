//! ODD §7.15: scope is a decision. Early adopters start at the scope the
//! scenario gives them (Hillingdon started small on the US advisers'
//! advice, H5; Ealing chose to add services through commissioning without
//! capitated budgets or accountable care partnerships). At each programme
//! review, after the programme has re-planned, a full-scope early adopter
//! whose own observed work rate puts its go-live more than
//! `scope.scale_back_slip_weeks` past its current planned pilot start may
//! scale back (chance `scope.scale_back_propensity`, its own Scope stream):
//! it drops the full-scope milestones it has not achieved (capitation,
//! provider and GP network contracts, pooled budgets) and goes live with the
//! model of care alone, sooner and smaller (H4; a.7 "pilots within pilots").
//! Each decision is recorded. With `scope_decisions` off every early
//! adopter keeps its initial scope.

use rand::Rng;

use super::early_adopters::scale_back;
use super::review::date_add_weeks;
use super::World;
use crate::model::journey::Scope;
use crate::observe::ScopeDecisionRecord;

/// Whether a full-scope early adopter scales back: its projected go-live is
/// more than `threshold_weeks` past its planned pilot start, scaling back
/// would drop work on its way to go-live, and its draw `u` (uniform on
/// [0, 1)) is below `propensity`.
pub(super) fn scales_back(
    slip_weeks: f64,
    threshold_weeks: f64,
    drops_go_live_work: bool,
    u: f64,
    propensity: f64,
) -> bool {
    slip_weeks > threshold_weeks && drops_go_live_work && u < propensity
}

impl World<'_> {
    /// Phase 7 (after the review): early adopters decide their scope.
    pub(super) fn decide_scope(&mut self) {
        let plan = self.plan;
        let params = plan.params();
        if !params.switches.scope_decisions || plan.review_ticks.binary_search(&self.tick).is_err()
        {
            return;
        }
        let sp = &params.scope;
        let today = self.date();
        for e in 0..self.eas.len() {
            // One draw per early adopter per review, whatever its state, so
            // that two runs differing only in a parameter keep their draws
            // aligned (common random numbers).
            let u: f64 = self.scope_rng[e].random();
            let s = &self.eas[e];
            if s.scope != Scope::Full || s.achieved[plan.pilot_live].is_some() {
                continue;
            }
            let Some(ahead) = self.own_projection_weeks(e) else {
                continue;
            };
            let planned = s.planned[plan.pilot_live];
            let projected = date_add_weeks(today, ahead);
            let slip_weeks = (projected - planned).num_days() as f64 / 7.0;
            let drops_go_live_work = plan.journey.iter().enumerate().any(|(m, ms)| {
                ms.full_scope_only && plan.before_go_live[m] && s.achieved[m].is_none()
            });
            if !scales_back(
                slip_weeks,
                sp.scale_back_slip_weeks as f64,
                drops_go_live_work,
                u,
                sp.scale_back_propensity,
            ) {
                continue;
            }
            let dropped = scale_back(plan, e, &mut self.eas[e]);
            self.record
                .result
                .scope_decisions
                .push(ScopeDecisionRecord {
                    ea: e,
                    tick: self.tick,
                    from: Scope::Full,
                    to: Scope::ScaledBack,
                    planned,
                    projected,
                    slip_weeks,
                    milestones_dropped: dropped,
                });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scales_back;

    #[test]
    fn an_early_adopter_scales_back_only_past_the_slip_and_with_its_propensity() {
        // Past the threshold, work to drop, draw below the propensity.
        assert!(scales_back(30.0, 26.0, true, 0.1, 0.25));
        // On the threshold: not past it.
        assert!(!scales_back(26.0, 26.0, true, 0.1, 0.25));
        // Nothing on its way to go-live left to drop.
        assert!(!scales_back(30.0, 26.0, false, 0.1, 0.25));
        // Draw above the propensity.
        assert!(!scales_back(30.0, 26.0, true, 0.3, 0.25));
        // Propensity 0 never, 1 always (past the slip).
        assert!(!scales_back(99.0, 0.0, true, 0.0, 0.0));
        assert!(scales_back(1.0, 0.0, true, 0.999, 1.0));
    }
}
