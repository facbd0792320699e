//! Scope is a decision, and pilots start small (docs/ODD.md §7.15; H4, H5,
//! E14, a.7). Paired behaviour tests (common random numbers through
//! `tests/common`): the switch `scope_decisions`, the slip that triggers a
//! decision, the record of every decision, and the milestone
//! `first_component_live` that precedes the pilot.

mod common;
use common::*;

use std::collections::BTreeSet;

/// Early adopters whose initial scope is full, read from a scenario text.
fn initially_full(text: &str) -> BTreeSet<String> {
    let v: toml::Value = toml::from_str(text).expect("scenario TOML");
    v["early_adopters"]
        .as_array()
        .expect("early adopters")
        .iter()
        .filter(|e| e["scope"].as_str() == Some("full"))
        .map(|e| e["id"].as_str().expect("id").to_string())
        .collect()
}

/// Full-scope-only milestone ids of the default journey.
fn full_scope_only() -> Vec<String> {
    let v: toml::Value = toml::from_str(DEFAULT).expect("scenario TOML");
    v["journey"]
        .as_array()
        .expect("journey")
        .iter()
        .filter(|m| m.get("full_scope_only").and_then(|f| f.as_bool()) == Some(true))
        .map(|m| m["id"].as_str().expect("id").to_string())
        .collect()
}

fn scope_off() -> &'static [Run] {
    static RUNS: std::sync::OnceLock<Vec<Run>> = std::sync::OnceLock::new();
    RUNS.get_or_init(|| simulate(&default_without("scope_decisions"), REPS))
}

#[test]
fn scope_decisions_off_keeps_every_scope_and_on_scaled_back_schemes_go_live_sooner() {
    let on = default_on();
    let off = scope_off();
    // Off: nobody decides, and no initially full-scope scheme skips anything.
    let full = initially_full(DEFAULT);
    for r in off {
        assert!(
            r.scope_changes.is_empty(),
            "scope_decisions off: {:?}",
            r.scope_changes
        );
        for k in &r.skipped {
            let ea = k.split('/').next().unwrap();
            assert!(!full.contains(ea), "{k} skipped with scope decisions off");
        }
    }
    // On: some schemes scale back on the default scenario.
    let changes: usize = on.iter().map(|r| r.scope_changes.len()).sum();
    assert!(
        changes > 0,
        "no early adopter ever scaled back on the default scenario"
    );
    // Those schemes go live sooner than the same schemes in the same
    // replications with scope fixed: both arms restricted, replication by
    // replication, to the schemes that scaled back in the `on` arm (paired;
    // not reached counts as the horizon).
    let (mut on_sel, mut off_sel) = (Vec::new(), Vec::new());
    for (a, b) in on.iter().zip(off) {
        if a.scope_changes.is_empty() {
            continue;
        }
        let keep: Vec<usize> = a
            .scope_changes
            .iter()
            .map(|c| ea_index(&c.early_adopter))
            .collect();
        for (run, out) in [(a, &mut on_sel), (b, &mut off_sel)] {
            let mut r = run.clone();
            r.go_live_weeks = keep.iter().map(|&e| run.go_live_weeks[e]).collect();
            out.push(r);
        }
    }
    assert_moves(
        "scope_decisions",
        "go-live week of the schemes that scaled back",
        &on_sel,
        &off_sel,
        Direction::Up,
        mean_go_live,
    );
    // And over the whole programme, mean go-live moves earlier with decisions on.
    assert_moves(
        "scope_decisions",
        "mean go-live week",
        on,
        off,
        Direction::Up,
        mean_go_live,
    );
}

#[test]
fn a_scheme_that_scales_back_drops_its_unachieved_full_scope_milestones_and_keeps_the_rest() {
    let full_only = full_scope_only();
    assert!(!full_only.is_empty());
    let on = default_on();
    for r in on {
        for c in &r.scope_changes {
            for m in &full_only {
                let key = format!("{}/{m}", c.early_adopter);
                if r.skipped.contains(&key) {
                    continue;
                }
                // Not dropped: it must have been achieved by the decision.
                let w = r.milestone_weeks.get(&key).copied().flatten();
                assert!(
                    w.is_some_and(|w| w <= c.week),
                    "{key} neither dropped nor achieved by the decision in week {}",
                    c.week
                );
            }
            // The milestones every scope needs still apply.
            for m in ["care_model_designed", "first_component_live", "pilot_live"] {
                let key = format!("{}/{m}", c.early_adopter);
                assert!(!r.skipped.contains(&key), "{key} dropped by scaling back");
            }
        }
    }
}

