//! The priors file: one prior per calibrated parameter, addressed by its key
//! path in the scenario, validated like a scenario (unknown paths rejected
//! with a hint).
//!
//! ```toml
//! [[parameters]]
//! path = "effort.support_leverage"
//! distribution = "uniform"      # uniform | log_uniform | normal
//! min = 1.0
//! max = 5.0
//! ```

use rand::Rng;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::scenario::locate::{KeyPath, Locator};
use crate::scenario::overrides;
use crate::scenario::validate::Issue;
use crate::scenario::{locate_issues, parse_toml, LoadError, Scenario};

/// A priors file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct PriorsFile {
    /// One entry per calibrated parameter.
    pub parameters: Vec<PriorSpec>,
}

/// The prior of one parameter.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct PriorSpec {
    /// Key path of the parameter in the scenario, e.g. `effort.support_leverage` or `journey[11].work_hours`. Unit: key path. Source: user.
    pub path: String,
    /// `uniform`, `log_uniform` or `normal` (truncated to min..max). Unit: enum. Source: user.
    pub distribution: Distribution,
    /// Lower bound. Unit: the parameter's. Source: user.
    pub min: f64,
    /// Upper bound. Unit: the parameter's. Source: user.
    pub max: f64,
    /// Mean of a normal prior. Unit: the parameter's. Source: user.
    #[serde(default)]
    pub mean: Option<f64>,
    /// Standard deviation of a normal prior. Unit: the parameter's. Source: user.
    #[serde(default)]
    pub sd: Option<f64>,
    /// Why this prior (cited in docs/calibration.md). Unit: text. Source: user.
    #[serde(default)]
    pub justification: String,
}

/// Prior family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    /// Uniform on min..max.
    Uniform,
    /// Uniform in the logarithm on min..max (min > 0).
    LogUniform,
    /// Normal(mean, sd) truncated to min..max.
    Normal,
}

/// A validated prior.
#[derive(Debug, Clone)]
pub struct Prior {
    /// Parameter path.
    pub path: KeyPath,
    /// The spec as written.
    pub spec: PriorSpec,
}

impl Prior {
    /// A draw from the prior.
    pub fn sample<R: Rng>(&self, rng: &mut R) -> f64 {
        let s = &self.spec;
        match s.distribution {
            Distribution::Uniform => s.min + rng.random::<f64>() * (s.max - s.min),
            Distribution::LogUniform => {
                (s.min.ln() + rng.random::<f64>() * (s.max.ln() - s.min.ln())).exp()
            }
            Distribution::Normal => {
                let (m, sd) = (s.mean.unwrap_or(0.0), s.sd.unwrap_or(1.0));
                for _ in 0..10_000 {
                    let x = m + sd * crate::util::random::standard_normal(rng);
                    if x >= s.min && x <= s.max {
                        return x;
                    }
                }
                s.min + rng.random::<f64>() * (s.max - s.min)
            }
        }
    }

    /// Density up to a constant (zero outside the bounds).
    pub fn density(&self, x: f64) -> f64 {
        let s = &self.spec;
        if !(x >= s.min && x <= s.max) {
            return 0.0;
        }
        match s.distribution {
            Distribution::Uniform => 1.0 / (s.max - s.min),
            Distribution::LogUniform => 1.0 / (x * (s.max / s.min).ln()),
            Distribution::Normal => {
                let z = (x - s.mean.unwrap_or(0.0)) / s.sd.unwrap_or(1.0);
                (-0.5 * z * z).exp()
            }
        }
    }
}

/// The issue, if any, with setting the scenario's parameters to `x` (the
/// assignments; every other parameter at its base value): a path that cannot
/// be set is reported at `path_at`, a value the scenario's own validation
/// refuses (its ranges) or a non-finite assigned value at `value_at`. Shared
/// by priors (their bounds) and sweeps (their bounds and grid values), so
/// both refuse exactly what a scenario refuses.
pub fn scenario_refuses(
    base: &Scenario,
    assignments: &[(KeyPath, f64)],
    shown_path: &str,
    x: f64,
    path_at: KeyPath,
    value_at: KeyPath,
) -> Option<Issue> {
    let refused = |why: String| Issue {
        path: value_at.clone(),
        at_key: false,
        expected: format!("a value the scenario accepts at `{shown_path}`"),
        found: Some(format!("{x:?}, which makes the scenario invalid ({why})")),
        hint: Some("narrow the range".into()),
    };
    if let Some((k, v)) = assignments.iter().find(|(_, v)| !v.is_finite()) {
        return Some(refused(format!("`{k}` would be {v}")));
    }
    let raw = match overrides::set_all(base.raw(), assignments) {
        Ok(r) => r,
        Err(e) => {
            return Some(Issue {
                path: path_at,
                at_key: false,
                expected: e.expected,
                found: Some(e.found),
                hint: e.hint,
            })
        }
    };
    match Scenario::from_raw(raw, "", base.source_name()) {
        Ok(_) => None,
        Err(e) => Some(refused(match &e {
            LoadError::Invalid(v) => v
                .first()
                .map(|s| format!("{}: expected {}", s.key_path, s.expected))
                .unwrap_or_default(),
            LoadError::Io { source, .. } => source.to_string(),
        })),
    }
}

