//! Meetings, attendance, meeting burden and involvement (issue 9, defect 7;
//! docs/ODD.md §7.6, §7.12, §4.11).
//!
//! Paired tests use common random numbers: both arms share the master seed
//! and replication indices, so every agent sees the same draws until the
//! arms' dynamics diverge. Where a fix makes two arms *identical* (a
//! mechanism that must not act), the test asserts exact equality, which the
//! old behaviour broke. Where an effect must go one way, the paired mean
//! difference must clear `K = 3` standard errors (the house tolerance,
//! tests/switches.rs: a null effect passes a one-sided 3-SE test by chance
//! about 0.1% of the time, and the seed is fixed so the tests are
//! deterministic).

use sim::{simulate, Run};

// ===================================================================== API
mod sim {
    use std::collections::BTreeMap;

    use pioneer::observe::Metric;
    use pioneer::{run_ensemble, EnsembleSpec, Plan, Scenario};

    /// Master seed shared by every arm.
    const SEED: u64 = 20_130_628;

    /// What one replication produced.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Run {
        pub horizon_weeks: f64,
        /// Week each early adopter went live, in scenario order.
        pub go_live_weeks: Vec<Option<f64>>,
        /// Per recording period, by agent kind id.
        pub engagement_by_kind: BTreeMap<String, Vec<f64>>,
        pub meeting_hours_by_kind: BTreeMap<String, Vec<f64>>,
        pub transactional_hours_by_kind: BTreeMap<String, Vec<f64>>,
        pub involved_by_kind: BTreeMap<String, Vec<f64>>,
        /// Attendees by kind id summed over every recorded meeting.
        pub attendees_by_kind: BTreeMap<String, f64>,
        /// Steering committee meetings that someone attended but that were
        /// not quorate.
        pub void_steering_meetings: usize,
    }

    pub fn simulate(text: &str, replications: u32) -> Vec<Run> {
        let scenario = Scenario::from_toml(text, "tests/meetings_memberships.rs")
            .unwrap_or_else(|e| panic!("valid scenario: {e}"));
        let plan = Plan::new(&scenario);
        let results = run_ensemble(
            &plan,
            EnsembleSpec {
                seed: SEED,
                replications,
            },
            || {},
        );
        let n_series = plan.series.len();
        results
            .iter()
            .map(|r| {
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
                let mut attendees_by_kind = BTreeMap::new();
                for m in &r.meetings {
                    for k in pioneer::model::AgentKind::ALL {
                        *attendees_by_kind.entry(k.id().to_string()).or_insert(0.0) +=
                            m.attendees[k.index()] as f64;
                    }
                }
                let void_steering_meetings = r
                    .meetings
                    .iter()
                    .filter(|m| {
                        plan.bodies[m.body as usize]
                            .id
                            .starts_with("steering_committee:")
                            && m.attendees.iter().any(|&n| n > 0)
                            && !m.quorate
                    })
                    .count();
                Run {
                    void_steering_meetings,
                    horizon_weeks: plan.calendar.weeks() as f64,
                    go_live_weeks: r.go_live.iter().map(|g| g.map(|t| t as f64)).collect(),
                    engagement_by_kind: per_kind(Metric::Engagement),
                    meeting_hours_by_kind: per_kind(Metric::MeetingHours),
                    transactional_hours_by_kind: per_kind(Metric::TransactionalHours),
                    involved_by_kind: per_kind(Metric::InvolvedShare),
                    attendees_by_kind,
                }
            })
            .collect()
    }

    /// The validation errors of a scenario, as text.
    pub fn errors(text: &str) -> String {
        match Scenario::from_toml(text, "test.toml") {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }
}
// ================================================================ end API

const DEFAULT: &str = include_str!("../scenarios/nwl_wsic_2013.toml");
const K: f64 = 3.0;

fn scenario(change: impl FnOnce(&mut toml_edit::DocumentMut)) -> String {
    let mut doc: toml_edit::DocumentMut = DEFAULT.parse().expect("default scenario is TOML");
    change(&mut doc);
    doc.to_string()
}

fn set_off(doc: &mut toml_edit::DocumentMut, switches: &[&str]) {
    for s in switches {
        doc["switches"][*s] = toml_edit::value(false);
    }
}

fn mean_go_live(r: &Run) -> f64 {
    r.go_live_weeks
        .iter()
        .map(|g| g.unwrap_or(r.horizon_weeks))
        .sum::<f64>()
        / r.go_live_weeks.len() as f64
}

