//! Charts, table and report of `pioneer run` that cannot mislead (issue 12):
//! time axes on calendar boundaries, observed (published) facts drawn when
//! the scenario declares them and only then, a latest plan on which the
//! replications disagree shown as every group, milestones never reached by
//! the horizon labelled, counts written as counts, and the scenario's
//! observed facts in agreement with the calibration targets.

mod common;

use chrono::{Datelike, NaiveDate};
use common::{scenario, svg_texts, DEFAULT};
use pioneer::output::chart::{calendar_ticks, run_charts, Chart, RunChartData, TickStep};
use pioneer::output::table;
use pioneer::{Ensemble, Scenario};

const REPS: u32 = 8;

fn runs_of(text: &str) -> pioneer::Runs {
    let s = Scenario::from_toml(text, "charts_honest").expect("the scenario loads");
    Ensemble::new(&s).seed(7).replications(REPS).run()
}

fn charts_of(runs: &pioneer::Runs) -> Vec<Chart> {
    run_charts(&runs.plan, &runs.chart_data()).expect("charts draw")
}

fn report_of(runs: &pioneer::Runs) -> String {
    let files = runs.files(&runs.summary(), Vec::new()).expect("files");
    let (_, bytes) = files
        .into_iter()
        .find(|(n, _)| n == "report.html")
        .expect("a report");
    String::from_utf8(bytes).expect("UTF-8")
}

/// The default scenario without its `[[observed]]` facts.
fn without_observed() -> String {
    scenario(&[], |doc| {
        doc.remove("observed");
    })
}

/// Texts of the form `Apr 2014` (a month label), as dates.
fn month_labels(texts: &[String]) -> Vec<NaiveDate> {
    texts
        .iter()
        .filter_map(|t| NaiveDate::parse_from_str(&format!("1 {t}"), "%d %b %Y").ok())
        .collect()
}

#[test]
fn time_axes_are_labelled_on_financial_year_boundaries() {
    let runs = runs_of(DEFAULT);
    // The default scenario runs from June 2013 to March 2017 (45 months)
    // and its financial year starts on 1 April: the ticks are 1 April of
    // each year, a year apart, and the years are named.
    for c in charts_of(&runs) {
        let texts = svg_texts(&c.svg);
        let mut ticks = month_labels(&texts);
        // Panels of one chart repeat the axis.
        ticks.sort();
        ticks.dedup();
        assert_eq!(
            ticks,
            ["2014-04-01", "2015-04-01", "2016-04-01"]
                .map(|d| d.parse::<NaiveDate>().unwrap())
                .to_vec(),
            "{}: {texts:?}",
            c.name
        );
        for fy in ["2013/14", "2014/15", "2015/16", "2016/17"] {
            assert!(texts.iter().any(|t| t == fy), "{}: no {fy}", c.name);
        }
    }
}

#[test]
fn calendar_ticks_choose_their_step_from_the_span() {
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let months =
        |t: &pioneer::output::chart::CalendarTicks| t.major.iter().map(|m| m.0).collect::<Vec<_>>();
    // Six months: every first of a month inside the span.
    let t = calendar_ticks(d("2014-01-15"), d("2014-07-10"), 4);
    assert_eq!(t.step, TickStep::Month);
    assert_eq!(
        months(&t),
        [
            "2014-02-01",
            "2014-03-01",
            "2014-04-01",
            "2014-05-01",
            "2014-06-01",
            "2014-07-01"
        ]
        .map(d)
        .to_vec()
    );
    assert_eq!(t.major[0].1, "Feb 2014");
    // Two years with a financial year from April: quarters of that year
    // (April, July, October, January).
    let t = calendar_ticks(d("2014-02-10"), d("2016-01-31"), 4);
    assert_eq!(t.step, TickStep::Quarter);
    let m = months(&t);
    assert_eq!(m.first(), Some(&d("2014-04-01")));
    assert_eq!(m.last(), Some(&d("2016-01-01")));
    assert!(m
        .iter()
        .all(|x| x.day() == 1 && [1, 4, 7, 10].contains(&x.month())));
    assert_eq!(m.len(), 8);
    // Five years, financial year from January: every 1 January, the
    // quarters as unlabelled lines, each year named (a financial year from
    // January is the calendar year; the parts at the ends are at least four
    // months long, so they are named too).
    let t = calendar_ticks(d("2013-03-01"), d("2018-06-30"), 1);
    assert_eq!(t.step, TickStep::FinancialYear);
    assert_eq!(
        months(&t),
        [
            "2014-01-01",
            "2015-01-01",
            "2016-01-01",
            "2017-01-01",
            "2018-01-01"
        ]
        .map(d)
        .to_vec()
    );
    assert!(t.minor.iter().all(|x| [4, 7, 10].contains(&x.month())));
    let years: Vec<&str> = t.years.iter().map(|y| y.1.as_str()).collect();
    assert_eq!(years, ["2013", "2014", "2015", "2016", "2017", "2018"]);
}