/// Loads and validates a priors file against the scenario it calibrates.
pub fn load(text: &str, name: &str, scenario: &Scenario) -> Result<Vec<Prior>, LoadError> {
    let file: PriorsFile = parse_toml(text, name)?;
    let mut issues = Vec::new();
    let root = KeyPath::root().key("parameters");
    let mut seen = std::collections::HashSet::new();
    for (i, p) in file.parameters.iter().enumerate() {
        let here = root.index(i);
        let path = KeyPath::parse(&p.path);
        if let Err(problem) = overrides::get(scenario.raw(), &path) {
            issues.push(Issue {
                path: here.key("path"),
                at_key: false,
                expected: format!("a scenario parameter path: {}", problem.expected),
                found: Some(problem.found),
                hint: problem.hint,
            });
        }
        if !seen.insert(p.path.clone()) {
            issues.push(Issue {
                path: here.key("path"),
                at_key: false,
                expected: "each parameter once".into(),
                found: Some(format!("`{}` again", p.path)),
                hint: None,
            });
        }
        let mut bad = |key: &str, expected: &str, found: String, hint: Option<&str>| {
            issues.push(Issue {
                path: here.key(key),
                at_key: false,
                expected: expected.into(),
                found: Some(found),
                hint: hint.map(str::to_string),
            })
        };
        let finite = "a finite number (not nan or inf)";
        let mut ok = true;
        for (key, v) in [
            ("min", Some(p.min)),
            ("max", Some(p.max)),
            ("mean", p.mean),
            ("sd", p.sd),
        ] {
            if let Some(v) = v.filter(|v| !v.is_finite()) {
                bad(
                    key,
                    finite,
                    v.to_string(),
                    Some("write the bound as a number the scenario accepts"),
                );
                ok = false;
            }
        }
        if !ok {
            continue;
        }
        if p.min >= p.max {
            bad(
                "max",
                &format!("a bound above min ({})", p.min),
                p.max.to_string(),
                None,
            );
            continue;
        }
        if !(p.max - p.min).is_finite() {
            bad(
                "max",
                "bounds whose difference is a finite number",
                format!("{} − {} = inf", p.max, p.min),
                Some("narrow the range"),
            );
            continue;
        }
        match p.distribution {
            Distribution::LogUniform if p.min <= 0.0 => {
                issues.push(Issue {
                    path: here.key("min"),
                    at_key: false,
                    expected: "a positive lower bound for a log-uniform prior".into(),
                    found: Some(p.min.to_string()),
                    hint: Some("use distribution = \"uniform\" for ranges that include 0".into()),
                });
            }
            Distribution::Normal if p.mean.is_none() || !p.sd.is_some_and(|s| s > 0.0) => {
                issues.push(Issue {
                    path: here.key("sd"),
                    at_key: false,
                    expected: "`mean` and a positive `sd` for a normal prior".into(),
                    found: None,
                    hint: Some("add mean = … and sd = …".into()),
                });
            }
            _ => {}
        }
        // Both bounds must give scenarios the scenario's own validation accepts (as sweeps do).
        if overrides::get(scenario.raw(), &path).is_ok() {
            for (key, x) in [("min", p.min), ("max", p.max)] {
                issues.extend(scenario_refuses(
                    scenario,
                    &[(path.clone(), x)],
                    &p.path,
                    x,
                    here.key("path"),
                    here.key(key),
                ));
            }
        }
    }
    if file.parameters.is_empty() {
        issues.push(Issue {
            path: root,
            at_key: false,
            expected: "at least one [[parameters]] entry".into(),
            found: None,
            hint: None,
        });
    }
    if !issues.is_empty() {
        return Err(LoadError::Invalid(locate_issues(
            issues,
            &Locator::new(text),
            name,
            crate::scenario::InputKind::Priors,
        )));
    }
    Ok(file
        .parameters
        .into_iter()
        .map(|spec| Prior {
            path: KeyPath::parse(&spec.path),
            spec,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn prior(
        distribution: Distribution,
        min: f64,
        max: f64,
        mean: Option<f64>,
        sd: Option<f64>,
    ) -> Prior {
        Prior {
            path: KeyPath::parse("x"),
            spec: PriorSpec {
                path: "x".into(),
                distribution,
                min,
                max,
                mean,
                sd,
                justification: String::new(),
            },
        }
    }

    #[test]
    fn samples_respect_bounds_and_shapes() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let lu = prior(Distribution::LogUniform, 1.0, 100.0, None, None);
        let xs: Vec<f64> = (0..20_000).map(|_| lu.sample(&mut rng)).collect();
        assert!(xs.iter().all(|&x| (1.0..=100.0).contains(&x)));
        // Log-uniform on 1..100: half the mass below 10 (±0.01 is over 2.8 SE at n = 20,000).
        let below = xs.iter().filter(|&&x| x < 10.0).count() as f64 / xs.len() as f64;
        assert!((below - 0.5).abs() < 0.01, "{below}");
        let n = prior(Distribution::Normal, 0.0, 10.0, Some(1.0), Some(2.0));
        assert!((0..1000).all(|_| (0.0..=10.0).contains(&n.sample(&mut rng))));
        assert_eq!(n.density(-0.1), 0.0);
        assert!(n.density(1.0) > n.density(3.0));
    }

    #[test]
    fn bad_priors_are_reported_with_positions_and_hints() {
        let s = Scenario::default_nwl();
        let text = "[[parameters]]\npath = \"effort.suport_leverage\"\ndistribution = \"uniform\"\nmin = 1.0\nmax = 5.0\n\n[[parameters]]\npath = \"replanning.optimism\"\ndistribution = \"log_uniform\"\nmin = 0.0\nmax = 0.5\n";
        let err = load(text, "p.toml", &s).unwrap_err().to_string();
        assert!(err.contains("p.toml:2:8: `parameters[0].path`"), "{err}");
        assert!(err.contains("did you mean `support_leverage`?"), "{err}");
        assert!(err.contains("p.toml:10:7: `parameters[1].min`"), "{err}");
        assert!(err.contains("2 errors"), "{err}");
    }
}
