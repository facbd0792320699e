//! Work on the early adopters' journey (docs/ODD.md §7.3, §7.7, §7.8):
//! hours go only to work an organisation can do and the effort accounting
//! closes; sign-off needs the signers an early adopter has; national barriers
//! block the milestones they govern until removed nationally or worked
//! around locally; removed keys are rejected.
//!
//! Behaviour comparisons use common random numbers (same master seed, same
//! replication indices; only one key differs). Paired statistical checks use
//! the house tolerance of three standard errors of the paired mean
//! (`common::assert_moves`; see tests/common/mod.rs for why); the other
//! checks are structural (they hold in every replication) and need no
//! tolerance.

mod common;

use common::{
    assert_moves, load_error, mean_ea_week, mean_go_live, simulate, Direction, Run, DEFAULT,
};

/// Replications per arm of the paired checks: the effects checked are many
/// standard errors at this size (printed by each test), and the file runs in
/// a few seconds.
const REPS: u32 = 60;

/// The default scenario with `change` applied to its TOML document.
fn scenario(change: impl FnOnce(&mut toml_edit::DocumentMut)) -> String {
    common::scenario(&[], change)
}

/// The index of an early adopter in the default scenario.
fn ea_index(doc: &toml_edit::DocumentMut, id: &str) -> usize {
    doc["early_adopters"]
        .as_array_of_tables()
        .expect("early adopters")
        .iter()
        .position(|t| t["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no early adopter {id}"))
}

/// Week a milestone of an early adopter was achieved (not reached: None).
fn ea_week(r: &Run, ea: &str, milestone: &str) -> Option<f64> {
    *r.milestone_weeks
        .get(&format!("{ea}/{milestone}"))
        .unwrap_or_else(|| panic!("{ea}/{milestone} is skipped or unknown"))
}

/// Defect 1 (issue 9): an organisation's transactional hours used to be split
/// over every open transactional milestone of its early adopter, including
/// those it does not sign, and the shares it could not use were lost while
/// still recorded as effort. Now every transactional hour recorded as spent
/// reached a milestone the organisation signs or a workaround it is a party
/// to, for every kind, in every replication of the default scenario.
/// Tolerance: a relative 1e-9 (float rounding of sums of a few thousand
/// weekly terms), plus 1e-6 h absolute for kinds that spend nothing.
#[test]
fn effort_accounting_closes_for_the_default_scenario() {
    let runs = simulate(DEFAULT, 12);
    let mut signers_spent = 0.0;
    for r in &runs {
        for (kind, series) in &r.transactional_hours_by_kind {
            let recorded = series.iter().sum::<f64>();
            if kind == "programme_team" {
                // The team's hours go to co-design, the toolkit and EA
                // support (§7.4), not to an EA's pools.
                continue;
            }
            let applied = r.applied_transactional_by_kind[kind];
            assert!(
                (recorded - applied).abs() <= 1e-9 * recorded.abs() + 1e-6,
                "{kind}: {recorded} transactional hours recorded as spent but {applied} reached milestones or workarounds"
            );
            if ["ccg", "local_authority", "gp_practice"].contains(&kind.as_str()) {
                signers_spent += recorded;
            }
        }
        // Kinds that sign nothing in the default journey cannot use
        // transactional hours: none are recorded.
        assert_eq!(common::transactional_hours(r, &["third_sector"]), 0.0);
        assert_eq!(common::transactional_hours(r, &["lay_partner"]), 0.0);
    }
    assert!(
        signers_spent > 0.0,
        "signing kinds spent no transactional hours"
    );
}

/// Defect 2 (issue 9): Hillingdon has no council member, yet
/// `budgets_identified` is signed by CCGs and councils. With perfect
/// complements (`signer_complementarity = 1`) the absent council used to
/// make the complements term zero, so Hillingdon could never identify its
/// budgets. A kind with no member in the early adopter is not a signer: the
/// CCG signs alone and the milestone is achieved in every replication.
/// National barriers are off to isolate sign-off (structural: no tolerance).
#[test]
fn absent_signing_kind_does_not_block_sign_off() {
    let text = scenario(|doc| {
        doc["effort"]["signer_complementarity"] = toml_edit::value(1.0);
        doc["switches"]["national_barriers"] = toml_edit::value(false);
        // The last budget carried forward: the horizon is not cut short by
        // the programme winding down (§7.9).
        doc["switches"]["wind_down"] = toml_edit::value(false);
        // Full scope kept: a scheme that scales back drops the provider
        // network's legal form, the milestone checked below (§7.15).
        doc["switches"]["scope_decisions"] = toml_edit::value(false);
    });
    for r in simulate(&text, 12) {
        assert!(
            ea_week(&r, "hillingdon", "budgets_identified").is_some(),
            "hillingdon never identified its budgets"
        );
        // The mental-health scheme has no acute trust; provider networks are
        // signed by acute and community trusts.
        assert!(ea_week(&r, "mental_health", "provider_network_legal").is_some());
    }
}

