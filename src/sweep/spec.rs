//! The sweep file: a base scenario, the parameters to vary (by their key path
//! in the scenario), a sampling design, replications per design point, a seed
//! and the outputs to record. Parsed and validated like a scenario: unknown
//! keys rejected, every problem reported with file, line, column, key path
//! and a hint.
//!
//! ```toml
//! [sweep]
//! name = "consultancy_x_timetable"
//! scenario = "../nwl_wsic_2013.toml"   # relative to this file; omit for the embedded default
//! replications = 20
//! seed = 1
//!
//! [design]
//! kind = "grid"                         # grid | random | latin_hypercube | sobol | morris
//!
//! [[parameters]]
//! path = "consultancy.budget_gbp"
//! values = [0.0, 1.0e6, 2.0e6]
//!
//! [record]
//! outputs = ["programme_slip_weeks", "go_live_delay_weeks:brent"]
//! ```

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::outputs::{self, OutputDef};
use crate::analysis::design::saltelli_rows_per_base;
use crate::analysis::sobol_sequence::MAX_DIMENSIONS;
use crate::calibrate::abc::cpu_time;
use crate::calibrate::priors::scenario_refuses;
use crate::scenario::locate::{KeyPath, Locator};
use crate::scenario::overrides;
use crate::scenario::validate::Issue;
use crate::scenario::{
    locate_issues, parse_toml, LoadError, Scenario, DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME,
};

/// Most design points of a sweep. Unit: points. Why: the design is built
/// in memory before any run (one row of values and one of unit coordinates
/// per point, about 200 bytes at 8 parameters: 200 MB here) and written to
/// `design.csv`; 10^6 points of one replication are already about 27
/// minutes of CPU. Protects: memory (10^9 points would need about 200 GB,
/// 10^18 overflowed the allocation and panicked).
pub const MAX_DESIGN_POINTS: u64 = 1_000_000;

/// Most runs of a sweep (design points × replications). Unit: runs. Why:
/// 10^8 runs are about 2 days of CPU at 1.6 ms each (hours when sharded on
/// a cluster) and some 20 GB of `runs.csv`. Protects: disk and time, and
/// the run numbering from overflowing.
pub const MAX_SWEEP_RUNS: u64 = 100_000_000;

/// Most `steps` of one grid parameter. Unit: values. Why: a grid's size is
/// the product of its parameters' steps, so one parameter cannot usefully
/// have more steps than `MAX_DESIGN_POINTS`; the values are generated at
/// validation, so this is checked first. Protects: memory at validation
/// (`steps = 10^12` aborted allocating 8 TB).
pub const MAX_GRID_STEPS: u64 = MAX_DESIGN_POINTS;

/// Points of the Sobol sequence (its direction numbers have 32 bits).
/// Unit: points. Why: past 2^32 points the sequence repeats itself.
/// Protects: `skip + samples` from overflowing or repeating.
pub const SOBOL_SEQUENCE_POINTS: u64 = 1 << 32;

/// A sweep file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    /// What is swept and how often.
    pub sweep: SweepSection,
    /// The sampling design.
    pub design: DesignSection,
    /// The varied parameters (at least one).
    pub parameters: Vec<ParameterSpec>,
    /// What each run records.
    #[serde(default)]
    pub record: RecordSection,
}

/// `[sweep]`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepSection {
    /// Name of the sweep (used for the default output directory). Unit: identifier. Source: user.
    pub name: String,
    /// What the sweep asks. Unit: text. Source: user.
    #[serde(default)]
    pub description: String,
    /// Base scenario, relative to the sweep file; omitted = the embedded North West London default. Unit: path. Source: user.
    #[serde(default)]
    pub scenario: Option<String>,
    /// Replications per design point. Unit: count. Source: user.
    pub replications: u32,
    /// Master seed of the sweep (design sampling and simulations). Unit: integer. Source: user.
    #[serde(default = "one")]
    pub seed: u64,
    /// Whether every design point uses the same replication seeds (common random numbers: differences between points are then not sampling noise). When false each point gets its own seed derived from (seed, point). Unit: boolean. Source: user.
    #[serde(default = "yes")]
    pub common_random_numbers: bool,
}

