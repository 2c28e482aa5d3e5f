//! Deterministic key-to-shard mapping for the sharded database and IP-hash load balancing.
//!
//! Everything here is a fixed, portable function of its inputs: the same key lands on the same
//! shard natively and in WebAssembly, today and after a Rust upgrade. That rules out std's
//! `DefaultHasher` and `RandomState`, whose algorithm is explicitly unspecified, so the hash is
//! the SplitMix64 finaliser (Steele, Lea, Flood 2014), a bijection of `u64` with good avalanche.
//!
//! Four strategies are offered, matching the sharding chapter: hash-mod-N ([`ShardingStrategy::Modulo`]),
//! contiguous key ranges ([`ShardingStrategy::Range`]), a consistent-hash ring with virtual nodes
//! (Karger et al. 1997) and jump consistent hash (Lamping, Veach 2014). Theory for what they
//! should do lives in [`crate::analytic`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// Added before mixing so that key 0 does not hash to 0 (the SplitMix64 increment, 2⁶⁴/φ).
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// Distinguishes ring points from key hashes, so a shard's ring positions are not simply the
/// hashes of small integer keys that a workload might also use.
const RING_DOMAIN: u64 = 0x5CA1_E1AB_0000_0001;

/// Distinguishes salts from keys when deriving salted keys.
const SALT_DOMAIN: u64 = 0x5CA1_E1AB_0000_0002;

/// The largest consistent-hash ring [`ShardMap::new`] will build (shards × virtual nodes).
/// Each point costs 12 bytes; 2²⁴ points is about 200 MB, beyond anything a teaching model needs.
pub const MAX_RING_POINTS: u64 = 1 << 24;

/// A fixed 64-bit hash of an integer key: the SplitMix64 output function.
///
/// It is a bijection, so distinct keys never collide, and every output bit depends on every
/// input bit, so sequential keys spread evenly over shards.
pub const fn hash64(key: u64) -> u64 {
    let mut z = key.wrapping_add(GOLDEN_GAMMA);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A fixed 64-bit hash of a byte string (an IP address, a user name): FNV-1a, whose low bits
/// are weak on short inputs, followed by [`hash64`] to spread them.
pub const fn hash_bytes(bytes: &[u8]) -> u64 {
    const FNV_OFFSET: u64 = 0xCBF2_9CE4_8422_2325;
    const FNV_PRIME: u64 = 0x0000_0100_0000_01B3;
    let mut h = FNV_OFFSET;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(FNV_PRIME);
        i += 1;
    }
    hash64(h)
}

/// A sub-key of `key` for spreading one hot key over several shards ("key#salt").
///
/// Deterministic, and for a fixed key distinct salts always give distinct results, because
/// every step (hash of the salt, xor with the key, final hash) is a bijection.
pub const fn salted_key(key: u64, salt: u32) -> u64 {
    hash64(key ^ hash64(salt as u64 ^ SALT_DOMAIN))
}

/// How keys are assigned to shards.
///
/// Serialised as an internally tagged object in snake case, e.g. `{"kind":"modulo"}`,
/// `{"kind":"range"}`, `{"kind":"consistent_hash","vnodes":100}`, `{"kind":"jump_hash"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ShardingStrategy {
    /// hash(key) mod N: perfectly even, but growing N moves almost every key.
    Modulo,
    /// Equal contiguous ranges of the key space: range scans stay on one shard, but sequential
    /// or popular key ranges make hot shards. Keys are not hashed.
    Range,
    /// A ring of `vnodes` points per shard; a key goes to the first point clockwise of its hash.
    /// Growing N moves only about 1/(N + 1) of the keys.
    ConsistentHash { vnodes: u32 },
    /// Jump consistent hash: no ring, perfectly even, moves exactly the minimum on growth, but
    /// shards can only be added or removed at the end.
    JumpHash,
}

// Read without serde's `Content` buffer (see `tagged`): the tag and every variant's fields.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum StrategyTag {
    Modulo,
    Range,
    ConsistentHash,
    JumpHash,
}

#[derive(Deserialize)]
struct StrategyFields {
    kind: StrategyTag,
    vnodes: Option<u32>,
}

