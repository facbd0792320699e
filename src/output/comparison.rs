//! A comparison of scenarios as data: the compared quantities, their
//! distributions per scenario and paired differences from the baseline, and
//! the comparison as CSV (`compare.csv`, `compare_paired.csv`) and as a page
//! (`report.html`). `crate::compare` computes it; this module only holds and
//! renders it (so the output layer never depends on `compare`). The columns
//! are documented in docs/compare.md.

use super::chart::{Chart, GoLiveAccumulator};
use super::export::fmt_num;
use super::report::escape;
use crate::engine::plan::Plan;

/// The unit of a compared quantity (it names the CSV columns its numbers go to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Unit {
    /// A delay in weeks.
    Weeks,
    /// An achieved date, held as weeks since the baseline's calendar start
    /// (censored at the horizon when not reached).
    Date,
    /// A count of early adopters.
    EarlyAdopters,
    /// A count of re-plans of the pilot start (output `replans`).
    PilotReplans,
}

impl Unit {
    /// As written in the `unit` column of `compare.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Weeks => "weeks",
            Unit::Date => "date",
            Unit::EarlyAdopters => "early adopters",
            Unit::PilotReplans => "re-plans of the pilot start",
        }
    }
    /// Whether values are counts (else weeks).
    pub fn is_count(self) -> bool {
        matches!(self, Unit::EarlyAdopters | Unit::PilotReplans)
    }
}

/// One compared quantity: its distribution in each scenario and the paired
/// difference from the first (baseline) scenario.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ComparisonRow {
    /// Output id (as in sweeps: `go_live_delay_weeks:<ea>`, `programme_slip_weeks`, …;
    /// dates: `first_go_live_date`, `programme_date:<milestone>`, `go_live_date:<ea>`).
    pub output: String,
    /// Per scenario: 10%, 50%, 90% quantiles across replications.
    pub quantiles: Vec<[f64; 3]>,
    /// Per scenario: quantiles of the paired difference from the baseline (None for the baseline).
    pub difference: Vec<Option<[f64; 3]>>,
    /// Whether values are dates, held as weeks since the baseline's calendar
    /// start (differences are in weeks); otherwise values are in the output's unit.
    pub is_date: bool,
    /// The unit of the values.
    pub unit: Unit,
    /// Date rows: per scenario, the replications in which the milestone was
    /// not reached by the horizon (its date is then the horizon: censored).
    /// Empty for other rows.
    pub not_reached: Vec<u32>,
    /// Date rows: per scenario, the replications whose paired difference
    /// involves a censored date (not reached in the baseline, in the
    /// scenario, or both). Empty for other rows.
    pub censored_pairs: Vec<u32>,
}

/// A comparison: scenario names, rows, and every scenario's go-live curve.
pub struct Comparison {
    /// Scenario names (made unique).
    pub names: Vec<String>,
    /// Compiled plans.
    pub plans: Vec<Plan>,
    /// Early adopters live over time per scenario, across its replications.
    pub go_live: Vec<GoLiveAccumulator>,
    /// The compared quantities.
    pub rows: Vec<ComparisonRow>,
    /// Replications per scenario.
    pub replications: u32,
    /// `compare_paired.csv` (every replication's paired differences), when asked for.
    pub paired: Option<Vec<u8>>,
}

/// A value of a row as text: an ISO date for date rows (weeks since the
/// baseline start), else the number.
pub fn format_value(c: &Comparison, row: &ComparisonRow, v: f64) -> String {
    if row.is_date {
        date_of(c, v)
    } else {
        format!("{v:.1}")
    }
}

/// The ISO date `weeks` after the baseline's calendar start.
fn date_of(c: &Comparison, weeks: f64) -> String {
    (c.plans[0].calendar.date(0) + chrono::Duration::days((weeks * 7.0).round() as i64))
        .format("%Y-%m-%d")
        .to_string()
}

/// The header of `compare.csv`: units in the column names.
pub const COMPARISON_HEADER: [&str; 21] = [
    "output",
    "scenario",
    "unit",
    "replications",
    "weeks_p10",
    "weeks_median",
    "weeks_p90",
    "count_p10",
    "count_median",
    "count_p90",
    "date_p10",
    "date_median",
    "date_p90",
    "difference_weeks_p10",
    "difference_weeks_median",
    "difference_weeks_p90",
    "difference_count_p10",
    "difference_count_median",
    "difference_count_p90",
    "not_reached",
    "censored_pairs",
];

