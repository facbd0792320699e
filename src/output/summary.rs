//! Distributions across replications: milestone dates, go-live counts at
//! checkpoints, re-plans and spend. Serialised as `summary.json` and printed
//! by the command line.
//!
//! Built in bounded memory as replications stream past
//! ([`SummaryAccumulator`]): dates and counts are whole days or whole
//! numbers from a small set, so exact [`Counts`] per value give the same
//! order statistics as sorting every value; means add in the same order as
//! before (replication order, or ascending order where the sorted sample
//! was averaged); spend totals, which are continuous, come sorted from the
//! run's column spill (`output::run`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::engine::plan::Plan;
use crate::model::AgentKind;
use crate::observe::{
    Metric, MilestoneStatus, ReplicationResult, SeriesLayout, SpendCategory, CENTRAL_HOUR_USES,
};

/// Distribution of one milestone's dates across replications.
#[derive(Debug, Clone, Serialize)]
pub struct MilestoneSummary {
    /// Early adopter id or `programme`.
    pub early_adopter: String,
    /// Milestone id.
    pub milestone: String,
    /// relational, transactional or mixed.
    pub kind: String,
    /// First promised date (the same in every replication).
    pub first_planned: Option<NaiveDate>,
    /// Median of the latest planned date.
    pub latest_planned_median: Option<NaiveDate>,
    /// Every latest planned date with the share of replications whose
    /// latest plan it is, earliest first (several when replications
    /// disagree). Shown by the table and the report, not written to
    /// `summary.json` (whose fields are pinned).
    #[serde(skip)]
    pub latest_planned: Vec<(NaiveDate, f64)>,
    /// Share of replications in which it was achieved within the horizon.
    pub achieved_share: f64,
    /// Share of replications in which it did not apply (scaled-back scope).
    pub skipped_share: f64,
    /// Achieved date at each reported quantile (None: not reached at that quantile).
    pub achieved_quantiles: Vec<Option<NaiveDate>>,
    /// Median slip of the achieved date behind the first plan, in weeks (None if the median run did not reach it).
    pub slip_weeks_median: Option<f64>,
}

/// Go-live count at a checkpoint date.
#[derive(Debug, Clone, Serialize)]
pub struct CheckpointSummary {
    /// The date.
    pub date: NaiveDate,
    /// Early adopters live by then, at each quantile.
    pub live_quantiles: Vec<f64>,
    /// Mean.
    pub live_mean: f64,
}

/// Spend of one category in one financial year.
#[derive(Debug, Clone, Serialize)]
pub struct SpendSummary {
    /// Financial year, e.g. `2013/14`.
    pub financial_year: String,
    /// Category id.
    pub category: String,
    /// Central (pan-programme) or local.
    pub central: bool,
    /// Mean across replications.
    pub mean_gbp: f64,
    /// Quantiles across replications.
    pub quantiles_gbp: Vec<f64>,
}

/// Money left unspent in one financial year (means across replications).
#[derive(Debug, Clone, Serialize)]
pub struct UnspentSummary {
    /// Financial year, e.g. `2013/14`.
    pub financial_year: String,
    /// Central budget not spent on the team or consultancy (GBP).
    pub central_gbp_mean: f64,
    /// Local pot not spent (GBP), including tranches held back but not paid.
    pub local_gbp_mean: f64,
}

/// When the money runs out (ODD §7.4, §7.9).
#[derive(Debug, Clone, Serialize)]
pub struct FundingSummary {
    /// The last financial year with a `[[budget]]` line, e.g. `2015/16` (None: no budget given).
    pub last_budget_year: Option<String>,
    /// First day of the first simulated year without a budget: the programme
    /// winds down (no team, consultancy or local money). None: funded to the horizon.
    pub wound_down_from: Option<NaiveDate>,
    /// Whether the horizon runs past the last budget year (later results
    /// rest on the wind-down or carry-forward rule, not on inputs).
    pub horizon_past_last_budget: bool,
    /// Whether later years carry the last budget forward (`wind_down` off).
    pub last_budget_carried_forward: bool,
}

/// Where central hours went over the whole horizon (ODD §7.4).
#[derive(Debug, Clone, Serialize)]
pub struct CentralHoursSummary {
    /// Use: `codesign`, `toolkit`, `ea_support`, `management`, `idle`.
    pub category: String,
    /// Mean hours across replications.
    pub hours_mean: f64,
    /// Mean share of the central hours available.
    pub share_mean: f64,
}

