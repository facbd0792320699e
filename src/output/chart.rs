//! A drawn chart as the outputs carry it (SVG and PNG bytes), why drawing
//! one failed, and the compact data a run's charts are drawn from
//! ([`RunChartData`], accumulated one replication at a time in bounded
//! memory by [`ChartAccumulator`]). Always compiled; the drawing itself
//! (`output::charts`) needs the `charts` feature.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::summary::Counts;
use crate::engine::plan::Plan;
use crate::model::ProgrammeMilestone;
use crate::observe::ReplicationResult;

/// Days since the start of `plan`'s calendar (the charts' x axis).
pub fn day(plan: &Plan, d: NaiveDate) -> f64 {
    (d - plan.calendar.date(0)).num_days() as f64
}

fn whole_days(plan: &Plan, d: NaiveDate) -> i64 {
    (d - plan.calendar.date(0)).num_days()
}

/// A point of a distribution over time: x (days) and the 10%, 50% and 90%
/// quantiles across replications.
pub type Band = (f64, [f64; 3]);

/// One row of the promise-vs-delivery chart.
#[derive(Debug, Clone, PartialEq)]
pub struct PromiseRow {
    /// `programme: <milestone>` or `<early adopter>: go-live`.
    pub label: String,
    /// First promised date (days).
    pub first: Option<f64>,
    /// The latest plan across replications: each distinct date (days) with
    /// the share of replications whose latest plan it is, earliest first.
    /// Replications that disagree (some re-planned, some not) give several.
    pub latest: Vec<(f64, f64)>,
    /// Plans the programme moved to in at least 10% of replications (days).
    pub replans: Vec<f64>,
    /// Achieved date quantiles, unreached at the horizon (days).
    pub achieved: Option<[f64; 3]>,
    /// Share of replications in which it was achieved.
    pub share: f64,
    /// Published dates of this row the scenario declares (`[[observed]]`), days.
    pub observed: Vec<f64>,
}

/// How far apart the labelled ticks of a time axis are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TickStep {
    /// The first of every month.
    Month,
    /// The first of every quarter of the financial year.
    Quarter,
    /// The first day of every financial year (unlabelled quarter lines between).
    FinancialYear,
}

/// The ticks of a time axis: calendar boundaries, with the step chosen from
/// the span (at most about a dozen labels).
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarTicks {
    /// The step of the labelled ticks.
    pub step: TickStep,
    /// Labelled ticks: the date (the first of a month) and its label, e.g. `Apr 2014`.
    pub major: Vec<(NaiveDate, String)>,
    /// Unlabelled grid lines (quarters between financial-year ticks).
    pub minor: Vec<NaiveDate>,
    /// For `FinancialYear` steps: each financial year's label (`2014/15`)
    /// and the middle of its part within the axis.
    pub years: Vec<(NaiveDate, String)>,
}

