//! The `pioneer` command line: exit codes, error reporting, output files and
//! their headers, the refusal to overwrite results, and the printed summary.
//! Every run uses a temporary directory (as --out or as the working
//! directory), so nothing is written into the repository.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

mod common;
use common::read_dir_files;

const EARLY_ADOPTERS: [&str; 9] = [
    "brent",
    "central_london",
    "hammersmith_fulham",
    "ealing",
    "harrow",
    "hillingdon",
    "hounslow",
    "mental_health",
    "west_london",
];
const PROGRAMME_MILESTONES: [&str; 5] = [
    "codesign_complete",
    "toolkit_published",
    "ea_signed_off",
    "business_plan_approved",
    "wider_rollout",
];

const HEADERS: [(&str, &str); 8] = [
    ("milestones.csv", "replication,early_adopter,milestone,kind,first_planned_date,planned_date,achieved_date,status"),
    ("timeseries.csv", "replication,date,scope,agent_kind,metric,statistic,value"),
    ("meetings.csv", "replication,date,body,sector,attendees,quorate"),
    ("spend.csv", "replication,date,category,amount_gbp"),
    ("replans.csv", "replication,date,milestone,old_date,new_date"),
    ("workarounds.csv", "replication,early_adopter,barrier,parties,workaround_hours,started_date,completed_date,removed_nationally_date"),
    ("memberships.csv", "group,agent,agent_kind"),
    ("scope_decisions.csv", "replication,early_adopter,date,from_scope,to_scope,planned_pilot_date,projected_go_live_date,slip_weeks,milestones_dropped"),
];
const OUTPUT_FILES: [&str; 24] = [
    "milestones.csv",
    "timeseries.csv",
    "meetings.csv",
    "spend.csv",
    "replans.csv",
    "workarounds.csv",
    "memberships.csv",
    "scope_decisions.csv",
    "summary.json",
    "promise_vs_delivery.svg",
    "promise_vs_delivery.png",
    "go_live_curve.svg",
    "go_live_curve.png",
    "engagement.svg",
    "engagement.png",
    "effort_relational.svg",
    "effort_relational.png",
    "effort_transactional.svg",
    "effort_transactional.png",
    "spend.svg",
    "spend.png",
    "report.html",
    "inputs/nwl_wsic_2013.toml",
    "manifest.json",
];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn default_scenario() -> PathBuf {
    repo().join("scenarios").join("nwl_wsic_2013.toml")
}

fn fixture(name: &str) -> PathBuf {
    repo()
        .join("tests")
        .join("fixtures")
        .join("invalid")
        .join(format!("{name}.toml"))
}

/// The binary, run in `cwd` so that a run without --out cannot write into the repository.
fn pioneer(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("pioneer").expect("the pioneer binary is built");
    cmd.current_dir(cwd).env_remove("RUST_LOG");
    cmd
}

/// Names in a directory (including hidden ones).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn sha256_hex(bytes: &[u8]) -> String {
    pioneer::util::hash::sha256_hex(bytes)
}

#[test]
fn check_accepts_the_default_scenario() {
    let tmp = TempDir::new().unwrap();
    pioneer(tmp.path())
        .arg("check")
        .arg(default_scenario())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("nwl_wsic_2013.toml: ok"))
        .stderr(predicate::str::is_empty());
}

#[test]
fn check_rejects_an_invalid_scenario_with_position_and_hint() {
    let tmp = TempDir::new().unwrap();
    let path = fixture("typo_key");
    let text = fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("day_rate = "))
        .expect("fixture has the typo")
        + 1;
    let out = pioneer(tmp.path())
        .arg("check")
        .arg(&path)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let location = format!("{}:{line}:1: `consultancy.day_rate`", path.display());
    assert!(
        stderr.contains(&location),
        "stderr lacks {location:?}:\n{stderr}"
    );
    assert!(
        stderr.contains("\n  hint: did you mean `day_rate_gbp`?"),
        "{stderr}"
    );
    assert!(
        stderr.trim_end().ends_with("1 error in scenario"),
        "{stderr}"
    );
    assert!(!String::from_utf8(out.stdout).unwrap().contains(": ok"));
}

