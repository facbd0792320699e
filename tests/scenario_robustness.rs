//! Scenario input never panics, overflows or exhausts memory: every class of
//! hostile scenario input of issue 10 is either rejected at validation with a
//! positioned message, or accepted and run to completion.
//!
//! **Design.** Where a rule covers every key of a kind (numbers must be
//! finite, `*_weeks` counts are bounded, ids use one character set, dates lie
//! in the accepted years), the test enumerates the keys from the default
//! scenario serialised to TOML (so keys left at their defaults appear too)
//! and tries each one, so a key added later is covered without editing the
//! test. Sizes are tried one past their limit in `pioneer::scenario::limits`.

use std::fs;
use std::path::Path;

use pioneer::scenario::limits::*;
use pioneer::scenario::{InputKind, LoadError, Scenario, ScenarioError};
use pioneer::sweep::Sweep;
use pioneer::Ensemble;
use toml::Value;

/// The default scenario with every key written out.
fn default_value() -> Value {
    Value::try_from(Scenario::default_nwl().raw()).expect("the default scenario serialises")
}

/// Every leaf of `value` with its key path (`a.b[2].c`).
fn leaves(value: &Value) -> Vec<(String, Value)> {
    fn walk(path: &str, v: &Value, out: &mut Vec<(String, Value)>) {
        match v {
            Value::Table(t) => {
                for (k, x) in t {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(&p, x, out);
                }
            }
            Value::Array(a) if a.iter().all(|x| x.is_table()) && !a.is_empty() => {
                for (i, x) in a.iter().enumerate() {
                    walk(&format!("{path}[{i}]"), x, out);
                }
            }
            other => out.push((path.to_string(), other.clone())),
        }
    }
    let mut out = Vec::new();
    walk("", value, &mut out);
    out
}

/// `value` with the leaf at `path` replaced (also a value inside an array of values).
fn with(value: &Value, path: &str, new: Value) -> Value {
    fn set(v: &mut Value, segs: &[&str], new: Value) {
        let (first, rest) = segs.split_first().expect("a non-empty path");
        let (key, index) = match first.split_once('[') {
            Some((k, i)) => (k, Some(i.trim_end_matches(']').parse::<usize>().unwrap())),
            None => (*first, None),
        };
        let mut slot = v.get_mut(key).unwrap_or_else(|| panic!("no key {key}"));
        if let Some(i) = index {
            slot = &mut slot.as_array_mut().unwrap()[i];
        }
        if rest.is_empty() {
            *slot = new;
        } else {
            set(slot, rest, new);
        }
    }
    let mut v = value.clone();
    let segs: Vec<&str> = path.split('.').collect();
    set(&mut v, &segs, new);
    v
}

/// Loads a scenario written as a TOML value; returns its errors (empty when valid).
fn errors_of(value: &Value) -> Vec<ScenarioError> {
    let text = toml::to_string(value).expect("serialises");
    match Scenario::from_toml(&text, "t.toml") {
        Ok(_) => Vec::new(),
        Err(LoadError::Invalid(v)) => v,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

/// The error at `path` whose expectation contains `expected`, if any.
fn error_at<'a>(
    errors: &'a [ScenarioError],
    path: &str,
    expected: &str,
) -> Option<&'a ScenarioError> {
    errors
        .iter()
        .find(|e| e.key_path == path && e.expected.contains(expected))
}

