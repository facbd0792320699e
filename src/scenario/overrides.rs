//! Key-path overrides: scenario parameters addressed by their key path
//! (`effort.support_leverage`, `journey[11].work_hours`), read, set on a raw
//! scenario, and written back into the scenario text with its comments kept.
//! Used by sweeps and calibration (and any tool that varies parameters).

use toml::Value;

use crate::scenario::error::did_you_mean;
use crate::scenario::locate::{KeyPath, Seg};
use crate::scenario::raw::RawScenario;

/// Why a parameter path cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathProblem {
    /// What was expected.
    pub expected: String,
    /// What was found.
    pub found: String,
    /// A hint.
    pub hint: Option<String>,
}

fn to_value(raw: &RawScenario) -> Value {
    Value::try_from(raw).expect("a raw scenario always serialises to TOML")
}

fn lookup<'a>(root: &'a Value, path: &KeyPath) -> Result<&'a Value, PathProblem> {
    let mut node = root;
    for (depth, seg) in path.0.iter().enumerate() {
        let here = KeyPath(path.0[..depth].to_vec());
        node = match (seg, node) {
            (Seg::Key(k), Value::Table(t)) => t.get(k).ok_or_else(|| {
                let keys: Vec<&str> = t.keys().map(|s| s.as_str()).collect();
                PathProblem {
                    expected: format!(
                        "a key of `{}`",
                        if here.0.is_empty() {
                            "the scenario".to_string()
                        } else {
                            here.to_string()
                        }
                    ),
                    found: format!("`{k}`"),
                    hint: Some(did_you_mean(k, keys.iter().copied())),
                }
            })?,
            (Seg::Index(i), Value::Array(a)) => a.get(*i).ok_or_else(|| PathProblem {
                expected: format!("an index below {} in `{here}`", a.len()),
                found: format!("[{i}]"),
                hint: None,
            })?,
            (seg, _) => {
                return Err(PathProblem {
                    expected: format!(
                        "`{here}` to be {}",
                        if matches!(seg, Seg::Key(_)) {
                            "a table"
                        } else {
                            "an array"
                        }
                    ),
                    found: "a value".into(),
                    hint: None,
                })
            }
        };
    }
    Ok(node)
}

/// The numeric value at `path` in the scenario, or why there is none.
pub fn get(raw: &RawScenario, path: &KeyPath) -> Result<f64, PathProblem> {
    let root = to_value(raw);
    match lookup(&root, path)? {
        Value::Float(f) => Ok(*f),
        Value::Integer(i) => Ok(*i as f64),
        other => Err(PathProblem {
            expected: "a numeric parameter".into(),
            found: format!("{} `{other}`", other.type_str()),
            hint: Some(
                "only numbers can be varied or calibrated; switches and dates cannot".into(),
            ),
        }),
    }
}

/// The scenario with each `(path, value)` set. Integer keys are rounded.
pub fn set_all(
    raw: &RawScenario,
    assignments: &[(KeyPath, f64)],
) -> Result<RawScenario, PathProblem> {
    let mut root = to_value(raw);
    for (path, x) in assignments {
        lookup(&root, path)?;
        let mut node = &mut root;
        for seg in &path.0 {
            node = match (seg, node) {
                (Seg::Key(k), Value::Table(t)) => t.get_mut(k).expect("checked by lookup"),
                (Seg::Index(i), Value::Array(a)) => &mut a[*i],
                _ => unreachable!("checked by lookup"),
            };
        }
        *node = match node {
            Value::Integer(_) => Value::Integer(x.round() as i64),
            _ => Value::Float(*x),
        };
    }
    root.try_into().map_err(|e: toml::de::Error| PathProblem {
        expected: "a value of the parameter's type".into(),
        found: e.message().to_string(),
        hint: None,
    })
}

/// The scenario text with each `(path, value)` replaced, comments and layout
/// kept. Paths must be written in the text (not only defaults).
pub fn write_into_text(text: &str, assignments: &[(KeyPath, f64)]) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    for (path, x) in assignments {
        if !set_in_table(doc.as_table_mut(), &path.0, *x) {
            return Err(format!(
                "`{path}` is not written in the scenario text; add it before writing values back"
            ));
        }
    }
    Ok(doc.to_string())
}

