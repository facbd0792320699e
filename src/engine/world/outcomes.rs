//! ODD §7.11: the outcome layer (optional). Enrolled people's emergency
//! admissions fall by `effect_size` after a linear ramp of `lag_weeks`; the
//! delivered reduction across the promised population is compared with the
//! promise once it is due, and the gap lowers engagement (I3, I6; §7.12).

use super::World;

/// The current gap between promised and delivered outcomes (share of the promise).
#[derive(Debug, Clone, Default)]
pub(super) struct OutcomeState {
    pub promise_gap: f64,
}

/// Share of the promise not delivered (0 when delivered or nothing promised).
pub(super) fn promise_gap(promised: f64, delivered: f64) -> f64 {
    if promised > 0.0 {
        ((promised - delivered) / promised).max(0.0)
    } else {
        0.0
    }
}

impl World<'_> {
    /// Reduction in emergency admissions delivered so far (share).
    pub(super) fn delivered_reduction(&self) -> f64 {
        let o = &self.params().outcomes;
        let t = self.tick;
        let mut effect_people = 0.0;
        for s in &self.eas {
            for &(t0, people) in &s.enrolments {
                let ramp = if o.lag_weeks == 0 {
                    1.0
                } else {
                    ((t - t0) as f64 / o.lag_weeks as f64).min(1.0)
                };
                effect_people += people * ramp;
            }
        }
        (effect_people * o.effect_size * o.admission_risk_ratio / o.population).min(1.0)
    }

    /// The promise gap, once the promise is due.
    pub(super) fn update_promise_gap(&mut self) {
        let o = &self.params().outcomes;
        self.outcomes.promise_gap = match o.promised_by {
            Some(by) if o.promised_reduction > 0.0 && self.date() >= by => {
                promise_gap(o.promised_reduction, self.delivered_reduction())
            }
            _ => 0.0,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::promise_gap;

    #[test]
    fn the_gap_is_the_undelivered_share_of_the_promise() {
        assert!((promise_gap(0.1, 0.025) - 0.75).abs() < 1e-12);
        assert_eq!(promise_gap(0.1, 0.2), 0.0);
        assert_eq!(promise_gap(0.0, 0.0), 0.0);
    }
}