impl<'de> Deserialize<'de> for ShardingStrategy {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use crate::tagged::need;
        crate::tagged::deserialize(
            deserializer,
            "internally tagged enum ShardingStrategy",
            |f: StrategyFields| {
                Ok(match f.kind {
                    StrategyTag::Modulo => ShardingStrategy::Modulo,
                    StrategyTag::Range => ShardingStrategy::Range,
                    StrategyTag::ConsistentHash => ShardingStrategy::ConsistentHash {
                        vnodes: need(f.vnodes, "vnodes")?,
                    },
                    StrategyTag::JumpHash => ShardingStrategy::JumpHash,
                })
            },
        )
    }
}

/// Why a [`ShardMap`] could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardMapError {
    /// The map was asked for zero shards, so keys would have nowhere to go.
    NoShards,
    /// Range sharding was given an empty key space, so there are no ranges to split.
    EmptyKeySpace,
    /// Consistent hashing was given zero virtual nodes per shard, so the ring would be empty.
    NoVirtualNodes,
    /// The consistent-hash ring would exceed [`MAX_RING_POINTS`] points.
    RingTooLarge {
        /// The requested number of points, shards × virtual nodes.
        points: u64,
    },
}

impl fmt::Display for ShardMapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShardMapError::NoShards => write!(f, "a shard map needs at least one shard"),
            ShardMapError::EmptyKeySpace => write!(f, "range sharding needs a non-empty key space"),
            ShardMapError::NoVirtualNodes => write!(
                f,
                "consistent hashing needs at least one virtual node per shard"
            ),
            ShardMapError::RingTooLarge { points } => {
                write!(
                    f,
                    "a ring of {points} points exceeds the limit of {MAX_RING_POINTS}"
                )
            }
        }
    }
}

impl std::error::Error for ShardMapError {}

/// A runtime key→shard mapping; build once with [`ShardMap::new`], then call
/// [`ShardMap::shard_of`] per request.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardMap {
    strategy: ShardingStrategy,
    shards: u32,
    key_space: u64,
    /// Consistent hashing only: (ring position, shard), sorted by position. Positions are
    /// distinct because they are a bijective hash of distinct (shard, vnode) pairs.
    ring: Vec<(u64, u32)>,
}

impl ShardMap {
    /// Builds a map of `shards` shards. `key_space` is used only by [`ShardingStrategy::Range`],
    /// which splits [0, key_space) into `shards` equal contiguous ranges.
    pub fn new(
        strategy: ShardingStrategy,
        shards: u32,
        key_space: u64,
    ) -> Result<ShardMap, ShardMapError> {
        if shards == 0 {
            return Err(ShardMapError::NoShards);
        }
        let mut ring = Vec::new();
        match strategy {
            ShardingStrategy::Range if key_space == 0 => return Err(ShardMapError::EmptyKeySpace),
            ShardingStrategy::ConsistentHash { vnodes: 0 } => {
                return Err(ShardMapError::NoVirtualNodes)
            }
            ShardingStrategy::ConsistentHash { vnodes } => {
                let points = u64::from(shards) * u64::from(vnodes);
                if points > MAX_RING_POINTS {
                    return Err(ShardMapError::RingTooLarge { points });
                }
                // The bound above keeps this far below usize::MAX even on 32-bit wasm.
                ring.reserve(points as usize);
                for shard in 0..shards {
                    for vnode in 0..vnodes {
                        // A shard's points depend only on (shard, vnode), never on the shard
                        // count, so adding shard N leaves every existing point where it was:
                        // that is what limits the keys moved to the new shard's arcs.
                        let id = (u64::from(shard) << 32) | u64::from(vnode);
                        ring.push((hash64(id ^ RING_DOMAIN), shard));
                    }
                }
                ring.sort_unstable();
            }
            ShardingStrategy::Modulo | ShardingStrategy::Range | ShardingStrategy::JumpHash => {}
        }
        Ok(ShardMap {
            strategy,
            shards,
            key_space,
            ring,
        })
    }

    /// The strategy this map was built with.
    pub fn strategy(&self) -> ShardingStrategy {
        self.strategy
    }

    /// The number of shards; [`ShardMap::shard_of`] always returns less than this.
    pub fn shards(&self) -> u32 {
        self.shards
    }

    /// The key space split by range sharding.
    pub fn key_space(&self) -> u64 {
        self.key_space
    }

