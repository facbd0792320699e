//! The outputs of `pioneer compare` (docs/compare.md): the forest plot of
//! paired differences, `compare.csv` (numeric columns with units in the
//! header, dates apart) and `compare_paired.csv` (`--paired-differences`).
//!
//! One comparison is run once and shared: the default scenario (baseline),
//! national barriers removed (a variant known to bring go-live forward, see
//! docs/calibration.md), the default again (identical: every paired
//! difference must be exactly zero under common random numbers) and the
//! default with a horizon that cuts the roll-out short (milestones not
//! reached: censoring must be marked).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use common::{csv_rows, paired, read_text, svg_texts};

/// Replications: odd, so the median of the paired differences is one of
/// them (the middle one), recomputable by sorting.
const N: usize = 15;
const SHORT_HORIZON: &str = "2015-06-30";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    _tmp: tempfile::TempDir,
    out: PathBuf,
}

fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let short = tmp.path().join("short.toml");
        std::fs::write(
            &short,
            format!(
                "extends = \"{}\"\n[meta]\nname = \"short_horizon\"\ndescription = \"horizon cut short\"\n[calendar]\nhorizon = {SHORT_HORIZON}\n",
                repo().join("scenarios/nwl_wsic_2013.toml").display()
            ),
        )
        .unwrap();
        let out = tmp.path().join("cmp");
        let base = repo().join("scenarios/nwl_wsic_2013.toml");
        Command::cargo_bin("pioneer")
            .unwrap()
            .arg("compare")
            .arg(&base)
            .arg(repo().join("scenarios/variants/nwl_no_barriers.toml"))
            .arg(&base)
            .arg(&short)
            .args(["-n", &N.to_string(), "--seed", "4", "--paired-differences", "--out"])
            .arg(&out)
            .assert()
            .code(0);
        Run { _tmp: tmp, out }
    })
}

/// A CSV as maps from column name to field, one per data row.
fn table(p: &Path) -> Vec<BTreeMap<String, String>> {
    let rows = csv_rows(p);
    let header = rows[0].clone();
    rows[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.len(), header.len(), "{r:?}");
            header.iter().cloned().zip(r.iter().cloned()).collect()
        })
        .collect()
}

fn num(row: &BTreeMap<String, String>, col: &str) -> f64 {
    row[col]
        .parse()
        .unwrap_or_else(|e| panic!("{col} = {:?} in {row:?}: {e}", row[col]))
}

fn compare_csv() -> Vec<BTreeMap<String, String>> {
    table(&run().out.join("compare.csv"))
}

fn paired_csv() -> Vec<BTreeMap<String, String>> {
    table(&run().out.join("compare_paired.csv"))
}

/// The early adopters of the default scenario, read from its file (not
/// from pioneer's output).
fn early_adopters() -> Vec<String> {
    let text = read_text(&repo().join("scenarios/nwl_wsic_2013.toml"));
    let doc: toml_edit::DocumentMut = text.parse().unwrap();
    doc["early_adopters"]
        .as_array_of_tables()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect()
}

const PROGRAMME: [&str; 6] = [
    "codesign_complete",
    "toolkit_published",
    "ea_signed_off",
    "first_pilot_live",
    "business_plan_approved",
    "wider_rollout",
];

#[test]
fn identical_scenarios_give_exact_zero_paired_differences_and_labelled_forest_rows() {
    let csv = compare_csv();
    let same: Vec<_> = csv
        .iter()
        .filter(|r| r["scenario"] == "nwl_wsic_2013#2")
        .collect();
    assert!(!same.is_empty());
    for r in &same {
        for col in r.keys().filter(|c| c.starts_with("difference_")) {
            if !r[col].is_empty() {
                assert_eq!(num(r, col), 0.0, "{col} in {r:?}");
            }
        }
    }
    for r in paired_csv()
        .iter()
        .filter(|r| r["scenario"] == "nwl_wsic_2013#2")
    {
        assert_eq!(num(r, "difference"), 0.0, "{r:?}");
        assert_eq!(r["value"], r["baseline_value"]);
    }
    // The forest plot: a labelled row per programme milestone and early
    // adopter, a legend entry per compared scenario, and for the identical
    // scenario a note of exact zeros on every row.
    let svg = read_text(&run().out.join("compare_forest.svg"));
    let texts = svg_texts(&svg);
    let mut labels: Vec<String> = PROGRAMME
        .iter()
        .map(|m| format!("programme: {m}"))
        .collect();
    labels.extend(early_adopters().iter().map(|ea| format!("go-live: {ea}")));
    for l in &labels {
        assert_eq!(
            texts.iter().filter(|t| *t == l).count(),
            1,
            "{l} in {texts:?}"
        );
    }
    for legend in [
        "nwl_no_barriers − nwl_wsic_2013",
        "nwl_wsic_2013#2 − nwl_wsic_2013",
        "short_horizon − nwl_wsic_2013",
    ] {
        assert!(texts.iter().any(|t| t == legend), "{legend} in {texts:?}");
    }
    // One note per row and compared scenario: 3 per row; the identical
    // scenario's are all exact zeros (the only ones that can be, apart from
    // rows the variants do not move).
    let notes: Vec<&String> = texts.iter().filter(|t| t.contains(" [")).collect();
    assert_eq!(notes.len(), 3 * labels.len(), "{notes:?}");
    let zeros = texts.iter().filter(|t| *t == "+0.0 [+0.0, +0.0]").count();
    assert!(
        zeros >= labels.len(),
        "{zeros} zero notes for {} rows",
        labels.len()
    );
}

