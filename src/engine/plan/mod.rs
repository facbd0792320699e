//! The compiled, immutable plan of a scenario: everything a replication needs
//! that does not change between replications (agent roster and memberships,
//! meeting calendars, weekly money and consultant capacity, series layout).
//! Built once per scenario, shared read-only by every replication.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::model::calendar::Period;
use crate::model::calendar::{Calendar, Tick};
use crate::model::journey::Milestone;
use crate::model::journey::Scope;
use crate::model::params::Parameters;
use crate::model::{AgentKind, ProgrammeMilestone};
use crate::observe::SeriesLayout;
use crate::scenario::raw::RawScenario;
use crate::scenario::Scenario;

mod money;
pub use money::{year_budget, YearBudget};
mod roster;

pub use crate::model::units::{AgentId, EarlyAdopterId};

/// What a body's meetings do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyRole {
    /// A governance body (contact and, for one, sign-off).
    Governance,
    /// A co-design working group: meeting output advances its design work.
    WorkingGroup(usize),
    /// An early adopter's steering committee: output is relational progress.
    Steering(usize),
}

/// A body with its members and meeting weeks.
#[derive(Debug, Clone)]
pub struct Body {
    /// Stable id (output contract).
    pub id: String,
    /// What its meetings do.
    pub role: BodyRole,
    /// Members.
    pub members: Vec<AgentId>,
    /// Whether a lay partner is among the members (quorum applies).
    pub has_lay_member: bool,
    /// Weeks in which it meets (sorted); steering committees meet from sign-off, handled dynamically.
    pub meeting_ticks: Vec<Tick>,
    /// Hours per attendee per meeting.
    pub meeting_hours: f64,
    /// Signs off early adopters.
    pub signs_off: bool,
}

/// A compiled early adopter.
#[derive(Debug, Clone)]
pub struct EarlyAdopterPlan {
    /// Stable id.
    pub id: String,
    /// Week its application is ready.
    pub application_ready: Tick,
    /// Scope.
    pub scope: Scope,
    /// Target population.
    pub population: f64,
    /// Prior relationships 0..1.
    pub prior_relationships: f64,
    /// Member agents.
    pub members: Vec<AgentId>,
    /// Member GP practices.
    pub practices: Vec<AgentId>,
    /// Practices that pilot first.
    pub pilot_practices: u32,
    /// Practices per roll-out step.
    pub rollout_step: u32,
    /// Weeks between steps.
    pub rollout_every: u32,
    /// Project manager in post from (inclusive) / until (exclusive).
    pub pm_from: Option<Tick>,
    /// See `pm_from`.
    pub pm_until: Option<Tick>,
    /// Body index of its steering committee.
    pub steering_body: usize,
}

/// Agent roster entry.
#[derive(Debug, Clone)]
pub struct AgentPlan {
    /// Kind.
    pub kind: AgentKind,
    /// Its id from `organisations.<kind>.names`, if named.
    pub name: Option<String>,
    /// Early adopters it belongs to.
    pub eas: Vec<EarlyAdopterId>,
    /// Whether it sits on any co-design working group.
    pub codesign: bool,
}

