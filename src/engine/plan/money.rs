//! Money and consultant capacity week by week (docs/ODD.md §7.4, §7.9): the
//! budget of every financial year in the calendar (a year with no budget
//! line funds nothing — the programme winds down — or, with the `wind_down`
//! switch off, carries the last budget forward); the programme team's cost
//! and the share of the team the year's central budget pays for; each
//! consultancy contract spread over the weeks that start within it and, with
//! `budget_cap` on, limited to what the central budget leaves after the
//! team; and the weeks left in each financial year.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::model::calendar::{Calendar, Tick};
use crate::model::params::Parameters;

/// One financial year's budget after the wind-down rule (GBP).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearBudget {
    /// Central (programme team and consultancy).
    pub central_gbp: f64,
    /// Local (tranches and local support).
    pub local_gbp: f64,
}

/// Weekly money of a plan.
pub(super) struct Money {
    pub consultant_hours: Vec<f64>,
    pub consultant_spend: Vec<f64>,
    pub contract_ends: Vec<Tick>,
    pub budget_by_year: BTreeMap<i32, YearBudget>,
    pub budgeted: bool,
    pub fy_of_tick: Vec<i32>,
    pub fy_weeks_left: Vec<u32>,
    pub team_cost: Vec<f64>,
    pub team_funded: Vec<f64>,
    pub funding_ends: Option<NaiveDate>,
}

/// The week range a contract pays for: the weeks whose Monday lies within
/// its first and last day, so that back-to-back contracts never share a
/// week (a contract too short to hold a Monday pays the week it starts in).
pub(super) fn contract_weeks(calendar: &Calendar, start: NaiveDate, end: NaiveDate) -> (i64, i64) {
    let first = calendar.tick_of(start);
    // Weeks start on Monday: a contract starting mid-week pays from the next one.
    let a = if start.weekday() == Weekday::Mon {
        first
    } else {
        first + 1
    };
    let b = calendar.tick_of(end);
    if a > b {
        (first, first)
    } else {
        (a, b)
    }
}

/// The budget of financial year `fy` after the wind-down rule: its own line;
/// with no line, nothing (wind-down) or, with `wind_down` off, the latest
/// earlier line carried forward.
pub fn year_budget(params: &Parameters, fy: i32) -> Option<YearBudget> {
    let line = params.budget_of(fy).or_else(|| {
        if params.switches.wind_down {
            None
        } else {
            params
                .budget
                .iter()
                .filter(|b| b.starts < fy)
                .max_by_key(|b| b.starts)
        }
    })?;
    Some(YearBudget {
        central_gbp: line.central_gbp,
        local_gbp: line.local_gbp,
    })
}

