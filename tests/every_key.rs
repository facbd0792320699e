//! Every scenario key changes something (docs/ODD.md; issue "dead keys").
//!
//! **Design.** The default scenario is serialised to TOML, so every key the
//! model reads appears, including those left at their defaults (switches,
//! optional tables). Each leaf value is perturbed in turn — a number scaled
//! or stepped, a flag flipped, a date moved by four weeks, an enumeration set
//! to another of its values (taken from the scenario schema), a list
//! shortened — keeping the first perturbation that the validator accepts.
//! Both arms run the same seed and replications (common random numbers), so
//! with a key that the model never reads the two runs are identical to the
//! last bit. The test fails for every key whose perturbation leaves both the
//! replications' results and the summary unchanged, and for every key that
//! no perturbation could change at all.
//!
//! **Keys that act only in other configurations** are listed in
//! [`ACTS_ELSEWHERE`] with the reason, and each is checked to act in the
//! minimal variation given there (so an entry cannot hide a dead key).
//! Identifiers and free text (`id`, `meta.*`) are labels, not parameters:
//! they are checked to change the outputs' labels through the summary.

use pioneer::scenario::schema::json_schema;
use pioneer::{Ensemble, Scenario};
use serde_json::Value as Json;
use toml::Value;

/// Replications per arm: enough for a perturbation of any key that the model
/// reads to show in at least one replication's record (every run records
/// every week, so any behavioural difference shows at once).
const REPS: u32 = 6;
const SEED: u64 = 4_242;

/// Keys (with `[*]` for any index) that do nothing on the default scenario
/// by design, each with the change to the default scenario (key path, TOML
/// value) under which it must act, and why.
type Variation = &'static [(&'static str, &'static str)];
const ACTS_ELSEWHERE: &[(&str, Variation, &str)] = &[
    (
        "replanning.slip_weeks",
        &[("replanning.policy", "\"fixed_slip\"")],
        "the slip of the `fixed_slip` re-planning policy",
    ),
    (
        "switches.budget_cap",
        &[("budget[0].central_gbp", "1000000.0")],
        "NWL's central budgets cover its consultancy contracts",
    ),
    (
        "outcomes.promised_reduction",
        &[
            ("outcomes.promised_by", "\"2015-04-01\""),
            ("outcomes.promised_reduction", "0.15"),
        ],
        "the default scenario promises no outcome (I6); the variants do",
    ),
    (
        "engagement.promise_gap_loss",
        &[
            ("outcomes.promised_by", "\"2015-04-01\""),
            ("outcomes.promised_reduction", "0.15"),
        ],
        "the default scenario promises no outcome (I6); the variants do",
    ),
    (
        "switches.outcome_feedback",
        &[
            ("outcomes.promised_by", "\"2015-04-01\""),
            ("outcomes.promised_reduction", "0.15"),
        ],
        "the default scenario promises no outcome (I6); the variants do",
    ),
    (
        "replanning.tolerance_weeks",
        &[("replanning.policy", "\"projected\"")],
        "re-plans to the next year start rarely turn on a tolerance of a few weeks: the projected slips are months",
    ),
    (
        "replanning.projection_window_weeks",
        &[("replanning.policy", "\"projected\"")],
        "re-plans to the next year start rarely turn on the window's length",
    ),
    (
        "switches.delegation",
        &[("organisations.acute_trust.workload", "0.95")],
        "NWL providers' meetings fit in what they can give, so no one delegates",
    ),
    (
        "meetings.delegate_weight",
        &[("organisations.acute_trust.workload", "0.95")],
        "NWL providers' meetings fit in what they can give, so no one delegates",
    ),
    (
        "meetings.delegating_kinds",
        &[("organisations.acute_trust.workload", "0.95")],
        "NWL providers' meetings fit in what they can give, so no one delegates",
    ),
    (
        "coordination.body_size_elasticity",
        &[
            ("organisations.third_sector.count", "60"),
            ("organisations.third_sector.per_ccg.brent", "28"),
            ("early_adopters[0].members.third_sector", "25"),
        ],
        "NWL meetings whose output counts are within the reference size (ODD §7.16)",
    ),
    (
        "record.detail_replications",
        &[("record.detail_replications", "2")],
        "the test runs fewer replications than the default keeps in detail",
    ),
];

