//! People: owners invite staff and drivers with one-time passwords, switch access off, and the
//! platform admin's server functions work across businesses.

use novi_tests::{DEMO_PASSWORD, Engine, TestApp, on_every_engine, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

on_every_engine!(
    an_invited_user_replaces_the_one_time_password_first,
    deactivation_ends_access,
    admin_server_functions
);

/// Calls a server function the way the dashboard does: a form post with the session cookie.
async fn server_fn(app: &TestApp, name: &str, token: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(&format!("/rpc/{name}")))
        .header("cookie", format!("novi_session={token}"))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn an_invited_user_replaces_the_one_time_password_first(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let invitation = json!({"email": "new.cook@pizzapalace.example", "username": "new_cook", "role": "staff"});

    assert_eq!(
        app.send(Method::POST, "/api/users", &staff, invitation.clone()).await.0,
        403,
        "staff cannot invite"
    );
    let (status, body) = app.send(Method::POST, "/api/users", &owner, invitation.clone()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["user"]["must_change_password"], true);
    let one_time = body["one_time_password"].as_str().unwrap().to_string();
    assert_eq!(app.send(Method::POST, "/api/users", &owner, invitation).await.0, 409);
    let (status, body) = app
        .send(
            Method::POST,
            "/api/users",
            &owner,
            json!({"email": "x@y.example", "username": "boss", "role": "owner"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");

    let cook = app.token("new.cook@pizzapalace.example", &one_time).await;
    let (status, body) = app.get_json("/api/orders", &cook).await;
    assert_eq!(status, 403, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("one-time password"));
    let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    assert_eq!(
        app.send(
            Method::POST,
            "/api/auth/password",
            &cook,
            change("wrong-one", "cooking-all-day")
        )
        .await
        .0,
        422
    );
    let (status, body) = app
        .send(
            Method::POST,
            "/api/auth/password",
            &cook,
            change(&one_time, "cooking-all-day"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        app.get_json("/api/orders", &cook).await.0,
        200,
        "the same session works now"
    );
    app.token("new.cook@pizzapalace.example", "cooking-all-day").await;

    let (status, body) = app.get_json("/api/users", &owner).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["users"].as_array().unwrap().len(),
        4,
        "owner, staff, driver and the new cook"
    );
    assert_eq!(app.get_json("/api/users", &staff).await.0, 403);
    app.stop().await;
}

async fn deactivation_ends_access(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let (_, me) = app.get_json("/api/auth/me", &staff).await;
    let staff_id = me["user"]["id"].as_i64().unwrap();

    let (status, _) = app
        .send(
            Method::PATCH,
            &format!("/api/users/{staff_id}"),
            &owner,
            json!({"is_active": false}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        app.get_json("/api/orders", &staff).await.0,
        401,
        "an existing session stops working"
    );
    let login = app
        .client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "staff@pizzapalace.example", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 401);

    let (_, me) = app.get_json("/api/auth/me", &owner).await;
    let owner_id = me["user"]["id"].as_i64().unwrap();
    let (status, _) = app
        .send(
            Method::PATCH,
            &format!("/api/users/{owner_id}"),
            &owner,
            json!({"is_active": false}),
        )
        .await;
    assert_eq!(status, 409, "nobody locks themselves out");
    let other = app.register_owner("owner@bakery.example", "Corner Bakery").await;
    let (status, _) = app
        .send(
            Method::PATCH,
            &format!("/api/users/{staff_id}"),
            &other,
            json!({"is_active": true}),
        )
        .await;
    assert_eq!(status, 404);
    app.stop().await;
}

async fn admin_server_functions(engine: Engine) {
    let app = spawn_app(engine).await;
    let report = app.seed_demo(1).await;
    app.register_owner("owner@bakery.example", "Corner Bakery").await;
    let admin = app.token("admin@novi.example", DEMO_PASSWORD).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;

    let (status, body) = server_fn(&app, "admin/businesses", &admin, &[]).await;
    assert_eq!(status, 200, "{body}");
    let codes: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["short_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["PIZZA001", "CORNE001"]);
    let (status, body) = server_fn(&app, "admin/users", &admin, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        body.as_array().unwrap().len(),
        5,
        "every business's users and the admin"
    );

    let (status, body) = server_fn(&app, "admin/businesses", &owner, &[]).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], "forbidden");
    let (status, _) = server_fn(&app, "admin/businesses", "not-a-token", &[]).await;
    assert_eq!(status, 401);

    let id = report.business_id.to_string();
    let (status, body) = server_fn(
        &app,
        "admin/set_business_active",
        &admin,
        &[("id", &id), ("active", "false")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["is_active"], false);
    assert_eq!(
        app.get_json("/api/orders", &owner).await.0,
        401,
        "a deactivated business is signed out"
    );
    let (status, _) = server_fn(
        &app,
        "admin/set_business_active",
        &admin,
        &[("id", "999"), ("active", "true")],
    )
    .await;
    assert_eq!(status, 404);
    app.stop().await;
}
