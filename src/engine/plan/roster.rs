//! The roster: agents grouped by kind, and who sits where — governance
//! bodies, co-design working groups, early adopters and their steering
//! committees (docs/ODD.md, "Memberships"). Memberships follow documented
//! deterministic rules, never a cursor shared between bodies or early
//! adopters, so one body's or early adopter's members never depend on
//! another's:
//! - an early adopter's commissioners and trusts are named in the scenario
//!   (`early_adopters[].organisations`, as S2 Table 2 lists them, fact d);
//!   if it names none, early adopter i takes agents i×n … i×n+n−1 of each
//!   kind it counts (validation rejects a rule that runs out);
//! - its GP practices and third-sector members come from its CCGs' areas
//!   (`organisations.<kind>.per_ccg`, or equal blocks per CCG; b.3), taken
//!   round-robin over its CCGs in CCG order, the first of each area first;
//! - a lay-chaired committee (K4) is chaired by lay partner k, k the rank of
//!   the early adopter's id among the lay-chaired ones;
//! - a body's n members of a kind are spread evenly over the kind's pool,
//!   working group w shifted by w.

use chrono::NaiveDate;

use super::{AgentId, AgentPlan, Body, BodyRole, EarlyAdopterId, EarlyAdopterPlan};
use crate::model::calendar::{Calendar, Tick};
use crate::model::params::{area_blocks, is_local_kind, member_count, Parameters};
use crate::model::AgentKind;

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
        for i in 0..n {
            agents.push(AgentPlan {
                name: params.memberships.names[kind.index()]
                    .get(i as usize)
                    .cloned(),
                kind,
                eas: Vec::new(),
                codesign: false,
            });
        }
    }
    let programme_team = AgentId(kind_ranges[AgentKind::ProgrammeTeam.index()].0);

    let pool = |kind: AgentKind| kind_ranges[kind.index()];
    let members_of = |spec: &[(AgentKind, u32)], offset: u32| {
        let mut m = Vec::new();
        for &(kind, n) in spec {
            let (first, size) = pool(kind);
            m.extend(spread(size, n, offset).map(|j| AgentId(first + j)));
        }
        m.sort_unstable();
        m.dedup();
        m
    };

    let mut bodies = Vec::new();
    for b in &params.bodies {
        let members = members_of(&b.members, 0);
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
        let members = members_of(&cd.members, w as u32);
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
    let n_ccg = pool(AgentKind::Ccg).1;
    let areas: Vec<(AgentKind, Vec<Vec<u32>>)> = AgentKind::ALL
        .into_iter()
        .filter(|&k| is_local_kind(k))
        .map(|k| {
            let blocks = area_blocks(&params.memberships.per_ccg[k.index()], pool(k).1, n_ccg);
            (k, blocks)
        })
        .collect();
    let mut lay_chaired: Vec<&str> = params
        .early_adopters
        .iter()
        .filter(|a| a.lay_chair)
        .map(|a| a.id.as_str())
        .collect();
    lay_chaired.sort_unstable();
    let mut eas = Vec::new();
    for (e, spec) in params.early_adopters.iter().enumerate() {
        let mut members: Vec<AgentId> = if spec.organisations.is_empty() {
            // Default rule: early adopter e takes agents e×n … e×n+n−1.
            spec.members
                .iter()
                .filter(|(k, _)| !is_local_kind(*k))
                .flat_map(|&(kind, n)| {
                    let first = pool(kind).0 + e as u32 * n;
                    (first..first + n).map(AgentId)
                })
                .collect()
        } else {
            spec.organisations
                .iter()
                .map(|&(kind, i)| AgentId(pool(kind).0 + i))
                .collect()
        };
        let mut ccgs: Vec<usize> = members
            .iter()
            .filter(|a| agents[a.index()].kind == AgentKind::Ccg)
            .map(|a| (a.0 - pool(AgentKind::Ccg).0) as usize)
            .collect();
        ccgs.sort_unstable();
        ccgs.dedup();
        for (kind, blocks) in &areas {
            let n = member_count(&spec.members, *kind) as usize;
            let first = pool(*kind).0;
            let mine: Vec<&[u32]> = ccgs.iter().map(|&c| blocks[c].as_slice()).collect();
            members.extend(from_areas(&mine, n).map(|j| AgentId(first + j)));
        }
        if spec.lay_chair {
            // A lay partner chairs the committee (K4): the k-th lay-chaired
            // early adopter by id is chaired by lay partner k (mod the pool).
            let (first, n) = pool(AgentKind::LayPartner);
            let k = lay_chaired
                .iter()
                .position(|&id| id == spec.id)
                .expect("lay-chaired") as u32;
            if n > 0 {
                members.push(AgentId(first + k % n));
            }
        }
        members.sort_unstable();
        members.dedup();
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

/// A body's `n` agents of a pool of `size`: spread evenly over the pool
/// (agent ⌊i × size / n⌋ for i < n), shifted by `offset` (mod the pool); the
/// whole pool if `n` covers it.
fn spread(size: u32, n: u32, offset: u32) -> impl Iterator<Item = u32> {
    let n = n.min(size);
    (0..n).map(move |i| {
        let j = (u64::from(i) * u64::from(size) / u64::from(n)) as u32;
        (j + offset) % size
    })
}

/// `n` agents from the given areas: round-robin over the areas (in the
/// order given), the first agent of each area first, skipping areas that
/// are used up (validation ensures the areas hold at least `n`).
fn from_areas(areas: &[&[u32]], n: usize) -> impl Iterator<Item = u32> {
    let rounds = areas.iter().map(|a| a.len()).max().unwrap_or(0);
    let mut out = Vec::with_capacity(n);
    'fill: for r in 0..rounds {
        for a in areas {
            if out.len() == n {
                break 'fill;
            }
            if let Some(&j) = a.get(r) {
                out.push(j);
            }
        }
    }
    out.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_come_round_robin_from_the_areas_until_used_up() {
        let (a, b): (&[u32], &[u32]) = (&[0, 1], &[5, 6, 7, 8]);
        let got: Vec<u32> = from_areas(&[a, b], 5).collect();
        assert_eq!(got, vec![0, 5, 1, 6, 7]);
        // Every agent lies in one of the areas and none twice.
        let mut sorted = got.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), got.len());
        assert!(got.iter().all(|j| a.contains(j) || b.contains(j)));
    }

    #[test]
    fn spread_covers_the_pool_evenly() {
        assert_eq!(spread(8, 3, 0).collect::<Vec<_>>(), vec![0, 2, 5]);
        assert_eq!(spread(8, 3, 1).collect::<Vec<_>>(), vec![1, 3, 6]);
        assert_eq!(spread(4, 9, 0).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
        assert_eq!(spread(0, 2, 0).count(), 0);
    }
}
