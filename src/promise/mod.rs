//! What can a programme honestly promise? `pioneer promise` re-runs a
//! scenario with each of a grid of promised dates for a timetable milestone
//! and reports, per promise, how often the milestone is delivered by it, when
//! it is delivered, the re-plans, the engagement lost and the spend
//! (docs/promise.md).
//!
//! **A promise** of milestone `k` on date `p` is the scenario with
//! `timetable.k = p`, set with a scenario override (`scenario::overrides`,
//! the same path as `--set timetable.k=p`). With [`Followers::Shift`] (the
//! default) the milestones that follow the pilot start when the programme
//! re-plans (`ProgrammeMilestone::follows_pilot_start`: the business plan
//! approval and the wider roll-out, ODD §7.13) move by the same number of
//! days when the pilot start is promised, so a later pilot start is promised
//! with a correspondingly later roll-out; no other milestone moves, and
//! promising any other milestone moves only that milestone. The early
//! adopters' milestone plans follow from the timetable as in every run
//! (ODD §7.13). Every promise runs the same seed and replication indices
//! (common random numbers), so replication r differs between promises only
//! through the promise.
//!
//! **The honest promise** at confidence `c` is the earliest promise `p` with
//! P(delivered by p | promise p) ≥ c: a fixed point, because the promise
//! changes the delivery. It is searched on the grid and refined to the week
//! ([`MilestoneScan::honest`]); docs/promise.md explains the search and what
//! happens when the probability is not monotone in the promise.

pub mod output;

use chrono::{Duration, Months, NaiveDate};

use crate::engine::milestone_ref::MilestoneRef;
use crate::engine::plan::Plan;
use crate::model::{AgentKind, ProgrammeMilestone};
use crate::observe::{Metric, ReplicationResult, SeriesLayout};
use crate::scenario::overrides::{self, Override, OverrideError};
use crate::scenario::Scenario;
use crate::sweep::outputs::{self, OutputDef};
use crate::util::stats::nearest_rank;
use crate::Ensemble;

/// The timetable keys a promise can set, with the programme milestone whose
/// delivered date answers it (the pilot start is answered by the first
/// early adopter going live, `first_pilot_live`).
pub const PROMISABLE: [(&str, ProgrammeMilestone); 6] = [
    ("codesign_complete", ProgrammeMilestone::CodesignComplete),
    ("toolkit_published", ProgrammeMilestone::ToolkitPublished),
    ("ea_signed_off", ProgrammeMilestone::EaSignedOff),
    (
        "business_plan_approved",
        ProgrammeMilestone::BusinessPlanApproved,
    ),
    ("pilot_start", ProgrammeMilestone::FirstPilotLive),
    ("wider_rollout", ProgrammeMilestone::WiderRollout),
];

/// The milestones promised when none are named: the timetable's pilot start
/// and wider roll-out.
pub const DEFAULT_MILESTONES: [&str; 2] = ["pilot_start", "wider_rollout"];

/// The confidence levels of the honest timetable when none are given.
pub const DEFAULT_CONFIDENCE: [f64; 3] = [0.5, 0.8, 0.9];

/// Most promises one scan may evaluate per milestone on its grid. Unit:
/// promises. Why: ten years of weekly promises; each promise is a whole
/// ensemble. Protects: time.
pub const MAX_GRID: usize = 520;

/// HM Treasury's optimism-bias reference uplifts for works duration (upper
/// bounds, share of the planned duration) from the Green Book supplementary
/// guidance (docs/promise.md, "Reference class"), shown beside the model's
/// honest uplifts.
pub const GREEN_BOOK_WORKS_DURATION: [(&str, f64); 2] = [
    ("standard buildings", 0.04),
    ("non-standard buildings", 0.39),
];

/// The spacing of the grid of promised dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Every so many weeks.
    Weeks(u32),
    /// Every so many calendar months (the day of the month kept where it
    /// exists, else the month's last day).
    Months(u32),
}