#[test]
fn observed_facts_are_drawn_when_declared_and_only_then() {
    let with = runs_of(DEFAULT);
    let plan = &with.plan;
    let charts = charts_of(&with);
    let texts = |name: &str| {
        svg_texts(
            &charts
                .iter()
                .find(|c| c.name == name)
                .expect("the chart")
                .svg,
        )
    };
    let go_live = texts("go_live_curve");
    // The scenario's counts of early adopters live, at its dates.
    for label in [
        "0 live by 2014-12-31",
        "1 live by 2015-01-31",
        "2 live by 2015-04-30",
    ] {
        assert!(go_live.iter().any(|t| t == label), "{label}: {go_live:?}");
    }
    for name in ["go_live_curve", "promise_vs_delivery"] {
        assert!(
            texts(name).iter().any(|t| t == "observed (published)"),
            "{name} legend"
        );
    }
    // On the promise rows: the programme's dates and the first go-live.
    let data = with.chart_data();
    let days =
        |iso: &str| (iso.parse::<NaiveDate>().unwrap() - plan.calendar.date(0)).num_days() as f64;
    let row = |label: &str| {
        data.promise
            .iter()
            .find(|r| r.label == label)
            .unwrap_or_else(|| panic!("row {label}"))
            .observed
            .clone()
    };
    assert_eq!(row("programme: codesign_complete"), [days("2014-02-24")]);
    assert_eq!(row("programme: toolkit_published"), [days("2014-05-15")]);
    assert_eq!(row("programme: first_pilot_live"), [days("2015-01-31")]);
    assert!(row("programme: wider_rollout").is_empty());
    let report = report_of(&with);
    assert!(report.contains("Observed (published) facts"));
    assert!(report.contains("S0: only two of nine EA schemes were even partially under way"));

    let without = runs_of(&without_observed());
    for c in charts_of(&without) {
        let t = svg_texts(&c.svg);
        assert!(
            !t.iter()
                .any(|t| t.contains("observed") || t.contains(" live by ")),
            "{}: {t:?}",
            c.name
        );
    }
    assert!(without
        .chart_data()
        .promise
        .iter()
        .all(|r| r.observed.is_empty()));
    assert!(!report_of(&without).contains("Observed (published) facts"));
}

#[test]
fn a_split_latest_plan_shows_every_group() {
    let runs = runs_of(DEFAULT);
    let plan = &runs.plan;
    let mut data: RunChartData = runs.chart_data();
    // The accumulated latest plans are a distribution over the replications.
    for r in &data.promise {
        let total: f64 = r.latest.iter().map(|l| l.1).sum();
        assert!((total - 1.0).abs() < 1e-9, "{}: {:?}", r.label, r.latest);
    }
    // Two groups: 60% keep one plan, 40% another. Both are drawn with
    // their shares; no single "median" date stands for them.
    let row = data
        .promise
        .iter_mut()
        .find(|r| r.label.ends_with(": go-live"))
        .expect("a go-live row");
    let (a, b) = (600.0, 965.0);
    row.latest = vec![(a, 0.6), (b, 0.4)];
    let charts = run_charts(plan, &data).unwrap();
    let texts = svg_texts(&charts[0].svg);
    assert!(texts.iter().any(|t| t == "60%"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "40%"), "{texts:?}");

    // The table lists both dates with their shares.
    let mut summary = runs.summary();
    let date = |x: f64| plan.calendar.date(0) + chrono::Duration::days(x as i64);
    let m = summary
        .milestones
        .iter_mut()
        .find(|m| m.early_adopter == "brent" && m.milestone == "pilot_live")
        .unwrap();
    m.latest_planned = vec![(date(a), 0.6), (date(b), 0.4)];
    let text = table::render(&summary, 7);
    let brent = text
        .lines()
        .find(|l| l.trim_start().starts_with("brent "))
        .unwrap();
    assert!(brent.contains("split, see *"), "{brent}");
    let note = format!(
        "brent: {} in 60%, {} in 40%",
        date(a).format("%Y-%m-%d"),
        date(b).format("%Y-%m-%d")
    );
    assert!(text.contains(&note), "{text}");
}

