//! What `pioneer` does to the file system: names from input files never
//! leave the results area (`../`, absolute paths, NUL, 10,000 characters,
//! unicode, in every command that derives a default output path); `--force`
//! replaces only a directory pioneer wrote, and refusals come before any
//! simulation; what a killed process leaves (hidden `.partial`/`.old`
//! entries, a job directory in any state of its write order) is cleaned or
//! resumed, to outputs byte-identical to an uninterrupted run.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;

/// A process id above Linux's largest (`pid_max` ≤ 2^22): never a live process.
const DEAD_PID: u32 = 4_194_999;

/// A refused command must not get as far as simulating: one still running
/// after this long is reported as having started the simulation (a guard
/// against a hang, not a timing measurement).
const GUARD: Duration = Duration::from_secs(60);

fn root(p: &str) -> String {
    format!("{}/{p}", env!("CARGO_MANIFEST_DIR"))
}

fn pioneer(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("pioneer").unwrap();
    c.current_dir(cwd).env_remove("SLURM_ARRAY_TASK_ID");
    c
}

/// Every entry under `dir`: relative path → bytes (`None` for a directory,
/// the target for a symbolic link). `manifest.json` is compared without its
/// `command_line` (which names the output directory).
fn tree(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.file_type().is_symlink() {
                let t = fs::read_link(&path).unwrap();
                out.insert(rel, Some(t.into_os_string().into_encoded_bytes()));
            } else if meta.is_dir() {
                out.insert(rel, None);
                stack.push(path);
            } else if path.file_name().unwrap() == "manifest.json" {
                let mut m: serde_json::Value =
                    serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
                m.as_object_mut().unwrap().remove("command_line");
                out.insert(rel, Some(m.to_string().into_bytes()));
            } else if path.starts_with("/dev") || path.starts_with("/proc") {
                out.insert(rel, None);
            } else {
                out.insert(rel, Some(fs::read(&path).unwrap()));
            }
        }
    }
    out
}

fn hidden_entries(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

/// Asserts two output directories hold the same files with the same bytes.
fn assert_same_outputs(got: &Path, want: &Path, state: &str) {
    let (a, b) = (tree(got), tree(want));
    let names = |t: &BTreeMap<PathBuf, _>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "{state}: the same files");
    for (k, v) in &a {
        assert!(v == &b[k], "{state}: {} differs", k.display());
    }
}

// ------------------------------------------------------------- 1. names

/// The embedded scenario with another `[meta] name` (a TOML basic string).
fn scenario_named(toml_name: &str) -> String {
    fs::read_to_string(root("scenarios/nwl_wsic_2013.toml"))
        .unwrap()
        .replacen(
            "name = \"nwl_wsic_2013\"",
            &format!("name = \"{toml_name}\""),
            1,
        )
}

fn sweep_named(toml_name: &str) -> String {
    format!(
        "[sweep]\nname = \"{toml_name}\"\nreplications = 1\nseed = 2\n\n[design]\nkind = \"grid\"\n\n\
         [[parameters]]\npath = \"replanning.optimism\"\nvalues = [0.2, 0.4]\n\n\
         [record]\noutputs = [\"programme_slip_weeks\"]\n"
    )
}

