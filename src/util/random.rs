//! Random draws shared by the engine and the calibration: standard normal
//! draws and the clipped or floored draws built on them, and the conversion
//! of a yearly hazard into a weekly probability. Each takes the caller's
//! generator, so the caller's named stream decides the numbers.

use rand::Rng;

/// A share drawn from Normal(mean, sd) clipped to [0, 1] (initial engagement).
pub fn draw_share<R: Rng>(rng: &mut R, mean: f64, sd: f64) -> f64 {
    (mean + sd * standard_normal(rng)).clamp(0.0, 1.0)
}

/// A multiplier drawn from Normal(1, cv), floored at `floor` (heterogeneous capacity).
pub fn draw_multiplier<R: Rng>(rng: &mut R, cv: f64, floor: f64) -> f64 {
    (1.0 + cv * standard_normal(rng)).max(floor)
}

/// A standard normal draw (rand_distr's ziggurat sampler: fast, and the same
/// numbers on every platform for the same generator state).
pub fn standard_normal<R: Rng>(rng: &mut R) -> f64 {
    rng.sample(rand_distr::StandardNormal)
}

/// Weekly probability of an event with a yearly hazard `h` (probability per
/// year): 1 − (1 − h)^(1/52).
pub fn weekly_probability(per_year: f64) -> f64 {
    if per_year <= 0.0 {
        0.0
    } else if per_year >= 1.0 {
        1.0
    } else {
        1.0 - (1.0 - per_year).powf(1.0 / 52.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn weekly_probability_compounds_to_the_yearly_hazard() {
        let p = weekly_probability(0.3);
        let yearly = 1.0 - (1.0 - p).powi(52);
        assert!((yearly - 0.3).abs() < 1e-12);
        assert_eq!(weekly_probability(0.0), 0.0);
        assert_eq!(weekly_probability(1.0), 1.0);
    }

    #[test]
    fn standard_normal_has_unit_moments() {
        // 200,000 draws: the standard error of the mean is 0.0022 and of the
        // variance about 0.0032, so 0.01 is over 3 standard errors.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| standard_normal(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.015, "var {var}");
    }

    #[test]
    fn clipped_draws_stay_in_range() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        for _ in 0..1000 {
            let v = draw_share(&mut rng, 0.9, 0.5);
            assert!((0.0..=1.0).contains(&v));
            assert!(draw_multiplier(&mut rng, 2.0, 0.2) >= 0.2);
        }
    }
}
