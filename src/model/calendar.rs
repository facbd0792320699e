//! Ticks and calendar dates. One tick is one week; tick 0 is the week that
//! contains the scenario's start date (weeks start on Monday). The financial
//! (planning) year starts on the first day of a scenario month
//! (`calendar.financial_year_start`; 1 April for the NHS, S2, I4); a week
//! belongs to the financial year of its Monday.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Time series sampling period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Every week.
    Week,
    /// Calendar months.
    Month,
    /// Calendar quarters.
    Quarter,
}

/// The last date a computed date is allowed to reach: date arithmetic on
/// projections (an absurd amount of work still to do projects a go-live
/// centuries away) saturates here instead of overflowing. Far beyond any
/// scenario date (`scenario::limits::MAX_YEAR`), and leaves room for the
/// year arithmetic of re-plans.
pub fn last_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date")
}

/// The first date a computed date is allowed to reach (see [`last_date`]).
pub fn first_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1, 1, 1).expect("a valid date")
}

/// `date` plus `days` (rounded to whole days), saturating at [`first_date`]
/// and [`last_date`]; NaN days add nothing.
pub fn add_days(date: NaiveDate, days: f64) -> NaiveDate {
    let (first, last) = (first_date(), last_date());
    let limit = (last - first).num_days() as f64;
    let days = days.round().clamp(-limit, limit);
    let days = if days.is_nan() { 0 } else { days as i64 };
    date.checked_add_signed(Duration::days(days))
        .unwrap_or(if days < 0 { first } else { last })
        .clamp(first, last)
}

/// A week index from the start of the simulation.
pub type Tick = u32;

/// Maps ticks to dates and back.
#[derive(Debug, Clone)]
pub struct Calendar {
    monday0: NaiveDate,
    weeks: u32,
    /// Month (1–12) on whose first day the financial year starts.
    year_start_month: u32,
}

/// The NHS financial year starts on 1 April (S2, I4).
pub const NHS_YEAR_START_MONTH: u32 = 4;

impl Calendar {
    /// A calendar from `start` to `horizon` inclusive, with the NHS
    /// financial year (1 April).
    pub fn new(start: NaiveDate, horizon: NaiveDate) -> Calendar {
        Calendar::with_year_start(start, horizon, NHS_YEAR_START_MONTH)
    }
    /// A calendar whose financial year starts on the first day of
    /// `year_start_month` (1–12).
    pub fn with_year_start(
        start: NaiveDate,
        horizon: NaiveDate,
        year_start_month: u32,
    ) -> Calendar {
        assert!((1..=12).contains(&year_start_month), "validated month");
        let monday0 = start.week(Weekday::Mon).first_day();
        let days = (horizon - monday0).num_days().max(0);
        Calendar {
            monday0,
            weeks: (days / 7 + 1) as u32,
            year_start_month,
        }
    }
    /// Month (1–12) on whose first day the financial year starts.
    pub fn year_start_month(&self) -> u32 {
        self.year_start_month
    }
    /// The calendar year in which the financial year containing `date` starts.
    pub fn financial_year(&self, date: NaiveDate) -> i32 {
        financial_year_starting(date, self.year_start_month)
    }
    /// First day of financial year `fy` (the calendar year it starts in).
    pub fn year_start(&self, fy: i32) -> NaiveDate {
        // Saturates at the ends of the computable range (see `last_date`).
        let fy = fy.clamp(first_date().year(), last_date().year());
        NaiveDate::from_ymd_opt(fy, self.year_start_month, 1).expect("valid date")
    }
    /// Whether `date` is the first day of a financial year.
    pub fn is_year_start(&self, date: NaiveDate) -> bool {
        date.day() == 1 && date.month() == self.year_start_month
    }
    /// The first financial year start on or after `date`.
    pub fn next_year_start(&self, date: NaiveDate) -> NaiveDate {
        let this_year = self.year_start(date.year());
        if date <= this_year {
            this_year
        } else {
            self.year_start(date.year() + 1)
        }
    }
    /// Number of ticks simulated.
    pub fn weeks(&self) -> u32 {
        self.weeks
    }
    /// The Monday that starts a tick.
    pub fn date(&self, tick: Tick) -> NaiveDate {
        self.monday0
            .checked_add_signed(Duration::weeks(i64::from(tick)))
            .map_or_else(last_date, |d| d.min(last_date()))
    }
    /// The tick whose week contains `date`: negative before the start, may be
    /// past the horizon.
    pub fn tick_of(&self, date: NaiveDate) -> i64 {
        (date - self.monday0).num_days().div_euclid(7)
    }
    /// The tick of `date`, clamped into the simulated range.
    pub fn clamp_tick(&self, date: NaiveDate) -> Tick {
        self.tick_of(date).clamp(0, self.weeks as i64 - 1) as Tick
    }
    /// Index of the recording period a tick falls in, counted from the start.
    pub fn period_index(&self, tick: Tick, period: Period) -> usize {
        let d = self.date(tick);
        let s = self.monday0;
        match period {
            Period::Week => tick as usize,
            Period::Month => {
                ((d.year() - s.year()) * 12 + d.month() as i32 - s.month() as i32) as usize
            }
            Period::Quarter => {
                let q = |x: NaiveDate| x.year() * 4 + (x.month0() / 3) as i32;
                (q(d) - q(s)) as usize
            }
        }
    }
    /// First day of the period with this index (the Monday of the week for weekly periods).
    pub fn period_start(&self, index: usize, period: Period) -> NaiveDate {
        let s = self.monday0;
        match period {
            Period::Week => self.date(index as Tick),
            Period::Month => {
                let m = s.year() * 12 + s.month0() as i32 + index as i32;
                NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1)
                    .expect("valid month")
            }
            Period::Quarter => {
                let q = s.year() * 4 + (s.month0() / 3) as i32 + index as i32;
                NaiveDate::from_ymd_opt(q.div_euclid(4), q.rem_euclid(4) as u32 * 3 + 1, 1)
                    .expect("valid quarter")
            }
        }
    }
}

