//! API gateways: a rate limiter (token buckets, one global or one per user), a small service
//! time on the gateway's cores, then routing by the request's path to the service behind it.

use crate::sim::*;

/// A token bucket: tokens saved up to the burst, refilled at the rate since `last`.
#[derive(Debug, Clone, Copy)]
pub(in crate::sim) struct Bucket {
    pub(in crate::sim) tokens: f64,
    pub(in crate::sim) last: SimTime,
}

impl Bucket {
    /// Takes a token at `now` if one is saved; refills first (plain arithmetic: no libm needed).
    fn take(&mut self, now: SimTime, rate_rps: f64, burst: f64) -> bool {
        let dt = now.since(self.last).as_secs_f64();
        self.tokens = (self.tokens + dt * rate_rps).min(burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

pub(in crate::sim) struct GatewayRt {
    pub(in crate::sim) spec: GatewaySpec,
    /// Global: one bucket; per user: one per user of all the users nodes (the ids sessions
    /// use), so its memory is bounded by the design's users; none without a limiter.
    pub(in crate::sim) buckets: Vec<Bucket>,
}

impl GatewayRt {
    pub(in crate::sim) fn new(spec: &GatewaySpec, users_total: u64) -> GatewayRt {
        let limit = spec.rate_limit;
        let count = match limit.kind {
            RateLimitKind::None => 0,
            RateLimitKind::Global => 1,
            RateLimitKind::PerUser => users_total.max(1) as usize,
        };
        // Every bucket starts full: a user's first burst passes.
        let full = Bucket {
            tokens: limit.burst.max(1.0),
            last: SimTime::ZERO,
        };
        GatewayRt {
            spec: spec.clone(),
            buckets: vec![full; count],
        }
    }
}

impl Simulation {
    // ----- API gateway ---------------------------------------------------------------------

    /// A request reaches the gateway: refused at once (HTTP 429) when its bucket is empty,
    /// otherwise queued for a worker like any station's.
    #[inline(never)]
    pub(in crate::sim) fn gateway_deliver(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        let per_user = matches!(
            &self.nodes[f.node as usize].kind,
            Kind::Gateway(g) if g.spec.rate_limit.kind == RateLimitKind::PerUser
        );
        let user = if per_user && f.req != NIL {
            self.global_user(f.req) as usize
        } else {
            0
        };
        let now = self.now;
        let n = &mut self.nodes[f.node as usize];
        let Kind::Gateway(g) = &mut n.kind else {
            return;
        };
        if n.up && !g.buckets.is_empty() {
            let limit = g.spec.rate_limit;
            let i = user.min(g.buckets.len() - 1);
            if !g.buckets[i].take(now, limit.rate_rps, limit.burst.max(1.0)) {
                n.win.errors += 1;
                self.window_counters.rate_limited += 1;
                self.finish(frame, Err(ErrorCause::RateLimited));
                return;
            }
        }
        self.enter(frame);
    }

    /// The gateway's work is done: its worker is free (an asynchronous proxy holds none while
    /// the service answers) and the request goes to the route of its path, or the default.
    #[inline(never)]
    pub(in crate::sim) fn gateway_after_service(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        self.free_worker(f.node);
        let path = if f.req == NIL {
            0
        } else {
            self.requests[f.req as usize].path
        };
        let n = &mut self.nodes[f.node as usize];
        let Kind::Gateway(g) = &n.kind else {
            return;
        };
        let target = g
            .spec
            .routes
            .iter()
            .find(|&&(p, _)| p == path)
            .map(|&(_, to)| to)
            .or(g.spec.default);
        let Some(target) = target else {
            n.win.errors += 1;
            self.finish(frame, Err(ErrorCause::NoRoute));
            return;
        };
        self.frames[frame as usize].step = 1;
        self.call(frame, f.req, f.node, target, f.op, f.key, SimDuration::ZERO);
    }
}
