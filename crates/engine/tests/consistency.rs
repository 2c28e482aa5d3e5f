//! Where a read goes and what it returns after failovers, restores, partitions, write-back
//! refills and resharding: a read is stale only if it misses a write acknowledged before it
//! started, and every fixed bug of the database, cache and shard mechanisms has its regression
//! here.

use scalelab_engine::dist::Dist;
use scalelab_engine::hashing::ShardingStrategy;
use scalelab_engine::model::{
    CacheSpec, DbSpec, Replication, ServerSpec, ShardRouterSpec, UsersSpec, WriteStrategy,
};
use scalelab_engine::{
    Command, Counters, Model, NodeKind, NodeSpec, SimDuration, SimTime, Simulation, WindowStats,
};

fn users(rate_rps: f64, read_fraction: f64, keys: u32) -> NodeSpec {
    NodeSpec::new(
        "users",
        NodeKind::Users(UsersSpec {
            users: 1000,
            rate_rps,
            entry: 1,
            timeout: SimDuration::from_secs(10),
            read_fraction,
            keys,
            zipf_alpha: 0.0,
            ..UsersSpec::default()
        }),
    )
}

fn web(data: u32) -> NodeSpec {
    NodeSpec::new(
        "web",
        NodeKind::Server(ServerSpec {
            workers: 256,
            service: Dist::Exponential { mean_s: 0.001 },
            data: Some(data),
            ..ServerSpec::default()
        }),
    )
}

fn model(nodes: Vec<NodeSpec>) -> Model {
    Model {
        nodes,
        window: SimDuration::from_secs(1),
        ..Model::default()
    }
}

fn run(sim: &mut Simulation, until_s: f64) -> Vec<WindowStats> {
    sim.run_until(SimTime::from_secs_f64(until_s));
    sim.drain_windows()
}

fn sum(windows: &[WindowStats], f: impl Fn(&Counters) -> u64) -> u64 {
    windows.iter().map(|w| f(&w.counters)).sum()
}

/// users → web → a database group with two replicas. The replicas' own specs are the defaults
/// (asynchronous, 100 ms), as the design loader writes them: the group's spec is what counts.
fn group(replication: Replication) -> Model {
    let replica = |i: u32| NodeSpec::new(format!("db/r{i}"), NodeKind::Database(DbSpec::default()));
    model(vec![
        users(500.0, 0.7, 20_000),
        web(2),
        NodeSpec::new(
            "db",
            NodeKind::Database(DbSpec {
                workers: 32,
                replicas: vec![3, 4],
                replication,
                lag: SimDuration::from_millis(20),
                failover_delay: SimDuration::from_secs(2),
                ..DbSpec::default()
            }),
        ),
        replica(1),
        replica(2),
    ])
}

#[test]
fn synchronous_replication_never_serves_a_stale_read() {
    let mut sim = Simulation::new(&group(Replication::Sync), 1);
    let w = run(&mut sim, 20.0);
    assert!(sum(&w, |c| c.replicated) > 5_000);
    assert_eq!(sum(&w, |c| c.stale_reads), 0);
}

/// A promoted replica replicates the way its group does: a synchronous group stays synchronous
/// after a failover (its replica's own spec says asynchronous, 100 ms).
#[test]
fn a_promoted_replica_keeps_its_groups_replication() {
    let mut sim = Simulation::new(&group(Replication::Sync), 2);
    run(&mut sim, 10.0);
    sim.apply(Command::Kill { node: 2 });
    let after = run(&mut sim, 40.0);
    assert!(
        sum(&after, |c| c.replicated) > 3_000,
        "the new primary replicates"
    );
    assert_eq!(sum(&after, |c| c.lost_writes), 0, "sync: nothing to lose");
    assert_eq!(sum(&after, |c| c.stale_reads), 0);
}

