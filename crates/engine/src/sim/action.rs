//! The action encoding: what happens at an instant, and how the agenda holds it (packed into a
//! `u128` in WebAssembly, outcomes as 33 bits).

use super::*;

/// Something that happens at an instant of simulated time. Small and `Copy`, so the agenda moves
/// plain bytes.
#[derive(Debug, Clone, Copy)]
// A plain tag byte, read by one load at every event: left to itself the compiler folds the tag
// into `Return`'s outcome and decodes it on every dispatch.
#[repr(u8)]
pub(super) enum Action {
    /// The next request of a users node is due (`generation` drops arrivals scheduled before the
    /// rate last changed).
    Arrival {
        node: NodeId,
        generation: u32,
    },
    /// A frame reaches its node.
    Deliver {
        frame: FrameId,
    },
    /// A child's outcome reaches its parent frame.
    Return {
        frame: FrameId,
        outcome: Outcome,
    },
    /// A worker finishes the frame it serves (`epoch` detects a crash since it started).
    ServiceDone {
        frame: FrameId,
        epoch: u32,
    },
    /// The same for a web server, a cache and a database, the stations of nearly every request:
    /// the action names the step that follows, so dispatching it is one jump, not a jump on the
    /// action and then another on the node's kind (both hard to predict).
    ServerDone {
        frame: FrameId,
        epoch: u32,
    },
    CacheDone {
        frame: FrameId,
        epoch: u32,
    },
    DbDone {
        frame: FrameId,
        epoch: u32,
    },
    /// A frame that was waiting (a synchronous replication) finishes with its stored version.
    Wake {
        frame: FrameId,
    },
    /// The response reaches the user.
    Reply {
        req: ReqId,
    },
    WindowEnd,
    /// The design's scheduled command number `index`.
    Scheduled {
        index: u32,
    },
    HealthCheck {
        node: NodeId,
    },
    /// The primary of this database group may be replaced (if still down at this time).
    Failover {
        node: NodeId,
        epoch: u32,
    },
    /// A replica receives the write held in slot `slot` of the replication slab.
    Replicate {
        slot: u32,
    },
    /// A write-back cache flushes its dirty entries.
    Flush {
        node: NodeId,
    },
    /// A CDN purge takes effect.
    Purge {
        node: NodeId,
    },
    /// A resharding router migrates its next batch of keys.
    Migrate {
        node: NodeId,
    },
    /// An autoscaled server pool measures its utilisation and decides.
    Autoscale {
        node: NodeId,
    },
    /// `count` instances launched by the autoscaler finish booting and start serving.
    Boot {
        node: NodeId,
        count: u32,
    },
    /// A cache's or session store's replica takes over its dead primary (`epoch`: the dead one's).
    Promote {
        node: NodeId,
        epoch: u32,
    },
    /// A disaster-recovery standby's timer: a health check, the end of a restore, a backup.
    Dr {
        index: u32,
        step: u32,
    },
}

// The agenda moves actions on every sift; keeping them at 16 bytes keeps a heap entry at 32
// (two per cache line). Larger payloads live in a slab and travel by index.
const _: () = assert!(std::mem::size_of::<Action>() <= 16);

/// An [`Action`] as the agenda holds it: one 128-bit integer, the tag in the low byte, a 32-bit
/// field above it and a second field (up to 33 bits: an outcome) above that.
///
/// In WebAssembly a 16-byte enum is an aggregate: handed to a function that is not inlined (a
/// cold path of the agenda, `push_after`) it goes through linear memory, so every caller keeps
/// a frame on the shadow stack and builds the action there before copying it. An integer, and a
/// heap entry of two integers, travel in registers (4 % fewer instructions in V8 on the engine
/// benchmark, with two changes made with it: `ErrorCause`'s width, and 128-bit products kept
/// out of the stations' hot path, now in [`Area::add_product`]).
/// Natively, where the enum travels in registers anyway, packing would only add shifts (2 %).
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
pub(super) struct Packed(u128);

/// What the agenda holds: the action itself natively, packed in WebAssembly.
#[cfg(target_arch = "wasm32")]
pub(super) type Queued = Packed;
#[cfg(not(target_arch = "wasm32"))]
pub(super) type Queued = Action;

#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
impl Action {
    #[inline(always)]
    pub(super) fn queued(self) -> Queued {
        #[cfg(target_arch = "wasm32")]
        return self.pack();
        #[cfg(not(target_arch = "wasm32"))]
        self
    }