#[test]
fn removing_barriers_gives_non_zero_differences_with_the_sign_of_the_medians() {
    let csv = compare_csv();
    let paired_rows = paired_csv();
    let row = |output: &str, scenario: &str| {
        csv.iter()
            .find(|r| r["output"] == output && r["scenario"] == scenario)
            .unwrap_or_else(|| panic!("no {output} for {scenario}"))
            .clone()
    };
    let mut moved = 0;
    for ea in early_adopters() {
        let output = format!("go_live_date:{ea}");
        let base = row(&output, "nwl_wsic_2013");
        let variant = row(&output, "nwl_no_barriers");
        let diffs: Vec<(f64, f64)> = paired_rows
            .iter()
            .filter(|r| r["output"] == output && r["scenario"] == "nwl_no_barriers")
            .map(|r| (num(r, "baseline_value"), num(r, "value")))
            .collect();
        assert_eq!(diffs.len(), N);
        // Mean paired difference beyond 3 standard errors (the house
        // tolerance of tests/common: an effect-free change passes a
        // one-sided 3-SE test with probability about 0.1%).
        let (on, off): (Vec<f64>, Vec<f64>) = diffs.into_iter().unzip();
        let stats = paired(&on, &off, |x| *x);
        if stats.mean < -3.0 * stats.se {
            moved += 1;
            let median_shift = num(&variant, "weeks_median") - num(&base, "weeks_median");
            let paired_median = num(&variant, "difference_weeks_median");
            assert!(paired_median != 0.0, "{output}: {variant:?}");
            assert_eq!(
                paired_median.signum(),
                median_shift.signum(),
                "{output}: paired median {paired_median}, shift of medians {median_shift}"
            );
        }
    }
    // Barrier removal brings most go-lives clearly forward (docs/calibration.md).
    assert!(
        moved >= 5,
        "only {moved} early adopters moved by more than 3 SE"
    );
    let first = row("first_go_live_date", "nwl_no_barriers");
    assert!(num(&first, "difference_weeks_median") < 0.0, "{first:?}");
    // The forest plot shows it: the no-barriers note of the first go-live is negative.
    let texts = svg_texts(&read_text(&run().out.join("compare_forest.svg")));
    assert!(texts.iter().any(|t| t.starts_with('-') && t.contains(" [")));
}

#[test]
fn compare_csv_has_numeric_columns_with_units_and_separate_dates() {
    let csv = compare_csv();
    let header = &csv_rows(&run().out.join("compare.csv"))[0];
    // Every column is documented in docs/compare.md.
    let doc = read_text(&repo().join("docs/compare.md"));
    for col in header {
        assert!(
            doc.contains(&format!("`{col}`")),
            "{col} is not in docs/compare.md"
        );
    }
    // The start date the weeks count from (given by the paired file's unit).
    let start = paired_csv()
        .iter()
        .find(|r| r["output"] == "first_go_live_date")
        .map(|r| r["unit"].trim_start_matches("weeks since ").to_string())
        .unwrap();
    let start = chrono::NaiveDate::parse_from_str(&start, "%Y-%m-%d").unwrap();
    let date = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    for r in &csv {
        assert_eq!(num(r, "replications"), N as f64);
        let unit = r["unit"].as_str();
        let count = matches!(unit, "early adopters" | "re-plans of the pilot start");
        let (filled, empty) = if count {
            ("count", "weeks")
        } else {
            ("weeks", "count")
        };
        for q in ["p10", "median", "p90"] {
            let v = num(r, &format!("{filled}_{q}"));
            assert!(v.is_finite());
            assert!(r[&format!("{empty}_{q}")].is_empty(), "{r:?}");
            let d = r[&format!("difference_{filled}_{q}")].as_str();
            let baseline = r["scenario"] == "nwl_wsic_2013";
            assert_eq!(d.is_empty(), baseline, "{r:?}");
            assert!(r[&format!("difference_{empty}_{q}")].is_empty());
            if unit == "date" {
                // The date is the start plus the weeks, to the day.
                let days = (v * 7.0).round() as i64;
                assert_eq!(
                    date(&r[&format!("date_{q}")]),
                    start + chrono::Duration::days(days),
                    "{r:?}"
                );
            } else {
                assert!(r[&format!("date_{q}")].is_empty());
            }
        }
        if count {
            assert!(num(r, "count_p10") <= num(r, "count_p90"));
        }
    }
    let replans = csv.iter().find(|r| r["output"] == "replans").unwrap();
    assert_eq!(replans["unit"], "re-plans of the pilot start");
}

