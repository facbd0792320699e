//! Regression-based sensitivity measures for any design (random, Latin
//! hypercube, grid, …): standardised regression coefficients (SRC) with the
//! model's R², and partial rank correlation coefficients (PRCC) with their
//! two-sided p-values (Saltelli et al. 2008, ch. 1.2; Marino et al. 2008).
//!
//! - SRC_i: the coefficient of X_i in the least-squares fit of Y on all X
//!   after centring and scaling every column to unit standard deviation,
//!   i.e. b_i·sd(X_i)/sd(Y). Meaningful as a share of variance only when the
//!   fit is good (R² near 1; R² ≥ 0.7 is the usual rule of thumb).
//! - PRCC_i: with X and Y replaced by their ranks (average ranks for ties,
//!   as `scipy.stats.rankdata`), the correlation of the residuals of X_i
//!   and of Y, each regressed on the other inputs. Measures a monotone (not
//!   necessarily linear) effect of X_i with the others held fixed.
//!
//! Least squares by Householder QR on centred columns (no normal equations,
//! so nearly collinear designs lose as few digits as possible). Confidence
//! half-widths: z·sd of the estimates over bootstrap resamples of the
//! design points (resamples whose fit is singular are left out).

use rand::Rng;
use serde::Serialize;

use super::{sample_sd, z_value, AnalysisError};

/// Ranks 1..n of `xs`, ties sharing the average of their ranks (scipy's
/// `rankdata(method="average")`).
pub fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut r = vec![0.0; xs.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && xs[order[end]] == xs[order[start]] {
            end += 1;
        }
        // Ranks start+1 ..= end share their mean.
        let avg = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            r[i] = avg;
        }
        start = end;
    }
    r
}

/// `xs` minus its mean.
fn centred(xs: &[f64]) -> Vec<f64> {
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    xs.iter().map(|x| x - m).collect()
}

/// The least-squares solution and residuals of `y ≈ A·b` for the columns
/// `a` (each of length n = y.len()), by Householder QR. None when A has
/// (numerically) dependent columns or more columns than rows.
pub fn least_squares(a: &[Vec<f64>], y: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
    let n = y.len();
    let p = a.len();
    if p > n || a.iter().any(|c| c.len() != n) {
        return None;
    }
    let mut q = a.to_vec();
    let mut r = y.to_vec();
    let mut diag = vec![0.0; p];
    let scale: f64 = a
        .iter()
        .map(|c| c.iter().map(|v| v * v).sum::<f64>().sqrt())
        .fold(0.0, f64::max);
    for j in 0..p {
        // Householder reflection zeroing q[j][j+1..].
        let norm = q[j][j..].iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm.is_nan() || norm <= 1e-12 * scale {
            return None;
        }
        let alpha = if q[j][j] > 0.0 { -norm } else { norm };
        let mut v: Vec<f64> = q[j][j..].to_vec();
        v[0] -= alpha;
        let vv = v.iter().map(|x| x * x).sum::<f64>();
        let reflect = |col: &mut [f64]| {
            let dot = col.iter().zip(&v).map(|(c, w)| c * w).sum::<f64>();
            let f = 2.0 * dot / vv;
            for (c, w) in col.iter_mut().zip(&v) {
                *c -= f * w;
            }
        };
        for col in q.iter_mut().skip(j + 1) {
            reflect(&mut col[j..]);
        }
        reflect(&mut r[j..]);
        diag[j] = alpha;
    }
    // Back substitution on R (diag[j] on the diagonal, q[c][j] above it).
    let mut b = vec![0.0; p];
    for j in (0..p).rev() {
        let s: f64 = (j + 1..p).map(|c| q[c][j] * b[c]).sum();
        b[j] = (r[j] - s) / diag[j];
    }
    let residuals = (0..n)
        .map(|i| y[i] - (0..p).map(|c| a[c][i] * b[c]).sum::<f64>())
        .collect();
    Some((b, residuals))
}