fn one() -> u64 {
    1
}
fn yes() -> bool {
    true
}

/// Kinds of sampling design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DesignKind {
    /// Full factorial grid of each parameter's `values` (or `steps` evenly spaced values).
    Grid,
    /// Independent uniform draws in the parameter box.
    Random,
    /// Latin hypercube: one point in each of `samples` strata per parameter.
    LatinHypercube,
    /// Saltelli cross-sampling for Sobol indices: `samples` base points from a Sobol sequence.
    Sobol,
    /// Morris elementary-effects trajectories: `samples` trajectories on a `levels` grid.
    Morris,
}

impl DesignKind {
    /// Identifier as written in sweep files.
    pub fn id(self) -> &'static str {
        match self {
            DesignKind::Grid => "grid",
            DesignKind::Random => "random",
            DesignKind::LatinHypercube => "latin_hypercube",
            DesignKind::Sobol => "sobol",
            DesignKind::Morris => "morris",
        }
    }
}

/// `[design]`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DesignSection {
    /// `grid`, `random`, `latin_hypercube`, `sobol` or `morris`. Unit: enum. Source: user.
    pub kind: DesignKind,
    /// Points (random, latin_hypercube), base samples N (sobol: N·(k+2) points, a power of two is best) or trajectories (morris: r·(k+1) points). Not used by grid. Unit: count. Source: user.
    #[serde(default)]
    pub samples: Option<usize>,
    /// Morris grid levels p (even; Δ = p / (2(p−1))). Unit: count. Source: Saltelli et al. (2008), default 4.
    #[serde(default = "four")]
    pub levels: usize,
    /// Sobol: also sample for second-order indices (N·(2k+2) points). Unit: boolean. Source: user.
    #[serde(default)]
    pub second_order: bool,
    /// Sobol: points of the Sobol sequence skipped before the base sample. Unit: count. Source: assumption (0: the sequence from its start).
    #[serde(default)]
    pub skip: u64,
}

fn four() -> usize {
    4
}

/// How a parameter is spread between its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Uniform in the value.
    #[default]
    Linear,
    /// Uniform in the logarithm (bounds must be positive).
    Log,
}

/// One varied parameter.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParameterSpec {
    /// Key path of the parameter in the scenario, e.g. `replanning.optimism` or `journey[11].work_hours`. Unit: key path. Source: user.
    #[serde(default)]
    pub path: Option<String>,
    /// Several key paths moved together by one factor (instead of `path`; needs `relative = true` and a `name`), e.g. every consultancy contract's `amount_gbp`. Unit: key paths. Source: user.
    #[serde(default)]
    pub paths: Option<Vec<String>>,
    /// Whether the swept value multiplies each path's base value (1.0 = the base scenario) instead of replacing it. Unit: boolean. Source: user.
    #[serde(default)]
    pub relative: bool,
    /// Short column name in outputs (default: the path). Unit: identifier. Source: user.
    #[serde(default)]
    pub name: Option<String>,
    /// Lower bound (all designs but an explicit grid). Unit: the parameter's. Source: user.
    #[serde(default)]
    pub min: Option<f64>,
    /// Upper bound. Unit: the parameter's. Source: user.
    #[serde(default)]
    pub max: Option<f64>,
    /// Grid: the values, in order. Unit: the parameter's. Source: user.
    #[serde(default)]
    pub values: Option<Vec<f64>>,
    /// Grid: number of evenly spaced values from min to max (instead of `values`). Unit: count. Source: user.
    #[serde(default)]
    pub steps: Option<usize>,
    /// `linear` or `log` spacing between min and max. Unit: enum. Source: user.
    #[serde(default)]
    pub scale: Scale,
}

/// `[record]`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RecordSection {
    /// Scalar outputs per run (see docs/sensitivity.md for the list); empty = the default set. Unit: output ids. Source: user.
    #[serde(default)]
    pub outputs: Vec<String>,
    /// Also write every run's monthly time series to `timeseries.csv` (large: about 5,000 rows per run). Unit: boolean. Source: user.
    #[serde(default)]
    pub timeseries: bool,
}

