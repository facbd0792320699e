//! Reproducible and self-contained outputs: every output directory holds a
//! byte-identical copy of the input files it was made from (`inputs/`, with
//! an `extends` chain whole), the manifest lists them with their SHA-256 and
//! names the git commit of the build (as `pioneer --version` does), and
//! `--set key.path=value` gives exactly the outputs of the edited file.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use sha2::{Digest, Sha256};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn default_text() -> String {
    fs::read_to_string(repo().join("scenarios/nwl_wsic_2013.toml")).unwrap()
}

/// The binary, run in `cwd` (so nothing is written into the repository).
fn pioneer(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("pioneer").unwrap();
    cmd.current_dir(cwd).env_remove("SLURM_ARRAY_TASK_ID");
    cmd
}

/// SHA-256 hex computed here with the `sha2` crate directly (not pioneer's helper).
fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// The manifest's `inputs` as (file, role, source, sha256).
fn inputs(m: &serde_json::Value) -> Vec<(String, String, String, String)> {
    m["inputs"]
        .as_array()
        .unwrap_or_else(|| panic!("no inputs in {m}"))
        .iter()
        .map(|i| {
            let s = |k: &str| i[k].as_str().unwrap().to_string();
            (s("file"), s("role"), s("source"), s("sha256"))
        })
        .collect()
}

/// Every entry of `dir/inputs`.
fn copies(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir.join("inputs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A scenario `variants/child.toml` extending `../base.toml`, in `dir`.
fn chain(dir: &Path) -> (PathBuf, PathBuf) {
    let base = dir.join("base.toml");
    fs::write(&base, default_text()).unwrap();
    fs::create_dir_all(dir.join("variants")).unwrap();
    let child = dir.join("variants/child.toml");
    fs::write(
        &child,
        "# a variant\nextends = \"../base.toml\"\n\n[meta]\nname = \"child\"\n\n[switches]\nnational_barriers = false\n",
    )
    .unwrap();
    (base, child)
}

#[test]
fn run_copies_the_whole_extends_chain_byte_for_byte_and_lists_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, child) = chain(tmp.path());
    pioneer(tmp.path())
        .args([
            "run",
            "variants/child.toml",
            "-n",
            "2",
            "-q",
            "--out",
            "out",
        ])
        .assert()
        .code(0);
    let out = tmp.path().join("out");
    assert_eq!(copies(&out), ["base.toml", "child.toml"]);
    assert_eq!(
        fs::read(out.join("inputs/child.toml")).unwrap(),
        fs::read(&child).unwrap()
    );
    assert_eq!(
        fs::read(out.join("inputs/base.toml")).unwrap(),
        fs::read(&base).unwrap()
    );
    let m = manifest(&out);
    let listed = inputs(&m);
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0].0, "inputs/child.toml");
    assert_eq!(listed[0].1, "scenario");
    assert_eq!(listed[0].2, "variants/child.toml", "the path as given");
    assert_eq!(listed[1].0, "inputs/base.toml");
    assert_eq!(listed[1].1, "base");
    assert!(
        Path::new(&listed[1].2).ends_with("base.toml"),
        "{}",
        listed[1].2
    );
    for (file, _, _, hash) in &listed {
        assert_eq!(hash, &sha256(&fs::read(out.join(file)).unwrap()), "{file}");
    }
    // The copies are the files as read: `extends` is kept as written (it
    // names the base where it was, `listed[1].2`), so the chain is restored
    // by putting the copies back in that layout; then it runs to the same data.
    let restored = tmp.path().join("restored");
    fs::create_dir_all(restored.join("variants")).unwrap();
    fs::copy(
        out.join("inputs/child.toml"),
        restored.join("variants/child.toml"),
    )
    .unwrap();
    fs::copy(out.join("inputs/base.toml"), restored.join("base.toml")).unwrap();
    pioneer(&restored)
        .args([
            "run",
            "variants/child.toml",
            "-n",
            "2",
            "-q",
            "--out",
            "again",
        ])
        .assert()
        .code(0);
    assert_eq!(
        fs::read(out.join("milestones.csv")).unwrap(),
        fs::read(restored.join("again/milestones.csv")).unwrap()
    );
}