/// GP practices at a checkpoint (ODD §7.17): means across replications of
/// the shares aware, expected aware (assumed cascade) and involved, in the
/// recording period containing the checkpoint.
#[derive(Debug, Clone, Serialize)]
pub struct GeneralPracticeSummary {
    /// Checkpoint date.
    pub date: NaiveDate,
    /// Mean share of practices aware of the programme.
    pub aware_mean: f64,
    /// Mean share the leaders expected to be aware.
    pub aware_assumed_mean: f64,
    /// Mean share of practices actively involved.
    pub involved_mean: f64,
}

/// One early adopter's scope across replications (ODD §7.15).
#[derive(Debug, Clone, Serialize)]
pub struct ScopeSummary {
    /// Early adopter id.
    pub early_adopter: String,
    /// Its initial scope (`full` or `scaled_back`).
    pub initial_scope: String,
    /// Share of replications in which it scaled back during the run.
    pub scaled_back_share: f64,
    /// Median date of scaling back among the replications in which it did
    /// (None: it never did).
    pub scaled_back_median: Option<NaiveDate>,
    /// Median slip (projected go-live minus planned pilot start, weeks) that
    /// triggered it, among those replications.
    pub trigger_slip_weeks_median: Option<f64>,
}

/// Everything `summary.json` holds.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Number of replications.
    pub replications: usize,
    /// The quantile levels used throughout.
    pub quantiles: Vec<f64>,
    /// Milestones.
    pub milestones: Vec<MilestoneSummary>,
    /// Go-live counts at checkpoints.
    pub go_live: Vec<CheckpointSummary>,
    /// Number of re-plans of the pilot start, at each quantile.
    pub replans_quantiles: Vec<f64>,
    /// Spend by financial year and category.
    pub spend: Vec<SpendSummary>,
    /// Money unspent (returned) by financial year.
    pub unspent: Vec<UnspentSummary>,
    /// When funding ends.
    pub funding: FundingSummary,
    /// Where central hours went.
    pub central_hours: Vec<CentralHoursSummary>,
    /// GP practices' awareness and involvement at the checkpoints.
    pub general_practice: Vec<GeneralPracticeSummary>,
    /// Early adopters' scope: initial, and how often and when they scaled back.
    pub scope: Vec<ScopeSummary>,
}

/// A count across replications as a count of `of`: `2 of 9`; a quantile
/// between two counts (type-7 interpolation) as both, `1–2 of 9`. Never a
/// decimal point: early adopters come whole.
pub fn count_of(x: f64, of: usize) -> String {
    format!("{} of {of}", count(x))
}

/// A count, or the two counts a value between them lies between (`1–2`).
pub fn count(x: f64) -> String {
    let (a, b) = (x.floor() as i64, x.ceil() as i64);
    if a == b {
        a.to_string()
    } else {
        format!("{a}–{b}")
    }
}

/// A range of counts from `lo` to `hi`, widened to whole counts (`lo` down,
/// `hi` up): `2–2`, `1–3`.
pub fn count_range(lo: f64, hi: f64) -> String {
    format!("{}–{}", lo.floor() as i64, hi.ceil() as i64)
}

