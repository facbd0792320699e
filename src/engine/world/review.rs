//! ODD §7.13: review and re-planning. On review weeks the programme projects
//! when its reference early adopter will go live — from the work rate of the
//! last weeks, discounted by optimism — and, if that is past the plan by more
//! than the tolerance, moves the pilot start (to the next financial year
//! start — 1 April for the NHS, `calendar.financial_year_start` — by fixed
//! slips, or to the projection) and every plan that follows it. Each slip is
//! a missed deadline for engagement (§7.12). With re-planning off, the first
//! timetable stands and is missed once when it passes.

use chrono::{Datelike, NaiveDate};

use super::World;
use crate::model::calendar::{add_days, last_date};
use crate::model::programme::ReplanPolicy;
use crate::model::ProgrammeMilestone;
use crate::observe::ReplanRecord;

/// The current pilot plan and the slips so far.
#[derive(Debug, Clone)]
pub(super) struct ReviewState {
    pilot_plan: NaiveDate,
    slips: u32,
    missed_without_replan: bool,
    /// How far the programme's next deadline is believed (1 at the start;
    /// lowered for good by every missed deadline when `deadline_feedback`
    /// is on; §7.12, deadlines.rs).
    credibility: f64,
}

impl ReviewState {
    pub fn new(pilot_plan: NaiveDate) -> ReviewState {
        ReviewState {
            pilot_plan,
            slips: 0,
            missed_without_replan: false,
            credibility: 1.0,
        }
    }

    /// Credibility of the programme's deadlines (0..1).
    pub fn credibility(&self) -> f64 {
        self.credibility
    }
}

/// `d` plus `weeks`, rounded to whole days; saturates at the ends of the
/// computable range (`model::calendar::add_days`), so an absurd projection
/// cannot overflow.
pub(super) fn date_add_weeks(d: NaiveDate, weeks: f64) -> NaiveDate {
    add_days(d, weeks * 7.0)
}

/// A slip in days rounded to whole years (a 3-month slip is 0 years, 9 months is 1).
pub(super) fn whole_years(days: i64) -> i32 {
    (days as f64 / 365.25).round() as i32
}

/// The same day `years` later (29 February falls back to 28 February).
pub(super) fn add_years(d: NaiveDate, years: i32) -> NaiveDate {
    let year = d.year().saturating_add(years);
    d.with_year(year)
        .or_else(|| NaiveDate::from_ymd_opt(year, d.month(), 28))
        .unwrap_or(d)
}