/// The comparison as tidy CSV: one row per (output, scenario). Numbers go
/// to the columns of their unit (weeks or count; the others are empty);
/// date rows also give ISO dates; differences are paired (scenario −
/// baseline, same replication), empty for the baseline.
pub fn comparison_csv(c: &Comparison) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COMPARISON_HEADER)?;
    let empty = || [String::new(), String::new(), String::new()];
    for row in &c.rows {
        for (i, name) in c.names.iter().enumerate() {
            let three = |q: [f64; 3]| q.map(fmt_num);
            let q = three(row.quantiles[i]);
            let d = row.difference[i].map_or_else(empty, three);
            let (weeks, count) = if row.unit.is_count() {
                (empty(), q)
            } else {
                (q, empty())
            };
            let (d_weeks, d_count) = if row.unit.is_count() {
                (empty(), d)
            } else {
                (d, empty())
            };
            let dates = if row.is_date {
                row.quantiles[i].map(|x| date_of(c, x))
            } else {
                empty()
            };
            let count_of = |v: &[u32]| v.get(i).map_or(String::new(), |n| n.to_string());
            let censored = if i == 0 {
                String::new()
            } else {
                count_of(&row.censored_pairs)
            };
            let mut record = vec![
                row.output.clone(),
                name.clone(),
                row.unit.name().to_string(),
                c.replications.to_string(),
            ];
            record.extend(weeks);
            record.extend(count);
            record.extend(dates);
            record.extend(d_weeks);
            record.extend(d_count);
            record.push(count_of(&row.not_reached));
            record.push(censored);
            w.write_record(&record)?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The header of `compare_paired.csv`.
pub const PAIRED_HEADER: [&str; 11] = [
    "replication",
    "seed",
    "baseline",
    "scenario",
    "output",
    "unit",
    "baseline_value",
    "value",
    "difference",
    "baseline_censored",
    "censored",
];

/// The unit of a paired row (dates are weeks since the baseline's start).
pub fn paired_unit(start: chrono::NaiveDate, unit: Unit) -> String {
    match unit {
        Unit::Date => format!("weeks since {}", start.format("%Y-%m-%d")),
        u => u.name().to_string(),
    }
}

/// A paired-differences CSV being written (one row per replication,
/// non-baseline scenario and output).
pub struct PairedWriter {
    w: csv::Writer<Vec<u8>>,
}

impl PairedWriter {
    /// A writer with the header written.
    pub fn new() -> Result<Self, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(PAIRED_HEADER)?;
        Ok(PairedWriter { w })
    }

    /// One row. `censored` is (baseline, scenario) for date rows, None otherwise.
    #[allow(clippy::too_many_arguments)]
    pub fn row(
        &mut self,
        replication: u32,
        seed: u64,
        baseline: &str,
        scenario: &str,
        output: &str,
        unit: &str,
        baseline_value: f64,
        value: f64,
        censored: Option<(bool, bool)>,
    ) -> Result<(), csv::Error> {
        let flag = |b: bool| if b { "1" } else { "0" };
        let (bc, sc) = censored.map_or(("", ""), |(b, s)| (flag(b), flag(s)));
        self.w.write_record([
            replication.to_string().as_str(),
            &seed.to_string(),
            baseline,
            scenario,
            output,
            unit,
            &fmt_num(baseline_value),
            &fmt_num(value),
            &fmt_num(value - baseline_value),
            bc,
            sc,
        ])
    }

    /// The CSV bytes.
    pub fn finish(self) -> Result<Vec<u8>, csv::Error> {
        self.w
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

/// How a row is named in tables: its id and, for `replans`, what it counts.
pub fn row_label(row: &ComparisonRow) -> String {
    match row.unit {
        Unit::PilotReplans => format!("{} (re-plans of the pilot start)", row.output),
        _ => row.output.clone(),
    }
}

const COMPARE_STYLE: &str =
    "table.cmp{width:100%;table-layout:auto}table.cmp td.n{white-space:nowrap}\
table.cmp td.o{max-width:22em}table.cmp tr.first td{border-top:2px solid #999}\
p.note{color:#444;font-size:.9em;max-width:70em}";

/// The page of `pioneer compare`: what was compared, the forest plot of
/// paired differences and the go-live curves (none in a build without the
/// `charts` feature), and one table with a line per output and scenario
/// (fixed columns, so it fits the page whatever the number of scenarios).
pub fn comparison_html(
    c: &Comparison,
    charts: &[Chart],
    seed: u64,
    replications: u32,
    sources: &[String],
) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str(&format!(
        "<title>pioneer comparison</title><style>{}{COMPARE_STYLE}</style></head><body>\n<h1>Scenarios compared</h1>\n<p>{replications} replications each with seed {seed} (common random numbers: replication r of every scenario shares its random streams, so differences are paired). Baseline: <b>{}</b>. Delays in weeks against each scenario's first promise; a difference below zero is earlier than the baseline.</p>\n",
        super::report::STYLE,
        escape(&c.names[0])
    ));
    h.push_str("<table><tr><th>scenario</th><th>source</th></tr>\n");
    for (n, src) in c.names.iter().zip(sources) {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td></tr>\n",
            escape(n),
            escape(src)
        ));
    }
    h.push_str("</table>\n");
    for chart in charts {
        let heading = match chart.name {
            "compare_forest" => "Paired differences (forest plot)",
            _ => "Go-live curves",
        };
        h.push_str(&format!(
            "<h2>{heading}</h2>\n<figure id=\"{}\">{}<figcaption>{}</figcaption></figure>\n",
            chart.name,
            chart.svg.trim(),
            escape(&chart.title)
        ));
    }
    h.push_str("<h2>Go-live and delay</h2>\n<p class=\"note\">Medians across replications with the 10%–90% range; the paired difference is the scenario's value minus the baseline's in the same replication (same random numbers), summarised the same way. A milestone not reached by the horizon is censored: its date is taken as the horizon (the earliest date consistent with the run); <i>not reached</i> counts those replications, and the difference column says how many pairs involve a censored date. <code>replans</code> counts the reviews that moved the planned pilot start later.</p>\n");
    h.push_str("<table class=\"cmp\"><tr><th>output</th><th>scenario</th><th>median</th><th>10%–90%</th><th>paired difference: median</th><th>10%–90%</th><th>not reached</th></tr>\n");
    for row in &c.rows {
        let unit = if row.unit.is_count() {
            String::new()
        } else {
            " (weeks)".to_string()
        };
        for (i, name) in c.names.iter().enumerate() {
            let q = row.quantiles[i];
            let v = |x: f64| format_value(c, row, x);
            let first = if i == 0 { " class=\"first\"" } else { "" };
            h.push_str(&format!("<tr{first}>"));
            if i == 0 {
                h.push_str(&format!(
                    "<td class=\"o\" rowspan=\"{}\">{}</td>",
                    c.names.len(),
                    escape(&row_label(row)).replace(':', ":<wbr>")
                ));
            }
            h.push_str(&format!(
                "<td>{}</td><td class=\"n\">{}</td><td class=\"n\">{} – {}</td>",
                escape(name),
                v(q[1]),
                v(q[0]),
                v(q[2])
            ));
            match row.difference[i] {
                Some(d) => h.push_str(&format!(
                    "<td class=\"n\">{:+.1}{unit}</td><td class=\"n\">{:+.1} – {:+.1}</td>",
                    d[1], d[0], d[2]
                )),
                None => h.push_str("<td>baseline</td><td></td>"),
            }
            let not_reached = match (row.not_reached.get(i), row.censored_pairs.get(i)) {
                (Some(n), Some(&p)) if i > 0 && p > 0 => {
                    format!("{n} of {replications}; {p} pairs censored")
                }
                (Some(n), _) => format!("{n} of {replications}"),
                _ => String::new(),
            };
            h.push_str(&format!("<td class=\"n\">{not_reached}</td></tr>\n"));
        }
    }
    h.push_str("</table>\n</body></html>\n");
    h
}
