//! The England scenario and the scenario generators (`[generate]`,
//! `src/scenario/generate.rs`): expansion is deterministic, gives what the
//! section asks for with unique valid ids, every generator key changes the
//! expansion, errors are positioned at the generator's keys, the expanded
//! scenario is exactly the one a hand-written file gives, and England
//! validates and runs.

use std::path::{Path, PathBuf};

use pioneer::model::AgentKind;
use pioneer::scenario::limits::is_valid_id;
use pioneer::scenario::schema::json_schema;
use pioneer::{Ensemble, LoadError, Scenario};
use serde_json::Value as Json;

fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn england_path() -> PathBuf {
    scenarios().join("england.toml")
}

fn england_text() -> String {
    std::fs::read_to_string(england_path()).expect("scenarios/england.toml")
}

/// Loads `text` as if it were a file in `scenarios/` (so `extends` resolves).
fn load(text: &str) -> Result<Scenario, LoadError> {
    let name = scenarios().join("generated_test.toml");
    Scenario::from_toml(text, &name.display().to_string())
}

fn england() -> Scenario {
    Scenario::from_file(&england_path()).unwrap_or_else(|e| panic!("{e}"))
}

/// The `[generate]` section of the England file, as TOML.
fn england_generate() -> toml::Value {
    let doc: toml::Value = toml::from_str(&england_text()).expect("valid TOML");
    doc["generate"].clone()
}

/// A small generator over the default scenario: 2 systems appended to its
/// organisations and early adopters, with no draw that can vary (cv and sd
/// 0, shares 0 or 1), so that a hand-written file can say the same thing.
const SMALL: &str = r#"extends = "nwl_wsic_2013.toml"

[meta]
name = "small"

[organisations.acute_trust]
count = 6                      # the named ones only: generated agents are named after them

[generate]
systems = 2
id_prefix = "sys"

[generate.organisations]
local_authority = { each = 1 }
acute_trust = { list = [2, 1] }
community_trust = { total = 2 }
gp_practice = { each = 30 }
third_sector = { total = 7, min = 3 }

[generate.early_adopters]
count = { list = [2, 1] }
application_ready = 2014-03-03
full_scope_share = 1.0
population = 20_000.0
prior_relationships = 0.5
gp_practices = 12
third_sector = 2
pilot_practices = 3
rollout_step = 4
rollout_every_weeks = 8
project_manager_after_weeks = 2
project_manager_until = 2016-03-31
"#;

/// What `SMALL` expands to, written by hand: the default scenario's
/// organisations and early adopters with the generated ones appended.
const SMALL_BY_HAND: &str = r#"extends = "nwl_wsic_2013.toml"

[meta]
name = "small"

[organisations.ccg]
count = 10
names = ["brent", "harrow", "hillingdon", "ealing", "hounslow", "hammersmith_fulham", "central_london", "west_london", "sys1", "sys2"]
[organisations.local_authority]
count = 10
names = ["brent", "harrow", "hillingdon", "ealing", "hounslow", "hammersmith_fulham", "westminster", "kensington_chelsea", "sys1_la1", "sys2_la1"]
[organisations.acute_trust]
count = 9
names = ["london_north_west", "imperial", "hillingdon_hospitals", "chelsea_westminster", "ealing_hospital", "west_middlesex", "sys1_acute1", "sys1_acute2", "sys2_acute1"]
[organisations.community_trust]
count = 6
names = ["cnwl", "west_london_mh", "clch", "hounslow_richmond", "sys1_community1", "sys2_community1"]
[organisations.gp_practice]
count = 460
per_ccg = { sys1 = 30, sys2 = 30 }
[organisations.third_sector]
count = 37
per_ccg = { sys1 = 4, sys2 = 3 }

[[early_adopters]]
id = "sys1_ea1"
application_ready = 2014-03-03
scope = "full"
population = 20_000.0
prior_relationships = 0.5
organisations = ["ccg:sys1", "local_authority:sys1_la1", "acute_trust:sys1_acute1", "community_trust:sys1_community1"]
members = { gp_practice = 12, third_sector = 2 }
pilot_practices = 3
rollout_step = 4
rollout_every_weeks = 8
project_manager_from = 2014-03-17
project_manager_until = 2016-03-31

