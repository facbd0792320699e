//! ODD §7.8: national barriers (information governance, payment systems).
//! A barrier in force holds the milestones it governs: they can be prepared
//! (at the barrier's efficiency) but not achieved (G1 "held up", G2) until
//! it is removed nationally, each week with a yearly hazard from its
//! `not_before` date (G5), or the early adopter completes its local
//! workaround. The workaround (its work plan and progress: progress.rs; its
//! state: early_adopters.rs) is transactional work of the parties that must
//! share data or sign, and costs more the more parties there are (G1: Brent's
//! agreements with all 67 practices, its trusts and the council).

use crate::engine::rng::Stream;
use rand::Rng;

use super::World;
use crate::engine::plan::Plan;
use crate::util::random;

/// Which barriers are in force, and the Barrier stream.
#[derive(Debug, Clone)]
pub(super) struct BarrierState {
    active: Vec<bool>,
    /// Week each barrier was removed nationally.
    removed: Vec<Option<crate::model::calendar::Tick>>,
    rng: Stream,
}

impl BarrierState {
    /// Every barrier in force at the start (none with the switch off).
    pub fn new(plan: &Plan, rng: Stream) -> BarrierState {
        let params = plan.params();
        BarrierState {
            active: params
                .barriers
                .iter()
                .map(|_| params.switches.national_barriers)
                .collect(),
            removed: vec![None; params.barriers.len()],
            rng,
        }
    }

    /// The barrier governing a milestone, if it is still in force.
    pub fn in_force(&self, barrier: Option<usize>) -> Option<usize> {
        barrier.filter(|&b| self.active[b])
    }

    /// The week barrier `b` was removed nationally, if it was.
    pub fn removed(&self, b: usize) -> Option<crate::model::calendar::Tick> {
        self.removed[b]
    }
}

impl World<'_> {
    /// Each barrier still in force may be removed this week. One draw per
    /// barrier in force every week, whether or not removal is possible yet,
    /// so that the stream stays aligned.
    pub(super) fn remove_barriers(&mut self) {
        let today = self.date();
        let state = &mut self.barriers;
        for (b, spec) in self.plan.params().barriers.iter().enumerate() {
            if state.active[b] && spec.not_before.is_none_or(|d| today >= d) {
                let p = random::weekly_probability(spec.removal_hazard_per_year);
                if state.rng.random::<f64>() < p {
                    state.active[b] = false;
                    state.removed[b] = Some(self.tick);
                }
            } else if state.active[b] {
                let _: f64 = state.rng.random();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::{replication_stream, Purpose, PROGRAMME};
    use crate::scenario::Scenario;

    #[test]
    fn barriers_are_in_force_only_with_the_switch_on() {
        let on = Plan::new(&Scenario::default_nwl());
        let state = BarrierState::new(&on, replication_stream(1, 0, PROGRAMME, Purpose::Barrier));
        assert!(!on.params().barriers.is_empty());
        assert_eq!(state.in_force(Some(0)), Some(0));
        assert_eq!(state.in_force(None), None);

        // A modified scenario goes through the serde mirror, as overrides do.
        let mut raw = on.scenario.raw().clone();
        raw.switches.national_barriers = false;
        let off = Plan::new(&Scenario::from_raw(raw, "", "off").unwrap());
        let state = BarrierState::new(&off, replication_stream(1, 0, PROGRAMME, Purpose::Barrier));
        assert_eq!(state.in_force(Some(0)), None);
    }
}
