//! The server as an HTTP client sees it: health, readiness, metrics, errors, the rendered shell.

use novi_tests::{DEMO_PASSWORD, Engine, Options, on_every_engine, spawn_app, spawn_app_with};
use serde_json::Value;

on_every_engine!(
    health_and_readiness_answer,
    readiness_waits_for_migrations,
    metrics_count_requests_and_pool,
    unknown_api_routes_answer_json_404,
    the_dashboard_shell_is_rendered_on_the_server,
    the_status_server_function_reports_the_database,
);

async fn health_and_readiness_answer(engine: Engine) {
    let app = spawn_app(engine).await;

    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert!(
        health.headers().contains_key("x-request-id"),
        "every response carries a request id"
    );
    assert_eq!(health.json::<Value>().await.unwrap()["status"], "ok");

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "ready");
    app.stop().await;
}

async fn readiness_waits_for_migrations(engine: Engine) {
    let app = spawn_app_with(
        engine,
        Options {
            auto_migrate: Some(false),
            ..Options::default()
        },
    )
    .await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.unwrap();
    assert!(body["reason"].as_str().unwrap().contains("pending"), "{body}");
    assert_eq!(app.get("/healthz").await.status(), 200, "alive even when not ready");
    app.stop().await;
}

async fn metrics_count_requests_and_pool(engine: Engine) {
    let app = spawn_app(engine).await;
    app.get("/healthz").await;
    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status(), 200);
    assert!(
        metrics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = metrics.text().await.unwrap();
    assert!(text.contains("http_requests_total{"), "{text}");
    assert!(text.contains("route=\"/healthz\""), "{text}");
    assert!(text.contains("http_request_duration_seconds_bucket"), "{text}");
    assert!(text.contains("db_pool_connections"), "{text}");
    app.stop().await;
}

async fn unknown_api_routes_answer_json_404(engine: Engine) {
    let app = spawn_app(engine).await;
    let response = app.get("/api/no-such-thing").await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert_eq!(body["error"]["code"], "not_found");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/api/no-such-thing")
    );
    assert!(body["error"]["fields"].is_object());
    app.stop().await;
}

async fn the_dashboard_shell_is_rendered_on_the_server(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(3).await;
    // Signed out, the dashboard sends the visitor to sign in, and back afterwards.
    for (page, back) in [("/", "/"), ("/orders?status=pending", "/orders%3Fstatus%3Dpending")] {
        let response = app.get(page).await;
        assert_eq!(response.status(), 303, "{page}");
        assert_eq!(response.headers()["location"], format!("/login?next={back}"));
    }
    let response = app.get("/login").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("Sign in"), "{html}");

    let token = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let board = app
        .client
        .get(app.url("/orders"))
        .header("cookie", format!("novi_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(board.status(), 200);
    let html = board.text().await.unwrap();
    assert!(html.contains("<h1>Orders</h1>"), "{html}");
    assert!(
        html.contains("data-order="),
        "the seeded orders are rendered on the server: {html}"
    );
    assert!(
        html.contains("/pkg/frontend.js"),
        "the page loads the hydration bundle: {html}"
    );
    assert!(html.contains("/pkg/frontend_bg.wasm"), "{html}");

    let missing = app.get("/no/such/page").await;
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("Page not found"));
    app.stop().await;
}

async fn the_status_server_function_reports_the_database(engine: Engine) {
    let expected = match engine {
        Engine::Sqlite => "SQLite",
        Engine::Postgres(_) => "PostgreSQL",
    };
    let app = spawn_app(engine).await;
    let response = app.client.post(app.url("/rpc/system_status")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let status: Value = response.json().await.unwrap();
    assert_eq!(status["database_engine"], expected);
    assert_eq!(status["pending_migrations"], 0);
    assert!(status["database_latency_ms"].as_f64().unwrap() >= 0.0);
    app.stop().await;
}
