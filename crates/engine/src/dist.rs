//! Service-time and key-popularity distributions, sampled from [`SimRng`] only.
//!
//! Written against `libm` rather than taken from rand_distr because rand_distr's samplers call
//! std's `ln`/`exp`, which round differently natively and in wasm and would break the
//! same-seed-same-report contract.

use crate::rng::SimRng;
use crate::time::SimDuration;

/// A distribution of durations, such as the service time of one request at one worker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    /// Always the same duration (M/D/c service).
    Constant { mean_s: f64 },
    /// Exponential with the given mean (M/M/c service).
    Exponential { mean_s: f64 },
    /// Log-normal with the given mean and coefficient of variation (σ/μ): the shape of real
    /// service times, a long right tail.
    LogNormal { mean_s: f64, cv: f64 },
}

impl Dist {
    pub fn mean_s(&self) -> f64 {
        match *self {
            Dist::Constant { mean_s }
            | Dist::Exponential { mean_s }
            | Dist::LogNormal { mean_s, .. } => mean_s,
        }
    }

    /// Squared coefficient of variation, the Cs² of Pollaczek–Khinchine.
    pub fn scv(&self) -> f64 {
        match *self {
            Dist::Constant { .. } => 0.0,
            Dist::Exponential { .. } => 1.0,
            Dist::LogNormal { cv, .. } => cv * cv,
        }
    }

    /// The same distribution with every duration multiplied by `factor` (a slowed-down node).
    pub fn scaled(&self, factor: f64) -> Dist {
        match *self {
            Dist::Constant { mean_s } => Dist::Constant {
                mean_s: mean_s * factor,
            },
            Dist::Exponential { mean_s } => Dist::Exponential {
                mean_s: mean_s * factor,
            },
            Dist::LogNormal { mean_s, cv } => Dist::LogNormal {
                mean_s: mean_s * factor,
                cv,
            },
        }
    }

    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> SimDuration {
        let secs = match *self {
            Dist::Constant { mean_s } => mean_s,
            Dist::Exponential { mean_s } => rng.exp(mean_s),
            Dist::LogNormal { mean_s, cv } => {
                // For log-normal X = e^(m + sN): E[X] = e^(m + s²/2), CV² = e^(s²) − 1.
                let s2 = libm::log1p(cv * cv);
                let m = libm::log(mean_s) - s2 / 2.0;
                libm::exp(m + libm::sqrt(s2) * rng.normal())
            }
        };
        SimDuration::from_secs_f64(secs)
    }
}

/// Zipf(α) popularity over keys `0..n` (key 0 the most popular), sampled in O(1) by Walker's
/// alias method from a table built once. α = 0 is uniform.
#[derive(Debug, Clone)]
pub struct Zipf {
    prob: Vec<f64>,
    alias: Vec<u32>,
}

impl Zipf {
    /// Builds the table for `n` keys (at least 1) and exponent `alpha` (at least 0).
    pub fn new(n: u32, alpha: f64) -> Zipf {
        let n = n.max(1) as usize;
        let alpha = if alpha.is_finite() {
            alpha.max(0.0)
        } else {
            0.0
        };
        let weights: Vec<f64> = (1..=n).map(|i| libm::pow(i as f64, -alpha)).collect();
        let total: f64 = weights.iter().sum();
        // Vose's stable construction of the alias table.
        let mut scaled: Vec<f64> = weights.iter().map(|w| w / total * n as f64).collect();
        let mut prob = vec![1.0; n];
        let mut alias: Vec<u32> = (0..n as u32).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..n).partition(|&i| scaled[i] < 1.0);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            prob[s] = scaled[s];
            alias[s] = l as u32;
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        Zipf { prob, alias }
    }

    pub fn len(&self) -> usize {
        self.prob.len()
    }

    pub fn is_empty(&self) -> bool {
        self.prob.is_empty()
    }

    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> u32 {
        let column = rng.below(self.prob.len() as u64) as usize;
        if rng.open01() < self.prob[column] {
            column as u32
        } else {
            self.alias[column]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_means_match_each_distribution() {
        let cases = [
            Dist::Constant { mean_s: 0.01 },
            Dist::Exponential { mean_s: 0.01 },
            Dist::LogNormal {
                mean_s: 0.01,
                cv: 1.5,
            },
        ];
        for dist in cases {
            let mut rng = SimRng::new(3);
            let n = 400_000;
            let mean = (0..n)
                .map(|_| dist.sample(&mut rng).as_secs_f64())
                .sum::<f64>()
                / n as f64;
            assert!(
                (mean / dist.mean_s() - 1.0).abs() < 0.02,
                "{dist:?}: {mean}"
            );
        }
    }

    #[test]
    fn zipf_frequencies_follow_the_power_law() {
        let zipf = Zipf::new(1000, 1.0);
        let mut rng = SimRng::new(11);
        let n = 1_000_000;
        let mut counts = vec![0u32; 1000];
        for _ in 0..n {
            counts[zipf.sample(&mut rng) as usize] += 1;
        }
        let h: f64 = (1..=1000).map(|i| 1.0 / i as f64).sum();
        for (rank, tolerance) in [(1usize, 0.01), (2, 0.02), (10, 0.05)] {
            let expected = 1.0 / rank as f64 / h;
            let seen = counts[rank - 1] as f64 / n as f64;
            assert!(
                (seen / expected - 1.0).abs() < tolerance,
                "rank {rank}: {seen} vs {expected}"
            );
        }
    }
}
