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
        mul_high(self.next_u64(), n)
    }

    /// True with probability `p`.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.open01() < p
    }

    /// An exponential draw with the given mean.
    ///
    /// Marsaglia and Tsang's ziggurat: one `u64` and a table lookup return at once in 98.9 % of
    /// draws; only the rest pay for an `exp` (the wedge test) or a `log` (the tail). Inversion,
    /// `-ln(U)`, spends a `libm::log` on every draw, and every arrival and service of an M/M/c
    /// run draws one.
    ///
    /// The common case is a leaf small enough to inline: the rest, which calls `libm`, is a
    /// separate cold function, so the hot path saves and restores no registers.
    #[inline]
    pub fn exp(&mut self, mean: f64) -> f64 {
        let zig = ziggurat();
        let (i, x) = zig.layer(self.next_u64());
        if x < zig.x[i + 1] {
            return x * mean;
        }
        self.exp_beyond_rectangle(zig, i, x) * mean
    }

    /// The rest of [`SimRng::exp`] (mean 1) for a draw of layer `i` at `x` outside the layer's
    /// rectangle; further draws start over, exactly as the loop of the plain algorithm.
    #[cold]
    #[inline(never)]
    fn exp_beyond_rectangle(&mut self, zig: &ZigguratTables, mut i: usize, mut x: f64) -> f64 {
        loop {
            if i == 0 {
                // The base layer's part beyond R: the exponential's tail is memoryless.
                return ZIG_EXP_R - libm::log(self.open01());
            }
            let f = zig.f[i + 1] + (zig.f[i] - zig.f[i + 1]) * self.open01();
            if f < libm::exp(-x) {
                return x;
            }
            (i, x) = zig.layer(self.next_u64());
            if x < zig.x[i + 1] {
                return x;
            }
        }
    }

    /// A standard normal draw by the Box–Muller transform through `libm`.
    pub fn normal(&mut self) -> f64 {
        let u1 = self.open01();
        let u2 = self.open01();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(core::f64::consts::TAU * u2)
    }
}

/// The exponential ziggurat's 256 layers (Marsaglia & Tsang 2000): `R`, the start of the tail,
/// and `V`, the area every layer shares.
const ZIG_EXP_R: f64 = 7.697_117_470_131_05;
const ZIG_EXP_V: f64 = 0.003_949_659_822_581_557;

/// Layer edges `x[0] > x[1] = R > … > x[256] = 0` and the density at each, `f[i] = e^(-x[i])`.
/// `x[0] = V / f(R)` is the width of the base layer's rectangle-plus-tail.
struct ZigguratTables {
    x: [f64; 257],
    f: [f64; 257],
}

impl ZigguratTables {
    /// The layer a draw's low 8 bits pick, and the point in its rectangle (plus, for the base
    /// layer, its tail) that its top 52 bits pick: a uniform in [0, 1), disjoint from the index,
    /// converted as a signed integer (below 2^52, so exactly; one instruction, where an unsigned
    /// 64-bit conversion takes several on x86_64).
    #[inline(always)]
    fn layer(&self, bits: u64) -> (usize, f64) {
        let i = (bits & 0xff) as usize;
        let u = ((bits >> 12) as i64) as f64 * (1.0 / (1u64 << 52) as f64);
        (i, u * self.x[i])
    }
}

/// The tables, built once from `libm` so that they are bit-identical on every platform.
fn ziggurat() -> &'static ZigguratTables {
    static TABLES: std::sync::OnceLock<ZigguratTables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut x = [0.0; 257];
        x[0] = ZIG_EXP_V / libm::exp(-ZIG_EXP_R);
        x[1] = ZIG_EXP_R;
        for i in 1..255 {
            // Layer i spans [x[i+1], x[i]] × [f(x[i]), f(x[i+1])] with area V.
            x[i + 1] = -libm::log(ZIG_EXP_V / x[i] + libm::exp(-x[i]));
        }
        x[256] = 0.0;
        let mut f = [0.0; 257];
        for (fi, xi) in f.iter_mut().zip(x) {
            *fi = libm::exp(-xi);
        }
        ZigguratTables { x, f }
    })
}