/// Defect 2 (issue 9): a milestone in an early adopter's scope with no
/// signer present at all is rejected when the scenario loads, naming the
/// early adopter and the milestone. A scaled-back early adopter may lack
/// the signers of milestones it skips.
#[test]
fn validation_rejects_an_in_scope_milestone_without_any_signer() {
    let text = scenario(|doc| {
        let e = ea_index(doc, "mental_health");
        let members = doc["early_adopters"][e]["members"]
            .as_inline_table_mut()
            .expect("members inline table");
        members.remove("ccg");
        members.remove("local_authority");
        // Its CCGs and councils are named in `organisations` (memberships):
        // keep only its community trust.
        doc["early_adopters"][e]["organisations"] =
            toml_edit::value(toml_edit::Array::from_iter(["community_trust:cnwl"]));
    });
    let err = load_error(&text);
    assert!(err.contains("early_adopters[8].members"), "{err}");
    assert!(err.contains("budgets_identified"), "{err}");
    assert!(err.contains("no member of any signing kind"), "{err}");

    // Ealing is scaled back: it skips `provider_network_legal` (acute and
    // community trusts), so having neither is valid.
    let text = scenario(|doc| {
        let e = ea_index(doc, "ealing");
        let members = doc["early_adopters"][e]["members"]
            .as_inline_table_mut()
            .expect("members inline table");
        members.remove("acute_trust");
        doc["early_adopters"][e]["organisations"] =
            toml_edit::value(toml_edit::Array::from_iter([
                "ccg:ealing",
                "local_authority:ealing",
                "community_trust:west_london_mh",
            ]));
    });
    pioneer::Scenario::from_toml(&text, "ealing").expect("a skipped milestone needs no signer");
}

/// Defect 10 (issue 9): `organisations.<kind>.signs_contracts` was never
/// read (signers come from `journey[].signers`). It is removed: an old file
/// that still has it is rejected with an unknown-key error at its path.
#[test]
fn removed_signs_contracts_key_is_rejected() {
    let text = scenario(|doc| {
        doc["organisations"]["ccg"]["signs_contracts"] = toml_edit::value(true);
    });
    let err = load_error(&text);
    assert!(err.contains("organisations.ccg.signs_contracts"), "{err}");
    assert!(err.contains("unknown key"), "{err}");
}

/// The default scenario with both barriers never removed nationally (hazard
/// 0), so that only a local workaround can lift them.
fn never_removed(doc: &mut toml_edit::DocumentMut) {
    for b in doc["barriers"]
        .as_array_of_tables_mut()
        .expect("barriers")
        .iter_mut()
    {
        b["removal_hazard_per_year"] = toml_edit::value(0.0);
    }
}

/// Defect 3 (issue 9), G1: a barrier in force holds the milestones it
/// governs. With no national removal and no local workaround, no early
/// adopter ever achieves `budgets_identified` (behind information
/// governance) or goes live, in any replication (it used to be only slowed).
/// With local workarounds, every early adopter achieves it, never before
/// its workaround was completed, and the workaround started no later
/// (structural: no tolerance).
#[test]
fn a_barrier_holds_its_milestones_until_worked_around() {
    let held = simulate(
        &scenario(|doc| {
            never_removed(doc);
            doc["switches"]["local_workarounds"] = toml_edit::value(false);
        }),
        12,
    );
    for r in &held {
        for (key, week) in &r.milestone_weeks {
            if key.ends_with("/budgets_identified") || key.ends_with("/pilot_live") {
                assert!(
                    week.is_none(),
                    "{key} was achieved behind a barrier in force"
                );
            }
        }
        assert!(r.workarounds.values().all(|w| w.started_week.is_none()));
    }
    let worked = simulate(&scenario(never_removed), 12);
    for r in &worked {
        for (key, w) in &r.workarounds {
            let Some(ea) = key.strip_suffix("/information_governance") else {
                continue;
            };
            let done = w.completed_week.expect("workaround completed");
            let started = w.started_week.expect("workaround started");
            assert!(started <= done);
            let achieved = ea_week(r, ea, "budgets_identified")
                .unwrap_or_else(|| panic!("{ea} never identified its budgets"));
            assert!(
                achieved >= done,
                "{ea}: budgets identified in week {achieved}, before its workaround ({done})"
            );
        }
    }
}