/// The original primary (the group's address node) comes back after a failover: it catches up
/// from the acting primary and serves reads as a replica, not its pre-crash data.
#[test]
fn a_restored_old_primary_resynchronises_before_serving_reads() {
    let mut sim = Simulation::new(&group(Replication::Sync), 3);
    run(&mut sim, 10.0);
    sim.apply(Command::Kill { node: 2 });
    run(&mut sim, 20.0);
    sim.apply(Command::Restore { node: 2 });
    let after = run(&mut sim, 40.0);
    let served = sim
        .report()
        .nodes
        .iter()
        .find(|n| n.key == "db")
        .map_or(0, |n| n.served);
    assert!(served > 1_000, "the old primary serves reads again");
    assert_eq!(sum(&after, |c| c.stale_reads), 0);
}

/// A read that overlaps a write may return either version; only a write acknowledged before
/// the read started makes it stale. A synchronous replica 40 ms away serves no stale read.
#[test]
fn a_read_overlapping_a_write_is_not_stale() {
    let mut m = group(Replication::Sync);
    m.regions = vec!["a".into(), "b".into()];
    m.latency = vec![
        SimDuration::ZERO,
        SimDuration::from_millis(40),
        SimDuration::from_millis(40),
        SimDuration::ZERO,
    ];
    m.nodes[3].region = 1;
    m.nodes[4].region = 1;
    // Few keys, so that many reads overlap a write of their key.
    if let NodeKind::Users(u) = &mut m.nodes[0].kind {
        u.keys = 200;
    }
    let mut sim = Simulation::new(&m, 4);
    let w = run(&mut sim, 20.0);
    assert!(sum(&w, |c| c.db_queries) > 9_000);
    assert_eq!(sum(&w, |c| c.stale_reads), 0);
}

/// users → web → a write-back cache (`cache`'s other settings) holding every one of `keys`
/// keys → a database whose reads take 50 ms, so that writes often overtake a miss's read.
fn write_back(keys: u32, cache: CacheSpec) -> Model {
    model(vec![
        users(2000.0, 0.8, keys),
        web(2),
        NodeSpec::new(
            "cache",
            NodeKind::Cache(CacheSpec {
                capacity: 100_000,
                write: WriteStrategy::WriteBack,
                backend: Some(3),
                ..cache
            }),
        ),
        NodeSpec::new(
            "db",
            NodeKind::Database(DbSpec {
                workers: 64,
                read_service: Dist::Exponential { mean_s: 0.05 },
                ..DbSpec::default()
            }),
        ),
    ])
}

/// Write-back with a TTL: a read miss's database read can be overtaken by a write that the
/// cache buffers; the miss's fill must not put the older version back over it, or the flush
/// writes the old version and the acknowledged write is lost without being counted.
#[test]
fn a_write_back_fill_never_overwrites_a_buffered_write() {
    let mut m = write_back(
        100,
        CacheSpec {
            ttl: SimDuration::from_millis(500),
            ..CacheSpec::default()
        },
    );
    // Readers that start once the writers have stopped and the cache has flushed.
    m.nodes.push(NodeSpec::new(
        "readers",
        NodeKind::Users(UsersSpec {
            users: 10,
            rate_rps: 0.0,
            entry: 1,
            read_fraction: 1.0,
            keys: 100,
            ..UsersSpec::default()
        }),
    ));
    let mut sim = Simulation::new(&m, 2);
    let mixed = run(&mut sim, 20.0);
    sim.apply(Command::SetRate { node: 0, rps: 0.0 });
    run(&mut sim, 25.0);
    // The cache holds nothing unflushed now: crashing it loses nothing, and the database must
    // hold every acknowledged write.
    sim.apply(Command::Kill { node: 2 });
    sim.apply(Command::SetRate {
        node: 4,
        rps: 1000.0,
    });
    let reads = run(&mut sim, 30.0);
    assert!(
        sum(&mixed, |c| c.cache_misses) > 1_000,
        "refills raced writes"
    );
    assert!(sum(&reads, |c| c.db_queries) > 4_000);
    assert_eq!(sum(&reads, |c| c.lost_writes), 0);
    assert_eq!(sum(&reads, |c| c.stale_reads), 0);
}