/// Ticks on whole months, quarters or financial years between `start` and
/// `end` (inclusive), the financial year starting on the first of
/// `fy_month`: monthly up to 9 months, quarterly up to 36, yearly beyond.
pub fn calendar_ticks(start: NaiveDate, end: NaiveDate, fy_month: u32) -> CalendarTicks {
    use chrono::Datelike;
    let months_between = |a: NaiveDate, b: NaiveDate| {
        (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32
    };
    let span = months_between(start, end);
    let step = if span <= 9 {
        TickStep::Month
    } else if span <= 36 {
        TickStep::Quarter
    } else {
        TickStep::FinancialYear
    };
    // Every first of a month within the axis, with its offset from the
    // financial year's start month.
    let mut firsts = Vec::new();
    let mut d = NaiveDate::from_ymd_opt(start.year(), start.month(), 1).unwrap_or(start);
    while d <= end {
        if d >= start {
            firsts.push((d, (d.month() + 12 - fy_month) % 12));
        }
        d = d
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MAX);
    }
    let label = |d: NaiveDate| d.format("%b %Y").to_string();
    let (major, minor): (Vec<_>, Vec<_>) = firsts.iter().partition(|(_, k)| match step {
        TickStep::Month => true,
        TickStep::Quarter => k % 3 == 0,
        TickStep::FinancialYear => *k == 0,
    });
    let major: Vec<(NaiveDate, String)> = major.into_iter().map(|&(d, _)| (d, label(d))).collect();
    let minor = if step == TickStep::FinancialYear {
        minor
            .into_iter()
            .filter(|(_, k)| k % 3 == 0)
            .map(|&(d, _)| d)
            .collect()
    } else {
        Vec::new()
    };
    let mut years = Vec::new();
    if step == TickStep::FinancialYear {
        // Boundaries: the axis ends and every year start between them.
        let mut edges = vec![start];
        edges.extend(major.iter().map(|m| m.0).filter(|&d| d > start));
        edges.push(end);
        for w in edges.windows(2) {
            let (a, b) = (w[0], w[1]);
            // Only parts of at least four months carry a label (room for it).
            if months_between(a, b) < 4 {
                continue;
            }
            let fy = if a.month() >= fy_month {
                a.year()
            } else {
                a.year() - 1
            };
            // A financial year from January is the calendar year.
            let name = if fy_month == 1 {
                fy.to_string()
            } else {
                format!("{}/{:02}", fy, (fy + 1) % 100)
            };
            years.push((a + (b - a) / 2, name));
        }
    }
    CalendarTicks {
        step,
        major,
        minor,
        years,
    }
}

/// Everything a run's charts show, independent of the number of replications.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunChartData {
    /// Promise vs delivery rows.
    pub promise: Vec<PromiseRow>,
    /// Early adopters live every second week.
    pub go_live: Vec<Band>,
    /// Weeks (as days) at which at least half the replications re-planned the pilot start.
    pub replan_days: Vec<f64>,
    /// Engagement by agent kind (index by `AgentKind::index`), per period.
    pub engagement: Vec<Vec<Band>>,
    /// Relational hours per week by agent kind, per period.
    pub relational: Vec<Vec<Band>>,
    /// Transactional hours per week by agent kind, per period.
    pub transactional: Vec<Vec<Band>>,
    /// Cumulative spend (GBP million) by category (`SpendCategory::index`), per month.
    pub spend: Vec<Vec<Band>>,
}

/// One promise-vs-delivery target across replications.
#[derive(Debug, Clone)]
struct PromiseAcc {
    label: String,
    /// Index of its re-plan milestone in `ChartAccumulator::replans`.
    replans: usize,
    first: Option<Option<NaiveDate>>,
    planned: Counts<i64>,
    achieved: Counts<i64>,
    reached: usize,
}

/// The re-plans of one programme milestone across replications: re-plan
/// dates (days) with the number of replications moving there, in order of
/// first appearance. Shared by every row it governs (every early adopter's
/// go-live row counts the same `pilot_live` re-plans).
#[derive(Debug, Clone)]
struct ReplanAcc {
    milestone: String,
    seen: Vec<(f64, usize)>,
}

/// Counts one replication's `values` into `seen` (value, replications), in
/// order of first appearance; a value repeated back to back counts once.
fn count_runs<T: PartialEq + Copy>(seen: &mut Vec<(T, usize)>, values: impl Iterator<Item = T>) {
    let mut last = None;
    for v in values {
        if last == Some(v) {
            continue;
        }
        last = Some(v);
        match seen.iter_mut().find(|s| s.0 == v) {
            Some(s) => s.1 += 1,
            None => seen.push((v, 1)),
        }
    }
}

/// Early adopters live every second week of a plan, across replications.
#[derive(Debug, Clone)]
pub struct GoLiveAccumulator {
    weeks: Vec<(u32, Counts<u32>)>,
}

