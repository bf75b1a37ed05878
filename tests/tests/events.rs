//! `GET /api/events`: signed in only, for the caller's business, and closed when the server
//! shuts down so a shutdown never waits on an open dashboard; with several instances on one
//! PostgreSQL database, heard on all of them.

use std::time::Duration;

use novi_tests::{DEMO_PASSWORD, Engine, SseStream, TestApp, eventually, on_every_engine, spawn_app};
use sea_orm::{ConnectionTrait, Statement};

on_every_engine!(the_event_stream_needs_a_sign_in_and_ends_with_the_server);

async fn the_event_stream_needs_a_sign_in_and_ends_with_the_server(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    assert_eq!(app.get("/api/events").await.status(), 401);
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    // Drivers hear that an order changed, and nothing about it.
    let driver = app.token("driver@pizzapalace.example", DEMO_PASSWORD).await;
    let mut heard = SseStream::open(&app.url("/api/events"), Some(&driver)).await;
    let order = serde_json::json!({"customer_name": "Ana", "items": [{"name": "Coke", "quantity": 1}]});
    let (status, body) = app.send(reqwest::Method::POST, "/api/orders", &owner, order).await;
    assert_eq!(status, 201, "{body}");
    let event = heard.next().await.expect("the driver hears of the new order");
    assert_eq!(event.name, "order.created");
    assert_eq!(event.data, serde_json::json!({ "id": body["order"]["id"] }));

    let mut stream = SseStream::open(&app.url("/api/events"), Some(&owner)).await;
    let stopping = tokio::spawn(app.stop());
    assert!(
        stream.ends_within(Duration::from_secs(5)).await,
        "the stream ends on shutdown"
    );
    tokio::time::timeout(Duration::from_secs(10), stopping)
        .await
        .expect("the server stops with a stream open")
        .unwrap();
}

/// An order made through one instance is heard at once on another's event stream, and that
/// instance's next list shows it although it kept the list a moment ago; still so after
/// PostgreSQL dropped the connections the instances listen on.
#[tokio::test]
async fn instances_on_one_database_hear_each_other() {
    let Some(engine) = Engine::postgres() else {
        eprintln!("skipped: NOVI_TEST_POSTGRES_URL is not set");
        return;
    };
    let first = spawn_app(engine).await;
    first.seed_demo(5).await;
    let second = first.another_instance().await;
    let owner = first.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let mut heard = SseStream::open(&second.url("/api/events"), Some(&owner)).await;
    hear_an_order(&first, &second, &owner, &mut heard, "listening").await;
    let cut = listeners(&first).await;
    assert_eq!(cut.len(), 2, "one listener per instance");
    for pid in &cut {
        first
            .db
            .execute_unprepared(&format!("SELECT pg_terminate_backend({pid})"))
            .await
            .unwrap();
    }
    eventually(Duration::from_secs(10), "both instances to listen again", || async {
        let now = listeners(&first).await;
        (now.len() == 2 && now.iter().all(|pid| !cut.contains(pid))).then_some(())
    })
    .await;
    hear_an_order(&first, &second, &owner, &mut heard, "listening again").await;
    second.stop().await;
    first.stop().await;
}

/// Creates an order through `first` right after `second` listed the newest orders.
async fn hear_an_order(first: &TestApp, second: &TestApp, owner: &str, heard: &mut SseStream, round: &str) {
    second.get_json("/api/orders?limit=5", owner).await;
    let order = serde_json::json!({"customer_name": "Ana", "items": [{"name": "Coke", "quantity": 1}]});
    let (status, body) = first.send(reqwest::Method::POST, "/api/orders", owner, order).await;
    assert_eq!(status, 201, "{body}");
    let id = &body["order"]["id"];
    let event = heard.next().await.expect("the other instance hears of the order");
    assert_eq!(
        (event.name.as_str(), &event.data["id"]),
        ("order.created", id),
        "{round}"
    );
    let (_, listed) = second.get_json("/api/orders?limit=5", owner).await;
    assert_eq!(&listed["orders"][0]["id"], id, "{round}: the other instance lists it");
}

/// The server processes of connections listening for events on the test's database.
async fn listeners(app: &TestApp) -> Vec<i32> {
    let sql = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'";
    app.db
        .query_all_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get_by_index::<i32>(0).unwrap())
        .collect()
}
