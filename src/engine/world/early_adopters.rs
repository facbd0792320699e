//! Early adopters' state in one replication (ODD §2.2): where each stands on
//! its journey, the hours pooled for it this week, its money and its
//! roll-out, its local barrier workarounds. The submodels that move this
//! state live in their own files; this one creates it and keeps the
//! `active` flag.

use chrono::{Duration, NaiveDate};

use super::World;
use crate::engine::plan::Plan;
use crate::model::calendar::Tick;
use crate::model::journey::{Milestone, Scope};
use crate::model::AgentKind;

/// One early adopter.
#[derive(Debug, Clone)]
pub(super) struct EaState {
    /// Its current scope: the initial `early_adopters[].scope` until it
    /// decides to scale back (ODD §7.15, scope.rs).
    pub scope: Scope,
    /// Week of sign-off by the sign-off body.
    pub signed_off: Option<Tick>,
    /// Effective hours done on each journey milestone.
    pub progress: Vec<f64>,
    /// Hours each milestone needs (`journey[].work_hours`).
    pub required: Vec<f64>,
    /// Week each milestone was achieved.
    pub achieved: Vec<Option<Tick>>,
    /// Milestones that do not apply (scaled-back scope: from the start, or
    /// dropped unachieved when it scaled back).
    pub skipped: Vec<bool>,
    /// The signers of each milestone that this early adopter has: the
    /// milestone's signing kinds with at least one member here (ODD §7.7).
    pub signers: Vec<Vec<AgentKind>>,
    /// Its local workaround of each national barrier (ODD §7.8).
    pub workarounds: Vec<Workaround>,
    /// This week's work (set when hours are spread, read when they are
    /// used): which milestones can take hours and which workarounds are
    /// under way.
    pub work: WeekWork,
    /// Dates of the first timetable.
    pub first_planned: Vec<NaiveDate>,
    /// Dates of the current timetable.
    pub planned: Vec<NaiveDate>,
    /// Relational hours pooled for this early adopter this week.
    pub rel_pool: f64,
    /// Transactional hours pooled this week, by agent kind (signers).
    pub trans_pool: [f64; AgentKind::COUNT],
    /// Transactional support hours (programme team, consultants, project
    /// manager, bought capacity) this week.
    pub support_trans: f64,
    /// Commissioners have signed something: providers stop waiting (B2).
    pub committed: bool,
    /// Week its business plan was approved (the funding gateway).
    pub business_plan: Option<Tick>,
    /// GP practices taking part.
    pub practices_live: u32,
    /// Week of the next roll-out step.
    pub next_rollout: Tick,
    /// People enrolled: (week, people).
    pub enrolments: Vec<(Tick, f64)>,
    /// Cumulative effective work up to each week (for the review's projection).
    pub cumulative_work: Vec<f64>,
    /// Its members' own programme capacity (hours/week; a member of several
    /// early adopters split evenly between them): what can direct bought
    /// help (`funding::own_programme_hours`).
    pub own_programme_hours: f64,
    /// Capacity bought by tranches: (from, until, hours per week).
    pub capacity_grants: Vec<(Tick, Tick, f64)>,
    /// Tranches already paid.
    pub tranches_paid: Vec<bool>,
    /// Share of the remaining open work that is relational.
    pub needed_relational_share: f64,
    /// Milestones achieved this week.
    pub achieved_this_week: u32,
    /// Signed off with unfinished applicable milestones.
    pub active: bool,
}

/// An early adopter's local workaround of one national barrier (G1): the
/// agreements with every party that must share data or sign.
#[derive(Debug, Clone)]
pub(super) struct Workaround {
    /// Kinds that must take part: the signers present of the milestones in
    /// scope that the barrier governs.
    pub party_kinds: Vec<AgentKind>,
    /// Member organisations of those kinds (the parties).
    pub parties: u32,
    /// Effective hours it needs: `workaround_hours + workaround_hours_per_party × parties`.
    pub required: f64,
    /// Effective hours done.
    pub progress: f64,
    /// Week work on it started (a governed milestone open, the barrier in force).
    pub started: Option<Tick>,
    /// Week it was completed: from then on the barrier no longer holds this
    /// early adopter's milestones.
    pub done: Option<Tick>,
}

/// The work an early adopter can take this week (ODD §7.3, §7.7): set by
/// `World::plan_week_work` before hours are spread, so that hours go only
/// where they can be used and are used where they went. Empty (no items,
/// no per-milestone entries) for an inactive early adopter.
#[derive(Debug, Clone, Default)]
pub(super) struct WeekWork {
    /// Per milestone: the progress it may reach this week if it takes work
    /// (open and below that ceiling), else None.
    pub ceiling: Vec<Option<f64>>,
    /// Per milestone: held by a national barrier in force that this early
    /// adopter has not worked around.
    pub held: Vec<bool>,
    /// Per barrier: its workaround is under way this week.
    pub workaround_open: Vec<bool>,
    /// Relational or mixed milestones taking work.
    pub relational_items: u32,
    /// Transactional work items (transactional or mixed milestones and
    /// open workarounds) taking work.
    pub transactional_items: u32,
    /// Of those, the ones each kind can work on (it signs the milestone or
    /// is a party to the workaround).
    pub transactional_items_of: [u32; AgentKind::COUNT],
}

