//! Users: Poisson (or profiled) arrivals, each a request with a user, a key and a timeout, and
//! the reply or failure that ends it.

use crate::sim::*;

/// The mean gap between arrivals at a steady rate (a profile draws at its envelope's instead);
/// infinite for no traffic, which never reaches a draw.
pub(in crate::sim) fn mean_gap_s(rate_rps: f64) -> f64 {
    1.0 / rate_rps
}

pub(in crate::sim) struct UsersRt {
    pub(in crate::sim) spec: UsersSpec,
    pub(in crate::sim) rate_rps: f64,
    /// The mean gap between arrivals at a steady rate, `1 / rate`: kept with the rate, so that
    /// an arrival pays no division.
    pub(in crate::sim) mean_gap_s: f64,
    pub(in crate::sim) generation: u32,
    pub(in crate::sim) zipf: Zipf,
    pub(in crate::sim) static_zipf: Zipf,
    /// Bytes of a dynamic response and of a static asset.
    pub(in crate::sim) response_bytes: u32,
    pub(in crate::sim) static_bytes: u32,
    /// Per user: the cached DNS answer. Read at every arrival, for a user drawn at random: both
    /// halves of an answer share one cache line.
    pub(in crate::sim) dns: Vec<DnsAnswer>,
    /// Whether requests draw a path or an attack: without either (most designs) an arrival
    /// makes no further draw, so the stream of old designs is unchanged.
    pub(in crate::sim) extras: bool,
}

/// A request's path and whether it is an attack, drawn after its key (so the next arrival's
/// prefetch, which replays the draws up to the key, still aims right).
#[inline(never)]
fn draw_extras(spec: &UsersSpec, rng: &mut SimRng, op: Op) -> (u16, Op) {
    let path = if spec.paths.is_empty() {
        0
    } else {
        let u = rng.open01();
        spec.paths
            .iter()
            .find(|p| u < p.cumulative)
            .or(spec.paths.last())
            .map_or(0, |p| p.path)
    };
    let op = if spec.attack_share > 0.0 && rng.open01() < spec.attack_share {
        Op::Attack
    } else {
        op
    };
    (path, op)
}

impl Simulation {
    // ----- users and DNS -------------------------------------------------------------------

    pub(in crate::sim) fn schedule_next_arrival(&mut self, node: NodeId) {
        let now = self.now;
        let next = match self.nodes.get_mut(node as usize) {
            Some(NodeRt {
                kind: Kind::Users(users),
                rng,
                ..
            }) if users.rate_rps > 0.0 => {
                if users.spec.profile != crate::model::RateProfile::Steady {
                    Self::profile_arrival(users, rng, now)
                } else {
                    let gap = SimDuration::from_secs_f64(rng.exp(users.mean_gap_s));
                    Some((now + gap, users.generation))
                }
            }
            _ => None,
        };
        if let Some((time, generation)) = next {
            self.schedule(time, Action::Arrival { node, generation });
        }
    }

    /// Thinning over a piecewise envelope: a gap drawn at the bound of the segment holding the
    /// clock; one that leaves the segment is dropped and the draw starts again at its end
    /// (exact: exponential gaps are memoryless), and `on_arrival` accepts at factor / bound.
    #[inline(never)]
    pub(in crate::sim) fn profile_arrival(
        users: &UsersRt,
        rng: &mut SimRng,
        now: SimTime,
    ) -> Option<(SimTime, u32)> {
        let mut t = now;
        loop {
            let (bound, until) = users.spec.profile.envelope(t);
            let rate = users.rate_rps * bound;
            if rate > 0.0 {
                let at = t + SimDuration::from_secs_f64(rng.exp(1.0 / rate));
                if at < until {
                    return Some((at, users.generation));
                }
            }
            if until == SimTime::MAX {
                return None;
            }
            t = until;
        }
    }

