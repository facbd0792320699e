//! Sweep files, calibration targets and priors, and the command-line
//! arguments of every command, fed the broken and absurd values a hostile
//! user would try: no panic, no abort, no silent correction; every size a
//! user controls has a named limit checked before anything runs or is
//! written, NaN and infinity are refused with their position, and bad input
//! exits with code 2.

use std::path::Path;

use assert_cmd::Command;

use pioneer::calibrate::{priors, targets};
use pioneer::scenario::{Scenario, DEFAULT_SCENARIO};
use pioneer::sweep::outputs;
use pioneer::sweep::{Shard, Sweep};

fn root(p: &str) -> String {
    format!("{}/{p}", env!("CARGO_MANIFEST_DIR"))
}

/// The error text of a sweep file that must be refused at validation.
fn sweep_error(text: &str) -> String {
    match Sweep::from_toml(text, "s.toml", Path::new(".")) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn sweep_with(design: &str, parameters: &str, replications: u64) -> String {
    format!(
        "[sweep]\nname = \"t\"\nreplications = {replications}\n\n[design]\n{design}\n\n{parameters}\n[record]\noutputs = [\"replans\"]\n"
    )
}

const OPTIMISM: &str = "[[parameters]]\npath = \"replanning.optimism\"\nmin = 0.1\nmax = 0.7\n";

#[test]
fn design_sizes_beyond_the_limits_are_refused_at_validation_without_panic() {
    // Each of these used to pass validation and then overflow or abort when the design was built.
    for (design, parameters) in [
        (
            "kind = \"random\"\nsamples = 1000000000000000000",
            OPTIMISM.to_string(),
        ),
        (
            "kind = \"latin_hypercube\"\nsamples = 1000000000",
            OPTIMISM.to_string(),
        ),
        (
            "kind = \"sobol\"\nsamples = 1000000000000000000",
            OPTIMISM.to_string(),
        ),
        (
            "kind = \"morris\"\nsamples = 9223372036854775807",
            OPTIMISM.to_string(),
        ),
        (
            // 10^5 steps on each of four parameters: 10^20 points overflow u64.
            "kind = \"grid\"",
            [
                "replanning.optimism",
                "effort.support_leverage",
                "effort.signer_complementarity",
                "codesign.toolkit_work_hours",
            ]
            .iter()
            .map(|p| {
                format!("[[parameters]]\npath = \"{p}\"\nmin = 0.2\nmax = 0.6\nsteps = 100000\n")
            })
            .collect(),
        ),
    ] {
        let err = sweep_error(&sweep_with(design, &parameters, 1));
        assert!(err.contains("MAX_DESIGN_POINTS"), "{design}: {err}");
        assert!(err.contains("`design."), "{design}: {err}");
    }
    // Replications × points beyond the run limit (each alone is fine).
    let err = sweep_error(&sweep_with(
        "kind = \"random\"\nsamples = 1000",
        OPTIMISM,
        4_000_000_000,
    ));
    assert!(err.contains("MAX_SWEEP_RUNS"), "{err}");
    assert!(err.contains("years of CPU"), "{err}");
    assert!(err.contains("s.toml:3:16: `sweep.replications`"), "{err}");
    // Grid steps are generated at validation: the limit comes first.
    let err = sweep_error(&sweep_with(
        "kind = \"grid\"",
        "[[parameters]]\npath = \"replanning.optimism\"\nmin = 0.1\nmax = 0.7\nsteps = 1000000000000\n",
        1,
    ));
    assert!(err.contains("MAX_GRID_STEPS"), "{err}");
    // A Sobol skip past the sequence's 2^32 points.
    let err = sweep_error(&sweep_with(
        "kind = \"sobol\"\nsamples = 8\nskip = 9223372036854775807",
        OPTIMISM,
        1,
    ));
    assert!(err.contains("`design.skip`"), "{err}");
}

#[test]
fn sobol_dimensions_and_a_missing_base_scenario_are_positioned_in_the_sweep_file() {
    let many: String = (0..30)
        .map(|i| format!("[[parameters]]\nname = \"p{i}\"\npath = \"replanning.optimism\"\nmin = 0.1\nmax = 0.7\n"))
        .collect();
    let err = sweep_error(&sweep_with("kind = \"sobol\"\nsamples = 8", &many, 1));
    assert!(err.contains("s.toml:6:8: `design.kind`"), "{err}");
    assert!(err.contains("parameters"), "{err}");

    let text = "[sweep]\nname = \"t\"\nscenario = \"no/such/scenario.toml\"\nreplications = 1\n\n[design]\nkind = \"random\"\nsamples = 4\n\n[[parameters]]\npath = \"replanning.optimism\"\nmin = 0.1\nmax = 0.7\n";
    let err = sweep_error(text);
    assert!(err.contains("s.toml:3:12: `sweep.scenario`"), "{err}");
    assert!(err.contains("no/such/scenario.toml"), "{err}");
}

#[test]
fn non_finite_sweep_values_and_bounds_are_refused_with_their_position() {
    // NaN on an integer key used to become 0; infinity bounds a grid's steps.
    for (parameters, at) in [
        (
            "[[parameters]]\npath = \"timetable.early_adopters\"\nvalues = [2.0, nan]\n",
            "`parameters[0].values[1]`",
        ),
        (
            "[[parameters]]\npath = \"replanning.optimism\"\nvalues = [0.2, inf]\n",
            "`parameters[0].values[1]`",
        ),
        (
            "[[parameters]]\npath = \"replanning.optimism\"\nmin = -inf\nmax = 0.5\nsteps = 3\n",
            "`parameters[0].min`",
        ),
        (
            "[[parameters]]\npath = \"replanning.optimism\"\nmin = 0.1\nmax = nan\nsteps = 3\n",
            "`parameters[0].max`",
        ),
    ] {
        let err = sweep_error(&sweep_with("kind = \"grid\"", parameters, 1));
        assert!(err.contains(at), "{parameters}: {err}");
        assert!(err.contains("finite"), "{parameters}: {err}");
    }
}

fn scenario() -> Scenario {
    Scenario::default_nwl()
}

fn targets_error(text: &str) -> String {
    match targets::load(text, "t.toml", &scenario()) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn priors_error(text: &str) -> String {
    match priors::load(text, "p.toml", &scenario()) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

const COUNT_TARGET: &str = "[[targets]]\nid = \"live\"\nquantity = \"count_achieved_by\"\nmilestone = \"pilot_live\"\ndate = 2015-04-30\n";

#[test]
fn non_finite_targets_and_duplicate_ids_are_refused_with_their_position() {
    let err = targets_error(&format!("{COUNT_TARGET}observed = nan\ntolerance = 0.5\n"));
    assert!(err.contains("t.toml:6:12: `targets[0].observed`"), "{err}");
    assert!(err.contains("finite"), "{err}");
    let err = targets_error(&format!("{COUNT_TARGET}observed = 2.0\ntolerance = inf\n"));
    assert!(err.contains("t.toml:7:13: `targets[0].tolerance`"), "{err}");
    assert!(err.contains("finite"), "{err}");
    let one = format!("{COUNT_TARGET}observed = 2.0\ntolerance = 0.5\n");
    let err = targets_error(&format!("{one}\n{one}"));
    assert!(err.contains("t.toml:10:6: `targets[1].id`"), "{err}");
    assert!(err.contains("`live` again"), "{err}");
}

#[test]
fn non_finite_priors_are_refused_with_their_position() {
    let prior = |rest: &str| {
        format!(
            "[[parameters]]\npath = \"effort.support_leverage\"\ndistribution = \"normal\"\n{rest}"
        )
    };
    for (rest, at) in [
        (
            "min = -inf\nmax = 5.0\nmean = 2.0\nsd = 1.0\n",
            "p.toml:4:7: `parameters[0].min`",
        ),
        (
            "min = 1.0\nmax = inf\nmean = 2.0\nsd = 1.0\n",
            "p.toml:5:7: `parameters[0].max`",
        ),
        (
            "min = 1.0\nmax = 5.0\nmean = nan\nsd = 1.0\n",
            "p.toml:6:8: `parameters[0].mean`",
        ),
        (
            "min = 1.0\nmax = 5.0\nmean = 2.0\nsd = inf\n",
            "p.toml:7:6: `parameters[0].sd`",
        ),
    ] {
        let err = priors_error(&prior(rest));
        assert!(err.contains(at), "{rest}: {err}");
        assert!(err.contains("finite"), "{rest}: {err}");
    }
}

#[test]
fn prior_bounds_are_checked_against_the_scenarios_own_ranges() {
    // `replanning.optimism` is a probability in the scenario; 1e308 once panicked in the calibration.
    for max in ["5.0", "1e308"] {
        let err = priors_error(&format!(
            "[[parameters]]\npath = \"replanning.optimism\"\ndistribution = \"uniform\"\nmin = 0.1\nmax = {max}\n"
        ));
        assert!(err.contains("p.toml:5:7: `parameters[0].max`"), "{err}");
        assert!(err.contains("makes the scenario invalid"), "{err}");
    }
}

#[test]
fn malformed_slurm_variables_are_errors_not_a_whole_sweep() {
    let env = |id: &'static str, min: Option<&'static str>, count: &'static str| {
        move |k: &str| match k {
            "SLURM_ARRAY_TASK_ID" => Some(id.to_string()),
            "SLURM_ARRAY_TASK_MIN" => min.map(str::to_string),
            "SLURM_ARRAY_TASK_COUNT" => Some(count.to_string()),
            _ => None,
        }
    };
    for (id, min, count, names) in [
        ("3x", Some("0"), "8", "SLURM_ARRAY_TASK_ID"),
        ("", Some("0"), "8", "SLURM_ARRAY_TASK_ID"),
        ("3", Some("zero"), "8", "SLURM_ARRAY_TASK_MIN"),
        ("3", Some("0"), "eight", "SLURM_ARRAY_TASK_COUNT"),
        ("3", Some("0"), "0", "SLURM_ARRAY_TASK_COUNT"),
    ] {
        match Shard::from_slurm(env(id, min, count)) {
            Some(Err(e)) => assert!(e.contains(names), "{e}"),
            other => panic!("{id}/{min:?}/{count}: {other:?}"),
        }
    }
    // Without a task id there is no array: the whole sweep.
    assert!(Shard::from_slurm(|_| None).is_none());
    assert_eq!(
        Shard::from_slurm(env("5", Some("4"), "3")),
        Some(Ok(Shard { index: 1, count: 3 }))
    );
}

/// The default scenario with Brent's early adopter id containing `:`.
fn colon_scenario() -> Result<Scenario, String> {
    let text = DEFAULT_SCENARIO.replacen("id = \"brent\"\n", "id = \"brent:north\"\n", 1);
    assert_ne!(text, DEFAULT_SCENARIO);
    Scenario::from_toml(&text, "colon.toml").map_err(|e| e.to_string())
}

#[test]
fn composite_ids_with_colons_never_panic() {
    let s = scenario();
    for id in [
        ":",
        "::",
        "go_live_delay_weeks:",
        "delay_weeks::",
        "delay_weeks:programme:",
        "live_by:2015-04-01:extra",
        "live_by:",
        "spend_gbp:consultancy:extra",
        "spend_gbp:",
    ] {
        assert!(outputs::parse(id, &s).is_err(), "{id}");
    }
    match colon_scenario() {
        // Scenario validation may refuse such ids outright; then nothing downstream sees them.
        Err(e) => assert!(e.contains("brent:north"), "{e}"),
        Ok(c) => {
            let delay = outputs::parse("go_live_delay_weeks:brent:north", &c).unwrap();
            let scoped = outputs::parse("delay_weeks:brent:north:pilot_live", &c).unwrap();
            assert_eq!(delay.kind, scoped.kind);
            let defaults = outputs::default_outputs(&c).unwrap();
            assert!(defaults
                .iter()
                .any(|d| d.id == "go_live_delay_weeks:brent:north"));
            let compared = pioneer::compare::compare(&[scenario(), c], 1, 2).unwrap();
            // Brent is not in both scenarios under one id: compared for neither.
            assert!(!compared.rows.iter().any(|r| r.output.contains("brent")));
        }
    }
}

fn pioneer(args: &[&str], cwd: &Path) -> assert_cmd::assert::Assert {
    Command::cargo_bin("pioneer")
        .unwrap()
        .current_dir(cwd)
        .args(args)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .assert()
}

/// Nothing but the given entries in `dir`.
fn only(dir: &Path, names: &[&str]) {
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(found, want);
}

#[test]
fn calibrate_sizes_and_threads_beyond_the_limits_exit_2_before_anything_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root("scenarios/nwl_wsic_2013.toml");
    let targets = root("tests/fixtures/calibration/targets.toml");
    let priors = root("tests/fixtures/calibration/priors.toml");
    for (flag, value, says) in [
        ("--particles", "1000000000000000000", "MAX_PARTICLES"),
        ("--particles", "0", "at least 2"),
        ("--generations", "18446744073709551615", "MAX_GENERATIONS"),
        ("--threads", "100000000", "MAX_THREADS"),
        ("--threads", "0", "at least 1"),
        ("--oversample", "0", "at least 1"),
        ("--replications", "0", "at least 1"),
    ] {
        let a = pioneer(
            &[
                "calibrate",
                &scenario,
                "--targets",
                &targets,
                "--params",
                &priors,
                "--out",
                "cal",
                flag,
                value,
            ],
            tmp.path(),
        )
        .code(2);
        let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        assert!(stderr.contains(says), "{flag} {value}: {stderr}");
        only(tmp.path(), &[]);
    }
    // Each size within its limit, their product (simulations of the rejection step) beyond it.
    let a = pioneer(
        &[
            "calibrate",
            &scenario,
            "--targets",
            &targets,
            "--params",
            &priors,
            "--out",
            "cal",
            "--particles",
            "100000",
            "--oversample",
            "100",
            "--replications",
            "1000",
        ],
        tmp.path(),
    )
    .code(2);
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(stderr.contains("MAX_CALIBRATION_REPLICATIONS"), "{stderr}");
    assert!(stderr.contains("days"), "{stderr}");
    only(tmp.path(), &[]);
}

#[test]
fn thread_counts_share_one_limit_in_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        vec!["run", "-j", "100000"],
        vec!["compare", "a.toml", "b.toml", "-j", "100000"],
        vec!["sweep", "s.toml", "-j", "100000"],
    ] {
        let a = pioneer(&args, tmp.path()).code(2);
        let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        assert!(stderr.contains("MAX_THREADS"), "{args:?}: {stderr}");
    }
}

