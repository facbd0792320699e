//! Sampling designs on the unit hypercube: rows are design points, columns
//! factors, values in [0, 1]. Callers map them to parameter ranges.

use rand::seq::SliceRandom;
use rand::Rng;

use super::sobol_sequence::{SobolSequence, MAX_DIMENSIONS};

/// Why a design cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DesignError {
    /// No factors or no samples.
    #[error("expected at least one {0}")]
    Empty(&'static str),
    /// Too many dimensions for the Sobol sequence.
    #[error("the Sobol sequence here supports at most {max} dimensions; this design needs {found} (a Saltelli design needs 2 per parameter, so at most {} parameters)", max / 2)]
    Dimensions {
        /// Needed.
        found: usize,
        /// Supported.
        max: usize,
    },
    /// Morris levels must be even and at least 2.
    #[error("Morris levels must be an even number ≥ 2, found {0}")]
    Levels(usize),
}

fn check(n: usize, k: usize) -> Result<(), DesignError> {
    if k == 0 {
        return Err(DesignError::Empty("factor"));
    }
    if n == 0 {
        return Err(DesignError::Empty("sample"));
    }
    Ok(())
}

/// `n` independent uniform points in `k` dimensions.
pub fn random_uniform<R: Rng>(
    n: usize,
    k: usize,
    rng: &mut R,
) -> Result<Vec<Vec<f64>>, DesignError> {
    check(n, k)?;
    Ok((0..n)
        .map(|_| (0..k).map(|_| rng.random::<f64>()).collect())
        .collect())
}

/// Latin hypercube: in every column the `n` points fall one in each of the
/// `n` equal strata, at a uniform position inside it; columns are permuted
/// independently (McKay, Beckman & Conover 1979).
pub fn latin_hypercube<R: Rng>(
    n: usize,
    k: usize,
    rng: &mut R,
) -> Result<Vec<Vec<f64>>, DesignError> {
    check(n, k)?;
    let mut out = vec![vec![0.0; k]; n];
    let mut strata: Vec<usize> = (0..n).collect();
    for j in 0..k {
        strata.shuffle(rng);
        for (row, &s) in out.iter_mut().zip(&strata) {
            row[j] = (s as f64 + rng.random::<f64>()) / n as f64;
        }
    }
    Ok(out)
}

/// Rows per base sample of a Saltelli design: k + 2, or 2k + 2 with second order.
pub fn saltelli_rows_per_base(k: usize, second_order: bool) -> usize {
    if second_order {
        2 * k + 2
    } else {
        k + 2
    }
}

/// Saltelli cross-sampling (Saltelli 2002; Saltelli et al. 2010) in SALib's
/// row layout. Base points come from the 2k-dimensional Sobol sequence after
/// `skip` points: A = the first k columns, B = the last k. For each base
/// point j the rows are A_j, then AB_j^(i) (A_j with column i from B_j) for
/// i = 1…k, then with second order BA_j^(i) (B_j with column i from A_j),
/// then B_j.
pub fn saltelli(
    n: usize,
    k: usize,
    second_order: bool,
    skip: u64,
) -> Result<Vec<Vec<f64>>, DesignError> {
    check(n, k)?;
    if 2 * k > MAX_DIMENSIONS {
        return Err(DesignError::Dimensions {
            found: 2 * k,
            max: MAX_DIMENSIONS,
        });
    }
    let seq = SobolSequence::new(2 * k)?;
    let mut out = Vec::with_capacity(n * saltelli_rows_per_base(k, second_order));
    for base in seq.points(skip, n) {
        let (a, b) = base.split_at(k);
        out.push(a.to_vec());
        for i in 0..k {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            out.push(ab);
        }
        if second_order {
            for i in 0..k {
                let mut ba = b.to_vec();
                ba[i] = a[i];
                out.push(ba);
            }
        }
        out.push(b.to_vec());
    }
    Ok(out)
}