#[test]
fn names_from_input_files_stay_inside_the_results_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let abs = tmp.path().join("outside").display().to_string();
    let names: Vec<String> = vec![
        "../../outside".into(),
        "../outside".into(),
        abs,
        "/".into(),
        "nul\\u0000name".into(),
        "x".repeat(10_000),
        "Évry café 日本 🙂".into(),
        "..".into(),
        ".".into(),
        "-rf".into(),
        ".hidden".into(),
    ];
    for (i, name) in names.iter().enumerate() {
        let work = tmp.path().join(format!("work{i}"));
        fs::create_dir(&work).unwrap();
        fs::write(work.join("s.toml"), scenario_named(name)).unwrap();
        fs::write(work.join("b.toml"), scenario_named(name)).unwrap();
        fs::write(work.join("sweep.toml"), sweep_named(name)).unwrap();
        let commands: [&[&str]; 4] = [
            &["run", "s.toml", "-n", "2", "-q"],
            &[
                "calibrate",
                "s.toml",
                "--targets",
                &root("tests/fixtures/calibration/targets.toml"),
                "--params",
                &root("tests/fixtures/calibration/priors.toml"),
                "--particles",
                "4",
                "--oversample",
                "1",
                "--replications",
                "1",
                "--generations",
                "0",
                "--fit-replications",
                "2",
                "-q",
            ],
            &["sweep", "sweep.toml", "-q"],
            &["compare", "s.toml", "b.toml", "-n", "2"],
        ];
        let shown: String = name.chars().take(40).collect();
        for args in commands {
            let outside_before = tree(tmp.path())
                .into_keys()
                .filter(|k| !k.starts_with(format!("work{i}")))
                .collect::<Vec<_>>();
            let before = tree(&work);
            let out = pioneer(&work).args(args).output().unwrap();
            let code = out.status.code();
            let stderr = String::from_utf8_lossy(&out.stderr);
            // Accepted and written in results/, or refused as bad input
            // with nothing written; never a failure while writing.
            assert!(
                code == Some(0) || code == Some(2),
                "{args:?} with name {shown:?}…: exit {code:?}: {stderr}"
            );
            let outside_after = tree(tmp.path())
                .into_keys()
                .filter(|k| !k.starts_with(format!("work{i}")))
                .collect::<Vec<_>>();
            assert_eq!(
                outside_before, outside_after,
                "nothing outside the work directory"
            );
            let after = tree(&work);
            for k in after.keys().filter(|k| !before.contains_key(*k)) {
                assert!(
                    k.starts_with("results"),
                    "{args:?} with name {shown:?}… wrote {} outside results/",
                    k.display()
                );
            }
            if code == Some(2) {
                assert_eq!(before, after, "a refusal writes nothing");
                continue;
            }
            let results = work.join("results");
            assert!(hidden_entries(&results).is_empty(), "no hidden leftovers");
            for e in fs::read_dir(&results).unwrap() {
                let n = e.unwrap().file_name().to_string_lossy().into_owned();
                assert!(n.len() <= 120, "{n}");
                assert!(
                    n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
                    "{n}"
                );
                assert!(!n.starts_with('-') && !n.starts_with('.'), "{n}");
            }
        }
    }
}

// ------------------------------------------------------------- 2. --force

/// Runs a command that must be refused before it simulates anything: exit
/// code 2, nothing on standard output (no summary table).
fn assert_refused_before_running(cwd: &Path, args: &[&str]) -> String {
    let bin = assert_cmd::cargo::cargo_bin("pioneer");
    let mut child = StdCommand::new(bin)
        .current_dir(cwd)
        .args(args)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > GUARD {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{args:?} was not refused: it started simulating");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "{args:?} printed {}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

#[test]
fn force_replaces_only_what_pioneer_wrote_and_refuses_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    fs::create_dir(&work).unwrap();
    fs::write(work.join("notes.txt"), b"mine").unwrap();
    fs::create_dir(work.join("mine")).unwrap();
    fs::write(work.join("mine/data.csv"), b"1,2\n").unwrap();
    // A pioneer directory behind a symbolic link: neither is touched.
    pioneer(&work)
        .args(["run", "-n", "2", "-q", "--out", "real"])
        .assert()
        .success();
    std::os::unix::fs::symlink("real", work.join("link")).unwrap();
    let sweep = root("tests/fixtures/sweeps/long.toml");
    let targets = root("tests/fixtures/calibration/targets.toml");
    let priors = root("tests/fixtures/calibration/priors.toml");
    let scenario = root("scenarios/nwl_wsic_2013.toml");
    let before = tree(&work);
    for out in [
        "notes.txt",
        "/dev/null",
        "link",
        "mine",
        ".",
        "notes.txt/sub",
        "/proc/pioneer-out",
    ] {
        let commands: [Vec<&str>; 4] = [
            vec!["run", "-n", "1000000", "--out", out, "--force"],
            vec![
                "compare", &scenario, &scenario, "-n", "20000", "--out", out, "--force",
            ],
            vec!["sweep", &sweep, "--out", out, "--force"],
            vec![
                "calibrate",
                &scenario,
                "--targets",
                &targets,
                "--params",
                &priors,
                "--particles",
                "100000",
                "--out",
                out,
                "--force",
            ],
        ];
        for args in commands {
            let stderr = assert_refused_before_running(&work, &args);
            assert!(stderr.contains("hint:"), "{args:?}: {stderr}");
            assert_eq!(tree(&work), before, "{args:?} changed nothing");
        }
    }
    assert_eq!(fs::read(work.join("notes.txt")).unwrap(), b"mine");
}

/// Makes `dir` look like a pioneer output directory holding `tag`.
fn fake_pioneer_dir(dir: &Path, tag: &str) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("a.txt"), tag).unwrap();
    fs::write(
        dir.join("manifest.json"),
        "{\"tool_version\":\"0\",\"seed\":1,\"replications\":1,\"rng\":\"x\",\"command_line\":[]}",
    )
    .unwrap();
}

