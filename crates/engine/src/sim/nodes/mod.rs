//! One module per node kind: its runtime state and its steps, as `impl Simulation` blocks.

pub(super) mod api_gateway;
pub(super) mod cache;
pub(super) mod cdn;
pub(super) mod database;
pub(super) mod dns;
pub(super) mod dr_standby;
pub(super) mod load_balancer;
pub(super) mod queue;
pub(super) mod replica;
pub(super) mod server;
pub(super) mod shard_router;
pub(super) mod users;
pub(super) mod waf;
