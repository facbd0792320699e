//! `pioneer analyze --method prcc|src|pawn`: sensitivity measures for any
//! design. Checked against reference values computed offline from the same
//! exported data (SALib 1.6.0 for PAWN; NumPy/SciPy for SRC and PRCC, which
//! SALib does not have) by `scripts/salib_reference.py`, pinned in
//! `tests/fixtures/salib/reference.json`; against analytic answers on a
//! grid; and for the settings record and the refusal to overwrite.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::{csv_rows as rows, read_text as read, svg_texts};
use pioneer::analysis::{pawn, regression};
use serde_json::Value;

fn pioneer() -> Command {
    let mut c = Command::cargo_bin("pioneer").unwrap();
    c.env_remove("SLURM_ARRAY_TASK_ID");
    c
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs the sweep file `file` into `tmp/name`.
fn sweep(tmp: &Path, file: &Path, name: &str) -> PathBuf {
    let out = tmp.join(name);
    pioneer()
        .args(["sweep", "--quiet", "--out"])
        .arg(&out)
        .arg(file)
        .assert()
        .success();
    out
}

fn analyze(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    pioneer().arg("analyze").args(args).arg(dir).assert()
}

/// A whitespace-separated numeric matrix (`#` lines skipped), as
/// `numpy.loadtxt` reads `salib/X.txt` and `salib/Y.txt`.
fn load_txt(p: &Path) -> Vec<Vec<f64>> {
    read(p)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_whitespace().map(|v| v.parse().unwrap()).collect())
        .collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

/// `|a − b| ≤ tol`, or both NaN (JSON null).
fn close(a: f64, b: f64, tol: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= tol
}

/// The LHS fixture sweep, its exported data checked against the data the
/// reference values were computed from.
fn reference_sweep(tmp: &Path) -> (PathBuf, Value) {
    let dir = sweep(tmp, &fixture("salib/lhs.toml"), "lhs");
    let reference: Value = serde_json::from_str(&read(&fixture("salib/reference.json"))).unwrap();
    for f in ["X", "Y"] {
        let bytes = std::fs::read(dir.join(format!("salib/{f}.txt"))).unwrap();
        assert_eq!(
            pioneer::util::hash::sha256_hex(&bytes),
            reference[format!("{f}_sha256")].as_str().unwrap(),
            "salib/{f}.txt of tests/fixtures/salib/lhs.toml is not the data the \
             reference values were computed from: the sweep's outputs changed. \
             Rerun scripts/salib_reference.py (command in its docstring) to \
             regenerate tests/fixtures/salib/reference.json, and review the change"
        );
    }
    (dir, reference)
}

#[test]
fn src_prcc_and_pawn_agree_with_salib_numpy_and_scipy_on_the_exported_data() {
    // Reference: scripts/salib_reference.py on the sweep's salib/X.txt and
    // Y.txt (SALib 1.6.0 pawn.analyze with S = 10; numpy.linalg.lstsq and
    // scipy.stats.rankdata for SRC and PRCC; scipy.stats.t for p).
    let tmp = tempfile::tempdir().unwrap();
    let (dir, reference) = reference_sweep(tmp.path());
    let x = load_txt(&dir.join("salib/X.txt"));
    let y = load_txt(&dir.join("salib/Y.txt"));
    let k = x[0].len();
    let names: Vec<String> = read(&dir.join("salib/Y.txt")).lines().next().unwrap()[2..]
        .split(' ')
        .map(str::to_string)
        .collect();
    let slices = reference["slices"].as_u64().unwrap() as usize;
    let mut checked = 0;
    for (j, name) in names.iter().enumerate() {
        let r = &reference["outputs"][name];
        let yj: Vec<f64> = y.iter().map(|row| row[j]).collect();
        let cols: Vec<Vec<f64>> = (0..k).map(|i| x.iter().map(|r| r[i]).collect()).collect();
        if r.get("src").is_some() {
            // Least squares by QR here, by SVD (LAPACK gelsd) in NumPy, on
            // 80 well-conditioned points: the two agree to about 1e-14;
            // 1e-10 is floating-point agreement.
            let fit = regression::src_of(&cols, &yj).unwrap();
            for (i, want) in floats(&r["src"]).into_iter().enumerate() {
                assert!(
                    close(fit.src[i], want, 1e-10),
                    "{name} SRC[{i}] {} vs {want}",
                    fit.src[i]
                );
            }
            let r2 = r["r2"].as_f64().unwrap();
            assert!(close(fit.r2, r2, 1e-10), "{name} R² {} vs {r2}", fit.r2);
            let prcc = regression::prcc_of(&cols, &yj).unwrap();
            for (i, (want, p)) in floats(&r["prcc"])
                .into_iter()
                .zip(floats(&r["prcc_p"]))
                .enumerate()
            {
                assert!(
                    close(prcc[i], want, 1e-10),
                    "{name} PRCC[{i}] {} vs {want}",
                    prcc[i]
                );
                // p-values span 1e-45 to 1: compared relatively. The
                // incomplete beta function here and SciPy's (Boost) agree to
                // about 1e-13 relative; 1e-9 leaves room for the PRCC's own
                // last-digit differences, amplified by the t transform.
                let got = regression::partial_correlation_p(prcc[i], yj.len(), k - 1);
                assert!(
                    (got - p).abs() <= 1e-9 * p,
                    "{name} PRCC p[{i}] {got} vs {p}"
                );
            }
            checked += 1;
        }
        // PAWN statistics are ratios of counts (exact) and their mean,
        // median, sd: NumPy's pairwise summation differs in the last bit.
        let got = pawn::pawn(&x, &yj, k, slices);
        for stat in ["minimum", "mean", "median", "maximum", "CV", "stdev"] {
            for (i, want) in floats(&r["pawn"][stat]).into_iter().enumerate() {
                let g = &got[i];
                let v = match stat {
                    "minimum" => g.minimum,
                    "mean" => g.mean,
                    "median" => g.median,
                    "maximum" => g.maximum,
                    "CV" => g.cv,
                    _ => g.stdev,
                };
                assert!(
                    close(v, want, 1e-12),
                    "{name} PAWN {stat}[{i}] {v} vs {want}"
                );
            }
        }
    }
    assert!(
        checked >= 3,
        "only {checked} outputs had regressions to check"
    );

    // The command computes the same numbers from design.csv and runs.csv
    // (the exports are shortest round-trip decimals of the same doubles).
    for method in ["src", "prcc", "pawn"] {
        analyze(&dir, &["--method", method, "--bootstrap", "20"]).success();
    }
    let by_row = |file: &str, col: &str, reference_of: &dyn Fn(&Value, usize) -> f64| {
        let table = rows(&dir.join(file));
        let c = table[0].iter().position(|h| h == col).unwrap();
        let names = reference["parameters"].as_array().unwrap();
        for row in &table[1..] {
            let i = names.iter().position(|n| n == &row[1]).unwrap();
            let want = reference_of(&reference["outputs"][&row[0]], i);
            let got: f64 = row[c].parse().unwrap_or(f64::NAN);
            assert!(
                close(got, want, 1e-10),
                "{file} {} {} {col}: {got} vs {want}",
                row[0],
                row[1]
            );
        }
    };
    let at = |key: &'static str| {
        move |o: &Value, i: usize| o[key].get(i).and_then(Value::as_f64).unwrap_or(f64::NAN)
    };
    by_row("sensitivity_src.csv", "SRC", &at("src"));
    by_row("sensitivity_src.csv", "R2", &|o: &Value, _| {
        o["r2"].as_f64().unwrap_or(f64::NAN)
    });
    by_row("sensitivity_prcc.csv", "PRCC", &at("prcc"));
    by_row("sensitivity_pawn.csv", "median", &|o: &Value, i| {
        o["pawn"]["median"][i].as_f64().unwrap_or(f64::NAN)
    });
    by_row("sensitivity_pawn.csv", "maximum", &|o: &Value, i| {
        o["pawn"]["maximum"][i].as_f64().unwrap_or(f64::NAN)
    });
}

