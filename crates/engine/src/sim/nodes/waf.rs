//! Web application firewalls: inspect each request on the WAF's cores, block what the rules
//! catch (attacks at the detection rate, legitimate requests at the false-positive rate) and
//! forward the rest.

use crate::sim::*;

pub(in crate::sim) struct WafRt {
    pub(in crate::sim) spec: WafSpec,
}

/// The WAF's fixed monthly fee per hour: its web ACL and its rules.
pub(in crate::sim) fn waf_cost_per_hour_usd(spec: &WafSpec) -> f64 {
    let usd = |id: &str| crate::prices::price(id).map_or(0.0, |p| p.usd);
    (usd("waf_web_acl") + usd("waf_rule") * f64::from(spec.rules)) / crate::prices::HOURS_PER_MONTH
}

impl Simulation {
    /// The answer comes back through a gateway or a WAF, which holds no worker meanwhile: it is
    /// passed on, unless the proxy crashed since it forwarded the request (its connection died).
    #[inline(never)]
    pub(in crate::sim) fn proxy_resume(&mut self, frame: FrameId, outcome: Outcome) {
        let f = self.frames[frame as usize];
        if self.nodes[f.node as usize].epoch != f.epoch {
            self.finish(frame, Err(ErrorCause::NodeDown));
        } else {
            self.finish(frame, outcome);
        }
    }

    // ----- WAF -----------------------------------------------------------------------------

    /// The inspection is done: the verdict is drawn from the WAF's stream (only when its rate is
    /// above zero, so a perfect WAF draws nothing), the request is blocked (HTTP 403) or goes on
    /// to the target. The WAF holds no worker while the target answers.
    #[inline(never)]
    pub(in crate::sim) fn waf_after_service(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        self.free_worker(f.node);
        let n = &mut self.nodes[f.node as usize];
        let Kind::Waf(w) = &n.kind else {
            return;
        };
        let attack = f.op == Op::Attack;
        let p = if attack {
            w.spec.detection
        } else {
            w.spec.false_positive
        };
        let target = w.spec.target;
        let blocked = p > 0.0 && n.rng.open01() < p;
        n.usage.requests += 1;
        let c = &mut self.window_counters;
        match (attack, blocked) {
            (true, true) => c.attacks_blocked += 1,
            (true, false) => c.attacks_passed += 1,
            (false, true) => c.legit_blocked += 1,
            (false, false) => {}
        }
        if blocked {
            n.win.errors += 1;
            self.finish(frame, Err(ErrorCause::Blocked));
            return;
        }
        self.frames[frame as usize].step = 1;
        self.call(frame, f.req, f.node, target, f.op, f.key, SimDuration::ZERO);
    }
}
