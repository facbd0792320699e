//! ODD §7.6: meetings, attendance, quorum and sign-off. Bodies that meet
//! this week draw attendance from each member's Attend stream; a body with
//! lay members is quorate only if a lay partner attends (K1); new faces
//! lower a meeting's output (E4). Working groups' output advances co-design,
//! steering committees' output adds relational hours to their early adopter,
//! and a quorate meeting of the sign-off body signs off every early adopter
//! whose application is ready.

use rand::Rng;

use super::coordination::body_size_factor;
use super::World;
use crate::engine::plan::{BodyRole, Plan};
use crate::model::{AgentKind, ProgrammeMilestone};
use crate::observe::MeetingRecord;

/// Weeks over which an organisation's in-person meeting hours are set
/// against what it can give the programme (attendance room, meeting burden).
/// Four weeks: steering committees and, later, the Programme Executive met
/// about monthly (b.5, b.6), so a month is the natural budgeting period.
/// Assumption, documented in docs/ODD.md §7.6.
pub(super) const MEETING_WINDOW_WEEKS: usize = 4;

/// How a member was present at a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Presence {
    Absent,
    /// A senior person of the organisation came (its own programme hours).
    InPerson,
    /// A junior delegate came instead (b.6): counts for attendance, not for
    /// the organisation's own hours (A3).
    Delegate,
}

/// Who came to each body's meetings: last meeting (for churn) and this week.
#[derive(Debug, Clone)]
pub(super) struct MeetingState {
    previous_attendance: Vec<Vec<bool>>,
    /// Whether each body meets this week.
    meets: Vec<bool>,
    /// Presence of every member at the body's meeting this week (a buffer
    /// per body, reused week after week; read only when the body meets).
    this_week: Vec<Vec<Presence>>,
}

impl MeetingState {
    pub fn new(plan: &Plan) -> MeetingState {
        MeetingState {
            previous_attendance: plan
                .bodies
                .iter()
                .map(|b| vec![false; b.members.len()])
                .collect(),
            meets: vec![false; plan.bodies.len()],
            this_week: plan
                .bodies
                .iter()
                .map(|b| Vec::with_capacity(b.members.len()))
                .collect(),
        }
    }
}

/// How a member comes to a meeting, from one uniform draw `u`: in person if
/// `u < engagement × room`, where `room` (0..1) is the share of the meeting's
/// hours that still fit in what the organisation can give to meetings;
/// otherwise, if its kind delegates, by a delegate if `u < engagement` (an
/// engaged organisation always finds someone to send, b.6); otherwise absent.
pub(super) fn presence(engagement: f64, room: f64, delegates: bool, u: f64) -> Presence {
    let e = engagement.clamp(0.0, 1.0);
    if u < e * room.clamp(0.0, 1.0) {
        Presence::InPerson
    } else if delegates && u < e {
        Presence::Delegate
    } else {
        Presence::Absent
    }
}

/// Room for a meeting of `hours`: the share of it that fits in what the
/// organisation can give over the meeting window (`weekly_capacity` ×
/// `MEETING_WINDOW_WEEKS`) after the meetings it already attended in person
/// in the window (this week's included).
pub(super) fn meeting_room(weekly_capacity: f64, window_hours: f64, hours: f64) -> f64 {
    if hours <= 0.0 {
        return 1.0;
    }
    let left = weekly_capacity * MEETING_WINDOW_WEEKS as f64 - window_hours;
    (left / hours).clamp(0.0, 1.0)
}

/// Whether a meeting is quorate. K1, b.5: "no meeting was considered quorate
/// unless a lay partner was present" — the rule of the programme's governance
/// bodies and working groups, on which lay partners sat. A body of that
/// kind with lay members needs *a* lay partner present (any of them). An
/// early adopter's steering committee is the partners' own body (S2 ch.4:
/// chair, SRO, project manager, partner representatives): a lay chair there
/// improves the meeting when present (the quality bonus) but its absence does
/// not void it, so a lay-chaired committee is never less productive than one
/// without a lay member.
pub(super) fn quorate(
    attendees: u32,
    lay_present: bool,
    lay_quorum: bool,
    applies: bool,
    has_lay_member: bool,
) -> bool {
    attendees > 0 && (!lay_quorum || !applies || !has_lay_member || lay_present)
}