#[test]
fn analyze_bootstrap_beyond_its_limit_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("tiny.toml");
    std::fs::write(
        &file,
        sweep_with("kind = \"sobol\"\nsamples = 4", OPTIMISM, 1),
    )
    .unwrap();
    pioneer(&["sweep", "tiny.toml", "--out", "tiny", "-q"], tmp.path()).success();
    let before: Vec<_> = std::fs::read_dir(tmp.path().join("tiny"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    for (value, says) in [("1000000000000", "MAX_BOOTSTRAP"), ("0", "at least 1")] {
        let a = pioneer(
            &["analyze", "tiny", "--method", "sobol", "--bootstrap", value],
            tmp.path(),
        )
        .code(2);
        let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        assert!(stderr.contains(says), "{value}: {stderr}");
    }
    let after: Vec<_> = std::fs::read_dir(tmp.path().join("tiny"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn parameter_names_that_look_like_formulas_are_quoted_in_csv_headers_and_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let name = "=HYPERLINK(\"x\"),\nrow";
    let parameters = format!(
        "[[parameters]]\nname = '''{name}'''\npath = \"replanning.optimism\"\nvalues = [0.2, 0.4]\n"
    );
    std::fs::write(
        tmp.path().join("q.toml"),
        sweep_with("kind = \"grid\"", &parameters, 1),
    )
    .unwrap();
    pioneer(&["sweep", "q.toml", "--out", "q", "-q"], tmp.path()).success();
    for (file, column) in [("runs.csv", 4), ("design.csv", 1)] {
        let path = tmp.path().join("q").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        // The name is one quoted field: no line of the file starts with `=` or `row`.
        assert!(
            text.contains("\"=HYPERLINK(\"\"x\"\"),\nrow\""),
            "{file}: {text}"
        );
        let mut reader = csv::Reader::from_path(&path).unwrap();
        assert_eq!(&reader.headers().unwrap()[column], name, "{file}");
        assert_eq!(reader.records().count(), 2, "{file}");
    }
}
