//! The gloo worker around [`Session`]: wall-clock ticks in, JSON snapshots out.

use crate::session::{Session, WorkerInput, WorkerOutput, TICK_MS};
use gloo_timers::callback::Interval;
use gloo_worker::{HandlerId, Worker, WorkerScope};

pub struct SimWorker {
    session: Session,
    /// Connected bridges in connection order (few: the app has one).
    subscribers: Vec<HandlerId>,
    last_tick_ms: f64,
    _interval: Interval,
}

pub enum Tick {
    Tick,
}

impl Worker for SimWorker {
    type Message = Tick;
    type Input = String;
    type Output = String;

    fn create(scope: &WorkerScope<Self>) -> Self {
        let scope = scope.clone();
        SimWorker {
            session: Session::new(),
            subscribers: Vec::new(),
            last_tick_ms: js_sys::Date::now(),
            _interval: Interval::new(TICK_MS, move || scope.send_message(Tick::Tick)),
        }
    }

    fn update(&mut self, scope: &WorkerScope<Self>, _msg: Self::Message) {
        let now = js_sys::Date::now();
        // Never credit more than a second at once: a throttled background tab must not make the
        // simulation lurch forward when it wakes.
        let wall_ms = (now - self.last_tick_ms).clamp(0.0, 1_000.0);
        self.last_tick_ms = now;
        if let Some(snapshot) = self.session.tick(wall_ms, js_sys::Date::now) {
            self.broadcast(scope, WorkerOutput::Snapshot(snapshot));
        }
        if let Some(report) = self.session.limit_tick() {
            self.broadcast(scope, report);
        }
    }

    fn connected(&mut self, _scope: &WorkerScope<Self>, id: HandlerId) {
        self.subscribe(id);
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Self::Input, id: HandlerId) {
        self.subscribe(id);
        let outputs = match WorkerInput::from_wire(&msg) {
            Ok(input) => self.session.handle(input),
            Err(message) => vec![WorkerOutput::Error { message }],
        };
        for output in outputs {
            self.broadcast(scope, output);
        }
    }

    fn disconnected(&mut self, _scope: &WorkerScope<Self>, id: HandlerId) {
        self.subscribers.retain(|s| *s != id);
    }
}

impl SimWorker {
    fn subscribe(&mut self, id: HandlerId) {
        if !self.subscribers.contains(&id) {
            self.subscribers.push(id);
        }
    }

    fn broadcast(&self, scope: &WorkerScope<Self>, output: WorkerOutput) {
        let wire = output.to_wire();
        for id in &self.subscribers {
            scope.respond(*id, wire.clone());
        }
    }
}
