//! Key-path overrides: scenario parameters addressed by their key path
//! (`effort.support_leverage`, `journey[11].work_hours`), read, set on a raw
//! scenario, and written back into the scenario text with its comments kept.
//! Used by sweeps and calibration (and any tool that varies parameters), and
//! by `--set key.path=value` ([`Override`], [`apply`]): any TOML value, not
//! only numbers.

use std::fmt;

use toml::Value;

use crate::scenario::error::{did_you_mean, LoadError};
use crate::scenario::locate::{KeyPath, Seg};
use crate::scenario::raw::RawScenario;
use crate::scenario::Scenario;

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

/// Whether the numeric key at `path` holds a whole number (values set there are rounded).
pub fn is_integer(raw: &RawScenario, path: &KeyPath) -> bool {
    // Setting 0.5 on an integer key rounds it; a float key keeps 0.5.
    set_all(raw, &[(path.clone(), 0.5)])
        .ok()
        .and_then(|raw| get(&raw, path).ok())
        .is_some_and(|v| v != 0.5)
}

/// The scenario text with each `(path, value)` replaced, comments and layout
/// kept. Paths must be written in the text (not only defaults).
pub fn write_into_text(text: &str, assignments: &[(KeyPath, f64)]) -> Result<String, String> {
    let annotated: Vec<(KeyPath, f64, Option<String>)> = assignments
        .iter()
        .map(|(p, x)| (p.clone(), *x, None))
        .collect();
    write_into_text_annotated(text, &annotated)
}

/// [`write_into_text`], and where a comment is given the value's trailing
/// comment is replaced by it (`key = value  # comment`): an old comment that
/// states another value does not survive on the changed key.
pub fn write_into_text_annotated(
    text: &str,
    assignments: &[(KeyPath, f64, Option<String>)],
) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    for (path, x, comment) in assignments {
        // A comment only ends a line: not inside an inline table or list.
        let mut set = |v: &mut toml_edit::Value, ends_line: bool| {
            let done = replace_number(v, *x);
            if let (true, true, Some(c)) = (done, ends_line, comment) {
                v.decor_mut()
                    .set_suffix(format!("  # {}", c.replace('\n', " ")));
            }
            done
        };
        if !set_in_table(doc.as_table_mut(), &path.0, &mut set) {
            return Err(format!(
                "`{path}` is not written in the scenario text; add it before writing values back"
            ));
        }
    }
    Ok(doc.to_string())
}

/// Sets a value; told whether the value ends its line (a `key = value` of a table).
type SetValue<'a> = dyn FnMut(&mut toml_edit::Value, bool) -> bool + 'a;

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

fn set_in_table(t: &mut toml_edit::Table, segs: &[Seg], set: &mut SetValue<'_>) -> bool {
    let Some((Seg::Key(k), rest)) = segs.split_first() else {
        return false;
    };
    match t.get_mut(k) {
        Some(toml_edit::Item::Value(v)) if rest.is_empty() => set(v, true),
        Some(toml_edit::Item::Value(v)) => set_in_value(v, rest, set),
        Some(toml_edit::Item::Table(t2)) => set_in_table(t2, rest, set),
        Some(toml_edit::Item::ArrayOfTables(a)) => match rest.split_first() {
            Some((Seg::Index(i), rest)) => {
                a.get_mut(*i).is_some_and(|t3| set_in_table(t3, rest, set))
            }
            _ => false,
        },
        _ => false,
    }
}

fn set_in_value(v: &mut toml_edit::Value, segs: &[Seg], set: &mut SetValue<'_>) -> bool {
    match segs.split_first() {
        None => set(v, false),
        Some((Seg::Key(k), rest)) => match v {
            toml_edit::Value::InlineTable(t) => {
                t.get_mut(k).is_some_and(|v2| set_in_value(v2, rest, set))
            }
            _ => false,
        },
        Some((Seg::Index(i), rest)) => match v {
            toml_edit::Value::Array(a) => {
                a.get_mut(*i).is_some_and(|v2| set_in_value(v2, rest, set))
            }
            _ => false,
        },
    }
}

