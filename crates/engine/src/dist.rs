//! Service-time and key-popularity distributions, sampled from [`SimRng`] only.
//!
//! Written against `libm` rather than taken from rand_distr because rand_distr's samplers call
//! std's `ln`/`exp`, which round differently natively and in wasm and would break the
//! same-seed-same-report contract.

use crate::rng::{unit53, SimRng};
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
            Dist::LogNormal { mean_s, cv } => log_normal(mean_s, cv, rng),
        };
        SimDuration::from_secs_f64(secs)
    }
}

/// A log-normal draw in seconds. Out of line: inlined into a station's hot path, `libm::cos`'s
/// argument reduction (which works in linear memory in WebAssembly) would give that path a
/// shadow-stack frame for every distribution.
#[inline(never)]
fn log_normal(mean_s: f64, cv: f64, rng: &mut SimRng) -> f64 {
    // For log-normal X = e^(m + sN): E[X] = e^(m + s²/2), CV² = e^(s²) − 1.
    let s2 = libm::log1p(cv * cv);
    let m = libm::log(mean_s) - s2 / 2.0;
    libm::exp(m + libm::sqrt(s2) * rng.normal())
}

/// Zipf(α) popularity over keys `0..n` (key 0 the most popular), sampled in O(1) by Walker's
/// alias method from a table built once. α = 0 is uniform.
///
/// The column is drawn uniformly, so the table is read at random: it is the hottest random memory
/// access of a large design. Each column therefore lives in one `u32`: its alias index in the low
/// `alias_bits` and, above it, the top bits of its acceptance threshold. The threshold `T` is the
/// exact integer form of the test `open01() < prob`: the draw `m` (the top 53 bits of the next
/// `u64`) accepts iff `m < T`, because `open01` is non-decreasing in `m`. Comparing the top bits of
/// `m` with those of `T` decides every draw but the rare one (2^-`threshold bits`) whose top bits
/// tie; that one reads the full threshold and alias from cold side tables. The random numbers
/// consumed and the keys returned are exactly those of the plain `prob`/`alias` table.
#[derive(Debug, Clone)]
pub struct Zipf {
    packed: Vec<u32>,
    threshold: Vec<u64>,
    alias: Vec<u32>,
    alias_bits: u32,
    /// `53 - threshold bits`: how far a draw shifts down to its top threshold bits.
    draw_shift: u32,
}

impl Zipf {
    /// Builds the table for `n` keys (at least 1) and exponent `alpha` (at least 0).
    pub fn new(n: u32, alpha: f64) -> Zipf {
        let (prob, alias) = Zipf::vose(n, alpha);
        Zipf::pack(&prob, alias)
    }

    /// Vose's alias table: the probability of keeping each column, and its alias.
    fn vose(n: u32, alpha: f64) -> (Vec<f64>, Vec<u32>) {
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
        (prob, alias)
    }

    /// The packed table of a `prob`/`alias` table.
    fn pack(prob: &[f64], alias: Vec<u32>) -> Zipf {
        let n = alias.len() as u64;
        let alias_bits = 64 - (n.max(2) - 1).leading_zeros();
        let threshold_bits = 32 - alias_bits;
        let draw_shift = 53 - threshold_bits;
        let cap = (1u64 << threshold_bits) - 1;
        let threshold: Vec<u64> = prob.iter().map(|&p| accept_below(p)).collect();
        let packed = threshold
            .iter()
            .zip(&alias)
            .map(|(&t, &a)| (((t >> draw_shift).min(cap) << alias_bits) | u64::from(a)) as u32)
            .collect();
        Zipf {
            packed,
            threshold,
            alias,
            alias_bits,
            draw_shift,
        }
    }

    pub fn len(&self) -> usize {
        self.alias.len()
    }

    pub fn is_empty(&self) -> bool {
        self.alias.is_empty()
    }

    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> u32 {
        let column = rng.below(self.packed.len() as u64) as usize;
        let m = rng.next_u64() >> 11;
        let e = u64::from(self.packed[column]);
        let (top, stored) = (m >> self.draw_shift, e >> self.alias_bits);
        if top == stored {
            return self.sample_tie(column, m);
        }
        // Keep the column or take its alias: a coin toss for the branch predictor, so a select.
        let alias = (e & ((1u64 << self.alias_bits) - 1)) as u32;
        std::hint::select_unpredictable(top < stored, column as u32, alias)
    }