/// The latest plan of a milestone across replications: its date when they
/// agree, or every date with the share of replications, earliest first
/// (`2015-04-01 in 65%, 2016-04-01 in 35%`); `—` when none had a plan.
pub fn latest_plan_text(latest: &[(NaiveDate, f64)]) -> String {
    match latest {
        [] => "—".to_string(),
        [(d, _)] => d.format("%Y-%m-%d").to_string(),
        _ => latest
            .iter()
            .map(|(d, s)| format!("{} in {:.0}%", d.format("%Y-%m-%d"), s * 100.0))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

impl Summary {
    /// Summarises an ensemble held in memory. `results` must be non-empty
    /// and in replication order. The same numbers as streaming them through
    /// `output::run::RunWriter`.
    pub fn new(plan: &Plan, results: &[ReplicationResult]) -> Summary {
        super::run::summarise(plan, results)
    }
}

/// A sum that adds in the order values arrive, starting where the standard
/// library's `Iterator::sum` starts, so a streamed mean equals
/// `util::stats::mean` of the same values in the same order.
#[derive(Debug, Clone, Copy)]
pub struct Mean {
    sum: f64,
    n: usize,
}

impl Default for Mean {
    fn default() -> Self {
        Mean {
            sum: std::iter::empty::<f64>().sum(),
            n: 0,
        }
    }
}

impl Mean {
    /// Adds one value.
    pub fn add(&mut self, v: f64) {
        self.sum += v;
        self.n += 1;
    }
    /// The mean (0 for no values, as `util::stats::mean`).
    pub fn value(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum / self.n as f64
        }
    }
}

/// An f64 ordered by `f64::total_cmp`, the order the summaries sort by.
#[derive(Debug, Clone, Copy)]
pub struct Total(pub f64);

impl PartialEq for Total {
    fn eq(&self, other: &Self) -> bool {
        self.0.total_cmp(&other.0).is_eq()
    }
}
impl Eq for Total {}
impl PartialOrd for Total {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Total {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Exact counts per value: a sorted sample in memory that grows with the
/// number of distinct values, not with the number of values. Its order
/// statistics equal those `util::stats` takes of the sorted sample (the
/// unit tests check this on random samples).
#[derive(Debug, Clone)]
pub struct Counts<T> {
    map: BTreeMap<T, u64>,
    len: usize,
}

impl<T> Default for Counts<T> {
    fn default() -> Self {
        Counts {
            map: BTreeMap::new(),
            len: 0,
        }
    }
}

impl<T: Ord + Copy> Counts<T> {
    /// Counts one more `v`.
    pub fn add(&mut self, v: T) {
        *self.map.entry(v).or_insert(0) += 1;
        self.len += 1;
    }
    /// Number of values counted.
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether none were.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Number of distinct values (what the memory grows with).
    pub fn distinct(&self) -> usize {
        self.map.len()
    }
    /// The values in ascending order, each as often as it was counted.
    pub fn sorted(&self) -> impl Iterator<Item = T> + '_ {
        self.map
            .iter()
            .flat_map(|(&v, &c)| std::iter::repeat_n(v, c as usize))
    }
    /// Each distinct value with how often it was counted, ascending.
    pub fn counted(&self) -> impl Iterator<Item = (T, u64)> + '_ {
        self.map.iter().map(|(&v, &c)| (v, c))
    }
    /// The `k`-th smallest value (from 0).
    pub fn nth(&self, k: usize) -> Option<T> {
        let mut seen = 0usize;
        for (&v, &c) in &self.map {
            seen += c as usize;
            if k < seen {
                return Some(v);
            }
        }
        None
    }
    /// Nearest-rank quantile among `total` values of which the uncounted
    /// ones were not reached: `util::stats::nearest_rank` of the sorted sample.
    pub fn nearest_rank(&self, total: usize, q: f64) -> Option<T> {
        if total == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as usize).max(1);
        self.nth(rank - 1)
    }
    /// Type-7 quantile of the values mapped by `f` (non-decreasing):
    /// `util::stats::quantile_sorted` of the sorted mapped sample; None if empty.
    pub fn quantile(&self, q: f64, f: impl Fn(T) -> f64) -> Option<f64> {
        let n = self.len;
        let first = f(self.nth(0)?);
        if n == 1 {
            return Some(first);
        }
        let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(n - 1);
        let a = f(self.nth(lo)?);
        let b = f(self.nth(hi)?);
        Some(a + (h - lo as f64) * (b - a))
    }
    /// The 10%, 50% and 90% type-7 quantiles (`util::stats::p10_p50_p90`).
    pub fn p10_p50_p90(&self, f: impl Fn(T) -> f64) -> Option<[f64; 3]> {
        Some([
            self.quantile(0.1, &f)?,
            self.quantile(0.5, &f)?,
            self.quantile(0.9, &f)?,
        ])
    }
    /// Mean of the mapped values added in ascending order (`util::stats::mean`
    /// of the sorted sample).
    pub fn sorted_mean(&self, f: impl Fn(T) -> f64) -> f64 {
        if self.len == 0 {
            return 0.0;
        }
        self.sorted().map(f).sum::<f64>() / self.len as f64
    }
}

/// One milestone row (early adopter or programme) across replications.
#[derive(Debug, Clone)]
struct MilestoneAcc {
    ea: Option<usize>,
    milestone: usize,
    kind: &'static str,
    first_planned: Option<NaiveDate>,
    achieved: Counts<NaiveDate>,
    planned: Counts<NaiveDate>,
    skipped: usize,
    /// Slip behind the first plan, days.
    slip_days: Counts<i64>,
}

