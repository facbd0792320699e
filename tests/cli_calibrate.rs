//! `pioneer calibrate` from the command line: outputs, write-back, resume,
//! refusal of bad input.

use std::path::Path;

use assert_cmd::Command;

fn root(p: &str) -> String {
    format!("{}/{p}", env!("CARGO_MANIFEST_DIR"))
}

fn calibrate(out: &Path, generations: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = Command::cargo_bin("pioneer").unwrap();
    cmd.args(["calibrate", &root("scenarios/nwl_wsic_2013.toml")])
        .args([
            "--targets",
            &root("tests/fixtures/calibration/targets.toml"),
        ])
        .args(["--params", &root("tests/fixtures/calibration/priors.toml")])
        .args([
            "--particles",
            "6",
            "--oversample",
            "2",
            "--replications",
            "2",
            "--fit-replications",
            "20",
            "--seed",
            "3",
        ])
        .args(["--generations", generations])
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
}

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count()
}

#[test]
fn writes_posterior_fit_and_a_calibrated_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cal");
    let written = tmp.path().join("calibrated.toml");
    let a = calibrate(&out, "1", &["--write-scenario", written.to_str().unwrap()]).success();
    let stdout = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains("effort.support_leverage") && stdout.contains("first_go_live"),
        "{stdout}"
    );
    assert_eq!(lines(&out.join("posterior.csv")), 1 + 6);
    assert_eq!(lines(&out.join("generations.csv")), 1 + 2);
    assert_eq!(lines(&out.join("fit.csv")), 1 + 2);
    let summary = std::fs::read_to_string(out.join("posterior_summary.csv")).unwrap();
    assert!(summary.starts_with("parameter,prior,prior_min,prior_max,median,p05,p95,best\n"));
    assert!(summary.contains("replanning.optimism,uniform,0,0.7,"));
    // The written scenario loads and, below its header, differs from the
    // original only in the two calibrated lines.
    let original = std::fs::read_to_string(root("scenarios/nwl_wsic_2013.toml")).unwrap();
    let text = std::fs::read_to_string(&written).unwrap();
    pioneer::Scenario::from_toml(&text, "written").unwrap();
    let (header, body): (Vec<&str>, Vec<&str>) = text
        .lines()
        .partition(|l| l.starts_with("# pioneer calibrate:"));
    let changed: Vec<(&str, &str)> = original
        .lines()
        .zip(body.iter().copied())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(original.lines().count(), body.len());
    assert!(
        changed.len() == 2
            && changed
                .iter()
                .all(|(a, _)| a.starts_with("support_leverage") || a.starts_with("optimism")),
        "{changed:?}"
    );
    check_calibrated_lines(&changed, &out);
    check_header(&header);
    // The output directory holds byte-identical copies of the three inputs.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let inputs = manifest["inputs"].as_array().unwrap();
    let roles: Vec<&str> = inputs.iter().map(|i| i["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["scenario", "targets", "priors"]);
    for i in inputs {
        let source = i["source"].as_str().unwrap();
        assert_eq!(
            std::fs::read(out.join(i["file"].as_str().unwrap())).unwrap(),
            std::fs::read(source).unwrap(),
            "{source}"
        );
    }
    // Refuses to overwrite the written scenario without --force.
    calibrate(
        &tmp.path().join("cal2"),
        "0",
        &["--write-scenario", written.to_str().unwrap()],
    )
    .code(2);
}

/// Each changed line holds the best-supported value of posterior_summary.csv
/// and a comment naming the targets file, the statistic written and this
/// calibration's posterior median and 90% interval; the old comment (which
/// stated the values of an earlier calibration) is gone.
fn check_calibrated_lines(changed: &[(&str, &str)], out: &Path) {
    let summary = std::fs::read_to_string(out.join("posterior_summary.csv")).unwrap();
    let targets = root("tests/fixtures/calibration/targets.toml");
    for (old, new) in changed {
        let key = new.split_whitespace().next().unwrap();
        let row: Vec<f64> = summary
            .lines()
            .find(|l| l.split(',').next().unwrap().ends_with(&format!(".{key}")))
            .unwrap_or_else(|| panic!("{key} not in {summary}"))
            .split(',')
            .skip(4)
            .map(|x| x.parse().unwrap())
            .collect();
        let (median, p05, p95, best) = (row[0], row[1], row[2], row[3]);
        let (value, comment) = new.split_once('#').unwrap();
        let value: f64 = value.split('=').nth(1).unwrap().trim().parse().unwrap();
        assert_eq!(value, best, "{new}");
        let prefix =
            format!(" calibrated to {targets}: best-supported particle; posterior median ");
        let numbers = comment
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("{new}"));
        // "M, 90% [A, B]": printed to 4 significant digits, so within 5e-4 relative.
        let parsed: Vec<f64> = numbers
            .replace("90% [", "")
            .replace(']', "")
            .split(", ")
            .map(|x| x.parse().unwrap())
            .collect();
        for (got, want) in parsed.iter().zip([median, p05, p95]) {
            assert!(
                (got - want).abs() <= 5e-4 * want.abs().max(1e-9),
                "{got} vs {want} in {new}"
            );
        }
        assert!(
            old.contains("model v2") && !new.contains("model v2"),
            "{new}"
        );
    }
}