impl Step {
    /// Parses `1month`, `3months`, `2weeks`, `1week` (also `2w`, `1m`).
    pub fn parse(text: &str) -> Result<Step, String> {
        let t = text.trim().to_ascii_lowercase();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (n, unit) = t.split_at(split);
        let n: u32 = if n.is_empty() {
            1
        } else {
            n.parse().map_err(|_| format!("`{text}`: too large"))?
        };
        if n == 0 {
            return Err(format!("`{text}`: a step of 0 never moves the promise"));
        }
        match unit.trim() {
            "w" | "week" | "weeks" => Ok(Step::Weeks(n)),
            "m" | "month" | "months" => Ok(Step::Months(n)),
            _ => Err(format!(
                "`{text}`: expected a number of weeks or months such as 1month, 3months, 2weeks"
            )),
        }
    }

    /// `d` moved `k` steps later (None past the representable dates).
    fn after(self, d: NaiveDate, k: u32) -> Option<NaiveDate> {
        match self {
            Step::Weeks(n) => d.checked_add_signed(Duration::weeks(i64::from(n) * i64::from(k))),
            Step::Months(n) => d.checked_add_months(Months::new(n.checked_mul(k)?)),
        }
    }
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Weeks(n) => write!(f, "{n}week{}", if *n == 1 { "" } else { "s" }),
            Step::Months(n) => write!(f, "{n}month{}", if *n == 1 { "" } else { "s" }),
        }
    }
}

/// What a promise of the pilot start does to the milestones that follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Followers {
    /// They move by the same number of days (as a re-plan moves them,
    /// without its rounding to whole years).
    #[default]
    Shift,
    /// They keep the scenario's dates (a promise later than a follower's
    /// date is then invalid where the scenario requires the order).
    Keep,
}

impl Followers {
    /// Its name on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Followers::Shift => "shift",
            Followers::Keep => "keep",
        }
    }

    /// From its name (`shift` or `keep`).
    pub fn parse(text: &str) -> Result<Followers, String> {
        [Followers::Shift, Followers::Keep]
            .into_iter()
            .find(|f| f.id() == text.trim())
            .ok_or_else(|| format!("expected `shift` or `keep`, found `{}`", text.trim()))
    }
}

/// What to scan. `PromiseSpec::default()` is the default: the pilot
/// start and wider roll-out, each from its original date to the horizon
/// monthly, confidence 0.5, 0.8 and 0.9, 200 replications, seed 1.
#[derive(Debug, Clone, PartialEq)]
pub struct PromiseSpec {
    /// Timetable keys to promise (one scan each); empty: `DEFAULT_MILESTONES`.
    pub milestones: Vec<String>,
    /// First promised date (None: each milestone's original date).
    pub from: Option<NaiveDate>,
    /// Last promised date (None: the scenario's horizon).
    pub to: Option<NaiveDate>,
    /// Grid spacing.
    pub step: Step,
    /// Confidence levels of the honest timetable, each in (0, 1].
    pub confidence: Vec<f64>,
    /// Replications per promise.
    pub replications: u32,
    /// Master seed (the same for every promise).
    pub seed: u64,
    /// What the followers of the pilot start do.
    pub followers: Followers,
}

impl Default for PromiseSpec {
    fn default() -> Self {
        PromiseSpec {
            milestones: Vec::new(),
            from: None,
            to: None,
            step: Step::Months(1),
            confidence: DEFAULT_CONFIDENCE.to_vec(),
            replications: 200,
            seed: 1,
            followers: Followers::Shift,
        }
    }
}

/// One promise evaluated: the promised date and what the replications did.
#[derive(Debug, Clone, PartialEq)]
pub struct PromisePoint {
    /// The promised date.
    pub promise: NaiveDate,
    /// On the grid (true) or added by the honest search's refinement.
    pub on_grid: bool,
    /// Share of replications delivering the milestone on or before the promise.
    pub p_delivered: f64,
    /// Delivered date per replication (None: not by the horizon), in replication order.
    pub delivered: Vec<Option<NaiveDate>>,
    /// 10%, 50% and 90% nearest-rank quantiles of the delivered date (None:
    /// not reached by the horizon at that quantile).
    pub delivered_quantiles: [Option<NaiveDate>; 3],
    /// Mean re-plans of the pilot start (the `replans` output).
    pub replans_mean: f64,
    /// Mean engagement lost by each agent kind present: its mean engagement
    /// in the first recording period minus that in the last (engagement
    /// points on the 0–1 scale; positive is a loss).
    pub engagement_lost: Vec<(AgentKind, f64)>,
    /// Mean total spend over the horizon (GBP).
    pub spend_gbp_mean: f64,
}

