//! Order statistics used by the summaries.

/// Linear-interpolation quantile of sorted data (R's default, type 7).
/// `sorted` must be sorted ascending and non-empty.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    debug_assert!(!sorted.is_empty());
    let n = sorted.len();
    if n == 1 {
        return sorted[0];
    }
    let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The 10%, 50% and 90% quantiles (type 7) of unsorted data, which it sorts.
/// `values` must be non-empty.
pub fn p10_p50_p90(mut values: Vec<f64>) -> [f64; 3] {
    values.sort_by(f64::total_cmp);
    [
        quantile_sorted(&values, 0.1),
        quantile_sorted(&values, 0.5),
        quantile_sorted(&values, 0.9),
    ]
}

/// Nearest-rank quantile (type 1, inverse of the empirical CDF) of sorted
/// data in which `None` (not reached) sorts last: returns `None` when the
/// quantile falls among the not-reached. Used for dates, where an
/// interpolated value is not a date anyone could observe.
pub fn nearest_rank<T: Copy + Ord>(sorted_reached: &[T], total: usize, q: f64) -> Option<T> {
    if total == 0 {
        return None;
    }
    let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as usize).max(1);
    sorted_reached.get(rank - 1).copied()
}

/// Mean of a slice (0 for an empty one).
pub fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_quantiles_match_r() {
        // R: quantile(1:10, c(0.1, 0.5, 0.9)) = 1.9, 5.5, 9.1
        let xs: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!((quantile_sorted(&xs, 0.1) - 1.9).abs() < 1e-12);
        assert!((quantile_sorted(&xs, 0.5) - 5.5).abs() < 1e-12);
        assert!((quantile_sorted(&xs, 0.9) - 9.1).abs() < 1e-12);
        assert_eq!(quantile_sorted(&[3.0], 0.3), 3.0);
    }

    #[test]
    fn nearest_rank_treats_unreached_as_infinite() {
        // R: quantile(1:10, 0.5, type = 1) = 5
        let reached: Vec<u32> = (1..=10).collect();
        assert_eq!(nearest_rank(&reached, 10, 0.5), Some(5));
        assert_eq!(nearest_rank(&reached, 10, 0.1), Some(1));
        // Only 4 of 10 reached: the median is "not reached".
        assert_eq!(nearest_rank(&reached[..4], 10, 0.5), None);
        assert_eq!(nearest_rank(&reached[..4], 10, 0.4), Some(4));
    }
}
