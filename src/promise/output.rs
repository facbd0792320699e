//! The files of a promise scan: `promise.csv` (tidy), the promise curve
//! (`promise_curve.svg`, `.png`), `report.html`, copies of the inputs and
//! `manifest.json`, written by the caller through one atomic
//! `output::target::OutputDir` like every command.

use chrono::NaiveDate;

use super::{MilestoneScan, PromiseScan, GREEN_BOOK_WORKS_DURATION};
use crate::output::chart::Chart;
use crate::output::export::ExportError;
use crate::output::inputs::Inputs;
use crate::output::manifest::{Manifest, MANIFEST_FILE};
use crate::output::promise_chart::{promise_curve_chart, CurvePanel, CurvePoint};
use crate::output::report::{escape, STYLE};
use crate::scenario::Scenario;

/// The header of `promise.csv`.
pub const PROMISE_HEADER: [&str; 5] = ["promise", "milestone", "statistic", "value", "unit"];

/// The extension of a promise scan's `manifest.json`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PromiseRecord {
    /// The timetable keys promised.
    pub milestones: Vec<String>,
    /// First promised date (null: each milestone's original date).
    pub from: Option<NaiveDate>,
    /// Last promised date (null: the horizon).
    pub to: Option<NaiveDate>,
    /// Grid spacing (`1month`, `2weeks`, …).
    pub step: String,
    /// Confidence levels of the honest timetable.
    pub confidence: Vec<f64>,
    /// `shift` or `keep`: what a promised pilot start does to its followers.
    pub followers: String,
    /// Always true: every promise runs the same replication seeds.
    pub common_random_numbers: bool,
}

/// A date for a CSV cell; empty when not reached by the horizon.
fn date(d: Option<NaiveDate>) -> String {
    d.map_or(String::new(), |d| d.to_string())
}

/// A confidence level as a label: `0.8`.
fn level(c: f64) -> String {
    format!("{c}")
}

/// The Green Book reference promises of a milestone: (label, uplift share, date).
pub fn green_book_promises(m: &MilestoneScan) -> Vec<(&'static str, f64, NaiveDate)> {
    GREEN_BOOK_WORKS_DURATION
        .iter()
        .map(|&(label, share)| {
            let days = (m.planned_days as f64 * share).round() as i64;
            (label, share, m.original + chrono::Duration::days(days))
        })
        .collect()
}