impl PromisePoint {
    /// The median delivered date.
    pub fn median(&self) -> Option<NaiveDate> {
        self.delivered_quantiles[1]
    }
}

/// The honest promise at one confidence level.
#[derive(Debug, Clone, PartialEq)]
pub struct HonestPromise {
    /// The confidence level c.
    pub confidence: f64,
    /// The earliest evaluated promise met with probability at least c
    /// (None: none up to the grid's end).
    pub promise: Option<NaiveDate>,
    /// P(delivered by the promise | that promise).
    pub p_delivered: Option<f64>,
    /// The promise minus the original date, weeks.
    pub uplift_weeks: Option<f64>,
    /// The uplift as a share of the planned duration (original date minus
    /// the calendar start).
    pub uplift_share: Option<f64>,
    /// The promise is the grid's first date: an earlier one might also be met.
    pub at_grid_start: bool,
    /// Some later grid promise is met with probability below c (the
    /// probability is not monotone in the promise there).
    pub later_dips: Vec<NaiveDate>,
}

/// One milestone's scan.
#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneScan {
    /// The timetable key promised.
    pub key: &'static str,
    /// The programme milestone whose delivered date answers it.
    pub delivered: ProgrammeMilestone,
    /// The scenario's (original) promise.
    pub original: NaiveDate,
    /// The timetable keys moved with it.
    pub followers: Vec<&'static str>,
    /// Planned duration: the original date minus the calendar start, days.
    pub planned_days: i64,
    /// Every promise evaluated (grid and refinement), earliest first.
    pub points: Vec<PromisePoint>,
    /// The honest promise per confidence level, in the order given.
    pub honest: Vec<HonestPromise>,
}

impl MilestoneScan {
    /// The evaluated promise whose median delivered date is earliest (the
    /// earliest such promise on ties); None when no median is reached.
    pub fn earliest_delivery(&self) -> Option<&PromisePoint> {
        self.points
            .iter()
            .filter(|p| p.median().is_some())
            .min_by_key(|p| (p.median(), p.promise))
    }

    /// The point evaluated at `promise`.
    pub fn at(&self, promise: NaiveDate) -> Option<&PromisePoint> {
        self.points.iter().find(|p| p.promise == promise)
    }
}

/// A finished scan.
#[derive(Debug, Clone, PartialEq)]
pub struct PromiseScan {
    /// The scenario's name.
    pub scenario: String,
    /// The calendar start (origin of planned durations).
    pub start: NaiveDate,
    /// The horizon (delivered dates after it are not observed).
    pub horizon: NaiveDate,
    /// What was scanned.
    pub spec: PromiseSpec,
    /// One scan per milestone, in the order asked.
    pub milestones: Vec<MilestoneScan>,
}

/// The scenario's date for a promisable timetable key.
fn timetable_date(s: &Scenario, key: &str) -> NaiveDate {
    let t = &s.raw().timetable;
    match key {
        "codesign_complete" => t.codesign_complete.0,
        "toolkit_published" => t.toolkit_published.0,
        "ea_signed_off" => t.ea_signed_off.0,
        "business_plan_approved" => t.business_plan_approved.0,
        "pilot_start" => t.pilot_start.0,
        _ => t.wider_rollout.0,
    }
}

/// The promisable key named `id` (`first_pilot_live` names the pilot start).
pub fn promisable(id: &str) -> Result<(&'static str, ProgrammeMilestone), String> {
    let id = if id == "first_pilot_live" {
        "pilot_start"
    } else {
        id
    };
    PROMISABLE
        .iter()
        .find(|(k, _)| *k == id)
        .copied()
        .ok_or_else(|| {
            format!(
                "--milestone {id}: expected a timetable milestone ({}); {}",
                PROMISABLE
                    .iter()
                    .map(|(k, _)| *k)
                    .collect::<Vec<_>>()
                    .join(", "),
                crate::scenario::error::did_you_mean(id, PROMISABLE.iter().map(|(k, _)| *k))
            )
        })
}

