//! One replication: the state that changes week by week and the weekly
//! schedule. Each ODD submodel (docs/ODD.md §7) lives in a file of its own
//! below this module, with its slice of state, its switch checks and its pure
//! rules; this file only holds them together and runs the phases in order.
//!
//! Agents decide in parallel from last week's state and write only their own
//! intent; everything else is applied sequentially in agent-id order, so a
//! replication's result never depends on the number of threads.

mod barriers;
mod codesign;
mod consultancy;
mod coordination;
mod deadlines;
mod early_adopters;
mod effort;
mod engagement;
mod funding;
mod general_practice;
mod leadership;
mod meetings;
mod observation;
mod outcomes;
mod programme_team;
mod progress;
mod review;
mod rollout;
mod scope;

use super::plan::Plan;
use super::rng::{replication_seed, replication_stream, Purpose, Stream, WeeklyKey, PROGRAMME};
use crate::model::calendar::Tick;
use crate::model::params::{Parameters, Switches};
use crate::model::programme::{PerProgrammeMilestone, ProgrammeMilestone};
use crate::observe::{ReplicationResult, SpendCategory};
use chrono::NaiveDate;

/// A programme milestone's plan and achievement in one replication.
#[derive(Debug, Clone, Copy)]
struct ProgrammeMilestoneState {
    first_planned: NaiveDate,
    planned: NaiveDate,
    achieved: Option<Tick>,
}

/// A replication in progress.
pub struct World<'p> {
    plan: &'p Plan,
    /// The week being run (the last one run, between weeks).
    tick: Tick,
    /// The next week `step` runs.
    next_week: Tick,
    agents: Vec<effort::Agent>,
    /// Each agent's Attend stream (meeting attendance, §7.6).
    attend_rng: Vec<Stream>,
    /// Each agent's key of weekly availability draws (§7.1).
    decide_keys: Vec<WeeklyKey>,
    /// Whether each agent is aware of the programme (ODD §7.17; only GP
    /// practices can be unaware).
    aware: Vec<bool>,
    eas: Vec<early_adopters::EaState>,
    /// Each agent's number of active early adopters (kept with their
    /// `active` flags): an agent with none has no desk work this week.
    active_eas: Vec<u16>,
    /// The organisations (not the team) with an active early adopter, in
    /// agent order.
    working: Vec<u32>,
    /// Each early adopter's relational share of open work if active, else 0
    /// (refreshed as agents decide).
    needed_share: Vec<f64>,
    /// Where each early adopter can use hours this week (set as its work is
    /// planned, read as hours are spread).
    can_use: Vec<progress::CanUse>,
    programme: PerProgrammeMilestone<ProgrammeMilestoneState>,
    codesign: codesign::CodesignState,
    meetings: meetings::MeetingState,
    barriers: barriers::BarrierState,
    leadership: leadership::LeadershipState,
    funding: funding::LocalPot,
    review: review::ReviewState,
    shocks: engagement::PendingShocks,
    outcomes: outcomes::OutcomeState,
    gp: general_practice::GpState,
    /// Each early adopter's Scope stream (scope decisions, §7.15).
    scope_rng: Vec<Stream>,
    record: observation::Recorder,
}

