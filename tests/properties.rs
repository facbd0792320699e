//! Property tests (proptest) over scenarios near and far from the default
//! (issue 10, "Property tests"): any scenario that passes validation runs to
//! completion, its outputs keep the model's invariants, and a replication's
//! result depends on neither the thread count nor the other replications.
//!
//! **Generation.** The default scenario is serialised to TOML, so every key
//! the model reads appears, defaults included (the approach of
//! tests/every_key.rs), and its leaves are collected: numbers, booleans,
//! dates, lists of values. A case perturbs one to four leaves: a number
//! scaled or replaced, a flag flipped, a date moved, a list shortened or
//! emptied. The *plausible* domain stays near the calibrated values (factors
//! 0.5–2, dates within a year); the *extreme* domain adds 0, −1, huge
//! values, NaN and infinity, dates in year 1 or 9999, empty lists. Only
//! scenarios that validate are kept (`prop_assume!`: proptest draws until it
//! has its number of valid cases). Scenarios whose single replication would
//! be expensive (long horizons, thousands of agents: `harness::small`, shared
//! with the fuzz targets) are also set aside; their sizes are the subject of
//! the validation limits, not of these properties.
//!
//! Case counts are moderate (the file runs in well under a minute in
//! release); every property runs with a fixed seed, so failures reproduce.

mod common;
#[path = "../fuzz/harness.rs"]
mod harness;

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use pioneer::model::calendar::Period;
use pioneer::observe::{
    Metric, MilestoneStatus, ReplicationResult, SeriesLayout, SpendCategory, CENTRAL_HOUR_USES,
};
use pioneer::scenario::locate::{KeyPath, Seg};
use pioneer::scenario::IsoDate;
use pioneer::{run_ensemble, run_replication, EnsembleSpec, Plan, Scenario};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use toml::Value;

// ------------------------------------------------------------- generation

/// Every leaf of a TOML document, as the library's key paths, in document
/// order: tables and lists of tables are entered, a list of values is one
/// leaf (the walk of tests/every_key.rs, kept as an explicit stack).
fn leaves(doc: &Value) -> Vec<KeyPath> {
    let mut out = Vec::new();
    let mut stack = vec![(KeyPath::root(), doc)];
    while let Some((here, node)) = stack.pop() {
        let children: Vec<(KeyPath, &Value)> = match node {
            Value::Table(t) => t.iter().map(|(k, c)| (here.key(k), c)).collect(),
            Value::Array(a) if a.iter().any(Value::is_table) => a
                .iter()
                .enumerate()
                .map(|(i, c)| (here.index(i), c))
                .collect(),
            _ => {
                out.push(here);
                continue;
            }
        };
        stack.extend(children.into_iter().rev());
    }
    out
}

/// The value at `path` (a path from `leaves` of the same document).
fn leaf_mut<'a>(doc: &'a mut Value, path: &KeyPath) -> &'a mut Value {
    path.0.iter().fold(doc, |node, seg| match (seg, node) {
        (Seg::Key(k), Value::Table(t)) => t.get_mut(k).expect("path from leaves()"),
        (Seg::Index(i), Value::Array(a)) => &mut a[*i],
        _ => unreachable!("path from leaves()"),
    })
}

/// The default scenario as a TOML document and its leaves.
fn default_doc() -> &'static (Value, Vec<KeyPath>) {
    static DOC: std::sync::OnceLock<(Value, Vec<KeyPath>)> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let doc = Value::try_from(Scenario::default_nwl().raw()).expect("serialisable scenario");
        let paths = leaves(&doc);
        (doc, paths)
    })
}

/// One change to one leaf. `k` picks the value from the domain's list.
#[derive(Debug, Clone, Copy)]
enum Op {
    /// Numbers: times a factor; flags: flipped; dates: moved by weeks;
    /// lists: last element dropped.
    Scale(usize),
    /// Numbers: replaced by an extreme value; dates: a far date; lists: emptied.
    Replace(usize),
}

