//! Creating, editing and moving orders over the REST API, with the audit trail they leave.

use entity::audit_events;
use novi_tests::{DEMO_PASSWORD, Engine, TestApp, on_every_engine, spawn_app};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

on_every_engine!(
    orders_created_at_once_get_distinct_numbers,
    an_order_is_priced_from_the_catalog_and_checked,
    the_life_cycle_allows_only_its_steps,
    editing_reprices_and_is_audited,
    other_tenants_and_drivers_cannot_change_orders,
    the_seed_documents_order_is_taken_as_written,
);

fn example_order() -> Value {
    json!({
        "customer_name": "John Doe",
        "customer_phone": "+1234567890",
        "items": [{"name": "Pizza Margherita", "quantity": 2, "price": 15.99, "variant": "Large"}],
        "total_amount": 31.98,
        "delivery_address": "123 Main St, Springfield"
    })
}

async fn order_business(app: &TestApp, token: &str, id: i64) -> Value {
    app.get_json(&format!("/api/orders/{id}"), token).await.1["order"]["business_id"].clone()
}

async fn create(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    app.send(reqwest::Method::POST, "/api/orders", token, body).await
}

async fn set_status(app: &TestApp, token: &str, id: i64, status: &str) -> (u16, Value) {
    app.send(
        reqwest::Method::POST,
        &format!("/api/orders/{id}/status"),
        token,
        json!({ "status": status }),
    )
    .await
}