/// `promise.csv`: one row per (promise, milestone, statistic), tidy.
/// Empty `value`: not reached by the horizon; empty `promise`: none found.
pub fn promise_csv(s: &PromiseScan) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(PROMISE_HEADER)?;
    let n = s.spec.replications;
    for m in &s.milestones {
        let mut row = |promise: Option<NaiveDate>, stat: &str, value: String, unit: &str| {
            w.write_record([&date(promise), m.key, stat, &value, unit])
        };
        row(
            Some(m.original),
            "original_promise",
            format!("{:.1}", m.planned_days as f64 / 7.0),
            &format!("weeks planned from {}", s.start),
        )?;
        for p in &m.points {
            let at = Some(p.promise);
            row(at, "on_grid", u8::from(p.on_grid).to_string(), "flag")?;
            row(
                at,
                "p_delivered_by_promise",
                format!("{}", p.p_delivered),
                "share of replications",
            )?;
            for (q, d) in ["p10", "p50", "p90"].iter().zip(p.delivered_quantiles) {
                row(at, &format!("delivered_{q}"), date(d), "date")?;
            }
            let missed = p.delivered.iter().filter(|d| d.is_none()).count();
            row(
                at,
                "not_delivered_by_horizon",
                missed.to_string(),
                &format!("replications of {n}"),
            )?;
            row(
                at,
                "replans_mean",
                format!("{:.4}", p.replans_mean),
                "re-plans of the pilot start",
            )?;
            for (k, lost) in &p.engagement_lost {
                row(
                    at,
                    &format!("engagement_lost:{}", k.id()),
                    format!("{lost:.6}"),
                    "engagement points (0-1)",
                )?;
            }
            row(
                at,
                "spend_gbp_mean",
                format!("{:.2}", p.spend_gbp_mean),
                "GBP",
            )?;
        }
        if let Some(e) = m.earliest_delivery() {
            row(
                Some(e.promise),
                "earliest_delivery_promise",
                date(e.median()),
                "date (median delivered)",
            )?;
        }
        for h in &m.honest {
            let c = level(h.confidence);
            row(
                h.promise,
                &format!("honest_promise:{c}"),
                h.p_delivered.map_or(String::new(), |p| format!("{p}")),
                "share of replications delivering by it",
            )?;
            row(
                h.promise,
                &format!("honest_uplift_weeks:{c}"),
                h.uplift_weeks.map_or(String::new(), |u| format!("{u:.1}")),
                "weeks after the original promise",
            )?;
            row(
                h.promise,
                &format!("honest_uplift_percent:{c}"),
                h.uplift_share
                    .map_or(String::new(), |u| format!("{:.1}", 100.0 * u)),
                "percent of the planned duration",
            )?;
            row(
                h.promise,
                &format!("honest_at_grid_start:{c}"),
                u8::from(h.at_grid_start).to_string(),
                "flag (an earlier promise might also be met)",
            )?;
            row(
                h.promise,
                &format!("honest_later_dips:{c}"),
                h.later_dips.len().to_string(),
                "later grid promises met with less than the confidence",
            )?;
        }
        for (label, share, d) in green_book_promises(m) {
            row(
                Some(d),
                &format!("green_book_uplift:{}", label.replace([' ', '-'], "_")),
                format!("{:.0}", 100.0 * share),
                "percent of the planned duration (HM Treasury upper bound, works duration)",
            )?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The chart's panels: one per milestone.
fn panels(s: &PromiseScan) -> Vec<CurvePanel> {
    s.milestones
        .iter()
        .map(|m| CurvePanel {
            title: format!(
                "{} (delivered: {}{})",
                m.key,
                m.delivered.id(),
                if m.followers.is_empty() {
                    String::new()
                } else {
                    format!("; {} move with it", m.followers.join(", "))
                }
            ),
            points: m
                .points
                .iter()
                .map(|p| CurvePoint {
                    promise: p.promise,
                    p_delivered: p.p_delivered,
                    delivered: p.delivered_quantiles,
                })
                .collect(),
            original: m.original,
            earliest_delivery: m.earliest_delivery().map(|p| p.promise),
            honest: m.honest.iter().map(|h| (h.confidence, h.promise)).collect(),
        })
        .collect()
}

/// The honest timetable as text lines (the CLI prints it; the report shows it).
pub fn honest_rows(m: &MilestoneScan) -> Vec<[String; 5]> {
    m.honest
        .iter()
        .map(|h| {
            let pct = |x: f64| format!("{:.0}%", 100.0 * x);
            [
                pct(h.confidence),
                match h.promise {
                    Some(d) if h.at_grid_start => format!("{d} or earlier"),
                    Some(d) => d.to_string(),
                    None => "not met within the grid".into(),
                },
                h.p_delivered.map_or(String::new(), pct),
                match (h.uplift_weeks, h.uplift_share) {
                    (Some(w), Some(s)) => format!("{w:+.1} weeks ({:+.0}%)", 100.0 * s),
                    (Some(w), None) => format!("{w:+.1} weeks"),
                    _ => String::new(),
                },
                if h.later_dips.is_empty() {
                    String::new()
                } else {
                    format!(
                        "not monotone: later grid promise(s) {} below",
                        h.later_dips
                            .iter()
                            .map(|d| d.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            ]
        })
        .collect()
}

/// `report.html` of a promise scan.
pub fn promise_html(s: &PromiseScan, charts: &[Chart]) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str(&format!(
        "<title>pioneer promise: {}</title><style>{STYLE}</style></head><body>\n<h1>What can {} honestly promise?</h1>\n",
        escape(&s.scenario),
        escape(&s.scenario)
    ));
    h.push_str(&format!(
        "<p>Each promise is the scenario with the milestone's timetable date set to the promised date, run for {} replications with seed {} (common random numbers: replication r of every promise shares its random streams). Grid step {}; the honest search refines to the week. A promised pilot start moves {}. Delivered dates are nearest-rank quantiles; <i>not reached</i> means after the horizon ({}). See docs/promise.md for the method and its limits.</p>\n",
        s.spec.replications,
        s.spec.seed,
        s.spec.step,
        match s.spec.followers {
            super::Followers::Shift => "the milestones that follow it (business plan approval, wider roll-out) by the same number of days",
            super::Followers::Keep => "no other milestone",
        },
        s.horizon
    ));
    for chart in charts {
        h.push_str(&format!(
            "<h2>The promise curve</h2>\n<figure id=\"{}\">{}<figcaption>{}</figcaption></figure>\n",
            chart.name,
            chart.svg.trim(),
            escape(&chart.title)
        ));
    }
    for m in &s.milestones {
        h.push_str(&format!(
            "<h2>Honest timetable: {}</h2>\n<p>Original promise {} ({:.1} weeks after the start, {}). The honest promise at confidence c is the earliest promise p delivered by p in at least a share c of the replications when p is what the programme promised.</p>\n<table><tr><th>confidence</th><th>honest promise</th><th>P(delivered by it)</th><th>uplift over the original</th><th>note</th></tr>\n",
            escape(m.key),
            m.original,
            m.planned_days as f64 / 7.0,
            s.start
        ));
        for r in honest_rows(m) {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
                r[0],
                escape(&r[1]),
                r[2],
                escape(&r[3]),
                escape(&r[4])
            ));
        }
        for (label, share, d) in green_book_promises(m) {
            h.push_str(&format!(
                "<tr><td>Green Book: {}</td><td>{d}</td><td></td><td class=\"n\">{:+.0}%</td><td>HM Treasury optimism-bias upper bound for works duration (a reference class, not a model result)</td></tr>\n",
                escape(label),
                100.0 * share
            ));
        }
        h.push_str("</table>\n");
        h.push_str(&format!(
            "<h3>The promise curve of {}</h3>\n<table><tr><th>promise</th><th>P(delivered by promise)</th><th>delivered: median</th><th>10%–90%</th><th>not reached</th><th>re-plans (mean)</th><th>spend (mean, £m)</th><th>engagement lost (mean, by kind)</th></tr>\n",
            escape(m.key)
        ));
        let show = |d: Option<NaiveDate>| d.map_or("not reached".to_string(), |d| d.to_string());
        for p in &m.points {
            let missed = p.delivered.iter().filter(|d| d.is_none()).count();
            let lost: Vec<String> = p
                .engagement_lost
                .iter()
                .map(|(k, l)| format!("{} {l:+.3}", k.id()))
                .collect();
            h.push_str(&format!(
                "<tr><td>{}{}</td><td class=\"n\">{:.0}%</td><td>{}</td><td>{} – {}</td><td class=\"n\">{missed} of {}</td><td class=\"n\">{:.2}</td><td class=\"n\">{:.2}</td><td>{}</td></tr>\n",
                p.promise,
                if p.on_grid { "" } else { " (search)" },
                100.0 * p.p_delivered,
                show(p.median()),
                show(p.delivered_quantiles[0]),
                show(p.delivered_quantiles[2]),
                s.spec.replications,
                p.replans_mean,
                p.spend_gbp_mean / 1e6,
                escape(&lost.join(", "))
            ));
        }
        h.push_str("</table>\n");
    }
    h.push_str("</body></html>\n");
    h
}

/// Every output file of a scan, as (name, bytes): `promise.csv`, the promise
/// curve (SVG and PNG; none without the `charts` feature), `report.html`,
/// copies of the scenario's files under `inputs/`, and `manifest.json` last.
pub fn output_files(
    s: &PromiseScan,
    scenario: &Scenario,
    command_line: Vec<String>,
) -> Result<Vec<(String, Vec<u8>)>, ExportError> {
    let charts: Vec<Chart> = promise_curve_chart(
        &panels(s),
        s.start,
        s.horizon,
        scenario.parameters().calendar.financial_year_start_month,
        s.spec.replications,
    )?
    .into_iter()
    .collect();
    let mut files = vec![("promise.csv".to_string(), promise_csv(s)?)];
    let html = promise_html(s, &charts);
    for chart in charts {
        files.push((format!("{}.svg", chart.name), chart.svg.into_bytes()));
        files.push((format!("{}.png", chart.name), chart.png));
    }
    files.push(("report.html".to_string(), html.into_bytes()));
    let record = PromiseRecord {
        milestones: s.milestones.iter().map(|m| m.key.to_string()).collect(),
        from: s.spec.from,
        to: s.spec.to,
        step: s.spec.step.to_string(),
        confidence: s.spec.confidence.clone(),
        followers: s.spec.followers.id().to_string(),
        common_random_numbers: true,
    };
    let mut manifest = Manifest::new(s.spec.seed, s.spec.replications, command_line, record)
        .with_scenario(scenario);
    let inputs = Inputs::of_scenario(scenario);
    manifest.inputs = inputs.records();
    files.extend(inputs.files());
    manifest.list_files(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    files.push((MANIFEST_FILE.to_string(), manifest.to_json()?));
    Ok(files)
}
