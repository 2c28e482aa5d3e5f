//! The engine's only source of randomness: a seeded, portable Xoshiro256++ stream.
//!
//! Every draw is built from `next_u64` and `libm`, so the same seed yields bit-identical samples
//! natively and in WebAssembly (std's `ln`/`exp` and `SmallRng` differ between the two).

use rand_xoshiro::rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A seeded random stream. Cheap to create; independent streams come from [`SimRng::stream`].
#[derive(Debug, Clone)]
pub struct SimRng {
    inner: Xoshiro256PlusPlus,
}

impl SimRng {
    pub fn new(seed: u64) -> SimRng {
        SimRng {
            inner: Xoshiro256PlusPlus::seed_from_u64(seed),
        }
    }

    /// An independent stream derived from a seed and a stream number, so that adding a node to a
    /// design does not shift the random numbers every other node sees.
    pub fn stream(seed: u64, stream: u64) -> SimRng {
        SimRng::new(splitmix64(seed ^ splitmix64(stream.wrapping_add(1))))
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// A uniform draw in the open interval (0, 1): never exactly zero, so `ln` of it is finite.
    #[inline]
    pub fn open01(&mut self) -> f64 {
        unit53(self.next_u64() >> 11)
    }

    /// A uniform integer in `0..n` by Lemire's multiply-shift (bias below 2^-64 × n; n = 0 gives 0).
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// True with probability `p`.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.open01() < p
    }

    /// An exponential draw with the given mean, by inversion through `libm::log`.
    #[inline]
    pub fn exp(&mut self, mean: f64) -> f64 {
        -libm::log(self.open01()) * mean
    }

    /// A standard normal draw by the Box–Muller transform through `libm`.
    pub fn normal(&mut self) -> f64 {
        let u1 = self.open01();
        let u2 = self.open01();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(core::f64::consts::TAU * u2)
    }
}

/// The value of [`SimRng::open01`] for the draw whose top 53 bits are `m` (`m < 2^53`).
/// Non-decreasing in `m`, which lets a comparison `open01() < p` be precomputed as `m < T`.
#[inline(always)]
pub fn unit53(m: u64) -> f64 {
    (m as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// SplitMix64's finaliser: a bijective mix that turns nearby seeds into unrelated ones.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_streams_differ() {
        let mut a = SimRng::new(42);
        let mut b = SimRng::new(42);
        let mut c = SimRng::stream(42, 1);
        let xs: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn moments_of_draws_match_their_distributions() {
        let mut rng = SimRng::new(7);
        let n = 200_000;
        let mean_exp = (0..n).map(|_| rng.exp(2.0)).sum::<f64>() / n as f64;
        assert!((mean_exp - 2.0).abs() < 0.03, "{mean_exp}");
        let normals: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
        let m = normals.iter().sum::<f64>() / n as f64;
        let v = normals.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64;
        assert!(m.abs() < 0.01 && (v - 1.0).abs() < 0.02, "{m} {v}");
        let below = (0..n).filter(|_| rng.below(10) == 3).count() as f64 / n as f64;
        assert!((below - 0.1).abs() < 0.005);
    }
}
