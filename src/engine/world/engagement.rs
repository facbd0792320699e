//! ODD §7.12: engagement. Every agent's engagement moves each week with the
//! progress it saw (I1), the contact of meetings, the burden of hours beyond
//! its spare capacity (D1, E2), missed deadlines — more with every slip, more
//! for lay partners (I1, K3) —, leadership departures for strategic
//! organisations (F2) and the promise gap (I3), and relaxes toward its
//! baseline.

use super::effort::Agent;
use super::World;
use crate::model::params::Engagement;
use crate::model::AgentKind;

/// Engagement losses waiting for the next engagement update.
#[derive(Debug, Clone, Default)]
pub(super) struct PendingShocks {
    /// From missed deadlines (every agent but lay partners).
    pub deadline: f64,
    /// From missed deadlines, for lay partners.
    pub lay: f64,
    /// From leadership departures (strategic organisations).
    pub leadership: f64,
}

impl PendingShocks {
    /// The timetable slipped for the `slips`-th time.
    pub fn register_slip(&mut self, g: &Engagement, slips: u32) {
        let loss = deadline_loss(g.deadline_loss, g.deadline_escalation, slips);
        self.deadline += loss;
        self.lay += loss * g.lay_deadline_multiplier;
    }
}

/// Engagement lost at the n-th slip of the timetable (n ≥ 1): the loss grows
/// with every earlier slip.
pub(super) fn deadline_loss(base: f64, escalation: f64, n: u32) -> f64 {
    base * (1.0 + escalation * (n.saturating_sub(1)) as f64)
}

/// A missed deadline's loss of commitment lasts (I1, I2): it lowers the
/// agent's baseline as well as its engagement, so relaxing toward the
/// baseline does not wash it out.
fn lower_commitment(a: &mut Agent, loss: f64) {
    a.baseline = (a.baseline - loss).max(0.0);
}

impl World<'_> {
    /// Phase 6: every agent's engagement moves; pending shocks are spent.
    pub(super) fn update_engagement(&mut self) {
        let params = self.params();
        let sw = &params.switches;
        let g = &params.engagement;
        let shock = if sw.deadline_feedback {
            self.shocks.deadline
        } else {
            0.0
        };
        let lay_shock = if sw.deadline_feedback {
            self.shocks.lay
        } else {
            0.0
        };
        let leader_shock = if sw.leadership_loss {
            self.shocks.leadership
        } else {
            0.0
        };
        let gap = if sw.outcome_feedback {
            self.outcomes.promise_gap * g.promise_gap_loss
        } else {
            0.0
        };
        let progress_gain = if sw.progress_feedback {
            g.progress_gain
        } else {
            0.0
        };
        // Agents of a kind are contiguous: what depends only on the kind is
        // settled once per kind (subtracting a zero shock changes nothing).
        for kind in AgentKind::ALL {
            let (first, n) = self.plan.kind_ranges[kind.index()];
            let burden = sw.meeting_burden && kind != AgentKind::ProgrammeTeam;
            let missed = if kind == AgentKind::LayPartner {
                lay_shock
            } else {
                shock
            };
            let leader = if kind.is_strategic() {
                leader_shock
            } else {
                0.0
            };
            // The kind's engagement summed in agent order, as observation
            // would sum it (from -0.0, the neutral element `Iterator::sum` uses).
            let mut sum = -0.0;
            for a in &mut self.agents[first as usize..(first + n) as usize] {
                let mut d = 0.0;
                d += progress_gain * a.progress_events as f64;
                a.progress_events = 0;
                d += g.contact_gain * a.meeting_hours.min(12.0);
                if burden {
                    // Burden bites only where the meetings an organisation
                    // attends in person exceed what it can give the programme,
                    // averaged over the meeting window (D1, E2); desk work is
                    // sized to fit its capacity and delegates' hours are not its own.
                    let can_give = a.programme_capacity;
                    let load = a.meeting_load();
                    if can_give > 0.0 && load > can_give {
                        d -= g.burden_loss * (load - can_give) / can_give;
                    }
                }
                d -= missed;
                if missed != 0.0 {
                    lower_commitment(a, missed);
                }
                d -= leader;
                d -= gap;
                d += g.reversion_rate * (a.baseline - a.engagement);
                a.engagement = (a.engagement + d).clamp(0.0, 1.0);
                sum += a.engagement;
            }
            self.record.engagement_sum[kind.index()] = sum;
        }
        self.shocks = PendingShocks::default();
    }
}

#[cfg(test)]
mod tests {
    use super::deadline_loss;

    #[test]
    fn each_slip_costs_more_than_the_one_before() {
        assert_eq!(deadline_loss(0.05, 0.5, 1), 0.05);
        assert!((deadline_loss(0.05, 0.5, 3) - 0.1).abs() < 1e-12);
        assert_eq!(deadline_loss(0.05, 0.5, 0), 0.05);
    }
}