fn scenario_of(value: &Value) -> Scenario {
    let text = toml::to_string(value).expect("serialises");
    Scenario::from_toml(&text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_float_key_rejects_nan_and_infinity_with_its_position() {
    let base = default_value();
    let floats: Vec<String> = leaves(&base)
        .into_iter()
        .filter(|(_, v)| v.is_float())
        .map(|(p, _)| p)
        .collect();
    assert!(
        floats.len() > 50,
        "the walk finds the float keys: {floats:?}"
    );
    let mut missed = Vec::new();
    for path in &floats {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let errors = errors_of(&with(&base, path, Value::Float(bad)));
            match error_at(&errors, path, "a finite number") {
                Some(e) if e.line > 0 && e.column > 0 && e.hint.is_some() => {}
                _ => missed.push(format!("{path} = {bad}: {errors:?}")),
            }
        }
    }
    assert!(
        missed.is_empty(),
        "not rejected with a position:\n{}",
        missed.join("\n")
    );
}

/// Every `*_weeks` key: u32::MAX is rejected naming the limit; the limit
/// itself is accepted and one replication runs without overflow.
#[test]
fn every_weeks_key_is_bounded_and_its_largest_value_runs() {
    let base = default_value();
    let weeks: Vec<String> = leaves(&base)
        .into_iter()
        .filter(|(p, v)| v.is_integer() && p.ends_with("_weeks"))
        .map(|(p, _)| p)
        .collect();
    assert!(weeks.len() >= 10, "the walk finds the week keys: {weeks:?}");
    for path in &weeks {
        let errors = errors_of(&with(&base, path, Value::Integer(i64::from(u32::MAX))));
        let e = error_at(&errors, path, "MAX_WEEKS")
            .or_else(|| error_at(&errors, path, "at most"))
            .unwrap_or_else(|| panic!("{path} = u32::MAX accepted or not positioned: {errors:?}"));
        assert!(e.line > 0, "{e}");
    }
    // The largest accepted value of each key, all at once, runs.
    let mut v = base.clone();
    for path in &weeks {
        let largest = with(&v, path, Value::Integer(i64::from(MAX_WEEKS)));
        if errors_of(&largest).is_empty() {
            v = largest;
        }
    }
    let runs = Ensemble::new(&scenario_of(&v))
        .seed(3)
        .replications(1)
        .run();
    assert_eq!(runs.results.len(), 1);
}

/// Projections from absurd but finite amounts of work saturate instead of
/// overflowing the calendar (`NaiveDate + TimeDelta overflowed`).
#[test]
fn absurd_finite_work_and_tolerances_run_without_overflow() {
    let base = default_value();
    // One milestone on the way to go-live with (practically) endless work:
    // the others progress, so the projected go-live is 1e308 hours away.
    let pilot = leaves(&base)
        .into_iter()
        .find(|(p, v)| p.starts_with("journey[") && v.as_str() == Some("pilot_live"))
        .map(|(p, _)| p.trim_end_matches(".id").to_string())
        .expect("the journey has pilot_live");
    let mut v = with(&base, &format!("{pilot}.work_hours"), Value::Float(1e308));
    for policy in ["projected", "next_year_start", "fixed_slip"] {
        v = with(&v, "replanning.policy", Value::String(policy.into()));
        let runs = Ensemble::new(&scenario_of(&v))
            .seed(5)
            .replications(2)
            .run();
        assert_eq!(runs.results.len(), 2);
    }
    v = with(
        &v,
        "replanning.tolerance_weeks",
        Value::Integer(i64::from(MAX_WEEKS)),
    );
    v = with(
        &v,
        "timetable.assumed_preparation_weeks",
        Value::Integer(i64::from(MAX_WEEKS)),
    );
    let runs = Ensemble::new(&scenario_of(&v))
        .seed(5)
        .replications(2)
        .run();
    assert_eq!(runs.results.len(), 2);
}

#[test]
fn every_date_key_rejects_years_outside_the_accepted_range() {
    let base = default_value();
    let dates: Vec<String> = leaves(&base)
        .into_iter()
        .filter(|(_, v)| {
            v.as_str()
                .is_some_and(|s| pioneer::scenario::IsoDate::parse(s).is_some())
        })
        .map(|(p, _)| p)
        .collect();
    assert!(dates.len() >= 10, "the walk finds the date keys: {dates:?}");
    for path in &dates {
        for year in [MAX_YEAR + 1, 262_000, MIN_YEAR - 1] {
            let errors = errors_of(&with(&base, path, Value::String(format!("{year}-01-01"))));
            let e = error_at(&errors, path, "a date")
                .unwrap_or_else(|| panic!("{path} in {year} accepted: {errors:?}"));
            assert!(
                e.line > 0 && e.expected.contains(&MAX_YEAR.to_string()),
                "{e}"
            );
        }
    }
}

#[test]
fn an_empty_quantile_list_is_rejected() {
    let errors = errors_of(&with(
        &default_value(),
        "record.quantiles",
        Value::Array(vec![]),
    ));
    assert!(
        error_at(&errors, "record.quantiles", "at least one quantile").is_some(),
        "{errors:?}"
    );
}

/// Every id that reaches output ids, CSV cells or file names uses one
/// character set: `:` (which splits `early_adopter:milestone`), `/`, spaces
/// and quotes are rejected where the id is written.
#[test]
fn every_id_rejects_characters_outside_the_id_set() {
    let base = default_value();
    let ids: Vec<String> = leaves(&base)
        .into_iter()
        .filter(|(p, _)| p.ends_with("].id"))
        .map(|(p, _)| p)
        .chain([
            "codesign.working_groups[0]".to_string(),
            "organisations.ccg.names[0]".to_string(),
        ])
        .collect();
    assert!(ids.len() >= 20, "the walk finds the ids: {ids:?}");
    for path in &ids {
        for bad in ["a:b", "../x", "a b", "x\"y", "é"] {
            let v = if let Some((list, i)) = path.rsplit_once('[').filter(|(_, i)| !i.contains('.'))
            {
                let i: usize = i.trim_end_matches(']').parse().unwrap();
                let mut items = base_list(&base, list);
                items[i] = Value::String(bad.into());
                with(&base, list, Value::Array(items))
            } else {
                with(&base, path, Value::String(bad.into()))
            };
            let errors = errors_of(&v);
            let e = error_at(&errors, path, ID_CHARSET).unwrap_or_else(|| {
                panic!("{path} = {bad:?} accepted or not positioned: {errors:?}")
            });
            assert!(e.line > 0, "{e}");
        }
    }
    let long = "x".repeat(MAX_ID_LEN + 1);
    let errors = errors_of(&with(&base, "early_adopters[0].id", Value::String(long)));
    assert!(
        error_at(&errors, "early_adopters[0].id", ID_CHARSET).is_some(),
        "{errors:?}"
    );
}

fn base_list(base: &Value, path: &str) -> Vec<Value> {
    let mut v = base;
    for k in path.split('.') {
        v = &v[k];
    }
    v.as_array().unwrap().clone()
}

/// Sizes a scenario controls: one past each limit is rejected with a message
/// naming the limit.
#[test]
fn sizes_past_their_limits_are_rejected_naming_the_limit() {
    let base = default_value();
    let names = |n: usize| Value::Array((0..n).map(|i| Value::String(format!("g{i}"))).collect());
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "codesign.working_groups",
            names(MAX_WORKING_GROUPS + 1),
            "MAX_WORKING_GROUPS",
        ),
        (
            "organisations.gp_practice.count",
            Value::Integer(i64::from(MAX_AGENTS_PER_KIND) + 1),
            "MAX_AGENTS_PER_KIND",
        ),
        (
            "calendar.horizon",
            Value::String("2099-01-01".into()),
            "MAX_HORIZON_YEARS",
        ),
        (
            "record.checkpoints",
            Value::Array(vec![
                Value::String("2014-01-01".into());
                MAX_LIST_ENTRIES + 1
            ]),
            "MAX_LIST_ENTRIES",
        ),
        (
            "record.quantiles",
            Value::Array(
                (1..=MAX_QUANTILES + 1)
                    .map(|i| Value::Float(i as f64 / 1000.0))
                    .collect(),
            ),
            "MAX_QUANTILES",
        ),
        (
            "budget[0].starts",
            Value::Integer(i64::from(i32::MAX)),
            "MAX_YEAR",
        ),
        (
            "early_adopters[0].rollout_step",
            Value::Integer(i64::from(u32::MAX)),
            "MAX_AGENTS_PER_KIND",
        ),
    ];
    for (path, value, limit) in cases {
        let errors = errors_of(&with(&base, path, value));
        assert!(
            error_at(&errors, path, limit).is_some(),
            "{path}: no error naming {limit}: {errors:?}"
        );
    }
    let mut v = base.clone();
    let ea = base_list(&base, "early_adopters");
    let many: Vec<Value> = (0..=MAX_EARLY_ADOPTERS)
        .map(|i| with(&ea[0], "id", Value::String(format!("ea{i}"))))
        .collect();
    v = with(&v, "early_adopters", Value::Array(many));
    let errors = errors_of(&v);
    assert!(error_at(&errors, "early_adopters", "MAX_EARLY_ADOPTERS").is_some());
}

