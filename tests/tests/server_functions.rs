//! The dashboard's server functions: the same services as the REST API, over the session
//! cookie, with the same statuses for the same failures.

use novi_tests::{DEMO_PASSWORD, Engine, TestApp, on_every_engine, spawn_app};
use serde_json::{Value, json};

on_every_engine!(the_dashboard_works_through_server_functions);

async fn call(app: &TestApp, name: &str, cookie: &str, args: Value) -> (u16, Value, Option<String>) {
    let response = app
        .client
        .post(app.url(&format!("/rpc/{name}")))
        .header("cookie", cookie)
        .json(&args)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_string());
    (status, response.json().await.unwrap_or(Value::Null), set_cookie)
}

async fn sign_in(app: &TestApp, email: &str) -> String {
    let credentials = json!({"credentials": {"email": email, "password": DEMO_PASSWORD}});
    let (status, user, set_cookie) = call(app, "account/login", "", credentials).await;
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["email"], email);
    let cookie = set_cookie.expect("the session cookie is set");
    assert!(cookie.contains("HttpOnly"));
    cookie.split(';').next().unwrap().to_string()
}

async fn the_dashboard_works_through_server_functions(engine: Engine) {
    let app = spawn_app(engine).await;
    let report = app.seed_demo(30).await;
    let staff = sign_in(&app, "staff@pizzapalace.example").await;

    let (status, page, _) = call(
        &app,
        "orders/list",
        &staff,
        json!({"query": {"status": "delivered", "limit": 5}}),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        page["orders"].as_array().unwrap().len().min(5),
        page["orders"].as_array().unwrap().len()
    );
    assert!(
        page["orders"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["status"] == "delivered")
    );

    let order =
        json!({"order": {"customer_name": "Walk-in", "items": [{"name": "Coke", "quantity": 2, "variant": "Can"}]}});
    let (status, created, _) = call(&app, "orders/create", &staff, order).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["source"], "manual");
    assert_eq!(created["total_amount"], 3.98);
    let id = created["id"].as_i64().unwrap();
    let (status, confirmed, _) = call(&app, "orders/status", &staff, json!({"id": id, "status": "confirmed"})).await;
    assert_eq!((status, confirmed["status"].as_str()), (200, Some("confirmed")));
    let (status, error, _) = call(&app, "orders/status", &staff, json!({"id": id, "status": "delivered"})).await;
    assert_eq!(status, 409, "the same conflict as the REST API: {error}");
    assert_eq!(error["code"], "conflict");

    let (status, products, _) = call(&app, "catalog/list", &staff, json!({})).await;
    assert_eq!((status, products.as_array().map(Vec::len)), (200, Some(26)));
    let change = json!({"id": report.business_id, "changes": {"auto_confirm": true}});
    let (status, error, _) = call(&app, "business/update", &staff, change.clone()).await;
    assert_eq!(status, 403, "{error}");
    let owner = sign_in(&app, "owner@pizzapalace.example").await;
    let (status, business, _) = call(&app, "business/update", &owner, change).await;
    assert_eq!((status, &business["settings"]["auto_confirm"]), (200, &json!(true)));

    let (status, _, _) = call(&app, "orders/list", "novi_session=forged", json!({"query": {}})).await;
    assert_eq!(status, 401);
    let (status, _, cleared) = call(&app, "account/logout", &staff, json!({})).await;
    assert_eq!(status, 200);
    assert!(cleared.unwrap().contains("Max-Age=0"));
    app.stop().await;
}
