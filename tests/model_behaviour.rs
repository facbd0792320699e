//! Behaviour of the mechanisms on the default scenario: each test changes one
//! thing and checks the direction (and, where it is structural, the exact
//! consequence). Statistical comparisons use common random numbers (the same
//! seeds in both arms) and a paired test: the mean paired difference must
//! exceed three standard errors, which a mechanism with no effect passes by
//! chance with probability about 0.1%.

use chrono::NaiveDate;
use pioneer::observe::{MilestoneStatus, ReplicationResult};
use pioneer::scenario::raw::RawScenario;
use pioneer::scenario::DEFAULT_SCENARIO;
use pioneer::{run_ensemble, EnsembleSpec, Plan, Scenario};

const REPS: u32 = 150;

fn scenario_with(change: impl FnOnce(&mut RawScenario)) -> Scenario {
    let mut raw = Scenario::default_nwl().raw().clone();
    change(&mut raw);
    Scenario::from_raw(raw, DEFAULT_SCENARIO, "test").expect("valid variant")
}

fn run(s: &Scenario, reps: u32) -> (Plan, Vec<ReplicationResult>) {
    let plan = Plan::new(s);
    let results = run_ensemble(
        &plan,
        EnsembleSpec {
            seed: 11,
            replications: reps,
        },
        || {},
    );
    (plan, results)
}

/// Mean weeks to go-live across early adopters (unreached counted at the horizon).
fn mean_go_live_weeks(plan: &Plan, r: &ReplicationResult) -> f64 {
    let h = plan.calendar.weeks() as f64;
    r.go_live
        .iter()
        .map(|g| g.map_or(h, |t| t as f64))
        .sum::<f64>()
        / r.go_live.len() as f64
}

fn programme_achieved(plan: &Plan, r: &ReplicationResult, id: &str) -> Option<NaiveDate> {
    r.milestones
        .iter()
        .find(|m| m.ea.is_none() && plan.milestone_id(m.milestone) == id)
        .and_then(|m| m.achieved)
}