/// Mean and standard error of the paired differences `b − a`.
fn paired(a: &[Run], b: &[Run], f: impl Fn(&Run) -> f64) -> (f64, f64) {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| f(y) - f(x)).collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    (mean, sd / n.sqrt())
}

/// Defect 7: meetings come first. An organisation's attendance must not
/// depend on how much desk work it does. Two arms differ only in how much
/// transactional desk work providers give before commissioners commit
/// (`effort.provider_wait_factor` 0 vs 1). Every engagement feedback that
/// could carry the difference back to attendance is off, so with attendance
/// decided before desk work the providers' meeting hours are identical in
/// every replication. The old rule (attendance from the hours left after
/// desk work) gave providers more meetings when they did less desk work.
#[test]
fn desk_work_does_not_crowd_out_attendance() {
    let arm = |wait: f64| {
        scenario(|d| {
            d["effort"]["provider_wait_factor"] = toml_edit::value(wait);
            set_off(
                d,
                &[
                    "progress_feedback",
                    "deadline_feedback",
                    "meeting_burden",
                    "leadership_loss",
                    "outcome_feedback",
                ],
            );
        })
    };
    let a = simulate(&arm(0.0), 20);
    let b = simulate(&arm(1.0), 20);
    for kind in [
        "acute_trust",
        "community_trust",
        "gp_practice",
        "third_sector",
    ] {
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(
                x.meeting_hours_by_kind[kind], y.meeting_hours_by_kind[kind],
                "{kind}: meeting hours changed with desk work"
            );
        }
    }
}

/// Defect 7: meeting burden bites only where meetings exceed what an
/// organisation can give. When every organisation has far more programme
/// capacity than its meetings take (capacity 100 h/week, workload 0.2: at
/// least 16 h/week after the capacity draw's floor, against under 7 h/week
/// of meetings for the busiest member), switching `meeting_burden` off must
/// change nothing at all. The old rule charged desk work plus meetings
/// against spare hours, so it bit even here.
#[test]
fn meeting_burden_does_not_bite_when_meetings_fit_in_capacity() {
    let arm = |burden: bool| {
        scenario(|d| {
            for k in [
                "ccg",
                "local_authority",
                "acute_trust",
                "community_trust",
                "gp_practice",
                "third_sector",
                "lay_partner",
            ] {
                d["organisations"][k]["capacity_hours"] = toml_edit::value(100.0);
                d["organisations"][k]["workload"] = toml_edit::value(0.2);
            }
            if !burden {
                set_off(d, &["meeting_burden"]);
            }
        })
    };
    let on = simulate(&arm(true), 20);
    let off = simulate(&arm(false), 20);
    for (i, (a, b)) in on.iter().zip(&off).enumerate() {
        assert!(
            a == b,
            "replication {i}: meeting burden acted although meetings fit"
        );
    }
}

/// Defect 7 (K1, b.5): a lay chair improves a steering committee and never
/// makes it less productive. With lay partners rarely able to come
/// (engagement 0.1), early adopters with lay chairs must not go live later
/// than the same early adopters without. The old rule voided every
/// steering meeting the lay chair missed, so lay-chaired schemes were slower.
#[test]
fn a_lay_chair_never_slows_an_early_adopter() {
    let arm = |chair: bool| {
        scenario(|d| {
            d["organisations"]["lay_partner"]["engagement"] = toml_edit::value(0.1);
            d["organisations"]["lay_partner"]["engagement_sd"] = toml_edit::value(0.0);
            let eas = d["early_adopters"]
                .as_array_of_tables_mut()
                .expect("early adopters");
            for ea in eas.iter_mut() {
                ea["lay_chair"] = toml_edit::value(chair);
            }
        })
    };
    let none = simulate(&arm(false), 100);
    let chairs = simulate(&arm(true), 100);
    let void: usize = chairs.iter().map(|r| r.void_steering_meetings).sum();
    assert_eq!(void, 0, "steering meetings voided by an absent lay chair");
    let (mean, se) = paired(&none, &chairs, mean_go_live);
    println!("lay chairs − none: mean go-live {mean:+.3} weeks (SE {se:.3})");
    assert!(
        mean <= K * se,
        "lay chairs made early adopters later: {mean:+.3} weeks (SE {se:.3})"
    );
}

