//! Scenario inheritance (`extends`): merge semantics on real scenarios, chains,
//! errors of the chain itself, positions of errors in a base and in the file
//! that extends it, content hashes, the shipped variants (equal to the full
//! copies they replaced) and the documentation.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use pioneer::scenario::{LoadError, ScenarioError};
use pioneer::Scenario;
use tempfile::TempDir;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn default_text() -> String {
    fs::read_to_string(repo().join("scenarios/nwl_wsic_2013.toml")).unwrap()
}

/// A temporary directory holding `base.toml`, a copy of the default scenario.
fn workspace() -> TempDir {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("base.toml"), default_text()).unwrap();
    tmp
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&p, text).unwrap();
    p
}

fn load(path: &Path) -> Scenario {
    Scenario::from_file(path).unwrap_or_else(|e| panic!("{}:\n{e}", path.display()))
}

fn errors(path: &Path) -> Vec<ScenarioError> {
    match Scenario::from_file(path) {
        Ok(_) => panic!("{} loaded without error", path.display()),
        Err(LoadError::Invalid(errors)) => errors,
        Err(e) => panic!("{}: expected LoadError::Invalid, got {e}", path.display()),
    }
}

/// The one error of a file.
fn only_error(path: &Path) -> ScenarioError {
    let mut errs = errors(path);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    errs.remove(0)
}

/// 1-based (line, column) of the first occurrence of `needle` in `text`
/// (plus `skip` bytes).
fn position_of(text: &str, needle: &str, skip: usize) -> (usize, usize) {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"))
        + skip;
    line_col(text, offset)
}

/// 1-based (line, column) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = offset - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

fn json(s: &Scenario) -> String {
    serde_json::to_string(s.raw()).unwrap()
}

// --- merge semantics -------------------------------------------------------

#[test]
fn tables_merge_key_by_key() {
    let tmp = workspace();
    let child = write(
        tmp.path(),
        "child.toml",
        "extends = \"base.toml\"\n\n[organisations.ccg]\nrelational_bias = 0.55\n",
    );
    let base = Scenario::default_nwl();
    let s = load(&child);
    let (b, c) = (&base.raw().organisations, &s.raw().organisations);
    assert_eq!(c.ccg.relational_bias, 0.55);
    // The other keys of the same table, and the other tables, are inherited.
    assert_eq!(c.ccg.engagement, b.ccg.engagement);
    assert_eq!(c.ccg.count, b.ccg.count);
    assert_eq!(
        serde_json::to_string(&c.local_authority).unwrap(),
        serde_json::to_string(&b.local_authority).unwrap()
    );
    assert_eq!(s.raw().meta.name, "nwl_wsic_2013", "meta is inherited too");
}

#[test]
fn inline_tables_merge_key_by_key() {
    // `members = { … }` is a table like any other: one key overridden, the rest kept.
    let tmp = workspace();
    let child = write(
        tmp.path(),
        "child.toml",
        "extends = \"base.toml\"\n\n[[early_adopters]]\nid = \"brent\"\nmembers = { gp_practice = 60 }\n",
    );
    let s = load(&child);
    let base = Scenario::default_nwl();
    let (b, c) = (&base.raw().early_adopters[0], &s.raw().early_adopters[0]);
    assert_eq!(c.members["gp_practice"], 60);
    assert_eq!(c.members["third_sector"], b.members["third_sector"]);
    assert_eq!(c.members.len(), b.members.len());
}

