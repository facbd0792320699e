//! The PAWN moment-independent sensitivity index (Pianosi and Wagener 2015,
//! 2018) for any design, computed exactly as SALib 1.6.0's
//! `SALib.analyze.pawn.analyze`: for each input X_i, the range of X_i is cut
//! into S slices at its empirical quantiles j/S (j = 0..S; NumPy's default
//! linear interpolation, the levels being `numpy.arange(0, 1 + 1/S, 1/S)`);
//! slice j holds the points with q_j ≤ X_i < q_(j+1) (so the points at the
//! largest value of X_i are in no slice, as in SALib). For each non-empty
//! slice the Kolmogorov–Smirnov statistic between the outputs of the slice
//! and all the outputs is computed (`scipy.stats.ks_2samp`'s statistic);
//! the index is summarised over slices by the minimum, mean, median,
//! maximum, standard deviation (population) and coefficient of variation
//! (sd / mean). The KS statistic is a difference of two CDFs: 0 (the
//! output's distribution does not change when X_i is fixed to a slice) to 1.
//!
//! Confidence half-width of the median: z·sd of the median over bootstrap
//! resamples of the design points (SALib reports none).

use rand::Rng;
use serde::Serialize;

use super::{sample_sd, z_value, AnalysisError};

/// The two-sample Kolmogorov–Smirnov statistic sup |F1 − F2| of two sorted
/// samples, evaluated at every value of both as `scipy.stats.ks_2samp`
/// does (same divisions, so the same floating-point result).
pub fn ks_statistic(a: &[f64], b: &[f64]) -> f64 {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0, 0);
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut at = |v: f64, i: &mut usize, j: &mut usize| {
        while *i < a.len() && a[*i] <= v {
            *i += 1;
        }
        while *j < b.len() && b[*j] <= v {
            *j += 1;
        }
        let d = *i as f64 / n1 - *j as f64 / n2;
        min = min.min(d);
        max = max.max(d);
    };
    // Every value of either sample, in increasing order (the counts only grow).
    let (mut p, mut q) = (0, 0);
    while p < a.len() || q < b.len() {
        let v = if q >= b.len() || (p < a.len() && a[p] <= b[q]) {
            p += 1;
            a[p - 1]
        } else {
            q += 1;
            b[q - 1]
        };
        at(v, &mut i, &mut j);
    }
    let min_s = (-min).clamp(0.0, 1.0);
    if min_s > max {
        min_s
    } else {
        max
    }
}

/// NumPy's default (`linear`) quantile of sorted data, with its exact
/// arithmetic: virtual index (n − 1)·q, weight g = its fractional part,
/// a + (b − a)·g for g < 0.5 and b − (b − a)·(1 − g) otherwise.
pub fn numpy_quantile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let v = (n - 1) as f64 * q;
    if v >= (n - 1) as f64 {
        return sorted[n - 1];
    }
    if v < 0.0 {
        return sorted[0];
    }
    let lo = v.floor();
    let g = v - lo;
    let (a, b) = (sorted[lo as usize], sorted[lo as usize + 1]);
    let d = b - a;
    if g >= 0.5 {
        b - d * (1.0 - g)
    } else {
        a + d * g
    }
}

/// PAWN statistics of one input over the slices.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PawnStats {
    /// Smallest KS statistic over slices.
    pub minimum: f64,
    /// Mean.
    pub mean: f64,
    /// Median (the usual index).
    pub median: f64,
    /// Largest.
    pub maximum: f64,
    /// Coefficient of variation: stdev / mean.
    pub cv: f64,
    /// Standard deviation (population, n in the denominator).
    pub stdev: f64,
}

/// The KS statistic of each slice of input column `x` (NaN for an empty
/// slice), given the sorted outputs `y_sorted`.
pub fn slice_statistics(x: &[f64], y: &[f64], y_sorted: &[f64], slices: usize) -> Vec<f64> {
    let mut xs = x.to_vec();
    xs.sort_by(f64::total_cmp);
    let step = 1.0 / slices as f64;
    let q: Vec<f64> = (0..=slices)
        .map(|j| numpy_quantile(&xs, j as f64 * step))
        .collect();
    (0..slices)
        .map(|s| {
            let mut sel: Vec<f64> = x
                .iter()
                .zip(y)
                .filter(|(xi, _)| **xi >= q[s] && **xi < q[s + 1])
                .map(|(_, yi)| *yi)
                .collect();
            if sel.is_empty() {
                return f64::NAN;
            }
            sel.sort_by(f64::total_cmp);
            ks_statistic(&sel, y_sorted)
        })
        .collect()
}