#[test]
fn check_reports_every_file_and_fails_if_any_is_invalid() {
    let tmp = TempDir::new().unwrap();
    let out = pioneer(tmp.path())
        .arg("check")
        .arg(default_scenario())
        .arg(fixture("unknown_barrier"))
        .arg(fixture("negative_money"))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains("nwl_wsic_2013.toml: ok"), "{stdout}");
    assert!(
        stderr.contains("unknown_barrier.toml:") && stderr.contains("`journey[10].barrier`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("negative_money.toml:")
            && stderr.contains("`consultancy.contracts[0].amount_gbp`"),
        "{stderr}"
    );
}

#[test]
fn check_of_a_missing_file_is_bad_input() {
    let tmp = TempDir::new().unwrap();
    pioneer(tmp.path())
        .args(["check", "no_such_scenario.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no_such_scenario.toml"));
}

/// A copy of the bad-input case `tests/fixtures/bad/<case>/` (its files) in
/// a new temporary directory.
fn bad_case(case: &str) -> TempDir {
    let tmp = TempDir::new().unwrap();
    let from = repo().join("tests").join("fixtures").join("bad").join(case);
    for e in fs::read_dir(&from).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            fs::copy(&p, tmp.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    tmp
}

/// `check` validates sweep, targets and priors files as the commands that
/// read them do: the same message (file:line:column, key, hint, "N errors
/// in <kind>") and exit code 2, and it writes nothing.
#[test]
fn check_reports_a_bad_sweep_targets_or_priors_file_as_sweep_and_calibrate_do() {
    let scenario = default_scenario().display().to_string();
    // The command that reads the file: `sweep` for a sweep file, `calibrate`
    // (with the fixture's targets and priors) for the others.
    let command = |file: &str| -> Vec<String> {
        let args: Vec<&str> = if file == "sweep.toml" {
            vec!["sweep", file, "--out", "out"]
        } else {
            vec![
                "calibrate",
                &scenario,
                "--targets",
                "targets.toml",
                "--params",
                "priors.toml",
                "--out",
                "cal",
            ]
        };
        args.into_iter().map(str::to_string).collect()
    };
    let cases = [
        ("sweep-unknown_design_kind", "sweep.toml", "sweep file"),
        ("sweep-missing_base_scenario", "sweep.toml", "sweep file"),
        (
            "sweep-bound_outside_scenario_range",
            "sweep.toml",
            "sweep file",
        ),
        ("targets-unknown_milestone", "targets.toml", "targets file"),
        ("targets-empty", "targets.toml", "targets file"),
        ("priors-unknown_path", "priors.toml", "priors file"),
        (
            "priors-max_beyond_scenario_range",
            "priors.toml",
            "priors file",
        ),
    ];
    for (case, file, kind) in cases {
        let tmp = bad_case(case);
        let before = names(tmp.path());
        let by_command = pioneer(tmp.path())
            .args(command(file))
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone();
        let by_check = pioneer(tmp.path())
            .args(["check", file])
            .assert()
            .code(2)
            .get_output()
            .clone();
        let stderr = String::from_utf8(by_check.stderr).unwrap();
        assert_eq!(
            stderr,
            String::from_utf8(by_command).unwrap(),
            "{case}: check and the command that reads {file} disagree"
        );
        assert!(
            stderr.starts_with(&format!("error: {file}:")),
            "{case}: {stderr}"
        );
        assert!(
            stderr.trim_end().ends_with(&format!("in {kind}")),
            "{case}: {stderr}"
        );
        assert!(!String::from_utf8(by_check.stdout).unwrap().contains(": ok"));
        assert_eq!(names(tmp.path()), before, "{case}: nothing written");
    }
}

/// A sweep file that is not even valid TOML is still recognised by its
/// table headers, so its syntax error is reported as `sweep` reports it.
#[test]
fn check_reports_a_syntax_error_in_a_sweep_file_as_sweep_does() {
    let tmp = TempDir::new().unwrap();
    fs::write(
        tmp.path().join("sweep.toml"),
        "[sweep]\nname = \"broken\"\nreplications = \n\n[design]\nkind = \"grid\"\n",
    )
    .unwrap();
    let by_sweep = pioneer(tmp.path())
        .args(["sweep", "sweep.toml", "--out", "out"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let by_check = pioneer(tmp.path())
        .args(["check", "sweep.toml"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8(by_check).unwrap();
    assert_eq!(stderr, String::from_utf8(by_sweep).unwrap());
    assert!(stderr.contains("sweep.toml:3:"), "{stderr}");
    assert!(stderr.trim_end().ends_with("in sweep file"), "{stderr}");
}

#[test]
fn check_positions_a_targets_error_at_the_misspelt_value() {
    let tmp = bad_case("targets-unknown_milestone");
    let text = fs::read_to_string(tmp.path().join("targets.toml")).unwrap();
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(n, l)| l.find("\"pilot_lvie\"").map(|c| (n + 1, c + 1)))
        .expect("fixture has the typo");
    let out = pioneer(tmp.path())
        .args(["check", "targets.toml"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let at = format!("targets.toml:{line}:{column}: `targets[0].milestone`");
    assert!(stderr.contains(&at), "stderr lacks {at:?}:\n{stderr}");
    assert!(stderr.contains("did you mean `pilot_live`?"), "{stderr}");
}

#[test]
fn check_accepts_the_shipped_sweep_targets_and_priors_files_as_what_they_are() {
    let tmp = TempDir::new().unwrap();
    let mut expected = Vec::new();
    let mut args = vec![PathBuf::from("check")];
    for (dir, kind) in [
        ("sweeps", "sweep file"),
        ("targets", "targets file"),
        ("priors", "priors file"),
    ] {
        for e in fs::read_dir(repo().join("scenarios").join(dir)).unwrap() {
            let p = e.unwrap().path();
            expected.push(format!("{}: ok ({kind}", p.display()));
            args.push(p);
        }
    }
    assert!(expected.len() >= 5, "{expected:?}");
    let out = pioneer(tmp.path())
        .args(&args)
        .assert()
        .code(0)
        .stderr(predicate::str::is_empty())
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8(out).unwrap();
    for line in &expected {
        assert!(stdout.contains(line), "stdout lacks {line:?}:\n{stdout}");
    }
    assert!(
        stdout.contains("checked against the embedded default scenario"),
        "{stdout}"
    );
}

/// Targets name early adopters: `--scenario` chooses the scenario they are
/// checked against (England has no `brent`; the default has).
#[test]
fn check_resolves_targets_against_the_scenario_given() {
    let tmp = TempDir::new().unwrap();
    fs::write(
        tmp.path().join("targets.toml"),
        "[[targets]]\nid = \"brent_live\"\nquantity = \"milestone_date\"\n\
early_adopter = \"brent\"\nmilestone = \"pilot_live\"\nobserved_date = 2015-01-31\ntolerance = 4.0\n",
    )
    .unwrap();
    pioneer(tmp.path())
        .args(["check", "targets.toml", "--scenario"])
        .arg(default_scenario())
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!(
            "targets.toml: ok (targets file: 1 targets, checked against scenario {})",
            default_scenario().display()
        )));
    pioneer(tmp.path())
        .args(["check", "targets.toml", "--scenario"])
        .arg(repo().join("scenarios").join("england.toml"))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("targets.toml:4:17: `targets[0].early_adopter`")
                .and(predicate::str::contains("1 error in targets file")),
        );
}

/// A mistyped command is named as such, with the nearest command, instead of
/// being read as a scenario path; exit code 2 and nothing written.
#[test]
fn a_mistyped_command_gets_did_you_mean() {
    let tmp = TempDir::new().unwrap();
    for (typo, meant, rest) in [
        ("analyz", "analyze", &["results/sweep"][..]),
        ("chekc", "check", &["x.toml"]),
        ("swep", "sweep", &[]),
        ("compre", "compare", &["a.toml", "b.toml"]),
    ] {
        pioneer(tmp.path())
            .arg(typo)
            .args(rest)
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains(format!("unknown command `{typo}`"))
                    .and(predicate::str::contains(format!("did you mean `{meant}`?"))),
            );
    }
    // Not typos: an existing file of that name is a scenario, a `.toml` path
    // is a scenario (missing here), and a word close to no command is left
    // to the scenario loader.
    fs::copy(default_scenario(), tmp.path().join("analyz")).unwrap();
    pioneer(tmp.path())
        .args(["analyz", "-n", "1", "-q", "--no-output"])
        .assert()
        .code(0);
    fs::remove_file(tmp.path().join("analyz")).unwrap();
    for not_typo in ["analyz.toml", "frobnicate"] {
        pioneer(tmp.path()).arg(not_typo).assert().code(2).stderr(
            predicate::str::contains("unknown command")
                .not()
                .and(predicate::str::contains(not_typo)),
        );
    }
    assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
}

#[test]
fn analyse_is_an_alias_of_analyze() {
    let tmp = TempDir::new().unwrap();
    let help = |command: &str| {
        pioneer(tmp.path())
            .args([command, "--help"])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone()
    };
    let analyze = String::from_utf8(help("analyze")).unwrap();
    assert!(analyze.contains("Usage: pioneer analyze"), "{analyze}");
    assert_eq!(String::from_utf8(help("analyse")).unwrap(), analyze);
    // Both spellings fail the same way on a directory that holds no sweep.
    let run = |command: &str| {
        pioneer(tmp.path())
            .args([command, "no_such_sweep", "--method", "sobol"])
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone()
    };
    assert_eq!(run("analyse"), run("analyze"));
}

#[test]
fn run_writes_every_output_with_the_documented_headers() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    pioneer(tmp.path())
        .args(["run", "-n", "4", "-q", "--out"])
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Outputs written to"));
    let files = read_dir_files(&out);
    let mut expected: Vec<&str> = OUTPUT_FILES.to_vec();
    expected.sort();
    assert_eq!(
        files.keys().map(String::as_str).collect::<Vec<_>>(),
        expected,
        "exactly the documented files"
    );

    for (name, header) in HEADERS {
        let text = String::from_utf8(files[name].clone()).unwrap();
        assert_eq!(text.lines().next(), Some(header), "{name} header");
        let width = header.split(',').count();
        for (i, line) in text.lines().enumerate().skip(1) {
            assert_eq!(
                line.split(',').count(),
                width,
                "{name} line {}: {line}",
                i + 1
            );
        }
    }

    // milestones.csv: every replication, every early adopter and the programme rows.
    let milestones = String::from_utf8(files["milestones.csv"].clone()).unwrap();
    let rows: Vec<Vec<&str>> = milestones
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let reps: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[0]).collect();
    assert_eq!(reps.into_iter().collect::<Vec<_>>(), ["0", "1", "2", "3"]);
    for ea in EARLY_ADOPTERS {
        for rep in ["0", "3"] {
            assert!(
                rows.iter()
                    .any(|r| r[0] == rep && r[1] == ea && r[2] == "pilot_live"),
                "no pilot_live row for {ea} in replication {rep}"
            );
        }
    }
    for m in PROGRAMME_MILESTONES {
        assert!(
            rows.iter().any(|r| r[1] == "programme" && r[2] == m),
            "no programme row for {m}"
        );
    }
    for r in &rows {
        assert!(
            ["achieved", "not_reached", "skipped"].contains(&r[7]),
            "status {:?}",
            r[7]
        );
        assert_eq!(
            r[7] == "achieved",
            !r[6].is_empty(),
            "achieved_date is set exactly when achieved: {r:?}"
        );
    }

    // summary.json parses; manifest.json records the run and the hash of every other file.
    let _: serde_json::Value =
        serde_json::from_slice(&files["summary.json"]).expect("summary.json is JSON");
    let manifest: serde_json::Value =
        serde_json::from_slice(&files["manifest.json"]).expect("manifest.json is JSON");
    assert_eq!(manifest["seed"], 1);
    assert_eq!(manifest["replications"], 4);
    assert_eq!(manifest["scenario_name"], "nwl_wsic_2013");
    let listed: BTreeMap<String, String> = manifest["files"]
        .as_array()
        .expect("files is a list")
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_string(),
                pair[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        listed.len(),
        OUTPUT_FILES.len() - 1,
        "every file but the manifest: {listed:?}"
    );
    for (name, hash) in &listed {
        assert_eq!(hash, &sha256_hex(&files[name]), "manifest hash of {name}");
    }
    // No temporary or moved-aside directories are left beside the output.
    assert_eq!(names(tmp.path()), ["out"]);
}