#[test]
fn arrays_of_tables_with_ids_merge_by_id_and_keep_their_order() {
    let tmp = workspace();
    let child = write(
        tmp.path(),
        "child.toml",
        "extends = \"base.toml\"\n\n\
         [[early_adopters]]\nid = \"ealing\"\nscope = \"full\"\n\n\
         [[journey]]\nid = \"pilot_live\"\nwork_hours = 512.0\n\n\
         [[barriers]]\nid = \"payment_systems\"\nefficiency = 0.9\n\n\
         [[leadership.leaders]]\nid = \"key_leader_3\"\ndeparts = 2016-01-04\n",
    );
    let base = Scenario::default_nwl();
    let s = load(&child);
    let (b, c) = (base.raw(), s.raw());
    assert_eq!(c.early_adopters.len(), b.early_adopters.len());
    let ids = |v: &[pioneer::scenario::raw::EarlyAdopterSpec]| {
        v.iter().map(|e| e.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&c.early_adopters), ids(&b.early_adopters));
    let ealing = c.early_adopters.iter().find(|e| e.id == "ealing").unwrap();
    let ealing_base = b.early_adopters.iter().find(|e| e.id == "ealing").unwrap();
    assert_eq!(serde_json::to_string(&ealing.scope).unwrap(), "\"full\"");
    assert_eq!(ealing.population, ealing_base.population);
    assert_eq!(ealing.members, ealing_base.members);
    let pilot = c.journey.iter().position(|m| m.id == "pilot_live").unwrap();
    assert_eq!(
        pilot,
        b.journey.iter().position(|m| m.id == "pilot_live").unwrap()
    );
    assert_eq!(c.journey[pilot].work_hours, 512.0);
    assert_eq!(c.journey[pilot].requires, b.journey[pilot].requires);
    assert_eq!(c.barriers[1].efficiency, 0.9);
    assert_eq!(
        c.barriers[1].workaround_hours,
        b.barriers[1].workaround_hours
    );
    assert_eq!(c.barriers[0].efficiency, b.barriers[0].efficiency);
    assert_eq!(c.leadership.leaders.len(), 3);
    assert_eq!(
        c.leadership.leaders[2].departs.unwrap().to_string(),
        "2016-01-04"
    );
}

#[test]
fn an_element_with_a_new_id_is_appended() {
    let tmp = workspace();
    let child = write(
        tmp.path(),
        "child.toml",
        "extends = \"base.toml\"\n\n\
         [[early_adopters]]\n\
         id = \"harrow_south\"\n\
         application_ready = 2014-03-03\n\
         scope = \"scaled_back\"\n\
         population = 5_000.0\n\
         prior_relationships = 0.3\n\
         organisations = [\"ccg:harrow\", \"local_authority:harrow\"]\n\
         members = { gp_practice = 6 }\n\
         pilot_practices = 2\n\
         rollout_step = 2\n\
         rollout_every_weeks = 8\n",
    );
    let base = Scenario::default_nwl();
    let s = load(&child);
    let n = base.raw().early_adopters.len();
    assert_eq!(s.raw().early_adopters.len(), n + 1);
    assert_eq!(s.raw().early_adopters[n].id, "harrow_south");
    assert_eq!(
        serde_json::to_string(&s.raw().early_adopters[..n]).unwrap(),
        serde_json::to_string(&base.raw().early_adopters).unwrap()
    );
}

#[test]
fn other_arrays_are_replaced_whole() {
    let tmp = workspace();
    let child = write(
        tmp.path(),
        "child.toml",
        "extends = \"base.toml\"\n\n\
         [record]\nquantiles = [0.05, 0.5, 0.95]\n\n\
         [[budget]]\nstarts = 2013\ncentral_gbp = 1_000_000.0\nlocal_gbp = 0.0\n\n\
         [[bodies]]\nid = \"programme_executive\"\n\
         [[bodies.schedule]]\nfrom = 2013-10-07\nto = 2015-05-15\nevery_weeks = 4\n",
    );
    let base = Scenario::default_nwl();
    let s = load(&child);
    let (b, c) = (base.raw(), s.raw());
    // An array of values.
    assert_eq!(c.record.quantiles, vec![0.05, 0.5, 0.95]);
    assert_eq!(c.record.checkpoints, b.record.checkpoints);
    // An array of tables without ids: the three budget years become one.
    assert_eq!(b.budget.len(), 3);
    assert_eq!(c.budget.len(), 1);
    assert_eq!(c.budget[0].central_gbp, 1_000_000.0);
    // Inside an element merged by id: its schedule (no ids) is replaced whole,
    // its other keys are kept.
    assert_eq!(b.bodies[0].schedule.len(), 2);
    assert_eq!(c.bodies[0].schedule.len(), 1);
    assert_eq!(c.bodies[0].schedule[0].every_weeks, 4);
    assert_eq!(c.bodies[0].members, b.bodies[0].members);
    assert!(c.bodies[0].signs_off_early_adopters);
    assert_eq!(c.bodies.len(), b.bodies.len());
}

