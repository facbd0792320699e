//! Memberships by documented rule, not by rota (issue 9, defect 8;
//! docs/ODD.md "Memberships"). Each early adopter's commissioners and trusts
//! are the organisations the scenario names (fact d), its GP practices and
//! third-sector members lie in its CCGs' areas (b.3), and a body's members
//! are spread over each kind's pool. None of this may depend on the order
//! of early adopters or bodies in the file, which the old rotating cursor
//! did (the mental-health scheme, ninth in the file, got Brent's CCG).
//!
//! These tests compile the plan only (memberships are fixed across
//! replications), so they involve no randomness and no tolerances.

mod common;
use common::*;

use std::collections::{BTreeMap, BTreeSet};

use pioneer::model::AgentKind;
use pioneer::{Plan, Scenario};

fn plan(text: &str) -> Plan {
    let s = Scenario::from_toml(text, "tests/memberships.rs")
        .unwrap_or_else(|e| panic!("valid scenario: {e}"));
    Plan::new(&s)
}

/// Member labels (`kind:name` / `kind#i`) of each early adopter, by id.
fn ea_members(p: &Plan) -> BTreeMap<String, BTreeSet<String>> {
    p.eas
        .iter()
        .map(|e| {
            let m = e.members.iter().map(|&a| p.agent_label(a)).collect();
            (e.id.clone(), m)
        })
        .collect()
}

/// Member labels of each body, by id.
fn body_members(p: &Plan) -> BTreeMap<String, Vec<String>> {
    p.bodies
        .iter()
        .map(|b| {
            let m = b.members.iter().map(|&a| p.agent_label(a)).collect();
            (b.id.clone(), m)
        })
        .collect()
}

/// The `organisations` the scenario text names for each early adopter.
fn named_in_file(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let doc: toml_edit::DocumentMut = text.parse().unwrap();
    doc["early_adopters"]
        .as_array_of_tables()
        .unwrap()
        .iter()
        .map(|t| {
            let id = t["id"].as_str().unwrap().to_string();
            let orgs = t
                .get("organisations")
                .and_then(|o| o.as_array())
                .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            (id, orgs)
        })
        .collect()
}

fn ccgs_of(members: &BTreeSet<String>) -> BTreeSet<String> {
    members
        .iter()
        .filter(|m| m.starts_with("ccg:") || m.starts_with("ccg#"))
        .cloned()
        .collect()
}

#[test]
fn no_two_early_adopters_share_a_ccg_unless_the_scenario_names_it_so() {
    let p = plan(DEFAULT);
    let members = ea_members(&p);
    let named = named_in_file(DEFAULT);
    for (a, ma) in &members {
        for (b, mb) in &members {
            if a >= b {
                continue;
            }
            for shared in ccgs_of(ma).intersection(&ccgs_of(mb)) {
                assert!(
                    named[a].contains(shared) && named[b].contains(shared),
                    "{a} and {b} share {shared}, which the scenario does not name for both"
                );
            }
        }
    }
}

#[test]
fn the_mental_health_scheme_has_its_own_ccgs_and_no_acute_trust() {
    let members = ea_members(&plan(DEFAULT));
    let mh = &members["mental_health"];
    let want: BTreeSet<String> = ["ccg:hounslow", "ccg:west_london"].map(String::from).into();
    assert_eq!(
        ccgs_of(mh),
        want,
        "fact d: West London CCG and Brentford & Isleworth (Hounslow)"
    );
    assert!(
        !mh.contains("ccg:brent"),
        "must not share Brent's CCG: {mh:?}"
    );
    assert!(
        !mh.iter().any(|m| m.starts_with("acute_trust")),
        "no acute trust in the mental-health scheme: {mh:?}"
    );
}

#[test]
fn named_organisations_are_what_the_scenario_names() {
    let p = plan(DEFAULT);
    let named = named_in_file(DEFAULT);
    for (id, members) in ea_members(&p) {
        let nameable: BTreeSet<String> = members
            .iter()
            .filter(|m| {
                ["ccg", "local_authority", "acute_trust", "community_trust"]
                    .iter()
                    .any(|k| m.starts_with(&format!("{k}:")) || m.starts_with(&format!("{k}#")))
            })
            .cloned()
            .collect();
        assert_eq!(nameable, named[&id], "early adopter {id}");
    }
    // Hillingdon's council is not a partner (b.2, d).
    let hillingdon = &ea_members(&p)["hillingdon"];
    assert!(!hillingdon.iter().any(|m| m.starts_with("local_authority")));
}