/// Settings that must not change the outputs (they tune how, not what, the
/// engine computes), and why.
const NO_EFFECT_BY_DESIGN: &[(&str, &str)] = &[
    (
        "engine.parallel_agents_threshold",
        "results are identical whether agents decide in parallel or not",
    ),
    // The last CCG area's size only bounds what its early adopters may take
    // (validated): shrinking it drops agents from the area's end, which no
    // early adopter takes (each takes the first of its areas).
    (
        "organisations.gp_practice.per_ccg.west_london",
        "the last area's size bounds its early adopters only (validation)",
    ),
    (
        "organisations.third_sector.per_ccg.west_london",
        "the last area's size bounds its early adopters only (validation)",
    ),
];

/// Keys that no single change can alter without another (the validator
/// rejects every one-key perturbation), and why.
const CONSTRAINED: &[(&str, &str)] = &[
    (
        "observed[*].quantity",
        "each quantity needs its own keys (`n`, `count`, `early_adopter`): another quantity on the same keys is an error",
    ),
    (
        "observed[*].milestone",
        "a reference: another id or none is an error (checked by tests/charts_honest.rs)",
    ),
    (
        "observed[*].early_adopter",
        "a reference required by `milestone_date`: another id or none is an error (checked by tests/charts_honest.rs)",
    ),
    (
        "bodies[*].signs_off_early_adopters",
        "exactly one body signs off early adopters",
    ),
    (
        "journey[*].kind",
        "a transactional or mixed milestone needs signers, a relational one has none",
    ),
    (
        "journey[11].full_scope_only",
        "`pilot_live` cannot be skipped by a scaled-back scope",
    ),
    // Names label agents in `memberships.csv` only; early adopters reference
    // every listed name (or a later one), so no shortened list validates.
    // Renaming the memberships moves outputs through
    // `early_adopters[*].organisations`.
    (
        "organisations.ccg.names",
        "labels only; every CCG name is referenced by an early adopter",
    ),
    (
        "organisations.local_authority.names",
        "labels only; the last council name is referenced by an early adopter",
    ),
    (
        "organisations.acute_trust.names",
        "labels only; the last named acute trust is referenced by an early adopter",
    ),
    (
        "organisations.community_trust.names",
        "labels only; the last named community trust is referenced by an early adopter",
    ),
    // Areas that an early adopter fills exactly while the areas sum to the
    // whole pool: one more exceeds the pool, one fewer is too small for the
    // early adopter (the other areas' keys move outputs).
    (
        "organisations.gp_practice.per_ccg.brent",
        "Brent's 67 practices (b.3) are all in the Brent EA and the areas sum to the pool",
    ),
    (
        "organisations.gp_practice.per_ccg.harrow",
        "the Harrow EA takes every practice of its area and the areas sum to the pool",
    ),
    (
        "organisations.third_sector.per_ccg.hillingdon",
        "Hillingdon's consortium of 5 (d) fills its area and the areas sum to the pool",
    ),
];

fn default_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/nwl_wsic_2013.toml"
    ))
    .expect("default scenario")
}

fn default_value() -> Value {
    let s = Scenario::from_toml(&default_text(), "every_key").expect("default loads");
    Value::try_from(s.raw()).expect("serialises")
}

/// What a fingerprint includes besides the results and the summary.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Files {
    None,
    /// The data files (for the keys of `[record]`, which shape the files,
    /// not the dynamics).
    Data,
    /// The charts and the report up to its manifest (for `[[observed]]`:
    /// published facts drawn beside the simulated ones, never simulated).
    Charts,
}

fn files_of(pattern: &str) -> Files {
    if pattern.starts_with("record.") {
        Files::Data
    } else if pattern.starts_with("observed") {
        Files::Charts
    } else {
        Files::None
    }
}

