//! Simulated time: integer nanoseconds, never a float, never the wall clock.

use serde::{Deserialize, Serialize};
use std::ops::{Add, AddAssign, Sub};

/// An instant of simulated time, in nanoseconds since the start of the run.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct SimTime(pub u64);

/// A span of simulated time, in nanoseconds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct SimDuration(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const MAX: SimTime = SimTime(u64::MAX);

    pub fn from_secs_f64(secs: f64) -> SimTime {
        SimTime(SimDuration::from_secs_f64(secs).0)
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 * 1e-9
    }
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);

    pub const fn from_millis(ms: u64) -> SimDuration {
        SimDuration(ms * 1_000_000)
    }
    pub const fn from_secs(s: u64) -> SimDuration {
        SimDuration(s * 1_000_000_000)
    }
    /// Converts seconds to nanoseconds, rounding to the nearest nanosecond and clamping negative
    /// or non-finite input to zero or the maximum, so an absurd parameter cannot wrap around.
    #[inline]
    pub fn from_secs_f64(secs: f64) -> SimDuration {
        if secs.is_nan() || secs <= 0.0 {
            return SimDuration(0);
        }
        let ns = secs * 1e9 + 0.5;
        if ns < 9_223_372_036_854_775_808.0 {
            // Below 2^63 (every real duration): the signed conversion is one instruction on
            // x86_64, the unsigned one several.
            SimDuration((ns as i64) as u64)
        } else if ns >= u64::MAX as f64 {
            SimDuration(u64::MAX)
        } else {
            SimDuration(ns as u64)
        }
    }
    pub fn from_millis_f64(ms: f64) -> SimDuration {
        SimDuration::from_secs_f64(ms * 1e-3)
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 * 1e-9
    }
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 * 1e-6
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}
impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        self.0 = self.0.saturating_add(d.0);
    }
}
impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(d.0))
    }
}
impl Sub for SimTime {
    type Output = SimDuration;
    fn sub(self, earlier: SimTime) -> SimDuration {
        self.since(earlier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_and_clamp() {
        assert_eq!(SimDuration::from_secs_f64(1.5).0, 1_500_000_000);
        assert_eq!(SimDuration::from_millis_f64(0.0000004).0, 0);
        assert_eq!(SimDuration::from_secs_f64(-3.0).0, 0);
        assert_eq!(SimDuration::from_secs_f64(f64::NAN).0, 0);
        assert_eq!(SimDuration::from_secs_f64(1e300).0, u64::MAX);
        // Either side of 2^63 ns, where the conversion changes from signed to unsigned.
        assert_eq!(
            SimDuration::from_secs_f64(9.2e9).0,
            9_200_000_000_000_000_000
        );
        assert_eq!(
            SimDuration::from_secs_f64(1e10).0,
            10_000_000_000_000_000_000
        );
        assert_eq!((SimTime::MAX + SimDuration(5)), SimTime::MAX);
    }
}