/// Minimum, mean, median, maximum, stdev and CV of the non-NaN values
/// (NumPy's `nanmin`, `nanmean`, … as SALib uses them).
pub fn summarise(ks: &[f64]) -> PawnStats {
    let mut v: Vec<f64> = ks.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        let nan = f64::NAN;
        return PawnStats {
            minimum: nan,
            mean: nan,
            median: nan,
            maximum: nan,
            cv: nan,
            stdev: nan,
        };
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let mean = v.iter().sum::<f64>() / n as f64;
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    let stdev = (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64).sqrt();
    PawnStats {
        minimum: v[0],
        mean,
        median,
        maximum: v[n - 1],
        cv: stdev / mean,
        stdev,
    }
}

/// PAWN of every input column of `x` (points × k) for outputs `y`.
pub fn pawn(x: &[Vec<f64>], y: &[f64], k: usize, slices: usize) -> Vec<PawnStats> {
    let mut y_sorted = y.to_vec();
    y_sorted.sort_by(f64::total_cmp);
    (0..k)
        .map(|i| {
            let col: Vec<f64> = x.iter().map(|r| r[i]).collect();
            summarise(&slice_statistics(&col, y, &y_sorted, slices))
        })
        .collect()
}

/// PAWN statistics per input and the confidence half-width of the median.
#[derive(Debug, Clone, Serialize)]
pub struct PawnIndices {
    /// Per input.
    pub stats: Vec<PawnStats>,
    /// Confidence half-widths of the medians.
    pub median_conf: Vec<f64>,
}

