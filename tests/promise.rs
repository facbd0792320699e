//! `pioneer promise` (docs/promise.md): the promise curve and the honest
//! timetable.
//!
//! - With the deadline mechanisms switched off, the promise cannot change
//!   the delivery: under common random numbers every replication delivers on
//!   exactly the same date whatever the promise (not merely within Monte
//!   Carlo error: nothing random depends on the promise), and the honest
//!   promise is the nearest-rank quantile of a plain run, up to the week the
//!   search refines to.
//! - With them on, promising the bid's date delivers later than a later
//!   promise, with more re-plans: missed deadlines cost engagement and
//!   credibility (ODD §7.12, §7.13).
//! - The fixed point is met: the week before the honest promise falls short
//!   of the confidence under the same seed, and an independent re-run at the
//!   honest promise gives the stated probability within binomial error.
//!
//! Replications and grids are small; every tolerance is stated where it is used.

use chrono::{Duration, NaiveDate};
use pioneer::engine::milestone_ref::MilestoneRef;
use pioneer::model::ProgrammeMilestone;
use pioneer::promise::{scan, Followers, PromiseScan, PromiseSpec, Step};
use pioneer::util::stats::nearest_rank;
use pioneer::{Ensemble, Scenario};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The default scenario with switches turned off.
fn without(switches: &[&str]) -> Scenario {
    let mut raw = Scenario::default_nwl().raw().clone();
    for s in switches {
        match *s {
            "deadline_feedback" => raw.switches.deadline_feedback = false,
            "deadline_momentum" => raw.switches.deadline_momentum = false,
            "scope_decisions" => raw.switches.scope_decisions = false,
            other => panic!("unknown switch {other}"),
        }
    }
    Scenario::from_raw(raw, pioneer::scenario::DEFAULT_SCENARIO, "no_deadlines").unwrap()
}

/// Every mechanism that reads a promised date: missed deadlines (engagement
/// and credibility), deadline momentum, and scope decisions (an early
/// adopter scales back when its projection is far past its planned pilot
/// start, ODD §7.15).
const DEADLINE_EFFECTS: [&str; 3] = ["deadline_feedback", "deadline_momentum", "scope_decisions"];

fn pilot_spec(from: &str, to: &str, step: Step, confidence: &[f64], n: u32) -> PromiseSpec {
    PromiseSpec {
        milestones: vec!["pilot_start".into()],
        from: Some(d(from)),
        to: Some(d(to)),
        step,
        confidence: confidence.to_vec(),
        replications: n,
        seed: 3,
        followers: Followers::Shift,
    }
}

fn pilot(s: &PromiseScan) -> &pioneer::promise::MilestoneScan {
    &s.milestones[0]
}

#[test]
fn without_deadline_effects_the_delivery_does_not_depend_on_the_promise() {
    let scenario = without(&DEADLINE_EFFECTS);
    let n = 30;
    let levels = [0.5, 0.9];
    let s = scan(
        &scenario,
        &pilot_spec("2014-01-06", "2015-09-06", Step::Months(4), &levels, n),
        None,
    )
    .unwrap();
    let m = pilot(&s);
    assert!(m.points.len() >= 6, "grid and refinement evaluated");
    // Exactly the same delivered date in every replication at every promise.
    for p in &m.points {
        assert_eq!(p.delivered, m.points[0].delivered, "promise {}", p.promise);
    }
    // The promises differ where nothing feeds back: the early promise is
    // re-planned, the late one is not (so the test is not vacuous).
    assert!(m.points[0].replans_mean > m.points.last().unwrap().replans_mean);
    // The honest timetable is the quantile of a plain run (the original
    // promise), to the week: the earliest evaluated promise on or after the
    // nearest-rank quantile, and the search evaluates every week of the
    // grid interval where it falls.
    let runs = Ensemble::new(&scenario).seed(3).replications(n).run();
    let mut dates: Vec<NaiveDate> = runs
        .results
        .iter()
        .filter_map(|r| {
            MilestoneRef::Programme(ProgrammeMilestone::FirstPilotLive.index())
                .record(&runs.plan, r, None)
                .and_then(|x| x.achieved)
        })
        .collect();
    dates.sort_unstable();
    for h in &m.honest {
        let q = nearest_rank(&dates, n as usize, h.confidence).expect("reached");
        let p = h.promise.expect("met within the grid");
        assert!(!h.at_grid_start);
        assert!(
            q <= p && p < q + Duration::weeks(1),
            "confidence {}: quantile {q}, honest {p}",
            h.confidence
        );
        assert!(h.p_delivered.unwrap() >= h.confidence);
    }
}