    #[inline(always)]
    pub(super) fn dequeued(queued: Queued) -> Action {
        #[cfg(target_arch = "wasm32")]
        return queued.unpack();
        #[cfg(not(target_arch = "wasm32"))]
        queued
    }

    #[inline(always)]
    pub(super) fn pack(self) -> Packed {
        let (tag, a, b): (u8, u32, u64) = match self {
            Action::Arrival { node, generation } => (0, node, u64::from(generation)),
            Action::Deliver { frame } => (1, frame, 0),
            Action::Return { frame, outcome } => (2, frame, pack_outcome(outcome)),
            Action::ServiceDone { frame, epoch } => (3, frame, u64::from(epoch)),
            Action::ServerDone { frame, epoch } => (4, frame, u64::from(epoch)),
            Action::CacheDone { frame, epoch } => (5, frame, u64::from(epoch)),
            Action::DbDone { frame, epoch } => (6, frame, u64::from(epoch)),
            Action::Wake { frame } => (7, frame, 0),
            Action::Reply { req } => (8, req, 0),
            Action::WindowEnd => (9, 0, 0),
            Action::Scheduled { index } => (10, index, 0),
            Action::HealthCheck { node } => (11, node, 0),
            Action::Failover { node, epoch } => (12, node, u64::from(epoch)),
            Action::Replicate { slot } => (13, slot, 0),
            Action::Flush { node } => (14, node, 0),
            Action::Purge { node } => (15, node, 0),
            Action::Migrate { node } => (16, node, 0),
            Action::Autoscale { node } => (17, node, 0),
            Action::Boot { node, count } => (18, node, u64::from(count)),
            Action::Promote { node, epoch } => (19, node, u64::from(epoch)),
            Action::Dr { index, step } => (20, index, u64::from(step)),
        };
        Packed(u128::from(tag) | (u128::from(a) << 8) | (u128::from(b) << 40))
    }
}

#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
impl Packed {
    #[inline(always)]
    pub(super) fn unpack(self) -> Action {
        let a = (self.0 >> 8) as u32;
        let b = (self.0 >> 40) as u64;
        // Every second field but an outcome is 32 bits wide.
        let b32 = b as u32;
        match self.0 as u8 {
            0 => Action::Arrival {
                node: a,
                generation: b32,
            },
            1 => Action::Deliver { frame: a },
            2 => Action::Return {
                frame: a,
                outcome: unpack_outcome(b),
            },
            3 => Action::ServiceDone {
                frame: a,
                epoch: b32,
            },
            4 => Action::ServerDone {
                frame: a,
                epoch: b32,
            },
            5 => Action::CacheDone {
                frame: a,
                epoch: b32,
            },
            6 => Action::DbDone {
                frame: a,
                epoch: b32,
            },
            7 => Action::Wake { frame: a },
            8 => Action::Reply { req: a },
            9 => Action::WindowEnd,
            10 => Action::Scheduled { index: a },
            11 => Action::HealthCheck { node: a },
            12 => Action::Failover {
                node: a,
                epoch: b32,
            },
            13 => Action::Replicate { slot: a },
            14 => Action::Flush { node: a },
            15 => Action::Purge { node: a },
            16 => Action::Migrate { node: a },
            17 => Action::Autoscale { node: a },
            18 => Action::Boot {
                node: a,
                count: b32,
            },
            19 => Action::Promote {
                node: a,
                epoch: b32,
            },
            20 => Action::Dr {
                index: a,
                step: b32,
            },
            // Only `Action::pack` makes these.
            tag => unreachable!("unknown action tag {tag}"),
        }
    }
}

/// An outcome in 33 bits: the version, or the cause with bit 32 set.
#[inline(always)]
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
pub(super) fn pack_outcome(outcome: Outcome) -> u64 {
    match outcome {
        Ok(version) => u64::from(version),
        Err(cause) => (1 << 32) | cause as u64,
    }
}

#[inline(always)]
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
pub(super) fn unpack_outcome(bits: u64) -> Outcome {
    if bits >> 32 == 0 {
        Ok(bits as u32)
    } else {
        Err(match bits as u32 {
            0 => ErrorCause::Timeout,
            1 => ErrorCause::Rejected,
            2 => ErrorCause::NoRoute,
            3 => ErrorCause::NodeDown,
            4 => ErrorCause::RateLimited,
            _ => ErrorCause::Blocked,
        })
    }
}
