//! The compiled, immutable plan of a scenario: everything a replication needs
//! that does not change between replications (agent roster and memberships,
//! meeting calendars, weekly money and consultant capacity, series layout).
//! Built once per scenario, shared read-only by every replication.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::model::calendar::Period;
use crate::model::calendar::{financial_year, Calendar, Tick};
use crate::model::journey::Milestone;
use crate::model::journey::Scope;
use crate::model::programme::TrancheTrigger;
use crate::model::{AgentKind, ProgrammeMilestone};
use crate::observe::SeriesLayout;
use crate::scenario::raw::RawScenario;
use crate::scenario::validate::{kind_spec, pool_size};
use crate::scenario::Scenario;

/// Index of an agent.
pub type AgentIx = u32;

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
    pub members: Vec<AgentIx>,
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
    pub members: Vec<AgentIx>,
    /// Member GP practices.
    pub practices: Vec<AgentIx>,
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
    /// Early adopters it belongs to.
    pub eas: Vec<u16>,
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
    pub kind_ranges: [(AgentIx, u32); AgentKind::COUNT],
    /// The programme team agent.
    pub programme_team: AgentIx,
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
    /// Local budget per financial year (keyed by the year it starts).
    pub local_budget: BTreeMap<i32, f64>,
    /// Financial year of each tick.
    pub fy_of_tick: Vec<i32>,
    /// Weeks left in the financial year at each tick (including it).
    pub fy_weeks_left: Vec<u32>,
    /// Local money held back at each tick for date-triggered tranches still due
    /// later in the same financial year (GBP, for every early adopter).
    pub tranches_reserved: Vec<f64>,
    /// Programme team cost per tick (GBP).
    pub team_cost_per_tick: f64,
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
    /// Spend periods are calendar months.
    pub month_of_tick: Vec<usize>,
    /// Number of months.
    pub months: usize,
}

/// Caps consultancy spend (and the hours it buys) so that its total within a
/// financial year does not exceed that year's central budget.
fn cap_to_central_budget(
    raw: &RawScenario,
    fy_of_tick: &[i32],
    spend: &mut [f64],
    hours: &mut [f64],
) {
    let mut used: BTreeMap<i32, f64> = BTreeMap::new();
    for t in 0..spend.len() {
        let fy = fy_of_tick[t];
        let Some(budget) = raw.budget.iter().find(|b| b.starts == fy) else {
            continue;
        };
        let so_far = used.entry(fy).or_insert(0.0);
        let allowed = (budget.central_gbp - *so_far).max(0.0).min(spend[t]);
        if spend[t] > 0.0 {
            hours[t] *= allowed / spend[t];
        }
        spend[t] = allowed;
        *so_far += allowed;
    }
}

fn tick(cal: &Calendar, d: NaiveDate) -> i64 {
    cal.tick_of(d)
}