/// Four active shards and a spare, each priced.
fn sharded() -> Model {
    let shard = |i: u32| {
        NodeSpec::new(
            format!("shards/s{i}"),
            NodeKind::Database(DbSpec {
                workers: 16,
                queue_capacity: 10_000,
                reads_on_primary: true,
                cost_per_hour_usd: 0.5,
                ..DbSpec::default()
            }),
        )
    };
    let mut nodes = vec![
        users(2000.0, 0.8, 10_000),
        web(2),
        NodeSpec::new(
            "shards",
            NodeKind::ShardRouter(ShardRouterSpec {
                strategy: ShardingStrategy::Modulo,
                active: 4,
                shards: vec![3, 4, 5, 6, 7],
                key_space: 10_000,
                migration_rps: 1000.0,
                ..ShardRouterSpec::default()
            }),
        ),
    ];
    nodes.extend((0..5).map(shard));
    model(nodes)
}

/// The spare shard costs nothing until a resharding brings it in, then it is billed, and the
/// report's hourly cost, its own and the whole, is the average over the run.
#[test]
fn a_spare_shard_is_billed_from_the_resharding_on() {
    let mut sim = Simulation::new(&sharded(), 5);
    run(&mut sim, 10.0);
    assert_eq!(sim.cost_per_hour_usd(), 2.0);
    sim.apply(Command::Reshard { node: 2 });
    run(&mut sim, 30.0);
    assert_eq!(sim.cost_per_hour_usd(), 2.5);
    let report = sim.report();
    let spare = report.nodes.iter().find(|n| n.key == "shards/s4");
    // Billed ($0.5/h) for the two thirds of the run after the resharding, like the whole: a
    // third of the run at $2/h and two thirds at $2.5/h.
    let spare = spare.map_or(0.0, |n| n.bill.instances);
    assert!((spare - 0.333).abs() < 0.01, "{spare}");
    assert!((report.bill.instances - 2.333).abs() < 0.01, "{report:?}");
}

/// Salted reads gather from several shards and wait for the slowest; without replicas every
/// write is on its shard before it is acknowledged, so no read is stale.
#[test]
fn scatter_gather_reads_of_an_unreplicated_store_are_never_stale() {
    let mut m = sharded();
    if let NodeKind::ShardRouter(r) = &mut m.nodes[2].kind {
        r.hot_keys = 5;
        r.salt = 4;
    }
    if let NodeKind::Users(u) = &mut m.nodes[0].kind {
        u.zipf_alpha = 1.2;
    }
    let mut sim = Simulation::new(&m, 6);
    let w = run(&mut sim, 20.0);
    assert!(sum(&w, |c| c.db_queries) > 20_000);
    assert_eq!(sum(&w, |c| c.stale_reads), 0);
}

/// The group's replicas in a second data centre, 40 ms away.
fn replicas_abroad(replication: Replication) -> Model {
    let mut m = group(replication);
    m.regions = vec!["a".into(), "b".into()];
    m.latency = vec![
        SimDuration::ZERO,
        SimDuration::from_millis(40),
        SimDuration::from_millis(40),
        SimDuration::ZERO,
    ];
    m.nodes[3].region = 1;
    m.nodes[4].region = 1;
    m
}

/// A partition delays replication; it does not drop it. Writes made while the replicas were
/// cut off reach them once the link heals, and they serve current data again: none stale with
/// synchronous replication, and with asynchronous no more than its lag causes anyway.
#[test]
fn replication_catches_up_after_a_partition_heals() {
    let stale_after = |replication: Replication, partition: bool| {
        let mut sim = Simulation::new(&replicas_abroad(replication), 7);
        run(&mut sim, 10.0);
        if partition {
            sim.apply(Command::Partition { a: 0, b: 1 });
        }
        let cut = run(&mut sim, 15.0);
        sim.apply(Command::Heal { a: 0, b: 1 });
        let healed = run(&mut sim, 40.0);
        if partition {
            assert_eq!(sum(&cut, |c| c.replicated), 0, "nothing crosses a cut");
            assert!(
                sum(&healed[..2], |c| c.replicated) > 1_000,
                "the backlog arrives"
            );
        }
        sum(&healed[5..], |c| c.stale_reads)
    };
    assert_eq!(stale_after(Replication::Sync, true), 0);
    let (cut, never_cut) = (
        stale_after(Replication::Async, true),
        stale_after(Replication::Async, false),
    );
    assert!(
        cut <= 2 * never_cut + 5,
        "{cut} stale reads, {never_cut} without the cut"
    );
}

