//! The exports of a finished sweep as their readers read them: the EMA
//! Workbench archive (`ema/results.tar.gz`) opened by
//! `ema_workbench.load_results`, and `salib/params.txt` read by SALib's
//! `read_param_file`, whose sampler must give the sweep's own values.
//!
//! The Python checks need `python3` with the packages on PATH; `.ci/run`
//! installs them (`python3 -m pip install ema_workbench==2.5.3 SALib==1.6.0`).
//! Without them the checks are skipped with a note written straight to the
//! terminal (libtest does not capture it), except under CI (`CI` set), where
//! a missing package is a failure. The archive's structure is checked in
//! Rust, always.

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::read_text as read;

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/sweeps/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn sweep(file: &str, out: &Path) {
    assert_cmd::Command::cargo_bin("pioneer")
        .unwrap()
        .args(["sweep", &fixture(file), "--quiet", "--out"])
        .arg(out)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .assert()
        .success();
}

/// `runs.csv` as records (header first), read with a real CSV reader.
fn runs(dir: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(dir.join("runs.csv"))
        .unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The members of a gzip-compressed ustar archive, in order, each
/// header's checksum and magic checked.
fn untar(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut bytes = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut bytes)
        .unwrap();
    assert_eq!(bytes.len() % 512, 0, "whole 512-byte blocks");
    let mut members = Vec::new();
    let mut at = 0;
    while at + 512 <= bytes.len() {
        let h = &bytes[at..at + 512];
        if h.iter().all(|&b| b == 0) {
            // The end: two zero blocks, nothing after them.
            assert!(bytes[at..].iter().all(|&b| b == 0));
            assert!(bytes.len() - at >= 1024, "two closing zero blocks");
            break;
        }
        let field = |a: usize, b: usize| {
            String::from_utf8(h[a..b].to_vec())
                .unwrap()
                .trim_end_matches(['\0', ' '])
                .to_string()
        };
        assert_eq!(&h[257..263], b"ustar\0", "ustar magic");
        assert_eq!(h[156], b'0', "a regular file");
        let mut blank = h.to_vec();
        blank[148..156].fill(b' ');
        let sum: u32 = blank.iter().map(|&b| b as u32).sum();
        assert_eq!(u32::from_str_radix(&field(148, 154), 8).unwrap(), sum);
        let name = field(0, 100);
        let size = usize::from_str_radix(&field(124, 136), 8).unwrap();
        members.push((name, bytes[at + 512..at + 512 + size].to_vec()));
        at += 512 + size.div_ceil(512) * 512;
    }
    members
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

/// The archive in Rust: EMA's members in EMA's order, the experiments are
/// the parameters plus scenario/policy/model (no bookkeeping), each output
/// file holds its column of runs.csv, the bookkeeping member holds the rest.
#[test]
fn a_resumed_sweep_keeps_no_file_of_the_older_ema_layout() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("random");
    sweep("random.toml", &out);
    let archive = std::fs::read(out.join("ema/results.tar.gz")).unwrap();
    // As an older pioneer left them, beside the archive.
    for old in ["experiments.csv", "outcomes.csv"] {
        std::fs::write(out.join("ema").join(old), "stale\n").unwrap();
    }
    sweep("random.toml", &out);
    let mut left: Vec<String> = std::fs::read_dir(out.join("ema"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["results.tar.gz"]);
    assert_eq!(
        std::fs::read(out.join("ema/results.tar.gz")).unwrap(),
        archive,
        "the archive is the same"
    );
}

#[test]
fn the_ema_archive_holds_experiments_outcomes_metadata_and_bookkeeping() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("random");
    sweep("random.toml", &out);
    let runs = runs(&out);
    let header = &runs[0];
    let k = 3;
    let outputs: Vec<&String> = header[4 + k..].iter().collect();
    let members = untar(&out.join("ema/results.tar.gz"));
    let names: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names[0], "experiments.csv");
    assert_eq!(
        names[names.len() - 2..],
        ["metadata.json", "pioneer_runs.csv"]
    );
    assert_eq!(names.len(), 1 + outputs.len() + 2);
    let meta: serde_json::Value = serde_json::from_slice(&members[names.len() - 2].1).unwrap();
    assert_eq!(meta["version"], 0.1);
    // Every output under its id, in a file of its own.
    let outcomes = meta["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), outputs.len());
    let member = |n: &str| {
        &members
            .iter()
            .find(|(m, _)| m == n)
            .unwrap_or_else(|| panic!("no member {n}"))
            .1
    };
    for (j, (o, id)) in outcomes.iter().zip(&outputs).enumerate() {
        assert_eq!(o[0], "ScalarOutcome");
        assert_eq!(o[1], id.as_str());
        let file = o[2].as_str().unwrap();
        assert!(file.ends_with(".cls") && !file.contains(':'), "{file}");
        let column: Vec<String> = text(member(file)).lines().map(str::to_string).collect();
        let expected: Vec<String> = runs[1..].iter().map(|r| r[4 + k + j].clone()).collect();
        assert_eq!(column, expected, "{id}");
    }
    // The experiments: exactly the parameters, then EMA's three columns.
    let mut experiments = csv::Reader::from_reader(&member("experiments.csv")[..]);
    let cols: Vec<String> = experiments
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let mut expected_cols: Vec<String> = header[4..4 + k].to_vec();
    expected_cols.extend(["scenario", "policy", "model"].map(String::from));
    assert_eq!(cols, expected_cols);
    for bookkeeping in ["run", "point", "replication", "seed"] {
        assert!(!cols.iter().any(|c| c == bookkeeping), "{bookkeeping}");
    }
    let rows: Vec<csv::StringRecord> = experiments.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), runs.len() - 1, "one experiment per run");
    for (row, run) in rows.iter().zip(&runs[1..]) {
        assert_eq!(row.iter().take(k).collect::<Vec<_>>(), run[4..4 + k]);
        assert_eq!(&row[k], run[1].as_str(), "scenario is the design point");
        assert_eq!(&row[k + 1], "None");
        assert_eq!(&row[k + 2], "pioneer");
    }
    // Types: the rounded integer key is int64, the others float64.
    let types = &meta["experiments"];
    assert_eq!(types["replanning.optimism"], "float64");
    assert_eq!(types["effort.support_leverage"], "float64");
    assert_eq!(types["replanning.reference_rank"], "int64");
    for c in ["scenario", "policy", "model"] {
        assert_eq!(types[c], "category");
    }
    assert_eq!(types.as_object().unwrap().len(), k + 3);
    // The bookkeeping, row-aligned.
    let book: Vec<String> = text(member("pioneer_runs.csv"))
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(book[0], "run,point,replication,seed");
    for (line, run) in book[1..].iter().zip(&runs[1..]) {
        assert_eq!(*line, run[..4].join(","));
    }
    assert_eq!(book.len(), runs.len());
    // No staging files are left beside it.
    let left: Vec<String> = std::fs::read_dir(out.join("ema"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["results.tar.gz"]);
}