/// A varied parameter, validated.
#[derive(Debug, Clone, Serialize)]
pub struct Parameter {
    /// Column name.
    pub name: String,
    /// Key path(s) in the scenario, comma-separated.
    pub path: String,
    /// Whether values multiply the base values.
    pub relative: bool,
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
    /// Grid values, if a grid.
    pub values: Vec<f64>,
    /// Spacing.
    pub scale: Scale,
    /// Whether the scenario key holds an integer (values are rounded).
    pub integer: bool,
    /// The key paths with their base-scenario values.
    #[serde(skip)]
    pub(crate) keys: Vec<(KeyPath, f64)>,
}

impl Parameter {
    /// The scenario assignments that put this parameter at `x`.
    pub fn assignments(&self, x: f64) -> Vec<(KeyPath, f64)> {
        self.keys
            .iter()
            .map(|(k, base)| (k.clone(), if self.relative { base * x } else { x }))
            .collect()
    }

    /// The parameter value at a unit-cube coordinate `u` in [0, 1].
    pub fn from_unit(&self, u: f64) -> f64 {
        let x = match self.scale {
            Scale::Linear => self.min + u * (self.max - self.min),
            Scale::Log => (self.min.ln() + u * (self.max.ln() - self.min.ln())).exp(),
        };
        if self.integer {
            x.round()
        } else {
            x
        }
    }
}

/// A loaded, validated sweep.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The file as written.
    pub file: SweepFile,
    /// Where it was read from.
    pub source: String,
    /// SHA-256 of the sweep file's text.
    pub sha256: String,
    /// The sweep file's text as read (copied into the output directory).
    pub text: String,
    /// The base scenario.
    pub base: Scenario,
    /// The varied parameters.
    pub parameters: Vec<Parameter>,
    /// The recorded outputs.
    pub outputs: Vec<OutputDef>,
}

impl Sweep {
    /// Loads a sweep file; its base scenario is resolved relative to it.
    pub fn from_file(path: &Path) -> Result<Sweep, LoadError> {
        let text = crate::scenario::read_input(path, crate::scenario::InputKind::Sweep)?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Sweep::from_toml(&text, &path.display().to_string(), &dir)
    }

    /// Parses and validates sweep text; `dir` is where a relative scenario path starts.
    pub fn from_toml(text: &str, name: &str, dir: &Path) -> Result<Sweep, LoadError> {
        let file: SweepFile = parse_toml(text, name)?;
        let locate = |issues: Vec<Issue>| {
            LoadError::Invalid(locate_issues(
                issues,
                &Locator::new(text),
                name,
                crate::scenario::InputKind::Sweep,
            ))
        };
        let base = match &file.sweep.scenario {
            Some(p) => {
                let path: PathBuf = dir.join(p);
                match Scenario::from_file(&path) {
                    Ok(s) => s,
                    // A base scenario that cannot be read is positioned in the sweep file.
                    Err(LoadError::Io { path, source }) => {
                        return Err(locate(vec![Issue {
                            path: KeyPath::root().key("sweep").key("scenario"),
                            at_key: false,
                            expected: "a readable scenario file (relative to the sweep file)"
                                .into(),
                            found: Some(format!("{}: {source}", path.display())),
                            hint: Some(
                                "fix the path, or remove `scenario` for the embedded default"
                                    .into(),
                            ),
                        }]))
                    }
                    Err(e) => return Err(e),
                }
            }
            None => Scenario::from_toml(DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME)?,
        };
        Sweep::validated(file, text, name, base)
    }

    /// The same sweep on another base scenario (e.g. the file's base with
    /// `--set` overrides applied), validated again against it: the varied
    /// parameters' base values and the outputs come from the new base.
    pub fn with_base(self, base: Scenario) -> Result<Sweep, LoadError> {
        let file: SweepFile = parse_toml(&self.text, &self.source)?;
        Sweep::validated(file, &self.text, &self.source, base)
    }

