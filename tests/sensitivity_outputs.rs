//! What `pioneer analyze` writes beyond first- and total-order indices:
//! second-order Sobol indices (checked against SALib), the settings record
//! beside every analysis and the refusal to overwrite an earlier one, and
//! the Morris charts (bars sorted by μ*, the μ*–σ scatter).

mod common;

use std::collections::BTreeMap;
use std::f64::consts::PI;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::{csv_rows as rows, read_text as read, svg_texts};
use pioneer::analysis::{design, sobol};
use rand::SeedableRng;

fn pioneer() -> Command {
    let mut c = Command::cargo_bin("pioneer").unwrap();
    c.env_remove("SLURM_ARRAY_TASK_ID");
    c
}

/// A PNG whose pixels are not nearly all white.
fn assert_drawn_png(p: &Path) {
    let bytes = std::fs::read(p).unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(&bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = &buf[..info.buffer_size()];
    let step = px.len() / (info.width * info.height) as usize;
    let coloured = px
        .chunks(step)
        .filter(|p| p[..3] != [255, 255, 255])
        .count();
    assert!(
        coloured * 50 > px.len() / step,
        "{}: only {coloured} non-white pixels",
        p.display()
    );
}

const S2_SWEEP: &str = r#"
[sweep]
name = "s2_test"
replications = 1
seed = 3

[design]
kind = "sobol"
samples = 32
second_order = true

[[parameters]]
path = "replanning.optimism"
min = 0.1
max = 0.7

[[parameters]]
path = "effort.support_leverage"
min = 1.0
max = 4.0

[[parameters]]
path = "engagement.deadline_loss"
min = 0.0
max = 0.1

[record]
outputs = ["programme_slip_weeks", "replans"]
"#;

const PARAMS: [&str; 3] = [
    "replanning.optimism",
    "effort.support_leverage",
    "engagement.deadline_loss",
];

/// A finished Sobol sweep with second order in `tmp/name`.
fn s2_sweep(tmp: &Path, name: &str) -> PathBuf {
    let file = tmp.join("s2.toml");
    std::fs::write(&file, S2_SWEEP).unwrap();
    let out = tmp.join(name);
    pioneer()
        .args(["sweep", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .assert()
        .success();
    out
}

/// The Morris fixture sweep run into `tmp/morris`.
fn morris_sweep(tmp: &Path) -> PathBuf {
    let out = tmp.join("morris");
    pioneer()
        .args(["sweep", "--quiet", "--out"])
        .arg(&out)
        .arg(format!(
            "{}/tests/fixtures/sweeps/morris.toml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .assert()
        .success();
    out
}

fn analyze(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    pioneer()
        .args(["analyze", "--method"])
        .args(extra)
        .arg(dir)
        .assert()
}

/// Every `sensitivity_*` file of a directory and its bytes.
fn sensitivity_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("sensitivity_")
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn second_order_indices_agree_with_salib_on_ishigami() {
    // Known answers from SALib 1.6.0 on the same data (its unscrambled
    // Saltelli sample is pioneer's design row for row; checked with
    // `np.abs(X - U).max() == 0` against a sweep's design.csv):
    //
    //   python3 -m venv /tmp/salib-venv && /tmp/salib-venv/bin/pip install SALib
    //   import numpy as np
    //   from SALib.sample import sobol as ss
    //   from SALib.analyze import sobol
    //   problem = {'num_vars': 3, 'names': ['x1', 'x2', 'x3'], 'bounds': [[0, 1]] * 3}
    //   X = ss.sample(problem, 64, calc_second_order=True, scramble=False)
    //   v = -np.pi + 2 * np.pi * X
    //   Y = np.sin(v[:, 0]) + 7 * np.sin(v[:, 1])**2 + 0.1 * v[:, 2]**4 * np.sin(v[:, 0])
    //   Si = sobol.analyze(problem, Y, calc_second_order=True, num_resamples=100, seed=1)
    //   [repr(Si['S2'][i, j]) for i, j in [(0, 1), (0, 2), (1, 2)]]
    //
    // N = 64 base samples is far from the analytic S13 = 0.2437, which is
    // the point: the same estimator on the same data, not a converged value.
    let salib_s2 = [
        ((0, 1), -0.1215793922206404),
        ((0, 2), 0.26569720745754827),
        ((1, 2), -0.12016878525999888),
    ];
    let x = design::saltelli(64, 3, true, 0).unwrap();
    let y: Vec<f64> = x
        .iter()
        .map(|u| {
            let v: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
            v[0].sin() + 7.0 * v[1].sin().powi(2) + 0.1 * v[2].powi(4) * v[0].sin()
        })
        .collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let ix = sobol::analyze(3, &y, true, 100, 0.95, &mut rng).unwrap();
    let s2 = ix.s2.expect("second order was sampled");
    for ((i, j), expected) in salib_s2 {
        // The point estimate is the same sums in the same order up to how
        // numpy and Rust evaluate sin (last-bit differences) and sum
        // (numpy's pairwise summation): about 1e-15 relative, so 1e-12 is
        // floating-point agreement, far below any statistical difference.
        assert!(
            (s2[i][j] - expected).abs() <= 1e-12,
            "S2[{i}][{j}] = {} vs SALib {expected}",
            s2[i][j]
        );
    }
    // The confidence half-widths are bootstrap estimates from different
    // random resamples (SALib: numpy's generator; pioneer: ChaCha8), so they
    // are not compared; SALib's are 0.26, 0.36 and 0.20 here.
}

#[test]
fn analyze_writes_second_order_indices_as_csv_table_and_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = s2_sweep(tmp.path(), "s2");
    let report = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(!report.contains("sensitivity_sobol.csv"), "no analysis yet");
    let out = analyze(&dir, &["sobol"]).success();
    // analyze refreshes the sweep's report, which now lists its tables.
    let report = std::fs::read_to_string(dir.join("report.html")).unwrap();
    for f in ["sensitivity_sobol.csv", "sensitivity_sobol_s2.csv"] {
        assert!(report.contains(f), "report.html does not list {f}");
    }
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("Second-order indices S2"), "{text}");
    assert!(
        text.contains("Written to sensitivity_sobol.csv, sensitivity_sobol_s2.csv in"),
        "{text}"
    );
    let csv = rows(&dir.join("sensitivity_sobol_s2.csv"));
    assert_eq!(
        csv[0],
        ["output", "parameter_i", "parameter_j", "S2", "S2_conf"]
    );
    // One row per pair i < j per output, in the sweep file's order.
    let pairs = [(0, 1), (0, 2), (1, 2)];
    assert_eq!(csv.len() - 1, 2 * pairs.len());
    // The indices of the exported per-point means (salib/Y.txt), computed
    // by the library: the CSV puts each pair's index in its own row.
    let y_txt = read(&dir.join("salib/Y.txt"));
    let y: Vec<Vec<f64>> = y_txt
        .lines()
        .skip(1)
        .map(|l| l.split(' ').map(|v| v.parse().unwrap()).collect())
        .collect();
    for (o, output) in ["programme_slip_weeks", "replans"].iter().enumerate() {
        let column: Vec<f64> = y.iter().map(|r| r[o]).collect();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
        let ix = sobol::analyze(3, &column, true, 10, 0.95, &mut rng).unwrap();
        let s2 = ix.s2.unwrap();
        for (p, &(i, j)) in pairs.iter().enumerate() {
            let row = &csv[1 + o * pairs.len() + p];
            assert_eq!(row[..3], [*output, PARAMS[i], PARAMS[j]]);
            let value: f64 = row[3].parse().unwrap();
            assert_eq!(value, s2[i][j], "{row:?}");
            let conf: f64 = row[4].parse().unwrap();
            assert!(conf.is_finite() && conf > 0.0, "{row:?}");
            // The table shows the same pair with its index to 3 decimals.
            let line = text
                .lines()
                .find(|l| l.starts_with(output) && l.contains(PARAMS[i]) && l.contains(PARAMS[j]))
                .unwrap_or_else(|| panic!("no table line for {output} {i} {j}"));
            assert!(line.contains(&format!("{value:.3} ±")), "{line}");
        }
        // A matrix chart per output: both parameter lists, the colour bar, drawn.
        let stem = format!("sensitivity_sobol_s2_{output}");
        let texts = svg_texts(&read(&dir.join(format!("{stem}.svg"))));
        for label in [PARAMS[0], PARAMS[1], PARAMS[2], "S2"] {
            assert!(texts.iter().any(|t| t == label), "{stem}: label {label}");
        }
        // Every pair's value is written in its cell.
        for &(i, j) in &pairs {
            assert!(
                texts.contains(&format!("{:.3}", s2[i][j])),
                "{stem}: cell {i},{j}"
            );
        }
        assert_drawn_png(&dir.join(format!("{stem}.png")));
    }
}

#[test]
fn a_design_without_second_order_writes_no_s2_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s1.toml");
    std::fs::write(&file, S2_SWEEP.replace("second_order = true\n", "")).unwrap();
    let dir = tmp.path().join("s1");
    pioneer()
        .args(["sweep", "--quiet", "--out"])
        .arg(&dir)
        .arg(&file)
        .assert()
        .success();
    let out = analyze(&dir, &["sobol"]).success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(!text.contains("Second-order"), "{text}");
    assert!(dir.join("sensitivity_sobol.csv").exists());
    assert!(!dir.join("sensitivity_sobol_s2.csv").exists());
    let record: serde_json::Value =
        serde_json::from_str(&read(&dir.join("sensitivity_sobol_settings.json"))).unwrap();
    assert_eq!(record["design"]["second_order"], false);
}

#[test]
fn a_second_analysis_is_refused_without_force_and_replaces_with_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = s2_sweep(tmp.path(), "s2");
    analyze(&dir, &["sobol"]).success();
    let first = sensitivity_files(&dir);
    assert!(first.contains_key("sensitivity_sobol_settings.json"));
    // The record holds the defaults it ran with and names every file.
    let record: serde_json::Value =
        serde_json::from_str(&read(&dir.join("sensitivity_sobol_settings.json"))).unwrap();
    assert_eq!(record["method"], "sobol");
    assert_eq!(record["bootstrap"], 100);
    assert_eq!(record["confidence_level"], 0.95);
    assert_eq!(record["seed"], 1);
    assert_eq!(
        record["outputs"],
        serde_json::json!(["programme_slip_weeks", "replans"])
    );
    let files: Vec<&str> = record["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let mut listed = files.clone();
    listed.sort();
    assert_eq!(listed, first.keys().map(String::as_str).collect::<Vec<_>>());

    // Again, with other settings: refused, nothing touched.
    analyze(&dir, &["sobol", "--seed", "9", "--output", "replans"])
        .code(2)
        .stderr(predicates::str::contains("already holds a sobol analysis"))
        .stderr(predicates::str::contains("--force"));
    assert_eq!(
        sensitivity_files(&dir),
        first,
        "the first analysis is untouched"
    );

    // With --force: replaced, and the record says how.
    analyze(
        &dir,
        &[
            "sobol",
            "--force",
            "--seed",
            "9",
            "--bootstrap",
            "50",
            "--confidence",
            "0.9",
            "--output",
            "replans",
        ],
    )
    .success();
    let record: serde_json::Value =
        serde_json::from_str(&read(&dir.join("sensitivity_sobol_settings.json"))).unwrap();
    assert_eq!(record["seed"], 9);
    assert_eq!(record["bootstrap"], 50);
    assert_eq!(record["confidence_level"], 0.9);
    assert_eq!(record["outputs"], serde_json::json!(["replans"]));
    assert_eq!(record["design"]["kind"], "sobol");
    assert_eq!(record["design"]["samples"], 32);
    assert_eq!(record["design"]["second_order"], true);
    assert_eq!(record["design"]["points"], 32 * 8);
    assert_eq!(record["tool_version"], env!("CARGO_PKG_VERSION"));
    // The build as the sweep's manifest (written by the same binary) names
    // it: the commit and whether the tree was dirty, both present.
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&dir.join("manifest.json"))).unwrap();
    for key in ["tool_git_commit", "tool_git_dirty"] {
        assert!(record.get(key).is_some(), "the record has {key}");
        assert_eq!(record[key], manifest[key], "{key}");
    }
    let second = sensitivity_files(&dir);
    // Only replans now; the earlier charts of the other output are gone,
    // so every file beside the record is the record's.
    let csv = rows(&dir.join("sensitivity_sobol.csv"));
    assert!(csv[1..].iter().all(|r| r[0] == "replans"), "{csv:?}");
    assert!(!second.contains_key("sensitivity_sobol_programme_slip_weeks.svg"));
    assert!(!second.contains_key("sensitivity_sobol_s2_programme_slip_weeks.png"));
    let listed: Vec<&str> = record["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), second.len());
    for f in listed {
        assert!(second.contains_key(f), "{f}");
    }
    // The replans rows are new: another seed and level give other half-widths.
    let old_csv = String::from_utf8(first["sensitivity_sobol.csv"].clone()).unwrap();
    let old_replans: Vec<&str> = old_csv
        .lines()
        .filter(|l| l.starts_with("replans"))
        .collect();
    let new_csv = read(&dir.join("sensitivity_sobol.csv"));
    let new_replans: Vec<&str> = new_csv.lines().skip(1).collect();
    assert_eq!(old_replans.len(), new_replans.len());
    assert_ne!(old_replans, new_replans);
}

#[test]
fn morris_bars_are_sorted_by_mu_star_and_a_scatter_shows_mu_star_and_sigma() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = morris_sweep(tmp.path());
    let out = analyze(&dir, &["morris"]).success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("per whole normalised range"), "{text}");
    let csv = rows(&dir.join("sensitivity_morris.csv"));
    let output = "programme_slip_weeks";
    let mut mine: Vec<(String, f64, f64)> = csv[1..]
        .iter()
        .filter(|r| r[0] == output)
        .map(|r| (r[1].clone(), r[3].parse().unwrap(), r[4].parse().unwrap()))
        .collect();
    assert_eq!(mine.len(), 3);
    mine.sort_by(|a, b| b.1.total_cmp(&a.1));
    assert!(mine[0].1 > mine[2].1, "the parameters differ: {mine:?}");
    // Bars: parameter labels top to bottom in decreasing μ*.
    let bars = svg_texts(&read(&dir.join(format!("sensitivity_morris_{output}.svg"))));
    let order: Vec<&String> = bars
        .iter()
        .filter(|t| mine.iter().any(|m| &m.0 == *t))
        .collect();
    assert_eq!(
        order,
        mine.iter().map(|m| &m.0).collect::<Vec<_>>(),
        "bars sorted by μ*"
    );
    // Scatter: every parameter labelled, both axes named with their unit.
    let stem = format!("sensitivity_morris_scatter_{output}");
    let scatter = read(&dir.join(format!("{stem}.svg")));
    let texts = svg_texts(&scatter);
    for (p, _, _) in &mine {
        assert_eq!(texts.iter().filter(|t| *t == p).count(), 1, "label {p}");
    }
    assert!(texts
        .iter()
        .any(|t| t.starts_with("μ* (mean |elementary effect|")));
    assert!(texts
        .iter()
        .any(|t| t.starts_with("σ of the elementary effects")));
    assert!(scatter.matches("<circle").count() >= 3);
    assert_drawn_png(&dir.join(format!("{stem}.png")));
    let record: serde_json::Value =
        serde_json::from_str(&read(&dir.join("sensitivity_morris_settings.json"))).unwrap();
    assert_eq!(record["method"], "morris");
    assert_eq!(record["design"]["levels"], 4);
}

/// The bars' legend names the confidence level the analysis used, and the
/// summary line names every table written.
#[test]
fn bars_name_the_confidence_level_used() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = morris_sweep(tmp.path());
    let out = analyze(&dir, &["morris", "--confidence", "0.9"]).success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("Written to sensitivity_morris.csv in"),
        "{text}"
    );
    let bars = svg_texts(&read(
        &dir.join("sensitivity_morris_programme_slip_weeks.svg"),
    ));
    assert!(bars.iter().any(|t| t == "90% interval"), "{bars:?}");
    assert!(!bars.iter().any(|t| t == "95% interval"), "{bars:?}");
}
