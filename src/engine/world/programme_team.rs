//! ODD §7.4: the programme team and its consultants. Their hours feed, in
//! order, the co-design working groups (relational), the toolkit
//! (transactional, once co-design is complete) and, while early adopters are
//! active, support spread in equal shares across them with a penalty for
//! spreading thin (E8). The team's cost is booked every week.

use super::World;
use crate::model::{AgentKind, ProgrammeMilestone};
use crate::observe::SpendCategory;

impl World<'_> {
    /// Central relational and transactional hours of this week (team and
    /// consultants) go to co-design, the toolkit and early adopter support.
    pub(super) fn spread_central_hours(&mut self, n_active: usize) {
        let plan = self.plan;
        let params = plan.params();
        let t = self.tick;
        let cons = self.consultant_hours_this_week();
        let team = &mut self.agents[plan.programme_team.index()];
        let cons_rel = cons * params.consultancy.relational_bias;
        let cons_trans = cons - cons_rel;
        let (team_rel, team_trans) = (team.rel, team.trans);
        team.period_hours += team_rel + team_trans;
        self.record
            .add_effort(AgentKind::ProgrammeTeam, team_rel, team_trans);
        let ea_share = if n_active > 0 {
            params.programme.ea_support_share
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
        if t >= plan.tick_of(params.codesign.start)
            && !self.achieved(ProgrammeMilestone::CodesignComplete)
        {
            self.codesign.add_central_hours(
                params.codesign.central_hours_per_group,
                central_rel,
                cons_frac_rel,
            );
        }
        if self.achieved(ProgrammeMilestone::CodesignComplete)
            && !self.achieved(ProgrammeMilestone::ToolkitPublished)
        {
            self.codesign
                .add_toolkit_hours(central_trans, cons_frac_trans);
        }
        if n_active > 0 {
            let spread = 1.0 + params.programme.spread_penalty * (n_active as f64 - 1.0);
            let per_ea = 1.0 / n_active as f64 / spread * ea_share;
            for s in self.eas.iter_mut().filter(|s| s.active) {
                s.rel_pool += (team_rel + cons_rel) * per_ea;
                s.support_trans += (team_trans + cons_trans) * per_ea;
            }
        }
    }

    /// Books this week's consultancy and programme team spend.
    pub(super) fn book_central_spend(&mut self) {
        let consultancy = self.consultant_spend_this_week();
        self.book(SpendCategory::Consultancy, consultancy);
        self.book(SpendCategory::ProgrammeTeam, self.plan.team_cost_per_tick);
    }
}
