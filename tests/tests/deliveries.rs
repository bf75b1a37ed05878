//! Deliveries over the REST API: a WhatsApp order handed to a driver, who picks it up and
//! delivers it; the customer's updates in the outbox; the public tracking page and its live
//! stream; drivers linked to sign-in accounts; team roles.

use std::time::Duration;

use app::services::whatsapp::{self as records, Stored};
use entity::{businesses, enums::Transport, orders, outbound_messages};
use novi_tests::{DEMO_PASSWORD, Engine, SseStream, TestApp, chat_message, eventually, on_every_engine, spawn_app};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};

on_every_engine!(
    a_whatsapp_order_is_delivered_and_tracked_by_the_customer,
    drivers_sign_in_with_linked_accounts_and_roles_change,
);

async fn whatsapp_order(app: &TestApp, business: i64) -> orders::Model {
    let stored = records::record_inbound(
        &app.db,
        business,
        Transport::Web,
        None,
        chat_message(
            "3EB0DELIVERY",
            "15550001111",
            "Ana Souza",
            "2x margherita large, 1 coke 2L, address 123 Main St",
        ),
    )
    .await
    .unwrap();
    let Stored::New(message) = stored else {
        panic!("not stored: {stored:?}");
    };
    eventually(Duration::from_secs(5), "the order", || async {
        orders::Entity::find()
            .filter(orders::Column::InboundMessageId.eq(message))
            .one(&app.db)
            .await
            .unwrap()
    })
    .await
}