#[test]
fn paired_differences_have_a_row_per_replication_output_and_scenario() {
    let csv = compare_csv();
    let rows = paired_csv();
    let mut outputs: Vec<&str> = csv.iter().map(|r| r["output"].as_str()).collect();
    outputs.dedup();
    let compared = 3; // non-baseline scenarios
    assert_eq!(rows.len(), N * outputs.len() * compared);
    let mut by: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for r in &rows {
        assert_eq!(r["seed"], "4");
        assert_eq!(r["baseline"], "nwl_wsic_2013");
        let rep: usize = r["replication"].parse().unwrap();
        assert!(rep < N);
        // The difference is the value minus the baseline value of the row.
        assert_eq!(
            num(r, "difference"),
            num(r, "value") - num(r, "baseline_value"),
            "{r:?}"
        );
        by.entry((r["output"].clone(), r["scenario"].clone()))
            .or_default()
            .push(num(r, "difference"));
    }
    // The median paired difference in compare.csv is the middle of the
    // sorted differences (N odd).
    for ((output, scenario), mut d) in by {
        assert_eq!(d.len(), N);
        d.sort_by(f64::total_cmp);
        let r = csv
            .iter()
            .find(|r| r["output"] == output && r["scenario"] == scenario)
            .unwrap();
        let col = if r["difference_weeks_median"].is_empty() {
            "difference_count_median"
        } else {
            "difference_weeks_median"
        };
        assert_eq!(num(r, col), d[N / 2], "{output} {scenario}");
    }
}

#[test]
fn milestones_not_reached_are_censored_counted_and_marked() {
    let rows = paired_csv();
    let csv = compare_csv();
    let short: Vec<_> = rows
        .iter()
        .filter(|r| {
            r["scenario"] == "short_horizon" && r["output"] == "programme_date:wider_rollout"
        })
        .collect();
    let censored = short.iter().filter(|r| r["censored"] == "1").count();
    assert!(
        censored > 0,
        "the short horizon cuts the roll-out: {short:?}"
    );
    // Censored at the horizon: the value is the horizon date, in weeks
    // since the baseline start.
    let start = short[0]["unit"]
        .trim_start_matches("weeks since ")
        .to_string();
    let start = chrono::NaiveDate::parse_from_str(&start, "%Y-%m-%d").unwrap();
    let horizon = chrono::NaiveDate::parse_from_str(SHORT_HORIZON, "%Y-%m-%d").unwrap();
    let horizon_weeks = (horizon - start).num_days() as f64 / 7.0;
    for r in short.iter().filter(|r| r["censored"] == "1") {
        assert_eq!(num(r, "value"), horizon_weeks, "{r:?}");
    }
    // Counted in compare.csv ...
    let row = csv
        .iter()
        .find(|r| r["output"] == "programme_date:wider_rollout" && r["scenario"] == "short_horizon")
        .unwrap();
    assert_eq!(num(row, "censored_pairs"), censored as f64);
    assert_eq!(num(row, "not_reached"), censored as f64);
    // ... flags only on date rows ...
    for r in &rows {
        let date = r["unit"].starts_with("weeks since ");
        assert_eq!(!r["censored"].is_empty(), date, "{r:?}");
        assert_eq!(!r["baseline_censored"].is_empty(), date, "{r:?}");
    }
    // ... and marked beside the row in the forest plot.
    let texts = svg_texts(&read_text(&run().out.join("compare_forest.svg")));
    let mark = format!("· {censored}/{N} censored");
    assert!(
        texts.iter().any(|t| t.ends_with(&mark)),
        "{mark} in {texts:?}"
    );
}