#[test]
fn an_empty_array_empties_an_inherited_list() {
    let tmp = workspace();
    let child = write(
        tmp.path(),
        "child.toml",
        "extends = \"base.toml\"\n\n[leadership]\nleaders = []\n",
    );
    let s = load(&child);
    assert!(s.raw().leadership.leaders.is_empty());
    assert_eq!(
        s.raw().leadership.capacity_loss,
        Scenario::default_nwl().raw().leadership.capacity_loss
    );
}

#[test]
fn chains_apply_every_file_in_order() {
    let tmp = workspace();
    write(
        tmp.path(),
        "middle/middle.toml",
        "extends = \"../base.toml\"\n\n[meta]\nname = \"middle\"\n\n\
         [organisations.ccg]\nrelational_bias = 0.5\nengagement = 0.6\n\n\
         [switches]\nconsultancy = false\n",
    );
    let top = write(
        tmp.path(),
        "top/deeper/top.toml",
        "extends = \"../../middle/middle.toml\"\n\n[meta]\nname = \"top\"\n\n\
         [organisations.ccg]\nengagement = 0.7\n",
    );
    let s = load(&top);
    let c = s.raw();
    assert_eq!(c.meta.name, "top");
    assert_eq!(c.organisations.ccg.engagement, 0.7, "the last file wins");
    assert_eq!(c.organisations.ccg.relational_bias, 0.5, "from the middle");
    assert!(!c.switches.consultancy, "from the middle");
    assert_eq!(
        c.organisations.ccg.capacity_hours,
        Scenario::default_nwl()
            .raw()
            .organisations
            .ccg
            .capacity_hours,
        "from the base"
    );
}

#[test]
fn the_embedded_default_can_be_named_as_builtin() {
    let tmp = TempDir::new().unwrap();
    let by_name = write(
        tmp.path(),
        "a.toml",
        "extends = \"builtin:nwl_wsic_2013\"\n\n[switches]\nconsultancy = false\n",
    );
    let repo_variant = repo().join("scenarios/variants/nwl_no_consultancy.toml");
    let a = load(&by_name);
    let b = load(&repo_variant);
    assert!(!a.raw().switches.consultancy);
    assert_eq!(a.raw().meta.name, "nwl_wsic_2013");
    // Same content as extending the file (the embedded copy is the file).
    let mut raw_b = b.raw().clone();
    raw_b.meta = a.raw().meta.clone();
    assert_eq!(serde_json::to_string(&raw_b).unwrap(), json(&a));

    let bad = write(tmp.path(), "b.toml", "extends = \"builtin:nwl_wsic2013\"\n");
    let e = only_error(&bad);
    assert_eq!(
        (e.file.as_str(), e.line, e.column),
        (bad.to_str().unwrap(), 1, 1)
    );
    assert_eq!(e.key_path, "extends");
    assert_eq!(
        e.hint.as_deref(),
        Some("did you mean `builtin:nwl_wsic_2013`?")
    );
}

// --- errors of the chain itself ----------------------------------------------

