//! The roster: agents grouped by kind, and who sits where — governance
//! bodies, co-design working groups, early adopters and their steering
//! committees. Members are taken from each kind's pool through a rotating
//! cursor per kind, so consecutive bodies and early adopters get different
//! agents and small pools are shared once exhausted.

use chrono::NaiveDate;

use super::{AgentId, AgentPlan, Body, BodyRole, EarlyAdopterId, EarlyAdopterPlan};
use crate::model::calendar::{Calendar, Tick};
use crate::model::params::Parameters;
use crate::model::AgentKind;

/// Agent cursors per kind (the next agent to take from each pool).
type Cursors = [u32; AgentKind::COUNT];

/// Takes `count` agents of a kind from its pool, advancing its cursor.
type Take<'a> = dyn FnMut(AgentKind, u32, &mut Cursors) -> Vec<AgentId> + 'a;

/// Agents and memberships.
pub(super) struct Roster {
    pub agents: Vec<AgentPlan>,
    pub kind_ranges: [(u32, u32); AgentKind::COUNT],
    pub programme_team: AgentId,
    pub bodies: Vec<Body>,
    pub signoff_body: usize,
    pub eas: Vec<EarlyAdopterPlan>,
}

/// Builds the roster of a validated scenario.
pub(super) fn build(params: &Parameters, calendar: &Calendar) -> Roster {
    let weeks = calendar.weeks();
    let t_of = |d: NaiveDate| calendar.tick_of(d);
    let in_range = |t: i64| t >= 0 && t < weeks as i64;

    // Agents, grouped by kind; the programme team is one agent.
    let mut agents = Vec::new();
    let mut kind_ranges = [(0u32, 0u32); AgentKind::COUNT];
    for kind in AgentKind::ALL {
        let n = params.pool_size(kind);
        kind_ranges[kind.index()] = (agents.len() as u32, n);
        for _ in 0..n {
            agents.push(AgentPlan {
                kind,
                eas: Vec::new(),
                codesign: false,
            });
        }
    }
    let programme_team = AgentId(kind_ranges[AgentKind::ProgrammeTeam.index()].0);

    // Allocation: take `count` agents of a kind starting at a rotating
    // cursor per kind, so consecutive bodies/EAs get different agents and
    // small pools are shared when exhausted.
    let mut cursor = [0u32; AgentKind::COUNT];
    let mut take =
        |kind: AgentKind, count: u32, cursor: &mut [u32; AgentKind::COUNT]| -> Vec<AgentId> {
            let (first, n) = kind_ranges[kind.index()];
            if n == 0 {
                return Vec::new();
            }
            let c = &mut cursor[kind.index()];
            let out = (0..count.min(n))
                .map(|i| AgentId(first + (*c + i) % n))
                .collect();
            *c = (*c + count) % n;
            out
        };
    let members_of = |spec: &[(AgentKind, u32)], cursor: &mut Cursors, take: &mut Take| {
        let mut m = Vec::new();
        // `spec` lists each kind once, in `AgentKind::ALL` order.
        for &(kind, n) in spec {
            m.extend(take(kind, n, cursor));
        }
        m.sort_unstable();
        m.dedup();
        m
    };

    let mut bodies = Vec::new();
    for b in &params.bodies {
        let members = members_of(&b.members, &mut cursor, &mut take);
        let mut ticks: Vec<Tick> = Vec::new();
        for p in &b.schedule {
            let (from, to) = (t_of(p.from), t_of(p.to));
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
                .map(|&d| t_of(d))
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
                .any(|&a| agents[a.index()].kind == AgentKind::LayPartner),
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
    let cd = &params.codesign;
    let cd_start = t_of(cd.start).max(0);
    for (w, name) in cd.working_groups.iter().enumerate() {
        let members = members_of(&cd.members, &mut cursor, &mut take);
        for &a in &members {
            agents[a.index()].codesign = true;
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
                .any(|&a| agents[a.index()].kind == AgentKind::LayPartner),
            members,
            meeting_ticks: ticks,
            meeting_hours: cd.meeting_hours,
            signs_off: false,
        });
    }

    // Early adopters and their steering committees.
    let mut ea_cursor = [0u32; AgentKind::COUNT];
    let mut eas = Vec::new();
    for (e, spec) in params.early_adopters.iter().enumerate() {
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
            agents[a.index()].eas.push(EarlyAdopterId(e as u16));
        }
        let practices: Vec<AgentId> = members
            .iter()
            .copied()
            .filter(|&a| agents[a.index()].kind == AgentKind::GpPractice)
            .collect();
        let steering_body = bodies.len();
        bodies.push(Body {
            id: format!("steering_committee:{}", spec.id),
            role: BodyRole::Steering(e),
            has_lay_member: members
                .iter()
                .any(|&a| agents[a.index()].kind == AgentKind::LayPartner),
            // GP practices are represented on the committee by their
            // network lead: the first pilot practices.
            members: members
                .iter()
                .copied()
                .filter(|&a| agents[a.index()].kind != AgentKind::GpPractice)
                .chain(
                    practices
                        .iter()
                        .copied()
                        .take(spec.pilot_practices as usize),
                )
                .collect(),
            meeting_ticks: Vec::new(),
            meeting_hours: params.meetings.steering_meeting_hours,
            signs_off: false,
        });
        let clamp = |d: Option<NaiveDate>| d.map(|d| t_of(d).clamp(0, weeks as i64) as Tick);
        eas.push(EarlyAdopterPlan {
            id: spec.id.clone(),
            application_ready: t_of(spec.application_ready).max(0) as Tick,
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

    Roster {
        agents,
        kind_ranges,
        programme_team,
        bodies,
        signoff_body,
        eas,
    }
}
