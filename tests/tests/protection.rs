//! Abuse protection: security headers on every answer, and rate limits with Retry-After.

use novi_tests::{Engine, on_every_engine, spawn_app};
use serde_json::{Value, json};

on_every_engine!(every_answer_carries_security_headers, sign_in_attempts_are_rate_limited);

async fn every_answer_carries_security_headers(engine: Engine) {
    let app = spawn_app(engine).await;
    for path in ["/api/orders", "/healthz", "/login"] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin", "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }

    let page = app.get("/login").await;
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the page CSP has a nonce");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let again = app.get("/login").await.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert_ne!(again, csp, "a fresh nonce per page");
    app.stop().await;
}

async fn sign_in_attempts_are_rate_limited(engine: Engine) {
    let app = spawn_app(engine).await;
    let attempt = || {
        app.client
            .post(app.url("/api/auth/login"))
            .json(&json!({"email": "someone@example.com", "password": "guessing-again"}))
            .send()
    };
    for n in 0..20 {
        assert_eq!(
            attempt().await.unwrap().status(),
            401,
            "attempt {n} is answered normally"
        );
    }
    let limited = attempt().await.unwrap();
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert_eq!(app.get("/healthz").await.status(), 200, "other routes are not limited");
    app.stop().await;
}

mod http_errors {
    use novi_tests::{Engine, spawn_app};
    use serde_json::Value;

    #[tokio::test]
    async fn wrong_methods_and_huge_bodies_get_json_errors() {
        let app = spawn_app(Engine::Sqlite).await;
        let response = app.client.delete(app.url("/api/auth/login")).send().await.unwrap();
        assert_eq!(response.status(), 405);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "method_not_allowed");

        let huge = format!(
            "{{\"email\": \"{}\", \"password\": \"x\"}}",
            "a".repeat(2 * 1024 * 1024)
        );
        let response = app
            .client
            .post(app.url("/api/auth/login"))
            .header("content-type", "application/json")
            .body(huge)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 413);
        assert_eq!(response.json::<Value>().await.unwrap()["success"], false);
        app.stop().await;
    }
}
