//! Regression baseline: the outputs of the default scenario and of every
//! shipped variant at a fixed seed, pinned by their SHA-256 in
//! `tests/baseline/outputs.json`.
//!
//! A change that moves a model output fails here. That is the point: a model
//! change must be deliberate. Regenerate the baseline in the same commit with
//!
//! ```sh
//! PIONEER_UPDATE_BASELINE=1 cargo test --release --test regression
//! ```
//!
//! and say in `CHANGELOG.md` what changed in the model and why. On a mismatch
//! the test leaves the files it produced under `target/regression/` so that
//! they can be compared with an earlier run.
//!
//! Pinned: every data file of `pioneer run` (milestones, time series,
//! meetings, spend, re-plans, summary). Charts, the report and the manifest
//! are presentation and provenance, not model outputs, and are left out.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use pioneer::util::hash::sha256_hex;

const SEED: &str = "20131";
const REPLICATIONS: &str = "40";
const PINNED: [&str; 6] = [
    "milestones.csv",
    "timeseries.csv",
    "meetings.csv",
    "spend.csv",
    "replans.csv",
    "summary.json",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The default scenario and every variant, by name.
fn scenarios() -> Vec<(String, PathBuf)> {
    let mut out = vec![(
        "nwl_wsic_2013".to_string(),
        root().join("scenarios/nwl_wsic_2013.toml"),
    )];
    let mut variants: Vec<PathBuf> = fs::read_dir(root().join("scenarios/variants"))
        .expect("scenarios/variants exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    variants.sort();
    for p in variants {
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        out.push((name, p));
    }
    out
}

fn run(scenario: &Path, out: &Path) -> BTreeMap<String, String> {
    Command::cargo_bin("pioneer")
        .unwrap()
        .args(["run", "-q", "-n", REPLICATIONS, "--seed", SEED, "--out"])
        .arg(out)
        .arg(scenario)
        .assert()
        .code(0);
    PINNED
        .iter()
        .map(|f| {
            let bytes = fs::read(out.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f.to_string(), sha256_hex(&bytes))
        })
        .collect()
}

#[test]
fn outputs_match_the_regression_baseline() {
    let work = root().join("target/regression");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).unwrap();
    let actual: BTreeMap<String, BTreeMap<String, String>> = scenarios()
        .into_iter()
        .map(|(name, path)| {
            let hashes = run(&path, &work.join(&name));
            (name, hashes)
        })
        .collect();
    let baseline_path = root().join("tests/baseline/outputs.json");
    if std::env::var_os("PIONEER_UPDATE_BASELINE").is_some() {
        let mut text = serde_json::to_string_pretty(&actual).unwrap();
        text.push('\n');
        fs::write(&baseline_path, text).unwrap();
        return;
    }
    let baseline: BTreeMap<String, BTreeMap<String, String>> = serde_json::from_str(
        &fs::read_to_string(&baseline_path).expect("tests/baseline/outputs.json exists"),
    )
    .expect("baseline is JSON");
    assert_eq!(
        baseline.keys().collect::<Vec<_>>(),
        actual.keys().collect::<Vec<_>>(),
        "the pinned scenarios changed: add or remove them in the baseline deliberately"
    );
    let mut moved = Vec::new();
    for (scenario, files) in &actual {
        for (file, hash) in files {
            if baseline[scenario].get(file) != Some(hash) {
                moved.push(format!("{scenario}/{file}"));
            }
        }
    }
    assert!(
        moved.is_empty(),
        "outputs moved from the regression baseline: {}.\nThe new files are under {}.\n\
         If the model change is deliberate, regenerate the baseline \
         (PIONEER_UPDATE_BASELINE=1 cargo test --release --test regression) \
         and add a CHANGELOG.md entry saying what changed and why.",
        moved.join(", "),
        work.display()
    );
    fs::remove_dir_all(&work).unwrap();
}