/// Switch `delegation` (b.6): NHS providers send delegates when no senior
/// person can come. In NWL their meetings mostly fit their capacity, so the
/// test makes trusts' senior time scarce (workload 0.95: under an hour a
/// week for the programme) — then switching delegation off must lower
/// their attendance. Paired, 40 replications: attendance counts are in the
/// hundreds per replication, so a real effect clears 3 SE easily.
#[test]
fn switch_delegation_off_lowers_provider_attendance() {
    let busy = |d: &mut toml_edit::DocumentMut| {
        for k in ["acute_trust", "community_trust"] {
            d["organisations"][k]["workload"] = toml_edit::value(0.95);
        }
    };
    let on = simulate(&scenario(busy), 40);
    let off = simulate(
        &scenario(|d| {
            busy(d);
            set_off(d, &["delegation"]);
        }),
        40,
    );
    let (mean, se) = paired(&on, &off, |r| {
        r.attendees_by_kind["acute_trust"] + r.attendees_by_kind["community_trust"]
    });
    println!("delegation off − on: provider attendances {mean:+.2} (SE {se:.2})");
    assert!(mean < 0.0 && -mean > K * se, "{mean:+.2} (SE {se:.2})");
}

/// Switch `meetings_first` (b.5, E2): off, desk work ignores the hours of
/// meetings attended, so organisations give more desk hours and the early
/// adopters go live earlier.
#[test]
fn switch_meetings_first_off_brings_go_live_forward() {
    let on = simulate(DEFAULT, 60);
    let off = simulate(&scenario(|d| set_off(d, &["meetings_first"])), 60);
    let (mean, se) = paired(&on, &off, mean_go_live);
    println!("meetings_first off − on: mean go-live {mean:+.2} weeks (SE {se:.2})");
    assert!(mean < 0.0 && -mean > K * se, "{mean:+.2} (SE {se:.2})");
}

/// Involvement is relative to an organisation's own capacity (§4.11). GP
/// practices give about half an hour a week; with every practice fully
/// engaged (engagement 0.9, no spread, no weekly noise) each practice in an
/// active early adopter with work it can do gives 90% of what it can, so in
/// mid-2014 (most early adopters active) a large share of practices must
/// count as involved: not all, since hours go only to work an organisation
/// can do (§7.3), and a practice whose early adopter has no open work it
/// signs gives its transactional hours to nothing. Under the old absolute
/// threshold (4 hours a month, more than a practice can give) almost none did.
#[test]
fn involvement_is_relative_to_own_capacity() {
    let text = scenario(|d| {
        d["organisations"]["gp_practice"]["engagement"] = toml_edit::value(0.9);
        d["organisations"]["gp_practice"]["engagement_sd"] = toml_edit::value(0.0);
        d["effort"]["availability_noise"] = toml_edit::value(0.0);
    });
    let runs = simulate(&text, 5);
    for r in &runs {
        let gp = &r.involved_by_kind["gp_practice"];
        // Monthly periods from June 2013: index 13 is July 2014.
        assert!(
            gp[13] > 0.3,
            "GP practices involved in July 2014: {}",
            gp[13]
        );
    }
}

/// The new meeting keys are validated with their key path; the removed
/// `effort.involvement_hours` is an unknown key (replaced by
/// `effort.involvement_share`).
#[test]
fn meeting_and_involvement_keys_are_validated() {
    let bad_kind = scenario(|d| {
        d["meetings"]["delegating_kinds"] =
            toml_edit::value(toml_edit::Array::from_iter(["acute_trusts"]));
    });
    let e = sim::errors(&bad_kind);
    assert!(e.contains("meetings.delegating_kinds[0]"), "{e}");
    let lay = scenario(|d| {
        d["meetings"]["delegating_kinds"] =
            toml_edit::value(toml_edit::Array::from_iter(["lay_partner"]));
    });
    assert!(sim::errors(&lay).contains("meetings.delegating_kinds[0]"));
    let weight = scenario(|d| d["meetings"]["delegate_weight"] = toml_edit::value(1.5));
    assert!(sim::errors(&weight).contains("meetings.delegate_weight"));
    let old = scenario(|d| {
        d["effort"]["involvement_hours"] = toml_edit::value(4.0);
    });
    let e = sim::errors(&old);
    assert!(
        e.contains("involvement_hours") && e.contains("unknown key"),
        "{e}"
    );
}
