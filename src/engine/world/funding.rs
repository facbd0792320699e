//! ODD §7.9: funding. Each financial year opens a local pot (unspent money
//! does not carry over). Tranches are paid to signed-off early adopters at
//! sign-off, on their date, or — behind the gateway — once the business plan
//! is approved (E15); a tranche's capacity share buys local hours spread
//! over its weeks. The rest of the pot, less what is held back for dated
//! tranches still due this year, is spent evenly over the year's remaining
//! weeks as local support (E13). Temporary project managers add hours while
//! in post (E7).

use super::World;
use crate::model::programme::TrancheTrigger;
use crate::observe::SpendCategory;

/// The local pot of the current financial year.
#[derive(Debug, Clone)]
pub(super) struct LocalPot {
    /// Money left (GBP).
    pot: f64,
    /// The financial year it belongs to.
    year: i32,
}

impl Default for LocalPot {
    fn default() -> LocalPot {
        LocalPot {
            pot: 0.0,
            year: i32::MIN,
        }
    }
}

impl World<'_> {
    /// On the first week of a financial year, a new local pot.
    pub(super) fn start_financial_year(&mut self) {
        let plan = self.plan;
        let fy = plan.fy_of_tick[self.tick as usize];
        if fy != self.funding.year {
            self.funding.year = fy;
            self.funding.pot = plan.local_budget.get(&fy).copied().unwrap_or(0.0);
        }
    }

    /// Pays every tranche of a signed-off early adopter that has fallen due:
    /// at sign-off; on its date (or at a later sign-off); or, behind the
    /// gateway, once the business plan is approved and not before its date
    /// (the year whose budget holds it).
    pub(super) fn pay_due_tranches(&mut self, e: usize) {
        let plan = self.plan;
        let params = plan.params();
        let t = self.tick;
        if self.eas[e].signed_off.is_none() {
            return;
        }
        for (k, tr) in params.funding.tranches.iter().enumerate() {
            if self.eas[e].tranches_paid[k] {
                continue;
            }
            // A week pays a dated tranche once it starts on or after the date.
            let date_reached = tr.date.is_none_or(|d| plan.calendar.date(t) >= d);
            let due = match tr.trigger {
                TrancheTrigger::SignOff => true,
                TrancheTrigger::Date => tr.date.is_some() && date_reached,
                TrancheTrigger::BusinessPlan => {
                    date_reached
                        && (!params.switches.funding_gateway || self.eas[e].business_plan.is_some())
                }
            };
            if due {
                self.eas[e].tranches_paid[k] = true;
                self.pay_tranche(e, k);
            }
        }
    }

    fn pay_tranche(&mut self, e: usize, k: usize) {
        let params = self.plan.params();
        let tr = &params.funding.tranches[k];
        let t = self.tick;
        self.book(SpendCategory::EaTranches, tr.amount_gbp);
        self.funding.pot -= tr.amount_gbp;
        if params.switches.local_funding && tr.capacity_share > 0.0 {
            let hours = tr.amount_gbp * tr.capacity_share
                / params.effort.local_hour_cost_gbp
                / tr.spread_weeks as f64;
            self.eas[e]
                .capacity_grants
                .push((t, t + tr.spread_weeks, hours));
        }
    }

    /// Local support spend of the week, project managers, tranche capacity
    /// and local funding added to active early adopters.
    pub(super) fn add_local_capacity(&mut self, n_active: usize) {
        let plan = self.plan;
        let params = plan.params();
        let sw = &params.switches;
        let t = self.tick;
        let weeks_left = plan.fy_weeks_left[t as usize];
        let weekly_local = if weeks_left > 0 {
            ((self.funding.pot - plan.tranches_reserved[t as usize]) / weeks_left as f64).max(0.0)
        } else {
            0.0
        };
        self.funding.pot -= weekly_local;
        self.book(SpendCategory::LocalSupport, weekly_local);
        let local_hours = if sw.local_funding && n_active > 0 {
            weekly_local * params.effort.local_funding_efficiency
                / params.effort.local_hour_cost_gbp
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
                let h = params.effort.project_manager_hours;
                s.rel_pool += h * params.effort.project_manager_relational_bias;
                s.support_trans += h * (1.0 - params.effort.project_manager_relational_bias);
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
}
