//! Serde mirror → typed parameters, once validation has succeeded: dates
//! unwrapped from `IsoDate`, kind ids parsed into `AgentKind`, member maps
//! into `(AgentKind, count)` lists in `AgentKind::ALL` order, organisations
//! indexed by kind, milestone ids resolved to journey indices. Every value is
//! copied unchanged.

use std::collections::BTreeMap;

use super::raw::{self, RawScenario};
use crate::model::journey::Milestone;
use crate::model::params::*;
use crate::model::AgentKind;

/// Builds the parameters of a raw scenario that passed validation (panics on
/// what validation rejects: unknown kinds or milestone ids).
pub(super) fn parameters(raw: &RawScenario, journey: &[Milestone]) -> Parameters {
    let o = &raw.organisations;
    let org = |s: &raw::OrgKindSpec| {
        Some(Organisation {
            count: s.count,
            capacity_hours: s.capacity_hours,
            engagement: s.engagement,
            engagement_sd: s.engagement_sd,
            relational_bias: s.relational_bias,
            workload: s.workload,
        })
    };
    let mut by_kind: [Option<Organisation>; AgentKind::COUNT] = [None; AgentKind::COUNT];
    for kind in AgentKind::ALL {
        by_kind[kind.index()] = match kind {
            AgentKind::Ccg => org(&o.ccg),
            AgentKind::LocalAuthority => org(&o.local_authority),
            AgentKind::AcuteTrust => org(&o.acute_trust),
            AgentKind::CommunityTrust => org(&o.community_trust),
            AgentKind::GpPractice => org(&o.gp_practice),
            AgentKind::ThirdSector => org(&o.third_sector),
            AgentKind::ProgrammeTeam => None,
            AgentKind::LayPartner => org(&o.lay_partner),
        };
    }
    let mut memberships = MembershipParams::default();
    for kind in AgentKind::ALL {
        let Some(spec) = raw::org_kind_spec(o, kind) else {
            continue;
        };
        memberships.names[kind.index()] = spec.names.clone();
        memberships.per_ccg[kind.index()] = spec.per_ccg_in_order(&o.ccg.names);
    }
    let s = &raw.switches;
    let cd = &raw.codesign;
    let tt = &raw.timetable;
    let rp = &raw.replanning;
    let e = &raw.effort;
    let g = &raw.engagement;
    let m = &raw.meetings;
    let oc = &raw.outcomes;
    let milestone = |id: &String| {
        journey
            .iter()
            .position(|m| &m.id == id)
            .expect("validated: milestone ids resolve")
    };
    Parameters {
        meta: Meta {
            name: raw.meta.name.clone(),
            description: raw.meta.description.clone(),
        },
        calendar: CalendarParams {
            start: raw.calendar.start.0,
            horizon: raw.calendar.horizon.0,
            financial_year_start_month: raw
                .calendar
                .financial_year_start_month()
                .expect("validated"),
        },
        switches: Switches {
            deadline_feedback: s.deadline_feedback,
            national_barriers: s.national_barriers,
            leadership_loss: s.leadership_loss,
            consultancy: s.consultancy,
            consultancy_handover_loss: s.consultancy_handover_loss,
            toolkit: s.toolkit,
            replanning: s.replanning,
            outcome_feedback: s.outcome_feedback,
            progress_feedback: s.progress_feedback,
            meeting_burden: s.meeting_burden,
            meeting_churn: s.meeting_churn,
            lay_quorum: s.lay_quorum,
            provider_wait: s.provider_wait,
            signer_complementarity: s.signer_complementarity,
            project_managers: s.project_managers,
            local_funding: s.local_funding,
            funding_gateway: s.funding_gateway,
            bias_adaptation: s.bias_adaptation,
            budget_cap: s.budget_cap,
            enrolment_capacity: s.enrolment_capacity,
            local_workarounds: s.local_workarounds,
            deadline_momentum: s.deadline_momentum,
            leader_decisions: s.leader_decisions,
            wind_down: s.wind_down,
            consultant_local_effectiveness: s.consultant_local_effectiveness,
            delegation: s.delegation,
            meetings_first: s.meetings_first,
            absorptive_capacity: s.absorptive_capacity,
            gp_awareness: s.gp_awareness,
            gp_sessions: s.gp_sessions,
            gp_networks: s.gp_networks,
            gp_cascade: s.gp_cascade,
            scope_decisions: s.scope_decisions,
            coordination_costs: s.coordination_costs,
        },
        organisations: Organisations { by_kind },
        memberships: memberships.clone(),
        programme: ProgrammeParams {
            team_size: raw.programme.team_size,
            hours_per_person: raw.programme.hours_per_person,
            cost_per_person_gbp: raw.programme.cost_per_person_gbp,
            relational_bias: raw.programme.relational_bias,
            ea_support_share: raw.programme.ea_support_share,
            spread_penalty: raw.programme.spread_penalty,
        },
        consultancy: ConsultancyParams {
            day_rate_gbp: raw.consultancy.day_rate_gbp,
            hours_per_day: raw.consultancy.hours_per_day,
            relational_bias: raw.consultancy.relational_bias,
            handover_fraction: raw.consultancy.handover_fraction,
            local_support_effectiveness: raw.consultancy.local_support_effectiveness,
            contracts: raw
                .consultancy
                .contracts
                .iter()
                .map(|k| ConsultancyContract {
                    start: k.start.0,
                    end: k.end.0,
                    amount_gbp: k.amount_gbp,
                })
                .collect(),
        },
        budget: raw
            .budget
            .iter()
            .map(|b| BudgetYear {
                starts: b.starts,
                central_gbp: b.central_gbp,
                local_gbp: b.local_gbp,
            })
            .collect(),
        codesign: CodesignParams {
            start: cd.start.0,
            working_groups: cd.working_groups.clone(),
            meeting_every_weeks: cd.meeting_every_weeks,
            members: members(&cd.members),
            work_per_group: cd.work_per_group,
            central_hours_per_group: cd.central_hours_per_group,
            meeting_hours: cd.meeting_hours,
            toolkit_work_hours: cd.toolkit_work_hours,
            toolkit_reduction: cd.toolkit_reduction,
        },
        bodies: raw
            .bodies
            .iter()
            .map(|b| BodyParams {
                id: b.id.clone(),
                members: members(&b.members),
                schedule: b
                    .schedule
                    .iter()
                    .map(|p| SchedulePeriod {
                        from: p.from.0,
                        to: p.to.0,
                        every_weeks: p.every_weeks,
                    })
                    .collect(),
                dates: b.dates.iter().map(|d| d.0).collect(),
                meeting_hours: b.meeting_hours,
                signs_off_early_adopters: b.signs_off_early_adopters,
            })
            .collect(),
        timetable: Timetable {
            codesign_complete: tt.codesign_complete.0,
            toolkit_published: tt.toolkit_published.0,
            ea_signed_off: tt.ea_signed_off.0,
            business_plan_approved: tt.business_plan_approved.0,
            pilot_start: tt.pilot_start.0,
            wider_rollout: tt.wider_rollout.0,
            assumed_preparation_weeks: tt.assumed_preparation_weeks,
            wider_rollout_share: tt.wider_rollout_share,
        },
        replanning: Replanning {
            review_every_weeks: rp.review_every_weeks,
            first_review: rp.first_review.map(|d| d.0),
            policy: rp.policy,
            slip_weeks: rp.slip_weeks,
            optimism: rp.optimism,
            tolerance_weeks: rp.tolerance_weeks,
            reference_rank: rp.reference_rank,
            projection_window_weeks: rp.projection_window_weeks,
        },
        scope: ScopeDecisions {
            scale_back_slip_weeks: raw.scope.scale_back_slip_weeks,
            scale_back_propensity: raw.scope.scale_back_propensity,
        },
        effort: Effort {
            availability_noise: e.availability_noise,
            bias_adaptation_rate: e.bias_adaptation_rate,
            signer_complementarity: e.signer_complementarity,
            support_leverage: e.support_leverage,
            provider_wait_factor: e.provider_wait_factor,
            project_manager_hours: e.project_manager_hours,
            project_manager_relational_bias: e.project_manager_relational_bias,
            local_hour_cost_gbp: e.local_hour_cost_gbp,
            local_funding_efficiency: e.local_funding_efficiency,
            absorption_share: e.absorption_share,
            involvement_share: e.involvement_share,
            pilot_willing_engagement: e.pilot_willing_engagement,
            prior_relationship_weight: e.prior_relationship_weight,
        },
        engagement: Engagement {
            progress_gain: g.progress_gain,
            contact_gain: g.contact_gain,
            burden_loss: g.burden_loss,
            deadline_loss: g.deadline_loss,
            deadline_escalation: g.deadline_escalation,
            promise_gap_loss: g.promise_gap_loss,
            leadership_loss: g.leadership_loss,
            reversion_rate: g.reversion_rate,
            lay_deadline_multiplier: g.lay_deadline_multiplier,
            momentum_gain: g.momentum_gain,
            credibility_loss: g.credibility_loss,
        },
        meetings: Meetings {
            churn_penalty: m.churn_penalty,
            lay_quality_bonus: m.lay_quality_bonus,
            steering_every_weeks: m.steering_every_weeks,
            steering_meeting_hours: m.steering_meeting_hours,
            steering_output_share: m.steering_output_share,
            delegate_weight: m.delegate_weight,
            delegates: AgentKind::ALL.map(|k| m.delegating_kinds.iter().any(|d| d == k.id())),
        },
        barriers: raw
            .barriers
            .iter()
            .map(|b| Barrier {
                id: b.id.clone(),
                removal_hazard_per_year: b.removal_hazard_per_year,
                not_before: b.not_before.map(|d| d.0),
                efficiency: b.efficiency,
                workaround_hours: b.workaround_hours,
                workaround_hours_per_party: b.workaround_hours_per_party,
            })
            .collect(),
        leadership: Leadership {
            leaders: raw
                .leadership
                .leaders
                .iter()
                .map(|l| Leader {
                    id: l.id.clone(),
                    departs: l.departs.map(|d| d.0),
                    hazard_per_year: l.hazard_per_year,
                })
                .collect(),
            capacity_loss: raw.leadership.capacity_loss,
            replacement_weeks: raw.leadership.replacement_weeks,
            decision_loss: raw.leadership.decision_loss,
        },
        funding: Funding {
            tranches: raw
                .funding
                .tranches
                .iter()
                .map(|t| Tranche {
                    id: t.id.clone(),
                    amount_gbp: t.amount_gbp,
                    trigger: t.trigger,
                    date: t.date.map(|d| d.0),
                    capacity_share: t.capacity_share,
                    spread_weeks: t.spread_weeks,
                })
                .collect(),
            business_plan_requires: raw
                .funding
                .business_plan_requires
                .iter()
                .map(milestone)
                .collect(),
        },
        outcomes: Outcomes {
            promised_reduction: oc.promised_reduction,
            promised_by: oc.promised_by.map(|d| d.0),
            effect_size: oc.effect_size,
            lag_weeks: oc.lag_weeks,
            admission_risk_ratio: oc.admission_risk_ratio,
            population: oc.population,
        },
        enrolment: Enrolment {
            per_practice_per_week: raw.enrolment.per_practice_per_week,
            test_period_weeks: raw.enrolment.test_period_weeks,
        },
        general_practice: {
            let g = &raw.general_practice;
            GeneralPractice {
                sessions_from: g.sessions_from.0,
                sessions_to: g.sessions_to.0,
                sessions_per_ea: g.sessions_per_ea,
                session_held_share: g.session_held_share,
                session_hours: g.session_hours,
                session_practice_share: g.session_practice_share,
                network_meeting_every_weeks: g.network_meeting_every_weeks,
                network_meeting_hours: g.network_meeting_hours,
                cascade_rate: g.cascade_rate,
                assumed_cascade_rate: g.assumed_cascade_rate,
            }
        },
        coordination: Coordination {
            partner_elasticity: raw.coordination.partner_elasticity,
            body_reference_size: raw.coordination.body_reference_size,
            body_size_elasticity: raw.coordination.body_size_elasticity,
            diversity_penalty: raw.coordination.diversity_penalty,
        },
        early_adopters: raw
            .early_adopters
            .iter()
            .map(|a| EarlyAdopter {
                id: a.id.clone(),
                application_ready: a.application_ready.0,
                scope: a.scope,
                population: a.population,
                prior_relationships: a.prior_relationships,
                members: members(&a.members),
                pilot_practices: a.pilot_practices,
                rollout_step: a.rollout_step,
                rollout_every_weeks: a.rollout_every_weeks,
                project_manager_from: a.project_manager_from.map(|d| d.0),
                project_manager_until: a.project_manager_until.map(|d| d.0),
                lay_chair: a.lay_chair,
                organisations: a
                    .organisations
                    .iter()
                    .map(|r| {
                        let (kind, id) = raw::split_org_ref(r).expect("validated: kind:id");
                        let i = memberships.names[kind.index()]
                            .iter()
                            .position(|n| n == id)
                            .expect("validated: named organisation");
                        (kind, i as u32)
                    })
                    .collect(),
            })
            .collect(),
        record: Record {
            timeseries_every: raw.record.timeseries_every,
            timeseries: raw.record.timeseries,
            detail_replications: raw.record.detail_replications,
            quantiles: raw.record.quantiles.clone(),
            checkpoints: raw.record.checkpoints.iter().map(|d| d.0).collect(),
        },
        engine: EngineSettings {
            parallel_agents_threshold: raw.engine.parallel_agents_threshold,
        },
    }
}