/// A fingerprint of everything a run produces: every replication's record
/// and the summary across them, and the `files` asked for.
fn fingerprint(v: &Value, files: Files) -> Option<String> {
    let text = toml::to_string(v).ok()?;
    let scenario = Scenario::from_toml(&text, "every_key").ok()?;
    let runs = Ensemble::new(&scenario).seed(SEED).replications(REPS).run();
    let summary = runs.summary();
    let mut print = format!(
        "{:?}\n{}",
        runs.results,
        serde_json::to_string(&summary).expect("summary serialises")
    );
    if files != Files::None {
        for (name, bytes) in runs.files(&summary, Vec::new()).expect("files") {
            let text = String::from_utf8_lossy(&bytes);
            let shown = match files {
                Files::Data if name.ends_with(".csv") => &text[..],
                Files::Charts if name.ends_with(".svg") => &text[..],
                // Not the manifest: it hashes the scenario, so it would
                // change with any key at all.
                Files::Charts if name == "report.html" => {
                    text.split("<h2>Manifest</h2>").next().unwrap_or_default()
                }
                _ => continue,
            };
            print.push_str(&name);
            print.push_str(shown);
        }
    }
    Some(print)
}

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

/// The path with indices replaced by `*`, for matching patterns.
fn pattern_string(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(_) => s.push_str("[*]"),
        }
    }
    s
}

fn get_mut<'a>(root: &'a mut Value, path: &[Seg]) -> &'a mut Value {
    let mut node = root;
    for seg in path {
        node = match seg {
            Seg::Key(k) => node.get_mut(k.as_str()).expect("path exists"),
            Seg::Index(i) => node.get_mut(*i).expect("index exists"),
        };
    }
    node
}