[[early_adopters]]
id = "sys1_ea2"
application_ready = 2014-03-03
scope = "full"
population = 20_000.0
prior_relationships = 0.5
organisations = ["ccg:sys1", "local_authority:sys1_la1", "acute_trust:sys1_acute2", "community_trust:sys1_community1"]
members = { gp_practice = 12, third_sector = 2 }
pilot_practices = 3
rollout_step = 4
rollout_every_weeks = 8
project_manager_from = 2014-03-17
project_manager_until = 2016-03-31

[[early_adopters]]
id = "sys2_ea1"
application_ready = 2014-03-03
scope = "full"
population = 20_000.0
prior_relationships = 0.5
organisations = ["ccg:sys2", "local_authority:sys2_la1", "acute_trust:sys2_acute1", "community_trust:sys2_community1"]
members = { gp_practice = 12, third_sector = 2 }
pilot_practices = 3
rollout_step = 4
rollout_every_weeks = 8
project_manager_from = 2014-03-17
project_manager_until = 2016-03-31
"#;

#[test]
fn a_small_generator_expands_to_exactly_the_hand_written_scenario() {
    let generated = load(SMALL).unwrap_or_else(|e| panic!("{e}"));
    let by_hand = load(SMALL_BY_HAND).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.expanded_toml(), by_hand.expanded_toml());
    // The same parameters, so the same simulation, replication by replication.
    let run = |s: &Scenario| Ensemble::new(s).seed(7).replications(2).run().results;
    assert_eq!(run(&generated), run(&by_hand));
}

#[test]
fn the_expanded_scenario_loads_as_a_hand_written_file_and_is_the_same() {
    let s = england();
    let text = s.expanded_toml();
    assert!(!text.contains("[generate"), "the section is consumed");
    let again = load(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.expanded_toml(), text);
    // A scenario hash still identifies the input file (and its base).
    assert_eq!(s.content_hash(), england().content_hash());
    assert_ne!(s.content_hash(), Scenario::default_nwl().content_hash());
}

#[test]
fn expansion_is_deterministic_and_the_generator_seed_changes_the_draws() {
    let a = england().expanded_toml();
    assert_eq!(a, england().expanded_toml());
    let text = england_text();
    let seed = england_generate()["seed"].as_integer().expect("a seed");
    let other = text.replacen(
        &format!("seed = {seed}"),
        &format!("seed = {}", seed + 1),
        1,
    );
    assert_ne!(other, text, "the seed line was found");
    let b = load(&other).unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(b.expanded_toml(), a);
    // Different draws, the same totals asked for.
    let s = england();
    let (p, q) = (s.parameters(), b.parameters());
    for kind in AgentKind::ALL {
        assert_eq!(p.pool_size(kind), q.pool_size(kind), "{kind:?}");
    }
    assert_eq!(p.early_adopters.len(), q.early_adopters.len());
}

#[test]
fn england_has_the_counts_its_generator_asks_for() {
    let g = england_generate();
    let systems = g["systems"].as_integer().unwrap() as u64;
    let s = england();
    let raw = s.raw();
    let asked = |kind: &str| {
        let n = &g["organisations"][kind];
        match (n.get("total"), n.get("each")) {
            (Some(t), _) => t.as_integer().unwrap() as u64,
            (None, Some(e)) => e.as_integer().unwrap() as u64 * systems,
            _ => panic!("England uses total or each for {kind}"),
        }
    };
    let o = &raw.organisations;
    assert_eq!(u64::from(o.ccg.count), systems);
    for (kind, spec) in [
        ("local_authority", &o.local_authority),
        ("acute_trust", &o.acute_trust),
        ("community_trust", &o.community_trust),
        ("gp_practice", &o.gp_practice),
        ("third_sector", &o.third_sector),
        ("lay_partner", &o.lay_partner),
    ] {
        assert_eq!(u64::from(spec.count), asked(kind), "{kind}");
        // `per_ccg = {}` emptied the base's areas: only the systems remain.
        assert!(
            spec.per_ccg.keys().all(|c| o.ccg.names.contains(c)),
            "{kind}"
        );
        if !spec.per_ccg.is_empty() {
            let sum: u64 = spec.per_ccg.values().map(|&n| u64::from(n)).sum();
            assert_eq!(sum, u64::from(spec.count), "{kind}: areas cover the pool");
        }
    }
    let eas = g["early_adopters"]["count"]["total"].as_integer().unwrap() as usize;
    assert_eq!(raw.early_adopters.len(), eas);
    // Each system gets at least `min` early adopters.
    let min = g["early_adopters"]["count"]["min"].as_integer().unwrap() as usize;
    for ccg in &o.ccg.names {
        let own = raw
            .early_adopters
            .iter()
            .filter(|e| e.organisations.first() == Some(&format!("ccg:{ccg}")))
            .count();
        assert!(own >= min, "{ccg} has {own} early adopters");
    }
}