    /// Draws the column the next [`Zipf::sample`] on this stream would read and asks the CPU to
    /// fetch it (a hint: `rng` should be a copy of the stream).
    #[inline]
    pub(crate) fn prefetch_next(&self, rng: &mut SimRng) {
        let column = rng.below(self.packed.len() as u64) as usize;
        crate::hint::prefetch(&self.packed, column);
    }

    #[cold]
    #[inline(never)]
    fn sample_tie(&self, column: usize, m: u64) -> u32 {
        if m < self.threshold[column] {
            column as u32
        } else {
            self.alias[column]
        }
    }
}

/// The number of 53-bit draws `m` with `open01(m) < p`: since `open01` is non-decreasing in `m`,
/// exactly those below the result. Starts from `p·2^53` and steps to the exact boundary with the
/// same floating-point expression `open01` uses (a step or two; NaN accepts nothing).
fn accept_below(p: f64) -> u64 {
    const END: u64 = 1 << 53;
    let guess = p * END as f64 - 0.5;
    let mut t = if guess.is_nan() || guess <= 0.0 {
        0
    } else if guess >= END as f64 {
        END
    } else {
        guess as u64
    };
    while t > 0 && unit53(t - 1) >= p {
        t -= 1;
    }
    while t < END && unit53(t) < p {
        t += 1;
    }
    t
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

    /// The packed table draws exactly what the plain `open01() < prob` test over the same table
    /// draws, consuming the same random numbers, ties of the threshold's top bits included.
    #[test]
    fn packed_zipf_matches_the_plain_alias_method() {
        for (n, alpha) in [(1u32, 1.0), (2, 0.5), (1000, 1.0), (100_000, 1.0), (3, 0.0)] {
            let (prob, alias) = Zipf::vose(n, alpha);
            let zipf = Zipf::pack(&prob, alias.clone());
            let (mut a, mut b) = (SimRng::new(5), SimRng::new(5));
            for _ in 0..200_000 {
                let column = b.below(n as u64) as usize;
                let plain = if b.open01() < prob[column] {
                    column as u32
                } else {
                    alias[column]
                };
                assert_eq!(zipf.sample(&mut a), plain);
            }
            assert_eq!(a.next_u64(), b.next_u64());
        }
        // Draws right at and around every threshold, and probabilities at the edges.
        let probs = [
            0.0,
            1.0,
            0.5,
            1e-300,
            0.999_999_999_999_999_9,
            0.3,
            f64::NAN,
        ];
        let other = |c: usize| ((c + 3) % probs.len()) as u32;
        let zipf = Zipf::pack(&probs, (0..probs.len()).map(other).collect());
        for (column, &p) in probs.iter().enumerate() {
            let t = zipf.threshold[column];
            for m in [0, 1, t.saturating_sub(1), t, t + 1, (1 << 53) - 1, 1 << 52] {
                let m = m.min((1 << 53) - 1);
                let want = if unit53(m) < p {
                    column as u32
                } else {
                    other(column)
                };
                let e = u64::from(zipf.packed[column]);
                let (top, stored) = (m >> zipf.draw_shift, e >> zipf.alias_bits);
                let got = if top < stored {
                    column as u32
                } else if top > stored {
                    (e & ((1u64 << zipf.alias_bits) - 1)) as u32
                } else {
                    zipf.sample_tie(column, m)
                };
                assert_eq!(got, want, "p {p} m {m}");
            }
        }
    }

    /// The stepped threshold is the bisected one: the smallest draw `open01` does not accept.
    #[test]
    fn acceptance_threshold_is_exact() {
        let bisect = |p: f64| {
            let (mut lo, mut hi) = (0u64, 1u64 << 53);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if unit53(mid) < p {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            lo
        };
        let mut rng = SimRng::new(17);
        let mut probs = vec![0.0, 1.0, 0.5, 1e-300, 1.0 - 1e-16, 2.0, -1.0, f64::NAN];
        probs.extend((0..2000).map(|_| rng.open01()));
        probs.extend((1..64).map(|k| 1.0 - libm::ldexp(1.0, -k)));
        for p in probs {
            assert_eq!(accept_below(p), bisect(p), "p {p}");
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