#[test]
fn the_embedded_default_is_copied_as_its_text() {
    let tmp = tempfile::tempdir().unwrap();
    pioneer(tmp.path())
        .args(["run", "-n", "1", "-q", "--out", "out"])
        .assert()
        .code(0);
    let out = tmp.path().join("out");
    assert_eq!(copies(&out), ["nwl_wsic_2013.toml"]);
    assert_eq!(
        fs::read_to_string(out.join("inputs/nwl_wsic_2013.toml")).unwrap(),
        default_text()
    );
    let listed = inputs(&manifest(&out));
    assert_eq!(listed[0].2, "<embedded>/scenarios/nwl_wsic_2013.toml");
    assert_eq!(listed[0].3, sha256(default_text().as_bytes()));
}

#[test]
fn compare_keeps_files_of_the_same_name_apart_and_a_shared_base_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, _) = chain(tmp.path());
    // Two different files both called child.toml, sharing one base.
    fs::create_dir_all(tmp.path().join("other")).unwrap();
    let other = "extends = \"../base.toml\"\n[meta]\nname = \"other\"\n";
    fs::write(tmp.path().join("other/child.toml"), other).unwrap();
    pioneer(tmp.path())
        .args(["compare", "variants/child.toml", "other/child.toml"])
        .args(["-n", "2", "--out", "cmp"])
        .assert()
        .code(0);
    let out = tmp.path().join("cmp");
    assert_eq!(copies(&out), ["base.toml", "child-2.toml", "child.toml"]);
    assert_eq!(
        fs::read_to_string(out.join("inputs/child-2.toml")).unwrap(),
        other
    );
    let listed = inputs(&manifest(&out));
    let roles: Vec<(&str, &str)> = listed
        .iter()
        .map(|(f, r, _, _)| (f.as_str(), r.as_str()))
        .collect();
    assert_eq!(
        roles,
        [
            ("inputs/child.toml", "scenario"),
            ("inputs/base.toml", "base"),
            ("inputs/child-2.toml", "scenario")
        ]
    );
    for (file, _, _, hash) in &listed {
        assert_eq!(hash, &sha256(&fs::read(out.join(file)).unwrap()), "{file}");
    }
}

#[test]
fn a_sweep_keeps_its_sweep_file_and_base_and_refuses_to_resume_with_another_base() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("base.toml"), default_text()).unwrap();
    let sweep = "[sweep]\nname = \"s\"\nscenario = \"base.toml\"\nreplications = 1\n\n[design]\nkind = \"grid\"\n\n[[parameters]]\npath = \"effort.support_leverage\"\nvalues = [1.0, 2.0]\n\n[record]\noutputs = [\"programme_slip_weeks\"]\n";
    fs::write(tmp.path().join("s.toml"), sweep).unwrap();
    pioneer(tmp.path())
        .args(["sweep", "s.toml", "-q", "--out", "sw"])
        .assert()
        .code(0);
    let out = tmp.path().join("sw");
    assert_eq!(copies(&out), ["base.toml", "s.toml"]);
    assert_eq!(
        fs::read_to_string(out.join("inputs/s.toml")).unwrap(),
        sweep
    );
    let listed = inputs(&manifest(&out));
    assert_eq!(listed[0].1, "sweep");
    assert_eq!(listed[1].1, "scenario");
    for (file, _, _, hash) in &listed {
        assert_eq!(hash, &sha256(&fs::read(out.join(file)).unwrap()), "{file}");
    }
    // Another base scenario: not the inputs recorded, so not resumed.
    let changed = default_text().replace("optimism = 0.537", "optimism = 0.5");
    fs::write(tmp.path().join("base.toml"), changed).unwrap();
    let a = pioneer(tmp.path())
        .args(["sweep", "s.toml", "-q", "--out", "sw"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("base scenario"), "{err}");
    assert_eq!(
        fs::read(out.join("inputs/base.toml")).unwrap(),
        default_text().as_bytes(),
        "the refused run left the copies alone"
    );
}