impl<'p> World<'p> {
    /// A new replication of the plan with the given master seed.
    pub fn new(plan: &'p Plan, master_seed: u64, replication: u32) -> World<'p> {
        let params = plan.params();
        let rep = replication as u64;
        let tt = &params.timetable;
        let programme = PerProgrammeMilestone(ProgrammeMilestone::ALL.map(|pm| {
            let d = match pm {
                ProgrammeMilestone::CodesignComplete => tt.codesign_complete,
                ProgrammeMilestone::ToolkitPublished => tt.toolkit_published,
                ProgrammeMilestone::EaSignedOff => tt.ea_signed_off,
                ProgrammeMilestone::FirstPilotLive => tt.pilot_start,
                ProgrammeMilestone::BusinessPlanApproved => tt.business_plan_approved,
                ProgrammeMilestone::WiderRollout => tt.wider_rollout,
            };
            ProgrammeMilestoneState {
                first_planned: d,
                planned: d,
                achieved: None,
            }
        }));
        let agents = effort::initial_agents(plan, master_seed, rep);
        let mut eas = early_adopters::initial_states(plan);
        for (e, s) in eas.iter_mut().enumerate() {
            s.own_programme_hours = funding::own_programme_hours(plan, &agents, e);
        }
        World {
            plan,
            tick: 0,
            next_week: 0,
            agents,
            attend_rng: (0..plan.agents.len() as u64)
                .map(|i| replication_stream(master_seed, rep, i, Purpose::Attend))
                .collect(),
            decide_keys: effort::decide_keys(plan, master_seed, rep),
            aware: general_practice::initial_awareness(plan),
            eas,
            active_eas: vec![0; plan.agents.len()],
            working: Vec::new(),
            needed_share: Vec::with_capacity(plan.eas.len()),
            can_use: vec![progress::CanUse::default(); plan.eas.len()],
            programme,
            codesign: codesign::CodesignState::new(params.codesign.working_groups.len()),
            meetings: meetings::MeetingState::new(plan),
            barriers: barriers::BarrierState::new(
                plan,
                replication_stream(master_seed, rep, PROGRAMME, Purpose::Barrier),
            ),
            leadership: leadership::LeadershipState::new(
                plan,
                replication_stream(master_seed, rep, PROGRAMME, Purpose::Leadership),
            ),
            funding: funding::LocalPot::default(),
            review: review::ReviewState::new(tt.pilot_start),
            shocks: engagement::PendingShocks::default(),
            outcomes: outcomes::OutcomeState::default(),
            gp: general_practice::GpState::new(plan, master_seed, rep),
            scope_rng: (0..plan.eas.len() as u64)
                .map(|e| replication_stream(master_seed, rep, e, Purpose::Scope))
                .collect(),
            record: observation::Recorder::new(
                plan,
                replication,
                replication_seed(master_seed, rep),
            ),
        }
    }

    /// Runs every week (docs/ODD.md §3) and returns the result.
    pub fn run(mut self, parallel_agents: bool) -> ReplicationResult {
        while self.step(parallel_agents) {}
        self.finish()
    }

    /// Runs the next week (docs/ODD.md §3); false once every week of the
    /// horizon has run (then nothing happens). For benchmarks and tools that
    /// watch a replication week by week; `run` is the usual way.
    pub fn step(&mut self, parallel_agents: bool) -> bool {
        if self.next_week >= self.plan.calendar.weeks() {
            return false;
        }
        self.tick = self.next_week;
        self.next_week += 1;
        self.events();
        self.decide(parallel_agents);
        self.apply_effort();
        self.meet();
        self.record_gp_contact();
        self.progress();
        self.update_engagement();
        self.review();
        self.decide_scope();
        self.observe();
        true
    }

    /// Phase 1: what happens to the programme this week regardless of what
    /// agents do (ODD §3, step 1), in a fixed order.
    fn events(&mut self) {
        self.start_financial_year();
        self.remove_barriers();
        self.depart_leaders();
        self.end_consultancy_contracts();
        for e in 0..self.eas.len() {
            self.pay_due_tranches(e);
        }
        self.set_active_flags();
    }

    fn params(&self) -> &'p Parameters {
        self.plan.params()
    }

    fn sw(&self) -> &'p Switches {
        &self.plan.params().switches
    }

    fn date(&self) -> NaiveDate {
        self.plan.date_of_tick[self.tick as usize]
    }

    fn month(&self) -> usize {
        self.plan.month_of_tick[self.tick as usize]
    }

    fn book(&mut self, category: SpendCategory, gbp: f64) {
        let m = self.month();
        self.record.result.add_spend(m, category, gbp);
    }

    fn achieved(&self, m: ProgrammeMilestone) -> bool {
        self.programme[m].achieved.is_some()
    }

    fn achieve(&mut self, m: ProgrammeMilestone) {
        self.programme[m].achieved = Some(self.tick);
    }
}
