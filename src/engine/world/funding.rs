//! ODD §7.9: funding. Each financial year (from `calendar.financial_year_start`)
//! opens a local pot from that year's budget (none in a year without one:
//! the programme winds down). Money is spent only from the pot and only on
//! something that exists: tranches are paid to signed-off early adopters at
//! sign-off, on their date, or — behind the gateway — once the business plan
//! is approved (E15), and only when the pot holds the whole tranche (else the
//! payment waits, deferred, until a pot can pay it); a tranche's capacity
//! share buys local hours spread over its weeks. The rest of the pot, less
//! what is held back for every unpaid tranche that could fall due this year,
//! is offered evenly over the year's remaining weeks as local support in
//! equal shares (E13, c.3), only while an early adopter is active and
//! `local_funding` is on; each early adopter takes only what its own people
//! can direct (`absorptive_capacity`: E14, H7). What is
//! left when the year closes is recorded as unspent (returned, not carried
//! over), as is the central budget the team and consultancy did not use.
//! Temporary project managers add hours while in post (E7).

use super::effort::Agent;
use super::World;
use crate::engine::plan::Plan;
use crate::model::programme::TrancheTrigger;
use crate::observe::{SpendCategory, UnspentRecord};

/// The money of the current financial year.
#[derive(Debug, Clone)]
pub(super) struct LocalPot {
    /// Local money left (GBP); never below zero.
    pot: f64,
    /// The financial year it belongs to.
    year: i32,
    /// Central money spent so far this year (GBP).
    central_spent: f64,
}

impl Default for LocalPot {
    fn default() -> LocalPot {
        LocalPot {
            pot: 0.0,
            year: i32::MIN,
            central_spent: 0.0,
        }
    }
}