    /// The shard that owns `key`, in 0..shards.
    pub fn shard_of(&self, key: u64) -> u32 {
        match self.strategy {
            ShardingStrategy::Modulo => (hash64(key) % u64::from(self.shards)) as u32,
            ShardingStrategy::Range => {
                // floor(key · N / K) gives N equal contiguous ranges; u128 avoids overflow.
                // Keys beyond the declared space belong to the last, open-ended range.
                let shard = u128::from(key) * u128::from(self.shards) / u128::from(self.key_space);
                shard.min(u128::from(self.shards - 1)) as u32
            }
            ShardingStrategy::ConsistentHash { .. } => {
                let h = hash64(key);
                // The first point at or clockwise after the key's hash; past the last point the
                // ring wraps around to the first. `new` guarantees the ring is not empty.
                let i = self.ring.partition_point(|&(point, _)| point < h);
                let (_, shard) = self
                    .ring
                    .get(i)
                    .or(self.ring.first())
                    .copied()
                    .unwrap_or((0, 0));
                shard
            }
            ShardingStrategy::JumpHash => jump_hash(hash64(key), self.shards),
        }
    }

    /// The expected fraction of uniformly hashed keys each shard receives, indexed by shard.
    ///
    /// For the consistent-hash ring this is measured exactly from the arcs between ring points,
    /// which shows the imbalance virtual nodes are meant to smooth. Modulo and jump hash are
    /// even; range sharding is proportional to range length for keys uniform on [0, key_space).
    pub fn shares(&self) -> Vec<f64> {
        let n = self.shards as usize;
        match self.strategy {
            ShardingStrategy::Modulo | ShardingStrategy::JumpHash => {
                vec![1.0 / f64::from(self.shards); n]
            }
            ShardingStrategy::Range => {
                let k = u128::from(self.shards);
                let space = u128::from(self.key_space);
                // Shard s owns keys with floor(key·k/space) = s, i.e. [ceil(s·space/k), ceil((s+1)·space/k)).
                let start = |s: u128| (s * space).div_ceil(k);
                (0..k)
                    .map(|s| (start(s + 1) - start(s)) as f64 / space as f64)
                    .collect()
            }
            ShardingStrategy::ConsistentHash { .. } => {
                let mut arcs = vec![0u128; n];
                let full = 1u128 << 64;
                let mut previous = self.ring.last().map_or(0, |&(point, _)| point);
                for &(point, shard) in &self.ring {
                    // Each point owns the arc from the previous point (exclusive) to itself; the
                    // first point's arc wraps around zero. A lone point owns the whole circle.
                    let arc = match u128::from(point.wrapping_sub(previous)) {
                        0 => full,
                        gap => gap,
                    };
                    arcs[shard as usize] += arc;
                    previous = point;
                }
                arcs.into_iter().map(|a| a as f64 / full as f64).collect()
            }
        }
    }
}