#[test]
fn a_cycle_is_an_error_at_the_extends_key() {
    let tmp = TempDir::new().unwrap();
    let a = write(
        tmp.path(),
        "a.toml",
        "# a\nextends = \"b.toml\"\n[meta]\nname = \"a\"\n",
    );
    write(tmp.path(), "b.toml", "\n\n  extends = \"a.toml\"\n");
    let e = only_error(&a);
    // Reported where the cycle closes: b's `extends`, at line 3, column 3.
    assert_eq!(e.file, tmp.path().join("b.toml").display().to_string());
    assert_eq!((e.line, e.column), (3, 3));
    assert_eq!(e.key_path, "extends");
    let found = e.found.clone().unwrap();
    assert!(found.starts_with("a cycle: "), "{found}");
    assert!(
        found.contains("a.toml → ") && found.contains("b.toml → "),
        "{found}"
    );
    assert!(e.hint.as_deref().unwrap().contains("remove `extends`"));

    let selfish = write(tmp.path(), "self.toml", "extends = \"./self.toml\"\n");
    let e = only_error(&selfish);
    assert_eq!((e.line, e.column), (1, 1));
    assert!(e.found.unwrap().starts_with("a cycle: "));
}

#[test]
fn a_missing_base_is_an_error_at_the_extends_key_with_a_hint() {
    let tmp = workspace();
    let child = write(
        tmp.path(),
        "variants/child.toml",
        "# A variant.\n\nextends = \"../bsae.toml\"\n\n[meta]\nname = \"x\"\n",
    );
    let e = only_error(&child);
    assert_eq!(e.file, child.display().to_string());
    assert_eq!((e.line, e.column), (3, 1));
    assert_eq!(e.key_path, "extends");
    assert_eq!(e.expected, "an existing scenario file");
    assert!(e.found.as_deref().unwrap().contains("../bsae.toml"), "{e}");
    let hint = e.hint.clone().unwrap();
    assert!(
        hint.contains("relative to the directory of this file"),
        "{hint}"
    );
    assert!(hint.contains("did you mean `../base.toml`?"), "{hint}");
    // The rendered message has the usual shape.
    let text = Scenario::from_file(&child).unwrap_err().to_string();
    assert!(text.starts_with(&format!("error: {}:3:1: `extends`: ", child.display())));
    assert!(text.ends_with("\n1 error in scenario"), "{text}");
}

#[test]
fn extends_must_be_a_string() {
    let tmp = TempDir::new().unwrap();
    let child = write(tmp.path(), "c.toml", "extends = [\"a.toml\"]\n");
    let e = only_error(&child);
    assert_eq!((e.line, e.column), (1, 11));
    assert!(e.expected.contains("path of the base scenario"), "{e}");
    assert!(e.hint.is_some());
}

#[test]
fn a_misspelt_extends_is_hinted() {
    let tmp = workspace();
    let child = write(
        tmp.path(),
        "c.toml",
        "extend = \"base.toml\"\n\n[switches]\nconsultancy = false\n",
    );
    let errs = errors(&child);
    let e = errs
        .iter()
        .find(|e| e.key_path == "extend")
        .expect("unknown key");
    assert_eq!(e.hint.as_deref(), Some("did you mean `extends`?"));
}

#[test]
fn a_syntax_error_in_a_base_is_reported_in_the_base() {
    let tmp = TempDir::new().unwrap();
    let base = write(
        tmp.path(),
        "base.toml",
        &default_text().replace("id = \"harrow\"", "id = \"harrow"),
    );
    let child = write(tmp.path(), "c.toml", "extends = \"base.toml\"\n");
    let e = only_error(&child);
    assert_eq!(e.file, base.display().to_string());
    let text = fs::read_to_string(&base).unwrap();
    assert_eq!(e.line, position_of(&text, "id = \"harrow", 0).0);
    assert_eq!(e.expected, "valid TOML syntax");
}

// --- positions of errors ------------------------------------------------------

#[test]
fn an_error_in_the_extending_file_points_into_it() {
    let tmp = workspace();
    let text = "extends = \"base.toml\"\n\n\
                [[early_adopters]]\nid = \"ealing\"\npopulation = \"59,938\"\n";
    let child = write(tmp.path(), "c.toml", text);
    let e = only_error(&child);
    assert_eq!(e.file, child.display().to_string());
    assert_eq!(e.key_path, "early_adopters[2].population");
    assert_eq!((e.line, e.column), position_of(text, "\"59,938\"", 0));
    assert!(e.hint.as_deref().unwrap().contains("without quotes"));
}