#[test]
fn every_early_adopters_gp_practices_lie_in_its_ccg_areas() {
    // The areas, computed here from the scenario text: contiguous blocks of
    // `per_ccg` in the order of `organisations.ccg.names`.
    let doc: toml_edit::DocumentMut = DEFAULT.parse().unwrap();
    let ccg_names: Vec<String> = doc["organisations"]["ccg"]["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let per_ccg = doc["organisations"]["gp_practice"]["per_ccg"]
        .as_inline_table()
        .unwrap();
    let mut area_of = BTreeMap::new();
    let mut next = 0;
    for c in &ccg_names {
        let n = per_ccg.get(c).and_then(|v| v.as_integer()).unwrap_or(0);
        for _ in 0..n {
            area_of.insert(format!("gp_practice#{next}"), format!("ccg:{c}"));
            next += 1;
        }
    }
    let p = plan(DEFAULT);
    let mut checked = 0;
    for (id, members) in ea_members(&p) {
        let ccgs = ccgs_of(&members);
        for m in members.iter().filter(|m| m.starts_with("gp_practice")) {
            let area = area_of
                .get(m)
                .unwrap_or_else(|| panic!("{m} of {id} in no area"));
            assert!(
                ccgs.contains(area),
                "{m} of {id} lies in {area}, not in {ccgs:?}"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 400,
        "every early adopter's practices checked ({checked})"
    );
    // Brent takes all 67 of its practices (b.3).
    let brent = p.eas.iter().find(|e| e.id == "brent").unwrap();
    assert_eq!(brent.practices.len(), 67);
}

#[test]
fn memberships_do_not_depend_on_the_order_of_early_adopters() {
    let reversed = scenario(&[], |doc| {
        let eas = doc["early_adopters"].as_array_of_tables_mut().unwrap();
        let mut all: Vec<toml_edit::Table> = eas.iter().cloned().collect();
        // Tables are written in the order of their document positions: the
        // i-th reversed table takes the i-th position.
        let positions: Vec<Option<usize>> = all.iter().map(|t| t.position()).collect();
        all.reverse();
        eas.clear();
        for (mut t, pos) in all.into_iter().zip(positions) {
            if let Some(pos) = pos {
                t.set_position(pos);
            }
            eas.push(t);
        }
    });
    let (a, b) = (plan(DEFAULT), plan(&reversed));
    assert_eq!(
        b.eas.first().map(|e| e.id.as_str()),
        a.eas.last().map(|e| e.id.as_str()),
        "the order really is reversed"
    );
    assert_eq!(ea_members(&a), ea_members(&b));
    // Steering committees (incl. their lay chairs) too.
    let steering = |p: &Plan| -> BTreeMap<String, BTreeSet<String>> {
        body_members(p)
            .into_iter()
            .filter(|(id, _)| id.starts_with("steering_committee:"))
            .map(|(id, m)| (id, m.into_iter().collect()))
            .collect()
    };
    assert_eq!(steering(&a), steering(&b));
}

#[test]
fn a_bodys_members_are_deterministic_spread_and_independent_of_other_bodies() {
    let a = plan(DEFAULT);
    assert_eq!(
        body_members(&a),
        body_members(&plan(DEFAULT)),
        "deterministic"
    );

    // Spread: for each kind with n of a pool of N members on a body, no gap
    // between consecutive members (around the pool) exceeds ⌈N / n⌉.
    for b in &a.bodies {
        if !(b.id == "programme_executive" || b.id == "integration_board") {
            continue;
        }
        for kind in AgentKind::ALL {
            let (first, size) = a.kind_ranges[kind.index()];
            let mut idx: Vec<u32> = b
                .members
                .iter()
                .filter(|m| a.agents[m.index()].kind == kind)
                .map(|m| m.0 - first)
                .collect();
            idx.sort_unstable();
            let n = idx.len() as u32;
            if n == 0 || n >= size {
                continue;
            }
            let max_gap = (0..idx.len())
                .map(|i| (idx[(i + 1) % idx.len()] + size - idx[i] - 1) % size + 1)
                .max()
                .unwrap();
            assert!(
                max_gap <= size.div_ceil(n),
                "{}: {} members of {} {:?} at {idx:?}",
                b.id,
                n,
                size,
                kind
            );
        }
    }

    // Taking a body away leaves every other body's members as they were.
    let without = scenario(&[], |doc| {
        let bodies = doc["bodies"].as_array_of_tables_mut().unwrap();
        let i = bodies
            .iter()
            .position(|t| t["id"].as_str() == Some("integration_board"))
            .unwrap();
        bodies.remove(i);
    });
    let mut before = body_members(&a);
    before.remove("integration_board");
    assert_eq!(body_members(&plan(&without)), before);
}

#[test]
fn memberships_csv_lists_who_sits_where_by_name() {
    let p = plan(DEFAULT);
    let csv = String::from_utf8(pioneer::output::export::memberships_csv(&p).unwrap()).unwrap();
    let rows: BTreeSet<&str> = csv.lines().collect();
    for row in [
        "group,agent,agent_kind",
        "early_adopter:mental_health,ccg:west_london,ccg",
        "early_adopter:mental_health,community_trust:cnwl,community_trust",
        "early_adopter:brent,acute_trust:imperial,acute_trust",
        "steering_committee:hillingdon,ccg:hillingdon,ccg",
    ] {
        assert!(rows.contains(row), "missing row {row}");
    }
    // One row per membership of every early adopter and body.
    let expected: usize = p.eas.iter().map(|e| e.members.len()).sum::<usize>()
        + p.bodies.iter().map(|b| b.members.len()).sum::<usize>();
    assert_eq!(csv.lines().count(), expected + 1);
}
