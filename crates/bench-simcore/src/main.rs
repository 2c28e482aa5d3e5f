//! ScaleLab's engine against simcore 0.1.0 (the DSLab core) on the same M/M/1 at ρ = 0.9, in the
//! same process, alternating: this machine's speed drifts by 10–20 % from minute to minute, so
//! each round runs both back to back and the medians are compared.
//!
//!   cargo run --release --manifest-path crates/bench-simcore/Cargo.toml [ROUNDS] [CUSTOMERS]
//!
//! The simcore model is written the way simcore's `intro-callbacks` example writes components:
//! an `EventHandler` with a `SimulationContext`, events as serde payloads matched with `cast!`,
//! two events per customer. It keeps only a running sum of response times; ScaleLab's run keeps
//! its full metrics (one-second windows with HDR percentiles, drained hourly).

use serde::Serialize;
use simcore::{cast, Event, EventHandler, Simulation, SimulationContext};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Instant;

#[derive(Clone, Serialize)]
struct Arrival {}

#[derive(Clone, Serialize)]
struct Departure {}

struct Mm1 {
    ctx: SimulationContext,
    lambda: f64,
    mean_service: f64,
    queue: VecDeque<f64>,
    busy: bool,
    completed: u64,
    sum_response: f64,
}

impl Mm1 {
    fn exp(&self, mean: f64) -> f64 {
        -(1.0 - self.ctx.rand()).ln() * mean
    }

    fn start(&mut self) {
        self.busy = true;
        let s = self.exp(self.mean_service);
        self.ctx.emit_self(Departure {}, s);
    }
}

impl EventHandler for Mm1 {
    fn on(&mut self, event: Event) {
        cast!(match event.data {
            Arrival {} => {
                self.queue.push_back(self.ctx.time());
                if !self.busy {
                    self.start();
                }
                let gap = self.exp(1.0 / self.lambda);
                self.ctx.emit_self(Arrival {}, gap);
            }
            Departure {} => {
                if let Some(born) = self.queue.pop_front() {
                    self.completed += 1;
                    self.sum_response += self.ctx.time() - born;
                }
                self.busy = false;
                if !self.queue.is_empty() {
                    self.start();
                }
            }
        })
    }
}

/// Customers per second and mean response time (ms) of simcore's M/M/1.
fn simcore_mm1(customers: f64) -> (f64, f64) {
    let mut sim = Simulation::new(1);
    let ctx = sim.create_context("mm1");
    let mm1 = Rc::new(RefCell::new(Mm1 {
        ctx,
        lambda: 90.0,
        mean_service: 0.01,
        queue: VecDeque::new(),
        busy: false,
        completed: 0,
        sum_response: 0.0,
    }));
    sim.add_handler("mm1", mm1.clone());
    mm1.borrow().ctx.emit_self(Arrival {}, 0.0);
    let start = Instant::now();
    sim.step_until_time(customers / 90.0);
    let wall = start.elapsed().as_secs_f64();
    let m = mm1.borrow();
    (
        m.completed as f64 / wall,
        m.sum_response / m.completed.max(1) as f64 * 1e3,
    )
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(7);
    let customers: f64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(2e6);
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for round in 0..rounds.max(1) {
        let s = simcore_mm1(customers);
        let o = match scalelab_cli::mm1_bench(customers) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("scalelab: {e}");
                std::process::exit(1);
            }
        };
        eprintln!(
            "round {round}: scalelab {:.2} M/s (mean {:.1} ms)  simcore {:.2} M/s (mean {:.1} ms)",
            o.customers_per_sec / 1e6,
            o.mean_ms,
            s.0 / 1e6,
            s.1
        );
        ours.push(o.customers_per_sec);
        theirs.push(s.0);
    }
    let (o, s) = (median(ours), median(theirs));
    println!(
        "{{\"rounds\":{rounds},\"customers_per_round\":{customers},\"scalelab_customers_per_sec\":{o:.0},\"simcore_customers_per_sec\":{s:.0},\"ratio\":{:.3}}}",
        o / s
    );
}