#[test]
fn a_milestone_never_reached_is_labelled_at_the_horizon() {
    // Go-live needs a million hours of work: no early adopter goes live.
    let text = scenario(&[], |doc| {
        let journey = doc["journey"].as_array_of_tables_mut().unwrap();
        for m in journey.iter_mut() {
            if m["id"].as_str() == Some("pilot_live") {
                m["work_hours"] = toml_edit::value(1.0e6);
            }
        }
    });
    let runs = runs_of(&text);
    let eas = runs.plan.eas.len();
    let charts = charts_of(&runs);
    let texts = svg_texts(&charts[0].svg);
    let labelled = texts
        .iter()
        .filter(|t| *t == "100% not by horizon (median too)")
        .count();
    // Every early adopter's go-live row and the programme's first go-live.
    assert!(labelled > eas, "{labelled} labels: {texts:?}");
    let data = runs.chart_data();
    assert!(data
        .promise
        .iter()
        .filter(|r| r.label.ends_with(": go-live"))
        .all(|r| r.share == 0.0));
    let table = table::render(&runs.summary(), 7);
    let brent = table
        .lines()
        .find(|l| l.trim_start().starts_with("brent "))
        .unwrap();
    assert!(brent.contains("not by horizon"), "{brent}");
    assert!(report_of(&runs).contains("not reached by horizon"));
}

#[test]
fn counts_are_written_as_counts() {
    let runs = runs_of(DEFAULT);
    let eas = runs.plan.eas.len();
    let report = report_of(&runs);
    let section = report
        .split("<h2>Early adopters live at checkpoints</h2>")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    let rows: Vec<&str> = section.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), runs.plan.checkpoints.len());
    for row in rows {
        let cells: Vec<&str> = row
            .split("<td")
            .skip(1)
            .map(|c| &c[c.find('>').unwrap() + 1..c.find("</td>").unwrap()])
            .collect();
        // Median "k of 9" and range "a–b": whole early adopters.
        assert!(cells[1].ends_with(&format!(" of {eas}")), "{row}");
        assert!(!cells[1].contains('.') && !cells[2].contains('.'), "{row}");
    }
    let text = table::render(&runs.summary(), 7);
    for line in text.lines().filter(|l| l.trim_start().starts_with("by ")) {
        let counts = line.split("mean").next().unwrap();
        assert!(!counts.contains('.'), "{line}");
        assert!(counts.contains(&format!(" of {eas}")), "{line}");
    }
    assert_eq!(pioneer::output::summary::count_of(1.5, 9), "1–2 of 9");
    assert_eq!(pioneer::output::summary::count_of(2.0, 9), "2 of 9");
}

#[test]
fn every_observed_fact_agrees_with_its_calibration_target() {
    let root = env!("CARGO_MANIFEST_DIR");
    let read = |p: &str| -> toml::Table {
        std::fs::read_to_string(format!("{root}/{p}"))
            .unwrap()
            .parse()
            .unwrap()
    };
    let scenario = read("scenarios/nwl_wsic_2013.toml");
    let targets = read("scenarios/targets/nwl_2015.toml");
    let observed = scenario["observed"].as_array().expect("[[observed]]");
    let targets = targets["targets"].as_array().unwrap();
    assert!(!observed.is_empty());
    let text = |v: &toml::Value, k: &str| v.get(k).map(|x| x.to_string());
    for o in observed {
        // The target of the same quantity about the same thing.
        let same = |t: &&toml::Value| {
            ["quantity", "milestone", "early_adopter", "n"]
                .iter()
                .all(|k| text(t, k) == text(o, k))
                && (text(o, "quantity").as_deref() != Some("\"count_achieved_by\"")
                    || text(t, "date") == text(o, "date"))
        };
        let t = targets
            .iter()
            .find(same)
            .unwrap_or_else(|| panic!("no target states {o}"));
        match o.get("count") {
            // A count at a date: the target's observed number.
            Some(c) => assert_eq!(
                c.as_integer().map(|c| c as f64),
                t["observed"].as_float(),
                "{o}"
            ),
            // A date: the target's observed date.
            None => assert_eq!(text(o, "date"), text(t, "observed_date"), "{o}"),
        }
        assert_eq!(o["source"], t["source"], "{o}");
    }
}

#[test]
fn observed_facts_name_what_the_scenario_has() {
    let bad = format!(
        "{DEFAULT}\n[[observed]]\nquantity = \"milestone_date\"\nearly_adopter = \"brnet\"\nmilestone = \"pilot_live\"\ndate = 2015-01-31\n\n[[observed]]\nquantity = \"nth_achieved\"\nmilestone = \"pilot_lve\"\nn = 1\ndate = 2015-01-31\n\n[[observed]]\nquantity = \"count_achieved_by\"\nmilestone = \"pilot_live\"\ndate = 2015-01-31\n"
    );
    let e = common::load_error(&bad);
    let lines: Vec<usize> = bad
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("brnet") || l.contains("pilot_lve"))
        .map(|(i, _)| i + 1)
        .collect();
    assert!(e.contains("did you mean `brent`?"), "{e}");
    assert!(e.contains("did you mean `pilot_live`?"), "{e}");
    assert!(e.contains("`count` (early adopters)"), "{e}");
    for line in lines {
        assert!(e.contains(&format!(":{line}:")), "line {line} in {e}");
    }
}