/// The calendar year in which the NHS financial year (from 1 April)
/// containing `date` starts. Scenario code uses [`Calendar::financial_year`],
/// which honours `calendar.financial_year_start`.
pub fn financial_year(date: NaiveDate) -> i32 {
    financial_year_starting(date, NHS_YEAR_START_MONTH)
}

/// The calendar year in which the financial year containing `date` starts,
/// for years starting on the first day of `month`.
pub fn financial_year_starting(date: NaiveDate, month: u32) -> i32 {
    if date.month() >= month {
        date.year()
    } else {
        date.year() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn ticks_are_weeks_from_the_monday_of_the_start_week() {
        // 28 June 2013 was a Friday; its week starts Monday 24 June.
        let c = Calendar::new(d(2013, 6, 28), d(2013, 12, 31));
        assert_eq!(c.date(0), d(2013, 6, 24));
        assert_eq!(c.tick_of(d(2013, 7, 1)), 1);
        assert_eq!(c.tick_of(d(2013, 6, 23)), -1);
        assert_eq!(c.date(c.tick_of(d(2013, 12, 31)) as u32), d(2013, 12, 30));
        assert_eq!(c.weeks(), 28);
    }

    #[test]
    fn next_year_start_is_inclusive_and_rolls_over() {
        let c = Calendar::new(d(2013, 6, 28), d(2016, 3, 31));
        assert_eq!(c.next_year_start(d(2014, 4, 1)), d(2014, 4, 1));
        assert_eq!(c.next_year_start(d(2014, 4, 2)), d(2015, 4, 1));
        assert_eq!(c.next_year_start(d(2014, 1, 15)), d(2014, 4, 1));
        let july = Calendar::with_year_start(d(2013, 6, 28), d(2016, 3, 31), 7);
        assert_eq!(july.next_year_start(d(2014, 4, 2)), d(2014, 7, 1));
        assert_eq!(july.next_year_start(d(2014, 7, 1)), d(2014, 7, 1));
        assert_eq!(july.next_year_start(d(2014, 7, 2)), d(2015, 7, 1));
        assert!(july.is_year_start(d(2015, 7, 1)));
        assert!(!july.is_year_start(d(2015, 4, 1)));
    }

    #[test]
    fn financial_years_turn_on_the_year_start() {
        assert_eq!(financial_year(d(2014, 3, 31)), 2013);
        assert_eq!(financial_year(d(2014, 4, 1)), 2014);
        let jan = Calendar::with_year_start(d(2013, 6, 28), d(2016, 3, 31), 1);
        assert_eq!(jan.financial_year(d(2013, 12, 31)), 2013);
        assert_eq!(jan.financial_year(d(2014, 1, 1)), 2014);
        assert_eq!(jan.financial_year(d(2014, 3, 31)), 2014);
    }

    #[test]
    fn periods_index_months_and_quarters_from_the_start() {
        let c = Calendar::new(d(2013, 6, 28), d(2016, 3, 31));
        // Tick 0 is Monday 24 June 2013: month 0 (June), quarter 0 (Apr–Jun).
        assert_eq!(c.period_index(0, Period::Month), 0);
        assert_eq!(c.period_index(1, Period::Month), 1);
        assert_eq!(c.period_start(1, Period::Month), d(2013, 7, 1));
        assert_eq!(c.period_start(0, Period::Quarter), d(2013, 4, 1));
        assert_eq!(
            c.period_index(c.tick_of(d(2014, 1, 6)) as u32, Period::Quarter),
            3
        );
    }
}