/// A database group is an address, not a place: a web server next to a replica reads from it
/// without crossing to the primary's data centre, and a partition between the two data
/// centres does not stop those reads.
#[test]
fn a_read_goes_straight_to_the_replica_next_to_the_caller() {
    let mut m = replicas_abroad(Replication::Async);
    // Users and web server in data centre b with both replicas; the primary stays in a.
    m.nodes[0].region = 1;
    m.nodes[1].region = 1;
    if let NodeKind::Users(u) = &mut m.nodes[0].kind {
        u.read_fraction = 1.0;
    }
    let mut sim = Simulation::new(&m, 8);
    run(&mut sim, 10.0);
    // Web 1 ms and a replica read of 5 ms on average, no 80 ms round trip to data centre a.
    let r = sim.report();
    assert!(r.latency.p50_ms < 15.0, "p50 {} ms", r.latency.p50_ms);
    sim.apply(Command::Partition { a: 0, b: 1 });
    let cut = run(&mut sim, 15.0);
    assert_eq!(cut.iter().map(|w| w.errors.no_route).sum::<u64>(), 0);
    assert!(cut.iter().map(|w| w.completed).sum::<u64>() > 2_000);
}

/// Resharding 4 → 5: a key is served by its old shard until its copy has landed on the new one,
/// so no read during the migration is stale, and every moved key arrives.
#[test]
fn resharding_switches_a_key_only_when_its_copy_has_landed() {
    let mut sim = Simulation::new(&sharded(), 5);
    run(&mut sim, 10.0);
    sim.apply(Command::Reshard { node: 2 });
    let during = run(&mut sim, 25.0);
    let moved = sum(&during, |c| c.keys_moved);
    assert!(
        moved > 7_000,
        "modulo 4 → 5 moves 80 % of 10 000 keys: {moved}"
    );
    assert_eq!(sum(&during, |c| c.keys_migrated), moved);
    assert_eq!(sum(&during, |c| c.stale_reads), 0);
}

/// One shard growing to two; the old shard has 4 workers, so writes can queue there. Node 5
/// reads every key once the writers stop.
fn one_to_two() -> Model {
    let shard = |i: u32, workers: u32| {
        NodeSpec::new(
            format!("shards/s{i}"),
            NodeKind::Database(DbSpec {
                workers,
                queue_capacity: 100_000,
                read_service: Dist::Exponential { mean_s: 0.005 },
                write_service: Dist::Exponential { mean_s: 0.005 },
                reads_on_primary: true,
                ..DbSpec::default()
            }),
        )
    };
    let mut m = model(vec![
        users(300.0, 0.5, 200),
        web(2),
        NodeSpec::new(
            "shards",
            NodeKind::ShardRouter(ShardRouterSpec {
                strategy: ShardingStrategy::Modulo,
                active: 1,
                shards: vec![3, 4],
                key_space: 200,
                migration_rps: 100.0,
                ..ShardRouterSpec::default()
            }),
        ),
        shard(0, 4),
        shard(1, 64),
    ]);
    m.nodes.push(NodeSpec::new(
        "readers",
        NodeKind::Users(UsersSpec {
            users: 10,
            rate_rps: 0.0,
            entry: 1,
            read_fraction: 1.0,
            keys: 200,
            ..UsersSpec::default()
        }),
    ));
    m
}