async fn orders_created_at_once_get_distinct_numbers(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let answers = create_eight_at_once(&app, &staff).await;
    let mut numbers: Vec<i64> = answers
        .iter()
        .map(|(status, body)| {
            assert_eq!(*status, 201, "{body}");
            body["order"]["order_number"].as_i64().unwrap()
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (2..=9).collect::<Vec<_>>());
    app.stop().await;
}

/// Eight orders for the same new customer, sent at once.
async fn create_eight_at_once(app: &TestApp, token: &str) -> Vec<(u16, Value)> {
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (client, url, token) = (app.client.clone(), app.url("/api/orders"), token.to_string());
        tasks.push(tokio::spawn(async move {
            let body = json!({"customer_phone": "+15559990000", "items": [{"name": "Coke", "quantity": 1}]});
            let response = client.post(url).bearer_auth(token).json(&body).send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

async fn an_order_is_priced_from_the_catalog_and_checked(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(10).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;

    let (status, body) = create(&app, &staff, example_order()).await;
    assert_eq!(status, 201, "{body}");
    let order = &body["order"];
    assert_eq!(order["status"], "pending");
    assert_eq!(order["source"], "api");
    assert_eq!(order["order_number"], 11);
    assert_eq!(order["total_amount"], 31.98);
    assert_eq!(order["items"][0]["name"], "Pizza Margherita");
    assert_eq!(order["items"][0]["variant"], "Large");
    assert!(
        order["items"][0]["product_id"].is_i64(),
        "matched to the catalog: {order}"
    );
    assert!(order["response_times"]["received"].is_string());

    let mut wrong_total = example_order();
    wrong_total["total_amount"] = json!(30.0);
    let (status, body) = create(&app, &staff, wrong_total).await;
    assert_eq!(status, 422);
    let message = body["error"]["fields"]["total_amount"].as_str().unwrap();
    assert!(message.contains("31.98") && message.contains("30.00"), "{message}");

    let (status, body) = create(
        &app,
        &staff,
        json!({"items": [
            {"name": "margherita", "quantity": 1, "variant": "medium", "modifiers": ["extra cheese"]},
            {"name": "Birthday candles", "quantity": 3, "price": 0.5},
            {"name": "coca cola", "quantity": 1, "variant": "2L"}
        ]}),
    )
    .await;
    assert_eq!(
        status, 201,
        "aliases, variants and modifiers, and a priced extra: {body}"
    );
    // 12.99 + 1.50 cheese, 3 × 0.50 candles, 3.49 coke.
    assert_eq!(body["order"]["total_amount"], 19.48);

    let (status, body) = create(
        &app,
        &staff,
        json!({"items": [{"name": "Unicorn steak", "quantity": 1}, {"name": "Coke", "quantity": 1, "variant": "Bucket"}]}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["items[0].price"].is_string(), "{body}");
    assert!(
        body["error"]["fields"]["items[1].variant"]
            .as_str()
            .unwrap()
            .contains("Can"),
        "{body}"
    );

    let (status, body) = create(
        &app,
        &staff,
        json!({"items": [{"name": "Gold bar", "quantity": 10000, "price": 9.0e13}], "total_amount": 1.0e300}),
    )
    .await;
    assert_eq!(status, 422, "absurd amounts are refused, not overflowed: {body}");

    let twice = json!({"items": [{"name": "margherita", "quantity": 1, "modifiers": ["Olives", "Black olives", "black olives"]}]});
    let (status, body) = create(&app, &staff, twice).await;
    assert_eq!(status, 422, "a modifier counts once: {body}");

    let (status, body) = create(&app, &staff, json!({"items": []})).await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["items"].is_string());
    app.stop().await;
}

async fn the_life_cycle_allows_only_its_steps(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let (_, body) = create(&app, &staff, example_order()).await;
    let id = body["order"]["id"].as_i64().unwrap();

    let (status, _) = set_status(&app, &staff, id, "preparing").await;
    assert_eq!(status, 409, "pending cannot skip confirmation");
    for step in ["confirmed", "preparing", "out_for_delivery", "delivered"] {
        let (status, body) = set_status(&app, &staff, id, step).await;
        assert_eq!(status, 200, "{step}: {body}");
        assert_eq!(body["order"]["status"], step);
        assert!(body["order"]["response_times"][step].is_string(), "{step} is stamped");
    }
    let (status, body) = set_status(&app, &staff, id, "cancelled").await;
    assert_eq!(status, 409, "a delivered order stays delivered");
    assert_eq!(body["error"]["code"], "conflict");
    let (status, _) = set_status(&app, &staff, id, "teleported").await;
    assert_eq!(status, 422);

    let (_, body) = create(&app, &staff, example_order()).await;
    let second = body["order"]["id"].as_i64().unwrap();
    assert_eq!(
        set_status(&app, &staff, second, "cancelled").await.0,
        200,
        "cancel before delivery"
    );
    assert_eq!(set_status(&app, &staff, second, "pending").await.0, 409);
    app.stop().await;
}

async fn editing_reprices_and_is_audited(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let (_, body) = create(&app, &staff, example_order()).await;
    let id = body["order"]["id"].as_i64().unwrap();

    let (status, body) = app
        .send(
            reqwest::Method::PATCH,
            &format!("/api/orders/{id}"),
            &staff,
            json!({"items": [{"name": "Pizza Pepperoni", "quantity": 3, "variant": "Small"}], "notes": "ring twice"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["order"]["total_amount"], 32.97);
    assert_eq!(body["order"]["notes"], "ring twice");
    assert_eq!(
        body["order"]["delivery_address"], "123 Main St, Springfield",
        "untouched fields stay"
    );
    assert_eq!(body["order"]["items"].as_array().unwrap().len(), 1);
    set_status(&app, &staff, id, "confirmed").await;

    let events = audit_events::Entity::find()
        .filter(audit_events::Column::EntityType.eq("order"))
        .filter(audit_events::Column::EntityId.eq(id))
        .all(&app.db)
        .await
        .unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["order_created", "order_updated", "order_status"]);
    let update = &events[1];
    assert_eq!(update.before.as_ref().unwrap()["total_amount"], 3198);
    assert_eq!(update.after.as_ref().unwrap()["total_amount"], 3297);
    assert_eq!(events[2].after.as_ref().unwrap()["status"], "confirmed");
    assert!(
        events.iter().all(|e| e.actor_user_id.is_some() && e.ip.is_some()),
        "{events:?}"
    );
    app.stop().await;
}

async fn other_tenants_and_drivers_cannot_change_orders(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let (_, body) = create(&app, &staff, example_order()).await;
    let id = body["order"]["id"].as_i64().unwrap();

    let other = app.register_owner("owner@grocer.example", "Green Grocer").await;
    assert_eq!(set_status(&app, &other, id, "confirmed").await.0, 404);
    let (status, _) = app
        .send(
            reqwest::Method::PATCH,
            &format!("/api/orders/{id}"),
            &other,
            json!({"notes": "x"}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, body) = create(&app, &other, example_order()).await;
    assert_eq!(status, 201, "{body}");
    assert_ne!(
        body["order"]["business_id"],
        order_business(&app, &staff, id).await,
        "created in its own business"
    );
    assert_eq!(
        body["order"]["items"][0]["product_id"],
        Value::Null,
        "not matched to another tenant's catalog"
    );

    let driver = app.token("driver@pizzapalace.example", DEMO_PASSWORD).await;
    assert_eq!(set_status(&app, &driver, id, "confirmed").await.0, 403);
    let (_, order) = app.get_json(&format!("/api/orders/{id}"), &staff).await;
    assert_eq!(order["order"]["status"], "pending", "nothing changed");
    app.stop().await;
}

/// The seed document's example body, as written: its `customer_address`, and an item priced
/// at the Large size without naming it.
async fn the_seed_documents_order_is_taken_as_written(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let seed_document = json!({
        "customer_name": "John Doe",
        "customer_phone": "+1234567890",
        "customer_address": "123 Main St, City",
        "items": [{"name": "Pizza Margherita", "quantity": 2, "price": 15.99}],
        "total_amount": 31.98
    });
    let (status, body) = create(&app, &staff, seed_document.clone()).await;
    assert_eq!(status, 201, "{body}");
    let order = &body["order"];
    assert_eq!(order["delivery_address"], "123 Main St, City");
    assert_eq!(order["items"][0]["variant"], "Large");
    assert_eq!(order["total_amount"], 31.98);

    let mut misspelt = seed_document.clone();
    misspelt["delivery_adress"] = json!("9 Elm St");
    let (status, body) = create(&app, &staff, misspelt).await;
    assert_eq!(status, 422, "an unknown field is refused, not dropped: {body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("delivery_adress"),
        "{body}"
    );

    let mut hostile = seed_document;
    hostile["customer_phone"] = json!("'; DROP TABLE orders;--");
    let (status, body) = create(&app, &staff, hostile).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["fields"]["customer_phone"].is_string(), "{body}");
    app.stop().await;
}
