//! Ingest throughput and latency: inbound rows in, committed orders with their replies queued
//! out, through the same `Pipeline` the server runs, on a fresh database seeded with the demo
//! catalog.
//!
//! `cargo bench -p novi-tests --bench ingest` runs it on SQLite, and on PostgreSQL too when
//! `NOVI_TEST_POSTGRES_URL` names a server. Two measurements per engine:
//! - burst: `BURST` messages already waiting; messages per second until the last is committed;
//! - steady: messages arriving at a fixed rate (200 a second, then half the burst rate) for
//!   `STEADY_SECONDS`; latency from the row being written to its order being committed, p50
//!   and p99.
//!
//! A third of the messages come from customers who wrote before: an hour later (new orders),
//! and in a last burst within the merge window (follow-ups that amend their orders).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use app::{
    events::EventHub,
    outlets::Outlets,
    services::{
        pipeline::Pipeline,
        whatsapp::{self as records, Incoming},
    },
};
use entity::{businesses, enums::Transport};
use migration::{Migrator, MigratorTrait};
use novi_tests::{Engine, TestDatabase, chat_message};
use sea_orm::{DatabaseConnection, EntityTrait};

const BURST: usize = 5_000;
const STEADY_SECONDS: u64 = 10;
/// Messages per transaction, as `novi serve` runs it.
const BATCH: u64 = server::ingest_runner::BATCH;

const MESSAGES: &[&str] = &[
    "2x margherita large, 1 coke 2L, address {n} Main St",
    "Hi! I'd like 1 pepperoni medium and 2 garlic bread please. Deliver to {n} Oak Avenue",
    "1 lasagna, 1 caesar salad and a diet coke",
    "3 margherita small + extra cheese, 2 sprite. Name: Ana. Address: {n} Elm St, apt 4",
    "can I get 2 spaghetti bolognese and 1 tiramisu, {n} Pine Road",
    "1 large pepperoni no onions, 1 brownie",
];

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let mut engines = vec![("SQLite", Engine::Sqlite)];
    if let Some(postgres) = Engine::postgres() {
        engines.push(("PostgreSQL", postgres));
    }
    for (name, engine) in engines {
        runtime.block_on(async {
            let (db, business, _database) = prepare(&engine).await;
            let backlog = burst(&db, business, Mix::Returning, 0).await;
            println!("{name}: burst of {BURST}: {backlog:.0} messages/s");
            // A busy shop's peak, then half of what the burst showed the engine can take.
            for rate in [200.0, (backlog * 0.5).clamp(200.0, 2_000.0)] {
                let (sent, p50, p99) = steady(&db, business, rate).await;
                println!(
                    "{name}: steady {rate:.0} messages/s for {STEADY_SECONDS} s ({sent} messages): p50 {:.1} ms, p99 {:.1} ms",
                    p50.as_secs_f64() * 1e3,
                    p99.as_secs_f64() * 1e3
                );
            }
            let follow_ups = burst(&db, business, Mix::FollowUps, 1_000_000).await;
            println!("{name}: burst of {BURST}, a third of them follow-ups: {follow_ups:.0} messages/s");
        });
    }
}

async fn prepare(engine: &Engine) -> (DatabaseConnection, i64, TestDatabase) {
    let database = TestDatabase::create(engine).await;
    let db = database.connect().await;
    Migrator::up(&db, None).await.expect("migrations");
    server::seed::run(
        &db,
        server::seed::Options {
            password: Some("bench-password".into()),
            orders: Some(1),
        },
    )
    .await
    .expect("the demo catalog");
    let business = businesses::Entity::find().one(&db).await.unwrap().unwrap().id;
    (db, business, database)
}

/// When a third of the messages come from a customer who wrote before.
#[derive(Clone, Copy, PartialEq)]
enum Mix {
    /// An hour later: a new order, and the customer's row is updated, not inserted.
    Returning,
    /// Within the merge window: the message amends the order their first one made.
    FollowUps,
}