async fn replies(app: &TestApp, order: i64) -> Vec<outbound_messages::Model> {
    outbound_messages::Entity::find()
        .filter(outbound_messages::Column::OrderId.eq(order))
        .order_by_asc(outbound_messages::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn a_whatsapp_order_is_delivered_and_tracked_by_the_customer(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let business = businesses::Entity::find().one(&app.db).await.unwrap().unwrap().id;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let driver = app.token("driver@pizzapalace.example", DEMO_PASSWORD).await;
    let order = whatsapp_order(&app, business).await;
    let id = order.id;
    if order.status.as_str() != "confirmed" {
        let path = format!("/api/orders/{id}/status");
        let (status, body) = app
            .send(Method::POST, &path, &owner, json!({"status": "confirmed"}))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = app.get_json("/api/deliveries", &driver).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["deliveries"], json!([]), "nothing assigned yet");

    let drivers = app.get_json("/api/drivers", &owner).await.1["drivers"].clone();
    let own = drivers
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["user_id"].is_i64())
        .unwrap();
    let path = format!("/api/orders/{id}/delivery");
    let (status, body) = app
        .send(Method::POST, &path, &owner, json!({"driver_id": own["id"]}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = app.get_json("/api/deliveries", &driver).await;
    assert_eq!(body["deliveries"][0]["id"], id, "{body}");
    assert_eq!(body["deliveries"][0]["delivery_address"], "123 Main St");

    // The customer's page: first name and items, nothing else personal.
    let token = order
        .tracking_token
        .clone()
        .expect("a WhatsApp order has a tracking link");
    let (status, html) = page(&app, &format!("/t/{token}")).await;
    assert_eq!(status, 200, "{html}");
    for shown in ["Hi Ana", "Margherita", "Expected around", "Confirmed"] {
        assert!(html.contains(shown), "{shown} on the page: {html}");
    }
    for hidden in ["Souza", "123 Main St", "15550001111"] {
        assert!(!html.contains(hidden), "{hidden} must not be on the page");
    }
    let mut live = SseStream::open(&app.url(&format!("/t/{token}/events")), None).await;
    let first = live.next().await.expect("the page as it is now");
    assert_eq!(first.name, "update");

    assert_eq!(
        app.send(Method::PATCH, &path, &owner, json!({"status": "picked_up"}))
            .await
            .0,
        403,
        "the owner is not this order's driver"
    );
    let (status, body) = app
        .send(Method::PATCH, &path, &driver, json!({"status": "picked_up"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["order"]["status"], "out_for_delivery");
    assert_eq!(body["order"]["delivery"]["status"], "picked_up");
    let update = replies(&app, id)
        .await
        .into_iter()
        .find(|reply| reply.template.as_deref() == Some("delivery_update"))
        .expect("the customer is told the order is on its way");
    let first_name = own["name"].as_str().unwrap().split_whitespace().next().unwrap();
    assert!(update.body.contains(first_name), "{}", update.body);
    assert!(update.body.contains(&format!("/t/{token}")), "{}", update.body);
    assert!(update.body.contains("minutes"), "{}", update.body);
    let moved = live.next().await.expect("an update when the driver leaves");
    assert!(moved.data.as_str().unwrap().contains("on its way"), "{:?}", moved.data);

    let (status, body) = app
        .send(Method::PATCH, &path, &driver, json!({"status": "delivered"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["order"]["status"], "delivered");
    assert_eq!(body["order"]["delivery"]["status"], "delivered");
    let done = live.next().await.expect("an update when it is delivered");
    assert!(done.data.as_str().unwrap().contains("delivered"), "{:?}", done.data);
    let templates: Vec<_> = replies(&app, id)
        .await
        .into_iter()
        .filter_map(|reply| reply.template)
        .collect();
    assert_eq!(
        templates.iter().filter(|t| *t == "delivered").count(),
        1,
        "{templates:?}"
    );
    assert_eq!(
        app.send(Method::PATCH, &path, &driver, json!({"status": "delivered"}))
            .await
            .0,
        409
    );
    assert_eq!(
        app.send(Method::PATCH, &path, &driver, json!({"status": "lost"}))
            .await
            .0,
        422
    );

    // A week after delivery the link stops working; so does any made-up one.
    let delivered = orders::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    let mut times = delivered.response_times.clone();
    times["delivered"] = Value::String((chrono::Utc::now() - chrono::Duration::days(8)).to_rfc3339());
    let mut stale: orders::ActiveModel = delivered.into();
    stale.response_times = Set(times);
    stale.update(&app.db).await.unwrap();
    assert_eq!(page(&app, &format!("/t/{token}")).await.0, 404);
    assert_eq!(page(&app, "/t/NoSuchToken123").await.0, 404);
    assert_eq!(page(&app, "/t/%27%3B--").await.0, 404);
    app.stop().await;
}

async fn drivers_sign_in_with_linked_accounts_and_roles_change(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let invitation = json!({"email": "rider@pizzapalace.example", "username": "rider", "role": "driver"});
    let (status, body) = app.send(Method::POST, "/api/users", &owner, invitation).await;
    assert_eq!(status, 201, "{body}");
    let rider = body["user"]["id"].as_i64().unwrap();
    let staff_id = app.get_json("/api/users", &owner).await.1["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|user| user["role"] == "staff")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    let driver = json!({"name": "Rui Costa", "phone": "+351912345678", "user_id": rider});
    let (status, body) = app.send(Method::POST, "/api/drivers", &owner, driver).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["driver"]["user_id"], rider);
    let linked = body["driver"]["id"].as_i64().unwrap();
    let twice = json!({"name": "Rui Again", "phone": "+351912345679", "user_id": rider});
    let (status, body) = app.send(Method::POST, "/api/drivers", &owner, twice).await;
    assert_eq!(status, 422, "one account, one driver: {body}");
    assert!(body["error"]["fields"]["user_id"].is_string());
    let not_a_driver = json!({"name": "Sam", "phone": "+351912345670", "user_id": staff_id});
    assert_eq!(
        app.send(Method::POST, "/api/drivers", &owner, not_a_driver).await.0,
        422
    );

    let path = format!("/api/users/{rider}");
    assert_eq!(
        app.send(Method::PATCH, &path, &staff, json!({"role": "staff"})).await.0,
        403
    );
    let (status, body) = app.send(Method::PATCH, &path, &owner, json!({"role": "staff"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["role"], "staff");
    let drivers = app.get_json("/api/drivers", &owner).await.1["drivers"].clone();
    let unlinked = drivers.as_array().unwrap().iter().find(|d| d["id"] == linked).unwrap();
    assert_eq!(unlinked["user_id"], Value::Null, "no longer a driver's account");
    let me = app.get_json("/api/auth/me", &owner).await.1;
    let me = me["user"]["id"].as_i64().unwrap();
    let (status, body) = app
        .send(
            Method::PATCH,
            &format!("/api/users/{me}"),
            &owner,
            json!({"role": "staff"}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        app.send(Method::PATCH, &path, &owner, json!({"role": "admin"})).await.0,
        422
    );
    assert_eq!(app.send(Method::PATCH, &path, &owner, json!({})).await.0, 422);
    app.stop().await;
}
