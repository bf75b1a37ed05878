//! `GET /api/events`: signed in only, for the caller's business, and closed when the server
//! shuts down so a shutdown never waits on an open dashboard.

use std::time::Duration;

use novi_tests::{DEMO_PASSWORD, Engine, SseStream, on_every_engine, spawn_app};

on_every_engine!(the_event_stream_needs_a_sign_in_and_ends_with_the_server);

async fn the_event_stream_needs_a_sign_in_and_ends_with_the_server(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    assert_eq!(app.get("/api/events").await.status(), 401);
    let driver = app.token("driver@pizzapalace.example", DEMO_PASSWORD).await;
    let (status, _) = app.get_json("/api/events", &driver).await;
    assert_eq!(status, 403, "drivers do not watch the business");

    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
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
