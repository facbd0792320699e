//! The corpus of invalid scenarios in `tests/fixtures/invalid/`: each file is
//! `scenarios/nwl_wsic_2013.toml` with one kind of defect (the first line of
//! each file says which). Most are patches: `extends` the default scenario
//! and write only the defect, so the errors point into the patch. The defects
//! of [`FULL_COPIES`] take a key or a milestone away, which a patch cannot
//! do (`extends` only adds and overrides), so those are full copies.
//!
//! For every file this checks
//!
//! * that loading fails with `LoadError::Invalid`, and the rendered error text
//!   (snapshot `tests/snapshots/invalid_scenarios__<file stem>.snap`);
//! * structurally: every error has a position and (except for TOML syntax
//!   errors) a key path; the key paths in the table below are all reported,
//!   each in the file the table says (the fixture, or the default scenario for
//!   a value a patch inherits), their line and column point at the defect in
//!   that file, their hints say what the table says, and no other errors are
//!   reported;
//! * that the rendered text has the documented shape: one `error: ` line per
//!   error, `  hint: ` lines, and a final `N errors in scenario` line.
//!
//! Fixtures that expose a bug in `src/` are marked in the table and checked by
//! an `#[ignore = "bug: ..."]` test of their own, so the main tests stay green.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pioneer::scenario::{LoadError, ScenarioError};
use pioneer::Scenario;

/// Fixtures whose defect is a removal: full copies of the default, not patches.
const FULL_COPIES: &[&str] = &["missing_pilot_live", "missing_required_key"];

/// The first line of TOML of every patch.
const EXTENDS_DEFAULT: &str = "extends = \"../../../scenarios/nwl_wsic_2013.toml\"";

/// The file an error must name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum In {
    /// The fixture itself.
    Fixture,
    /// `scenarios/nwl_wsic_2013.toml`, which a patch extends: the defect makes
    /// a value the patch inherits invalid.
    Default,
}

/// One error the fixture must produce.
struct Want {
    /// Exact key path of the error.
    path: &'static str,
    /// The file the error names.
    file: In,
    /// The line the error names must contain this text.
    line_has: &'static str,
    /// The text of the file starting at the reported line and column must
    /// start with this (so the column points at the offending key or value).
    at: &'static str,
    /// The hint must contain this (None: no hint is required).
    hint: Option<&'static str>,
}

const fn want(path: &'static str, at: &'static str, hint: Option<&'static str>) -> Want {
    Want {
        path,
        file: In::Fixture,
        line_has: at,
        at,
        hint,
    }
}

/// An error at an inherited value, in the default scenario.
const fn want_in_default(path: &'static str, at: &'static str, hint: Option<&'static str>) -> Want {
    Want {
        file: In::Default,
        ..want(path, at, hint)
    }
}

struct Case {
    /// File stem in tests/fixtures/invalid/.
    name: &'static str,
    /// A TOML syntax error: the key path may be empty (the file cannot be parsed
    /// into keys).
    syntax: bool,
    /// Exactly these errors, in any order.
    errors: &'static [Want],
    /// Set when the fixture shows a bug in src/: its checks run in an ignored test.
    bug: Option<&'static str>,
}

