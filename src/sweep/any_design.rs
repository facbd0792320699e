//! Sensitivity measures of a finished sweep for any design (random, Latin
//! hypercube, grid; Sobol and Morris points too, though those designs are
//! made for their own methods): standardised regression coefficients,
//! partial rank correlation coefficients and the PAWN index of
//! `crate::analysis`, computed on the design's parameter values (as in
//! `salib/X.txt`) and the per-point means over replications (`salib/Y.txt`).

use std::path::Path;

use serde::Serialize;

use super::results::{bootstrap_rng, design_values, output_indices, point_means, AnalysisSettings};
use super::runner::{SweepManifest, DESIGN_FILE};
use crate::analysis::{pawn, regression, AnalysisError};

/// Standardised regression coefficient of one output on one parameter.
#[derive(Debug, Clone, Serialize)]
pub struct SrcRow {
    /// Output id.
    pub output: String,
    /// Parameter name.
    pub parameter: String,
    /// Standardised regression coefficient (output sd per parameter sd).
    #[serde(rename = "SRC")]
    pub src: f64,
    /// Its confidence half-width.
    #[serde(rename = "SRC_conf")]
    pub src_conf: f64,
    /// R² of the linear model of this output on all parameters (repeated
    /// on each of its rows).
    #[serde(rename = "R2")]
    pub r2: f64,
}

/// Partial rank correlation of one output with one parameter.
#[derive(Debug, Clone, Serialize)]
pub struct PrccRow {
    /// Output id.
    pub output: String,
    /// Parameter name.
    pub parameter: String,
    /// Partial rank correlation coefficient (−1 to 1).
    #[serde(rename = "PRCC")]
    pub prcc: f64,
    /// Its confidence half-width.
    #[serde(rename = "PRCC_conf")]
    pub prcc_conf: f64,
    /// Two-sided p-value of PRCC = 0.
    pub p_value: f64,
}

/// PAWN statistics of one output for one parameter.
#[derive(Debug, Clone, Serialize)]
pub struct PawnRow {
    /// Output id.
    pub output: String,
    /// Parameter name.
    pub parameter: String,
    /// Smallest KS statistic over the slices.
    pub minimum: f64,
    /// Mean KS statistic.
    pub mean: f64,
    /// Median KS statistic (the usual PAWN index).
    pub median: f64,
    /// Confidence half-width of the median.
    pub median_conf: f64,
    /// Largest KS statistic.
    pub maximum: f64,
    /// Coefficient of variation over slices (stdev / mean).
    #[serde(rename = "CV")]
    pub cv: f64,
    /// Standard deviation over slices (population).
    pub stdev: f64,
}

/// The design values, the per-point means and the analysed output indices.
type Inputs = (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<usize>);

fn inputs(
    dir: &Path,
    m: &SweepManifest,
    outputs: &[String],
    s: &AnalysisSettings,
) -> Result<Inputs, String> {
    s.check()?;
    let wanted = output_indices(m, outputs)?;
    let x = design_values(dir, m).map_err(|e| e.to_string())?;
    let means = point_means(dir, m).map_err(|e| e.to_string())?;
    if x.len() != means.len() {
        return Err(format!(
            "{} has {} points, the runs {}",
            dir.join(DESIGN_FILE).display(),
            x.len(),
            means.len()
        ));
    }
    Ok((x, means, wanted))
}

/// A failure of one output, named.
fn named(m: &SweepManifest, j: usize, e: AnalysisError) -> String {
    format!("output `{}`: {e}", m.extension.outputs[j])
}