impl World<'_> {
    /// Phase 7: review and, if the projection is past the plan, re-plan.
    pub(super) fn review(&mut self) {
        let plan = self.plan;
        let params = plan.params();
        let t = self.tick;
        let today = self.date();
        if !params.switches.replanning {
            // The first timetable stands: the deadline is missed once when it passes.
            if !self.review.missed_without_replan
                && today >= self.review.pilot_plan
                && self.live_count() == 0
            {
                self.review.missed_without_replan = true;
                self.register_slip();
            }
            return;
        }
        if plan.review_ticks.binary_search(&t).is_err() {
            return;
        }
        let rp = &params.replanning;
        // Early adopters with nothing observed to project from are left out;
        // with no projection at all the plan stands (§7.13).
        // The design projection is the same for every early adopter: once.
        let design = self.design_projection_weeks();
        let mut projected: Vec<f64> = (0..self.eas.len())
            .filter_map(|e| self.projected_go_live_weeks(e, design))
            .collect();
        if projected.is_empty() {
            return;
        }
        projected.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        let k = if rp.reference_rank == 0 {
            projected.len() / 2
        } else {
            (rp.reference_rank as usize - 1).min(projected.len() - 1)
        };
        let ahead = projected[k];
        if ahead <= 0.0 {
            return; // the reference early adopter is live
        }
        let believed = date_add_weeks(today, ahead * (1.0 - rp.optimism));
        if believed <= date_add_weeks(self.review.pilot_plan, rp.tolerance_weeks as f64) {
            return;
        }
        let old = self.review.pilot_plan;
        let new = match rp.policy {
            ReplanPolicy::NextYearStart => self.plan.calendar.next_year_start(believed),
            ReplanPolicy::Projected => believed,
            ReplanPolicy::FixedSlip => {
                let mut d = old;
                while d < believed {
                    d = date_add_weeks(d, rp.slip_weeks as f64);
                }
                d
            }
        };
        if new <= old {
            return;
        }
        let delta = new - old;
        self.review.pilot_plan = new;
        self.record.result.replans.push(ReplanRecord {
            tick: t,
            milestone: "pilot_live",
            old,
            new,
        });
        for pm in ProgrammeMilestone::ALL {
            let st = &mut self.programme[pm];
            if pm.follows_pilot_start() && st.achieved.is_none() {
                let o = st.planned;
                let n = if rp.policy == ReplanPolicy::NextYearStart
                    && self.plan.calendar.is_year_start(st.first_planned)
                {
                    // Dates anchored to the year start (the planning cycle) move in whole years.
                    add_years(o, whole_years(delta.num_days()))
                } else {
                    o.checked_add_signed(delta).unwrap_or_else(last_date)
                };
                if n != o {
                    st.planned = n;
                    self.record.result.replans.push(ReplanRecord {
                        tick: t,
                        milestone: pm.id(),
                        old: o,
                        new: n,
                    });
                }
            }
        }
        for s in &mut self.eas {
            for m in 0..s.planned.len() {
                if s.achieved[m].is_none() {
                    s.planned[m] += delta;
                }
            }
        }
        self.register_slip();
    }

    fn register_slip(&mut self) {
        let params = self.plan.params();
        self.review.slips += 1;
        self.shocks
            .register_slip(&params.engagement, self.review.slips);
        if params.switches.deadline_feedback {
            self.review.credibility = super::deadlines::eroded_credibility(
                self.review.credibility,
                params.engagement.credibility_loss,
            );
        }
    }

    /// Weeks from now until early adopter `e` is projected to go live (0 if
    /// live), from observed progress only (C3, a.3, a.4): its own work rate
    /// once it has `MIN_HISTORY_WEEKS` of it (`own_projection_weeks`);
    /// before that, the programme's observed design progress
    /// (`design_projection_weeks`) plus the planners' assumed preparation
    /// time, less the weeks since its sign-off. `None` when nothing observed
    /// supports a projection.
    fn projected_go_live_weeks(&self, e: usize, design: Option<f64>) -> Option<f64> {
        if let Some(own) = self.own_projection_weeks(e) {
            return Some(own);
        }
        let params = self.plan.params();
        let s = &self.eas[e];
        let prep = params.timetable.assumed_preparation_weeks as f64;
        let since = s.signed_off.map_or(0, |signed| self.tick - signed);
        let design = design?;
        Some((design + prep - since as f64).max(1.0))
    }

    /// Weeks from now until early adopter `e` is projected to go live from
    /// its own observed work rate: 0 if live; for an early adopter signed off
    /// at least `MIN_HISTORY_WEEKS` ago, the unfinished work of `pilot_live`
    /// and its prerequisites in its scope over its average weekly work of
    /// the last `min(projection_window_weeks, weeks since sign-off)` weeks
    /// (at least 1; twice the run length if it did nothing). `None` without
    /// that history.
    pub(super) fn own_projection_weeks(&self, e: usize) -> Option<f64> {
        let plan = self.plan;
        let params = plan.params();
        let t = self.tick;
        let s = &self.eas[e];
        if s.achieved[plan.pilot_live].is_some() {
            return Some(0.0);
        }
        let since = t - s.signed_off?;
        let window = params.replanning.projection_window_weeks.min(since);
        if window < MIN_HISTORY_WEEKS {
            return None;
        }
        let rate = (s.cumulative_work[t as usize] - s.cumulative_work[(t - window) as usize])
            / window as f64;
        let remaining: f64 = (0..plan.journey.len())
            .filter(|&m| plan.before_go_live[m] && !s.skipped[m] && s.achieved[m].is_none())
            .map(|m| (s.required[m] - s.progress[m]).max(0.0))
            .sum();
        if rate <= 1e-9 {
            return Some(plan.calendar.weeks() as f64 * 2.0);
        }
        Some((remaining / rate).max(1.0))
    }

    /// Weeks until co-design is projected to be complete, extrapolating its
    /// observed progress since it started at the average rate so far: with
    /// a share `f` of its slowest part done after `w` weeks,
    /// `w × (1 − f) / f` (0 once complete). `None` before it has run
    /// `MIN_HISTORY_WEEKS` or while nothing is done.
    fn design_projection_weeks(&self) -> Option<f64> {
        if self.achieved(ProgrammeMilestone::CodesignComplete) {
            return Some(0.0);
        }
        let plan = self.plan;
        let cd = &plan.params().codesign;
        let elapsed = self.tick as i64 - plan.calendar.tick_of(cd.start);
        let f = self.codesign.completion(cd);
        if elapsed < MIN_HISTORY_WEEKS as i64 || f <= 0.0 {
            return None;
        }
        Some(elapsed as f64 * (1.0 - f) / f)
    }
}

/// Weeks of observed work a rate needs before the review projects from it
/// (assumption: a month).
const MIN_HISTORY_WEEKS: u32 = 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn april_anchored_dates_move_in_whole_years() {
        let d = NaiveDate::from_ymd_opt(2015, 4, 1).unwrap();
        let cal = crate::model::calendar::Calendar::new(d, d);
        assert!(cal.is_year_start(d));
        assert!(!cal.is_year_start(NaiveDate::from_ymd_opt(2015, 4, 2).unwrap()));
        assert_eq!(whole_years(90), 0);
        assert_eq!(whole_years(270), 1);
        assert_eq!(
            add_years(d, 1),
            NaiveDate::from_ymd_opt(2016, 4, 1).unwrap()
        );
        let leap = NaiveDate::from_ymd_opt(2016, 2, 29).unwrap();
        assert_eq!(
            add_years(leap, 1),
            NaiveDate::from_ymd_opt(2017, 2, 28).unwrap()
        );
    }
}
