//! Ten thousand random messages through the real pipeline: whatever a customer (or a broken
//! client) sends, each message is recorded, reaches a final state, and the server keeps serving.
//! The generator is seeded; a failure prints the seed, and `NOVI_HOSTILE_SEED` replays it.

use std::time::Duration;

use app::services::whatsapp::{self as records, Stored};
use entity::{
    businesses,
    enums::{InboundStatus, Transport},
    inbound_messages,
};
use novi_tests::{Engine, chat_message, eventually, on_every_engine, spawn_app};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

on_every_engine!(ten_thousand_random_messages_all_end_handled);

const MESSAGES: usize = 10_000;

/// Pieces of real orders, so many random messages get deep into the parser.
const WORDS: &[&str] = &[
    "2x",
    "margherita",
    "large",
    "small",
    "coke",
    "2L",
    "address",
    "123 Main St",
    "no onions",
    "extra cheese",
    ",",
    "\n",
    "x",
    "½",
    "1,5",
    "-3",
    "99999999999999999999",
    "0x",
    "pizza",
    "pepperoni",
    "for",
    "deliver to",
    "note:",
    "please",
    "and",
    "+",
    "@",
    "#",
    "$12.50",
    "€",
    "كولا",
    "ピザ",
    "🍕",
    "🍕🍕🍕",
    "\u{200b}",
    "\u{202e}",
    "\t",
];

fn message(rng: &mut StdRng) -> String {
    match rng.random_range(0..100) {
        // Any characters at all, control characters and NUL among them.
        0..30 => (0..rng.random_range(0..200)).map(|_| rng.random::<char>()).collect(),
        // Order-like word salad.
        30..75 => (0..rng.random_range(1..40))
            .map(|_| *WORDS.choose(rng).unwrap())
            .collect::<Vec<_>>()
            .join(" "),
        // ASCII, the grammar's punctuation among it.
        75..98 => (0..rng.random_range(0..300))
            .map(|_| rng.random_range(0u8..128) as char)
            .collect(),
        // Very long lines, and very many lines: more items than any order may have.
        98 => "1 margherita large, ".repeat(rng.random_range(1..3_000)),
        _ => "1 coke\n".repeat(rng.random_range(1..2_000)),
    }
}

async fn ten_thousand_random_messages_all_end_handled(engine: Engine) {
    let seed = std::env::var("NOVI_HOSTILE_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    eprintln!("NOVI_HOSTILE_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let business = businesses::Entity::find().one(&app.db).await.unwrap().unwrap().id;

    for n in 0..MESSAGES {
        let body = message(&mut rng);
        let started = std::time::Instant::now();
        let stored = records::record_inbound(
            &app.db,
            business,
            Transport::Web,
            None,
            chat_message(
                format!("H{n}"),
                &format!("1555{:07}", n % 500),
                &message(&mut rng).chars().take(40).collect::<String>(),
                body.clone(),
            ),
        )
        .await
        .unwrap_or_else(|error| {
            panic!(
                "message {n} (seed {seed}) was not recorded after {:?}: {error}",
                started.elapsed()
            )
        });
        assert!(matches!(stored, Stored::New(_)), "message {n}: {stored:?}");
    }

    let waiting = || async {
        inbound_messages::Entity::find()
            .filter(inbound_messages::Column::BusinessId.eq(business))
            .filter(inbound_messages::Column::Status.eq(InboundStatus::Received))
            .count(&app.db)
            .await
            .unwrap()
    };
    eventually(Duration::from_secs(300), "every message to be handled", || async {
        (waiting().await == 0).then_some(())
    })
    .await;
    let failed = inbound_messages::Entity::find()
        .filter(inbound_messages::Column::BusinessId.eq(business))
        .filter(inbound_messages::Column::Status.eq(InboundStatus::Failed))
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        failed.is_empty(),
        "{} messages failed (seed {seed}); the first: {:?} {:?}",
        failed.len(),
        failed[0].last_error,
        failed[0].body
    );
    assert_eq!(app.get("/readyz").await.status(), 200);
}