impl GoLiveAccumulator {
    /// An empty accumulator for `plan`.
    pub fn new(plan: &Plan) -> GoLiveAccumulator {
        GoLiveAccumulator {
            weeks: (0..plan.calendar.weeks())
                .step_by(2)
                .map(|t| (t, Counts::default()))
                .collect(),
        }
    }
    /// Adds one replication.
    pub fn add(&mut self, r: &ReplicationResult) {
        // `ReplicationResult::live_at` of every week, in one sweep over the
        // sorted go-live weeks (the weeks ascend).
        let mut live: Vec<u32> = r.go_live.iter().flatten().copied().collect();
        live.sort_unstable();
        let mut k = 0;
        for (t, counts) in &mut self.weeks {
            while k < live.len() && live[k] <= *t {
                k += 1;
            }
            counts.add(k as u32);
        }
    }
    /// The points, x in days since `base`'s start (`plan` is the plan the
    /// replications ran on).
    pub fn points(&self, base: &Plan, plan: &Plan) -> Vec<Band> {
        self.weeks
            .iter()
            .filter_map(|(t, counts)| {
                Some((
                    day(base, plan.calendar.date(*t)),
                    counts.p10_p50_p90(f64::from)?,
                ))
            })
            .collect()
    }
}

/// The run's chart data that come from discrete values (dates, counts),
/// accumulated one replication at a time in replication order; the
/// continuous bands (engagement, effort, spend) come from the run's column
/// spill (`output::run`).
#[derive(Debug, Clone)]
pub struct ChartAccumulator {
    n: usize,
    horizon: i64,
    promise: Vec<PromiseAcc>,
    /// The row of each (early adopter or programme, milestone) target.
    rows: HashMap<(Option<usize>, usize), usize>,
    /// Per row, whether this replication's record was found (reused).
    matched: Vec<bool>,
    replans: Vec<ReplanAcc>,
    go_live: GoLiveAccumulator,
    /// Pilot re-plan weeks with their replication counts, in order of first appearance.
    replan_ticks: Vec<(u32, usize)>,
}

impl ChartAccumulator {
    /// An empty accumulator for `plan`.
    pub fn new(plan: &Plan) -> ChartAccumulator {
        let programme = ProgrammeMilestone::ALL.iter().enumerate().map(|(i, m)| {
            (
                None,
                plan.journey.len() + i,
                format!("programme: {}", m.id()),
                plan.milestone_id(plan.journey.len() + i).to_string(),
            )
        });
        let eas = plan.eas.iter().enumerate().map(|(e, ea)| {
            (
                Some(e),
                plan.pilot_live,
                format!("{}: go-live", ea.id),
                "pilot_live".to_string(),
            )
        });
        let mut rows = HashMap::new();
        let mut replans: Vec<ReplanAcc> = Vec::new();
        let mut promise = Vec::new();
        for (ea, milestone, label, replan_id) in programme.chain(eas) {
            let group = match replans.iter().position(|g| g.milestone == replan_id) {
                Some(g) => g,
                None => {
                    replans.push(ReplanAcc {
                        milestone: replan_id,
                        seen: Vec::new(),
                    });
                    replans.len() - 1
                }
            };
            // Targets are distinct: one row each.
            rows.entry((ea, milestone)).or_insert(promise.len());
            promise.push(PromiseAcc {
                label,
                replans: group,
                first: None,
                planned: Counts::default(),
                achieved: Counts::default(),
                reached: 0,
            });
        }
        ChartAccumulator {
            n: 0,
            horizon: whole_days(plan, plan.params().calendar.horizon),
            matched: vec![false; promise.len()],
            promise,
            rows,
            replans,
            go_live: GoLiveAccumulator::new(plan),
            replan_ticks: Vec::new(),
        }
    }