    /// Validates a parsed sweep file against its base scenario.
    fn validated(
        file: SweepFile,
        text: &str,
        name: &str,
        base: Scenario,
    ) -> Result<Sweep, LoadError> {
        let locate = |issues: Vec<Issue>| {
            LoadError::Invalid(locate_issues(
                issues,
                &Locator::new(text),
                name,
                crate::scenario::InputKind::Sweep,
            ))
        };
        let mut issues = Vec::new();
        let parameters = validate_parameters(&file, &base, &mut issues);
        validate_design(&file, &mut issues);
        if issues.is_empty() {
            validate_size(&file, &parameters, &mut issues);
        }
        let outputs = if file.record.outputs.is_empty() {
            outputs::default_outputs(&base).unwrap_or_else(|problem| {
                issues.push(Issue {
                    path: KeyPath::root().key("record").key("outputs"),
                    at_key: true,
                    expected: format!(
                        "outputs named explicitly: the default set needs {}",
                        problem.expected
                    ),
                    found: None,
                    hint: Some("outputs = [\"programme_slip_weeks\"]".into()),
                });
                Vec::new()
            })
        } else {
            let mut defs = Vec::new();
            for (i, o) in file.record.outputs.iter().enumerate() {
                match outputs::parse(o, &base) {
                    Ok(d) => defs.push(d),
                    Err(problem) => issues.push(Issue {
                        path: KeyPath::root().key("record").key("outputs").index(i),
                        at_key: false,
                        expected: problem.expected,
                        found: Some(format!("`{o}`")),
                        hint: problem.hint,
                    }),
                }
            }
            defs
        };
        if file.sweep.replications == 0 {
            issues.push(Issue {
                path: KeyPath::root().key("sweep").key("replications"),
                at_key: false,
                expected: "at least 1 replication per design point".into(),
                found: Some("0".into()),
                hint: None,
            });
        }
        if !issues.is_empty() {
            return Err(locate(issues));
        }
        Ok(Sweep {
            sha256: crate::util::hash::sha256_hex(text.as_bytes()),
            text: text.to_string(),
            source: name.to_string(),
            file,
            base,
            parameters,
            outputs,
        })
    }

    /// Parameter values (one per varied parameter) → the scenario at that point.
    pub fn scenario_at(&self, values: &[f64]) -> Result<Scenario, LoadError> {
        let assignments: Vec<(KeyPath, f64)> = self
            .parameters
            .iter()
            .zip(values)
            .flat_map(|(p, &x)| p.assignments(x))
            .collect();
        let raw = overrides::set_all(self.base.raw(), &assignments).map_err(|p| {
            LoadError::Invalid(vec![crate::scenario::error::ScenarioError {
                file: self.base.source_name().to_string(),
                line: 0,
                column: 0,
                key_path: String::new(),
                expected: p.expected,
                found: Some(p.found),
                hint: p.hint,
                kind: crate::scenario::InputKind::Scenario,
            }])
        })?;
        Scenario::from_raw(raw, "", self.base.source_name())
    }
}