/// One `key.path=value` override (`pioneer run --set`): a key path as
/// sweeps and calibration name parameters, and a TOML value.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The key path.
    pub path: KeyPath,
    /// The value.
    pub value: Value,
    /// The value as written.
    pub text: String,
}

impl fmt::Display for Override {
    /// `key.path=value`, the value as written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.path, self.text)
    }
}

/// What `--set` values look like, for messages.
const VALUE_FORMS: &str = "a TOML value: a number (0.3), true or false, a date (2014-01-06), a text in quotes (\"full\") or a list ([1, 2])";

impl Override {
    /// Parses `key.path=value`; the value is TOML (`0.3`, `true`,
    /// `2014-01-06`, `"text"`, `[1, 2]`).
    pub fn parse(arg: &str) -> Result<Override, PathProblem> {
        let Some((key, value)) = arg.split_once('=') else {
            return Err(PathProblem {
                expected: "key.path=value".into(),
                found: format!("`{arg}` (no `=`)"),
                hint: Some("e.g. --set effort.support_leverage=0.3".into()),
            });
        };
        let (key, value) = (key.trim(), value.trim());
        let path = KeyPath::parse(key);
        if path.0.is_empty() || path.to_string() != key {
            return Err(PathProblem {
                expected: "a key path such as `effort.support_leverage` or `journey[11].work_hours`".into(),
                found: format!("`{key}`"),
                hint: Some("keys joined by dots, list elements by [index] from 0: the paths of sweep and priors files".into()),
            });
        }
        let parsed = toml::from_str::<toml::Table>(&format!("v = {value}"))
            .ok()
            .and_then(|mut t| t.remove("v"));
        let Some(value_parsed) = parsed else {
            return Err(PathProblem {
                expected: VALUE_FORMS.into(),
                found: format!("`{value}`"),
                hint: Some(format!(
                    "a text needs quotes that the shell keeps: --set '{key}=\"{value}\"'"
                )),
            });
        };
        Ok(Override {
            path,
            value: value_parsed,
            text: value.to_string(),
        })
    }
}

/// Why [`apply`] failed.
#[derive(Debug)]
pub enum OverrideError {
    /// Override `index` (in the order given) names no key or has a value of the wrong type.
    Path {
        /// Which override.
        index: usize,
        /// What is wrong.
        problem: PathProblem,
    },
    /// The scenario with the overrides applied is not valid.
    Invalid(LoadError),
}

/// The TOML type of a value, in words.
fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a text in quotes",
        Value::Integer(_) => "a whole number",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "true or false",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table",
    }
}

/// `new` in the form `old` takes, or why it cannot be. A whole number is a
/// number; a number with no fraction is a whole number; a date is written
/// as the text the scenario holds it as.
fn conform(old: &Value, new: &Value) -> Result<Value, PathProblem> {
    let converted = match (old, new) {
        (Value::Float(_), Value::Integer(i)) => Some(Value::Float(*i as f64)),
        (Value::Integer(_), Value::Float(x)) if x.fract() == 0.0 && x.abs() < 9.0e15 => {
            Some(Value::Integer(*x as i64))
        }
        (Value::String(_), Value::Datetime(d)) if d.date.is_some() && d.time.is_none() => {
            Some(Value::String(d.to_string()))
        }
        (a, b) if std::mem::discriminant(a) == std::mem::discriminant(b) => Some(b.clone()),
        _ => None,
    };
    converted.ok_or_else(|| PathProblem {
        expected: format!("{} (the scenario has `{old}`)", kind_of(old)),
        found: format!("{} `{new}`", kind_of(new)),
        hint: match old {
            Value::String(_) => {
                Some("a text needs quotes that the shell keeps: --set 'key=\"text\"'".into())
            }
            _ => None,
        },
    })
}