/// Checks a design (`x[point][factor]`) against its outputs.
fn check(x: &[Vec<f64>], y: &[f64], k: usize) -> Result<(), AnalysisError> {
    if k == 0 {
        return Err(AnalysisError::Settings("no factors".into()));
    }
    if x.len() != y.len() || x.iter().any(|r| r.len() != k) {
        return Err(AnalysisError::Length {
            expected: x.len(),
            found: y.len(),
        });
    }
    if let Some(bad) = y.iter().position(|v| !v.is_finite()) {
        return Err(AnalysisError::NotFinite(bad));
    }
    if y.len() < k + 2 {
        return Err(AnalysisError::Settings(format!(
            "a regression on {k} factors needs at least {} design points, found {}",
            k + 2,
            y.len()
        )));
    }
    Ok(())
}

/// Columns of `x` (points × factors) for the points `rows`.
fn columns(x: &[Vec<f64>], rows: &[usize], k: usize) -> Vec<Vec<f64>> {
    (0..k)
        .map(|i| rows.iter().map(|&r| x[r][i]).collect())
        .collect()
}

/// Standardised regression coefficients and R² of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct SrcFit {
    /// SRC per factor.
    pub src: Vec<f64>,
    /// Coefficient of determination of the linear model.
    pub r2: f64,
}

/// SRC and R² of the columns `cols` (factors) and outputs `y`. None when
/// an input or the output does not vary or the inputs are collinear.
pub fn src_of(cols: &[Vec<f64>], y: &[f64]) -> Option<SrcFit> {
    let z = |c: &[f64]| -> Option<Vec<f64>> {
        let c = centred(c);
        let sd = c.iter().map(|v| v * v).sum::<f64>().sqrt();
        (sd > 0.0).then(|| c.iter().map(|v| v / sd).collect())
    };
    let zy = z(y)?;
    let zx: Vec<Vec<f64>> = cols.iter().map(|c| z(c)).collect::<Option<_>>()?;
    // Both sides scaled to unit norm (the same factor √(n−1) from unit sd).
    let (b, res) = least_squares(&zx, &zy)?;
    let r2 = 1.0 - res.iter().map(|e| e * e).sum::<f64>();
    Some(SrcFit { src: b, r2 })
}

/// PRCC per factor of the columns `cols` and outputs `y`. None when the
/// output does not vary or the inputs are collinear; NaN for a factor
/// whose residuals vanish (e.g. the output's ranks are exactly those of
/// other inputs).
pub fn prcc_of(cols: &[Vec<f64>], y: &[f64]) -> Option<Vec<f64>> {
    let ry = centred(&ranks(y));
    if ry.iter().all(|v| *v == 0.0) {
        return None;
    }
    let rx: Vec<Vec<f64>> = cols.iter().map(|c| centred(&ranks(c))).collect();
    (0..cols.len())
        .map(|i| {
            let others: Vec<Vec<f64>> = rx
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, c)| c.clone())
                .collect();
            // Centred columns: a fit without intercept equals one with it.
            let (ex, ey) = if others.is_empty() {
                (rx[i].clone(), ry.clone())
            } else {
                (
                    least_squares(&others, &rx[i])?.1,
                    least_squares(&others, &ry)?.1,
                )
            };
            let sxy: f64 = ex.iter().zip(&ey).map(|(a, b)| a * b).sum();
            let sxx: f64 = ex.iter().map(|a| a * a).sum();
            let syy: f64 = ey.iter().map(|b| b * b).sum();
            if sxx == 0.0 {
                // This input is constant or a function of the others.
                return None;
            }
            let r = sxy / (sxx * syy).sqrt();
            Some(if r.is_finite() {
                r.clamp(-1.0, 1.0)
            } else {
                f64::NAN
            })
        })
        .collect()
}