#[test]
fn an_inherited_error_points_into_the_base_that_writes_it() {
    // The middle file of a chain has an engagement above 1 and an unknown key;
    // the top file is fine. Both errors name the middle file, where they are.
    let tmp = workspace();
    let middle_text = "extends = \"base.toml\"\n\n\
                       [organisations.lay_partner]\nengagement = 8.0\n\n\
                       [calendar]\ntimestep = \"week\"\n";
    let middle = write(tmp.path(), "middle.toml", middle_text);
    let top_text = "extends = \"middle.toml\"\n\n[meta]\nname = \"top\"\n";
    let top = write(tmp.path(), "top.toml", top_text);
    let errs = errors(&top);
    assert_eq!(
        errs.len(),
        1,
        "unknown keys stop before validation: {errs:#?}"
    );
    let e = &errs[0];
    assert_eq!(e.file, middle.display().to_string());
    assert_eq!(e.key_path, "calendar.timestep");
    assert_eq!((e.line, e.column), position_of(middle_text, "timestep", 0));

    fs::write(&middle, middle_text.replace("timestep = \"week\"", "")).unwrap();
    let e = only_error(&top);
    assert_eq!(e.file, middle.display().to_string());
    assert_eq!(e.key_path, "organisations.lay_partner.engagement");
    assert_eq!((e.line, e.column), position_of(middle_text, "8.0", 0));

    // An error in the untouched base names the base file.
    let base = tmp.path().join("base.toml");
    let base_text = default_text().replace(
        "id = \"payment_systems\"         # G2: capitation and ACPs not supported by mainstream governance\nremoval_hazard_per_year = 0.05",
        "id = \"payment_systems\"\nremoval_hazard_per_year = -0.05",
    );
    assert_ne!(base_text, default_text());
    fs::write(&base, &base_text).unwrap();
    let errs = errors(&top);
    let e = errs
        .iter()
        .find(|e| e.key_path == "barriers[1].removal_hazard_per_year")
        .unwrap_or_else(|| panic!("{errs:#?}"));
    assert_eq!(e.file, base.display().to_string());
    assert_eq!((e.line, e.column), position_of(&base_text, "-0.05", 0));
}

#[test]
fn an_error_in_an_element_merged_by_id_points_at_the_file_that_writes_the_key() {
    let tmp = workspace();
    let text = "extends = \"base.toml\"\n\n\
                # pilot_live with a typo in its prerequisites.\n\
                [[journey]]\nid = \"pilot_live\"\nrequires = [\"capitation_agreed\", \"outcome_agreed\"]\n";
    let child = write(tmp.path(), "c.toml", text);
    let e = only_error(&child);
    assert_eq!(e.file, child.display().to_string());
    assert!(e.key_path.starts_with("journey[") && e.key_path.ends_with("].requires[1]"));
    assert_eq!(
        (e.line, e.column),
        position_of(text, "\"outcome_agreed\"", 0)
    );
    assert_eq!(e.hint.as_deref(), Some("did you mean `outcomes_agreed`?"));

    let text =
        "extends = \"base.toml\"\n\n[[early_adopters]]\nid = \"brent\"\ngo_live = 2015-01-05\n";
    let child = write(tmp.path(), "d.toml", text);
    let e = only_error(&child);
    assert_eq!(e.key_path, "early_adopters[0].go_live");
    assert_eq!((e.line, e.column), position_of(text, "go_live", 0));
}

#[test]
fn a_new_element_missing_a_key_is_reported_at_its_header_in_the_patch() {
    let tmp = workspace();
    let text = "extends = \"base.toml\"\n\n[[barriers]]\nid = \"new_barrier\"\nefficiency = 0.5\n";
    let child = write(tmp.path(), "c.toml", text);
    let e = only_error(&child);
    assert_eq!(e.file, child.display().to_string());
    assert_eq!(
        e.key_path, "barriers[2]",
        "appended after the two inherited barriers"
    );
    assert_eq!((e.line, e.column), (3, 1));
    assert!(
        e.hint.as_deref().unwrap().starts_with("add `barriers[2]."),
        "{e}"
    );
}