#[test]
fn on_a_grid_prcc_and_pawn_give_the_analytic_answers_and_charts_sort_by_size() {
    // tests/fixtures/sweeps/grid.toml: consultancy factor 0.5, 1, 2 ×
    // optimism 0.1, 0.4, 0.7. Consultancy spend depends on the factor only
    // and rises with it (£3.95m, £7.9m, capped £9.2m), so rank(spend) is
    // rank(factor) tie for tie: PRCC = 1 exactly (up to rounding). PAWN of
    // optimism: each non-empty slice holds one point per factor level, the
    // same distribution as all points: KS 0. PAWN of the factor: the
    // non-empty slices hold one level each, the lowest (its CDF jumps to 1
    // where the overall CDF is 1/3: KS 2/3) and the middle (CDF 0 where the
    // overall is 1/3, 1 where it is 2/3: KS 1/3); the top level is at the
    // maximum, in no slice (SALib's rule). Median (2/3 + 1/3)/2 = 0.5.
    let tmp = tempfile::tempdir().unwrap();
    let dir = sweep(tmp.path(), &fixture("sweeps/grid.toml"), "grid");
    let spend = "spend_gbp:consultancy";
    analyze(&dir, &["--method", "prcc", "--output", spend]).success();
    let out = analyze(&dir, &["--method", "pawn", "--output", spend]).success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("PAWN indices (grid design, 9 points, per-point means, 10 slices"),
        "{text}"
    );
    assert!(
        text.contains("Written to sensitivity_pawn.csv in"),
        "{text}"
    );
    let prcc = rows(&dir.join("sensitivity_prcc.csv"));
    assert_eq!(
        prcc[0],
        ["output", "parameter", "PRCC", "PRCC_conf", "p_value"]
    );
    let value = |t: &[Vec<String>], p: &str, c: usize| -> f64 {
        t.iter().find(|r| r[1] == p).unwrap()[c].parse().unwrap()
    };
    assert!(
        (value(&prcc, "consultancy_factor", 2) - 1.0).abs() < 1e-12,
        "{prcc:?}"
    );
    let pawn = rows(&dir.join("sensitivity_pawn.csv"));
    assert_eq!(
        pawn[0],
        [
            "output",
            "parameter",
            "minimum",
            "mean",
            "median",
            "median_conf",
            "maximum",
            "CV",
            "stdev"
        ]
    );
    assert!(
        (value(&pawn, "consultancy_factor", 4) - 0.5).abs() < 1e-12,
        "{pawn:?}"
    );
    assert!(
        (value(&pawn, "consultancy_factor", 6) - 2.0 / 3.0).abs() < 1e-12,
        "{pawn:?}"
    );
    assert_eq!(value(&pawn, "replanning.optimism", 4), 0.0, "{pawn:?}");
    // The bars: largest first, so the factor's label is drawn above optimism's.
    let svg = read(&dir.join("sensitivity_pawn_spend_gbp_consultancy.svg"));
    let texts = svg_texts(&svg);
    let pos = |s: &str| {
        texts
            .iter()
            .position(|t| t == s)
            .unwrap_or_else(|| panic!("{s} not in {texts:?}"))
    };
    assert!(
        pos("consultancy_factor") < pos("replanning.optimism"),
        "{texts:?}"
    );
    // PRCC bars carry the sign after the name.
    let svg = read(&dir.join("sensitivity_prcc_spend_gbp_consultancy.svg"));
    assert!(
        svg_texts(&svg)
            .iter()
            .any(|t| t == "consultancy_factor (+)"),
        "{svg}"
    );
}