impl Plan {
    /// Compiles a validated scenario.
    pub fn new(scenario: &Scenario) -> Plan {
        let raw: &RawScenario = scenario.raw();
        let calendar = Calendar::new(raw.calendar.start.0, raw.calendar.horizon.0);
        let weeks = calendar.weeks();

        // Agents, grouped by kind; the programme team is one agent.
        let mut agents = Vec::new();
        let mut kind_ranges = [(0u32, 0u32); AgentKind::COUNT];
        for kind in AgentKind::ALL {
            let n = pool_size(raw, kind);
            kind_ranges[kind.index()] = (agents.len() as AgentIx, n);
            for _ in 0..n {
                agents.push(AgentPlan {
                    kind,
                    eas: Vec::new(),
                    codesign: false,
                });
            }
        }
        let programme_team = kind_ranges[AgentKind::ProgrammeTeam.index()].0;

        // Allocation: take `count` agents of a kind starting at a rotating
        // cursor per kind, so consecutive bodies/EAs get different agents and
        // small pools are shared when exhausted.
        let mut cursor = [0u32; AgentKind::COUNT];
        let mut take =
            |kind: AgentKind, count: u32, cursor: &mut [u32; AgentKind::COUNT]| -> Vec<AgentIx> {
                let (first, n) = kind_ranges[kind.index()];
                if n == 0 {
                    return Vec::new();
                }
                let c = &mut cursor[kind.index()];
                let out = (0..count.min(n)).map(|i| first + (*c + i) % n).collect();
                *c = (*c + count) % n;
                out
            };
        let members_of = |spec: &BTreeMap<String, u32>,
                          cursor: &mut [u32; AgentKind::COUNT],
                          take: &mut dyn FnMut(
            AgentKind,
            u32,
            &mut [u32; AgentKind::COUNT],
        ) -> Vec<AgentIx>| {
            let mut m = Vec::new();
            for kind in AgentKind::ALL {
                if let Some(&n) = spec.get(kind.id()) {
                    m.extend(take(kind, n, cursor));
                }
            }
            m.sort_unstable();
            m.dedup();
            m
        };

        let t_of = |d: NaiveDate| tick(&calendar, d);
        let in_range = |t: i64| t >= 0 && t < weeks as i64;

        let mut bodies = Vec::new();
        for b in &raw.bodies {
            let members = members_of(&b.members, &mut cursor, &mut take);
            let mut ticks: Vec<Tick> = Vec::new();
            for p in &b.schedule {
                let (from, to) = (t_of(p.from.0), t_of(p.to.0));
                let mut t = from;
                while t <= to {
                    if in_range(t) {
                        ticks.push(t as Tick);
                    }
                    t += p.every_weeks as i64;
                }
            }
            ticks.extend(
                b.dates
                    .iter()
                    .map(|d| t_of(d.0))
                    .filter(|&t| in_range(t))
                    .map(|t| t as Tick),
            );
            ticks.sort_unstable();
            ticks.dedup();
            bodies.push(Body {
                id: b.id.clone(),
                role: BodyRole::Governance,
                has_lay_member: members
                    .iter()
                    .any(|&a| agents[a as usize].kind == AgentKind::LayPartner),
                members,
                meeting_ticks: ticks,
                meeting_hours: b.meeting_hours,
                signs_off: b.signs_off_early_adopters,
            });
        }
        let signoff_body = bodies
            .iter()
            .position(|b| b.signs_off)
            .expect("validated: one sign-off body");

        // Co-design working groups meet from the start until the design is done
        // (the engine stops them when their work is complete).
        let cd = &raw.codesign;
        let cd_start = t_of(cd.start.0).max(0);
        for (w, name) in cd.working_groups.iter().enumerate() {
            let members = members_of(&cd.members, &mut cursor, &mut take);
            for &a in &members {
                agents[a as usize].codesign = true;
            }
            let ticks = (cd_start..weeks as i64)
                .step_by(cd.meeting_every_weeks as usize)
                .map(|t| t as Tick)
                .collect();
            bodies.push(Body {
                id: format!("working_group:{name}"),
                role: BodyRole::WorkingGroup(w),
                has_lay_member: members
                    .iter()
                    .any(|&a| agents[a as usize].kind == AgentKind::LayPartner),
                members,
                meeting_ticks: ticks,
                meeting_hours: cd.meeting_hours,
                signs_off: false,
            });
        }

        // Early adopters and their steering committees.
        let mut ea_cursor = [0u32; AgentKind::COUNT];
        let mut eas = Vec::new();
        for (e, spec) in raw.early_adopters.iter().enumerate() {
            let members = members_of(&spec.members, &mut ea_cursor, &mut take);
            let mut members = members;
            if spec.lay_chair {
                // A lay partner chairs the committee (K4).
                let lay = take(AgentKind::LayPartner, 1, &mut ea_cursor);
                members.extend(lay);
                members.sort_unstable();
                members.dedup();
            }
            for &a in &members {
                agents[a as usize].eas.push(e as u16);
            }
            let practices: Vec<AgentIx> = members
                .iter()
                .copied()
                .filter(|&a| agents[a as usize].kind == AgentKind::GpPractice)
                .collect();
            let steering_body = bodies.len();
            bodies.push(Body {
                id: format!("steering_committee:{}", spec.id),
                role: BodyRole::Steering(e),
                has_lay_member: members
                    .iter()
                    .any(|&a| agents[a as usize].kind == AgentKind::LayPartner),
                // GP practices are represented on the committee by their
                // network lead: the first pilot practices.
                members: members
                    .iter()
                    .copied()
                    .filter(|&a| agents[a as usize].kind != AgentKind::GpPractice)
                    .chain(
                        practices
                            .iter()
                            .copied()
                            .take(spec.pilot_practices as usize),
                    )
                    .collect(),
                meeting_ticks: Vec::new(),
                meeting_hours: raw.meetings.steering_meeting_hours,
                signs_off: false,
            });
            let clamp = |d: Option<crate::scenario::IsoDate>| {
                d.map(|d| t_of(d.0).clamp(0, weeks as i64) as Tick)
            };
            eas.push(EarlyAdopterPlan {
                id: spec.id.clone(),
                application_ready: t_of(spec.application_ready.0).max(0) as Tick,
                scope: spec.scope,
                population: spec.population,
                prior_relationships: spec.prior_relationships,
                members,
                practices,
                pilot_practices: spec.pilot_practices,
                rollout_step: spec.rollout_step,
                rollout_every: spec.rollout_every_weeks,
                pm_from: clamp(spec.project_manager_from),
                pm_until: clamp(spec.project_manager_until),
                steering_body,
            });
        }

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
        let business_plan_requires = raw
            .funding
            .business_plan_requires
            .iter()
            .filter_map(|id| journey.iter().position(|m| &m.id == id))
            .collect();

        // Money and consultant capacity per tick.
        let mut consultant_hours = vec![0.0; weeks as usize];
        let mut consultant_spend = vec![0.0; weeks as usize];
        let mut contract_ends = Vec::new();
        for k in &raw.consultancy.contracts {
            let (a, b) = (t_of(k.start.0), t_of(k.end.0));
            let n = (b - a + 1).max(1) as f64;
            let weekly = k.amount_gbp / n;
            for t in a..=b {
                if in_range(t) {
                    consultant_spend[t as usize] += weekly;
                    consultant_hours[t as usize] +=
                        weekly / raw.consultancy.day_rate_gbp * raw.consultancy.hours_per_day;
                }
            }
            if in_range(b + 1) {
                contract_ends.push((b + 1) as Tick);
            }
        }
        contract_ends.sort_unstable();
        let fy_of_tick: Vec<i32> = (0..weeks)
            .map(|t| financial_year(calendar.date(t)))
            .collect();
        if raw.switches.budget_cap {
            cap_to_central_budget(
                raw,
                &fy_of_tick,
                &mut consultant_spend,
                &mut consultant_hours,
            );
        }
        let local_budget = raw.budget.iter().map(|b| (b.starts, b.local_gbp)).collect();
        let fy_of_tick: Vec<i32> = (0..weeks)
            .map(|t| financial_year(calendar.date(t)))
            .collect();
        let fy_weeks_left = (0..weeks as usize)
            .map(|t| {
                let fy = fy_of_tick[t];
                let next_april = NaiveDate::from_ymd_opt(fy + 1, 4, 1).expect("valid");
                ((next_april - calendar.date(t as Tick)).num_days() as f64 / 7.0)
                    .ceil()
                    .max(1.0) as u32
            })
            .collect();
        let tranches_reserved = (0..weeks as usize)
            .map(|t| {
                raw.funding
                    .tranches
                    .iter()
                    .filter(|tr| tr.trigger == TrancheTrigger::Date)
                    .filter(|tr| {
                        tr.date.is_some_and(|d| {
                            financial_year(d.0) == fy_of_tick[t] && d.0 > calendar.date(t as Tick)
                        })
                    })
                    .map(|tr| tr.amount_gbp * raw.early_adopters.len() as f64)
                    .sum::<f64>()
            })
            .collect();
        let team_cost_per_tick = raw.programme.team_size * raw.programme.cost_per_person_gbp / 52.0;

        let first_review = raw
            .replanning
            .first_review
            .map(|d| t_of(d.0))
            .unwrap_or(raw.replanning.review_every_weeks as i64)
            .max(0);
        let review_ticks = (first_review..weeks as i64)
            .step_by(raw.replanning.review_every_weeks as usize)
            .map(|t| t as Tick)
            .collect();

        let checkpoints = if raw.record.checkpoints.is_empty() {
            let mut v = Vec::new();
            let mut fy = financial_year(calendar.date(0));
            loop {
                let end = NaiveDate::from_ymd_opt(fy + 1, 3, 31).expect("valid");
                if end > raw.calendar.horizon.0 {
                    break;
                }
                v.push(end);
                fy += 1;
            }
            v
        } else {
            raw.record.checkpoints.iter().map(|d| d.0).collect()
        };
        let leader_departs = raw
            .leadership
            .leaders
            .iter()
            .map(|l| {
                l.departs
                    .map(|d| t_of(d.0))
                    .filter(|&t| in_range(t))
                    .map(|t| t as Tick)
            })
            .collect();

        let period = raw.record.timeseries_every;
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
        let series = SeriesLayout::new(eas.iter().map(|e| e.id.clone()).collect());

        // Agents' kind specs must exist for all but the programme team.
        debug_assert!(AgentKind::ALL
            .iter()
            .all(|&k| k == AgentKind::ProgrammeTeam || kind_spec(raw, k).is_some()));

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
            local_budget,
            fy_of_tick,
            fy_weeks_left,
            tranches_reserved,
            team_cost_per_tick,
            review_ticks,
            checkpoints,
            leader_departs,
            series,
            period_of_tick,
            periods,
            ticks_in_period,
            month_of_tick,
            months,
        }
    }

    /// The raw scenario values.
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