fn validate_parameters(
    file: &SweepFile,
    base: &Scenario,
    issues: &mut Vec<Issue>,
) -> Vec<Parameter> {
    let root = KeyPath::root().key("parameters");
    let grid = file.design.kind == DesignKind::Grid;
    let mut out = Vec::new();
    let mut names = std::collections::HashSet::new();
    if file.parameters.is_empty() {
        issues.push(Issue {
            path: root.clone(),
            at_key: false,
            expected: "at least one [[parameters]] entry".into(),
            found: None,
            hint: None,
        });
    }
    for (i, p) in file.parameters.iter().enumerate() {
        let here = root.index(i);
        // NaN and infinity are refused where they are written (NaN on an integer key became 0).
        let mut finite = true;
        let not_finite = |v: &f64| !v.is_finite();
        for (key, v) in [("min", p.min), ("max", p.max)] {
            if let Some(v) = v.filter(not_finite) {
                finite = false;
                issues.push(Issue {
                    path: here.key(key),
                    at_key: false,
                    expected: "a finite number (not nan or inf)".into(),
                    found: Some(v.to_string()),
                    hint: Some("bounds are numbers the scenario accepts".into()),
                });
            }
        }
        for (j, v) in p.values.iter().flatten().enumerate() {
            if !v.is_finite() {
                finite = false;
                issues.push(Issue {
                    path: here.key("values").index(j),
                    at_key: false,
                    expected: "a finite number (not nan or inf)".into(),
                    found: Some(v.to_string()),
                    hint: Some("grid values are numbers the scenario accepts".into()),
                });
            }
        }
        let path_list: Vec<String> = match (&p.path, &p.paths) {
            (Some(one), None) => vec![one.clone()],
            (None, Some(many)) if !many.is_empty() => many.clone(),
            _ => {
                issues.push(Issue {
                    path: here.clone(),
                    at_key: false,
                    expected: "either `path` or a non-empty `paths` list".into(),
                    found: None,
                    hint: Some("path = \"replanning.optimism\"".into()),
                });
                Vec::new()
            }
        };
        if path_list.len() > 1 && (!p.relative || p.name.is_none()) {
            issues.push(Issue {
                path: here.key("paths"),
                at_key: false,
                expected: "`relative = true` and a `name` when several paths move together".into(),
                found: None,
                hint: Some("add relative = true and name = \"…\"; values are then factors on the base values".into()),
            });
        }
        let joined = path_list.join(",");
        let mut problem =
            |k: &str, expected: String, found: Option<String>, hint: Option<String>| {
                issues.push(Issue {
                    path: here.key(k),
                    at_key: false,
                    expected,
                    found,
                    hint,
                })
            };
        let mut keys = Vec::new();
        for (j, text) in path_list.iter().enumerate() {
            let key = KeyPath::parse(text);
            match overrides::get(base.raw(), &key) {
                Ok(v) => keys.push((key, v)),
                Err(pp) => problem(
                    if p.paths.is_some() { "paths" } else { "path" },
                    format!(
                        "a scenario parameter path{}: {}",
                        if p.paths.is_some() {
                            format!(" (entry {j})")
                        } else {
                            String::new()
                        },
                        pp.expected
                    ),
                    Some(pp.found),
                    pp.hint,
                ),
            }
        }
        let name = p.name.clone().unwrap_or_else(|| joined.clone());
        if !names.insert(name.clone()) {
            problem(
                "path",
                "each parameter once".into(),
                Some(format!("`{name}` again")),
                Some("give one of them a distinct `name`".into()),
            );
        }
        let integer = !p.relative
            && keys.len() == path_list.len()
            && keys.first().is_some_and(|(k, _)| is_integer_key(base, k));
        let mut values = Vec::new();
        let (mut min, mut max) = (p.min.unwrap_or(f64::NAN), p.max.unwrap_or(f64::NAN));
        if grid && !finite {
            // Reported above.
        } else if grid && p.steps.is_some_and(|n| n as u64 > MAX_GRID_STEPS) {
            problem(
                "steps",
                format!("at most MAX_GRID_STEPS = {MAX_GRID_STEPS} steps (a grid's size is the product of its parameters' steps)"),
                p.steps.map(|n| format!("{n}, which would hold {:.1e} GB of values", n as f64 * 8.0 / 1e9)),
                Some("fewer steps, or a random, latin_hypercube or sobol design".into()),
            );
        } else if grid {
            match (&p.values, p.steps) {
                (Some(v), None) if !v.is_empty() => {
                    values = v.clone();
                    min = v.iter().copied().fold(f64::INFINITY, f64::min);
                    max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                }
                (None, Some(steps)) if steps >= 2 && p.min.is_some() && p.max.is_some() => {
                    let spec = Parameter {
                        name: name.clone(),
                        path: joined.clone(),
                        relative: p.relative,
                        min,
                        max,
                        values: Vec::new(),
                        scale: p.scale,
                        integer,
                        keys: Vec::new(),
                    };
                    values = (0..steps)
                        .map(|s| spec.from_unit(s as f64 / (steps - 1) as f64))
                        .collect();
                }
                _ => problem(
                    "values",
                    "for a grid, either `values = [...]` (non-empty) or `steps` (≥ 2) with `min` and `max`".into(),
                    None,
                    Some("e.g. values = [0.5, 1.0, 2.0]".into()),
                ),
            }
        } else {
            if p.values.is_some() || p.steps.is_some() {
                problem(
                    "values",
                    format!(
                        "`min` and `max` only: `values`/`steps` are for grid designs, not `{}`",
                        file.design.kind.id()
                    ),
                    None,
                    Some("remove `values`/`steps`, or use kind = \"grid\"".into()),
                );
            }
            if p.min.is_none() || p.max.is_none() {
                problem(
                    if p.min.is_none() { "min" } else { "max" },
                    "both `min` and `max`".into(),
                    None,
                    Some("add min = … and max = …".into()),
                );
            } else if finite && min.partial_cmp(&max) != Some(std::cmp::Ordering::Less) {
                problem(
                    "max",
                    format!("a finite bound above min ({min})"),
                    Some(max.to_string()),
                    None,
                );
            }
        }
        if finite
            && p.scale == Scale::Log
            && min.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
        {
            problem(
                "min",
                "a positive lower bound for a log scale".into(),
                Some(min.to_string()),
                Some("use scale = \"linear\" for ranges that include 0".into()),
            );
        }
        out.push(Parameter {
            name,
            path: joined,
            relative: p.relative,
            min,
            max,
            values,
            scale: p.scale,
            integer,
            keys,
        });
    }
    // The bounds of each parameter must give valid scenarios (others at their base value).
    if issues.is_empty() {
        for (i, p) in out.iter().enumerate() {
            for x in [p.min, p.max] {
                let key = if grid {
                    "values"
                } else if x == p.min {
                    "min"
                } else {
                    "max"
                };
                issues.extend(scenario_refuses(
                    base,
                    &p.assignments(x),
                    &p.path,
                    x,
                    root.index(i).key("path"),
                    root.index(i).key(key),
                ));
            }
        }
    }
    out
}