/// A Python interpreter with `module`, or None after a note on the terminal
/// (a failure under CI).
fn python_with(module: &str, pip: &str) -> Option<PathBuf> {
    let python = PathBuf::from("python3");
    let ok = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(python);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must have the Python package `{module}`: {pip}"
    );
    let _ = std::io::stderr().write_all(
        format!("\nnote: python3 cannot import {module}; skipping its check ({pip})\n").as_bytes(),
    );
    None
}

fn python(py: &Path, script: &str, args: &[&Path]) -> serde_json::Value {
    let out = Command::new(py)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

const EMA_PIP: &str = "python3 -m pip install ema_workbench==2.5.3";
const SALIB_PIP: &str = "python3 -m pip install SALib==1.6.0";

/// `ema_workbench.load_results` opens the archive: the experiments are the
/// swept parameters with their types plus scenario/policy/model, every
/// output comes back under its id, and every value equals runs.csv's.
#[test]
fn ema_workbench_loads_the_archive_with_the_values_of_runs_csv() {
    let Some(py) = python_with("ema_workbench", EMA_PIP) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("random");
    sweep("random.toml", &out);
    let script = r#"
import json, sys, warnings
warnings.simplefilter("ignore")
from ema_workbench import load_results
experiments, outcomes = load_results(sys.argv[1])
print(json.dumps({
    "shape": list(experiments.shape),
    "columns": list(experiments.columns),
    "dtypes": {c: str(t) for c, t in experiments.dtypes.items()},
    "values": {c: [None if v != v else (v if isinstance(v, str) else float(v)) for v in experiments[c].tolist()] for c in experiments.columns},
    "outcomes": {k: [float(x) for x in v] for k, v in outcomes.items()},
    "outcome_shapes": {k: list(v.shape) for k, v in outcomes.items()},
}))
"#;
    let got = python(&py, script, &[&out.join("ema/results.tar.gz")]);
    let runs = runs(&out);
    let header = &runs[0];
    let k = 3;
    let n = runs.len() - 1;
    assert_eq!(got["shape"], serde_json::json!([n, k + 3]));
    let mut cols: Vec<String> = header[4..4 + k].to_vec();
    cols.extend(["scenario", "policy", "model"].map(String::from));
    assert_eq!(got["columns"], serde_json::json!(cols));
    assert_eq!(got["dtypes"]["replanning.reference_rank"], "int64");
    assert_eq!(got["dtypes"]["replanning.optimism"], "float64");
    assert_eq!(got["dtypes"]["scenario"], "category");
    let value = |c: &str, i: usize| got["values"][c][i].as_f64().unwrap();
    for (i, run) in runs[1..].iter().enumerate() {
        for (j, name) in header[4..4 + k].iter().enumerate() {
            let want: f64 = run[4 + j].parse().unwrap();
            assert_eq!(value(name, i), want, "{name} row {i}");
        }
        assert_eq!(value("scenario", i), run[1].parse::<f64>().unwrap());
    }
    let outcomes = got["outcomes"].as_object().unwrap();
    assert_eq!(outcomes.len(), header.len() - 4 - k);
    for (j, id) in header[4 + k..].iter().enumerate() {
        assert_eq!(got["outcome_shapes"][id], serde_json::json!([n]), "{id}");
        let values = outcomes[id].as_array().unwrap();
        for (v, run) in values.iter().zip(&runs[1..]) {
            let want: f64 = run[4 + k + j].parse().unwrap();
            assert_eq!(v.as_f64().unwrap(), want, "{id}");
        }
    }
}

/// SALib reads `salib/params.txt` (names, bounds, `logunif` for the log
/// parameter) and its own scaling of the design's unit coordinates gives
/// the design's values: SALib's sampler draws each parameter as the sweep did.
#[test]
fn salib_reads_the_parameter_file_and_reproduces_the_design() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("lhs");
    sweep("latin_hypercube.toml", &out);
    assert_eq!(
        read(&out.join("salib/params.txt")),
        "replanning.optimism 0.1 0.7 NA unif\n\
         effort.support_leverage 1 4 NA logunif\n\
         replanning.reference_rank 1 5 NA unif\n"
    );
    let Some(py) = python_with("SALib", SALIB_PIP) else {
        return;
    };
    let script = r#"
import json, sys
import numpy as np
from SALib.util import read_param_file, scale_samples
problem = read_param_file(sys.argv[1])
design = np.genfromtxt(sys.argv[2], delimiter=",", skip_header=1)
k = problem["num_vars"]
unit = design[:, 1 + k:]
print(json.dumps({
    "names": problem["names"],
    "bounds": problem["bounds"],
    "dists": problem["dists"],
    "groups": problem["groups"],
    "scaled": scale_samples(unit.copy(), problem).tolist(),
    "values": design[:, 1:1 + k].tolist(),
}))
"#;
    let got = python(
        &py,
        script,
        &[&out.join("salib/params.txt"), &out.join("design.csv")],
    );
    assert_eq!(
        got["names"],
        serde_json::json!([
            "replanning.optimism",
            "effort.support_leverage",
            "replanning.reference_rank"
        ])
    );
    assert_eq!(
        got["bounds"],
        serde_json::json!([[0.1, 0.7], [1.0, 4.0], [1.0, 5.0]])
    );
    assert_eq!(got["dists"], serde_json::json!(["unif", "logunif", "unif"]));
    assert_eq!(got["groups"], serde_json::Value::Null);
    let scaled = got["scaled"].as_array().unwrap();
    let values = got["values"].as_array().unwrap();
    assert_eq!(scaled.len(), 16);
    for (s, v) in scaled.iter().zip(values) {
        for j in 0..3 {
            let (s, v) = (s[j].as_f64().unwrap(), v[j].as_f64().unwrap());
            // The integer key is rounded by pioneer, not by SALib; the others
            // agree to floating-point rounding (exp/ln in scipy vs Rust, and
            // design.csv's shortest round-trip decimals).
            let s = if j == 2 { s.round() } else { s };
            assert!((s - v).abs() <= 1e-12 * v.abs().max(1.0), "{j}: {s} vs {v}");
        }
    }
}

