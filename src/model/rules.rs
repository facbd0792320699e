//! Pure rules of the model, each small enough to test against hand-worked
//! values. The engine calls them; they know nothing of the engine.

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

/// Multiplier on available hours this week: Normal(1, cv) clipped to [0, 2].
pub fn availability_shock<R: Rng>(rng: &mut R, cv: f64) -> f64 {
    let z = standard_normal(rng);
    (1.0 + cv * z).clamp(0.0, 2.0)
}

/// Probability that an invited member attends: its engagement, scaled down
/// when its spare hours this week are fewer than the meeting needs.
pub fn attendance_probability(engagement: f64, spare_hours: f64, meeting_hours: f64) -> f64 {
    let room = if meeting_hours <= 0.0 {
        1.0
    } else {
        (spare_hours / meeting_hours).clamp(0.0, 1.0)
    };
    // Even an overstretched member sometimes comes: a floor of a quarter of
    // its engagement (meetings are prioritised over other programme work).
    (engagement * (0.25 + 0.75 * room)).clamp(0.0, 1.0)
}

/// Effort multiplier of an early adopter with prior relationships `p` (0..1)
/// and weight `w`: 1 − w/2 + w·p (so 1 at p = 0.5; 0.5..1.5 at w = 1).
pub fn prior_relationship_multiplier(p: f64, w: f64) -> f64 {
    (1.0 - w / 2.0 + w * p).max(0.0)
}

/// Effective transactional effort from the signers' hours: a blend of the
/// sum (substitutes) and the number of signers times the smallest
/// contribution (perfect complements: nothing is signed until every party
/// works on it). `c` is the weight of the complements term.
pub fn signer_effort<I: IntoIterator<Item = f64>>(hours: I, c: f64) -> f64 {
    let (mut sum, mut min, mut n) = (0.0, f64::INFINITY, 0u32);
    for h in hours {
        sum += h;
        min = min.min(h);
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    (1.0 - c) * sum + c * n as f64 * min
}

/// Engagement lost at the n-th slip of the timetable (n ≥ 1): the loss grows
/// with every earlier slip.
pub fn deadline_loss(base: f64, escalation: f64, n: u32) -> f64 {
    base * (1.0 + escalation * (n.saturating_sub(1)) as f64)
}

/// Whether a date is 1 April (the start of the NHS financial year).
pub fn is_first_of_april(d: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    d.month() == 4 && d.day() == 1
}

/// A slip in days rounded to whole years (a 3-month slip is 0 years, 9 months is 1).
pub fn whole_years(days: i64) -> i32 {
    (days as f64 / 365.25).round() as i32
}

/// The same day `years` later (29 February falls back to 28 February).
pub fn add_years(d: chrono::NaiveDate, years: i32) -> chrono::NaiveDate {
    use chrono::Datelike;
    d.with_year(d.year() + years)
        .or_else(|| chrono::NaiveDate::from_ymd_opt(d.year() + years, d.month(), 28))
        .unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn april_anchored_dates_move_in_whole_years() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert!(is_first_of_april(d(2015, 4, 1)) && !is_first_of_april(d(2015, 4, 2)));
        assert_eq!(whole_years(90), 0);
        assert_eq!(whole_years(270), 1);
        assert_eq!(whole_years(365), 1);
        assert_eq!(add_years(d(2015, 4, 1), 1), d(2016, 4, 1));
        assert_eq!(add_years(d(2016, 2, 29), 1), d(2017, 2, 28));
    }

    #[test]
    fn weekly_probability_compounds_to_the_yearly_hazard() {
        let p = weekly_probability(0.3);
        let yearly = 1.0 - (1.0 - p).powi(52);
        assert!((yearly - 0.3).abs() < 1e-12);
        assert_eq!(weekly_probability(0.0), 0.0);
        assert_eq!(weekly_probability(1.0), 1.0);
    }

    #[test]
    fn signer_effort_is_the_sum_for_substitutes_and_limited_by_the_laggard_for_complements() {
        assert_eq!(signer_effort([10.0, 2.0], 0.0), 12.0);
        assert_eq!(signer_effort([10.0, 2.0], 1.0), 4.0);
        assert_eq!(signer_effort([10.0, 2.0], 0.5), 8.0);
        assert_eq!(signer_effort([5.0, 0.0], 1.0), 0.0);
        assert_eq!(signer_effort(std::iter::empty(), 0.5), 0.0);
    }

    #[test]
    fn deadline_loss_escalates_with_each_slip() {
        assert_eq!(deadline_loss(0.04, 0.5, 1), 0.04);
        assert!((deadline_loss(0.04, 0.5, 3) - 0.08).abs() < 1e-12);
    }

    #[test]
    fn attendance_falls_with_engagement_and_lack_of_time() {
        assert_eq!(attendance_probability(0.8, 10.0, 3.0), 0.8);
        assert!((attendance_probability(0.8, 0.0, 3.0) - 0.2).abs() < 1e-12);
        assert!(attendance_probability(0.4, 10.0, 3.0) < attendance_probability(0.8, 10.0, 3.0));
    }

    #[test]
    fn prior_relationships_scale_effort_around_one() {
        assert_eq!(prior_relationship_multiplier(0.5, 1.0), 1.0);
        assert_eq!(prior_relationship_multiplier(1.0, 1.0), 1.5);
        assert_eq!(prior_relationship_multiplier(0.0, 0.0), 1.0);
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