#[test]
fn run_refuses_an_existing_out_and_force_replaces_it() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    pioneer(tmp.path())
        .args(["run", "-n", "3", "-q", "--seed", "1", "--out"])
        .arg(&out)
        .assert()
        .code(0);
    let first = read_dir_files(&out);

    // A different seed would give different files, so an overwrite would show.
    pioneer(tmp.path())
        .args(["run", "-n", "3", "-q", "--seed", "2", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("already exists").and(predicate::str::contains("--force")),
        );
    assert_eq!(
        read_dir_files(&out),
        first,
        "a refused run leaves the first outputs byte-identical"
    );
    assert_eq!(names(tmp.path()), ["out"]);

    pioneer(tmp.path())
        .args(["run", "-n", "3", "-q", "--seed", "2", "--force", "--out"])
        .arg(&out)
        .assert()
        .code(0);
    let replaced = read_dir_files(&out);
    assert_eq!(
        replaced.keys().collect::<Vec<_>>(),
        first.keys().collect::<Vec<_>>()
    );
    let manifest: serde_json::Value = serde_json::from_slice(&replaced["manifest.json"]).unwrap();
    assert_eq!(manifest["seed"], 2, "--force replaced the outputs");
    assert_ne!(replaced["milestones.csv"], first["milestones.csv"]);
    assert_eq!(
        names(tmp.path()),
        ["out"],
        "no temporary or old directories left behind"
    );
}