/// `pioneer --version`.
fn version() -> String {
    let a = pioneer(&repo()).arg("--version").assert().code(0);
    String::from_utf8(a.get_output().stdout.clone())
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn version_names_the_commit_and_the_manifest_agrees() {
    let v = version();
    let rest = v
        .strip_prefix(&format!("pioneer {} (git ", env!("CARGO_PKG_VERSION")))
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or_else(|| panic!("unexpected --version: {v}"));
    let tmp = tempfile::tempdir().unwrap();
    pioneer(tmp.path())
        .args(["run", "-n", "1", "-q", "--out", "out"])
        .assert()
        .code(0);
    let m = manifest(&tmp.path().join("out"));
    let obj = m.as_object().unwrap();
    assert!(obj.contains_key("tool_git_commit") && obj.contains_key("tool_git_dirty"));
    match rest {
        "unknown" => {
            assert!(m["tool_git_commit"].is_null() && m["tool_git_dirty"].is_null());
        }
        _ => {
            let (short, dirty) = match rest.strip_suffix(", dirty") {
                Some(s) => (s, true),
                None => (rest, false),
            };
            assert!(
                short.len() == 7 && short.bytes().all(|b| b.is_ascii_hexdigit()),
                "{v}"
            );
            let full = m["tool_git_commit"].as_str().unwrap();
            assert!(full.len() == 40 && full.starts_with(short), "{full} vs {v}");
            assert_eq!(m["tool_git_dirty"], dirty);
            // Built from this checkout: the commit is the one git names now
            // (a new commit changes HEAD, which reruns the build script).
            if let Ok(o) = std::process::Command::new("git")
                .args(["rev-parse", "HEAD"])
                .current_dir(repo())
                .output()
            {
                if o.status.success() {
                    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), full);
                }
            }
        }
    }
}

/// Runs `args` in `cwd` with the output in `out`; returns `out`.
fn run_into(cwd: &Path, args: &[&str], out: &str) -> PathBuf {
    pioneer(cwd)
        .args(["run", "-n", "3", "--seed", "4", "-q", "--out", out])
        .args(args)
        .assert()
        .code(0);
    cwd.join(out)
}

/// The data files `run` writes (model outputs; charts and report are drawn from them).
const DATA: [&str; 6] = [
    "milestones.csv",
    "timeseries.csv",
    "meetings.csv",
    "spend.csv",
    "replans.csv",
    "summary.json",
];