const PLAUSIBLE_FACTORS: [f64; 6] = [0.5, 0.75, 0.9, 1.1, 1.5, 2.0];
const PLAUSIBLE_WEEKS: [i64; 6] = [-26, -4, -1, 1, 4, 26];
const EXTREME_FLOATS: [f64; 10] = [
    0.0,
    -1.0,
    1.0,
    -1e6,
    1e6,
    1e12,
    1e300,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
];
const EXTREME_INTS: [i64; 7] = [0, -1, 1, 1_000_000, 4_294_967_295, 1 << 53, i64::MAX];
const EXTREME_DATES: [&str; 4] = ["0001-01-01", "1900-01-01", "2999-12-31", "9999-12-31"];
const EXTREME_WEEKS: [i64; 4] = [-100_000, -520, 520, 100_000];

fn date_of(v: &Value) -> Option<NaiveDate> {
    match v {
        Value::String(s) => IsoDate::parse(s).map(|d| d.0),
        Value::Datetime(dt) => IsoDate::parse(&dt.to_string()).map(|d| d.0),
        _ => None,
    }
}

fn shift(d: NaiveDate, weeks: i64) -> Value {
    let moved = d.checked_add_signed(Duration::weeks(weeks)).unwrap_or(d);
    Value::String(moved.format("%Y-%m-%d").to_string())
}

fn apply(v: &mut Value, op: Op, extreme: bool) {
    let pick = |k: usize, n: usize| k % n;
    *v = match (op, &*v) {
        (_, Value::Boolean(b)) => Value::Boolean(!b),
        (Op::Scale(k), Value::Float(x)) => Value::Float(x * PLAUSIBLE_FACTORS[pick(k, 6)]),
        (Op::Scale(k), Value::Integer(x)) => {
            Value::Integer((*x as f64 * PLAUSIBLE_FACTORS[pick(k, 6)]).round() as i64)
        }
        (Op::Replace(k), Value::Float(_)) if extreme => Value::Float(EXTREME_FLOATS[pick(k, 10)]),
        (Op::Replace(k), Value::Integer(_)) if extreme => Value::Integer(EXTREME_INTS[pick(k, 7)]),
        (Op::Replace(k), Value::Float(x)) => Value::Float(x + k as f64 % 3.0),
        (Op::Replace(k), Value::Integer(x)) => Value::Integer(x + (k % 3) as i64),
        (Op::Scale(_), Value::Array(a)) if !a.is_empty() => Value::Array(a[..a.len() - 1].to_vec()),
        (Op::Replace(_), Value::Array(_)) if extreme => Value::Array(Vec::new()),
        (Op::Scale(k), other) => match date_of(other) {
            Some(d) => shift(d, PLAUSIBLE_WEEKS[pick(k, 6)]),
            None => other.clone(),
        },
        (Op::Replace(k), other) => match (date_of(other), extreme) {
            (Some(_), true) if k % 2 == 0 => {
                Value::String(EXTREME_DATES[pick(k / 2, 4)].to_string())
            }
            (Some(d), true) => shift(d, EXTREME_WEEKS[pick(k / 2, 4)]),
            (Some(d), false) => shift(d, PLAUSIBLE_WEEKS[pick(k, 6)]),
            (None, _) => other.clone(),
        },
    };
}

/// A perturbation: up to four (leaf, change) pairs.
type Changes = Vec<(Index, Op)>;

fn changes() -> impl Strategy<Value = Changes> {
    let op = prop_oneof![
        (0..64usize).prop_map(Op::Scale),
        (0..64usize).prop_map(Op::Replace)
    ];
    prop::collection::vec((any::<Index>(), op), 1..=4)
}