#[test]
fn generated_ids_are_unique_valid_and_name_their_own_system() {
    let s = england();
    let raw = s.raw();
    let mut ids: Vec<&str> = raw.early_adopters.iter().map(|e| e.id.as_str()).collect();
    let o = &raw.organisations;
    for names in [
        &o.ccg.names,
        &o.local_authority.names,
        &o.acute_trust.names,
        &o.community_trust.names,
    ] {
        ids.extend(names.iter().map(String::as_str));
    }
    let n = ids.len();
    assert!(ids.iter().all(|id| is_valid_id(id)), "invalid id");
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        n,
        "ids are unique across kinds and early adopters"
    );
    for ea in &raw.early_adopters {
        let system = ea.id.split('_').next().unwrap();
        for r in &ea.organisations {
            let (_, id) = r.split_once(':').unwrap();
            assert!(
                id == system || id.starts_with(&format!("{system}_")),
                "{} names {r}",
                ea.id
            );
        }
        let gps = ea.members["gp_practice"];
        let area = o.gp_practice.per_ccg[system];
        assert!(gps >= ea.pilot_practices && gps <= area, "{}: {gps}", ea.id);
    }
}

/// The leaf keys of the `[generate]` section, from the schema.
fn generator_keys() -> Vec<String> {
    fn walk(node: &Json, prefix: &str, out: &mut Vec<String>) {
        let node = node
            .get("anyOf")
            .and_then(|a| {
                a.as_array()?
                    .iter()
                    .find(|v| v.get("type") != Some(&"null".into()))
            })
            .unwrap_or(node);
        match node.get("properties").and_then(Json::as_object) {
            Some(props) => {
                for (k, v) in props {
                    walk(v, &format!("{prefix}.{k}"), out);
                }
            }
            None => out.push(prefix.to_string()),
        }
    }
    let schema = json_schema();
    let mut out = Vec::new();
    walk(&schema["properties"]["generate"], "generate", &mut out);
    out
}