/// Asserts that `b − a` is positive beyond three standard errors of the paired mean.
fn assert_paired_increase(a: &[f64], b: &[f64], what: &str) {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let se = sd / n.sqrt();
    assert!(
        mean > 3.0 * se && mean > 0.0,
        "{what}: mean paired increase {mean:.3} is not above 3 SE ({se:.3})"
    );
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn design_finishes_near_plan_while_pilots_are_a_year_late() {
    let s = Scenario::default_nwl();
    let (plan, results) = run(&s, REPS);
    let plan_codesign = s.raw().timetable.codesign_complete.0;
    let plan_pilot = s.raw().timetable.pilot_start.0;
    let codesign_slip = median(
        results
            .iter()
            .map(|r| {
                (programme_achieved(&plan, r, "codesign_complete").unwrap() - plan_codesign)
                    .num_weeks() as f64
            })
            .collect(),
    );
    let first_live_slip = median(
        results
            .iter()
            .map(|r| {
                programme_achieved(&plan, r, "first_pilot_live")
                    .map_or(1e9, |d| (d - plan_pilot).num_weeks() as f64)
            })
            .collect(),
    );
    // C1: design within about two months of plan (allow 13 weeks here); the
    // first go-live slips by around a year (at least 40 weeks).
    assert!(
        codesign_slip <= 13.0,
        "co-design slipped {codesign_slip} weeks"
    );
    assert!(
        first_live_slip >= 40.0,
        "first go-live slipped only {first_live_slip} weeks"
    );
    assert!(
        first_live_slip > 3.0 * codesign_slip,
        "implementation should slip far more than design"
    );
}

#[test]
fn removing_national_barriers_brings_go_live_forward() {
    let (plan, base) = run(&Scenario::default_nwl(), REPS);
    let (_, off) = run(
        &scenario_with(|r| r.switches.national_barriers = false),
        REPS,
    );
    let a: Vec<f64> = base.iter().map(|r| mean_go_live_weeks(&plan, r)).collect();
    let b: Vec<f64> = off.iter().map(|r| mean_go_live_weeks(&plan, r)).collect();
    assert_paired_increase(&b, &a, "weeks to go-live with barriers vs without");
}

#[test]
fn without_consultants_codesign_takes_longer() {
    let (plan, base) = run(&Scenario::default_nwl(), REPS);
    let (_, off) = run(&scenario_with(|r| r.switches.consultancy = false), REPS);
    let weeks = |rs: &[ReplicationResult]| -> Vec<f64> {
        rs.iter()
            .map(|r| {
                programme_achieved(&plan, r, "codesign_complete")
                    .map_or(1e4, |d| (d - plan.calendar.date(0)).num_weeks() as f64)
            })
            .collect()
    };
    assert_paired_increase(
        &weeks(&base),
        &weeks(&off),
        "co-design weeks without consultancy",
    );
}

#[test]
fn every_replan_under_next_april_lands_on_the_first_of_april() {
    let (_, results) = run(&Scenario::default_nwl(), 60);
    let mut pilot_replans = 0;
    for r in &results {
        for x in r.replans.iter().filter(|x| x.milestone == "pilot_live") {
            pilot_replans += 1;
            assert_eq!(
                x.new.format("%m-%d").to_string(),
                "04-01",
                "re-plan to {}",
                x.new
            );
            assert!(x.new > x.old);
        }
    }
    // C3: the pilot start is re-planned at least twice in a typical run.
    assert!(
        pilot_replans >= 2 * results.len(),
        "only {pilot_replans} re-plans in {} runs",
        results.len()
    );
}

#[test]
fn without_replanning_the_first_timetable_stands() {
    let s = scenario_with(|r| r.switches.replanning = false);
    let (_, results) = run(&s, 20);
    for r in &results {
        assert!(r.replans.is_empty());
        for m in &r.milestones {
            assert_eq!(m.first_planned, m.planned);
        }
    }
}

#[test]
fn scaled_back_early_adopters_skip_full_scope_milestones_and_nothing_else() {
    // Initial scopes only: with scope decisions a full-scope scheme may
    // later scale back (tests/scope_decisions.rs).
    let text = include_str!("../scenarios/nwl_wsic_2013.toml").to_string()
        + "\n[switches]\nscope_decisions = false\n";
    let s = Scenario::from_toml(&text, "tests/model_behaviour.rs").expect("valid scenario");
    let (plan, results) = run(&s, 5);
    let ealing = plan.eas.iter().position(|e| e.id == "ealing").unwrap();
    let brent = plan.eas.iter().position(|e| e.id == "brent").unwrap();
    for r in &results {
        for m in &r.milestones {
            let full_only = m.ea.is_some() && plan.journey[m.milestone].full_scope_only;
            if m.ea == Some(ealing) {
                assert_eq!(
                    m.status == MilestoneStatus::Skipped,
                    full_only,
                    "{}",
                    plan.milestone_id(m.milestone)
                );
            }
            if m.ea == Some(brent) {
                assert_ne!(m.status, MilestoneStatus::Skipped);
            }
        }
    }
}

#[test]
fn lay_quorum_blocks_sign_off_when_lay_partners_never_attend() {
    let silent = scenario_with(|r| {
        r.organisations.lay_partner.engagement = 0.0;
        r.organisations.lay_partner.engagement_sd = 0.0;
        r.engagement.contact_gain = 0.0;
        r.engagement.reversion_rate = 0.0;
    });
    let (plan, results) = run(&silent, 10);
    assert!(results
        .iter()
        .all(|r| programme_achieved(&plan, r, "ea_signed_off").is_none()));
    let mut raw = silent.raw().clone();
    raw.switches.lay_quorum = false;
    let no_quorum = Scenario::from_raw(raw, DEFAULT_SCENARIO, "test").unwrap();
    let (plan, results) = run(&no_quorum, 10);
    assert!(results
        .iter()
        .all(|r| programme_achieved(&plan, r, "ea_signed_off").is_some()));
}

fn mean_final_engagement(plan: &Plan, r: &ReplicationResult) -> f64 {
    // Programme-wide mean of per-kind engagement in the last recorded period.
    let layout = &plan.series;
    let last = (plan.periods - 1) * layout.len();
    let vals: Vec<f64> = layout
        .defs
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            d.scope.is_none()
                && d.kind.is_some()
                && d.metric == pioneer::observe::Metric::Engagement
        })
        .map(|(i, _)| r.series[last + i])
        .collect();
    vals.iter().sum::<f64>() / vals.len() as f64
}