/// A write queued at a key's old shard can be acknowledged after the resharding has ended:
/// the router still applies it on the key's new shard, so no later read misses it.
#[test]
fn a_write_acknowledged_after_resharding_ends_reaches_the_new_shard() {
    let mut sim = Simulation::new(&one_to_two(), 1);
    run(&mut sim, 10.0);
    // The old shard slows down: writes queue there for a second or more.
    sim.apply(Command::Slow {
        node: 3,
        factor: 4.0,
    });
    run(&mut sim, 11.0);
    sim.apply(Command::Reshard { node: 2 });
    let during = run(&mut sim, 13.0);
    assert_eq!(
        sum(&during, |c| c.keys_migrated),
        sum(&during, |c| c.keys_moved),
        "the resharding has ended"
    );
    sim.apply(Command::SetRate { node: 0, rps: 0.0 });
    sim.apply(Command::Slow {
        node: 3,
        factor: 1.0,
    });
    run(&mut sim, 30.0);
    sim.apply(Command::SetRate {
        node: 5,
        rps: 500.0,
    });
    let reads = run(&mut sim, 40.0);
    assert!(sum(&reads, |c| c.db_queries) > 4_000);
    assert_eq!(sum(&reads, |c| c.stale_reads), 0);
}

/// Copies for a new shard that is down wait for it rather than being refused (and counted as
/// its errors) every tick; the resharding completes once it is back.
#[test]
fn copies_wait_for_a_new_shard_that_is_down() {
    let mut sim = Simulation::new(&one_to_two(), 2);
    run(&mut sim, 5.0);
    sim.apply(Command::Kill { node: 4 });
    sim.apply(Command::Reshard { node: 2 });
    let down = run(&mut sim, 8.0);
    let errors_on_new_shard: u64 = down
        .iter()
        .flat_map(|w| w.nodes.iter())
        .filter(|n| n.id == 4)
        .map(|n| n.errors)
        .sum();
    assert_eq!(errors_on_new_shard, 0, "no request and no copy reached it");
    assert_eq!(sum(&down, |c| c.keys_migrated), 0);
    sim.apply(Command::Restore { node: 4 });
    let up = run(&mut sim, 15.0);
    let moved = sum(&down, |c| c.keys_moved);
    assert!(moved > 50);
    assert_eq!(sum(&up, |c| c.keys_migrated), moved);
}

/// Write-back, no TTL: the cache holds the newest version. A miss's fill that comes back after
/// a write overtook it, even one already flushed, must not put the older version back.
#[test]
fn a_write_back_fill_never_lowers_the_cached_version() {
    let m = write_back(
        2000,
        CacheSpec {
            flush_interval: SimDuration::from_millis(100),
            ..CacheSpec::default()
        },
    );
    let mut sim = Simulation::new(&m, 2);
    let w = run(&mut sim, 20.0);
    assert!(sum(&w, |c| c.cache_misses) > 100);
    assert_eq!(sum(&w, |c| c.stale_reads), 0);
}

/// Regression (salted rows stayed behind in a resharding): a salted hot key's rows live under
/// shard keys that may move; their copies carry the hot key's rows, so no gather during or
/// after the migration reads an older version.
#[test]
fn salted_rows_move_with_their_shard_key() {
    let mut m = sharded();
    if let NodeKind::ShardRouter(r) = &mut m.nodes[2].kind {
        r.hot_keys = 20;
        r.salt = 8;
    }
    if let NodeKind::Users(u) = &mut m.nodes[0].kind {
        u.zipf_alpha = 1.2;
        u.read_fraction = 0.5;
    }
    let mut sim = Simulation::new(&m, 9);
    run(&mut sim, 5.0);
    sim.apply(Command::Reshard { node: 2 });
    let w = run(&mut sim, 40.0);
    assert_eq!(sum(&w, |c| c.keys_migrated), sum(&w, |c| c.keys_moved));
    assert!(sum(&w, |c| c.gather_reads) > 10_000);
    assert_eq!(sum(&w, |c| c.stale_reads), 0);
}