fn incoming(n: usize, mix: Mix) -> Incoming {
    let again = n.is_multiple_of(3);
    let (customer, later) = match (again, mix) {
        (false, _) => (n, 0),
        (true, Mix::Returning) => (n / 3, 3_600),
        // The message right before this one was theirs.
        (true, Mix::FollowUps) => (n - 1, 0),
    };
    let message = chat_message(
        format!("bench-{n}-{}", rand_suffix()),
        &format!("1555{customer:07}"),
        &format!("Customer {customer}"),
        MESSAGES[n % MESSAGES.len()].replace("{n}", &(n % 900 + 1).to_string()),
    );
    Incoming {
        sent_at: message.sent_at + later,
        ..message
    }
}

fn rand_suffix() -> u32 {
    rand::random()
}

async fn record(db: &DatabaseConnection, business: i64, n: usize, mix: Mix) {
    records::record_inbound(db, business, Transport::Web, None, incoming(n, mix))
        .await
        .expect("an inbound row");
}

/// Messages per second for a backlog of `BURST`, handled as the server handles them.
async fn burst(db: &DatabaseConnection, business: i64, mix: Mix, from: usize) -> f64 {
    for n in from..from + BURST {
        record(db, business, n, mix).await;
    }
    let pipeline = Pipeline::new(db.clone(), Outlets::new(EventHub::default(), "http://localhost"));
    let started = Instant::now();
    let mut handled = 0;
    while handled < BURST {
        handled += pipeline.run_once(BATCH).await.expect("a batch");
    }
    BURST as f64 / started.elapsed().as_secs_f64()
}

/// Latency at `rate` messages per second: from each row written to its order committed (the
/// moment its event is published, right after the commit).
async fn steady(db: &DatabaseConnection, business: i64, rate: f64) -> (usize, Duration, Duration) {
    let hub = EventHub::default();
    let mut events = hub.subscribe();
    let written: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
    let committed: Arc<Mutex<Vec<(i64, Instant)>>> = Arc::default();
    let listener = {
        let committed = committed.clone();
        tokio::spawn(async move {
            while let Ok(event) = events.recv().await {
                if event.kind == app::events::EventKind::OrderCreated {
                    let order = event.data["id"].as_i64().unwrap_or_default();
                    committed.lock().unwrap().push((order, Instant::now()));
                }
            }
        })
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let consumer = {
        let pipeline = Pipeline::new(db.clone(), Outlets::new(hub.clone(), "http://localhost"));
        let arrived = Arc::new(tokio::sync::Notify::new());
        (
            server::ingest_runner::spawn(pipeline, arrived.clone(), stopped),
            arrived,
        )
    };
    let total = (rate * STEADY_SECONDS as f64) as usize;
    let every = Duration::from_secs_f64(1.0 / rate);
    let start = tokio::time::Instant::now();
    for n in 0..total {
        tokio::time::sleep_until(start + every * n as u32).await;
        let at = Instant::now();
        let stored = records::record_inbound(db, business, Transport::Web, None, incoming(BURST + n, Mix::Returning))
            .await
            .expect("an inbound row");
        if let records::Stored::New(id) = stored {
            written.lock().unwrap().insert(id, at);
        }
        consumer.1.notify_one();
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while committed.lock().unwrap().len() < total && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(true);
    let _ = consumer.0.await;
    listener.abort();

    let orders: HashMap<i64, i64> = entity::orders::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|order| Some((order.id, order.inbound_message_id?)))
        .collect();
    let written = written.lock().unwrap();
    let mut latencies: Vec<Duration> = committed
        .lock()
        .unwrap()
        .iter()
        .filter_map(|(order, at)| Some(at.duration_since(*written.get(orders.get(order)?)?)))
        .collect();
    latencies.sort_unstable();
    let pick = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q).round() as usize];
    (latencies.len(), pick(0.5), pick(0.99))
}