const CASES: &[Case] = &[
    Case {
        name: "syntax_error",
        syntax: true,
        // An unterminated string: reported at the end of the line `id = "harrow`.
        errors: &[Want { path: "", file: In::Fixture, line_has: "id = \"harrow", at: "\n", hint: Some("check quotes") }],
        bug: None,
    },
    Case {
        name: "invalid_date",
        syntax: true,
        // 30 February is not a date; toml reports it at the day.
        // The hint should be about dates, not about quotes and brackets.
        errors: &[Want { path: "", file: In::Fixture, line_has: "toolkit_published = 2014-02-30", at: "30", hint: Some("date") }],
        bug: Some("the TOML parser's two-line message is rendered over two lines, and the hint is about quotes and brackets"),
    },
    Case {
        name: "typo_key",
        syntax: false,
        errors: &[want("consultancy.day_rate", "day_rate = 1200.0", Some("did you mean `day_rate_gbp`?"))],
        bug: None,
    },
    Case {
        name: "unknown_keys",
        syntax: false,
        errors: &[
            want("calendar.timestep", "timestep = \"week\"", Some("`horizon`, `start`")),
            want("programme.salary_inflation", "salary_inflation = 0.02", Some("`team_size`")),
            want("early_adopters[6].go_live", "go_live = 2015-01-05", Some("`rollout_every_weeks`")),
            Want { path: "output", file: In::Fixture, line_has: "[output]", at: "output]", hint: Some("`early_adopters`") },
        ],
        bug: None,
    },
    Case {
        name: "wrong_type",
        syntax: false,
        errors: &[want("early_adopters[4].population", "\"59,938\"", Some("without quotes"))],
        bug: None,
    },
    Case {
        name: "schedule_wrong_type",
        syntax: false,
        errors: &[want("bodies[2].schedule[0].every_weeks", "\"3\"", Some("without quotes"))],
        bug: None,
    },
    Case {
        name: "probability_out_of_range",
        syntax: false,
        errors: &[want("organisations.ccg.engagement", "1.5 ", Some("written as fractions"))],
        bug: None,
    },
    Case {
        name: "negative_money",
        syntax: false,
        errors: &[want("consultancy.contracts[0].amount_gbp", "-3_500_000.0", None)],
        bug: None,
    },
    Case {
        name: "horizon_before_start",
        syntax: false,
        errors: &[
            want("calendar.horizon", "2013-03-31", Some("dates must be in order")),
            // Consequences of the short calendar, reported too, where the
            // inherited dates are written.
            want_in_default("timetable.ea_signed_off", "2013-12-20", None),
            want_in_default("timetable.pilot_start", "2014-01-06", None),
        ],
        bug: None,
    },
    Case {
        name: "schedule_to_before_from",
        syntax: false,
        errors: &[want("bodies[0].schedule[1].to", "2014-05-15", Some("dates must be in order"))],
        bug: None,
    },
    Case {
        name: "journey_cycle",
        syntax: false,
        errors: &[want("journey[0].requires", "[\"care_model_designed\"]", Some("remove one of these prerequisites"))],
        bug: None,
    },
    Case {
        name: "unknown_requires",
        syntax: false,
        errors: &[want("journey[8].requires[0]", "\"outcome_agreed\"", Some("did you mean `outcomes_agreed`?"))],
        bug: None,
    },
    Case {
        name: "unknown_member_kind",
        syntax: false,
        errors: &[want("early_adopters[3].members.comunity_trust", "comunity_trust = 1", Some("did you mean `community_trust`?"))],
        bug: None,
    },
    Case {
        name: "memberships",
        syntax: false,
        errors: &[
            want("organisations.acute_trust.names[6]", "\"imperial\"]", Some("its own name")),
            want("organisations.gp_practice.per_ccg.harow", "harow = 0", Some("did you mean `harrow`?")),
            want("early_adopters[1].organisations[1]", "\"acute_trust:hillingdon_hospital\"", Some("did you mean `hillingdon_hospitals`?")),
            want("early_adopters[1].organisations[2]", "\"gp_practice:one\"", Some("count `gp_practice` in `members`")),
            want("early_adopters[2].members.local_authority", "local_authority = 1", Some("in `organisations`")),
        ],
        bug: None,
    },
    Case {
        name: "unknown_barrier",
        syntax: false,
        errors: &[want("journey[10].barrier", "\"payment_system\"", Some("did you mean `payment_systems`?"))],
        bug: None,
    },
    Case {
        name: "missing_required_key",
        syntax: false,
        // `ealing` (the third early adopter) has no `scope`: reported at its table header.
        errors: &[Want {
            path: "early_adopters[2]",
            file: In::Fixture,
            line_has: "[[early_adopters]]",
            at: "[[early_adopters]]\nid = \"ealing\"",
            hint: Some("add `early_adopters[2].scope`"),
        }],
        bug: None,
    },
    Case {
        name: "schedule_missing_key",
        syntax: false,
        // The lay advisory group's schedule period has no `to`.
        errors: &[Want {
            path: "bodies[2].schedule[0]",
            file: In::Fixture,
            line_has: "[[bodies.schedule]]",
            at: "[[bodies.schedule]]\nfrom = 2013-11-04",
            hint: Some("add `bodies[2].schedule[0].to`"),
        }],
        bug: None,
    },
    Case {
        name: "unknown_enum_value",
        syntax: false,
        errors: &[want("early_adopters[1].scope", "\"partial\"", Some("`full`, `scaled_back`"))],
        bug: None,
    },
    Case {
        name: "missing_pilot_live",
        syntax: false,
        errors: &[Want {
            path: "journey",
            file: In::Fixture,
            line_has: "[[journey]]",
            at: "[[journey]]\nid = \"population_agreed\"",
            hint: Some("id = \"pilot_live\""),
        }],
        bug: None,
    },
    Case {
        name: "duplicate_early_adopter",
        syntax: false,
        // Appended after the nine inherited early adopters.
        errors: &[want("early_adopters[9].id", "\"ealing\"", Some("each id may appear once"))],
        bug: None,
    },
    Case {
        name: "several_semantic_errors",
        syntax: false,
        errors: &[
            want("organisations.lay_partner.engagement", "8.0", Some("written as fractions")),
            want("barriers[1].workaround_hours", "-200.0", None),
            want("journey[5].signers[0]", "\"gp\"", Some("`gp_practice`")),
            want("early_adopters[2].pilot_practices", "90", None),
            want("early_adopters[9].id", "\"harrow\"", Some("each id may appear once")),
            want("record.quantiles", "[0.1, 0.9, 0.5]", None),
        ],
        bug: None,
    },
];

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join("invalid")
}

