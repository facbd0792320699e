//! A comparison of scenarios as data: the compared quantities, their
//! distributions per scenario and paired differences from the baseline, and
//! the comparison as CSV. `crate::compare` computes it; this module only
//! holds and renders it (so the output layer never depends on `compare`).

use super::chart::GoLiveAccumulator;
use crate::engine::plan::Plan;

/// One compared quantity: its distribution in each scenario and the paired
/// difference from the first (baseline) scenario.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ComparisonRow {
    /// Output id (as in sweeps: `go_live_delay_weeks:<ea>`, `programme_slip_weeks`, …).
    pub output: String,
    /// Per scenario: 10%, 50%, 90% quantiles across replications.
    pub quantiles: Vec<[f64; 3]>,
    /// Per scenario: quantiles of the paired difference from the baseline (None for the baseline).
    pub difference: Vec<Option<[f64; 3]>>,
    /// Whether values are dates, held as weeks since the baseline's calendar
    /// start (differences are in weeks); otherwise values are in the output's unit.
    pub is_date: bool,
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
}

/// A value of a row as text: an ISO date for date rows (weeks since the
/// baseline start), else the number.
pub fn format_value(c: &Comparison, row: &ComparisonRow, v: f64) -> String {
    if row.is_date {
        (c.plans[0].calendar.date(0) + chrono::Duration::days((v * 7.0).round() as i64))
            .format("%Y-%m-%d")
            .to_string()
    } else {
        format!("{v:.1}")
    }
}

/// The comparison as tidy CSV: one row per (output, scenario); dates as ISO
/// dates, differences in the output's unit (weeks for dates).
pub fn comparison_csv(c: &Comparison) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "output",
        "scenario",
        "p10",
        "median",
        "p90",
        "difference_p10",
        "difference_median",
        "difference_p90",
    ])?;
    let f = super::export::fmt_num;
    for row in &c.rows {
        for (i, name) in c.names.iter().enumerate() {
            let q = row.quantiles[i];
            let d = row.difference[i];
            let dd = |k: usize| d.map_or(String::new(), |d| f(d[k]));
            let v = |x: f64| {
                if row.is_date {
                    format_value(c, row, x)
                } else {
                    f(x)
                }
            };
            w.write_record([
                row.output.clone(),
                name.clone(),
                v(q[0]),
                v(q[1]),
                v(q[2]),
                dd(0),
                dd(1),
                dd(2),
            ])?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
