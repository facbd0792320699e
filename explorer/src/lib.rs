//! pioneer in the browser: the engine, compiled to WebAssembly, behind the
//! static page in `explorer/web/` (built by `scripts/build-explorer.sh`;
//! see `docs/explorer.md`).
//!
//! Every function takes and returns text (TOML or JSON), so the page and
//! its Web Worker need nothing but `JSON.parse`. The work is the library's:
//! scenarios load with `Scenario::from_toml` (the messages of `pioneer
//! check`), settings are `--set` overrides (`scenario::overrides::apply`,
//! the key paths of sweeps), ensembles run with `Ensemble`, the numbers are
//! `Runs::summary` and `Runs::chart_data` (those of `pioneer run`), and the
//! baseline-versus-change table is `compare::compare` (common random
//! numbers, as `pioneer compare`). Nothing here simulates or summarises.

use std::cell::RefCell;

use pioneer::compare::{self, Comparison};
use pioneer::model::AgentKind;
use pioneer::output::chart::{day, Band, RunChartData};
use pioneer::scenario::overrides::{self, Override, OverrideError};
use pioneer::scenario::{Scenario, DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME};
use pioneer::{Ensemble, Plan};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

/// Most replications one request may ask for (the page's limit too).
pub const MAX_REPLICATIONS: u32 = 5000;

thread_local! {
    /// The loaded (base) scenario: the embedded one until a file is loaded.
    static BASE: RefCell<Option<Scenario>> = const { RefCell::new(None) };
}

fn with_base<T>(f: impl FnOnce(&Scenario) -> T) -> T {
    BASE.with(|b| {
        let mut b = b.borrow_mut();
        let s = b.get_or_insert_with(Scenario::default_nwl);
        f(s)
    })
}

/// What the page sends: the overrides in order (`key.path`, TOML value
/// text), the seed and the number of replications.
struct Settings {
    overrides: Vec<Override>,
    seed: u64,
    replications: u32,
}

fn parse_settings(json_text: &str) -> Result<Settings, String> {
    let v: Value =
        serde_json::from_str(json_text).map_err(|e| format!("settings are not JSON: {e}"))?;
    let mut list = Vec::new();
    for pair in v["overrides"].as_array().into_iter().flatten() {
        let (Some(path), Some(value)) = (pair[0].as_str(), pair[1].as_str()) else {
            return Err(format!("an override is not [path, value]: {pair}"));
        };
        let o = Override::parse(&format!("{path}={value}")).map_err(|p| {
            format!(
                "--set {path}={value}: expected {}, found {}",
                p.expected, p.found
            )
        })?;
        list.push(o);
    }
    let seed = v["seed"]
        .as_u64()
        .ok_or("seed: expected a whole number ≥ 0")?;
    let replications = v["replications"]
        .as_u64()
        .filter(|&n| n >= 1 && n <= u64::from(MAX_REPLICATIONS))
        .ok_or(format!(
            "replications: expected a whole number from 1 to {MAX_REPLICATIONS}"
        ))? as u32;
    Ok(Settings {
        overrides: list,
        seed,
        replications,
    })
}

/// The base scenario with the overrides applied, or the messages
/// `pioneer run --set` gives.
fn changed(base: &Scenario, s: &Settings) -> Result<Scenario, String> {
    overrides::apply(base, &s.overrides).map_err(|e| match e {
        OverrideError::Path { index, problem } => {
            let mut m = format!(
                "--set {}: expected {}, found {}",
                s.overrides[index], problem.expected, problem.found
            );
            if let Some(h) = problem.hint {
                m.push_str(&format!("\n  hint: {h}"));
            }
            m
        }
        OverrideError::Invalid(e) => e.to_string(),
    })
}

fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => json!(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Datetime(d) => json!(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

fn describe(s: &Scenario) -> Value {
    let root = toml::Value::try_from(s.raw()).expect("a raw scenario serialises to TOML");
    let p = s.parameters();
    json!({
        "name": s.raw().meta.name,
        "description": s.raw().meta.description,
        "source": s.source_name(),
        "start": p.calendar.start.to_string(),
        "horizon": p.calendar.horizon.to_string(),
        "early_adopters": s.raw().early_adopters.iter().map(|e| e.id.clone()).collect::<Vec<_>>(),
        "scenario": toml_to_json(&root),
    })
}

/// Loads a scenario from its text (`name` is the file name shown in
/// messages) and makes it the base. Returns its description as JSON, or
/// the messages `pioneer check` prints, `file:line:column` first.
#[wasm_bindgen]
pub fn load_scenario(text: &str, name: &str) -> Result<String, String> {
    let s = Scenario::from_toml(text, name).map_err(|e| {
        let m = e.to_string();
        if text.lines().any(|l| l.trim_start().starts_with("extends")) {
            format!(
                "{m}\nnote: the browser cannot read the files a scenario `extends`; \
run `pioneer check --expanded {name} > expanded.toml` and load expanded.toml"
            )
        } else {
            m
        }
    })?;
    let d = describe(&s);
    BASE.with(|b| *b.borrow_mut() = Some(s));
    Ok(d.to_string())
}

/// Makes the embedded North West London scenario the base again.
#[wasm_bindgen]
pub fn load_default() -> String {
    load_scenario(DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME)
        .expect("the embedded scenario is valid (tested)")
}

fn bands(v: &[Band]) -> Value {
    Value::Array(
        v.iter()
            .map(|(x, q)| json!([x, q[0], q[1], q[2]]))
            .collect(),
    )
}

fn date_at(plan: &Plan, days: f64) -> String {
    (plan.calendar.date(0) + chrono::Duration::days(days.round() as i64)).to_string()
}

/// What the views draw from one ensemble (days since the calendar start).
fn views(plan: &Plan, data: &RunChartData) -> Value {
    let p = plan.params();
    let promise: Vec<Value> = data
        .promise
        .iter()
        .map(|r| {
            json!({
                "label": r.label,
                "first": r.first,
                "latest": r.latest,
                "achieved": r.achieved,
                "share": r.share,
                "observed": r.observed,
            })
        })
        .collect();
    let engagement: Vec<Value> = AgentKind::ALL
        .iter()
        .filter(|k| plan.agents.iter().any(|a| a.kind == **k))
        .map(|k| json!({ "kind": k.id(), "bands": bands(&data.engagement[k.index()]) }))
        .collect();
    let observed: Vec<Value> = plan
        .scenario
        .observed()
        .iter()
        .filter_map(|o| {
            let count = o.live_count()?;
            Some(json!({
                "day": day(plan, o.date.0),
                "count": count,
                "date": o.date.0.to_string(),
                "source": o.source,
            }))
        })
        .collect();
    json!({
        "start": plan.calendar.date(0).to_string(),
        "horizon_day": day(plan, p.calendar.horizon),
        "early_adopters": plan.eas.len(),
        "pilot_start_day": day(plan, p.timetable.pilot_start),
        "wider_rollout_day": day(plan, p.timetable.wider_rollout),
        "promise": promise,
        "go_live": bands(&data.go_live),
        "replan_days": data.replan_days,
        "engagement": engagement,
        "observed": observed,
        "leader_departs": plan.leader_departs.iter().flatten()
            .map(|&t| f64::from(t) * 7.0).collect::<Vec<_>>(),
        "dates": {
            "pilot_start": date_at(plan, day(plan, p.timetable.pilot_start)),
        },
    })
}

/// Runs the base scenario with the settings' overrides (a JSON object
/// `{"overrides": [[path, value], …], "seed": S, "replications": N}`):
/// the summary `pioneer run` writes as `summary.json` and the data of the
/// views, as JSON.
#[wasm_bindgen]
pub fn run(settings_json: &str) -> Result<String, String> {
    let settings = parse_settings(settings_json)?;
    with_base(|base| {
        let scenario = changed(base, &settings)?;
        let runs = Ensemble::new(&scenario)
            .seed(settings.seed)
            .replications(settings.replications)
            .run();
        let summary = runs.summary();
        let data = runs.chart_data();
        Ok(json!({
            "summary": summary,
            "views": views(&runs.plan, &data),
        })
        .to_string())
    })
}

fn comparison_json(c: &Comparison) -> Value {
    let rows: Vec<Value> = c
        .rows
        .iter()
        .map(|row| {
            let text = |q: &[f64; 3]| q.map(|v| compare::format_value(c, row, v));
            json!({
                "output": row.output,
                "label": compare::row_label(row),
                "is_date": row.is_date,
                "unit": format!("{:?}", row.unit),
                "quantiles": row.quantiles,
                "quantiles_text": row.quantiles.iter().map(text).collect::<Vec<_>>(),
                "difference": row.difference,
                "not_reached": row.not_reached,
                "censored_pairs": row.censored_pairs,
            })
        })
        .collect();
    json!({ "names": c.names, "replications": c.replications, "rows": rows })
}

/// The base scenario against the base with the settings' overrides, both
/// with the same seed and replications (common random numbers): the rows of
/// `pioneer compare`'s `compare.csv` (quantiles per scenario and of the
/// paired differences), as JSON.
#[wasm_bindgen]
pub fn compare_with_base(settings_json: &str) -> Result<String, String> {
    let settings = parse_settings(settings_json)?;
    with_base(|base| {
        let mut yours = changed(base, &settings)?;
        if yours.raw().meta.name == base.raw().meta.name {
            let mut raw = yours.raw().clone();
            raw.meta.name = format!("{} (your change)", raw.meta.name);
            yours = Scenario::from_raw(raw, "", yours.source_name()).map_err(|e| e.to_string())?;
        }
        let c = compare::compare(&[base.clone(), yours], settings.seed, settings.replications)?;
        Ok(comparison_json(&c).to_string())
    })
}

/// The base scenario with the settings' overrides as one self-contained
/// scenario file (inheritance and generators expanded) that `pioneer run
/// FILE -n N --seed S` runs to the same numbers; a comment header says how.
#[wasm_bindgen]
pub fn scenario_toml(settings_json: &str) -> Result<String, String> {
    let settings = parse_settings(settings_json)?;
    with_base(|base| {
        let scenario = changed(base, &settings)?;
        let mut out = String::new();
        out.push_str("# Written by the pioneer explorer (docs/explorer.md).\n");
        out.push_str(&format!("# Base scenario: {}\n", base.source_name()));
        if settings.overrides.is_empty() {
            out.push_str("# No setting changed.\n");
        } else {
            out.push_str("# Settings changed (as `--set` overrides of the base):\n");
            for o in &settings.overrides {
                out.push_str(&format!("#   {o}\n"));
            }
        }
        out.push_str(&format!(
            "# The explorer's numbers: pioneer run THIS_FILE -n {} --seed {}\n\n",
            settings.replications, settings.seed
        ));
        out.push_str(&scenario.expanded_toml());
        Ok(out)
    })
}