/// Builds the weekly money of a validated scenario.
pub(super) fn build(params: &Parameters, calendar: &Calendar) -> Money {
    let weeks = calendar.weeks();
    let in_range = |t: i64| t >= 0 && t < weeks as i64;

    // Money and consultant capacity per tick, before any budget.
    let mut consultant_hours = vec![0.0; weeks as usize];
    let mut consultant_spend = vec![0.0; weeks as usize];
    let mut contract_ends = Vec::new();
    for k in &params.consultancy.contracts {
        let (a, b) = contract_weeks(calendar, k.start, k.end);
        let n = (b - a + 1) as f64;
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
    contract_ends.dedup();
    let fy_of_tick: Vec<i32> = (0..weeks)
        .map(|t| calendar.financial_year(calendar.date(t)))
        .collect();
    let budgeted = !params.budget.is_empty();
    let budget_by_year: BTreeMap<i32, YearBudget> = fy_of_tick
        .iter()
        .filter_map(|&fy| year_budget(params, fy).map(|b| (fy, b)))
        .collect();
    let weekly_team = params.programme.team_size * params.programme.cost_per_person_gbp / 52.0;
    let mut team_cost = vec![weekly_team; weeks as usize];
    let mut team_funded = vec![1.0; weeks as usize];
    if budgeted {
        apply_budgets(
            params,
            &fy_of_tick,
            &budget_by_year,
            &mut team_cost,
            &mut team_funded,
            &mut consultant_spend,
            &mut consultant_hours,
        );
    }
    let fy_weeks_left = (0..weeks as usize)
        .map(|t| {
            let next = calendar.year_start(fy_of_tick[t] + 1);
            ((next - calendar.date(t as Tick)).num_days() as f64 / 7.0)
                .ceil()
                .max(1.0) as u32
        })
        .collect();
    // The programme winds down at the start of the first simulated year
    // without a budget that follows a budgeted one.
    let funding_ends = if budgeted {
        let mut seen = false;
        fy_of_tick.iter().find_map(|&fy| {
            let has = budget_by_year.contains_key(&fy);
            seen |= has;
            (seen && !has).then(|| calendar.year_start(fy))
        })
    } else {
        None
    };

    Money {
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
    }
}

/// Applies each financial year's central budget (ODD §7.4). A year with no
/// budget pays no team and no consultancy. With `budget_cap` on, the team is
/// paid first (its staff are employed for the year): the year's team cost
/// is set aside, and if it alone exceeds the central budget the team is
/// funded (hours and cost) only in proportion; consultancy gets, week by
/// week in contract order, what the budget leaves after the team.
fn apply_budgets(
    params: &Parameters,
    fy_of_tick: &[i32],
    budgets: &BTreeMap<i32, YearBudget>,
    team_cost: &mut [f64],
    team_funded: &mut [f64],
    spend: &mut [f64],
    hours: &mut [f64],
) {
    let mut team_year: BTreeMap<i32, f64> = BTreeMap::new();
    for (t, &fy) in fy_of_tick.iter().enumerate() {
        *team_year.entry(fy).or_insert(0.0) += team_cost[t];
    }
    let mut left: BTreeMap<i32, f64> = BTreeMap::new();
    for t in 0..spend.len() {
        let fy = fy_of_tick[t];
        let Some(b) = budgets.get(&fy) else {
            team_cost[t] = 0.0;
            team_funded[t] = 0.0;
            spend[t] = 0.0;
            hours[t] = 0.0;
            continue;
        };
        if !params.switches.budget_cap {
            continue;
        }
        let team = team_year[&fy];
        if team > b.central_gbp {
            let f = if team > 0.0 {
                b.central_gbp / team
            } else {
                0.0
            };
            team_funded[t] = f;
            team_cost[t] *= f;
        }
        let remaining = left
            .entry(fy)
            .or_insert_with(|| (b.central_gbp - team).max(0.0));
        let allowed = remaining.min(spend[t]);
        if spend[t] > 0.0 {
            hours[t] *= allowed / spend[t];
        }
        spend[t] = allowed;
        *remaining -= allowed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn back_to_back_contracts_never_share_a_week() {
        // 31 Mar 2014 is a Monday: the week of 31 Mar – 6 Apr belongs to the
        // 2013/14 contract only; the 2014/15 contract starts on 7 April.
        let c = Calendar::new(d(2013, 6, 28), d(2017, 3, 31));
        let (_, b1) = contract_weeks(&c, d(2013, 7, 1), d(2014, 3, 31));
        let (a2, _) = contract_weeks(&c, d(2014, 4, 1), d(2015, 3, 31));
        assert_eq!(b1 + 1, a2);
        // A contract with no Monday in it still pays its first week.
        let (a, b) = contract_weeks(&c, d(2014, 4, 1), d(2014, 4, 3));
        assert_eq!((a, b), (c.tick_of(d(2014, 4, 1)), c.tick_of(d(2014, 4, 1))));
    }

    #[test]
    fn central_spend_of_a_year_never_exceeds_its_central_budget() {
        let scenario = Scenario::default_nwl();
        let p = scenario.parameters();
        let c = Calendar::new(p.calendar.start, p.calendar.horizon);
        let m = build(p, &c);
        let mut by_year: BTreeMap<i32, f64> = BTreeMap::new();
        for t in 0..c.weeks() as usize {
            *by_year.entry(m.fy_of_tick[t]).or_insert(0.0) +=
                m.team_cost[t] + m.consultant_spend[t];
        }
        for (fy, spent) in by_year {
            let cap = m.budget_by_year.get(&fy).map_or(0.0, |b| b.central_gbp);
            assert!(spent <= cap + 1e-6, "{fy}: {spent} > {cap}");
        }
    }
}
