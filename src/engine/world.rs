//! One replication: the state that changes week by week and the weekly step
//! (events → decide → meet → progress → engagement → review → observe).
//!
//! Agents decide in parallel from last week's state and write only their own
//! intent; everything else is applied sequentially in agent-id order, so a
//! replication's result never depends on the number of threads.

use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::plan::{BodyRole, Plan};
use super::rng::{replication_seed, stream, Purpose, PROGRAMME};
use crate::model::calendar::{next_april_first, Tick};
use crate::model::journey::{MilestoneKind, Scope};
use crate::model::programme::{ReplanPolicy, TrancheTrigger};
use crate::model::rules;
use crate::model::AgentKind;
use crate::model::ProgrammeMilestone;
use crate::observe::*;
use crate::scenario::validate::kind_spec;

/// Spread of capacity between organisations of one kind (coefficient of
/// variation). Assumption: documented in docs/ODD.md.
const CAPACITY_CV: f64 = 0.25;

/// Per-agent state. Each agent owns its random streams.
#[derive(Debug, Clone)]
struct Agent {
    kind: AgentKind,
    engagement: f64,
    baseline: f64,
    relational_bias: f64,
    capacity: f64,
    workload: f64,
    decide_rng: ChaCha8Rng,
    attend_rng: ChaCha8Rng,
    // Intent of this week (written in the parallel decide phase).
    rel: f64,
    trans: f64,
    // Weekly accumulators.
    meeting_hours: f64,
    progress_events: u32,
    // Period accumulator for involvement.
    period_hours: f64,
}

#[derive(Debug, Clone)]
struct EaState {
    signed_off: Option<Tick>,
    progress: Vec<f64>,
    required: Vec<f64>,
    achieved: Vec<Option<Tick>>,
    skipped: Vec<bool>,
    workaround_added: Vec<bool>,
    first_planned: Vec<NaiveDate>,
    planned: Vec<NaiveDate>,
    rel_pool: f64,
    trans_pool: [f64; AgentKind::COUNT],
    support_trans: f64,
    committed: bool,
    business_plan: Option<Tick>,
    practices_live: u32,
    next_rollout: Tick,
    enrolments: Vec<(Tick, f64)>,
    cumulative_work: Vec<f64>,
    capacity_grants: Vec<(Tick, Tick, f64)>,
    tranches_paid: Vec<bool>,
    needed_relational_share: f64,
    achieved_this_week: u32,
    active: bool,
}

#[derive(Debug, Clone, Copy)]
struct ProgrammeMilestoneState {
    first_planned: NaiveDate,
    planned: NaiveDate,
    achieved: Option<Tick>,
}

/// A replication in progress.
pub struct World<'p> {
    plan: &'p Plan,
    tick: Tick,
    agents: Vec<Agent>,
    eas: Vec<EaState>,
    previous_attendance: Vec<Vec<bool>>,
    wg_progress: Vec<f64>,
    wg_central: Vec<f64>,
    wg_consultant_share: Vec<f64>,
    toolkit_progress: f64,
    toolkit_consultant_share: f64,
    programme: Vec<ProgrammeMilestoneState>,
    pilot_plan: NaiveDate,
    slips: u32,
    missed_without_replan: bool,
    barrier_active: Vec<bool>,
    leader_departed: Vec<Option<Tick>>,
    programme_rng: ChaCha8Rng,
    leader_rng: ChaCha8Rng,
    local_pot: f64,
    local_fy: i32,
    pending_shock: f64,
    pending_lay_shock: f64,
    pending_leadership_shock: f64,
    promise_gap: f64,
    result: ReplicationResult,
    detail: bool,
    // Reused weekly scratch: hours by kind.
    week_rel_by_kind: [f64; AgentKind::COUNT],
    week_trans_by_kind: [f64; AgentKind::COUNT],
    week_meeting_by_kind: [f64; AgentKind::COUNT],
}

fn date_add_weeks(d: NaiveDate, weeks: f64) -> NaiveDate {
    d + Duration::days((weeks * 7.0).round() as i64)
}

impl<'p> World<'p> {
    /// A new replication of the plan with the given master seed.
    pub fn new(plan: &'p Plan, master_seed: u64, replication: u32) -> World<'p> {
        let raw = plan.raw();
        let rep = replication as u64;
        let agents: Vec<Agent> = plan
            .agents
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut init = stream(master_seed, rep, i as u64, Purpose::Init);
                let (capacity, engagement, bias, workload) = match kind_spec(raw, a.kind) {
                    Some(spec) => {
                        let e = rules::draw_share(&mut init, spec.engagement, spec.engagement_sd);
                        let c = spec.capacity_hours
                            * rules::draw_multiplier(&mut init, CAPACITY_CV, 0.2);
                        (c, e, spec.relational_bias, spec.workload)
                    }
                    None => (
                        raw.programme.team_size * raw.programme.hours_per_person,
                        1.0,
                        raw.programme.relational_bias,
                        0.0,
                    ),
                };
                Agent {
                    kind: a.kind,
                    engagement,
                    baseline: engagement,
                    relational_bias: bias,
                    capacity,
                    workload,
                    decide_rng: stream(master_seed, rep, i as u64, Purpose::Decide),
                    attend_rng: stream(master_seed, rep, i as u64, Purpose::Attend),
                    rel: 0.0,
                    trans: 0.0,
                    meeting_hours: 0.0,
                    progress_events: 0,
                    period_hours: 0.0,
                }
            })
            .collect();

