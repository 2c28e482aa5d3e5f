//! Message queues: a publish is acknowledged at once, and its job waits for a consumer.

use crate::sim::*;

pub(in crate::sim) struct QueueRt {
    pub(in crate::sim) spec: QueueSpec,
}

/// Queue requests a job costs, SQS-style: the producer's send, the consumer's receive and its
/// delete once done.
pub(in crate::sim) const QUEUE_REQUESTS_PER_JOB: u64 = 3;

impl Simulation {
    // ----- message queue -------------------------------------------------------------------

    /// A publish is acknowledged after the broker's constant publish time; the job itself
    /// becomes a background frame waiting for a consumer.
    pub(in crate::sim) fn queue_publish(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        let Kind::Queue(q) = &self.nodes[f.node as usize].kind else {
            return;
        };
        let publish = q.spec.publish_service;
        if !self.nodes[f.node as usize].up {
            // A dead broker accepts nothing; the backlog it held is durable and waits for it.
            self.nodes[f.node as usize].win.errors += 1;
            self.finish(frame, Err(ErrorCause::NodeDown));
            return;
        }
        self.window_counters.jobs_published += 1;
        self.nodes[f.node as usize].usage.requests += QUEUE_REQUESTS_PER_JOB;
        let job = self.new_frame(Frame {
            req: NIL,
            parent: NIL,
            lb: NIL,
            op: Op::Job,
            born: self.now,
            ..f
        });
        self.enter(job);
        self.frames[frame as usize].version = f.version;
        if publish.0 == 0 {
            self.finish(frame, Ok(f.version));
        } else {
            self.schedule_after(publish, Action::Wake { frame });
        }
    }

    /// A consumer has finished a job: its latency is recorded and its background frame ends.
    pub(in crate::sim) fn queue_job_done(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        let born = f.born;
        self.free_worker(f.node);
        let latency = self.now.since(born);
        self.window_jobs.record(latency);
        self.window_counters.jobs_done += 1;
        self.free_frames.push(frame);
    }
}
