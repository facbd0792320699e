//! Distributions across replications: milestone dates, go-live counts at
//! checkpoints, re-plans and spend. Serialised as `summary.json` and printed
//! by the command line.

use chrono::NaiveDate;
use serde::Serialize;

use crate::engine::plan::Plan;
use crate::model::AgentKind;
use crate::observe::{
    Metric, MilestoneStatus, ReplicationResult, SeriesLayout, SpendCategory, CENTRAL_HOUR_USES,
};
use crate::util::stats::{mean, nearest_rank, quantile_sorted};

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

impl Summary {
    /// Summarises an ensemble. `results` must be non-empty and in replication order.
    pub fn new(plan: &Plan, results: &[ReplicationResult]) -> Summary {
        let params = plan.params();
        let qs = params.record.quantiles.clone();
        let n = results.len();
        let mut milestones = Vec::new();
        if let Some(first) = results.first() {
            for (row, rec) in first.milestones.iter().enumerate() {
                let mut achieved: Vec<NaiveDate> = Vec::with_capacity(n);
                let mut planned: Vec<NaiveDate> = Vec::with_capacity(n);
                let mut skipped = 0usize;
                let mut slips: Vec<f64> = Vec::with_capacity(n);
                for r in results {
                    let m = &r.milestones[row];
                    if let Some(a) = m.achieved {
                        achieved.push(a);
                        if let Some(f) = m.first_planned {
                            slips.push((a - f).num_days() as f64 / 7.0);
                        }
                    }
                    if m.status == MilestoneStatus::Skipped {
                        skipped += 1;
                    }
                    if let Some(p) = m.planned {
                        planned.push(p);
                    }
                }
                achieved.sort_unstable();
                planned.sort_unstable();
                slips.sort_by(f64::total_cmp);
                let considered = n - skipped;
                let median_reached = nearest_rank(&achieved, considered, 0.5).is_some();
                milestones.push(MilestoneSummary {
                    early_adopter: rec
                        .ea
                        .map_or("programme".to_string(), |e| plan.eas[e].id.clone()),
                    milestone: plan.milestone_id(rec.milestone).to_string(),
                    kind: rec.kind.to_string(),
                    first_planned: rec.first_planned,
                    latest_planned_median: nearest_rank(&planned, planned.len(), 0.5),
                    achieved_share: achieved.len() as f64 / n as f64,
                    skipped_share: skipped as f64 / n as f64,
                    achieved_quantiles: qs
                        .iter()
                        .map(|&q| nearest_rank(&achieved, considered, q))
                        .collect(),
                    slip_weeks_median: if median_reached && !slips.is_empty() {
                        // Slip among all considered runs: unreached count as infinitely late.
                        let mut all: Vec<f64> = slips.clone();
                        all.resize(considered, f64::INFINITY);
                        let v = all[((0.5 * considered as f64).ceil() as usize).max(1) - 1];
                        v.is_finite().then_some(v)
                    } else {
                        None
                    },
                });
            }
        }
        let go_live = plan
            .checkpoints
            .iter()
            .map(|&date| {
                let mut counts: Vec<f64> = results
                    .iter()
                    .map(|r| r.live_by(&plan.calendar, date) as f64)
                    .collect();
                counts.sort_by(f64::total_cmp);
                CheckpointSummary {
                    date,
                    live_quantiles: qs.iter().map(|&q| quantile_sorted(&counts, q)).collect(),
                    live_mean: mean(&counts),
                }
            })
            .collect();
        let mut replans: Vec<f64> = results
            .iter()
            .map(|r| {
                r.replans
                    .iter()
                    .filter(|x| x.milestone == "pilot_live")
                    .count() as f64
            })
            .collect();
        replans.sort_by(f64::total_cmp);
        let replans_quantiles = if replans.is_empty() {
            Vec::new()
        } else {
            qs.iter().map(|&q| quantile_sorted(&replans, q)).collect()
        };

        // Spend by financial year.
        let month_starts: Vec<NaiveDate> = (0..plan.months)
            .map(|m| {
                plan.calendar
                    .period_start(m, crate::model::calendar::Period::Month)
            })
            .collect();
        let mut years: Vec<i32> = month_starts
            .iter()
            .map(|&d| plan.calendar.financial_year(d))
            .collect();
        years.dedup();
        let mut spend = Vec::new();
        for &fy in &years {
            for cat in SpendCategory::ALL.iter() {
                let mut totals: Vec<f64> = results
                    .iter()
                    .map(|r| {
                        (0..plan.months)
                            .filter(|&m| plan.calendar.financial_year(month_starts[m]) == fy)
                            .map(|m| r.spend_in(m, *cat))
                            .sum()
                    })
                    .collect();
                totals.sort_by(f64::total_cmp);
                spend.push(SpendSummary {
                    financial_year: format!("{}/{:02}", fy, (fy + 1) % 100),
                    category: cat.id().to_string(),
                    central: cat.is_central(),
                    mean_gbp: mean(&totals),
                    quantiles_gbp: if totals.is_empty() {
                        Vec::new()
                    } else {
                        qs.iter().map(|&q| quantile_sorted(&totals, q)).collect()
                    },
                });
            }
        }
        let fy_name = |fy: i32| format!("{}/{:02}", fy, (fy + 1) % 100);
        let mut unspent = Vec::new();
        if let Some(first) = results.first() {
            for (i, u) in first.unspent.iter().enumerate() {
                let (c, l): (Vec<f64>, Vec<f64>) = results
                    .iter()
                    .map(|r| (r.unspent[i].central_gbp, r.unspent[i].local_gbp))
                    .unzip();
                unspent.push(UnspentSummary {
                    financial_year: fy_name(u.financial_year),
                    central_gbp_mean: mean(&c),
                    local_gbp_mean: mean(&l),
                });
            }
        }
        let last_budget = params.budget.iter().map(|b| b.starts).max();
        let horizon_fy = plan.calendar.financial_year(params.calendar.horizon);
        let funding = FundingSummary {
            last_budget_year: last_budget.map(fy_name),
            wound_down_from: plan.funding_ends,
            horizon_past_last_budget: last_budget.is_some_and(|y| horizon_fy > y),
            last_budget_carried_forward: !params.switches.wind_down
                && last_budget.is_some_and(|y| horizon_fy > y),
        };
        let central_hours = central_hours_summary(plan, results);
        let scope = scope_summary(plan, results);
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
            general_practice: general_practice_summary(plan, results),
            scope,
        }
    }
}

