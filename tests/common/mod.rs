//! Shared helpers of the integration tests that simulate scenarios: the one
//! place that touches the library's simulation API (`mod sim`, which maps
//! results into the plain struct `Run`; `ensemble` hands the library's own
//! plan and results to the structural money checks that need them), the
//! scenario editing (`scenario`), `load_error`, the paired
//! common-random-numbers statistics (`paired`, `assert_moves`) and outcome
//! functions of `Run`.
//! Each test file that needs them declares `mod common;`; not every file uses
//! every helper, hence the `dead_code` and `unused_imports` allowances.
//!
//! **Paired design.** Both arms run the same master seed and replication
//! indices (common random numbers: every agent's streams are keyed by seed,
//! replication, agent and purpose, so two arms see the same shocks until
//! their dynamics diverge). `assert_moves` asserts that the mean paired
//! difference `off − on` lies beyond `K = 3` standard errors in the expected
//! direction and that at least one replication differs. Three standard errors
//! is the house tolerance: an effect-free mechanism passes a one-sided 3-SE
//! test by chance with probability about 0.1%, and with a fixed seed the
//! tests are deterministic.
#![allow(dead_code, unused_imports)]

use std::sync::OnceLock;

pub use sim::{
    ensemble, load_error, simulate, switch_names, week_of, MonthSpend, Replan, Run, ScopeChange,
    Workaround,
};

// ===================================================================== API
// The only place that touches the library's API (names like `Plan`,
// `run_ensemble`, `EnsembleSpec` and `ReplicationResult`'s fields may be
// renamed; adjust this block only).
mod sim {
    use std::collections::BTreeMap;

    use chrono::{Datelike, NaiveDate};
    use pioneer::model::calendar::financial_year;
    use pioneer::model::calendar::Period;
    use pioneer::model::AgentKind;
    use pioneer::observe::{Metric, MilestoneStatus, ReplicationResult, SpendCategory};
    use pioneer::{run_ensemble, EnsembleSpec, Plan, Scenario};

    /// Master seed shared by every arm (common random numbers).
    const SEED: u64 = 20_130_628;