/// An early adopter's scope decisions across replications.
#[derive(Debug, Clone, Default)]
struct ScopeAcc {
    dates: Counts<NaiveDate>,
    slips: Counts<Total>,
}

/// The spend statistics of one financial year and category: the mean and
/// the quantiles of its sorted per-replication totals.
#[derive(Debug, Clone, Default)]
pub struct SpendStat {
    /// Mean (added in ascending order).
    pub mean: f64,
    /// At each reported quantile level.
    pub quantiles: Vec<f64>,
}

/// The financial years the months of the horizon fall in, in order.
pub fn financial_years(plan: &Plan) -> Vec<i32> {
    let mut years: Vec<i32> = (0..plan.months)
        .map(|m| plan.calendar.financial_year(month_start(plan, m)))
        .collect();
    years.dedup();
    years
}

fn month_start(plan: &Plan, m: usize) -> NaiveDate {
    plan.calendar
        .period_start(m, crate::model::calendar::Period::Month)
}

/// A replication's spend of `category` in financial year `fy` (GBP).
pub fn financial_year_spend(
    plan: &Plan,
    r: &ReplicationResult,
    fy: i32,
    category: SpendCategory,
) -> f64 {
    (0..plan.months)
        .filter(|&m| plan.calendar.financial_year(month_start(plan, m)) == fy)
        .map(|m| r.spend_in(m, category))
        .sum()
}

/// Everything of `summary.json` except spend, accumulated one replication
/// at a time in replication order; memory bounded by the scenario (its
/// milestones, checkpoints, early adopters and the distinct dates and
/// counts within the horizon), not by the number of replications.
#[derive(Debug, Clone)]
pub struct SummaryAccumulator {
    n: usize,
    milestones: Vec<MilestoneAcc>,
    checkpoints: Vec<Counts<u32>>,
    replans: Counts<u32>,
    unspent: Vec<(i32, Mean, Mean)>,
    /// Per use of central hours: mean hours and mean share of those available.
    central: Vec<(Mean, Mean)>,
    /// Per checkpoint within the horizon: date, period, and means of the
    /// shares aware, expected aware and involved.
    practice: Vec<(NaiveDate, usize, [Mean; 3])>,
    scope: Vec<ScopeAcc>,
}

impl SummaryAccumulator {
    /// An empty accumulator for `plan`.
    pub fn new(plan: &Plan) -> SummaryAccumulator {
        let practice = plan
            .checkpoints
            .iter()
            .filter(|&&d| (0..plan.calendar.weeks() as i64).contains(&plan.calendar.tick_of(d)))
            .map(|&d| {
                (
                    d,
                    plan.period_of_tick[plan.tick_of(d) as usize],
                    [Mean::default(); 3],
                )
            })
            .collect();
        SummaryAccumulator {
            n: 0,
            milestones: Vec::new(),
            checkpoints: vec![Counts::default(); plan.checkpoints.len()],
            replans: Counts::default(),
            unspent: Vec::new(),
            central: vec![(Mean::default(), Mean::default()); CENTRAL_HOUR_USES.len()],
            practice,
            scope: vec![ScopeAcc::default(); plan.eas.len()],
        }
    }