/// The value of [`SimRng::open01`] for the draw whose top 53 bits are `m` (`m < 2^53`).
/// Non-decreasing in `m`, which lets a comparison `open01() < p` be precomputed as `m < T`.
#[inline(always)]
pub fn unit53(m: u64) -> f64 {
    // `m < 2^53` converts exactly as a signed integer: one instruction on x86_64.
    ((m as i64) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// The high 64 bits of the 128-bit product `x · n`.
///
/// WebAssembly has no 64×64→128 multiply, so a `u128` product there is a call to a software
/// routine (`__multi3`, 5 % of a stage-5 run in V8's profile); every `n` the engine draws below
/// (users, keys, shards) fits in 32 bits, and then [`mul_high_32`] gives the same high half.
/// Natively the `u128` product is one instruction.
#[inline(always)]
fn mul_high(x: u64, n: u64) -> u64 {
    if cfg!(target_arch = "wasm32") && n <= u64::from(u32::MAX) {
        mul_high_32(x, n)
    } else {
        ((u128::from(x) * u128::from(n)) >> 64) as u64
    }
}

/// [`mul_high`] for `n < 2^32` by two 64-bit multiplies: x·n = xh·n·2^32 + xl·n, each partial
/// product below 2^64.
#[inline(always)]
fn mul_high_32(x: u64, n: u64) -> u64 {
    let (xh, xl) = (x >> 32, x & 0xffff_ffff);
    (xh * n + ((xl * n) >> 32)) >> 32
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

    /// The ziggurat's layers tile the density: equal areas, and the tail starts at `R`.
    #[test]
    fn ziggurat_layers_have_equal_areas() {
        let z = ziggurat();
        for i in 1..256 {
            let area = z.x[i] * (z.f[i + 1] - z.f[i]);
            assert!(
                (area - ZIG_EXP_V).abs() < 1e-12 * ZIG_EXP_V.max(1.0),
                "layer {i}: {area}"
            );
        }
        // The base: rectangle up to R plus the tail beyond it.
        let base = ZIG_EXP_R * z.f[1] + libm::exp(-ZIG_EXP_R);
        assert!((base - ZIG_EXP_V).abs() < 1e-12, "{base}");
    }

    /// Exponential draws against the exact CDF: a Kolmogorov–Smirnov distance within its 99.9 %
    /// critical value, and the far tail (beyond R, drawn by the tail branch) as often as
    /// e^(-x) says.
    #[test]
    fn exponential_draws_follow_the_exponential_law() {
        let mut rng = SimRng::new(11);
        let n = 400_000;
        let mut xs: Vec<f64> = (0..n).map(|_| rng.exp(1.0)).collect();
        xs.sort_by(f64::total_cmp);
        let d = xs
            .iter()
            .enumerate()
            .map(|(k, &x)| {
                let cdf = 1.0 - libm::exp(-x);
                (cdf - k as f64 / n as f64)
                    .abs()
                    .max((k + 1) as f64 / n as f64 - cdf)
            })
            .fold(0.0, f64::max);
        assert!(d < 1.95 / libm::sqrt(n as f64), "KS distance {d}");
        for cut in [1.0, 4.0, ZIG_EXP_R, 9.0] {
            let beyond = xs.iter().filter(|&&x| x > cut).count() as f64;
            let expected = n as f64 * libm::exp(-cut);
            // Within four standard deviations of a binomial count.
            assert!(
                (beyond - expected).abs() < 4.0 * libm::sqrt(expected) + 1.0,
                "beyond {cut}: {beyond} vs {expected}"
            );
        }
        assert!(xs[0] >= 0.0 && xs.iter().all(|x| x.is_finite()));
    }

    /// The two-multiply high half (WebAssembly's, for multipliers below 2^32) equals the `u128`
    /// product's, at the edges and at random.
    #[test]
    fn mul_high_is_the_exact_high_half() {
        let mut rng = SimRng::new(12);
        let edges = [
            0,
            1,
            2,
            u64::from(u32::MAX) - 1,
            u64::from(u32::MAX),
            1 << 32,
            u64::MAX,
        ];
        let mut cases: Vec<(u64, u64)> = edges
            .iter()
            .flat_map(|&x| edges.iter().map(move |&n| (x, n)))
            .collect();
        cases.extend((0..100_000).map(|_| (rng.next_u64(), rng.next_u64() >> rng.below(64))));
        for (x, n) in cases {
            let exact = ((u128::from(x) * u128::from(n)) >> 64) as u64;
            assert_eq!(mul_high(x, n), exact, "{x} × {n}");
            if n <= u64::from(u32::MAX) {
                assert_eq!(mul_high_32(x, n), exact, "{x} × {n}");
            }
        }
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