fn is_integer_key(base: &Scenario, key: &KeyPath) -> bool {
    overrides::is_integer(base.raw(), key)
}

fn validate_design(file: &SweepFile, issues: &mut Vec<Issue>) {
    let d = &file.design;
    let here = KeyPath::root().key("design");
    let needs_samples = d.kind != DesignKind::Grid;
    match d.samples {
        Some(0) | None if needs_samples => issues.push(Issue {
            path: here.key(if d.samples.is_some() {
                "samples"
            } else {
                "kind"
            }),
            at_key: d.samples.is_none(),
            expected: format!("`samples` ≥ 1 for a {} design", d.kind.id()),
            found: d.samples.map(|s| s.to_string()),
            hint: Some(match d.kind {
                DesignKind::Sobol => {
                    "samples = 512 (base samples N; runs = N·(k+2)·replications)".into()
                }
                DesignKind::Morris => {
                    "samples = 20 (trajectories; runs = r·(k+1)·replications)".into()
                }
                _ => "samples = 100".into(),
            }),
        }),
        Some(_) if !needs_samples => issues.push(Issue {
            path: here.key("samples"),
            at_key: true,
            expected: "no `samples` for a grid (its size is the product of the parameters' values)"
                .into(),
            found: None,
            hint: Some("remove `samples`".into()),
        }),
        _ => {}
    }
    if d.kind == DesignKind::Morris && (d.levels < 2 || !d.levels.is_multiple_of(2)) {
        issues.push(Issue {
            path: here.key("levels"),
            at_key: false,
            expected: "an even number of levels ≥ 2".into(),
            found: Some(d.levels.to_string()),
            hint: Some("levels = 4 is the usual choice".into()),
        });
    }
    let k = file.parameters.len();
    if d.kind == DesignKind::Sobol && 2 * k > MAX_DIMENSIONS {
        issues.push(Issue {
            path: here.key("kind"),
            at_key: false,
            expected: format!(
                "at most {} parameters for a sobol design (the Sobol sequence here has {MAX_DIMENSIONS} dimensions, 2 per parameter)",
                MAX_DIMENSIONS / 2
            ),
            found: Some(format!("{k} [[parameters]]")),
            hint: Some("screen the parameters with kind = \"morris\" first, or move several together with `paths`".into()),
        });
    }
    // (Too many samples are reported with the design's size.)
    if d.kind == DesignKind::Sobol
        && (d.samples.unwrap_or(0) as u64) <= MAX_DESIGN_POINTS
        && d.skip.saturating_add(d.samples.unwrap_or(0) as u64) > SOBOL_SEQUENCE_POINTS
    {
        issues.push(Issue {
            path: here.key("skip"),
            at_key: false,
            expected: format!(
                "skip + samples at most {SOBOL_SEQUENCE_POINTS} (the points of the Sobol sequence; past them it repeats)"
            ),
            found: Some(d.skip.to_string()),
            hint: Some("skip = 0 (the sequence from its start) is the usual choice".into()),
        });
    }
    if d.second_order && d.kind != DesignKind::Sobol {
        issues.push(Issue {
            path: here.key("second_order"),
            at_key: false,
            expected: "`second_order` only with kind = \"sobol\"".into(),
            found: Some("true".into()),
            hint: None,
        });
    }
}