/// Two-sided p-value of a partial correlation `r` estimated from `n`
/// points with `controls` other variables held fixed: Student's t with
/// df = n − 2 − controls, t = r·√(df/(1 − r²)).
pub fn partial_correlation_p(r: f64, n: usize, controls: usize) -> f64 {
    let Some(df) = n.checked_sub(2 + controls).filter(|&d| d > 0) else {
        return f64::NAN;
    };
    if !r.is_finite() {
        return f64::NAN;
    }
    let df = df as f64;
    let r2 = r * r;
    if r2 >= 1.0 {
        return 0.0;
    }
    // P(|T| > t) = I_{df/(df+t²)}(df/2, 1/2), with df/(df+t²) = 1 − r².
    regularized_beta(1.0 - r2, df / 2.0, 0.5)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error about 1e-15).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1 − x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let s = G[0]
        + G[1..]
            .iter()
            .enumerate()
            .map(|(i, g)| g / (x + i as f64 + 1.0))
            .sum::<f64>();
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + s.ln()
}

/// The regularised incomplete beta function I_x(a, b), by its continued
/// fraction (modified Lentz), using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a)
/// where the fraction converges slowly.
fn regularized_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x > (a + 1.0) / (a + b + 2.0) {
        return 1.0 - regularized_beta(1.0 - x, b, a);
    }
    const TINY: f64 = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut f = d;
    for m in 1..=10_000 {
        let m = m as f64;
        for num in [
            m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0)),
        ] {
            d = 1.0 + num * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + num / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            f *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-16 {
            break;
        }
    }
    front * f / a
}

/// SRC per factor with confidence half-widths, and the fit's R².
#[derive(Debug, Clone, Serialize)]
pub struct SrcIndices {
    /// Standardised regression coefficients.
    pub src: Vec<f64>,
    /// Their confidence half-widths.
    pub src_conf: Vec<f64>,
    /// R² of the linear model on all the points.
    pub r2: f64,
}

/// PRCC per factor with confidence half-widths and p-values.
#[derive(Debug, Clone, Serialize)]
pub struct PrccIndices {
    /// Partial rank correlation coefficients.
    pub prcc: Vec<f64>,
    /// Their confidence half-widths.
    pub prcc_conf: Vec<f64>,
    /// Two-sided p-values of PRCC = 0 (t test, n − 1 − k degrees of freedom).
    pub p_value: Vec<f64>,
}

/// Bootstrap half-widths of `f` (a per-factor estimator on resampled rows).
fn bootstrap<R: Rng>(
    n: usize,
    k: usize,
    resamples: usize,
    confidence: f64,
    rng: &mut R,
    f: impl Fn(&[usize]) -> Option<Vec<f64>>,
) -> Vec<f64> {
    let mut est: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples); k];
    for _ in 0..resamples {
        let rows: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
        if let Some(v) = f(&rows) {
            for (e, x) in est.iter_mut().zip(v) {
                if x.is_finite() {
                    e.push(x);
                }
            }
        }
    }
    let z = z_value(confidence);
    est.iter().map(|e| z * sample_sd(e)).collect()
}

fn check_level(confidence: f64) -> Result<(), AnalysisError> {
    if confidence > 0.0 && confidence < 1.0 {
        Ok(())
    } else {
        Err(AnalysisError::Settings(format!(
            "confidence level must be in (0, 1), found {confidence}"
        )))
    }
}

/// Why a fit on all the points failed: a constant output, or else a
/// constant or collinear input.
fn degenerate(y: &[f64]) -> AnalysisError {
    if y.iter().all(|v| *v == y[0]) {
        AnalysisError::ZeroVariance
    } else {
        AnalysisError::Settings(
            "an input does not vary across the design, or the inputs are collinear: the regression is undefined".into(),
        )
    }
}