#[test]
fn leftovers_of_a_killed_write_are_cleaned_or_put_back() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let partial = |leaf: &str| work.join(format!(".{leaf}.partial-{DEAD_PID}"));
    let old = |leaf: &str| work.join(format!(".{leaf}.old-{DEAD_PID}"));

    // Killed while building a new directory: the half-built one goes.
    fs::create_dir_all(partial("a").join("sub")).unwrap();
    fs::write(partial("a").join("sub/half.csv"), b"1,").unwrap();
    pioneer(work)
        .args(["run", "-n", "2", "-q", "--out", "a"])
        .assert()
        .success();
    assert!(
        hidden_entries(work).is_empty(),
        "{:?}",
        hidden_entries(work)
    );

    // Killed after the new directory went into place, before the old one was removed.
    fake_pioneer_dir(&work.join("b"), "new");
    fake_pioneer_dir(&old("b"), "old");
    pioneer(work)
        .args(["run", "-n", "2", "-q", "--out", "b", "--force"])
        .assert()
        .success();
    assert!(
        hidden_entries(work).is_empty(),
        "{:?}",
        hidden_entries(work)
    );

    // Killed between moving the old directory aside and putting the new one
    // in place: the old one is put back (and, without --force, kept).
    fake_pioneer_dir(&old("c"), "old");
    fake_pioneer_dir(&partial("c"), "new, maybe incomplete");
    pioneer(work)
        .args(["run", "-n", "2", "-q", "--out", "c"])
        .assert()
        .code(2);
    assert_eq!(fs::read(work.join("c/a.txt")).unwrap(), b"old");
    assert!(
        hidden_entries(work).is_empty(),
        "{:?}",
        hidden_entries(work)
    );

    // The default numbered directory: its leftovers beside it go too.
    let results = work.join("results");
    fs::create_dir_all(results.join(format!(".nwl_wsic_2013.partial-{DEAD_PID}"))).unwrap();
    pioneer(work)
        .args(["run", "-n", "2", "-q"])
        .assert()
        .success();
    assert!(hidden_entries(&results).is_empty());

    // A staging directory a running pioneer holds (locked) is left alone.
    let live = partial("d");
    fs::create_dir(&live).unwrap();
    let held = fs::File::open(&live).unwrap();
    held.lock().unwrap();
    pioneer(work)
        .args(["run", "-n", "2", "-q", "--out", "d"])
        .assert()
        .success();
    assert!(live.exists(), "a live process's staging directory is kept");
}

// ------------------------------------------------------------- 3. resume

fn sweep_cmd(cwd: &Path, out: &Path) -> Command {
    let mut c = pioneer(cwd);
    c.args([
        "sweep",
        &root("tests/fixtures/sweeps/grid.toml"),
        "-q",
        "--out",
    ])
    .arg(out);
    c
}