#[test]
fn src_warns_when_the_linear_model_explains_little() {
    // On the grid, live_by:2015-04-01 takes few values and a consultancy
    // effect that is not linear (more spend, no more pilots past the cap):
    // whatever R² is, the table must say so when it is below 0.7, and the
    // CSV carries R² on every row of the output.
    let tmp = tempfile::tempdir().unwrap();
    let dir = sweep(tmp.path(), &fixture("sweeps/grid.toml"), "grid");
    let out = analyze(&dir, &["--method", "src"]).success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let table = rows(&dir.join("sensitivity_src.csv"));
    assert_eq!(table[0], ["output", "parameter", "SRC", "SRC_conf", "R2"]);
    let poor: Vec<&str> = table[1..]
        .iter()
        .filter(|r| r[4].parse::<f64>().is_ok_and(|v| v < 0.7))
        .map(|r| r[0].as_str())
        .collect();
    for o in &poor {
        assert!(
            text.contains("Warning: R² < 0.7 for") && text.contains(o),
            "{text}"
        );
    }
    if poor.is_empty() {
        assert!(!text.contains("Warning: R²"), "{text}");
    }
    // Per output, R² is one number.
    for r in &table[1..] {
        let first = table[1..].iter().find(|q| q[0] == r[0]).unwrap();
        assert_eq!(r[4], first[4]);
    }
}

