//! Ids and units that cross module boundaries. Each is a thin newtype so that
//! an agent index cannot be passed where an early adopter index is expected,
//! and pounds cannot be added to hours.

use std::ops::{Add, AddAssign, Mul, Sub, SubAssign};

/// Index of an agent in the plan's roster (agents are grouped by kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgentId(pub u32);

impl AgentId {
    /// Position in per-agent arrays.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of an early adopter in the scenario's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EarlyAdopterId(pub u16);

impl EarlyAdopterId {
    /// Position in per-early-adopter arrays.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

macro_rules! quantity {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
        pub struct $name(pub f64);

        impl Add for $name {
            type Output = $name;
            fn add(self, o: $name) -> $name {
                $name(self.0 + o.0)
            }
        }
        impl Sub for $name {
            type Output = $name;
            fn sub(self, o: $name) -> $name {
                $name(self.0 - o.0)
            }
        }
        impl AddAssign for $name {
            fn add_assign(&mut self, o: $name) {
                self.0 += o.0;
            }
        }
        impl SubAssign for $name {
            fn sub_assign(&mut self, o: $name) {
                self.0 -= o.0;
            }
        }
        impl Mul<f64> for $name {
            type Output = $name;
            fn mul(self, k: f64) -> $name {
                $name(self.0 * k)
            }
        }
    };
}

quantity!(
    /// Money, in pounds sterling.
    Gbp
);
quantity!(
    /// Working time, in hours.
    Hours
);

/// A share or probability in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Share(f64);

impl Share {
    /// A share, or `None` outside [0, 1] (NaN included).
    pub fn new(x: f64) -> Option<Share> {
        (0.0..=1.0).contains(&x).then_some(Share(x))
    }
    /// A value clamped into [0, 1] (NaN becomes 0).
    pub fn clamped(x: f64) -> Share {
        Share(if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) })
    }
    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_refuse_values_outside_the_unit_interval() {
        assert_eq!(Share::new(0.25).map(Share::get), Some(0.25));
        assert!(Share::new(1.5).is_none());
        assert!(Share::new(-0.1).is_none());
        assert!(Share::new(f64::NAN).is_none());
        assert_eq!(Share::clamped(7.0).get(), 1.0);
        assert_eq!(Share::clamped(f64::NAN).get(), 0.0);
    }

    #[test]
    fn quantities_of_one_unit_add_and_scale() {
        let mut pot = Gbp(100.0);
        pot -= Gbp(30.0);
        assert_eq!(pot * 0.5, Gbp(35.0));
        assert_eq!(Hours(2.0) + Hours(3.0), Hours(5.0));
    }
}
