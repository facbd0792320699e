//! Coordination costs that grow with scale (switch `coordination_costs`,
//! table `[coordination]`; docs/ODD.md §7.16; evidence E2, E3, E5, E8, H9).
//!
//! Every test is paired (common random numbers, `tests/common`): both arms run
//! the same master seed and replication indices and differ only in the switch
//! or one `[coordination]` parameter, or, for the difference-in-differences
//! tests, in a membership change applied identically to both arms of each
//! pair. Tolerance: the house `K = 3` standard errors of the paired mean
//! (one-sided false-positive chance about 0.1%; tests/switches.rs explains
//! the choice), with `REPS = 150` replications per arm; the seed is fixed, so
//! the tests are deterministic. Where the default scenario cannot show a
//! rule (NWL's early adopters have one organisation per signing kind, and its
//! working bodies are within the reference size), the test uses a minimal
//! membership variation in which the rule acts, and also checks that on the
//! default scenario the rule changes nothing at all (the documented finding).

mod common;

use common::*;
use toml_edit::{value, DocumentMut, Item};

/// Sets `[coordination].key` to `v`.
fn set_coordination(doc: &mut DocumentMut, key: &str, v: f64) {
    doc["coordination"][key] = value(v);
}

/// Multiplies an integer count at `item` by `k`.
fn scale_int(item: &mut Item, k: i64) {
    let n = item.as_integer().expect("an integer count");
    *item = value(n * k);
}

/// Multiplies a number (written as a float or an integer) at `item` by `k`.
fn scale_float(item: &mut Item, k: f64) {
    let x = item
        .as_float()
        .or_else(|| item.as_integer().map(|n| n as f64))
        .expect("a number");
    *item = value(x * k);
}

/// Doubles every member count of an inline `members = { … }` table, except
/// the programme team (one agent that sits everywhere).
fn double_members(item: &mut Item) {
    let t = item.as_inline_table_mut().expect("members inline table");
    let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
    for k in keys {
        if k == "programme_team" {
            continue;
        }
        let n = t.get(&k).and_then(|v| v.as_integer()).unwrap();
        t.insert(&k, (n * 2).into());
    }
}

/// The programme twice the size, resources in proportion: every
/// organisation pool, every early adopter (each entry duplicated with a new
/// id), the programme team, the budgets, the consultancy contracts, the
/// population, and every partner's seats on the governance bodies and
/// working groups (the same share of the partners represented; the
/// programme team stays one agent). The journey, the timetable and the
/// central design work (`codesign.*_per_group`, the toolkit: done once for
/// the whole programme, E1) are unchanged.
fn doubled(doc: &mut DocumentMut) {
    let orgs = doc["organisations"].as_table_mut().unwrap();
    let kinds: Vec<String> = orgs.iter().map(|(k, _)| k.to_string()).collect();
    for k in kinds {
        scale_int(&mut orgs[k.as_str()]["count"], 2);
    }
    scale_float(&mut doc["programme"]["team_size"], 2.0);
    for c in doc["consultancy"]["contracts"]
        .as_array_of_tables_mut()
        .unwrap()
        .iter_mut()
    {
        scale_float(&mut c["amount_gbp"], 2.0);
    }
    for b in doc["budget"].as_array_of_tables_mut().unwrap().iter_mut() {
        scale_float(&mut b["central_gbp"], 2.0);
        scale_float(&mut b["local_gbp"], 2.0);
    }
    scale_float(&mut doc["outcomes"]["population"], 2.0);
    double_members(&mut doc["codesign"]["members"]);
    for b in doc["bodies"].as_array_of_tables_mut().unwrap().iter_mut() {
        double_members(&mut b["members"]);
    }
    let eas = doc["early_adopters"].as_array_of_tables_mut().unwrap();
    let copies: Vec<toml_edit::Table> = eas
        .iter()
        .map(|t| {
            let mut c = t.clone();
            let id = c["id"].as_str().unwrap().to_string();
            c["id"] = value(format!("{id}_2"));
            c
        })
        .collect();
    for c in copies {
        eas.push(c);
    }
}

/// Early adopter `id`'s members table.
fn ea_members<'a>(doc: &'a mut DocumentMut, id: &str) -> &'a mut toml_edit::InlineTable {
    let eas = doc["early_adopters"].as_array_of_tables_mut().unwrap();
    let t = eas
        .iter_mut()
        .find(|t| t["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no early adopter {id}"));
    t["members"].as_inline_table_mut().unwrap()
}

/// Every early adopter's steering committee has 25 third-sector members
/// (the pool raised to match): meetings of well over the reference size.
fn large_steering_committees(doc: &mut DocumentMut) {
    doc["organisations"]["third_sector"]["count"] = value(300);
    // Equal areas of 37 or more per CCG, so every committee can take 25.
    doc["organisations"]["third_sector"]
        .as_table_mut()
        .unwrap()
        .remove("per_ccg");
    let ids: Vec<String> = doc["early_adopters"]
        .as_array_of_tables()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    for id in ids {
        ea_members(doc, &id).insert("third_sector", 25.into());
    }
}

/// Asserts that every replication of the two arms has the same go-live and
/// milestone weeks (the rule does not act).
fn assert_identical(what: &str, a: &[Run], b: &[Run]) {
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x.go_live_weeks, y.go_live_weeks, "{what}: go-live differs");
        assert_eq!(
            x.milestone_weeks, y.milestone_weeks,
            "{what}: milestone weeks differ"
        );
    }
}

// ================================================================== tests