/// Names with spaces and quotes are quoted so SALib's sniffer reads them whole.
#[test]
fn salib_reads_quoted_parameter_names() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("quoted.toml");
    let name = "consultancy, \"factor\"";
    std::fs::write(
        &file,
        read(Path::new(&fixture("grid.toml")))
            .replace("name = \"consultancy_factor\"", &format!("name = '{name}'"))
            .replace("timeseries = true", "timeseries = false"),
    )
    .unwrap();
    let out = tmp.path().join("quoted");
    assert_cmd::Command::cargo_bin("pioneer")
        .unwrap()
        .arg("sweep")
        .arg(&file)
        .args(["--quiet", "--out"])
        .arg(&out)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .assert()
        .success();
    let params = read(&out.join("salib/params.txt"));
    assert_eq!(
        params.lines().next().unwrap(),
        "\"consultancy, \"\"factor\"\"\" 0.5 2 NA unif"
    );
    let Some(py) = python_with("SALib", SALIB_PIP) else {
        return;
    };
    let got = python(
        &py,
        "import json, sys\nfrom SALib.util import read_param_file\np = read_param_file(sys.argv[1])\nprint(json.dumps([p['names'], p['bounds']]))",
        &[&out.join("salib/params.txt")],
    );
    assert_eq!(
        got,
        serde_json::json!([[name, "replanning.optimism"], [[0.5, 2.0], [0.1, 0.7]]])
    );
}

