//! DNS: a user's cached answer, and resolving a request to its entry point (GeoDNS: the nearest
//! target up).

use crate::sim::*;

/// A user's cached DNS answer: when it expires (ns of simulated time, exact at any age: a
/// u32 of ms wrapped after 49.7 days) and which target it names; 16 bytes, four to a line.
#[derive(Debug, Clone, Copy, Default)]
pub(in crate::sim) struct DnsAnswer {
    pub(in crate::sim) expiry: u64,
    pub(in crate::sim) target: u16,
}

const _: () = assert!(std::mem::size_of::<DnsAnswer>() == 16);

impl Simulation {
    /// The node a user's request goes to, and the DNS lookup time paid. GeoDNS answers with the
    /// nearest target that is up; the answer is cached for the TTL, dead or not.
    pub(in crate::sim) fn resolve(
        &mut self,
        users: NodeId,
        entry: NodeId,
        user: u32,
        region: RegionId,
    ) -> (NodeId, SimDuration) {
        let Some(NodeRt {
            kind: Kind::Dns(dns),
            ..
        }) = self.nodes.get(entry as usize)
        else {
            return (entry, SimDuration::ZERO);
        };
        let (lookup, ttl) = (dns.lookup, dns.ttl);
        let now = self.now.0;
        if let Some(NodeRt {
            kind: Kind::Users(u),
            ..
        }) = self.nodes.get(users as usize)
        {
            let answer = u.dns[user as usize];
            if answer.expiry > now {
                let idx = usize::from(answer.target);
                return (
                    dns.targets[idx.min(dns.targets.len() - 1)],
                    SimDuration::ZERO,
                );
            }
        }
        let mut best: Option<(usize, SimDuration)> = None;
        for (i, &t) in dns.targets.iter().enumerate() {
            let Some(n) = self.nodes.get(t as usize) else {
                continue;
            };
            if !n.up || self.dormant(n.region) {
                continue;
            }
            let Some(l) = self.region_lat(region, n.region) else {
                continue;
            };
            if best.is_none_or(|(_, b)| l < b) {
                best = Some((i, l));
            }
        }
        let idx = best.map_or(0, |(i, _)| i);
        let target = dns.targets[idx];
        self.nodes[entry as usize].usage.requests += 1;
        let expiry = (self.now + lookup + ttl).0;
        if let Some(Kind::Users(u)) = self.kind_mut(users) {
            u.dns[user as usize] = DnsAnswer {
                expiry,
                target: idx as u16,
            };
        }
        (target, lookup)
    }
}
