//! Linked WhatsApp groups and delivery drivers over the REST API.

use novi_tests::{DEMO_PASSWORD, Engine, on_every_engine, spawn_app};
use reqwest::Method;
use serde_json::json;

on_every_engine!(
    groups_are_linked_by_owners,
    drivers_are_managed_by_owners_and_seen_by_staff,
    a_confirmed_order_is_handed_to_an_active_driver
);

async fn groups_are_linked_by_owners(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let (status, body) = app.get_json("/api/groups", &staff).await;
    assert_eq!(status, 200);
    assert_eq!(body["groups"].as_array().unwrap().len(), 2);

    let group = json!({"whatsapp_group_id": "120363000000000999@g.us", "name": "Office lunch", "kind": "orders"});
    assert_eq!(
        app.send(Method::POST, "/api/groups", &staff, group.clone()).await.0,
        403
    );
    let (status, body) = app.send(Method::POST, "/api/groups", &owner, group.clone()).await;
    assert_eq!(status, 201, "{body}");
    let id = body["group"]["id"].as_i64().unwrap();
    assert_eq!(app.send(Method::POST, "/api/groups", &owner, group).await.0, 409);
    let (status, body) = app
        .send(
            Method::POST,
            "/api/groups",
            &owner,
            json!({"whatsapp_group_id": "12345", "name": ""}),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["whatsapp_group_id"].is_string() && body["error"]["fields"]["name"].is_string());

    let (status, body) = app
        .send(
            Method::PATCH,
            &format!("/api/groups/{id}"),
            &owner,
            json!({"kind": "staff", "is_active": false}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["group"]["kind"], "staff");
    let other = app.register_owner("owner@bakery.example", "Corner Bakery").await;
    assert_eq!(
        app.send(Method::DELETE, &format!("/api/groups/{id}"), &other, json!({}))
            .await
            .0,
        404
    );
    assert_eq!(
        app.send(Method::DELETE, &format!("/api/groups/{id}"), &owner, json!({}))
            .await
            .0,
        200
    );
    assert_eq!(
        app.get_json("/api/groups", &owner).await.1["groups"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    app.stop().await;
}

async fn drivers_are_managed_by_owners_and_seen_by_staff(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let (status, body) = app.get_json("/api/drivers", &staff).await;
    assert_eq!(status, 200);
    assert_eq!(body["drivers"].as_array().unwrap().len(), 3);
    assert!(
        body["drivers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["user_id"].is_i64()),
        "one driver signs in"
    );

    let driver = json!({"name": "Ana Lima", "phone": "+55 11 98765-4321", "vehicle_info": "Honda Biz, red"});
    assert_eq!(
        app.send(Method::POST, "/api/drivers", &staff, driver.clone()).await.0,
        403
    );
    let (status, body) = app.send(Method::POST, "/api/drivers", &owner, driver).await;
    assert_eq!(status, 201, "{body}");
    let id = body["driver"]["id"].as_i64().unwrap();
    let (status, body) = app
        .send(
            Method::POST,
            "/api/drivers",
            &owner,
            json!({"name": "X", "phone": "call me"}),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["phone"].is_string());

    let (status, body) = app
        .send(
            Method::PATCH,
            &format!("/api/drivers/{id}"),
            &owner,
            json!({"is_active": false}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["driver"]["is_active"], false);
    assert_eq!(body["driver"]["phone"], "+55 11 98765-4321");

    let other = app.register_owner("owner@bakery.example", "Corner Bakery").await;
    assert_eq!(
        app.get_json("/api/drivers", &other).await.1["drivers"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        app.send(
            Method::PATCH,
            &format!("/api/drivers/{id}"),
            &other,
            json!({"name": "Mine"})
        )
        .await
        .0,
        404
    );
    assert_eq!(
        app.send(Method::DELETE, &format!("/api/drivers/{id}"), &owner, json!({}))
            .await
            .0,
        200
    );
    app.stop().await;
}

async fn a_confirmed_order_is_handed_to_an_active_driver(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let drivers = app.get_json("/api/drivers", &staff).await.1["drivers"].clone();
    let (first, second) = (drivers[0]["id"].as_i64().unwrap(), drivers[1]["id"].as_i64().unwrap());
    let order = json!({"customer_name": "Ana", "items": [{"name": "Coke", "quantity": 1}]});
    let (status, body) = app.send(Method::POST, "/api/orders", &staff, order).await;
    assert_eq!(status, 201, "{body}");
    let id = body["order"]["id"].as_i64().unwrap();
    let assign = |driver_id: i64| {
        let app = &app;
        let staff = staff.clone();
        async move {
            app.send(
                Method::POST,
                &format!("/api/orders/{id}/delivery"),
                &staff,
                json!({ "driver_id": driver_id }),
            )
            .await
        }
    };

    let (status, body) = assign(first).await;
    assert_eq!(status, 409, "a pending order waits for confirmation: {body}");
    let confirm = json!({"status": "confirmed"});
    let path = format!("/api/orders/{id}/status");
    assert_eq!(app.send(Method::POST, &path, &staff, confirm).await.0, 200);

    let (status, body) = assign(first).await;
    assert_eq!(status, 200, "{body}");
    let delivery = &body["order"]["delivery"];
    assert_eq!(delivery["driver_id"], first);
    assert_eq!(delivery["status"], "assigned");
    assert!(
        delivery["driver_name"].is_string() && delivery["eta_minutes"].is_i64(),
        "{delivery}"
    );
    let (status, body) = assign(second).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["order"]["delivery"]["driver_id"], second,
        "handed to another driver"
    );
    assert_eq!(
        app.get_json(&format!("/api/orders/{id}"), &staff).await.1["order"]["delivery"]["driver_id"],
        second
    );

    let (status, body) = assign(999_999).await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["driver_id"].is_string());
    let other = app.register_owner("owner@bakery.example", "Corner Bakery").await;
    let (status, body) = app
        .send(
            Method::POST,
            "/api/drivers",
            &other,
            json!({"name": "Bo", "phone": "+4412345"}),
        )
        .await;
    assert_eq!(status, 201);
    let foreign = body["driver"]["id"].as_i64().unwrap();
    assert_eq!(assign(foreign).await.0, 422, "another business's driver");
    let (status, _) = app
        .send(
            Method::POST,
            &format!("/api/orders/{id}/delivery"),
            &other,
            json!({"driver_id": foreign}),
        )
        .await;
    assert_eq!(status, 404, "another business's order");
    app.stop().await;
}
