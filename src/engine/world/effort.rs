//! ODD §7.1–7.3: capacity, workload and effort allocation. Each agent works
//! out its available hours and splits them into relational and transactional
//! hours (decide, in parallel), after drifting its relational bias toward
//! what its open milestones need (§7.2); its hours are then spread over the
//! active early adopters where it has work it can do, providers holding back
//! until commissioners commit (§7.3).

use rayon::prelude::*;

use super::meetings::MEETING_WINDOW_WEEKS;
use super::World;
use crate::engine::plan::Plan;
use crate::engine::rng::{replication_stream, Purpose, WeekMix, WeeklyKey};
use crate::model::AgentKind;
use crate::util::random;

/// Spread of capacity between organisations of one kind (coefficient of
/// variation). Assumption: documented in docs/ODD.md.
const CAPACITY_CV: f64 = 0.25;

/// Per-agent state (its random streams are kept beside it, in `World`).
#[derive(Debug, Clone)]
pub(super) struct Agent {
    pub kind: AgentKind,
    pub engagement: f64,
    pub baseline: f64,
    pub relational_bias: f64,
    /// Hours per week at full engagement and no workload.
    pub capacity: f64,
    /// Hours a week the organisation can give the programme: its capacity
    /// after day-to-day work (fixed for the replication).
    pub programme_capacity: f64,
    /// Relational hours intended this week (written in the parallel decide phase).
    pub rel: f64,
    /// Transactional hours intended (then spent) this week.
    pub trans: f64,
    /// Meeting hours attended in person this week (settled before desk work).
    pub meeting_hours: f64,
    /// In-person meeting hours of the last `MEETING_WINDOW_WEEKS` weeks,
    /// indexed by week modulo the window (attendance room, meeting burden).
    pub recent_meeting_hours: [f64; MEETING_WINDOW_WEEKS],
    /// Achievements it saw this week (reset once the engagement update has
    /// read them).
    pub progress_events: u32,
    /// Programme hours in the current recording period (involvement).
    pub period_hours: f64,
}

impl Agent {
    /// Mean weekly in-person meeting hours over the meeting window.
    pub fn meeting_load(&self) -> f64 {
        self.recent_meeting_hours.iter().sum::<f64>() / MEETING_WINDOW_WEEKS as f64
    }
}

/// Each agent's key of weekly availability draws (Decide, counter-based).
pub(super) fn decide_keys(plan: &Plan, master_seed: u64, replication: u64) -> Vec<WeeklyKey> {
    (0..plan.agents.len() as u64)
        .map(|i| WeeklyKey::new(master_seed, replication, i, Purpose::Decide))
        .collect()
}

/// Every agent as it starts: capacity and engagement drawn around its kind's
/// values (Init stream); the programme team is one agent with the team's hours.
pub(super) fn initial_agents(plan: &Plan, master_seed: u64, replication: u64) -> Vec<Agent> {
    let params = plan.params();
    plan.agents
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut init = replication_stream(master_seed, replication, i as u64, Purpose::Init);
            let (capacity, engagement, bias, workload) = match params.organisation(a.kind) {
                Some(spec) => {
                    let e = random::draw_share(&mut init, spec.engagement, spec.engagement_sd);
                    let c =
                        spec.capacity_hours * random::draw_multiplier(&mut init, CAPACITY_CV, 0.2);
                    (c, e, spec.relational_bias, spec.workload)
                }
                None => (
                    params.programme.team_size * params.programme.hours_per_person,
                    1.0,
                    params.programme.relational_bias,
                    0.0,
                ),
            };
            Agent {
                kind: a.kind,
                engagement,
                baseline: engagement,
                relational_bias: bias,
                capacity,
                programme_capacity: capacity * (1.0 - workload),
                rel: 0.0,
                trans: 0.0,
                meeting_hours: 0.0,
                recent_meeting_hours: [0.0; MEETING_WINDOW_WEEKS],
                progress_events: 0,
                period_hours: 0.0,
            }
        })
        .collect()
}

/// Multiplier on available hours this week: Normal(1, cv) clipped to [0, 2].
pub(super) fn availability_shock<R: rand::Rng>(rng: &mut R, cv: f64) -> f64 {
    let z = random::standard_normal(rng);
    (1.0 + cv * z).clamp(0.0, 2.0)
}

