//! ODD §7.6: meetings, attendance, quorum and sign-off. Bodies that meet
//! this week draw attendance from each member's Attend stream; a body with
//! lay members is quorate only if a lay partner attends (K1); new faces
//! lower a meeting's output (E4). Working groups' output advances co-design,
//! steering committees' output adds relational hours to their early adopter,
//! and a quorate meeting of the sign-off body signs off every early adopter
//! whose application is ready.

use rand::Rng;

use super::World;
use crate::engine::plan::{BodyRole, Plan};
use crate::model::{AgentKind, ProgrammeMilestone};
use crate::observe::MeetingRecord;

/// Who came to each body's last meeting (for churn).
#[derive(Debug, Clone)]
pub(super) struct MeetingState {
    previous_attendance: Vec<Vec<bool>>,
}

impl MeetingState {
    pub fn new(plan: &Plan) -> MeetingState {
        MeetingState {
            previous_attendance: plan
                .bodies
                .iter()
                .map(|b| vec![false; b.members.len()])
                .collect(),
        }
    }
}

/// Probability that an invited member attends: its engagement, scaled down
/// when its spare hours this week are fewer than the meeting needs.
pub(super) fn attendance_probability(engagement: f64, spare_hours: f64, meeting_hours: f64) -> f64 {
    let room = if meeting_hours <= 0.0 {
        1.0
    } else {
        (spare_hours / meeting_hours).clamp(0.0, 1.0)
    };
    // Even an overstretched member sometimes comes: a floor of a quarter of
    // its engagement (meetings are prioritised over other programme work).
    (engagement * (0.25 + 0.75 * room)).clamp(0.0, 1.0)
}

impl World<'_> {
    /// Phase 4: every body that meets this week, in body order.
    pub(super) fn meet(&mut self) {
        let plan = self.plan;
        let params = plan.params();
        let sw = &params.switches;
        let t = self.tick;
        for (b, body) in plan.bodies.iter().enumerate() {
            let meets = match body.role {
                BodyRole::Steering(e) => self.eas[e].signed_off.is_some_and(|s| {
                    t > s && (t - s).is_multiple_of(params.meetings.steering_every_weeks)
                }),
                BodyRole::WorkingGroup(w) => {
                    !self.codesign.group_done(&params.codesign, w)
                        && body.meeting_ticks.binary_search(&t).is_ok()
                }
                BodyRole::Governance => body.meeting_ticks.binary_search(&t).is_ok(),
            };
            if !meets {
                continue;
            }
            let hours = body.meeting_hours;
            let mut counts = [0u16; AgentKind::COUNT];
            let (mut n, mut new_faces, mut lay) = (0u32, 0u32, false);
            let previous = &mut self.meetings.previous_attendance[b];
            for (j, &a) in body.members.iter().enumerate() {
                let ag = &mut self.agents[a.index()];
                let spare = if ag.kind == AgentKind::ProgrammeTeam {
                    f64::INFINITY
                } else {
                    ag.spare_hours()
                };
                let mut p = attendance_probability(ag.engagement, spare, hours);
                if ag.kind == AgentKind::ProgrammeTeam {
                    // Only the part of the team the central budget pays for
                    // takes its seat (none once the programme winds down, §7.4).
                    p *= plan.team_funded[t as usize];
                }
                let came = ag.attend_rng.random::<f64>() < p;
                if came {
                    counts[ag.kind.index()] += 1;
                    n += 1;
                    lay |= ag.kind == AgentKind::LayPartner;
                    if !previous[j] {
                        new_faces += 1;
                    }
                    ag.meeting_hours += hours;
                    ag.period_hours += hours;
                    self.record.add_meeting(ag.kind, hours);
                }
                previous[j] = came;
            }
            let quorate = n > 0 && (!sw.lay_quorum || !body.has_lay_member || lay);
            let churn = if n > 0 {
                new_faces as f64 / n as f64
            } else {
                0.0
            };
            let output = if quorate {
                let churn_factor = if sw.meeting_churn {
                    1.0 - params.meetings.churn_penalty * churn
                } else {
                    1.0
                };
                let lay_factor = if lay {
                    params.meetings.lay_quality_bonus
                } else {
                    1.0
                };
                n as f64 * hours * churn_factor * lay_factor
            } else {
                0.0
            };
            match body.role {
                BodyRole::WorkingGroup(w) => self.codesign.group_meeting_work[w] += output,
                BodyRole::Steering(e) => {
                    self.eas[e].rel_pool += output * params.meetings.steering_output_share
                }
                BodyRole::Governance => {
                    if body.signs_off && quorate {
                        self.sign_off_ready();
                    }
                }
            }
            self.record.meeting(MeetingRecord {
                tick: t,
                body: b as u16,
                attendees: counts,
                quorate,
            });
        }
    }

    /// A quorate sign-off meeting signs off every early adopter whose
    /// application is ready; its tranches due at sign-off are paid.
    fn sign_off_ready(&mut self) {
        let plan = self.plan;
        let t = self.tick;
        for e in 0..self.eas.len() {
            if self.eas[e].signed_off.is_none() && plan.eas[e].application_ready <= t {
                self.eas[e].signed_off = Some(t);
                self.pay_due_tranches(e);
            }
        }
        if !self.achieved(ProgrammeMilestone::EaSignedOff)
            && self.eas.iter().all(|e| e.signed_off.is_some())
        {
            self.achieve(ProgrammeMilestone::EaSignedOff);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::attendance_probability;

    #[test]
    fn attendance_is_engagement_when_there_is_room_and_a_quarter_of_it_when_there_is_none() {
        assert_eq!(attendance_probability(0.8, 10.0, 2.0), 0.8);
        assert!((attendance_probability(0.8, 0.0, 2.0) - 0.2).abs() < 1e-12);
        // Half the hours needed: 0.25 + 0.75 * 0.5 of engagement.
        assert!((attendance_probability(0.8, 1.0, 2.0) - 0.8 * 0.625).abs() < 1e-12);
        assert_eq!(attendance_probability(0.8, -5.0, 0.0), 0.8);
    }
}