#[test]
fn run_into_an_existing_empty_directory_is_allowed() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("empty");
    fs::create_dir(&out).unwrap();
    pioneer(tmp.path())
        .args(["run", "-n", "2", "-q", "--out"])
        .arg(&out)
        .assert()
        .code(0);
    assert!(out.join("milestones.csv").is_file());
}

#[test]
fn run_refuses_an_out_that_is_a_file() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    fs::write(&out, b"keep me").unwrap();
    pioneer(tmp.path())
        .args(["run", "-n", "2", "-q", "--out"])
        .arg(&out)
        .assert()
        .code(2);
    assert_eq!(fs::read(&out).unwrap(), b"keep me");
}

#[test]
fn force_never_replaces_a_file_a_link_or_a_directory_pioneer_did_not_write() {
    let tmp = TempDir::new().unwrap();
    let mine = tmp.path().join("mine");
    fs::create_dir(&mine).unwrap();
    fs::write(mine.join("notes.txt"), b"my notes").unwrap();
    let file = tmp.path().join("file");
    fs::write(&file, b"keep me").unwrap();
    let mut targets = vec![mine.clone(), file.clone()];
    #[cfg(unix)]
    {
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&mine, &link).unwrap();
        targets.push(link);
    }
    let base = default_scenario();
    let sweep_file = repo().join("tests/fixtures/sweeps/grid.toml");
    let calibration = |f: &str| repo().join("tests/fixtures/calibration").join(f);
    for target in &targets {
        // Every command that writes a directory, each with --force and with
        // enough work that a refusal after simulating would time out.
        let commands: Vec<Vec<std::ffi::OsString>> = vec![
            vec!["run".into(), "-q".into(), "-n".into(), "1000000".into()],
            vec![
                "compare".into(),
                base.clone().into(),
                base.clone().into(),
                "-n".into(),
                "20000".into(), // minutes of work: a refusal after simulating would time out
            ],
            vec!["sweep".into(), "-q".into(), sweep_file.clone().into()],
            vec!["merge".into(), tmp.path().join("no-shard").into()],
            vec![
                "calibrate".into(),
                base.clone().into(),
                "--targets".into(),
                calibration("targets.toml").into(),
                "--params".into(),
                calibration("priors.toml").into(),
                "-q".into(),
            ],
        ];
        for args in commands {
            pioneer(tmp.path())
                .args(&args)
                .arg("--force")
                .arg("--out")
                .arg(target)
                .timeout(std::time::Duration::from_secs(60))
                .assert()
                .code(2)
                .stderr(predicate::str::contains(
                    "pioneer does not replace it, even with --force",
                ));
        }
    }
    // Untouched, and nothing left beside them.
    assert_eq!(fs::read(&file).unwrap(), b"keep me");
    assert_eq!(names(&mine), ["notes.txt"]);
    assert_eq!(fs::read(mine.join("notes.txt")).unwrap(), b"my notes");
    let mut expected = vec!["file", "mine"];
    if cfg!(unix) {
        expected.insert(1, "link");
    }
    assert_eq!(
        names(tmp.path()),
        expected,
        "a refused command leaves nothing behind"
    );
}