/// A validated `kind = count` map as `(kind, count)` pairs in
/// `AgentKind::ALL` order.
fn members(map: &BTreeMap<String, u32>) -> Members {
    AgentKind::ALL
        .into_iter()
        .filter_map(|k| map.get(k.id()).map(|&n| (k, n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::Scenario;
    use crate::model::params::member_count;
    use crate::model::AgentKind;

    #[test]
    fn typed_parameters_of_the_default_scenario_equal_the_raw_values() {
        let s = Scenario::default_nwl();
        let (raw, p) = (s.raw(), s.parameters());
        // Calendar and timetable dates.
        assert_eq!(p.calendar.start, raw.calendar.start.0);
        assert_eq!(p.calendar.horizon, raw.calendar.horizon.0);
        assert_eq!(p.timetable.pilot_start, raw.timetable.pilot_start.0);
        assert_eq!(p.timetable.ea_signed_off, raw.timetable.ea_signed_off.0);
        assert_eq!(p.codesign.start, raw.codesign.start.0);
        // Organisations by kind.
        assert_eq!(p.pool_size(AgentKind::Ccg), raw.organisations.ccg.count);
        assert_eq!(
            p.pool_size(AgentKind::GpPractice),
            raw.organisations.gp_practice.count
        );
        assert_eq!(p.pool_size(AgentKind::ProgrammeTeam), 1);
        assert!(p.organisation(AgentKind::ProgrammeTeam).is_none());
        let lay = p.organisation(AgentKind::LayPartner).unwrap();
        assert_eq!(lay.engagement, raw.organisations.lay_partner.engagement);
        assert_eq!(
            lay.relational_bias,
            raw.organisations.lay_partner.relational_bias
        );
        // Members by kind: same counts, every kind listed once, in kind order.
        let check = |typed: &[(AgentKind, u32)], raw: &std::collections::BTreeMap<String, u32>| {
            assert_eq!(typed.len(), raw.len());
            assert!(typed.windows(2).all(|w| w[0].0 < w[1].0));
            for (k, n) in raw {
                let kind = AgentKind::from_id(k).unwrap();
                assert_eq!(member_count(typed, kind), *n, "{k}");
            }
        };
        check(&p.codesign.members, &raw.codesign.members);
        for (b, r) in p.bodies.iter().zip(&raw.bodies) {
            assert_eq!(b.id, r.id);
            check(&b.members, &r.members);
            assert_eq!(b.dates.len(), r.dates.len());
        }
        assert_eq!(p.early_adopters.len(), raw.early_adopters.len());
        for (e, r) in p.early_adopters.iter().zip(&raw.early_adopters) {
            assert_eq!(e.id, r.id);
            assert_eq!(e.application_ready, r.application_ready.0);
            assert_eq!(e.project_manager_from, r.project_manager_from.map(|d| d.0));
            check(&e.members, &r.members);
        }
        // Money, switches, optional dates, resolved milestone ids.
        assert_eq!(
            p.consultancy.contracts.len(),
            raw.consultancy.contracts.len()
        );
        for (b, r) in p.budget.iter().zip(&raw.budget) {
            assert_eq!((b.starts, b.central_gbp), (r.starts, r.central_gbp));
        }
        assert_eq!(p.switches.budget_cap, raw.switches.budget_cap);
        assert_eq!(
            p.outcomes.promised_by,
            raw.outcomes.promised_by.map(|d| d.0)
        );
        let bp: Vec<&str> = p
            .funding
            .business_plan_requires
            .iter()
            .map(|&m| s.journey()[m].id.as_str())
            .collect();
        assert_eq!(bp, raw.funding.business_plan_requires);
        for (l, r) in p.leadership.leaders.iter().zip(&raw.leadership.leaders) {
            assert_eq!(l.departs, r.departs.map(|d| d.0));
        }
        assert_eq!(p.effort.support_leverage, raw.effort.support_leverage);
        assert_eq!(p.record.quantiles, raw.record.quantiles);
    }
}