#[test]
fn a_duplicate_id_in_one_file_is_appended_and_reported() {
    let tmp = workspace();
    let block = "[[barriers]]\nid = \"payment_systems\"\nremoval_hazard_per_year = 0.1\nefficiency = 0.5\nworkaround_hours = 100.0\n";
    let text = format!("extends = \"base.toml\"\n\n{block}\n{block}");
    let child = write(tmp.path(), "c.toml", &text);
    let e = only_error(&child);
    assert_eq!(e.key_path, "barriers[2].id");
    assert_eq!(e.file, child.display().to_string());
    // At the second block's id, not the first (which merged into the base's).
    let second = text.rfind("\"payment_systems\"").unwrap();
    assert_eq!((e.line, e.column), line_col(&text, second));
    assert_eq!(e.hint.as_deref(), Some("each id may appear once"));
}

// --- content hash -------------------------------------------------------------

#[test]
fn content_hash_covers_every_file_of_the_chain() {
    let tmp = workspace();
    let child_text = "extends = \"base.toml\"\n\n[switches]\nconsultancy = false\n";
    let child = write(tmp.path(), "c.toml", child_text);
    let h1 = load(&child).content_hash().to_string();
    let default_hash = Scenario::default_nwl().content_hash().to_string();
    assert_ne!(h1, default_hash);
    assert_ne!(h1, pioneer::util::hash::sha256_hex(child_text.as_bytes()));
    // The same files elsewhere: the same hash.
    let other = workspace();
    let copy = write(other.path(), "c.toml", child_text);
    assert_eq!(load(&copy).content_hash(), h1);
    // The same child over a changed base: another hash, though the child is unchanged.
    fs::write(
        tmp.path().join("base.toml"),
        default_text().replace("lag_weeks = 26", "lag_weeks = 27"),
    )
    .unwrap();
    let h2 = load(&child).content_hash().to_string();
    assert_ne!(h1, h2);
    // A file without `extends` still hashes its text.
    assert_eq!(
        load(&tmp.path().join("base.toml")).content_hash(),
        pioneer::util::hash::sha256_hex(
            default_text()
                .replace("lag_weeks = 26", "lag_weeks = 27")
                .as_bytes()
        )
    );
}

// --- the shipped variants -------------------------------------------------------

/// The last commit in which every variant was a full copy of the default.
const FULL_COPIES: &str = "1178b500d8928ec0153738ea7f13068578f4f034";

fn variants() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(repo().join("scenarios/variants"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    assert_eq!(v.len(), 7);
    v
}

fn git_show(spec: &str) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["show", spec])
        .current_dir(repo())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap())
}

/// Every leaf of a TOML document by key path; entries of arrays of tables
/// are keyed by their `id` (as `extends` merges them), and ids themselves and
/// the free-text `meta` table are left out.
fn toml_leaves(
    v: &toml::Value,
    prefix: &str,
    out: &mut std::collections::BTreeMap<String, toml::Value>,
) {
    match v {
        toml::Value::Table(t) => {
            for (k, child) in t {
                if k == "id" || (prefix.is_empty() && (k == "meta" || k == "extends")) {
                    continue;
                }
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                toml_leaves(child, &p, out);
            }
        }
        toml::Value::Array(a) if a.iter().all(|x| x.is_table()) && !a.is_empty() => {
            for (i, child) in a.iter().enumerate() {
                let key = child
                    .get("id")
                    .and_then(|x| x.as_str())
                    .map_or(i.to_string(), str::to_string);
                toml_leaves(child, &format!("{prefix}[{key}]"), out);
            }
        }
        _ => {
            out.insert(prefix.to_string(), v.clone());
        }
    }
}