#[test]
fn run_of_an_invalid_scenario_is_bad_input_and_writes_nothing() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    let path = fixture("unknown_enum_value");
    pioneer(tmp.path())
        .args(["run", "-n", "2", "-q"])
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains(format!("{}:", path.display()))
                .and(predicate::str::contains("`early_adopters[1].scope`")),
        )
        .stdout(predicate::str::is_empty());
    assert!(!out.exists(), "no output directory for an invalid scenario");
    // Without --out: no results/ directory either.
    pioneer(tmp.path())
        .args(["run", "-n", "2", "-q"])
        .arg(&path)
        .assert()
        .code(2);
    assert!(
        names(tmp.path()).is_empty(),
        "nothing written: {:?}",
        names(tmp.path())
    );
}

#[test]
fn bad_arguments_are_bad_input() {
    let tmp = TempDir::new().unwrap();
    for args in [
        &["run", "-n", "0"][..],
        &["run", "-n", "many"],
        &["run", "--threads", "abc"],
        &["run", "--threads", "0"],
        &["run", "--seed", "-1"],
        &["run", "--no-such-flag"],
        &["check"],
        &["frobnicate", "x.toml", "y"],
    ] {
        pioneer(tmp.path())
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::is_empty().not());
    }
    assert!(
        names(tmp.path()).is_empty(),
        "bad arguments write nothing: {:?}",
        names(tmp.path())
    );
}

