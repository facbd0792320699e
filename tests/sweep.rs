//! `pioneer sweep`, `merge` and `analyze` from the command line: every design,
//! deterministic streamed output, resume after a kill, shard-and-merge equal
//! to a single run, exports, and refusal of bad input.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::{csv_rows as rows, read_text as read};

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/sweeps/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn sweep(file: &str, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("pioneer")
        .unwrap()
        .args(["sweep", &fixture(file), "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .assert()
}

fn column(table: &[Vec<String>], name: &str) -> Vec<f64> {
    let j = table[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", table[0]));
    table[1..].iter().map(|r| r[j].parse().unwrap()).collect()
}

#[test]
fn a_grid_sweep_streams_every_run_in_order_with_its_parameters() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("grid");
    sweep("grid.toml", &out, &[]).success();
    let runs = rows(&out.join("runs.csv"));
    assert_eq!(
        runs[0][..6],
        [
            "run",
            "point",
            "replication",
            "seed",
            "consultancy_factor",
            "replanning.optimism"
        ]
    );
    // 3 × 3 points × 4 replications, numbered in order.
    assert_eq!(runs.len() - 1, 36);
    for (i, r) in runs[1..].iter().enumerate() {
        assert_eq!(r[0], i.to_string());
        assert_eq!(r[1], (i / 4).to_string());
        assert_eq!(r[2], (i % 4).to_string());
        assert_eq!(
            r[3], "5",
            "common random numbers: the sweep seed for every point"
        );
    }
    // Full factorial, last parameter fastest.
    let factor = column(&runs, "consultancy_factor");
    let optimism = column(&runs, "replanning.optimism");
    let cells: HashSet<(u64, u64)> = factor
        .iter()
        .zip(&optimism)
        .map(|(a, b)| (a.to_bits(), b.to_bits()))
        .collect();
    assert_eq!(cells.len(), 9);
    assert_eq!(
        &optimism[..12],
        &[0.1, 0.1, 0.1, 0.1, 0.4, 0.4, 0.4, 0.4, 0.7, 0.7, 0.7, 0.7]
    );
    // The relative parameter scales both contracts: consultancy spend grows with the factor.
    let spend = column(&runs, "spend_gbp:consultancy");
    let mean_at = |f: f64| {
        let v: Vec<f64> = factor
            .iter()
            .zip(&spend)
            .filter(|(x, _)| **x == f)
            .map(|(_, s)| *s)
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(mean_at(0.5) < mean_at(1.0) && mean_at(1.0) < mean_at(2.0));
    // Time series: one block of rows per run, in run order.
    let ts = rows(&out.join("timeseries.csv"));
    assert_eq!(
        ts[0],
        ["run", "date", "scope", "agent_kind", "metric", "value"]
    );
    let ts_runs: Vec<u64> = ts[1..].iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(ts_runs.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(*ts_runs.last().unwrap(), 35);
    // Exports for SALib and the EMA Workbench.
    assert_eq!(read(&out.join("salib/X.txt")).lines().count(), 9);
    let y = read(&out.join("salib/Y.txt"));
    assert!(y.starts_with("# programme_slip_weeks live_by:2015-04-01 spend_gbp:consultancy\n"));
    assert_eq!(y.lines().count(), 10);
    assert_eq!(
        read(&out.join("salib/params.txt")).lines().next().unwrap(),
        "consultancy_factor 0.5 2 NA unif"
    );
    // The EMA Workbench archive (its contents: tests/sweep_exports.rs);
    // the flat CSVs of earlier versions are gone.
    assert!(out.join("ema/results.tar.gz").exists());
    assert!(!out.join("ema/experiments.csv").exists());
    // A two-parameter grid gets a heatmap per output: one labelled row per
    // consultancy factor, one column per optimism value, a cell per point,
    // and a colour bar captioned with the output and its unit.
    for (output, unit) in [
        ("programme_slip_weeks", "weeks"),
        ("live_by_2015-04-01", "count"),
        ("spend_gbp_consultancy", "£"),
    ] {
        let heatmap = read(&out.join(format!("grid_heatmap_{output}.svg")));
        let texts = common::svg_texts(&heatmap);
        for label in [
            "0.5",
            "1",
            "2",
            "0.1",
            "0.4",
            "0.7",
            "consultancy_factor",
            "replanning.optimism",
        ] {
            assert!(
                texts.iter().any(|t| t == label),
                "{output}: heatmap label {label} in {texts:?}"
            );
        }
        assert!(
            texts.iter().any(|t| t.ends_with(&format!("({unit})"))),
            "{output}: colour bar caption in {texts:?}"
        );
        // Background, nine cells, the colour bar's 100 steps and its frame.
        assert_eq!(
            heatmap.matches("<rect").count(),
            1 + 9 + 100 + 1,
            "{output}"
        );
        assert!(out.join(format!("grid_heatmap_{output}.png")).exists());
    }
    // The cells are the per-point means of salib/Y.txt, each written in its cell.
    let first_cell: f64 = y
        .lines()
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let shown = pioneer_short(first_cell);
    assert!(
        common::svg_texts(&read(&out.join("grid_heatmap_programme_slip_weeks.svg")))
            .contains(&shown),
        "cell value {shown}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(manifest["complete"], true);
    assert_eq!(manifest["total_runs"], 36);
    assert_eq!(manifest["design"]["points"], 9);
    // The core fields every pioneer manifest has.
    assert_eq!(manifest["seed"], 5);
    assert_eq!(manifest["replications"], 4);
    assert_eq!(manifest["scenario_name"], "nwl_wsic_2013");
    assert!(manifest["tool_version"].is_string());
}

/// A value as the heatmap cells write it: 4 significant digits at most.
fn pioneer_short(v: f64) -> String {
    let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[test]
fn results_do_not_depend_on_threads_and_replicates_differ() {
    let tmp = tempfile::tempdir().unwrap();
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    sweep("random.toml", &one, &["-j", "1"]).success();
    sweep("random.toml", &two, &["-j", "2"]).success();
    for f in [
        "runs.csv",
        "design.csv",
        "salib/Y.txt",
        "ema/results.tar.gz",
        "report.html",
    ] {
        assert_eq!(
            std::fs::read(one.join(f)).unwrap(),
            std::fs::read(two.join(f)).unwrap(),
            "{f}"
        );
    }
    // Replicates of one point are different simulations (distinct streams):
    // across 16 points, not every pair of replicates can agree on all outputs.
    let runs = rows(&one.join("runs.csv"));
    let outputs_start = 4 + 3;
    let identical_pairs = runs[1..]
        .chunks(2)
        .filter(|pair| pair[0][outputs_start..] == pair[1][outputs_start..])
        .count();
    assert!(identical_pairs < 16, "every replicate pair was identical");
}

#[test]
fn every_design_has_its_size_and_stays_in_bounds() {
    let tmp = tempfile::tempdir().unwrap();
    // (file, points): random/LHS n; Sobol N·(k+2); Morris r·(k+1).
    for (file, points, k) in [
        ("random.toml", 16, 3),
        ("latin_hypercube.toml", 16, 3),
        ("sobol.toml", 32 * (2 + 2), 2),
        ("morris.toml", 6 * (3 + 1), 3),
    ] {
        let out = tmp.path().join(file);
        sweep(file, &out, &[]).success();
        let design = rows(&out.join("design.csv"));
        assert_eq!(design.len() - 1, points, "{file}");
        for r in &design[1..] {
            for u in &r[1 + k..] {
                let u: f64 = u.parse().unwrap();
                assert!((0.0..=1.0).contains(&u), "{file}: unit coordinate {u}");
            }
        }
        let runs = rows(&out.join("runs.csv"));
        assert_eq!(runs.len() - 1, points * 2, "{file}");
    }
    // Latin hypercube: each parameter has one point in each of the 16 strata.
    let lhs = rows(&tmp.path().join("latin_hypercube.toml").join("design.csv"));
    for j in 4..7 {
        let strata: HashSet<usize> = lhs[1..]
            .iter()
            .map(|r| (r[j].parse::<f64>().unwrap() * 16.0).floor().min(15.0) as usize)
            .collect();
        assert_eq!(strata.len(), 16, "column {}", lhs[0][j]);
    }
    // Integer parameters are rounded; log-scaled ones stay inside their bounds.
    let random = rows(&tmp.path().join("random.toml").join("design.csv"));
    for r in &random[1..] {
        let rank: f64 = r[3].parse().unwrap();
        assert_eq!(rank, rank.round());
        let lev: f64 = r[2].parse().unwrap();
        assert!((1.0..=4.0).contains(&lev));
    }
}

#[test]
fn analyze_reports_sobol_and_morris_indices() {
    let tmp = tempfile::tempdir().unwrap();
    let sobol = tmp.path().join("sobol");
    sweep("sobol.toml", &sobol, &[]).success();
    let out = Command::cargo_bin("pioneer")
        .unwrap()
        .args(["analyze", "--method", "sobol"])
        .arg(&sobol)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("replanning.optimism"), "{text}");
    let table = rows(&sobol.join("sensitivity_sobol.csv"));
    assert_eq!(
        table[0],
        ["output", "parameter", "s1", "s1_conf", "st", "st_conf"]
    );
    assert_eq!(table.len() - 1, 2 * 2);
    // A bar chart of the indices per output, labelled with the parameters.
    let bars = read(&sobol.join("sensitivity_sobol_programme_slip_weeks.svg"));
    for p in [
        "replanning.optimism",
        "effort.support_leverage",
        "first order S1",
        "total order ST",
    ] {
        assert!(bars.contains(&format!("\n{p}\n")), "bar chart label {p}");
    }
    assert!(sobol.join("sensitivity_sobol_replans.png").exists());
    // Morris on a Sobol design is refused with a hint.
    Command::cargo_bin("pioneer")
        .unwrap()
        .args(["analyze", "--method", "morris"])
        .arg(&sobol)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--method sobol"));

    let morris = tmp.path().join("morris");
    sweep("morris.toml", &morris, &[]).success();
    Command::cargo_bin("pioneer")
        .unwrap()
        .args([
            "analyze",
            "--method",
            "morris",
            "--output",
            "programme_slip_weeks",
        ])
        .arg(&morris)
        .assert()
        .success();
    let table = rows(&morris.join("sensitivity_morris.csv"));
    assert_eq!(
        table[0],
        [
            "output",
            "parameter",
            "mu",
            "mu_star",
            "sigma",
            "mu_star_conf"
        ]
    );
    assert_eq!(table.len() - 1, 3);
    for r in &table[1..] {
        let mu: f64 = r[2].parse().unwrap();
        let mu_star: f64 = r[3].parse().unwrap();
        assert!(mu_star >= mu.abs() - 1e-9, "μ* ≥ |μ| always: {r:?}");
    }
}

#[test]
fn a_killed_sweep_resumes_to_the_same_result() {
    let tmp = tempfile::tempdir().unwrap();
    let killed = tmp.path().join("killed");
    let straight = tmp.path().join("straight");
    let bin = assert_cmd::cargo::cargo_bin("pioneer");
    let mut child = std::process::Command::new(&bin)
        .args(["sweep", &fixture("long.toml"), "-q", "-j", "1", "--out"])
        .arg(&killed)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some blocks are on disk (2,000 runs in all).
    let runs = killed.join("runs.csv");
    let start = std::time::Instant::now();
    while !runs.exists() || read(&runs).lines().count() < 100 {
        assert!(start.elapsed().as_secs() < 120, "no runs written");
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the sweep ended before it could be interrupted: {status}");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let done = read(&runs).lines().count() - 1;
    assert!(
        done < 2000,
        "the sweep finished before it could be interrupted"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&killed.join("manifest.json"))).unwrap();
    assert_eq!(manifest["complete"], false);
    // Simulate a torn write as well: a partial last line.
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(&runs)
        .unwrap()
        .write_all(b"99999,3,1")
        .unwrap();

    let resumed = Command::cargo_bin("pioneer")
        .unwrap()
        .args(["sweep", &fixture("long.toml"), "-q", "-j", "2", "--out"])
        .arg(&killed)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .assert()
        .success();
    let text = String::from_utf8(resumed.get_output().stdout.clone()).unwrap();
    assert!(text.contains("Resumed:"), "{text}");
    sweep("long.toml", &straight, &[]).success();
    for f in [
        "runs.csv",
        "design.csv",
        "salib/Y.txt",
        "ema/results.tar.gz",
    ] {
        assert_eq!(
            std::fs::read(killed.join(f)).unwrap(),
            std::fs::read(straight.join(f)).unwrap(),
            "{f}"
        );
    }
    // Running a finished sweep again changes nothing.
    let before = read(&killed.join("runs.csv"));
    Command::cargo_bin("pioneer")
        .unwrap()
        .args(["sweep", &fixture("long.toml"), "-q", "--out"])
        .arg(&killed)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .assert()
        .success();
    assert_eq!(before, read(&killed.join("runs.csv")));
}

#[test]
fn shards_merge_into_exactly_the_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    sweep("grid.toml", &whole, &[]).success();
    let shards: Vec<PathBuf> = (0..3)
        .map(|i| tmp.path().join(format!("shard{i}")))
        .collect();
    for (i, dir) in shards.iter().enumerate() {
        sweep("grid.toml", dir, &["--shard", &format!("{i}/3")]).success();
    }
    // Slurm variables pick the shard when --shard is absent.
    let from_slurm = tmp.path().join("slurm1");
    Command::cargo_bin("pioneer")
        .unwrap()
        .args(["sweep", &fixture("grid.toml"), "-q", "--out"])
        .arg(&from_slurm)
        .env("SLURM_ARRAY_TASK_ID", "1")
        .env("SLURM_ARRAY_TASK_COUNT", "3")
        .assert()
        .success();
    assert_eq!(
        read(&from_slurm.join("runs.csv")),
        read(&shards[1].join("runs.csv"))
    );

    // A missing shard is named.
    Command::cargo_bin("pioneer")
        .unwrap()
        .arg("merge")
        .args([&shards[0], &shards[2]])
        .arg("--out")
        .arg(tmp.path().join("partial"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("missing shard(s) 1 of 3"));
    // A shard given twice is refused.
    Command::cargo_bin("pioneer")
        .unwrap()
        .arg("merge")
        .args([&shards[0], &shards[1], &from_slurm, &shards[2]])
        .arg("--out")
        .arg(tmp.path().join("twice"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("given twice"));
    assert!(!tmp.path().join("twice").exists());

    let merged = tmp.path().join("merged");
    Command::cargo_bin("pioneer")
        .unwrap()
        .arg("merge")
        .args([&shards[2], &shards[0], &shards[1]])
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    for f in [
        "runs.csv",
        "timeseries.csv",
        "design.csv",
        "salib/X.txt",
        "salib/Y.txt",
        "ema/results.tar.gz",
        "grid_heatmap_programme_slip_weeks.svg",
        "grid_heatmap_spend_gbp_consultancy.png",
        "report.html",
    ] {
        assert_eq!(
            std::fs::read(merged.join(f)).unwrap(),
            std::fs::read(whole.join(f)).unwrap(),
            "{f}"
        );
    }
    let a: serde_json::Value = serde_json::from_str(&read(&merged.join("manifest.json"))).unwrap();
    let b: serde_json::Value = serde_json::from_str(&read(&whole.join("manifest.json"))).unwrap();
    assert_eq!(a["runs_sha256"], b["runs_sha256"]);
    assert_eq!(a["identity"], b["identity"]);
}

/// Runs `pioneer sweep` on a sweep file anywhere.
fn sweep_file(file: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("pioneer")
        .unwrap()
        .arg("sweep")
        .arg(file)
        .args(["--quiet", "--out"])
        .arg(out)
        .args(extra)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .assert()
}

#[test]
fn names_with_commas_and_quotes_round_trip_through_runs_resume_and_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("quoted.toml");
    let name = "consultancy, \"factor\"";
    let text = read(Path::new(&fixture("grid.toml")))
        .replace("name = \"consultancy_factor\"", &format!("name = '{name}'"));
    assert!(text.contains(name));
    std::fs::write(&file, text).unwrap();
    let whole = tmp.path().join("whole");
    sweep_file(&file, &whole, &[]).success();
    let runs_text = read(&whole.join("runs.csv"));
    assert!(
        runs_text.starts_with(
            "run,point,replication,seed,\"consultancy, \"\"factor\"\"\",replanning.optimism,"
        ),
        "{}",
        runs_text.lines().next().unwrap()
    );
    let mut reader = csv::Reader::from_path(whole.join("runs.csv")).unwrap();
    assert_eq!(&reader.headers().unwrap()[4], name);
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 36);
    assert!(records.iter().all(|r| r.len() == 4 + 2 + 3));
    let mut design = csv::Reader::from_path(whole.join("design.csv")).unwrap();
    assert_eq!(&design.headers().unwrap()[1], name);
    assert_eq!(&design.headers().unwrap()[3], format!("unit:{name}"));

    // Interrupted after 10 runs, with a torn eleventh record: resumed, it
    // gives the same files.
    let resumed = tmp.path().join("resumed");
    std::fs::create_dir(&resumed).unwrap();
    for f in ["runs.csv", "timeseries.csv", "design.csv", "manifest.json"] {
        std::fs::copy(whole.join(f), resumed.join(f)).unwrap();
    }
    let mut manifest: serde_json::Value =
        serde_json::from_str(&read(&resumed.join("manifest.json"))).unwrap();
    manifest["complete"] = serde_json::Value::Bool(false);
    manifest["runs_sha256"] = serde_json::Value::Null;
    std::fs::write(
        resumed.join("manifest.json"),
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();
    let kept: String = runs_text
        .lines()
        .take(11)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(resumed.join("runs.csv"), format!("{kept}10,2,2,5,0.5")).unwrap();
    let again = sweep_file(&file, &resumed, &["-j", "2"]).success();
    let stdout = String::from_utf8(again.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains("Resumed: 10 runs were already done."),
        "{stdout}"
    );

    // Sharded and merged: the same files.
    let shards: Vec<PathBuf> = (0..2)
        .map(|i| tmp.path().join(format!("shard{i}")))
        .collect();
    for (i, dir) in shards.iter().enumerate() {
        sweep_file(&file, dir, &["--shard", &format!("{i}/2")]).success();
    }
    let merged = tmp.path().join("merged");
    Command::cargo_bin("pioneer")
        .unwrap()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    for dir in [&resumed, &merged] {
        for f in [
            "runs.csv",
            "timeseries.csv",
            "design.csv",
            "ema/results.tar.gz",
            "salib/Y.txt",
        ] {
            assert_eq!(
                std::fs::read(dir.join(f)).unwrap(),
                std::fs::read(whole.join(f)).unwrap(),
                "{f} in {}",
                dir.display()
            );
        }
    }
}

#[test]
fn bad_sweeps_and_directories_are_refused_with_exit_code_2() {
    let tmp = tempfile::tempdir().unwrap();
    sweep("bad.toml", &tmp.path().join("bad"), &[])
        .code(2)
        .stderr(predicates::str::contains("bad.toml:6:8: `design.kind`"))
        .stderr(predicates::str::contains("did you mean `sobol`?"));
    assert!(
        !tmp.path().join("bad").exists(),
        "nothing written for bad input"
    );
    // With the kind fixed, the other problems are all reported at once.
    let fixed = tmp.path().join("fixed.toml");
    std::fs::write(
        &fixed,
        read(Path::new(&fixture("bad.toml"))).replace("sobl", "sobol"),
    )
    .unwrap();
    Command::cargo_bin("pioneer")
        .unwrap()
        .args(["sweep", "-q"])
        .arg(&fixed)
        .arg("--out")
        .arg(tmp.path().join("fixed"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("`parameters[0].path`"))
        .stderr(predicates::str::contains("did you mean `optimism`?"))
        .stderr(predicates::str::contains("`record.outputs[0]`"))
        .stderr(predicates::str::contains(
            "did you mean `programme_slip_weeks`?",
        ));
    // A directory holding another sweep is not overwritten.
    let out = tmp.path().join("out");
    sweep("random.toml", &out, &[]).success();
    let before = read(&out.join("runs.csv"));
    sweep("latin_hypercube.toml", &out, &[])
        .code(2)
        .stderr(predicates::str::contains("holds a different sweep"));
    assert_eq!(before, read(&out.join("runs.csv")));
    // Nor with --force when pioneer did not write it.
    let mine = tmp.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "mine").unwrap();
    sweep("random.toml", &mine, &["--force"])
        .code(2)
        .stderr(predicates::str::contains("pioneer does not replace it"));
    assert_eq!(read(&mine.join("notes.txt")), "mine");
    // With --force, a directory holding another sweep is started afresh.
    sweep("latin_hypercube.toml", &out, &["--force"]).success();
    let m: serde_json::Value = serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(m["design"]["kind"], "latin_hypercube");
    sweep("random.toml", &out, &["--shard", "3/3"])
        .code(2)
        .stderr(predicates::str::contains("0 ≤ I < K"));
    // Analysing something that is not a finished, whole sweep is refused.
    Command::cargo_bin("pioneer")
        .unwrap()
        .args(["analyze", "--method", "sobol"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a sweep directory"));
}

#[test]
fn shipped_sweeps_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweeps");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "toml") {
            pioneer::sweep::Sweep::from_file(&path)
                .unwrap_or_else(|e| panic!("{}:\n{e}", path.display()));
            n += 1;
        }
    }
    assert!(n >= 3, "expected the three example sweeps, found {n}");
}