/// The perturbed scenario text and a readable list of what changed.
fn perturbed(changes: &Changes, extreme: bool) -> (String, Vec<String>) {
    let (doc, paths) = default_doc();
    let mut doc = doc.clone();
    let mut what = Vec::new();
    for (ix, op) in changes {
        let path = ix.get(paths);
        let leaf = leaf_mut(&mut doc, path);
        apply(leaf, *op, extreme);
        what.push(format!("{path} = {leaf}"));
    }
    (toml::to_string(&doc).expect("serialisable"), what)
}

/// The perturbed scenario if it validates and one replication is cheap.
fn valid(changes: &Changes, extreme: bool) -> Option<(Scenario, Vec<String>)> {
    let (text, what) = perturbed(changes, extreme);
    let s = Scenario::from_toml(&text, "tests/properties.rs").ok()?;
    harness::small(s.raw()).then_some((s, what))
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        max_global_rejects: 20_000,
        // Failures are reported (and pinned by hand) rather than saved into
        // the source tree.
        failure_persistence: None,
        max_shrink_iters: 256,
        ..Config::default()
    }
}

/// Runs the property `test` on `cases` valid (and small) scenarios,
/// perturbed in the plausible or the extreme domain, with a fixed seed
/// (reproducible on every machine). A panic in `test` is a failure too; a
/// failure names the changed keys after shrinking.
fn check(cases: u32, extreme: bool, test: impl Fn(&Scenario) -> Result<(), String>) {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[10; 32]);
    let mut runner = TestRunner::new_with_rng(config(cases), rng);
    let outcome = runner.run(&changes(), |c| {
        let Some((s, what)) = valid(&c, extreme) else {
            return Err(TestCaseError::reject("invalid or expensive"));
        };
        guarded(&what, || test(&s))
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

// ------------------------------------------------------------- invariants

/// Invariants every replication of `plan` keeps (the reasons are ODD
/// sections; each check names the one it relies on).
fn check_invariants(plan: &Plan, r: &ReplicationResult) -> Result<(), String> {
    let cal = &plan.calendar;
    let start = cal.date(0);
    let horizon = plan.params().calendar.horizon;
    let n_journey = plan.journey.len();

    // Milestones (ODD §2.2, §7.7): a milestone takes work only when every
    // prerequisite is achieved or skipped, so none is achieved before its
    // prerequisites (same week allowed: a week's order of events) — a
    // skipped prerequisite counts as met, and skipping is final.
    let mut by_key = BTreeMap::new();
    for m in &r.milestones {
        by_key.insert((m.ea, m.milestone), m);
    }
    for m in &r.milestones {
        // §4.11: achieved dates are the Monday of a simulated week.
        if let Some(d) = m.achieved {
            if d < start || d > horizon {
                return Err(format!(
                    "milestone {} of {:?} achieved {d}, outside {start}..{horizon}",
                    plan.milestone_id(m.milestone),
                    m.ea
                ));
            }
            if m.status != MilestoneStatus::Achieved {
                return Err(format!("achieved date with status {:?}", m.status));
            }
        } else if m.status == MilestoneStatus::Achieved {
            return Err("status achieved without a date".into());
        }
        // §7.13: re-plans move plans later only, so the latest plan is never
        // before the first.
        if let (Some(first), Some(latest)) = (m.first_planned, m.planned) {
            if latest < first {
                return Err(format!(
                    "milestone {} of {:?}: latest plan {latest} before first plan {first}",
                    plan.milestone_id(m.milestone),
                    m.ea
                ));
            }
        }
        let (Some(e), Some(d)) = (m.ea, m.achieved) else {
            continue;
        };
        if m.milestone >= n_journey {
            continue;
        }
        for &p in &plan.journey[m.milestone].requires {
            let Some(pre) = by_key.get(&(Some(e), p)) else {
                return Err(format!("no record of prerequisite {p}"));
            };
            let met =
                pre.status == MilestoneStatus::Skipped || pre.achieved.is_some_and(|a| a <= d);
            if !met {
                return Err(format!(
                    "early adopter {e}: {} achieved {d} before its prerequisite {} ({:?}, {:?})",
                    plan.milestone_id(m.milestone),
                    plan.milestone_id(p),
                    pre.status,
                    pre.achieved
                ));
            }
        }
    }
    // §4.11: go-live is `pilot_live`, the same week in both records.
    for (e, t) in r.go_live.iter().enumerate() {
        let rec = by_key.get(&(Some(e), plan.pilot_live)).map(|m| m.achieved);
        if rec != Some(t.map(|t| cal.date(t))) {
            return Err(format!(
                "early adopter {e}: go_live {t:?} but pilot_live {rec:?}"
            ));
        }
    }

    // §7.13: a re-plan moves a plan later ("if the new date is later than
    // the old"), in review order, and each starts from the previous plan.
    let mut last_tick = 0;
    let mut latest: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for p in &r.replans {
        if p.new < p.old || p.tick < last_tick {
            return Err(format!("re-plan {p:?} moves back or out of order"));
        }
        if let Some(prev) = latest.insert(p.milestone, p.new) {
            if prev != p.old {
                return Err(format!("re-plan {p:?} does not start from the plan {prev}"));
            }
        }
        last_tick = p.tick;
    }

    // §4.11, §7.17: engagement is in 0..1; shares are shares; every series is
    // a number.
    let layout: &SeriesLayout = &plan.series;
    let n = layout.len();
    let shares = [
        Metric::Engagement,
        Metric::InvolvedShare,
        Metric::GpAwareShare,
        Metric::GpAwareShareAssumed,
        Metric::GpInvolvedShare,
    ];
    for (period, row) in r.series.chunks(n).enumerate() {
        for (def, &x) in layout.defs.iter().zip(row) {
            let bad = !x.is_finite()
                || (shares.contains(&def.metric) && !(0.0..=1.0).contains(&x))
                || x < 0.0 && def.metric != Metric::AdmissionsReduction;
            if bad {
                return Err(format!(
                    "period {period}: {} {} = {x}",
                    layout.scope_name(def),
                    def.metric.id()
                ));
            }
        }
        // §7.4: central hours by use add up to the hours available.
        let available = row[SeriesLayout::programme_metric(Metric::CentralHoursAvailable)];
        let used: f64 = CENTRAL_HOUR_USES
            .iter()
            .map(|&m| row[SeriesLayout::programme_metric(m)])
            .sum();
        if (used - available).abs() > 1e-6 * available.abs().max(1.0) {
            return Err(format!(
                "period {period}: central hours used {used} ≠ available {available}"
            ));
        }
    }

    // §7.4, §7.9: money is spent only from a year's budget (after the
    // wind-down rule): the local pot never goes below zero; the central
    // budget pays the team first and, with `budget_cap` on, caps
    // consultancy too. The declared overspend is consultancy with
    // `budget_cap` off (`UnspentRecord`: central negative only then).
    if plan.budgeted {
        let mut years: BTreeMap<i32, [f64; 4]> = BTreeMap::new();
        for month in 0..plan.months {
            let fy = cal.financial_year(cal.period_start(month, Period::Month));
            let y = years.entry(fy).or_default();
            for c in SpendCategory::ALL {
                let x = r.spend_in(month, c);
                if !(x >= 0.0 && x.is_finite()) {
                    return Err(format!("month {month}: {} spend {x}", c.id()));
                }
                y[c.index()] += x;
            }
        }
        let cap = plan.params().switches.budget_cap;
        for (fy, y) in years {
            let b = plan.budget_by_year.get(&fy);
            let central = b.map_or(0.0, |b| b.central_gbp);
            let local = b.map_or(0.0, |b| b.local_gbp);
            let tol = |budget: f64| 1e-3 + 1e-9 * budget.abs();
            let spent_local =
                y[SpendCategory::EaTranches.index()] + y[SpendCategory::LocalSupport.index()];
            let team = y[SpendCategory::ProgrammeTeam.index()];
            let spent_central = team + y[SpendCategory::Consultancy.index()];
            if spent_local > local + tol(local) {
                return Err(format!(
                    "{fy}: local spend {spent_local} > local budget {local}"
                ));
            }
            if team > central + tol(central) {
                return Err(format!(
                    "{fy}: team spend {team} > central budget {central}"
                ));
            }
            if cap && spent_central > central + tol(central) {
                return Err(format!(
                    "{fy}: central spend {spent_central} > central budget {central} with budget_cap on"
                ));
            }
        }
    }
    Ok(())
}

/// Runs `f`, turning a panic into a failure that names the changed keys
/// (proptest then shrinks to the fewest, simplest changes).
fn guarded(what: &[String], f: impl FnOnce() -> Result<(), String>) -> Result<(), TestCaseError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(TestCaseError::fail(format!("{e}\n  with {what:?}"))),
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(TestCaseError::fail(format!(
                "panic: {msg}\n  with {what:?}"
            )))
        }
    }
}