/// The timetable keys that move with `key` under `followers`.
fn followers_of(key: &str, followers: Followers) -> Vec<&'static str> {
    if key != "pilot_start" || followers == Followers::Keep {
        return Vec::new();
    }
    PROMISABLE
        .iter()
        .filter(|(k, m)| *k != "pilot_start" && m.follows_pilot_start())
        .map(|(k, _)| *k)
        .collect()
}

/// `base` with `key` promised on `date` and its followers moved by the
/// same number of days: the same overrides `--set` applies.
pub fn promised_scenario(
    base: &Scenario,
    key: &str,
    date: NaiveDate,
    followers: Followers,
) -> Result<Scenario, String> {
    let shift = date - timetable_date(base, key);
    let mut sets = vec![format!("timetable.{key}={date}")];
    for f in followers_of(key, followers) {
        sets.push(format!("timetable.{f}={}", timetable_date(base, f) + shift));
    }
    let list: Vec<Override> = sets
        .iter()
        .map(|s| Override::parse(s).map_err(|p| format!("{s}: expected {}", p.expected)))
        .collect::<Result<_, _>>()?;
    overrides::apply(base, &list).map_err(|e| {
        let why = match e {
            OverrideError::Path { problem, .. } => {
                format!("expected {}, found {}", problem.expected, problem.found)
            }
            // The overrides are the promise's, not the user's `--set`.
            OverrideError::Invalid(e) => e
                .to_string()
                .replace("--set timetable.", "the promise timetable.")
                .replace(":0:0:", ":"),
        };
        let hint = if sets.len() > 1 {
            "choose --from/--to within what the scenario allows, or leave the followers where they are (--followers keep)".to_string()
        } else {
            "choose --from/--to within what the scenario allows".to_string()
        };
        format!(
            "promising {key} on {date} ({}) makes {} invalid:\n{why}\n  hint: {hint}",
            if sets.len() > 1 {
                format!("{} moved by {} days", sets[1..].iter().map(|s| s.split('=').next().unwrap_or("")).collect::<Vec<_>>().join(", "), shift.num_days())
            } else {
                "no other milestone moved".to_string()
            },
            base.source_name()
        )
    })
}

/// The grid of promised dates: `from`, `from + step`, … up to `to`.
fn grid(from: NaiveDate, to: NaiveDate, step: Step) -> Result<Vec<NaiveDate>, String> {
    if from > to {
        return Err(format!(
            "--from {from} is after --to {to}: expected from ≤ to"
        ));
    }
    let mut dates = Vec::new();
    let mut k = 0;
    while let Some(d) = step.after(from, k).filter(|d| *d <= to) {
        dates.push(d);
        if dates.len() > MAX_GRID {
            return Err(format!(
                "--from {from} --to {to} --step {step}: expected at most MAX_GRID = {MAX_GRID} promises per milestone (each is a whole ensemble)\n  hint: a coarser --step or a shorter range"
            ));
        }
        k += 1;
    }
    Ok(dates)
}

