//! Closed-form theory (queues, caches, load balancing, availability, hashing) shown beside simulated numbers.
//!
//! Every function here is pure: rates are per second, times are in seconds, probabilities are
//! fractions in [0, 1]. Functions that take parameters a user can type validate them and return
//! `None` when the formula has no meaning there (for example a queue with utilisation ρ ≥ 1 has
//! no steady state, so it has no mean response time to show). The fidelity tests of the simulator
//! compare against these functions, and the tests at the bottom of this file pin them to the
//! reference tables of the brief.
//!
//! All transcendental functions go through `libm` rather than `f64` methods, because the standard
//! library may call the platform's maths library, which differs between native and WebAssembly
//! builds; `libm` gives bit-identical results everywhere.

/// Minutes in a 365-day year: the convention of "nines" tables, and the same year as the
/// 730-hour month of the price table (8,760 h / 12).
pub const MINUTES_PER_YEAR: f64 = 365.0 * 24.0 * 60.0;

/// Which queueing model a [`QueueTheory`] was computed from, with the parameters needed to
/// evaluate its response-time distribution later.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QueueModel {
    /// Poisson arrivals at `lambda`/s, one exponential server of rate `mu`/s, FIFO.
    Mm1 { lambda: f64, mu: f64 },
    /// Poisson arrivals at `lambda`/s, `servers` exponential servers of rate `mu`/s each, one
    /// shared FIFO queue (Erlang C). `prob_wait` of the enclosing [`QueueTheory`] is C(c, a).
    Mmc { lambda: f64, mu: f64, servers: u32 },
    /// Poisson arrivals at `lambda`/s, one server with a general service time of mean
    /// `mean_service` seconds and squared coefficient of variation `service_scv` (0 for constant
    /// service, 1 for exponential). Only the means are known in closed form.
    Mg1 {
        lambda: f64,
        mean_service: f64,
        service_scv: f64,
    },
}

/// Steady-state results of a queueing formula. Times are in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueTheory {
    /// The model and parameters these numbers came from.
    pub model: QueueModel,
    /// Offered load per server, ρ = λ / (c μ); always in [0, 1).
    pub utilization: f64,
    /// Mean time in system (queueing plus service), E[T].
    pub mean_response: f64,
    /// Mean time spent waiting in the queue before service starts, E[Wq].
    pub mean_wait: f64,
    /// Probability that an arriving request has to wait (all servers busy).
    pub prob_wait: f64,
    /// Mean number of requests in the system, L = λ E[T] (Little's law).
    pub mean_in_system: f64,
    /// Mean number of requests waiting in the queue, Lq = λ E[Wq] (Little's law).
    pub mean_queue_length: f64,
}

/// True when `x` is a usable rate or duration: finite and not negative.
fn non_negative(x: f64) -> bool {
    x.is_finite() && x >= 0.0
}

/// True when `x` is a usable probability.
fn probability(x: f64) -> bool {
    x.is_finite() && (0.0..=1.0).contains(&x)
}

/// `(e^{-x t} - e^{-y t}) / (y - x)`, symmetric in `x` and `y`, with its limit `t e^{-x t}` when
/// `x == y`. Written with `expm1` around the smaller rate so that nearly equal rates do not
/// cancel catastrophically and large `t` cannot overflow.
fn exp_difference_quotient(x: f64, y: f64, t: f64) -> f64 {
    let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
    let gap = hi - lo;
    if gap == 0.0 {
        t * libm::exp(-lo * t)
    } else {
        libm::exp(-lo * t) * -libm::expm1(-gap * t) / gap
    }
}

impl QueueTheory {
    fn from_wait(
        model: QueueModel,
        lambda: f64,
        utilization: f64,
        prob_wait: f64,
        mean_wait: f64,
        mean_service: f64,
    ) -> QueueTheory {
        let mean_response = mean_wait + mean_service;
        QueueTheory {
            model,
            utilization,
            mean_response,
            mean_wait,
            prob_wait,
            mean_in_system: lambda * mean_response,
            mean_queue_length: lambda * mean_wait,
        }
    }

    /// P(T > t), the probability that a request spends longer than `t` seconds in the system.
    ///
    /// Known exactly for M/M/1 (T ~ Exp(μ − λ)) and M/M/c (a mixture of the service time and the
    /// Erlang C wait); `None` for M/G/1, whose distribution depends on more than two moments of
    /// the service time, and for a negative or non-finite `t`.
    pub fn response_tail(&self, t: f64) -> Option<f64> {
        if !non_negative(t) {
            return None;
        }
        match self.model {
            QueueModel::Mm1 { lambda, mu } => Some(libm::exp(-(mu - lambda) * t)),
            QueueModel::Mmc {
                lambda,
                mu,
                servers,
            } => {
                // P(T>t) = (1−C)e^{−μt} + C(θe^{−μt} − μe^{−θt})/(θ−μ), θ = cμ − λ. The second term
                // equals C[e^{−μt} + μ (e^{−μt} − e^{−θt})/(θ−μ)], so the whole tail simplifies to
                // e^{−μt} + Cμ·q(μ, θ, t) with q the stable difference quotient, which also covers
                // the θ = μ limit C e^{−μt}(1 + μt) without a special case.
                let theta = f64::from(servers) * mu - lambda;
                let tail = libm::exp(-mu * t)
                    + self.prob_wait * mu * exp_difference_quotient(mu, theta, t);
                Some(tail.clamp(0.0, 1.0))
            }
            QueueModel::Mg1 { .. } => None,
        }
    }