fn calibrate_cmd(cwd: &Path, out: &Path) -> Command {
    let mut c = pioneer(cwd);
    c.args(["calibrate", &root("scenarios/nwl_wsic_2013.toml")])
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
        ])
        .args([
            "--fit-replications",
            "20",
            "--seed",
            "3",
            "--generations",
            "1",
        ])
        .args(["-q", "--out"])
        .arg(out);
    c
}

/// `manifest.json` of `dir` as a finished job left it, edited to what an
/// unfinished one holds.
fn unfinished_manifest(dir: &Path, edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let mut m: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    m["complete"] = false.into();
    m.as_object_mut().unwrap().remove("files");
    edit(&mut m);
    serde_json::to_vec_pretty(&m).unwrap()
}

#[test]
fn a_sweep_killed_at_any_point_of_its_write_order_resumes_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let straight = work.join("straight");
    sweep_cmd(work, &straight).assert().success();
    let manifest = unfinished_manifest(&straight, |m| {
        m["runs_sha256"] = serde_json::Value::Null;
    });
    let copy = |from: &str, to: &Path| fs::copy(straight.join(from), to.join(from)).unwrap();
    // The header and the rows of runs before `end`, then a torn last line.
    let head = |file: &str, end: u64| -> Vec<u8> {
        let text = fs::read_to_string(straight.join(file)).unwrap();
        let mut out: String = text
            .lines()
            .enumerate()
            .filter(|(i, l)| *i == 0 || l.split(',').next().unwrap().parse::<u64>().unwrap() < end)
            .map(|(_, l)| format!("{l}\n"))
            .collect();
        out.push_str("17,2014-0");
        out.into_bytes()
    };
    // Each state a kill can leave, as (name, how to make it).
    type Make<'a> = Box<dyn Fn(&Path) + 'a>;
    let states: Vec<(&str, Make)> = vec![
        ("an empty directory", Box::new(|_: &Path| {})),
        (
            "no directory, its staging directory beside it",
            Box::new(|d: &Path| {
                fs::remove_dir(d).unwrap();
                let staging = d.with_file_name(format!(".state1.partial-{DEAD_PID}"));
                fs::create_dir(&staging).unwrap();
                fs::write(staging.join("manifest.json"), &manifest).unwrap();
            }),
        ),
        (
            "the manifest only",
            Box::new(|d: &Path| fs::write(d.join("manifest.json"), &manifest).unwrap()),
        ),
        (
            "half-written temporaries of the manifest and the design",
            Box::new(|d: &Path| {
                fs::write(d.join("manifest.json"), &manifest).unwrap();
                fs::write(
                    d.join(format!(".manifest.json.partial-{DEAD_PID}")),
                    b"{\"to",
                )
                .unwrap();
                fs::write(d.join(format!(".design.csv.partial-{DEAD_PID}")), b"point,").unwrap();
            }),
        ),
        (
            "runs and time series cut mid-line",
            Box::new(|d: &Path| {
                fs::write(d.join("manifest.json"), &manifest).unwrap();
                copy("design.csv", d);
                // Time series rows are written before the runs rows of their block.
                fs::write(d.join("runs.csv"), head("runs.csv", 4)).unwrap();
                fs::write(d.join("timeseries.csv"), head("timeseries.csv", 6)).unwrap();
            }),
        ),
        (
            "every run written, the manifest not yet complete",
            Box::new(|d: &Path| {
                fs::write(d.join("manifest.json"), &manifest).unwrap();
                for f in ["design.csv", "runs.csv", "timeseries.csv"] {
                    copy(f, d);
                }
            }),
        ),
        (
            "complete, the exports not yet written",
            Box::new(|d: &Path| {
                for f in ["manifest.json", "design.csv", "runs.csv", "timeseries.csv"] {
                    copy(f, d);
                }
            }),
        ),
    ];
    for (i, (what, make)) in states.iter().enumerate() {
        let dir = work.join(format!("state{i}"));
        fs::create_dir(&dir).unwrap();
        make(&dir);
        sweep_cmd(work, &dir)
            .assert()
            .append_context("state", what.to_string())
            .success();
        assert_same_outputs(&dir, &straight, what);
    }
    assert!(
        hidden_entries(work).is_empty(),
        "{:?}",
        hidden_entries(work)
    );
}