/// GP practices aware, expected aware and involved at each checkpoint.
fn general_practice_summary(
    plan: &Plan,
    results: &[ReplicationResult],
) -> Vec<GeneralPracticeSummary> {
    let n_series = plan.series.len();
    let involved = SeriesLayout::kind_metric(AgentKind::GpPractice, Metric::InvolvedShare);
    let aware = SeriesLayout::programme_metric(Metric::GpAwareShare);
    let assumed = SeriesLayout::programme_metric(Metric::GpAwareShareAssumed);
    plan.checkpoints
        .iter()
        .filter(|&&d| (0..plan.calendar.weeks() as i64).contains(&plan.calendar.tick_of(d)))
        .map(|&date| {
            let p = plan.period_of_tick[plan.tick_of(date) as usize];
            let at = |i: usize| -> f64 {
                mean(
                    &results
                        .iter()
                        .map(|r| r.series[p * n_series + i])
                        .collect::<Vec<_>>(),
                )
            };
            GeneralPracticeSummary {
                date,
                aware_mean: at(aware),
                aware_assumed_mean: at(assumed),
                involved_mean: at(involved),
            }
        })
        .collect()
}

/// Per early adopter: its initial scope and its scope decisions across
/// replications.
fn scope_summary(plan: &Plan, results: &[ReplicationResult]) -> Vec<ScopeSummary> {
    let n = results.len().max(1);
    plan.eas
        .iter()
        .enumerate()
        .map(|(e, ea)| {
            let mut dates: Vec<NaiveDate> = Vec::new();
            let mut slips: Vec<f64> = Vec::new();
            for r in results {
                if let Some(x) = r.scope_decisions.iter().find(|x| x.ea == e) {
                    dates.push(plan.calendar.date(x.tick));
                    slips.push(x.slip_weeks);
                }
            }
            dates.sort_unstable();
            slips.sort_by(f64::total_cmp);
            ScopeSummary {
                early_adopter: ea.id.clone(),
                initial_scope: ea.scope.id().to_string(),
                scaled_back_share: dates.len() as f64 / n as f64,
                scaled_back_median: nearest_rank(&dates, dates.len(), 0.5),
                trigger_slip_weeks_median: (!slips.is_empty())
                    .then(|| quantile_sorted(&slips, 0.5)),
            }
        })
        .collect()
}

/// Totals of each central-hour use over the horizon, as means across
/// replications and as shares of the hours available.
fn central_hours_summary(plan: &Plan, results: &[ReplicationResult]) -> Vec<CentralHoursSummary> {
    let n_series = plan.series.len();
    let total = |r: &ReplicationResult, m: Metric| -> f64 {
        let i = SeriesLayout::programme_metric(m);
        (0..plan.periods).map(|p| r.series[p * n_series + i]).sum()
    };
    let available: Vec<f64> = results
        .iter()
        .map(|r| total(r, Metric::CentralHoursAvailable))
        .collect();
    CENTRAL_HOUR_USES
        .iter()
        .map(|&m| {
            let hours: Vec<f64> = results.iter().map(|r| total(r, m)).collect();
            let shares: Vec<f64> = hours
                .iter()
                .zip(&available)
                .map(|(h, a)| if *a > 0.0 { h / a } else { 0.0 })
                .collect();
            CentralHoursSummary {
                category: m.id().trim_start_matches("central_hours_").to_string(),
                hours_mean: mean(&hours),
                share_mean: mean(&shares),
            }
        })
        .collect()
}