/// Jump consistent hash (Lamping, Veach 2014, figure 1): the bucket in 0..buckets for a 64-bit
/// key. Uses only integer arithmetic and one IEEE division, so it is portable bit for bit.
fn jump_hash(mut key: u64, buckets: u32) -> u32 {
    let buckets = i64::from(buckets);
    let mut b: i64 = -1;
    let mut j: i64 = 0;
    while j < buckets {
        b = j;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        // The key's top 31 bits give a uniform draw; j is the next bucket at which this key jumps.
        j = ((b + 1) as f64 * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    // b ≥ 0 because buckets ≥ 1 runs the loop at least once, and b < buckets ≤ u32::MAX.
    b as u32
}

/// The fraction of `keys` whose shard differs between `old` and `new` (0 for no keys).
pub fn moved_fraction(old: &ShardMap, new: &ShardMap, keys: impl Iterator<Item = u64>) -> f64 {
    let (mut total, mut moved) = (0u64, 0u64);
    for key in keys {
        total += 1;
        if old.shard_of(key) != new.shard_of(key) {
            moved += 1;
        }
    }
    if total == 0 {
        0.0
    } else {
        moved as f64 / total as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic;

    const KEYS: u64 = 100_000;

    fn map(strategy: ShardingStrategy, shards: u32) -> ShardMap {
        ShardMap::new(strategy, shards, KEYS).expect("valid map")
    }

    #[test]
    fn hashes_are_pinned() {
        // Regression values: changing the hash would silently reshard every saved scenario.
        // hash64(x) with GOLDEN_GAMMA added is SplitMix64's first output for seed x.
        let table = [
            (0u64, 0xE220_A839_7B1D_CDAFu64),
            (1, 0x910A_2DEC_8902_5CC1),
            (1_234_567, 0x599E_D017_FB08_FC85),
        ];
        for (key, expected) in table {
            assert_eq!(hash64(key), expected, "hash64({key})");
        }
        assert_eq!(hash_bytes(b""), hash64(0xCBF2_9CE4_8422_2325));
        assert_ne!(hash_bytes(b"10.0.0.1"), hash_bytes(b"10.0.0.2"));
    }

    #[test]
    fn growing_from_16_to_17_shards() {
        // (strategy, expected moved fraction, tolerance), fidelity.md §6.
        let table = [
            (
                ShardingStrategy::Modulo,
                analytic::modulo_moved_fraction(16),
                0.01,
            ),
            (
                ShardingStrategy::ConsistentHash { vnodes: 100 },
                analytic::consistent_moved_fraction(16),
                0.02,
            ),
            (
                ShardingStrategy::JumpHash,
                analytic::consistent_moved_fraction(16),
                0.02,
            ),
        ];
        for (strategy, expected, tolerance) in table {
            let moved = moved_fraction(&map(strategy, 16), &map(strategy, 17), 0..KEYS);
            assert!(
                (moved - expected).abs() <= tolerance,
                "{strategy:?}: moved {moved}, expected {expected}"
            );
        }
    }

    #[test]
    fn consistent_growth_only_moves_keys_to_the_new_shard() {
        for strategy in [
            ShardingStrategy::ConsistentHash { vnodes: 50 },
            ShardingStrategy::JumpHash,
        ] {
            let (old, new) = (map(strategy, 16), map(strategy, 17));
            for key in 0..10_000 {
                let (a, b) = (old.shard_of(key), new.shard_of(key));
                assert!(a == b || b == 16, "{strategy:?}: key {key} moved {a} → {b}");
            }
        }
    }

    #[test]
    fn vnode_share_spread_matches_theory() {
        let expected = analytic::vnode_share_cv(16, 100).expect("valid");
        let shares = map(ShardingStrategy::ConsistentHash { vnodes: 100 }, 16).shares();
        let mean = shares.iter().sum::<f64>() / 16.0;
        let var = shares.iter().map(|s| (s - mean) * (s - mean)).sum::<f64>() / 16.0;
        let cv = libm::sqrt(var) / mean;
        assert!(
            (mean - 1.0 / 16.0).abs() < 1e-12,
            "shares sum to {}",
            mean * 16.0
        );
        assert!(
            (cv - expected).abs() <= 0.04,
            "cv {cv}, expected {expected}"
        );
        // The arc shares must predict where keys actually land.
        let m = map(ShardingStrategy::ConsistentHash { vnodes: 100 }, 16);
        let mut counts = [0u64; 16];
        for key in 0..KEYS {
            counts[m.shard_of(key) as usize] += 1;
        }
        for (shard, (&count, share)) in counts.iter().zip(&shares).enumerate() {
            let observed = count as f64 / KEYS as f64;
            assert!(
                (observed - share).abs() < 0.004,
                "shard {shard}: {observed} vs arc {share}"
            );
        }
    }

    #[test]
    fn max_load_is_near_balls_into_bins() {
        // (strategy, keys, shards). The formula is an asymptotic estimate of the maximum; a
        // correct uniform hash lands above the mean and, with these fixed keys, below the
        // estimate plus half of its spread term.
        let table = [
            (ShardingStrategy::Modulo, 100_000, 16),
            (ShardingStrategy::JumpHash, 100_000, 16),
            (ShardingStrategy::Modulo, 50_000, 100),
            (ShardingStrategy::JumpHash, 50_000, 100),
        ];
        for (strategy, n, k) in table {
            let m = map(strategy, k);
            let mut counts = vec![0u64; k as usize];
            for key in 0..n {
                counts[m.shard_of(key) as usize] += 1;
            }
            let max = counts.iter().copied().max().unwrap_or(0) as f64;
            let mean = n as f64 / f64::from(k);
            let bound = analytic::balls_into_bins_max_load(n, k).expect("k > 0");
            assert!(
                max > mean && max <= bound + 0.5 * (bound - mean),
                "{strategy:?} n={n} k={k}: max {max}, bound {bound}"
            );
        }
    }

    #[test]
    fn range_sharding_is_contiguous() {
        let m = ShardMap::new(ShardingStrategy::Range, 4, 1000).expect("valid");
        // (key, shard)
        let table = [
            (0, 0),
            (249, 0),
            (250, 1),
            (499, 1),
            (500, 2),
            (750, 3),
            (999, 3),
            (1000, 3),
            (u64::MAX, 3),
        ];
        for (key, shard) in table {
            assert_eq!(m.shard_of(key), shard, "key {key}");
        }
        let mut last = 0;
        for key in 0..1000 {
            let s = m.shard_of(key);
            assert!(
                s == last || s == last + 1,
                "key {key} jumped from {last} to {s}"
            );
            last = s;
        }
        assert_eq!(m.shares(), vec![0.25; 4]);
        // Uneven division still covers the space exactly.
        let uneven = ShardMap::new(ShardingStrategy::Range, 3, 10).expect("valid");
        let mut counts = [0u32; 3];
        for key in 0..10 {
            counts[uneven.shard_of(key) as usize] += 1;
        }
        let from_shares: Vec<u32> = uneven
            .shares()
            .iter()
            .map(|s| (s * 10.0).round() as u32)
            .collect();
        assert_eq!(from_shares, counts.to_vec());
    }

    #[test]
    fn every_key_maps_inside_the_map() {
        let strategies = [
            ShardingStrategy::Modulo,
            ShardingStrategy::Range,
            ShardingStrategy::ConsistentHash { vnodes: 1 },
            ShardingStrategy::ConsistentHash { vnodes: 64 },
            ShardingStrategy::JumpHash,
        ];
        let keys = [
            0,
            1,
            2,
            77,
            KEYS - 1,
            KEYS,
            u64::MAX / 2,
            u64::MAX - 1,
            u64::MAX,
        ];
        for strategy in strategies {
            for shards in [1, 2, 3, 16, 17, 1000] {
                let m = map(strategy, shards);
                for &key in keys.iter().chain(&[hash64(9), salted_key(5, 3)]) {
                    let s = m.shard_of(key);
                    assert!(s < shards, "{strategy:?}/{shards}: key {key} → {s}");
                    if shards == 1 {
                        assert_eq!(s, 0, "{strategy:?}: key {key}");
                    }
                }
                let total: f64 = m.shares().iter().sum();
                assert!(
                    (total - 1.0).abs() < 1e-9,
                    "{strategy:?}/{shards}: shares sum to {total}"
                );
            }
        }
    }

    #[test]
    fn invalid_maps_are_rejected() {
        let table = [
            (ShardingStrategy::Modulo, 0, 10, ShardMapError::NoShards),
            (ShardingStrategy::Range, 4, 0, ShardMapError::EmptyKeySpace),
            (
                ShardingStrategy::ConsistentHash { vnodes: 0 },
                4,
                10,
                ShardMapError::NoVirtualNodes,
            ),
            (
                ShardingStrategy::ConsistentHash { vnodes: u32::MAX },
                4,
                10,
                ShardMapError::RingTooLarge {
                    points: 4 * u64::from(u32::MAX),
                },
            ),
        ];
        for (strategy, shards, space, error) in table {
            assert_eq!(
                ShardMap::new(strategy, shards, space),
                Err(error),
                "{strategy:?}"
            );
        }
    }

    #[test]
    fn salted_keys_are_distinct_and_spread() {
        let hot = 42;
        let salted: Vec<u64> = (0..64).map(|s| salted_key(hot, s)).collect();
        let mut sorted = salted.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), salted.len());
        assert_eq!(salted_key(hot, 7), salted_key(hot, 7));
        // Sixty-four sub-keys of one hot key should reach most of 16 shards.
        let m = map(ShardingStrategy::JumpHash, 16);
        let mut hit = [false; 16];
        for &k in &salted {
            hit[m.shard_of(k) as usize] = true;
        }
        assert!(hit.iter().filter(|&&h| h).count() >= 14);
    }
}