#[test]
fn set_gives_exactly_the_outputs_of_the_edited_file() {
    let tmp = tempfile::tempdir().unwrap();
    let text = default_text();
    fs::write(tmp.path().join("nwl.toml"), &text).unwrap();
    // The same three changes written into a copy of the file by hand: a
    // number, a date and a list element's number.
    let mut doc: toml_edit::DocumentMut = text
        .replace("support_leverage = 4.59 ", "support_leverage = 0.3 ")
        .replace("horizon = 2017-03-31", "horizon = 2016-12-31")
        .parse()
        .unwrap();
    doc["journey"]
        .as_array_of_tables_mut()
        .unwrap()
        .get_mut(11)
        .unwrap()["work_hours"] = toml_edit::value(120.0);
    let edited = doc.to_string();
    assert_ne!(edited, text);
    fs::write(tmp.path().join("edited.toml"), &edited).unwrap();
    let sets = [
        "effort.support_leverage=0.3",
        "calendar.horizon=2016-12-31",
        "journey[11].work_hours=120",
    ];
    let mut args = vec!["nwl.toml"];
    for s in &sets {
        args.extend(["--set", s]);
    }
    let with_set = run_into(tmp.path(), &args, "set");
    let by_edit = run_into(tmp.path(), &["edited.toml"], "edit");
    let plain = run_into(tmp.path(), &["nwl.toml"], "plain");
    for f in DATA {
        assert!(
            fs::read(with_set.join(f)).unwrap() == fs::read(by_edit.join(f)).unwrap(),
            "{f}: --set and the edited file differ"
        );
    }
    // Not vacuous: the changes move the outputs.
    assert_ne!(
        fs::read(with_set.join("milestones.csv")).unwrap(),
        fs::read(plain.join("milestones.csv")).unwrap()
    );
    // The manifest records the overrides in order; inputs/ holds the file as given.
    let m = manifest(&with_set);
    let recorded: Vec<&str> = m["overrides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(recorded, sets);
    assert_eq!(
        fs::read_to_string(with_set.join("inputs/nwl.toml")).unwrap(),
        text
    );
    assert!(manifest(&by_edit).get("overrides").is_none());
}

#[test]
fn compare_applies_set_to_every_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let text = default_text();
    fs::write(tmp.path().join("a.toml"), &text).unwrap();
    let b = format!("{text}\n[switches]\nnational_barriers = false\n");
    fs::write(tmp.path().join("b.toml"), &b).unwrap();
    let edit = |t: &str| t.replace("optimism = 0.537 ", "optimism = 0.2 ");
    fs::write(tmp.path().join("a2.toml"), edit(&text)).unwrap();
    fs::write(tmp.path().join("b2.toml"), edit(&b)).unwrap();
    let compare = |files: [&str; 2], extra: &[&str], out: &str| {
        pioneer(tmp.path())
            .args(["compare", files[0], files[1], "-n", "3", "--out", out])
            .args(extra)
            .assert()
            .code(0);
        fs::read(tmp.path().join(out).join("compare.csv")).unwrap()
    };
    let with_set = compare(
        ["a.toml", "b.toml"],
        &["--set", "replanning.optimism=0.2"],
        "set",
    );
    let by_edit = compare(["a2.toml", "b2.toml"], &[], "edit");
    let plain = compare(["a.toml", "b.toml"], &[], "plain");
    assert!(
        with_set == by_edit,
        "compare --set differs from the edited files"
    );
    assert!(with_set != plain, "the override changed nothing");
    assert_eq!(
        manifest(&tmp.path().join("set"))["overrides"],
        serde_json::json!(["replanning.optimism=0.2"])
    );
}

/// A two-point grid sweep of `base`, one replication per point.
const SMALL_SWEEP: &str = "[sweep]\nname = \"s\"\nscenario = \"base.toml\"\nreplications = 1\n\n[design]\nkind = \"grid\"\n\n[[parameters]]\npath = \"effort.support_leverage\"\nvalues = [1.0, 2.0]\n\n[record]\noutputs = [\"programme_slip_weeks\", \"live_by:2015-04-01\"]\n";

/// Output directories made with `--set set`, with the value edited into
/// the file instead, and with neither: `file` is the same in the first two
/// and differs in the third, and the first's manifest records the override.
fn assert_set_is_the_edit([with_set, by_edit, plain]: [&Path; 3], file: &str, set: &str) {
    let read = |d: &Path| fs::read(d.join(file)).unwrap();
    assert!(
        read(with_set) == read(by_edit),
        "{file}: --set differs from the edited file"
    );
    assert!(
        read(with_set) != read(plain),
        "{file}: the override changed nothing"
    );
    assert_eq!(manifest(with_set)["overrides"], serde_json::json!([set]));
}

#[test]
fn sweep_applies_set_to_its_base_scenario_and_resumes_only_with_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let text = default_text();
    let edited = format!("{text}\n[switches]\nnational_barriers = false\n");
    let set = "switches.national_barriers=false";
    let sweep_in = |base: &str, extra: &[&str], out: &str| {
        let dir = tmp.path().join(format!("{out}-in"));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("base.toml"), base).unwrap();
        fs::write(dir.join("s.toml"), SMALL_SWEEP).unwrap();
        pioneer(&dir)
            .args(["sweep", "s.toml", "-q", "--out", out])
            .args(extra)
            .assert()
            .code(0);
        dir.join(out)
    };
    let with_set = sweep_in(&text, &["--set", set], "set");
    let by_edit = sweep_in(&edited, &[], "edit");
    let plain = sweep_in(&text, &[], "plain");
    assert_set_is_the_edit([&with_set, &by_edit, &plain], "runs.csv", set);
    assert_eq!(
        fs::read_to_string(with_set.join("inputs/base.toml")).unwrap(),
        text,
        "inputs/ holds the base as given"
    );
    // Resuming with other overrides is refused: they are other results.
    let a = pioneer(&tmp.path().join("set-in"))
        .args(["sweep", "s.toml", "-q", "--out", "set"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("--set"), "{err}");
}

