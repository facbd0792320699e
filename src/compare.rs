//! Comparing scenarios under common random numbers: every scenario is run
//! with the same seed and replication indices, so replication r of scenario
//! B differs from replication r of scenario A only through the scenario, and
//! paired differences (B − A) measure the effect of the change rather than
//! sampling noise.

use rayon::prelude::*;

use crate::engine::ensemble::run_replication;
use crate::engine::milestone_ref::MilestoneRef;
use crate::engine::plan::Plan;
use crate::observe::ReplicationResult;
use crate::output::chart::comparison_charts;
use crate::output::export::ExportError;
use crate::output::manifest::{Manifest, MANIFEST_FILE};
use crate::output::report::comparison_html;
use crate::scenario::Scenario;
use crate::sweep::outputs::{self, OutputDef};
use crate::util::stats::p10_p50_p90;

pub use crate::output::comparison::{comparison_csv, format_value, Comparison, ComparisonRow};

/// The extension of a comparison's `manifest.json`: the scenarios compared.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CompareRecord {
    /// The scenarios, baseline first.
    pub scenarios: Vec<ComparedScenario>,
    /// Always true: every scenario runs the same replication seeds.
    pub common_random_numbers: bool,
}

/// One compared scenario in the manifest.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ComparedScenario {
    /// Its (unique) name in the comparison.
    pub name: String,
    /// Where it was read from.
    pub path: String,
    /// SHA-256 of its text.
    pub sha256: String,
}