    /// Adds the next replication (in replication order).
    pub fn add(&mut self, plan: &Plan, r: &ReplicationResult) {
        self.n += 1;
        // One pass over the records: each row takes the first record of its
        // target (linear in early adopters, not quadratic).
        self.matched.fill(false);
        for rec in &r.milestones {
            let Some(&i) = self.rows.get(&(rec.ea, rec.milestone)) else {
                continue;
            };
            if std::mem::replace(&mut self.matched[i], true) {
                continue;
            }
            let acc = &mut self.promise[i];
            acc.first.get_or_insert(rec.first_planned);
            if let Some(p) = rec.planned {
                acc.planned.add(whole_days(plan, p));
            }
            acc.achieved
                .add(rec.achieved.map_or(self.horizon, |d| whole_days(plan, d)));
            acc.reached += usize::from(rec.achieved.is_some());
        }
        for group in &mut self.replans {
            count_runs(
                &mut group.seen,
                r.replans
                    .iter()
                    .filter(|x| x.milestone == group.milestone)
                    .map(|x| day(plan, x.new)),
            );
        }
        self.go_live.add(r);
        count_runs(
            &mut self.replan_ticks,
            r.replans
                .iter()
                .filter(|x| x.milestone == "pilot_live")
                .map(|x| x.tick),
        );
    }

    /// The chart data; the continuous bands are left empty for the caller.
    pub fn finish(self, plan: &Plan) -> RunChartData {
        let n = self.n.max(1) as f64;
        let as_f64 = |d: i64| d as f64;
        let replans: Vec<Vec<f64>> = self
            .replans
            .iter()
            .map(|g| {
                g.seen
                    .iter()
                    .filter(|&&(_, c)| c as f64 >= 0.1 * n)
                    .map(|&(d, _)| d)
                    .collect()
            })
            .collect();
        let promise = self
            .promise
            .into_iter()
            .map(|acc| PromiseRow {
                label: acc.label,
                first: acc.first.flatten().map(|d| day(plan, d)),
                latest: {
                    let total = acc.planned.len().max(1) as f64;
                    acc.planned
                        .counted()
                        .map(|(d, c)| (d as f64, c as f64 / total))
                        .collect()
                },
                replans: replans[acc.replans].clone(),
                achieved: acc.achieved.p10_p50_p90(as_f64),
                share: acc.reached as f64 / n,
                observed: Vec::new(),
            })
            .collect::<Vec<PromiseRow>>();
        let mut promise = promise;
        // Published facts on their rows: a date one early adopter or the
        // programme achieved a milestone, and the first early adopter live
        // (the programme's `first_pilot_live`).
        for o in plan.scenario.observed() {
            use crate::scenario::observed::ObservedQuantity as Q;
            let label = match (o.quantity, o.early_adopter.as_deref(), o.n) {
                (Q::MilestoneDate, Some("programme"), _) => format!("programme: {}", o.milestone),
                (Q::MilestoneDate, Some(ea), _) if o.milestone == "pilot_live" => {
                    format!("{ea}: go-live")
                }
                (Q::NthAchieved, _, Some(1)) if o.milestone == "pilot_live" => {
                    "programme: first_pilot_live".to_string()
                }
                _ => continue,
            };
            if let Some(row) = promise.iter_mut().find(|r| r.label == label) {
                row.observed.push(day(plan, o.date.0));
            }
        }
        RunChartData {
            promise,
            go_live: self.go_live.points(plan, plan),
            replan_days: self
                .replan_ticks
                .into_iter()
                .filter(|&(_, c)| 2 * c >= self.n)
                .map(|(t, _)| t as f64 * 7.0)
                .collect(),
            ..RunChartData::default()
        }
    }
}

/// One chart in both formats.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem, e.g. `promise_vs_delivery`.
    pub name: &'static str,
    /// Title shown on the chart.
    pub title: String,
    /// SVG document.
    pub svg: String,
    /// PNG image.
    pub png: Vec<u8>,
}

/// Charting errors.
#[derive(Debug, thiserror::Error)]
#[error("drawing chart {chart}: {message}")]
pub struct ChartError {
    pub(crate) chart: &'static str,
    pub(crate) message: String,
}