impl World<'_> {
    /// Whether body `b` meets this week.
    fn body_meets(&self, b: usize) -> bool {
        let params = self.params();
        let t = self.tick;
        let body = &self.plan.bodies[b];
        match body.role {
            BodyRole::Steering(e) => self.eas[e].signed_off.is_some_and(|s| {
                t > s && (t - s).is_multiple_of(params.meetings.steering_every_weeks)
            }),
            BodyRole::WorkingGroup(w) => {
                !self.codesign.group_done(&params.codesign, w)
                    && body.meeting_ticks.binary_search(&t).is_ok()
            }
            BodyRole::Governance => body.meeting_ticks.binary_search(&t).is_ok(),
        }
    }

    /// Start of phase 2 (sequential, body order; members in id order):
    /// meetings are scheduled commitments, so who comes to this week's
    /// meetings is settled before desk work is split (§7.6). Each member draws
    /// once from its Attend stream per meeting.
    pub(super) fn attend(&mut self) {
        let plan = self.plan;
        let params = plan.params();
        let delegation = params.switches.delegation;
        let slot = self.tick as usize % MEETING_WINDOW_WEEKS;
        for a in &mut self.agents {
            a.meeting_hours = 0.0;
            a.recent_meeting_hours[slot] = 0.0;
        }
        for b in 0..plan.bodies.len() {
            let meets = self.body_meets(b);
            self.meetings.meets[b] = meets;
            if !meets {
                continue;
            }
            let body = &plan.bodies[b];
            let hours = body.meeting_hours;
            let presence_of = &mut self.meetings.this_week[b];
            presence_of.clear();
            for &a in &body.members {
                let ag = &mut self.agents[a.index()];
                let room = if ag.kind == AgentKind::ProgrammeTeam {
                    // Only the part of the team the central budget pays for
                    // takes its seat (none once the programme winds down, §7.4).
                    plan.team_funded[self.tick as usize]
                } else {
                    meeting_room(
                        ag.programme_capacity,
                        ag.meeting_load() * MEETING_WINDOW_WEEKS as f64,
                        hours,
                    )
                };
                let delegates = delegation && params.meetings.delegates[ag.kind.index()];
                let u = self.attend_rng[a.index()].random::<f64>();
                let p = presence(ag.engagement, room, delegates, u);
                // A delegate's hours are not the organisation's own (A3).
                if p == Presence::InPerson {
                    ag.meeting_hours += hours;
                    ag.recent_meeting_hours[slot] += hours;
                }
                presence_of.push(p);
            }
        }
    }

    /// Phase 4: every body that meets this week, in body order: quorum,
    /// output and sign-off from the attendance settled in `attend`.
    pub(super) fn meet(&mut self) {
        let plan = self.plan;
        let params = plan.params();
        let sw = &params.switches;
        let t = self.tick;
        for (b, body) in plan.bodies.iter().enumerate() {
            if !self.meetings.meets[b] {
                continue;
            }
            let presence_of = &self.meetings.this_week[b];
            let hours = body.meeting_hours;
            let mut counts = [0u16; AgentKind::COUNT];
            let (mut n, mut new_faces, mut lay) = (0u32, 0u32, false);
            let mut weight = 0.0;
            let previous = &mut self.meetings.previous_attendance[b];
            for (j, (&a, &p)) in body.members.iter().zip(presence_of).enumerate() {
                let came = p != Presence::Absent;
                if came {
                    let ag = &mut self.agents[a.index()];
                    counts[ag.kind.index()] += 1;
                    n += 1;
                    lay |= ag.kind == AgentKind::LayPartner;
                    if !previous[j] {
                        new_faces += 1;
                    }
                    if p == Presence::InPerson {
                        weight += 1.0;
                        ag.period_hours += hours;
                    } else {
                        weight += params.meetings.delegate_weight;
                    }
                    self.record.add_meeting(ag.kind, hours);
                }
                previous[j] = came;
            }
            let quorate = quorate(
                n,
                lay,
                sw.lay_quorum,
                !matches!(body.role, BodyRole::Steering(_)),
                body.has_lay_member,
            );
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
                // Larger meetings produce less per attendee (E2, E3; §7.16).
                let size_factor = if sw.coordination_costs {
                    let co = &params.coordination;
                    body_size_factor(n, co.body_reference_size, co.body_size_elasticity)
                } else {
                    1.0
                };
                weight * hours * churn_factor * lay_factor * size_factor
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
    use super::{meeting_room, presence, quorate, Presence, MEETING_WINDOW_WEEKS};

    #[test]
    fn presence_is_in_person_within_room_then_a_delegate_up_to_engagement() {
        // Engagement 0.8, room 0.5: in person below 0.4, delegate below 0.8.
        assert_eq!(presence(0.8, 0.5, true, 0.39), Presence::InPerson);
        assert_eq!(presence(0.8, 0.5, true, 0.41), Presence::Delegate);
        assert_eq!(presence(0.8, 0.5, false, 0.41), Presence::Absent);
        assert_eq!(presence(0.8, 0.5, true, 0.81), Presence::Absent);
        // No room at all: never in person, but an engaged delegator still sends someone.
        assert_eq!(presence(0.8, 0.0, true, 0.0), Presence::Delegate);
    }

    #[test]
    fn room_is_what_the_window_leaves_for_the_meeting() {
        let w = MEETING_WINDOW_WEEKS as f64;
        assert_eq!(meeting_room(1.0, 0.0, w), 1.0);
        assert!((meeting_room(1.0, 0.0, 2.0 * w) - 0.5).abs() < 1e-12);
        assert_eq!(meeting_room(1.0, 10.0 * w, 3.0), 0.0);
        assert_eq!(meeting_room(0.0, 0.0, 0.0), 1.0);
    }

    #[test]
    fn a_lay_member_is_needed_where_the_rule_applies_and_any_one_will_do() {
        assert!(!quorate(5, false, true, true, true));
        assert!(quorate(5, true, true, true, true));
        // Steering committees: a lay chair's absence does not void the meeting.
        assert!(quorate(5, false, true, false, true));
        assert!(quorate(5, false, false, true, true));
        assert!(!quorate(0, true, true, true, true));
    }
}