#[test]
fn scaling_back_happens_only_after_a_slip() {
    // Every recorded decision follows a projected go-live past the plan by
    // more than the threshold (default 26 weeks; read from the scenario).
    let v: toml::Value = toml::from_str(DEFAULT).expect("scenario TOML");
    let threshold = v["scope"]["scale_back_slip_weeks"]
        .as_integer()
        .expect("threshold") as f64;
    for r in default_on() {
        for c in &r.scope_changes {
            assert!(c.slip_weeks > threshold, "{c:?}");
            // The recorded slip is the projection minus the plan (dates are
            // whole days, so a day's rounding either way).
            assert!(
                (c.projected_week - c.planned_week - c.slip_weeks).abs() < 1.0,
                "{c:?}"
            );
        }
    }
    // A generous timetable (pilots planned for October 2016, wider roll-out
    // a year later), the same replications: the plan is rarely far behind
    // the projections, so far fewer schemes scale back — and those that do
    // still project more than the threshold past that plan (a scheme whose
    // own rate puts it beyond early 2017 is behind even a generous plan).
    let generous = scenario(&[], |doc| {
        doc["timetable"]["pilot_start"] =
            toml_edit::value("2016-10-03".parse::<toml_edit::Datetime>().unwrap());
        doc["timetable"]["wider_rollout"] =
            toml_edit::value("2017-10-02".parse::<toml_edit::Datetime>().unwrap());
    });
    let runs = simulate(&generous, REPS);
    for r in &runs {
        for c in &r.scope_changes {
            assert!(c.slip_weeks > threshold, "{c:?}");
            assert!(c.planned_week >= week_of("2016-10-03"), "{c:?}");
        }
    }
    assert_moves(
        "generous timetable",
        "number of schemes scaling back",
        default_on(),
        &runs,
        Direction::Down,
        |r| r.scope_changes.len() as f64,
    );
}

#[test]
fn every_scope_change_has_a_decision_record() {
    let full = initially_full(DEFAULT);
    let full_only = full_scope_only();
    for r in default_on() {
        let mut decided = BTreeSet::new();
        for c in &r.scope_changes {
            assert_eq!((c.from.as_str(), c.to.as_str()), ("full", "scaled_back"));
            assert!(
                full.contains(&c.early_adopter),
                "{c:?}: not a full-scope scheme"
            );
            assert!(
                decided.insert(c.early_adopter.clone()),
                "{c:?}: decided twice"
            );
        }
        // A full-scope scheme skips a milestone only if it decided to.
        let skipping: BTreeSet<String> = r
            .skipped
            .iter()
            .map(|k| k.split('/').next().unwrap().to_string())
            .filter(|ea| full.contains(ea))
            .collect();
        assert!(skipping.is_subset(&decided), "{skipping:?} vs {decided:?}");
        // Only full-scope milestones are ever skipped.
        for k in &r.skipped {
            let m = k.split('/').nth(1).unwrap();
            assert!(full_only.iter().any(|f| f == m), "{k} skipped");
        }
    }
}

#[test]
fn first_component_live_precedes_pilot_live_and_is_not_go_live() {
    let mut both = 0;
    for r in default_on() {
        for (e, ea) in ea_ids().iter().enumerate() {
            let first = r.milestone_weeks[&format!("{ea}/first_component_live")];
            let pilot = r.milestone_weeks[&format!("{ea}/pilot_live")];
            // Go-live is `pilot_live`, not the first component.
            assert_eq!(r.go_live_weeks[e], pilot, "{ea}: go-live is not pilot_live");
            if let (Some(f), Some(p)) = (first, pilot) {
                both += 1;
                assert!(
                    f <= p,
                    "{ea}: first component in week {f}, pilot in week {p}"
                );
            }
            if pilot.is_some() {
                assert!(first.is_some(), "{ea}: live without a first component");
            }
        }
    }
    assert!(both > 0, "no scheme reached both milestones");
}

// ------------------------------------------------------------- helpers

fn ea_ids() -> Vec<String> {
    let v: toml::Value = toml::from_str(DEFAULT).expect("scenario TOML");
    v["early_adopters"]
        .as_array()
        .expect("early adopters")
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_string())
        .collect()
}

fn ea_index(id: &str) -> usize {
    ea_ids()
        .iter()
        .position(|e| e == id)
        .expect("an early adopter id")
}