/// Sets one override on `root` (a raw scenario as TOML): the key must be in
/// the scenario, or be a key the schema allows where it is missing (an
/// optional key the file leaves out).
fn set_one(root: &mut Value, o: &Override) -> Result<(), PathProblem> {
    let (last, parent) = match o.path.0.split_last() {
        Some((last, rest)) => (last, KeyPath(rest.to_vec())),
        None => unreachable!("parsed paths are not empty"),
    };
    lookup(root, &parent)?;
    let mut node = &mut *root;
    for seg in &parent.0 {
        node = match (seg, node) {
            (Seg::Key(k), Value::Table(t)) => t.get_mut(k).expect("checked by lookup"),
            (Seg::Index(i), Value::Array(a)) => &mut a[*i],
            _ => unreachable!("checked by lookup"),
        };
    }
    match (last, node) {
        (Seg::Key(k), Value::Table(t)) => {
            if let Some(old) = t.get(k) {
                let v = conform(old, &o.value)?;
                t.insert(k.clone(), v);
                return Ok(());
            }
            let schema = crate::scenario::schema::json_schema_for::<RawScenario>();
            let valid = crate::scenario::schema::valid_keys(&schema, &parent);
            match valid {
                Some(keys) if keys.iter().any(|key| key == k) => {
                    t.insert(k.clone(), o.value.clone());
                    Ok(())
                }
                other => {
                    let keys: Vec<String> = other.unwrap_or_else(|| t.keys().cloned().collect());
                    Err(PathProblem {
                        expected: format!(
                            "a key of `{}`",
                            if parent.0.is_empty() {
                                "the scenario".to_string()
                            } else {
                                parent.to_string()
                            }
                        ),
                        found: format!("`{k}`"),
                        hint: Some(did_you_mean(k, keys.iter().map(String::as_str))),
                    })
                }
            }
        }
        (Seg::Index(i), Value::Array(a)) => match a.get(*i) {
            Some(old) => {
                let v = conform(old, &o.value)?;
                a[*i] = v;
                Ok(())
            }
            None => Err(PathProblem {
                expected: format!("an index below {} in `{parent}`", a.len()),
                found: format!("[{i}]"),
                hint: None,
            }),
        },
        (seg, _) => Err(PathProblem {
            expected: format!(
                "`{parent}` to be {}",
                if matches!(seg, Seg::Key(_)) {
                    "a table"
                } else {
                    "a list"
                }
            ),
            found: "a value".into(),
            hint: None,
        }),
    }
}

