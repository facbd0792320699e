//! ODD §7.4: the programme team and its consultants. The team works the
//! share of its hours the year's central budget pays for (none in a year
//! without a budget: the programme winds down). Central hours (team and
//! consultants) feed, in order, the co-design working groups (relational,
//! while a group's central work is open), the toolkit (transactional, once
//! co-design is complete) and, while early adopters are active, support
//! spread in equal shares across them with a penalty for spreading thin
//! (E8) and, with coordination costs on, for their different stages (H9,
//! §7.16); a consultant hour of early adopter support counts at
//! `consultancy.local_support_effectiveness` of a team hour (E6, F3). Every
//! central hour is accounted for: co-design, toolkit, early adopter support,
//! programme management (the team's governance meeting seats and the
//! coordination lost to spreading thin) or idle. The team's and
//! consultants' cost is booked every week.

use super::coordination::{diversity_divisor, others_at_different_stages};
use super::World;
use crate::model::{AgentKind, ProgrammeMilestone};
use crate::observe::SpendCategory;

/// Where this week's central desk hours went (the team's meeting seats are
/// added when the week is observed).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct CentralHours {
    /// Team (funded) and consultant desk hours.
    pub desk: f64,
    pub codesign: f64,
    pub toolkit: f64,
    pub ea_support: f64,
    /// Coordination lost to spreading support over many early adopters
    /// (E8) and, with coordination costs on, over their different stages (H9).
    pub spread_overhead: f64,
    pub idle: f64,
}

/// Value of a consultant hour of early adopter support relative to a team
/// hour: `effectiveness` with the switch on, 1 (equal treatment) off.
pub(super) fn consultant_local_weight(switch_on: bool, effectiveness: f64) -> f64 {
    if switch_on {
        effectiveness
    } else {
        1.0
    }
}

impl World<'_> {
    /// Central relational and transactional hours of this week (team and
    /// consultants) go to co-design, the toolkit and early adopter support.
    pub(super) fn spread_central_hours(&mut self, n_active: usize) {
        let plan = self.plan;
        let params = plan.params();
        let t = self.tick;
        let cons = self.consultant_hours_this_week();
        let funded = plan.team_funded[t as usize];
        let team = &mut self.agents[plan.programme_team.index()];
        team.rel *= funded;
        team.trans *= funded;
        let cons_rel = cons * params.consultancy.relational_bias;
        let cons_trans = cons - cons_rel;
        let (team_rel, team_trans) = (team.rel, team.trans);
        team.period_hours += team_rel + team_trans;
        self.record
            .add_effort(AgentKind::ProgrammeTeam, team_rel, team_trans);
        let (rel, trans) = (team_rel + cons_rel, team_trans + cons_trans);
        let mut use_ = CentralHours {
            desk: rel + trans,
            ..CentralHours::default()
        };
        let ea_share = if n_active > 0 {
            params.programme.ea_support_share
        } else {
            0.0
        };
        let central_rel = rel * (1.0 - ea_share);
        let central_trans = trans * (1.0 - ea_share);
        let cons_frac_rel = if rel > 0.0 { cons_rel / rel } else { 0.0 };
        let cons_frac_trans = if trans > 0.0 { cons_trans / trans } else { 0.0 };
        if t >= plan.tick_of(params.codesign.start)
            && !self.achieved(ProgrammeMilestone::CodesignComplete)
        {
            use_.codesign = self.codesign.add_central_hours(
                params.codesign.central_hours_per_group,
                central_rel,
                cons_frac_rel,
            );
        }
        use_.idle += central_rel - use_.codesign;
        if self.achieved(ProgrammeMilestone::CodesignComplete)
            && !self.achieved(ProgrammeMilestone::ToolkitPublished)
        {
            self.codesign
                .add_toolkit_hours(central_trans, cons_frac_trans);
            use_.toolkit = central_trans;
        } else {
            use_.idle += central_trans;
        }
        if n_active > 0 {
            // E8: spreading over many early adopters (`spread_penalty`) and,
            // with coordination costs on, over their different stages (H9, §7.16).
            let diversity = if params.switches.coordination_costs {
                let d = others_at_different_stages(
                    self.eas
                        .iter()
                        .filter(|s| s.active)
                        .map(|s| s.achieved.iter().filter(|a| a.is_some()).count()),
                );
                diversity_divisor(d, params.coordination.diversity_penalty)
            } else {
                1.0
            };
            let spread =
                (1.0 + params.programme.spread_penalty * (n_active as f64 - 1.0)) * diversity;
            let per_ea = 1.0 / n_active as f64 / spread * ea_share;
            let w = consultant_local_weight(
                params.switches.consultant_local_effectiveness,
                params.consultancy.local_support_effectiveness,
            );
            for s in self.eas.iter_mut().filter(|s| s.active) {
                s.rel_pool += (team_rel + cons_rel * w) * per_ea;
                s.support_trans += (team_trans + cons_trans * w) * per_ea;
            }
            let to_eas = (rel + trans) * ea_share;
            use_.ea_support = to_eas / spread;
            use_.spread_overhead = to_eas - use_.ea_support;
        }
        self.record.central = use_;
    }

    /// Books this week's consultancy and programme team spend.
    pub(super) fn book_central_spend(&mut self) {
        let consultancy = self.consultant_spend_this_week();
        let team = self.plan.team_cost[self.tick as usize];
        self.book(SpendCategory::Consultancy, consultancy);
        self.book(SpendCategory::ProgrammeTeam, team);
        self.add_central_spent(consultancy + team);
    }
}

#[cfg(test)]
mod tests {
    use super::consultant_local_weight;

    #[test]
    fn consultant_support_is_discounted_only_with_the_switch_on() {
        assert_eq!(consultant_local_weight(true, 0.4), 0.4);
        assert_eq!(consultant_local_weight(false, 0.4), 1.0);
    }
}