/// Everything fixed across replications.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The validated scenario.
    pub scenario: Scenario,
    /// Calendar.
    pub calendar: Calendar,
    /// Agents, grouped by kind in `AgentKind::ALL` order.
    pub agents: Vec<AgentPlan>,
    /// First agent of each kind and count.
    pub kind_ranges: [(u32, u32); AgentKind::COUNT],
    /// The programme team agent.
    pub programme_team: AgentId,
    /// Bodies: governance bodies, then working groups, then steering committees.
    pub bodies: Vec<Body>,
    /// Index of the sign-off body.
    pub signoff_body: usize,
    /// Early adopters.
    pub eas: Vec<EarlyAdopterPlan>,
    /// The journey.
    pub journey: Vec<Milestone>,
    /// Index of `pilot_live` in the journey.
    pub pilot_live: usize,
    /// Journey milestones needed for business plan approval.
    pub business_plan_requires: Vec<usize>,
    /// For each milestone, whether it is `pilot_live` or one of its ancestors.
    pub before_go_live: Vec<bool>,
    /// Consultant hours available per tick (before the consultancy switch).
    pub consultant_hours: Vec<f64>,
    /// Consultancy spend per tick (GBP).
    pub consultant_spend: Vec<f64>,
    /// Ticks on which a consultancy contract ends.
    pub contract_ends: Vec<Tick>,
    /// Budget of every simulated financial year that has one after the
    /// wind-down rule (keyed by the year it starts).
    pub budget_by_year: BTreeMap<i32, money::YearBudget>,
    /// Whether the scenario gives any budget line (without one, money is
    /// not a constraint: nothing is capped and there is no local pot).
    pub budgeted: bool,
    /// Financial year of each tick.
    pub fy_of_tick: Vec<i32>,
    /// Weeks left in the financial year at each tick (including it).
    pub fy_weeks_left: Vec<u32>,
    /// Programme team cost per tick (GBP), after the central budget.
    pub team_cost: Vec<f64>,
    /// Share of the programme team the central budget pays for, per tick (0..1).
    pub team_funded: Vec<f64>,
    /// Start of the first financial year without a budget after a budgeted
    /// one (the programme winds down), if within the horizon.
    pub funding_ends: Option<NaiveDate>,
    /// Ticks of progress reviews.
    pub review_ticks: Vec<Tick>,
    /// Go-live checkpoints (dates).
    pub checkpoints: Vec<NaiveDate>,
    /// Scheduled leader departures (tick), per leader; None = hazard only.
    pub leader_departs: Vec<Option<Tick>>,
    /// Time series layout.
    pub series: SeriesLayout,
    /// Recording period index of each tick.
    pub period_of_tick: Vec<usize>,
    /// Number of recording periods.
    pub periods: usize,
    /// Ticks per recording period.
    pub ticks_in_period: Vec<u32>,
    /// The date of each tick (the Monday of its week, as `Calendar::date`),
    /// looked up rather than recomputed every week.
    pub date_of_tick: Vec<NaiveDate>,
    /// Spend periods are calendar months.
    pub month_of_tick: Vec<usize>,
    /// Number of months.
    pub months: usize,
}

impl Plan {
    /// Per body, the agent kinds represented among its members, in
    /// `AgentKind` order (the sector rows of `meetings.csv`).
    pub fn body_sectors(&self) -> Vec<Vec<AgentKind>> {
        self.bodies
            .iter()
            .map(|b| {
                let mut ks: Vec<AgentKind> = b
                    .members
                    .iter()
                    .map(|&a| self.agents[a.index()].kind)
                    .collect();
                ks.sort_unstable();
                ks.dedup();
                ks
            })
            .collect()
    }

    /// An agent's label in outputs: `kind:name`, or `kind#i` (its index
    /// within the kind, from 0) if unnamed.
    pub fn agent_label(&self, a: AgentId) -> String {
        let ag = &self.agents[a.index()];
        match &ag.name {
            Some(n) => format!("{}:{n}", ag.kind.id()),
            None => format!(
                "{}#{}",
                ag.kind.id(),
                a.0 - self.kind_ranges[ag.kind.index()].0
            ),
        }
    }