#[test]
fn a_calibration_killed_at_any_point_of_its_write_order_resumes_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let straight = work.join("straight");
    calibrate_cmd(work, &straight).assert().success();
    let fresh = unfinished_manifest(&straight, |m| m["generations_done"] = 0.into());
    let after_all = unfinished_manifest(&straight, |_| {});
    let copy = |from: &str, to: &Path| fs::copy(straight.join(from), to.join(from)).unwrap();
    type Make<'a> = Box<dyn Fn(&Path) + 'a>;
    let states: Vec<(&str, Make)> = vec![
        ("an empty directory", Box::new(|_: &Path| {})),
        (
            "no directory, its staging directory beside it",
            Box::new(|d: &Path| {
                fs::remove_dir(d).unwrap();
                let staging = d.with_file_name(format!(".state1.partial-{DEAD_PID}"));
                fs::create_dir(&staging).unwrap();
                fs::write(staging.join("manifest.json"), &fresh).unwrap();
            }),
        ),
        (
            "the manifest, no checkpoint",
            Box::new(|d: &Path| fs::write(d.join("manifest.json"), &fresh).unwrap()),
        ),
        (
            "a half-written checkpoint",
            Box::new(|d: &Path| {
                fs::write(d.join("manifest.json"), &fresh).unwrap();
                fs::write(
                    d.join(format!(".checkpoint.json.partial-{DEAD_PID}")),
                    b"{\"con",
                )
                .unwrap();
            }),
        ),
        (
            "the last checkpoint saved, generations.csv not yet",
            Box::new(|d: &Path| {
                fs::write(d.join("manifest.json"), &after_all).unwrap();
                copy("checkpoint.json", d);
            }),
        ),
        (
            "every generation done, the final outputs half written",
            Box::new(|d: &Path| {
                fs::write(d.join("manifest.json"), &after_all).unwrap();
                for f in ["checkpoint.json", "generations.csv", "posterior.csv"] {
                    copy(f, d);
                }
                fs::write(d.join(format!(".fit.csv.partial-{DEAD_PID}")), b"id,").unwrap();
            }),
        ),
    ];
    for (i, (what, make)) in states.iter().enumerate() {
        let dir = work.join(format!("state{i}"));
        fs::create_dir(&dir).unwrap();
        make(&dir);
        calibrate_cmd(work, &dir)
            .assert()
            .append_context("state", what.to_string())
            .success();
        assert_same_outputs(&dir, &straight, what);
    }
    assert!(
        hidden_entries(work).is_empty(),
        "{:?}",
        hidden_entries(work)
    );
}

/// A real kill: the sweep is killed with SIGKILL as soon as its directory
/// appears (polled, no sleep that races), then resumed.
#[test]
fn a_sweep_killed_as_soon_as_its_directory_appears_resumes() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let killed = work.join("killed");
    let straight = work.join("straight");
    let bin = assert_cmd::cargo::cargo_bin("pioneer");
    let mut child = StdCommand::new(bin)
        .current_dir(work)
        .args([
            "sweep",
            &root("tests/fixtures/sweeps/grid.toml"),
            "-q",
            "-j",
            "1",
            "--out",
        ])
        .arg(&killed)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while fs::symlink_metadata(&killed).is_err() {
        assert!(start.elapsed() < GUARD, "no directory appeared");
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::yield_now();
    }
    let _ = child.kill();
    child.wait().unwrap();
    // Whatever state the kill left, the directory holds the sweep.
    assert!(
        killed.join("manifest.json").exists(),
        "the directory appears with its manifest"
    );
    sweep_cmd(work, &killed).assert().success();
    sweep_cmd(work, &straight).assert().success();
    assert_same_outputs(&killed, &straight, "killed");
    assert!(
        hidden_entries(work).is_empty(),
        "{:?}",
        hidden_entries(work)
    );
}