#[test]
fn help_lists_the_commands() {
    let tmp = TempDir::new().unwrap();
    let out = pioneer(tmp.path())
        .arg("--help")
        .assert()
        .code(0)
        .get_output()
        .clone();
    let help = String::from_utf8(out.stdout).unwrap();
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for c in ["run", "check", "schema", "default"] {
        assert!(
            commands.contains(&c),
            "`{c}` not listed under Commands: in\n{help}"
        );
    }
}

#[test]
fn schema_and_default_print_usable_text() {
    let tmp = TempDir::new().unwrap();
    let json = pioneer(tmp.path())
        .args(["schema", "--json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let schema: serde_json::Value =
        serde_json::from_slice(&json).expect("schema --json prints JSON");
    for key in ["meta", "calendar", "journey", "early_adopters"] {
        assert!(
            schema["properties"].get(key).is_some(),
            "schema lacks `{key}`"
        );
    }
    let markdown = String::from_utf8(
        pioneer(tmp.path())
            .arg("schema")
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone(),
    )
    .unwrap();
    assert!(
        markdown.contains("day_rate_gbp"),
        "the Markdown reference documents day_rate_gbp"
    );
    let default = String::from_utf8(
        pioneer(tmp.path())
            .arg("default")
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone(),
    )
    .unwrap();
    let s = pioneer::Scenario::from_toml(&default, "default")
        .unwrap_or_else(|e| panic!("`pioneer default` prints an invalid scenario:\n{e}"));
    assert_eq!(s.raw().meta.name, "nwl_wsic_2013");
}

/// Rows of a section of the printed summary: the lines after `title` up to the next blank line.
fn section_rows<'a>(stdout: &'a str, title: &str) -> Vec<&'a str> {
    let mut lines = stdout.lines().skip_while(|l| !l.starts_with(title));
    assert!(lines.next().is_some(), "no section {title:?} in\n{stdout}");
    lines.skip(1).take_while(|l| !l.trim().is_empty()).collect()
}