#[test]
fn calibrate_applies_set_to_the_scenario_calibrated() {
    let tmp = tempfile::tempdir().unwrap();
    let text = default_text();
    fs::write(tmp.path().join("a.toml"), &text).unwrap();
    let edited = format!("{text}\n[switches]\nnational_barriers = false\n");
    fs::write(tmp.path().join("a2.toml"), &edited).unwrap();
    let set = "switches.national_barriers=false";
    let fixture = |f: &str| {
        repo()
            .join("tests/fixtures/calibration")
            .join(f)
            .display()
            .to_string()
    };
    let calibrate = |file: &str, extra: &[&str], out: &str| {
        pioneer(tmp.path())
            .args(["calibrate", file, "--targets", &fixture("targets.toml")])
            .args(["--params", &fixture("priors.toml")])
            .args([
                "--particles",
                "4",
                "--oversample",
                "1",
                "--replications",
                "1",
            ])
            .args(["--generations", "0", "--fit-replications", "3", "-q"])
            .args(["--out", out])
            .args(extra)
            .assert()
            .code(0);
        tmp.path().join(out)
    };
    let with_set = calibrate("a.toml", &["--set", set], "set");
    let by_edit = calibrate("a2.toml", &[], "edit");
    let plain = calibrate("a.toml", &[], "plain");
    assert_set_is_the_edit([&with_set, &by_edit, &plain], "fit.csv", set);
}

#[test]
fn bad_set_values_exit_2_name_the_flag_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = |f: &str| repo().join("tests/fixtures/calibration").join(f);
    let (targets, priors) = (
        fixture("targets.toml").display().to_string(),
        fixture("priors.toml").display().to_string(),
    );
    fs::write(
        tmp.path().join("s.toml"),
        SMALL_SWEEP.replace("base.toml", "a.toml"),
    )
    .unwrap();
    for (set, says) in [
        (
            "effort.suport_leverage=0.3",
            &[
                "--set effort.suport_leverage=0.3",
                "did you mean `support_leverage`?",
            ][..],
        ),
        (
            "effort.support_leverage=high",
            &["expected a TOML value", "quotes"][..],
        ),
        (
            "effort.support_leverage=\"high\"",
            &[
                "expected a number (the scenario has `4.59`)",
                "a text in quotes",
            ][..],
        ),
        (
            "effort.support_leverage",
            &["expected key.path=value", "no `=`"][..],
        ),
        (
            "journey[99].work_hours=1",
            &["journey[99].work_hours", "an index below"][..],
        ),
        ("effort..x[=1", &["expected a key path"][..]),
        (
            "record.timeseries=\"daily\"",
            &[
                "--set record.timeseries=\"daily\"",
                "expected a value this key takes",
            ][..],
        ),
        // Well-formed, but the scenario is then invalid: validation names the key.
        (
            "effort.support_leverage=-1",
            &["is not valid", "`effort.support_leverage`"][..],
        ),
    ] {
        for cmd in [
            vec!["run", "--set", set, "-n", "1", "--out", "out"],
            vec![
                "compare", "--set", set, "-n", "1", "--out", "out", "a.toml", "a.toml",
            ],
            vec!["sweep", "--set", set, "--out", "out", "s.toml"],
            vec![
                "calibrate",
                "--set",
                set,
                "--out",
                "out",
                "a.toml",
                "--targets",
                &targets,
                "--params",
                &priors,
            ],
        ] {
            fs::write(tmp.path().join("a.toml"), default_text()).unwrap();
            let a = pioneer(tmp.path()).args(&cmd).assert().code(2);
            let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
            for s in says {
                assert!(err.contains(s), "{cmd:?}: `{s}` not in:\n{err}");
            }
            let mut left: Vec<String> = fs::read_dir(tmp.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            left.sort();
            assert_eq!(left, ["a.toml", "s.toml"], "{cmd:?} wrote something");
        }
    }
}