    pub(in crate::sim) fn on_arrival(&mut self, node: NodeId, generation: u32) {
        let now = self.now;
        let region = self.nodes[node as usize].region;
        let n = &mut self.nodes[node as usize];
        let Kind::Users(users) = &mut n.kind else {
            return;
        };
        if users.generation != generation {
            return;
        }
        let profile = users.spec.profile;
        let accept = if profile == crate::model::RateProfile::Steady {
            true
        } else {
            n.rng.open01() * profile.envelope(now).0 < profile.factor_at(now)
        };
        if !accept {
            self.schedule_next_arrival(node);
            return;
        }
        let spec = &users.spec;
        let user = n.rng.below(users.dns.len() as u64) as u32;
        let op = if spec.static_fraction > 0.0 && n.rng.open01() < spec.static_fraction {
            Op::Static
        } else if spec.read_fraction >= 1.0 || n.rng.open01() < spec.read_fraction {
            Op::Read
        } else {
            Op::Write
        };
        let key = if op == Op::Static {
            users.static_zipf.sample(&mut n.rng)
        } else if users.zipf.len() > 1 {
            users.zipf.sample(&mut n.rng)
        } else {
            0
        };
        let (path, op) = if users.extras {
            draw_extras(spec, &mut n.rng, op)
        } else {
            (0, op)
        };
        let (entry, cdn, half_rtt) = (spec.entry, spec.cdn, SimDuration(spec.rtt.0 / 2));
        let bytes = if op == Op::Static {
            users.static_bytes
        } else {
            users.response_bytes
        };
        self.schedule_next_arrival(node);
        self.prefetch_next_arrival(node);
        self.all.generated += 1;
        self.window_generated += 1;
        // Static assets come from the CDN's edge while it is up; otherwise from the origin.
        if op == Op::Static {
            if let Some(cdn) = cdn {
                if let Some(NodeRt {
                    up: true,
                    kind: Kind::Cdn(c),
                    ..
                }) = self.nodes.get(cdn as usize)
                {
                    let half = SimDuration(c.spec.edge_rtt.0 / 2);
                    let req = self.alloc(Request {
                        born: now,
                        source: node,
                        user,
                        back: half,
                        bytes,
                        path,
                    });
                    // The edge's latency counts from the request's arrival there.
                    let frame = self.new_frame(Frame::root(req, cdn, op, key, now + half));
                    if half.0 == 0 {
                        self.deliver(frame);
                    } else {
                        self.schedule_after(half, Action::Deliver { frame });
                    }
                    return;
                }
            }
        }
        // The client resolves the name unless its cached answer is still fresh.
        let (target, dns_delay) = self.resolve(node, entry, user, region);
        let net = self.region_lat(region, self.nodes[target as usize].region);
        let req = self.alloc(Request {
            born: now,
            source: node,
            user,
            back: half_rtt + net.unwrap_or_default(),
            bytes,
            path,
        });
        if net.is_none() {
            self.fail_request(req, ErrorCause::NoRoute);
            return;
        }
        let delay = dns_delay + half_rtt + net.unwrap_or_default();
        // The entry node's latency counts from the request's arrival there.
        let frame = self.new_frame(Frame::root(req, target, op, key, now + delay));
        if delay.0 == 0 {
            self.deliver(frame);
        } else {
            self.schedule_after(delay, Action::Deliver { frame });
        }
    }

    /// Replays, on a copy of the users node's stream, the draws its next arrival will make up to
    /// its Zipf column, and prefetches that column: the table is read at random, so this is the
    /// arrival's likeliest cache miss. Only a hint: the stream itself is untouched.
    pub(in crate::sim) fn prefetch_next_arrival(&self, node: NodeId) {
        if !crate::hint::PREFETCHES {
            return;
        }
        let n = &self.nodes[node as usize];
        let Kind::Users(users) = &n.kind else {
            return;
        };
        let spec = &users.spec;
        // A DNS cache this small stays in the CPU's first-level cache.
        let dns_hint = users.dns.len() > 1024;
        if users.zipf.len() <= 1 && spec.static_fraction <= 0.0 && !dns_hint {
            // One key, no static assets and few users: no table read to hide.
            return;
        }
        let mut rng = n.rng.clone();
        if spec.profile != crate::model::RateProfile::Steady {
            rng.open01();
        }
        let user = rng.below(users.dns.len() as u64) as usize;
        if dns_hint {
            crate::hint::prefetch(&users.dns, user);
        }
        if spec.static_fraction > 0.0 && rng.open01() < spec.static_fraction {
            users.static_zipf.prefetch_next(&mut rng);
        } else if users.zipf.len() > 1 {
            if spec.read_fraction < 1.0 {
                rng.open01();
            }
            users.zipf.prefetch_next(&mut rng);
        }
    }

    /// The response to `req` reaches its user at `at`.
    pub(in crate::sim) fn on_reply(&mut self, req: ReqId, at: SimTime) {
        // A reply handled early (not at its event's instant) lands within this run, and every
        // reply lands in the open window, or at its very end (an event queued before the
        // window's end, such as a service a boot started, runs before it).
        debug_assert!(at == self.now || at <= self.horizon);
        debug_assert!(at <= self.window_start + self.window_len);
        let Request { born, source, .. } = self.requests[req as usize];
        let latency = at.since(born);
        let timeout = match &self.nodes[source as usize].kind {
            Kind::Users(u) => u.spec.timeout,
            _ => SimDuration(u64::MAX),
        };
        if latency > timeout {
            self.fail_request_at(req, ErrorCause::Timeout, at);
            return;
        }
        self.release(req);
        self.all.completed += 1;
        self.window_completed += 1;
        self.window_hist.record(latency);
    }

    pub(in crate::sim) fn fail_request(&mut self, req: ReqId, cause: ErrorCause) {
        self.fail_request_at(req, cause, self.now);
    }

    /// [`Self::fail_request`] for a request failing at `at` (a reply handled early: when it
    /// lands, which its timeout event must say too).
    pub(in crate::sim) fn fail_request_at(&mut self, req: ReqId, cause: ErrorCause, at: SimTime) {
        if cause == ErrorCause::Timeout {
            self.note_timeout(req, at);
        }
        self.release(req);
        self.all.failed += 1;
        self.window_errors.add(cause);
    }

    pub(in crate::sim) fn alloc(&mut self, request: Request) -> ReqId {
        self.all.in_flight += 1;
        if let Some(id) = self.free_requests.pop() {
            self.requests[id as usize] = request;
            id
        } else {
            self.requests.push(request);
            (self.requests.len() - 1) as ReqId
        }
    }

    pub(in crate::sim) fn release(&mut self, req: ReqId) {
        self.all.in_flight -= 1;
        self.free_requests.push(req);
    }
}