/// Morris (1991) one-at-a-time trajectories on a grid of `levels` values
/// {0, 1/(p−1), …, 1} with step Δ = p / (2(p−1)): each trajectory starts at a
/// random grid point from which every factor can move by Δ, and moves each
/// factor once, in random order and random direction. Returns
/// `trajectories × (k + 1)` rows; consecutive rows of a trajectory differ in
/// exactly one factor, by exactly Δ.
pub fn morris<R: Rng>(
    k: usize,
    trajectories: usize,
    levels: usize,
    rng: &mut R,
) -> Result<Vec<Vec<f64>>, DesignError> {
    check(trajectories, k)?;
    if levels < 2 || !levels.is_multiple_of(2) {
        return Err(DesignError::Levels(levels));
    }
    let step = levels as f64 / (2.0 * (levels as f64 - 1.0));
    let grid = |i: usize| i as f64 / (levels as f64 - 1.0);
    let mut out = Vec::with_capacity(trajectories * (k + 1));
    let mut order: Vec<usize> = (0..k).collect();
    for _ in 0..trajectories {
        // Lower corner x* on the grid with x* + Δ ≤ 1; direction +1 starts low, −1 starts high.
        let base: Vec<f64> = (0..k)
            .map(|_| grid(rng.random_range(0..levels / 2)))
            .collect();
        let up: Vec<bool> = (0..k).map(|_| rng.random::<bool>()).collect();
        order.shuffle(rng);
        let mut x: Vec<f64> = base
            .iter()
            .zip(&up)
            .map(|(&b, &u)| if u { b } else { b + step })
            .collect();
        out.push(x.clone());
        for &i in &order {
            x[i] = if up[i] { base[i] + step } else { base[i] };
            out.push(x.clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn latin_hypercube_stratifies_every_column() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for n in [1, 7, 50] {
            let d = latin_hypercube(n, 4, &mut rng).unwrap();
            assert_eq!(d.len(), n);
            for j in 0..4 {
                let mut strata: Vec<usize> = d.iter().map(|r| (r[j] * n as f64) as usize).collect();
                strata.sort_unstable();
                assert_eq!(strata, (0..n).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn random_points_fill_the_cube_uniformly() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let d = random_uniform(20_000, 3, &mut rng).unwrap();
        for j in 0..3 {
            let mean = d.iter().map(|r| r[j]).sum::<f64>() / d.len() as f64;
            // SE of the mean of U(0,1) at n = 20,000 is 0.002; 0.01 is 5 SE.
            assert!((mean - 0.5).abs() < 0.01, "{mean}");
            assert!(d.iter().all(|r| (0.0..1.0).contains(&r[j])));
        }
    }

    #[test]
    fn saltelli_rows_follow_salib_layout() {
        let k = 3;
        let d = saltelli(4, k, true, 0).unwrap();
        assert_eq!(d.len(), 4 * saltelli_rows_per_base(k, true));
        let seq = SobolSequence::new(2 * k).unwrap();
        for (j, block) in d.chunks(2 * k + 2).enumerate() {
            let base = seq.point(j as u64);
            let (a, b) = base.split_at(k);
            assert_eq!(block[0], a);
            assert_eq!(block[2 * k + 1], b);
            for i in 0..k {
                for c in 0..k {
                    assert_eq!(block[1 + i][c], if c == i { b[c] } else { a[c] });
                    assert_eq!(block[1 + k + i][c], if c == i { a[c] } else { b[c] });
                }
            }
        }
        assert_eq!(saltelli(8, 2, false, 0).unwrap().len(), 32);
        assert!(matches!(
            saltelli(8, 16, false, 0),
            Err(DesignError::Dimensions { .. })
        ));
    }

    #[test]
    fn morris_trajectories_move_one_factor_by_delta() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let (k, r, p) = (5, 30, 4);
        let delta = p as f64 / (2.0 * (p as f64 - 1.0));
        let d = morris(k, r, p, &mut rng).unwrap();
        assert_eq!(d.len(), r * (k + 1));
        for t in d.chunks(k + 1) {
            let mut moved = vec![false; k];
            for w in t.windows(2) {
                let changed: Vec<usize> = (0..k).filter(|&i| w[0][i] != w[1][i]).collect();
                assert_eq!(changed.len(), 1);
                let i = changed[0];
                assert!(((w[1][i] - w[0][i]).abs() - delta).abs() < 1e-12);
                assert!(!moved[i], "each factor moves once");
                moved[i] = true;
            }
            for x in t.iter().flatten() {
                let level = x * (p as f64 - 1.0);
                assert!((level - level.round()).abs() < 1e-9 && (0.0..=1.0).contains(x));
            }
        }
        assert_eq!(morris(2, 3, 3, &mut rng), Err(DesignError::Levels(3)));
    }
}