/// §7.16, all three rules: with coordination costs off the early adopters go
/// live earlier. On the default scenario only the diversity rule acts (see
/// the module comment), so this is the strain of supporting early adopters at
/// different stages (E8, H9).
#[test]
fn switch_coordination_costs_off_brings_go_live_forward() {
    let off = simulate(&default_without("coordination_costs"), REPS);
    assert_moves(
        "coordination_costs",
        "mean go-live week",
        default_on(),
        &off,
        Direction::Down,
        mean_go_live,
    );
}

/// Rule 1 (E2, E5): a decision's work grows with the organisations that must
/// agree. Since memberships follow the facts, the mental-health scheme has two
/// CCGs and two councils, so its budgets (signed by the CCG and the council)
/// have four parties for two kinds, while Hounslow has one of each. Setting
/// the partner elasticity to 0 must bring the mental-health scheme's budgets
/// forward, and by more than Hounslow's (the difference in differences
/// isolates the rule from what the shared central support passes on).
#[test]
fn an_early_adopter_with_more_signing_parties_is_slower_per_decision() {
    let on = simulate(DEFAULT, REPS);
    let off = simulate(
        &scenario(&[], |d| set_coordination(d, "partner_elasticity", 0.0)),
        REPS,
    );
    let week = |r: &Run, ea: &str| {
        r.milestone_weeks[&format!("{ea}/budgets_identified")].unwrap_or(r.horizon_weeks)
    };
    assert_moves(
        "partner_elasticity = 0",
        "week the mental-health scheme identifies its budgets",
        &on,
        &off,
        Direction::Down,
        |r| week(r, "mental_health"),
    );
    assert_moves(
        "partner_elasticity = 0",
        "mental-health minus Hounslow budgets week",
        &on,
        &off,
        Direction::Down,
        |r| week(r, "mental_health") - week(r, "hounslow"),
    );
}

/// Rule 2 (E2, E3): a meeting larger than the reference size produces less
/// per attendee. NWL's working bodies (working groups of 12, steering
/// committees of 10–12) are within it, so on the default scenario the
/// elasticity changes nothing; with 25 third-sector members on every
/// steering committee, the committees' relational output falls and the
/// relational groundwork (the care model) is done later than with the
/// elasticity at 0.
#[test]
fn a_larger_steering_committee_produces_less_per_attendee() {
    let default_off = simulate(
        &scenario(&[], |d| set_coordination(d, "body_size_elasticity", 0.0)),
        REPS,
    );
    assert_identical("NWL bodies", default_on(), &default_off);
    let on = simulate(&scenario(&[], large_steering_committees), REPS);
    let off = simulate(
        &scenario(&[], |d| {
            large_steering_committees(d);
            set_coordination(d, "body_size_elasticity", 0.0);
        }),
        REPS,
    );
    assert_moves(
        "body_size_elasticity = 0",
        "mean week the care model is designed",
        &on,
        &off,
        Direction::Down,
        |r| mean_ea_week(r, "care_model_designed"),
    );
}

/// Rule 3 (E8, H9): central support divided by `1 + diversity_penalty × D`,
/// `D` the mean number of other active early adopters at a different stage.
/// With the penalty at 0 the early adopters go live earlier.
#[test]
fn support_spread_over_different_stages_delays_go_live() {
    let off = simulate(
        &scenario(&[], |d| set_coordination(d, "diversity_penalty", 0.0)),
        REPS,
    );
    assert_moves(
        "diversity_penalty = 0",
        "mean go-live week",
        default_on(),
        &off,
        Direction::Down,
        mean_go_live,
    );
}

/// The scale test (E3: "the larger and more complex the intervention, the
/// harder it seemed to implement"): a programme twice the size with
/// resources in proportion (see `doubled`). The outcome is the difference in
/// differences of the mean go-live week per early adopter,
/// `(double − original)` with the switch on minus the same with it off,
/// computed per replication (same seed and replication index in all four
/// arms) and required to be positive by more than `K` = 3 SE: coordination
/// costs make the larger programme harder per early adopter beyond anything
/// the model does without them. Without them, the doubled programme goes
/// live slightly *earlier* per early adopter (about 0.7 weeks when written):
/// twice the team does the once-for-all design (E1) faster, which outweighs
/// `spread_penalty` (E8); with them, that economy of scale is cancelled
/// (about −0.1 ± 0.5 weeks), which is why the test asserts the difference in
/// differences (about +0.55 weeks, 7 SE, when written) and not that the
/// doubled programme is later in absolute terms (E3: "both economies and
/// diseconomies of scale").
#[test]
fn a_programme_twice_the_size_is_harder_per_early_adopter() {
    let orig_on = default_on();
    let orig_off = simulate(&default_without("coordination_costs"), REPS);
    let dbl_on = simulate(&scenario(&[], doubled), REPS);
    let dbl_off = simulate(&scenario(&["coordination_costs"], doubled), REPS);
    assert_eq!(
        dbl_on[0].go_live_weeks.len(),
        2 * orig_on[0].go_live_weeks.len()
    );
    let on = paired(orig_on, &dbl_on, mean_go_live);
    let off = paired(&orig_off, &dbl_off, mean_go_live);
    let d: Vec<f64> = (0..orig_on.len())
        .map(|i| {
            (mean_go_live(&dbl_on[i]) - mean_go_live(&orig_on[i]))
                - (mean_go_live(&dbl_off[i]) - mean_go_live(&orig_off[i]))
        })
        .collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let se = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt() / n.sqrt();
    println!(
        "double − original, mean go-live week: on {:+.2} (SE {:.2}), off {:+.2} (SE {:.2}); difference in differences {mean:+.2} (SE {se:.2})",
        on.mean, on.se, off.mean, off.se
    );
    assert!(
        mean > K * se,
        "difference in differences {mean:+.2} should exceed {K} SE ({se:.2})"
    );
}