#[test]
fn a_long_extends_chain_is_rejected_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let n = MAX_EXTENDS_DEPTH + 2;
    fs::write(
        dir.path().join("f0.toml"),
        pioneer::scenario::DEFAULT_SCENARIO,
    )
    .unwrap();
    for i in 1..n {
        let text = format!("extends = \"f{}.toml\"\n", i - 1);
        fs::write(dir.path().join(format!("f{i}.toml")), text).unwrap();
    }
    // One link short of the limit loads.
    Scenario::from_file(&dir.path().join(format!("f{}.toml", MAX_EXTENDS_DEPTH))).unwrap();
    let err = Scenario::from_file(&dir.path().join(format!("f{}.toml", n - 1))).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("MAX_EXTENDS_DEPTH") && text.contains(":1:"),
        "{text}"
    );
}

fn read_error(path: &Path, kind: InputKind) -> ScenarioError {
    match pioneer::scenario::read_input(path, kind) {
        Err(LoadError::Invalid(mut v)) if v.len() == 1 => v.remove(0),
        other => panic!("expected one positioned error, got {other:?}"),
    }
}

#[test]
fn files_too_large_or_endless_are_refused_quickly_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    let mut text = "# a comment line\n".repeat(MAX_INPUT_BYTES / 17 + 2);
    text.truncate(MAX_INPUT_BYTES + 1);
    fs::write(&big, text).unwrap();
    let e = read_error(&big, InputKind::Scenario);
    assert!(e.expected.contains("MAX_INPUT_BYTES") && e.line > 1, "{e}");
    let err = Scenario::from_file(&big).unwrap_err().to_string();
    assert!(err.contains("MAX_INPUT_BYTES"), "{err}");
    if Path::new("/dev/zero").exists() {
        let e = read_error(Path::new("/dev/zero"), InputKind::Scenario);
        assert!(e.expected.contains("MAX_INPUT_BYTES"), "{e}");
    }
}