    /// Adds the next replication (in replication order).
    pub fn add(&mut self, plan: &Plan, r: &ReplicationResult) {
        if self.n == 0 {
            self.milestones = r
                .milestones
                .iter()
                .map(|m| MilestoneAcc {
                    ea: m.ea,
                    milestone: m.milestone,
                    kind: m.kind,
                    first_planned: m.first_planned,
                    achieved: Counts::default(),
                    planned: Counts::default(),
                    skipped: 0,
                    slip_days: Counts::default(),
                })
                .collect();
            self.unspent = r
                .unspent
                .iter()
                .map(|u| (u.financial_year, Mean::default(), Mean::default()))
                .collect();
        }
        self.n += 1;
        for (acc, m) in self.milestones.iter_mut().zip(&r.milestones) {
            if let Some(a) = m.achieved {
                acc.achieved.add(a);
                if let Some(f) = m.first_planned {
                    acc.slip_days.add((a - f).num_days());
                }
            }
            if m.status == MilestoneStatus::Skipped {
                acc.skipped += 1;
            }
            if let Some(p) = m.planned {
                acc.planned.add(p);
            }
        }
        for (counts, &date) in self.checkpoints.iter_mut().zip(&plan.checkpoints) {
            counts.add(r.live_by(&plan.calendar, date) as u32);
        }
        self.replans.add(
            r.replans
                .iter()
                .filter(|x| x.milestone == "pilot_live")
                .count() as u32,
        );
        for (acc, u) in self.unspent.iter_mut().zip(&r.unspent) {
            acc.1.add(u.central_gbp);
            acc.2.add(u.local_gbp);
        }
        let ns = plan.series.len();
        let total = |m: Metric| -> f64 {
            let i = SeriesLayout::programme_metric(m);
            (0..plan.periods).map(|p| r.series[p * ns + i]).sum()
        };
        let available = total(Metric::CentralHoursAvailable);
        for (acc, &m) in self.central.iter_mut().zip(CENTRAL_HOUR_USES.iter()) {
            let h = total(m);
            acc.0.add(h);
            acc.1.add(if available > 0.0 { h / available } else { 0.0 });
        }
        let at = [
            SeriesLayout::programme_metric(Metric::GpAwareShare),
            SeriesLayout::programme_metric(Metric::GpAwareShareAssumed),
            SeriesLayout::kind_metric(AgentKind::GpPractice, Metric::InvolvedShare),
        ];
        for (_, p, means) in &mut self.practice {
            for (mean, &i) in means.iter_mut().zip(&at) {
                mean.add(r.series[*p * ns + i]);
            }
        }
        // Each early adopter's first decision, in one pass over them.
        let mut first = vec![None; self.scope.len()];
        for x in &r.scope_decisions {
            if let Some(slot @ None) = first.get_mut(x.ea) {
                *slot = Some(x);
            }
        }
        for (acc, x) in self.scope.iter_mut().zip(first) {
            if let Some(x) = x {
                acc.dates.add(plan.calendar.date(x.tick));
                acc.slips.add(Total(x.slip_weeks));
            }
        }
    }