fn fixture_path(name: &str) -> PathBuf {
    fixtures_dir().join(format!("{name}.toml"))
}

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// The default scenario as errors name it when a patch inherits from it.
fn default_path() -> PathBuf {
    scenarios_dir().join("nwl_wsic_2013.toml")
}

fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/invalid exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Loads a fixture; it must fail with `LoadError::Invalid`.
fn load_errors(path: &Path) -> (String, Vec<ScenarioError>) {
    match Scenario::from_file(path) {
        Ok(_) => panic!("{} loaded without error", path.display()),
        Err(e @ LoadError::Invalid(_)) => {
            let text = e.to_string();
            let LoadError::Invalid(errors) = e else {
                unreachable!()
            };
            (text, errors)
        }
        Err(e) => panic!("{}: expected LoadError::Invalid, got {e}", path.display()),
    }
}

/// The rendered text with the machine-specific directories replaced.
fn normalised(text: &str) -> String {
    let fixtures = fixtures_dir().display().to_string();
    let scenarios = scenarios_dir().display().to_string();
    text.replace(&fixtures, "[fixtures]")
        .replace(&scenarios, "[scenarios]")
        .replace('\\', "/")
}

/// Runs every check for one case; returns the problems found.
fn check_case(case: &Case) -> Vec<String> {
    let path = fixture_path(case.name);
    let fixture_text = std::fs::read_to_string(&path).unwrap();
    let default_text = std::fs::read_to_string(default_path()).unwrap();
    let (text, errors) = load_errors(&path);
    let mut problems = Vec::new();
    let mut p = |s: String| problems.push(format!("{}: {s}", case.name));

    if errors.is_empty() {
        p("LoadError::Invalid with no errors".into());
    }
    // The file an error names, and its text.
    let named = |e: &ScenarioError| -> Option<(In, &str)> {
        if e.file == path.display().to_string() {
            Some((In::Fixture, &fixture_text))
        } else if e.file == default_path().display().to_string() {
            Some((In::Default, &default_text))
        } else {
            None
        }
    };
    for e in &errors {
        let Some((_, source)) = named(e) else {
            p(format!(
                "error names file {:?}, neither the path given nor the default scenario",
                e.file
            ));
            continue;
        };
        let lines: Vec<&str> = source.split('\n').collect();
        if e.line == 0 || e.column == 0 {
            p(format!("error without a position: {e}"));
        }
        if e.line > lines.len()
            || e.column > lines.get(e.line.wrapping_sub(1)).map_or(0, |l| l.len() + 1)
        {
            p(format!(
                "position {}:{} is outside the file",
                e.line, e.column
            ));
        }
        if !case.syntax && e.key_path.is_empty() {
            p(format!("error without a key path: {e}"));
        }
        if e.expected.trim().is_empty() {
            p(format!("error without an `expected` text: {e}"));
        }
    }

    // Exactly the expected errors (as a set of key paths).
    let got: BTreeSet<&str> = errors.iter().map(|e| e.key_path.as_str()).collect();
    let wanted: BTreeSet<&str> = case.errors.iter().map(|w| w.path).collect();
    if got != wanted || errors.len() != case.errors.len() {
        p(format!(
            "expected errors at {wanted:?}, got {:?}",
            errors.iter().map(|e| &e.key_path).collect::<Vec<_>>()
        ));
    }

    for w in case.errors {
        let Some(e) = errors.iter().find(|e| e.key_path == w.path) else {
            continue;
        };
        let Some((file, source)) = named(e) else {
            continue;
        };
        if file != w.file {
            p(format!(
                "`{}` is reported in {:?} ({}), expected {:?}",
                w.path, file, e.file, w.file
            ));
            continue;
        }
        let lines: Vec<&str> = source.split('\n').collect();
        if e.line == 0 || e.line > lines.len() {
            continue;
        }
        let line = lines[e.line - 1];
        if !line.contains(w.line_has) {
            p(format!(
                "`{}` is reported at line {}, which is {line:?}; expected the line with {:?}",
                w.path, e.line, w.line_has
            ));
            continue;
        }
        let offset: usize = lines[..e.line - 1]
            .iter()
            .map(|l| l.len() + 1)
            .sum::<usize>()
            + e.column
            - 1;
        let rest = source.get(offset..).unwrap_or("");
        if !rest.starts_with(w.at) {
            p(format!(
                "`{}` is reported at {}:{}, where the text is {:?}; expected it to start with {:?}",
                w.path,
                e.line,
                e.column,
                rest.chars().take(30).collect::<String>(),
                w.at
            ));
        }
        if let Some(h) = w.hint {
            match &e.hint {
                Some(hint) if hint.contains(h) => {}
                other => p(format!(
                    "`{}`: expected a hint containing {h:?}, got {other:?}",
                    w.path
                )),
            }
        }
    }

    // Shape of the rendered text.
    let rendered: Vec<&str> = text.lines().collect();
    let n = errors.len();
    let last = format!("{n} error{} in scenario", if n == 1 { "" } else { "s" });
    if rendered.last() != Some(&last.as_str()) {
        p(format!(
            "rendered text does not end with {last:?}: {text:?}"
        ));
    }
    for l in &rendered[..rendered.len().saturating_sub(1)] {
        if !(l.starts_with("error: ") || l.starts_with("  hint: ")) {
            p(format!(
                "rendered line is neither `error: ` nor `  hint: `: {l:?}"
            ));
        }
    }
    let error_lines: Vec<&&str> = rendered
        .iter()
        .filter(|l| l.starts_with("error: "))
        .collect();
    if error_lines.len() != n {
        p(format!(
            "{} `error: ` lines for {n} errors",
            error_lines.len()
        ));
    }
    for (l, e) in error_lines.iter().zip(&errors) {
        let prefix = format!("error: {}:{}:{}: ", e.file, e.line, e.column);
        if !l.starts_with(&prefix) {
            p(format!(
                "rendered line {l:?} does not start with {prefix:?}"
            ));
        }
        if !e.key_path.is_empty() && !l.contains(&format!("`{}`: expected ", e.key_path)) {
            p(format!(
                "rendered line {l:?} does not name `{}`",
                e.key_path
            ));
        }
    }
    let hint_lines = rendered
        .iter()
        .filter(|l| l.starts_with("  hint: "))
        .count();
    if hint_lines != errors.iter().filter(|e| e.hint.is_some()).count() {
        p(format!(
            "{hint_lines} hint lines for {} hints",
            errors.iter().filter(|e| e.hint.is_some()).count()
        ));
    }
    problems
}

