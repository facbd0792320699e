//! docs/tutorial.md works as written: every `pioneer` command in its `sh`
//! blocks runs successfully (from a folder where `scenarios/` is the
//! repository's), and the numbers its comparison table quotes are the ones
//! the commands produce.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn commands(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_sh = !in_sh && line.trim() == "```sh";
            continue;
        }
        if in_sh && !line.trim().is_empty() {
            out.push(line.trim().to_string());
        }
    }
    out
}

fn median(csv: &str, output: &str, scenario: &str) -> String {
    // The median as a date (date rows) or a number (docs/compare.md).
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with(&format!("{output},{scenario},")))
        .unwrap_or_else(|| panic!("no {output} for {scenario}"))
        .split(',')
        .collect();
    ["date_median", "count_median", "weeks_median"]
        .iter()
        .map(|c| row[header.iter().position(|h| h == c).unwrap()])
        .find(|v| !v.is_empty())
        .unwrap()
        .to_string()
}

#[test]
fn every_tutorial_command_works_as_written() {
    let text = std::fs::read_to_string(repo().join("docs/tutorial.md")).unwrap();
    let cmds = commands(&text);
    assert!(cmds.len() >= 8, "{cmds:?}");
    let tmp = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(repo().join("scenarios"), tmp.path().join("scenarios")).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("pioneer");
    for cmd in &cmds {
        if cmd == "cargo build --release" {
            continue; // the test binary is already built
        }
        let args: Vec<&str> = cmd.split_whitespace().collect();
        assert_eq!(
            args[0], "pioneer",
            "unexpected command in the tutorial: {cmd}"
        );
        let out = std::process::Command::new(&bin)
            .args(&args[1..])
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "`{cmd}` failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let results = tmp.path().join("results");
    assert!(results.join("tutorial-baseline/report.html").exists());
    assert!(results
        .join("tutorial-sweep/grid_heatmap_programme_slip_weeks.png")
        .exists());
    // The table of section 3 quotes these medians.
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    let barriers = read(&results.join("tutorial-barriers/compare.csv"));
    assert_eq!(
        median(&barriers, "first_go_live_date", "nwl_wsic_2013"),
        "2015-01-26"
    );
    assert_eq!(
        median(&barriers, "first_go_live_date", "nwl_no_barriers"),
        "2014-11-10"
    );
    assert!(text.contains("| baseline | 26 Jan 2015 |"));
    assert!(text.contains("10 Nov 2014 (about 12 weeks earlier)"));
    let consultancy = read(&results.join("tutorial-consultancy/compare.csv"));
    assert_eq!(
        median(&consultancy, "first_go_live_date", "nwl_no_consultancy"),
        "2015-03-02"
    );
    let transactional = read(&results.join("tutorial-transactional/compare.csv"));
    assert_eq!(
        median(
            &transactional,
            "first_go_live_date",
            "nwl_transactional_early"
        ),
        "2014-07-28"
    );
    let promises = read(&results.join("tutorial-promises/compare.csv"));
    assert_eq!(median(&promises, "replans", "nwl_realistic_timetable"), "0");
    assert_eq!(median(&promises, "replans", "nwl_wsic_2013"), "2");
}