/// `report.html` names every parameter (with its scale) and output (with
/// its unit), embeds one chart per output, links the exports, refers to
/// nothing outside itself, and lists an analysis once one has run.
#[test]
fn the_sweep_report_shows_the_spec_charts_files_and_analyses() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sobol");
    sweep("sobol.toml", &out);
    let page = out.join("report.html");
    let html = read(&page);
    for p in ["replanning.optimism", "effort.support_leverage"] {
        assert!(html.contains(&format!("<code>{p}</code>")), "parameter {p}");
    }
    for (o, unit) in [("programme_slip_weeks", "weeks"), ("replans", "count")] {
        assert!(
            html.contains(&format!("<code>{o}</code>"))
                && html.contains(&format!("<td>{unit}</td>")),
            "output {o}"
        );
        assert!(
            html.contains(&format!("id=\"sweep_scatter_{o}\"")),
            "chart of {o}"
        );
    }
    assert_eq!(
        html.matches("<svg").count(),
        2,
        "one chart per output, inline"
    );
    for f in [
        "runs.csv",
        "design.csv",
        "salib/params.txt",
        "ema/results.tar.gz",
    ] {
        assert!(html.contains(&format!("href=\"{f}\"")), "link to {f}");
    }
    for needle in [
        "src=\"http",
        "href=\"http",
        "<script src",
        "<link ",
        "@import",
    ] {
        assert!(!html.contains(needle), "refers outside itself: {needle}");
    }
    assert!(!html.contains("Sensitivity analyses"));
    assert_cmd::Command::cargo_bin("pioneer")
        .unwrap()
        .args(["analyze", "--method", "sobol"])
        .arg(&out)
        .assert()
        .success();
    let m = pioneer::sweep::runner::read_manifest(&out)
        .unwrap()
        .unwrap();
    pioneer::sweep::report::write_sweep_report(&out, &m).unwrap();
    let html = read(&page);
    assert!(html.contains("Sensitivity analyses"));
    assert!(html.contains("href=\"sensitivity_sobol.csv\""));
    assert!(html.contains("href=\"sensitivity_sobol_settings.json\""));
}