/// `replications` replications of `s`, each checked by `check_invariants`.
fn run_checked(s: &Scenario, replications: u32) -> Result<(), String> {
    let (plan, results) = common::ensemble(s, replications);
    results.iter().try_for_each(|r| check_invariants(&plan, r))
}

// ------------------------------------------------------------- properties

/// (a) Any scenario that passes validation runs to completion without a
/// panic (issue 10: no panic on accepted input; the validator is the
/// contract, ODD §7.14 gives the ranges). Extreme values included.
#[test]
fn every_valid_scenario_runs_without_panic() {
    check(96, true, |s| {
        let runs = pioneer::Ensemble::new(s).seed(3).replications(1).run();
        let _ = runs.summary();
        Ok(())
    });
}

/// (b) Outputs keep the model's invariants (see `check_invariants`) for
/// scenarios near the calibrated one.
#[test]
fn outputs_keep_the_model_invariants() {
    check(64, false, |s| run_checked(s, 2));
}

/// (b) The same invariants for valid scenarios with extreme values.
#[test]
fn outputs_keep_the_model_invariants_at_extreme_values() {
    check(48, true, |s| run_checked(s, 1));
}

/// (c) A replication's result depends only on the plan, the master seed and
/// its index (ODD §9: each replication draws from its own streams keyed by
/// seed, replication, agent and purpose; ensembles collect in replication
/// order): replication r alone equals replication r within an ensemble, on
/// one thread or two, and with agents deciding in parallel or not (the
/// `engine.parallel_agents_threshold` setting changes how, not what).
#[test]
fn a_replication_is_independent_of_threads_and_company() {
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("thread pool")
    };
    let (one, two) = (pool(1), pool(2));
    check(12, false, |s| {
        let plan = Plan::new(s);
        let seed = 77;
        let spec = EnsembleSpec {
            seed,
            replications: 3,
        };
        let alone = run_replication(&plan, seed, 2);
        let serial = one.install(|| run_ensemble(&plan, spec, || {}));
        let parallel = two.install(|| run_ensemble(&plan, spec, || {}));
        let mut forced = s.raw().clone();
        forced.engine.parallel_agents_threshold = 0;
        let forced = Scenario::from_raw(forced, "", "tests/properties.rs").expect("still valid");
        let forced_plan = Plan::new(&forced);
        let agents_parallel = two.install(|| run_replication(&forced_plan, seed, 2));
        if serial != parallel {
            return Err("an ensemble on 1 thread differs from one on 2".into());
        }
        if alone != serial[2] {
            return Err("replication 2 alone differs from replication 2 in an ensemble".into());
        }
        if alone != agents_parallel {
            return Err("replication 2 differs with agents deciding in parallel".into());
        }
        Ok(())
    });
}