fn replace_number(v: &mut toml_edit::Value, x: f64) -> bool {
    let new = match v {
        toml_edit::Value::Integer(_) => toml_edit::Value::from(x.round() as i64),
        toml_edit::Value::Float(_) => toml_edit::Value::from(x),
        _ => return false,
    };
    let decor = v.decor().clone();
    *v = new;
    *v.decor_mut() = decor;
    true
}

fn set_in_table(t: &mut toml_edit::Table, segs: &[Seg], x: f64) -> bool {
    let Some((Seg::Key(k), rest)) = segs.split_first() else {
        return false;
    };
    match t.get_mut(k) {
        Some(toml_edit::Item::Value(v)) => set_in_value(v, rest, x),
        Some(toml_edit::Item::Table(t2)) => set_in_table(t2, rest, x),
        Some(toml_edit::Item::ArrayOfTables(a)) => match rest.split_first() {
            Some((Seg::Index(i), rest)) => {
                a.get_mut(*i).is_some_and(|t3| set_in_table(t3, rest, x))
            }
            _ => false,
        },
        _ => false,
    }
}

fn set_in_value(v: &mut toml_edit::Value, segs: &[Seg], x: f64) -> bool {
    match segs.split_first() {
        None => replace_number(v, x),
        Some((Seg::Key(k), rest)) => match v {
            toml_edit::Value::InlineTable(t) => {
                t.get_mut(k).is_some_and(|v2| set_in_value(v2, rest, x))
            }
            _ => false,
        },
        Some((Seg::Index(i), rest)) => match v {
            toml_edit::Value::Array(a) => a.get_mut(*i).is_some_and(|v2| set_in_value(v2, rest, x)),
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Scenario, DEFAULT_SCENARIO};

    #[test]
    fn get_and_set_numeric_parameters_by_path() {
        let raw = Scenario::default_nwl().raw().clone();
        let p = KeyPath::parse("effort.support_leverage");
        let q = KeyPath::parse("early_adopters[1].pilot_practices");
        let changed = set_all(&raw, &[(p.clone(), 4.5), (q.clone(), 5.4)]).unwrap();
        assert_eq!(get(&changed, &p).unwrap(), 4.5);
        assert_eq!(
            changed.early_adopters[1].pilot_practices, 5,
            "integers are rounded"
        );
        assert_eq!(get(&raw, &q).unwrap(), 3.0, "the original is untouched");
    }

    #[test]
    fn bad_paths_are_explained() {
        let raw = Scenario::default_nwl().raw().clone();
        let e = get(&raw, &KeyPath::parse("effort.suport_leverage")).unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("did you mean `support_leverage`?"));
        let e = get(&raw, &KeyPath::parse("early_adopters[99].population")).unwrap_err();
        assert!(e.expected.contains("below 9"));
        let e = get(&raw, &KeyPath::parse("switches.toolkit")).unwrap_err();
        assert_eq!(e.expected, "a numeric parameter");
    }

    #[test]
    fn writing_back_keeps_comments_and_changes_only_the_value() {
        let p = KeyPath::parse("replanning.optimism");
        let q = KeyPath::parse("journey[11].work_hours");
        let text =
            write_into_text(DEFAULT_SCENARIO, &[(p.clone(), 0.42), (q.clone(), 512.0)]).unwrap();
        let comment = |t: &str| {
            t.lines()
                .find(|l| l.starts_with("optimism ="))
                .and_then(|l| l.split_once('#'))
                .map(|(_, c)| c.to_string())
        };
        assert!(
            text.lines().any(|l| l.starts_with("optimism = 0.42 ")),
            "value replaced"
        );
        assert_eq!(comment(&text), comment(DEFAULT_SCENARIO), "comment kept");
        let s = Scenario::from_toml(&text, "written").unwrap();
        assert_eq!(get(s.raw(), &p).unwrap(), 0.42);
        assert_eq!(get(s.raw(), &q).unwrap(), 512.0);
        let changed_lines = DEFAULT_SCENARIO
            .lines()
            .zip(text.lines())
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(changed_lines, 2);
    }
}