/// One milestone to scan: its timetable key, the milestone delivering it
/// and the grid of promised dates.
type Planned = (&'static str, ProgrammeMilestone, Vec<NaiveDate>);

/// Checks the spec against the scenario and resolves each milestone's grid
/// (every grid promise is built once here, so bad input fails before
/// anything runs).
fn plan_scan(base: &Scenario, spec: &PromiseSpec) -> Result<Vec<Planned>, String> {
    if spec.replications == 0 {
        return Err("-n 0: expected at least one replication per promise".into());
    }
    if spec.confidence.is_empty() {
        return Err("--confidence: expected at least one level".into());
    }
    for &c in &spec.confidence {
        if !(c > 0.0 && c <= 1.0) {
            return Err(format!(
                "--confidence {c}: expected a probability above 0 and at most 1 (e.g. 0.5,0.8,0.9)"
            ));
        }
    }
    let names: Vec<&str> = if spec.milestones.is_empty() {
        DEFAULT_MILESTONES.to_vec()
    } else {
        spec.milestones.iter().map(String::as_str).collect()
    };
    let horizon = base.raw().calendar.horizon.0;
    let mut out: Vec<Planned> = Vec::new();
    for name in names {
        let (key, m) = promisable(name)?;
        if out.iter().any(|(k, _, _)| *k == key) {
            return Err(format!("--milestone {name}: named twice"));
        }
        let from = spec.from.unwrap_or_else(|| timetable_date(base, key));
        let to = spec.to.unwrap_or(horizon);
        let dates = grid(from, to, spec.step)?;
        for &d in &dates {
            promised_scenario(base, key, d, spec.followers)?;
        }
        out.push((key, m, dates));
    }
    Ok(out)
}

/// Evaluates one promise: runs the ensemble and reduces each replication.
fn evaluate(
    base: &Scenario,
    key: &str,
    delivered: ProgrammeMilestone,
    promise: NaiveDate,
    on_grid: bool,
    spec: &PromiseSpec,
    progress: Option<&(dyn Fn() + Sync)>,
) -> Result<PromisePoint, String> {
    let scenario = promised_scenario(base, key, promise, spec.followers)?;
    let plan = Plan::new(&scenario);
    let resolve = |id: &str| -> Result<OutputDef, String> {
        outputs::parse(id, &scenario).map_err(|p| format!("output `{id}`: expected {}", p.expected))
    };
    let (replans, spend) = (resolve("replans")?, resolve("spend_gbp:total")?);
    let milestone = MilestoneRef::Programme(delivered.index());
    let kinds: Vec<AgentKind> = AgentKind::ALL
        .into_iter()
        // kind_ranges: (first agent, count) per kind.
        .filter(|k| plan.kind_ranges[k.index()].1 > 0)
        .collect();
    let width = plan.series.len();
    let last = plan.periods.saturating_sub(1);
    let mut dates = Vec::with_capacity(spec.replications as usize);
    let (mut replans_sum, mut spend_sum) = (0.0, 0.0);
    let mut lost = vec![0.0; kinds.len()];
    let mut reduce = |r: &ReplicationResult| {
        dates.push(milestone.record(&plan, r, None).and_then(|m| m.achieved));
        replans_sum += replans.value(&plan, r);
        spend_sum += spend.value(&plan, r);
        for (l, k) in lost.iter_mut().zip(&kinds) {
            let ix = SeriesLayout::kind_metric(*k, Metric::Engagement);
            *l += r.series[ix] - r.series[last * width + ix];
        }
    };
    let mut ensemble = Ensemble::new(&scenario)
        .seed(spec.seed)
        .replications(spec.replications);
    if let Some(p) = progress {
        ensemble = ensemble.progress(p);
    }
    ensemble
        .stream(&plan, |block| -> Result<(), String> {
            block.iter().for_each(&mut reduce);
            Ok(())
        })
        .map_err(|e| format!("promise {promise}: {e}"))?;
    let n = f64::from(spec.replications);
    let by = dates
        .iter()
        .filter(|d| d.is_some_and(|d| d <= promise))
        .count();
    let mut reached: Vec<NaiveDate> = dates.iter().flatten().copied().collect();
    reached.sort_unstable();
    let q = |c: f64| nearest_rank(&reached, dates.len(), c);
    Ok(PromisePoint {
        promise,
        on_grid,
        p_delivered: by as f64 / n,
        delivered_quantiles: [q(0.1), q(0.5), q(0.9)],
        delivered: dates,
        replans_mean: replans_sum / n,
        engagement_lost: kinds.into_iter().zip(lost.iter().map(|l| l / n)).collect(),
        spend_gbp_mean: spend_sum / n,
    })
}

/// Scans every milestone of `spec` on `base` (see the module docs): each
/// grid promise, then the weekly refinement of the honest search. Fails
/// before anything runs when the spec or a grid promise is not valid; never
/// panics. `progress` is called once per finished replication.
pub fn scan(
    base: &Scenario,
    spec: &PromiseSpec,
    progress: Option<&(dyn Fn() + Sync)>,
) -> Result<PromiseScan, String> {
    let planned = plan_scan(base, spec)?;
    let start = base.raw().calendar.start.0;
    let mut milestones = Vec::new();
    for (key, delivered, dates) in planned {
        let mut points = Vec::with_capacity(dates.len());
        for &d in &dates {
            points.push(evaluate(base, key, delivered, d, true, spec, progress)?);
        }
        let original = timetable_date(base, key);
        let mut scan = MilestoneScan {
            key,
            delivered,
            original,
            followers: followers_of(key, spec.followers),
            planned_days: (original - start).num_days(),
            points,
            honest: Vec::new(),
        };
        for &c in &spec.confidence {
            let h = honest(&mut scan, c, |d| {
                evaluate(base, key, delivered, d, false, spec, progress)
            })?;
            scan.honest.push(h);
        }
        milestones.push(scan);
    }
    Ok(PromiseScan {
        scenario: base.raw().meta.name.clone(),
        start,
        horizon: base.raw().calendar.horizon.0,
        spec: spec.clone(),
        milestones,
    })
}

/// The honest promise at confidence `c`: the first grid promise met with
/// probability at least `c`, then every week between the grid promise
/// before it and it, earliest first, until one is met (a linear scan, not a
/// bisection, because the probability need not be monotone in the promise:
/// the result is the earliest week in that interval that is met). Weeks
/// already evaluated are reused; new ones are added to `scan.points`.
fn honest(
    scan: &mut MilestoneScan,
    c: f64,
    mut run: impl FnMut(NaiveDate) -> Result<PromisePoint, String>,
) -> Result<HonestPromise, String> {
    // Meets c, allowing for the rounding of a share of replications.
    let meets = |p: &PromisePoint| p.p_delivered >= c - 1e-12;
    let grid: Vec<(NaiveDate, bool)> = scan
        .points
        .iter()
        .filter(|p| p.on_grid)
        .map(|p| (p.promise, meets(p)))
        .collect();
    let Some(k) = grid.iter().position(|(_, ok)| *ok) else {
        return Ok(HonestPromise {
            confidence: c,
            promise: None,
            p_delivered: None,
            uplift_weeks: None,
            uplift_share: None,
            at_grid_start: false,
            later_dips: Vec::new(),
        });
    };
    let mut found = grid[k].0;
    if k > 0 {
        let (lo, hi) = (grid[k - 1].0, grid[k].0);
        let mut d = lo + Duration::weeks(1);
        while d < hi {
            let point = match scan.at(d) {
                Some(p) => p.clone(),
                None => {
                    let p = run(d)?;
                    let at = scan.points.partition_point(|x| x.promise < d);
                    scan.points.insert(at, p.clone());
                    p
                }
            };
            if meets(&point) {
                found = d;
                break;
            }
            d += Duration::weeks(1);
        }
    }
    let point = scan.at(found).expect("evaluated above");
    let uplift = (found - scan.original).num_days();
    Ok(HonestPromise {
        confidence: c,
        promise: Some(found),
        p_delivered: Some(point.p_delivered),
        uplift_weeks: Some(uplift as f64 / 7.0),
        uplift_share: (scan.planned_days > 0).then(|| uplift as f64 / scan.planned_days as f64),
        at_grid_start: k == 0,
        later_dips: grid[k + 1..]
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(d, _)| *d)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_parse_weeks_and_months_and_refuse_the_rest() {
        assert_eq!(Step::parse("1month"), Ok(Step::Months(1)));
        assert_eq!(Step::parse("3months"), Ok(Step::Months(3)));
        assert_eq!(Step::parse("2weeks"), Ok(Step::Weeks(2)));
        assert_eq!(Step::parse("week"), Ok(Step::Weeks(1)));
        assert!(Step::parse("0weeks").is_err());
        assert!(Step::parse("2 fortnights").is_err());
        assert_eq!(Step::Months(2).to_string(), "2months");
    }

    #[test]
    fn a_monthly_grid_keeps_the_day_or_the_months_last_day() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let g = grid(d("2014-01-31"), d("2014-04-30"), Step::Months(1)).unwrap();
        assert_eq!(
            g,
            [
                d("2014-01-31"),
                d("2014-02-28"),
                d("2014-03-31"),
                d("2014-04-30")
            ]
        );
        assert!(grid(d("2014-02-01"), d("2014-01-01"), Step::Weeks(1)).is_err());
        assert!(grid(d("2000-01-01"), d("2030-01-01"), Step::Weeks(1)).is_err());
    }

    /// A point with probability `p` (nothing else matters to the search).
    fn point(promise: NaiveDate, on_grid: bool, p: f64) -> PromisePoint {
        PromisePoint {
            promise,
            on_grid,
            p_delivered: p,
            delivered: Vec::new(),
            delivered_quantiles: [None; 3],
            replans_mean: 0.0,
            engagement_lost: Vec::new(),
            spend_gbp_mean: 0.0,
        }
    }

    #[test]
    fn the_honest_search_refines_the_first_bracket_week_by_week_and_flags_dips() {
        let day0 = "2014-01-06".parse::<NaiveDate>().unwrap();
        let week = |k: i64| day0 + Duration::weeks(k);
        // Grid every 4 weeks; the true curve is not monotone: it reaches
        // 0.8 at week 6, falls back below at week 12, and is met again after.
        let p_of = |d: NaiveDate| match (d - day0).num_weeks() {
            k if k < 6 => 0.1 * k as f64,
            k if (12..14).contains(&k) => 0.5,
            _ => 0.85,
        };
        let mut scan = MilestoneScan {
            key: "pilot_start",
            delivered: ProgrammeMilestone::FirstPilotLive,
            original: day0,
            followers: Vec::new(),
            planned_days: 70,
            points: (0..5)
                .map(|k| point(week(4 * k), true, p_of(week(4 * k))))
                .collect(),
            honest: Vec::new(),
        };
        let mut runs = Vec::new();
        let h = honest(&mut scan, 0.8, |d| {
            runs.push(d);
            Ok(point(d, false, p_of(d)))
        })
        .unwrap();
        // Bracket weeks 4..8: weeks 5 and 6 are run, in order, and 6 is the answer.
        assert_eq!(runs, [week(5), week(6)]);
        assert_eq!(h.promise, Some(week(6)));
        assert_eq!(h.uplift_weeks, Some(6.0));
        assert_eq!(h.uplift_share, Some(42.0 / 70.0));
        assert_eq!(h.later_dips, [week(12)]);
        assert!(!h.at_grid_start);
        // The refined weeks are kept in order and reused by the next level.
        assert!(scan.points.windows(2).all(|w| w[0].promise < w[1].promise));
        let h = honest(&mut scan, 0.45, |_| panic!("weeks 5 and 6 are known")).unwrap();
        assert_eq!(h.promise, Some(week(5)));
        // Met at the grid's start: flagged; never met: none.
        assert!(
            honest(&mut scan, 0.0, |_| unreachable!())
                .unwrap()
                .at_grid_start
        );
        assert_eq!(
            honest(&mut scan, 0.9, |_| unreachable!()).unwrap().promise,
            None
        );
    }

    #[test]
    fn promising_the_pilot_start_moves_its_followers_by_the_same_days() {
        let base = Scenario::default_nwl();
        let d = "2014-04-07".parse::<NaiveDate>().unwrap();
        let s = promised_scenario(&base, "pilot_start", d, Followers::Shift).unwrap();
        let (t0, t) = (&base.raw().timetable, &s.raw().timetable);
        let shift = d - t0.pilot_start.0;
        assert_eq!(t.pilot_start.0, d);
        assert_eq!(t.wider_rollout.0, t0.wider_rollout.0 + shift);
        assert_eq!(
            t.business_plan_approved.0,
            t0.business_plan_approved.0 + shift
        );
        assert_eq!(t.codesign_complete.0, t0.codesign_complete.0);
        let kept = promised_scenario(&base, "pilot_start", d, Followers::Keep).unwrap();
        assert_eq!(kept.raw().timetable.wider_rollout.0, t0.wider_rollout.0);
        // A wider roll-out before the pilot start is refused, with the reason.
        let early = "2013-09-02".parse::<NaiveDate>().unwrap();
        let e = promised_scenario(&base, "wider_rollout", early, Followers::Shift).unwrap_err();
        assert!(e.contains("timetable.wider_rollout"), "{e}");
    }
}