    /// The p-quantile of the response time in seconds (p = 0.99 gives the p99), for p in [0, 1).
    ///
    /// M/M/1 uses the closed form −ln(1−p)/(μ−λ). M/M/c solves P(T > t) = 1 − p by bracketing and
    /// bisection, which always converges because the tail falls monotonically from 1 to 0.
    /// `None` for M/G/1 (no closed form) and for p outside [0, 1).
    pub fn response_quantile(&self, p: f64) -> Option<f64> {
        if !(p.is_finite() && (0.0..1.0).contains(&p)) {
            return None;
        }
        match self.model {
            QueueModel::Mm1 { lambda, mu } => Some(-libm::log1p(-p) / (mu - lambda)),
            QueueModel::Mmc {
                lambda,
                mu,
                servers,
            } => {
                if p == 0.0 {
                    return Some(0.0);
                }
                let target = 1.0 - p;
                let theta = f64::from(servers) * mu - lambda;
                // The tail decays at the slower of the two rates, so 1/min(μ, θ) is the natural
                // scale at which to start looking for an upper bracket.
                let mut hi = 1.0 / mu.min(theta);
                let mut lo = 0.0;
                // Doubling 2,100 times passes f64::MAX, so a bracket is always found well before.
                for _ in 0..2100 {
                    if self.response_tail(hi)? <= target {
                        break;
                    }
                    lo = hi;
                    hi *= 2.0;
                }
                // Bisection halves the bracket each step; 200 steps exhaust f64 precision.
                for _ in 0..200 {
                    let mid = 0.5 * (lo + hi);
                    if mid <= lo || mid >= hi {
                        break;
                    }
                    if self.response_tail(mid)? > target {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                Some(0.5 * (lo + hi))
            }
            QueueModel::Mg1 { .. } => None,
        }
    }
}

/// M/M/1: one exponential server of rate `mu`/s fed by Poisson arrivals at `lambda`/s.
///
/// `None` unless 0 ≤ λ < μ and both are finite: at ρ ≥ 1 the queue grows without bound.
pub fn mm1(lambda: f64, mu: f64) -> Option<QueueTheory> {
    if !(non_negative(lambda) && non_negative(mu) && lambda < mu) {
        return None;
    }
    let rho = lambda / mu;
    let mean_wait = rho / (mu - lambda);
    Some(QueueTheory::from_wait(
        QueueModel::Mm1 { lambda, mu },
        lambda,
        rho,
        rho,
        mean_wait,
        1.0 / mu,
    ))
}

/// Erlang C, C(c, a): the probability that an arrival waits in an M/M/c queue with offered load
/// a = λ/μ erlangs. Requires a < c.
///
/// Computed through the Erlang B recursion B(0) = 1, B(k) = a B(k−1) / (k + a B(k−1)), whose
/// terms stay in [0, 1], and then C = B / (1 − ρ(1 − B)). The textbook form with a^c/c! overflows
/// for c beyond about 170 servers; this one works for any c.
fn erlang_c(servers: u32, offered: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=servers {
        let ab = offered * b;
        b = ab / (f64::from(k) + ab);
    }
    let rho = offered / f64::from(servers);
    b / (1.0 - rho * (1.0 - b))
}

/// M/M/c (Erlang C): `servers` exponential servers of rate `mu`/s each sharing one FIFO queue
/// fed by Poisson arrivals at `lambda`/s.
///
/// `None` unless `servers` ≥ 1, μ > 0 and 0 ≤ λ < cμ.
pub fn mmc(lambda: f64, mu: f64, servers: u32) -> Option<QueueTheory> {
    if servers == 0 || !(non_negative(lambda) && non_negative(mu) && mu > 0.0) {
        return None;
    }
    let capacity = f64::from(servers) * mu;
    if lambda >= capacity || !capacity.is_finite() {
        return None;
    }
    let offered = lambda / mu;
    let prob_wait = erlang_c(servers, offered);
    let mean_wait = prob_wait / (capacity - lambda);
    Some(QueueTheory::from_wait(
        QueueModel::Mmc {
            lambda,
            mu,
            servers,
        },
        lambda,
        lambda / capacity,
        prob_wait,
        mean_wait,
        1.0 / mu,
    ))
}

/// M/G/1 by Pollaczek–Khinchine: E[Wq] = ρ(1 + Cs²)E[S] / (2(1 − ρ)), with ρ = λE[S].
///
/// `service_scv` is Cs² = Var[S]/E[S]²: 0 for constant service (M/D/1), 1 for exponential
/// (which reproduces M/M/1). P(wait) is ρ, because Poisson arrivals see time averages.
/// `None` unless λ ≥ 0, E[S] > 0, Cs² ≥ 0 and ρ < 1.
pub fn mg1(lambda: f64, mean_service: f64, service_scv: f64) -> Option<QueueTheory> {
    if !(non_negative(lambda)
        && non_negative(mean_service)
        && mean_service > 0.0
        && non_negative(service_scv))
    {
        return None;
    }
    let rho = lambda * mean_service;
    // Both factors are finite and non-negative, so ρ is never NaN; it may overflow to ∞.
    if rho >= 1.0 {
        return None;
    }
    let mean_wait = rho * (1.0 + service_scv) * mean_service / (2.0 * (1.0 - rho));
    Some(QueueTheory::from_wait(
        QueueModel::Mg1 {
            lambda,
            mean_service,
            service_scv,
        },
        lambda,
        rho,
        rho,
        mean_wait,
        mean_service,
    ))
}

/// Zipf(α) popularity over `n` items: p_i ∝ i^{−α} for i = 1..n, normalised to sum to 1 and
/// sorted from most to least popular.
///
/// `None` if α is negative or not finite. `n == 0` gives an empty vector.
pub fn zipf_pmf(n: usize, alpha: f64) -> Option<Vec<f64>> {
    if !non_negative(alpha) {
        return None;
    }
    let mut weights: Vec<f64> = (1..=n).map(|i| libm::pow(i as f64, -alpha)).collect();
    // Summing from the smallest weight up keeps the rounding error of the normaliser small.
    let total: f64 = weights.iter().rev().sum();
    for w in &mut weights {
        *w /= total;
    }
    Some(weights)
}

/// Checks a popularity vector and returns it normalised to sum to 1, with the number of items
/// that have positive probability. `None` if any entry is negative or not finite, or all are 0.
fn normalised(probs: &[f64]) -> Option<(Vec<f64>, usize)> {
    if probs.iter().any(|&p| !non_negative(p)) {
        return None;
    }
    let total: f64 = probs.iter().sum();
    if !(total > 0.0 && total.is_finite()) {
        return None;
    }
    let positive = probs.iter().filter(|&&p| p > 0.0).count();
    Some((probs.iter().map(|&p| p / total).collect(), positive))
}

/// Solves Σ_i occupancy(p_i, t) = `capacity` for the characteristic time t of a cache.
///
/// Both occupancy laws used here are increasing in t and bounded above by p_i t, so the root is
/// at least `capacity`; the solver doubles an upper bound until it brackets the root and then
/// bisects on a log scale, which is robust where Newton's method can overshoot on heavy tails.
/// The caller guarantees 0 < capacity < number of items with positive probability, so a root exists.
fn characteristic_time(probs: &[f64], capacity: f64, occupancy: impl Fn(f64, f64) -> f64) -> f64 {
    let filled = |t: f64| -> f64 { probs.iter().map(|&p| occupancy(p, t)).sum() };
    let mut lo = capacity;
    let mut hi = capacity * 2.0;
    // The occupancy approaches the item count only as t → ∞; 2,000 doublings exceed f64's range,
    // and once every term saturates at 1 the sum exceeds the capacity, so the loop ends.
    for _ in 0..2000 {
        if filled(hi) >= capacity {
            break;
        }
        lo = hi;
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = libm::sqrt(lo * hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if filled(mid) < capacity {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    libm::sqrt(lo * hi)
}

/// Shared edge cases of the capacity-limited cache models: a cache of 0 items never hits, and a
/// cache at least as large as the set of requested items holds all of them in steady state.
/// Returns the normalised probabilities when the general formula is needed.
fn cache_edge_cases(probs: &[f64], capacity: usize) -> Result<Vec<f64>, Option<f64>> {
    let Some((p, positive)) = normalised(probs) else {
        return Err(None);
    };
    if capacity == 0 {
        return Err(Some(0.0));
    }
    if capacity >= positive {
        return Err(Some(1.0));
    }
    Ok(p)
}

/// LRU hit ratio by the Che approximation under the independent reference model: solve
/// Σ_i (1 − e^{−p_i t}) = C for t, then h = Σ_i p_i (1 − e^{−p_i t}).
///
/// `probs` are request probabilities (normalised here if they do not sum to 1); `capacity` is the
/// cache size in items. `None` if `probs` is empty, negative, non-finite or all zero.
pub fn che_lru_hit_ratio(probs: &[f64], capacity: usize) -> Option<f64> {
    let p = match cache_edge_cases(probs, capacity) {
        Ok(p) => p,
        Err(h) => return h,
    };
    // 1 − e^{−x} is written as −expm1(−x) because the unpopular items have tiny p_i t.
    let in_cache = |pi: f64, t: f64| -libm::expm1(-pi * t);
    let t = characteristic_time(&p, capacity as f64, in_cache);
    Some(p.iter().map(|&pi| pi * in_cache(pi, t)).sum())
}

/// FIFO (and RANDOM replacement) hit ratio under the independent reference model: solve
/// Σ_i p_i T / (1 + p_i T) = C for T, then h = Σ_i p_i² T / (1 + p_i T).
///
/// Same inputs and `None` cases as [`che_lru_hit_ratio`].
pub fn fifo_hit_ratio(probs: &[f64], capacity: usize) -> Option<f64> {
    let p = match cache_edge_cases(probs, capacity) {
        Ok(p) => p,
        Err(h) => return h,
    };
    let in_cache = |pi: f64, t: f64| pi * t / (1.0 + pi * t);
    let t = characteristic_time(&p, capacity as f64, in_cache);
    Some(p.iter().map(|&pi| pi * in_cache(pi, t)).sum())
}

/// LFU hit ratio with perfect frequency counts: the cache holds the `capacity` most popular
/// items, so h is the sum of their probabilities. `probs` need not be sorted (a copy is sorted
/// here). Same `None` cases as [`che_lru_hit_ratio`].
pub fn lfu_hit_ratio(probs: &[f64], capacity: usize) -> Option<f64> {
    let mut p = match cache_edge_cases(probs, capacity) {
        Ok(p) => p,
        Err(h) => return h,
    };
    p.sort_by(|a, b| b.total_cmp(a));
    Some(p.iter().take(capacity).sum())
}

/// Hit ratio of one item requested as a Poisson process at `rate`/s in a TTL cache whose entries
/// expire `ttl` seconds after insertion, however often they are hit: h = rT / (1 + rT).
///
/// `None` for a negative or non-finite rate or TTL.
pub fn ttl_hit_non_reset(rate: f64, ttl: f64) -> Option<f64> {
    if !(non_negative(rate) && non_negative(ttl)) {
        return None;
    }
    let rt = rate * ttl;
    Some(rt / (1.0 + rt))
}

/// Hit ratio of one item requested as a Poisson process at `rate`/s in a TTL cache whose timer is
/// reset on every hit, so the entry survives while gaps stay below the TTL: h = 1 − e^{−rT}.
///
/// `None` for a negative or non-finite rate or TTL.
pub fn ttl_hit_reset(rate: f64, ttl: f64) -> Option<f64> {
    if !(non_negative(rate) && non_negative(ttl)) {
        return None;
    }
    Some(-libm::expm1(-rate * ttl))
}

/// Hit ratio of a whole catalogue in a TTL cache of unlimited capacity: item i receives
/// `total_rate`·p_i requests per second and the cache hits with h = Σ_i p_i h_i, using
/// [`ttl_hit_reset`] when `reset` is true and [`ttl_hit_non_reset`] otherwise.
///
/// `None` for invalid probabilities (as in [`che_lru_hit_ratio`]) or an invalid rate or TTL.
pub fn ttl_cache_hit_ratio(probs: &[f64], total_rate: f64, ttl: f64, reset: bool) -> Option<f64> {
    let (p, _) = normalised(probs)?;
    if !(non_negative(total_rate) && non_negative(ttl)) {
        return None;
    }
    let per_item = if reset {
        ttl_hit_reset
    } else {
        ttl_hit_non_reset
    };
    let mut hit = 0.0;
    for &pi in &p {
        hit += pi * per_item(pi * total_rate, ttl)?;
    }
    Some(hit)
}

/// Mean response time (seconds) behind a random load balancer: each server sees a Poisson split
/// of the traffic, so it is an M/M/1 queue, E[T] = 1/(μ − λ). `None` unless 0 ≤ λ < μ.
pub fn random_lb_mean_response(lambda_per_server: f64, mu: f64) -> Option<f64> {
    mm1(lambda_per_server, mu).map(|q| q.mean_response)
}

/// Mean response time of the power-of-d-choices load balancer in the mean-field limit (N → ∞),
/// in units of the mean service time (μ = 1; divide by μ for seconds), at per-server load λ:
/// E[T] = Σ_{i≥1} λ^{(d^i − d)/(d − 1)} (Mitzenmacher 2001).
///
/// The exponents are 0, d, d + d², …, so the terms fall doubly exponentially and the sum stops
/// once a term no longer changes it. d = 1 is the random policy, 1/(1 − λ).
/// `None` unless 0 ≤ λ < 1 and d ≥ 1.
pub fn power_of_d_mean_response(lambda: f64, d: u32) -> Option<f64> {
    if d == 0 || !(non_negative(lambda) && lambda < 1.0) {
        return None;
    }
    if d == 1 {
        return Some(1.0 / (1.0 - lambda));
    }
    let d = f64::from(d);
    let mut exponent = 0.0;
    let mut sum = 0.0;
    // Even at λ = 1 − 2⁻⁵³ the exponent passes 10¹⁸ (term ≈ 0) within about 60 steps for d = 2.
    for _ in 0..10_000 {
        let term = libm::pow(lambda, exponent);
        if sum + term == sum {
            break;
        }
        sum += term;
        // (d^{i+1} − d)/(d − 1) = d·(d^i − d)/(d − 1) + d.
        exponent = exponent * d + d;
    }
    Some(sum)
}

/// Availability of `n` redundant replicas in parallel, each up with probability `a`
/// independently: the tier is down only when all are, A = 1 − (1 − a)^n.
/// `n == 0` gives 0. `None` if `a` is not a probability.
pub fn parallel_availability(a: f64, n: u32) -> Option<f64> {
    if !probability(a) {
        return None;
    }
    Some(1.0 - libm::pow(1.0 - a, f64::from(n)))
}

/// Availability of tiers in series (a request needs every tier): the product of their
/// availabilities. An empty chain is always up. `None` if any entry is not a probability.
pub fn series_availability(tiers: &[f64]) -> Option<f64> {
    if tiers.iter().any(|&a| !probability(a)) {
        return None;
    }
    Some(tiers.iter().product())
}

/// Expected downtime in minutes per 365-day year at availability `a`.
/// `None` if `a` is not a probability.
pub fn downtime_minutes_per_year(a: f64) -> Option<f64> {
    if !probability(a) {
        return None;
    }
    Some((1.0 - a) * MINUTES_PER_YEAR)
}

/// Fraction of keys that move when hash-mod-k sharding grows from k to k + 1 shards: a key stays
/// only if h mod k = h mod (k + 1), which holds for 1 in k + 1 keys, so k/(k + 1) move.
pub fn modulo_moved_fraction(k: u32) -> f64 {
    let k = f64::from(k);
    k / (k + 1.0)
}

/// Expected fraction of keys that move when consistent hashing (or jump hash) grows from k to
/// k + 1 shards: only the new shard's share, 1/(k + 1).
pub fn consistent_moved_fraction(k: u32) -> f64 {
    1.0 / (f64::from(k) + 1.0)
}

/// Coefficient of variation (SD / mean) of one shard's share of a consistent-hash ring with `k`
/// shards and `v` virtual nodes each: √((k − 1)/(kv + 1)). It is the spread of a sum of v
/// spacings of kv uniform points. `None` if `k` or `v` is 0.
pub fn vnode_share_cv(k: u32, v: u32) -> Option<f64> {
    if k == 0 || v == 0 {
        return None;
    }
    let (k, v) = (f64::from(k), f64::from(v));
    Some(libm::sqrt((k - 1.0) / (k * v + 1.0)))
}

/// Approximate maximum load when `n` keys are hashed uniformly onto `k` shards (balls into bins,
/// heavily loaded case): n/k + √(2 (n/k) ln k). `None` if `k` is 0.
pub fn balls_into_bins_max_load(n: u64, k: u32) -> Option<f64> {
    if k == 0 {
        return None;
    }
    let mean = n as f64 / f64::from(k);
    Some(mean + libm::sqrt(2.0 * mean * libm::log(f64::from(k))))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative closeness, with an absolute floor so that exact zeros compare sensibly.
    fn close(actual: f64, expected: f64, rel: f64) -> bool {
        (actual - expected).abs() <= rel * expected.abs().max(1e-12)
    }

    fn check(what: &str, actual: f64, expected: f64, rel: f64) {
        assert!(
            close(actual, expected, rel),
            "{what}: got {actual}, expected {expected} (rel {rel})"
        );
    }

    /// Quantiles in the tables are given to 0.01 ms.
    fn check_ms(what: &str, seconds: Option<f64>, expected_ms: f64) {
        let ms = seconds.map(|s| s * 1e3);
        assert!(
            ms.is_some_and(|ms| (ms - expected_ms).abs() <= 0.005 + 1e-9),
            "{what}: got {ms:?} ms, expected {expected_ms} ms"
        );
    }

    #[test]
    fn mm1_matches_fidelity_table() {
        // (μ, λ, ρ, E[T] ms, p50 ms, p95 ms, p99 ms), fidelity.md §1.
        let table = [
            (100.0, 50.0, 0.5, 20.0, 13.86, 59.91, 92.10),
            (100.0, 90.0, 0.9, 100.0, 69.31, 299.57, 460.52),
        ];
        for (mu, lambda, rho, t_ms, p50, p95, p99) in table {
            let q = mm1(lambda, mu).expect("stable queue");
            let name = format!("M/M/1 μ={mu} λ={lambda}");
            check(&name, q.utilization, rho, 1e-12);
            check(&name, q.mean_response * 1e3, t_ms, 1e-9);
            check(&name, q.mean_wait, rho / (mu - lambda), 1e-12);
            check_ms(&format!("{name} p50"), q.response_quantile(0.50), p50);
            check_ms(&format!("{name} p95"), q.response_quantile(0.95), p95);
            check_ms(&format!("{name} p99"), q.response_quantile(0.99), p99);
        }
    }

    #[test]
    fn mmc_matches_fidelity_table() {
        // (c, μ, λ, P(wait), E[T] ms, p99 ms), fidelity.md §2.
        let table = [
            (4, 100.0, 200.0, 0.173913, 10.870, 47.64),
            (4, 100.0, 360.0, 0.787753, 29.694, 121.93),
        ];
        for (c, mu, lambda, pw, t_ms, p99) in table {
            let q = mmc(lambda, mu, c).expect("stable queue");
            let name = format!("M/M/{c} μ={mu} λ={lambda}");
            check(&name, q.prob_wait, pw, 1e-5);
            check(&name, q.mean_response * 1e3, t_ms, 1e-4);
            check_ms(&format!("{name} p99"), q.response_quantile(0.99), p99);
            // The quantile must invert the tail it was solved from.
            let t99 = q.response_quantile(0.99).expect("valid p");
            check(
                &format!("{name} tail"),
                q.response_tail(t99).expect("valid t"),
                0.01,
                1e-9,
            );
        }
    }

    #[test]
    fn mmc_with_one_server_is_mm1() {
        for (lambda, mu) in [
            (0.0, 1.0),
            (50.0, 100.0),
            (90.0, 100.0),
            (999.0, 1000.0),
            (0.3, 7.0),
        ] {
            let one = mmc(lambda, mu, 1).expect("stable");
            let mm = mm1(lambda, mu).expect("stable");
            let name = format!("λ={lambda} μ={mu}");
            check(&name, one.prob_wait, mm.prob_wait, 1e-12);
            check(&name, one.mean_response, mm.mean_response, 1e-12);
            check(&name, one.mean_wait, mm.mean_wait, 1e-12);
            for p in [0.0, 0.5, 0.9, 0.99, 0.999] {
                let a = one.response_quantile(p).expect("valid p");
                let b = mm.response_quantile(p).expect("valid p");
                assert!(
                    (a - b).abs() <= 1e-9 * b.max(1.0),
                    "{name} p={p}: {a} vs {b}"
                );
            }
        }
    }

    #[test]
    fn mmc_is_stable_for_many_servers() {
        // The factorial form overflows past c ≈ 170; the recursion must not. With a = 0.95c the
        // wait probability of a large pool falls towards 0 but stays a probability, and E[T] > 1/μ.
        for c in [1u32, 10, 100, 171, 1000, 10_000, 100_000] {
            let mu = 1.0;
            let q = mmc(0.95 * f64::from(c), mu, c).expect("stable");
            assert!(
                q.prob_wait.is_finite() && (0.0..=1.0).contains(&q.prob_wait),
                "c={c}: {q:?}"
            );
            assert!(q.mean_response >= 1.0 / mu, "c={c}: {q:?}");
            let p99 = q.response_quantile(0.99).expect("valid p");
            assert!(p99.is_finite() && p99 > 0.0, "c={c}: p99={p99}");
        }
    }

    #[test]
    fn mmc_tail_handles_theta_equal_to_mu() {
        // c=2, μ=1, λ=1 gives θ = cμ − λ = 1 = μ, where the tail is C e^{−μt}(1 + μt) + (1−C)e^{−μt}.
        let q = mmc(1.0, 1.0, 2).expect("stable");
        for t in [0.0, 0.5, 1.0, 3.0, 10.0] {
            let expected = libm::exp(-t) * (1.0 + q.prob_wait * t);
            check(
                &format!("t={t}"),
                q.response_tail(t).expect("valid t"),
                expected,
                1e-12,
            );
        }
        // Nearly equal rates must agree with the limit rather than cancel.
        let near = mmc(1.0 - 1e-12, 1.0, 2).expect("stable");
        check(
            "near",
            near.response_tail(2.0).expect("valid t"),
            q.response_tail(2.0).expect("valid t"),
            1e-9,
        );
    }

    #[test]
    fn mg1_pollaczek_khinchine() {
        // M/D/1 with E[S] = 10 ms and ρ = 0.9 waits 45 ms on average (fidelity.md §3).
        let md1 = mg1(90.0, 0.010, 0.0).expect("stable");
        check("M/D/1 E[Wq]", md1.mean_wait, 0.045, 1e-12);
        check("M/D/1 E[T]", md1.mean_response, 0.055, 1e-12);
        check("M/D/1 ρ", md1.utilization, 0.9, 1e-12);
        // Exponential service (Cs² = 1) is M/M/1.
        for (lambda, mu) in [(50.0, 100.0), (90.0, 100.0), (0.5, 2.0)] {
            let g = mg1(lambda, 1.0 / mu, 1.0).expect("stable");
            let m = mm1(lambda, mu).expect("stable");
            check("P-K scv=1 E[Wq]", g.mean_wait, m.mean_wait, 1e-12);
            check("P-K scv=1 E[T]", g.mean_response, m.mean_response, 1e-12);
        }
        assert_eq!(md1.response_quantile(0.99), None);
    }

    #[test]
    fn queue_inputs_are_validated() {
        let nan = f64::NAN;
        let inf = f64::INFINITY;
        for (lambda, mu) in [
            (100.0, 100.0),
            (150.0, 100.0),
            (-1.0, 100.0),
            (1.0, 0.0),
            (nan, 1.0),
            (1.0, nan),
            (1.0, inf),
        ] {
            assert_eq!(mm1(lambda, mu), None, "mm1({lambda}, {mu})");
            assert_eq!(mmc(lambda, mu, 1), None, "mmc({lambda}, {mu}, 1)");
        }
        assert_eq!(mmc(1.0, 1.0, 0), None);
        assert_eq!(mmc(400.0, 100.0, 4), None);
        for (lambda, s, scv) in [
            (100.0, 0.01, 0.0),
            (1.0, 0.0, 1.0),
            (1.0, 0.1, -1.0),
            (1.0, nan, 1.0),
            (-1.0, 0.1, 1.0),
        ] {
            assert_eq!(mg1(lambda, s, scv), None, "mg1({lambda}, {s}, {scv})");
        }
        let q = mm1(1.0, 2.0).expect("stable");
        for p in [-0.1, 1.0, 1.5, nan] {
            assert_eq!(q.response_quantile(p), None, "p={p}");
        }
        assert_eq!(q.response_tail(-1.0), None);
    }

    #[test]
    fn zipf_cache_hit_ratios_match_fidelity_table() {
        // (N, α, C, LFU, LRU), fidelity.md §4, given to four decimals.
        let table = [
            (10_000, 0.8, 100, 0.3000, 0.1566),
            (10_000, 1.0, 1_000, 0.7648, 0.6756),
        ];
        for (n, alpha, c, lfu, lru) in table {
            let p = zipf_pmf(n, alpha).expect("valid α");
            let name = format!("N={n} α={alpha} C={c}");
            let got_lfu = lfu_hit_ratio(&p, c).expect("valid");
            let got_lru = che_lru_hit_ratio(&p, c).expect("valid");
            let got_fifo = fifo_hit_ratio(&p, c).expect("valid");
            assert!((got_lfu - lfu).abs() <= 5e-5, "{name} LFU {got_lfu}");
            assert!((got_lru - lru).abs() <= 5e-5, "{name} LRU {got_lru}");
            assert!(
                got_fifo <= got_lru && got_lru <= got_lfu,
                "{name}: FIFO {got_fifo} LRU {got_lru} LFU {got_lfu}"
            );
        }
    }

    #[test]
    fn cache_hit_ratio_ordering_and_edges() {
        for (n, alpha, c) in [
            (1000, 0.6, 10),
            (1000, 0.8, 50),
            (10_000, 1.2, 100),
            (500, 0.0, 100),
            (100, 2.0, 1),
        ] {
            let p = zipf_pmf(n, alpha).expect("valid α");
            let fifo = fifo_hit_ratio(&p, c).expect("valid");
            let lru = che_lru_hit_ratio(&p, c).expect("valid");
            let lfu = lfu_hit_ratio(&p, c).expect("valid");
            let name = format!("N={n} α={alpha} C={c}");
            assert!(
                fifo <= lru + 1e-12 && lru <= lfu + 1e-12,
                "{name}: {fifo} {lru} {lfu}"
            );
            assert!(fifo > 0.0 && lfu < 1.0, "{name}");
            if alpha == 0.0 {
                // Uniform popularity: every policy hits C/N.
                for h in [fifo, lru, lfu] {
                    check(&name, h, c as f64 / n as f64, 1e-9);
                }
            }
        }
        let p = zipf_pmf(50, 0.9).expect("valid α");
        for f in [che_lru_hit_ratio, fifo_hit_ratio, lfu_hit_ratio] {
            assert_eq!(f(&p, 0), Some(0.0));
            assert_eq!(f(&p, 50), Some(1.0));
            assert_eq!(f(&p, 51), Some(1.0));
            assert_eq!(f(&[], 3), None);
            assert_eq!(f(&[0.5, -0.1], 1), None);
            assert_eq!(f(&[0.0, 0.0], 1), None);
            assert_eq!(f(&[f64::NAN, 1.0], 1), None);
            // Zero-probability items are never requested, so they do not need cache room.
            assert_eq!(f(&[0.7, 0.3, 0.0], 2), Some(1.0));
        }
        // LFU sorts a copy, so the input order does not matter.
        assert_eq!(lfu_hit_ratio(&[0.1, 0.6, 0.3], 1), Some(0.6));
        assert_eq!(zipf_pmf(0, 1.0), Some(Vec::new()));
        assert_eq!(zipf_pmf(3, -1.0), None);
        assert_eq!(zipf_pmf(3, f64::NAN), None);
        check(
            "zipf sums to 1",
            zipf_pmf(1234, 0.9).expect("valid").iter().sum(),
            1.0,
            1e-12,
        );
    }

    #[test]
    fn ttl_caches() {
        // (rate, TTL, non-reset, reset), fidelity.md §5 and two more points.
        let table = [
            (1.0, 1.0, 0.5, 0.632_120_558_8),
            (0.0, 5.0, 0.0, 0.0),
            (2.0, 0.5, 0.5, 0.632_120_558_8),
            (10.0, 0.3, 0.75, 0.950_212_931_6),
        ];
        for (r, ttl, non_reset, reset) in table {
            let name = format!("r={r} T={ttl}");
            check(
                &name,
                ttl_hit_non_reset(r, ttl).expect("valid"),
                non_reset,
                1e-9,
            );
            check(&name, ttl_hit_reset(r, ttl).expect("valid"), reset, 1e-9);
        }
        assert_eq!(ttl_hit_reset(-1.0, 1.0), None);
        assert_eq!(ttl_hit_non_reset(1.0, f64::INFINITY), None);
        // One item receiving all the traffic is the single-item formula; resetting always helps.
        check(
            "catalogue of one",
            ttl_cache_hit_ratio(&[1.0], 1.0, 1.0, false).expect("valid"),
            0.5,
            1e-12,
        );
        let p = zipf_pmf(1000, 0.9).expect("valid α");
        let non_reset = ttl_cache_hit_ratio(&p, 100.0, 2.0, false).expect("valid");
        let reset = ttl_cache_hit_ratio(&p, 100.0, 2.0, true).expect("valid");
        assert!(
            0.0 < non_reset && non_reset < reset && reset < 1.0,
            "{non_reset} {reset}"
        );
    }

    #[test]
    fn load_balancer_policies() {
        check(
            "power of 2 at 0.9",
            power_of_d_mean_response(0.9, 2).expect("valid"),
            2.614,
            1e-3,
        );
        // (λ, d, expected E[T]) with μ = 1; d = 1 is random, λ = 0 is pure service.
        let table = [
            (0.9, 1, 10.0),
            (0.5, 1, 2.0),
            (0.0, 2, 1.0),
            (0.0, 3, 1.0),
            (
                0.5,
                2,
                1.0 + 0.25 + 0.015625 + 1.0 / 16384.0 + 1.0 / 1_073_741_824.0,
            ),
        ];
        for (lambda, d, expected) in table {
            check(
                &format!("λ={lambda} d={d}"),
                power_of_d_mean_response(lambda, d).expect("valid"),
                expected,
                1e-9,
            );
        }
        // More choices never hurt, and any choice beats random.
        for lambda in [0.3, 0.7, 0.9, 0.99] {
            let random = random_lb_mean_response(lambda, 1.0).expect("stable");
            let two = power_of_d_mean_response(lambda, 2).expect("valid");
            let three = power_of_d_mean_response(lambda, 3).expect("valid");
            assert!(
                1.0 <= three && three <= two && two <= random,
                "λ={lambda}: {three} {two} {random}"
            );
        }
        check(
            "random",
            random_lb_mean_response(50.0, 100.0).expect("stable"),
            0.02,
            1e-12,
        );
        assert_eq!(random_lb_mean_response(1.0, 1.0), None);
        assert_eq!(power_of_d_mean_response(1.0, 2), None);
        assert_eq!(power_of_d_mean_response(0.5, 0), None);
        assert!(power_of_d_mean_response(1.0 - 1e-12, 2).is_some_and(f64::is_finite));
    }

    #[test]
    fn availability() {
        let a = parallel_availability(0.99, 2).expect("valid");
        check("two replicas", a, 0.9999, 1e-12);
        let down = downtime_minutes_per_year(a).expect("valid");
        assert!((down - 52.6).abs() < 0.05, "downtime {down}");
        // (a, n, expected)
        for (a, n, expected) in [
            (0.9, 1, 0.9),
            (0.9, 3, 0.999),
            (0.5, 0, 0.0),
            (1.0, 2, 1.0),
            (0.0, 5, 0.0),
        ] {
            check(
                &format!("a={a} n={n}"),
                parallel_availability(a, n).expect("valid"),
                expected,
                1e-12,
            );
        }
        check(
            "series",
            series_availability(&[0.99, 0.999, 0.9999]).expect("valid"),
            0.99 * 0.999 * 0.9999,
            1e-15,
        );
        assert_eq!(series_availability(&[]), Some(1.0));
        assert_eq!(series_availability(&[0.9, 1.1]), None);
        assert_eq!(parallel_availability(-0.1, 2), None);
        assert_eq!(downtime_minutes_per_year(f64::NAN), None);
        check(
            "always down",
            downtime_minutes_per_year(0.0).expect("valid"),
            525_600.0,
            1e-15,
        );
    }

    #[test]
    fn hashing_theory() {
        check("modulo k=16", modulo_moved_fraction(16), 0.941, 1e-3);
        check(
            "consistent k=16",
            consistent_moved_fraction(16),
            0.059,
            1e-2,
        );
        check(
            "consistent k=16 exact",
            consistent_moved_fraction(16),
            1.0 / 17.0,
            1e-15,
        );
        check(
            "vnode cv",
            vnode_share_cv(16, 100).expect("valid"),
            0.097,
            1e-2,
        );
        assert_eq!(vnode_share_cv(1, 100), Some(0.0));
        assert_eq!(vnode_share_cv(0, 100), None);
        assert_eq!(vnode_share_cv(16, 0), None);
        // n/k + √(2 (n/k) ln k): k = 1 has no spread; k = 16, n = 160,000 adds √(2·10⁴·ln 16).
        check(
            "one bin",
            balls_into_bins_max_load(1000, 1).expect("valid"),
            1000.0,
            1e-15,
        );
        check(
            "16 bins",
            balls_into_bins_max_load(160_000, 16).expect("valid"),
            10_000.0 + libm::sqrt(20_000.0 * libm::log(16.0)),
            1e-15,
        );
        assert_eq!(balls_into_bins_max_load(10, 0), None);
    }
}
