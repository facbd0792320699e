//! `pioneer promise` on the command line: bad input is refused with a clear
//! message and exit code 2 before anything is written (no output directory,
//! nothing in the working directory); a small scan writes its files
//! byte-identically at any thread count, and `promise.csv` holds what the
//! library computes.

use std::path::Path;

use assert_cmd::Command;
use pioneer::promise::{scan, Followers, PromiseSpec, Step};

fn pioneer(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("pioneer").unwrap();
    c.current_dir(dir).arg("promise");
    c
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["--milestone", "pilot_strat"],
            "did you mean `pilot_start`",
        ),
        (&["--confidence", "0.5,80"], "at most 1"),
        (&["--step", "fortnightly"], "weeks or months"),
        (
            &["--from", "2015-01-01", "--to", "2014-01-01"],
            "after --to",
        ),
        // A wider roll-out promised before the pilot start is not a timetable.
        (
            &["--milestone", "wider_rollout", "--from", "2013-09-02"],
            "timetable.wider_rollout",
        ),
        (
            &["--set", "engagement.no_such_key=1"],
            "--set engagement.no_such_key",
        ),
    ];
    for (args, says) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let out = pioneer(tmp.path())
            .args(args)
            .args(["-n", "2", "-q", "--out", "p"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            0,
            "{args:?} wrote something"
        );
    }
}

#[test]
fn a_scan_is_byte_identical_at_any_thread_count_and_writes_what_the_library_computes() {
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "--milestone",
        "pilot_start",
        "--from",
        "2014-11-03",
        "--to",
        "2015-01-03",
        "--step",
        "1month",
        "--confidence",
        "0.5",
        "-n",
        "6",
        "--seed",
        "5",
        "-q",
    ];
    for j in ["1", "2"] {
        pioneer(tmp.path())
            .args(args)
            .args(["-j", j, "--out", &format!("j{j}")])
            .assert()
            .code(0);
    }
    let read = |j: &str, f: &str| std::fs::read(tmp.path().join(format!("j{j}")).join(f)).unwrap();
    for f in [
        "promise.csv",
        "promise_curve.svg",
        "promise_curve.png",
        "report.html",
    ] {
        assert!(
            read("1", f) == read("2", f),
            "{f} differs between -j 1 and -j 2"
        );
    }
    let manifest = String::from_utf8(read("1", "manifest.json")).unwrap();
    assert!(manifest.contains("\"common_random_numbers\": true"));
    assert!(manifest.contains("inputs/nwl_wsic_2013.toml"));
    // The CSV's probabilities and honest promise are the library's.
    let s = scan(
        &pioneer::Scenario::default_nwl(),
        &PromiseSpec {
            milestones: vec!["pilot_start".into()],
            from: Some("2014-11-03".parse().unwrap()),
            to: Some("2015-01-03".parse().unwrap()),
            step: Step::Months(1),
            confidence: vec![0.5],
            replications: 6,
            seed: 5,
            followers: Followers::Shift,
        },
        None,
    )
    .unwrap();
    let csv = String::from_utf8(read("1", "promise.csv")).unwrap();
    let mut rows = csv.lines().map(|l| l.split(',').collect::<Vec<_>>());
    assert_eq!(
        rows.next().unwrap(),
        ["promise", "milestone", "statistic", "value", "unit"]
    );
    let rows: Vec<Vec<&str>> = rows.collect();
    let m = &s.milestones[0];
    for p in &m.points {
        let date = p.promise.to_string();
        let row = rows
            .iter()
            .find(|r| r[0] == date && r[2] == "p_delivered_by_promise")
            .unwrap_or_else(|| panic!("no row for {date}"));
        assert_eq!(row[3].parse::<f64>().unwrap(), p.p_delivered);
    }
    let honest = m.honest[0]
        .promise
        .map(|d| d.to_string())
        .unwrap_or_default();
    assert!(rows
        .iter()
        .any(|r| r[0] == honest && r[2] == "honest_promise:0.5"));
}