#[test]
fn new_methods_record_their_settings_and_refuse_to_overwrite_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = sweep(tmp.path(), &fixture("sweeps/latin_hypercube.toml"), "lhs");
    let args = [
        "--method",
        "pawn",
        "--slices",
        "4",
        "--bootstrap",
        "30",
        "--confidence",
        "0.9",
        "--seed",
        "7",
    ];
    analyze(&dir, &args).success();
    let record: Value =
        serde_json::from_str(&read(&dir.join("sensitivity_pawn_settings.json"))).unwrap();
    assert_eq!(record["method"], "pawn");
    assert_eq!(record["slices"], 4);
    assert_eq!(record["bootstrap"], 30);
    assert_eq!(record["confidence_level"], 0.9);
    assert_eq!(record["seed"], 7);
    assert_eq!(record["design"]["kind"], "latin_hypercube");
    let files: Vec<&str> = record["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(files.contains(&"sensitivity_pawn.csv"), "{files:?}");
    assert!(
        files.contains(&"sensitivity_pawn_programme_slip_weeks.png"),
        "{files:?}"
    );
    assert_eq!(files.last(), Some(&"sensitivity_pawn_settings.json"));
    let before = std::fs::read(dir.join("sensitivity_pawn.csv")).unwrap();
    for method in ["pawn", "prcc", "src"] {
        if method != "pawn" {
            analyze(&dir, &["--method", method]).success();
            // Only PAWN has slices.
            let r: Value = serde_json::from_str(&read(
                &dir.join(format!("sensitivity_{method}_settings.json")),
            ))
            .unwrap();
            assert!(r.get("slices").is_none(), "{r}");
        }
        let out = analyze(&dir, &["--method", method, "--seed", "8"])
            .code(2)
            .get_output()
            .stderr
            .clone();
        let err = String::from_utf8(out).unwrap();
        assert!(
            err.contains(&format!("already holds a {method} analysis"))
                && err.contains(&format!("sensitivity_{method}_"))
                && err.contains("add --force"),
            "{err}"
        );
    }
    assert_eq!(
        std::fs::read(dir.join("sensitivity_pawn.csv")).unwrap(),
        before
    );
    // With --force it replaces the analysis, and the record says so.
    analyze(&dir, &["--method", "pawn", "--seed", "8", "--force"]).success();
    let record: Value =
        serde_json::from_str(&read(&dir.join("sensitivity_pawn_settings.json"))).unwrap();
    assert_eq!(
        (record["seed"].as_u64(), record["slices"].as_u64()),
        (Some(8), Some(10))
    );
    // One slice is no conditioning: a clear error, exit code 2.
    let err = analyze(&dir, &["--method", "pawn", "--slices", "1", "--force"])
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains("--slices") && err.contains("expected at least 2"),
        "{err}"
    );
}
