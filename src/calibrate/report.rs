//! Calibration outputs as bytes: posterior particles, posterior summary,
//! generations and the fit of each target.

use super::abc::{weighted_quantile, AbcState, Fit};
use super::priors::Prior;
use super::targets::{Target, NOT_REACHED_WEEKS};
use crate::engine::plan::Plan;
use crate::output::export::ExportError;
use crate::util::stats::quantile_sorted;

fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ExportError> {
    w.into_inner().map_err(|e| ExportError::Io(e.into_error()))
}

/// `posterior.csv`: the last generation's particles with weights.
pub fn posterior_csv(state: &AbcState, priors: &[Prior]) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["particle".to_string(), "weight".into(), "distance".into()];
    header.extend(priors.iter().map(|p| p.spec.path.clone()));
    w.write_record(&header)?;
    if let Some(g) = state.generations.last() {
        for (i, p) in g.particles.iter().enumerate() {
            let mut row = vec![
                i.to_string(),
                format!("{}", p.weight),
                format!("{}", p.distance),
            ];
            row.extend(p.theta.iter().map(|x| format!("{x}")));
            w.write_record(&row)?;
        }
    }
    finish(w)
}

/// One row of the posterior summary.
#[derive(Debug, Clone)]
pub struct ParameterSummary {
    /// Parameter path.
    pub path: String,
    /// Weighted median.
    pub median: f64,
    /// Weighted 5% quantile.
    pub p05: f64,
    /// Weighted 95% quantile.
    pub p95: f64,
    /// Value in the best-supported (smallest distance) particle.
    pub best: f64,
}

/// Posterior summary per parameter (weighted median and 90% interval).
pub fn posterior_summary(state: &AbcState, priors: &[Prior]) -> Vec<ParameterSummary> {
    let Some(g) = state.generations.last() else {
        return Vec::new();
    };
    let weights: Vec<f64> = g.particles.iter().map(|p| p.weight).collect();
    let best = best_particle(state).unwrap_or_default();
    priors
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let v: Vec<f64> = g.particles.iter().map(|x| x.theta[k]).collect();
            ParameterSummary {
                path: p.spec.path.clone(),
                median: weighted_quantile(&v, &weights, 0.5),
                p05: weighted_quantile(&v, &weights, 0.05),
                p95: weighted_quantile(&v, &weights, 0.95),
                best: best.get(k).copied().unwrap_or(f64::NAN),
            }
        })
        .collect()
}

/// The parameter values of the particle closest to the targets.
pub fn best_particle(state: &AbcState) -> Option<Vec<f64>> {
    state
        .generations
        .last()?
        .particles
        .iter()
        .min_by(|a, b| a.distance.total_cmp(&b.distance))
        .map(|p| p.theta.clone())
}

/// `posterior_summary.csv`.
pub fn posterior_summary_csv(
    rows: &[ParameterSummary],
    priors: &[Prior],
) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "parameter",
        "prior",
        "prior_min",
        "prior_max",
        "median",
        "p05",
        "p95",
        "best",
    ])?;
    for (r, p) in rows.iter().zip(priors) {
        let dist = serde_json::to_value(p.spec.distribution)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        w.write_record([
            &r.path,
            &dist,
            &p.spec.min.to_string(),
            &p.spec.max.to_string(),
            &r.median.to_string(),
            &r.p05.to_string(),
            &r.p95.to_string(),
            &r.best.to_string(),
        ])?;
    }
    finish(w)
}

/// `generations.csv`.
pub fn generations_csv(state: &AbcState) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "generation",
        "epsilon",
        "particles",
        "simulations",
        "acceptance_rate",
        "exhausted",
    ])?;
    for g in &state.generations {
        let rate = g.particles.len() as f64 / g.simulations.max(1) as f64;
        w.write_record([
            g.index.to_string(),
            g.epsilon.to_string(),
            g.particles.len().to_string(),
            g.simulations.to_string(),
            format!("{rate:.4}"),
            g.exhausted.to_string(),
        ])?;
    }
    finish(w)
}

/// One row of the fit table.
#[derive(Debug, Clone)]
pub struct TargetFit {
    /// Target id.
    pub id: String,
    /// Observed (dates as ISO text).
    pub observed: String,
    /// Simulated median.
    pub median: String,
    /// Simulated 10% quantile.
    pub p10: String,
    /// Simulated 90% quantile.
    pub p90: String,
    /// Tolerance (weeks for dates).
    pub tolerance: f64,
    /// |median − observed| in the target's unit.
    pub deviation: f64,
    /// Whether the median is within the tolerance.
    pub met: bool,
}

/// The fit of every target from simulated values.
pub fn target_fits(plan: &Plan, targets: &[Target], fit: &Fit) -> Vec<TargetFit> {
    let render = |t: &Target, x: f64| -> String {
        if t.spec.quantity.is_date() {
            if x >= NOT_REACHED_WEEKS {
                "not reached".into()
            } else {
                (plan.calendar.date(0) + chrono::Duration::days((x * 7.0).round() as i64))
                    .to_string()
            }
        } else {
            format!("{x:.3}")
        }
    };
    targets
        .iter()
        .zip(&fit.values)
        .map(|(t, v)| {
            let median = quantile_sorted(v, 0.5);
            let observed = t.observed(plan);
            let deviation = (median - observed).abs();
            TargetFit {
                id: t.spec.id.clone(),
                observed: render(t, observed),
                median: render(t, median),
                p10: render(t, quantile_sorted(v, 0.1)),
                p90: render(t, quantile_sorted(v, 0.9)),
                tolerance: t.spec.tolerance,
                deviation,
                met: deviation <= t.spec.tolerance,
            }
        })
        .collect()
}

/// `fit.csv`.
pub fn fit_csv(rows: &[TargetFit]) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "target",
        "observed",
        "simulated_median",
        "p10",
        "p90",
        "tolerance",
        "deviation",
        "met",
    ])?;
    for r in rows {
        w.write_record([
            &r.id,
            &r.observed,
            &r.median,
            &r.p10,
            &r.p90,
            &r.tolerance.to_string(),
            &format!("{:.3}", r.deviation),
            &r.met.to_string(),
        ])?;
    }
    finish(w)
}