/// Design points of a validated sweep, or None when the count overflows
/// (the grid's product, Saltelli's N·(k+2), Morris's r·(k+1)).
fn design_points(file: &SweepFile, parameters: &[Parameter]) -> Option<u64> {
    let k = parameters.len() as u64;
    let n = file.design.samples.unwrap_or(0) as u64;
    match file.design.kind {
        DesignKind::Grid => parameters
            .iter()
            .try_fold(1u64, |acc, p| acc.checked_mul(p.values.len() as u64)),
        DesignKind::Random | DesignKind::LatinHypercube => Some(n),
        DesignKind::Sobol => {
            n.checked_mul(saltelli_rows_per_base(parameters.len(), file.design.second_order) as u64)
        }
        DesignKind::Morris => n.checked_mul(k.checked_add(1)?),
    }
}

/// The design's size and its runs against `MAX_DESIGN_POINTS` and
/// `MAX_SWEEP_RUNS`, before anything is built, run or written.
fn validate_size(file: &SweepFile, parameters: &[Parameter], issues: &mut Vec<Issue>) {
    let d = &file.design;
    let at = KeyPath::root()
        .key("design")
        .key(if d.kind == DesignKind::Grid {
            "kind"
        } else {
            "samples"
        });
    let how = match d.kind {
        DesignKind::Grid => "the product of the parameters' numbers of values".to_string(),
        DesignKind::Sobol => format!(
            "samples × {} rows per base sample",
            saltelli_rows_per_base(parameters.len(), d.second_order)
        ),
        DesignKind::Morris => format!("samples × {} rows per trajectory", parameters.len() + 1),
        _ => "samples".to_string(),
    };
    let replications = u64::from(file.sweep.replications);
    match design_points(file, parameters) {
        Some(points) if points <= MAX_DESIGN_POINTS => {
            let runs = points.saturating_mul(replications);
            if runs > MAX_SWEEP_RUNS {
                issues.push(Issue {
                    path: KeyPath::root().key("sweep").key("replications"),
                    at_key: false,
                    expected: format!(
                        "at most MAX_SWEEP_RUNS = {MAX_SWEEP_RUNS} runs (design points × replications)"
                    ),
                    found: Some(format!(
                        "{points} design points × {replications} replications = {runs} runs, which would take {}",
                        cpu_time(runs as f64)
                    )),
                    hint: Some("fewer replications or design points; split a large study into several sweeps".into()),
                });
            }
        }
        points => {
            let found = match points {
                Some(p) => format!(
                    "{p} design points, which would hold about {:.1e} GB of design in memory and take {} at {replications} replication(s) per point",
                    p as f64 * (parameters.len() as f64 * 16.0 + 48.0) / 1e9,
                    cpu_time(p as f64 * replications as f64)
                ),
                None => "more than 2^64 design points (the count overflows)".to_string(),
            };
            issues.push(Issue {
                path: at,
                at_key: false,
                expected: format!(
                    "at most MAX_DESIGN_POINTS = {MAX_DESIGN_POINTS} design points ({how})"
                ),
                found: Some(found),
                hint: Some(match d.kind {
                    DesignKind::Grid => {
                        "fewer values or steps per parameter, or a latin_hypercube design".into()
                    }
                    _ => "fewer samples".into(),
                }),
            });
        }
    }
}