    /// The summary; `spend` holds the statistics of every financial year
    /// (`financial_years`) and spend category, years first.
    pub fn finish(self, plan: &Plan, spend: Vec<SpendStat>) -> Summary {
        let params = plan.params();
        let qs = params.record.quantiles.clone();
        let n = self.n;
        let weeks = |d: i64| d as f64 / 7.0;
        let milestones = self
            .milestones
            .into_iter()
            .map(|m| {
                let considered = n - m.skipped;
                let median_reached = m.achieved.nearest_rank(considered, 0.5).is_some();
                MilestoneSummary {
                    early_adopter: m
                        .ea
                        .map_or("programme".to_string(), |e| plan.eas[e].id.clone()),
                    milestone: plan.milestone_id(m.milestone).to_string(),
                    kind: m.kind.to_string(),
                    first_planned: m.first_planned,
                    latest_planned_median: m.planned.nearest_rank(m.planned.len(), 0.5),
                    latest_planned: m
                        .planned
                        .counted()
                        .map(|(d, c)| (d, c as f64 / m.planned.len().max(1) as f64))
                        .collect(),
                    achieved_share: m.achieved.len() as f64 / n as f64,
                    skipped_share: m.skipped as f64 / n as f64,
                    achieved_quantiles: qs
                        .iter()
                        .map(|&q| m.achieved.nearest_rank(considered, q))
                        .collect(),
                    // Slip among all considered runs: unreached count as infinitely late.
                    slip_weeks_median: if median_reached {
                        m.slip_days.nearest_rank(considered, 0.5).map(weeks)
                    } else {
                        None
                    },
                }
            })
            .collect();
        let count = |v: u32| f64::from(v);
        let go_live = plan
            .checkpoints
            .iter()
            .zip(&self.checkpoints)
            .map(|(&date, counts)| CheckpointSummary {
                date,
                live_quantiles: qs
                    .iter()
                    .filter_map(|&q| counts.quantile(q, count))
                    .collect(),
                live_mean: counts.sorted_mean(count),
            })
            .collect();
        let replans_quantiles = qs
            .iter()
            .filter_map(|&q| self.replans.quantile(q, count))
            .collect();
        let fy_name = |fy: i32| format!("{}/{:02}", fy, (fy + 1) % 100);
        let mut spend_stats = spend.into_iter();
        let mut spend = Vec::new();
        for fy in financial_years(plan) {
            for cat in SpendCategory::ALL {
                let stat = spend_stats.next().unwrap_or_default();
                spend.push(SpendSummary {
                    financial_year: fy_name(fy),
                    category: cat.id().to_string(),
                    central: cat.is_central(),
                    mean_gbp: stat.mean,
                    quantiles_gbp: stat.quantiles,
                });
            }
        }
        let unspent = self
            .unspent
            .iter()
            .map(|(fy, c, l)| UnspentSummary {
                financial_year: fy_name(*fy),
                central_gbp_mean: c.value(),
                local_gbp_mean: l.value(),
            })
            .collect();
        let last_budget = params.budget.iter().map(|b| b.starts).max();
        let horizon_fy = plan.calendar.financial_year(params.calendar.horizon);
        let funding = FundingSummary {
            last_budget_year: last_budget.map(fy_name),
            wound_down_from: plan.funding_ends,
            horizon_past_last_budget: last_budget.is_some_and(|y| horizon_fy > y),
            last_budget_carried_forward: !params.switches.wind_down
                && last_budget.is_some_and(|y| horizon_fy > y),
        };
        let central_hours = CENTRAL_HOUR_USES
            .iter()
            .zip(&self.central)
            .map(|(m, (hours, share))| CentralHoursSummary {
                category: m.id().trim_start_matches("central_hours_").to_string(),
                hours_mean: hours.value(),
                share_mean: share.value(),
            })
            .collect();
        let general_practice = self
            .practice
            .iter()
            .map(
                |(date, _, [aware, assumed, involved])| GeneralPracticeSummary {
                    date: *date,
                    aware_mean: aware.value(),
                    aware_assumed_mean: assumed.value(),
                    involved_mean: involved.value(),
                },
            )
            .collect();
        let n_scope = n.max(1);
        let scope = plan
            .eas
            .iter()
            .zip(&self.scope)
            .map(|(ea, acc)| ScopeSummary {
                early_adopter: ea.id.clone(),
                initial_scope: ea.scope.id().to_string(),
                scaled_back_share: acc.dates.len() as f64 / n_scope as f64,
                scaled_back_median: acc.dates.nearest_rank(acc.dates.len(), 0.5),
                trigger_slip_weeks_median: acc.slips.quantile(0.5, |s| s.0),
            })
            .collect();
        Summary {
            scenario: params.meta.name.clone(),
            replications: n,
            quantiles: qs,
            milestones,
            go_live,
            replans_quantiles,
            spend,
            unspent,
            funding,
            central_hours,
            general_practice,
            scope,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::stats::{mean, nearest_rank, quantile_sorted};

    /// A deterministic pseudo-random sample with many repeats.
    fn sample(n: usize, distinct: u64, seed: u64) -> Vec<i64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((x >> 33) % distinct) as i64 - 3
            })
            .collect()
    }

    #[test]
    fn counts_give_the_order_statistics_of_the_sorted_sample() {
        for (n, distinct, seed) in [
            (1, 1, 1),
            (2, 5, 2),
            (10, 3, 3),
            (257, 40, 4),
            (1000, 997, 5),
        ] {
            let xs = sample(n, distinct, seed);
            let mut counts = Counts::default();
            for &x in &xs {
                counts.add(x);
            }
            let mut sorted = xs.clone();
            sorted.sort_unstable();
            let as_f64: Vec<f64> = sorted.iter().map(|&x| x as f64 / 7.0).collect();
            for q in [0.0, 0.1, 0.25, 0.5, 0.9, 0.99, 1.0] {
                assert_eq!(
                    counts.quantile(q, |x| x as f64 / 7.0).map(f64::to_bits),
                    Some(quantile_sorted(&as_f64, q).to_bits())
                );
                for total in [n, n + n / 2 + 1] {
                    assert_eq!(
                        counts.nearest_rank(total, q),
                        nearest_rank(&sorted, total, q)
                    );
                }
            }
            assert_eq!(
                counts.sorted_mean(|x| x as f64 / 7.0).to_bits(),
                mean(&as_f64).to_bits()
            );
            assert_eq!(counts.sorted().collect::<Vec<_>>(), sorted);
        }
    }

    #[test]
    fn streamed_means_add_like_the_slice_mean() {
        let xs = [0.1, -0.0, 1e16, -1e16, 0.3, 2.5];
        for k in 0..=xs.len() {
            let mut m = Mean::default();
            xs[..k].iter().for_each(|&x| m.add(x));
            assert_eq!(m.value().to_bits(), mean(&xs[..k]).to_bits());
        }
    }
}