fn case(name: &str) -> &'static Case {
    CASES
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

fn assert_case(name: &str) {
    let problems = check_case(case(name));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn corpus_and_table_agree() {
    let files: BTreeSet<String> = corpus().iter().map(|p| stem(p)).collect();
    let table: BTreeSet<String> = CASES.iter().map(|c| c.name.to_string()).collect();
    assert_eq!(CASES.len(), table.len(), "duplicate names in CASES");
    assert_eq!(
        files, table,
        "every fixture needs a row in CASES and every row a fixture"
    );
    assert!(files.len() >= 14, "the corpus has {} files", files.len());
}

#[test]
fn fixtures_are_patches_on_the_default_unless_their_defect_is_a_removal() {
    for path in corpus() {
        let name = stem(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        let first_toml = text
            .lines()
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .unwrap_or("");
        if FULL_COPIES.contains(&name.as_str()) {
            assert!(!text.contains("extends"), "{name} is listed as a full copy");
            assert!(text.lines().count() > 400, "{name} is not a full copy");
        } else {
            assert_eq!(
                first_toml, EXTENDS_DEFAULT,
                "{name} is not a patch on the default"
            );
            assert!(text.lines().count() < 60, "{name} is not a short patch");
        }
    }
    for name in FULL_COPIES {
        assert!(fixture_path(name).exists(), "{name} is missing");
    }
}

#[test]
fn every_fixture_fails_with_the_snapshotted_errors() {
    let mut failures = Vec::new();
    for path in corpus() {
        let name = stem(&path);
        let outcome = std::panic::catch_unwind(|| {
            let (text, _) = load_errors(&path);
            insta::assert_snapshot!(name.clone(), normalised(&text));
        });
        if outcome.is_err() {
            failures.push(name);
        }
    }
    assert!(
        failures.is_empty(),
        "snapshot or load failures: {failures:?}"
    );
}

#[test]
fn every_error_is_positioned_named_and_points_at_the_defect() {
    let mut problems = Vec::new();
    for c in CASES.iter().filter(|c| c.bug.is_none()) {
        problems.extend(check_case(c));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn unknown_keys_are_all_reported_not_just_the_first() {
    let (_, errors) = load_errors(&fixture_path("unknown_keys"));
    let unknown = errors
        .iter()
        .filter(|e| {
            e.found
                .as_deref()
                .is_some_and(|f| f.starts_with("unknown key"))
        })
        .count();
    assert_eq!(unknown, 4, "{errors:#?}");
}

#[test]
fn semantic_errors_are_all_reported_in_one_pass() {
    let (text, errors) = load_errors(&fixture_path("several_semantic_errors"));
    assert_eq!(errors.len(), 6, "{text}");
    assert!(text.ends_with("\n6 errors in scenario"), "{text}");
}

#[test]
fn the_unmodified_default_scenario_loads() {
    // Guards the corpus: the defects, not the base file, make the fixtures fail.
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join("nwl_wsic_2013.toml");
    Scenario::from_file(&path).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn invalid_date_is_one_line_with_a_date_hint() {
    assert_case("invalid_date");
}

#[test]
fn type_errors_are_described_in_words_with_a_hint() {
    // Regression: these once read `expected f64` / `expected u32`.
    for name in ["wrong_type", "schedule_wrong_type"] {
        let (text, errors) = load_errors(&fixture_path(name));
        for e in &errors {
            for rust in ["f64", "f32", "u32", "u64", "i64", "usize"] {
                assert!(
                    !e.expected
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|w| w == rust),
                    "{name}: `expected` names the Rust type `{rust}`:\n{text}"
                );
            }
            assert!(
                e.hint.is_some(),
                "{name}: type error without a hint:\n{text}"
            );
        }
    }
}
