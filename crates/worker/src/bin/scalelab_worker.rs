//! Entry point of the worker bundle: registers the simulation worker with gloo.

use gloo_worker::Registrable;
use scalelab_worker::SimWorker;

fn main() {
    SimWorker::registrar().register();
}