#[test]
fn missed_deadlines_erode_engagement() {
    let (plan, base) = run(&Scenario::default_nwl(), 60);
    let (_, off) = run(&scenario_with(|r| r.switches.deadline_feedback = false), 60);
    let a: Vec<f64> = base
        .iter()
        .map(|r| mean_final_engagement(&plan, r))
        .collect();
    let b: Vec<f64> = off
        .iter()
        .map(|r| mean_final_engagement(&plan, r))
        .collect();
    assert_paired_increase(&a, &b, "engagement without deadline feedback");
}

#[test]
fn a_big_unmet_promise_erodes_engagement() {
    let modest = Scenario::default_nwl();
    let big = scenario_with(|r| {
        r.outcomes.promised_reduction = 0.15;
        r.outcomes.promised_by = Some(pioneer::scenario::IsoDate::parse("2015-03-31").unwrap());
    });
    let (plan, a) = run(&modest, 60);
    let (_, b) = run(&big, 60);
    let ea: Vec<f64> = a.iter().map(|r| mean_final_engagement(&plan, r)).collect();
    let eb: Vec<f64> = b.iter().map(|r| mean_final_engagement(&plan, r)).collect();
    assert_paired_increase(&eb, &ea, "engagement with a modest promise vs a big one");
}

#[test]
fn scenario_reference_is_generated_from_the_schema() {
    let on_disk = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/scenario-reference.md"
    ))
    .unwrap();
    let generated = pioneer::scenario::schema::reference_markdown();
    assert!(
        on_disk == generated,
        "docs/scenario-reference.md is out of date: run `cargo run --release -- schema > docs/scenario-reference.md`"
    );
}

#[test]
fn consultancy_is_capped_by_the_central_budget() {
    // A central budget of £1m in 2013/14 pays the team first; consultancy
    // gets the rest (ODD §7.4), so team + consultancy is £1m.
    let capped = scenario_with(|r| r.budget[0].central_gbp = 1_000_000.0);
    let (plan, results) = run(&capped, 3);
    use pioneer::observe::SpendCategory;
    for r in &results {
        let fy2013: f64 = (0..plan.months)
            .filter(|&m| {
                pioneer::model::calendar::financial_year(
                    plan.calendar
                        .period_start(m, pioneer::model::calendar::Period::Month),
                ) == 2013
            })
            .map(|m| {
                r.spend_in(m, SpendCategory::Consultancy)
                    + r.spend_in(m, SpendCategory::ProgrammeTeam)
            })
            .sum();
        assert!(
            (fy2013 - 1_000_000.0).abs() < 1.0,
            "2013/14 central spend {fy2013}"
        );
    }
    let uncapped = scenario_with(|r| {
        r.budget[0].central_gbp = 1_000_000.0;
        r.switches.budget_cap = false;
    });
    let (plan, results) = run(&uncapped, 1);
    let total: f64 = (0..plan.months)
        .map(|m| results[0].spend_in(m, SpendCategory::Consultancy))
        .sum();
    assert!(
        (total - 7_900_000.0).abs() < 1.0,
        "uncapped consultancy {total}"
    );
}

#[test]
fn parallel_agent_decisions_match_sequential_ones() {
    // A larger programme (2,000 practices) decided in parallel and in sequence.
    let base = scenario_with(|r| r.organisations.gp_practice.count = 2000);
    let mut raw = base.raw().clone();
    raw.engine.parallel_agents_threshold = 0;
    let parallel = Scenario::from_raw(raw, DEFAULT_SCENARIO, "test").unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let (_, a) = pool.install(|| run(&base, 4));
    let (_, b) = pool.install(|| run(&parallel, 4));
    assert_eq!(a, b);
}