/// `estimate` on all the points of `x` (points × k factors) and `y`, and
/// the bootstrap half-widths of its per-factor `indices` over resampled
/// points (`settings`: resamples, confidence level).
fn fit_and_bootstrap<R: Rng, T>(
    x: &[Vec<f64>],
    y: &[f64],
    k: usize,
    (resamples, confidence): (usize, f64),
    rng: &mut R,
    estimate: impl Fn(&[Vec<f64>], &[f64]) -> Option<T>,
    indices: impl Fn(&T) -> Vec<f64>,
) -> Result<(T, Vec<f64>), AnalysisError> {
    check_level(confidence)?;
    check(x, y, k)?;
    let all: Vec<usize> = (0..y.len()).collect();
    let fit = estimate(&columns(x, &all, k), y).ok_or_else(|| degenerate(y))?;
    let conf = bootstrap(y.len(), k, resamples, confidence, rng, |rows| {
        let yb: Vec<f64> = rows.iter().map(|&r| y[r]).collect();
        estimate(&columns(x, rows, k), &yb).map(|f| indices(&f))
    });
    Ok((fit, conf))
}

/// SRC of `x` (points × k factors) for outputs `y`, with bootstrap
/// confidence half-widths.
pub fn analyze_src<R: Rng>(
    x: &[Vec<f64>],
    y: &[f64],
    k: usize,
    bootstrap_resamples: usize,
    confidence_level: f64,
    rng: &mut R,
) -> Result<SrcIndices, AnalysisError> {
    let (fit, conf) = fit_and_bootstrap(
        x,
        y,
        k,
        (bootstrap_resamples, confidence_level),
        rng,
        src_of,
        |f| f.src.clone(),
    )?;
    Ok(SrcIndices {
        src: fit.src,
        src_conf: conf,
        r2: fit.r2,
    })
}