/// The header names the targets and priors with their SHA-256, the sizes, the seed and the build.
fn check_header(header: &[&str]) {
    use sha2::{Digest, Sha256};
    let hex = |p: &str| -> String {
        Sha256::digest(std::fs::read(p).unwrap())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let (t, p) = (
        root("tests/fixtures/calibration/targets.toml"),
        root("tests/fixtures/calibration/priors.toml"),
    );
    assert_eq!(header.len(), 2, "{header:?}");
    let first = header[0];
    let version = String::from_utf8(
        Command::cargo_bin("pioneer")
            .unwrap()
            .arg("--version")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    for part in [
        format!("targets {t} (SHA-256 {})", hex(&t)),
        format!("priors {p} (SHA-256 {})", hex(&p)),
        "6 particles".into(),
        "1 generation(s)".into(),
        "seed 3".into(),
        version.trim().to_string(),
    ] {
        assert!(first.contains(&part), "`{part}` not in {first}");
    }
}

#[test]
fn running_again_resumes_and_matches_an_uninterrupted_run() {
    let tmp = tempfile::tempdir().unwrap();
    let resumed = tmp.path().join("resumed");
    let straight = tmp.path().join("straight");
    calibrate(&resumed, "0", &[]).success();
    let again = calibrate(&resumed, "1", &[]).success();
    assert!(String::from_utf8_lossy(&again.get_output().stdout).contains("Resuming"));
    calibrate(&straight, "1", &[]).success();
    for f in [
        "posterior.csv",
        "generations.csv",
        "checkpoint.json",
        "posterior_summary.csv",
        "fit.csv",
    ] {
        assert_eq!(
            std::fs::read(resumed.join(f)).unwrap(),
            std::fs::read(straight.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn bad_input_is_refused_with_exit_code_2() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("priors.toml");
    std::fs::write(&bad, "[[parameters]]\npath = \"effort.suport_leverage\"\ndistribution = \"uniform\"\nmin = 1.0\nmax = 2.0\n").unwrap();
    let a = Command::cargo_bin("pioneer")
        .unwrap()
        .args([
            "calibrate",
            &root("scenarios/nwl_wsic_2013.toml"),
            "--targets",
            &root("tests/fixtures/calibration/targets.toml"),
            "--params",
        ])
        .arg(&bad)
        .arg("--out")
        .arg(tmp.path().join("never"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        stderr.contains("priors.toml:2:8: `parameters[0].path`")
            && stderr.contains("did you mean `support_leverage`?"),
        "{stderr}"
    );
    assert!(!tmp.path().join("never").exists());
    // An --out holding another calibration (different seed) is refused.
    let out = tmp.path().join("cal");
    calibrate(&out, "0", &[]).success();
    let other = |extra: &[&str]| {
        Command::cargo_bin("pioneer")
            .unwrap()
            .args(["calibrate", &root("scenarios/nwl_wsic_2013.toml")])
            .args([
                "--targets",
                &root("tests/fixtures/calibration/targets.toml"),
            ])
            .args(["--params", &root("tests/fixtures/calibration/priors.toml")])
            .args(["--particles", "6", "--seed", "4", "--generations", "0"])
            .args(["--replications", "2", "--fit-replications", "20"])
            .arg("--out")
            .arg(&out)
            .args(extra)
            .assert()
    };
    other(&[])
        .code(2)
        .stderr(predicates::str::contains("holds a different calibration"));
    let manifest = |dir: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
    };
    assert_eq!(manifest(&out)["seed"], 3, "the refused run left it alone");
    assert_eq!(manifest(&out)["complete"], true);
    // With --force, pioneer's own directory of another calibration is replaced.
    other(&["--force"]).success();
    assert_eq!(manifest(&out)["seed"], 4);
    // A directory pioneer did not write is refused even with --force.
    let mine = tmp.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "mine").unwrap();
    calibrate(&mine, "0", &["--force"])
        .code(2)
        .stderr(predicates::str::contains("pioneer does not replace it"));
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_killed_calibration_resumes_to_the_same_result() {
    let tmp = tempfile::tempdir().unwrap();
    let killed = tmp.path().join("killed");
    let straight = tmp.path().join("straight");
    let args = |out: &Path| -> Vec<String> {
        let mut v: Vec<String> = vec!["calibrate".into(), root("scenarios/nwl_wsic_2013.toml")];
        v.extend([
            "--targets".into(),
            root("tests/fixtures/calibration/targets.toml"),
        ]);
        v.extend([
            "--params".into(),
            root("tests/fixtures/calibration/priors.toml"),
        ]);
        for a in [
            "--particles",
            "24",
            "--oversample",
            "2",
            "--replications",
            "6",
            "--fit-replications",
            "20",
            "--generations",
            "4",
            "--seed",
            "8",
            "-j",
            "1",
        ] {
            v.push(a.into());
        }
        v.push("--out".into());
        v.push(out.display().to_string());
        v
    };
    let bin = assert_cmd::cargo::cargo_bin("pioneer");
    let mut child = std::process::Command::new(&bin)
        .args(args(&killed))
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as the first generation is saved.
    let checkpoint = killed.join("checkpoint.json");
    let start = std::time::Instant::now();
    while !checkpoint.exists() {
        assert!(start.elapsed().as_secs() < 120, "no checkpoint written");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&checkpoint).unwrap()).unwrap();
    let done = saved["generations"].as_array().unwrap().len();
    assert!(
        done < 5,
        "the run finished before it could be interrupted ({done} generations)"
    );
    assert!(
        !killed.join("posterior.csv").exists(),
        "no final outputs from an interrupted run"
    );
    Command::cargo_bin("pioneer")
        .unwrap()
        .args(args(&killed))
        .assert()
        .success();
    Command::cargo_bin("pioneer")
        .unwrap()
        .args(args(&straight))
        .assert()
        .success();
    for f in [
        "posterior.csv",
        "generations.csv",
        "checkpoint.json",
        "fit.csv",
    ] {
        assert_eq!(
            std::fs::read(killed.join(f)).unwrap(),
            std::fs::read(straight.join(f)).unwrap(),
            "{f}"
        );
    }
}