/// Runs `analyse` on each chosen output (its per-point means, with the
/// output's index for its bootstrap stream) and makes one row per parameter
/// with `row(indices, parameter index, output id, parameter name)`.
fn per_output<I, R>(
    dir: &Path,
    m: &SweepManifest,
    outputs: &[String],
    s: &AnalysisSettings,
    analyse: impl Fn(&[Vec<f64>], &[f64], usize) -> Result<I, String>,
    row: impl Fn(&I, usize, &str, &str) -> R,
) -> Result<Vec<R>, String> {
    let (x, means, wanted) = inputs(dir, m, outputs, s)?;
    let ms = &m.extension;
    let mut rows = Vec::new();
    for j in wanted {
        let y: Vec<f64> = means.iter().map(|r| r[j]).collect();
        let ix = analyse(&x, &y, j)?;
        for (i, p) in ms.parameters.iter().enumerate() {
            rows.push(row(&ix, i, &ms.outputs[j], &p.name));
        }
    }
    Ok(rows)
}

/// SRC and R² of the chosen outputs (all when `outputs` is empty). A
/// constant output has undefined (NaN) coefficients.
pub fn analyze_src(
    dir: &Path,
    m: &SweepManifest,
    outputs: &[String],
    s: &AnalysisSettings,
) -> Result<Vec<SrcRow>, String> {
    let k = m.extension.parameters.len();
    per_output(
        dir,
        m,
        outputs,
        s,
        |x, y, j| match regression::analyze_src(
            x,
            y,
            k,
            s.bootstrap,
            s.confidence,
            &mut bootstrap_rng(s, j),
        ) {
            Ok(ix) => Ok(ix),
            Err(AnalysisError::ZeroVariance) => Ok(regression::SrcIndices {
                src: vec![f64::NAN; k],
                src_conf: vec![f64::NAN; k],
                r2: f64::NAN,
            }),
            Err(e) => Err(named(m, j, e)),
        },
        |ix, i, output, parameter| SrcRow {
            output: output.to_string(),
            parameter: parameter.to_string(),
            src: ix.src[i],
            src_conf: ix.src_conf[i],
            r2: ix.r2,
        },
    )
}

/// PRCC and p-values of the chosen outputs. A constant output has
/// undefined (NaN) coefficients.
pub fn analyze_prcc(
    dir: &Path,
    m: &SweepManifest,
    outputs: &[String],
    s: &AnalysisSettings,
) -> Result<Vec<PrccRow>, String> {
    let k = m.extension.parameters.len();
    per_output(
        dir,
        m,
        outputs,
        s,
        |x, y, j| match regression::analyze_prcc(
            x,
            y,
            k,
            s.bootstrap,
            s.confidence,
            &mut bootstrap_rng(s, j),
        ) {
            Ok(ix) => Ok(ix),
            Err(AnalysisError::ZeroVariance) => Ok(regression::PrccIndices {
                prcc: vec![f64::NAN; k],
                prcc_conf: vec![f64::NAN; k],
                p_value: vec![f64::NAN; k],
            }),
            Err(e) => Err(named(m, j, e)),
        },
        |ix, i, output, parameter| PrccRow {
            output: output.to_string(),
            parameter: parameter.to_string(),
            prcc: ix.prcc[i],
            prcc_conf: ix.prcc_conf[i],
            p_value: ix.p_value[i],
        },
    )
}

/// PAWN statistics of the chosen outputs with `slices` conditioning slices.
pub fn analyze_pawn(
    dir: &Path,
    m: &SweepManifest,
    outputs: &[String],
    s: &AnalysisSettings,
    slices: usize,
) -> Result<Vec<PawnRow>, String> {
    let k = m.extension.parameters.len();
    per_output(
        dir,
        m,
        outputs,
        s,
        |x, y, j| {
            pawn::analyze(
                x,
                y,
                k,
                slices,
                s.bootstrap,
                s.confidence,
                &mut bootstrap_rng(s, j),
            )
            .map_err(|e| named(m, j, e))
        },
        |ix, i, output, parameter| {
            let st = ix.stats[i];
            PawnRow {
                output: output.to_string(),
                parameter: parameter.to_string(),
                minimum: st.minimum,
                mean: st.mean,
                median: st.median,
                median_conf: ix.median_conf[i],
                maximum: st.maximum,
                cv: st.cv,
                stdev: st.stdev,
            }
        },
    )
}