/// The charts of a run (see `output::charts`); none in a build without the
/// `charts` feature.
pub fn run_charts(plan: &Plan, data: &RunChartData) -> Result<Vec<Chart>, ChartError> {
    #[cfg(feature = "charts")]
    return super::charts::run_charts(plan, data);
    #[cfg(not(feature = "charts"))]
    {
        let _ = (plan, data);
        Ok(Vec::new())
    }
}

/// The go-live overlay of a comparison; none without the `charts` feature.
pub fn comparison_charts(
    plans: &[&Plan],
    names: &[String],
    go_live: &[GoLiveAccumulator],
) -> Result<Vec<Chart>, ChartError> {
    #[cfg(feature = "charts")]
    return Ok(vec![super::charts::comparison_chart(
        plans, names, go_live,
    )?]);
    #[cfg(not(feature = "charts"))]
    {
        let _ = (plans, names, go_live);
        Ok(Vec::new())
    }
}

/// A heatmap of a two-parameter grid; none without the `charts` feature.
pub fn grid_heatmap(
    title: &str,
    x_name: &str,
    y_name: &str,
    xs: Vec<String>,
    ys: Vec<String>,
    values: Vec<Vec<f64>>,
) -> Result<Option<Chart>, ChartError> {
    #[cfg(feature = "charts")]
    return super::charts::grid_heatmap(title, x_name, y_name, xs, ys, values).map(Some);
    #[cfg(not(feature = "charts"))]
    {
        let _ = (title, x_name, y_name, xs, ys, values);
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Ensemble, Scenario};

    /// Every promise row is its own target's: an early adopter's go-live
    /// row agrees with that early adopter's `pilot_live` line of the
    /// summary (built by another path), and the curve of early adopters
    /// live counts what `ReplicationResult::live_at` counts.
    #[test]
    fn promise_rows_and_the_go_live_curve_match_each_target() {
        let s = Scenario::default_nwl();
        let runs = Ensemble::new(&s).seed(4).replications(12).run();
        let plan = &runs.plan;
        let data = runs.chart_data();
        let summary = runs.summary();
        let programme = ProgrammeMilestone::ALL.len();
        assert_eq!(data.promise.len(), programme + plan.eas.len());
        let horizon = whole_days(plan, plan.params().calendar.horizon) as f64;
        let mut bands = Vec::new();
        for (e, ea) in plan.eas.iter().enumerate() {
            let row = &data.promise[programme + e];
            assert_eq!(row.label, format!("{}: go-live", ea.id));
            let line = summary
                .milestones
                .iter()
                .find(|m| m.early_adopter == ea.id && m.milestone == "pilot_live")
                .expect("a pilot_live line per early adopter");
            assert_eq!(row.share, line.achieved_share, "{}", ea.id);
            assert_eq!(row.first, line.first_planned.map(|d| day(plan, d)));
            // The achieved band from this early adopter's own records.
            let achieved: Vec<f64> = runs
                .results
                .iter()
                .map(|r| {
                    let rec = r
                        .milestones
                        .iter()
                        .find(|m| m.ea == Some(e) && m.milestone == plan.pilot_live)
                        .expect("a pilot_live record");
                    rec.achieved.map_or(horizon, |d| day(plan, d))
                })
                .collect();
            assert_eq!(
                row.achieved,
                Some(crate::util::stats::p10_p50_p90(achieved)),
                "{}",
                ea.id
            );
            bands.push(row.achieved);
        }
        // Not vacuous: the early adopters differ.
        assert!(bands.iter().any(|b| *b != bands[0]), "{bands:?}");
        let mut naive = GoLiveAccumulator::new(plan);
        for r in &runs.results {
            for (t, counts) in &mut naive.weeks {
                counts.add(r.live_at(*t) as u32);
            }
        }
        assert_eq!(data.go_live, naive.points(plan, plan));
        assert!(data.go_live.iter().any(|p| p.1[2] > 0.0));
    }
}