/// Every early adopter as it starts: nothing done, the first timetable.
pub(super) fn initial_states(plan: &Plan) -> Vec<EaState> {
    let params = plan.params();
    let tt = &params.timetable;
    let n_m = plan.journey.len();
    let weeks = plan.calendar.weeks() as usize;
    plan.eas
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let members = member_counts(plan, i);
            let signers: Vec<Vec<AgentKind>> = plan
                .journey
                .iter()
                .map(|m| {
                    m.signers
                        .iter()
                        .copied()
                        .filter(|k| members[k.index()] > 0)
                        .collect()
                })
                .collect();
            let skipped: Vec<bool> = plan
                .journey
                .iter()
                .map(|m| m.full_scope_only && e.scope == Scope::ScaledBack)
                .collect();
            let planned: Vec<NaiveDate> = (0..n_m)
                .map(|m| planned_date(plan, m, tt.pilot_start, tt.wider_rollout))
                .collect();
            let workarounds: Vec<Workaround> = (0..params.barriers.len())
                .map(|b| new_workaround(plan, &members, &signers, &skipped, b))
                .collect();
            EaState {
                scope: e.scope,
                signed_off: None,
                progress: vec![0.0; n_m],
                // More organisations to sign, more work (§7.16, coordination.rs).
                required: plan
                    .journey
                    .iter()
                    .zip(&signers)
                    .map(|(m, k)| {
                        let (co, on) = (&params.coordination, params.switches.coordination_costs);
                        super::coordination::milestone_work(m, k, &members, co, on)
                    })
                    .collect(),
                achieved: vec![None; n_m],
                skipped,
                workarounds,
                signers,
                work: WeekWork::default(),
                first_planned: planned.clone(),
                planned,
                rel_pool: 0.0,
                trans_pool: [0.0; AgentKind::COUNT],
                support_trans: 0.0,
                committed: false,
                business_plan: None,
                practices_live: 0,
                next_rollout: 0,
                enrolments: Vec::with_capacity(16),
                cumulative_work: vec![0.0; weeks + 1],
                own_programme_hours: 0.0,
                capacity_grants: Vec::with_capacity(params.funding.tranches.len()),
                tranches_paid: vec![false; params.funding.tranches.len()],
                needed_relational_share: 0.5,
                achieved_this_week: 0,
                active: false,
            }
        })
        .collect()
}

/// Member organisations of early adopter `e`, by kind.
fn member_counts(plan: &Plan, e: usize) -> [u32; AgentKind::COUNT] {
    let mut members = [0u32; AgentKind::COUNT];
    for &a in &plan.eas[e].members {
        members[plan.agents[a.index()].kind.index()] += 1;
    }
    members
}

/// An early adopter's workaround of barrier `b`, not started, for the
/// milestones in its scope (`skipped` marks those out of it).
fn new_workaround(
    plan: &Plan,
    members: &[u32; AgentKind::COUNT],
    signers: &[Vec<AgentKind>],
    skipped: &[bool],
    b: usize,
) -> Workaround {
    let spec = &plan.params().barriers[b];
    let party_kinds = workaround_party_kinds(plan, signers, skipped, b);
    let parties = party_kinds.iter().map(|k| members[k.index()]).sum();
    Workaround {
        party_kinds,
        parties,
        required: workaround_hours(
            spec.workaround_hours,
            spec.workaround_hours_per_party,
            parties,
        ),
        progress: 0.0,
        started: None,
        done: None,
    }
}

/// Early adopter `e` (state `s`) scales back (ODD §7.15): every full-scope
/// milestone it has not achieved is dropped (achieved ones stay), and each
/// workaround not yet started is re-scoped to the milestones left (one that
/// governs none of them has no parties and is not recorded). Returns the
/// number of milestones dropped.
pub(super) fn scale_back(plan: &Plan, e: usize, s: &mut EaState) -> u32 {
    s.scope = Scope::ScaledBack;
    let mut dropped = 0;
    for (m, ms) in plan.journey.iter().enumerate() {
        if ms.full_scope_only && s.achieved[m].is_none() && !s.skipped[m] {
            s.skipped[m] = true;
            dropped += 1;
        }
    }
    let members = member_counts(plan, e);
    for b in 0..s.workarounds.len() {
        if s.workarounds[b].started.is_none() {
            s.workarounds[b] = new_workaround(plan, &members, &s.signers, &s.skipped, b);
        }
    }
    dropped
}

/// Hours of a local workaround with `parties` parties (G1: Brent's
/// agreements with all 67 practices, its trusts and the council).
pub(super) fn workaround_hours(base: f64, per_party: f64, parties: u32) -> f64 {
    base + per_party * parties as f64
}

