//! `GET /api/events`: signed in only, for the caller's business, and closed when the server
//! shuts down so a shutdown never waits on an open dashboard.

use std::time::Duration;

use novi_tests::{DEMO_PASSWORD, Engine, SseStream, on_every_engine, spawn_app};

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