/// Defect 3 (issue 9), G1: the workaround's cost grows with the parties
/// that must share data: information governance in Brent involves its CCG,
/// council, community trust and 67 practices (the kinds that sign the
/// milestones it governs): `workaround_hours + workaround_hours_per_party ×
/// 70` hours. Doubling the cost per party delays Brent's workaround (paired,
/// same seed).
#[test]
fn workaround_cost_grows_with_parties() {
    let on = simulate(DEFAULT, REPS);
    let brent = &on[0].workarounds["brent/information_governance"];
    assert_eq!(brent.parties, 1 + 1 + 1 + 67);
    let doc: toml_edit::DocumentMut = DEFAULT.parse().expect("TOML");
    let ig = &doc["barriers"][0];
    let (fixed, per_party) = (
        ig["workaround_hours"].as_float().expect("a number"),
        ig["workaround_hours_per_party"]
            .as_float()
            .expect("a number"),
    );
    assert_eq!(brent.hours, fixed + per_party * 70.0);
    let mh = &on[0].workarounds["mental_health/information_governance"];
    assert!(mh.parties < brent.parties && mh.hours < brent.hours);

    let dearer = simulate(
        &scenario(|doc| {
            for b in doc["barriers"]
                .as_array_of_tables_mut()
                .expect("barriers")
                .iter_mut()
            {
                b["workaround_hours_per_party"] = toml_edit::value(2.0 * per_party);
            }
        }),
        REPS,
    );
    // Not completed: the horizon (a national removal can make it moot).
    let done = |r: &Run| {
        r.workarounds["brent/information_governance"]
            .completed_week
            .unwrap_or(r.horizon_weeks)
    };
    assert_moves(
        "workaround_hours_per_party doubled",
        "brent workaround completion week",
        &on,
        &dearer,
        Direction::Up,
        done,
    );
}

/// Switch `local_workarounds` (ODD §7.8): off, only a national removal (5%
/// a year) lifts a barrier, so `budgets_identified` and go-live come later.
#[test]
fn switch_local_workarounds_off_delays_budgets_and_go_live() {
    let on = simulate(DEFAULT, REPS);
    let off = simulate(
        &scenario(|doc| doc["switches"]["local_workarounds"] = toml_edit::value(false)),
        REPS,
    );
    assert_moves(
        "local_workarounds",
        "mean week budgets_identified",
        &on,
        &off,
        Direction::Up,
        |r| mean_ea_week(r, "budgets_identified"),
    );
    assert_moves(
        "local_workarounds",
        "mean go-live week",
        &on,
        &off,
        Direction::Up,
        mean_go_live,
    );
}

/// A week can complete any number of milestones. Forty extra relational
/// milestones of negligible work, open from sign-off, all complete in an
/// early adopter's first working week: each is achieved, in that same week.
/// An earlier engine recorded at most 32 achievements an early adopter-week;
/// the rest had reached their work, so took no more, and were never
/// achieved. Structural: holds in every replication, no tolerance.
#[test]
fn any_number_of_milestones_can_be_achieved_in_one_week() {
    const EXTRA: usize = 40;
    let text = scenario(|doc| {
        let journey = doc["journey"].as_array_of_tables_mut().expect("journey");
        for k in 0..EXTRA {
            let mut t = toml_edit::Table::new();
            t["id"] = toml_edit::value(format!("quick_{k}"));
            t["kind"] = toml_edit::value("relational");
            t["work_hours"] = toml_edit::value(0.001);
            journey.push(t);
        }
    });
    let runs = simulate(&text, 3);
    let mut checked = 0;
    for r in &runs {
        let eas: Vec<&str> = r
            .milestone_weeks
            .keys()
            .filter_map(|k| k.strip_suffix("/quick_0"))
            .collect();
        for ea in eas {
            let Some(first) = ea_week(r, ea, "quick_0") else {
                continue;
            };
            for k in 1..EXTRA {
                assert_eq!(
                    ea_week(r, ea, &format!("quick_{k}")),
                    Some(first),
                    "{ea}/quick_{k}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 0, "no early adopter started work");
}