#[test]
fn with_deadline_effects_an_early_promise_delivers_later_with_more_replans() {
    // The bid's date (6 Jan 2014) against a promise half a year later, both
    // still before any early adopter can go live; one promise each.
    let base = Scenario::default_nwl();
    let n = 30;
    let run = |scenario: &Scenario, at: &str| {
        let s = scan(
            scenario,
            &pilot_spec(at, at, Step::Months(1), &[0.5], n),
            None,
        )
        .unwrap();
        pilot(&s).points[0].clone()
    };
    let (early, later) = (run(&base, "2014-01-06"), run(&base, "2014-07-07"));
    // Paired (same replication, same random numbers): how much later the
    // early promise delivers.
    let mut diff: Vec<i64> = early
        .delivered
        .iter()
        .zip(&later.delivered)
        .map(|(a, b)| (a.unwrap() - b.unwrap()).num_days())
        .collect();
    diff.sort_unstable();
    let median = diff[diff.len() / 2];
    // Missed deadlines lower commitment for good: the early promise is
    // re-planned about once more and delivers later in the median pair
    // (the scan measured about three weeks; any positive median is the
    // direction the mechanisms imply).
    assert!(early.replans_mean > later.replans_mean + 0.5);
    assert!(median > 0, "paired differences {diff:?}");
    // The extra slip costs the commissioners engagement for good (their
    // engagement ends lower relative to where it started).
    let ccg = |p: &pioneer::promise::PromisePoint| {
        p.engagement_lost
            .iter()
            .find(|(k, _)| k.id() == "ccg")
            .unwrap()
            .1
    };
    assert!(
        ccg(&early) > ccg(&later),
        "{} vs {}",
        ccg(&early),
        ccg(&later)
    );
    // Switched off, the same two promises deliver identically (exact zero)
    // and cost the same engagement.
    let off = without(&DEADLINE_EFFECTS);
    let (a, b) = (run(&off, "2014-01-06"), run(&off, "2014-07-07"));
    assert_eq!(a.delivered, b.delivered);
    assert_eq!(a.engagement_lost, b.engagement_lost);
}

#[test]
fn the_honest_promise_is_a_fixed_point() {
    let base = Scenario::default_nwl();
    let (c, n1, n2) = (0.8, 60u32, 120u32);
    let s = scan(
        &base,
        &pilot_spec("2014-09-01", "2015-05-01", Step::Months(2), &[c], n1),
        None,
    )
    .unwrap();
    let h = &pilot(&s).honest[0];
    let p = h.promise.expect("met within the grid");
    let stated = h.p_delivered.unwrap();
    assert!(stated >= c && !h.at_grid_start);
    let at = |date: NaiveDate, seed: u64, n: u32| {
        let mut spec = pilot_spec("2014-01-06", "2014-01-06", Step::Weeks(1), &[c], n);
        (spec.from, spec.to, spec.seed) = (Some(date), Some(date), seed);
        pilot(&scan(&base, &spec, None).unwrap()).points[0].p_delivered
    };
    // Minimal: one week earlier is not met with the same replications.
    assert!(at(p - Duration::weeks(1), 3, n1) < c);
    // Met: an independent re-run (another seed) at the honest promise gives
    // the stated probability within three binomial standard errors of the
    // difference of two independent shares (about 0.19 here); the stated
    // one is itself a noisy estimate chosen as the first to reach c.
    let again = at(p, 99, n2);
    let se = (stated * (1.0 - stated) * (1.0 / f64::from(n1) + 1.0 / f64::from(n2))).sqrt();
    let tolerance = 3.0 * se.max((c * (1.0 - c) / f64::from(n2)).sqrt());
    assert!(
        (again - stated).abs() <= tolerance,
        "stated {stated}, re-run {again}, tolerance {tolerance}"
    );
    assert!(again >= c - tolerance, "re-run {again}");
}