#[test]
fn every_generator_key_changes_the_expansion() {
    // A perturbation per key, as a line appended to its table in `SMALL`
    // (for PerSystem forms, the whole inline table is replaced).
    let drawn = SMALL
        .replace("full_scope_share = 1.0", "full_scope_share = 0.5")
        .replace("prior_relationships = 0.5", "prior_relationships = 0.5\nprior_relationships_sd = 0.1\npopulation_cv = 0.5\ngp_practices_sd = 3.0\nspread_weeks = 6\nlay_chair_share = 0.5")
        .replace("community_trust = { total = 2 }", "community_trust = { total = 9, cv = 1.0 }")
        .replace("min = 3 }", "cv = 2.0, min = 3 }");
    let base = load(&drawn)
        .unwrap_or_else(|e| panic!("{e}"))
        .expanded_toml();
    let change = |from: &str, to: &str| vec![(from.to_string(), to.to_string())];
    let cases: Vec<(&str, Vec<(String, String)>)> = vec![
        (
            "generate.seed",
            change("id_prefix = \"sys\"", "id_prefix = \"sys\"\nseed = 9"),
        ),
        (
            "generate.systems",
            [
                ("systems = 2", "systems = 3"),
                (
                    "list = [2, 1] }\ncommunity",
                    "list = [2, 1, 1] }\ncommunity",
                ),
                ("cv = 2.0, min = 3 }", "cv = 2.0, min = 2 }"),
                ("count = { list = [2, 1] }", "count = { list = [2, 1, 1] }"),
            ]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        ),
        (
            "generate.id_prefix",
            change("id_prefix = \"sys\"", "id_prefix = \"s\""),
        ),
        (
            "generate.organisations.local_authority.each",
            change(
                "local_authority = { each = 1 }",
                "local_authority = { each = 2 }",
            ),
        ),
        (
            "generate.organisations.acute_trust.list",
            change("[2, 1] }\ncommunity", "[1, 1] }\ncommunity"),
        ),
        (
            "generate.organisations.community_trust.total",
            change("total = 9, cv", "total = 8, cv"),
        ),
        (
            "generate.organisations.community_trust.cv",
            change("cv = 1.0 }", "cv = 0.0 }"),
        ),
        (
            "generate.organisations.third_sector.min",
            change("min = 3 }", "min = 0 }"),
        ),
        (
            "generate.organisations.lay_partner.each",
            change(
                "[generate.organisations]",
                "[generate.organisations]\nlay_partner = { each = 2 }",
            ),
        ),
        (
            "generate.organisations.gp_practice.each",
            change("gp_practice = { each = 30 }", "gp_practice = { each = 31 }"),
        ),
        (
            "generate.early_adopters.count",
            change("count = { list = [2, 1] }", "count = { list = [1, 1] }"),
        ),
        (
            "generate.early_adopters.application_ready",
            change(
                "application_ready = 2014-03-03",
                "application_ready = 2014-03-10",
            ),
        ),
        (
            "generate.early_adopters.spread_weeks",
            change("spread_weeks = 6", "spread_weeks = 20"),
        ),
        (
            "generate.early_adopters.full_scope_share",
            change("full_scope_share = 0.5", "full_scope_share = 0.0"),
        ),
        (
            "generate.early_adopters.population",
            change("population = 20_000.0", "population = 30_000.0"),
        ),
        (
            "generate.early_adopters.population_cv",
            change("population_cv = 0.5", "population_cv = 0.9"),
        ),
        (
            "generate.early_adopters.prior_relationships",
            change("prior_relationships = 0.5\n", "prior_relationships = 0.6\n"),
        ),
        (
            "generate.early_adopters.prior_relationships_sd",
            change(
                "prior_relationships_sd = 0.1",
                "prior_relationships_sd = 0.3",
            ),
        ),
        (
            "generate.early_adopters.local_authorities",
            change(
                "gp_practices = 12",
                "gp_practices = 12\nlocal_authorities = 0",
            ),
        ),
        (
            "generate.early_adopters.acute_trusts",
            change("gp_practices = 12", "gp_practices = 12\nacute_trusts = 2"),
        ),
        (
            "generate.early_adopters.community_trusts",
            change(
                "gp_practices = 12",
                "gp_practices = 12\ncommunity_trusts = 2",
            ),
        ),
        (
            "generate.early_adopters.gp_practices",
            change("gp_practices = 12", "gp_practices = 14"),
        ),
        (
            "generate.early_adopters.gp_practices_sd",
            change("gp_practices_sd = 3.0", "gp_practices_sd = 6.0"),
        ),
        (
            "generate.early_adopters.third_sector",
            change("third_sector = 2\n", "third_sector = 1\n"),
        ),
        (
            "generate.early_adopters.pilot_practices",
            change("pilot_practices = 3", "pilot_practices = 2"),
        ),
        (
            "generate.early_adopters.rollout_step",
            change("rollout_step = 4", "rollout_step = 5"),
        ),
        (
            "generate.early_adopters.rollout_every_weeks",
            change("rollout_every_weeks = 8", "rollout_every_weeks = 9"),
        ),
        (
            "generate.early_adopters.project_manager_after_weeks",
            change(
                "project_manager_after_weeks = 2",
                "project_manager_after_weeks = 3",
            ),
        ),
        (
            "generate.early_adopters.project_manager_until",
            change(
                "project_manager_until = 2016-03-31",
                "project_manager_until = 2016-06-30",
            ),
        ),
        (
            "generate.early_adopters.lay_chair_share",
            change("lay_chair_share = 0.5", "lay_chair_share = 0.0"),
        ),
    ];
    let mut unchanged = Vec::new();
    for (key, changes) in &cases {
        let mut text = drawn.clone();
        for (from, to) in changes {
            assert!(
                text.contains(from.as_str()),
                "{key}: `{from}` not in the test scenario"
            );
            text = text.replacen(from.as_str(), to, 1);
        }
        match load(&text) {
            Ok(s) if s.expanded_toml() != base => {}
            Ok(_) => unchanged.push(key.to_string()),
            Err(e) => panic!("{key}: {e}"),
        }
    }
    assert!(
        unchanged.is_empty(),
        "keys that change nothing: {unchanged:?}"
    );
    // Every key of the schema has a case, with the forms of a per-system
    // count (`each`, `list`, `total`, `cv`, `min`) each covered once.
    let covered: Vec<&str> = cases.iter().map(|(k, _)| *k).collect();
    let form = |k: &str| k.rsplit('.').next().unwrap().to_string();
    for key in generator_keys() {
        let hit = covered.contains(&key.as_str())
            || (key.starts_with("generate.organisations.")
                || key.starts_with("generate.early_adopters.count"))
                && covered
                    .iter()
                    .any(|c| c.starts_with("generate.organisations.") && form(c) == form(&key));
        assert!(hit, "no perturbation for {key}");
    }
}