        let tt = &raw.timetable;
        let pilot_plan = tt.pilot_start.0;
        let n_m = plan.journey.len();
        let weeks = plan.calendar.weeks() as usize;
        let eas = plan
            .eas
            .iter()
            .map(|e| {
                let skipped: Vec<bool> = plan
                    .journey
                    .iter()
                    .map(|m| m.full_scope_only && e.scope == Scope::ScaledBack)
                    .collect();
                let planned: Vec<NaiveDate> = (0..n_m)
                    .map(|m| planned_date(plan, m, pilot_plan, tt.wider_rollout.0))
                    .collect();
                EaState {
                    signed_off: None,
                    progress: vec![0.0; n_m],
                    required: plan.journey.iter().map(|m| m.work_hours).collect(),
                    achieved: vec![None; n_m],
                    skipped,
                    workaround_added: vec![false; n_m],
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
                    capacity_grants: Vec::with_capacity(raw.funding.tranches.len()),
                    tranches_paid: vec![false; raw.funding.tranches.len()],
                    needed_relational_share: 0.5,
                    achieved_this_week: 0,
                    active: false,
                }
            })
            .collect();
        let programme = ProgrammeMilestone::ALL
            .iter()
            .map(|pm| {
                let d = match pm {
                    ProgrammeMilestone::CodesignComplete => tt.codesign_complete.0,
                    ProgrammeMilestone::ToolkitPublished => tt.toolkit_published.0,
                    ProgrammeMilestone::EaSignedOff => tt.ea_signed_off.0,
                    ProgrammeMilestone::FirstPilotLive => tt.pilot_start.0,
                    ProgrammeMilestone::BusinessPlanApproved => tt.business_plan_approved.0,
                    ProgrammeMilestone::WiderRollout => tt.wider_rollout.0,
                };
                ProgrammeMilestoneState {
                    first_planned: d,
                    planned: d,
                    achieved: None,
                }
            })
            .collect();
        let series_len = plan.periods * plan.series.len();
        let detail = replication < raw.record.detail_replications;
        World {
            plan,
            tick: 0,
            previous_attendance: plan
                .bodies
                .iter()
                .map(|b| vec![false; b.members.len()])
                .collect(),
            agents,
            eas,
            wg_progress: vec![0.0; raw.codesign.working_groups.len()],
            wg_central: vec![0.0; raw.codesign.working_groups.len()],
            wg_consultant_share: vec![0.0; raw.codesign.working_groups.len()],
            toolkit_progress: 0.0,
            toolkit_consultant_share: 0.0,
            programme,
            pilot_plan,
            slips: 0,
            missed_without_replan: false,
            barrier_active: raw
                .barriers
                .iter()
                .map(|_| raw_switches(plan).national_barriers)
                .collect(),
            leader_departed: vec![None; raw.leadership.leaders.len()],
            programme_rng: stream(master_seed, rep, PROGRAMME, Purpose::Barrier),
            leader_rng: stream(master_seed, rep, PROGRAMME, Purpose::Leadership),
            local_pot: 0.0,
            local_fy: i32::MIN,
            pending_shock: 0.0,
            pending_lay_shock: 0.0,
            pending_leadership_shock: 0.0,
            promise_gap: 0.0,
            result: ReplicationResult {
                replication,
                seed: replication_seed(master_seed, rep),
                milestones: Vec::new(),
                series: vec![0.0; series_len],
                meetings: Vec::with_capacity(if detail { 512 } else { 0 }),
                spend: vec![0.0; plan.months * SpendCategory::ALL.len()],
                replans: Vec::with_capacity(8),
                go_live: vec![None; plan.eas.len()],
            },
            detail,
            week_rel_by_kind: [0.0; AgentKind::COUNT],
            week_trans_by_kind: [0.0; AgentKind::COUNT],
            week_meeting_by_kind: [0.0; AgentKind::COUNT],
        }
    }

    /// Runs every week and returns the result.
    pub fn run(mut self, parallel_agents: bool) -> ReplicationResult {
        for t in 0..self.plan.calendar.weeks() {
            self.tick = t;
            self.events();
            self.decide(parallel_agents);
            self.apply_effort();
            self.meet();
            self.progress();
            self.update_engagement();
            self.review();
            self.observe();
        }
        self.finish()
    }

    fn sw(&self) -> &crate::scenario::raw::Switches {
        raw_switches(self.plan)
    }

    fn date(&self) -> NaiveDate {
        self.plan.calendar.date(self.tick)
    }

    // ---------------------------------------------------------------- events
    fn events(&mut self) {
        let plan = self.plan;
        let raw = plan.raw();
        let t = self.tick;
        // Financial year: a new local pot on 1 April.
        let fy = plan.fy_of_tick[t as usize];
        if fy != self.local_fy {
            self.local_fy = fy;
            self.local_pot = plan.local_budget.get(&fy).copied().unwrap_or(0.0);
        }
        // National barriers: a weekly hazard of removal.
        for (b, spec) in raw.barriers.iter().enumerate() {
            if self.barrier_active[b] && spec.not_before.is_none_or(|d| self.date() >= d.0) {
                let p = rules::weekly_probability(spec.removal_hazard_per_year);
                if self.programme_rng.random::<f64>() < p {
                    self.barrier_active[b] = false;
                }
            } else if self.barrier_active[b] {
                // Keep the stream aligned whether or not removal is possible yet.
                let _: f64 = self.programme_rng.random();
            }
        }
        // Leaders depart on schedule or by hazard.
        if self.sw().leadership_loss {
            for (l, spec) in raw.leadership.leaders.iter().enumerate() {
                let u: f64 = self.leader_rng.random();
                if self.leader_departed[l].is_some() {
                    continue;
                }
                let scheduled = plan.leader_departs[l] == Some(t);
                let by_hazard = u < rules::weekly_probability(spec.hazard_per_year);
                if scheduled || by_hazard {
                    self.leader_departed[l] = Some(t);
                    self.pending_leadership_shock += raw.engagement.leadership_loss;
                }
            }
        }
        // Consultancy contracts ending: knowledge not handed over is lost.
        if self.sw().consultancy
            && self.sw().consultancy_handover_loss
            && plan.contract_ends.binary_search(&t).is_ok()
        {
            let lost = 1.0 - raw.consultancy.handover_fraction;
            for w in 0..self.wg_central.len() {
                if !self.group_done(w) {
                    self.wg_central[w] -= lost * self.wg_consultant_share[w];
                }
                self.wg_consultant_share[w] = 0.0;
            }
            if self.programme[1].achieved.is_none() {
                self.toolkit_progress -= lost * self.toolkit_consultant_share;
            }
            self.toolkit_consultant_share = 0.0;
        }
        // Tranches that have fallen due.
        for e in 0..self.eas.len() {
            self.pay_due_tranches(e);
        }
        // Project managers and active flags.
        for e in &mut self.eas {
            e.active = e.signed_off.is_some()
                && e.achieved
                    .iter()
                    .zip(&e.skipped)
                    .any(|(a, s)| a.is_none() && !s);
        }
    }

    /// A working group is done when its meetings and the central work behind them are both complete.
    fn group_done(&self, w: usize) -> bool {
        let cd = &self.plan.raw().codesign;
        self.wg_progress[w] >= cd.work_per_group && self.wg_central[w] >= cd.central_hours_per_group
    }

    /// Pays every tranche of a signed-off early adopter that has fallen due:
    /// at sign-off; on its date (or at a later sign-off); or, behind the
    /// gateway, once the business plan is approved and not before its date
    /// (the year whose budget holds it).
    fn pay_due_tranches(&mut self, e: usize) {
        let plan = self.plan;
        let raw = plan.raw();
        let t = self.tick;
        if self.eas[e].signed_off.is_none() {
            return;
        }
        for (k, tr) in raw.funding.tranches.iter().enumerate() {
            if self.eas[e].tranches_paid[k] {
                continue;
            }
            // A week pays a dated tranche once it starts on or after the date.
            let date_reached = tr.date.is_none_or(|d| plan.calendar.date(t) >= d.0);
            let due = match tr.trigger {
                TrancheTrigger::SignOff => true,
                TrancheTrigger::Date => tr.date.is_some() && date_reached,
                TrancheTrigger::BusinessPlan => {
                    date_reached
                        && (!raw.switches.funding_gateway || self.eas[e].business_plan.is_some())
                }
            };
            if due {
                self.eas[e].tranches_paid[k] = true;
                self.pay_tranche(e, k);
            }
        }
    }

    fn pay_tranche(&mut self, e: usize, k: usize) {
        let plan = self.plan;
        let raw = plan.raw();
        let tr = &raw.funding.tranches[k];
        let t = self.tick;
        let m = plan.month_of_tick[t as usize];
        self.result.spend[m * SpendCategory::ALL.len() + 2] += tr.amount_gbp;
        self.local_pot -= tr.amount_gbp;
        if raw.switches.local_funding && tr.capacity_share > 0.0 {
            let hours = tr.amount_gbp * tr.capacity_share
                / raw.effort.local_hour_cost_gbp
                / tr.spread_weeks as f64;
            self.eas[e]
                .capacity_grants
                .push((t, t + tr.spread_weeks, hours));
        }
    }

    // ---------------------------------------------------------------- decide
    fn decide(&mut self, parallel: bool) {
        let plan = self.plan;
        let raw = plan.raw();
        let eas = &self.eas;
        let adapt = if raw.switches.bias_adaptation {
            raw.effort.bias_adaptation_rate
        } else {
            0.0
        };
        let noise = raw.effort.availability_noise;
        let leader_factor = self.leadership_capacity_factor();
        let decide_one = |(i, a): (usize, &mut Agent)| {
            let plan_a = &plan.agents[i];
            let mut active = 0u32;
            let mut needed = 0.0;
            for &e in &plan_a.eas {
                let s = &eas[e as usize];
                if s.active {
                    active += 1;
                    needed += s.needed_relational_share;
                }
            }
            let is_team = a.kind == AgentKind::ProgrammeTeam;
            if active > 0 && !is_team {
                a.relational_bias += adapt * (needed / active as f64 - a.relational_bias);
            }
            let shock = rules::availability_shock(&mut a.decide_rng, noise);
            let available = if is_team {
                a.capacity * leader_factor * a.engagement * shock
            } else if active > 0 {
                a.capacity * (1.0 - a.workload) * a.engagement * shock
            } else {
                0.0
            };
            a.rel = available * a.relational_bias;
            a.trans = available - a.rel;
            a.meeting_hours = 0.0;
            a.progress_events = 0;
        };
        if parallel {
            self.agents.par_iter_mut().enumerate().for_each(decide_one);
        } else {
            self.agents.iter_mut().enumerate().for_each(decide_one);
        }
    }

    fn leadership_capacity_factor(&self) -> f64 {
        let raw = self.plan.raw();
        let t = self.tick;
        let out = self
            .leader_departed
            .iter()
            .filter(|d| d.is_some_and(|d| t < d + raw.leadership.replacement_weeks.max(1)))
            .count();
        (1.0 - raw.leadership.capacity_loss * out as f64).max(0.0)
    }

    // ---------------------------------------------------------- apply effort
    fn apply_effort(&mut self) {
        let plan = self.plan;
        let raw = plan.raw();
        let sw = raw_switches(plan);
        let t = self.tick;
        for e in &mut self.eas {
            e.rel_pool = 0.0;
            e.trans_pool = [0.0; AgentKind::COUNT];
            e.support_trans = 0.0;
        }
        self.week_rel_by_kind = [0.0; AgentKind::COUNT];
        self.week_trans_by_kind = [0.0; AgentKind::COUNT];
        self.week_meeting_by_kind = [0.0; AgentKind::COUNT];
        let n_active = self.eas.iter().filter(|e| e.active).count();

        for (i, a) in self.agents.iter_mut().enumerate() {
            if a.kind == AgentKind::ProgrammeTeam {
                continue;
            }
            let mine: u32 = plan.agents[i]
                .eas
                .iter()
                .filter(|&&e| self.eas[e as usize].active)
                .count() as u32;
            if mine == 0 {
                continue;
            }
            let mut spent_trans = 0.0;
            for &e in &plan.agents[i].eas {
                let s = &mut self.eas[e as usize];
                if !s.active {
                    continue;
                }
                s.rel_pool += a.rel / mine as f64;
                let wait = if sw.provider_wait && a.kind.is_provider() && !s.committed {
                    raw.effort.provider_wait_factor
                } else {
                    1.0
                };
                let tr = a.trans / mine as f64 * wait;
                s.trans_pool[a.kind.index()] += tr;
                spent_trans += tr;
            }
            a.trans = spent_trans;
            a.period_hours += a.rel + a.trans;
            self.week_rel_by_kind[a.kind.index()] += a.rel;
            self.week_trans_by_kind[a.kind.index()] += a.trans;
        }

        // The programme team and consultants: central products first, then
        // support spread in equal shares across active early adopters (E8).
        let team = &mut self.agents[plan.programme_team as usize];
        let cons = if sw.consultancy {
            plan.consultant_hours[t as usize]
        } else {
            0.0
        };
        let cons_rel = cons * raw.consultancy.relational_bias;
        let cons_trans = cons - cons_rel;
        let (team_rel, team_trans) = (team.rel, team.trans);
        team.period_hours += team_rel + team_trans;
        let pt = AgentKind::ProgrammeTeam.index();
        self.week_rel_by_kind[pt] += team_rel;
        self.week_trans_by_kind[pt] += team_trans;
        let ea_share = if n_active > 0 {
            raw.programme.ea_support_share
        } else {
            0.0
        };
        let central_rel = (team_rel + cons_rel) * (1.0 - ea_share);
        let central_trans = (team_trans + cons_trans) * (1.0 - ea_share);
        let cons_frac_rel = if team_rel + cons_rel > 0.0 {
            cons_rel / (team_rel + cons_rel)
        } else {
            0.0
        };
        let cons_frac_trans = if team_trans + cons_trans > 0.0 {
            cons_trans / (team_trans + cons_trans)
        } else {
            0.0
        };
        // Co-design: central relational hours go to unfinished working groups.
        if t >= plan.tick_of(raw.codesign.start.0) && self.programme[0].achieved.is_none() {
            let need = raw.codesign.central_hours_per_group;
            let open = (0..self.wg_central.len())
                .filter(|&w| self.wg_central[w] < need)
                .count();
            if open > 0 {
                let each = central_rel / open as f64;
                for w in 0..self.wg_central.len() {
                    if self.wg_central[w] >= need {
                        continue;
                    }
                    self.wg_central[w] += each;
                    self.wg_consultant_share[w] += each * cons_frac_rel;
                }
            }
        }
        // Toolkit: central transactional hours once co-design is complete.
        if self.programme[0].achieved.is_some() && self.programme[1].achieved.is_none() {
            self.toolkit_progress += central_trans;
            self.toolkit_consultant_share += central_trans * cons_frac_trans;
        }
        if n_active > 0 {
            let spread = 1.0 + raw.programme.spread_penalty * (n_active as f64 - 1.0);
            let per_ea = 1.0 / n_active as f64 / spread * ea_share;
            for s in self.eas.iter_mut().filter(|s| s.active) {
                s.rel_pool += (team_rel + cons_rel) * per_ea;
                s.support_trans += (team_trans + cons_trans) * per_ea;
            }
        }

        // Project managers, tranche capacity and local funding.
        let weekly_local = if plan.fy_weeks_left[t as usize] > 0 {
            ((self.local_pot - plan.tranches_reserved[t as usize])
                / plan.fy_weeks_left[t as usize] as f64)
                .max(0.0)
        } else {
            0.0
        };
        self.local_pot -= weekly_local;
        let m = plan.month_of_tick[t as usize];
        self.result.spend[m * SpendCategory::ALL.len() + 3] += weekly_local;
        self.result.spend[m * SpendCategory::ALL.len()] += if sw.consultancy {
            plan.consultant_spend[t as usize]
        } else {
            0.0
        };
        self.result.spend[m * SpendCategory::ALL.len() + 1] += plan.team_cost_per_tick;
        let local_hours = if sw.local_funding && n_active > 0 {
            weekly_local * raw.effort.local_funding_efficiency
                / raw.effort.local_hour_cost_gbp
                / n_active as f64
        } else {
            0.0
        };
        for (e, ea) in plan.eas.iter().enumerate() {
            let s = &mut self.eas[e];
            if !s.active {
                continue;
            }
            if sw.project_managers
                && ea.pm_from.is_some_and(|f| t >= f)
                && ea.pm_until.is_none_or(|u| t < u)
            {
                let h = raw.effort.project_manager_hours;
                s.rel_pool += h * raw.effort.project_manager_relational_bias;
                s.support_trans += h * (1.0 - raw.effort.project_manager_relational_bias);
            }
            let grants: f64 = s
                .capacity_grants
                .iter()
                .filter(|g| t >= g.0 && t < g.1)
                .map(|g| g.2)
                .sum();
            let extra = grants + local_hours;
            s.rel_pool += extra * 0.5;
            s.support_trans += extra * 0.5;
        }
    }

    // ----------------------------------------------------------------- meet
    fn meet(&mut self) {
        let plan = self.plan;
        let raw = plan.raw();
        let sw = raw_switches(plan);
        let t = self.tick;
        for (b, body) in plan.bodies.iter().enumerate() {
            let meets = match body.role {
                BodyRole::Steering(e) => self.eas[e]
                    .signed_off
                    .is_some_and(|s| t > s && (t - s) % raw.meetings.steering_every_weeks == 0),
                BodyRole::WorkingGroup(w) => {
                    !self.group_done(w) && body.meeting_ticks.binary_search(&t).is_ok()
                }
                BodyRole::Governance => body.meeting_ticks.binary_search(&t).is_ok(),
            };
            if !meets {
                continue;
            }
            let hours = body.meeting_hours;
            let mut counts = [0u16; AgentKind::COUNT];
            let (mut n, mut new_faces, mut lay) = (0u32, 0u32, false);
            for (j, &a) in body.members.iter().enumerate() {
                let ag = &mut self.agents[a as usize];
                let spare = if ag.kind == AgentKind::ProgrammeTeam {
                    f64::INFINITY
                } else {
                    ag.capacity * (1.0 - ag.workload) - ag.rel - ag.trans - ag.meeting_hours
                };
                let p = rules::attendance_probability(ag.engagement, spare, hours);
                let came = ag.attend_rng.random::<f64>() < p;
                if came {
                    counts[ag.kind.index()] += 1;
                    n += 1;
                    lay |= ag.kind == AgentKind::LayPartner;
                    if !self.previous_attendance[b][j] {
                        new_faces += 1;
                    }
                    ag.meeting_hours += hours;
                    ag.period_hours += hours;
                    self.week_meeting_by_kind[ag.kind.index()] += hours;
                    self.week_rel_by_kind[ag.kind.index()] += hours;
                }
                self.previous_attendance[b][j] = came;
            }
            let quorate = n > 0 && (!sw.lay_quorum || !body.has_lay_member || lay);
            let churn = if n > 0 {
                new_faces as f64 / n as f64
            } else {
                0.0
            };
            let output = if quorate {
                let churn_factor = if sw.meeting_churn {
                    1.0 - raw.meetings.churn_penalty * churn
                } else {
                    1.0
                };
                let lay_factor = if lay {
                    raw.meetings.lay_quality_bonus
                } else {
                    1.0
                };
                n as f64 * hours * churn_factor * lay_factor
            } else {
                0.0
            };
            match body.role {
                BodyRole::WorkingGroup(w) => self.wg_progress[w] += output,
                BodyRole::Steering(e) => {
                    self.eas[e].rel_pool += output * raw.meetings.steering_output_share
                }
                BodyRole::Governance => {
                    if body.signs_off && quorate {
                        self.sign_off_ready();
                    }
                }
            }
            if self.detail {
                self.result.meetings.push(MeetingRecord {
                    tick: t,
                    body: b as u16,
                    attendees: counts,
                    quorate,
                });
            }
        }
    }

    fn sign_off_ready(&mut self) {
        let plan = self.plan;
        let t = self.tick;
        for e in 0..self.eas.len() {
            if self.eas[e].signed_off.is_none() && plan.eas[e].application_ready <= t {
                self.eas[e].signed_off = Some(t);
                self.pay_due_tranches(e);
            }
        }
        if self.programme[2].achieved.is_none() && self.eas.iter().all(|e| e.signed_off.is_some()) {
            self.programme[2].achieved = Some(t);
        }
    }

    // -------------------------------------------------------------- progress
    fn progress(&mut self) {
        let plan = self.plan;
        let raw = plan.raw();
        let sw = raw_switches(plan);
        let t = self.tick;
        let toolkit_live = sw.toolkit && self.programme[1].achieved.is_some();
        let toolkit_gain = 1.0 / (1.0 - raw.codesign.toolkit_reduction).max(0.05);
        let journey = &plan.journey;
        for e in 0..self.eas.len() {
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
                continue;
            }
            let prior = rules::prior_relationship_multiplier(
                ea_plan.prior_relationships,
                raw.effort.prior_relationship_weight,
            );
            // Open milestones: prerequisites met, not done, not skipped.
            let mut open_rel = 0u32;
            let mut open_trans = 0u32;
            let mut rel_remaining = 0.0;
            let mut all_remaining = 0.0;
            let is_open = |s: &EaState, m: usize| {
                s.achieved[m].is_none()
                    && !s.skipped[m]
                    && journey[m]
                        .requires
                        .iter()
                        .all(|&r| s.achieved[r].is_some() || s.skipped[r])
            };
            for m in 0..journey.len() {
                if !is_open(s, m) {
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
                if !is_open(s, m) {
                    continue;
                }
                let ms = &journey[m];
                let barrier_active = ms.barrier.is_some_and(|b| self.barrier_active[b]);
                if barrier_active && !s.workaround_added[m] {
                    s.workaround_added[m] = true;
                    s.required[m] += raw.barriers[ms.barrier.unwrap_or(0)].workaround_hours;
                }
                let trans_eff = if open_trans > 0 && ms.kind != MilestoneKind::Relational {
                    let signer_hours = |k: AgentKind| s.trans_pool[k.index()] / open_trans as f64;
                    let combined = rules::signer_effort(
                        ms.signers.iter().map(|&k| signer_hours(k)),
                        if sw.signer_complementarity {
                            raw.effort.signer_complementarity
                        } else {
                            0.0
                        },
                    );
                    let support = (s.support_trans / open_trans as f64)
                        .min(raw.effort.support_leverage * combined);
                    (combined + support) * prior
                } else {
                    0.0
                };
                let mut eff = match ms.kind {
                    MilestoneKind::Relational => rel_each,
                    MilestoneKind::Transactional => trans_eff,
                    MilestoneKind::Mixed => 2.0 * rel_each.min(trans_eff),
                };
                if barrier_active {
                    eff *= raw.barriers[ms.barrier.unwrap_or(0)].efficiency;
                }
                if toolkit_live && ms.toolkit_covered {
                    eff *= toolkit_gain;
                }
                let before = s.progress[m];
                let mut after = before + eff;
                if m == plan.pilot_live {
                    let willing = ea_plan
                        .practices
                        .iter()
                        .filter(|&&p| {
                            self.agents[p as usize].engagement
                                >= raw.effort.pilot_willing_engagement
                        })
                        .count() as u32;
                    if willing < ea_plan.pilot_practices {
                        after = after.min(s.required[m] * 0.999);
                    }
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
                    self.result.go_live[e] = Some(t);
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
        // Gateway tranches and roll-out (need &mut self for payments).
        for e in 0..self.eas.len() {
            self.roll_out(e);
        }
        // Co-design and toolkit.
        if self.programme[0].achieved.is_none()
            && (0..self.wg_progress.len()).all(|w| self.group_done(w))
        {
            self.programme[0].achieved = Some(t);
            for (i, a) in self.agents.iter_mut().enumerate() {
                if plan.agents[i].codesign {
                    a.progress_events += 1;
                }
            }
        }
        if self.programme[0].achieved.is_some()
            && self.programme[1].achieved.is_none()
            && self.toolkit_progress >= raw.codesign.toolkit_work_hours
        {
            self.programme[1].achieved = Some(t);
        }
        let live = self.result.go_live.iter().filter(|g| g.is_some()).count();
        if self.programme[3].achieved.is_none() && live > 0 {
            self.programme[3].achieved = Some(t);
        }
        if self.programme[4].achieved.is_none()
            && self.eas.iter().all(|e| e.business_plan.is_some())
        {
            self.programme[4].achieved = Some(t);
        }
        if self.programme[5].achieved.is_none()
            && live as f64 >= raw.timetable.wider_rollout_share * self.eas.len() as f64
        {
            self.programme[5].achieved = Some(t);
        }
        // Members see their early adopter's progress.
        for (i, a) in self.agents.iter_mut().enumerate() {
            for &e in &plan.agents[i].eas {
                a.progress_events += self.eas[e as usize].achieved_this_week;
            }
        }
        // Outcomes.
        let o = &raw.outcomes;
        let delivered = self.delivered_reduction();
        self.promise_gap = match o.promised_by {
            Some(by) if o.promised_reduction > 0.0 && self.date() >= by.0 => {
                ((o.promised_reduction - delivered) / o.promised_reduction).max(0.0)
            }
            _ => 0.0,
        };
    }

    fn roll_out(&mut self, e: usize) {
        let plan = self.plan;
        let raw = plan.raw();
        let t = self.tick;
        let ea = &plan.eas[e];
        if self.eas[e].achieved[plan.pilot_live].is_none() || t < self.eas[e].next_rollout {
            return;
        }
        let willing = ea
            .practices
            .iter()
            .filter(|&&p| self.agents[p as usize].engagement >= raw.effort.pilot_willing_engagement)
            .count() as u32;
        let s = &mut self.eas[e];
        let step = if s.practices_live == 0 {
            ea.pilot_practices
        } else {
            ea.rollout_step
        };
        let target = (s.practices_live + step)
            .min(willing.max(s.practices_live))
            .min(ea.practices.len() as u32);
        if target > s.practices_live {
            let added = target - s.practices_live;
            let people = ea.population * added as f64 / ea.practices.len().max(1) as f64;
            s.enrolments.push((t, people));
            s.practices_live = target;
        }
        s.next_rollout = t + ea.rollout_every;
    }

    fn enrolled(&self, e: usize) -> f64 {
        self.eas[e].enrolments.iter().map(|x| x.1).sum()
    }

    fn delivered_reduction(&self) -> f64 {
        let o = &self.plan.raw().outcomes;
        let t = self.tick;
        let mut effect_people = 0.0;
        for s in &self.eas {
            for &(t0, people) in &s.enrolments {
                let ramp = if o.lag_weeks == 0 {
                    1.0
                } else {
                    ((t - t0) as f64 / o.lag_weeks as f64).min(1.0)
                };
                effect_people += people * ramp;
            }
        }
        (effect_people * o.effect_size * o.admission_risk_ratio / o.population).min(1.0)
    }

    // ------------------------------------------------------------ engagement
    fn update_engagement(&mut self) {
        let plan = self.plan;
        let raw = plan.raw();
        let sw = raw_switches(plan);
        let g = &raw.engagement;
        let shock = if sw.deadline_feedback {
            self.pending_shock
        } else {
            0.0
        };
        let lay_shock = if sw.deadline_feedback {
            self.pending_lay_shock
        } else {
            0.0
        };
        let leader_shock = if sw.leadership_loss {
            self.pending_leadership_shock
        } else {
            0.0
        };
        let gap = if sw.outcome_feedback {
            self.promise_gap * g.promise_gap_loss
        } else {
            0.0
        };
        for a in &mut self.agents {
            let mut d = 0.0;
            if sw.progress_feedback {
                d += g.progress_gain * a.progress_events as f64;
            }
            d += g.contact_gain * a.meeting_hours.min(12.0);
            if sw.meeting_burden && a.kind != AgentKind::ProgrammeTeam {
                let spare = a.capacity * (1.0 - a.workload);
                let used = a.rel + a.trans + a.meeting_hours;
                if spare > 0.0 && used > spare {
                    d -= g.burden_loss * (used - spare) / spare;
                }
            }
            d -= if a.kind == AgentKind::LayPartner {
                lay_shock
            } else {
                shock
            };
            if a.kind.is_strategic() {
                d -= leader_shock;
            }
            d -= gap;
            d += g.reversion_rate * (a.baseline - a.engagement);
            a.engagement = (a.engagement + d).clamp(0.0, 1.0);
        }
        self.pending_shock = 0.0;
        self.pending_lay_shock = 0.0;
        self.pending_leadership_shock = 0.0;
    }

    // ---------------------------------------------------------------- review
    fn review(&mut self) {
        let plan = self.plan;
        let raw = plan.raw();
        let sw = raw_switches(plan);
        let t = self.tick;
        let today = self.date();
        if !sw.replanning {
            // The first timetable stands: the deadline is missed once when it passes.
            if !self.missed_without_replan
                && today >= self.pilot_plan
                && self.reference_live_count() == 0
            {
                self.missed_without_replan = true;
                self.register_slip();
            }
            return;
        }
        if plan.review_ticks.binary_search(&t).is_err() {
            return;
        }
        let rp = &raw.replanning;
        let mut projected: Vec<f64> = Vec::with_capacity(self.eas.len());
        for e in 0..self.eas.len() {
            projected.push(self.projected_go_live_weeks(e));
        }
        projected.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        let k = if rp.reference_rank == 0 {
            projected.len() / 2
        } else {
            (rp.reference_rank as usize - 1).min(projected.len() - 1)
        };
        let ahead = projected[k];
        if ahead <= 0.0 {
            return; // the reference early adopter is live
        }
        let believed = date_add_weeks(today, ahead * (1.0 - rp.optimism));
        if believed <= date_add_weeks(self.pilot_plan, rp.tolerance_weeks as f64) {
            return;
        }
        let old = self.pilot_plan;
        let new = match rp.policy {
            ReplanPolicy::NextApril => next_april_first(believed),
            ReplanPolicy::Projected => believed,
            ReplanPolicy::FixedSlip => {
                let mut d = old;
                while d < believed {
                    d = date_add_weeks(d, rp.slip_weeks as f64);
                }
                d
            }
        };
        if new <= old {
            return;
        }
        let delta = new - old;
        self.pilot_plan = new;
        self.result.replans.push(ReplanRecord {
            tick: t,
            milestone: "pilot_live",
            old,
            new,
        });
        for (i, pm) in ProgrammeMilestone::ALL.iter().enumerate() {
            let st = &mut self.programme[i];
            if pm.follows_pilot_start() && st.achieved.is_none() {
                let o = st.planned;
                let n = if rp.policy == ReplanPolicy::NextApril
                    && rules::is_first_of_april(st.first_planned)
                {
                    // April-anchored dates (the NHS planning cycle) move in whole years.
                    rules::add_years(o, rules::whole_years(delta.num_days()))
                } else {
                    o + delta
                };
                if n != o {
                    st.planned = n;
                    self.result.replans.push(ReplanRecord {
                        tick: t,
                        milestone: pm.id(),
                        old: o,
                        new: n,
                    });
                }
            }
        }
        for s in &mut self.eas {
            for m in 0..s.planned.len() {
                if s.achieved[m].is_none() {
                    s.planned[m] += delta;
                }
            }
        }
        self.register_slip();
    }

    fn register_slip(&mut self) {
        let g = &self.plan.raw().engagement;
        self.slips += 1;
        let loss = rules::deadline_loss(g.deadline_loss, g.deadline_escalation, self.slips);
        self.pending_shock += loss;
        self.pending_lay_shock += loss * g.lay_deadline_multiplier;
    }

    fn reference_live_count(&self) -> usize {
        self.result.go_live.iter().filter(|g| g.is_some()).count()
    }

    /// Weeks from now until early adopter `e` is projected to go live (0 if live).
    fn projected_go_live_weeks(&self, e: usize) -> f64 {
        let plan = self.plan;
        let raw = plan.raw();
        let t = self.tick;
        let s = &self.eas[e];
        if s.achieved[plan.pilot_live].is_some() {
            return 0.0;
        }
        let prep = raw.timetable.assumed_preparation_weeks as f64;
        let Some(signed) = s.signed_off else {
            let ready = plan.eas[e].application_ready.max(t);
            return (ready - t) as f64 + prep;
        };
        let window = raw.replanning.projection_window_weeks.min(t - signed);
        if window < 4 {
            return (prep - (t - signed) as f64).max(1.0);
        }
        let rate = (s.cumulative_work[t as usize] - s.cumulative_work[(t - window) as usize])
            / window as f64;
        let remaining: f64 = (0..plan.journey.len())
            .filter(|&m| plan.before_go_live[m] && !s.skipped[m] && s.achieved[m].is_none())
            .map(|m| (s.required[m] - s.progress[m]).max(0.0))
            .sum();
        if rate <= 1e-9 {
            return plan.calendar.weeks() as f64 * 2.0;
        }
        (remaining / rate).max(1.0)
    }

    // --------------------------------------------------------------- observe
    fn observe(&mut self) {
        let plan = self.plan;
        let raw = plan.raw();
        let t = self.tick as usize;
        let p = plan.period_of_tick[t];
        let n_series = plan.series.len();
        let base = p * n_series;
        let last_in_period = t + 1 == plan.period_of_tick.len() || plan.period_of_tick[t + 1] != p;
        let weeks = plan.ticks_in_period[p] as f64;
        let row = &mut self.result.series[base..base + n_series];
        for kind in AgentKind::ALL {
            let (first, n) = plan.kind_ranges[kind.index()];
            if n == 0 {
                continue;
            }
            let agents = &self.agents[first as usize..(first + n) as usize];
            let mean_e = agents.iter().map(|a| a.engagement).sum::<f64>() / n as f64;
            row[SeriesLayout::kind_metric(kind, 0)] += mean_e / weeks;
            row[SeriesLayout::kind_metric(kind, 2)] += self.week_rel_by_kind[kind.index()];
            row[SeriesLayout::kind_metric(kind, 3)] += self.week_trans_by_kind[kind.index()];
            row[SeriesLayout::kind_metric(kind, 4)] += self.week_meeting_by_kind[kind.index()];
            if last_in_period {
                let threshold = raw.effort.involvement_hours * weeks / (365.25 / 12.0 / 7.0);
                let involved = agents
                    .iter()
                    .filter(|a| a.period_hours >= threshold && a.period_hours > 0.0)
                    .count();
                row[SeriesLayout::kind_metric(kind, 1)] = involved as f64 / n as f64;
            }
        }
        if last_in_period {
            for a in &mut self.agents {
                a.period_hours = 0.0;
            }
            let live = self.reference_live_count() as f64;
            let signed = self.eas.iter().filter(|e| e.signed_off.is_some()).count() as f64;
            let enrolled: f64 = (0..self.eas.len()).map(|e| self.enrolled(e)).sum();
            let delivered = self.delivered_reduction();
            let o = &raw.outcomes;
            let promised = match o.promised_by {
                Some(by) if self.date() >= by.0 => o.promised_reduction,
                _ => 0.0,
            };
            let row = &mut self.result.series[base..base + n_series];
            row[SeriesLayout::programme_metric(0)] = live;
            row[SeriesLayout::programme_metric(1)] = signed;
            row[SeriesLayout::programme_metric(2)] = enrolled;
            row[SeriesLayout::programme_metric(3)] = delivered;
            row[SeriesLayout::programme_metric(4)] = promised;
            for e in 0..self.eas.len() {
                let s = &self.eas[e];
                let members = &plan.eas[e].members;
                let mean_e = members
                    .iter()
                    .map(|&a| self.agents[a as usize].engagement)
                    .sum::<f64>()
                    / members.len().max(1) as f64;
                let done = s.achieved.iter().filter(|a| a.is_some()).count() as f64;
                let enrolled = self.enrolled(e);
                let row = &mut self.result.series[base..base + n_series];
                row[SeriesLayout::ea_metric(e, 0)] = s.practices_live as f64;
                row[SeriesLayout::ea_metric(e, 1)] = enrolled;
                row[SeriesLayout::ea_metric(e, 2)] = mean_e;
                row[SeriesLayout::ea_metric(e, 3)] = done;
            }
        }
    }

    fn finish(mut self) -> ReplicationResult {
        let plan = self.plan;
        let cal = &plan.calendar;
        let mut rows =
            Vec::with_capacity(self.eas.len() * plan.journey.len() + ProgrammeMilestone::ALL.len());
        for (e, s) in self.eas.iter().enumerate() {
            for (m, ms) in plan.journey.iter().enumerate() {
                let status = if s.skipped[m] {
                    MilestoneStatus::Skipped
                } else if s.achieved[m].is_some() {
                    MilestoneStatus::Achieved
                } else {
                    MilestoneStatus::NotReached
                };
                rows.push(MilestoneRecord {
                    ea: Some(e),
                    milestone: m,
                    kind: crate::model::journey::kind_id(ms.kind),
                    first_planned: Some(s.first_planned[m]),
                    planned: Some(s.planned[m]),
                    achieved: s.achieved[m].map(|t| cal.date(t)),
                    status,
                });
            }
        }
        for (i, pm) in ProgrammeMilestone::ALL.iter().enumerate() {
            let st = self.programme[i];
            rows.push(MilestoneRecord {
                ea: None,
                milestone: plan.journey.len() + i,
                kind: pm.kind(),
                first_planned: Some(st.first_planned),
                planned: Some(st.planned),
                achieved: st.achieved.map(|t| cal.date(t)),
                status: if st.achieved.is_some() {
                    MilestoneStatus::Achieved
                } else {
                    MilestoneStatus::NotReached
                },
            });
        }
        self.result.milestones = rows;
        self.result
    }
}

fn raw_switches(plan: &Plan) -> &crate::scenario::raw::Switches {
    &plan.raw().switches
}

/// The date the first timetable implies for milestone `m`: milestones up to
/// `pilot_live` are spaced by their depth in the journey between the planned
/// sign-off and the pilot start; deeper ones between the pilot start and the
/// wider roll-out.
fn planned_date(plan: &Plan, m: usize, pilot: NaiveDate, wider: NaiveDate) -> NaiveDate {
    let origin = plan.raw().timetable.ea_signed_off.0;
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