/// The kinds that take part in an early adopter's workaround of barrier
/// `b`: the signers it has of every milestone in its scope that `b`
/// governs, in kind order.
fn workaround_party_kinds(
    plan: &Plan,
    signers: &[Vec<AgentKind>],
    skipped: &[bool],
    b: usize,
) -> Vec<AgentKind> {
    AgentKind::ALL
        .into_iter()
        .filter(|k| {
            plan.journey
                .iter()
                .enumerate()
                .any(|(m, ms)| ms.barrier == Some(b) && !skipped[m] && signers[m].contains(k))
        })
        .collect()
}

/// The date the first timetable implies for milestone `m`: milestones up to
/// `pilot_live` are spaced by their depth in the journey between the planned
/// sign-off and the pilot start; deeper ones between the pilot start and the
/// wider roll-out.
fn planned_date(plan: &Plan, m: usize, pilot: NaiveDate, wider: NaiveDate) -> NaiveDate {
    let origin = plan.params().timetable.ea_signed_off;
    let d = plan.journey[m].depth as f64;
    let dl = plan.journey[plan.pilot_live].depth as f64;
    let dmax = plan.journey.iter().map(|m| m.depth).max().unwrap_or(1) as f64;
    if d <= dl {
        let span = (pilot - origin).num_days() as f64;
        origin + Duration::days((span * d / dl).round() as i64)
    } else {
        let span = (wider - pilot).num_days() as f64;
        pilot + Duration::days((span * (d - dl) / (dmax - dl).max(1.0)).round() as i64)
    }
}

/// Whether milestone `m` of `s` is open: prerequisites met, not done, not
/// skipped.
#[inline]
pub(super) fn is_open(journey: &[Milestone], s: &EaState, m: usize) -> bool {
    s.achieved[m].is_none()
        && !s.skipped[m]
        && journey[m]
            .requires
            .iter()
            .all(|&r| s.achieved[r].is_some() || s.skipped[r])
}

impl World<'_> {
    /// An early adopter is active once signed off and while it has
    /// unfinished applicable milestones. Each member's count of active early
    /// adopters follows the flags, and the working organisations (with at
    /// least one) are listed in agent order; one that stops working has no
    /// hours from now on.
    pub(super) fn set_active_flags(&mut self) {
        let mut changed = false;
        for (e, s) in self.eas.iter_mut().enumerate() {
            let active = s.signed_off.is_some()
                && s.achieved
                    .iter()
                    .zip(&s.skipped)
                    .any(|(a, s)| a.is_none() && !s);
            if active != s.active {
                s.active = active;
                changed = true;
                for &a in &self.plan.eas[e].members {
                    let count = &mut self.active_eas[a.index()];
                    if active {
                        *count += 1;
                    } else {
                        *count -= 1;
                        if *count == 0 {
                            let agent = &mut self.agents[a.index()];
                            agent.rel = 0.0;
                            agent.trans = 0.0;
                        }
                    }
                }
            }
        }
        if changed {
            let team = self.plan.programme_team.index();
            self.working.clear();
            self.working.extend(
                (0..self.active_eas.len())
                    .filter(|&i| self.active_eas[i] > 0 && i != team)
                    .map(|i| i as u32),
            );
        }
    }

    /// Early adopters whose pilot is live.
    pub(super) fn live_count(&self) -> usize {
        self.record
            .result
            .go_live
            .iter()
            .filter(|g| g.is_some())
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::initial_states;
    use crate::engine::plan::Plan;
    use crate::model::AgentKind;
    use crate::scenario::Scenario;

    #[test]
    fn signers_and_workaround_parties_are_the_kinds_an_early_adopter_has() {
        let plan = Plan::new(&Scenario::default_nwl());
        let states = initial_states(&plan);
        let ea = |id: &str| plan.eas.iter().position(|e| e.id == id).unwrap();
        let m = |id: &str| plan.journey.iter().position(|m| m.id == id).unwrap();
        let ig = plan
            .params()
            .barriers
            .iter()
            .position(|b| b.id == "information_governance")
            .unwrap();
        let spec = &plan.params().barriers[ig];
        // Hillingdon has no council: its CCG alone signs the budgets.
        let h = &states[ea("hillingdon")];
        assert_eq!(h.signers[m("budgets_identified")], vec![AgentKind::Ccg]);
        // Brent: CCG, council, community trust and its 67 practices share data.
        let b = &states[ea("brent")].workarounds[ig];
        assert_eq!(
            b.party_kinds,
            vec![
                AgentKind::Ccg,
                AgentKind::LocalAuthority,
                AgentKind::CommunityTrust,
                AgentKind::GpPractice
            ]
        );
        assert_eq!(b.parties, 70);
        assert_eq!(
            b.required,
            spec.workaround_hours + spec.workaround_hours_per_party * 70.0
        );
        // Scaled-back Ealing skips capitation: no payment-systems parties.
        let ps = plan
            .params()
            .barriers
            .iter()
            .position(|b| b.id == "payment_systems")
            .unwrap();
        assert_eq!(states[ea("ealing")].workarounds[ps].parties, 0);
    }
}