#[test]
fn printed_summary_lists_programme_milestones_and_every_early_adopter() {
    let tmp = TempDir::new().unwrap();
    let out = pioneer(tmp.path())
        .args(["run", "-n", "3", "-q", "--no-output"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("scenario `nwl_wsic_2013`, 3 replications, seed 1"),
        "{stdout}"
    );
    let is_date_or_not_reached = |s: &str| s == "not reached" || chrono_like(s);

    let programme = section_rows(&stdout, "Programme milestones");
    let labels: Vec<&str> = programme
        .iter()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for m in PROGRAMME_MILESTONES {
        assert!(
            labels.contains(&m),
            "programme milestone {m} missing from\n{stdout}"
        );
    }
    let eas = section_rows(
        &stdout,
        "Early adopters: first people receiving care under the new model (pilot_live)",
    );
    let mut labels: Vec<&str> = eas
        .iter()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    labels.sort();
    let mut expected = EARLY_ADOPTERS.to_vec();
    expected.sort();
    assert_eq!(
        labels, expected,
        "one pilot_live row per early adopter:\n{stdout}"
    );
    for row in programme.iter().chain(&eas) {
        // label, promised date, latest plan date, ..., reached share.
        let words: Vec<&str> = row.split_whitespace().collect();
        assert!(
            is_date_or_not_reached(words[1]) && is_date_or_not_reached(words[2]),
            "row {row:?}"
        );
        assert!(words.last().unwrap().ends_with('%'), "row {row:?}");
    }
    assert!(
        !stdout.contains("Outputs written"),
        "--no-output writes nothing"
    );
    assert!(
        names(tmp.path()).is_empty(),
        "--no-output wrote {:?}",
        names(tmp.path())
    );
}

fn chrono_like(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.split('-').all(|p| p.chars().all(|c| c.is_ascii_digit()))
}

#[test]
fn run_without_out_numbers_new_result_directories() {
    let tmp = TempDir::new().unwrap();
    pioneer(tmp.path())
        .args(["run", "-n", "2", "-q", "--seed", "1"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("nwl_wsic_2013-001"));
    let first_dir = tmp.path().join("results").join("nwl_wsic_2013-001");
    let first = read_dir_files(&first_dir);
    assert_eq!(first.len(), OUTPUT_FILES.len());

    pioneer(tmp.path())
        .args(["run", "-n", "2", "-q", "--seed", "2"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("nwl_wsic_2013-002"));
    assert_eq!(
        names(&tmp.path().join("results")),
        ["nwl_wsic_2013-001", "nwl_wsic_2013-002"]
    );
    assert_eq!(
        read_dir_files(&first_dir),
        first,
        "the first results are never overwritten"
    );
    let second: serde_json::Value = serde_json::from_slice(
        &fs::read(tmp.path().join("results/nwl_wsic_2013-002/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(second["seed"], 2);
    assert_eq!(
        names(tmp.path()),
        ["results"],
        "nothing else written in the working directory"
    );
}

#[test]
fn compare_runs_scenarios_with_common_random_numbers_and_writes_a_report() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("cmp");
    let base = repo().join("scenarios/nwl_wsic_2013.toml");
    let variant = repo().join("scenarios/variants/nwl_no_barriers.toml");
    let assert = pioneer(tmp.path())
        .arg("compare")
        .args([&base, &base, &variant])
        .args(["-n", "30", "--out"])
        .arg(&out)
        .assert()
        .code(0);
    let text = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(text.contains("nwl_wsic_2013#2"), "{text}");
    let files = read_dir_files(&out);
    assert_eq!(
        files.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "compare.csv",
            "compare_forest.png",
            "compare_forest.svg",
            "compare_go_live.png",
            "compare_go_live.svg",
            "inputs/nwl_no_barriers.toml",
            "inputs/nwl_wsic_2013.toml",
            "manifest.json",
            "report.html"
        ]
    );
    let csv = String::from_utf8(files["compare.csv"].clone()).unwrap();
    // The same scenario twice: paired differences are exactly zero.
    let same: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(",nwl_wsic_2013#2,"))
        .collect();
    assert!(!same.is_empty());
    // (difference columns 13..=18 of compare.csv, docs/compare.md)
    for line in same {
        let d: Vec<&str> = line.split(',').skip(13).take(6).collect();
        assert!(d.iter().all(|f| f.is_empty() || *f == "0"), "{line}");
        assert_eq!(d.iter().filter(|f| **f == "0").count(), 3, "{line}");
    }
    // Without national barriers the programme slips less.
    let slip = csv
        .lines()
        .find(|l| l.starts_with("programme_slip_weeks,nwl_no_barriers,"))
        .unwrap();
    let median_diff: f64 = slip.split(',').nth(14).unwrap().parse().unwrap();
    assert!(median_diff < 0.0, "{slip}");
    let html = String::from_utf8(files["report.html"].clone()).unwrap();
    assert!(html.contains("<svg") && html.contains("nwl_no_barriers"));
    // A bad scenario is refused before anything runs.
    pioneer(tmp.path())
        .arg("compare")
        .arg(&base)
        .arg(repo().join("tests/fixtures/invalid/typo_key.toml"))
        .args(["--out"])
        .arg(tmp.path().join("bad"))
        .assert()
        .code(2);
    assert!(!tmp.path().join("bad").exists());
}