impl World<'_> {
    /// Phase 2: who comes to this week's meetings (sequential, §7.6), then
    /// (parallel over agents) available hours and their split into desk work.
    pub(super) fn decide(&mut self, parallel: bool) {
        self.attend();
        self.gp_contact();
        let plan = self.plan;
        let params = plan.params();
        // Each early adopter's relational share of open work if it is
        // active, else 0 (adding 0 leaves a sum unchanged): one read per
        // membership below.
        self.needed_share.clear();
        self.needed_share.extend(self.eas.iter().map(|s| {
            if s.active {
                s.needed_relational_share
            } else {
                0.0
            }
        }));
        let needed_share = &self.needed_share;
        let aware = &self.aware;
        let adapt = if params.switches.bias_adaptation {
            params.effort.bias_adaptation_rate
        } else {
            0.0
        };
        let noise = params.effort.availability_noise;
        let meetings_first = params.switches.meetings_first;
        let leader_factor = self.leadership_capacity_factor();
        let decide_keys = &self.decide_keys;
        let week = WeekMix::new(self.tick);
        // The week's availability shock (Decide stream), drawn only by an
        // agent that has hours to give this week.
        let shock = |i: usize| availability_shock(&mut decide_keys[i].at(week), noise);
        let active_eas = &self.active_eas;
        // An organisation with at least one active early adopter.
        let decide_organisation = |i: usize, a: &mut Agent| {
            let mut needed = 0.0;
            for &e in &plan.agents[i].eas {
                needed += needed_share[e.index()];
            }
            let active = f64::from(active_eas[i]);
            a.relational_bias += adapt * (needed / active - a.relational_bias);
            // A practice unaware of the programme gives it nothing (§7.17).
            let available = if aware[i] {
                a.programme_capacity * a.engagement * shock(i)
            } else {
                0.0
            };
            // Meetings come first: the hours of this week's meetings attended
            // in person are reserved before desk work is split (b.5, E2).
            let desk = if meetings_first {
                (available - a.meeting_hours).max(0.0)
            } else {
                available
            };
            a.rel = desk * a.relational_bias;
            a.trans = desk - a.rel;
        };
        // The programme team: its hours follow its leadership and engagement.
        let decide_team = |i: usize, a: &mut Agent| {
            let desk = a.capacity * leader_factor * a.engagement * shock(i);
            a.rel = desk * a.relational_bias;
            a.trans = desk - a.rel;
        };
        if parallel {
            self.agents.par_iter_mut().enumerate().for_each(|(i, a)| {
                if a.kind == AgentKind::ProgrammeTeam {
                    decide_team(i, a);
                } else if active_eas[i] > 0 {
                    decide_organisation(i, a);
                } else {
                    // No active early adopter: no hours, and no bias to adapt
                    // (kept so between weeks, see `set_active_flags`).
                    a.rel = 0.0;
                    a.trans = 0.0;
                }
            });
        } else {
            // Only the team and the organisations with an active early
            // adopter have anything to decide; the others' hours are zero.
            let team = plan.programme_team.index();
            decide_team(team, &mut self.agents[team]);
            for &i in &self.working {
                decide_organisation(i as usize, &mut self.agents[i as usize]);
            }
        }
    }

    /// Phase 3 (sequential, agent order): organisations' hours spread over
    /// their active early adopters, then the programme team's and
    /// consultants' (§7.4) and local capacity (§7.9).
    pub(super) fn apply_effort(&mut self) {
        for e in &mut self.eas {
            e.rel_pool = 0.0;
            e.trans_pool = [0.0; AgentKind::COUNT];
            e.support_trans = 0.0;
        }
        self.record.start_week();
        self.spread_organisation_hours();
        let n_active = self.eas.iter().filter(|e| e.active).count();
        self.spread_central_hours(n_active);
        self.add_local_capacity(n_active);
        self.book_central_spend();
    }

    /// Each organisation's hours go in equal shares to the active early
    /// adopters where it can use them: relational hours to those with
    /// relational work taking hours, transactional hours to those where it
    /// signs a milestone taking hours or is a party to a workaround under
    /// way (this week's work is planned first). Hours it cannot use anywhere
    /// are not spent and not recorded. Providers' transactional hours are
    /// scaled down until commissioners commit (B2).
    fn spread_organisation_hours(&mut self) {
        self.plan_week_work();
        let plan = self.plan;
        let params = plan.params();
        let sw = &params.switches;
        for &i in &self.working {
            let a = &mut self.agents[i as usize];
            // An organisation with no hours this week changes nothing below
            // (every share it would add is zero): skip it.
            if a.rel == 0.0 && a.trans == 0.0 {
                continue;
            }
            let eas = &plan.agents[i as usize].eas;
            let (mut rel_at, mut trans_at) = (0usize, 0usize);
            for e in eas {
                let u = self.can_use[e.index()];
                rel_at += u.relational() as usize;
                trans_at += u.transactional(a.kind) as usize;
            }
            let (mut spent_rel, mut spent_trans) = (0.0, 0.0);
            for &e in eas {
                let u = self.can_use[e.index()];
                if u.relational() {
                    let s = &mut self.eas[e.index()];
                    let r = a.rel / rel_at as f64;
                    s.rel_pool += r;
                    spent_rel += r;
                }
                if u.transactional(a.kind) {
                    let s = &mut self.eas[e.index()];
                    let wait = if sw.provider_wait && a.kind.is_provider() && !s.committed {
                        params.effort.provider_wait_factor
                    } else {
                        1.0
                    };
                    let tr = a.trans / trans_at as f64 * wait;
                    s.trans_pool[a.kind.index()] += tr;
                    spent_trans += tr;
                }
            }
            a.rel = spent_rel;
            a.trans = spent_trans;
            a.period_hours += a.rel + a.trans;
            self.record.add_effort(a.kind, a.rel, a.trans);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::availability_shock;
    use rand::SeedableRng;

    #[test]
    fn availability_shock_is_one_without_noise_and_clipped_with_it() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        assert_eq!(availability_shock(&mut rng, 0.0), 1.0);
        for _ in 0..1000 {
            let x = availability_shock(&mut rng, 5.0);
            assert!((0.0..=2.0).contains(&x));
        }
    }
}