/// Every output file of a comparison, as (name, bytes): `compare.csv`, the
/// go-live chart (SVG and PNG), `report.html` and the manifest last (listing
/// the others with their SHA-256). `sources` says where each scenario was read from.
pub fn output_files(
    c: &Comparison,
    scenarios: &[Scenario],
    sources: &[String],
    seed: u64,
    replications: u32,
    command_line: Vec<String>,
) -> Result<Vec<(String, Vec<u8>)>, ExportError> {
    let plans: Vec<&Plan> = c.plans.iter().collect();
    let charts = comparison_charts(&plans, &c.names, &c.results)?;
    let html = comparison_html(c, &charts, seed, replications, sources);
    let mut files = vec![("compare.csv".to_string(), comparison_csv(c)?)];
    for chart in charts {
        files.push((format!("{}.svg", chart.name), chart.svg.into_bytes()));
        files.push((format!("{}.png", chart.name), chart.png));
    }
    files.push(("report.html".to_string(), html.into_bytes()));
    let record = CompareRecord {
        scenarios: scenarios
            .iter()
            .zip(sources)
            .zip(&c.names)
            .map(|((s, path), name)| ComparedScenario {
                name: name.clone(),
                path: path.clone(),
                sha256: s.content_hash().to_string(),
            })
            .collect(),
        common_random_numbers: true,
    };
    let mut manifest = Manifest::new(seed, replications, command_line, record);
    manifest.list_files(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    files.push((MANIFEST_FILE.to_string(), manifest.to_json()?));
    Ok(files)
}

/// The outputs compared: the programme's slip and first go-live delay, early
/// adopters live by the horizon, and each early adopter's go-live delay (of
/// the baseline's early adopters found in every scenario).
fn compared_outputs(scenarios: &[Scenario]) -> Vec<String> {
    let mut ids = vec![
        "programme_slip_weeks".to_string(),
        "delay_weeks:programme:first_pilot_live".to_string(),
        "delay_weeks:programme:codesign_complete".to_string(),
        "live_at_horizon".to_string(),
        "replans".to_string(),
    ];
    ids.extend(
        compared_early_adopters(scenarios)
            .iter()
            .map(|ea| format!("go_live_delay_weeks:{ea}")),
    );
    ids
}

/// The baseline's early adopters found in every scenario.
fn compared_early_adopters(scenarios: &[Scenario]) -> Vec<&str> {
    let Some(baseline) = scenarios.first() else {
        return Vec::new();
    };
    baseline
        .raw()
        .early_adopters
        .iter()
        .filter(|e| {
            scenarios
                .iter()
                .all(|s| s.raw().early_adopters.iter().any(|x| x.id == e.id))
        })
        .map(|e| e.id.as_str())
        .collect()
}

/// An achieved date compared across scenarios, resolved against one scenario.
#[derive(Debug, Clone, Copy)]
struct DateQuantity {
    ea: Option<usize>,
    milestone: MilestoneRef,
}

impl DateQuantity {
    /// The achieved date (censored at the horizon) in weeks since `origin`.
    fn weeks_since(&self, origin: chrono::NaiveDate, plan: &Plan, r: &ReplicationResult) -> f64 {
        let d = self
            .milestone
            .record(plan, r, self.ea)
            .and_then(|m| m.achieved)
            .unwrap_or(plan.raw().calendar.horizon.0);
        (d - origin).num_days() as f64 / 7.0
    }
}

/// The date rows (id, and per scenario the resolved quantity): the first
/// go-live, then each compared early adopter's go-live.
fn date_quantities(scenarios: &[Scenario]) -> Result<Vec<(String, Vec<DateQuantity>)>, String> {
    let first = MilestoneRef::programme("first_pilot_live")
        .ok_or("`first_pilot_live` is not a programme milestone")?;
    let mut rows = vec![(
        "first_go_live_date".to_string(),
        vec![
            DateQuantity {
                ea: None,
                milestone: first,
            };
            scenarios.len()
        ],
    )];
    for ea in compared_early_adopters(scenarios) {
        let per_scenario = scenarios
            .iter()
            .map(|s| {
                Ok(DateQuantity {
                    ea: s.raw().early_adopters.iter().position(|x| x.id == ea),
                    milestone: MilestoneRef::journey(s, "pilot_live").ok_or_else(|| {
                        format!("{}: the journey has no `pilot_live`", s.source_name())
                    })?,
                })
            })
            .collect::<Result<_, String>>()?;
        rows.push((format!("go_live_date:{ea}"), per_scenario));
    }
    Ok(rows)
}

/// Runs every scenario with the same seed and replications (in parallel)
/// and compares them. The first scenario is the baseline. Fails (before
/// anything runs) when there is no scenario or an output cannot be resolved
/// in one of them; never panics.
pub fn compare(scenarios: &[Scenario], seed: u64, replications: u32) -> Result<Comparison, String> {
    if scenarios.is_empty() {
        return Err("no scenario to compare".into());
    }
    let dates = date_quantities(scenarios)?;
    // Every output id is resolved once per scenario, then evaluated per replication.
    let defs: Vec<(String, Vec<OutputDef>)> = compared_outputs(scenarios)
        .into_iter()
        .map(|id| {
            let per_scenario = scenarios
                .iter()
                .map(|s| {
                    outputs::parse(&id, s).map_err(|p| {
                        format!(
                            "{}: output `{id}`: expected {}",
                            s.source_name(),
                            p.expected
                        )
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok((id, per_scenario))
        })
        .collect::<Result<_, String>>()?;
    let mut names: Vec<String> = Vec::new();
    for s in scenarios {
        let base = s.raw().meta.name.clone();
        let mut name = base.clone();
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{base}#{k}");
            k += 1;
        }
        names.push(name);
    }
    let plans: Vec<Plan> = scenarios.iter().map(Plan::new).collect();
    let results: Vec<Vec<ReplicationResult>> = plans
        .iter()
        .map(|p| {
            (0..replications)
                .into_par_iter()
                .map(|r| run_replication(p, seed, r))
                .collect()
        })
        .collect();
    let origin = plans[0].calendar.date(0);
    // Achieved dates (censored at each scenario's horizon), in weeks since the baseline start.
    let mut rows: Vec<ComparisonRow> = dates
        .into_iter()
        .map(|(id, quantity)| {
            let values: Vec<Vec<f64>> = plans
                .iter()
                .zip(&results)
                .zip(&quantity)
                .map(|((p, rs), q)| rs.iter().map(|r| q.weeks_since(origin, p, r)).collect())
                .collect();
            row(id, &values, true)
        })
        .collect();
    rows.extend(defs.into_iter().map(|(id, per_scenario)| {
        let values: Vec<Vec<f64>> = per_scenario
            .iter()
            .zip(&plans)
            .zip(&results)
            .map(|((def, p), rs)| rs.iter().map(|r| def.value(p, r)).collect())
            .collect();
        row(id, &values, false)
    }));
    Ok(Comparison {
        names,
        plans,
        results,
        rows,
    })
}

fn row(output: String, values: &[Vec<f64>], is_date: bool) -> ComparisonRow {
    ComparisonRow {
        output,
        quantiles: values.iter().map(|v| p10_p50_p90(v.clone())).collect(),
        difference: values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (i > 0).then(|| p10_p50_p90(v.iter().zip(&values[0]).map(|(b, a)| b - a).collect()))
            })
            .collect(),
        is_date,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_compared_with_itself_differs_by_exactly_zero() {
        // Common random numbers: identical scenarios give identical replications.
        let s = Scenario::default_nwl();
        let c = compare(&[s.clone(), s], 5, 10).unwrap();
        assert_eq!(c.names, ["nwl_wsic_2013", "nwl_wsic_2013#2"]);
        for row in &c.rows {
            assert_eq!(row.difference[1], Some([0.0; 3]), "{}", row.output);
            assert_eq!(row.quantiles[0], row.quantiles[1]);
        }
    }

    #[test]
    fn removing_national_barriers_brings_go_live_forward() {
        // Scope decisions off in both arms: an early adopter that scales
        // back drops the milestones the payment-systems barrier holds, so
        // with them on, scaling back partly substitutes for national removal
        // (§7.15) and the barrier's own effect on the slip is smaller.
        let mut raw = Scenario::default_nwl().raw().clone();
        raw.switches.scope_decisions = false;
        let text = crate::scenario::DEFAULT_SCENARIO;
        let base = Scenario::from_raw(raw.clone(), text, "fixed_scope").unwrap();
        raw.switches.national_barriers = false;
        let without = Scenario::from_raw(raw, text, "no_barriers").unwrap();
        let c = compare(&[base, without], 2, 40).unwrap();
        let slip = c
            .rows
            .iter()
            .find(|r| r.output == "programme_slip_weeks")
            .unwrap();
        // The counterfactual table (docs/calibration.md) measures about 30 weeks
        // earlier; with 40 paired replications the median difference is
        // clearly negative and its 90th percentile is not positive.
        let d = slip.difference[1].unwrap();
        assert!(d[1] < -10.0, "{d:?}");
        assert!(d[2] <= 0.0, "{d:?}");
    }
}