fn leaves_of(text: &str) -> std::collections::BTreeMap<String, toml::Value> {
    let mut out = std::collections::BTreeMap::new();
    toml_leaves(&toml::from_str(text).expect("TOML"), "", &mut out);
    out
}

/// Each variant states exactly how it departs from the default scenario: the
/// keys its file sets are the keys (with the same values) where the full
/// copy it replaced differed from the default scenario of that time. Checked
/// on the files' own text, so later changes to the default scenario (which
/// every variant inherits) do not disturb it.
#[test]
fn every_variant_states_exactly_the_departures_of_the_full_copy_it_replaced() {
    let mut compared = 0;
    let Some(old_default) = git_show(&format!("{FULL_COPIES}:scenarios/nwl_wsic_2013.toml")) else {
        eprintln!("git history with {FULL_COPIES} is not available: skipping");
        return;
    };
    let old_default = leaves_of(&old_default);
    for path in variants() {
        let name = path.file_name().unwrap().to_str().unwrap();
        let old = git_show(&format!("{FULL_COPIES}:scenarios/variants/{name}"))
            .unwrap_or_else(|| panic!("{name} at {FULL_COPIES}"));
        assert!(!old.contains("\nextends ="), "{name} was not a full copy");
        let old = leaves_of(&old);
        let departures: std::collections::BTreeMap<String, Option<toml::Value>> = old
            .keys()
            .chain(old_default.keys())
            .filter(|k| old.get(*k) != old_default.get(*k))
            .map(|k| (k.clone(), old.get(k).cloned()))
            .collect();
        let own: std::collections::BTreeMap<String, Option<toml::Value>> =
            leaves_of(&fs::read_to_string(&path).unwrap())
                .into_iter()
                .map(|(k, v)| (k, Some(v)))
                .collect();
        assert_eq!(
            own, departures,
            "{name} differs from its full copy's departures"
        );
        // And it still loads.
        load(&path);
        compared += 1;
    }
    assert_eq!(compared, 7);
}

#[test]
fn every_variant_extends_the_default_and_is_short() {
    for path in variants() {
        let text = fs::read_to_string(&path).unwrap();
        let name = path.file_stem().unwrap().to_str().unwrap();
        assert!(
            text.contains("\nextends = \"../nwl_wsic_2013.toml\"\n"),
            "{name} does not extend the default"
        );
        assert!(text.lines().count() < 60, "{name} is not a short patch");
        assert!(
            text.contains(&format!(
                "#   pioneer compare scenarios/nwl_wsic_2013.toml scenarios/variants/{name}.toml\n"
            )),
            "{name} lacks its compare command"
        );
        for banned in ["../shared", "wsic-facts", "wsic-mechanisms"] {
            assert!(!text.contains(banned), "{name} mentions {banned}");
        }
        assert!(text.contains("docs/evidence.md"), "{name}");
        let s = load(&path);
        assert_eq!(s.raw().meta.name, name, "meta.name stays per variant");
        assert!(!s.raw().meta.description.is_empty());
        assert_ne!(
            s.raw().meta.description,
            Scenario::default_nwl().raw().meta.description
        );
    }
}

#[test]
fn pioneer_check_accepts_a_variant_and_points_into_a_patch() {
    let tmp = TempDir::new().unwrap();
    let variant = repo().join("scenarios/variants/nwl_transactional_early.toml");
    Command::cargo_bin("pioneer")
        .unwrap()
        .current_dir(repo())
        .args(["check", "scenarios/variants/nwl_transactional_early.toml"])
        .assert()
        .code(0)
        .stdout("scenarios/variants/nwl_transactional_early.toml: ok\n");
    let bad = write(
        tmp.path(),
        "bad.toml",
        &format!(
            "extends = {:?}\n\n[organisations.ccg]\nengagement = 1.5\n",
            variant.display().to_string()
        ),
    );
    let out = Command::cargo_bin("pioneer")
        .unwrap()
        .arg("check")
        .arg(&bad)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!(
            "{}:4:14: `organisations.ccg.engagement`",
            bad.display()
        )),
        "{stderr}"
    );
}