#[test]
fn generator_errors_are_positioned_at_the_generator_keys() {
    let text = SMALL.replace(
        "gp_practice = { each = 30 }",
        "gp_practice = { each = 1_000_000 }",
    );
    let Err(LoadError::Invalid(errors)) = load(&text) else {
        panic!("two million practices accepted")
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    let line = text
        .lines()
        .position(|l| l.starts_with("gp_practice = { each"))
        .unwrap()
        + 1;
    assert_eq!(
        (e.key_path.as_str(), e.line),
        ("generate.organisations.gp_practice", line)
    );
    assert!(e.expected.contains("MAX_AGENTS_PER_KIND"), "{e}");
    // A problem in every generated entry, found by the validation of the
    // expanded scenario, is reported once at the template key.
    let text = SMALL.replace("rollout_every_weeks = 8", "rollout_every_weeks = 0");
    let Err(LoadError::Invalid(errors)) = load(&text) else {
        panic!("rollout every 0 weeks accepted")
    };
    let line = text
        .lines()
        .position(|l| l.starts_with("rollout_every_weeks"))
        .unwrap()
        + 1;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].key_path.as_str(), errors[0].line),
        ("generate.early_adopters.rollout_every_weeks", line)
    );
    assert!(
        errors[0]
            .found
            .as_deref()
            .unwrap_or("")
            .contains("`early_adopters[9]`, `sys1_ea1`"),
        "{}",
        errors[0]
    );
}

#[test]
fn england_runs() {
    let s = england();
    let p = s.parameters();
    let runs = Ensemble::new(&s).seed(1).replications(2).run();
    assert_eq!(runs.results.len(), 2);
    for r in &runs.results {
        assert_eq!(r.go_live.len(), p.early_adopters.len());
    }
    // The two replications differ: agents and early adopters draw their own streams.
    assert_ne!(runs.results[0], runs.results[1]);
}

#[test]
fn every_generator_key_is_described_in_the_odd() {
    let odd = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ODD.md"))
        .expect("docs/ODD.md");
    let section: String = odd
        .lines()
        .skip_while(|l| !l.starts_with("### 6.1"))
        .take_while(|l| !l.starts_with("## 7"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!section.is_empty(), "docs/ODD.md has no §6.1");
    let missing: Vec<String> = generator_keys()
        .into_iter()
        .filter(|k| {
            let last = k.rsplit('.').next().unwrap();
            !section.contains(&format!("`{last}`")) && !section.contains(&format!("{last} = "))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "generator keys not described in docs/ODD.md §6.1: {missing:?}"
    );
}
