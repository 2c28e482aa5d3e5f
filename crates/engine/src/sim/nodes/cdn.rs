//! CDN edges: static assets served from the edge's store or filled from the origin.

use crate::sim::*;

pub(in crate::sim) struct CdnRt {
    pub(in crate::sim) spec: CdnSpec,
    pub(in crate::sim) store: KeyCache,
    pub(in crate::sim) asset_version: u32,
}

impl Simulation {
    // ----- CDN -----------------------------------------------------------------------------

    pub(in crate::sim) fn cdn_deliver(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        let now = self.now.0;
        let n = &mut self.nodes[f.node as usize];
        let Kind::Cdn(cdn) = &mut n.kind else { return };
        let current = cdn.asset_version;
        let (found, _) = cdn.store.get(f.key, now);
        let hit = match found {
            // A versioned URL never matches an old copy: the old URL is simply not requested.
            Lookup::Hit { version } => {
                if cdn.spec.invalidation == Invalidation::Versioned && version < current {
                    None
                } else {
                    Some(version)
                }
            }
            Lookup::Miss => None,
        };
        match hit {
            Some(version) => {
                n.win.hits += 1;
                self.window_counters.cdn_hits += 1;
                if version < current {
                    self.window_counters.stale_responses += 1;
                }
                self.finish(frame, Ok(version));
            }
            None => {
                n.win.misses += 1;
                self.window_counters.cdn_misses += 1;
                let origin = cdn.spec.origin;
                self.frames[frame as usize].version = current;
                self.call(
                    frame,
                    f.req,
                    f.node,
                    origin,
                    Op::Static,
                    f.key,
                    SimDuration::ZERO,
                );
            }
        }
    }

    pub(in crate::sim) fn cdn_resume(&mut self, frame: FrameId, outcome: Outcome) {
        let f = self.frames[frame as usize];
        let now = self.now.0;
        if outcome.is_ok() {
            let n = &mut self.nodes[f.node as usize];
            if let Kind::Cdn(cdn) = &mut n.kind {
                cdn.store.put(f.key, f.version, now, false);
            }
        }
        let v = f.version;
        self.finish(frame, outcome.map(|_| v));
    }
}