/// PRCC of `x` (points × k factors) for outputs `y`, with bootstrap
/// confidence half-widths and p-values.
pub fn analyze_prcc<R: Rng>(
    x: &[Vec<f64>],
    y: &[f64],
    k: usize,
    bootstrap_resamples: usize,
    confidence_level: f64,
    rng: &mut R,
) -> Result<PrccIndices, AnalysisError> {
    let (prcc, conf) = fit_and_bootstrap(
        x,
        y,
        k,
        (bootstrap_resamples, confidence_level),
        rng,
        prcc_of,
        Vec::clone,
    )?;
    let p_value = prcc
        .iter()
        .map(|&r| partial_correlation_p(r, y.len(), k - 1))
        .collect();
    Ok(PrccIndices {
        prcc,
        prcc_conf: conf,
        p_value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn ranks_average_ties_as_scipy() {
        // scipy.stats.rankdata([3, 1, 4, 1, 5, 9, 2, 6, 5]) =
        // [4., 1.5, 5., 1.5, 6.5, 9., 3., 8., 6.5]
        assert_eq!(
            ranks(&[3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0]),
            vec![4.0, 1.5, 5.0, 1.5, 6.5, 9.0, 3.0, 8.0, 6.5]
        );
        assert_eq!(ranks(&[2.0, 2.0, 2.0]), vec![2.0; 3]);
    }

    #[test]
    fn least_squares_solves_a_known_system() {
        // Exact fit: y = 2·a − 3·b on 5 points (residuals zero).
        let a = vec![1.0, 2.0, 3.0, 4.0, 5.0];
        let b = vec![1.0, -1.0, 2.0, 0.5, 3.0];
        let y: Vec<f64> = a.iter().zip(&b).map(|(a, b)| 2.0 * a - 3.0 * b).collect();
        let (coef, res) = least_squares(&[a.clone(), b.clone()], &y).unwrap();
        assert!((coef[0] - 2.0).abs() < 1e-13 && (coef[1] + 3.0).abs() < 1e-13);
        assert!(res.iter().all(|e| e.abs() < 1e-12));
        // Overdetermined: the fit of (1,1,1,1)·c to y = (1, 2, 3, 6) is the
        // mean 3; residuals (−2, −1, 0, 3).
        let (c, res) = least_squares(&[vec![1.0; 4]], &[1.0, 2.0, 3.0, 6.0]).unwrap();
        assert!((c[0] - 3.0).abs() < 1e-14);
        for (e, want) in res.iter().zip([-2.0, -1.0, 0.0, 3.0]) {
            assert!((e - want).abs() < 1e-14);
        }
        // Normal equations of the line through (0,1), (1,3), (2,4):
        // slope 1.5, intercept 7/6.
        let (c, _) = least_squares(&[vec![1.0; 3], vec![0.0, 1.0, 2.0]], &[1.0, 3.0, 4.0]).unwrap();
        assert!((c[0] - 7.0 / 6.0).abs() < 1e-14 && (c[1] - 1.5).abs() < 1e-14);
        // Collinear columns have no unique solution.
        assert!(least_squares(&[a.clone(), a.iter().map(|v| 2.0 * v).collect()], &y).is_none());
    }

    fn uniform_design(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|_| (0..k).map(|_| rng.random::<f64>()).collect())
            .collect()
    }

    #[test]
    fn src_of_a_linear_model_is_coefficient_times_sd_ratio() {
        // Y = 2·X1 − X2 + 0·X3 exactly: SRC_i = b_i·sd(X_i)/sd(Y) on the
        // sample (an identity for an exact linear model), and R² = 1.
        let x = uniform_design(2_000, 3, 11);
        let y: Vec<f64> = x.iter().map(|r| 2.0 * r[0] - r[1]).collect();
        let s = analyze_src(&x, &y, 3, 50, 0.95, &mut ChaCha8Rng::seed_from_u64(1)).unwrap();
        let sd_y = sample_sd(&y);
        for (i, b) in [2.0, -1.0, 0.0].iter().enumerate() {
            let xi: Vec<f64> = x.iter().map(|r| r[i]).collect();
            let want = b * sample_sd(&xi) / sd_y;
            assert!(
                (s.src[i] - want).abs() < 1e-12,
                "SRC{i} {} vs {want}",
                s.src[i]
            );
        }
        assert!((s.r2 - 1.0).abs() < 1e-12);
        // Independent uniform inputs: population values 2/√5 and −1/√5.
        // The sample differs mainly through the sample correlation ρ of X1
        // and X2 (SRC1 = 2/√(5 − 4ρ) for equal sds): |ρ| < 3/√n = 0.067
        // moves SRC1 by less than 0.025 and SRC2 by less than 0.015; 0.03
        // allows that and the sds' own noise (about 1% at n = 2,000).
        assert!((s.src[0] - 2.0 / 5f64.sqrt()).abs() < 0.03, "{:?}", s.src);
        assert!((s.src[1] + 1.0 / 5f64.sqrt()).abs() < 0.03, "{:?}", s.src);
        // Even an exact fit's SRC vary over resamples, through the sample
        // sds and correlation (standard error about 0.01 at n = 2,000, as
        // above): the 95% half-widths are of that order, and 0 for X3.
        assert!(
            s.src_conf[..2].iter().all(|c| *c > 0.003 && *c < 0.04),
            "{:?}",
            s.src_conf
        );
        assert!(s.src_conf[2] < 1e-12, "{:?}", s.src_conf);
    }

    #[test]
    fn src_r2_falls_for_a_non_linear_model() {
        // Y = sin(2π X1): an odd bump the line cannot follow. Population:
        // cov(X, sin 2πX) = −1/(2π), var X = 1/12, var Y = 1/2, so
        // R² = (1/(4π²))·12·2 = 6/π² ≈ 0.608 < 0.7.
        let x = uniform_design(4_000, 2, 5);
        let y: Vec<f64> = x
            .iter()
            .map(|r| (2.0 * std::f64::consts::PI * r[0]).sin())
            .collect();
        let s = analyze_src(&x, &y, 2, 20, 0.95, &mut ChaCha8Rng::seed_from_u64(1)).unwrap();
        let want = 6.0 / std::f64::consts::PI.powi(2);
        // Sampling error of R² at n = 4,000 is about 0.01; allow 0.03.
        assert!((s.r2 - want).abs() < 0.03, "R² {}", s.r2);
    }

    #[test]
    fn prcc_of_a_monotone_function_of_one_input_is_one() {
        // Y = exp(5 X1): ranks of Y are the ranks of X1, so after removing
        // X2 and X3 from both, the residuals are identical: PRCC1 = 1.
        let x = uniform_design(500, 3, 3);
        let y: Vec<f64> = x.iter().map(|r| (5.0 * r[0]).exp()).collect();
        let p = analyze_prcc(&x, &y, 3, 30, 0.95, &mut ChaCha8Rng::seed_from_u64(2)).unwrap();
        assert!((p.prcc[0] - 1.0).abs() < 1e-12, "{:?}", p.prcc);
        assert!(p.p_value[0] < 1e-100, "{:?}", p.p_value);
        // The others: Y's ranks are X1's, so their partial correlation with
        // X2, X3 given X1 is 0/0 in exact arithmetic (rounding noise or NaN
        // here); nothing is asserted about them.
    }

    #[test]
    fn prcc_matches_the_population_value_of_a_noisy_monotone_model() {
        // Y = X1 + X2 + 0·X3 with X uniform: PRCC3 is about 0 (|r| < 3/√n
        // is a 3-sigma bound under the null), PRCC1 = PRCC2 close to 1.
        let x = uniform_design(1_000, 3, 9);
        let y: Vec<f64> = x.iter().map(|r| r[0] + r[1]).collect();
        let p = analyze_prcc(&x, &y, 3, 30, 0.95, &mut ChaCha8Rng::seed_from_u64(2)).unwrap();
        assert!(p.prcc[2].abs() < 3.0 / (1000f64).sqrt(), "{:?}", p.prcc);
        assert!(p.prcc[0] > 0.95 && p.prcc[1] > 0.95, "{:?}", p.prcc);
        assert!(p.p_value[0] < 1e-10 && p.p_value[2] > 1e-3);
    }

    #[test]
    fn p_values_match_scipy_t_distribution() {
        // scipy 1.17.1: t = r * np.sqrt(df / (1 - r*r)); 2 * stats.t.sf(abs(t), df)
        //   r = 0.3, df = 20   -> 0.17494720074034723   (n = 24, 2 controls)
        //   r = -0.05, df = 97 -> 0.6230848513294605    (n = 100, 1 control)
        //   r = 0.9, df = 3    -> 0.03738607346849862   (n = 5, 0 controls)
        //   r = 0.6, df = 1    -> 0.5903344706017332    (n = 4, 1 control)
        for (r, n, c, want) in [
            (0.3, 24, 2, 0.174_947_200_740_347_23),
            (-0.05, 100, 1, 0.623_084_851_329_460_5),
            (0.9, 5, 0, 0.037_386_073_468_498_62),
            (0.6, 4, 1, 0.590_334_470_601_733_2),
        ] {
            let p = partial_correlation_p(r, n, c);
            assert!(
                (p - want).abs() < 1e-12 * want.max(1e-3),
                "r={r}: {p} vs {want}"
            );
        }
        assert!(partial_correlation_p(0.5, 3, 1).is_nan());
    }

    #[test]
    fn degenerate_inputs_are_errors() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let x = uniform_design(20, 2, 1);
        assert_eq!(
            analyze_src(&x, &[4.0; 20], 2, 5, 0.95, &mut rng).unwrap_err(),
            AnalysisError::ZeroVariance
        );
        let flat: Vec<Vec<f64>> = x.iter().map(|r| vec![r[0], 1.0]).collect();
        let y: Vec<f64> = x.iter().map(|r| r[0]).collect();
        assert!(matches!(
            analyze_prcc(&flat, &y, 2, 5, 0.95, &mut rng),
            Err(AnalysisError::Settings(_))
        ));
        assert!(matches!(
            analyze_src(&x[..3], &y[..3], 2, 5, 0.95, &mut rng),
            Err(AnalysisError::Settings(_))
        ));
        assert!(matches!(
            analyze_src(&x, &y[..19], 2, 5, 0.95, &mut rng),
            Err(AnalysisError::Length { .. })
        ));
    }
}