/// PAWN of `x` (points × k) for outputs `y` with `slices` slices, and
/// bootstrap confidence half-widths of the median.
pub fn analyze<R: Rng>(
    x: &[Vec<f64>],
    y: &[f64],
    k: usize,
    slices: usize,
    bootstrap_resamples: usize,
    confidence_level: f64,
    rng: &mut R,
) -> Result<PawnIndices, AnalysisError> {
    if k == 0 {
        return Err(AnalysisError::Settings("no factors".into()));
    }
    if !(confidence_level > 0.0 && confidence_level < 1.0) {
        return Err(AnalysisError::Settings(format!(
            "confidence level must be in (0, 1), found {confidence_level}"
        )));
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
    if slices < 2 {
        return Err(AnalysisError::Settings(format!(
            "expected at least 2 slices, found {slices}"
        )));
    }
    let stats = pawn(x, y, k, slices);
    let n = y.len();
    let mut medians: Vec<Vec<f64>> = vec![Vec::with_capacity(bootstrap_resamples); k];
    for _ in 0..bootstrap_resamples {
        let rows: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
        let xb: Vec<Vec<f64>> = rows.iter().map(|&r| x[r].clone()).collect();
        let yb: Vec<f64> = rows.iter().map(|&r| y[r]).collect();
        for (m, s) in medians.iter_mut().zip(pawn(&xb, &yb, k, slices)) {
            if s.median.is_finite() {
                m.push(s.median);
            }
        }
    }
    let z = z_value(confidence_level);
    Ok(PawnIndices {
        stats,
        median_conf: medians.iter().map(|m| z * sample_sd(m)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn ks_statistic_matches_scipy() {
        // scipy 1.17.1: ks_2samp([1, 2, 2, 5], [2, 3, 4, 5, 6, 7]).statistic
        // = 0.5833333333333334 (at 2: F1 = 3/4, F2 = 1/6).
        let d = ks_statistic(&[1.0, 2.0, 2.0, 5.0], &[2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
        assert_eq!(d, 3.0 / 4.0 - 1.0 / 6.0);
        // Identical samples: 0. Disjoint: 1.
        assert_eq!(ks_statistic(&[1.0, 2.0], &[1.0, 2.0]), 0.0);
        assert_eq!(ks_statistic(&[1.0, 2.0], &[3.0, 4.0]), 1.0);
        // The minimum side: F1 below F2 by 2/3 at 3 (F1 = 0, F2 = 2/3);
        // scipy: ks_2samp([4, 5, 6], [1, 3, 5]).statistic = 0.6666666666666666.
        let d = ks_statistic(&[4.0, 5.0, 6.0], &[1.0, 3.0, 5.0]);
        assert_eq!(d, 2.0 / 3.0);
    }

    #[test]
    fn numpy_quantile_interpolates_as_numpy() {
        // numpy.quantile([1, 2, 4, 8], [0, 0.1, 0.3, 0.5, 0.9, 1]) =
        //   [1.0, 1.3, 1.9, 3.0, 6.8, 8.0]
        let s = [1.0, 2.0, 4.0, 8.0];
        let got: Vec<f64> = [0.0, 0.1, 0.3, 0.5, 0.9, 1.0]
            .iter()
            .map(|&q| numpy_quantile(&s, q))
            .collect();
        for (g, w) in got.iter().zip([1.0, 1.3, 1.9, 3.0, 6.8, 8.0]) {
            assert!((g - w).abs() < 1e-15, "{got:?}");
        }
        // The arithmetic itself: 0.30000000000000004·100 = 30.000000000000004
        // is above index 30, so the quantile is just above sorted[30] (NumPy
        // gives 30.000000000000004 on 0..=100, not 30).
        let s: Vec<f64> = (0..=100).map(f64::from).collect();
        assert!(numpy_quantile(&s, 3.0 * 0.1) > 30.0);
    }

    #[test]
    fn an_input_that_does_not_enter_y_has_small_pawn_the_influential_one_large() {
        // Y = X1 on 2,000 uniform points, X2 unused. Slice j of X1 holds
        // outputs only within the j-th tenth of their range: its CDF is 0
        // where the whole's is j/10 and 1 where the whole's is (j+1)/10, so
        // KS = max(j, 9 − j)/10: 0.5 to 0.9, median 0.7. X2's slices are random tenths of the
        // points: KS ≈ √(ln(2/α)/2)·√((n1 + n2)/(n1 n2)) ≈ 0.13 at α = 0.05
        // for n1 = 200, n2 = 2,000 at most, so median < 0.13.
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let x: Vec<Vec<f64>> = (0..2_000)
            .map(|_| vec![rng.random::<f64>(), rng.random::<f64>()])
            .collect();
        let y: Vec<f64> = x.iter().map(|r| r[0]).collect();
        let p = analyze(&x, &y, 2, 10, 50, 0.95, &mut rng).unwrap();
        // Within 0.01: the slices hold 200 points give or take the one at
        // the maximum, which is in none.
        let s = p.stats[0];
        assert!((s.median - 0.7).abs() < 0.01, "{s:?}");
        assert!(
            (s.minimum - 0.5).abs() < 0.01 && (s.maximum - 0.9).abs() < 0.01,
            "{s:?}"
        );
        assert!(p.stats[1].median < 0.13, "{:?}", p.stats[1]);
        assert!(
            p.median_conf[1] > 0.0 && p.median_conf[1] < 0.1,
            "{:?}",
            p.median_conf
        );
    }

    #[test]
    fn slices_follow_salibs_rule() {
        // x = 0..=9, S = 5: quantiles 0, 1.8, 3.6, 5.4, 7.2, 9; slices
        // [0,1], [2,3], [4,5], [6,7], [8] (9 is in none). With y = x the
        // slice {8} against 0..=9: F1 − F2 is −0.8 at 7 → 0.8.
        let x: Vec<f64> = (0..10).map(f64::from).collect();
        let mut ys = x.clone();
        ys.sort_by(f64::total_cmp);
        let ks = slice_statistics(&x, &x, &ys, 5);
        assert_eq!(ks[4], 0.8);
        // Slice {0, 1}: F1 = 1 at 1, F2 = 0.2 → 0.8.
        assert_eq!(ks[0], 0.8);
        // SALib 1.6.0: pawn.analyze(problem, x.reshape(-1, 1), x, S=5) gives
        // minimum 0.4, mean 0.64, median 0.6, maximum 0.8, CV 0.23385359.
        let s = summarise(&ks);
        assert_eq!((s.minimum, s.median, s.maximum), (0.4, 0.6, 0.8));
        assert!((s.mean - 0.64).abs() < 1e-15 && (s.cv - 0.233_853_59).abs() < 1e-8);
        // More slices than points: the empty ones are skipped (SALib too).
        let many = slice_statistics(&x, &x, &ys, 20);
        assert_eq!(many.iter().filter(|v| v.is_nan()).count(), 11);
        // A grid with ties: the upper quantile equals the lower for a
        // repeated value, leaving empty slices, which are skipped (NaN);
        // SALib 1.6.0 with S=4 on these data: every statistic 0.5, CV 0.
        let xg = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
        let yg = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        let ks = slice_statistics(&xg, &yg, &yg, 4);
        assert!(ks[0].is_nan() && ks[1] == 0.5 && ks[2].is_nan() && ks[3].is_nan());
        let s = summarise(&ks);
        assert_eq!((s.median, s.stdev, s.cv), (0.5, 0.0, 0.0));
    }

    #[test]
    fn bad_settings_are_errors() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let x = vec![vec![0.0], vec![1.0], vec![2.0]];
        assert!(matches!(
            analyze(&x, &[1.0, 2.0, 3.0], 1, 1, 10, 0.95, &mut rng),
            Err(AnalysisError::Settings(_))
        ));
        assert!(matches!(
            analyze(&x, &[1.0, 2.0], 1, 2, 10, 0.95, &mut rng),
            Err(AnalysisError::Length { .. })
        ));
    }
}
