//! Money and consultant capacity week by week: each consultancy contract
//! spread evenly over its weeks (capped, with the switch on, at each
//! financial year's central budget), the local budget by year, the weeks
//! left in each financial year, the local money held back for dated tranches
//! and the programme team's weekly cost.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::model::calendar::{financial_year, Calendar, Tick};
use crate::model::params::Parameters;
use crate::model::programme::TrancheTrigger;

/// Weekly money of a plan.
pub(super) struct Money {
    pub consultant_hours: Vec<f64>,
    pub consultant_spend: Vec<f64>,
    pub contract_ends: Vec<Tick>,
    pub local_budget: BTreeMap<i32, f64>,
    pub fy_of_tick: Vec<i32>,
    pub fy_weeks_left: Vec<u32>,
    pub tranches_reserved: Vec<f64>,
    pub team_cost_per_tick: f64,
}

/// Builds the weekly money of a validated scenario.
pub(super) fn build(params: &Parameters, calendar: &Calendar) -> Money {
    let weeks = calendar.weeks();
    let t_of = |d: NaiveDate| calendar.tick_of(d);
    let in_range = |t: i64| t >= 0 && t < weeks as i64;

    // Money and consultant capacity per tick.
    let mut consultant_hours = vec![0.0; weeks as usize];
    let mut consultant_spend = vec![0.0; weeks as usize];
    let mut contract_ends = Vec::new();
    for k in &params.consultancy.contracts {
        let (a, b) = (t_of(k.start), t_of(k.end));
        let n = (b - a + 1).max(1) as f64;
        let weekly = k.amount_gbp / n;
        for t in a..=b {
            if in_range(t) {
                consultant_spend[t as usize] += weekly;
                consultant_hours[t as usize] +=
                    weekly / params.consultancy.day_rate_gbp * params.consultancy.hours_per_day;
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
    if params.switches.budget_cap {
        cap_to_central_budget(
            params,
            &fy_of_tick,
            &mut consultant_spend,
            &mut consultant_hours,
        );
    }
    let local_budget = params
        .budget
        .iter()
        .map(|b| (b.starts, b.local_gbp))
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
            params
                .funding
                .tranches
                .iter()
                .filter(|tr| tr.trigger == TrancheTrigger::Date)
                .filter(|tr| {
                    tr.date.is_some_and(|d| {
                        financial_year(d) == fy_of_tick[t] && d > calendar.date(t as Tick)
                    })
                })
                .map(|tr| tr.amount_gbp * params.early_adopters.len() as f64)
                .sum::<f64>()
        })
        .collect();
    let team_cost_per_tick =
        params.programme.team_size * params.programme.cost_per_person_gbp / 52.0;

    Money {
        consultant_hours,
        consultant_spend,
        contract_ends,
        local_budget,
        fy_of_tick,
        fy_weeks_left,
        tranches_reserved,
        team_cost_per_tick,
    }
}

/// Caps consultancy spend (and the hours it buys) so that its total within a
/// financial year does not exceed that year's central budget.
fn cap_to_central_budget(
    params: &Parameters,
    fy_of_tick: &[i32],
    spend: &mut [f64],
    hours: &mut [f64],
) {
    let mut used: BTreeMap<i32, f64> = BTreeMap::new();
    for t in 0..spend.len() {
        let fy = fy_of_tick[t];
        let Some(budget) = params.budget_of(fy) else {
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