#[test]
fn text_that_is_not_utf8_is_reported_at_its_first_invalid_byte() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("latin1.toml");
    fs::write(&p, b"[meta]\nname = \"x\"\ndescription = \"caf\xe9\"\n").unwrap();
    let e = read_error(&p, InputKind::Scenario);
    assert_eq!((e.line, e.column), (3, 19), "{e}");
    assert!(
        e.found.as_deref().unwrap().contains("0xE9") && e.hint.is_some(),
        "{e}"
    );
    for (bom, name) in [
        (&[0xFF, 0xFE][..], "UTF-16"),
        (&[0xFE, 0xFF][..], "UTF-16"),
        (&[0xFF, 0xFE, 0, 0][..], "UTF-32"),
        (&[0, 0, 0xFE, 0xFF][..], "UTF-32"),
    ] {
        let mut bytes = bom.to_vec();
        bytes.extend_from_slice(b"a\0=\x001\0");
        fs::write(&p, &bytes).unwrap();
        let e = read_error(&p, InputKind::Scenario);
        assert!(
            e.found.as_deref().unwrap().contains(name) && e.line == 1,
            "{e}"
        );
    }
    // UTF-16 without a byte-order mark: ASCII with NULs.
    fs::write(&p, b"a\0=\x001\0").unwrap();
    let e = read_error(&p, InputKind::Scenario);
    assert_eq!((e.line, e.column), (1, 2), "{e}");
    // Through every loader that reads a file: the scenario, a base it
    // extends, and a sweep file.
    fs::write(&p, b"x = \"\xff\"\n").unwrap();
    let err = Scenario::from_file(&p).unwrap_err().to_string();
    assert!(err.contains("latin1.toml:1:6"), "{err}");
    let child = dir.path().join("child.toml");
    fs::write(&child, "extends = \"latin1.toml\"\n").unwrap();
    let err = Scenario::from_file(&child).unwrap_err().to_string();
    assert!(
        err.contains("latin1.toml:1:6") && err.contains("UTF-8"),
        "{err}"
    );
    let err = Sweep::from_file(&p).unwrap_err().to_string();
    assert!(
        err.contains("latin1.toml:1:6") && err.ends_with("1 error in sweep file"),
        "{err}"
    );
}

/// The count line names the kind of file the errors are in.
#[test]
fn the_count_line_names_the_kind_of_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("sweep.toml");
    fs::write(&p, "not_a_sweep_key = 1\n").unwrap();
    let err = Sweep::from_file(&p).unwrap_err().to_string();
    assert!(err.ends_with("in sweep file"), "{err}");
    let err = Scenario::from_toml("not_a_key = 1\n", "s.toml")
        .unwrap_err()
        .to_string();
    assert!(err.ends_with("in scenario"), "{err}");
}