impl World<'_> {
    /// On the first week of a financial year, the year that closed records
    /// what it left unspent and a new local pot opens.
    pub(super) fn start_financial_year(&mut self) {
        let plan = self.plan;
        let fy = plan.fy_of_tick[self.tick as usize];
        if fy == self.funding.year {
            return;
        }
        if let Some(b) = plan.budget_by_year.get(&self.funding.year) {
            self.record.result.unspent.push(UnspentRecord {
                financial_year: self.funding.year,
                central_gbp: b.central_gbp - self.funding.central_spent,
                local_gbp: self.funding.pot,
            });
        }
        self.funding = LocalPot {
            pot: plan.budget_by_year.get(&fy).map_or(0.0, |b| b.local_gbp),
            year: fy,
            central_spent: 0.0,
        };
    }

    /// Central money booked this week (team and consultancy), for the
    /// year's unspent record.
    pub(super) fn add_central_spent(&mut self, gbp: f64) {
        self.funding.central_spent += gbp;
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
            let date_reached = tr.date.is_none_or(|d| plan.date_of_tick[t as usize] >= d);
            let due = match tr.trigger {
                TrancheTrigger::SignOff => true,
                TrancheTrigger::Date => tr.date.is_some() && date_reached,
                TrancheTrigger::BusinessPlan => {
                    date_reached
                        && (!params.switches.funding_gateway || self.eas[e].business_plan.is_some())
                }
            };
            if due && self.can_pay(tr.amount_gbp) {
                self.eas[e].tranches_paid[k] = true;
                self.pay_tranche(e, k);
            }
        }
    }

    /// Whether a payment of `gbp` can be made from the local pot now: it
    /// must hold all of it (a pot never goes below zero), and with
    /// `local_funding` off nothing is paid from it. A scenario without any
    /// budget line does not constrain money: payments are made as due.
    fn can_pay(&self, gbp: f64) -> bool {
        if !self.plan.budgeted {
            return true;
        }
        self.sw().local_funding && self.funding.pot + 1e-6 >= gbp
    }

    /// Local money held back this week for tranches still unpaid that could
    /// fall due in this financial year: sign-off tranches, and dated or
    /// business-plan tranches whose date lies in this year or earlier (or
    /// that have none), for every early adopter not yet paid them.
    fn tranches_held_back(&self) -> f64 {
        let plan = self.plan;
        let cal = &plan.calendar;
        let fy = self.funding.year;
        plan.params()
            .funding
            .tranches
            .iter()
            .enumerate()
            .filter(|(_, tr)| {
                tr.trigger == TrancheTrigger::SignOff
                    || tr.date.is_none_or(|d| cal.financial_year(d) <= fy)
            })
            .map(|(k, tr)| {
                let unpaid = self.eas.iter().filter(|s| !s.tranches_paid[k]).count();
                tr.amount_gbp * unpaid as f64
            })
            .sum()
    }

    fn pay_tranche(&mut self, e: usize, k: usize) {
        let params = self.plan.params();
        let tr = &params.funding.tranches[k];
        let t = self.tick;
        self.book(SpendCategory::EaTranches, tr.amount_gbp);
        self.funding.pot = (self.funding.pot - tr.amount_gbp).max(0.0);
        if params.switches.local_funding && tr.capacity_share > 0.0 {
            let hours = tr.amount_gbp * tr.capacity_share
                / params.effort.local_hour_cost_gbp
                / tr.spread_weeks as f64;
            self.eas[e]
                .capacity_grants
                .push((t, t.saturating_add(tr.spread_weeks), hours));
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
        // Local support is offered only for early adopters that exist (are
        // active), only with `local_funding` on, and never from money held
        // back for tranches: the year's free money spread evenly over its
        // remaining weeks, in equal shares (c.3: "akin to equal shares").
        let allowance = if plan.budgeted && sw.local_funding && n_active > 0 && weeks_left > 0 {
            ((self.funding.pot - self.tranches_held_back()) / weeks_left as f64).max(0.0)
        } else {
            0.0
        };
        let gbp_per_hour =
            params.effort.local_hour_cost_gbp / params.effort.local_funding_efficiency;
        let offered_hours = if allowance > 0.0 {
            allowance / gbp_per_hour / n_active as f64
        } else {
            0.0
        };
        let mut weekly_local = 0.0;
        for (e, ea) in plan.eas.iter().enumerate() {
            if !self.eas[e].active {
                continue;
            }
            let pm_in_post = sw.project_managers
                && ea.pm_from.is_some_and(|f| t >= f)
                && ea.pm_until.is_none_or(|u| t < u);
            let pm_hours = if pm_in_post {
                params.effort.project_manager_hours
            } else {
                0.0
            };
            // E13, E14, H7: an early adopter takes bought help only as far
            // as its own people can direct it; the rest is not bought.
            let local_hours = if sw.absorptive_capacity {
                let absorbable =
                    params.effort.absorption_share * (self.eas[e].own_programme_hours + pm_hours);
                offered_hours.min(absorbable)
            } else {
                offered_hours
            };
            weekly_local += local_hours * gbp_per_hour;
            let s = &mut self.eas[e];
            s.rel_pool += pm_hours * params.effort.project_manager_relational_bias;
            s.support_trans += pm_hours * (1.0 - params.effort.project_manager_relational_bias);
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
        self.funding.pot = (self.funding.pot - weekly_local).max(0.0);
        self.book(SpendCategory::LocalSupport, weekly_local);
    }
}

/// Early adopter `e`'s members' own programme capacity (hours/week): each
/// member's capacity × (1 − workload), split evenly over the early adopters
/// it belongs to. Capacity is drawn once per replication, so this is too.
pub(super) fn own_programme_hours(plan: &Plan, agents: &[Agent], e: usize) -> f64 {
    plan.eas[e]
        .members
        .iter()
        .map(|a| {
            let shared_by = plan.agents[a.index()].eas.len().max(1) as f64;
            agents[a.index()].programme_capacity / shared_by
        })
        .sum()
}