    /// Compiles a validated scenario.
    pub fn new(scenario: &Scenario) -> Plan {
        let params: &Parameters = scenario.parameters();
        let calendar = Calendar::with_year_start(
            params.calendar.start,
            params.calendar.horizon,
            params.calendar.financial_year_start_month,
        );
        let weeks = calendar.weeks();
        let t_of = |d: NaiveDate| calendar.tick_of(d);
        let in_range = |t: i64| t >= 0 && t < weeks as i64;
        let roster::Roster {
            agents,
            kind_ranges,
            programme_team,
            bodies,
            signoff_body,
            eas,
        } = roster::build(params, &calendar);
        // Journey.
        let journey = scenario.journey().to_vec();
        let pilot_live = journey
            .iter()
            .position(|m| m.id == "pilot_live")
            .expect("validated");
        let mut before_go_live = vec![false; journey.len()];
        let mut stack = vec![pilot_live];
        while let Some(m) = stack.pop() {
            if !before_go_live[m] {
                before_go_live[m] = true;
                stack.extend(journey[m].requires.iter().copied());
            }
        }
        let business_plan_requires = params.funding.business_plan_requires.clone();

        let money::Money {
            consultant_hours,
            consultant_spend,
            contract_ends,
            budget_by_year,
            budgeted,
            fy_of_tick,
            fy_weeks_left,
            team_cost,
            team_funded,
            funding_ends,
        } = money::build(params, &calendar);
        let first_review = params
            .replanning
            .first_review
            .map(t_of)
            .unwrap_or(params.replanning.review_every_weeks as i64)
            .max(0);
        let review_ticks = (first_review..weeks as i64)
            .step_by(params.replanning.review_every_weeks as usize)
            .map(|t| t as Tick)
            .collect();

        let checkpoints = if params.record.checkpoints.is_empty() {
            let mut v = Vec::new();
            let mut fy = calendar.financial_year(calendar.date(0));
            loop {
                let end = calendar.year_start(fy + 1).pred_opt().expect("valid");
                if end > params.calendar.horizon {
                    break;
                }
                v.push(end);
                fy += 1;
            }
            v
        } else {
            params.record.checkpoints.clone()
        };
        let leader_departs = params
            .leadership
            .leaders
            .iter()
            .map(|l| {
                l.departs
                    .map(t_of)
                    .filter(|&t| in_range(t))
                    .map(|t| t as Tick)
            })
            .collect();

        let period = params.record.timeseries_every;
        let period_of_tick: Vec<usize> = (0..weeks)
            .map(|t| calendar.period_index(t, period))
            .collect();
        let periods = period_of_tick.last().map_or(0, |p| p + 1);
        let mut ticks_in_period = vec![0u32; periods];
        for &p in &period_of_tick {
            ticks_in_period[p] += 1;
        }
        let month_of_tick: Vec<usize> = (0..weeks)
            .map(|t| calendar.period_index(t, Period::Month))
            .collect();
        let months = month_of_tick.last().map_or(0, |p| p + 1);
        let date_of_tick: Vec<NaiveDate> = (0..weeks).map(|t| calendar.date(t)).collect();
        let series = SeriesLayout::new(eas.iter().map(|e| e.id.clone()).collect());

        // Agents' kind specs must exist for all but the programme team.
        debug_assert!(AgentKind::ALL
            .iter()
            .all(|&k| k == AgentKind::ProgrammeTeam || params.organisation(k).is_some()));

        Plan {
            scenario: scenario.clone(),
            calendar,
            agents,
            kind_ranges,
            programme_team,
            bodies,
            signoff_body,
            eas,
            journey,
            pilot_live,
            business_plan_requires,
            before_go_live,
            consultant_hours,
            consultant_spend,
            contract_ends,
            budget_by_year,
            budgeted,
            fy_of_tick,
            fy_weeks_left,
            team_cost,
            team_funded,
            funding_ends,
            review_ticks,
            checkpoints,
            leader_departs,
            series,
            period_of_tick,
            periods,
            ticks_in_period,
            date_of_tick,
            month_of_tick,
            months,
        }
    }

    /// The typed scenario parameters.
    pub fn params(&self) -> &Parameters {
        self.scenario.parameters()
    }

    /// The serde mirror of the scenario.
    // Used by key-path overrides only (sweep and calibration read it for
    // now); everything else reads `params()`.
    #[doc(hidden)]
    pub fn raw(&self) -> &RawScenario {
        self.scenario.raw()
    }

    /// Id of a milestone index as used in `MilestoneRecord`.
    pub fn milestone_id(&self, ix: usize) -> &str {
        match self.journey.get(ix) {
            Some(m) => &m.id,
            None => ProgrammeMilestone::ALL[ix - self.journey.len()].id(),
        }
    }

    /// The tick of a date, clamped to the calendar.
    pub fn tick_of(&self, d: NaiveDate) -> Tick {
        self.calendar.clamp_tick(d)
    }
}