/// `scenario` with each override set in order, validated as a file with
/// those values written in would be (the same key paths as sweeps:
/// `journey[11]` is the twelfth milestone of the scenario as loaded). The
/// result keeps the scenario's files and content hash and records the
/// overrides.
pub fn apply(scenario: &Scenario, list: &[Override]) -> Result<Scenario, OverrideError> {
    if list.is_empty() {
        return Ok(scenario.clone());
    }
    let mut root = to_value(scenario.raw());
    for (index, o) in list.iter().enumerate() {
        let path_error = |problem| OverrideError::Path { index, problem };
        set_one(&mut root, o).map_err(path_error)?;
        // The value deserialises (an unknown option of a switch, a date that is not one).
        root.clone()
            .try_into::<RawScenario>()
            .map_err(|e: toml::de::Error| {
                path_error(PathProblem {
                    expected: "a value this key takes".into(),
                    found: format!("`{}`: {}", o.text, e.message().trim()),
                    hint: Some("see docs/scenario-reference.md for the key".into()),
                })
            })?;
    }
    let raw: RawScenario = root
        .try_into()
        .map_err(|e: toml::de::Error| OverrideError::Path {
            index: list.len() - 1,
            problem: PathProblem {
                expected: "a value this key takes".into(),
                found: e.message().trim().to_string(),
                hint: None,
            },
        })?;
    // Positions of errors: in the file (when it is one file), and for a key
    // an override set, the override itself (it has no line).
    let text = match scenario.sources() {
        [one] => one.text.as_str(),
        _ => "",
    };
    let mut s = Scenario::from_raw(raw, text, scenario.source_name()).map_err(|e| match e {
        LoadError::Invalid(mut errors) => {
            for e in &mut errors {
                let set = list.iter().rev().find(|o| {
                    let p = o.path.to_string();
                    e.key_path == p
                        || e.key_path.starts_with(&format!("{p}."))
                        || e.key_path.starts_with(&format!("{p}["))
                });
                if let Some(o) = set {
                    e.file = format!("--set {o}");
                    (e.line, e.column) = (0, 0);
                }
            }
            OverrideError::Invalid(LoadError::Invalid(errors))
        }
        other => OverrideError::Invalid(other),
    })?;
    s.content_hash = scenario.content_hash.clone();
    s.sources = scenario.sources.clone();
    s.overrides = scenario.overrides.iter().chain(list).cloned().collect();
    Ok(s)
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

    #[test]
    fn overrides_parse_toml_values_and_refuse_malformed_ones() {
        let o = Override::parse("journey[11].work_hours = 120").unwrap();
        assert_eq!(o.path, KeyPath::parse("journey[11].work_hours"));
        assert_eq!(o.value, Value::Integer(120));
        assert_eq!(o.to_string(), "journey[11].work_hours=120");
        let d = Override::parse("calendar.horizon=2016-12-31").unwrap();
        assert!(matches!(d.value, Value::Datetime(_)));
        assert_eq!(
            Override::parse("meta.name=\"x=y\"").unwrap().value,
            Value::String("x=y".into())
        );
        assert!(Override::parse("effort.support_leverage").is_err());
        assert!(Override::parse("=1").is_err());
        assert!(Override::parse("a..b=1").is_err());
        let e = Override::parse("meta.name=plain words").unwrap_err();
        assert!(e.hint.unwrap().contains("quotes"));
    }

    #[test]
    fn apply_sets_values_of_the_key_type_and_explains_the_rest() {
        let s = Scenario::default_nwl();
        let set = |args: &[&str]| {
            let list: Vec<Override> = args.iter().map(|a| Override::parse(a).unwrap()).collect();
            apply(&s, &list)
        };
        let t = set(&["effort.support_leverage=3", "calendar.horizon=2016-12-31"]).unwrap();
        assert_eq!(
            t.raw().effort.support_leverage,
            3.0,
            "a whole number on a float key"
        );
        assert_eq!(t.raw().calendar.horizon.to_string(), "2016-12-31");
        assert_eq!(t.overrides().len(), 2);
        assert_eq!(
            t.content_hash(),
            s.content_hash(),
            "the files read are the same"
        );
        assert_eq!(t.sources().len(), 1);
        // The same as the edited text.
        let edited = Scenario::from_toml(
            &DEFAULT_SCENARIO
                .replace("support_leverage = 4.59 ", "support_leverage = 3.0 ")
                .replace("horizon = 2017-03-31", "horizon = 2016-12-31"),
            "edited",
        )
        .unwrap();
        assert_eq!(
            format!("{:?}", t.parameters()),
            format!("{:?}", edited.parameters())
        );
        let problem = |args: &[&str]| match set(args) {
            Err(OverrideError::Path { index, problem }) => (index, problem),
            other => panic!("{args:?}: {:?}", other.map(|_| ())),
        };
        let (i, p) = problem(&["effort.support_leverage=1", "effort.suport_leverage=1"]);
        assert_eq!(i, 1);
        assert_eq!(p.hint.as_deref(), Some("did you mean `support_leverage`?"));
        let (_, p) = problem(&["early_adopters[1].pilot_practices=2.5"]);
        assert!(p.expected.starts_with("a whole number"), "{p:?}");
        let (_, p) = problem(&["effort.support_leverage=true"]);
        assert!(p.expected.starts_with("a number"), "{p:?}");
        assert!(matches!(
            set(&["effort.support_leverage=-1"]),
            Err(OverrideError::Invalid(_))
        ));
    }

    #[test]
    fn annotated_write_back_replaces_the_trailing_comment_only_at_line_ends() {
        let text = "[a]\nx = 1.0  # old value 1.0\ny = { z = 2.0 }  # inline\n# own line\nw = 3\n";
        let out = write_into_text_annotated(
            text,
            &[
                (KeyPath::parse("a.x"), 4.5, Some("new".into())),
                (
                    KeyPath::parse("a.y.z"),
                    5.0,
                    Some("never inside braces".into()),
                ),
                (KeyPath::parse("a.w"), 6.4, Some("rounded".into())),
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            "[a]\nx = 4.5  # new\ny = { z = 5.0 }  # inline\n# own line\nw = 6  # rounded\n"
        );
    }
}