/// Every leaf (a scalar or a list of scalars), depth first.
fn leaves(v: &Value, path: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match v {
        Value::Table(t) => {
            for (k, child) in t {
                path.push(Seg::Key(k.clone()));
                leaves(child, path, out);
                path.pop();
            }
        }
        Value::Array(a) if a.iter().any(|x| x.is_table()) => {
            for (i, child) in a.iter().enumerate() {
                path.push(Seg::Index(i));
                leaves(child, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

/// The schema node of a path (through `properties`, `items`,
/// `additionalProperties` and optional wrappers).
fn schema_at<'a>(schema: &'a Json, path: &[Seg]) -> Option<&'a Json> {
    fn unwrap(v: &Json) -> &Json {
        for key in ["anyOf", "oneOf"] {
            if let Some(Json::Array(alts)) = v.get(key) {
                let non_null: Vec<&Json> = alts
                    .iter()
                    .filter(|a| a.get("type").and_then(Json::as_str) != Some("null"))
                    .collect();
                if non_null.len() == 1 {
                    return non_null[0];
                }
            }
        }
        v
    }
    let mut node = schema;
    for seg in path {
        let n = unwrap(node);
        node = match seg {
            Seg::Key(k) => n
                .get("properties")
                .and_then(|p| p.get(k))
                .or_else(|| n.get("additionalProperties").filter(|a| a.is_object()))?,
            Seg::Index(_) => n.get("items")?,
        };
    }
    Some(node)
}

/// The values an enumeration allows, from the schema.
fn enum_values(node: &Json) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Json::Array(vals)) = node.get("enum") {
        out.extend(vals.iter().filter_map(|v| v.as_str().map(String::from)));
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Json::Array(alts)) = node.get(key) {
            for a in alts {
                if let Some(c) = a.get("const").and_then(Json::as_str) {
                    out.push(c.to_string());
                }
                out.extend(enum_values(a));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Candidate replacements for a leaf, in the order they are tried.
fn perturbations(v: &Value, schema_node: Option<&Json>) -> Vec<Value> {
    match v {
        Value::Float(f) => {
            let f = *f;
            let mut c = vec![f * 1.5, f * 0.5, f + 1.0, f - 0.1, f + 0.05];
            if f == 0.0 {
                c.insert(0, 0.1);
            }
            c.into_iter().map(Value::Float).collect()
        }
        Value::Integer(i) => [i + 1, i - 1, i * 2, i + 4]
            .into_iter()
            .filter(|&x| x != *i)
            .map(Value::Integer)
            .collect(),
        Value::Boolean(b) => vec![Value::Boolean(!b)],
        Value::Datetime(d) => {
            let text = d.to_string();
            let Ok(date) = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") else {
                return Vec::new();
            };
            [28i64, -28, 91, -91]
                .into_iter()
                .map(|days| {
                    let moved = date + chrono::Duration::days(days);
                    Value::Datetime(moved.to_string().parse().expect("a date"))
                })
                .collect()
        }
        Value::String(s) if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => {
            let date = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("checked");
            [28i64, -28, 91, -91, -365, 365]
                .into_iter()
                .map(|days| Value::String((date + chrono::Duration::days(days)).to_string()))
                .collect()
        }
        // A month-day (the financial year start): other months.
        Value::String(s) if s.len() == 5 && s.as_bytes()[2] == b'-' => ["01-01", "07-01", "10-01"]
            .into_iter()
            .filter(|a| a != s)
            .map(|a| Value::String(a.to_string()))
            .collect(),
        Value::String(s) => {
            let alternatives = schema_node.map(enum_values).unwrap_or_default();
            alternatives
                .into_iter()
                .filter(|a| a != s)
                .map(Value::String)
                .collect()
        }
        Value::Array(a) if !a.is_empty() => {
            let mut c = vec![Value::Array(a[..a.len() - 1].to_vec())];
            if a.len() > 1 {
                c.push(Value::Array(a[1..].to_vec()));
            }
            // Lists of numbers: also move one value.
            if let Some(Value::Float(x)) = a.last() {
                let mut moved = a.clone();
                *moved.last_mut().expect("non-empty") = Value::Float(x * 0.9);
                c.push(Value::Array(moved));
            }
            c
        }
        _ => Vec::new(),
    }
}

/// Free text and identifiers: labels, not parameters.
fn is_label(pattern: &str) -> bool {
    pattern.starts_with("meta.") || pattern == "id" || pattern.ends_with(".id")
}

#[derive(Debug)]
enum Verdict {
    Changes,
    Inert,
    NoValidPerturbation,
}

fn judge(base: &Value, base_print: &str, path: &[Seg], schema: &Json) -> Verdict {
    let files = files_of(&pattern_string(path));
    let original = {
        let mut b = base.clone();
        get_mut(&mut b, path).clone()
    };
    let mut any_valid = false;
    let mut candidates: Vec<Option<Value>> = perturbations(&original, schema_at(schema, path))
        .into_iter()
        .map(Some)
        .collect();
    // A reference (a string or a list of them) can also be left out.
    if matches!(path.last(), Some(Seg::Key(_)))
        && matches!(original, Value::String(_) | Value::Array(_))
    {
        candidates.push(None);
    }
    for candidate in candidates {
        let mut v = base.clone();
        match candidate {
            Some(c) => *get_mut(&mut v, path) = c,
            None => {
                let (last, parent) = path.split_last().expect("non-empty path");
                let Seg::Key(k) = last else { unreachable!() };
                if let Some(t) = get_mut(&mut v, parent).as_table_mut() {
                    t.remove(k);
                }
            }
        }
        if let Some(print) = fingerprint(&v, files) {
            any_valid = true;
            if print != base_print {
                return Verdict::Changes;
            }
        }
    }
    if any_valid {
        Verdict::Inert
    } else {
        Verdict::NoValidPerturbation
    }
}

/// Parses a key path such as `budget[0].central_gbp`.
fn parse_path(text: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in text.split('.') {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        out.push(Seg::Key(key.to_string()));
        if !rest.is_empty() {
            let index = rest.trim_end_matches(']').parse().expect("an index");
            out.push(Seg::Index(index));
        }
    }
    out
}

fn apply_variation(base: &Value, variation: &[(&str, &str)]) -> Value {
    let mut v = base.clone();
    for (path, literal) in variation {
        let value: Value = toml::from_str::<toml::Table>(&format!("x = {literal}"))
            .expect("a TOML value")
            .remove("x")
            .expect("x");
        let segs = parse_path(path);
        let (last, parent) = segs.split_last().expect("non-empty path");
        let Seg::Key(k) = last else {
            panic!("a variation sets a key")
        };
        get_mut(&mut v, parent)
            .as_table_mut()
            .expect("a table")
            .insert(k.clone(), value);
    }
    v
}

#[test]
fn every_key_of_the_default_scenario_changes_the_outputs() {
    let schema = json_schema();
    let base = default_value();
    let base_print = fingerprint(&base, Files::None).expect("the default scenario runs");
    let base_print_files = fingerprint(&base, Files::Data).expect("the default scenario runs");
    let base_print_charts = fingerprint(&base, Files::Charts).expect("the default scenario runs");
    let mut paths = Vec::new();
    leaves(&base, &mut Vec::new(), &mut paths);

    // Instances of one key (`journey[*].work_hours`) are judged together:
    // the key is alive if changing it in at least one instance changes the
    // outputs (a per-scheme date can be inert for a scheme that finished
    // before it).
    let mut groups: Vec<(String, Vec<Vec<Seg>>)> = Vec::new();
    for path in paths {
        let pattern = pattern_string(&path);
        match groups.iter_mut().find(|(p, _)| *p == pattern) {
            Some((_, g)) => g.push(path),
            None => groups.push((pattern, vec![path])),
        }
    }
    let mut dead = Vec::new();
    let mut checked = 0;
    for (pattern, instances) in &groups {
        if is_label(pattern) || CONSTRAINED.iter().any(|(p, _)| p == pattern) {
            continue;
        }
        // An empty list (an optional list left empty) has nothing to perturb.
        let instances: Vec<&Vec<Seg>> = instances
            .iter()
            .filter(
                |path| !matches!(get_mut(&mut base.clone(), path), Value::Array(a) if a.is_empty()),
            )
            .collect();
        if instances.is_empty() {
            continue;
        }
        checked += 1;
        let files = files_of(pattern);
        let elsewhere = ACTS_ELSEWHERE.iter().find(|(p, _, _)| p == pattern);
        let (scenario, print) = match elsewhere {
            Some((_, variation, _)) => {
                let varied = apply_variation(&base, variation);
                let print = fingerprint(&varied, files).expect("the variation runs");
                (varied, print)
            }
            None if files == Files::Data => (base.clone(), base_print_files.clone()),
            None if files == Files::Charts => (base.clone(), base_print_charts.clone()),
            None => (base.clone(), base_print.clone()),
        };
        let mut verdict = Verdict::NoValidPerturbation;
        for path in instances {
            match judge(&scenario, &print, path, &schema) {
                Verdict::Changes => {
                    verdict = Verdict::Changes;
                    break;
                }
                Verdict::Inert => verdict = Verdict::Inert,
                Verdict::NoValidPerturbation => {}
            }
        }
        let by_design = NO_EFFECT_BY_DESIGN.iter().any(|(p, _)| p == pattern);
        match (verdict, by_design, elsewhere) {
            (Verdict::Inert, true, _) | (Verdict::Changes, false, _) => {}
            (Verdict::Changes, true, _) => {
                dead.push(format!("{pattern} (must not change the outputs, but does)"))
            }
            (Verdict::Inert, false, Some((_, variation, _))) => dead.push(format!(
                "{pattern} (listed as acting with {variation:?}, but does not)"
            )),
            (Verdict::Inert, false, None) => dead.push(format!("{pattern} (changes nothing)")),
            (Verdict::NoValidPerturbation, _, _) => {
                dead.push(format!("{pattern} (no perturbation passes validation)"))
            }
        }
    }
    assert!(checked > 100, "only {checked} keys found");
    assert!(
        dead.is_empty(),
        "{} of {checked} keys change nothing:\n{}",
        dead.len(),
        dead.join("\n")
    );
}
