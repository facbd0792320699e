//! The Sobol low-discrepancy sequence (unscrambled), with the Joe–Kuo
//! direction numbers `new-joe-kuo-6.21201` (S. Joe and F. Y. Kuo,
//! "Constructing Sobol sequences with better two-dimensional projections",
//! SIAM J. Sci. Comput. 30:2635–2654, 2008). Points are computed directly
//! from their index (no state), in 32-bit fixed point, so any slice of the
//! sequence can be generated independently: the sequence starts at the
//! all-zero point.

use super::DesignError;

/// Rows `(s, a, m_1..m_s)` of the Joe–Kuo table for dimensions 2…31
/// (dimension 1 is the van der Corput sequence, all m = 1).
const JOE_KUO: [(u32, u32, &[u32]); 30] = [
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
    (5, 4, &[1, 1, 5, 5, 5]),
    (5, 7, &[1, 1, 7, 11, 19]),
    (5, 11, &[1, 1, 5, 1, 1]),
    (5, 13, &[1, 1, 1, 3, 11]),
    (5, 14, &[1, 3, 5, 5, 31]),
    (6, 1, &[1, 3, 3, 9, 7, 49]),
    (6, 13, &[1, 1, 1, 15, 21, 21]),
    (6, 16, &[1, 3, 1, 13, 27, 49]),
    (6, 19, &[1, 1, 1, 15, 7, 5]),
    (6, 22, &[1, 3, 1, 15, 13, 25]),
    (6, 25, &[1, 1, 5, 5, 19, 61]),
    (7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (7, 4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, 7, &[1, 1, 3, 13, 7, 35, 63]),
    (7, 8, &[1, 3, 5, 9, 1, 25, 53]),
    (7, 14, &[1, 3, 1, 13, 9, 35, 107]),
    (7, 19, &[1, 3, 1, 5, 27, 61, 31]),
    (7, 21, &[1, 1, 5, 11, 19, 41, 61]),
    (7, 28, &[1, 3, 5, 3, 3, 13, 69]),
    (7, 31, &[1, 1, 7, 13, 1, 19, 1]),
    (7, 32, &[1, 3, 7, 5, 13, 19, 59]),
    (7, 37, &[1, 1, 3, 9, 25, 29, 41]),
    (7, 41, &[1, 3, 5, 13, 23, 1, 55]),
];

/// Bits of precision (points are multiples of 2⁻³²; at most 2³² points).
const BITS: usize = 32;

/// Most dimensions supported.
pub const MAX_DIMENSIONS: usize = JOE_KUO.len() + 1;

/// The Sobol sequence in a fixed number of dimensions.
#[derive(Debug, Clone)]
pub struct SobolSequence {
    /// Direction numbers `v[d][i]`, scaled by 2³².
    directions: Vec<[u32; BITS]>,
}

impl SobolSequence {
    /// The sequence in `dimensions` dimensions (1 ≤ d ≤ `MAX_DIMENSIONS`).
    pub fn new(dimensions: usize) -> Result<Self, DesignError> {
        if dimensions == 0 || dimensions > MAX_DIMENSIONS {
            return Err(DesignError::Dimensions {
                found: dimensions,
                max: MAX_DIMENSIONS,
            });
        }
        let mut directions = Vec::with_capacity(dimensions);
        let mut first = [0u32; BITS];
        for (i, v) in first.iter_mut().enumerate() {
            *v = 1u32 << (BITS - 1 - i);
        }
        directions.push(first);
        for &(s, a, m) in JOE_KUO.iter().take(dimensions - 1) {
            let s = s as usize;
            let mut v = [0u32; BITS];
            for i in 0..BITS {
                v[i] = if i < s {
                    m[i] << (BITS - 1 - i)
                } else {
                    let mut x = v[i - s] ^ (v[i - s] >> s);
                    for k in 1..s {
                        if (a >> (s - 1 - k)) & 1 == 1 {
                            x ^= v[i - k];
                        }
                    }
                    x
                };
            }
            directions.push(v);
        }
        Ok(SobolSequence { directions })
    }

    /// Dimensions.
    pub fn dimensions(&self) -> usize {
        self.directions.len()
    }

    /// The point with this index (0 is the origin), from its Gray code.
    pub fn point(&self, index: u64) -> Vec<f64> {
        let gray = index ^ (index >> 1);
        self.directions
            .iter()
            .map(|v| {
                let mut x = 0u32;
                let mut g = gray;
                let mut bit = 0;
                while g != 0 && bit < BITS {
                    if g & 1 == 1 {
                        x ^= v[bit];
                    }
                    g >>= 1;
                    bit += 1;
                }
                x as f64 / 4_294_967_296.0
            })
            .collect()
    }

    /// `count` consecutive points after skipping the first `skip`.
    pub fn points(&self, skip: u64, count: usize) -> Vec<Vec<f64>> {
        (0..count as u64).map(|i| self.point(skip + i)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_points_are_the_published_ones() {
        // sensitivity-reference.md; further points as scipy.stats.qmc.Sobol(3, scramble=False) lists them.
        let s = SobolSequence::new(3).unwrap();
        let expected = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25],
            [0.25, 0.75, 0.75],
            [0.375, 0.375, 0.625],
            [0.875, 0.875, 0.125],
            [0.625, 0.125, 0.875],
            [0.125, 0.625, 0.375],
        ];
        for (i, e) in expected.iter().enumerate() {
            assert_eq!(s.point(i as u64), e.to_vec(), "point {i}");
        }
    }

    #[test]
    fn every_dyadic_block_stratifies_each_dimension() {
        // The defining (t, s)-sequence property in one dimension: any 2^m
        // consecutive points starting at a multiple of 2^m put one point in
        // each interval [j/2^m, (j+1)/2^m).
        let s = SobolSequence::new(MAX_DIMENSIONS).unwrap();
        for m in [3u32, 6, 8] {
            let n = 1u64 << m;
            for block in 0..3u64 {
                let pts = s.points(block * n, n as usize);
                for d in 0..MAX_DIMENSIONS {
                    let mut seen = vec![false; n as usize];
                    for p in &pts {
                        seen[(p[d] * n as f64) as usize] = true;
                    }
                    assert!(
                        seen.iter().all(|&x| x),
                        "m = {m}, block {block}, dimension {}",
                        d + 1
                    );
                }
            }
        }
    }

    #[test]
    fn dimensions_are_bounded() {
        assert!(SobolSequence::new(0).is_err());
        assert!(SobolSequence::new(MAX_DIMENSIONS + 1).is_err());
        assert_eq!(SobolSequence::new(MAX_DIMENSIONS).unwrap().dimensions(), 31);
    }
}