#[test]
fn a_flattened_chain_is_a_self_contained_scenario() {
    let path = repo().join("scenarios/variants/nwl_transactional_early.toml");
    let flat = pioneer::scenario::inherit::effective_text(&path).unwrap();
    assert!(!flat.contains("extends ="), "{flat}");
    assert!(flat.starts_with("# Flattened from "));
    let tmp = TempDir::new().unwrap();
    let copy = write(tmp.path(), "flat.toml", &flat);
    assert_eq!(json(&load(&copy)), json(&load(&path)));
    // A file without `extends` is returned as it is.
    let default = repo().join("scenarios/nwl_wsic_2013.toml");
    assert_eq!(
        pioneer::scenario::inherit::effective_text(&default).unwrap(),
        default_text()
    );
}

// --- other loaders ---------------------------------------------------------------

#[test]
fn a_sweep_can_take_a_variant_as_its_base() {
    let grid = fs::read_to_string(repo().join("tests/fixtures/sweeps/grid.toml")).unwrap();
    let text = grid.replace(
        "seed = 5\n",
        "seed = 5\nscenario = \"../../../scenarios/variants/nwl_no_barriers.toml\"\n",
    );
    assert_ne!(text, grid);
    let sweep =
        pioneer::sweep::Sweep::from_toml(&text, "grid.toml", &repo().join("tests/fixtures/sweeps"))
            .unwrap_or_else(|e| panic!("{e}"));
    let variant = load(&repo().join("scenarios/variants/nwl_no_barriers.toml"));
    assert_eq!(json(&sweep.base), json(&variant));
    assert_eq!(sweep.base.content_hash(), variant.content_hash());
}

#[test]
fn calibrate_writes_a_variant_back_as_a_self_contained_scenario() {
    let tmp = TempDir::new().unwrap();
    let written = tmp.path().join("calibrated.toml");
    let variant = repo().join("scenarios/variants/nwl_no_barriers.toml");
    Command::cargo_bin("pioneer")
        .unwrap()
        .arg("calibrate")
        .arg(&variant)
        .arg("--targets")
        .arg(repo().join("tests/fixtures/calibration/targets.toml"))
        .arg("--params")
        .arg(repo().join("tests/fixtures/calibration/priors.toml"))
        .args([
            "--particles",
            "4",
            "--oversample",
            "1",
            "--replications",
            "1",
        ])
        .args([
            "--fit-replications",
            "2",
            "--seed",
            "3",
            "--generations",
            "0",
            "-q",
        ])
        .arg("--out")
        .arg(tmp.path().join("cal"))
        .arg("--write-scenario")
        .arg(&written)
        .assert()
        .code(0);
    // Written next to nothing it could extend: it must stand alone.
    let text = fs::read_to_string(&written).unwrap();
    assert!(!text.contains("\nextends ="), "{text}");
    let calibrated = load(&written);
    let original = load(&variant);
    assert!(!calibrated.raw().switches.national_barriers);
    // Equal but for the calibrated parameters (tests/fixtures/calibration/priors.toml).
    let mut raw = calibrated.raw().clone();
    raw.effort.support_leverage = original.raw().effort.support_leverage;
    raw.replanning.optimism = original.raw().replanning.optimism;
    assert_eq!(serde_json::to_string(&raw).unwrap(), json(&original));
}

// --- documentation --------------------------------------------------------------

#[test]
fn extends_is_documented() {
    let reference = pioneer::scenario::schema::reference_markdown();
    assert!(
        reference.contains("## Inheritance: `extends`"),
        "{reference}"
    );
    for needle in ["builtin:nwl_wsic_2013", "`id`", "replaced whole"] {
        assert!(reference.contains(needle), "reference lacks {needle:?}");
    }
    let read = |p: &str| fs::read_to_string(repo().join(p)).unwrap();
    assert!(read("README.md").contains("extends = \"../nwl_wsic_2013.toml\""));
    assert!(read("docs/tutorial.md").contains("extends"));
}