    /// Spend of one calendar month, GBP by category id (`consultancy`,
    /// `programme_team`, `ea_tranches`, `local_support`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct MonthSpend {
        pub year: i32,
        pub month: u32,
        /// NHS financial year (the calendar year in which it starts).
        pub financial_year: i32,
        pub by_category: BTreeMap<String, f64>,
    }

    /// One early adopter's recorded scope decision.
    #[derive(Debug, Clone, PartialEq)]
    pub struct ScopeChange {
        pub early_adopter: String,
        /// Week of the review at which it decided.
        pub week: f64,
        pub from: String,
        pub to: String,
        /// Its planned pilot start and projected go-live then (weeks).
        pub planned_week: f64,
        pub projected_week: f64,
        /// The recorded slip that triggered it (weeks).
        pub slip_weeks: f64,
    }

    /// What one replication produced, in plain terms. Times are in weeks
    /// from the scenario's first week (tick 0).
    #[derive(Debug, Clone, PartialEq)]
    pub struct Run {
        /// Weeks simulated (an unreached milestone can be counted here).
        pub horizon_weeks: f64,
        /// Week each early adopter went live (`pilot_live`), in scenario order.
        pub go_live_weeks: Vec<Option<f64>>,
        /// Week each milestone was achieved, keyed `"<ea id>/<milestone>"` or
        /// `"programme/<milestone>"`; skipped milestones are absent.
        pub milestone_weeks: BTreeMap<String, Option<f64>>,
        /// Latest planned week of each milestone (same keys).
        pub final_plan_weeks: BTreeMap<String, f64>,
        /// Number of re-plans of the programme's pilot start.
        pub replans: usize,
        /// Spend by calendar month.
        pub spend: Vec<MonthSpend>,
        /// First week of each recording period.
        pub period_start_weeks: Vec<f64>,
        /// Mean engagement per recording period, by agent kind id.
        pub engagement_by_kind: BTreeMap<String, Vec<f64>>,
        /// Transactional hours per recording period, by agent kind id.
        pub transactional_hours_by_kind: BTreeMap<String, Vec<f64>>,
        /// People enrolled under the new model at the end of each recording
        /// period, across the programme.
        pub people_enrolled: Vec<f64>,
        /// Transactional hours that reached journey milestones and local
        /// workarounds over the whole run, by agent kind id (the effort
        /// accounting: equals the kind's recorded transactional hours).
        pub applied_transactional_by_kind: BTreeMap<String, f64>,
        /// Local barrier workarounds, keyed `"<ea id>/<barrier id>"`.
        pub workarounds: BTreeMap<String, Workaround>,
        /// Re-plans of the programme's pilot start, in order.
        pub pilot_replans: Vec<Replan>,
        /// Meeting hours per recording period, by agent kind id.
        pub meeting_hours_by_kind: BTreeMap<String, Vec<f64>>,
        /// Share of organisations involved per recording period, by agent
        /// kind id.
        pub involved_by_kind: BTreeMap<String, Vec<f64>>,
        /// Attendees by agent kind id, summed over every recorded meeting.
        pub attendees_by_kind: BTreeMap<String, f64>,
        /// Steering committee meetings that someone attended but that were
        /// not quorate.
        pub void_steering_meetings: usize,
        /// Share of GP practices aware of the programme at the end of each
        /// recording period, across the programme.
        pub gp_aware_share: Vec<f64>,
        /// Share the leaders expected to be aware (assumed cascade), per period.
        pub gp_aware_share_assumed: Vec<f64>,
        /// Share of GP practices aware, per early adopter (scenario order) and period.
        pub ea_gp_aware_share: Vec<Vec<f64>>,
        /// Share of GP practices involved, per early adopter and period.
        pub ea_gp_involved_share: Vec<Vec<f64>>,
        /// Early adopters' scope decisions, in the order taken.
        pub scope_changes: Vec<ScopeChange>,
        /// Skipped milestones, keyed `"<ea id>/<milestone>"`.
        pub skipped: std::collections::BTreeSet<String>,
    }

    /// One early adopter's local workaround of one barrier (weeks from
    /// tick 0).
    #[derive(Debug, Clone, PartialEq)]
    pub struct Workaround {
        /// Member organisations that must take part.
        pub parties: u32,
        /// Effective hours it needs.
        pub hours: f64,
        pub started_week: Option<f64>,
        pub completed_week: Option<f64>,
    }

    /// One re-plan of the programme's pilot start, in weeks from tick 0.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Replan {
        pub review_week: f64,
        pub old_week: f64,
        pub new_week: f64,
    }

    /// The plan of a loaded scenario and `replications` replications of it
    /// with the shared master seed, as the library gives them (for the
    /// structural money checks of tests/money_accounting.rs, which read the
    /// plan's calendar and budgets; prefer `simulate`).
    pub fn ensemble(scenario: &Scenario, replications: u32) -> (Plan, Vec<ReplicationResult>) {
        let plan = Plan::new(scenario);
        let results = run_ensemble(
            &plan,
            EnsembleSpec {
                seed: SEED,
                replications,
            },
            || {},
        );
        (plan, results)
    }

    /// Runs `replications` replications of the scenario `text` with the
    /// shared master seed.
    pub fn simulate(text: &str, replications: u32) -> Vec<Run> {
        let scenario = Scenario::from_toml(text, "tests/common").expect("valid scenario");
        let (plan, results) = ensemble(&scenario, replications);
        let cal = &plan.calendar;
        let weeks_of = |d: NaiveDate| cal.tick_of(d) as f64;
        let period = scenario.raw().record.timeseries_every;
        let period_start_weeks: Vec<f64> = (0..plan.periods)
            .map(|p| weeks_of(cal.period_start(p, period)).max(0.0))
            .collect();
        let n_series = plan.series.len();
        results
            .iter()
            .map(|r| {
                let mut milestone_weeks = BTreeMap::new();
                let mut final_plan_weeks = BTreeMap::new();
                for m in &r.milestones {
                    if m.status == MilestoneStatus::Skipped {
                        continue;
                    }
                    let scope = m.ea.map_or("programme", |e| plan.eas[e].id.as_str());
                    let key = format!("{scope}/{}", plan.milestone_id(m.milestone));
                    milestone_weeks.insert(key.clone(), m.achieved.map(weeks_of));
                    if let Some(p) = m.planned {
                        final_plan_weeks.insert(key, weeks_of(p));
                    }
                }
                let spend = (0..plan.months)
                    .map(|mo| {
                        let start = cal.period_start(mo, Period::Month);
                        MonthSpend {
                            year: start.year(),
                            month: start.month(),
                            financial_year: financial_year(start),
                            by_category: SpendCategory::ALL
                                .iter()
                                .map(|&cat| (cat.id().to_string(), r.spend_in(mo, cat)))
                                .collect(),
                        }
                    })
                    .collect();
                let per_kind = |metric: Metric| -> BTreeMap<String, Vec<f64>> {
                    plan.series
                        .defs
                        .iter()
                        .enumerate()
                        .filter(|(_, d)| d.scope.is_none() && d.metric == metric)
                        .filter_map(|(i, d)| d.kind.map(|k| (i, k)))
                        .map(|(i, k)| {
                            let v = (0..plan.periods)
                                .map(|p| r.series[p * n_series + i])
                                .collect();
                            (k.id().to_string(), v)
                        })
                        .collect()
                };
                // A series of kind `all` at a scope (None: programme).
                let series_of = |scope: Option<usize>, metric: Metric| -> Vec<f64> {
                    let i = plan
                        .series
                        .defs
                        .iter()
                        .position(|d| d.scope == scope && d.kind.is_none() && d.metric == metric)
                        .unwrap_or_else(|| panic!("no series {} at {scope:?}", metric.id()));
                    (0..plan.periods)
                        .map(|p| r.series[p * n_series + i])
                        .collect()
                };
                Run {
                    horizon_weeks: cal.weeks() as f64,
                    go_live_weeks: r.go_live.iter().map(|g| g.map(|t| t as f64)).collect(),
                    milestone_weeks,
                    final_plan_weeks,
                    replans: r
                        .replans
                        .iter()
                        .filter(|x| x.milestone == "pilot_live")
                        .count(),
                    spend,
                    period_start_weeks: period_start_weeks.clone(),
                    engagement_by_kind: per_kind(Metric::Engagement),
                    transactional_hours_by_kind: per_kind(Metric::TransactionalHours),
                    people_enrolled: plan
                        .series
                        .defs
                        .iter()
                        .position(|d| {
                            d.scope.is_none()
                                && d.kind.is_none()
                                && d.metric == Metric::PeopleEnrolled
                        })
                        .map(|i| {
                            (0..plan.periods)
                                .map(|p| r.series[p * n_series + i])
                                .collect()
                        })
                        .expect("a programme-wide people_enrolled series"),
                    applied_transactional_by_kind: AgentKind::ALL
                        .iter()
                        .map(|k| (k.id().to_string(), r.applied_transactional_hours[k.index()]))
                        .collect(),
                    workarounds: r
                        .workarounds
                        .iter()
                        .map(|w| {
                            let key = format!(
                                "{}/{}",
                                plan.eas[w.ea].id,
                                plan.params().barriers[w.barrier].id
                            );
                            let wk = Workaround {
                                parties: w.parties,
                                hours: w.hours,
                                started_week: w.started.map(weeks_of),
                                completed_week: w.completed.map(weeks_of),
                            };
                            (key, wk)
                        })
                        .collect(),
                    pilot_replans: r
                        .replans
                        .iter()
                        .filter(|x| x.milestone == "pilot_live")
                        .map(|x| Replan {
                            review_week: x.tick as f64,
                            old_week: weeks_of(x.old),
                            new_week: weeks_of(x.new),
                        })
                        .collect(),
                    meeting_hours_by_kind: per_kind(Metric::MeetingHours),
                    involved_by_kind: per_kind(Metric::InvolvedShare),
                    attendees_by_kind: {
                        let mut a = BTreeMap::new();
                        for m in &r.meetings {
                            for k in AgentKind::ALL {
                                *a.entry(k.id().to_string()).or_insert(0.0) +=
                                    m.attendees[k.index()] as f64;
                            }
                        }
                        a
                    },
                    void_steering_meetings: r
                        .meetings
                        .iter()
                        .filter(|m| {
                            plan.bodies[m.body as usize]
                                .id
                                .starts_with("steering_committee:")
                                && m.attendees.iter().any(|&n| n > 0)
                                && !m.quorate
                        })
                        .count(),
                    gp_aware_share: series_of(None, Metric::GpAwareShare),
                    gp_aware_share_assumed: series_of(None, Metric::GpAwareShareAssumed),
                    ea_gp_aware_share: (0..plan.eas.len())
                        .map(|e| series_of(Some(e), Metric::GpAwareShare))
                        .collect(),
                    ea_gp_involved_share: (0..plan.eas.len())
                        .map(|e| series_of(Some(e), Metric::GpInvolvedShare))
                        .collect(),
                    scope_changes: r
                        .scope_decisions
                        .iter()
                        .map(|x| ScopeChange {
                            early_adopter: plan.eas[x.ea].id.clone(),
                            week: x.tick as f64,
                            from: x.from.id().to_string(),
                            to: x.to.id().to_string(),
                            planned_week: weeks_of(x.planned),
                            projected_week: weeks_of(x.projected),
                            slip_weeks: x.slip_weeks,
                        })
                        .collect(),
                    skipped: r
                        .milestones
                        .iter()
                        .filter(|m| m.status == MilestoneStatus::Skipped)
                        .filter_map(|m| {
                            m.ea.map(|e| {
                                format!("{}/{}", plan.eas[e].id, plan.milestone_id(m.milestone))
                            })
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// The error text of a scenario that must not load (panics if it loads).
    pub fn load_error(text: &str) -> String {
        match Scenario::from_toml(text, "tests/common") {
            Ok(_) => panic!("the scenario loaded, but it should have been rejected"),
            Err(e) => e.to_string(),
        }
    }

    /// Names of every switch in the scenario schema.
    pub fn switch_names() -> Vec<String> {
        let v = toml::Value::try_from(pioneer::scenario::raw::Switches::default())
            .expect("switches serialise");
        v.as_table().expect("a table").keys().cloned().collect()
    }

    /// The week (from tick 0 of the default scenario's calendar, which every
    /// scenario here shares) containing an ISO date.
    pub fn week_of(iso_date: &str) -> f64 {
        let s = Scenario::default_nwl();
        let cal = pioneer::model::calendar::Calendar::new(
            s.raw().calendar.start.0,
            s.raw().calendar.horizon.0,
        );
        let d = NaiveDate::parse_from_str(iso_date, "%Y-%m-%d").expect("ISO date");
        cal.tick_of(d) as f64
    }
}
// ================================================================ end API

/// The shipped default scenario (North West London).
pub const DEFAULT: &str = include_str!("../../scenarios/nwl_wsic_2013.toml");

/// Replications per arm (see the module comment for the choice).
pub const REPS: u32 = 150;

/// Standard errors the paired mean must clear (house default; see the
/// module comment).
pub const K: f64 = 3.0;

/// The default scenario with `change` applied to its TOML document and the
/// `off` switches set to false in its `[switches]` table (created if absent,
/// edited if present, so this works whether or not the file has one).
pub fn scenario(off: &[&str], change: impl FnOnce(&mut toml_edit::DocumentMut)) -> String {
    let mut doc: toml_edit::DocumentMut = DEFAULT.parse().expect("default scenario is TOML");
    change(&mut doc);
    for name in off {
        doc["switches"][*name] = toml_edit::value(false);
    }
    doc.to_string()
}

/// The default scenario with one switch off.
pub fn default_without(switch: &str) -> String {
    scenario(&[switch], |_| {})
}

/// The default scenario, all switches on: simulated once, shared.
pub fn default_on() -> &'static [Run] {
    static RUNS: OnceLock<Vec<Run>> = OnceLock::new();
    RUNS.get_or_init(|| simulate(DEFAULT, REPS))
}

// ============================================================= statistics

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Direction {
    /// Off gives a larger value (later, more).
    Up,
    /// Off gives a smaller value (earlier, less).
    Down,
}

/// Mean, standard error and number of non-zero per-replication paired
/// differences `off − on` of an outcome.
pub struct Paired {
    pub mean: f64,
    pub se: f64,
    pub differing: usize,
    pub n: usize,
}

pub fn paired<T>(on: &[T], off: &[T], outcome: impl Fn(&T) -> f64) -> Paired {
    assert_eq!(on.len(), off.len(), "arms must have the same replications");
    let d: Vec<f64> = on
        .iter()
        .zip(off)
        .map(|(a, b)| outcome(b) - outcome(a))
        .collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    Paired {
        mean,
        se: sd / n.sqrt(),
        differing: d.iter().filter(|x| **x != 0.0).count(),
        n: d.len(),
    }
}

/// Asserts that switching off moved `outcome` in direction `dir` by more
/// than `K` standard errors, and that it changed at least one replication.
pub fn assert_moves<T>(
    switch: &str,
    what: &str,
    on: &[T],
    off: &[T],
    dir: Direction,
    outcome: impl Fn(&T) -> f64,
) {
    let p = paired(on, off, outcome);
    // A difference that is the same in every replication (a structural
    // consequence, e.g. a spend cap) has an SE of rounding size only.
    let ratio = if p.se > 1e-9 * p.mean.abs() {
        format!("{:+.1} SE", p.mean / p.se)
    } else {
        "the same in every replication".to_string()
    };
    println!(
        "{switch}: {what}: mean paired difference off − on {:+.4} (SE {:.4}, {ratio}; {}/{} replications differ)",
        p.mean, p.se, p.differing, p.n
    );
    assert!(
        p.differing > 0,
        "{switch} off: {what} is identical in every replication (the switch had no effect)"
    );
    let signed = match dir {
        Direction::Up => p.mean,
        Direction::Down => -p.mean,
    };
    assert!(
        signed > 0.0 && signed > K * p.se,
        "{switch} off: {what} should go {dir:?} by more than {K} SE: mean paired difference {:+.4}, SE {:.4}",
        p.mean,
        p.se
    );
}

// =============================================================== outcomes
// Functions of the local `Run` only.

/// Mean week of go-live across the early adopters (not live: the horizon).
pub fn mean_go_live(r: &Run) -> f64 {
    r.go_live_weeks
        .iter()
        .map(|g| g.unwrap_or(r.horizon_weeks))
        .sum::<f64>()
        / r.go_live_weeks.len() as f64
}

/// Week a programme milestone was achieved (not reached: the horizon).
pub fn programme_week(r: &Run, id: &str) -> f64 {
    r.milestone_weeks
        .get(&format!("programme/{id}"))
        .unwrap_or_else(|| panic!("no programme milestone {id}"))
        .unwrap_or(r.horizon_weeks)
}

/// Mean week a journey milestone was achieved across the early adopters to
/// which it applies (not reached: the horizon).
pub fn mean_ea_week(r: &Run, id: &str) -> f64 {
    let suffix = format!("/{id}");
    let weeks: Vec<f64> = r
        .milestone_weeks
        .iter()
        .filter(|(k, _)| !k.starts_with("programme/") && k.ends_with(&suffix))
        .map(|(_, w)| w.unwrap_or(r.horizon_weeks))
        .collect();
    assert!(!weeks.is_empty(), "no early adopter milestone {id}");
    weeks.iter().sum::<f64>() / weeks.len() as f64
}

/// Mean engagement over the given agent kinds (all if empty), unweighted
/// across kinds, averaged over the recording periods starting at or after
/// `from_week`.
pub fn mean_engagement(r: &Run, kinds: &[&str], from_week: f64) -> f64 {
    let (mut sum, mut n) = (0.0, 0.0);
    for (kind, series) in &r.engagement_by_kind {
        if !kinds.is_empty() && !kinds.contains(&kind.as_str()) {
            continue;
        }
        for (p, e) in series.iter().enumerate() {
            if r.period_start_weeks[p] >= from_week {
                sum += e;
                n += 1.0;
            }
        }
    }
    assert!(n > 0.0, "no engagement values selected");
    sum / n
}

/// Mean engagement of an agent kind in the last recording period.
pub fn final_engagement(r: &Run, kind: &str) -> f64 {
    *r.engagement_by_kind[kind]
        .last()
        .expect("at least one recording period")
}

/// Total spend of a category in the months selected by `month`.
pub fn spend(r: &Run, category: &str, month: impl Fn(&sim::MonthSpend) -> bool) -> f64 {
    r.spend
        .iter()
        .filter(|m| month(m))
        .map(|m| m.by_category[category])
        .sum()
}

/// Transactional hours over the whole run of the given agent kinds.
pub fn transactional_hours(r: &Run, kinds: &[&str]) -> f64 {
    kinds
        .iter()
        .map(|k| r.transactional_hours_by_kind[*k].iter().sum::<f64>())
        .sum()
}

pub const PROVIDERS: [&str; 4] = [
    "acute_trust",
    "community_trust",
    "gp_practice",
    "third_sector",
];

/// All files of a directory and its subdirectories, relative name (`inputs/x.toml`) → bytes.
pub fn read_dir_files(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display())) {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_dir() {
            // Subdirectories (the input copies in inputs/) as `dir/name`.
            for (sub, bytes) in read_dir_files(&e.path()) {
                files.insert(format!("{name}/{sub}"), bytes);
            }
        } else {
            files.insert(name, std::fs::read(e.path()).unwrap());
        }
    }
    files
}

/// A file's text; panics naming the file when it cannot be read.
pub fn read_text(p: &std::path::Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Rows of a CSV without quoted fields, as field vectors (header first).
pub fn csv_rows(p: &std::path::Path) -> Vec<Vec<String>> {
    read_text(p)
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// The text content of every `<text>` element of an SVG, trimmed, in
/// drawing order.
pub fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}
