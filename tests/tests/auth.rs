//! Accounts and sessions over the REST API: the seed document's examples verbatim, bad input,
//! and every way a token can be wrong.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use entity::audit_events;
use jsonwebtoken::{EncodingKey, Header};
use novi_tests::{Engine, TEST_JWT_SECRET, TestApp, on_every_engine, spawn_app};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

on_every_engine!(
    register_and_login_as_in_the_seed_document,
    registration_input_is_validated_field_by_field,
    unreadable_bodies_get_clear_4xx,
    wrong_credentials_all_look_the_same_and_are_audited,
    forged_expired_and_unsigned_tokens_are_refused,
    the_session_cookie_signs_in_the_dashboard,
);

async fn register(app: &TestApp, body: Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/auth/register"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn me(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .get(app.url("/api/auth/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn john() -> Value {
    json!({
        "username": "johndoe",
        "email": "john@example.com",
        "password": "securepassword123",
        "business_name": "John's Pizza"
    })
}

async fn register_and_login_as_in_the_seed_document(engine: Engine) {
    let app = spawn_app(engine).await;
    let response = register(&app, john()).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["success"], true);
    assert_eq!(body["message"], "User registered successfully");
    let user_id = body["user_id"].as_i64().unwrap();

    let again = register(&app, john()).await;
    assert_eq!(again.status(), 409);
    assert_eq!(again.json::<Value>().await.unwrap()["error"]["code"], "conflict");

    let response = login(&app, "john@example.com", "securepassword123").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["success"], true);
    assert_eq!(body["user"]["id"], user_id);
    assert_eq!(body["user"]["email"], "john@example.com");
    assert_eq!(body["user"]["role"], "owner");
    assert!(body["user"]["business_id"].as_i64().is_some());
    let token = body["token"].as_str().unwrap();

    let who = me(&app, token).await;
    assert_eq!(who.status(), 200);
    assert_eq!(who.json::<Value>().await.unwrap()["user"]["id"], user_id);

    let other = register(
        &app,
        json!({"username": "janed", "email": "jane@example.com", "password": "another-password", "business_name": "John's Pizza"}),
    )
    .await;
    assert_eq!(
        other.status(),
        201,
        "a second business may share a name; its short code differs"
    );
    app.stop().await;
}

async fn registration_input_is_validated_field_by_field(engine: Engine) {
    let app = spawn_app(engine).await;
    let response = register(
        &app,
        json!({"username": "x", "email": "not-an-email", "password": "short", "business_name": " "}),
    )
    .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert_eq!(body["error"]["code"], "validation");
    for field in ["username", "email", "password", "business_name"] {
        assert!(body["error"]["fields"][field].is_string(), "{field}: {body}");
    }
    app.stop().await;
}

async fn unreadable_bodies_get_clear_4xx(engine: Engine) {
    let app = spawn_app(engine).await;
    let url = app.url("/api/auth/register");
    let malformed = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"username\":")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert_eq!(malformed.json::<Value>().await.unwrap()["success"], false);

    let wrong_shape = register(&app, json!({"username": 7})).await;
    assert_eq!(wrong_shape.status(), 422);

    let not_json = app.client.post(&url).body("username=john").send().await.unwrap();
    assert_eq!(not_json.status(), 415);
    app.stop().await;
}

async fn wrong_credentials_all_look_the_same_and_are_audited(engine: Engine) {
    let app = spawn_app(engine).await;
    register(&app, john()).await;
    let wrong_password = login(&app, "john@example.com", "not-his-password").await;
    let unknown_email = login(&app, "nobody@example.com", "securepassword123").await;
    assert_eq!(wrong_password.status(), 401);
    assert_eq!(unknown_email.status(), 401);
    assert_eq!(
        wrong_password.json::<Value>().await.unwrap(),
        unknown_email.json::<Value>().await.unwrap()
    );

    assert_eq!(
        login(&app, "JOHN@example.com", "securepassword123").await.status(),
        200,
        "emails ignore case"
    );
    let actions: Vec<String> = audit_events::Entity::find()
        .filter(audit_events::Column::Action.starts_with("login"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.action)
        .collect();
    assert_eq!(actions, ["login_failed", "login_failed", "login"]);
    app.stop().await;
}

async fn forged_expired_and_unsigned_tokens_are_refused(engine: Engine) {
    let app = spawn_app(engine).await;
    register(&app, john()).await;
    let body: Value = login(&app, "john@example.com", "securepassword123")
        .await
        .json()
        .await
        .unwrap();
    let token = body["token"].as_str().unwrap().to_string();
    let user_id = body["user"]["id"].as_i64().unwrap();
    assert_eq!(me(&app, &token).await.status(), 200);

    let now = chrono::Utc::now().timestamp();
    let claims = |exp: i64, aud: &str| json!({"sub": user_id.to_string(), "role": "owner", "bid": null, "iat": now - 10, "exp": exp, "iss": "novi", "aud": aud});
    let sign = |claims: &Value, secret: &str| {
        jsonwebtoken::encode(&Header::default(), claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
    };
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(now + 3600, "novi").to_string())
    );
    let mut tampered = token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });

    let refused = [
        ("tampered signature", tampered),
        ("expired", sign(&claims(now - 3600, "novi"), TEST_JWT_SECRET)),
        (
            "wrong audience",
            sign(&claims(now + 3600, "elsewhere"), TEST_JWT_SECRET),
        ),
        (
            "wrong secret",
            sign(
                &claims(now + 3600, "novi"),
                "another-secret-that-is-also-long-enough-000",
            ),
        ),
        ("alg none", unsigned),
        ("garbage", "not.a.token".to_string()),
    ];
    for (what, token) in refused {
        let response = me(&app, &token).await;
        assert_eq!(response.status(), 401, "{what}");
        assert_eq!(
            response.json::<Value>().await.unwrap()["error"]["code"],
            "unauthorized",
            "{what}"
        );
    }
    assert_eq!(app.get("/api/auth/me").await.status(), 401, "no token at all");
    app.stop().await;
}

async fn the_session_cookie_signs_in_the_dashboard(engine: Engine) {
    let app = spawn_app(engine).await;
    register(&app, john()).await;
    let response = login(&app, "john@example.com", "securepassword123").await;
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("novi_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=86400"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    let pair = cookie.split(';').next().unwrap();
    let who = app
        .client
        .get(app.url("/api/auth/me"))
        .header("cookie", pair)
        .send()
        .await
        .unwrap();
    assert_eq!(who.status(), 200);

    let logout = app
        .client
        .post(app.url("/api/auth/logout"))
        .header("cookie", pair)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 200);
    assert!(logout.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    app.stop().await;
}
